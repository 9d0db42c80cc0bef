#!/bin/sh
# trace.dat input: files of `trace-cmd record -e dev:devres_log` made on a
# real kernel (tests/captures/README), read through libtracecmd, give what
# their `trace-cmd report` text gives and what the fixture's expectation
# says; cut-short files end in an error naming them; a build without
# libtracecmd says how to convert one.
: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$top_builddir}"
: "${CAPTURES:=$top_srcdir/tests/captures}"
KNOWN_DEFECTS=
. "$top_srcdir/tests/kernel/lib.sh"
DEVRESCTL="$top_builddir/devresctl"
KB=${DEVRESCTL_KB:-$top_srcdir/data/kb/release-functions.tsv}
K="$CAPTURES/kernel/uml-6.1.192/trace-cmd"
K12="$CAPTURES/kernel/uml-6.12.118/trace-cmd"
E="$top_srcdir/tests/kernel/expect"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

run() {
	"$DEVRESCTL" "$@" > "$T/out" 2> "$T/err"
	rc=$?
}
# no sanitizer report, no crash: the exit status is one devresctl gives
clean_end() { [ "$rc" -le 3 ] && ! grep -q 'Sanitizer\|runtime error' "$T/err"; }

command -v jq > /dev/null || { echo "1..0 # SKIP jq not installed"; exit 0; }
xz -dc "$K/component-bug-v6/trace.dat.xz" > "$T/v6.dat"

if ! grep -q '^#define HAVE_LIBTRACECMD 1' "$top_builddir/config.h"; then
	for cmd in report check strip; do
		run "$cmd" "$K/component-bug/trace.dat"
		[ "$rc" -eq 3 ] && grep -q "^devresctl $cmd: $K/component-bug/trace.dat: trace.dat needs libtracecmd (built without it); convert it with \`trace-cmd report $K/component-bug/trace.dat\`" "$T/err"
		ok $? "built without libtracecmd: $cmd says how to convert a trace.dat"
	done
	tap_end
	exit
fi

# ops, live lists and findings of a report (lib.sh's view of the model)
view() { # capture name
	report_json "$1" "$T/$2.json"
	json_ops "$T/$2.json" > "$T/$2.ops"
	json_live "$T/$2.json" > "$T/$2.live"
	json_findings "$T/$2.json" > "$T/$2.findings"
}
same_view() { # what a b
	for k in ops live findings; do
		compare "$1: $k" "$T/$2.$k" "$T/$3.$k"
	done
}

# ---- the same run as trace.dat and as `trace-cmd report` text ----
view "$K/component-bug/trace.dat" v7
[ "$(jq .stats.devres_events "$T/v7.json")" -eq 20 ] && [ -s "$T/v7.ops" ]
ok $? "version 7 (zstd inside): the 20 dev:devres_log records are read" "$T/v7.json.err"
view "$K/component-bug/trace-report.txt" v7-text
same_view "version 7 = its trace-cmd report" v7-text v7
view "$T/v6.dat" v6
[ "$(jq .stats.devres_events "$T/v6.json")" -eq 20 ]
ok $? "version 6: the 20 records are read" "$T/v6.json.err"
view "$K/component-bug-v6/trace-report.txt" v6-text
same_view "version 6 = its trace-cmd report" v6-text v6

# ---- what the fixture made the kernel do (expect/component_bug.exp) ----
exp_ops "$E/component_bug.exp" 6.1 trace 0 > "$T/exp.ops"
exp_live "$E/component_bug.exp" 6.1 trace 0 > "$T/exp.live"
compare "trace.dat: the kernel's operations per device" "$T/exp.ops" "$T/v7.ops"
compare "trace.dat: the live lists at the end" "$T/exp.live" "$T/v7.live"
# 6.1 records the names as pointers: the group never closed is told by its
# release (its grp< first, out of list order), and so is the bug
exp_findings "$E/component_bug.exp" 6.1 trace 0 > "$T/exp.findings"
compare "6.1 trace.dat: the findings as the fixture made them" "$T/exp.findings" "$T/v7.findings"
compare "6.1 trace.dat version 6: the same findings" "$T/exp.findings" "$T/v6.findings"
# the other scenarios on 6.1: closed and nested groups, devres_remove_group,
# devm_krealloc, a nested probe, all with names as pointers
for sc in ops clean component_fixed nest; do
	view "$K/$(echo $sc | tr _ -)/trace.dat" "s-$sc"
	for k in ops live findings; do
		"exp_$k" "$E/$sc.exp" 6.1 trace 0 > "$T/exp-$sc.$k"
	done
	# a live node's name is the address of its string, but for the markers
	for f in "$T/exp-$sc.live" "$T/s-$sc.live"; do
		awk '$2 !~ /^grp[<>]$/ { $2 = "(name)" } { print }' "$f" > "$f.unnamed"
	done
	compare "6.1 trace.dat, $sc: ops as the fixture made them" "$T/exp-$sc.ops" "$T/s-$sc.ops"
	compare "6.1 trace.dat, $sc: live lists as the fixture made them, markers named" \
		"$T/exp-$sc.live.unnamed" "$T/s-$sc.live.unnamed"
	compare "6.1 trace.dat, $sc: findings as the fixture made them" "$T/exp-$sc.findings" "$T/s-$sc.findings"
done
# 6.12: the name is a string in the record, the findings need it
view "$K12/component-bug/trace.dat" v12
view "$K12/component-bug/trace-report.txt" v12-text
same_view "6.12: trace.dat = its trace-cmd report" v12-text v12
for k in ops live findings; do
	"exp_$k" "$E/component_bug.exp" 6.12 trace 0 > "$T/exp12.$k"
	compare "6.12 trace.dat: $k as the fixture made them" "$T/exp12.$k" "$T/v12.$k"
done

# ---- compressed, and from standard input ----
for z in gzip xz zstd; do
	if ! command -v $z > /dev/null; then
		skip "$z trace.dat" "$z not installed"
		continue
	fi
	$z -c < "$K/component-bug/trace.dat" > "$T/c.dat.$z"
	view "$T/c.dat.$z" "c-$z"
	same_view "$z-compressed trace.dat" v7 "c-$z"
done
"$DEVRESCTL" report --kb="$KB" -a --format=json - < "$T/v6.dat" > "$T/stdin.json" 2> "$T/stdin.err"
json_ops "$T/stdin.json" > "$T/stdin.ops"
compare "trace.dat on standard input (a file: read in place)" "$T/v6.ops" "$T/stdin.ops"
xz -dc "$K/component-bug-v6/trace.dat.xz" | "$DEVRESCTL" report --kb="$KB" -a --format=json - > "$T/stdin2.json" 2> "$T/stdin2.err"
json_ops "$T/stdin2.json" > "$T/stdin2.ops"
compare "trace.dat through a pipe" "$T/v6.ops" "$T/stdin2.ops"

# ---- the other commands that read captures ----
run check "$K/component-bug/trace.dat"
rc_dat=$rc
run check "$K/component-bug/trace-report.txt"
[ "$rc_dat" -eq "$rc" ] && [ "$rc" -le 1 ]
ok $? "check: the same verdict for trace.dat and its text (exit $rc_dat, $rc)"
run strip "$K/component-bug/trace.dat"
[ "$rc" -eq 0 ] && [ ! -s "$T/out" ] && grep -q "20 devres lines removed, 0 kept" "$T/err"
ok $? "strip: every record of a trace.dat is a devres line"

# ---- lost events: a ring buffer of 8 KB read once a second ----
S="$K/soak-lost"
view "$S/trace.dat" lost
view "$S/trace-report.txt.xz" lost-text
same_view "lost events: trace.dat = its trace-cmd report" lost-text lost
markers=$(xz -dc "$S/trace-report.txt.xz" | grep -c '^CPU:[0-9]* \[.*EVENTS DROPPED\]$')
overrun=$(awk '$1 == "overrun:" { n += $2 } END { print n + 0 }' "$S/trace-stat.txt")
[ "$markers" -gt 0 ] && [ "$(jq .stats.lost_markers "$T/lost.json")" -eq "$markers" ] &&
	[ "$(jq .stats.lost_markers "$T/lost-text.json")" -eq "$markers" ]
ok $? "each page that says events were missed is a loss ($markers), in both"
[ "$overrun" -gt 0 ] && [ "$(jq .stats.lost_events "$T/lost.json")" -eq "$overrun" ]
ok $? "trace.dat: the losses count the kernel's overrun counter as recorded ($overrun)"
grep -q '^log-loss ' "$T/lost.findings"
ok $? "trace.dat: the loss is stated as a finding" "$T/lost.findings"
# a page lost mid-walk can take a release-all's last RELs, and the next
# probe's ADDs then seem to come during it: only an ADD that a REL of the
# same walk follows is a release callback's, and after a loss even that is
# uncertain. So at most one per loss, none an error.
during=$(jq '[.findings[] | select(.rule == "add-during-release") | .occurrences] | add // 0' "$T/lost.json")
[ "$during" -le "$markers" ] &&
	[ "$(jq '[.findings[] | select(.rule == "add-during-release" and .severity != "info")] | length' "$T/lost.json")" -eq 0 ]
ok $? "trace.dat after loss: add-during-release at most once per loss ($during, $markers losses), only info"
# 6.12's pages store their count where they have room: those are kept, the
# counter's rest goes to the page without one
S="$K12/soak-lost"
view "$S/trace.dat" lost12
view "$S/trace-report.txt.xz" lost12-text
same_view "6.12 lost events: trace.dat = its trace-cmd report" lost12-text lost12
counted=$(xz -dc "$S/trace-report.txt.xz" | sed -n 's/^CPU:[0-9]* \[\([0-9]*\) EVENTS DROPPED\]$/\1/p' | awk '{ n += $1 } END { print n + 0 }')
overrun=$(awk '$1 == "overrun:" { n += $2 } END { print n + 0 }' "$S/trace-stat.txt")
[ "$counted" -gt 0 ] && [ "$(jq .stats.lost_events "$T/lost12-text.json")" -eq "$counted" ]
ok $? "trace-cmd report text: the pages' counts are the loss ($counted)"
[ "$overrun" -gt "$counted" ] && [ "$(jq .stats.lost_events "$T/lost12.json")" -eq "$overrun" ]
ok $? "6.12 trace.dat: the pages' counts and the counter's rest ($overrun)"
# each page's loss in its place (strip keeps the lines that are no devres
# record): the text's counts, the page without one given the rest
xz -dc "$S/trace-report.txt.xz" | awk -v rest=$((overrun - counted)) '
	/^CPU:[0-9]* \[[0-9]* EVENTS DROPPED\]$/ { sub(/^CPU:/, ""); sub(/ \[/, " "); print $1, $2 }
	/^CPU:[0-9]* \[EVENTS DROPPED\]$/ { sub(/^CPU:/, ""); print $1 + 0, rest }' > "$T/pages.exp"
"$DEVRESCTL" strip "$S/trace.dat" 2> /dev/null | sed -n 's/^CPU:\([0-9]*\) \[LOST \([0-9]*\) EVENTS\]$/\1 \2/p' > "$T/pages"
[ "$(grep -c . "$T/pages")" -eq 6 ]
ok $? "6.12 trace.dat: six pages say events were missed" "$T/pages"
compare "6.12 trace.dat: each page's loss where it was" "$T/pages.exp" "$T/pages"
# the text's ops are addresses: its lines wait for them, and are read again
xz -dc "$S/trace-report.txt.xz" > "$T/lost12.txt"
"$DEVRESCTL" strip "$T/lost12.txt" > "$T/stripped" 2> /dev/null
grep -v devres_log "$T/lost12.txt" > "$T/kept.exp"
compare "strip of trace-cmd report text: the lines after a deferral are no devres lines" "$T/kept.exp" "$T/stripped"

# ---- a recording of the trace alone, on 6.1 ----
# The recorder knew the ADD op's string but printed REL as its address, and
# one name as an address: that copy waited for a twin the recording says
# will never come (devresctl-witnesses: trace), and the lists the op
# address was decided on lacked every ADD after it, so REL read as ADD
R="$CAPTURES/kernel/uml-6.1.192/devresd/record-trace.rec"
view "$R" rec-trace
printf '%s\n' 'dfx-clean.0 ADD 9' 'dfx-gfx.0 ADD 2' 'dfx-gfx.0 REL 2' 'dfx-hda.0 ADD 8' 'dfx-hda.0 REL 8' > "$T/rec-trace.ops.exp"
compare "trace-only recording, REL printed as an address: the operations the kernel made" \
	"$T/rec-trace.ops.exp" "$T/rec-trace.ops"
printf '%s\n' 'cross-device-release dfx-hda.0' 'open-group-swept dfx-hda.0' > "$T/rec-trace.findings.exp"
compare "and the component bug's findings" "$T/rec-trace.findings.exp" "$T/rec-trace.findings"
# the same lines without the witnesses line (an excerpt): the copy waits for
# a twin, and the op address is decided on the lists with the held copies
grep -v '^devresctl-witnesses:' "$R" > "$T/rec-trace-excerpt.rec"
view "$T/rec-trace-excerpt.rec" rec-trace-ex
compare "the same, no witnesses declared: the held copies count in the lists" \
	"$T/rec-trace.ops.exp" "$T/rec-trace-ex.ops"
compare "and the same findings" "$T/rec-trace.findings.exp" "$T/rec-trace-ex.findings"

# ---- cut short or corrupt: an error naming the file, no crash ----
size=$(wc -c < "$T/v6.dat")
for cut in 12 200 $((size / 2)) $((size - 100)); do
	head -c "$cut" "$T/v6.dat" > "$T/cut.dat"
	run report "$T/cut.dat"
	[ "$rc" -eq 3 ] && [ ! -s "$T/out" ] && clean_end &&
		grep -q "^devresctl report: $T/cut.dat: trace.dat cannot be read: cut short or corrupt" "$T/err"
	ok $? "version 6 cut to $cut of $size bytes: named, said, no crash (exit $rc)" "$T/err"
done
head -c 2000 "$K/component-bug/trace.dat" > "$T/cut7.dat"
run report "$T/cut7.dat"
[ "$rc" -eq 3 ] && clean_end && grep -q "$T/cut7.dat: trace.dat cannot be read: cut short or corrupt" "$T/err"
ok $? "version 7 cut short: named, said, no crash (exit $rc)" "$T/err"
head -c 2000 "$K/component-bug/trace.dat" | gzip -c > "$T/cut7.dat.gz"
run report "$T/cut7.dat.gz"
[ "$rc" -eq 3 ] && clean_end && grep -q "cut7.dat.gz: trace.dat cannot be read" "$T/err"
ok $? "a compressed trace.dat cut short: named, no crash (exit $rc)" "$T/err"

# a corrupt page: the libraries read past the mapped file (SIGBUS without
# sanitizers; under ASan it depends on what lies there), in the reader's
# own process: the command says so and ends, never killed
cp "$T/v6.dat" "$T/bad.dat"
printf '\040\150' | dd of="$T/bad.dat" bs=1 seek=16744 conv=notrunc 2> /dev/null
run report "$T/bad.dat"
{ [ "$rc" -eq 3 ] && [ ! -s "$T/out" ] &&
	grep -q "^devresctl report: cannot read capture '$T/bad.dat': the trace.dat is corrupt (libtracecmd failed on it)" "$T/err"; } ||
	{ [ "$rc" -eq 0 ] && [ -s "$T/out" ]; }
ok $? "a corrupt data page: named and said, or read; the command ends (exit $rc)" "$T/err"

# another event recorded: said, with the command that records this one
run report "$K12/other-event/trace.dat"
[ "$rc" -eq 3 ] && clean_end &&
	grep -q "other-event/trace.dat: trace.dat without the dev:devres_log event: record it with \`trace-cmd record -e dev:devres_log\`" "$T/err"
ok $? "a trace.dat of another event: named, said how to record this one (exit $rc)" "$T/err"

tap_end
