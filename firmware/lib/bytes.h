/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Byte access helpers for packet and contract buffers. Packets are read and
 * written byte by byte in network order, so the code is the same on any host
 * and never performs an unaligned word access on the card's cores.
 */
#ifndef RG_FW_BYTES_H
#define RG_FW_BYTES_H

#include <stdint.h>

static inline uint16_t rg_get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rg_get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#if defined(__x86_64__) || defined(__aarch64__)
/* Hosts with cheap unaligned stores: one byte-swapped store (the compiler
 * does not merge the byte stores below by itself). */
static inline void rg_put_be16(uint8_t *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	__builtin_memcpy(p, &v, 2);
}

static inline void rg_put_be32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	__builtin_memcpy(p, &v, 4);
}
#else
static inline void rg_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void rg_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
#endif

/* Contract structures store rg_be16/rg_be32 fields as the bytes appear on
 * the wire; these convert between such a field and a host-order value. */
static inline uint16_t rg_be16_val(uint16_t field)
{
	return rg_get_be16((const uint8_t *)&field);
}

static inline uint32_t rg_be32_val(uint32_t field)
{
	return rg_get_be32((const uint8_t *)&field);
}

static inline uint16_t rg_be16_field(uint16_t value)
{
	uint16_t f;
	rg_put_be16((uint8_t *)&f, value);
	return f;
}

static inline uint32_t rg_be32_field(uint32_t value)
{
	uint32_t f;
	rg_put_be32((uint8_t *)&f, value);
	return f;
}

static inline uint16_t rg_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rg_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void rg_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif /* RG_FW_BYTES_H */
