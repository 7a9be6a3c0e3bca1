/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's PCP server (RFC 6887) against the card test double: every
 * opcode, option and result code where it applies, renewal and deletion
 * with nonce checks, lifetimes, and malformed or unauthorised requests,
 * each of which must get its result code and change nothing (no card
 * command, no lease).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

static void test_map_creates_mapping_on_card_before_answer(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 3600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.opcode, PCP_OP_MAP);
	assert_int_equal(r.lifetime, 3600);
	assert_int_equal(r.epoch, 10);
	assert_memory_equal(r.nonce, q.nonce, 12);
	assert_int_equal(r.int_port, 4000);
	assert_int_equal(pcp_addr_to_v4(&r.ext_addr), FX_OUTSIDE);
	/* the answer was produced after the card accepted the mapping */
	const struct cd_map *cm = card_double_find(&f->cd, 17, FX_HOST_A, 4000);
	assert_non_null(cm);
	assert_int_equal(cm->out_port, r.ext_port);
	assert_int_equal(cm->owner, RG_OWNER_PCP);
	assert_int_equal(f->cd.calls[0].op, RG_OP_MAP_ADD);
	assert_int_equal(f->m.leases.count, 1);
}

static void test_renew_needs_the_same_nonce(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 6, 22, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	uint16_t port = r.ext_port;
	f->now += 300;
	q.lifetime = 1200;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, port);
	assert_int_equal(r.lifetime, 1200);
	assert_int_equal(f->m.leases.head->expires, f->now + 1200);
	/* someone else's nonce: refused, mapping untouched */
	unsigned calls = f->cd.n_calls;
	q.nonce[0] ^= 1;
	q.lifetime = 7000;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NOT_AUTHORIZED);
	assert_int_equal(f->cd.n_calls, calls);
	assert_int_equal(f->m.leases.head->expires, f->now + 1200);
}

static void test_delete_checks_nonce_and_removes(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 5000, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	q.lifetime = 0;
	q.nonce[3] ^= 0xff;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NOT_AUTHORIZED);
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_A, 5000));
	q.nonce[3] ^= 0xff;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.lifetime, 0);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 5000));
	assert_int_equal(f->m.leases.count, 0);
	/* deleting what does not exist is success (RFC 6887 15) */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
}

static void test_delete_all_of_a_nonce(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q, r;
	for (uint16_t p = 100; p < 103; p++) {
		q = fx_map(FX_HOST_A, p == 102 ? 6 : 17, p, 600);
		assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	}
	q = fx_map(FX_HOST_A, 0, 0, 0); /* all protocols, all ports */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(f->m.leases.count, 0);
	assert_int_equal(card_double_maps(&f->cd), 0);
}

static void test_lifetimes_are_clamped_and_expire(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 6000, 10), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.lifetime, 120); /* min_lifetime */
	q = fx_map(FX_HOST_A, 17, 6001, 999999);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.lifetime, 7200); /* max_lifetime */
	f->now += 121;
	assert_int_equal(rgd_mapper_expire(&f->m), 1);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 6000));
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_A, 6001));
}

static void test_address_mismatch(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_B, 17, 4000, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_ADDRESS_MISMATCH);
	assert_int_equal(r.lifetime, 1800);
	assert_int_equal(f->cd.n_calls, 0);
	assert_int_equal(f->m.leases.count, 0);
}

static void test_requests_from_outside_realm_are_dropped(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_STRANGER, 17, 4000, 600), r;
	assert_int_equal(fx_send(f, &q, FX_STRANGER, &r), -1);
	assert_int_equal(f->p.stats.outside_realm, 1);
	assert_int_equal(f->cd.n_calls, 0);
	/* also when it claims to be an inside host */
	q = fx_map(FX_HOST_A, 17, 4000, 600);
	assert_int_equal(fx_send(f, &q, FX_STRANGER, &r), -1);
	assert_int_equal(f->m.leases.count, 0);
}

static void test_third_party_policy(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 7000, 600), r;
	q.third_party = true;
	pcp_addr_from_v4(&q.third_party_addr, FX_HOST_B);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NOT_AUTHORIZED); /* not a proxy */
	assert_int_equal(f->cd.n_calls, 0);
	q = fx_map(FX_PROXY, 17, 7000, 600);
	q.third_party = true;
	pcp_addr_from_v4(&q.third_party_addr, FX_STRANGER);
	assert_int_equal(fx_send(f, &q, FX_PROXY, &r), PCP_NOT_AUTHORIZED); /* not inside */
	pcp_addr_from_v4(&q.third_party_addr, FX_HOST_B);
	assert_int_equal(fx_send(f, &q, FX_PROXY, &r), PCP_SUCCESS);
	assert_true(r.third_party);
	assert_int_equal(pcp_addr_to_v4(&r.third_party_addr), FX_HOST_B);
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_B, 7000));
	assert_null(card_double_find(&f->cd, 17, FX_PROXY, 7000));
}

static void test_prefer_failure(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 6, 80, 600), r;
	q.ext_port = 8080;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, 8080);
	/* host B wants the same outside port */
	q = fx_map(FX_HOST_B, 6, 80, 600);
	q.ext_port = 8080;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_CANNOT_PROVIDE_EXTERNAL);
	assert_int_equal(r.lifetime, 30);
	assert_true(r.prefer_failure);
	assert_int_equal(f->m.leases.count, 1);
	/* without PREFER_FAILURE it gets another port */
	q.prefer_failure = false;
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
	assert_int_not_equal(r.ext_port, 8080);
	/* a renewal insisting on another port than it has */
	q = fx_map(FX_HOST_A, 6, 80, 600);
	q.ext_port = 9090;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_CANNOT_PROVIDE_EXTERNAL);
}

static void test_filters_reach_the_card(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 5060, 600), r;
	q.n_filters = 2;
	q.filters[0].plen = 128;
	q.filters[0].port = 5060;
	pcp_addr_from_v4(&q.filters[0].addr, FX_REMOTE);
	q.filters[1].plen = 96 + 24;
	pcp_addr_from_v4(&q.filters[1].addr, 0xc6336400);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.n_filters, 2);
	const struct cd_map *cm = card_double_find(&f->cd, 17, FX_HOST_A, 5060);
	assert_int_equal(cm->n_filters, 2);
	assert_int_equal(cm->filters[0].plen, 32);
	assert_int_equal(__builtin_bswap32(cm->filters[0].addr), FX_REMOTE);
	assert_int_equal(__builtin_bswap16(cm->filters[0].port), 5060);
	assert_int_equal(cm->filters[1].plen, 24);
	/* a renewal with prefix length 0 removes them all */
	q.n_filters = 1;
	q.filters[0].plen = 0;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	cm = card_double_find(&f->cd, 17, FX_HOST_A, 5060);
	assert_int_equal(cm->n_filters, 0);
	assert_int_equal(f->m.leases.head->n_filters, 0);
}

static void test_too_many_filters(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 5061, 600), r;
	q.n_filters = RG_MAP_MAX_FILTERS + 1;
	for (unsigned i = 0; i < q.n_filters; i++) {
		q.filters[i].plen = 128;
		pcp_addr_from_v4(&q.filters[i].addr, FX_REMOTE + i);
	}
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_EXCESSIVE_REMOTE_PEERS);
	assert_int_equal(f->cd.n_calls, 0);
}

static void test_quota(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q, r;
	for (uint16_t p = 0; p < 8; p++) {
		q = fx_map(FX_HOST_A, 17, (uint16_t)(3000 + p), 600);
		assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	}
	q = fx_map(FX_HOST_A, 17, 3100, 600);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_USER_EX_QUOTA);
	assert_int_equal(r.lifetime, 30);
	q = fx_map(FX_HOST_B, 17, 3100, 600); /* another host is not affected */
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
}

static void test_card_errors_become_result_codes(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 600), r;
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_NO_RESOURCES, 1);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NO_RESOURCES);
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_QUOTA, 1);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_USER_EX_QUOTA);
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_TIMEOUT, 1);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NETWORK_FAILURE);
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_NOT_AUTHORIZED, 1);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NOT_AUTHORIZED);
	assert_int_equal(f->m.leases.count, 0);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
}

static void test_protocol_and_port_checks(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_map(FX_HOST_A, 1, 0, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_UNSUPP_PROTOCOL);
	q = fx_map(FX_HOST_A, 132, 5, 600); /* SCTP */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_UNSUPP_PROTOCOL);
	q = fx_map(FX_HOST_A, 0, 0, 600); /* all protocols, not a delete */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_UNSUPP_PROTOCOL);
	q = fx_map(FX_HOST_A, 17, 0, 600); /* all ports */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NOT_AUTHORIZED);
	assert_int_equal(f->cd.n_calls, 0);
}

static void test_peer_preallocates_session_port(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_peer(FX_HOST_A, 6, 33000, FX_REMOTE, 80, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.opcode, PCP_OP_PEER);
	assert_int_equal(r.peer_port, 80);
	assert_int_equal(pcp_addr_to_v4(&r.peer_addr), FX_REMOTE);
	const struct cd_call *c = &f->cd.calls[0];
	assert_int_equal(c->op, RG_OP_MAP_ADD);
	assert_true(c->u.map.flags & RG_MAPF_PEER);
	assert_int_equal(__builtin_bswap32(c->u.map.rem_addr), FX_REMOTE);
	assert_int_equal(__builtin_bswap16(c->u.map.rem_port), 80);
	const struct cd_map *cm = card_double_find(&f->cd, 6, FX_HOST_A, 33000);
	assert_int_equal(cm->out_port, r.ext_port);
	/* renewal of the PEER, then its deletion */
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(f->m.leases.count, 1);
	q.lifetime = 0;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(f->m.leases.count, 0);
}

/* Seed 000's non-replaceable port: PEER + PREFER_FAILURE with the inside
 * port suggested gets exactly that port when it is free. */
static void test_peer_prefer_failure_free_port(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_peer(FX_HOST_A, 17, 41000, FX_REMOTE, 3478, 600), r;
	q.ext_port = 41000;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.opcode, PCP_OP_PEER);
	assert_int_equal(r.ext_port, 41000);
	assert_true(r.prefer_failure);
	assert_int_equal(pcp_addr_to_v4(&r.ext_addr), FX_OUTSIDE);
	/* the card was asked for that port and nothing else */
	const struct cd_call *c = &f->cd.calls[0];
	assert_int_equal(c->op, RG_OP_MAP_ADD);
	assert_true(c->u.map.flags & RG_MAPF_PEER);
	assert_true(c->u.map.flags & RG_MAPF_PREFER_FAILURE);
	assert_int_equal(__builtin_bswap16(c->u.map.out_port), 41000);
	const struct cd_map *cm = card_double_find(&f->cd, 17, FX_HOST_A, 41000);
	assert_non_null(cm);
	assert_int_equal(cm->out_port, 41000);
	assert_int_equal(f->m.leases.count, 1);
	assert_int_equal(f->m.leases.head->out_port, 41000);
}

/* ... and CANNOT_PROVIDE_EXTERNAL when the port is not available: no lease,
 * no card mapping, and no other port handed out instead. */
static void test_peer_prefer_failure_taken_port(void **state)
{
	struct fx *f = *state;
	/* host B holds outside port 41000 with an endpoint-independent MAP */
	struct pcp_msg q = fx_map(FX_HOST_B, 17, 41000, 600), r;
	q.ext_port = 41000;
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, 41000);
	unsigned maps = card_double_maps(&f->cd);
	q = fx_peer(FX_HOST_A, 17, 41000, FX_REMOTE, 3478, 600);
	q.ext_port = 41000;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_CANNOT_PROVIDE_EXTERNAL);
	assert_int_equal(r.opcode, PCP_OP_PEER);
	assert_int_equal(r.lifetime, 30);
	assert_true(r.prefer_failure);
	assert_int_equal(f->m.leases.count, 1);
	assert_int_equal(f->m.leases.head->key.in_addr, FX_HOST_B);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 41000));
	assert_int_equal(card_double_maps(&f->cd), maps);
	/* a PEER toward the same remote from the same outside port, made by
	 * another host, is not available either (the card's port overlapping
	 * needs the remotes to differ) */
	q = fx_peer(FX_HOST_B, 6, 42000, FX_REMOTE, 80, 600);
	q.ext_port = 42000;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
	q = fx_peer(FX_HOST_A, 6, 42000, FX_REMOTE, 80, 600);
	q.ext_port = 42000;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_CANNOT_PROVIDE_EXTERNAL);
	assert_null(card_double_find(&f->cd, 6, FX_HOST_A, 42000));
	assert_int_equal(f->m.leases.count, 2);
	/* toward another remote the port is shared: success with that port */
	q = fx_peer(FX_HOST_A, 6, 42000, FX_REMOTE2, 80, 600);
	q.ext_port = 42000;
	q.prefer_failure = true;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, 42000);
}

static void test_peer_malformed(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q = fx_peer(FX_HOST_A, 6, 33000, 0, 80, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_MALFORMED_REQUEST);
	q = fx_peer(FX_HOST_A, 6, 33000, FX_REMOTE, 0, 600);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_MALFORMED_REQUEST);
	q = fx_peer(FX_HOST_A, 6, 0, FX_REMOTE, 80, 600);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_MALFORMED_REQUEST);
	q = fx_peer(FX_HOST_A, 0, 0, FX_REMOTE, 80, 600);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_MALFORMED_REQUEST);
	q = fx_peer(FX_HOST_A, 47, 1, FX_REMOTE, 80, 600);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_UNSUPP_PROTOCOL);
	assert_int_equal(f->cd.n_calls, 0);
}

static void test_announce(void **state)
{
	struct fx *f = *state;
	struct pcp_msg q, r;
	memset(&q, 0, sizeof(q));
	q.opcode = PCP_OP_ANNOUNCE;
	pcp_addr_from_v4(&q.client, FX_HOST_A);
	f->epoch = 4242;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.opcode, PCP_OP_ANNOUNCE);
	assert_int_equal(r.lifetime, 0);
	assert_int_equal(r.epoch, 4242);
	uint8_t buf[PCP_MAX_LEN];
	size_t n = rgd_pcp_announce(&f->p, buf);
	assert_int_equal(n, 24);
	assert_int_equal(pcp_decode_response(buf, n, &r), PCP_SUCCESS);
	assert_int_equal(r.opcode, PCP_OP_ANNOUNCE);
}

/* Malformed requests: each gets its result code, the card sees nothing and
 * no lease appears. */
static void test_malformed_requests_change_nothing(void **state)
{
	struct fx *f = *state;
	uint8_t good[PCP_MAX_LEN], b[PCP_MAX_LEN + 8];
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 600), r;
	size_t n = pcp_encode_request(&q, good, sizeof(good));
	struct {
		const char *what;
		size_t len;
		int expect;
		void (*mutate)(uint8_t *b, size_t n);
	} cases[] = {
		{ "one byte", 1, -1, NULL },
		{ "short header", 12, PCP_MALFORMED_REQUEST, NULL },
		{ "short MAP", 40, PCP_MALFORMED_REQUEST, NULL },
		{ "not a multiple of 4", n + 1, PCP_MALFORMED_REQUEST, NULL },
		{ "longer than 1100", PCP_MAX_LEN + 4, PCP_MALFORMED_REQUEST, NULL },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(b, 0, sizeof(b));
		memcpy(b, good, n);
		size_t got = fx_send_raw(f, b, cases[i].len, FX_HOST_A);
		if (cases[i].expect < 0) {
			assert_int_equal(got, 0);
			continue;
		}
		assert_true(got >= 24);
		assert_int_equal(f->rsp[0], 2);
		assert_true(f->rsp[1] & PCP_R_BIT);
		assert_int_equal(f->rsp[3], cases[i].expect);
	}
	/* bad version: answered with version 2 and UNSUPP_VERSION */
	memcpy(b, good, n);
	b[0] = 1;
	assert_true(fx_send_raw(f, b, n, FX_HOST_A) >= 24);
	assert_int_equal(f->rsp[0], 2);
	assert_int_equal(f->rsp[3], PCP_UNSUPP_VERSION);
	/* unknown opcode */
	memcpy(b, good, n);
	b[1] = 0x11;
	fx_send_raw(f, b, n, FX_HOST_A);
	assert_int_equal(f->rsp[3], PCP_UNSUPP_OPCODE);
	/* unknown mandatory option */
	memcpy(b, good, n);
	memset(b + n, 0, 4);
	b[n] = 0x70;
	fx_send_raw(f, b, n + 4, FX_HOST_A);
	assert_int_equal(f->rsp[3], PCP_UNSUPP_OPTION);
	/* option running past the end */
	b[n] = PCP_OPT_THIRD_PARTY;
	b[n + 3] = 16;
	fx_send_raw(f, b, n + 4, FX_HOST_A);
	assert_int_equal(f->rsp[3], PCP_MALFORMED_OPTION);
	/* a response sent to the server is dropped */
	memcpy(b, good, n);
	b[1] |= PCP_R_BIT;
	assert_int_equal(fx_send_raw(f, b, n, FX_HOST_A), 0);
	/* a THIRD_PARTY option with an IPv6 address */
	q.third_party = true;
	memset(q.third_party_addr.b, 0x20, 16);
	assert_int_equal(fx_send(f, &q, FX_PROXY, &r), PCP_ADDRESS_MISMATCH);
	q.client = (struct pcp_msg){ 0 }.client;
	pcp_addr_from_v4(&q.client, FX_PROXY);
	assert_int_equal(fx_send(f, &q, FX_PROXY, &r), PCP_MALFORMED_OPTION);
	/* an IPv6 client address */
	q = fx_map(FX_HOST_A, 17, 4000, 600);
	memset(q.client.b, 0x20, 16);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_ADDRESS_MISMATCH);

	assert_int_equal(f->cd.n_calls, 0);
	assert_int_equal(f->m.leases.count, 0);
	assert_true(f->p.stats.pcp_results[PCP_MALFORMED_REQUEST] >= 4);
}

static void test_existing_dynamic_mapping_is_adopted(void **state)
{
	struct fx *f = *state;
	/* the host's own traffic already made a mapping on the card */
	struct rg_map_req req = { .proto = 17,
				  .in_addr = __builtin_bswap32(FX_HOST_A),
				  .in_port = __builtin_bswap16(4444),
				  .owner = RG_OWNER_DYNAMIC };
	struct rg_map_rsp rsp;
	f->cd.card.ops->map_add(f->cd.card.ctx, &req, &rsp);
	f->cd.maps[0].owner = RG_OWNER_DYNAMIC;
	card_double_fail(&f->cd, RG_OP_MAP_ADD, RG_ST_EXISTS, 1);
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4444, 600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, __builtin_bswap16(rsp.out_port));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_map_creates_mapping_on_card_before_answer),
		T(test_renew_needs_the_same_nonce),
		T(test_delete_checks_nonce_and_removes),
		T(test_delete_all_of_a_nonce),
		T(test_lifetimes_are_clamped_and_expire),
		T(test_address_mismatch),
		T(test_requests_from_outside_realm_are_dropped),
		T(test_third_party_policy),
		T(test_prefer_failure),
		T(test_filters_reach_the_card),
		T(test_too_many_filters),
		T(test_quota),
		T(test_card_errors_become_result_codes),
		T(test_protocol_and_port_checks),
		T(test_peer_preallocates_session_port),
		T(test_peer_prefer_failure_free_port),
		T(test_peer_prefer_failure_taken_port),
		T(test_peer_malformed),
		T(test_announce),
		T(test_malformed_requests_change_nothing),
		T(test_existing_dynamic_mapping_is_adopted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
