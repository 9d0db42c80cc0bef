#!/bin/sh
# The devresd journal under faults, on a fake root: a full filesystem (a
# 1 MiB tmpfs; skipped with 77 where mounting is not allowed), kill -9
# during heavy writes, a torn last record, a restart that missed kernel
# records, a mistyped --journal, SIGHUP with and without a rotation, SIGHUP
# and SIGTERM under load.
. "$top_srcdir/tests/live/daemon-lib.sh"
RECORD='^3,[0-9]+,[0-9]+,-;dfx-ops dfx-[a-z]+\.0: DEVRES ADD [0-9a-f]{16} devm_kzalloc_release \(64 bytes\)$'
# a record that a short write cut and the next one glued onto: its message
# holds another record's header (the regression input shows the shape)
glued() {
	grep -Eq '^[0-9]+,[0-9]+,[0-9]+,[-c];.*[0-9]+,[0-9]+,[0-9]+,[-c];' "$1"
}
whole() {  # whole FILE: every line a whole record or one of the daemon's own
	! grep -Ev "$RECORD"'|^devresctl-(quiet|lost: .*|witnesses: .*)$|^Linux version ' "$1" | grep -q .
}
kmsg_in() {  # kmsg_in FILE: how many kernel records
	grep -Ec "$RECORD" "$1"
}

glued "$top_srcdir/tests/live/journal-enospc-merged-line.log"
ok $? "the glue check finds the torn record of the regression input"

# ---- a mistyped --journal is an error, not a tree of directories
"$DEVRESD" --root "$R" --no-trace --journal /var/lib/nosuch/devresd 2>"$T/err" </dev/null
rc=$?
[ $rc -eq 3 ] && grep -q "its parent directory does not exist" "$T/err" && [ ! -e "$R/var/lib/nosuch" ]
ok $? "--journal below a missing directory: exit 3, nothing created (exit $rc)"

# ---- the filesystem fills up, then has room again
MNT="$R/var/lib/full"
mkdir -p "$MNT"
if mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
	head -c 700K /dev/zero >"$MNT/filler"
	start_daemon --journal /var/lib/full
	kmsg_records 1000 8000 >"$R/dev/kmsg"
	wait_events 8000
	ok $? "the journal's filesystem full: every record still taken"
	grep -q "journal: cannot write .*: No space left on device" "$T/daemon.err" &&
		! grep -q 'Input/output error' "$T/daemon.err"
	ok $? "ENOSPC is reported as such"
	[ "$(grep -c 'journal: cannot write' "$T/daemon.err")" -eq 1 ]
	ok $? "once, not once per line"
	ask '{"cmd":"hello"}'
	jq -e '.type == "hello"' "$T/out" >/dev/null
	ok $? "and the daemon keeps serving"
	rm -f "$MNT/filler"
	kmsg_records 9000 10 >"$R/dev/kmsg"
	wait_events 8010
	sleep 0.3
	grep -q 'journal: writing again; [0-9]* lines were not written' "$T/daemon.err"
	ok $? "space again: said so"
	lost=$(sed -n 's/^devresctl-lost: journal \([0-9]*\) lines not written: No space left on device$/\1/p' "$MNT/journal.log")
	have=$(kmsg_in "$MNT/journal.log")
	missing=$((8010 - have))
	[ -n "$lost" ] && [ "$missing" -gt 0 ] && [ "$lost" -ge "$missing" ] && [ "$lost" -le $((missing + 5)) ]
	ok $? "a gap marker counts the lines not written ($lost; $missing records missing)"
	whole "$MNT/journal.log" && ! glued "$MNT/journal.log"
	ok $? "no torn record, nothing glued"
	grep -q '^3,9009,' "$MNT/journal.log"
	ok $? "the journal resumed"
	"$top_builddir/devresctl" report --format=json "$MNT/journal.log" >"$T/full.json"
	jq -e ".stats.devres_events == $have and .stats.lost_markers == 1 and .stats.undecoded == 0" "$T/full.json" >/dev/null
	ok $? "report reads it back: $have events, the loss marked"
	stop_daemon
	grep -q "not written" "$T/daemon.err"
	umount "$MNT" && MNT=
else
	echo "# mount -t tmpfs is not allowed here: the full-filesystem test is skipped"
	for _ in 1 2 3 4 5 6 7 8 9; do ok 0 "# SKIP mount -t tmpfs not allowed"; done
fi

# ---- kill -9 in the middle of heavy writes, with --fsync=always
rm -rf "$J"
start_daemon --fsync=always
kmsg_records 100000 1000000 >"$R/dev/kmsg" &
writer=$!
sleep 0.5
ask '{"cmd":"hello"}'
promised=$(jq '.devres_events' "$T/out")
kill -9 $dpid
wait $dpid 2>/dev/null
kill $writer 2>/dev/null
wait $writer 2>/dev/null
[ "$promised" -gt 0 ] && [ "$promised" -lt 1000000 ]
ok $? "killed in the middle of writing ($promised records answered for)"
"$top_builddir/devresctl" report --format=json "$J/journal.log" >"$T/k9.json"
rc=$?
journaled=$(jq '.stats.devres_events' "$T/k9.json")
[ $rc -eq 0 ] && [ "$journaled" -ge "$promised" ]
ok $? "report reads the journal after kill -9; nothing --fsync promised is lost ($journaled >= $promised)"

# a torn last record, as a crash leaves it: cut off and counted at restart
printf '3,99999,5099999,-;dfx-ops dfx-ops.0: DEVRES AD' >>"$J/journal.log"
start_daemon
grep -q 'journal: a torn last record (46 bytes, no newline) cut off' "$T/daemon.err"
ok $? "a torn last record is detected at restart"
grep -qx 'devresctl-lost: journal 1 torn record cut off (46 bytes): the daemon stopped in the middle of writing it' "$J/journal.log" &&
	! grep -q 'DEVRES AD$' "$J/journal.log" && ! grep -q '^3,99999,' "$J/journal.log"
ok $? "skipped and counted in the journal"
kmsg_records 70000 3 >"$R/dev/kmsg"
wait_events 3
whole "$J/journal.log" && ! glued "$J/journal.log"
ok $? "the next records are whole"
stop_daemon

# ---- a restart that missed kernel records: a gap marker from the sequence numbers
rm -rf "$J"
start_daemon
kmsg_records 1 10 >"$R/dev/kmsg"
wait_events 10
stop_daemon
start_daemon
kmsg_records 21 5 >"$R/dev/kmsg"
wait_events 5
ok $? "restarted, new records taken"
grep -qx 'devresctl-lost: kmsg 10 records logged while devresd was not running' "$J/journal.log"
ok $? "the 10 records logged meanwhile are marked as lost"
stop_daemon
# --since-boot reads the kernel log from its start: what is journaled is not journaled again
start_daemon --since-boot
kmsg_records 1 30 >"$R/dev/kmsg"
wait_events 5
[ -z "$(grep -Eo '^3,[0-9]+,' "$J/journal.log" | sort | uniq -d)" ] && grep -q '^3,30,' "$J/journal.log" &&
	[ "$(kmsg_in "$J/journal.log")" -eq 20 ]
ok $? "--since-boot after a restart: every record once (20, no duplicate)"
stop_daemon

# ---- SIGHUP without a rotation: a new lines client gets exactly what was journaled
rm -rf "$J"
start_daemon --journal-size 1 --journal-files 2
kmsg_records 1 12000 >"$R/dev/kmsg"
wait_events 12000
stop_daemon
[ -f "$J/journal.log.1" ]
ok $? "a rotated file is there"
from=$(stat -c %s "$J/journal.log")
start_daemon --journal-size 1 --journal-files 2
kmsg_records 20000 1000 dfx-hup.0 >"$R/dev/kmsg"
wait_events 1000
kill -HUP $dpid
sleep 0.3
kmsg_records 30000 2 dfx-hup.0 >"$R/dev/kmsg"
wait_events 1002
grep -q 'journal kept: journal.log was not moved' "$T/daemon.err"
ok $? "SIGHUP with journal.log in place: kept"
"$CLIENT" "$SOCK" -s '{"cmd":"lines"}' -t 2 | tail -n +2 >"$T/hup.lines"
tail -c +$((from + 1)) "$J/journal.log" >"$T/hup.want"
cmp -s "$T/hup.lines" "$T/hup.want" && [ "$(grep -c 'dfx-hup.0' "$T/hup.lines")" -eq 1002 ] && ! grep -q 'dfx-ops dfx-ops.0' "$T/hup.lines"
ok $? "a lines client after it gets the 1002 lines since the start, nothing older"
# logrotate's way: journal.log moved to journal.log.1, then SIGHUP
mv "$J/journal.log.1" "$J/journal.log.2"
mv "$J/journal.log" "$J/journal.log.1"
kill -HUP $dpid
sleep 0.3
kmsg_records 40000 3 dfx-hup.0 >"$R/dev/kmsg"
wait_events 1005
grep -q 'journal reopened: journal.log was moved away' "$T/daemon.err"
ok $? "SIGHUP after a move: a new journal.log"
"$CLIENT" "$SOCK" -s '{"cmd":"lines"}' -t 2 | tail -n +2 >"$T/hup.lines"
{ tail -c +$((from + 1)) "$J/journal.log.1"; cat "$J/journal.log"; } >"$T/hup.want"
cmp -s "$T/hup.lines" "$T/hup.want" && [ "$(grep -c 'dfx-hup.0' "$T/hup.lines")" -eq 1005 ]
ok $? "a lines client follows the moved file by its inode, then the new one"
stop_daemon

# ---- SIGHUP and SIGTERM under load
rm -rf "$J"
start_daemon
kmsg_records 1 200000 dfx-load.0 >"$R/dev/kmsg" &
writer=$!
busy=0
for _ in $(seq 20); do
	kill -0 $writer 2>/dev/null && busy=$((busy + 1))
	kill -HUP $dpid
	sleep 0.01
done
wait $writer
wait_events 200000
ok $? "20 SIGHUPs ($busy while 200,000 records were being written): every record taken"
[ "$(kmsg_in "$J/journal.log")" -eq 200000 ] && whole "$J/journal.log"
ok $? "and journaled whole"
kmsg_records 40000 30000 dfx-load.0 >"$R/dev/kmsg" &
writer=$!
sleep 0.2
t0=$(date +%s)
stop_daemon
t1=$(date +%s)
kill $writer 2>/dev/null
wait $writer 2>/dev/null
[ $stop_rc -eq 0 ] && [ $((t1 - t0)) -le 5 ] && [ ! -e "$SOCK" ]
ok $? "SIGTERM under load: exit 0, socket removed (exit $stop_rc)"
whole "$J/journal.log"
ok $? "the journal is whole after it"

done_testing
