/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reassembly of datagrams to the card itself. The card answers echo
 * requests for its own addresses; a request larger than the path's MTU
 * (`ping -s 3000 10.0.0.1`) arrives in fragments, which translation never
 * needs to put together (each follows its first, frag.c) but an answer
 * does. A few slots of FW_REASM_MAX bytes hold such datagrams, filled in
 * any order (duplicates and overlaps are written over), each found through
 * its fragment tracking entry (state FRAG_LOCAL in frag.c), which also
 * times it out. A complete request is checked (ICMP checksum over the whole
 * message) and answered; an answer larger than the port's MTU leaves in
 * fragments. Anything else given up is counted (drop-reassembly).
 */
#include "fw_internal.h"

void fw_reasm_reset(struct rg_fw *fw)
{
	for (unsigned i = 0; i < FW_REASM_SLOTS; i++)
		fw->reasm[i].used = 0;
}

uint32_t fw_reasm_open(struct rg_fw *fw, const struct fw_pkt *p)
{
	for (uint32_t i = 0; i < FW_REASM_SLOTS; i++) {
		struct fw_reasm *a = &fw->reasm[i];
		if (a->used)
			continue;
		__builtin_memset(a->got, 0, sizeof(a->got));
		a->used = 1;
		a->have_first = 0;
		a->total = 0;
		a->src = p->src;
		a->dst = p->dst;
		a->id = p->ip_id;
		return i;
	}
	return FW_NONE;
}

void fw_reasm_close(struct rg_fw *fw, uint32_t r)
{
	if (r < FW_REASM_SLOTS)
		fw->reasm[r].used = 0;
}

static int all_there(const struct fw_reasm *a)
{
	uint32_t blocks = (a->total + 7u) / 8u;
	for (uint32_t b = 0; b < blocks; b++)
		if (!((a->got[b / 64u] >> (b % 64u)) & 1u))
			return 0;
	return 1;
}

/* The echo reply to the complete request in a, out of port: from the
 * address asked, with a plain 20-byte header (the request's options are
 * not echoed), fragmented when it does not fit the port's MTU. */
static void answer(struct rg_fw *fw, const struct fw_reasm *a, const struct fw_pkt *p)
{
	uint32_t n = a->total;
	if (n < 8 || a->data[0] != 8) {
		FWC(fw, DROP_BAD_ICMP);
		return;
	}
	if (rg_csum_fold(rg_csum_partial(a->data, n)) != 0xffffu) {
		FWC(fw, DROP_BAD_L4_CSUM);
		return;
	}
	uint8_t *o = fw->txbuf;
	uint32_t l2 = fw_reply_l2(fw, p->f, p->port, o); /* to the last piece's sender */
	uint8_t *ip = o + l2;
	ip[0] = 0x45;
	ip[1] = a->tos;
	rg_put_be16(ip + 2, (uint16_t)(20u + n));
	rg_put_be16(ip + 4, a->id);
	rg_put_be16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	rg_put_be32(ip + 12, a->dst);
	rg_put_be32(ip + 16, a->src);
	fw_ip_set_csum(ip);
	__builtin_memcpy(ip + 20, a->data, n);
	fw_icmp_echo_turn(ip + 20);
	uint16_t mtu = fw->cfg.mtu[p->port & 3u] ? fw->cfg.mtu[p->port & 3u] : 1500u;
	if (20u + n > mtu) {
		if (fw_fragment_tx(fw, o, l2 + 20u + n, l2, p->port, mtu))
			return;
	} else {
		fw_tx(fw, p->port, o, l2 + 20u + n);
	}
	FWC(fw, ICMP_ECHO_REPLIES);
	FWC(fw, REASSEMBLED);
}

int fw_reasm_add(struct rg_fw *fw, uint32_t r, const struct fw_pkt *p)
{
	if (r >= FW_REASM_SLOTS || !fw->reasm[r].used)
		return -1;
	struct fw_reasm *a = &fw->reasm[r];
	uint32_t off = p->frag_off;
	uint32_t len = p->ip_end - p->l3 - p->ihl;
	int more = (rg_get_be16(p->f + p->l3 + 6) & 0x2000u) != 0;
	/* RFC 791: every piece but the last carries a multiple of 8 bytes;
	 * the last one fixes the length, which no piece may pass */
	if ((more && (len == 0 || len % 8u)) || off + len > FW_REASM_MAX ||
	    (!more && a->total && a->total != off + len) || (a->total && off + len > a->total)) {
		FWC(fw, DROP_REASM);
		return -1;
	}
	if (!more)
		a->total = off + len;
	__builtin_memcpy(a->data + off, p->f + p->l3 + p->ihl, len);
	for (uint32_t b = off / 8u; b < (off + len + 7u) / 8u; b++)
		a->got[b / 64u] |= 1ull << (b % 64u);
	if (p->first_frag) {
		a->have_first = 1;
		a->tos = p->f[p->l3 + 1];
	}
	if (!a->total || !a->have_first || !all_there(a))
		return 0;
	answer(fw, a, p);
	return 1;
}
