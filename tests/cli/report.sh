#!/bin/sh
# devresctl report on real captures: text and JSON.
. "$top_srcdir/tests/cli/functions.sh"
K="$CAPTURES/kernel/uml-6.1.192"
SEED="$top_srcdir/data/captures/seed-003-component-open-group.log"

run report "$SEED"
expect_rc 0 "report on the seed 003 capture"
grep_out '^0000:00:1f.3  bus ?  driver snd_hda_intel  bound  1 live, 24 bytes' "snd_hda_intel keeps one node"
grep_out 'devm_component_match_release  *24  component' "the live node, classified from the knowledge base"
grep_out 'release-group .*group 00000000865cdb29' "the open group's release is a group release"
grep_out '1 ids added again while live' "the capture gap is reported"

run report --format=json "$K/clean/kmsg.txt"
expect_rc 0 "json report"
jq -e '.schema == 1 and (.devices | length) == 2' "$T/out" >/dev/null
ok $? "json: schema and two devices"
jq -e '.devices[] | select(.device == "dfx-clean.1") | .state == "bound" and .live_count == 7 and (.live | length) == 9 and .subsystem == "platform" and .devkey == "+platform:dfx-clean.1"' "$T/out" >/dev/null
ok $? "json: dfx-clean.1 bound with 7 resources and one closed group"
jq -e '[.devices[] | select(.device == "dfx-clean.1") | .live[] | select(.name == "dfx_clean_irq_release") | .group[0]] == ["'"$(jq -r '.devices[] | select(.device=="dfx-clean.1") | .groups[0].id' "$T/out")"'"]' "$T/out" >/dev/null
ok $? "json: the irq node sits in the group"
jq -e '.devices[] | select(.device == "dfx-clean.0") | .batches_total == 2 and ([.batches[].kind] | unique) == ["release-all"]' "$T/out" >/dev/null
ok $? "json: two unbinds of dfx-clean.0 are release-all batches"
jq -e '.stats.lines == 194 and .stats.devres_events == 43 and .stats.undecoded == 0 and (.boots[0].kernel == "6.1.192")' "$T/out" >/dev/null
ok $? "json: stats and boots"

run report --device 'dfx-hda*' -f json "$K/component-bug/dmesg.txt"
jq -e '[.devices[].device] == ["dfx-hda.0"]' "$T/out" >/dev/null
ok $? "--device filters by glob"

run report --all "$K/ops/dmesg.txt"
expect_rc 0 "report --all"
grep_out 'released  devm_krealloc_release  *200' "history shows the krealloc node released"
grep_out 'replaced  devm_kzalloc_release  *16' "history shows the replaced node"

run report "$K/clean/dmesg.txt" "$K/clean/trace.txt"
grep_out '43 operations seen by both kmsg and the trace' "two witnesses are taken once"

# columns stay aligned with nesting and with long (6.4+ action) names
cat > "$T/cols" <<'EOF2'
[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 devm_kzalloc_release (8 bytes)
[ 1.0] drv d.0: DEVRES ADD 00000000000000a2 grp< (0 bytes)
[ 1.0] drv d.0: DEVRES ADD 00000000000000a3 devm_irq_release (16 bytes)
[ 1.0] drv d.0: DEVRES ADD 00000000000000a4 grp< (0 bytes)
[ 1.0] drv d.0: DEVRES ADD 00000000000000a5 (void(*)(void *))clk_disable_unprepare (16 bytes)
EOF2
run report "$T/cols"
[ "$(grep -o '^.*0000000000000a[135]' "$T/out" | awk '{ print length($0) }' | sort -u | wc -l)" = 1 ] &&
	[ "$(grep -c '0000000000000a[135]' "$T/out")" = 3 ]
ok $? "ids line up under nesting and long names"

run --color=always report "$SEED"
grep -q "$(printf '\033\\[1m')" "$T/out"
ok $? "--color=always colours"
NO_COLOR=1 "$DEVRESCTL" report --color=auto "$SEED" | grep -q "$(printf '\033')"
ok $(( ! $? )) "NO_COLOR and no terminal: no colour"

# the README's sample is this build's output, up to its "..."
cp "$SEED" "$T/seed-003.log"
(cd "$T" && "$DEVRESCTL" report seed-003.log) >"$T/sample" 2>&1
sed -n '/<!-- sample:begin: devresctl report seed-003.log -->/,/<!-- sample:end -->/p' "$top_srcdir/README.md" |
	sed '1,2d;$d' | sed '$d' | sed '$d' >"$T/readme-sample"
[ -s "$T/readme-sample" ] && head -n "$(wc -l <"$T/readme-sample")" "$T/sample" | cmp -s - "$T/readme-sample"
ok $? "README.md's sample is what report prints (regenerate it when the output changes)"

# lines of the boot's own capture print as numbers, of another file as FILE:LINE

done_testing
