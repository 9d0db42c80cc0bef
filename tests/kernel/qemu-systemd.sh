#!/bin/sh
# check-kernel, devresd.service under a real systemd: Debian 12's stock
# kernel under qemu-system-x86_64 (TCG), the host's own root filesystem as
# the guest's (9p, read-only, under a tmpfs overlay), booted by the host's
# systemd into devresd-check.target. The unit
# is data/devresd.service.in as installed (only ExecStart's directory
# changed), with every sandboxing setting it has: it must start, collect a
# real driver's unbind and bind (snd_hda_intel), answer `devresctl report --source=devresd`,
# keep only its capabilities and stop cleanly. TAP on stdout.
# env: as qemu.sh (KERNEL_BOOT_TIMEOUT: 300 s; the boot takes 20-30 s)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
: "${top_srcdir:=$(cd "$HERE/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
DEVRESCTL=$top_builddir/devresctl
DEVRESD=$top_builddir/devresd
KB=$top_srcdir/data/kb/release-functions.tsv
BUILD=${KERNEL_BUILD_DIR:-$top_builddir/tests/kernel/build}/qemu
O=${KERNEL_OUT:-$top_builddir/tests/kernel/out}/qemu-systemd

[ -x /lib/systemd/systemd ] || skip_all "the host has no systemd to boot"
[ -x "$DEVRESD" ] || skip_all "$DEVRESD not built"
qemu_prepare "$BUILD" "$O" || exit 77
R=$BUILD/initramfs-systemd
qemu_initramfs "$R"
cp "$HERE/qemu/init-systemd" "$R/init"
qemu_modules "$R" 9p 9pnet_virtio virtio_pci overlay ahci sd_mod snd_hda_codec_generic snd_hda_intel
P=$R/payload
mkdir -p "$P"
cp "$DEVRESD" "$DEVRESCTL" "$KB" "$HERE/qemu/devresd-check.sh" "$HERE/qemu/devresd-check.service" \
	"$HERE/qemu/devresd-check.target" "$P/"
sed -e "s|@sbindir[@]|/run/devresd-test|g" "$top_srcdir/data/devresd.service.in" > "$P/devresd.service"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$BUILD/initramfs-systemd.cpio.gz"

qemu_boot "${KERNEL_BOOT_TIMEOUT:-300}" "$BUILD/initramfs-systemd.cpio.gz" "$BUILD/out-systemd.img" \
	"trace_event=dev:devres_log panic=-1 loglevel=4 fstab=no systemd.show_status=1" \
	-audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0 \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on
t="QEMU $PKG, systemd $(/lib/systemd/systemd --version 2> /dev/null | awk 'NR == 1 { print $2 }')"
if [ ! -f "$O/check-done" ]; then
	tail -30 "$O/console.txt" > "$O/console.tail"
	ok 1 "$t: boots the host's root and runs devresd-check.target ($BOOT_S s)" "$O/console.tail"
	tap_end
	exit 1
fi
ok 0 "$t: boots the host's root and runs devresd-check.target ($BOOT_S s)"
[ "$(cat "$O/start.rc")" = 0 ] && grep -qx ActiveState=active "$O/show.txt" && grep -qx SubState=running "$O/show.txt"
ok $? "$t: systemctl start devresd.service: active, running" "$O/journal.txt"
grep -Eq '^srw-rw---- .* /run/devresd/socket$' "$O/paths.txt" && grep -Eq '^drwxr-x--- .* /var/lib/devresd$' "$O/paths.txt"
ok $? "$t: the socket (0660) and the journal directory (0750) as devresd(8) says" "$O/paths.txt"
# CAP_SYSLOG, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH at most (CAP_CHOWN dropped once the socket is made)
eff=$(awk '$1 == "CapEff:" { print $2 }' "$O/status.txt")
[ -n "$eff" ] && [ $(( 0x$eff & ~0x400080004 )) -eq 0 ] && grep -q '^NoNewPrivs:[[:space:]]*1' "$O/status.txt" &&
	grep -q '^Seccomp:[[:space:]]*2' "$O/status.txt"
ok $? "$t: running with the unit's capabilities at most ($eff), no new privileges, a seccomp filter" "$O/status.txt"
dev=$(cat "$O/device.txt")
[ "$(cat "$O/report.rc")" = 0 ] &&
	jq -e --arg d "$dev" '[.devices[] | select(.device == $d) | .batches[]? | select(.kind == "release-all") |
		.released + .unknown] | add > 0' "$O/report.json" > /dev/null 2>&1 &&
	jq -e --arg d "$dev" '[.devices[] | select(.device == $d) | .live[]] | length > 0' "$O/report.json" > /dev/null 2>&1
ok $? "$t: report --source=devresd shows $dev's unbind (a release of everything) and rebind (live nodes)" "$O/report.err"
grep -qx ActiveState=active "$O/show-after.txt" && grep -qx NRestarts=0 "$O/show-after.txt"
ok $? "$t: still running after the cycle and the client, never restarted" "$O/show-after.txt"
[ "$(cat "$O/stop.rc")" = 0 ] && grep -qx Result=success "$O/stop.txt"
ok $? "$t: systemctl stop devresd.service: Result=success" "$O/stop.txt"
score=$(sed -n 's/.*Overall exposure level for devresd.service: \([0-9.]*\).*/\1/p' "$O/security.txt")
[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.7) }'
ok $? "$t: systemd-analyze security on the running unit: exposure $score, at most 2.7" "$O/security.txt"
! grep -Eiq 'operation not permitted|permission denied|read-only file system|bad system call' "$O/journal.txt"
ok $? "$t: nothing in devresd's journal refused by the sandbox" "$O/journal.txt"
tap_end
