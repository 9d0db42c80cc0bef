# Driving devresctl watch in tmux: sourced by the screen tests after
# functions.sh. $TM is the tmux command of the test's own server; the
# session is "w".

# tmux_init: skips the screen tests without tmux; kills the server on exit
tmux_init() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "# tmux is not installed: the screen tests need it"
		echo "1..$n # SKIP the screen tests need tmux"
		exit 0
	fi
	servers=0
	TM="tmux -L devresctl-test-$$-$servers -f /dev/null"
	trap '$TM kill-server 2>/dev/null; rm -rf "$T"' EXIT
}
# start WIDTH HEIGHT ENV ARGS: devresctl watch in a fresh tmux server
start() {
	$TM kill-server 2>/dev/null
	servers=$((servers + 1))
	TM="tmux -L devresctl-test-$$-$servers -f /dev/null"
	$TM new-session -d -s w -x "$1" -y "$2" \
		"cd '$T' && env $3 '$DEVRESCTL' watch $4; echo EXIT=\$?; sleep 120"
}
screen() {  # screen [-e]: the pane into $T/screen
	$TM capture-pane -p $1 -t w >"$T/screen" 2>/dev/null
}
# wait_for PATTERN: up to 20 s for the screen to show it
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		screen
		grep -q -- "$1" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	sed 's/^/#   /' "$T/screen"
	return 1
}
keys() {
	$TM send-keys -t w "$@"
	sleep 0.3
}
shows() {  # shows PATTERN DESCRIPTION
	wait_for "$1"
	ok $? "$2"
}
lacks() {  # lacks PATTERN DESCRIPTION
	sleep 0.3
	screen
	! grep -q -- "$1" "$T/screen"
	r=$?
	[ $r -eq 0 ] || sed 's/^/#   /' "$T/screen"
	ok $r "$2"
}
fits() {  # fits WIDTH HEIGHT DESCRIPTION: the frame is no larger than the window
	screen
	[ "$(wc -l <"$T/screen")" -eq "$2" ] &&
		[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/screen")" -le "$1" ]
	ok $? "$3"
}
