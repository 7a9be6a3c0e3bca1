/* SPDX-License-Identifier: BSD-2-Clause */
/* realmgated's event loop; see daemon.h. */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cfg_apply.h"
#include "ctl_perm.h"
#include "hostport.h"
#include "log.h"

#define TICK_MS 250

/* epoll data tags for the fixed descriptors; control clients use their
 * index + RGD_CTL_EPOLL_TAG */
enum { EV_SIG = 1, EV_TIMER, EV_PCP, EV_DPM, EV_CTL, EV_CARD, EV_TAP, EV_HP };
_Static_assert(EV_HP < RGD_CTL_EPOLL_TAG, "control clients' tags are their own");

uint64_t rgd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint32_t rgd_daemon_epoch(void *arg)
{
	struct rgd_daemon *d = arg;
	int64_t e = (int64_t)time(NULL) - d->epoch_base;
	return e < 0 ? 0 : (uint32_t)e;
}

static int udp_socket(uint32_t addr, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	/* unsolicited messages to 224.0.0.1 leave by the inside address */
	struct in_addr ifa = { htonl(addr) };
	unsigned char ttl = 1, loop = 0;
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof(ifa));
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
	return fd;
}

static void send_to(int fd, const void *buf, size_t len, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	if (len && sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		rgd_log(LOG_DEBUG, "sendto %08x:%u: %m", addr, port);
}

static void ep_add(struct rgd_daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
	if (fd >= 0 && epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev))
		rgd_log(LOG_ERR, "epoll_ctl: %m");
}

static void lease_hook(void *arg, const struct rgd_lease *l, const char *what)
{
	struct rgd_daemon *d = arg;
	char text[256], json[384], in[16], out[16], rem[16];
	struct in_addr a;
	a.s_addr = htonl(l->key.in_addr);
	inet_ntop(AF_INET, &a, in, sizeof(in));
	a.s_addr = htonl(l->out_addr);
	inet_ntop(AF_INET, &a, out, sizeof(out));
	a.s_addr = htonl(l->key.rem_addr);
	inet_ntop(AF_INET, &a, rem, sizeof(rem));
	const char *proto = l->key.proto == 6 ? "tcp" : "udp";
	snprintf(text, sizeof(text), "lease-%s %s %s %s:%u -> %s:%u%s%s%s lifetime %u", what,
		 rgd_owner_name(l->owner), proto, in, l->key.in_port, out, l->out_port,
		 l->key.peer ? " peer " : "", l->key.peer ? rem : "", "", l->lifetime);
	if (l->key.peer)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " (peer port %u)",
			 l->key.rem_port);
	snprintf(json, sizeof(json),
		 "{\"event\":\"lease-%s\",\"owner\":\"%s\",\"proto\":\"%s\",\"inside\":\"%s:%u\","
		 "\"outside\":\"%s:%u\",\"peer\":%s%s%s,\"lifetime\":%u}",
		 what, rgd_owner_name(l->owner), proto, in, l->key.in_port, out, l->out_port,
		 l->key.peer ? "\"" : "null", l->key.peer ? rem : "", l->key.peer ? "\"" : "",
		 l->lifetime);
	rgd_log(LOG_INFO, "%s", text);
	rgd_ctl_broadcast(d, text, json);
}

void rgd_daemon_announce(struct rgd_daemon *d)
{
	if (!d->cfg.announce)
		return;
	d->announce_left = 10;
	d->announce_next_ms = rgd_now_ms();
	d->announce_gap_ms = 250;
}

/* One announcement to each client of a PCP or NAT-PMP lease other than
 * `to` (the group), each client once: its leases' addresses sorted, so
 * that a restart with a million leases takes a sort, not a walk of the
 * leases for every lease. The first lease of a client in list order
 * decides which protocol it hears (as before the sort: stable on ties). */
struct announce_to {
	uint32_t client;
	uint32_t order;
	const struct rgd_lease *lease;
};

static int announce_cmp(const void *a, const void *b)
{
	const struct announce_to *x = a, *y = b;
	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void announce_clients(struct rgd_daemon *d, uint32_t to)
{
	uint8_t buf[RGD_PROTO_MAX_RSP];
	unsigned n = 0;
	struct announce_to *v = malloc((d->mapper.leases.count + 1) * sizeof(*v));
	if (!v) {
		rgd_log(LOG_WARNING, "announcement to each client skipped: out of memory");
		return;
	}
	for (const struct rgd_lease *l = d->mapper.leases.head; l && n < d->mapper.leases.count;
	     l = l->next, n++)
		v[n] = (struct announce_to){ l->client_addr, n, l };
	qsort(v, n, sizeof(*v), announce_cmp);
	for (unsigned i = 0; i < n; i++) {
		const struct rgd_lease *l = v[i].lease;
		if ((i && v[i - 1].client == v[i].client) || l->client_addr == to)
			continue;
		if (l->owner == RG_OWNER_PCP && d->cfg.pcp_enabled)
			send_to(d->pcp_fd, buf, rgd_pcp_announce(&d->proto, buf), l->client_addr,
				d->cfg.announce_port);
		else if (l->owner == RG_OWNER_NATPMP && d->cfg.natpmp_enabled)
			send_to(d->pcp_fd, buf,
				rgd_natpmp_announce(
					&d->proto,
					rgd_mapper_public_addr(&d->mapper, l->key.in_addr), buf),
				l->client_addr, d->cfg.announce_port);
	}
	free(v);
}

static void announce_step(struct rgd_daemon *d)
{
	if (!d->announce_left || rgd_now_ms() < d->announce_next_ms || d->pcp_fd < 0)
		return;
	uint8_t buf[RGD_PROTO_MAX_RSP];
	uint32_t to = d->cfg.announce_group;
	if (d->cfg.pcp_enabled)
		send_to(d->pcp_fd, buf, rgd_pcp_announce(&d->proto, buf), to, d->cfg.announce_port);
	if (d->cfg.natpmp_enabled) {
		uint32_t pub = rgd_mapper_public_addr(&d->mapper, 0);
		send_to(d->pcp_fd, buf, rgd_natpmp_announce(&d->proto, pub, buf), to,
			d->cfg.announce_port);
	}
	/* and to every client we hold leases for, directly: multicast may not
	 * reach them (a card need not forward the host's multicast) */
	announce_clients(d, to);
	d->announce_left--;
	d->announce_next_ms += d->announce_gap_ms;
	d->announce_gap_ms *= 2;
}

/* Tell the requesters of moved leases where their mappings are now. */
static void tell_moved(struct rgd_daemon *d)
{
	uint8_t buf[RGD_PROTO_MAX_RSP];
	for (const struct rgd_lease *l = d->mapper.leases.head; l; l = l->next)
		if (l->owner == RG_OWNER_PCP && d->pcp_fd >= 0)
			send_to(d->pcp_fd, buf, rgd_pcp_unsolicited(&d->proto, l, buf),
				l->client_addr, l->client_port);
}

static void reset_epoch(struct rgd_daemon *d)
{
	d->epoch_base = (int64_t)time(NULL);
	if (d->store)
		rgd_store_meta_set(d->store, "epoch_base", d->epoch_base);
}

static void card_events(struct rgd_daemon *d);

/* The host port as a TAP with the inside address. Frames from the card
 * arrive with the card's interrupt; a card without interrupts is polled
 * every millisecond. */
static int open_hostport(struct rgd_daemon *d)
{
	const struct rgd_cfg *c = &d->cfg;
	if (!c->host_tap[0])
		return 0;
	if (!d->card->ops->hp_send) {
		rgd_log(LOG_ERR, "host_tap %s: this card has no host port", c->host_tap);
		return -1;
	}
	char err[256];
	d->tap_fd =
		rgd_hostport_open(c->host_tap, ntohl(c->card_cfg.inside_addr),
				  c->card_cfg.inside_plen, c->card_cfg.mtu[0], err, sizeof(err));
	if (d->tap_fd < 0) {
		rgd_log(LOG_ERR, "host port: %s", err);
		return -1;
	}
	if (d->card->ops->event_fd(d->card->ctx) >= 0)
		return 0;
	d->hp_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its = { { 0, 1000000L }, { 0, 1000000L } };
	if (d->hp_timerfd < 0 || timerfd_settime(d->hp_timerfd, 0, &its, NULL))
		return -1;
	return 0;
}

/* What the card has for the host: host-port frames and events. */
static void card_work(struct rgd_daemon *d)
{
	if (d->tap_fd >= 0)
		rgd_hostport_to_tap(d->tap_fd, d->card);
	card_events(d);
}

static void hostport_poll(struct rgd_daemon *d)
{
	uint64_t x;
	if (read(d->hp_timerfd, &x, sizeof(x)) < 0)
		return;
	card_work(d);
}

static int open_sockets(struct rgd_daemon *d)
{
	const struct rgd_cfg *c = &d->cfg;
	d->pcp_fd = d->dpm_fd = -1;
	if (c->pcp_enabled || c->natpmp_enabled) {
		d->pcp_fd = udp_socket(c->listen_addr, c->pcp_port);
		if (d->pcp_fd < 0) {
			rgd_log(LOG_ERR, "PCP/NAT-PMP socket on port %u: %m", c->pcp_port);
			return -1;
		}
	}
	if (c->dpm_enabled) {
		d->dpm_fd = udp_socket(c->listen_addr, c->dpm_port);
		if (d->dpm_fd < 0) {
			rgd_log(LOG_ERR, "DPM socket on port %u: %m", c->dpm_port);
			return -1;
		}
	}
	return 0;
}

int rgd_daemon_start(struct rgd_daemon *d, const char *config_path, const struct rgd_cfg *cfg,
		     struct rgd_card *card)
{
	memset(d, 0, sizeof(*d));
	d->epfd = d->sigfd = d->timerfd = d->pcp_fd = d->dpm_fd = d->ctl_fd = -1;
	d->tap_fd = d->hp_timerfd = -1;
	d->natlog.ipfix.fd = -1;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		d->ctl[i].fd = -1;
	snprintf(d->config_path, sizeof(d->config_path), "%s", config_path);
	d->cfg = *cfg;
	d->card = card;
	d->started = (uint64_t)time(NULL);
	char err[512];
	d->store = rgd_store_open(d->cfg.state_db, err, sizeof(err));
	if (!d->store) {
		rgd_log(LOG_ERR, "state database: %s", err);
		return -1;
	}
	if (rgd_mapper_init(&d->mapper, card, d->store, &d->cfg))
		return -1;
	d->mapper.hook = lease_hook;
	d->mapper.hook_arg = d;
	d->proto.mapper = &d->mapper;
	d->proto.cfg = &d->cfg;
	d->proto.epoch = rgd_daemon_epoch;
	d->proto.epoch_arg = d;
	/* every card event: the daemon reacts to resets and relays all of
	 * them to `realmctl events` followers */
	if (card->ops->event_mask(card->ctx, (1u << RG_EVT__COUNT) - 1) != RG_ST_OK)
		rgd_log(LOG_WARNING, "card refused the event subscription");
	int nr = rgd_store_rules_load(d->store, d->runtime_rules, RGD_MAX_RUNTIME_RULES);
	d->n_runtime_rules = nr > 0 ? (unsigned)nr : 0;
	if (rgd_cfg_apply(card, &d->cfg, NULL, d->runtime_rules, d->n_runtime_rules, err,
			  sizeof(err))) {
		rgd_log(LOG_ERR, "configuring the card: %s", err);
		return -1;
	}
	if (rgd_natlog_open(&d->natlog, &d->cfg, err, sizeof(err))) {
		rgd_log(LOG_ERR, "NAT logging: %s", err);
		return -1;
	}
	/* the epoch goes on from the stored base when the leases come back
	 * unchanged, so clients see no loss of state (RFC 6887 8.5) */
	int64_t base;
	bool had_base = rgd_store_meta_get(d->store, "epoch_base", &base) == 0;
	unsigned moved = 0;
	if (rgd_mapper_restore(&d->mapper, &moved)) {
		rgd_log(LOG_ERR, "restoring leases: %s", rgd_store_error(d->store));
		return -1;
	}
	if (had_base && moved == 0)
		d->epoch_base = base;
	else
		reset_epoch(d);
	rgd_log(LOG_NOTICE, "%u leases restored (%u moved), epoch %u", d->mapper.leases.count,
		moved, rgd_daemon_epoch(d));

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its = { { 0, TICK_MS * 1000000L }, { 0, TICK_MS * 1000000L } };
	timerfd_settime(d->timerfd, 0, &its, NULL);
	if (d->epfd < 0 || d->sigfd < 0 || d->timerfd < 0 || open_hostport(d) || open_sockets(d) ||
	    rgd_ctl_open(d))
		return -1;
	ep_add(d, d->sigfd, EV_SIG);
	ep_add(d, d->timerfd, EV_TIMER);
	ep_add(d, d->pcp_fd, EV_PCP);
	ep_add(d, d->dpm_fd, EV_DPM);
	ep_add(d, d->ctl_fd, EV_CTL);
	ep_add(d, card->ops->event_fd(card->ctx), EV_CARD);
	ep_add(d, d->tap_fd, EV_TAP);
	ep_add(d, d->hp_timerfd, EV_HP);
	/* after a restart clients learn (by the epoch) whether to renew;
	 * clients of moved leases get their new endpoint directly */
	rgd_daemon_announce(d);
	if (moved)
		tell_moved(d);
	return 0;
}

int rgd_daemon_reload(struct rgd_daemon *d, char *err, size_t errlen)
{
	static struct rgd_cfg next, old;
	if (rgd_config_load(d->config_path, &next, err, errlen)) {
		d->reload_failures++;
		return -1;
	}
	if (next.listen_addr != d->cfg.listen_addr || next.pcp_port != d->cfg.pcp_port ||
	    next.dpm_port != d->cfg.dpm_port || next.pcp_enabled != d->cfg.pcp_enabled ||
	    next.natpmp_enabled != d->cfg.natpmp_enabled ||
	    next.dpm_enabled != d->cfg.dpm_enabled || strcmp(next.state_db, d->cfg.state_db) ||
	    strcmp(next.card, d->cfg.card) || strcmp(next.control_socket, d->cfg.control_socket) ||
	    strcmp(next.host_tap, d->cfg.host_tap)) {
		/* the sockets, the TAP, the database and the card are opened
		 * once, at start */
		snprintf(err, errlen,
			 "listen address, ports, card, host_tap, state_db or control_socket "
			 "changed: these need a restart");
		d->reload_failures++;
		return -1;
	}
	bool regroup = d->ctl_fd >= 0 && strcmp(next.control_group, d->cfg.control_group);
	if (regroup && rgd_ctl_perm_apply(d->cfg.control_socket, next.control_group, err, errlen)) {
		d->reload_failures++;
		return -1;
	}
	if (rgd_cfg_apply(d->card, &next, &d->cfg, d->runtime_rules, d->n_runtime_rules, err,
			  errlen)) {
		/* put back what the old configuration said */
		char e2[256];
		rgd_cfg_apply(d->card, &d->cfg, &next, d->runtime_rules, d->n_runtime_rules, e2,
			      sizeof(e2));
		if (regroup)
			rgd_ctl_perm_apply(d->cfg.control_socket, d->cfg.control_group, e2,
					   sizeof(e2));
		d->reload_failures++;
		return -1;
	}
	old = d->cfg;
	d->cfg = next;
	unsigned moved = rgd_mapper_revalidate(&d->mapper);
	if (moved || old.card_cfg.outside_addr != next.card_cfg.outside_addr) {
		/* an outside address went away: state as clients knew it is
		 * gone, so a new epoch, an ANNOUNCE and the new endpoints */
		reset_epoch(d);
		rgd_daemon_announce(d);
		tell_moved(d);
	}
	if (rgd_natlog_reconfigure(&d->natlog, err, errlen))
		rgd_log(LOG_ERR, "NAT logging after the reload: %s", err);
	d->reloads++;
	rgd_log(LOG_NOTICE, "configuration reloaded (%u leases moved)", moved);
	return 0;
}

static void serve_udp(struct rgd_daemon *d, int fd, bool dpm)
{
	uint8_t req[PCP_MAX_LEN + 64], rsp[RGD_PROTO_MAX_RSP];
	for (int i = 0; i < 64; i++) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		ssize_t n = recvfrom(fd, req, sizeof(req), MSG_TRUNC, (struct sockaddr *)&sa, &sl);
		if (n < 0)
			return;
		size_t len = (size_t)n > sizeof(req) ? sizeof(req) : (size_t)n;
		uint32_t src = ntohl(sa.sin_addr.s_addr);
		uint16_t sport = ntohs(sa.sin_port);
		size_t r = dpm ? rgd_dpm_handle(&d->proto, req, len, src, sport, rsp)
			       : rgd_port5351_handle(&d->proto, req, len, src, sport, rsp);
		if (r)
			sendto(fd, rsp, r, 0, (struct sockaddr *)&sa, sl);
	}
}

static void card_events(struct rgd_daemon *d)
{
	struct rg_evt e;
	int n = 0;
	uint64_t now_ms = 0; /* read once, when the first event is there */
	while (n++ < 256 && d->card->ops->event_next(d->card->ctx, &e) == 1) {
		if (!now_ms)
			now_ms = rgd_natlog_now_ms();
		rgd_natlog_event(&d->natlog, &e, now_ms);
		const char *name = rgd_event_type_name(e.type);
		/* what the event says, as the NAT log puts it (addresses, ports,
		 * names: nothing JSON escapes) */
		char fields[192], text[256], json[320];
		if (!rgd_natlog_fields(&e, d->cfg.card_cfg.flags & RG_CFG_LOG_DEST, fields,
				       sizeof(fields)))
			fields[0] = 0;
		snprintf(text, sizeof(text), "card %s seq %u%s%s", name, e.seq,
			 fields[0] ? " " : "", fields);
		snprintf(json, sizeof(json),
			 "{\"event\":\"card\",\"type\":\"%s\",\"seq\":%u,\"detail\":\"%s\"}", name,
			 e.seq, fields);
		rgd_ctl_broadcast(d, text, json);
		rgd_ctl_raw_event(d, &e);
		if (e.type == RG_EVT_CARD_RESET) {
			/* the card forgot everything: put it all back */
			char err[256];
			unsigned moved;
			rgd_log(LOG_WARNING, "card reset: re-applying configuration and leases");
			if (rgd_cfg_apply(d->card, &d->cfg, NULL, d->runtime_rules,
					  d->n_runtime_rules, err, sizeof(err)))
				rgd_log(LOG_ERR, "re-applying configuration: %s", err);
			rgd_mapper_restore(&d->mapper, &moved);
			if (moved) {
				reset_epoch(d);
				rgd_daemon_announce(d);
				tell_moved(d);
			}
		}
	}
	/* one IPFIX message per batch of events */
	if (now_ms)
		rgd_natlog_flush(&d->natlog, now_ms);
}

static void tick(struct rgd_daemon *d)
{
	uint64_t x;
	if (read(d->timerfd, &x, sizeof(x)) < 0)
		return;
	rgd_mapper_expire(&d->mapper);
	rgd_ctl_tick(d, rgd_now_ms());
	announce_step(d);
	rgd_natlog_tick(&d->natlog, rgd_natlog_now_ms());
	if (d->card->ops->event_fd(d->card->ctx) < 0)
		card_events(d);
}

static void on_signal(struct rgd_daemon *d)
{
	struct signalfd_siginfo si;
	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char err[512];
			if (rgd_daemon_reload(d, err, sizeof(err)))
				rgd_log(LOG_ERR, "reload refused, old configuration kept: %s", err);
		} else {
			rgd_log(LOG_NOTICE, "signal %u: stopping", si.ssi_signo);
			d->stop = true;
		}
	}
}

int rgd_daemon_run(struct rgd_daemon *d)
{
	struct epoll_event evs[32];
	int card_fd = d->card->ops->event_fd(d->card->ctx);
	while (!d->stop) {
		int timeout = 1000;
		/* the card interrupts only when asked before each sleep; what
		 * came before the ask is taken now */
		if (card_fd >= 0 && d->card->ops->arm(d->card->ctx)) {
			card_work(d);
			timeout = 0;
		}
		int n = epoll_wait(d->epfd, evs, 32, timeout);
		if (n < 0 && errno != EINTR) {
			rgd_log(LOG_ERR, "epoll_wait: %m");
			return -1;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			switch (tag) {
			case EV_SIG:
				on_signal(d);
				break;
			case EV_TIMER:
				tick(d);
				break;
			case EV_PCP:
				serve_udp(d, d->pcp_fd, false);
				break;
			case EV_DPM:
				serve_udp(d, d->dpm_fd, true);
				break;
			case EV_CTL:
				rgd_ctl_accept(d);
				break;
			case EV_CARD:
				card_work(d);
				break;
			case EV_TAP:
				rgd_hostport_from_tap(d->tap_fd, d->card);
				break;
			case EV_HP:
				hostport_poll(d);
				break;
			default:
				if (tag >= RGD_CTL_EPOLL_TAG &&
				    tag < RGD_CTL_EPOLL_TAG + RGD_MAX_CTL_CLIENTS)
					rgd_ctl_event(d, &d->ctl[tag - RGD_CTL_EPOLL_TAG],
						      evs[i].events);
			}
		}
	}
	return 0;
}

void rgd_daemon_stop(struct rgd_daemon *d)
{
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		if (d->ctl[i].fd >= 0)
			rgd_ctl_close(d, &d->ctl[i]);
	int fds[] = { d->epfd,	 d->sigfd,  d->timerfd, d->pcp_fd,
		      d->dpm_fd, d->ctl_fd, d->tap_fd,	d->hp_timerfd };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (d->ctl_fd >= 0)
		unlink(d->cfg.control_socket);
	rgd_natlog_close(&d->natlog);
	rgd_mapper_free(&d->mapper);
	rgd_store_close(d->store);
	d->store = NULL;
}
