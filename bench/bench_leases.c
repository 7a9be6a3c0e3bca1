/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's lease table at scale: the table work of one PCP MAP request
 * for a new mapping (look the key up, count the host's leases against its
 * quota, add the lease) and of its deletion later (look it up, is another
 * lease on the same endpoint, remove), with 1M leases already in the table,
 * against the same work in a table of 1K leases in the same run. A table
 * whose per-host questions walk every lease (as this one did before the
 * host index) gives a ratio near zero; one that answers from its indexes,
 * near one (below it by what a million leases cost in cache misses).
 *
 *   BENCH lease_ops_per_s_1m    M/s   (add + delete pairs per second)
 *   BENCH lease_ratio_1m_1k     x     (against the same at 1K leases)
 *
 * RG_BENCH_QUICK=1: 100K leases instead of 1M; RG_BENCH_OPS: pairs per
 * round (default 200000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "../host-tools/realmgated/lease.h"

/* lease i: four per inside host of a /8, as many subscribers hold */
static void key_of(uint32_t i, struct rgd_lease_key *k)
{
	memset(k, 0, sizeof(*k));
	k->proto = 17;
	k->in_addr = 0x0a000000u + i / 4;
	k->in_port = (uint16_t)(5000 + i % 4);
}

static int fill(struct rgd_leases *t, uint32_t n)
{
	if (rgd_leases_init(t, 4096))
		return -1;
	struct rgd_lease l;
	memset(&l, 0, sizeof(l));
	for (uint32_t i = 0; i < n; i++) {
		key_of(i, &l.key);
		if (!rgd_leases_add(t, &l))
			return -1;
	}
	return 0;
}

/* ops add/delete pairs of new leases for random hosts of the table's; the
 * seconds they took */
static double run(struct rgd_leases *t, uint32_t n, uint32_t ops)
{
	volatile unsigned sink = 0;
	double t0 = now_s();
	for (uint32_t o = 0; o < ops; o++) {
		struct rgd_lease l;
		memset(&l, 0, sizeof(l));
		key_of((uint32_t)(rnd() >> 11) % n, &l.key);
		l.key.in_port = (uint16_t)(6000 + o % 1000); /* a new endpoint */
		if (rgd_leases_find(t, &l.key))
			continue;
		sink += rgd_leases_count_host(t, l.key.in_addr);
		struct rgd_lease *in = rgd_leases_add(t, &l);
		if (!in)
			return -1;
		struct rgd_lease *again = rgd_leases_find(t, &l.key);
		sink += rgd_leases_endpoint_used(t, &again->key, again);
		rgd_leases_remove(t, again);
	}
	(void)sink;
	return now_s() - t0;
}

int main(void)
{
	const char *q = getenv("RG_BENCH_QUICK");
	uint32_t big = q && *q && *q != '0' ? 100000u : 1000000u;
	struct rgd_leases small, large;
	if (fill(&small, 1000) || fill(&large, big)) {
		fprintf(stderr, "bench_leases: out of memory\n");
		return 1;
	}
	const char *o = getenv("RG_BENCH_OPS"); /* fewer: valgrind, old tables */
	const uint32_t ops = o ? (uint32_t)strtoul(o, NULL, 10) : 200000u;
	double s_small = 0, s_large = 0;
	run(&small, 1000, ops / 10); /* warm */
	run(&large, big, ops / 10);
	/* alternating rounds, as bench_fastpath: the VM's drift hits both */
	for (int r = 0; r < 5; r++) {
		s_small += run(&small, 1000, ops);
		s_large += run(&large, big, ops);
	}
	double mops_large = 5.0 * ops / s_large / 1e6;
	double mops_small = 5.0 * ops / s_small / 1e6;
	fprintf(stderr, "# %u leases: %.4f M add/delete pairs/s; 1000 leases: %.4f M/s\n", big,
		mops_large, mops_small);
	printf("BENCH lease_ops_per_s_%s %.3f M/s\n", big == 1000000u ? "1m" : "100k", mops_large);
	printf("BENCH lease_ratio_%s_1k %.2f x\n", big == 1000000u ? "1m" : "100k",
	       mops_large / mops_small);
	/* what the expiry tick cost before the expiry heap, four times a
	 * second: a look at every lease */
	double t0 = now_s();
	volatile unsigned looked = 0;
	for (const struct rgd_lease *l = large.head; l; l = l->next)
		looked += l->expires != UINT64_MAX;
	fprintf(stderr, "# a walk of all %u leases (the expiry tick before the heap): %.1f ms\n",
		(unsigned)looked, (now_s() - t0) * 1e3);
	rgd_leases_free(&small);
	rgd_leases_free(&large);
	return 0;
}
