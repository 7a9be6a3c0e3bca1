/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixture for the daemon's protocol unit tests: a configuration parsed from
 * text, the card test double, a mapper with an in-memory (or file) store, a
 * settable clock, and helpers that build PCP requests and send them through
 * the real handlers.
 */
#ifndef RG_TESTS_RGD_FIXTURE_H
#define RG_TESTS_RGD_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../host-tools/libpcp/pcp_wire.h"
#include "../../host-tools/realmgated/config.h"
#include "../../host-tools/realmgated/mapper.h"
#include "../../host-tools/realmgated/proto.h"
#include "card_double.h"

#define FX_INSIDE 0xc0a80101u	/* 192.168.1.1 */
#define FX_HOST_A 0xc0a8010au	/* 192.168.1.10 */
#define FX_HOST_B 0xc0a8010bu	/* 192.168.1.11 */
#define FX_PROXY 0xc0a80105u	/* 192.168.1.5: allowed THIRD_PARTY */
#define FX_OUTSIDE 0xcb007101u	/* 203.0.113.1 */
#define FX_REMOTE 0xcb007102u	/* 203.0.113.2 */
#define FX_REMOTE2 0xcb007103u	/* 203.0.113.3 */
#define FX_STRANGER 0xc6336401u /* 198.51.100.1: not inside */

static const char fx_config[] =
	"inside = { address = \"192.168.1.1\"; prefix = 24; };\n"
	"outside = { address = \"203.0.113.1\"; prefix = 24; gateway = \"203.0.113.254\"; };\n"
	"pools = ( { id = 1; addresses = [ \"203.0.113.1\" ]; ports = \"1024-65535\"; } );\n"
	"pcp = { min_lifetime = 120; max_lifetime = 7200; max_mappings_per_host = 8;\n"
	"        third_party = [ \"192.168.1.5/32\" ]; };\n";

struct fx {
	struct rgd_cfg cfg;
	struct card_double cd;
	struct rgd_store *store;
	struct rgd_mapper m;
	struct rgd_proto p;
	uint64_t now;
	uint32_t epoch;
	uint8_t rsp[RGD_PROTO_MAX_RSP];
	size_t rsp_len;
};

static inline uint64_t fx_clock(void *arg)
{
	return ((struct fx *)arg)->now;
}

static inline uint32_t fx_epoch(void *arg)
{
	return ((struct fx *)arg)->epoch;
}

static inline struct fx *fx_new_with(const char *config, const char *db)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];
	if (!f || rgd_config_parse(config, "test.conf", &f->cfg, err, sizeof(err))) {
		fprintf(stderr, "fixture config: %s\n", err);
		abort();
	}
	card_double_init(&f->cd, FX_OUTSIDE);
	f->store = rgd_store_open(db ? db : ":memory:", err, sizeof(err));
	if (!f->store || rgd_mapper_init(&f->m, &f->cd.card, f->store, &f->cfg))
		abort();
	f->now = 1000000;
	f->epoch = 10;
	f->m.now = fx_clock;
	f->m.now_arg = f;
	f->p.mapper = &f->m;
	f->p.cfg = &f->cfg;
	f->p.epoch = fx_epoch;
	f->p.epoch_arg = f;
	return f;
}

static inline struct fx *fx_new(void)
{
	return fx_new_with(fx_config, NULL);
}

static inline void fx_free(struct fx *f)
{
	rgd_mapper_free(&f->m);
	rgd_store_close(f->store);
	free(f);
}

/* A MAP or PEER request from `from` for its own port. */
static inline struct pcp_msg fx_map(uint32_t from, uint8_t proto, uint16_t in_port,
				    uint32_t lifetime)
{
	struct pcp_msg m;
	memset(&m, 0, sizeof(m));
	m.opcode = PCP_OP_MAP;
	m.lifetime = lifetime;
	pcp_addr_from_v4(&m.client, from);
	memset(m.nonce, 0x5a, sizeof(m.nonce));
	m.proto = proto;
	m.int_port = in_port;
	return m;
}

static inline struct pcp_msg fx_peer(uint32_t from, uint8_t proto, uint16_t in_port, uint32_t rem,
				     uint16_t rport, uint32_t lifetime)
{
	struct pcp_msg m = fx_map(from, proto, in_port, lifetime);
	m.opcode = PCP_OP_PEER;
	m.peer_port = rport;
	pcp_addr_from_v4(&m.peer_addr, rem);
	return m;
}

/* Send raw bytes to the PCP/NAT-PMP port from src; returns the length of
 * the answer (in f->rsp). */
static inline size_t fx_send_raw(struct fx *f, const void *req, size_t len, uint32_t src)
{
	f->rsp_len = rgd_port5351_handle(&f->p, req, len, src, 40000, f->rsp);
	return f->rsp_len;
}

/* Send a PCP request from src; returns the decoded response's result code
 * (-1 when there was no answer), the response in *r. */
static inline int fx_send(struct fx *f, const struct pcp_msg *m, uint32_t src, struct pcp_msg *r)
{
	uint8_t buf[PCP_MAX_LEN];
	size_t n = pcp_encode_request(m, buf, sizeof(buf));
	if (!fx_send_raw(f, buf, n, src))
		return -1;
	if (pcp_decode_response(f->rsp, f->rsp_len, r) != PCP_SUCCESS)
		return -2;
	return r->result;
}

#endif /* RG_TESTS_RGD_FIXTURE_H */
