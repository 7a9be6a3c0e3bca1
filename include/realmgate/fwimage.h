/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract: the firmware image file that realmflash writes to a card.
 *
 *   offset 0                                     256            256 + payload_len
 *         +--------------------------------------+------------------------+
 *         | struct rg_fw_image_hdr               | payload (flat binary,  |
 *         |                                      | loaded at load_addr)   |
 *         +--------------------------------------+------------------------+
 *
 * Header (256 bytes, little-endian):
 *    0 magic "RGFW"      4 hdr_version   6 hdr_size     8 contract_version
 *   12 image_version    16 target       20 flags       24 load_addr (8)
 *   32 entry (8)        40 payload_len  44 payload_crc32
 *   48 build_date       52 git_hash     56 sig_type     57 rsvd (3)
 *   60 sig_len          64 signature[128]
 *  192 name[48]        240 rsvd[12]    252 hdr_crc32
 *
 * payload_crc32 and hdr_crc32 are CRC-32/ISO-HDLC (the zlib/Ethernet CRC:
 * reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF);
 * hdr_crc32 covers bytes 0..251. The signature, when sig_type is not NONE,
 * covers header bytes 0..63 (which include the payload CRC) followed by the
 * payload; 128 bytes leave room for Ed25519 (64) or ECDSA P-256 (<= 72).
 * A card refuses an image whose magic, sizes, CRCs, target or contract
 * version do not match, before writing anything.
 */
#ifndef REALMGATE_FWIMAGE_H
#define REALMGATE_FWIMAGE_H

#include "realmgate/types.h"

#define RG_FW_MAGIC 0x57464752u /* "RGFW" read as a little-endian word */
#define RG_FW_HDR_VERSION 1u
#define RG_FW_HDR_SIZE 256u
#define RG_FW_SIG_MAX 128u
#define RG_FW_PAYLOAD_MAX (16u << 20)

enum rg_fw_target {
	RG_FW_TARGET_RISCV64 = 1, /* the card's embedded cores */
	RG_FW_TARGET_RTL = 2,	  /* FPGA bitstream for the fast path */
};

enum rg_fw_sig_type {
	RG_FW_SIG_NONE = 0,
	RG_FW_SIG_ED25519 = 1,
	RG_FW_SIG_ECDSA_P256 = 2,
};

struct rg_fw_image_hdr {
	uint32_t magic;
	uint16_t hdr_version;
	uint16_t hdr_size;
	uint32_t contract_version;
	uint32_t image_version; /* major << 16 | minor << 8 | patch */
	uint32_t target;	/* enum rg_fw_target */
	uint32_t flags;
	uint64_t load_addr;
	uint64_t entry;
	uint32_t payload_len;
	uint32_t payload_crc32;
	uint32_t build_date; /* decimal YYYYMMDD */
	uint32_t git_hash;   /* first 8 hex digits */
	uint8_t sig_type;    /* enum rg_fw_sig_type */
	uint8_t rsvd0[3];
	uint32_t sig_len;
	uint8_t signature[RG_FW_SIG_MAX];
	char name[48]; /* NUL-padded human-readable name */
	uint8_t rsvd1[12];
	uint32_t hdr_crc32;
};
RG_ASSERT_SIZE(struct rg_fw_image_hdr, RG_FW_HDR_SIZE);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, contract_version, 8);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, target, 16);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, load_addr, 24);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, entry, 32);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, payload_len, 40);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, payload_crc32, 44);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, build_date, 48);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, git_hash, 52);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, sig_type, 56);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, sig_len, 60);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, signature, 64);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, name, 192);
RG_ASSERT_OFFSET(struct rg_fw_image_hdr, hdr_crc32, 252);

#endif /* REALMGATE_FWIMAGE_H */
