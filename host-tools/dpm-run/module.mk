# SPDX-License-Identifier: BSD-2-Clause
# dpm-run: performs seed 000's DPM setup, then runs a command on the port.
PROGS += dpm-run
dpm-run_SRCS := host-tools/dpm-run/dpm-run.c
dpm-run_LIBS := pcpwire
