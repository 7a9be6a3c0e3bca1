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

static uint32_t host_hash(uint32_t addr)
{
	return addr * 2654435761u; /* Knuth's multiplicative hash */
}

static unsigned pow2_at_least(unsigned n)
{
	unsigned p = 16;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

/* The expiry heap: heap[0] expires first; a lease's heap_at is its index. */
static void heap_set(struct rgd_leases *t, unsigned i, struct rgd_lease *l)
{
	t->heap[i] = l;
	l->heap_at = i;
}

static void heap_up(struct rgd_leases *t, unsigned i)
{
	struct rgd_lease *l = t->heap[i];
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		if (t->heap[parent]->expires <= l->expires)
			break;
		heap_set(t, i, t->heap[parent]);
		i = parent;
	}
	heap_set(t, i, l);
}

static void heap_down(struct rgd_leases *t, unsigned i, unsigned n)
{
	struct rgd_lease *l = t->heap[i];
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && t->heap[c + 1]->expires < t->heap[c]->expires)
			c++;
		if (l->expires <= t->heap[c]->expires)
			break;
		heap_set(t, i, t->heap[c]);
		i = c;
	}
	heap_set(t, i, l);
}

/* Take heap entry i out of a heap of n entries. */
static void heap_remove(struct rgd_leases *t, unsigned i, unsigned n)
{
	struct rgd_lease *last = t->heap[n - 1];
	if (i == n - 1)
		return;
	heap_set(t, i, last);
	heap_down(t, i, n - 1);
	heap_up(t, last->heap_at);
}

struct rgd_lease *rgd_leases_soonest(const struct rgd_leases *t)
{
	return t->count ? t->heap[0] : NULL;
}

void rgd_leases_expiry_changed(struct rgd_leases *t, struct rgd_lease *l)
{
	heap_down(t, l->heap_at, t->count);
	heap_up(t, l->heap_at);
}

int rgd_leases_init(struct rgd_leases *t, unsigned nbuckets)
{
	memset(t, 0, sizeof(*t));
	t->nbuckets = t->nhosts_buckets = pow2_at_least(nbuckets);
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->hosts = calloc(t->nhosts_buckets, sizeof(*t->hosts));
	if (!t->buckets || !t->hosts) {
		free(t->buckets);
		free(t->hosts);
		memset(t, 0, sizeof(*t));
		return -1;
	}
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
	for (unsigned b = 0; b < t->nhosts_buckets; b++) {
		struct rgd_lease_host *h = t->hosts[b];
		while (h) {
			struct rgd_lease_host *n = h->hnext;
			free(h);
			h = n;
		}
	}
	for (struct rgd_lease_iter *it = t->iters; it; it = it->link)
		it->next = NULL;
	free(t->buckets);
	free(t->hosts);
	free(t->heap);
	memset(t, 0, sizeof(*t));
}

struct rgd_lease *rgd_leases_find(const struct rgd_leases *t, const struct rgd_lease_key *k)
{
	for (struct rgd_lease *l = t->buckets[key_hash(k) & (t->nbuckets - 1)]; l; l = l->hnext)
		if (key_eq(&l->key, k))
			return l;
	return NULL;
}

static struct rgd_lease_host *host_find(const struct rgd_leases *t, uint32_t addr)
{
	for (struct rgd_lease_host *h = t->hosts[host_hash(addr) & (t->nhosts_buckets - 1)]; h;
	     h = h->hnext)
		if (h->addr == addr)
			return h;
	return NULL;
}

/* Double the key table; without memory it stays as it is (slower chains,
 * still correct). */
static void grow_keys(struct rgd_leases *t)
{
	unsigned n = t->nbuckets * 2;
	struct rgd_lease **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (struct rgd_lease *l = t->head; l; l = l->next) {
		unsigned i = key_hash(&l->key) & (n - 1);
		l->hnext = b[i];
		b[i] = l;
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

static void grow_hosts(struct rgd_leases *t)
{
	unsigned n = t->nhosts_buckets * 2;
	struct rgd_lease_host **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (unsigned i = 0; i < t->nhosts_buckets; i++) {
		struct rgd_lease_host *h = t->hosts[i];
		while (h) {
			struct rgd_lease_host *next = h->hnext;
			unsigned j = host_hash(h->addr) & (n - 1);
			h->hnext = b[j];
			b[j] = h;
			h = next;
		}
	}
	free(t->hosts);
	t->hosts = b;
	t->nhosts_buckets = n;
}

struct rgd_lease *rgd_leases_add(struct rgd_leases *t, const struct rgd_lease *src)
{
	if (t->count == t->heap_cap) {
		unsigned cap = t->heap_cap ? t->heap_cap * 2 : 64;
		struct rgd_lease **h = realloc(t->heap, cap * sizeof(*h));
		if (!h)
			return NULL;
		t->heap = h;
		t->heap_cap = cap;
	}
	struct rgd_lease_host *h = host_find(t, src->key.in_addr);
	bool new_host = h == NULL;
	if (new_host) {
		h = calloc(1, sizeof(*h));
		if (!h)
			return NULL;
		h->addr = src->key.in_addr;
	}
	struct rgd_lease *l = malloc(sizeof(*l));
	if (!l) {
		if (new_host)
			free(h);
		return NULL;
	}
	*l = *src;
	if (!l->key.peer)
		l->key.rem_addr = l->key.rem_port = 0;
	if (new_host) {
		unsigned j = host_hash(h->addr) & (t->nhosts_buckets - 1);
		h->hnext = t->hosts[j];
		t->hosts[j] = h;
		if (++t->n_hosts > t->nhosts_buckets)
			grow_hosts(t);
	}
	l->host = h;
	l->host_prev = NULL;
	l->host_next = h->leases;
	if (h->leases)
		h->leases->host_prev = l;
	h->leases = l;
	h->count++;
	unsigned b = key_hash(&l->key) & (t->nbuckets - 1);
	l->hnext = t->buckets[b];
	t->buckets[b] = l;
	l->prev = NULL;
	l->next = t->head;
	if (t->head)
		t->head->prev = l;
	t->head = l;
	heap_set(t, t->count, l);
	heap_up(t, t->count);
	if (++t->count > t->nbuckets)
		grow_keys(t);
	return l;
}

void rgd_leases_remove(struct rgd_leases *t, struct rgd_lease *l)
{
	for (struct rgd_lease_iter *it = t->iters; it; it = it->link)
		if (it->next == l)
			it->next = l->next;
	struct rgd_lease **pp = &t->buckets[key_hash(&l->key) & (t->nbuckets - 1)];
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
	struct rgd_lease_host *h = l->host;
	if (l->host_prev)
		l->host_prev->host_next = l->host_next;
	else
		h->leases = l->host_next;
	if (l->host_next)
		l->host_next->host_prev = l->host_prev;
	if (--h->count == 0) {
		struct rgd_lease_host **hp =
			&t->hosts[host_hash(h->addr) & (t->nhosts_buckets - 1)];
		while (*hp && *hp != h)
			hp = &(*hp)->hnext;
		if (*hp)
			*hp = h->hnext;
		free(h);
		t->n_hosts--;
	}
	heap_remove(t, l->heap_at, t->count);
	t->count--;
	free(l);
}

struct rgd_lease *rgd_leases_of_host(const struct rgd_leases *t, uint32_t addr)
{
	const struct rgd_lease_host *h = host_find(t, addr);
	return h ? h->leases : NULL;
}

unsigned rgd_leases_count_host(const struct rgd_leases *t, uint32_t addr)
{
	const struct rgd_lease_host *h = host_find(t, addr);
	return h ? h->count : 0;
}

bool rgd_leases_endpoint_used(const struct rgd_leases *t, const struct rgd_lease_key *k,
			      const struct rgd_lease *skip)
{
	for (const struct rgd_lease *l = rgd_leases_of_host(t, k->in_addr); l; l = l->host_next)
		if (l != skip && l->key.proto == k->proto && l->key.in_port == k->in_port)
			return true;
	return false;
}

void rgd_leases_iter_begin(struct rgd_leases *t, struct rgd_lease_iter *it)
{
	it->next = t->head;
	it->link = t->iters;
	t->iters = it;
}

struct rgd_lease *rgd_leases_iter_next(struct rgd_leases *t, struct rgd_lease_iter *it)
{
	struct rgd_lease *l = it->next;
	if (!l) {
		rgd_leases_iter_end(t, it);
		return NULL;
	}
	it->next = l->next;
	return l;
}

void rgd_leases_iter_end(struct rgd_leases *t, struct rgd_lease_iter *it)
{
	for (struct rgd_lease_iter **pp = &t->iters; *pp; pp = &(*pp)->link)
		if (*pp == it) {
			*pp = it->link;
			break;
		}
	it->next = NULL;
	it->link = NULL;
}

int rgd_lease_proto_parse(const char *s)
{
	return strcmp(s, "udp") == 0 ? 17 : strcmp(s, "tcp") == 0 ? 6 : -1;
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
