#!/bin/sh
# The fuzz targets on every committed input (tests/fuzz/regress/TARGET:
# what the fuzzers found, and seeds) and on the seed corpus built from the
# tree's captures, under the build's sanitizers: each input must end,
# within a time limit, without a sanitizer report.
. "$top_srcdir/tests/cli/functions.sh"

F="$top_builddir/tests/fuzz"
sh "$top_srcdir/tests/fuzz/make-corpus.sh" "$top_srcdir" "$T/corpus" "$top_builddir/devresctl"
for t in capture opres trace-raw request filters; do
	TMPDIR=$T timeout 300 "$F/replay-$t" "$top_srcdir/tests/fuzz/regress/$t" "$T/corpus/$t" >"$T/out" 2>"$T/err"
	rc=$?
	ok $(( rc != 0 )) "fuzz-$t: $(cat "$T/out") replayed, exit $rc$(grep -m1 -E 'ERROR|runtime error' "$T/err" | sed 's/^/: /')"
done
done_testing
