/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT event logging; see natlog.h. */
#include "natlog.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lease.h"
#include "log.h"

uint64_t rgd_natlog_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *ip(rg_be32 a, char *buf)
{
	struct in_addr in = { a };
	inet_ntop(AF_INET, &in, buf, 16);
	return buf;
}

static const char *proto_name(uint8_t p, char *buf)
{
	if (p == 6)
		return "tcp";
	if (p == 17)
		return "udp";
	if (p == 1)
		return "icmp";
	snprintf(buf, 8, "%u", p);
	return buf;
}

static const char *reason_name(uint8_t r)
{
	static const char *const names[] = { "timeout", "tcp-fin", "tcp-rst", "deleted", "reset" };
	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "other";
}

static bool is_nat(uint16_t t)
{
	return t == RG_EVT_SESSION_CREATE || t == RG_EVT_SESSION_DELETE ||
	       t == RG_EVT_MAPPING_CREATE || t == RG_EVT_MAPPING_DELETE;
}

size_t rgd_natlog_fields(const struct rg_evt *e, bool log_dest, char *buf, size_t len)
{
	char a[16], b[16], c[16], p[8];
	int n = 0;
	if (is_nat(e->type) && e->len >= sizeof(struct rg_evt_nat)) {
		struct rg_evt_nat v;
		memcpy(&v, e->payload, sizeof(v));
		bool mapping = e->type == RG_EVT_MAPPING_CREATE || e->type == RG_EVT_MAPPING_DELETE;
		bool del = e->type == RG_EVT_SESSION_DELETE || e->type == RG_EVT_MAPPING_DELETE;
		n = snprintf(buf, len, "proto=%s inside=%s:%u outside=%s:%u",
			     proto_name(v.proto, p), ip(v.in_addr, a), ntohs(v.in_port),
			     ip(v.out_addr, b), ntohs(v.out_port));
		if (log_dest && v.rem_addr && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, " remote=%s:%u", ip(v.rem_addr, c),
				      ntohs(v.rem_port));
		if (mapping && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, " owner=%s",
				      rgd_owner_name(v.owner));
		if (del && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, " reason=%s",
				      reason_name(v.reason));
	} else if ((e->type == RG_EVT_BLOCK_ALLOC || e->type == RG_EVT_BLOCK_FREE) &&
		   e->len >= sizeof(struct rg_evt_block)) {
		struct rg_evt_block v;
		memcpy(&v, e->payload, sizeof(v));
		n = snprintf(buf, len, "inside=%s outside=%s ports=%u-%u", ip(v.in_addr, a),
			     ip(v.out_addr, b), v.port_lo, v.port_hi);
	} else if ((e->type == RG_EVT_QUOTA || e->type == RG_EVT_POOL_EXHAUSTED) &&
		   e->len >= sizeof(struct rg_evt_quota)) {
		struct rg_evt_quota v;
		memcpy(&v, e->payload, sizeof(v));
		n = snprintf(buf, len, "inside=%s what=%s proto=%s limit=%u", ip(v.in_addr, a),
			     rg_exhaustion_name(v.kind), proto_name(v.proto, p), v.limit);
	}
	if (n <= 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

const char *rgd_event_type_name(uint16_t type)
{
#define EVT_NAME(name, val, text) [val] = text,
	static const char *const names[RG_EVT__COUNT] = { RG_EVENT_TYPES(EVT_NAME) };
#undef EVT_NAME
	return type < RG_EVT__COUNT ? names[type] : "unknown";
}

size_t rgd_natlog_line(const struct rg_evt *e, bool log_dest, char *buf, size_t len)
{
	char fields[256];
	if (!rgd_natlog_fields(e, log_dest, fields, sizeof(fields)))
		return 0;
	int n = snprintf(buf, len, "NAT %s %s", rgd_event_type_name(e->type), fields);
	if (n <= 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

/* The pool serving an inside address: the one with the longest matching
 * subscribers prefix, as the card chooses it. */
static uint32_t pool_of(const struct rgd_cfg *cfg, uint32_t in_addr)
{
	int best = -1;
	uint32_t id = 0;
	for (unsigned i = 0; i < cfg->n_pools; i++) {
		const struct rg_pool *p = &cfg->pools[i].pool;
		struct rgd_prefix pf = { ntohl(p->sub_addr), p->sub_plen };
		if (rgd_prefix_contains(&pf, in_addr) && p->sub_plen > best) {
			best = p->sub_plen;
			id = p->id;
		}
	}
	return id;
}

static bool to_ipfix(const struct rg_evt *e, const struct rgd_cfg *cfg, struct rgd_ipfix_rec *r)
{
	memset(r, 0, sizeof(*r));
	bool log_dest = cfg->card_cfg.flags & RG_CFG_LOG_DEST;
	if (is_nat(e->type) && e->len >= sizeof(struct rg_evt_nat)) {
		struct rg_evt_nat v;
		memcpy(&v, e->payload, sizeof(v));
		static const uint8_t ev[] = {
			[RG_EVT_SESSION_CREATE] = RGD_NATEV_SESSION_CREATE,
			[RG_EVT_SESSION_DELETE] = RGD_NATEV_SESSION_DELETE,
			[RG_EVT_MAPPING_CREATE] = RGD_NATEV_BIB_CREATE,
			[RG_EVT_MAPPING_DELETE] = RGD_NATEV_BIB_DELETE,
		};
		r->nat_event = ev[e->type];
		r->proto = v.proto;
		r->src = ntohl(v.in_addr);
		r->sport = ntohs(v.in_port);
		r->post_src = ntohl(v.out_addr);
		r->post_sport = ntohs(v.out_port);
		if (log_dest && v.rem_addr) {
			r->has_dst = true;
			r->dst = ntohl(v.rem_addr);
			r->dport = ntohs(v.rem_port);
		}
		return true;
	}
	if ((e->type == RG_EVT_BLOCK_ALLOC || e->type == RG_EVT_BLOCK_FREE) &&
	    e->len >= sizeof(struct rg_evt_block)) {
		struct rg_evt_block v;
		memcpy(&v, e->payload, sizeof(v));
		r->nat_event = e->type == RG_EVT_BLOCK_ALLOC ? RGD_NATEV_BLOCK_ALLOC
							     : RGD_NATEV_BLOCK_FREE;
		r->src = ntohl(v.in_addr);
		r->post_src = ntohl(v.out_addr);
		r->port_lo = v.port_lo;
		r->port_hi = v.port_hi;
		return true;
	}
	if ((e->type == RG_EVT_QUOTA || e->type == RG_EVT_POOL_EXHAUSTED) &&
	    e->len >= sizeof(struct rg_evt_quota)) {
		struct rg_evt_quota v;
		memcpy(&v, e->payload, sizeof(v));
		r->src = ntohl(v.in_addr);
		r->proto = v.proto;
		r->limit = v.limit;
		switch (v.kind) {
		case RG_EXH_POOL:
			r->nat_event = RGD_NATEV_ADDRESSES_EXHAUSTED;
			r->pool_id = pool_of(cfg, r->src);
			break;
		case RG_EXH_MAP_TABLE:
			r->nat_event = RGD_NATEV_QUOTA_EXCEEDED;
			r->quota_event = RGD_NATQ_MAX_BIB;
			break;
		case RG_EXH_SESS_TABLE:
			r->nat_event = RGD_NATEV_QUOTA_EXCEEDED;
			r->quota_event = RGD_NATQ_MAX_SESSIONS;
			break;
		case RG_EXH_SUB_TABLE:
			r->nat_event = RGD_NATEV_QUOTA_EXCEEDED;
			r->quota_event = RGD_NATQ_MAX_SUBSCRIBERS;
			break;
		case RG_EXH_FRAG_TABLE:
			r->nat_event = RGD_NATEV_QUOTA_EXCEEDED;
			r->quota_event = RGD_NATQ_MAX_FRAGMENTS;
			break;
		default: /* a subscriber's session or port quota */
			r->nat_event = RGD_NATEV_QUOTA_EXCEEDED;
			r->quota_event = RGD_NATQ_MAX_PER_USER;
		}
		return true;
	}
	return false;
}

static int open_exporter(struct rgd_natlog *n, char *err, size_t errlen)
{
	const struct rgd_cfg *c = n->cfg;
	n->ipfix.fd = -1;
	n->ipfix_addr = c->ipfix_addr;
	n->ipfix_port = c->ipfix_port;
	n->ipfix_domain = c->ipfix_domain;
	if (!c->ipfix_addr)
		return 0;
	if (rgd_ipfix_open(&n->ipfix, c->ipfix_addr, c->ipfix_port, c->ipfix_domain,
			   c->ipfix_template_refresh, err, errlen))
		return -1;
	rgd_log(LOG_NOTICE, "NAT events to IPFIX collector %u.%u.%u.%u:%u (domain %u)",
		c->ipfix_addr >> 24, (c->ipfix_addr >> 16) & 255, (c->ipfix_addr >> 8) & 255,
		c->ipfix_addr & 255, c->ipfix_port, c->ipfix_domain);
	return 0;
}

int rgd_natlog_open(struct rgd_natlog *n, const struct rgd_cfg *cfg, char *err, size_t errlen)
{
	memset(n, 0, sizeof(*n));
	n->cfg = cfg;
	return open_exporter(n, err, errlen);
}

int rgd_natlog_reconfigure(struct rgd_natlog *n, char *err, size_t errlen)
{
	const struct rgd_cfg *c = n->cfg;
	if (c->ipfix_addr == n->ipfix_addr && c->ipfix_port == n->ipfix_port &&
	    c->ipfix_domain == n->ipfix_domain) {
		n->ipfix.template_refresh = c->ipfix_template_refresh;
		return 0;
	}
	/* a new stream: sequence numbers and templates start again */
	rgd_natlog_flush(n, rgd_natlog_now_ms());
	rgd_ipfix_close(&n->ipfix);
	return open_exporter(n, err, errlen);
}

void rgd_natlog_close(struct rgd_natlog *n)
{
	rgd_natlog_flush(n, rgd_natlog_now_ms());
	rgd_ipfix_close(&n->ipfix);
}

void rgd_natlog_event(struct rgd_natlog *n, const struct rg_evt *e, uint64_t now_ms)
{
	const struct rgd_cfg *c = n->cfg;
	if (c->natlog_syslog) {
		char line[256];
		if (rgd_natlog_line(e, c->card_cfg.flags & RG_CFG_LOG_DEST, line, sizeof(line)))
			rgd_log(e->type == RG_EVT_QUOTA || e->type == RG_EVT_POOL_EXHAUSTED
					? LOG_WARNING
					: LOG_INFO,
				"%s", line);
	}
	struct rgd_ipfix_rec r;
	if (n->ipfix.fd >= 0 && to_ipfix(e, c, &r))
		rgd_ipfix_add(&n->ipfix, &r, now_ms);
}

void rgd_natlog_flush(struct rgd_natlog *n, uint64_t now_ms)
{
	rgd_ipfix_flush(&n->ipfix, now_ms);
}

void rgd_natlog_tick(struct rgd_natlog *n, uint64_t now_ms)
{
	rgd_ipfix_tick(&n->ipfix, now_ms);
}
