/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Outside addresses and ports.
 *
 * Pools hold non-contiguous sets of outside addresses (any number of
 * ranges). Every address has one port bitmap per port space (UDP, TCP, ICMP
 * identifiers); a set bit means some mapping (live or held down) or port
 * block owns the port. Lookups by address use a sorted index array.
 *
 * Port choice for a new mapping (RFC 4787 / RFC 6056 / RFC 6888):
 *   1. a port suggested by the requester (PCP, NAT-PMP), if free;
 *   2. the inside port itself when the pool preserves ports;
 *   3. otherwise a random port: random start, then the next free port of
 *      the same class (0-1023 / >= 1024) and, where the pool asks for it,
 *      the same parity (RFC 6056 "simple port randomization").
 * Port-block and deterministic pools choose inside the subscriber's blocks
 * instead of the whole range. With endpoint-dependent mapping a port may be
 * shared by flows toward different remote endpoints ("overlap"): the
 * outside 5-tuple is what must stay unique.
 */
#include "fw_internal.h"

unsigned fw_proto_class(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP:
		return 0;
	case IPPROTO_TCP:
		return 1;
	case IPPROTO_ICMP:
		return 2;
	default:
		return FW_PROTO_CLASSES;
	}
}

static uint64_t *bitmap_of(struct rg_fw *fw, uint16_t paddr, unsigned cls)
{
	return fw->bitmaps + ((size_t)paddr * FW_PROTO_CLASSES + cls) * FW_BITMAP_WORDS;
}

static int bit_test(const uint64_t *bm, uint16_t port)
{
	return (bm[port >> 6] >> (port & 63u)) & 1u;
}

int fw_port_is_free(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port)
{
	return !bit_test(bitmap_of(fw, paddr, cls), port);
}

static void bit_take(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port)
{
	uint64_t *bm = bitmap_of(fw, paddr, cls);
	if (!bit_test(bm, port)) {
		bm[port >> 6] |= 1ull << (port & 63u);
		fw->paddr[paddr].used[cls]++;
	}
}

/* A mapping's port. Block pools track blocks, not ports (the mapping
 * table tells which ports of a block are in use). */
void fw_port_take(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port)
{
	if (fw->pools[fw->paddr[paddr].pool].mode == RG_POOL_DYNAMIC)
		bit_take(fw, paddr, cls, port);
}

void fw_port_give(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port)
{
	const struct fw_pool *pool = &fw->pools[fw->paddr[paddr].pool];
	if (pool->mode != RG_POOL_DYNAMIC)
		return; /* the port belongs to a block; the block is freed as a whole */
	uint64_t *bm = bitmap_of(fw, paddr, cls);
	if (bit_test(bm, port)) {
		bm[port >> 6] &= ~(1ull << (port & 63u));
		fw->paddr[paddr].used[cls]--;
	}
}

uint32_t fw_paddr_find(const struct rg_fw *fw, uint32_t addr)
{
	uint32_t lo = 0, hi = fw->paddr_used;
	/* every new flow asks this of its remote address, which is almost
	 * never in the pools' span: the ends of the sorted list answer first */
	if (!hi || addr < fw->paddr[fw->paddr_sorted[0]].addr ||
	    addr > fw->paddr[fw->paddr_sorted[hi - 1]].addr)
		return FW_NONE;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		uint32_t a = fw->paddr[fw->paddr_sorted[mid]].addr;
		if (a == addr)
			return fw->paddr_sorted[mid];
		if (a < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FW_NONE;
}

uint32_t fw_pool_for(const struct rg_fw *fw, uint32_t in_addr)
{
	uint32_t best = FW_NONE;
	int best_plen = -1;
	for (uint32_t i = 0; i < FW_POOLS; i++) {
		const struct fw_pool *p = &fw->pools[i];
		if (!p->used || !p->n_addrs)
			continue;
		if ((in_addr & p->sub_mask) != p->sub_addr)
			continue;
		if ((int)p->sub_plen > best_plen) {
			best = i;
			best_plen = p->sub_plen;
		}
	}
	return best;
}

/* The port class of in_port inside the pool's range: [lo, hi]. */
static void class_range(const struct fw_pool *pool, uint8_t proto, uint16_t in_port, uint32_t *lo,
			uint32_t *hi)
{
	uint32_t a = pool->port_lo, b = pool->port_hi;
	*lo = a;
	*hi = b;
	if (proto == IPPROTO_ICMP)
		return; /* identifiers have no privileged class */
	if (in_port < 1024) {
		uint32_t ca = a < 1 ? 1 : a, cb = b > 1023 ? 1023 : b;
		if (ca <= cb) {
			*lo = ca;
			*hi = cb;
		}
	} else {
		uint32_t ca = a < 1024 ? 1024 : a;
		if (ca <= b)
			*lo = ca;
	}
}

/* Is (paddr, port) usable for this mapping? */
static int usable(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t port, uint32_t rem_addr,
		  uint16_t rem_port, int overlap, int allow_shared)
{
	const struct fw_sub *s = &fw->subs[sub];
	const struct fw_pool *pool = &fw->pools[s->pool];
	unsigned cls = fw_proto_class(proto);
	uint32_t out_addr = fw->paddr[s->paddr].addr;
	if (fw->rule_end[RG_RULE_FORWARD] && fw_rule_reserves(fw, proto, out_addr, port))
		return 0;
	if (pool->mode == RG_POOL_DYNAMIC) {
		if (fw_port_is_free(fw, s->paddr, cls, port))
			return 1;
		if (!allow_shared)
			return 0;
	} else {
		if (!fw_sub_block_port(fw, sub, port))
			return 0;
		if (!fw_map_out_taken(fw, proto, out_addr, port))
			return 1;
		if (!allow_shared)
			return 0;
	}
	/* overlap: no EIM owner and no mapping toward the same remote */
	if (!overlap || fw_map_find_out(fw, proto, out_addr, port) != FW_NONE)
		return 0;
	return !fw_map_ed_conflict(fw, proto, out_addr, port, rem_addr, rem_port, overlap == 2);
}

int fw_port_choose_exact(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t port,
			 uint32_t rem_addr, uint16_t rem_port, int overlap)
{
	const struct fw_pool *pool = &fw->pools[fw->subs[sub].pool];
	if (port < pool->port_lo || port > pool->port_hi)
		return -1;
	return usable(fw, sub, proto, port, rem_addr, rem_port, overlap, overlap) ? 0 : -1;
}

static int scan(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint32_t lo, uint32_t hi, int parity,
		uint32_t rem_addr, uint16_t rem_port, int overlap, int allow_shared, uint16_t *out)
{
	uint32_t n = hi - lo + 1;
	uint32_t start = lo + fw_random(fw) % n;
	if (parity >= 0 && (start & 1u) != (uint32_t)parity)
		start = start + 1 > hi ? lo + ((lo & 1u) != (uint32_t)parity) : start + 1;
	const struct fw_sub *s = &fw->subs[sub];
	const uint64_t *bm = NULL;
	if (fw->pools[s->pool].mode == RG_POOL_DYNAMIC && !allow_shared)
		bm = bitmap_of(fw, s->paddr, fw_proto_class(proto));
	uint32_t step = parity >= 0 ? 2 : 1;
	uint32_t p = start;
	for (uint32_t i = 0; i < n; i += step) {
		if (p > hi) {
			p = lo;
			if (parity >= 0 && (p & 1u) != (uint32_t)parity)
				p++;
			if (p > hi)
				break;
		}
		/* a full bitmap word skips 64 ports at once */
		if (bm && (p & 63u) == 0 && bm[p >> 6] == ~0ull && p + 63 <= hi) {
			p += 64;
			i += 64 - step;
			continue;
		}
		if (usable(fw, sub, proto, (uint16_t)p, rem_addr, rem_port, overlap,
			   allow_shared)) {
			*out = (uint16_t)p;
			return 0;
		}
		p += step;
	}
	return -1;
}

/* The ranges the subscriber may choose from: the whole class (dynamic) or
 * each block it holds. */
static int choose_in(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t in_port, int parity,
		     uint32_t rem_addr, uint16_t rem_port, int overlap, int shared, uint16_t *out)
{
	const struct fw_sub *s = &fw->subs[sub];
	const struct fw_pool *pool = &fw->pools[s->pool];
	if (pool->mode == RG_POOL_DYNAMIC) {
		uint32_t lo, hi;
		class_range(pool, proto, in_port, &lo, &hi);
		return scan(fw, sub, proto, lo, hi, parity, rem_addr, rem_port, overlap, shared,
			    out);
	}
	for (unsigned b = 0; b < s->n_blocks; b++) {
		uint32_t lo = s->block[b], hi = lo + pool->block_size - 1u;
		if (!scan(fw, sub, proto, lo, hi, parity, rem_addr, rem_port, overlap, shared, out))
			return 0;
	}
	return -1;
}

int fw_port_choose(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t in_port, uint16_t want,
		   uint32_t rem_addr, uint16_t rem_port, int overlap, uint16_t *out)
{
	const struct fw_sub *s = &fw->subs[sub];
	const struct fw_pool *pool = &fw->pools[s->pool];
	if (want && want >= pool->port_lo && want <= pool->port_hi &&
	    usable(fw, sub, proto, want, rem_addr, rem_port, overlap, overlap)) {
		*out = want;
		return 0;
	}
	if ((pool->flags & RG_POOLF_PORT_PRESERVE) && in_port >= pool->port_lo &&
	    in_port <= pool->port_hi &&
	    usable(fw, sub, proto, in_port, rem_addr, rem_port, overlap, 0)) {
		*out = in_port;
		return 0;
	}
	int parity = (pool->flags & RG_POOLF_PARITY) && proto != IPPROTO_ICMP ? in_port & 1 : -1;
	for (int pass = 0; pass < 2; pass++) {
		/* first a port nobody uses; then, with overlap, a shared one */
		int shared = pass == 1;
		if (shared && !overlap)
			break;
		if (!choose_in(fw, sub, proto, in_port, parity, rem_addr, rem_port, overlap, shared,
			       out))
			return 0;
		if (parity >= 0 && !choose_in(fw, sub, proto, in_port, -1, rem_addr, rem_port,
					      overlap, shared, out))
			return 0;
	}
	/* a block pool may grow by one more block */
	if (pool->mode == RG_POOL_PORT_BLOCK && !fw_sub_new_block(fw, sub))
		return choose_in(fw, sub, proto, in_port, -1, rem_addr, rem_port, overlap, 0, out);
	return -1;
}

/* ---- blocks (port-block pools) ---------------------------------------------- */

/* Reserve a free block of the address in every port space; returns its
 * first port or -1. */
int fw_block_take(struct rg_fw *fw, uint16_t paddr, uint16_t *first)
{
	const struct fw_pool *pool = &fw->pools[fw->paddr[paddr].pool];
	uint32_t bs = pool->block_size;
	uint32_t nblocks = (uint32_t)(pool->port_hi - pool->port_lo + 1u) / bs;
	if (!nblocks)
		return -1;
	uint32_t start = fw_random(fw) % nblocks;
	const uint64_t *bm = bitmap_of(fw, paddr, 0);
	for (uint32_t i = 0; i < nblocks; i++) {
		uint32_t b = (start + i) % nblocks;
		uint32_t p0 = pool->port_lo + b * bs;
		if (bit_test(bm, (uint16_t)p0))
			continue;
		for (unsigned c = 0; c < FW_PROTO_CLASSES; c++)
			for (uint32_t p = p0; p < p0 + bs; p++)
				bit_take(fw, paddr, c, (uint16_t)p);
		*first = (uint16_t)p0;
		return 0;
	}
	return -1;
}

void fw_block_give(struct rg_fw *fw, uint16_t paddr, uint16_t first)
{
	const struct fw_pool *pool = &fw->pools[fw->paddr[paddr].pool];
	for (unsigned c = 0; c < FW_PROTO_CLASSES; c++) {
		uint64_t *bm = bitmap_of(fw, paddr, c);
		for (uint32_t p = first; p < (uint32_t)first + pool->block_size; p++)
			if (bit_test(bm, (uint16_t)p)) {
				bm[p >> 6] &= ~(1ull << (p & 63u));
				fw->paddr[paddr].used[c]--;
			}
	}
}

/* ---- pool control -------------------------------------------------------------- */

void fw_alloc_reset(struct rg_fw *fw)
{
	__builtin_memset(fw->pools, 0, sizeof(fw->pools));
	for (unsigned i = 0; i < FW_POOLS; i++)
		fw->pools[i].cursor = FW_NONE;
	for (uint32_t i = 0; i < fw->n_paddr; i++) {
		__builtin_memset(&fw->paddr[i], 0, sizeof(fw->paddr[i]));
		fw->paddr[i].pool = 0xff;
	}
	fw->paddr_used = 0;
	__builtin_memset(fw->bitmaps, 0,
			 (size_t)fw->n_paddr * FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
}

enum rg_status rg_fw_pool_set(struct rg_fw *fw, const struct rg_pool *p)
{
	if (!p || p->id >= FW_POOLS || p->mode > RG_POOL_DETERMINISTIC ||
	    p->mapping > RG_MAP_APDM || p->filtering[0] > RG_FILTER_APDF ||
	    p->filtering[1] > RG_FILTER_APDF || p->filtering[2] > RG_FILTER_APDF ||
	    p->sub_plen > 32 || p->port_lo > p->port_hi ||
	    (p->flags & ~(RG_POOLF_PORT_PRESERVE | RG_POOLF_PARITY | RG_POOLF_PAIRED)))
		return RG_ST_INVALID;
	uint32_t range = (uint32_t)p->port_hi - p->port_lo + 1u;
	if (p->mode != RG_POOL_DYNAMIC && (p->block_size == 0 || p->block_size > range))
		return RG_ST_INVALID;
	struct fw_pool *pool = &fw->pools[p->id];
	if (pool->used && pool->n_subs &&
	    (pool->mode != p->mode || pool->port_lo != p->port_lo || pool->port_hi != p->port_hi ||
	     pool->block_size != p->block_size || pool->sub_plen != p->sub_plen ||
	     pool->sub_addr != (rg_be32_val(p->sub_addr) & fw_mask(p->sub_plen))))
		return RG_ST_BUSY; /* live subscribers depend on the layout */
	pool->used = 1;
	pool->mode = p->mode;
	pool->mapping = p->mapping;
	for (unsigned i = 0; i < 3; i++)
		pool->filtering[i] = p->filtering[i];
	pool->flags = p->flags;
	pool->port_lo = p->port_lo;
	pool->port_hi = p->port_hi;
	pool->block_size = p->mode == RG_POOL_DYNAMIC ? 0 : p->block_size;
	pool->sub_plen = p->sub_plen;
	pool->sub_mask = fw_mask(p->sub_plen);
	pool->sub_addr = rg_be32_val(p->sub_addr) & pool->sub_mask;
	return RG_ST_OK;
}

static void sorted_insert(struct rg_fw *fw, uint32_t slot)
{
	uint32_t addr = fw->paddr[slot].addr;
	uint32_t i = fw->paddr_used;
	while (i > 0 && fw->paddr[fw->paddr_sorted[i - 1]].addr > addr) {
		fw->paddr_sorted[i] = fw->paddr_sorted[i - 1];
		i--;
	}
	fw->paddr_sorted[i] = (uint16_t)slot;
	fw->paddr_used++;
}

enum rg_status rg_fw_pool_add_range(struct rg_fw *fw, const struct rg_pool_range *r)
{
	if (!r || r->id >= FW_POOLS || !fw->pools[r->id].used)
		return r && r->id < FW_POOLS ? RG_ST_NOT_FOUND : RG_ST_INVALID;
	uint32_t lo = rg_be32_val(r->lo), hi = rg_be32_val(r->hi);
	if (lo > hi || lo == 0)
		return RG_ST_INVALID;
	uint64_t n = (uint64_t)hi - lo + 1u;
	if (n > fw->n_paddr - fw->paddr_used)
		return RG_ST_NO_RESOURCES;
	for (uint64_t a = lo; a <= hi; a++)
		if (fw_paddr_find(fw, (uint32_t)a) != FW_NONE || (uint32_t)a == fw->cfg.inside_addr)
			return RG_ST_EXISTS;
	uint32_t slot = 0;
	for (uint64_t a = lo; a <= hi; a++) {
		while (fw->paddr[slot].pool != 0xff)
			slot++;
		struct fw_paddr *pa = &fw->paddr[slot];
		__builtin_memset(pa, 0, sizeof(*pa));
		pa->addr = (uint32_t)a;
		pa->pool = r->id;
		sorted_insert(fw, slot);
		struct fw_pool *pool = &fw->pools[r->id];
		if (pool->cursor == FW_NONE) {
			pa->pool_next = (uint16_t)slot;
			pool->cursor = slot;
		} else {
			pa->pool_next = fw->paddr[pool->cursor].pool_next;
			fw->paddr[pool->cursor].pool_next = (uint16_t)slot;
		}
		pool->n_addrs++;
	}
	return RG_ST_OK;
}

enum rg_status rg_fw_pool_del(struct rg_fw *fw, uint8_t id)
{
	if (id >= FW_POOLS)
		return RG_ST_INVALID;
	struct fw_pool *pool = &fw->pools[id];
	if (!pool->used)
		return RG_ST_NOT_FOUND;
	if (pool->n_subs)
		return RG_ST_BUSY;
	uint32_t w = 0;
	for (uint32_t i = 0; i < fw->paddr_used; i++) {
		uint16_t slot = fw->paddr_sorted[i];
		if (fw->paddr[slot].pool == id) {
			__builtin_memset(bitmap_of(fw, slot, 0), 0,
					 FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
			__builtin_memset(&fw->paddr[slot], 0, sizeof(fw->paddr[slot]));
			fw->paddr[slot].pool = 0xff;
		} else {
			fw->paddr_sorted[w++] = slot;
		}
	}
	fw->paddr_used = w;
	__builtin_memset(pool, 0, sizeof(*pool));
	pool->cursor = FW_NONE;
	return RG_ST_OK;
}

static void pool_to_wire(const struct fw_pool *p, uint8_t id, struct rg_pool *o)
{
	__builtin_memset(o, 0, sizeof(*o));
	o->id = id;
	o->mode = p->mode;
	o->mapping = p->mapping;
	for (unsigned i = 0; i < 3; i++)
		o->filtering[i] = p->filtering[i];
	o->flags = p->flags;
	o->port_lo = p->port_lo;
	o->port_hi = p->port_hi;
	o->block_size = p->block_size;
	o->sub_addr = rg_be32_field(p->sub_addr);
	o->sub_plen = p->sub_plen;
}

uint32_t rg_fw_pool_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool *out, uint32_t max,
			 uint32_t *next)
{
	uint32_t n = 0;
	uint32_t i = cursor;
	*next = 0;
	for (; i < FW_POOLS; i++) {
		if (!fw->pools[i].used)
			continue;
		if (n == max) {
			*next = i;
			return n;
		}
		pool_to_wire(&fw->pools[i], (uint8_t)i, &out[n++]);
	}
	return n;
}

/* Every pool address with what it hands out; the cursor is a position in
 * the sorted address index. A deterministic pool's ranges are computed,
 * not marked in the bitmaps: each paired subscriber holds its block. */
uint32_t rg_fw_pool_addr_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool_addr_rec *out,
			      uint32_t max, uint32_t *next)
{
	uint32_t n = 0;
	*next = 0;
	for (uint32_t i = cursor; i < fw->paddr_used; i++) {
		if (n == max) {
			*next = i;
			return n;
		}
		const struct fw_paddr *a = &fw->paddr[fw->paddr_sorted[i]];
		const struct fw_pool *pool = &fw->pools[a->pool];
		struct rg_pool_addr_rec *r = &out[n++];
		__builtin_memset(r, 0, sizeof(*r));
		r->addr = rg_be32_field(a->addr);
		r->pool = a->pool;
		r->subscribers = a->n_subs;
		for (unsigned c = 0; c < FW_PROTO_CLASSES; c++)
			r->ports_used[c] = pool->mode == RG_POOL_DETERMINISTIC
						   ? a->n_subs * pool->block_size
						   : a->used[c];
		r->ports_total = (uint32_t)pool->port_hi - pool->port_lo + 1u;
	}
	return n;
}
