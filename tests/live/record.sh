#!/bin/sh
# devresctl record on a fake root: /dev/kmsg and the trace instance as plain
# files and as a FIFO; the recording must give what the captures give.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
K="$CAPTURES/kernel/uml-6.1.192"

R="$T/root"
fake_root "$R" debug-devres tracefs
grep -m1 '^[0-9]*,[0-9]*,[0-9]*,-;Linux version' "$K/component-bug/kmsg.txt" | sed 's/^[^;]*;//' >"$R/proc/version"
# the kernel log without its own banner: record puts /proc/version first
grep -v ';Linux version' "$K/component-bug/kmsg.txt" >"$R/dev/kmsg"
cp "$K/component-bug/trace.txt" "$R/sys/kernel/tracing/instances/devresctl/trace_pipe"

run --root "$R" record -o "$T/rec.log" --duration 20
expect_rc 0 "record from plain files ends when they end"
grep_err 'recording kmsg, trace to' "says what it records"
! grep -q 'not recorded' "$T/err"
ok $? "no warning when every source opened"
head -n 1 "$T/rec.log" | grep -q '^Linux version 6.1.192 '
ok $? "the recording starts with /proc/version: its boot and kernel"
[ "$(cat "$R/sys/kernel/tracing/instances/devresctl/options/hash-ptr")" = 0 ] &&
	[ "$(cat "$R/sys/kernel/tracing/options/hash-ptr")" = 1 ]
ok $? "an instance made by hand gets raw pointers; the global option is left alone"
run report --format=json "$T/rec.log"
cp "$T/out" "$T/rec.json"
run report --format=json "$K/component-bug/kmsg.txt" "$K/component-bug/trace.txt"
cp "$T/out" "$T/cap.json"
summary='[.stats.devres_events, .stats.duplicates, ([.devices[] | {device, live: (.live | length)}] | sort_by(.device)), ([.findings[].rule] | sort)]'
[ "$(jq -c "$summary" "$T/rec.json")" = "$(jq -c "$summary" "$T/cap.json")" ]
ok $? "the recording gives the captures' events, live nodes and findings"
jq -e '.findings | map(.rule) | index("open-group-swept")' "$T/rec.json" >/dev/null
ok $? "the open-group-swept finding is there"
jq -e '.boots[0].kernel == "6.1.192"' "$T/rec.json" >/dev/null
ok $? "the kernel version comes from the recording"

run --root "$R" record -o "$T/gfx.log" --device 'dfx-gfx*' --no-trace
expect_rc 0 "record --device"
! grep -q 'dfx-hda.0: DEVRES' "$T/gfx.log" && grep -q 'dfx-gfx.0: DEVRES' "$T/gfx.log"
ok $? "only the matching device's devres lines"
! grep -q 'DEVICE=+platform:dfx-hda.0' "$T/gfx.log" && grep -q 'DEVICE=+platform:dfx-gfx.0' "$T/gfx.log"
ok $? "dictionary lines follow their record"
grep -q 'scenario component-bug: begin' "$T/gfx.log"
ok $? "other kernel lines are kept"

# a FIFO stays open like /dev/kmsg: records arrive while recording
R2="$T/fifo"
fake_root "$R2" kmsg-fifo
"$DEVRESCTL" --root "$R2" record -o "$T/fifo.log" --duration 3 2>"$T/fifo.err" &
pid=$!
sleep 0.5
head -n 80 "$K/ops/kmsg.txt" >"$R2/dev/kmsg"
sleep 0.3
tail -n +81 "$K/ops/kmsg.txt" >"$R2/dev/kmsg"
wait $pid
ok $? "record from a FIFO until --duration"
grep -q 'the recording will hold no devres operation' "$T/fifo.err"
ok $? "warns when devres.log is off and no trace instance is enabled"
[ "$(grep -c ',-;' "$T/fifo.log")" -eq "$(grep -c ',-;' "$K/ops/kmsg.txt")" ]
ok $? "every record written to the FIFO was recorded"
run report --format=json "$K/ops/kmsg.txt"
jq -c "$summary" "$T/out" >"$T/ops.txt"
run report --format=json "$T/fifo.log"
jq -c "$summary" "$T/out" >"$T/fifo.txt"
cmp -s "$T/ops.txt" "$T/fifo.txt"
ok $? "the FIFO recording reports what the capture reports"
grep -qx 'devresctl-quiet' "$T/fifo.log"
ok $? "the pause between the two writes is marked quiet"

run --root "$R" record -o "$T/none.log" --no-kmsg --no-trace --no-udev
expect_rc 3 "every source turned off"
grep_err 'nothing to record from' "says so"
run --root "$R2" record -o "$T/none.log" --no-kmsg
expect_rc 3 "no trace instance and no kmsg"
grep_err 'tracefs is not mounted (mount -t tracefs' "says how to get the trace"
rm "$R/sys/kernel/tracing/instances/devresctl/trace_pipe"
rmdir "$R/sys/kernel/tracing/instances/devresctl/events/dev/devres_log" "$R/sys/kernel/tracing/instances/devresctl/events/dev" 2>/dev/null
rm -rf "$R/sys/kernel/tracing/instances/devresctl"
run --root "$R" record -o "$T/none.log" --no-kmsg
expect_rc 3 "tracefs but no instance"
grep_err 'devresctl enable --trace creates it' "says how to get the trace instance"
run --root "$R" record
expect_rc 2 "record without -o"
run --root "$R" record -o "$T/x.log" --duration 0
expect_rc 2 "a zero duration"
run --root "$R" record -o "$T/nodir/x.log"
expect_rc 3 "an output that cannot be created"
grep_err "cannot create '$T/nodir/x.log'" "names it"

# the trace's binary records (a real 6.18 kernel's pages), read through
# libtraceevent and written as the kernel's own text
X="$CAPTURES/kernel/fc-6.18.44/raw"
R2="$T/root-raw"
fake_root "$R2" tracefs
t="$R2/sys/kernel/tracing"
i="$t/instances/devresctl"
cp "$X/header_page" "$X/header_event" "$t/events/"
cp "$X/devres_log.format" "$t/events/dev/devres_log/format"
mkdir -p "$i/per_cpu/cpu0" "$i/per_cpu/cpu1"
cp "$X/cpu0.raw" "$i/per_cpu/cpu0/trace_pipe_raw"
cp "$X/cpu1.raw" "$i/per_cpu/cpu1/trace_pipe_raw"
cp "$X/trace.txt" "$i/trace"
echo '  sh-1 [000] ..... 1.000000: devres_log: from-the-text-pipe.0 ADD 00000000000000a1 kz (8 bytes)' >"$i/trace_pipe"
run --root "$R2" record -o "$T/raw.log" --no-kmsg --no-udev --duration 20
expect_rc 0 "record from binary trace records"
if "$DEVRESCTL" --version | grep -q "+tracefs"; then
	[ "$(grep -o '[0-9.]*: devres_log: .*' "$T/raw.log")" = "$(grep -o '[0-9.]*: devres_log: .*' "$X/trace.txt")" ]
	ok $? "the binary records are written as the kernel's text: times, devices, ops, nodes, names, sizes"
	! grep -q from-the-text-pipe "$T/raw.log"
	ok $? "trace_pipe is not read when the records are"
	DEVRESCTL_TRACE=text run --root "$R2" record -o "$T/text.log" --no-kmsg --no-udev --duration 20
	grep -q from-the-text-pipe "$T/text.log"
	ok $? "DEVRESCTL_TRACE=text reads trace_pipe"
	# no format file: the text, as before
	rm "$t/events/dev/devres_log/format"
	run --root "$R2" record -o "$T/noformat.log" --no-kmsg --no-udev --duration 20
	grep -q from-the-text-pipe "$T/noformat.log"
	ok $? "without the event's format, trace_pipe is read"
else
	echo "# built without libtracefs: binary records not tested"
fi

# SIGINT while the reader is behind the kernel log: what the log holds is
# read to its end before the count, not one read's worth (a FIFO, its pipe
# made 1 MiB, filled while the recorder was stopped, its writer still open)
if command -v python3 >/dev/null 2>&1; then
	R3="$T/behind"
	fake_root "$R3" kmsg-fifo
	"$DEVRESCTL" --root "$R3" record -o "$T/behind.log" --no-trace 2>"$T/behind.err" &
	pid=$!
	for _ in $(seq 100); do [ -s "$T/behind.log" ] && break; sleep 0.05; done
	kill -STOP $pid
	python3 - "$R3/dev/kmsg" "$T/behind.wrote" <<'EOF2' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    fcntl.fcntl(fd, 1031, 1 << 20)      # F_SETPIPE_SZ
except OSError:
    pass
size = fcntl.fcntl(fd, 1032)            # F_GETPIPE_SZ
n, out = 0, b""
while len(out) < size - 200:
    n += 1
    out += b"3,%d,%d,-;drv d.0: DEVRES ADD %016x devm_kzalloc_release (8 bytes)\n" % (n, n, n)
os.write(fd, out)
open(sys.argv[2], "w").write("%d %d\n" % (n, size))
time.sleep(3)
EOF2
	writer=$!
	for _ in $(seq 100); do [ -s "$T/behind.wrote" ] && break; sleep 0.05; done
	kill -INT $pid
	kill -CONT $pid
	wait $pid
	rc=$?
	read -r wrote pipe_size <"$T/behind.wrote"
	got=$(grep -c 'DEVRES ADD' "$T/behind.log")
	[ $rc -eq 0 ] && [ "$got" -eq "$wrote" ]
	ok $? "SIGINT while behind: the kernel log is read to its end ($got of $wrote records, a $pipe_size-byte pipe)"
	kill $writer 2>/dev/null
	wait $writer 2>/dev/null
else
	ok 0 "# SKIP python3 not installed: the reader-behind test needs it"
fi

done_testing
