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
nicsim_LDLIBS = -lpcap -lrt -lpthread
# --fastpath rtl: the Verilated model (rtl-model/), when it is in the tree
ifneq ($(wildcard rtl-model/sim/fpdev_rtl.c),)
nicsim_LIBS := simbus fwmbox fwslow rtlsim fwfast
nicsim_LDLIBS = -lpcap -lrt -lpthread $(RTLSIM_LDLIBS)
nicsim_CXX := 1
NICSIM_FP_OBJS := $(foreach v,$(VARIANTS),$(BUILD)/$(v)/host-tools/nicsim/fastpath.o)
$(NICSIM_FP_OBJS): EXTRA_CFLAGS += -DRG_NICSIM_RTL
$(NICSIM_FP_OBJS): rtl-model/sim/fpdev_rtl.h
endif
endif
