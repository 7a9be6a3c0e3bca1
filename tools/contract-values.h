/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The list of contract values the RTL needs, as (name, value) pairs taken
 * from include/realmgate/. tools/gen-contract-vh.c prints it as a Verilog
 * include; tests/unit/test_contract_vh.c reads that include back and checks
 * every value against this list and against the headers, so the Verilog side
 * can never drift from the C side.
 */
#ifndef REALMGATE_TOOLS_CONTRACT_VALUES_H
#define REALMGATE_TOOLS_CONTRACT_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "realmgate/flow.h"
#include "realmgate/regmap.h"

struct rg_contract_value {
	const char *name;
	uint64_t value;
};

/* Byte offset and bit width of a field. */
/* clang-format off */
#define RG_CV_FIELD(prefix, type, field) \
	{prefix "_" #field "_OFF", offsetof(type, field)}, \
	{prefix "_" #field "_W", 8u * sizeof(((type *)0)->field)}
#define RG_CV(name) {#name, (uint64_t)(name)}
#define RG_CV_PUNT(name, val, text) {"RG_PUNT_" #name, val},
#define RG_CV_DROP(name, val, text) {"RG_DROP_" #name, val},
/* clang-format on */

/* clang-format off */
static const struct rg_contract_value rg_contract_values[] = {
	RG_CV(RG_CONTRACT_VERSION),
	/* ports */
	RG_CV(RG_PORT_INSIDE),
	RG_CV(RG_PORT_OUTSIDE),
	RG_CV(RG_PORT_HOST),
	RG_CV(RG_PORT_AUX),
	RG_CV(RG_PORT_COUNT),
	/* flow key */
	{ "RG_FLOW_KEY_BYTES", sizeof(struct rg_flow_key) },
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, src_addr),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, dst_addr),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, src_port),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, dst_port),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, proto),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, side),
	RG_CV_FIELD("RG_KEY", struct rg_flow_key, flags),
	RG_CV(RG_KEY_TUNNEL),
	/* hash and index */
	RG_CV(RG_HASH_SECRET_BYTES),
	RG_CV(RG_HASH_OUT_WORDS),
	RG_CV(RG_BUCKET_SLOTS),
	RG_CV(RG_INDEX_BANKS),
	RG_CV(RG_SLOT_INDEX_SHIFT),
	RG_CV(RG_SLOT_INDEX_MASK),
	RG_CV(RG_SLOT_DIR_BIT),
	RG_CV(RG_SLOT_VALID_BIT),
	RG_CV(RG_DIR_I2O),
	RG_CV(RG_DIR_O2I),
	/* actions */
	RG_CV(RG_ACT_DROP),
	RG_CV(RG_ACT_FORWARD),
	RG_CV(RG_ACT_PUNT),
	RG_CV(RG_ACT_KIND_MASK),
	RG_CV(RG_ACT_ENCAP),
	RG_CV(RG_ACT_KEEP_TTL),
	/* session entry */
	{ "RG_SESSION_BYTES", sizeof(struct rg_session) },
	RG_CV(RG_SESSION_BODY_BYTES),
	RG_CV_FIELD("RG_SESS", struct rg_session, proto),
	RG_CV_FIELD("RG_SESS", struct rg_session, flags),
	RG_CV_FIELD("RG_SESS", struct rg_session, ops),
	RG_CV_FIELD("RG_SESS", struct rg_session, sides),
	RG_CV_FIELD("RG_SESS", struct rg_session, in_addr),
	RG_CV_FIELD("RG_SESS", struct rg_session, out_addr),
	RG_CV_FIELD("RG_SESS", struct rg_session, rem_addr),
	RG_CV_FIELD("RG_SESS", struct rg_session, rem_xaddr),
	RG_CV_FIELD("RG_SESS", struct rg_session, in_port),
	RG_CV_FIELD("RG_SESS", struct rg_session, out_port),
	RG_CV_FIELD("RG_SESS", struct rg_session, rem_port),
	RG_CV_FIELD("RG_SESS", struct rg_session, rem_xport),
	RG_CV_FIELD("RG_SESS", struct rg_session, csum_l3),
	RG_CV_FIELD("RG_SESS", struct rg_session, csum_l4),
	RG_CV_FIELD("RG_SESS", struct rg_session, adj_i2o),
	RG_CV_FIELD("RG_SESS", struct rg_session, adj_o2i),
	RG_CV_FIELD("RG_SESS", struct rg_session, tun_addr),
	RG_CV_FIELD("RG_SESS", struct rg_session, drop_i2o),
	RG_CV_FIELD("RG_SESS", struct rg_session, drop_o2i),
	RG_CV_FIELD("RG_SESS", struct rg_session, fw_cookie),
	RG_CV_FIELD("RG_SESS", struct rg_session, last_seen),
	RG_CV_FIELD("RG_SESS", struct rg_session, pkts_i2o),
	RG_CV_FIELD("RG_SESS", struct rg_session, pkts_o2i),
	RG_CV_FIELD("RG_SESS", struct rg_session, bytes_i2o),
	RG_CV_FIELD("RG_SESS", struct rg_session, bytes_o2i),
	RG_CV(RG_SESS_VALID),
	RG_CV(RG_SESS_I2O_TUNNEL),
	RG_CV(RG_SESS_O2I_TUNNEL),
	/* adjacency */
	{ "RG_ADJ_BYTES", sizeof(struct rg_adjacency) },
	RG_CV_FIELD("RG_ADJ", struct rg_adjacency, dst_mac),
	RG_CV_FIELD("RG_ADJ", struct rg_adjacency, src_mac),
	RG_CV_FIELD("RG_ADJ", struct rg_adjacency, port),
	RG_CV_FIELD("RG_ADJ", struct rg_adjacency, flags),
	RG_CV_FIELD("RG_ADJ", struct rg_adjacency, vlan_tci),
	RG_CV(RG_ADJ_VALID),
	RG_CV(RG_ADJ_VLAN),
	/* packet interface */
	RG_CV(RG_FP_WIN_IN),
	RG_CV(RG_FP_WIN_OUT),
	RG_CV(RG_FP_FRAME_MAX),
	{ "RG_FP_IN_META_BYTES", sizeof(struct rg_fp_in_meta) },
	RG_CV_FIELD("RG_FPIN", struct rg_fp_in_meta, frame_len),
	RG_CV_FIELD("RG_FPIN", struct rg_fp_in_meta, port),
	RG_CV_FIELD("RG_FPIN", struct rg_fp_in_meta, flags),
	RG_CV_FIELD("RG_FPIN", struct rg_fp_in_meta, tail_sum),
	RG_CV_FIELD("RG_FPIN", struct rg_fp_in_meta, ts_ms),
	RG_CV(RG_FPIN_FORCE),
	{ "RG_FP_OUT_META_BYTES", sizeof(struct rg_fp_out_meta) },
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, verdict),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, port),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, reason),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, flags),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, hdr_len),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, consumed),
	RG_CV_FIELD("RG_FPOUT", struct rg_fp_out_meta, hit),
	RG_CV(RG_FPOUT_HIT),
	RG_CV(RG_FPOUT_HIT_DIR_SHIFT),
	RG_CV(RG_FPOUT_HIT_INDEX_MASK),
	RG_CV(RG_VERDICT_FORWARD),
	RG_CV(RG_VERDICT_PUNT),
	RG_CV(RG_VERDICT_DROP),
	RG_PUNT_REASONS(RG_CV_PUNT) RG_DROP_REASONS(RG_CV_DROP) RG_CV(RG_PUNT__COUNT),
	RG_CV(RG_DROP__COUNT),
	/* counters */
	{ "RG_FPC_RX_BASE", RG_FPC_RX(0) },
	{ "RG_FPC_TX_BASE", RG_FPC_TX(0) },
	RG_CV(RG_FPC_HIT),
	{ "RG_FPC_PUNT_BASE", RG_FPC_PUNT(0) },
	{ "RG_FPC_DROP_BASE", RG_FPC_DROP(0) },
	RG_CV(RG_FPC_COUNT),
	/* register map: block headers and the fast path block */
	RG_CV(RG_RB_TYPE),
	RG_CV(RG_RB_VERSION),
	RG_CV(RG_RB_NEXT),
	RG_CV(RG_RB_TYPE_ID),
	RG_CV(RG_RB_TYPE_CTRL),
	RG_CV(RG_RB_TYPE_RING),
	RG_CV(RG_RB_TYPE_FASTPATH),
	RG_CV(RG_FP_BASE),
	RG_CV(RG_FP_VERSION),
	RG_CV(RG_FP_CONTROL),
	RG_CV(RG_FP_BUCKETS_LOG2),
	RG_CV(RG_FP_SESSIONS),
	RG_CV(RG_FP_ADJACENCIES),
	RG_CV(RG_FP_TABLE_CMD),
	RG_CV(RG_FP_TABLE_INDEX),
	RG_CV(RG_FP_TABLE_AUX),
	RG_CV(RG_FP_TABLE_STATUS),
	RG_CV(RG_FP_TUNNEL_SRC),
	RG_CV(RG_FP_TABLE_DATA),
	{ "RG_FP_PORT_MAC_LO_BASE", RG_FP_PORT_MAC_LO(0) },
	{ "RG_FP_PORT_MAC_HI_BASE", RG_FP_PORT_MAC_HI(0) },
	{ "RG_FP_PORT_MAC_STRIDE", RG_FP_PORT_MAC_LO(1) - RG_FP_PORT_MAC_LO(0) },
	{ "RG_FP_PORT_MTU_BASE", RG_FP_PORT_MTU(0) },
	{ "RG_FP_PORT_FLAGS_BASE", RG_FP_PORT_FLAGS(0) },
	RG_CV(RG_FP_HASH_SECRET),
	RG_CV(RG_FP_COUNTERS),
	RG_CV(RG_FPCTL_ENABLE),
	RG_CV(RG_TBL_WRITE_SESSION),
	RG_CV(RG_TBL_READ_SESSION),
	RG_CV(RG_TBL_WRITE_SLOT),
	RG_CV(RG_TBL_READ_SLOT),
	RG_CV(RG_TBL_WRITE_ADJ),
	RG_CV(RG_TBL_READ_ADJ),
	RG_CV(RG_TBL_BUSY),
	RG_CV(RG_TBL_ERROR),
	RG_CV(RG_FPPORT_PROMISC),
	RG_CV(RG_FPPORT_VID_SHIFT),
	RG_CV(RG_FPPORT_VID_MASK),
	{ "RG_FP_PORT_REG_STRIDE", RG_FP_PORT_MTU(1) - RG_FP_PORT_MTU(0) },
	/* ID block and card identity (the RTL's BAR0 ID block) */
	RG_CV(RG_CTRL_BASE),
	RG_CV(RG_ID_BASE),
	RG_CV(RG_ID_VERSION),
	RG_CV(RG_ID_CONTRACT),
	RG_CV(RG_ID_FW_VERSION),
	RG_CV(RG_ID_RTL_VERSION),
	RG_CV(RG_ID_BUILD_DATE),
	RG_CV(RG_ID_GIT_HASH),
	RG_CV(RG_ID_FEATURES_LO),
	RG_CV(RG_ID_FEATURES_HI),
	RG_CV(RG_ID_PORTS),
	RG_CV(RG_ID_FASTPATH),
	RG_CV(RG_ID_SESSIONS),
	RG_CV(RG_ID_SERIAL),
	RG_CV(RG_FASTPATH_RTL),
	RG_CV(RG_FEAT_NAPT),
	RG_CV(RG_FEAT_HAIRPIN),
	RG_CV(RG_FEAT_TWICE_NAT),
	RG_CV(RG_FEAT_IPIP),
	RG_CV(RG_FEAT_SPI),
	RG_CV(RG_FEAT_HOST_PORT),
};
/* clang-format on */

#undef RG_CV_PUNT
#undef RG_CV_DROP

#define RG_CONTRACT_VALUE_COUNT (sizeof(rg_contract_values) / sizeof(rg_contract_values[0]))

#endif /* REALMGATE_TOOLS_CONTRACT_VALUES_H */
