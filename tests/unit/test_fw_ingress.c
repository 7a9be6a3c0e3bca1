/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What may not open a flow or reach the host: IP-in-IP without a tunnel's
 * session (no tunnels before PAP, seed 003: the inner packet of an unknown
 * tunnel is not taken out and translated, from either side, errors and
 * fragments included), ESP and AH without a session (PAP leases SPIs
 * later), and traffic on the outside port that claims an inside or card
 * source (spoofed), which must never reach the host's services such as
 * PCP. ICMP echo to the inside address from outside: test_fw_napt.c.
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
#define H1 PKT_IPV4(10, 0, 0, 5)
#define H2 PKT_IPV4(10, 0, 0, 6)
#define R1 PKT_IPV4(192, 0, 2, 7)
#define R2 PKT_IPV4(192, 0, 2, 8)

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static struct pkt_view outside_view(struct fwenv *e, const struct pkt_spec *s)
{
	const struct fwenv_frame *o = fwenv_out_of(e, s);
	assert_non_null(o);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	return v;
}

/* Send and expect nothing at all to leave the card, one more of counter,
 * and no session. */
static void dropped(struct fwenv *e, unsigned port, const struct pkt_spec *s, const char *counter)
{
	uint64_t before = fwenv_counter(e, counter);
	uint64_t sessions = fwenv_counter(e, "sessions-active");
	uint64_t mappings = fwenv_counter(e, "mappings-active");
	assert_true(before != (uint64_t)-1);
	fwenv_clear(e);
	unsigned reinjected = e->reinjected;
	fwenv_send(e, port, s);
	assert_int_equal(e->n_out, 0);
	assert_int_equal(e->reinjected, reinjected);
	assert_int_equal(fwenv_counter(e, counter), before + 1);
	assert_int_equal(fwenv_counter(e, "sessions-active"), sessions);
	assert_int_equal(fwenv_counter(e, "mappings-active"), mappings);
}

static void tunnel(struct pkt_spec *s, uint32_t outer_src, uint32_t outer_dst)
{
	s->tunnel_src = outer_src;
	s->tunnel_dst = outer_dst;
}

static void test_tunnel_from_inside_opens_nothing(void **state)
{
	struct fwenv *e = *state;
	/* plain, the packet would open a flow ... */
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	struct pkt_spec t = s;
	tunnel(&t, H1, R1);
	dropped(e, 0, &t, "drop-tunnel-no-session");
	tunnel(&t, H1, FWENV_IN_ADDR); /* to the card as tunnel end */
	dropped(e, 0, &t, "drop-tunnel-no-session");
	t.proto = 6; /* TCP SYN */
	dropped(e, 0, &t, "drop-tunnel-no-session");
	t = s;
	t.proto = 1; /* echo to the card's own address */
	t.dst = FWENV_IN_ADDR;
	tunnel(&t, H1, FWENV_IN_ADDR);
	dropped(e, 0, &t, "drop-tunnel-no-session");
	assert_int_equal(fwenv_counter(e, "icmp-echo-replies"), 0);
	/* ... as it does untunnelled */
	outside_view(e, &s);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
	/* a session of the plain flow is not the tunnel's */
	t = s;
	tunnel(&t, H1, R1);
	dropped(e, 0, &t, "drop-tunnel-no-session");
}

static void test_tunnel_from_outside_opens_nothing(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	struct pkt_view v = outside_view(e, &s);
	/* EIF: any remote may send to the mapping, but not through a tunnel */
	struct pkt_spec r = fwenv_pkt_out(R2, v.src, 17, 53, v.sport);
	tunnel(&r, R2, v.src);
	dropped(e, 1, &r, "drop-tunnel-no-session");
	/* not even the flow's own remote */
	r.src = R1;
	tunnel(&r, R1, v.src);
	dropped(e, 1, &r, "drop-tunnel-no-session");
	/* a tunnelled ICMP error about the flow */
	uint8_t quote[28];
	struct pkt_spec q = fwenv_pkt_out(v.src, R1, 17, v.sport, 53);
	uint8_t qf[128];
	pkt_build(&q, qf, sizeof(qf));
	memcpy(quote, qf + 14, sizeof(quote));
	struct pkt_spec err = fwenv_pkt_out(R1, v.src, 1, 0, 0);
	err.icmp_type = 3;
	err.icmp_code = 3;
	err.icmp_id = 0;
	err.payload = quote;
	err.payload_len = sizeof(quote);
	tunnel(&err, R1, v.src);
	dropped(e, 1, &err, "drop-tunnel-no-session");
	/* a tunnelled later fragment of the flow */
	struct pkt_spec fr = fwenv_pkt_out(R1, v.src, 17, 53, v.sport);
	fr.frag = 100;
	fr.ip_id = 9;
	tunnel(&fr, R1, v.src);
	dropped(e, 1, &fr, "drop-tunnel-no-session");
	/* untunnelled, the remote gets through */
	r = fwenv_pkt_out(R2, v.src, 17, 53, v.sport);
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 1);
}

static void test_esp_ah_without_session(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 50, 0, 0);
	s.spi = 0x1001;
	dropped(e, 0, &s, "drop-unsupported-protocol");
	s.proto = 51;
	dropped(e, 0, &s, "drop-unsupported-protocol");
	struct pkt_spec r = fwenv_pkt_out(R1, FWENV_POOL_LO, 50, 0, 0);
	r.spi = 0x2002;
	dropped(e, 1, &r, "drop-unsupported-protocol");
	r.proto = 51;
	dropped(e, 1, &r, "drop-unsupported-protocol");
	r.dst = FWENV_OUT_ADDR;
	dropped(e, 1, &r, "drop-unsupported-protocol");
	assert_int_equal(fwenv_counter(e, "sessions-created"), 0);
}

/* PCP (UDP 5351) served through a to-host rule on every card address. */
static void pcp_to_host_everywhere(struct fwenv *e)
{
	struct rg_rule th;
	memset(&th, 0, sizeof(th));
	th.id = 1;
	th.kind = RG_RULE_TO_HOST;
	th.proto = 17;
	th.dport_lo = th.dport_hi = rg_be16_field(5351);
	assert_int_equal(rg_fw_rule_add(e->fw, &th), RG_ST_OK);
}

static void test_spoofed_from_outside_never_reaches_host(void **state)
{
	struct fwenv *e = *state;
	pcp_to_host_everywhere(e);
	/* an outside client's PCP request reaches the daemon (the rule works) */
	struct pkt_spec ok = fwenv_pkt_out(R1, FWENV_OUT_ADDR, 17, 5350, 5351);
	fwenv_clear(e);
	fwenv_send(e, 1, &ok);
	assert_int_equal(fwenv_count(e, 2), 1);
	/* the same claiming to be an inside host: the daemon would act for H1 */
	static const uint32_t dsts[] = { FWENV_OUT_ADDR, FWENV_POOL_LO, FWENV_IN_ADDR };
	static const uint32_t srcs[] = { H1, H2, FWENV_IN_ADDR, FWENV_POOL_HI, FWENV_OUT_ADDR };
	for (unsigned d = 0; d < 3; d++)
		for (unsigned i = 0; i < 5; i++) {
			struct pkt_spec s = fwenv_pkt_out(srcs[i], dsts[d], 17, 5350, 5351);
			dropped(e, 1, &s, "drop-spoofed-source");
		}
	/* nor any other protocol, to the inside address or elsewhere */
	struct pkt_spec p = fwenv_pkt_out(H1, FWENV_IN_ADDR, 1, 0, 0);
	p.icmp_type = 8;
	dropped(e, 1, &p, "drop-spoofed-source");
	p = fwenv_pkt_out(H1, FWENV_POOL_LO, 6, 5000, 80);
	p.tcp_flags = 0x02;
	dropped(e, 1, &p, "drop-spoofed-source");
	assert_int_equal(fwenv_counter(e, "to-host"), 1);
	assert_int_equal(fwenv_counter(e, "syns-held"), 0);
	/* an outside source to the inside address stays the card's refusal */
	p = fwenv_pkt_out(R1, FWENV_IN_ADDR, 17, 5350, 5351);
	dropped(e, 1, &p, "drop-to-card-unserved");
	/* and from the inside, PCP still reaches the daemon */
	struct pkt_spec in = fwenv_pkt_in(H1, MAC_H1, FWENV_IN_ADDR, 17, 5350, 5351);
	fwenv_clear(e);
	fwenv_send(e, 0, &in);
	assert_int_equal(fwenv_count(e, 2), 1);
	assert_int_equal(fwenv_counter(e, "to-host"), 2);
}

/* A spoofed inside source cannot answer an inside host's flow either. */
static void test_spoofed_source_opens_no_inbound(void **state)
{
	struct fwenv *e = *state;
	struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, 40000, 53);
	struct pkt_view v = outside_view(e, &s);
	struct pkt_spec r = fwenv_pkt_out(H2, v.src, 17, 53, v.sport); /* EIF would admit it */
	dropped(e, 1, &r, "drop-spoofed-source");
	r.src = R2;
	fwenv_clear(e);
	fwenv_send(e, 1, &r);
	assert_int_equal(fwenv_count(e, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tunnel_from_inside_opens_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_from_outside_opens_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_esp_ah_without_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spoofed_from_outside_never_reaches_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spoofed_source_opens_no_inbound, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
