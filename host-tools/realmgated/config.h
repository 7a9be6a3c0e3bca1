/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's configuration file (docs/config.md), read with libconfig.
 * rgd_config_load() fills a struct rgd_cfg and reports the first fault as
 * "FILE:LINE: reason"; nothing is applied until the whole file is valid.
 */
#ifndef RGD_CONFIG_H
#define RGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "realmgate/mailbox.h"

#define RGD_MAX_POOLS 16
#define RGD_MAX_RANGES 64 /* per pool */
#define RGD_MAX_RULES 256
#define RGD_MAX_PREFIXES 16
#define RGD_PATH_MAX 256

struct rgd_prefix {
	uint32_t addr; /* host order, masked */
	uint8_t plen;
};

struct rgd_pool_cfg {
	char name[32];
	struct rg_pool pool; /* as sent to the card */
	unsigned n_ranges;
	struct rg_pool_range ranges[RGD_MAX_RANGES];
};

struct rgd_cfg {
	char card[RGD_PATH_MAX];	   /* card to attach, e.g. "sim:rg0" */
	char host_tap[32];		   /* TAP netdev for the host port, "" = none */
	char state_db[RGD_PATH_MAX];	   /* SQLite database of leases */
	char control_socket[RGD_PATH_MAX]; /* realmctl's UNIX socket */
	char control_group[64];		   /* group allowed on it, "" = root only */

	struct rg_config card_cfg; /* global card configuration */
	unsigned n_realm;	   /* inside-realm prefixes allowed to make requests */
	struct rgd_prefix realm[RGD_MAX_PREFIXES];

	unsigned n_pools;
	struct rgd_pool_cfg pools[RGD_MAX_POOLS];
	unsigned n_rules;
	struct rg_rule rules[RGD_MAX_RULES];

	/* PCP and NAT-PMP */
	bool pcp_enabled;
	bool natpmp_enabled;
	bool announce;
	uint32_t listen_addr; /* host order; default inside.address */
	uint16_t pcp_port;
	uint16_t announce_port;	 /* where unsolicited messages go, default 5350 */
	uint32_t announce_group; /* where unsolicited messages go, default 224.0.0.1 */
	uint32_t min_lifetime, max_lifetime;
	uint32_t max_mappings_per_host; /* 0 = unlimited */
	unsigned n_third_party;		/* hosts allowed to use THIRD_PARTY */
	struct rgd_prefix third_party[RGD_MAX_PREFIXES];

	/* DPM setup listener (seed 000) */
	bool dpm_enabled;
	uint16_t dpm_port;
	uint32_t dpm_lifetime; /* granted when the request asks 0 */

	/* NAT event logging (natlog.c) */
	bool natlog_syslog;		 /* a log line per NAT event */
	uint32_t ipfix_addr;		 /* IPFIX collector, host order; 0 = none */
	uint16_t ipfix_port;		 /* default 4739 */
	uint32_t ipfix_domain;		 /* observation domain id */
	uint32_t ipfix_template_refresh; /* seconds between template re-sends */
};

/* Defaults for every setting (what an empty file means). */
void rgd_config_defaults(struct rgd_cfg *c);

/* Load and validate path. On error returns -1 with "FILE:LINE: reason" in
 * err; c is then unspecified. */
int rgd_config_load(const char *path, struct rgd_cfg *c, char *err, size_t errlen);

/* Same, from a string (tests); name is used in messages. */
int rgd_config_parse(const char *text, const char *name, struct rgd_cfg *c, char *err,
		     size_t errlen);

bool rgd_prefix_contains(const struct rgd_prefix *p, uint32_t addr);
bool rgd_prefixes_contain(const struct rgd_prefix *p, unsigned n, uint32_t addr);

/* "a.b.c.d/len" (or a bare address = /32) -> prefix; 0 on success. */
int rgd_parse_prefix(const char *s, struct rgd_prefix *p);
int rgd_parse_addr(const char *s, uint32_t *addr);
/* "a.b.c.d" or "a.b.c.d:port" (0-65535; *port untouched without one); 0 on success. */
int rgd_parse_endpoint(const char *s, uint32_t *addr, uint16_t *port, bool *has_port);

#endif /* RGD_CONFIG_H */
