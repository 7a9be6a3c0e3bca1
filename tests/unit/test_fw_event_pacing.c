/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timer expiries wait for room on the host's event ring (rg_hal.event_room)
 * instead of losing their events: a second's worth of expiries comes out of
 * the timer wheel at once, and each is a session deletion and a mapping
 * release the NAT log must see. The wait ends when the host has room again,
 * or when it has read nothing for FW_EVENT_STALL_S seconds (then the tables
 * are not held up by a host that is gone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../firmware/slowpath/fw_internal.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

static const uint8_t MAC_H1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
#define H1 PKT_IPV4(10, 0, 0, 5)
#define R1 PKT_IPV4(192, 0, 2, 1)
#define FLOWS 100
#define UDP_TIMEOUT_S 300 /* the default */

static int setup(void **state)
{
	return fwenv_fixture(state, RG_MAP_EIM, RG_FILTER_APDF);
}

/* FLOWS one-datagram UDP flows from H1, each its own mapping. */
static void open_flows(struct fwenv *e)
{
	for (uint16_t i = 0; i < FLOWS; i++) {
		struct pkt_spec s = fwenv_pkt_in(H1, MAC_H1, R1, 17, (uint16_t)(20000 + i), 53);
		assert_non_null(fwenv_out_of(e, &s));
	}
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS);
	assert_int_equal(fwenv_counter(e, "mappings-active"), FLOWS);
}

static void test_expiries_wait_for_event_room(void **state)
{
	struct fwenv *e = *state;
	open_flows(e);
	fwenv_advance(e, (UDP_TIMEOUT_S - 2) * 1000);
	assert_int_equal(fwenv_counter(e, "timer-ticks-paced"), 0);
	/* the host's ring is full: the timeout passes, nothing expires */
	e->event_room = 0;
	fwenv_advance(e, 5000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS);
	assert_true(fwenv_counter(e, "timer-ticks-paced") > 0);
	/* room for ten expiries' events beyond the reserve: ten a tick */
	e->event_room = FW_EVENT_RESERVE + 10 * FW_EVENTS_PER_EXPIRY;
	fwenv_advance(e, 10);
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS - 10);
	assert_int_equal(fwenv_counter(e, "mappings-active"), FLOWS - 10);
	/* within the reserve left for the packet path: waiting again */
	e->event_room = FW_EVENT_RESERVE + 1;
	fwenv_advance(e, 100);
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS - 10);
	/* room again: the rest goes in one tick */
	e->event_room = UINT32_MAX;
	fwenv_advance(e, 10);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
}

static void test_a_host_that_reads_nothing_stops_the_wait(void **state)
{
	struct fwenv *e = *state;
	open_flows(e);
	fwenv_advance(e, (UDP_TIMEOUT_S - 2) * 1000);
	e->event_room = 0;
	fwenv_advance(e, 1000);
	/* a full ring while nothing is due holds nothing back */
	assert_int_equal(fwenv_counter(e, "timer-ticks-paced"), 0);
	fwenv_advance(e, (FW_EVENT_STALL_S - 2) * 1000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS);
	fwenv_advance(e, 2000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
	assert_int_equal(fwenv_counter(e, "mappings-active"), 0);
	/* a host that reads again is waited for again */
	e->event_room = UINT32_MAX;
	open_flows(e);
	fwenv_advance(e, (UDP_TIMEOUT_S - 2) * 1000);
	e->event_room = 0;
	fwenv_advance(e, 5000);
	assert_int_equal(fwenv_counter(e, "sessions-active"), FLOWS);
	e->event_room = UINT32_MAX;
	fwenv_advance(e, 10);
	assert_int_equal(fwenv_counter(e, "sessions-active"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expiries_wait_for_event_room, setup,
						fwenv_fixture_free),
		cmocka_unit_test_setup_teardown(test_a_host_that_reads_nothing_stops_the_wait,
						setup, fwenv_fixture_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
