/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Subscribers: per inside host state (RFC 6888). A subscriber exists while
 * it has mappings (held-down ones included) and holds
 *   - its paired outside address (RFC 4787 REQ-2: every flow of one inside
 *     address uses one outside address),
 *   - its session and port counts for the quotas,
 *   - its port blocks (port-block pools) or its computed block
 *     (deterministic pools, RFC 7422).
 */
#include "fw_internal.h"

static uint32_t sub_hash(const struct rg_fw *fw, uint32_t a)
{
	return fw_mix32(a ^ fw->hseed) & fw->sub_hash_mask;
}

void fw_sub_init_free(struct rg_fw *fw)
{
	for (uint32_t i = 0; i <= fw->sub_hash_mask; i++)
		fw->sub_hash[i] = FW_NONE;
	fw->sub_free = FW_NONE;
	for (uint32_t i = fw->n_subs; i-- > 0;) {
		__builtin_memset(&fw->subs[i], 0, sizeof(fw->subs[i]));
		fw->subs[i].pool = 0xff;
		fw->subs[i].next = fw->sub_free;
		fw->sub_free = i;
	}
	fw->sub_used = 0;
}

/* Stage 0: the hash bucket; stage 1: the first subscriber it points at. */
void fw_sub_prefetch(struct rg_fw *fw, uint32_t in_addr, int stage)
{
	const uint32_t *b = &fw->sub_hash[sub_hash(fw, in_addr)];
	if (!stage)
		__builtin_prefetch(b);
	else if (*b != FW_NONE)
		__builtin_prefetch(&fw->subs[*b]);
}

uint32_t fw_sub_find(struct rg_fw *fw, uint32_t in_addr)
{
	for (uint32_t i = fw->sub_hash[sub_hash(fw, in_addr)]; i != FW_NONE; i = fw->subs[i].next)
		if (fw->subs[i].in_addr == in_addr)
			return i;
	return FW_NONE;
}

/* The k-th address (in address order) of a pool. */
static uint32_t pool_addr_at(const struct rg_fw *fw, uint32_t pool, uint32_t k)
{
	for (uint32_t i = 0; i < fw->paddr_used; i++) {
		uint16_t slot = fw->paddr_sorted[i];
		if (fw->paddr[slot].pool == pool && k-- == 0)
			return slot;
	}
	return FW_NONE;
}

/* Paired address for a new subscriber: the least loaded of the next few
 * addresses on the pool's ring ("power of a few choices": near-even spread
 * at a constant cost whatever the pool's size); the ring moves on so ties
 * rotate. */
#define FW_ADDR_CHOICES 4u
static uint32_t pick_address(struct rg_fw *fw, uint32_t pool)
{
	struct fw_pool *p = &fw->pools[pool];
	if (p->cursor == FW_NONE)
		return FW_NONE;
	uint32_t best = p->cursor, a = p->cursor;
	for (unsigned i = 0; i < FW_ADDR_CHOICES && i < p->n_addrs; i++) {
		if (fw->paddr[a].n_subs < fw->paddr[best].n_subs)
			best = a;
		a = fw->paddr[a].pool_next;
	}
	p->cursor = fw->paddr[best].pool_next;
	return best;
}

/* RFC 7422: subscriber i of the pool's inside prefix gets address
 * i / blocks_per_address and block i % blocks_per_address. */
static int deterministic(struct rg_fw *fw, uint32_t pool, uint32_t in_addr, uint32_t *paddr,
			 uint16_t *first)
{
	const struct fw_pool *p = &fw->pools[pool];
	uint32_t idx = in_addr - p->sub_addr;
	uint32_t per_addr = (uint32_t)(p->port_hi - p->port_lo + 1u) / p->block_size;
	if (!per_addr || idx / per_addr >= p->n_addrs)
		return -1;
	*paddr = pool_addr_at(fw, pool, idx / per_addr);
	*first = (uint16_t)(p->port_lo + (idx % per_addr) * p->block_size);
	return *paddr == FW_NONE ? -1 : 0;
}

static void block_event(struct rg_fw *fw, const struct fw_sub *s, uint16_t first, unsigned type)
{
	struct rg_evt_block e;
	e.in_addr = rg_be32_field(s->in_addr);
	e.out_addr = rg_be32_field(fw->paddr[s->paddr].addr);
	e.port_lo = first;
	e.port_hi = (uint16_t)(first + fw->pools[s->pool].block_size - 1u);
	fw_event(fw, type, &e, sizeof(e));
}

uint32_t fw_sub_get(struct rg_fw *fw, uint32_t in_addr, int create, enum rg_status *st)
{
	uint32_t i = fw_sub_find(fw, in_addr);
	*st = RG_ST_OK;
	if (i != FW_NONE || !create)
		return i;
	uint32_t pool = fw_pool_for(fw, in_addr);
	if (pool == FW_NONE) {
		*st = RG_ST_NOT_FOUND;
		FWC(fw, DROP_NO_POOL);
		return FW_NONE;
	}
	if (fw->sub_free == FW_NONE) {
		*st = RG_ST_NO_RESOURCES;
		FWC(fw, DROP_SUBSCRIBER_TABLE_FULL);
		return FW_NONE;
	}
	const struct fw_pool *p = &fw->pools[pool];
	uint32_t paddr;
	uint16_t first = 0;
	if (p->mode == RG_POOL_DETERMINISTIC) {
		if (deterministic(fw, pool, in_addr, &paddr, &first)) {
			*st = RG_ST_NO_RESOURCES;
			FWC(fw, DROP_POOL_EXHAUSTED);
			return FW_NONE;
		}
	} else {
		paddr = pick_address(fw, pool);
	}
	if (paddr == FW_NONE) {
		*st = RG_ST_NO_RESOURCES;
		FWC(fw, DROP_POOL_EXHAUSTED);
		return FW_NONE;
	}
	i = fw->sub_free;
	struct fw_sub *s = &fw->subs[i];
	fw->sub_free = s->next;
	__builtin_memset(s, 0, sizeof(*s));
	s->in_addr = in_addr;
	s->paddr = (uint16_t)paddr;
	s->pool = (uint8_t)pool;
	s->adj = FW_ADJ_NONE;
	uint32_t h = sub_hash(fw, in_addr);
	s->next = fw->sub_hash[h];
	fw->sub_hash[h] = i;
	fw->paddr[paddr].n_subs++;
	fw->pools[pool].n_subs++;
	fw->sub_used++;
	FWC_SET(fw, SUBSCRIBERS_ACTIVE, fw->sub_used);
	if (p->mode == RG_POOL_DETERMINISTIC) {
		s->block[0] = first;
		s->n_blocks = 1;
	}
	return i;
}

/* Drop the subscriber once nothing refers to it any more. */
void fw_sub_put(struct rg_fw *fw, uint32_t i)
{
	struct fw_sub *s = &fw->subs[i];
	if (s->n_maps || s->n_sess || s->pool == 0xff)
		return;
	const struct fw_pool *p = &fw->pools[s->pool];
	if (p->mode == RG_POOL_PORT_BLOCK) {
		for (unsigned b = 0; b < s->n_blocks; b++) {
			fw_block_give(fw, s->paddr, s->block[b]);
			block_event(fw, s, s->block[b], RG_EVT_BLOCK_FREE);
			FWC(fw, BLOCKS_FREED);
		}
	}
	fw_adj_release(fw, s->adj);
	uint32_t *pp = &fw->sub_hash[sub_hash(fw, s->in_addr)];
	while (*pp != i)
		pp = &fw->subs[*pp].next;
	*pp = s->next;
	fw->paddr[s->paddr].n_subs--;
	fw->pools[s->pool].n_subs--;
	__builtin_memset(s, 0, sizeof(*s));
	s->pool = 0xff;
	s->next = fw->sub_free;
	fw->sub_free = i;
	fw->sub_used--;
	FWC_SET(fw, SUBSCRIBERS_ACTIVE, fw->sub_used);
}

int fw_sub_block_port(struct rg_fw *fw, uint32_t i, uint16_t port)
{
	const struct fw_sub *s = &fw->subs[i];
	uint32_t bs = fw->pools[s->pool].block_size;
	for (unsigned b = 0; b < s->n_blocks; b++)
		if (port >= s->block[b] && (uint32_t)port < s->block[b] + bs)
			return 1;
	return 0;
}

/* One more block for a port-block subscriber, within its port quota. */
int fw_sub_new_block(struct rg_fw *fw, uint32_t i)
{
	struct fw_sub *s = &fw->subs[i];
	const struct fw_pool *p = &fw->pools[s->pool];
	if (p->mode != RG_POOL_PORT_BLOCK || s->n_blocks >= FW_SUB_BLOCKS)
		return -1;
	if (fw->cfg.max_ports_per_sub &&
	    (uint32_t)(s->n_blocks + 1u) * p->block_size > fw->cfg.max_ports_per_sub)
		return -1;
	uint16_t first;
	if (fw_block_take(fw, s->paddr, &first))
		return -1;
	s->block[s->n_blocks++] = first;
	block_event(fw, s, first, RG_EVT_BLOCK_ALLOC);
	FWC(fw, BLOCKS_ALLOCATED);
	return 0;
}
