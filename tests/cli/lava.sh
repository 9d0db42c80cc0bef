#!/bin/sh
# data/lava/devresctl-check.yaml: its run steps, run as LAVA runs them (one
# sh script, set -e, the params exported) with a fake lava-test-case on
# PATH, report each finding of `check --format=json` exactly once, with its
# result, then the check as a whole.
. "$top_srcdir/tests/cli/functions.sh"
K="$CAPTURES/kernel/uml-6.1.192"
SEED="$top_srcdir/data/captures/seed-003-component-open-group.log"
DEF="$top_srcdir/data/lava/devresctl-check.yaml"

# the steps: single-quoted YAML scalars, one a line ('' is a quote)
sed -n '/^  steps:$/,$p' "$DEF" | sed -n "s/^    - '\(.*\)'\$/\1/p" | sed "s/''/'/g" >"$T/steps"
[ "$(wc -l <"$T/steps")" -ge 3 ] && [ "$(sed -n '/^  steps:$/,$p' "$DEF" | grep -c '^    - ')" -eq "$(wc -l <"$T/steps")" ]
ok $? "the definition's $(wc -l <"$T/steps") steps are all single-quoted one-line scalars"
# and a real YAML parser reads the same steps and the LAVA metadata
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then
		PY=$p
		break
	fi
done
n=$((n + 1))
if [ -z "$PY" ]; then
	echo "ok $n # SKIP the definition as YAML: no python3 with yaml (apt-get install python3-yaml)"
elif "$PY" - "$DEF" "$T/steps" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
steps = open(sys.argv[2]).read().splitlines()
m = d["metadata"]
assert m["format"] == "Lava-Test Test Definition 1.0" and m["name"] and m["description"] and m["version"], m
assert d["run"]["steps"] == steps, (d["run"]["steps"], steps)
assert all(isinstance(v, str) for v in d["params"].values()), d["params"]
EOF
then
	echo "ok $n - the definition as YAML: LAVA metadata, the same steps, string params"
else
	echo "not ok $n - the definition as YAML: LAVA metadata, the same steps, string params"
	failed=$((failed + 1))
fi

# the fakes: lava-test-case records its case and result; dmesg prints the seed
mkdir -p "$T/bin"
cat >"$T/bin/lava-test-case" <<'EOF'
#!/bin/sh
[ "$2" = --result ] && [ $# -eq 3 ] || { echo "lava-test-case: bad call: $*" >&2; exit 1; }
echo "$1 $3" >>"$LAVA_CASES"
EOF
printf '#!/bin/sh\ncat "%s"\n' "$SEED" >"$T/bin/dmesg"
chmod +x "$T/bin/lava-test-case" "$T/bin/dmesg"

# lava_run NAME PARAM=VALUE...: the script LAVA would build, run by sh
lava_run() {
	name=$1
	shift
	{
		echo 'set -e'
		sed -n '/^params:$/,/^[a-z]/p' "$DEF" | sed -n 's/^  \([A-Z_]*\): "\(.*\)"$/\1="\2"/p'
		for a in "$@"; do echo "$a"; done
		echo "DEVRESCTL=\"$DEVRESCTL\" OUTDIR=\"$T/$name\""
		cat "$T/steps"
	} >"$T/$name.sh"
	: >"$T/$name.cases"
	(PATH="$T/bin:$PATH" LAVA_CASES="$T/$name.cases" sh "$T/$name.sh" >"$T/$name.log" 2>&1)
	lrc=$?
}

# expect_cases NAME JSON: each finding of JSON is one case, named
# devres.RULE.DEVICE (.2, .3 for more on a device and rule), with its result
expect_cases() {
	jq -r '(.boots | length) as $nb | .findings[] | "devres.\(.rule).\(if $nb > 1 then "boot\(.boot)." else "" end)\(.device // "capture") \(if .fails then "fail" else "pass" end)"' "$2" |
		while read -r base r; do printf '%s %s\n' "$(printf '%s' "$base" | tr -c 'A-Za-z0-9._-' '_')" "$r"; done |
		sort >"$T/$1.want"
	grep -v '^devresctl-check ' "$T/$1.cases" >"$T/$1.got-all"
	# a second and third case of a base name: base.2, base.3
	awk '{ if (++seen[$1] > 1) $1 = $1 "." seen[$1]; print }' "$T/$1.want" | awk '{print $1}' | sort >"$T/$1.want-names"
	awk '{print $1}' "$T/$1.got-all" | sort >"$T/$1.got-names"
	[ -s "$T/$1.want" ] && cmp -s "$T/$1.want-names" "$T/$1.got-names"
	ok $? "$1: one case per finding ($(wc -l <"$T/$1.want")), the names expected"
	[ -z "$(sort "$T/$1.got-names" | uniq -d)" ]
	ok $? "$1: no case reported twice"
	# results per base name, as multisets
	awk 'NR == FNR { base[$1] = 1; next }
	     { b = $1; if (!(b in base)) sub(/\.[0-9]+$/, "", b); print b, $2 }' "$T/$1.want" "$T/$1.got-all" |
		sort >"$T/$1.got"
	cmp -s "$T/$1.want" "$T/$1.got"
	ok $? "$1: each finding's result ($(awk '{print $2}' "$T/$1.want" | sort | uniq -c | tr -s ' \n' ' '))"
	[ "$(grep -c '^devresctl-check ' "$T/$1.cases")" -eq 1 ]
	ok $? "$1: one case for the check as a whole"
}

lava_run seed "CAPTURE=\"$SEED\""
ok $lrc "seed: the steps run to the end under set -e"
"$DEVRESCTL" check --format=json "$SEED" >"$T/seed.json"
expect_cases seed "$T/seed.json"
grep -q '^devresctl-check fail$' "$T/seed.cases"
ok $? "seed: devresctl-check fails (check exits 1)"
grep -q '^not ok .* snd_hda_intel 0000:00:1f.3$' "$T/seed.log"
ok $? "seed: the TAP output is in the job log"
grep -q '^devres.open-group-swept.0000_00_1f.3 fail$' "$T/seed.cases"
ok $? "seed: the open group is devres.open-group-swept.0000_00_1f.3, fail"

# the soak: two findings of one rule on one device, warnings that pass
lava_run soak "CAPTURE=\"$K/soak/live-kmsg.rec.zst\""
ok $lrc "soak: the steps run to the end"
"$DEVRESCTL" check --format=json "$K/soak/live-kmsg.rec.zst" >"$T/soak.json"
expect_cases soak "$T/soak.json"
lava_run soakw "CAPTURE=\"$K/soak/live-kmsg.rec.zst\"" 'FAIL_ON="warning"'
"$DEVRESCTL" check --format=json --fail-on=warning "$K/soak/live-kmsg.rec.zst" >"$T/soakw.json"
expect_cases soakw "$T/soakw.json"

# two boots: the second's device is bootN.DEVICE
cat "$K/clean/dmesg.txt" "$K/component-bug/dmesg.txt" >"$T/two-boots.txt"
lava_run boots "CAPTURE=\"$T/two-boots.txt\""
"$DEVRESCTL" check --format=json "$T/two-boots.txt" >"$T/boots.json"
expect_cases boots "$T/boots.json"
grep -q '^devres.open-group-swept.boot1.dfx-hda.0 fail$' "$T/boots.cases"
ok $? "boots: the second boot's finding names its boot"

# no CAPTURE: this boot's dmesg (the fake prints the seed)
lava_run dmesg
ok $lrc "dmesg: the steps run to the end"
cmp -s "$T/dmesg/dmesg.txt" "$SEED"
ok $? "dmesg: without CAPTURE the kernel log is captured"
expect_cases dmesg "$T/seed.json"

# a clean boot: only the check's own case, pass
lava_run clean "CAPTURE=\"$K/clean/dmesg.txt\""
[ "$(cat "$T/clean.cases")" = "devresctl-check pass" ]
ok $? "clean: devresctl-check pass and nothing else"

# check cannot judge (a bad option): the job goes on, the case says unknown
lava_run broken "CAPTURE=\"$SEED\"" 'CHECK_OPTIONS="--no-such-option"'
ok $lrc "broken: the steps still run to the end"
[ "$(cat "$T/broken.cases")" = "devresctl-check unknown" ]
ok $? "broken: devresctl-check unknown, no finding case"
grep -q 'could not judge' "$T/broken.log"
ok $? "broken: the log says why"

done_testing
