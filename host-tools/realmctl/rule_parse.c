/* SPDX-License-Identifier: BSD-2-Clause */
/* Static rules in words (rule_parse.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "rule_parse.h"

static const char *const kind_names[] = { [RG_RULE_FORWARD] = "forward",
					  [RG_RULE_DSTNAT] = "dstnat",
					  [RG_RULE_EXCLUDE] = "exclude",
					  [RG_RULE_TO_HOST] = "to-host",
					  [RG_RULE_DROP] = "drop" };

const char *rule_kind_name(unsigned kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : NULL;
}

int rule_parse(struct rg_rule *r, char **w, int n, const char **why, const char **bad)
{
	memset(r, 0, sizeof(*r));
	*bad = NULL;
	if (n < 2) {
		*why = "usage: ID forward|dstnat|exclude|to-host|drop [proto P] [src PREFIX/LEN] "
		       "[dst PREFIX/LEN] [dport LO[-HI]] [to ADDR[:PORT]]";
		return -1;
	}
	unsigned long id;
	if (rg_parse_uint(w[0], 0, UINT32_MAX, &id)) {
		*why = "rule id is 0..4294967295, not";
		*bad = w[0];
		return -1;
	}
	r->id = (uint32_t)id;
	for (unsigned k = 1; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (kind_names[k] && !strcmp(w[1], kind_names[k]))
			r->kind = (uint8_t)k;
	if (!r->kind) {
		*why = "rule kind is forward, dstnat, exclude, to-host or drop, not";
		*bad = w[1];
		return -1;
	}
	for (int i = 2; i < n; i += 2) {
		const char *k = w[i];
		if (i + 1 >= n) {
			*why = "missing value after";
			*bad = k;
			return -1;
		}
		const char *v = w[i + 1];
		*bad = v;
		if (!strcmp(k, "proto")) {
			int p = parse_proto(v);
			if (p < 0) {
				*why = "proto is tcp, udp, icmp or a number 0..255, not";
				return -1;
			}
			r->proto = (uint8_t)p;
		} else if (!strcmp(k, "src") || !strcmp(k, "dst")) {
			int src = k[0] == 's';
			if (parse_prefix(v, src ? &r->src_addr : &r->dst_addr,
					 src ? &r->src_plen : &r->dst_plen)) {
				*why = src ? "src is PREFIX/LEN, not" : "dst is PREFIX/LEN, not";
				return -1;
			}
		} else if (!strcmp(k, "dport")) {
			unsigned long lo, hi;
			if (rg_parse_range(v, 1, 65535, &lo, &hi)) {
				*why = "dport is PORT or LO-HI within 1-65535, not";
				return -1;
			}
			r->dport_lo = htons((uint16_t)lo);
			r->dport_hi = htons((uint16_t)hi);
		} else if (!strcmp(k, "to")) {
			if (parse_endpoint(v, &r->to_addr, &r->to_port) &&
			    parse_ipv4(v, &r->to_addr)) {
				*why = "to is ADDR or ADDR:PORT, not";
				return -1;
			}
		} else {
			*why = "unknown rule option";
			*bad = k;
			return -1;
		}
	}
	*bad = NULL;
	return 0;
}
