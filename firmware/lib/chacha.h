/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ChaCha20 block function (RFC 8439 section 2.3) and a keystream
 * generator on it with fast key erasure: each block's first half becomes
 * the next key, its second half is output, so what was handed out cannot
 * be recomputed from the state afterwards. Freestanding (no libc); the
 * firmware's source of unpredictable ports (RFC 6056: ports that are hard
 * for an off-path attacker to guess), seeded from the platform's random
 * source.
 */
#ifndef RG_FW_CHACHA_H
#define RG_FW_CHACHA_H

#include <stdint.h>

#define RG_CHACHA_QR(a, b, c, d)           \
	do {                               \
		a += b;                    \
		d ^= a;                    \
		d = (d << 16) | (d >> 16); \
		c += d;                    \
		b ^= c;                    \
		b = (b << 12) | (b >> 20); \
		a += b;                    \
		d ^= a;                    \
		d = (d << 8) | (d >> 24);  \
		c += d;                    \
		b ^= c;                    \
		b = (b << 7) | (b >> 25);  \
	} while (0)

/* out = ChaCha20 block of (key, counter, nonce), words as RFC 8439 numbers
 * them (little-endian serialisation is the caller's). */
static inline void rg_chacha20_block(const uint32_t key[8], uint32_t counter,
				     const uint32_t nonce[3], uint32_t out[16])
{
	uint32_t in[16] = { 0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u, key[0], key[1],
			    key[2],	 key[3],      key[4],	   key[5],	key[6], key[7],
			    counter,	 nonce[0],    nonce[1],	   nonce[2] };
	uint32_t x[16];
	for (unsigned i = 0; i < 16; i++)
		x[i] = in[i];
	for (unsigned r = 0; r < 10; r++) {
		RG_CHACHA_QR(x[0], x[4], x[8], x[12]);
		RG_CHACHA_QR(x[1], x[5], x[9], x[13]);
		RG_CHACHA_QR(x[2], x[6], x[10], x[14]);
		RG_CHACHA_QR(x[3], x[7], x[11], x[15]);
		RG_CHACHA_QR(x[0], x[5], x[10], x[15]);
		RG_CHACHA_QR(x[1], x[6], x[11], x[12]);
		RG_CHACHA_QR(x[2], x[7], x[8], x[13]);
		RG_CHACHA_QR(x[3], x[4], x[9], x[14]);
	}
	for (unsigned i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

/* A keystream generator: 8 words of output per block. */
struct rg_chacha_rng {
	uint32_t key[8];
	uint32_t out[8];
	uint32_t left; /* unused words in out */
};

/* Seed with 32 bytes from a real random source. */
static inline void rg_chacha_rng_seed(struct rg_chacha_rng *g, const uint32_t seed[8])
{
	for (unsigned i = 0; i < 8; i++)
		g->key[i] = seed[i];
	g->left = 0;
}

static inline uint32_t rg_chacha_rng_next(struct rg_chacha_rng *g)
{
	if (!g->left) {
		static const uint32_t nonce[3] = { 0, 0, 0 };
		uint32_t b[16];
		rg_chacha20_block(g->key, 0, nonce, b);
		for (unsigned i = 0; i < 8; i++) {
			g->key[i] = b[i];
			g->out[i] = b[8 + i];
		}
		g->left = 8;
	}
	uint32_t v = g->out[--g->left];
	g->out[g->left] = 0; /* handed out: not kept */
	return v;
}

#endif /* RG_FW_CHACHA_H */
