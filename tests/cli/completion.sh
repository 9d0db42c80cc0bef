#!/bin/bash
# Shell completion: a real bash runs data/completion/bash/devresctl on
# command lines, and what it offers must be what the binary parses: every
# command of --help, every option of each command's --help, each value its
# help names, files, directories and device names of a fake sysfs.
. "$top_srcdir/tests/cli/functions.sh"
# one line an option in --help, whatever the width
export COLUMNS=1000
BASH_COMP="$top_srcdir/data/completion/bash/devresctl"
ROOT="$T/root"
mkdir -p "$ROOT/sys/bus/platform/devices/dfx-hda.0" "$ROOT/sys/bus/pci/devices/0000:00:1f.3" \
	"$ROOT/sys/class/drm/card0"
mkdir -p "$T/caps" && : >"$T/caps/a.log" && : >"$T/caps/b.log.gz" && mkdir "$T/caps/sub"

# comp WORD...: the words of the line, the last one being completed; the
# replies go to $T/comp, one a line, sorted
comp() {
	DEVRESCTL_ROOT=$ROOT PATH="$top_builddir:$PATH" bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		cd "$CAPDIR" && _devresctl
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' bash "$BASH_COMP" devresctl "$@" | sort >"$T/comp"
}
export CAPDIR="$T/caps"
has() {  # has WORD DESCRIPTION
	grep -qxF -- "$1" "$T/comp"
	ok $? "$2"
}

run --help
cmds=$(sed -n '/^Commands:/,/^$/p' "$T/out" | awk 'NF > 1 {print $1}')
comp ""
for c in $cmds; do has "$c" "the first word offers the command '$c'"; done
[ "$(wc -l <"$T/comp")" -eq "$(($(echo "$cmds" | wc -w) + 1))" ]
ok $? "the first word offers the commands of --help and 'help', nothing else"
comp re
[ "$(tr '\n' ' ' <"$T/comp")" = "record refs report " ]
ok $? "'re' completes to record, refs and report"
comp --
for o in $(grep -o -- '--[a-z-]*' "$T/out" | sort -u); do
	grep -qx -- "$o=\?" "$T/comp"
	ok $? "the main options offer $o"
done

for c in $cmds; do
	run "$c" --help
	comp "$c" --
	want=$(grep -o -- '--[a-z-]*' "$T/out" | sort -u)
	got=$(sed 's/=$//' "$T/comp" | sort -u)
	[ "$want" = "$got" ]
	ok $? "$c: the options offered are those of '$c --help'"
	# every option taking a value is offered with '=' and no space
	for o in $(grep -o -- '--[a-z-]*=[A-Z]*' "$T/out" | sed 's/=.*//' | sort -u); do
		grep -qx -- "$o=" "$T/comp"
		ok $? "$c: $o is offered as '$o='"
	done
done

# values: bash splits "--format=" at '=' (COMP_WORDBREAKS): "--format" "=" "";
# without '=' in COMP_WORDBREAKS the word stays whole and so does the reply
comp check --format = ""
[ "$(tr '\n' ' ' <"$T/comp")" = "json junit kcidb tap text " ]
ok $? "check --format= offers json, junit, kcidb, tap, text"
comp check --format=j
[ "$(tr '\n' ' ' <"$T/comp")" = "--format=json --format=junit " ]
ok $? "check --format=j as one word offers whole words"
comp check -f j
[ "$(tr '\n' ' ' <"$T/comp")" = "json junit " ]
ok $? "check -f j offers json and junit"
comp check --format = ju
[ "$(cat "$T/comp")" = junit ]
ok $? "check --format=ju as bash splits it completes to junit"
comp report --progress = ""
[ "$(tr '\n' ' ' <"$T/comp")" = "always auto never " ]
ok $? "report --progress= offers auto, always, never"
comp --color al
[ "$(cat "$T/comp")" = always ]
ok $? "--color al completes to always"
# each value offered is one the option's --help line names
for c in $cmds; do
	run "$c" --help
	for o in $(grep -o -- '--[a-z-]*=[A-Z]*' "$T/out" | sed 's/=.*//' | sort -u); do
		grep -- "$o=" "$T/out" | grep -q -- '=\(PATTERN\|DEVICE\|FILE\|DIR\)' && continue
		comp "$c" "$o" = ""
		for v in $(cat "$T/comp"); do
			grep -- "$o=" "$T/out" | grep -qw -- "$v"
			ok $? "$c $o: the value '$v' offered is in its help line"
		done
	done
done

comp report ""
has a.log "report offers capture files"
has b.log.gz "report offers compressed captures"
comp --root = ""
[ "$(cat "$T/comp")" = sub ]
ok $? "--root offers directories, not files"
comp cycle dfx
[ "$(cat "$T/comp")" = dfx-hda.0 ]
ok $? "cycle offers device names from sysfs"
comp refs ""
has card0 "refs offers class devices too"
has 0000:00:1f.3 "refs offers pci devices"
comp report --device = 00
[ "$(cat "$T/comp")" = 0000:00:1f.3 ]
ok $? "report --device= offers device names"
comp status ""
[ ! -s "$T/comp" ]
ok $? "status takes no argument: nothing offered"
comp bogus ""
[ ! -s "$T/comp" ]
ok $? "an unknown command: nothing offered"

run __complete
expect_rc 2 "__complete without words is a usage error"

done_testing
