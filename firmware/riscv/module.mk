# SPDX-License-Identifier: BSD-2-Clause
# The firmware image for the card's riscv64 cores, from the same sources as
# the host build (soft fast path, slow path, mailbox service) plus the
# platform in firmware/riscv/: startup code, linker script, MMIO, main loop.
# `make` builds build/riscv/realmgate-fw.elf and .bin and prints their size.
RV_CC ?= riscv64-unknown-elf-gcc
RV_OBJCOPY ?= riscv64-unknown-elf-objcopy
RV_SIZE ?= riscv64-unknown-elf-size
RV_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -march=rv64imac_zicsr -mabi=lp64 \
	-mcmodel=medany -ffreestanding -nostdlib -fno-builtin-printf \
	-fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections
RV_SRCS := $(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c firmware/slowpath/*.c \
	firmware/mbox/*.c firmware/riscv/*.c)) firmware/riscv/start.S
RV_OBJS := $(patsubst %,$(BUILD)/riscv/%.o,$(RV_SRCS))
RV_ELF := $(BUILD)/riscv/realmgate-fw.elf

ifneq ($(shell command -v $(RV_CC) 2>/dev/null),)
EXTRA_ALL += $(RV_ELF)
endif

$(BUILD)/riscv/%.c.o: %.c | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  RVCC    $@"
	$(Q)$(RV_CC) $(CPPFLAGS_ALL) $(RV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/riscv/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  RVAS    $@"
	$(Q)$(RV_CC) $(RV_CFLAGS) -c $< -o $@

$(RV_ELF): $(RV_OBJS) firmware/riscv/link.ld
	@echo "  RVLD    $@"
	$(Q)$(RV_CC) $(RV_CFLAGS) -T firmware/riscv/link.ld -Wl,--gc-sections -Wl,--no-warn-rwx-segments -o $@ $(RV_OBJS) -lgcc
	$(Q)$(RV_OBJCOPY) -O binary $@ $(@:.elf=.bin)
	@$(RV_SIZE) $@ | sed 's/^/  SIZE    /'
	@echo "  SIZE    $(@:.elf=.bin): $$(wc -c < $(@:.elf=.bin)) bytes"

-include $(patsubst %.o,%.d,$(filter %.c.o,$(RV_OBJS)))
