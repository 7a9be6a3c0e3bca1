/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging to syslog (daemon) or stderr (foreground, tests). */
#ifndef RGD_LOG_H
#define RGD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void rgd_log_open(const char *ident, bool to_stderr, int max_level);
void rgd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* RGD_LOG_H */
