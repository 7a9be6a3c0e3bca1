/* SPDX-License-Identifier: BSD-2-Clause */
/* Per-port packet capture: every frame a port receives or sends. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "capture.h"

struct capture {
	pcap_t *dead;
	pcap_dumper_t *out;
};

struct capture *capture_open(const char *dir, const char *port, char *err, size_t err_len)
{
	char path[512];
	struct capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, port);
	c->dead = pcap_open_dead(DLT_EN10MB, 65535);
	c->out = c->dead ? pcap_dump_open(c->dead, path) : NULL;
	if (!c->out) {
		snprintf(err, err_len, "capture %s: %s", path,
			 c->dead ? pcap_geterr(c->dead) : "pcap");
		capture_close(c);
		return NULL;
	}
	return c;
}

void capture_frame(struct capture *c, const uint8_t *frame, uint32_t len)
{
	if (!c)
		return;
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	gettimeofday(&h.ts, NULL);
	pcap_dump((u_char *)c->out, &h, frame);
}

void capture_flush(struct capture *c)
{
	if (c)
		pcap_dump_flush(c->out);
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->out)
		pcap_dump_close(c->out);
	if (c->dead)
		pcap_close(c->dead);
	free(c);
}
