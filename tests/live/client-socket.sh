#!/bin/sh
# Every client reaches devresd where it listens: --socket, else
# $DEVRESD_SOCKET, else /run/devresd/socket, below --root as devresd puts it.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
DEVRESD="$top_builddir/devresd"
R="$T/root"
fake_root "$R" kmsg-fifo
echo "Linux version 6.1.192 (fake) #1" >"$R/proc/version"
mkdir -p "$R/run/alt"
trap 'kill $dpid 2>/dev/null; rm -rf "$T"' EXIT
"$DEVRESD" --root "$R" --socket /run/alt/sock --journal /var/lib/devresd 2>"$T/daemon.err" &
dpid=$!
i=0
while [ ! -S "$R/run/alt/sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$R/run/alt/sock" ]
ok $? "devresd listens on the socket it was given"

run --root "$R" status
grep_out '^devresd  *not running' "status: nobody at the default socket"
run --root "$R" status --socket=/run/alt/sock
grep_out '^devresd  *running (/run/alt/sock)' "status --socket reaches it"
DEVRESD_SOCKET=/run/alt/sock run --root "$R" status
grep_out '^devresd  *running (/run/alt/sock)' "status reaches it through DEVRESD_SOCKET"
DEVRESD_SOCKET=/run/none run --root "$R" status --socket=/run/alt/sock
grep_out '^devresd  *running (/run/alt/sock)' "--socket wins over DEVRESD_SOCKET"
DEVRESD_SOCKET=/run/none run --root "$R" watch --source=devresd
expect_rc 3 "watch --source=devresd without a daemon there"
grep_err "^devresctl watch: cannot attach to devresd at /run/none" "watch names the socket it tried"

done_testing
