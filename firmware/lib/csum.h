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

/* Sum of big-endian 16-bit words of buf[0..len); an odd last byte is padded
 * with zero. Returns an unfolded accumulator (safe for len < 128 KiB). */
static inline uint32_t rg_csum_partial(const uint8_t *buf, size_t len)
{
	uint32_t s = 0;
	size_t i;
	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)((buf[i] << 8) | buf[i + 1]);
	if (len & 1)
		s += (uint32_t)(buf[len - 1] << 8);
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
