/* SPDX-License-Identifier: BSD-2-Clause */
/* Card test double; see card_double.h. */
#include "card_double.h"

#include <arpa/inet.h>
#include <string.h>

static void record(struct card_double *d, uint16_t op, const void *payload, size_t len)
{
	if (d->n_calls == CD_MAX_CALLS)
		return;
	struct cd_call *c = &d->calls[d->n_calls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	if (payload)
		memcpy(&c->u, payload, len < sizeof(c->u) ? len : sizeof(c->u));
}

static bool injected(struct card_double *d, uint16_t op, enum rg_status *st)
{
	if (d->fail_count && d->fail_op == op) {
		d->fail_count--;
		*st = d->fail_status;
		return true;
	}
	return false;
}

void card_double_fail(struct card_double *d, uint16_t op, enum rg_status st, unsigned count)
{
	d->fail_op = op;
	d->fail_status = st;
	d->fail_count = count;
}

unsigned card_double_calls(const struct card_double *d, uint16_t op)
{
	unsigned n = 0;
	for (unsigned i = 0; i < d->n_calls; i++)
		n += d->calls[i].op == op;
	return n;
}

static struct cd_map *find(struct card_double *d, uint8_t proto, uint32_t in_addr, uint16_t in_port)
{
	for (unsigned i = 0; i < CD_MAX_MAPS; i++) {
		struct cd_map *m = &d->maps[i];
		if (m->used && m->proto == proto && m->in_addr == in_addr && m->in_port == in_port)
			return m;
	}
	return NULL;
}

const struct cd_map *card_double_find(const struct card_double *d, uint8_t proto, uint32_t in_addr,
				      uint16_t in_port)
{
	return find((struct card_double *)d, proto, in_addr, in_port);
}

unsigned card_double_maps(const struct card_double *d)
{
	unsigned n = 0;
	for (unsigned i = 0; i < CD_MAX_MAPS; i++)
		n += d->maps[i].used;
	return n;
}

static void add_peer(struct cd_map *m, uint32_t addr, uint16_t port)
{
	if (m->n_peers < CD_MAX_PEERS) {
		m->peers[m->n_peers].addr = addr;
		m->peers[m->n_peers].port = port;
		m->n_peers++;
	}
}

static bool has_peer(const struct cd_map *m, uint32_t addr, uint16_t port)
{
	for (unsigned i = 0; i < m->n_peers; i++)
		if (m->peers[i].addr == addr && m->peers[i].port == port)
			return true;
	return false;
}

/* Can (out_addr, port) carry a new mapping? For a PEER toward rem it may
 * share the port with other endpoint-dependent mappings that do not talk to
 * rem (port overlapping); anything else needs the port to itself. */
static bool port_free(struct card_double *d, uint8_t proto, uint16_t port, bool peer,
		      uint32_t rem_addr, uint16_t rem_port)
{
	for (unsigned i = 0; i < CD_MAX_MAPS; i++) {
		struct cd_map *m = &d->maps[i];
		if (!m->used || m->proto != proto || m->out_port != port)
			continue;
		if (!peer || !m->peer_only || has_peer(m, rem_addr, rem_port))
			return false;
	}
	return true;
}

static enum rg_status cd_map_add(void *ctx, const struct rg_map_req *r, struct rg_map_rsp *rsp)
{
	struct card_double *d = ctx;
	record(d, RG_OP_MAP_ADD, r, sizeof(*r));
	enum rg_status st;
	if (injected(d, RG_OP_MAP_ADD, &st))
		return st;
	if (r->n_filters > RG_MAP_MAX_FILTERS || (r->proto != 6 && r->proto != 17))
		return RG_ST_INVALID;
	bool peer = r->flags & RG_MAPF_PEER;
	uint32_t in_addr = ntohl(r->in_addr), sugg_addr = ntohl(r->out_addr);
	uint16_t in_port = ntohs(r->in_port), sugg = ntohs(r->out_port);
	uint32_t rem = ntohl(r->rem_addr);
	uint16_t rport = ntohs(r->rem_port);
	bool pf = r->flags & RG_MAPF_PREFER_FAILURE;
	struct cd_map *m = find(d, r->proto, in_addr, in_port);
	if (m) {
		if (pf &&
		    ((sugg && sugg != m->out_port) || (sugg_addr && sugg_addr != m->out_addr)))
			return RG_ST_CANNOT_PROVIDE;
		if (peer && !has_peer(m, rem, rport)) {
			/* another inside endpoint already talks to rem from this port */
			for (unsigned i = 0; i < CD_MAX_MAPS; i++)
				if (&d->maps[i] != m && d->maps[i].used &&
				    d->maps[i].out_port == m->out_port &&
				    has_peer(&d->maps[i], rem, rport))
					return RG_ST_EXISTS;
			add_peer(m, rem, rport);
		}
		if (!peer) {
			m->peer_only = false;
			m->owner = r->owner;
		}
		m->lifetime = r->lifetime_s;
		if (r->flags & RG_MAPF_REPLACE_FILTERS) {
			m->n_filters = r->n_filters;
			memcpy(m->filters, r->filters, sizeof(m->filters));
		}
	} else {
		if (sugg_addr && sugg_addr != d->out_addr && pf)
			return RG_ST_CANNOT_PROVIDE;
		uint16_t port = 0;
		if (sugg && port_free(d, r->proto, sugg, peer, rem, rport)) {
			port = sugg;
		} else if (pf) {
			return RG_ST_CANNOT_PROVIDE;
		} else {
			for (unsigned tries = 0; tries < 64512 && !port; tries++) {
				uint16_t p = d->next_port++;
				if (d->next_port == 0)
					d->next_port = 1024;
				if (p >= 1024 && port_free(d, r->proto, p, false, 0, 0))
					port = p;
			}
			if (!port)
				return RG_ST_NO_RESOURCES;
		}
		for (unsigned i = 0; i < CD_MAX_MAPS && !m; i++)
			if (!d->maps[i].used)
				m = &d->maps[i];
		if (!m)
			return RG_ST_NO_RESOURCES;
		memset(m, 0, sizeof(*m));
		m->used = true;
		m->peer_only = peer;
		m->proto = r->proto;
		m->owner = r->owner;
		m->in_addr = in_addr;
		m->in_port = in_port;
		m->out_addr = d->out_addr;
		m->out_port = port;
		m->id = ++d->next_id;
		m->lifetime = r->lifetime_s;
		m->n_filters = r->n_filters;
		memcpy(m->filters, r->filters, sizeof(m->filters));
		if (peer)
			add_peer(m, rem, rport);
	}
	memset(rsp, 0, sizeof(*rsp));
	rsp->out_addr = htonl(m->out_addr);
	rsp->out_port = htons(m->out_port);
	rsp->lifetime_s = r->lifetime_s;
	rsp->id = m->id;
	return RG_ST_OK;
}

static struct cd_map *lookup_id(struct card_double *d, const struct rg_map_id *id)
{
	if (id->in_addr)
		return find(d, id->proto, ntohl(id->in_addr), ntohs(id->in_port));
	for (unsigned i = 0; i < CD_MAX_MAPS; i++) {
		struct cd_map *m = &d->maps[i];
		if (m->used && m->proto == id->proto && m->out_addr == ntohl(id->out_addr) &&
		    m->out_port == ntohs(id->out_port))
			return m;
	}
	return NULL;
}

static enum rg_status cd_map_del(void *ctx, const struct rg_map_id *id)
{
	struct card_double *d = ctx;
	record(d, RG_OP_MAP_DEL, id, sizeof(*id));
	enum rg_status st;
	if (injected(d, RG_OP_MAP_DEL, &st))
		return st;
	struct cd_map *m = lookup_id(d, id);
	if (!m)
		return RG_ST_NOT_FOUND;
	m->used = false;
	return RG_ST_OK;
}

static void to_rec(const struct cd_map *m, struct rg_map_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->proto = m->proto;
	rec->owner = m->owner;
	rec->n_filters = m->n_filters;
	rec->in_addr = htonl(m->in_addr);
	rec->out_addr = htonl(m->out_addr);
	rec->in_port = htons(m->in_port);
	rec->out_port = htons(m->out_port);
	rec->lifetime_left_s = m->lifetime;
	rec->sessions = m->n_peers;
	rec->id = m->id;
}

static enum rg_status cd_map_get(void *ctx, const struct rg_map_id *id, struct rg_map_rec *rec)
{
	struct card_double *d = ctx;
	record(d, RG_OP_MAP_GET, id, sizeof(*id));
	enum rg_status st;
	if (injected(d, RG_OP_MAP_GET, &st))
		return st;
	struct cd_map *m = lookup_id(d, id);
	if (!m)
		return RG_ST_NOT_FOUND;
	to_rec(m, rec);
	return RG_ST_OK;
}

static enum rg_status cd_map_list(void *ctx, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
				  uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	record(d, RG_OP_MAP_LIST, &cursor, sizeof(cursor));
	*count = 0;
	*next = 0;
	enum rg_status st;
	if (injected(d, RG_OP_MAP_LIST, &st))
		return st;
	for (uint32_t i = cursor; i < CD_MAX_MAPS; i++) {
		if (!d->maps[i].used)
			continue;
		if (*count == max) {
			*next = i;
			break;
		}
		to_rec(&d->maps[i], &out[(*count)++]);
	}
	return RG_ST_OK;
}

static enum rg_status cd_info(void *ctx, struct rg_info *info)
{
	struct card_double *d = ctx;
	record(d, RG_OP_INFO, NULL, 0);
	memset(info, 0, sizeof(*info));
	info->contract_version = 1;
	info->mappings_max = CD_MAX_MAPS;
	info->mappings_used = card_double_maps(d);
	return RG_ST_OK;
}

static enum rg_status cd_set_config(void *ctx, const struct rg_config *c)
{
	struct card_double *d = ctx;
	record(d, RG_OP_SET_CONFIG, c, sizeof(*c));
	enum rg_status st;
	return injected(d, RG_OP_SET_CONFIG, &st) ? st : RG_ST_OK;
}

static enum rg_status cd_get_config(void *ctx, struct rg_config *c)
{
	struct card_double *d = ctx;
	record(d, RG_OP_GET_CONFIG, NULL, 0);
	memset(c, 0, sizeof(*c));
	for (int i = (int)d->n_calls - 1; i >= 0; i--)
		if (d->calls[i].op == RG_OP_SET_CONFIG) {
			*c = d->calls[i].u.cfg;
			break;
		}
	return RG_ST_OK;
}

static enum rg_status cd_pool_set(void *ctx, const struct rg_pool *p)
{
	struct card_double *d = ctx;
	record(d, RG_OP_POOL_SET, p, sizeof(*p));
	enum rg_status st;
	if (injected(d, RG_OP_POOL_SET, &st))
		return st;
	for (unsigned i = 0; i < d->n_pools; i++)
		if (d->pools[i].id == p->id) {
			d->pools[i] = *p;
			return RG_ST_OK;
		}
	if (d->n_pools == 16)
		return RG_ST_NO_RESOURCES;
	d->pools[d->n_pools++] = *p;
	return RG_ST_OK;
}

static enum rg_status cd_pool_add_range(void *ctx, const struct rg_pool_range *r)
{
	struct card_double *d = ctx;
	record(d, RG_OP_POOL_ADD_RANGE, r, sizeof(*r));
	enum rg_status st;
	return injected(d, RG_OP_POOL_ADD_RANGE, &st) ? st : RG_ST_OK;
}

static enum rg_status cd_pool_del(void *ctx, uint8_t id)
{
	struct card_double *d = ctx;
	uint32_t v = id;
	record(d, RG_OP_POOL_DEL, &v, sizeof(v));
	for (unsigned i = 0; i < d->n_pools; i++)
		if (d->pools[i].id == id) {
			d->pools[i] = d->pools[--d->n_pools];
			return RG_ST_OK;
		}
	return RG_ST_NOT_FOUND;
}

static enum rg_status cd_rule_add(void *ctx, const struct rg_rule *r)
{
	struct card_double *d = ctx;
	record(d, RG_OP_RULE_ADD, r, sizeof(*r));
	enum rg_status st;
	if (injected(d, RG_OP_RULE_ADD, &st))
		return st;
	for (unsigned i = 0; i < d->n_rules; i++)
		if (d->rules[i].id == r->id)
			return RG_ST_EXISTS;
	if (d->n_rules == 64)
		return RG_ST_NO_RESOURCES;
	d->rules[d->n_rules++] = *r;
	return RG_ST_OK;
}

static enum rg_status cd_rule_del(void *ctx, uint32_t id)
{
	struct card_double *d = ctx;
	record(d, RG_OP_RULE_DEL, &id, sizeof(id));
	for (unsigned i = 0; i < d->n_rules; i++)
		if (d->rules[i].id == id) {
			d->rules[i] = d->rules[--d->n_rules];
			return RG_ST_OK;
		}
	return RG_ST_NOT_FOUND;
}

static enum rg_status cd_rule_list(void *ctx, uint32_t cursor, struct rg_rule *out, uint32_t max,
				   uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	record(d, RG_OP_RULE_LIST, &cursor, sizeof(cursor));
	*count = 0;
	*next = 0;
	for (uint32_t i = cursor; i < d->n_rules; i++) {
		if (*count == max) {
			*next = i;
			break;
		}
		out[(*count)++] = d->rules[i];
	}
	return RG_ST_OK;
}

static enum rg_status cd_pool_list(void *ctx, uint32_t cursor, struct rg_pool *out, uint32_t max,
				   uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	record(d, RG_OP_POOL_LIST, &cursor, sizeof(cursor));
	*count = 0;
	*next = 0;
	for (uint32_t i = cursor; i < d->n_pools; i++) {
		if (*count == max) {
			*next = i;
			break;
		}
		out[(*count)++] = d->pools[i];
	}
	return RG_ST_OK;
}

static enum rg_status cd_pool_addr_list(void *ctx, uint32_t cursor, struct rg_pool_addr_rec *out,
					uint32_t max, uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	record(d, RG_OP_POOL_ADDR_LIST, &cursor, sizeof(cursor));
	*count = 0;
	*next = 0;
	for (uint32_t i = cursor; i < d->n_paddrs; i++) {
		if (*count == max) {
			*next = i;
			break;
		}
		out[(*count)++] = d->paddrs[i];
	}
	return RG_ST_OK;
}

static enum rg_status cd_session_list(void *ctx, uint32_t cursor,
				      const struct rg_session_filter *filter,
				      struct rg_session_rec *out, uint32_t max, uint32_t *count,
				      uint32_t *next)
{
	struct card_double *d = ctx;
	struct rg_session_list_req req = { .page = { cursor, max } };
	if (filter)
		req.filter = *filter;
	record(d, RG_OP_SESSION_LIST, &req, filter ? sizeof(req) : sizeof(req.page));
	*count = 0;
	*next = 0;
	enum rg_status st;
	if (injected(d, RG_OP_SESSION_LIST, &st))
		return st;
	/* the synthetic sessions (filters are not applied to them) */
	uint32_t i = cursor;
	for (; i < d->n_sessions && *count < max; i++) {
		struct rg_session_rec *r = &out[(*count)++];
		memset(r, 0, sizeof(*r));
		r->proto = 17;
		r->in_addr = htonl(0xc0a80102u + i % 200u);
		r->in_port = htons((uint16_t)(1024u + i % 60000u));
		r->out_addr = htonl(d->out_addr);
		r->out_port = htons((uint16_t)(1024u + i % 60000u));
		r->rem_addr = htonl(0xc6336401u);
		r->rem_port = htons(53);
		r->pkts = i;
		r->index = i;
	}
	*next = i < d->n_sessions ? i : 0;
	if (d->stuck_cursor && cursor && *next)
		*next = cursor;
	return RG_ST_OK;
}

/* ... nor subscribers. */
static enum rg_status cd_sub_list(void *ctx, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
				  uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	(void)out;
	(void)max;
	record(d, RG_OP_SUBSCRIBER_LIST, &cursor, sizeof(cursor));
	*count = 0;
	*next = 0;
	return RG_ST_OK;
}

/* The double holds no sessions: a deletion is recorded and finds none. */
static enum rg_status cd_session_del(void *ctx, const struct rg_session_del_req *req)
{
	struct card_double *d = ctx;
	record(d, RG_OP_SESSION_DEL, req, sizeof(*req));
	return RG_ST_NOT_FOUND;
}

static enum rg_status cd_counters(void *ctx, uint32_t first, struct rg_counter_rec *out,
				  uint32_t max, uint32_t *count, uint32_t *next)
{
	struct card_double *d = ctx;
	record(d, RG_OP_COUNTERS, &first, sizeof(first));
	*count = 0;
	*next = 0;
	for (uint32_t i = 0; i < max && i < 4; i++) {
		out[i].id = first + i;
		out[i].rsvd = 0;
		out[i].value = d->n_calls;
		(*count)++;
	}
	return RG_ST_OK;
}

static enum rg_status cd_event_mask(void *ctx, uint32_t mask)
{
	struct card_double *d = ctx;
	record(d, RG_OP_EVENT_MASK, &mask, sizeof(mask));
	return RG_ST_OK;
}

static int cd_event_fd(void *ctx)
{
	(void)ctx;
	return -1;
}

static int cd_event_next(void *ctx, struct rg_evt *evt)
{
	(void)ctx;
	(void)evt;
	return 0;
}

static void cd_close(void *ctx)
{
	(void)ctx;
}

static const struct rgd_card_ops cd_ops = {
	.info = cd_info,
	.set_config = cd_set_config,
	.get_config = cd_get_config,
	.pool_set = cd_pool_set,
	.pool_add_range = cd_pool_add_range,
	.pool_del = cd_pool_del,
	.rule_add = cd_rule_add,
	.rule_del = cd_rule_del,
	.map_add = cd_map_add,
	.map_del = cd_map_del,
	.map_get = cd_map_get,
	.map_list = cd_map_list,
	.session_list = cd_session_list,
	.session_del = cd_session_del,
	.sub_list = cd_sub_list,
	.pool_list = cd_pool_list,
	.pool_addr_list = cd_pool_addr_list,
	.rule_list = cd_rule_list,
	.counters = cd_counters,
	.event_mask = cd_event_mask,
	.event_fd = cd_event_fd,
	.event_next = cd_event_next,
	.close = cd_close,
};

void card_double_init(struct card_double *d, uint32_t out_addr)
{
	memset(d, 0, sizeof(*d));
	d->card.ops = &cd_ops;
	d->card.ctx = d;
	d->card.name = "test-double";
	d->out_addr = out_addr;
	d->next_port = 20000;
}
