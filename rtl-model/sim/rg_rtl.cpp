// SPDX-License-Identifier: BSD-2-Clause
//
// The C API of rg_rtl.h around the Verilated rg_fp_top. Per clock the
// harness only writes the input ports that change (a descriptor's window
// and metadata are copied when it reaches the head of the queue) and reads
// the outputs of an accepted result, so the model's eval() dominates.
// The contract headers are C11; their layout assertions are C++'s
// static_assert.
#define _Static_assert static_assert
#include "rg_rtl.h"

#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "Vrg_fp_top.h"
#include "verilated.h"
#if RG_RTL_COVERAGE
// The coverage build of the model (tests/suites/22-rtl-coverage.sh) has no
// tracing; every destroyed instance writes its coverage points to
// $RG_RTL_COVERAGE_FILE.N for verilator_coverage to merge.
#include "verilated_cov.h"
#include <cstdio>
#include <cstdlib>
#include <string>
struct VerilatedFstC {
	void dump(uint64_t)
	{
	}
	void close()
	{
	}
};
#else
#include "verilated_fst_c.h"
#endif

extern "C" {
#include "../../firmware/fastpath/fp.h"
#include "realmgate/regmap.h"
}

namespace
{

constexpr unsigned kExcKeep = 4096;
constexpr unsigned kLatency = 16; // rg_fp_top LATENCY

struct Desc {
	std::vector<uint8_t> frame;
	struct rg_fp_in_meta meta;
	uint64_t cookie;
	uint32_t tag;
};

struct Result {
	struct rg_rtl_result r;
	std::vector<uint8_t> frame;
	uint8_t window[RG_FP_WIN_OUT];
};

// A ring of reusable slots (vectors keep their capacity).
template <typename T> struct Ring {
	std::vector<T> v;
	size_t head = 0, count = 0;
	Ring() : v(64)
	{
	}
	T &push()
	{
		if (count == v.size()) {
			std::vector<T> n(v.size() * 2);
			for (size_t i = 0; i < count; i++)
				n[i] = std::move(v[(head + i) % v.size()]);
			v.swap(n);
			head = 0;
		}
		return v[(head + count++) % v.size()];
	}
	T &front()
	{
		return v[head];
	}
	T &at(size_t i)
	{
		return v[(head + i) % v.size()];
	}
	void pop()
	{
		head = (head + 1) % v.size();
		count--;
	}
	void clear()
	{
		head = count = 0;
	}
};

uint64_t xorshift(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

} // namespace

struct rg_rtl {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vrg_fp_top> top;
	std::unique_ptr<VerilatedFstC> fst;
	Ring<Desc> queued;   // pushed, not yet accepted
	Ring<Desc> inflight; // accepted, result pending
	Ring<Result> results;
	Ring<rg_rtl_exception> exceptions;
	Result last; // the result handed out by the latest pull
	bool head_loaded = false;
	uint32_t next_tag = 0;
	uint64_t cycles = 0, accepted = 0, nresults = 0, tokens = 0, last_token_at = 0;
	uint64_t exc_lost = 0;
	unsigned idle_pct = 0, out_stall_pct = 0, exc_stall_pct = 0;
	uint64_t rng = 1;

	void load_head()
	{
		Desc &d = queued.front();
		uint8_t win[RG_FP_WIN_IN] = { 0 };
		uint32_t n =
			d.frame.size() < RG_FP_WIN_IN ? (uint32_t)d.frame.size() : RG_FP_WIN_IN;
		memcpy(win, d.frame.data(), n);
		for (unsigned i = 0; i < RG_FP_WIN_IN / 4; i++) {
			uint32_t w;
			memcpy(&w, win + 4 * i, 4); // the model's words are little-endian
			top->s_tdata[i] = w;
		}
		for (unsigned i = 0; i < RG_FP_WIN_IN / 32; i++) {
			uint32_t k = 0;
			for (unsigned b = 0; b < 32; b++)
				if (32 * i + b < n)
					k |= 1u << b;
			top->s_tkeep[i] = k;
		}
		uint32_t m[3];
		memcpy(m, &d.meta, sizeof(m));
		for (unsigned i = 0; i < 3; i++)
			top->s_tuser[i] = m[i];
		top->s_ttag = d.tag;
		head_loaded = true;
	}

	void take_result()
	{
		Result &res = results.push();
		uint32_t meta[3];
		for (unsigned i = 0; i < 3; i++)
			meta[i] = top->m_tuser[i];
		memcpy(&res.r.meta, meta, sizeof(meta));
		for (unsigned i = 0; i < RG_FP_WIN_OUT / 4; i++) {
			uint32_t w = top->m_tdata[i];
			memcpy(res.window + 4 * i, &w, 4);
		}
		Desc &d = inflight.front();
		res.r.cookie = d.cookie;
		res.r.tag = top->m_ttag;
		res.r.in_port = d.meta.port;
		res.r.in_len = (uint32_t)d.frame.size();
		uint32_t hdr = res.r.meta.hdr_len, cons = res.r.meta.consumed;
		uint32_t tail = res.r.in_len > cons ? res.r.in_len - cons : 0;
		res.frame.resize(hdr + tail);
		memcpy(res.frame.data(), res.window, hdr);
		if (tail)
			memcpy(res.frame.data() + hdr, d.frame.data() + cons, tail);
		inflight.pop();
		nresults++;
	}

	void clock()
	{
		Vrg_fp_top *t = top.get();
		bool present = queued.count > 0 && !(idle_pct && xorshift(rng) % 100 < idle_pct);
		if (present && !head_loaded)
			load_head();
		t->s_tvalid = present;
		t->m_tready = !(out_stall_pct && xorshift(rng) % 100 < out_stall_pct);
		t->e_tready = !(exc_stall_pct && xorshift(rng) % 100 < exc_stall_pct);
		t->clk = 0;
		t->eval();
		if (fst)
			fst->dump(2 * cycles);
		bool in_fire = t->s_tvalid && t->s_tready;
		if (t->tok_issued) {
			tokens++;
			last_token_at = accepted;
		}
		if (t->m_tvalid && t->m_tready)
			take_result();
		if (t->e_tvalid && t->e_tready) {
			if (exceptions.count == kExcKeep) {
				exceptions.pop();
				exc_lost++;
			}
			rg_rtl_exception &e = exceptions.push();
			uint64_t x = t->e_tdata;
			e.tag = t->e_ttag;
			e.reason = (uint8_t)x;
			e.in_port = (uint8_t)((x >> 8) & 3u);
			e.frame_len = (uint16_t)(x >> 16);
			e.hit = (uint32_t)(x >> 32);
		}
		t->clk = 1;
		t->eval();
		if (fst)
			fst->dump(2 * cycles + 1);
		cycles++;
		if (in_fire) {
			Desc &d = inflight.push();
			std::swap(d, queued.front());
			queued.pop();
			head_loaded = false;
			accepted++;
		}
	}
};

extern "C" {

struct rg_rtl *rg_rtl_create(void)
{
	rg_rtl *sim = new (std::nothrow) rg_rtl;
	if (!sim)
		return nullptr;
	sim->ctx.reset(new VerilatedContext);
	sim->ctx->traceEverOn(true);
	sim->top.reset(new Vrg_fp_top(sim->ctx.get(), "rg_fp_top"));
	if (rg_rtl_reset(sim)) {
		delete sim;
		return nullptr;
	}
	return sim;
}

void rg_rtl_destroy(struct rg_rtl *sim)
{
	if (!sim)
		return;
	if (sim->fst)
		sim->fst->close();
	sim->top->final();
#if RG_RTL_COVERAGE
	static unsigned instance;
	if (const char *p = getenv("RG_RTL_COVERAGE_FILE"))
		sim->ctx->coveragep()->write(
			(std::string(p) + "." + std::to_string(instance++)).c_str());
#endif
	delete sim;
}

int rg_rtl_reset(struct rg_rtl *sim)
{
	Vrg_fp_top *t = sim->top.get();
	sim->queued.clear();
	sim->inflight.clear();
	sim->results.clear();
	sim->exceptions.clear();
	sim->head_loaded = false;
	t->s_tvalid = 0;
	t->csr_valid = 0;
	t->rst = 1;
	for (int i = 0; i < 4; i++)
		sim->clock();
	t->rst = 0;
	// the sweep clears every table address, one per clock
	uint32_t sweep = 1u << 20;
	for (uint32_t i = 0; i < sweep; i += 256) {
		rg_rtl_step(sim, 256);
		if (!(rg_rtl_csr_read(sim, RG_FP_BASE + RG_FP_TABLE_STATUS) & RG_TBL_BUSY))
			return 0;
	}
	return -1;
}

void rg_rtl_csr_write(struct rg_rtl *sim, uint32_t bar0, uint32_t value)
{
	Vrg_fp_top *t = sim->top.get();
	t->csr_valid = 1;
	t->csr_write = 1;
	t->csr_addr = (uint16_t)bar0;
	t->csr_wdata = value;
	sim->clock();
	t->csr_valid = 0;
	t->csr_write = 0;
}

uint32_t rg_rtl_csr_read(struct rg_rtl *sim, uint32_t bar0)
{
	Vrg_fp_top *t = sim->top.get();
	t->csr_valid = 1;
	t->csr_write = 0;
	t->csr_addr = (uint16_t)bar0;
	sim->clock();
	t->csr_valid = 0;
	return t->csr_rdata;
}

void rg_rtl_set_identity(struct rg_rtl *sim, uint32_t fw_version, uint32_t build_date,
			 uint32_t git_hash)
{
	sim->top->fw_version = fw_version;
	sim->top->build_date = build_date;
	sim->top->git_hash = git_hash;
}

int rg_rtl_push(struct rg_rtl *sim, const uint8_t *frame, uint32_t len, unsigned port,
		unsigned flags, uint32_t ts_ms, uint64_t cookie)
{
	if (len > 0xffffu)
		return -1;
	Desc &d = sim->queued.push();
	d.frame.assign(frame, frame + len);
	memset(&d.meta, 0, sizeof(d.meta));
	d.meta.frame_len = (uint16_t)len;
	d.meta.port = (uint8_t)port;
	d.meta.flags = (uint8_t)flags;
	d.meta.tail_sum = rg_fp_tail_sum(frame, len);
	d.meta.ts_ms = ts_ms;
	d.cookie = cookie;
	d.tag = sim->next_tag++ & 0xffffu;
	return 0;
}

int rg_rtl_pull(struct rg_rtl *sim, struct rg_rtl_result *r)
{
	if (!sim->results.count)
		return 0;
	std::swap(sim->last, sim->results.front());
	sim->results.pop();
	*r = sim->last.r;
	r->frame = sim->last.frame.data();
	r->len = (uint32_t)sim->last.frame.size();
	r->window = sim->last.window;
	return 1;
}

int rg_rtl_pull_exception(struct rg_rtl *sim, struct rg_rtl_exception *e)
{
	if (!sim->exceptions.count)
		return 0;
	*e = sim->exceptions.front();
	sim->exceptions.pop();
	return 1;
}

void rg_rtl_step(struct rg_rtl *sim, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		sim->clock();
}

int rg_rtl_drain(struct rg_rtl *sim, uint64_t max_cycles)
{
	for (uint64_t i = 0; i < max_cycles; i++) {
		if (!sim->queued.count && !sim->inflight.count)
			return 0;
		sim->clock();
	}
	return sim->queued.count || sim->inflight.count ? -1 : 0;
}

void rg_rtl_set_traffic(struct rg_rtl *sim, unsigned idle_pct, unsigned out_stall_pct,
			unsigned exc_stall_pct, uint64_t seed)
{
	sim->idle_pct = idle_pct > 100 ? 100 : idle_pct;
	sim->out_stall_pct = out_stall_pct > 99 ? 99 : out_stall_pct;
	sim->exc_stall_pct = exc_stall_pct > 99 ? 99 : exc_stall_pct;
	sim->rng = seed ? seed : 1;
}

void rg_rtl_counts(const struct rg_rtl *sim, struct rg_rtl_counts *c)
{
	c->cycles = sim->cycles;
	c->accepted = sim->accepted;
	c->results = sim->nresults;
	c->tokens = sim->tokens;
	c->last_token_at = sim->last_token_at;
	c->exceptions_lost = sim->exc_lost;
	c->pending = sim->queued.count + sim->inflight.count + sim->results.count;
}

uint64_t rg_rtl_cycles(const struct rg_rtl *sim)
{
	return sim->cycles;
}

int rg_rtl_trace(struct rg_rtl *sim, const char *path)
{
	if (sim->fst) {
		sim->fst->close();
		sim->fst.reset();
	}
	if (!path)
		return 0;
#if RG_RTL_COVERAGE
	return -1;
#else
	sim->fst.reset(new VerilatedFstC);
	sim->top->trace(sim->fst.get(), 99);
	sim->fst->open(path);
	if (!sim->fst->isOpen()) {
		sim->fst.reset();
		return -1;
	}
	return 0;
#endif
}

unsigned rg_rtl_latency(void)
{
	return kLatency;
}
}
