/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for realmgated's control socket requests (ctl.c, and
 * ctl_relay.c for realmctl's "raw" mailbox relay): the input is request
 * lines, one per '\n', each split as rgd_ctl_input does and run through
 * rgd_ctl_execute / rgd_ctl_relay on a daemon whose mapper, lease table and
 * store (in memory) sit in front of the card test double. The daemon holds
 * three leases before the first line: a static one, an operator's with a
 * lifetime, and one with filters.
 * Left out: "reload" and "config check" (they read files the input would
 * name) and the followers ("events", "raw-events"), which are socket
 * handling (tests/unit/test_rgd_ctl.c).
 * Checks: nothing crashes or leaks (ASan+UBSan build); every answer is a
 * status of realmctl.8 (0, 1, 2, 4) with text, NUL-terminated where its
 * length says; every lease has its mapping on the card; and the three
 * leases outlive every request that is not a deletion ("mappings del",
 * raw MAP_DEL): a bad request never costs an existing mapping.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../host-tools/realmgated/ctl_out.h"
#include "../../host-tools/realmgated/daemon.h"
#include "../../host-tools/realmgated/log.h"
#include "../lib/card_double.h"

static const char config[] =
	"inside = { address = \"192.168.1.1\"; prefix = 24; };\n"
	"outside = { address = \"203.0.113.1\"; prefix = 24; };\n"
	"pools = ( { id = 1; name = \"main\"; addresses = [ \"203.0.113.1\" ]; } );\n"
	"pcp = { max_mappings_per_host = 8; };\n";

/* the leases made before the first line */
static const char *const initial[] = {
	"mappings add udp 192.168.1.10:5000 --lifetime static",
	"mappings add tcp 192.168.1.11:8080 --out 8080 --lifetime 3600",
	"mappings add udp 192.168.1.12:6000 --filter 198.51.100.0/24:53 --filter 203.0.113.9",
};
static const struct {
	uint8_t proto;
	uint32_t addr;
	uint16_t port;
} initial_key[] = {
	{ 17, 0xc0a8010au, 5000 },
	{ 6, 0xc0a8010bu, 8080 },
	{ 17, 0xc0a8010cu, 6000 },
};

struct daemon_fx {
	struct rgd_daemon d;
	struct card_double cd;
};

static int split(char *line, char **argv, bool *json)
{
	int argc = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (argc == RGD_CTL_MAX_ARGS)
			return -1; /* rgd_ctl_input refuses it before execution */
		argv[argc++] = t;
	}
	*json = argc > 0 && strcmp(argv[0], "--json") == 0;
	if (*json) {
		argc--;
		memmove(argv, argv + 1, (size_t)argc * sizeof(argv[0]));
	}
	return argc;
}

static int request(struct daemon_fx *f, const char *text, bool *deletes)
{
	char line[1024], *argv[RGD_CTL_MAX_ARGS];
	bool json;
	snprintf(line, sizeof(line), "%s", text);
	int argc = split(line, argv, &json);
	*deletes = false;
	if (argc < 0)
		return -1;
	if (argc > 0 && (!strcmp(argv[0], "reload") || !strcmp(argv[0], "config") ||
			 !strcmp(argv[0], "events") || !strcmp(argv[0], "raw-events")))
		return -1;
	bool raw = argc > 0 && !strcmp(argv[0], "raw");
	if (raw && argc > 1) {
		char *end;
		unsigned long op = strtoul(argv[1], &end, 0);
		*deletes = op == RG_OP_MAP_DEL;
	}
	if (!raw && argc > 1 && !strcmp(argv[0], "mappings") && !strcmp(argv[1], "del"))
		*deletes = true;
	struct rgd_ctl_out o = { 0 };
	int st = raw ? rgd_ctl_relay(&f->d, argc, argv, &o)
		     : rgd_ctl_execute(&f->d, argc, argv, json, &o);
	if (st != 0 && st != 1 && st != 2 && st != 4)
		abort(); /* not an exit status of realmctl.8 */
	if (o.truncated || (o.p && strlen(o.p) != o.len))
		abort(); /* an answer whose length is not its text */
	if (st != 0 && (!o.p || !o.len))
		abort(); /* refused without saying why */
	rgd_out_free(&o);
	return st;
}

static void check(struct daemon_fx *f, bool *alive)
{
	for (const struct rgd_lease *l = f->d.mapper.leases.head; l; l = l->next)
		if (!card_double_find(&f->cd, l->key.proto, l->key.in_addr, l->key.in_port))
			abort(); /* a lease without its mapping on the card */
	for (size_t i = 0; i < sizeof(initial_key) / sizeof(initial_key[0]); i++) {
		if (!alive[i])
			continue;
		struct rgd_lease_key k = { .proto = initial_key[i].proto,
					   .in_addr = initial_key[i].addr,
					   .in_port = initial_key[i].port };
		if (!rgd_leases_find(&f->d.mapper.leases, &k))
			abort(); /* an existing mapping lost to a request that deletes none */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	if (!quiet) {
		rgd_log_open("fuzz_ctl", true, LOG_CRIT);
		quiet = true;
	}
	static struct daemon_fx f;
	memset(&f, 0, sizeof(f));
	char err[256];
	if (rgd_config_parse(config, "fuzz.conf", &f.d.cfg, err, sizeof(err)))
		abort();
	card_double_init(&f.cd, 0xcb007101u);
	f.d.card = &f.cd.card;
	f.d.store = rgd_store_open(":memory:", err, sizeof(err));
	if (!f.d.store || rgd_mapper_init(&f.d.mapper, f.d.card, f.d.store, &f.d.cfg))
		abort();
	f.d.epfd = f.d.ctl_fd = -1;
	for (int i = 0; i < RGD_MAX_CTL_CLIENTS; i++)
		f.d.ctl[i].fd = -1;
	snprintf(f.d.config_path, sizeof(f.d.config_path), "/nonexistent/realmgated.conf");
	bool alive[3] = { true, true, true }, deletes;
	for (size_t i = 0; i < 3; i++)
		if (request(&f, initial[i], &deletes) != 0)
			abort();
	check(&f, alive);

	size_t at = 0;
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
		/* what the socket takes: at most 1022 bytes, no NUL */
		if (len <= 1022 && !memchr(data + at, 0, len)) {
			char line[1024];
			memcpy(line, data + at, len);
			line[len] = 0;
			request(&f, line, &deletes);
			if (deletes)
				alive[0] = alive[1] = alive[2] = false;
			check(&f, alive);
		}
		at += len + 1;
	}
	rgd_mapper_free(&f.d.mapper);
	rgd_store_close(f.d.store);
	return 0;
}
