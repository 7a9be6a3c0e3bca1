/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leases: the mappings the daemon made on a requester's behalf (PCP MAP and
 * PEER, NAT-PMP, DPM setups, realmctl), with their lifetime, nonce, filters
 * and the requester to tell when they change. The table is in memory,
 * hashed by the inside endpoint (plus the remote for PEER-style leases) and
 * indexed by inside host; store.c keeps it on disk.
 */
#ifndef RGD_LEASE_H
#define RGD_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "realmgate/mailbox.h"

#define RGD_NONCE_LEN 12

struct rgd_lease_key {
	uint8_t proto;
	bool peer;	  /* PEER-style: one session toward rem */
	uint32_t in_addr; /* host order */
	uint16_t in_port;
	uint32_t rem_addr; /* PEER only */
	uint16_t rem_port;
};

struct rgd_lease_host;

struct rgd_lease {
	int64_t id; /* row id in the store, 0 = not stored */
	struct rgd_lease_key key;
	uint8_t owner; /* enum rg_map_owner */
	bool prefer_failure;
	uint32_t out_addr; /* host order */
	uint16_t out_port;
	uint8_t nonce[RGD_NONCE_LEN];
	uint32_t client_addr; /* who asked (differs from in_addr with THIRD_PARTY) */
	uint16_t client_port;
	uint64_t created;  /* unix seconds */
	uint64_t expires;  /* unix seconds; UINT64_MAX = no expiry */
	uint32_t lifetime; /* last granted */
	uint32_t card_id;  /* the card's mapping handle */
	uint8_t n_filters;
	struct rg_map_filter filters[RG_MAP_MAX_FILTERS];
	bool card_held; /* restore: the card's listing has it as it is */

	/* table links */
	struct rgd_lease *hnext;		 /* key hash chain */
	struct rgd_lease *prev, *next;		 /* every lease, newest first */
	struct rgd_lease_host *host;		 /* its inside host */
	struct rgd_lease *host_prev, *host_next; /* that host's leases */
	unsigned heap_at;			 /* its place in the expiry heap */
};

/* An inside address with leases: what the per-host questions (quota,
 * endpoint in use, public address, delete all) read instead of a walk of
 * every lease. */
struct rgd_lease_host {
	uint32_t addr; /* host order */
	unsigned count;
	struct rgd_lease *leases;
	struct rgd_lease_host *hnext;
};

/* A walk of every lease that stays valid across removals between its
 * steps (a listing streamed page by page): removing the lease an iterator
 * stands on moves it to the next one. Leases added meanwhile go to the
 * front of the list, behind every iterator, so a walk returns the leases
 * that existed when it began and still exist, each once. */
struct rgd_lease_iter {
	struct rgd_lease *next;
	struct rgd_lease_iter *link; /* the table's iterators */
};

/* Both hash tables double when their load passes one entry per bucket:
 * the daemon holds from a handful to millions of leases. */
struct rgd_leases {
	unsigned nbuckets; /* a power of two */
	struct rgd_lease **buckets;
	unsigned nhosts_buckets; /* a power of two */
	struct rgd_lease_host **hosts;
	unsigned n_hosts;
	struct rgd_lease *head; /* every lease, newest first */
	unsigned count;
	struct rgd_lease_iter *iters;
	/* every lease in a binary min-heap by expiry: the tick takes the
	 * expired ones from its top instead of looking at every lease */
	struct rgd_lease **heap; /* count entries */
	unsigned heap_cap;
};

/* nbuckets: the initial size of each hash table (rounded up to a power of
 * two). */
int rgd_leases_init(struct rgd_leases *t, unsigned nbuckets);
void rgd_leases_free(struct rgd_leases *t);

struct rgd_lease *rgd_leases_find(const struct rgd_leases *t, const struct rgd_lease_key *k);
/* Copies *l into the table; returns the table's lease (NULL: out of memory). */
struct rgd_lease *rgd_leases_add(struct rgd_leases *t, const struct rgd_lease *l);
void rgd_leases_remove(struct rgd_leases *t, struct rgd_lease *l);

/* The lease that expires first (NULL: none). */
struct rgd_lease *rgd_leases_soonest(const struct rgd_leases *t);
/* Call after changing l->expires. */
void rgd_leases_expiry_changed(struct rgd_leases *t, struct rgd_lease *l);

/* The leases whose inside address is addr (follow host_next), NULL: none. */
struct rgd_lease *rgd_leases_of_host(const struct rgd_leases *t, uint32_t addr);
/* Leases whose inside address is addr. */
unsigned rgd_leases_count_host(const struct rgd_leases *t, uint32_t addr);
/* Any lease, other than skip, on the same inside endpoint (proto, addr, port). */
bool rgd_leases_endpoint_used(const struct rgd_leases *t, const struct rgd_lease_key *k,
			      const struct rgd_lease *skip);

void rgd_leases_iter_begin(struct rgd_leases *t, struct rgd_lease_iter *it);
/* The next lease, NULL at the end (the iterator has then ended itself). */
struct rgd_lease *rgd_leases_iter_next(struct rgd_leases *t, struct rgd_lease_iter *it);
/* Stop a walk before its end (safe after the end too). */
void rgd_leases_iter_end(struct rgd_leases *t, struct rgd_lease_iter *it);

const char *rgd_owner_name(uint8_t owner);
/* "udp" -> 17, "tcp" -> 6 (the protocols a lease can have), else -1. */
int rgd_lease_proto_parse(const char *s);

#endif /* RGD_LEASE_H */
