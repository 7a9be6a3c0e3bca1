/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port on pcap files, for runs without root: frames are read from IN (in
 * file order, the first `start_ms` after the port opens so the host can
 * configure the card first, then `gap_ms` apart so that the card's answers
 * — ARP, ICMP — can happen in between) and frames the card sends are
 * written to OUT.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "port.h"

#define PCAP_FRAME_MAX 9216u

struct pcap_priv {
	pcap_t *in;
	pcap_t *dead;
	pcap_dumper_t *out;
	uint8_t buf[PORT_BURST][PCAP_FRAME_MAX];
	unsigned gap_ms;
	struct timespec next;
};

static int due(struct pcap_priv *pp)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < pp->next.tv_sec ||
	    (now.tv_sec == pp->next.tv_sec && now.tv_nsec < pp->next.tv_nsec))
		return 0;
	long ns = now.tv_nsec + (long)pp->gap_ms * 1000000L;
	pp->next.tv_sec = now.tv_sec + ns / 1000000000L;
	pp->next.tv_nsec = ns % 1000000000L;
	return 1;
}

static int pcap_rx_burst(struct port *p, struct port_frame *f, int max)
{
	struct pcap_priv *pp = p->priv;
	int n = 0;
	if (!pp->in)
		return 0;
	if (pp->gap_ms && max > 1)
		max = 1;
	while (n < max && due(pp)) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(pp->in, &h, &data);
		if (rc != 1) {
			pcap_close(pp->in);
			pp->in = NULL;
			p->input_done = 1;
			break;
		}
		if (h->caplen < h->len || h->caplen > PCAP_FRAME_MAX) {
			p->st.rx_oversize++;
			continue;
		}
		memcpy(pp->buf[n], data, h->caplen);
		f[n].data = pp->buf[n];
		f[n].len = h->caplen;
		p->st.rx++;
		p->st.rx_bytes += h->caplen;
		n++;
	}
	return n;
}

static void pcap_rx_release(struct port *p)
{
	(void)p;
}

static int pcap_tx(struct port *p, const uint8_t *frame, uint32_t len)
{
	struct pcap_priv *pp = p->priv;
	if (!pp->out)
		return 0; /* no output file: frames leave into nothing */
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	gettimeofday(&h.ts, NULL);
	pcap_dump((u_char *)pp->out, &h, frame);
	p->st.tx++;
	p->st.tx_bytes += len;
	return 0;
}

static void pcap_tx_flush(struct port *p)
{
	struct pcap_priv *pp = p->priv;
	if (pp->out)
		pcap_dump_flush(pp->out);
}

static void pcap_port_close(struct port *p)
{
	struct pcap_priv *pp = p->priv;
	if (pp) {
		if (pp->in)
			pcap_close(pp->in);
		if (pp->out)
			pcap_dump_close(pp->out);
		if (pp->dead)
			pcap_close(pp->dead);
		free(pp);
	}
	free(p);
}

static const struct port_ops pcap_ops = {
	.rx_burst = pcap_rx_burst,
	.rx_release = pcap_rx_release,
	.tx = pcap_tx,
	.tx_flush = pcap_tx_flush,
	.close = pcap_port_close,
};

struct port *port_pcap_open(const char *name, const char *in, const char *out, unsigned gap_ms,
			    unsigned start_ms, char *err, size_t err_len);

struct port *port_pcap_open(const char *name, const char *in, const char *out, unsigned gap_ms,
			    unsigned start_ms, char *err, size_t err_len)
{
	struct port *p = calloc(1, sizeof(*p));
	struct pcap_priv *pp = calloc(1, sizeof(*pp));
	char perr[PCAP_ERRBUF_SIZE];
	if (!p || !pp) {
		free(p);
		free(pp);
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	p->ops = &pcap_ops;
	p->priv = pp;
	p->fd = -1;
	pp->gap_ms = gap_ms;
	/* the first frame is due start_ms from now (time to configure the card) */
	clock_gettime(CLOCK_MONOTONIC, &pp->next);
	long ns = pp->next.tv_nsec + (long)(start_ms % 1000u) * 1000000L;
	pp->next.tv_sec += start_ms / 1000u + ns / 1000000000L;
	pp->next.tv_nsec = ns % 1000000000L;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->where, sizeof(p->where), "pcap %s -> %s", *in ? in : "(none)",
		 *out ? out : "(none)");
	if (*in) {
		pp->in = pcap_open_offline(in, perr);
		if (!pp->in) {
			snprintf(err, err_len, "port %s: %s", name, perr);
			pcap_port_close(p);
			return NULL;
		}
		if (pcap_datalink(pp->in) != DLT_EN10MB) {
			snprintf(err, err_len, "port %s: %s is not an Ethernet capture", name, in);
			pcap_port_close(p);
			return NULL;
		}
	} else
		p->input_done = 1;
	if (*out) {
		pp->dead = pcap_open_dead(DLT_EN10MB, 65535);
		pp->out = pp->dead ? pcap_dump_open(pp->dead, out) : NULL;
		if (!pp->out) {
			snprintf(err, err_len, "port %s: cannot write %s: %s", name, out,
				 pp->dead ? pcap_geterr(pp->dead) : "pcap");
			pcap_port_close(p);
			return NULL;
		}
	}
	return p;
}
