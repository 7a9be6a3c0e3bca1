/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTL fast path behind the fast path device interface (firmware/
 * fpdev.h): table writes go through the CSR table commands (waiting for
 * RG_TBL_BUSY to clear), slot and body reads are answered from a shadow of
 * what was written (statistics are read with RG_TBL_READ_SESSION), and
 * process() pushes a burst into the pipeline, clocks it until every result
 * is out and assembles the egress frames exactly as rg_fp_process_burst.
 *
 * Link with: rtlsim fwfast, as C++ (NAME_CXX := 1), LDLIBS $(RTLSIM_LDLIBS).
 */
#ifndef RG_RTL_FPDEV_RTL_H
#define RG_RTL_FPDEV_RTL_H

#include "../../firmware/fpdev.h"
#include "rg_rtl.h"

/* Bind dev to sim (which stays the caller's). Reads the geometry from the
 * CSRs and allocates the shadow tables. Returns 0, -1 when out of memory. */
int rg_fpdev_rtl_open(struct rg_fpdev *dev, struct rg_rtl *sim);
void rg_fpdev_rtl_close(struct rg_fpdev *dev);

#endif /* RG_RTL_FPDEV_RTL_H */
