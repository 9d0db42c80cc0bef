#!/bin/sh
# report and check --source=devresd: what the daemon collected until now, as
# one capture that ends now, through its "lines" stream without follow. The
# devices and findings must be the daemon's own (its snapshot), and a second
# run must see what came in between.
. "$top_srcdir/tests/live/daemon-lib.sh"
K="$CAPTURES/kernel/uml-6.1.192"
feed() {  # feed FILE: kernel records into /dev/kmsg
	grep -v ';Linux version' "$1" >"$R/dev/kmsg"
}

run --root "$R" report --source=devresd
expect_rc 3 "report --source=devresd without a daemon"
grep_err "^devresctl report: no devresd at /run/devresd/socket" "says that none runs, and where it looked"
run --root "$R" check --source=devresd "$K/clean/kmsg.txt"
expect_rc 2 "--source=devresd and a CAPTURE"
grep_err "no CAPTURE with it" "says why"
run --root "$R" report --source=journal
expect_rc 2 "an unknown --source"
grep_err "invalid --source 'journal': expected capture or devresd" "names the values"

start_daemon
ok $? "devresd starts on a fake root"

# the protocol: without follow, the journal up to now and the end
"$CLIENT" "$SOCK" -s '{"cmd":"lines","follow":false}' -t 5 >"$T/lines"
ok $? "lines without follow: the daemon ends the connection"
[ "$(head -n 1 "$T/lines")" = '{"type":"lines","follow":false}' ]
ok $? "the reply says it does not follow"

run --root "$R" check --source=devresd
expect_rc 1 "check: nothing collected yet fails (no-devres)"
grep_err "no devres operations in what devresd collected" "says what was empty"
run --root "$R" check --source=devresd --allow-empty
expect_rc 0 "--allow-empty accepts it"

feed "$K/component-bug/kmsg.txt"
wait_events 20
ok $? "the daemon took the component bug's 20 operations"

run --root "$R" report --source=devresd --format=json
expect_rc 0 "report --source=devresd --format=json"
cp "$T/out" "$T/report.json"
ask '{"cmd":"snapshot"}'
jq -S '[.devices[] | {device, state, live_count, live_bytes, events, batches_total}] | sort_by(.device)' "$T/out" >"$T/daemon-devices"
jq -S '[.devices[] | {device, state, live_count, live_bytes, events, batches_total}] | sort_by(.device)' "$T/report.json" >"$T/report-devices"
[ -s "$T/daemon-devices" ] && [ "$(jq length "$T/daemon-devices")" -eq 2 ] && cmp -s "$T/daemon-devices" "$T/report-devices"
ok $? "the devices, their state and live lists are the daemon's"
[ $? -eq 0 ] || diff "$T/daemon-devices" "$T/report-devices" | sed 's/^/#   /'
[ "$(jq -c '[.findings[].rule] | sort' "$T/out")" = "$(jq -c '[.findings[].rule] | sort' "$T/report.json")" ]
ok $? "and so are the findings"
jq -e '.inputs == ["devresd:/run/devresd/socket"]' "$T/report.json" >/dev/null
ok $? "JSON names devresd and its socket as its input"

run --root "$R" report --source=devresd
expect_rc 0 "report --source=devresd in text"
grep_out "^error open-group-swept: open group on dfx-hda dfx-hda.0" "the daemon's finding, explained"
grep_out "of devresd:/run/devresd/socket$" "evidence lines point into devresd's lines"

run --root "$R" check --source=devresd --format=junit
expect_rc 1 "check --source=devresd fails on the daemon's error"
grep_out '<testcase classname="devresctl.dfx-hda" name="dfx-hda.0"' "JUnit for the daemon's devices"
# a file called devresd where check runs (the daemon, beside a build) is no capture
mkdir "$T/cwd" && printf 'not the daemon\040s lines\n%.0s' $(seq 200) >"$T/cwd/devresd"
(cd "$T/cwd" && "$DEVRESCTL" --root "$R" check --source=devresd --format=kcidb --kcidb-origin=lab \
	--kcidb-build-id=lab:b1 >"$T/out" 2>"$T/err")
rc=$?
expect_rc 1 "check --source=devresd --format=kcidb"
jq -e '.tests | length > 0' "$T/out" >/dev/null && ! grep -q 'not the daemon' "$T/out"
ok $? "kcidb: the tests, and no excerpt read from a file named devresd"

# what came after the first look is seen by the next one
kmsg_records 900 3 dfx-late.0 >"$R/dev/kmsg"
wait_events 23
run --root "$R" report --source=devresd --device=dfx-late.0 --format=json
jq -e '.devices | length == 1 and .[0].live_count == 3' "$T/out" >/dev/null
ok $? "a second report sees the 3 nodes added since"

# the socket is found as for every client
mkdir -p "$R/run/alt"
ln -s ../devresd/socket "$R/run/alt/link"
DEVRESD_SOCKET=/run/none run --root "$R" check --source=devresd --socket=/run/alt/link
expect_rc 1 "check --socket reaches it"
DEVRESD_SOCKET=/run/none run --root "$R" report --source=devresd
expect_rc 3 "DEVRESD_SOCKET is where report looks"
grep_err "no devresd at /run/none" "and it says so"

stop_daemon
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$T" "$R" "$R/run"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DEVRESCTL" --root "$R" report --source=devresd \
		>"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 3 "a client that may not connect"
	grep_err "^devresctl report: no devresd at" "without a daemon: says so"
	start_daemon --group 4242
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DEVRESCTL" --root "$R" report --source=devresd \
		>"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 3 "a client outside the socket's group"
	grep_err "^devresctl report: cannot attach to devresd at /run/devresd/socket: Permission denied" "says why it cannot attach"
	setpriv --reuid=65534 --regid=65534 --groups=4242 "$DEVRESCTL" --root "$R" check --source=devresd \
		>"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 3 "a client without CAP_SYSLOG gets no raw lines"
	grep_err "^devresctl check: devresd refused: permission denied: lines (the raw kernel log) needs root or CAP_SYSLOG" "gives the daemon's reason"
	[ "$(wc -l <"$T/err")" -eq 1 ]
	ok $? "in one line"
	stop_daemon
else
	for what in 1 2 3 4 5 6 7; do
		n=$((n + 1))
		echo "ok $n - # SKIP clients devresd does not serve: needs root and setpriv"
	done
	start_daemon && stop_daemon
fi
ok $stop_rc "devresd stops cleanly"

done_testing
