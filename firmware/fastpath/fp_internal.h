/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State between the soft fast path's pipeline stages (fp_stages.h), shared
 * by the one-packet path (fp_process.c) and the burst path (fp_burst.c) so
 * both run the same code.
 */
#ifndef RG_FW_FASTPATH_INTERNAL_H
#define RG_FW_FASTPATH_INTERNAL_H

#include "fp.h"

/* Per-packet state between stages (the RTL's pipeline registers). */
struct fp_ctx {
	struct rg_flow_key key;
	uint32_t win;	/* bytes of the header window present */
	uint32_t outer; /* offset of the outermost IPv4 header */
	uint32_t l3;	/* offset of the IPv4 header that is translated */
	uint32_t l4;
	uint32_t ip_end; /* end of that IPv4 packet */
	uint32_t idx;	 /* session index of a hit */
	uint8_t port;
	uint8_t proto;
	uint8_t ihl;
	uint8_t tunnel;
	uint8_t icmp_request;
	uint8_t force;
	uint8_t decided; /* verdict/reason are final */
	uint8_t verdict;
	uint8_t reason;
	uint8_t hit; /* a session matched */
	uint8_t dir;
	uint8_t executed; /* the session's FORWARD or DROP action ran */
};

/* The stages themselves are inline, in fp_stages.h. */

/* The egress frame of a result: output window ++ frame[consumed..). */
void fp_assemble(const uint8_t *frame, uint32_t len, const uint8_t *o,
		 const struct rg_fp_out_meta *m, uint8_t *out, uint32_t cap, uint32_t *out_len);

#endif /* RG_FW_FASTPATH_INTERNAL_H */
