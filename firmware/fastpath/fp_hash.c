/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Toeplitz hash of flow keys (definition in include/realmgate/flow.h).
 *
 * The RTL computes it as AND/XOR trees; here the key is consumed a byte at a
 * time from per-position tables derived from the secret, because a 128-bit
 * key through a bit-serial loop would cost more than the rest of the fast
 * path. rg_toeplitz_ref is the bit-serial definition the tables are tested
 * against.
 */
#include "fp.h"

/* Secret bit k, MSB first. */
static unsigned secret_bit(const uint8_t *secret, unsigned k)
{
	return (secret[k / 8] >> (7 - k % 8)) & 1u;
}

/* The 32 secret bits starting at bit k, first bit as the word's MSB. */
static uint32_t secret_window(const uint8_t *secret, unsigned k)
{
	uint32_t w = 0;
	for (unsigned b = 0; b < 32; b++)
		w = (w << 1) | secret_bit(secret, k + b);
	return w;
}

void rg_toeplitz_ref(const uint8_t secret[RG_HASH_SECRET_BYTES], const uint8_t *data, size_t len,
		     uint32_t out[RG_HASH_OUT_WORDS])
{
	for (unsigned w = 0; w < RG_HASH_OUT_WORDS; w++)
		out[w] = 0;
	for (size_t i = 0; i < len * 8; i++) {
		if (!((data[i / 8] >> (7 - i % 8)) & 1u))
			continue;
		for (unsigned w = 0; w < RG_HASH_OUT_WORDS; w++)
			out[w] ^= secret_window(secret, (unsigned)i + 32u * w);
	}
}

void rg_toeplitz_init(struct rg_toeplitz *tz, const uint8_t secret[RG_HASH_SECRET_BYTES])
{
	_Static_assert(8 * sizeof(struct rg_flow_key) + 32 * RG_HASH_OUT_WORDS <=
			       8 * RG_HASH_SECRET_BYTES + 1,
		       "secret long enough for every output bit of every key bit");
	for (unsigned i = 0; i < RG_HASH_SECRET_BYTES; i++)
		tz->secret[i] = secret[i];
	for (unsigned pos = 0; pos < sizeof(struct rg_flow_key); pos++) {
		uint32_t bitw[8][RG_HASH_OUT_WORDS];
		/* contribution of each single bit of this byte position */
		for (unsigned b = 0; b < 8; b++)
			for (unsigned w = 0; w < RG_HASH_OUT_WORDS; w++)
				bitw[b][w] = secret_window(secret, pos * 8 + b + 32 * w);
		for (unsigned v = 0; v < 256; v++) {
			uint32_t acc[RG_HASH_OUT_WORDS] = { 0 };
			for (unsigned b = 0; b < 8; b++) {
				if (!((v >> (7 - b)) & 1u))
					continue;
				for (unsigned w = 0; w < RG_HASH_OUT_WORDS; w++)
					acc[w] ^= bitw[b][w];
			}
			for (unsigned w = 0; w < RG_HASH_OUT_WORDS; w++)
				tz->t[pos][v][w] = acc[w];
			tz->t[pos][v][3] = 0;
		}
	}
}

/* The three output words of each table entry (plus padding) are XORed as
 * one 16-byte vector where the compiler has vectors, as scalars elsewhere;
 * the result is the same. */
typedef uint32_t rg_tz_vec __attribute__((vector_size(16)));

void rg_toeplitz_hash(const struct rg_toeplitz *tz, const struct rg_flow_key *key,
		      uint32_t out[RG_HASH_OUT_WORDS])
{
	const uint8_t *k = (const uint8_t *)key;
	rg_tz_vec acc = { 0, 0, 0, 0 };
	/* the last key byte is always zero and contributes nothing; unrolled,
	 * each byte is a load, a shift, a vector load and an XOR */
#pragma GCC unroll 16
	for (unsigned pos = 0; pos < sizeof(*key) - 1; pos++) {
		rg_tz_vec v;
		__builtin_memcpy(&v, tz->t[pos][k[pos]], sizeof(v));
		acc ^= v;
	}
	out[0] = acc[0];
	out[1] = acc[1];
	out[2] = acc[2];
}

void rg_fp_set_secret(struct rg_fp *fp, const uint8_t secret[RG_HASH_SECRET_BYTES])
{
	rg_toeplitz_init(&fp->hash, secret);
}

void rg_fp_hash(const struct rg_fp *fp, const struct rg_flow_key *key,
		uint32_t out[RG_HASH_OUT_WORDS])
{
	rg_toeplitz_hash(&fp->hash, key, out);
}
