/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging to syslog (daemon) or stderr (foreground, tests). */
#ifndef RGD_LOG_H
#define RGD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void rgd_log_open(const char *ident, bool to_stderr, int max_level);
/* With syslog: also write warnings and errors to stderr (while a detaching
 * daemon starts, so that whoever started it sees why it failed). */
void rgd_log_echo(bool on);
void rgd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* RGD_LOG_H */
