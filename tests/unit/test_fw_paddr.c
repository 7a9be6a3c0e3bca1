/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fw_paddr_find, which every new flow asks about its remote address (is it
 * one of the card's pool addresses?), answers from the ends of the sorted
 * address list before searching it. Checked against the definition over
 * non-contiguous pools in two pools, added out of order and partly deleted:
 * every pool address is found (the lowest and the highest too), and
 * addresses just outside each range, in the gaps, below and above all of
 * them are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/slowpath/fw_internal.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static void add_pool(struct fwenv *e, uint8_t id, uint32_t sub, uint8_t sub_plen)
{
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = id;
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(sub);
	p.sub_plen = sub_plen;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
}

static void add_range(struct fwenv *e, uint8_t id, uint32_t lo, uint32_t hi)
{
	struct rg_pool_range r = { .id = id, .lo = rg_be32_field(lo), .hi = rg_be32_field(hi) };
	assert_int_equal(rg_fw_pool_add_range(e->fw, &r), RG_ST_OK);
}

/* Is a one of the card's pool addresses, by looking at every slot? */
static int is_pool_addr(const struct rg_fw *fw, uint32_t a)
{
	for (uint32_t i = 0; i < fw->paddr_used; i++)
		if (fw->paddr[fw->paddr_sorted[i]].addr == a)
			return 1;
	return 0;
}

static void check_all(const struct rg_fw *fw, const uint32_t *probe, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t got = fw_paddr_find(fw, probe[i]);
		if (is_pool_addr(fw, probe[i])) {
			assert_int_not_equal(got, FW_NONE);
			assert_int_equal(fw->paddr[got].addr, probe[i]);
		} else {
			assert_int_equal(got, FW_NONE);
		}
	}
}

static void test_find_equals_definition(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.pool_addrs = 64;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	/* nothing configured: nothing is a pool address */
	assert_int_equal(fw_paddr_find(e->fw, PKT_IPV4(198, 51, 100, 10)), FW_NONE);
	add_pool(e, 1, PKT_IPV4(10, 0, 0, 0), 16);
	add_pool(e, 2, PKT_IPV4(10, 1, 0, 0), 16);
	/* out of address order, with gaps, one pool's ranges between the
	 * other's */
	add_range(e, 1, PKT_IPV4(198, 51, 100, 40), PKT_IPV4(198, 51, 100, 47));
	add_range(e, 2, PKT_IPV4(198, 51, 100, 20), PKT_IPV4(198, 51, 100, 21));
	add_range(e, 1, PKT_IPV4(198, 51, 100, 1), PKT_IPV4(198, 51, 100, 3));
	add_range(e, 2, PKT_IPV4(203, 0, 113, 200), PKT_IPV4(203, 0, 113, 200));
	uint32_t probe[600];
	unsigned n = 0;
	for (uint32_t a = PKT_IPV4(198, 51, 99, 250); a <= PKT_IPV4(198, 51, 100, 60); a++)
		probe[n++] = a;
	for (uint32_t a = PKT_IPV4(203, 0, 113, 190); a <= PKT_IPV4(203, 0, 113, 210); a++)
		probe[n++] = a;
	probe[n++] = 0;
	probe[n++] = 0xffffffffu;
	probe[n++] = PKT_IPV4(192, 0, 2, 1);
	check_all(e->fw, probe, n);
	assert_int_equal(e->fw->paddr_used, 8 + 2 + 3 + 1);
	assert_int_not_equal(fw_paddr_find(e->fw, PKT_IPV4(198, 51, 100, 1)), FW_NONE);
	assert_int_not_equal(fw_paddr_find(e->fw, PKT_IPV4(203, 0, 113, 200)), FW_NONE);
	/* the pool holding the highest address goes: the new highest is
	 * 198.51.100.47 */
	assert_int_equal(rg_fw_pool_del(e->fw, 2), RG_ST_OK);
	check_all(e->fw, probe, n);
	assert_int_equal(fw_paddr_find(e->fw, PKT_IPV4(203, 0, 113, 200)), FW_NONE);
	assert_int_not_equal(fw_paddr_find(e->fw, PKT_IPV4(198, 51, 100, 47)), FW_NONE);
	fwenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_equals_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
