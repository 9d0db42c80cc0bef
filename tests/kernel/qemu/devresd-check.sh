#!/bin/sh
# Run by devresd-check.service inside the systemd guest of qemu-systemd.sh:
# devresd.service started by systemd as installed, a driver unbound and bound
# again while it runs, the daemon asked for what it collected, stopped; the
# results go as a tar archive onto the raw "out" disk, then power off.
D=/run/devresd-test
O=$D/out
mkdir -p $O
exec > $O/check.log 2>&1
export NO_COLOR=1 DEVRESCTL_KB=$D/release-functions.tsv
systemctl start devresd.service
echo $? > $O/start.rc
i=0
while [ ! -S /run/devresd/socket ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
systemctl show devresd.service -p ActiveState -p SubState -p NRestarts > $O/show.txt
stat -c '%A %U %G %n' /run/devresd /run/devresd/socket /var/lib/devresd > $O/paths.txt 2>&1
pid=$(systemctl show -p MainPID --value devresd.service)
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/$pid/status > $O/status.txt
# a driver cycle while it runs
dev=$(basename "$(readlink -f /sys/bus/pci/drivers/snd_hda_intel/0000:* 2> /dev/null | head -1)")
echo "$dev" > $O/device.txt
echo "$dev" > /sys/bus/pci/drivers/snd_hda_intel/unbind
sleep 1
echo "$dev" > /sys/bus/pci/drivers/snd_hda_intel/bind
sleep 2
$D/devresctl report --source=devresd -a --format=json > $O/report.json 2> $O/report.err
echo $? > $O/report.rc
systemctl show devresd.service -p ActiveState -p SubState -p NRestarts > $O/show-after.txt
systemd-analyze security devresd.service > $O/security.txt 2>&1
systemctl stop devresd.service
echo $? > $O/stop.rc
systemctl show devresd.service -p Result -p ExecMainCode -p ExecMainStatus > $O/stop.txt
journalctl -b -u devresd.service --no-pager -o short-monotonic > $O/journal.txt 2>&1
echo done > $O/check-done
OUTDEV=
for b in /sys/block/sd*; do
	[ "$(cat $b/size)" = 131072 ] && OUTDEV=/dev/$(basename $b)
done
if [ -n "$OUTDEV" ]; then
	tar cf "$OUTDEV" -C $O . && sync
else
	echo "check-kernel: no out disk" > /dev/console
fi
systemctl poweroff --force --force
