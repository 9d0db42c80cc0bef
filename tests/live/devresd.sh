#!/bin/sh
# devresd end to end on a fake root: /dev/kmsg is a FIFO the test writes
# kernel records into; clients speak the socket protocol through sockclient.
# DEVRESD_WRAPPER (for instance "valgrind --error-exitcode=99") runs the
# daemon under a tool.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
K="$CAPTURES/kernel/uml-6.1.192"
DEVRESD="$top_builddir/devresd"
CLIENT="$top_builddir/tests/live/sockclient"

R="$T/root"
fake_root "$R" kmsg-fifo
echo "Linux version 6.1.192 (fake) #1" >"$R/proc/version"
fake_device "$R" platform dfx-hda.0 dfx-hda
echo 116:3 >"$R/sys/devices/platform/dfx-hda.0/dev"
mkdir -p "$R/proc/sys/kernel/random"
echo 0f8e5a7c-1111-2222-3333-444455556666 >"$R/proc/sys/kernel/random/boot_id"
SOCK="$R/run/devresd/socket"
J="$R/var/lib/devresd"
mkdir -p "$R/var/lib"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$T"' EXIT

start_daemon() {  # start_daemon ARGS...: in the background, waits for the socket
	${DEVRESD_WRAPPER:-} "$DEVRESD" --root "$R" "$@" 2>>"$T/daemon.err" &
	dpid=$!
	pids="$pids $dpid"
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$SOCK" ]
}
ask() {  # ask REQUEST: the first reply line in $T/out
	"$CLIENT" "$SOCK" -s "$1" -n 1 -t 5 >"$T/out"
}
answers() {  # answers REQUEST JQ DESCRIPTION: the reply satisfies the jq test
	ask "$1"
	jq -e "$2" "$T/out" >/dev/null
	ok $? "$3"
}
as_nobody() {  # as_nobody REQUEST: the first reply to uid/gid 65534 in $T/out
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLIENT" "$SOCK" -s "$1" -n 1 -t 5 >"$T/out"
}
feed() {  # feed FILE: kernel records into /dev/kmsg, then a pause for the quiet mark
	grep -v ';Linux version' "$1" >"$R/dev/kmsg"
	sleep 0.6
}

start_daemon
ok $? "devresd starts on a fake root and listens"
# the socket comes first, the sources right after it
i=0
while ! grep -q 'collecting ' "$T/daemon.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q 'not collected: tracefs is not mounted' "$T/daemon.err"
ok $? "says which source it could not open"
[ "$(stat -c %a "$SOCK")" = 660 ]
ok $? "the socket is 0660"
answers '{"cmd":"hello"}' \
	'.type == "hello" and .protocol == 1 and .sources == "kmsg" and .kernel == "6.1.192"' \
	"hello: protocol, sources, kernel"

"$CLIENT" "$SOCK" -s '{"cmd":"subscribe","events":true,"findings":true}' -t 8 >"$T/sub" &
sub=$!
"$CLIENT" "$SOCK" -s '{"cmd":"lines"}' -t 8 >"$T/lines" &
lines=$!
sleep 0.3
feed "$K/component-bug/kmsg.txt"
wait $sub $lines
jq -s -e 'any(.[]; .type == "finding" and .rule == "open-group-swept" and .device == "dfx-hda.0")' "$T/sub" >/dev/null
ok $? "a subscriber gets open-group-swept as it happens"
[ "$(jq -c 'select(.type == "event")' "$T/sub" | wc -l)" -eq 20 ]
ok $? "a subscriber gets the 20 devres events"
jq -s -e 'any(.[]; .type == "event" and .op == "REL" and .device == "dfx-gfx.0" and .name == "dfx_gfx_mmio_release")' "$T/sub" >/dev/null
ok $? "events carry op, device, name"

answers '{"cmd":"snapshot"}' \
	'.type == "snapshot" and ([.devices[].device] | sort) == ["dfx-gfx.0", "dfx-hda.0"] and ([.findings[].rule] | sort) == ["cross-device-release", "open-group-swept"]' \
	"snapshot: the devices and the findings"
answers '{"cmd":"device","name":"dfx-hda.0"}' \
	'.type == "device" and .device.device == "dfx-hda.0" and .device.batches_total == 2' \
	"device: the report's device object"
answers '{"cmd":"sysfs"}' \
	'.type == "sysfs" and .resyncs == 0 and ([.devices[].device] == ["dfx-hda.0"]) and .devices[0].driver == "dfx-hda" and .devices[0].subsystem == "platform" and .devices[0].devt == "116:3"' \
	"sysfs: the devices read at start, with bus, driver and dev_t"
answers '{"cmd":"device","name":"nosuch"}' \
	'.type == "error" and (.error | test("no device .nosuch."))' \
	"device: an unknown device is an error"
answers '{"cmd":' \
	'.type == "error" and (.error | startswith("malformed request"))' \
	"malformed JSON is an error, not the end"
answers '{"cmd":"reboot"}' \
	'.type == "error" and (.error | test("unknown command .reboot."))' \
	"an unknown command is an error"
"$CLIENT" "$SOCK" -p '{"cmd":"snap'
long=$(head -c 70000 /dev/zero | tr '\0' 'x')
"$CLIENT" "$SOCK" -s "$long" -n 1 -t 5 >"$T/out"
jq -e '.type == "error" and (.error | startswith("request too long"))' "$T/out" >/dev/null
ok $? "a request longer than 64 KiB is refused"
answers '{"cmd":"hello"}' \
	'.type == "hello"' \
	"a client that hangs up mid-message does not hurt the daemon"

# peer credentials: another user is refused even when the socket's mode lets it in
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$T" "$R" "$R/run" "$R/run/devresd" && chmod 0666 "$SOCK"
	as_nobody '{"cmd":"hello"}'
	[ -s "$T/out" ] && jq -e '.type == "error" and (.error | startswith("permission denied"))' "$T/out" >/dev/null
	ok $? "SO_PEERCRED: a user outside the socket's group is refused"
	grep -q 'refused a client: uid 65534' "$T/daemon.err"
	ok $? "the refusal is logged"
	chmod 0660 "$SOCK"
else
	ok 0 "# SKIP peer credentials need root and setpriv"
	ok 0 "# SKIP peer credentials need root and setpriv"
fi

# the journal and the lines stream are captures with the same result
"$top_builddir/devresctl" check --format=json "$J/journal.log" >"$T/journal.json"
jq -e '([.findings[].rule] | sort) == ["cross-device-release", "open-group-swept"] and .stats.devres_events == 20' "$T/journal.json" >/dev/null
ok $? "the journal replayed gives the live findings"
head -n 1 "$T/lines" | jq -e '.type == "lines"' >/dev/null && tail -n +2 "$T/lines" >"$T/lines.log" &&
	cmp -s "$T/lines.log" "$J/journal.log"
ok $? "a lines client gets exactly the journal"
grep -qx 'devresctl-quiet' "$J/journal.log"
ok $? "the journal marks where the daemon judged a quiet kernel"

# catching up: a lines client that comes late gets everything since the start
"$CLIENT" "$SOCK" -s '{"cmd":"lines"}' -t 3 >"$T/late"
tail -n +2 "$T/late" >"$T/late.log"
cmp -s "$T/late.log" "$J/journal.log"
ok $? "a late lines client catches up from the journal"

# a client that does not read is dropped; collection goes on
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "3,%d,%d,-;dfx-ops dfx-ops.0: DEVRES ADD %016x devm_kzalloc_release (64 bytes)\n", 1000 + i, 5000000 + i, 65536 + i }' >"$T/many.txt"
kill $dpid
wait $dpid 2>/dev/null
start_daemon --no-trace --client-queue 1
ok $? "devresd restarts on the same socket and journal"
[ "$(grep -c '^Linux version' "$J/journal.log")" -eq 1 ]
ok $? "a restart in the same boot does not start a new boot in the journal"
"$CLIENT" "$SOCK" -s '{"cmd":"subscribe","events":true}' -x -t 4 &
slow=$!
sleep 0.3
feed "$T/many.txt"
sleep 0.5
grep -q 'dropped: too slow' "$T/daemon.err"
ok $? "a client that does not read is dropped"
i=0
while ask '{"cmd":"hello"}' && ! jq -e '.devres_events == 4000' "$T/out" >/dev/null && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
jq -e '.type == "hello" and .devres_events == 4000' "$T/out" >/dev/null
ok $? "the daemon took every event meanwhile"
kill $slow 2>/dev/null

# SIGHUP reopens the journal (after logrotate moved it)
mv "$J/journal.log" "$J/moved.log"
kill -HUP $dpid
sleep 0.3
printf '3,9000,9000000,-;dfx-ops dfx-ops.0: DEVRES ADD 00000000deadbeef devm_kzalloc_release (8 bytes)\n' >"$R/dev/kmsg"
sleep 0.5
grep -q 'deadbeef' "$J/journal.log" && ! grep -q deadbeef "$J/moved.log"
ok $? "SIGHUP: new lines go to a new journal.log"

first=$dpid
start_daemon --no-trace
wait $dpid
[ $? -eq 3 ] && grep -q 'another devresd answers' "$T/daemon.err"
ok $? "a second daemon on the same socket refuses to start"
dpid=$first

kill -TERM $dpid
wait $dpid
ok $? "SIGTERM: exit status 0"
[ ! -e "$SOCK" ]
ok $? "SIGTERM: the socket is removed"

# started with SIGINT, SIGTERM and SIGHUP ignored (a shell's background job,
# nohup), then with them blocked (an inherited mask): SIGHUP still reopens
# the journal and SIGTERM still stops the daemon, with its closing count
cat >"$T/ignored" <<'EOS'
trap '' INT TERM HUP
exec "$@"
EOS
cat >"$T/blocked" <<'EOS'
exec perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGINT, SIGTERM, SIGHUP)); exec @ARGV or exit 99' "$@"
EOS
wrapper=${DEVRESD_WRAPPER:-}
for how in ignored blocked; do
	if [ $how = blocked ] && ! command -v perl >/dev/null; then
		for _ in 1 2; do ok 0 "# SKIP perl not installed (it blocks the signals)"; done
		continue
	fi
	: >"$T/daemon.err"
	DEVRESD_WRAPPER="sh $T/$how $wrapper"
	start_daemon --no-trace
	DEVRESD_WRAPPER=$wrapper
	kill -HUP $dpid
	i=0
	while ! grep -q 'journal kept' "$T/daemon.err" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	grep -q 'journal kept' "$T/daemon.err"
	ok $? "signals $how at start: SIGHUP is taken"
	stop_within TERM $dpid
	[ $rc -eq 0 ] && grep -q 'stopping: ' "$T/daemon.err" && [ ! -e "$SOCK" ]
	ok $? "signals $how at start: SIGTERM stops it (exit $rc)"
done

# rotation by size
rm -rf "$J"
start_daemon --no-trace --journal-size 1 --journal-files 2
awk 'BEGIN { for (i = 0; i < 12000; i++) printf "3,%d,%d,-;dfx-rot dfx-rot.0: DEVRES ADD %016x devm_kzalloc_release (64 bytes)\n", 1000 + i, 5000000 + i, 65536 + i }' >"$R/dev/kmsg"
# until the last record is journaled (slow under valgrind)
i=0
while ! grep -q '^3,12999,' "$J/journal.log" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$J/journal.log.1" ] && [ "$(stat -c %s "$J/journal.log.1")" -le 1048576 ]
ok $? "the journal rotates at --journal-size"
run report --format=json "$J/journal.log.1" "$J/journal.log"
jq -e '.stats.devres_events == 12000' "$T/out" >/dev/null
ok $? "the rotated files together hold every event"
kill -TERM $dpid
wait $dpid

# --fsync: counted by the shim (fsync and fdatasync calls); records come
# 0.3 s apart, so "always" syncs after each, "interval" once a second
SHIM="$top_builddir/tests/live/shim.so"
wrapper=${DEVRESD_WRAPPER:-}
for m in always interval never; do
	rm -rf "$J"
	DEVRESD_WRAPPER="env LD_PRELOAD=$SHIM DRC_SHIM_SYNC_LOG=$T/sync.$m ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 $wrapper"
	start_daemon --no-trace --fsync=$m
	for i in 1 2 3 4 5 6; do
		printf '3,%d,%d,-;dfx-s dfx-s.0: DEVRES ADD %016x devm_kzalloc_release (8 bytes)\n' $((7000 + i)) $((7000000 + i)) $((0x7000 + i)) >"$R/dev/kmsg"
		sleep 0.3
	done
	kill -TERM $dpid
	wait $dpid
	DEVRESD_WRAPPER=$wrapper
	eval "sync_$m=\$(sed -n 's/^syncs //p' \"\$T/sync.\$m\")"
done
[ "${sync_always:-0}" -ge 6 ]
ok $? "--fsync=always: a sync after each record ($sync_always)"
[ "${sync_interval:-0}" -ge 1 ] && [ "$sync_interval" -lt "$sync_always" ]
ok $? "--fsync=interval: fewer, at least one ($sync_interval)"
[ "$sync_never" = 0 ]
ok $? "--fsync=never: none ($sync_never)"
run report --format=json "$J/journal.log"
jq -e '.stats.devres_events == 6' "$T/out" >/dev/null
ok $? "and every record is in the journal all the same"

# the socket's group may connect; every line synced
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	start_daemon --no-trace --group 65534 --fsync=always
	[ "$(stat -c %g "$SOCK")" = 65534 ]
	ok $? "--group: the socket's group"
	chmod 0711 "$T" "$R" "$R/run" "$R/run/devresd"
	as_nobody '{"cmd":"hello"}'
	[ -s "$T/out" ] && jq -e '.type == "hello"' "$T/out" >/dev/null
	ok $? "SO_PEERCRED: a member of the socket's group is served"
	printf '3,9900,9900000,-;dfx-s dfx-s.0: DEVRES ADD 0000000000005555 devm_kzalloc_release (8 bytes)\n' >"$R/dev/kmsg"
	sleep 0.5
	grep -q '0000000000005555' "$J/journal.log"
	ok $? "--fsync=always journals as it goes"
	kill -TERM $dpid
	wait $dpid
else
	for _ in 1 2 3; do ok 0 "# SKIP the group test needs root and setpriv"; done
fi

"$DEVRESD" --fsync=sometimes 2>"$T/err"
[ $? -eq 2 ] && grep -q "invalid --fsync 'sometimes'" "$T/err"
ok $? "a bad option value is a usage error"
"$DEVRESD" --help >"$T/out"
grep -q 'See devresd(8)' "$T/out"
ok $? "--help"

done_testing
