/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generated Verilog include ($RG_GEN/rg_contract.vh, default
 * build/gen/rg_contract.vh) says exactly what the C headers say: every value
 * of tools/contract-values.h appears once with the header's value, nothing
 * else is defined, and a few values are checked against the layout diagrams
 * by hand so a wrong table cannot hide behind its own generator.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/contract-values.h"

struct vh_define {
	char name[96];
	uint64_t value;
};

static struct vh_define defs[1024];
static size_t n_defs;

static int load_vh(void **state)
{
	(void)state;
	const char *dir = getenv("RG_GEN");
	char path[512];
	snprintf(path, sizeof(path), "%s/rg_contract.vh", dir ? dir : "build/gen");
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (set RG_GEN)\n", path);
		return -1;
	}
	char line[256];
	n_defs = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[96], val[64];
		if (sscanf(line, "`define %95s %63s", name, val) != 2)
			continue;
		if (n_defs == sizeof(defs) / sizeof(defs[0]))
			break;
		struct vh_define *d = &defs[n_defs++];
		snprintf(d->name, sizeof(d->name), "%s", name);
		const char *hex = strstr(val, "'h");
		d->value = hex ? strtoull(hex + 2, NULL, 16) : strtoull(val, NULL, 10);
	}
	fclose(f);
	return 0;
}

static const struct vh_define *find(const char *name)
{
	for (size_t i = 0; i < n_defs; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

static void upper(const char *in, char *out, size_t cap)
{
	size_t i;
	for (i = 0; in[i] && i + 1 < cap; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = 0;
}

static void test_every_value_matches_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < RG_CONTRACT_VALUE_COUNT; i++) {
		char name[96];
		upper(rg_contract_values[i].name, name, sizeof(name));
		const struct vh_define *d = find(name);
		if (!d)
			fail_msg("%s missing from rg_contract.vh", name);
		if (d->value != rg_contract_values[i].value)
			fail_msg("%s is %llu in the .vh but %llu in the header", name,
				 (unsigned long long)d->value,
				 (unsigned long long)rg_contract_values[i].value);
	}
	/* exactly one define per value (the include guard has no value and is
	 * not counted), no strays */
	assert_int_equal(n_defs, RG_CONTRACT_VALUE_COUNT);
}

static void test_values_agree_with_diagrams(void **state)
{
	(void)state;
	const struct {
		const char *name;
		uint64_t value;
	} hand[] = {
		{ "RG_SESSION_BYTES", 64 },	 { "RG_SESS_IN_ADDR_OFF", 4 },
		{ "RG_SESS_REM_XPORT_OFF", 26 }, { "RG_SESS_CSUM_L4_OFF", 30 },
		{ "RG_SESS_TUN_ADDR_OFF", 36 },	 { "RG_SESS_LAST_SEEN_OFF", 44 },
		{ "RG_SESS_BYTES_O2I_OFF", 60 }, { "RG_KEY_SIDE_OFF", 13 },
		{ "RG_ADJ_VLAN_TCI_OFF", 14 },	 { "RG_FP_WIN_IN", 128 },
		{ "RG_SLOT_VALID_BIT", 63 },	 { "RG_FP_BASE", 0x1000 },
		{ "RG_FP_TABLE_DATA", 0x40 },	 { "RG_PUNT_MISS", 1 },
	};
	for (size_t i = 0; i < sizeof(hand) / sizeof(hand[0]); i++) {
		const struct vh_define *d = find(hand[i].name);
		assert_non_null(d);
		assert_int_equal(d->value, hand[i].value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_value_matches_header),
		cmocka_unit_test(test_values_agree_with_diagrams),
	};
	return cmocka_run_group_tests(tests, load_vh, NULL);
}
