#!/bin/sh
# Benchmark (not a test): hostile input, bounded. Each case must end with
# a clear message or a result, within a memory bound; prints exit status,
# wall time, peak RSS and the first line of the message, and fails when a
# case exits otherwise than expected or passes its bound. Build without
# sanitizers for it (they multiply memory).
#
#   make bench-hostile                    # all cases, HOSTILE_N=1000000
#   HOSTILE_CASES="devices nest" HOSTILE_N=100000 sh tests/bench/hostile.sh ./devresctl
#
# Cases: line (a 1 GiB line), zero (/dev/zero: reads until stopped, like
# cat), fifo (a writer that never closes: the same), dir, unreadable,
# truncated (.gz .xz .zst), bomb (10 GiB of zeros, zstd), growing (a file
# appended to while read), utf8 (invalid UTF-8), devices (N distinct
# devices), nest (HOSTILE_NEST nested groups released by one unbind, and
# N/10 left open), held (N trace events whose names are addresses, each
# held for a twin), findings (N findings).
set -u
DEVRESCTL=${1:-./devresctl}
N=${HOSTILE_N:-1000000}
CASES=${HOSTILE_CASES:-"line zero fifo dir unreadable truncated bomb growing utf8 devices nest held findings"}
HERE=$(cd "$(dirname "$0")" && pwd)
W=${HOSTILE_DIR:-$(mktemp -d "${TMPDIR:-/var/tmp}/hostile.XXXXXX")}
trap 'rm -rf "$W"' EXIT
export DEVRESCTL_KB="${DEVRESCTL_KB:-$HERE/../../data/kb/release-functions.tsv}"
cc -O2 -o "$W/gen" "$HERE/hostile-gen.c" || exit 1
failed=0
# the model keeps every device it saw (about 1.4 KiB each, with its
# interned names): the bound of the cases with N devices
big=$((64 + N * 3 / 2 / 1024))

# measure NAME WANT-EXIT MAX-RSS-MIB CMD...: one line of figures; with
# TMAX set (seconds), a wall time past it fails too (a linear case turned
# quadratic: nest went from 0.8 s to 203 s once, unseen by the RSS bound)
TMAX=
measure() {
	name=$1 want=$2 max=$3
	shift 3
	s=$(date +%s.%N)
	/usr/bin/time -f "%M" -o "$W/rss" "$@" >"$W/out" 2>"$W/err"
	rc=$?
	e=$(date +%s.%N)
	secs=$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')
	rss=$(tail -1 "$W/rss")
	case $rss in *[!0-9]*|'') rss=0 ;; esac
	msg=$(grep -v '^Command\|^[0-9]*$' "$W/err" | head -1 | cut -c1-110)
	[ -n "$msg" ] || msg=$(grep -m1 -E 'live node|errors?,' "$W/out" | cut -c1-110)
	verdict=ok
	if [ "$rc" != "$want" ] || [ $((rss / 1024)) -gt "$max" ] ||
	   { [ -n "$TMAX" ] && awk -v t="$secs" -v m="$TMAX" 'BEGIN { exit !(t > m) }'; }; then
		verdict=FAIL
		failed=1
	fi
	printf '%-10s %-4s exit %3s (want %3s)  %7.2f s%s  %6d MiB (bound %5d)  %s\n' "$name" "$verdict" "$rc" "$want" \
		"$secs" "${TMAX:+ (bound $TMAX s)}" $((rss / 1024)) "$max" "$msg"
}

for c in $CASES; do
	case $c in
	line)
		"$W/gen" line 1073741824 >"$W/line.log"
		measure line 0 64 "$DEVRESCTL" report "$W/line.log"
		rm -f "$W/line.log" ;;
	zero)
		# no end: stopped after 10 s, as a --duration would
		measure zero 124 64 timeout 10 "$DEVRESCTL" report /dev/zero ;;
	fifo)
		mkfifo "$W/fifo"
		{ "$W/gen" devices 1000; sleep 12; } >"$W/fifo" &
		measure fifo 124 64 timeout 5 "$DEVRESCTL" report "$W/fifo"
		kill $! 2>/dev/null; wait 2>/dev/null ;;
	dir)
		mkdir -p "$W/dir"
		measure dir 3 64 "$DEVRESCTL" report "$W/dir" ;;
	unreadable)
		"$W/gen" devices 10 >"$W/unreadable.log"
		chmod 000 "$W/unreadable.log"
		if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
			chmod 755 "$W"
			measure unreadable 3 64 setpriv --reuid=65534 --regid=65534 --clear-groups "$DEVRESCTL" report "$W/unreadable.log"
		else
			measure unreadable 3 64 "$DEVRESCTL" report "$W/unreadable.log"
		fi ;;
	truncated)
		"$W/gen" devices 20000 >"$W/t.log"
		gzip -c "$W/t.log" >"$W/t.gz"
		xz -T1 -c "$W/t.log" >"$W/t.xz"
		zstd -q -c "$W/t.log" >"$W/t.zst"
		for z in gz xz zst; do
			head -c $(($(wc -c <"$W/t.$z") / 2)) "$W/t.$z" >"$W/half.$z"
			measure "trunc-$z" 3 64 "$DEVRESCTL" report "$W/half.$z"
		done
		rm -f "$W"/t.* "$W"/half.* ;;
	bomb)
		head -c 10737418240 /dev/zero | zstd -q -1 -T1 >"$W/bomb.zst"
		echo "# bomb: 10 GiB of zeros in $(wc -c <"$W/bomb.zst") bytes of zstd"
		measure bomb 0 64 "$DEVRESCTL" report "$W/bomb.zst"
		rm -f "$W/bomb.zst" ;;
	growing)
		"$W/gen" devices 100000 >"$W/grow.log"
		{ for _ in $(seq 50); do "$W/gen" devices 2000; done >>"$W/grow.log"; } &
		measure growing 0 256 "$DEVRESCTL" report "$W/grow.log"
		wait ;;
	utf8)
		measure utf8 0 64 "$DEVRESCTL" report --format=json "$HERE/../cli/hostile-inputs/invalid-utf8.log" ;;
	devices)
		"$W/gen" devices "$N" >"$W/devices.log"
		measure devices 0 "$big" "$DEVRESCTL" report "$W/devices.log"
		measure devices-json 0 "$big" "$DEVRESCTL" report --format=json "$W/devices.log"
		measure devices-check 0 "$big" "$DEVRESCTL" check "$W/devices.log"
		rm -f "$W/devices.log" ;;
	nest)
		# released by one unbind: linear in the depth since #17
		# (100000: 0.4 s; it took minutes, 20000 alone 12 s)
		# (a time bound: linear cases of 100,000 take about 1 s here)
		TMAX=30
		"$W/gen" nest-rel "${HOSTILE_NEST:-100000}" >"$W/nest.log"
		measure nest 0 512 "$DEVRESCTL" report "$W/nest.log"
		"$W/gen" nest $((N / 10)) >"$W/nest-open.log"
		measure nest-open 0 512 "$DEVRESCTL" report "$W/nest-open.log"
		# closed outermost first, each grp> found by place: linear since
		# group_of_close() looks its grp< up (40000: 17 s before)
		"$W/gen" nest-close "${HOSTILE_NEST:-100000}" >"$W/nest-close.log"
		measure nest-close 0 512 "$DEVRESCTL" report "$W/nest-close.log"
		# the markers' names learnt after their records: one walk of the
		# list moves each node once (a walk per group took 20000 4.3 s)
		"$W/gen" nest-late "${HOSTILE_NEST:-100000}" >"$W/nest-late.log"
		measure nest-late 0 512 "$DEVRESCTL" report "$W/nest-late.log"
		TMAX=
		rm -f "$W"/nest*.log ;;
	held)
		# a trace from before 6.13 holds every copy for a twin that may
		# name it, and a quiet mark applies them one by one, each from
		# where the last ended (the search from the ring's head made
		# 40,000 nested groups take 6.7 s, a 67 MB two-witness recording
		# 8.5 s; now 0.16 s and 0.66 s)
		TMAX=30
		"$W/gen" trace-addr "$N" >"$W/held.log"
		measure held 0 512 "$DEVRESCTL" report "$W/held.log"
		TMAX=
		rm -f "$W/held.log" ;;
	findings)
		"$W/gen" findings "$N" >"$W/findings.log"
		measure findings 1 "$big" "$DEVRESCTL" check --fail-on=warning "$W/findings.log"
		rm -f "$W/findings.log" ;;
	*)
		echo "hostile.sh: unknown case '$c'" >&2
		exit 2 ;;
	esac
done
exit $failed
