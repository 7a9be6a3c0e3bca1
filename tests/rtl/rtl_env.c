/* SPDX-License-Identifier: BSD-2-Clause */
#include "rtl_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define RTL_ENV_ASAN 1
#else
#define RTL_ENV_ASAN 0
#endif

int rtl_env_open(struct rtl_env *e)
{
	memset(e, 0, sizeof(*e));
	e->sim = rg_rtl_create();
	if (!e->sim || rg_fpdev_rtl_open(&e->rtl, e->sim))
		return -1;
	struct rg_fp_geometry g = { e->rtl.buckets_log2, e->rtl.sessions, e->rtl.adjacencies };
	size_t len = rg_fp_mem_size(&g);
	e->mem = aligned_alloc(64, (len + 63) & ~(size_t)63);
	e->fp = malloc(sizeof(*e->fp));
	if (!len || !e->mem || !e->fp || rg_fp_init(e->fp, &g, e->mem, len))
		return -1;
	rg_fpdev_soft(&e->soft, e->fp);
	e->devs[0] = &e->soft;
	e->devs[1] = &e->rtl;
	return 0;
}

void rtl_env_close(struct rtl_env *e)
{
	if (e->rtl.ctx)
		rg_fpdev_rtl_close(&e->rtl);
	rg_rtl_destroy(e->sim);
	free(e->fp);
	free(e->mem);
	memset(e, 0, sizeof(*e));
}

uint64_t rtl_env_count(const char *name, uint64_t dflt, unsigned asan_div)
{
	const char *v = getenv(name);
	if (v && *v)
		return strtoull(v, NULL, 0);
	return RTL_ENV_ASAN && asan_div ? dflt / asan_div : dflt;
}

uint64_t rtl_env_seed(void)
{
	const char *v = getenv("RG_SEED");
	uint64_t s = v && *v ? strtoull(v, NULL, 0) : 20240601u;
	printf("# seed %llu (set RG_SEED to reproduce)\n", (unsigned long long)s);
	return s;
}
