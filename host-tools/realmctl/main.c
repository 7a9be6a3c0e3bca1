/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl — command line control of a realmgate card.
 *
 *   realmctl [-d DEVICE] [-S SOCKET] [--direct] [--json] [--timeout MS] COMMAND [ARGS]
 *
 * Talks to the card through realmgated when the daemon runs (it owns the
 * card then), else directly through the driver (backend.h); every listing
 * also has a --json form for scripts and tests. docs/man/realmctl.8.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/rgdev.h"
#include "ctl.h"
#include "parse.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: realmctl [-d DEVICE] [-S SOCKET] [--direct] [--json] [--timeout MS]\n"
		"                COMMAND [ARGS]\n"
		"\n"
		"with realmgated (the daemon):\n"
		"  status                          daemon, card and protocol state\n"
		"  mappings [list] [--proto udp|tcp] [--owner O] [--inside ADDR[:PORT]]\n"
		"                [--outside ADDR[:PORT]]\n"
		"                                  leases (those matching): owner, lifetime,\n"
		"                                  filters\n"
		"  mappings add udp|tcp INSIDE:PORT [--out PORT] [--lifetime S|static]\n"
		"                [--filter ADDR[/LEN][:PORT]]...\n"
		"  mappings del udp|tcp INSIDE:PORT\n"
		"  reload                          reload the daemon's configuration file\n"
		"  config check [FILE]             check a realmgated configuration file\n"
		"  events                          follow lease and card events\n"
		"card commands (through the daemon when it runs, else direct):\n"
		"  devices                         list cards (simulated and PCI)\n"
		"  info                            identity, capacities and usage of the card\n"
		"  sessions [--limit N] [--sort bytes|packets|idle] [--proto P]\n"
		"           [--inside|--outside|--remote ADDR[:PORT]]\n"
		"                                  active sessions, or those matching; sorted:\n"
		"                                  the busiest or most recently active first\n"
		"  sessions clear FILTERS... | --all  delete the sessions matching (mappings "
		"stay)\n"
		"  subscribers [--inside ADDR] [--outside ADDR[:PORT]]\n"
		"                                  inside hosts: paired address, quota use, "
		"blocks\n"
		"  addresses [--pool ID]           outside addresses: subscribers, ports used\n"
		"  pools                           pools: behaviour, ports, addresses (with\n"
		"                                  the daemon: as configured, with names)\n"
		"  counters [--all] [--rate S] [NAME...]\n"
		"                                  counters (non-zero ones unless --all; names\n"
		"                                  containing a NAME); --rate: per second over S "
		"s\n"
		"  mapping list                    endpoint-independent mappings\n"
		"  mapping add tcp|udp INSIDE:PORT [OUTSIDE:PORT] [--lifetime S] [--exact]\n"
		"                                  (OUTSIDE:PORT is a wish unless --exact)\n"
		"  mapping del tcp|udp INSIDE:PORT\n"
		"  mapping del tcp|udp --outside OUTSIDE:PORT\n"
		"  mapping get tcp|udp INSIDE:PORT\n"
		"  rule list                       static rules\n"
		"  rule add ID forward|dstnat|exclude|to-host|drop [proto P] [src PREFIX/LEN]\n"
		"           [dst PREFIX/LEN] [dport LO[-HI]] [to ADDR[:PORT]]\n"
		"  rule del ID\n"
		"  config apply FILE [--reset]     configure the card from a file (docs/lab.md)\n"
		"  config show                     the card's configuration\n"
		"  reset [--card]                  clear sessions, mappings, pools and\n"
		"                                  configuration (--card: reset the whole card)\n"
		"  events [--count N] [--wait S]   subscribe to events and print them\n"
		"\n"
		"DEVICE is sim:NAME (nicsim) or pci:DDDD:BB:DD.F; default: $REALMGATE_DEVICE,\n"
		"else the only card present. SOCKET is realmgated's control socket; default:\n"
		"$REALMGATE_SOCKET, else " CTL_DEFAULT_SOCKET ".\n"
		"Exit status: 0 ok, 1 refused or failed, 2 usage, 3 no daemon, 4 not found.\n");
}

int ctl_connect(struct ctl *c)
{
	if (c->be)
		return CTL_OK;
	const char *sock = ctl_daemon_socket(c);
	if (sock) {
		char derr[256];
		c->be = ctl_daemon_open(sock, derr, sizeof(derr));
		if (c->be)
			return CTL_OK;
	}
	char spec[64];
	const char *dev = c->device ? c->device : getenv("REALMGATE_DEVICE");
	if (!dev || !*dev) {
		struct rg_dev_entry e[16];
		char note[200] = "", err[256] = "";
		int n = rg_dev_list(e, 16, note, sizeof(note), err, sizeof(err));
		int live = 0, pick = -1;
		for (int i = 0; i < n && i < 16; i++)
			if (e[i].alive) {
				live++;
				pick = i;
			}
		if (n < 0) {
			fprintf(stderr, "realmctl: %s\n", err);
			return CTL_FAIL;
		}
		if (live != 1) {
			fprintf(stderr, "realmctl: %s; name one with -d (see 'realmctl devices')\n",
				live ? "several cards are present" : "no card found");
			return CTL_FAIL;
		}
		snprintf(spec, sizeof(spec), "%s", e[pick].spec);
		dev = spec;
	}
	char err[512];
	c->be = ctl_direct_open(dev, c->timeout_ms, err, sizeof(err));
	if (!c->be) {
		fprintf(stderr, "realmctl: %s\n", err);
		return CTL_FAIL;
	}
	return CTL_OK;
}

enum rg_status ctl_cmd(struct ctl *c, const char *what, uint16_t opcode, const void *req,
		       uint16_t req_len, void *rsp, uint16_t rsp_cap, void *bulk, uint32_t bulk_cap,
		       uint32_t *bulk_used)
{
	enum rg_status st = c->be->cmd(c->be, opcode, req, req_len, rsp, rsp_cap, NULL, bulk,
				       bulk_cap, bulk_used);
	if (st != RG_ST_OK)
		fprintf(stderr, "realmctl: %s: %s\n", what,
			st >= RG_ST_TIMEOUT ? c->be->error(c->be) : rg_status_name(st));
	return st;
}

int main(int argc, char **argv)
{
	struct ctl c = { .timeout_ms = 2000 };
	static const struct option lo[] = {
		{ "device", required_argument, 0, 'd' },
		{ "json", no_argument, 0, 'j' },
		{ "timeout", required_argument, 0, 't' },
		{ "socket", required_argument, 0, 'S' },
		{ "direct", no_argument, 0, 'D' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int opt;
	/* options before the command only ('+'): the command has its own */
	while ((opt = getopt_long(argc, argv, "+d:jt:S:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'd':
			c.device = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 'S':
			c.socket = optarg;
			break;
		case 'D':
			c.direct = 1;
			break;
		case 't': {
			unsigned long v;
			c.timeout_ms = rg_parse_uint(optarg, 1, 3600000, &v) ? 0 : (int)v;
			if (c.timeout_ms <= 0) {
				fprintf(stderr,
					"realmctl: --timeout takes milliseconds 1-3600000\n");
				return CTL_USAGE;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	static const struct {
		const char *name;
		int (*fn)(struct ctl *, int, char **);
	} cmds[] = {
		{ "devices", cmd_devices },	{ "info", cmd_info },
		{ "sessions", cmd_sessions },	{ "subscribers", cmd_subscribers },
		{ "addresses", cmd_addresses }, { "counters", cmd_counters },
		{ "mapping", cmd_mapping },	{ "config", cmd_config },
		{ "reset", cmd_reset },		{ "events", cmd_events },
		{ "rule", cmd_rule },		{ "status", cmd_daemon },
		{ "pools", cmd_pools },		{ "mappings", cmd_daemon },
		{ "reload", cmd_daemon },
	};
	const char *name = argv[optind];
	int rc = -1;
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name)) {
			/* --json is also accepted after the command */
			int n = argc - optind;
			char **args = argv + optind;
			for (int k = 1; k < n; k++)
				if (!strcmp(args[k], "--json")) {
					c.json = 1;
					memmove(&args[k], &args[k + 1],
						(size_t)(n - k - 1) * sizeof(*args));
					n--;
					k--;
				}
			int (*fn)(struct ctl *, int, char **) = cmds[i].fn;
			/* the daemon checks its files; realmctl checks a named one */
			if (fn == cmd_config && n >= 2 && !strcmp(args[1], "check"))
				fn = cmd_daemon;
			/* while the daemon runs, its event stream has the leases too */
			if (fn == cmd_events && ctl_daemon_socket(&c))
				fn = cmd_daemon_events;
			rc = fn(&c, n, args);
			break;
		}
	if (rc < 0) {
		fprintf(stderr, "realmctl: unknown command '%s'\n", name);
		usage(stderr);
		rc = CTL_USAGE;
	}
	if (c.be)
		c.be->close(c.be);
	return rc;
}
