# SPDX-License-Identifier: BSD-2-Clause
# libpcpwire: the wire formats of the allocation protocols (PCP, NAT-PMP,
# the DPM setup exchange), shared by realmgated and the client tools.
LIBS += pcpwire
pcpwire_SRCS := $(sort $(wildcard host-tools/libpcp/*.c))
