/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP (RFC 6887) codec; see pcp_wire.h. */
#include "pcp_wire.h"

#include <string.h>

#include "wire_bytes.h"

#define PCP_RESULT_NAME(name, val) [val] = #name,
static const char *const result_names[] = { PCP_RESULTS(PCP_RESULT_NAME) };
#undef PCP_RESULT_NAME

const char *pcp_result_name(int result)
{
	if (result < 0 || result >= PCP_RESULT__COUNT)
		return "UNKNOWN";
	return result_names[result];
}

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void pcp_addr_from_v4(struct pcp_addr *a, uint32_t v4)
{
	memcpy(a->b, v4_prefix, 12);
	wb_put32(a->b + 12, v4);
}

bool pcp_addr_is_v4(const struct pcp_addr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

uint32_t pcp_addr_to_v4(const struct pcp_addr *a)
{
	return pcp_addr_is_v4(a) ? wb_get32(a->b + 12) : 0;
}

bool pcp_addr_is_zero(const struct pcp_addr *a)
{
	static const uint8_t zero[16];
	return memcmp(a->b, zero, 16) == 0 || (pcp_addr_is_v4(a) && pcp_addr_to_v4(a) == 0);
}

int pcp_opcode_len(uint8_t opcode)
{
	switch (opcode) {
	case PCP_OP_ANNOUNCE:
		return 0;
	case PCP_OP_MAP:
		return PCP_MAP_LEN;
	case PCP_OP_PEER:
		return PCP_PEER_LEN;
	default:
		return -1;
	}
}

/* Options each opcode accepts (RFC 6887 section 13, plus PREFER_FAILURE in
 * PEER: realmgate's encoding of seed 000's "port not replaceable"). */
static bool option_valid(uint8_t opcode, uint8_t code)
{
	switch (code) {
	case PCP_OPT_THIRD_PARTY:
		return opcode == PCP_OP_MAP || opcode == PCP_OP_PEER;
	case PCP_OPT_PREFER_FAILURE:
		return opcode == PCP_OP_MAP || opcode == PCP_OP_PEER;
	case PCP_OPT_FILTER:
		return opcode == PCP_OP_MAP;
	default:
		return false;
	}
}

static void get_opcode_payload(const uint8_t *p, struct pcp_msg *m)
{
	memcpy(m->nonce, p, PCP_NONCE_LEN);
	m->proto = p[12];
	m->int_port = wb_get16(p + 16);
	m->ext_port = wb_get16(p + 18);
	memcpy(m->ext_addr.b, p + 20, 16);
	if (m->opcode == PCP_OP_PEER) {
		m->peer_port = wb_get16(p + 36);
		memcpy(m->peer_addr.b, p + 40, 16);
	}
}

static void put_opcode_payload(const struct pcp_msg *m, uint8_t *p)
{
	memcpy(p, m->nonce, PCP_NONCE_LEN);
	p[12] = m->proto;
	memset(p + 13, 0, 3);
	wb_put16(p + 16, m->int_port);
	wb_put16(p + 18, m->ext_port);
	memcpy(p + 20, m->ext_addr.b, 16);
	if (m->opcode == PCP_OP_PEER) {
		wb_put16(p + 36, m->peer_port);
		wb_put16(p + 38, 0);
		memcpy(p + 40, m->peer_addr.b, 16);
	}
}

/* Options from p[0..len). Returns PCP_SUCCESS or the result code. */
static int parse_options(const uint8_t *p, size_t len, struct pcp_msg *m, bool strict)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 4)
			return PCP_MALFORMED_OPTION;
		uint8_t code = p[off];
		size_t olen = wb_get16(p + off + 2);
		size_t padded = (olen + 3) & ~(size_t)3;
		if (padded > len - off - 4)
			return PCP_MALFORMED_OPTION;
		const uint8_t *d = p + off + 4;
		off += 4 + padded;
		if (!option_valid(m->opcode, code)) {
			/* RFC 6887 7.3: an option the server does not process for
			 * this opcode fails the request only when it is
			 * mandatory-to-process (code < 128). */
			if (code < PCP_OPT_OPTIONAL_MIN && strict)
				return PCP_UNSUPP_OPTION;
			continue;
		}
		switch (code) {
		case PCP_OPT_THIRD_PARTY:
			if (olen != 16 || m->third_party)
				return PCP_MALFORMED_OPTION;
			m->third_party = true;
			memcpy(m->third_party_addr.b, d, 16);
			break;
		case PCP_OPT_PREFER_FAILURE:
			if (olen != 0 || m->prefer_failure)
				return PCP_MALFORMED_OPTION;
			m->prefer_failure = true;
			break;
		case PCP_OPT_FILTER: {
			if (olen != 20)
				return PCP_MALFORMED_OPTION;
			struct pcp_filter f;
			f.plen = d[1];
			f.port = wb_get16(d + 2);
			memcpy(f.addr.b, d + 4, 16);
			/* RFC 6887 13.3 with erratum 3891: 0 removes all filters;
			 * IPv4 97..128, IPv6 1..128. */
			if (f.plen > 128 || (f.plen != 0 && pcp_addr_is_v4(&f.addr) && f.plen < 97))
				return PCP_MALFORMED_OPTION;
			if (m->n_filters == PCP_WIRE_MAX_FILTERS)
				return PCP_EXCESSIVE_REMOTE_PEERS;
			m->filters[m->n_filters++] = f;
			break;
		}
		}
	}
	return PCP_SUCCESS;
}

int pcp_decode_request(const uint8_t *buf, size_t len, struct pcp_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < 2 || (buf[1] & PCP_R_BIT))
		return PCP_DROP;
	m->version = buf[0];
	m->opcode = buf[1] & 0x7f;
	if (m->version != PCP_VERSION)
		return PCP_UNSUPP_VERSION;
	if (len < PCP_HDR_LEN || len > PCP_MAX_LEN || len % 4 != 0)
		return PCP_MALFORMED_REQUEST;
	m->lifetime = wb_get32(buf + 4);
	memcpy(m->client.b, buf + 8, 16);
	int oplen = pcp_opcode_len(m->opcode);
	if (oplen < 0)
		return PCP_UNSUPP_OPCODE;
	if (len < (size_t)(PCP_HDR_LEN + oplen))
		return PCP_MALFORMED_REQUEST;
	if (oplen > 0)
		get_opcode_payload(buf + PCP_HDR_LEN, m);
	return parse_options(buf + PCP_HDR_LEN + oplen, len - PCP_HDR_LEN - (size_t)oplen, m, true);
}

int pcp_decode_response(const uint8_t *buf, size_t len, struct pcp_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < PCP_HDR_LEN || len > PCP_MAX_LEN || len % 4 != 0 || !(buf[1] & PCP_R_BIT))
		return PCP_MALFORMED_REQUEST;
	m->response = true;
	m->version = buf[0];
	m->opcode = buf[1] & 0x7f;
	m->result = buf[3];
	m->lifetime = wb_get32(buf + 4);
	m->epoch = wb_get32(buf + 8);
	int oplen = pcp_opcode_len(m->opcode);
	if (m->version != PCP_VERSION || oplen < 0 || len < (size_t)(PCP_HDR_LEN + oplen))
		return m->result != PCP_SUCCESS ? PCP_SUCCESS : PCP_MALFORMED_REQUEST;
	if (oplen > 0)
		get_opcode_payload(buf + PCP_HDR_LEN, m);
	/* a client takes what it understands from a response's options */
	if (parse_options(buf + PCP_HDR_LEN + oplen, len - PCP_HDR_LEN - (size_t)oplen, m, false) !=
	    PCP_SUCCESS)
		return PCP_MALFORMED_REQUEST;
	return PCP_SUCCESS;
}

static size_t put_option(uint8_t *p, uint8_t code, const void *data, uint16_t len)
{
	p[0] = code;
	p[1] = 0;
	wb_put16(p + 2, len);
	size_t padded = ((size_t)len + 3) & ~(size_t)3;
	memset(p + 4, 0, padded);
	if (len)
		memcpy(p + 4, data, len);
	return 4 + padded;
}

static size_t put_options(const struct pcp_msg *m, uint8_t *p)
{
	size_t off = 0;
	if (m->third_party)
		off += put_option(p + off, PCP_OPT_THIRD_PARTY, m->third_party_addr.b, 16);
	if (m->prefer_failure)
		off += put_option(p + off, PCP_OPT_PREFER_FAILURE, NULL, 0);
	for (unsigned i = 0; i < m->n_filters && i < PCP_WIRE_MAX_FILTERS; i++) {
		uint8_t d[20] = { 0 };
		d[1] = m->filters[i].plen;
		wb_put16(d + 2, m->filters[i].port);
		memcpy(d + 4, m->filters[i].addr.b, 16);
		off += put_option(p + off, PCP_OPT_FILTER, d, 20);
	}
	return off;
}

static size_t encoded_len(const struct pcp_msg *m)
{
	int oplen = pcp_opcode_len(m->opcode);
	if (oplen < 0)
		return 0;
	return PCP_HDR_LEN + (size_t)oplen + (m->third_party ? 20 : 0) +
	       (m->prefer_failure ? 4 : 0) + 24 * (size_t)m->n_filters;
}

size_t pcp_encode_request(const struct pcp_msg *m, uint8_t *out, size_t cap)
{
	size_t need = encoded_len(m);
	if (need == 0 || need > cap || m->n_filters > PCP_WIRE_MAX_FILTERS)
		return 0;
	memset(out, 0, PCP_HDR_LEN);
	out[0] = m->version ? m->version : PCP_VERSION;
	out[1] = m->opcode & 0x7f;
	wb_put32(out + 4, m->lifetime);
	memcpy(out + 8, m->client.b, 16);
	int oplen = pcp_opcode_len(m->opcode);
	if (oplen > 0)
		put_opcode_payload(m, out + PCP_HDR_LEN);
	put_options(m, out + PCP_HDR_LEN + oplen);
	return need;
}

size_t pcp_encode_response(const struct pcp_msg *m, uint8_t *out, size_t cap)
{
	size_t need = encoded_len(m);
	if (need == 0 || need > cap || need > PCP_MAX_LEN || m->n_filters > PCP_WIRE_MAX_FILTERS)
		return 0;
	memset(out, 0, PCP_HDR_LEN);
	out[0] = PCP_VERSION;
	out[1] = PCP_R_BIT | (m->opcode & 0x7f);
	out[3] = m->result;
	wb_put32(out + 4, m->lifetime);
	wb_put32(out + 8, m->epoch);
	int oplen = pcp_opcode_len(m->opcode);
	if (oplen > 0)
		put_opcode_payload(m, out + PCP_HDR_LEN);
	put_options(m, out + PCP_HDR_LEN + oplen);
	return need;
}

size_t pcp_encode_error(const uint8_t *req, size_t req_len, uint8_t result, uint32_t lifetime,
			uint32_t epoch, uint8_t *out)
{
	size_t n = req_len > PCP_MAX_LEN ? PCP_MAX_LEN : req_len;
	n &= ~(size_t)3;
	if (n < PCP_HDR_LEN)
		n = PCP_HDR_LEN;
	memset(out, 0, n);
	memcpy(out, req, req_len < n ? req_len : n);
	out[0] = PCP_VERSION;
	out[1] = PCP_R_BIT | (req_len > 1 ? (req[1] & 0x7f) : 0);
	out[2] = 0;
	out[3] = result;
	wb_put32(out + 4, lifetime);
	wb_put32(out + 8, epoch);
	memset(out + 12, 0, 12);
	return n;
}
