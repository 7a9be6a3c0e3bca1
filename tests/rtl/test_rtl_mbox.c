/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mailbox suite (tests/unit/test_mbox.c) with the Verilated RTL fast
 * path behind the card instead of the soft one: the card's BAR0 mirrors the
 * RTL's fast path block, and everything the host sees must be the same.
 */
#define RG_TEST_MBOX_RTL 1
#include "../unit/test_mbox.c"
