#!/bin/sh
# The sustained live rate: devres operations per second that `devresctl
# record` takes from /dev/kmsg and the trace instance's binary records
# without losing one. A feeder (live-feeder.c) plays the kernel on a fake
# root whose /dev/kmsg and cpu0/trace_pipe_raw are FIFOs: a full FIFO
# blocks it, so nothing is lost and its time is the reader's. The time is
# from the first write to the recording written and closed (SIGINT right
# after the last write: the recorder writes what it read and holds). Printed
# figures, not a test. BENCH_RIG=1 also soaks the real-kernel rig (RIG,
# default ../shared/rig beside the tree, built in RIG_BUILD) with small
# buffers and compares what was recorded with what the kernel logged
# (BENCH_CYCLES, default "2000 20000"; BENCH_OUT for the runs).
#
#   bench-live.sh DEVRESCTL [OPS...]      (make bench-live; BENCH_OPS)
set -eu
DEVRESCTL=$1
shift
[ $# -gt 0 ] || set -- ${BENCH_OPS:-200000}
top=$(cd "$(dirname "$0")/../.." && pwd)
X="$top/tests/captures/kernel/fc-6.18.44/raw"
T=$(mktemp -d /tmp/drc-bench-live-XXXXXX)
trap 'rm -rf "$T"' EXIT
FEEDER="$T/live-feeder"
cc -O2 -o "$FEEDER" "$top/tests/bench/live-feeder.c"

fake() {
	r=$T/root
	rm -rf "$r"
	t="$r/sys/kernel/tracing"
	i="$t/instances/devresctl"
	mkdir -p "$r/proc/sys/kernel" "$r/dev" "$t/events/dev/devres_log" "$i/per_cpu/cpu0" "$i/options" \
		"$i/events/dev/devres_log"
	echo "6.18.0-bench" >"$r/proc/sys/kernel/osrelease"
	cp "$X/header_page" "$X/header_event" "$t/events/"
	cp "$X/devres_log.format" "$t/events/dev/devres_log/format"
	echo 1 >"$t/events/dev/devres_log/enable"
	echo 1 >"$i/events/dev/devres_log/enable"
	echo 0 >"$i/options/hash-ptr"
	echo 0 >"$i/buffer_percent"
	echo "local global [mono]" >"$i/trace_clock"
	mkfifo "$r/dev/kmsg" "$i/per_cpu/cpu0/trace_pipe_raw"
}

one() {   # OPS kmsg|trace|both
	fake
	# the feeder opens the FIFOs first (a FIFO without writer reads as
	# ended), the recorder takes them from the start (--since-boot)
	"$FEEDER" "$T/root" "$1" "$2" >"$T/feeder" &
	fpid=$!
	sleep 0.2
	"$DEVRESCTL" --root "$T/root" record -o "$T/rec.log" --no-udev --since-boot 2>"$T/err" &
	pid=$!
	wait $fpid
	# written: the recorder stops at once, with what it read and holds
	kill -INT $pid
	waited=0
	while kill -0 $pid 2>/dev/null && [ $waited -lt 1000 ]; do sleep 0.01; waited=$((waited + 1)); done
	end=$(date +%s.%N)
	if kill -0 $pid 2>/dev/null; then
		echo "$2: record did not end within 10 s of SIGINT" >&2
		kill -KILL $pid
	fi
	wait $pid || true
	out=$(cat "$T/feeder")
	started=$(echo "$out" | sed 's/.* started \([0-9.]*\) .*/\1/')
	# from the first write to the recording complete and closed
	secs=$(echo "$end - $started" | bc)
	k=$(grep -c ': DEVRES ' "$T/rec.log" || true)
	tr=$(grep -c ': devres_log: ' "$T/rec.log" || true)
	case $2 in
	kmsg) want_k=$1 want_t=0 ;;
	trace) want_k=0 want_t=$(($1 + 2)) ;;
	*) want_k=$1 want_t=$(($1 + 2)) ;;
	esac
	rate=$(echo "$1 / $secs" | bc)
	printf '%-6s %8s ops  %7.3f s  %8s ops/s  recorded: kmsg %s/%s, trace %s/%s\n' "$2" "$1" "$secs" "$rate" \
		"$k" "$want_k" "$tr" "$want_t"
	tail -n 1 "$T/err" | sed 's/^/       /'
}

echo "# sustained live rate on a fake root (FIFOs: nothing can be lost): $("$DEVRESCTL" --version)"
for n in "$@"; do
	for w in kmsg trace both; do
		one "$n" "$w"
	done
done

RIG=${RIG:-$top/../shared/rig}
RIG_BUILD=${RIG_BUILD:-/var/tmp/devresctl-rig}
if [ "${BENCH_RIG:-0}" != 1 ]; then
	echo "# rig soak: not run (BENCH_RIG=1 runs it)"
elif [ ! -x "$RIG/run-uml.sh" ] || [ ! -x "$RIG_BUILD/build-uml/linux" ]; then
	echo "# rig soak: no rig at $RIG (kernel $RIG_BUILD/build-uml/linux): not run"
else
	O=${BENCH_OUT:-/var/tmp/devresctl-bench-live}
	mkdir -p "$O"
	cat >"$O/live.sh" <<EOS
#!/bin/sh
case "\$1" in
start) echo \$\$ >"\$2/live.pid"; exec "$DEVRESCTL" record -o "\$2/live.rec" ;;
stop) date +%s.%N >"\$2/stop-time"; p=\$(cat "\$2/live.pid")
	( while kill -0 "\$p" 2>/dev/null; do sleep 0.01; done; date +%s.%N >"\$2/exit-time" ) </dev/null >/dev/null 2>&1 & ;;
esac
EOS
	chmod +x "$O/live.sh"
	for cycles in ${BENCH_CYCLES:-2000 20000}; do
		d="$O/soak-$cycles"
		"$RIG/run-uml.sh" soak "$d" "" SOAK_CYCLES="$cycles" log_buf_len=128k trace_buf_size=64k \
			RIG_LIVE="$O/live.sh" >/dev/null
		# the kernel's own count: entries-written of its global trace buffer
		# (a plain cat /dev/kmsg dies with EPIPE under the long soak)
		made=$(sed -n 's/.*entries-in-buffer\/entries-written: [0-9]*\/\([0-9]*\).*/\1/p' "$d/trace.txt")
		echo "# rig soak, $cycles cycles: the kernel made $made operations (trace.txt entries-written)"
		echo "#   record: $(tail -n 1 "$d/live-stderr.txt")"
		echo "#   exit after SIGINT: $(echo "$(cat "$d/exit-time" 2>/dev/null || echo 0) - $(cat "$d/stop-time")" | bc) s"
		echo "#   report: $("$DEVRESCTL" report --format=json "$d/live.rec" |
			jq -c '[.stats.devres_events, [.findings[] | select(.rule == "log-loss") | .summary]]' 2>/dev/null)"
	done
fi
