# SPDX-License-Identifier: BSD-2-Clause
# Build-time generators.
BUILD_TOOLS += gen-contract-vh
gen-contract-vh_SRCS := tools/gen-contract-vh.c
