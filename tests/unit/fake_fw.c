/* SPDX-License-Identifier: BSD-2-Clause */
/* Stand-in firmware control calls for the mailbox tests (fake_fw.h). */
#include <string.h>

#include "fake_fw.h"
#include "realmgate/counters.h"
#include "realmgate/regmap.h"

void fake_fw_init(struct rg_fw *fw)
{
	memset(fw, 0, sizeof(*fw));
	fw->cfg.udp_timeout_s = 300;
	fw->next_id = 1;
}

enum rg_status rg_fw_reset(struct rg_fw *fw)
{
	unsigned resets = fw->resets + 1;
	uint32_t n = fw->n_sessions;
	fake_fw_init(fw);
	fw->resets = resets;
	fw->n_sessions = n;
	return RG_ST_OK;
}

void rg_fw_info(struct rg_fw *fw, struct rg_info *info)
{
	memset(info, 0, sizeof(*info));
	info->features = RG_FEAT_NAPT | RG_FEAT_HOST_PORT;
	info->sessions_used = fw->n_sessions;
	info->mappings_max = FAKE_MAPS;
	info->mappings_used = fw->n_maps;
	info->serial = 4242;
}

enum rg_status rg_fw_set_config(struct rg_fw *fw, const struct rg_config *c)
{
	if (c->udp_timeout_s < 120)
		return RG_ST_INVALID;
	fw->cfg = *c;
	return RG_ST_OK;
}

void rg_fw_get_config(struct rg_fw *fw, struct rg_config *c)
{
	*c = fw->cfg;
}

enum rg_status rg_fw_pool_set(struct rg_fw *fw, const struct rg_pool *p)
{
	(void)fw;
	return p->port_lo <= p->port_hi ? RG_ST_OK : RG_ST_INVALID;
}

enum rg_status rg_fw_pool_add_range(struct rg_fw *fw, const struct rg_pool_range *r)
{
	(void)fw;
	return r->lo && r->hi ? RG_ST_OK : RG_ST_INVALID;
}

enum rg_status rg_fw_pool_del(struct rg_fw *fw, uint8_t id)
{
	(void)fw;
	return id ? RG_ST_NOT_FOUND : RG_ST_OK;
}

enum rg_status rg_fw_rule_add(struct rg_fw *fw, const struct rg_rule *r)
{
	(void)fw;
	return r->kind >= RG_RULE_FORWARD && r->kind <= RG_RULE_DROP ? RG_ST_OK : RG_ST_INVALID;
}

enum rg_status rg_fw_rule_del(struct rg_fw *fw, uint32_t id)
{
	(void)fw;
	(void)id;
	return RG_ST_NOT_FOUND;
}

static int find_map(struct rg_fw *fw, const struct rg_map_id *id)
{
	for (unsigned i = 0; i < fw->n_maps; i++) {
		const struct rg_map_rec *m = &fw->maps[i];
		if (m->proto != id->proto)
			continue;
		if (id->in_addr ? (m->in_addr == id->in_addr && m->in_port == id->in_port)
				: (m->out_addr == id->out_addr && m->out_port == id->out_port))
			return (int)i;
	}
	return -1;
}

enum rg_status rg_fw_map_add(struct rg_fw *fw, const struct rg_map_req *r, struct rg_map_rsp *rsp)
{
	if ((r->proto != 6 && r->proto != 17) || !r->in_addr || !r->in_port ||
	    r->n_filters > RG_MAP_MAX_FILTERS)
		return RG_ST_INVALID;
	struct rg_map_id id = { .proto = r->proto, .in_addr = r->in_addr, .in_port = r->in_port };
	if (find_map(fw, &id) >= 0)
		return RG_ST_EXISTS;
	if (fw->n_maps == FAKE_MAPS)
		return RG_ST_NO_RESOURCES;
	struct rg_map_rec *m = &fw->maps[fw->n_maps++];
	memset(m, 0, sizeof(*m));
	m->proto = r->proto;
	m->owner = (uint8_t)r->owner;
	m->in_addr = r->in_addr;
	m->in_port = r->in_port;
	m->out_addr = r->out_addr ? r->out_addr : 0x017100cbu; /* 203.0.113.1 */
	m->out_port = r->out_port ? r->out_port : r->in_port;
	m->lifetime_left_s = r->lifetime_s ? r->lifetime_s : 0xffffffffu;
	m->id = fw->next_id++;
	rsp->out_addr = m->out_addr;
	rsp->out_port = m->out_port;
	rsp->lifetime_s = r->lifetime_s;
	rsp->id = m->id;
	return RG_ST_OK;
}

enum rg_status rg_fw_map_del(struct rg_fw *fw, const struct rg_map_id *id)
{
	int i = find_map(fw, id);
	if (i < 0)
		return RG_ST_NOT_FOUND;
	fw->maps[i] = fw->maps[--fw->n_maps];
	return RG_ST_OK;
}

enum rg_status rg_fw_map_get(struct rg_fw *fw, const struct rg_map_id *id, struct rg_map_rec *rec)
{
	int i = find_map(fw, id);
	if (i < 0)
		return RG_ST_NOT_FOUND;
	*rec = fw->maps[i];
	return RG_ST_OK;
}

enum rg_status rg_fw_session_del(struct rg_fw *fw, uint32_t index)
{
	return rg_fw_session_del_if(fw, index, NULL);
}

/* Session i's out_port is i (the listing below): that is all a filter
 * can tell apart here. */
enum rg_status rg_fw_session_del_if(struct rg_fw *fw, uint32_t index,
				    const struct rg_session_filter *expect)
{
	if (index >= fw->n_sessions)
		return RG_ST_NOT_FOUND;
	struct rg_session_rec r;
	memset(&r, 0, sizeof(r));
	r.proto = 17;
	r.out_port = (uint16_t)index;
	return !expect || rg_session_filter_match(expect, &r) ? RG_ST_OK : RG_ST_NOT_FOUND;
}

uint32_t rg_fw_map_list(struct rg_fw *fw, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
			uint32_t *next)
{
	uint32_t n = 0;
	while (cursor + n < fw->n_maps && n < max) {
		out[n] = fw->maps[cursor + n];
		n++;
	}
	*next = cursor + n < fw->n_maps ? cursor + n : 0;
	return n;
}

uint32_t rg_fw_session_list(struct rg_fw *fw, uint32_t cursor, struct rg_session_rec *out,
			    uint32_t max, uint32_t *next)
{
	return rg_fw_session_list_filter(fw, cursor, NULL, out, max, next);
}

/* Sessions are UDP, index = position, out_port = position; the filter is
 * remembered for the tests and applied with the contract's match. */
uint32_t rg_fw_session_list_filter(struct rg_fw *fw, uint32_t cursor,
				   const struct rg_session_filter *f, struct rg_session_rec *out,
				   uint32_t max, uint32_t *next)
{
	fw->filtered = f != NULL;
	if (f)
		fw->last_filter = *f;
	uint32_t n = 0, i = cursor;
	for (; i < fw->n_sessions && n < max; i++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].proto = 17;
		out[n].index = i;
		out[n].pkts = i;
		out[n].out_port = (uint16_t)i;
		if (!f || rg_session_filter_match(f, &out[n]))
			n++;
	}
	*next = i < fw->n_sessions ? i : 0;
	return n;
}

uint32_t rg_fw_sub_list(struct rg_fw *fw, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
			uint32_t *next)
{
	(void)fw;
	(void)cursor;
	(void)out;
	(void)max;
	*next = 0;
	return 0;
}

uint32_t rg_fw_pool_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool *out, uint32_t max,
			 uint32_t *next)
{
	(void)fw;
	(void)cursor;
	(void)out;
	(void)max;
	*next = 0;
	return 0;
}

uint32_t rg_fw_pool_addr_list(struct rg_fw *fw, uint32_t cursor, struct rg_pool_addr_rec *out,
			      uint32_t max, uint32_t *next)
{
	(void)fw;
	(void)cursor;
	(void)out;
	(void)max;
	*next = 0;
	return 0;
}

uint32_t rg_fw_rule_list(struct rg_fw *fw, uint32_t cursor, struct rg_rule *out, uint32_t max,
			 uint32_t *next)
{
	(void)fw;
	(void)cursor;
	(void)out;
	(void)max;
	*next = 0;
	return 0;
}

uint64_t rg_fw_counter(struct rg_fw *fw, uint32_t id)
{
	(void)fw;
	return (uint64_t)id * 3u;
}
