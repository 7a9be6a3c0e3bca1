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

#endif /* RG_HOST_PARSE_NUM_H */
