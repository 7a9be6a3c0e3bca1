/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bringing the card in line with a configuration: global settings, pools
 * and their address ranges, static rules, plus the TO_HOST rules that send
 * the daemon's own protocol ports to the host port. Applied as a difference
 * against what the card holds, so a reload changes only what changed and
 * established sessions stay.
 */
#ifndef RGD_CFG_APPLY_H
#define RGD_CFG_APPLY_H

#include <stddef.h>

#include "card.h"
#include "config.h"

/* Rules realmctl may add at run time (kept in the store). */
#define RGD_MAX_RUNTIME_RULES 64

/* Rule ids from here on are the daemon's own (TO_HOST for its services). */
#define RGD_RULE_ID_SERVICE 0x7fff0000u

/* Apply c to the card, plus the extra rules the operator added at run
 * time. old is the configuration applied before (NULL at start). Returns 0, or -1 with the first refusal in err (what was applied
 * before it stays applied; the caller keeps running on it). */
int rgd_cfg_apply(struct rgd_card *card, const struct rgd_cfg *c, const struct rgd_cfg *old,
		  const struct rg_rule *extra, unsigned n_extra, char *err, size_t errlen);

/* The service rules c implies (PCP/NAT-PMP port, DPM port); returns count. */
unsigned rgd_cfg_service_rules(const struct rgd_cfg *c, struct rg_rule *out, unsigned max);

#endif /* RGD_CFG_APPLY_H */
