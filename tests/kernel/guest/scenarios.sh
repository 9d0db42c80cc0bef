# Scenarios of `make check-kernel`, sourced by guest/init.sh (POSIX sh).
# What each does to the fixture's devices is spelt out, as the kernel's
# operations, in ../expect/<scenario>.exp; keep the two in step.
# pre_X / post_X, where defined, run before the recorders start and after
# they stopped.

CTL=/sys/kernel/debug/devres_fixture/ctl
ctl()    { step "ctl $*"; echo "$*" > "$CTL" || step "ctl '$*' failed"; settle; }
unbind() { step "unbind $2"; echo "$2" > "/sys/bus/platform/drivers/$1/unbind" || step "unbind $2 failed"; settle; }
bind()   { step "bind $2"; echo "$2" > "/sys/bus/platform/drivers/$1/bind" || step "bind $2 failed"; settle; }
settle() { sleep 0.2; }

scenario_clean() {
	ctl add dfx-clean 0
	unbind dfx-clean dfx-clean.0
	bind dfx-clean dfx-clean.0
	unbind dfx-clean dfx-clean.0
	ctl del dfx-clean 0
	ctl add dfx-clean 1
}

component() { # id
	ctl add dfx-hda "$1"
	ctl add dfx-gfx "$1"
	ctl hda-late "$1"
	unbind dfx-gfx "dfx-gfx.$1"
	unbind dfx-hda "dfx-hda.$1"
	ctl del dfx-gfx "$1"
	ctl del dfx-hda "$1"
}
scenario_component_bug() { component 0; }
scenario_component_fixed() { component 1; }

# the recording of the buggy pair, replayed in the terminal view under tmux
post_component_bug() {
	if ! command -v tmux >/dev/null; then
		echo "tmux not installed" > "$O/tmux.skip"
		return
	fi
	tmux -S /tmp/tmux.sock new-session -d -x 160 -y 48 \
		"$DC watch --replay $O/rec-both.rec 2> $O/watch.err; echo \$? > $O/watch.rc; sleep 30" ||
		{ echo "tmux cannot start a session here" > "$O/tmux.skip"; return; }
	sleep 4
	tmux -S /tmp/tmux.sock capture-pane -p > "$O/watch-pane.txt"
	tmux -S /tmp/tmux.sock send-keys q
	sleep 1
	tmux -S /tmp/tmux.sock kill-server 2>/dev/null
}

scenario_ops() {
	ctl add dfx-ops 0
	unbind dfx-ops dfx-ops.0
	ctl del dfx-ops 0
}

scenario_probe_fail() {
	ctl add dfx-fail 0
	bind dfx-fail dfx-fail.0
	ctl del dfx-fail 0
}

scenario_probe_defer() {
	ctl add dfx-defer 0
	ctl supplier-up
	unbind dfx-defer dfx-defer.0
	ctl del dfx-defer 0
	ctl del dfx-supplier 0
}

scenario_async() {
	ctl async-add3
	unbind dfx-async dfx-async.0 & p0=$!
	unbind dfx-async dfx-async.1 & p1=$!
	unbind dfx-async dfx-async.2 & p2=$!
	wait $p0 $p1 $p2
	ctl del dfx-async 0
	ctl del dfx-async 1
	ctl del dfx-async 2
}

# root-prefix is the same on a kernel booted with devres_release_on_del=0
scenario_root() {
	ctl root-plain
	ctl root-getput
	ctl root-getput-drop
	ctl root-selfref
	ctl pdev-selfref
}
scenario_root_prefix() { scenario_root; }

# late start: booted with devres.log=0, switched on and off at run time;
# the tracepoint does not look at devres.log
scenario_partial_log() {
	ctl add dfx-clean 0
	ctl add dfx-hda 0
	ctl add dfx-gfx 0
	echo 1 > /sys/module/devres/parameters/log
	step "devres.log=$(cat /sys/module/devres/parameters/log)"
	ctl hda-late 0
	unbind dfx-clean dfx-clean.0
	bind dfx-clean dfx-clean.0
	unbind dfx-gfx dfx-gfx.0
	echo 0 > /sys/module/devres/parameters/log
	step "devres.log=$(cat /sys/module/devres/parameters/log)"
	unbind dfx-hda dfx-hda.0
}

# a release callback that adds a node while devres_release_all() runs; the
# node blocks the next probe ("Resources present before probing", -EBUSY)
# until device_del() releases it
scenario_reent() {
	ctl add dfx-reent 0
	unbind dfx-reent dfx-reent.0
	bind dfx-reent dfx-reent.0
	ctl del dfx-reent 0
}

# a probe that registers a child device, which probes inside it
scenario_nest() {
	ctl add dfx-nest 0
	unbind dfx-nest dfx-nest.0
	bind dfx-nest dfx-nest.0
}

# devresctl cycle on a fixture device
scenario_cycle() {
	ctl add dfx-clean 0
	step "cycle"
	"$DC" cycle -n 3 --settle=0.2 -o "$O/cycle.rec" dfx-clean.0 > "$O/cycle.out" 2> "$O/cycle.err"
	echo $? > "$O/cycle.rc"
}

# devresd with two clients: a socket subscriber and watch in tmux
pre_devresd() {
	mkdir -p "$O/journal"
	"$DK_BIN/devresd" --journal="$O/journal" --fsync=always > "$O/devresd.out" 2> "$O/devresd.err" &
	DEVRESD=$!
	i=0
	while [ ! -S /run/devresd/socket ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	"$DK_BIN/tests/live/sockclient" /run/devresd/socket \
		-s '{"cmd":"subscribe","events":true,"findings":true}' -t 60 > "$O/devresd-sub.txt" 2>&1 &
	SUB=$!
	"$DC" status > "$O/status.txt" 2>&1
	if command -v tmux >/dev/null &&
	   tmux -S /tmp/tmux.sock new-session -d -x 160 -y 48 \
		"$DC watch --source=devresd 2> $O/watch.err; echo \$? > $O/watch.rc; sleep 30"; then
		:
	else
		echo "tmux cannot start a session here" > "$O/tmux.skip"
	fi
}
scenario_devresd() {
	component 0
	ctl add dfx-clean 0
}
post_devresd() {
	if [ ! -f "$O/tmux.skip" ]; then
		tmux -S /tmp/tmux.sock capture-pane -p > "$O/watch-pane.txt"
		tmux -S /tmp/tmux.sock send-keys q
		sleep 1
		tmux -S /tmp/tmux.sock kill-server 2>/dev/null
	fi
	# the subscriber ends (and writes out what it got) when devresd hangs up
	kill -TERM "$DEVRESD"
	wait "$DEVRESD"
	echo $? > "$O/devresd.rc"
	i=0
	while kill -0 "$SUB" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$SUB" 2>/dev/null && { step "subscriber still connected 5 s after devresd ended"; kill -TERM "$SUB"; }
	wait "$SUB"
}

# many bind/unbind cycles of dfx-clean.0 and of the component-fixed pair,
# one component-bug pair in the middle, no settle between steps
scenario_soak() {
	n=${SOAK_CYCLES:-2000}
	ctl add dfx-clean 0
	ctl add dfx-hda 1
	ctl add dfx-gfx 1
	i=0
	while [ "$i" -lt "$n" ]; do
		echo dfx-clean.0 > /sys/bus/platform/drivers/dfx-clean/unbind
		echo dfx-clean.0 > /sys/bus/platform/drivers/dfx-clean/bind
		if [ $((i % 10)) -eq 0 ]; then
			echo dfx-gfx.1 > /sys/bus/platform/drivers/dfx-gfx/unbind
			echo dfx-gfx.1 > /sys/bus/platform/drivers/dfx-gfx/bind
		fi
		[ "$i" -eq $((n / 2)) ] && component 0
		i=$((i + 1))
	done
	unbind dfx-gfx dfx-gfx.1
	unbind dfx-hda dfx-hda.1
	ctl del dfx-gfx 1
	ctl del dfx-hda 1
}
