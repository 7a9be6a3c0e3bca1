/* SPDX-License-Identifier: BSD-2-Clause */
#include "fwenv.h"

#include <stdlib.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "realmgate/counters.h"

const uint8_t FWENV_MAC[4][6] = {
	{ 0x02, 0x52, 0x47, 0, 0, 0x10 },
	{ 0x02, 0x52, 0x47, 0, 0, 0x11 },
	{ 0x02, 0x52, 0x47, 0, 0, 0x12 },
	{ 0x02, 0x52, 0x47, 0, 0, 0x13 },
};
const uint8_t FWENV_GW_MAC[6] = { 0x02, 0, 0, 0, 0xfe, 0xfe };
const uint8_t FWENV_HOST_MAC[6] = { 0x02, 0, 0, 0, 0x0b, 0x0b };

static void capture(struct fwenv *e, unsigned port, const uint8_t *f, uint32_t len)
{
	if (e->n_out == FWENV_OUT_MAX || len > FWENV_FRAME_MAX) {
		e->lost_out++;
		return;
	}
	struct fwenv_frame *o = &e->out[e->n_out++];
	o->port = port;
	o->len = len;
	memcpy(o->data, f, len);
}

static uint32_t hal_now(void *ctx)
{
	return ((struct fwenv *)ctx)->now_ms;
}

static void hal_tx(void *ctx, unsigned port, const uint8_t *f, uint32_t len)
{
	capture(ctx, port, f, len);
}

static void run_fp(struct fwenv *e, unsigned port, const uint8_t *f, uint32_t len, unsigned flags)
{
	uint8_t *out = malloc(len + 64);
	uint32_t out_len = 0;
	struct rg_fp_out_meta m;
	if (!out)
		return;
	rg_fp_process_frame(&e->fp, f, len, port, flags, e->now_ms, out, len + 64, &out_len, &m);
	if (m.verdict == RG_VERDICT_FORWARD) {
		capture(e, m.port, out, out_len);
	} else if (m.verdict == RG_VERDICT_PUNT && !(flags & RG_FPIN_FORCE)) {
		e->depth++;
		if (e->depth < 8)
			rg_fw_punt(e->fw, f, len, port, &m);
		e->depth--;
	} else if (flags & RG_FPIN_FORCE) {
		e->forced_drops++;
	}
	free(out);
}

static void hal_reinject(void *ctx, unsigned port, const uint8_t *f, uint32_t len)
{
	struct fwenv *e = ctx;
	e->reinjected++;
	run_fp(e, port, f, len, RG_FPIN_FORCE);
}

static void hal_event(void *ctx, const struct rg_evt *evt)
{
	struct fwenv *e = ctx;
	if (e->n_evts < sizeof(e->evts) / sizeof(e->evts[0]))
		e->evts[e->n_evts++] = *evt;
}

static uint32_t hal_event_room(void *ctx, uint32_t types)
{
	(void)types;
	return ((struct fwenv *)ctx)->event_room;
}

static void hal_random(void *ctx, void *buf, uint32_t len)
{
	struct fwenv *e = ctx;
	uint8_t *b = buf;
	for (uint32_t i = 0; i < len; i++) {
		e->rnd = e->rnd * 6364136223846793005ull + 1442695040888963407ull;
		b[i] = (uint8_t)(e->rnd >> 56);
	}
}

struct fwenv *fwenv_new(const struct fwenv_opts *o)
{
	struct fwenv *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->out = calloc(FWENV_OUT_MAX, sizeof(*e->out));
	struct rg_fw_params p = o ? o->params : (struct rg_fw_params){ 0 };
	if (!p.mappings)
		p.mappings = 1024;
	if (!p.subscribers)
		p.subscribers = 256;
	if (!p.rules)
		p.rules = 32;
	if (!p.frag_entries)
		p.frag_entries = 32;
	if (!p.neighbours)
		p.neighbours = 64;
	if (!p.pool_addrs)
		p.pool_addrs = 16;
	memcpy(p.port_mac, FWENV_MAC, sizeof(p.port_mac));
	struct rg_fp_geometry g = {
		.buckets_log2 = o && o->buckets_log2 ? o->buckets_log2 : 10,
		.sessions = o && o->sessions ? o->sessions : 1024,
		.adjacencies = p.neighbours + 1,
	};
	size_t fplen = rg_fp_mem_size(&g);
	e->fp_mem = aligned_alloc(64, (fplen + 63) & ~(size_t)63);
	if (!e->out || !e->fp_mem || rg_fp_init(&e->fp, &g, e->fp_mem, fplen))
		goto fail;
	rg_fpdev_soft(&e->dev, &e->fp);
	e->now_ms = 1000000;
	e->rnd = o && o->random_seed ? o->random_seed : 42;
	e->hal = (struct rg_hal){ .ctx = e,
				  .now_ms = hal_now,
				  .tx = hal_tx,
				  .reinject = hal_reinject,
				  .event = hal_event,
				  .random = hal_random,
				  .event_room = hal_event_room };
	e->event_room = UINT32_MAX;
	size_t fwlen = rg_fw_mem_size(&p, &e->dev);
	e->fw_mem = aligned_alloc(64, (fwlen + 63) & ~(size_t)63);
	if (!fwlen || !e->fw_mem)
		goto fail;
	e->fw = rg_fw_init(e->fw_mem, fwlen, &p, &e->hal, &e->dev);
	if (!e->fw)
		goto fail;
	return e;
fail:
	fwenv_free(e);
	return NULL;
}

void fwenv_free(struct fwenv *e)
{
	if (!e)
		return;
	free(e->fw_mem);
	free(e->fp_mem);
	free(e->out);
	free(e);
}

void fwenv_rx(struct fwenv *e, unsigned port, const uint8_t *f, uint32_t len)
{
	run_fp(e, port, f, len, 0);
}

void fwenv_advance(struct fwenv *e, uint32_t ms)
{
	for (uint32_t t = 0; t < ms; t += 10) {
		e->now_ms += ms - t < 10 ? ms - t : 10;
		rg_fw_tick(e->fw);
	}
}

void fwenv_clear(struct fwenv *e)
{
	e->n_out = 0;
	e->lost_out = 0;
	e->n_evts = 0;
}

const struct fwenv_frame *fwenv_find(struct fwenv *e, unsigned port, unsigned *from)
{
	for (unsigned i = from ? *from : 0; i < e->n_out; i++)
		if (e->out[i].port == port) {
			if (from)
				*from = i + 1;
			return &e->out[i];
		}
	return NULL;
}

unsigned fwenv_count(struct fwenv *e, unsigned port)
{
	unsigned n = 0;
	for (unsigned i = 0; i < e->n_out; i++)
		n += e->out[i].port == port;
	return n;
}

uint64_t fwenv_counter(struct fwenv *e, const char *name)
{
	for (uint32_t id = 0; id < RG_FWC_BASE + 1024; id++) {
		const char *n = rg_counter_name(id);
		if (n && strcmp(n, name) == 0)
			return rg_fw_counter(e->fw, id);
	}
	return (uint64_t)-1;
}

void fwenv_std_config(struct fwenv *e, uint8_t mapping, uint8_t filtering)
{
	struct rg_config c;
	memset(&c, 0, sizeof(c));
	c.inside_addr = rg_be32_field(FWENV_IN_ADDR);
	c.inside_plen = 24;
	c.outside_addr = rg_be32_field(FWENV_OUT_ADDR);
	c.outside_plen = 24;
	c.outside_gw = rg_be32_field(FWENV_GW_ADDR);
	c.flags = 0x0001; /* hairpin */
	rg_fw_set_config(e->fw, &c);
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 0;
	p.mode = 0;
	p.mapping = mapping;
	p.filtering[0] = p.filtering[1] = p.filtering[2] = filtering;
	p.flags = 0x1 | 0x2; /* port preservation, parity */
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 8;
	rg_fw_pool_set(e->fw, &p);
	struct rg_pool_range r = { .id = 0,
				   .lo = rg_be32_field(FWENV_POOL_LO),
				   .hi = rg_be32_field(FWENV_POOL_HI) };
	rg_fw_pool_add_range(e->fw, &r);
}

enum rg_status fwenv_port_block_pool(struct fwenv *e, uint16_t block_size)
{
	struct rg_pool p;
	memset(&p, 0, sizeof(p));
	p.id = 0;
	p.mode = RG_POOL_PORT_BLOCK;
	p.filtering[0] = p.filtering[1] = p.filtering[2] = RG_FILTER_APDF;
	p.port_lo = 1024;
	p.port_hi = 65535;
	p.block_size = block_size;
	p.sub_addr = rg_be32_field(0x0a000000u);
	p.sub_plen = 8;
	return rg_fw_pool_set(e->fw, &p);
}

int fwenv_fixture(void **state, uint8_t mapping, uint8_t filtering)
{
	struct fwenv *e = fwenv_new(NULL);
	if (!e)
		return -1;
	fwenv_std_config(e, mapping, filtering);
	*state = e;
	return 0;
}

int fwenv_fixture_free(void **state)
{
	fwenv_free(*state);
	return 0;
}

void fwenv_arp_reply(struct fwenv *e, unsigned port, uint32_t addr, const uint8_t *mac)
{
	uint8_t f[60];
	uint32_t me = port == 0 ? FWENV_IN_ADDR : FWENV_OUT_ADDR;
	fwenv_rx(e, port, f, pkt_build_arp(f, FWENV_MAC[port], mac, 2, addr, FWENV_MAC[port], me));
}

struct pkt_spec fwenv_pkt_in(uint32_t src, const uint8_t *smac, uint32_t dst, uint8_t proto,
			     uint16_t sport, uint16_t dport)
{
	struct pkt_spec p;
	memset(&p, 0, sizeof(p));
	memcpy(p.dmac, FWENV_MAC[0], 6);
	memcpy(p.smac, smac, 6);
	p.src = src;
	p.dst = dst;
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.icmp_type = 8;
	p.icmp_id = sport;
	p.tcp_flags = 0x02;
	return p;
}

struct pkt_spec fwenv_pkt_out(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
			      uint16_t dport)
{
	struct pkt_spec p;
	memset(&p, 0, sizeof(p));
	memcpy(p.dmac, FWENV_MAC[1], 6);
	memcpy(p.smac, FWENV_GW_MAC, 6);
	p.src = src;
	p.dst = dst;
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.icmp_type = 0;
	p.icmp_id = dport;
	p.tcp_flags = 0x12;
	return p;
}

void fwenv_send(struct fwenv *e, unsigned port, const struct pkt_spec *s)
{
	uint8_t f[2048];
	uint32_t n = pkt_build(s, f, sizeof(f));
	if (!n)
		return;
	fwenv_rx(e, port, f, n);
}

/* Send one packet out and return the translated frame seen on the outside
 * (resolving the gateway the first time). */
const struct fwenv_frame *fwenv_first_ipv4(struct fwenv *e, unsigned port)
{
	unsigned i = 0;
	const struct fwenv_frame *f;
	while ((f = fwenv_find(e, port, &i)) != NULL)
		if (rg_get_be16(f->data + 12) == 0x0800)
			return f;
	return NULL;
}

const struct fwenv_frame *fwenv_out_of(struct fwenv *e, const struct pkt_spec *s)
{
	fwenv_clear(e);
	fwenv_send(e, 0, s);
	const struct fwenv_frame *f = fwenv_first_ipv4(e, 1);
	if (f)
		return f;
	/* the gateway is not resolved yet: answer the firmware's ARP */
	e->n_out = 0;
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	return fwenv_first_ipv4(e, 1);
}

struct pkt_spec fwenv_pkt_host(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	struct pkt_spec h;
	memset(&h, 0, sizeof(h));
	memcpy(h.dmac, FWENV_MAC[2], 6);
	memcpy(h.smac, FWENV_HOST_MAC, 6);
	h.src = src;
	h.dst = dst;
	h.proto = 17;
	h.sport = sport;
	h.dport = dport;
	return h;
}
