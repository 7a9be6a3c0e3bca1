/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated --daemon: detach from the terminal, but let the command that
 * started it return only once the daemon serves (exit 0) or has failed to
 * start (exit 1), so scripts and init systems see a start failure.
 */
#ifndef RGD_DETACH_H
#define RGD_DETACH_H

/* Fork. The parent waits for rgd_detach_ready() and exits with its status;
 * it never returns. The child, in a new session with working directory /,
 * gets a descriptor for rgd_detach_ready(); -1 if it could not fork. */
int rgd_detach(void);

/* In the child: tell the waiting parent the start status (0 = serving) and
 * let go of the terminal (standard streams to /dev/null). */
void rgd_detach_ready(int fd, int status);

#endif /* RGD_DETACH_H */
