/* SPDX-License-Identifier: BSD-2-Clause */
/* DPM setup exchange codec; see dpm_wire.h. */
#include "dpm_wire.h"

#include <string.h>

#include "wire_bytes.h"

static const char *const status_names[] = {
	[DPM_OK] = "ok",
	[DPM_ERR_MALFORMED] = "malformed",
	[DPM_ERR_VERSION] = "unsupported-version",
	[DPM_ERR_NOT_AUTHORIZED] = "not-authorized",
	[DPM_ERR_NO_RESOURCES] = "no-resources",
	[DPM_ERR_PORT_TAKEN] = "port-taken",
	[DPM_ERR_QUOTA] = "quota",
	[DPM_ERR_FAILURE] = "failure",
};

const char *dpm_status_name(int status)
{
	if (status < 0 || status > DPM_ERR_FAILURE)
		return "unknown";
	return status_names[status];
}

int dpm_decode(const uint8_t *buf, size_t len, struct dpm_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < 4 || buf[0] != DPM_MAGIC0 || buf[1] != DPM_MAGIC1)
		return -1;
	m->version = buf[2];
	m->type = buf[3];
	if (len >= 24)
		m->txid = wb_get32(buf + 20);
	if (m->version != DPM_VERSION)
		return DPM_ERR_VERSION;
	if (len != DPM_MSG_LEN)
		return DPM_ERR_MALFORMED;
	m->flags = buf[4];
	m->proto = buf[5];
	m->in_port = wb_get16(buf + 6);
	m->addr = wb_get32(buf + 8);
	m->port = wb_get16(buf + 12);
	m->lifetime = wb_get32(buf + 16);
	if (m->type < DPM_SETUP || m->type > DPM_RELEASE_REPLY)
		return DPM_ERR_MALFORMED;
	return DPM_OK;
}

size_t dpm_encode(const struct dpm_msg *m, uint8_t out[DPM_MSG_LEN])
{
	memset(out, 0, DPM_MSG_LEN);
	out[0] = DPM_MAGIC0;
	out[1] = DPM_MAGIC1;
	out[2] = m->version ? m->version : DPM_VERSION;
	out[3] = m->type;
	out[4] = m->flags;
	out[5] = m->proto;
	wb_put16(out + 6, m->in_port);
	wb_put32(out + 8, m->addr);
	wb_put16(out + 12, m->port);
	wb_put32(out + 16, m->lifetime);
	wb_put32(out + 20, m->txid);
	return DPM_MSG_LEN;
}
