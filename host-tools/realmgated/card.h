/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The daemon's view of a card: one call per mailbox command it uses, taking
 * and returning the contract's payloads (include/realmgate/mailbox.h)
 * unchanged, so that binding it to the driver library is one line per call
 * and a unit test can put a recording test double in its place.
 *
 * Every call returns the card's enum rg_status (or RG_ST_TIMEOUT /
 * RG_ST_CARD_GONE from the transport). Calls are synchronous: when map_add
 * returns RG_ST_OK the mapping is in the card's tables, which is what lets
 * the protocol servers answer only after the mapping is live.
 */
#ifndef RGD_CARD_H
#define RGD_CARD_H

#include <stdint.h>

#include "realmgate/mailbox.h"

struct rgd_card_ops {
	enum rg_status (*info)(void *ctx, struct rg_info *info);
	enum rg_status (*set_config)(void *ctx, const struct rg_config *c);
	enum rg_status (*get_config)(void *ctx, struct rg_config *c);
	enum rg_status (*pool_set)(void *ctx, const struct rg_pool *p);
	enum rg_status (*pool_add_range)(void *ctx, const struct rg_pool_range *r);
	enum rg_status (*pool_del)(void *ctx, uint8_t id);
	enum rg_status (*rule_add)(void *ctx, const struct rg_rule *r);
	enum rg_status (*rule_del)(void *ctx, uint32_t id);
	enum rg_status (*map_add)(void *ctx, const struct rg_map_req *r, struct rg_map_rsp *rsp);
	enum rg_status (*map_del)(void *ctx, const struct rg_map_id *id);
	enum rg_status (*map_get)(void *ctx, const struct rg_map_id *id, struct rg_map_rec *rec);
	/* Paged listings: up to max records from cursor; *count written,
	 * *next = 0 when done. */
	enum rg_status (*map_list)(void *ctx, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
				   uint32_t *count, uint32_t *next);
	/* An operator's deletion of one session, as RG_OP_SESSION_DEL with
	 * the session it must still be (mailbox.h). */
	enum rg_status (*session_del)(void *ctx, const struct rg_session_del_req *req);
	/* filter NULL: every session; else the card's filter (mailbox.h,
	 * RG_OP_SESSION_LIST), whose pages may be short before the end */
	enum rg_status (*session_list)(void *ctx, uint32_t cursor,
				       const struct rg_session_filter *filter,
				       struct rg_session_rec *out, uint32_t max, uint32_t *count,
				       uint32_t *next);
	enum rg_status (*sub_list)(void *ctx, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
				   uint32_t *count, uint32_t *next);
	enum rg_status (*pool_list)(void *ctx, uint32_t cursor, struct rg_pool *out, uint32_t max,
				    uint32_t *count, uint32_t *next);
	enum rg_status (*pool_addr_list)(void *ctx, uint32_t cursor, struct rg_pool_addr_rec *out,
					 uint32_t max, uint32_t *count, uint32_t *next);
	enum rg_status (*rule_list)(void *ctx, uint32_t cursor, struct rg_rule *out, uint32_t max,
				    uint32_t *count, uint32_t *next);
	enum rg_status (*counters)(void *ctx, uint32_t first, struct rg_counter_rec *out,
				   uint32_t max, uint32_t *count, uint32_t *next);
	enum rg_status (*event_mask)(void *ctx, uint32_t mask);
	/* Events and host-port frames from the card: a file descriptor that
	 * becomes readable when some may be waiting (the card's interrupt; -1:
	 * poll on a timer), and a call that takes one event (returns 1, 0 when
	 * none is left). With an fd, `arm` is called before every sleep on it:
	 * it empties the fd and asks for the next interrupt, and returns 1 when
	 * something is already waiting (do not sleep). */
	int (*event_fd)(void *ctx);
	int (*arm)(void *ctx);
	int (*event_next)(void *ctx, struct rg_evt *evt);
	/* Host port (NULL when the card has none attached): a frame into the
	 * card's host port (0, or -1 when it could not be queued), and the
	 * next frame out of it (its length, 0 when none). */
	int (*hp_send)(void *ctx, const void *frame, uint32_t len);
	int (*hp_recv)(void *ctx, void *buf, uint32_t cap);
	void (*close)(void *ctx);
};

struct rgd_card {
	const struct rgd_card_ops *ops;
	void *ctx;
	const char *name; /* for logs: "sim:/dev/shm/rg0", "pci:0000:03:00.0" */
};

/* Name of a card status ("no-resources"). */
const char *rgd_card_status_name(enum rg_status st);

#endif /* RGD_CARD_H */
