/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's host port as a TAP netdev: frames the card sends out of port 2
 * (HRX ring) are written to the TAP, frames the host stack sends on the TAP
 * go into the card's port 2 (HTX ring). The daemon serves the card's own
 * addresses (PCP, DNS, ...) with ordinary sockets on that interface.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dev_internal.h"

int rg_tap_open(const char *name, char *err, size_t err_len)
{
	struct ifreq ifr;
	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		rg_errf(err, err_len, "bad TAP name '%s'", name ? name : "");
		return -1;
	}
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rg_errf(err, err_len, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		rg_errf(err, err_len, "TAP %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int rg_dev_hp_pump(struct rg_dev *d, int tap_fd, unsigned budget)
{
	uint8_t buf[RG_HP_BUF];
	unsigned moved = 0;
	/* card -> host stack */
	for (unsigned i = 0; i < budget; i++) {
		int n = rg_dev_hp_recv(d, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0)
			continue; /* dropped by the card, counted in hp_errors */
		if (write(tap_fd, buf, (size_t)n) != n)
			d->tap_dropped++;
		moved++;
	}
	/* host stack -> card; a frame the HTX ring has no room for waits */
	for (unsigned i = 0; i < budget; i++) {
		if (!d->tap_pending_len) {
			ssize_t n = read(tap_fd, d->tap_pending, sizeof(d->tap_pending));
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return rg_dev_fail(d, "TAP read: %s", strerror(errno));
			}
			if (n < 14)
				continue;
			d->tap_pending_len = (uint32_t)n;
		}
		enum rg_status st = rg_dev_hp_send(d, d->tap_pending, d->tap_pending_len);
		if (st == RG_ST_BUSY)
			break;
		if (st != RG_ST_OK)
			d->tap_dropped++;
		d->tap_pending_len = 0;
		moved++;
	}
	return (int)moved;
}

uint64_t rg_dev_tap_dropped(const struct rg_dev *d)
{
	return d->tap_dropped;
}
