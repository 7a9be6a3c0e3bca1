/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mailbox end to end inside one process: the driver (driver/, simulator
 * backend) on one side of a real shared memory object, the card's mailbox
 * service (firmware/mbox/) on the other, stepped by the driver's idle hook.
 * The firmware behind the service is a stand-in (fake_fw.c).
 *
 * Covers: the reconfigure handshake, command/completion rings wrapping
 * many times, full-ring back-pressure, malformed commands and descriptors,
 * ring faults, timeouts of a stalled card, card reset (asked for and behind
 * the driver's back), events with masks and loss, the host-port queue pair,
 * paged listings, interrupts and the doorbell wake-up of a sleeping card.
 *
 * Built twice: with the soft fast path behind the card (test_mbox) and with
 * the Verilated RTL pipeline (tests/rtl/test_rtl_mbox.c defines
 * RG_TEST_MBOX_RTL), so the card's BAR0 reads the fast path block of either.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../driver/dev_internal.h"
#include "../../firmware/fastpath/fp.h"
#include "../../host-tools/nicsim/simbus.h"
#include "fake_fw.h"
#include "realmgate/counters.h"
#ifdef RG_TEST_MBOX_RTL
#include "../../rtl-model/sim/fpdev_rtl.h"
#define FASTPATH_KIND RG_FASTPATH_RTL
#define FASTPATH_NAME "rtl"
#else
#define FASTPATH_KIND RG_FASTPATH_SOFT
#define FASTPATH_NAME "soft"
#endif

struct card {
	struct rg_simbus sb;
	struct rg_fw fw;
	struct rg_fp fp;
	void *fpmem;
	struct rg_rtl *rtl;
	struct rg_fpdev fpdev;
	struct rg_mbox mb;
	uint32_t now;
	int frozen;
	unsigned from_host_n;
	uint32_t from_host_len;
	uint8_t from_host[2048];
	struct rg_dev *dev;
	char spec[64];
};

static void from_host(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct card *c = ctx;
	c->from_host_n++;
	c->from_host_len = len;
	memcpy(c->from_host, frame, len < sizeof(c->from_host) ? len : sizeof(c->from_host));
}

/* One step of the card's management loop. */
static void card_step(void *ctx)
{
	struct card *c = ctx;
	if (c->frozen)
		return;
	c->now++;
	if (rg_mbox_poll(&c->mb, c->now) == RG_MBOX_RESET_REQUESTED) {
		fake_fw_init(&c->fw);
		rg_mbox_reset_done(&c->mb, &c->fw);
	}
}

static int open_dev(struct card *c, struct rg_dev **out)
{
	struct rg_dev_opts o = { .timeout_ms = 300,
				 .lock_timeout_ms = 100,
				 .cmd_log2 = 2,
				 .evt_log2 = 2,
				 .hp_log2 = 2,
				 .hostport = 1,
				 .idle = card_step,
				 .idle_ctx = c };
	char err[256];
	int rc = rg_dev_open(c->spec, &o, out, err, sizeof(err));
	if (rc)
		fprintf(stderr, "# open: %s\n", err);
	return rc;
}

static int setup(void **state)
{
	struct card *c = calloc(1, sizeof(*c));
	char err[256], name[32];
	snprintf(name, sizeof(name), "utest-mbox-%d", (int)getpid());
	snprintf(c->spec, sizeof(c->spec), "sim:%s", name);
	if (rg_simbus_create(&c->sb, name, err, sizeof(err))) {
		fprintf(stderr, "# %s\n", err);
		return -1;
	}
#ifdef RG_TEST_MBOX_RTL
	c->rtl = rg_rtl_create();
	if (!c->rtl || rg_fpdev_rtl_open(&c->fpdev, c->rtl))
		return -1;
#else
	struct rg_fp_geometry g = { .buckets_log2 = 4, .sessions = 64, .adjacencies = 8 };
	size_t len = rg_fp_mem_size(&g);
	c->fpmem = aligned_alloc(64, (len + 63) & ~(size_t)63);
	if (!c->fpmem || rg_fp_init(&c->fp, &g, c->fpmem, len))
		return -1;
	rg_fpdev_soft(&c->fpdev, &c->fp);
#endif
	fake_fw_init(&c->fw);
	struct rg_mbox_bus bus;
	rg_simbus_mbox_bus(&c->sb, &bus, from_host, c);
	struct rg_mbox_identity id = { .fw_version = 0x000100, .build_date = 20260101 };
	rg_mbox_init(&c->mb, &bus, &c->fw, &c->fpdev, &id);
	rg_simbus_publish(&c->sb, FASTPATH_KIND);
	if (open_dev(c, &c->dev))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct card *c = *state;
	c->frozen = 0;
	rg_dev_close(c->dev);
	rg_simbus_destroy(&c->sb);
#ifdef RG_TEST_MBOX_RTL
	rg_fpdev_rtl_close(&c->fpdev);
	rg_rtl_destroy(c->rtl);
#endif
	free(c->fpmem);
	free(c);
	return 0;
}

static enum rg_status cmd(struct card *c, uint16_t op, const void *req, uint16_t len, void *rsp,
			  uint16_t cap)
{
	return rg_dev_cmd(c->dev, op, req, len, rsp, cap, NULL, NULL, 0, NULL);
}

static struct rg_map_req map_req(uint8_t proto, uint32_t in_addr_be, uint16_t port)
{
	struct rg_map_req r = { .proto = proto, .in_addr = in_addr_be };
	r.in_port = (uint16_t)((port >> 8) | (port << 8));
	r.owner = RG_OWNER_CLI;
	return r;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_info_and_id_block(void **state)
{
	struct card *c = *state;
	struct rg_info info;
	uint16_t n = 0;
	assert_int_equal(
		rg_dev_cmd(c->dev, RG_OP_INFO, NULL, 0, &info, sizeof(info), &n, NULL, 0, NULL),
		RG_ST_OK);
	assert_int_equal(n, sizeof(info));
	assert_int_equal(info.contract_version, RG_CONTRACT_VERSION);
	assert_int_equal(info.fastpath, FASTPATH_KIND);
	assert_int_equal(info.serial, 4242);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_ID_BASE + RG_RB_TYPE), RG_RB_TYPE_ID);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_ID_BASE + RG_ID_FASTPATH), FASTPATH_KIND);
	uint32_t sessions = c->fpdev.sessions;
	assert_true(sessions >= 64);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_ID_BASE + RG_ID_SESSIONS), sessions);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_FP_BASE + RG_FP_SESSIONS), sessions);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_FP_BASE + RG_FP_BUCKETS_LOG2),
			 c->fpdev.buckets_log2);
	assert_true(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_STATUS) & RG_STATUS_READY);
}

static void test_rings_wrap(void **state)
{
	struct card *c = *state;
	/* 4-entry rings: 100 commands wrap them 25 times, flipping the
	 * phase each lap */
	for (unsigned i = 0; i < 100; i++) {
		struct rg_map_req r = map_req(17, 0x0200000au, (uint16_t)(1000 + i % 8));
		struct rg_map_rsp rsp;
		if (i % 8 < 4) {
			enum rg_status st = cmd(c, RG_OP_MAP_ADD, &r, sizeof(r), &rsp, sizeof(rsp));
			assert_true(st == RG_ST_OK || st == RG_ST_EXISTS);
		} else {
			struct rg_info info;
			assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)),
					 RG_ST_OK);
		}
	}
	assert_int_equal(c->fw.n_maps, 4);
	assert_true(c->dev->ring[RG_RING_CMD].prod >= 100);
}

static void test_full_ring_backpressure(void **state)
{
	struct card *c = *state;
	struct rg_cmd k = { .opcode = RG_OP_NOP };
	c->frozen = 1;
	for (unsigned i = 0; i < 4; i++) {
		k.tag = (uint16_t)(100 + i);
		assert_int_equal(rg_dev_submit(c->dev, &k), RG_ST_OK);
	}
	k.tag = 104;
	assert_int_equal(rg_dev_submit(c->dev, &k), RG_ST_BUSY);
	assert_int_equal(rg_dev_outstanding(c->dev), 4);
	c->frozen = 0;
	struct rg_cpl cpl;
	unsigned got = 0;
	for (unsigned i = 0; i < 100 && got < 4; i++) {
		card_step(c);
		while (rg_dev_reap(c->dev, &cpl)) {
			assert_int_equal(cpl.tag, 100 + got);
			assert_int_equal(cpl.status, RG_ST_OK);
			got++;
		}
	}
	assert_int_equal(got, 4);
	assert_int_equal(rg_dev_submit(c->dev, &k), RG_ST_OK);
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
}

static void test_malformed_commands(void **state)
{
	struct card *c = *state;
	struct rg_map_req r = map_req(6, 0x0200000au, 8080);
	struct rg_map_rsp rsp;
	assert_int_equal(cmd(c, RG_OP_MAP_ADD, &r, sizeof(r), &rsp, sizeof(rsp)), RG_ST_OK);
	uint64_t errors_before = rg_mbox_counter(&c->mb, RG_FWC_CMD_ERROR);

	assert_int_equal(cmd(c, 0x7777, NULL, 0, NULL, 0), RG_ST_UNKNOWN_OP);
	uint8_t junk[RG_CMD_PAYLOAD];
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(cmd(c, RG_OP_INFO, junk, 3, NULL, 0), RG_ST_BAD_LENGTH);
	assert_int_equal(cmd(c, RG_OP_SET_CONFIG, junk, 10, NULL, 0), RG_ST_BAD_LENGTH);
	assert_int_equal(cmd(c, RG_OP_MAP_DEL, junk, 17, NULL, 0), RG_ST_BAD_LENGTH);
	/* a mapping request naming more filters than it carries */
	struct rg_map_req bad = map_req(6, 0x0300000au, 80);
	bad.n_filters = 3;
	assert_int_equal(
		cmd(c, RG_OP_MAP_ADD, &bad, offsetof(struct rg_map_req, filters) + 8, NULL, 0),
		RG_ST_BAD_LENGTH);
	bad.n_filters = 200;
	assert_int_equal(cmd(c, RG_OP_MAP_ADD, &bad, sizeof(bad), NULL, 0), RG_ST_BAD_LENGTH);
	/* garbage payload of the right length: the firmware's validation */
	assert_int_equal(cmd(c, RG_OP_MAP_ADD, junk, sizeof(struct rg_map_req), NULL, 0),
			 RG_ST_BAD_LENGTH);
	struct rg_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(cmd(c, RG_OP_SET_CONFIG, &cfg, sizeof(cfg), NULL, 0), RG_ST_INVALID);
	uint32_t mask = 0xffffffffu;
	assert_int_equal(cmd(c, RG_OP_EVENT_MASK, &mask, 4, NULL, 0), RG_ST_INVALID);

	/* listings need a result buffer the card may write */
	struct rg_page_req pg = { 0, 10 };
	assert_int_equal(cmd(c, RG_OP_SESSION_LIST, &pg, sizeof(pg), NULL, 0), RG_ST_INVALID);
	struct rg_cmd k = { .opcode = RG_OP_SESSION_LIST, .tag = 0x4242, .len = sizeof(pg) };
	memcpy(k.payload, &pg, sizeof(pg));
	k.buf_addr = 0x1000; /* not host memory */
	k.buf_len = 4096;
	assert_int_equal(rg_dev_submit(c->dev, &k), RG_ST_OK);
	struct rg_cpl cpl;
	int got = 0;
	for (unsigned i = 0; i < 50 && !got; i++) {
		card_step(c);
		got = rg_dev_reap(c->dev, &cpl);
	}
	assert_true(got);
	assert_int_equal(cpl.tag, 0x4242);
	assert_int_equal(cpl.status, RG_ST_IO);
	k.buf_addr = RG_SIM_DMA_BASE + RG_SIM_DMA_SIZE - 100; /* runs off the end */
	k.tag = 0x4243;
	assert_int_equal(rg_dev_submit(c->dev, &k), RG_ST_OK);
	for (got = 0; !got;) {
		card_step(c);
		got = rg_dev_reap(c->dev, &cpl);
	}
	assert_int_equal(cpl.status, RG_ST_IO);

	/* nothing above disturbed the existing mapping, the card still serves */
	assert_int_equal(c->fw.n_maps, 1);
	struct rg_map_id id = { .proto = 6, .in_addr = r.in_addr, .in_port = r.in_port };
	struct rg_map_rec rec;
	assert_int_equal(cmd(c, RG_OP_MAP_GET, &id, sizeof(id), &rec, sizeof(rec)), RG_ST_OK);
	assert_int_equal(rec.out_port, r.in_port);
	assert_int_equal(rg_mbox_counter(&c->mb, RG_FWC_CMD_ERROR), errors_before + 12);
}

/* A filter after the page request reaches the firmware as sent; other
 * lengths and filters with unknown bits are refused without a listing. */
static void test_filtered_session_listing(void **state)
{
	struct card *c = *state;
	c->fw.n_sessions = 300;
	struct rg_session_rec recs[64];
	struct rg_session_list_req q;
	memset(&q, 0, sizeof(q));
	q.filter.match = RG_SF_PROTO | RG_SF_OUT_PORT;
	q.filter.proto = 17;
	q.filter.out_port = 257;
	struct rg_page_rsp rsp = { 0, 0 };
	uint32_t used = 0;
	assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &q, sizeof(q), &rsp, sizeof(rsp),
				    NULL, recs, sizeof(recs), &used),
			 RG_ST_OK);
	assert_true(c->fw.filtered);
	assert_memory_equal(&c->fw.last_filter, &q.filter, sizeof(q.filter));
	/* the fake lists what the contract's match selects */
	assert_int_equal(rsp.count, 1);
	assert_int_equal(used, sizeof(recs[0]));
	assert_int_equal(recs[0].index, 257);
	assert_int_equal(rsp.next, 0);

	/* the page part alone: no filter */
	assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &q.page, sizeof(q.page), &rsp,
				    sizeof(rsp), NULL, recs, sizeof(recs), &used),
			 RG_ST_OK);
	assert_false(c->fw.filtered);
	assert_int_equal(rsp.count, 64);

	uint64_t errors = rg_mbox_counter(&c->mb, RG_FWC_CMD_ERROR);
	for (uint16_t len = sizeof(q.page) + 1; len < sizeof(q); len++)
		assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &q, len, &rsp, sizeof(rsp),
					    NULL, recs, sizeof(recs), &used),
				 RG_ST_BAD_LENGTH);
	q.filter.match = 0x80;
	assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &q, sizeof(q), &rsp, sizeof(rsp),
				    NULL, recs, sizeof(recs), &used),
			 RG_ST_INVALID);
	q.filter.match = RG_SF_PROTO;
	q.filter.rsvd2 = 1;
	assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &q, sizeof(q), &rsp, sizeof(rsp),
				    NULL, recs, sizeof(recs), &used),
			 RG_ST_INVALID);
	assert_int_equal(rg_mbox_counter(&c->mb, RG_FWC_CMD_ERROR),
			 errors + sizeof(q) - sizeof(q.page) - 1 + 2);
}

/* A deletion names an index, or an index and the session it must still be
 * (the fake's session i has out_port i). */
static void test_session_delete_with_expectation(void **state)
{
	struct card *c = *state;
	c->fw.n_sessions = 10;
	uint32_t idx = 7;
	assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &idx, sizeof(idx), NULL, 0), RG_ST_OK);
	struct rg_session_del_req q;
	memset(&q, 0, sizeof(q));
	q.index = 7;
	q.expect.match = RG_SF_OUT_PORT | RG_SF_PROTO;
	q.expect.proto = 17;
	q.expect.out_port = 7;
	assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &q, sizeof(q), NULL, 0), RG_ST_OK);
	q.expect.out_port = 8; /* another session took the index */
	assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &q, sizeof(q), NULL, 0), RG_ST_NOT_FOUND);
	q.expect.out_port = 7;
	q.rsvd = 1;
	assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &q, sizeof(q), NULL, 0), RG_ST_INVALID);
	q.rsvd = 0;
	q.expect.match = 0xff;
	assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &q, sizeof(q), NULL, 0), RG_ST_INVALID);
	for (uint16_t len = 5; len < sizeof(q); len++)
		assert_int_equal(cmd(c, RG_OP_SESSION_DEL, &q, len, NULL, 0), RG_ST_BAD_LENGTH);
}

static void test_paged_listing(void **state)
{
	struct card *c = *state;
	c->fw.n_sessions = 200;
	struct rg_session_rec recs[128];
	uint32_t cursor = 0, total = 0, pages = 0;
	do {
		struct rg_page_req pg = { cursor, 0 };
		struct rg_page_rsp rsp;
		uint32_t used = 0;
		assert_int_equal(rg_dev_cmd(c->dev, RG_OP_SESSION_LIST, &pg, sizeof(pg), &rsp,
					    sizeof(rsp), NULL, recs, sizeof(recs), &used),
				 RG_ST_OK);
		assert_int_equal(used, rsp.count * sizeof(recs[0]));
		for (uint32_t i = 0; i < rsp.count; i++)
			assert_int_equal(recs[i].index, total + i);
		total += rsp.count;
		cursor = rsp.next;
		pages++;
	} while (cursor && pages < 20);
	assert_int_equal(total, 200);
	assert_true(pages >= 3); /* 4 KiB of staging = 73 records per page */

	/* counters: both id ranges, with the mailbox's own */
	struct rg_counter_rec cr[256];
	struct rg_page_req pg = { 0, 256 };
	struct rg_page_rsp rsp;
	cursor = 0;
	unsigned seen_fp = 0, seen_fw = 0;
	int saw_cmd_ok = 0;
	do {
		pg.cursor = cursor;
		assert_int_equal(rg_dev_cmd(c->dev, RG_OP_COUNTERS, &pg, sizeof(pg), &rsp,
					    sizeof(rsp), NULL, cr, sizeof(cr), NULL),
				 RG_ST_OK);
		for (uint32_t i = 0; i < rsp.count; i++) {
			if (cr[i].id < RG_FPC_COUNT)
				seen_fp++;
			else if (cr[i].id >= RG_FWC_BASE && cr[i].id < RG_FWC_END)
				seen_fw++;
			else
				fail_msg("counter id %u out of range", cr[i].id);
			if (cr[i].id == RG_FWC_CMD_OK && cr[i].value > 0)
				saw_cmd_ok = 1;
			if (cr[i].id == 5)
				assert_int_equal(cr[i].value, 15);
		}
		cursor = rsp.next;
	} while (cursor);
	assert_int_equal(seen_fp, RG_FPC_COUNT);
	assert_int_equal(seen_fw, RG_FWC_COUNT);
	assert_true(saw_cmd_ok);
}

static void test_stalled_card_times_out(void **state)
{
	struct card *c = *state;
	c->frozen = 1;
	uint64_t t0 = rg_now_ms();
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_CARD_GONE);
	uint64_t took = rg_now_ms() - t0;
	assert_true(took >= 300 && took < 2000);
	assert_non_null(strstr(rg_dev_error(c->dev), "stopped answering"));
	/* the card comes back: the stale completion is skipped by its tag */
	c->frozen = 0;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);

	/* alive but with its rings switched off */
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_CONTROL, 0);
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_CARD_GONE);
	assert_non_null(strstr(rg_dev_error(c->dev), "not serving"));
}

static void test_ring_fault_and_recovery(void **state)
{
	struct card *c = *state;
	/* a doorbell beyond the ring: the card must not trust it */
	rg_dev_reg_write(c->dev, RG_RING_BASE(RG_RING_CMD) + RG_RING_DOORBELL, 1000);
	for (unsigned i = 0; i < 5; i++)
		card_step(c);
	uint32_t st = rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_STATUS);
	assert_true(st & RG_STATUS_ERROR);
	assert_int_equal(RG_STATUS_CODE(st), RG_ST_INVALID);
	assert_int_equal(c->mb.stats.ring_faults, 1);
	/* the driver's next command sees the fault, sets the rings up again */
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_IO);
	assert_non_null(strstr(rg_dev_error(c->dev), "ring fault"));
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
	assert_false(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_STATUS) & RG_STATUS_ERROR);
}

static void test_reconfigure_rejects_bad_rings(void **state)
{
	struct card *c = *state;
	uint32_t b = RG_RING_BASE(RG_RING_EVT);
	rg_dev_reg_write(c->dev, b + RG_RING_SIZE_LOG2, 20);
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, RG_RECONF_RINGS);
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 1);
	card_step(c);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ), 0);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT),
			 RG_ST_INVALID);
	/* ring memory outside host memory */
	rg_dev_reg_write(c->dev, b + RG_RING_SIZE_LOG2, 2);
	rg_dev_reg_write(c->dev, b + RG_RING_BASE_HI, 7);
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, RG_RECONF_RINGS);
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 1);
	card_step(c);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT), RG_ST_IO);
	/* unknown request bits */
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ, 0x80);
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_DB, 1);
	card_step(c);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT),
			 RG_ST_INVALID);
	/* a driver that opens now sets everything up properly again */
	rg_dev_close(c->dev);
	c->dev = NULL;
	assert_int_equal(open_dev(c, &c->dev), 0);
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
}

static void test_card_reset(void **state)
{
	struct card *c = *state;
	struct rg_map_req r = map_req(17, 0x0200000au, 5000);
	struct rg_map_rsp rsp;
	assert_int_equal(cmd(c, RG_OP_MAP_ADD, &r, sizeof(r), &rsp, sizeof(rsp)), RG_ST_OK);
	assert_int_equal(rg_dev_reset_card(c->dev), RG_ST_OK);
	assert_int_equal(rg_dev_reg_read(c->dev, RG_CTRL_BASE + RG_CTRL_RESET_COUNT), 1);
	assert_int_equal(c->fw.n_maps, 0);
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
	/* the first event after a reset says so, unasked */
	struct rg_evt e;
	int got = 0;
	for (unsigned i = 0; i < 10 && !got; i++) {
		card_step(c);
		got = rg_dev_event(c->dev, &e);
	}
	assert_true(got);
	assert_int_equal(e.type, RG_EVT_CARD_RESET);

	/* a reset behind the driver's back: the next command is lost and
	 * says why, the one after works */
	rg_dev_reg_write(c->dev, RG_CTRL_BASE + RG_CTRL_CONTROL, RG_CTRL_RESET);
	card_step(c);
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_CARD_GONE);
	assert_non_null(strstr(rg_dev_error(c->dev), "was reset"));
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
}

static struct rg_evt nat_event(uint16_t type, uint16_t port)
{
	struct rg_evt e = { .type = type, .len = sizeof(struct rg_evt_nat) };
	struct rg_evt_nat n = { .proto = 17, .in_port = port };
	memcpy(e.payload, &n, sizeof(n));
	return e;
}

static void test_events(void **state)
{
	struct card *c = *state;
	struct rg_evt e;
	/* not subscribed: nothing queued */
	struct rg_evt ev = nat_event(RG_EVT_SESSION_CREATE, 1);
	rg_mbox_event(&c->mb, &ev);
	card_step(c);
	assert_int_equal(rg_dev_event(c->dev, &e), 0);
	const uint32_t created = 1u << RG_EVT_SESSION_CREATE;
	const uint32_t deleted = 1u << RG_EVT_SESSION_DELETE;
	assert_int_equal(rg_mbox_event_room(&c->mb, created), UINT32_MAX); /* not taken */
	assert_int_equal(rg_dev_subscribe(c->dev, created), RG_ST_OK);
	assert_int_equal(rg_mbox_event_room(&c->mb, created), 4);
	assert_int_equal(rg_mbox_event_room(&c->mb, deleted), UINT32_MAX);
	ev = nat_event(RG_EVT_SESSION_DELETE, 2);
	rg_mbox_event(&c->mb, &ev); /* filtered */
	/* 10 events into a 4-entry ring nobody drains: 4 arrive, 6 are lost */
	for (uint16_t i = 0; i < 10; i++) {
		ev = nat_event(RG_EVT_SESSION_CREATE, (uint16_t)(100 + i));
		rg_mbox_event(&c->mb, &ev);
		if (i == 2)
			assert_int_equal(rg_mbox_event_room(&c->mb, created | deleted), 1);
	}
	assert_int_equal(rg_mbox_event_room(&c->mb, created), 0);
	uint32_t first_seq = 0;
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rg_dev_event(c->dev, &e), 1);
		assert_int_equal(e.type, RG_EVT_SESSION_CREATE);
		struct rg_evt_nat n;
		memcpy(&n, e.payload, sizeof(n));
		assert_int_equal(n.in_port, 100 + i);
		if (i == 0)
			first_seq = e.seq;
		assert_int_equal(e.seq, first_seq + i);
	}
	assert_int_equal(rg_dev_event(c->dev, &e), 0);
	/* the host read all four; the notice of the loss will take one */
	assert_int_equal(rg_mbox_event_room(&c->mb, created), 3);
	card_step(c); /* room again: the loss is reported */
	assert_int_equal(rg_dev_event(c->dev, &e), 1);
	assert_int_equal(e.type, RG_EVT_LOST);
	struct rg_evt_lost lost;
	memcpy(&lost, e.payload, sizeof(lost));
	assert_int_equal(lost.count, 6);
	assert_int_equal(e.seq, first_seq + 10); /* the gap shows as well */
	assert_int_equal(rg_mbox_counter(&c->mb, RG_FWC_EVENTS_LOST), 6);
	/* and events flow again, across more ring laps */
	for (uint16_t i = 0; i < 9; i++) {
		ev = nat_event(RG_EVT_SESSION_CREATE, (uint16_t)(200 + i));
		rg_mbox_event(&c->mb, &ev);
		assert_int_equal(rg_dev_event(c->dev, &e), 1);
		struct rg_evt_nat n;
		memcpy(&n, e.payload, sizeof(n));
		assert_int_equal(n.in_port, 200 + i);
	}
}

static void test_host_port(void **state)
{
	struct card *c = *state;
	uint8_t frame[1500], got[2048];
	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	/* host -> card, across several laps of the 4-entry HTX ring */
	for (unsigned i = 0; i < 10; i++) {
		frame[0] = (uint8_t)i;
		assert_int_equal(rg_dev_hp_send(c->dev, frame, 60 + i), RG_ST_OK);
		card_step(c);
		assert_int_equal(c->from_host_n, i + 1);
		assert_int_equal(c->from_host_len, 60 + i);
		assert_memory_equal(c->from_host, frame, 60 + i);
	}
	/* back-pressure: the card does not take frames while frozen */
	c->frozen = 1;
	unsigned sent = 0;
	while (rg_dev_hp_send(c->dev, frame, 100) == RG_ST_OK && sent < 10)
		sent++;
	assert_true(sent <= 4);
	c->frozen = 0;
	card_step(c);
	assert_int_equal(rg_dev_hp_send(c->dev, frame, 100), RG_ST_OK);
	assert_int_equal(rg_dev_hp_send(c->dev, frame, 5), RG_ST_INVALID);

	/* card -> host, more frames than buffers: the extra one is dropped
	 * and counted, the rest arrive in order */
	for (unsigned i = 0; i < 5; i++) {
		frame[0] = (uint8_t)(0x40 + i);
		int rc = rg_mbox_to_host(&c->mb, frame, 200);
		assert_int_equal(rc, i < 4 ? 0 : -1);
	}
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rg_dev_hp_recv(c->dev, got, sizeof(got)), 200);
		assert_int_equal(got[0], 0x40 + i);
	}
	assert_int_equal(rg_dev_hp_recv(c->dev, got, sizeof(got)), 0);
	assert_int_equal(c->mb.stats.hrx_no_buffer, 1);
	/* too big for a posted buffer: written back as an error */
	static uint8_t big[4000];
	assert_int_equal(rg_mbox_to_host(&c->mb, big, sizeof(big)), -1);
	assert_int_equal(rg_dev_hp_recv(c->dev, got, sizeof(got)), -1);
	assert_int_equal(rg_mbox_to_host(&c->mb, frame, 64), 0);
	assert_int_equal(rg_dev_hp_recv(c->dev, got, sizeof(got)), 64);
}

/* Interrupts waiting on the driver's fd: their vectors, in order. */
static unsigned irqs_pending(struct card *c, uint8_t *vec, unsigned max)
{
	unsigned n = 0;
	struct pollfd p = { .fd = rg_dev_irq_fd(c->dev), .events = POLLIN };
	while (n < max && poll(&p, 1, 0) == 1 && read(p.fd, &vec[n], 1) == 1)
		n++;
	return n;
}

static struct rg_cmd info_cmd(uint16_t tag)
{
	struct rg_cmd cmd = { .opcode = RG_OP_INFO, .tag = tag };
	return cmd;
}

/* regmap.h "Interrupts": an armed ring fires once when the card writes
 * beyond the host's index, an unarmed one never; an arm that comes after the
 * entry is reported by the arm call and still fires. */
static void test_interrupts(void **state)
{
	struct card *c = *state;
	struct rg_cpl cpl;
	uint8_t vec[8];
	assert_true(rg_dev_irq_fd(c->dev) >= 0);
	assert_int_equal(irqs_pending(c, vec, 8), 0);

	/* not armed: a completion raises nothing */
	struct rg_cmd cmd = info_cmd(0x100);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	card_step(c);
	assert_int_equal(irqs_pending(c, vec, 8), 0);
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);

	/* armed on CPL: one interrupt with the ring's vector, for two entries */
	assert_int_equal(rg_dev_irq_arm(c->dev, 1u << RG_RING_CPL), 0);
	cmd = info_cmd(0x101);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	cmd = info_cmd(0x102);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	card_step(c);
	assert_int_equal(irqs_pending(c, vec, 8), 1);
	assert_int_equal(vec[0], RG_RING_CPL);
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);
	assert_int_equal(c->mb.stats.irqs, 1);

	/* late arm: the completion is there before the arm; the arm says so
	 * (the host does not sleep) and the card fires on its next look */
	cmd = info_cmd(0x103);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	card_step(c);
	assert_int_equal(rg_dev_irq_arm(c->dev, 1u << RG_RING_CPL), 1);
	card_step(c);
	assert_int_equal(irqs_pending(c, vec, 8), 1);
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);

	/* armed on CPL only: an event does not fire; armed on EVT it does */
	assert_int_equal(rg_dev_subscribe(c->dev, 1u << RG_EVT_SESSION_CREATE), RG_ST_OK);
	assert_int_equal(rg_dev_irq_arm(c->dev, 1u << RG_RING_CPL), 0);
	struct rg_evt ev = nat_event(RG_EVT_SESSION_CREATE, 7), e;
	rg_mbox_event(&c->mb, &ev);
	card_step(c);
	assert_int_equal(irqs_pending(c, vec, 8), 0);
	assert_int_equal(rg_dev_event(c->dev, &e), 1);
	assert_int_equal(rg_dev_irq_arm(c->dev, 1u << RG_RING_EVT | 1u << RG_RING_HRX), 0);
	rg_mbox_event(&c->mb, &ev);
	assert_int_equal(irqs_pending(c, vec, 8), 1);
	assert_int_equal(vec[0], RG_RING_EVT);
	assert_int_equal(rg_dev_event(c->dev, &e), 1);

	/* a frame for the host on the armed HRX ring; the wait helper arms,
	 * finds it and returns without sleeping */
	uint8_t frame[64] = { 0 }, got[2048];
	assert_int_equal(rg_mbox_to_host(&c->mb, frame, sizeof(frame)), 0);
	assert_int_equal(irqs_pending(c, vec, 8), 1);
	assert_int_equal(vec[0], RG_RING_HRX);
	assert_int_equal(rg_dev_irq_wait(c->dev, 1u << RG_RING_HRX, 10000), 1);
	assert_int_equal(rg_dev_hp_recv(c->dev, got, sizeof(got)), 64);
	/* and with nothing coming, the wait times out */
	assert_int_equal(rg_dev_irq_wait(c->dev, 1u << RG_RING_HRX, 20), 0);
}

/* A sleeping card is woken by the host's next register write, once, and
 * finds the work the write announced. */
static void test_doorbell_wakes_sleeping_card(void **state)
{
	struct card *c = *state;
	struct pollfd p = { .fd = c->sb.doorbell_fd, .events = POLLIN };
	assert_int_equal(rg_mbox_has_work(&c->mb), 0);
	rg_simbus_sleeping(&c->sb);
	assert_int_equal(poll(&p, 1, 0), 0);
	struct rg_cmd cmd = info_cmd(0x200);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	assert_int_equal(poll(&p, 1, 0), 1); /* kicked */
	assert_int_equal(c->sb.hdr->card_sleeping, 0);
	assert_int_equal(rg_mbox_has_work(&c->mb), 1);
	rg_simbus_awake(&c->sb);
	assert_int_equal(poll(&p, 1, 0), 0); /* the kick is taken */
	/* an awake card is not kicked */
	cmd = info_cmd(0x201);
	assert_int_equal(rg_dev_submit(c->dev, &cmd), RG_ST_OK);
	assert_int_equal(poll(&p, 1, 0), 0);
	card_step(c);
	struct rg_cpl cpl;
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);
	assert_int_equal(rg_dev_reap(c->dev, &cpl), 1);
	assert_int_equal(rg_mbox_has_work(&c->mb), 0);
	/* a host that asks for an interrupt gives the card work too when the
	 * card owes it one, and none when it does not */
	assert_int_equal(rg_dev_irq_arm(c->dev, 1u << RG_RING_CPL), 0);
	assert_int_equal(rg_mbox_has_work(&c->mb), 0);
}

/* The host port as a TAP netdev: a frame from the card comes out of the
 * interface, a frame sent on the interface reaches the card. */
static void test_host_port_tap(void **state)
{
	struct card *c = *state;
	char name[IFNAMSIZ], err[256];
	snprintf(name, sizeof(name), "rgt%d", (int)getpid() % 100000);
	int tap = rg_tap_open(name, err, sizeof(err));
	if (tap < 0) {
		fprintf(stderr, "# %s\n", err);
		skip(); /* no /dev/net/tun or not allowed here */
	}
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	assert_true(s >= 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)if_nametoindex(name) };
	assert_int_equal(bind(s, (struct sockaddr *)&sll, sizeof(sll)), 0);
	struct timeval tv = { 0, 200000 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	/* card -> TAP: an experimental ethertype nothing else sends */
	uint8_t f[100], got[2048];
	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	f[6] = 0x02;
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + 14, "from the card", 13);
	card_step(c); /* the card sees ENABLE */
	assert_int_equal(rg_mbox_to_host(&c->mb, f, sizeof(f)), 0);
	/* (the kernel may send its own frames on a new interface too) */
	assert_true(rg_dev_hp_pump(c->dev, tap, 16) >= 1);
	ssize_t n;
	int seen = 0;
	while ((n = recv(s, got, sizeof(got), 0)) > 0)
		if (n == (ssize_t)sizeof(f) && !memcmp(got, f, sizeof(f)))
			seen = 1;
	assert_true(seen);

	/* TAP -> card */
	memcpy(f + 14, "from the host", 13);
	assert_int_equal(send(s, f, sizeof(f), 0), (ssize_t)sizeof(f));
	int arrived = 0;
	for (unsigned i = 0; i < 100 && !arrived; i++) {
		rg_dev_hp_pump(c->dev, tap, 1);
		card_step(c);
		arrived = c->from_host_len == sizeof(f) &&
			  !memcmp(c->from_host + 14, "from the host", 13);
		usleep(1000);
	}
	assert_true(arrived);
	assert_int_equal(rg_dev_tap_dropped(c->dev), 0);
	close(s);
	close(tap);
}

static void test_bad_host_descriptor(void **state)
{
	struct card *c = *state;
	struct rg_hring *r = &c->dev->ring[RG_RING_HTX];
	/* forge a descriptor pointing outside host memory */
	struct rg_pkt_desc *d = (struct rg_pkt_desc *)(r->va + (r->prod & (r->size - 1)) * 16u);
	d->addr = 0xdead0000ull;
	d->len = 100;
	d->status = 0;
	r->prod++;
	rg_dev_reg_write(c->dev, r->blk + RG_RING_DOORBELL, r->prod);
	unsigned before = c->from_host_n;
	card_step(c);
	assert_int_equal(c->from_host_n, before);
	assert_int_equal(c->mb.stats.bad_desc, 1);
	assert_true(d->status & RG_DESC_ERROR);
	/* the ring goes on */
	uint8_t frame[64] = { 1, 2, 3 };
	assert_int_equal(rg_dev_hp_send(c->dev, frame, sizeof(frame)), RG_ST_OK);
	card_step(c);
	assert_int_equal(c->from_host_n, before + 1);
	assert_int_equal(rg_dev_hp_errors(c->dev), 1);
	struct rg_info info;
	assert_int_equal(cmd(c, RG_OP_INFO, NULL, 0, &info, sizeof(info)), RG_ST_OK);
}

static void test_second_host_process_is_refused(void **state)
{
	struct card *c = *state;
	struct rg_dev *other;
	char err[256];
	struct rg_dev_opts o = { .lock_timeout_ms = 50 };
	/* the lock is per open file description: a second open in this
	 * process conflicts just like another process would */
	assert_int_equal(rg_dev_open(c->spec, &o, &other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another host process"));
	assert_int_equal(rg_dev_open("sim:no-such-card", &o, &other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is nicsim running"));
	assert_int_equal(rg_dev_open("bogus", &o, &other, err, sizeof(err)), -1);
	assert_int_equal(rg_dev_open("sim:../x", &o, &other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad simulated card name"));
}

static void test_device_list(void **state)
{
	struct card *c = *state;
	struct rg_dev_entry e[32];
	char note[200] = "", err[200] = "";
	int n = rg_dev_list(e, 32, note, sizeof(note), err, sizeof(err));
	assert_true(n >= 1);
	int found = 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].spec, c->spec)) {
			found = 1;
			assert_true(e[i].alive);
			assert_non_null(strstr(e[i].desc, FASTPATH_NAME " fast path"));
		}
	assert_true(found);
	assert_true(strlen(note) > 0); /* the PCI scan always says what it found */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info_and_id_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rings_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paged_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filtered_session_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_delete_with_expectation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stalled_card_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_fault_and_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure_rejects_bad_rings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_card_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_port_tap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_wakes_sleeping_card, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_host_descriptor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_host_process_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_device_list, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
