/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame parsing for the slow path. Every length in a packet is checked
 * against the bytes that are really there before anything is read at it, and
 * every malformed packet is dropped under its own counter — the fast path has
 * already done most checks for punted packets, but frames from the host port
 * and re-dispatched frames come here directly, and the slow path reads
 * further (options, embedded headers) than the fast path does.
 */
#include "fw_internal.h"

static int drop_count(struct rg_fw *fw, unsigned id)
{
	fw->fwc[id - RG_FWC_BASE]++;
	return -1;
}

/* IPv4 options: every option must be well formed and inside the header. */
static int options_ok(const uint8_t *ip, unsigned ihl)
{
	unsigned i = 20;
	while (i < ihl) {
		uint8_t t = ip[i];
		if (t == 0) /* end of options list */
			return 1;
		if (t == 1) { /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= ihl)
			return 0;
		unsigned l = ip[i + 1];
		if (l < 2 || i + l > ihl)
			return 0;
		i += l;
	}
	return 1;
}

/* Validate an IPv4 header at off, within limit. Returns 0 or -1 (counted).
 * short_id counts a header cut off by limit: the frame's end is a runt
 * frame, the outer packet's end (IP-in-IP) a bad outer length. */
static int check_ipv4(struct rg_fw *fw, const uint8_t *f, uint32_t off, uint32_t limit,
		      unsigned short_id, unsigned *ihl_out, unsigned *tot_out)
{
	if (off + 20 > limit)
		return drop_count(fw, short_id);
	const uint8_t *ip = f + off;
	if ((ip[0] >> 4) != 4)
		return drop_count(fw, RG_FWC_DROP_BAD_IP);
	unsigned ihl = (ip[0] & 15u) * 4u;
	if (ihl < 20)
		return drop_count(fw, RG_FWC_DROP_BAD_IP);
	if (off + ihl > limit)
		return drop_count(fw, short_id);
	unsigned tot = rg_get_be16(ip + 2);
	if (tot < ihl || off + tot > limit)
		return drop_count(fw, RG_FWC_DROP_BAD_IP);
	if (rg_csum_fold(rg_csum_partial(ip, ihl)) != 0xffffu)
		return drop_count(fw, RG_FWC_DROP_BAD_IP_CSUM);
	if (!options_ok(ip, ihl))
		return drop_count(fw, RG_FWC_DROP_BAD_IP);
	if (rg_get_be16(ip + 6) & 0x8000u) /* reserved flag bit */
		return drop_count(fw, RG_FWC_DROP_BAD_IP);
	*ihl_out = ihl;
	*tot_out = tot;
	return 0;
}

uint16_t fw_l4_csum(const uint8_t *ip, uint32_t l4_off, uint32_t l4_len, uint8_t proto)
{
	uint32_t s = rg_csum_partial(ip + l4_off, l4_len);
	if (proto != IPPROTO_ICMP)
		s += rg_csum_partial(ip + 12, 8) + proto + l4_len;
	return (uint16_t)~rg_csum_fold(s);
}

/* Ethertypes of a VLAN tag: 802.1Q, 802.1ad and the pre-standard QinQ. */
static int vlan_tag_type(unsigned etype)
{
	return etype == ETH_P_8021Q || etype == ETH_P_8021AD || etype == ETH_P_QINQ_OLD;
}

static int l4_need(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ESP:
		return 8;
	case IPPROTO_AH:
		return 12;
	default:
		return 0;
	}
}

static int icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void build_key(struct fw_pkt *p)
{
	struct rg_flow_key *k = &p->key;
	__builtin_memset(k, 0, sizeof(*k));
	k->src_addr = rg_be32_field(p->src);
	k->dst_addr = rg_be32_field(p->dst);
	k->src_port = rg_be16_field(p->sport);
	k->dst_port = rg_be16_field(p->dport);
	k->proto = p->proto;
	k->side = (uint8_t)p->port;
	k->flags = p->tunnel ? RG_KEY_TUNNEL : 0;
}

static int parse_l4(struct rg_fw *fw, struct fw_pkt *p)
{
	const uint8_t *f = p->f;
	int need = l4_need(p->proto);
	p->l4 = p->l3 + p->ihl;
	if (p->is_frag && !p->first_frag) {
		p->l4 = 0; /* no L4 header in this fragment */
		return 0;
	}
	if (!need)
		return 0;
	if (p->l4 + (uint32_t)need > p->ip_end)
		return drop_count(fw, RG_FWC_DROP_BAD_L4);
	const uint8_t *l4 = f + p->l4;
	uint32_t l4len = p->ip_end - p->l4;
	int verify = !p->is_frag;
	switch (p->proto) {
	case IPPROTO_TCP: {
		unsigned doff = (l4[12] >> 4) * 4u;
		if (doff < 20 || p->l4 + doff > p->ip_end)
			return drop_count(fw, RG_FWC_DROP_BAD_L4);
		p->sport = rg_get_be16(l4);
		p->dport = rg_get_be16(l4 + 2);
		p->tcp_flags = l4[13];
		break;
	}
	case IPPROTO_UDP: {
		unsigned ulen = rg_get_be16(l4 + 4);
		if (p->is_frag ? (ulen < 8 || ulen < l4len) : ulen != l4len)
			return drop_count(fw, RG_FWC_DROP_BAD_L4);
		p->sport = rg_get_be16(l4);
		p->dport = rg_get_be16(l4 + 2);
		if (rg_get_be16(l4 + 6) == 0)
			verify = 0;
		break;
	}
	case IPPROTO_ICMP:
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		if (p->icmp_type == 8 || p->icmp_type == 13) {
			p->icmp_query = p->icmp_request = 1;
			p->sport = rg_get_be16(l4 + 4);
		} else if (p->icmp_type == 0 || p->icmp_type == 14) {
			p->icmp_query = 1;
			p->dport = rg_get_be16(l4 + 4);
		} else if (icmp_is_error(p->icmp_type)) {
			p->icmp_error = 1;
		}
		break;
	case IPPROTO_ESP:
		p->sport = rg_get_be16(l4);
		p->dport = rg_get_be16(l4 + 2);
		verify = 0;
		break;
	case IPPROTO_AH:
		p->sport = rg_get_be16(l4 + 4);
		p->dport = rg_get_be16(l4 + 6);
		verify = 0;
		break;
	}
	if (verify && fw_l4_csum(f + p->l3, p->ihl, l4len, p->proto) != 0)
		return drop_count(fw, RG_FWC_DROP_BAD_L4_CSUM);
	return 0;
}

enum fw_parse_kind fw_parse(struct rg_fw *fw, const uint8_t *f, uint32_t len, unsigned port,
			    struct fw_pkt *p)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->f = f;
	p->len = len;
	p->port = port & 3u;
	if (len < 14) {
		drop_count(fw, RG_FWC_DROP_RUNT);
		return FW_PK_BAD;
	}
	uint32_t l3 = 14;
	unsigned etype = rg_get_be16(f + 12);
	if (vlan_tag_type(etype) && etype != ETH_P_8021Q) {
		/* a service tag (QinQ) outside: the card serves one C-tag only */
		drop_count(fw, RG_FWC_DROP_BAD_L2);
		return FW_PK_BAD;
	}
	if (etype == ETH_P_8021Q) {
		if (len < 18) {
			drop_count(fw, RG_FWC_DROP_RUNT);
			return FW_PK_BAD;
		}
		etype = rg_get_be16(f + 16);
		l3 = 18;
		if (vlan_tag_type(etype)) { /* stacked tags: not ours */
			drop_count(fw, RG_FWC_DROP_BAD_L2);
			return FW_PK_BAD;
		}
	}
	/* a realm port serves its configured VLAN only (untagged when 0; a
	 * priority tag, VID 0, counts as untagged) */
	if (p->port <= RG_PORT_OUTSIDE &&
	    (l3 == 18 ? rg_get_be16(f + 14) & 0x0fffu : 0u) != fw->cfg.wire.vlan[p->port]) {
		drop_count(fw, RG_FWC_DROP_WRONG_VLAN);
		return FW_PK_BAD;
	}
	p->l3 = p->outer = l3;
	if (etype == ETH_P_ARP) {
		const uint8_t *a = f + l3;
		if (l3 + 28 > len || rg_get_be16(a) != 1 || rg_get_be16(a + 2) != ETH_P_IPV4 ||
		    a[4] != 6 || a[5] != 4 ||
		    (rg_get_be16(a + 6) != 1 && rg_get_be16(a + 6) != 2)) {
			drop_count(fw, RG_FWC_DROP_BAD_ARP);
			return FW_PK_BAD;
		}
		return FW_PK_ARP;
	}
	if (etype == ETH_P_IPV6) {
		drop_count(fw, RG_FWC_DROP_IPV6);
		return FW_PK_BAD;
	}
	if (etype != ETH_P_IPV4) {
		drop_count(fw, RG_FWC_DROP_UNSUPPORTED);
		return FW_PK_BAD;
	}
	unsigned ihl, tot;
	if (check_ipv4(fw, f, l3, len, RG_FWC_DROP_RUNT, &ihl, &tot))
		return FW_PK_BAD;
	p->frame_ip_end = l3 + tot;
	p->ip_end = l3 + tot;
	p->proto = f[l3 + 9];
	uint16_t fragw = rg_get_be16(f + l3 + 6);
	if (p->proto == IPPROTO_IPIP && !(fragw & 0x3fffu)) {
		uint32_t inner = l3 + ihl;
		if (check_ipv4(fw, f, inner, p->ip_end, RG_FWC_DROP_BAD_IP, &ihl, &tot))
			return FW_PK_BAD;
		p->tunnel = 1;
		p->l3 = l3 = inner;
		p->ip_end = inner + tot;
		p->proto = f[inner + 9];
		fragw = rg_get_be16(f + inner + 6);
	}
	p->ihl = (uint8_t)ihl;
	p->ttl = f[l3 + 8];
	p->ip_id = rg_get_be16(f + l3 + 4);
	p->df = (fragw & 0x4000u) != 0;
	p->frag_off = (uint32_t)(fragw & 0x1fffu) * 8u;
	p->is_frag = (fragw & 0x3fffu) != 0;
	p->first_frag = p->is_frag && p->frag_off == 0;
	p->src = rg_get_be32(f + l3 + 12);
	p->dst = rg_get_be32(f + l3 + 16);
	if (parse_l4(fw, p))
		return FW_PK_BAD;
	build_key(p);
	return FW_PK_IPV4;
}

int fw_parse_embedded(struct rg_fw *fw, struct fw_pkt *p)
{
	const uint8_t *f = p->f;
	uint32_t e = p->l4 + 8;
	if (e + 20 > p->ip_end)
		return drop_count(fw, RG_FWC_DROP_BAD_ICMP);
	const uint8_t *ip = f + e;
	unsigned ihl = (ip[0] & 15u) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < 20 || e + ihl > p->ip_end)
		return drop_count(fw, RG_FWC_DROP_BAD_ICMP);
	unsigned tot = rg_get_be16(ip + 2);
	if (tot < ihl)
		return drop_count(fw, RG_FWC_DROP_BAD_ICMP);
	if (rg_csum_fold(rg_csum_partial(ip, ihl)) != 0xffffu)
		return drop_count(fw, RG_FWC_DROP_BAD_ICMP);
	p->emb_l3 = e;
	p->emb_ihl = (uint8_t)ihl;
	p->emb_l4 = e + ihl;
	/* the quote may be truncated: it ends at the error's end at the latest */
	p->emb_end = e + tot < p->ip_end ? e + tot : p->ip_end;
	p->emb_proto = ip[9];
	p->emb_src = rg_get_be32(ip + 12);
	p->emb_dst = rg_get_be32(ip + 16);
	/* ports or query id only from a first (or unfragmented) embedded packet */
	if ((rg_get_be16(ip + 6) & 0x1fffu) == 0 && p->emb_l4 + 8 <= p->emb_end) {
		const uint8_t *l4 = f + p->emb_l4;
		switch (p->emb_proto) {
		case IPPROTO_TCP:
		case IPPROTO_UDP:
			p->emb_sport = rg_get_be16(l4);
			p->emb_dport = rg_get_be16(l4 + 2);
			p->emb_ports = 1;
			break;
		case IPPROTO_ICMP:
			if (l4[0] == 8 || l4[0] == 13) {
				p->emb_icmp_request = 1;
				p->emb_sport = rg_get_be16(l4 + 4);
				p->emb_ports = 1;
			} else if (l4[0] == 0 || l4[0] == 14) {
				p->emb_dport = rg_get_be16(l4 + 4);
				p->emb_ports = 1;
			}
			break;
		default:
			break;
		}
	}
	if (!p->emb_ports)
		return drop_count(fw, RG_FWC_DROP_BAD_ICMP);
	return 0;
}
