/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP connection tracking after the handshake (RFC 5382 REQ-5, RFC 7857
 * section 2.2): a FIN in one direction starts the transitory timeout, which
 * traffic of the half-closed connection still refreshes; FINs both ways fix
 * the deadline (time-wait: never refreshed) and the session ends with
 * reason TCP_FIN; a retransmitted FIN changes nothing; a new SYN on a
 * closed connection's 5-tuple opens it again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/fw.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R1 PKT_IPV4(192, 0, 2, 7)

/* firmware session states as listings report them (fw_internal.h) */
enum { ST_SYN_OUT = 3, ST_EST = 5, ST_FIN_OUT = 6, ST_FIN_IN = 7, ST_FIN_BOTH = 8 };
#define TRANSITORY_S 240u /* the default tcp_trans_timeout_s */

#define FIN_ACK 0x11
#define SYN 0x02
#define SYN_ACK 0x12
#define ACK 0x10

struct conn {
	struct fwenv *e;
	struct pkt_spec in;  /* H1:33000 -> R1:80 */
	struct pkt_spec out; /* R1:80 -> the outside endpoint */
};

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

/* A connection through the handshake: established. */
static struct conn established(struct fwenv *e)
{
	struct conn c = { .e = e };
	c.in = fwenv_pkt_in(H1, MAC_H1, R1, 6, 33000, 80);
	c.in.tcp_flags = SYN;
	const struct fwenv_frame *o = fwenv_out_of(e, &c.in);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	c.out = fwenv_pkt_out(R1, v.src, 6, 80, v.sport);
	c.out.tcp_flags = SYN_ACK;
	fwenv_send(e, 1, &c.out);
	return c;
}

/* The session's record; state 0 when there is none. */
static struct rg_session_rec session(struct fwenv *e)
{
	struct rg_session_rec r[2];
	uint32_t next;
	memset(r, 0, sizeof(r));
	uint32_t n = rg_fw_session_list(e->fw, 0, r, 2, &next);
	assert_true(n <= 1);
	return r[0];
}

static void send_flags(struct conn *c, unsigned port, uint8_t flags)
{
	struct pkt_spec *s = port ? &c->out : &c->in;
	s->tcp_flags = flags;
	fwenv_send(c->e, port, s);
}

/* The reason of the last SESSION_DELETE event, -1 if none. */
static int close_reason(struct fwenv *e)
{
	int reason = -1;
	for (unsigned i = 0; i < e->n_evts; i++)
		if (e->evts[i].type == RG_EVT_SESSION_DELETE) {
			struct rg_evt_nat n;
			memcpy(&n, e->evts[i].payload, sizeof(n));
			reason = n.reason;
		}
	return reason;
}

static void test_fin_both_ways_is_time_wait(void **state)
{
	struct conn c = established(*state);
	assert_int_equal(session(c.e).state, ST_EST);

	send_flags(&c, 0, FIN_ACK);
	struct rg_session_rec r = session(c.e);
	assert_int_equal(r.state, ST_FIN_OUT);
	assert_in_range(r.expires_in_s, TRANSITORY_S, TRANSITORY_S + 1);
	/* the remote's FIN: both closed, the deadline fixed from now */
	fwenv_advance(c.e, 100 * 1000);
	send_flags(&c, 1, FIN_ACK);
	r = session(c.e);
	assert_int_equal(r.state, ST_FIN_BOTH);
	assert_in_range(r.expires_in_s, TRANSITORY_S, TRANSITORY_S + 1);
	/* the last ACK and retransmissions do not move it */
	fwenv_advance(c.e, 200 * 1000);
	send_flags(&c, 0, ACK);
	send_flags(&c, 1, ACK);
	fwenv_clear(c.e);
	fwenv_advance(c.e, 42 * 1000);
	assert_int_equal(session(c.e).state, 0);
	assert_int_equal(close_reason(c.e), RG_CLOSE_TCP_FIN);
}

static void test_half_closed_is_refreshed_by_traffic(void **state)
{
	struct conn c = established(*state);
	send_flags(&c, 1, FIN_ACK); /* the remote closes its side first */
	assert_int_equal(session(c.e).state, ST_FIN_IN);
	/* the inside host goes on sending (fast path) every 200 s */
	for (unsigned i = 0; i < 3; i++) {
		fwenv_advance(c.e, 200 * 1000);
		send_flags(&c, 0, ACK);
		assert_int_equal(session(c.e).state, ST_FIN_IN);
	}
	/* a retransmitted FIN changes nothing */
	send_flags(&c, 1, FIN_ACK);
	assert_int_equal(session(c.e).state, ST_FIN_IN);
	/* then silence: gone after the transitory timeout, as a timeout */
	fwenv_clear(c.e);
	fwenv_advance(c.e, (TRANSITORY_S + 2) * 1000);
	assert_int_equal(session(c.e).state, 0);
	assert_int_equal(close_reason(c.e), RG_CLOSE_TIMEOUT);
}

static void test_syn_after_close_reopens(void **state)
{
	struct conn c = established(*state);
	send_flags(&c, 0, FIN_ACK);
	send_flags(&c, 1, FIN_ACK);
	assert_int_equal(session(c.e).state, ST_FIN_BOTH);
	uint16_t out_port = session(c.e).out_port;
	/* the same 5-tuple again (port reuse in time-wait, RFC 7857 2.2) */
	fwenv_advance(c.e, 10 * 1000);
	send_flags(&c, 0, SYN);
	struct rg_session_rec r = session(c.e);
	assert_int_equal(r.state, ST_SYN_OUT);
	assert_int_equal(r.out_port, out_port);
	send_flags(&c, 1, SYN_ACK);
	assert_int_equal(session(c.e).state, ST_EST);
	assert_true(session(c.e).expires_in_s >= 7440);
}

static void test_fin_retransmitted_then_rst(void **state)
{
	struct conn c = established(*state);
	send_flags(&c, 0, FIN_ACK);
	assert_int_equal(session(c.e).state, ST_FIN_OUT);
	send_flags(&c, 0, FIN_ACK); /* retransmitted */
	assert_int_equal(session(c.e).state, ST_FIN_OUT);
	/* an RST ends it: 4 minutes, reason TCP_RST */
	send_flags(&c, 1, 0x04);
	struct rg_session_rec r = session(c.e);
	assert_int_equal(r.state, 9);
	fwenv_clear(c.e);
	fwenv_advance(c.e, (TRANSITORY_S + 2) * 1000);
	assert_int_equal(session(c.e).state, 0);
	assert_int_equal(close_reason(c.e), RG_CLOSE_TCP_RST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fin_both_ways_is_time_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_closed_is_refreshed_by_traffic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_syn_after_close_reopens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fin_retransmitted_then_rst, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
