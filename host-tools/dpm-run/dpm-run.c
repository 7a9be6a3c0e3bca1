/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dpm-run: the inside node's side of seed 000's dynamic port management.
 * Performs the DPM setup for a destination (docs/protocols.md), then runs
 * a command with the assigned port substituted, so an unmodified
 * application uses it:
 *
 *   dpm-run --replaceable 203.0.113.2 80 -- curl --local-port {port} http://203.0.113.2/
 *
 * {port} is the inside port the setup registered (the application binds
 * it), {outport} and {outaddr} the registered address and port the session
 * leaves with, {dest}/{destport} the destination. The same values are in
 * the environment as DPM_PORT, DPM_OUT_PORT, DPM_OUT_ADDR. The reservation
 * is released when the command ends. See docs/man/dpm-run.1.
 *
 * Exit status: the command's; without a command 0. Before the command
 * runs: 1 refused by the gateway, 2 usage, 3 no answer, 127 exec failed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/parse_num.h"
#include "../libpcp/client_net.h"
#include "../libpcp/dpm_wire.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: dpm-run [options] DEST-ADDR DEST-PORT [-- COMMAND [ARG]...]\n"
		   "  -s, --server ADDR    DPM server (default: the default gateway)\n"
		   "  -P, --server-port N  DPM port (default 1080)\n"
		   "  -x, --replaceable    the gateway may assign another port\n"
		   "  -p, --port N         inside port to register (default: a free one)\n"
		   "  -u, --udp            the session is UDP (default TCP)\n"
		   "  -l, --lifetime S     requested lifetime (default: the gateway's)\n"
		   "  -T, --timeout MS     first retransmission after MS (default 1000)\n"
		   "  -j, --json           print the assignment as JSON\n"
		   "In COMMAND, {port} {outport} {outaddr} {dest} {destport} are replaced.\n");
}

static uint32_t txid;

static bool accept_reply(void *arg, const uint8_t *buf, size_t len)
{
	struct dpm_msg *m = arg;
	return dpm_decode(buf, len, m) == DPM_OK && m->txid == txid &&
	       (m->type == DPM_SETUP_REPLY || m->type == DPM_RELEASE_REPLY);
}

static int request(int fd, struct dpm_msg *q, struct dpm_msg *r, unsigned timeout)
{
	uint8_t req[DPM_MSG_LEN], rsp[64];
	txid = q->txid;
	dpm_encode(q, req);
	return cn_exchange(fd, req, sizeof(req), rsp, sizeof(rsp), timeout, 4, accept_reply, r)
		       ? 0
		       : -1;
}

/* arg with every {name} replaced */
static char *substitute(const char *arg, char *const names[], char *const values[])
{
	size_t cap = strlen(arg) + 1;
	for (int i = 0; names[i]; i++)
		for (const char *p = strstr(arg, names[i]); p; p = strstr(p + 1, names[i]))
			cap += strlen(values[i]);
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	for (const char *p = arg; *p;) {
		int hit = -1;
		for (int i = 0; names[i] && hit < 0; i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0)
				hit = i;
		if (hit >= 0) {
			o += sprintf(o, "%s", values[hit]);
			p += strlen(names[hit]);
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	return out;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "server-port", required_argument, NULL, 'P' },
		{ "replaceable", no_argument, NULL, 'x' },
		{ "port", required_argument, NULL, 'p' },
		{ "udp", no_argument, NULL, 'u' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t server = 0;
	unsigned sport = DPM_DEFAULT_PORT, timeout = 1000;
	struct dpm_msg q;
	memset(&q, 0, sizeof(q));
	q.type = DPM_SETUP;
	q.proto = 6;
	bool json = false;
	unsigned long num;
	int o;
	while ((o = getopt_long(argc, argv, "+s:P:xp:ul:T:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (cn_parse_addr(optarg, &server))
				goto bad;
			break;
		case 'P':
			if (rg_parse_uint(optarg, 1, 65535, &num))
				goto bad;
			sport = (unsigned)num;
			break;
		case 'x':
			q.flags |= DPM_F_REPLACEABLE;
			break;
		case 'p':
			if (rg_parse_uint(optarg, 1, 65535, &num))
				goto bad;
			q.in_port = (uint16_t)num;
			break;
		case 'u':
			q.proto = 17;
			break;
		case 'l':
			if (rg_parse_uint(optarg, 0, UINT32_MAX, &num))
				goto bad;
			q.lifetime = (uint32_t)num;
			break;
		case 'T':
			if (rg_parse_uint(optarg, 1, 600000, &num))
				goto bad;
			timeout = (unsigned)num;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (argc - optind < 2)
		goto bad;
	unsigned long dport;
	if (cn_parse_addr(argv[optind], &q.addr) ||
	    rg_parse_uint(argv[optind + 1], 1, 65535, &dport))
		goto bad;
	q.port = (uint16_t)dport;
	char **cmd = argv + optind + 2;
	if (*cmd && strcmp(*cmd, "--") == 0)
		cmd++;
	if (!q.in_port && !(q.in_port = cn_free_port(q.proto))) {
		fprintf(stderr, "dpm-run: no free local port\n");
		return 1;
	}
	if (!server && !(server = cn_default_gateway())) {
		fprintf(stderr, "dpm-run: no default gateway; give the server with -s\n");
		return 2;
	}
	uint32_t local;
	uint16_t lport;
	int fd = cn_udp_connect(server, (uint16_t)sport, &local, &lport);
	if (fd < 0) {
		perror("dpm-run: socket");
		return 3;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	q.txid = (uint32_t)rand();
	struct dpm_msg r;
	if (request(fd, &q, &r, timeout)) {
		fprintf(stderr, "dpm-run: no answer from the DPM server\n");
		return 3;
	}
	if (r.flags != DPM_OK) {
		fprintf(stderr, "dpm-run: setup refused: %s\n", dpm_status_name(r.flags));
		return 1;
	}
	char port[8], outport[8], outaddr[16], dest[16], destport[8];
	snprintf(port, sizeof(port), "%u", q.in_port);
	snprintf(outport, sizeof(outport), "%u", r.port);
	cn_addr_str(r.addr, outaddr);
	cn_addr_str(q.addr, dest);
	snprintf(destport, sizeof(destport), "%u", q.port);
	if (json)
		printf("{\"inside_port\":%s,\"outside\":\"%s:%s\",\"destination\":\"%s:%s\","
		       "\"proto\":\"%s\",\"lifetime\":%u,\"replaceable\":%s}\n",
		       port, outaddr, outport, dest, destport, q.proto == 6 ? "tcp" : "udp",
		       r.lifetime, (q.flags & DPM_F_REPLACEABLE) ? "true" : "false");
	else
		fprintf(*cmd ? stderr : stdout, "dpm-run: %s port %s -> %s:%s toward %s:%s (%us)\n",
			q.proto == 6 ? "tcp" : "udp", port, outaddr, outport, dest, destport,
			r.lifetime);
	fflush(stdout);
	if (!*cmd)
		return 0;

	char *const names[] = { "{port}", "{outport}", "{outaddr}", "{destport}", "{dest}", NULL };
	char *const values[] = { port, outport, outaddr, destport, dest, NULL };
	int n = 0;
	while (cmd[n])
		n++;
	char **av = calloc((size_t)n + 1, sizeof(*av));
	for (int i = 0; av && i < n; i++)
		if (!(av[i] = substitute(cmd[i], names, values)))
			return 1;
	setenv("DPM_PORT", port, 1);
	setenv("DPM_OUT_PORT", outport, 1);
	setenv("DPM_OUT_ADDR", outaddr, 1);
	pid_t pid = fork();
	if (pid == 0) {
		close(fd);
		execvp(av[0], av);
		fprintf(stderr, "dpm-run: %s: ", av[0]);
		perror("");
		_exit(127);
	}
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	/* give the reservation back */
	q.type = DPM_RELEASE;
	q.txid++;
	request(fd, &q, &r, timeout);
	if (pid < 0)
		return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
bad:
	usage(stderr);
	return 2;
}
