/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl's daemon mode talks to this UNIX stream socket. Protocol (see
 * docs/protocols.md): the client sends one line, its arguments separated by
 * single spaces ("--json" first for JSON output); the daemon answers with a
 * line "RG <exit status>" and the output, then closes — except for
 * "events", which streams one line per event until the client goes.
 * The socket is mode 0600, or 0660 with group control_group; a peer that is
 * not root, not the daemon's user and not in that group (primary or
 * supplementary) is refused (ctl_perm.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/parse_num.h"
#include "ctl_out.h"
#include "ctl_perm.h"
#include "daemon.h"
#include "log.h"
#include "realmgate/counters.h"

/* exit statuses realmctl passes on (docs/man/realmctl.8) */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_NOT_FOUND = 4 };

#define put rgd_out_put

static const char *ip(uint32_t host_order, char *buf)
{
	struct in_addr a = { htonl(host_order) };
	inet_ntop(AF_INET, &a, buf, 16);
	return buf;
}

static const char *proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : "any";
}

int rgd_ctl_open(struct rgd_daemon *d)
{
	const char *path = d->cfg.control_socket;
	if (!path[0])
		return 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		rgd_log(LOG_ERR, "control_socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	d->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(path);
	mode_t old = umask(0117);
	int rc = bind(d->ctl_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (d->ctl_fd < 0 || rc || listen(d->ctl_fd, 8)) {
		rgd_log(LOG_ERR, "control socket %s: %m", path);
		return -1;
	}
	char err[320];
	if (rgd_ctl_perm_apply(path, d->cfg.control_group, err, sizeof(err))) {
		rgd_log(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

/* A short answer to a client that gets no more: it fits an empty socket
 * buffer, and a client that does not take it loses nothing it asked for. */
static void say_and_close(int fd, const char *text)
{
	if (send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		rgd_log(LOG_DEBUG, "ctl send: %m");
	close(fd);
}

void rgd_ctl_accept(struct rgd_daemon *d)
{
	int fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!rgd_ctl_peer_allowed(fd, d->cfg.control_group)) {
		say_and_close(fd, "RG 1\nnot allowed: root or the control group only\n");
		return;
	}
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		struct rgd_ctl_client *c = &d->ctl[i];
		if (c->fd >= 0)
			continue;
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->deadline_ms = rgd_now_ms() + RGD_CTL_REQUEST_MS;
		struct epoll_event ev = { .events = EPOLLIN,
					  .data.u64 = RGD_CTL_EPOLL_TAG + (uint64_t)i };
		if (d->epfd >= 0 && epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			rgd_log(LOG_ERR, "control client: epoll: %m");
			close(fd);
			c->fd = -1;
		}
		return;
	}
	rgd_log(LOG_WARNING, "control client refused: %d connected", RGD_MAX_CTL_CLIENTS);
	say_and_close(fd, "RG 1\nbusy: too many control clients connected, try again\n");
}

void rgd_ctl_close(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	if (d->epfd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->listing && c->listing_leases)
		rgd_leases_iter_end(&d->mapper.leases, &c->lease_it);
	c->listing = false;
}

/* Ask for EPOLLOUT (once); false when that is impossible. */
static bool want_out(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	if (c->draining)
		return true;
	struct epoll_event ev = { .events = EPOLLOUT,
				  .data.u64 = RGD_CTL_EPOLL_TAG + (uint64_t)(c - d->ctl) };
	if (d->epfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		return false;
	c->draining = true;
	return true;
}

/* Send what the client takes now: 1 when all of c->out is sent, 0 when the
 * rest waits for EPOLLOUT, -1 when the client is gone. */
static int send_out(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return want_out(d, c) ? 0 : -1;
		if (w <= 0)
			return -1; /* the client went */
		c->out_off += (size_t)w;
		c->deadline_ms = rgd_now_ms() + RGD_CTL_DRAIN_MS;
	}
	return 1;
}

static void sessions_next(struct rgd_daemon *d, struct rgd_ctl_client *c);
static void leases_next(struct rgd_daemon *d, struct rgd_ctl_client *c);

/* Send the answer; wait for EPOLLOUT for the rest. The event loop never
 * blocks on a client: one that stops reading is dropped by rgd_ctl_tick
 * after RGD_CTL_DRAIN_MS without progress. A streamed listing gets its
 * next page once the previous one is sent, one page per call, so that
 * the rest of the event loop has its turn between pages. */
static void flush(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	int r = send_out(d, c);
	if (r == 1 && c->listing) {
		if (c->listing_leases)
			leases_next(d, c);
		else
			sessions_next(d, c);
		r = send_out(d, c);
		if (r == 1 && c->listing)
			r = want_out(d, c) ? 0 : -1;
	}
	if (r != 0)
		rgd_ctl_close(d, c);
}

/* Queue the answer "RG STATUS\n" + body (o holds the header's place) and
 * start sending it. */
static void answer(struct rgd_daemon *d, struct rgd_ctl_client *c, struct rgd_ctl_out *o,
		   int status)
{
	if (o->truncated) {
		rgd_out_mark_truncated(o);
		status = EXIT_FAIL;
	}
	if (!o->p) { /* no memory even for the header */
		rgd_ctl_close(d, c);
		return;
	}
	o->p[3] = (char)('0' + (status >= 0 && status <= 9 ? status : EXIT_FAIL));
	c->out = rgd_out_take(o, &c->out_len);
	c->out_off = 0;
	c->deadline_ms = rgd_now_ms() + RGD_CTL_DRAIN_MS;
	flush(d, c);
}

static void answer_text(struct rgd_daemon *d, struct rgd_ctl_client *c, int status,
			const char *text)
{
	struct rgd_ctl_out o = { 0 };
	rgd_out_put(&o, "RG 0\n%s", text);
	answer(d, c, &o, status);
}

void rgd_ctl_tick(struct rgd_daemon *d, uint64_t now_ms)
{
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		struct rgd_ctl_client *c = &d->ctl[i];
		if (c->fd < 0 || c->follow || c->follow_raw || now_ms < c->deadline_ms)
			continue;
		rgd_log(LOG_NOTICE, "control client dropped: %s",
			c->out ? "it stopped taking its answer" : "no request line in time");
		rgd_ctl_close(d, c);
	}
}

/* One line to a follower, whole or not at all: a line this short is one
 * socket buffer allocation, which the kernel takes entirely or refuses
 * (EAGAIN); anything else (the client went, a short write that would cut
 * the stream) drops the client. */
static bool follower_send(struct rgd_daemon *d, struct rgd_ctl_client *c, const char *line,
			  size_t n)
{
	ssize_t w = send(c->fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w == (ssize_t)n)
		return true;
	if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	rgd_ctl_close(d, c);
	return false;
}

void rgd_ctl_follower_line(struct rgd_daemon *d, struct rgd_ctl_client *c, const char *line,
			   size_t n)
{
	if (c->lost) {
		/* before the next line that fits: how many did not */
		char l[96];
		int ln = c->follow_raw
				 ? snprintf(l, sizeof(l), "L %llu\n", (unsigned long long)c->lost)
			 : c->json ? snprintf(l, sizeof(l), "{\"event\":\"lost\",\"count\":%llu}\n",
					      (unsigned long long)c->lost)
				   : snprintf(l, sizeof(l),
					      "events lost: %llu (this client did not keep up)\n",
					      (unsigned long long)c->lost);
		if (!follower_send(d, c, l, (size_t)ln)) {
			c->lost++;
			return;
		}
		c->lost = 0;
	}
	if (!follower_send(d, c, line, n) && c->fd >= 0)
		c->lost++;
}

void rgd_ctl_broadcast(struct rgd_daemon *d, const char *text, const char *json)
{
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		struct rgd_ctl_client *c = &d->ctl[i];
		if (c->fd < 0 || !c->follow)
			continue;
		char line[512];
		int n = snprintf(line, sizeof(line), "%s\n", c->json ? json : text);
		if (n >= (int)sizeof(line))
			n = (int)sizeof(line) - 1, line[n - 1] = '\n';
		rgd_ctl_follower_line(d, c, line, (size_t)n);
	}
}

/* ---- commands -------------------------------------------------------------- */

static int cmd_status(struct rgd_daemon *d, bool json, struct rgd_ctl_out *o)
{
	struct rg_info info;
	enum rg_status st = d->card->ops->info(d->card->ctx, &info);
	const struct rgd_proto_stats *s = &d->proto.stats;
	const struct rgd_mapper_stats *m = &d->mapper.stats;
	uint64_t up = (uint64_t)time(NULL) - d->started;
	if (json) {
		put(o, "{\"card\":");
		rgd_out_json_str(o, d->card->name);
		put(o, ",\"config\":");
		rgd_out_json_str(o, d->config_path);
		put(o,
		    ",\"card_status\":\"%s\",\"uptime_s\":%llu,\"epoch\":%u,"
		    "\"leases\":%u,\"reloads\":%llu,\"reload_failures\":%llu,"
		    "\"pcp_requests\":%llu,\"natpmp_requests\":%llu,\"dpm_requests\":%llu,"
		    "\"outside_realm_dropped\":%llu,\"created\":%llu,\"renewed\":%llu,"
		    "\"deleted\":%llu,\"expired\":%llu,\"refused\":%llu,\"card_errors\":%llu,"
		    "\"store_errors\":%llu,\"card_mappings\":%u,\"card_sessions\":%u}\n",
		    rgd_card_status_name(st), (unsigned long long)up, rgd_daemon_epoch(d),
		    d->mapper.leases.count, (unsigned long long)d->reloads,
		    (unsigned long long)d->reload_failures, (unsigned long long)s->pcp_rx,
		    (unsigned long long)s->natpmp_rx, (unsigned long long)s->dpm_rx,
		    (unsigned long long)s->outside_realm, (unsigned long long)m->created,
		    (unsigned long long)m->renewed, (unsigned long long)m->deleted,
		    (unsigned long long)m->expired, (unsigned long long)m->refused,
		    (unsigned long long)m->card_errors, (unsigned long long)m->store_errors,
		    st == RG_ST_OK ? info.mappings_used : 0,
		    st == RG_ST_OK ? info.sessions_used : 0);
	} else {
		put(o, "card        %s (%s)\n", d->card->name, rgd_card_status_name(st));
		put(o, "config      %s (%llu reloads, %llu refused)\n", d->config_path,
		    (unsigned long long)d->reloads, (unsigned long long)d->reload_failures);
		put(o, "uptime      %llu s, PCP epoch %u\n", (unsigned long long)up,
		    rgd_daemon_epoch(d));
		put(o, "leases      %u\n", d->mapper.leases.count);
		put(o, "requests    pcp %llu, nat-pmp %llu, dpm %llu, outside-realm dropped %llu\n",
		    (unsigned long long)s->pcp_rx, (unsigned long long)s->natpmp_rx,
		    (unsigned long long)s->dpm_rx, (unsigned long long)s->outside_realm);
		put(o,
		    "mappings    created %llu, renewed %llu, deleted %llu, expired %llu, "
		    "refused %llu\n",
		    (unsigned long long)m->created, (unsigned long long)m->renewed,
		    (unsigned long long)m->deleted, (unsigned long long)m->expired,
		    (unsigned long long)m->refused);
		if (st == RG_ST_OK)
			put(o, "card tables mappings %u/%u, sessions %u/%u\n", info.mappings_used,
			    info.mappings_max, info.sessions_used, info.sessions_max);
	}
	return st == RG_ST_OK ? EXIT_OK : EXIT_FAIL;
}

static int cmd_pools(struct rgd_daemon *d, bool json, struct rgd_ctl_out *o)
{
	static const char *const modes[] = { "dynamic", "port-block", "deterministic" };
	static const char *const beh[] = { "endpoint-independent", "address-dependent",
					   "address-and-port-dependent" };
	char a[16], b[16];
	if (json)
		put(o, "[");
	for (unsigned i = 0; i < d->cfg.n_pools; i++) {
		const struct rgd_pool_cfg *p = &d->cfg.pools[i];
		const struct rg_pool *k = &p->pool;
		if (json) {
			put(o, "%s{\"id\":%u,\"name\":", i ? "," : "", k->id);
			rgd_out_json_str(o, p->name);
			put(o,
			    ",\"mode\":\"%s\",\"mapping\":\"%s\","
			    "\"filtering\":{\"udp\":\"%s\",\"tcp\":\"%s\",\"icmp\":\"%s\"},"
			    "\"ports\":\"%u-%u\",\"block_size\":%u,\"subscribers\":\"%s/%u\","
			    "\"addresses\":[",
			    modes[k->mode % 3], beh[k->mapping % 3], beh[k->filtering[0] % 3],
			    beh[k->filtering[1] % 3], beh[k->filtering[2] % 3], k->port_lo,
			    k->port_hi, k->block_size, ip(ntohl(k->sub_addr), a), k->sub_plen);
			for (unsigned j = 0; j < p->n_ranges; j++)
				put(o, "%s\"%s-%s\"", j ? "," : "", ip(ntohl(p->ranges[j].lo), a),
				    ip(ntohl(p->ranges[j].hi), b));
			put(o, "]}");
		} else {
			put(o, "pool %u %s: %s, mapping %s, filtering udp %s tcp %s icmp %s\n",
			    k->id, p->name, modes[k->mode % 3], beh[k->mapping % 3],
			    beh[k->filtering[0] % 3], beh[k->filtering[1] % 3],
			    beh[k->filtering[2] % 3]);
			put(o, "  ports %u-%u, block %u, subscribers %s/%u\n", k->port_lo,
			    k->port_hi, k->block_size, ip(ntohl(k->sub_addr), a), k->sub_plen);
			for (unsigned j = 0; j < p->n_ranges; j++)
				put(o, "  addresses %s-%s\n", ip(ntohl(p->ranges[j].lo), a),
				    ip(ntohl(p->ranges[j].hi), b));
		}
	}
	if (json)
		put(o, "]\n");
	return EXIT_OK;
}

static void lease_line(struct rgd_daemon *d, const struct rgd_lease *l, bool json, bool first,
		       struct rgd_ctl_out *o)
{
	char in[16], out[16], rem[16], f[16];
	uint64_t now = (uint64_t)time(NULL);
	long long left = l->expires == UINT64_MAX ? -1
			 : l->expires > now	  ? (long long)(l->expires - now)
						  : 0;
	(void)d;
	if (json) {
		put(o,
		    "%s{\"owner\":\"%s\",\"proto\":\"%s\",\"inside\":\"%s:%u\",\"outside\":\"%s:%"
		    "u\","
		    "\"peer\":",
		    first ? "" : ",", rgd_owner_name(l->owner), proto_name(l->key.proto),
		    ip(l->key.in_addr, in), l->key.in_port, ip(l->out_addr, out), l->out_port);
		if (l->key.peer)
			put(o, "\"%s:%u\"", ip(l->key.rem_addr, rem), l->key.rem_port);
		else
			put(o, "null");
		put(o, ",\"lifetime_left\":%lld,\"filters\":[", left);
		for (unsigned i = 0; i < l->n_filters; i++)
			put(o, "%s\"%s/%u:%u\"", i ? "," : "", ip(ntohl(l->filters[i].addr), f),
			    l->filters[i].plen, ntohs(l->filters[i].port));
		put(o, "]}");
		return;
	}
	put(o, "%-6s %-3s %15s:%-5u -> %15s:%-5u", rgd_owner_name(l->owner),
	    proto_name(l->key.proto), ip(l->key.in_addr, in), l->key.in_port, ip(l->out_addr, out),
	    l->out_port);
	if (l->key.peer)
		put(o, " peer %s:%u", ip(l->key.rem_addr, rem), l->key.rem_port);
	if (left < 0)
		put(o, " static");
	else
		put(o, " %llds", left);
	for (unsigned i = 0; i < l->n_filters; i++)
		put(o, " filter %s/%u:%u", ip(ntohl(l->filters[i].addr), f), l->filters[i].plen,
		    ntohs(l->filters[i].port));
	put(o, "\n");
}

/* What ends a listing of n leases. */
static void leases_end(bool json, uint64_t n, struct rgd_ctl_out *o)
{
	if (json)
		put(o, "]\n");
	else if (!n)
		put(o, "no mappings\n");
}

/* The leases of one inside host that f selects, all at once: a host has
 * few (its quota), and they are found through the host index without
 * looking at anyone else's. */
static void host_leases(struct rgd_daemon *d, const struct rgd_lease_filter *f, bool json,
			uint64_t *n, struct rgd_ctl_out *o)
{
	for (const struct rgd_lease *l = rgd_leases_of_host(&d->mapper.leases, f->in_addr); l;
	     l = l->host_next)
		if (rgd_lease_filter_match(f, l))
			lease_line(d, l, json, (*n)++ == 0, o);
}

/* `mappings [list] [FILTERS]`, argv from the word after "mappings";
 * false (the reason put in o) when the filters are wrong. */
static bool mappings_filter(int argc, char **argv, struct rgd_lease_filter *f,
			    struct rgd_ctl_out *o)
{
	if (argc > 0 && strcmp(argv[0], "list") == 0)
		argc--, argv++;
	char err[160];
	if (rgd_lease_filter_parse(argc, argv, f, err, sizeof(err)) == 0)
		return true;
	put(o, "mappings list: %s\n", err);
	return false;
}

static int cmd_mappings_list(struct rgd_daemon *d, int argc, char **argv, bool json,
			     struct rgd_ctl_out *o)
{
	struct rgd_lease_filter f;
	if (!mappings_filter(argc, argv, &f, o))
		return EXIT_USAGE;
	if (json)
		put(o, "[");
	uint64_t n = 0;
	if (f.what & RGD_LF_IN_ADDR)
		host_leases(d, &f, json, &n, o);
	else
		for (const struct rgd_lease *l = d->mapper.leases.head; l; l = l->next)
			if (rgd_lease_filter_match(&f, l))
				lease_line(d, l, json, n++ == 0, o);
	leases_end(json, n, o);
	return EXIT_OK;
}

/* A streamed listing's next page becomes what the client is sent; false
 * (o freed, nothing to send) when it ran out of memory: no listing the
 * client could trust. */
static bool page_out(struct rgd_ctl_client *c, struct rgd_ctl_out *o)
{
	/* a buffer also for an empty page (put() of nothing allocates none,
	 * and a client without one would be taken for one that asks) */
	rgd_out_reserve(o, 0);
	free(c->out);
	c->out = NULL;
	c->out_off = c->out_len = 0;
	if (o->truncated) {
		rgd_out_free(o);
		return false;
	}
	c->out = rgd_out_take(o, &c->out_len);
	return true;
}

#define LEASES_PAGE 1024u
/* leases looked at per turn when the filter passes few of them */
#define LEASES_SCAN (16u * LEASES_PAGE)

/* Up to LEASES_PAGE more leases of c's walk that its filter passes into o,
 * looking at no more than LEASES_SCAN; false at the end (the walk has then
 * ended). */
static bool leases_page(struct rgd_daemon *d, struct rgd_ctl_client *c, struct rgd_ctl_out *o)
{
	unsigned shown = 0;
	for (unsigned i = 0; i < LEASES_SCAN && shown < LEASES_PAGE && !o->truncated; i++) {
		const struct rgd_lease *l = rgd_leases_iter_next(&d->mapper.leases, &c->lease_it);
		if (!l)
			return false;
		if (!rgd_lease_filter_match(&c->lease_filter, l))
			continue;
		lease_line(d, l, c->json, c->list_total++ == 0, o);
		shown++;
	}
	return true;
}

/* On the socket, `mappings list` is streamed as `sessions` is: a page of
 * leases per turn of the event loop, so a daemon with a million leases
 * neither builds one answer of hundreds of megabytes (the answer's cap
 * would cut it) nor stops serving PCP while it does. Leases that go away
 * meanwhile are not listed (struct rgd_lease_iter); new ones are not
 * either: the listing is of the leases as they were when it began. */
static void leases_start(struct rgd_daemon *d, struct rgd_ctl_client *c, int argc, char **argv,
			 bool json)
{
	struct rgd_ctl_out o = { 0 };
	put(&o, "RG 0\n");
	if (!mappings_filter(argc, argv, &c->lease_filter, &o)) {
		answer(d, c, &o, EXIT_USAGE);
		return;
	}
	if (json)
		put(&o, "[");
	c->json = json;
	c->list_total = 0;
	c->listing_leases = true;
	c->listing = false;
	if (c->lease_filter.what & RGD_LF_IN_ADDR) {
		host_leases(d, &c->lease_filter, json, &c->list_total, &o);
	} else {
		rgd_leases_iter_begin(&d->mapper.leases, &c->lease_it);
		c->listing = leases_page(d, c, &o);
		if (o.truncated && c->listing) { /* answer() reports it; no more pages */
			rgd_leases_iter_end(&d->mapper.leases, &c->lease_it);
			c->listing = false;
		}
	}
	if (!c->listing)
		leases_end(json, c->list_total, &o);
	answer(d, c, &o, EXIT_OK);
}

static void leases_next(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	struct rgd_ctl_out o = { 0 };
	c->listing = leases_page(d, c, &o);
	if (!c->listing)
		leases_end(c->json, c->list_total, &o);
	if (!page_out(c, &o)) {
		if (c->listing)
			rgd_leases_iter_end(&d->mapper.leases, &c->lease_it);
		c->listing = false;
	}
}

/* "a.b.c.d:port" */
static int parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	bool has_port;
	return rgd_parse_endpoint(s, addr, port, &has_port) || !has_port ? -1 : 0;
}

static int cmd_mappings_add(struct rgd_daemon *d, int argc, char **argv, bool json,
			    struct rgd_ctl_out *o)
{
	if (argc < 2) {
		put(o, "usage: mappings add udp|tcp INSIDE-ADDR:PORT [--out PORT] "
		       "[--lifetime SECONDS|static] [--filter ADDR[/LEN][:PORT]]...\n");
		return EXIT_USAGE;
	}
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_CLI;
	int proto = rgd_lease_proto_parse(argv[0]);
	if (proto < 0 || parse_endpoint(argv[1], &p.key.in_addr, &p.key.in_port) ||
	    p.key.in_port == 0) {
		put(o, "mappings add: want udp|tcp and INSIDE-ADDR:PORT, got '%s %s'\n", argv[0],
		    argv[1]);
		return EXIT_USAGE;
	}
	p.key.proto = (uint8_t)proto;
	p.lifetime = UINT32_MAX;
	const char *bad = NULL, *why = NULL;
	for (int i = 2; i < argc && !bad; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--out") && strcmp(opt, "--lifetime") && strcmp(opt, "--filter")) {
			bad = opt, why = "unknown option";
			break;
		}
		if (i + 1 == argc) {
			bad = opt, why = "needs a value";
			break;
		}
		const char *v = argv[++i];
		unsigned long x;
		if (strcmp(opt, "--out") == 0) {
			if (rg_parse_uint(v, 1, 65535, &x)) {
				bad = v, why = "--out is a port 1-65535";
				break;
			}
			p.sugg_port = (uint16_t)x;
			p.prefer_failure = true;
		} else if (strcmp(opt, "--lifetime") == 0) {
			if (strcmp(v, "static") == 0)
				continue;
			/* UINT32_MAX is the lease's "static" */
			if (rg_parse_uint(v, 1, UINT32_MAX - 1, &x)) {
				bad = v, why = "--lifetime is 1-4294967294 seconds or static";
				break;
			}
			p.lifetime = (uint32_t)x;
		} else {
			if (p.n_filters == RG_MAP_MAX_FILTERS) {
				put(o, "mappings add: at most %d filters\n", RG_MAP_MAX_FILTERS);
				return EXIT_USAGE;
			}
			char buf[40];
			unsigned long port = 0;
			struct rgd_prefix pf;
			bad = v, why = "--filter is ADDR[/LEN][:PORT]";
			if (strlen(v) >= sizeof(buf))
				break;
			snprintf(buf, sizeof(buf), "%s", v);
			char *colon = strchr(buf, ':');
			if (colon) {
				*colon = 0;
				if (rg_parse_uint(colon + 1, 0, 65535, &port))
					break;
			}
			if (rgd_parse_prefix(buf, &pf))
				break;
			bad = NULL;
			struct rg_map_filter *f = &p.filters[p.n_filters++];
			f->addr = htonl(pf.addr);
			f->plen = pf.plen;
			f->port = htons((uint16_t)port);
			p.set_filters = true;
		}
	}
	if (bad) {
		put(o, "mappings add: %s: '%s'\n", why, bad);
		return EXIT_USAGE;
	}
	struct rgd_lease l;
	enum rgd_map_status st = rgd_mapper_request(&d->mapper, &p, &l);
	if (st != RGD_MAP_OK) {
		put(o, "mappings add: refused: %s\n", rgd_map_status_name(st));
		return EXIT_FAIL;
	}
	lease_line(d, &l, json, true, o);
	if (json)
		put(o, "\n");
	return EXIT_OK;
}

static int cmd_mappings_del(struct rgd_daemon *d, int argc, char **argv, struct rgd_ctl_out *o)
{
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	int proto = argc == 2 ? rgd_lease_proto_parse(argv[0]) : -1;
	if (proto < 0 || parse_endpoint(argv[1], &p.key.in_addr, &p.key.in_port)) {
		put(o, "usage: mappings del udp|tcp INSIDE-ADDR:PORT\n");
		return EXIT_USAGE;
	}
	p.key.proto = (uint8_t)proto;
	struct rgd_lease *l = rgd_leases_find(&d->mapper.leases, &p.key);
	if (!l) {
		put(o, "mappings del: no such mapping\n");
		return EXIT_NOT_FOUND;
	}
	p.owner = l->owner; /* the operator may remove any protocol's mapping */
	bool existed;
	enum rgd_map_status st = rgd_mapper_delete(&d->mapper, &p, NULL, &existed);
	if (st != RGD_MAP_OK) {
		put(o, "mappings del: %s\n", rgd_map_status_name(st));
		return EXIT_FAIL;
	}
	put(o, "deleted\n");
	return EXIT_OK;
}

#define SESSIONS_PAGE 256u

/* One page of the card's session table from cursor, appended to o as
 * lines (JSON: objects, a comma before all but the first of the listing);
 * *total counts the sessions listed so far, *next is the following page's
 * cursor (0: none). */
static enum rg_status sessions_page(struct rgd_daemon *d, bool json, uint32_t cursor,
				    uint64_t *total, struct rgd_ctl_out *o, uint32_t *next)
{
	static struct rg_session_rec recs[SESSIONS_PAGE];
	uint32_t count = 0;
	char a[16], b[16], c[16];
	*next = 0;
	enum rg_status st = d->card->ops->session_list(d->card->ctx, cursor, NULL, recs,
						       SESSIONS_PAGE, &count, next);
	if (st != RG_ST_OK)
		return st;
	if (count > SESSIONS_PAGE)
		count = SESSIONS_PAGE;
	if (*next && *next <= cursor) {
		/* a cursor that does not advance would stream forever */
		rgd_log(LOG_ERR, "card's session list cursor went from %u to %u: listing ended",
			cursor, *next);
		*next = 0;
	}
	for (uint32_t i = 0; i < count && !o->truncated; i++, (*total)++) {
		const struct rg_session_rec *r = &recs[i];
		if (json)
			put(o,
			    "%s{\"proto\":\"%s\",\"inside\":\"%s:%u\",\"outside\":\"%s:%"
			    "u\","
			    "\"remote\":\"%s:%u\",\"idle_ms\":%u,\"packets\":%llu,"
			    "\"bytes\":%llu}",
			    *total ? "," : "", proto_name(r->proto), ip(ntohl(r->in_addr), a),
			    ntohs(r->in_port), ip(ntohl(r->out_addr), b), ntohs(r->out_port),
			    ip(ntohl(r->rem_addr), c), ntohs(r->rem_port), r->idle_ms,
			    (unsigned long long)r->pkts, (unsigned long long)r->bytes);
		else
			put(o,
			    "%-4s %15s:%-5u -> %15s:%-5u <-> %15s:%-5u idle %ums %llu "
			    "pkts\n",
			    proto_name(r->proto), ip(ntohl(r->in_addr), a), ntohs(r->in_port),
			    ip(ntohl(r->out_addr), b), ntohs(r->out_port),
			    ip(ntohl(r->rem_addr), c), ntohs(r->rem_port), r->idle_ms,
			    (unsigned long long)r->pkts);
	}
	return RG_ST_OK;
}

/* The whole listing in one answer, for callers of rgd_ctl_execute (the
 * socket streams it instead: sessions_start). */
static int cmd_sessions(struct rgd_daemon *d, bool json, struct rgd_ctl_out *o)
{
	uint32_t cursor = 0, next;
	uint64_t total = 0;
	if (json)
		put(o, "[");
	do {
		enum rg_status st = sessions_page(d, json, cursor, &total, o, &next);
		if (st != RG_ST_OK) {
			put(o, "%scard: %s\n", json ? "]\n" : "", rgd_card_status_name(st));
			return EXIT_FAIL;
		}
		cursor = next;
	} while (next && !o->truncated);
	if (json)
		put(o, "]\n");
	return EXIT_OK; /* a truncated listing fails in rgd_ctl_answer */
}

/*
 * On the socket, `sessions` is streamed: the card's table may hold millions
 * of sessions, more than an answer buffer should, and walking it in one go
 * held up the event loop (PCP, NAT-PMP, the card's events) for seconds. The
 * first page decides the status line; each further page is fetched when the
 * one before is sent (flush). A card error after the first page ends the
 * listing with a line saying so — a JSON listing then lacks its closing
 * bracket, so no parser takes it for complete.
 */
static void sessions_start(struct rgd_daemon *d, struct rgd_ctl_client *c, bool json)
{
	struct rgd_ctl_out o = { 0 };
	uint32_t next;
	put(&o, "RG 0\n");
	if (json)
		put(&o, "[");
	c->list_total = 0;
	enum rg_status st = sessions_page(d, json, 0, &c->list_total, &o, &next);
	if (st != RG_ST_OK) {
		rgd_out_free(&o);
		char text[96];
		snprintf(text, sizeof(text), "card: %s\n", rgd_card_status_name(st));
		answer_text(d, c, EXIT_FAIL, text);
		return;
	}
	c->json = json;
	c->listing = next != 0;
	c->list_cursor = next;
	if (!next && json)
		put(&o, "]\n");
	answer(d, c, &o, EXIT_OK);
}

static void sessions_next(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	struct rgd_ctl_out o = { 0 };
	uint32_t next;
	enum rg_status st = sessions_page(d, c->json, c->list_cursor, &c->list_total, &o, &next);
	if (st != RG_ST_OK) {
		put(&o, "%ssessions: card: %s after %llu sessions; the listing is incomplete\n",
		    c->json ? "\n" : "", rgd_card_status_name(st),
		    (unsigned long long)c->list_total);
		next = 0;
	} else if (!next && c->json) {
		put(&o, "]\n");
	}
	if (!page_out(c, &o)) {
		c->listing = false;
		return;
	}
	c->listing = next != 0;
	c->list_cursor = next;
}

#define FWC_NAME(name, text) text,
static const char *const fw_counter_names[] = { RG_FW_COUNTERS(FWC_NAME) };
#undef FWC_NAME

static int cmd_counters(struct rgd_daemon *d, bool json, struct rgd_ctl_out *o)
{
	struct rg_counter_rec recs[64];
	uint32_t count, next;
	bool first = true;
	if (json)
		put(o, "{");
	const uint32_t starts[2] = { 0, RG_FWC_BASE };
	for (int s = 0; s < 2; s++) {
		uint32_t cursor = starts[s];
		uint32_t end = s == 0 ? RG_FWC_BASE : RG_FWC_END;
		do {
			enum rg_status st = d->card->ops->counters(d->card->ctx, cursor, recs, 64,
								   &count, &next);
			if (st != RG_ST_OK) {
				put(o, "%scard: %s\n", json ? "}\n" : "", rgd_card_status_name(st));
				return EXIT_FAIL;
			}
			for (uint32_t i = 0; i < count; i++) {
				uint32_t id = recs[i].id;
				if (id >= end)
					continue;
				char name[32];
				if (id >= RG_FWC_BASE && id < RG_FWC_END)
					snprintf(name, sizeof(name), "%s",
						 fw_counter_names[id - RG_FWC_BASE]);
				else
					snprintf(name, sizeof(name), "fastpath-%u", id);
				if (json)
					put(o, "%s\"%s\":%llu", first ? "" : ",", name,
					    (unsigned long long)recs[i].value);
				else
					put(o, "%-32s %llu\n", name,
					    (unsigned long long)recs[i].value);
				first = false;
			}
			cursor = next;
		} while (next && next < end);
	}
	const struct rgd_proto_stats *ps = &d->proto.stats;
	const char *fmt = json ? ",\"%s\":%llu" : "%-32s %llu\n";
	put(o, fmt, "daemon-pcp-requests", (unsigned long long)ps->pcp_rx);
	put(o, fmt, "daemon-natpmp-requests", (unsigned long long)ps->natpmp_rx);
	put(o, fmt, "daemon-dpm-requests", (unsigned long long)ps->dpm_rx);
	put(o, fmt, "daemon-outside-realm-dropped", (unsigned long long)ps->outside_realm);
	for (int r = 0; r < PCP_RESULT__COUNT; r++) {
		char name[64];
		snprintf(name, sizeof(name), "daemon-pcp-%s", pcp_result_name(r));
		put(o, fmt, name, (unsigned long long)ps->pcp_results[r]);
	}
	if (json)
		put(o, "}\n");
	return EXIT_OK;
}

static int cmd_config_check(struct rgd_daemon *d, int argc, char **argv, struct rgd_ctl_out *o)
{
	static struct rgd_cfg c;
	char err[512];
	const char *path = argc > 0 ? argv[0] : d->config_path;
	if (rgd_config_load(path, &c, err, sizeof(err))) {
		put(o, "%s\n", err);
		return EXIT_FAIL;
	}
	put(o, "%s: ok (%u pools, %u rules)\n", path, c.n_pools, c.n_rules);
	return EXIT_OK;
}

int rgd_ctl_execute(struct rgd_daemon *d, int argc, char **argv, bool json, struct rgd_ctl_out *o)
{
	if (argc == 0) {
		put(o, "commands: status, pools, mappings [list [FILTERS]|add|del], sessions, "
		       "counters, "
		       "events, config check [FILE], reload\n");
		return EXIT_USAGE;
	}
	const char *c = argv[0];
	if (strcmp(c, "status") == 0)
		return cmd_status(d, json, o);
	if (strcmp(c, "pools") == 0)
		return cmd_pools(d, json, o);
	if (strcmp(c, "mappings") == 0) {
		if (argc == 1 || strcmp(argv[1], "list") == 0 || strncmp(argv[1], "--", 2) == 0)
			return cmd_mappings_list(d, argc - 1, argv + 1, json, o);
		if (strcmp(argv[1], "add") == 0)
			return cmd_mappings_add(d, argc - 2, argv + 2, json, o);
		if (strcmp(argv[1], "del") == 0)
			return cmd_mappings_del(d, argc - 2, argv + 2, o);
		put(o, "mappings: list, add or del\n");
		return EXIT_USAGE;
	}
	if (strcmp(c, "sessions") == 0)
		return cmd_sessions(d, json, o);
	if (strcmp(c, "counters") == 0)
		return cmd_counters(d, json, o);
	if (strcmp(c, "config") == 0 && argc >= 2 && strcmp(argv[1], "check") == 0)
		return cmd_config_check(d, argc - 2, argv + 2, o);
	if (strcmp(c, "reload") == 0) {
		char err[512];
		if (rgd_daemon_reload(d, err, sizeof(err))) {
			put(o, "reload refused: %s\n", err);
			return EXIT_FAIL;
		}
		put(o, "reloaded\n");
		return EXIT_OK;
	}
	put(o, "unknown command '%s'\n", c);
	return EXIT_USAGE;
}

void rgd_ctl_event(struct rgd_daemon *d, struct rgd_ctl_client *c, uint32_t events)
{
	if (c->fd < 0)
		return;
	if (c->out) {
		if (events & (EPOLLERR | EPOLLHUP))
			rgd_ctl_close(d, c);
		else if (events & EPOLLOUT)
			flush(d, c);
		return;
	}
	rgd_ctl_input(d, c);
}

void rgd_ctl_input(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		rgd_ctl_close(d, c);
		return;
	}
	if (c->follow || c->follow_raw)
		return; /* a follower has nothing more to say */
	c->len += (size_t)n;
	c->buf[c->len] = 0;
	char *nl = memchr(c->buf, '\n', c->len);
	if (!nl) {
		if (c->len == sizeof(c->buf) - 1) {
			char text[64];
			snprintf(text, sizeof(text), "request longer than %zu bytes\n",
				 sizeof(c->buf) - 2);
			answer_text(d, c, EXIT_USAGE, text);
		}
		return;
	}
	*nl = 0;
	if (strlen(c->buf) != (size_t)(nl - c->buf)) {
		answer_text(d, c, EXIT_USAGE, "request contains a NUL byte\n");
		return;
	}
	char *argv[RGD_CTL_MAX_ARGS + 1];
	int argc = 0;
	char *save = NULL;
	for (char *t = strtok_r(c->buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (argc == RGD_CTL_MAX_ARGS) {
			char text[64];
			snprintf(text, sizeof(text), "more than %d arguments\n", RGD_CTL_MAX_ARGS);
			answer_text(d, c, EXIT_USAGE, text);
			return;
		}
		argv[argc++] = t;
	}
	bool json = argc > 0 && strcmp(argv[0], "--json") == 0;
	if (json) {
		argc--;
		memmove(argv, argv + 1, (size_t)argc * sizeof(argv[0]));
	}
	if (argc == 1 && (strcmp(argv[0], "raw-events") == 0 || strcmp(argv[0], "events") == 0)) {
		static const char ok[] = "RG 0\n";
		if (argv[0][0] == 'r')
			c->follow_raw = true;
		else
			c->follow = true, c->json = json;
		if (send(c->fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) != sizeof(ok) - 1)
			rgd_ctl_close(d, c);
		return;
	}
	if (argc >= 1 && strcmp(argv[0], "mappings") == 0 &&
	    (argc == 1 || strcmp(argv[1], "list") == 0 || strncmp(argv[1], "--", 2) == 0)) {
		leases_start(d, c, argc - 1, argv + 1, json);
		return;
	}
	if (argc == 1 && strcmp(argv[0], "sessions") == 0) {
		c->listing_leases = false;
		sessions_start(d, c, json);
		return;
	}
	struct rgd_ctl_out o = { 0 };
	rgd_out_put(&o, "RG 0\n"); /* the status is written over the 0 */
	int status = argc > 0 && strcmp(argv[0], "raw") == 0
			     ? rgd_ctl_relay(d, argc, argv, &o)
			     : rgd_ctl_execute(d, argc, argv, json, &o);
	answer(d, c, &o, status);
}
