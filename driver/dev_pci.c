/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Real PCIe backend. Discovery uses libpci (what lspci uses); BAR0 is mapped
 * through sysfs (/sys/bus/pci/devices/SLOT/resource0); DMA memory is one
 * locked 2 MiB hugepage whose physical address comes from
 * /proc/self/pagemap (root only). That is correct only without an IOMMU
 * translating the card's addresses: when IOMMU groups exist this backend
 * refuses and says so (VFIO, which maps DMA through the IOMMU, is the way
 * there and is not written yet).
 *
 * No realmgate card exists yet: this code is compiled with every build and
 * reviewed, discovery runs on every machine (`realmctl devices`), but
 * rg_pci_open has only ever run up to "no such device" (docs/design.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "dev_internal.h"

#define HUGEPAGE (2u << 20)

/* libpci reports fatal errors through a callback that must not return. */
static jmp_buf pci_fail_jmp;
static char pci_fail_msg[200];

static void __attribute__((noreturn)) pci_fail(char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	vsnprintf(pci_fail_msg, sizeof(pci_fail_msg), msg, ap);
	va_end(ap);
	longjmp(pci_fail_jmp, 1);
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

int rg_pci_list(struct rg_dev_entry *out, int max, int *found, char *note, size_t note_len,
		char *err, size_t err_len)
{
	*found = 0;
	struct stat st;
	if (stat("/sys/bus/pci", &st) && stat("/proc/bus/pci", &st)) {
		rg_errf(note, note_len, "no PCI bus visible on this machine: no realmgate card");
		return 0;
	}
	struct pci_access *acc = pci_alloc();
	if (!acc) {
		rg_errf(err, err_len, "libpci: out of memory");
		return -1;
	}
	acc->error = pci_fail;
	acc->warning = pci_quiet;
	acc->debug = pci_quiet;
	if (setjmp(pci_fail_jmp)) {
		rg_errf(err, err_len, "libpci: %s", pci_fail_msg);
		return -1; /* acc is leaked: libpci's state is unknown here */
	}
	pci_init(acc);
	pci_scan_bus(acc);
	int scanned = 0;
	for (struct pci_dev *p = acc->devices; p; p = p->next) {
		scanned++;
		pci_fill_info(p, PCI_FILL_IDENT);
		if (p->vendor_id != RG_PCI_VENDOR_ID || p->device_id != RG_PCI_DEVICE_ID)
			continue;
		if (*found >= max)
			continue;
		struct rg_dev_entry *e = &out[(*found)++];
		memset(e, 0, sizeof(*e));
		e->kind = RG_DEV_PCI;
		e->alive = 1;
		snprintf(e->spec, sizeof(e->spec), "pci:%04x:%02x:%02x.%x", (unsigned)p->domain,
			 p->bus, p->dev, p->func);
		snprintf(e->desc, sizeof(e->desc), "realmgate card %04x:%04x", p->vendor_id,
			 p->device_id);
	}
	pci_cleanup(acc);
	if (!*found)
		rg_errf(note, note_len, "no realmgate card (%04x:%04x) on the PCI bus (%d devices)",
			RG_PCI_VENDOR_ID, RG_PCI_DEVICE_ID, scanned);
	else
		rg_errf(note, note_len, "%d realmgate card(s) on the PCI bus", *found);
	return 0;
}

struct pci_priv {
	int fd;
	void *bar;
	size_t bar_len;
	void *dma;
};

static void pci_close(struct rg_backend *be)
{
	struct pci_priv *p = be->priv;
	if (!p)
		return;
	if (p->bar)
		munmap(p->bar, p->bar_len);
	if (p->dma)
		munmap(p->dma, HUGEPAGE);
	close(p->fd);
	free(p);
	be->priv = NULL;
}

static int iommu_active(void)
{
	DIR *d = opendir("/sys/kernel/iommu_groups");
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n > 0;
}

/* Physical address of a locked page (pagemap: bits 0-54 PFN, bit 63
 * present). Needs CAP_SYS_ADMIN, else the PFN reads as 0. */
static int virt_to_phys(void *va, uint64_t *pa)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t ent = 0;
	off_t off = (off_t)((uintptr_t)va / (uintptr_t)psz * sizeof(ent));
	ssize_t n = pread(fd, &ent, sizeof(ent), off);
	close(fd);
	if (n != (ssize_t)sizeof(ent) || !(ent >> 63) || !(ent & ((1ull << 55) - 1)))
		return -1;
	*pa = (ent & ((1ull << 55) - 1)) * (uint64_t)psz + (uintptr_t)va % (uintptr_t)psz;
	return 0;
}

/* Turn on memory decoding and bus mastering in the command register. */
static int enable_device(const char *slot)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", slot);
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1) {
			/* already enabled devices answer EBUSY on some kernels */
		}
		close(fd);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", slot);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	uint16_t cmd = 0;
	int rc = -1;
	if (pread(fd, &cmd, 2, 4) == 2) {
		cmd |= 0x6; /* memory space, bus master */
		rc = pwrite(fd, &cmd, 2, 4) == 2 ? 0 : -1;
	}
	close(fd);
	return rc;
}

int rg_pci_open(const char *slot, int lock_timeout_ms, struct rg_backend *be, char *err,
		size_t err_len)
{
	char path[160];
	unsigned dom, bus, dev, fn;
	char canon[32];
	if (sscanf(slot, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4 || dom > 0xffff || bus > 0xff ||
	    dev > 0x1f || fn > 7) {
		rg_errf(err, err_len, "bad PCI address '%s' (expected DDDD:BB:DD.F)", slot);
		return -1;
	}
	snprintf(canon, sizeof(canon), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", canon);
	int fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		rg_errf(err, err_len, "pci:%s: cannot open BAR0 (%s): %s", canon, path,
			strerror(errno));
		return -1;
	}
	uint64_t until = rg_now_ms() + (uint64_t)lock_timeout_ms;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (rg_now_ms() > until) {
			rg_errf(err, err_len, "pci:%s: another host process is driving this card",
				canon);
			close(fd);
			return -1;
		}
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	struct pci_priv *p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return -1;
	}
	p->fd = fd;
	be->priv = p;
	be->close = pci_close;
	struct stat st;
	if (fstat(fd, &st) || st.st_size < (off_t)RG_BAR0_SIZE) {
		rg_errf(err, err_len, "pci:%s: BAR0 is smaller than the register map (%u bytes)",
			canon, RG_BAR0_SIZE);
		goto fail;
	}
	p->bar_len = RG_BAR0_SIZE;
	p->bar = mmap(NULL, p->bar_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p->bar == MAP_FAILED) {
		p->bar = NULL;
		rg_errf(err, err_len, "pci:%s: mmap BAR0: %s", canon, strerror(errno));
		goto fail;
	}
	if (iommu_active()) {
		rg_errf(err, err_len,
			"pci:%s: an IOMMU is active; this driver's DMA needs physical addresses "
			"(boot with iommu=off or intel_iommu=off; VFIO support is not written yet)",
			canon);
		goto fail;
	}
	if (enable_device(canon)) {
		rg_errf(err, err_len, "pci:%s: cannot enable bus mastering: %s", canon,
			strerror(errno));
		goto fail;
	}
	p->dma = mmap(NULL, HUGEPAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (p->dma == MAP_FAILED) {
		p->dma = NULL;
		rg_errf(err, err_len,
			"pci:%s: no 2 MiB hugepage for DMA memory (%s): "
			"echo 4 > /proc/sys/vm/nr_hugepages",
			canon, strerror(errno));
		goto fail;
	}
	uint64_t pa;
	if (virt_to_phys(p->dma, &pa)) {
		rg_errf(err, err_len,
			"pci:%s: cannot read the DMA memory's physical address "
			"(/proc/self/pagemap needs root)",
			canon);
		goto fail;
	}
	be->bar0 = p->bar;
	be->bar0_size = RG_BAR0_SIZE;
	be->dma_va = p->dma;
	be->dma_iova = pa;
	be->dma_size = HUGEPAGE;
	be->dma_used = 0;
	return 0;
fail:
	pci_close(be);
	return -1;
}
