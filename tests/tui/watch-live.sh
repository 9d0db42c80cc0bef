#!/bin/sh
# devresctl watch on live data, in tmux on a fake root: the kernel read
# in-process, then devresd's lines with the catch-up from its journal.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
. "$top_srcdir/tests/tui/tmux.sh"
K="$CAPTURES/kernel/uml-6.1.192"
DEVRESD="$top_builddir/devresd"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP the screen tests need tmux"
	exit 0
fi
R="$T/root"
fake_root "$R" kmsg-fifo
echo "Linux version 6.1.192 (fake) #1" >"$R/proc/version"
fake_device "$R" platform dfx-hda.0 dfx-hda
fake_node "$R" /devices/platform/dfx-hda.0/sound/card0/pcmC0D0p snd/pcmC0D0p
fake_process "$R" 4242 aplay 7 /dev/snd/pcmC0D0p
grep -v ';Linux version' "$K/component-bug/kmsg.txt" >"$T/kmsg"
# up to the last ADD, with its dictionary lines; then the unbind
cut_at=$(grep -n 'DEVRES ADD 00000000056854e2' "$T/kmsg" | cut -d: -f1)
head -n $((cut_at + 2)) "$T/kmsg" >"$T/first"
tail -n +$((cut_at + 3)) "$T/kmsg" >"$T/rest"

TM="tmux -L devresctl-live-$$ -f /dev/null"
pids=""
trap '$TM kill-server 2>/dev/null; for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$T"' EXIT
kernel() {  # kernel FILE: records into the FIFO, never blocking the test
	timeout 10 sh -c "cat '$1' >'$R/dev/kmsg'"
}

# --- the kernel, in-process
$TM new-session -d -s w -x 120 -y 40 "env '$DEVRESCTL' --root '$R' watch; echo EXIT=\$?; sleep 60"
shows '^ \[live from the kernel\]' "no daemon: watch reads the kernel itself"
kernel "$T/first"
shows '^platform  *dfx-hda.0  *dfx-hda  *bound  *7 ' "records as they come: dfx-hda.0 with 7 live nodes"
keys End
shows '^group 0000000064ac8e7b  OPEN, never closed' "its open group"
# nothing happens for 3 s: the ages still grow, on the wall clock
age_of() {  # the age of dfx-hda.0's first node, in seconds
	screen
	sed -n 's/^devm_kzalloc_release  *128  .*  *\([0-9.]*\)s  :[0-9]*$/\1/p' "$T/screen" | head -n 1
}
a1=$(age_of)
sleep 3
a2=$(age_of)
awk -v a="$a1" -v b="$a2" 'BEGIN { exit !(a != "" && b != "" && b - a >= 2 && b - a <= 8) }'
ok $? "live: ages run on the wall clock while nothing happens ($a1 s, then $a2 s)"
kernel "$T/rest"
shows 'findings 1E 1W 0I' "the findings of the unbind, live"
keys 4
shows '^Holding its nodes now' "References: read from sysfs and /proc now"
shows '^  pid 4242  *aplay  *fd 7  */dev/snd/pcmC0D0p  (now)' "the process holding its node"
shows '^  /sys/devices/platform/dfx-hda.0/sound/card0/pcmC0D0p' "its child device"
keys p
shows 'live from the kernel, frozen\]' "p freezes the screen"
printf '3,900,9000000,-;dfx-x dfx-x.0: DEVRES ADD 0000000000001234 devm_kzalloc_release (8 bytes)\n' >"$T/one"
kernel "$T/one"
sleep 0.5
screen
grep -q '| 2 devices' "$T/screen"
ok $? "frozen: a new device does not show"
keys p
shows '| 3 devices' "unfrozen: it shows"
keys q
shows '^EXIT=0' "quits cleanly"
$TM kill-server

# --- devresd: the journal since it started, then live
SOCK="$R/run/devresd/socket"
"$DEVRESD" --root "$R" --no-trace 2>"$T/daemon.err" &
dpid=$!
pids="$pids $dpid"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kernel "$T/first"
sleep 0.5
$TM new-session -d -s w -x 120 -y 40 "env '$DEVRESCTL' --root '$R' watch; echo EXIT=\$?; sleep 60"
shows '^ \[live from devresd\]' "a daemon runs: watch attaches to it"
shows '^platform  *dfx-hda.0  *dfx-hda  *bound  *7 ' "what the daemon saw before watch started"
kernel "$T/rest"
shows 'findings 1E 1W 0I' "and what comes after"
kill $dpid
shows 'disconnected from devresd' "the daemon went away: said in the header"
keys q
shows '^EXIT=0' "quits cleanly"

done_testing
