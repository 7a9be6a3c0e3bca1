/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seed corpus of realmgated's protocol fuzz target
 * (tests/fuzz/corpus-proto/, committed; `make fuzz-corpus` rewrites it):
 * scripts in fuzz_proto.c's input format, each a well-formed exchange from
 * the fixture's inside hosts, built with its helpers (tests/lib/rgd_fixture.h):
 * PCP MAP with each option, PEER, a renewal and a deletion, ANNOUNCE, a
 * third-party request from the allowed proxy, NAT-PMP address and mapping
 * requests, DPM set-up and release — so mutations start from requests the
 * servers act on.
 * usage: gen-corpus-proto DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../host-tools/libpcp/dpm_wire.h"
#include "../../host-tools/libpcp/natpmp_wire.h"
#include "../../host-tools/libpcp/pcp_wire.h"
#include "../lib/rgd_fixture.h"
#include "seed_file.h"

#define FROM_A 0
#define FROM_PROXY 2
#define DPM_FROM_A 4
#define OP_CLOCK 6

struct script {
	uint8_t b[4096];
	uint32_t n;
};

static const char *dir;

static void datagram(struct script *s, unsigned op, const uint8_t *d, size_t len)
{
	if (s->n + 3 + len > sizeof(s->b)) {
		fprintf(stderr, "seed too long\n");
		exit(1);
	}
	s->b[s->n++] = (uint8_t)op;
	s->b[s->n++] = (uint8_t)(len >> 8);
	s->b[s->n++] = (uint8_t)len;
	memcpy(s->b + s->n, d, len);
	s->n += (uint32_t)len;
}

static void pcp(struct script *s, unsigned op, const struct pcp_msg *m)
{
	uint8_t b[PCP_MAX_LEN];
	size_t n = pcp_encode_request(m, b, sizeof(b));
	if (!n) {
		fprintf(stderr, "PCP request does not encode\n");
		exit(1);
	}
	datagram(s, op, b, n);
}

static void save(const char *name, struct script *s)
{
	seed_write(dir, name, s->b, s->n);
	s->n = 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-corpus-proto DIR\n");
		return 2;
	}
	dir = argv[1];
	struct script s = { .n = 0 };

	struct pcp_msg m = fx_map(FX_HOST_A, 17, 4000, 600);
	pcp(&s, FROM_A, &m);
	m.lifetime = 1200; /* renewal */
	pcp(&s, FROM_A, &m);
	s.b[s.n++] = OP_CLOCK;
	s.b[s.n++] = 100;
	m.lifetime = 0; /* deletion */
	pcp(&s, FROM_A, &m);
	save("pcp-map-renew-delete", &s);

	m = fx_map(FX_HOST_A, 6, 8080, 3600);
	m.ext_port = 8080;
	pcp_addr_from_v4(&m.ext_addr, 0xcb007101u);
	m.prefer_failure = true;
	m.n_filters = 1;
	m.filters[0].plen = 96 + 24;
	pcp_addr_from_v4(&m.filters[0].addr, FX_REMOTE & 0xffffff00u);
	m.filters[0].port = 443;
	pcp(&s, FROM_A, &m);
	save("pcp-map-options", &s);

	m = fx_peer(FX_HOST_A, 17, 5000, FX_REMOTE, 3478, 600);
	pcp(&s, FROM_A, &m);
	save("pcp-peer", &s);

	m = fx_map(FX_PROXY, 17, 6000, 600);
	m.third_party = true;
	pcp_addr_from_v4(&m.third_party_addr, FX_HOST_A);
	pcp(&s, FROM_PROXY, &m);
	save("pcp-third-party", &s);

	memset(&m, 0, sizeof(m));
	m.version = PCP_VERSION;
	m.opcode = PCP_OP_ANNOUNCE;
	pcp_addr_from_v4(&m.client, FX_HOST_A);
	pcp(&s, FROM_A, &m);
	save("pcp-announce", &s);

	uint8_t b[64];
	struct natpmp_req nq = { .version = NATPMP_VERSION, .opcode = NATPMP_OP_ADDR };
	datagram(&s, FROM_A, b, natpmp_encode_request(&nq, b));
	nq = (struct natpmp_req){ .version = NATPMP_VERSION,
				  .opcode = NATPMP_OP_MAP_TCP,
				  .int_port = 2222,
				  .ext_port = 2222,
				  .lifetime = 7200 };
	datagram(&s, FROM_A, b, natpmp_encode_request(&nq, b));
	nq.lifetime = 0;
	datagram(&s, FROM_A, b, natpmp_encode_request(&nq, b));
	save("natpmp", &s);

	struct dpm_msg d = { .version = DPM_VERSION,
			     .type = DPM_SETUP,
			     .flags = DPM_F_REPLACEABLE,
			     .proto = 17,
			     .in_port = 7000,
			     .addr = FX_REMOTE,
			     .port = 5060,
			     .lifetime = 600,
			     .txid = 1 };
	datagram(&s, DPM_FROM_A, b, dpm_encode(&d, b));
	d.type = DPM_RELEASE;
	d.txid = 2;
	datagram(&s, DPM_FROM_A, b, dpm_encode(&d, b));
	save("dpm", &s);
	return 0;
}
