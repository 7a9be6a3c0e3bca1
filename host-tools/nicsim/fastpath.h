/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The card's fast path as nicsim builds it: the soft fast path (C model) or
 * the Verilated RTL, both behind struct rg_fpdev (firmware/fpdev.h), so the
 * rest of the card is the same for both.
 */
#ifndef RG_NICSIM_FASTPATH_H
#define RG_NICSIM_FASTPATH_H

#include <stddef.h>

#include "../../firmware/fpdev.h"

struct fastpath {
	struct rg_fpdev dev;
	unsigned kind; /* enum rg_fastpath_kind */
	struct rg_fp *soft;
	void *mem;
	void *rtl;
};

/* Build a fast path of `kind` with room for `sessions` sessions. 0, or -1
 * with err (e.g. a build without the RTL model asked for rtl). */
int fastpath_open(struct fastpath *fp, unsigned kind, uint32_t sessions, char *err, size_t err_len);
void fastpath_close(struct fastpath *fp);

/* Whether this build can run the RTL model. */
int fastpath_have_rtl(void);

#endif /* RG_NICSIM_FASTPATH_H */
