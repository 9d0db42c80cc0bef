# Driving devresctl watch in tmux: sourced by the screen tests after
# functions.sh. $TM is the tmux command of the test's own server; the
# session is "w".

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
	ok $? "$2"
}
