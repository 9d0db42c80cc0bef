#!/bin/sh
# PID 1 of a User-Mode Linux guest (root = the host's /) that records a
# fixture scenario with `trace-cmd record -e dev:devres_log`: how the
# trace.dat captures of tests/captures/kernel/*/trace-cmd/ were made (not
# a test). With a kernel of build-uml.sh and trace-cmd installed:
#   LINUX mem=512M con=null ssl=null con0=null,fd:1 root=/dev/root \
#     rootfstype=hostfs rootflags=/ rw init=$PWD/tests/kernel/guest/trace-cmd.sh \
#     loglevel=3 devres.log=1 printk.devkmsg=on DK_DIR=$PWD/tests/kernel \
#     DK_OUT=/var/tmp/out DK_SCEN=component_bug KSYMS=none [TC_V=6] \
#     [SOAK_CYCLES=100 TC_B=8 TC_S=1000000] < /dev/null
# (DK_SCEN=soak with TC_B=8 TC_S=1000000: an 8 KB buffer read once a
# second, so that events are lost; TC_EVENT=...: another event instead). KSYMS=none hides /proc/kallsyms from
# trace-cmd, which would store its 650 KB (no devres record needs it).
# Writes into DK_OUT: trace.dat, its trace-report.txt and trace-stat.txt
# (`trace-cmd report`, `trace-cmd report --stat`), tc-args.txt, env.txt.
. "$DK_DIR/guest/mounts.sh"
O=$DK_OUT
exec > "$O/init-stdout.txt" 2> "$O/init-stderr.txt"
export HOME=/tmp
# as guest/init.sh: glibc kept to SSE inside UML
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-AVX_Fast_Unaligned_Load
step() { echo "$*" >> "$O/steps.txt"; }
note() { echo "dfx-check: $*" > /dev/kmsg; }
{ uname -r; cat /proc/cmdline; trace-cmd version 2>&1 | head -2; } > "$O/env.txt"
. "$DK_DIR/guest/scenarios.sh"
[ "${KSYMS:-}" = none ] && mount --bind /dev/null /proc/kallsyms
TC_ARGS=
[ -n "${TC_B:-}" ] && TC_ARGS="$TC_ARGS -b $TC_B"
[ -n "${TC_S:-}" ] && TC_ARGS="$TC_ARGS -s $TC_S"
[ -n "${TC_V:-}" ] && TC_ARGS="$TC_ARGS --file-version $TC_V"
# shellcheck disable=SC2086
trace-cmd record -e "${TC_EVENT:-dev:devres_log}" $TC_ARGS -o "$O/trace.dat" > "$O/tc-record.out" 2> "$O/tc-record.err" &
tc=$!
sleep 3
note "begin $DK_SCEN"
"scenario_$DK_SCEN"
note "end $DK_SCEN"
sleep 2
kill -INT $tc
wait $tc
echo $? > "$O/tc-record.rc"
trace-cmd report "$O/trace.dat" > "$O/trace-report.txt" 2> "$O/tc-report.err"
trace-cmd report --stat "$O/trace.dat" > "$O/trace-stat.txt" 2>&1
echo "kallsyms=$(wc -c < /proc/kallsyms) $TC_ARGS" > "$O/tc-args.txt"
sync
echo done > "$O/init-done"
busybox poweroff -f 2>/dev/null || poweroff -f
