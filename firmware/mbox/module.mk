# SPDX-License-Identifier: BSD-2-Clause
# libfwmbox: the card side of the mailbox (BAR0 blocks, DMA rings, command
# dispatch to the firmware's control calls, events, host-port queue pair).
LIBS += fwmbox
fwmbox_SRCS := $(sort $(wildcard firmware/mbox/*.c))
