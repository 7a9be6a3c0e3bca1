# SPDX-License-Identifier: BSD-2-Clause
# realmgated: the host daemon. Everything but main.c is the library librgd
# so that the unit tests and the loopback test server link the same code.
LIBS += rgd
rgd_SRCS := $(filter-out host-tools/realmgated/main.c host-tools/realmgated/card_open.c,$(sort $(wildcard host-tools/realmgated/*.c)))
RGD_LDLIBS := -lconfig -lsqlite3

# the card test double (tests/lib/card_double.c) for daemon unit tests
LIBS += carddouble
carddouble_SRCS := tests/lib/card_double.c

RGD_TESTS := test_pcp_wire test_rgd_pcp test_rgd_natpmp_dpm test_rgd_store test_rgd_config
test_pcp_wire_LIBS := pcpwire
test_pcp_wire_LDLIBS := -lcmocka
$(foreach t,$(filter-out test_pcp_wire,$(RGD_TESTS)),$(eval $(t)_LIBS := rgd carddouble pcpwire))
$(foreach t,$(filter-out test_pcp_wire,$(RGD_TESTS)),$(eval $(t)_LDLIBS := -lcmocka $(RGD_LDLIBS)))

PROGS += realmgated
realmgated_SRCS := host-tools/realmgated/main.c host-tools/realmgated/card_open.c
realmgated_LIBS := rgd pcpwire
realmgated_LDLIBS := $(RGD_LDLIBS)

# the daemon on the card test double, for the protocol end-to-end suite
BUILD_TOOLS += rgd-testd
rgd-testd_SRCS := tests/tools/rgd-testd.c
rgd-testd_LIBS := rgd carddouble pcpwire
rgd-testd_LDLIBS := $(RGD_LDLIBS)
EXTRA_ALL += $(BUILD)/host/tools/rgd-testd
