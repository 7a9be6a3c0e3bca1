/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCP (RFC 6887) messages on the wire: request and response codec for the
 * MAP, PEER and ANNOUNCE opcodes and the THIRD_PARTY, PREFER_FAILURE and
 * FILTER options. Shared by realmgated (server side) and pcp-client.
 *
 * The decoder checks everything that can be checked without state (length,
 * version, opcode, option syntax and placement) and reports the RFC result
 * code for the first fault, in the order of RFC 6887 section 8.3; the server
 * adds the checks that need its state and policy.
 *
 * Addresses are carried as 16 bytes (IPv4 as ::ffff:a.b.c.d); ports and
 * lifetimes in the structures are host order.
 */
#ifndef RG_PCP_WIRE_H
#define RG_PCP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCP_VERSION 2
#define PCP_SERVER_PORT 5351
#define PCP_CLIENT_PORT 5350 /* unsolicited responses go here */
#define PCP_MAX_LEN 1100
#define PCP_HDR_LEN 24
#define PCP_MAP_LEN 36	/* MAP opcode payload */
#define PCP_PEER_LEN 56 /* PEER opcode payload */
#define PCP_NONCE_LEN 12
#define PCP_R_BIT 0x80

/* Filters one request may carry; the server refuses more than the card
 * takes with EXCESSIVE_REMOTE_PEERS. */
#define PCP_WIRE_MAX_FILTERS 32

enum pcp_opcode {
	PCP_OP_ANNOUNCE = 0,
	PCP_OP_MAP = 1,
	PCP_OP_PEER = 2,
};

#define PCP_RESULTS(X)                 \
	X(SUCCESS, 0)                  \
	X(UNSUPP_VERSION, 1)           \
	X(NOT_AUTHORIZED, 2)           \
	X(MALFORMED_REQUEST, 3)        \
	X(UNSUPP_OPCODE, 4)            \
	X(UNSUPP_OPTION, 5)            \
	X(MALFORMED_OPTION, 6)         \
	X(NETWORK_FAILURE, 7)          \
	X(NO_RESOURCES, 8)             \
	X(UNSUPP_PROTOCOL, 9)          \
	X(USER_EX_QUOTA, 10)           \
	X(CANNOT_PROVIDE_EXTERNAL, 11) \
	X(ADDRESS_MISMATCH, 12)        \
	X(EXCESSIVE_REMOTE_PEERS, 13)

#define PCP_RESULT_ENUM(name, val) PCP_##name = val,
enum pcp_result { PCP_RESULTS(PCP_RESULT_ENUM) PCP_RESULT__COUNT };
#undef PCP_RESULT_ENUM

/* Not a result code: the decoder's verdict for a datagram the server must
 * drop without answering (shorter than 2 bytes, or a response). */
#define PCP_DROP (-1)

enum pcp_option_code {
	PCP_OPT_THIRD_PARTY = 1,
	PCP_OPT_PREFER_FAILURE = 2,
	PCP_OPT_FILTER = 3,
};
#define PCP_OPT_OPTIONAL_MIN 128 /* codes >= 128 may be ignored */

struct pcp_addr {
	uint8_t b[16];
};

struct pcp_filter {
	uint8_t plen; /* as on the wire: 96 + IPv4 prefix length, 0 = remove all */
	uint16_t port;
	struct pcp_addr addr;
};

/* One PCP message, request or response. */
struct pcp_msg {
	uint8_t version;
	uint8_t opcode;
	bool response;
	uint8_t result;		/* response */
	uint32_t lifetime;	/* requested (request) or granted (response) */
	uint32_t epoch;		/* response */
	struct pcp_addr client; /* request: PCP client's IP address */

	/* MAP and PEER */
	uint8_t nonce[PCP_NONCE_LEN];
	uint8_t proto;
	uint16_t int_port;
	uint16_t ext_port; /* suggested (request) or assigned (response) */
	struct pcp_addr ext_addr;
	/* PEER */
	uint16_t peer_port;
	struct pcp_addr peer_addr;

	/* options */
	bool third_party;
	struct pcp_addr third_party_addr;
	bool prefer_failure;
	unsigned n_filters;
	struct pcp_filter filters[PCP_WIRE_MAX_FILTERS];
};

/* Name of a result code ("CANNOT_PROVIDE_EXTERNAL"), "UNKNOWN" otherwise. */
const char *pcp_result_name(int result);

/* IPv4 (host order) <-> 16-byte form. */
void pcp_addr_from_v4(struct pcp_addr *a, uint32_t v4);
bool pcp_addr_is_v4(const struct pcp_addr *a);
uint32_t pcp_addr_to_v4(const struct pcp_addr *a); /* 0 unless is_v4 */
bool pcp_addr_is_zero(const struct pcp_addr *a);   /* :: or ::ffff:0.0.0.0 */

/* Payload bytes of an opcode, or -1 for an unknown opcode. */
int pcp_opcode_len(uint8_t opcode);

/* Decode a request. Returns PCP_SUCCESS with *m filled, PCP_DROP, or the
 * result code the server answers with (m is then partially filled). */
int pcp_decode_request(const uint8_t *buf, size_t len, struct pcp_msg *m);

/* Decode a response (client side). Returns PCP_SUCCESS when the message is
 * a well-formed response (its own result code is in m->result), else
 * PCP_MALFORMED_REQUEST. */
int pcp_decode_response(const uint8_t *buf, size_t len, struct pcp_msg *m);

/* Encode a request or a response from *m; returns the length, 0 if out is
 * too small (cap >= PCP_MAX_LEN always suffices). */
size_t pcp_encode_request(const struct pcp_msg *m, uint8_t *out, size_t cap);
size_t pcp_encode_response(const struct pcp_msg *m, uint8_t *out, size_t cap);

/* Error response to a request that could not be (fully) decoded, built as
 * RFC 6887 section 7.2 says: a copy of the request (at most 1100 bytes, at
 * least the 24-byte header, zero-padded to a multiple of 4) with the R bit,
 * version 2, the result, lifetime and epoch set and the client address
 * field zeroed. out must hold PCP_MAX_LEN bytes. Returns the length. */
size_t pcp_encode_error(const uint8_t *req, size_t req_len, uint8_t result, uint32_t lifetime,
			uint32_t epoch, uint8_t *out);

#endif /* RG_PCP_WIRE_H */
