/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Echo requests to the card's own addresses that arrive in fragments
 * (`ping -s 3000 10.0.0.1`) are put back together and answered, in
 * fragments when the answer does not fit the port's MTU: in order, out of
 * order, repeated pieces, from both realms. Bad ones are not answered and
 * are counted: a bad checksum over the whole message, a piece past the
 * largest datagram, pieces that contradict the length, a datagram that
 * never completes (its slot comes back after the fragment timeout), more
 * datagrams at once than there are slots. Fragments of translated flows
 * are untouched by this (test_fw_napt and the replay cases).
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

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R1 PKT_IPV4(192, 0, 2, 7)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

struct dgram {
	uint8_t f[12000];
	uint32_t len;
	uint32_t l3; /* IP header offset (20-byte header) */
};

/* An echo request of n payload bytes from src to dst arriving on port. */
static void echo_request(struct dgram *d, unsigned port, uint32_t src, uint32_t dst, uint32_t n,
			 uint16_t id)
{
	static uint8_t payload[10000];
	for (uint32_t i = 0; i < n; i++)
		payload[i] = (uint8_t)(i * 7 + id);
	struct pkt_spec s = port == 0 ? fwenv_pkt_in(src, MAC_H1, dst, 1, id, 0)
				      : fwenv_pkt_out(src, dst, 1, 0, id);
	s.icmp_type = 8;
	s.icmp_id = id;
	s.icmp_seq = 1;
	s.ip_id = id;
	s.payload = payload;
	s.payload_len = n;
	d->len = pkt_build(&s, d->f, sizeof(d->f));
	assert_true(d->len > 0);
	d->l3 = 14;
}

/* Piece [off, off+len) of d's IP payload (off a multiple of 8) as a frame. */
static uint32_t piece(const struct dgram *d, uint32_t off, uint32_t len, uint8_t *out)
{
	uint32_t total = d->len - d->l3 - 20;
	if (off + len > total)
		len = total - off;
	memcpy(out, d->f, d->l3 + 20);
	memcpy(out + d->l3 + 20, d->f + d->l3 + 20 + off, len);
	uint8_t *ip = out + d->l3;
	rg_put_be16(ip + 2, (uint16_t)(20 + len));
	rg_put_be16(ip + 6, (uint16_t)((off + len < total ? 0x2000u : 0) | off / 8u));
	rg_put_be16(ip + 10, 0);
	rg_put_be16(ip + 10, pkt_csum(ip, 20, 0));
	return d->l3 + 20 + len;
}

static void send_piece(struct fwenv *e, unsigned port, const struct dgram *d, uint32_t off,
		       uint32_t len)
{
	static uint8_t f[12000];
	uint32_t n = piece(d, off, len, f);
	fwenv_rx(e, port, f, n);
}

/* Put the card's answer on port back together; returns its ICMP length
 * (0 when there is none), the message in msg, addresses checked. */
static uint32_t answer(struct fwenv *e, unsigned port, uint32_t from, uint32_t to, uint8_t *msg,
		       uint16_t mtu)
{
	uint32_t total = 0, got = 0;
	unsigned i = 0;
	const struct fwenv_frame *f;
	while ((f = fwenv_find(e, port, &i)) != NULL) {
		if (rg_get_be16(f->data + 12) != 0x0800)
			continue;
		const uint8_t *ip = f->data + 14;
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[9], 1);
		assert_int_equal(rg_get_be32(ip + 12), from);
		assert_int_equal(rg_get_be32(ip + 16), to);
		assert_int_equal(pkt_csum(ip, 20, 0), 0);
		uint32_t len = rg_get_be16(ip + 2);
		assert_true(len <= mtu);
		assert_int_equal(f->len, 14 + len);
		uint32_t off = (rg_get_be16(ip + 6) & 0x1fffu) * 8u;
		memcpy(msg + off, ip + 20, len - 20);
		got += len - 20;
		if (!(rg_get_be16(ip + 6) & 0x2000u))
			total = off + len - 20;
	}
	if (!total)
		return 0;
	assert_int_equal(got, total);
	return total;
}

/* The answer to d (n payload bytes) is its echo reply, whole. */
static void check_reply(struct fwenv *e, unsigned port, const struct dgram *d, uint32_t n)
{
	static uint8_t msg[10000];
	uint32_t from = rg_get_be32(d->f + d->l3 + 16), to = rg_get_be32(d->f + d->l3 + 12);
	uint32_t len = answer(e, port, from, to, msg, 1500);
	assert_int_equal(len, 8 + n);
	assert_int_equal(msg[0], 0); /* echo reply */
	assert_int_equal(pkt_csum(msg, len, 0), 0);
	assert_memory_equal(msg + 4, d->f + d->l3 + 20 + 4, len - 4); /* id, seq, data */
}

static void test_in_order_and_out_of_order(void **state)
{
	struct fwenv *e = *state;
	static struct dgram d;
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 1);
	send_piece(e, 0, &d, 0, 1480);
	send_piece(e, 0, &d, 1480, 1480);
	assert_int_equal(fwenv_count(e, 0), 0);
	send_piece(e, 0, &d, 2960, 1480);
	check_reply(e, 0, &d, 3000);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "reassembled-for-card"), 1);
	assert_int_equal(fwenv_counter(e, "icmp-echo-replies"), 1);

	/* last first, the first last, a piece twice, smaller pieces */
	fwenv_clear(e);
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 4000, 2);
	send_piece(e, 0, &d, 3200, 1000);
	send_piece(e, 0, &d, 800, 800);
	send_piece(e, 0, &d, 2400, 800);
	send_piece(e, 0, &d, 1600, 800);
	send_piece(e, 0, &d, 800, 800);
	assert_int_equal(fwenv_count(e, 0), 0);
	send_piece(e, 0, &d, 0, 800);
	check_reply(e, 0, &d, 4000);
	assert_int_equal(fwenv_counter(e, "reassembled-for-card"), 2);
	assert_int_equal(fwenv_counter(e, "drop-fragment-timeout"), 0);

	/* from the outside realm to the outside address */
	fwenv_clear(e);
	echo_request(&d, 1, R1, FWENV_OUT_ADDR, 2000, 3);
	send_piece(e, 1, &d, 1480, 1480);
	send_piece(e, 1, &d, 0, 1480);
	check_reply(e, 1, &d, 2000);
	assert_int_equal(fwenv_count(e, 0), 0);

	/* a piece repeated after the answer starts a datagram that times out */
	fwenv_clear(e);
	send_piece(e, 1, &d, 1480, 1480);
	fwenv_advance(e, 12000);
	assert_int_equal(fwenv_count(e, 1), 0);
	assert_int_equal(fwenv_counter(e, "drop-fragment-timeout"), 1);
}

static void test_bad_datagrams_not_answered(void **state)
{
	struct fwenv *e = *state;
	static struct dgram d;
	/* a wrong checksum over the whole message */
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 4);
	d.f[d.l3 + 20 + 2000] ^= 0x40;
	send_piece(e, 0, &d, 0, 1480);
	send_piece(e, 0, &d, 1480, 1480);
	send_piece(e, 0, &d, 2960, 1480);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "drop-bad-l4-checksum"), 1);

	/* past the largest datagram the card puts together */
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 5);
	send_piece(e, 0, &d, 0, 1480);
	static uint8_t f[12000];
	uint32_t n = piece(&d, 1480, 1480, f);
	rg_put_be16(f + d.l3 + 6, 0x2000u | 9000u / 8u);
	rg_put_be16(f + d.l3 + 10, 0);
	rg_put_be16(f + d.l3 + 10, pkt_csum(f + d.l3, 20, 0));
	fwenv_rx(e, 0, f, n);
	assert_int_equal(fwenv_counter(e, "drop-reassembly"), 1);
	/* a middle piece that is not a multiple of 8 bytes */
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 6);
	send_piece(e, 0, &d, 0, 1480);
	n = piece(&d, 1480, 1480, f);
	rg_put_be16(f + d.l3 + 2, 20 + 1001);
	rg_put_be16(f + d.l3 + 10, 0);
	rg_put_be16(f + d.l3 + 10, pkt_csum(f + d.l3, 20, 0));
	fwenv_rx(e, 0, f, d.l3 + 20 + 1001);
	assert_int_equal(fwenv_counter(e, "drop-reassembly"), 2);
	/* two last pieces that disagree on the length */
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 7);
	send_piece(e, 0, &d, 0, 1480);
	send_piece(e, 0, &d, 2960, 1480);
	n = piece(&d, 2000, 480, f);
	rg_put_be16(f + d.l3 + 6, 2000u / 8u); /* MF clear: ends at 2480 */
	rg_put_be16(f + d.l3 + 10, 0);
	rg_put_be16(f + d.l3 + 10, pkt_csum(f + d.l3, 20, 0));
	fwenv_rx(e, 0, f, n);
	assert_int_equal(fwenv_counter(e, "drop-reassembly"), 3);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "reassembled-for-card"), 0);

	/* every slot taken by datagrams that never complete: the next is
	 * refused; after the fragment timeout the slots serve again */
	fwenv_advance(e, 12000);
	uint64_t refused = fwenv_counter(e, "drop-reassembly");
	for (uint16_t id = 10; id < 15; id++) {
		echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, id);
		send_piece(e, 0, &d, 0, 1480);
	}
	assert_int_equal(fwenv_counter(e, "drop-reassembly"), refused + 1);
	fwenv_advance(e, 12000);
	fwenv_clear(e);
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 20);
	send_piece(e, 0, &d, 0, 1480);
	send_piece(e, 0, &d, 1480, 1480);
	send_piece(e, 0, &d, 2960, 1480);
	check_reply(e, 0, &d, 3000);
}

/* Pieces of anything else to the card are not held for it. */
static void test_only_echo_requests(void **state)
{
	struct fwenv *e = *state;
	static struct dgram d;
	echo_request(&d, 0, H1, FWENV_IN_ADDR, 3000, 30);
	d.f[d.l3 + 20] = 13; /* a timestamp request: not reassembled */
	send_piece(e, 0, &d, 0, 1480);
	assert_int_equal(fwenv_counter(e, "drop-to-card-unserved"), 1);
	send_piece(e, 0, &d, 1480, 1480);
	send_piece(e, 0, &d, 2960, 1480);
	assert_int_equal(fwenv_count(e, 0), 0);
	assert_int_equal(fwenv_counter(e, "reassembled-for-card"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order_and_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_datagrams_not_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_echo_requests, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
