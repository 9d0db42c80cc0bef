#!/bin/sh
# devresctl check --format=kcidb: a KCIDB submission that the KernelCI I/O
# schema (tests/kcidb/, kcidb-io v5.3) accepts, one test per device and rule
# whose status and evidence agree with --format=json of the same capture.
. "$top_srcdir/tests/cli/functions.sh"
K="$CAPTURES/kernel/uml-6.1.192"
SEED="$top_srcdir/data/captures/seed-003-component-open-group.log"
SCHEMA="$top_srcdir/tests/kcidb/kcidb-io.schema.v5.3.json"

# the validator: jsonschema (Debian's python3-jsonschema) of the first
# python3 that has it; without it the schema checks are skipped, saying so
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
cat >"$T/validate.py" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
data = json.load(open(sys.argv[2]))
fc = getattr(jsonschema.Draft7Validator, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
errors = list(jsonschema.Draft7Validator(schema, format_checker=fc).iter_errors(data))
for e in errors[:5]:
    print("#   %s: %s" % ("/".join(str(p) for p in e.path), e.message[:200]))
sys.exit(1 if errors else 0)
EOF
valid() {  # valid FILE DESCRIPTION: the schema accepts FILE
	n=$((n + 1))
	if [ -z "$PY" ]; then
		echo "ok $n # SKIP $2: no python3 with jsonschema (apt-get install python3-jsonschema)"
		return
	fi
	if "$PY" "$T/validate.py" "$SCHEMA" "$1" >"$T/verr" 2>&1; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		cat "$T/verr"
		failed=$((failed + 1))
	fi
}
invalid() {  # invalid FILE DESCRIPTION: the schema rejects FILE
	n=$((n + 1))
	if [ -z "$PY" ]; then
		echo "ok $n # SKIP $2: no python3 with jsonschema (apt-get install python3-jsonschema)"
	elif "$PY" "$T/validate.py" "$SCHEMA" "$1" >/dev/null 2>&1; then
		echo "not ok $n - $2"
		failed=$((failed + 1))
	else
		echo "ok $n - $2"
	fi
}
KC="--format=kcidb --kcidb-origin=lab --kcidb-build-id=b42"

# ---- the seed: one error on one device ----
run check $KC "$SEED"
expect_rc 1 "kcidb: fails as the text output does"
cp "$T/out" "$T/seed.json"
valid "$T/seed.json" "kcidb: the seed's submission is valid KCIDB v5.3"
jq -e '.version == {"major": 5, "minor": 3} and (.checkouts == null) and (.builds == null)' "$T/seed.json" >/dev/null
ok $? "kcidb: schema version 5.3, tests only without --kcidb-checkout-id"
jq -e 'all(.tests[]; .origin == "lab" and .build_id == "lab:b42" and (.id | startswith("lab:b42:devres")))' "$T/seed.json" >/dev/null
ok $? "kcidb: every test has the origin, the build and an id of that origin"
[ "$(jq '[.tests[].id] | length' "$T/seed.json")" -eq "$(jq '[.tests[].id] | unique | length' "$T/seed.json")" ]
ok $? "kcidb: the test ids are unique"

# one test per device and rule, plus the run's: counted from json and --list-rules
run check --format=json "$SEED"
cp "$T/out" "$T/seed-report.json"
run check --list-rules --format=json
nrules=$(jq length "$T/out")
ndev=$(jq '.devices | length' "$T/seed-report.json")
[ "$(jq '.tests | length' "$T/seed.json")" -eq $((1 + ndev * nrules)) ] && [ "$ndev" -gt 0 ]
ok $? "kcidb: 1 + $ndev devices x $nrules rules tests"
jq -r '[.findings[] | select(.fails) | "devres.\(.rule).\(.device)"] | unique | .[]' "$T/seed-report.json" >"$T/want-fail"
jq -r '.tests[] | select(.status == "FAIL" and .path != "devres") | "devres.\(.misc.rule).\(.misc.device)"' "$T/seed.json" | sort >"$T/got-fail"
[ -s "$T/want-fail" ] && cmp -s "$T/want-fail" "$T/got-fail"
ok $? "kcidb: FAIL exactly where json has a failing finding ($(tr '\n' ' ' <"$T/want-fail"))"
jq -e '[.tests[] | .status] | all(. == "PASS" or . == "FAIL")' "$T/seed.json" >/dev/null
ok $? "kcidb: every status is PASS or FAIL"
jq -e '.tests[] | select(.path == "devres") | .status == "FAIL" and .misc.errors == 1 and .misc.failing == 1' "$T/seed.json" >/dev/null
ok $? "kcidb: the run's test fails, with the counts in misc"
jq -e '.tests[] | select(.path == "devres.open-group-swept.0000_00_1f_3") |
	.misc.device == "0000:00:1f.3" and .misc.driver == "snd_hda_intel" and
	.id == "lab:b42:devres.open-group-swept.0000:00:1f.3" and
	(.comment | startswith("open group on snd_hda_intel 0000:00:1f.3")) and
	([.misc.findings[].rule] == ["open-group-swept"]) and (.misc.findings[0].nodes | length) > 0' "$T/seed.json" >/dev/null
ok $? "kcidb: the finding's test: path with '_', exact device in id and misc, the finding in misc"

# log_excerpt: the finding's evidence lines, as they are in the capture
jq -r '.findings[] | select(.rule == "open-group-swept") | .evidence[].line' "$T/seed-report.json" |
	while read -r l; do sed -n "${l}p" "$SEED"; done >"$T/want-excerpt"
jq -r '.tests[] | select(.path == "devres.open-group-swept.0000_00_1f_3") | .log_excerpt' "$T/seed.json" |
	sed '$d' >"$T/got-excerpt"  # jq -r adds a newline after the excerpt's own
[ -s "$T/want-excerpt" ] && cmp -s "$T/want-excerpt" "$T/got-excerpt"
ok $? "kcidb: log_excerpt holds the evidence lines ($(wc -l <"$T/want-excerpt") of them)"
jq -e '[.tests[] | select(.misc.findings == []) | has("log_excerpt") or has("comment")] | any | not' "$T/seed.json" >/dev/null
ok $? "kcidb: a test without findings has neither excerpt nor comment"

# the validator itself rejects what the schema forbids
jq '.tests[1].status = "BROKEN"' "$T/seed.json" >"$T/bad1.json"
invalid "$T/bad1.json" "schema check: a status outside the enum is refused"
jq '.tests[1].path = "devres.x.0000:00:1f.3"' "$T/seed.json" >"$T/bad2.json"
invalid "$T/bad2.json" "schema check: a path with ':' is refused"
jq '.tests[1].build_id = "b42"' "$T/seed.json" >"$T/bad3.json"
invalid "$T/bad3.json" "schema check: an id without its origin is refused"

# ---- the ids the lab gives ----
run check $KC --kcidb-checkout-id=c7 --kcidb-log-url=https://lab.example/jobs/7/dmesg.txt "$SEED"
expect_rc 1 "kcidb with a checkout: still fails"
valid "$T/out" "kcidb with a checkout and a log URL: valid"
jq -e '.checkouts == [{"id": "lab:c7", "origin": "lab"}] and
	.builds == [{"id": "lab:b42", "origin": "lab", "checkout_id": "lab:c7"}] and
	all(.tests[]; .build_id == "lab:b42" and .log_url == "https://lab.example/jobs/7/dmesg.txt")' "$T/out" >/dev/null
ok $? "kcidb: --kcidb-checkout-id adds the checkout and the build, linked; log_url on each test"
run check $KC --kcidb-build-id=maestro:abc12 --kcidb-run-id=job-7 "$SEED"
jq -e 'all(.tests[]; .build_id == "maestro:abc12" and (.id | startswith("lab:job-7:devres")))' "$T/out" >/dev/null
ok $? "kcidb: another origin's build id is kept, the run id names the tests"
run check $KC --kcidb-build-id=maestro:abc12 "$SEED"
jq -e 'all(.tests[]; .id | startswith("lab:abc12:devres"))' "$T/out" >/dev/null
ok $? "kcidb: without --kcidb-run-id the build's own id names the tests"
run check $KC --kcidb-build-id=maestro:abc12 --kcidb-checkout-id=c7 "$SEED"
expect_rc 2 "kcidb: a checkout for another origin's build is a usage error"
grep_err "'maestro:abc12' is another origin's" "kcidb: the foreign build is named"
run check --format=kcidb --kcidb-build-id=b42 "$SEED"
expect_rc 2 "kcidb without --kcidb-origin is a usage error"
grep_err 'needs --kcidb-origin' "kcidb: the missing option is named"
run check --format=kcidb --kcidb-origin=Lab --kcidb-build-id=b42 "$SEED"
expect_rc 2 "kcidb: an origin with capitals is refused"
run check $KC --kcidb-log-url='not a url' "$SEED"
expect_rc 2 "kcidb: a log URL that is no URL is refused"
run check --kcidb-origin=lab "$SEED"
expect_rc 2 "--kcidb-origin without --format=kcidb is a usage error"
grep_err 'go with --format=kcidb' "--kcidb-* without the format: said so"

# ---- suppressions and thresholds decide the status, as for the exit code ----
printf 'open-group-swept 0000:00:1f.3 snd_hda_intel * fixed upstream\n' >"$T/sup"
run check $KC --suppress="$T/sup" "$SEED"
expect_rc 0 "kcidb, the error suppressed: pass"
jq -e '([.tests[] | select(.status == "FAIL")] | length) == 0 and
	(.tests[] | select(.path == "devres.open-group-swept.0000_00_1f_3") |
	 .status == "PASS" and .misc.findings[0].suppressed == "fixed upstream")' "$T/out" >/dev/null
ok $? "kcidb: a suppressed finding is PASS, its reason in misc"
# a capture with a warning and no error: the warning's test fails only with --fail-on=warning
W="$CAPTURES/wild/09-geni-spi-probe-defer-unwind-same-ptr.log"
run check --format=json --fail-on=warning "$W"
nwarn=$(jq '[.findings[] | select(.fails) | "\(.rule) \(.device)"] | unique | length' "$T/out")
jq -e 'any(.findings[]; .severity == "warning" and .fails) and all(.findings[]; .severity != "error")' "$T/out" >/dev/null &&
run check $KC --fail-on=warning "$W"
[ "$(jq '[.tests[] | select(.status == "FAIL" and .path != "devres")] | length' "$T/out")" -eq "$nwarn" ] && [ "$nwarn" -ge 1 ]
ok $? "kcidb --fail-on=warning: the warnings' tests fail too ($nwarn)"
run check $KC "$W"
[ "$(jq '[.tests[] | select(.status == "FAIL" and .path != "devres")] | length' "$T/out")" -eq 0 ]
ok $? "kcidb: without it, a warning's test does not fail"

# ---- captures of every kind ----
run check $KC "$K/clean/dmesg.txt"
expect_rc 0 "kcidb: a clean capture passes"
valid "$T/out" "kcidb: the clean capture's submission is valid"
jq -e '[.tests[].status] | all(. == "PASS") and length > 1' "$T/out" >/dev/null
ok $? "kcidb: clean: every test PASS"

cat "$K/clean/dmesg.txt" "$K/component-bug/dmesg.txt" >"$T/two-boots.txt"
run check $KC "$T/two-boots.txt"
expect_rc 1 "kcidb: two boots, the second with the bug"
valid "$T/out" "kcidb: two boots: valid"
jq -e '[.tests[] | select(.status == "FAIL" and .path != "devres") | .id] == ["lab:b42:boot1:devres.open-group-swept.dfx-hda.0"] and
	([.tests[].id] | length) == ([.tests[].id] | unique | length)' "$T/out" >/dev/null
ok $? "kcidb: two boots: ids name the boot and stay unique"

: >"$T/empty.log"
run check $KC "$T/empty.log"
expect_rc 1 "kcidb: an empty capture fails (no-devres)"
valid "$T/out" "kcidb: the empty capture's submission is valid"
jq -e '[.tests[] | select(.status == "FAIL") | .path] == ["devres", "devres.no-devres"] and
	(.tests[] | select(.path == "devres.no-devres") | has("misc") and (.misc | has("device") | not))' "$T/out" >/dev/null
ok $? "kcidb: a finding about the capture as a whole is test devres.RULE"

"$DEVRESCTL" check $KC - <"$SEED" >"$T/out" 2>"$T/err"
ok $(($? != 1)) "kcidb on standard input: fails"
valid "$T/out" "kcidb on standard input: valid"
jq -e '[.tests[] | has("log_excerpt")] | any | not' "$T/out" >/dev/null
ok $? "kcidb on standard input: no excerpt (it cannot be read twice)"

# serial noise: BEL, an invalid UTF-8 byte and a NUL inside devres lines
printf '[    1.000000] drv d\377v\007.0: DEVRES ADD 00000000000000a1 devm_kzalloc_release (8 bytes)\n' >"$T/noise.log"
printf '[    1.100000] drv d\377v\007.0: DEVRES ADD 00000000000000a2 devm_kzalloc_release (8 bytes) \000x\n' >>"$T/noise.log"
printf '[    2.000000] bus d\377v\007.0: DEVRES REL 00000000000000a3 devm_kzalloc_release (8 bytes)\n' >>"$T/noise.log"
printf '[    3.000000] usb 1-1: USB disconnect, device number 2\n' >>"$T/noise.log"
run check $KC --fail-on=info "$T/noise.log"
valid "$T/out" "kcidb: control characters and invalid UTF-8 from the capture stay valid"
jq -e '[.tests[] | select(.status == "FAIL") | .path] | length > 1' "$T/out" >/dev/null
ok $? "kcidb: the noisy capture's findings are there ($(jq -c '[.tests[] | select(.status == "FAIL") | .path]' "$T/out"))"

done_testing
