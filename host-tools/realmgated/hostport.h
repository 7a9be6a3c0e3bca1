/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's host port as a TAP netdev: frames the card sends to its host
 * port are written to the TAP, frames the host stack sends on the TAP go to
 * the card. The TAP carries the card's inside address, so the daemon serves
 * PCP, NAT-PMP and DPM with ordinary sockets bound to it.
 */
#ifndef RGD_HOSTPORT_H
#define RGD_HOSTPORT_H

#include <stdint.h>

#include "card.h"

/* Create (or attach to) TAP `name`, give it addr/plen (host order) and
 * mtu, bring it up. Returns the TAP fd (non-blocking) or -1 (errno; a
 * reason in err). */
int rgd_hostport_open(const char *name, uint32_t addr, uint8_t plen, uint16_t mtu, char *err,
		      size_t errlen);

/* Move waiting frames: TAP -> card (tap_readable) and card -> TAP. Returns
 * the number of frames moved. */
unsigned rgd_hostport_from_tap(int tap, struct rgd_card *card);
unsigned rgd_hostport_to_tap(int tap, struct rgd_card *card);

#endif /* RGD_HOSTPORT_H */
