/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stand-in for the firmware's control calls (fw.h) for the mailbox tests:
 * small in-memory tables with the validation rules fw.h asks for, so the
 * tests can watch what the mailbox service passes through and check that a
 * bad command leaves existing state alone. Not a NAT: packets are not
 * handled here.
 */
#ifndef RG_TESTS_FAKE_FW_H
#define RG_TESTS_FAKE_FW_H

#include "../../firmware/fw.h"

#define FAKE_MAPS 16

struct rg_fw {
	struct rg_config cfg;
	struct rg_map_rec maps[FAKE_MAPS];
	unsigned n_maps;
	uint32_t n_sessions; /* sessions the listing reports (index = position) */
	unsigned resets;
	uint32_t next_id;
	int filtered; /* the last session listing had a filter, last_filter */
	struct rg_session_filter last_filter;
};

void fake_fw_init(struct rg_fw *fw);

#endif /* RG_TESTS_FAKE_FW_H */
