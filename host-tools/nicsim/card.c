/* SPDX-License-Identifier: BSD-2-Clause */
/* The simulated card's loop and its platform glue for the firmware. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../../firmware/fw.h"
#include "../../firmware/mbox/mbox.h"
#include "capture.h"
#include "card.h"
#include "fastpath.h"
#include "port.h"
#include "rg_build_info.h"
#include "realmgate/counters.h"
#include "realmgate/regmap.h"
#include "simbus.h"

#define REINJECT_SLOTS 256u
#define OUT_CAP (RG_FP_FRAME_MAX + 24u)

struct reinject {
	uint8_t port;
	uint32_t len;
	uint8_t frame[RG_FP_FRAME_MAX];
};

struct card_stats {
	uint64_t fp_forward, fp_punt, fp_drop;
	uint64_t reinjected, reinject_full;
	uint64_t fw_tx, fw_tx_no_port;
	uint64_t to_host, to_host_dropped, from_host;
	uint64_t resets;
	uint64_t moderated; /* turns that waited rx_usecs for frames to gather */
};

struct card {
	struct card_opts o;
	struct rg_simbus sb;
	struct fastpath fp;
	struct rg_fw_params params;
	struct rg_hal hal;
	struct rg_fw *fw;
	void *fw_mem;
	size_t fw_mem_len;
	struct rg_mbox *mb;
	struct port *port[RG_PORT_COUNT];
	struct capture *cap[RG_PORT_COUNT];
	struct timespec t0;
	uint32_t last_tick, last_mirror;
	struct reinject *rq;
	uint32_t rq_head, rq_tail;
	uint8_t (*out)[OUT_CAP]; /* egress buffers of one burst */
	unsigned quiet_turns;	 /* turns without received frames (moderation) */
	struct card_stats st;
};

static uint32_t now_ms(void *ctx)
{
	struct card *c = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((ts.tv_sec - c->t0.tv_sec) * 1000 +
			  (ts.tv_nsec - c->t0.tv_nsec) / 1000000);
}

/* A frame leaving the card through `port`. */
static void egress(struct card *c, unsigned port, const uint8_t *frame, uint32_t len)
{
	if (port == RG_PORT_HOST) {
		capture_frame(c->cap[port], frame, len);
		if (rg_mbox_to_host(c->mb, frame, len) == 0)
			c->st.to_host++;
		else
			c->st.to_host_dropped++;
		return;
	}
	if (port >= RG_PORT_COUNT || !c->port[port]) {
		c->st.fw_tx_no_port++;
		return;
	}
	capture_frame(c->cap[port], frame, len);
	c->port[port]->ops->tx(c->port[port], frame, len);
}

static void hal_tx(void *ctx, unsigned port, const uint8_t *frame, uint32_t len)
{
	struct card *c = ctx;
	c->st.fw_tx++;
	egress(c, port, frame, len);
}

static void hal_reinject(void *ctx, unsigned port, const uint8_t *frame, uint32_t len)
{
	struct card *c = ctx;
	if (c->rq_tail - c->rq_head >= REINJECT_SLOTS || len > RG_FP_FRAME_MAX ||
	    port >= RG_PORT_COUNT) {
		c->st.reinject_full++;
		return;
	}
	struct reinject *r = &c->rq[c->rq_tail++ % REINJECT_SLOTS];
	r->port = (uint8_t)port;
	r->len = len;
	memcpy(r->frame, frame, len);
}

static void hal_event(void *ctx, const struct rg_evt *evt)
{
	struct card *c = ctx;
	rg_mbox_event(c->mb, evt);
}

static uint32_t hal_event_room(void *ctx, uint32_t types)
{
	struct card *c = ctx;
	return rg_mbox_event_room(c->mb, types);
}

static void hal_random(void *ctx, void *buf, uint32_t len)
{
	struct card *c = ctx;
	uint8_t *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* no kernel entropy source: a weak but working fallback */
			for (; len; len--)
				*p++ = (uint8_t)((uint64_t)now_ms(c) * 2654435761u >> (len % 24));
			return;
		}
		p += n;
		len -= (uint32_t)n;
	}
}

/* Run frames through the fast path and act on the verdicts. */
static void process(struct card *c, struct rg_fp_pkt *pk, unsigned n)
{
	c->fp.dev.ops->process(c->fp.dev.ctx, pk, n);
	for (unsigned i = 0; i < n; i++) {
		switch (pk[i].meta.verdict) {
		case RG_VERDICT_FORWARD:
			c->st.fp_forward++;
			egress(c, pk[i].meta.port, pk[i].out, pk[i].out_len);
			break;
		case RG_VERDICT_PUNT:
			c->st.fp_punt++;
			rg_fw_punt(c->fw, pk[i].frame, pk[i].len, pk[i].port, &pk[i].meta);
			break;
		default:
			c->st.fp_drop++;
			break;
		}
	}
}

static void from_host(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct card *c = ctx;
	struct rg_fp_pkt pk = { .frame = frame,
				.len = len,
				.port = RG_PORT_HOST,
				.ts_ms = now_ms(c),
				.out = c->out[0] };
	c->st.from_host++;
	capture_frame(c->cap[RG_PORT_HOST], frame, len);
	process(c, &pk, 1);
}

static unsigned drain_reinject(struct card *c)
{
	unsigned done = 0;
	/* frames re-injected while these run wait for the next turn */
	uint32_t end = c->rq_tail;
	while (c->rq_head != end) {
		struct rg_fp_pkt pk[RG_FP_BURST];
		unsigned n = 0;
		while (c->rq_head != end && n < RG_FP_BURST) {
			struct reinject *r = &c->rq[c->rq_head++ % REINJECT_SLOTS];
			pk[n] = (struct rg_fp_pkt){ .frame = r->frame,
						    .len = r->len,
						    .port = r->port,
						    .flags = RG_FPIN_FORCE,
						    .ts_ms = now_ms(c),
						    .out = c->out[n] };
			n++;
		}
		process(c, pk, n);
		c->st.reinjected += n;
		done += n;
	}
	return done;
}

static int boot_firmware(struct card *c, char *err, size_t err_len)
{
	size_t need = rg_fw_mem_size(&c->params, &c->fp.dev);
	if (!need) {
		snprintf(err, err_len, "firmware rejects the card's capacities");
		return -1;
	}
	if (need > c->fw_mem_len) {
		free(c->fw_mem);
		c->fw_mem_len = (need + 63) & ~(size_t)63;
		c->fw_mem = aligned_alloc(64, c->fw_mem_len);
		if (!c->fw_mem) {
			c->fw_mem_len = 0;
			snprintf(err, err_len, "out of memory for the firmware (%zu bytes)", need);
			return -1;
		}
	}
	memset(c->fw_mem, 0, c->fw_mem_len);
	c->fw = rg_fw_init(c->fw_mem, c->fw_mem_len, &c->params, &c->hal, &c->fp.dev);
	if (!c->fw) {
		snprintf(err, err_len, "firmware initialisation failed");
		return -1;
	}
	return 0;
}

/* CONTROL.RESET: a new fast path and firmware, as after power-up. */
static void card_reset(struct card *c)
{
	char err[256];
	unsigned kind = c->fp.kind;
	fastpath_close(&c->fp);
	c->rq_head = c->rq_tail = 0;
	if (fastpath_open(&c->fp, kind, c->o.sessions, err, sizeof(err)) ||
	    boot_firmware(c, err, sizeof(err))) {
		fprintf(stderr, "nicsim: card reset failed: %s\n", err);
		exit(1);
	}
	c->mb->fpdev = &c->fp.dev;
	rg_mbox_reset_done(c->mb, c->fw);
	c->st.resets++;
	fprintf(stderr, "nicsim: card reset by the host (reset %llu)\n",
		(unsigned long long)c->st.resets);
}

struct card *card_create(const struct card_opts *o, char *err, size_t err_len)
{
	struct card *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	c->o = *o;
	c->sb.fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	c->rq = calloc(REINJECT_SLOTS, sizeof(*c->rq));
	c->out = calloc(RG_FP_BURST, OUT_CAP);
	c->mb = aligned_alloc(64, (sizeof(*c->mb) + 63) & ~(size_t)63);
	if (!c->rq || !c->out || !c->mb) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	static const char *const names[RG_PORT_COUNT] = { "inside", "outside", "host", "aux" };
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		c->params.port_mac[p][0] = 0x02;
		c->params.port_mac[p][1] = 0x52;
		c->params.port_mac[p][2] = 0x47;
		c->params.port_mac[p][5] = (uint8_t)(0x10 + p);
		if (o->port_spec[p] && p != RG_PORT_HOST) {
			c->port[p] = port_open(names[p], o->port_spec[p], err, err_len);
			if (!c->port[p])
				goto fail;
			/* the card answers with the MAC of the interface it sits on */
			memcpy(c->params.port_mac[p], c->port[p]->mac, 6);
		}
		if (o->capture_dir && (c->port[p] || p == RG_PORT_HOST)) {
			c->cap[p] = capture_open(o->capture_dir, names[p], err, err_len);
			if (!c->cap[p])
				goto fail;
		}
	}
	c->params.mappings = o->sessions;
	c->params.subscribers = 4096;
	c->params.rules = 256;
	c->params.frag_entries = 1024;
	c->params.neighbours = 64;
	c->params.serial = o->serial;
	c->hal = (struct rg_hal){ .ctx = c,
				  .now_ms = now_ms,
				  .tx = hal_tx,
				  .reinject = hal_reinject,
				  .event = hal_event,
				  .random = hal_random,
				  .event_room = hal_event_room };
	if (fastpath_open(&c->fp, o->fastpath, o->sessions, err, err_len))
		goto fail;
	if (boot_firmware(c, err, err_len))
		goto fail;
	if (rg_simbus_create(&c->sb, o->name, err, err_len))
		goto fail;
	struct rg_mbox_bus bus;
	rg_simbus_mbox_bus(&c->sb, &bus, from_host, c);
	struct rg_mbox_identity id = { .fw_version = 0x000100,
				       .rtl_version = o->fastpath == RG_FASTPATH_RTL ? 0x000100 : 0,
				       .build_date = RG_BUILD_DATE,
				       .git_hash = RG_BUILD_GIT_HASH };
	rg_mbox_init(c->mb, &bus, c->fw, &c->fp.dev, &id);
	rg_simbus_publish(&c->sb, o->fastpath);
	return c;
fail:
	card_destroy(c);
	return NULL;
}

int card_inputs_done(const struct card *c)
{
	for (unsigned p = 0; p < RG_PORT_COUNT; p++)
		if (c->port[p] && !c->port[p]->input_done)
			return 0;
	return 1;
}

int card_idle_wait_ms(const struct card *c)
{
	for (unsigned p = 0; p < RG_PORT_COUNT; p++)
		if (c->port[p] && c->port[p]->fd < 0 && !c->port[p]->input_done)
			return 1; /* a pcap input's next frame is due by the clock */
	return CARD_IDLE_WAIT_MS;
}

/* Sleep until the host writes a register (doorbell pipe) or `usecs` pass;
 * frames arriving meanwhile wait in the receive rings. */
static void moderate(struct card *c, uint32_t usecs)
{
	struct pollfd pfd = { .fd = c->sb.doorbell_fd, .events = POLLIN };
	struct timespec ts = { 0, (long)usecs * 1000L };
	rg_simbus_sleeping(&c->sb);
	if (!rg_mbox_has_work(c->mb))
		ppoll(&pfd, 1, &ts, NULL);
	rg_simbus_awake(&c->sb);
	c->st.moderated++;
}

unsigned card_run_once(struct card *c, int wait_ms)
{
	unsigned work = 0, received = 0;
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		struct port *pt = c->port[p];
		if (!pt)
			continue;
		struct port_frame f[PORT_BURST];
		int n = pt->ops->rx_burst(pt, f, PORT_BURST);
		if (n <= 0)
			continue;
		struct rg_fp_pkt pk[PORT_BURST];
		uint32_t ts = now_ms(c);
		for (int i = 0; i < n; i++) {
			capture_frame(c->cap[p], f[i].data, f[i].len);
			pk[i] = (struct rg_fp_pkt){ .frame = f[i].data,
						    .len = f[i].len,
						    .port = (uint8_t)p,
						    .ts_ms = ts,
						    .out = c->out[i] };
		}
		process(c, pk, (unsigned)n);
		pt->ops->rx_release(pt);
		work += (unsigned)n;
		received += (unsigned)n;
	}
	work += drain_reinject(c);
	uint32_t now = now_ms(c);
	switch (rg_mbox_poll(c->mb, now)) {
	case RG_MBOX_RESET_REQUESTED:
		card_reset(c);
		work++;
		break;
	case RG_MBOX_BUSY:
		work++;
		break;
	default:
		break;
	}
	if (now - c->last_tick >= 5) {
		c->last_tick = now;
		rg_fw_tick(c->fw);
		work += drain_reinject(c);
	}
	if (now - c->last_mirror >= 250) {
		c->last_mirror = now;
		rg_mbox_mirror_fastpath(c->mb);
		for (unsigned p = 0; p < RG_PORT_COUNT; p++)
			capture_flush(c->cap[p]);
	}
	for (unsigned p = 0; p < RG_PORT_COUNT; p++)
		if (c->port[p])
			c->port[p]->ops->tx_flush(c->port[p]);
	/* Interrupt moderation, as a NIC does it: a turn right after traffic
	 * that found the rings short of a full burst waits rx_usecs, so the
	 * next turn takes a burst (one wake-up and one transmit call for many
	 * frames instead of one per frame); after a few quiet turns the card
	 * sleeps until the next frame as below, so an idle card adds no
	 * latency to the first one. */
	c->quiet_turns = received ? 0 : c->quiet_turns + 1;
	if (c->o.rx_usecs && c->quiet_turns < 3 && received < PORT_BURST && wait_ms > 0) {
		moderate(c, c->o.rx_usecs);
		return work;
	}
	if (!work && wait_ms > 0) {
		/* sleep until a port has a frame, the host writes a register
		 * (doorbell pipe) or wait_ms pass (timers, heartbeat) */
		struct pollfd pfd[RG_PORT_COUNT + 1];
		unsigned n = 0;
		for (unsigned p = 0; p < RG_PORT_COUNT; p++)
			if (c->port[p] && c->port[p]->fd >= 0)
				pfd[n++] =
					(struct pollfd){ .fd = c->port[p]->fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = c->sb.doorbell_fd, .events = POLLIN };
		rg_simbus_sleeping(&c->sb);
		if (!rg_mbox_has_work(c->mb))
			poll(pfd, n, wait_ms);
		rg_simbus_awake(&c->sb);
	}
	return work;
}

void card_describe(struct card *c, FILE *f)
{
	fprintf(f, "nicsim: card sim:%s up: %s fast path, %u sessions", c->o.name,
		c->fp.kind == RG_FASTPATH_RTL ? "rtl (Verilated)" : "soft", c->fp.dev.sessions);
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		struct port *pt = c->port[p];
		if (pt)
			fprintf(f, "; %s = %s (%02x:%02x:%02x:%02x:%02x:%02x)", pt->name, pt->where,
				pt->mac[0], pt->mac[1], pt->mac[2], pt->mac[3], pt->mac[4],
				pt->mac[5]);
	}
	fprintf(f, "%s\n", c->o.capture_dir ? "; capturing" : "");
	fflush(f);
}

/* entries of the host's event ring, 0 while it is down */
static unsigned evt_ring_entries(const struct rg_mbox *mb)
{
	const struct rg_mbox_ring *r = &mb->ring[RG_RING_EVT];
	return r->up && r->size_log2 ? 1u << r->size_log2 : 0u;
}

void card_print_stats(struct card *c, FILE *f)
{
	fprintf(f, "nicsim statistics (card sim:%s, uptime %u ms)\n", c->o.name, now_ms(c));
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		struct port *pt = c->port[p];
		if (!pt)
			continue;
		fprintf(f,
			"  port %-8s rx %llu (%llu bytes) tx %llu (%llu bytes) rx-oversize %llu "
			"rx-csum-completed %llu rx-vlan-restored %llu tx-ring-full %llu "
			"tx-errors %llu\n",
			pt->name, (unsigned long long)pt->st.rx,
			(unsigned long long)pt->st.rx_bytes, (unsigned long long)pt->st.tx,
			(unsigned long long)pt->st.tx_bytes, (unsigned long long)pt->st.rx_oversize,
			(unsigned long long)pt->st.rx_csum_fixed,
			(unsigned long long)pt->st.rx_vlan_restored,
			(unsigned long long)pt->st.tx_ring_full,
			(unsigned long long)pt->st.tx_errors);
	}
	fprintf(f,
		"  fast path forward %llu punt %llu drop %llu; reinjected %llu "
		"(queue full %llu); firmware tx %llu; moderated turns %llu\n",
		(unsigned long long)c->st.fp_forward, (unsigned long long)c->st.fp_punt,
		(unsigned long long)c->st.fp_drop, (unsigned long long)c->st.reinjected,
		(unsigned long long)c->st.reinject_full, (unsigned long long)c->st.fw_tx,
		(unsigned long long)c->st.moderated);
	fprintf(f,
		"  host port to host %llu (dropped %llu) from host %llu; mailbox commands ok %llu "
		"failed %llu, events sent %llu lost %llu (event ring of %u), interrupts %llu (lost "
		"%llu), ring faults %llu, card resets %llu\n",
		(unsigned long long)c->st.to_host, (unsigned long long)c->st.to_host_dropped,
		(unsigned long long)c->st.from_host, (unsigned long long)c->mb->stats.cmd_ok,
		(unsigned long long)c->mb->stats.cmd_error,
		(unsigned long long)c->mb->stats.events_sent,
		(unsigned long long)c->mb->stats.events_lost, evt_ring_entries(c->mb),
		(unsigned long long)c->mb->stats.irqs, (unsigned long long)c->sb.irqs_lost,
		(unsigned long long)c->mb->stats.ring_faults, (unsigned long long)c->st.resets);
	fflush(f);
}

void card_destroy(struct card *c)
{
	if (!c)
		return;
	for (unsigned p = 0; p < RG_PORT_COUNT; p++) {
		if (c->port[p])
			c->port[p]->ops->close(c->port[p]);
		capture_close(c->cap[p]);
	}
	rg_simbus_destroy(&c->sb);
	fastpath_close(&c->fp);
	free(c->fw_mem);
	free(c->mb);
	free(c->rq);
	free(c->out);
	free(c);
}
