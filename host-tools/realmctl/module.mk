# SPDX-License-Identifier: BSD-2-Clause
# realmctl, the command line. The configuration-file parser is a library
# (rgconf) so the daemon can start from the same format.
LIBS += rgconf
rgconf_SRCS := host-tools/realmctl/cardconf.c host-tools/realmctl/parse.c \
	host-tools/realmctl/rule_parse.c
PROGS += realmctl
realmctl_SRCS := $(filter-out $(rgconf_SRCS),$(sort $(wildcard host-tools/realmctl/*.c)))
realmctl_LIBS := rgconf rgd driver
realmctl_LDLIBS = $(DRIVER_LDLIBS) -lconfig

# the configuration-file parser's unit test
test_rctl_cardconf_LIBS := rgconf
