/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Common vocabulary of the contract headers: fixed-width types, byte-order
 * markers and layout assertions. This file holds no contract of its own; it
 * only lets the contract headers say precisely what they mean.
 *
 * Byte order rule used by every contract:
 *   - values that are copied to or from packets (addresses, L4 ports, SPIs,
 *     checksum deltas) are stored in network byte order and typed rg_be16 /
 *     rg_be32 so a reader sees it at the declaration;
 *   - every other multi-byte field (counters, indices, lengths, DMA
 *     addresses, register values) is little-endian, the native order of both
 *     the host (x86_64/aarch64) and the card's riscv64 cores.
 */
#ifndef REALMGATE_TYPES_H
#define REALMGATE_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t rg_be16; /* network byte order */
typedef uint32_t rg_be32; /* network byte order */

/* Layout checks: every contract structure states its size and the offset of
 * each field so that C, the RTL and the generated Verilog include agree. */
#define RG_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " must be " #size " bytes")
#define RG_ASSERT_OFFSET(type, field, off)                                             \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " must be at " \
							     "offset " #off)

#endif /* REALMGATE_TYPES_H */
