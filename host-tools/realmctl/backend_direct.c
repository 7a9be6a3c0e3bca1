/* SPDX-License-Identifier: BSD-2-Clause */
/* realmctl's direct backend: the driver library (backend.h). */
#include <stdlib.h>

#include "../../driver/rgdev.h"
#include "backend.h"

static enum rg_status direct_cmd(struct ctl_backend *b, uint16_t opcode, const void *req,
				 uint16_t req_len, void *rsp, uint16_t rsp_cap, uint16_t *rsp_len,
				 void *bulk, uint32_t bulk_cap, uint32_t *bulk_used)
{
	struct rg_dev *d = b->priv;
	enum rg_status st = rg_dev_cmd(d, opcode, req, req_len, rsp, rsp_cap, rsp_len, bulk,
				       bulk_cap, bulk_used);
	/* a card reset in between loses the command; once is worth a retry */
	if (st == RG_ST_CARD_GONE)
		st = rg_dev_cmd(d, opcode, req, req_len, rsp, rsp_cap, rsp_len, bulk, bulk_cap,
				bulk_used);
	return st;
}

static int direct_event(struct ctl_backend *b, struct rg_evt *evt)
{
	return rg_dev_event(b->priv, evt);
}

/* The card's event-ring interrupt where the backend has one (the
 * simulator), so a waiting `realmctl events` sleeps instead of polling. */
static int direct_wait_event(struct ctl_backend *b, int timeout_ms)
{
	return rg_dev_irq_wait(b->priv, 1u << RG_RING_EVT, timeout_ms);
}

static const char *direct_error(struct ctl_backend *b)
{
	return rg_dev_error(b->priv);
}

static void direct_close(struct ctl_backend *b)
{
	rg_dev_close(b->priv);
	free(b);
}

struct ctl_backend *ctl_direct_open(const char *spec, int timeout_ms, char *err, size_t err_len)
{
	struct ctl_backend *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	struct rg_dev_opts o = { .timeout_ms = timeout_ms };
	struct rg_dev *d;
	if (rg_dev_open(spec, &o, &d, err, err_len)) {
		free(b);
		return NULL;
	}
	b->kind = "direct";
	b->where = rg_dev_spec(d);
	b->cmd = direct_cmd;
	b->event = direct_event;
	b->wait_event = direct_wait_event;
	b->error = direct_error;
	b->close = direct_close;
	b->priv = d;
	return b;
}
