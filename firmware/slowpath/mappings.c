/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mappings: an inside endpoint (proto, in_addr, in_port) bound to an outside
 * endpoint (out_addr, out_port). One table serves every kind:
 *   dynamic EIM mappings      created by the first outbound packet, alive
 *                             while they have sessions (RFC 4787 REQ-1)
 *   endpoint-dependent ones   (FW_MF_ED) one per remote endpoint or address:
 *                             address-and-port-dependent mapping and PEER
 *                             requests; they share outside ports (the
 *                             outside 5-tuple is what must be unique)
 *   requested mappings        MAP_ADD (PCP MAP/PEER, NAT-PMP, static API):
 *                             a lifetime and optional remote filters
 * Two hash tables find a mapping by its inside endpoint (outbound packets,
 * control calls) and by its outside endpoint (inbound packets, port
 * ownership). A released mapping stays in both, flagged HOLD, for the
 * port hold-down time (RFC 6888 REQ-8): no other subscriber can get its port,
 * and the same inside endpoint gets it back if it sends again.
 */
#include "fw_internal.h"

static uint32_t hash3(const struct rg_fw *fw, uint8_t proto, uint32_t addr, uint16_t port)
{
	return fw_mix32(addr ^ fw->hseed ^ (((uint32_t)proto << 16 | port) * 0x9e3779b1u)) &
	       fw->map_hash_mask;
}

void fw_map_init_free(struct rg_fw *fw)
{
	for (uint32_t i = 0; i <= fw->map_hash_mask; i++)
		fw->map_in_hash[i] = fw->map_out_hash[i] = FW_NONE;
	fw->map_free = FW_NONE;
	for (uint32_t i = fw->n_maps; i-- > 0;) {
		__builtin_memset(&fw->maps[i], 0, sizeof(fw->maps[i]));
		fw->maps[i].in_next = fw->map_free;
		fw->maps[i].sub = FW_NONE;
		fw->maps[i].sess_head = FW_NONE;
		fw->maps[i].filt = FW_NONE;
		fw->maps[i].flags = 0;
		fw->maps[i].proto = 0;
		fw->map_free = i;
	}
	fw->filt_free = FW_NONE;
	for (uint32_t i = fw->n_filt; i-- > 0;) {
		fw->filt[i].next_free = fw->filt_free;
		fw->filt[i].n = 0;
		fw->filt_free = i;
	}
	fw->map_used = 0;
}

static int in_use(const struct fw_map *m)
{
	return m->proto != 0;
}

/* Stage 0: the hash bucket; stage 1: the first mapping it points at. */
void fw_map_prefetch_in(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			int stage)
{
	const uint32_t *b = &fw->map_in_hash[hash3(fw, proto, in_addr, in_port)];
	if (!stage)
		__builtin_prefetch(b);
	else if (*b != FW_NONE)
		__builtin_prefetch(&fw->maps[*b]);
}

uint32_t fw_map_find_in(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t rem_addr, uint16_t rem_port)
{
	/* ED lookups pass the remote; rem_addr 0 asks for the EIM mapping */
	for (uint32_t i = fw->map_in_hash[hash3(fw, proto, in_addr, in_port)]; i != FW_NONE;
	     i = fw->maps[i].in_next) {
		const struct fw_map *m = &fw->maps[i];
		if (m->proto != proto || m->in_addr != in_addr || m->in_port != in_port)
			continue;
		if (!(m->flags & FW_MF_ED)) {
			if (!rem_addr)
				return i;
			continue;
		}
		if (rem_addr && m->rem_addr == rem_addr &&
		    ((m->flags & FW_MF_ED_ADDR) || m->rem_port == rem_port))
			return i;
	}
	return FW_NONE;
}

/* Any live mapping of the inside endpoint, endpoint-dependent ones included
 * (they share the endpoint's hash chain). */
uint32_t fw_map_find_in_any(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port)
{
	for (uint32_t i = fw->map_in_hash[hash3(fw, proto, in_addr, in_port)]; i != FW_NONE;
	     i = fw->maps[i].in_next) {
		const struct fw_map *m = &fw->maps[i];
		if (m->proto == proto && m->in_addr == in_addr && m->in_port == in_port &&
		    !(m->flags & FW_MF_HOLD))
			return i;
	}
	return FW_NONE;
}

uint32_t fw_map_find_out(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port)
{
	for (uint32_t i = fw->map_out_hash[hash3(fw, proto, out_addr, out_port)]; i != FW_NONE;
	     i = fw->maps[i].out_next) {
		const struct fw_map *m = &fw->maps[i];
		if (m->proto == proto && m->out_addr == out_addr && m->out_port == out_port &&
		    !(m->flags & FW_MF_ED))
			return i;
	}
	return FW_NONE;
}

int fw_map_out_taken(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port)
{
	for (uint32_t i = fw->map_out_hash[hash3(fw, proto, out_addr, out_port)]; i != FW_NONE;
	     i = fw->maps[i].out_next) {
		const struct fw_map *m = &fw->maps[i];
		if (m->proto == proto && m->out_addr == out_addr && m->out_port == out_port)
			return 1;
	}
	return 0;
}

/* Would an endpoint-dependent mapping on (out_addr, out_port) toward
 * rem_addr(:rem_port) share an outside 5-tuple with an existing one? */
int fw_map_ed_conflict(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port,
		       uint32_t rem_addr, uint16_t rem_port, int addr_only)
{
	for (uint32_t i = fw->map_out_hash[hash3(fw, proto, out_addr, out_port)]; i != FW_NONE;
	     i = fw->maps[i].out_next) {
		const struct fw_map *m = &fw->maps[i];
		if (m->proto != proto || m->out_addr != out_addr || m->out_port != out_port)
			continue;
		if (!(m->flags & FW_MF_ED) || m->rem_addr != rem_addr)
			continue;
		if (addr_only || (m->flags & FW_MF_ED_ADDR) || m->rem_port == rem_port)
			return 1;
	}
	return 0;
}

void fw_map_event(struct rg_fw *fw, uint32_t mi, unsigned type, unsigned reason)
{
	const struct fw_map *m = &fw->maps[mi];
	struct rg_evt_nat e;
	__builtin_memset(&e, 0, sizeof(e));
	e.proto = m->proto;
	e.owner = m->owner;
	e.reason = (uint8_t)reason;
	e.in_addr = rg_be32_field(m->in_addr);
	e.in_port = rg_be16_field(m->in_port);
	e.out_addr = rg_be32_field(m->out_addr);
	e.out_port = rg_be16_field(m->out_port);
	if ((fw->cfg.flags & RG_CFG_LOG_DEST) && (m->flags & FW_MF_ED)) {
		e.rem_addr = rg_be32_field(m->rem_addr);
		e.rem_port = rg_be16_field(m->rem_port);
	}
	fw_event(fw, type, &e, sizeof(e));
}

uint32_t fw_map_new(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		    uint32_t sub, uint16_t paddr, uint16_t out_port, uint8_t flags, uint8_t owner,
		    uint32_t rem_addr, uint16_t rem_port)
{
	if (fw->map_free == FW_NONE) {
		FWC(fw, DROP_MAPPING_TABLE_FULL);
		return FW_NONE;
	}
	uint32_t i = fw->map_free;
	struct fw_map *m = &fw->maps[i];
	fw->map_free = m->in_next;
	__builtin_memset(m, 0, sizeof(*m));
	m->proto = proto;
	m->in_addr = in_addr;
	m->in_port = in_port;
	m->out_addr = fw->paddr[paddr].addr;
	m->out_port = out_port;
	m->paddr = paddr;
	m->rem_addr = rem_addr;
	m->rem_port = rem_port;
	m->flags = flags;
	m->owner = owner;
	m->sub = sub;
	m->sess_head = FW_NONE;
	m->filt = FW_NONE;
	m->id = ++fw->map_next_id;
	const struct fw_pool *pool = &fw->pools[fw->paddr[paddr].pool];
	unsigned cls = fw_proto_class(proto);
	m->filt_mode = cls < 3 ? pool->filtering[cls] : RG_FILTER_APDF;
	uint32_t hi = hash3(fw, proto, in_addr, in_port);
	uint32_t ho = hash3(fw, proto, m->out_addr, out_port);
	m->in_next = fw->map_in_hash[hi];
	fw->map_in_hash[hi] = i;
	m->out_next = fw->map_out_hash[ho];
	fw->map_out_hash[ho] = i;
	if (cls < FW_PROTO_CLASSES)
		fw_port_take(fw, paddr, cls, out_port);
	fw->subs[sub].n_maps++;
	fw->map_used++;
	FWC(fw, MAPPINGS_CREATED);
	FWC(fw, MAPPINGS_ACTIVE);
	fw_map_event(fw, i, RG_EVT_MAPPING_CREATE, 0);
	return i;
}

static void unlink_hash(struct rg_fw *fw, uint32_t *head, uint32_t i, int out)
{
	uint32_t *pp = head;
	while (*pp != FW_NONE) {
		if (*pp == i) {
			*pp = out ? fw->maps[i].out_next : fw->maps[i].in_next;
			return;
		}
		pp = out ? &fw->maps[*pp].out_next : &fw->maps[*pp].in_next;
	}
}

void fw_map_free_now(struct rg_fw *fw, uint32_t i)
{
	struct fw_map *m = &fw->maps[i];
	if (!in_use(m))
		return;
	/* sessions cannot outlive their mapping */
	while (m->sess_head != FW_NONE)
		fw_sess_delete(fw, m->sess_head, RG_CLOSE_DELETED);
	if (!in_use(m))
		return; /* deleting the last session released it already */
	fw_timer_cancel(fw, fw->tbase_map + i);
	if (!(m->flags & FW_MF_HOLD)) {
		fw_map_event(fw, i, RG_EVT_MAPPING_DELETE, RG_CLOSE_DELETED);
		fw->fwc[RG_FWC_MAPPINGS_ACTIVE - RG_FWC_BASE]--;
	}
	unlink_hash(fw, &fw->map_in_hash[hash3(fw, m->proto, m->in_addr, m->in_port)], i, 0);
	unlink_hash(fw, &fw->map_out_hash[hash3(fw, m->proto, m->out_addr, m->out_port)], i, 1);
	unsigned cls = fw_proto_class(m->proto);
	if (cls < FW_PROTO_CLASSES && !fw_map_out_taken(fw, m->proto, m->out_addr, m->out_port))
		fw_port_give(fw, m->paddr, cls, m->out_port);
	if (m->filt != FW_NONE) {
		fw->filt[m->filt].next_free = fw->filt_free;
		fw->filt_free = m->filt;
	}
	uint32_t sub = m->sub;
	__builtin_memset(m, 0, sizeof(*m));
	m->sub = FW_NONE;
	m->sess_head = FW_NONE;
	m->filt = FW_NONE;
	m->in_next = fw->map_free;
	fw->map_free = i;
	fw->map_used--;
	FWC(fw, MAPPINGS_DELETED);
	if (sub != FW_NONE) {
		fw->subs[sub].n_maps--;
		fw_sub_put(fw, sub);
	}
}

/*
 * The mapping is no longer wanted (last session gone, deleted, lifetime
 * over). Its sessions go now; its outside port is held down before another
 * subscriber may have it.
 */
void fw_map_release(struct rg_fw *fw, uint32_t i, unsigned reason)
{
	struct fw_map *m = &fw->maps[i];
	if (!in_use(m) || (m->flags & FW_MF_HOLD))
		return;
	while (m->sess_head != FW_NONE) {
		uint32_t s = m->sess_head;
		/* detach first so the session's deletion does not recurse here */
		fw_map_detach_sess(fw, i, s);
		fw_sess_delete(fw, s, RG_CLOSE_DELETED);
	}
	fw_map_event(fw, i, RG_EVT_MAPPING_DELETE, reason);
	fw->fwc[RG_FWC_MAPPINGS_ACTIVE - RG_FWC_BASE]--;
	m->flags = (uint8_t)((m->flags | FW_MF_HOLD) & ~FW_MF_STATIC);
	m->owner = RG_OWNER_DYNAMIC;
	if (m->filt != FW_NONE) {
		fw->filt[m->filt].next_free = fw->filt_free;
		fw->filt_free = m->filt;
		m->filt = FW_NONE;
	}
	fw_timer_arm(fw, fw->tbase_map + i, fw->now_s + fw->cfg.holddown_s + 1);
}

/* A held-down mapping is used again by its own inside endpoint. */
void fw_map_revive(struct rg_fw *fw, uint32_t i)
{
	struct fw_map *m = &fw->maps[i];
	m->flags = (uint8_t)(m->flags & ~FW_MF_HOLD);
	fw_timer_cancel(fw, fw->tbase_map + i);
	FWC(fw, MAPPINGS_ACTIVE);
	fw_map_event(fw, i, RG_EVT_MAPPING_CREATE, 0);
}

void fw_map_timer(struct rg_fw *fw, uint32_t i)
{
	struct fw_map *m = &fw->maps[i];
	if (!in_use(m))
		return;
	if (m->flags & FW_MF_HOLD) {
		fw_map_free_now(fw, i);
		return;
	}
	if (m->flags & FW_MF_STATIC)
		return;
	if ((int32_t)(m->expire_s - fw->now_s) > 0) {
		fw_timer_arm(fw, fw->tbase_map + i, m->expire_s);
		return;
	}
	/* a requested lifetime ran out: back to a dynamic mapping if traffic
	 * still uses it, else gone */
	if (m->n_sess && !(m->flags & FW_MF_ED)) {
		m->owner = RG_OWNER_DYNAMIC;
		m->flags &= (uint8_t)~FW_MF_REQUESTED;
		if (m->filt != FW_NONE) {
			fw->filt[m->filt].next_free = fw->filt_free;
			fw->filt_free = m->filt;
			m->filt = FW_NONE;
		}
		return;
	}
	fw_map_release(fw, i, RG_CLOSE_TIMEOUT);
}

void fw_map_attach_sess(struct rg_fw *fw, uint32_t mi, uint32_t s)
{
	struct fw_map *m = &fw->maps[mi];
	struct fw_sess *st = &fw->sess[s];
	st->map = mi;
	st->mprev = FW_NONE;
	st->mnext = m->sess_head;
	if (m->sess_head != FW_NONE)
		fw->sess[m->sess_head].mprev = s;
	m->sess_head = s;
	m->n_sess++;
	if (m->sub != FW_NONE)
		fw->subs[m->sub].n_sess++;
}

void fw_map_detach_sess(struct rg_fw *fw, uint32_t mi, uint32_t s)
{
	struct fw_map *m = &fw->maps[mi];
	struct fw_sess *st = &fw->sess[s];
	if (st->map != mi)
		return;
	if (st->mprev != FW_NONE)
		fw->sess[st->mprev].mnext = st->mnext;
	else
		m->sess_head = st->mnext;
	if (st->mnext != FW_NONE)
		fw->sess[st->mnext].mprev = st->mprev;
	st->map = FW_NONE;
	st->mnext = st->mprev = FW_NONE;
	m->n_sess--;
	if (m->sub != FW_NONE)
		fw->subs[m->sub].n_sess--;
}

static int filter_match(const struct rg_map_filter *f, uint32_t addr, uint16_t port)
{
	uint32_t mask = fw_mask(f->plen);
	if (f->plen && ((rg_be32_val(f->addr) ^ addr) & mask))
		return 0;
	return !f->port || rg_be16_val(f->port) == port;
}

/* Does the mapping admit a new inbound flow from rem_addr:rem_port? */
int fw_map_filter_allows(struct rg_fw *fw, uint32_t mi, uint32_t rem_addr, uint16_t rem_port)
{
	const struct fw_map *m = &fw->maps[mi];
	if (m->flags & (FW_MF_HOLD | FW_MF_ED))
		return 0;
	if (m->flags & FW_MF_REQUESTED) {
		if (m->filt == FW_NONE || fw->filt[m->filt].n == 0)
			return 1; /* PCP MAP without FILTER: endpoint-independent */
		const struct fw_filter_set *fs = &fw->filt[m->filt];
		for (unsigned i = 0; i < fs->n; i++)
			if (filter_match(&fs->f[i], rem_addr, rem_port))
				return 1;
		return 0;
	}
	if (m->filt_mode == RG_FILTER_EIF)
		return 1;
	/* ADF / APDF: only remotes the inside endpoint has sent to */
	for (uint32_t s = m->sess_head; s != FW_NONE; s = fw->sess[s].mnext) {
		struct rg_session body;
		if (fw_sess_read(fw, s, &body))
			continue;
		if (rg_be32_val(body.rem_addr) != rem_addr)
			continue;
		if (m->filt_mode == RG_FILTER_ADF || rg_be16_val(body.rem_port) == rem_port)
			return 1;
	}
	return 0;
}

uint32_t fw_filter_alloc(struct rg_fw *fw)
{
	uint32_t i = fw->filt_free;
	if (i != FW_NONE) {
		fw->filt_free = fw->filt[i].next_free;
		fw->filt[i].n = 0;
	}
	return i;
}
