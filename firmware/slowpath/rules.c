/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Static rules (RULE_ADD): port forwards (with an optional remote source
 * prefix: "split" rules that send one outside port to different inside
 * hosts by source), destination rewriting (twice-NAT), exclusions, to-host
 * punts and drops. They are consulted only for packets without a session,
 * so their cost is off the fast path; the most specific rule wins (longest
 * source prefix, then longest destination prefix, then lowest id). Each
 * new flow asks for a few kinds and port allocation asks about every port
 * it tries, so the rules are kept grouped by kind and the ports forwards
 * may reserve are kept as a bitmap: a gateway with hundreds of forwards
 * sets up flows nearly as fast as one with none (setup_ratio_rules_256).
 */
#include "fw_internal.h"

static int prefix_match(uint32_t a, rg_be32 pfx, uint8_t plen)
{
	return plen == 0 || ((a ^ rg_be32_val(pfx)) & fw_mask(plen)) == 0;
}

static int rule_matches(const struct rg_rule *r, const struct fw_pkt *p)
{
	if (r->proto && r->proto != p->proto)
		return 0;
	/* FORWARD, TO_HOST and DROP of outside traffic see the remote as source;
	 * DSTNAT and EXCLUDE see the inside host as source */
	switch (r->kind) {
	case RG_RULE_FORWARD:
		if (p->port != RG_PORT_OUTSIDE)
			return 0;
		break;
	case RG_RULE_DSTNAT:
		if (p->port != RG_PORT_INSIDE)
			return 0;
		break;
	case RG_RULE_EXCLUDE:
		/* outbound: toward dst; inbound: from it (checked by the caller) */
		if (p->port == RG_PORT_OUTSIDE)
			return prefix_match(p->src, r->dst_addr, r->dst_plen);
		break;
	default:
		break;
	}
	if (!prefix_match(p->src, r->src_addr, r->src_plen) ||
	    !prefix_match(p->dst, r->dst_addr, r->dst_plen))
		return 0;
	uint16_t hi = rg_be16_val(r->dport_hi);
	if (hi) {
		if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
			return 0;
		if (p->dport < rg_be16_val(r->dport_lo) || p->dport > hi)
			return 0;
	}
	return 1;
}

static int more_specific(const struct rg_rule *a, const struct rg_rule *b)
{
	if (a->src_plen != b->src_plen)
		return a->src_plen > b->src_plen;
	if (a->dst_plen != b->dst_plen)
		return a->dst_plen > b->dst_plen;
	return a->id < b->id;
}

/* The rules in use: the end of the last kind's group. */
static uint32_t rules_count(const struct rg_fw *fw)
{
	return fw->rule_end[RG_RULE_DROP];
}

void fw_rules_reset(struct rg_fw *fw)
{
	for (unsigned k = 0; k <= RG_RULE_DROP; k++)
		fw->rule_end[k] = 0;
	__builtin_memset(fw->fwd_ports, 0, (size_t)FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
}

const struct rg_rule *fw_rule_match(struct rg_fw *fw, unsigned kind_mask, const struct fw_pkt *p)
{
	const struct rg_rule *best = NULL;
	for (unsigned k = RG_RULE_FORWARD; k <= RG_RULE_DROP; k++) {
		if (!(kind_mask & FW_RULE_BIT(k)))
			continue;
		for (uint32_t i = fw->rule_end[k - 1]; i < fw->rule_end[k]; i++) {
			const struct rg_rule *r = &fw->rules[i];
			if (!rule_matches(r, p))
				continue;
			if (!best || more_specific(r, best))
				best = r;
		}
	}
	return best;
}

/* Is (proto, addr, port) an outside endpoint a forward rule owns? Dynamic
 * allocation skips such ports so that a forward keeps working. It is asked
 * for every port allocation tries, so the bitmap answers "no" for ports no
 * forward covers without looking at the rules. */
int fw_rule_reserves(struct rg_fw *fw, uint8_t proto, uint32_t addr, uint16_t port)
{
	unsigned cls = fw_proto_class(proto);
	if (cls < FW_PROTO_CLASSES &&
	    !((fw->fwd_ports[cls * FW_BITMAP_WORDS + port / 64u] >> (port % 64u)) & 1u))
		return 0;
	for (uint32_t i = fw->rule_end[RG_RULE_FORWARD - 1]; i < fw->rule_end[RG_RULE_FORWARD];
	     i++) {
		const struct rg_rule *r = &fw->rules[i];
		if (r->proto && r->proto != proto)
			continue;
		if (!prefix_match(addr, r->dst_addr, r->dst_plen))
			continue;
		uint16_t hi = rg_be16_val(r->dport_hi);
		if (!hi || (port >= rg_be16_val(r->dport_lo) && port <= hi))
			return 1;
	}
	return 0;
}

/* Bits lo..hi of a port bitmap, a word at a time (a forward of a whole
 * address covers 65536 ports). */
static void ports_set(uint64_t *bm, uint32_t lo, uint32_t hi)
{
	for (uint32_t w = lo / 64u; w <= hi / 64u; w++) {
		uint64_t m = ~0ull;
		if (w == lo / 64u)
			m &= ~0ull << (lo % 64u);
		if (w == hi / 64u)
			m &= ~0ull >> (63u - hi % 64u);
		bm[w] |= m;
	}
}

/* Mark the ports forward r may reserve, in each class its protocol covers.
 * A bit covers the port on every address: a set bit only means the rules
 * are asked. */
static void fwd_ports_add(struct rg_fw *fw, const struct rg_rule *r)
{
	static const uint8_t class_proto[FW_PROTO_CLASSES] = { IPPROTO_UDP, IPPROTO_TCP,
							       IPPROTO_ICMP };
	uint32_t lo = rg_be16_val(r->dport_lo), hi = rg_be16_val(r->dport_hi);
	if (!hi) /* the whole address */
		lo = 0, hi = 65535;
	for (unsigned cls = 0; cls < FW_PROTO_CLASSES; cls++)
		if (!r->proto || r->proto == class_proto[cls])
			ports_set(&fw->fwd_ports[cls * FW_BITMAP_WORDS], lo, hi);
}

/* After a forward is removed: from scratch (deletes are rare, and a bit
 * cannot tell which forwards set it). */
static void fwd_ports_rebuild(struct rg_fw *fw)
{
	__builtin_memset(fw->fwd_ports, 0, (size_t)FW_PROTO_CLASSES * FW_BITMAP_WORDS * 8u);
	for (uint32_t i = fw->rule_end[RG_RULE_FORWARD - 1]; i < fw->rule_end[RG_RULE_FORWARD]; i++)
		fwd_ports_add(fw, &fw->rules[i]);
}

enum rg_status rg_fw_rule_add(struct rg_fw *fw, const struct rg_rule *r)
{
	if (!r || r->kind < RG_RULE_FORWARD || r->kind > RG_RULE_DROP || r->src_plen > 32 ||
	    r->dst_plen > 32 || rg_be16_val(r->dport_lo) > rg_be16_val(r->dport_hi) ||
	    r->flags != 0)
		return RG_ST_INVALID;
	if ((r->kind == RG_RULE_FORWARD || r->kind == RG_RULE_DSTNAT) && !r->to_addr)
		return RG_ST_INVALID;
	if (r->kind == RG_RULE_FORWARD && r->to_port && r->dport_hi &&
	    (uint32_t)rg_be16_val(r->to_port) + rg_be16_val(r->dport_hi) -
			    rg_be16_val(r->dport_lo) >
		    65535u)
		return RG_ST_INVALID;
	for (uint32_t i = 0; i < rules_count(fw); i++)
		if (fw->rules[i].id == r->id)
			return RG_ST_EXISTS;
	if (rules_count(fw) == fw->n_rules)
		return RG_ST_NO_RESOURCES;
	/* at the end of its kind's group: the groups after it move up one */
	uint32_t at = fw->rule_end[r->kind];
	for (uint32_t i = rules_count(fw); i > at; i--)
		fw->rules[i] = fw->rules[i - 1];
	fw->rules[at] = *r;
	for (unsigned k = r->kind; k <= RG_RULE_DROP; k++)
		fw->rule_end[k]++;
	if (r->kind == RG_RULE_FORWARD)
		fwd_ports_add(fw, r);
	return RG_ST_OK;
}

enum rg_status rg_fw_rule_del(struct rg_fw *fw, uint32_t id)
{
	for (uint32_t i = 0; i < rules_count(fw); i++) {
		if (fw->rules[i].id != id)
			continue;
		unsigned kind = fw->rules[i].kind;
		for (uint32_t j = i + 1; j < rules_count(fw); j++)
			fw->rules[j - 1] = fw->rules[j];
		for (unsigned k = kind; k <= RG_RULE_DROP; k++)
			fw->rule_end[k]--;
		if (kind == RG_RULE_FORWARD)
			fwd_ports_rebuild(fw);
		return RG_ST_OK;
	}
	return RG_ST_NOT_FOUND;
}

uint32_t rg_fw_rule_list(struct rg_fw *fw, uint32_t cursor, struct rg_rule *out, uint32_t max,
			 uint32_t *next)
{
	uint32_t n = 0;
	*next = 0;
	for (uint32_t i = cursor; i < rules_count(fw); i++) {
		if (n == max) {
			*next = i;
			break;
		}
		out[n++] = fw->rules[i];
	}
	return n;
}
