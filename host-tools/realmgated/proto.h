/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The allocation protocols served by realmgated: PCP (RFC 6887) and NAT-PMP
 * (RFC 6886) on one UDP port, and the DPM setup listener (seed 000). Each
 * handler takes one datagram with its sender and returns the answer to send
 * back (0 = send nothing); all of them turn requests into rgd_mapper calls,
 * so a mapping is on the card before its answer exists.
 *
 * Requests are served only for senders inside the inside realm
 * (cfg->realm); anything else is dropped and counted, never answered, so
 * the gateway cannot be made to reflect packets at a spoofed address.
 */
#ifndef RGD_PROTO_H
#define RGD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "../libpcp/pcp_wire.h"
#include "mapper.h"

struct rgd_proto_stats {
	uint64_t pcp_rx, pcp_results[PCP_RESULT__COUNT], pcp_dropped;
	uint64_t natpmp_rx, natpmp_results[6], natpmp_dropped;
	uint64_t dpm_rx, dpm_results[8], dpm_dropped;
	uint64_t outside_realm; /* dropped: sender not in the inside realm */
};

struct rgd_proto {
	struct rgd_mapper *mapper;
	const struct rgd_cfg *cfg;
	uint32_t (*epoch)(void *arg); /* PCP/NAT-PMP epoch time, seconds */
	void *epoch_arg;
	struct rgd_proto_stats stats;
};

/* Longest answer any handler writes. */
#define RGD_PROTO_MAX_RSP PCP_MAX_LEN

/* UDP 5351: PCP (version 2) and NAT-PMP (version 0). */
size_t rgd_port5351_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
			   uint16_t sport, uint8_t *out);
size_t rgd_pcp_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
		      uint16_t sport, uint8_t *out);
size_t rgd_natpmp_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
			 uint16_t sport, uint8_t *out);
/* The DPM port (default 1080). */
size_t rgd_dpm_handle(struct rgd_proto *s, const uint8_t *req, size_t len, uint32_t src,
		      uint16_t sport, uint8_t *out);

/* Unsolicited messages (after a restart or an outside-address change). */
size_t rgd_pcp_announce(struct rgd_proto *s, uint8_t *out);
/* A MAP/PEER response for a lease, sent without a request when the lease's
 * outside endpoint changed (RFC 6887 section 14.2); 0 for other owners. */
size_t rgd_pcp_unsolicited(struct rgd_proto *s, const struct rgd_lease *l, uint8_t *out);
/* NAT-PMP public address announcement (RFC 6886 section 3.2.1). */
size_t rgd_natpmp_announce(struct rgd_proto *s, uint32_t public_addr, uint8_t *out);

/* Lifetime a protocol grants for a requested one (0 stays 0). */
uint32_t rgd_clamp_lifetime(const struct rgd_cfg *cfg, uint32_t requested);

#endif /* RGD_PROTO_H */
