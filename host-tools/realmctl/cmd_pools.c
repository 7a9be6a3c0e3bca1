/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl pools: while realmgated runs, its pools as configured (names
 * included); without it, the card's own (POOL_LIST for the behaviour,
 * POOL_ADDR_LIST for the addresses, consecutive ones shown as a range), in
 * the daemon's format, so that a card configured from a file (the lab's
 * --no-daemon mode) can be read back the same way.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/rgdev.h"
#include "ctl.h"
#include "fetch.h"
#include "json.h"
#include "parse.h"

static const char *mode_name(unsigned m)
{
	static const char *const n[] = { "dynamic", "port-block", "deterministic" };
	return m < 3 ? n[m] : "unknown";
}

static const char *behaviour_name(unsigned b)
{
	static const char *const n[] = { "endpoint-independent", "address-dependent",
					 "address-and-port-dependent" };
	return b < 3 ? n[b] : "unknown";
}

/* One range per run of consecutive addresses of pool id ("lo-hi"): JSON
 * strings into j's open array, or "  addresses lo-hi" lines. */
static void print_ranges(const struct ctl *c, struct json *j, const struct rg_pool_addr_rec *a,
			 uint32_t n, uint8_t id)
{
	for (uint32_t i = 0; i < n; i++) {
		if (a[i].pool != id)
			continue;
		uint32_t k = i;
		while (k + 1 < n && a[k + 1].pool == id &&
		       ntohl(a[k + 1].addr) == ntohl(a[k].addr) + 1)
			k++;
		char lo[INET_ADDRSTRLEN_], hi[INET_ADDRSTRLEN_], both[2 * INET_ADDRSTRLEN_ + 2];
		ipv4_str(a[i].addr, lo);
		ipv4_str(a[k].addr, hi);
		snprintf(both, sizeof(both), "%s-%s", lo, hi);
		if (c->json)
			json_str(j, NULL, both);
		else
			printf("  addresses %s\n", both);
		i = k;
	}
}

static int card_pools(struct ctl *c)
{
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_pool *p;
	struct rg_pool_addr_rec *a;
	uint32_t np, na;
	if (fetch_all(c, "pools", RG_OP_POOL_LIST, sizeof(*p), 0, (void **)&p, &np))
		return CTL_FAIL;
	if (fetch_all(c, "pools", RG_OP_POOL_ADDR_LIST, sizeof(*a), 0, (void **)&a, &na)) {
		free(p);
		return CTL_FAIL;
	}
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
	}
	for (uint32_t i = 0; i < np; i++) {
		const struct rg_pool *k = &p[i];
		char name[16], sub[INET_ADDRSTRLEN_], ports[16], subs[INET_ADDRSTRLEN_ + 4];
		snprintf(name, sizeof(name), "pool%u", k->id);
		ipv4_str(k->sub_addr, sub);
		snprintf(ports, sizeof(ports), "%u-%u", k->port_lo, k->port_hi);
		snprintf(subs, sizeof(subs), "%s/%u", sub, k->sub_plen);
		if (c->json) {
			json_obj_begin(&j, NULL);
			json_u64(&j, "id", k->id);
			json_str(&j, "name", name);
			json_str(&j, "mode", mode_name(k->mode));
			json_str(&j, "mapping", behaviour_name(k->mapping));
			json_obj_begin(&j, "filtering");
			json_str(&j, "udp", behaviour_name(k->filtering[0]));
			json_str(&j, "tcp", behaviour_name(k->filtering[1]));
			json_str(&j, "icmp", behaviour_name(k->filtering[2]));
			json_obj_end(&j);
			json_str(&j, "ports", ports);
			json_u64(&j, "block_size", k->block_size);
			json_str(&j, "subscribers", subs);
			json_arr_begin(&j, "addresses");
			print_ranges(c, &j, a, na, k->id);
			json_arr_end(&j);
			json_obj_end(&j);
			continue;
		}
		printf("pool %u %s: %s, mapping %s, filtering udp %s tcp %s icmp %s\n", k->id, name,
		       mode_name(k->mode), behaviour_name(k->mapping),
		       behaviour_name(k->filtering[0]), behaviour_name(k->filtering[1]),
		       behaviour_name(k->filtering[2]));
		printf("  ports %s, block %u, subscribers %s\n", ports, k->block_size, subs);
		print_ranges(c, &j, a, na, k->id);
	}
	if (c->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	free(p);
	free(a);
	return CTL_OK;
}

int cmd_pools(struct ctl *c, int argc, char **argv)
{
	if (ctl_daemon_socket(c))
		return cmd_daemon(c, argc, argv);
	if (argc != 1) {
		fprintf(stderr, "usage: realmctl pools\n");
		return CTL_USAGE;
	}
	return card_pools(c);
}
