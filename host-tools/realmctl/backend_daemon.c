/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmctl's daemon backend: while realmgated owns the card (the driver
 * gives one process the card at a time), realmctl's card commands travel
 * as mailbox payloads over the daemon's control socket and the daemon runs
 * them (docs/protocols.md, "Control socket"). Events come on a second
 * connection that the daemon streams them on.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

struct dpriv {
	char path[108];
	int evfd;
	char evbuf[4096];
	size_t evlen;
	char err[256];
};

int ctl_daemon_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno; /* the caller tells "no daemon" from "not allowed" */
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int ctl_daemon_send_line(int fd, const char *line)
{
	size_t n = strlen(line);
	char *b = malloc(n + 1);
	if (!b)
		return -1;
	memcpy(b, line, n);
	b[n] = '\n';
	/* one send: the daemon answers at the newline; no SIGPIPE when it has
	 * already answered and closed (busy, not allowed) */
	ssize_t w = send(fd, b, n + 1, MSG_NOSIGNAL);
	free(b);
	return w == (ssize_t)(n + 1) ? 0 : -1;
}

/* The first line ("RG N") and at least the body's first five bytes (enough
 * to tell "busy:"), or everything up to the close: *len bytes in buf.
 * Returns the status, -1 when no status line came. */
static int read_head(int fd, char *buf, size_t cap, size_t *len, size_t *body_at)
{
	*len = 0;
	char *nl = NULL;
	for (;;) {
		nl = memchr(buf, '\n', *len);
		if ((nl && *len >= (size_t)(nl + 1 - buf) + 5) || *len + 1 >= cap)
			break;
		ssize_t r = read(fd, buf + *len, cap - 1 - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	buf[*len] = 0;
	nl = memchr(buf, '\n', *len);
	int status;
	if (!nl || sscanf(buf, "RG %d", &status) != 1)
		return -1;
	*body_at = (size_t)(nl + 1 - buf);
	return status;
}

int ctl_daemon_request_to(const char *path, const char *line, FILE *ok, FILE *fail)
{
	static char buf[65536];
	for (int attempt = 0;; attempt++) {
		int fd = ctl_daemon_connect(path);
		if (fd < 0)
			return -1;
		/* a refusal may already be waiting: read it even if the send failed */
		int sent = ctl_daemon_send_line(fd, line);
		if (sent && errno != EPIPE && errno != ECONNRESET) {
			close(fd);
			return -1;
		}
		size_t len, at;
		int st = read_head(fd, buf, sizeof(buf), &len, &at);
		if (st < 0) {
			close(fd);
			return -1;
		}
		if (st == 1 && !strncmp(buf + at, "busy:", 5) && attempt < 5) {
			close(fd);
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			continue;
		}
		FILE *out = st == 0 ? ok : fail;
		fwrite(buf + at, 1, len - at, out);
		for (;;) {
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			fwrite(buf, 1, (size_t)r, out);
		}
		close(fd);
		fflush(out);
		return st;
	}
}

/* Send one request line, read the whole answer (until the daemon closes).
 * Returns the status of the "RG N" line, -1 on a transport error; the body
 * in *body (malloc'd). A daemon with all its control places taken answers
 * "busy": asked again a few times over a second. */
int ctl_daemon_request(const char *path, const char *line, char **body)
{
	size_t size = 0;
	*body = NULL;
	FILE *m = open_memstream(body, &size);
	if (!m)
		return -1;
	int st = ctl_daemon_request_to(path, line, m, m);
	int e = errno;
	if (fclose(m) || st < 0) {
		free(*body);
		*body = NULL;
		errno = e;
		return -1;
	}
	return st;
}

static void tohex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	if (!n) {
		strcpy(out, "-");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

static size_t fromhex(const char *s, size_t slen, uint8_t *out, size_t cap)
{
	if (slen == 1 && s[0] == '-')
		return 0;
	size_t n = slen / 2 < cap ? slen / 2 : cap;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static enum rg_status d_cmd(struct ctl_backend *b, uint16_t opcode, const void *req,
			    uint16_t req_len, void *rsp, uint16_t rsp_cap, uint16_t *rsp_len,
			    void *bulk, uint32_t bulk_cap, uint32_t *bulk_used)
{
	struct dpriv *p = b->priv;
	char line[64 + 2 * RG_CMD_PAYLOAD];
	char hexreq[2 * RG_CMD_PAYLOAD + 2];
	if (req_len > RG_CMD_PAYLOAD)
		return RG_ST_BAD_LENGTH;
	tohex(req, req_len, hexreq);
	snprintf(line, sizeof(line), "raw %u %u %s", opcode, bulk ? bulk_cap : 0, hexreq);
	char *body;
	int st = ctl_daemon_request(p->path, line, &body);
	if (st != 0) {
		snprintf(p->err, sizeof(p->err), "realmgated at %s: %s", p->path,
			 st < 0 ? "no answer"
			 : body ? body
				: "refused");
		free(body);
		return RG_ST_IO;
	}
	unsigned status;
	char rh[2 * RG_CPL_PAYLOAD + 2];
	int off = 0;
	if (sscanf(body, "%u %217s %n", &status, rh, &off) != 2) {
		snprintf(p->err, sizeof(p->err), "realmgated: malformed answer");
		free(body);
		return RG_ST_IO;
	}
	char *bh = body + off;
	size_t bl = strcspn(bh, "\n");
	uint8_t tmp[RG_CPL_PAYLOAD];
	size_t rl = fromhex(rh, strlen(rh), tmp, sizeof(tmp));
	if (rsp) {
		memset(rsp, 0, rsp_cap);
		memcpy(rsp, tmp, rl < rsp_cap ? rl : rsp_cap);
	}
	if (rsp_len)
		*rsp_len = (uint16_t)rl;
	size_t used = bulk ? fromhex(bh, bl, bulk, bulk_cap) : 0;
	if (bulk_used)
		*bulk_used = (uint32_t)used;
	free(body);
	if (status == RG_ST_NOT_AUTHORIZED)
		snprintf(p->err, sizeof(p->err),
			 "realmgated owns the card's configuration: change its file and reload");
	return (enum rg_status)status;
}

static int d_event(struct ctl_backend *b, struct rg_evt *evt)
{
	struct dpriv *p = b->priv;
	if (p->evfd < 0) {
		p->evfd = ctl_daemon_connect(p->path);
		if (p->evfd < 0 || ctl_daemon_send_line(p->evfd, "raw-events"))
			return 0;
		fcntl(p->evfd, F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		char *nl = memchr(p->evbuf, '\n', p->evlen);
		if (nl) {
			size_t ll = (size_t)(nl - p->evbuf);
			int got = 0;
			if (ll > 2 && p->evbuf[0] == 'E' && p->evbuf[1] == ' ') {
				memset(evt, 0, sizeof(*evt));
				fromhex(p->evbuf + 2, ll - 2, (uint8_t *)evt, sizeof(*evt));
				got = 1;
			} else if (ll > 2 && p->evbuf[0] == 'L' && p->evbuf[1] == ' ') {
				/* the daemon could not pass these on: say so, the
				 * card's sequence numbers show the gap too */
				fprintf(stderr,
					"realmctl: realmgated dropped %.*s events for this client "
					"(it did not keep up)\n",
					(int)(ll - 2), p->evbuf + 2);
			}
			memmove(p->evbuf, nl + 1, p->evlen - ll - 1);
			p->evlen -= ll + 1;
			if (got)
				return 1;
			continue;
		}
		ssize_t r = read(p->evfd, p->evbuf + p->evlen, sizeof(p->evbuf) - p->evlen);
		if (r <= 0)
			return 0;
		p->evlen += (size_t)r;
	}
}

static int d_wait_event(struct ctl_backend *b, int timeout_ms)
{
	struct dpriv *p = b->priv;
	if (p->evfd < 0)
		return -1;
	struct pollfd pf = { p->evfd, POLLIN, 0 };
	int n = poll(&pf, 1, timeout_ms);
	return n < 0 ? -1 : n > 0;
}

static const char *d_error(struct ctl_backend *b)
{
	return ((struct dpriv *)b->priv)->err;
}

static void d_close(struct ctl_backend *b)
{
	struct dpriv *p = b->priv;
	if (p->evfd >= 0)
		close(p->evfd);
	free(p);
	free(b);
}

struct ctl_backend *ctl_daemon_open(const char *path, char *err, size_t err_len)
{
	int fd = ctl_daemon_connect(path);
	if (fd < 0) {
		snprintf(err, err_len, "no realmgated at %s: %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	struct ctl_backend *b = calloc(1, sizeof(*b));
	struct dpriv *p = calloc(1, sizeof(*p));
	if (!b || !p) {
		free(b);
		free(p);
		return NULL;
	}
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->evfd = -1;
	b->kind = "daemon";
	b->where = p->path;
	b->cmd = d_cmd;
	b->event = d_event;
	b->wait_event = d_wait_event;
	b->error = d_error;
	b->close = d_close;
	b->priv = p;
	return b;
}
