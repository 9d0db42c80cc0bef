#!/bin/sh
# Inputs: compressed captures, stdin, and hostile input that must end cleanly.
. "$top_srcdir/tests/cli/functions.sh"
K="$CAPTURES/kernel/uml-6.1.192"

events() { jq -r '.stats.devres_events' "$T/out"; }

cp "$K/ops/dmesg.txt" "$T/c"
gzip -c "$T/c" > "$T/c.gz"
run report -f json "$T/c.gz"
[ "$(events)" = 49 ]
ok $? "gzip capture read transparently"

if command -v xz >/dev/null; then
	xz -c "$T/c" > "$T/c.xz"
	run report -f json "$T/c.xz"
	[ "$(events)" = 49 ]
	ok $? "xz capture read transparently"
else
	echo "ok $((n = n + 1)) # SKIP xz not installed"
fi
if command -v zstd >/dev/null; then
	zstd -q -c "$T/c" > "$T/c.zst"
	run report -f json "$T/c.zst"
	[ "$(events)" = 49 ]
	ok $? "zstd capture read transparently"
else
	echo "ok $((n = n + 1)) # SKIP zstd not installed"
fi

"$DEVRESCTL" report -f json - < "$T/c" > "$T/out" 2>"$T/err"
[ "$(events)" = 49 ]
ok $? "'-' reads standard input"

# text saved by Windows editors and PowerShell: a UTF-8 byte order mark,
# UTF-16 with or without one; lines ending in CR alone; read as the same capture
shape() { jq -c '[.stats.lines, .stats.devres_events, .stats.undecoded, .boots[0].kernel,
	[.devices[] | [.device, .driver, .state, [.live[] | [.name, .size, .line]]]]]' "$1"; }
run report -f json -a "$K/component-bug/dmesg.txt"
shape "$T/out" > "$T/want"
for enc in utf-8-bom utf-16 utf-16be utf-16le cr-lines; do
	case $enc in
	utf-8-bom) { printf '\357\273\277'; cat "$K/component-bug/dmesg.txt"; } > "$T/e" ;;
	cr-lines) tr '\n' '\r' < "$K/component-bug/dmesg.txt" > "$T/e" ;;
	*) iconv -f utf-8 -t "$enc" "$K/component-bug/dmesg.txt" > "$T/e" ;;
	esac
	gzip -c "$T/e" > "$T/e.gz"
	run report -f json -a "$T/e.gz"
	shape "$T/out" > "$T/got"
	cmp -s "$T/want" "$T/got"
	ok $? "$enc text (compressed too) reads as the same capture"
done

# a message saved from a list archive's web page: the log in <pre>, "<" and
# ">" as entities, a reply's quote of it in <span> tags
{
	echo '<!DOCTYPE html><html><head><title>Re: devres</title></head><body><pre>'
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$K/component-bug/dmesg.txt"
	echo 'On Tue, someone wrote:'
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/^/<span class="q">\&gt; /' -e 's/$/<\/span>/' \
		"$K/component-bug/dmesg.txt"
	echo '</pre></body></html>'
} > "$T/page.html"
run report -f json -a "$T/page.html"
jq -c '[.stats.devres_events, .stats.undecoded, .boots[0].kernel,
	[.devices[] | [.device, .driver, .state, [.live[] | [.name, .size]]]]]' "$T/out" > "$T/got"
run report -f json -a "$K/component-bug/dmesg.txt"
jq -c '[.stats.devres_events, .stats.undecoded, .boots[0].kernel,
	[.devices[] | [.device, .driver, .state, [.live[] | [.name, .size]]]]]' "$T/out" > "$T/want"
cmp -s "$T/want" "$T/got"
ok $? "a list archive's web page reads as the capture, its quote as copies"

# CRLF text from a pipe whose first read ends between CR and LF is no CR-only text
{ printf '[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 kz (8 bytes)\r'; sleep 0.3
  printf '\n[ 1.1] drv d.0: DEVRES ADD 00000000000000a2 kz (8 bytes)\r\n'; } |
	"$DEVRESCTL" report -f json - > "$T/out" 2>"$T/err"
[ "$(jq -c '[.stats.lines, .stats.devres_events]' "$T/out")" = "[2,2]" ]
ok $? "CRLF cut by a short read: two lines"

head -c 100000 "$T/c.gz" | head -c 2000 > "$T/trunc.gz"
run report "$T/trunc.gz"
expect_rc 3 "truncated gzip is an operational failure"
grep_err "cannot read capture" "says it could not read it"

# binary garbage with NUL bytes, a 10 MB line, a cut last line
{
	head -c 200000 /dev/urandom
	printf '\n[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 devm_kzalloc_release (8 bytes)\n'
	printf '\0\0\0 DEVRES ADD \0 (8 bytes)\n'
	head -c 10485760 /dev/zero | tr '\0' 'x'
	printf '\n[ 1.1] drv d.0: DEVRES ADD 00000000000000a2 devm_kzalloc_release (16 bytes)\n'
	printf '[ 1.2] drv d.0: DEVRES ADD 00000000000000a3 devm_kzal'
} > "$T/hostile"
run report -f json "$T/hostile"
expect_rc 0 "hostile input ends cleanly"
[ "$(events)" = 2 ]
ok $? "good lines among garbage are all taken"
jq -e '.stats.long_lines >= 1 and .stats.undecoded >= 2' "$T/out" >/dev/null
ok $? "the long line and the bad lines are counted"
grep_err "could not be decoded (first: .*hostile:[0-9]*)" "a summary names the first bad line"

# a real 6.18 kernel's trace instance (name a __data_loc string, raw pointers):
# vmgenid maps its buffer with devm on the ACPI companion, which has the
# platform device's name, so each bind leaves a mapping behind
V="$CAPTURES/kernel/fc-6.18.44/vmgenid-bind-trace.log"
run report --format=json "$V"
jq -e '.boots[0].kernel == "6.18.44-fc-v657" and .stats.undecoded == 0 and (.devices | length) == 1 and ([.devices[0].live[].name] == ["devm_memremap_release", "devm_memremap_release"]) and .devices[0].live[0].id == "ffff88811be76540"' "$T/out" >/dev/null
ok $? "a real 6.18 trace: two binds leave two mappings, raw ids"

# --debug=stream: which transport took each line and why, on stderr; the
# report itself is the same as without it
{
	printf 'Mar  8 22:20:36 host kernel: [ 1.9] drv d.0: DEVRES ADD 00000000000000b1 devm_kzalloc_release (8 bytes)\n'
	printf 'Mar  8 22:20:36 host sshd[1]: drv d.0: DEVRES ADD 00000000000000b9 devm_kzalloc_release (8 bytes)\n'
	printf '> [ 2.0] drv d.0: DEVRES REL 00000000000000b1 devm_kzalloc_release\n'
	printf '> (8 bytes)\n'
	printf '6,1,2000000,-;drv d.1: DEVRES ADD 00000000000000b2 devm_kzalloc_release (8 bytes)\n'
	printf ' SUBSYSTEM=platform\n'
	printf '[ 3.0] drv d.1: DEVRES ADD nonsense\n'
	printf '  task-1 [001] 4.0:   dev:devres_log: d.2 0xffffffff81234567 00000000000000b3 devm_kzalloc_release (8 bytes)\n'
	printf 'KERNEL[5.0] unbind   /devices/platform/d.1 (platform)\n'
	printf '\n'
} > "$T/debug.log"
run report --format=json "$T/debug.log"
cp "$T/out" "$T/plain.json"
run report --format=json --debug=stream "$T/debug.log"
expect_rc 0 "report --debug=stream"
cmp -s "$T/out" "$T/plain.json"
ok $? "--debug=stream does not change the report"
grep -q '^stream: ' "$T/out"
[ $? -ne 0 ]
ok $? "--debug=stream writes nothing to standard output"
grep_err "^stream: $T/debug.log:1: syslog: a logger's 'TIME HOST kernel: '" "a syslog line is syslog's, with why"
grep_err "^stream: $T/debug.log:1: message: devres ADD of devm_kzalloc_release on d.0" "and the message it held"
grep_err "^stream: $T/debug.log:2: syslog: .*not the kernel's: passed over" "another program's line is said to be passed over"
grep_err "^stream: $T/debug.log:3: mail: quoted 1 deep" "mail quoting is named"
grep_err "^stream: $T/debug.log:3: hold: a devres line cut short" "a wrapped devres line is held"
grep_err "^stream: $T/debug.log:4: hold: the rest of the devres line held at line 3, joined to it" "and joined to its rest"
grep_err "^stream: $T/debug.log:5: kmsg: a record" "a /dev/kmsg record is kmsg's"
grep_err "^stream: $T/debug.log:6: kmsg: a dictionary line of its record" "its dictionary line too"
grep_err "^stream: $T/debug.log:7: dmesg: '\\[' first" "a console line is dmesg's"
grep_err "^stream: $T/debug.log:7: message: not decoded: expected" "an undecodable devres line says what was expected"
grep_err "^stream: $T/debug.log:8: trace: a trace event" "a perf/trace-cmd line is the trace's"
grep_err "^stream: $T/debug.log:8: defer: an op printed as an address" "its op address defers it"
grep_err "^stream: $T/debug.log:9: udev: an event as the kernel sent it" "a udevadm monitor line is udev's"
grep_err "^stream: $T/debug.log:10: udev: an empty line: the end of its event" "and the empty line ends its event"
run check --debug=rules,stream "$CAPTURES/kernel/uml-6.1.192/component-bug/dmesg.txt"
expect_rc 1 "check --debug=rules,stream keeps the verdict"
grep_err '^explain: ' "rules: the decisions"
grep_err '^stream: .*dmesg.txt:[0-9]*: message: devres ADD' "stream: how each line was read"
run report --debug=streams "$T/debug.log"
expect_rc 2 "--debug with an unknown WHAT is a usage error"
grep_err "invalid --debug 'streams': expected rules, stream or both" "and says what is expected"

# journalctl -o export cut by a short write, the next entry written onto
# the cut one (JOURNAL_EXPORT_FORMATS.md: entries end with an empty line):
# the cut entry is reported with its file and line, the others are read
A='devm_kzalloc_release (8 bytes)'
printf '%s\n' '__CURSOR=s=1;i=1' '__REALTIME_TIMESTAMP=1' '_TRANSPORT=kernel' \
	'MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000000000aa devm_kzal__CURSOR=s=1;i=2' \
	'__REALTIME_TIMESTAMP=2' '_TRANSPORT=kernel' "MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000000000bb $A" '' \
	'__CURSOR=s=1;i=3' '__REALTIME_TIMESTAMP=3' '_TRANSPORT=kernel' \
	"MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000000000cc $A" '' >"$T/cut.export"
run report -f json "$T/cut.export"
[ "$(events)" = 2 ] && [ "$(jq -r '.stats.undecoded' "$T/out")" = 1 ]
ok $? "journal export, an entry cut and glued to the next: the others read, it counted"
grep_err "$T/cut.export:4: .*expected the end of a journal export entry (an empty line) before the next entry's __CURSOR=" \
	"and reported with file, line and what was expected"

# systemd-journald's own entry when it could not read kernel records in
# time (journald-kmsg.c: "Missed N kernel messages", _TRANSPORT=driver): a
# loss of N where it stands, in journalctl's short, short-monotonic, export
# and JSON output
D='dfx-clean dfx-clean.0: DEVRES'
printf '%s\n' "Dec 03 05:00:01 rig kernel: $D ADD 00000000000000aa $A" \
	'Dec 03 05:00:01 rig systemd-journald[245]: Missed 17 kernel messages' \
	"Dec 03 05:00:02 rig kernel: $D REL 00000000000000aa $A" >"$T/missed.short"
printf '%s\n' '__CURSOR=s=1;i=1' '_TRANSPORT=kernel' "MESSAGE=$D ADD 00000000000000aa $A" '' \
	'__CURSOR=s=1;i=2' '_TRANSPORT=driver' 'SYSLOG_IDENTIFIER=systemd-journald' \
	'MESSAGE=Missed 17 kernel messages' '' \
	'__CURSOR=s=1;i=3' '_TRANSPORT=kernel' "MESSAGE=$D REL 00000000000000aa $A" '' >"$T/missed.export"
printf '%s\n' "{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"$D ADD 00000000000000aa $A\"}" \
	'{"_TRANSPORT":"driver","SYSLOG_IDENTIFIER":"systemd-journald","MESSAGE":"Missed 17 kernel messages"}' \
	"{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"$D REL 00000000000000aa $A\"}" >"$T/missed.json"
printf '%s\n' "[    1.000000] rig kernel: $D ADD 00000000000000aa $A" \
	'[    1.100000] rig systemd-journald[245]: Missed 17 kernel messages' \
	"[    2.000000] rig kernel: $D REL 00000000000000aa $A" >"$T/missed.monotonic"
for f in short monotonic export json; do
	run report -f json "$T/missed.$f"
	[ "$rc" -eq 0 ] && [ "$(events)" = 2 ] && [ "$(jq '.stats.lost_events' "$T/out")" = 17 ] &&
		[ "$(jq '[.findings[] | select(.rule == "log-loss")] | length' "$T/out")" = 1 ]
	ok $? "journald's 'Missed 17 kernel messages' ($f): a loss of 17, stated" "$T/out"
done
# near misses: the same words from another program or in another sentence,
# or the kernel's transport, are no loss
sed 's/systemd-journald\[245\]/myapp[7]/' "$T/missed.short" >"$T/near1.short"
sed 's/Missed 17 kernel messages/Missed 17 kernel messages today/' "$T/missed.short" >"$T/near2.short"
sed 's/_TRANSPORT=driver/_TRANSPORT=stdout/' "$T/missed.export" >"$T/near3.export"
sed 's/systemd-journald\[245\]/myapp[7]/' "$T/missed.monotonic" >"$T/near4.monotonic"
for f in near1.short near2.short near3.export near4.monotonic; do
	run report -f json "$T/$f"
	[ "$rc" -eq 0 ] && [ "$(events)" = 2 ] && [ "$(jq '.stats.lost_events' "$T/out")" = 0 ]
	ok $? "near miss $f: no loss" "$T/out"
done

done_testing
