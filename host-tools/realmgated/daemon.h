/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's event loop (epoll): the protocol sockets, the control socket,
 * the card's event queue (relayed to realmctl, NAT events logged by
 * natlog.c), signals (SIGHUP reloads, SIGTERM/SIGINT stop) and a 250 ms
 * tick for lease expiry, the announcement schedule and IPFIX templates.
 */
#ifndef RGD_DAEMON_H
#define RGD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "card.h"
#include "config.h"
#include "ctl_out.h"
#include "lease_filter.h"
#include "mapper.h"
#include "natlog.h"
#include "proto.h"
#include "store.h"

#define RGD_MAX_CTL_CLIENTS 16
#define RGD_CTL_MAX_ARGS 32
/* epoll tag of control client i: RGD_CTL_EPOLL_TAG + i */
#define RGD_CTL_EPOLL_TAG 100u
/* A client must send its request line within RGD_CTL_REQUEST_MS of
 * connecting, and take its answer with no pause longer than
 * RGD_CTL_DRAIN_MS: the daemon never waits on a client, and a silent or
 * stalled one cannot keep one of the RGD_MAX_CTL_CLIENTS places. */
#define RGD_CTL_REQUEST_MS 5000u
#define RGD_CTL_DRAIN_MS 10000u

struct rgd_ctl_client {
	int fd;
	bool follow;	 /* `realmctl events`: receives event lines until it goes */
	bool follow_raw; /* realmctl's daemon backend: raw card events */
	bool json;
	bool draining;			      /* waiting for EPOLLOUT to send the rest of out */
	uint64_t lost;			      /* follower: event lines its socket did not take */
	uint64_t deadline_ms;		      /* rgd_now_ms() by which it must make progress */
	char *out;			      /* the answer being sent; then the client is closed */
	bool listing;			      /* `sessions`, `mappings`: pages to send after out */
	bool listing_leases;		      /* the listing is `mappings` (else `sessions`) */
	uint32_t list_cursor;		      /* sessions: the card's cursor of the next page */
	struct rgd_lease_iter lease_it;	      /* mappings: the next lease */
	struct rgd_lease_filter lease_filter; /* mappings: which leases */
	uint64_t list_total;		      /* records listed so far */
	size_t out_len, out_off;
	size_t len;
	char buf[1024];
};

struct rgd_daemon {
	char config_path[RGD_PATH_MAX];
	struct rgd_cfg cfg;
	struct rgd_card *card;
	struct rgd_store *store;
	struct rgd_mapper mapper;
	struct rgd_proto proto;
	struct rgd_natlog natlog; /* NAT events to the log and IPFIX */
	int64_t epoch_base;	  /* unix time the PCP epoch counts from */
	uint64_t started;
	int epfd, sigfd, timerfd, pcp_fd, dpm_fd, ctl_fd;
	int tap_fd, hp_timerfd; /* host port TAP and its 1 ms poll */
	struct rgd_ctl_client ctl[RGD_MAX_CTL_CLIENTS];
	/* announcement schedule (RFC 6886 3.2.1: 10 times, doubling from 250 ms) */
	unsigned announce_left;
	uint64_t announce_next_ms, announce_gap_ms;
	bool stop;
	unsigned n_runtime_rules; /* realmctl rule add, persisted */
	struct rg_rule runtime_rules[64];
	uint64_t reloads, reload_failures;
};

/* Start: open the store, apply cfg to the card, restore leases, open the
 * sockets. The card is attached by the caller. Returns 0 or -1 (logged). */
int rgd_daemon_start(struct rgd_daemon *d, const char *config_path, const struct rgd_cfg *cfg,
		     struct rgd_card *card);
/* Run until SIGTERM/SIGINT (or d->stop). */
int rgd_daemon_run(struct rgd_daemon *d);
void rgd_daemon_stop(struct rgd_daemon *d);

/* Reload the configuration file (what SIGHUP does); 0 on success, else the
 * old configuration stays in force. */
int rgd_daemon_reload(struct rgd_daemon *d, char *err, size_t errlen);

uint32_t rgd_daemon_epoch(void *d);
uint64_t rgd_now_ms(void);

/* Queue the announcements (ANNOUNCE, NAT-PMP address) from now on. */
void rgd_daemon_announce(struct rgd_daemon *d);

/* Control socket (ctl.c) */
int rgd_ctl_open(struct rgd_daemon *d);
void rgd_ctl_accept(struct rgd_daemon *d);
/* epoll reported events on the client's socket */
void rgd_ctl_event(struct rgd_daemon *d, struct rgd_ctl_client *c, uint32_t events);
void rgd_ctl_input(struct rgd_daemon *d, struct rgd_ctl_client *c);
/* Drop clients past their deadline (called from the daemon's tick). */
void rgd_ctl_tick(struct rgd_daemon *d, uint64_t now_ms);
void rgd_ctl_close(struct rgd_daemon *d, struct rgd_ctl_client *c);
void rgd_ctl_broadcast(struct rgd_daemon *d, const char *text_line, const char *json_line);
/* One event line to follower c; lines its socket cannot take now are
 * counted and announced before the next one that fits ("L N" to raw
 * followers, {"event":"lost","count":N} or "events lost: N" to the others). */
void rgd_ctl_follower_line(struct rgd_daemon *d, struct rgd_ctl_client *c, const char *line,
			   size_t n);
/* Execute one control request (argv) and append the answer to out
 * (ctl_out.h); returns the exit status realmctl should use. */
int rgd_ctl_execute(struct rgd_daemon *d, int argc, char **argv, bool json,
		    struct rgd_ctl_out *out);

/* realmctl's mailbox relay (ctl_relay.c) */
int rgd_ctl_relay(struct rgd_daemon *d, int argc, char **argv, struct rgd_ctl_out *out);
void rgd_ctl_raw_event(struct rgd_daemon *d, const struct rg_evt *e);

#endif /* RGD_DAEMON_H */
