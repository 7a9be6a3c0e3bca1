# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer target for the packet path (clang, ASan+UBSan). `make` builds it
# when clang can link -fsanitize=fuzzer; tests/suites/20-fuzz-packet.sh runs a
# short campaign in `make check`; `make fuzz` runs a long one. Both start
# from the seed corpus in tests/fuzz/corpus/ (valid flows through the
# standard gateway), written by tests/fuzz/gen-corpus.c: `make fuzz-corpus`
# rewrites it, and the files are what is committed.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRCS := tests/fuzz/fuzz_packet.c tests/lib/fwenv.c tests/lib/pktbuild.c \
	$(sort $(wildcard firmware/fastpath/*.c firmware/lib/*.c firmware/slowpath/*.c))
FUZZ_BIN := $(BUILD)/fuzz/fuzz_packet
FUZZ_TIME ?= 600

FUZZ_OK := $(shell printf 'int LLVMFuzzerTestOneInput(const char*d,unsigned long n){(void)d;(void)n;return 0;}' | \
	$(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null && echo yes)
ifeq ($(FUZZ_OK),yes)
EXTRA_ALL += $(FUZZ_BIN)
endif

$(FUZZ_BIN): $(FUZZ_SRCS) $(wildcard firmware/*.h firmware/*/*.h include/realmgate/*.h tests/lib/*.h) | $(BUILD)/gen/rg_build_info.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

fuzz: $(FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 $(BUILD)/fuzz/corpus tests/fuzz/corpus

BUILD_TOOLS += gen-fuzz-corpus
gen-fuzz-corpus_SRCS := tests/fuzz/gen-corpus.c
gen-fuzz-corpus_LIBS := testlib fwslow fwfast

.PHONY: fuzz-corpus
fuzz-corpus: $(BUILD)/host/tools/gen-fuzz-corpus
	rm -f tests/fuzz/corpus/*
	@mkdir -p tests/fuzz/corpus
	$(BUILD)/host/tools/gen-fuzz-corpus tests/fuzz/corpus
