#!/bin/sh
# PID 1 of the User-Mode Linux guest of `make check-kernel`; its root is the
# host's / over hostfs, so the project's binaries run here as built.
# From the kernel command line (unknown name=value words reach init as
# environment variables):
#   DK_DIR   tests/kernel of the source tree (scenarios.sh is in guest/)
#   DK_BIN   the build tree (devresctl, devresd, tests/live/sockclient)
#   DK_OUT   the scenario's output folder (made by the host side)
#   DK_SCEN  the scenario (scenario_<name> in scenarios.sh)
#   DK_KB    the knowledge base file
# Writes into DK_OUT: rec-both.rec rec-kmsg.rec rec-trace.rec (three
# `devresctl record`, both witnesses / --no-trace / --no-kmsg) with their
# stdout/stderr and exit status, kmsg.txt (dmesg of the scenario), trace.txt
# (the global trace instance), counts.txt (how often each release callback
# of the fixture ran), steps.txt, and what the scenario adds (devresd, tmux).
. "$DK_DIR/guest/mounts.sh"
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
O=$DK_OUT
exec > "$O/init-stdout.txt" 2> "$O/init-stderr.txt"
export DEVRESCTL_KB="$DK_KB" TERM=xterm-256color HOME=/tmp NO_COLOR=1
# User-Mode Linux saves its processes' vector registers with the xstate
# regset only where the host takes that buffer back; on hosts with AMX it
# does not (patches/uml-xstate-writable.patch), and UML falls back to the
# FXSAVE area: x87 and XMM0-15. The upper halves of YMM/ZMM and the AVX-512
# mask registers are then lost at every switch between the guest's
# processes, and glibc's AVX2/EVEX string functions return garbage under
# load (vfprintf missed the '%' of "%s %s"; a recorder died of SIGSEGV).
# Keep glibc to SSE in the guest (AVX_Fast_Unaligned_Load too: without it
# memcpy stays __memmove_avx_unaligned_erms_rtm).
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-AVX_Fast_Unaligned_Load
# a program of the guest that crashes leaves its core here (uml.sh fails on it)
ulimit -c unlimited
echo "$O/core.%e.%p" > /proc/sys/kernel/core_pattern
DC=$DK_BIN/devresctl
T=/sys/kernel/tracing
{
	uname -r
	cat /proc/cmdline
	echo "devres.log=$(cat /sys/module/devres/parameters/log)"
} > "$O/env.txt"

step() { echo "$*" >> "$O/steps.txt"; }
note() { echo "dfx-check: $*" > /dev/kmsg; }
# the global instance keeps the kernel's own copy of the events
if [ -d "$T/events/dev/devres_log" ]; then
	echo 1 > "$T/events/dev/devres_log/enable"
	: > "$T/trace"
else
	step "no events/dev/devres_log in tracefs"
fi

# the recorders: both witnesses, kmsg only, trace only
RECS=
for w in both kmsg trace; do
	case $w in both) a= ;; kmsg) a=--no-trace ;; trace) a=--no-kmsg ;; esac
	"$DC" record $a -o "$O/rec-$w.rec" > "$O/rec-$w.out" 2> "$O/rec-$w.err" &
	RECS="$RECS $!:$w"
done
# they read from now: the scenario waits until each has opened its sources
# (its witnesses line is written then), at most 30 s; a fixed 2 s was once
# too short for a UML guest, and a recording missed the first probe
i=0
while [ $i -lt 300 ]; do
	n=0
	for w in both kmsg trace; do
		grep -q '^devresctl-witnesses:' "$O/rec-$w.rec" 2>/dev/null && n=$((n + 1))
	done
	[ $n -eq 3 ] && break
	sleep 0.1
	i=$((i + 1))
done
step "recorders ready after $i x 0.1 s ($n of 3)"
. "$DK_DIR/guest/scenarios.sh"
type "pre_$DK_SCEN" >/dev/null 2>&1 && "pre_$DK_SCEN"
sleep 2
note "begin $DK_SCEN"
step "begin $DK_SCEN $(date +%s.%N)"
"scenario_$DK_SCEN"
step "end $DK_SCEN $(date +%s.%N)"
note "end $DK_SCEN"
sleep 1
# the recorders read what the scenario logged before they are stopped: in a
# User-Mode Linux guest a kmsg reader (a syscall per record, slow under
# ptrace) can be thousands of records behind a soak, more than its 5 s
# drain after SIGINT reads (record.sh tests that drain). Wait until no
# recording has grown for 2 s, at most 60 s.
recs_size() { stat -c %s "$O"/rec-*.rec 2>/dev/null | tr '\n' ' '; }
last=$(recs_size) still=0 waited=0
while [ $still -lt 2 ] && [ $waited -lt 60 ]; do
	sleep 1
	now=$(recs_size)
	if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
	last=$now waited=$((waited + 1))
done
step "recorders idle after ${waited} s"

# SIGINT must flush what was read and print the count; SIGTERM 15 s later
# (a recorder behind the kernel log reads it to its end, for up to 5 s, and
# the trace's pages: slow in a loaded User-Mode Linux)
for r in $RECS; do kill -INT "${r%%:*}" 2>/dev/null; done
for r in $RECS; do
	p=${r%%:*}
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$p" 2>/dev/null; then
		step "record ${r#*:} still running 15 s after SIGINT: SIGTERM"
		kill -TERM "$p"
	fi
	wait "$p"
	echo $? > "$O/rec-${r#*:}.rc"
done
type "post_$DK_SCEN" >/dev/null 2>&1 && "post_$DK_SCEN"

cat /sys/kernel/debug/devres_fixture/counts > "$O/counts.txt"
# the scenario's part of the kernel log (the marks are the fence)
dmesg | sed -n '/dfx-check: begin/,/dfx-check: end/p' > "$O/kmsg.txt"
dmesg > "$O/dmesg-all.txt"
[ -d "$T/events/dev/devres_log" ] && cat "$T/trace" > "$O/trace.txt"
sync
echo done > "$O/init-done"
busybox poweroff -f 2>/dev/null || poweroff -f
