/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The daemon's event loop, sockets, store and control socket exactly as
 * realmgated runs them, attached to the card test double instead of a card:
 * the end-to-end suites use it to drive the protocols with real clients
 * (natpmpc, pcp-client, dpm-run) where no card is needed. The card's state
 * lives in this process, so a restart is a card reset too.
 *
 *   rgd-testd CONFIG
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "../../host-tools/realmgated/daemon.h"
#include "../../host-tools/realmgated/log.h"
#include "../lib/card_double.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: rgd-testd CONFIG\n");
		return 2;
	}
	static struct rgd_cfg cfg;
	char err[512];
	if (rgd_config_load(argv[1], &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rgd_log_open("rgd-testd", true, LOG_DEBUG);
	static struct card_double cd;
	card_double_init(&cd, ntohl(cfg.pools[0].ranges[0].lo));
	static struct rgd_daemon d;
	int rc = rgd_daemon_start(&d, argv[1], &cfg, &cd.card) ? 1 : 0;
	if (rc == 0) {
		rgd_log(LOG_NOTICE, "ready");
		rc = rgd_daemon_run(&d) ? 1 : 0;
	}
	rgd_daemon_stop(&d);
	return rc;
}
