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

/*
 * Toeplitz is linear over GF(2): the bucket index of bank b is a fixed
 * binary matrix times the key's bits. Keys that differ only within one field
 * (the hosts of a subscriber prefix, the ports of one host) span a subspace,
 * and if that matrix restricted to the field has less than full rank, those
 * keys land in half (or a quarter ...) of the buckets, several times as many
 * per bucket as there are slots, and no relocation can place them all. A
 * 14x16 secret matrix is rank-deficient about a quarter of the time, so with
 * such keys one secret in four filled a 95 %-loaded index with 4.5 %
 * insert failures. A secret passes when, in each bank and in both banks
 * together, every field below reaches the rank given in
 * rg_toeplitz_spreads: then keys that differ in one of them spread evenly
 * (a linear map of full rank puts equally many points of a subspace on
 * every image point, more evenly than a random hash would).
 */
static const struct {
	uint8_t first, bits; /* key bit range, MSB-first numbering */
} spread_fields[] = {
	/* the hosts of a /24, /16, /8 (full rank on a field does not imply it
	 * on the field's low part, so each prefix length is its own check) */
	{ 24, 8 }, { 16, 16 }, { 8, 24 },  /* src_addr */
	{ 56, 8 }, { 48, 16 }, { 40, 24 }, /* dst_addr */
	{ 72, 8 }, { 64, 16 },		   /* src_port */
	{ 88, 8 }, { 80, 16 },		   /* dst_port */
};

/* GF(2) rank of n vectors (n <= 64). */
static unsigned gf2_rank(uint64_t *v, unsigned n)
{
	unsigned rank = 0;
	for (unsigned bit = 64; bit-- > 0 && rank < n;) {
		uint64_t m = 1ull << bit;
		unsigned piv = rank;
		while (piv < n && !(v[piv] & m))
			piv++;
		if (piv == n)
			continue;
		uint64_t t = v[piv];
		v[piv] = v[rank];
		v[rank] = t;
		for (unsigned i = 0; i < n; i++)
			if (i != rank && (v[i] & m))
				v[i] ^= t;
		rank++;
	}
	return rank;
}

int rg_toeplitz_spreads(const uint8_t secret[RG_HASH_SECRET_BYTES], unsigned buckets_log2)
{
	if (buckets_log2 == 0 || buckets_log2 > 32)
		return buckets_log2 == 0;
	uint64_t mask = buckets_log2 == 32 ? 0xffffffffull : (1ull << buckets_log2) - 1u;
	for (unsigned f = 0; f < sizeof(spread_fields) / sizeof(spread_fields[0]); f++) {
		unsigned n = spread_fields[f].bits;
		/* which banks' index bits count: bank 0, bank 1, both */
		for (unsigned which = 1; which <= 3; which++) {
			uint64_t v[32];
			unsigned width = 0;
			for (unsigned i = 0; i < n; i++) {
				unsigned k = spread_fields[f].first + i;
				uint64_t col = 0;
				width = 0;
				for (unsigned b = 0; b < RG_INDEX_BANKS; b++)
					if (which & (1u << b)) {
						col |= (secret_window(secret, k + 32u * b) & mask)
						       << width;
						width += buckets_log2;
					}
				v[i] = col;
			}
			/* more keys than buckets: full rank, or some buckets get
			 * twice their share and more; at most as many: one short is
			 * fine (pairs of keys share a bucket, far below its slots),
			 * and demanding more would reject half of all secrets
			 * (square Toeplitz matrices over GF(2) are singular half the
			 * time) */
			unsigned want = n > width ? width : n - 1;
			if (gf2_rank(v, n) < want)
				return 0;
		}
	}
	return 1;
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
