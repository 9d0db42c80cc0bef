#!/bin/sh
# Benchmark (not a test): devresctl watch replaying a capture that leaves
# 100k live nodes on 10k devices, driven in tmux. Prints the frame times the
# program measured (mean and longest, loading included) and the CPU it uses
# while idle. Targets: a frame under 16 ms, idle CPU under 1%.
#
#   sh tests/bench/bench-watch.sh ./devresctl
#   BENCH_DEVICES=20000 BENCH_NODES=10 sh tests/bench/bench-watch.sh ./devresctl
set -eu
DEVRESCTL=$(cd "$(dirname "${1:-./devresctl}")" && pwd)/$(basename "${1:-./devresctl}")
DEVICES=${BENCH_DEVICES:-10000}
NODES=${BENCH_NODES:-10}
W=$(mktemp -d)
TM="tmux -L devresctl-bench-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$W"' EXIT
command -v tmux >/dev/null || { echo "bench-watch: tmux is needed" >&2; exit 1; }

# every device: a probe that adds NODES nodes, the last half inside a group
# left open; a few devices also unbind and bind again
awk -v devs="$DEVICES" -v nodes="$NODES" 'BEGIN {
	id = 4096
	for (d = 0; d < devs; d++) {
		ts = d / 1000.0
		for (n = 0; n < nodes; n++) {
			if (n == int(nodes / 2))
				printf "[%12.6f] bench-drv bench.%d: DEVRES ADD %016x grp< (0 bytes)\n", ts, d, id++
			printf "[%12.6f] bench-drv bench.%d: DEVRES ADD %016x devm_kzalloc_release (%d bytes)\n", ts, d, id++, 64 + n * 8
		}
		printf "[%12.6f] some unrelated kernel line for device %d\n", ts, d
	}
}' > "$W/live.log"
lines=$(wc -l < "$W/live.log")

$TM new-session -d -s b -x 160 -y 50 "'$DEVRESCTL' watch --replay '$W/live.log' --frame-stats '$W/stats'; sleep 60"
start=$(date +%s.%N)
i=0
until $TM capture-pane -p -t b | grep -q '\[done\]'; do
	sleep 0.05
	i=$((i + 1))
	[ $i -lt 2400 ] || { echo "bench-watch: the replay did not end" >&2; exit 1; }
done
loaded=$(date +%s.%N)
# frames on the full state: move, sort, switch views
for k in Down Down Down NPage NPage End Home o o O 2 3 4 1 Enter b Escape; do
	$TM send-keys -t b "$k"
	sleep 0.1
done
sleep 1
pid=$(pgrep -f "watch --replay $W/live.log" | head -n 1)
hz=$(getconf CLK_TCK)
cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
sleep 5
cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
$TM send-keys -t b q
i=0
until [ -s "$W/stats" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done

echo "watch replay: $DEVICES devices, $((DEVICES * NODES)) live nodes, $lines lines"
awk -v a="$start" -v b="$loaded" 'BEGIN { printf "  replay loaded in        %.2f s (wall, screen following)\n", b - a }'
awk '/^frames / { f = $2 } /^frame_usec_mean / { m = $2 } /^frame_usec_max / { x = $2 }
     END { printf "  frames drawn            %d\n  frame time mean         %.2f ms\n  frame time longest      %.2f ms (target < 16 ms)\n", f, m / 1000, x / 1000 }' "$W/stats"
awk -v c0="$cpu0" -v c1="$cpu1" -v hz="$hz" 'BEGIN { printf "  idle CPU over 5 s       %.2f%% (target < 1%%)\n", (c1 - c0) / hz / 5 * 100 }'
echo "  peak RSS                $rss KiB"
