# SPDX-License-Identifier: BSD-2-Clause
# realmlab, the simulation lab (a shell script next to nicsim and realmctl in
# each variant's bin/, so build/asan/bin/realmlab runs the ASan nicsim).
REALMLAB_SCRIPT := host-tools/realmlab/realmlab.sh
EXTRA_ALL += $(BUILD)/host/bin/realmlab $(BUILD)/asan/bin/realmlab
$(BUILD)/host/bin/realmlab $(BUILD)/asan/bin/realmlab: $(REALMLAB_SCRIPT)
	@mkdir -p $(@D)
	@echo "  INSTALL $@"
	$(Q)install -m 0755 $< $@
# (a recipe line of its own: the leading empty line keeps it apart from
# whatever other modules put into INSTALL_EXTRA)
define INSTALL_REALMLAB

	install -m 0755 $(BUILD)/host/bin/realmlab $(DESTDIR)$(PREFIX)/bin/
endef
INSTALL_EXTRA += $(INSTALL_REALMLAB)
# realmgated's lab configuration, next to the script that fills it in
EXTRA_ALL += $(BUILD)/host/bin/realmgated-lab.conf $(BUILD)/asan/bin/realmgated-lab.conf
$(BUILD)/host/bin/realmgated-lab.conf $(BUILD)/asan/bin/realmgated-lab.conf: host-tools/realmlab/realmgated-lab.conf
	@mkdir -p $(@D)
	$(Q)install -m 0644 $< $@
define INSTALL_REALMLAB_CONF

	install -m 0644 host-tools/realmlab/realmgated-lab.conf $(DESTDIR)$(PREFIX)/bin/
endef
INSTALL_EXTRA += $(INSTALL_REALMLAB_CONF)
