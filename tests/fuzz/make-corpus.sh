#!/bin/sh
# Writes the seed corpora of the fuzz targets below DIR, from the tree's
# captures (tests/captures, data/captures) and small hand-written inputs.
#   make-corpus.sh SRCDIR DIR [DEVRESCTL]
set -eu
src=$1 out=$2 devresctl=${3:-}
mkdir -p "$out/capture" "$out/opres" "$out/trace-raw" "$out/request" "$out/filters"

# every capture of the tree, each a seed of the line decoders
i=0
find "$src/tests/captures" "$src/data/captures" -type f ! -name '*.json' ! -name README ! -name '*.raw' \
	! -name header_page ! -name header_event ! -name '*.format' | LC_ALL=C sort | while read -r f; do
	i=$((i + 1))
	cp "$f" "$out/capture/$(printf %03d $i)-$(basename "$f")"
done

# op-address traces: four bytes a line (fuzz-opres.c): device, op, node, name, size
# bind (grp<, two resources, grp>) then unbind (in reverse), with the op an address
printf '\000\001\001\000\000\002\000\100\000\003\000\040\000\004\002\000\004\004\002\000\004\003\000\040\004\002\000\100\004\001\001\000' \
	>"$out/opres/bind-unbind"
# the same with words, and a second device interleaved
printf '\200\001\001\000\201\002\000\100\001\002\000\010\205\002\000\100\005\002\000\010\205\001\001\000' >"$out/opres/words"
# a devm_krealloc: REPLACE, then the release of the new node
printf '\000\005\000\010\014\005\000\020\004\006\000\020' >"$out/opres/replace"

# pages of trace_pipe_raw: the real 6.18 page, under both event formats
raw="$src/tests/captures/kernel/fc-6.18.44/raw/cpu0.raw"
{ printf '\000'; cat "$raw"; } >"$out/trace-raw/fc-6.18-page"
{ printf '\001'; cat "$raw"; } >"$out/trace-raw/fc-6.18-page-pre613"
{ printf '\000'; cat "$raw" "$raw"; } >"$out/trace-raw/two-pages"

# devresd requests (devresd(8))
printf '{"cmd":"hello"}\n' >"$out/request/hello"
printf '{"cmd":"snapshot"}\n{"cmd":"hello"}\n' >"$out/request/snapshot"
printf '{"cmd":"device","name":"0000:00:1f.3"}\n{"cmd":"device","name":"nope"}\n{"cmd":"device"}\n' >"$out/request/device"
printf '{"cmd":"subscribe","events":true,"findings":true}\n' >"$out/request/subscribe"
printf '{"cmd":"sysfs"}\n{"cmd":"lines"}\n{"cmd":"hello"}\n' >"$out/request/lines"
printf '{"cmd":42}\n[1,2]\n{"cmd":"nope"}\n{\n\n"x"\n' >"$out/request/malformed"

# suppressions and baselines
cat >"$out/filters/suppressions" <<'SUP'
# known: fixed upstream
open-group-swept  0000:00:1f.3  snd_hda_intel  pcim_iomap_*  fixed by closing the group after bind
cross-device-*  *  *  *  reviewed
id-reuse * snd_* devm_kzalloc_release the same node twice
SUP
printf 'open-group-swept 0000:00:1f.3 snd_hda_intel *\n' >"$out/filters/no-reason"
printf '{"schema":1,"findings":[{"rule":"id-reuse","fingerprint":"0123456789abcdef"},{"fingerprint":7}]}\n' \
	>"$out/filters/baseline"
if [ -n "$devresctl" ] && [ -x "$devresctl" ]; then
	for c in "$src/data/captures/seed-003-component-open-group.log" \
		"$src/tests/captures/kernel/uml-6.1.192/component-bug/dmesg.txt"; do
		DEVRESCTL_KB="$src/data/kb/release-functions.tsv" "$devresctl" check --format=json "$c" \
			>"$out/filters/baseline-$(basename "$c")" 2>/dev/null || :
	done
fi
