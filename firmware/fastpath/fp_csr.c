/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fast path block of the register map (regmap.h), on top of the soft
 * fast path: the firmware and the differential tests program the soft model
 * through exactly the registers they use for the RTL.
 */
#include "realmgate/regmap.h"

#include "../lib/bytes.h"
#include "fp.h"

static void data_to_bytes(const struct rg_fp *fp, uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(fp->tbl_data[i / 4] >> (8 * (i % 4)));
}

static void bytes_to_data(struct rg_fp *fp, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < 16; i++)
		fp->tbl_data[i] = 0;
	for (unsigned i = 0; i < n; i++)
		fp->tbl_data[i / 4] |= (uint32_t)b[i] << (8 * (i % 4));
}

static void table_command(struct rg_fp *fp, uint32_t cmd)
{
	uint8_t buf[64];
	int rc = -1;
	unsigned bank = (fp->tbl_aux >> 8) & 0xffu, slot = fp->tbl_aux & 0xffu;
	switch (cmd) {
	case RG_TBL_WRITE_SESSION: {
		struct rg_session s;
		data_to_bytes(fp, buf, sizeof(s));
		__builtin_memcpy(&s, buf, sizeof(s));
		rc = rg_fp_table_write_session(fp, fp->tbl_index, &s);
		break;
	}
	case RG_TBL_READ_SESSION: {
		struct rg_session s;
		rc = rg_fp_table_read_session(fp, fp->tbl_index, &s);
		if (!rc)
			bytes_to_data(fp, (const uint8_t *)&s, sizeof(s));
		break;
	}
	case RG_TBL_WRITE_SLOT:
		rc = rg_fp_table_write_slot(fp, bank, fp->tbl_index, slot,
					    ((uint64_t)fp->tbl_data[1] << 32) | fp->tbl_data[0]);
		break;
	case RG_TBL_READ_SLOT: {
		uint64_t v;
		rc = rg_fp_table_read_slot(fp, bank, fp->tbl_index, slot, &v);
		if (!rc) {
			for (unsigned i = 0; i < 16; i++)
				fp->tbl_data[i] = 0;
			fp->tbl_data[0] = (uint32_t)v;
			fp->tbl_data[1] = (uint32_t)(v >> 32);
		}
		break;
	}
	case RG_TBL_WRITE_ADJ: {
		struct rg_adjacency a;
		data_to_bytes(fp, buf, sizeof(a));
		__builtin_memcpy(&a, buf, sizeof(a));
		rc = rg_fp_table_write_adj(fp, fp->tbl_index, &a);
		break;
	}
	case RG_TBL_READ_ADJ: {
		struct rg_adjacency a;
		rc = rg_fp_table_read_adj(fp, fp->tbl_index, &a);
		if (!rc)
			bytes_to_data(fp, (const uint8_t *)&a, sizeof(a));
		break;
	}
	default:
		break;
	}
	fp->tbl_status = rc ? RG_TBL_ERROR : 0;
}

void rg_fp_csr_write(struct rg_fp *fp, uint32_t off, uint32_t v)
{
	if (off >= RG_FP_TABLE_DATA && off < RG_FP_TABLE_DATA + 64) {
		fp->tbl_data[(off - RG_FP_TABLE_DATA) / 4] = v;
		return;
	}
	if (off >= RG_FP_PORT_MAC_LO(0) && off < RG_FP_PORT_MAC_LO(RG_PORT_COUNT)) {
		unsigned p = (off - RG_FP_PORT_MAC_LO(0)) / 8;
		if ((off - RG_FP_PORT_MAC_LO(0)) % 8 == 0)
			rg_put_le32(fp->port_mac[p], v);
		else if ((off - RG_FP_PORT_MAC_LO(0)) % 8 == 4) {
			fp->port_mac[p][4] = (uint8_t)v;
			fp->port_mac[p][5] = (uint8_t)(v >> 8);
		}
		return;
	}
	if (off >= RG_FP_PORT_MTU(0) && off < RG_FP_PORT_MTU(RG_PORT_COUNT)) {
		fp->port_mtu[(off - RG_FP_PORT_MTU(0)) / 4] = (uint16_t)v;
		return;
	}
	if (off >= RG_FP_PORT_FLAGS(0) && off < RG_FP_PORT_FLAGS(RG_PORT_COUNT)) {
		unsigned p = (off - RG_FP_PORT_FLAGS(0)) / 4;
		fp->port_flags[p] = v & (RG_FPPORT_PROMISC | RG_FPPORT_VID_MASK);
		fp->port_vid[p] = (uint16_t)((v & RG_FPPORT_VID_MASK) >> RG_FPPORT_VID_SHIFT);
		return;
	}
	if (off >= RG_FP_HASH_SECRET && off < RG_FP_HASH_SECRET + RG_HASH_SECRET_BYTES) {
		uint8_t secret[RG_HASH_SECRET_BYTES];
		__builtin_memcpy(secret, fp->hash.secret, sizeof(secret));
		rg_put_le32(secret + (off - RG_FP_HASH_SECRET), v);
		rg_fp_set_secret(fp, secret);
		return;
	}
	switch (off) {
	case RG_FP_CONTROL:
		fp->control = v & RG_FPCTL_ENABLE;
		break;
	case RG_FP_TABLE_INDEX:
		fp->tbl_index = v;
		break;
	case RG_FP_TABLE_AUX:
		fp->tbl_aux = v;
		break;
	case RG_FP_TABLE_CMD:
		table_command(fp, v);
		break;
	case RG_FP_TUNNEL_SRC:
		fp->tunnel_src = v;
		break;
	default:
		break; /* read-only or unmapped: ignored, as in the RTL */
	}
}

uint32_t rg_fp_csr_read(struct rg_fp *fp, uint32_t off)
{
	if (off >= RG_FP_TABLE_DATA && off < RG_FP_TABLE_DATA + 64)
		return fp->tbl_data[(off - RG_FP_TABLE_DATA) / 4];
	if (off >= RG_FP_COUNTERS && off < RG_FP_COUNTERS + 4 * RG_FPC_COUNT)
		return fp->counters[(off - RG_FP_COUNTERS) / 4];
	if (off >= RG_FP_PORT_MAC_LO(0) && off < RG_FP_PORT_MAC_LO(RG_PORT_COUNT)) {
		unsigned p = (off - RG_FP_PORT_MAC_LO(0)) / 8;
		if ((off - RG_FP_PORT_MAC_LO(0)) % 8 == 0)
			return rg_get_le32(fp->port_mac[p]);
		if ((off - RG_FP_PORT_MAC_LO(0)) % 8 == 4)
			return fp->port_mac[p][4] | ((uint32_t)fp->port_mac[p][5] << 8);
		return 0;
	}
	if (off >= RG_FP_PORT_MTU(0) && off < RG_FP_PORT_MTU(RG_PORT_COUNT))
		return fp->port_mtu[(off - RG_FP_PORT_MTU(0)) / 4];
	if (off >= RG_FP_PORT_FLAGS(0) && off < RG_FP_PORT_FLAGS(RG_PORT_COUNT))
		return fp->port_flags[(off - RG_FP_PORT_FLAGS(0)) / 4];
	if (off >= RG_FP_HASH_SECRET && off < RG_FP_HASH_SECRET + RG_HASH_SECRET_BYTES)
		return rg_get_le32(fp->hash.secret + (off - RG_FP_HASH_SECRET));
	switch (off) {
	case RG_RB_TYPE:
		return RG_RB_TYPE_FASTPATH;
	case RG_RB_VERSION:
		return RG_FP_VERSION;
	case RG_RB_NEXT:
		return 0;
	case RG_FP_CONTROL:
		return fp->control;
	case RG_FP_BUCKETS_LOG2:
		return fp->buckets_log2;
	case RG_FP_SESSIONS:
		return fp->n_sessions;
	case RG_FP_ADJACENCIES:
		return fp->n_adj;
	case RG_FP_TABLE_INDEX:
		return fp->tbl_index;
	case RG_FP_TABLE_AUX:
		return fp->tbl_aux;
	case RG_FP_TABLE_STATUS:
		return fp->tbl_status;
	case RG_FP_TUNNEL_SRC:
		return fp->tunnel_src;
	default:
		return 0;
	}
}
