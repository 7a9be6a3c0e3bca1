/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Command ring -> firmware control calls -> completion ring.
 *
 * Each opcode has one row in a table: the payload length it accepts, the
 * record size when it writes a listing to the host's buffer, and a handler.
 * The table checks lengths before any handler runs, and the handlers only
 * pass payloads to the firmware's control calls, which validate every field
 * (fw.h). A command therefore either does what it says or changes nothing.
 */
#include "mbox_internal.h"

#include "realmgate/counters.h"

struct cmd_ctx {
	struct rg_mbox *mb;
	const struct rg_cmd *cmd;
	struct rg_cpl *cpl;
	uint32_t max_records; /* listing: records that fit buffer and scratch */
};

typedef enum rg_status (*cmd_fn)(struct cmd_ctx *c);

struct cmd_desc {
	uint16_t opcode;
	uint16_t len_min; /* accepted payload length range */
	uint16_t len_max;
	uint16_t rec_size; /* listing record size, 0 = no bulk result */
	cmd_fn fn;
};

static void copy(void *dst, const void *src, uint32_t n)
{
	__builtin_memcpy(dst, src, n);
}

/* Payload as a zero-extended structure (short forms are allowed where the
 * table says so; the rest of the structure reads as zero). */
static void payload(const struct cmd_ctx *c, void *dst, uint32_t size)
{
	__builtin_memset(dst, 0, size);
	copy(dst, c->cmd->payload, c->cmd->len < size ? c->cmd->len : size);
}

static void reply(struct cmd_ctx *c, const void *src, uint16_t len)
{
	copy(c->cpl->payload, src, len);
	c->cpl->len = len;
}

static enum rg_status op_nop(struct cmd_ctx *c)
{
	(void)c;
	return RG_ST_OK;
}

static enum rg_status op_info(struct cmd_ctx *c)
{
	struct rg_info info;
	rg_fw_info(c->mb->fw, &info);
	info.contract_version = RG_CONTRACT_VERSION;
	info.fw_version = c->mb->ident.fw_version;
	info.rtl_version = c->mb->ident.rtl_version;
	info.fastpath = c->mb->fpdev->kind;
	reply(c, &info, sizeof(info));
	return RG_ST_OK;
}

static enum rg_status op_reset(struct cmd_ctx *c)
{
	return rg_fw_reset(c->mb->fw);
}

static enum rg_status op_set_config(struct cmd_ctx *c)
{
	struct rg_config cfg;
	payload(c, &cfg, sizeof(cfg));
	return rg_fw_set_config(c->mb->fw, &cfg);
}

static enum rg_status op_get_config(struct cmd_ctx *c)
{
	struct rg_config cfg;
	rg_fw_get_config(c->mb->fw, &cfg);
	reply(c, &cfg, sizeof(cfg));
	return RG_ST_OK;
}

static enum rg_status op_pool_set(struct cmd_ctx *c)
{
	struct rg_pool p;
	payload(c, &p, sizeof(p));
	return rg_fw_pool_set(c->mb->fw, &p);
}

static enum rg_status op_pool_add_range(struct cmd_ctx *c)
{
	struct rg_pool_range r;
	payload(c, &r, sizeof(r));
	return rg_fw_pool_add_range(c->mb->fw, &r);
}

static enum rg_status op_pool_del(struct cmd_ctx *c)
{
	return rg_fw_pool_del(c->mb->fw, c->cmd->payload[0]);
}

static enum rg_status op_rule_add(struct cmd_ctx *c)
{
	struct rg_rule r;
	payload(c, &r, sizeof(r));
	return rg_fw_rule_add(c->mb->fw, &r);
}

static uint32_t payload_u32(const struct cmd_ctx *c)
{
	uint32_t v;
	payload(c, &v, sizeof(v));
	return v;
}

static enum rg_status op_rule_del(struct cmd_ctx *c)
{
	return rg_fw_rule_del(c->mb->fw, payload_u32(c));
}

static enum rg_status op_map_add(struct cmd_ctx *c)
{
	struct rg_map_req req;
	struct rg_map_rsp rsp = { 0 };
	payload(c, &req, sizeof(req));
	/* the filters the request names must be inside the payload */
	if (req.n_filters > RG_MAP_MAX_FILTERS ||
	    c->cmd->len < __builtin_offsetof(struct rg_map_req, filters) +
				  req.n_filters * sizeof(struct rg_map_filter))
		return RG_ST_BAD_LENGTH;
	enum rg_status st = rg_fw_map_add(c->mb->fw, &req, &rsp);
	if (st == RG_ST_OK)
		reply(c, &rsp, sizeof(rsp));
	return st;
}

static enum rg_status op_map_del(struct cmd_ctx *c)
{
	struct rg_map_id id;
	payload(c, &id, sizeof(id));
	return rg_fw_map_del(c->mb->fw, &id);
}

static enum rg_status op_map_get(struct cmd_ctx *c)
{
	struct rg_map_id id;
	struct rg_map_rec rec = { 0 };
	payload(c, &id, sizeof(id));
	enum rg_status st = rg_fw_map_get(c->mb->fw, &id, &rec);
	if (st == RG_ST_OK)
		reply(c, &rec, sizeof(rec));
	return st;
}

/* An index alone, or an index with what the session must still be. */
static enum rg_status op_session_del(struct cmd_ctx *c)
{
	if (c->cmd->len == sizeof(uint32_t))
		return rg_fw_session_del(c->mb->fw, payload_u32(c));
	struct rg_session_del_req req;
	payload(c, &req, sizeof(req));
	if (req.rsvd || !rg_session_filter_valid(&req.expect))
		return RG_ST_INVALID;
	return rg_fw_session_del_if(c->mb->fw, req.index, &req.expect);
}

static enum rg_status op_event_mask(struct cmd_ctx *c)
{
	uint32_t mask = payload_u32(c);
	if (mask >> RG_EVT__COUNT)
		return RG_ST_INVALID;
	c->mb->event_mask = mask;
	return RG_ST_OK;
}

/* ---- paged listings ------------------------------------------------------ */

static enum rg_status finish_page(struct cmd_ctx *c, uint32_t count, uint32_t next,
				  uint32_t rec_size)
{
	uint32_t bytes = count * rec_size;
	if (bytes && c->mb->bus.dma_write(c->mb->bus.ctx, c->cmd->buf_addr, c->mb->scratch, bytes))
		return RG_ST_IO;
	struct rg_page_rsp rsp = { .count = count, .next = next };
	c->cpl->buf_used = bytes;
	reply(c, &rsp, sizeof(rsp));
	return RG_ST_OK;
}

/* A page request with its record count bounded by the result buffer. */
static struct rg_page_req page_bounded(const struct cmd_ctx *c, struct rg_page_req req)
{
	if (req.max == 0 || req.max > c->max_records)
		req.max = c->max_records;
	return req;
}

static struct rg_page_req page_req(const struct cmd_ctx *c)
{
	struct rg_page_req req;
	payload(c, &req, sizeof(req));
	return page_bounded(c, req);
}

/* A listing whose page request is all its payload: the firmware's fn
 * fills the staging buffer with records of type. */
#define PLAIN_LISTING(name, fn, type)                                                           \
	static enum rg_status name(struct cmd_ctx *c)                                           \
	{                                                                                       \
		struct rg_page_req req = page_req(c);                                           \
		uint32_t next = 0;                                                              \
		uint32_t n = fn(c->mb->fw, req.cursor, (type *)c->mb->scratch, req.max, &next); \
		return finish_page(c, n > req.max ? req.max : n, next, sizeof(type));           \
	}
PLAIN_LISTING(op_map_list, rg_fw_map_list, struct rg_map_rec)
PLAIN_LISTING(op_sub_list, rg_fw_sub_list, struct rg_sub_rec)
PLAIN_LISTING(op_pool_list, rg_fw_pool_list, struct rg_pool)
PLAIN_LISTING(op_pool_addr_list, rg_fw_pool_addr_list, struct rg_pool_addr_rec)
PLAIN_LISTING(op_rule_list, rg_fw_rule_list, struct rg_rule)
#undef PLAIN_LISTING

/* The page part alone lists every session; with the filter after it, the
 * matching ones (mailbox.h, struct rg_session_list_req). */
static enum rg_status op_session_list(struct cmd_ctx *c)
{
	struct rg_session_list_req full;
	payload(c, &full, sizeof(full));
	struct rg_page_req req = page_bounded(c, full.page);
	const struct rg_session_filter *f = 0;
	if (c->cmd->len == sizeof(full)) {
		if (!rg_session_filter_valid(&full.filter))
			return RG_ST_INVALID;
		f = &full.filter;
	}
	uint32_t next = 0;
	uint32_t n = rg_fw_session_list_filter(
		c->mb->fw, req.cursor, f, (struct rg_session_rec *)c->mb->scratch, req.max, &next);
	return finish_page(c, n > req.max ? req.max : n, next, sizeof(struct rg_session_rec));
}

/* The counter id space has two ranges (counters.h); the cursor is an id. */
static uint32_t next_counter_id(uint32_t id)
{
	if (id < RG_FPC_COUNT)
		return id;
	if (id < RG_FWC_BASE)
		return RG_FWC_BASE;
	if (id < RG_FWC_END)
		return id;
	return 0;
}

static enum rg_status op_counters(struct cmd_ctx *c)
{
	struct rg_page_req req = page_req(c);
	struct rg_counter_rec *rec = (struct rg_counter_rec *)c->mb->scratch;
	uint32_t n = 0, id = next_counter_id(req.cursor);
	if (req.cursor && !id)
		return RG_ST_INVALID;
	while (n < req.max) {
		rec[n].id = id;
		rec[n].rsvd = 0;
		rec[n].value = rg_mbox_counter(c->mb, id);
		n++;
		id = next_counter_id(id + 1);
		if (!id)
			break;
	}
	return finish_page(c, n, id, sizeof(*rec));
}

#define LEN(t) sizeof(t), sizeof(t)
static const struct cmd_desc cmd_table[] = {
	{ RG_OP_NOP, 0, RG_CMD_PAYLOAD, 0, op_nop },
	{ RG_OP_INFO, 0, 0, 0, op_info },
	{ RG_OP_RESET, 0, 0, 0, op_reset },
	{ RG_OP_SET_CONFIG, LEN(struct rg_config), 0, op_set_config },
	{ RG_OP_GET_CONFIG, 0, 0, 0, op_get_config },
	{ RG_OP_POOL_SET, LEN(struct rg_pool), 0, op_pool_set },
	{ RG_OP_POOL_ADD_RANGE, LEN(struct rg_pool_range), 0, op_pool_add_range },
	{ RG_OP_POOL_DEL, 1, 1, 0, op_pool_del },
	{ RG_OP_POOL_LIST, LEN(struct rg_page_req), sizeof(struct rg_pool), op_pool_list },
	{ RG_OP_POOL_ADDR_LIST, LEN(struct rg_page_req), sizeof(struct rg_pool_addr_rec),
	  op_pool_addr_list },
	{ RG_OP_RULE_ADD, LEN(struct rg_rule), 0, op_rule_add },
	{ RG_OP_RULE_DEL, 4, 4, 0, op_rule_del },
	{ RG_OP_RULE_LIST, LEN(struct rg_page_req), sizeof(struct rg_rule), op_rule_list },
	/* a mapping request may stop after its last filter */
	{ RG_OP_MAP_ADD, __builtin_offsetof(struct rg_map_req, filters), sizeof(struct rg_map_req),
	  0, op_map_add },
	{ RG_OP_MAP_DEL, LEN(struct rg_map_id), 0, op_map_del },
	{ RG_OP_MAP_GET, LEN(struct rg_map_id), 0, op_map_get },
	{ RG_OP_MAP_LIST, LEN(struct rg_page_req), sizeof(struct rg_map_rec), op_map_list },
	/* the page alone, or the page and a filter (len_ok) */
	{ RG_OP_SESSION_LIST, sizeof(struct rg_page_req), sizeof(struct rg_session_list_req),
	  sizeof(struct rg_session_rec), op_session_list },
	/* an index, or an index and its expected session (len_ok) */
	{ RG_OP_SESSION_DEL, 4, sizeof(struct rg_session_del_req), 0, op_session_del },
	{ RG_OP_SUBSCRIBER_LIST, LEN(struct rg_page_req), sizeof(struct rg_sub_rec), op_sub_list },
	{ RG_OP_COUNTERS, LEN(struct rg_page_req), sizeof(struct rg_counter_rec), op_counters },
	{ RG_OP_EVENT_MASK, 4, 4, 0, op_event_mask },
};

static const struct cmd_desc *find_cmd(uint16_t opcode)
{
	for (unsigned i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		if (cmd_table[i].opcode == opcode)
			return &cmd_table[i];
	return 0;
}

/* A session listing is its page request alone or followed by a whole
 * filter, a session deletion an index alone or with its whole expected
 * session, nothing in between; every other command takes its range. */
static int len_ok(const struct cmd_desc *d, uint16_t len)
{
	if (d->opcode == RG_OP_SESSION_LIST || d->opcode == RG_OP_SESSION_DEL)
		return len == d->len_min || len == d->len_max;
	return len >= d->len_min && len <= d->len_max;
}

/* Run one command; its completion is filled in (status, payload). */
static void execute(struct rg_mbox *mb, const struct rg_cmd *cmd, struct rg_cpl *cpl)
{
	struct cmd_ctx c = { .mb = mb, .cmd = cmd, .cpl = cpl };
	const struct cmd_desc *d = find_cmd(cmd->opcode);
	enum rg_status st;
	if (!d)
		st = RG_ST_UNKNOWN_OP;
	else if (!len_ok(d, cmd->len))
		st = RG_ST_BAD_LENGTH;
	else if (d->rec_size) {
		uint32_t fit = cmd->buf_len / d->rec_size;
		if (fit > RG_MBOX_SCRATCH / d->rec_size)
			fit = RG_MBOX_SCRATCH / d->rec_size;
		if (!cmd->buf_addr || !fit)
			st = RG_ST_INVALID;
		else if (mb->bus.dma_check(mb->bus.ctx, cmd->buf_addr, cmd->buf_len))
			st = RG_ST_IO;
		else {
			c.max_records = fit;
			st = d->fn(&c);
		}
	} else
		st = d->fn(&c);
	cpl->status = (uint16_t)st;
	if (st == RG_ST_OK)
		mb->stats.cmd_ok++;
	else
		mb->stats.cmd_error++;
}

unsigned rg_mbox_serve_commands(struct rg_mbox *mb, unsigned budget)
{
	struct rg_mbox_ring *cq = &mb->ring[RG_RING_CMD], *pq = &mb->ring[RG_RING_CPL];
	unsigned done = 0;
	while (done < budget) {
		int32_t pending = rg_mbox_pending(mb, RG_RING_CMD);
		if (pending <= 0)
			break;
		/* back-pressure: no completion slot, no command taken */
		int32_t room = rg_mbox_room(mb, RG_RING_CPL);
		if (room <= 0)
			break;
		struct rg_cmd cmd;
		if (mb->bus.dma_read(mb->bus.ctx, rg_mbox_slot_addr(cq, cq->idx, sizeof(cmd)), &cmd,
				     sizeof(cmd))) {
			rg_mbox_fault(mb, RG_ST_IO);
			break;
		}
		struct rg_cpl cpl;
		__builtin_memset(&cpl, 0, sizeof(cpl));
		cpl.tag = cmd.tag;
		execute(mb, &cmd, &cpl);
		/* body first, then the word with the phase bit */
		uint64_t at = rg_mbox_slot_addr(pq, pq->idx, sizeof(cpl));
		uint32_t phase = rg_phase(pq->idx, pq->size_log2);
		if (mb->bus.dma_write(mb->bus.ctx, at, &cpl,
				      __builtin_offsetof(struct rg_cpl, phase)) ||
		    mb->bus.dma_write(mb->bus.ctx, at + __builtin_offsetof(struct rg_cpl, phase),
				      &phase, sizeof(phase))) {
			rg_mbox_fault(mb, RG_ST_IO);
			break;
		}
		cq->idx++;
		pq->idx++;
		done++;
		rg_mbox_irq_check(mb, RG_RING_CPL);
	}
	return done;
}
