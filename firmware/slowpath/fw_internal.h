/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The slow path's private state and the interfaces between its modules.
 *
 * Everything lives in the memory handed to rg_fw_init (no allocation): the
 * struct rg_fw itself, then one array per table, each sized from the
 * capacities in struct rg_fw_params and the fast path's geometry. Tables
 * refer to each other by 32-bit index (FW_NONE = none), never by pointer, so
 * the layout is position independent and a reset is a re-initialisation.
 *
 * Module map (one topic per file):
 *   fw_main.c     memory layout, init, reset, punt dispatch, tick, config
 *   burst.c       rg_fw_punt_burst: prefetching across a burst of punts
 *   parse.c       frame parsing that never trusts a length
 *   sessions.c    session slots, fast path index placement (cuckoo), lookup
 *   session_life.c creation, deletion, timers and TCP state of sessions
 *   mappings.c    endpoint-independent / -dependent mapping table, filters
 *   alloc.c       pools, outside addresses, port bitmaps, port choice
 *   subscribers.c per-inside-host state: paired address, quotas, port blocks
 *   nat.c         new flows: outbound, inbound, hairpin, rules
 *   translate.c   the slow path's own rewrite (packets the fast path cannot do)
 *   icmp.c        echo replies, generated errors, error translation
 *   tcp_reset.c   resets for TCP to the card's unserved ports
 *   frag.c        fragment tracking and out-of-order buffering
 *   arp.c         ARP, neighbours, adjacencies, packets waiting on resolution
 *   host.c        the host port: to-host rules, frames from the host
 *   rules.c       static rules (forward, dst-nat, exclude, to-host, drop)
 *   timers.c      the timer wheel
 *   control.c     mapping and session control calls, listings
 *   counters.c    counters, names, events
 */
#ifndef RG_FW_SLOWPATH_INTERNAL_H
#define RG_FW_SLOWPATH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../fw.h"
#include "../lib/bytes.h"
#include "../lib/chacha.h"
#include "../lib/csum.h"
#include "../lib/proto.h"
#include "realmgate/counters.h"

#define FW_NONE 0xffffffffu
#define FW_FRAME_MAX 9216u /* largest frame the slow path handles (RG_FP_FRAME_MAX) */

/* Fixed sizes that are not worth a capacity parameter. */
#define FW_POOLS 16u		/* pool ids 0..15 */
#define FW_SUB_BLOCKS 8u	/* port blocks one subscriber may hold */
#define FW_PENDING 32u		/* frames waiting for ARP resolution */
#define FW_PENDING_BYTES 1536u	/* larger frames waiting on ARP are dropped */
#define FW_ARP_TRIES 3u		/* requests before a neighbour is given up */
#define FW_TICK_BUDGET 2048u	/* timer expiries handled per rg_fw_tick */
#define FW_EVENTS_PER_EXPIRY 2u /* a session's deletion and its mapping's release */
#define FW_EVENT_RESERVE 32u	/* event room left for the packet path between ticks */
#define FW_EVENT_STALL_S 10u	/* a host that reads no event this long stops the pacing */
#define FW_WHEEL_SLOTS 4096u	/* one per second; farther deadlines go round again */
#define FW_CUCKOO_NODES 680u	/* BFS breadth for index relocation (depth 3) */
#define FW_FRAG_BUF_BYTES 1600u /* an out-of-order fragment larger than this is dropped */
#define FW_PROTO_CLASSES 3u	/* port spaces: UDP, TCP, ICMP identifiers */

/* ---- configuration (host order) ------------------------------------------ */

struct fw_cfg {
	uint32_t inside_addr, inside_gw, outside_addr, outside_gw;
	uint32_t inside_mask, outside_mask;
	uint8_t inside_plen, outside_plen;
	uint16_t flags; /* RG_CFG_* */
	uint16_t mtu[RG_PORT_COUNT];
	uint32_t udp_s, tcp_est_s, tcp_trans_s, icmp_s, syn_hold_s, frag_s, holddown_s;
	uint32_t max_sess_per_sub, max_ports_per_sub;
	uint16_t mss_clamp;
	struct rg_config wire; /* as last set, returned by GET_CONFIG */
};

/* ---- parsed packet --------------------------------------------------------- */

struct fw_pkt {
	const uint8_t *f;
	uint32_t len;
	unsigned port;	       /* ingress port */
	uint32_t l3;	       /* translated IPv4 header (inner one for IP-in-IP) */
	uint32_t outer;	       /* outermost IPv4 header */
	uint32_t l4;	       /* 0 for non-first fragments */
	uint32_t ip_end;       /* end of the translated IPv4 packet */
	uint32_t frame_ip_end; /* end of the outermost IPv4 packet */
	uint8_t tunnel;
	uint8_t proto;
	uint8_t ttl;
	uint8_t ihl;
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint8_t icmp_query;   /* echo/timestamp request or reply */
	uint8_t icmp_request; /* ... and it is a request */
	uint8_t icmp_error;
	uint8_t is_frag, first_frag, df;
	uint16_t ip_id;
	uint32_t frag_off; /* bytes */
	uint32_t src, dst; /* host order */
	uint16_t sport, dport;
	struct rg_flow_key key; /* as the fast path builds it */
	/* ICMP errors: the embedded packet */
	uint32_t emb_l3, emb_l4, emb_end;
	uint8_t emb_proto, emb_ihl, emb_ports; /* emb_ports: its ports/id are present */
	uint8_t emb_icmp_request;
	uint32_t emb_src, emb_dst;
	uint16_t emb_sport, emb_dport;
};

enum fw_parse_kind {
	FW_PK_BAD = 0, /* dropped and counted */
	FW_PK_IPV4,
	FW_PK_ARP,
};

/* ---- sessions --------------------------------------------------------------- */

/* Firmware-private state of one fast path session (same index). */
enum fw_sess_state {
	FW_SS_FREE = 0,
	FW_SS_UDP,	   /* UDP and everything without a state machine */
	FW_SS_ICMP,	   /* ICMP query */
	FW_SS_TCP_SYN_OUT, /* outbound SYN seen */
	FW_SS_TCP_SYN_IN,  /* inbound SYN admitted */
	FW_SS_TCP_EST,
	FW_SS_TCP_FIN_OUT, /* FIN from the inside endpoint */
	FW_SS_TCP_FIN_IN,  /* FIN from the remote endpoint */
	FW_SS_TCP_FIN_BOTH,
	FW_SS_TCP_CLOSED, /* RST seen or both FINs: time-wait */
	FW_SS__COUNT
};

/* the values listings report (fw.h RG_FW_SESS_*) */
#define FW_SF_INBOUND RG_FW_SESS_INBOUND
#define FW_SF_SHADOWED RG_FW_SESS_SHADOWED /* the slow path translates its packets */
#define FW_SF_HAIRPIN RG_FW_SESS_HAIRPIN
#define FW_SF_RULE RG_FW_SESS_RULE /* no mapping */

struct fw_sess {
	uint32_t map;	       /* owning mapping, FW_NONE for rule sessions */
	uint32_t mnext, mprev; /* sessions of the same mapping; mnext links the free list */
	uint32_t seen_i2o;     /* fast path I2O packet count at the last refresh */
	uint32_t seen_ts;      /* fast path last_seen at the last refresh */
	uint8_t state;	       /* enum fw_sess_state */
	uint8_t flags;	       /* FW_SF_* */
	uint16_t rsvd;
};

/* ---- mappings ---------------------------------------------------------------- */

#define FW_MF_ED 0x01u	      /* endpoint dependent: only toward rem_addr(:rem_port) */
#define FW_MF_ED_ADDR 0x02u   /* ... address dependent (any remote port) */
#define FW_MF_HOLD 0x04u      /* dead, port held down until the timer fires */
#define FW_MF_STATIC 0x08u    /* never expires */
#define FW_MF_REQUESTED 0x10u /* created through MAP_ADD: filters apply, not pool filtering */

struct fw_map {
	uint32_t in_addr, out_addr, rem_addr; /* host order */
	uint16_t in_port, out_port, rem_port;
	uint8_t proto, owner, flags, filt_mode; /* filt_mode: enum rg_filtering_behaviour */
	uint32_t in_next, out_next;		/* hash chains; in_next links the free list */
	uint32_t sess_head;
	uint32_t n_sess;
	uint32_t sub;
	uint32_t expire_s; /* requested lifetime end (card seconds) */
	uint32_t id;
	uint32_t filt;	/* filter set index or FW_NONE */
	uint16_t paddr; /* index of the outside address in the address table */
	uint16_t rsvd;
};

struct fw_filter_set {
	uint32_t next_free;
	uint8_t n;
	struct rg_map_filter f[RG_MAP_MAX_FILTERS];
};

/* ---- subscribers, pools, addresses -------------------------------------------- */

struct fw_sub {
	uint32_t in_addr;
	uint32_t next; /* hash chain / free list */
	uint32_t n_sess;
	uint32_t n_maps; /* ports in use (mappings, including held-down ones) */
	uint16_t paddr;	 /* paired outside address */
	uint8_t pool;
	uint8_t n_blocks;
	uint16_t block[FW_SUB_BLOCKS]; /* first port of each block held */
	uint16_t adj;		       /* the host's adjacency, FW_ADJ_NONE until known */
	uint16_t rsvd;
};

struct fw_pool {
	uint8_t used;
	uint8_t mode, mapping;
	uint8_t filtering[3];
	uint16_t flags;
	uint16_t port_lo, port_hi, block_size;
	uint32_t sub_addr, sub_mask;
	uint8_t sub_plen;
	uint32_t n_addrs;
	uint32_t n_subs;
	uint32_t cursor; /* an address of the pool (its ring), FW_NONE if none */
};

struct fw_paddr {
	uint32_t addr;
	uint8_t pool;
	uint8_t rsvd;
	uint16_t pool_next;		 /* next address of the same pool (a ring) */
	uint32_t used[FW_PROTO_CLASSES]; /* ports taken per class */
	uint32_t n_subs;
	uint32_t bitmap; /* index of its first bitmap (FW_PROTO_CLASSES consecutive) */
};
#define FW_BITMAP_WORDS (65536u / 64u)

/* ---- neighbours and adjacencies -------------------------------------------------- */

enum fw_neigh_state { FW_NB_FREE = 0, FW_NB_INCOMPLETE, FW_NB_REACHABLE, FW_NB_FAILED };

struct fw_neigh {
	uint32_t addr;
	uint32_t next; /* hash chain */
	uint8_t mac[6];
	uint8_t port;
	uint8_t state;
	uint8_t tries;
	uint8_t rsvd[3];
	uint32_t refs; /* sessions and subscriber caches using its adjacency */
};
/* Adjacency index of neighbour n (adjacency 0 is the host port's). */
#define FW_ADJ_HOST 0u
#define FW_ADJ_OF_NEIGH(n) ((n) + 1u)
#define FW_ADJ_NONE 0xffffu /* beyond any capacity: the fast path punts NO_ADJ */

struct fw_pending {
	uint32_t neigh; /* FW_NONE = free */
	uint16_t len;
	uint8_t port; /* ingress port of the frame */
	uint8_t rsvd;
	uint8_t frame[FW_PENDING_BYTES];
};

/* ---- fragments and held SYNs ------------------------------------------------------ */

struct fw_frag {
	uint32_t src, dst; /* as received */
	uint16_t id;
	uint8_t proto, port;
	uint8_t state; /* 0 free, 1 tracking (session known), 2 waiting for the first */
	uint8_t dir;
	uint16_t buf_len; /* buffered out-of-order fragment (in frag_buf[same index]) */
	uint32_t sess;
	uint32_t next; /* hash chain, or free list */
};

/* A datagram to the card being put back together (reasm.c). */
#define FW_REASM_SLOTS 4u
#define FW_REASM_MAX 9000u /* bytes after the IP header */
struct fw_reasm {
	uint8_t used, have_first, tos;
	uint16_t id;
	uint32_t src, dst; /* host order */
	uint32_t total;	   /* length, known from the last piece (0 until then) */
	uint64_t got[(FW_REASM_MAX / 8u + 63u) / 64u]; /* 8-byte blocks received */
	uint8_t data[FW_REASM_MAX];
};

struct fw_held {
	uint8_t used;
	uint8_t port;
	uint16_t len;
	uint8_t l3;
	uint8_t rsvd[3];
	struct rg_flow_key key; /* the SYN's key (inbound) */
	uint8_t frame[128];	/* enough for L2 + IP header + 8 bytes of TCP for ICMP */
};
#define FW_HELD_BYTES 128u

/* ---- timers ------------------------------------------------------------------------ */

/* Timer node ids: one per session, mapping, fragment entry, held SYN and
 * neighbour, in that order. */
enum fw_timer_kind { FW_TK_SESS, FW_TK_MAP, FW_TK_FRAG, FW_TK_HELD, FW_TK_NEIGH };

struct fw_tnode {
	uint32_t next, prev; /* in a wheel slot's list (or the slot being run) */
	uint32_t when_s;     /* deadline, card seconds */
	uint32_t armed;
};

/* ---- the firmware ----------------------------------------------------------------- */

struct rg_fw {
	struct rg_hal hal;
	struct rg_fpdev dev;
	struct rg_fw_params params;
	struct fw_cfg cfg;

	/* time */
	uint64_t now_ms64;
	uint32_t last_ms32;
	uint32_t now_s;
	uint32_t boot_ms;
	uint32_t last_fold_s;
	uint32_t evt_stall_s; /* card second the host's event room ran out; 0 = it has room */

	/* capacities */
	uint32_t n_sess, n_maps, n_subs, n_rules, n_frags, n_neigh, n_paddr, n_held, n_filt;
	uint32_t bucket_mask;

	struct rg_toeplitz *tz;

	/* sessions */
	struct fw_sess *sess;
	uint32_t sess_free, sess_used;

	/* mappings */
	struct fw_map *maps;
	uint32_t map_free, map_used, map_next_id;
	uint32_t *map_in_hash, *map_out_hash, map_hash_mask;
	struct fw_filter_set *filt;
	uint32_t filt_free;

	/* subscribers */
	struct fw_sub *subs;
	uint32_t sub_free, sub_used;
	uint32_t *sub_hash, sub_hash_mask;

	/* pools and their addresses (sorted by address) */
	struct fw_pool pools[FW_POOLS];
	struct fw_paddr *paddr;
	uint16_t *paddr_sorted; /* paddr slots in address order */
	uint32_t paddr_used;
	uint64_t *bitmaps;	   /* FW_BITMAP_WORDS words each */
	uint32_t bitmap_free_next; /* bitmaps are handed out in order, recycled on delete */

	/* rules, grouped by kind: kind k (1..RG_RULE_DROP) occupies
	 * [rule_end[k - 1], rule_end[k]), so a match walks only the kinds it
	 * asks for; fwd_ports has a bit per (class, port) that some FORWARD
	 * rule may reserve, so port allocation asks the rules only for those */
	struct rg_rule *rules;
	uint32_t rule_end[RG_RULE_DROP + 1]; /* rule_end[RG_RULE_DROP]: rules in use */
	uint64_t *fwd_ports;		     /* FW_PROTO_CLASSES x FW_BITMAP_WORDS */

	/* neighbours */
	struct fw_neigh *neigh;
	uint32_t *neigh_hash, neigh_hash_mask, neigh_used, neigh_reclaim;
	struct fw_pending pending[FW_PENDING];
	uint32_t pending_used;
	uint8_t host_mac[6];
	uint8_t host_mac_known;

	/* fragments (entries hashed by datagram, buffers apart so lookups stay
	 * in a few cache lines), held SYNs */
	struct fw_frag *frags;
	uint8_t (*frag_buf)[FW_FRAG_BUF_BYTES];
	uint32_t *frag_hash, frag_hash_mask, frag_free;
	struct fw_held *held;

	/* timers */
	struct fw_tnode *tnodes;
	uint32_t wheel[FW_WHEEL_SLOTS];
	uint32_t wheel_s; /* second being processed */
	uint32_t tcur;	  /* its detached slot list */
	uint32_t tbase_map, tbase_frag, tbase_held, tbase_neigh, n_tnodes;

	/* cuckoo search scratch */
	struct {
		uint32_t bucket;
		uint8_t bank, slot;
		uint16_t parent;
	} bfs[FW_CUCKOO_NODES];

	/* counters */
	uint64_t fwc[RG_FWC_COUNT];
	uint64_t fpc[RG_FPC_COUNT];
	uint32_t fpc_last[RG_FPC_COUNT];
	uint32_t evt_seq;
	uint32_t icmp_err_s, icmp_err_n; /* errors generated in the current second */
	struct rg_chacha_rng rng;	 /* ports and blocks; seeded from hal->random */
	uint32_t hseed;			 /* seed of the firmware's own hash tables */

	uint8_t txbuf[FW_FRAME_MAX + 64];
	uint8_t txbuf2[FW_FRAME_MAX + 64];     /* fragments being sent */
	uint8_t tagbuf[FW_FRAME_MAX + 68];     /* a frame given its VLAN tag */
	uint8_t redispatch[FW_PENDING_BYTES];  /* a frame released by ARP */
	uint8_t fragbuf[FW_FRAG_BUF_BYTES];    /* a fragment released by its first */
	uint8_t clampbuf[FW_FRAME_MAX];	       /* a SYN whose MSS was clamped */
	struct fw_reasm reasm[FW_REASM_SLOTS]; /* datagrams to the card */
};

#define FWC(fw, name) ((fw)->fwc[RG_FWC_##name - RG_FWC_BASE]++)
#define FWC_ADD(fw, name, v) ((fw)->fwc[RG_FWC_##name - RG_FWC_BASE] += (v))
#define FWC_SET(fw, name, v) ((fw)->fwc[RG_FWC_##name - RG_FWC_BASE] = (v))

/* ---- module interfaces ----------------------------------------------------------- */

/* fw_main.c */
uint32_t fw_now_ms(struct rg_fw *fw);
void fw_dispatch(struct rg_fw *fw, const uint8_t *f, uint32_t len, unsigned port,
		 unsigned meta_reason);
void fw_tx(struct rg_fw *fw, unsigned port, const uint8_t *f, uint32_t len);
void fw_reinject(struct rg_fw *fw, unsigned port, const uint8_t *f, uint32_t len);
uint32_t fw_random(struct rg_fw *fw);
int fw_is_own_addr(const struct rg_fw *fw, uint32_t a); /* inside, outside or pool address */
int fw_is_own_addr_outside(const struct rg_fw *fw, uint32_t a); /* outside or pool address */
int fw_inside_realm(const struct rg_fw *fw, uint32_t a);
int fw_inside_onlink(const struct rg_fw *fw, uint32_t a);
int fw_outside_onlink(const struct rg_fw *fw, uint32_t a);

/* parse.c */
enum fw_parse_kind fw_parse(struct rg_fw *fw, const uint8_t *f, uint32_t len, unsigned port,
			    struct fw_pkt *p);
int fw_parse_embedded(struct rg_fw *fw, struct fw_pkt *p);
uint16_t fw_l4_csum(const uint8_t *ip, uint32_t l4_off, uint32_t l4_len, uint8_t proto);

/* sessions.c: the index */
uint32_t fw_sess_lookup(struct rg_fw *fw, const struct rg_flow_key *k, unsigned *dir);
int fw_index_insert(struct rg_fw *fw, uint32_t idx, const struct rg_session *s, int *shadowed);
void fw_index_remove(struct rg_fw *fw, uint32_t idx, const struct rg_session *s);
int fw_sess_read(struct rg_fw *fw, uint32_t idx, struct rg_session *s);
void fw_sess_deltas(struct rg_session *s);
void fw_sess_init_free(struct rg_fw *fw);

/* session_life.c */
struct fw_new_sess {
	uint8_t proto;
	uint8_t in_side, rem_side;
	uint8_t sflags; /* FW_SF_* */
	uint8_t state;	/* enum fw_sess_state */
	uint8_t ops;	/* RG_OPS(...) ; 0 = forward both ways */
	uint32_t in_addr, out_addr, rem_addr, rem_xaddr;
	uint16_t in_port, out_port, rem_port, rem_xport;
	uint32_t map; /* FW_NONE for rule sessions */
};
/* FW_NONE when refused (counted); *why (may be NULL) says why:
 * NO_RESOURCES the session table or its index is full, NOT_FOUND no
 * neighbour entry or route for one side, IO the device refused the write. */
uint32_t fw_sess_create(struct rg_fw *fw, const struct fw_new_sess *n, enum rg_status *why);
void fw_sess_delete(struct rg_fw *fw, uint32_t idx, unsigned reason);
void fw_sess_timer(struct rg_fw *fw, uint32_t idx);
void fw_sess_touch(struct rg_fw *fw, uint32_t idx, unsigned dir);
void fw_sess_baseline(struct rg_fw *fw, uint32_t idx);
void fw_tcp_track(struct rg_fw *fw, uint32_t idx, unsigned dir, uint8_t tcp_flags);
uint32_t fw_sess_timeout_s(const struct rg_fw *fw, unsigned state);

/* mappings.c */
uint32_t fw_map_find_in(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t rem_addr, uint16_t rem_port);
uint32_t fw_map_find_out(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port);
uint32_t fw_map_find_in_any(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port);
int fw_map_out_taken(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port);
uint32_t fw_map_new(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
		    uint32_t sub, uint16_t paddr, uint16_t out_port, uint8_t flags, uint8_t owner,
		    uint32_t rem_addr, uint16_t rem_port);
void fw_map_revive(struct rg_fw *fw, uint32_t m);
void fw_map_prefetch_in(struct rg_fw *fw, uint8_t proto, uint32_t in_addr, uint16_t in_port,
			int stage);
uint32_t fw_filter_alloc(struct rg_fw *fw);
int fw_map_ed_conflict(struct rg_fw *fw, uint8_t proto, uint32_t out_addr, uint16_t out_port,
		       uint32_t rem_addr, uint16_t rem_port, int addr_only);
void fw_map_release(struct rg_fw *fw, uint32_t m, unsigned reason);
void fw_map_free_now(struct rg_fw *fw, uint32_t m);
void fw_map_timer(struct rg_fw *fw, uint32_t m);
void fw_map_attach_sess(struct rg_fw *fw, uint32_t m, uint32_t s);
void fw_map_detach_sess(struct rg_fw *fw, uint32_t m, uint32_t s);
int fw_map_filter_allows(struct rg_fw *fw, uint32_t m, uint32_t rem_addr, uint16_t rem_port);
void fw_map_event(struct rg_fw *fw, uint32_t m, unsigned type, unsigned reason);
void fw_map_init_free(struct rg_fw *fw);

/* alloc.c */
unsigned fw_proto_class(uint8_t proto); /* FW_PROTO_CLASSES for protocols without ports */
uint32_t fw_paddr_find(const struct rg_fw *fw, uint32_t addr);
int fw_port_is_free(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port);
void fw_port_take(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port);
void fw_port_give(struct rg_fw *fw, uint16_t paddr, unsigned cls, uint16_t port);
int fw_port_choose(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t in_port, uint16_t want,
		   uint32_t rem_addr, uint16_t rem_port, int overlap, uint16_t *out);
int fw_port_choose_exact(struct rg_fw *fw, uint32_t sub, uint8_t proto, uint16_t port,
			 uint32_t rem_addr, uint16_t rem_port, int overlap);
int fw_block_take(struct rg_fw *fw, uint16_t paddr, uint16_t *first);
void fw_block_give(struct rg_fw *fw, uint16_t paddr, uint16_t first);
uint32_t fw_pool_for(const struct rg_fw *fw, uint32_t in_addr);
void fw_alloc_reset(struct rg_fw *fw);

/* subscribers.c */
uint32_t fw_sub_get(struct rg_fw *fw, uint32_t in_addr, int create, enum rg_status *st);
void fw_sub_put(struct rg_fw *fw, uint32_t sub);
int fw_sub_block_port(struct rg_fw *fw, uint32_t sub, uint16_t port);
int fw_sub_new_block(struct rg_fw *fw, uint32_t sub);
void fw_sub_init_free(struct rg_fw *fw);
uint32_t fw_sub_find(struct rg_fw *fw, uint32_t in_addr);
void fw_sub_prefetch(struct rg_fw *fw, uint32_t in_addr, int stage);

/* nat.c */
void fw_nat_packet(struct rg_fw *fw, struct fw_pkt *p);
uint32_t fw_nat_session(struct rg_fw *fw, const struct fw_pkt *p, unsigned *dir);
int fw_forward(struct rg_fw *fw, struct fw_pkt *p, uint32_t sidx, unsigned dir);
/* kind: enum rg_exhaustion_kind (mailbox.h); the subscriber's quotas are
 * QUOTA events, the rest POOL_EXHAUSTED; limit is the quota or the table's
 * capacity */
#define FW_EXH_SESSIONS RG_EXH_SESSIONS
#define FW_EXH_PORTS RG_EXH_PORTS
#define FW_EXH_POOL RG_EXH_POOL
#define FW_EXH_MAP_TABLE RG_EXH_MAP_TABLE
#define FW_EXH_SESS_TABLE RG_EXH_SESS_TABLE
#define FW_EXH_SUB_TABLE RG_EXH_SUB_TABLE
#define FW_EXH_FRAG_TABLE RG_EXH_FRAG_TABLE
void fw_quota_event(struct rg_fw *fw, uint32_t in_addr, unsigned kind, uint8_t proto,
		    uint32_t limit);

/* translate.c */
int fw_translate_tx(struct rg_fw *fw, const struct fw_pkt *p, const struct rg_session *s,
		    unsigned dir);
uint32_t fw_l2_header(struct rg_fw *fw, uint16_t adj, uint8_t *out, unsigned *port);
void fw_ip_set_csum(uint8_t *ip);
int fw_adj_ready(struct rg_fw *fw, uint16_t adj);

/* icmp.c */
void fw_icmp_echo_reply(struct rg_fw *fw, const struct fw_pkt *p);
/* L2 header answering the sender of frame f on its port; returns length. */
uint32_t fw_reply_l2(struct rg_fw *fw, const uint8_t *f, unsigned port, uint8_t *o);
/* Not 0, multicast, broadcast or loopback: an address errors and echo
 * replies may go to. */
int fw_unicast_addr(uint32_t a);
/* An echo (or timestamp) request message made its reply in place. */
void fw_icmp_echo_turn(uint8_t *icmp);
void fw_icmp_error(struct rg_fw *fw, const struct fw_pkt *p, uint8_t type, uint8_t code,
		   uint16_t mtu);
void fw_icmp_error_raw(struct rg_fw *fw, unsigned port, const uint8_t *frame, uint32_t l3,
		       uint32_t avail, uint8_t type, uint8_t code, uint16_t mtu);
void fw_icmp_error_translate(struct rg_fw *fw, struct fw_pkt *p);
/* One more reply the card originates this second (ICMP errors, TCP
 * resets: RFC 1812 4.3.2.8's limit for both); 0 when over budget. */
int fw_reply_budget(struct rg_fw *fw);

/* tcp_reset.c: a closed port's answer to the TCP segment p. */
void fw_tcp_reset(struct rg_fw *fw, const struct fw_pkt *p);

/* frag.c */
void fw_frag_packet(struct rg_fw *fw, struct fw_pkt *p);
void fw_frag_first_done(struct rg_fw *fw, const struct fw_pkt *p, uint32_t sidx, unsigned dir);
void fw_frag_timer(struct rg_fw *fw, uint32_t i);
void fw_frag_reset(struct rg_fw *fw);
/* the first fragment of an echo request to the card: reassemble, answer */
void fw_frag_for_card(struct rg_fw *fw, const struct fw_pkt *p);

/* fw_main.c: offsets (from ip) of the addresses an IPv4 header's options
 * carry: the route data of record route (7) and loose/strict source route
 * (131, 137), the address of each (address, timestamp) pair of a timestamp
 * option (68, flags 1 and 3). How many, or -1 for options that cannot be
 * read. */
#define FW_OPT_ADDRS_MAX 10u /* 40 bytes of options, 4 per address */
int fw_ip_option_addrs(const uint8_t *ip, unsigned ihl, uint16_t off[FW_OPT_ADDRS_MAX]);

/* reasm.c */
void fw_reasm_reset(struct rg_fw *fw);
uint32_t fw_reasm_open(struct rg_fw *fw, const struct fw_pkt *p); /* FW_NONE: no slot */
/* Add a piece: 1 when the datagram was complete (and answered), 0 when
 * more is needed, -1 when it is given up (counted); the caller closes the
 * slot on anything but 0. */
int fw_reasm_add(struct rg_fw *fw, uint32_t r, const struct fw_pkt *p);
void fw_reasm_close(struct rg_fw *fw, uint32_t r);
int fw_fragment_tx(struct rg_fw *fw, uint8_t *frame, uint32_t len, uint32_t l3, unsigned port,
		   uint16_t mtu);

/* held SYNs (session_life.c) */
void fw_syn_hold(struct rg_fw *fw, const struct fw_pkt *p);
void fw_held_timer(struct rg_fw *fw, uint32_t i);
void fw_held_cancel(struct rg_fw *fw, const struct rg_flow_key *o2i_key);

/* arp.c */
void fw_arp_packet(struct rg_fw *fw, const struct fw_pkt *p);
uint16_t fw_adj_for(struct rg_fw *fw, unsigned side, uint32_t dst);
uint32_t fw_nexthop(const struct rg_fw *fw, unsigned side, uint32_t dst);
void fw_arp_learn(struct rg_fw *fw, unsigned port, uint32_t addr, const uint8_t *mac, int create);
void fw_pending_add(struct rg_fw *fw, uint16_t adj, const struct fw_pkt *p);
void fw_neigh_timer(struct rg_fw *fw, uint32_t n);
void fw_neigh_reset(struct rg_fw *fw);
void fw_host_adj_update(struct rg_fw *fw);
/* Write every neighbour's adjacency again (after a VLAN change). */
void fw_adj_rewrite_all(struct rg_fw *fw);
void fw_adj_hold(struct rg_fw *fw, uint16_t adj);
void fw_adj_release(struct rg_fw *fw, uint16_t adj);
void fw_host_mac_learn(struct rg_fw *fw, const uint8_t *mac);

/* host.c */
int fw_host_match(struct rg_fw *fw, const struct fw_pkt *p);
void fw_to_host(struct rg_fw *fw, const struct fw_pkt *p);
void fw_from_host(struct rg_fw *fw, struct fw_pkt *p);

/* rules.c */
void fw_rules_reset(struct rg_fw *fw);
const struct rg_rule *fw_rule_match(struct rg_fw *fw, unsigned kind_mask, const struct fw_pkt *p);
#define FW_RULE_BIT(kind) (1u << (kind))
int fw_rule_reserves(struct rg_fw *fw, uint8_t proto, uint32_t addr, uint16_t port);

/* timers.c */
void fw_timer_init(struct rg_fw *fw);
void fw_timer_arm(struct rg_fw *fw, uint32_t node, uint32_t when_s);
void fw_timer_cancel(struct rg_fw *fw, uint32_t node);
/* 1 when the budget ran out before the due timers did */
int fw_timer_run(struct rg_fw *fw, uint32_t budget);
uint32_t fw_timer_when(const struct rg_fw *fw, uint32_t node);
int fw_timer_armed(const struct rg_fw *fw, uint32_t node);

/* counters.c */
void fw_event(struct rg_fw *fw, unsigned type, const void *payload, uint16_t len);
void fw_counters_fold(struct rg_fw *fw);

/* small helpers */
static inline uint32_t fw_mask(uint8_t plen)
{
	return plen ? (plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1u)) : 0u;
}

static inline uint32_t fw_mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

#endif /* RG_FW_SLOWPATH_INTERNAL_H */
