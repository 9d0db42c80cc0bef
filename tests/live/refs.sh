#!/bin/sh
# devresctl refs on a fake root: nodes of the device and its children, the
# processes holding them, links, the module.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"

R="$T/root"
fake_root "$R"
fake_device "$R" pci 0000:00:02.0 i915 i915
fake_node "$R" /devices/pci/0000:00:02.0/drm/card0 dri/card0
fake_node "$R" /devices/pci/0000:00:02.0/drm/renderD128 dri/renderD128
fake_device "$R" pci 0000:00:1f.3 snd_hda_intel
ln -s ../../../virtual/devlink/pci:0000:00:1f.3--pci:0000:00:02.0 "$R/sys/devices/pci/0000:00:02.0/consumer:pci:0000:00:1f.3"
mkdir -p "$R/sys/module/i915/holders/snd_hda_codec_hdmi"
echo 3 >"$R/sys/module/i915/refcnt"
fake_process "$R" 812 Xorg 14 /dev/dri/card0
fake_process "$R" 812 Xorg 15 /dev/dri/card0
fake_process "$R" 900 glxgears 3 /dev/null
echo "7f0000000000-7f0000001000 rw-s 00000000 00:05 42 /dev/dri/renderD128" >"$R/proc/900/maps"
fake_process "$R" 901 "Web Content" 5 /dev/dri/renderD128
# debugfs, as drivers/base/dd.c and component.c print it
mkdir -p "$R/sys/kernel/debug/device_component"
printf '0000:00:1f.3\twaiting for the aggregate\nother.0\n' >"$R/sys/kernel/debug/devices_deferred"
{
	printf '%-50s %20s\n' "aggregate_device name" status
	printf -- '-----------------------------------------------------------------------\n'
	printf '%-50s %20s\n\n' 0000:00:02.0 bound
	printf '%-50s %20s\n' "device name" status
	printf -- '-----------------------------------------------------------------------\n'
	printf '%-50s %20s\n' 0000:00:1f.3 "not bound"
	printf '%-50s %20s\n' 0000:00:03.0 "not registered"
} >"$R/sys/kernel/debug/device_component/0000:00:02.0"

run --root "$R" refs 0000:00:02.0
expect_rc 0 "refs on a fake root"
grep_out '^0000:00:02.0  subsystem pci  driver i915' "the device, its bus and driver"
grep_out '^module: i915 (live, refcount 3; held by snd_hda_codec_hdmi)' "the module, its refcount and holders"
grep_out '^  consumer  0000:00:1f.3' "the device link"
grep_out '^  /sys/devices/pci/0000:00:02.0/drm/card0  (/dev/dri/card0)' "a child and its node"
grep_out '^  812  *Xorg  *14  *\/dev\/dri\/card0' "a process holding the child's node"
grep_out '^  900  *glxgears  *mmap  *\/dev\/dri\/renderD128' "a process mapping a node"
grep_out '^  901  *Web_Content  *5  *\/dev\/dri\/renderD128' "a command with a space, made one word"
! grep -q '/dev/null' "$T/out"
ok $? "other files are not listed"
grep_out '^  aggregates 0000:00:1f.3  *not bound' "debugfs: the components it aggregates"
grep_out '^  aggregates 0000:00:03.0  *not registered' "debugfs: a component not registered"

run --root "$R" refs --format=json 0000:00:02.0
expect_rc 0 "refs --format=json"
jq -e '.device == "0000:00:02.0" and .subsystem == "pci" and .driver == "i915" and
	.module == "i915" and .module_state == "live" and .module_refcnt == 3 and
	.module_holders == "snd_hda_codec_hdmi"' "$T/out" >/dev/null
ok $? "refs --format=json: the device, its driver and module"
jq -e '[.refs[] | select(.pid == 812 and .comm == "Xorg" and .path == "/dev/dri/card0")] | length == 2' "$T/out" >/dev/null
ok $? "refs --format=json: each open file of a holder"
jq -e '[.refs[] | select(.pid == 900 and .fd == -1 and .path == "/dev/dri/renderD128")] | length == 1' "$T/out" >/dev/null
ok $? "refs --format=json: a mapping has fd -1"
jq -e '[.refs[].path] | index("/dev/null") == null' "$T/out" >/dev/null
ok $? "refs --format=json: other files are not listed"
jq -e '.links == [{"kind": "consumer", "device": "0000:00:1f.3"}] and
	(.children[] | select(.devpath == "/sys/devices/pci/0000:00:02.0/drm/card0") | .devnode == "/dev/dri/card0") and
	([.components[] | select(.role == "aggregate" and .device == "0000:00:03.0" and .status == "not registered")] | length == 1)' "$T/out" >/dev/null
ok $? "refs --format=json: links, children with their nodes, components"
run --root "$R" refs --format=json nosuch
expect_rc 3 "refs --format=json on an unknown device"
[ ! -s "$T/out" ]
ok $? "refs --format=json on an unknown device prints no JSON"

run --root "$R" refs --format=lines 0000:00:02.0
expect_rc 0 "refs --format=lines"
[ "$(grep -c '^devresctl-refs: 0000:00:02.0 812 Xorg /dev/dri/card0$' "$T/out")" -eq 1 ]
ok $? "one line per process and node"
grep_out '^devresctl-refs: 0000:00:02.0 900 glxgears /dev/dri/renderD128$' "a mapping as a refs line"

# the lines, appended to a capture of the unbind, give fd-after-unbind
cat >"$T/cap.log" <<'CAP'
[   10.000000] i915 0000:00:02.0: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (4096 bytes)
[   20.000000] i915 0000:00:02.0: DEVRES REL 00000000aaaa0001 devm_kzalloc_release (4096 bytes)
[   20.000001] pci 0000:00:02.0: unbound
CAP
cat "$T/out" >>"$T/cap.log"
run check "$T/cap.log"
grep_out '^warning fd-after-unbind: i915 0000:00:02.0: .* (pid [0-9]*) still holds /dev/dri/' "refs lines feed fd-after-unbind"

run --root "$R" refs 0000:00:1f.3
grep_out '^deferred probe: waiting for the aggregate' "debugfs: its deferred probe and reason"
grep_out '^  part of    0000:00:02.0  *not bound' "debugfs: the aggregate it is part of"
grep_out '^module: none (built in)' "a driver without a module is built in"
grep_out '^holders: none' "nobody holds it"
run --root "$R" refs nosuch
expect_rc 3 "an unknown device"
grep_err "no device 'nosuch'" "names it"
run --root "$R" refs
expect_rc 2 "refs needs a device"
run --root "$R" refs --format=xml 0000:00:02.0
expect_rc 2 "a bad format"

done_testing
