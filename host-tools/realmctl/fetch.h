/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: reading a paged listing of the card into one array. */
#ifndef RG_REALMCTL_FETCH_H
#define RG_REALMCTL_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

/* Which records of a page to keep: NULL keeps all. */
typedef int (*record_wanted)(const void *filter, const void *record);

/* A session listing's filter as the card takes it after the page request
 * (mailbox.h), when there is one. */
struct card_filter {
	const void *bytes;
	uint16_t len;
};

/* The records of listing `op` (records of `rec` bytes) that `wanted` keeps,
 * at most limit (0 = all), in *out (malloc'd, *count of them); CTL_OK or
 * CTL_FAIL after saying why. */
int fetch_matching(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit,
		   record_wanted wanted, const void *filter, struct card_filter cf, void **out,
		   uint32_t *count);
/* Every record of a listing. */
int fetch_all(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit, void **out,
	      uint32_t *count);

#endif /* RG_REALMCTL_FETCH_H */
