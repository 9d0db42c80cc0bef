// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A umockdev test bed for the udev source: a platform device bound to a
 * driver, a command run under umockdev's preload (so that its libudev sees
 * the test bed), and uevents sent to it while it runs.
 *
 *   udev-bed DELAY ACTION... -- COMMAND ARGS...
 *
 * Waits DELAY seconds, sends each ACTION ("unbind", "bind", ...) for
 * /sys/devices/platform/dfx-ops.0 a tenth of a second apart, then waits for
 * COMMAND and exits with its status. $BED_PRELOAD is preloaded before
 * umockdev's library. An ACTION "module:NAME:ACTION" is sent
 * for module NAME instead ("module:fxdrv:add").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	UMockdevTestbed *tb;
	gchar *sys, *mod = NULL;
	char mod_name[64] = "";
	int sep = 0, status;
	double delay;
	pid_t pid;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (argc < 4 || !sep || sep + 1 >= argc) {
		fprintf(stderr, "usage: udev-bed DELAY ACTION... -- COMMAND ARGS...\n");
		return 2;
	}
	delay = atof(argv[1]);
	tb = umockdev_testbed_new();
	sys = umockdev_testbed_add_device(tb, "platform", "dfx-ops.0", NULL,
					  /* attributes */ NULL,
					  /* properties */ "DRIVER", "dfx-ops", "MODALIAS", "platform:dfx-ops", NULL);
	if (!sys) {
		fprintf(stderr, "udev-bed: cannot add the device\n");
		return 3;
	}
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		/* UMOCKDEV_DIR is set by the test bed; the preload reads it.
		 * BED_PRELOAD: another preload before it (tests/live/shim.so),
		 * since umockdev's wrappers call libc directly */
		const char *more = getenv("BED_PRELOAD");
		char preload[4096];

		snprintf(preload, sizeof(preload), "%s%slibumockdev-preload.so.0", more ? more : "", more ? " " : "");
		setenv("LD_PRELOAD", preload, 1);
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1);
		execvp(argv[sep + 1], argv + sep + 1);
		fprintf(stderr, "udev-bed: cannot run %s: %s\n", argv[sep + 1], strerror(errno));
		_exit(127);
	}
	usleep((useconds_t)(delay * 1e6));
	for (int i = 2; i < sep; i++) {
		char name[64], action[16];

		if (sscanf(argv[i], "module:%63[^:]:%15s", name, action) == 2) {
			/* one sysfs entry per module, whatever is sent for it */
			if (!mod || strcmp(mod_name, name) != 0) {
				g_free(mod);
				mod = umockdev_testbed_add_device(tb, "module", name, NULL, NULL, NULL);
				if (!mod) {
					fprintf(stderr, "udev-bed: cannot add module %s\n", name);
					return 3;
				}
				snprintf(mod_name, sizeof(mod_name), "%s", name);
			}
			umockdev_testbed_uevent(tb, mod, action);
		} else
			umockdev_testbed_uevent(tb, sys, argv[i]);
		usleep(100000);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 3;
	g_free(sys);
	g_free(mod);
	g_object_unref(tb);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
