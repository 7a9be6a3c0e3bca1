/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP and neighbours.
 *
 * The card answers ARP for each of its own addresses on the side it lives
 * on: the inside address on the inside port, the outside address and every
 * pool address on the outside port, and anything asked on the host port
 * (the host stack reaches everything through the card). Next hops are
 * resolved with ARP requests (3 tries, one second apart); each neighbour
 * owns one fast path adjacency, so a MAC change is one adjacency write and
 * sessions pointing at an unresolved neighbour are punted (NO_ADJ) until it
 * resolves. Frames waiting on resolution are held in a small fixed queue and
 * dispatched again when the answer arrives, or dropped and counted when it
 * never does.
 */
#include "fw_internal.h"

static uint32_t nhash(const struct rg_fw *fw, uint32_t addr, unsigned port)
{
	return fw_mix32(addr ^ fw->hseed ^ (port * 0x51ed27u)) & fw->neigh_hash_mask;
}

void fw_neigh_reset(struct rg_fw *fw)
{
	for (uint32_t i = 0; i <= fw->neigh_hash_mask; i++)
		fw->neigh_hash[i] = FW_NONE;
	for (uint32_t i = 0; i < fw->n_neigh; i++) {
		__builtin_memset(&fw->neigh[i], 0, sizeof(fw->neigh[i]));
		fw->neigh[i].next = FW_NONE;
	}
	fw->neigh_used = 0;
	for (unsigned i = 0; i < FW_PENDING; i++)
		fw->pending[i].neigh = FW_NONE;
	fw->pending_used = 0;
	fw->host_mac_known = 0;
}

uint32_t fw_nexthop(const struct rg_fw *fw, unsigned side, uint32_t dst)
{
	if (side == RG_PORT_INSIDE)
		return fw_inside_onlink(fw, dst) || !fw->cfg.inside_gw ? dst : fw->cfg.inside_gw;
	if (side == RG_PORT_OUTSIDE)
		return fw_outside_onlink(fw, dst) || !fw->cfg.outside_gw ? dst : fw->cfg.outside_gw;
	return dst;
}

static uint32_t neigh_find(struct rg_fw *fw, uint32_t addr, unsigned port)
{
	for (uint32_t i = fw->neigh_hash[nhash(fw, addr, port)]; i != FW_NONE;
	     i = fw->neigh[i].next)
		if (fw->neigh[i].addr == addr && fw->neigh[i].port == port)
			return i;
	return FW_NONE;
}

static void write_adj(struct rg_fw *fw, uint32_t n)
{
	const struct fw_neigh *nb = &fw->neigh[n];
	struct rg_adjacency a;
	__builtin_memset(&a, 0, sizeof(a));
	__builtin_memcpy(a.dst_mac, nb->mac, 6);
	__builtin_memcpy(a.src_mac, fw->params.port_mac[nb->port], 6);
	a.port = nb->port;
	a.flags = nb->state == FW_NB_REACHABLE ? RG_ADJ_VALID : 0;
	unsigned vid = nb->port <= RG_PORT_OUTSIDE ? fw->cfg.wire.vlan[nb->port] : 0;
	if (vid) {
		a.flags |= RG_ADJ_VLAN;
		a.vlan_tci = rg_be16_field((uint16_t)vid);
	}
	fw->dev.ops->write_adj(fw->dev.ctx, FW_ADJ_OF_NEIGH(n), &a);
}

void fw_adj_rewrite_all(struct rg_fw *fw)
{
	for (uint32_t n = 0; n < fw->neigh_used; n++)
		if (fw->neigh[n].state != FW_NB_FREE)
			write_adj(fw, n);
}

void fw_host_adj_update(struct rg_fw *fw)
{
	struct rg_adjacency a;
	__builtin_memset(&a, 0, sizeof(a));
	__builtin_memcpy(a.dst_mac, fw->host_mac, 6);
	__builtin_memcpy(a.src_mac, fw->params.port_mac[RG_PORT_HOST], 6);
	a.port = RG_PORT_HOST;
	a.flags = fw->host_mac_known ? RG_ADJ_VALID : 0;
	fw->dev.ops->write_adj(fw->dev.ctx, FW_ADJ_HOST, &a);
}

static uint32_t own_addr_on(const struct rg_fw *fw, unsigned port)
{
	return port == RG_PORT_INSIDE ? fw->cfg.inside_addr : fw->cfg.outside_addr;
}

static void arp_send(struct rg_fw *fw, unsigned port, unsigned op, const uint8_t *dmac,
		     uint32_t sip, const uint8_t *tmac, uint32_t tip)
{
	uint8_t f[60];
	__builtin_memset(f, 0, sizeof(f));
	__builtin_memcpy(f, dmac, 6);
	__builtin_memcpy(f + 6, fw->params.port_mac[port], 6);
	rg_put_be16(f + 12, ETH_P_ARP);
	uint8_t *a = f + 14;
	rg_put_be16(a, 1);
	rg_put_be16(a + 2, ETH_P_IPV4);
	a[4] = 6;
	a[5] = 4;
	rg_put_be16(a + 6, (uint16_t)op);
	__builtin_memcpy(a + 8, fw->params.port_mac[port], 6);
	rg_put_be32(a + 14, sip);
	__builtin_memcpy(a + 18, tmac, 6);
	rg_put_be32(a + 24, tip);
	fw_tx(fw, port, f, sizeof(f));
}

static void arp_request(struct rg_fw *fw, uint32_t n)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6] = { 0 };
	const struct fw_neigh *nb = &fw->neigh[n];
	uint32_t sip = own_addr_on(fw, nb->port);
	if (!sip)
		return; /* no address on that side yet: nothing to ask from */
	arp_send(fw, nb->port, 1, bcast, sip, zero, nb->addr);
	FWC(fw, ARP_REQUESTS_OUT);
}

static void resolve(struct rg_fw *fw, uint32_t n)
{
	struct fw_neigh *nb = &fw->neigh[n];
	nb->state = FW_NB_INCOMPLETE;
	nb->tries = 1;
	arp_request(fw, n);
	fw_timer_arm(fw, fw->tbase_neigh + n, fw->now_s + 1);
}

void fw_adj_hold(struct rg_fw *fw, uint16_t adj)
{
	if (adj != FW_ADJ_NONE && adj != FW_ADJ_HOST && (uint32_t)adj - 1u < fw->neigh_used)
		fw->neigh[adj - 1u].refs++;
}

void fw_adj_release(struct rg_fw *fw, uint16_t adj)
{
	if (adj != FW_ADJ_NONE && adj != FW_ADJ_HOST && (uint32_t)adj - 1u < fw->neigh_used &&
	    fw->neigh[adj - 1u].refs)
		fw->neigh[adj - 1u].refs--;
}

static void release_pending(struct rg_fw *fw, uint32_t n, int send);

/*
 * The table is full: reuse a neighbour nothing refers to (no session, no
 * subscriber's cache), looking at a bounded number of entries from a
 * rotating cursor. Frames still waiting for it are dropped (counted).
 */
#define FW_RECLAIM_SCAN 256u
static uint32_t neigh_reclaim(struct rg_fw *fw)
{
	for (uint32_t k = 0; k < FW_RECLAIM_SCAN && k < fw->n_neigh; k++) {
		uint32_t n = fw->neigh_reclaim++ % fw->n_neigh;
		struct fw_neigh *nb = &fw->neigh[n];
		if (nb->refs)
			continue;
		uint32_t *pp = &fw->neigh_hash[nhash(fw, nb->addr, nb->port)];
		while (*pp != FW_NONE && *pp != n)
			pp = &fw->neigh[*pp].next;
		if (*pp == n)
			*pp = nb->next;
		fw_timer_cancel(fw, fw->tbase_neigh + n);
		release_pending(fw, n, 0);
		nb->state = FW_NB_FREE;
		write_adj(fw, n);
		FWC(fw, NEIGHBOURS_RECLAIMED);
		return n;
	}
	return FW_NONE;
}

static uint32_t neigh_get(struct rg_fw *fw, uint32_t addr, unsigned port)
{
	uint32_t n = neigh_find(fw, addr, port);
	if (n != FW_NONE)
		return n;
	if (fw->neigh_used < fw->n_neigh)
		n = fw->neigh_used++;
	else if ((n = neigh_reclaim(fw)) == FW_NONE)
		return FW_NONE;
	struct fw_neigh *nb = &fw->neigh[n];
	__builtin_memset(nb, 0, sizeof(*nb));
	nb->addr = addr;
	nb->port = (uint8_t)port;
	uint32_t h = nhash(fw, addr, port);
	nb->next = fw->neigh_hash[h];
	fw->neigh_hash[h] = n;
	FWC_SET(fw, ADJ_ACTIVE, fw->neigh_used);
	return n;
}

uint16_t fw_adj_for(struct rg_fw *fw, unsigned side, uint32_t dst)
{
	if (side == RG_PORT_HOST)
		return FW_ADJ_HOST;
	if (side > RG_PORT_OUTSIDE || !own_addr_on(fw, side)) {
		/* no port there, or no address of the card on that side to ask
		 * ARP from or answer for: nothing can be reached through it */
		FWC(fw, DROP_NO_ROUTE);
		return FW_ADJ_NONE;
	}
	uint32_t nh = fw_nexthop(fw, side, dst);
	uint32_t n = neigh_get(fw, nh, side);
	if (n == FW_NONE) {
		FWC(fw, DROP_NEIGH_TABLE_FULL);
		return FW_ADJ_NONE;
	}
	if (fw->neigh[n].state == FW_NB_FREE) {
		write_adj(fw, n);
		resolve(fw, n);
	}
	return (uint16_t)FW_ADJ_OF_NEIGH(n);
}

static void release_pending(struct rg_fw *fw, uint32_t n, int send)
{
	if (!fw->pending_used)
		return;
	for (unsigned i = 0; i < FW_PENDING; i++) {
		struct fw_pending *q = &fw->pending[i];
		if (q->neigh != n)
			continue;
		q->neigh = FW_NONE;
		fw->pending_used--;
		if (!send) {
			FWC(fw, DROP_ARP_UNRESOLVED);
			continue;
		}
		/* dispatch from a copy: the queue entry may be reused meanwhile */
		uint32_t len = q->len;
		__builtin_memcpy(fw->redispatch, q->frame, len);
		fw_dispatch(fw, fw->redispatch, len, q->port, RG_PUNT_NONE);
	}
}

static void neigh_update(struct rg_fw *fw, uint32_t n, const uint8_t *mac)
{
	struct fw_neigh *nb = &fw->neigh[n];
	int resolved = nb->state != FW_NB_REACHABLE;
	if (!resolved && __builtin_memcmp(nb->mac, mac, 6) == 0)
		return; /* nothing new: the common case of gleaning */
	__builtin_memcpy(nb->mac, mac, 6);
	nb->state = FW_NB_REACHABLE;
	fw_timer_cancel(fw, fw->tbase_neigh + n);
	write_adj(fw, n);
	if (resolved)
		release_pending(fw, n, 1); /* only an unresolved neighbour has waiters */
}

void fw_arp_learn(struct rg_fw *fw, unsigned port, uint32_t addr, const uint8_t *mac, int create)
{
	if (port > RG_PORT_OUTSIDE || (mac[0] & 1u) || !addr)
		return;
	uint32_t n = create ? neigh_get(fw, addr, port) : neigh_find(fw, addr, port);
	if (n != FW_NONE)
		neigh_update(fw, n, mac);
}

void fw_neigh_timer(struct rg_fw *fw, uint32_t n)
{
	struct fw_neigh *nb = &fw->neigh[n];
	if (nb->state != FW_NB_INCOMPLETE)
		return;
	if (nb->tries < FW_ARP_TRIES) {
		nb->tries++;
		arp_request(fw, n);
		fw_timer_arm(fw, fw->tbase_neigh + n, fw->now_s + 1);
		return;
	}
	nb->state = FW_NB_FAILED;
	release_pending(fw, n, 0);
}

/* Frames for the host port waiting until the host is heard from; a host
 * that never comes up must not take the whole queue from the realms'
 * neighbours (nothing but the host's own first frame releases them). */
#define FW_HOST_PENDING 4u

static unsigned host_waiting(const struct rg_fw *fw)
{
	unsigned k = 0;
	for (unsigned i = 0; i < FW_PENDING; i++)
		k += fw->pending[i].neigh == fw->n_neigh;
	return k;
}

void fw_pending_add(struct rg_fw *fw, uint16_t adj, const struct fw_pkt *p)
{
	uint32_t n = FW_NONE;
	if (adj == FW_ADJ_HOST) {
		if (host_waiting(fw) >= FW_HOST_PENDING) {
			FWC(fw, DROP_HOST_PORT_DOWN);
			return;
		}
		n = fw->n_neigh; /* the host port's pseudo neighbour */
	} else if (adj != FW_ADJ_NONE && adj != 0 && (uint32_t)adj - 1u < fw->n_neigh) {
		n = adj - 1u;
		if (fw->neigh[n].state == FW_NB_FAILED || fw->neigh[n].state == FW_NB_FREE)
			resolve(fw, n); /* asked again: try again */
	}
	if (n == FW_NONE || p->len > FW_PENDING_BYTES) {
		FWC(fw, DROP_ARP_UNRESOLVED);
		return;
	}
	for (unsigned i = 0; i < FW_PENDING; i++) {
		struct fw_pending *q = &fw->pending[i];
		if (q->neigh != FW_NONE)
			continue;
		q->neigh = n;
		fw->pending_used++;
		q->len = (uint16_t)p->len;
		q->port = (uint8_t)p->port;
		__builtin_memcpy(q->frame, p->f, p->len);
		return;
	}
	FWC(fw, DROP_ARP_UNRESOLVED);
}

/* The host's MAC, learned from any frame it sends. */
void fw_host_mac_learn(struct rg_fw *fw, const uint8_t *mac)
{
	if (mac[0] & 1u)
		return;
	if (fw->host_mac_known && __builtin_memcmp(fw->host_mac, mac, 6) == 0)
		return;
	__builtin_memcpy(fw->host_mac, mac, 6);
	fw->host_mac_known = 1;
	fw_host_adj_update(fw);
	release_pending(fw, fw->n_neigh, 1);
}

static int answers_for(const struct rg_fw *fw, unsigned port, uint32_t tip)
{
	if (!tip)
		return 0;
	if (port == RG_PORT_HOST)
		return 1;
	if (port == RG_PORT_INSIDE)
		return tip == fw->cfg.inside_addr;
	if (port == RG_PORT_OUTSIDE)
		return tip == fw->cfg.outside_addr || fw_paddr_find(fw, tip) != FW_NONE;
	return 0;
}

void fw_arp_packet(struct rg_fw *fw, const struct fw_pkt *p)
{
	const uint8_t *a = p->f + p->l3;
	unsigned op = rg_get_be16(a + 6);
	const uint8_t *smac = a + 8;
	uint32_t sip = rg_get_be32(a + 14);
	uint32_t tip = rg_get_be32(a + 24);
	if (p->port == RG_PORT_HOST)
		fw_host_mac_learn(fw, p->f + 6);
	if (op == 1)
		FWC(fw, ARP_REQUESTS_IN);
	/* RFC 826: update a neighbour we know; learn one that asks for us */
	int for_us = op == 1 && answers_for(fw, p->port, tip);
	if (p->port <= RG_PORT_OUTSIDE && sip != tip)
		fw_arp_learn(fw, p->port, sip, smac, for_us);
	if (!for_us)
		return;
	if (p->port == RG_PORT_HOST && tip == sip)
		return; /* the host's own gratuitous ARP */
	arp_send(fw, p->port, 2, smac, tip, smac, sip);
	FWC(fw, ARP_REPLIES_OUT);
}
