/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl's card commands through the daemon (realmctl's daemon backend):
 * while realmgated holds the card, realmctl sends the same mailbox commands
 * over the control socket and the daemon runs them on the card for it.
 *
 *   request  "raw OPCODE BULK_CAP PAYLOAD_HEX|-"
 *   answer   "RG 0" then "STATUS RSP_HEX|- BULK_HEX|-"
 *   request  "raw-events"  answer "RG 0", then one "E EVT_HEX" per card event
 *
 * Listings and reads go to the card unchanged. Mapping changes go through
 * the daemon so they become leases (owner CLI, stored, restored): MAP_ADD
 * is a lease request, MAP_DEL deletes the lease of that inside endpoint
 * (or, for a mapping no lease explains, the card's). RULE_ADD/RULE_DEL
 * manage run-time rules, kept in the store and re-applied with the file's
 * (ids of the file's rules are refused). Commands that would change what
 * the configuration file says (SET_CONFIG, pools, RESET) are refused with NOT_AUTHORIZED: edit the file and reload
 * instead. EVENT_MASK is accepted and changes nothing: the daemon is
 * subscribed to every event and relays them all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_apply.h"
#include "daemon.h"

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	size_t n = strlen(s);
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static size_t hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	if (n == 0) {
		out[0] = '-';
		out[1] = 0;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
	return 2 * n;
}

static enum rg_status relay_map_add(struct rgd_daemon *d, const uint8_t *req, size_t len,
				    struct rg_map_rsp *rsp)
{
	struct rg_map_req r;
	if (len != sizeof(r))
		return RG_ST_BAD_LENGTH;
	memcpy(&r, req, sizeof(r));
	if (r.n_filters > RG_MAP_MAX_FILTERS || (r.proto != 6 && r.proto != 17) || !r.in_port)
		return RG_ST_INVALID;
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_CLI;
	p.key.proto = r.proto;
	p.key.peer = r.flags & RG_MAPF_PEER;
	p.key.in_addr = ntohl(r.in_addr);
	p.key.in_port = ntohs(r.in_port);
	p.key.rem_addr = ntohl(r.rem_addr);
	p.key.rem_port = ntohs(r.rem_port);
	p.sugg_addr = ntohl(r.out_addr);
	p.sugg_port = ntohs(r.out_port);
	p.prefer_failure = r.flags & RG_MAPF_PREFER_FAILURE;
	p.lifetime = r.lifetime_s ? r.lifetime_s : UINT32_MAX;
	p.n_filters = r.n_filters;
	memcpy(p.filters, r.filters, sizeof(p.filters));
	p.set_filters = true;
	struct rgd_lease l;
	switch (rgd_mapper_request(&d->mapper, &p, &l)) {
	case RGD_MAP_OK:
		memset(rsp, 0, sizeof(*rsp));
		rsp->out_addr = htonl(l.out_addr);
		rsp->out_port = htons(l.out_port);
		rsp->lifetime_s = l.lifetime;
		rsp->id = l.card_id;
		return RG_ST_OK;
	case RGD_MAP_NOT_AUTHORIZED:
		return RG_ST_NOT_AUTHORIZED;
	case RGD_MAP_CANNOT_PROVIDE:
		return RG_ST_CANNOT_PROVIDE;
	case RGD_MAP_NO_RESOURCES:
	case RGD_MAP_EXCESSIVE_PEERS:
		return RG_ST_NO_RESOURCES;
	case RGD_MAP_QUOTA:
		return RG_ST_QUOTA;
	case RGD_MAP_INVALID:
		return RG_ST_INVALID;
	default:
		return RG_ST_IO;
	}
}

static enum rg_status relay_map_del(struct rgd_daemon *d, const uint8_t *req, size_t len)
{
	struct rg_map_id id;
	if (len != sizeof(id))
		return RG_ST_BAD_LENGTH;
	memcpy(&id, req, sizeof(id));
	/* find the lease by inside endpoint (among that host's leases) or by
	 * outside endpoint (among all: an operator's rare question) */
	for (struct rgd_lease *l =
		     id.in_addr ? rgd_leases_of_host(&d->mapper.leases, ntohl(id.in_addr))
				: d->mapper.leases.head;
	     l; l = id.in_addr ? l->host_next : l->next) {
		bool match = id.in_addr ? l->key.in_addr == ntohl(id.in_addr) &&
						  l->key.in_port == ntohs(id.in_port)
					: l->out_addr == ntohl(id.out_addr) &&
						  l->out_port == ntohs(id.out_port);
		if (!match || l->key.proto != id.proto)
			continue;
		struct rgd_map_params p;
		memset(&p, 0, sizeof(p));
		p.owner = l->owner;
		p.key = l->key;
		bool existed;
		return rgd_mapper_delete(&d->mapper, &p, NULL, &existed) == RGD_MAP_OK ? RG_ST_OK
										       : RG_ST_IO;
	}
	return d->card->ops->map_del(d->card->ctx, &id);
}

static bool config_rule(const struct rgd_daemon *d, uint32_t id)
{
	for (unsigned i = 0; i < d->cfg.n_rules; i++)
		if (d->cfg.rules[i].id == id)
			return true;
	return id >= RGD_RULE_ID_SERVICE;
}

/* realmctl rule add: a run-time rule, on the card and in the store, kept
 * across reloads and restarts; the file's rules are not for realmctl. */
static enum rg_status relay_rule_add(struct rgd_daemon *d, const uint8_t *req, size_t len)
{
	struct rg_rule r;
	if (len != sizeof(r))
		return RG_ST_BAD_LENGTH;
	memcpy(&r, req, sizeof(r));
	if (config_rule(d, r.id))
		return RG_ST_EXISTS;
	if (d->n_runtime_rules == RGD_MAX_RUNTIME_RULES)
		return RG_ST_NO_RESOURCES;
	enum rg_status st = d->card->ops->rule_add(d->card->ctx, &r);
	if (st != RG_ST_OK)
		return st;
	if (rgd_store_rule_put(d->store, &r)) {
		d->card->ops->rule_del(d->card->ctx, r.id);
		return RG_ST_IO;
	}
	d->runtime_rules[d->n_runtime_rules++] = r;
	return RG_ST_OK;
}

static enum rg_status relay_rule_del(struct rgd_daemon *d, const uint8_t *req, size_t len)
{
	uint32_t id;
	if (len != sizeof(id))
		return RG_ST_BAD_LENGTH;
	memcpy(&id, req, sizeof(id));
	if (config_rule(d, id))
		return RG_ST_NOT_AUTHORIZED;
	for (unsigned i = 0; i < d->n_runtime_rules; i++) {
		if (d->runtime_rules[i].id != id)
			continue;
		enum rg_status st = d->card->ops->rule_del(d->card->ctx, id);
		if (st != RG_ST_OK && st != RG_ST_NOT_FOUND)
			return st;
		rgd_store_rule_del(d->store, id);
		d->runtime_rules[i] = d->runtime_rules[--d->n_runtime_rules];
		return RG_ST_OK;
	}
	return RG_ST_NOT_FOUND;
}

/* Run one relayed command. */
static enum rg_status relay(struct rgd_daemon *d, uint16_t op, const uint8_t *req, size_t len,
			    uint8_t *rsp, size_t *rsp_len, uint8_t *bulk, uint32_t bulk_cap,
			    uint32_t *bulk_used)
{
	*rsp_len = 0;
	*bulk_used = 0;
	const struct rgd_card_ops *o = d->card->ops;
	void *c = d->card->ctx;
	struct rg_page_req pr = { 0, 0 };
	struct rg_session_filter filter;
	const struct rg_session_filter *sf = NULL;
	if (op == RG_OP_SESSION_LIST && len == sizeof(struct rg_session_list_req)) {
		/* a filtered listing: the filter goes to the card as it came */
		memcpy(&filter, req + sizeof(pr), sizeof(filter));
		sf = &filter;
		len = sizeof(pr);
	}
	if (op == RG_OP_MAP_LIST || op == RG_OP_SESSION_LIST || op == RG_OP_SUBSCRIBER_LIST ||
	    op == RG_OP_POOL_LIST || op == RG_OP_POOL_ADDR_LIST || op == RG_OP_RULE_LIST ||
	    op == RG_OP_COUNTERS) {
		if (len != sizeof(pr))
			return RG_ST_BAD_LENGTH;
		memcpy(&pr, req, sizeof(pr));
		if (pr.max == 0)
			pr.max = UINT32_MAX; /* as the mailbox says: as many as fit */
	}
	uint32_t count = 0, next = 0;
	enum rg_status st;
	switch (op) {
	case RG_OP_NOP:
		return RG_ST_OK;
	case RG_OP_INFO:
		*rsp_len = sizeof(struct rg_info);
		return o->info(c, (struct rg_info *)rsp);
	case RG_OP_GET_CONFIG:
		*rsp_len = sizeof(struct rg_config);
		return o->get_config(c, (struct rg_config *)rsp);
	case RG_OP_MAP_GET:
		if (len != sizeof(struct rg_map_id))
			return RG_ST_BAD_LENGTH;
		*rsp_len = sizeof(struct rg_map_rec);
		return o->map_get(c, (const struct rg_map_id *)req, (struct rg_map_rec *)rsp);
	case RG_OP_MAP_ADD:
		*rsp_len = sizeof(struct rg_map_rsp);
		return relay_map_add(d, req, len, (struct rg_map_rsp *)rsp);
	case RG_OP_MAP_DEL:
		return relay_map_del(d, req, len);
	case RG_OP_RULE_ADD:
		return relay_rule_add(d, req, len);
	case RG_OP_RULE_DEL:
		return relay_rule_del(d, req, len);
	case RG_OP_SESSION_DEL: {
		/* an operator clearing sessions: the daemon's leases keep their
		 * mappings, only the sessions go */
		struct rg_session_del_req q;
		memset(&q, 0, sizeof(q));
		if (len == sizeof(q))
			memcpy(&q, req, sizeof(q));
		else if (len == sizeof(q.index))
			memcpy(&q.index, req, sizeof(q.index)); /* no expectation: any */
		else
			return RG_ST_BAD_LENGTH;
		return o->session_del(c, &q);
	}
	case RG_OP_EVENT_MASK:
		/* the daemon subscribes to every event and relays them all */
		return len == sizeof(uint32_t) ? RG_ST_OK : RG_ST_BAD_LENGTH;
#define PAGE_MAX(type) \
	(pr.max < bulk_cap / sizeof(type) ? pr.max : bulk_cap / (uint32_t)sizeof(type))
#define LIST(opc, fn, type)                                                            \
	case opc:                                                                      \
		st = o->fn(c, pr.cursor, (type *)bulk, PAGE_MAX(type), &count, &next); \
		*bulk_used = count * (uint32_t)sizeof(type);                           \
		break;
	case RG_OP_SESSION_LIST:
		st = o->session_list(c, pr.cursor, sf, (struct rg_session_rec *)bulk,
				     PAGE_MAX(struct rg_session_rec), &count, &next);
		*bulk_used = count * (uint32_t)sizeof(struct rg_session_rec);
		break;
		LIST(RG_OP_MAP_LIST, map_list, struct rg_map_rec)
		LIST(RG_OP_SUBSCRIBER_LIST, sub_list, struct rg_sub_rec)
		LIST(RG_OP_POOL_LIST, pool_list, struct rg_pool)
		LIST(RG_OP_POOL_ADDR_LIST, pool_addr_list, struct rg_pool_addr_rec)
		LIST(RG_OP_RULE_LIST, rule_list, struct rg_rule)
		LIST(RG_OP_COUNTERS, counters, struct rg_counter_rec)
#undef LIST
#undef PAGE_MAX
	default:
		/* configuration belongs to the file: refuse, do not run */
		return RG_ST_NOT_AUTHORIZED;
	}
	if (st == RG_ST_OK) {
		struct rg_page_rsp r = { count, next };
		memcpy(rsp, &r, sizeof(r));
		*rsp_len = sizeof(r);
	}
	return st;
}

/* Base 0, unlike the tools' decimal rg_parse_uint: a person at the socket
 * may write opcodes as mailbox.h does (0x0030). */
static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !*s || *s == '-' || *end || errno || *v > max ? -1 : 0;
}

int rgd_ctl_relay(struct rgd_daemon *d, int argc, char **argv, struct rgd_ctl_out *o)
{
	static uint8_t bulk[64 * 1024];
	uint8_t req[RG_CMD_PAYLOAD], rsp[RG_CPL_PAYLOAD];
	size_t len, rsp_len;
	unsigned long op, cap;
	if (argc != 4) {
		rgd_out_put(o, "usage: raw OPCODE BULK_CAP PAYLOAD_HEX\n");
		return 2;
	}
	if (parse_num(argv[1], 0xffff, &op) || parse_num(argv[2], ULONG_MAX, &cap) ||
	    unhex(argv[3], req, sizeof(req), &len)) {
		rgd_out_put(o, "raw: bad opcode, bulk size or payload\n");
		return 2;
	}
	if (cap > sizeof(bulk))
		cap = sizeof(bulk);
	memset(rsp, 0, sizeof(rsp));
	uint32_t used = 0;
	rsp_len = 0;
	enum rg_status st =
		relay(d, (uint16_t)op, req, len, rsp, &rsp_len, bulk, (uint32_t)cap, &used);
	if (st != RG_ST_OK)
		rsp_len = used = 0;
	char *at = rgd_out_reserve(o, 16 + 2 * (rsp_len + used) + 4);
	if (!at)
		return 1; /* reported as truncated */
	size_t n = (size_t)snprintf(at, 16, "%u ", st);
	n += hex(rsp, rsp_len, at + n);
	at[n++] = ' ';
	n += hex(bulk, used, at + n);
	at[n++] = '\n';
	at[n] = 0;
	o->len += n;
	return 0;
}

void rgd_ctl_raw_event(struct rgd_daemon *d, const struct rg_evt *e)
{
	char line[2 * sizeof(*e) + 8] = "E ";
	size_t n = 2 + hex((const uint8_t *)e, sizeof(*e), line + 2);
	line[n++] = '\n';
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		struct rgd_ctl_client *c = &d->ctl[i];
		if (c->fd >= 0 && c->follow_raw)
			rgd_ctl_follower_line(d, c, line, n);
	}
}
