/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's control socket (ctl.c) on the card test double: what a
 * request may get wrong (each refused with exit status 2 and a message
 * naming the bad word, existing leases untouched), JSON strings escaped,
 * and the socket's client handling through the real listening socket: the
 * daemon never waits on a client (an answer a client does not take is
 * queued and the client dropped after RGD_CTL_DRAIN_MS without progress),
 * a client that says nothing is dropped after RGD_CTL_REQUEST_MS, over-long
 * requests and too many clients get an answer, an answer that outgrows
 * RGD_CTL_OUT_MAX is cut at a line and fails, and event followers that do
 * not keep up lose whole lines and are told how many.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../host-tools/realmgated/ctl_out.h"
#include "../../host-tools/realmgated/daemon.h"
#include "../lib/card_double.h"

static const char config[] =
	"inside = { address = \"192.168.1.1\"; prefix = 24; };\n"
	"outside = { address = \"203.0.113.1\"; prefix = 24; };\n"
	"pools = ( { id = 1; name = \"main\"; addresses = [ \"203.0.113.1\" ]; } );\n";

struct fx {
	struct rgd_daemon d;
	struct card_double cd;
	char dir[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	char err[256];
	struct rgd_daemon *d = &f->d;
	if (rgd_config_parse(config, "test.conf", &d->cfg, err, sizeof(err))) {
		fprintf(stderr, "config: %s\n", err);
		abort();
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/rgctl.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(d->cfg.control_socket, sizeof(d->cfg.control_socket), "%s/ctl.sock", f->dir);
	snprintf(d->config_path, sizeof(d->config_path), "%s/realmgated.conf", f->dir);
	card_double_init(&f->cd, 0xcb007101u);
	d->card = &f->cd.card;
	d->store = rgd_store_open(":memory:", err, sizeof(err));
	assert_non_null(d->store);
	assert_int_equal(rgd_mapper_init(&d->mapper, d->card, d->store, &d->cfg), 0);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->ctl_fd = -1;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		d->ctl[i].fd = -1;
	assert_int_equal(rgd_ctl_open(d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct rgd_daemon *d = &f->d;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		if (d->ctl[i].fd >= 0)
			rgd_ctl_close(d, &d->ctl[i]);
	close(d->ctl_fd);
	close(d->epfd);
	unlink(d->cfg.control_socket);
	unlink(d->config_path);
	rmdir(f->dir);
	rgd_mapper_free(&d->mapper);
	rgd_store_close(d->store);
	free(f);
	return 0;
}

/* Run one request line through rgd_ctl_execute; the answer in out. */
static int run(struct fx *f, const char *line, struct rgd_ctl_out *out)
{
	char buf[1024], *argv[RGD_CTL_MAX_ARGS];
	int argc = 0;
	bool json = false;
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	if (argc && strcmp(argv[0], "--json") == 0) {
		json = true;
		memmove(argv, argv + 1, (size_t)--argc * sizeof(argv[0]));
	}
	rgd_out_free(out);
	int st = rgd_ctl_execute(&f->d, argc, argv, json, out);
	assert_false(out->truncated);
	if (!out->p)
		rgd_out_put(out, "%s", "");
	return st;
}

static void test_commands_usage(void **state)
{
	struct fx *f = *state;
	struct rgd_ctl_out o = { 0 };
	assert_int_equal(run(f, "", &o), 2);
	assert_non_null(strstr(o.p, "commands:"));
	assert_int_equal(run(f, "frobnicate", &o), 2);
	assert_string_equal(o.p, "unknown command 'frobnicate'\n");
	assert_int_equal(run(f, "mappings frob", &o), 2);
	assert_int_equal(run(f, "mappings", &o), 0);
	assert_string_equal(o.p, "no mappings\n");
	assert_int_equal(run(f, "config check /nonexistent/realmgated.conf", &o), 1);
	assert_non_null(strstr(o.p, "/nonexistent/realmgated.conf"));
	rgd_out_free(&o);
}

static void test_mappings_add_refuses_bad_words(void **state)
{
	struct fx *f = *state;
	struct rgd_ctl_out o = { 0 };
	assert_int_equal(run(f,
			     "mappings add udp 192.168.1.10:5000 --lifetime 600 --filter "
			     "198.51.100.0/24:53",
			     &o),
			 0);
	assert_int_equal(f->d.mapper.leases.count, 1);
	static const struct {
		const char *line, *named;
	} bad[] = {
		{ "mappings add udp", "usage" },
		{ "mappings add icmp 192.168.1.10:5001", "icmp" },
		{ "mappings add udp 192.168.1.10", "192.168.1.10" },
		{ "mappings add udp 192.168.1.10:0", "192.168.1.10:0" },
		{ "mappings add udp 300.1.1.1:5", "300.1.1.1:5" },
		{ "mappings add udp 192.168.1.10:5001 --out 0", "'0'" },
		{ "mappings add udp 192.168.1.10:5001 --out 70000", "'70000'" },
		{ "mappings add udp 192.168.1.10:5001 --out 12x", "'12x'" },
		{ "mappings add udp 192.168.1.10:5001 --out -1", "'-1'" },
		{ "mappings add udp 192.168.1.10:5001 --out +80", "'+80'" },
		{ "mappings add udp 192.168.1.10:+5001", "192.168.1.10:+5001" },
		{ "mappings add udp 192.168.1.10:5001 --lifetime -5", "'-5'" },
		{ "mappings add udp 192.168.1.10:5001 --lifetime 0", "'0'" },
		/* UINT32_MAX is "static" inside; more would wrap */
		{ "mappings add udp 192.168.1.10:5001 --lifetime 4294967295", "'4294967295'" },
		{ "mappings add udp 192.168.1.10:5001 --lifetime 99999999999", "'99999999999'" },
		{ "mappings add udp 192.168.1.10:5001 --lifetime", "'--lifetime'" },
		{ "mappings add udp 192.168.1.10:5001 --filter 1.2.3.4:70000", "'1.2.3.4:70000'" },
		{ "mappings add udp 192.168.1.10:5001 --filter 1.2.3.4/33", "'1.2.3.4/33'" },
		{ "mappings add udp 192.168.1.10:5001 --filter 1.2.3.4:", "'1.2.3.4:'" },
		{ "mappings add udp 192.168.1.10:5001 --filter "
		  "111.222.111.222/32:65535xxxxxxxxxxxxxxxxxxxxxxxxx",
		  "65535xxx" },
		{ "mappings add udp 192.168.1.10:5001 --bogus 1", "'--bogus'" },
		{ "mappings add udp 192.168.1.10:5001 --lifetime 60 --out", "'--out'" },
		{ "mappings del udp", "usage" },
		{ "mappings del udp 192.168.1.10", "usage" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st = run(f, bad[i].line, &o);
		if (st != 2 || !strstr(o.p, bad[i].named))
			fail_msg("'%s': status %d, '%s'", bad[i].line, st, o.p);
	}
	/* nothing above touched the lease or made another */
	assert_int_equal(f->d.mapper.leases.count, 1);
	const struct cd_map *m = card_double_find(&f->cd, 17, 0xc0a8010au, 5000);
	assert_non_null(m);
	assert_int_equal(m->n_filters, 1);
	assert_int_equal(card_double_maps(&f->cd), 1);
	/* a missing one is "not found", and the right one goes */
	assert_int_equal(run(f, "mappings del udp 192.168.1.10:5001", &o), 4);
	assert_int_equal(run(f, "mappings del tcp 192.168.1.10:5000", &o), 4);
	assert_int_equal(run(f, "mappings del udp 192.168.1.10:5000", &o), 0);
	assert_string_equal(o.p, "deleted\n");
	assert_int_equal(f->d.mapper.leases.count, 0);
	rgd_out_free(&o);
}

static void test_mappings_json(void **state)
{
	struct fx *f = *state;
	struct rgd_ctl_out o = { 0 };
	assert_int_equal(run(f, "--json mappings add tcp 192.168.1.11:8080 --out 8080", &o), 0);
	assert_non_null(strstr(o.p, "\"owner\":\"cli\""));
	assert_non_null(strstr(o.p, "\"inside\":\"192.168.1.11:8080\""));
	assert_non_null(strstr(o.p, "\"lifetime_left\":-1"));
	assert_int_equal(run(f, "--json mappings list", &o), 0);
	assert_true(o.p[0] == '[' && strstr(o.p, "]\n"));
	rgd_out_free(&o);
}

/* Names that come from the configuration and the command line are JSON
 * strings, escaped: a path with a quote must not end the string. */
static void test_json_strings_escaped(void **state)
{
	struct fx *f = *state;
	struct rgd_ctl_out o = { 0 };
	snprintf(f->d.config_path, sizeof(f->d.config_path), "/etc/a\"b\\c\td");
	snprintf(f->d.cfg.pools[0].name, sizeof(f->d.cfg.pools[0].name), "we\"ird");
	assert_int_equal(run(f, "--json status", &o), 0);
	assert_non_null(strstr(o.p, "\"config\":\"/etc/a\\\"b\\\\c\\u0009d\""));
	assert_int_equal(run(f, "--json pools", &o), 0);
	assert_non_null(strstr(o.p, "\"name\":\"we\\\"ird\""));
	rgd_out_free(&o);
}

/* The answer buffer: grows, then stops at RGD_CTL_OUT_MAX, keeps whole
 * lines and says it was cut. */
static void test_out_limit(void **state)
{
	(void)state;
	struct rgd_ctl_out o = { 0 };
	rgd_out_put(&o, "RG 0\n");
	char line[1000];
	memset(line, 'x', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = 0;
	size_t lines = 0;
	while (!o.truncated) {
		rgd_out_put(&o, "%s", line);
		lines++;
	}
	assert_true(lines > RGD_CTL_OUT_MAX / 1000 - 2);
	assert_true(o.len <= RGD_CTL_OUT_MAX);
	rgd_out_put(&o, "more\n"); /* nothing once truncated */
	rgd_out_mark_truncated(&o);
	assert_int_equal(o.p[o.len], 0);
	assert_non_null(strstr(o.p + o.len - 100, "answer cut"));
	const char *note = strstr(o.p + o.len - 100, "realmgated:");
	assert_true(note[-1] == '\n' && note[-2] == 'x');
	assert_int_equal((size_t)(note - o.p - 5) % 999, 0);
	rgd_out_free(&o);
}

/* ---- the socket ------------------------------------------------------------ */

static int connect_client(struct fx *f, int *slot)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(f->d.cfg.control_socket) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, f->d.cfg.control_socket, strlen(f->d.cfg.control_socket) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	bool used[RGD_MAX_CTL_CLIENTS];
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		used[i] = f->d.ctl[i].fd >= 0;
	rgd_ctl_accept(&f->d);
	*slot = -1;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		if (!used[i] && f->d.ctl[i].fd >= 0)
			*slot = i;
	return fd;
}

/* Everything the daemon sent until it closed (or nothing more is there). */
static size_t read_all(int fd, char *buf, size_t cap, int timeout_ms)
{
	size_t n = 0;
	while (n + 1 < cap) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	return n;
}

static void say(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_socket_request_answer(void **state)
{
	struct fx *f = *state;
	int slot, fd = connect_client(f, &slot);
	assert_true(slot >= 0);
	say(fd, "mappings add udp 192.168.1.12:6000\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	assert_int_equal(f->d.ctl[slot].fd, -1); /* answered and closed */
	char buf[4096];
	read_all(fd, buf, sizeof(buf), 1000);
	assert_non_null(strstr(buf, "RG 0\ncli"));
	close(fd);

	/* a request in pieces is put together */
	fd = connect_client(f, &slot);
	say(fd, "mappings del ud");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	assert_true(f->d.ctl[slot].fd >= 0);
	say(fd, "p 192.168.1.12:6000\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	read_all(fd, buf, sizeof(buf), 1000);
	assert_string_equal(buf, "RG 0\ndeleted\n");
	close(fd);
}

/* One connection: send the bytes, let the daemon read them once, and
 * compare everything it answers before it closes. */
static void exchange(struct fx *f, const char *req, size_t len, const char *want)
{
	int slot, fd = connect_client(f, &slot);
	assert_int_equal(write(fd, req, len), (ssize_t)len);
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	assert_int_equal(f->d.ctl[slot].fd, -1); /* answered and closed */
	char buf[4096];
	read_all(fd, buf, sizeof(buf), 1000);
	assert_string_equal(buf, want);
	close(fd);
}

static void test_socket_bad_requests(void **state)
{
	struct fx *f = *state;
	char big[1100];
	memset(big, 'a', sizeof(big));
	exchange(f, big, sizeof(big), "RG 2\nrequest longer than 1022 bytes\n");
	char words[200] = "";
	for (int i = 0; i < RGD_CTL_MAX_ARGS + 1; i++)
		strcat(words, "w ");
	strcat(words, "\n");
	exchange(f, words, strlen(words), "RG 2\nmore than 32 arguments\n");
	exchange(f, "status\0x\n", 9, "RG 2\nrequest contains a NUL byte\n");
	static const char *const raw[] = { "raw 0x10000 0 -\n", "raw 0x0001 zz -\n",
					   "raw 0x0001 -1 -\n", "raw 1x 0 -\n" };
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		exchange(f, raw[i], strlen(raw[i]),
			 "RG 2\nraw: bad opcode, bulk size or payload\n");
	exchange(f, "raw 1 0\n", 8, "RG 2\nusage: raw OPCODE BULK_CAP PAYLOAD_HEX\n");
}

/* A client that connects and says nothing holds its place only until
 * RGD_CTL_REQUEST_MS; followers of events stay. */
static void test_socket_silent_client_dropped(void **state)
{
	struct fx *f = *state;
	int slot, fd = connect_client(f, &slot);
	int fslot, ffd = connect_client(f, &fslot);
	say(ffd, "events\n");
	rgd_ctl_event(&f->d, &f->d.ctl[fslot], EPOLLIN);
	assert_true(f->d.ctl[fslot].follow);
	uint64_t now = rgd_now_ms();
	rgd_ctl_tick(&f->d, now);
	assert_true(f->d.ctl[slot].fd >= 0);
	rgd_ctl_tick(&f->d, now + RGD_CTL_REQUEST_MS + 1);
	assert_int_equal(f->d.ctl[slot].fd, -1);
	assert_true(f->d.ctl[fslot].fd >= 0);
	char buf[64];
	assert_int_equal(read_all(fd, buf, sizeof(buf), 1000), 0); /* just closed */
	close(fd);
	close(ffd);
}

/* Enough leases that their listing does not fit a small socket buffer. */
static unsigned make_leases(struct fx *f)
{
	struct rgd_ctl_out o = { 0 };
	unsigned n = 0;
	for (unsigned h = 10; h < 60; h++)
		for (unsigned p = 0; p < 4; p++, n++) {
			char line[96];
			snprintf(line, sizeof(line), "mappings add udp 192.168.1.%u:%u", h,
				 7000 + p);
			assert_int_equal(run(f, line, &o), 0);
		}
	rgd_out_free(&o);
	return n;
}

static void shrink_buffers(int daemon_fd, int client_fd)
{
	int small = 1; /* the kernel's minimum */
	setsockopt(daemon_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(client_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
}

/* A client that does not read its answer: the daemon queues it and goes on
 * (another client is served meanwhile), then drops the stalled one. */
static void test_socket_stalled_reader(void **state)
{
	struct fx *f = *state;
	unsigned n = make_leases(f);
	int slot, fd = connect_client(f, &slot);
	shrink_buffers(f->d.ctl[slot].fd, fd);
	say(fd, "mappings list\n");
	uint64_t t0 = rgd_now_ms();
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	assert_true(rgd_now_ms() - t0 < 500); /* it did not wait for the reader */
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	assert_true(c->fd >= 0 && c->out && c->draining);
	assert_true(c->out_off < c->out_len);

	int slot2, fd2 = connect_client(f, &slot2);
	say(fd2, "status\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot2], EPOLLIN);
	char buf[4096];
	read_all(fd2, buf, sizeof(buf), 1000);
	assert_non_null(strstr(buf, "RG 0\ncard"));
	assert_non_null(strstr(buf, "leases      200"));
	close(fd2);

	rgd_ctl_tick(&f->d, rgd_now_ms());
	assert_true(c->fd >= 0);
	rgd_ctl_tick(&f->d, rgd_now_ms() + RGD_CTL_DRAIN_MS + 1);
	assert_int_equal(c->fd, -1);
	assert_null(c->out);
	close(fd);
	assert_int_equal(f->d.mapper.leases.count, n);
}

/* A slow reader that keeps reading gets the whole answer. */
static void test_socket_slow_reader_complete(void **state)
{
	struct fx *f = *state;
	unsigned n = make_leases(f);
	int slot, fd = connect_client(f, &slot);
	shrink_buffers(f->d.ctl[slot].fd, fd);
	say(fd, "mappings list\n");
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	rgd_ctl_event(&f->d, c, EPOLLIN);
	static char buf[1 << 16];
	size_t got = 0;
	int rounds = 0;
	while (c->fd >= 0 && rounds++ < 100000) {
		ssize_t r = read(fd, buf + got, 512);
		assert_true(r > 0);
		got += (size_t)r;
		assert_true(got < sizeof(buf) - 512);
		rgd_ctl_event(&f->d, c, EPOLLOUT);
	}
	assert_int_equal(c->fd, -1);
	got += read_all(fd, buf + got, sizeof(buf) - got, 1000);
	assert_true(rounds > 2); /* it really came in pieces */
	assert_memory_equal(buf, "RG 0\n", 5);
	unsigned lines = 0;
	for (size_t i = 5; i < got; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, n);
	assert_int_equal(buf[got - 1], '\n');
	close(fd);
}

/* Lease i of the streamed listing: 10.1.(i / 256).(i % 256):(1000 + i % 7). */
static struct rgd_lease *stream_lease(struct fx *f, unsigned i)
{
	struct rgd_lease l;
	memset(&l, 0, sizeof(l));
	l.key.proto = 17;
	l.key.in_addr = 0x0a010000u + i;
	l.key.in_port = (uint16_t)(1000 + i % 7);
	l.owner = RG_OWNER_CLI;
	l.out_addr = 0xcb007101u;
	l.out_port = (uint16_t)(20000 + i);
	l.expires = UINT64_MAX;
	struct rgd_lease *in = rgd_leases_add(&f->d.mapper.leases, &l);
	assert_non_null(in);
	return in;
}

/* Read what the daemon sends for a streamed answer, turning its event loop
 * (EPOLLOUT) between reads, until it closes; the largest answer buffer it
 * held on the way in *max_out. */
static size_t stream_all(struct fx *f, struct rgd_ctl_client *c, int fd, char *buf, size_t cap,
			 size_t *max_out)
{
	size_t got = 0;
	*max_out = 0;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int rounds = 0; c->fd >= 0 && rounds < 1000000; rounds++) {
		if (c->out_len > *max_out)
			*max_out = c->out_len;
		ssize_t r = read(fd, buf + got, cap - 1 - got);
		if (r > 0)
			got += (size_t)r;
		assert_true(got < cap - 1);
		rgd_ctl_event(&f->d, c, EPOLLOUT);
	}
	assert_int_equal(c->fd, -1);
	fcntl(fd, F_SETFL, 0);
	got += read_all(fd, buf + got, cap - got, 1000);
	return got;
}

/* `mappings list` on the socket comes page by page, the event loop free
 * between pages; leases removed meanwhile (the next one the listing would
 * have sent among them) are not listed, leases added meanwhile neither, and
 * every other lease is listed once: a whole JSON array. A client that goes
 * in the middle takes its place in the lease walk with it. */
static void test_socket_mappings_streamed(void **state)
{
	struct fx *f = *state;
	enum { N = 2600, GONE = 100, NEW = 50 };
	static struct rgd_lease *by[N];
	for (unsigned i = 0; i < N; i++)
		by[i] = stream_lease(f, i);
	int slot, fd = connect_client(f, &slot);
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	say(fd, "--json mappings list\n");
	rgd_ctl_event(&f->d, c, EPOLLIN);
	assert_true(c->fd >= 0 && c->listing && c->listing_leases);
	assert_true(c->list_total < N); /* one page so far */
	/* between pages: the oldest leases (listed last) go, and the lease
	 * the walk stands on; new ones come */
	bool gone[N] = { false };
	for (unsigned i = 0; i < GONE; i++) {
		gone[i] = true;
		rgd_leases_remove(&f->d.mapper.leases, by[i]);
	}
	const struct rgd_lease *next = c->lease_it.next;
	assert_non_null(next);
	unsigned next_i = next->key.in_addr - 0x0a010000u;
	gone[next_i] = true;
	rgd_leases_remove(&f->d.mapper.leases, by[next_i]);
	for (unsigned i = 0; i < NEW; i++)
		stream_lease(f, N + i);

	static char buf[1 << 20];
	size_t max_out;
	size_t got = stream_all(f, c, fd, buf, sizeof(buf), &max_out);
	close(fd);
	assert_memory_equal(buf, "RG 0\n[", 6);
	assert_memory_equal(buf + got - 2, "]\n", 2);
	static unsigned seen[N + NEW];
	memset(seen, 0, sizeof(seen));
	unsigned listed = 0;
	for (const char *q = buf; (q = strstr(q, "\"inside\":\"10.1.")); listed++) {
		unsigned a, b;
		q += strlen("\"inside\":\"10.1.");
		assert_int_equal(sscanf(q, "%u.%u", &a, &b), 2);
		unsigned i = a * 256 + b;
		assert_true(i < N); /* not one added after the listing began */
		assert_false(gone[i]);
		seen[i]++;
	}
	assert_int_equal(listed, N - GONE - 1);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(seen[i], gone[i] ? 0 : 1);
	assert_null(f->d.mapper.leases.iters);

	/* a client that goes after the first page */
	fd = connect_client(f, &slot);
	c = &f->d.ctl[slot];
	say(fd, "mappings\n");
	rgd_ctl_event(&f->d, c, EPOLLIN);
	assert_true(c->listing);
	assert_non_null(f->d.mapper.leases.iters);
	close(fd);
	for (int rounds = 0; c->fd >= 0 && rounds < 1000; rounds++)
		rgd_ctl_event(&f->d, c, EPOLLOUT);
	assert_int_equal(c->fd, -1);
	assert_null(f->d.mapper.leases.iters);
}

static unsigned count_lines(const char *buf, size_t n)
{
	unsigned lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

/* `mappings list` filters: each selects exactly the leases it names, the
 * same through rgd_ctl_execute and streamed on the socket (where a filter
 * that passes one lease in thousands still ends the listing, pages of no
 * lines in between), and wrong ones are refused naming the word. */
static void test_mappings_filters(void **state)
{
	struct fx *f = *state;
	enum { N = 40000 };
	for (unsigned i = 0; i < N; i++) {
		struct rgd_lease *l = stream_lease(f, i);
		if (i % 4 == 0)
			l->key.proto = 6;
		if (i % 5 == 0)
			l->owner = RG_OWNER_PCP;
	}
	struct rgd_ctl_out o = { 0 };
	static const struct {
		const char *filter;
		unsigned lines;
	} cases[] = {
		{ "", N },
		{ "--proto tcp", N / 4 },
		{ "--proto udp --owner pcp", N / 5 - N / 20 },
		{ "--inside 10.1.0.7", 1 },
		{ "--inside 10.1.0.7:1000", 1 }, /* 7 % 7 = 0: port 1000 */
		{ "--inside 10.1.0.7:1001", 0 },
		{ "--outside 203.0.113.1:20009", 1 }, /* lease 9 */
		{ "--outside 203.0.113.1", N },
		{ "--outside 203.0.113.2", 0 },
		{ "--owner cli --inside 10.1.0.10", 0 }, /* 10 is pcp's */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char req[160];
		snprintf(req, sizeof(req), "mappings list %s", cases[k].filter);
		assert_int_equal(run(f, req, &o), 0);
		unsigned want = cases[k].lines ? cases[k].lines : 1; /* "no mappings" */
		assert_int_equal(count_lines(o.p, strlen(o.p)), want);
		if (!cases[k].lines)
			assert_string_equal(o.p, "no mappings\n");

		/* the same on the socket */
		int slot, fd = connect_client(f, &slot);
		struct rgd_ctl_client *c = &f->d.ctl[slot];
		snprintf(req, sizeof(req), "mappings %s\n", cases[k].filter);
		say(fd, req);
		rgd_ctl_event(&f->d, c, EPOLLIN);
		static char buf[4 << 20];
		size_t max_out;
		size_t got = stream_all(f, c, fd, buf, sizeof(buf) - 1, &max_out);
		buf[got] = 0;
		close(fd);
		assert_memory_equal(buf, "RG 0\n", 5);
		assert_int_equal(count_lines(buf + 5, got - 5), want);
		assert_null(f->d.mapper.leases.iters);
	}
	/* the line of lease 9 */
	assert_int_equal(run(f, "--json mappings --outside 203.0.113.1:20009", &o), 0);
	assert_non_null(strstr(o.p, "\"inside\":\"10.1.0.9:1002\""));

	static const char *const bad[][2] = {
		{ "mappings list --proto icmp", "--proto: bad value 'icmp'" },
		{ "mappings list --owner nobody", "--owner: bad value 'nobody'" },
		{ "mappings list --inside 10.1.0.300", "--inside: bad value '10.1.0.300'" },
		{ "mappings list --outside 203.0.113.1:65536", "--outside: bad value" },
		{ "mappings list --proto", "--proto wants a value" },
		{ "mappings list --proto udp --proto tcp", "--proto given twice" },
		{ "mappings list --port 5", "unknown option '--port'" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		assert_int_equal(run(f, bad[k][0], &o), 2);
		if (!strstr(o.p, bad[k][1]))
			fail_msg("'%s' said '%s'", bad[k][0], o.p);
	}
	int slot, fd = connect_client(f, &slot);
	say(fd, "mappings --owner nobody\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	char answer[256];
	size_t n = read_all(fd, answer, sizeof(answer) - 1, 1000);
	answer[n] = 0;
	close(fd);
	assert_string_equal(answer, "RG 2\nmappings list: --owner: bad value 'nobody'\n");
	rgd_out_free(&o);
}

/* A follower that does not keep up loses lines, never parts of one, and
 * is told how many before the next line it gets. */
static void follower_loses_whole_lines(struct fx *f, const char *request, bool raw)
{
	int slot, fd = connect_client(f, &slot);
	say(fd, request);
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	rgd_ctl_event(&f->d, c, EPOLLIN);
	char buf[1 << 16];
	assert_int_equal(read_all(fd, buf, sizeof(buf), 1000), 5); /* "RG 0\n" */
	shrink_buffers(c->fd, fd);
	struct rg_evt e = { 0 };
	unsigned sent = 0;
	while (c->lost < 3 && sent < 100000) {
		e.seq = sent++;
		if (raw)
			rgd_ctl_raw_event(&f->d, &e);
		else
			rgd_ctl_broadcast(&f->d, "card test event", "{\"event\":\"card\"}");
	}
	assert_int_equal(c->lost, 3);
	assert_true(c->fd >= 0);
	size_t got = read_all(fd, buf, sizeof(buf), 200);
	unsigned lines = 0;
	for (size_t i = 0; i < got; i++)
		lines += buf[i] == '\n';
	assert_int_equal(buf[got - 1], '\n'); /* whole lines only */
	assert_int_equal(lines, sent - 3);
	if (raw)
		rgd_ctl_raw_event(&f->d, &e);
	else
		rgd_ctl_broadcast(&f->d, "card test event", "{\"event\":\"card\"}");
	assert_int_equal(c->lost, 0);
	read_all(fd, buf, sizeof(buf), 1000);
	if (raw)
		assert_memory_equal(buf, "L 3\nE ", 6);
	else
		assert_string_equal(buf, "events lost: 3 (this client did not keep up)\n"
					 "card test event\n");
	close(fd);
}

static void test_follower_lost_lines(void **state)
{
	follower_loses_whole_lines(*state, "events\n", false);
}

static void test_raw_follower_lost_lines(void **state)
{
	follower_loses_whole_lines(*state, "raw-events\n", true);
}

/* More clients than places: the extra one is told, not just cut off. */
static void test_socket_busy(void **state)
{
	struct fx *f = *state;
	int fds[RGD_MAX_CTL_CLIENTS], slot;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		fds[i] = connect_client(f, &slot);
		assert_true(slot >= 0);
	}
	int fd = connect_client(f, &slot);
	assert_int_equal(slot, -1);
	char buf[256];
	read_all(fd, buf, sizeof(buf), 1000);
	assert_string_equal(buf, "RG 1\nbusy: too many control clients connected, try again\n");
	close(fd);
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		close(fds[i]);
	/* the daemon notices the gone clients as it reads them */
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		rgd_ctl_event(&f->d, &f->d.ctl[i], EPOLLIN | EPOLLHUP);
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		assert_int_equal(f->d.ctl[i].fd, -1);
}

/* `sessions` on the socket is streamed a page at a time: the request
 * itself fetches at most two pages (the event loop goes on), the daemon
 * never holds more than a page, and every session arrives. */
static void test_socket_sessions_streamed(void **state)
{
	struct fx *f = *state;
	f->cd.n_sessions = 3000; /* 12 pages of 256 */
	int slot, fd = connect_client(f, &slot);
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	say(fd, "sessions\n");
	rgd_ctl_event(&f->d, c, EPOLLIN);
	assert_true(card_double_calls(&f->cd, RG_OP_SESSION_LIST) <= 2);
	assert_true(c->listing);
	static char buf[1 << 20];
	size_t max_out, got = stream_all(f, c, fd, buf, sizeof(buf), &max_out);
	assert_int_equal(card_double_calls(&f->cd, RG_OP_SESSION_LIST), 12);
	assert_true(max_out < 64u << 10);
	assert_memory_equal(buf, "RG 0\n", 5);
	assert_int_equal(count_lines(buf, got), 1 + 3000);
	assert_non_null(strstr(buf, "\nudp      192.168.1.2:1024  ->     203.0.113.1:1024  <->    "
				    "198.51.100.1:53    idle 0ms 0 pkts\n"));
	assert_non_null(strstr(buf, " 2999 pkts\n"));
	assert_int_equal(buf[got - 1], '\n');
	close(fd);

	/* JSON: one array, complete */
	f->cd.n_sessions = 600;
	fd = connect_client(f, &slot);
	c = &f->d.ctl[slot];
	say(fd, "--json sessions\n");
	rgd_ctl_event(&f->d, c, EPOLLIN);
	got = stream_all(f, c, fd, buf, sizeof(buf), &max_out);
	assert_memory_equal(buf, "RG 0\n[{", 7);
	assert_memory_equal(buf + got - 3, "}]\n", 3);
	unsigned objects = 0, commas = 0;
	for (size_t i = 0; i < got; i++) {
		objects += buf[i] == '{';
		commas += buf[i] == '}' && buf[i + 1] == ',';
	}
	assert_int_equal(objects, 600);
	assert_int_equal(commas, 599);
	close(fd);

	/* an empty table */
	f->cd.n_sessions = 0;
	fd = connect_client(f, &slot);
	say(fd, "--json sessions\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	got = read_all(fd, buf, sizeof(buf), 1000);
	assert_string_equal(buf, "RG 0\n[]\n");
	close(fd);
}

/* A card error on the first page is the answer's status; after it, the
 * listing ends with a line saying how far it got (JSON without its
 * closing bracket). */
static void test_socket_sessions_card_errors(void **state)
{
	struct fx *f = *state;
	static char buf[1 << 20];
	f->cd.n_sessions = 3000;
	card_double_fail(&f->cd, RG_OP_SESSION_LIST, RG_ST_TIMEOUT, 1);
	int slot, fd = connect_client(f, &slot);
	say(fd, "sessions\n");
	rgd_ctl_event(&f->d, &f->d.ctl[slot], EPOLLIN);
	read_all(fd, buf, sizeof(buf), 1000);
	assert_string_equal(buf, "RG 1\ncard: card did not answer in time\n");
	close(fd);

	for (int json = 0; json < 2; json++) {
		fd = connect_client(f, &slot);
		struct rgd_ctl_client *c = &f->d.ctl[slot];
		shrink_buffers(c->fd, fd); /* the first page stays unsent */
		unsigned before = card_double_calls(&f->cd, RG_OP_SESSION_LIST);
		say(fd, json ? "--json sessions\n" : "sessions\n");
		rgd_ctl_event(&f->d, c, EPOLLIN);
		assert_int_equal(card_double_calls(&f->cd, RG_OP_SESSION_LIST), before + 1);
		card_double_fail(&f->cd, RG_OP_SESSION_LIST, RG_ST_CARD_GONE, 1);
		size_t max_out, got = stream_all(f, c, fd, buf, sizeof(buf), &max_out);
		assert_memory_equal(buf, "RG 0\n", 5);
		assert_int_equal(count_lines(buf, got), json ? 3 : 1 + 256 + 1);
		const char *last =
			json ? "}\nsessions: card: card stopped or was reset after 256 "
			       "sessions; the listing is incomplete\n"
			     : " 255 pkts\nsessions: card: card stopped or was reset after 256 "
			       "sessions; the listing is incomplete\n";
		assert_true(got > strlen(last));
		assert_string_equal(buf + got - strlen(last), last);
		close(fd);
	}

	/* a card whose cursor stops advancing: the listing ends, it does not
	 * stream the same page forever */
	f->cd.stuck_cursor = true;
	fd = connect_client(f, &slot);
	struct rgd_ctl_client *c = &f->d.ctl[slot];
	say(fd, "--json sessions\n");
	rgd_ctl_event(&f->d, c, EPOLLIN);
	size_t max_out, got = stream_all(f, c, fd, buf, sizeof(buf), &max_out);
	assert_memory_equal(buf, "RG 0\n[{", 7);
	assert_memory_equal(buf + got - 3, "}]\n", 3);
	unsigned objects = 0;
	for (size_t i = 0; i < got; i++)
		objects += buf[i] == '{';
	assert_int_equal(objects, 2 * 256);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commands_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mappings_add_refuses_bad_words, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mappings_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_strings_escaped, setup, teardown),
		cmocka_unit_test(test_out_limit),
		cmocka_unit_test_setup_teardown(test_socket_request_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_silent_client_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_stalled_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_slow_reader_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_mappings_streamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mappings_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_sessions_streamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_sessions_card_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follower_lost_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_follower_lost_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
