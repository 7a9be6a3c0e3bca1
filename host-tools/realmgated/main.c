/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated: the realm gateway's host daemon. Attaches to a card, applies
 * the configuration file, serves PCP, NAT-PMP and the DPM setup exchange,
 * keeps leases in SQLite and answers realmctl on a UNIX socket.
 *
 *   realmgated [-c FILE] [-f|--foreground] [-d|--daemon] [--check-config]
 *              [--card SPEC] [--pidfile FILE] [-v]
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card_open.h"
#include "daemon.h"
#include "detach.h"
#include "log.h"

#define DEFAULT_CONFIG "/etc/realmgate/realmgated.conf"

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: realmgated [-c FILE] [-f|--foreground] [-d|--daemon] [--check-config]\n"
		   "                  [--card SPEC] [--pidfile FILE] [-v]\n"
		   "  -c, --config FILE  configuration file (default " DEFAULT_CONFIG ")\n"
		   "  --check-config     check the configuration file and exit (0 = valid)\n"
		   "  -f, --foreground   stay in the foreground, log to stderr (systemd)\n"
		   "  -d, --daemon       detach once serving, log to syslog\n"
		   "  --card SPEC        card to attach (overrides 'card' in the file)\n"
		   "  --pidfile FILE     write the process id there\n"
		   "  -v, --verbose      log debug messages\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "card", required_argument, NULL, 'k' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = DEFAULT_CONFIG, *card_spec = NULL, *pidfile = NULL;
	bool check = false, daemonize = false;
	int level = LOG_INFO, o;
	while ((o = getopt_long(argc, argv, "c:fdvh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			config = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'f':
			daemonize = false;
			break;
		case 'd':
			daemonize = true;
			break;
		case 'k':
			card_spec = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'v':
			level = LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	static struct rgd_cfg cfg;
	char err[512];
	if (rgd_config_load(config, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: ok (%u pools, %u rules)\n", config, cfg.n_pools, cfg.n_rules);
		return 0;
	}
	if (card_spec)
		snprintf(cfg.card, sizeof(cfg.card), "%s", card_spec);
	/* a detached daemon works in /: reloads must still find the file,
	 * and the pid file must go where it was asked for */
	static char config_abs[PATH_MAX], pidfile_abs[PATH_MAX];
	if (daemonize) {
		if (!realpath(config, config_abs)) {
			fprintf(stderr, "%s: %s\n", config, strerror(errno));
			return 1;
		}
		config = config_abs;
		char cwd[PATH_MAX];
		if (pidfile && pidfile[0] != '/') {
			if (!getcwd(cwd, sizeof(cwd)) ||
			    (size_t)snprintf(pidfile_abs, sizeof(pidfile_abs), "%s/%s", cwd,
					     pidfile) >= sizeof(pidfile_abs)) {
				fprintf(stderr, "--pidfile %s: cannot make the path absolute\n",
					pidfile);
				return 1;
			}
			pidfile = pidfile_abs;
		}
	}
	rgd_log_open("realmgated", !daemonize, level);
	int ready_fd = -1;
	if (daemonize) {
		ready_fd = rgd_detach();
		if (ready_fd < 0) {
			perror("realmgated: detaching");
			return 1;
		}
		rgd_log_echo(true);
	}
	static struct rgd_daemon d;
	int rc = 1;
	struct rgd_card *card = rgd_card_open(&cfg, err, sizeof(err));
	if (!card)
		rgd_log(LOG_ERR, "card %s: %s", cfg.card, err);
	else
		rc = rgd_daemon_start(&d, config, &cfg, card) ? 1 : 0;
	/* the pid file appears once the daemon serves */
	if (rc == 0 && pidfile && write_pidfile(pidfile)) {
		rgd_log(LOG_ERR, "pid file %s: %m", pidfile);
		rc = 1;
	}
	if (ready_fd >= 0) {
		rgd_log_echo(false);
		rgd_detach_ready(ready_fd, rc);
	}
	if (rc == 0) {
		rgd_log(LOG_NOTICE, "serving on card %s", card->name);
		rc = rgd_daemon_run(&d) ? 1 : 0;
		if (pidfile)
			unlink(pidfile);
	}
	if (card) {
		rgd_daemon_stop(&d);
		card->ops->close(card->ctx);
	}
	return rc;
}
