/* SPDX-License-Identifier: BSD-2-Clause */
/* Card configuration file parser (cardconf.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardconf.h"
#include "parse.h"
#include "rule_parse.h"

#define MAXW 24

const struct cardconf_flag cardconf_flags[CARDCONF_N_FLAGS] = {
	{ "hairpin", RG_CFG_HAIRPIN },
	{ "unreachable-on-quota", RG_CFG_UNREACH_ON_QUOTA },
	{ "syn-unreachable", RG_CFG_SYN_UNREACH },
	{ "inbound-refresh", RG_CFG_INBOUND_REFRESH },
	{ "log-destinations", RG_CFG_LOG_DEST },
};

/* The timers of `timeout NAME SECONDS` and the card's own bounds for each
 * (SET_CONFIG), told here with the line. */
static const struct {
	const char *name, *why;
	uint32_t min;
	unsigned set;
	size_t field;
} timers[] = {
	{ "udp", "udp is 120..604800 seconds (RFC 4787 REQ-5), not", RG_MIN_UDP_TIMEOUT_S, CC_T_UDP,
	  offsetof(struct rg_config, udp_timeout_s) },
	{ "tcp-established", "tcp-established is 7440..604800 seconds (RFC 5382 REQ-5), not",
	  RG_MIN_TCP_EST_TIMEOUT_S, CC_T_TCP_EST, offsetof(struct rg_config, tcp_est_timeout_s) },
	{ "tcp-transitory", "tcp-transitory is 240..604800 seconds (RFC 5382 REQ-5), not",
	  RG_MIN_TCP_TRANS_TIMEOUT_S, CC_T_TCP_TRANS,
	  offsetof(struct rg_config, tcp_trans_timeout_s) },
	{ "icmp", "icmp is 60..604800 seconds (RFC 5508 REQ-1), not", RG_MIN_ICMP_TIMEOUT_S,
	  CC_T_ICMP, offsetof(struct rg_config, icmp_timeout_s) },
	{ "syn-hold", "syn-hold is 6..604800 seconds (RFC 5382 REQ-4), not", RG_MIN_SYN_HOLD_S,
	  CC_T_SYN_HOLD, offsetof(struct rg_config, syn_hold_s) },
	{ "fragment", "fragment is 1..604800 seconds, not", 1, CC_T_FRAG,
	  offsetof(struct rg_config, frag_timeout_s) },
	{ "port-holddown", "port-holddown is 120..604800 seconds (RFC 6888 REQ-8), not",
	  RG_MIN_PORT_HOLDDOWN_S, CC_T_HOLDDOWN, offsetof(struct rg_config, port_holddown_s) },
};

static int fail(char *err, size_t len, const char *path, unsigned line, const char *what,
		const char *arg)
{
	snprintf(err, len, "%s:%u: %s%s%s%s", path, line, what, arg ? " '" : "", arg ? arg : "",
		 arg ? "'" : "");
	return -1;
}

static int parse_pool(struct cardconf *cc, char **w, int n, const char **why, const char **bad)
{
	unsigned long id;
	if (n < 3) {
		*why = "usage: pool ID ADDR[-ADDR] [ports LO-HI] [mapping M] [filtering F] "
		       "[mode dynamic|port-block|deterministic] [block N] [serves PREFIX/LEN]";
		return -1;
	}
	if (rg_parse_uint(w[1], 0, 255, &id)) {
		*why = "pool id is 0..255, not";
		*bad = w[1];
		return -1;
	}
	struct rg_pool *p = NULL;
	for (unsigned i = 0; i < cc->n_pools; i++)
		if (cc->pools[i].id == id)
			p = &cc->pools[i];
	if (!p) {
		if (cc->n_pools == CARDCONF_POOLS) {
			*why = "too many pools";
			return -1;
		}
		p = &cc->pools[cc->n_pools++];
		memset(p, 0, sizeof(*p));
		p->id = (uint8_t)id;
		p->mode = RG_POOL_DYNAMIC;
		p->mapping = RG_MAP_EIM;
		p->filtering[0] = p->filtering[1] = p->filtering[2] = RG_FILTER_EIF;
		p->flags = RG_POOLF_PORT_PRESERVE | RG_POOLF_PAIRED;
		p->port_lo = 1024;
		p->port_hi = 65535;
	}
	if (cc->n_ranges == CARDCONF_RANGES) {
		*why = "too many address ranges";
		return -1;
	}
	struct rg_pool_range *r = &cc->ranges[cc->n_ranges];
	memset(r, 0, sizeof(*r));
	r->id = (uint8_t)id;
	char lo[64], *dash;
	snprintf(lo, sizeof(lo), "%s", w[2]);
	dash = strchr(lo, '-');
	if (dash)
		*dash++ = 0;
	if (parse_ipv4(lo, &r->lo) || parse_ipv4(dash ? dash : lo, &r->hi) ||
	    ntohl(r->hi) < ntohl(r->lo)) {
		*why = "bad address range";
		*bad = w[2];
		return -1;
	}
	cc->n_ranges++;
	for (int i = 3; i < n; i += 2) {
		if (i + 1 >= n) {
			*why = "missing value after";
			*bad = w[i];
			return -1;
		}
		const char *k = w[i], *v = w[i + 1];
		if (!strcmp(k, "ports")) {
			unsigned long a, b;
			if (!strchr(v, '-') || rg_parse_range(v, 1, 65535, &a, &b)) {
				*why = "ports are LO-HI within 1-65535, not";
				*bad = v;
				return -1;
			}
			p->port_lo = (uint16_t)a;
			p->port_hi = (uint16_t)b;
		} else if (!strcmp(k, "mapping")) {
			int m = !strcmp(v, "eim")    ? RG_MAP_EIM
				: !strcmp(v, "adm")  ? RG_MAP_ADM
				: !strcmp(v, "apdm") ? RG_MAP_APDM
						     : -1;
			if (m < 0) {
				*why = "mapping is eim, adm or apdm, not";
				*bad = v;
				return -1;
			}
			p->mapping = (uint8_t)m;
		} else if (!strcmp(k, "filtering")) {
			int f = !strcmp(v, "eif")    ? RG_FILTER_EIF
				: !strcmp(v, "adf")  ? RG_FILTER_ADF
				: !strcmp(v, "apdf") ? RG_FILTER_APDF
						     : -1;
			if (f < 0) {
				*why = "filtering is eif, adf or apdf, not";
				*bad = v;
				return -1;
			}
			p->filtering[0] = p->filtering[1] = p->filtering[2] = (uint8_t)f;
		} else if (!strcmp(k, "mode")) {
			int m = !strcmp(v, "dynamic")	      ? RG_POOL_DYNAMIC
				: !strcmp(v, "port-block")    ? RG_POOL_PORT_BLOCK
				: !strcmp(v, "deterministic") ? RG_POOL_DETERMINISTIC
							      : -1;
			if (m < 0) {
				*why = "mode is dynamic, port-block or deterministic, not";
				*bad = v;
				return -1;
			}
			p->mode = (uint8_t)m;
		} else if (!strcmp(k, "block")) {
			unsigned long b;
			if (rg_parse_uint(v, 1, 65535, &b)) {
				*why = "block is 1..65535 ports, not";
				*bad = v;
				return -1;
			}
			p->block_size = (uint16_t)b;
		} else if (!strcmp(k, "serves")) {
			uint8_t plen;
			if (parse_prefix(v, &p->sub_addr, &plen)) {
				*why = "serves takes PREFIX/LEN, not";
				*bad = v;
				return -1;
			}
			p->sub_plen = plen;
		} else {
			*why = "unknown pool option";
			*bad = k;
			return -1;
		}
	}
	/* the card's rule (POOL_SET), told with the line */
	if (p->mode != RG_POOL_DYNAMIC &&
	    (!p->block_size || p->block_size > p->port_hi - p->port_lo + 1u)) {
		*why = "port-block and deterministic pools need block N, at most their port range";
		return -1;
	}
	if (p->mode == RG_POOL_DYNAMIC)
		p->block_size = 0;
	return 0;
}

static int parse_mapping(struct cardconf *cc, char **w, int n, const char **why, const char **bad)
{
	if (n < 3 || n > 4) {
		*why = "usage: mapping tcp|udp INSIDE:PORT [OUTSIDE:PORT]";
		return -1;
	}
	if (cc->n_maps == CARDCONF_MAPS) {
		*why = "too many mappings";
		return -1;
	}
	struct rg_map_req *m = &cc->maps[cc->n_maps];
	memset(m, 0, sizeof(*m));
	int proto = parse_proto(w[1]);
	if (proto != 6 && proto != 17) {
		*why = "mapping protocol is tcp or udp, not";
		*bad = w[1];
		return -1;
	}
	m->proto = (uint8_t)proto;
	m->owner = RG_OWNER_STATIC;
	if (parse_endpoint(w[2], &m->in_addr, &m->in_port) || !m->in_port) {
		*why = "inside endpoint is ADDR:PORT, not";
		*bad = w[2];
		return -1;
	}
	if (n == 4 && parse_endpoint(w[3], &m->out_addr, &m->out_port)) {
		*why = "outside endpoint is ADDR:PORT, not";
		*bad = w[3];
		return -1;
	}
	cc->n_maps++;
	return 0;
}

static int parse_line(struct cardconf *cc, char **w, int n, const char **why, const char **bad)
{
	struct rg_config *c = &cc->cfg;
	const char *k = w[0];
	if (!strcmp(k, "pool"))
		return parse_pool(cc, w, n, why, bad);
	if (!strcmp(k, "mapping"))
		return parse_mapping(cc, w, n, why, bad);
	if (!strcmp(k, "rule")) {
		if (cc->n_rules == CARDCONF_RULES) {
			*why = "too many rules";
			return -1;
		}
		if (rule_parse(&cc->rules[cc->n_rules], w + 1, n - 1, why, bad))
			return -1;
		for (unsigned i = 0; i < cc->n_rules; i++)
			if (cc->rules[i].id == cc->rules[cc->n_rules].id) {
				*why = "a rule with this id is already in the file:";
				*bad = w[1];
				return -1;
			}
		cc->n_rules++;
		return 0;
	}
	if (!strcmp(k, "inside") || !strcmp(k, "outside")) {
		int in = k[0] == 'i';
		if (n != 2) {
			*why = "takes one ADDRESS/PREFIXLEN";
			return -1;
		}
		if (parse_prefix(w[1], in ? &c->inside_addr : &c->outside_addr,
				 in ? &c->inside_plen : &c->outside_plen)) {
			*why = "takes ADDRESS/PREFIXLEN, not";
			*bad = w[1];
			return -1;
		}
		cc->set |= in ? CC_INSIDE : CC_OUTSIDE;
		return 0;
	}
	if (!strcmp(k, "outside-gateway") || !strcmp(k, "inside-gateway")) {
		int in = k[0] == 'i';
		if (n != 2) {
			*why = "takes one IPv4 address";
			return -1;
		}
		if (parse_ipv4(w[1], in ? &c->inside_gw : &c->outside_gw)) {
			*why = "takes an IPv4 address, not";
			*bad = w[1];
			return -1;
		}
		cc->set |= in ? CC_INSIDE_GW : CC_OUTSIDE_GW;
		return 0;
	}
	if (!strcmp(k, "inside-vlan") || !strcmp(k, "outside-vlan")) {
		int in = k[0] == 'i';
		unsigned long v;
		if (n != 2) {
			*why = "takes one VLAN id 0..4094 (0 = untagged)";
			return -1;
		}
		if (rg_parse_uint(w[1], 0, RG_VLAN_VID_MAX, &v)) {
			*why = "VLAN id is 0..4094 (0 = untagged), not";
			*bad = w[1];
			return -1;
		}
		c->vlan[in ? RG_PORT_INSIDE : RG_PORT_OUTSIDE] = (uint16_t)v;
		cc->set |= in ? CC_VLAN_IN : CC_VLAN_OUT;
		return 0;
	}
	for (size_t i = 0; i < sizeof(cardconf_flags) / sizeof(cardconf_flags[0]); i++) {
		if (strcmp(k, cardconf_flags[i].name))
			continue;
		if (n != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off"))) {
			*why = "takes on or off";
			return -1;
		}
		uint16_t bit = cardconf_flags[i].bit;
		if (!strcmp(w[1], "on"))
			c->flags |= bit;
		else
			c->flags &= (uint16_t)~bit;
		cc->flags_set |= bit;
		return 0;
	}
	if (!strcmp(k, "mss-clamp")) {
		unsigned long v = 0;
		if (n != 2 || (strcmp(w[1], "off") && rg_parse_uint(w[1], 1, 9000, &v))) {
			*why = "usage: mss-clamp 1..9000|off";
			return -1;
		}
		c->mss_clamp = (uint16_t)v;
		cc->set |= CC_MSS;
		return 0;
	}
	if (!strcmp(k, "quota")) {
		unsigned long v;
		if (n != 3 || (strcmp(w[1], "sessions") && strcmp(w[1], "ports")) ||
		    rg_parse_uint(w[2], 0, w[1][0] == 'p' ? 65536 : 0xffffffffu, &v)) {
			*why = "usage: quota sessions 0..4294967295 | quota ports 0..65536 (0 = "
			       "unlimited)";
			return -1;
		}
		if (w[1][0] == 's') {
			c->max_sessions_per_sub = (uint32_t)v;
			cc->set |= CC_Q_SESSIONS;
		} else {
			c->max_ports_per_sub = (uint32_t)v;
			cc->set |= CC_Q_PORTS;
		}
		return 0;
	}
	if (!strcmp(k, "mtu")) {
		unsigned long v;
		if (n != 3 || (strcmp(w[1], "inside") && strcmp(w[1], "outside")) ||
		    rg_parse_uint(w[2], 576, 9000, &v)) {
			*why = "usage: mtu inside|outside 576..9000";
			return -1;
		}
		int in = w[1][0] == 'i';
		c->mtu[in ? RG_PORT_INSIDE : RG_PORT_OUTSIDE] = (uint16_t)v;
		cc->set |= in ? CC_MTU_IN : CC_MTU_OUT;
		return 0;
	}
	if (!strcmp(k, "timeout")) {
		_Static_assert(RG_MAX_TIMEOUT_S == 604800u, "the messages name the card's maximum");
		if (n != 3) {
			*why = "usage: timeout udp|tcp-established|tcp-transitory|icmp|syn-hold|"
			       "fragment|port-holddown SECONDS";
			return -1;
		}
		for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
			if (strcmp(w[1], timers[i].name))
				continue;
			unsigned long v;
			if (rg_parse_uint(w[2], timers[i].min, RG_MAX_TIMEOUT_S, &v)) {
				*why = timers[i].why;
				*bad = w[2];
				return -1;
			}
			uint32_t v32 = (uint32_t)v;
			memcpy((char *)c + timers[i].field, &v32, sizeof(v32));
			cc->set |= timers[i].set;
			return 0;
		}
		*why = "unknown timeout";
		*bad = w[1];
		return -1;
	}
	*why = "unknown statement";
	*bad = k;
	return -1;
}

int cardconf_read(struct cardconf *cc, FILE *f, const char *name, char *err, size_t err_len)
{
	memset(cc, 0, sizeof(*cc));
	char line[512];
	unsigned no = 0;
	while (fgets(line, sizeof(line), f)) {
		no++;
		/* fgets stops only at a newline, a full buffer or the end: a
		 * line that ends before all three has a NUL byte in it */
		size_t len = strlen(line);
		if ((!len || line[len - 1] != '\n') && !feof(f))
			return fail(err, err_len, name, no,
				    len + 1 == sizeof(line)
					    ? "line too long (at most 510 characters)"
					    : "NUL byte in the line",
				    NULL);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *w[MAXW + 1], *save = NULL;
		int n = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == MAXW)
				return fail(err, err_len, name, no, "too many words", NULL);
			w[n++] = t;
		}
		if (!n)
			continue;
		const char *why = NULL, *bad = NULL;
		if (parse_line(cc, w, n, &why, &bad)) {
			char what[200];
			snprintf(what, sizeof(what), "%s: %s", w[0], why);
			return fail(err, err_len, name, no, what, bad);
		}
	}
	if (ferror(f)) {
		snprintf(err, err_len, "%s: read error: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int cardconf_load(struct cardconf *cc, const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		memset(cc, 0, sizeof(*cc));
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = cardconf_read(cc, f, path, err, err_len);
	fclose(f);
	return rc;
}

void cardconf_merge(const struct cardconf *cc, struct rg_config *cfg)
{
	const struct rg_config *c = &cc->cfg;
	if (cc->set & CC_INSIDE)
		cfg->inside_addr = c->inside_addr, cfg->inside_plen = c->inside_plen;
	if (cc->set & CC_OUTSIDE)
		cfg->outside_addr = c->outside_addr, cfg->outside_plen = c->outside_plen;
	if (cc->set & CC_OUTSIDE_GW)
		cfg->outside_gw = c->outside_gw;
	if (cc->set & CC_INSIDE_GW)
		cfg->inside_gw = c->inside_gw;
	if (cc->flags_set)
		cfg->flags = (uint16_t)((cfg->flags & ~cc->flags_set) | (c->flags & cc->flags_set));
	if (cc->set & CC_MTU_IN)
		cfg->mtu[RG_PORT_INSIDE] = c->mtu[RG_PORT_INSIDE];
	if (cc->set & CC_MTU_OUT)
		cfg->mtu[RG_PORT_OUTSIDE] = c->mtu[RG_PORT_OUTSIDE];
	if (cc->set & CC_VLAN_IN)
		cfg->vlan[RG_PORT_INSIDE] = c->vlan[RG_PORT_INSIDE];
	if (cc->set & CC_VLAN_OUT)
		cfg->vlan[RG_PORT_OUTSIDE] = c->vlan[RG_PORT_OUTSIDE];
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++)
		if (cc->set & timers[i].set)
			memcpy((char *)cfg + timers[i].field, (const char *)c + timers[i].field,
			       sizeof(uint32_t));
	if (cc->set & CC_Q_SESSIONS)
		cfg->max_sessions_per_sub = c->max_sessions_per_sub;
	if (cc->set & CC_Q_PORTS)
		cfg->max_ports_per_sub = c->max_ports_per_sub;
	if (cc->set & CC_MSS)
		cfg->mss_clamp = c->mss_clamp;
}
