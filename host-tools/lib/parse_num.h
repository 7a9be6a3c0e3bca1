/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host tools' one way to read a number from the command line or a
 * configuration word: decimal digits only, nothing after them, within
 * min..max. strtoul alone takes "-1" as ULONG_MAX, " 5" and "+5" as 5 and
 * "5x" as 5; atol takes anything. Header-only so every tool (realmctl,
 * nicsim, the client tools) shares it without a library of its own.
 */
#ifndef RG_HOST_PARSE_NUM_H
#define RG_HOST_PARSE_NUM_H

#include <errno.h>
#include <stdlib.h>

/* 0 and *v set, or -1 and *v untouched. */
static inline int rg_parse_uint(const char *s, unsigned long min, unsigned long max,
				unsigned long *v)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

/* "N" or "N-M" (digits only), min <= N <= M <= max: a port range. 0 and
 * *lo, *hi set, or -1 and both untouched. */
static inline int rg_parse_range(const char *s, unsigned long min, unsigned long max,
				 unsigned long *lo, unsigned long *hi)
{
	char buf[24];
	unsigned i = 0;
	while (s[i] && s[i] != '-' && i + 1 < sizeof(buf)) {
		buf[i] = s[i];
		i++;
	}
	if (s[i] && s[i] != '-')
		return -1; /* too long for a number */
	buf[i] = 0;
	unsigned long a, b;
	if (rg_parse_uint(buf, min, max, &a))
		return -1;
	b = a;
	if (s[i] == '-' && rg_parse_uint(s + i + 1, a, max, &b))
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

#endif /* RG_HOST_PARSE_NUM_H */
