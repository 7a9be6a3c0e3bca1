/* SPDX-License-Identifier: BSD-2-Clause */
/* Address, endpoint and protocol parsing (parse.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_ipv4(const char *s, uint32_t *be)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*be = a.s_addr;
	return 0;
}

int parse_prefix(const char *s, uint32_t *be, uint8_t *plen)
{
	char buf[64], *slash;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash++ = 0;
	unsigned long n;
	if (rg_parse_uint(slash, 0, 32, &n) || parse_ipv4(buf, be))
		return -1;
	*plen = (uint8_t)n;
	return 0;
}

int parse_endpoint(const char *s, uint32_t *be_addr, uint16_t *be_port)
{
	char buf[64], *colon;
	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon++ = 0;
	unsigned long p;
	if (rg_parse_uint(colon, 0, 65535, &p) || parse_ipv4(buf, be_addr))
		return -1;
	*be_port = htons((uint16_t)p);
	return 0;
}

int parse_proto(const char *s)
{
	if (!strcmp(s, "tcp"))
		return 6;
	if (!strcmp(s, "udp"))
		return 17;
	if (!strcmp(s, "icmp"))
		return 1;
	unsigned long n;
	return rg_parse_uint(s, 0, 255, &n) ? -1 : (int)n;
}

const char *proto_name(unsigned proto, char *buf, unsigned len)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 50:
		return "esp";
	case 51:
		return "ah";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

const char *ipv4_str(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };
	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
	return buf;
}
