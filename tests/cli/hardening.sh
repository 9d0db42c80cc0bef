#!/bin/sh
# The hardening configure gave the build (config.h DRC_HARDENING, as
# dpkg-buildflags' hardening=+all), read back from the built binaries:
# PIE, full RELRO (RELRO + BIND_NOW), the stack protector and
# FORTIFY_SOURCE (their checking functions imported), and -fcf-protection
# (IBT and SHSTK marked in every object compiled from src/).
. "$top_srcdir/tests/cli/functions.sh"

if ! command -v readelf >/dev/null 2>&1; then
	echo "1..0 # SKIP readelf (binutils) is not installed: the binaries cannot be read"
	exit 0
fi
h=$(sed -n 's/^#define DRC_HARDENING "\(.*\)"$/\1/p' "$top_builddir/config.h")
echo "# configure gave: ${h:-nothing}"
has() { case " $h " in *" $1 "*) return 0 ;; esac; return 1; }

for b in devresctl devresd; do
	f="$top_builddir/$b"
	readelf -h -l -d -W "$f" >"$T/elf" 2>"$T/err"
	ok $? "$b: readelf reads it"
	readelf --dyn-syms -W "$f" >"$T/syms" 2>>"$T/err"
	if has pie; then
		grep -q 'Type: *DYN' "$T/elf" && grep -q 'FLAGS_1.*PIE' "$T/elf"
		ok $? "$b: a position-independent executable"
	fi
	if has relro; then
		grep -q 'GNU_RELRO' "$T/elf"
		ok $? "$b: a RELRO segment"
	fi
	if has now; then
		grep -Eq '\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW' "$T/elf"
		ok $? "$b: bound now (full RELRO: the GOT read-only after start)"
	fi
	if has stack-protector; then
		grep -q ' __stack_chk_fail' "$T/syms"
		ok $? "$b: stack protector (__stack_chk_fail imported)"
	fi
	if has fortify; then
		grep -Eq ' __(memcpy|snprintf|read|fgets|vsnprintf|fprintf)_chk' "$T/syms"
		ok $? "$b: FORTIFY_SOURCE (checking functions imported)"
	fi
	! grep -q 'GNU_STACK.*RWE' "$T/elf"
	ok $? "$b: no executable stack"
done
if has cf-protection; then
	bad=0 nobj=0
	for o in $(find "$top_builddir/src" -name '*.o'); do
		nobj=$((nobj + 1))
		readelf -n "$o" 2>/dev/null | grep -q 'x86 feature: IBT, SHSTK' || { echo "# no IBT/SHSTK: $o"; bad=1; }
	done
	[ $nobj -gt 0 ] && [ $bad -eq 0 ]
	ok $? "-fcf-protection: IBT and SHSTK in all $nobj objects of src/"
	readelf -n "$top_builddir/devresctl" | grep -q 'x86 feature: IBT, SHSTK' ||
		echo "# the linked binary is not marked: an object from outside src/ (crt files, a sanitizer runtime) lacks the marks"
fi
for p in pie relro now stack-protector fortify cf-protection; do
	has $p || echo "# not given by configure (disabled or the toolchain lacks it): $p"
done
done_testing
