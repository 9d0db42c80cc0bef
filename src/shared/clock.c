// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <time.h>

#include "clock.h"

static uint64_t usec_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_usec(void)
{
	return usec_of(CLOCK_MONOTONIC);
}

uint64_t now_msec(void)
{
	return now_usec() / 1000u;
}

uint64_t cpu_usec(void)
{
	return usec_of(CLOCK_PROCESS_CPUTIME_ID);
}
