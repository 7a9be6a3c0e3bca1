/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: sessions, counters, mapping (listings read through fetch.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../driver/rgdev.h"
#include "../lib/parse_num.h"
#include "ctl.h"
#include "fetch.h"
#include "parse.h"

/* The session record's state is the firmware's own enum (mailbox.h says
 * so); these names follow firmware/slowpath/fw_internal.h (enum
 * fw_sess_state). Unknown values are shown as numbers. */
static const char *session_state(uint8_t st)
{
	static const char *const names[] = { "free",	 "udp",		"icmp",	   "syn-out",
					     "syn-in",	 "established", "fin-out", "fin-in",
					     "fin-both", "closed" };
	return st < sizeof(names) / sizeof(names[0]) ? names[st] : NULL;
}

/* An endpoint option, ADDR or ADDR:PORT (port 0 = any), into the filter's
 * fields for that end. */
static int parse_ep_filter(const char *s, struct rg_session_filter *f, unsigned addr_bit,
			   rg_be32 *addr, rg_be16 *port)
{
	*port = 0;
	if (strchr(s, ':') ? parse_endpoint(s, addr, port) : parse_ipv4(s, addr))
		return -1;
	f->match |= (uint8_t)(addr_bit | (*port ? addr_bit << 1 : 0));
	return 0;
}

/* Which sessions to show: an operator asks "who had this outside port" or
 * "what is this host doing" of a table of millions; the card selects them
 * (RG_FEAT_SESSION_FILTER) and realmctl checks each record again with the
 * contract's match, which is also how cards without the feature are
 * filtered. */
static int session_wanted(const void *filter, const void *record)
{
	return rg_session_filter_match(filter, record);
}

#define SESSIONS_USAGE                                                              \
	"usage: realmctl sessions [--limit N] [--sort bytes|packets|idle]\n"        \
	"                         [--proto P] [--inside ADDR[:PORT]]\n"             \
	"                         [--outside ADDR[:PORT]] [--remote ADDR[:PORT]]\n" \
	"       realmctl sessions clear [--proto P] [--inside ADDR[:PORT]]\n"       \
	"                         [--outside ADDR[:PORT]] [--remote ADDR[:PORT]] | --all\n"

/* What --sort orders the listing by: the busiest sessions first (bytes,
 * packets) or the most recently active (idle). */
enum session_sort { SORT_NONE, SORT_BYTES, SORT_PACKETS, SORT_IDLE };

static enum session_sort sort_by; /* qsort's comparator takes no argument */

static int session_cmp(const void *pa, const void *pb)
{
	const struct rg_session_rec *a = pa, *b = pb;
	uint64_t x = sort_by == SORT_BYTES     ? b->bytes
		     : sort_by == SORT_PACKETS ? b->pkts
					       : a->idle_ms;
	uint64_t y = sort_by == SORT_BYTES     ? a->bytes
		     : sort_by == SORT_PACKETS ? a->pkts
					       : b->idle_ms;
	if (x != y)
		return x < y ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index; /* the same order every time */
}

/* One option of `sessions` with its value; -1 when either is wrong. */
static int session_option(struct rg_session_filter *f, uint32_t *limit, enum session_sort *sort,
			  const char *opt, const char *val)
{
	if (!strcmp(opt, "--sort")) {
		*sort = !strcmp(val, "bytes")	  ? SORT_BYTES
			: !strcmp(val, "packets") ? SORT_PACKETS
			: !strcmp(val, "idle")	  ? SORT_IDLE
						  : SORT_NONE;
		return *sort == SORT_NONE ? -1 : 0;
	}
	if (!strcmp(opt, "--limit")) {
		unsigned long v;
		if (rg_parse_uint(val, 0, UINT32_MAX, &v))
			return -1;
		*limit = (uint32_t)v;
		return 0;
	}
	if (!strcmp(opt, "--proto")) {
		int p = parse_proto(val);
		if (p < 0)
			return -1;
		f->proto = (uint8_t)p;
		f->match |= RG_SF_PROTO;
		return 0;
	}
	if (!strcmp(opt, "--inside"))
		return parse_ep_filter(val, f, RG_SF_IN_ADDR, &f->in_addr, &f->in_port);
	if (!strcmp(opt, "--outside"))
		return parse_ep_filter(val, f, RG_SF_OUT_ADDR, &f->out_addr, &f->out_port);
	if (!strcmp(opt, "--remote"))
		return parse_ep_filter(val, f, RG_SF_REM_ADDR, &f->rem_addr, &f->rem_port);
	return -1;
}

/*
 * `sessions clear`: delete the sessions the filter selects. Each deletion
 * names the session as it was listed (struct rg_session_del_req), so one
 * that ended in the meantime, and whatever session took its index since,
 * is left alone and counted as ended.
 */
static int sessions_clear(struct ctl *c, const struct rg_session_filter *f)
{
	struct rg_session_rec *s;
	uint32_t n, cleared = 0, ended = 0;
	if (fetch_matching(c, "sessions clear", RG_OP_SESSION_LIST, sizeof(*s), 0,
			   f->match ? session_wanted : NULL, f, f->match ? f : NULL, (void **)&s,
			   &n))
		return CTL_FAIL;
	for (uint32_t i = 0; i < n; i++) {
		struct rg_session_del_req q;
		memset(&q, 0, sizeof(q));
		q.index = s[i].index;
		q.expect.match = RG_SF_ALL;
		q.expect.proto = s[i].proto;
		q.expect.in_addr = s[i].in_addr;
		q.expect.in_port = s[i].in_port;
		q.expect.out_addr = s[i].out_addr;
		q.expect.out_port = s[i].out_port;
		q.expect.rem_addr = s[i].rem_addr;
		q.expect.rem_port = s[i].rem_port;
		enum rg_status st = c->be->cmd(c->be, RG_OP_SESSION_DEL, &q, sizeof(q), NULL, 0,
					       NULL, NULL, 0, NULL);
		if (st == RG_ST_OK) {
			cleared++;
		} else if (st == RG_ST_NOT_FOUND) {
			ended++;
		} else {
			fprintf(stderr, "realmctl: sessions clear: %s (%u cleared)\n",
				st >= RG_ST_TIMEOUT ? c->be->error(c->be) : rg_status_name(st),
				cleared);
			free(s);
			return CTL_FAIL;
		}
	}
	free(s);
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "cleared", cleared);
		json_u64(&j, "ended", ended);
		json_obj_end(&j);
		json_end(&j);
	} else if (ended) {
		printf("%u session(s) cleared, %u ended before they could be\n", cleared, ended);
	} else {
		printf("%u session(s) cleared\n", cleared);
	}
	return CTL_OK;
}

int cmd_sessions(struct ctl *c, int argc, char **argv)
{
	uint32_t limit = 0;
	enum session_sort sort = SORT_NONE;
	struct rg_session_filter f;
	memset(&f, 0, sizeof(f));
	int clear = argc > 1 && !strcmp(argv[1], "clear"), all = 0;
	for (int i = 1 + clear; i < argc; i += 2) {
		if (clear && !strcmp(argv[i], "--all")) {
			all = 1;
			i--; /* a flag without a value */
			continue;
		}
		if (i + 1 >= argc ||
		    (clear && (!strcmp(argv[i], "--limit") || !strcmp(argv[i], "--sort"))) ||
		    session_option(&f, &limit, &sort, argv[i], argv[i + 1])) {
			fprintf(stderr, "realmctl: sessions: bad option %s%s%s\n" SESSIONS_USAGE,
				argv[i], i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
			return CTL_USAGE;
		}
	}
	/* clearing a CGN's whole table is never what a missing filter meant */
	if (clear && !all == !f.match) {
		fprintf(stderr, "realmctl: sessions clear: %s\n" SESSIONS_USAGE,
			all ? "--all or filters, not both"
			    : "give filters, or --all for every session");
		return CTL_USAGE;
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	if (clear)
		return sessions_clear(c, &f);
	struct rg_session_rec *s;
	uint32_t n;
	/* with a filter the table is read until the limit counts matches;
	 * sorted, all of it is read and the limit keeps the first ones */
	if (fetch_matching(c, "sessions", RG_OP_SESSION_LIST, sizeof(*s), sort ? 0 : limit,
			   f.match ? session_wanted : NULL, &f, f.match ? &f : NULL, (void **)&s,
			   &n))
		return CTL_FAIL;
	if (sort) {
		sort_by = sort;
		qsort(s, n, sizeof(*s), session_cmp);
		if (limit && n > limit)
			n = limit;
	}
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "sessions");
	} else
		printf("%-5s %-21s %-21s %-21s %-11s %8s %10s %12s\n", "proto", "inside", "outside",
		       "remote", "state", "idle-ms", "packets", "bytes");
	for (uint32_t i = 0; i < n; i++) {
		char a[3][INET_ADDRSTRLEN_], ep[3][32], pb[8], sb[8];
		ipv4_str(s[i].in_addr, a[0]);
		ipv4_str(s[i].out_addr, a[1]);
		ipv4_str(s[i].rem_addr, a[2]);
		const char *proto = proto_name(s[i].proto, pb, sizeof(pb));
		const char *state = session_state(s[i].state);
		if (!state) {
			snprintf(sb, sizeof(sb), "%u", s[i].state);
			state = sb;
		}
		if (c->json) {
			json_obj_begin(&j, NULL);
			json_u64(&j, "index", s[i].index);
			json_str(&j, "proto", proto);
			json_str(&j, "inside", a[0]);
			json_u64(&j, "inside_port", ntohs(s[i].in_port));
			json_str(&j, "outside", a[1]);
			json_u64(&j, "outside_port", ntohs(s[i].out_port));
			json_str(&j, "remote", a[2]);
			json_u64(&j, "remote_port", ntohs(s[i].rem_port));
			json_str(&j, "state", state);
			json_u64(&j, "idle_ms", s[i].idle_ms);
			json_u64(&j, "expires_in_s", s[i].expires_in_s);
			json_u64(&j, "packets", s[i].pkts);
			json_u64(&j, "bytes", s[i].bytes);
			json_obj_end(&j);
			continue;
		}
		snprintf(ep[0], sizeof(ep[0]), "%s:%u", a[0], ntohs(s[i].in_port));
		snprintf(ep[1], sizeof(ep[1]), "%s:%u", a[1], ntohs(s[i].out_port));
		snprintf(ep[2], sizeof(ep[2]), "%s:%u", a[2], ntohs(s[i].rem_port));
		printf("%-5s %-21s %-21s %-21s %-11s %8u %10llu %12llu\n", proto, ep[0], ep[1],
		       ep[2], state, s[i].idle_ms, (unsigned long long)s[i].pkts,
		       (unsigned long long)s[i].bytes);
	}
	if (c->json) {
		json_list_end(&j, n);
	} else
		printf("%u session(s)\n", n);
	free(s);
	return CTL_OK;
}

/* A counter is shown when no NAME was given or its name contains one. */
static bool counter_selected(const char *name, char **names, int n_names)
{
	for (int i = 0; i < n_names; i++)
		if (strstr(name, names[i]))
			return true;
	return n_names == 0;
}

static const struct rg_counter_rec *counter_find(const struct rg_counter_rec *r, uint32_t n,
						 uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (r[i].id == id)
			return &r[i];
	return NULL;
}

/*
 * realmctl counters [--all] [--rate SECONDS] [NAME...]: the card's counters
 * (non-zero ones unless --all), those whose name contains a NAME; with
 * --rate, read twice SECONDS apart, each with how much it changed per
 * second (gauges such as sessions-active may fall: negative).
 */
int cmd_counters(struct ctl *c, int argc, char **argv)
{
	bool all = false;
	unsigned long rate_s = 0;
	char *names[32];
	int n_names = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--rate") && i + 1 < argc) {
			if (rg_parse_uint(argv[++i], 1, 3600, &rate_s)) {
				fprintf(stderr,
					"realmctl: counters --rate: 1..3600 seconds, not '%s'\n",
					argv[i]);
				return CTL_USAGE;
			}
		} else if (argv[i][0] != '-' && n_names < 32) {
			names[n_names++] = argv[i];
		} else {
			fprintf(stderr,
				"usage: realmctl counters [--all] [--rate SECONDS] [NAME...]\n");
			return CTL_USAGE;
		}
	}
	if (ctl_connect(c))
		return CTL_FAIL;
	struct rg_counter_rec *r, *before = NULL;
	uint32_t n, n_before = 0;
	if (rate_s) {
		if (fetch_all(c, "counters", RG_OP_COUNTERS, sizeof(*r), 0, (void **)&before,
			      &n_before))
			return CTL_FAIL;
		struct timespec ts = { (time_t)rate_s, 0 };
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	if (fetch_all(c, "counters", RG_OP_COUNTERS, sizeof(*r), 0, (void **)&r, &n)) {
		free(before);
		return CTL_FAIL;
	}
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		if (rate_s)
			json_u64(&j, "interval_s", rate_s);
		json_obj_begin(&j, "counters");
	}
	/* JSON always has every selected counter: scripts look names up */
	for (int pass = 0; pass < (c->json && rate_s ? 2 : 1); pass++) {
		if (pass == 1) {
			json_obj_end(&j);
			json_obj_begin(&j, "deltas");
		}
		for (uint32_t i = 0; i < n; i++) {
			char name[64];
			if (!rg_counter_id_name(r[i].id, name, sizeof(name)))
				snprintf(name, sizeof(name), "counter-%u", r[i].id);
			if (!counter_selected(name, names, n_names))
				continue;
			const struct rg_counter_rec *b =
				rate_s ? counter_find(before, n_before, r[i].id) : NULL;
			int64_t delta = b ? (int64_t)(r[i].value - b->value) : 0;
			if (c->json && pass)
				json_i64(&j, name, delta);
			else if (c->json)
				json_u64(&j, name, r[i].value);
			else if (all || r[i].value || delta) {
				if (rate_s)
					printf("%-36s %20llu %14.1f/s\n", name,
					       (unsigned long long)r[i].value,
					       (double)delta / (double)rate_s);
				else
					printf("%-36s %llu\n", name,
					       (unsigned long long)r[i].value);
			}
		}
	}
	if (c->json) {
		json_obj_end(&j);
		json_obj_end(&j);
		json_end(&j);
	}
	free(r);
	free(before);
	return CTL_OK;
}

static const char *owner_name(unsigned o)
{
	static const char *const names[] = { "dynamic", "static", "pcp", "nat-pmp", "dpm", "cli" };
	return o < sizeof(names) / sizeof(names[0]) ? names[o] : "other";
}

static int mapping_list(struct ctl *c)
{
	struct rg_map_rec *m;
	uint32_t n;
	if (fetch_all(c, "mapping list", RG_OP_MAP_LIST, sizeof(*m), 0, (void **)&m, &n))
		return CTL_FAIL;
	struct json j;
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "mappings");
	} else
		printf("%-5s %-21s %-21s %-8s %10s %8s\n", "proto", "inside", "outside", "owner",
		       "lifetime", "sessions");
	for (uint32_t i = 0; i < n; i++) {
		char a[2][INET_ADDRSTRLEN_], ep[2][32], pb[8], lt[16];
		ipv4_str(m[i].in_addr, a[0]);
		ipv4_str(m[i].out_addr, a[1]);
		const char *proto = proto_name(m[i].proto, pb, sizeof(pb));
		if (c->json) {
			json_obj_begin(&j, NULL);
			json_u64(&j, "id", m[i].id);
			json_str(&j, "proto", proto);
			json_str(&j, "inside", a[0]);
			json_u64(&j, "inside_port", ntohs(m[i].in_port));
			json_str(&j, "outside", a[1]);
			json_u64(&j, "outside_port", ntohs(m[i].out_port));
			json_str(&j, "owner", owner_name(m[i].owner));
			if (m[i].lifetime_left_s == 0xffffffffu)
				json_str(&j, "lifetime_s", "static");
			else
				json_u64(&j, "lifetime_s", m[i].lifetime_left_s);
			json_u64(&j, "sessions", m[i].sessions);
			json_obj_end(&j);
			continue;
		}
		snprintf(ep[0], sizeof(ep[0]), "%s:%u", a[0], ntohs(m[i].in_port));
		snprintf(ep[1], sizeof(ep[1]), "%s:%u", a[1], ntohs(m[i].out_port));
		if (m[i].lifetime_left_s == 0xffffffffu)
			snprintf(lt, sizeof(lt), "static");
		else if (m[i].owner == RG_OWNER_DYNAMIC)
			snprintf(lt, sizeof(lt), "-"); /* lives as long as its sessions */
		else
			snprintf(lt, sizeof(lt), "%us", m[i].lifetime_left_s);
		printf("%-5s %-21s %-21s %-8s %10s %8u\n", proto, ep[0], ep[1],
		       owner_name(m[i].owner), lt, m[i].sessions);
	}
	if (c->json) {
		json_list_end(&j, n);
	} else
		printf("%u mapping(s)\n", n);
	free(m);
	return CTL_OK;
}

static int mapping_usage(void)
{
	fprintf(stderr, "usage: realmctl mapping list\n"
			"       realmctl mapping add tcp|udp INSIDE:PORT [OUTSIDE:PORT] "
			"[--lifetime S] [--exact]\n"
			"       realmctl mapping del|get tcp|udp INSIDE:PORT\n"
			"       realmctl mapping del|get tcp|udp --outside OUTSIDE:PORT\n");
	return CTL_USAGE;
}

static void print_map_rec(struct ctl *c, const struct rg_map_rec *m)
{
	char a[2][INET_ADDRSTRLEN_], pb[8];
	ipv4_str(m->in_addr, a[0]);
	ipv4_str(m->out_addr, a[1]);
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "id", m->id);
		json_str(&j, "proto", proto_name(m->proto, pb, sizeof(pb)));
		json_str(&j, "inside", a[0]);
		json_u64(&j, "inside_port", ntohs(m->in_port));
		json_str(&j, "outside", a[1]);
		json_u64(&j, "outside_port", ntohs(m->out_port));
		json_str(&j, "owner", owner_name(m->owner));
		json_u64(&j, "sessions", m->sessions);
		json_obj_end(&j);
		json_end(&j);
		return;
	}
	printf("%s %s:%u -> %s:%u (%s, %u session(s))\n", proto_name(m->proto, pb, sizeof(pb)),
	       a[0], ntohs(m->in_port), a[1], ntohs(m->out_port), owner_name(m->owner),
	       m->sessions);
}

int cmd_mapping(struct ctl *c, int argc, char **argv)
{
	if (argc < 2)
		return mapping_usage();
	const char *sub = argv[1];
	if (!strcmp(sub, "list")) {
		if (argc != 2)
			return mapping_usage();
		return ctl_connect(c) ? CTL_FAIL : mapping_list(c);
	}
	if (argc < 4)
		return mapping_usage();
	int proto = parse_proto(argv[2]);
	if (proto != 6 && proto != 17) {
		fprintf(stderr, "realmctl: mapping protocol is tcp or udp, not '%s'\n", argv[2]);
		return CTL_USAGE;
	}
	if (!strcmp(sub, "add")) {
		struct rg_map_req r;
		memset(&r, 0, sizeof(r));
		r.proto = (uint8_t)proto;
		/* without a lifetime the mapping is static (a CLI mapping with
		 * lifetime 0 would mean "delete", as in PCP) */
		r.owner = RG_OWNER_STATIC;
		if (parse_endpoint(argv[3], &r.in_addr, &r.in_port) || !r.in_port) {
			fprintf(stderr, "realmctl: inside endpoint is ADDR:PORT, not '%s'\n",
				argv[3]);
			return CTL_USAGE;
		}
		for (int i = 4; i < argc; i++) {
			if (!strcmp(argv[i], "--lifetime") && i + 1 < argc) {
				unsigned long v;
				if (rg_parse_uint(argv[++i], 1, UINT32_MAX, &v)) {
					fprintf(stderr,
						"realmctl: --lifetime takes seconds 1-4294967295, "
						"not "
						"'%s'\n",
						argv[i]);
					return CTL_USAGE;
				}
				r.lifetime_s = (uint32_t)v;
				r.owner = RG_OWNER_CLI;
			} else if (!strcmp(argv[i], "--exact"))
				r.flags |= RG_MAPF_PREFER_FAILURE;
			else if (parse_endpoint(argv[i], &r.out_addr, &r.out_port)) {
				fprintf(stderr,
					"realmctl: outside endpoint is ADDR:PORT, not '%s'\n",
					argv[i]);
				return CTL_USAGE;
			}
		}
		if (ctl_connect(c))
			return CTL_FAIL;
		struct rg_map_rsp rsp;
		memset(&rsp, 0, sizeof(rsp));
		if (ctl_cmd(c, "mapping add", RG_OP_MAP_ADD, &r, sizeof(r), &rsp, sizeof(rsp), NULL,
			    0, NULL))
			return CTL_FAIL;
		char a[2][INET_ADDRSTRLEN_];
		ipv4_str(r.in_addr, a[0]);
		ipv4_str(rsp.out_addr, a[1]);
		if (c->json) {
			struct json j;
			json_init(&j, stdout);
			json_obj_begin(&j, NULL);
			json_u64(&j, "id", rsp.id);
			json_str(&j, "outside", a[1]);
			json_u64(&j, "outside_port", ntohs(rsp.out_port));
			json_u64(&j, "lifetime_s", rsp.lifetime_s);
			json_obj_end(&j);
			json_end(&j);
		} else
			printf("mapping %u: %s %s:%u -> %s:%u\n", rsp.id, argv[2], a[0],
			       ntohs(r.in_port), a[1], ntohs(rsp.out_port));
		return CTL_OK;
	}
	if (strcmp(sub, "del") && strcmp(sub, "get"))
		return mapping_usage();
	struct rg_map_id id;
	memset(&id, 0, sizeof(id));
	id.proto = (uint8_t)proto;
	if (!strcmp(argv[3], "--outside")) {
		if (argc != 5 || parse_endpoint(argv[4], &id.out_addr, &id.out_port))
			return mapping_usage();
	} else if (argc != 4 || parse_endpoint(argv[3], &id.in_addr, &id.in_port) || !id.in_addr)
		return mapping_usage();
	if (ctl_connect(c))
		return CTL_FAIL;
	if (!strcmp(sub, "del")) {
		if (ctl_cmd(c, "mapping del", RG_OP_MAP_DEL, &id, sizeof(id), NULL, 0, NULL, 0,
			    NULL))
			return CTL_FAIL;
		if (!c->json)
			printf("mapping deleted\n");
		return CTL_OK;
	}
	struct rg_map_rec m;
	memset(&m, 0, sizeof(m));
	if (ctl_cmd(c, "mapping get", RG_OP_MAP_GET, &id, sizeof(id), &m, sizeof(m), NULL, 0, NULL))
		return CTL_FAIL;
	print_map_rec(c, &m);
	return CTL_OK;
}
