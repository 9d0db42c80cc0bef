#!/bin/sh
# devresd on a real /dev/kmsg (the User-Mode Linux rig, see its README):
# a restart within the same boot that misses kernel records must mark them.
#
#   tests/bench/daemon-rig.sh BUILDDIR OUTDIR [RIG]
#
# BUILDDIR holds devresd and tests/live/sockclient (a build without
# sanitizers); OUTDIR must not be under /tmp (the guest mounts its own);
# RIG is the rig's folder (default /work/shared/rig). In the guest, during
# the component-bug scenario: devresd starts, journals a marker record,
# stops; five records are logged; devresd starts again. Then the journal's
# "devresctl-lost: kmsg N records logged while devresd was not running" is
# checked against the kernel's own record of what was logged (kmsg.txt).
set -eu
B=$(readlink -f "$1")
OUT=$(readlink -f "$2")
RIG=${3:-/work/shared/rig}
mkdir -p "$OUT"
# the rig empties OUTDIR: the script and the log go beside it
cat >"$OUT.live.sh" <<EOS
#!/bin/sh
J="$OUT/journal"
case "\$1" in
start)
	rm -rf "\$J"
	$B/devresd --no-trace --journal "\$J" 2>>"\$2/devresd.err" &
	echo \$! >"\$2/pid1"
	sleep 1
	echo "<6>rig-gap-test before" >/dev/kmsg
	sleep 0.5
	grep -E '^Cap(Eff|Bnd)|NoNewPrivs' /proc/\$(cat "\$2/pid1")/status >"\$2/caps.txt"
	kill -TERM \$(cat "\$2/pid1")
	sleep 0.5
	for i in 1 2 3 4 5; do echo "<6>rig-gap-test \$i" >/dev/kmsg; done
	$B/devresd --no-trace --journal "\$J" 2>>"\$2/devresd.err" &
	echo \$! >"\$2/pid2"
	sleep 1
	echo "<6>rig-gap-test after" >/dev/kmsg
	touch "\$2/start-done"
	;;
stop)
	i=0
	while [ ! -e "\$2/start-done" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
	sleep 1
	kill -TERM \$(cat "\$2/pid2")
	sleep 1
	cp "\$J/journal.log" "\$2/journal.log"
	;;
esac
EOS
chmod +x "$OUT.live.sh"
"$RIG/run-uml.sh" component-bug "$OUT" "" RIG_LIVE="$OUT.live.sh" >"$OUT.rig.out" 2>&1
cat "$OUT/devresd.err" "$OUT/caps.txt"
marker=$(sed -n 's/^devresctl-lost: kmsg \([0-9]*\) records logged while devresd was not running$/\1/p' "$OUT/journal.log")
# the last record journaled before the marker, the first after it
before=$(sed -n '/^devresctl-lost: kmsg/q;p' "$OUT/journal.log" | grep -Eo '^[0-9]+,[0-9]+,' | tail -n 1 | cut -d, -f2)
after=$(sed -n '/^devresctl-lost: kmsg/,$p' "$OUT/journal.log" | grep -Eo '^[0-9]+,[0-9]+,' | head -n 1 | cut -d, -f2)
logged=$(awk -F, -v a="$before" -v b="$after" '/^[0-9]+,[0-9]+,/ && $2 > a && $2 < b' "$OUT/kmsg.txt" | wc -l)
echo "marker: ${marker:-none}; journal jumps from record $before to $after; the kernel logged $logged records between"
[ -n "$marker" ] && [ "$marker" -eq "$logged" ] && grep -q 'rig-gap-test 3' "$OUT/kmsg.txt"
