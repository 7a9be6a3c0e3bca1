/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A port of the simulated card, attached to something that carries frames:
 *   AF_PACKET on a Linux interface (mmap'ed TPACKET_V2 rings), or
 *   pcap files (frames read from one file, frames sent written to another),
 *   for runs without root and for replaying captures.
 * Received frames are borrowed from the backend until rx_release.
 */
#ifndef RG_NICSIM_PORT_H
#define RG_NICSIM_PORT_H

#include <stddef.h>
#include <stdint.h>

#define PORT_BURST 32

struct port_frame {
	const uint8_t *data;
	uint32_t len;
};

struct port_stats {
	uint64_t rx, rx_bytes, tx, tx_bytes;
	uint64_t rx_oversize;	   /* truncated by the ring (GSO super-packets) */
	uint64_t rx_csum_fixed;	   /* partial checksums completed before the fast path */
	uint64_t rx_vlan_restored; /* 802.1Q tags put back from the ring's metadata */
	uint64_t rx_ring_drops;	   /* the kernel dropped: our ring was full */
	uint64_t tx_ring_full;	   /* dropped: TX ring full */
	uint64_t tx_errors;	   /* send failed */
	uint64_t tx_oversize;	   /* longer than the port can send */
};

struct port;

struct port_ops {
	/* up to max frames (0 = none waiting) */
	int (*rx_burst)(struct port *p, struct port_frame *f, int max);
	/* give back what the last rx_burst returned */
	void (*rx_release)(struct port *p);
	/* queue a frame for sending; 0, or -1 when dropped (counted) */
	int (*tx)(struct port *p, const uint8_t *frame, uint32_t len);
	/* push queued frames out */
	void (*tx_flush)(struct port *p);
	void (*close)(struct port *p);
};

struct port {
	const struct port_ops *ops;
	char name[64];	/* "inside", "outside" */
	char where[96]; /* interface or file, for people */
	uint8_t mac[6];
	int fd;		/* to poll() for input, -1 if none */
	int input_done; /* pcap input exhausted */
	struct port_stats st;
	void *priv;
};

/* "IFNAME" (AF_PACKET) or "pcap:IN[,OUT]" (either may be empty). Returns
 * NULL with err set. */
struct port *port_open(const char *name, const char *spec, char *err, size_t err_len);

/* Complete a partial L4 checksum (TCP/UDP over IPv4) in place, as a NIC
 * does on transmit. 0, or -1 when the frame is not such a packet. */
int port_complete_csum(uint8_t *frame, uint32_t len);

#endif /* RG_NICSIM_PORT_H */
