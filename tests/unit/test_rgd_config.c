/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's configuration file: a full file reaches the card structures
 * as documented in docs/config.md, defaults apply, and every kind of
 * mistake is reported as "FILE:LINE: reason" with the line of the mistake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../host-tools/realmgated/config.h"

static const char full[] =
	"card = \"sim:rg0\";\n"
	"state_db = \"/tmp/x.db\";\n"
	"inside = { address = \"192.168.1.1\"; prefix = 24; realm = [\"192.168.0.0/16\"]; };\n"
	"outside = { address = \"203.0.113.1\"; prefix = 24; gateway = \"203.0.113.254\";\n"
	"            mtu = 1400; };\n"
	"nat = { hairpin = false; inbound_refresh = true; mss_clamp = 1360;\n"
	"        timeouts = { udp = 600; tcp_established = 7440; port_holddown = 180; };\n"
	"        quotas = { sessions_per_subscriber = 1000; ports_per_subscriber = 512; }; };\n"
	"pools = (\n"
	"  { id = 1; name = \"main\"; mode = \"port-block\"; block_size = 512;\n"
	"    mapping = \"endpoint-independent\";\n"
	"    filtering = { udp = \"address-dependent\"; };\n"
	"    ports = \"1024-65535\"; parity = false;\n"
	"    addresses = [ \"203.0.113.1\", \"203.0.113.10-203.0.113.20\", \"198.51.100.0/30\" ];\n"
	"    subscribers = \"192.168.1.0/24\"; }\n"
	");\n"
	"rules = (\n"
	"  { id = 10; type = \"forward\"; proto = \"tcp\"; ports = \"8080\"; to = "
	"\"192.168.1.10\";\n"
	"    to_port = 80; },\n"
	"  { id = 11; type = \"forward\"; proto = \"udp\"; ports = \"5060\"; to = "
	"\"192.168.1.20\";\n"
	"    from = \"198.51.100.0/24\"; },\n"
	"  { id = 12; type = \"dstnat\"; proto = \"udp\"; dst = \"10.99.0.1/32\"; ports = \"53\";\n"
	"    to = \"203.0.113.53\"; },\n"
	"  { id = 13; type = \"exclude\"; dst = \"198.18.0.0/15\"; }\n"
	");\n"
	"pcp = { min_lifetime = 60; max_lifetime = 3600; third_party = [\"192.168.1.5/32\"]; };\n"
	"dpm = { port = 1081; lifetime = 120; };\n"
	"nat_log = { syslog = false; ipfix_collector = \"192.0.2.10\"; ipfix_domain = 42;\n"
	"            ipfix_template_refresh = 300; };\n";

static void test_full_file(void **state)
{
	(void)state;
	struct rgd_cfg c;
	char err[256] = "";
	assert_int_equal(rgd_config_parse(full, "full.conf", &c, err, sizeof(err)), 0);
	assert_string_equal(c.card, "sim:rg0");
	assert_int_equal(c.card_cfg.inside_addr, __builtin_bswap32(0xc0a80101));
	assert_int_equal(c.card_cfg.outside_gw, __builtin_bswap32(0xcb0071fe));
	assert_int_equal(c.card_cfg.mtu[1], 1400);
	assert_int_equal(c.card_cfg.flags & RG_CFG_HAIRPIN, 0);
	assert_true(c.card_cfg.flags & RG_CFG_INBOUND_REFRESH);
	assert_int_equal(c.card_cfg.udp_timeout_s, 600);
	assert_int_equal(c.card_cfg.tcp_trans_timeout_s, 240); /* default */
	assert_int_equal(c.card_cfg.port_holddown_s, 180);
	assert_int_equal(c.card_cfg.max_ports_per_sub, 512);
	assert_int_equal(c.card_cfg.mss_clamp, 1360);
	assert_int_equal(c.n_realm, 1);
	assert_int_equal(c.realm[0].plen, 16);
	assert_int_equal(c.n_pools, 1);
	const struct rgd_pool_cfg *p = &c.pools[0];
	assert_string_equal(p->name, "main");
	assert_int_equal(p->pool.mode, RG_POOL_PORT_BLOCK);
	assert_int_equal(p->pool.block_size, 512);
	assert_int_equal(p->pool.filtering[0], RG_FILTER_ADF);
	assert_int_equal(p->pool.filtering[1], RG_FILTER_APDF);
	assert_int_equal(p->pool.flags & RG_POOLF_PARITY, 0);
	assert_true(p->pool.flags & RG_POOLF_PAIRED);
	assert_int_equal(p->n_ranges, 3);
	assert_int_equal(p->ranges[1].hi, __builtin_bswap32(0xcb007114));
	assert_int_equal(p->ranges[2].hi, __builtin_bswap32(0xc6336403));
	assert_int_equal(p->pool.sub_plen, 24);
	assert_int_equal(c.n_rules, 4);
	assert_int_equal(c.rules[0].kind, RG_RULE_FORWARD);
	assert_int_equal(c.rules[0].dst_addr, c.card_cfg.outside_addr);
	assert_int_equal(c.rules[0].to_port, __builtin_bswap16(80));
	assert_int_equal(c.rules[1].src_plen, 24); /* split rule by remote source */
	assert_int_equal(c.rules[2].kind, RG_RULE_DSTNAT);
	assert_int_equal(c.rules[3].dst_plen, 15);
	assert_int_equal(c.min_lifetime, 60);
	assert_int_equal(c.n_third_party, 1);
	assert_int_equal(c.dpm_port, 1081);
	assert_int_equal(c.dpm_lifetime, 120);
	assert_false(c.natlog_syslog);
	assert_int_equal(c.ipfix_addr, 0xc000020a);
	assert_int_equal(c.ipfix_port, 4739); /* the IANA port when none is given */
	assert_int_equal(c.ipfix_domain, 42);
	assert_int_equal(c.ipfix_template_refresh, 300);
}

static void test_minimal_file_defaults(void **state)
{
	(void)state;
	struct rgd_cfg c;
	char err[256];
	const char *t = "inside = { address = \"10.0.0.1\"; prefix = 8; };\n"
			"outside = { address = \"203.0.113.1\"; };\n"
			"pools = ( { id = 1; addresses = [\"203.0.113.1\"]; } );\n";
	assert_int_equal(rgd_config_parse(t, "min.conf", &c, err, sizeof(err)), 0);
	assert_true(c.card_cfg.flags & RG_CFG_HAIRPIN);
	assert_int_equal(c.card_cfg.udp_timeout_s, 300);
	assert_int_equal(c.pcp_port, 5351);
	assert_int_equal(c.dpm_port, 1080);
	assert_int_equal(c.realm[0].addr, 0x0a000000);
	assert_int_equal(c.realm[0].plen, 8);
	assert_int_equal(c.listen_addr, 0x0a000001);
	assert_int_equal(c.pools[0].pool.port_lo, 1024);
	assert_int_equal(c.pools[0].pool.filtering[1], RG_FILTER_APDF);
	assert_true(c.natlog_syslog); /* NAT events logged, no IPFIX */
	assert_int_equal(c.ipfix_addr, 0);
}

/* Each broken file: the message must start with the expected FILE:LINE: and
 * contain the reason. */
static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	static const char base_in[] = "inside = { address = \"10.0.0.1\"; };\n";
	static const char base_out[] = "outside = { address = \"203.0.113.1\"; };\n";
	static const char pool[] = "pools = ( { id = 1; addresses = [\"203.0.113.1\"]; } );\n";
	struct {
		const char *text;
		const char *where;
		const char *reason;
	} cases[] = {
		{ "inside = { address = \"10.0.0.1\" \n", "t.conf:2:", "syntax error" },
		{ "inside = { address = \"10.0.0.300\"; };\n", "t.conf:1:", "not an IPv4 address" },
		{ "\ninside = { adress = \"10.0.0.1\"; };\n",
		  "t.conf:2:", "unknown setting 'adress'" },
		{ "outside = { address = \"203.0.113.1\"; };\n",
		  "t.conf:", "missing group 'inside" },
		{ "inside = { address = \"10.0.0.1\"; prefix = 40; };\n",
		  "t.conf:1:", "out of range" },
		{ "pools = ( { id = 1; addresses = [\"203.0.113.9-203.0.113.1\"]; } );\n",
		  "t.conf:4:", "low first" },
		{ "pools = ( { id = 1; mode = \"blocks\"; addresses = [\"1.2.3.4\"]; } );\n",
		  "t.conf:4:", "mode 'blocks'" },
		{ "pools = ( { id = 1; mode = \"port-block\"; addresses = [\"1.2.3.4\"]; } );\n",
		  "t.conf:4:", "needs block_size" },
		{ "pools = ( { id = 1; addresses = [\"1.2.3.4\"]; },\n"
		  "          { id = 2; addresses = [\"1.2.3.0/24\"]; } );\n",
		  "t.conf:5:", "overlaps" },
		{ "pools = ( { id = 1; addresses = [\"1.2.3.4\"]; ports = \"0-10\"; } );\n",
		  "t.conf:4:", "ports '0-10'" },
		/* numbers are digits only: no sign, no space, nothing after */
		{ "pools = ( { id = 1; addresses = [\"1.2.3.4\"]; ports = \"+1024-2000\"; } );\n",
		  "t.conf:4:", "ports '+1024-2000'" },
		{ "pools = ( { id = 1; addresses = [\"1.2.3.4\"]; ports = \"1024- 2000\"; } );\n",
		  "t.conf:4:", "ports '1024- 2000'" },
		{ "rules = ( { id = 1; type = \"exclude\"; dst = \"10.0.0.0/+8\"; } );\n",
		  "t.conf:5:", "10.0.0.0/+8" },
		{ "nat_log = { ipfix_collector = \"192.0.2.1:+4739\"; };\n",
		  "t.conf:5:", "is not ADDRESS or ADDRESS:PORT" },
		{ "rules = ( { id = 1; type = \"forward\"; proto = \"tcp\"; to = \"10.0.0.2\"; } "
		  ");\n",
		  "t.conf:5:", "needs 'ports'" },
		{ "rules = ( { id = 1; type = \"teleport\"; } );\n", "t.conf:5:", "rule type" },
		{ "rules = ( { id = 1; type = \"exclude\"; dst = \"10.0.0.1/8\"; } );\n",
		  "t.conf:5:", "host bits" },
		{ "rules = ( { id = 1; type = \"exclude\"; dst = \"1.0.0.0/8\"; },\n"
		  "          { id = 1; type = \"exclude\"; dst = \"2.0.0.0/8\"; } );\n",
		  "t.conf:6:", "used twice" },
		{ "pcp = { min_lifetime = 900; max_lifetime = 60; };\n",
		  "t.conf:5:", "larger than" },
		{ "pcp = { port = 1080; };\n", "t.conf:", "is the PCP port" },
		{ "pcp = { enabled = \"yes\"; };\n", "t.conf:5:", "true or false" },
		{ "nat = { timeouts = { udp = 30; }; };\n",
		  "t.conf:5:", "'udp' = 30 is out of range" },
		{ "nat_log = { ipfix_collector = \"192.0.2.1:0\"; };\n",
		  "t.conf:5:", "ipfix_collector '192.0.2.1:0' is not ADDRESS or ADDRESS:PORT" },
		{ "nat_log = { ipfix_collector = \"collector\"; };\n",
		  "t.conf:5:", "is not ADDRESS or ADDRESS:PORT" },
		{ "nat_log = { sylog = true; };\n", "t.conf:5:", "unknown setting 'sylog'" },
		{ "nat_log = { ipfix_template_refresh = 0; };\n", "t.conf:5:", "out of range" },
		{ "control_group = \"rg-no-such-group-x\";\n",
		  "t.conf:5:", "control_group 'rg-no-such-group-x': no such group" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048], err[256] = "";
		const char *t = cases[i].text;
		if (strncmp(t, "inside", 6) == 0 || strncmp(t, "\ninside", 7) == 0 ||
		    strncmp(t, "outside", 7) == 0)
			snprintf(text, sizeof(text), "%s", t);
		else if (strncmp(t, "pools", 5) == 0)
			snprintf(text, sizeof(text), "%s%s\n%s", base_in, base_out, t);
		else
			snprintf(text, sizeof(text), "%s%s\n%s%s", base_in, base_out, pool, t);
		struct rgd_cfg c;
		int rc = rgd_config_parse(text, "t.conf", &c, err, sizeof(err));
		if (rc == 0 || strncmp(err, cases[i].where, strlen(cases[i].where)) != 0 ||
		    !strstr(err, cases[i].reason))
			fail_msg("case %u: got rc %d, '%s'; want '%s ... %s'", i, rc, err,
				 cases[i].where, cases[i].reason);
	}
}

/* inside.vlan / outside.vlan reach card_cfg.vlan[0] / [1]; none is 0
 * (untagged); 4095 (reserved) and negative ids are refused with the line. */
static void test_vlan(void **state)
{
	(void)state;
	static const char pool[] = "pools = ( { id = 1; addresses = [\"203.0.113.1\"]; } );\n";
	struct rgd_cfg c;
	char text[512], err[256] = "";
	snprintf(text, sizeof(text),
		 "inside = { address = \"10.0.0.1\"; vlan = 100; };\n"
		 "outside = { address = \"203.0.113.1\"; vlan = 200; };\n%s",
		 pool);
	assert_int_equal(rgd_config_parse(text, "v.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.card_cfg.vlan[0], 100);
	assert_int_equal(c.card_cfg.vlan[1], 200);

	snprintf(text, sizeof(text),
		 "inside = { address = \"10.0.0.1\"; };\n"
		 "outside = { address = \"203.0.113.1\"; vlan = 4094; };\n%s",
		 pool);
	assert_int_equal(rgd_config_parse(text, "v.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.card_cfg.vlan[0], 0); /* not given: untagged */
	assert_int_equal(c.card_cfg.vlan[1], RG_VLAN_VID_MAX);

	snprintf(text, sizeof(text),
		 "inside = { address = \"10.0.0.1\"; };\n"
		 "outside = { address = \"203.0.113.1\"; };\n%s",
		 pool);
	assert_int_equal(rgd_config_parse(text, "v.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.card_cfg.vlan[0], 0);
	assert_int_equal(c.card_cfg.vlan[1], 0);

	static const struct {
		const char *in, *out, *want;
	} bad[] = {
		{ "vlan = 4095;", "", "v.conf:1: 'vlan' = 4095 is out of range [0, 4094]" },
		{ "", "vlan = 4095;", "v.conf:2: 'vlan' = 4095 is out of range [0, 4094]" },
		{ "vlan = -1;", "", "v.conf:1: 'vlan' = -1 is out of range [0, 4094]" },
		{ "", "vlan = -1;", "v.conf:2: 'vlan' = -1 is out of range [0, 4094]" },
		{ "vlan = \"100\";", "", "v.conf:1: 'vlan' must be an integer" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "inside = { address = \"10.0.0.1\"; %s };\n"
			 "outside = { address = \"203.0.113.1\"; %s };\n%s",
			 bad[i].in, bad[i].out, pool);
		err[0] = 0;
		int rc = rgd_config_parse(text, "v.conf", &c, err, sizeof(err));
		if (rc == 0 || strcmp(err, bad[i].want) != 0)
			fail_msg("vlan case %u: got rc %d, '%s'; want '%s'", i, rc, err,
				 bad[i].want);
	}
}

/* An existing control group is taken (root's group exists everywhere). */
static void test_control_group_exists(void **state)
{
	(void)state;
	struct rgd_cfg c;
	char err[256] = "";
	const char *t = "control_group = \"root\";\n"
			"inside = { address = \"10.0.0.1\"; };\n"
			"outside = { address = \"203.0.113.1\"; };\n"
			"pools = ( { id = 1; addresses = [\"203.0.113.1\"]; } );\n";
	assert_int_equal(rgd_config_parse(t, "g.conf", &c, err, sizeof(err)), 0);
	assert_string_equal(c.control_group, "root");
}

static void test_load_from_file(void **state)
{
	(void)state;
	char path[64], err[256];
	snprintf(path, sizeof(path), "/tmp/rgd-cfg-%d.conf", getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(full, f);
	fputs("bogus = 1;\n", f);
	fclose(f);
	struct rgd_cfg c;
	assert_int_equal(rgd_config_load(path, &c, err, sizeof(err)), -1);
	char want[96];
	snprintf(want, sizeof(want), "%s:30: unknown setting 'bogus'", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_int_equal(rgd_config_load("/nonexistent/x.conf", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf:0: cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_minimal_file_defaults),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_control_group_exists),
		cmocka_unit_test(test_load_from_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
