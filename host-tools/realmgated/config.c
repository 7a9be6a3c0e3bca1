/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration file reader (libconfig). Every group lists the settings it
 * knows so that a misspelt name is an error with its line, not a silently
 * ignored line.
 */
#include "config.h"

#include "../lib/parse_num.h"

#include <arpa/inet.h>
#include <grp.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cfgctx {
	const char *name; /* file name for messages */
	char *err;
	size_t errlen;
};

static int fail(struct cfgctx *x, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct cfgctx *x, const config_setting_t *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned line = s ? config_setting_source_line(s) : 0;
	snprintf(x->err, x->errlen, "%s:%u: %s", file ? file : x->name, line, msg);
	return -1;
}

/* ---- addresses and prefixes ---------------------------------------------- */

int rgd_parse_addr(const char *s, uint32_t *addr)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = ntohl(a.s_addr);
	return 0;
}

int rgd_parse_endpoint(const char *s, uint32_t *addr, uint16_t *port, bool *has_port)
{
	char buf[32];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (rgd_parse_addr(buf, addr))
		return -1;
	*has_port = colon != NULL;
	if (colon) {
		unsigned long p;
		if (rg_parse_uint(colon + 1, 0, 65535, &p))
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

static uint32_t mask_of(uint8_t plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

int rgd_parse_prefix(const char *s, struct rgd_prefix *p)
{
	char buf[64];
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	char *slash = strchr(buf, '/');
	unsigned long plen = 32;
	if (slash) {
		*slash = 0;
		if (rg_parse_uint(slash + 1, 0, 32, &plen))
			return -1;
	}
	if (rgd_parse_addr(buf, &p->addr))
		return -1;
	p->plen = (uint8_t)plen;
	if (p->addr & ~mask_of(p->plen))
		return -1; /* host bits set: almost certainly a typo */
	return 0;
}

bool rgd_prefix_contains(const struct rgd_prefix *p, uint32_t addr)
{
	return (addr & mask_of(p->plen)) == p->addr;
}

bool rgd_prefixes_contain(const struct rgd_prefix *p, unsigned n, uint32_t addr)
{
	for (unsigned i = 0; i < n; i++)
		if (rgd_prefix_contains(&p[i], addr))
			return true;
	return false;
}

/* "lo-hi" or "port" -> [lo, hi], digits only */
static int parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned long a, b;
	if (rg_parse_range(s, 0, 65535, &a, &b))
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* ---- typed access ---------------------------------------------------------- */

static int check_known(struct cfgctx *x, const config_setting_t *g, const char *const *known)
{
	int n = config_setting_length(g);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = strcmp(*k, name) == 0;
		if (!ok)
			return fail(x, s, "unknown setting '%s'", name);
	}
	return 0;
}

static int get_str(struct cfgctx *x, const config_setting_t *g, const char *name, char *out,
		   size_t len, bool required)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s) {
		if (required)
			return fail(x, g, "missing setting '%s'", name);
		return 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(x, s, "'%s' must be a string", name);
	const char *v = config_setting_get_string(s);
	if (strlen(v) >= len)
		return fail(x, s, "'%s' is too long (at most %zu characters)", name, len - 1);
	strcpy(out, v);
	return 0;
}

static int get_uint(struct cfgctx *x, const config_setting_t *g, const char *name, uint32_t *out,
		    long long min, long long max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s)
		return 1;
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return fail(x, s, "'%s' must be an integer", name);
	long long v = config_setting_get_int64(s);
	if (v < min || v > max)
		return fail(x, s, "'%s' = %lld is out of range [%lld, %lld]", name, v, min, max);
	*out = (uint32_t)v;
	return 0;
}

static int get_bool(struct cfgctx *x, const config_setting_t *g, const char *name, bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s)
		return 1;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(x, s, "'%s' must be true or false", name);
	*out = config_setting_get_bool(s);
	return 0;
}

static int get_addr(struct cfgctx *x, const config_setting_t *g, const char *name, uint32_t *out,
		    bool required)
{
	char buf[64];
	int r = get_str(x, g, name, buf, sizeof(buf), required);
	if (r)
		return r;
	if (buf[0] == 0 && !required) {
		*out = 0;
		return 0;
	}
	if (rgd_parse_addr(buf, out))
		return fail(x, config_setting_get_member(g, name),
			    "'%s': '%s' is not an IPv4 address", name, buf);
	return 0;
}

static int get_prefix(struct cfgctx *x, const config_setting_t *s, struct rgd_prefix *p)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(x, s, "a prefix must be a string \"a.b.c.d/len\"");
	if (rgd_parse_prefix(config_setting_get_string(s), p))
		return fail(x, s, "'%s' is not a prefix a.b.c.d/len (host bits clear)",
			    config_setting_get_string(s));
	return 0;
}

static int get_prefix_list(struct cfgctx *x, const config_setting_t *g, const char *name,
			   struct rgd_prefix *out, unsigned *n)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s)
		return 1;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(x, s, "'%s' must be a list of prefixes [\"a.b.c.d/len\", ...]", name);
	int len = config_setting_length(s);
	if (len > RGD_MAX_PREFIXES)
		return fail(x, s, "'%s' has %d prefixes, at most %d", name, len, RGD_MAX_PREFIXES);
	for (int i = 0; i < len; i++)
		if (get_prefix(x, config_setting_get_elem(s, (unsigned)i), &out[i]))
			return -1;
	*n = (unsigned)len;
	return 0;
}

/* ---- sections -------------------------------------------------------------- */

static int read_side(struct cfgctx *x, const config_setting_t *root, const char *side,
		     struct rgd_cfg *c)
{
	static const char *const known_in[] = {
		"address", "prefix", "gateway", "mtu", "vlan", "realm", NULL,
	};
	static const char *const known_out[] = {
		"address", "prefix", "gateway", "mtu", "vlan", NULL,
	};
	bool inside = strcmp(side, "inside") == 0;
	const config_setting_t *g = config_setting_get_member(root, side);
	if (!g || !config_setting_is_group(g))
		return fail(x, g ? g : root,
			    "missing group '%s = { address = ...; prefix = ...; }'", side);
	if (check_known(x, g, inside ? known_in : known_out))
		return -1;
	uint32_t addr, gw = 0, plen = 24, mtu = 0, vlan = 0;
	/* vlan: the 802.1Q VID of the port, 0 = untagged (4095 is reserved) */
	if (get_addr(x, g, "address", &addr, true) || get_addr(x, g, "gateway", &gw, false) < 0 ||
	    get_uint(x, g, "prefix", &plen, 1, 32) < 0 ||
	    get_uint(x, g, "mtu", &mtu, 576, 9000) < 0 ||
	    get_uint(x, g, "vlan", &vlan, 0, RG_VLAN_VID_MAX) < 0)
		return -1;
	if (gw && (gw & mask_of((uint8_t)plen)) != (addr & mask_of((uint8_t)plen)))
		return fail(x, config_setting_get_member(g, "gateway"),
			    "%s.gateway is not on the %s on-link prefix", side, side);
	if (inside) {
		c->card_cfg.inside_addr = htonl(addr);
		c->card_cfg.inside_gw = htonl(gw);
		c->card_cfg.inside_plen = (uint8_t)plen;
		c->card_cfg.mtu[0] = (uint16_t)mtu;
		c->card_cfg.vlan[0] = (uint16_t)vlan;
		if (get_prefix_list(x, g, "realm", c->realm, &c->n_realm) < 0)
			return -1;
		if (c->n_realm == 0) {
			/* by default the inside realm is the on-link prefix */
			c->realm[0].plen = (uint8_t)plen;
			c->realm[0].addr = addr & mask_of((uint8_t)plen);
			c->n_realm = 1;
		}
		c->listen_addr = addr;
	} else {
		c->card_cfg.outside_addr = htonl(addr);
		c->card_cfg.outside_gw = htonl(gw);
		c->card_cfg.outside_plen = (uint8_t)plen;
		c->card_cfg.mtu[1] = (uint16_t)mtu;
		c->card_cfg.vlan[1] = (uint16_t)vlan;
	}
	return 0;
}

static int read_nat(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	static const char *const known[] = { "hairpin",
					     "unreachable_on_quota",
					     "inbound_refresh",
					     "log_destinations",
					     "syn_unreachable",
					     "mss_clamp",
					     "timeouts",
					     "quotas",
					     NULL };
	static const char *const known_t[] = {
		"udp",	    "tcp_established", "tcp_transitory", "icmp",
		"syn_hold", "fragment",	       "port_holddown",	 NULL
	};
	static const char *const known_q[] = { "sessions_per_subscriber", "ports_per_subscriber",
					       NULL };
	const config_setting_t *g = config_setting_get_member(root, "nat");
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return fail(x, g, "'nat' must be a group { ... }");
	if (check_known(x, g, known))
		return -1;
	struct rg_config *k = &c->card_cfg;
	static const struct {
		const char *name;
		uint16_t flag;
	} flags[] = {
		{ "hairpin", RG_CFG_HAIRPIN },
		{ "unreachable_on_quota", RG_CFG_UNREACH_ON_QUOTA },
		{ "inbound_refresh", RG_CFG_INBOUND_REFRESH },
		{ "log_destinations", RG_CFG_LOG_DEST },
		{ "syn_unreachable", RG_CFG_SYN_UNREACH },
	};
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		bool v = false;
		int r = get_bool(x, g, flags[i].name, &v);
		if (r < 0)
			return -1;
		if (r == 0)
			k->flags = (uint16_t)(v ? (k->flags | flags[i].flag)
						: (k->flags & ~flags[i].flag));
	}
	uint32_t mss = k->mss_clamp;
	if (get_uint(x, g, "mss_clamp", &mss, 0, 9000) < 0)
		return -1;
	k->mss_clamp = (uint16_t)mss;
	const config_setting_t *t = config_setting_get_member(g, "timeouts");
	if (t) {
		if (!config_setting_is_group(t) || check_known(x, t, known_t))
			return t && !config_setting_is_group(t)
				       ? fail(x, t, "'timeouts' must be a group")
				       : -1;
		/* minimums: RFC 4787 REQ-5, RFC 5382 REQ-5, RFC 5508 REQ-1,
		 * RFC 7857 (SYN hold), RFC 6888 REQ-8 */
		if (get_uint(x, t, "udp", &k->udp_timeout_s, RG_MIN_UDP_TIMEOUT_S, 86400) < 0 ||
		    get_uint(x, t, "tcp_established", &k->tcp_est_timeout_s,
			     RG_MIN_TCP_EST_TIMEOUT_S, RG_MAX_TIMEOUT_S) < 0 ||
		    get_uint(x, t, "tcp_transitory", &k->tcp_trans_timeout_s,
			     RG_MIN_TCP_TRANS_TIMEOUT_S, 86400) < 0 ||
		    get_uint(x, t, "icmp", &k->icmp_timeout_s, RG_MIN_ICMP_TIMEOUT_S, 86400) < 0 ||
		    get_uint(x, t, "syn_hold", &k->syn_hold_s, RG_MIN_SYN_HOLD_S, 600) < 0 ||
		    get_uint(x, t, "fragment", &k->frag_timeout_s, 1, 120) < 0 ||
		    get_uint(x, t, "port_holddown", &k->port_holddown_s, RG_MIN_PORT_HOLDDOWN_S,
			     86400) < 0)
			return -1;
	}
	const config_setting_t *q = config_setting_get_member(g, "quotas");
	if (q) {
		if (!config_setting_is_group(q))
			return fail(x, q, "'quotas' must be a group");
		if (check_known(x, q, known_q) ||
		    get_uint(x, q, "sessions_per_subscriber", &k->max_sessions_per_sub, 0,
			     UINT32_MAX) < 0 ||
		    get_uint(x, q, "ports_per_subscriber", &k->max_ports_per_sub, 0, 65536) < 0)
			return -1;
	}
	return 0;
}

static int parse_enum(const char *s, const char *const *names, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (names[i] && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const mapping_names[] = { "endpoint-independent", "address-dependent",
					     "address-and-port-dependent" };
static const char *const mode_names[] = { "dynamic", "port-block", "deterministic" };

static int read_pool_addresses(struct cfgctx *x, const config_setting_t *s, struct rgd_pool_cfg *p)
{
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(x, s,
			    "'addresses' must be a list of \"a.b.c.d\", \"a-b\" or \"a/len\"");
	int n = config_setting_length(s);
	if (n == 0)
		return fail(x, s, "pool '%s' has no addresses", p->name);
	if (n > RGD_MAX_RANGES)
		return fail(x, s, "pool '%s' has %d address ranges, at most %d", p->name, n,
			    RGD_MAX_RANGES);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail(x, e, "an address range must be a string");
		const char *v = config_setting_get_string(e);
		char buf[64];
		if (strlen(v) >= sizeof(buf))
			return fail(x, e, "'%s' is not an address range", v);
		strcpy(buf, v);
		uint32_t lo, hi;
		char *dash = strchr(buf, '-');
		struct rgd_prefix pf;
		if (dash) {
			*dash = 0;
			if (rgd_parse_addr(buf, &lo) || rgd_parse_addr(dash + 1, &hi) || hi < lo)
				return fail(x, e, "'%s' is not a range a.b.c.d-e.f.g.h (low first)",
					    v);
		} else if (strchr(buf, '/')) {
			if (rgd_parse_prefix(buf, &pf))
				return fail(x, e, "'%s' is not a prefix a.b.c.d/len", v);
			lo = pf.addr;
			hi = pf.addr | ~mask_of(pf.plen);
		} else {
			if (rgd_parse_addr(buf, &lo))
				return fail(x, e, "'%s' is not an IPv4 address", v);
			hi = lo;
		}
		struct rg_pool_range *r = &p->ranges[p->n_ranges++];
		memset(r, 0, sizeof(*r));
		r->id = p->pool.id;
		r->lo = htonl(lo);
		r->hi = htonl(hi);
	}
	return 0;
}

static int read_pool(struct cfgctx *x, const config_setting_t *g, struct rgd_pool_cfg *p)
{
	static const char *const known[] = {
		"id",	     "name",   "mode",	     "mapping",
		"filtering", "ports",  "block_size", "port_preservation",
		"parity",    "paired", "addresses",  "subscribers",
		NULL
	};
	if (!config_setting_is_group(g))
		return fail(x, g, "a pool must be a group { id = ...; addresses = [...]; }");
	if (check_known(x, g, known))
		return -1;
	memset(p, 0, sizeof(*p));
	uint32_t id;
	if (get_uint(x, g, "id", &id, 1, 255) != 0)
		return config_setting_get_member(g, "id") ? -1 : fail(x, g, "pool without an 'id'");
	p->pool.id = (uint8_t)id;
	snprintf(p->name, sizeof(p->name), "pool%u", id);
	if (get_str(x, g, "name", p->name, sizeof(p->name), false) < 0)
		return -1;
	char buf[64];
	int r = get_str(x, g, "mode", buf, sizeof(buf), false);
	if (r < 0)
		return -1;
	if (r == 0) {
		int m = parse_enum(buf, mode_names, 3);
		if (m < 0)
			return fail(x, config_setting_get_member(g, "mode"),
				    "mode '%s': use dynamic, port-block or deterministic", buf);
		p->pool.mode = (uint8_t)m;
	}
	p->pool.mapping = RG_MAP_EIM;
	r = get_str(x, g, "mapping", buf, sizeof(buf), false);
	if (r < 0)
		return -1;
	if (r == 0) {
		int m = parse_enum(buf, mapping_names, 3);
		if (m < 0)
			return fail(x, config_setting_get_member(g, "mapping"),
				    "mapping '%s': use endpoint-independent, address-dependent or "
				    "address-and-port-dependent",
				    buf);
		p->pool.mapping = (uint8_t)m;
	}
	/* filtering: one behaviour for all, or a group per protocol; default
	 * endpoint-independent for UDP and ICMP, address-and-port-dependent for
	 * TCP (nat-behaviour.md) */
	p->pool.filtering[0] = RG_FILTER_EIF;
	p->pool.filtering[1] = RG_FILTER_APDF;
	p->pool.filtering[2] = RG_FILTER_EIF;
	const config_setting_t *f = config_setting_get_member(g, "filtering");
	if (f) {
		static const char *const protos[] = { "udp", "tcp", "icmp", NULL };
		if (config_setting_type(f) == CONFIG_TYPE_STRING) {
			int m = parse_enum(config_setting_get_string(f), mapping_names, 3);
			if (m < 0)
				return fail(x, f,
					    "filtering '%s': use endpoint-independent, "
					    "address-dependent or address-and-port-dependent",
					    config_setting_get_string(f));
			p->pool.filtering[0] = p->pool.filtering[1] = p->pool.filtering[2] =
				(uint8_t)m;
		} else if (config_setting_is_group(f)) {
			if (check_known(x, f, protos))
				return -1;
			for (int i = 0; i < 3; i++) {
				r = get_str(x, f, protos[i], buf, sizeof(buf), false);
				if (r < 0)
					return -1;
				if (r)
					continue;
				int m = parse_enum(buf, mapping_names, 3);
				if (m < 0)
					return fail(x, config_setting_get_member(f, protos[i]),
						    "filtering '%s' is not a behaviour", buf);
				p->pool.filtering[i] = (uint8_t)m;
			}
		} else {
			return fail(x, f, "'filtering' must be a string or a group");
		}
	}
	uint16_t lo = 1024, hi = 65535;
	r = get_str(x, g, "ports", buf, sizeof(buf), false);
	if (r < 0)
		return -1;
	if (r == 0 && (parse_port_range(buf, &lo, &hi) || lo == 0))
		return fail(x, config_setting_get_member(g, "ports"),
			    "ports '%s' is not a range lo-hi within 1-65535", buf);
	p->pool.port_lo = lo;
	p->pool.port_hi = hi;
	uint32_t bs = 0;
	if (get_uint(x, g, "block_size", &bs, 0, 65535) < 0)
		return -1;
	p->pool.block_size = (uint16_t)bs;
	if (p->pool.mode != RG_POOL_DYNAMIC) {
		if (bs == 0)
			return fail(x, g, "pool '%s': mode %s needs block_size", p->name,
				    mode_names[p->pool.mode]);
		if (bs > (uint32_t)(hi - lo + 1))
			return fail(x, config_setting_get_member(g, "block_size"),
				    "block_size %u is larger than the port range %u-%u", bs, lo,
				    hi);
	}
	bool v = false;
	p->pool.flags = RG_POOLF_PORT_PRESERVE | RG_POOLF_PARITY | RG_POOLF_PAIRED;
	static const struct {
		const char *name;
		uint16_t flag;
	} flags[] = { { "port_preservation", RG_POOLF_PORT_PRESERVE },
		      { "parity", RG_POOLF_PARITY },
		      { "paired", RG_POOLF_PAIRED } };
	for (int i = 0; i < 3; i++) {
		r = get_bool(x, g, flags[i].name, &v);
		if (r < 0)
			return -1;
		if (r == 0)
			p->pool.flags = (uint16_t)(v ? (p->pool.flags | flags[i].flag)
						     : (p->pool.flags & ~flags[i].flag));
	}
	const config_setting_t *a = config_setting_get_member(g, "addresses");
	if (!a)
		return fail(x, g, "pool '%s' has no 'addresses'", p->name);
	if (read_pool_addresses(x, a, p))
		return -1;
	const config_setting_t *sub = config_setting_get_member(g, "subscribers");
	if (sub) {
		struct rgd_prefix pf;
		if (get_prefix(x, sub, &pf))
			return -1;
		p->pool.sub_addr = htonl(pf.addr);
		p->pool.sub_plen = pf.plen;
	}
	return 0;
}

static bool ranges_overlap(const struct rg_pool_range *a, const struct rg_pool_range *b)
{
	return !(ntohl(a->hi) < ntohl(b->lo) || ntohl(b->hi) < ntohl(a->lo));
}

static int read_pools(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	const config_setting_t *l = config_setting_get_member(root, "pools");
	if (!l)
		return fail(x, root, "missing 'pools = ( { id = 1; addresses = [...]; } );'");
	if (!config_setting_is_list(l))
		return fail(x, l, "'pools' must be a list ( {...}, {...} )");
	int n = config_setting_length(l);
	if (n == 0 || n > RGD_MAX_POOLS)
		return fail(x, l, "'pools' must have 1 to %d pools", RGD_MAX_POOLS);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		struct rgd_pool_cfg *p = &c->pools[i];
		if (read_pool(x, g, p))
			return -1;
		for (int j = 0; j < i; j++) {
			if (c->pools[j].pool.id == p->pool.id)
				return fail(x, g, "pool id %u is used twice", p->pool.id);
			for (unsigned a = 0; a < p->n_ranges; a++)
				for (unsigned b = 0; b < c->pools[j].n_ranges; b++)
					if (ranges_overlap(&p->ranges[a], &c->pools[j].ranges[b]))
						return fail(
							x, g,
							"pool '%s' overlaps addresses of pool '%s'",
							p->name, c->pools[j].name);
		}
		c->n_pools++;
	}
	return 0;
}

static const char *const rule_kinds[] = { NULL, "forward", "dstnat", "exclude", "to-host", "drop" };

static int proto_of(const char *s)
{
	if (strcmp(s, "any") == 0)
		return 0;
	if (strcmp(s, "tcp") == 0)
		return 6;
	if (strcmp(s, "udp") == 0)
		return 17;
	if (strcmp(s, "icmp") == 0)
		return 1;
	return -1;
}

static int read_rule(struct cfgctx *x, const config_setting_t *g, const struct rgd_cfg *c,
		     struct rg_rule *r)
{
	static const char *const known[] = { "id",    "type", "proto",	 "from", "dst",
					     "ports", "to",   "to_port", NULL };
	if (!config_setting_is_group(g))
		return fail(x, g, "a rule must be a group { id = ...; type = ...; }");
	if (check_known(x, g, known))
		return -1;
	memset(r, 0, sizeof(*r));
	char buf[64];
	if (get_uint(x, g, "id", &r->id, 1, 0x7fffffff) != 0)
		return config_setting_get_member(g, "id") ? -1 : fail(x, g, "rule without an 'id'");
	if (get_str(x, g, "type", buf, sizeof(buf), true))
		return -1;
	int k = parse_enum(buf, rule_kinds, 6);
	if (k <= 0)
		return fail(x, config_setting_get_member(g, "type"),
			    "rule type '%s': use forward, dstnat, exclude, to-host or drop", buf);
	r->kind = (uint8_t)k;
	int rv = get_str(x, g, "proto", buf, sizeof(buf), false);
	if (rv < 0)
		return -1;
	if (rv == 0) {
		int p = proto_of(buf);
		if (p < 0)
			return fail(x, config_setting_get_member(g, "proto"),
				    "proto '%s': use tcp, udp, icmp or any", buf);
		r->proto = (uint8_t)p;
	}
	struct rgd_prefix pf;
	const config_setting_t *s;
	if ((s = config_setting_get_member(g, "from"))) {
		if (get_prefix(x, s, &pf))
			return -1;
		r->src_addr = htonl(pf.addr);
		r->src_plen = pf.plen;
	}
	if ((s = config_setting_get_member(g, "dst"))) {
		if (get_prefix(x, s, &pf))
			return -1;
		r->dst_addr = htonl(pf.addr);
		r->dst_plen = pf.plen;
	} else if (r->kind == RG_RULE_FORWARD || r->kind == RG_RULE_TO_HOST) {
		/* toward the card's own outside address unless told otherwise */
		r->dst_addr = r->kind == RG_RULE_FORWARD ? c->card_cfg.outside_addr
							 : c->card_cfg.inside_addr;
		r->dst_plen = 32;
	} else {
		return fail(x, g, "rule %u (%s) needs 'dst'", r->id, rule_kinds[k]);
	}
	uint16_t lo = 0, hi = 0;
	rv = get_str(x, g, "ports", buf, sizeof(buf), false);
	if (rv < 0)
		return -1;
	if (rv == 0 && parse_port_range(buf, &lo, &hi))
		return fail(x, config_setting_get_member(g, "ports"),
			    "ports '%s' is not a port or a range lo-hi", buf);
	if ((r->kind == RG_RULE_FORWARD || r->kind == RG_RULE_TO_HOST) && lo == 0)
		return fail(x, g, "rule %u (%s) needs 'ports'", r->id, rule_kinds[k]);
	if (lo && r->proto != 6 && r->proto != 17)
		return fail(x, g, "rule %u: 'ports' needs proto tcp or udp", r->id);
	r->dport_lo = htons(lo);
	r->dport_hi = htons(hi);
	if (r->kind == RG_RULE_FORWARD || r->kind == RG_RULE_DSTNAT) {
		uint32_t to, to_port = 0;
		if (get_addr(x, g, "to", &to, true) ||
		    get_uint(x, g, "to_port", &to_port, 0, 65535) < 0)
			return -1;
		if (to_port && lo != hi)
			return fail(x, g, "rule %u: 'to_port' needs a single port in 'ports'",
				    r->id);
		r->to_addr = htonl(to);
		r->to_port = htons((uint16_t)to_port);
	} else if (config_setting_get_member(g, "to") || config_setting_get_member(g, "to_port")) {
		return fail(x, g, "rule %u (%s) takes no 'to'", r->id, rule_kinds[k]);
	}
	return 0;
}

static int read_rules(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	const config_setting_t *l = config_setting_get_member(root, "rules");
	if (!l)
		return 0;
	if (!config_setting_is_list(l))
		return fail(x, l, "'rules' must be a list ( {...}, {...} )");
	int n = config_setting_length(l);
	if (n > RGD_MAX_RULES)
		return fail(x, l, "%d rules, at most %d", n, RGD_MAX_RULES);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		if (read_rule(x, g, c, &c->rules[i]))
			return -1;
		for (int j = 0; j < i; j++)
			if (c->rules[j].id == c->rules[i].id)
				return fail(x, g, "rule id %u is used twice", c->rules[i].id);
		c->n_rules++;
	}
	return 0;
}

static int read_pcp(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	static const char *const known[] = { "enabled",	     "natpmp",
					     "announce",     "listen",
					     "port",	     "announce_port",
					     "announce_to",  "min_lifetime",
					     "max_lifetime", "max_mappings_per_host",
					     "third_party",  NULL };
	const config_setting_t *g = config_setting_get_member(root, "pcp");
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return fail(x, g, "'pcp' must be a group { ... }");
	uint32_t port = c->pcp_port, aport = c->announce_port;
	if (check_known(x, g, known) || get_bool(x, g, "enabled", &c->pcp_enabled) < 0 ||
	    get_bool(x, g, "natpmp", &c->natpmp_enabled) < 0 ||
	    get_bool(x, g, "announce", &c->announce) < 0 ||
	    get_addr(x, g, "listen", &c->listen_addr, false) < 0 ||
	    get_addr(x, g, "announce_to", &c->announce_group, false) < 0 ||
	    get_uint(x, g, "port", &port, 1, 65535) < 0 ||
	    get_uint(x, g, "announce_port", &aport, 1, 65535) < 0 ||
	    get_uint(x, g, "min_lifetime", &c->min_lifetime, 1, 86400 * 365) < 0 ||
	    get_uint(x, g, "max_lifetime", &c->max_lifetime, 1, 86400 * 365) < 0 ||
	    get_uint(x, g, "max_mappings_per_host", &c->max_mappings_per_host, 0, 65536) < 0 ||
	    get_prefix_list(x, g, "third_party", c->third_party, &c->n_third_party) < 0)
		return -1;
	c->pcp_port = (uint16_t)port;
	c->announce_port = (uint16_t)aport;
	if (c->min_lifetime > c->max_lifetime)
		return fail(x, g, "pcp.min_lifetime %u is larger than pcp.max_lifetime %u",
			    c->min_lifetime, c->max_lifetime);
	return 0;
}

static int read_dpm(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	static const char *const known[] = { "enabled", "port", "lifetime", NULL };
	const config_setting_t *g = config_setting_get_member(root, "dpm");
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return fail(x, g, "'dpm' must be a group { ... }");
	uint32_t port = c->dpm_port;
	if (check_known(x, g, known) || get_bool(x, g, "enabled", &c->dpm_enabled) < 0 ||
	    get_uint(x, g, "port", &port, 1, 65535) < 0 ||
	    get_uint(x, g, "lifetime", &c->dpm_lifetime, 1, 86400 * 365) < 0)
		return -1;
	c->dpm_port = (uint16_t)port;
	return 0;
}

static int read_nat_log(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	static const char *const known[] = { "syslog", "ipfix_collector", "ipfix_domain",
					     "ipfix_template_refresh", NULL };
	const config_setting_t *g = config_setting_get_member(root, "nat_log");
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return fail(x, g, "'nat_log' must be a group { ... }");
	char buf[64] = "";
	int r = 1;
	if (check_known(x, g, known) || get_bool(x, g, "syslog", &c->natlog_syslog) < 0 ||
	    (r = get_str(x, g, "ipfix_collector", buf, sizeof(buf), false)) < 0 ||
	    get_uint(x, g, "ipfix_domain", &c->ipfix_domain, 0, UINT32_MAX) < 0 ||
	    get_uint(x, g, "ipfix_template_refresh", &c->ipfix_template_refresh, 1, 86400) < 0)
		return -1;
	bool has_port;
	if (r == 0 && buf[0] &&
	    (rgd_parse_endpoint(buf, &c->ipfix_addr, &c->ipfix_port, &has_port) ||
	     c->ipfix_addr == 0 || (has_port && c->ipfix_port == 0)))
		return fail(x, config_setting_get_member(g, "ipfix_collector"),
			    "ipfix_collector '%s' is not ADDRESS or ADDRESS:PORT", buf);
	return 0;
}

void rgd_config_defaults(struct rgd_cfg *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->state_db, "/var/lib/realmgate/realmgated.db");
	strcpy(c->control_socket, "/run/realmgate/realmgated.sock");
	struct rg_config *k = &c->card_cfg;
	k->flags = RG_CFG_HAIRPIN;
	k->udp_timeout_s = 300;
	k->tcp_est_timeout_s = 7440;
	k->tcp_trans_timeout_s = 240;
	k->icmp_timeout_s = 60;
	k->syn_hold_s = 6;
	k->frag_timeout_s = 2;
	k->port_holddown_s = 120;
	c->pcp_enabled = true;
	c->natpmp_enabled = true;
	c->announce = true;
	c->pcp_port = 5351;
	c->announce_port = 5350;
	c->announce_group = 0xe0000001u; /* 224.0.0.1 */
	c->min_lifetime = 120;
	c->max_lifetime = 86400;
	c->max_mappings_per_host = 256;
	c->dpm_enabled = true;
	c->dpm_port = 1080;
	c->dpm_lifetime = 300;
	c->natlog_syslog = true;
	c->ipfix_port = 4739;
	c->ipfix_domain = 1;
	c->ipfix_template_refresh = 60;
}

static int read_root(struct cfgctx *x, const config_setting_t *root, struct rgd_cfg *c)
{
	static const char *const known[] = {
		"card",	   "host_tap", "state_db", "control_socket", "control_group", "inside",
		"outside", "nat",      "pools",	   "rules",	     "pcp",	      "dpm",
		"nat_log", NULL
	};
	if (check_known(x, root, known))
		return -1;
	if (get_str(x, root, "card", c->card, sizeof(c->card), false) < 0 ||
	    get_str(x, root, "host_tap", c->host_tap, sizeof(c->host_tap), false) < 0 ||
	    get_str(x, root, "state_db", c->state_db, sizeof(c->state_db), false) < 0 ||
	    get_str(x, root, "control_socket", c->control_socket, sizeof(c->control_socket),
		    false) < 0 ||
	    get_str(x, root, "control_group", c->control_group, sizeof(c->control_group), false) <
		    0)
		return -1;
	/* a group that does not exist would leave the socket root-only without
	 * a word; the operator meant someone to get in */
	if (c->control_group[0] && !getgrnam(c->control_group))
		return fail(x, config_setting_get_member(root, "control_group"),
			    "control_group '%s': no such group", c->control_group);
	if (read_side(x, root, "inside", c) || read_side(x, root, "outside", c) ||
	    read_nat(x, root, c) || read_pools(x, root, c) || read_rules(x, root, c) ||
	    read_pcp(x, root, c) || read_dpm(x, root, c) || read_nat_log(x, root, c))
		return -1;
	if (c->dpm_enabled && c->pcp_enabled && c->dpm_port == c->pcp_port)
		return fail(x, config_setting_get_member(root, "dpm"),
			    "dpm.port %u is the PCP port", c->dpm_port);
	return 0;
}

static int finish(config_t *cf, int rc_read, struct cfgctx *x, struct rgd_cfg *c)
{
	int rc = -1;
	if (rc_read != CONFIG_TRUE) {
		const char *f = config_error_file(cf);
		snprintf(x->err, x->errlen, "%s:%d: %s", f ? f : x->name, config_error_line(cf),
			 config_error_text(cf));
	} else {
		rc = read_root(x, config_root_setting(cf), c);
	}
	config_destroy(cf);
	return rc;
}

int rgd_config_load(const char *path, struct rgd_cfg *c, char *err, size_t errlen)
{
	struct cfgctx x = { path, err, errlen };
	rgd_config_defaults(c);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s:0: cannot open: %m", path);
		return -1;
	}
	fclose(f);
	config_t cf;
	config_init(&cf);
	return finish(&cf, config_read_file(&cf, path), &x, c);
}

int rgd_config_parse(const char *text, const char *name, struct rgd_cfg *c, char *err,
		     size_t errlen)
{
	struct cfgctx x = { name, err, errlen };
	rgd_config_defaults(c);
	config_t cf;
	config_init(&cf);
	return finish(&cf, config_read_string(&cf, text), &x, c);
}
