#!/bin/sh
# devresctl cycle on a fake root, against a fake kernel: a shell loop that
# answers each write to the driver's unbind and bind files with the devres
# lines a driver would log, leaking one node onto its parent per bind.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"

R="$T/root"
fake_root "$R" debug-devres kmsg-fifo
echo 1 >"$R/sys/module/devres/parameters/log"
fake_device "$R" platform dfx-leak.0 dfx-leak
fake_device "$R" platform dfx-bus.0 dfx-bus
drv="$R/sys/bus/platform/drivers/dfx-leak"
rm -f "$drv/bind" "$drv/unbind"
mkfifo "$drv/bind" "$drv/unbind"
echo "Linux version 6.1.0-fake (test) #1" >"$R/proc/version"

seq=100
id=4096
rec() {  # rec TEXT: one kernel log record
	seq=$((seq + 1))
	printf '3,%d,%d000,-;%s\n' "$seq" "$seq" "$1" >>"$R/dev/kmsg"
}
fake_kernel() {
	live=""
	while :; do
		read -r dev <"$drv/unbind" || [ -n "$dev" ] || exit 0
		for n in $live; do
			rec "dfx-leak dfx-leak.0: DEVRES REL $(printf '%016x' "$n") devm_kzalloc_release (64 bytes)"
		done
		read -r dev <"$drv/bind" || [ -n "$dev" ] || exit 0
		live=""
		for _ in 1 2; do
			id=$((id + 1))
			live="$id $live"
			rec "dfx-leak dfx-leak.0: DEVRES ADD $(printf '%016x' "$id") devm_kzalloc_release (64 bytes)"
		done
		id=$((id + 1))
		rec "dfx-bus dfx-bus.0: DEVRES ADD $(printf '%016x' "$id") devm_kzalloc_release (32 bytes)"
	done
}
fake_kernel &
kpid=$!

run --root "$R" cycle -n 4 --settle 0.3 -o "$T/cycle.log" dfx-leak.0
expect_rc 1 "cycle: 4 cycles, an error"
kill $kpid 2>/dev/null
grep_out '^== cycle 1 (from line [0-9]*): ' "findings by cycle"
grep_out '^== cycle 4 ' "the fourth cycle"
grep_out '^== cycle 2 (from line [0-9]*): 1 finding ==' "the first bind seen and undone: cycle 2"
grep_out "^error leak-after-unbind: dfx-leak dfx-leak.0's probe added 1 node to dfx-bus.0" "the node leaked onto the parent"
grep_out '^== across the cycles: 1 finding ==' "findings about all the cycles together"
grep_out '^warning per-cycle-growth: dfx-leak dfx-leak.0: nodes left behind grow with every unbind (0, 1, 2)' "per-cycle-growth over the cycles"
grep_out '^4 cycles of dfx-leak.0, 18 devres operations; 1 error, 1 warning, 0 info; 1 at or above --fail-on=error: FAIL' "the summary"
grep_err 'cycle 4/4: unbinding dfx-leak.0' "says what it does"
[ "$(grep -c 'dfx-leak.0: DEVRES ADD' "$T/cycle.log")" -eq 8 ]
ok $? "the recording holds the four binds"
run check "$T/cycle.log"
grep_out 'per-cycle-growth' "check on the kept recording finds the same"

# the same cycles as JSON, against the fake kernel again
fake_kernel &
kpid=$!
run --root "$R" cycle -n 4 --settle 0.3 --format=json -o "$T/cycle2.log" dfx-leak.0
expect_rc 1 "cycle --format=json: exit status as in text"
kill $kpid 2>/dev/null
cp "$T/out" "$T/cycle.json"
jq -e '.device == "dfx-leak.0" and .driver == "dfx-leak" and .cycles_done == 4 and .cycles_requested == 4 and (.cycles | length) == 4' "$T/cycle.json" >/dev/null
ok $? "json: the device and its four cycles"
jq -e '[.cycles[].cycle] == [1, 2, 3, 4] and ([.cycles[].first_line] | . == sort and (unique | length) == 4)' "$T/cycle.json" >/dev/null
ok $? "json: each cycle with the line it begins at, in order"
first2=$(jq '.cycles[1].first_line' "$T/cycle.json")
first3=$(jq '.cycles[2].first_line' "$T/cycle.json")
[ "$(jq -c '[.cycles[1].findings[].rule]' "$T/cycle.json")" = '["leak-after-unbind"]' ] &&
	jq -e --argjson a "$first2" --argjson b "$first3" '.cycles[1].findings[0].evidence[0].line | . >= $a and . < $b' "$T/cycle.json" >/dev/null
ok $? "json: cycle 2 holds the leak, its evidence inside the cycle"
jq -e '.cycles[1].errors == 1 and .cycles[1].warnings == 0' "$T/cycle.json" >/dev/null
ok $? "json: per-cycle counts"
jq -e '[.across[].rule] == ["per-cycle-growth"] and .across[0].severity == "warning"' "$T/cycle.json" >/dev/null
ok $? "json: per-cycle-growth across the cycles"
jq -e '.totals.errors == 1 and .totals.warnings == 1 and .totals.failing == 1 and .fail_on == "error" and .result == "fail"' "$T/cycle.json" >/dev/null
ok $? "json: totals and the verdict"
jq -e --arg p "$T/cycle2.log" '.recording == $p and .devres_events > 0' "$T/cycle.json" >/dev/null
ok $? "json: the recording kept and the operations counted"
# every finding once, in one of the parts: those check finds on the recording
jq -c '[.before[], .cycles[].findings[], .across[]] | map(.fingerprint) | sort' "$T/cycle.json" >"$T/parts"
run check --fail-on=info --format=json "$T/cycle2.log"
jq -c '[.findings[].fingerprint] | sort' "$T/out" >"$T/whole"
[ -s "$T/parts" ] && cmp -s "$T/parts" "$T/whole"
ok $? "json: the parts hold exactly the findings of check on the recording"
run --root "$R" cycle --format=yaml dfx-leak.0
expect_rc 2 "cycle --format=yaml"
run --root "$R" cycle --dry-run --format=json dfx-leak.0
expect_rc 2 "--dry-run with --format=json"
rm "$R/sys/bus/platform/drivers/dfx-bus/unbind"
run --root "$R" cycle -n 2 --settle 0.1 dfx-bus.0
expect_rc 3 "a device whose driver has no unbind file"
grep_err "dfx-bus/unbind does not exist: dfx-bus.0's driver cannot be unbound through sysfs" "says so"

# the console and the root filesystem are refused
R2="$T/vital"
fake_root "$R2"
fake_device "$R2" platform serial8250 serial8250
mkdir -p "$R2/sys/devices/platform/serial8250/tty/ttyS0" "$R2/sys/class/tty/console"
ln -s ../../devices/platform/serial8250/tty/ttyS0 "$R2/sys/class/tty/ttyS0"
echo "tty0 ttyS0" >"$R2/sys/class/tty/console/active"
run --root "$R2" cycle serial8250
expect_rc 3 "the console's device is refused"
grep_err 'refusing to unbind serial8250: it holds the console (ttyS0); --force' "says why and how"
fake_device "$R2" virtio virtio0 virtio_blk
mkdir -p "$R2/sys/devices/virtio/virtio0/block/vda/vda1" "$R2/sys/dev/block"
ln -s "../../devices/virtio/virtio0/block/vda/vda1" "$R2/sys/dev/block/$(stat -c '%Hd:%Ld' "$R2/")"
run --root "$R2" cycle virtio0
expect_rc 3 "the root filesystem's device is refused"
grep_err 'it holds the root filesystem (on vda1)' "says why"
fake_device "$R2" platform quiet.0 quiet
run --root "$R2" cycle quiet.0
expect_rc 3 "nothing carries devres operations: cycle refuses to run blind"
grep_err "nothing carries devres operations: devres.log is off and the trace instance is not enabled; run 'devresctl enable'" "says what to do"
run --root "$R2" cycle nosuch
expect_rc 3 "an unknown device"
run --root "$R2" cycle -n 0 virtio0
expect_rc 2 "-n 0"
run --root "$R2" cycle
expect_rc 2 "no device"

done_testing
