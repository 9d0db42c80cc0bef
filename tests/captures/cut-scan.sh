#!/bin/sh
# Every excerpt of the fixture's real captures that starts late (tail -n +K)
# or ends early (head -n K), checked: per capture, the ranges of cuts by the
# warnings and errors they give ("-": none). A cut that shows no evidence of
# a scenario's bug must give nothing; one that keeps it must keep the
# finding. Not part of make check (about 7,000 runs, a minute or two):
#
#   tests/captures/cut-scan.sh [DEVRESCTL] [SCENARIO...]
#
# DEVRESCTL defaults to ./devresctl; SCENARIO to every uml-6.1.192 one but
# the soaks. Needs jq.
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-./devresctl}
[ $# -gt 0 ] && shift
K="$here/kernel/uml-6.1.192"
if [ $# -eq 0 ]; then
	set --
	for d in "$K"/*/; do
		d=$(basename "$d")
		case $d in soak*) continue ;; esac
		ls "$K/$d"/*.txt >/dev/null 2>&1 && set -- "$@" "$d"
	done
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for mode in tail head; do
	for d in "$@"; do
		for f in "$K/$d"/*.txt; do
			case $f in *uevents.txt | *udevadm-monitor.txt | *record*.txt | *counts.txt) continue ;; esac
			n=$(wc -l <"$f")
			k=2
			while [ "$k" -le "$n" ]; do
				if [ $mode = tail ]; then tail -n "+$k" "$f"; else head -n "$((k - 1))" "$f"; fi >"$tmp"
				out=$("$B" check --format=json --allow-empty "$tmp" 2>/dev/null |
				      jq -r '[.findings[]? | select(.severity == "warning" or .severity == "error") |
					      .rule] | unique | join(",")')
				echo "$k ${out:--}"
				k=$((k + 1))
			done | awk -v name="$mode $d/$(basename "$f") ($n lines):" '
				{ if ($2 != cur) { if (cur != "") r = r " " cur ":" s "-" p; cur = $2; s = $1 } p = $1 }
				END { print name r " " cur ":" s "-" p }'
		done
	done
done
