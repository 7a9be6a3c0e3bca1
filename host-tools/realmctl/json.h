/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small streaming JSON writer for `--json` output: objects and arrays
 * nest, commas and string escaping are handled here, so every listing is
 * valid JSON whatever the data.
 */
#ifndef RG_REALMCTL_JSON_H
#define RG_REALMCTL_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	int first[32]; /* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key); /* key NULL inside arrays / top level */
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, int v);
void json_end(struct json *j); /* final newline */
/* The end of a listing's {"KEY":[...],"count":n} object, and of the output. */
void json_list_end(struct json *j, uint64_t count);

#endif /* RG_REALMCTL_JSON_H */
