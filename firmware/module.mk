# SPDX-License-Identifier: BSD-2-Clause
# Firmware sources, built natively as libfirmware.a for the simulator and the
# tests (the riscv64 image rules live in firmware/riscv/module.mk).
LIBS += firmware
firmware_SRCS := $(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c firmware/slowpath/*.c))
