/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fast path table memory: geometry, init and the direct forms of the table
 * commands (the CSR commands of regmap.h call these). Writing a session body
 * resets the fields the fast path maintains, as the RTL does.
 */
#include "fp.h"

#define FP_ALIGN 64u

static size_t round_up(size_t v)
{
	return (v + FP_ALIGN - 1) & ~(size_t)(FP_ALIGN - 1);
}

static int geometry_ok(const struct rg_fp_geometry *g)
{
	return g->buckets_log2 >= 1 && g->buckets_log2 <= 28 && g->sessions >= 1 &&
	       g->sessions - 1 <= RG_SESSION_INDEX_MAX && g->adjacencies >= 1 &&
	       g->adjacencies <= 65536;
}

static size_t bank_bytes(const struct rg_fp_geometry *g)
{
	return round_up(((size_t)1 << g->buckets_log2) * RG_BUCKET_SLOTS * sizeof(uint64_t));
}

size_t rg_fp_mem_size(const struct rg_fp_geometry *g)
{
	if (!geometry_ok(g))
		return 0;
	return RG_INDEX_BANKS * bank_bytes(g) +
	       round_up((size_t)g->sessions * sizeof(struct rg_session)) +
	       round_up((size_t)g->adjacencies * sizeof(struct rg_adjacency));
}

int rg_fp_init(struct rg_fp *fp, const struct rg_fp_geometry *g, void *mem, size_t len)
{
	size_t need = rg_fp_mem_size(g);
	if (!need || len < need || ((uintptr_t)mem & (FP_ALIGN - 1)))
		return -1;
	__builtin_memset(fp, 0, sizeof(*fp));
	__builtin_memset(mem, 0, need);
	uint8_t *p = mem;
	fp->buckets_log2 = g->buckets_log2;
	fp->bucket_mask = (1u << g->buckets_log2) - 1;
	fp->n_sessions = g->sessions;
	fp->n_adj = g->adjacencies;
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++) {
		fp->bank[b] = (uint64_t *)(void *)p;
		p += bank_bytes(g);
	}
	fp->sessions = (struct rg_session *)(void *)p;
	p += round_up((size_t)g->sessions * sizeof(struct rg_session));
	fp->adj = (struct rg_adjacency *)(void *)p;
	for (unsigned i = 0; i < RG_PORT_COUNT; i++)
		fp->port_mtu[i] = 1500;
	uint8_t zero[RG_HASH_SECRET_BYTES] = { 0 };
	rg_fp_set_secret(fp, zero);
	return 0;
}

int rg_fp_table_write_session(struct rg_fp *fp, uint32_t idx, const struct rg_session *s)
{
	if (idx >= fp->n_sessions)
		return -1;
	struct rg_session *d = &fp->sessions[idx];
	__builtin_memcpy(d, s, RG_SESSION_BODY_BYTES);
	__builtin_memset((uint8_t *)d + RG_SESSION_BODY_BYTES, 0,
			 sizeof(*d) - RG_SESSION_BODY_BYTES);
	return 0;
}

int rg_fp_table_read_session(const struct rg_fp *fp, uint32_t idx, struct rg_session *s)
{
	if (idx >= fp->n_sessions)
		return -1;
	*s = fp->sessions[idx];
	return 0;
}

int rg_fp_table_write_slot(struct rg_fp *fp, unsigned bank, uint32_t bucket, unsigned slot,
			   uint64_t value)
{
	if (bank >= RG_INDEX_BANKS || bucket > fp->bucket_mask || slot >= RG_BUCKET_SLOTS)
		return -1;
	fp->bank[bank][(size_t)bucket * RG_BUCKET_SLOTS + slot] = value;
	return 0;
}

int rg_fp_table_read_slot(const struct rg_fp *fp, unsigned bank, uint32_t bucket, unsigned slot,
			  uint64_t *value)
{
	if (bank >= RG_INDEX_BANKS || bucket > fp->bucket_mask || slot >= RG_BUCKET_SLOTS)
		return -1;
	*value = fp->bank[bank][(size_t)bucket * RG_BUCKET_SLOTS + slot];
	return 0;
}

int rg_fp_table_write_adj(struct rg_fp *fp, uint32_t idx, const struct rg_adjacency *a)
{
	if (idx >= fp->n_adj)
		return -1;
	fp->adj[idx] = *a;
	return 0;
}

int rg_fp_table_read_adj(const struct rg_fp *fp, uint32_t idx, struct rg_adjacency *a)
{
	if (idx >= fp->n_adj)
		return -1;
	*a = fp->adj[idx];
	return 0;
}
