#!/bin/sh
# The udev source under umockdev: uevents sent by a test bed reach record
# and devresd through libudev, as udevadm monitor would print them.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
BED="$top_builddir/tests/live/udev-bed"
CLIENT="$top_builddir/tests/live/sockclient"

if [ ! -x "$BED" ]; then
	echo "1..0 # SKIP umockdev (libumockdev-dev) was not found at configure time"
	exit 0
fi
# the test bed itself must see its devices: it runs under the preload too
bed() {
	LD_PRELOAD=libumockdev-preload.so.0 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$BED" "$@"
}

bed 1 unbind bind -- "$DEVRESCTL" record -o "$T/rec.log" --duration 2.5 --no-kmsg --no-trace 2>"$T/err"
ok $? "record under umockdev"
grep -q '^KERNEL\[[0-9.]*\] unbind   /devices/dfx-ops.0 (platform)$' "$T/rec.log"
ok $? "the unbind uevent, as udevadm monitor prints it"
grep -q '^DRIVER=dfx-ops$' "$T/rec.log" && grep -q '^ACTION=bind$' "$T/rec.log"
ok $? "with its properties"
grep -q 'recording uevents to' "$T/err"
ok $? "says it records uevents"
run report --format=json "$T/rec.log"
jq -e '.stats.uevents == 2' "$T/out" >/dev/null
ok $? "report decodes the recorded uevents"

bed 1 bind -- "$DEVRESCTL" record -o "$T/udev.log" --duration 2 --no-kmsg --no-trace --uevents=udev 2>"$T/err"
grep -q '^UDEV  \[[0-9.]*\] bind     /devices/dfx-ops.0 (platform)$' "$T/udev.log"
ok $? "--uevents=udev: the events after udevd's rules"
run report --format=json "$T/udev.log"
jq -e '.stats.uevents == 1' "$T/out" >/dev/null
ok $? "report takes them when the kernel's copy is not there"

# the kernel dropped events for the socket (ENOBUFS, faked by the shim):
# marked in the capture, and the events after it still come
SHIM="$top_builddir/tests/live/shim.so"
BED_PRELOAD="$SHIM" DRC_SHIM_ENOBUFS=1 bed 1 unbind bind -- "$DEVRESCTL" record -o "$T/lost.log" --duration 2.5 --no-kmsg --no-trace 2>"$T/err"
ok $? "record goes on after ENOBUFS"
grep -q '^devresctl-lost: udev ? events dropped: the netlink socket overflowed$' "$T/lost.log"
ok $? "the overflow is a devresctl-lost line in the capture"
grep -q 'udev events were dropped 1 time' "$T/err"
ok $? "and said at the end"
grep -q '^KERNEL\[[0-9.]*\] unbind   /devices/dfx-ops.0 (platform)$' "$T/lost.log" &&
	grep -q '^KERNEL\[[0-9.]*\] bind     /devices/dfx-ops.0 (platform)$' "$T/lost.log"
ok $? "the events still queued are read after it"
run check --format=json "$T/lost.log"
jq -s -e 'any(.[].findings[]; .rule == "log-loss")' "$T/out" >/dev/null
ok $? "check reports the loss as log-loss"

# a module loaded while recording: its functions from kallsyms, so that
# module-gone matches a release callback not named after the module
R="$T/modroot"
fake_root "$R"
printf '6,1,1000000,-;platform dfx-ops.0: DEVRES ADD 00000000deadbe00 thing_release (16 bytes)\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-ops.0\n' >"$R/dev/kmsg"
printf 'ffffffff81000000 T core_fn\nffffffffc0001000 t thing_release\t[fxdrv]\nffffffffc0001100 t fxdrv_probe\t[fxdrv]\nffffffffc0002000 t other_fn\t[othermod]\n' >"$R/proc/kallsyms"
bed 1 module:fxdrv:add module:fxdrv:remove -- "$DEVRESCTL" --root "$R" record -o "$T/mod.log" --duration 2.5 --no-trace 2>"$T/err"
ok $? "record a module load and removal"
grep -q '^devresctl-kallsyms: fxdrv thing_release fxdrv_probe$' "$T/mod.log"
ok $? "the loaded module's functions are recorded, no other module's"
[ "$(grep -c '^devresctl-kallsyms:' "$T/mod.log")" -eq 1 ]
ok $? "once for the two add events of one burst"
bed 1 module:fxdrv:add module:fxdrv:add module:fxdrv:remove module:fxdrv:add -- "$DEVRESCTL" --root "$R" record -o "$T/mod2.log" --duration 2.5 --no-trace 2>"$T/err"
[ "$(grep -c '^devresctl-kallsyms:' "$T/mod2.log")" -eq 2 ]
ok $? "once per load: again after a removal, not for a repeated add"
run check --format=json "$T/mod.log"
jq -e '[.findings[] | select(.rule == "module-gone") | .nodes[].name] == ["thing_release"]' "$T/out" >/dev/null
ok $? "the replay finds module-gone for a callback matched through the recorded kallsyms"
bed 1 module:fxdrv:add module:fxdrv:remove -- "$DEVRESCTL" --root "$R" record -o "$T/modf.log" --device 'dfx-ops*' --duration 2.5 --no-trace 2>"$T/err"
run check --format=json "$T/modf.log"
jq -e '[.findings[] | select(.rule == "module-gone") | .nodes[].name] == ["thing_release"]' "$T/out" >/dev/null
ok $? "record --device keeps module events and their functions"
grep -v '^devresctl-kallsyms:' "$T/mod.log" >"$T/nosyms.log"
run check --format=json "$T/nosyms.log"
jq -e '[.findings[] | select(.rule == "module-gone")] == []' "$T/out" >/dev/null
ok $? "without that line the name alone does not say it"

R="$T/root"
fake_root "$R"
(sleep 0.6; "$CLIENT" "$R/run/devresd/socket" -s '{"cmd":"subscribe","events":true}' -n 3 -t 4 >"$T/sub") &
cl=$!
bed 1.2 unbind bind -- timeout -s TERM 3 "$top_builddir/devresd" --root "$R" --no-kmsg --no-trace 2>"$T/derr"
wait $cl
jq -s -e 'any(.[]; .type == "uevent" and .action == "unbind" and .device == "dfx-ops.0" and .subsystem == "platform")' "$T/sub" >/dev/null
ok $? "devresd pushes the uevent to a subscriber"
grep -q '^KERNEL\[[0-9.]*\] bind     /devices/dfx-ops.0 (platform)$' "$R/var/lib/devresd/journal.log"
ok $? "and journals it"

# devresd after ENOBUFS: sysfs read again, and the loss journaled
fake_device "$R" platform dfx-ops.0 dfx-ops
rm -rf "$R/var/lib/devresd"
(sleep 2; "$CLIENT" "$R/run/devresd/socket" -s '{"cmd":"sysfs"}' -n 1 -t 3 >"$T/sysfs") &
cl=$!
BED_PRELOAD="$SHIM" DRC_SHIM_ENOBUFS=1 bed 1 unbind bind -- timeout -s TERM 3 "$top_builddir/devresd" --root "$R" --no-kmsg --no-trace 2>"$T/derr"
wait $cl
grep -q 'udev events were dropped: sysfs read again (1 devices)' "$T/derr"
ok $? "devresd reads sysfs again after ENOBUFS"
jq -e '.type == "sysfs" and .resyncs == 1 and .devices[0].device == "dfx-ops.0"' "$T/sysfs" >/dev/null
ok $? "the sysfs request says so"
grep -q '^devresctl-lost: udev ? events dropped' "$R/var/lib/devresd/journal.log"
ok $? "the journal marks the loss"

done_testing
