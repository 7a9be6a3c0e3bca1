/* SPDX-License-Identifier: BSD-2-Clause */
/* In-memory lease table; see lease.h. */
#include "lease.h"

#include <stdlib.h>
#include <string.h>

static uint32_t key_hash(const struct rgd_lease_key *k)
{
	/* FNV-1a over the fields that identify a lease */
	uint32_t h = 2166136261u;
	uint32_t w[5] = { k->proto | (k->peer ? 0x100u : 0), k->in_addr, k->in_port, k->rem_addr,
			  k->rem_port };
	for (int i = 0; i < 5; i++)
		for (int b = 0; b < 4; b++) {
			h ^= (w[i] >> (8 * b)) & 0xff;
			h *= 16777619u;
		}
	return h;
}

static bool key_eq(const struct rgd_lease_key *a, const struct rgd_lease_key *b)
{
	return a->proto == b->proto && a->peer == b->peer && a->in_addr == b->in_addr &&
	       a->in_port == b->in_port &&
	       (!a->peer || (a->rem_addr == b->rem_addr && a->rem_port == b->rem_port));
}

int rgd_leases_init(struct rgd_leases *t, unsigned nbuckets)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(nbuckets, sizeof(*t->buckets));
	if (!t->buckets)
		return -1;
	t->nbuckets = nbuckets;
	return 0;
}

void rgd_leases_free(struct rgd_leases *t)
{
	struct rgd_lease *l = t->head;
	while (l) {
		struct rgd_lease *n = l->next;
		free(l);
		l = n;
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

struct rgd_lease *rgd_leases_find(const struct rgd_leases *t, const struct rgd_lease_key *k)
{
	for (struct rgd_lease *l = t->buckets[key_hash(k) % t->nbuckets]; l; l = l->hnext)
		if (key_eq(&l->key, k))
			return l;
	return NULL;
}

struct rgd_lease *rgd_leases_add(struct rgd_leases *t, const struct rgd_lease *src)
{
	struct rgd_lease *l = malloc(sizeof(*l));
	if (!l)
		return NULL;
	*l = *src;
	if (!l->key.peer)
		l->key.rem_addr = l->key.rem_port = 0;
	unsigned b = key_hash(&l->key) % t->nbuckets;
	l->hnext = t->buckets[b];
	t->buckets[b] = l;
	l->prev = NULL;
	l->next = t->head;
	if (t->head)
		t->head->prev = l;
	t->head = l;
	t->count++;
	return l;
}

void rgd_leases_remove(struct rgd_leases *t, struct rgd_lease *l)
{
	struct rgd_lease **pp = &t->buckets[key_hash(&l->key) % t->nbuckets];
	while (*pp && *pp != l)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = l->hnext;
	if (l->prev)
		l->prev->next = l->next;
	else
		t->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	t->count--;
	free(l);
}

unsigned rgd_leases_count_host(const struct rgd_leases *t, uint32_t addr)
{
	unsigned n = 0;
	for (const struct rgd_lease *l = t->head; l; l = l->next)
		n += l->key.in_addr == addr;
	return n;
}

bool rgd_leases_endpoint_used(const struct rgd_leases *t, const struct rgd_lease_key *k,
			      const struct rgd_lease *skip)
{
	for (const struct rgd_lease *l = t->head; l; l = l->next)
		if (l != skip && l->key.proto == k->proto && l->key.in_addr == k->in_addr &&
		    l->key.in_port == k->in_port)
			return true;
	return false;
}

const char *rgd_owner_name(uint8_t owner)
{
	switch (owner) {
	case RG_OWNER_DYNAMIC:
		return "dynamic";
	case RG_OWNER_STATIC:
		return "static";
	case RG_OWNER_PCP:
		return "pcp";
	case RG_OWNER_NATPMP:
		return "natpmp";
	case RG_OWNER_DPM:
		return "dpm";
	case RG_OWNER_CLI:
		return "cli";
	default:
		return "unknown";
	}
}
