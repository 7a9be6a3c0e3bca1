/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl: paged listings (RG_OP_*_LIST with a cursor), read until the card
 * says there is no more (fetch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/rgdev.h"
#include "fetch.h"

#define PAGE_BYTES (64u << 10)

/* Fetch the records of a paged listing that `wanted` keeps (at most limit,
 * 0 = all) into a growing array; the rest are dropped page by page, so a
 * filtered listing of a large table holds only its matches. With a card
 * filter the card does the selecting; a card (or daemon) that does not
 * know filters refuses the longer request on the first page, and the
 * listing starts over unfiltered with `wanted` alone doing it. */
int fetch_matching(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit,
		   record_wanted wanted, const void *filter,
		   const struct rg_session_filter *card_filter, void **out, uint32_t *count)
{
	uint8_t *all = NULL, *page = malloc(PAGE_BYTES);
	uint32_t n = 0, cursor = 0;
	if (!page)
		return CTL_FAIL;
	for (unsigned guard = 0; guard < 100000; guard++) {
		struct rg_session_list_req req = { .page = { .cursor = cursor, .max = 0 } };
		if (card_filter)
			req.filter = *card_filter;
		struct rg_page_rsp rsp = { 0 };
		uint32_t used = 0;
		enum rg_status st =
			c->be->cmd(c->be, op, &req, card_filter ? sizeof(req) : sizeof(req.page),
				   &rsp, sizeof(rsp), NULL, page, PAGE_BYTES, &used);
		if (st == RG_ST_BAD_LENGTH && card_filter && !cursor) {
			card_filter = NULL;
			continue;
		}
		if (st != RG_ST_OK) {
			fprintf(stderr, "realmctl: %s: %s\n", what,
				st >= RG_ST_TIMEOUT ? c->be->error(c->be) : rg_status_name(st));
			free(page);
			free(all);
			return CTL_FAIL;
		}
		if ((uint64_t)rsp.count * rec > used) {
			fprintf(stderr, "realmctl: %s: card says %u records but wrote %u bytes\n",
				what, rsp.count, used);
			free(page);
			free(all);
			return CTL_FAIL;
		}
		uint8_t *grown = realloc(all, (n + rsp.count + 1) * rec);
		if (!grown) {
			free(page);
			free(all);
			return CTL_FAIL;
		}
		all = grown;
		for (uint32_t i = 0; i < rsp.count; i++)
			if (!wanted || wanted(filter, page + (size_t)i * rec))
				memcpy(all + (size_t)n++ * rec, page + (size_t)i * rec, rec);
		if (!rsp.next || rsp.next == cursor || (limit && n >= limit))
			break;
		cursor = rsp.next;
	}
	free(page);
	if (limit && n > limit)
		n = limit;
	*out = all;
	*count = n;
	return CTL_OK;
}

/* Every record of a paged listing. */
int fetch_all(struct ctl *c, const char *what, uint16_t op, size_t rec, uint32_t limit, void **out,
	      uint32_t *count)
{
	return fetch_matching(c, what, op, rec, limit, NULL, NULL, NULL, out, count);
}
