# SPDX-License-Identifier: BSD-2-Clause
# nicsim, the simulated card. Its card side of the shared memory (simbus.c)
# is a library so the mailbox tests can stand a card up in-process.
LIBS += simbus
simbus_SRCS := host-tools/nicsim/simbus.c
