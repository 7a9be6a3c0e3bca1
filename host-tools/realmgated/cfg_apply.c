/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration -> card; see cfg_apply.h. */
#include "cfg_apply.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int refuse(char *err, size_t errlen, const char *what, enum rg_status st)
{
	snprintf(err, errlen, "card refused %s: %s", what, rgd_card_status_name(st));
	return -1;
}

static struct rg_rule service_rule(const struct rgd_cfg *c, uint32_t id, uint16_t port)
{
	struct rg_rule r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.kind = RG_RULE_TO_HOST;
	r.proto = 17;
	r.dst_addr = htonl(c->listen_addr);
	r.dst_plen = 32;
	r.dport_lo = r.dport_hi = htons(port);
	return r;
}

unsigned rgd_cfg_service_rules(const struct rgd_cfg *c, struct rg_rule *out, unsigned max)
{
	unsigned n = 0;
	if ((c->pcp_enabled || c->natpmp_enabled) && n < max)
		out[n++] = service_rule(c, RGD_RULE_ID_SERVICE + 1, c->pcp_port);
	if (c->dpm_enabled && n < max)
		out[n++] = service_rule(c, RGD_RULE_ID_SERVICE + 2, c->dpm_port);
	return n;
}

static const struct rgd_pool_cfg *find_pool(const struct rgd_cfg *c, uint8_t id)
{
	for (unsigned i = 0; c && i < c->n_pools; i++)
		if (c->pools[i].pool.id == id)
			return &c->pools[i];
	return NULL;
}

/* Does new drop an address range old had? (the card can only add ranges) */
static bool ranges_shrunk(const struct rgd_pool_cfg *old, const struct rgd_pool_cfg *new)
{
	for (unsigned i = 0; i < old->n_ranges; i++) {
		bool kept = false;
		for (unsigned j = 0; j < new->n_ranges && !kept; j++)
			kept = old->ranges[i].lo == new->ranges[j].lo &&
			       old->ranges[i].hi == new->ranges[j].hi;
		if (!kept)
			return true;
	}
	return false;
}

static int apply_pools(struct rgd_card *card, const struct rgd_cfg *c, const struct rgd_cfg *old,
		       char *err, size_t errlen)
{
	const struct rgd_card_ops *o = card->ops;
	enum rg_status st;
	/* pools the card holds that the configuration no longer has */
	struct rg_pool have[64];
	uint32_t count = 0, next = 0;
	if (o->pool_list(card->ctx, 0, have, 64, &count, &next) == RG_ST_OK)
		for (uint32_t i = 0; i < count; i++)
			if (!find_pool(c, have[i].id) &&
			    (st = o->pool_del(card->ctx, have[i].id)) != RG_ST_OK)
				return refuse(err, errlen,
					      "removing a pool (mappings still use it)", st);
	for (unsigned i = 0; i < c->n_pools; i++) {
		const struct rgd_pool_cfg *p = &c->pools[i];
		const struct rgd_pool_cfg *was = find_pool(old, p->pool.id);
		if (was && ranges_shrunk(was, p)) {
			/* rebuild: only possible while nothing uses the pool */
			if ((st = o->pool_del(card->ctx, p->pool.id)) != RG_ST_OK) {
				snprintf(err, errlen,
					 "pool '%s' lost addresses but the card keeps it: %s "
					 "(delete its mappings first)",
					 p->name, rgd_card_status_name(st));
				return -1;
			}
		}
		if ((st = o->pool_set(card->ctx, &p->pool)) != RG_ST_OK)
			return refuse(err, errlen, "a pool", st);
		for (unsigned j = 0; j < p->n_ranges; j++) {
			st = o->pool_add_range(card->ctx, &p->ranges[j]);
			if (st != RG_ST_OK && st != RG_ST_EXISTS)
				return refuse(err, errlen, "an address range", st);
		}
	}
	return 0;
}

static bool rule_wanted(const struct rg_rule *r, const struct rg_rule *want, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp(r, &want[i], sizeof(*r)) == 0)
			return true;
	return false;
}

static int apply_rules(struct rgd_card *card, const struct rgd_cfg *c, const struct rg_rule *extra,
		       unsigned n_extra, char *err, size_t errlen)
{
	static struct rg_rule want[RGD_MAX_RULES + 4 + RGD_MAX_RUNTIME_RULES],
		have[RGD_MAX_RULES + 64 + RGD_MAX_RUNTIME_RULES];
	unsigned n_want = c->n_rules;
	memcpy(want, c->rules, c->n_rules * sizeof(want[0]));
	n_want += rgd_cfg_service_rules(c, want + n_want, 4);
	for (unsigned i = 0; i < n_extra && i < RGD_MAX_RUNTIME_RULES; i++)
		want[n_want++] = extra[i];
	const struct rgd_card_ops *o = card->ops;
	unsigned n_have = 0;
	uint32_t cursor = 0, count, next;
	do {
		if (o->rule_list(card->ctx, cursor, have + n_have,
				 (uint32_t)(sizeof(have) / sizeof(have[0]) - n_have), &count,
				 &next) != RG_ST_OK)
			break;
		n_have += count;
		cursor = next;
	} while (next && n_have < sizeof(have) / sizeof(have[0]));
	enum rg_status st;
	/* first remove what changed or went, then add what is new, so that a
	 * changed rule never exists twice */
	for (unsigned i = 0; i < n_have; i++)
		if (!rule_wanted(&have[i], want, n_want) &&
		    (st = o->rule_del(card->ctx, have[i].id)) != RG_ST_OK && st != RG_ST_NOT_FOUND)
			return refuse(err, errlen, "removing a rule", st);
	for (unsigned i = 0; i < n_want; i++) {
		if (rule_wanted(&want[i], have, n_have))
			continue;
		if ((st = o->rule_add(card->ctx, &want[i])) != RG_ST_OK) {
			char what[48];
			snprintf(what, sizeof(what), "rule %u", want[i].id);
			return refuse(err, errlen, what, st);
		}
	}
	return 0;
}

int rgd_cfg_apply(struct rgd_card *card, const struct rgd_cfg *c, const struct rgd_cfg *old,
		  const struct rg_rule *extra, unsigned n_extra, char *err, size_t errlen)
{
	enum rg_status st = card->ops->set_config(card->ctx, &c->card_cfg);
	if (st != RG_ST_OK)
		return refuse(err, errlen, "the global configuration", st);
	if (apply_pools(card, c, old, err, errlen) ||
	    apply_rules(card, c, extra, n_extra, err, errlen))
		return -1;
	return 0;
}
