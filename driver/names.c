/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stable names of card-wide counter ids (counters.h), for CLIs and tests:
 * firmware counters by their contract names ("sessions-created"), fast path
 * counters as fp-rx-inside, fp-tx-outside, fp-hits, fp-punt-<reason>,
 * fp-drop-<reason> with the reason's contract name in lower case; and the
 * names of the card's feature bits (regmap.h, RG_FEAT_*).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "realmgate/counters.h"
#include "realmgate/regmap.h"
#include "rgdev.h"

static const char *const port_names[RG_PORT_COUNT] = { "inside", "outside", "host", "aux" };

#define NAME_OF(name, val, text) [val] = #name,
static const char *const punt_names[RG_PUNT__COUNT] = { RG_PUNT_REASONS(NAME_OF) };
static const char *const drop_names[RG_DROP__COUNT] = { RG_DROP_REASONS(NAME_OF) };
#undef NAME_OF

#define FW_NAME(name, text) text,
static const char *const fw_names[] = { RG_FW_COUNTERS(FW_NAME) };
#undef FW_NAME

static void slug(char *out, size_t len, const char *prefix, const char *upper)
{
	size_t n = (size_t)snprintf(out, len, "%s", prefix);
	for (; *upper && n + 1 < len; upper++)
		out[n++] = *upper == '_' ? '-' : (char)tolower((unsigned char)*upper);
	out[n < len ? n : len - 1] = 0;
}

const char *rg_counter_id_name(uint32_t id, char *buf, size_t len)
{
	if (id < 4)
		snprintf(buf, len, "fp-rx-%s", port_names[id]);
	else if (id < 8)
		snprintf(buf, len, "fp-tx-%s", port_names[id - 4]);
	else if (id == RG_FPC_HIT)
		snprintf(buf, len, "fp-hits");
	else if (id >= RG_FPC_PUNT(0) && id < RG_FPC_PUNT(RG_PUNT__COUNT))
		slug(buf, len, "fp-punt-", punt_names[id - RG_FPC_PUNT(0)]);
	else if (id >= RG_FPC_DROP(0) && id < RG_FPC_DROP(RG_DROP__COUNT))
		slug(buf, len, "fp-drop-", drop_names[id - RG_FPC_DROP(0)]);
	else if (id >= RG_FWC_BASE && id < RG_FWC_END)
		snprintf(buf, len, "%s", fw_names[id - RG_FWC_BASE]);
	else
		return NULL;
	return buf;
}

/* in bit order: RG_FEAT_NAPT is bit 0 */
static const char *const feature_names[] = {
	"napt", "hairpin",   "twice-nat", "port-block", "deterministic", "ipip",
	"spi",	"proxy-arp", "host-port", "frag",	"pending",	 "session-filter",
};
_Static_assert(RG_FEAT_SESSION_FILTER == 1ull << 11, "feature names follow the bits");

const char *rg_feature_name(unsigned bit)
{
	return bit < sizeof(feature_names) / sizeof(feature_names[0]) ? feature_names[bit] : NULL;
}
