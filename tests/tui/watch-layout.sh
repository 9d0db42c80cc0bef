#!/bin/sh
# devresctl watch at 80x24 and at 120x40, in tmux: what must stay on screen
# when room is short (the header's counts, every key of the help, the key
# line's end), what is cut and how (names end in "..."), the BUS column only
# when a capture says buses, the rows the detail leaves to the device list,
# and the mark of the sort column.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/tui/tmux.sh"
K="$CAPTURES/kernel/uml-6.1.192"
SEED="$top_srcdir/data/captures/seed-003-component-open-group.log"
KM="$K/component-bug/kmsg.txt"
tmux_init

# fifteen devices with one node each: more than the list's share of 80x24
i=1
while [ $i -le 15 ]; do
	printf '[ 1.%06d] drv dev.%02d: DEVRES ADD %016x devm_kzalloc_release (%d bytes)\n' $i $i $i $((i * 8))
	i=$((i + 1))
done >"$T/many.log"
# names longer than their columns at 80 columns
long_dev=an-unusually-long-device-name-for-a-column.7
long_drv=a-driver-with-a-long-name
printf '[ 1.0] %s %s: DEVRES ADD 00000000000000a1 devm_kzalloc_release (16 bytes)\n' "$long_drv" "$long_dev" >"$T/long.log"

for size in "80 24" "120 40"; do
	set -- $size
	W=$1 H=$2
	# --- the header keeps the counts, in step mode too
	start $W $H "" "--step --replay '$KM'"
	shows '^ \[step' "${W}x$H: step mode"
	keys n n n
	shows '^ \[step[^]]*\] [0-9]* lines | 1 device, 3 live (192) | findings 0E 0W 0I' "${W}x$H: the header keeps every count"
	fits $W $H "${W}x$H: the frame fits"
	if [ $W -ge 120 ]; then
		shows '^ \[step: n for the next event\] ' "${W}x$H: the mode says how to step"
		shows '| .*/component-bug/kmsg\.txt$' "${W}x$H: and the source, as much as fits"
	else
		shows '| \.\.\..*kmsg\.txt$' "${W}x$H: the source loses its start, the file name stays"
	fi
	# kmsg dictionaries say the bus
	shows '^BUS  *DEVICE' "${W}x$H: a capture that says buses has the BUS column"
	shows '^platform  *dfx-hda\.0  *dfx-hda  *bound  *3' "${W}x$H: the device's bus"
	tail -n 1 "$T/screen" | grep -q '?Help.*qQuit *$'
	ok $? "${W}x$H: the key line keeps its ends"

	# --- the help box is not cut
	keys '?'
	shows 'devresctl watch - keys' "${W}x$H: ? opens the help"
	screen
	missing=0
	for line in \
		'1 2 3 4, Tab  *Devices, Events, Findings, References view' \
		'PgUp PgDn Home End  *a page up or down; the first or the last (also g G)' \
		'Enter, Right  *Devices: focus its list; Findings: go to its device' \
		'/  *filter devices (name, driver, bus, state) and events' \
		'p, Space  *pause, or play on (from step mode too); live: freeze' \
		's  *save the lines played so far as a capture file' \
		'q, F10  *quit'; do
		grep -q -- "$line" "$T/screen" || { echo "# not on screen: $line"; missing=1; }
	done
	[ $missing -eq 0 ]
	ok $? "${W}x$H: every key of the help is on screen, none cut"
	fits $W $H "${W}x$H: the help box fits"
	keys q
	shows '^EXIT=0' "${W}x$H: q quits from the help"

	# --- no bus known: no BUS column; the sort column's mark
	start $W $H "" "--replay '$SEED'"
	shows '^ \[done\] 7 lines | 2 devices, 1 live (24) | findings 1E 0W 3I' "${W}x$H: seed 003 replayed"
	lacks '^BUS' "${W}x$H: dmesg says no bus: no BUS column"
	shows '^DEVICE^ ' "${W}x$H: sorted by name, marked"
	shows '^0000:00:02\.0  *i915' "${W}x$H: by name, i915's device first"
	keys o
	shows '^DEVICE  .* LIVEv ' "o: sorted by live nodes, the most first, the mark moved"
	screen
	sed -n 4p "$T/screen" | grep -q '^0000:00:1f\.3 '
	ok $? "${W}x$H: by live nodes, the device with one first"
	keys O
	shows ' LIVE^ ' "O: the mark turns"
	screen
	sed -n 4p "$T/screen" | grep -q '^0000:00:02\.0 '
	ok $? "${W}x$H: reversed, the device with none first"
	keys q

	# --- the rows the detail does not need go to the device list
	start $W $H "" "--replay '$T/many.log'"
	shows '^ \[done\] 15 lines | 15 devices' "${W}x$H: fifteen devices"
	screen
	[ "$(grep -c '^dev\.[0-9][0-9]  *drv  ' "$T/screen")" -eq 15 ] &&
		grep -q '^dev\.01  driver drv  bound  1 live, 8 bytes' "$T/screen" &&
		grep -q '^devm_kzalloc_release  *8  memory' "$T/screen"
	ok $? "${W}x$H: every device in the list, the selected one's detail below"
	fits $W $H "${W}x$H: the frame fits"
	keys q

	# --- names too long for their columns end in "..."
	start $W $H "" "--replay '$T/long.log'"
	shows '^ \[done\]' "${W}x$H: long names"
	if [ $W -ge 120 ]; then
		shows "^$long_dev  *$long_drv  *bound " "${W}x$H: room for them in full"
	else
		shows '^\.\.\.[a-z-]*-column\.7 a-driver-with\.\.\. bound ' \
			"${W}x$H: the device's name keeps its end, the driver's its start, each with ..."
	fi
	fits $W $H "${W}x$H: the frame fits"
	keys q
done

done_testing
