/* SPDX-License-Identifier: BSD-2-Clause */
/* Detaching with a start report; see detach.h. */
#include "detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

int rgd_detach(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		unsigned char st;
		ssize_t n;
		do
			n = read(p[0], &st, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1) {
			/* the child died before it could say anything */
			fprintf(stderr, "realmgated: the daemon exited while starting\n");
			_exit(1);
		}
		_exit(st);
	}
	close(p[0]);
	if (setsid() < 0 || chdir("/")) {
		close(p[1]);
		return -1;
	}
	return p[1];
}

void rgd_detach_ready(int fd, int status)
{
	unsigned char st = (unsigned char)status;
	if (write(fd, &st, 1) != 1) {
		/* the parent is gone: nobody is waiting, go on */
	}
	close(fd);
	if (status)
		return;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
}
