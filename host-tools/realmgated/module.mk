# SPDX-License-Identifier: BSD-2-Clause
# realmgated: the host daemon. Everything but main.c is the library librgd
# so that the unit tests and the loopback test server link the same code.
LIBS += rgd
rgd_SRCS := $(filter-out host-tools/realmgated/main.c host-tools/realmgated/card_driver.c,$(sort $(wildcard host-tools/realmgated/*.c)))
RGD_LDLIBS := -lconfig -lsqlite3

# the card test double (tests/lib/card_double.c) for daemon unit tests
LIBS += carddouble
carddouble_SRCS := tests/lib/card_double.c

RGD_TESTS := test_pcp_wire test_rgd_pcp test_rgd_natpmp_dpm test_rgd_store test_rgd_config test_rgd_cfg_apply \
	test_rgd_natlog test_rgd_ctl test_rgd_lease
test_pcp_wire_LIBS := pcpwire
test_pcp_wire_LDLIBS := -lcmocka
$(foreach t,$(filter-out test_pcp_wire,$(RGD_TESTS)),$(eval $(t)_LIBS := rgd carddouble pcpwire))
$(foreach t,$(filter-out test_pcp_wire,$(RGD_TESTS)),$(eval $(t)_LDLIBS := -lcmocka $(RGD_LDLIBS)))

PROGS += realmgated
realmgated_SRCS := host-tools/realmgated/main.c host-tools/realmgated/card_driver.c
realmgated_LIBS := rgd pcpwire driver
realmgated_LDLIBS = $(RGD_LDLIBS) $(DRIVER_LDLIBS)

# the daemon on the card test double, for the protocol end-to-end suite
BUILD_TOOLS += rgd-testd
rgd-testd_SRCS := tests/tools/rgd-testd.c
rgd-testd_LIBS := rgd carddouble pcpwire
rgd-testd_LDLIBS := $(RGD_LDLIBS)
EXTRA_ALL += $(BUILD)/host/tools/rgd-testd

# installed with `make install`: man pages (every docs/man/*.[158]),
# bash completion, the systemd unit (to $(PREFIX)/lib/systemd/system, with
# the unit's paths made $(PREFIX)'s), the example configuration (as
# /etc/realmgate/realmgated.conf, where the unit reads it, unless a file is
# there already; and under share/doc)
define INSTALL_RGD

	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/realmgate
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 docs/man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 docs/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	for c in realmgated pcp-client dpm-run; do \
		install -m 0644 host-tools/completion/realmgate \
			$(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$c; done
	install -m 0644 host-tools/completion/realmctl \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/realmctl
	sed 's|/usr/local|$(PREFIX)|g' etc/realmgated.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/realmgated.service
	install -m 0644 etc/realmgated.conf $(DESTDIR)$(PREFIX)/share/doc/realmgate/realmgated.conf.example
	install -d $(DESTDIR)/etc/realmgate
	[ -e $(DESTDIR)/etc/realmgate/realmgated.conf ] || \
		install -m 0644 etc/realmgated.conf $(DESTDIR)/etc/realmgate/realmgated.conf
endef
INSTALL_EXTRA += $(INSTALL_RGD)
