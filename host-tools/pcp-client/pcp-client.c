/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcp-client: a PCP (RFC 6887) client for the inside realm — MAP, PEER,
 * delete and ANNOUNCE, with THIRD_PARTY, PREFER_FAILURE and FILTER, and a
 * renew loop that keeps a mapping alive until interrupted (then deletes it).
 * See docs/man/pcp-client.1.
 *
 * Exit status: 0 success, 1 the server answered with an error result,
 * 2 usage, 3 no answer.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/parse_num.h"
#include "../libpcp/client_net.h"
#include "../libpcp/pcp_wire.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pcp-client [options] map PROTO INTERNAL-PORT\n"
		"       pcp-client [options] peer PROTO INTERNAL-PORT REMOTE-ADDR REMOTE-PORT\n"
		"       pcp-client [options] delete PROTO INTERNAL-PORT [REMOTE-ADDR REMOTE-PORT]\n"
		"       pcp-client [options] announce\n"
		"options:\n"
		"  -s, --server ADDR        PCP server (default: the default gateway)\n"
		"  -p, --port PORT          server port (default 5351)\n"
		"  -l, --lifetime SECONDS   requested lifetime (default 3600)\n"
		"  -e, --external PORT      suggested external port\n"
		"  -a, --external-addr ADDR suggested external address\n"
		"  -F, --prefer-failure     the suggestion or nothing (PREFER_FAILURE)\n"
		"  -f, --filter ADDR[/LEN][:PORT]  admit only this remote (FILTER; repeatable;\n"
		"                           'none' removes all filters)\n"
		"  -t, --third-party ADDR   request for another inside host (THIRD_PARTY)\n"
		"  -n, --nonce HEX          24 hex digits (default: derived from machine, user,\n"
		"                           protocol and port, so delete and renew match)\n"
		"  -r, --renew              keep renewing until interrupted, then delete\n"
		"  -T, --timeout MS         first retransmission after MS (default 3000)\n"
		"  -R, --tries N            requests sent before giving up (default 4)\n"
		"  -j, --json               print the answer as JSON\n");
}

static int parse_proto(const char *s)
{
	if (strcmp(s, "udp") == 0 || strcmp(s, "17") == 0)
		return 17;
	if (strcmp(s, "tcp") == 0 || strcmp(s, "6") == 0)
		return 6;
	if (strcmp(s, "all") == 0 || strcmp(s, "0") == 0)
		return 0;
	return -1;
}

static int parse_port(const char *s)
{
	unsigned long v;
	return rg_parse_uint(s, 0, 65535, &v) ? -1 : (int)v;
}

/* FNV-1a of what identifies "this client's mapping", so that a later
 * delete or renew carries the same nonce without state on disk. */
static void derive_nonce(uint8_t nonce[12], uint8_t proto, uint16_t port)
{
	char seed[128] = "";
	FILE *f = fopen("/etc/machine-id", "r");
	if (f) {
		if (!fgets(seed, sizeof(seed), f))
			seed[0] = 0;
		fclose(f);
	}
	uint64_t h = 1469598103934665603ull;
	char extra[64];
	snprintf(extra, sizeof(extra), "|%u|%u|%u", (unsigned)getuid(), proto, port);
	for (const char *p = seed; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	for (const char *p = extra; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	for (int i = 0; i < 12; i++) {
		h = (h ^ (uint64_t)i) * 1099511628211ull;
		nonce[i] = (uint8_t)(h >> 56);
	}
}

static int parse_nonce(const char *s, uint8_t nonce[12])
{
	if (strlen(s) != 24)
		return -1;
	for (int i = 0; i < 12; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		nonce[i] = (uint8_t)v;
	}
	return 0;
}

static int parse_filter(const char *s, struct pcp_filter *f)
{
	char buf[48];
	snprintf(buf, sizeof(buf), "%s", s);
	memset(f, 0, sizeof(*f));
	if (strcmp(buf, "none") == 0)
		return 0; /* prefix length 0: remove all */
	char *colon = strchr(buf, ':');
	if (colon) {
		*colon = 0;
		int p = parse_port(colon + 1);
		if (p < 0)
			return -1;
		f->port = (uint16_t)p;
	}
	long plen = 32;
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		unsigned long n;
		if (rg_parse_uint(slash + 1, 1, 32, &n))
			return -1;
		plen = (long)n;
	}
	uint32_t a;
	if (cn_parse_addr(buf, &a))
		return -1;
	pcp_addr_from_v4(&f->addr, a);
	f->plen = (uint8_t)(96 + plen);
	return 0;
}

struct match {
	const struct pcp_msg *req;
};

static bool accept_rsp(void *arg, const uint8_t *buf, size_t len)
{
	const struct pcp_msg *q = ((struct match *)arg)->req;
	struct pcp_msg r;
	if (pcp_decode_response(buf, len, &r) != PCP_SUCCESS || r.opcode != q->opcode)
		return false;
	/* an answer to this request: same nonce (unsolicited ANNOUNCEs and
	 * answers to older requests do not count) */
	return q->opcode == PCP_OP_ANNOUNCE || r.result != PCP_SUCCESS ||
	       memcmp(r.nonce, q->nonce, 12) == 0;
}

static void print(const struct pcp_msg *q, const struct pcp_msg *r, uint32_t inside, bool json)
{
	static const char *const ops[] = { "ANNOUNCE", "MAP", "PEER" };
	char a[16], b[16], c[16];
	const char *proto = q->proto == 6 ? "tcp" : q->proto == 17 ? "udp" : "all";
	char nonce[25];
	for (int i = 0; i < 12; i++)
		snprintf(nonce + 2 * i, 3, "%02x", q->nonce[i]);
	const char *op = r->opcode < 3 ? ops[r->opcode] : "?";
	if (json) {
		printf("{\"opcode\":\"%s\",\"result\":\"%s\",\"result_code\":%u,\"lifetime\":%u,"
		       "\"epoch\":%u",
		       op, pcp_result_name(r->result), r->result, r->lifetime, r->epoch);
		if (r->opcode != PCP_OP_ANNOUNCE) {
			printf(",\"proto\":\"%s\",\"internal\":\"%s:%u\",\"external\":\"%s:%u\","
			       "\"nonce\":\"%s\"",
			       proto, cn_addr_str(inside, a), q->int_port,
			       cn_addr_str(pcp_addr_to_v4(&r->ext_addr), b), r->ext_port, nonce);
			if (r->opcode == PCP_OP_PEER)
				printf(",\"peer\":\"%s:%u\"",
				       cn_addr_str(pcp_addr_to_v4(&r->peer_addr), c), r->peer_port);
		}
		printf("}\n");
	} else if (r->opcode == PCP_OP_ANNOUNCE) {
		printf("ANNOUNCE %s epoch %u\n", pcp_result_name(r->result), r->epoch);
	} else {
		printf("%s %s %s %s:%u -> %s:%u", op, pcp_result_name(r->result), proto,
		       cn_addr_str(inside, a), q->int_port,
		       cn_addr_str(pcp_addr_to_v4(&r->ext_addr), b), r->ext_port);
		if (r->opcode == PCP_OP_PEER)
			printf(" peer %s:%u", cn_addr_str(pcp_addr_to_v4(&r->peer_addr), c),
			       r->peer_port);
		printf(" lifetime %u epoch %u nonce %s\n", r->lifetime, r->epoch, nonce);
	}
	fflush(stdout);
}

static int exchange(int fd, const struct pcp_msg *q, struct pcp_msg *r, unsigned timeout,
		    unsigned tries)
{
	uint8_t req[PCP_MAX_LEN], rsp[PCP_MAX_LEN];
	size_t n = pcp_encode_request(q, req, sizeof(req));
	if (!n)
		return -1;
	struct match m = { q };
	size_t got = cn_exchange(fd, req, n, rsp, sizeof(rsp), timeout, tries, accept_rsp, &m);
	if (!got)
		return -1;
	pcp_decode_response(rsp, got, r);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "external", required_argument, NULL, 'e' },
		{ "external-addr", required_argument, NULL, 'a' },
		{ "prefer-failure", no_argument, NULL, 'F' },
		{ "filter", required_argument, NULL, 'f' },
		{ "third-party", required_argument, NULL, 't' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "renew", no_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "tries", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pcp_msg q;
	memset(&q, 0, sizeof(q));
	q.lifetime = 3600;
	uint32_t server = 0, tp;
	int port = PCP_SERVER_PORT, o;
	bool renew = false, json = false, have_nonce = false;
	unsigned timeout = 3000, tries = 4;
	unsigned long num;
	while ((o = getopt_long(argc, argv, "s:p:l:e:a:Ff:t:n:rT:R:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (cn_parse_addr(optarg, &server))
				goto bad;
			break;
		case 'p':
			if ((port = parse_port(optarg)) <= 0)
				goto bad;
			break;
		case 'l':
			if (rg_parse_uint(optarg, 0, UINT32_MAX, &num))
				goto bad;
			q.lifetime = (uint32_t)num;
			break;
		case 'e': {
			int e = parse_port(optarg);
			if (e < 0)
				goto bad;
			q.ext_port = (uint16_t)e;
			break;
		}
		case 'a': {
			uint32_t a;
			if (cn_parse_addr(optarg, &a))
				goto bad;
			pcp_addr_from_v4(&q.ext_addr, a);
			break;
		}
		case 'F':
			q.prefer_failure = true;
			break;
		case 'f':
			if (q.n_filters == PCP_WIRE_MAX_FILTERS ||
			    parse_filter(optarg, &q.filters[q.n_filters]))
				goto bad;
			q.n_filters++;
			break;
		case 't':
			if (cn_parse_addr(optarg, &tp))
				goto bad;
			q.third_party = true;
			pcp_addr_from_v4(&q.third_party_addr, tp);
			break;
		case 'n':
			if (parse_nonce(optarg, q.nonce))
				goto bad;
			have_nonce = true;
			break;
		case 'r':
			renew = true;
			break;
		case 'T':
			if (rg_parse_uint(optarg, 1, 600000, &num))
				goto bad;
			timeout = (unsigned)num;
			break;
		case 'R':
			if (rg_parse_uint(optarg, 1, 100, &num))
				goto bad;
			tries = (unsigned)num;
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
	if (optind >= argc)
		goto bad;
	const char *cmd = argv[optind];
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (strcmp(cmd, "announce") == 0 && nargs == 0) {
		q.opcode = PCP_OP_ANNOUNCE;
		q.lifetime = 0;
	} else if ((strcmp(cmd, "map") == 0 && nargs == 2) ||
		   (strcmp(cmd, "peer") == 0 && nargs == 4) ||
		   (strcmp(cmd, "delete") == 0 && (nargs == 2 || nargs == 4))) {
		int proto = parse_proto(args[0]), ip = parse_port(args[1]);
		if (proto < 0 || ip < 0)
			goto bad;
		q.proto = (uint8_t)proto;
		q.int_port = (uint16_t)ip;
		q.opcode = (cmd[0] == 'p' || nargs == 4) ? PCP_OP_PEER : PCP_OP_MAP;
		if (q.opcode == PCP_OP_PEER) {
			uint32_t ra;
			int rp = parse_port(args[3]);
			if (cn_parse_addr(args[2], &ra) || rp < 0)
				goto bad;
			pcp_addr_from_v4(&q.peer_addr, ra);
			q.peer_port = (uint16_t)rp;
		}
		if (cmd[0] == 'd')
			q.lifetime = 0;
		if (!have_nonce)
			derive_nonce(q.nonce, q.proto, q.int_port);
	} else {
		goto bad;
	}
	if (!server && !(server = cn_default_gateway())) {
		fprintf(stderr, "pcp-client: no default gateway; give the server with -s\n");
		return 2;
	}
	uint32_t local;
	uint16_t lport;
	int fd = cn_udp_connect(server, (uint16_t)port, &local, &lport);
	if (fd < 0) {
		perror("pcp-client: socket");
		return 3;
	}
	pcp_addr_from_v4(&q.client, local);
	uint32_t inside = q.third_party ? pcp_addr_to_v4(&q.third_party_addr) : local;
	struct pcp_msg r;
	if (exchange(fd, &q, &r, timeout, tries)) {
		fprintf(stderr, "pcp-client: no answer from the PCP server\n");
		return 3;
	}
	print(&q, &r, inside, json);
	if (r.result != PCP_SUCCESS)
		return 1;
	if (!renew || q.lifetime == 0 || q.opcode == PCP_OP_ANNOUNCE)
		return 0;

	/* renew loop: RFC 6887 11.2.1 says renew between 1/2 and 5/8 of the
	 * lifetime; stop on SIGINT/SIGTERM and delete the mapping */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* keep what we got on renewals */
	q.ext_port = r.ext_port;
	q.ext_addr = r.ext_addr;
	int rc = 0;
	while (!stop) {
		unsigned wait = r.lifetime / 2 + (unsigned)(rand() % (r.lifetime / 8 + 1));
		for (unsigned s = 0; s < wait && !stop; s++)
			sleep(1);
		if (stop)
			break;
		if (exchange(fd, &q, &r, timeout, tries)) {
			fprintf(stderr, "pcp-client: renewal got no answer\n");
			rc = 3;
			break;
		}
		print(&q, &r, inside, json);
		if (r.result != PCP_SUCCESS) {
			rc = 1;
			break;
		}
	}
	q.lifetime = 0;
	if (exchange(fd, &q, &r, timeout, tries) == 0)
		print(&q, &r, inside, json);
	return rc;
bad:
	usage(stderr);
	return 2;
}
