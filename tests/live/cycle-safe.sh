#!/bin/sh
# cycle never unbinds what the machine needs, on a fake root: a device (or
# a parent of one) that holds a mounted filesystem (through a partition, or
# device-mapper on top of it), active swap, a network interface that is up,
# a vsock transport or the guest agent's port is refused without --force;
# --dry-run says what would be unbound and why it is safe or not.
. "$top_srcdir/tests/cli/functions.sh"
. "$top_srcdir/tests/live/fake-root.sh"

R="$T/root"
fake_root "$R" debug-devres
echo 1 >"$R/sys/module/devres/parameters/log"
mkdir -p "$R/sys/dev/block" "$R/sys/class/block" "$R/sys/class/net" "$R/sys/class/virtio-ports"
# block devices: a disk behind a controller, its partitions, a dm device on one
blk() {  # blk DEVPATH-BELOW-/sys/devices NAME MAJ:MIN
	mkdir -p "$R/sys/devices/$1"
	ln -sfn "../../devices/$1" "$R/sys/dev/block/$3"
	ln -sfn "../../devices/$1" "$R/sys/class/block/$2"
}
fake_device "$R" pci 0000:00:17.0 ahci
blk pci/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda sda 8:0
blk pci/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1 sda1 8:1
blk pci/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2 sda2 8:2
fake_device "$R" pci 0000:00:1d.0 nvme
blk pci/0000:00:1d.0/nvme/nvme0/nvme0n1 nvme0n1 259:0
blk virtual/block/dm-0 dm-0 253:0
mkdir -p "$R/sys/devices/virtual/block/dm-0/slaves"
ln -s ../../../../pci/0000:00:1d.0/nvme/nvme0/nvme0n1 "$R/sys/devices/virtual/block/dm-0/slaves/nvme0n1"
mkdir -p "$R/dev/mapper" "$R/proc/self"
ln -s ../dm-0 "$R/dev/mapper/vg-home"
: >"$R/dev/dm-0"
fake_device "$R" pci 0000:00:1e.0 xhci_hcd
blk pci/0000:00:1e.0/usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb sdb 8:16
# the root filesystem on a major of 0 (btrfs), /home on dm, /boot on sda1
cat >"$R/proc/self/mountinfo" <<'MI'
22 1 0:24 / / rw,relatime shared:1 - btrfs /dev/sda2 rw,ssd
23 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw
24 22 253:0 / /home rw,relatime shared:3 - ext4 /dev/mapper/vg-home rw
25 22 8:1 / /boot rw,relatime shared:4 - vfat /dev/sda1 rw
MI
# swap on a USB disk
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sdb\t\tpartition\t8388604\t\t0\t\t-2\n' >"$R/proc/swaps"
# network: eth0 up, wlan0 down, lo (virtual) up
fake_device "$R" pci 0000:00:1f.6 e1000e
fake_device "$R" pci 0000:02:00.0 iwlwifi
for spec in "0000:00:1f.6 eth0 0x1003" "0000:02:00.0 wlan0 0x1002"; do
	set -- $spec
	mkdir -p "$R/sys/devices/pci/$1/net/$2"
	echo "$3" >"$R/sys/devices/pci/$1/net/$2/flags"
	ln -s "../../devices/pci/$1/net/$2" "$R/sys/class/net/$2"
done
mkdir -p "$R/sys/devices/virtual/net/lo"
echo 0x9 >"$R/sys/devices/virtual/net/lo/flags"
ln -s ../../devices/virtual/net/lo "$R/sys/class/net/lo"
# a virtual machine's channels: vsock over virtio, the guest agent's port
fake_device "$R" pci 0000:00:08.0 virtio-pci
mkdir -p "$R/sys/devices/pci/0000:00:08.0/virtio3" "$R/sys/bus/virtio/drivers/vmw_vsock_virtio_transport"
ln -s ../../../../devices/pci/0000:00:08.0/virtio3 "$R/sys/bus/virtio/drivers/vmw_vsock_virtio_transport/virtio3"
fake_device "$R" pci 0000:00:09.0 virtio-pci
mkdir -p "$R/sys/devices/pci/0000:00:09.0/virtio4/virtio-ports/vport4p1"
echo org.qemu.guest_agent.0 >"$R/sys/devices/pci/0000:00:09.0/virtio4/virtio-ports/vport4p1/name"
ln -s ../../devices/pci/0000:00:09.0/virtio4/virtio-ports/vport4p1 "$R/sys/class/virtio-ports/vport4p1"
# and one the machine does not need
fake_device "$R" platform dfx-hda.0 dfx-hda

refused() {  # refused DEVICE WHAT DESCRIPTION
	run --root "$R" cycle "$1"
	[ "$rc" -eq 3 ] && grep -q -- "refusing to unbind $1: it holds .*$2.*; --force does it anyway" "$T/err"
	ok $? "$3"
	[ $? -eq 0 ] || sed 's/^/#   /' "$T/err"
}
refused 0000:00:17.0 'the root filesystem (on sda2)' "the controller of the root filesystem's disk (btrfs, 0:N)"
refused 0000:00:17.0 'the filesystem mounted on /boot (on sda1)' "  and of /boot"
refused 0000:00:1d.0 'the filesystem mounted on /home (on nvme0n1)' "the disk under a device-mapper /home"
refused 0000:00:1e.0 'active swap (/dev/sdb) (on sdb)' "the USB controller of the swap disk"
refused 0000:00:1f.6 'the network interface eth0, which is up' "a network interface that is up"
refused 0000:00:08.0 'the vsock transport (virtio3, vmw_vsock_virtio_transport)' "the vsock transport"
refused 0000:00:09.0 "the guest agent's port org.qemu.guest_agent.0 (vport4p1)" "the guest agent's port"
run --root "$R" cycle --dry-run 0000:02:00.0
expect_rc 0 "a network interface that is down: safe"
grep_out '^  safe: it holds no mounted filesystem' "dry run: says it is safe"

# --dry-run: what, what goes with it, why not, and nothing written
run --root "$R" cycle --dry-run -n 2 0000:00:17.0
expect_rc 3 "dry run of a vital device: it would be refused"
grep_out '^cycle 0000:00:17.0 (driver ahci, /sys/devices/pci/0000:00:17.0): 2 times$' "dry run: the device, its driver, the count"
grep_out "^  would write '0000:00:17.0' to /sys/bus/pci/drivers/ahci/unbind, then to /sys/bus/pci/drivers/ahci/bind$" "dry run: the files written"
grep_out '^  not safe: it holds the root filesystem (on sda2): /sys/devices/pci/0000:00:17.0/ata1/.*/block/sda/sda2$' "dry run: why not, and where"
grep_out '^  not safe: it holds the filesystem mounted on /boot (on sda1)' "dry run: every reason"
grep_out '^cycle would refuse: --force does it anyway$' "dry run: the verdict"
[ ! -s "$R/sys/bus/pci/drivers/ahci/unbind" ]
ok $? "dry run: nothing written to unbind"
run --root "$R" cycle --dry-run --force 0000:00:17.0
expect_rc 0 "dry run with --force"
grep_out '^cycle would unbind it anyway (--force)$' "dry run with --force: says it would"
fake_device "$R" platform dfx-child.0 dfx-child
mv "$R/sys/devices/platform/dfx-child.0" "$R/sys/devices/platform/dfx-hda.0/dfx-child.0"
ln -sfn ../../../devices/platform/dfx-hda.0/dfx-child.0 "$R/sys/bus/platform/devices/dfx-child.0"
ln -sfn ../../../../bus/platform "$R/sys/devices/platform/dfx-hda.0/dfx-child.0/subsystem"
ln -sfn ../../../../bus/platform/drivers/dfx-child "$R/sys/devices/platform/dfx-hda.0/dfx-child.0/driver"
run --root "$R" cycle --dry-run dfx-hda.0
expect_rc 0 "dry run of a device nothing needs"
grep_out '^  safe: it holds no mounted filesystem, active swap, network interface that is up, console, vsock transport or guest agent port$' "dry run: safe, and why"
grep_out '^    dfx-child.0 (dfx-child, platform)$' "dry run: the devices that go with it"

# --force: cycled anyway, with a warning (the fake kernel answers nothing:
# one cycle of writes, then the recording is judged)
run --root "$R" cycle --force -n 1 --settle 0.1 0000:00:1f.6
grep_err 'unbinding 0000:00:1f.6 although it holds the network interface eth0, which is up (--force)' "--force: warns and goes on"
[ "$(cat "$R/sys/bus/pci/drivers/e1000e/unbind")" = "0000:00:1f.6" ]
ok $? "--force: the unbind was written"
done_testing
