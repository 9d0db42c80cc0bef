#!/bin/sh
# Exit status is an interface: 0 ok, 2 usage, 3 operational failure.
. "$top_srcdir/tests/cli/functions.sh"

run report
expect_rc 2 "report without a capture"
grep_err "too few arguments" "says what is missing"
grep_err "Try 'devresctl report --help'" "points at --help"

run report --format=xml /dev/null
expect_rc 2 "bad --format"
grep_err "invalid --format 'xml'" "names the bad value"

run report --bogus /dev/null
expect_rc 2 "unknown option"
# one line for the error, naming the command, then the pointer at --help
[ "$(sed -n 1p "$T/err")" = "devresctl report: unrecognized option '--bogus'" ] &&
	[ "$(sed -n 2p "$T/err")" = "Try 'devresctl report --help' for more information." ] &&
	[ "$(wc -l <"$T/err")" -eq 2 ]
ok $? "an unknown option: one line naming the command, then --help"
run check -z /dev/null
grep_err "^devresctl check: invalid option -- 'z'" "an unknown short option names the command"
run --bogus
[ "$(sed -n 1p "$T/err")" = "devresctl: unrecognized option '--bogus'" ] && [ "$(wc -l <"$T/err")" -eq 2 ]
ok $? "an unknown main option: one line, then --help"
run report "$T/missing.log"
grep_err "^devresctl report: cannot open capture" "an operational error names the command"
run cycle a b
grep_err "^devresctl cycle: too many arguments: expected \[OPTIONS\] DEVICE" "too many arguments says what is expected"

run reprot x
expect_rc 2 "misspelt command"
grep_err "did you mean 'report'" "suggests the closest command"


run report "$T/missing.log"
expect_rc 3 "unreadable capture"
grep_err "cannot open capture '.*missing.log': No such file or directory" "names the file and the reason"

run report "$T"
expect_rc 3 "a directory is no capture"

run report --kb "$T/none.tsv" /dev/null
expect_rc 3 "unreadable knowledge base"

printf 'devm_x_release\n' > "$T/bad.tsv"
run report --kb "$T/bad.tsv" /dev/null
expect_rc 3 "malformed knowledge base"
grep_err "bad.tsv:1: malformed knowledge-base line" "names file and line"

run --version
expect_rc 0 "--version"
grep_out '^devresctl [0-9.]* +udev +kmod' "version and features"

done_testing
