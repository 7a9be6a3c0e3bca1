/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Counters and events. The fast path's 32-bit wrapping counters are folded
 * into 64-bit totals (at least once a second, far more often than they can
 * wrap); the firmware's own counters are 64-bit from the start. Every id has
 * a stable name (include/realmgate/counters.h for the firmware's).
 */
#include "fw_internal.h"
#include "realmgate/regmap.h"

#define FWC_NAME(name, text) text,
static const char *const fw_names[] = { RG_FW_COUNTERS(FWC_NAME) };
#undef FWC_NAME

static const char *const port_names[RG_PORT_COUNT] = { "inside", "outside", "host", "aux" };

static const char *const punt_names[] = {
	"none",	   "miss",   "not-ipv4",   "l2-bcast",	 "tcp-ctrl", "frag",
	"ttl",	   "mtu",    "icmp-error", "icmp-other", "proto",    "hdr-window",
	"trailer", "no-adj", "session",	   "ip-options", "vlan",
};
_Static_assert(sizeof(punt_names) / sizeof(punt_names[0]) == RG_PUNT__COUNT, "punt names");

static const char *const drop_names[] = {
	"none",	       "not-mine",    "runt",	     "bad-ip-ver", "bad-ip-hdr", "bad-ip-len",
	"bad-ip-csum", "bad-l4-len",  "bad-l4-csum", "tunnel-src", "filtered",	 "spi-unregistered",
	"revoked",     "forced-punt", "blacklist",   "policy",
};
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == RG_DROP__COUNT, "drop names");

/* Fast path counter names: "fp-rx-inside", "fp-punt-miss", ... built into
 * a static table on first use (the ids are fixed by flow.h). */
static char fp_name_buf[RG_FPC_COUNT][32];

static void put_name(char *d, const char *a, const char *b)
{
	unsigned i = 0;
	while (*a && i < 31)
		d[i++] = *a++;
	while (*b && i < 31)
		d[i++] = *b++;
	d[i] = 0;
}

const char *rg_counter_name(uint32_t id)
{
	if (id >= RG_FWC_BASE && id < RG_FWC_END)
		return fw_names[id - RG_FWC_BASE];
	if (id >= RG_FPC_COUNT)
		return NULL;
	char *d = fp_name_buf[id];
	if (!d[0]) {
		if (id < 4)
			put_name(d, "fp-rx-", port_names[id]);
		else if (id < 8)
			put_name(d, "fp-tx-", port_names[id - 4]);
		else if (id == RG_FPC_HIT)
			put_name(d, "fp-session-hits", "");
		else if (id >= RG_FPC_PUNT(0) && id < RG_FPC_PUNT(RG_PUNT__COUNT))
			put_name(d, "fp-punt-", punt_names[id - RG_FPC_PUNT(0)]);
		else if (id >= RG_FPC_DROP(0) && id < RG_FPC_DROP(RG_DROP__COUNT))
			put_name(d, "fp-drop-", drop_names[id - RG_FPC_DROP(0)]);
		else
			return NULL;
	}
	return d;
}

void fw_counters_fold(struct rg_fw *fw)
{
	for (uint32_t i = 0; i < RG_FPC_COUNT; i++) {
		uint32_t v = fw->dev.ops->read_reg(fw->dev.ctx, RG_FP_COUNTERS + 4u * i);
		fw->fpc[i] += (uint32_t)(v - fw->fpc_last[i]);
		fw->fpc_last[i] = v;
	}
}

uint64_t rg_fw_counter(struct rg_fw *fw, uint32_t id)
{
	if (id < RG_FPC_COUNT) {
		uint32_t v = fw->dev.ops->read_reg(fw->dev.ctx, RG_FP_COUNTERS + 4u * id);
		return fw->fpc[id] + (uint32_t)(v - fw->fpc_last[id]);
	}
	if (id >= RG_FWC_BASE && id < RG_FWC_END)
		return fw->fwc[id - RG_FWC_BASE];
	return 0;
}

void fw_event(struct rg_fw *fw, unsigned type, const void *payload, uint16_t len)
{
	if (!fw->hal.event)
		return;
	struct rg_evt e;
	__builtin_memset(&e, 0, sizeof(e));
	e.type = (uint16_t)type;
	e.len = len;
	e.seq = fw->evt_seq++;
	e.ts_ms = fw_now_ms(fw);
	if (len > RG_EVT_PAYLOAD)
		len = RG_EVT_PAYLOAD;
	__builtin_memcpy(e.payload, payload, len);
	fw->hal.event(fw->hal.ctx, &e);
	FWC(fw, EVENTS_SENT);
}

const char *rg_fw_state_name(uint8_t state)
{
	static const char *const names[FW_SS__COUNT] = {
		[FW_SS_UDP] = "udp",
		[FW_SS_ICMP] = "icmp",
		[FW_SS_TCP_SYN_OUT] = "syn-out",
		[FW_SS_TCP_SYN_IN] = "syn-in",
		[FW_SS_TCP_EST] = "established",
		[FW_SS_TCP_FIN_OUT] = "fin-out",
		[FW_SS_TCP_FIN_IN] = "fin-in",
		[FW_SS_TCP_FIN_BOTH] = "fin-both",
		[FW_SS_TCP_CLOSED] = "closed",
	};
	return state < FW_SS__COUNT ? names[state] : NULL;
}
