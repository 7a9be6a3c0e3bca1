# SPDX-License-Identifier: BSD-2-Clause
# libdriver: the userspace driver every host tool links (discovery, BAR0,
# DMA memory, rings, host port; simulator and PCIe backends). Users add
# $(DRIVER_LDLIBS) to their link line.
LIBS += driver
driver_SRCS := $(sort $(wildcard driver/*.c))
DRIVER_LDLIBS := -lpci -lrt
