/* SPDX-License-Identifier: BSD-2-Clause */
/* Client plumbing; see client_net.h. */
#include "client_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint32_t cn_default_gateway(void)
{
	FILE *f = fopen("/proc/net/route", "r");
	if (!f)
		return 0;
	char line[256], ifname[64];
	unsigned dest, gw, flags;
	uint32_t found = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %x %x %x", ifname, &dest, &gw, &flags) == 4 && dest == 0 &&
		    (flags & 0x2) && gw) {
			found = ntohl(gw); /* the file shows it in network order */
			break;
		}
	fclose(f);
	return found;
}

int cn_parse_addr(const char *s, uint32_t *addr)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = ntohl(a.s_addr);
	return 0;
}

const char *cn_addr_str(uint32_t host_order, char buf[16])
{
	struct in_addr a = { htonl(host_order) };
	inet_ntop(AF_INET, &a, buf, 16);
	return buf;
}

int cn_udp_connect(uint32_t server, uint16_t port, uint32_t *local_addr, uint16_t *local_port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(server) };
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*local_addr = ntohl(sa.sin_addr.s_addr);
	*local_port = ntohs(sa.sin_port);
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

size_t cn_exchange(int fd, const void *req, size_t len, uint8_t *rsp, size_t cap,
		   unsigned initial_ms, unsigned tries,
		   bool (*accept)(void *arg, const uint8_t *buf, size_t len), void *arg)
{
	unsigned wait = initial_ms;
	for (unsigned t = 0; t < tries; t++, wait *= 2) {
		if (send(fd, req, len, 0) < 0)
			return 0;
		uint64_t until = now_ms() + wait;
		for (;;) {
			uint64_t now = now_ms();
			if (now >= until)
				break;
			struct pollfd p = { fd, POLLIN, 0 };
			if (poll(&p, 1, (int)(until - now)) <= 0)
				break;
			ssize_t n = recv(fd, rsp, cap, 0);
			if (n > 0 && accept(arg, rsp, (size_t)n))
				return (size_t)n;
		}
	}
	return 0;
}

uint16_t cn_free_port(uint8_t proto)
{
	int fd = socket(AF_INET, proto == 6 ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	uint16_t port = 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}
