/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl addresses: every outside address of the card's pools and how
 * much of it is handed out — subscribers paired with it and ports taken in
 * each port space against the pool's range. The carrier-grade question
 * "which public addresses are running full" (RFC 6888 asks for utilisation
 * to be watched), answered by the card itself (RG_OP_POOL_ADDR_LIST).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/rgdev.h"
#include "ctl.h"
#include "fetch.h"
#include "json.h"
#include "parse.h"

#define ADDRESSES_USAGE "usage: realmctl addresses [--pool ID]\n"

static int pool_wanted(const void *filter, const void *record)
{
	const struct rg_pool_addr_rec *r = record;
	return r->pool == *(const uint8_t *)filter;
}

/* The busiest port space's share of the range, in tenths of a percent. */
static unsigned use_permille(const struct rg_pool_addr_rec *r)
{
	uint32_t most = 0;
	for (unsigned i = 0; i < 3; i++)
		if (r->ports_used[i] > most)
			most = r->ports_used[i];
	return r->ports_total ? (unsigned)((uint64_t)most * 1000u / r->ports_total) : 0;
}

int cmd_addresses(struct ctl *c, int argc, char **argv)
{
	int by_pool = 0;
	uint8_t pool = 0;
	for (int i = 1; i < argc; i++) {
		unsigned long v;
		if (!strcmp(argv[i], "--pool") && i + 1 < argc &&
		    !rg_parse_uint(argv[i + 1], 0, 255, &v)) {
			by_pool = 1;
			pool = (uint8_t)v;
			i++;
			continue;
		}
		fprintf(stderr, "realmctl: addresses: bad option '%s'\n" ADDRESSES_USAGE, argv[i]);
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_pool_addr_rec *r;
	uint32_t n;
	if (fetch_matching(c, "addresses", RG_OP_POOL_ADDR_LIST, sizeof(*r), 0,
			   by_pool ? pool_wanted : NULL, &pool, NULL, (void **)&r, &n))
		return CTL_FAIL;
	static const char *const space[3] = { "udp", "tcp", "icmp" };
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "addresses");
	} else {
		printf("%-15s %4s %11s %7s %7s %7s %7s %6s\n", "address", "pool", "subscribers",
		       "udp", "tcp", "icmp", "of", "use");
	}
	for (uint32_t i = 0; i < n; i++) {
		char a[INET_ADDRSTRLEN_];
		ipv4_str(r[i].addr, a);
		unsigned use = use_permille(&r[i]);
		if (c->json) {
			json_obj_begin(&j, NULL);
			json_str(&j, "address", a);
			json_u64(&j, "pool", r[i].pool);
			json_u64(&j, "subscribers", r[i].subscribers);
			for (unsigned s = 0; s < 3; s++)
				json_u64(&j, space[s], r[i].ports_used[s]);
			json_u64(&j, "ports_total", r[i].ports_total);
			json_u64(&j, "use_permille", use);
			json_obj_end(&j);
			continue;
		}
		printf("%-15s %4u %11u %7u %7u %7u %7u %4u.%u%%\n", a, r[i].pool, r[i].subscribers,
		       r[i].ports_used[0], r[i].ports_used[1], r[i].ports_used[2], r[i].ports_total,
		       use / 10u, use % 10u);
	}
	if (c->json) {
		json_list_end(&j, n);
	} else {
		printf("%u address(es)\n", n);
	}
	free(r);
	return CTL_OK;
}
