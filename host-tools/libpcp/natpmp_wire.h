/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAT-PMP (RFC 6886) messages: version 0 on the PCP port. Opcode 0 asks for
 * the external address, 1 and 2 map a UDP or TCP port. Requests must have
 * exactly the size of their opcode; anything else is not acted upon.
 */
#ifndef RG_NATPMP_WIRE_H
#define RG_NATPMP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NATPMP_VERSION 0
#define NATPMP_OP_ADDR 0
#define NATPMP_OP_MAP_UDP 1
#define NATPMP_OP_MAP_TCP 2
#define NATPMP_RESPONSE 0x80
#define NATPMP_ADDR_REQ_LEN 2
#define NATPMP_MAP_REQ_LEN 12
#define NATPMP_ADDR_RSP_LEN 12
#define NATPMP_MAP_RSP_LEN 16
#define NATPMP_ERR_RSP_LEN 8

enum natpmp_result {
	NATPMP_SUCCESS = 0,
	NATPMP_UNSUPP_VERSION = 1,
	NATPMP_NOT_AUTHORIZED = 2, /* refused by policy */
	NATPMP_NETWORK_FAILURE = 3,
	NATPMP_NO_RESOURCES = 4,
	NATPMP_UNSUPP_OPCODE = 5,
};

/* Decoder verdicts that are not result codes. */
#define NATPMP_DROP (-1) /* a response, or a request of the wrong size */

struct natpmp_req {
	uint8_t version;
	uint8_t opcode;
	uint16_t int_port;
	uint16_t ext_port; /* suggested */
	uint32_t lifetime;
};

struct natpmp_rsp {
	uint8_t opcode;	  /* of the request; the R bit is added on encoding */
	bool header_only; /* the 8-byte form (unsupported version or opcode) */
	uint16_t result;
	uint32_t epoch;
	uint32_t ext_addr; /* opcode 0, host order */
	uint16_t int_port; /* opcodes 1, 2 */
	uint16_t ext_port;
	uint32_t lifetime;
};

/* Returns NATPMP_SUCCESS, NATPMP_DROP, NATPMP_UNSUPP_VERSION or
 * NATPMP_UNSUPP_OPCODE. */
int natpmp_decode_request(const uint8_t *buf, size_t len, struct natpmp_req *r);

/* Encodes the response for r->opcode with r->result: the opcode's full
 * form, or the 8-byte header form for unknown opcodes and header_only.
 * out must hold 16 bytes. Returns the length. */
size_t natpmp_encode_response(const struct natpmp_rsp *r, uint8_t *out);

/* Client side. */
size_t natpmp_encode_request(const struct natpmp_req *r, uint8_t *out);
int natpmp_decode_response(const uint8_t *buf, size_t len, struct natpmp_rsp *r);

#endif /* RG_NATPMP_WIRE_H */
