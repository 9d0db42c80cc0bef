#!/bin/sh
# --boot, --since and --until (journalctl's options) on report, check, strip
# and watch --replay; several captures of one boot merged by time, others
# read one after the other with a warning (devresctl(8), SEVERAL CAPTURES,
# SELECTING BOOTS AND TIMES). Real captures of one run of the fixture:
# dmesg, kmsg, trace and udevadm monitor (tests/captures/README).
. "$top_srcdir/tests/cli/functions.sh"
K="$CAPTURES/kernel/uml-6.1.192"
BUG="$K/component-bug/dmesg.txt"        # open-group-swept, evidence at 2.26 .. 2.75
CLEAN="$K/clean/dmesg.txt"              # nothing to find

rules() {  # the findings' rules and devices of $T/out (JSON), sorted, on one line
	jq -c '[.findings[] | [.rule, .device]] | sort' "$T/out"
}

# ---- --boot ----
# two boots in one file: the component bug, then a clean boot
cat "$BUG" "$CLEAN" >"$T/two-boots.txt"
run check "$T/two-boots.txt"
expect_rc 1 "two boots, no --boot: the first boot's bug fails the check"
for b in 1 -1; do
	run check --boot=$b "$T/two-boots.txt"
	expect_rc 1 "--boot=$b: the component-bug boot"
done
for b in 2 0 -0; do
	run check --boot=$b "$T/two-boots.txt"
	expect_rc 0 "--boot=$b: the clean boot"
done
run report --format=json --boot=0 "$T/two-boots.txt"
jq -e --argjson l $(($(wc -l <"$BUG") + 1)) '(.boots | length) == 1 and .boots[0].line == $l and .stats.devres_events == 43' "$T/out" >/dev/null
ok $? "--boot=0: the engine reads only the last boot (its first line, its 43 operations)"
run report --format=json --boot=1 "$T/two-boots.txt"
jq -e '[.findings[].evidence[].line] | min == 70 and max == 79' "$T/out" >/dev/null
ok $? "--boot=1: the evidence names the lines of the file"
run check --boot=3 "$T/two-boots.txt"
expect_rc 3 "--boot=3 of a capture with two boots"
grep_err "\-\-boot=3: '$T/two-boots.txt' holds 2 boots" "the error says how many boots it holds"
run check --boot=-2 "$T/two-boots.txt"
expect_rc 3 "--boot=-2 of a capture with two boots"
run check --boot=-0 "$CLEAN"
expect_rc 0 "--boot=-0 of a capture with one boot"
run check --boot=two "$T/two-boots.txt"
expect_rc 2 "--boot=two is a usage error"
grep_err "invalid --boot 'two'" "the bad value is named"
# --list-boots: the numbers --boot takes
run report --list-boots "$T/two-boots.txt" "$K/clean/udevadm-monitor.txt"
expect_rc 0 "report --list-boots"
grep_out "^  -1    1  1-$(wc -l <"$BUG") .* 0.000000 .* 3.710000 .* 6.1.192$" "the first boot: -1, 1, its lines, times and kernel"
grep_out "^   0    2  $(($(wc -l <"$BUG") + 1))-$(wc -l <"$T/two-boots.txt") .* 3.380000 .* 6.1.192$" "the last boot: 0, 2"
grep_out "^   0    1  1-60 .* 1.942590 .* 3.147572 .* -$" "a udev monitor file: one boot, no kernel named"
run report --list-boots --format=json "$T/two-boots.txt"
jq -e '[.[] | [.boot, .index, .first_line, .kernel]] == [[1, -1, 1, "6.1.192"], [2, 0, 87, "6.1.192"]]' "$T/out" >/dev/null
ok $? "--list-boots --format=json"
run report --list-boots --boot=1 "$T/two-boots.txt"
expect_rc 2 "--list-boots with --boot"

# standard input is kept for the second reading
"$DEVRESCTL" check --boot=1 - <"$T/two-boots.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "--boot=1 from standard input"
"$DEVRESCTL" check --boot=-0 - <"$T/two-boots.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "--boot=-0 from standard input"
ls "${TMPDIR:-/tmp}"/devresctl-stdin-* >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "the copy of standard input is removed"

# journal export: boots are _BOOT_ID changes, times __MONOTONIC/__REALTIME_TIMESTAMP
to_export() {  # to_export BOOT_ID REALTIME_BASE_USEC < dmesg
	awk -v id="$1" -v base="$2" 'match($0, /^\[ *[0-9]+\.[0-9]+\] /) {
		ts = substr($0, 2, RLENGTH - 3) + 0; us = int(ts * 1000000 + 0.5); n++
		printf "__CURSOR=s=1;i=%x\n__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n", n, base + us, us
		printf "_BOOT_ID=%s\n_TRANSPORT=kernel\nPRIORITY=3\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=%s\n\n", id, substr($0, RLENGTH + 1)
	}'
}
to_export 0123456789abcdef0123456789abcdef 1795000000000000 <"$BUG" >"$T/j.export"
to_export fedcba9876543210fedcba9876543210 1795100000000000 <"$CLEAN" >>"$T/j.export"
run report --list-boots --format=json "$T/j.export"
jq -e '[.[] | .boot_id] == ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"] and .[1].first_line == .[0].last_line + 1 and .[1].first_time == 1795100000' "$T/out" >/dev/null
ok $? "journal export: a boot per _BOOT_ID, from its record's first line, with the time of day"
run check --boot=1 "$T/j.export"
expect_rc 1 "journal export, --boot=1: the first _BOOT_ID's bug"
run check --boot=0 "$T/j.export"
expect_rc 0 "journal export, --boot=0: the second _BOOT_ID is clean"

# ---- --since and --until: the whole boot is read, the window reports ----
run check --since=2.75 "$BUG"
expect_rc 1 "--since at the very time of the release batch keeps its findings"
run check --since=2.750001 "$BUG"
expect_rc 0 "--since a microsecond later: no evidence inside, nothing reported"
grep_err "2 findings of the boot outside --since/--until not reported" "it says how many findings the window leaves out"
printf 'open-group-swept dfx-hda.0 * * known, fixed upstream\n' >"$T/sup"
run check --suppress="$T/sup" --since=2.750001 "$BUG"
! grep -q 'suppression matched no finding' "$T/err"
ok $? "a suppression of a finding outside the window is not called stale"
run check --suppress="$T/sup" --since=2.75 "$BUG"
grep_out '1 suppressed' "inside the window it suppresses"
run check --until=2.26 "$BUG"
expect_rc 1 "--until at the time the group was opened keeps the findings"
run check --until=2.259999 "$BUG"
expect_rc 0 "--until a microsecond earlier: nothing reported"
run check --since=2.26 --until=2.26 "$BUG"
expect_rc 1 "a window of one instant holding evidence"
run check --since=2.3 --until=2.2 "$BUG"
expect_rc 2 "--since after --until is a usage error"
grep_err "\-\-since '2.3' is after --until '2.2'" "it names both"
run check --since=1.5 --until=today "$BUG"
expect_rc 2 "seconds since boot with a time of day"
run check --since=soon "$BUG"
expect_rc 2 "--since=soon is a usage error"
grep_err "invalid --since 'soon'" "the bad time is named"

# a window that cuts a release batch: the engine still sees the whole batch
awk -f "$top_srcdir/tests/cli/retime-console.awk" "$CLEAN" >"$T/slow.txt"
sed -n '/DEVRES REL 0000000071b64a10/=' "$T/slow.txt" | head -1 >"$T/n"
[ "$(cat "$T/n")" = 75 ]
ok $? "the re-timed capture's first release batch starts at line 75, one time a line"
head -n 78 "$T/slow.txt" >"$T/cut-end.txt"
run check --format=json "$T/cut-end.txt"
[ "$(rules)" = '[["log-loss","dfx-clean.0"]]' ]
ok $? "near miss: a capture that really ends inside the batch says so"
run check --format=json --until=2.195 "$T/slow.txt"
[ "$(rules)" = '[]' ]
ok $? "--until inside the batch: nothing is called cut short or lost"
tail -n +76 "$T/slow.txt" >"$T/cut-start.txt"
run check --format=json "$T/cut-start.txt"
[ "$(rules)" = '[["unknown-node","dfx-clean.0"]]' ]
ok $? "near miss: a capture that really starts inside the batch has unknown nodes"
run check --format=json --since=2.18 "$T/slow.txt"
[ "$(rules)" = '[]' ]
ok $? "--since inside the batch: the nodes added before it are known"
run report --format=json --since=2.18 "$T/slow.txt"
jq -e '.stats.devres_events == 43' "$T/out" >/dev/null
ok $? "report --since still models every operation of the boot"

# a leak whose release comes after the window: the node is known released
run check --format=json --since=5.58 "$K/nested/dmesg.txt"
jq -e '[.findings[] | select(.rule == "leak-after-unbind")] | length == 1' "$T/out" >/dev/null
ok $? "nested: the unbind batch at exactly --since keeps leak-after-unbind"
run check --format=json --since=5.580001 "$K/nested/dmesg.txt"
jq -e '[.findings[] | select(.rule == "leak-after-unbind")] | length == 0' "$T/out" >/dev/null
ok $? "nested: a microsecond later, its evidence is outside"

# kmsg: a record's dictionary lines go with it
run check --since=2.75 "$K/component-bug/kmsg.txt"
expect_rc 1 "kmsg records, --since at the batch"
run check --since=2.750001 "$K/component-bug/kmsg.txt"
expect_rc 0 "kmsg records, a microsecond later"

# journal export: its records, by either clock
run check --since=2.75 --boot=1 "$T/j.export"
expect_rc 1 "journal export: --since=2.75 by __MONOTONIC_TIMESTAMP"
run check --since=2.750001 --boot=1 "$T/j.export"
expect_rc 0 "journal export: a microsecond later"
run check --since=@1795000002.75 "$T/j.export"
expect_rc 1 "journal export: --since=@EPOCH by __REALTIME_TIMESTAMP"
run check --since=@1795000002.750001 "$T/j.export"
expect_rc 0 "journal export: a microsecond later"
TZ=UTC "$DEVRESCTL" check --since='2026-11-18 11:06:42.75' "$T/j.export" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "journal export: --since as a local date and time (TZ=UTC)"

# syslog with the time of day and an offset, then printk's own time: a
# date and time selects by the first, seconds since boot by the second
to_syslog() {  # to_syslog KEEP-PRINTK-TIME < dmesg
	awk -v keep="$1" 'match($0, /^\[ *[0-9]+\.[0-9]+\] /) {
		ts = substr($0, 2, RLENGTH - 3) + 0; s = int(ts); us = int((ts - s) * 1000000 + 0.5)
		printf "2026-11-22T10:00:%02d.%06d+01:00 vm kernel: %s\n", s, us, keep ? $0 : substr($0, RLENGTH + 1) }'
}
to_syslog 1 <"$BUG" >"$T/syslog.txt"
to_syslog 0 <"$BUG" >"$T/short.txt"
run check --since=2.75 "$T/syslog.txt"
expect_rc 1 "syslog with printk's time: --since=2.75"
run check --since=2.750001 "$T/syslog.txt"
expect_rc 0 "syslog with printk's time: a microsecond later"
TZ=UTC "$DEVRESCTL" check --since='2026-11-22 09:00:02.75' "$T/syslog.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "syslog with an offset: --since at the batch, in UTC"
TZ=UTC "$DEVRESCTL" check --since='2026-11-22 09:00:02.750001' "$T/syslog.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "syslog with an offset: a microsecond later"
# BSD syslog has no year: the one of --since is taken
awk 'match($0, /^\[ *[0-9]+\.[0-9]+\] /) {
	printf "Nov 22 10:00:%02d vm kernel: %s\n", int(substr($0, 2, RLENGTH - 3)), $0 }' "$BUG" >"$T/bsd.txt"
TZ=UTC "$DEVRESCTL" check --since='2025-11-22 10:00:02' "$T/bsd.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "BSD syslog: --since at the second of the evidence"
TZ=UTC "$DEVRESCTL" check --since='2025-11-22 10:00:03' "$T/bsd.txt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "BSD syslog: a second later"
run check --since=2.75 "$T/short.txt"
expect_rc 3 "seconds since boot on a capture with only the time of day"
grep_err "\-\-since '2.75': '$T/short.txt' has no seconds since boot on its lines: give --since/--until as a date and time" \
	"the error says which clock it has"
run check --since='2026-11-22 10:00' "$BUG"
expect_rc 3 "a time of day on dmesg"
grep_err "has no time of day on its lines (only the kernel's seconds since boot): give --since in seconds since boot" \
	"the error says to give seconds since boot"
# a file without timestamps (dmesg -t)
sed 's/^\[[^]]*\] //' "$BUG" >"$T/no-time.txt"
run check --until=3 "$T/no-time.txt"
expect_rc 3 "--until on a capture without timestamps"
grep_err "\-\-until '3': '$T/no-time.txt' has no seconds since boot on its lines, no clock to select by" \
	"the error names the file and says it has no clock"

# hostile input on the first reading: said as the engine's reading says it
run check --boot=0 "$top_srcdir/tests/cli/hostile-inputs/truncated-half.xz"
expect_rc 3 "--boot on a compressed capture cut in half"
grep_err "cannot read capture '.*truncated-half.xz': the compressed data is cut short or corrupt" "says it is cut short"
printf '6,1,99999999999999999999999,-;x: DEVRES ADD 00000000000000a1 devm_kzalloc_release (16 bytes)\n__MONOTONIC_TIMESTAMP=99999999999999999999\nKERNEL[99999999999999999999.1] add      /devices/x (platform)\n' >"$T/huge.txt"
run check --since=1 "$T/huge.txt"
expect_rc 3 "times too long for 64 bits are no times"
grep_err "has no seconds since boot on its lines" "and the capture is said to have no clock"

# strip: only the window's lines, without the devres ones
run strip --since=2.75 --until=2.99 "$BUG"
expect_rc 0 "strip with a window"
[ "$(cat "$T/out")" = "$(sed -n 82p "$BUG")" ]
ok $? "strip prints the one non-devres line of the window"
grep_err "10 devres lines removed, 1 kept, 75 outside --boot/--since/--until" "strip counts what it left out"
run strip "$CLEAN"
cp "$T/out" "$T/strip-clean"
run strip --boot=2 "$T/two-boots.txt"
cmp -s "$T/out" "$T/strip-clean"
ok $? "strip --boot=2 prints what strip prints of that boot alone"

# ---- several captures ----
for s in clean component-bug component-fixed nested partial-log probe-fail reentrant; do
	run report --format=json "$K/$s/dmesg.txt"
	jq '.stats.devres_events' "$T/out" >"$T/alone"
	run report --format=json "$K/$s/dmesg.txt" "$K/$s/trace.txt"
	jq '.stats.devres_events' "$T/out" >"$T/both"
	run report --format=json "$K/$s/trace.txt"
	jq '.stats.devres_events' "$T/out" >"$T/trace"
	[ "$(cat "$T/both")" = "$(sort -n "$T/alone" "$T/trace" | tail -1)" ] && [ ! -s "$T/err" ]
	ok $? "$s: dmesg and trace merged give each operation once ($(cat "$T/both"))"
done
# the udev monitor's events are placed by time: the order of the files does not matter
for s in nested partial-log component-bug; do
	run check --format=json "$K/$s/dmesg.txt" "$K/$s/udevadm-monitor.txt"
	rules >"$T/a"
	run check --format=json "$K/$s/udevadm-monitor.txt" "$K/$s/dmesg.txt"
	rules >"$T/b"
	cmp -s "$T/a" "$T/b" && [ ! -s "$T/err" ]
	ok $? "$s: udevadm monitor before or after dmesg, the same findings ($(cut -c1-50 "$T/a"))"
done
run check --format=json "$K/nested/udevadm-monitor.txt" "$K/nested/dmesg.txt"
[ "$(rules)" = '[["leak-after-unbind","dfx-port.0"],["per-cycle-growth","dfx-port.0"]]' ]
ok $? "nested: the leak is found with the monitor given first (read one after the other, it was not)"
run check --format=json "$K/partial-log/udevadm-monitor.txt" "$K/partial-log/kmsg.txt"
jq -e '[.findings[] | select(.rule == "open-group-swept") | .other_device] == ["dfx-gfx.0"]' "$T/out" >/dev/null
ok $? "partial-log: kmsg records and uevents merged, the group swept by dfx-gfx.0's unbind"
run check "$K/ops/kmsg.txt" "$K/ops/udevadm-monitor.txt"
expect_rc 0 "ops: a kmsg record is whole before the next uevent (no log-loss)"
! grep -q log-loss "$T/out"
ok $? "ops: no log-loss"
run check --format=json "$K/clean/dmesg.txt" "$K/clean/trace.txt" "$K/clean/udevadm-monitor.txt"
jq -e '.stats.devres_events == 43 and .stats.uevents == 8 and (.findings | length) == 0' "$T/out" >/dev/null
ok $? "three witnesses of one run: 43 operations once, 8 uevents, nothing found"

# a soak recording (kmsg with hashed ids, the trace with raw pointers, udev:
# 36246 operations, each printed by both) split into its three witnesses,
# given as three files in either order: each operation once, every uevent,
# the findings of one witness alone (the witness pairing fed by the merge,
# at the scale of a soak)
if command -v zstd >/dev/null; then
	zstd -q -d -c "$K/soak/live-both.rec.zst" | awk -v d="$T" '
		/^Linux version / || /^[0-9]+,[0-9]+,[0-9]+,/ { m = "kmsg" }
		/devres_log: / { m = "trace" }
		/^KERNEL\[/ { m = "udev" }
		/^devresctl-/ { next }
		m { print > (d "/soak-" m ".txt") }'
	run check --format=json "$T/soak-kmsg.txt"
	jq -c '[.findings[] | [.rule, .device, .occurrences]] | sort' "$T/out" >"$T/want"
	for order in "kmsg trace udev" "udev trace kmsg"; do
		set -- $(for w in $order; do echo "$T/soak-$w.txt"; done)
		run check --format=json "$@"
		jq -e '.stats.devres_events == 36246 and .stats.uevents == 4418' "$T/out" >/dev/null &&
			[ "$(jq -c '[.findings[] | [.rule, .device, .occurrences]] | sort' "$T/out")" = "$(cat "$T/want")" ] &&
			[ ! -s "$T/err" ]
		ok $? "soak split in three ($order): 36246 operations once, 4418 uevents, kmsg's findings"
	done
else
	echo "# zstd is not installed: the soak recording is not split"
fi

# cannot be merged: one warning, read one after the other
run check "$T/no-time.txt" "$K/component-bug/udevadm-monitor.txt"
grep_err "'$T/no-time.txt' has no timestamps of the kernel's clock: the 2 captures are read one after the other, not merged by time" \
	"no timestamps: the warning names the file"
[ "$(wc -l <"$T/err")" -eq 1 ]
ok $? "one warning only"
run check "$T/two-boots.txt" "$K/clean/trace.txt"
grep_err "'$T/two-boots.txt' holds several boots (give --boot to merge one of each): the 2 captures are read one after the other" \
	"several boots: the warning says so and how to merge"
run check --boot=0 "$T/two-boots.txt" "$K/clean/trace.txt"
expect_rc 0 "--boot=0 merges the last boot with the trace"
[ ! -s "$T/err" ]
ok $? "and says nothing"
run check --boot=-1 "$T/two-boots.txt" "$K/clean/trace.txt"
expect_rc 3 "--boot=-1 of a trace, which holds one boot"
grep_err "\-\-boot=-1: '$K/clean/trace.txt' holds 1 boot (no boot line or boot id after its first)" \
	"the error names the capture that lacks it"
run check "$T/j.export" "$K/clean/trace.txt"
grep_err "'$T/j.export' is a journal export, whose records are not merged" "a journal export is not merged"
run check --source=devresd --boot=0
expect_rc 2 "--boot with --source=devresd"
run watch --boot=1
expect_rc 2 "watch --boot without --replay"
run watch --boot=3 --replay "$T/two-boots.txt"
expect_rc 3 "watch --boot=3 of two boots"
grep_err "holds 2 boots" "says how many it holds"

# watch --replay --boot: only that boot is played, and 's' saves it
if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/tui/tmux.sh"
	servers=0
	TM="tmux -L devresctl-test-$$-$servers -f /dev/null"
	trap '$TM kill-server 2>/dev/null; rm -rf "$T"' EXIT
	start 120 40 "" "--boot=2 --replay '$T/two-boots.txt'"
	shows "^ \[done\] $(wc -l <"$CLEAN") lines | 2 devices, 7 live (248) | findings 0E 0W 0I" \
		"watch --boot=2: the clean boot's lines, devices and no finding"
	keys s
	shows 'saved .* lines to devresctl-watch-' "s saves what was played"
	cmp -s "$CLEAN" "$T"/devresctl-watch-*.log
	ok $? "the saved lines are that boot's"
	keys q
	start 120 40 "" "--boot=1 --replay '$T/two-boots.txt'"
	shows "^ \[done\] $(wc -l <"$BUG") lines | 2 devices, 0 live (0) | findings 1E 1W 0I" \
		"watch --boot=1: the component bug's boot"
	keys q
else
	echo "# tmux is not installed: watch --replay --boot is not tested on a screen"
fi

done_testing
