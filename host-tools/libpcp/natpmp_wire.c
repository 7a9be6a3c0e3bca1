/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT-PMP (RFC 6886) codec; see natpmp_wire.h. */
#include "natpmp_wire.h"

#include <string.h>

#include "wire_bytes.h"

int natpmp_decode_request(const uint8_t *buf, size_t len, struct natpmp_req *r)
{
	memset(r, 0, sizeof(*r));
	if (len < 2 || (buf[1] & NATPMP_RESPONSE))
		return NATPMP_DROP;
	r->version = buf[0];
	r->opcode = buf[1];
	if (r->version != NATPMP_VERSION)
		return NATPMP_UNSUPP_VERSION;
	switch (r->opcode) {
	case NATPMP_OP_ADDR:
		return len == NATPMP_ADDR_REQ_LEN ? NATPMP_SUCCESS : NATPMP_DROP;
	case NATPMP_OP_MAP_UDP:
	case NATPMP_OP_MAP_TCP:
		if (len != NATPMP_MAP_REQ_LEN)
			return NATPMP_DROP;
		r->int_port = wb_get16(buf + 4);
		r->ext_port = wb_get16(buf + 6);
		r->lifetime = wb_get32(buf + 8);
		return NATPMP_SUCCESS;
	default:
		return NATPMP_UNSUPP_OPCODE;
	}
}

size_t natpmp_encode_response(const struct natpmp_rsp *r, uint8_t *out)
{
	out[0] = NATPMP_VERSION;
	out[1] = (uint8_t)(NATPMP_RESPONSE | r->opcode);
	wb_put16(out + 2, r->result);
	wb_put32(out + 4, r->epoch);
	if (r->header_only)
		return NATPMP_ERR_RSP_LEN;
	switch (r->opcode) {
	case NATPMP_OP_ADDR:
		wb_put32(out + 8, r->result == NATPMP_SUCCESS ? r->ext_addr : 0);
		return NATPMP_ADDR_RSP_LEN;
	case NATPMP_OP_MAP_UDP:
	case NATPMP_OP_MAP_TCP:
		wb_put16(out + 8, r->int_port);
		wb_put16(out + 10, r->ext_port);
		wb_put32(out + 12, r->lifetime);
		return NATPMP_MAP_RSP_LEN;
	default:
		return NATPMP_ERR_RSP_LEN;
	}
}

size_t natpmp_encode_request(const struct natpmp_req *r, uint8_t *out)
{
	out[0] = NATPMP_VERSION;
	out[1] = r->opcode;
	if (r->opcode == NATPMP_OP_ADDR)
		return NATPMP_ADDR_REQ_LEN;
	wb_put16(out + 2, 0);
	wb_put16(out + 4, r->int_port);
	wb_put16(out + 6, r->ext_port);
	wb_put32(out + 8, r->lifetime);
	return NATPMP_MAP_REQ_LEN;
}

int natpmp_decode_response(const uint8_t *buf, size_t len, struct natpmp_rsp *r)
{
	memset(r, 0, sizeof(*r));
	if (len < NATPMP_ERR_RSP_LEN || buf[0] != NATPMP_VERSION || !(buf[1] & NATPMP_RESPONSE))
		return NATPMP_DROP;
	r->opcode = buf[1] & 0x7f;
	r->result = wb_get16(buf + 2);
	r->epoch = wb_get32(buf + 4);
	if (r->opcode == NATPMP_OP_ADDR && len >= NATPMP_ADDR_RSP_LEN) {
		r->ext_addr = wb_get32(buf + 8);
	} else if ((r->opcode == NATPMP_OP_MAP_UDP || r->opcode == NATPMP_OP_MAP_TCP) &&
		   len >= NATPMP_MAP_RSP_LEN) {
		r->int_port = wb_get16(buf + 8);
		r->ext_port = wb_get16(buf + 10);
		r->lifetime = wb_get32(buf + 12);
	} else if (r->result == NATPMP_SUCCESS) {
		return NATPMP_DROP;
	}
	return NATPMP_SUCCESS;
}
