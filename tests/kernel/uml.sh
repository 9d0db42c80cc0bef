#!/bin/sh
# check-kernel, User-Mode Linux half: build UML VERSION from Debian's
# linux-source-VERSION with the fixture, boot each scenario with the
# project's own devresctl/devresd running inside, and compare what they
# recorded with the fixture's design (expect/*.exp) and with the kernel's own
# log, trace and release-callback counters.  TAP on stdout.
# usage: uml.sh VERSION
# env: top_srcdir top_builddir (set by make), KERNEL_BUILD_DIR (the kernel
#      build cache, default $top_builddir/tests/kernel/build), KERNEL_OUT
#      (default $top_builddir/tests/kernel/out), KERNEL_SCENARIOS (a subset),
#      KERNEL_SOAK_BIG=1 or a list of versions (add the 20,000-cycle soak
#      with small buffers there),
#      JOBS (kernel build, default 2), KERNEL_UML_BINARY (boot this kernel
#      instead of building one; development only)
set -u
V=${1:?version}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
: "${top_srcdir:=$(cd "$HERE/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
DEVRESCTL=$top_builddir/devresctl
KB=$top_srcdir/data/kb/release-functions.tsv
BUILD=${KERNEL_BUILD_DIR:-$top_builddir/tests/kernel/build}
OUTROOT=${KERNEL_OUT:-$top_builddir/tests/kernel/out}/uml-$V

skip_all() { echo "1..0 # SKIP UML $V: $*"; exit 77; }
for d in "$top_builddir" "$HERE" "$OUTROOT"; do
	case "$(cd / && realpath -m "$d")/" in /tmp/*|/run/*|/proc/*|/sys/*|/dev/*)
		skip_all "$d is under /tmp, /run, /proc, /sys or /dev, which the guest (root = the host's /) mounts its own";;
	esac
done
for f in devresctl devresd tests/live/sockclient; do
	[ -x "$top_builddir/$f" ] || skip_all "$top_builddir/$f not built"
done
command -v jq >/dev/null || skip_all "jq not installed"
# AddressSanitizer needs a shadow map far above UML's task size: its
# binaries die at start inside the guest
if nm -u "$DEVRESCTL" 2>/dev/null | grep -q __asan_init; then
	skip_all "devresctl is built with --enable-sanitizers; ASan cannot map its shadow memory inside User-Mode Linux: build without sanitizers (the Quick start build) for check-kernel"
fi

mkdir -p "$BUILD"
t0=$(date +%s)
if [ -n "${KERNEL_UML_BINARY:-}" ]; then
	# development: a kernel built elsewhere (its fixture must be this one)
	LINUX=$KERNEL_UML_BINARY
	: > "$BUILD/uml-$V.stderr"
else
	LINUX=$(sh "$HERE/build-uml.sh" "$V" "$BUILD" 2> "$BUILD/uml-$V.stderr" | tail -1)
fi
sed 's/^/# /' "$BUILD/uml-$V.stderr"
[ -x "$LINUX" ] || skip_all "$(grep SKIP "$BUILD/uml-$V.stderr" | tail -1 || echo "kernel build failed")"
diag "UML $V kernel ready in $(( $(date +%s) - t0 )) s: $LINUX"

# scenario guest-function extra-kernel-words
SCENARIOS="clean component_bug component_fixed ops probe_fail probe_defer async root"
[ "$V" = 6.1 ] && SCENARIOS="$SCENARIOS root_prefix"
SCENARIOS="$SCENARIOS partial_log reent nest cycle devresd soak"
case " ${KERNEL_SOAK_BIG:-0} " in " 1 "|*" $V "*) SCENARIOS="$SCENARIOS soak_big" ;; esac
[ -n "${KERNEL_SCENARIOS:-}" ] && SCENARIOS=$KERNEL_SCENARIOS

boot() { # scenario outdir
	s=$1 o=$2 fn=$1 extra= N=0
	case $s in
	root_prefix) extra="devres_release_on_del=0" ;;
	partial_log) extra="devres.log=0" ;;
	soak) N=2000; extra="SOAK_CYCLES=$N log_buf_len=8M trace_buf_size=8M" ;;
	soak_big) fn=soak N=20000; extra="SOAK_CYCLES=$N log_buf_len=64k trace_buf_size=64k" ;;
	esac
	rm -rf "$o"; mkdir -p "$o"
	b0=$(date +%s.%N)
	# con0 = stdio; no other consoles; the guest's / is the host's /;
	# loglevel=3 keeps the DEVRES lines (KERN_ERR) off the console, which
	# would otherwise carry every one of them (34 MB in the big soak)
	timeout "${KERNEL_BOOT_TIMEOUT:-900}" "$LINUX" mem=512M con=null ssl=null con0=null,fd:1 \
		root=/dev/root rootfstype=hostfs rootflags=/ rw init="$HERE/guest/init.sh" loglevel=3 \
		devres.log=1 trace_event=dev:devres_log trace_buf_size=2M printk.devkmsg=on \
		DK_DIR="$HERE" DK_BIN="$top_builddir" DK_OUT="$o" DK_SCEN="$fn" DK_KB="$KB" \
		$extra < /dev/null > "$o/console.txt" 2>&1
	echo $? > "$o/uml.rc"
	BOOT_S=$(echo "$(date +%s.%N) $b0" | awk '{ printf "%.1f", $1 - $2 }')
}

check_recording() { # label capture witness exp N
	label=$1 cap=$2 w=$3 e=$4 n=$5
	report_json "$cap" "$cap.json" || true
	if ! jq -e .devices "$cap.json" > /dev/null 2>&1; then
		ok 1 "$label: report --format=json reads it" "$cap.json.err"
		return
	fi
	exp_ops "$e" "$V" "$w" "$n" > "$cap.exp-ops"
	json_ops "$cap.json" > "$cap.ops"
	exp_live "$e" "$V" "$w" "$n" > "$cap.exp-live"
	json_live "$cap.json" > "$cap.live"
	exp_findings "$e" "$V" "$w" "$n" > "$cap.exp-findings"
	json_findings "$cap.json" > "$cap.findings"
	reported=$(jq '.stats.lost_events // 0' "$cap.json")
	if [ "$s" = soak_big ] && [ "$reported" -gt 0 ]; then
		check_lossy "$label" "$cap" "$reported"
		return
	fi
	compare "$label: operations per device and op" "$cap.exp-ops" "$cap.ops"
	compare "$label: live lists at the end" "$cap.exp-live" "$cap.live"
	compare "$label: findings" "$cap.exp-findings" "$cap.findings"
	if [ "$s" = soak_big ]; then
		# nothing reported lost: then nothing may be missing either
		! grep -q '^log-loss ' "$cap.findings"
		ok $? "$label: no log-loss finding when nothing was reported lost"
	fi
}

# A recording that reports a loss (the overrun soak): what the kernel did
# cannot all be there, but nothing may be invented and nothing may be
# called a bug that the loss can explain.
check_lossy() { # label capture reported-lost
	label=$1 cap=$2 reported=$3
	# operations: none beyond the kernel's, the missing ones within the
	# reported loss (a loss counts records or events, devres or not)
	awk -v lost="$reported" 'NR == FNR { e[$1 " " $2] = $3; next } { a[$1 " " $2] = $3 }
	     END { bad = 0; miss = 0
		   for (k in a) if (!(k in e) || a[k] > e[k]) { print "more than the kernel did: " k " " a[k] " > " e[k] + 0; bad = 1 }
		   for (k in e) miss += e[k] - a[k]
		   print "missing " miss ", reported lost " lost
		   exit bad || miss > lost }' "$cap.exp-ops" "$cap.ops" > "$cap.ops.diff"
	ok $? "$label: operations: none beyond the kernel's, the missing within the reported loss ($(tail -1 "$cap.ops.diff"))" "$cap.ops.diff"
	# live lists: the kernel's nodes, in its order; any other live node is
	# one added before a reported loss and marked uncertain. Matched from
	# the end: the kernel's are the last probe's, the stale ones older
	jq -r '.devices[] | .device as $d | .live[] | "\($d) \(.name) \(.size) \(.uncertain)"' "$cap.json" |
		tac > "$cap.live-u"
	tac "$cap.exp-live" > "$cap.exp-live-r"
	awk 'NR == FNR { want[++n] = $0; next }
	     { k = $1 " " $2 " " $3; if (i < n && k == want[i + 1]) { i++; next }
	       if ($4 != "true") { print "live and not uncertain: " k; bad = 1 } }
	     END { if (i < n) { print "missing from the live list: " want[i + 1]; bad = 1 }; exit bad }' \
		"$cap.exp-live-r" "$cap.live-u" > "$cap.live.diff"
	ok $? "$label: live lists: the kernel's, in order; other live nodes marked uncertain" "$cap.live.diff"
	# findings: the loss is stated, and every warning or error is one the
	# design has (a lost line may hide one of those, never make one)
	jq -r '.findings[] | select(.severity != "info") | "\(.rule) \(.device)"' "$cap.json" | sort -u > "$cap.serious"
	grep -q '^log-loss ' "$cap.findings"
	ok $? "$label: the loss is stated as log-loss ($reported reported lost)" "$cap.findings"
	grep -v '^log-loss ' "$cap.serious" | grep -vxF -f "$cap.exp-findings" > "$cap.findings.diff"
	[ ! -s "$cap.findings.diff" ]
	ok $? "$label: no warning or error beyond the design's" "$cap.findings.diff"
}

check_scenario() { # scenario outdir
	s=$1 o=$2
	e=$HERE/expect/$s.exp
	[ "$s" = soak_big ] && e=$HERE/expect/soak.exp
	n=0
	case $s in soak) n=2000 ;; soak_big) n=20000 ;; esac
	t="UML $V $s"
	if [ ! -f "$o/init-done" ]; then
		tail -20 "$o/console.txt" > "$o/console.tail"
		ok 1 "$t: boots and runs the scenario (uml exit $(cat "$o/uml.rc"), $BOOT_S s)" "$o/console.tail"
		return
	fi
	ok 0 "$t: boots and runs the scenario ($BOOT_S s)"
	cores=$(cd "$o" && ls core.* 2> /dev/null | tr '\n' ' ')
	[ -z "$cores" ]
	ok $? "$t: no program of the guest crashed${cores:+ (cores: $cores)}"

	# the kernel against the design: the release-callback counters ...
	exp_counts "$e" "$V" full "$n" > "$o/exp-counts"
	awk 'NR == FNR { x[$1] = $2; next } { print $1, ($1 in x) ? x[$1] : 0 }' \
		"$o/exp-counts" "$o/counts.txt" | sort > "$o/exp-counts-all"
	sort "$o/counts.txt" | grep -v '^dfx_root_getput_ref_held 0$' > "$o/counts-sorted"
	grep -v '^dfx_root_getput_ref_held 0$' "$o/exp-counts-all" > "$o/exp-counts-all2"
	compare "$t: release callbacks ran as designed (counts)" "$o/exp-counts-all2" "$o/counts-sorted"
	# ... its own log ...
	if grep -q 'dfx-check: begin' "$o/kmsg.txt"; then
		exp_ops "$e" "$V" kmsg "$n" > "$o/exp-kmsg-ops"
		kmsg_ops "$o/kmsg.txt" > "$o/kmsg-ops"
		compare "$t: the kernel log's DEVRES operations as designed" "$o/exp-kmsg-ops" "$o/kmsg-ops"
	else
		skip "$t: the kernel log's DEVRES operations" "the printk ring wrapped (small on purpose)"
	fi
	exp_lines "$e" "$V" kmsg "$n" | sed -n 's/^kmsg-has //p' > "$o/exp-kmsg-has"
	while IFS= read -r txt; do
		grep -qF -- "$txt" "$o/kmsg.txt"
		ok $? "$t: the kernel log says '$txt'"
	done < "$o/exp-kmsg-has"
	# ... and its trace
	hdr=$(sed -n 's/.*entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' "$o/trace.txt")
	if [ -n "$hdr" ] && [ "${hdr% *}" = "${hdr#* }" ]; then
		exp_ops "$e" "$V" full "$n" > "$o/exp-trace-ops"
		trace_ops "$o/trace.txt" > "$o/trace-ops"
		compare "$t: the trace's devres_log events as designed" "$o/exp-trace-ops" "$o/trace-ops"
	else
		skip "$t: the trace's devres_log events" "the trace buffer overflowed (${hdr:-no header})"
	fi

	# the project's binaries against the design
	for w in both kmsg trace; do
		case $w in kmsg) wt=kmsg ;; trace) wt=trace ;; *) wt=full ;; esac
		r=$o/rec-$w
		label="$t: record ($w)"
		[ "$w" = kmsg ] && label="$t: record --no-trace"
		[ "$w" = trace ] && label="$t: record --no-kmsg"
		grep -q 'recorded to' "$r.err" && [ "$(cat "$r.rc" 2>/dev/null)" = 0 ]
		ok $? "$label: exits 0 on SIGINT and prints its count" "$r.err"
		check_recording "$label" "$r.rec" $wt "$e" "$n"
	done

	case $s in
	component_bug)
		if [ -f "$o/tmux.skip" ]; then
			skip "$t: watch --replay in tmux" "$(cat "$o/tmux.skip")"
		else
			grep -q 'dfx-hda.0' "$o/watch-pane.txt" && grep -q 'dfx-gfx.0' "$o/watch-pane.txt" &&
				[ "$(cat "$o/watch.rc" 2>/dev/null)" = 0 ]
			ok $? "$t: watch --replay in tmux shows both devices and quits on q" "$o/watch-pane.txt"
		fi ;;
	cycle)
		[ "$(cat "$o/cycle.rc")" = 0 ]
		ok $? "$t: devresctl cycle -n 3 exits 0" "$o/cycle.err"
		# cycle records from its own start: the probe before it is not in it
		check_recording "$t: cycle -o" "$o/cycle.rec" full "$HERE/expect/cycle-o.exp" "$n" ;;
	devresd)
		[ "$(cat "$o/devresd.rc")" = 0 ]
		ok $? "$t: devresd ends with 0 on SIGTERM" "$o/devresd.err"
		grep -q running "$o/status.txt"
		ok $? "$t: devresctl status sees devresd running" "$o/status.txt"
		exp_ops "$e" "$V" full "$n" > "$o/exp-sub-ops"
		jq -r 'select(.type == "event" and .op != null) | "\(.device) \(.op)"' "$o/devresd-sub.txt" 2> /dev/null |
			sort | uniq -c | awk '{ print $2, $3, $1 }' | sort > "$o/sub-ops"
		compare "$t: a subscriber gets each operation once" "$o/exp-sub-ops" "$o/sub-ops"
		j=$(ls "$o"/journal/journal.log 2> /dev/null | head -1)
		if [ -n "$j" ]; then
			check_recording "$t: devresd journal" "$j" full "$e" "$n"
		else
			ok 1 "$t: devresd wrote a journal" "$o/devresd.err"
		fi
		if [ -f "$o/tmux.skip" ]; then
			skip "$t: watch --source=devresd in tmux" "$(cat "$o/tmux.skip")"
		else
			grep -q 'dfx-clean.0' "$o/watch-pane.txt"
			ok $? "$t: watch --source=devresd in tmux shows the devices" "$o/watch-pane.txt"
		fi ;;
	esac
}

total0=$(date +%s)
for s in $SCENARIOS; do
	[ -f "$HERE/expect/$s.exp" ] || [ "$s" = soak_big ] || { ok 1 "UML $V $s: no expect/$s.exp"; continue; }
	boot "$s" "$OUTROOT/$s"
	check_scenario "$s" "$OUTROOT/$s"
done
diag "UML $V: scenarios booted and checked in $(( $(date +%s) - total0 )) s; files in $OUTROOT"
tap_end
