/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fast path's session index as the slow path manages it: keys of a
 * session, placement of its two slots (d-left with two choices, bucketized
 * cuckoo relocation when both buckets are full), removal, and the slow
 * path's own lookup.
 *
 * The slow path's lookup compares the full key of every slot whose tag
 * matches in both buckets, where the fast path stops at the first tag match.
 * A "tag shadow" (an earlier slot with an equal tag, probability ~2^-29 per
 * key at full buckets) therefore never loses a session: the fast path punts
 * MISS and the slow path finds and translates the packet itself.
 */
#include "fw_internal.h"

static int key_equal(const struct rg_flow_key *a, const struct rg_flow_key *b)
{
	return __builtin_memcmp(a, b, sizeof(*a)) == 0;
}

int fw_sess_read(struct rg_fw *fw, uint32_t idx, struct rg_session *s)
{
	return fw->dev.ops->read_session(fw->dev.ctx, idx, s);
}

static uint64_t slot_read(struct rg_fw *fw, unsigned bank, uint32_t bucket, unsigned slot)
{
	uint64_t v = 0;
	if (fw->dev.ops->read_slot(fw->dev.ctx, bank, bucket, slot, &v))
		return 0;
	return v;
}

/* Both buckets of a hash in probe order (bank 0 slots, then bank 1); an
 * unreadable bucket reads as empty. */
static void buckets_read(struct rg_fw *fw, const uint32_t h[RG_HASH_OUT_WORDS],
			 uint64_t v[RG_INDEX_BANKS * RG_BUCKET_SLOTS])
{
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++)
		if (fw->dev.ops->read_bucket(fw->dev.ctx, b, h[b] & fw->bucket_mask,
					     &v[b * RG_BUCKET_SLOTS]))
			__builtin_memset(&v[b * RG_BUCKET_SLOTS], 0,
					 RG_BUCKET_SLOTS * sizeof(uint64_t));
}

static void slot_write(struct rg_fw *fw, unsigned bank, uint32_t bucket, unsigned slot, uint64_t v)
{
	fw->dev.ops->write_slot(fw->dev.ctx, bank, bucket, slot, v);
}

static uint32_t slot_idx(uint64_t v)
{
	return (uint32_t)(v >> RG_SLOT_INDEX_SHIFT) & RG_SLOT_INDEX_MASK;
}

static unsigned slot_dir(uint64_t v)
{
	return (unsigned)(v >> RG_SLOT_DIR_BIT) & 1u;
}

static int slot_valid(uint64_t v)
{
	return (v >> RG_SLOT_VALID_BIT) != 0;
}

/* The RFC 1624 deltas of the I2O rewrite (the O2I one is their complement). */
void fw_sess_deltas(struct rg_session *s)
{
	uint32_t in = rg_be32_val(s->in_addr), out = rg_be32_val(s->out_addr);
	uint32_t rx = rg_be32_val(s->rem_xaddr), r = rg_be32_val(s->rem_addr);
	uint16_t d3 = rg_csum_add(rg_csum_delta32(in, out), rg_csum_delta32(rx, r));
	uint16_t dp =
		rg_csum_add(rg_csum_delta16(rg_be16_val(s->in_port), rg_be16_val(s->out_port)),
			    rg_csum_delta16(rg_be16_val(s->rem_xport), rg_be16_val(s->rem_port)));
	s->csum_l3 = rg_be16_field(d3);
	if (s->proto == IPPROTO_ICMP) {
		/* only the identifier on the initiator's side is rewritten */
		s->csum_l4 = rg_be16_field(
			rg_csum_delta16(rg_be16_val(s->in_port), rg_be16_val(s->out_port)));
	} else if (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP) {
		s->csum_l4 = rg_be16_field(rg_csum_add(d3, dp));
	} else {
		s->csum_l4 = 0;
	}
}

uint32_t fw_sess_lookup(struct rg_fw *fw, const struct rg_flow_key *k, unsigned *dir)
{
	uint32_t h[RG_HASH_OUT_WORDS];
	rg_toeplitz_hash(fw->tz, k, h);
	uint64_t slots[RG_INDEX_BANKS * RG_BUCKET_SLOTS];
	buckets_read(fw, h, slots);
	for (unsigned i = 0; i < RG_INDEX_BANKS * RG_BUCKET_SLOTS; i++) {
		uint64_t v = slots[i];
		if (!slot_valid(v) || (uint32_t)v != h[2])
			continue;
		uint32_t idx = slot_idx(v);
		if (idx >= fw->n_sess || fw->sess[idx].state == FW_SS_FREE)
			continue;
		struct rg_session s;
		if (fw_sess_read(fw, idx, &s) || !(s.flags & RG_SESS_VALID))
			continue;
		struct rg_flow_key sk;
		rg_session_key(&s, slot_dir(v), &sk);
		if (key_equal(&sk, k)) {
			*dir = slot_dir(v);
			return idx;
		}
	}
	return FW_NONE;
}

/* The bucket of the other bank that the entry in slot value v may move to. */
static int alt_bucket(struct rg_fw *fw, uint64_t v, unsigned bank, uint32_t *alt)
{
	uint32_t idx = slot_idx(v);
	struct rg_session s;
	if (idx >= fw->n_sess || fw_sess_read(fw, idx, &s))
		return -1;
	struct rg_flow_key k;
	uint32_t h[RG_HASH_OUT_WORDS];
	rg_session_key(&s, slot_dir(v), &k);
	rg_toeplitz_hash(fw->tz, &k, h);
	*alt = h[1 - bank] & fw->bucket_mask;
	return 0;
}

static int on_path(struct rg_fw *fw, uint32_t node, unsigned bank, uint32_t bucket)
{
	while (node != 0xffffu) {
		if (fw->bfs[node].bank == bank && fw->bfs[node].bucket == bucket)
			return 1;
		node = fw->bfs[node].parent;
	}
	return 0;
}

/*
 * Both buckets are full: breadth-first search for a chain of moves ending
 * in a free slot, then execute it from the free end, each entry copied to
 * its new slot before its old slot is overwritten, so every session stays
 * findable throughout. Returns the freed root position or -1.
 */
static int cuckoo(struct rg_fw *fw, const uint32_t h[RG_HASH_OUT_WORDS], unsigned *rbank,
		  uint32_t *rbucket, unsigned *rslot)
{
	uint32_t n = 0;
	for (unsigned b = 0; b < RG_INDEX_BANKS; b++)
		for (unsigned sl = 0; sl < RG_BUCKET_SLOTS; sl++) {
			fw->bfs[n].bank = (uint8_t)b;
			fw->bfs[n].bucket = h[b] & fw->bucket_mask;
			fw->bfs[n].slot = (uint8_t)sl;
			fw->bfs[n].parent = 0xffffu;
			n++;
		}
	for (uint32_t i = 0; i < n; i++) {
		unsigned bank = fw->bfs[i].bank;
		uint64_t v = slot_read(fw, bank, fw->bfs[i].bucket, fw->bfs[i].slot);
		uint32_t alt;
		if (!slot_valid(v) || alt_bucket(fw, v, bank, &alt))
			continue;
		unsigned abank = 1 - bank;
		if (on_path(fw, i, abank, alt))
			continue;
		int free_slot = -1;
		for (unsigned sl = 0; sl < RG_BUCKET_SLOTS; sl++)
			if (!slot_valid(slot_read(fw, abank, alt, sl))) {
				free_slot = (int)sl;
				break;
			}
		if (free_slot >= 0) {
			/* execute: move i into the free slot, i's parent into i, ... */
			unsigned dbank = abank, dslot = (unsigned)free_slot;
			uint32_t dbucket = alt;
			uint32_t cur = i;
			while (cur != 0xffffu) {
				uint64_t cv = slot_read(fw, fw->bfs[cur].bank, fw->bfs[cur].bucket,
							fw->bfs[cur].slot);
				slot_write(fw, dbank, dbucket, dslot, cv);
				dbank = fw->bfs[cur].bank;
				dbucket = fw->bfs[cur].bucket;
				dslot = fw->bfs[cur].slot;
				cur = fw->bfs[cur].parent;
			}
			*rbank = dbank;
			*rbucket = dbucket;
			*rslot = dslot;
			return 0;
		}
		for (unsigned sl = 0; sl < RG_BUCKET_SLOTS && n < FW_CUCKOO_NODES; sl++) {
			fw->bfs[n].bank = (uint8_t)abank;
			fw->bfs[n].bucket = alt;
			fw->bfs[n].slot = (uint8_t)sl;
			fw->bfs[n].parent = (uint16_t)i;
			n++;
		}
	}
	return -1;
}

static int place(struct rg_fw *fw, const struct rg_flow_key *k, uint32_t idx, unsigned dir,
		 int *shadowed)
{
	uint32_t h[RG_HASH_OUT_WORDS];
	rg_toeplitz_hash(fw->tz, k, h);
	/* both buckets in probe order, read once */
	uint64_t v[RG_INDEX_BANKS * RG_BUCKET_SLOTS];
	buckets_read(fw, h, v);
	int free_at = -1, tag_seen = 0;
	for (unsigned i = 0; i < RG_INDEX_BANKS * RG_BUCKET_SLOTS; i++) {
		if (!slot_valid(v[i])) {
			if (free_at < 0)
				free_at = (int)i;
		} else if ((uint32_t)v[i] == h[2]) {
			/* an equal tag before the entry hides it from the fast path's
			 * first-match scan; after it, the entry hides the other one:
			 * either way the slow path handles the affected packets */
			tag_seen = 1;
		}
	}
	if (free_at >= 0) {
		if (tag_seen)
			*shadowed = 1;
		unsigned b = (unsigned)free_at / RG_BUCKET_SLOTS;
		slot_write(fw, b, h[b] & fw->bucket_mask, (unsigned)free_at % RG_BUCKET_SLOTS,
			   rg_slot_make(h[2], idx, dir));
		return 0;
	}
	unsigned rb, rs;
	uint32_t rbk;
	if (cuckoo(fw, h, &rb, &rbk, &rs))
		return -1;
	if (tag_seen)
		*shadowed = 1;
	slot_write(fw, rb, rbk, rs, rg_slot_make(h[2], idx, dir));
	return 0;
}

static void unplace(struct rg_fw *fw, const struct rg_flow_key *k, uint32_t idx, unsigned dir)
{
	uint32_t h[RG_HASH_OUT_WORDS];
	rg_toeplitz_hash(fw->tz, k, h);
	uint64_t v[RG_INDEX_BANKS * RG_BUCKET_SLOTS];
	buckets_read(fw, h, v);
	for (unsigned i = 0; i < RG_INDEX_BANKS * RG_BUCKET_SLOTS; i++)
		if (slot_valid(v[i]) && slot_idx(v[i]) == idx && slot_dir(v[i]) == dir)
			slot_write(fw, i / RG_BUCKET_SLOTS,
				   h[i / RG_BUCKET_SLOTS] & fw->bucket_mask, i % RG_BUCKET_SLOTS,
				   0);
}

int fw_index_insert(struct rg_fw *fw, uint32_t idx, const struct rg_session *s, int *shadowed)
{
	struct rg_flow_key k[2];
	rg_session_key(s, RG_DIR_I2O, &k[0]);
	rg_session_key(s, RG_DIR_O2I, &k[1]);
	*shadowed = 0;
	if (place(fw, &k[0], idx, RG_DIR_I2O, shadowed))
		return -1;
	if (place(fw, &k[1], idx, RG_DIR_O2I, shadowed)) {
		unplace(fw, &k[0], idx, RG_DIR_I2O);
		return -1;
	}
	return 0;
}

void fw_index_remove(struct rg_fw *fw, uint32_t idx, const struct rg_session *s)
{
	struct rg_flow_key k;
	rg_session_key(s, RG_DIR_I2O, &k);
	unplace(fw, &k, idx, RG_DIR_I2O);
	rg_session_key(s, RG_DIR_O2I, &k);
	unplace(fw, &k, idx, RG_DIR_O2I);
}

void fw_sess_init_free(struct rg_fw *fw)
{
	fw->sess_free = FW_NONE;
	for (uint32_t i = fw->n_sess; i-- > 0;) {
		fw->sess[i] = (struct fw_sess){ .map = FW_NONE,
						.mnext = fw->sess_free,
						.mprev = FW_NONE };
		fw->sess_free = i;
	}
	fw->sess_used = 0;
}
