/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Client-side plumbing shared by pcp-client and dpm-run: finding the
 * gateway (the default route's next hop, as natpmpc does), and one UDP
 * request/answer exchange with retransmission (RFC 6887 8.1.1 style:
 * doubling intervals).
 */
#ifndef RG_CLIENT_NET_H
#define RG_CLIENT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default gateway from /proc/net/route (host order); 0 = none. */
uint32_t cn_default_gateway(void);

/* "a.b.c.d" -> host order; 0 on success. */
int cn_parse_addr(const char *s, uint32_t *addr);
const char *cn_addr_str(uint32_t host_order, char buf[16]);

/* A UDP socket connected to server:port; *local gets its own address and
 * port (host order). -1 on error (errno). */
int cn_udp_connect(uint32_t server, uint16_t port, uint32_t *local_addr, uint16_t *local_port);

/* Send req, wait for an answer accepted by accept(arg, buf, len) (which
 * returns true for the answer to this request), retransmitting after
 * initial_ms, doubling, `tries` sends in all. Returns the answer length,
 * 0 when none came. */
size_t cn_exchange(int fd, const void *req, size_t len, uint8_t *rsp, size_t cap,
		   unsigned initial_ms, unsigned tries,
		   bool (*accept)(void *arg, const uint8_t *buf, size_t len), void *arg);

/* A free local port for proto (6/17), found by binding port 0. 0 = none. */
uint16_t cn_free_port(uint8_t proto);

#endif /* RG_CLIENT_NET_H */
