// SPDX-License-Identifier: GPL-2.0-or-later
/* The live sources' pure parts: what a /dev/kmsg overrun lost. */
#include "config.h"

#include "lib/tap.h"
#include "sources/live.h"

static int track(struct kmsg_tracker *t, const char *line, uint64_t *lost)
{
	*lost = 0;
	return kmsg_track(t, line, strlen(line), lost);
}

static void test_kmsg_overrun(void)
{
	struct kmsg_tracker t = { 0 };
	uint64_t lost;

	is_int(track(&t, "6,100,1000,-;first", &lost), 0, "a record: nothing lost");
	is_int(track(&t, " SUBSYSTEM=platform", &lost), 0, "a dictionary line is not a record");
	is_int(track(&t, "6,101,1001,-;second", &lost), 0, "the next record: nothing lost");
	t.overrun = true;       /* read() failed with EPIPE */
	is_int(track(&t, "3,250,2000,-;after the overrun", &lost), 1, "after EPIPE the gap is counted");
	is_int(lost, 148, "records 102 to 249 were lost");
	is_int(track(&t, "3,251,2001,-;next", &lost), 0, "then nothing more");
	t = (struct kmsg_tracker){ .overrun = true };
	is_int(track(&t, "3,7,2000,-;first read", &lost), 2, "an overrun before any record: lost, count unknown");
	is_int(track(&t, "3,8,2000,c;continued", &lost), 0, "flags other than '-' parse too");
	is_int(track(&t, "garbage,x", &lost), 0, "not a record");
}

int main(void)
{
	test_kmsg_overrun();
	return tap_done();
}
