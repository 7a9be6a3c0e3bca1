# SPDX-License-Identifier: BSD-2-Clause
# Test helper programs (not installed).
# vlan-access: a userspace 802.1Q access port for the VLAN lab suite, on
# kernels without VLAN devices.
BUILD_TOOLS += vlan-access
vlan-access_SRCS := tests/tools/vlan-access.c
EXTRA_ALL += $(BUILD)/host/tools/vlan-access
