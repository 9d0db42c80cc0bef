#!/bin/sh
# devresctl record when the kernel outruns it or feeds it garbage: a
# /dev/kmsg overrun (EPIPE, faked by the shim) counted from the sequence
# numbers and carried to the log-loss finding; a ring-buffer page that hung
# libtraceevent; SIGTERM while pages are being decoded; SIGINT ignored by
# the shell that started it.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
SHIM="$top_builddir/tests/live/shim.so"
X="$CAPTURES/kernel/fc-6.18.44/raw"

# kmsg: records 100-119, then 250-259 (the ring overwrote 120-249 before
# they were read); the read that would return 250 fails with EPIPE first
R="$T/kmsg"
fake_root "$R" kmsg-fifo
{
	i=100
	while [ $i -lt 120 ]; do
		printf '3,%d,%d,-;dfx-clean dfx-clean.0: DEVRES ADD 00000000%08x devm_kzalloc_release (16 bytes)\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-clean.0\n' $i $((i * 1000)) $i
		i=$((i + 1))
	done
} >"$T/before"
{
	i=250
	while [ $i -lt 260 ]; do
		printf '3,%d,%d,-;dfx-clean dfx-clean.0: DEVRES ADD 00000000%08x devm_kzalloc_release (16 bytes)\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-clean.0\n' $i $((i * 1000)) $i
		i=$((i + 1))
	done
} >"$T/after"
env LD_PRELOAD="$SHIM" DRC_SHIM_KMSG_EPIPE=250 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	"$DEVRESCTL" --root "$R" record -o "$T/epipe.log" --no-trace --no-udev --duration 2 2>"$T/err" &
pid=$!
sleep 0.4
cat "$T/before" >"$R/dev/kmsg"
sleep 0.4
cat "$T/after" >"$R/dev/kmsg"
wait $pid
ok $? "record goes on after EPIPE"
grep -qx 'devresctl-lost: kmsg 130 records overwritten before they were read' "$T/epipe.log"
ok $? "the overrun is a devresctl-lost line with the count the sequence numbers give"
[ "$(grep -c ': DEVRES ' "$T/epipe.log")" -eq 30 ]
ok $? "every record before and after it is recorded"
[ "$(grep -n 'devresctl-lost' "$T/epipe.log" | cut -d: -f1)" -lt "$(grep -n ',250,' "$T/epipe.log" | cut -d: -f1)" ] &&
	[ "$(grep -n 'devresctl-lost' "$T/epipe.log" | cut -d: -f1)" -gt "$(grep -n ',119,' "$T/epipe.log" | cut -d: -f1)" ]
ok $? "the marker stands where the records are missing"
grep_err '130 kernel log records were overwritten before they were read' "said at the end"
grep_err '30 devres operations from the kernel log, 0 from the trace; lost: 130 kernel log records, 0 trace events' \
	"the closing count: operations and losses"
run check --format=json "$T/epipe.log"
jq -e '[.findings[] | select(.rule == "log-loss")] | length == 1 and (.[0].summary | test("\\b130 messages? or events? (reported )?lost"))' \
	"$T/out" >/dev/null
ok $? "check turns it into a log-loss finding that says 130"

# a trace instance of a 6.18 kernel on a fake tracefs
trace_root() {
	fake_root "$1" tracefs
	t="$1/sys/kernel/tracing"
	i="$t/instances/devresctl"
	cp "$X/header_page" "$X/header_event" "$t/events/"
	cp "$X/devres_log.format" "$t/events/dev/devres_log/format"
	mkdir -p "$i/per_cpu/cpu0"
	cp "$X/trace.txt" "$i/trace"
}

if "$DEVRESCTL" --version | grep -q "+tracefs"; then
	# the page that made kbuffer_next_event() spin for ever
	R="$T/hang"
	trace_root "$R"
	cp "$top_srcdir/tests/live/data/trace-raw-kbuffer-hang.page" "$R/sys/kernel/tracing/instances/devresctl/per_cpu/cpu0/trace_pipe_raw"
	timeout -s KILL 20 "$DEVRESCTL" --root "$R" record -o "$T/hang.log" --no-kmsg --no-udev --duration 5 2>"$T/err"
	ok $? "the hang page: record ends"
	grep -qx 'CPU:0 \[LOST EVENTS\]' "$T/hang.log"
	ok $? "the page is marked lost in the recording"
	grep_err '1 trace page could not be read (marked lost)' "and said"

	# SIGTERM while pages are decoded: a real kernel's page, written to the
	# instance's FIFO without end
	R="$T/big"
	trace_root "$R"
	p="$R/sys/kernel/tracing/instances/devresctl/per_cpu/cpu0/trace_pipe_raw"
	mkfifo "$p"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat "$X/cpu0.raw"; done >"$T/16"
	sh -c 'while cat "$1"; do :; done' feeder "$T/16" >"$p" 2>/dev/null &
	feeder=$!
	"$DEVRESCTL" --root "$R" record -o "$T/big.log" --no-kmsg --no-udev --since-boot 2>"$T/err" &
	pid=$!
	sleep 1
	kill -TERM $pid
	t0=$(date +%s%N)
	wait $pid
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill $feeder 2>/dev/null
	wait $feeder 2>/dev/null
	[ $rc -eq 0 ] && [ $ms -lt 3000 ]
	ok $? "SIGTERM while decoding a flood of pages: the run ends at once ($ms ms), exit 0"
	nrec=$(grep -c ": devres_log: " "$T/big.log")
	grep_err "lines recorded to $T/big.log: 0 devres operations from the kernel log, $nrec from the trace" \
		"with what it read written ($nrec records) and its closing count"
else
	echo "# built without libtracefs: binary trace records not tested"
fi

# started in the background by a shell, which ignores SIGINT for it: the
# recording still ends on SIGINT, with its count
R="$T/bg"
fake_root "$R" kmsg-fifo
sh -c "trap '' INT; exec \"$DEVRESCTL\" --root \"$R\" record -o \"$T/bg.log\" --no-trace --no-udev" 2>"$T/err" &
pid=$!
sleep 0.5
cat "$T/before" >"$R/dev/kmsg"
sleep 0.3
kill -INT $pid
t0=$(date +%s%N)
wait $pid
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc -eq 0 ] && [ $ms -lt 2000 ]
ok $? "SIGINT ends a recording whose SIGINT was ignored when it started ($ms ms)"
grep_err '20 devres operations from the kernel log' "with its closing count"

# started with SIGTERM blocked (a mask is inherited across exec): the
# handler alone would never run; the loop unblocks what it catches
if command -v perl >/dev/null; then
	R="$T/blocked"
	fake_root "$R" kmsg-fifo
	perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM)); exec @ARGV or exit 99' \
		"$DEVRESCTL" --root "$R" record -o "$T/blocked.log" --no-trace --no-udev 2>"$T/err" &
	pid=$!
	sleep 0.5
	cat "$T/before" >"$R/dev/kmsg"
	sleep 0.3
	stop_within TERM $pid
	[ $rc -eq 0 ] && [ "$(grep -c ': DEVRES ' "$T/blocked.log")" -eq 20 ]
	ok $? "SIGTERM ends a recording started with SIGTERM blocked, everything written (exit $rc)"
else
	ok 0 "# SKIP perl not installed (it blocks the signal)"
fi

# monitor reads with the same loop: the overrun is said at its end too
R="$T/mon"
fake_root "$R" kmsg-fifo
env LD_PRELOAD="$SHIM" DRC_SHIM_KMSG_EPIPE=250 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	"$DEVRESCTL" --root "$R" monitor --source=kernel --format=json >"$T/mon.out" 2>"$T/err" &
pid=$!
sleep 0.4
cat "$T/before" >"$R/dev/kmsg"
sleep 0.4
cat "$T/after" >"$R/dev/kmsg"
sleep 0.3
kill -INT $pid
wait $pid
ok $? "monitor goes on after EPIPE and ends with 0 at SIGINT"
[ "$(jq -c 'select(.type == "event")' "$T/mon.out" | wc -l)" -eq 30 ]
ok $? "monitor shows every record before and after the overrun"
grep_err '130 kernel log records were overwritten before they were read' "monitor says the loss at the end"

done_testing
