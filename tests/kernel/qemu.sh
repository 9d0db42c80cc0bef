#!/bin/sh
# check-kernel, QEMU half: Debian 12's stock kernel (linux-image-*-amd64,
# fetched with apt-get download; no CONFIG_DEBUG_DEVRES, the dev:devres_log
# event only) under qemu-system-x86_64 (TCG) with a busybox initramfs that
# holds the project's devresctl and its shared libraries.  Real drivers
# (e1000, snd_hda_intel, bochs-drm, ahci) are unbound and bound again; the
# recording must show each unbind and rebind, the operations the kernel's
# own trace shows, and no leak.  TAP on stdout.
# env: top_srcdir top_builddir, KERNEL_BUILD_DIR, KERNEL_OUT (as uml.sh),
#      KERNEL_QEMU_IMAGE (the package, default: what linux-image-amd64
#      depends on)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
: "${top_srcdir:=$(cd "$HERE/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
DEVRESCTL=$top_builddir/devresctl
KB=$top_srcdir/data/kb/release-functions.tsv
BUILD=${KERNEL_BUILD_DIR:-$top_builddir/tests/kernel/build}/qemu
O=${KERNEL_OUT:-$top_builddir/tests/kernel/out}/qemu

qemu_prepare "$BUILD" "$O" || exit 77
R=$BUILD/initramfs
qemu_initramfs "$R"
cp "$HERE/qemu/init" "$R/init"
qemu_modules "$R" ahci sd_mod e1000 snd_hda_codec_generic snd_hda_intel bochs
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$BUILD/initramfs.cpio.gz"

qemu_boot "${KERNEL_BOOT_TIMEOUT:-900}" "$BUILD/initramfs.cpio.gz" "$BUILD/out.img" \
	"trace_event=dev:devres_log trace_buf_size=8M panic=-1 quiet loglevel=7" \
	-device e1000 -audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0
t="QEMU $PKG"
if [ ! -f "$O/init-done" ]; then
	tail -20 "$O/console.txt" > "$O/console.tail"
	ok 1 "$t: boots, unbinds and rebinds the drivers ($BOOT_S s)" "$O/console.tail"
	tap_end
	exit 1
fi
ok 0 "$t: boots, unbinds and rebinds the drivers ($BOOT_S s)"

grep -q 'recorded to' "$O/rec.err" && [ "$(cat "$O/rec.rc")" = 0 ]
ok $? "$t: record exits 0 on SIGINT and prints its count" "$O/rec.err"
report_json "$O/rec.rec" "$O/rec.json"
jq -e .devices "$O/rec.json" > /dev/null 2>&1
ok $? "$t: report --format=json reads the recording" "$O/rec.json.err"
# the kernel's own trace against the recording, per device and op
trace_ops "$O/trace.txt" > "$O/trace-ops"
json_ops "$O/rec.json" > "$O/rec-ops"
compare "$t: the recording holds the trace's operations, each once" "$O/trace-ops" "$O/rec-ops"

while read -r drv dev; do
	if [ -z "$dev" ]; then
		ok 1 "$t: $drv bound a device at boot" "$O/devices.txt"
		continue
	fi
	n=1
	[ "$drv" = e1000 ] && n=3
	# the kernel: a release batch at each unbind, ADDs at each bind
	tn=$(awk -v d="$dev" '$0 ~ "devres_log: " d " " { print }' "$O/trace.txt" | wc -l)
	[ "$tn" -gt 0 ]
	ok $? "$t: $drv $dev: the kernel's trace has its devres operations ($tn)"
	# what the kernel sent: n unbind and n bind uevents
	nu=$(grep -c "^KERNEL\[[0-9.]*\] unbind  *[^ ]*/$dev (" "$O/rec.rec")
	nb=$(grep -c "^KERNEL\[[0-9.]*\] bind  *[^ ]*/$dev (" "$O/rec.rec")
	[ "$nu" = $n ] && [ "$nb" = $n ]
	ok $? "$t: $drv $dev: the recording holds its $n unbind and $n bind uevents (has $nu, $nb)"
	jq -e --arg d "$dev" '[.devices[] | select(.device == $d)] | length == 1 and .[0].state == "bound"' \
		"$O/rec.json" > /dev/null
	ok $? "$t: $drv $dev: the report shows it bound again at the end"
	jq -r --arg d "$dev" '.findings[] | select(.device == $d and (.rule == "leak-after-unbind" or .rule == "never-released" or .rule == "per-cycle-growth")) | "\(.rule): \(.summary)"' \
		"$O/rec.json" > "$O/leaks-$drv"
	[ ! -s "$O/leaks-$drv" ]
	ok $? "$t: $drv $dev: no leak reported on a clean rebind" "$O/leaks-$drv"
done < "$O/devices.txt"

if [ -f "$O/cycle.rc" ]; then
	[ "$(cat "$O/cycle.rc")" = 0 ]
	ok $? "$t: devresctl cycle -n 2 on e1000 exits 0 (no finding)" "$O/cycle.out"
else
	ok 1 "$t: devresctl cycle ran" "$O/steps.txt"
fi
diag "QEMU: boot and drivers in $BOOT_S s; files in $O"
tap_end
