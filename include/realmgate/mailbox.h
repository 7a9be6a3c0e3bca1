/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract: the mailbox — DMA rings between host and card, the command,
 * completion and event records that travel on them, the host-port packet
 * descriptors, status codes and every command's payload.
 *
 * Rings (registers in regmap.h):
 *   CMD  host -> card   struct rg_cmd        128 bytes
 *   CPL  card -> host   struct rg_cpl        128 bytes
 *   EVT  card -> host   struct rg_evt         64 bytes
 *   HTX  host -> card   struct rg_pkt_desc    16 bytes  packets into the host port
 *   HRX  host -> card   struct rg_pkt_desc    16 bytes  empty buffers, filled
 *                                                       with packets out of it
 *
 * Indices are free-running 32-bit counters; slot = index & (size - 1).
 *
 * Phase rule. Everything the card writes for the host (completions, events,
 * descriptor write-backs) carries a phase bit. For the entry at free-running
 * index i of a ring with 2^n entries:
 *       phase(i) = ((i >> n) & 1) ^ 1        (1 on the first lap)
 * The host owns a consumer index c and knows the entry is new exactly when
 * its phase bit equals phase(c); ring memory starts zeroed, so nothing is
 * valid before the card writes it. The card writes the body first and the
 * word holding the phase bit last (release order). Hence the host never
 * reads a card index over MMIO; it only writes its own index to the ring's
 * doorbell (so the card knows how far it may write).
 *
 * Flow control: the host keeps at most CPL-ring-size commands outstanding;
 * when the event ring is full the card drops events and reports the count in
 * an RG_EVT_LOST event once there is room again.
 *
 * Bulk results (session and mapping listings, counters) go to a host DMA
 * buffer named by the command (buf_addr, buf_len); the completion says how
 * many bytes were written.
 */
#ifndef REALMGATE_MAILBOX_H
#define REALMGATE_MAILBOX_H

#include "realmgate/types.h"

static inline uint32_t rg_phase(uint32_t index, uint32_t size_log2)
{
	return ((index >> size_log2) & 1u) ^ 1u;
}

/* ------------------------------------------------------------------------ */
/* Ring records                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Command (128 bytes)
 *   0       2       4       6       8               16      20      24       128
 *  +-------+-------+-------+-------+---------------+-------+-------+--------+
 *  |opcode |  tag  |  len  | flags |   buf_addr    |buf_len| rsvd  |payload |
 *  +-------+-------+-------+-------+---------------+-------+-------+--------+
 */
#define RG_CMD_PAYLOAD 104
struct rg_cmd {
	uint16_t opcode;   /* enum rg_opcode */
	uint16_t tag;	   /* chosen by the host, echoed in the completion */
	uint16_t len;	   /* payload bytes used */
	uint16_t flags;	   /* per-opcode */
	uint64_t buf_addr; /* DMA address of a result buffer, 0 = none */
	uint32_t buf_len;  /* its size in bytes */
	uint32_t rsvd;
	uint8_t payload[RG_CMD_PAYLOAD];
};
RG_ASSERT_SIZE(struct rg_cmd, 128);
RG_ASSERT_OFFSET(struct rg_cmd, buf_addr, 8);
RG_ASSERT_OFFSET(struct rg_cmd, buf_len, 16);
RG_ASSERT_OFFSET(struct rg_cmd, payload, 24);

/*
 * Completion (128 bytes); phase word written last.
 *   0       2       4       6       8       12      16                124     128
 *  +-------+-------+-------+-------+-------+-------+----------------+-------+
 *  |  tag  |status |  len  | rsvd  |buf_use| rsvd  |    payload     | phase |
 *  +-------+-------+-------+-------+-------+-------+----------------+-------+
 */
#define RG_CPL_PAYLOAD 108
struct rg_cpl {
	uint16_t tag;
	uint16_t status; /* enum rg_status */
	uint16_t len;	 /* payload bytes used */
	uint16_t rsvd0;
	uint32_t buf_used; /* bytes written into the command's buffer */
	uint32_t rsvd1;
	uint8_t payload[RG_CPL_PAYLOAD];
	uint32_t phase; /* bit 0: phase */
};
RG_ASSERT_SIZE(struct rg_cpl, 128);
RG_ASSERT_OFFSET(struct rg_cpl, buf_used, 8);
RG_ASSERT_OFFSET(struct rg_cpl, payload, 16);
RG_ASSERT_OFFSET(struct rg_cpl, phase, 124);

/*
 * Event (64 bytes); phase word written last.
 *   0       2       4       8       12      16             60      64
 *  +-------+-------+-------+-------+-------+--------------+-------+
 *  | type  |  len  |  seq  | ts_ms | rsvd  |   payload    | phase |
 *  +-------+-------+-------+-------+-------+--------------+-------+
 */
#define RG_EVT_PAYLOAD 44
struct rg_evt {
	uint16_t type;	/* enum rg_event_type */
	uint16_t len;	/* payload bytes used */
	uint32_t seq;	/* per-card event sequence number (gaps = lost events) */
	uint32_t ts_ms; /* card time */
	uint32_t rsvd;
	uint8_t payload[RG_EVT_PAYLOAD];
	uint32_t phase;
};
RG_ASSERT_SIZE(struct rg_evt, 64);
RG_ASSERT_OFFSET(struct rg_evt, payload, 16);
RG_ASSERT_OFFSET(struct rg_evt, phase, 60);

/*
 * Host-port packet descriptor (16 bytes), HTX and HRX rings.
 *   0               8       10      12      14      16
 *  +---------------+-------+-------+-------+-------+
 *  |     addr      |  len  | flags | rsvd  |status |
 *  +---------------+-------+-------+-------+-------+
 * HTX: host fills addr/len with a frame for the card; the card writes
 *      status = DONE | phase once it has taken the frame.
 * HRX: host fills addr/len with an empty buffer; the card writes the frame,
 *      len = frame length, then status = DONE | phase (| ERROR when the
 *      frame did not fit and was dropped).
 * The host writes status = 0 when it (re)posts a descriptor.
 */
struct rg_pkt_desc {
	uint64_t addr;
	uint16_t len;
	uint16_t flags;
	uint16_t rsvd;
	uint16_t status;
};
RG_ASSERT_SIZE(struct rg_pkt_desc, 16);
RG_ASSERT_OFFSET(struct rg_pkt_desc, len, 8);
RG_ASSERT_OFFSET(struct rg_pkt_desc, status, 14);

#define RG_DESC_DONE 0x1u
#define RG_DESC_PHASE 0x2u
#define RG_DESC_ERROR 0x4u

/* Ring sizes the card accepts. */
#define RG_RING_LOG2_MIN 2u
#define RG_RING_LOG2_MAX 15u

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

#define RG_STATUS_CODES(X)                                               \
	X(OK, 0, "ok")                                                   \
	X(INVALID, 1, "malformed command or field out of range")         \
	X(UNKNOWN_OP, 2, "unknown opcode")                               \
	X(BAD_LENGTH, 3, "payload length does not match the opcode")     \
	X(NO_RESOURCES, 4, "table or pool exhausted")                    \
	X(EXISTS, 5, "already exists")                                   \
	X(NOT_FOUND, 6, "no such entry")                                 \
	X(QUOTA, 7, "subscriber quota exceeded")                         \
	X(BUSY, 8, "card busy, retry")                                   \
	X(NOT_AUTHORIZED, 9, "not allowed by policy")                    \
	X(NOT_SUPPORTED, 10, "feature not present on this card")         \
	X(VERSION, 11, "contract version mismatch")                      \
	X(TIMEOUT, 12, "card did not answer in time")                    \
	X(CARD_GONE, 13, "card stopped or was reset")                    \
	X(CANNOT_PROVIDE, 14, "requested address or port not available") \
	X(IO, 15, "DMA or device access error")

#define RG_STATUS_ENUM(name, val, text) RG_ST_##name = val,
enum rg_status { RG_STATUS_CODES(RG_STATUS_ENUM) RG_ST__COUNT };
#undef RG_STATUS_ENUM

/* ------------------------------------------------------------------------ */
/* Opcodes                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Ranges kept for the systems that plug in later (see docs/design.md):
 *   0x0100-0x01ff  DNAT/PAP: port-block and SPI-block leases, SA peers,
 *                  blacklists, host revocation (seed 003)
 *   0x0200-0x02ff  proxy mode: random-device learning, proxy ARP (seed 002)
 *   0x0300-0x03ff  CAPA pending states (seed 004)
 */
#define RG_OPCODES(X)                                  \
	X(NOP, 0x0000, "nop")                          \
	X(INFO, 0x0001, "info")                        \
	X(RESET, 0x0002, "reset")                      \
	X(SET_CONFIG, 0x0003, "set-config")            \
	X(GET_CONFIG, 0x0004, "get-config")            \
	X(POOL_SET, 0x0010, "pool-set")                \
	X(POOL_ADD_RANGE, 0x0011, "pool-add-range")    \
	X(POOL_DEL, 0x0012, "pool-del")                \
	X(POOL_LIST, 0x0013, "pool-list")              \
	X(POOL_ADDR_LIST, 0x0014, "pool-address-list") \
	X(RULE_ADD, 0x0020, "rule-add")                \
	X(RULE_DEL, 0x0021, "rule-del")                \
	X(RULE_LIST, 0x0022, "rule-list")              \
	X(MAP_ADD, 0x0030, "mapping-add")              \
	X(MAP_DEL, 0x0031, "mapping-del")              \
	X(MAP_GET, 0x0032, "mapping-get")              \
	X(MAP_LIST, 0x0033, "mapping-list")            \
	X(SESSION_LIST, 0x0040, "session-list")        \
	X(SESSION_DEL, 0x0041, "session-del")          \
	X(SUBSCRIBER_LIST, 0x0044, "subscriber-list")  \
	X(COUNTERS, 0x0050, "counters")                \
	X(EVENT_MASK, 0x0060, "event-mask")

#define RG_OPCODE_ENUM(name, val, text) RG_OP_##name = val,
enum rg_opcode { RG_OPCODES(RG_OPCODE_ENUM) };
#undef RG_OPCODE_ENUM

/* ------------------------------------------------------------------------ */
/* Payloads                                                                 */
/* ------------------------------------------------------------------------ */

/* RG_OP_INFO: no request payload; completion payload: */
struct rg_info {
	uint32_t contract_version;
	uint32_t fw_version;
	uint32_t rtl_version;
	uint32_t fastpath; /* enum rg_fastpath_kind */
	uint64_t features; /* RG_FEAT_* */
	uint32_t sessions_max;
	uint32_t sessions_used;
	uint32_t mappings_max;
	uint32_t mappings_used;
	uint32_t adjacencies_max;
	uint32_t uptime_s;
	uint8_t port_mac[4][6];
	uint32_t serial;
	uint32_t rsvd;
};
RG_ASSERT_SIZE(struct rg_info, 80);

/* RG_OP_RESET: no payload. Clears every session, mapping, rule and pool and
 * restores default configuration; the rings stay up. */

/* RG_OP_SET_CONFIG / RG_OP_GET_CONFIG: global configuration. */
struct rg_config {
	rg_be32 inside_addr;	       /* the card's own inside address */
	rg_be32 inside_gw;	       /* inside next hop for off-link inside prefixes, 0 = none */
	rg_be32 outside_addr;	       /* the card's own outside address */
	rg_be32 outside_gw;	       /* outside default next hop, 0 = all on-link */
	uint8_t inside_plen;	       /* on-link inside prefix length */
	uint8_t outside_plen;	       /* on-link outside prefix length */
	uint16_t flags;		       /* RG_CFG_* */
	uint16_t mtu[4];	       /* IP MTU per port, 0 = 1500 */
	uint32_t udp_timeout_s;	       /* >= 120, default 300 */
	uint32_t tcp_est_timeout_s;    /* >= 7440 */
	uint32_t tcp_trans_timeout_s;  /* >= 240 */
	uint32_t icmp_timeout_s;       /* >= 60 */
	uint32_t syn_hold_s;	       /* unsolicited SYN hold, >= 6 */
	uint32_t frag_timeout_s;       /* fragment tracking lifetime */
	uint32_t port_holddown_s;      /* freed port reuse delay, >= 120 */
	uint32_t max_sessions_per_sub; /* 0 = unlimited */
	uint32_t max_ports_per_sub;    /* 0 = unlimited */
	uint16_t mss_clamp;	       /* 0 = off */
	/* 802.1Q VLAN of each realm port (inside, outside), 0 = untagged: the
	 * card tags what it sends there with this VID (priority 0) and takes
	 * new flows and ARP there only with it (else drop-wrong-vlan) */
	uint16_t vlan[2];
	uint16_t rsvd;
};
RG_ASSERT_SIZE(struct rg_config, 72);
RG_ASSERT_OFFSET(struct rg_config, vlan, 66);
#define RG_VLAN_VID_MAX 4094u

/* The least a timer of struct rg_config may be (0 selects the card's
 * default); SET_CONFIG refuses less with INVALID. */
#define RG_MIN_UDP_TIMEOUT_S 120u	/* RFC 4787 REQ-5 */
#define RG_MIN_TCP_EST_TIMEOUT_S 7440u	/* RFC 5382 REQ-5: 2 h 4 min */
#define RG_MIN_TCP_TRANS_TIMEOUT_S 240u /* RFC 5382 REQ-5: 4 min */
#define RG_MIN_ICMP_TIMEOUT_S 60u	/* RFC 5508 REQ-1 */
#define RG_MIN_SYN_HOLD_S 6u		/* RFC 5382 REQ-4 */
#define RG_MIN_PORT_HOLDDOWN_S 120u	/* RFC 6888 REQ-8 (hold-down before reuse) */
/* and the most any of them may be: 7 days, so that the card's timers
 * (milliseconds in 32 bits) never overflow */
#define RG_MAX_TIMEOUT_S 604800u

#define RG_CFG_HAIRPIN 0x0001u		/* hairpinning on */
#define RG_CFG_UNREACH_ON_QUOTA 0x0002u /* ICMP type 3 code 13 on exhaustion */
#define RG_CFG_LOG_DEST 0x0004u		/* put remote addresses in events */
#define RG_CFG_INBOUND_REFRESH 0x0008u	/* inbound UDP refreshes mappings */
#define RG_CFG_SYN_UNREACH 0x0010u	/* answer held SYNs with ICMP, else drop */

/* RG_OP_POOL_SET: create or update a pool (addresses added separately). */
struct rg_pool {
	uint8_t id;
	uint8_t mode;	      /* enum rg_pool_mode */
	uint8_t mapping;      /* enum rg_mapping_behaviour */
	uint8_t filtering[3]; /* enum rg_filtering_behaviour for UDP, TCP, ICMP */
	uint16_t flags;	      /* RG_POOLF_* */
	uint16_t port_lo;     /* port range handed out (inclusive) */
	uint16_t port_hi;
	uint16_t block_size; /* ports per block (PORT_BLOCK, DETERMINISTIC) */
	uint16_t rsvd;
	rg_be32 sub_addr; /* inside prefix this pool serves */
	uint8_t sub_plen;
	uint8_t rsvd2[3];
};
RG_ASSERT_SIZE(struct rg_pool, 24);

enum rg_pool_mode {
	RG_POOL_DYNAMIC = 0,	   /* per-port allocation */
	RG_POOL_PORT_BLOCK = 1,	   /* blocks of block_size ports per subscriber */
	RG_POOL_DETERMINISTIC = 2, /* RFC 7422: range computed from inside address */
};
enum rg_mapping_behaviour {
	RG_MAP_EIM = 0, /* endpoint-independent */
	RG_MAP_ADM = 1, /* address-dependent */
	RG_MAP_APDM = 2 /* address-and-port-dependent */
};
enum rg_filtering_behaviour {
	RG_FILTER_EIF = 0,
	RG_FILTER_ADF = 1,
	RG_FILTER_APDF = 2,
};
#define RG_POOLF_PORT_PRESERVE 0x1u
#define RG_POOLF_PARITY 0x2u
#define RG_POOLF_PAIRED 0x4u

/* RG_OP_POOL_ADD_RANGE: add an outside address range [lo, hi] to a pool. */
struct rg_pool_range {
	uint8_t id;
	uint8_t rsvd[3];
	rg_be32 lo;
	rg_be32 hi;
};
RG_ASSERT_SIZE(struct rg_pool_range, 12);

/* Record of RG_OP_POOL_ADDR_LIST (paged, struct rg_page_req): one outside
 * address of a pool, in address order, with what it hands out: the
 * subscribers paired with it and the ports (identifiers for ICMP) taken in
 * each port space, held-down ones and those of port blocks included, out of
 * ports_total = the pool's port range (per space). */
struct rg_pool_addr_rec {
	rg_be32 addr;
	uint8_t pool;
	uint8_t rsvd[3];
	uint32_t subscribers;
	uint32_t ports_used[3]; /* UDP, TCP, ICMP */
	uint32_t ports_total;
	uint32_t rsvd2;
};
RG_ASSERT_SIZE(struct rg_pool_addr_rec, 32);

/* RG_OP_POOL_DEL: payload is the pool id (uint8_t). Refused with BUSY while
 * mappings use the pool. */

/* RG_OP_RULE_ADD / RULE_DEL: static rules. The most specific match wins
 * (longest source prefix, then longest destination prefix, then lowest id). */
struct rg_rule {
	uint32_t id;
	uint8_t kind;  /* enum rg_rule_kind */
	uint8_t proto; /* 0 = any */
	uint8_t src_plen;
	uint8_t dst_plen;
	rg_be32 src_addr; /* remote source (FORWARD/SPLIT) or inside source */
	rg_be32 dst_addr;
	rg_be16 dport_lo;
	rg_be16 dport_hi;
	rg_be32 to_addr; /* target address */
	rg_be16 to_port; /* target port, 0 = keep */
	uint16_t flags;
};
RG_ASSERT_SIZE(struct rg_rule, 28);

enum rg_rule_kind {
	RG_RULE_FORWARD = 1, /* static port forward: outside dst -> inside to_addr:to_port,
	                        optionally only for a remote source prefix (split rule) */
	RG_RULE_DSTNAT = 2,  /* inside -> dst rewritten to to_addr:to_port (twice-NAT) */
	RG_RULE_EXCLUDE = 3, /* no translation toward dst prefix */
	RG_RULE_TO_HOST = 4, /* packets to dst (own address) and ports go to the host port */
	RG_RULE_DROP = 5,    /* drop and count */
};

/* RG_OP_MAP_ADD: request an endpoint-independent mapping (PCP MAP, NAT-PMP,
 * static API). Completion payload: struct rg_map_rsp. */
#define RG_MAP_MAX_FILTERS 8
struct rg_map_filter {
	rg_be32 addr;
	uint8_t plen; /* 0 = any address */
	uint8_t rsvd;
	rg_be16 port; /* 0 = any port */
};
RG_ASSERT_SIZE(struct rg_map_filter, 8);

struct rg_map_req {
	uint8_t proto;
	uint8_t flags; /* RG_MAPF_* */
	uint8_t n_filters;
	uint8_t rsvd;
	rg_be32 in_addr;
	rg_be16 in_port;
	rg_be16 out_port; /* suggested, 0 = any */
	rg_be32 out_addr; /* suggested, 0 = any */
	uint32_t lifetime_s;
	rg_be32 rem_addr; /* PEER: the remote endpoint, else 0 */
	rg_be16 rem_port;
	uint16_t owner; /* requester class (enum rg_map_owner) */
	struct rg_map_filter filters[RG_MAP_MAX_FILTERS];
};
RG_ASSERT_SIZE(struct rg_map_req, 92);
_Static_assert(sizeof(struct rg_map_req) <= RG_CMD_PAYLOAD, "map request fits a command");

#define RG_MAPF_PREFER_FAILURE 0x01u /* suggested endpoint or nothing */
#define RG_MAPF_PEER 0x02u	     /* pre-create the session to rem_addr:rem_port */
#define RG_MAPF_REPLACE_FILTERS 0x04u

enum rg_map_owner {
	RG_OWNER_DYNAMIC = 0, /* created by traffic */
	RG_OWNER_STATIC = 1,
	RG_OWNER_PCP = 2,
	RG_OWNER_NATPMP = 3,
	RG_OWNER_DPM = 4,
	RG_OWNER_CLI = 5,
};

struct rg_map_rsp {
	rg_be32 out_addr;
	rg_be16 out_port;
	uint16_t rsvd;
	uint32_t lifetime_s; /* granted */
	uint32_t id;	     /* mapping handle */
};
RG_ASSERT_SIZE(struct rg_map_rsp, 16);

/* RG_OP_MAP_DEL / RG_OP_MAP_GET: identify by inside endpoint (in_addr,
 * in_port, proto) or, when in_addr is 0, by outside (out_addr, out_port). */
struct rg_map_id {
	uint8_t proto;
	uint8_t rsvd[3];
	rg_be32 in_addr;
	rg_be16 in_port;
	rg_be16 out_port;
	rg_be32 out_addr;
};
RG_ASSERT_SIZE(struct rg_map_id, 16);

/* Paged listings (MAP_LIST, SESSION_LIST, SUBSCRIBER_LIST, RULE_LIST,
 * POOL_LIST, COUNTERS):
 * request payload struct rg_page_req, records written to the command's
 * buffer, completion payload struct rg_page_rsp. */
struct rg_page_req {
	uint32_t cursor; /* 0 = from the start */
	uint32_t max;	 /* records wanted (also bounded by buf_len) */
};
struct rg_page_rsp {
	uint32_t count; /* records written */
	uint32_t next;	/* cursor for the next page, 0 = done */
};
RG_ASSERT_SIZE(struct rg_page_req, 8);
RG_ASSERT_SIZE(struct rg_page_rsp, 8);

/* Record of RG_OP_MAP_LIST. */
struct rg_map_rec {
	uint8_t proto;
	uint8_t owner;
	uint8_t n_filters;
	uint8_t flags;
	rg_be32 in_addr;
	rg_be32 out_addr;
	rg_be16 in_port;
	rg_be16 out_port;
	uint32_t lifetime_left_s; /* 0xffffffff = static */
	uint32_t sessions;
	uint32_t id;
};
RG_ASSERT_SIZE(struct rg_map_rec, 28);

/* Record of RG_OP_SESSION_LIST. */
struct rg_session_rec {
	uint8_t proto;
	uint8_t state; /* firmware's TCP/UDP state (enum in firmware) */
	uint8_t flags;
	uint8_t rsvd;
	rg_be32 in_addr;
	rg_be32 out_addr;
	rg_be32 rem_addr;
	rg_be16 in_port;
	rg_be16 out_port;
	rg_be16 rem_port;
	uint16_t rsvd2;
	uint32_t idle_ms;
	uint32_t expires_in_s;
	uint64_t pkts; /* both directions */
	uint64_t bytes;
	uint32_t index;
	uint32_t rsvd3;
};
RG_ASSERT_SIZE(struct rg_session_rec, 56);

/*
 * RG_OP_SESSION_LIST with a filter (cards with RG_FEAT_SESSION_FILTER):
 * the request payload is struct rg_session_list_req, of which the page part
 * alone (8 bytes) still asks for every session. A session is listed when
 * each field that `match` selects equals its record's; addresses and ports
 * in network order. Unknown match bits or non-zero reserved fields are
 * RG_ST_INVALID.
 *
 * A filtered page examines at most RG_SESSION_SCAN_MAX sessions, so that
 * one command never holds the card's control core for a whole table of
 * millions: a page may carry fewer records than asked, even none, with a
 * non-zero next. As for every listing, it is over only when next is 0.
 */
#define RG_SF_PROTO 0x01u
#define RG_SF_IN_ADDR 0x02u
#define RG_SF_IN_PORT 0x04u
#define RG_SF_OUT_ADDR 0x08u
#define RG_SF_OUT_PORT 0x10u
#define RG_SF_REM_ADDR 0x20u
#define RG_SF_REM_PORT 0x40u
#define RG_SF_ALL 0x7fu
#define RG_SESSION_SCAN_MAX 65536u

struct rg_session_filter {
	uint8_t match; /* RG_SF_* */
	uint8_t proto;
	uint16_t rsvd;
	rg_be32 in_addr;
	rg_be32 out_addr;
	rg_be32 rem_addr;
	rg_be16 in_port;
	rg_be16 out_port;
	rg_be16 rem_port;
	uint16_t rsvd2;
};
RG_ASSERT_SIZE(struct rg_session_filter, 24);

struct rg_session_list_req {
	struct rg_page_req page;
	struct rg_session_filter filter;
};
RG_ASSERT_SIZE(struct rg_session_list_req, 32);

static inline int rg_session_filter_valid(const struct rg_session_filter *f)
{
	return !(f->match & ~RG_SF_ALL) && !f->rsvd && !f->rsvd2;
}

/* The one definition of a match, shared by the card and by hosts that
 * filter listings of cards without RG_FEAT_SESSION_FILTER. */
static inline int rg_session_filter_match(const struct rg_session_filter *f,
					  const struct rg_session_rec *r)
{
	unsigned m = f->match;
	return (!(m & RG_SF_PROTO) || r->proto == f->proto) &&
	       (!(m & RG_SF_IN_ADDR) || r->in_addr == f->in_addr) &&
	       (!(m & RG_SF_IN_PORT) || r->in_port == f->in_port) &&
	       (!(m & RG_SF_OUT_ADDR) || r->out_addr == f->out_addr) &&
	       (!(m & RG_SF_OUT_PORT) || r->out_port == f->out_port) &&
	       (!(m & RG_SF_REM_ADDR) || r->rem_addr == f->rem_addr) &&
	       (!(m & RG_SF_REM_PORT) || r->rem_port == f->rem_port);
}

/* RG_OP_SESSION_DEL: payload uint32_t session index, or struct
 * rg_session_del_req: the session at index is deleted only if it still
 * matches `expect` (RG_ST_NOT_FOUND if not), so a host that deletes what it
 * listed never deletes a session that has since taken the same index. */
struct rg_session_del_req {
	uint32_t index;
	uint32_t rsvd;
	struct rg_session_filter expect;
};
RG_ASSERT_SIZE(struct rg_session_del_req, 32);

/* Record of RG_OP_SUBSCRIBER_LIST: one inside host with per-subscriber
 * state (RFC 6888) — from its first mapping until its last one, held-down
 * ones included, is gone: the outside address it is paired with, what it
 * holds against the quotas (rg_config.max_sessions_per_sub and
 * max_ports_per_sub) and the port blocks it holds (port-block pools; the
 * computed block of a deterministic pool). Ports in host order, as in
 * struct rg_evt_block. */
#define RG_SUB_BLOCKS 8u
struct rg_sub_rec {
	rg_be32 in_addr;
	rg_be32 out_addr;
	uint32_t sessions;
	uint32_t ports; /* mappings, held-down ones included */
	uint8_t pool;
	uint8_t n_blocks;
	uint16_t block_size;	       /* ports per block, 0 = the pool has none */
	uint16_t block[RG_SUB_BLOCKS]; /* first port of each block held */
	uint32_t index;
};
RG_ASSERT_SIZE(struct rg_sub_rec, 40);

/* Record of RG_OP_COUNTERS: 64-bit value per counter id (counters.h);
 * cursor/max select the id range. */
struct rg_counter_rec {
	uint32_t id;
	uint32_t rsvd;
	uint64_t value;
};
RG_ASSERT_SIZE(struct rg_counter_rec, 16);

/* RG_OP_EVENT_MASK: payload uint32_t, bit (1 << type) per wanted event. */

/* ------------------------------------------------------------------------ */
/* Events                                                                   */
/* ------------------------------------------------------------------------ */

#define RG_EVENT_TYPES(X)                       \
	X(LOST, 0, "events-lost")               \
	X(SESSION_CREATE, 1, "session-create")  \
	X(SESSION_DELETE, 2, "session-delete")  \
	X(MAPPING_CREATE, 3, "mapping-create")  \
	X(MAPPING_DELETE, 4, "mapping-delete")  \
	X(BLOCK_ALLOC, 5, "port-block-alloc")   \
	X(BLOCK_FREE, 6, "port-block-free")     \
	X(QUOTA, 7, "quota-exceeded")           \
	X(POOL_EXHAUSTED, 8, "pool-exhausted")  \
	X(CARD_RESET, 9, "card-reset")          \
	X(ADDRESS_CHANGE, 10, "address-change") \
	X(INTERLOPER, 11, "interloper")         \
	X(CONFLICT, 12, "address-conflict")

#define RG_EVENT_ENUM(name, val, text) RG_EVT_##name = val,
enum rg_event_type { RG_EVENT_TYPES(RG_EVENT_ENUM) RG_EVT__COUNT };
#undef RG_EVENT_ENUM
_Static_assert(RG_EVT__COUNT <= 32, "event mask is 32 bits");

/* SESSION_*, MAPPING_*: the translation (RFC 8158 NAT event fields). Remote
 * fields are zero unless RG_CFG_LOG_DEST is set. */
struct rg_evt_nat {
	uint8_t proto;
	uint8_t owner;
	uint8_t reason; /* delete: enum rg_close_reason */
	uint8_t rsvd;
	rg_be32 in_addr;
	rg_be32 out_addr;
	rg_be32 rem_addr;
	rg_be16 in_port;
	rg_be16 out_port;
	rg_be16 rem_port;
	uint16_t rsvd2;
};
RG_ASSERT_SIZE(struct rg_evt_nat, 24);

enum rg_close_reason {
	RG_CLOSE_TIMEOUT = 0,
	RG_CLOSE_TCP_FIN = 1,
	RG_CLOSE_TCP_RST = 2,
	RG_CLOSE_DELETED = 3,
	RG_CLOSE_RESET = 4,
};

/* BLOCK_ALLOC / BLOCK_FREE. */
struct rg_evt_block {
	rg_be32 in_addr;
	rg_be32 out_addr;
	uint16_t port_lo; /* host order */
	uint16_t port_hi;
};
RG_ASSERT_SIZE(struct rg_evt_block, 12);

/* QUOTA / POOL_EXHAUSTED: what ran out. QUOTA carries the per-subscriber
 * kinds, POOL_EXHAUSTED the card-wide ones. */
#define RG_EXHAUSTION_KINDS(X)                                                         \
	X(SESSIONS, 0, "sessions-per-subscriber") /* sessions per subscriber */        \
	X(PORTS, 1, "ports-per-subscriber")	  /* or its block's ports */           \
	X(POOL, 2, "pool")			  /* the pool's addresses or ports */  \
	X(MAP_TABLE, 3, "mapping-table")	  /* the card's mapping table */       \
	X(SESS_TABLE, 4, "session-table")	  /* the session table or its index */ \
	X(SUB_TABLE, 5, "subscriber-table")	  /* a new inside host */              \
	X(FRAG_TABLE, 6, "fragment-table")	  /* fragment tracking */

#define RG_EXHAUSTION_ENUM(name, val, text) RG_EXH_##name = val,
enum rg_exhaustion_kind { RG_EXHAUSTION_KINDS(RG_EXHAUSTION_ENUM) RG_EXH__COUNT };
#undef RG_EXHAUSTION_ENUM

/* "sessions-per-subscriber", ...; "other" for a kind this side does not know */
static inline const char *rg_exhaustion_name(unsigned kind)
{
#define RG_EXHAUSTION_TEXT(name, val, text) [val] = text,
	static const char *const names[RG_EXH__COUNT] = { RG_EXHAUSTION_KINDS(RG_EXHAUSTION_TEXT) };
#undef RG_EXHAUSTION_TEXT
	return kind < RG_EXH__COUNT ? names[kind] : "other";
}

struct rg_evt_quota {
	rg_be32 in_addr;
	uint8_t kind; /* enum rg_exhaustion_kind */
	uint8_t proto;
	uint16_t rsvd;
	uint32_t limit;
};
RG_ASSERT_SIZE(struct rg_evt_quota, 12);

/* LOST. */
struct rg_evt_lost {
	uint32_t count;
};

#endif /* REALMGATE_MAILBOX_H */
