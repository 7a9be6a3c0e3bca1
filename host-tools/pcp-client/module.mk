# SPDX-License-Identifier: BSD-2-Clause
# pcp-client: PCP client for the inside realm (Debian has none).
PROGS += pcp-client
pcp-client_SRCS := host-tools/pcp-client/pcp-client.c
pcp-client_LIBS := pcpwire
