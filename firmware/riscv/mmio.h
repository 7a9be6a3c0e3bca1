/* SPDX-License-Identifier: BSD-2-Clause */
/* Volatile accessors for the card's registers (cardbus.h): every access is
 * exactly one 32-bit load or store, in program order. */
#ifndef RG_FW_RISCV_MMIO_H
#define RG_FW_RISCV_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v = *(volatile const uint32_t *)addr;
	__asm__ volatile("fence i,r" ::: "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("fence w,o" ::: "memory");
	*(volatile uint32_t *)addr = v;
}

#endif /* RG_FW_RISCV_MMIO_H */
