/* SPDX-License-Identifier: BSD-2-Clause */
/* Growing answer buffer of the control socket (ctl_out.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_out.h"

char *rgd_out_reserve(struct rgd_ctl_out *o, size_t n)
{
	if (o->truncated)
		return NULL;
	if (n >= RGD_CTL_OUT_MAX || o->len + n + 1 > RGD_CTL_OUT_MAX) {
		o->truncated = true;
		return NULL;
	}
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		if (cap > RGD_CTL_OUT_MAX)
			cap = RGD_CTL_OUT_MAX;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->truncated = true;
			return NULL;
		}
		o->p = p;
		o->cap = cap;
	}
	return o->p + o->len;
}

void rgd_out_put(struct rgd_ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	char *at = rgd_out_reserve(o, (size_t)n);
	if (!at)
		return;
	va_start(ap, fmt);
	vsnprintf(at, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void rgd_out_json_str(struct rgd_ctl_out *o, const char *s)
{
	rgd_out_put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rgd_out_put(o, "\\%c", c);
		else if (c < 0x20)
			rgd_out_put(o, "\\u%04x", c);
		else
			rgd_out_put(o, "%c", c);
	}
	rgd_out_put(o, "\"");
}

char *rgd_out_take(struct rgd_ctl_out *o, size_t *len)
{
	char *p = o->p;
	*len = o->len;
	memset(o, 0, sizeof(*o));
	return p;
}

void rgd_out_free(struct rgd_ctl_out *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

void rgd_out_mark_truncated(struct rgd_ctl_out *o)
{
	static const char note[] = "realmgated: answer cut at the control socket's limit "
				   "(64 MiB): ask for less\n";
	if (!o->p)
		return;
	/* whole lines only (a JSON answer is one line: it goes entirely) */
	while (o->len && o->p[o->len - 1] != '\n')
		o->len--;
	if (o->cap < o->len + sizeof(note)) {
		char *p = realloc(o->p, o->len + sizeof(note));
		if (!p) {
			o->p[o->len] = 0;
			return;
		}
		o->p = p;
		o->cap = o->len + sizeof(note);
	}
	memcpy(o->p + o->len, note, sizeof(note));
	o->len += sizeof(note) - 1;
}
