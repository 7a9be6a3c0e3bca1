/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One's complement arithmetic for the Internet checksum (RFC 1071) and its
 * incremental update (RFC 1624). The fast path's C model and the RTL perform
 * exactly these operations in exactly this order, so their output is
 * bit-identical, including the 0x0000 / 0xFFFF cases.
 */
#ifndef RG_FW_CSUM_H
#define RG_FW_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* a + b with end-around carry, on 16-bit values. */
static inline uint16_t rg_csum_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;
	return (uint16_t)((s & 0xffffu) + (s >> 16));
}

/* Fold a 32-bit accumulator of 16-bit words into 16 bits. */
static inline uint16_t rg_csum_fold(uint32_t s)
{
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* The sum of the 16-bit words of buf[0..len) in the host's byte order, not
 * yet folded (an odd last byte counts as the high byte of a big-endian
 * word). rg_csum_partial folds it and swaps it to big-endian order; checks
 * that only compare a folded total with 0xffff (which byte order leaves
 * unchanged) add several pieces, fold once and never swap. A big-endian
 * 16-bit value v joins such a sum as rg_csum_native16(v). */
static inline uint64_t rg_csum_native(const uint8_t *buf, size_t len)
{
	/* four independent accumulators over 16-byte steps: the same integer
	 * sum as one, without one long chain of dependent additions (payload
	 * tail sums are the per-byte cost of the soft fast path) */
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	size_t i = 0;
	for (; i + 16 <= len; i += 16) {
		uint32_t w[4];
		__builtin_memcpy(w, buf + i, 16);
		a0 += w[0];
		a1 += w[1];
		a2 += w[2];
		a3 += w[3];
	}
	uint64_t s = a0 + a1 + a2 + a3;
	for (; i + 4 <= len; i += 4) {
		uint32_t w;
		__builtin_memcpy(&w, buf + i, 4);
		s += w;
	}
	if (i + 2 <= len) {
		uint16_t w;
		__builtin_memcpy(&w, buf + i, 2);
		s += w;
		i += 2;
	}
	if (i < len) {
		/* the lone byte is the first (high) byte of a big-endian word */
		uint8_t pad[2] = { buf[i], 0 };
		uint16_t w;
		__builtin_memcpy(&w, pad, 2);
		s += w;
	}
	return s;
}

static inline uint64_t rg_csum_native16(uint16_t be_value)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)((be_value << 8) | (be_value >> 8));
#else
	return be_value;
#endif
}

/* Fold a native sum to 16 bits with end-around carries (0xffff means the
 * checksummed data is valid, in either byte order). */
static inline uint16_t rg_csum_fold_native(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* Sum of big-endian 16-bit words of buf[0..len); an odd last byte is padded
 * with zero. Returns an accumulator congruent (mod 0xffff) to that sum, to
 * which further big-endian words may be added before rg_csum_fold (safe for
 * len < 128 KiB plus a few thousand more words).
 *
 * Computed 32 bits at a time in native byte order, folded, then swapped to
 * big-endian order (RFC 1071 section 2(B): the one's complement sum is
 * independent of byte order and of the word size used to add). */
static inline uint32_t rg_csum_partial(const uint8_t *buf, size_t len)
{
	uint32_t s = rg_csum_fold_native(rg_csum_native(buf, len));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = ((s & 0xffu) << 8) | (s >> 8);
#endif
	return s;
}

/* Delta contribution of replacing 16-bit word `old` by `new` (~m + m'). */
static inline uint16_t rg_csum_delta16(uint16_t old, uint16_t new_)
{
	return rg_csum_add((uint16_t)~old, new_);
}

static inline uint16_t rg_csum_delta32(uint32_t old, uint32_t new_)
{
	return rg_csum_add(rg_csum_delta16((uint16_t)(old >> 16), (uint16_t)(new_ >> 16)),
			   rg_csum_delta16((uint16_t)old, (uint16_t)new_));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + D), D a sum of ~m + m' terms. */
static inline uint16_t rg_csum_apply(uint16_t hc, uint16_t delta)
{
	return (uint16_t)~rg_csum_add((uint16_t)~hc, delta);
}

#endif /* RG_FW_CSUM_H */
