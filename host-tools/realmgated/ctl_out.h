/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The answer to one control request, built in memory before it is sent: it
 * grows as needed up to RGD_CTL_OUT_MAX, so a listing is either complete or
 * marked truncated, never silently cut (the client gets a failing status
 * and a last line saying so).
 */
#ifndef RGD_CTL_OUT_H
#define RGD_CTL_OUT_H

#include <stdbool.h>
#include <stddef.h>

/* enough for about 300,000 lease or session lines */
#define RGD_CTL_OUT_MAX (64u << 20)

struct rgd_ctl_out {
	char *p; /* NUL-terminated; NULL until the first put */
	size_t len, cap;
	bool truncated; /* something did not fit in RGD_CTL_OUT_MAX (or memory) */
};

void rgd_out_put(struct rgd_ctl_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A JSON string: quoted, with ", \ and control characters escaped. */
void rgd_out_json_str(struct rgd_ctl_out *o, const char *s);

/* Room for n more bytes at o->p + o->len (plus the NUL), or NULL (and
 * truncated set). The caller advances o->len by what it wrote. */
char *rgd_out_reserve(struct rgd_ctl_out *o, size_t n);

/* End a truncated answer: cut it after its last whole line and say so
 * (also when the limit was reached). */
void rgd_out_mark_truncated(struct rgd_ctl_out *o);

/* Hand the buffer over (the caller frees it) and reset o. */
char *rgd_out_take(struct rgd_ctl_out *o, size_t *len);

void rgd_out_free(struct rgd_ctl_out *o);

#endif /* RGD_CTL_OUT_H */
