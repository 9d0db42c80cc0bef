#!/bin/sh
# Benchmark (not a test): devresctl report against grep -c on the same
# synthetic capture, in the same run. Prints both times, their ratio and the
# peak RSS of each. Targets: report within 3x of grep on devres-dense
# captures (stretch 2x), 1.5x on sparse ones, and peak memory that depends
# on live state, not on capture size (compare two sizes); the one-thread
# figure (DEVRESCTL_THREADS=1) is printed beside the default. Also
# times floor.c, which only splits the lines and cuts the devres ones into
# their fields: the least any reader of the capture does.
#
#   make bench                       # 256 MiB and 1024 MiB
#   BENCH_SIZES="64 128" make bench
#   BENCH_RUNS=5 make bench          # best of 5 (a noisy machine)
set -eu
DEVRESCTL=${1:-./devresctl}
SIZES=${BENCH_SIZES:-"256 1024"}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cc -O2 -o "$W/gen" "$HERE/gen-capture.c"
cc -O2 -o "$W/floor" "$HERE/floor.c"
# Output goes to a file, never /dev/null: GNU grep notices /dev/null and
# stops at the first match, which made it look ten times faster than it is.
RUNS=${BENCH_RUNS:-3}
measure() {  # measure OUT CMD: wall seconds (best of BENCH_RUNS, 3) and peak RSS in KiB
	best=
	for _ in $(seq "$RUNS"); do
		s=$(date +%s.%N)
		/usr/bin/time -f "%M" -o "$1.t" sh -c "$2" >"$1.out"
		e=$(date +%s.%N)
		best=$(awk -v a="$s" -v b="$e" -v m="$best" 'BEGIN { t = b - a; if (m == "" || t < m) m = t; printf "%.3f", m }')
	done
	echo "$best $(cat "$1.t")"
}

# three mixes: devres-dense (a devres.log=1 rig, 93% devres lines), sparse
# (a boot log where they are about one line in nine), and wide (dense, over
# 20,000 devices with about 118,000 nodes live at the end and a rule hit in
# one unbind of 40: about 11 million operations per GiB)
for mix in "dense 1 0 4000 3.00" "sparse 100 0 4000 1.50" "wide 1 40 20000 3.00"; do
set -- $mix
kind=$1 noise=$2 hits=$3 ndevs=$4 target=$5
for mb in $SIZES; do
	"$W/gen" "$mb" "$noise" "$hits" "$ndevs" > "$W/c.log"
	cat "$W/c.log" > /dev/null     # same page-cache state for both
	set -- $(measure "$W/g" "grep -c DEVRES '$W/c.log'")
	gt=$1 grss=$2
	set -- $(measure "$W/f" "'$W/floor' '$W/c.log'")
	ft=$1
	set -- $(measure "$W/r" "'$DEVRESCTL' report --format=json '$W/c.log'")
	rt=$1 rrss=$2
	set -- $(measure "$W/r1" "DEVRESCTL_THREADS=1 '$DEVRESCTL' report --format=json '$W/c.log'")
	r1t=$1 r1rss=$2
	cmp -s "$W/r.out" "$W/r1.out" || echo "  DIFFERENT: one thread and two do not give the same report"
	lines=$(wc -l < "$W/c.log")
	devres=$(grep -c DEVRES "$W/c.log")
	echo "capture ${mb} MiB ($kind), $lines lines, $devres devres:"
	echo "  grep -c DEVRES          ${gt} s, peak RSS ${grss} KiB"
	echo "  floor (split, cut)      ${ft} s"
	echo "  devresctl report json   ${rt} s, peak RSS ${rrss} KiB, $(wc -c < "$W/r.out") bytes out"
	echo "  the same on one thread  ${r1t} s, peak RSS ${r1rss} KiB"
	awk -v r="$rt" -v r1="$r1t" -v g="$gt" -v f="$ft" -v t="$target" 'BEGIN {
		printf "  ratio report/grep       %.2f (target <= %s)\n", (g > 0 ? r / g : 0), t
		printf "  ratio one thread/grep   %.2f\n", (g > 0 ? r1 / g : 0)
		printf "  ratio floor/grep        %.2f (what reading the lines alone costs)\n", (g > 0 ? f / g : 0) }'
done
done
# rule hits on every device, again and again (one unbind in HITS has a
# release callback calling devm: add-during-release, then
# resources-before-probe at the next probe): memory must stay that of the
# live state and the distinct findings, and JSON no slower than text.
# Target: peak RSS under 64 MB at 1 GiB.
HITS=${BENCH_HITS:-4}
for mb in $SIZES; do
	"$W/gen" "$mb" 1 "$HITS" > "$W/c.log"
	cat "$W/c.log" > /dev/null
	set -- $(measure "$W/ct" "'$DEVRESCTL' check '$W/c.log'; [ \$? -le 1 ]")
	ct=$1 crss=$2
	set -- $(measure "$W/cj" "'$DEVRESCTL' check --format=json '$W/c.log'; [ \$? -le 1 ]")
	cj=$1 jrss=$2

	echo "capture ${mb} MiB with rule hits (1 unbind in $HITS re-enters devm):"
	echo "  $(tail -1 "$W/ct.out")"
	echo "  $(awk '/^    [0-9]+ times/ { s += $1; n++ } END { printf "%d occurrences in %d repeated findings", s, n }' "$W/ct.out")"
	echo "  devresctl check text    ${ct} s, peak RSS ${crss} KiB (target < 65536)"
	echo "  devresctl check json    ${cj} s, peak RSS ${jrss} KiB, $(wc -c < "$W/cj.out") bytes out"
	awk -v j="$cj" -v t="$ct" 'BEGIN { printf "  ratio json/text         %.2f (target <= 1.00)\n", (t > 0 ? j / t : 0) }'
done
