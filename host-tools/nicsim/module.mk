# SPDX-License-Identifier: BSD-2-Clause
# nicsim, the simulated card. Its card side of the shared memory (simbus.c)
# is a library so the mailbox tests can stand a card up in-process.
LIBS += simbus
simbus_SRCS := host-tools/nicsim/simbus.c

# nicsim needs the firmware's slow path (libfwslow); until it is on main the
# program is not built.
ifneq ($(wildcard firmware/slowpath/*.c),)
PROGS += nicsim
nicsim_SRCS := $(filter-out host-tools/nicsim/simbus.c,$(sort $(wildcard host-tools/nicsim/*.c)))
nicsim_LIBS := simbus fwmbox fwslow fwfast
nicsim_LDLIBS := -lpcap -lrt
endif
