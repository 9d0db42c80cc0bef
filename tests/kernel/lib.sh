# Shared by the check-kernel tests (POSIX sh + jq + awk): TAP output, the
# expectation files (expect/README) and what to compare them with.

TAPN=0
TAPFAIL=0
KNOWN_FAILED=0
: "${KNOWN_DEFECTS:=$(dirname "$0")/expect/known-defects}"
# known DESCRIPTION: the reason when expect/known-defects lists a defect
# of the tool that this check still shows ("GLOB<TAB>REASON" lines)
known() {
	[ -f "${KNOWN_DEFECTS:-}" ] || return 1
	while IFS='	' read -r _pat _why; do
		case $_pat in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2254
		case $1 in $_pat) echo "$_why"; return 0 ;; esac
	done < "$KNOWN_DEFECTS"
	return 1
}
ok() { # status description [diagnostic file]
	TAPN=$((TAPN + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAPN - $2"
	elif _why=$(known "$2"); then
		# a TAP TODO: reported (automake's XFAIL) and shown, but not a failure
		# of the run; the defect stays open until its line is removed
		KNOWN_FAILED=$((KNOWN_FAILED + 1))
		echo "not ok $TAPN - $2 # TODO known defect: $_why"
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -40
	else
		TAPFAIL=$((TAPFAIL + 1))
		echo "not ok $TAPN - $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -40
	fi
	return 0
}
skip() { TAPN=$((TAPN + 1)); echo "ok $TAPN - $1 # SKIP $2"; }
diag() { echo "# $*"; }
tap_end() {
	[ "$KNOWN_FAILED" -eq 0 ] || diag "$KNOWN_FAILED checks failed as expect/known-defects says (TODO): defects of the tool, not of the kernel"
	echo "1..$TAPN"
	[ "$TAPFAIL" -eq 0 ]
}

# exp_lines FILE VERSION WITNESS N: the expectation lines that apply
# (tags resolved, $N and $((...)) evaluated, action:FN resolved)
exp_lines() {
	_v=$2 _w=$3 N=$4
	while IFS= read -r l; do
		case $l in ''|'#'*) continue ;; esac
		vt= vm= wt= wm=
		while :; do
			case $l in
			@6.*) t=${l%% *}; vt=1; [ "$t" = "@$_v" ] && vm=1; l=${l#* } ;;
			@kmsg*|@full*|@log*) t=${l%% *}; wt=1
				case $t:$_w in
				@kmsg:kmsg|@full:full|@full:trace|@log:kmsg|@log:full) wm=1 ;;
				esac
				l=${l#* } ;;
			*) break ;;
			esac
		done
		[ -n "$vt" ] && [ -z "$vm" ] && continue
		[ -n "$wt" ] && [ -z "$wm" ] && continue
		l=$(eval "echo \"$l\"")
		case $l in *action:*)
			if [ "$_v" = 6.1 ]; then l=$(echo "$l" | sed 's/action:[A-Za-z0-9_]*/devm_action_release/')
			else l=$(echo "$l" | sed 's/action:\([A-Za-z0-9_]*\)/\1/'); fi ;;
		esac
		echo "$l"
	done < "$1"
}

# expected "DEVICE OP N" lines, sorted
exp_ops() {
	exp_lines "$@" | awk '$1 == "ops" { for (i = 3; i <= NF; i++) { split($i, a, "="); if (a[2] > 0) print $2, a[1], a[2] } }' | sort
}
exp_live() { exp_lines "$@" | awk '$1 == "live" { print $2, $3, $4 }'; }
exp_findings() { exp_lines "$@" | awk '$1 == "finding" { print $2, $3 }' | sort -u; }
exp_counts() { exp_lines "$@" | awk '$1 == "count" { print $2, $3 }' | sort; }

# "DEVICE OP N" from the kernel's own log (dmesg lines) and trace text
kmsg_ops() {
	awk '{ for (i = 2; i < NF; i++) if ($i == "DEVRES") { d = $(i - 1); sub(/:$/, "", d); n[d " " $(i + 1)]++ } }
	     END { for (k in n) print k, n[k] }' "$1" | sort
}
trace_ops() {
	awk '!/^#/ { for (i = 1; i < NF; i++) if ($i == "devres_log:") { n[$(i + 1) " " $(i + 2)]++; break } }
	     END { for (k in n) print k, n[k] }' "$1" | sort
}

# report --format=json -a of a capture, then what it says
report_json() { # capture out.json
	"$DEVRESCTL" report --kb="$KB" -a --format=json "$1" > "$2" 2> "$2.err"
}
# operations as the report's model holds them: every logged ADD made one
# node in the history (the REPLACE's new node excepted); REL and REM end a
# node (a released or removed group's grp> vanishes without a line of its
# own); REPLACE ends the old node.  Nodes first seen at their end are not in
# the history but counted as unknown: those inside a release batch were
# REL, the others REM
json_ops() {
	jq -r '.devices[] | . as $d | (.history // []) as $h |
	  ([.batches[]?.unknown // 0] | add // 0) as $bu |
	  [ ["ADD", ([$h[] | select(.kind != "realloc")] | length)],
	    ["REL", ([$h[] | select(.state == "released" and .kind != "group-close")] | length) + $bu],
	    ["REM", ([$h[] | select(.state == "removed" and .kind != "group-close")] | length) + ($d.unknown // 0) - $bu],
	    ["REPLACE", ([$h[] | select(.state == "replaced")] | length)] ][] |
	  select(.[1] != 0) | "\($d.device) \(.[0]) \(.[1])"' "$1" | sort
}
json_live() { jq -r '.devices[] | .device as $d | .live[] | "\($d) \(.name) \(.size)"' "$1"; }
json_findings() { jq -r '.findings[] | "\(.rule) \(.device)"' "$1" | sort -u; }

# compare WHAT expected-file actual-file: ok/not ok with the difference
compare() {
	if diff -u --label expected --label actual "$2" "$3" > "$3.diff"; then
		ok 0 "$1"
	else
		ok 1 "$1" "$3.diff"
	fi
}

# ---- the QEMU half (qemu.sh, qemu-systemd.sh): Debian's stock kernel ----
skip_all() { echo "1..0 # SKIP QEMU: $*"; exit 77; }
# qemu_prepare BUILD OUT: the tools checked (else the whole test is skipped),
# the kernel package fetched and unpacked once; sets PKG, KV and K
qemu_prepare() {
	for t in qemu-system-x86_64 busybox cpio gzip dpkg modprobe depmod apt-get ldd jq; do
		command -v $t > /dev/null || skip_all "$t not installed"
	done
	busybox --list > /dev/null 2>&1 && ldd "$(command -v busybox)" 2>&1 | grep -q 'not a dynamic' ||
		skip_all "busybox is not the static one (apt-get install busybox-static)"
	[ -x "$DEVRESCTL" ] || skip_all "$DEVRESCTL not built"
	if nm -u "$DEVRESCTL" 2> /dev/null | grep -q __asan_init; then
		skip_all "devresctl is built with --enable-sanitizers: build without them for check-kernel"
	fi
	mkdir -p "$1/debs" "$2"
	PKG=${KERNEL_QEMU_IMAGE:-$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')}
	[ -n "$PKG" ] || skip_all "apt-cache knows no linux-image-amd64 (apt-get update?)"
	KV=${PKG#linux-image-}
	K=$1/$PKG
	_t0=$(date +%s)
	if [ ! -f "$K/boot/vmlinuz-$KV" ]; then
		(cd "$1/debs" && apt-get download "$PKG" > /dev/null 2>&1) ||
			skip_all "apt-get download $PKG failed (no Debian mirror reachable?)"
		rm -rf "$K"
		dpkg -x "$1"/debs/"$PKG"_*.deb "$K" || skip_all "cannot unpack $PKG"
		depmod -b "$K" "$KV"
	fi
	diag "QEMU: $PKG ready in $(( $(date +%s) - _t0 )) s"
}
# qemu_initramfs DIR: busybox, devresctl with its libraries, the knowledge base
qemu_initramfs() {
	rm -rf "$1"
	mkdir -p "$1/bin" "$1/lib/modules" "$1/lib/devresctl" "$1/lib64" "$1/share" "$1/dev" "$1/proc" "$1/sys" \
		"$1/tmp" "$1/run"
	cp "$(command -v busybox)" "$1/bin/busybox"
	cp "$DEVRESCTL" "$1/bin/devresctl"
	cp "$KB" "$1/share/"
	ldd "$DEVRESCTL" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r l; do
		case $l in */ld-linux*) cp -L "$l" "$1/lib64/" ;; *) cp -L "$l" "$1/lib/devresctl/" ;; esac
	done
	: > "$1/lib/modules/order.txt"
}
# qemu_modules DIR MODULE...: the modules and what they need, in the order
# the guest's init loads them (DIR/lib/modules/order.txt)
qemu_modules() {
	_r=$1; shift
	for m in "$@"; do
		modprobe -d "$K" -S "$KV" --show-depends "$m" 2> /dev/null | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' > "$_r/modules.txt"
	while read -r f; do
		cp "$f" "$_r/lib/modules/"
		basename "$f" >> "$_r/lib/modules/order.txt"
	done < "$_r/modules.txt"
	rm -f "$_r/modules.txt"
}
# qemu_boot TIMEOUT INITRD IMG APPEND QEMU-ARG...: the stock kernel under
# TCG with the raw "out" disk IMG (64 MiB, the guest writes a tar archive on
# it), console and QEMU's output in $O; the archive unpacked into $O, the
# boot's seconds in BOOT_S
qemu_boot() {
	_to=$1 _initrd=$2 _img=$3 _append=$4
	shift 4
	rm -rf "$O"; mkdir -p "$O"
	rm -f "$_img"; truncate -s 64M "$_img"
	_b0=$(date +%s)
	timeout "$_to" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1024 \
		-kernel "$K/boot/vmlinuz-$KV" -initrd "$_initrd" -append "console=ttyS0 $_append" \
		-display none -vga std -no-reboot -serial "file:$O/console.txt" -nic none "$@" \
		-drive if=none,id=out,file="$_img",format=raw -device ide-hd,bus=ide.1,drive=out \
		< /dev/null > "$O/qemu.txt" 2>&1
	echo $? > "$O/qemu.rc"
	BOOT_S=$(( $(date +%s) - _b0 ))
	tar -C "$O" -xf "$_img" 2> /dev/null
}
