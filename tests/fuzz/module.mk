# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets (clang, ASan+UBSan): the packet path (fuzz_packet), the
# mailbox service behind BAR0 and the rings (fuzz_mbox), realmgated's
# PCP / NAT-PMP / DPM servers (fuzz_proto), the configuration files
# (fuzz_config) and the control socket's requests (fuzz_ctl). `make` builds
# them when clang can link -fsanitize=fuzzer; tests/suites/20-fuzz-*.sh run
# short campaigns in `make check`, `make fuzz` long ones.
# The packet path starts from the seed corpus in tests/fuzz/corpus/ (valid
# flows through the standard gateway), written by tests/fuzz/gen-corpus.c:
# `make fuzz-corpus` rewrites it, and the files are what is committed. The
# mailbox starts from tests/fuzz/corpus-mbox/ (a valid command of each
# opcode, gen-corpus-mbox.c), the protocols from tests/fuzz/corpus-proto/
# (PCP, NAT-PMP and DPM exchanges, gen-corpus-proto.c), the configuration
# from tests/fuzz/corpus-config/ (the example and test files, copied).
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRCS := tests/fuzz/fuzz_packet.c tests/lib/fwenv.c tests/lib/pktbuild.c \
	$(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c firmware/slowpath/*.c))
FUZZ_BIN := $(BUILD)/fuzz/fuzz_packet
# the mailbox service in front of the same firmware (tests/fuzz/fuzz_mbox.c)
FUZZ_MBOX_SRCS := tests/fuzz/fuzz_mbox.c tests/lib/fwenv.c tests/lib/pktbuild.c \
	$(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c firmware/slowpath/*.c \
		firmware/mbox/*.c))
FUZZ_MBOX_BIN := $(BUILD)/fuzz/fuzz_mbox
# realmgated's PCP, NAT-PMP and DPM servers (tests/fuzz/fuzz_proto.c)
FUZZ_PROTO_SRCS := tests/fuzz/fuzz_proto.c tests/lib/card_double.c \
	$(sort $(wildcard host-tools/libpcp/*.c)) \
	$(filter-out host-tools/realmgated/main.c host-tools/realmgated/card_driver.c, \
		$(sort $(wildcard host-tools/realmgated/*.c)))
FUZZ_PROTO_BIN := $(BUILD)/fuzz/fuzz_proto
# realmgated's configuration files and realmctl's card file (tests/fuzz/fuzz_config.c)
FUZZ_CONFIG_SRCS := tests/fuzz/fuzz_config.c tests/lib/card_double.c \
	host-tools/realmctl/cardconf.c host-tools/realmctl/parse.c host-tools/realmctl/rule_parse.c \
	$(sort $(wildcard host-tools/libpcp/*.c)) \
	$(filter-out host-tools/realmgated/main.c host-tools/realmgated/card_driver.c, \
		$(sort $(wildcard host-tools/realmgated/*.c)))
FUZZ_CONFIG_BIN := $(BUILD)/fuzz/fuzz_config
# realmgated's control socket requests (tests/fuzz/fuzz_ctl.c)
FUZZ_CTL_SRCS := tests/fuzz/fuzz_ctl.c tests/lib/card_double.c \
	$(sort $(wildcard host-tools/libpcp/*.c)) \
	$(filter-out host-tools/realmgated/main.c host-tools/realmgated/card_driver.c, \
		$(sort $(wildcard host-tools/realmgated/*.c)))
FUZZ_CTL_BIN := $(BUILD)/fuzz/fuzz_ctl
FUZZ_TIME ?= 600

FUZZ_OK := $(shell printf 'int LLVMFuzzerTestOneInput(const char*d,unsigned long n){(void)d;(void)n;return 0;}' | \
	$(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null && echo yes)
ifeq ($(FUZZ_OK),yes)
EXTRA_ALL += $(FUZZ_BIN) $(FUZZ_MBOX_BIN) $(FUZZ_PROTO_BIN) $(FUZZ_CONFIG_BIN) $(FUZZ_CTL_BIN)
endif

$(FUZZ_BIN): $(FUZZ_SRCS) $(wildcard firmware/*.h firmware/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

$(FUZZ_MBOX_BIN): $(FUZZ_MBOX_SRCS) $(wildcard firmware/*.h firmware/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_MBOX_SRCS)

$(FUZZ_PROTO_BIN): $(FUZZ_PROTO_SRCS) $(wildcard host-tools/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_PROTO_SRCS) -lconfig -lsqlite3

$(FUZZ_CONFIG_BIN): $(FUZZ_CONFIG_SRCS) $(wildcard host-tools/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CONFIG_SRCS) -lconfig -lsqlite3

$(FUZZ_CTL_BIN): $(FUZZ_CTL_SRCS) $(wildcard host-tools/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CTL_SRCS) -lconfig -lsqlite3

# FUZZ_TIME seconds on each target
fuzz: $(FUZZ_BIN) $(FUZZ_MBOX_BIN) $(FUZZ_PROTO_BIN) $(FUZZ_CONFIG_BIN) $(FUZZ_CTL_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/corpus-mbox
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 $(BUILD)/fuzz/corpus tests/fuzz/corpus
	$(FUZZ_MBOX_BIN) -max_total_time=$(FUZZ_TIME) -max_len=2048 $(BUILD)/fuzz/corpus-mbox \
		tests/fuzz/corpus-mbox
	@mkdir -p $(BUILD)/fuzz/corpus-proto
	$(FUZZ_PROTO_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 $(BUILD)/fuzz/corpus-proto \
		tests/fuzz/corpus-proto
	@mkdir -p $(BUILD)/fuzz/corpus-config
	$(FUZZ_CONFIG_BIN) -max_total_time=$(FUZZ_TIME) -max_len=8192 $(BUILD)/fuzz/corpus-config \
		tests/fuzz/corpus-config
	@mkdir -p $(BUILD)/fuzz/corpus-ctl
	$(FUZZ_CTL_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 $(BUILD)/fuzz/corpus-ctl \
		tests/fuzz/corpus-ctl

BUILD_TOOLS += gen-fuzz-corpus
gen-fuzz-corpus_SRCS := tests/fuzz/gen-corpus.c
gen-fuzz-corpus_LIBS := testlib fwslow fwfast

BUILD_TOOLS += gen-fuzz-corpus-mbox
gen-fuzz-corpus-mbox_SRCS := tests/fuzz/gen-corpus-mbox.c
gen-fuzz-corpus-mbox_LIBS := testlib fwslow fwfast

BUILD_TOOLS += gen-fuzz-corpus-proto
gen-fuzz-corpus-proto_SRCS := tests/fuzz/gen-corpus-proto.c
gen-fuzz-corpus-proto_LIBS := pcpwire

FUZZ_GENS := gen-fuzz-corpus gen-fuzz-corpus-mbox gen-fuzz-corpus-proto
.PHONY: fuzz-corpus
fuzz-corpus: $(foreach g,$(FUZZ_GENS),$(BUILD)/host/tools/$(g))
	rm -f tests/fuzz/corpus/* tests/fuzz/corpus-mbox/* tests/fuzz/corpus-proto/*
	@mkdir -p tests/fuzz/corpus tests/fuzz/corpus-mbox tests/fuzz/corpus-proto
	$(BUILD)/host/tools/gen-fuzz-corpus tests/fuzz/corpus
	$(BUILD)/host/tools/gen-fuzz-corpus-mbox tests/fuzz/corpus-mbox
	$(BUILD)/host/tools/gen-fuzz-corpus-proto tests/fuzz/corpus-proto
	@mkdir -p tests/fuzz/corpus-config
	cp etc/realmgated.conf tests/fuzz/corpus-config/example.conf
	cp host-tools/realmlab/realmgated-lab.conf tests/fuzz/corpus-config/lab.conf
