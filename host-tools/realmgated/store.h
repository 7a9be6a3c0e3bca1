/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Persistence of leases and daemon state in SQLite (WAL journal). A lease is
 * written before the requester gets its answer; with WAL and
 * synchronous=NORMAL a committed transaction survives the daemon being
 * killed (only an operating-system crash can lose the last commits), and
 * writers never block the readers (realmctl, backups).
 */
#ifndef RGD_STORE_H
#define RGD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lease.h"

struct rgd_store;

/* Opens (creating) the database; NULL with a reason in err. ":memory:"
 * works for tests. */
struct rgd_store *rgd_store_open(const char *path, char *err, size_t errlen);
void rgd_store_close(struct rgd_store *s);

/* Inserts (l->id == 0, sets it) or replaces the lease. 0 on success. */
int rgd_store_put(struct rgd_store *s, struct rgd_lease *l);
int rgd_store_del(struct rgd_store *s, int64_t id);

/* Calls fn for every stored lease (fn returns non-zero to stop). */
int rgd_store_load(struct rgd_store *s, int (*fn)(void *arg, const struct rgd_lease *l), void *arg);

/* Rules added at run time (realmctl rule add), kept across restarts. */
int rgd_store_rule_put(struct rgd_store *s, const struct rg_rule *r);
int rgd_store_rule_del(struct rgd_store *s, uint32_t id);
/* Up to max rules into out; returns how many, -1 on error. */
int rgd_store_rules_load(struct rgd_store *s, struct rg_rule *out, unsigned max);

/* Small key/value facts (epoch base, last outside addresses). */
int rgd_store_meta_get(struct rgd_store *s, const char *key, int64_t *value);
int rgd_store_meta_set(struct rgd_store *s, const char *key, int64_t value);

int rgd_store_begin(struct rgd_store *s);
int rgd_store_commit(struct rgd_store *s);
void rgd_store_rollback(struct rgd_store *s);

const char *rgd_store_error(struct rgd_store *s);

#endif /* RGD_STORE_H */
