/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 802.1Q VLANs of the realm ports (rg_config.vlan): on a port with a VLAN
 * everything the card sends is tagged with it — ARP replies and requests and
 * ICMP the slow path builds, first packets it translates, and the fast
 * path's forwarding through the adjacencies — and frames with another tag, or
 * none, are dropped as drop-wrong-vlan; a port without one stays untagged.
 * A change of VLAN rewrites the adjacencies of neighbours already known; a
 * VID out of range is refused and changes nothing.
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

#define HOST 0x0a000005u /* 10.0.0.5 */
static const uint8_t HOST_MAC[6] = { 2, 0, 0, 0, 0, 5 };
#define SERVER 0xcb007150u /* 203.0.113.80, on the outside link */

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_EIF);
}

static int teardown(void **state)
{
	return fwenv_fixture_free(state);
}

static enum rg_status set_vlans(struct fwenv *e, uint16_t in, uint16_t out)
{
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	c.vlan[0] = in;
	c.vlan[1] = out;
	return rg_fw_set_config(e->fw, &c);
}

/* Insert an 802.1Q tag with VID vid after the MACs of frame f (len bytes). */
static uint32_t tag(uint8_t *f, uint32_t len, uint16_t vid)
{
	memmove(f + 16, f + 12, len - 12);
	rg_put_be16(f + 12, 0x8100);
	rg_put_be16(f + 14, vid);
	return len + 4;
}

static void send_tagged(struct fwenv *e, unsigned port, const struct pkt_spec *s, uint16_t vid)
{
	uint8_t f[2048];
	uint32_t n = pkt_build(s, f, sizeof(f) - 4);
	assert_true(n > 0);
	fwenv_rx(e, port, f, vid ? tag(f, n, vid) : n);
}

/* The VID a captured frame carries (0: untagged) and its inner ethertype. */
static uint16_t vid_of(const struct fwenv_frame *f, uint16_t *etype)
{
	if (rg_get_be16(f->data + 12) != 0x8100) {
		*etype = rg_get_be16(f->data + 12);
		return 0;
	}
	*etype = rg_get_be16(f->data + 16);
	return rg_get_be16(f->data + 14) & 0x0fffu;
}

/* The first frame of a port with this inner ethertype, or fail. */
static const struct fwenv_frame *first_of(struct fwenv *e, unsigned port, uint16_t etype,
					  uint16_t *vid)
{
	unsigned i = 0;
	const struct fwenv_frame *f;
	while ((f = fwenv_find(e, port, &i)) != NULL) {
		uint16_t t;
		uint16_t v = vid_of(f, &t);
		if (t == etype) {
			*vid = v;
			return f;
		}
	}
	fail_msg("no frame of ethertype 0x%04x on port %u", etype, port);
	return NULL;
}

/* An inside host on VLAN 100 resolves the card, talks to a server outside
 * (untagged there), and the answers come back tagged: the first through the
 * slow path, the next through the fast path's adjacency. */
static void test_inside_vlan_both_paths(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(set_vlans(e, 100, 0), RG_ST_OK);

	uint8_t a[64];
	fwenv_clear(e);
	fwenv_rx(e, RG_PORT_INSIDE, a,
		 tag(a,
		     pkt_build_arp(a, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
				   HOST_MAC, 1, HOST, (const uint8_t[6]){ 0 }, FWENV_IN_ADDR),
		     100));
	uint16_t vid;
	first_of(e, RG_PORT_INSIDE, 0x0806, &vid);
	assert_int_equal(vid, 100);

	struct pkt_spec s = fwenv_pkt_in(HOST, HOST_MAC, SERVER, 17, 5000, 53);
	fwenv_clear(e);
	send_tagged(e, RG_PORT_INSIDE, &s, 100);
	if (!fwenv_first_ipv4(e, RG_PORT_OUTSIDE)) {
		/* the server's MAC: answered untagged on the outside port */
		fwenv_arp_reply(e, RG_PORT_OUTSIDE, SERVER, FWENV_GW_MAC);
	}
	const struct fwenv_frame *o = first_of(e, RG_PORT_OUTSIDE, 0x0800, &vid);
	assert_int_equal(vid, 0);
	struct pkt_view v;
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	uint32_t pub = v.src;
	uint16_t pport = v.sport;

	for (int round = 0; round < 2; round++) {
		fwenv_clear(e);
		struct pkt_spec r = fwenv_pkt_out(SERVER, pub, 17, 53, pport);
		fwenv_send(e, RG_PORT_OUTSIDE, &r);
		const struct fwenv_frame *in = first_of(e, RG_PORT_INSIDE, 0x0800, &vid);
		assert_int_equal(vid, 100);
		assert_int_equal(pkt_parse(in->data, in->len, &v), 0);
		assert_int_equal(v.dst, HOST);
		assert_int_equal(v.dport, 5000);
		assert_true(pkt_checksums_ok(in->data, in->len));
	}
	assert_int_equal(fwenv_counter(e, "drop-wrong-vlan"), 0);
}

static void test_wrong_vlan_dropped(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(set_vlans(e, 100, 0), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(HOST, HOST_MAC, SERVER, 17, 5001, 53);
	const uint16_t inside_vids[] = { 0, 200, 4094 };
	for (unsigned i = 0; i < 3; i++) {
		fwenv_clear(e);
		send_tagged(e, RG_PORT_INSIDE, &s, inside_vids[i]);
		assert_int_equal(fwenv_count(e, RG_PORT_OUTSIDE), 0);
		assert_int_equal(fwenv_counter(e, "drop-wrong-vlan"), i + 1);
	}
	/* a tag on the untagged outside port */
	struct pkt_spec r = fwenv_pkt_out(SERVER, FWENV_POOL_LO, 17, 53, 5001);
	send_tagged(e, RG_PORT_OUTSIDE, &r, 100);
	assert_int_equal(fwenv_counter(e, "drop-wrong-vlan"), 4);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	/* a priority tag (VID 0) is untagged traffic */
	assert_int_equal(set_vlans(e, 0, 0), RG_ST_OK);
	fwenv_clear(e);
	send_tagged(e, RG_PORT_INSIDE, &s, 0x6000);
	assert_int_equal(fwenv_counter(e, "drop-wrong-vlan"), 4);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 1);
}

static void test_bad_vid_refused(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(set_vlans(e, 100, 7), RG_ST_OK);
	assert_int_equal(set_vlans(e, 4095, 7), RG_ST_INVALID);
	assert_int_equal(set_vlans(e, 100, 0xffff), RG_ST_INVALID);
	struct rg_config c;
	rg_fw_get_config(e->fw, &c);
	assert_int_equal(c.vlan[0], 100);
	assert_int_equal(c.vlan[1], 7);
}

/* Neighbours known before a change are written again: the fast path's next
 * frame to the host carries the new tag (here: none). */
static void test_vlan_change_rewrites_adjacencies(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(set_vlans(e, 100, 0), RG_ST_OK);
	uint8_t a[64];
	fwenv_rx(e, RG_PORT_INSIDE, a,
		 tag(a,
		     pkt_build_arp(a, FWENV_MAC[0], HOST_MAC, 1, HOST, (const uint8_t[6]){ 0 },
				   FWENV_IN_ADDR),
		     100));
	struct pkt_spec s = fwenv_pkt_in(HOST, HOST_MAC, SERVER, 17, 5002, 53);
	fwenv_clear(e);
	send_tagged(e, RG_PORT_INSIDE, &s, 100);
	if (!fwenv_first_ipv4(e, RG_PORT_OUTSIDE))
		fwenv_arp_reply(e, RG_PORT_OUTSIDE, SERVER, FWENV_GW_MAC);
	uint16_t vid;
	struct pkt_view v;
	const struct fwenv_frame *o = first_of(e, RG_PORT_OUTSIDE, 0x0800, &vid);
	assert_int_equal(pkt_parse(o->data, o->len, &v), 0);
	uint32_t pub = v.src;
	uint16_t pport = v.sport;

	assert_int_equal(set_vlans(e, 0, 0), RG_ST_OK);
	fwenv_clear(e);
	struct pkt_spec r = fwenv_pkt_out(SERVER, pub, 17, 53, pport);
	fwenv_send(e, RG_PORT_OUTSIDE, &r);
	first_of(e, RG_PORT_INSIDE, 0x0800, &vid);
	assert_int_equal(vid, 0);
	assert_int_equal(set_vlans(e, 42, 0), RG_ST_OK);
	fwenv_clear(e);
	fwenv_send(e, RG_PORT_OUTSIDE, &r);
	first_of(e, RG_PORT_INSIDE, 0x0800, &vid);
	assert_int_equal(vid, 42);
}

/* On an outside VLAN the card's own ARP request for the gateway is tagged. */
static void test_outside_vlan_arp_request(void **state)
{
	struct fwenv *e = *state;
	assert_int_equal(set_vlans(e, 0, 300), RG_ST_OK);
	struct pkt_spec s = fwenv_pkt_in(HOST, HOST_MAC, 0x08080808u, 17, 5003, 53);
	fwenv_clear(e);
	fwenv_send(e, RG_PORT_INSIDE, &s);
	uint16_t vid;
	const struct fwenv_frame *f = first_of(e, RG_PORT_OUTSIDE, 0x0806, &vid);
	assert_int_equal(vid, 300);
	assert_int_equal(rg_get_be32(f->data + 18 + 24), FWENV_GW_ADDR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inside_vlan_both_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_vlan_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_vid_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_change_rewrites_adjacencies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_outside_vlan_arp_request, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
