/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAT event logging (carrier-grade NAT, RFC 6888 / RFC 8158): the card's
 * session, mapping, port-block, quota and exhaustion events become one log
 * line each (the daemon's log: syslog with -d, standard error in the
 * foreground) and, with a collector configured, IPFIX records (ipfix.h).
 * Remote addresses appear only when nat.log_destinations is set (the card
 * sends them only then, too). Line formats: docs/config.md, "nat_log".
 */
#ifndef RGD_NATLOG_H
#define RGD_NATLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ipfix.h"
#include "realmgate/mailbox.h"

struct rgd_natlog {
	const struct rgd_cfg *cfg; /* the daemon's, current after every reload */
	struct rgd_ipfix ipfix;	   /* fd -1: no collector */
	uint32_t ipfix_addr;	   /* what ipfix was opened for */
	uint16_t ipfix_port;
	uint32_t ipfix_domain;
};

/* Start logging by cfg (opens the exporter when a collector is set). 0, or
 * -1 with the reason in err. */
int rgd_natlog_open(struct rgd_natlog *n, const struct rgd_cfg *cfg, char *err, size_t errlen);
/* After a reload (n->cfg has changed): reopen the exporter if its settings
 * changed. 0 or -1 as above (then there is no exporter). */
int rgd_natlog_reconfigure(struct rgd_natlog *n, char *err, size_t errlen);
void rgd_natlog_close(struct rgd_natlog *n);

/* One card event (others than NAT events are ignored); now_ms is unix time
 * in milliseconds. IPFIX records are sent on flush or when a message is
 * full. */
void rgd_natlog_event(struct rgd_natlog *n, const struct rg_evt *e, uint64_t now_ms);
void rgd_natlog_flush(struct rgd_natlog *n, uint64_t now_ms);
void rgd_natlog_tick(struct rgd_natlog *n, uint64_t now_ms);

/* The log line of a NAT event into buf ("NAT TYPE FIELDS"); its length, 0
 * when e is not a NAT event (or malformed). */
size_t rgd_natlog_line(const struct rg_evt *e, bool log_dest, char *buf, size_t len);
/* Its FIELDS alone ("proto=udp inside=10.0.0.2:4000 ..."), as the daemon's
 * event stream shows them; 0 as above. */
size_t rgd_natlog_fields(const struct rg_evt *e, bool log_dest, char *buf, size_t len);
/* "session-create", ... (RG_EVENT_TYPES), "unknown" for others. */
const char *rgd_event_type_name(uint16_t type);

/* Unix time in milliseconds. */
uint64_t rgd_natlog_now_ms(void);

#endif /* RGD_NATLOG_H */
