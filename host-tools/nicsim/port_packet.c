/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port on a Linux interface: one AF_PACKET socket with mmap'ed TPACKET_V2
 * receive and transmit rings. V2 (one frame per slot) rather than V3 (blocks
 * retired on a timer) because a card forwards one frame at a time and the
 * block timer would add up to a millisecond of latency per hop.
 *
 * Transmission: the loop writes frames into TX ring slots; a thread of
 * the port's own (the transmit engine, tx_engine) hands them to the kernel.
 *
 * Offloads: a veth can hand us frames whose TCP/UDP checksum is only
 * partial (TP_STATUS_CSUMNOTREADY) — those are completed here, as a NIC's
 * checksum engine would. GSO super-packets (larger than a slot) are not
 * segmented: they are counted as rx_oversize and reported once; the lab
 * switches GSO/TSO/GRO off on every interface (docs/lab.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port.h"

#define FRAME_SIZE 2048u
#define RX_FRAMES 4096u
#define TX_FRAMES 1024u
#define BLOCK_SIZE (FRAME_SIZE * 64u)

struct pkt_priv {
	uint8_t *map;
	size_t map_len;
	uint8_t *rx, *tx;
	uint32_t rx_head, tx_head;
	uint32_t rx_taken; /* slots returned by the last rx_burst */
	int tx_pending;
	int warned_oversize;
	/* the transmit engine: a thread that hands queued frames to the
	 * kernel (see tx_engine) */
	int tx_kick; /* eventfd: frames are queued */
	int tx_stop; /* set before the last kick: the engine ends */
	pthread_t tx_thread;
	int tx_started;
	uint64_t tx_errors; /* the engine's send failures (its own counter) */
};

static struct tpacket2_hdr *rx_slot(struct pkt_priv *pp, uint32_t i)
{
	return (struct tpacket2_hdr *)(pp->rx + (size_t)(i % RX_FRAMES) * FRAME_SIZE);
}

static struct tpacket2_hdr *tx_slot(struct pkt_priv *pp, uint32_t i)
{
	return (struct tpacket2_hdr *)(pp->tx + (size_t)(i % TX_FRAMES) * FRAME_SIZE);
}

static int pkt_rx_burst(struct port *p, struct port_frame *f, int max)
{
	struct pkt_priv *pp = p->priv;
	int n = 0;
	pp->rx_taken = 0;
	while (n < max) {
		struct tpacket2_hdr *h = rx_slot(pp, pp->rx_head + pp->rx_taken);
		uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (!(status & TP_STATUS_USER))
			break;
		pp->rx_taken++;
		uint8_t *data = (uint8_t *)h + h->tp_mac;
		if (status & TP_STATUS_LOSING)
			p->st.rx_ring_drops++;
		if (h->tp_snaplen < h->tp_len) {
			p->st.rx_oversize++;
			if (!pp->warned_oversize++)
				fprintf(stderr,
					"nicsim: %s (%s): dropped a %u-byte frame larger than a "
					"slot; GSO/GRO super-packets are not segmented: switch "
					"offloads off (ethtool -K IF gso off tso off gro off)\n",
					p->name, p->where, h->tp_len);
			continue;
		}
		if (status & TP_STATUS_CSUMNOTREADY) {
			if (port_complete_csum(data, h->tp_snaplen) == 0)
				p->st.rx_csum_fixed++;
		}
		uint32_t len = h->tp_snaplen;
		/* Linux strips a received frame's VLAN tag into the slot header
		 * (tp_vlan_tci) whether or not it has VLAN devices; the card sees
		 * the wire, so the tag goes back in front of the ethertype, into
		 * the PACKET_RESERVE room before tp_mac */
		if ((status & TP_STATUS_VLAN_VALID) && len >= 12) {
			uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) ? h->tp_vlan_tpid
									     : ETH_P_8021Q;
			memmove(data - 4, data, 12);
			data -= 4;
			data[12] = (uint8_t)(tpid >> 8);
			data[13] = (uint8_t)tpid;
			data[14] = (uint8_t)(h->tp_vlan_tci >> 8);
			data[15] = (uint8_t)h->tp_vlan_tci;
			len += 4;
			p->st.rx_vlan_restored++;
		}
		f[n].data = data;
		f[n].len = len;
		p->st.rx++;
		p->st.rx_bytes += len;
		n++;
	}
	/* slots that held only dropped frames go back at once */
	if (!n)
		p->ops->rx_release(p);
	return n;
}

static void pkt_rx_release(struct port *p)
{
	struct pkt_priv *pp = p->priv;
	for (uint32_t i = 0; i < pp->rx_taken; i++)
		__atomic_store_n(&rx_slot(pp, pp->rx_head + i)->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
	pp->rx_head += pp->rx_taken;
	pp->rx_taken = 0;
}

/*
 * The transmit engine. send() on a TX ring makes the kernel take every
 * queued frame in the caller's context — and on a veth, the receiving
 * host's whole stack runs there too (TCP receive, its ACKs, the sender's
 * next segments). A thread of its own for it, as a NIC's transmit DMA
 * engine is separate from its receive path, lets that work run on another
 * core while the card's loop goes on with the next frames; the loop only
 * writes ring slots and kicks the engine (an eventfd write).
 */
static void *tx_engine(void *arg)
{
	struct port *p = arg;
	struct pkt_priv *pp = p->priv;
	for (;;) {
		uint64_t n;
		if (read(pp->tx_kick, &n, sizeof(n)) < 0 && errno != EINTR)
			break;
		if (__atomic_load_n(&pp->tx_stop, __ATOMIC_ACQUIRE))
			break;
		if (send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
			__atomic_add_fetch(&pp->tx_errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void pkt_tx_flush(struct port *p)
{
	struct pkt_priv *pp = p->priv;
	if (pp->tx_errors) /* the engine's count joins the port's */
		p->st.tx_errors += __atomic_exchange_n(&pp->tx_errors, 0, __ATOMIC_RELAXED);
	if (!pp->tx_pending)
		return;
	pp->tx_pending = 0;
	uint64_t one = 1;
	if (pp->tx_started && write(pp->tx_kick, &one, sizeof(one)) == sizeof(one))
		return;
	/* no engine: send from here */
	if (send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
		p->st.tx_errors++;
}

static int pkt_tx(struct port *p, const uint8_t *frame, uint32_t len)
{
	struct pkt_priv *pp = p->priv;
	const uint32_t off = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
	if (len > FRAME_SIZE - off) {
		p->st.tx_oversize++;
		return -1;
	}
	struct tpacket2_hdr *h = tx_slot(pp, pp->tx_head);
	uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	if (status != TP_STATUS_AVAILABLE) {
		/* the kernel has not sent this slot yet: push from here (the
		 * kernel serialises senders) and look again */
		if (send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
			p->st.tx_errors++;
		status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (status == TP_STATUS_WRONG_FORMAT) {
			p->st.tx_errors++;
		} else if (status != TP_STATUS_AVAILABLE) {
			p->st.tx_ring_full++;
			return -1;
		}
	}
	memcpy((uint8_t *)h + off, frame, len);
	h->tp_len = len;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	pp->tx_head++;
	p->st.tx++;
	p->st.tx_bytes += len;
	if (++pp->tx_pending >= PORT_BURST)
		pkt_tx_flush(p);
	return 0;
}

static void pkt_close(struct port *p)
{
	struct pkt_priv *pp = p->priv;
	if (pp) {
		pkt_tx_flush(p);
		if (pp->tx_started) {
			uint64_t one = 1;
			__atomic_store_n(&pp->tx_stop, 1, __ATOMIC_RELEASE);
			if (write(pp->tx_kick, &one, sizeof(one)) == sizeof(one))
				pthread_join(pp->tx_thread, NULL);
			p->st.tx_errors += __atomic_exchange_n(&pp->tx_errors, 0, __ATOMIC_RELAXED);
			/* what the engine had not taken yet */
			if (send(p->fd, NULL, 0, MSG_DONTWAIT) < 0)
				errno = 0;
		}
		if (pp->tx_kick >= 0)
			close(pp->tx_kick);
		if (pp->map)
			munmap(pp->map, pp->map_len);
		free(pp);
	}
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

static const struct port_ops pkt_ops = {
	.rx_burst = pkt_rx_burst,
	.rx_release = pkt_rx_release,
	.tx = pkt_tx,
	.tx_flush = pkt_tx_flush,
	.close = pkt_close,
};

struct port *port_packet_open(const char *name, const char *ifname, char *err, size_t err_len);

struct port *port_packet_open(const char *name, const char *ifname, char *err, size_t err_len)
{
	struct port *p = calloc(1, sizeof(*p));
	struct pkt_priv *pp = calloc(1, sizeof(*pp));
	if (!p || !pp) {
		free(p);
		free(pp);
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	p->ops = &pkt_ops;
	p->priv = pp;
	pp->tx_kick = -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->where, sizeof(p->where), "interface %s", ifname);
	const char *step = "socket";
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		snprintf(err, err_len, "port %s: no interface '%s' in this network namespace", name,
			 ifname);
		p->fd = -1;
		pkt_close(p);
		return NULL;
	}
	p->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (p->fd < 0)
		goto fail;
	int v = TPACKET_V2;
	step = "PACKET_VERSION";
	if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		goto fail;
	/* room in front of each received frame for its 802.1Q tag, which the
	 * kernel takes off into the slot header (see pkt_rx_burst) */
	v = 4;
	step = "PACKET_RESERVE";
	if (setsockopt(p->fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v)))
		goto fail;
	struct tpacket_req rq = { .tp_block_size = BLOCK_SIZE,
				  .tp_frame_size = FRAME_SIZE,
				  .tp_block_nr = RX_FRAMES * FRAME_SIZE / BLOCK_SIZE,
				  .tp_frame_nr = RX_FRAMES };
	step = "PACKET_RX_RING";
	if (setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &rq, sizeof(rq)))
		goto fail;
	struct tpacket_req tq = { .tp_block_size = BLOCK_SIZE,
				  .tp_frame_size = FRAME_SIZE,
				  .tp_block_nr = TX_FRAMES * FRAME_SIZE / BLOCK_SIZE,
				  .tp_frame_nr = TX_FRAMES };
	step = "PACKET_TX_RING";
	if (setsockopt(p->fd, SOL_PACKET, PACKET_TX_RING, &tq, sizeof(tq)))
		goto fail;
	v = 1;
	/* straight to the driver: the card has no qdisc either */
	setsockopt(p->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v));
	/* frames we send are not ours to receive */
	setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof(v));
	pp->map_len = (size_t)(RX_FRAMES + TX_FRAMES) * FRAME_SIZE;
	step = "mmap";
	pp->map = mmap(NULL, pp->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, p->fd,
		       0);
	if (pp->map == MAP_FAILED) {
		pp->map = NULL;
		goto fail;
	}
	pp->rx = pp->map;
	pp->tx = pp->map + (size_t)RX_FRAMES * FRAME_SIZE;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	step = "bind";
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto fail;
	struct packet_mreq mr = { .mr_ifindex = (int)ifindex, .mr_type = PACKET_MR_PROMISC };
	step = "promiscuous mode";
	if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		goto fail;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	step = "reading the MAC address";
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr))
		goto fail;
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
	/* the transmit engine; without it the loop sends itself */
	pp->tx_kick = eventfd(0, EFD_CLOEXEC);
	if (pp->tx_kick >= 0 && pthread_create(&pp->tx_thread, NULL, tx_engine, p) == 0)
		pp->tx_started = 1;
	return p;
fail:
	snprintf(err, err_len, "port %s on %s: %s: %s%s", name, ifname, step, strerror(errno),
		 errno == EPERM ? " (needs root or CAP_NET_RAW; use pcap: ports otherwise)" : "");
	pkt_close(p);
	return NULL;
}
