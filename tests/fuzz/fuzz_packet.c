/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the packet path: the input is a script run against a
 * simulated card (soft fast path + firmware, tests/lib/fwenv) configured as
 * a gateway:
 *   op byte, then per op:
 *     0..5  frame: 2-byte length, that many bytes, received on port op % 3
 *     6     advance the clock by (next byte) * 997 ms
 *     7     control: a MAP_ADD request from the next 92 bytes
 * Every frame that leaves the card must be sound: valid IPv4 and L4
 * checksums, behind an 802.1Q tag too, and no inside-realm address (10/8 in
 * this configuration) on the outside port, neither as the source, nor as the
 * inner source of IP-in-IP, nor in the packet an ICMP error quotes; and
 * nothing may crash (ASan+UBSan build). tests/fuzz/corpus/ holds seeds of
 * valid flows (tests/fuzz/gen-corpus.c).
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

static int inside_realm(const uint8_t *a)
{
	return a[0] == 10;
}

static int icmp_error_type(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* An IPv4 header at ip with avail bytes there: well formed with a valid
 * checksum, else the card sent a bad header. Returns its length. */
static uint32_t ip_header(const uint8_t *ip, uint32_t avail)
{
	uint32_t ihl = (ip[0] & 15u) * 4u;
	if (avail < 20 || (ip[0] >> 4) != 4 || ihl < 20 || ihl > avail || pkt_csum(ip, ihl, 0) != 0)
		abort(); /* a bad IPv4 header left the card */
	return ihl;
}

static void check(const struct fwenv_frame *o)
{
	if (o->len < 14)
		return;
	uint32_t l3 = 14;
	uint16_t et = rg_get_be16(o->data + 12);
	if (et == 0x8100) {
		if (o->len < 18)
			abort(); /* a cut 802.1Q tag left the card */
		et = rg_get_be16(o->data + 16);
		l3 = 18;
	}
	if (et != 0x0800)
		return;
	const uint8_t *ip = o->data + l3;
	uint32_t avail = o->len - l3;
	uint32_t ihl = ip_header(ip, avail);
	if (o->port == 1) {
		if (inside_realm(ip + 12))
			abort(); /* an inside source left on the outside */
		int first = (rg_get_be16(ip + 6) & 0x1fffu) == 0;
		if (first && ip[9] == 4 && avail >= ihl + 20) {
			if (inside_realm(ip + ihl + 12))
				abort(); /* ... as the inner source of IP-in-IP */
			ip += ihl;
			avail -= ihl;
			ihl = ip_header(ip, avail);
			first = (rg_get_be16(ip + 6) & 0x1fffu) == 0;
		}
		if (first && ip[9] == 1 && avail >= ihl + 8 + 20 && icmp_error_type(ip[ihl])) {
			const uint8_t *q = ip + ihl + 8;
			if (inside_realm(q + 12) || inside_realm(q + 16))
				abort(); /* ... in the packet an ICMP error quotes */
		}
	}
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
