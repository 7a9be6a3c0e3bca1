/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wire codecs of the allocation protocols: PCP requests and responses round
 * trip, every syntax fault a PCP request can have maps to its RFC 6887
 * result code, error responses are built as section 7.2 says; NAT-PMP and
 * DPM messages round trip and their faults are classified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../host-tools/libpcp/dpm_wire.h"
#include "../../host-tools/libpcp/natpmp_wire.h"
#include "../../host-tools/libpcp/pcp_wire.h"

static size_t map_request(uint8_t *buf, uint8_t opcode)
{
	struct pcp_msg m;
	memset(&m, 0, sizeof(m));
	m.opcode = opcode;
	m.lifetime = 3600;
	pcp_addr_from_v4(&m.client, 0xc0a80102);
	memset(m.nonce, 0xab, sizeof(m.nonce));
	m.proto = 17;
	m.int_port = 4000;
	m.ext_port = 5000;
	pcp_addr_from_v4(&m.ext_addr, 0xcb007101);
	if (opcode == PCP_OP_PEER) {
		m.peer_port = 80;
		pcp_addr_from_v4(&m.peer_addr, 0xcb007102);
	}
	return pcp_encode_request(&m, buf, PCP_MAX_LEN);
}

static void test_map_round_trip_with_options(void **state)
{
	(void)state;
	struct pcp_msg m, d;
	memset(&m, 0, sizeof(m));
	m.opcode = PCP_OP_MAP;
	m.lifetime = 7200;
	pcp_addr_from_v4(&m.client, 0x0a000002);
	memset(m.nonce, 7, sizeof(m.nonce));
	m.proto = 6;
	m.int_port = 80;
	m.ext_port = 8080;
	m.third_party = true;
	pcp_addr_from_v4(&m.third_party_addr, 0x0a000003);
	m.prefer_failure = true;
	m.n_filters = 2;
	m.filters[0].plen = 128;
	m.filters[0].port = 1234;
	pcp_addr_from_v4(&m.filters[0].addr, 0xc6336401);
	m.filters[1].plen = 120;
	pcp_addr_from_v4(&m.filters[1].addr, 0xc6336400);
	uint8_t buf[PCP_MAX_LEN];
	size_t n = pcp_encode_request(&m, buf, sizeof(buf));
	assert_int_equal(n, 24 + 36 + 20 + 4 + 2 * 24);
	assert_int_equal(pcp_decode_request(buf, n, &d), PCP_SUCCESS);
	assert_int_equal(d.opcode, PCP_OP_MAP);
	assert_int_equal(d.lifetime, 7200);
	assert_int_equal(pcp_addr_to_v4(&d.client), 0x0a000002);
	assert_memory_equal(d.nonce, m.nonce, 12);
	assert_int_equal(d.proto, 6);
	assert_int_equal(d.int_port, 80);
	assert_int_equal(d.ext_port, 8080);
	assert_true(d.third_party);
	assert_int_equal(pcp_addr_to_v4(&d.third_party_addr), 0x0a000003);
	assert_true(d.prefer_failure);
	assert_int_equal(d.n_filters, 2);
	assert_int_equal(d.filters[0].port, 1234);
	assert_int_equal(d.filters[1].plen, 120);

	/* and as a response */
	m.result = PCP_SUCCESS;
	m.epoch = 99;
	n = pcp_encode_response(&m, buf, sizeof(buf));
	assert_true(buf[1] & PCP_R_BIT);
	assert_int_equal(pcp_decode_response(buf, n, &d), PCP_SUCCESS);
	assert_int_equal(d.epoch, 99);
	assert_int_equal(d.ext_port, 8080);
	assert_int_equal(d.n_filters, 2);
}

static void test_peer_round_trip(void **state)
{
	(void)state;
	uint8_t buf[PCP_MAX_LEN];
	size_t n = map_request(buf, PCP_OP_PEER);
	assert_int_equal(n, 24 + 56);
	struct pcp_msg d;
	assert_int_equal(pcp_decode_request(buf, n, &d), PCP_SUCCESS);
	assert_int_equal(d.peer_port, 80);
	assert_int_equal(pcp_addr_to_v4(&d.peer_addr), 0xcb007102);
}

static void test_request_faults_map_to_result_codes(void **state)
{
	(void)state;
	uint8_t buf[PCP_MAX_LEN + 8], b[PCP_MAX_LEN + 8];
	struct pcp_msg d;
	size_t n = map_request(buf, PCP_OP_MAP);

	assert_int_equal(pcp_decode_request(buf, 1, &d), PCP_DROP); /* < 2 bytes */
	memcpy(b, buf, n);
	b[1] |= PCP_R_BIT; /* a response */
	assert_int_equal(pcp_decode_request(b, n, &d), PCP_DROP);
	memcpy(b, buf, n);
	b[0] = 1;
	assert_int_equal(pcp_decode_request(b, n, &d), PCP_UNSUPP_VERSION);
	b[0] = 3;
	assert_int_equal(pcp_decode_request(b, n, &d), PCP_UNSUPP_VERSION);
	assert_int_equal(pcp_decode_request(buf, 20, &d), PCP_MALFORMED_REQUEST);    /* < header */
	assert_int_equal(pcp_decode_request(buf, n - 2, &d), PCP_MALFORMED_REQUEST); /* % 4 */
	assert_int_equal(pcp_decode_request(buf, 40, &d), PCP_MALFORMED_REQUEST);    /* short MAP */
	memset(b, 0, sizeof(b));
	memcpy(b, buf, n);
	assert_int_equal(pcp_decode_request(b, PCP_MAX_LEN + 4, &d), PCP_MALFORMED_REQUEST);
	memcpy(b, buf, n);
	b[1] = 5; /* unknown opcode */
	assert_int_equal(pcp_decode_request(b, n, &d), PCP_UNSUPP_OPCODE);

	/* options */
	memcpy(b, buf, n);
	b[n] = 99; /* unknown mandatory option */
	b[n + 1] = 0;
	b[n + 2] = 0;
	b[n + 3] = 0;
	assert_int_equal(pcp_decode_request(b, n + 4, &d), PCP_UNSUPP_OPTION);
	b[n] = 200; /* unknown optional option: ignored */
	assert_int_equal(pcp_decode_request(b, n + 4, &d), PCP_SUCCESS);
	b[n] = PCP_OPT_PREFER_FAILURE;
	b[n + 3] = 4; /* length beyond the message */
	assert_int_equal(pcp_decode_request(b, n + 4, &d), PCP_MALFORMED_OPTION);
	memset(b + n + 4, 0, 4);
	assert_int_equal(pcp_decode_request(b, n + 8, &d), PCP_MALFORMED_OPTION); /* must be 0 */
	b[n + 3] = 0;
	memcpy(b + n + 4, b + n, 4); /* PREFER_FAILURE twice */
	assert_int_equal(pcp_decode_request(b, n + 8, &d), PCP_MALFORMED_OPTION);
	b[n] = PCP_OPT_THIRD_PARTY; /* wrong length */
	b[n + 3] = 4;
	assert_int_equal(pcp_decode_request(b, n + 8, &d), PCP_MALFORMED_OPTION);
	assert_int_equal(pcp_decode_request(b, n + 2 + 24 - 24, &d), PCP_MALFORMED_REQUEST);

	/* FILTER: prefix lengths, and not valid in PEER */
	memset(b + n, 0, 24);
	memcpy(b, buf, n);
	b[n] = PCP_OPT_FILTER;
	b[n + 3] = 20;
	b[n + 5] = 90; /* IPv4 filter with prefix < 97 */
	b[n + 4 + 14] = 0xff;
	b[n + 4 + 15] = 0xff;
	assert_int_equal(pcp_decode_request(b, n + 24, &d), PCP_MALFORMED_OPTION);
	b[n + 5] = 129;
	assert_int_equal(pcp_decode_request(b, n + 24, &d), PCP_MALFORMED_OPTION);
	b[n + 5] = 128;
	assert_int_equal(pcp_decode_request(b, n + 24, &d), PCP_SUCCESS);
	b[n + 5] = 0; /* remove all filters */
	assert_int_equal(pcp_decode_request(b, n + 24, &d), PCP_SUCCESS);
	size_t pn = map_request(b, PCP_OP_PEER);
	memset(b + pn, 0, 24);
	b[pn] = PCP_OPT_FILTER;
	b[pn + 3] = 20;
	b[pn + 5] = 128;
	assert_int_equal(pcp_decode_request(b, pn + 24, &d), PCP_UNSUPP_OPTION);
	/* too many filters */
	size_t off = n;
	memcpy(b, buf, n);
	for (int i = 0; i < PCP_WIRE_MAX_FILTERS + 1 && off + 24 <= PCP_MAX_LEN; i++, off += 24) {
		memset(b + off, 0, 24);
		b[off] = PCP_OPT_FILTER;
		b[off + 3] = 20;
		b[off + 5] = 128;
		b[off + 4 + 14] = 0xff;
		b[off + 4 + 15] = 0xff;
	}
	assert_int_equal(pcp_decode_request(b, off, &d), PCP_EXCESSIVE_REMOTE_PEERS);
}

static void test_error_response_copies_request(void **state)
{
	(void)state;
	uint8_t buf[PCP_MAX_LEN], out[PCP_MAX_LEN];
	size_t n = map_request(buf, PCP_OP_MAP);
	size_t m = pcp_encode_error(buf, n, PCP_MALFORMED_OPTION, 1800, 42, out);
	assert_int_equal(m, n);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], PCP_R_BIT | PCP_OP_MAP);
	assert_int_equal(out[3], PCP_MALFORMED_OPTION);
	assert_int_equal(out[7], (uint8_t)1800);
	assert_int_equal(out[11], 42);
	for (int i = 12; i < 24; i++)
		assert_int_equal(out[i], 0);
	assert_memory_equal(out + 24, buf + 24, n - 24);
	/* a 6-byte request still gets a full header */
	assert_int_equal(pcp_encode_error(buf, 6, PCP_MALFORMED_REQUEST, 1, 1, out), 24);
	assert_int_equal(out[0], 2);
	/* a version-1 request is answered with version 2 */
	buf[0] = 1;
	pcp_encode_error(buf, n, PCP_UNSUPP_VERSION, 1, 1, out);
	assert_int_equal(out[0], 2);
	assert_string_equal(pcp_result_name(PCP_CANNOT_PROVIDE_EXTERNAL),
			    "CANNOT_PROVIDE_EXTERNAL");
	assert_string_equal(pcp_result_name(77), "UNKNOWN");
}

static void test_natpmp_codec(void **state)
{
	(void)state;
	uint8_t b[16];
	struct natpmp_req q = { 0, NATPMP_OP_MAP_TCP, 22, 2222, 3600 }, d;
	size_t n = natpmp_encode_request(&q, b);
	assert_int_equal(n, 12);
	assert_int_equal(natpmp_decode_request(b, n, &d), NATPMP_SUCCESS);
	assert_int_equal(d.int_port, 22);
	assert_int_equal(d.ext_port, 2222);
	assert_int_equal(d.lifetime, 3600);
	assert_int_equal(natpmp_decode_request(b, 11, &d), NATPMP_DROP); /* short */
	assert_int_equal(natpmp_decode_request(b, 1, &d), NATPMP_DROP);
	b[0] = 1;
	assert_int_equal(natpmp_decode_request(b, n, &d), NATPMP_UNSUPP_VERSION);
	b[0] = 0;
	b[1] = 9;
	assert_int_equal(natpmp_decode_request(b, n, &d), NATPMP_UNSUPP_OPCODE);
	b[1] = 0x81;
	assert_int_equal(natpmp_decode_request(b, n, &d), NATPMP_DROP); /* a response */
	b[1] = 0;
	assert_int_equal(natpmp_decode_request(b, 2, &d), NATPMP_SUCCESS);
	assert_int_equal(natpmp_decode_request(b, 4, &d), NATPMP_DROP); /* long */

	struct natpmp_rsp r = { .opcode = NATPMP_OP_ADDR, .epoch = 5, .ext_addr = 0xcb007101 }, rd;
	n = natpmp_encode_response(&r, b);
	assert_int_equal(n, 12);
	assert_int_equal(b[1], 128);
	assert_int_equal(natpmp_decode_response(b, n, &rd), NATPMP_SUCCESS);
	assert_int_equal(rd.ext_addr, 0xcb007101);
	r = (struct natpmp_rsp){ .opcode = 9, .result = NATPMP_UNSUPP_OPCODE };
	assert_int_equal(natpmp_encode_response(&r, b), 8);
	assert_int_equal(b[1], 128 + 9);
}

static void test_dpm_codec(void **state)
{
	(void)state;
	uint8_t b[DPM_MSG_LEN + 4];
	struct dpm_msg m = { .type = DPM_SETUP,
			     .flags = DPM_F_REPLACEABLE,
			     .proto = 6,
			     .in_port = 5000,
			     .addr = 0xcb007102,
			     .port = 80,
			     .lifetime = 60,
			     .txid = 0x01020304 },
		       d;
	assert_int_equal(dpm_encode(&m, b), DPM_MSG_LEN);
	assert_int_equal(b[0], 'D');
	assert_int_equal(b[2], 1);
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN, &d), DPM_OK);
	assert_int_equal(d.in_port, 5000);
	assert_int_equal(d.addr, 0xcb007102);
	assert_int_equal(d.port, 80);
	assert_int_equal(d.txid, 0x01020304);
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN - 4, &d), DPM_ERR_MALFORMED);
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN + 4, &d), DPM_ERR_MALFORMED);
	b[2] = 2;
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN, &d), DPM_ERR_VERSION);
	b[2] = 1;
	b[3] = 9;
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN, &d), DPM_ERR_MALFORMED);
	b[0] = 'X';
	assert_int_equal(dpm_decode(b, DPM_MSG_LEN, &d), -1);
	assert_string_equal(dpm_status_name(DPM_ERR_PORT_TAKEN), "port-taken");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_round_trip_with_options),
		cmocka_unit_test(test_peer_round_trip),
		cmocka_unit_test(test_request_faults_map_to_result_codes),
		cmocka_unit_test(test_error_response_copies_request),
		cmocka_unit_test(test_natpmp_codec),
		cmocka_unit_test(test_dpm_codec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
