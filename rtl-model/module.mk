# SPDX-License-Identifier: BSD-2-Clause
# The RTL fast path (rtl-model/rtl/*.v) and its Verilator model.
#
# Each host variant verilates the top into $(BUILD)/VARIANT/rtl/obj/ and
# compiles it with Verilator's generated makefile: -O3 for host; for asan
# the generated model and Verilator's runtime are built with ASan (-O1) but
# not UBSan: UBSan's per-operation checks on ~20k lines of generated
# bit-vector arithmetic take over ten minutes to compile, and that
# arithmetic is Verilator's (unsigned word operations), not ours. The glue
# (rtl-model/sim/) and the tests are ordinary sources of the variant, so
# they get full ASan+UBSan. Tests run fewer packets there (tests/rtl/).
# librtlsim.a = the model + Verilator's runtime + the C API (rtl-model/sim/).
# A program that links it sets
#     NAME_LIBS += rtlsim fwfast   NAME_CXX := 1   NAME_LDLIBS += $(RTLSIM_LDLIBS)
RTL_SRCS := $(sort $(wildcard rtl-model/rtl/*.v))
RTL_TOP := rg_fp_top
RTLSIM_LDLIBS := -lz -pthread
VERILATOR ?= verilator
VERILATOR_INC := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include
# Build flags of the model: lint is a separate gate (tests/suites/20-rtl-lint.sh)
RTL_VFLAGS := --cc --top-module $(RTL_TOP) -O3 --x-assign fast --x-initial fast --trace-fst \
	-Wno-fatal -Wno-lint -Wno-style -I$(BUILD)/gen -Irtl-model/rtl
RTL_MAKEFLAGS_host := OPT_FAST=-O3 OPT_SLOW=-O1 OPT_GLOBAL=-O2
RTL_MAKEFLAGS_asan := OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1 \
	"CXXFLAGS=-fsanitize=address -fno-omit-frame-pointer"
RTLSIM_GLUE := rtl-model/sim/rg_rtl.cpp rtl-model/sim/fpdev_rtl.c
RTL_VOBJS := verilated.o verilated_fst_c.o verilated_threads.o
# (objs_of of the top Makefile is defined after the modules are read)
rtl_glue_objs = $(patsubst %.cpp,$(BUILD)/$(1)/%.o,$(patsubst %.c,$(BUILD)/$(1)/%.o,$(RTLSIM_GLUE)))

# $(1) = variant
define rtl_rules
$(BUILD)/$(1)/rtl/obj/V$(RTL_TOP).mk: $(RTL_SRCS) $(BUILD)/gen/rg_contract.vh
	@mkdir -p $$(@D)
	@echo "  VERILATE $$(@D)"
	$(Q)$(VERILATOR) $(RTL_VFLAGS) -Mdir $$(@D) $(RTL_SRCS)

$(BUILD)/$(1)/rtl/obj/V$(RTL_TOP)__ALL.a: $(BUILD)/$(1)/rtl/obj/V$(RTL_TOP).mk
	@echo "  VMAKE   $$@"
	$(Q)$$(MAKE) --no-print-directory -s -C $$(@D) -f V$(RTL_TOP).mk $(RTL_MAKEFLAGS_$(1)) \
		V$(RTL_TOP)__ALL.a $(RTL_VOBJS) >/dev/null

$(call rtl_glue_objs,$(1)): $(BUILD)/$(1)/rtl/obj/V$(RTL_TOP).mk
$(call rtl_glue_objs,$(1)): EXTRA_CXXFLAGS += -isystem $(BUILD)/$(1)/rtl/obj \
	-isystem $(VERILATOR_INC) -isystem $(VERILATOR_INC)/vltstd

$(BUILD)/$(1)/lib/librtlsim.a: $(call rtl_glue_objs,$(1)) $(BUILD)/$(1)/rtl/obj/V$(RTL_TOP)__ALL.a
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && { echo "CREATE $$@"; echo "ADDLIB $(BUILD)/$(1)/rtl/obj/V$(RTL_TOP)__ALL.a"; \
		for o in $(call rtl_glue_objs,$(1)) $(addprefix $(BUILD)/$(1)/rtl/obj/,$(RTL_VOBJS)); \
		do echo "ADDMOD $$$$o"; done; echo SAVE; echo END; } | $(AR) -M
endef
$(foreach v,$(VARIANTS),$(eval $(call rtl_rules,$(v))))

EXTRA_ALL += $(BUILD)/host/lib/librtlsim.a

# Tests of the RTL (tests/rtl/): cmocka programs linked with the model.
RTL_TESTS := $(patsubst tests/rtl/%.c,%,$(sort $(wildcard tests/rtl/test_*.c)))
TESTS += $(RTL_TESTS)
LIBS += rtltestlib
rtltestlib_SRCS := tests/rtl/fpgen.c tests/rtl/rtl_env.c
$(foreach t,$(RTL_TESTS),$(eval $(t)_SRCS := tests/rtl/$(t).c))
$(foreach t,$(RTL_TESTS),$(eval $(t)_LIBS := rtltestlib rtlsim fwfast testlib))
$(foreach t,$(RTL_TESTS),$(eval $(t)_LDLIBS := -lcmocka $(RTLSIM_LDLIBS)))
$(foreach t,$(RTL_TESTS),$(eval $(t)_CXX := 1))
# the mailbox suite with the RTL behind the card (tests/unit/test_mbox.c)
test_rtl_mbox_SRCS := tests/rtl/test_rtl_mbox.c tests/unit/fake_fw.c
test_rtl_mbox_LIBS := simbus driver fwmbox rtlsim fwfast testlib
test_rtl_mbox_LDLIBS = -lcmocka -lpci -lrt $(RTLSIM_LDLIBS)

# make verify-long: the differential test with 10 million packets (each
# module adds its own long checks as prerequisites of verify-long).
.PHONY: rtl-verify-long
verify-long: rtl-verify-long
rtl-verify-long: $(BUILD)/host/test-bin/test_rtl_diff
	RG_DIFF_PACKETS=10000000 CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/host/test-bin/test_rtl_diff

# Benchmark of the RTL (bench/bench_rtl.c): cycles per packet, latency,
# simulation speed; prints the yosys figures of the synthesis suite.
BENCHES += bench_rtl
bench_rtl_SRCS := bench/bench_rtl.c
bench_rtl_LIBS := rtltestlib rtlsim fwfast testlib
bench_rtl_LDLIBS := $(RTLSIM_LDLIBS)
bench_rtl_CXX := 1

# Directed tests of single modules (tests/rtl/test_rtl_units.cpp) through a
# small second model, the test bench top rtl-model/sim/units/rg_fp_units.v.
RTL_UNITS_SRCS := rtl-model/sim/units/rg_fp_units.v $(RTL_SRCS)
define rtl_units_rules
$(BUILD)/$(1)/rtl/units/Vrg_fp_units.mk: $(RTL_UNITS_SRCS) $(BUILD)/gen/rg_contract.vh
	@mkdir -p $$(@D)
	@echo "  VERILATE $$(@D)"
	$(Q)$(VERILATOR) --cc --top-module rg_fp_units -O3 --x-assign fast --x-initial fast \
		-Wno-fatal -Wno-lint -Wno-style -I$(BUILD)/gen -Irtl-model/rtl -Mdir $$(@D) $(RTL_UNITS_SRCS)

$(BUILD)/$(1)/rtl/units/Vrg_fp_units__ALL.a: $(BUILD)/$(1)/rtl/units/Vrg_fp_units.mk
	@echo "  VMAKE   $$@"
	$(Q)$$(MAKE) --no-print-directory -s -C $$(@D) -f Vrg_fp_units.mk $(RTL_MAKEFLAGS_$(1)) \
		Vrg_fp_units__ALL.a verilated.o verilated_threads.o >/dev/null

$(BUILD)/$(1)/lib/librtlunits.a: $(BUILD)/$(1)/rtl/units/Vrg_fp_units__ALL.a
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && { echo "CREATE $$@"; echo "ADDLIB $$<"; \
		echo "ADDMOD $(BUILD)/$(1)/rtl/units/verilated.o"; \
		echo "ADDMOD $(BUILD)/$(1)/rtl/units/verilated_threads.o"; echo SAVE; echo END; } | $(AR) -M

$(BUILD)/$(1)/tests/rtl/test_rtl_units.o: $(BUILD)/$(1)/rtl/units/Vrg_fp_units.mk
$(BUILD)/$(1)/tests/rtl/test_rtl_units.o: EXTRA_CXXFLAGS += -isystem $(BUILD)/$(1)/rtl/units \
	-isystem $(VERILATOR_INC) -isystem $(VERILATOR_INC)/vltstd
endef
$(foreach v,$(VARIANTS),$(eval $(call rtl_units_rules,$(v))))
TESTS += test_rtl_units
test_rtl_units_SRCS := tests/rtl/test_rtl_units.cpp
test_rtl_units_LIBS := rtlunits fwfast
test_rtl_units_LDLIBS := -lcmocka -pthread
test_rtl_units_CXX := 1

# Coverage of the differential run (tests/suites/22-rtl-coverage.sh): the
# differential test linked with a line + toggle coverage build of the model
# (host variant, -O1, no tracing).
RTL_COV := $(BUILD)/host/rtl-cov
RTL_COV_HOSTOBJS := $(BUILD)/host/tests/rtl/test_rtl_diff.o $(BUILD)/host/rtl-model/sim/fpdev_rtl.o
$(RTL_COV)/obj/V$(RTL_TOP).mk: $(RTL_SRCS) $(BUILD)/gen/rg_contract.vh
	@mkdir -p $(@D)
	@echo "  VERILATE $(@D) (coverage)"
	$(Q)$(VERILATOR) --cc --top-module $(RTL_TOP) -O3 --x-assign fast --x-initial fast \
		--coverage-line --coverage-toggle -Wno-fatal -Wno-lint -Wno-style \
		-I$(BUILD)/gen -Irtl-model/rtl -Mdir $(@D) $(RTL_SRCS)
$(RTL_COV)/obj/V$(RTL_TOP)__ALL.a: $(RTL_COV)/obj/V$(RTL_TOP).mk
	@echo "  VMAKE   $@"
	$(Q)+$(MAKE) --no-print-directory -s -C $(@D) -f V$(RTL_TOP).mk OPT_FAST=-O1 OPT_SLOW=-O1 \
		OPT_GLOBAL=-O1 V$(RTL_TOP)__ALL.a verilated.o verilated_threads.o verilated_cov.o >/dev/null
$(RTL_COV)/rg_rtl.o: rtl-model/sim/rg_rtl.cpp $(RTL_COV)/obj/V$(RTL_TOP).mk | $(BUILD)/gen/rg_build_info.h
	@echo "  CXX     $@"
	$(Q)$(CXX) $(CPPFLAGS_ALL) $(filter-out -std=c11,$(CFLAGS_host)) -std=c++17 -DRG_RTL_COVERAGE=1 \
		-DVM_COVERAGE=1 -isystem $(RTL_COV)/obj -isystem $(VERILATOR_INC) \
		-isystem $(VERILATOR_INC)/vltstd -c $< -o $@
$(RTL_COV)/test_rtl_diff_cov: $(RTL_COV)/rg_rtl.o $(RTL_COV)/obj/V$(RTL_TOP)__ALL.a $(RTL_COV_HOSTOBJS) \
		$(BUILD)/host/lib/librtltestlib.a $(BUILD)/host/lib/libfwfast.a $(BUILD)/host/lib/libtestlib.a
	@echo "  LD      $@"
	$(Q)$(CXX) $(LDFLAGS_host) -o $@ $(RTL_COV_HOSTOBJS) $(RTL_COV)/rg_rtl.o $(BUILD)/host/lib/librtltestlib.a \
		$(RTL_COV)/obj/V$(RTL_TOP)__ALL.a $(addprefix $(RTL_COV)/obj/,verilated.o verilated_threads.o \
		verilated_cov.o) $(BUILD)/host/lib/libfwfast.a $(BUILD)/host/lib/libtestlib.a -lcmocka -pthread
EXTRA_ALL += $(RTL_COV)/test_rtl_diff_cov
