#!/bin/sh
# Build a User-Mode Linux kernel from Debian's linux-source-VERSION package
# with CONFIG_DEBUG_DEVRES, the dev:devres_log event, hostfs, debugfs and
# the project's devres fixture (fixture/devres_fixture.c, built into
# drivers/base/test/ like the kernel's own driver-core tests).
#
# usage: build-uml.sh VERSION BUILDROOT      (VERSION: 6.1 or 6.12)
# prints the path of the kernel binary on the last line of stdout.
# exit 77 when the host cannot build it (no source package, no compiler,
# build failure): the caller turns that into a skip with this message.
#
# Cache: BUILDROOT/<VERSION>-<key>/ where <key> hashes the source package
# (name, size, mtime), uml.config, the Kconfig entry and the patches: a
# change to any of them gets a fresh folder.  The fixture is copied in only when it
# changed, so kbuild rebuilds just that object; a second run only boots.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
V=${1:?version}
ROOT=${2:?build root}
JOBS=${JOBS:-2}
TAR=${KERNEL_SOURCE_DIR:-/usr/src}/linux-source-$V.tar.xz

skip() { echo "SKIP: UML $V: $*" >&2; exit 77; }
[ -f "$TAR" ] || skip "$TAR not found (apt-get install linux-source-$V)"
for t in make gcc flex bison bc xz patch sha256sum; do
	command -v $t >/dev/null || skip "$t not installed"
done

# Patches: uml-xstate-writable.patch is needed on both 6.1 and 6.12: their
# arch/x86/um/os-Linux/registers.c is the same, and takes the host's xstate
# regset with a buffer it cannot write back on hosts whose XSAVE area is
# larger than FP_SIZE (AMX), so the guest panics at boot ("ptrace set fp
# regs failed").  On other hosts it changes nothing.  The param patch exists
# for 6.1 only: 6.1.y got the device_del() release as a backport, and the
# pre-6.6 behaviour (devres kept until the last put) is selected at boot
# with devres_release_on_del=0, so one kernel serves both expectations.
PATCHES="$HERE/patches/uml-xstate-writable.patch"
[ "$V" = 6.1 ] && PATCHES="$PATCHES $HERE/patches/6.1-devres-release-on-del-param.patch"

key=$( { stat -c '%n %s %Y' "$TAR"; cat "$HERE/uml.config" "$HERE/fixture/Kconfig.snippet" \
	$PATCHES; } | sha256sum | cut -c1-12)
D=$ROOT/$V-$key
SRC=$D/src
O=$D/out
mkdir -p "$D"
LOG=$D/build.log
t0=$(date +%s)

if [ ! -f "$SRC/.devresctl-prepared" ]; then
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -C "$SRC" --strip-components=1 -xJf "$TAR" || skip "cannot unpack $TAR"
	for p in $PATCHES; do
		patch -d "$SRC" -p1 -s < "$p" || skip "patch $(basename "$p") does not apply"
	done
	T=$SRC/drivers/base/test
	grep -q '^obj-y[[:space:]]*+= test/' "$SRC/drivers/base/Makefile" ||
		skip "drivers/base/Makefile does not build test/"
	cat "$HERE/fixture/Kconfig.snippet" >> "$T/Kconfig"
	echo 'obj-$(CONFIG_DEVRES_FIXTURE) += devres_fixture.o' >> "$T/Makefile"
	touch "$SRC/.devresctl-prepared"
	echo "UML $V: unpacked and patched in $(( $(date +%s) - t0 )) s" >&2
fi
fresh=1
cmp -s "$HERE/fixture/devres_fixture.c" "$SRC/drivers/base/test/devres_fixture.c" ||
	{ cp "$HERE/fixture/devres_fixture.c" "$SRC/drivers/base/test/devres_fixture.c"; fresh=0; }

if [ ! -f "$O/.config" ]; then
	mkdir -p "$O"
	{ make -C "$SRC" ARCH=um O="$O" defconfig &&
	  "$SRC/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "$HERE/uml.config" &&
	  make -C "$SRC" ARCH=um O="$O" olddefconfig; } > "$D/config.log" 2>&1 ||
		{ tail -20 "$D/config.log" >&2; rm -f "$O/.config"; skip "configuration failed (see $D/config.log)"; }
	for o in DEBUG_DEVRES DEVRES_FIXTURE EVENT_TRACING HOSTFS DEBUG_FS UNIX98_PTYS UNIX; do
		grep -q "^CONFIG_$o=y" "$O/.config" ||
			{ rm -f "$O/.config"; skip "CONFIG_$o did not stay on in $O/.config"; }
	done
fi

# everything else is in the key: an unchanged fixture and a built kernel
# need no make (a no-op kbuild run still takes a minute on 2 cores)
if [ $fresh = 1 ] && [ -x "$O/linux" ] && [ "$O/linux" -nt "$O/.config" ]; then
	echo "UML $V: cached in $D" >&2
	echo "$O/linux"
	exit 0
fi
t1=$(date +%s)
if ! make -C "$SRC" ARCH=um O="$O" -j"$JOBS" > "$LOG" 2>&1; then
	tail -30 "$LOG" >&2
	skip "build failed (see $LOG)"
fi
echo "UML $V: build $(( $(date +%s) - t1 )) s (total $(( $(date +%s) - t0 )) s) in $D" >&2
echo "$O/linux"
