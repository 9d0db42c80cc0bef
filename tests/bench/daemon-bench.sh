#!/bin/sh
# devresd under hostile and slow clients: the figures behind daemon-hostile.sh.
#
#   tests/bench/daemon-bench.sh DEVRESD SOCKCLIENT
#
# On a fake root (/dev/kmsg a FIFO; no root needed but for nothing), it
# measures how long a kernel record takes to reach the journal, alone and
# while a client floods 50 MiB of empty request lines; the daemon's peak
# memory (VmHWM) under 400 MB of pipelined hellos and under 40 unread
# snapshots of 20,000 live resources; how long 20 events take to reach 500
# subscribers; and the CPU it burns at the open-file limit with 200 clients
# waiting. Build without sanitizers (./configure without --enable-sanitizers)
# for figures that mean something; run it against another build of devresd
# to compare. Prints one line per figure.
set -u
DEVRESD=$(readlink -f "$1")
CLIENT=$(readlink -f "$2")
T=$(mktemp -d)
R="$T/root"
mkdir -p "$R/proc/sys/kernel/random" "$R/sys" "$R/run" "$R/var/lib" "$R/dev"
echo "Linux version 6.1.0 (bench) #1" >"$R/proc/version"
echo 6.1.0 >"$R/proc/sys/kernel/osrelease"
echo 0f8e5a7c-1111-2222-3333-444455556666 >"$R/proc/sys/kernel/random/boot_id"
mkfifo "$R/dev/kmsg"
SOCK="$R/run/devresd/socket"
J="$R/var/lib/devresd/journal.log"
dpid=
trap '[ -n "$dpid" ] && kill -9 $dpid 2>/dev/null; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

records() {  # records FIRST COUNT
	awk -v f="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++)
		printf "3,%d,%d,-;dfx-b dfx-b.0: DEVRES ADD %016x devm_kzalloc_release (64 bytes)\n", f + i, 1000000 + f + i, 65536 + f + i }'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
start() {  # start ARGS...
	rm -rf "$R/var/lib/devresd" "$R/run/devresd"
	"$DEVRESD" --root "$R" --no-trace --no-udev "$@" 2>>"$T/err" &
	dpid=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.3
}
stop() { kill -TERM $dpid; wait $dpid 2>/dev/null; dpid=; }
hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' /proc/$dpid/status; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' /proc/$dpid/status; }
latency() {  # latency SEQ: ms until record SEQ is in the journal (60 s at most)
	t0=$(now_ms)
	records "$1" 1 >"$R/dev/kmsg"
	while ! grep -q "^3,$1," "$J" 2>/dev/null; do
		[ $(($(now_ms) - t0)) -gt 60000 ] && { echo ">60000"; return; }
		sleep 0.002
	done
	echo $(($(now_ms) - t0))
}

echo "devresd: $DEVRESD"
start
echo "record to journal, no client: $(latency 10) ms"
"$CLIENT" "$SOCK" -f nl:50M -t 120 -x 2>"$T/flood" &
fl=$!
sleep 0.1
echo "record to journal right after a client sent 50 MiB of empty lines: $(latency 11) ms"
kill $fl 2>/dev/null
wait $fl 2>/dev/null
"$CLIENT" "$SOCK" -f nl:0 -t 6 -x 2>"$T/flood" &
fl=$!
sleep 1
l=$(latency 12)
wait $fl
echo "record to journal while a client floods empty lines for 6 s: $l ms ($(($(sed -n 's/sent //p' "$T/flood") / 1048576)) MiB taken in 6 s)"
stop

start
base=$(rss_mb)
"$CLIENT" "$SOCK" -f hello:400M -t 8 -x 2>"$T/pipe" &
fl=$!
sleep 7
peak=$(hwm_mb)
wait $fl
echo "pipelined hellos, never read (8 s): peak RSS $peak MB (at start $base MB), $(sed -n 's/sent //p' "$T/pipe") bytes taken of 400 MiB"
stop

start
records 100 20000 >"$R/dev/kmsg"
sleep 1
"$CLIENT" "$SOCK" -s '{"cmd":"snapshot"}' -n 1 -t 30 >"$T/snap"
base=$(hwm_mb)
"$CLIENT" "$SOCK" -f snapshot:760 -t 10 -x 2>/dev/null &
fl=$!
sleep 9
echo "40 unread snapshots of $(($(wc -c <"$T/snap") / 1024)) KiB (20,000 live resources): peak RSS $(hwm_mb) MB (after one: $base MB)"
kill $fl 2>/dev/null
wait $fl 2>/dev/null
stop

start
"$CLIENT" "$SOCK" -m 500 -s '{"cmd":"subscribe","events":true}' -n 21 -t 60 >"$T/many" &
fl=$!
sleep 3
t0=$(now_ms)
records 50000 20 >"$R/dev/kmsg"
wait $fl
echo "500 subscribers, 20 events: all delivered after $(($(now_ms) - t0)) ms: $(cat "$T/many"); peak RSS $(hwm_mb) MB"
stop

if command -v prlimit >/dev/null; then
	rm -rf "$R/var/lib/devresd" "$R/run/devresd"
	prlimit --nofile=64 "$DEVRESD" --root "$R" --no-trace --no-udev 2>>"$T/err" &
	dpid=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$CLIENT" "$SOCK" -m 200 -s '{"cmd":"subscribe","events":true}' -n 1000 -t 6 >"$T/emfile" &
	fl=$!
	sleep 2
	t0=$(awk '{ print $14 + $15 }' /proc/$dpid/stat)
	sleep 2
	t1=$(awk '{ print $14 + $15 }' /proc/$dpid/stat)
	echo "open-file limit 64, 200 clients: CPU $(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 2 ))% over 2 s; one more client gets: $("$CLIENT" "$SOCK" -s '{"cmd":"hello"}' -n 1 -t 3 | cut -c1-60)"
	wait $fl
	stop
fi
