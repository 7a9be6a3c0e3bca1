/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rg_fw_punt_burst: the punts of one fast path burst, handled exactly as by
 * rg_fw_punt one after another, with the memory the slow path will touch
 * first for each of them prefetched across the whole burst (the technique
 * of the fast path's burst, and of VPP): the subscriber and mapping hash
 * buckets, then the entries they point at, and the session index buckets
 * of the packet's own key. New flows cost a dozen cache misses each;
 * prefetched together they overlap instead of queueing.
 */
#include "fw_internal.h"

/* The key a punted IPv4 TCP/UDP/ICMP frame would have; -1 when the frame
 * is not one (the full parser decides what happens to it). */
static int peek_key(const uint8_t *f, uint32_t len, unsigned port, struct rg_flow_key *k)
{
	uint32_t l3 = 14;
	if (len < 34)
		return -1;
	if (rg_get_be16(f + 12) == ETH_P_8021Q) {
		l3 = 18;
		if (len < 38)
			return -1;
	}
	if (rg_get_be16(f + l3 - 2) != ETH_P_IPV4 || (f[l3] >> 4) != 4)
		return -1;
	uint32_t l4 = l3 + (f[l3] & 15u) * 4u;
	if (l4 + 8 > len || (rg_get_be16(f + l3 + 6) & 0x1fffu))
		return -1;
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(&k->src_addr, f + l3 + 12, 4);
	__builtin_memcpy(&k->dst_addr, f + l3 + 16, 4);
	k->proto = f[l3 + 9];
	k->side = (uint8_t)port;
	if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
		__builtin_memcpy(&k->src_port, f + l4, 2);
		__builtin_memcpy(&k->dst_port, f + l4 + 2, 2);
	} else if (k->proto == IPPROTO_ICMP && (f[l4] == 8 || f[l4] == 13)) {
		__builtin_memcpy(&k->src_port, f + l4 + 4, 2);
	} else {
		return -1;
	}
	return 0;
}

void rg_fw_punt_burst(struct rg_fw *fw, const struct rg_fp_pkt *pkts, unsigned n)
{
	struct rg_flow_key keys[RG_FP_BURST];
	uint8_t ok[RG_FP_BURST];
	if (n > RG_FP_BURST)
		n = RG_FP_BURST;
	for (unsigned i = 0; i < n; i++) {
		const struct rg_fp_pkt *p = &pkts[i];
		ok[i] = p->meta.verdict == RG_VERDICT_PUNT && p->frame &&
			!peek_key(p->frame, p->len, p->port, &keys[i]);
		if (!ok[i])
			continue;
		uint32_t h[RG_HASH_OUT_WORDS];
		rg_toeplitz_hash(fw->tz, &keys[i], h);
		if (fw->dev.ops->prefetch)
			fw->dev.ops->prefetch(fw->dev.ctx, h);
		if (p->port == RG_PORT_INSIDE) {
			uint32_t src = rg_be32_val(keys[i].src_addr);
			fw_sub_prefetch(fw, src, 0);
			fw_map_prefetch_in(fw, keys[i].proto, src, rg_be16_val(keys[i].src_port),
					   0);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (!ok[i] || pkts[i].port != RG_PORT_INSIDE)
			continue;
		uint32_t src = rg_be32_val(keys[i].src_addr);
		fw_sub_prefetch(fw, src, 1);
		fw_map_prefetch_in(fw, keys[i].proto, src, rg_be16_val(keys[i].src_port), 1);
	}
	for (unsigned i = 0; i < n; i++)
		if (pkts[i].meta.verdict == RG_VERDICT_PUNT)
			rg_fw_punt(fw, pkts[i].frame, pkts[i].len, pkts[i].port, &pkts[i].meta);
}
