/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What devresd and its clients agree on (devresd(8), PROTOCOL). */
#define DEVRESD_SOCKET "/run/devresd/socket"
#define DEVRESD_PROTOCOL 1
