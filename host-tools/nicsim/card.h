/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated card: firmware (host build of firmware/), a fast path (soft
 * or RTL), the mailbox service on BAR0 + DMA in shared memory, and ports.
 * One loop serves everything, as the card's management core would: packets
 * from the ports through the fast path, punts to the firmware, re-injected
 * packets, firmware timers, the mailbox.
 */
#ifndef RG_NICSIM_CARD_H
#define RG_NICSIM_CARD_H

#include <stdint.h>
#include <stdio.h>

#include "realmgate/flow.h"

struct card_opts {
	const char *name;		      /* sim:NAME */
	unsigned fastpath;		      /* enum rg_fastpath_kind */
	uint32_t sessions;		      /* fast path session capacity */
	const char *port_spec[RG_PORT_COUNT]; /* NULL = not attached (host port: the rings) */
	const char *capture_dir;	      /* per-port pcap capture, NULL = off */
	uint32_t serial;
	/* Receive interrupt moderation (as ethtool's rx-usecs): while frames
	 * flow, a turn that emptied the receive rings waits this long before
	 * the next one, so frames gather into bursts; 0 = off. */
	uint32_t rx_usecs;
};

struct card;

/* Build the card and publish it (sim:NAME appears). NULL with err. */
struct card *card_create(const struct card_opts *o, char *err, size_t err_len);

/* One turn of the loop; waits up to wait_ms for input when there was
 * nothing to do. Returns the amount of work done. */
unsigned card_run_once(struct card *c, int wait_ms);

/* Every attached input port has reached the end of its pcap file. */
int card_inputs_done(const struct card *c);

/* How long an idle turn may sleep (ms) when nothing wakes it: the
 * firmware's tick, as the heartbeat register allows (regmap.h); 1 while a
 * pcap port replays its input by the clock. Frames on interfaces and the
 * host's register writes wake it at once either way. */
#define CARD_IDLE_WAIT_MS 5
int card_idle_wait_ms(const struct card *c);

/* Statistics for people (ports, fast path, firmware, mailbox). */
void card_print_stats(struct card *c, FILE *f);

/* One line saying what runs where. */
void card_describe(struct card *c, FILE *f);

/* Stop: flush captures and ports, remove the shared memory. */
void card_destroy(struct card *c);

#endif /* RG_NICSIM_CARD_H */
