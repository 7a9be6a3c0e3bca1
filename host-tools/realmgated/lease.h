/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leases: the mappings the daemon made on a requester's behalf (PCP MAP and
 * PEER, NAT-PMP, DPM setups, realmctl), with their lifetime, nonce, filters
 * and the requester to tell when they change. The table is in memory,
 * hashed by the inside endpoint (plus the remote for PEER-style leases);
 * store.c keeps it on disk.
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

	/* table links */
	struct rgd_lease *hnext;
	struct rgd_lease *prev, *next;
};

struct rgd_leases {
	unsigned nbuckets;
	struct rgd_lease **buckets;
	struct rgd_lease *head; /* every lease, newest first */
	unsigned count;
};

int rgd_leases_init(struct rgd_leases *t, unsigned nbuckets);
void rgd_leases_free(struct rgd_leases *t);

struct rgd_lease *rgd_leases_find(const struct rgd_leases *t, const struct rgd_lease_key *k);
/* Copies *l into the table; returns the table's lease (NULL: out of memory). */
struct rgd_lease *rgd_leases_add(struct rgd_leases *t, const struct rgd_lease *l);
void rgd_leases_remove(struct rgd_leases *t, struct rgd_lease *l);

/* Leases whose inside address is addr. */
unsigned rgd_leases_count_host(const struct rgd_leases *t, uint32_t addr);
/* Any lease, other than skip, on the same inside endpoint (proto, addr, port). */
bool rgd_leases_endpoint_used(const struct rgd_leases *t, const struct rgd_lease_key *k,
			      const struct rgd_lease *skip);

const char *rgd_owner_name(uint8_t owner);

#endif /* RGD_LEASE_H */
