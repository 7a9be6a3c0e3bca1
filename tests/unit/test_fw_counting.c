/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Drops the slow path used to count under another cause's name, or not at
 * all: each must now move its own counter and leave the others alone. A
 * full held-SYN table is not a held SYN timing out; an early fragment too
 * big for a buffer is not a full fragment table; ICMP errors that arrive
 * fragmented and errors whose session the device will not read are
 * counted; a side without a card address is no route; frames for a host
 * that never came up take a bounded share of the ARP queue (host port down).
 * Oversize frames and fragmented errors also appear in test_fw_parse.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../../firmware/slowpath/fw_internal.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define ROUTER PKT_IPV4(198, 18, 0, 1)

static int setup_with(void **state, uint32_t held_syns)
{
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.held_syns = held_syns;
	struct fwenv *e = fwenv_new(&o);
	if (!e)
		return -1;
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_APDF);
	*state = e;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, 0);
}

static int setup_two_held(void **state)
{
	return setup_with(state, 2);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static unsigned ipv4_count(struct fwenv *e, unsigned port)
{
	unsigned n = 0;
	for (unsigned i = 0; i < e->n_out; i++)
		n += e->out[i].port == port && rg_get_be16(e->out[i].data + 12) == 0x0800;
	return n;
}

/* H1's UDP flow to R1:53 through the card; returns its outside view. */
static struct pkt_view udp_flow(struct fwenv *e)
{
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	const struct fwenv_frame *o = fwenv_out_of(e, &s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	return v;
}

/* A router's port unreachable toward the flow's outside endpoint, quoting
 * the packet the card sent (v is its outside view, o the frame). */
static uint32_t error_about(const struct pkt_view *v, uint16_t frag, uint8_t *f)
{
	uint8_t quote[28];
	struct pkt_spec q = fwenv_pkt_out(v->src, v->dst, 17, v->sport, v->dport);
	uint8_t qf[128];
	pkt_build(&q, qf, sizeof(qf));
	memcpy(quote, qf + 14, sizeof(quote));
	struct pkt_spec s = fwenv_pkt_out(ROUTER, v->src, 1, 0, 0);
	s.icmp_type = 3;
	s.icmp_code = 3;
	s.icmp_id = 0;
	s.payload = quote;
	s.payload_len = sizeof(quote);
	s.frag = frag;
	return pkt_build(&s, f, 256);
}

/* A full held-SYN table drops the SYN at once, under its own name; the
 * held ones still time out as unsolicited SYNs. */
static void test_syn_hold_table_full(void **state)
{
	struct fwenv *e = *state;
	fwenv_arp_reply(e, 1, FWENV_GW_ADDR, FWENV_GW_MAC);
	for (uint16_t i = 0; i < 3; i++) {
		struct pkt_spec r = fwenv_pkt_out(R1, FWENV_POOL_LO, 6, (uint16_t)(5000 + i), 4444);
		r.tcp_flags = 0x02;
		fwenv_send(e, 1, &r);
	}
	assert_int_equal(fwenv_counter(e, "syns-held"), 2);
	assert_int_equal(fwenv_counter(e, "drop-syn-hold-table-full"), 1);
	assert_int_equal(fwenv_counter(e, "drop-unsolicited-syn"), 0);
	fwenv_advance(e, 7500);
	assert_int_equal(fwenv_counter(e, "drop-unsolicited-syn"), 2);
	assert_int_equal(fwenv_counter(e, "drop-syn-hold-table-full"), 1);
}

/* An early fragment larger than a buffer (a jumbo port's) is held as
 * smaller fragments of itself; with DF set it cannot be split, and is too
 * big, not a full table: a small one of the same kind is held. */
static void test_early_fragment_too_big(void **state)
{
	struct fwenv *e = *state;
	static uint8_t payload[1700];
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 41000, 53);
	s.payload = payload;
	s.payload_len = sizeof(payload);
	s.proto = 254; /* no L4 header: the bytes are a later fragment's */
	s.frag = 100;  /* offset 800, last fragment */
	s.ip_id = 7;
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_counter(e, "fragments-held-split"), 1);
	assert_int_equal(fwenv_counter(e, "drop-fragment-too-big-to-hold"), 0);
	s.ip_id = 9;
	s.frag = 0x4000 | 100; /* DF on a fragment: it may not be split */
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_counter(e, "drop-fragment-too-big-to-hold"), 1);
	assert_int_equal(fwenv_counter(e, "drop-fragment-table-full"), 0);
	s.frag = 100;
	s.payload_len = 200;
	s.ip_id = 8;
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_counter(e, "drop-fragment-too-big-to-hold"), 1);
	assert_int_equal(fwenv_counter(e, "drop-fragment-table-full"), 0);
	assert_int_equal(e->n_out, 0);
	fwenv_advance(e, 12000); /* the held ones time out, counted: two pieces and one */
	assert_int_equal(fwenv_counter(e, "drop-fragment-timeout"), 3);
}

/* A fragmented ICMP error about a live flow is dropped and counted; the
 * same error unfragmented is translated. */
static void test_fragmented_icmp_error_counted(void **state)
{
	struct fwenv *e = *state;
	struct pkt_view v = udp_flow(e);
	uint8_t f[256];
	uint32_t n = error_about(&v, 0x2000, f);
	fwenv_clear(e);
	fwenv_rx(e, 1, f, n);
	assert_int_equal(e->n_out, 0);
	assert_int_equal(fwenv_counter(e, "drop-icmp-error-fragment"), 1);
	assert_int_equal(fwenv_counter(e, "icmp-errors-translated"), 0);
	n = error_about(&v, 0, f);
	fwenv_rx(e, 1, f, n);
	assert_int_equal(ipv4_count(e, 0), 1);
	assert_int_equal(fwenv_counter(e, "icmp-errors-translated"), 1);
	assert_int_equal(fwenv_counter(e, "drop-icmp-error-fragment"), 1);
}

/* A fast path device whose session reads fail from a given call on. */
static const struct rg_fpdev_ops *real_ops;
static struct rg_fpdev_ops flaky_ops;
static unsigned reads, fail_at;

static int flaky_read(void *ctx, uint32_t idx, struct rg_session *s)
{
	if (++reads == fail_at)
		return -1;
	return real_ops->read_session(ctx, idx, s);
}

/* The session of an ICMP error is found but the device will not read it:
 * the error is dropped under a counter, not silently. */
static void test_icmp_session_read_failure_counted(void **state)
{
	struct fwenv *e = *state;
	struct pkt_view v = udp_flow(e);
	uint8_t f[256];
	uint32_t n = error_about(&v, 0, f);
	struct rg_fw *fw = e->fw;
	real_ops = fw->dev.ops;
	flaky_ops = *real_ops;
	flaky_ops.read_session = flaky_read;
	fw->dev.ops = &flaky_ops;
	/* count the reads an error costs: the last is the translation's own */
	reads = 0;
	fail_at = 0;
	fwenv_clear(e);
	fwenv_rx(e, 1, f, n);
	assert_int_equal(ipv4_count(e, 0), 1);
	unsigned per_error = reads;
	assert_true(per_error >= 2); /* the lookup's, then the translation's */
	reads = 0;
	fail_at = per_error;
	fwenv_clear(e);
	fwenv_rx(e, 1, f, n);
	fw->dev.ops = real_ops;
	assert_int_equal(e->n_out, 0);
	assert_int_equal(fwenv_counter(e, "drop-session-unreadable"), 1);
	assert_int_equal(fwenv_counter(e, "icmp-errors-translated"), 1);
	assert_int_equal(fwenv_counter(e, "drop-icmp-error-no-mapping"), 0);
}

/* Without an outside address the card cannot ask ARP or answer for its
 * addresses there: a new flow outward has no route, and nothing is left
 * half made (no session, no mapping, no ARP request). */
static void test_no_route_without_side_address(void **state)
{
	struct fwenv *e = *state;
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.outside_addr = 0;
	c.outside_plen = 0;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	fwenv_clear(e);
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-no-route"), 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
	assert_int_equal(fwenv_counter(e, "drop-arp-unresolved"), 0);
	/* the host's frame outward from a pool address: no route either, once */
	struct pkt_spec h = fwenv_pkt_host(FWENV_POOL_LO, R1, 5351, 5350);
	fwenv_send(e, 2, &h);
	assert_int_equal(fwenv_counter(e, "drop-no-route"), 2);
	fwenv_advance(e, 5000); /* nothing was queued to time out either */
	assert_int_equal(fwenv_counter(e, "drop-arp-unresolved"), 0);
	assert_int_equal(fwenv_count(e, 1), 0);
}

/* Frames of a session toward the host port wait for the host to be heard
 * from, but only a few: the rest are counted as host port down. */
static void test_host_port_down_bounded(void **state)
{
	struct fwenv *e = *state;
	/* a redirection of H1's DNS to the daemon (the shape of seed 002's
	 * proxy rules): the remote side is the host port */
	struct fw_new_sess n;
	memset(&n, 0, sizeof(n));
	n.proto = 17;
	n.in_side = RG_PORT_INSIDE;
	n.rem_side = RG_PORT_HOST;
	n.in_addr = n.out_addr = H1;
	n.in_port = n.out_port = 40000;
	n.rem_xaddr = R1;
	n.rem_xport = 53;
	n.rem_addr = FWENV_IN_ADDR;
	n.rem_port = 53;
	n.sflags = FW_SF_RULE;
	n.state = FW_SS_UDP;
	n.map = FW_NONE;
	enum rg_status st;
	assert_int_not_equal(fw_sess_create(e->fw, &n, &st), FW_NONE);
	assert_int_equal(st, RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	fwenv_clear(e);
	for (unsigned i = 0; i < 6; i++)
		fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_count(e, 2), 0);
	assert_int_equal(fwenv_counter(e, "drop-host-port-down"), 2);
	assert_int_equal(fwenv_counter(e, "drop-arp-unresolved"), 0);
	/* the host speaks (its ARP): the ones that waited go to it */
	uint8_t f[60];
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	fwenv_clear(e);
	fwenv_rx(e, 2, f, pkt_build_arp(f, bcast, FWENV_HOST_MAC, 1, FWENV_IN_ADDR, NULL, H1));
	assert_int_equal(ipv4_count(e, 2), 4);
	for (unsigned i = 0; i < e->n_out; i++) {
		if (e->out[i].port != 2 || rg_get_be16(e->out[i].data + 12) != 0x0800)
			continue;
		struct pkt_view v;
		assert_int_equal(pkt_parse(e->out[i].data, e->out[i].len, &v), 0);
		assert_int_equal(v.dst, FWENV_IN_ADDR);
		assert_int_equal(v.src, H1);
	}
	assert_int_equal(fwenv_counter(e, "drop-host-port-down"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syn_hold_table_full, setup_two_held, teardown),
		cmocka_unit_test_setup_teardown(test_early_fragment_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmented_icmp_error_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_icmp_session_read_failure_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_route_without_side_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_port_down_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
