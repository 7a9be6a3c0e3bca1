/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RG_OP_SUBSCRIBER_LIST (rg_fw_sub_list): every inside host with state is
 * listed once with its paired outside address, the sessions and ports it
 * holds against the quotas and, in a port-block pool, its blocks; a host
 * whose last mapping is gone (after the hold-down) is no longer listed;
 * pages of one record cover the same set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fw.h"
#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H[2][6] = { { 0x02, 0, 0, 0, 0x01, 0x01 }, { 0x02, 0, 0, 0, 0x01, 0x02 } };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static const struct rg_sub_rec *find(const struct rg_sub_rec *r, uint32_t n, uint32_t in_addr)
{
	for (uint32_t i = 0; i < n; i++)
		if (rg_be32_val(r[i].in_addr) == in_addr)
			return &r[i];
	return NULL;
}

static uint32_t flows(struct fwenv *e, unsigned host, unsigned count, uint16_t first_port)
{
	uint32_t made = 0;
	for (unsigned p = 0; p < count; p++) {
		struct pkt_spec s = fwenv_pkt_in(host ? H2 : H1, MAC_H[host], R1, 17,
						 (uint16_t)(first_port + p), 53);
		made += fwenv_out_of(e, &s) != NULL;
	}
	return made;
}

static void test_hosts_with_their_quota_use(void **state)
{
	struct fwenv *e = *state;
	struct rg_sub_rec r[8];
	uint32_t next;
	assert_int_equal(rg_fw_sub_list(e->fw, 0, r, 8, &next), 0);
	assert_int_equal(flows(e, 0, 3, 4000), 3);
	assert_int_equal(flows(e, 1, 5, 4000), 5);

	uint32_t n = rg_fw_sub_list(e->fw, 0, r, 8, &next);
	assert_int_equal(n, 2);
	assert_int_equal(next, 0);
	const struct rg_sub_rec *a = find(r, n, H1), *b = find(r, n, H2);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->sessions, 3);
	assert_int_equal(a->ports, 3);
	assert_int_equal(b->sessions, 5);
	assert_int_equal(b->ports, 5);
	assert_int_equal(a->block_size, 0); /* a pool without blocks */
	assert_int_equal(a->n_blocks, 0);
	/* paired pooling: the address every session of the host uses */
	struct rg_session_rec s[16];
	uint32_t ns = rg_fw_session_list(e->fw, 0, s, 16, &next);
	assert_int_equal(ns, 8);
	for (uint32_t i = 0; i < ns; i++)
		assert_int_equal(s[i].out_addr,
				 s[i].in_addr == a->in_addr ? a->out_addr : b->out_addr);

	/* pages of one record each: the same two, then the end */
	uint32_t cursor = 0, seen = 0;
	do {
		struct rg_sub_rec one;
		seen += rg_fw_sub_list(e->fw, cursor, &one, 1, &next);
		cursor = next;
	} while (cursor && seen < 10);
	assert_int_equal(seen, 2);

	/* the sessions expire (UDP 300 s), the mappings after them, the
	 * ports after the 120 s hold-down: then the hosts are gone */
	fwenv_advance(e, 301 * 1000);
	n = rg_fw_sub_list(e->fw, 0, r, 8, &next);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(r[i].sessions, 0);
	fwenv_advance(e, 700 * 1000);
	assert_int_equal(rg_fw_sub_list(e->fw, 0, r, 8, &next), 0);
}

static void test_port_blocks_are_listed(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(fwenv_port_block_pool(e, 64), RG_ST_OK);
	/* 70 flows: more than one block's worth of ports */
	assert_int_equal(flows(e, 0, 70, 3000), 70);

	struct rg_sub_rec r[4];
	uint32_t next;
	assert_int_equal(rg_fw_sub_list(e->fw, 0, r, 4, &next), 1);
	assert_int_equal(rg_be32_val(r[0].in_addr), H1);
	assert_int_equal(r[0].block_size, 64);
	assert_int_equal(r[0].n_blocks, 2);
	assert_int_equal(r[0].ports, 70);
	/* every session's outside port is inside one of the listed blocks */
	struct rg_session_rec s[80];
	uint32_t ns = rg_fw_session_list(e->fw, 0, s, 80, &next);
	assert_int_equal(ns, 70);
	for (uint32_t i = 0; i < ns; i++) {
		uint16_t port = rg_be16_val(s[i].out_port);
		int in_block = 0;
		for (unsigned b = 0; b < r[0].n_blocks; b++)
			in_block |= port >= r[0].block[b] && port < r[0].block[b] + 64u;
		assert_true(in_block);
		assert_int_equal(s[i].out_addr, r[0].out_addr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hosts_with_their_quota_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_blocks_are_listed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
