/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exit status of devresctl: part of the interface, documented in devresctl(8). */
#pragma once

#define DEVRESCTL_EX_OK       0   /* success; no finding at or above --fail-on */
#define DEVRESCTL_EX_FINDINGS 1   /* findings at or above --fail-on */
#define DEVRESCTL_EX_USAGE    2   /* usage error */
#define DEVRESCTL_EX_FAILURE  3   /* operational failure: unreadable input, ... */
