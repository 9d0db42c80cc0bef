#!/bin/sh
# --help is generated from the option tables; the man page must document
# every option it lists, and every command.
. "$top_srcdir/tests/cli/functions.sh"
MAN="$top_srcdir/man/devresctl.8"

for cmd in report check strip watch monitor status enable disable refs record cycle; do
	run $cmd --help
	expect_rc 0 "$cmd --help"
	awk 'length($0) > 80 {n++} END {exit n > 0}' "$T/out"
	ok $? "$cmd --help fits 80 columns"
	grep_out 'See devresctl(8) for details.' "$cmd --help points at the man page"
	for opt in $(grep -o -- '--[a-z-]*' "$T/out" | sort -u); do
		grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$MAN"
		ok $? "man page documents $cmd $opt"
	done
done
run --help
expect_rc 0 "devresctl --help"
awk 'length($0) > 80 {n++} END {exit n > 0}' "$T/out"
ok $? "devresctl --help fits 80 columns"
for opt in $(grep -o -- '--[a-z-]*' "$T/out" | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$MAN"
	ok $? "man page documents $opt"
done
for cmd in $(sed -n '/^Commands:/,/^$/p' "$T/out" | awk 'NF > 1 {print $1}'); do
	grep -q "^\.SS $cmd" "$MAN"
	ok $? "man page has a section for '$cmd'"
done
"$top_builddir/devresd" --help >"$T/out"
ok $? "devresd --help"
for opt in $(grep -o -- '--[a-z-]*' "$T/out" | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$top_srcdir/man/devresd.8"
	ok $? "devresd(8) documents $opt"
done
grep -q '^\.SH PROTOCOL' "$top_srcdir/man/devresd.8"
ok $? "devresd(8) documents the protocol"
grep -q '^\.SH "EXIT STATUS"' "$MAN"
ok $? "man page documents the exit status"
grep -q '^\.SH "JSON OUTPUT"' "$MAN"
ok $? "man page documents the JSON schema"

done_testing
