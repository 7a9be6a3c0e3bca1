/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: reading a paged listing of the card into one array. */
#ifndef RG_REALMCTL_FETCH_H
#define RG_REALMCTL_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "realmgate/mailbox.h"

/* Which records of a page to keep: NULL keeps all. */
typedef int (*record_wanted)(const void *filter, const void *record);

/* The records of listing `op` (records of `rec` bytes) that `wanted` keeps,
 * at most limit (0 = all), in *out (malloc'd, *count of them); CTL_OK or
 * CTL_FAIL after saying why. card_filter, for a session listing, goes to the
 * card after the page request (mailbox.h, struct rg_session_list_req). */
int fetch_matching(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit,
		   record_wanted wanted, const void *filter,
		   const struct rg_session_filter *card_filter, void **out, uint32_t *count);
/* Every record of a listing. */
int fetch_all(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit, void **out,
	      uint32_t *count);

#endif /* RG_REALMCTL_FETCH_H */
