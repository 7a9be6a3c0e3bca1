/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card-side session filter (RG_OP_SESSION_LIST with struct
 * rg_session_filter, mailbox.h): each field narrows the listing to the
 * sessions that carry it, pages of a filtered listing cover the table, and
 * a page stops after RG_SESSION_SCAN_MAX sessions so that one command never
 * walks a whole large table; and the deletion that names the session it
 * expects (struct rg_session_del_req).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fw.h"
#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H[2][6] = { { 0x02, 0, 0, 0, 0x01, 0x01 }, { 0x02, 0, 0, 0, 0x01, 0x02 } };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define R2 PKT_IPV4(192, 0, 2, 8)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

/* Every session the filter selects, page by page (pages of `page` records). */
static uint32_t list_all(struct rg_fw *fw, const struct rg_session_filter *f, uint32_t page,
			 struct rg_session_rec *out, uint32_t cap)
{
	uint32_t n = 0, cursor = 0, next;
	do {
		assert_true(n + page <= cap);
		n += rg_fw_session_list_filter(fw, cursor, f, out + n, page, &next);
		assert_true(!next || next > cursor); /* every page makes progress */
		cursor = next;
	} while (cursor);
	return n;
}

static struct rg_session_filter filter(uint8_t match)
{
	struct rg_session_filter f;
	memset(&f, 0, sizeof(f));
	f.match = match;
	return f;
}

static void test_each_field_narrows_the_listing(void **state)
{
	struct fwenv *e = *state;
	/* 2 inside hosts x 2 remotes x 5 ports of UDP, and one ICMP echo each */
	unsigned made = 0;
	for (unsigned h = 0; h < 2; h++) {
		for (unsigned r = 0; r < 2; r++)
			for (unsigned p = 0; p < 5; p++) {
				struct pkt_spec s = fwenv_pkt_in(h ? H2 : H1, MAC_H[h], r ? R2 : R1,
								 17, (uint16_t)(4000 + p), 53);
				made += fwenv_out_of(e, &s) != NULL;
			}
		struct pkt_spec s = fwenv_pkt_in(h ? H2 : H1, MAC_H[h], R1, 1, 77, 0);
		made += fwenv_out_of(e, &s) != NULL;
	}
	assert_int_equal(made, 22);

	struct rg_session_rec all[32], got[32];
	uint32_t n_all = list_all(e->fw, NULL, 32, all, 32);
	assert_int_equal(n_all, 22);

	struct rg_session_filter f = filter(RG_SF_IN_ADDR);
	f.in_addr = rg_be32_field(H2);
	uint32_t n = list_all(e->fw, &f, 3, got, 32);
	assert_int_equal(n, 11);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(rg_be32_val(got[i].in_addr), H2);

	f = filter(RG_SF_PROTO);
	f.proto = 1;
	n = list_all(e->fw, &f, 1, got, 32);
	assert_int_equal(n, 2);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(got[i].proto, 1);

	f = filter(RG_SF_IN_ADDR | RG_SF_IN_PORT | RG_SF_REM_ADDR);
	f.in_addr = rg_be32_field(H1);
	f.in_port = rg_be16_field(4003);
	f.rem_addr = rg_be32_field(R2);
	n = list_all(e->fw, &f, 4, got, 32);
	assert_int_equal(n, 1);
	assert_int_equal(rg_be16_val(got[0].in_port), 4003);
	assert_int_equal(rg_be32_val(got[0].rem_addr), R2);

	/* "who had this outside address and port": exactly the sessions of
	 * that mapping (EIM: both remotes of H1:4003) */
	f = filter(RG_SF_OUT_ADDR | RG_SF_OUT_PORT | RG_SF_PROTO);
	f.proto = 17;
	f.out_addr = got[0].out_addr;
	f.out_port = got[0].out_port;
	n = list_all(e->fw, &f, 2, got, 32);
	assert_int_equal(n, 2);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(rg_be32_val(got[i].in_addr), H1);
		assert_int_equal(rg_be16_val(got[i].in_port), 4003);
	}

	f = filter(RG_SF_REM_PORT);
	f.rem_port = rg_be16_field(53);
	assert_int_equal(list_all(e->fw, &f, 5, got, 32), 20);
	f.rem_port = rg_be16_field(54);
	assert_int_equal(list_all(e->fw, &f, 5, got, 32), 0);

	/* no field selected: everything, in the unfiltered listing's order */
	f = filter(0);
	n = list_all(e->fw, &f, 7, got, 32);
	assert_int_equal(n, n_all);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(got[i].index, all[i].index);
}

/* A deletion with the session it expects removes exactly that session;
 * once another session has taken the index, the same request finds none. */
static void test_delete_only_what_was_listed(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s1 = fwenv_pkt_in(H1, MAC_H[0], R1, 17, 4000, 53);
	struct pkt_spec s2 = fwenv_pkt_in(H2, MAC_H[1], R1, 17, 4000, 53);
	assert_non_null(fwenv_out_of(e, &s1));
	assert_non_null(fwenv_out_of(e, &s2));
	struct rg_session_rec rec[4];
	uint32_t next;
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec, 4, &next), 2);
	struct rg_session_filter was = filter(RG_SF_ALL);
	was.proto = rec[0].proto;
	was.in_addr = rec[0].in_addr;
	was.in_port = rec[0].in_port;
	was.out_addr = rec[0].out_addr;
	was.out_port = rec[0].out_port;
	was.rem_addr = rec[0].rem_addr;
	was.rem_port = rec[0].rem_port;
	struct rg_session_filter other = was;
	other.rem_port = rg_be16_field(54);
	assert_int_equal(rg_fw_session_del_if(e->fw, rec[0].index, &other), RG_ST_NOT_FOUND);
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec + 2, 2, &next), 2);
	assert_int_equal(rg_fw_session_del_if(e->fw, rec[0].index, &was), RG_ST_OK);
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec + 2, 2, &next), 1);
	assert_int_equal(rec[2].index, rec[1].index);

	/* a new flow of H1 takes the freed index: the old request leaves it */
	struct pkt_spec s3 = fwenv_pkt_in(H1, MAC_H[0], R2, 17, 4001, 53);
	assert_non_null(fwenv_out_of(e, &s3));
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec + 2, 2, &next), 2);
	assert_int_equal(rec[2].index, rec[0].index);
	assert_int_equal(rg_fw_session_del_if(e->fw, rec[0].index, &was), RG_ST_NOT_FOUND);
	assert_int_equal(rg_fw_session_list(e->fw, 0, rec + 2, 2, &next), 2);
	assert_int_equal(rg_fw_session_del_if(e->fw, e->dev.sessions + 1, &was), RG_ST_INVALID);
}

/* A filter that matches one session of more than RG_SESSION_SCAN_MAX: the
 * first page ends empty where the scan stopped, the next one finds it. */
static void test_a_page_examines_a_bounded_number_of_sessions(void **state)
{
	(void)state;
	const uint32_t want = RG_SESSION_SCAN_MAX + 500;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.buckets_log2 = 15;
	o.sessions = 1u << 17;
	o.params.mappings = want + 16;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_APDF);
	uint32_t made = 0;
	for (uint32_t i = 0; i < want; i++) {
		/* 60000 inside ports, then the same ports toward another remote */
		struct pkt_spec s = fwenv_pkt_in(H1, MAC_H[0], i < 60000 ? R1 : R2, 17,
						 (uint16_t)(1024 + i % 60000), 53);
		fwenv_send(e, 0, &s);
		fwenv_clear(e);
		made = (uint32_t)fwenv_counter(e, "sessions-active");
		if (made != i + 1)
			break;
	}
	assert_int_equal(made, want);

	struct rg_session_rec rec[8];
	uint32_t next;
	/* the last session made: it sits beyond the first RG_SESSION_SCAN_MAX */
	struct rg_session_filter f = filter(RG_SF_REM_ADDR | RG_SF_IN_PORT);
	f.rem_addr = rg_be32_field(R2);
	f.in_port = rg_be16_field((uint16_t)(1024 + (want - 1) % 60000));
	uint32_t n = rg_fw_session_list_filter(e->fw, 0, &f, rec, 8, &next);
	assert_int_equal(n, 0);
	assert_int_equal(next, RG_SESSION_SCAN_MAX);
	n = rg_fw_session_list_filter(e->fw, next, &f, rec, 8, &next);
	assert_int_equal(n, 1);
	assert_int_equal(next, 0);
	assert_int_equal(rec[0].index, want - 1);

	/* unfiltered pages are bounded by their size only */
	static struct rg_session_rec big[RG_SESSION_SCAN_MAX + 100];
	n = rg_fw_session_list(e->fw, 0, big, RG_SESSION_SCAN_MAX + 100, &next);
	assert_int_equal(n, RG_SESSION_SCAN_MAX + 100);
	fwenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_field_narrows_the_listing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete_only_what_was_listed, setup, teardown),
		cmocka_unit_test(test_a_page_examines_a_bounded_number_of_sessions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
