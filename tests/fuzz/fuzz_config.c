/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the configuration files. The input is parsed as
 * realmctl's card file (cardconf_read, see card_file below) and as the text of
 * realmgated's configuration file (libconfig syntax, docs/config.md), parsed by
 * rgd_config_parse; a file it accepts is applied to the card test double
 * (tests/lib/card_double.c) as at start, and then a known-good file is
 * applied over it as a reload (the difference path), and the other way
 * round.
 * Checks: nothing crashes or leaks (ASan+UBSan build); a refusal comes with
 * a message; an accepted file holds what the card contract allows (port
 * ranges in order, prefix lengths <= 32 and their addresses masked, ranges
 * with lo <= hi, counts within their arrays); and the card double, which
 * checks every command as the firmware would, ends up with the known-good
 * file's pools after the reload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <stdio.h>

#include "../../firmware/lib/bytes.h"
#include "../../host-tools/realmctl/cardconf.h"
#include "../../host-tools/realmctl/rule_parse.h"
#include "../../host-tools/realmgated/cfg_apply.h"
#include "../../host-tools/realmgated/config.h"
#include "../lib/card_double.h"

static const char good[] =
	"inside = { address = \"10.0.0.1\"; };\n"
	"outside = { address = \"203.0.113.1\"; };\n"
	"pools = ( { id = 1; addresses = [\"203.0.113.1\", \"203.0.113.5-203.0.113.6\"]; } );\n";

/* libconfig itself leaks a string buffer on some syntax errors (upstream
 * hyperrealm/libconfig#142, fixed after the 1.5 Debian 12 ships): a few
 * bytes per refused file, not ours to fix, so leaks from inside it are not
 * reported; leaks anywhere else still are. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static void check_prefix(const struct rgd_prefix *p)
{
	if (p->plen > 32)
		abort();
	uint32_t mask = p->plen ? ~0u << (32 - p->plen) : 0;
	if (p->addr & ~mask)
		abort(); /* a prefix kept with host bits set */
}

static void check_accepted(const struct rgd_cfg *c)
{
	if (c->n_pools > RGD_MAX_POOLS || c->n_rules > RGD_MAX_RULES ||
	    c->n_realm > RGD_MAX_PREFIXES || c->n_third_party > RGD_MAX_PREFIXES)
		abort();
	for (unsigned i = 0; i < c->n_realm; i++)
		check_prefix(&c->realm[i]);
	for (unsigned i = 0; i < c->n_third_party; i++)
		check_prefix(&c->third_party[i]);
	for (unsigned i = 0; i < c->n_pools; i++) {
		const struct rgd_pool_cfg *p = &c->pools[i];
		if (p->pool.port_lo > p->pool.port_hi || p->pool.sub_plen > 32 ||
		    p->n_ranges > RGD_MAX_RANGES)
			abort(); /* a pool the card contract does not allow */
		for (unsigned r = 0; r < p->n_ranges; r++)
			if (rg_be32_val(p->ranges[r].lo) > rg_be32_val(p->ranges[r].hi))
				abort(); /* an address range upside down */
	}
	if (c->min_lifetime > c->max_lifetime)
		abort();
}

/* realmctl's card file (docs/lab.md): the same bytes, the other parser.
 * An accepted file holds only what SET_CONFIG, POOL_SET, POOL_ADD_RANGE,
 * MAP_ADD and RULE_ADD would take; a refusal names the file and the line. */
static void card_file(const uint8_t *data, size_t size)
{
	static struct cardconf cc;
	char err[256];
	err[0] = 0;
	if (!size)
		return; /* fmemopen refuses an empty buffer; the unit test has it */
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return;
	int rc = cardconf_read(&cc, f, "fuzz.conf", err, sizeof(err));
	fclose(f);
	if (rc) {
		if (strncmp(err, "fuzz.conf:", 10) || !memchr(err, 0, sizeof(err)))
			abort(); /* refused without saying where */
		return;
	}
	const struct rg_config *c = &cc.cfg;
	if (cc.n_pools > CARDCONF_POOLS || cc.n_ranges > CARDCONF_RANGES ||
	    cc.n_maps > CARDCONF_MAPS || c->inside_plen > 32 || c->outside_plen > 32 ||
	    c->vlan[0] > RG_VLAN_VID_MAX || c->vlan[1] > RG_VLAN_VID_MAX)
		abort();
	const uint32_t t[7] = { c->udp_timeout_s,  c->tcp_est_timeout_s, c->tcp_trans_timeout_s,
				c->icmp_timeout_s, c->syn_hold_s,	 c->frag_timeout_s,
				c->port_holddown_s };
	const unsigned bit[7] = { CC_T_UDP,	 CC_T_TCP_EST, CC_T_TCP_TRANS, CC_T_ICMP,
				  CC_T_SYN_HOLD, CC_T_FRAG,    CC_T_HOLDDOWN };
	const uint32_t min[7] = { RG_MIN_UDP_TIMEOUT_S,	      RG_MIN_TCP_EST_TIMEOUT_S,
				  RG_MIN_TCP_TRANS_TIMEOUT_S, RG_MIN_ICMP_TIMEOUT_S,
				  RG_MIN_SYN_HOLD_S,	      1,
				  RG_MIN_PORT_HOLDDOWN_S };
	if (((cc.set & CC_MSS) && c->mss_clamp > 9000) ||
	    ((cc.set & CC_Q_PORTS) && c->max_ports_per_sub > 65536) ||
	    (cc.flags_set & ~(RG_CFG_HAIRPIN | RG_CFG_UNREACH_ON_QUOTA | RG_CFG_LOG_DEST |
			      RG_CFG_INBOUND_REFRESH | RG_CFG_SYN_UNREACH)))
		abort(); /* a value the card or realmgated refuses */
	for (int i = 0; i < 7; i++)
		if ((cc.set & bit[i]) && (t[i] < min[i] || t[i] > RG_MAX_TIMEOUT_S))
			abort(); /* a timer the card refuses */
	for (unsigned i = 0; i < cc.n_pools; i++)
		if (!cc.pools[i].port_lo || cc.pools[i].port_lo > cc.pools[i].port_hi ||
		    cc.pools[i].sub_plen > 32)
			abort();
	for (unsigned i = 0; i < cc.n_ranges; i++)
		if (ntohl(cc.ranges[i].lo) > ntohl(cc.ranges[i].hi))
			abort();
	for (unsigned i = 0; i < cc.n_rules; i++)
		if (cc.n_rules > CARDCONF_RULES || !rule_kind_name(cc.rules[i].kind) ||
		    ntohs(cc.rules[i].dport_lo) > ntohs(cc.rules[i].dport_hi) ||
		    cc.rules[i].src_plen > 32 || cc.rules[i].dst_plen > 32)
			abort();
	for (unsigned i = 0; i < cc.n_maps; i++)
		if ((cc.maps[i].proto != 6 && cc.maps[i].proto != 17) || !cc.maps[i].in_port)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	card_file(data, size);
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	static struct rgd_cfg c, g;
	char err[256];
	err[0] = 0;
	int rc = rgd_config_parse(text, "fuzz.conf", &c, err, sizeof(err));
	free(text);
	if (rc) {
		if (!err[0] || !memchr(err, 0, sizeof(err)))
			abort(); /* refused without saying why */
		return 0;
	}
	check_accepted(&c);
	if (rgd_config_parse(good, "good.conf", &g, err, sizeof(err)))
		abort();
	struct card_double d;
	card_double_init(&d, 0xcb007101u);
	rgd_cfg_apply(&d.card, &c, NULL, NULL, 0, err, sizeof(err));
	if (rgd_cfg_apply(&d.card, &g, &c, NULL, 0, err, sizeof(err)))
		abort(); /* the known-good file refused after any accepted one */
	if (d.n_pools != 1)
		abort(); /* the reload left pools of the file before */
	card_double_init(&d, 0xcb007101u);
	rgd_cfg_apply(&d.card, &g, NULL, NULL, 0, err, sizeof(err));
	rgd_cfg_apply(&d.card, &c, &g, NULL, 0, err, sizeof(err));
	return 0;
}
