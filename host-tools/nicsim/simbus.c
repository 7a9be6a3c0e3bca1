/* SPDX-License-Identifier: BSD-2-Clause */
/* The card's end of the simulator's shared memory (simbus.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simbus.h"

static void errf(char *err, size_t len, const char *fmt, const char *a, const char *b)
{
	if (err && len)
		snprintf(err, len, fmt, a, b);
}

/* A wake-up pipe, created afresh: both ends are opened read-write so that
 * neither side ever blocks on open or sees EOF/EPIPE when the other is
 * absent. */
static int open_pipe(const char *name, const char *suffix)
{
	char path[96];
	rg_sim_pipe_path(path, sizeof(path), name, suffix);
	unlink(path);
	if (mkfifo(path, 0600))
		return -1;
	return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static void remove_pipe(const char *name, const char *suffix)
{
	char path[96];
	rg_sim_pipe_path(path, sizeof(path), name, suffix);
	unlink(path);
}

int rg_simbus_create(struct rg_simbus *sb, const char *name, char *err, size_t err_len)
{
	memset(sb, 0, sizeof(*sb));
	sb->fd = sb->doorbell_fd = sb->irq_fd = -1;
	if (!rg_sim_name_ok(name)) {
		errf(err, err_len, "bad card name '%s'%s (1-31 of A-Z a-z 0-9 . _ -)", name, "");
		return -1;
	}
	snprintf(sb->name, sizeof(sb->name), "%s", name);
	snprintf(sb->path, sizeof(sb->path), RG_SIM_SHM_PREFIX "%s", name);
	int old = shm_open(sb->path, O_RDONLY, 0);
	if (old >= 0) {
		struct rg_sim_hdr h = { 0 };
		ssize_t n = pread(old, &h, sizeof(h), 0);
		close(old);
		if (n == (ssize_t)sizeof(h) && h.magic == RG_SIM_MAGIC && h.card_pid > 0 &&
		    h.card_pid != getpid() && (kill(h.card_pid, 0) == 0 || errno == EPERM)) {
			errf(err, err_len, "card 'sim:%s' is already running (%s)", name,
			     "another nicsim owns it");
			return -1;
		}
		shm_unlink(sb->path); /* stale: its nicsim is gone */
	}
	sb->doorbell_fd = open_pipe(name, RG_SIM_DOORBELL_SUFFIX);
	sb->irq_fd = open_pipe(name, RG_SIM_IRQ_SUFFIX);
	if (sb->doorbell_fd < 0 || sb->irq_fd < 0) {
		errf(err, err_len, "cannot create the wake-up pipes of 'sim:%s': %s", name,
		     strerror(errno));
		rg_simbus_destroy(sb);
		return -1;
	}
	sb->fd = shm_open(sb->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (sb->fd < 0) {
		errf(err, err_len, "cannot create shared memory for 'sim:%s': %s", name,
		     strerror(errno));
		return -1;
	}
	sb->map_len = RG_SIM_HDR_SIZE + RG_BAR0_SIZE + RG_SIM_DMA_SIZE;
	if (ftruncate(sb->fd, (off_t)sb->map_len)) {
		errf(err, err_len, "cannot size shared memory for 'sim:%s': %s", name,
		     strerror(errno));
		rg_simbus_destroy(sb);
		return -1;
	}
	sb->map = mmap(NULL, sb->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, sb->fd, 0);
	if (sb->map == MAP_FAILED) {
		sb->map = NULL;
		errf(err, err_len, "cannot map shared memory for 'sim:%s': %s", name,
		     strerror(errno));
		rg_simbus_destroy(sb);
		return -1;
	}
	sb->hdr = (struct rg_sim_hdr *)sb->map;
	sb->hdr->layout = RG_SIM_LAYOUT;
	sb->hdr->bar0_off = RG_SIM_HDR_SIZE;
	sb->hdr->bar0_size = RG_BAR0_SIZE;
	sb->hdr->dma_off = RG_SIM_HDR_SIZE + RG_BAR0_SIZE;
	sb->hdr->dma_size = RG_SIM_DMA_SIZE;
	sb->hdr->card_pid = getpid();
	snprintf(sb->hdr->name, sizeof(sb->hdr->name), "%s", name);
	sb->bar0 = (volatile uint32_t *)(sb->map + sb->hdr->bar0_off);
	sb->dma = sb->map + sb->hdr->dma_off;
	sb->dma_size = sb->hdr->dma_size;
	return 0;
}

void rg_simbus_publish(struct rg_simbus *sb, uint32_t fastpath_kind)
{
	sb->hdr->fastpath = fastpath_kind;
	__atomic_store_n(&sb->hdr->magic, RG_SIM_MAGIC, __ATOMIC_RELEASE);
}

void rg_simbus_destroy(struct rg_simbus *sb)
{
	if (sb->map) {
		__atomic_store_n(&sb->hdr->magic, 0, __ATOMIC_RELEASE);
		munmap(sb->map, sb->map_len);
		sb->map = NULL;
	}
	if (sb->fd >= 0) {
		close(sb->fd);
		shm_unlink(sb->path);
		sb->fd = -1;
	}
	if (sb->doorbell_fd >= 0 || sb->irq_fd >= 0) {
		if (sb->doorbell_fd >= 0)
			close(sb->doorbell_fd);
		if (sb->irq_fd >= 0)
			close(sb->irq_fd);
		remove_pipe(sb->name, RG_SIM_DOORBELL_SUFFIX);
		remove_pipe(sb->name, RG_SIM_IRQ_SUFFIX);
		sb->doorbell_fd = sb->irq_fd = -1;
	}
}

void rg_simbus_sleeping(struct rg_simbus *sb)
{
	__atomic_store_n(&sb->hdr->card_sleeping, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void rg_simbus_awake(struct rg_simbus *sb)
{
	__atomic_store_n(&sb->hdr->card_sleeping, 0, __ATOMIC_SEQ_CST);
	char buf[64];
	while (read(sb->doorbell_fd, buf, sizeof(buf)) > 0)
		;
}

/* ---- mailbox bus ------------------------------------------------------------ */

static uint32_t reg_read(void *ctx, uint32_t off)
{
	struct rg_simbus *sb = ctx;
	if (off >= RG_BAR0_SIZE || off % 4)
		return 0xffffffffu;
	return __atomic_load_n(&sb->bar0[off / 4], __ATOMIC_ACQUIRE);
}

static void reg_write(void *ctx, uint32_t off, uint32_t v)
{
	struct rg_simbus *sb = ctx;
	if (off < RG_BAR0_SIZE && off % 4 == 0)
		__atomic_store_n(&sb->bar0[off / 4], v, __ATOMIC_RELEASE);
}

static int dma_check(void *ctx, uint64_t addr, uint64_t len)
{
	struct rg_simbus *sb = ctx;
	if (addr < RG_SIM_DMA_BASE || addr - RG_SIM_DMA_BASE > sb->dma_size ||
	    len > sb->dma_size - (addr - RG_SIM_DMA_BASE)) {
		sb->dma_faults++;
		return -1;
	}
	return 0;
}

static int dma_read(void *ctx, uint64_t addr, void *dst, uint32_t len)
{
	struct rg_simbus *sb = ctx;
	if (dma_check(ctx, addr, len))
		return -1;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(dst, sb->dma + (addr - RG_SIM_DMA_BASE), len);
	return 0;
}

static int dma_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	struct rg_simbus *sb = ctx;
	if (dma_check(ctx, addr, len))
		return -1;
	uint8_t *at = sb->dma + (addr - RG_SIM_DMA_BASE);
	/* everything written before is visible before this write; the words
	 * that hand an entry to the host (phase, status) are single stores */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (len == 4 && (uintptr_t)at % 4 == 0) {
		uint32_t v;
		memcpy(&v, src, 4);
		__atomic_store_n((uint32_t *)at, v, __ATOMIC_RELEASE);
	} else if (len == 2 && (uintptr_t)at % 2 == 0) {
		uint16_t v;
		memcpy(&v, src, 2);
		__atomic_store_n((uint16_t *)at, v, __ATOMIC_RELEASE);
	} else
		memcpy(at, src, len);
	return 0;
}

/* MSI-X on the interrupt pipe. The fence orders the entry written before
 * (and the arm read) with the host's view. */
static void raise_irq(void *ctx, unsigned vector)
{
	struct rg_simbus *sb = ctx;
	uint8_t v = (uint8_t)vector;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (write(sb->irq_fd, &v, 1) != 1)
		sb->irqs_lost++;
}

void rg_simbus_mbox_bus(struct rg_simbus *sb, struct rg_mbox_bus *bus,
			void (*from_host)(void *ctx, const uint8_t *frame, uint32_t len),
			void *from_host_ctx)
{
	bus->ctx = sb;
	bus->host_ctx = from_host_ctx;
	bus->reg_read = reg_read;
	bus->reg_write = reg_write;
	bus->dma_read = dma_read;
	bus->dma_write = dma_write;
	bus->dma_check = dma_check;
	bus->from_host = from_host;
	bus->irq = raise_irq;
}
