/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for realmgated's allocation protocols: the real PCP
 * (RFC 6887), NAT-PMP (RFC 6886) and DPM (seed 000) handlers, the mapper
 * and its lease table and SQLite store (in memory), in front of the card
 * test double (tests/lib/rgd_fixture.h). The input is a script:
 *   op byte, then per op:
 *     0..3  a datagram to UDP 5351: 2-byte length, bytes; from inside host
 *           A, host B, the allowed third-party proxy, or a stranger outside
 *           the inside realm (op 0..3)
 *     4..5  a datagram to the DPM port from host A or B, same format
 *     6     the clock and the PCP epoch move on by (next byte) * 7 s
 *     7     a valid PCP MAP request for (next byte): host A's port 1000+n,
 *           so scripts reach renewals, conflicts and quotas quickly
 * Checks: nothing crashes (ASan+UBSan build); no answer ever goes to the
 * stranger; every answer fits RGD_PROTO_MAX_RSP and is what it answers (a
 * PCP response with a sound header to a PCP request, whole when it reports
 * success; NAT-PMP to NAT-PMP; DPM to DPM);
 * requests that decode also re-encode and decode to the same message (the
 * wire code is symmetric); and every lease of the daemon has its mapping on
 * the card, and no host holds more than the configuration's quota.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../host-tools/libpcp/dpm_wire.h"
#include "../../host-tools/libpcp/natpmp_wire.h"
#include "../lib/rgd_fixture.h"

static const uint32_t senders[4] = { FX_HOST_A, FX_HOST_B, FX_PROXY, FX_STRANGER };

/* A PCP request that decodes re-encodes to one that decodes the same. */
static void round_trip(const uint8_t *req, size_t len)
{
	struct pcp_msg m, m2;
	if (pcp_decode_request(req, len, &m) != PCP_SUCCESS)
		return;
	uint8_t out[PCP_MAX_LEN];
	size_t n = pcp_encode_request(&m, out, sizeof(out));
	if (!n || pcp_decode_request(out, n, &m2) != PCP_SUCCESS)
		abort(); /* a request we accept but cannot write */
	if (m.opcode != m2.opcode || m.lifetime != m2.lifetime || m.proto != m2.proto ||
	    m.int_port != m2.int_port || m.ext_port != m2.ext_port ||
	    memcmp(m.nonce, m2.nonce, sizeof(m.nonce)) ||
	    memcmp(&m.client, &m2.client, sizeof(m.client)) ||
	    memcmp(&m.ext_addr, &m2.ext_addr, sizeof(m.ext_addr)) ||
	    memcmp(&m.peer_addr, &m2.peer_addr, sizeof(m.peer_addr)) ||
	    m.peer_port != m2.peer_port || m.third_party != m2.third_party ||
	    memcmp(&m.third_party_addr, &m2.third_party_addr, sizeof(m.third_party_addr)) ||
	    m.prefer_failure != m2.prefer_failure || m.n_filters != m2.n_filters)
		abort(); /* encode and decode disagree */
	for (unsigned k = 0; k < m.n_filters && k < PCP_WIRE_MAX_FILTERS; k++)
		if (m.filters[k].plen != m2.filters[k].plen ||
		    m.filters[k].port != m2.filters[k].port ||
		    memcmp(&m.filters[k].addr, &m2.filters[k].addr, sizeof(m.filters[k].addr)))
			abort(); /* ... on a filter */
}

static void check_5351_answer(const uint8_t *req, size_t len, const uint8_t *rsp, size_t n)
{
	if (n > RGD_PROTO_MAX_RSP)
		abort();
	if (len < 1)
		abort(); /* an answer to nothing */
	if (req[0] == 0) {
		struct natpmp_rsp r;
		if (natpmp_decode_response(rsp, n, &r))
			abort(); /* a NAT-PMP request answered with something else */
	} else {
		/* an error answer copies the request (RFC 6887 section 7.2), so
		 * only its header must be sound; a success must decode whole */
		if (n < PCP_HDR_LEN || n % 4 || rsp[0] != PCP_VERSION || !(rsp[1] & PCP_R_BIT) ||
		    rsp[3] >= PCP_RESULT__COUNT)
			abort(); /* a PCP answer that is not one */
		struct pcp_msg r;
		if (rsp[3] == PCP_SUCCESS && pcp_decode_response(rsp, n, &r) != PCP_SUCCESS)
			abort(); /* a success the client cannot read */
	}
}

static unsigned leases_of(const struct fx *f, uint32_t host)
{
	unsigned n = 0;
	for (const struct rgd_lease *l = f->m.leases.head; l; l = l->next)
		n += l->key.in_addr == host;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fx *f = fx_new();
	size_t i = 0;
	while (i < size) {
		uint8_t op = data[i++] % 8;
		if (op <= 5) {
			if (size - i < 2)
				break;
			size_t len = (size_t)(data[i] << 8 | data[i + 1]) % 1200u;
			i += 2;
			if (len > size - i)
				len = size - i;
			/* a copy the size of the datagram, so ASan sees overreads */
			uint8_t *req = malloc(len ? len : 1);
			memcpy(req, data + i, len);
			i += len;
			size_t n;
			if (op <= 3) {
				uint32_t src = senders[op];
				n = rgd_port5351_handle(&f->p, req, len, src, 40000, f->rsp);
				if (n && src == FX_STRANGER)
					abort(); /* answered outside the inside realm */
				if (n)
					check_5351_answer(req, len, f->rsp, n);
				round_trip(req, len);
			} else {
				n = rgd_dpm_handle(&f->p, req, len, op == 4 ? FX_HOST_A : FX_HOST_B,
						   45000, f->rsp);
				struct dpm_msg r;
				if (n &&
				    (n > RGD_PROTO_MAX_RSP || dpm_decode(f->rsp, n, &r) != DPM_OK))
					abort(); /* a DPM answer that is not one */
			}
			free(req);
		} else if (op == 6) {
			uint32_t s = i < size ? data[i++] * 7u : 7u;
			f->now += s;
			f->epoch += s;
			rgd_mapper_expire(&f->m);
		} else {
			uint8_t k = i < size ? data[i++] : 0;
			struct pcp_msg q = fx_map(FX_HOST_A, k & 1 ? 6 : 17, (uint16_t)(1000 + k),
						  k & 2 ? 0 : 600);
			uint8_t buf[PCP_MAX_LEN];
			size_t n = pcp_encode_request(&q, buf, sizeof(buf));
			if (fx_send_raw(f, buf, n, FX_HOST_A))
				check_5351_answer(buf, n, f->rsp, f->rsp_len);
		}
		/* PEER-style leases (DPM setups, PCP PEER) toward different
		 * remotes may share one mapping, so each lease is looked up */
		for (const struct rgd_lease *l = f->m.leases.head; l; l = l->next)
			if (!card_double_find(&f->cd, l->key.proto, l->key.in_addr, l->key.in_port))
				abort(); /* a lease without its mapping on the card */
		for (unsigned h = 0; h < 3; h++)
			if (leases_of(f, senders[h]) > f->cfg.max_mappings_per_host)
				abort(); /* the per-host quota was passed */
	}
	fx_free(f);
	return 0;
}
