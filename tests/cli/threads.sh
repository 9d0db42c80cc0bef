#!/bin/sh
# The model on its own thread (DEVRESCTL_THREADS=2, the default on two CPUs)
# gives what one thread gives: report -a in JSON, check in text and JSON,
# stderr and exit status, on every capture of the project, and on captures
# long enough that the model thread runs beside the reader for a while (a
# real 20,000-cycle soak recording, and a synthetic capture with a sync
# point of every kind between its operations).
. "$(dirname "$0")/functions.sh"

same() {  # same DESCRIPTION ARGS...: both thread counts, compared
	d=$1
	shift
	DEVRESCTL_THREADS=1 "$DEVRESCTL" "$@" >"$T/o1" 2>"$T/e1"
	r1=$?
	DEVRESCTL_THREADS=2 "$DEVRESCTL" "$@" >"$T/o2" 2>"$T/e2"
	r2=$?
	if [ "$r1" -eq "$r2" ] && cmp -s "$T/o1" "$T/o2" && cmp -s "$T/e1" "$T/e2"; then
		ok 0 "$d"
	else
		ok 1 "$d (exit $r1 and $r2)"
		diff "$T/o1" "$T/o2" | head -20 | sed 's/^/#   /'
		diff "$T/e1" "$T/e2" | head -10 | sed 's/^/#   /'
	fi
}

find "$CAPTURES" "$top_srcdir/data/captures" -type f ! -name README ! -name '*.md' \
	! -name ground-truth.json ! -name '*.patch' ! -path '*/raw/*' ! -name format | sort >"$T/list"
count=0
bad=0
while read -r f; do
	for args in "report -a --format=json" "check --allow-empty" "check --allow-empty --format=json"; do
		# shellcheck disable=SC2086
		DEVRESCTL_THREADS=1 "$DEVRESCTL" $args "$f" >"$T/o1" 2>"$T/e1"
		r1=$?
		# shellcheck disable=SC2086
		DEVRESCTL_THREADS=2 "$DEVRESCTL" $args "$f" >"$T/o2" 2>"$T/e2"
		r2=$?
		count=$((count + 1))
		if [ "$r1" -ne "$r2" ] || ! cmp -s "$T/o1" "$T/o2" || ! cmp -s "$T/e1" "$T/e2"; then
			bad=$((bad + 1))
			echo "# differs: $args $f (exit $r1 and $r2)"
		fi
	done
done <"$T/list"
[ "$count" -ge 300 ] && [ "$bad" -eq 0 ]
ok $? "one thread and two give the same on every capture ($count runs, $bad different)"

soak=$CAPTURES/kernel/uml-6.1.192/soak-big/record-start.rec.xz
same "the 20,000-cycle soak recording: report -a" report -a --format=json "$soak"
same "the 20,000-cycle soak recording: check" check --format=json "$soak"

# 6,000 devres operations on 40 devices, with what the stream says to the
# model between them: uevents, a lost-events line, a probe failure, a
# name-learning line, a second boot; every one a point where the reader
# waits for the model thread
awk 'BEGIN {
	t = 1.0
	for (boot = 0; boot < 2; boot++) {
		printf "[    0.000000] Linux version 6.1.0-test (t@h) #1 SMP\n"
		for (c = 0; c < 25; c++) {
			for (d = 0; d < 40; d++) {
				t += 0.001; id = 4096 + c * 64 + d
				printf "[%12.6f] drv dev.%d: DEVRES ADD %016x devm_kzalloc_release (%d bytes)\n", t, d, id * 16, 32 + d
				printf "[%12.6f] drv dev.%d: DEVRES ADD %016x grp< (0 bytes)\n", t, d, id * 16 + 8
				printf "[%12.6f] drv dev.%d: DEVRES ADD %016x devm_action_release (16 bytes)\n", t, d, id * 16 + 4
			}
			if (c == 7) printf "[%12.6f] printk: 12 messages dropped\n", t
			if (c == 9) printf "[%12.6f] drv dev.3: probe of dev.3 failed with error -12\n", t
			if (c == 11) printf "KERNEL[%.6f] unbind   /devices/platform/dev.5 (platform)\n", t
			for (d = 0; d < 40; d += (c % 3) + 1) {
				t += 0.001; id = 4096 + c * 64 + d
				printf "[%12.6f] drv dev.%d: DEVRES REL %016x devm_action_release (16 bytes)\n", t, d, id * 16 + 4
				printf "[%12.6f] drv dev.%d: DEVRES REL %016x grp< (0 bytes)\n", t, d, id * 16 + 8
				printf "[%12.6f] drv dev.%d: DEVRES REL %016x devm_kzalloc_release (%d bytes)\n", t, d, id * 16, 32 + d
			}
		}
	}
}' >"$T/sync.log"
ops=$(grep -c DEVRES "$T/sync.log")
[ "$ops" -ge 6000 ]
ok $? "the synthetic capture holds $ops operations"
same "sync points between operations: report -a" report -a --format=json "$T/sync.log"
same "sync points between operations: check" check "$T/sync.log"

done_testing
