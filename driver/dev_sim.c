/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulator backend: the card nicsim runs, reached through its POSIX shared
 * memory object (simshm.h). BAR0 and the DMA arena are mapped from it; the
 * host's DMA allocations are carved from the arena.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dev_internal.h"
#include "simshm.h"

struct sim_priv {
	int fd;
	void *map;
	size_t map_len;
	struct rg_sim_hdr *hdr;
	int doorbell_fd; /* simshm.h: wake-up pipes */
	int irq_fd;
};

static void sim_close(struct rg_backend *be)
{
	struct sim_priv *p = be->priv;
	if (!p)
		return;
	munmap(p->map, p->map_len);
	close(p->fd); /* also releases the lock */
	if (p->doorbell_fd >= 0)
		close(p->doorbell_fd);
	if (p->irq_fd >= 0)
		close(p->irq_fd);
	free(p);
	be->priv = NULL;
	be->irq_fd = -1;
}

/* A register was written: if the card sleeps waiting for one, wake it
 * (simshm.h: the register store, a full fence, then the flag). */
static void sim_kick(struct rg_backend *be)
{
	struct sim_priv *p = be->priv;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&p->hdr->card_sleeping, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&p->hdr->card_sleeping, 0, __ATOMIC_SEQ_CST)) {
		uint8_t one = 1;
		if (write(p->doorbell_fd, &one, 1) < 0)
			errno = 0; /* pipe full: the card has a wake-up waiting already */
	}
}

/* The card's wake-up pipes. Without them (removed by hand) the driver
 * polls, as it does on a card without interrupts. */
static void open_pipes(struct sim_priv *p, const char *name)
{
	char path[96];
	rg_sim_pipe_path(path, sizeof(path), name, RG_SIM_DOORBELL_SUFFIX);
	p->doorbell_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	rg_sim_pipe_path(path, sizeof(path), name, RG_SIM_IRQ_SUFFIX);
	p->irq_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->irq_fd >= 0) {
		/* interrupts a previous host process left unread */
		uint8_t buf[256];
		while (read(p->irq_fd, buf, sizeof(buf)) > 0)
			;
	}
}

/* Take the host-side lock: one host process drives a card at a time. */
static int lock_card(int fd, int timeout_ms)
{
	uint64_t until = rg_now_ms() + (uint64_t)timeout_ms;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK || rg_now_ms() > until)
			return -1;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	return 0;
}

int rg_sim_open(const char *name, int lock_timeout_ms, struct rg_backend *be, char *err,
		size_t err_len)
{
	char path[64];
	if (!rg_sim_name_ok(name)) {
		rg_errf(err, err_len, "bad simulated card name '%s' (1-31 of A-Z a-z 0-9 . _ -)",
			name);
		return -1;
	}
	snprintf(path, sizeof(path), RG_SIM_SHM_PREFIX "%s", name);
	int fd = shm_open(path, O_RDWR, 0);
	if (fd < 0) {
		rg_errf(err, err_len, "no simulated card 'sim:%s' (%s): is nicsim running?", name,
			strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) || (size_t)st.st_size < RG_SIM_HDR_SIZE) {
		rg_errf(err, err_len, "sim:%s: shared memory is not a card yet (too small)", name);
		close(fd);
		return -1;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rg_errf(err, err_len, "sim:%s: mmap: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	const struct rg_sim_hdr *h = map;
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != RG_SIM_MAGIC ||
	    h->layout != RG_SIM_LAYOUT || h->bar0_size < RG_BAR0_SIZE ||
	    h->bar0_off + (uint64_t)h->bar0_size > (uint64_t)st.st_size ||
	    h->dma_off + h->dma_size > (uint64_t)st.st_size || h->bar0_off % 4096 ||
	    h->dma_off % 4096) {
		rg_errf(err, err_len, "sim:%s: shared memory has an unknown layout", name);
		munmap(map, (size_t)st.st_size);
		close(fd);
		return -1;
	}
	if (lock_card(fd, lock_timeout_ms)) {
		rg_errf(err, err_len,
			"sim:%s: another host process is driving this card (waited %d ms)", name,
			lock_timeout_ms);
		munmap(map, (size_t)st.st_size);
		close(fd);
		return -1;
	}
	struct sim_priv *p = calloc(1, sizeof(*p));
	if (!p) {
		munmap(map, (size_t)st.st_size);
		close(fd);
		return -1;
	}
	p->fd = fd;
	p->map = map;
	p->map_len = (size_t)st.st_size;
	p->hdr = map;
	open_pipes(p, name);
	be->priv = p;
	be->close = sim_close;
	be->kick = p->doorbell_fd >= 0 ? sim_kick : NULL;
	be->irq_fd = p->irq_fd;
	be->bar0 = (volatile uint32_t *)((uint8_t *)map + h->bar0_off);
	be->bar0_size = h->bar0_size;
	be->dma_va = (uint8_t *)map + h->dma_off;
	be->dma_iova = RG_SIM_DMA_BASE;
	be->dma_size = h->dma_size;
	be->dma_used = 0;
	return 0;
}

int rg_sim_list(struct rg_dev_entry *out, int max, int *found)
{
	*found = 0;
	DIR *dir = opendir("/dev/shm");
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	const char *prefix = RG_SIM_SHM_PREFIX + 1;
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		const char *name = e->d_name + strlen(prefix);
		if (!rg_sim_name_ok(name) || *found >= max)
			continue;
		char path[64];
		snprintf(path, sizeof(path), RG_SIM_SHM_PREFIX "%s", name);
		struct rg_dev_entry *d = &out[(*found)++];
		memset(d, 0, sizeof(*d));
		d->kind = RG_DEV_SIM;
		snprintf(d->spec, sizeof(d->spec), "sim:%s", name);
		int fd = shm_open(path, O_RDONLY, 0);
		struct rg_sim_hdr h = { 0 };
		if (fd >= 0) {
			if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
				memset(&h, 0, sizeof(h));
			close(fd);
		}
		d->alive = h.magic == RG_SIM_MAGIC && h.card_pid > 0 &&
			   (kill(h.card_pid, 0) == 0 || errno == EPERM);
		snprintf(d->desc, sizeof(d->desc), "simulated card (nicsim pid %d, %s fast path)%s",
			 (int)h.card_pid,
			 h.fastpath == RG_FASTPATH_RTL	  ? "rtl"
			 : h.fastpath == RG_FASTPATH_SOFT ? "soft"
							  : "unknown",
			 d->alive ? "" : " - not running (stale)");
	}
	closedir(dir);
	return 0;
}
