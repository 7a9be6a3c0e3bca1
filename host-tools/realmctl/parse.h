/* SPDX-License-Identifier: BSD-2-Clause */
/* Parsing of addresses, endpoints and protocols for realmctl and its
 * configuration file. Addresses come out in network order (rg_be32). */
#ifndef RG_REALMCTL_PARSE_H
#define RG_REALMCTL_PARSE_H

#include <stdint.h>

#include "../lib/parse_num.h"

#define INET_ADDRSTRLEN_ 16 /* "255.255.255.255" and its NUL */

int parse_ipv4(const char *s, uint32_t *be);
int parse_prefix(const char *s, uint32_t *be, uint8_t *plen);
/* ADDR:PORT; port 0 allowed (means "any" where the contract says so) */
int parse_endpoint(const char *s, uint32_t *be_addr, uint16_t *be_port);
/* tcp, udp, icmp or a number 0..255; -1 if none of these */
int parse_proto(const char *s);
const char *proto_name(unsigned proto, char *buf, unsigned len);
/* a.b.c.d from a network-order address */
const char *ipv4_str(uint32_t be, char *buf);

#endif /* RG_REALMCTL_PARSE_H */
