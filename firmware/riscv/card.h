/* SPDX-License-Identifier: BSD-2-Clause */
/* The riscv64 card platform: bus map, MMIO, and its pieces. */
#ifndef RG_FW_RISCV_CARD_H
#define RG_FW_RISCV_CARD_H

#include "../fpdev.h"
#include "../fw.h"
#include "cardbus.h"
#include "mmio.h"

void card_fpdev_mmio(struct rg_fpdev *dev);
void rg_card_main(void);

#endif /* RG_FW_RISCV_CARD_H */
