# SPDX-License-Identifier: BSD-2-Clause
# Firmware sources, built natively for the simulator, the tests and the
# benchmarks (the riscv64 image rules live in firmware/riscv/module.mk):
#   libfwfast   the soft fast path and freestanding helpers
#   libfwslow   the slow path (fw.h): NAPT policy, tables, timers, services
#   libfwmbox   the card side of the mailbox (rings, command dispatch)
# Programs link them in the order fwmbox fwslow fwfast.
LIBS += fwfast
fwfast_SRCS := $(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c))
LIBS += fwslow
fwslow_SRCS := $(sort $(wildcard firmware/slowpath/*.c))
