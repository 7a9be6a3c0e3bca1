/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct rgd_card_ops on the driver library (driver/rgdev.h): each call is
 * one rg_dev_cmd with the mailbox payload unchanged; listings page through
 * the command's bulk buffer. A command lost to a card reset (CARD_GONE) is
 * sent once more, as realmctl's direct backend does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/rgdev.h"
#include "card_open.h"

#define RGD_EVENT_RING_LOG2 14u

struct drv {
	struct rgd_card card;
	struct rg_dev *dev;
	uint8_t bulk[64 * 1024];
};

static enum rg_status cmd(struct drv *d, uint16_t op, const void *req, uint16_t req_len, void *rsp,
			  uint16_t rsp_cap, void *bulk, uint32_t bulk_cap, uint32_t *bulk_used)
{
	uint16_t rsp_len = 0;
	enum rg_status st = rg_dev_cmd(d->dev, op, req, req_len, rsp, rsp_cap, &rsp_len, bulk,
				       bulk_cap, bulk_used);
	if (st == RG_ST_CARD_GONE)
		st = rg_dev_cmd(d->dev, op, req, req_len, rsp, rsp_cap, &rsp_len, bulk, bulk_cap,
				bulk_used);
	if (st == RG_ST_OK && rsp && rsp_len < rsp_cap)
		memset((uint8_t *)rsp + rsp_len, 0, rsp_cap - rsp_len);
	return st;
}

static enum rg_status d_info(void *ctx, struct rg_info *info)
{
	return cmd(ctx, RG_OP_INFO, NULL, 0, info, sizeof(*info), NULL, 0, NULL);
}

static enum rg_status d_set_config(void *ctx, const struct rg_config *c)
{
	return cmd(ctx, RG_OP_SET_CONFIG, c, sizeof(*c), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_get_config(void *ctx, struct rg_config *c)
{
	return cmd(ctx, RG_OP_GET_CONFIG, NULL, 0, c, sizeof(*c), NULL, 0, NULL);
}

static enum rg_status d_pool_set(void *ctx, const struct rg_pool *p)
{
	return cmd(ctx, RG_OP_POOL_SET, p, sizeof(*p), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_pool_add_range(void *ctx, const struct rg_pool_range *r)
{
	return cmd(ctx, RG_OP_POOL_ADD_RANGE, r, sizeof(*r), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_pool_del(void *ctx, uint8_t id)
{
	return cmd(ctx, RG_OP_POOL_DEL, &id, sizeof(id), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_rule_add(void *ctx, const struct rg_rule *r)
{
	return cmd(ctx, RG_OP_RULE_ADD, r, sizeof(*r), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_rule_del(void *ctx, uint32_t id)
{
	return cmd(ctx, RG_OP_RULE_DEL, &id, sizeof(id), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_map_add(void *ctx, const struct rg_map_req *r, struct rg_map_rsp *rsp)
{
	return cmd(ctx, RG_OP_MAP_ADD, r, sizeof(*r), rsp, sizeof(*rsp), NULL, 0, NULL);
}

static enum rg_status d_map_del(void *ctx, const struct rg_map_id *id)
{
	return cmd(ctx, RG_OP_MAP_DEL, id, sizeof(*id), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_map_get(void *ctx, const struct rg_map_id *id, struct rg_map_rec *rec)
{
	return cmd(ctx, RG_OP_MAP_GET, id, sizeof(*id), rec, sizeof(*rec), NULL, 0, NULL);
}

/* One page of a listing of records of `size` bytes; a session listing's
 * filter follows the page request when there is one. */
static enum rg_status page_filtered(struct drv *d, uint16_t op, uint32_t cursor,
				    const struct rg_session_filter *filter, void *out, size_t size,
				    uint32_t max, uint32_t *count, uint32_t *next)
{
	uint32_t cap = (uint32_t)(sizeof(d->bulk) / size);
	struct rg_session_list_req req = { .page = { cursor, max && max < cap ? max : cap } };
	if (filter)
		req.filter = *filter;
	struct rg_page_rsp rsp = { 0, 0 };
	uint32_t used = 0;
	enum rg_status st = cmd(d, op, &req, filter ? sizeof(req) : sizeof(req.page), &rsp,
				sizeof(rsp), d->bulk, (uint32_t)(req.page.max * size), &used);
	*count = *next = 0;
	if (st != RG_ST_OK)
		return st;
	uint32_t n = rsp.count;
	if ((uint64_t)n * size > used || n > req.page.max)
		return RG_ST_IO; /* the card says more than it wrote */
	memcpy(out, d->bulk, n * size);
	*count = n;
	*next = rsp.next;
	return RG_ST_OK;
}

static enum rg_status page(struct drv *d, uint16_t op, uint32_t cursor, void *out, size_t size,
			   uint32_t max, uint32_t *count, uint32_t *next)
{
	return page_filtered(d, op, cursor, NULL, out, size, max, count, next);
}

static enum rg_status d_map_list(void *ctx, uint32_t cursor, struct rg_map_rec *out, uint32_t max,
				 uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_MAP_LIST, cursor, out, sizeof(*out), max, count, next);
}

static enum rg_status d_session_list(void *ctx, uint32_t cursor,
				     const struct rg_session_filter *filter,
				     struct rg_session_rec *out, uint32_t max, uint32_t *count,
				     uint32_t *next)
{
	return page_filtered(ctx, RG_OP_SESSION_LIST, cursor, filter, out, sizeof(*out), max, count,
			     next);
}

static enum rg_status d_session_del(void *ctx, const struct rg_session_del_req *req)
{
	return cmd(ctx, RG_OP_SESSION_DEL, req, sizeof(*req), NULL, 0, NULL, 0, NULL);
}

static enum rg_status d_sub_list(void *ctx, uint32_t cursor, struct rg_sub_rec *out, uint32_t max,
				 uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_SUBSCRIBER_LIST, cursor, out, sizeof(*out), max, count, next);
}

static enum rg_status d_pool_list(void *ctx, uint32_t cursor, struct rg_pool *out, uint32_t max,
				  uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_POOL_LIST, cursor, out, sizeof(*out), max, count, next);
}

static enum rg_status d_pool_addr_list(void *ctx, uint32_t cursor, struct rg_pool_addr_rec *out,
				       uint32_t max, uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_POOL_ADDR_LIST, cursor, out, sizeof(*out), max, count, next);
}

static enum rg_status d_rule_list(void *ctx, uint32_t cursor, struct rg_rule *out, uint32_t max,
				  uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_RULE_LIST, cursor, out, sizeof(*out), max, count, next);
}

static enum rg_status d_counters(void *ctx, uint32_t first, struct rg_counter_rec *out,
				 uint32_t max, uint32_t *count, uint32_t *next)
{
	return page(ctx, RG_OP_COUNTERS, first, out, sizeof(*out), max, count, next);
}

static enum rg_status d_event_mask(void *ctx, uint32_t mask)
{
	return rg_dev_subscribe(((struct drv *)ctx)->dev, mask);
}

static int d_event_fd(void *ctx)
{
	return rg_dev_irq_fd(((struct drv *)ctx)->dev);
}

static int d_arm(void *ctx)
{
	struct drv *d = ctx;
	rg_dev_irq_ack(d->dev);
	return rg_dev_irq_arm(d->dev, 1u << RG_RING_EVT | 1u << RG_RING_HRX);
}

static int d_event_next(void *ctx, struct rg_evt *evt)
{
	return rg_dev_event(((struct drv *)ctx)->dev, evt);
}

static int d_hp_send(void *ctx, const void *frame, uint32_t len)
{
	return rg_dev_hp_send(((struct drv *)ctx)->dev, frame, len) == RG_ST_OK ? 0 : -1;
}

static int d_hp_recv(void *ctx, void *buf, uint32_t cap)
{
	int n = rg_dev_hp_recv(((struct drv *)ctx)->dev, buf, cap);
	return n < 0 ? 0 : n;
}

static void d_close(void *ctx)
{
	struct drv *d = ctx;
	rg_dev_close(d->dev);
	free(d);
}

static const struct rgd_card_ops drv_ops = {
	.info = d_info,
	.set_config = d_set_config,
	.get_config = d_get_config,
	.pool_set = d_pool_set,
	.pool_add_range = d_pool_add_range,
	.pool_del = d_pool_del,
	.rule_add = d_rule_add,
	.rule_del = d_rule_del,
	.map_add = d_map_add,
	.map_del = d_map_del,
	.map_get = d_map_get,
	.map_list = d_map_list,
	.session_list = d_session_list,
	.session_del = d_session_del,
	.sub_list = d_sub_list,
	.pool_list = d_pool_list,
	.pool_addr_list = d_pool_addr_list,
	.rule_list = d_rule_list,
	.counters = d_counters,
	.event_mask = d_event_mask,
	.event_fd = d_event_fd,
	.arm = d_arm,
	.event_next = d_event_next,
	.hp_send = d_hp_send,
	.hp_recv = d_hp_recv,
	.close = d_close,
};

struct rgd_card *rgd_card_open(const struct rgd_cfg *cfg, char *err, size_t errlen)
{
	if (!cfg->card[0]) {
		snprintf(err, errlen, "no card configured ('card = \"sim:NAME\";' or --card)");
		return NULL;
	}
	struct drv *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The event ring is the card's buffer for NAT log events while the
	 * daemon is busy or not scheduled: a second of expiries on a busy
	 * gateway is thousands of them (the card paces its timers by the room
	 * left, but creations cannot wait). 2^14 events are 1 MiB of DMA
	 * memory. */
	struct rg_dev_opts o = { .timeout_ms = 2000,
				 .hostport = cfg->host_tap[0] != 0,
				 .evt_log2 = RGD_EVENT_RING_LOG2 };
	if (rg_dev_open(cfg->card, &o, &d->dev, err, errlen)) {
		free(d);
		return NULL;
	}
	d->card.ops = &drv_ops;
	d->card.ctx = d;
	d->card.name = rg_dev_spec(d->dev);
	return &d->card;
}
