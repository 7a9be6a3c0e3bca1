/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract: flow key, session entry, actions, adjacency, lookup index and the
 * fast path's packet interface (descriptor metadata, verdicts, reasons,
 * counters).
 *
 * Everything the fast path (RTL in rtl-model/, its bit-exact C model in
 * firmware/fastpath/) and the firmware's slow path exchange is defined here
 * and nowhere else. The Verilog include build/gen/rg_contract.vh is generated
 * from this file by tools/gen-contract-vh.c.
 *
 * The normative description of what the fast path does with a packet is in
 * docs/design.md ("Fast path semantics"); the C model implements exactly that
 * text and the RTL is proven equal to the C model.
 */
#ifndef REALMGATE_FLOW_H
#define REALMGATE_FLOW_H

#include "realmgate/types.h"

/* ------------------------------------------------------------------------ */
/* Card ports                                                               */
/* ------------------------------------------------------------------------ */

/* Physical ports of the card. A "side" in a key or session is one of these:
 * the port a packet arrived on, or the port an endpoint lives behind. */
enum rg_port {
	RG_PORT_INSIDE = 0,  /* inside realm */
	RG_PORT_OUTSIDE = 1, /* outside realm */
	RG_PORT_HOST = 2,    /* host port: DMA queue pair to the host stack */
	RG_PORT_AUX = 3,     /* spare (second outside link, one-armed tap) */
	RG_PORT_COUNT = 4,
};

/* ------------------------------------------------------------------------ */
/* Flow key (16 bytes)                                                      */
/* ------------------------------------------------------------------------ */

/*
 * The exact-match key the fast path builds from a packet.
 *
 *   byte  0                   4                   8        10       12   13   14   15
 *        +-------------------+-------------------+--------+--------+----+----+----+----+
 *        |  src_addr (BE)    |  dst_addr (BE)    |src_port|dst_port|prot|side|flag| 0  |
 *        +-------------------+-------------------+--------+--------+----+----+----+----+
 *
 * Port fields by protocol:
 *   TCP, UDP        the L4 ports.
 *   ICMP query      (echo, timestamp) the identifier sits on the initiator's
 *                   side: a request has src_port = id, dst_port = 0; a reply
 *                   has src_port = 0, dst_port = id.
 *   ESP, AH         the SPI: src_port = SPI >> 16, dst_port = SPI & 0xffff.
 * side    ingress port (enum rg_port).
 * flags   RG_KEY_TUNNEL: the key was taken from the inner header of an
 *         IP-in-IP packet (the outer header is stripped on a hit).
 * The last byte is always zero (it keeps the key 16 bytes wide; it is hashed
 * like the others, contributing nothing).
 */
struct rg_flow_key {
	rg_be32 src_addr;
	rg_be32 dst_addr;
	rg_be16 src_port;
	rg_be16 dst_port;
	uint8_t proto;
	uint8_t side;
	uint8_t flags;
	uint8_t zero;
};
RG_ASSERT_SIZE(struct rg_flow_key, 16);
RG_ASSERT_OFFSET(struct rg_flow_key, dst_addr, 4);
RG_ASSERT_OFFSET(struct rg_flow_key, src_port, 8);
RG_ASSERT_OFFSET(struct rg_flow_key, dst_port, 10);
RG_ASSERT_OFFSET(struct rg_flow_key, proto, 12);
RG_ASSERT_OFFSET(struct rg_flow_key, side, 13);
RG_ASSERT_OFFSET(struct rg_flow_key, flags, 14);

#define RG_KEY_TUNNEL 0x01u

/* ------------------------------------------------------------------------ */
/* Hash and lookup index                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Hash: Toeplitz (as used for RSS) over the 16 key bytes with a 32-byte
 * secret programmed at init, producing 96 bits. Bits are numbered MSB first:
 * key bit i is bit (7 - i % 8) of key byte i / 8; output bit j is the XOR,
 * over every set key bit i, of secret bit (i + j). The output is read as
 * three 32-bit words, word w = output bits 32w .. 32w+31 with bit 32w as the
 * most significant:
 *   word 0  bucket index in bank 0   (masked to the bank size)
 *   word 1  bucket index in bank 1   (masked to the bank size)
 *   word 2  tag stored in the slot, so most non-matching slots are rejected
 *           without reading the session
 * Toeplitz is linear in the key but the matrix is secret, so an outside host
 * cannot aim many flows at one bucket; it costs only AND/XOR trees in RTL.
 */
#define RG_HASH_SECRET_BYTES 32
#define RG_HASH_OUT_WORDS 3

/*
 * Lookup index: two banks of buckets (d-left / bucketized cuckoo with two
 * choices), RG_BUCKET_SLOTS slots per bucket, both banks the same power-of-two
 * number of buckets. Each session occupies two slots: one for its
 * inside-to-outside key and one for its outside-to-inside key.
 *
 * Slot (64 bits, little-endian):
 *   63    62   61 .......... 32 31 ............ 0
 *  +-----+----+----------------+-----------------+
 *  |valid| dir| session index  |  tag (hash w2)  |
 *  +-----+----+----------------+-----------------+
 *
 * Lookup order is bank 0 slots 0..3, then bank 1 slots 0..3; the FIRST valid
 * slot whose tag equals the packet's tag is the candidate, and the packet hits
 * only if the candidate session's key for that direction equals the packet
 * key. A tag collision that hides the real entry therefore misses and is
 * resolved by the slow path (the firmware's table code avoids creating such
 * shadows when it places entries).
 */
#define RG_BUCKET_SLOTS 4
#define RG_INDEX_BANKS 2
#define RG_SLOT_TAG_MASK 0xffffffffull
#define RG_SLOT_INDEX_SHIFT 32
#define RG_SLOT_INDEX_MASK 0x3fffffffull
#define RG_SLOT_DIR_BIT 62
#define RG_SLOT_VALID_BIT 63
#define RG_SESSION_INDEX_MAX 0x3fffffffu

enum rg_dir {
	RG_DIR_I2O = 0, /* key of the inside endpoint's packets */
	RG_DIR_O2I = 1, /* key of the remote endpoint's packets */
};

static inline uint64_t rg_slot_make(uint32_t tag, uint32_t session, unsigned dir)
{
	return (1ull << RG_SLOT_VALID_BIT) | ((uint64_t)(dir & 1u) << RG_SLOT_DIR_BIT) |
	       (((uint64_t)session & RG_SLOT_INDEX_MASK) << RG_SLOT_INDEX_SHIFT) | tag;
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Per-direction action nibble (session.ops: low nibble I2O, high nibble O2I):
 *
 *    3        2       1   0
 *  +--------+-------+-------+
 *  |KEEP_TTL| ENCAP |  kind |
 *  +--------+-------+-------+
 *
 * kind DROP     drop, counted under the session's drop reason for the
 *               direction (filters, blacklists, revoked hosts).
 * kind FORWARD  rewrite addresses/ports (identity when untranslated), update
 *               checksums incrementally, decrement TTL unless KEEP_TTL, then
 *               send through the direction's adjacency.
 * kind PUNT     hand every packet of the direction to the firmware (reason
 *               SESSION) — for flows the slow path must see.
 * ENCAP         after the rewrite, prepend an IPv4 header (proto 4) from the
 *               configured tunnel source to session.tun_addr (DNAT / CAPA
 *               host tunnels, seeds 003 and 004).
 * KEEP_TTL      leave the (inner) TTL alone: DNAT forwards a host's packet
 *               "exactly as the host built it".
 * Decapsulation is not an action bit: a key flagged RG_KEY_TUNNEL only matches
 * IP-in-IP packets, and on a hit their outer header is removed after checking
 * that its source equals session.tun_addr.
 * A zeroed nibble is DROP, so a half-written session can never forward.
 */
enum rg_act_kind {
	RG_ACT_DROP = 0,
	RG_ACT_FORWARD = 1,
	RG_ACT_PUNT = 2,
};
#define RG_ACT_KIND_MASK 0x3u
#define RG_ACT_ENCAP 0x4u
#define RG_ACT_KEEP_TTL 0x8u

/* ------------------------------------------------------------------------ */
/* Session entry (64 bytes, both directions)                                */
/* ------------------------------------------------------------------------ */

/*
 * One session: an inside endpoint talking to a remote endpoint, findable by
 * the key of either direction. Endpoints:
 *   in   (in_addr, in_port)      the inside endpoint as it really is
 *   out  (out_addr, out_port)    the inside endpoint as the remote sees it
 *   rem  (rem_addr, rem_port)    the remote endpoint as it really is
 *   remx (rem_xaddr, rem_xport)  the remote endpoint as the inside sees it
 *                                 (= rem unless twice-NAT, hairpin or
 *                                 redirection to the host)
 * Keys (side = in_side / rem_side, flags from the session's tunnel bits):
 *   I2O  src = in,  dst = remx     rewritten to  src = out,  dst = rem
 *   O2I  src = rem, dst = out      rewritten to  src = remx, dst = in
 * For ICMP queries the port fields hold the identifier on the initiator's
 * side and 0 on the other; for ESP/AH they hold the SPI halves and are never
 * rewritten.
 *
 * csum_l3 / csum_l4 are the one's complement deltas of the I2O rewrite
 * (RFC 1624: sum of ~old + new over the changed 16-bit words; the L4 delta
 * includes the pseudo-header for TCP/UDP, only the identifier for ICMP). The
 * O2I rewrite applies the complement of each delta.
 *
 *  off  0      1      2      3      4 ...
 *      +------+------+------+------+---------------------------+
 *    0 |proto |flags | ops  |sides |        in_addr            |
 *      +------+------+------+------+---------------------------+
 *    8 |        out_addr           |        rem_addr           |
 *      +---------------------------+---------------------------+
 *   16 |        rem_xaddr          |  in_port    |  out_port   |
 *      +---------------------------+-------------+-------------+
 *   24 |  rem_port   |  rem_xport  |  csum_l3    |  csum_l4    |
 *      +-------------+-------------+-------------+-------------+
 *   32 |  adj_i2o    |  adj_o2i    |        tun_addr           |
 *      +-------------+-------------+---------------------------+
 *   40 |drop_i|drop_o|  fw_cookie  |        last_seen          |
 *      +------+------+-------------+---------------------------+
 *   48 |        pkts_i2o           |        pkts_o2i           |
 *      +---------------------------+---------------------------+
 *   56 |        bytes_i2o          |        bytes_o2i          |
 *      +---------------------------+---------------------------+
 *
 * Bytes 0..43 are the body the firmware writes; 44..63 are maintained by the
 * fast path (reset to 0 whenever the body is written). The body is committed
 * before the index slots that point at it, and slots are cleared before a
 * body is reused, so a lookup never sees a half-written session.
 */
struct rg_session {
	uint8_t proto;
	uint8_t flags; /* RG_SESS_* */
	uint8_t ops;   /* low nibble: I2O action, high nibble: O2I action */
	uint8_t sides; /* bits 0-1: in_side, bits 2-3: rem_side */
	rg_be32 in_addr;
	rg_be32 out_addr;
	rg_be32 rem_addr;
	rg_be32 rem_xaddr;
	rg_be16 in_port;
	rg_be16 out_port;
	rg_be16 rem_port;
	rg_be16 rem_xport;
	rg_be16 csum_l3;
	rg_be16 csum_l4;
	uint16_t adj_i2o;   /* adjacency index used by I2O packets */
	uint16_t adj_o2i;   /* adjacency index used by O2I packets */
	rg_be32 tun_addr;   /* tunnel peer: decap source check and encap target */
	uint8_t drop_i2o;   /* enum rg_drop_reason when the I2O kind is DROP */
	uint8_t drop_o2i;   /* enum rg_drop_reason when the O2I kind is DROP */
	uint16_t fw_cookie; /* firmware's own tag; the fast path ignores it */
	/* fast path maintained: */
	uint32_t last_seen; /* ingress timestamp (ms) of the last hit */
	uint32_t pkts_i2o;
	uint32_t pkts_o2i;
	uint32_t bytes_i2o; /* wrapping; the firmware accumulates */
	uint32_t bytes_o2i;
};
RG_ASSERT_SIZE(struct rg_session, 64);
RG_ASSERT_OFFSET(struct rg_session, in_addr, 4);
RG_ASSERT_OFFSET(struct rg_session, out_addr, 8);
RG_ASSERT_OFFSET(struct rg_session, rem_addr, 12);
RG_ASSERT_OFFSET(struct rg_session, rem_xaddr, 16);
RG_ASSERT_OFFSET(struct rg_session, in_port, 20);
RG_ASSERT_OFFSET(struct rg_session, out_port, 22);
RG_ASSERT_OFFSET(struct rg_session, rem_port, 24);
RG_ASSERT_OFFSET(struct rg_session, rem_xport, 26);
RG_ASSERT_OFFSET(struct rg_session, csum_l3, 28);
RG_ASSERT_OFFSET(struct rg_session, csum_l4, 30);
RG_ASSERT_OFFSET(struct rg_session, adj_i2o, 32);
RG_ASSERT_OFFSET(struct rg_session, adj_o2i, 34);
RG_ASSERT_OFFSET(struct rg_session, tun_addr, 36);
RG_ASSERT_OFFSET(struct rg_session, drop_i2o, 40);
RG_ASSERT_OFFSET(struct rg_session, drop_o2i, 41);
RG_ASSERT_OFFSET(struct rg_session, fw_cookie, 42);
RG_ASSERT_OFFSET(struct rg_session, last_seen, 44);
RG_ASSERT_OFFSET(struct rg_session, pkts_i2o, 48);
RG_ASSERT_OFFSET(struct rg_session, pkts_o2i, 52);
RG_ASSERT_OFFSET(struct rg_session, bytes_i2o, 56);
RG_ASSERT_OFFSET(struct rg_session, bytes_o2i, 60);

#define RG_SESSION_BODY_BYTES 44 /* bytes the firmware writes */

#define RG_SESS_VALID 0x01u
#define RG_SESS_I2O_TUNNEL 0x02u /* I2O key carries RG_KEY_TUNNEL */
#define RG_SESS_O2I_TUNNEL 0x04u /* O2I key carries RG_KEY_TUNNEL */

#define RG_SIDES(in_side, rem_side) ((uint8_t)(((in_side)&3u) | (((rem_side)&3u) << 2)))
#define RG_SIDES_IN(s) ((unsigned)(s)&3u)
#define RG_SIDES_REM(s) (((unsigned)(s) >> 2) & 3u)

/* The key a session answers to in a direction (the table above): what the
 * fast path compares a packet's key with, and what placement hashes. */
static inline void rg_session_key(const struct rg_session *s, unsigned dir, struct rg_flow_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	if (dir == RG_DIR_I2O) {
		k->src_addr = s->in_addr;
		k->src_port = s->in_port;
		k->dst_addr = s->rem_xaddr;
		k->dst_port = s->rem_xport;
		k->side = (uint8_t)RG_SIDES_IN(s->sides);
		k->flags = (s->flags & RG_SESS_I2O_TUNNEL) ? RG_KEY_TUNNEL : 0;
	} else {
		k->src_addr = s->rem_addr;
		k->src_port = s->rem_port;
		k->dst_addr = s->out_addr;
		k->dst_port = s->out_port;
		k->side = (uint8_t)RG_SIDES_REM(s->sides);
		k->flags = (s->flags & RG_SESS_O2I_TUNNEL) ? RG_KEY_TUNNEL : 0;
	}
}
#define RG_OPS(i2o, o2i) ((uint8_t)(((i2o)&0xfu) | (((o2i)&0xfu) << 4)))
#define RG_OPS_DIR(ops, dir) (((unsigned)(ops) >> ((dir) ? 4 : 0)) & 0xfu)

/* ------------------------------------------------------------------------ */
/* Adjacency (16 bytes)                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Where a forwarded packet goes and with which L2 header (as VPP's
 * adjacencies / the kernel's neighbour entries): egress port, destination and
 * source MAC, optional 802.1Q tag. Sessions refer to adjacencies by index, so
 * a neighbour's MAC change is one write, not a rewrite of every session.
 *
 *   0                       6                       12     13     14      16
 *  +-----------------------+-----------------------+------+------+-------+
 *  |       dst_mac         |       src_mac         | port |flags |vlan_tci|
 *  +-----------------------+-----------------------+------+------+-------+
 */
struct rg_adjacency {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t port;	  /* enum rg_port */
	uint8_t flags;	  /* RG_ADJ_* */
	rg_be16 vlan_tci; /* used when RG_ADJ_VLAN */
};
RG_ASSERT_SIZE(struct rg_adjacency, 16);
RG_ASSERT_OFFSET(struct rg_adjacency, src_mac, 6);
RG_ASSERT_OFFSET(struct rg_adjacency, port, 12);
RG_ASSERT_OFFSET(struct rg_adjacency, flags, 13);
RG_ASSERT_OFFSET(struct rg_adjacency, vlan_tci, 14);

#define RG_ADJ_VALID 0x01u
#define RG_ADJ_VLAN 0x02u

/* ------------------------------------------------------------------------ */
/* Fast path packet interface                                               */
/* ------------------------------------------------------------------------ */

/*
 * The fast path processes one packet descriptor per clock: the first
 * RG_FP_WIN_IN bytes of the frame (the header window) plus metadata. The
 * payload beyond the window stays in the packet buffer and is appended to the
 * rewritten header on egress:
 *     out_frame = out_window[0 .. hdr_len) ++ in_frame[consumed .. frame_len)
 * The receive MAC supplies tail_sum, the one's complement sum of the frame
 * bytes beyond the window, so L4 checksums are verified without the pipeline
 * touching the payload.
 */
#define RG_FP_WIN_IN 128
#define RG_FP_WIN_OUT 160 /* room for +20 (encap) and +4 (VLAN push) */
#define RG_FP_FRAME_MAX 9216

/* Descriptor metadata in (AXI-Stream tuser of the input channel), 12 bytes. */
struct rg_fp_in_meta {
	uint16_t frame_len; /* bytes in the frame (no FCS) */
	uint8_t port;	    /* ingress port, enum rg_port */
	uint8_t flags;	    /* RG_FPIN_* */
	uint16_t tail_sum;  /* one's complement sum of frame[WIN_IN..frame_len) */
	uint16_t rsvd;
	uint32_t ts_ms; /* ingress timestamp, milliseconds */
};
RG_ASSERT_SIZE(struct rg_fp_in_meta, 12);
RG_ASSERT_OFFSET(struct rg_fp_in_meta, port, 2);
RG_ASSERT_OFFSET(struct rg_fp_in_meta, flags, 3);
RG_ASSERT_OFFSET(struct rg_fp_in_meta, tail_sum, 4);
RG_ASSERT_OFFSET(struct rg_fp_in_meta, ts_ms, 8);

/* The firmware re-injects a packet it has already judged: do not punt it
 * again. TCP control flags are ignored; any other punt becomes a drop
 * (RG_DROP_FORCED_PUNT), so a re-injected packet can never loop. */
#define RG_FPIN_FORCE 0x01u

/* Descriptor metadata out (tuser of the output channel), 12 bytes. */
struct rg_fp_out_meta {
	uint8_t verdict;   /* enum rg_verdict */
	uint8_t port;	   /* egress port when FORWARD */
	uint8_t reason;	   /* rg_punt_reason or rg_drop_reason */
	uint8_t flags;	   /* RG_FPOUT_* */
	uint16_t hdr_len;  /* valid bytes of the output window */
	uint16_t consumed; /* input bytes the output window replaces */
	uint32_t hit;	   /* RG_FPOUT_HIT | dir << 30 | session index */
};
RG_ASSERT_SIZE(struct rg_fp_out_meta, 12);
RG_ASSERT_OFFSET(struct rg_fp_out_meta, hdr_len, 4);
RG_ASSERT_OFFSET(struct rg_fp_out_meta, consumed, 6);
RG_ASSERT_OFFSET(struct rg_fp_out_meta, hit, 8);

#define RG_FPOUT_HIT 0x80000000u
#define RG_FPOUT_HIT_DIR_SHIFT 30
#define RG_FPOUT_HIT_INDEX_MASK 0x3fffffffu

enum rg_verdict {
	RG_VERDICT_FORWARD = 0,
	RG_VERDICT_PUNT = 1, /* to the firmware's exception queue, frame unchanged */
	RG_VERDICT_DROP = 2,
};

/* Punt reasons: why the fast path handed a packet to the firmware. */
#define RG_PUNT_REASONS(X)                                            \
	X(NONE, 0, "none")                                            \
	X(MISS, 1, "no session")                                      \
	X(NOT_IPV4, 2, "not IPv4 (ARP, IPv6, other ethertypes)")      \
	X(L2_BCAST, 3, "broadcast or multicast destination MAC")      \
	X(TCP_CTRL, 4, "TCP SYN, FIN or RST (state tracking)")        \
	X(FRAG, 5, "IPv4 fragment")                                   \
	X(TTL, 6, "TTL would expire")                                 \
	X(MTU, 7, "larger than the egress MTU")                       \
	X(ICMP_ERROR, 8, "ICMP error (embedded packet)")              \
	X(ICMP_OTHER, 9, "ICMP type that is neither query nor error") \
	X(PROTO, 10, "L4 protocol the fast path does not translate")  \
	X(HDR_WINDOW, 11, "headers extend past the header window")    \
	X(TRAILER, 12, "bytes after the IP packet beyond the window") \
	X(NO_ADJ, 13, "adjacency not resolved")                       \
	X(SESSION, 14, "session asks for every packet")               \
	X(IP_OPTIONS, 15, "IPv4 header with options")                 \
	X(VLAN, 16, "802.1Q VLAN other than the port's")

/* Drop reasons: fast path drops and the reasons a session can name. */
#define RG_DROP_REASONS(X)                                             \
	X(NONE, 0, "none")                                             \
	X(NOT_MINE, 1, "unicast MAC of another station")               \
	X(RUNT, 2, "frame shorter than its headers")                   \
	X(BAD_IP_VER, 3, "IP version is not 4")                        \
	X(BAD_IP_HDR, 4, "bad IPv4 header length")                     \
	X(BAD_IP_LEN, 5, "IPv4 total length exceeds the frame")        \
	X(BAD_IP_CSUM, 6, "bad IPv4 header checksum")                  \
	X(BAD_L4_LEN, 7, "truncated or inconsistent L4 header")        \
	X(BAD_L4_CSUM, 8, "bad TCP/UDP/ICMP checksum")                 \
	X(TUNNEL_SRC, 9, "tunnel packet from the wrong host")          \
	X(FILTERED, 10, "refused by a mapping's filter")               \
	X(SPI_UNREGISTERED, 11, "IPsec from an unregistered peer")     \
	X(REVOKED, 12, "host whose leases were revoked")               \
	X(FORCED_PUNT, 13, "re-injected packet would be punted again") \
	X(BLACKLIST, 14, "source on a blacklist")                      \
	X(POLICY, 15, "refused by configured policy")

#define RG_REASON_ENUM_PUNT(name, val, text) RG_PUNT_##name = val,
#define RG_REASON_ENUM_DROP(name, val, text) RG_DROP_##name = val,
enum rg_punt_reason { RG_PUNT_REASONS(RG_REASON_ENUM_PUNT) RG_PUNT__COUNT };
enum rg_drop_reason { RG_DROP_REASONS(RG_REASON_ENUM_DROP) RG_DROP__COUNT };
#undef RG_REASON_ENUM_PUNT
#undef RG_REASON_ENUM_DROP

/*
 * Fast path counters: 32-bit, wrapping (the firmware folds them into 64-bit
 * totals once a second, well before a wrap at line rate).
 *   0..3    rx packets per ingress port
 *   4..7    tx packets per egress port
 *   8       session hits (forwarded or dropped by a session)
 *   16..47  punts by reason
 *   48..79  drops by reason
 */
#define RG_FPC_RX(port) (0u + (port))
#define RG_FPC_TX(port) (4u + (port))
#define RG_FPC_HIT 8u
#define RG_FPC_PUNT(reason) (16u + (reason))
#define RG_FPC_DROP(reason) (48u + (reason))
#define RG_FPC_COUNT 80u

_Static_assert(RG_PUNT__COUNT <= 32, "punt reasons must fit the counter block");
_Static_assert(RG_DROP__COUNT <= 32, "drop reasons must fit the counter block");

#endif /* REALMGATE_FLOW_H */
