# A fake system root for the live commands: /proc, /sys, /dev and tracefs as
# plain files, enough for what devresctl reads. Sourced by the live tests.
#
#   fake_root DIR [debug-devres] [tracefs] [kmsg-fifo]
fake_root() {
	r=$1
	shift
	mkdir -p "$r/proc/sys/kernel" "$r/sys/module" "$r/dev" "$r/run" "$r/var/lib"
	echo "6.1.0-fake" >"$r/proc/sys/kernel/osrelease"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0" >"$r/proc/cmdline"
	: >"$r/dev/kmsg"
	for what in "$@"; do
		case $what in
		kmsg-fifo)
			# records arrive while the reader runs, as on /dev/kmsg
			rm -f "$r/dev/kmsg"
			mkfifo "$r/dev/kmsg"
			;;
		debug-devres)
			mkdir -p "$r/sys/module/devres/parameters"
			echo 0 >"$r/sys/module/devres/parameters/log"
			;;
		tracefs)
			t="$r/sys/kernel/tracing"
			mkdir -p "$t/events/dev/devres_log" "$t/instances" "$t/options"
			echo 0 >"$t/events/dev/devres_log/enable"
			echo 1 >"$t/options/hash-ptr"
			# what the kernel fills a new instance with
			i="$t/instances/devresctl"
			mkdir -p "$i/events/dev/devres_log" "$i/options"
			echo 0 >"$i/events/dev/devres_log/enable"
			echo 1 >"$i/options/hash-ptr"
			echo 50 >"$i/buffer_percent"
			: >"$i/trace_pipe"
			;;
		esac
	done
}

# fake_device ROOT BUS NAME DRIVER [MODULE]: a bound platform-style device
fake_device() {
	r=$1 bus=$2 name=$3 drv=$4 mod=${5:-}
	d="$r/sys/devices/$bus/$name"
	mkdir -p "$d" "$r/sys/bus/$bus/devices" "$r/sys/bus/$bus/drivers/$drv"
	printf 'DRIVER=%s\n' "$drv" >"$d/uevent"
	ln -sfn "../../../devices/$bus/$name" "$r/sys/bus/$bus/devices/$name"
	ln -sfn "../../../bus/$bus" "$d/subsystem"
	ln -sfn "../../../bus/$bus/drivers/$drv" "$d/driver"
	: >"$r/sys/bus/$bus/drivers/$drv/bind"
	: >"$r/sys/bus/$bus/drivers/$drv/unbind"
	if [ -n "$mod" ]; then
		mkdir -p "$r/sys/module/$mod/holders"
		echo live >"$r/sys/module/$mod/initstate"
		echo 1 >"$r/sys/module/$mod/refcnt"
		ln -sfn "../../../module/$mod" "$r/sys/bus/$bus/drivers/$drv/module"
	fi
}

# fake_node ROOT DEVPATH DEVNAME: a device node below a device (sysfs side)
fake_node() {
	r=$1 devpath=$2 devname=$3
	mkdir -p "$r/sys$devpath"
	printf 'DEVNAME=%s\n' "$devname" >"$r/sys$devpath/uevent"
	mkdir -p "$r/dev/$(dirname "$devname")"
	: >"$r/dev/$devname"
}

# fake_process ROOT PID COMM FD PATH: a process holding PATH open
fake_process() {
	r=$1 pid=$2 comm=$3 fd=$4 path=$5
	mkdir -p "$r/proc/$pid/fd"
	echo "$comm" >"$r/proc/$pid/comm"
	: >>"$r/proc/$pid/maps"
	ln -sfn "$path" "$r/proc/$pid/fd/$fd"
}

# stop_within SIGNAL PID: sends the signal, waits 5 s at most for the
# process to end (then SIGKILL: a test that fails, not one that hangs);
# its exit status in $rc
stop_within() {
	kill -"$1" "$2"
	_i=0
	while kill -0 "$2" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	kill -KILL "$2" 2>/dev/null
	wait "$2"
	rc=$?
}
