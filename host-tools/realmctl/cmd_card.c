/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: devices, info, config, reset, events. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../driver/rgdev.h"
#include "cardconf.h"
#include "ctl.h"
#include "parse.h"

int cmd_devices(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: realmctl devices\n");
		return CTL_USAGE;
	}
	struct rg_dev_entry e[64];
	char note[200] = "", err[256] = "";
	int n = rg_dev_list(e, 64, note, sizeof(note), err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "realmctl: %s\n", err);
		return CTL_FAIL;
	}
	if (n > 64)
		n = 64;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "devices");
		for (int i = 0; i < n; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "device", e[i].spec);
			json_str(&j, "kind", e[i].kind == RG_DEV_SIM ? "sim" : "pci");
			json_bool(&j, "alive", e[i].alive);
			json_str(&j, "description", e[i].desc);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_str(&j, "pci", note);
		json_obj_end(&j);
		json_end(&j);
		return CTL_OK;
	}
	for (int i = 0; i < n; i++)
		printf("%-24s %s\n", e[i].spec, e[i].desc);
	if (!n)
		printf("no simulated card running (start one with nicsim or 'realmlab up')\n");
	printf("PCI: %s\n", note);
	return CTL_OK;
}

static const char *fastpath_name(uint32_t k)
{
	return k == RG_FASTPATH_RTL ? "rtl" : k == RG_FASTPATH_SOFT ? "soft" : "none";
}

static void version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", v >> 16, (v >> 8) & 0xffu, v & 0xffu);
}

/* A feature bit's name, or bit-N for one this realmctl does not know. */
static const char *feature_label(unsigned bit, char buf[16])
{
	const char *name = rg_feature_name(bit);
	if (name)
		return name;
	snprintf(buf, 16, "bit-%u", bit);
	return buf;
}

int cmd_info(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: realmctl info\n");
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_info in;
	memset(&in, 0, sizeof(in));
	if (ctl_cmd(c, "info", RG_OP_INFO, NULL, 0, &in, sizeof(in), NULL, 0, NULL))
		return CTL_FAIL;
	char fw[32], rtl[32], mac[RG_PORT_COUNT][24], label[16];
	version_str(in.fw_version, fw, sizeof(fw));
	version_str(in.rtl_version, rtl, sizeof(rtl));
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		const uint8_t *m = in.port_mac[p];
		snprintf(mac[p], sizeof(mac[p]), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
	}
	static const char *const port_names[RG_PORT_COUNT] = { "inside", "outside", "host", "aux" };
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "device", c->be->where);
		json_u64(&j, "contract_version", in.contract_version);
		json_str(&j, "firmware_version", fw);
		json_str(&j, "rtl_version", in.rtl_version ? rtl : NULL);
		json_str(&j, "fastpath", fastpath_name(in.fastpath));
		json_u64(&j, "features", in.features);
		json_arr_begin(&j, "feature_names");
		for (unsigned b = 0; b < 64; b++)
			if (in.features >> b & 1)
				json_str(&j, NULL, feature_label(b, label));
		json_arr_end(&j);
		json_u64(&j, "sessions_max", in.sessions_max);
		json_u64(&j, "sessions_used", in.sessions_used);
		json_u64(&j, "mappings_max", in.mappings_max);
		json_u64(&j, "mappings_used", in.mappings_used);
		json_u64(&j, "adjacencies_max", in.adjacencies_max);
		json_u64(&j, "uptime_s", in.uptime_s);
		json_u64(&j, "serial", in.serial);
		json_obj_begin(&j, "port_mac");
		for (unsigned p = 0; p < RG_PORT_COUNT; p++)
			json_str(&j, port_names[p], mac[p]);
		json_obj_end(&j);
		json_obj_end(&j);
		json_end(&j);
		return CTL_OK;
	}
	printf("device        %s\n", c->be->where);
	printf("fast path     %s\n", fastpath_name(in.fastpath));
	printf("firmware      %s%s%s, contract version %u, serial %u\n", fw,
	       in.rtl_version ? ", rtl " : "", in.rtl_version ? rtl : "", in.contract_version,
	       in.serial);
	printf("features     ");
	for (unsigned b = 0; b < 64; b++)
		if (in.features >> b & 1)
			printf(" %s", feature_label(b, label));
	printf("\n");
	printf("sessions      %u of %u\n", in.sessions_used, in.sessions_max);
	printf("mappings      %u of %u\n", in.mappings_used, in.mappings_max);
	printf("uptime        %u s\n", in.uptime_s);
	for (unsigned p = 0; p < 2; p++)
		printf("port %-8s %s\n", port_names[p], mac[p]);
	return CTL_OK;
}

static int apply_config(struct ctl *c, const char *path, int reset)
{
	struct cardconf cc;
	char err[512];
	if (cardconf_load(&cc, path, err, sizeof(err))) {
		fprintf(stderr, "realmctl: %s\n", err);
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	if (reset && ctl_cmd(c, "reset", RG_OP_RESET, NULL, 0, NULL, 0, NULL, 0, NULL))
		return CTL_FAIL;
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (ctl_cmd(c, "config get", RG_OP_GET_CONFIG, NULL, 0, &cfg, sizeof(cfg), NULL, 0, NULL))
		return CTL_FAIL;
	cardconf_merge(&cc, &cfg);
	if (ctl_cmd(c, "config set", RG_OP_SET_CONFIG, &cfg, sizeof(cfg), NULL, 0, NULL, 0, NULL))
		return CTL_FAIL;
	for (unsigned i = 0; i < cc.n_pools; i++)
		if (ctl_cmd(c, "pool", RG_OP_POOL_SET, &cc.pools[i], sizeof(cc.pools[i]), NULL, 0,
			    NULL, 0, NULL))
			return CTL_FAIL;
	for (unsigned i = 0; i < cc.n_ranges; i++)
		if (ctl_cmd(c, "pool range", RG_OP_POOL_ADD_RANGE, &cc.ranges[i],
			    sizeof(cc.ranges[i]), NULL, 0, NULL, 0, NULL))
			return CTL_FAIL;
	for (unsigned i = 0; i < cc.n_maps; i++) {
		struct rg_map_rsp rsp;
		if (ctl_cmd(c, "mapping", RG_OP_MAP_ADD, &cc.maps[i], sizeof(cc.maps[i]), &rsp,
			    sizeof(rsp), NULL, 0, NULL))
			return CTL_FAIL;
	}
	for (unsigned i = 0; i < cc.n_rules; i++) {
		char what[32];
		snprintf(what, sizeof(what), "rule %u", cc.rules[i].id);
		if (ctl_cmd(c, what, RG_OP_RULE_ADD, &cc.rules[i], sizeof(cc.rules[i]), NULL, 0,
			    NULL, 0, NULL))
			return CTL_FAIL;
	}
	if (!c->json)
		printf("applied %s: %u pool(s), %u address range(s), %u mapping(s), %u rule(s)\n",
		       path, cc.n_pools, cc.n_ranges, cc.n_maps, cc.n_rules);
	return CTL_OK;
}

static int show_config(struct ctl *c)
{
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (ctl_cmd(c, "config get", RG_OP_GET_CONFIG, NULL, 0, &cfg, sizeof(cfg), NULL, 0, NULL))
		return CTL_FAIL;
	char a[4][INET_ADDRSTRLEN_];
	ipv4_str(cfg.inside_addr, a[0]);
	ipv4_str(cfg.outside_addr, a[1]);
	ipv4_str(cfg.inside_gw, a[2]);
	ipv4_str(cfg.outside_gw, a[3]);
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "inside", a[0]);
		json_u64(&j, "inside_plen", cfg.inside_plen);
		json_str(&j, "outside", a[1]);
		json_u64(&j, "outside_plen", cfg.outside_plen);
		json_str(&j, "inside_gateway", a[2]);
		json_str(&j, "outside_gateway", a[3]);
		json_u64(&j, "inside_vlan", cfg.vlan[RG_PORT_INSIDE]);
		json_u64(&j, "outside_vlan", cfg.vlan[RG_PORT_OUTSIDE]);
		json_bool(&j, "hairpin", !!(cfg.flags & RG_CFG_HAIRPIN));
		json_bool(&j, "unreachable_on_quota", !!(cfg.flags & RG_CFG_UNREACH_ON_QUOTA));
		json_bool(&j, "syn_unreachable", !!(cfg.flags & RG_CFG_SYN_UNREACH));
		json_bool(&j, "inbound_refresh", !!(cfg.flags & RG_CFG_INBOUND_REFRESH));
		json_bool(&j, "log_destinations", !!(cfg.flags & RG_CFG_LOG_DEST));
		json_u64(&j, "inside_mtu", cfg.mtu[RG_PORT_INSIDE]);
		json_u64(&j, "outside_mtu", cfg.mtu[RG_PORT_OUTSIDE]);
		json_u64(&j, "mss_clamp", cfg.mss_clamp);
		json_u64(&j, "udp_timeout_s", cfg.udp_timeout_s);
		json_u64(&j, "tcp_established_timeout_s", cfg.tcp_est_timeout_s);
		json_u64(&j, "tcp_transitory_timeout_s", cfg.tcp_trans_timeout_s);
		json_u64(&j, "icmp_timeout_s", cfg.icmp_timeout_s);
		json_u64(&j, "syn_hold_s", cfg.syn_hold_s);
		json_u64(&j, "fragment_timeout_s", cfg.frag_timeout_s);
		json_u64(&j, "port_holddown_s", cfg.port_holddown_s);
		json_u64(&j, "max_sessions_per_subscriber", cfg.max_sessions_per_sub);
		json_u64(&j, "max_ports_per_subscriber", cfg.max_ports_per_sub);
		json_obj_end(&j);
		json_end(&j);
		return CTL_OK;
	}
	/* in the card file's statements (docs/lab.md): `config apply` of
	 * this output sets the same configuration */
	printf("inside %s/%u\noutside %s/%u\n", a[0], cfg.inside_plen, a[1], cfg.outside_plen);
	if (cfg.inside_gw)
		printf("inside-gateway %s\n", a[2]);
	if (cfg.outside_gw)
		printf("outside-gateway %s\n", a[3]);
	if (cfg.vlan[RG_PORT_INSIDE])
		printf("inside-vlan %u\n", cfg.vlan[RG_PORT_INSIDE]);
	if (cfg.vlan[RG_PORT_OUTSIDE])
		printf("outside-vlan %u\n", cfg.vlan[RG_PORT_OUTSIDE]);
	for (unsigned i = 0; i < CARDCONF_N_FLAGS; i++)
		printf("%s %s\n", cardconf_flags[i].name,
		       cfg.flags & cardconf_flags[i].bit ? "on" : "off");
	printf("mtu inside %u\nmtu outside %u\n", cfg.mtu[RG_PORT_INSIDE],
	       cfg.mtu[RG_PORT_OUTSIDE]);
	if (cfg.mss_clamp)
		printf("mss-clamp %u\n", cfg.mss_clamp);
	else
		printf("mss-clamp off\n");
	printf("timeout udp %u\ntimeout tcp-established %u\ntimeout tcp-transitory %u\n"
	       "timeout icmp %u\ntimeout syn-hold %u\ntimeout fragment %u\n"
	       "timeout port-holddown %u\n",
	       cfg.udp_timeout_s, cfg.tcp_est_timeout_s, cfg.tcp_trans_timeout_s,
	       cfg.icmp_timeout_s, cfg.syn_hold_s, cfg.frag_timeout_s, cfg.port_holddown_s);
	printf("quota sessions %u\nquota ports %u\n", cfg.max_sessions_per_sub,
	       cfg.max_ports_per_sub);
	return CTL_OK;
}

int cmd_config(struct ctl *c, int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "apply")) {
		int reset = argc == 4 && !strcmp(argv[3], "--reset");
		if (argc > 4 || (argc == 4 && !reset))
			goto usage;
		return apply_config(c, argv[2], reset);
	}
	if (argc == 2 && !strcmp(argv[1], "show"))
		return show_config(c);
usage:
	fprintf(stderr, "usage: realmctl config apply FILE [--reset] | config show\n");
	return CTL_USAGE;
}

int cmd_reset(struct ctl *c, int argc, char **argv)
{
	int card = argc == 2 && !strcmp(argv[1], "--card");
	if (argc > 2 || (argc == 2 && !card)) {
		fprintf(stderr, "usage: realmctl reset [--card]\n");
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	if (card) {
		/* the whole card, as after power-up: only the direct backend can */
		if (strcmp(c->be->kind, "direct")) {
			fprintf(stderr, "realmctl: reset --card needs direct access to the card\n");
			return CTL_FAIL;
		}
		struct rg_dev *d = c->be->priv;
		enum rg_status st = rg_dev_reset_card(d);
		if (st != RG_ST_OK) {
			fprintf(stderr, "realmctl: reset --card: %s\n", rg_dev_error(d));
			return CTL_FAIL;
		}
	} else if (ctl_cmd(c, "reset", RG_OP_RESET, NULL, 0, NULL, 0, NULL, 0, NULL))
		return CTL_FAIL;
	if (!c->json)
		printf("card %s reset\n", c->be->where);
	return CTL_OK;
}

static void print_event(struct ctl *c, const struct rg_evt *e)
{
	const char *name = rg_event_name(e->type);
	struct rg_evt_nat n;
	char a[3][INET_ADDRSTRLEN_], pb[8];
	int nat = e->type >= RG_EVT_SESSION_CREATE && e->type <= RG_EVT_MAPPING_DELETE;
	int block = e->type == RG_EVT_BLOCK_ALLOC || e->type == RG_EVT_BLOCK_FREE;
	int quota = e->type == RG_EVT_QUOTA || e->type == RG_EVT_POOL_EXHAUSTED;
	struct rg_evt_block b;
	struct rg_evt_quota q;
	memcpy(&n, e->payload, sizeof(n));
	memcpy(&b, e->payload, sizeof(b));
	memcpy(&q, e->payload, sizeof(q));
	/* each kind's addresses from its own layout (they are at different
	 * offsets of the payload) */
	if (block) {
		ipv4_str(b.in_addr, a[0]);
		ipv4_str(b.out_addr, a[1]);
	} else if (quota) {
		ipv4_str(q.in_addr, a[0]);
	} else {
		ipv4_str(n.in_addr, a[0]);
		ipv4_str(n.out_addr, a[1]);
		ipv4_str(n.rem_addr, a[2]);
	}
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "event", name ? name : "unknown");
		json_u64(&j, "seq", e->seq);
		json_u64(&j, "ts_ms", e->ts_ms);
		if (nat) {
			json_str(&j, "proto", proto_name(n.proto, pb, sizeof(pb)));
			json_str(&j, "inside", a[0]);
			json_u64(&j, "inside_port", ntohs(n.in_port));
			json_str(&j, "outside", a[1]);
			json_u64(&j, "outside_port", ntohs(n.out_port));
			json_str(&j, "remote", a[2]);
			json_u64(&j, "remote_port", ntohs(n.rem_port));
		} else if (block) {
			json_str(&j, "inside", a[0]);
			json_str(&j, "outside", a[1]);
			json_u64(&j, "port_lo", b.port_lo);
			json_u64(&j, "port_hi", b.port_hi);
		} else if (quota) {
			json_str(&j, "inside", a[0]);
			json_str(&j, "what", rg_exhaustion_name(q.kind));
			json_str(&j, "proto", proto_name(q.proto, pb, sizeof(pb)));
			json_u64(&j, "limit", q.limit);
		}
		json_obj_end(&j);
		json_end(&j);
		return;
	}
	printf("%10u  #%-6u %-18s", e->ts_ms, e->seq, name ? name : "unknown");
	if (nat)
		printf(" %s %s:%u -> %s:%u (remote %s:%u)", proto_name(n.proto, pb, sizeof(pb)),
		       a[0], ntohs(n.in_port), a[1], ntohs(n.out_port), a[2], ntohs(n.rem_port));
	else if (block)
		printf(" %s -> %s ports %u-%u", a[0], a[1], b.port_lo, b.port_hi);
	else if (quota)
		printf(" %s %s %s (limit %u)", a[0], rg_exhaustion_name(q.kind),
		       proto_name(q.proto, pb, sizeof(pb)), q.limit);
	if (e->type == RG_EVT_LOST) {
		struct rg_evt_lost l;
		memcpy(&l, e->payload, sizeof(l));
		printf(" %u events lost", l.count);
	}
	printf("\n");
	fflush(stdout);
}

int events_options(int argc, char **argv, long *count, long *wait_s)
{
	*count = *wait_s = -1;
	for (int i = 1; i < argc; i++) {
		unsigned long v;
		int is_count = !strcmp(argv[i], "--count");
		if ((is_count || !strcmp(argv[i], "--wait")) && i + 1 < argc &&
		    !rg_parse_uint(argv[i + 1], is_count ? 1 : 0, 86400L * 365, &v)) {
			*(is_count ? count : wait_s) = (long)v;
			i++;
		} else {
			fprintf(stderr, "usage: realmctl events [--count N] [--wait SECONDS]\n");
			return CTL_USAGE;
		}
	}
	return 0;
}

int cmd_events(struct ctl *c, int argc, char **argv)
{
	long count, wait_s;
	if (events_options(argc, argv, &count, &wait_s))
		return CTL_USAGE;
	if (ctl_connect(c))
		return CTL_FAIL;
	uint32_t mask = (1u << RG_EVT__COUNT) - 1u;
	if (ctl_cmd(c, "events", RG_OP_EVENT_MASK, &mask, sizeof(mask), NULL, 0, NULL, 0, NULL))
		return CTL_FAIL;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long got = 0;
	while (count < 0 || got < count) {
		struct rg_evt e;
		if (c->be->event(c->be, &e)) {
			print_event(c, &e);
			got++;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait_s >= 0 && now.tv_sec - t0.tv_sec >= wait_s)
			break;
		/* sleep on the card's interrupt (a second at most, so --wait is
		 * checked), else poll every 2 ms */
		if (c->be->wait_event(c->be, 1000) < 0) {
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
		}
	}
	return CTL_OK;
}
