/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl's card configuration file (host-tools/realmctl/cardconf.c,
 * docs/lab.md "Configuration file"): every statement into its mailbox
 * fields, merging over the card's configuration, and every mistake reported
 * as FILE:LINE with the word at fault, before anything reaches the card;
 * and the command line's numbers (parse_uint).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../host-tools/realmctl/cardconf.h"
#include "../../host-tools/realmctl/parse.h"

static struct cardconf cc;
static char err[256];

static int load(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	err[0] = 0;
	int rc = cardconf_read(&cc, f, "t.conf", err, sizeof(err));
	fclose(f);
	return rc;
}

static uint32_t a(const char *s)
{
	struct in_addr x;
	assert_int_equal(inet_pton(AF_INET, s, &x), 1);
	return x.s_addr;
}

static void test_every_statement(void **state)
{
	(void)state;
	assert_int_equal(load("# the lab's card\n"
			      "inside 10.0.0.1/24\n"
			      "outside 203.0.113.1/24   # trailing comment\n"
			      "inside-gateway 10.0.0.254\n"
			      "outside-gateway\t203.0.113.254\r\n"
			      "inside-vlan 10\n"
			      "outside-vlan 0\n"
			      "hairpin on\n"
			      "mtu inside 1400\n"
			      "mtu outside 9000\n"
			      "timeout udp 600\n"
			      "timeout tcp-established 7440\n"
			      "timeout tcp-transitory 240\n"
			      "timeout icmp 604800\n"
			      "timeout syn-hold 6\n"
			      "timeout fragment 1\n"
			      "timeout port-holddown 600\n"
			      "unreachable-on-quota on\n"
			      "syn-unreachable off\n"
			      "inbound-refresh on\n"
			      "log-destinations off\n"
			      "mss-clamp 1360\n"
			      "quota sessions 4294967295\n"
			      "quota ports 65536\n"
			      "\n"
			      "pool 1 203.0.113.1-203.0.113.4 ports 2000-3000 mapping apdm "
			      "filtering adf serves 10.0.0.0/24\n"
			      "pool 1 203.0.113.9\n"
			      "pool 2 198.51.100.1\n"
			      "pool 3 198.51.100.9 mode port-block block 512\n"
			      "pool 4 198.51.100.10 ports 2000-2999 block 100 mode deterministic\n"
			      "mapping udp 10.0.0.2:5000\n"
			      "mapping tcp 10.0.0.3:80 203.0.113.1:8080\n"
			      "rule 7 forward proto tcp dst 203.0.113.1/32 dport 8080-8089 to "
			      "10.0.0.3:80 src 198.51.100.0/24\n"
			      "rule 8 to-host proto udp dst 10.0.0.1/32 dport 5351\n"
			      "rule 9 exclude dst 192.0.2.0/24\n"
			      "rule 4294967295 dstnat proto 17 dst 192.0.2.53/32 to 10.0.0.53\n"),
			 0);
	const struct rg_config *c = &cc.cfg;
	assert_int_equal(c->inside_addr, a("10.0.0.1"));
	assert_int_equal(c->inside_plen, 24);
	assert_int_equal(c->outside_addr, a("203.0.113.1"));
	assert_int_equal(c->inside_gw, a("10.0.0.254"));
	assert_int_equal(c->outside_gw, a("203.0.113.254"));
	assert_int_equal(c->vlan[RG_PORT_INSIDE], 10);
	assert_int_equal(c->vlan[RG_PORT_OUTSIDE], 0);
	assert_true(c->flags & RG_CFG_HAIRPIN);
	assert_int_equal(c->mtu[RG_PORT_INSIDE], 1400);
	assert_int_equal(c->mtu[RG_PORT_OUTSIDE], 9000);
	assert_int_equal(c->udp_timeout_s, 600);
	assert_int_equal(c->tcp_est_timeout_s, 7440);
	assert_int_equal(c->tcp_trans_timeout_s, 240);
	assert_int_equal(c->icmp_timeout_s, 604800);
	assert_int_equal(c->syn_hold_s, 6);
	assert_int_equal(c->frag_timeout_s, 1);
	assert_int_equal(c->port_holddown_s, 600);
	assert_int_equal(c->flags,
			 RG_CFG_HAIRPIN | RG_CFG_UNREACH_ON_QUOTA | RG_CFG_INBOUND_REFRESH);
	assert_int_equal(cc.flags_set, RG_CFG_HAIRPIN | RG_CFG_UNREACH_ON_QUOTA |
					       RG_CFG_SYN_UNREACH | RG_CFG_INBOUND_REFRESH |
					       RG_CFG_LOG_DEST);
	assert_int_equal(c->mss_clamp, 1360);
	assert_int_equal(c->max_sessions_per_sub, 4294967295u);
	assert_int_equal(c->max_ports_per_sub, 65536);
	assert_int_equal(cc.set, 0x7ffefu); /* every field but the on/off ones (flags_set) */

	assert_int_equal(cc.n_pools, 4);
	assert_int_equal(cc.pools[2].mode, RG_POOL_PORT_BLOCK);
	assert_int_equal(cc.pools[2].block_size, 512);
	assert_int_equal(cc.pools[3].mode, RG_POOL_DETERMINISTIC);
	assert_int_equal(cc.pools[3].block_size, 100);
	assert_int_equal(cc.pools[3].port_lo, 2000);
	const struct rg_pool *p = &cc.pools[0];
	assert_int_equal(p->id, 1);
	assert_int_equal(p->port_lo, 2000);
	assert_int_equal(p->port_hi, 3000);
	assert_int_equal(p->mapping, RG_MAP_APDM);
	assert_int_equal(p->filtering[0], RG_FILTER_ADF);
	assert_int_equal(p->filtering[2], RG_FILTER_ADF);
	assert_int_equal(p->sub_addr, a("10.0.0.0"));
	assert_int_equal(p->sub_plen, 24);
	assert_int_equal(p->mode, RG_POOL_DYNAMIC);
	assert_int_equal(p->block_size, 0);
	/* the second pool keeps the defaults */
	assert_int_equal(cc.pools[1].mapping, RG_MAP_EIM);
	assert_int_equal(cc.pools[1].port_lo, 1024);
	assert_int_equal(cc.pools[1].port_hi, 65535);
	assert_true(cc.pools[1].flags & RG_POOLF_PAIRED);
	/* one range per pool line, the repeated line adding to pool 1 */
	assert_int_equal(cc.n_ranges, 5);
	assert_int_equal(cc.ranges[0].lo, a("203.0.113.1"));
	assert_int_equal(cc.ranges[0].hi, a("203.0.113.4"));
	assert_int_equal(cc.ranges[1].id, 1);
	assert_int_equal(cc.ranges[1].lo, cc.ranges[1].hi);
	assert_int_equal(cc.ranges[2].id, 2);

	assert_int_equal(cc.n_maps, 2);
	assert_int_equal(cc.maps[0].proto, 17);
	assert_int_equal(cc.maps[0].owner, RG_OWNER_STATIC);
	assert_int_equal(cc.maps[0].out_port, 0);
	assert_int_equal(cc.maps[1].proto, 6);
	assert_int_equal(cc.maps[1].out_addr, a("203.0.113.1"));

	assert_int_equal(cc.n_rules, 4);
	const struct rg_rule *r = &cc.rules[0];
	assert_int_equal(r->id, 7);
	assert_int_equal(r->kind, RG_RULE_FORWARD);
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->dst_addr, a("203.0.113.1"));
	assert_int_equal(r->dst_plen, 32);
	assert_int_equal(r->src_addr, a("198.51.100.0"));
	assert_int_equal(r->src_plen, 24);
	assert_int_equal(ntohs(r->dport_lo), 8080);
	assert_int_equal(ntohs(r->dport_hi), 8089);
	assert_int_equal(r->to_addr, a("10.0.0.3"));
	assert_int_equal(ntohs(r->to_port), 80);
	r = &cc.rules[1];
	assert_int_equal(r->kind, RG_RULE_TO_HOST);
	assert_int_equal(ntohs(r->dport_lo), 5351);
	assert_int_equal(ntohs(r->dport_hi), 5351);
	assert_int_equal(cc.rules[2].kind, RG_RULE_EXCLUDE);
	assert_int_equal(cc.rules[2].proto, 0);
	assert_int_equal(cc.rules[2].dport_hi, 0);
	r = &cc.rules[3];
	assert_int_equal(r->id, 4294967295u);
	assert_int_equal(r->kind, RG_RULE_DSTNAT);
	assert_int_equal(r->proto, 17);
	assert_int_equal(r->to_addr, a("10.0.0.53"));
	assert_int_equal(r->to_port, 0);
}

/* Only what the file names replaces the card's configuration. */
static void test_merge(void **state)
{
	(void)state;
	assert_int_equal(load("hairpin off\ntimeout udp 900\noutside-vlan 7\n"), 0);
	struct rg_config card = { 0 };
	card.flags = RG_CFG_HAIRPIN | RG_CFG_LOG_DEST;
	card.udp_timeout_s = 300;
	card.icmp_timeout_s = 60;
	card.inside_addr = a("10.9.9.9");
	card.vlan[RG_PORT_INSIDE] = 3;
	cardconf_merge(&cc, &card);
	assert_int_equal(card.flags, RG_CFG_LOG_DEST);
	assert_int_equal(card.udp_timeout_s, 900);
	assert_int_equal(card.icmp_timeout_s, 60);
	assert_int_equal(card.inside_addr, a("10.9.9.9"));
	assert_int_equal(card.vlan[RG_PORT_INSIDE], 3);
	assert_int_equal(card.vlan[RG_PORT_OUTSIDE], 7);

	/* each on/off statement replaces its own bit only; "off" and 0 are
	 * values, not "unnamed" */
	assert_int_equal(load("log-destinations off\nsyn-unreachable on\nmss-clamp off\n"
			      "quota ports 0\ntimeout syn-hold 30\n"),
			 0);
	card.flags = RG_CFG_HAIRPIN | RG_CFG_LOG_DEST;
	card.mss_clamp = 1400;
	card.max_ports_per_sub = 100;
	card.max_sessions_per_sub = 200;
	card.syn_hold_s = 6;
	card.port_holddown_s = 120;
	cardconf_merge(&cc, &card);
	assert_int_equal(card.flags, RG_CFG_HAIRPIN | RG_CFG_SYN_UNREACH);
	assert_int_equal(card.mss_clamp, 0);
	assert_int_equal(card.max_ports_per_sub, 0);
	assert_int_equal(card.max_sessions_per_sub, 200);
	assert_int_equal(card.syn_hold_s, 30);
	assert_int_equal(card.port_holddown_s, 120);
}

static void test_mistakes_named(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "frob 1\n", "t.conf:1: frob: unknown statement 'frob'" },
		{ "# ok\n\ninside 10.0.0.1\n",
		  "t.conf:3: inside: takes ADDRESS/PREFIXLEN, not '10.0.0.1'" },
		{ "inside 10.0.0.1/24 x\n", "t.conf:1: inside: takes one ADDRESS/PREFIXLEN" },
		{ "outside 203.0.113.1/33\n", "'203.0.113.1/33'" },
		{ "outside-gateway 1.2.3\n",
		  "t.conf:1: outside-gateway: takes an IPv4 address, not '1.2.3'" },
		{ "inside-vlan 4095\n", "'4095'" },
		{ "inside-vlan -1\n", "'-1'" },
		{ "outside-vlan\n", "takes one VLAN id" },
		{ "hairpin yes\n", "t.conf:1: hairpin: takes on or off" },
		{ "inbound-refresh\n", "inbound-refresh: takes on or off" },
		{ "log-destinations on off\n", "log-destinations: takes on or off" },
		{ "mss-clamp 0\n", "usage: mss-clamp 1..9000|off" },
		{ "mss-clamp 9001\n", "usage: mss-clamp" },
		{ "mss-clamp\n", "usage: mss-clamp" },
		{ "quota ports 65537\n", "usage: quota sessions" },
		{ "quota sessions 4294967296\n", "usage: quota sessions" },
		{ "quota mappings 1\n", "usage: quota sessions" },
		{ "quota sessions\n", "usage: quota sessions" },
		{ "timeout syn-hold 5\n",
		  "syn-hold is 6..604800 seconds (RFC 5382 REQ-4), not '5'" },
		{ "timeout fragment 0\n", "fragment is 1..604800 seconds, not '0'" },
		{ "timeout port-holddown 119\n", "(RFC 6888 REQ-8), not '119'" },
		{ "mtu inside 575\n", "mtu inside|outside 576..9000" },
		{ "mtu both 1500\n", "mtu inside|outside" },
		{ "timeout udp 119\n", "udp is 120..604800 seconds (RFC 4787 REQ-5), not '119'" },
		{ "timeout udp 0\n", "'0'" },
		{ "timeout udp 604801\n", "'604801'" },
		{ "timeout tcp-established 7439\n", "'7439'" },
		{ "timeout tcp-transitory 239\n", "'239'" },
		{ "timeout icmp 59\n", "'59'" },
		{ "timeout icmp 4294967296\n", "'4294967296'" },
		{ "timeout sctp 300\n", "unknown timeout 'sctp'" },
		{ "timeout udp\n", "usage: timeout" },
		{ "pool 1\n", "usage: pool ID" },
		{ "pool 256 1.2.3.4\n", "pool id is 0..255, not '256'" },
		{ "pool x 1.2.3.4\n", "'x'" },
		{ "pool 1 1.2.3.9-1.2.3.4\n", "bad address range '1.2.3.9-1.2.3.4'" },
		{ "pool 1 1.2.3.4 ports\n", "missing value after 'ports'" },
		{ "pool 1 1.2.3.4 ports 0-100\n", "'0-100'" },
		{ "pool 1 1.2.3.4 ports 200-100\n", "'200-100'" },
		{ "pool 1 1.2.3.4 ports 100-200x\n", "'100-200x'" },
		{ "pool 1 1.2.3.4 ports 100-70000\n", "'100-70000'" },
		{ "pool 1 1.2.3.4 ports 100\n", "'100'" },
		{ "pool 1 1.2.3.4 ports +100-200\n", "'+100-200'" },
		{ "pool 1 1.2.3.4 ports 100-+200\n", "'100-+200'" },
		{ "pool +1 1.2.3.4\n", "'+1'" },
		{ "inside 10.0.0.1/+24\n", "'10.0.0.1/+24'" },
		{ "mtu inside +1400\n", "mtu inside|outside" },
		{ "pool 1 1.2.3.4 mapping eif\n", "mapping is eim, adm or apdm, not 'eif'" },
		{ "pool 1 1.2.3.4 filtering eim\n", "'eim'" },
		{ "pool 1 1.2.3.4 serves 10.0.0.0\n", "serves takes PREFIX/LEN, not '10.0.0.0'" },
		{ "pool 1 1.2.3.4 colour red\n", "unknown pool option 'colour'" },
		{ "pool 1 1.2.3.4 mode blocky\n",
		  "mode is dynamic, port-block or deterministic, not 'blocky'" },
		{ "pool 1 1.2.3.4 mode port-block\n",
		  "pool: port-block and deterministic pools need block N" },
		{ "pool 1 1.2.3.4 ports 1024-1087 mode deterministic block 65\n",
		  "need block N, at most" },
		{ "pool 1 1.2.3.4 block 0\n", "block is 1..65535 ports, not '0'" },
		{ "mapping icmp 10.0.0.2:1\n", "mapping protocol is tcp or udp, not 'icmp'" },
		{ "mapping udp 10.0.0.2\n", "inside endpoint is ADDR:PORT, not '10.0.0.2'" },
		{ "mapping udp 10.0.0.2:0\n", "'10.0.0.2:0'" },
		{ "mapping udp 10.0.0.2:1 1.2.3.4\n",
		  "outside endpoint is ADDR:PORT, not '1.2.3.4'" },
		{ "mapping udp\n", "usage: mapping" },
		{ "rule 1\n", "t.conf:1: rule: usage: ID forward|dstnat" },
		{ "rule x forward\n", "rule id is 0..4294967295, not 'x'" },
		{ "rule 1 sideways\n",
		  "rule kind is forward, dstnat, exclude, to-host or drop, not 'sideways'" },
		{ "rule 1 forward dport 80x\n",
		  "dport is PORT or LO-HI within 1-65535, not '80x'" },
		{ "rule 1 forward dport 90-80\n", "'90-80'" },
		{ "rule 1 forward dport 0\n", "'0'" },
		{ "rule 1 forward dport 80-+90\n", "'80-+90'" },
		{ "rule 1 forward proto sctpx\n",
		  "proto is tcp, udp, icmp or a number 0..255, not" },
		{ "rule 1 forward src 10.0.0.0\n", "src is PREFIX/LEN, not '10.0.0.0'" },
		{ "rule 1 forward dst 10.0.0.0/33\n", "dst is PREFIX/LEN, not" },
		{ "rule 1 forward to 10.0.0.300\n", "to is ADDR or ADDR:PORT, not '10.0.0.300'" },
		{ "rule 1 forward to\n", "missing value after 'to'" },
		{ "rule 1 forward colour red\n", "unknown rule option 'colour'" },
		{ "rule 1 drop\nrule 1 exclude dst 1.2.3.0/24\n",
		  "t.conf:2: rule: a rule with this id is already in the file: '1'" },
		{ "hairpin on\nhairpin on on\n", "t.conf:2:" },
		{ "pool 1 1.2.3.4 a b c d e f g h i j k l m n o p q r s t u v w x y\n",
		  "t.conf:1: too many words" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (load(bad[i].text) != -1 || !strstr(err, bad[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].msg);
	}
}

static void test_limits(void **state)
{
	(void)state;
	static char text[64 * 1024];
	size_t n = 0;
	/* 8 pools fit, a 9th does not */
	for (int i = 0; i < CARDCONF_POOLS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "pool %d 1.2.3.%d\n", i, i);
	assert_int_equal(load(text), 0);
	snprintf(text + n, sizeof(text) - n, "pool 99 1.2.3.99\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "t.conf:9: pool: too many pools"));

	n = 0;
	for (int i = 0; i < CARDCONF_RANGES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "pool 1 1.2.4.%d\n", i);
	assert_int_equal(load(text), 0);
	snprintf(text + n, sizeof(text) - n, "pool 1 1.2.5.1\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "too many address ranges"));

	n = 0;
	for (int i = 0; i < CARDCONF_MAPS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "mapping udp 10.0.0.2:%d\n",
				      1000 + i);
	assert_int_equal(load(text), 0);
	snprintf(text + n, sizeof(text) - n, "mapping udp 10.0.0.2:9999\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "too many mappings"));

	n = 0;
	for (int i = 0; i < CARDCONF_RULES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "rule %d drop src 10.9.%d.0/24\n",
				      i, i);
	assert_int_equal(load(text), 0);
	snprintf(text + n, sizeof(text) - n, "rule 999 drop\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "t.conf:65: rule: too many rules"));
}

static void test_lines(void **state)
{
	(void)state;
	static char text[2048];
	/* 510 characters and the newline: the longest line */
	memset(text, ' ', 510);
	memcpy(text, "hairpin on", 10);
	text[510] = '\n';
	text[511] = 0;
	assert_int_equal(load(text), 0);
	memset(text, ' ', 511);
	memcpy(text, "hairpin on", 10);
	snprintf(text + 511, sizeof(text) - 511, "\nhairpin off\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "t.conf:1: line too long"));

	/* a NUL byte in a line */
	static const char nul[] = "hairpin on\nhair\0pin on\nmtu inside 1400\n";
	FILE *f = fmemopen((void *)nul, sizeof(nul) - 1, "r");
	assert_int_equal(cardconf_read(&cc, f, "t.conf", err, sizeof(err)), -1);
	fclose(f);
	assert_non_null(strstr(err, "t.conf:2: NUL byte"));

	/* the last line may lack its newline; an empty file is no statement */
	assert_int_equal(load("hairpin on"), 0);
	assert_int_equal(cc.set, 0);
	assert_int_equal(cc.flags_set, RG_CFG_HAIRPIN);
	assert_int_equal(load(""), 0);
	assert_int_equal(cc.set, 0);
	assert_int_equal(cc.n_pools, 0);
}

/* The tools' numbers (parse_num.h): digits only, within the range given. */
static void test_parse_uint(void **state)
{
	(void)state;
	unsigned long v = 7;
	assert_int_equal(rg_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(rg_parse_uint("4294967295", 1, 4294967295ul, &v), 0);
	assert_int_equal(v, 4294967295ul);
	static const char *const bad[] = { "",	   "-1", "+1",
					   " 1",   "1 ", "1x",
					   "0x10", "11", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		if (rg_parse_uint(bad[i], 1, 10, &v) != -1 || v != 7)
			fail_msg("'%s' taken as %lu", bad[i], v);
	}
	/* ranges: N or N-M, both numbers as above, in order, within bounds */
	unsigned long lo = 7, hi = 7;
	assert_int_equal(rg_parse_range("80", 1, 65535, &lo, &hi), 0);
	assert_true(lo == 80 && hi == 80);
	assert_int_equal(rg_parse_range("1024-65535", 1, 65535, &lo, &hi), 0);
	assert_true(lo == 1024 && hi == 65535);
	assert_int_equal(rg_parse_range("5-5", 5, 5, &lo, &hi), 0);
	static const char *const bad_ranges[] = { "",	     "-",
						  "80-",     "-80",
						  "90-80",   "80--90",
						  "80-+90",  "+80-90",
						  "80-90x",  "80 -90",
						  "0-10",    "65536",
						  "1-65536", "123456789012345678901234567-1" };
	for (size_t i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
		lo = hi = 7;
		if (rg_parse_range(bad_ranges[i], 1, 65535, &lo, &hi) != -1 || lo != 7 || hi != 7)
			fail_msg("'%s' taken as %lu-%lu", bad_ranges[i], lo, hi);
	}
}

static void test_missing_file(void **state)
{
	(void)state;
	assert_int_equal(cardconf_load(&cc, "/nonexistent/lab.conf", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/lab.conf: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_statement), cmocka_unit_test(test_merge),
		cmocka_unit_test(test_mistakes_named),	cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lines),		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
