# SPDX-License-Identifier: BSD-2-Clause
# Replay cases (tests/replay/README.md): `make replay-cases` rewrites them
# from tests/replay/gen-cases.c.
BUILD_TOOLS += gen-replay-cases
gen-replay-cases_SRCS := tests/replay/gen-cases.c
gen-replay-cases_LIBS := testlib fwslow fwfast

.PHONY: replay-cases
replay-cases: $(BUILD)/host/tools/gen-replay-cases
	$(BUILD)/host/tools/gen-replay-cases tests/replay/cases
