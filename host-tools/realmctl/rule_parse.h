/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A static rule in words, as `realmctl rule add` and the card file's `rule`
 * statement take it:
 *   ID forward|dstnat|exclude|to-host|drop [proto P] [src PREFIX/LEN]
 *      [dst PREFIX/LEN] [dport LO[-HI]] [to ADDR[:PORT]]
 * into RG_OP_RULE_ADD's payload. Whether the rule makes sense as a whole
 * (a forward needs a target, ...) is the card's to say.
 */
#ifndef RG_REALMCTL_RULE_PARSE_H
#define RG_REALMCTL_RULE_PARSE_H

#include "realmgate/mailbox.h"

/* w[0..n): ID KIND [KEY VALUE]...; 0, or -1 with *why (and the word at
 * fault in *bad, or NULL). */
int rule_parse(struct rg_rule *r, char **w, int n, const char **why, const char **bad);

/* "forward" ... for a kind, NULL for none. */
const char *rule_kind_name(unsigned kind);

#endif /* RG_REALMCTL_RULE_PARSE_H */
