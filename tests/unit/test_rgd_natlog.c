/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's NAT event logging: the log line of every NAT event the card
 * reports, with the remote endpoint only when nat.log_destinations is set,
 * the switch that turns the lines off, and the IPFIX exporter as a
 * collector sees it: a local UDP socket receives what the exporter sends
 * and this file decodes it as RFC 7011 messages (header, template sets,
 * data sets) and checks every field of the RFC 8158 records, the sequence
 * numbers, message sizes and the periodic re-sending of the templates.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../host-tools/realmgated/log.h"
#include "../../host-tools/realmgated/natlog.h"

#define T0 1764576000123ull /* a unix time in ms */

/* ---- events as the card sends them ------------------------------------------ */

static struct rg_evt nat_evt(uint16_t type, uint8_t proto, uint8_t owner, uint8_t reason,
			     uint32_t in, uint16_t in_port, uint32_t out, uint16_t out_port,
			     uint32_t rem, uint16_t rem_port)
{
	struct rg_evt e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.len = sizeof(struct rg_evt_nat);
	struct rg_evt_nat v = { .proto = proto,
				.owner = owner,
				.reason = reason,
				.in_addr = htonl(in),
				.out_addr = htonl(out),
				.rem_addr = htonl(rem),
				.in_port = htons(in_port),
				.out_port = htons(out_port),
				.rem_port = htons(rem_port) };
	memcpy(e.payload, &v, sizeof(v));
	return e;
}

static struct rg_evt block_evt(uint16_t type, uint32_t in, uint32_t out, uint16_t lo, uint16_t hi)
{
	struct rg_evt e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.len = sizeof(struct rg_evt_block);
	struct rg_evt_block v = { htonl(in), htonl(out), lo, hi };
	memcpy(e.payload, &v, sizeof(v));
	return e;
}

static struct rg_evt quota_evt(uint16_t type, uint32_t in, uint8_t kind, uint8_t proto,
			       uint32_t limit)
{
	struct rg_evt e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.len = sizeof(struct rg_evt_quota);
	struct rg_evt_quota v = {
		.in_addr = htonl(in), .kind = kind, .proto = proto, .limit = limit
	};
	memcpy(e.payload, &v, sizeof(v));
	return e;
}

#define IN_A 0xc0a8010au  /* 192.168.1.10 */
#define IN_B 0xc0a80182u  /* 192.168.1.130 */
#define OUT_A 0xcb007101u /* 203.0.113.1 */
#define REM 0xc6336402u	  /* 198.51.100.2 */

/* ---- log lines ---------------------------------------------------------------- */

static void test_lines(void **state)
{
	(void)state;
	char buf[256];
	struct {
		struct rg_evt e;
		bool dest;
		const char *want;
	} cases[] = {
		{ nat_evt(RG_EVT_SESSION_CREATE, 17, RG_OWNER_DYNAMIC, 0, IN_A, 4000, OUT_A, 20000,
			  REM, 53),
		  false,
		  "NAT session-create proto=udp inside=192.168.1.10:4000 "
		  "outside=203.0.113.1:20000" },
		{ nat_evt(RG_EVT_SESSION_CREATE, 17, RG_OWNER_DYNAMIC, 0, IN_A, 4000, OUT_A, 20000,
			  REM, 53),
		  true,
		  "NAT session-create proto=udp inside=192.168.1.10:4000 outside=203.0.113.1:20000 "
		  "remote=198.51.100.2:53" },
		{ nat_evt(RG_EVT_SESSION_DELETE, 6, RG_OWNER_DYNAMIC, RG_CLOSE_TCP_FIN, IN_A, 33000,
			  OUT_A, 33000, 0, 0),
		  true,
		  "NAT session-delete proto=tcp inside=192.168.1.10:33000 "
		  "outside=203.0.113.1:33000 "
		  "reason=tcp-fin" },
		{ nat_evt(RG_EVT_MAPPING_CREATE, 17, RG_OWNER_PCP, 0, IN_A, 5000, OUT_A, 5000, 0,
			  0),
		  false,
		  "NAT mapping-create proto=udp inside=192.168.1.10:5000 outside=203.0.113.1:5000 "
		  "owner=pcp" },
		{ nat_evt(RG_EVT_MAPPING_DELETE, 1, RG_OWNER_DYNAMIC, RG_CLOSE_TIMEOUT, IN_A, 7,
			  OUT_A, 1024, 0, 0),
		  false,
		  "NAT mapping-delete proto=icmp inside=192.168.1.10:7 outside=203.0.113.1:1024 "
		  "owner=dynamic reason=timeout" },
		{ block_evt(RG_EVT_BLOCK_ALLOC, IN_A, OUT_A, 2048, 2303), false,
		  "NAT port-block-alloc inside=192.168.1.10 outside=203.0.113.1 ports=2048-2303" },
		{ block_evt(RG_EVT_BLOCK_FREE, IN_A, OUT_A, 2048, 2303), false,
		  "NAT port-block-free inside=192.168.1.10 outside=203.0.113.1 ports=2048-2303" },
		{ quota_evt(RG_EVT_QUOTA, IN_A, 0, 6, 1000), false,
		  "NAT quota-exceeded inside=192.168.1.10 what=sessions-per-subscriber proto=tcp "
		  "limit=1000" },
		{ quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, 2, 17, 0), false,
		  "NAT pool-exhausted inside=192.168.1.130 what=pool proto=udp limit=0" },
		{ quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, RG_EXH_SUB_TABLE, 17, 64), false,
		  "NAT pool-exhausted inside=192.168.1.130 what=subscriber-table proto=udp "
		  "limit=64" },
		{ quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, RG_EXH_FRAG_TABLE, 17, 32), false,
		  "NAT pool-exhausted inside=192.168.1.130 what=fragment-table proto=udp "
		  "limit=32" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = rgd_natlog_line(&cases[i].e, cases[i].dest, buf, sizeof(buf));
		if (n != strlen(cases[i].want) || strcmp(buf, cases[i].want))
			fail_msg("case %u: got '%s', want '%s'", i, buf, cases[i].want);
	}
	/* not NAT events, or too short to be one: no line */
	struct rg_evt e = quota_evt(RG_EVT_CARD_RESET, IN_A, 0, 0, 0);
	assert_int_equal(rgd_natlog_line(&e, true, buf, sizeof(buf)), 0);
	e = nat_evt(RG_EVT_SESSION_CREATE, 17, 0, 0, IN_A, 1, OUT_A, 1, 0, 0);
	e.len = 8;
	assert_int_equal(rgd_natlog_line(&e, true, buf, sizeof(buf)), 0);
}

/* ---- a collector ---------------------------------------------------------------- */

struct rec {
	uint16_t tid;
	unsigned n;
	uint16_t ie[16];
	uint64_t v[16];
};

struct msg {
	uint32_t export_time, seq, domain;
	unsigned n_templates, n_recs;
	struct rec recs[128];
};

struct tmpl {
	uint16_t id;
	unsigned n;
	uint16_t ie[16], len[16];
};

struct collector {
	int fd;
	uint16_t port;
	unsigned n_tmpl;
	struct tmpl tmpl[16];
};

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)g16(p) << 16 | g16(p + 2);
}

static void collector_open(struct collector *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(c->fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	assert_int_equal(bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t sl = sizeof(sa);
	getsockname(c->fd, (struct sockaddr *)&sa, &sl);
	c->port = ntohs(sa.sin_port);
}

/* Receive and decode one message (RFC 7011 3.1, 3.3, 3.4); false when none
 * is waiting. Anything malformed fails the test. */
static bool collect(struct collector *c, struct msg *m, size_t *size)
{
	uint8_t b[65536];
	ssize_t n = recv(c->fd, b, sizeof(b), MSG_DONTWAIT);
	if (n < 0)
		return false;
	memset(m, 0, sizeof(*m));
	if (size)
		*size = (size_t)n;
	assert_true(n >= 16);
	assert_int_equal(g16(b), 10);
	assert_int_equal(g16(b + 2), n);
	m->export_time = g32(b + 4);
	m->seq = g32(b + 8);
	m->domain = g32(b + 12);
	for (size_t off = 16; off < (size_t)n;) {
		assert_true(off + 4 <= (size_t)n);
		uint16_t id = g16(b + off), len = g16(b + off + 2);
		assert_true(len >= 4 && off + len <= (size_t)n);
		const uint8_t *p = b + off + 4, *end = b + off + len;
		if (id == 2) {
			while (p + 4 <= end) {
				struct tmpl t = { .id = g16(p), .n = g16(p + 2) };
				p += 4;
				assert_true(t.id >= 256 && t.n <= 16 && p + 4 * t.n <= end);
				for (unsigned i = 0; i < t.n; i++, p += 4) {
					assert_int_equal(p[0] & 0x80, 0); /* IANA elements */
					t.ie[i] = g16(p);
					t.len[i] = g16(p + 2);
				}
				unsigned k = 0;
				while (k < c->n_tmpl && c->tmpl[k].id != t.id)
					k++;
				assert_true(k < 16);
				c->tmpl[k] = t;
				c->n_tmpl += k == c->n_tmpl;
				m->n_templates++;
			}
		} else {
			assert_true(id >= 256);
			const struct tmpl *t = NULL;
			for (unsigned k = 0; k < c->n_tmpl; k++)
				if (c->tmpl[k].id == id)
					t = &c->tmpl[k];
			assert_non_null(t); /* the template came first */
			size_t rl = 0;
			for (unsigned i = 0; i < t->n; i++)
				rl += t->len[i];
			while ((size_t)(end - p) >= rl) {
				assert_true(m->n_recs < 128);
				struct rec *r = &m->recs[m->n_recs++];
				r->tid = id;
				r->n = t->n;
				for (unsigned i = 0; i < t->n; i++) {
					uint64_t v = 0;
					for (unsigned j = 0; j < t->len[i]; j++)
						v = v << 8 | *p++;
					r->ie[i] = t->ie[i];
					r->v[i] = v;
				}
			}
			assert_true(p == end); /* no padding is sent */
		}
		off += len;
	}
	return true;
}

static bool has(const struct rec *r, uint16_t ie)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->ie[i] == ie)
			return true;
	return false;
}

static uint64_t val(const struct rec *r, uint16_t ie)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->ie[i] == ie)
			return r->v[i];
	fail_msg("record of template %u has no element %u", r->tid, ie);
	return 0;
}

/* ---- fixture: configuration with a collector ------------------------------------------ */

struct fx {
	struct rgd_cfg cfg;
	struct collector col;
	struct rgd_natlog nl;
};

/* nat_log: settings added to the nat_log group; top: more top-level text */
static struct fx *fx_new(const char *nat_log, const char *top)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	collector_open(&f->col);
	char text[2048], err[256];
	snprintf(text, sizeof(text),
		 "inside = { address = \"192.168.1.1\"; };\n"
		 "outside = { address = \"203.0.113.1\"; };\n"
		 "pools = ( { id = 3; addresses = [\"203.0.113.1\"]; },\n"
		 "          { id = 9; addresses = [\"203.0.113.9\"]; "
		 "subscribers = \"192.168.1.128/25\"; } );\n"
		 "nat_log = { ipfix_collector = \"127.0.0.1:%u\"; ipfix_domain = 7; %s };\n%s",
		 f->col.port, nat_log, top);
	if (rgd_config_parse(text, "t.conf", &f->cfg, err, sizeof(err)))
		fail_msg("config: %s", err);
	assert_int_equal(rgd_natlog_open(&f->nl, &f->cfg, err, sizeof(err)), 0);
	return f;
}

static void fx_free(struct fx *f)
{
	rgd_natlog_close(&f->nl);
	close(f->col.fd);
	free(f);
}

static void test_session_record_without_destination(void **state)
{
	(void)state;
	struct fx *f = fx_new("", "");
	struct rg_evt e =
		nat_evt(RG_EVT_SESSION_CREATE, 17, 0, 0, IN_A, 4000, OUT_A, 20000, REM, 53);
	rgd_natlog_event(&f->nl, &e, T0);
	rgd_natlog_flush(&f->nl, T0 + 5);
	struct msg m;
	/* the templates first, in a message of their own */
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_templates, 9);
	assert_int_equal(m.n_recs, 0);
	assert_int_equal(m.domain, 7);
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.domain, 7);
	assert_int_equal(m.seq, 0);
	assert_int_equal(m.export_time, (T0 + 5) / 1000);
	assert_int_equal(m.n_recs, 1);
	const struct rec *r = &m.recs[0];
	assert_int_equal(val(r, 323), T0);    /* observationTimeMilliseconds */
	assert_int_equal(val(r, 230), 4);     /* natEvent: NAT44 session create */
	assert_int_equal(val(r, 8), IN_A);    /* sourceIPv4Address */
	assert_int_equal(val(r, 225), OUT_A); /* postNATSourceIPv4Address */
	assert_int_equal(val(r, 4), 17);      /* protocolIdentifier */
	assert_int_equal(val(r, 7), 4000);    /* sourceTransportPort */
	assert_int_equal(val(r, 227), 20000); /* postNAPTSourceTransportPort */
	/* nat.log_destinations is off: no destination in the record */
	assert_false(has(r, 12));
	assert_false(has(r, 11));
	assert_false(collect(&f->col, &m, NULL));
	fx_free(f);
}

static void test_destination_when_configured(void **state)
{
	(void)state;
	struct fx *f = fx_new("", "nat = { log_destinations = true; };\n");
	struct rg_evt e = nat_evt(RG_EVT_SESSION_DELETE, 6, 0, RG_CLOSE_TCP_RST, IN_A, 33000, OUT_A,
				  40000, REM, 443);
	rgd_natlog_event(&f->nl, &e, T0);
	rgd_natlog_flush(&f->nl, T0);
	struct msg m;
	assert_true(collect(&f->col, &m, NULL));
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_recs, 1);
	const struct rec *r = &m.recs[0];
	assert_int_equal(val(r, 230), 5);  /* NAT44 session delete */
	assert_int_equal(val(r, 12), REM); /* destinationIPv4Address */
	assert_int_equal(val(r, 11), 443); /* destinationTransportPort */
	assert_int_equal(val(r, 7), 33000);
	assert_int_equal(val(r, 227), 40000);
	fx_free(f);
}

static void test_mapping_block_and_exhaustion_records(void **state)
{
	(void)state;
	struct fx *f = fx_new("", "");
	struct rg_evt ev[] = {
		nat_evt(RG_EVT_MAPPING_CREATE, 17, RG_OWNER_PCP, 0, IN_A, 5000, OUT_A, 5000, 0, 0),
		nat_evt(RG_EVT_MAPPING_DELETE, 17, RG_OWNER_PCP, RG_CLOSE_DELETED, IN_A, 5000,
			OUT_A, 5000, 0, 0),
		block_evt(RG_EVT_BLOCK_ALLOC, IN_B, OUT_A, 2048, 2303),
		block_evt(RG_EVT_BLOCK_FREE, IN_B, OUT_A, 2048, 2303),
		quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, 2, 17, 0),
		quota_evt(RG_EVT_QUOTA, IN_A, 1, 6, 512),
		quota_evt(RG_EVT_POOL_EXHAUSTED, IN_A, 4, 17, 65536),
		quota_evt(RG_EVT_POOL_EXHAUSTED, IN_A, 3, 17, 4096),
		quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, RG_EXH_SUB_TABLE, 6, 8192),
		quota_evt(RG_EVT_POOL_EXHAUSTED, IN_B, RG_EXH_FRAG_TABLE, 17, 256),
		quota_evt(RG_EVT_CARD_RESET, 0, 0, 0, 0), /* not a NAT event */
	};
	for (unsigned i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		rgd_natlog_event(&f->nl, &ev[i], T0 + i);
	rgd_natlog_flush(&f->nl, T0 + 100);
	struct msg m;
	assert_true(collect(&f->col, &m, NULL)); /* templates */
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_recs, 10);
	const struct rec *r = m.recs;
	assert_int_equal(val(&r[0], 230), 8); /* NAT44 BIB create */
	assert_int_equal(val(&r[0], 227), 5000);
	assert_int_equal(val(&r[1], 230), 9);  /* NAT44 BIB delete */
	assert_int_equal(val(&r[2], 230), 16); /* port block allocation */
	assert_int_equal(val(&r[2], 8), IN_B);
	assert_int_equal(val(&r[2], 225), OUT_A);
	assert_int_equal(val(&r[2], 361), 2048); /* portRangeStart */
	assert_int_equal(val(&r[2], 362), 2303); /* portRangeEnd */
	assert_int_equal(val(&r[3], 230), 17);	 /* port block de-allocation */
	assert_int_equal(val(&r[3], 323), T0 + 3);
	assert_int_equal(val(&r[4], 230), 3);	/* NAT addresses exhausted */
	assert_int_equal(val(&r[4], 283), 9);	/* natPoolID: the subscriber's pool */
	assert_int_equal(val(&r[5], 230), 13);	/* quota exceeded */
	assert_int_equal(val(&r[5], 466), 3);	/* natQuotaExceededEvent: per user */
	assert_int_equal(val(&r[5], 473), 512); /* maxEntriesPerUser */
	assert_int_equal(val(&r[5], 8), IN_A);
	assert_int_equal(val(&r[6], 466), 1);	  /* maximum session entries */
	assert_int_equal(val(&r[6], 471), 65536); /* maxSessionEntries */
	assert_int_equal(val(&r[7], 466), 2);	  /* maximum BIB entries */
	assert_int_equal(val(&r[7], 472), 4096);  /* maxBIBEntries */
	assert_int_equal(val(&r[8], 230), 13);	  /* a new host, the subscriber table full: */
	assert_int_equal(val(&r[8], 466), 4);	  /* maximum active hosts or subscribers */
	assert_int_equal(val(&r[8], 474), 8192);  /* maxSubscribers */
	assert_int_equal(val(&r[9], 466), 5);	  /* maximum fragments pending reassembly */
	assert_int_equal(val(&r[9], 475), 256);	  /* maxFragmentsPendingReassembly */
	assert_int_equal(val(&r[9], 8), IN_B);	  /* whose fragment it was */
	/* the next message's sequence number counts the records before it */
	rgd_natlog_event(&f->nl, &ev[0], T0 + 200);
	rgd_natlog_flush(&f->nl, T0 + 200);
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.seq, 10);
	assert_int_equal(m.n_recs, 1);
	fx_free(f);
}

static void test_big_batches_are_split(void **state)
{
	(void)state;
	struct fx *f = fx_new("", "");
	for (unsigned i = 0; i < 300; i++) {
		struct rg_evt e = nat_evt(RG_EVT_SESSION_CREATE, 17, 0, 0, IN_A,
					  (uint16_t)(1000 + i), OUT_A, (uint16_t)(2000 + i), 0, 0);
		rgd_natlog_event(&f->nl, &e, T0);
	}
	rgd_natlog_flush(&f->nl, T0);
	struct msg m;
	size_t size;
	assert_true(collect(&f->col, &m, NULL)); /* templates */
	unsigned total = 0, msgs = 0;
	while (collect(&f->col, &m, &size)) {
		assert_true(size <= 1400);
		assert_int_equal(m.seq, total);
		for (unsigned i = 0; i < m.n_recs; i++)
			assert_int_equal(val(&m.recs[i], 7), 1000 + total + i);
		total += m.n_recs;
		msgs++;
	}
	assert_int_equal(total, 300);
	assert_true(msgs >= 2);
	fx_free(f);
}

static void test_templates_are_sent_again(void **state)
{
	(void)state;
	struct fx *f = fx_new("ipfix_template_refresh = 60;", "");
	struct msg m;
	/* nothing before the first record */
	rgd_natlog_tick(&f->nl, T0);
	assert_false(collect(&f->col, &m, NULL));
	struct rg_evt e = nat_evt(RG_EVT_SESSION_CREATE, 17, 0, 0, IN_A, 1, OUT_A, 2, 0, 0);
	rgd_natlog_event(&f->nl, &e, T0);
	rgd_natlog_flush(&f->nl, T0);
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_templates, 9);
	assert_true(collect(&f->col, &m, NULL));
	rgd_natlog_tick(&f->nl, T0 + 59999);
	assert_false(collect(&f->col, &m, NULL));
	rgd_natlog_tick(&f->nl, T0 + 60000);
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_templates, 9);
	assert_int_equal(m.seq, 1);
	rgd_natlog_tick(&f->nl, T0 + 61000);
	assert_false(collect(&f->col, &m, NULL));
	rgd_natlog_tick(&f->nl, T0 + 120000);
	assert_true(collect(&f->col, &m, NULL));
	fx_free(f);
}

/* What rgd_log wrote to stderr while fn ran. */
static void capture_stderr(struct fx *f, const struct rg_evt *e, char *out, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/rgd-natlog-%d.txt", getpid());
	fflush(stderr);
	int saved = dup(2), fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	rgd_log_open("t", true, LOG_INFO);
	rgd_natlog_event(&f->nl, e, T0);
	fflush(stderr);
	rgd_log_open("t", true, LOG_WARNING);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
}

static void test_log_lines_and_their_switch(void **state)
{
	(void)state;
	char out[512];
	struct rg_evt e = block_evt(RG_EVT_BLOCK_ALLOC, IN_A, OUT_A, 4096, 4351);
	struct fx *f = fx_new("", "");
	capture_stderr(f, &e, out, sizeof(out));
	assert_string_equal(out, "t: info: NAT port-block-alloc inside=192.168.1.10 "
				 "outside=203.0.113.1 ports=4096-4351\n");
	e = quota_evt(RG_EVT_QUOTA, IN_A, 1, 17, 64);
	capture_stderr(f, &e, out, sizeof(out));
	assert_string_equal(out, "t: warning: NAT quota-exceeded inside=192.168.1.10 "
				 "what=ports-per-subscriber proto=udp limit=64\n");
	fx_free(f);
	f = fx_new("syslog = false;", "");
	capture_stderr(f, &e, out, sizeof(out));
	assert_string_equal(out, "");
	/* the IPFIX record is still exported */
	rgd_natlog_flush(&f->nl, T0);
	struct msg m;
	assert_true(collect(&f->col, &m, NULL));
	assert_true(collect(&f->col, &m, NULL));
	assert_int_equal(m.n_recs, 1);
	fx_free(f);
}

static void test_without_collector_nothing_is_sent(void **state)
{
	(void)state;
	struct rgd_cfg cfg;
	char err[256];
	assert_int_equal(
		rgd_config_parse("inside = { address = \"192.168.1.1\"; };\n"
				 "outside = { address = \"203.0.113.1\"; };\n"
				 "pools = ( { id = 1; addresses = [\"203.0.113.1\"]; } );\n",
				 "t.conf", &cfg, err, sizeof(err)),
		0);
	assert_true(cfg.natlog_syslog);
	assert_int_equal(cfg.ipfix_addr, 0);
	struct rgd_natlog nl;
	assert_int_equal(rgd_natlog_open(&nl, &cfg, err, sizeof(err)), 0);
	assert_int_equal(nl.ipfix.fd, -1);
	struct rg_evt e = nat_evt(RG_EVT_SESSION_CREATE, 17, 0, 0, IN_A, 1, OUT_A, 2, 0, 0);
	rgd_log_open("t", true, LOG_WARNING); /* the line is info: not shown */
	rgd_natlog_event(&nl, &e, T0);
	rgd_natlog_flush(&nl, T0);
	rgd_natlog_tick(&nl, T0 + 3600000);
	rgd_natlog_close(&nl);
}

int main(void)
{
	rgd_log_open("t", true, LOG_WARNING); /* quiet: the lines are checked above */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_session_record_without_destination),
		cmocka_unit_test(test_destination_when_configured),
		cmocka_unit_test(test_mapping_block_and_exhaustion_records),
		cmocka_unit_test(test_big_batches_are_split),
		cmocka_unit_test(test_templates_are_sent_again),
		cmocka_unit_test(test_log_lines_and_their_switch),
		cmocka_unit_test(test_without_collector_nothing_is_sent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
