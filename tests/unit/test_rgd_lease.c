/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * realmgated's lease table (lease.c) against a plain array of the same
 * leases: random adds and removals over many hosts, through several
 * doublings of both hash tables, with every question the mapper asks
 * (find, per-host count and leases, endpoint in use, which lease expires
 * first, also after renewals) answered as a walk of the array answers it;
 * and the iterators that streamed listings use,
 * with leases removed (the one an iterator stands on among them) and
 * added between their steps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../host-tools/realmgated/lease.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

#define MODEL_MAX 20000

struct model {
	struct rgd_lease_key keys[MODEL_MAX];
	struct rgd_lease *in_table[MODEL_MAX];
	unsigned n;
};

static bool key_same(const struct rgd_lease_key *a, const struct rgd_lease_key *b)
{
	return a->proto == b->proto && a->peer == b->peer && a->in_addr == b->in_addr &&
	       a->in_port == b->in_port &&
	       (!a->peer || (a->rem_addr == b->rem_addr && a->rem_port == b->rem_port));
}

static int model_find(const struct model *m, const struct rgd_lease_key *k)
{
	for (unsigned i = 0; i < m->n; i++)
		if (key_same(&m->keys[i], k))
			return (int)i;
	return -1;
}

/* few hosts with many leases and many with few, MAP and PEER style, both
 * protocols: the same endpoint often appears in several leases */
static void random_key(struct rgd_lease_key *k)
{
	memset(k, 0, sizeof(*k));
	k->proto = rnd() % 2 ? 6 : 17;
	k->in_addr = 0x0a000000u + (rnd() % 4 ? rnd() % 3000 : rnd() % 8);
	k->in_port = (uint16_t)(1000 + rnd() % 6);
	k->peer = rnd() % 3 == 0;
	if (k->peer) {
		k->rem_addr = 0xc6336400u + rnd() % 4;
		k->rem_port = (uint16_t)(80 + rnd() % 3);
	}
}

static void check_against_model(const struct rgd_leases *t, const struct model *m)
{
	assert_int_equal(t->count, m->n);
	/* the expiry heap's top is a lease that expires first */
	uint64_t soonest = UINT64_MAX;
	for (unsigned i = 0; i < m->n; i++)
		if (m->in_table[i]->expires < soonest)
			soonest = m->in_table[i]->expires;
	if (m->n)
		assert_true(rgd_leases_soonest(t)->expires == soonest);
	else
		assert_null(rgd_leases_soonest(t));
	unsigned listed = 0;
	for (const struct rgd_lease *l = t->head; l; l = l->next)
		listed++;
	assert_int_equal(listed, m->n);
	for (unsigned i = 0; i < m->n; i++) {
		const struct rgd_lease_key *k = &m->keys[i];
		assert_ptr_equal(rgd_leases_find(t, k), m->in_table[i]);
		unsigned host = 0;
		bool endpoint_other = false;
		for (unsigned j = 0; j < m->n; j++) {
			if (m->keys[j].in_addr != k->in_addr)
				continue;
			host++;
			if (j != i && m->keys[j].proto == k->proto &&
			    m->keys[j].in_port == k->in_port)
				endpoint_other = true;
		}
		assert_int_equal(rgd_leases_count_host(t, k->in_addr), host);
		assert_int_equal(rgd_leases_endpoint_used(t, k, m->in_table[i]), endpoint_other);
		assert_true(rgd_leases_endpoint_used(t, k, NULL));
		unsigned of_host = 0;
		bool found = false;
		for (const struct rgd_lease *l = rgd_leases_of_host(t, k->in_addr); l;
		     l = l->host_next) {
			assert_int_equal(l->key.in_addr, k->in_addr);
			found |= l == m->in_table[i];
			of_host++;
		}
		assert_true(found);
		assert_int_equal(of_host, host);
	}
}

static void test_lease_table_random(void **state)
{
	(void)state;
	static struct model m;
	struct rgd_leases t;
	assert_int_equal(rgd_leases_init(&t, 4), 0);
	unsigned buckets0 = t.nbuckets;
	for (unsigned step = 0; step < 30000; step++) {
		struct rgd_lease_key k;
		random_key(&k);
		int at = model_find(&m, &k);
		/* grow to about 6000 leases, then as many removals as adds */
		bool add = at < 0 && (m.n < 6000 || rnd() % 2);
		if (add && m.n < MODEL_MAX) {
			struct rgd_lease l;
			memset(&l, 0, sizeof(l));
			l.key = k;
			l.out_port = (uint16_t)step;
			l.expires = rnd() % 8 ? 1000 + rnd() % 5000 : UINT64_MAX;
			struct rgd_lease *in = rgd_leases_add(&t, &l);
			assert_non_null(in);
			assert_int_equal(in->out_port, (uint16_t)step);
			m.keys[m.n] = k;
			m.in_table[m.n++] = in;
		} else if (at >= 0 && rnd() % 4 == 0) {
			/* a renewal: later or sooner */
			m.in_table[at]->expires = 1000 + rnd() % 5000;
			rgd_leases_expiry_changed(&t, m.in_table[at]);
		} else if (at >= 0) {
			rgd_leases_remove(&t, m.in_table[at]);
			m.keys[at] = m.keys[--m.n];
			m.in_table[at] = m.in_table[m.n];
			assert_null(rgd_leases_find(&t, &k));
		}
		if (step % 10000 == 9999)
			check_against_model(&t, &m);
	}
	check_against_model(&t, &m);
	assert_true(t.nbuckets >= t.count / 2 && t.nbuckets > buckets0); /* it grew */
	assert_true(t.nhosts_buckets >= t.n_hosts / 2);
	/* empty again, as expiry does it (the soonest first, in order): every
	 * host record goes with its last lease */
	uint64_t last = 0;
	for (struct rgd_lease *l; (l = rgd_leases_soonest(&t));) {
		assert_true(l->expires >= last);
		last = l->expires;
		rgd_leases_remove(&t, l);
		m.n--;
	}
	assert_int_equal(m.n, 0);
	assert_int_equal(t.count, 0);
	assert_int_equal(t.n_hosts, 0);
	assert_null(t.head);
	assert_int_equal(rgd_leases_count_host(&t, 0x0a000001u), 0);
	rgd_leases_free(&t);
}

static struct rgd_lease *add_n(struct rgd_leases *t, uint32_t i)
{
	struct rgd_lease l;
	memset(&l, 0, sizeof(l));
	l.key.proto = 17;
	l.key.in_addr = 0x0a000000u + i / 4;
	l.key.in_port = (uint16_t)(i % 4);
	l.out_port = (uint16_t)i; /* which lease it is */
	struct rgd_lease *in = rgd_leases_add(t, &l);
	assert_non_null(in);
	return in;
}

/* Two walks at once; between steps, leases are removed (among them the one
 * each walk would return next) and added. Each walk returns exactly the
 * leases that existed when it began and were not removed before it came
 * to them, each once, newest first. */
static void test_lease_iterators(void **state)
{
	(void)state;
	enum { N = 3000, MORE = 1000 };
	static struct rgd_lease *by[N + MORE];
	static bool removed[N + MORE];
	static unsigned seen[2][N + MORE];
	memset(removed, 0, sizeof(removed));
	memset(seen, 0, sizeof(seen));
	struct rgd_leases t;
	assert_int_equal(rgd_leases_init(&t, 16), 0);
	uint32_t added = 0;
	while (added < N)
		by[added] = add_n(&t, added), added++;
	struct rgd_lease_iter it[2];
	uint32_t limit[2] = { added, 0 }; /* leases a walk may return: id < limit */
	bool running[2] = { true, false }, done[2] = { false, false };
	rgd_leases_iter_begin(&t, &it[0]);
	int last[2] = { N + MORE, N + MORE };
	for (unsigned steps = 0; !done[0] || !done[1]; steps++) {
		if (steps == 200) { /* the second walk begins later */
			rgd_leases_iter_begin(&t, &it[1]);
			limit[1] = added;
			running[1] = true;
		}
		for (int w = 0; w < 2; w++) {
			if (!running[w] || done[w])
				continue;
			const struct rgd_lease *l = rgd_leases_iter_next(&t, &it[w]);
			if (!l) {
				done[w] = true;
				continue;
			}
			unsigned id = l->out_port;
			assert_true(id < limit[w]); /* none added after the walk began */
			assert_false(removed[id]);
			assert_true((int)id < last[w]); /* newest first, each once */
			last[w] = (int)id;
			seen[w][id]++;
		}
		/* remove what walk 0 would return next, a random old one, and
		 * add a new one */
		if (steps % 3 == 0 && it[0].next) {
			unsigned id = it[0].next->out_port;
			removed[id] = true;
			rgd_leases_remove(&t, it[0].next);
		}
		uint32_t r = rnd() % added;
		if (!removed[r] && steps % 2 == 0) {
			removed[r] = true;
			rgd_leases_remove(&t, by[r]);
		}
		if (added < N + MORE)
			by[added] = add_n(&t, added), added++;
	}
	/* a lease a walk did not return was removed meanwhile */
	for (int w = 0; w < 2; w++)
		for (unsigned id = 0; id < limit[w]; id++)
			if (!seen[w][id])
				assert_true(removed[id]);
	assert_null(t.iters); /* both ended themselves at their end */
	/* a walk stopped early leaves the table's iterators too */
	rgd_leases_iter_begin(&t, &it[0]);
	assert_non_null(rgd_leases_iter_next(&t, &it[0]));
	rgd_leases_iter_end(&t, &it[0]);
	assert_null(t.iters);
	rgd_leases_iter_end(&t, &it[0]); /* twice is harmless */
	rgd_leases_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lease_table_random),
		cmocka_unit_test(test_lease_iterators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
