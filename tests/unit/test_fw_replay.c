/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs the packet replay cases of tests/replay/cases (format in
 * tests/replay/README.md): frames in, exact frames out, byte compare with
 * declared ignore offsets. One cmocka test per case file.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/fwenv.h"

#define MAX_CASES 64

static char case_path[MAX_CASES][1024];
static char case_name[MAX_CASES][256];

static uint32_t unhex(const char *s, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;
	while (s[0] && s[1] && s[0] != ' ' && s[0] != '\n' && n < cap) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static int ignored(const char *spec, uint32_t off)
{
	if (!spec)
		return 0;
	while (*spec) {
		unsigned a, b;
		int used;
		if (sscanf(spec, "%u-%u%n", &a, &b, &used) == 2) {
			if (off >= a && off <= b)
				return 1;
		} else if (sscanf(spec, "%u%n", &a, &used) == 1) {
			if (off == a)
				return 1;
		} else {
			return 0;
		}
		spec += used;
		if (*spec == ',')
			spec++;
		else
			break;
	}
	return 0;
}

static uint8_t parse_enum(const char *w, const char *const names[3])
{
	for (uint8_t i = 0; i < 3; i++)
		if (!strcmp(w, names[i]))
			return i;
	fail_msg("unknown word %s", w);
	return 0;
}

static void run_case(void **state)
{
	const char *path = *state;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char line[65536];
	struct fwenv *e = NULL;
	unsigned next = 0, lineno = 0;
	static uint8_t frame[FWENV_FRAME_MAX];
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char word[16];
		if (sscanf(line, "%15s", word) != 1)
			continue;
		if (!strcmp(word, "config")) {
			char m[16], flt[16];
			assert_int_equal(sscanf(line, "config %15s %15s", m, flt), 2);
			static const char *const mapn[3] = { "eim", "adm", "apdm" };
			static const char *const filn[3] = { "eif", "adf", "apdf" };
			fwenv_free(e);
			e = fwenv_new(NULL);
			assert_non_null(e);
			fwenv_std_config(e, parse_enum(m, mapn), parse_enum(flt, filn));
			next = 0;
		} else if (!strcmp(word, "in")) {
			unsigned port;
			char *p = line + 3;
			assert_int_equal(sscanf(p, "%u", &port), 1);
			p = strchr(p, ' ');
			assert_non_null(p);
			uint32_t n = unhex(p + 1, frame, sizeof(frame));
			if (next == e->n_out) {
				fwenv_clear(e);
				next = 0;
			}
			fwenv_rx(e, port, frame, n);
		} else if (!strcmp(word, "out")) {
			unsigned port;
			char *p = line + 4;
			assert_int_equal(sscanf(p, "%u", &port), 1);
			p = strchr(p, ' ');
			assert_non_null(p);
			uint32_t n = unhex(p + 1, frame, sizeof(frame));
			char *ign = strstr(p + 1, " ignore ");
			if (next >= e->n_out)
				fail_msg("%s:%u: expected a frame on port %u, the card sent none",
					 path, lineno, port);
			const struct fwenv_frame *o = &e->out[next++];
			if (o->port != port)
				fail_msg("%s:%u: frame on port %u, expected port %u", path, lineno,
					 o->port, port);
			if (o->len != n)
				fail_msg("%s:%u: frame of %u bytes, expected %u", path, lineno,
					 o->len, n);
			for (uint32_t i = 0; i < n; i++)
				if (o->data[i] != frame[i] && !ignored(ign ? ign + 8 : NULL, i))
					fail_msg("%s:%u: byte %u is %02x, expected %02x", path,
						 lineno, i, o->data[i], frame[i]);
		} else if (!strcmp(word, "none")) {
			if (next != e->n_out)
				fail_msg("%s:%u: the card sent %u more frame(s) (first on port %u)",
					 path, lineno, e->n_out - next, e->out[next].port);
		} else if (!strcmp(word, "advance")) {
			unsigned ms;
			assert_int_equal(sscanf(line, "advance %u", &ms), 1);
			fwenv_advance(e, ms);
		} else {
			fail_msg("%s:%u: unknown directive %s", path, lineno, word);
		}
	}
	fclose(f);
	fwenv_free(e);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int main(void)
{
	const char *root = getenv("RG_ROOT");
	char dir[512];
	snprintf(dir, sizeof(dir), "%.400s/tests/replay/cases", root ? root : ".");
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "no replay cases in %s\n", dir);
		return 1;
	}
	unsigned n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < MAX_CASES) {
		size_t l = strlen(de->d_name);
		if (l < 8 || strcmp(de->d_name + l - 7, ".replay"))
			continue;
		if (l >= sizeof(case_name[n]))
			continue;
		memcpy(case_name[n], de->d_name, l + 1);
		n++;
	}
	closedir(d);
	qsort(case_name, n, sizeof(case_name[0]), by_name);
	struct CMUnitTest tests[MAX_CASES];
	for (unsigned i = 0; i < n; i++) {
		snprintf(case_path[i], sizeof(case_path[i]), "%.500s/%.255s", dir, case_name[i]);
		tests[i] = (struct CMUnitTest){ .name = case_name[i],
						.test_func = run_case,
						.initial_state = case_path[i] };
	}
	if (n == 0) {
		fprintf(stderr, "no replay cases in %s\n", dir);
		return 1;
	}
	return _cmocka_run_group_tests("replay", tests, n, NULL, NULL);
}
