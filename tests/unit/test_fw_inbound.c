/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What an inbound packet toward an existing mapping may and may not open
 * (RFC 4787 filtering, RFC 5382, RFC 6888 REQ-4): the subscriber's session
 * quota holds for sessions the outside opens too; TTL 1 gets time exceeded
 * instead of a session; a remote the filter does not admit is dropped as
 * filtered; only a SYN opens an inbound TCP session; a drop rule wins over
 * a mapping. Each refusal is counted under its own name and forwards
 * nothing to the inside.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fw.h"
#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R(n) PKT_IPV4(192, 0, 2, (n))

struct mapping {
	uint32_t out_addr;
	uint16_t out_port;
};

/* H1:port -> R(1):53 once: its outside endpoint. */
static struct mapping open_mapping(struct fwenv *e, uint8_t proto, uint16_t port)
{
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(1), proto, port, 53);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	return (struct mapping){ v.src, v.sport };
}

/* From remote R(n) to the mapping: did anything reach the inside? */
static int reaches_inside(struct fwenv *e, struct mapping m, unsigned n, uint8_t proto,
			  uint8_t tcp_flags, uint8_t ttl)
{
	struct pkt_spec r = fwenv_pkt_out(R(n), m.out_addr, proto, 53, m.out_port);
	r.tcp_flags = tcp_flags;
	r.ttl = ttl;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	return fwenv_first_ipv4(e, 0) != NULL;
}

static int setup_eif(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int setup_apdf(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static void test_session_quota_holds_for_inbound_sessions(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.max_sessions_per_sub = 2;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	struct mapping m = open_mapping(e, 17, 4000);
	/* EIF: a second remote opens the subscriber's second session */
	assert_true(reaches_inside(e, m, 2, 17, 0, 64));
	assert_int_equal(fwenv_counter(e, "sessions-active"), 2);
	/* the third would pass the quota: refused, reported, nothing in */
	assert_false(reaches_inside(e, m, 3, 17, 0, 64));
	assert_int_equal(fwenv_counter(e, "drop-quota-sessions"), 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 2);
	int quota = 0;
	for (unsigned i = 0; i < e->n_evts; i++)
		if (e->evts[i].type == RG_EVT_QUOTA) {
			struct rg_evt_quota q;
			memcpy(&q, e->evts[i].payload, sizeof(q));
			assert_int_equal(q.kind, RG_EXH_SESSIONS);
			assert_int_equal(rg_be32_val(q.in_addr), H1);
			assert_int_equal(q.limit, 2);
			quota++;
		}
	assert_int_equal(quota, 1);
	/* the sessions already there still answer */
	assert_true(reaches_inside(e, m, 1, 17, 0, 64));
	assert_true(reaches_inside(e, m, 2, 17, 0, 64));
}

static void test_ttl_one_gets_time_exceeded_not_a_session(void **state)
{
	struct fwenv *e = *state;
	struct mapping m = open_mapping(e, 17, 4000);
	assert_false(reaches_inside(e, m, 2, 17, 0, 1));
	assert_int_equal(fwenv_counter(e, "drop-ttl-expired"), 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	const struct fwenv_frame *err = fwenv_first_ipv4(e, 1);
	assert_non_null(err);
	struct pkt_view v;
	assert_int_equal(pkt_parse(err->data, err->len, &v), 0);
	assert_int_equal(v.proto, 1);
	assert_int_equal(err->data[v.l4], 11);
	assert_int_equal(v.dst, R(2));
	assert_true(pkt_checksums_ok(err->data, err->len));
	/* with a TTL left, the same packet opens its session */
	assert_true(reaches_inside(e, m, 2, 17, 0, 2));
}

static void test_filtered_remote_and_tcp_without_syn(void **state)
{
	struct fwenv *e = *state;
	struct mapping u = open_mapping(e, 17, 4000);
	/* APDF: R(2) was never contacted from the mapping */
	assert_false(reaches_inside(e, u, 2, 17, 0, 64));
	assert_int_equal(fwenv_counter(e, "drop-filtered"), 1);
	assert_true(reaches_inside(e, u, 1, 17, 0, 64));

	struct mapping t = open_mapping(e, 6, 4100); /* H1's SYN to R(1):53 */
	/* an ACK from the outside to the TCP mapping, from a remote the
	 * filter does not know: no session, counted as no mapping */
	uint64_t before = fwenv_counter(e, "drop-inbound-no-mapping");
	assert_false(reaches_inside(e, t, 2, 6, 0x10, 64));
	assert_int_equal(fwenv_counter(e, "drop-inbound-no-mapping"), before + 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 2);
}

static void test_drop_rule_wins_over_a_mapping(void **state)
{
	struct fwenv *e = *state;
	struct mapping m = open_mapping(e, 17, 4000);
	struct rg_rule d;
	memset(&d, 0, sizeof(d));
	d.id = 9;
	d.kind = RG_RULE_DROP;
	d.proto = 17;
	d.src_addr = rg_be32_field(R(3));
	d.src_plen = 32;
	assert_int_equal(rg_fw_rule_add(e->fw, &d), RG_ST_OK);
	assert_false(reaches_inside(e, m, 3, 17, 0, 64));
	assert_int_equal(fwenv_counter(e, "drop-rule"), 1);
	assert_true(reaches_inside(e, m, 2, 17, 0, 64)); /* EIF: another remote */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_quota_holds_for_inbound_sessions,
						setup_eif, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_one_gets_time_exceeded_not_a_session,
						setup_eif, teardown),
		cmocka_unit_test_setup_teardown(test_filtered_remote_and_tcp_without_syn,
						setup_apdf, teardown),
		cmocka_unit_test_setup_teardown(test_drop_rule_wins_over_a_mapping, setup_eif,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
