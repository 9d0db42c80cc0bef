# Shared by the devresd fault tests (daemon-*.sh): a fake root whose
# /dev/kmsg is a FIFO, and helpers to start the daemon and talk to it.
# DEVRESD_WRAPPER (for instance valgrind) runs the daemon under a tool.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"
DEVRESD="$top_builddir/devresd"
CLIENT="$top_builddir/tests/live/sockclient"

R="$T/root"
fake_root "$R" kmsg-fifo
echo "Linux version 6.1.192 (fake) #1" >"$R/proc/version"
mkdir -p "$R/proc/sys/kernel/random" "$R/var/lib"
echo 0f8e5a7c-1111-2222-3333-444455556666 >"$R/proc/sys/kernel/random/boot_id"
SOCK="$R/run/devresd/socket"
J="$R/var/lib/devresd"
# memory figures mean what is live: no ASan quarantine of freed blocks
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
export ASAN_OPTIONS
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -z "${MNT:-}" ] || umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

start_daemon() {  # start_daemon ARGS...: in the background, waits until it collects
	: >>"$T/daemon.err"
	started=$(grep -c "collecting " "$T/daemon.err")
	${DEVRESD_WRAPPER:-} "$DEVRESD" --root "$R" --no-trace "$@" 2>>"$T/daemon.err" &
	dpid=$!
	pids="$pids $dpid"
	# its own "collecting" line: a socket left by a killed daemon is no sign
	i=0
	while [ "$(grep -c 'collecting ' "$T/daemon.err")" -le "${started:-0}" ] && [ $i -lt 600 ]; do
		kill -0 $dpid 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$SOCK" ]
}
stop_daemon() {  # stop_daemon: SIGTERM, the exit status in $stop_rc
	kill -TERM "$dpid"
	wait "$dpid"
	stop_rc=$?
}
ask() {  # ask REQUEST: the first reply line in $T/out
	"$CLIENT" "$SOCK" -s "$1" -n 1 -t 10 >"$T/out"
}
kmsg_records() {  # kmsg_records FIRST COUNT [DEVICE]: kernel records, seq FIRST on
	awk -v f="$1" -v n="$2" -v d="${3:-dfx-ops.0}" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "3,%d,%d,-;dfx-ops %s: DEVRES ADD %016x devm_kzalloc_release (64 bytes)\n", f + i, 5000000 + f + i, d, 65536 + f + i
	}'
}
wait_events() {  # wait_events N: until hello says N devres events (10 s at most)
	i=0
	while ask '{"cmd":"hello"}' && ! jq -e ".devres_events == $1" "$T/out" >/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	jq -e ".devres_events == $1" "$T/out" >/dev/null
}
rss_kb() {  # rss_kb PID: resident set size
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
cpu_ticks() {  # cpu_ticks PID: user + system clock ticks so far
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
