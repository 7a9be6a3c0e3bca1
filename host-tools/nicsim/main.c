/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nicsim — the simulated realmgate card.
 *
 * Runs the card's firmware (host build) against the soft or RTL fast path,
 * exposes BAR0 and DMA to the host through shared memory (the driver's
 * sim:NAME devices) and attaches the card's ports to Linux interfaces
 * (AF_PACKET) or pcap files. SIGTERM/SIGINT stop it cleanly; SIGUSR1 prints
 * statistics to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/parse_num.h"
#include "card.h"
#include "fastpath.h"
#include "realmgate/regmap.h"

static volatile sig_atomic_t stop, want_stats;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_stats(int sig)
{
	(void)sig;
	want_stats = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nicsim [options]\n"
		"  --name NAME          card name; the host reaches it as sim:NAME (default rg0)\n"
		"  --fastpath soft|rtl  fast path: the C model or the Verilated RTL (default "
		"soft)\n"
		"  --inside PORT        attach the inside port (port 0)\n"
		"  --outside PORT       attach the outside port (port 1)\n"
		"  --aux PORT           attach the spare port (port 3)\n"
		"                       PORT is an interface name (AF_PACKET, needs CAP_NET_RAW)\n"
		"                       or pcap:IN[,OUT[,gap=MS][,start=MS]] (read IN from\n"
		"                       start ms on, one frame every gap ms; write what the\n"
		"                       card sends to OUT; no root needed)\n"
		"  --sessions N         session capacity (default 65536)\n"
		"  --capture DIR        write every frame of every port to DIR/PORT.pcap\n"
		"  --pidfile FILE       write the process id once the card is up\n"
		"  --exit-after-input MS  exit MS ms after every pcap input is consumed\n"
		"  --stats              print statistics on exit (SIGUSR1: at any time)\n"
		"  --serial N           card serial number\n"
		"  --rx-usecs N         receive interrupt moderation: while frames flow, wait\n"
		"                       N us after a turn that emptied the rings (default 50,\n"
		"                       0 = take every frame as it comes)\n"
		"  --version            version and the fast paths this build has\n"
		"The host port (port 2) is the DMA queue pair of the mailbox.\n");
}

int main(int argc, char **argv)
{
	struct card_opts o = {
		.name = "rg0", .fastpath = RG_FASTPATH_SOFT, .sessions = 65536, .rx_usecs = 50
	};
	const char *pidfile = NULL;
	int stats_at_exit = 0;
	long exit_after = -1;
	enum {
		O_NAME = 256,
		O_FP,
		O_IN,
		O_OUT,
		O_AUX,
		O_SESS,
		O_CAP,
		O_PID,
		O_EXIT,
		O_STATS,
		O_SER,
		O_RXUS
	};
	static const struct option lo[] = {
		{ "name", required_argument, 0, O_NAME },
		{ "fastpath", required_argument, 0, O_FP },
		{ "inside", required_argument, 0, O_IN },
		{ "outside", required_argument, 0, O_OUT },
		{ "aux", required_argument, 0, O_AUX },
		{ "sessions", required_argument, 0, O_SESS },
		{ "capture", required_argument, 0, O_CAP },
		{ "pidfile", required_argument, 0, O_PID },
		{ "exit-after-input", required_argument, 0, O_EXIT },
		{ "stats", no_argument, 0, O_STATS },
		{ "serial", required_argument, 0, O_SER },
		{ "rx-usecs", required_argument, 0, O_RXUS },
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },
		{ 0, 0, 0, 0 },
	};
	int opt;
	unsigned long num;
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (opt) {
		case O_NAME:
			o.name = optarg;
			break;
		case O_FP:
			if (!strcmp(optarg, "soft"))
				o.fastpath = RG_FASTPATH_SOFT;
			else if (!strcmp(optarg, "rtl"))
				o.fastpath = RG_FASTPATH_RTL;
			else {
				fprintf(stderr, "nicsim: --fastpath is soft or rtl, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case O_IN:
			o.port_spec[RG_PORT_INSIDE] = optarg;
			break;
		case O_OUT:
			o.port_spec[RG_PORT_OUTSIDE] = optarg;
			break;
		case O_AUX:
			o.port_spec[RG_PORT_AUX] = optarg;
			break;
		case O_SESS:
			if (rg_parse_uint(optarg, 16, 1u << 22, &num)) {
				fprintf(stderr, "nicsim: --sessions takes 16..4194304\n");
				return 2;
			}
			o.sessions = (uint32_t)num;
			break;
		case O_CAP:
			o.capture_dir = optarg;
			break;
		case O_PID:
			pidfile = optarg;
			break;
		case O_EXIT:
			if (rg_parse_uint(optarg, 0, 86400000, &num)) {
				fprintf(stderr, "nicsim: --exit-after-input takes milliseconds "
						"0..86400000\n");
				return 2;
			}
			exit_after = (long)num;
			break;
		case O_STATS:
			stats_at_exit = 1;
			break;
		case O_SER:
			if (rg_parse_uint(optarg, 0, UINT32_MAX, &num)) {
				fprintf(stderr, "nicsim: --serial takes 0..4294967295\n");
				return 2;
			}
			o.serial = (uint32_t)num;
			break;
		case O_RXUS:
			if (rg_parse_uint(optarg, 0, 100000, &num)) {
				fprintf(stderr, "nicsim: --rx-usecs takes 0..100000\n");
				return 2;
			}
			o.rx_usecs = (uint32_t)num;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nicsim (realmgate, contract version %u), fast paths: soft%s\n",
			       RG_CONTRACT_VERSION, fastpath_have_rtl() ? " rtl" : "");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nicsim: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_stats;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char err[512];
	struct card *c = card_create(&o, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "nicsim: %s\n", err);
		return 1;
	}
	card_describe(c, stderr);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "nicsim: cannot write %s: %s\n", pidfile, strerror(errno));
			card_destroy(c);
			return 1;
		}
	}
	struct timespec quiet_since = { 0, 0 };
	int quiet = 0;
	while (!stop) {
		unsigned work = card_run_once(c, card_idle_wait_ms(c));
		if (want_stats) {
			want_stats = 0;
			card_print_stats(c, stderr);
		}
		if (exit_after >= 0 && card_inputs_done(c)) {
			/* exit once the card has been quiet for exit_after ms */
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (work || !quiet) {
				quiet = 1;
				quiet_since = now;
			} else if ((now.tv_sec - quiet_since.tv_sec) * 1000L +
					   (now.tv_nsec - quiet_since.tv_nsec) / 1000000L >
				   exit_after)
				break;
		}
	}
	if (stats_at_exit)
		card_print_stats(c, stderr);
	card_destroy(c);
	if (pidfile)
		unlink(pidfile);
	fprintf(stderr, "nicsim: card sim:%s stopped\n", o.name);
	return 0;
}
