/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the mvgpu VM selftests: pGPU discovery, a model of the
 * pGPU resource pool, vGPU bookkeeping for teardown, kernel log checks and
 * fast VRAM scans. Include after kselftest_harness.h; every function
 * returns 0 (or a count) or a negative errno and never asserts, so setup
 * and teardown code may use them freely.
 */
#ifndef MVGPU_TEST_H
#define MVGPU_TEST_H

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu.h"

#define SIM_DRIVER		"mvgpu_sim"
#define MSI_CAP			0x40	/* the core's only capability */
#define MDEV_BUS_CLASS		"/sys/class/mdev_bus"
#define MDEV_DEVICES		"/sys/bus/mdev/devices"
#define MAX_PGPUS		16
#define MAX_TRACKED		64
#define NUM_TYPES		5

static const char *const type_names[NUM_TYPES] = {
	"full", "half", "quarter", "eighth", "sixteenth",
};

static const unsigned int type_divisors[NUM_TYPES] = { 1, 2, 4, 8, 16 };

/*
 * TEST_F() that honours SKIP() in FIXTURE_SETUP(): the harness of Linux 6.1
 * runs the test body after a setup that skipped. Teardown still runs.
 */
#define __TEST_S(fixture, name, tmout)					\
	static void fixture##_##name##_body(				\
		struct __test_metadata *_metadata,			\
		FIXTURE_DATA(fixture) *self,				\
		const FIXTURE_VARIANT(fixture) *variant);		\
	TEST_F_TIMEOUT(fixture, name, tmout)				\
	{								\
		if (!_metadata->skip)					\
			fixture##_##name##_body(_metadata, self, variant); \
	}								\
	static void fixture##_##name##_body(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture)				\
			__attribute__((unused)) *variant)
#define TEST_S(fixture, name) __TEST_S(fixture, name, TEST_TIMEOUT_DEFAULT)
#define TEST_S_TIMEOUT(fixture, name, tmout) __TEST_S(fixture, name, tmout)

/*
 * A test that crashes (SIGSEGV, SIGBUS) would leave its vGPUs behind, as
 * its teardown never runs, and make the next tests fail for want of an
 * empty pGPU. catch_crashes() in FIXTURE_SETUP() turns such a crash into a
 * test failure that still runs FIXTURE_TEARDOWN(): the handler jumps back
 * into the harness as a failed ASSERT does.
 */
static struct __test_metadata *crash_metadata;

static inline void crash_handler(int sig)
{
	static const char msg[] = "# caught a fatal signal: test failed\n";
	struct __test_metadata *md = crash_metadata;

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0 || !md)
		_exit(128 + sig);
	crash_metadata = NULL;	/* a second crash ends the process */
	md->passed = 0;
	md->trigger = 0;
	longjmp(md->env, 1);
}

static inline void catch_crashes(struct __test_metadata *md)
{
	struct sigaction sa = { .sa_handler = crash_handler,
				.sa_flags = SA_NODEFER };

	crash_metadata = md;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Properties of one pGPU, from /sys/class/mdev_bus/<pgpu>/mvgpu/. */
struct pgpu_info {
	char name[32];
	uint64_t vram_total;
	uint64_t vram_chunk;
	uint64_t queues_total;
	uint64_t contexts_total;
	uint64_t engines;
};

/* What one vGPU of a type takes, as the core derives it from the pGPU. */
struct type_req {
	bool exists;
	uint64_t vram;
	uint64_t queues;
};

/* Free resources of a pGPU, as the tests expect them to be. */
struct pool_model {
	uint64_t vram;
	uint64_t queues;
	uint64_t contexts;
	uint64_t vgpus;
};

/* vGPUs a test created, removed again by its teardown. */
struct vgpu_list {
	int n;
	char uuid[MAX_TRACKED][MVGPU_UUID_LEN + 1];
};

/* Copy a string; -ENAMETOOLONG (and a truncated copy) if it does not fit. */
static inline int copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return -ENAMETOOLONG;
	if (n >= len) {
		memcpy(dst, src, len - 1);
		dst[len - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

static inline int type_index(const char *type)
{
	for (int i = 0; i < NUM_TYPES; i++)
		if (!strcmp(type_names[i], type))
			return i;
	return -1;
}

static inline struct type_req type_req_of(const struct pgpu_info *pg, int t)
{
	struct type_req r = { 0 };
	unsigned int div = type_divisors[t];

	r.vram = pg->vram_total / div;
	r.queues = pg->queues_total / div;
	r.exists = r.vram >= pg->vram_chunk && pg->queues_total >= div;
	return r;
}

/* The smallest type the pGPU offers (types exist from "full" down). */
static inline int smallest_type(const struct pgpu_info *pg)
{
	int t = 0;

	while (t + 1 < NUM_TYPES && type_req_of(pg, t + 1).exists)
		t++;
	return t;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline void model_init(struct pool_model *m, const struct pgpu_info *pg)
{
	m->vram = pg->vram_total;
	m->queues = pg->queues_total;
	m->contexts = pg->contexts_total;
	m->vgpus = 0;
}

static inline uint64_t model_available(const struct pool_model *m,
				       const struct pgpu_info *pg, int t)
{
	struct type_req r = type_req_of(pg, t);

	if (!r.exists)
		return 0;
	return min_u64(min_u64(m->vram / r.vram, m->queues / r.queues),
		       m->contexts);
}

static inline void model_take(struct pool_model *m,
			      const struct pgpu_info *pg, int t)
{
	struct type_req r = type_req_of(pg, t);

	m->vram -= r.vram;
	m->queues -= r.queues;
	m->contexts--;
	m->vgpus++;
}

static inline void model_give(struct pool_model *m,
			      const struct pgpu_info *pg, int t)
{
	struct type_req r = type_req_of(pg, t);

	m->vram += r.vram;
	m->queues += r.queues;
	m->contexts++;
	m->vgpus--;
}

/* The resource a creation of type @t runs out of: VRAM, queues, contexts. */
static inline const char *model_shortage(const struct pool_model *m,
					 const struct pgpu_info *pg, int t)
{
	struct type_req r = type_req_of(pg, t);

	if (r.vram > m->vram)
		return "out of VRAM";
	if (r.queues > m->queues)
		return "out of queues";
	if (!m->contexts)
		return "out of contexts";
	return NULL;
}

static inline int path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static inline int pgpu_attr(const char *pgpu, const char *attr, uint64_t *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/mvgpu/%s", pgpu, attr);
	return mvgpu_sysfs_read_u64(path, val);
}

static inline int pgpu_driver(const char *pgpu, char *drv, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/driver", pgpu);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	return copy_str(drv, len, base ? base + 1 : target);
}

/* Names of the pGPUs driven by mvgpu_sim, sorted; returns how many. */
static inline int sim_pgpus(char names[][32], int max)
{
	char all[MAX_PGPUS][32];
	char drv[64];
	int n, count = 0;

	n = mvgpu_list_pgpus(all, MAX_PGPUS);
	if (n < 0)
		return n;
	if (n > MAX_PGPUS)
		n = MAX_PGPUS;
	for (int i = 0; i < n && count < max; i++) {
		if (pgpu_driver(all[i], drv, sizeof(drv)) ||
		    strcmp(drv, SIM_DRIVER))
			continue;
		memcpy(names[count++], all[i], 32);
	}
	return count;
}

static inline int pgpu_load(const char *name, struct pgpu_info *pg)
{
	int ret;

	memset(pg, 0, sizeof(*pg));
	ret = copy_str(pg->name, sizeof(pg->name), name);
	if (!ret)
		ret = pgpu_attr(name, "vram_total_bytes", &pg->vram_total);
	if (!ret)
		ret = pgpu_attr(name, "vram_chunk_bytes", &pg->vram_chunk);
	if (!ret)
		ret = pgpu_attr(name, "queues_total", &pg->queues_total);
	if (!ret)
		ret = pgpu_attr(name, "contexts_total", &pg->contexts_total);
	if (!ret)
		ret = pgpu_attr(name, "engines", &pg->engines);
	return ret;
}

/*
 * Pick the first mvgpu_sim pGPU with no vGPUs, skipping @skip pGPUs that
 * qualify. Returns 0, -ENODEV if there is no mvgpu_sim pGPU at all, or
 * -EBUSY if none is empty.
 */
static inline int pgpu_pick_empty(struct pgpu_info *pg, int skip)
{
	char names[MAX_PGPUS][32];
	uint64_t vgpus;
	int n;

	n = sim_pgpus(names, MAX_PGPUS);
	if (n <= 0)
		return -ENODEV;
	for (int i = 0; i < n; i++) {
		if (pgpu_attr(names[i], "vgpus", &vgpus) || vgpus)
			continue;
		if (skip-- > 0)
			continue;
		return pgpu_load(names[i], pg);
	}
	return -EBUSY;
}

/* Compare the pGPU's sysfs view with @m; 0 if every count matches. */
static inline int pgpu_check_model(const struct pgpu_info *pg,
				   const struct pool_model *m,
				   char *why, size_t len)
{
	uint64_t v;

	for (int t = 0; t < NUM_TYPES; t++) {
		if (!type_req_of(pg, t).exists)
			continue;
		if (mvgpu_type_read_u64(pg->name, type_names[t],
					"available_instances", &v)) {
			snprintf(why, len, "%s: cannot read available_instances",
				 type_names[t]);
			return -EIO;
		}
		if (v != model_available(m, pg, t)) {
			snprintf(why, len,
				 "%s: available_instances %" PRIu64 ", expected %" PRIu64,
				 type_names[t], v, model_available(m, pg, t));
			return -EINVAL;
		}
	}
#define CHECK_ATTR(attr, expect) do {						\
		if (pgpu_attr(pg->name, attr, &v) || v != (expect)) {		\
			snprintf(why, len, "%s is %" PRIu64 ", expected %" PRIu64, \
				 attr, v, (uint64_t)(expect));			\
			return -EINVAL;						\
		}								\
	} while (0)
	CHECK_ATTR("vram_free_bytes", m->vram);
	CHECK_ATTR("queues_free", m->queues);
	CHECK_ATTR("contexts_free", m->contexts);
	CHECK_ATTR("vgpus", m->vgpus);
#undef CHECK_ATTR
	return 0;
}

static inline bool mdev_exists(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	return path_exists(path);
}

static inline int mdev_attr(const char *uuid, const char *attr, uint64_t *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/%s", uuid, attr);
	return mvgpu_sysfs_read_u64(path, val);
}

/* Create a vGPU with a fresh UUID and remember it for vgpus_remove_all(). */
static inline int vgpus_create(struct vgpu_list *l, const char *pgpu,
			       const char *type, char *uuid_out)
{
	char uuid[MVGPU_UUID_LEN + 1];
	int ret;

	if (l->n >= MAX_TRACKED)
		return -ENOSPC;
	ret = mvgpu_uuid_generate(uuid);
	if (ret)
		return ret;
	ret = mvgpu_vgpu_create(pgpu, type, uuid);
	if (ret)
		return ret;
	memcpy(l->uuid[l->n++], uuid, sizeof(uuid));
	if (uuid_out)
		memcpy(uuid_out, uuid, sizeof(uuid));
	return 0;
}

static inline void vgpus_forget(struct vgpu_list *l, const char *uuid)
{
	for (int i = 0; i < l->n; i++) {
		if (strcmp(l->uuid[i], uuid))
			continue;
		memmove(l->uuid[i], l->uuid[i + 1],
			(size_t)(l->n - i - 1) * sizeof(l->uuid[0]));
		l->n--;
		return;
	}
}

static inline int vgpus_remove(struct vgpu_list *l, const char *uuid)
{
	char copy[MVGPU_UUID_LEN + 1];
	int ret;

	if (copy_str(copy, sizeof(copy), uuid))
		return -EINVAL;
	ret = mvgpu_vgpu_remove(copy);
	if (!ret || !mdev_exists(copy))
		vgpus_forget(l, copy);
	return ret;
}

/* Remove every tracked vGPU, newest first; returns the first error. */
static inline int vgpus_remove_all(struct vgpu_list *l)
{
	int ret = 0, r;

	while (l->n > 0) {
		char uuid[MVGPU_UUID_LEN + 1];

		memcpy(uuid, l->uuid[l->n - 1], sizeof(uuid));
		l->n--;
		if (!mdev_exists(uuid))
			continue;
		r = mvgpu_vgpu_remove(uuid);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

/* /dev/kmsg positioned after the last record, to see new messages only. */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Whether a kernel log record since the last call contains @needle. */
static inline bool kmsg_contains(int fd, const char *needle)
{
	char rec[8192];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)	/* overwritten: go on */
				continue;
			break;
		}
		rec[n] = '\0';
		if (strstr(rec, needle))
			found = true;
	}
	return found;
}

/* BAR0 register access that fails the test on an error. */
static inline uint32_t reg_rd(struct __test_metadata *_metadata,
			      struct mvgpu_dev *dev, uint32_t off)
{
	uint32_t v = 0;

	ASSERT_EQ(0, mvgpu_reg_read(dev, off, &v))
		TH_LOG("BAR0 read at 0x%x", off);
	return le32toh(v);
}

static inline void reg_wr(struct __test_metadata *_metadata,
			  struct mvgpu_dev *dev, uint32_t off, uint32_t val)
{
	ASSERT_EQ(0, mvgpu_reg_write(dev, off, htole32(val)))
		TH_LOG("BAR0 write at 0x%x", off);
}

/* In a test whose fixture holds the open vGPU as @dev. */
#define REG_RD(off)		reg_rd(_metadata, &self->dev, off)
#define REG_WR(off, val)	reg_wr(_metadata, &self->dev, off, val)

/*
 * Route an open vGPU's MSI to @efd as a guest driver and QEMU would: the
 * eventfd through VFIO_DEVICE_SET_IRQS, then address, data and the enable
 * bit in the MSI capability, memory decoding and bus mastering on and INTx
 * off in the command register. Returns 0 or a negative errno.
 */
static inline int vgpu_msi_enable(struct mvgpu_dev *dev, int efd)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		       PCI_COMMAND_INTX_DISABLE, data = 0x4041, flags = 0;
	uint32_t addr = 0xfee00000;
	int ret;

	ret = mvgpu_irq_set_eventfd(dev, VFIO_PCI_MSI_IRQ_INDEX, efd);
	if (!ret)
		ret = mvgpu_cfg_write(dev, MSI_CAP + PCI_MSI_ADDRESS_LO, &addr, 4);
	if (!ret)
		ret = mvgpu_cfg_write(dev, MSI_CAP + PCI_MSI_DATA_64, &data, 2);
	if (!ret)
		ret = mvgpu_cfg_read(dev, MSI_CAP + PCI_MSI_FLAGS, &flags, 2);
	flags |= PCI_MSI_FLAGS_ENABLE;
	if (!ret)
		ret = mvgpu_cfg_write(dev, MSI_CAP + PCI_MSI_FLAGS, &flags, 2);
	if (!ret)
		ret = mvgpu_cfg_write(dev, PCI_COMMAND, &cmd, 2);
	return ret;
}

/* Offset of the first 64-bit word of @p that is not @val, or -1. */
static inline int64_t scan_words(const volatile void *p, uint64_t len,
				 uint64_t val)
{
	const volatile uint64_t *w = p;
	uint64_t n = len / 8;

	for (uint64_t i = 0; i < n; i++)
		if (w[i] != val)
			return (int64_t)(i * 8);
	return -1;
}

/* A pattern that differs per word and per tenant. */
static inline uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	uint64_t x = seed ^ (off * 0x9e3779b97f4a7c15ull);

	return x ? x : 1;
}

static inline void fill_pattern(volatile void *p, uint64_t len, uint64_t seed)
{
	volatile uint64_t *w = p;

	for (uint64_t i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, i * 8);
	__sync_synchronize();
}

static inline int64_t check_pattern(const volatile void *p, uint64_t len,
				    uint64_t seed)
{
	const volatile uint64_t *w = p;

	for (uint64_t i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(seed, i * 8))
			return (int64_t)(i * 8);
	return -1;
}

#endif /* MVGPU_TEST_H */
