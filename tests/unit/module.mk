# SPDX-License-Identifier: BSD-2-Clause
# Unit tests: every tests/unit/test_*.c is one cmocka program. By default it
# links the firmware (host build) and the test library; a test that needs
# more sets test_NAME_LIBS / test_NAME_LDLIBS in this file.
# The mailbox test: driver and card-side mailbox in one process, with a
# stand-in for the firmware's control calls.
test_mbox_SRCS := tests/unit/test_mbox.c tests/unit/fake_fw.c
test_mbox_LIBS := simbus driver fwmbox fwfast testlib
test_mbox_LDLIBS = -lcmocka $(DRIVER_LDLIBS)
# The mailbox in front of the real firmware (tests/lib/fwenv).
test_mbox_fw_LIBS := simbus driver fwmbox testlib fwslow fwfast
test_mbox_fw_LDLIBS = -lcmocka $(DRIVER_LDLIBS)
UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TEST_NAMES := $(patsubst tests/unit/%.c,%,$(UNIT_TEST_SRCS))
TESTS += $(UNIT_TEST_NAMES)
$(foreach t,$(UNIT_TEST_NAMES),$(eval $(t)_SRCS ?= tests/unit/$(t).c))
$(foreach t,$(UNIT_TEST_NAMES),$(eval $(t)_LIBS ?= fwfast testlib))
$(foreach t,$(UNIT_TEST_NAMES),$(eval $(t)_LDLIBS ?= -lcmocka))
# firmware tests link the slow path too
$(foreach t,$(filter test_fw_%,$(UNIT_TEST_NAMES)),$(eval $(t)_LIBS := testlib fwslow fwfast))
