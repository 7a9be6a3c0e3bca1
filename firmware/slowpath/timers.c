/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timer wheel: one slot per second, FW_WHEEL_SLOTS slots (68 minutes). A node
 * whose deadline lies beyond one revolution sits in the slot of its deadline
 * modulo the wheel and is put back when its slot comes round too early, so
 * long lifetimes (TCP established, requested mappings) cost one visit per
 * revolution and nothing is ever scanned per packet.
 *
 * Deadlines are whole card seconds rounded up by the callers, so a timeout
 * never fires early. rg_fw_tick handles at most a budget of expiries per
 * call; when the budget runs out the wheel simply resumes at the same slot.
 */
#include "fw_internal.h"

void fw_timer_init(struct rg_fw *fw)
{
	for (uint32_t i = 0; i < FW_WHEEL_SLOTS; i++)
		fw->wheel[i] = FW_NONE;
	for (uint32_t i = 0; i < fw->n_tnodes; i++)
		fw->tnodes[i] = (struct fw_tnode){ FW_NONE, FW_NONE, 0, 0 };
	fw->wheel_s = fw->now_s;
	fw->tcur = FW_NONE;
}

int fw_timer_armed(const struct rg_fw *fw, uint32_t node)
{
	return fw->tnodes[node].armed != 0;
}

uint32_t fw_timer_when(const struct rg_fw *fw, uint32_t node)
{
	return fw->tnodes[node].when_s;
}

void fw_timer_cancel(struct rg_fw *fw, uint32_t node)
{
	struct fw_tnode *t = &fw->tnodes[node];
	if (!t->armed)
		return;
	if (t->prev != FW_NONE)
		fw->tnodes[t->prev].next = t->next;
	else if (fw->tcur == node)
		fw->tcur = t->next;
	else
		fw->wheel[t->when_s % FW_WHEEL_SLOTS] = t->next;
	if (t->next != FW_NONE)
		fw->tnodes[t->next].prev = t->prev;
	t->next = t->prev = FW_NONE;
	t->armed = 0;
}

void fw_timer_arm(struct rg_fw *fw, uint32_t node, uint32_t when_s)
{
	fw_timer_cancel(fw, node);
	/* a deadline the wheel has already reached fires at the next second */
	if ((int32_t)(when_s - fw->wheel_s) <= 0)
		when_s = fw->wheel_s + 1;
	struct fw_tnode *t = &fw->tnodes[node];
	uint32_t slot = when_s % FW_WHEEL_SLOTS;
	t->when_s = when_s;
	t->armed = 1;
	t->prev = FW_NONE;
	t->next = fw->wheel[slot];
	if (t->next != FW_NONE)
		fw->tnodes[t->next].prev = node;
	fw->wheel[slot] = node;
}

static void fire(struct rg_fw *fw, uint32_t node)
{
	if (node < fw->tbase_map)
		fw_sess_timer(fw, node);
	else if (node < fw->tbase_frag)
		fw_map_timer(fw, node - fw->tbase_map);
	else if (node < fw->tbase_held)
		fw_frag_timer(fw, node - fw->tbase_frag);
	else if (node < fw->tbase_neigh)
		fw_held_timer(fw, node - fw->tbase_held);
	else
		fw_neigh_timer(fw, node - fw->tbase_neigh);
}

/*
 * The slot of the second being processed is detached into fw->tcur, so a
 * node re-armed while it is processed (a later revolution, or a callback
 * rescheduling) lands in the wheel and is not met twice; a budget cut leaves
 * the rest of tcur for the next call.
 */
int fw_timer_run(struct rg_fw *fw, uint32_t budget)
{
	for (;;) {
		while (fw->tcur != FW_NONE) {
			if (budget == 0)
				return 1;
			budget--;
			uint32_t node = fw->tcur;
			struct fw_tnode *t = &fw->tnodes[node];
			fw->tcur = t->next;
			if (t->next != FW_NONE)
				fw->tnodes[t->next].prev = FW_NONE;
			t->next = t->prev = FW_NONE;
			t->armed = 0;
			if ((int32_t)(t->when_s - fw->wheel_s) > 0)
				fw_timer_arm(fw, node, t->when_s); /* a later revolution */
			else
				fire(fw, node);
		}
		if ((int32_t)(fw->now_s - fw->wheel_s) <= 0)
			return 0;
		fw->wheel_s++;
		uint32_t slot = fw->wheel_s % FW_WHEEL_SLOTS;
		fw->tcur = fw->wheel[slot];
		fw->wheel[slot] = FW_NONE;
	}
}
