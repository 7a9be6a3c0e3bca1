/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing one seed of a fuzz target's corpus (the gen-corpus*.c programs):
 * DIR/NAME with exactly the script's bytes, or exit with the reason.
 */
#ifndef RG_TESTS_FUZZ_SEED_FILE_H
#define RG_TESTS_FUZZ_SEED_FILE_H

#include <stdio.h>
#include <stdlib.h>

static inline void seed_write(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

#endif /* RG_TESTS_FUZZ_SEED_FILE_H */
