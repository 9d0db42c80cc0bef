#!/bin/sh
# devresctl monitor on fake roots: the kernel's records decoded as they come,
# one line each (text or JSON), with the findings they lead to; and what a
# devresd on the same root pushes, in the same form.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
K="$CAPTURES/kernel/uml-6.1.192"
CB="$K/component-bug/kmsg.txt"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$T"' EXIT

# monitor_root DIR ARGS...: monitor in the background on a fake root whose
# /dev/kmsg is a FIFO; its output in $T/mon.out, its pid in $mpid
monitor_root() {
	r=$1
	shift
	: >"$T/mon.err"         # not the last run's, while the new one starts
	"$DEVRESCTL" --root "$r" monitor "$@" >"$T/mon.out" 2>"$T/mon.err" &
	mpid=$!
	pids="$pids $mpid"
	i=0
	while ! grep -q 'monitoring ' "$T/mon.err" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
}
stop_monitor() {  # SIGINT, then its exit status in $rc
	sleep 0.8       # past the quiet mark: batches in progress are judged
	kill -INT "$mpid"
	wait "$mpid"
	rc=$?
}
want_events=$(grep -c ': DEVRES ' "$CB")

R="$T/root"
fake_root "$R" kmsg-fifo
monitor_root "$R" --source=kernel --format=json
grep -q 'monitoring kmsg' "$T/mon.err"
ok $? "monitor --source=kernel says what it reads"
grep -v ';Linux version' "$CB" >"$R/dev/kmsg"
stop_monitor
[ "$rc" -eq 0 ]
ok $? "monitor ends with 0 at SIGINT (exit $rc)"
jq -e . "$T/mon.out" >/dev/null
ok $? "every line is a JSON object"
[ "$(jq -c 'select(.type == "event")' "$T/mon.out" | wc -l)" -eq "$want_events" ]
ok $? "one event line per devres operation of the capture ($want_events)"
[ "$(jq -r 'select(.type == "event") | .op' "$T/mon.out" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" = \
		"$(grep -o 'DEVRES [A-Z]*' "$CB" | sort | uniq -c | sed 's/DEVRES //' | tr -s ' ' | tr '\n' ' ')" ]
ok $? "the events have the capture's operations"
jq -s -e 'any(.[]; .type == "event" and .op == "ADD" and .device == "dfx-hda.0" and .driver == "dfx-hda" and .size > 0)' "$T/mon.out" >/dev/null
ok $? "an event has its op, device, driver and size"
jq -s -e 'any(.[]; .type == "finding" and .rule == "open-group-swept" and .severity == "error" and .device == "dfx-hda.0")' "$T/mon.out" >/dev/null
ok $? "the component bug's finding comes while it happens"
# the same findings as check gives on the capture (but those of its end)
[ "$(jq -r 'select(.type == "finding") | .rule' "$T/mon.out" | sort | tr '\n' ' ')" = \
	"$("$DEVRESCTL" check --format=json "$CB" | jq -r '.findings[].rule' | sort | tr '\n' ' ')" ]
ok $? "monitor's findings are check's on the same records"

R2="$T/root2"
fake_root "$R2" kmsg-fifo
monitor_root "$R2" --source=kernel
grep -v ';Linux version' "$CB" >"$R2/dev/kmsg"
stop_monitor
grep -q '^\[ *[0-9]*\.[0-9]\{6\}\] ADD     dfx-hda dfx-hda.0  [0-9a-f]\{16\} [a-z_]* ([0-9]* bytes)$' "$T/mon.out"
ok $? "text: one line per operation, with the kernel's time"
grep -q '^\[     finding\] error open-group-swept: ' "$T/mon.out"
ok $? "text: a finding line with its severity and rule"
[ "$(grep -c '^\[ *[0-9]*\.[0-9]*\] [A-Z]' "$T/mon.out")" -eq "$want_events" ]
ok $? "text: as many operation lines as operations"

# through devresd: what it pushes, the same lines
R3="$T/root3"
fake_root "$R3" kmsg-fifo
"$top_builddir/devresd" --root "$R3" 2>"$T/daemon.err" &
dpid=$!
pids="$pids $dpid"
i=0
# the socket first, the sources right after it (slow under sanitizers and load)
while ! grep -q 'collecting ' "$T/daemon.err" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
monitor_root "$R3" --format=json
grep -q 'monitoring devresd at /run/devresd/socket' "$T/mon.err"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/mon.err" "$T/daemon.err"
ok $r "monitor attaches to devresd when it runs (auto)"
grep -v ';Linux version' "$CB" >"$R3/dev/kmsg"
stop_monitor
[ "$rc" -eq 0 ]
ok $? "monitor of devresd ends with 0 at SIGINT"
[ "$(jq -c 'select(.type == "event")' "$T/mon.out" | wc -l)" -eq "$want_events" ]
ok $? "devresd: one event line per operation"
jq -s -e 'any(.[]; .type == "finding" and .rule == "open-group-swept")' "$T/mon.out" >/dev/null
ok $? "devresd: the finding is pushed"
kill "$dpid"
wait "$dpid" 2>/dev/null
run --root "$R3" monitor --source=devresd
expect_rc 3 "monitor --source=devresd without a daemon"
grep_err "cannot attach to devresd at /run/devresd/socket" "says where it looked"
run monitor --format=xml
expect_rc 2 "a bad format"
run monitor extra
expect_rc 2 "monitor takes no argument"

# SIGINT at once after the records, before the quiet mark: what the
# sources and the stream still hold (the last record awaits its
# dictionary) is shown before the end
R6="$T/root6"
fake_root "$R6" kmsg-fifo
monitor_root "$R6" --source=kernel --format=json
{
	grep -v ';Linux version' "$CB"
	printf '3,900,9000000,-;dfx-hda dfx-hda.0: DEVRES ADD 00000000deadbeef devm_kzalloc_release (8 bytes)\n'
	printf ' SUBSYSTEM=platform\n DEVICE=+platform:dfx-hda.0\n'
} >"$R6/dev/kmsg"
kill -INT "$mpid"
wait "$mpid"
rc=$?
[ "$rc" -eq 0 ] && [ "$(jq -c 'select(.type == "event")' "$T/mon.out" | wc -l)" -eq $((want_events + 1)) ]
ok $? "SIGINT right after the records: every operation shown all the same (exit $rc)"

# the shared live loop's signals: started with SIGINT and SIGTERM ignored
# (a shell's background job, nohup-like wrappers) or blocked (an inherited
# mask), SIGTERM still ends it, with everything read shown
cat >"$T/ignored" <<'EOS'
trap '' INT TERM
exec "$@"
EOS
cat >"$T/blocked" <<'EOS'
exec perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM, SIGINT)); exec @ARGV or exit 99' "$@"
EOS
for how in ignored blocked; do
	if [ $how = blocked ] && ! command -v perl >/dev/null; then
		ok 0 "# SKIP perl not installed (it blocks the signals)"
		continue
	fi
	R4="$T/root-$how"
	fake_root "$R4" kmsg-fifo
	: >"$T/mon.err"
	sh "$T/$how" "$DEVRESCTL" --root "$R4" monitor --source=kernel --format=json >"$T/mon.out" 2>"$T/mon.err" &
	mpid=$!
	pids="$pids $mpid"
	i=0
	while ! grep -q 'monitoring ' "$T/mon.err" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	grep -v ';Linux version' "$CB" >"$R4/dev/kmsg"
	sleep 0.8
	stop_within TERM "$mpid"
	[ "$rc" -eq 0 ] && [ "$(jq -c 'select(.type == "event")' "$T/mon.out" | wc -l)" -eq "$want_events" ]
	ok $? "SIGTERM ends a monitor started with SIGINT and SIGTERM $how, nothing lost (exit $rc)"
done

done_testing
