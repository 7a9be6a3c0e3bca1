/* SPDX-License-Identifier: BSD-2-Clause */
/* Host port <-> TAP; see hostport.h. */
#include "hostport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_addr(int s, const char *name, unsigned long req, uint32_t addr)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(addr);
	return ioctl(s, req, &ifr);
}

int rgd_hostport_open(const char *name, uint32_t addr, uint8_t plen, uint16_t mtu, char *err,
		      size_t errlen)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		snprintf(err, errlen, "TAP %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	/* IPv4 only: no router solicitations or DAD on the card's host port */
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	int v6 = open(path, O_WRONLY | O_CLOEXEC);
	if (v6 >= 0) {
		if (write(v6, "1", 1) < 0)
			errno = 0;
		close(v6);
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
	struct ifreq f;
	memset(&f, 0, sizeof(f));
	snprintf(f.ifr_name, IFNAMSIZ, "%s", name);
	f.ifr_mtu = mtu ? mtu : 1500;
	/* a fixed MAC: the card remembers the host's MAC, and a restarted
	 * daemon must be reachable at the same one (02:52:47:48:...: "RGH",
	 * locally administered), the low bytes from the inside address */
	struct ifreq hw;
	memset(&hw, 0, sizeof(hw));
	snprintf(hw.ifr_name, IFNAMSIZ, "%s", name);
	hw.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	const uint8_t mac[6] = { 0x02, 0x52, 0x47, 0x48, (uint8_t)(addr >> 8), (uint8_t)addr };
	memcpy(hw.ifr_hwaddr.sa_data, mac, 6);
	int rc = s < 0 || ioctl(s, SIOCSIFHWADDR, &hw) || set_addr(s, name, SIOCSIFADDR, addr) ||
		 set_addr(s, name, SIOCSIFNETMASK, mask) || ioctl(s, SIOCSIFMTU, &f) ||
		 ioctl(s, SIOCGIFFLAGS, &f);
	if (!rc) {
		f.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(s, SIOCSIFFLAGS, &f);
	}
	if (rc) {
		snprintf(err, errlen, "configuring TAP %s: %s", name, strerror(errno));
		if (s >= 0)
			close(s);
		close(fd);
		return -1;
	}
	close(s);
	return fd;
}

unsigned rgd_hostport_from_tap(int tap, struct rgd_card *card)
{
	uint8_t buf[2048];
	unsigned n = 0;
	for (; n < 64; n++) {
		ssize_t len = read(tap, buf, sizeof(buf));
		if (len <= 0)
			break;
		/* a full ring drops the frame, as a congested NIC would; the
		 * protocols above retransmit */
		card->ops->hp_send(card->ctx, buf, (uint32_t)len);
	}
	return n;
}

unsigned rgd_hostport_to_tap(int tap, struct rgd_card *card)
{
	uint8_t buf[2048];
	unsigned n = 0;
	for (; n < 256; n++) {
		int len = card->ops->hp_recv(card->ctx, buf, sizeof(buf));
		if (len <= 0)
			break;
		if (write(tap, buf, (size_t)len) < 0 && errno != EAGAIN)
			break;
	}
	return n;
}
