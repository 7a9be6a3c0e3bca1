/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exhaustion behaves alike whatever runs out (RFC 6888, nat-behaviour.md
 * carrier-grade): the pool's ports, the mapping table, the session table or
 * its index, the subscriber table, the fragment tracking table.
 * The packet is dropped under its counter, the host gets a POOL_EXHAUSTED
 * event naming the inside host and what ran out, the inside host gets ICMP
 * destination unreachable code 13 when the configuration asks for it (and
 * only then), and nothing live is evicted to make room. Quotas (QUOTA
 * events) are in test_fw_alloc.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/lib/bytes.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t MAC_H2[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R(n) PKT_IPV4(192, 0, 2, (n))

/* rg_evt_quota.kind of POOL_EXHAUSTED events */
#define KIND_POOL 2
#define KIND_MAP_TABLE 3
#define KIND_SESS_TABLE 4

static struct fwenv *env_with(uint32_t mappings, uint32_t sessions, uint8_t filtering)
{
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.mappings = mappings;
	o.sessions = sessions;
	o.buckets_log2 = sessions ? 4 : 0;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, filtering);
	return e;
}

static void unreach_on_exhaustion(struct fwenv *e, int on)
{
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	if (on)
		c.flags |= RG_CFG_UNREACH_ON_QUOTA;
	else
		c.flags &= (uint16_t)~RG_CFG_UNREACH_ON_QUOTA;
	assert_int_equal(rg_fw_set_config(e->fw, &c), RG_ST_OK);
}

/* Send from the inside, expect it on the outside; returns the source port
 * it got. */
static uint16_t passes(struct fwenv *e, const struct pkt_spec *s)
{
	const struct fwenv_frame *o = fwenv_out_of(e, s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	return v.sport;
}

/* The only exhaustion event since the last clear (QUOTA or POOL_EXHAUSTED). */
static struct rg_evt_quota exhaustion_event(struct fwenv *e)
{
	struct rg_evt_quota q;
	int n = 0;
	memset(&q, 0, sizeof(q));
	for (unsigned i = 0; i < e->n_evts; i++) {
		assert_int_not_equal(e->evts[i].type, RG_EVT_QUOTA);
		if (e->evts[i].type != RG_EVT_POOL_EXHAUSTED)
			continue;
		memcpy(&q, e->evts[i].payload, sizeof(q));
		n++;
	}
	assert_int_equal(n, 1);
	return q;
}

/* The refused packet: not forwarded; ICMP 3/13 to the sender when wanted. */
static void refused(struct fwenv *e, const struct pkt_spec *s, int unreach)
{
	fwenv_clear(e);
	fwenv_send(e, 0, s);
	assert_null(fwenv_first_ipv4(e, 1));
	const struct fwenv_frame *err = fwenv_first_ipv4(e, 0);
	if (!unreach) {
		assert_null(err);
		return;
	}
	assert_non_null(err);
	struct pkt_view v;
	assert_int_equal(pkt_parse(err->data, err->len, &v), 0);
	assert_int_equal(v.proto, 1);
	assert_int_equal(v.dst, s->src);
	assert_int_equal(v.src, FWENV_IN_ADDR);
	assert_int_equal(err->data[v.l4], 3);
	assert_int_equal(err->data[v.l4 + 1], 13);
	assert_int_equal(rg_get_be32(err->data + v.l4 + 8 + 12), s->src); /* the quote */
	assert_true(pkt_checksums_ok(err->data, err->len));
}

/* The first flow's remote answers: it still goes through. */
static void first_flow_alive(struct fwenv *e, uint32_t remote, uint16_t out_port)
{
	struct pkt_spec r = fwenv_pkt_out(remote, FWENV_POOL_LO, 17, 53, out_port);
	struct pkt_spec r2 = fwenv_pkt_out(remote, FWENV_POOL_HI, 17, 53, out_port);
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	fwenv_send(e, 1, &r2); /* whichever address H1 is paired with */
	const struct fwenv_frame *in = fwenv_first_ipv4(e, 0);
	assert_non_null(in);
	struct pkt_view v;
	pkt_parse(in->data, in->len, &v);
	assert_int_equal(v.dst, H1);
}

static void check_event(struct fwenv *e, uint8_t kind, uint32_t in_addr, uint32_t limit)
{
	struct rg_evt_quota q = exhaustion_event(e);
	assert_int_equal(q.kind, kind);
	assert_int_equal(rg_be32_val(q.in_addr), in_addr);
	assert_int_equal(q.proto, 17);
	assert_int_equal(q.limit, limit);
}

/* The pool's ports run out: POOL_EXHAUSTED (it used to be untested). */
static void test_pool_ports_exhausted(void **state)
{
	(void)state;
	struct fwenv *e = env_with(0, 0, RG_FILTER_APDF);
	struct rg_pool p;
	uint32_t next;
	assert_int_equal(rg_fw_pool_list(e->fw, 0, &p, 1, &next), 1);
	p.port_lo = p.port_hi = 2000; /* one port per address */
	p.flags = 0;
	assert_int_equal(rg_fw_pool_set(e->fw, &p), RG_ST_OK);
	unreach_on_exhaustion(e, 1);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(7), 17, 1111, 53);
	uint16_t port = passes(e, &s);
	assert_int_equal(port, 2000);
	s.sport = 1112;
	refused(e, &s, 1);
	assert_int_equal(fwenv_counter(e, "drop-pool-exhausted"), 1);
	check_event(e, KIND_POOL, H1, 0);
	unreach_on_exhaustion(e, 0);
	refused(e, &s, 0);
	check_event(e, KIND_POOL, H1, 0);
	assert_int_equal(fwenv_counter(e, "drop-pool-exhausted"), 2);
	first_flow_alive(e, R(7), port);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1);
	fwenv_free(e);
}

/* The mapping table is full: dropped, counted, reported, 3/13 when
 * configured; the mappings there stay. */
static void test_mapping_table_exhausted(void **state)
{
	(void)state;
	struct fwenv *e = env_with(2, 0, RG_FILTER_APDF);
	unreach_on_exhaustion(e, 1);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(7), 17, 1111, 53);
	uint16_t port = passes(e, &s);
	s.sport = 1112;
	passes(e, &s);
	s.sport = 1113;
	refused(e, &s, 1);
	assert_int_equal(fwenv_counter(e, "drop-mapping-table-full"), 1);
	check_event(e, KIND_MAP_TABLE, H1, 2);
	/* another subscriber is refused alike */
	struct pkt_spec t = fwenv_pkt_in(H2, MAC_H2, R(7), 17, 1111, 53);
	refused(e, &t, 1);
	check_event(e, KIND_MAP_TABLE, H2, 2);
	unreach_on_exhaustion(e, 0);
	refused(e, &s, 0);
	check_event(e, KIND_MAP_TABLE, H1, 2);
	assert_int_equal(fwenv_counter(e, "drop-mapping-table-full"), 3);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 2);
	first_flow_alive(e, R(7), port);
	/* a new session on a live mapping needs no new mapping: fine */
	s.sport = 1111;
	s.dst = R(8);
	passes(e, &s);
	fwenv_free(e);
}

/* The session table is full: outbound refused like the others; inbound
 * reported too, but the remote is not sent ICMP (as for quotas). */
static void test_session_table_exhausted(void **state)
{
	(void)state;
	struct fwenv *e = env_with(0, 4, RG_FILTER_EIF);
	unreach_on_exhaustion(e, 1);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(1), 17, 1111, 53);
	uint16_t port = passes(e, &s);
	for (unsigned i = 2; i <= 4; i++) {
		s.dst = R(i);
		assert_int_equal(passes(e, &s), port);
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), 4);
	s.dst = R(5);
	refused(e, &s, 1);
	assert_int_equal(fwenv_counter(e, "drop-session-table-full"), 1);
	check_event(e, KIND_SESS_TABLE, H1, 4);
	/* a new subscriber's mapping is not left behind by the refusal */
	struct pkt_spec t = fwenv_pkt_in(H2, MAC_H2, R(5), 17, 2222, 53);
	refused(e, &t, 1);
	check_event(e, KIND_SESS_TABLE, H2, 4);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1);
	unreach_on_exhaustion(e, 0);
	refused(e, &s, 0);
	check_event(e, KIND_SESS_TABLE, H1, 4);
	/* inbound (EIF admits R(6)): reported, nothing sent either way */
	unreach_on_exhaustion(e, 1);
	struct pkt_spec r = fwenv_pkt_out(R(6), FWENV_POOL_LO, 17, 53, port);
	struct pkt_spec r2 = fwenv_pkt_out(R(6), FWENV_POOL_HI, 17, 53, port);
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	fwenv_send(e, 1, &r2);
	assert_int_equal(e->n_out, 0);
	check_event(e, KIND_SESS_TABLE, H1, 4);
	assert_int_equal(fwenv_counter(e, "drop-session-table-full"), 4);
	/* nothing live was evicted */
	assert_int_equal(fwenv_counter(e, "sessions-active"), 4);
	first_flow_alive(e, R(1), port);
	fwenv_free(e);
}

/* The session index has no slot for a new flow's keys (here a 16-slot
 * index in front of 32 session entries): the same refusal as a full
 * session table, counted as an index insert failure too, the session entry
 * it had taken given back, nothing live touched. */
static void test_session_index_full(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.sessions = 32;
	o.buckets_log2 = 1; /* 2 banks x 2 buckets x 4 slots, 2 slots per session */
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_EIF);
	unreach_on_exhaustion(e, 1);
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(1), 17, 1111, 53);
	uint16_t port = passes(e, &s);
	unsigned made = 1, n = 2;
	for (; n <= 9; n++) {
		s.dst = R(n);
		fwenv_clear(e);
		fwenv_send(e, 0, &s);
		if (!fwenv_first_ipv4(e, 1))
			break;
		made++;
	}
	assert_true(made >= 6 && made <= 8); /* cuckoo fills 75 % at least */
	assert_int_equal(fwenv_counter(e, "sessions-active"), made);
	assert_int_equal(fwenv_counter(e, "drop-session-table-full"), 1);
	assert_int_equal(fwenv_counter(e, "session-insert-failures"), 1);
	/* the refused flow again: refused again, with ICMP 3/13 and the event */
	refused(e, &s, 1);
	check_event(e, KIND_SESS_TABLE, H1, 32);
	assert_int_equal(fwenv_counter(e, "session-insert-failures"), 2);
	assert_int_equal(fwenv_counter(e, "sessions-active"), made);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 1);
	/* every session made still answers */
	first_flow_alive(e, R(1), port);
	for (unsigned i = 2; i < n; i++)
		first_flow_alive(e, R(i), port);
	fwenv_free(e);
}

/* The subscriber table is full: a further inside host is refused (counted
 * and reported); the hosts that have state keep it and keep working. */
static void test_subscriber_table_full(void **state)
{
	(void)state;
	struct fwenv_opts o;
	memset(&o, 0, sizeof(o));
	o.params.subscribers = 2;
	struct fwenv *e = fwenv_new(&o);
	assert_non_null(e);
	fwenv_std_config(e, RG_MAP_EIM, RG_FILTER_EIF);
	struct pkt_spec a = fwenv_pkt_in(H1, MAC_H1, R(1), 17, 1111, 53);
	struct pkt_spec b = fwenv_pkt_in(H2, MAC_H2, R(1), 17, 2222, 53);
	static const uint8_t MAC_H3[6] = { 0x02, 0, 0, 0, 0x01, 0x03 };
	struct pkt_spec c = fwenv_pkt_in(PKT_IPV4(10, 0, 0, 7), MAC_H3, R(1), 17, 3333, 53);
	uint16_t port = passes(e, &a);
	passes(e, &b);
	fwenv_clear(e);
	fwenv_send(e, 0, &c);
	assert_null(fwenv_first_ipv4(e, 1));
	assert_int_equal(fwenv_counter(e, "drop-subscriber-table-full"), 1);
	assert_int_equal(fwenv_counter(e, "subscribers-active"), 2);
	struct rg_evt_quota q = exhaustion_event(e);
	assert_int_equal(q.kind, RG_EXH_SUB_TABLE);
	assert_int_equal(rg_be32_val(q.in_addr), PKT_IPV4(10, 0, 0, 7));
	assert_int_equal(q.limit, 2);
	/* the known hosts still open new flows */
	a.dst = R(2);
	assert_int_equal(passes(e, &a), port);
	first_flow_alive(e, R(1), port);
	fwenv_free(e);
}

/* Early fragments fill the tracking table (32 entries in fwenv): the next
 * one is dropped, counted and reported with the sender; once the held ones
 * time out there is room again. */
static void test_fragment_table_full(void **state)
{
	(void)state;
	struct fwenv *e = env_with(0, 0, RG_FILTER_EIF);
	uint8_t payload[64];
	memset(payload, 0x33, sizeof(payload));
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R(1), 17, 41000, 53);
	s.payload = payload;
	s.payload_len = sizeof(payload);
	s.proto = 254; /* no L4 header: the bytes are a later fragment's */
	s.frag = 100;  /* offset 800, last fragment: its first is still to come */
	for (uint16_t id = 1; id <= 32; id++) {
		s.ip_id = id;
		fwenv_send(e, 0, &s);
	}
	assert_int_equal(fwenv_counter(e, "drop-fragment-table-full"), 0);
	fwenv_clear(e);
	s.ip_id = 33;
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_counter(e, "drop-fragment-table-full"), 1);
	struct rg_evt_quota q = exhaustion_event(e);
	assert_int_equal(q.kind, RG_EXH_FRAG_TABLE);
	assert_int_equal(rg_be32_val(q.in_addr), H1);
	assert_int_equal(q.limit, 32);
	fwenv_advance(e, 12000);
	assert_int_equal(fwenv_counter(e, "drop-fragment-timeout"), 32);
	fwenv_send(e, 0, &s);
	assert_int_equal(fwenv_counter(e, "drop-fragment-table-full"), 1);
	fwenv_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_ports_exhausted),
		cmocka_unit_test(test_mapping_table_exhausted),
		cmocka_unit_test(test_session_table_exhausted),
		cmocka_unit_test(test_session_index_full),
		cmocka_unit_test(test_subscriber_table_full),
		cmocka_unit_test(test_fragment_table_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
