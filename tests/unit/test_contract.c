/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The contracts of include/realmgate/: sizes and offsets as the diagrams
 * draw them, encodings that round-trip, name tables without holes, the
 * phase rule of the mailbox, and the fast path block's table commands
 * moving entries byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "realmgate/counters.h"
#include "realmgate/flow.h"
#include "realmgate/fwimage.h"
#include "realmgate/mailbox.h"
#include "realmgate/regmap.h"

#include "../../firmware/fastpath/fp.h"

static void test_sizes_match_diagrams(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct rg_flow_key), 16);
	assert_int_equal(sizeof(struct rg_session), 64);
	assert_int_equal(sizeof(struct rg_adjacency), 16);
	assert_int_equal(sizeof(struct rg_fp_in_meta), 12);
	assert_int_equal(sizeof(struct rg_fp_out_meta), 12);
	assert_int_equal(sizeof(struct rg_cmd), 128);
	assert_int_equal(sizeof(struct rg_cpl), 128);
	assert_int_equal(sizeof(struct rg_evt), 64);
	assert_int_equal(sizeof(struct rg_pkt_desc), 16);
	assert_int_equal(sizeof(struct rg_fw_image_hdr), 256);
	/* the body/statistics split of the session entry */
	assert_int_equal(offsetof(struct rg_session, last_seen), RG_SESSION_BODY_BYTES);
	/* the phase word is the last word a card writes */
	assert_int_equal(offsetof(struct rg_cpl, phase) + 4, sizeof(struct rg_cpl));
	assert_int_equal(offsetof(struct rg_evt, phase) + 4, sizeof(struct rg_evt));
	/* every inline payload fits its record */
	assert_true(sizeof(struct rg_map_req) <= RG_CMD_PAYLOAD);
	assert_true(sizeof(struct rg_config) <= RG_CMD_PAYLOAD);
	assert_true(sizeof(struct rg_info) <= RG_CPL_PAYLOAD);
	assert_true(sizeof(struct rg_evt_nat) <= RG_EVT_PAYLOAD);
}

static void test_slot_encoding_round_trip(void **state)
{
	(void)state;
	const uint32_t tags[] = { 0, 1, 0xdeadbeef, 0xffffffff };
	const uint32_t idx[] = { 0, 1, 12345, RG_SESSION_INDEX_MAX };
	for (unsigned t = 0; t < 4; t++)
		for (unsigned i = 0; i < 4; i++)
			for (unsigned d = 0; d < 2; d++) {
				uint64_t s = rg_slot_make(tags[t], idx[i], d);
				assert_true(s >> RG_SLOT_VALID_BIT);
				assert_int_equal((s >> RG_SLOT_DIR_BIT) & 1, d);
				assert_int_equal((s >> RG_SLOT_INDEX_SHIFT) & RG_SLOT_INDEX_MASK,
						 idx[i]);
				assert_int_equal((uint32_t)s, tags[t]);
			}
}

static void test_action_and_side_nibbles(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 16; a++)
		for (unsigned b = 0; b < 16; b++) {
			uint8_t ops = RG_OPS(a, b);
			assert_int_equal(RG_OPS_DIR(ops, RG_DIR_I2O), a);
			assert_int_equal(RG_OPS_DIR(ops, RG_DIR_O2I), b);
		}
	for (unsigned i = 0; i < RG_PORT_COUNT; i++)
		for (unsigned r = 0; r < RG_PORT_COUNT; r++) {
			uint8_t s = RG_SIDES(i, r);
			assert_int_equal(RG_SIDES_IN(s), i);
			assert_int_equal(RG_SIDES_REM(s), r);
		}
	/* a zeroed action can never forward */
	assert_int_equal(RG_OPS_DIR(0, RG_DIR_I2O) & RG_ACT_KIND_MASK, RG_ACT_DROP);
}

static void test_phase_rule(void **state)
{
	(void)state;
	/* first lap writes phase 1 (zeroed memory is never valid), then alternates */
	const uint32_t log2 = 3;
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(rg_phase(i, log2), 1);
	for (uint32_t i = 8; i < 16; i++)
		assert_int_equal(rg_phase(i, log2), 0);
	assert_int_equal(rg_phase(16, log2), 1);
	/* free-running indices wrap at 2^32 without breaking the alternation */
	assert_int_equal(rg_phase(0xffffffffu, log2), 0);
	assert_int_equal(rg_phase(0xffffffffu + 1u, log2), 1);
}

#define NAME_CHECK(name, val, text) assert_true(strlen(text) > 0), seen[val]++;
static void test_reason_and_status_tables_have_no_holes(void **state)
{
	(void)state;
	int seen[64];
	memset(seen, 0, sizeof(seen));
	RG_PUNT_REASONS(NAME_CHECK)
	for (unsigned i = 0; i < RG_PUNT__COUNT; i++)
		assert_int_equal(seen[i], 1);
	memset(seen, 0, sizeof(seen));
	RG_DROP_REASONS(NAME_CHECK)
	for (unsigned i = 0; i < RG_DROP__COUNT; i++)
		assert_int_equal(seen[i], 1);
	memset(seen, 0, sizeof(seen));
	RG_STATUS_CODES(NAME_CHECK)
	for (unsigned i = 0; i < RG_ST__COUNT; i++)
		assert_int_equal(seen[i], 1);
	memset(seen, 0, sizeof(seen));
	RG_EVENT_TYPES(NAME_CHECK)
	for (unsigned i = 0; i < RG_EVT__COUNT; i++)
		assert_int_equal(seen[i], 1);
	/* counter blocks do not overlap */
	assert_true(RG_FPC_PUNT(RG_PUNT__COUNT - 1) < RG_FPC_DROP(0));
	assert_true(RG_FPC_DROP(RG_DROP__COUNT - 1) < RG_FPC_COUNT);
	assert_true(RG_FPC_COUNT <= RG_FWC_BASE);
	assert_true(RG_FWC_COUNT > 0);
	assert_int_equal(RG_FWC_SP_PACKETS, RG_FWC_BASE);
}
#undef NAME_CHECK

static void test_register_blocks_do_not_overlap(void **state)
{
	(void)state;
	assert_true(RG_ID_BASE + RG_ID_SERIAL < RG_CTRL_BASE);
	assert_true(RG_CTRL_BASE + RG_CTRL_FW_STATE < RG_RING_BASE(0));
	assert_true(RG_RING_BASE(RG_RING__COUNT - 1) + RG_RING_FLAGS < RG_FP_BASE);
	assert_true(RG_RING_FLAGS < RG_RING_STRIDE);
	assert_true(RG_FP_BASE + RG_FP_COUNTERS + 4 * RG_FPC_COUNT <= RG_BAR0_SIZE);
	assert_true(RG_FP_TABLE_DATA + 64 <= RG_FP_PORT_MAC_LO(0));
	assert_true(RG_FP_PORT_FLAGS(RG_PORT_COUNT - 1) < RG_FP_HASH_SECRET);
	assert_true(RG_FP_HASH_SECRET + RG_HASH_SECRET_BYTES <= RG_FP_COUNTERS);
}

/* Table commands through the CSR block move entries byte for byte, and a
 * session write resets the fast-path-maintained statistics. */
static void test_csr_table_commands_round_trip(void **state)
{
	(void)state;
	struct rg_fp_geometry g = { .buckets_log2 = 4, .sessions = 8, .adjacencies = 4 };
	size_t len = rg_fp_mem_size(&g);
	void *mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
	struct rg_fp *fp = malloc(sizeof(*fp));
	assert_non_null(mem);
	assert_non_null(fp);
	assert_int_equal(rg_fp_init(fp, &g, mem, len), 0);
	assert_int_equal(rg_fp_csr_read(fp, RG_RB_TYPE), RG_RB_TYPE_FASTPATH);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_SESSIONS), 8);

	uint8_t body[64];
	for (unsigned i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(0x11 * i + 3);
	for (unsigned w = 0; w < 16; w++)
		rg_fp_csr_write(fp, RG_FP_TABLE_DATA + 4 * w,
				(uint32_t)body[4 * w] | (uint32_t)body[4 * w + 1] << 8 |
					(uint32_t)body[4 * w + 2] << 16 |
					(uint32_t)body[4 * w + 3] << 24);
	rg_fp_csr_write(fp, RG_FP_TABLE_INDEX, 5);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, RG_TBL_WRITE_SESSION);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_TABLE_STATUS), 0);
	for (unsigned w = 0; w < 16; w++)
		rg_fp_csr_write(fp, RG_FP_TABLE_DATA + 4 * w, 0);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, RG_TBL_READ_SESSION);
	uint8_t back[64];
	for (unsigned i = 0; i < 64; i++)
		back[i] = (uint8_t)(rg_fp_csr_read(fp, RG_FP_TABLE_DATA + 4 * (i / 4)) >>
				    (8 * (i % 4)));
	assert_memory_equal(back, body, RG_SESSION_BODY_BYTES);
	for (unsigned i = RG_SESSION_BODY_BYTES; i < 64; i++)
		assert_int_equal(back[i], 0);

	/* slots: 64-bit value in data words 0..1, bank/slot in AUX */
	uint64_t v = rg_slot_make(0xabcdef01, 7, RG_DIR_O2I);
	rg_fp_csr_write(fp, RG_FP_TABLE_DATA, (uint32_t)v);
	rg_fp_csr_write(fp, RG_FP_TABLE_DATA + 4, (uint32_t)(v >> 32));
	rg_fp_csr_write(fp, RG_FP_TABLE_INDEX, 15);
	rg_fp_csr_write(fp, RG_FP_TABLE_AUX, 1u << 8 | 3u);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, RG_TBL_WRITE_SLOT);
	uint64_t got;
	assert_int_equal(rg_fp_table_read_slot(fp, 1, 15, 3, &got), 0);
	assert_true(got == v);

	/* out-of-range index reports an error and changes nothing */
	rg_fp_csr_write(fp, RG_FP_TABLE_INDEX, 16);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, RG_TBL_WRITE_SLOT);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_TABLE_STATUS), RG_TBL_ERROR);
	rg_fp_csr_write(fp, RG_FP_TABLE_INDEX, 8);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, RG_TBL_WRITE_SESSION);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_TABLE_STATUS), RG_TBL_ERROR);
	rg_fp_csr_write(fp, RG_FP_TABLE_CMD, 99);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_TABLE_STATUS), RG_TBL_ERROR);

	/* hash secret: written as little-endian words, read back the same */
	rg_fp_csr_write(fp, RG_FP_HASH_SECRET + 4, 0x04030201);
	assert_int_equal(fp->hash.secret[4], 1);
	assert_int_equal(fp->hash.secret[7], 4);
	assert_int_equal(rg_fp_csr_read(fp, RG_FP_HASH_SECRET + 4), 0x04030201);
	free(fp);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_match_diagrams),
		cmocka_unit_test(test_slot_encoding_round_trip),
		cmocka_unit_test(test_action_and_side_nibbles),
		cmocka_unit_test(test_phase_rule),
		cmocka_unit_test(test_reason_and_status_tables_have_no_holes),
		cmocka_unit_test(test_register_blocks_do_not_overlap),
		cmocka_unit_test(test_csr_table_commands_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
