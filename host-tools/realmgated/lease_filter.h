/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which leases `mappings list` shows: by protocol, owner, inside endpoint
 * (an address, or address and port) and outside endpoint. An operator of
 * a gateway with a million leases asks about one subscriber or one public
 * port, not for all of them.
 */
#ifndef RGD_LEASE_FILTER_H
#define RGD_LEASE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease.h"

enum {
	RGD_LF_PROTO = 1u << 0,
	RGD_LF_OWNER = 1u << 1,
	RGD_LF_IN_ADDR = 1u << 2,
	RGD_LF_IN_PORT = 1u << 3,
	RGD_LF_OUT_ADDR = 1u << 4,
	RGD_LF_OUT_PORT = 1u << 5,
};

struct rgd_lease_filter {
	unsigned what; /* RGD_LF_* */
	uint8_t proto;
	uint8_t owner;
	uint32_t in_addr, out_addr; /* host order */
	uint16_t in_port, out_port;
};

/* Options --proto udp|tcp, --owner NAME, --inside ADDR[:PORT],
 * --outside ADDR[:PORT], each at most once. Returns 0, or -1 with a
 * message naming the word at fault in err. */
int rgd_lease_filter_parse(int argc, char **argv, struct rgd_lease_filter *f, char *err,
			   size_t errlen);

bool rgd_lease_filter_match(const struct rgd_lease_filter *f, const struct rgd_lease *l);

#endif /* RGD_LEASE_FILTER_H */
