/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl's subcommands and what they share. */
#ifndef RG_REALMCTL_CTL_H
#define RG_REALMCTL_CTL_H

#include <stdio.h>

#include "backend.h"
#include "json.h"

struct ctl {
	const char *device; /* -d, $REALMGATE_DEVICE, or the only card */
	const char *socket; /* -S, $REALMGATE_SOCKET, or realmgated's default */
	int direct;	    /* --direct: never through the daemon */
	int json;
	int timeout_ms;
	struct ctl_backend *be; /* opened on first use */
};

/* Exit codes: 0 ok, 1 the card refused or failed, 2 usage. */
#define CTL_OK 0
#define CTL_FAIL 1
#define CTL_USAGE 2
#define CTL_NO_DAEMON 3 /* a daemon command and no realmgated answers */
#define CTL_NOT_FOUND 4 /* the daemon has no such mapping */

#define CTL_DEFAULT_SOCKET "/run/realmgate/realmgated.sock"

/* Open the backend if not yet; CTL_OK or prints why and CTL_FAIL. */
int ctl_connect(struct ctl *c);

/* Run a command; on failure prints "realmctl: WHAT: reason" and returns
 * the status. */
enum rg_status ctl_cmd(struct ctl *c, const char *what, uint16_t opcode, const void *req,
		       uint16_t req_len, void *rsp, uint16_t rsp_cap, void *bulk, uint32_t bulk_cap,
		       uint32_t *bulk_used);

int cmd_devices(struct ctl *c, int argc, char **argv);
int cmd_info(struct ctl *c, int argc, char **argv);
int cmd_sessions(struct ctl *c, int argc, char **argv);
int cmd_subscribers(struct ctl *c, int argc, char **argv);
int cmd_addresses(struct ctl *c, int argc, char **argv);
int cmd_pools(struct ctl *c, int argc, char **argv);
int cmd_counters(struct ctl *c, int argc, char **argv);
int cmd_mapping(struct ctl *c, int argc, char **argv);
int cmd_rule(struct ctl *c, int argc, char **argv);
int cmd_config(struct ctl *c, int argc, char **argv);
int cmd_reset(struct ctl *c, int argc, char **argv);
int cmd_events(struct ctl *c, int argc, char **argv);
/* events' --count N (1..) and --wait SECONDS (0..), -1 when not given;
 * CTL_USAGE (after the usage line) for anything else. */
int events_options(int argc, char **argv, long *count, long *wait_s);
/* Commands only realmgated answers (status, pools, mappings, reload,
 * config check), and `events` while the daemon owns the card. */
int cmd_daemon(struct ctl *c, int argc, char **argv);
int cmd_daemon_events(struct ctl *c, int argc, char **argv);
/* The daemon's socket if a daemon answers there and drives the card the
 * user named (or none was named); NULL otherwise. */
const char *ctl_daemon_socket(struct ctl *c);

#endif /* RG_REALMCTL_CTL_H */
