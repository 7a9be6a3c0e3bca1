/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract: counter identifiers readable through RG_OP_COUNTERS.
 *
 * One id space for the whole card:
 *   0 .. RG_FPC_COUNT-1      the fast path's counters (flow.h: RG_FPC_*),
 *                            folded by the firmware into 64-bit totals
 *   RG_FWC_BASE + n          the firmware's counters, listed below
 * Every id has a stable name (shown by `realmctl counters`, used in tests);
 * ids are never renumbered, new ones are appended.
 */
#ifndef REALMGATE_COUNTERS_H
#define REALMGATE_COUNTERS_H

#include "realmgate/flow.h"

#define RG_FWC_BASE 256u

/* X(name, "text name") in id order, starting at RG_FWC_BASE. */
#define RG_FW_COUNTERS(X)                                           \
	/* slow path input */                                       \
	X(SP_PACKETS, "slowpath-packets")                           \
	X(SP_TX, "slowpath-tx")                                     \
	X(SP_REINJECT, "slowpath-reinject")                         \
	/* slow path drops: parsing (never trust a length) */       \
	X(DROP_RUNT, "drop-runt")                                   \
	X(DROP_BAD_L2, "drop-bad-l2")                               \
	X(DROP_BAD_IP, "drop-bad-ip-header")                        \
	X(DROP_BAD_IP_CSUM, "drop-bad-ip-checksum")                 \
	X(DROP_BAD_L4, "drop-bad-l4-header")                        \
	X(DROP_BAD_L4_CSUM, "drop-bad-l4-checksum")                 \
	X(DROP_BAD_ICMP, "drop-bad-icmp")                           \
	X(DROP_BAD_ARP, "drop-bad-arp")                             \
	X(DROP_UNSUPPORTED, "drop-unsupported-protocol")            \
	X(DROP_IPV6, "drop-ipv6")                                   \
	/* slow path drops: policy */                               \
	X(DROP_NO_MAPPING, "drop-inbound-no-mapping")               \
	X(DROP_FILTERED, "drop-filtered")                           \
	X(DROP_ICMP_NO_MATCH, "drop-icmp-error-no-mapping")         \
	X(DROP_QUOTA_SESSIONS, "drop-quota-sessions")               \
	X(DROP_QUOTA_PORTS, "drop-quota-ports")                     \
	X(DROP_POOL_EXHAUSTED, "drop-pool-exhausted")               \
	X(DROP_TABLE_FULL, "drop-session-table-full")               \
	X(DROP_NO_POOL, "drop-no-pool")                             \
	X(DROP_TTL, "drop-ttl-expired")                             \
	X(DROP_FRAG_NEEDED, "drop-fragmentation-needed")            \
	X(DROP_FRAG_TABLE_FULL, "drop-fragment-table-full")         \
	X(DROP_FRAG_TIMEOUT, "drop-fragment-timeout")               \
	X(DROP_SYN_HELD_TIMEOUT, "drop-unsolicited-syn")            \
	X(DROP_NO_ROUTE, "drop-no-route")                           \
	X(DROP_ARP_UNRESOLVED, "drop-arp-unresolved")               \
	X(DROP_HOST_PORT_DOWN, "drop-host-port-down")               \
	X(DROP_EXCLUDED_INBOUND, "drop-excluded-inbound")           \
	X(DROP_RULE, "drop-rule")                                   \
	/* tables */                                                \
	X(SESSIONS_CREATED, "sessions-created")                     \
	X(SESSIONS_DELETED, "sessions-deleted")                     \
	X(SESSIONS_ACTIVE, "sessions-active")                       \
	X(SESSION_INSERT_FAIL, "session-insert-failures")           \
	X(MAPPINGS_CREATED, "mappings-created")                     \
	X(MAPPINGS_DELETED, "mappings-deleted")                     \
	X(MAPPINGS_ACTIVE, "mappings-active")                       \
	X(BLOCKS_ALLOCATED, "port-blocks-allocated")                \
	X(BLOCKS_FREED, "port-blocks-freed")                        \
	X(FRAGS_TRACKED, "fragments-tracked")                       \
	X(FRAGS_TRANSLATED, "fragments-translated")                 \
	X(ADJ_ACTIVE, "adjacencies-active")                         \
	/* services */                                              \
	X(ARP_REQUESTS_IN, "arp-requests-in")                       \
	X(ARP_REPLIES_OUT, "arp-replies-out")                       \
	X(ARP_REQUESTS_OUT, "arp-requests-out")                     \
	X(ICMP_ECHO_REPLIES, "icmp-echo-replies")                   \
	X(ICMP_ERRORS_SENT, "icmp-errors-sent")                     \
	X(ICMP_ERRORS_TRANSLATED, "icmp-errors-translated")         \
	X(HAIRPIN, "hairpinned")                                    \
	X(TO_HOST, "to-host")                                       \
	X(FROM_HOST, "from-host")                                   \
	/* mailbox */                                               \
	X(CMD_OK, "commands-ok")                                    \
	X(CMD_ERROR, "commands-failed")                             \
	X(EVENTS_SENT, "events-sent")                               \
	X(EVENTS_LOST, "events-lost")                               \
	/* appended by the slow path */                             \
	X(INDEX_TAG_SHADOWS, "index-tag-shadows")                   \
	X(SYNS_HELD, "syns-held")                                   \
	X(SYNS_SIMULTANEOUS_OPEN, "syns-simultaneous-open")         \
	X(SP_TRANSLATED, "slowpath-translated")                     \
	X(FRAGS_CREATED, "fragments-created")                       \
	X(DROP_TO_CARD, "drop-to-card-unserved")                    \
	X(DROP_BROADCAST, "drop-broadcast")                         \
	X(DROP_INSIDE_LEAK, "drop-inside-address-leak")             \
	X(DROP_HOST_SOURCE, "drop-host-bad-source")                 \
	X(DROP_MAPPING_TABLE_FULL, "drop-mapping-table-full")       \
	X(DROP_SUBSCRIBER_TABLE_FULL, "drop-subscriber-table-full") \
	X(DROP_NEIGH_TABLE_FULL, "drop-neighbour-table-full")       \
	X(MSS_CLAMPED, "tcp-mss-clamped")                           \
	X(ICMP_ERRORS_RATE_LIMITED, "icmp-errors-rate-limited")     \
	X(NEIGHBOURS_RECLAIMED, "neighbours-reclaimed")             \
	X(SUBSCRIBERS_ACTIVE, "subscribers-active")                 \
	X(DROP_OVERSIZE, "drop-oversize-frame")                     \
	X(DROP_SYN_HOLD_FULL, "drop-syn-hold-table-full")           \
	X(DROP_FRAG_TOO_BIG, "drop-fragment-too-big-to-hold")       \
	X(DROP_ICMP_ERROR_FRAG, "drop-icmp-error-fragment")         \
	X(DROP_SESSION_UNREADABLE, "drop-session-unreadable")       \
	X(DROP_TUNNEL_NO_SESSION, "drop-tunnel-no-session")         \
	X(DROP_SPOOFED, "drop-spoofed-source")                      \
	X(DROP_WRONG_VLAN, "drop-wrong-vlan")                       \
	X(DROP_HOST_MULTICAST, "drop-host-routed-multicast")        \
	X(REASSEMBLED, "reassembled-for-card")                      \
	X(DROP_REASM, "drop-reassembly")                            \
	X(TCP_RESETS_SENT, "tcp-resets-sent")                       \
	X(TCP_RESETS_RATE_LIMITED, "tcp-resets-rate-limited")       \
	X(FRAGS_HELD_SPLIT, "fragments-held-split")                 \
	X(TICKS_PACED, "timer-ticks-paced")

#define RG_FWC_ENUM(name, text) RG_FWC_##name,
enum rg_fw_counter { RG_FWC_FIRST_ = RG_FWC_BASE - 1, RG_FW_COUNTERS(RG_FWC_ENUM) RG_FWC_END };
#undef RG_FWC_ENUM
#define RG_FWC_COUNT (RG_FWC_END - RG_FWC_BASE)

#endif /* REALMGATE_COUNTERS_H */
