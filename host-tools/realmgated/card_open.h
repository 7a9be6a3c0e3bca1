/* SPDX-License-Identifier: BSD-2-Clause */
/* Attaching realmgated to the card named in its configuration. */
#ifndef RGD_CARD_OPEN_H
#define RGD_CARD_OPEN_H

#include <stddef.h>

#include "card.h"
#include "config.h"

/* Open the card cfg->card ("sim:NAME" or "pci:BDF", as the driver library
 * names them). NULL with a reason in err. */
struct rgd_card *rgd_card_open(const struct rgd_cfg *cfg, char *err, size_t errlen);

#endif /* RGD_CARD_OPEN_H */
