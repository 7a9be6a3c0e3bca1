/* SPDX-License-Identifier: BSD-2-Clause */
/* The internal mapping request, leases and their life; see mapper.h. */
#include "mapper.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static uint64_t wall_now(void *arg)
{
	(void)arg;
	return (uint64_t)time(NULL);
}

const char *rgd_map_status_name(enum rgd_map_status st)
{
	static const char *const names[] = { "ok",	     "not-authorized", "cannot-provide",
					     "no-resources", "quota",	       "excessive-peers",
					     "failure",	     "invalid" };
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

int rgd_mapper_init(struct rgd_mapper *m, struct rgd_card *card, struct rgd_store *store,
		    const struct rgd_cfg *cfg)
{
	memset(m, 0, sizeof(*m));
	m->card = card;
	m->store = store;
	m->cfg = cfg;
	m->now = wall_now;
	return rgd_leases_init(&m->leases, 4096);
}

void rgd_mapper_free(struct rgd_mapper *m)
{
	rgd_leases_free(&m->leases);
}

static enum rgd_map_status from_card(enum rg_status st)
{
	switch (st) {
	case RG_ST_OK:
		return RGD_MAP_OK;
	case RG_ST_EXISTS:
	case RG_ST_CANNOT_PROVIDE:
		return RGD_MAP_CANNOT_PROVIDE;
	case RG_ST_NO_RESOURCES:
		return RGD_MAP_NO_RESOURCES;
	case RG_ST_QUOTA:
		return RGD_MAP_QUOTA;
	case RG_ST_NOT_AUTHORIZED:
		return RGD_MAP_NOT_AUTHORIZED;
	case RG_ST_INVALID:
	case RG_ST_BAD_LENGTH:
	case RG_ST_NOT_SUPPORTED:
		return RGD_MAP_INVALID;
	default:
		return RGD_MAP_FAILURE;
	}
}

static void hook(struct rgd_mapper *m, const struct rgd_lease *l, const char *what)
{
	if (m->hook)
		m->hook(m->hook_arg, l, what);
}

static void fill_req(struct rg_map_req *r, const struct rgd_lease_key *k, uint8_t owner,
		     uint32_t sugg_addr, uint16_t sugg_port, bool prefer_failure, uint32_t lifetime,
		     uint8_t n_filters, const struct rg_map_filter *filters, bool replace_filters)
{
	memset(r, 0, sizeof(*r));
	r->proto = k->proto;
	r->flags = (uint8_t)((prefer_failure ? RG_MAPF_PREFER_FAILURE : 0) |
			     (k->peer ? RG_MAPF_PEER : 0) |
			     (replace_filters ? RG_MAPF_REPLACE_FILTERS : 0));
	r->n_filters = n_filters;
	r->in_addr = htonl(k->in_addr);
	r->in_port = htons(k->in_port);
	r->out_addr = htonl(sugg_addr);
	r->out_port = htons(sugg_port);
	r->lifetime_s = lifetime;
	if (k->peer) {
		r->rem_addr = htonl(k->rem_addr);
		r->rem_port = htons(k->rem_port);
	}
	r->owner = owner;
	memcpy(r->filters, filters, n_filters * sizeof(*filters));
}

static void endpoint_id(struct rg_map_id *id, const struct rgd_lease_key *k)
{
	memset(id, 0, sizeof(*id));
	id->proto = k->proto;
	id->in_addr = htonl(k->in_addr);
	id->in_port = htons(k->in_port);
}

/* The card's record for the inside endpoint of k, if any. */
static enum rg_status card_get(struct rgd_mapper *m, const struct rgd_lease_key *k,
			       struct rg_map_rec *rec)
{
	struct rg_map_id id;
	endpoint_id(&id, k);
	return m->card->ops->map_get(m->card->ctx, &id, rec);
}

/* Take the lease's mapping off the card, unless another lease still uses
 * the same inside endpoint (a PEER next to a MAP, two PEERs). */
static enum rg_status card_remove(struct rgd_mapper *m, const struct rgd_lease *l)
{
	if (rgd_leases_endpoint_used(&m->leases, &l->key, l))
		return RG_ST_OK;
	struct rg_map_id id;
	endpoint_id(&id, &l->key);
	enum rg_status st = m->card->ops->map_del(m->card->ctx, &id);
	return st == RG_ST_NOT_FOUND ? RG_ST_OK : st;
}

/* Install on the card; on success the out_addr, out_port and card_id
 * arguments say where. */
static enum rgd_map_status card_install(struct rgd_mapper *m, const struct rgd_lease_key *k,
					uint8_t owner, uint32_t sugg_addr, uint16_t sugg_port,
					bool prefer_failure, uint32_t lifetime, uint8_t n_filters,
					const struct rg_map_filter *filters, bool replace_filters,
					uint32_t *out_addr, uint16_t *out_port, uint32_t *card_id)
{
	struct rg_map_req req;
	struct rg_map_rsp rsp;
	memset(&rsp, 0, sizeof(rsp));
	fill_req(&req, k, owner, sugg_addr, sugg_port, prefer_failure, lifetime, n_filters, filters,
		 replace_filters);
	enum rg_status st = m->card->ops->map_add(m->card->ctx, &req, &rsp);
	if (st == RG_ST_EXISTS && !k->peer) {
		/* The inside endpoint already has a mapping (made by its own
		 * traffic, or ours from before a restart): RFC 6887 11.3 says
		 * a MAP for it gets that mapping. */
		struct rg_map_rec rec;
		if (card_get(m, k, &rec) == RG_ST_OK) {
			uint32_t a = ntohl(rec.out_addr);
			uint16_t p = ntohs(rec.out_port);
			if (prefer_failure &&
			    ((sugg_addr && sugg_addr != a) || (sugg_port && sugg_port != p)))
				return RGD_MAP_CANNOT_PROVIDE;
			*out_addr = a;
			*out_port = p;
			*card_id = rec.id;
			return RGD_MAP_OK;
		}
	}
	if (st != RG_ST_OK) {
		if (from_card(st) == RGD_MAP_FAILURE)
			m->stats.card_errors++;
		return from_card(st);
	}
	*out_addr = ntohl(rsp.out_addr);
	*out_port = ntohs(rsp.out_port);
	*card_id = rsp.id;
	return RGD_MAP_OK;
}

static uint64_t expiry(struct rgd_mapper *m, uint32_t lifetime)
{
	return lifetime == UINT32_MAX ? UINT64_MAX : m->now(m->now_arg) + lifetime;
}

static bool may_touch(const struct rgd_lease *l, const struct rgd_map_params *p)
{
	if (l->owner != p->owner)
		return false;
	return !p->check_nonce || memcmp(l->nonce, p->nonce, RGD_NONCE_LEN) == 0;
}

static enum rgd_map_status renew(struct rgd_mapper *m, struct rgd_lease *l,
				 const struct rgd_map_params *p, struct rgd_lease *out)
{
	if (!may_touch(l, p))
		return RGD_MAP_NOT_AUTHORIZED;
	if (p->prefer_failure && ((p->sugg_port && p->sugg_port != l->out_port) ||
				  (p->sugg_addr && p->sugg_addr != l->out_addr)))
		return RGD_MAP_CANNOT_PROVIDE;
	struct rgd_lease n = *l;
	if (p->set_filters) {
		n.n_filters = p->n_filters;
		memcpy(n.filters, p->filters, sizeof(n.filters));
	}
	n.lifetime = p->lifetime;
	n.expires = expiry(m, p->lifetime);
	n.client_addr = p->client_addr;
	n.client_port = p->client_port;
	enum rgd_map_status st = card_install(m, &l->key, l->owner, l->out_addr, l->out_port, true,
					      p->lifetime, n.n_filters, n.filters, p->set_filters,
					      &n.out_addr, &n.out_port, &n.card_id);
	if (st != RGD_MAP_OK)
		return st;
	if (m->store && rgd_store_put(m->store, &n)) {
		m->stats.store_errors++;
		return RGD_MAP_FAILURE;
	}
	*l = n; /* n began as a copy of *l: the table's links are as they were */
	rgd_leases_expiry_changed(&m->leases, l);
	m->stats.renewed++;
	hook(m, l, "renew");
	if (out)
		*out = *l;
	return RGD_MAP_OK;
}

enum rgd_map_status rgd_mapper_request(struct rgd_mapper *m, const struct rgd_map_params *p,
				       struct rgd_lease *out)
{
	struct rgd_lease *l = rgd_leases_find(&m->leases, &p->key);
	enum rgd_map_status st;
	if (l) {
		st = renew(m, l, p, out);
		if (st != RGD_MAP_OK)
			m->stats.refused++;
		return st;
	}
	if (p->n_filters > RG_MAP_MAX_FILTERS) {
		m->stats.refused++;
		return RGD_MAP_EXCESSIVE_PEERS;
	}
	if (m->cfg->max_mappings_per_host &&
	    rgd_leases_count_host(&m->leases, p->key.in_addr) >= m->cfg->max_mappings_per_host) {
		m->stats.refused++;
		return RGD_MAP_QUOTA;
	}
	struct rgd_lease n;
	memset(&n, 0, sizeof(n));
	n.key = p->key;
	if (!n.key.peer)
		n.key.rem_addr = n.key.rem_port = 0;
	n.owner = p->owner;
	n.prefer_failure = p->prefer_failure;
	memcpy(n.nonce, p->nonce, RGD_NONCE_LEN);
	n.client_addr = p->client_addr;
	n.client_port = p->client_port;
	n.created = m->now(m->now_arg);
	n.lifetime = p->lifetime;
	n.expires = expiry(m, p->lifetime);
	n.n_filters = p->n_filters;
	memcpy(n.filters, p->filters, p->n_filters * sizeof(p->filters[0]));
	st = card_install(m, &n.key, n.owner, p->sugg_addr, p->sugg_port, p->prefer_failure,
			  p->lifetime, n.n_filters, n.filters, true, &n.out_addr, &n.out_port,
			  &n.card_id);
	if (st != RGD_MAP_OK) {
		m->stats.refused++;
		return st;
	}
	if (m->store && rgd_store_put(m->store, &n)) {
		/* not stored means it would not survive a restart: undo */
		m->stats.store_errors++;
		card_remove(m, &n);
		return RGD_MAP_FAILURE;
	}
	struct rgd_lease *added = rgd_leases_add(&m->leases, &n);
	if (!added) {
		if (m->store)
			rgd_store_del(m->store, n.id);
		card_remove(m, &n);
		return RGD_MAP_NO_RESOURCES;
	}
	m->stats.created++;
	hook(m, added, "create");
	if (out)
		*out = *added;
	return RGD_MAP_OK;
}

/* Remove a lease everywhere; with force, card errors do not keep it. */
static enum rgd_map_status drop(struct rgd_mapper *m, struct rgd_lease *l, bool force,
				const char *what)
{
	enum rg_status cst = card_remove(m, l);
	if (cst != RG_ST_OK && !force) {
		m->stats.card_errors++;
		return from_card(cst) == RGD_MAP_OK ? RGD_MAP_FAILURE : from_card(cst);
	}
	if (m->store && l->id && rgd_store_del(m->store, l->id)) {
		m->stats.store_errors++;
		if (!force)
			return RGD_MAP_FAILURE;
	}
	hook(m, l, what);
	rgd_leases_remove(&m->leases, l);
	return RGD_MAP_OK;
}

enum rgd_map_status rgd_mapper_delete(struct rgd_mapper *m, const struct rgd_map_params *p,
				      struct rgd_lease *out, bool *existed)
{
	struct rgd_lease *l = rgd_leases_find(&m->leases, &p->key);
	*existed = l != NULL;
	if (!l)
		return RGD_MAP_OK;
	if (!may_touch(l, p)) {
		m->stats.refused++;
		return RGD_MAP_NOT_AUTHORIZED;
	}
	if (out)
		*out = *l;
	enum rgd_map_status st = drop(m, l, false, "delete");
	if (st == RGD_MAP_OK)
		m->stats.deleted++;
	return st;
}

int rgd_mapper_delete_all(struct rgd_mapper *m, uint8_t owner, uint32_t in_addr, uint8_t proto,
			  const uint8_t *nonce)
{
	int n = 0;
	struct rgd_lease *l = rgd_leases_of_host(&m->leases, in_addr);
	while (l) {
		/* taken before drop frees l; drop removes only l */
		struct rgd_lease *next = l->host_next;
		if (l->owner == owner && (proto == 0 || l->key.proto == proto) &&
		    (!nonce || memcmp(l->nonce, nonce, RGD_NONCE_LEN) == 0)) {
			if (drop(m, l, false, "delete") != RGD_MAP_OK)
				return -1;
			m->stats.deleted++;
			n++;
		}
		l = next;
	}
	return n;
}

unsigned rgd_mapper_expire(struct rgd_mapper *m)
{
	uint64_t now = m->now(m->now_arg);
	unsigned n = 0;
	struct rgd_lease *l;
	/* from the top of the expiry heap: a tick costs the expired leases,
	 * not a look at every lease (four ticks a second) */
	while ((l = rgd_leases_soonest(&m->leases)) && l->expires <= now) {
		/* the card ages the mapping out by itself too, so a card error
		 * does not keep an expired lease (drop with force removes it) */
		drop(m, l, true, "expire");
		m->stats.expired++;
		n++;
	}
	return n;
}

bool rgd_mapper_addr_in_pools(const struct rgd_cfg *cfg, uint32_t addr)
{
	for (unsigned i = 0; i < cfg->n_pools; i++)
		for (unsigned j = 0; j < cfg->pools[i].n_ranges; j++)
			if (addr >= ntohl(cfg->pools[i].ranges[j].lo) &&
			    addr <= ntohl(cfg->pools[i].ranges[j].hi))
				return true;
	return false;
}

uint32_t rgd_mapper_public_addr(const struct rgd_mapper *m, uint32_t in_addr)
{
	for (const struct rgd_lease *l = rgd_leases_of_host(&m->leases, in_addr); l;
	     l = l->host_next)
		if (rgd_mapper_addr_in_pools(m->cfg, l->out_addr))
			return l->out_addr;
	const struct rgd_cfg *c = m->cfg;
	for (unsigned i = 0; i < c->n_pools; i++) {
		const struct rg_pool *p = &c->pools[i].pool;
		struct rgd_prefix sub = { ntohl(p->sub_addr), p->sub_plen };
		if (c->pools[i].n_ranges && rgd_prefix_contains(&sub, in_addr))
			return ntohl(c->pools[i].ranges[0].lo);
	}
	return ntohl(c->card_cfg.outside_addr);
}

/* Make the card hold l again; keeps the outside endpoint when it can.
 * Returns 1 when the endpoint moved, 0 when kept, -1 when impossible. */
static int reinstall(struct rgd_mapper *m, struct rgd_lease *l)
{
	bool in_pool = rgd_mapper_addr_in_pools(m->cfg, l->out_addr);
	uint32_t lifetime =
		l->expires == UINT64_MAX ? UINT32_MAX : (uint32_t)(l->expires - m->now(m->now_arg));
	uint32_t a;
	uint16_t p;
	uint32_t id;
	if (in_pool && card_install(m, &l->key, l->owner, l->out_addr, l->out_port, true, lifetime,
				    l->n_filters, l->filters, true, &a, &p, &id) == RGD_MAP_OK) {
		l->card_id = id;
		return a != l->out_addr || p != l->out_port;
	}
	/* a port the requester insisted on (PREFER_FAILURE) cannot move */
	if (l->prefer_failure && in_pool)
		return -1;
	if (card_install(m, &l->key, l->owner, 0, l->prefer_failure ? l->out_port : 0,
			 l->prefer_failure, lifetime, l->n_filters, l->filters, true, &a, &p,
			 &id) != RGD_MAP_OK)
		return -1;
	l->out_addr = a;
	l->out_port = p;
	l->card_id = id;
	return 1;
}

static int load_one(void *arg, const struct rgd_lease *l)
{
	struct rgd_mapper *m = arg;
	if (!rgd_leases_add(&m->leases, l))
		return 1;
	return 0;
}

static bool owned_by_protocol(uint8_t owner)
{
	return owner == RG_OWNER_PCP || owner == RG_OWNER_NATPMP || owner == RG_OWNER_DPM ||
	       owner == RG_OWNER_CLI;
}

/* The card's record r is lease l's mapping as it stands: same outside
 * endpoint, and that address still in a pool. */
static bool card_holds(const struct rgd_mapper *m, const struct rgd_lease *l,
		       const struct rg_map_rec *r)
{
	return ntohl(r->out_addr) == l->out_addr && ntohs(r->out_port) == l->out_port &&
	       rgd_mapper_addr_in_pools(m->cfg, l->out_addr);
}

/*
 * One walk of the card's mapping listing at start, a page of 64 per
 * command instead of a MAP_GET per lease (a million leases were a million
 * commands): each lease the card holds on its outside endpoint, in a pool,
 * is marked card_held; protocol mappings the card holds without a lease (a
 * request interrupted between card and database, or a state database that
 * was lost) are all deleted, after the walk so that the listing's cursor
 * stays valid. Returns false when the listing failed part way (the leases
 * not marked are then asked about one by one).
 */
static bool walk_card(struct rgd_mapper *m)
{
	struct rg_map_rec recs[64];
	uint32_t cursor = 0, count, next;
	struct rg_map_id *gone = NULL;
	size_t n_gone = 0, cap = 0;
	bool complete = true;
	do {
		if (m->card->ops->map_list(m->card->ctx, cursor, recs, 64, &count, &next) !=
		    RG_ST_OK) {
			complete = false;
			break;
		}
		for (uint32_t i = 0; i < count && i < 64; i++) {
			const struct rg_map_rec *r = &recs[i];
			uint32_t in_addr = ntohl(r->in_addr);
			uint16_t in_port = ntohs(r->in_port);
			bool leased = false;
			for (struct rgd_lease *l = rgd_leases_of_host(&m->leases, in_addr); l;
			     l = l->host_next) {
				if (l->key.proto != r->proto || l->key.in_port != in_port)
					continue;
				leased = true;
				if (card_holds(m, l, r)) {
					l->card_held = true;
					l->card_id = r->id;
				}
			}
			if (leased || !owned_by_protocol(r->owner))
				continue;
			if (n_gone == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct rg_map_id *g = realloc(gone, ncap * sizeof(*g));
				if (!g)
					continue; /* what fits goes now; the rest at the next start */
				gone = g;
				cap = ncap;
			}
			struct rgd_lease_key k = { .proto = r->proto,
						   .in_addr = in_addr,
						   .in_port = in_port };
			endpoint_id(&gone[n_gone++], &k);
		}
		if (next && next <= cursor) {
			complete = false; /* a cursor that does not advance would walk forever */
			break;
		}
		cursor = next;
	} while (next);
	for (size_t i = 0; i < n_gone; i++)
		m->card->ops->map_del(m->card->ctx, &gone[i]);
	if (n_gone)
		rgd_log(LOG_NOTICE, "removed %zu mapping%s the card held for no lease", n_gone,
			n_gone == 1 ? "" : "s");
	free(gone);
	return complete;
}

int rgd_mapper_restore(struct rgd_mapper *m, unsigned *moved)
{
	*moved = 0;
	if (m->store && rgd_store_load(m->store, load_one, m))
		return -1;
	rgd_mapper_expire(m);
	struct rgd_lease *l;
	for (l = m->leases.head; l; l = l->next)
		l->card_held = false;
	bool listed = walk_card(m);
	l = m->leases.head;
	while (l) {
		struct rgd_lease *next = l->next;
		struct rg_map_rec rec;
		bool held = l->card_held;
		l->card_held = false;
		if (!held && !listed && card_get(m, &l->key, &rec) == RG_ST_OK &&
		    card_holds(m, l, &rec)) {
			held = true;
			l->card_id = rec.id;
		}
		int r = held ? 0 : reinstall(m, l);
		if (r < 0) {
			rgd_log(LOG_WARNING,
				"lease %lld could not be restored on the card; dropped",
				(long long)l->id);
			drop(m, l, true, "lost");
		} else if (r > 0) {
			(*moved)++;
			if (m->store)
				rgd_store_put(m->store, l);
			hook(m, l, "move");
		}
		l = next;
	}
	return 0;
}

unsigned rgd_mapper_revalidate(struct rgd_mapper *m)
{
	unsigned moved = 0;
	struct rgd_lease *l = m->leases.head;
	while (l) {
		struct rgd_lease *next = l->next;
		if (!rgd_mapper_addr_in_pools(m->cfg, l->out_addr)) {
			/* the old outside address is gone: its mapping too */
			struct rg_map_id id;
			endpoint_id(&id, &l->key);
			m->card->ops->map_del(m->card->ctx, &id);
			int r = reinstall(m, l);
			if (r < 0) {
				drop(m, l, true, "lost");
			} else {
				moved++;
				if (m->store)
					rgd_store_put(m->store, l);
				hook(m, l, "move");
			}
		}
		l = next;
	}
	return moved;
}
