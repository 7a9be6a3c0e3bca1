/* SPDX-License-Identifier: BSD-2-Clause */
/* Building the soft or RTL fast path for nicsim (fastpath.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "realmgate/regmap.h"

/* Built with -DRG_NICSIM_RTL when rtl-model/sim is in the tree. */
#ifdef RG_NICSIM_RTL
#include "../../rtl-model/sim/fpdev_rtl.h"
#include "../../rtl-model/sim/rg_rtl.h"
#endif

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
#ifdef RG_NICSIM_RTL
	return 1;
#else
	return 0;
#endif
}

/* The Verilated pipeline: its geometry is the RTL's own (read from its
 * CSRs by the adapter), not the --sessions the soft fast path takes. */
static int open_rtl(struct fastpath *fp, char *err, size_t err_len)
{
#ifdef RG_NICSIM_RTL
	fp->rtl = rg_rtl_create();
	if (!fp->rtl) {
		snprintf(err, err_len, "cannot create the Verilated RTL model");
		return -1;
	}
	if (rg_fpdev_rtl_open(&fp->dev, fp->rtl)) {
		snprintf(err, err_len, "cannot attach to the RTL model's tables (out of memory?)");
		rg_rtl_destroy(fp->rtl);
		fp->rtl = NULL;
		return -1;
	}
	return 0;
#else
	(void)fp;
	snprintf(err, err_len,
		 "this nicsim was built without the RTL model (rtl-model/sim): "
		 "use --fastpath soft");
	return -1;
#endif
}

int fastpath_open(struct fastpath *fp, unsigned kind, uint32_t sessions, char *err, size_t err_len)
{
	memset(fp, 0, sizeof(*fp));
	fp->kind = kind;
	struct rg_fp_geometry g = { .buckets_log2 = buckets_log2_for(sessions),
				    .sessions = sessions,
				    .adjacencies = 256 };
	if (kind == RG_FASTPATH_RTL)
		return open_rtl(fp, err, err_len);
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
#ifdef RG_NICSIM_RTL
	if (fp->rtl) {
		rg_fpdev_rtl_close(&fp->dev);
		rg_rtl_destroy(fp->rtl);
	}
#endif
	free(fp->soft);
	free(fp->mem);
	memset(fp, 0, sizeof(*fp));
}
