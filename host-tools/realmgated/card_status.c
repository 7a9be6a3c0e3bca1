/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of the card's status codes for logs and realmctl. */
#include "card.h"

#define RG_STATUS_TEXT(name, val, text) [val] = text,
static const char *const texts[] = { RG_STATUS_CODES(RG_STATUS_TEXT) };
#undef RG_STATUS_TEXT

const char *rgd_card_status_name(enum rg_status st)
{
	if ((unsigned)st >= sizeof(texts) / sizeof(texts[0]) || !texts[st])
		return "unknown status";
	return texts[st];
}
