/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static bool use_stderr = true;
static bool echo_stderr; /* problems to stderr too: a detaching daemon's start */
static int log_max = LOG_INFO;
static const char *log_ident = "realmgated";

void rgd_log_open(const char *ident, bool to_stderr, int max_level)
{
	log_ident = ident;
	use_stderr = to_stderr;
	log_max = max_level;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void rgd_log_echo(bool on)
{
	echo_stderr = on;
}

void rgd_log(int level, const char *fmt, ...)
{
	if (level > log_max)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (!use_stderr) {
		va_list again;
		va_copy(again, ap);
		vsyslog(level, fmt, again);
		va_end(again);
	}
	if (use_stderr || (echo_stderr && level <= LOG_WARNING)) {
		static const char *const names[] = { "emerg",	"alert",  "crit", "error",
						     "warning", "notice", "info", "debug" };
		fprintf(stderr, "%s: %s: ", log_ident, names[level & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
