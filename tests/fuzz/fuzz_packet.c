/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the packet path: the input is a script run against a
 * simulated card (soft fast path + firmware, tests/lib/fwenv) configured as
 * a gateway:
 *   op byte, then per op:
 *     0..5  frame: 2-byte length, that many bytes, received on port op % 3
 *     6     advance the clock by (next byte) * 997 ms
 *     7     control: a MAP_ADD request from the next 92 bytes
 * Every frame that leaves the card must be sound (checksums; no inside
 * address on the outside), and nothing may crash (ASan+UBSan build).
 * The card is reset between inputs (rg_fw_reset), so each input starts from
 * the same state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static struct fwenv *env;

static void check(const struct fwenv_frame *o)
{
	if (o->len < 14 || rg_get_be16(o->data + 12) != 0x0800)
		return;
	uint32_t l3 = 14;
	if (o->len < l3 + 20 || pkt_csum(o->data + l3, (o->data[l3] & 15u) * 4u, 0) != 0)
		abort(); /* a bad IPv4 header left the card */
	if (o->port == 1 && o->data[l3 + 12] == 10)
		abort(); /* an inside source left on the outside */
	struct pkt_view v;
	if (!pkt_parse(o->data, o->len, &v) && !pkt_checksums_ok(o->data, o->len))
		abort(); /* a bad L4 checksum left the card */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!env) {
		env = fwenv_new(NULL);
		if (!env)
			abort();
	}
	rg_fw_reset(env->fw);
	fwenv_std_config(env, (uint8_t)(size % 3), (uint8_t)((size / 3) % 3));
	fwenv_arp_reply(env, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	size_t i = 0;
	while (i < size) {
		uint8_t op = data[i++] % 8;
		fwenv_clear(env);
		if (op < 6) {
			if (i + 2 > size)
				break;
			uint32_t len = rg_get_be16(data + i) % 2048u;
			i += 2;
			if (len > size - i)
				len = (uint32_t)(size - i);
			uint8_t frame[2048];
			memcpy(frame, data + i, len);
			i += len;
			fwenv_rx(env, op % 3, frame, len);
		} else if (op == 6) {
			if (i < size)
				fwenv_advance(env, data[i++] * 997u);
		} else {
			struct rg_map_req r;
			struct rg_map_rsp rsp;
			memset(&r, 0, sizeof(r));
			size_t n = size - i < sizeof(r) ? size - i : sizeof(r);
			memcpy(&r, data + i, n);
			i += n;
			rg_fw_map_add(env->fw, &r, &rsp);
		}
		for (unsigned k = 0; k < env->n_out; k++)
			check(&env->out[k]);
	}
	return 0;
}
