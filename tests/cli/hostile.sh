#!/bin/sh
# Hostile input: what made the engine or the writers misbehave once
# (tests/cli/hostile-inputs/README), and inputs that are no capture at all. Each
# must end with a clear message or a result. (Memory and time bounds of
# the big cases: tests/bench/hostile.sh.)
. "$top_srcdir/tests/cli/functions.sh"
H="$top_srcdir/tests/cli/hostile-inputs"
C="$top_srcdir/data/captures/seed-003-component-open-group.log"

# signed overflow in the parsers (UBSan aborts the run if it comes back)
run report -f json "$H/ub-kmsg-usec.log"
expect_rc 0 "a kmsg usec past int64: read, not undefined"
printf '6,4,9223372036854775807,-;drv d.0: DEVRES ADD 00000000000000a1 devm_kzalloc_release (8 bytes)\n' >"$T/kmsg-max"
run report -f json "$T/kmsg-max"
[ "$(jq '.stats.devres_events' "$T/out")" = 1 ]
ok $? "the largest usec a kmsg header can hold is still a record"
run report -f json "$H/ub-parse-seconds.log"
expect_rc 0 "a trace time of 20 digits: read, not undefined"

# truncated compressed captures are errors, like a truncated .gz
for z in xz zst; do
	run check "$H/truncated-half.$z"
	expect_rc 3 "a truncated .$z is an operational failure"
	grep_err "cannot read capture '.*truncated-half.$z': the compressed data is cut short or corrupt" \
		"truncated .$z: the file and the reason"
done
if command -v xz >/dev/null && command -v zstd >/dev/null; then
	"$DEVRESCTL" report -f json "$C" >"$T/plain.json"
	for z in xz zst; do
		if [ $z = xz ]; then xz -c "$C" >"$T/c.$z"; else zstd -q -c "$C" >"$T/c.$z"; fi
		cat "$T/c.$z" "$T/c.$z" >"$T/cc.$z"
		head -c "$(($(wc -c <"$T/c.$z") - 1))" "$T/c.$z" >"$T/cut1.$z"
		run report -f json "$T/c.$z"
		expect_rc 0 "a complete .$z"
		[ "$(jq -c .stats "$T/out")" = "$(jq -c .stats "$T/plain.json")" ]
		ok $? "a complete .$z reads as the plain capture"
		run report -f json "$T/cc.$z"
		[ "$rc" -eq 0 ] && [ "$(jq .stats.devres_events "$T/out")" = $((2 * $(jq .stats.devres_events "$T/plain.json"))) ]
		ok $? "two concatenated .$z streams: both read"
		run report "$T/cut1.$z"
		expect_rc 3 "a .$z short of its last byte is an error"
	done
else
	echo "# xz or zstd not installed: complete and concatenated streams not tested"
fi

# invalid UTF-8 and control characters: JSON and XML stay valid UTF-8,
# text shows control characters as ^A and bytes that are not UTF-8 as \xff
run report --format=json "$H/invalid-utf8.log"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1
ok $? "report JSON: valid UTF-8"
jq -e '[.devices[].device] | index("d\u0001v\u007f") != null' "$T/out" >/dev/null
ok $? "report JSON: control characters escaped, the name kept"
grep -q 'drv\\ufffd\\ufffd' "$T/out"
ok $? "report JSON: each invalid byte is U+FFFD"
run check --format=json "$H/invalid-utf8.log"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1
ok $? "check JSON: valid UTF-8"
run check --format=junit "$H/invalid-utf8.log"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1
ok $? "JUnit XML: valid UTF-8"
! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/out"
ok $? "JUnit XML: no control characters"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$T/out"
	ok $? "JUnit XML: well-formed"
fi
run report "$H/invalid-utf8.log"
! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/out"
ok $? "text: no control characters reach the terminal"
grep -q 'd^Av^?' "$T/out" && grep -q 'drv\\xff\\xfe' "$T/out"
ok $? "text: ^A-style control characters, \\xff for invalid bytes"
"$DEVRESCTL" --color=always report "$C" >"$T/out" 2>"$T/err"
grep -q "$(printf '\033\\[1m')" "$T/out" && ! grep -q '\^\[' "$T/out"
ok $? "text in colour: the writer's own colour sequences pass"

# no capture at all
mkdir "$T/dir"
run report "$T/dir"
expect_rc 3 "a directory"
grep_err "cannot open capture '.*dir': Is a directory" "a directory: named, with the reason"
printf 'x\n' >"$T/unreadable"
chmod 000 "$T/unreadable"
if [ "$(id -u)" != 0 ]; then
	run report "$T/unreadable"
	expect_rc 3 "an unreadable file"
	grep_err "cannot open capture '.*unreadable': Permission denied" "an unreadable file: named, with the reason"
else
	echo "# running as root: an unreadable file cannot be made"
fi
run report -f json /dev/null
[ "$rc" -eq 0 ] && [ "$(jq .stats.lines "$T/out")" = 0 ]
ok $? "an empty input: a result of nothing"
done_testing
