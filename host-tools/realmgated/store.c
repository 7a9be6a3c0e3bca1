/* SPDX-License-Identifier: BSD-2-Clause */
/* SQLite persistence of leases; see store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rgd_store {
	sqlite3 *db;
	sqlite3_stmt *put, *ins, *del, *load, *mget, *mset;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA busy_timeout=2000;"
	"CREATE TABLE IF NOT EXISTS lease ("
	" id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, proto INTEGER NOT NULL,"
	" peer INTEGER NOT NULL, prefer_failure INTEGER NOT NULL,"
	" in_addr INTEGER NOT NULL, in_port INTEGER NOT NULL,"
	" rem_addr INTEGER NOT NULL, rem_port INTEGER NOT NULL,"
	" out_addr INTEGER NOT NULL, out_port INTEGER NOT NULL,"
	" nonce BLOB NOT NULL, client_addr INTEGER NOT NULL, client_port INTEGER NOT NULL,"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL, lifetime INTEGER NOT NULL,"
	" card_id INTEGER NOT NULL, filters BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS runtime_rule (id INTEGER PRIMARY KEY, rule BLOB NOT NULL);";

#define LEASE_COLS                                                                            \
	"owner, proto, peer, prefer_failure, in_addr, in_port, rem_addr, rem_port, out_addr," \
	" out_port, nonce, client_addr, client_port, created, expires, lifetime, card_id, filters"

const char *rgd_store_error(struct rgd_store *s)
{
	return sqlite3_errmsg(s->db);
}

struct rgd_store *rgd_store_open(const char *path, char *err, size_t errlen)
{
	struct rgd_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	char *msg = NULL;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO lease (" LEASE_COLS ") VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &s->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO lease (" LEASE_COLS ", id) VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &s->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM lease WHERE id = ?", -1, &s->del, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT " LEASE_COLS ", id FROM lease ORDER BY id", -1,
			       &s->load, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &s->mget, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1,
			       &s->mset, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		rgd_store_close(s);
		return NULL;
	}
	return s;
}

void rgd_store_close(struct rgd_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->load);
	sqlite3_finalize(s->mget);
	sqlite3_finalize(s->mset);
	sqlite3_close(s->db);
	free(s);
}

static void bind_lease(sqlite3_stmt *st, const struct rgd_lease *l)
{
	int i = 1;
	sqlite3_bind_int(st, i++, l->owner);
	sqlite3_bind_int(st, i++, l->key.proto);
	sqlite3_bind_int(st, i++, l->key.peer);
	sqlite3_bind_int(st, i++, l->prefer_failure);
	sqlite3_bind_int64(st, i++, l->key.in_addr);
	sqlite3_bind_int(st, i++, l->key.in_port);
	sqlite3_bind_int64(st, i++, l->key.rem_addr);
	sqlite3_bind_int(st, i++, l->key.rem_port);
	sqlite3_bind_int64(st, i++, l->out_addr);
	sqlite3_bind_int(st, i++, l->out_port);
	sqlite3_bind_blob(st, i++, l->nonce, RGD_NONCE_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, i++, l->client_addr);
	sqlite3_bind_int(st, i++, l->client_port);
	sqlite3_bind_int64(st, i++, (sqlite3_int64)l->created);
	/* UINT64_MAX (no expiry) is stored as -1 */
	sqlite3_bind_int64(st, i++, l->expires == UINT64_MAX ? -1 : (sqlite3_int64)l->expires);
	sqlite3_bind_int64(st, i++, l->lifetime);
	sqlite3_bind_int64(st, i++, l->card_id);
	sqlite3_bind_blob(st, i++, l->filters, (int)(l->n_filters * sizeof(l->filters[0])),
			  SQLITE_STATIC);
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int rgd_store_put(struct rgd_store *s, struct rgd_lease *l)
{
	if (l->id == 0) {
		bind_lease(s->ins, l);
		if (step_done(s->ins))
			return -1;
		l->id = sqlite3_last_insert_rowid(s->db);
		return 0;
	}
	bind_lease(s->put, l);
	sqlite3_bind_int64(s->put, 19, l->id);
	return step_done(s->put);
}

int rgd_store_del(struct rgd_store *s, int64_t id)
{
	sqlite3_bind_int64(s->del, 1, id);
	return step_done(s->del);
}

int rgd_store_load(struct rgd_store *s, int (*fn)(void *arg, const struct rgd_lease *l), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(s->load)) == SQLITE_ROW) {
		struct rgd_lease l;
		memset(&l, 0, sizeof(l));
		int i = 0;
		sqlite3_stmt *st = s->load;
		l.owner = (uint8_t)sqlite3_column_int(st, i++);
		l.key.proto = (uint8_t)sqlite3_column_int(st, i++);
		l.key.peer = sqlite3_column_int(st, i++) != 0;
		l.prefer_failure = sqlite3_column_int(st, i++) != 0;
		l.key.in_addr = (uint32_t)sqlite3_column_int64(st, i++);
		l.key.in_port = (uint16_t)sqlite3_column_int(st, i++);
		l.key.rem_addr = (uint32_t)sqlite3_column_int64(st, i++);
		l.key.rem_port = (uint16_t)sqlite3_column_int(st, i++);
		l.out_addr = (uint32_t)sqlite3_column_int64(st, i++);
		l.out_port = (uint16_t)sqlite3_column_int(st, i++);
		if (sqlite3_column_bytes(st, i) == RGD_NONCE_LEN)
			memcpy(l.nonce, sqlite3_column_blob(st, i), RGD_NONCE_LEN);
		i++;
		l.client_addr = (uint32_t)sqlite3_column_int64(st, i++);
		l.client_port = (uint16_t)sqlite3_column_int(st, i++);
		l.created = (uint64_t)sqlite3_column_int64(st, i++);
		sqlite3_int64 exp = sqlite3_column_int64(st, i++);
		l.expires = exp < 0 ? UINT64_MAX : (uint64_t)exp;
		l.lifetime = (uint32_t)sqlite3_column_int64(st, i++);
		l.card_id = (uint32_t)sqlite3_column_int64(st, i++);
		int fb = sqlite3_column_bytes(st, i);
		if (fb > 0 && fb % (int)sizeof(l.filters[0]) == 0 && fb <= (int)sizeof(l.filters)) {
			memcpy(l.filters, sqlite3_column_blob(st, i), (size_t)fb);
			l.n_filters = (uint8_t)(fb / (int)sizeof(l.filters[0]));
		}
		i++;
		l.id = sqlite3_column_int64(st, i++);
		if (fn(arg, &l))
			break;
	}
	sqlite3_reset(s->load);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int exec_rule(struct rgd_store *s, const char *sql, uint32_t id, const struct rg_rule *r)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (r)
		sqlite3_bind_blob(st, 2, r, sizeof(*r), SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int rgd_store_rule_put(struct rgd_store *s, const struct rg_rule *r)
{
	return exec_rule(s, "INSERT OR REPLACE INTO runtime_rule (id, rule) VALUES (?, ?)", r->id,
			 r);
}

int rgd_store_rule_del(struct rgd_store *s, uint32_t id)
{
	return exec_rule(s, "DELETE FROM runtime_rule WHERE id = ?", id, NULL);
}

int rgd_store_rules_load(struct rgd_store *s, struct rg_rule *out, unsigned max)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT rule FROM runtime_rule ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	unsigned n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 0) == (int)sizeof(*out))
			memcpy(&out[n++], sqlite3_column_blob(st, 0), sizeof(*out));
	sqlite3_finalize(st);
	return (int)n;
}

int rgd_store_meta_get(struct rgd_store *s, const char *key, int64_t *value)
{
	sqlite3_bind_text(s->mget, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s->mget);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(s->mget, 0);
	sqlite3_reset(s->mget);
	sqlite3_clear_bindings(s->mget);
	return rc == SQLITE_ROW ? 0 : -1;
}

int rgd_store_meta_set(struct rgd_store *s, const char *key, int64_t value)
{
	sqlite3_bind_text(s->mset, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->mset, 2, value);
	return step_done(s->mset);
}

int rgd_store_begin(struct rgd_store *s)
{
	return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int rgd_store_commit(struct rgd_store *s)
{
	return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void rgd_store_rollback(struct rgd_store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
