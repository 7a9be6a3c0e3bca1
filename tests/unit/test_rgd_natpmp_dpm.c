/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's NAT-PMP server (RFC 6886) and DPM setup listener (seed 000)
 * against the card test double: every opcode and result code, deletion,
 * malformed and foreign requests, and the three acceptance cases of
 * 000-dpm.md (replaceable port, non-replaceable port with overlapping,
 * two hosts on one outside address:port).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../host-tools/libpcp/dpm_wire.h"
#include "../../host-tools/libpcp/natpmp_wire.h"
#include "../lib/rgd_fixture.h"

static int setup(void **state)
{
	*state = fx_new();
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

static int natpmp(struct fx *f, uint8_t op, uint16_t in_port, uint16_t ext_port, uint32_t lifetime,
		  uint32_t src, struct natpmp_rsp *r)
{
	struct natpmp_req q = { 0, op, in_port, ext_port, lifetime };
	uint8_t b[16];
	size_t n = natpmp_encode_request(&q, b);
	if (!fx_send_raw(f, b, n, src))
		return -1;
	if (natpmp_decode_response(f->rsp, f->rsp_len, r) != NATPMP_SUCCESS)
		return -2;
	return r->result;
}

static void test_natpmp_public_address(void **state)
{
	struct fx *f = *state;
	struct natpmp_rsp r;
	assert_int_equal(natpmp(f, NATPMP_OP_ADDR, 0, 0, 0, FX_HOST_A, &r), NATPMP_SUCCESS);
	assert_int_equal(f->rsp_len, 12);
	assert_int_equal(r.opcode, NATPMP_OP_ADDR);
	assert_int_equal(r.ext_addr, FX_OUTSIDE);
	assert_int_equal(r.epoch, 10);
}

static void test_natpmp_map_renew_delete(void **state)
{
	struct fx *f = *state;
	struct natpmp_rsp r;
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 5000, 5000, 3600, FX_HOST_A, &r),
			 NATPMP_SUCCESS);
	assert_int_equal(f->rsp_len, 16);
	assert_int_equal(r.int_port, 5000);
	assert_int_equal(r.ext_port, 5000);
	assert_int_equal(r.lifetime, 3600);
	const struct cd_map *cm = card_double_find(&f->cd, 17, FX_HOST_A, 5000);
	assert_non_null(cm);
	assert_int_equal(cm->owner, RG_OWNER_NATPMP);
	/* renewal keeps the port */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 5000, 0, 7200, FX_HOST_A, &r),
			 NATPMP_SUCCESS);
	assert_int_equal(r.ext_port, 5000);
	assert_int_equal(f->m.leases.count, 1);
	/* TCP is another mapping */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_TCP, 5000, 0, 60, FX_HOST_A, &r), NATPMP_SUCCESS);
	assert_int_equal(r.lifetime, 120); /* clamped */
	assert_int_equal(f->m.leases.count, 2);
	/* delete one */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 5000, 0, 0, FX_HOST_A, &r), NATPMP_SUCCESS);
	assert_int_equal(r.lifetime, 0);
	assert_int_equal(r.ext_port, 0);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 5000));
	/* delete all TCP mappings of the host */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_TCP, 0, 0, 0, FX_HOST_A, &r), NATPMP_SUCCESS);
	assert_int_equal(f->m.leases.count, 0);
}

static void test_natpmp_cannot_touch_pcp_mapping(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 6000, 600), pr;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &pr), PCP_SUCCESS);
	struct natpmp_rsp r;
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 6000, 0, 0, FX_HOST_A, &r),
			 NATPMP_NOT_AUTHORIZED);
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 6000, 0, 600, FX_HOST_A, &r),
			 NATPMP_NOT_AUTHORIZED);
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_A, 6000));
}

static void test_natpmp_errors(void **state)
{
	struct fx *f = *state;
	struct natpmp_rsp r;
	/* unsupported opcode: 8-byte answer, opcode + 128, result 5 */
	uint8_t b[12] = { 0, 7 };
	assert_int_equal(fx_send_raw(f, b, 12, FX_HOST_A), 8);
	assert_int_equal(f->rsp[1], 128 + 7);
	assert_int_equal(f->rsp[3], NATPMP_UNSUPP_OPCODE);
	/* short and long requests are not acted upon */
	b[1] = NATPMP_OP_MAP_UDP;
	assert_int_equal(fx_send_raw(f, b, 8, FX_HOST_A), 0);
	uint8_t l[16] = { 0, NATPMP_OP_MAP_UDP, 0, 0, 0x13, 0x88, 0, 0, 0, 0, 0x0e, 0x10 };
	assert_int_equal(fx_send_raw(f, l, 16, FX_HOST_A), 0);
	assert_int_equal(f->p.stats.natpmp_dropped, 2);
	/* all-ports mapping refused */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 0, 0, 600, FX_HOST_A, &r),
			 NATPMP_NOT_AUTHORIZED);
	/* card out of ports */
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_NO_RESOURCES, 1);
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 1, 0, 600, FX_HOST_A, &r),
			 NATPMP_NO_RESOURCES);
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_CARD_GONE, 1);
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 1, 0, 600, FX_HOST_A, &r),
			 NATPMP_NETWORK_FAILURE);
	/* from outside the inside realm: no answer */
	assert_int_equal(natpmp(f, NATPMP_OP_MAP_UDP, 1, 0, 600, FX_STRANGER, &r), -1);
	assert_int_equal(f->m.leases.count, 0);
}

static void test_natpmp_when_pcp_disabled(void **state)
{
	struct fx *f = *state;
	f->cfg.pcp_enabled = false;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 6000, 600);
	uint8_t b[PCP_MAX_LEN];
	size_t n = pcp_encode_request(&q, b, sizeof(b));
	assert_int_equal(fx_send_raw(f, b, n, FX_HOST_A), 8);
	assert_int_equal(f->rsp[0], 0);
	assert_int_equal(f->rsp[3], NATPMP_UNSUPP_VERSION);
	assert_int_equal(f->cd.n_calls, 0);
}

/* ---- DPM ------------------------------------------------------------------ */

static int dpm(struct fx *f, uint8_t type, uint8_t flags, uint16_t in_port, uint32_t dst,
	       uint16_t dport, uint32_t src, struct dpm_msg *r)
{
	struct dpm_msg q = { .type = type,
			     .flags = flags,
			     .proto = 6,
			     .in_port = in_port,
			     .addr = dst,
			     .port = dport,
			     .txid = 77 };
	uint8_t b[DPM_MSG_LEN];
	dpm_encode(&q, b);
	f->rsp_len = rgd_dpm_handle(&f->p, b, sizeof(b), src, 45000, f->rsp);
	if (!f->rsp_len)
		return -1;
	assert_int_equal(dpm_decode(f->rsp, f->rsp_len, r), DPM_OK);
	assert_int_equal(r->txid, 77);
	return r->flags;
}

/* 000-dpm.md acceptance 1: a replaceable port gets (registered address, port) */
static void test_dpm_replaceable(void **state)
{
	struct fx *f = *state;
	struct dpm_msg r;
	assert_int_equal(dpm(f, DPM_SETUP, DPM_F_REPLACEABLE, 5555, FX_REMOTE, 80, FX_HOST_A, &r),
			 DPM_OK);
	assert_int_equal(r.type, DPM_SETUP_REPLY);
	assert_int_equal(r.addr, FX_OUTSIDE);
	assert_int_equal(r.in_port, 5555);
	assert_int_equal(r.lifetime, 300);
	const struct cd_call *c = &f->cd.calls[0];
	assert_true(c->u.map.flags & RG_MAPF_PEER);
	assert_false(c->u.map.flags & RG_MAPF_PREFER_FAILURE);
	assert_int_equal(c->u.map.owner, RG_OWNER_DPM);
	/* host B with the same port toward the same destination: a new port */
	assert_int_equal(dpm(f, DPM_SETUP, DPM_F_REPLACEABLE, 5555, FX_REMOTE, 80, FX_HOST_B, &r),
			 DPM_OK);
	assert_int_not_equal(r.port, 5555);
	/* release */
	assert_int_equal(dpm(f, DPM_RELEASE, 0, 5555, FX_REMOTE, 80, FX_HOST_A, &r), DPM_OK);
	assert_int_equal(r.type, DPM_RELEASE_REPLY);
	assert_int_equal(f->m.leases.count, 1);
}

/* acceptance 2: a non-replaceable port is kept; another destination shares
 * it, the same destination fails cleanly */
static void test_dpm_non_replaceable_overlapping(void **state)
{
	struct fx *f = *state;
	struct dpm_msg r;
	assert_int_equal(dpm(f, DPM_SETUP, 0, 6000, FX_REMOTE, 80, FX_HOST_A, &r), DPM_OK);
	assert_int_equal(r.port, 6000);
	assert_true(f->cd.calls[0].u.map.flags & RG_MAPF_PREFER_FAILURE);
	assert_int_equal(dpm(f, DPM_SETUP, 0, 6000, FX_REMOTE2, 80, FX_HOST_B, &r), DPM_OK);
	assert_int_equal(r.port, 6000);
	assert_int_equal(r.addr, FX_OUTSIDE);
	unsigned leases = f->m.leases.count;
	struct dpm_msg q;
	assert_int_equal(dpm(f, DPM_SETUP, 0, 6000, FX_REMOTE, 80, FX_HOST_B, &q),
			 DPM_ERR_PORT_TAKEN);
	assert_int_equal(q.port, 0);
	assert_int_equal(f->m.leases.count, leases);
}

/* acceptance 3: two inside hosts, same inside port, two servers, one
 * registered address:port */
static void test_dpm_two_hosts_one_outside_port(void **state)
{
	struct fx *f = *state;
	struct dpm_msg a, b;
	assert_int_equal(dpm(f, DPM_SETUP, 0, 7000, FX_REMOTE, 443, FX_HOST_A, &a), DPM_OK);
	assert_int_equal(dpm(f, DPM_SETUP, 0, 7000, FX_REMOTE2, 443, FX_HOST_B, &b), DPM_OK);
	assert_int_equal(a.addr, b.addr);
	assert_int_equal(a.port, b.port);
	assert_int_equal(card_double_find(&f->cd, 6, FX_HOST_A, 7000)->out_port,
			 card_double_find(&f->cd, 6, FX_HOST_B, 7000)->out_port);
}

static void test_dpm_bad_requests(void **state)
{
	struct fx *f = *state;
	struct dpm_msg r;
	assert_int_equal(dpm(f, DPM_SETUP, 0, 7000, 0, 443, FX_HOST_A, &r), DPM_ERR_MALFORMED);
	assert_int_equal(dpm(f, DPM_SETUP, 0, 7000, FX_REMOTE, 0, FX_HOST_A, &r),
			 DPM_ERR_MALFORMED);
	assert_int_equal(dpm(f, DPM_SETUP_REPLY, 0, 7000, FX_REMOTE, 1, FX_HOST_A, &r),
			 DPM_ERR_MALFORMED);
	assert_int_equal(dpm(f, DPM_SETUP, 0x80, 7000, FX_REMOTE, 1, FX_HOST_A, &r),
			 DPM_ERR_MALFORMED);
	assert_int_equal(dpm(f, DPM_SETUP, 0, 7000, FX_REMOTE, 1, FX_STRANGER, &r), -1);
	uint8_t b[DPM_MSG_LEN] = { 'D', 'P', 9, DPM_SETUP };
	f->rsp_len = rgd_dpm_handle(&f->p, b, sizeof(b), FX_HOST_A, 1, f->rsp);
	assert_int_equal(dpm_decode(f->rsp, f->rsp_len, &r), DPM_OK);
	assert_int_equal(r.flags, DPM_ERR_VERSION);
	assert_int_equal(rgd_dpm_handle(&f->p, b, 3, FX_HOST_A, 1, f->rsp), 0);
	b[0] = 'G'; /* not DPM at all (an HTTP request, say) */
	assert_int_equal(rgd_dpm_handle(&f->p, b, sizeof(b), FX_HOST_A, 1, f->rsp), 0);
	assert_int_equal(f->cd.n_calls, 0);
	assert_int_equal(f->m.leases.count, 0);
}

static void test_dpm_in_port_defaults_to_source_port(void **state)
{
	struct fx *f = *state;
	struct dpm_msg r;
	assert_int_equal(dpm(f, DPM_SETUP, 0, 0, FX_REMOTE, 80, FX_HOST_A, &r), DPM_OK);
	assert_int_equal(r.in_port, 45000);
	assert_int_equal(r.port, 45000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_natpmp_public_address),
		T(test_natpmp_map_renew_delete),
		T(test_natpmp_cannot_touch_pcp_mapping),
		T(test_natpmp_errors),
		T(test_natpmp_when_pcp_disabled),
		T(test_dpm_replaceable),
		T(test_dpm_non_replaceable_overlapping),
		T(test_dpm_two_hosts_one_outside_port),
		T(test_dpm_bad_requests),
		T(test_dpm_in_port_defaults_to_source_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
