/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl subscribers: the card's per-subscriber state (RFC 6888) — who is
 * paired with which outside address, how much of the per-subscriber quotas
 * each inside host holds, and which port blocks it has: the question behind
 * "this customer cannot open more connections" and "whose block is this
 * outside port in".
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

#define SUBSCRIBERS_USAGE "usage: realmctl subscribers [--inside ADDR] [--outside ADDR[:PORT]]\n"

struct sub_filter {
	int inside, outside;
	uint32_t in_addr, out_addr; /* network order */
	uint16_t out_port;	    /* host order, 0 = any */
};

/* The block of r that holds port, or -1. */
static int block_of(const struct rg_sub_rec *r, uint16_t port)
{
	for (unsigned b = 0; b < r->n_blocks && b < RG_SUB_BLOCKS; b++)
		if (port >= r->block[b] && (uint32_t)port < (uint32_t)r->block[b] + r->block_size)
			return (int)b;
	return -1;
}

/* --outside ADDR:PORT names the subscriber whose block holds PORT; in a
 * pool without blocks any port of the address may be anyone's, so only
 * the address is compared there. */
static int sub_wanted(const void *filter, const void *record)
{
	const struct sub_filter *f = filter;
	const struct rg_sub_rec *r = record;
	if (f->inside && r->in_addr != f->in_addr)
		return 0;
	if (f->outside && r->out_addr != f->out_addr)
		return 0;
	if (f->outside && f->out_port && r->block_size && block_of(r, f->out_port) < 0)
		return 0;
	return 1;
}

static int parse_options(int argc, char **argv, struct sub_filter *f)
{
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return -1;
		if (!strcmp(argv[i], "--inside")) {
			f->inside = 1;
			if (parse_ipv4(argv[i + 1], &f->in_addr))
				return -1;
		} else if (!strcmp(argv[i], "--outside")) {
			uint16_t be_port = 0;
			f->outside = 1;
			if (strchr(argv[i + 1], ':')
				    ? parse_endpoint(argv[i + 1], &f->out_addr, &be_port)
				    : parse_ipv4(argv[i + 1], &f->out_addr))
				return -1;
			f->out_port = ntohs(be_port);
		} else {
			return -1;
		}
	}
	return 0;
}

static void quota_str(uint32_t v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%u", v);
	else
		snprintf(buf, len, "unlimited");
}

int cmd_subscribers(struct ctl *c, int argc, char **argv)
{
	struct sub_filter f;
	memset(&f, 0, sizeof(f));
	if (parse_options(argc, argv, &f)) {
		fprintf(stderr, "realmctl: subscribers: bad options\n" SUBSCRIBERS_USAGE);
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (ctl_cmd(c, "subscribers", RG_OP_GET_CONFIG, NULL, 0, &cfg, sizeof(cfg), NULL, 0, NULL))
		return CTL_FAIL;
	struct rg_sub_rec *r;
	uint32_t n;
	if (fetch_matching(c, "subscribers", RG_OP_SUBSCRIBER_LIST, sizeof(*r), 0,
			   f.inside || f.outside ? sub_wanted : NULL, &f, NULL, (void **)&r, &n))
		return CTL_FAIL;
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "max_sessions_per_subscriber", cfg.max_sessions_per_sub);
		json_u64(&j, "max_ports_per_subscriber", cfg.max_ports_per_sub);
		json_arr_begin(&j, "subscribers");
	} else {
		char qs[16], qp[16];
		quota_str(cfg.max_sessions_per_sub, qs, sizeof(qs));
		quota_str(cfg.max_ports_per_sub, qp, sizeof(qp));
		printf("quotas per subscriber: %s sessions, %s ports\n", qs, qp);
		printf("%-15s %-15s %4s %9s %7s  %s\n", "inside", "outside", "pool", "sessions",
		       "ports", "port blocks");
	}
	for (uint32_t i = 0; i < n; i++) {
		char in[INET_ADDRSTRLEN_], out[INET_ADDRSTRLEN_];
		ipv4_str(r[i].in_addr, in);
		ipv4_str(r[i].out_addr, out);
		unsigned nb = r[i].n_blocks < RG_SUB_BLOCKS ? r[i].n_blocks : RG_SUB_BLOCKS;
		if (c->json) {
			json_obj_begin(&j, NULL);
			json_str(&j, "inside", in);
			json_str(&j, "outside", out);
			json_u64(&j, "pool", r[i].pool);
			json_u64(&j, "sessions", r[i].sessions);
			json_u64(&j, "ports", r[i].ports);
			json_u64(&j, "block_size", r[i].block_size);
			json_arr_begin(&j, "blocks");
			for (unsigned b = 0; r[i].block_size && b < nb; b++) {
				json_obj_begin(&j, NULL);
				json_u64(&j, "first", r[i].block[b]);
				json_u64(&j, "last",
					 (uint32_t)r[i].block[b] + r[i].block_size - 1u);
				json_obj_end(&j);
			}
			json_arr_end(&j);
			json_obj_end(&j);
			continue;
		}
		printf("%-15s %-15s %4u %9u %7u ", in, out, r[i].pool, r[i].sessions, r[i].ports);
		if (!r[i].block_size || !nb)
			printf(" -");
		for (unsigned b = 0; r[i].block_size && b < nb; b++)
			printf(" %u-%u", r[i].block[b],
			       (uint32_t)r[i].block[b] + r[i].block_size - 1u);
		printf("\n");
	}
	if (c->json) {
		json_list_end(&j, n);
	} else {
		printf("%u subscriber(s)\n", n);
	}
	free(r);
	return CTL_OK;
}
