#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The riscv64 firmware image that `make` builds (firmware/riscv/module.mk):
# $BUILD/riscv/realmgate-fw.elf is a static RISC-V 64-bit executable with no
# undefined symbols and nothing from a C library (every symbol is ours, the
# linker script's or libgcc's), its entry point is the linker script's
# ENTRY symbol at the start of DRAM, and realmgate-fw.bin is the flat image
# of its loaded sections, whose size is reported. The cross tools come with
# `make deps` (gcc-riscv64-unknown-elf): missing tools fail, they are not a
# reason to skip.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
BUILD=${BUILD:-build}
RV=riscv64-unknown-elf
elf=$BUILD/riscv/realmgate-fw.elf
bin=$BUILD/riscv/realmgate-fw.bin
ld_script=firmware/riscv/link.ld
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

missing=""
for t in gcc readelf nm objcopy; do
	command -v "$RV-$t" >/dev/null 2>&1 || missing="$missing $RV-$t"
done
if [ -n "$missing" ]; then
	tap_fail "riscv64 cross tools present" "missing:$missing (make deps installs gcc-riscv64-unknown-elf)"
	tap_done
	exit 1
fi
tap_ok "riscv64 cross tools present"

if [ ! -s "$elf" ]; then
	tap_fail "$elf built" "not there: run make BUILD=$BUILD"
	tap_done
	exit 1
fi
tap_ok "$elf built"

# ELF header: 64-bit RISC-V executable
"$RV-readelf" -h "$elf" >"$work/hdr" 2>&1
hv() { sed -n "s/^ *$1: *//p" "$work/hdr"; }
class=$(hv Class) machine=$(hv Machine) type=$(hv Type)
if [ "$class" = ELF64 ] && [ "$machine" = RISC-V ] && [[ $type == EXEC* ]]; then
	tap_ok "ELF64 RISC-V executable"
else
	tap_fail "ELF64 RISC-V executable" "class '$class', machine '$machine', type '$type'"
fi
if "$RV-readelf" -l -W "$elf" | grep -qE 'INTERP|DYNAMIC'; then
	tap_fail "statically linked" "has an interpreter or a dynamic section"
else
	tap_ok "statically linked"
fi

# no undefined symbols
"$RV-nm" -u "$elf" >"$work/undef"
if [ -s "$work/undef" ]; then
	tap_fail "no undefined symbols" "$(tr -s ' \n' ' ' <"$work/undef" | head -c 300)"
else
	tap_ok "no undefined symbols"
fi

# no C library: every defined symbol comes from the image's own objects,
# the linker script, or libgcc (the compiler's helpers); and none of the
# usual libc entry points is there at all
names() { "$RV-nm" --defined-only "$@" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sort -u; }
names "$elf" >"$work/image"
find "$BUILD/riscv" -name '*.o' -print0 | xargs -0 -r "$RV-nm" --defined-only 2>/dev/null |
	awk 'NF >= 3 { print $3 }' | sort -u >"$work/ours"
sed -n 's/^[[:space:]]*\([A-Za-z_.$][A-Za-z0-9_.$]*\)[[:space:]]*=.*/\1/p' "$ld_script" |
	sort -u >"$work/script"
libgcc=$("$RV-gcc" -march=rv64imac_zicsr -mabi=lp64 -print-libgcc-file-name 2>/dev/null)
names "$libgcc" >"$work/libgcc"
sort -u "$work/ours" "$work/script" "$work/libgcc" >"$work/allowed"
comm -23 "$work/image" "$work/allowed" >"$work/foreign"
libc_names='malloc|calloc|realloc|free|printf|fprintf|sprintf|snprintf|vsnprintf|puts|putchar|abort|exit|_exit|atexit|_sbrk|sbrk|_write|_read|_close|_fstat|_isatty|_lseek|_kill|_getpid|_impure_ptr|_reent|__errno|errno|__libc_init_array|__libc_fini_array|_malloc_r|_free_r|strtol|qsort|time'
grep -xE "$libc_names" "$work/image" >"$work/libc"
if [ -s "$work/foreign" ] || [ -s "$work/libc" ]; then
	tap_fail "no C library symbols" \
		"$(cat "$work/libc" "$work/foreign" | sort -u | tr '\n' ' ' | head -c 300)"
else
	tap_ok "no C library symbols ($(wc -l <"$work/image") symbols, all ours or libgcc's)"
fi

# entry point: the linker script's ENTRY symbol, placed at the start of DRAM
entry_sym=$(sed -n 's/^[[:space:]]*ENTRY(\([^)]*\)).*/\1/p' "$ld_script" | head -1)
origin=$(sed -n 's/.*ORIGIN[[:space:]]*=[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' "$ld_script" | head -1)
entry=$(hv 'Entry point address')
sym=$("$RV-nm" "$elf" | awk -v s="$entry_sym" '$3 == s { print "0x" $1 }' | head -1)
if [ -n "$entry_sym" ] && [ -n "$origin" ] && [ -n "$sym" ] &&
	[ $((entry)) -eq $((sym)) ] && [ $((entry)) -eq $((origin)) ]; then
	tap_ok "entry point $entry is $entry_sym at the DRAM origin of $ld_script"
else
	tap_fail "entry point is the linker script's start" \
		"entry '$entry', $entry_sym '${sym:-none}', origin '${origin:-none}'"
fi

# the flat image: present, its size reported, exactly the loaded sections
if [ ! -s "$bin" ]; then
	tap_fail "$bin built" "missing or empty"
else
	size=$(wc -c <"$bin")
	# end of the highest section with contents in memory (alloc, not NOBITS)
	end=0
	while read -r s_type s_addr s_size s_flags; do
		[ "$s_type" = NOBITS ] || [ "$s_type" = NULL ] || [[ $s_flags != *A* ]] && continue
		[ $((0x$s_addr + 0x$s_size)) -gt "$end" ] && end=$((0x$s_addr + 0x$s_size))
	done < <("$RV-readelf" -S -W "$elf" |
		sed -n 's/^ *\[ *[0-9]*\] *//p' | awk 'NF >= 7 { print $2, $3, $5, $7 }')
	if [ "$end" -gt 0 ] && [ "$size" -eq $((end - origin)) ]; then
		tap_ok "$bin: $size bytes ($((size / 1024)) KiB), the loaded sections from $origin"
	else
		tap_fail "$bin: size of the loaded sections" "$size bytes, sections end at $end"
	fi
	"$RV-objcopy" -O binary -j .text "$elf" "$work/text.bin"
	if cmp -s -n "$(wc -c <"$work/text.bin")" "$work/text.bin" "$bin"; then
		tap_ok "$bin starts with the ELF's .text"
	else
		tap_fail "$bin starts with the ELF's .text"
	fi
fi
tap_done
