# Shared helpers for the CLI tests: a TAP producer around the built binary.
: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$top_builddir}"
: "${CAPTURES:=$top_srcdir/tests/captures}"
DEVRESCTL="$top_builddir/devresctl"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0

ok() {  # ok CONDITION-EXIT-CODE DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# run: run devresctl, keep stdout in $T/out, stderr in $T/err, status in $rc
run() {
	"$DEVRESCTL" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

expect_rc() {  # expect_rc WANT DESCRIPTION
	[ "$rc" -eq "$1" ]
	r=$?
	ok $r "$2 (exit $rc, want $1)"
	[ $r -eq 0 ] || sed 's/^/#   /' "$T/err"
}

grep_out() {  # grep_out PATTERN DESCRIPTION
	grep -q -- "$1" "$T/out"
	ok $? "$2"
}

grep_err() {
	grep -q -- "$1" "$T/err"
	ok $? "$2"
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
