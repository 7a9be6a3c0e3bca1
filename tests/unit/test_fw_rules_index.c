/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware keeps its static rules grouped by kind and the ports that
 * forwards may reserve as a bitmap (rules.c), so that flow set-up and port
 * allocation do not walk every rule. Here both are checked against the
 * plain definition — every rule, the most specific match, any forward that
 * covers the endpoint — over random rule sets built by random sequences of
 * adds and deletes (of every kind, overlapping prefixes and port ranges,
 * whole-address forwards, protocol "any"), for random packets and
 * endpoints; and the listing still holds exactly the live rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/slowpath/fw_internal.h"
#include "../lib/fwenv.h"

#define MAX_RULES 96

static uint32_t rnd_state = 1;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Addresses and ports from small sets so that rules and packets meet. */
static uint32_t some_addr(void)
{
	static const uint32_t a[] = { 0xc633640au, 0xc633640bu, 0xc6336400u, 0x0a000005u,
				      0x0a000009u, 0xc0000207u, 0xc0000200u };
	return a[rnd() % (sizeof(a) / sizeof(a[0]))];
}

static uint16_t some_port(void)
{
	static const uint16_t p[] = { 22, 53, 80, 443, 8080, 40000, 40001, 65535 };
	return p[rnd() % (sizeof(p) / sizeof(p[0]))];
}

static uint8_t some_proto(void)
{
	static const uint8_t p[] = { 0, 6, 17, 1, 47 };
	return p[rnd() % (sizeof(p) / sizeof(p[0]))];
}

static struct rg_rule random_rule(uint32_t id)
{
	struct rg_rule r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.kind = (uint8_t)(RG_RULE_FORWARD + rnd() % 5);
	r.proto = some_proto();
	r.src_plen = (uint8_t)(rnd() % 3 ? 0 : 8 * (rnd() % 5));
	r.src_addr = rg_be32_field(some_addr() & fw_mask(r.src_plen));
	r.dst_plen = (uint8_t)(rnd() % 4 ? 32 - rnd() % 2 : 24);
	r.dst_addr = rg_be32_field(some_addr() & fw_mask(r.dst_plen));
	if (rnd() % 4) {
		uint16_t lo = some_port(), hi = (uint16_t)(lo + rnd() % 3);
		if (hi < lo)
			hi = lo;
		r.dport_lo = rg_be16_field(lo);
		r.dport_hi = rg_be16_field(hi);
	}
	r.to_addr = rg_be32_field(0x0a000009u);
	return r;
}

/* The definition, over the firmware's live rules in any order. */
static int ref_prefix(uint32_t a, rg_be32 pfx, uint8_t plen)
{
	return plen == 0 || ((a ^ rg_be32_val(pfx)) & fw_mask(plen)) == 0;
}

static int ref_matches(const struct rg_rule *r, const struct fw_pkt *p)
{
	if (r->proto && r->proto != p->proto)
		return 0;
	if (r->kind == RG_RULE_FORWARD && p->port != RG_PORT_OUTSIDE)
		return 0;
	if (r->kind == RG_RULE_DSTNAT && p->port != RG_PORT_INSIDE)
		return 0;
	if (r->kind == RG_RULE_EXCLUDE && p->port == RG_PORT_OUTSIDE)
		return ref_prefix(p->src, r->dst_addr, r->dst_plen);
	if (!ref_prefix(p->src, r->src_addr, r->src_plen) ||
	    !ref_prefix(p->dst, r->dst_addr, r->dst_plen))
		return 0;
	uint16_t hi = rg_be16_val(r->dport_hi);
	if (hi) {
		if (p->proto != 6 && p->proto != 17)
			return 0;
		if (p->dport < rg_be16_val(r->dport_lo) || p->dport > hi)
			return 0;
	}
	return 1;
}

static int ref_better(const struct rg_rule *a, const struct rg_rule *b)
{
	if (a->src_plen != b->src_plen)
		return a->src_plen > b->src_plen;
	if (a->dst_plen != b->dst_plen)
		return a->dst_plen > b->dst_plen;
	return a->id < b->id;
}

static const struct rg_rule *ref_match(const struct rg_rule *rules, unsigned n, unsigned mask,
				       const struct fw_pkt *p)
{
	const struct rg_rule *best = NULL;
	for (unsigned i = 0; i < n; i++)
		if ((mask & FW_RULE_BIT(rules[i].kind)) && ref_matches(&rules[i], p) &&
		    (!best || ref_better(&rules[i], best)))
			best = &rules[i];
	return best;
}

static int ref_reserves(const struct rg_rule *rules, unsigned n, uint8_t proto, uint32_t addr,
			uint16_t port)
{
	for (unsigned i = 0; i < n; i++) {
		const struct rg_rule *r = &rules[i];
		if (r->kind != RG_RULE_FORWARD || (r->proto && r->proto != proto) ||
		    !ref_prefix(addr, r->dst_addr, r->dst_plen))
			continue;
		uint16_t hi = rg_be16_val(r->dport_hi);
		if (!hi || (port >= rg_be16_val(r->dport_lo) && port <= hi))
			return 1;
	}
	return 0;
}

static void test_index_equals_definition(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.rules = MAX_RULES;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	struct rg_rule live[MAX_RULES];
	unsigned n = 0;
	uint32_t next_id = 1;
	unsigned checked_hits = 0, checked_reserved = 0;
	for (unsigned step = 0; step < 3000; step++) {
		if (n && (rnd() % 3 == 0 || n == MAX_RULES)) {
			unsigned victim = rnd() % n;
			assert_int_equal(rg_fw_rule_del(e->fw, live[victim].id), RG_ST_OK);
			live[victim] = live[--n];
		} else {
			struct rg_rule r = random_rule(next_id++);
			if (rg_fw_rule_add(e->fw, &r) == RG_ST_OK)
				live[n++] = r;
		}
		/* kinds stay grouped, and the groups account for every rule */
		for (unsigned k = RG_RULE_FORWARD; k <= RG_RULE_DROP; k++) {
			assert_true(e->fw->rule_end[k - 1] <= e->fw->rule_end[k]);
			for (uint32_t i = e->fw->rule_end[k - 1]; i < e->fw->rule_end[k]; i++)
				assert_int_equal(e->fw->rules[i].kind, k);
		}
		assert_int_equal(e->fw->rule_end[RG_RULE_DROP], n);
		for (unsigned q = 0; q < 20; q++) {
			struct fw_pkt p;
			memset(&p, 0, sizeof(p));
			p.port = rnd() % 2 ? RG_PORT_OUTSIDE : RG_PORT_INSIDE;
			p.proto = some_proto();
			if (!p.proto)
				p.proto = 6;
			p.src = some_addr();
			p.dst = some_addr();
			p.dport = some_port();
			unsigned mask = rnd() & 0x3eu;
			const struct rg_rule *got = fw_rule_match(e->fw, mask, &p);
			const struct rg_rule *want = ref_match(live, n, mask, &p);
			assert_int_equal(got ? got->id : 0, want ? want->id : 0);
			checked_hits += want != NULL;
			uint32_t addr = some_addr();
			uint16_t port = some_port();
			int res = fw_rule_reserves(e->fw, p.proto, addr, port);
			assert_int_equal(res, ref_reserves(live, n, p.proto, addr, port));
			checked_reserved += res;
		}
	}
	/* the random sets were not all trivially empty */
	assert_true(checked_hits > 1000);
	assert_true(checked_reserved > 1000);
	struct rg_rule page[MAX_RULES];
	uint32_t next = 0;
	assert_int_equal(rg_fw_rule_list(e->fw, 0, page, MAX_RULES, &next), n);
	for (unsigned i = 0; i < n; i++) {
		unsigned found = 0;
		for (unsigned j = 0; j < n; j++)
			found += page[j].id == live[i].id;
		assert_int_equal(found, 1);
	}
	/* a reset leaves no rule behind, in the groups or the port bitmap */
	rg_fw_reset(e->fw);
	assert_int_equal(e->fw->rule_end[RG_RULE_DROP], 0);
	for (uint32_t w = 0; w < FW_PROTO_CLASSES * FW_BITMAP_WORDS; w++)
		assert_int_equal(e->fw->fwd_ports[w], 0);
	fwenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_equals_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
