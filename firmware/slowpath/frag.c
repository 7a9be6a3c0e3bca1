/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 fragments. Only the first fragment carries the ports, so it decides
 * the session (created as for any packet); a tracking entry keyed by
 * (source, destination, protocol, id, ingress port) then lets the later
 * fragments follow it with only their addresses translated. A fragment that
 * arrives before the first one is buffered in the entry and sent when the
 * first one comes. The table is bounded and entries expire after the
 * fragment timeout (counted when a buffered fragment is dropped).
 *
 * The card also fragments a translated packet larger than the egress MTU
 * when DF is clear (fw_fragment_tx).
 */
#include "fw_internal.h"

enum { FRAG_FREE = 0, FRAG_TRACK = 1, FRAG_WAIT = 2 };

static int same_datagram(const struct fw_frag *e, const struct fw_pkt *p)
{
	return e->src == p->src && e->dst == p->dst && e->id == p->ip_id && e->proto == p->proto &&
	       e->port == p->port;
}

static uint32_t frag_alloc(struct rg_fw *fw)
{
	for (uint32_t i = 0; i < fw->n_frags; i++)
		if (fw->frags[i].state == FRAG_FREE)
			return i;
	return FW_NONE;
}

static void frag_free(struct rg_fw *fw, uint32_t i)
{
	fw->frags[i].state = FRAG_FREE;
	fw_timer_cancel(fw, fw->tbase_frag + i);
}

/* Translate and send a non-first fragment of a tracked datagram. */
static void send_follow(struct rg_fw *fw, const struct fw_pkt *p, uint32_t sidx, unsigned dir)
{
	struct rg_session s;
	if (fw->sess[sidx].state == FW_SS_FREE || fw_sess_read(fw, sidx, &s)) {
		FWC(fw, DROP_NO_MAPPING);
		return;
	}
	if (fw_forward(fw, (struct fw_pkt *)p, sidx, dir) == 0)
		FWC(fw, FRAGS_TRANSLATED);
}

void fw_frag_packet(struct rg_fw *fw, struct fw_pkt *p)
{
	if (p->first_frag) {
		unsigned dir;
		uint32_t sidx = fw_nat_session(fw, p, &dir);
		if (sidx == FW_NONE)
			return;
		if (fw_forward(fw, p, sidx, dir))
			return;
		FWC(fw, FRAGS_TRANSLATED);
		/* release fragments that came early, then track the rest */
		uint32_t track = FW_NONE;
		for (uint32_t i = 0; i < fw->n_frags; i++) {
			struct fw_frag *e = &fw->frags[i];
			if (e->state == FRAG_FREE || !same_datagram(e, p))
				continue;
			if (e->state == FRAG_WAIT) {
				struct fw_pkt q;
				uint32_t len = e->buf_len;
				__builtin_memcpy(fw->fragbuf, e->buf, len);
				frag_free(fw, i);
				if (fw_parse(fw, fw->fragbuf, len, p->port, &q) == FW_PK_IPV4)
					send_follow(fw, &q, sidx, dir);
			} else {
				track = i;
			}
		}
		if (track == FW_NONE)
			track = frag_alloc(fw);
		if (track == FW_NONE) {
			FWC(fw, DROP_FRAG_TABLE_FULL);
			return;
		}
		struct fw_frag *e = &fw->frags[track];
		e->state = FRAG_TRACK;
		e->src = p->src;
		e->dst = p->dst;
		e->id = p->ip_id;
		e->proto = p->proto;
		e->port = (uint8_t)p->port;
		e->sess = sidx;
		e->dir = (uint8_t)dir;
		fw_timer_arm(fw, fw->tbase_frag + track, fw->now_s + fw->cfg.frag_s + 1);
		FWC(fw, FRAGS_TRACKED);
		return;
	}
	for (uint32_t i = 0; i < fw->n_frags; i++) {
		struct fw_frag *e = &fw->frags[i];
		if (e->state == FRAG_TRACK && same_datagram(e, p)) {
			send_follow(fw, p, e->sess, e->dir);
			return;
		}
	}
	/* before its first fragment: wait for it */
	if (p->len > FW_FRAG_BUF_BYTES) {
		FWC(fw, DROP_FRAG_TABLE_FULL);
		return;
	}
	uint32_t i = frag_alloc(fw);
	if (i == FW_NONE) {
		FWC(fw, DROP_FRAG_TABLE_FULL);
		return;
	}
	struct fw_frag *e = &fw->frags[i];
	e->state = FRAG_WAIT;
	e->src = p->src;
	e->dst = p->dst;
	e->id = p->ip_id;
	e->proto = p->proto;
	e->port = (uint8_t)p->port;
	e->buf_len = (uint16_t)p->len;
	__builtin_memcpy(e->buf, p->f, p->len);
	fw_timer_arm(fw, fw->tbase_frag + i, fw->now_s + fw->cfg.frag_s + 1);
}

void fw_frag_timer(struct rg_fw *fw, uint32_t i)
{
	struct fw_frag *e = &fw->frags[i];
	if (e->state == FRAG_WAIT)
		FWC(fw, DROP_FRAG_TIMEOUT);
	e->state = FRAG_FREE;
}

void fw_frag_reset(struct rg_fw *fw)
{
	for (uint32_t i = 0; i < fw->n_frags; i++)
		fw->frags[i].state = FRAG_FREE;
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
