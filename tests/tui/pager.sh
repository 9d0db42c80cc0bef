#!/bin/sh
# Text on a terminal goes through a pager, as journalctl's does: in tmux
# (a real terminal) with a PAGER that is a script recording what it got,
# never into a pipe, not with --no-pager, JSON or a dumb terminal; less by
# default, quitting at once on a short text (LESS=FRSXMK) and waited for on
# a long one.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/tui/tmux.sh"
. "$top_srcdir/tests/live/fake-root.sh"
SEED="$top_srcdir/data/captures/seed-003-component-open-group.log"
K="$CAPTURES/kernel/uml-6.1.192"

# a pager that says it ran, with which LESS, and keeps its input
cat >"$T/pager" <<EOF
#!/bin/sh
echo "LESS=\$LESS" >"$T/ran"
cat >"$T/got"
echo PAGER-DONE
EOF
cat >"$T/pager2" <<EOF
#!/bin/sh
cat >"$T/got2"
EOF
chmod +x "$T/pager" "$T/pager2"

# not a terminal: never a pager, whatever PAGER says
PAGER="$T/pager" run report "$SEED"
expect_rc 0 "report into a file"
[ ! -e "$T/ran" ] && grep -q '^findings$' "$T/out"
ok $? "into a file: no pager, the text as it is"
cp "$T/out" "$T/plain"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..$n # SKIP the terminal tests need tmux"
	exit 0
fi
TM="tmux -L devresctl-pager-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$T"' EXIT
# 80 columns: the width a pipe is given, so the two texts compare
$TM new-session -d -s w -x 80 -y 24 "env -u PAGER -u DEVRESCTL_PAGER -u LESS TERM=xterm sh"
ok $? "a shell in tmux"
# term COMMAND: runs it in the terminal, waits for its EXIT= line
term() {
	rm -f "$T/ran" "$T/got" "$T/got2"
	keys "clear" Enter
	keys "$1; echo EXIT=\$?" Enter
	wait_for '^EXIT=[0-9]'
}
exited() {  # exited STATUS DESCRIPTION
	grep -q "^EXIT=$1\$" "$T/screen"
	ok $? "$2"
}

term "PAGER='$T/pager' '$DEVRESCTL' report '$SEED'"
exited 0 "report on a terminal: exit 0"
[ -e "$T/ran" ]
ok $? "report's text goes through \$PAGER"
cmp -s "$T/got" "$T/plain"
ok $? "the pager gets the whole text, as into a file"
grep -q '^LESS=FRSXMK$' "$T/ran"
ok $? "LESS=FRSXMK when LESS is not set"
grep -q '^PAGER-DONE' "$T/screen"
ok $? "the pager's own output reaches the terminal"

term "LESS=iR PAGER='$T/pager' '$DEVRESCTL' report '$SEED'"
grep -q '^LESS=iR$' "$T/ran"
ok $? "the user's LESS is kept"

term "PAGER='$T/pager' '$DEVRESCTL' check '$SEED'"
exited 1 "check through the pager keeps its exit status"
[ -e "$T/ran" ] && grep -q 'at or above --fail-on=error: FAIL' "$T/got"
ok $? "check's text, summary included, goes through the pager"

R="$T/root"
fake_root "$R"
fake_device "$R" platform dfx-hda.0 dfx-hda
term "PAGER='$T/pager' '$DEVRESCTL' --root '$R' refs dfx-hda.0"
exited 0 "refs on a terminal"
[ -e "$T/ran" ] && grep -q '^dfx-hda.0  subsystem platform  driver dfx-hda' "$T/got"
ok $? "refs' text goes through the pager"

term "DEVRESCTL_PAGER='$T/pager2' PAGER='$T/pager' '$DEVRESCTL' report '$SEED'"
[ ! -e "$T/ran" ] && cmp -s "$T/got2" "$T/plain"
ok $? "DEVRESCTL_PAGER wins over PAGER"

term "PAGER='$T/pager' '$DEVRESCTL' report --no-pager '$SEED'"
[ ! -e "$T/ran" ] && grep -q 'devres events in' "$T/screen"
ok $? "--no-pager: straight to the terminal"
term "PAGER='$T/pager' '$DEVRESCTL' report '$SEED' | cat"
[ ! -e "$T/ran" ] && grep -q 'devres events in' "$T/screen"
ok $? "into a pipe on a terminal: no pager"
term "PAGER='$T/pager' '$DEVRESCTL' report --format=json '$SEED' >'$T/json'"
[ ! -e "$T/ran" ] && jq -e .schema "$T/json" >/dev/null
ok $? "JSON: no pager"
term "PAGER='$T/pager' '$DEVRESCTL' report --format=json '$SEED'"
[ ! -e "$T/ran" ]
ok $? "JSON on the terminal: no pager either"
term "PAGER=cat '$DEVRESCTL' report '$SEED'"
grep -q 'devres events in' "$T/screen"
ok $? "PAGER=cat: no pager"
term "DEVRESCTL_PAGER= PAGER='$T/pager' '$DEVRESCTL' report '$SEED'"
[ ! -e "$T/ran" ]
ok $? "an empty DEVRESCTL_PAGER: no pager"
term "TERM=dumb PAGER='$T/pager' '$DEVRESCTL' report '$SEED'"
[ ! -e "$T/ran" ]
ok $? "a dumb terminal: no pager"

if command -v less >/dev/null 2>&1; then
	# short: less prints it and quits at once (F)
	term "'$DEVRESCTL' check --fail-on=info '$K/clean/kmsg.txt'"
	exited 0 "less on a short text: printed, and quits by itself"
	grep -q 'at or above --fail-on=info: pass' "$T/screen"
	ok $? "the text is on the terminal"
	# long: less holds the screen; devresctl waits for it
	keys "clear" Enter
	keys "'$DEVRESCTL' report --all '$SEED'; echo EXIT=\$?" Enter
	sleep 1.5
	screen
	! grep -q '^EXIT=' "$T/screen" && grep -q '^== boot 0 (' "$T/screen"
	ok $? "less on a long text: the first screen, and the command waits"
	keys q
	wait_for '^EXIT=0'
	ok $? "q quits less, and the command ends with its own status"
	# ^C is less's (K): the command waits for it instead of dying under it
	keys "clear" Enter
	keys "'$DEVRESCTL' report --all '$SEED'; echo EXIT=\$?" Enter
	sleep 1.5
	keys C-c
	wait_for '^EXIT=0'
	ok $? "^C quits less; the command was not killed under it (exit 0, not 130)"
else
	for what in 1 2 3 4 5; do
		n=$((n + 1))
		echo "ok $n - # SKIP less is not installed"
	done
fi

done_testing
