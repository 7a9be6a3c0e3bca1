/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 fragments. Only the first fragment carries the ports, so it decides
 * the session (created as for any packet); a tracking entry keyed by
 * (source, destination, protocol, id, ingress port) then lets the later
 * fragments follow it with only their addresses translated. A fragment that
 * arrives before the first one is buffered (one buffer per entry) and sent
 * when the first one comes. Entries are found through a hash of the
 * datagram, live in a bounded table and expire after the fragment timeout
 * (counted when a buffered fragment is dropped).
 *
 * The card also fragments a translated packet larger than the egress MTU
 * when DF is clear (fw_fragment_tx).
 */
#include "fw_internal.h"

/* FRAG_LOCAL: a datagram to the card, reassembled in slot `sess` (reasm.c) */
enum { FRAG_FREE = 0, FRAG_TRACK = 1, FRAG_WAIT = 2, FRAG_LOCAL = 3 };

static uint32_t dgram_hash(const struct rg_fw *fw, const struct fw_pkt *p)
{
	return fw_mix32(p->src ^ fw->hseed ^
			fw_mix32(p->dst + ((uint32_t)p->ip_id << 8) + ((uint32_t)p->proto << 24) +
				 p->port)) &
	       fw->frag_hash_mask;
}

static int same_datagram(const struct fw_frag *e, const struct fw_pkt *p)
{
	return e->src == p->src && e->dst == p->dst && e->id == p->ip_id && e->proto == p->proto &&
	       e->port == p->port;
}

void fw_frag_reset(struct rg_fw *fw)
{
	for (uint32_t i = 0; i <= fw->frag_hash_mask; i++)
		fw->frag_hash[i] = FW_NONE;
	fw->frag_free = FW_NONE;
	for (uint32_t i = fw->n_frags; i-- > 0;) {
		fw->frags[i].state = FRAG_FREE;
		fw->frags[i].next = fw->frag_free;
		fw->frag_free = i;
	}
	fw_reasm_reset(fw);
}

static uint32_t frag_alloc(struct rg_fw *fw, const struct fw_pkt *p, unsigned state)
{
	uint32_t i = fw->frag_free;
	if (i == FW_NONE)
		return FW_NONE;
	struct fw_frag *e = &fw->frags[i];
	fw->frag_free = e->next;
	e->state = (uint8_t)state;
	e->src = p->src;
	e->dst = p->dst;
	e->id = p->ip_id;
	e->proto = p->proto;
	e->port = (uint8_t)p->port;
	e->buf_len = 0;
	uint32_t h = dgram_hash(fw, p);
	e->next = fw->frag_hash[h];
	fw->frag_hash[h] = i;
	fw_timer_arm(fw, fw->tbase_frag + i, fw->now_s + fw->cfg.frag_s + 1);
	return i;
}

static void frag_free(struct rg_fw *fw, uint32_t i)
{
	struct fw_frag *e = &fw->frags[i];
	if (e->state == FRAG_FREE)
		return;
	struct fw_pkt key;
	key.src = e->src;
	key.dst = e->dst;
	key.ip_id = e->id;
	key.proto = e->proto;
	key.port = e->port;
	uint32_t *pp = &fw->frag_hash[dgram_hash(fw, &key)];
	while (*pp != FW_NONE && *pp != i)
		pp = &fw->frags[*pp].next;
	if (*pp == i)
		*pp = e->next;
	if (e->state == FRAG_LOCAL)
		fw_reasm_close(fw, e->sess);
	e->state = FRAG_FREE;
	e->next = fw->frag_free;
	fw->frag_free = i;
	fw_timer_cancel(fw, fw->tbase_frag + i);
}

/* Translate and send a non-first fragment of a tracked datagram. */
static void send_follow(struct rg_fw *fw, struct fw_pkt *p, uint32_t sidx, unsigned dir)
{
	if (fw->sess[sidx].state == FW_SS_FREE) {
		FWC(fw, DROP_NO_MAPPING);
		return;
	}
	if (fw_forward(fw, p, sidx, dir) == 0)
		FWC(fw, FRAGS_TRANSLATED);
}

/* A piece of p's datagram that came before its first one, taken out of the
 * table and parsed into q (its frame in fw->fragbuf, valid until the next
 * call); 0 when there is none left. */
static int take_waiting(struct rg_fw *fw, const struct fw_pkt *p, struct fw_pkt *q)
{
	uint32_t i = fw->frag_hash[dgram_hash(fw, p)];
	while (i != FW_NONE) {
		struct fw_frag *e = &fw->frags[i];
		uint32_t next = e->next;
		if (e->state == FRAG_WAIT && same_datagram(e, p)) {
			uint32_t len = e->buf_len;
			__builtin_memcpy(fw->fragbuf, fw->frag_buf[i], len);
			frag_free(fw, i);
			if (fw_parse(fw, fw->fragbuf, len, p->port, q) == FW_PK_IPV4)
				return 1;
		}
		i = next; /* an unreadable piece: the next one */
	}
	return 0;
}

static void first_fragment(struct rg_fw *fw, struct fw_pkt *p)
{
	unsigned dir;
	uint32_t sidx = fw_nat_session(fw, p, &dir);
	if (sidx == FW_NONE)
		return;
	if (fw_forward(fw, p, sidx, dir))
		return;
	FWC(fw, FRAGS_TRANSLATED);
	/* release fragments that came early, then track the rest */
	struct fw_pkt q;
	while (take_waiting(fw, p, &q))
		send_follow(fw, &q, sidx, dir);
	uint32_t track = FW_NONE;
	for (uint32_t i = fw->frag_hash[dgram_hash(fw, p)]; i != FW_NONE; i = fw->frags[i].next)
		if (fw->frags[i].state == FRAG_TRACK && same_datagram(&fw->frags[i], p))
			track = i;
	if (track == FW_NONE)
		track = frag_alloc(fw, p, FRAG_TRACK);
	if (track == FW_NONE) {
		FWC(fw, DROP_FRAG_TABLE_FULL);
		fw_quota_event(fw, p->src, FW_EXH_FRAG_TABLE, p->proto, fw->n_frags);
		return;
	}
	fw->frags[track].sess = sidx;
	fw->frags[track].dir = (uint8_t)dir;
	FWC(fw, FRAGS_TRACKED);
}

/* The datagram's FRAG_LOCAL entry, or FW_NONE. */
static uint32_t local_entry(struct rg_fw *fw, const struct fw_pkt *p)
{
	for (uint32_t i = fw->frag_hash[dgram_hash(fw, p)]; i != FW_NONE; i = fw->frags[i].next)
		if (fw->frags[i].state == FRAG_LOCAL && same_datagram(&fw->frags[i], p))
			return i;
	return FW_NONE;
}

void fw_frag_for_card(struct rg_fw *fw, const struct fw_pkt *p)
{
	uint32_t track = local_entry(fw, p); /* a repeated first piece */
	if (track != FW_NONE) {
		if (fw_reasm_add(fw, fw->frags[track].sess, p))
			frag_free(fw, track);
		return;
	}
	uint32_t r = fw_reasm_open(fw, p);
	if (r == FW_NONE) {
		FWC(fw, DROP_REASM);
		return;
	}
	int done = fw_reasm_add(fw, r, p);
	/* the pieces that came before it (all leave the table) */
	struct fw_pkt q;
	while (take_waiting(fw, p, &q))
		if (!done)
			done = fw_reasm_add(fw, r, &q);
	if (done) {
		fw_reasm_close(fw, r);
		return;
	}
	track = frag_alloc(fw, p, FRAG_LOCAL);
	if (track == FW_NONE) {
		fw_reasm_close(fw, r);
		FWC(fw, DROP_FRAG_TABLE_FULL);
		return;
	}
	fw->frags[track].sess = r;
}

/*
 * A piece that came before its first one and is larger than a buffer (a
 * jumbo port's): held as smaller fragments of itself, each in a buffer of
 * its own, which leave as they are once the first piece has come (RFC 791:
 * a fragment may be fragmented again; the receiver puts them together by
 * offset). Not when DF forbids it or the piece is tunnelled; not when the
 * table cannot take all of them (the ones held then time out, counted).
 */
static void hold_in_pieces(struct rg_fw *fw, const struct fw_pkt *p)
{
	uint32_t hdr = p->l3 + p->ihl;
	if (p->df || p->tunnel || p->l3 != p->outer || p->frame_ip_end <= hdr) {
		FWC(fw, DROP_FRAG_TOO_BIG);
		return;
	}
	const uint8_t *ip = p->f + p->l3;
	uint16_t field = rg_get_be16(ip + 6);
	uint32_t base = (uint32_t)(field & 0x1fffu) * 8u, payload = p->frame_ip_end - hdr;
	uint32_t chunk = (FW_FRAG_BUF_BYTES - hdr) & ~7u;
	for (uint32_t off = 0; off < payload; off += chunk) {
		uint32_t i = frag_alloc(fw, p, FRAG_WAIT);
		if (i == FW_NONE) {
			FWC(fw, DROP_FRAG_TABLE_FULL);
			fw_quota_event(fw, p->src, FW_EXH_FRAG_TABLE, p->proto, fw->n_frags);
			return;
		}
		uint32_t n = payload - off < chunk ? payload - off : chunk;
		uint8_t *b = fw->frag_buf[i];
		__builtin_memcpy(b, p->f, hdr);
		__builtin_memcpy(b + hdr, p->f + hdr + off, n);
		uint8_t *bip = b + p->l3;
		int more = off + n < payload || (field & 0x2000u);
		rg_put_be16(bip + 2, (uint16_t)(p->ihl + n));
		rg_put_be16(bip + 6, (uint16_t)((more ? 0x2000u : 0) | ((base + off) / 8u)));
		fw_ip_set_csum(bip);
		fw->frags[i].buf_len = (uint16_t)(hdr + n);
	}
	FWC(fw, FRAGS_HELD_SPLIT);
}

void fw_frag_packet(struct rg_fw *fw, struct fw_pkt *p)
{
	if (p->first_frag) {
		first_fragment(fw, p);
		return;
	}
	for (uint32_t i = fw->frag_hash[dgram_hash(fw, p)]; i != FW_NONE; i = fw->frags[i].next) {
		const struct fw_frag *e = &fw->frags[i];
		if (e->state == FRAG_TRACK && same_datagram(e, p)) {
			send_follow(fw, p, e->sess, e->dir);
			return;
		}
		if (e->state == FRAG_LOCAL && same_datagram(e, p)) {
			if (fw_reasm_add(fw, e->sess, p))
				frag_free(fw, i);
			return;
		}
	}
	/* before its first fragment: wait for it */
	if (p->len > FW_FRAG_BUF_BYTES) {
		hold_in_pieces(fw, p);
		return;
	}
	uint32_t i = frag_alloc(fw, p, FRAG_WAIT);
	if (i == FW_NONE) {
		FWC(fw, DROP_FRAG_TABLE_FULL);
		fw_quota_event(fw, p->src, FW_EXH_FRAG_TABLE, p->proto, fw->n_frags);
		return;
	}
	fw->frags[i].buf_len = (uint16_t)p->len;
	__builtin_memcpy(fw->frag_buf[i], p->f, p->len);
}

void fw_frag_timer(struct rg_fw *fw, uint32_t i)
{
	if (fw->frags[i].state == FRAG_WAIT || fw->frags[i].state == FRAG_LOCAL)
		FWC(fw, DROP_FRAG_TIMEOUT);
	frag_free(fw, i);
}

/*
 * Split the IPv4 packet at frame[l3..len) into fragments of at most mtu
 * bytes and send them (RFC 791). Every fragment carries the whole header,
 * options included (simpler than separating copied options; receivers
 * accept it).
 */
int fw_fragment_tx(struct rg_fw *fw, uint8_t *frame, uint32_t len, uint32_t l3, unsigned port,
		   uint16_t mtu)
{
	uint8_t *ip = frame + l3;
	unsigned ihl = (ip[0] & 15u) * 4u;
	uint16_t fw0 = rg_get_be16(ip + 6);
	if (fw0 & 0x4000u) {
		FWC(fw, DROP_FRAG_NEEDED);
		return -1;
	}
	uint32_t payload = len - l3 - ihl;
	uint32_t chunk = ((uint32_t)mtu - ihl) & ~7u;
	if (chunk < 8) {
		FWC(fw, DROP_FRAG_NEEDED);
		return -1;
	}
	uint32_t base_off = (uint32_t)(fw0 & 0x1fffu) * 8u;
	int more_after = (fw0 & 0x2000u) != 0;
	uint8_t *o = fw->txbuf2;
	for (uint32_t off = 0; off < payload; off += chunk) {
		uint32_t n = payload - off < chunk ? payload - off : chunk;
		__builtin_memcpy(o, frame, l3 + ihl);
		__builtin_memcpy(o + l3 + ihl, ip + ihl + off, n);
		uint8_t *fip = o + l3;
		rg_put_be16(fip + 2, (uint16_t)(ihl + n));
		int mf = off + n < payload || more_after;
		rg_put_be16(fip + 6, (uint16_t)((mf ? 0x2000u : 0) | ((base_off + off) / 8u)));
		fw_ip_set_csum(fip);
		fw_tx(fw, port, o, l3 + ihl + n);
	}
	FWC(fw, FRAGS_CREATED);
	return 0;
}
