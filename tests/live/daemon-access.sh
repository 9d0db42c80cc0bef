#!/bin/sh
# Who may connect to devresd, and what they see, as devresd(8) says: the
# socket's mode and group; --group checked against the groups the peer
# really holds (not the user database); kernel pointers hashed and raw lines
# refused for clients without root or CAP_SYSLOG; the daemon's capabilities
# after start; no shell-outs. Needs root and setpriv (util-linux).
. "$top_srcdir/tests/live/daemon-lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP needs root and setpriv"
	exit 0
fi
# nobody must reach the socket through the fake root
chmod 0711 "$T" "$R" "$R/run"
as() {  # as SETPRIV-ARGS... -- REQUEST: the first reply in $T/out
	args=""
	while [ "$1" != "--" ]; do args="$args $1"; shift; done
	# shellcheck disable=SC2086
	setpriv $args "$CLIENT" "$SOCK" -s "$2" -n 1 -t 5 >"$T/out" 2>"$T/client.err"
}
served() {
	[ -s "$T/out" ] && jq -e '.type != "error"' "$T/out" >/dev/null
}
refused() {
	[ -s "$T/out" ] && jq -e '.type == "error" and (.error | startswith("permission denied"))' "$T/out" >/dev/null
}
NOBODY="--reuid=65534 --regid=65534"

start_daemon --group 4242
ok $? "devresd starts with --group 4242"
[ "$(stat -c '%a %u %g' "$SOCK")" = "660 0 4242" ] && [ "$(stat -c '%a' "$R/run/devresd")" = 755 ]
ok $? "the socket is 0660 root:4242 in a 0755 directory ($(stat -c '%a %u %g' "$SOCK"))"
kmsg_records 1 5 dfx-ptr.0 >"$R/dev/kmsg"
wait_events 5
ok $? "records taken"

as $NOBODY --groups=4242 -- '{"cmd":"hello"}'
served
ok $? "nobody holding 4242 as a supplementary group is served (not in the user database)"
as $NOBODY --clear-groups -- '{"cmd":"hello"}'
[ ! -s "$T/out" ] && grep -q 'Permission denied' "$T/client.err"
ok $? "nobody without it: the socket's mode refuses the connection"
as --reuid=65534 --regid=4242 --clear-groups -- '{"cmd":"hello"}'
served
ok $? "a process whose primary group is 4242 is served"

# what a member without CAP_SYSLOG sees: pointers hashed, no raw lines
ask '{"cmd":"device","name":"dfx-ptr.0"}'
raw=$(jq -r '[.device.live[]?.id, .device.nodes[]?.id] | map(select(. != null)) | sort | join(" ")' "$T/out")
jq -c '.device' "$T/out" | grep -q '0000000000010001'
ok $? "root sees the kernel's ids"
as $NOBODY --groups=4242 -- '{"cmd":"device","name":"dfx-ptr.0"}'
hashed=$(jq -r '[.device.live[]?.id, .device.nodes[]?.id] | map(select(. != null)) | sort | join(" ")' "$T/out")
! jq -c '.device' "$T/out" | grep -Eq '00000000000100(0[1-9]|1[0-9])' && [ -n "$hashed" ] && [ "$hashed" != "$raw" ]
ok $? "a member without CAP_SYSLOG: no kernel id in the device object"
! echo "$hashed" | tr ' ' '\n' | grep -Eqvx '[0-9a-f]{16}' && [ "$(echo "$hashed" | tr ' ' '\n' | sort -u | wc -l)" -eq 5 ]
ok $? "five distinct hashed ids of the same width"
as $NOBODY --groups=4242 -- '{"cmd":"device","name":"dfx-ptr.0"}'
again=$(jq -r '[.device.live[]?.id, .device.nodes[]?.id] | map(select(. != null)) | sort | join(" ")' "$T/out")
[ "$again" = "$hashed" ]
ok $? "the same id hashes the same way every time"
as $NOBODY --groups=4242 -- '{"cmd":"snapshot"}'
! grep -Eq '00000000000100(0[1-9]|1[0-9])' "$T/out" && jq -e '.type == "snapshot"' "$T/out" >/dev/null
ok $? "snapshot: no kernel id"
# a device whose name has 8 hex digits (a device-tree unit address) keeps it
kmsg_records 50 1 fe200000.serial >"$R/dev/kmsg"
wait_events 6
as $NOBODY --groups=4242 -- '{"cmd":"device","name":"fe200000.serial"}'
jq -e '.device.device == "fe200000.serial" and (.device.live[0].id | test("^[0-9a-f]{16}$")) and .device.live[0].id != "0000000000010032"' "$T/out" >/dev/null
ok $? "a device named fe200000.serial keeps its name; its id is hashed"
as $NOBODY --groups=4242 -- '{"cmd":"lines"}'
jq -e '.type == "error" and (.error | test("needs root or CAP_SYSLOG"))' "$T/out" >/dev/null
ok $? "lines (the raw kernel log) refused to a member without CAP_SYSLOG"
setpriv $NOBODY --groups=4242 "$CLIENT" "$SOCK" -s '{"cmd":"subscribe","events":true}' -n 3 -t 5 >"$T/sub" &
sub=$!
sleep 0.3
kmsg_records 100 2 dfx-ptr.0 >"$R/dev/kmsg"
wait $sub
[ "$(jq -c 'select(.type == "event")' "$T/sub" | wc -l)" -eq 2 ] && ! grep -Eq '0000000000010064|0000000000010065' "$T/sub"
ok $? "pushed events: ids hashed too"
as $NOBODY --groups=4242 --inh-caps=+syslog --ambient-caps=+syslog -- '{"cmd":"lines"}'
jq -e '.type == "lines"' "$T/out" >/dev/null
ok $? "a member with CAP_SYSLOG gets the raw lines"
as $NOBODY --groups=4242 --inh-caps=+syslog --ambient-caps=+syslog -- '{"cmd":"device","name":"dfx-ptr.0"}'
jq -c '.device' "$T/out" | grep -q '0000000000010001'
ok $? "and the kernel's ids"

# the daemon itself: capabilities dropped once its sources are open
capeff=$(awk '/^CapEff:/ { print $2 }' /proc/$dpid/status)
capbnd=$(awk '/^CapBnd:/ { print $2 }' /proc/$dpid/status)
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' /proc/$dpid/status)
# CAP_SYSLOG (34), CAP_SYS_PTRACE (19), CAP_DAC_READ_SEARCH (2)
[ "$capeff" = 0000000400080004 ] && [ "$capbnd" = 0000000400080004 ] && [ "$nnp" = 1 ]
ok $? "capabilities after start: CAP_SYSLOG, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH only (eff $capeff, bnd $capbnd, no_new_privs $nnp)"
kmsg_records 200 3 dfx-ptr.0 >"$R/dev/kmsg"
wait_events 11
ok $? "and it goes on collecting"
kill -HUP $dpid
sleep 0.2
kmsg_records 300 1 dfx-ptr.0 >"$R/dev/kmsg"
wait_events 12
ok $? "SIGHUP with the capabilities dropped"
stop_daemon
[ $stop_rc -eq 0 ] && [ ! -e "$SOCK" ]
ok $? "SIGTERM: exit 0, the socket removed without CAP_DAC_OVERRIDE"

# without --group: root and the daemon's user only
start_daemon
[ "$(stat -c '%a %g' "$SOCK")" = "660 0" ]
ok $? "without --group: 0660, group root"
chmod 0666 "$SOCK"
as $NOBODY --groups=4242 -- '{"cmd":"hello"}'
refused
ok $? "a user the socket's mode lets in is still refused by its credentials"
grep -q 'refused a client: uid 65534 gid 65534 pid [0-9]* does not hold the socket' "$T/daemon.err"
ok $? "a refusal is logged with the peer's credentials"
stop_daemon

# the user database is not asked: nobody is in group 65534 there, this process is not
start_daemon --group 65534
chmod 0666 "$SOCK"
as --reuid=65534 --regid=4242 --clear-groups -- '{"cmd":"hello"}'
refused
ok $? "--group 65534: uid 65534 without the group in its credentials is refused"
as --reuid=4343 --regid=4343 --groups=65534 -- '{"cmd":"hello"}'
served
ok $? "a uid the database does not know, holding the group, is served"
stop_daemon

# devresctl record -o writes what devresd keeps from group members: 0600
R2="$T/rec-root"
fake_root "$R2"
kmsg_records 1 3 >"$R2/dev/kmsg"
echo "Linux version 6.1.192 (fake) #1" >"$R2/proc/version"
(umask 022 && "$top_builddir/devresctl" --root "$R2" record -o "$T/rec.log" --duration 5 --no-trace 2>"$T/rec.err")
[ "$(stat -c %a "$T/rec.log")" = 600 ] && grep -q 'DEVRES ADD 0000000000010001' "$T/rec.log"
ok $? "record -o creates its file 0600 whatever the umask ($(stat -c %a "$T/rec.log"))"

# no shell-outs: nothing in the daemon can start a program
if command -v nm >/dev/null; then
	! nm -D --undefined-only "$DEVRESD" | grep -Eqw 'system|popen|execv|execvp|execve|execl|execlp|posix_spawn|posix_spawnp'
	ok $? "devresd imports no system(), popen(), exec*() or posix_spawn()"
else
	ok 0 "# SKIP nm (binutils) is not installed"
fi

done_testing
