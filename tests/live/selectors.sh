#!/bin/sh
# Devices as udevadm takes them: a name, SUBSYSTEM/NAME (two devices can
# share a name), a sysfs path (/sys/devices/... or /devices/...), a /dev node
# (its st_rdev through /sys/dev/char). For the live commands (refs, cycle)
# on a fake sysfs, and for --device of report, check and record, on
# captures and on the fake system; each failure in words.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
K="$CAPTURES/kernel/uml-6.1.192"

R="$T/root"
fake_root "$R" debug-devres
echo 1 >"$R/sys/module/devres/parameters/log"
fake_device "$R" platform dfx-hda.0 dfx-hda
fake_device "$R" platform dfx-gfx.0 dfx-gfx
# one name on two buses, as ACPI devices and their platform twins have
fake_device "$R" platform ACPI0003:00 ac
fake_device "$R" acpi ACPI0003:00 acpi-ac
mkdir -p "$R/sys/bus/pci/devices"
# a class device below dfx-hda.0, with a character node 116:3
card="$R/sys/devices/platform/dfx-hda.0/sound/card0"
mkdir -p "$card" "$R/sys/class/sound" "$R/sys/dev/char"
printf 'MAJOR=116\nMINOR=3\nDEVNAME=snd/controlC0\n' >"$card/uevent"
echo 116:3 >"$card/dev"
ln -s ../../../../class/sound "$card/subsystem"
ln -s ../../devices/platform/dfx-hda.0/sound/card0 "$R/sys/class/sound/card0"
ln -s ../../devices/platform/dfx-hda.0/sound/card0 "$R/sys/dev/char/116:3"
mkdir -p "$R/dev/snd"
nodes=no
if mknod "$R/dev/snd/controlC0" c 116 3 2>/dev/null; then
	nodes=yes
fi
: >"$R/dev/plainfile"

# ---- the live commands: refs
run --root "$R" refs dfx-hda.0
expect_rc 0 "refs NAME"
cp "$T/out" "$T/by-name"
for sel in platform/dfx-hda.0 /sys/devices/platform/dfx-hda.0 /devices/platform/dfx-hda.0 \
	/sys/bus/platform/devices/dfx-hda.0 /sys/devices/platform/dfx-hda.0/; do
	run --root "$R" refs "$sel"
	expect_rc 0 "refs $sel"
	cmp -s "$T/out" "$T/by-name"
	ok $? "refs $sel: the same device as by its name"
done
run --root "$R" refs --format=json /devices/platform/dfx-hda.0
jq -e '.device == "dfx-hda.0" and .devpath == "/sys/devices/platform/dfx-hda.0" and .subsystem == "platform"' "$T/out" >/dev/null
ok $? "refs --format=json takes a sysfs path"

run --root "$R" refs ACPI0003:00
expect_rc 3 "a name two devices have"
[ "$(cat "$T/err")" = "devresctl refs: 'ACPI0003:00' names 2 devices: acpi/ACPI0003:00, platform/ACPI0003:00; say which, as SUBSYSTEM/NAME" ]
ok $? "says which devices have it and how to say which"
run --root "$R" refs acpi/ACPI0003:00
expect_rc 0 "refs SUBSYSTEM/NAME picks one of them"
grep_out '^ACPI0003:00  subsystem acpi  driver acpi-ac$' "the acpi one"
run --root "$R" refs platform/ACPI0003:00
grep_out '^ACPI0003:00  subsystem platform  driver ac$' "and the platform one"
run --root "$R" refs sound/card0
grep_out '^card0  subsystem sound  driver - (unbound)$' "SUBSYSTEM/NAME of a class device"

run --root "$R" refs nosuch
expect_rc 3 "an unknown name"
grep_err "^devresctl refs: no device 'nosuch' in /sys/bus/\*/devices or /sys/class/\*$" "says where it looked"
run --root "$R" refs pci/dfx-hda.0
expect_rc 3 "a device not on that bus"
grep_err "^devresctl refs: no device 'dfx-hda.0' on pci$" "says so"
run --root "$R" refs usb/dfx-hda.0
grep_err "^devresctl refs: no bus or class 'usb' (in /sys/bus or /sys/class)$" "an unknown bus"
run --root "$R" refs /sys/devices/platform/nosuch
expect_rc 3 "a sysfs path that is not there"
grep_err "^devresctl refs: no device at /sys/devices/platform/nosuch: No such file or directory$" "says so"
run --root "$R" refs /sys/devices/platform/dfx-hda.0/sound
grep_err "^devresctl refs: /sys/devices/platform/dfx-hda.0/sound is no device's directory in sysfs (it has no uevent file)$" "a sysfs directory that is no device"
run --root "$R" refs /etc/passwd
expect_rc 3 "a path that is neither"
grep_err "'/etc/passwd': a path must be a device node (/dev/...) or a sysfs path (/sys/devices/...)" "says what a path may be"
run --root "$R" refs /dev/plainfile
grep_err "^devresctl refs: /dev/plainfile is not a device node (neither a character nor a block device)$" "a file in /dev that is no node"
run --root "$R" refs /dev/nosuch
grep_err "^devresctl refs: /dev/nosuch: No such file or directory$" "a node that is not there"

if [ $nodes = yes ]; then
	run --root "$R" refs /dev/snd/controlC0
	expect_rc 0 "refs /dev/NODE"
	grep_out '^card0  subsystem sound  driver - (unbound)$' "the node's device, through st_rdev and /sys/dev/char/116:3"
	rm "$R/sys/dev/char/116:3"
	run --root "$R" refs /dev/snd/controlC0
	grep_err "^devresctl refs: /dev/snd/controlC0 (character 116:3) has no device in sysfs: /sys/dev/char/116:3 does not exist$" "a node sysfs does not know"
	ln -s ../../devices/platform/dfx-hda.0/sound/card0 "$R/sys/dev/char/116:3"
else
	for what in 1 2 3; do
		n=$((n + 1))
		echo "ok $n - # SKIP device nodes: mknod needs CAP_MKNOD"
	done
fi

# ---- cycle: what it would unbind (--dry-run writes nothing)
run --root "$R" cycle --dry-run platform/dfx-hda.0
expect_rc 0 "cycle --dry-run SUBSYSTEM/NAME"
grep_out "^  would write 'dfx-hda.0' to /sys/bus/platform/drivers/dfx-hda/unbind" "the kernel's name is what is written"
run --root "$R" cycle --dry-run /sys/devices/platform/dfx-gfx.0
grep_out "^cycle dfx-gfx.0 (driver dfx-gfx, /sys/devices/platform/dfx-gfx.0)" "cycle takes a sysfs path"
run --root "$R" cycle --dry-run card0
expect_rc 0 "cycle of a class device"
grep_out "^cycle dfx-hda.0 (driver dfx-hda" "cycles the bus device that provides it"
grep_err "card0 is a sound class device: cycling dfx-hda.0 (driver dfx-hda), which provides it" "and says so"
if [ $nodes = yes ]; then
	run --root "$R" cycle --dry-run /dev/snd/controlC0
	grep_out "^cycle dfx-hda.0 (driver dfx-hda" "cycle /dev/NODE: the device behind the node"
else
	n=$((n + 1))
	echo "ok $n - # SKIP device nodes: mknod needs CAP_MKNOD"
fi
run --root "$R" cycle --dry-run ACPI0003:00
expect_rc 3 "cycle of a name two devices have"
grep_err "names 2 devices: acpi/ACPI0003:00, platform/ACPI0003:00; say which" "is refused with the two"
run --root "$R" cycle --dry-run acpi/ACPI0003:00
grep_out "^cycle ACPI0003:00 (driver acpi-ac, /sys/devices/acpi/ACPI0003:00)" "and done with SUBSYSTEM/NAME"

# ---- --device on captures
cat >"$T/twins.log" <<'EOF'
6,1,100,-;Linux version 6.1.0 (test) #1
3,2,1000,-;ac ACPI0003:00: DEVRES ADD 0000000000001000 devm_kzalloc_release (64 bytes)
 SUBSYSTEM=acpi
 DEVICE=+acpi:ACPI0003:00
3,3,2000,-;ac ACPI0003:00: DEVRES ADD 0000000000002000 devm_kzalloc_release (32 bytes)
 SUBSYSTEM=platform
 DEVICE=+platform:ACPI0003:00
EOF
picks() {  # picks SELECTOR WANT CAPTURE [ROOT]: the [subsystem, bytes] of the devices report shows
	run ${4:+--root "$4"} report --format=json --device="$1" "$3"
	[ "$(jq -c '[.devices[] | [.subsystem, .live_bytes]] | sort' "$T/out")" = "$2" ]
	ok $? "report --device=$1 selects $2"
}
picks 'ACPI0003:00' '[["acpi",64],["platform",32]]' "$T/twins.log"
picks 'platform/ACPI0003:00' '[["platform",32]]' "$T/twins.log"
picks 'acpi/*' '[["acpi",64]]' "$T/twins.log"
picks '*/ACPI0003:00' '[["acpi",64],["platform",32]]' "$T/twins.log"
picks 'pci/ACPI0003:00' '[]' "$T/twins.log"
[ "$(cat "$T/err")" = "devresctl report: --device 'pci/ACPI0003:00' matches no device in the capture; it has acpi/ACPI0003:00, platform/ACPI0003:00" ]
ok $? "an unmatched selector: a warning with the devices there are"
expect_rc 0 "report: only a warning"
run check --device=pci/ACPI0003:00 "$T/twins.log"
expect_rc 1 "check: a selector matching nothing fails"
grep_err "^devresctl check: --device 'pci/ACPI0003:00' matches no device in the capture" "and says why"

# the recording has uevents: their sysfs paths are the devices'
picks /devices/platform/dfx-hda.0 '[["platform",0]]' "$K/component-bug/record.txt"
picks /sys/devices/platform/dfx-hda.0/ '[["platform",0]]' "$K/component-bug/record.txt"
picks /sys/devices/platform/moved/dfx-hda.0 '[]' "$K/component-bug/record.txt"
grep_err "matches no device in the capture" "the same name at another path is another device"
# a capture without uevents: the name, and the bus the system says
picks /sys/devices/platform/dfx-hda.0 '[["platform",0]]' "$K/component-bug/kmsg.txt" "$R"
picks /sys/bus/platform/devices/dfx-gfx.0 '[["platform",0]]' "$K/component-bug/kmsg.txt" "$R"
run --root "$R" report --format=json --all --device=card0 --device=/sys/devices/platform/dfx-hda.0/sound/card0 "$K/component-bug/kmsg.txt"
[ "$(jq -c '[.devices[].device]' "$T/out")" = '["dfx-hda.0"]' ]
ok $? "a class device's path selects the device providing it (card0 itself is not in the capture)"
grep_err "^devresctl report: --device 'card0' matches no device in the capture; it has dfx-hda.0, dfx-gfx.0$" "a plain name selects only itself"
if [ $nodes = yes ]; then
	picks /dev/snd/controlC0 '[["platform",0]]' "$K/component-bug/kmsg.txt" "$R"
else
	n=$((n + 1))
	echo "ok $n - # SKIP device nodes: mknod needs CAP_MKNOD"
fi
run --root "$R" report --device=/dev/nosuch "$K/component-bug/kmsg.txt"
expect_rc 3 "a /dev node that is not there"
grep_err "^devresctl report: --device '/dev/nosuch': /dev/nosuch: No such file or directory$" "names the option and the node"
run report --device=a/b/c "$K/component-bug/kmsg.txt"
expect_rc 2 "a selector of three parts"
grep_err "expected SUBSYSTEM/NAME (globs), such as pci/0000:00:1f.3" "says what was expected"
run report --device=/proc/self "$K/component-bug/kmsg.txt"
expect_rc 2 "a path outside /sys and /dev"
run check --device=platform/dfx-hda.0 "$K/component-bug/kmsg.txt"
expect_rc 1 "check --device=SUBSYSTEM/NAME keeps that device's error"

# ---- record --device: a sysfs path keeps the device's lines
grep -v ';Linux version' "$K/component-bug/kmsg.txt" >"$R/dev/kmsg"
echo "Linux version 6.1.192 (fake) #1" >"$R/proc/version"
run --root "$R" record -o "$T/hda.log" --no-trace --no-udev --device=/sys/devices/platform/dfx-hda.0
expect_rc 0 "record --device=SYSFS-PATH"
! grep -q 'dfx-gfx.0: DEVRES' "$T/hda.log" && grep -q 'dfx-hda.0: DEVRES' "$T/hda.log"
ok $? "keeps only that device's devres lines"

done_testing
