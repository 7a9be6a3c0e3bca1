/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Persistence: leases written to SQLite survive the daemon (a new mapper on
 * the same file restores them), expired ones are dropped at restore, a card
 * that lost its mappings gets them back on the same outside endpoints, and
 * mappings the card holds without a lease (an interrupted request) are
 * removed. The database runs in WAL mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../lib/rgd_fixture.h"

static char db[64];

static int setup(void **state)
{
	(void)state;
	snprintf(db, sizeof(db), "/tmp/rgd-store-%d.db", getpid());
	unlink(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[80];
	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	return 0;
}

static void populate(struct fx *f)
{
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 3600), r;
	q.n_filters = 1;
	q.filters[0].plen = 128;
	pcp_addr_from_v4(&q.filters[0].addr, FX_REMOTE);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	q = fx_peer(FX_HOST_B, 6, 5000, FX_REMOTE, 80, 3600);
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
	q = fx_map(FX_HOST_B, 6, 22, 120); /* will have expired */
	assert_int_equal(fx_send(f, &q, FX_HOST_B, &r), PCP_SUCCESS);
}

static void test_wal_mode(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	fx_free(f);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void test_restore_with_card_keeping_state(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	populate(f);
	struct card_double card = f->cd; /* the card lives on */
	uint16_t port = card_double_find(&card, 17, FX_HOST_A, 4000)->out_port;
	uint64_t t = f->now;
	fx_free(f); /* the daemon dies */

	f = fx_new_with(fx_config, db);
	f->cd = card;
	f->cd.card.ctx = &f->cd;
	f->cd.n_calls = 0;
	f->now = t + 600;
	unsigned moved;
	assert_int_equal(rgd_mapper_restore(&f->m, &moved), 0);
	assert_int_equal(moved, 0);
	assert_int_equal(f->m.leases.count, 2);
	assert_int_equal(f->m.stats.expired, 1);
	assert_null(card_double_find(&f->cd, 6, FX_HOST_B, 22));
	/* nothing re-installed: the card still had them, as one page of its
	 * mapping listing said (no question per lease) */
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_ADD), 0);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_LIST), 1);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_GET), 0);
	/* the restored lease keeps its nonce and filters: a renewal works */
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 3600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	assert_int_equal(r.ext_port, port);
	struct rgd_lease_key k = { .proto = 17, .in_addr = FX_HOST_A, .in_port = 4000 };
	assert_int_equal(rgd_leases_find(&f->m.leases, &k)->n_filters, 1);
	fx_free(f);
}

/* A card whose mapping listing fails at start is asked about each lease
 * instead; what it holds is kept as it is. */
static void test_restore_when_the_listing_fails(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	populate(f);
	struct card_double card = f->cd;
	uint64_t t = f->now;
	fx_free(f);
	f = fx_new_with(fx_config, db);
	f->cd = card;
	f->cd.card.ctx = &f->cd;
	f->cd.n_calls = 0;
	f->now = t + 600;
	card_double_fail(&f->cd, RG_OP_MAP_LIST, RG_ST_IO, 1);
	unsigned moved;
	assert_int_equal(rgd_mapper_restore(&f->m, &moved), 0);
	assert_int_equal(moved, 0);
	assert_int_equal(f->m.leases.count, 2);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_GET), 2);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_ADD), 0);
	fx_free(f);
}

static void test_restore_onto_a_reset_card(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	populate(f);
	uint16_t a = card_double_find(&f->cd, 17, FX_HOST_A, 4000)->out_port;
	uint16_t b = card_double_find(&f->cd, 6, FX_HOST_B, 5000)->out_port;
	uint64_t t = f->now;
	fx_free(f);

	f = fx_new_with(fx_config, db); /* fresh card: everything gone */
	f->now = t + 10;
	unsigned moved;
	assert_int_equal(rgd_mapper_restore(&f->m, &moved), 0);
	assert_int_equal(moved, 0);
	assert_int_equal(f->m.leases.count, 3);
	const struct cd_map *cm = card_double_find(&f->cd, 17, FX_HOST_A, 4000);
	assert_non_null(cm);
	assert_int_equal(cm->out_port, a);
	assert_int_equal(cm->n_filters, 1);
	cm = card_double_find(&f->cd, 6, FX_HOST_B, 5000);
	assert_int_equal(cm->out_port, b);
	assert_int_equal(cm->n_peers, 1);
	fx_free(f);
}

static void test_orphans_are_removed(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	populate(f);
	/* a mapping made on the card whose lease never got stored */
	struct rg_map_req req = { .proto = 17,
				  .in_addr = __builtin_bswap32(FX_HOST_A),
				  .in_port = __builtin_bswap16(9999),
				  .owner = RG_OWNER_PCP };
	struct rg_map_rsp rsp;
	f->cd.card.ops->map_add(f->cd.card.ctx, &req, &rsp);
	/* and one the host's traffic made, which is not ours to remove */
	req.in_port = __builtin_bswap16(9998);
	req.owner = RG_OWNER_DYNAMIC;
	f->cd.card.ops->map_add(f->cd.card.ctx, &req, &rsp);
	/* and many more of the first kind, as a lost database leaves (more
	 * than one page of the card's listing, more than the 64 that were
	 * removed at most before) */
	req.owner = RG_OWNER_PCP;
	for (unsigned i = 0; i < 150; i++) {
		req.in_port = __builtin_bswap16((uint16_t)(10000 + i));
		assert_int_equal(f->cd.card.ops->map_add(f->cd.card.ctx, &req, &rsp), RG_ST_OK);
	}
	struct card_double card = f->cd;
	fx_free(f);
	f = fx_new_with(fx_config, db);
	f->cd = card;
	f->cd.card.ctx = &f->cd;
	f->cd.n_calls = 0;
	unsigned moved;
	assert_int_equal(rgd_mapper_restore(&f->m, &moved), 0);
	/* the listing's pages of 64, no question per lease */
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_LIST), 3);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_MAP_GET), 0);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 9999));
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_A, 9998));
	assert_non_null(card_double_find(&f->cd, 17, FX_HOST_A, 4000));
	for (unsigned i = 0; i < 150; i++)
		assert_null(card_double_find(&f->cd, 17, FX_HOST_A, (uint16_t)(10000 + i)));
	fx_free(f);
}

static void test_outside_address_change_moves_leases(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	populate(f);
	/* the operator renumbers the outside */
	f->cd.out_addr = 0xcb007109;
	struct rgd_pool_cfg *p = &f->cfg.pools[0];
	p->ranges[0].lo = p->ranges[0].hi = __builtin_bswap32(0xcb007109);
	unsigned moved = rgd_mapper_revalidate(&f->m);
	assert_int_equal(moved, 3);
	for (struct rgd_lease *l = f->m.leases.head; l; l = l->next)
		assert_int_equal(l->out_addr, 0xcb007109);
	uint8_t buf[PCP_MAX_LEN];
	struct pcp_msg r;
	size_t n = rgd_pcp_unsolicited(&f->p, f->m.leases.head, buf);
	assert_int_equal(pcp_decode_response(buf, n, &r), PCP_SUCCESS);
	assert_int_equal(pcp_addr_to_v4(&r.ext_addr), 0xcb007109);
	fx_free(f);
}

static void test_store_failure_undoes_card_mapping(void **state)
{
	(void)state;
	struct fx *f = fx_new_with(fx_config, db);
	/* make the database read-only under the daemon's feet */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	struct pcp_msg q = fx_map(FX_HOST_A, 17, 4000, 3600), r;
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_NETWORK_FAILURE);
	assert_null(card_double_find(&f->cd, 17, FX_HOST_A, 4000));
	assert_int_equal(f->m.leases.count, 0);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	assert_int_equal(fx_send(f, &q, FX_HOST_A, &r), PCP_SUCCESS);
	fx_free(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_wal_mode),
		T(test_restore_with_card_keeping_state),
		T(test_restore_onto_a_reset_card),
		T(test_orphans_are_removed),
		T(test_restore_when_the_listing_fails),
		T(test_outside_address_change_moves_leases),
		T(test_store_failure_undoes_card_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
