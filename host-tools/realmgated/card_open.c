/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Card attachment. The binding of struct rgd_card_ops to the driver
 * library's mailbox calls (driver/) is made when that library is on main;
 * until then realmgated refuses to start with this message rather than
 * pretending to drive a card.
 */
#include <stdio.h>

#include "card_open.h"

struct rgd_card *rgd_card_open(const struct rgd_cfg *cfg, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "cannot attach '%s': this build has no driver library binding yet "
		 "(driver/ is not in the tree)",
		 cfg->card[0] ? cfg->card : "(no card configured)");
	return NULL;
}
