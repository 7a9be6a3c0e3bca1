/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A soft fast path and the RTL side by side behind struct rg_fpdev, with the
 * same geometry (read from the RTL's CSRs), for the differential tests.
 */
#ifndef RG_TESTS_RTL_ENV_H
#define RG_TESTS_RTL_ENV_H

#include <stdint.h>

#include "../../firmware/fastpath/fp.h"
#include "../../rtl-model/sim/fpdev_rtl.h"

struct rtl_env {
	struct rg_rtl *sim;
	struct rg_fp *fp;
	void *mem;
	struct rg_fpdev soft, rtl;
	struct rg_fpdev *devs[2]; /* soft, rtl */
};

int rtl_env_open(struct rtl_env *e);
void rtl_env_close(struct rtl_env *e);

/* A count from the environment (e.g. RG_DIFF_PACKETS), else the default;
 * instrumented (ASan) builds divide the default by asan_div. */
uint64_t rtl_env_count(const char *name, uint64_t dflt, unsigned asan_div);
uint64_t rtl_env_seed(void);

#endif /* RG_TESTS_RTL_ENV_H */
