/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* The monotonic clock, and this process's CPU time. */
uint64_t now_usec(void);
uint64_t now_msec(void);
uint64_t cpu_usec(void);
