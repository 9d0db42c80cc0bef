// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Raw /dev/kmsg records (Documentation/ABI/testing/dev-kmsg), as `cat
 * /dev/kmsg` and the live sources write them:
 *
 *   3,64,1920000,-;drv 0000:00:1f.3: DEVRES ADD 000000001111aaaa grp< (0 bytes)
 *    SUBSYSTEM=pci
 *    DEVICE=+pci:0000:00:1f.3
 *
 * "prio,seq,usec,flags[,...];" then the message; the dictionary lines that
 * follow, each indented by one space, give the device a unique identity
 * (DESIGN.md 2.3). The record waits for them and ends at the first line
 * that is not one.
 *
 * In a recording (it declares its witnesses, DRC_WITNESSES_LINE) every
 * record the kernel logged is there, in order: the kernel numbers them
 * one by one (printk_ringbuffer seq), so a gap that no devresctl-lost
 * line accounts for is a loss nobody reported, and a number that goes
 * back is a recording out of order. Both are losses for the rules (the
 * count, or unknown), so that what follows is judged as uncertain. An
 * excerpt or `grep DEVRES` of /dev/kmsg skips numbers by design: only a
 * recording is held to them.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "stream-private.h"

struct kmsg_state {
	struct kv_record rec;           /* awaiting its dictionary (first: see struct transport) */
	size_t at;                      /* detect(): where the message starts */
	int64_t ts;
	uint64_t seq;                   /* detect(): the record's number */
	bool seq_ok;                    /* it fits in 64 bits */
	uint64_t last_seq;              /* of the record before */
	bool have_last;
};

/* "prio,seq,usec,flags[,...];" of /dev/kmsg */
static size_t parse_kmsg_header(const char *l, size_t len, int64_t *ts, uint64_t *seq, bool *seq_ok)
{
	size_t i = 0;
	int64_t usec = 0;
	const char *semi;

	*seq = 0;
	*seq_ok = true;
	for (int field = 0; field < 3; field++) {
		size_t start = i;

		if (field == 2)
			usec = 0;
		while (i < len && is_digit(l[i])) {
			/* the kernel prints a u64 of microseconds since boot: more
			 * than an int64_t holds (292,000 years) is not a record */
			if (field == 2 && usec > (INT64_MAX - 9) / 10)
				return 0;
			if (field == 2)
				usec = usec * 10 + (l[i] - '0');
			if (field == 1 && *seq > (UINT64_MAX - 9) / 10)
				*seq_ok = false;
			else if (field == 1)
				*seq = *seq * 10 + (uint64_t)(l[i] - '0');
			i++;
		}
		if (i == start || i >= len || l[i] != ',')
			return 0;
		i++;
	}
	semi = memchr(l + i, ';', MIN(len - i, (size_t)64));
	if (!semi)
		return 0;
	*ts = usec;
	return (size_t)(semi - l) + 1;
}

static int kmsg_record(struct drc_stream *s, void *st, struct line *l)
{
	struct kv_record *k = &((struct kmsg_state *)st)->rec;
	size_t eq;
	int r;

	if (l->len && l->text[0] == ' ' && is_property(l->text + 1, l->len - 1, &eq)) {
		record_field(s, k, l->text + 1, eq, l->text + 2 + eq, l->len - eq - 2);
		l->why = "a dictionary line of its record";
		return LINE_TAKEN;
	}
	r = record_flush(s, k);
	return r < 0 ? r : LINE_PASS;
}

static const char *kmsg_detect(struct drc_stream *s, void *st, const struct line *l, enum stage stage)
{
	struct kmsg_state *k = st;

	k->at = parse_kmsg_header(l->text, l->len, &k->ts, &k->seq, &k->seq_ok);
	return k->at ? "a record 'PRIO,SEQ,USEC,FLAGS;', its dictionary may follow" : NULL;
}

/* A recording's record numbers: what the collector did not say it lost. */
static void check_seq(struct drc_stream *s, struct kmsg_state *ks, const struct line *l)
{
	bool said = s->kmsg_loss_said;

	s->kmsg_loss_said = false;
	if (!(s->ctx->witnesses_declared & (1u << DRC_WITNESS_PRINTK)) || !ks->seq_ok) {
		ks->have_last = false;
		return;
	}
	if (ks->have_last && !said && ks->seq != ks->last_seq + 1) {
		/* a new boot starts again from 0 with its banner, no loss */
		bool banner = l->len - ks->at >= 14 && memcmp(l->text + ks->at, "Linux version ", 14) == 0;

		if (!banner) {
			STREAM_DEBUG(s, l->o, "kmsg: record %" PRIu64 " after %" PRIu64 ": %s", ks->seq, ks->last_seq,
				     ks->seq > ks->last_seq ? "records missing without a loss said" :
				     "out of order");
			s->ctx->stats.kmsg_seq_breaks++;
			(void)drc_model_witness_loss(s->ctx);
			drc_rules_lost(s->ctx, "kmsg", ks->seq > ks->last_seq ? ks->seq - ks->last_seq - 1 : 0,
				       ks->ts, l->o);
		}
	}
	ks->last_seq = ks->seq;
	ks->have_last = true;
}

static int kmsg_feed(struct drc_stream *s, void *st, struct line *l, enum stage stage)
{
	struct kmsg_state *ks = st;
	struct kv_record *k = &ks->rec;
	int r;

	check_seq(s, ks, l);
	record_start(k, l->o);
	k->kernel_transport = true;
	k->ts = ks->ts;
	r = strbuf_append(&k->msg, l->text + ks->at, l->len - ks->at);
	return r < 0 ? r : LINE_TAKEN;
}

static int kmsg_flush(struct drc_stream *s, void *st)
{
	return record_flush(s, &((struct kmsg_state *)st)->rec);
}

static uint64_t kmsg_pending(const void *st)
{
	const struct kv_record *k = &((const struct kmsg_state *)st)->rec;

	return k->active ? k->origin.line : UINT64_MAX;
}

static void kmsg_done(void *st)
{
	strbuf_done(&((struct kmsg_state *)st)->rec.msg);
}

const struct transport transport_kmsg = {
	.name = "kmsg",
	.state_size = sizeof(struct kmsg_state),
	.stages = STAGE(STAGE_HEADER),
	.first = { [STAGE_HEADER] = "0123456789" },
	.detect = kmsg_detect,
	.feed = kmsg_feed,
	.record = kmsg_record,
	.flush = kmsg_flush,
	.pending = kmsg_pending,
	.done = kmsg_done,
};
