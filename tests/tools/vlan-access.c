/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan-access: an 802.1Q access port in userspace, for lab tests on kernels
 * built without VLAN devices (CONFIG_VLAN_8021Q) or the tc vlan action.
 *
 *   vlan-access TAPNAME TRUNK-IFNAME VID
 *
 * Creates the TAP interface TAPNAME (the host's untagged side: give it the
 * host's address) and bridges it to TRUNK-IFNAME: every frame from the TAP
 * leaves the trunk tagged with VID (priority 0); a frame from the trunk
 * reaches the TAP, untagged, only when it carries VID — the kernel has
 * already taken the tag off into the packet's metadata (PACKET_AUXDATA),
 * untagged frames and other VIDs are dropped, as a switch's access port
 * drops them. Runs until killed; counts on standard error at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_MAX 9220

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int tap_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int trunk_open(const char *ifname)
{
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		errno = ENODEV;
		return -1;
	}
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	int one = 1;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	struct packet_mreq mr = { .mr_ifindex = (int)ifindex, .mr_type = PACKET_MR_PROMISC };
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s TAPNAME TRUNK-IFNAME VID\n", argv[0]);
		return 2;
	}
	char *end;
	unsigned long vid = strtoul(argv[3], &end, 10);
	if (*end || vid < 1 || vid > 4094) {
		fprintf(stderr, "vlan-access: VID is 1..4094, not '%s'\n", argv[3]);
		return 2;
	}
	int tap = tap_open(argv[1]);
	if (tap < 0) {
		fprintf(stderr, "vlan-access: TAP %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	int trunk = trunk_open(argv[2]);
	if (trunk < 0) {
		fprintf(stderr, "vlan-access: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	static uint8_t buf[FRAME_MAX + 4];
	unsigned long tagged_out = 0, untagged_in = 0, dropped = 0;
	struct pollfd pfd[2] = { { .fd = tap, .events = POLLIN },
				 { .fd = trunk, .events = POLLIN } };
	while (!stop) {
		if (poll(pfd, 2, 200) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			/* host -> trunk: the tag goes in after the MACs */
			ssize_t n = read(tap, buf + 4, FRAME_MAX);
			if (n >= 14) {
				memmove(buf, buf + 4, 12);
				buf[12] = 0x81;
				buf[13] = 0x00;
				buf[14] = (uint8_t)(vid >> 8);
				buf[15] = (uint8_t)vid;
				if (send(trunk, buf, (size_t)n + 4, 0) == n + 4)
					tagged_out++;
			}
		}
		if (pfd[1].revents & POLLIN) {
			/* trunk -> host: only VID, already untagged by the kernel */
			union {
				struct cmsghdr h;
				uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
			} ctl;
			struct iovec iov = { .iov_base = buf, .iov_len = FRAME_MAX };
			struct msghdr m = { .msg_iov = &iov,
					    .msg_iovlen = 1,
					    .msg_control = &ctl,
					    .msg_controllen = sizeof(ctl) };
			ssize_t n = recvmsg(trunk, &m, 0);
			if (n < 14)
				continue;
			unsigned got = 0, valid = 0;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
				if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
					struct tpacket_auxdata a;
					memcpy(&a, CMSG_DATA(c), sizeof(a));
					valid = (a.tp_status & TP_STATUS_VLAN_VALID) != 0;
					got = a.tp_vlan_tci & 0x0fffu;
				}
			if (valid && got == vid && write(tap, buf, (size_t)n) == n)
				untagged_in++;
			else
				dropped++;
		}
	}
	fprintf(stderr, "vlan-access: %lu tagged out, %lu untagged in, %lu dropped\n", tagged_out,
		untagged_in, dropped);
	return 0;
}
