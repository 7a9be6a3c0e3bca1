/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host port (port 2): frames for the daemon's services go there, and
 * frames from the daemon (PCP answers, DNS, PAP) are routed to the inside or
 * outside realm. The host uses the card's own addresses as sources; nothing
 * else is let out, and an inside address never leaves on the outside port.
 */
#include "fw_internal.h"

#define PCP_PORT 5351u /* PCP and NAT-PMP (RFC 6887, RFC 6886) */

int fw_host_match(struct rg_fw *fw, const struct fw_pkt *p)
{
	/* the built-in service: PCP / NAT-PMP requests from the inside realm */
	if (p->port == RG_PORT_INSIDE && p->proto == IPPROTO_UDP && p->dport == PCP_PORT &&
	    fw_is_own_addr(fw, p->dst))
		return 1;
	const struct rg_rule *r = fw_rule_match(fw, FW_RULE_BIT(RG_RULE_TO_HOST), p);
	return r != NULL;
}

void fw_to_host(struct rg_fw *fw, const struct fw_pkt *p)
{
	uint8_t *o = fw->txbuf;
	uint32_t ip_len = p->frame_ip_end - p->outer;
	if (!fw->host_mac_known) {
		/* not heard from the host yet: its stack accepts broadcast */
		__builtin_memset(o, 0xff, 6);
	} else {
		__builtin_memcpy(o, fw->host_mac, 6);
	}
	__builtin_memcpy(o + 6, fw->params.port_mac[RG_PORT_HOST], 6);
	rg_put_be16(o + 12, ETH_P_IPV4);
	__builtin_memcpy(o + 14, p->f + p->outer, ip_len);
	fw_tx(fw, RG_PORT_HOST, o, 14 + ip_len);
	FWC(fw, TO_HOST);
}

/* Broadcast to the link of a card address: the limited broadcast, or the
 * directed broadcast of the port's on-link prefix (none for /31 and /32). */
static int link_broadcast(uint32_t dst, uint32_t addr, uint32_t mask)
{
	return dst == 0xffffffffu || (~mask > 1u && dst == (addr | ~mask));
}

/*
 * A link-scoped packet from the host — local-network multicast (224.0.0.0/24,
 * never routed, RFC 5771) or a broadcast — goes onto the link of its source
 * address with the group's MAC (RFC 1112 6.4) or the broadcast MAC, without
 * ARP. realmgated's unsolicited PCP ANNOUNCE and NAT-PMP address messages
 * to 224.0.0.1:5350 (RFC 6887 14.1.3, RFC 6886 3.2.1) are such packets;
 * routed into the outside realm they would carry the inside address out.
 * Returns 0 when dst is not link-scoped.
 */
static int host_to_link(struct rg_fw *fw, const struct fw_pkt *p)
{
	uint32_t dst = p->dst;
	int mcast = (dst >> 28) == 0xeu;
	unsigned port;
	if (p->src == fw->cfg.inside_addr)
		port = RG_PORT_INSIDE;
	else
		port = RG_PORT_OUTSIDE; /* an outside or pool address */
	if (!mcast && !(port == RG_PORT_INSIDE
				? link_broadcast(dst, fw->cfg.inside_addr, fw->cfg.inside_mask)
				: link_broadcast(dst, fw->cfg.outside_addr, fw->cfg.outside_mask)))
		return 0;
	if (mcast && (dst >> 8) != 0xe00000u) {
		/* the card does not route multicast */
		FWC(fw, DROP_HOST_MULTICAST);
		return 1;
	}
	uint8_t *o = fw->txbuf;
	uint32_t ip_len = p->frame_ip_end - p->outer;
	if (14 + ip_len > sizeof(fw->txbuf)) {
		FWC(fw, DROP_OVERSIZE);
		return 1;
	}
	if (mcast) {
		static const uint8_t group[3] = { 0x01, 0x00, 0x5e };
		__builtin_memcpy(o, group, 3);
		o[3] = (uint8_t)((dst >> 16) & 0x7fu);
		o[4] = (uint8_t)(dst >> 8);
		o[5] = (uint8_t)dst;
	} else {
		__builtin_memset(o, 0xff, 6);
	}
	__builtin_memcpy(o + 6, fw->params.port_mac[port], 6);
	rg_put_be16(o + 12, ETH_P_IPV4);
	__builtin_memcpy(o + 14, p->f + p->outer, ip_len);
	fw_tx(fw, port, o, 14 + ip_len);
	return 1;
}

void fw_from_host(struct rg_fw *fw, struct fw_pkt *p)
{
	FWC(fw, FROM_HOST);
	/* sessions whose remote side is the host (redirections) first */
	unsigned dir;
	uint32_t sidx = fw_sess_lookup(fw, &p->key, &dir);
	if (sidx != FW_NONE) {
		fw_forward(fw, p, sidx, dir);
		return;
	}
	if (fw_is_own_addr(fw, p->dst)) {
		if (p->proto == IPPROTO_ICMP && p->icmp_type == 8)
			fw_icmp_echo_reply(fw, p);
		else
			FWC(fw, DROP_TO_CARD);
		return;
	}
	if (!fw_is_own_addr(fw, p->src)) {
		FWC(fw, DROP_HOST_SOURCE);
		return;
	}
	if (host_to_link(fw, p))
		return;
	unsigned side = fw_inside_onlink(fw, p->dst) ? RG_PORT_INSIDE : RG_PORT_OUTSIDE;
	if (side == RG_PORT_OUTSIDE && p->src == fw->cfg.inside_addr &&
	    !fw_is_own_addr_outside(fw, p->src)) {
		FWC(fw, DROP_HOST_SOURCE); /* the inside address must not leak */
		return;
	}
	uint16_t adj = fw_adj_for(fw, side, p->dst);
	if (adj == FW_ADJ_NONE)
		return; /* no route or no neighbour entry to be had: counted */
	if (!fw_adj_ready(fw, adj)) {
		fw_pending_add(fw, adj, p);
		return;
	}
	uint8_t *o = fw->txbuf;
	unsigned port;
	uint32_t l2 = fw_l2_header(fw, adj, o, &port);
	uint32_t ip_len = p->frame_ip_end - p->outer;
	__builtin_memcpy(o + l2, p->f + p->outer, ip_len);
	fw_tx(fw, port, o, l2 + ip_len);
}
