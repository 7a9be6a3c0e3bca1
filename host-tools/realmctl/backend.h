/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How realmctl reaches a card. Every subcommand speaks mailbox payloads
 * (include/realmgate/mailbox.h) through this interface:
 *   direct   the driver library straight to the card (needs exclusive
 *            access to the card)
 *   daemon   realmgated's control socket (backend_daemon.c): while the
 *            daemon owns the card it runs the same requests for realmctl
 */
#ifndef RG_REALMCTL_BACKEND_H
#define RG_REALMCTL_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "realmgate/mailbox.h"

struct ctl_backend {
	const char *kind;  /* "direct" */
	const char *where; /* device spec or socket path */
	enum rg_status (*cmd)(struct ctl_backend *b, uint16_t opcode, const void *req,
			      uint16_t req_len, void *rsp, uint16_t rsp_cap, uint16_t *rsp_len,
			      void *bulk, uint32_t bulk_cap, uint32_t *bulk_used);
	/* next event: 1, 0 none yet */
	int (*event)(struct ctl_backend *b, struct rg_evt *evt);
	/* sleep until an event may be there or timeout_ms passed: 1 woken,
	 * 0 timed out, -1 when the backend cannot tell (poll it instead) */
	int (*wait_event)(struct ctl_backend *b, int timeout_ms);
	const char *(*error)(struct ctl_backend *b);
	void (*close)(struct ctl_backend *b);
	void *priv;
};

/* Open the card `spec` (sim:NAME, pci:...) directly. NULL with err. */
struct ctl_backend *ctl_direct_open(const char *spec, int timeout_ms, char *err, size_t err_len);

/* realmgated's control socket at path. NULL with err when no daemon
 * answers there. */
struct ctl_backend *ctl_daemon_open(const char *path, char *err, size_t err_len);
/* One request line to the daemon; returns its status ("RG N"), -1 when
 * none answered; the output in *body (malloc'd, may be NULL). */
int ctl_daemon_request(const char *path, const char *line, char **body);
/* The same, the answer's body written to ok (status 0) or fail (else) as
 * it arrives instead of held: a listing of a million leases. */
int ctl_daemon_request_to(const char *path, const char *line, FILE *ok, FILE *fail);
int ctl_daemon_connect(const char *path);
/* Send line and its newline in one write, without SIGPIPE; 0 or -1. */
int ctl_daemon_send_line(int fd, const char *line);

#endif /* RG_REALMCTL_BACKEND_H */
