#!/bin/sh
# make fuzz-run: each target for SECONDS on its seed corpus and what it found
# before, one after the other, in libFuzzer's fork mode (one job: a crash,
# leak, timeout or out-of-memory input is kept in DIR/findings/TARGET and
# the run goes on); any such input fails the run.
#   run.sh SRCDIR DIR SECONDS TARGET...
# FUZZ_ARGS adds libFuzzer options (e.g. -jobs=2), FUZZ_TIMEOUT (s, default
# 10) is the longest one input may take.
set -u
src=$1 dir=$2 secs=$3
shift 3
sh "$src/tests/fuzz/make-corpus.sh" "$src" "$dir/corpus" "$dir/../../devresctl"
status=0
for t in "$@"; do
	bin="$dir/build/fuzz-$t"
	mkdir -p "$dir/corpus/$t" "$dir/found/$t" "$dir/findings/$t"
	echo "fuzz-$t: ${secs}s"
	# the targets' fake roots: a job that ends at its time limit leaves its own
	rm -rf "$dir/tmp"
	mkdir -p "$dir/tmp"
	# the committed regression inputs first, then new ones
	TMPDIR="$dir/tmp" "$bin" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
		-max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=65536 \
		-dict="$src/tests/fuzz/devres.dict" -artifact_prefix="$dir/findings/$t/" -print_final_stats=1 \
		${FUZZ_ARGS:-} "$dir/found/$t" "$dir/corpus/$t" "$src/tests/fuzz/regress/$t" \
		>"$dir/fuzz-$t.log" 2>&1
	rc=$?
	rm -rf "$dir/tmp"
	grep -E '^#[0-9]+.*cov:' "$dir/fuzz-$t.log" | tail -1
	if [ $rc -ne 0 ] || ls "$dir/findings/$t" | grep -q .; then
		echo "fuzz-$t: FOUND (exit $rc): $(ls "$dir/findings/$t" | tr '\n' ' ')"
		grep -E 'ERROR|SUMMARY|runtime error' "$dir/fuzz-$t.log" | head -5
		status=1
	fi
done
exit $status
