/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one internal request behind every allocation protocol: PCP MAP/PEER,
 * NAT-PMP, the DPM setup listener and realmctl all end here. A request
 * becomes a lease: the mapping is installed on the card first (so it is
 * live before anyone is told about it), then stored, then answered.
 *
 * Renewals and deletions are checked against the lease's owner and nonce.
 * Expiry, restore after a restart, reconciliation with what the card holds
 * and outside-address changes are handled here too.
 */
#ifndef RGD_MAPPER_H
#define RGD_MAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "card.h"
#include "config.h"
#include "lease.h"
#include "store.h"

enum rgd_map_status {
	RGD_MAP_OK = 0,
	RGD_MAP_NOT_AUTHORIZED,	 /* owner or nonce mismatch, policy */
	RGD_MAP_CANNOT_PROVIDE,	 /* PREFER_FAILURE and the suggestion is taken */
	RGD_MAP_NO_RESOURCES,	 /* pool or table exhausted */
	RGD_MAP_QUOTA,		 /* the host's lease quota is used up */
	RGD_MAP_EXCESSIVE_PEERS, /* more filters than the card takes */
	RGD_MAP_FAILURE,	 /* card or store failure */
	RGD_MAP_INVALID,	 /* the card refused the request as malformed */
};

struct rgd_map_params {
	uint8_t owner; /* enum rg_map_owner */
	struct rgd_lease_key key;
	uint32_t sugg_addr; /* 0 = any */
	uint16_t sugg_port; /* 0 = any */
	bool prefer_failure;
	uint32_t lifetime; /* already clamped by the protocol; UINT32_MAX = static */
	bool check_nonce;  /* PCP: renewals and deletions must repeat it */
	uint8_t nonce[RGD_NONCE_LEN];
	bool set_filters; /* replace the lease's filters with these */
	uint8_t n_filters;
	struct rg_map_filter filters[RG_MAP_MAX_FILTERS];
	uint32_t client_addr;
	uint16_t client_port;
};

struct rgd_mapper_stats {
	uint64_t created, renewed, deleted, expired, refused, card_errors, store_errors;
};

/* Called after every change (lease is the new state; deleted = gone). */
typedef void (*rgd_lease_hook)(void *arg, const struct rgd_lease *l, const char *what);

struct rgd_mapper {
	struct rgd_card *card;
	struct rgd_store *store; /* NULL = no persistence */
	const struct rgd_cfg *cfg;
	struct rgd_leases leases;
	uint64_t (*now)(void *arg); /* unix seconds */
	void *now_arg;
	rgd_lease_hook hook;
	void *hook_arg;
	struct rgd_mapper_stats stats;
};

int rgd_mapper_init(struct rgd_mapper *m, struct rgd_card *card, struct rgd_store *store,
		    const struct rgd_cfg *cfg);
void rgd_mapper_free(struct rgd_mapper *m);

/* Create or renew. On RGD_MAP_OK *out is a copy of the lease. */
enum rgd_map_status rgd_mapper_request(struct rgd_mapper *m, const struct rgd_map_params *p,
				       struct rgd_lease *out);

/* Delete the lease of p->key (owner and nonce checked as for renewals). A
 * missing lease is success (RFC 6887 section 15); *out (if the lease
 * existed) is its last state and *existed tells. */
enum rgd_map_status rgd_mapper_delete(struct rgd_mapper *m, const struct rgd_map_params *p,
				      struct rgd_lease *out, bool *existed);

/* Delete every lease of owner whose inside address is in_addr and whose
 * protocol is proto (0 = any), optionally only those with nonce. Returns
 * how many, or -1 when one failed. */
int rgd_mapper_delete_all(struct rgd_mapper *m, uint8_t owner, uint32_t in_addr, uint8_t proto,
			  const uint8_t *nonce);

/* Remove leases whose lifetime ended. Returns how many. */
unsigned rgd_mapper_expire(struct rgd_mapper *m);

/* After a start: load stored leases, drop expired ones, make sure the card
 * holds every other one (re-installing what a card reset lost, on the same
 * outside endpoint when it can), and remove protocol mappings the card
 * holds that no lease explains. *moved counts leases whose outside
 * endpoint changed (their requesters must be told). */
int rgd_mapper_restore(struct rgd_mapper *m, unsigned *moved);

/* Check every lease's outside address against the pools (after a reload);
 * re-install those that left them. Returns how many moved. */
unsigned rgd_mapper_revalidate(struct rgd_mapper *m);

/* The outside address a host's mappings use (the one NAT-PMP reports). */
uint32_t rgd_mapper_public_addr(const struct rgd_mapper *m, uint32_t in_addr);

bool rgd_mapper_addr_in_pools(const struct rgd_cfg *cfg, uint32_t addr);

const char *rgd_map_status_name(enum rgd_map_status st);

#endif /* RGD_MAPPER_H */
