/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DPM setup exchange of seed 000 as realmgate puts it on the wire
 * (docs/protocols.md): one UDP datagram each way, sent by the inside node to
 * the gateway's inside address on the DPM port (default 1080). The request
 * names the session's final destination and whether the application's port
 * is replaceable; the reply gives the registered (outside) address and the
 * port the session will leave with. All fields big-endian.
 *
 *   0      2     3     4      5      6         8          12        14
 *  +------+-----+-----+------+------+---------+----------+---------+------+
 *  |"DP"  | ver |type |flags/|proto |inside   |dest addr |dest port| rsvd |
 *  |      |  1  |     |status|      |port     |/reg addr |/assigned|      |
 *  +------+-----+-----+------+------+---------+----------+---------+------+
 *  16               20                24
 *  +----------------+-----------------+
 *  | lifetime (s)   | transaction id  |
 *  +----------------+-----------------+
 */
#ifndef RG_DPM_WIRE_H
#define RG_DPM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DPM_DEFAULT_PORT 1080
#define DPM_MSG_LEN 24
#define DPM_MAGIC0 'D'
#define DPM_MAGIC1 'P'
#define DPM_VERSION 1

enum dpm_type {
	DPM_SETUP = 1,	       /* request: reserve for a destination */
	DPM_SETUP_REPLY = 2,   /* reply */
	DPM_RELEASE = 3,       /* request: give the reservation back */
	DPM_RELEASE_REPLY = 4, /* reply */
};

#define DPM_F_REPLACEABLE 0x01 /* request flag: the server may assign a new port */

enum dpm_status {
	DPM_OK = 0,
	DPM_ERR_MALFORMED = 1,	    /* bad length, magic, type, protocol or destination */
	DPM_ERR_VERSION = 2,	    /* version not 1; the reply carries version 1 */
	DPM_ERR_NOT_AUTHORIZED = 3, /* requester not in the inside realm / policy */
	DPM_ERR_NO_RESOURCES = 4,   /* no outside address or port left */
	DPM_ERR_PORT_TAKEN = 5,	    /* not replaceable and that port is taken
				      toward the same destination */
	DPM_ERR_QUOTA = 6,	    /* the requester's mapping quota is used up */
	DPM_ERR_FAILURE = 7,	    /* the card did not answer */
};

struct dpm_msg {
	uint8_t version;
	uint8_t type;
	uint8_t flags;	  /* request: DPM_F_*; reply: enum dpm_status */
	uint8_t proto;	  /* 6 TCP, 17 UDP */
	uint16_t in_port; /* 0 = the request's own UDP source port */
	uint32_t addr;	  /* request: destination; reply: registered address (host order) */
	uint16_t port;	  /* request: destination port; reply: assigned port */
	uint32_t lifetime;
	uint32_t txid;
};

const char *dpm_status_name(int status);

/* Returns DPM_OK, DPM_ERR_MALFORMED or DPM_ERR_VERSION; -1 for a datagram
 * that is not DPM at all (wrong magic or size) and gets no answer. */
int dpm_decode(const uint8_t *buf, size_t len, struct dpm_msg *m);
size_t dpm_encode(const struct dpm_msg *m, uint8_t out[DPM_MSG_LEN]);

#endif /* RG_DPM_WIRE_H */
