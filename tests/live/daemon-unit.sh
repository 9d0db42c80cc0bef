#!/bin/sh
# devresd.service as generated from data/devresd.service.in: systemd-analyze
# verify accepts it, and its exposure (systemd-analyze security --offline)
# stays at or under 2.7 of 10, the level the README states. Skipped where
# systemd-analyze is missing.
. "$top_srcdir/tests/cli/functions.sh"

if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP systemd-analyze is not installed"
	exit 0
fi
# the ExecStart= binary must exist for verify: the one just built
sed -e "s|@sbindir[@]|$top_builddir|g" "$top_srcdir/data/devresd.service.in" >"$T/devresd.service"
(cd "$T" && systemd-analyze verify --man=no ./devresd.service) >"$T/verify" 2>&1
ok $? "systemd-analyze verify accepts the unit"
[ ! -s "$T/verify" ]
ok $? "with nothing to say"
(cd "$T" && systemd-analyze security --offline=yes ./devresd.service) >"$T/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for devresd.service: \([0-9.]*\).*/\1/p' "$T/security")
echo "# exposure $score"
[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.7) }'
ok $? "exposure $score, at most 2.7"
for d in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	'CapabilityBoundingSet=CAP_SYSLOG CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_CHOWN' \
	'RestrictAddressFamilies=AF_UNIX AF_NETLINK' LimitNOFILE=4096 MemoryMax=1G; do
	grep -qx "$d" "$T/devresd.service"
	ok $? "$d"
done
# what devresd needs must stay allowed: a unit that forbids it cannot run
! grep -Eq '^(ProtectKernelLogs|ProtectKernelTunables|PrivateNetwork)=yes' "$T/devresd.service" &&
	! grep -q '^ProtectProc=invisible' "$T/devresd.service"
ok $? "nothing that takes away /dev/kmsg, tracefs, uevents or /proc/PID/fd"

done_testing
