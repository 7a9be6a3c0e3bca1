/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control calls on mappings and sessions (MAP_ADD/DEL/GET, MAP_LIST,
 * SESSION_LIST/DEL). Requested mappings (PCP MAP/PEER, NAT-PMP, static)
 * and traffic-created ones are the same objects (mappings.c); a request
 * upgrades an existing dynamic mapping rather than allocating a second one.
 * Every field is validated before anything changes.
 */
#include "fw_internal.h"

#define FW_LIFETIME_MAX (0x7fffffffu / 1000u)

static int proto_ok(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_ICMP;
}

static enum rg_status set_filters(struct rg_fw *fw, struct fw_map *m, const struct rg_map_req *r)
{
	if (!r->n_filters && !(r->flags & RG_MAPF_REPLACE_FILTERS))
		return RG_ST_OK;
	if (m->filt == FW_NONE) {
		if (!r->n_filters)
			return RG_ST_OK;
		m->filt = fw_filter_alloc(fw);
		if (m->filt == FW_NONE)
			return RG_ST_NO_RESOURCES;
	}
	struct fw_filter_set *fs = &fw->filt[m->filt];
	if (r->flags & RG_MAPF_REPLACE_FILTERS)
		fs->n = 0;
	for (unsigned i = 0; i < r->n_filters; i++) {
		const struct rg_map_filter *f = &r->filters[i];
		int dup = 0;
		for (unsigned j = 0; j < fs->n; j++)
			if (fs->f[j].addr == f->addr && fs->f[j].plen == f->plen &&
			    fs->f[j].port == f->port)
				dup = 1;
		if (dup)
			continue;
		if (fs->n == RG_MAP_MAX_FILTERS)
			return RG_ST_NO_RESOURCES;
		fs->f[fs->n++] = *f;
	}
	return RG_ST_OK;
}

static void fill_rsp(struct rg_fw *fw, uint32_t mi, struct rg_map_rsp *rsp)
{
	const struct fw_map *m = &fw->maps[mi];
	__builtin_memset(rsp, 0, sizeof(*rsp));
	rsp->out_addr = rg_be32_field(m->out_addr);
	rsp->out_port = rg_be16_field(m->out_port);
	rsp->lifetime_s = (m->flags & FW_MF_STATIC) ? 0xffffffffu : m->expire_s - fw->now_s;
	rsp->id = m->id;
}

static void set_lifetime(struct rg_fw *fw, uint32_t mi, const struct rg_map_req *r)
{
	struct fw_map *m = &fw->maps[mi];
	m->owner = (uint8_t)r->owner;
	m->flags |= FW_MF_REQUESTED;
	if (r->owner == RG_OWNER_STATIC) {
		m->flags |= FW_MF_STATIC;
		fw_timer_cancel(fw, fw->tbase_map + mi);
		return;
	}
	m->flags &= (uint8_t)~FW_MF_STATIC;
	uint32_t life = r->lifetime_s > FW_LIFETIME_MAX ? FW_LIFETIME_MAX : r->lifetime_s;
	m->expire_s = fw->now_s + life;
	fw_timer_arm(fw, fw->tbase_map + mi, m->expire_s);
}

static int filters_valid(const struct rg_map_req *r)
{
	if (r->n_filters > RG_MAP_MAX_FILTERS)
		return 0;
	for (unsigned i = 0; i < r->n_filters; i++)
		if (r->filters[i].plen > 32)
			return 0;
	return 1;
}

enum rg_status rg_fw_map_add(struct rg_fw *fw, const struct rg_map_req *r, struct rg_map_rsp *rsp)
{
	if (!r || !rsp)
		return RG_ST_INVALID;
	uint32_t in_addr = rg_be32_val(r->in_addr);
	uint16_t in_port = rg_be16_val(r->in_port);
	int peer = (r->flags & RG_MAPF_PEER) != 0;
	if (!proto_ok(r->proto) || !in_addr || (!in_port && r->proto != IPPROTO_ICMP) ||
	    (r->flags & ~(RG_MAPF_PREFER_FAILURE | RG_MAPF_PEER | RG_MAPF_REPLACE_FILTERS)) ||
	    !filters_valid(r) || r->owner > RG_OWNER_CLI || r->owner == RG_OWNER_DYNAMIC ||
	    (peer && !r->rem_addr) || fw_is_own_addr(fw, in_addr))
		return RG_ST_INVALID;
	if (!r->lifetime_s && r->owner != RG_OWNER_STATIC) {
		/* lifetime 0: delete (PCP, NAT-PMP) */
		struct rg_map_id id = { .proto = r->proto,
					.in_addr = r->in_addr,
					.in_port = r->in_port };
		enum rg_status st = rg_fw_map_del(fw, &id);
		__builtin_memset(rsp, 0, sizeof(*rsp));
		return st == RG_ST_NOT_FOUND ? RG_ST_OK : st;
	}
	uint32_t rem = peer ? rg_be32_val(r->rem_addr) : 0;
	uint16_t rem_port = peer ? rg_be16_val(r->rem_port) : 0;
	uint16_t want = rg_be16_val(r->out_port);
	uint32_t want_addr = rg_be32_val(r->out_addr);
	int strict = (r->flags & RG_MAPF_PREFER_FAILURE) != 0;

	uint32_t mi = fw_map_find_in(fw, r->proto, in_addr, in_port, 0, 0);
	if (peer && mi == FW_NONE)
		mi = fw_map_find_in(fw, r->proto, in_addr, in_port, rem, rem_port);
	if (mi != FW_NONE && !(fw->maps[mi].flags & FW_MF_HOLD)) {
		struct fw_map *m = &fw->maps[mi];
		if (strict &&
		    ((want && want != m->out_port) || (want_addr && want_addr != m->out_addr)))
			return RG_ST_CANNOT_PROVIDE;
		enum rg_status st = set_filters(fw, m, r);
		if (st != RG_ST_OK)
			return st;
		set_lifetime(fw, mi, r);
		fill_rsp(fw, mi, rsp);
		return RG_ST_OK;
	}
	enum rg_status st;
	uint32_t sub = fw_sub_get(fw, in_addr, 1, &st);
	if (sub == FW_NONE)
		return st == RG_ST_NOT_FOUND ? RG_ST_NOT_AUTHORIZED : st;
	struct fw_sub *s = &fw->subs[sub];
	const struct fw_pool *pool = &fw->pools[s->pool];
	if (want_addr && want_addr != fw->paddr[s->paddr].addr && strict) {
		fw_sub_put(fw, sub);
		return RG_ST_CANNOT_PROVIDE; /* paired pooling: one address per host */
	}
	if (mi != FW_NONE) {
		/* held down: the same endpoint takes its mapping back */
		fw_map_revive(fw, mi);
	} else {
		if (fw->cfg.max_ports_per_sub && pool->mode == RG_POOL_DYNAMIC &&
		    s->n_maps >= fw->cfg.max_ports_per_sub) {
			FWC(fw, DROP_QUOTA_PORTS);
			fw_sub_put(fw, sub);
			return RG_ST_QUOTA;
		}
		uint16_t port;
		int overlap = peer ? 1 : 0;
		int rc;
		if (strict) {
			rc = want ? fw_port_choose_exact(fw, sub, r->proto, want, rem, rem_port,
							 overlap)
				  : fw_port_choose(fw, sub, r->proto, in_port, 0, rem, rem_port,
						   overlap, &port);
			if (want)
				port = want;
		} else {
			rc = fw_port_choose(fw, sub, r->proto, in_port, want, rem, rem_port,
					    overlap, &port);
		}
		if (rc) {
			fw_sub_put(fw, sub);
			return strict && want ? RG_ST_CANNOT_PROVIDE : RG_ST_NO_RESOURCES;
		}
		mi = fw_map_new(fw, r->proto, in_addr, in_port, sub, s->paddr, port,
				peer ? FW_MF_ED : 0, (uint8_t)r->owner, rem, rem_port);
		if (mi == FW_NONE) {
			fw_sub_put(fw, sub);
			return RG_ST_NO_RESOURCES;
		}
	}
	st = set_filters(fw, &fw->maps[mi], r);
	if (st != RG_ST_OK) {
		fw_map_free_now(fw, mi);
		return st;
	}
	set_lifetime(fw, mi, r);
	if (peer) {
		/* PEER: the session exists before the first packet (seed 000) */
		struct fw_map *m = &fw->maps[mi];
		struct fw_new_sess n;
		__builtin_memset(&n, 0, sizeof(n));
		n.proto = r->proto;
		n.in_side = RG_PORT_INSIDE;
		n.rem_side = RG_PORT_OUTSIDE;
		n.in_addr = in_addr;
		n.in_port = in_port;
		n.out_addr = m->out_addr;
		n.out_port = m->out_port;
		n.rem_addr = n.rem_xaddr = rem;
		n.rem_port = n.rem_xport = rem_port;
		n.state = r->proto == IPPROTO_TCP    ? FW_SS_TCP_SYN_OUT
			  : r->proto == IPPROTO_ICMP ? FW_SS_ICMP
						     : FW_SS_UDP;
		n.map = mi;
		unsigned d;
		struct rg_flow_key k;
		__builtin_memset(&k, 0, sizeof(k));
		k.src_addr = r->in_addr;
		k.dst_addr = r->rem_addr;
		k.src_port = r->in_port;
		k.dst_port = r->rem_port;
		k.proto = r->proto;
		k.side = RG_PORT_INSIDE;
		if (fw_sess_lookup(fw, &k, &d) == FW_NONE &&
		    fw_sess_create(fw, &n, NULL) == FW_NONE) {
			fw_map_free_now(fw, mi);
			return RG_ST_NO_RESOURCES;
		}
	}
	fill_rsp(fw, mi, rsp);
	return RG_ST_OK;
}

static uint32_t map_by_id(struct rg_fw *fw, const struct rg_map_id *id)
{
	if (!proto_ok(id->proto))
		return FW_NONE;
	uint32_t mi;
	if (id->in_addr)
		mi = fw_map_find_in(fw, id->proto, rg_be32_val(id->in_addr),
				    rg_be16_val(id->in_port), 0, 0);
	else
		mi = fw_map_find_out(fw, id->proto, rg_be32_val(id->out_addr),
				     rg_be16_val(id->out_port));
	if (mi == FW_NONE && id->in_addr)
		mi = fw_map_find_in_any(fw, id->proto, rg_be32_val(id->in_addr),
					rg_be16_val(id->in_port));
	if (mi != FW_NONE && (fw->maps[mi].flags & FW_MF_HOLD))
		return FW_NONE;
	return mi;
}

enum rg_status rg_fw_map_del(struct rg_fw *fw, const struct rg_map_id *id)
{
	if (!id || !proto_ok(id->proto) || (!id->in_addr && !id->out_addr))
		return RG_ST_INVALID;
	uint32_t mi = map_by_id(fw, id);
	if (mi == FW_NONE)
		return RG_ST_NOT_FOUND;
	fw_map_release(fw, mi, RG_CLOSE_DELETED);
	return RG_ST_OK;
}

static void map_rec(struct rg_fw *fw, uint32_t mi, struct rg_map_rec *rec)
{
	const struct fw_map *m = &fw->maps[mi];
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->proto = m->proto;
	rec->owner = m->owner;
	rec->n_filters = m->filt != FW_NONE ? fw->filt[m->filt].n : 0;
	rec->flags = m->flags;
	rec->in_addr = rg_be32_field(m->in_addr);
	rec->out_addr = rg_be32_field(m->out_addr);
	rec->in_port = rg_be16_field(m->in_port);
	rec->out_port = rg_be16_field(m->out_port);
	if (m->flags & FW_MF_STATIC)
		rec->lifetime_left_s = 0xffffffffu;
	else if (m->flags & FW_MF_REQUESTED)
		rec->lifetime_left_s = m->expire_s - fw->now_s;
	else
		rec->lifetime_left_s = 0; /* dynamic: lives while it has sessions */
	rec->sessions = m->n_sess;
	rec->id = m->id;
}

enum rg_status rg_fw_map_get(struct rg_fw *fw, const struct rg_map_id *id, struct rg_map_rec *rec)
{
	if (!id || !rec || !proto_ok(id->proto) || (!id->in_addr && !id->out_addr))
		return RG_ST_INVALID;
	uint32_t mi = map_by_id(fw, id);
	if (mi == FW_NONE)
		return RG_ST_NOT_FOUND;
	map_rec(fw, mi, rec);
	return RG_ST_OK;
}

uint32_t rg_fw_map_list(struct rg_fw *fw, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
			uint32_t *next)
{
	uint32_t n = 0;
	*next = 0;
	for (uint32_t i = cursor; i < fw->n_maps; i++) {
		const struct fw_map *m = &fw->maps[i];
		if (!m->proto || (m->flags & FW_MF_HOLD))
			continue;
		if (n == max) {
			*next = i;
			break;
		}
		map_rec(fw, i, &out[n++]);
	}
	return n;
}

uint32_t rg_fw_sub_list(struct rg_fw *fw, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
			uint32_t *next)
{
	_Static_assert(RG_SUB_BLOCKS == FW_SUB_BLOCKS, "every block a subscriber holds is listed");
	uint32_t n = 0;
	*next = 0;
	for (uint32_t i = cursor; i < fw->n_subs; i++) {
		const struct fw_sub *s = &fw->subs[i];
		if (s->pool == 0xff)
			continue; /* free */
		if (n == max) {
			*next = i;
			break;
		}
		struct rg_sub_rec *r = &out[n++];
		__builtin_memset(r, 0, sizeof(*r));
		r->in_addr = rg_be32_field(s->in_addr);
		r->out_addr = rg_be32_field(fw->paddr[s->paddr].addr);
		r->sessions = s->n_sess;
		r->ports = s->n_maps;
		r->pool = s->pool;
		r->n_blocks = s->n_blocks;
		if (fw->pools[s->pool].mode != RG_POOL_DYNAMIC)
			r->block_size = fw->pools[s->pool].block_size;
		for (unsigned b = 0; b < s->n_blocks && b < RG_SUB_BLOCKS; b++)
			r->block[b] = s->block[b];
		r->index = i;
	}
	return n;
}

/* The listing record of live session i (body s). */
static void session_rec(struct rg_fw *fw, uint32_t i, const struct rg_session *s,
			struct rg_session_rec *r)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->proto = s->proto;
	r->state = fw->sess[i].state;
	r->flags = fw->sess[i].flags;
	r->in_addr = s->in_addr;
	r->out_addr = s->out_addr;
	r->rem_addr = s->rem_addr;
	r->in_port = s->in_port;
	r->out_port = s->out_port;
	r->rem_port = s->rem_port;
	r->idle_ms = s->last_seen ? fw_now_ms(fw) - s->last_seen : 0;
	uint32_t when = fw_timer_when(fw, i);
	r->expires_in_s =
		fw_timer_armed(fw, i) && (int32_t)(when - fw->now_s) > 0 ? when - fw->now_s : 0;
	r->pkts = (uint64_t)s->pkts_i2o + s->pkts_o2i;
	r->bytes = (uint64_t)s->bytes_i2o + s->bytes_o2i;
	r->index = i;
}

enum rg_status rg_fw_session_del(struct rg_fw *fw, uint32_t index)
{
	return rg_fw_session_del_if(fw, index, 0);
}

enum rg_status rg_fw_session_del_if(struct rg_fw *fw, uint32_t index,
				    const struct rg_session_filter *expect)
{
	if (index >= fw->n_sess)
		return RG_ST_INVALID;
	if (fw->sess[index].state == FW_SS_FREE)
		return RG_ST_NOT_FOUND;
	if (expect) {
		struct rg_session s;
		struct rg_session_rec r;
		if (fw_sess_read(fw, index, &s))
			return RG_ST_IO;
		session_rec(fw, index, &s, &r);
		if (!rg_session_filter_match(expect, &r))
			return RG_ST_NOT_FOUND;
	}
	fw_sess_delete(fw, index, RG_CLOSE_DELETED);
	return RG_ST_OK;
}

uint32_t rg_fw_session_list(struct rg_fw *fw, uint32_t cursor, struct rg_session_rec *out,
			    uint32_t max, uint32_t *next)
{
	return rg_fw_session_list_filter(fw, cursor, 0, out, max, next);
}

uint32_t rg_fw_session_list_filter(struct rg_fw *fw, uint32_t cursor,
				   const struct rg_session_filter *f, struct rg_session_rec *out,
				   uint32_t max, uint32_t *next)
{
	uint32_t n = 0, examined = 0;
	*next = 0;
	for (uint32_t i = cursor; i < fw->n_sess; i++) {
		if (fw->sess[i].state == FW_SS_FREE)
			continue;
		/* a filtered page ends after a bounded number of sessions
		 * (mailbox.h): the host continues from where it stopped */
		if (n == max || (f && examined == RG_SESSION_SCAN_MAX)) {
			*next = i;
			break;
		}
		examined++;
		struct rg_session s;
		if (fw_sess_read(fw, i, &s))
			continue;
		session_rec(fw, i, &s, &out[n]);
		if (!f || rg_session_filter_match(f, &out[n]))
			n++;
	}
	return n;
}
