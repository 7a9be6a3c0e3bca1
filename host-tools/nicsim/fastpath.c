/* SPDX-License-Identifier: BSD-2-Clause */
/* Building the soft or RTL fast path for nicsim (fastpath.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "realmgate/regmap.h"

/* Index geometry for a session capacity: two banks of 4-slot buckets, two
 * slots per session, sized for at most 50 % slot load. */
static uint32_t buckets_log2_for(uint32_t sessions)
{
	uint32_t b = 2;
	while ((8ull << b) < 4ull * sessions && b < 24)
		b++;
	return b;
}

int fastpath_have_rtl(void)
{
	return 0;
}

int fastpath_open(struct fastpath *fp, unsigned kind, uint32_t sessions, char *err, size_t err_len)
{
	memset(fp, 0, sizeof(*fp));
	fp->kind = kind;
	struct rg_fp_geometry g = { .buckets_log2 = buckets_log2_for(sessions),
				    .sessions = sessions,
				    .adjacencies = 256 };
	if (kind == RG_FASTPATH_RTL) {
		snprintf(err, err_len,
			 "this nicsim was built without the RTL model (rtl-model/sim): "
			 "use --fastpath soft");
		return -1;
	}
	if (kind != RG_FASTPATH_SOFT) {
		snprintf(err, err_len, "unknown fast path kind %u", kind);
		return -1;
	}
	size_t len = rg_fp_mem_size(&g);
	if (!len) {
		snprintf(err, err_len, "invalid session capacity %u", sessions);
		return -1;
	}
	fp->soft = calloc(1, sizeof(*fp->soft));
	fp->mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
	if (!fp->soft || !fp->mem || rg_fp_init(fp->soft, &g, fp->mem, len)) {
		snprintf(err, err_len, "cannot set up the soft fast path (%zu bytes)", len);
		fastpath_close(fp);
		return -1;
	}
	rg_fpdev_soft(&fp->dev, fp->soft);
	return 0;
}

void fastpath_close(struct fastpath *fp)
{
	free(fp->soft);
	free(fp->mem);
	memset(fp, 0, sizeof(*fp));
}
