#!/bin/sh
# devresctl status, enable, disable on fake roots.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"

R="$T/root"
fake_root "$R" debug-devres tracefs
run --root "$R" status
expect_rc 1 "status on a fake root where nothing carries devres operations: exit 1"
grep_out '^kernel  *6.1.0-fake' "the kernel release"
grep_out '^CONFIG_DEBUG_DEVRES  *yes' "CONFIG_DEBUG_DEVRES seen from the log parameter"
grep_out '^devres.log  *off' "devres.log off"
grep_out 'fix: devresctl enable --kmsg' "the fix for devres.log"
grep_out '^pointers in the log  *hashed' "hashed pointers without no_hash_pointers"
grep_out '^tracefs  *\/sys\/kernel\/tracing' "tracefs found"
grep_out '^dev:devres_log event  *present' "the trace event"
grep_out '^trace instance  *created, event off, hashed pointers' "the instance with the event off"
grep_out '^not ready' "not ready"
run --root "$R" status --format=json
expect_rc 1 "status --format=json: the same exit status"
jq -e '.ready == false and .carriers == [] and
	(.checks[] | select(.check == "devres-log") | .value == "off" and (.fix | test("enable --kmsg"))) and
	(.checks[] | select(.check == "trace-instance") | .value == "created, event off, hashed pointers") and
	(.checks[] | select(.check == "kernel") | .value == "6.1.0-fake" and .fix == null)' "$T/out" >/dev/null
ok $? "status --format=json: ready, carriers and each check with its fix"
[ "$(jq -r '.checks[].check' "$T/out" | tr '\n' ' ')" = "kernel debug-devres devres-log kernel-log pointers tracefs tracepoint trace-instance devresd " ]
ok $? "status --format=json: the checks of the text, in its order"
run --root "$R" status --format=xml
expect_rc 2 "status --format=xml"

run --root "$R" enable
expect_rc 0 "enable: both ways"
[ "$(cat "$R/sys/module/devres/parameters/log")" = 1 ]
ok $? "enable wrote 1 to devres.log"
[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/events/dev/devres_log/enable")" = 1 ] &&
	[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/options/hash-ptr")" = 0 ]
ok $? "enable turned the event on in devresctl's instance, pointers raw"
[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/buffer_percent")" = 0 ]
ok $? "enable makes trace_pipe readers wake on every event (buffer_percent 0)"
[ "$(cat "$R/sys/kernel/tracing/events/dev/devres_log/enable")" = 0 ] &&
	[ "$(cat "$R/sys/kernel/tracing/options/hash-ptr")" = 1 ]
ok $? "the global buffer's settings are untouched"
DEVRESCTL_ROOT="$R" run status
expect_rc 0 "status when ready: exit 0"
grep_out '^devres.log  *on' "status after enable: devres.log on (root from DEVRESCTL_ROOT)"
grep_out '^trace instance  *enabled, raw pointers' "status after enable: instance enabled"
grep_out '^ready: the kernel log and the trace instance' "ready"
DEVRESCTL_ROOT="$R" run status -f json
jq -e '.ready and .carriers == ["kmsg", "trace"]' "$T/out" >/dev/null
ok $? "status --format=json when ready: both carriers"

run --root "$R" disable --kmsg
expect_rc 0 "disable --kmsg"
[ "$(cat "$R/sys/module/devres/parameters/log")" = 0 ] &&
	[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/events/dev/devres_log/enable")" = 1 ]
ok $? "disable --kmsg leaves the trace alone"
run --root "$R" disable --trace
expect_rc 0 "disable --trace (a plain directory cannot be removed like an instance: a warning)"
[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/events/dev/devres_log/enable")" = 0 ]
ok $? "disable --trace turned the event off"

R2="$T/stock"
fake_root "$R2" tracefs
run --root "$R2" status
grep_out '^CONFIG_DEBUG_DEVRES  *no' "stock kernel: no CONFIG_DEBUG_DEVRES"
grep_out 'fix: build the kernel with CONFIG_DEBUG_DEVRES=y, or use the dev:devres_log' "and the way around it"
run --root "$R2" enable --kmsg
expect_rc 3 "enable --kmsg without CONFIG_DEBUG_DEVRES"
grep_err 'this kernel has no CONFIG_DEBUG_DEVRES' "says why"
run --root "$R2" enable
expect_rc 0 "enable on a stock kernel: the trace alone"

R3="$T/bare"
fake_root "$R3"
run --root "$R3" enable
expect_rc 3 "enable with neither"
grep_err 'neither CONFIG_DEBUG_DEVRES nor the dev:devres_log' "says so"
run --root "$T/nothing" status
expect_rc 3 "status on a root without /proc, /sys, /dev"
grep_err 'no kernel interfaces below' "says so"
run status --bogus
expect_rc 2 "an unknown option"

done_testing
