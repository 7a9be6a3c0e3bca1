/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl commands that realmgated answers: status, pools, mappings,
 * reload, config check and the daemon's event stream. The daemon formats
 * the output (text or --json); realmctl prints it and exits with the
 * daemon's status.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../realmgated/config.h"
#include "ctl.h"

static const char not_allowed[] = "permission denied (root or realmgated's control_group only)";

static const char *socket_path(const struct ctl *c)
{
	if (c->socket)
		return c->socket;
	const char *e = getenv("REALMGATE_SOCKET");
	return e && *e ? e : CTL_DEFAULT_SOCKET;
}

const char *ctl_daemon_socket(struct ctl *c)
{
	static int checked = -1;
	if (c->direct)
		return NULL;
	const char *path = socket_path(c);
	if (checked >= 0)
		return checked ? path : NULL;
	checked = 0;
	char *body = NULL;
	if (ctl_daemon_request(path, "--json status", &body) < 0) {
		free(body);
		return NULL;
	}
	/* a device named on the command line must be the daemon's card */
	const char *dev = c->device ? c->device : getenv("REALMGATE_DEVICE");
	char want[96] = "";
	if (dev && *dev)
		snprintf(want, sizeof(want), "\"card\":\"%s\"", dev);
	checked = !want[0] || (body && strstr(body, want));
	free(body);
	return checked ? path : NULL;
}

static int config_check_file(const char *path)
{
	static struct rgd_cfg cfg;
	char err[512];
	if (rgd_config_load(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return CTL_FAIL;
	}
	printf("%s: ok (%u pools, %u rules)\n", path, cfg.n_pools, cfg.n_rules);
	return CTL_OK;
}

int cmd_daemon(struct ctl *c, int argc, char **argv)
{
	if (!strcmp(argv[0], "config") && argc == 3)
		return config_check_file(argv[2]); /* needs no daemon */
	const char *path = socket_path(c);
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s", c->json ? "--json" : "");
	for (int i = 0; i < argc; i++) {
		if (strchr(argv[i], ' ') || strchr(argv[i], '\n')) {
			fprintf(stderr, "realmctl: arguments cannot contain spaces\n");
			return CTL_USAGE;
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", argv[i]);
		if (n >= sizeof(line)) {
			fprintf(stderr, "realmctl: command too long\n");
			return CTL_USAGE;
		}
	}
	/* copied out as it comes: `mappings` of a million leases is streamed
	 * by the daemon and need not be held here either */
	int st = ctl_daemon_request_to(path, line, stdout, stderr);
	if (st < 0 && errno == EACCES) {
		fprintf(stderr, "realmctl: %s: %s\n", path, not_allowed);
		return CTL_FAIL;
	}
	if (st < 0) {
		fprintf(stderr, "realmctl: '%s' needs realmgated, and none answers at %s\n",
			argv[0], path);
		return CTL_NO_DAEMON;
	}
	return st;
}

int cmd_daemon_events(struct ctl *c, int argc, char **argv)
{
	long count, wait_s;
	if (events_options(argc, argv, &count, &wait_s))
		return CTL_USAGE;
	int fd = ctl_daemon_connect(socket_path(c));
	if (fd < 0 && errno == EACCES) {
		fprintf(stderr, "realmctl: %s: %s\n", socket_path(c), not_allowed);
		return CTL_FAIL;
	}
	const char *req = c->json ? "--json events" : "events";
	if (fd < 0 || ctl_daemon_send_line(fd, req)) {
		fprintf(stderr, "realmctl: no realmgated at %s\n", socket_path(c));
		return CTL_NO_DAEMON;
	}
	/* own line buffer, not stdio: poll must not wait for more while
	 * whole lines already read sit in a FILE's buffer */
	char buf[4096];
	size_t len = 0;
	bool head = true;
	time_t end = wait_s >= 0 ? time(NULL) + wait_s : 0;
	long got = 0;
	while (count < 0 || got < count) {
		char *nl = memchr(buf, '\n', len);
		if (nl) {
			size_t ll = (size_t)(nl - buf) + 1;
			if (head) {
				if (strncmp(buf, "RG 0\n", 5)) {
					fprintf(stderr,
						"realmctl: realmgated refused the event stream\n");
					close(fd);
					return CTL_FAIL;
				}
				head = false;
			} else {
				fwrite(buf, 1, ll, stdout);
				fflush(stdout);
				got++;
			}
			memmove(buf, buf + ll, len - ll);
			len -= ll;
			continue;
		}
		if (len == sizeof(buf))
			len = 0; /* a line longer than any the daemon writes: drop it */
		int ms = -1;
		if (end) {
			long left = (long)(end - time(NULL));
			if (left <= 0)
				break;
			/* a day at most per wait: the milliseconds fit an int */
			ms = left > 86400 ? 86400 * 1000 : (int)left * 1000;
		}
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, ms) <= 0)
			break;
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (head) {
		fprintf(stderr, "realmctl: realmgated refused the event stream\n");
		return CTL_FAIL;
	}
	return CTL_OK;
}
