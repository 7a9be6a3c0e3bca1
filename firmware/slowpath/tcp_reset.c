/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP resets the card sends for its own addresses: a segment to a port of
 * the card that nothing serves is answered as a closed port of any host's
 * stack answers it (RFC 9293 3.10.7.1, "CLOSED"), so the client's connect
 * fails with "connection refused" at once. Resets share the per-second
 * budget of the card's ICMP errors (fw_reply_budget): the card originates
 * no more replies a second, of either kind, than RFC 1812 allows for errors.
 */
#include "fw_internal.h"

void fw_tcp_reset(struct rg_fw *fw, const struct fw_pkt *p)
{
	if (p->proto != IPPROTO_TCP || (p->tcp_flags & TCP_RST) || p->is_frag || !p->l4 ||
	    (p->f[0] & 1u) || !fw_unicast_addr(p->src))
		return;
	if (!fw_reply_budget(fw)) {
		FWC(fw, TCP_RESETS_RATE_LIMITED);
		return;
	}
	const uint8_t *th = p->f + p->l4;
	uint32_t doff = (th[12] >> 4) * 4u;
	uint32_t seg_len = p->ip_end - p->l4 - doff;
	if (p->tcp_flags & TCP_SYN)
		seg_len++;
	if (p->tcp_flags & TCP_FIN)
		seg_len++;

	uint8_t *o = fw->txbuf;
	uint32_t l2 = fw_reply_l2(fw, p->f, p->port, o);
	uint8_t *ip = o + l2;
	__builtin_memset(ip, 0, 40);
	ip[0] = 0x45;
	rg_put_be16(ip + 2, 40);
	rg_put_be16(ip + 6, 0x4000); /* DF, as a host's stack sends it */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	rg_put_be32(ip + 12, p->dst);
	rg_put_be32(ip + 16, p->src);
	fw_ip_set_csum(ip);

	uint8_t *t = ip + 20;
	__builtin_memcpy(t, th + 2, 2); /* ports swapped */
	__builtin_memcpy(t + 2, th, 2);
	if (p->tcp_flags & TCP_ACK) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		__builtin_memcpy(t + 4, th + 8, 4);
		t[13] = TCP_RST;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		rg_put_be32(t + 8, rg_get_be32(th + 4) + seg_len);
		t[13] = TCP_RST | TCP_ACK;
	}
	t[12] = 5u << 4;
	rg_put_be16(t + 16, fw_l4_csum(ip, 20, 20, IPPROTO_TCP));
	fw_tx(fw, p->port, o, l2 + 40);
	FWC(fw, TCP_RESETS_SENT);
}
