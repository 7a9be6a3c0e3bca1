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

#include "ctl_perm.h"
#include "daemon.h"
#include "log.h"
#include "realmgate/counters.h"

/* exit statuses realmctl passes on (docs/man/realmctl.8) */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_NOT_FOUND = 4 };

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

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

void rgd_ctl_accept(struct rgd_daemon *d)
{
	int fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!rgd_ctl_peer_allowed(fd, d->cfg.control_group)) {
		static const char no[] = "RG 1\nnot allowed: root or the control group only\n";
		if (write(fd, no, sizeof(no) - 1) < 0)
			rgd_log(LOG_DEBUG, "ctl write: %m");
		close(fd);
		return;
	}
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		if (d->ctl[i].fd >= 0)
			continue;
		memset(&d->ctl[i], 0, sizeof(d->ctl[i]));
		d->ctl[i].fd = fd;
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 100 + (uint64_t)i };
		epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
		return;
	}
	close(fd); /* too many clients */
}

void rgd_ctl_close(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EAGAIN) {
			/* a slow reader of a big listing: wait for it briefly */
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void rgd_ctl_broadcast(struct rgd_daemon *d, const char *text, const char *json)
{
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++) {
		struct rgd_ctl_client *c = &d->ctl[i];
		if (c->fd < 0 || !c->follow)
			continue;
		char line[512];
		int n = snprintf(line, sizeof(line), "%s\n", c->json ? json : text);
		if (send(c->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN)
			rgd_ctl_close(d, c);
	}
}

/* ---- commands -------------------------------------------------------------- */

static int cmd_status(struct rgd_daemon *d, bool json, struct out *o)
{
	struct rg_info info;
	enum rg_status st = d->card->ops->info(d->card->ctx, &info);
	const struct rgd_proto_stats *s = &d->proto.stats;
	const struct rgd_mapper_stats *m = &d->mapper.stats;
	uint64_t up = (uint64_t)time(NULL) - d->started;
	if (json) {
		put(o,
		    "{\"card\":\"%s\",\"card_status\":\"%s\",\"uptime_s\":%llu,\"epoch\":%u,"
		    "\"leases\":%u,\"config\":\"%s\",\"reloads\":%llu,\"reload_failures\":%llu,"
		    "\"pcp_requests\":%llu,\"natpmp_requests\":%llu,\"dpm_requests\":%llu,"
		    "\"outside_realm_dropped\":%llu,\"created\":%llu,\"renewed\":%llu,"
		    "\"deleted\":%llu,\"expired\":%llu,\"refused\":%llu,\"card_errors\":%llu,"
		    "\"store_errors\":%llu,\"card_mappings\":%u,\"card_sessions\":%u}\n",
		    d->card->name, rgd_card_status_name(st), (unsigned long long)up,
		    rgd_daemon_epoch(d), d->mapper.leases.count, d->config_path,
		    (unsigned long long)d->reloads, (unsigned long long)d->reload_failures,
		    (unsigned long long)s->pcp_rx, (unsigned long long)s->natpmp_rx,
		    (unsigned long long)s->dpm_rx, (unsigned long long)s->outside_realm,
		    (unsigned long long)m->created, (unsigned long long)m->renewed,
		    (unsigned long long)m->deleted, (unsigned long long)m->expired,
		    (unsigned long long)m->refused, (unsigned long long)m->card_errors,
		    (unsigned long long)m->store_errors, st == RG_ST_OK ? info.mappings_used : 0,
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

static int cmd_pools(struct rgd_daemon *d, bool json, struct out *o)
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
			put(o,
			    "%s{\"id\":%u,\"name\":\"%s\",\"mode\":\"%s\",\"mapping\":\"%s\","
			    "\"filtering\":{\"udp\":\"%s\",\"tcp\":\"%s\",\"icmp\":\"%s\"},"
			    "\"ports\":\"%u-%u\",\"block_size\":%u,\"subscribers\":\"%s/%u\","
			    "\"addresses\":[",
			    i ? "," : "", k->id, p->name, modes[k->mode % 3], beh[k->mapping % 3],
			    beh[k->filtering[0] % 3], beh[k->filtering[1] % 3],
			    beh[k->filtering[2] % 3], k->port_lo, k->port_hi, k->block_size,
			    ip(ntohl(k->sub_addr), a), k->sub_plen);
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
		       struct out *o)
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

static int cmd_mappings_list(struct rgd_daemon *d, bool json, struct out *o)
{
	if (json)
		put(o, "[");
	bool first = true;
	for (const struct rgd_lease *l = d->mapper.leases.head; l; l = l->next) {
		lease_line(d, l, json, first, o);
		first = false;
	}
	if (json)
		put(o, "]\n");
	else if (first)
		put(o, "no mappings\n");
	return EXIT_OK;
}

/* "a.b.c.d:port" */
static int parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[32];
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = 0;
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535 || rgd_parse_addr(buf, addr))
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int parse_proto(const char *s)
{
	return strcmp(s, "udp") == 0 ? 17 : strcmp(s, "tcp") == 0 ? 6 : -1;
}

static int cmd_mappings_add(struct rgd_daemon *d, int argc, char **argv, bool json, struct out *o)
{
	if (argc < 2) {
		put(o, "usage: mappings add udp|tcp INSIDE-ADDR:PORT [--out PORT] "
		       "[--lifetime SECONDS|static] [--filter ADDR[/LEN][:PORT]]...\n");
		return EXIT_USAGE;
	}
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	p.owner = RG_OWNER_CLI;
	int proto = parse_proto(argv[0]);
	if (proto < 0 || parse_endpoint(argv[1], &p.key.in_addr, &p.key.in_port) ||
	    p.key.in_port == 0) {
		put(o, "mappings add: want udp|tcp and INSIDE-ADDR:PORT, got '%s %s'\n", argv[0],
		    argv[1]);
		return EXIT_USAGE;
	}
	p.key.proto = (uint8_t)proto;
	p.lifetime = UINT32_MAX;
	for (int i = 2; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 1 || v > 65535)
				goto bad;
			p.sugg_port = (uint16_t)v;
			p.prefer_failure = true;
		} else if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc) {
			if (strcmp(argv[++i], "static") == 0)
				continue;
			long v = strtol(argv[i], &end, 10);
			if (*end || v < 1)
				goto bad;
			p.lifetime = (uint32_t)v;
		} else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) {
			if (p.n_filters == RG_MAP_MAX_FILTERS) {
				put(o, "at most %d filters\n", RG_MAP_MAX_FILTERS);
				return EXIT_USAGE;
			}
			char buf[40];
			snprintf(buf, sizeof(buf), "%s", argv[++i]);
			long port = 0;
			char *colon = strchr(buf, ':');
			if (colon) {
				*colon = 0;
				port = strtol(colon + 1, &end, 10);
				if (*end || port < 0 || port > 65535)
					goto bad;
			}
			struct rgd_prefix pf;
			if (rgd_parse_prefix(buf, &pf))
				goto bad;
			struct rg_map_filter *f = &p.filters[p.n_filters++];
			f->addr = htonl(pf.addr);
			f->plen = pf.plen;
			f->port = htons((uint16_t)port);
			p.set_filters = true;
		} else {
			goto bad;
		}
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
bad:
	put(o, "mappings add: bad argument near '%s'\n", argv[argc - 1]);
	return EXIT_USAGE;
}

static int cmd_mappings_del(struct rgd_daemon *d, int argc, char **argv, struct out *o)
{
	struct rgd_map_params p;
	memset(&p, 0, sizeof(p));
	int proto = argc == 2 ? parse_proto(argv[0]) : -1;
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

static int cmd_sessions(struct rgd_daemon *d, bool json, struct out *o)
{
	static struct rg_session_rec recs[256];
	uint32_t cursor = 0, count, next, total = 0;
	char a[16], b[16], c[16];
	if (json)
		put(o, "[");
	do {
		enum rg_status st = d->card->ops->session_list(d->card->ctx, cursor, NULL, recs,
							       256, &count, &next);
		if (st != RG_ST_OK) {
			put(o, "%scard: %s\n", json ? "]\n" : "", rgd_card_status_name(st));
			return EXIT_FAIL;
		}
		for (uint32_t i = 0; i < count && o->len + 256 < o->cap; i++, total++) {
			const struct rg_session_rec *r = &recs[i];
			if (json)
				put(o,
				    "%s{\"proto\":\"%s\",\"inside\":\"%s:%u\",\"outside\":\"%s:%"
				    "u\","
				    "\"remote\":\"%s:%u\",\"idle_ms\":%u,\"packets\":%llu,"
				    "\"bytes\":%llu}",
				    total ? "," : "", proto_name(r->proto),
				    ip(ntohl(r->in_addr), a), ntohs(r->in_port),
				    ip(ntohl(r->out_addr), b), ntohs(r->out_port),
				    ip(ntohl(r->rem_addr), c), ntohs(r->rem_port), r->idle_ms,
				    (unsigned long long)r->pkts, (unsigned long long)r->bytes);
			else
				put(o,
				    "%-4s %15s:%-5u -> %15s:%-5u <-> %15s:%-5u idle %ums %llu "
				    "pkts\n",
				    proto_name(r->proto), ip(ntohl(r->in_addr), a),
				    ntohs(r->in_port), ip(ntohl(r->out_addr), b),
				    ntohs(r->out_port), ip(ntohl(r->rem_addr), c),
				    ntohs(r->rem_port), r->idle_ms, (unsigned long long)r->pkts);
		}
		cursor = next;
	} while (next && o->len + 256 < o->cap);
	if (json)
		put(o, "]\n");
	return EXIT_OK;
}

#define FWC_NAME(name, text) text,
static const char *const fw_counter_names[] = { RG_FW_COUNTERS(FWC_NAME) };
#undef FWC_NAME

static int cmd_counters(struct rgd_daemon *d, bool json, struct out *o)
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

static int cmd_config_check(struct rgd_daemon *d, int argc, char **argv, struct out *o)
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

int rgd_ctl_execute(struct rgd_daemon *d, int argc, char **argv, bool json, char *buf,
		    size_t buflen)
{
	struct out o = { buf, 0, buflen };
	buf[0] = 0;
	if (argc == 0) {
		put(&o, "commands: status, pools, mappings [list|add|del], sessions, counters, "
			"events, config check [FILE], reload\n");
		return EXIT_USAGE;
	}
	const char *c = argv[0];
	if (strcmp(c, "status") == 0)
		return cmd_status(d, json, &o);
	if (strcmp(c, "pools") == 0)
		return cmd_pools(d, json, &o);
	if (strcmp(c, "mappings") == 0) {
		if (argc == 1 || strcmp(argv[1], "list") == 0)
			return cmd_mappings_list(d, json, &o);
		if (strcmp(argv[1], "add") == 0)
			return cmd_mappings_add(d, argc - 2, argv + 2, json, &o);
		if (strcmp(argv[1], "del") == 0)
			return cmd_mappings_del(d, argc - 2, argv + 2, &o);
		put(&o, "mappings: list, add or del\n");
		return EXIT_USAGE;
	}
	if (strcmp(c, "sessions") == 0)
		return cmd_sessions(d, json, &o);
	if (strcmp(c, "counters") == 0)
		return cmd_counters(d, json, &o);
	if (strcmp(c, "config") == 0 && argc >= 2 && strcmp(argv[1], "check") == 0)
		return cmd_config_check(d, argc - 2, argv + 2, &o);
	if (strcmp(c, "reload") == 0) {
		char err[512];
		if (rgd_daemon_reload(d, err, sizeof(err))) {
			put(&o, "reload refused: %s\n", err);
			return EXIT_FAIL;
		}
		put(&o, "reloaded\n");
		return EXIT_OK;
	}
	put(&o, "unknown command '%s'\n", c);
	return EXIT_USAGE;
}

void rgd_ctl_input(struct rgd_daemon *d, struct rgd_ctl_client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0) {
		rgd_ctl_close(d, c);
		return;
	}
	if (c->follow)
		return; /* a follower has nothing more to say */
	c->len += (size_t)n;
	c->buf[c->len] = 0;
	char *nl = strchr(c->buf, '\n');
	if (!nl) {
		if (c->len == sizeof(c->buf) - 1)
			rgd_ctl_close(d, c);
		return;
	}
	*nl = 0;
	char *argv[32];
	int argc = 0;
	for (char *t = strtok(c->buf, " "); t && argc < 32; t = strtok(NULL, " "))
		argv[argc++] = t;
	bool json = argc > 0 && strcmp(argv[0], "--json") == 0;
	if (json) {
		argc--;
		memmove(argv, argv + 1, (size_t)argc * sizeof(argv[0]));
	}
	if (argc == 1 && strcmp(argv[0], "raw-events") == 0) {
		c->follow_raw = true;
		static const char ok[] = "RG 0\n";
		write_all(c->fd, ok, sizeof(ok) - 1);
		return;
	}
	if (argc == 1 && strcmp(argv[0], "events") == 0) {
		c->follow = true;
		c->json = json;
		static const char ok[] = "RG 0\n";
		write_all(c->fd, ok, sizeof(ok) - 1);
		return;
	}
	static char out[1 << 20];
	int status = argc > 0 && strcmp(argv[0], "raw") == 0
			     ? rgd_ctl_relay(d, argc, argv, out, sizeof(out))
			     : rgd_ctl_execute(d, argc, argv, json, out, sizeof(out));
	char head[16];
	int hl = snprintf(head, sizeof(head), "RG %d\n", status);
	write_all(c->fd, head, (size_t)hl);
	write_all(c->fd, out, strlen(out));
	rgd_ctl_close(d, c);
}
