/* SPDX-License-Identifier: BSD-2-Clause */
/* IPFIX exporter of NAT events; see ipfix.h. */
#include "ipfix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../libpcp/wire_bytes.h"
#include "log.h"

#define IPFIX_VERSION 10
#define HDR_LEN 16
#define SET_HDR_LEN 4
#define TEMPLATE_SET_ID 2

/* Information elements (IANA IPFIX registry) and their lengths */
enum {
	IE_PROTO = 4,
	IE_SPORT = 7,
	IE_SRC = 8,
	IE_DPORT = 11,
	IE_DST = 12,
	IE_POST_SRC = 225,
	IE_POST_SPORT = 227,
	IE_NAT_EVENT = 230,
	IE_NAT_POOL = 283,
	IE_OBS_MS = 323,
	IE_PORT_START = 361,
	IE_PORT_END = 362,
	IE_QUOTA_EVENT = 466,
	IE_MAX_SESSIONS = 471,
	IE_MAX_BIB = 472,
	IE_MAX_PER_USER = 473,
	IE_MAX_SUBSCRIBERS = 474,
	IE_MAX_FRAGMENTS = 475,
};

struct field {
	uint16_t ie, len;
};

struct tmpl {
	uint16_t id;
	uint8_t n;
	struct field f[9];
};

#define F_HEAD                  \
	{ IE_OBS_MS, 8 },       \
	{                       \
		IE_NAT_EVENT, 1 \
	}
#define F_NAPT                                                               \
	{ IE_SRC, 4 }, { IE_POST_SRC, 4 }, { IE_PROTO, 1 }, { IE_SPORT, 2 }, \
	{                                                                    \
		IE_POST_SPORT, 2                                             \
	}

enum {
	T_NAT = 256,
	T_NAT_DST,
	T_BLOCK,
	T_ADDR_EXH,
	T_QUOTA_USER,
	T_QUOTA_SESS,
	T_QUOTA_BIB,
	T_QUOTA_SUBS,
	T_QUOTA_FRAGS
};

static const struct tmpl templates[] = {
	{ T_NAT, 7, { F_HEAD, F_NAPT } },
	{ T_NAT_DST, 9, { F_HEAD, F_NAPT, { IE_DST, 4 }, { IE_DPORT, 2 } } },
	{ T_BLOCK,
	  6,
	  { F_HEAD, { IE_SRC, 4 }, { IE_POST_SRC, 4 }, { IE_PORT_START, 2 }, { IE_PORT_END, 2 } } },
	{ T_ADDR_EXH, 3, { F_HEAD, { IE_NAT_POOL, 4 } } },
	{ T_QUOTA_USER,
	  6,
	  { F_HEAD,
	    { IE_QUOTA_EVENT, 4 },
	    { IE_MAX_PER_USER, 4 },
	    { IE_SRC, 4 },
	    { IE_PROTO, 1 } } },
	{ T_QUOTA_SESS, 4, { F_HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_SESSIONS, 4 } } },
	{ T_QUOTA_BIB, 4, { F_HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_BIB, 4 } } },
	{ T_QUOTA_SUBS, 4, { F_HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_SUBSCRIBERS, 4 } } },
	/* as RFC 8158's fragment event: with the sender's address */
	{ T_QUOTA_FRAGS,
	  5,
	  { F_HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_FRAGMENTS, 4 }, { IE_SRC, 4 } } },
};
#define N_TEMPLATES (sizeof(templates) / sizeof(templates[0]))

static const struct tmpl *template_for(const struct rgd_ipfix_rec *r)
{
	uint16_t id;
	switch (r->nat_event) {
	case RGD_NATEV_SESSION_CREATE:
	case RGD_NATEV_SESSION_DELETE:
	case RGD_NATEV_BIB_CREATE:
	case RGD_NATEV_BIB_DELETE:
		id = r->has_dst ? T_NAT_DST : T_NAT;
		break;
	case RGD_NATEV_BLOCK_ALLOC:
	case RGD_NATEV_BLOCK_FREE:
		id = T_BLOCK;
		break;
	case RGD_NATEV_ADDRESSES_EXHAUSTED:
		id = T_ADDR_EXH;
		break;
	case RGD_NATEV_QUOTA_EXCEEDED:
		switch (r->quota_event) {
		case RGD_NATQ_MAX_PER_USER:
			id = T_QUOTA_USER;
			break;
		case RGD_NATQ_MAX_BIB:
			id = T_QUOTA_BIB;
			break;
		case RGD_NATQ_MAX_SUBSCRIBERS:
			id = T_QUOTA_SUBS;
			break;
		case RGD_NATQ_MAX_FRAGMENTS:
			id = T_QUOTA_FRAGS;
			break;
		default:
			id = T_QUOTA_SESS;
		}
		break;
	default:
		return NULL;
	}
	return &templates[id - T_NAT];
}

static size_t record_len(const struct tmpl *t)
{
	size_t n = 0;
	for (unsigned i = 0; i < t->n; i++)
		n += t->f[i].len;
	return n;
}

int rgd_ipfix_open(struct rgd_ipfix *x, uint32_t addr, uint16_t port, uint32_t domain,
		   uint32_t template_refresh, char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		snprintf(err, errlen, "IPFIX socket: %s", strerror(errno));
		return -1;
	}
	x->addr = addr;
	x->port = port;
	x->domain = domain;
	x->template_refresh = template_refresh;
	return 0;
}

void rgd_ipfix_close(struct rgd_ipfix *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

static void send_msg(struct rgd_ipfix *x, const uint8_t *msg, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(x->port),
				  .sin_addr.s_addr = htonl(x->addr) };
	if (sendto(x->fd, msg, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* the collector's trouble must not become the daemon's: say so
		 * once per outage and go on */
		if (x->send_errors++ == 0 || x->sent)
			rgd_log(LOG_WARNING, "IPFIX to %u.%u.%u.%u:%u: %m", x->addr >> 24,
				(x->addr >> 16) & 255, (x->addr >> 8) & 255, x->addr & 255,
				x->port);
		x->sent = 0;
		return;
	}
	x->sent++;
}

static void header(struct rgd_ipfix *x, uint8_t *msg, size_t len, uint64_t now_ms)
{
	wb_put16(msg, IPFIX_VERSION);
	wb_put16(msg + 2, (uint16_t)len);
	wb_put32(msg + 4, (uint32_t)(now_ms / 1000));
	wb_put32(msg + 8, x->seq);
	wb_put32(msg + 12, x->domain);
}

static void send_templates(struct rgd_ipfix *x, uint64_t now_ms)
{
	uint8_t msg[512];
	size_t len = HDR_LEN + SET_HDR_LEN;
	for (unsigned i = 0; i < N_TEMPLATES; i++) {
		const struct tmpl *t = &templates[i];
		wb_put16(msg + len, t->id);
		wb_put16(msg + len + 2, t->n);
		len += 4;
		for (unsigned j = 0; j < t->n; j++, len += 4) {
			wb_put16(msg + len, t->f[j].ie);
			wb_put16(msg + len + 2, t->f[j].len);
		}
	}
	wb_put16(msg + HDR_LEN, TEMPLATE_SET_ID);
	wb_put16(msg + HDR_LEN + 2, (uint16_t)(len - HDR_LEN));
	header(x, msg, len, now_ms);
	send_msg(x, msg, len);
	x->templates_sent = true;
	x->templates_sent_ms = now_ms;
}

static void close_set(struct rgd_ipfix *x)
{
	if (!x->set_at)
		return;
	wb_put16(x->msg + x->set_at + 2, (uint16_t)(x->len - x->set_at));
	x->set_at = 0;
}

void rgd_ipfix_flush(struct rgd_ipfix *x, uint64_t now_ms)
{
	if (x->fd < 0 || !x->pending)
		return;
	close_set(x);
	header(x, x->msg, x->len, now_ms);
	send_msg(x, x->msg, x->len);
	x->seq += x->pending;
	x->pending = 0;
	x->len = 0;
}

void rgd_ipfix_tick(struct rgd_ipfix *x, uint64_t now_ms)
{
	if (x->fd < 0 || !x->templates_sent ||
	    now_ms - x->templates_sent_ms < (uint64_t)x->template_refresh * 1000)
		return;
	rgd_ipfix_flush(x, now_ms);
	send_templates(x, now_ms);
}

static uint8_t *put(uint8_t *p, uint16_t len, uint64_t v)
{
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
	return p + len;
}

static uint64_t value(const struct rgd_ipfix_rec *r, uint16_t ie, uint64_t now_ms)
{
	switch (ie) {
	case IE_OBS_MS:
		return now_ms;
	case IE_NAT_EVENT:
		return r->nat_event;
	case IE_SRC:
		return r->src;
	case IE_POST_SRC:
		return r->post_src;
	case IE_DST:
		return r->dst;
	case IE_PROTO:
		return r->proto;
	case IE_SPORT:
		return r->sport;
	case IE_POST_SPORT:
		return r->post_sport;
	case IE_DPORT:
		return r->dport;
	case IE_PORT_START:
		return r->port_lo;
	case IE_PORT_END:
		return r->port_hi;
	case IE_NAT_POOL:
		return r->pool_id;
	case IE_QUOTA_EVENT:
		return r->quota_event;
	default: /* the limits */
		return r->limit;
	}
}

void rgd_ipfix_add(struct rgd_ipfix *x, const struct rgd_ipfix_rec *r, uint64_t now_ms)
{
	const struct tmpl *t = template_for(r);
	if (x->fd < 0 || !t)
		return;
	if (!x->templates_sent)
		send_templates(x, now_ms); /* a collector decodes nothing before them */
	size_t need = record_len(t) + (x->set_at && x->set_id == t->id ? 0 : SET_HDR_LEN);
	if (x->len && x->len + need > sizeof(x->msg))
		rgd_ipfix_flush(x, now_ms);
	if (!x->len)
		x->len = HDR_LEN;
	if (!x->set_at || x->set_id != t->id) {
		close_set(x);
		x->set_at = x->len;
		x->set_id = t->id;
		wb_put16(x->msg + x->len, t->id);
		x->len += SET_HDR_LEN;
	}
	uint8_t *p = x->msg + x->len;
	for (unsigned i = 0; i < t->n; i++)
		p = put(p, t->f[i].len, value(r, t->f[i].ie, now_ms));
	x->len = (size_t)(p - x->msg);
	x->pending++;
}
