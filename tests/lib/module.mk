# SPDX-License-Identifier: BSD-2-Clause
# Test support library: packet construction and checks.
LIBS += testlib
testlib_SRCS := tests/lib/pktbuild.c tests/lib/fwenv.c
