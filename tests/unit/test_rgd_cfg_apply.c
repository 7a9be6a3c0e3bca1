/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration -> card as a difference: the first apply sends the global
 * configuration, pools, ranges, rules and the daemon's TO_HOST service
 * rules; a reload with one rule changed removes and adds exactly that rule
 * and keeps run-time rules; a refused rule is reported with its id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../host-tools/realmgated/cfg_apply.h"
#include "../lib/card_double.h"

static const char base[] =
	"inside = { address = \"10.0.0.1\"; };\n"
	"outside = { address = \"203.0.113.1\"; };\n"
	"pools = ( { id = 1; addresses = [\"203.0.113.1\", \"203.0.113.5-203.0.113.6\"]; } );\n";

static void parse(struct rgd_cfg *c, const char *rules)
{
	char text[2048], err[256];
	snprintf(text, sizeof(text), "%srules = ( %s );\n", base, rules);
	if (rgd_config_parse(text, "t.conf", c, err, sizeof(err)))
		fail_msg("%s", err);
}

static bool card_has_rule(const struct card_double *d, uint32_t id, uint16_t port)
{
	for (unsigned i = 0; i < d->n_rules; i++)
		if (d->rules[i].id == id)
			return port == 0 || __builtin_bswap16(d->rules[i].dport_lo) == port;
	return false;
}

static void test_first_apply_and_reload_difference(void **state)
{
	(void)state;
	static struct rgd_cfg a, b;
	static struct card_double d;
	card_double_init(&d, 0xcb007101);
	parse(&a,
	      "{ id = 1; type = \"forward\"; proto = \"tcp\"; ports = \"80\"; to = \"10.0.0.2\"; },"
	      "{ id = 2; type = \"exclude\"; dst = \"198.18.0.0/15\"; }");
	char err[256];
	struct rg_rule extra = {
		.id = 500, .kind = RG_RULE_DROP, .dst_addr = 0x01020304, .dst_plen = 32
	};
	assert_int_equal(rgd_cfg_apply(&d.card, &a, NULL, &extra, 1, err, sizeof(err)), 0);
	assert_int_equal(card_double_calls(&d, RG_OP_SET_CONFIG), 1);
	assert_int_equal(card_double_calls(&d, RG_OP_POOL_SET), 1);
	assert_int_equal(card_double_calls(&d, RG_OP_POOL_ADD_RANGE), 2);
	/* the two file rules, the run-time rule, PCP and DPM service rules */
	assert_int_equal(d.n_rules, 5);
	assert_true(card_has_rule(&d, RGD_RULE_ID_SERVICE + 1, 5351));
	assert_true(card_has_rule(&d, RGD_RULE_ID_SERVICE + 2, 1080));
	assert_true(card_has_rule(&d, 500, 0));

	/* reload: rule 1 moves to port 8080, rule 2 unchanged */
	parse(&b, "{ id = 1; type = \"forward\"; proto = \"tcp\"; ports = \"8080\"; to = "
		  "\"10.0.0.2\"; },"
		  "{ id = 2; type = \"exclude\"; dst = \"198.18.0.0/15\"; }");
	unsigned adds = card_double_calls(&d, RG_OP_RULE_ADD),
		 dels = card_double_calls(&d, RG_OP_RULE_DEL);
	assert_int_equal(rgd_cfg_apply(&d.card, &b, &a, &extra, 1, err, sizeof(err)), 0);
	assert_int_equal(card_double_calls(&d, RG_OP_RULE_ADD) - adds, 1);
	assert_int_equal(card_double_calls(&d, RG_OP_RULE_DEL) - dels, 1);
	assert_true(card_has_rule(&d, 1, 8080));
	assert_true(card_has_rule(&d, 500, 0));
	assert_int_equal(d.n_rules, 5);

	/* a rule dropped from the file goes; without the run-time rule it goes too */
	parse(&a, "{ id = 1; type = \"forward\"; proto = \"tcp\"; ports = \"8080\"; to = "
		  "\"10.0.0.2\"; }");
	assert_int_equal(rgd_cfg_apply(&d.card, &a, &b, NULL, 0, err, sizeof(err)), 0);
	assert_false(card_has_rule(&d, 2, 0));
	assert_false(card_has_rule(&d, 500, 0));
}

static void test_refusal_is_reported(void **state)
{
	(void)state;
	static struct rgd_cfg a;
	static struct card_double d;
	card_double_init(&d, 0xcb007101);
	parse(&a, "{ id = 9; type = \"exclude\"; dst = \"198.18.0.0/15\"; }");
	card_double_fail(&d, RG_OP_RULE_ADD, RG_ST_NO_RESOURCES, 1);
	char err[256];
	assert_int_equal(rgd_cfg_apply(&d.card, &a, NULL, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rule 9"));
	assert_non_null(strstr(err, "exhausted"));
	card_double_fail(&d, RG_OP_SET_CONFIG, RG_ST_INVALID, 1);
	assert_int_equal(rgd_cfg_apply(&d.card, &a, NULL, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "global configuration"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_apply_and_reload_difference),
		cmocka_unit_test(test_refusal_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
