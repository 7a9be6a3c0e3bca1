/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPFIX exporter for NAT events (RFC 7011 messages over UDP, RFC 8158 NAT
 * event templates). Records are collected into one message and sent when
 * it is full or on rgd_ipfix_flush(); the templates go out before the first
 * record and again every template_refresh seconds, since a UDP collector
 * that started late or lost a datagram has no other way to learn them
 * (RFC 7011 section 8.4).
 *
 * Templates (IE numbers from the IANA IPFIX registry):
 *   256 NAT44 session / BIB:  observationTimeMilliseconds 323, natEvent 230,
 *       sourceIPv4Address 8, postNATSourceIPv4Address 225,
 *       protocolIdentifier 4, sourceTransportPort 7,
 *       postNAPTSourceTransportPort 227
 *   257 the same + destinationIPv4Address 12, destinationTransportPort 11
 *       (used only when destinations are to be logged)
 *   258 port block:  323, 230, 8, 225, portRangeStart 361, portRangeEnd 362
 *   259 addresses exhausted:  323, 230, natPoolID 283
 *   260 quota exceeded, per user:  323, 230, natQuotaExceededEvent 466,
 *       maxEntriesPerUser 473, sourceIPv4Address 8, protocolIdentifier 4
 *   261 quota exceeded, sessions:  323, 230, 466, maxSessionEntries 471
 *   262 quota exceeded, BIB:  323, 230, 466, maxBIBEntries 472
 */
#ifndef RGD_IPFIX_H
#define RGD_IPFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* natEvent values (RFC 8158 section 4, IANA "NAT Event Type") */
enum {
	RGD_NATEV_ADDRESSES_EXHAUSTED = 3,
	RGD_NATEV_SESSION_CREATE = 4,
	RGD_NATEV_SESSION_DELETE = 5,
	RGD_NATEV_BIB_CREATE = 8,
	RGD_NATEV_BIB_DELETE = 9,
	RGD_NATEV_QUOTA_EXCEEDED = 13,
	RGD_NATEV_BLOCK_ALLOC = 16,
	RGD_NATEV_BLOCK_FREE = 17,
};

/* natQuotaExceededEvent values (RFC 8158 section 4.4) */
enum {
	RGD_NATQ_MAX_SESSIONS = 1,
	RGD_NATQ_MAX_BIB = 2,
	RGD_NATQ_MAX_PER_USER = 3,
	RGD_NATQ_MAX_SUBSCRIBERS = 4, /* maximum active hosts or subscribers */
	RGD_NATQ_MAX_FRAGMENTS = 5,   /* maximum fragments pending reassembly */
};

#define RGD_IPFIX_PORT 4739    /* IANA */
#define RGD_IPFIX_MSG_MAX 1400 /* stays below a 1500-byte path MTU */

/* One NAT event as IPFIX sees it. Addresses and ports in host order. */
struct rgd_ipfix_rec {
	uint8_t nat_event; /* RGD_NATEV_* */
	uint8_t proto;
	bool has_dst; /* destination fields are set and may be exported */
	uint32_t src, post_src, dst;
	uint16_t sport, post_sport, dport;
	uint16_t port_lo, port_hi; /* port block */
	uint32_t pool_id;	   /* addresses exhausted */
	uint32_t quota_event;	   /* RGD_NATQ_*, with limit */
	uint32_t limit;
};

struct rgd_ipfix {
	int fd;	       /* -1: not exporting */
	uint32_t addr; /* collector, host order */
	uint16_t port;
	uint32_t domain;	   /* observation domain id */
	uint32_t template_refresh; /* seconds */
	uint64_t templates_sent_ms;
	bool templates_sent;
	uint32_t seq; /* data records sent so far (the header's sequence number) */
	unsigned pending;
	size_t len;    /* bytes in msg */
	size_t set_at; /* offset of the open data set's header, 0 = none */
	uint16_t set_id;
	uint64_t sent, send_errors;
	uint8_t msg[RGD_IPFIX_MSG_MAX];
};

/* Export to addr:port (host order). 0, or -1 with the reason in err. */
int rgd_ipfix_open(struct rgd_ipfix *x, uint32_t addr, uint16_t port, uint32_t domain,
		   uint32_t template_refresh, char *err, size_t errlen);
void rgd_ipfix_close(struct rgd_ipfix *x);

/* Add one record (now_ms: unix time in ms, the observation time). */
void rgd_ipfix_add(struct rgd_ipfix *x, const struct rgd_ipfix_rec *r, uint64_t now_ms);
/* Send what has been collected. */
void rgd_ipfix_flush(struct rgd_ipfix *x, uint64_t now_ms);
/* Periodic: re-send the templates when template_refresh has passed. */
void rgd_ipfix_tick(struct rgd_ipfix *x, uint64_t now_ms);

#endif /* RGD_IPFIX_H */
