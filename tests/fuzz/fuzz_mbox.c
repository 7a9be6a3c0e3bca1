/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the card's side of the host interface: BAR0 and the
 * DMA rings as the mailbox service (firmware/mbox/) sees them, in front of
 * the real firmware and soft fast path (tests/lib/fwenv). The host is
 * simulated in process: a register file and a 64 KiB DMA arena whose rings
 * the harness brings up before each input, with four UDP sessions made by
 * traffic. The input is a script:
 *   op byte, then per op:
 *     0  command: up to 128 bytes of an rg_cmd (opcode folded into the
 *        opcode space, tag set by the harness, a small buf_addr taken as an
 *        offset into the arena), posted on the command ring; the card is
 *        polled and the completion read back and consumed
 *     1  register write: 2-byte offset, 4-byte value (anything in BAR0)
 *     2  DMA write: 2-byte arena offset, 1-byte length, bytes (rings too)
 *     3  poll the card (next byte + 1) times, 1 ms apart
 * Checks: nothing crashes (ASan+UBSan build); and while the input does
 * only commands (raw register and ring writes make the indices the
 * input's), every completion carries its command's tag, a known status and
 * lengths within bounds, and the four sessions keep their outside ports and
 * their packets still cross the card unless a command that may change state
 * (anything but the read-only opcodes) completed OK — malformed commands
 * must never disturb sessions. FUZZ_MBOX_TRACE=1 prints each command's
 * status (to check what a seed reaches).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/lib/bytes.h"
#include "../../firmware/mbox/mbox.h"
#include "../lib/fwenv.h"
#include "../lib/pktbuild.h"

#define ARENA_BASE 0x100000ull
#define ARENA_SIZE 0x10000u
#define LOG2 4u /* 16 entries per ring */
#define CMD_AT 0x0000u
#define CPL_AT 0x0800u
#define EVT_AT 0x1000u
#define HTX_AT 0x1400u
#define HRX_AT 0x1600u
#define FLOWS 4

static struct fwenv *env;
static struct rg_mbox mb;
static uint32_t regs[RG_BAR0_SIZE / 4];
static uint8_t arena[ARENA_SIZE];
static uint32_t now_ms, cmd_prod, cpl_cons;
static uint16_t flow_port[FLOWS];
static int trace; /* FUZZ_MBOX_TRACE=1: each command's status on stderr */

static int in_arena(uint64_t addr, uint64_t len)
{
	return addr >= ARENA_BASE && len <= ARENA_SIZE && addr - ARENA_BASE <= ARENA_SIZE - len;
}

static uint32_t reg_read(void *ctx, uint32_t off)
{
	(void)ctx;
	if (off % 4 || off >= RG_BAR0_SIZE)
		abort(); /* the card reads outside its own register file */
	return regs[off / 4];
}

static void reg_write(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	if (off % 4 || off >= RG_BAR0_SIZE)
		abort();
	regs[off / 4] = v;
}

static int dma_read(void *ctx, uint64_t addr, void *dst, uint32_t len)
{
	(void)ctx;
	if (!in_arena(addr, len))
		return -1;
	memcpy(dst, arena + (addr - ARENA_BASE), len);
	return 0;
}

static int dma_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	(void)ctx;
	if (!in_arena(addr, len))
		return -1;
	memcpy(arena + (addr - ARENA_BASE), src, len);
	return 0;
}

static int dma_check(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	return in_arena(addr, len) ? 0 : -1;
}

static void from_host(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	fwenv_rx(env, RG_PORT_HOST, frame, len);
}

static struct pkt_spec flow(unsigned i)
{
	static const uint8_t mac[6] = { 0x02, 0, 0x0a, 0, 0, 0x02 };
	return fwenv_pkt_in(0x0a000002u + i, mac, 0xc6336401u, 17, (uint16_t)(40000 + i), 53);
}

/* The outside source port of flow i's next packet, 0 if none left. */
static uint16_t send_flow(unsigned i)
{
	struct pkt_spec s = flow(i);
	/* the first one also resolves the gateway */
	const struct fwenv_frame *o = fwenv_out_of(env, &s);
	if (!o || o->len < 14 + 20 + 8)
		return 0;
	return rg_get_be16(o->data + 14 + 20);
}

static void set_ring(unsigned r, uint32_t at)
{
	uint32_t b = RG_RING_BASE(r);
	regs[(b + RG_RING_BASE_LO) / 4] = (uint32_t)(ARENA_BASE + at);
	regs[(b + RG_RING_BASE_HI) / 4] = 0;
	regs[(b + RG_RING_SIZE_LOG2) / 4] = LOG2;
	regs[(b + RG_RING_DOORBELL) / 4] = 0;
	regs[(b + RG_RING_FLAGS) / 4] = RG_RINGF_ENABLE;
}

static void poll_card(void)
{
	if (rg_mbox_poll(&mb, ++now_ms) == RG_MBOX_RESET_REQUESTED) {
		rg_fw_reset(env->fw);
		rg_mbox_reset_done(&mb, env->fw);
	}
	/* the firmware's events go to the event ring as on the card */
	for (unsigned k = 0; k < env->n_evts; k++)
		rg_mbox_event(&mb, &env->evts[k]);
	env->n_evts = 0;
	/* and its timers are paced by the room the (fuzzed) host left */
	env->event_room = rg_mbox_event_room(&mb, UINT32_MAX);
}

/* The card as the driver leaves it after opening: rings up, enabled. */
static void bring_up(void)
{
	memset(regs, 0, sizeof(regs));
	memset(arena, 0, sizeof(arena));
	struct rg_mbox_bus bus = { .reg_read = reg_read,
				   .reg_write = reg_write,
				   .dma_read = dma_read,
				   .dma_write = dma_write,
				   .dma_check = dma_check,
				   .from_host = from_host };
	struct rg_mbox_identity id = { .fw_version = 0x000100 };
	rg_mbox_init(&mb, &bus, env->fw, &env->dev, &id);
	set_ring(RG_RING_CMD, CMD_AT);
	set_ring(RG_RING_CPL, CPL_AT);
	set_ring(RG_RING_EVT, EVT_AT);
	set_ring(RG_RING_HTX, HTX_AT);
	set_ring(RG_RING_HRX, HRX_AT);
	regs[(RG_CTRL_BASE + RG_CTRL_RECONFIG_REQ) / 4] = RG_RECONF_RINGS;
	regs[(RG_CTRL_BASE + RG_CTRL_RECONFIG_DB) / 4] = 1;
	poll_card();
	if (regs[(RG_CTRL_BASE + RG_CTRL_RECONFIG_RESULT) / 4] != RG_ST_OK)
		abort(); /* the harness's own ring set-up was refused */
	regs[(RG_CTRL_BASE + RG_CTRL_CONTROL) / 4] = RG_CTRL_ENABLE;
	poll_card();
	cmd_prod = cpl_cons = 0;
}

static int read_only(uint16_t opcode)
{
	switch (opcode) {
	case RG_OP_NOP:
	case RG_OP_INFO:
	case RG_OP_GET_CONFIG:
	case RG_OP_POOL_LIST:
	case RG_OP_RULE_LIST:
	case RG_OP_MAP_GET:
	case RG_OP_MAP_LIST:
	case RG_OP_SESSION_LIST:
	case RG_OP_SUBSCRIBER_LIST:
	case RG_OP_COUNTERS:
	case RG_OP_EVENT_MASK:
		return 1;
	default:
		return 0;
	}
}

static int known_status(uint16_t st)
{
	switch (st) {
#define STATUS_CASE(name, val, text) case val:
		RG_STATUS_CODES(STATUS_CASE)
#undef STATUS_CASE
		return 1;
	default:
		return 0;
	}
}

/* command()'s answer for a command that completed OK and may change state */
#define MAY_HAVE_CHANGED 1000

/* Post one command and take its completion. Returns its status (or
 * MAY_HAVE_CHANGED), or -1 when the card did not complete it (a fault
 * stopped the ring) or the indices are no longer the harness's. */
static int command(const uint8_t *data, size_t n, int raw)
{
	struct rg_cmd c;
	memset(&c, 0, sizeof(c));
	memcpy(&c, data, n < sizeof(c) ? n : sizeof(c));
	/* most of the opcode space is unknown: keep the known part in reach
	 * and a few unknown values around it */
	c.opcode = (uint16_t)(c.opcode % 0x68u);
	c.tag = (uint16_t)(0x5a00u + cmd_prod % 256u);
	if (c.buf_addr < ARENA_SIZE)
		c.buf_addr += ARENA_BASE;
	memcpy(arena + CMD_AT + (cmd_prod % (1u << LOG2)) * sizeof(c), &c, sizeof(c));
	cmd_prod++;
	regs[(RG_RING_BASE(RG_RING_CMD) + RG_RING_DOORBELL) / 4] = cmd_prod;
	for (int k = 0; k < 4; k++)
		poll_card();
	struct rg_cpl p;
	memcpy(&p, arena + CPL_AT + (cpl_cons % (1u << LOG2)) * sizeof(p), sizeof(p));
	if ((p.phase & 1u) != rg_phase(cpl_cons, LOG2))
		return -1;
	cpl_cons++;
	regs[(RG_RING_BASE(RG_RING_CPL) + RG_RING_DOORBELL) / 4] = cpl_cons;
	if (trace)
		fprintf(stderr, "command 0x%04x len %u -> status %u, %u result bytes\n", c.opcode,
			c.len, p.status, p.buf_used);
	if (raw)
		return -1; /* after raw register or ring writes, indices are the input's */
	if (p.tag != c.tag || !known_status(p.status))
		abort(); /* a completion that answers another command or says nothing */
	if (p.len > RG_CPL_PAYLOAD || p.buf_used > c.buf_len)
		abort(); /* the card claims more than fits */
	if (p.status == RG_ST_OK && !read_only(c.opcode))
		return MAY_HAVE_CHANGED; /* the session check is off */
	return p.status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!env) {
		env = fwenv_new(NULL);
		if (!env)
			abort();
		trace = getenv("FUZZ_MBOX_TRACE") != NULL;
	}
	rg_fw_reset(env->fw);
	fwenv_std_config(env, RG_MAP_EIM, RG_FILTER_EIF);
	for (unsigned i = 0; i < FLOWS; i++)
		if (!(flow_port[i] = send_flow(i)))
			abort(); /* the harness's flows must cross the card */
	now_ms = 0;
	bring_up();
	int sessions_must_stay = 1, raw = 0;
	size_t i = 0;
	while (i < size) {
		uint8_t op = data[i++] % 4;
		if (op == 0) {
			size_t n =
				size - i < sizeof(struct rg_cmd) ? size - i : sizeof(struct rg_cmd);
			int st = command(data + i, n, raw);
			i += n;
			if (st == MAY_HAVE_CHANGED || st < 0)
				sessions_must_stay = 0;
			if (st < 0)
				raw = 1; /* not completed: the ring stopped (fault) */
		} else if (op == 1) {
			if (size - i < 6)
				break;
			uint32_t off = (rg_get_be16(data + i) & ~3u) % RG_BAR0_SIZE;
			uint32_t v;
			memcpy(&v, data + i + 2, 4);
			i += 6;
			regs[off / 4] = v;
			sessions_must_stay = 0;
			raw = 1;
		} else if (op == 2) {
			if (size - i < 3)
				break;
			uint32_t off = rg_get_be16(data + i) % ARENA_SIZE;
			uint32_t len = data[i + 2];
			i += 3;
			if (len > size - i)
				len = (uint32_t)(size - i);
			if (len > ARENA_SIZE - off)
				len = ARENA_SIZE - off;
			memcpy(arena + off, data + i, len);
			i += len;
			sessions_must_stay = 0;
			raw = 1;
		} else {
			unsigned k = i < size ? data[i++] + 1u : 1u;
			while (k--)
				poll_card();
		}
	}
	if (sessions_must_stay) {
		/* the flows find their sessions: same ports, none created anew
		 * (with port preservation a new one could get the same port) */
		uint64_t created = fwenv_counter(env, "sessions-created");
		for (unsigned f = 0; f < FLOWS; f++)
			if (send_flow(f) != flow_port[f])
				abort(); /* a command that failed or only read lost a session */
		if (fwenv_counter(env, "sessions-created") != created)
			abort(); /* ... or lost one that traffic made again */
	}
	return 0;
}
