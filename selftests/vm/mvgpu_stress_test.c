// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: stress and races. Thousands of create/remove
 * cycles with exact VRAM, queue and context accounting and no memory
 * growth; threads racing open/close, device reset, removal, DMA unmap,
 * SET_IRQS and BAR2 mmap against running work; many processes sharing
 * one open vGPU or contending for it; module unload while a vGPU is open.
 * Bounded in time: MVGPU_STRESS_CYCLES (default 500) create/remove
 * cycles, MVGPU_STRESS_SECONDS (default 10) of racing. Runs as root in
 * the test VM (tools/vm/run) with mvgpu.ko and mvgpu_sim.ko loaded.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"
#include "mvgpu_gpu.h"

#define MSI_CAP		0x40
#define RACE_IOVA	0x20000000ull	/* guest memory the racers unmap */
#define RACE_BYTES	(256u << 10)
#define WORK_BYTES	(64u << 10)
#define WORK_MS		5000		/* a round undisturbed by racers */

static long env_long(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 0);
	if (*end || v < min || v > max)
		return def;
	return v;
}

static long env_cycles(void)
{
	return env_long("MVGPU_STRESS_CYCLES", 500, 1, 1000000);
}

static long env_seconds(void)
{
	return env_long("MVGPU_STRESS_SECONDS", 10, 1, 3600);
}

/* A field of /proc/meminfo in KiB, or -1. */
static long meminfo_kb(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Unreclaimable slab and vmalloc use, after the caches are dropped. */
struct mem_snapshot {
	long sunreclaim_kb;
	long vmalloc_kb;
};

static void mem_snapshot(struct mem_snapshot *s)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			s->sunreclaim_kb = -1;
		close(fd);
	}
	/* RCU-freed objects (kfree_rcu, call_rcu) need a grace period. */
	usleep(200000);
	s->sunreclaim_kb = meminfo_kb("SUnreclaim");
	s->vmalloc_kb = meminfo_kb("VmallocUsed");
}

FIXTURE(stress) {
	struct pgpu_info pg;
	struct pool_model m;
	struct vgpu_list vl;
	int kmsg;
};

FIXTURE_SETUP(stress)
{
	int ret;

	catch_crashes(_metadata);
	self->kmsg = -1;
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	model_init(&self->m, &self->pg);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(stress)
{
	struct pool_model empty;
	char why[WHY_LEN];

	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	if (self->pg.name[0]) {
		model_init(&empty, &self->pg);
		EXPECT_EQ(0, pgpu_check_model(&self->pg, &empty, why,
					      sizeof(why)))
			TH_LOG("after teardown: %s", why);
	}
	EXPECT_EQ(0, kmsg_clean(self->kmsg, why, sizeof(why))) TH_LOG("%s", why);
	if (self->kmsg >= 0)
		close(self->kmsg);
}

#define ASSERT_MODEL(self) do {						\
		char __why[WHY_LEN];					\
		ASSERT_EQ(0, pgpu_check_model(&(self)->pg, &(self)->m,	\
					      __why, sizeof(__why)))	\
			TH_LOG("%s", __why);				\
	} while (0)

/* Open @uuid, run a checked FILL on every queue, close. */
static int use_once(const char *uuid, uint32_t value, char *why, size_t len)
{
	struct gpu g;
	uint32_t p[16];
	int ret;

	ret = gpu_open(&g, uuid, 0);
	for (uint32_t q = 0; !ret && q < g.num_queues && q < RINGS_MAX; q++) {
		if (q)
			ret = gpu_ring_start(&g, q);
		if (!ret)
			ret = gpu_exec(&g, q, p,
				       mvgpu_cmd_fill(p, q * 4096, 4096,
						      value + q));
		if (!ret && scan_words(g.vram + q * 4096, 4096,
				       (uint64_t)(value + q) << 32 | (value + q)) >= 0) {
			gpu_why(&g, "queue %u: FILL result wrong", q);
			ret = -EIO;
		}
	}
	if (ret)
		snprintf(why, len, "%s", g.why);
	gpu_close(&g);
	return ret;
}

/*
 * Create/remove cycles of mixed types next to a long-lived vGPU; every
 * 50th vGPU is opened and runs work on all its queues. The pool's counts
 * are exact throughout and the kernel's unreclaimable slab and vmalloc use
 * do not grow with the number of cycles.
 */
TEST_S_TIMEOUT(stress, cycles, 7200)
{
	/*
	 * Mostly the smallest type: creation and removal zero the vGPU's
	 * VRAM, which is slow under TCG for the large ones.
	 */
	static const char *const types[] = {
		"eighth", "quarter", "eighth", "half",
	};
	char uuid[MVGPU_UUID_LEN + 1], keep[MVGPU_UUID_LEN + 1];
	char why[WHY_LEN];
	long n = env_cycles(), done = 0, used = 0;
	struct mem_snapshot before, after;
	int ks = smallest_type(&self->pg);
	double t0 = mvgpu_now_ns() / 1e9;
	long slack_kb;

	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, type_names[ks],
				  keep));
	model_take(&self->m, &self->pg, ks);
	/* Warm up the caches once, then measure. */
	for (int i = 0; i < 20; i++) {
		ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name,
					  type_names[ks], uuid));
		ASSERT_EQ(0, vgpus_remove(&self->vl, uuid));
	}
	mem_snapshot(&before);

	for (long i = 0; i < n; i++) {
		int t = i % 16 == 8 ? type_index(types[i / 16 % ARRAY_SIZE(types)]) : ks;
		int r;

		if (t < 0 || !model_available(&self->m, &self->pg, t))
			t = ks;
		r = vgpus_create(&self->vl, self->pg.name, type_names[t], uuid);
		ASSERT_EQ(0, r) TH_LOG("cycle %ld: create %s: %s", i,
				       type_names[t], strerror(-r));
		model_take(&self->m, &self->pg, t);
		if (i % 50 == 25) {
			ASSERT_EQ(0, use_once(uuid, (uint32_t)i, why,
					      sizeof(why)))
				TH_LOG("cycle %ld: %s", i, why);
			used++;
		}
		r = vgpus_remove(&self->vl, uuid);
		ASSERT_EQ(0, r) TH_LOG("cycle %ld: remove: %s", i, strerror(-r));
		model_give(&self->m, &self->pg, t);
		if (i % 500 == 499)
			ASSERT_MODEL(self);
		/* Progress, for the test bed's watchdog and for people. */
		if (i % 100 == 99)
			fprintf(stderr, "#   %ld cycles in %.0f s\n", i + 1,
				mvgpu_now_ns() / 1e9 - t0);
		done++;
	}
	ASSERT_MODEL(self);
	mem_snapshot(&after);
	ASSERT_EQ(0, vgpus_remove(&self->vl, keep));
	model_give(&self->m, &self->pg, ks);
	ASSERT_MODEL(self);

	TH_LOG("%ld cycles (%ld with work) in %.1f s; SUnreclaim %ld -> %ld KiB, VmallocUsed %ld -> %ld KiB",
	       done, used, mvgpu_now_ns() / 1e9 - t0, before.sunreclaim_kb,
	       after.sunreclaim_kb, before.vmalloc_kb, after.vmalloc_kb);
	/*
	 * Per-CPU caches and the kernel's own activity account for the
	 * fixed slack (about 100 KiB were seen over a few hundred cycles):
	 * a leaked vGPU-sized object per cycle shows, small leaks are
	 * kmemleak's job on the debug kernel.
	 */
	slack_kb = 1024 + n / 16;
	if (before.sunreclaim_kb >= 0 && after.sunreclaim_kb >= 0)
		ASSERT_LE(after.sunreclaim_kb, before.sunreclaim_kb + slack_kb);
	if (before.vmalloc_kb >= 0 && after.vmalloc_kb >= 0)
		ASSERT_LE(after.vmalloc_kb, before.vmalloc_kb + slack_kb);
}

struct cycler {
	const char *pgpu;
	long cycles;
	long done;
	int ret;
	char why[WHY_LEN];
};

static void *cycler_main(void *arg)
{
	struct cycler *c = arg;
	char uuid[MVGPU_UUID_LEN + 1];

	for (c->done = 0; c->done < c->cycles; c->done++) {
		c->ret = mvgpu_uuid_generate(uuid);
		if (!c->ret)
			c->ret = mvgpu_vgpu_create(c->pgpu, "sixteenth", uuid);
		if (c->ret == -ENOSPC) {	/* the others hold it all */
			c->ret = 0;
			continue;
		}
		if (c->ret) {
			snprintf(c->why, sizeof(c->why), "create: %s",
				 strerror(-c->ret));
			break;
		}
		if (c->done % 40 == 7)
			c->ret = use_once(uuid, (uint32_t)c->done, c->why,
					  sizeof(c->why));
		if (mvgpu_vgpu_remove(uuid) && !c->ret) {
			c->ret = -EIO;
			snprintf(c->why, sizeof(c->why), "remove %s failed",
				 uuid);
		}
		if (c->ret)
			break;
	}
	return NULL;
}

/* Threads creating, using and removing vGPUs on one pGPU at once. */
TEST_S_TIMEOUT(stress, parallel_cycles, 3600)
{
	enum { THREADS = 6 };
	struct cycler c[THREADS];
	pthread_t th[THREADS];
	long n = env_cycles() / 4 + 1;

	if (!type_req_of(&self->pg, type_index("sixteenth")).exists)
		SKIP(return, "no sixteenth type");
	for (int i = 0; i < THREADS; i++) {
		c[i] = (struct cycler){ .pgpu = self->pg.name,
					.cycles = n / THREADS + 1 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, cycler_main, &c[i]));
	}
	for (int i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	for (int i = 0; i < THREADS; i++) {
		EXPECT_EQ(0, c[i].ret) TH_LOG("thread %d, cycle %ld: %s", i,
					      c[i].done, c[i].why);
	}
	ASSERT_MODEL(self);
}

/*
 * Races against running work. A worker keeps queue 0 of the vGPU busy
 * with rounds of FILL in VRAM and COPY to guest memory that the racers
 * may unmap; racer threads reset the device, unmap and map that guest
 * memory, switch the interrupts with SET_IRQS, map and unmap BAR2, and
 * get and close more device fds; another thread opens, uses and closes a
 * second vGPU of the same pGPU. A round that no disruptive racer overlapped
 * (their "epoch" is even and unchanged) must finish and be right; the
 * others may fail, after which the worker resets its queue and goes on.
 * At the end both vGPUs are removed while all of this still runs.
 */
struct race {
	struct gpu g;
	const char *uuid2;
	volatile int stop;
	volatile int removing;		/* new opens and fds may fail now */
	volatile long epoch;		/* odd while a racer disturbs */
	pthread_mutex_t dma_lock;	/* the racing buffer's mapping */
	void *buf;			/* RACE_BYTES, mapped at RACE_IOVA */
	long rounds, clean_rounds, disturbed, resets, unmaps, irqs, mmaps,
	     fds, opens;
	int failed;
	char why[WHY_LEN];
};

static void race_fail(struct race *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void race_fail(struct race *r, const char *fmt, ...)
{
	va_list ap;

	if (__sync_lock_test_and_set(&r->failed, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->stop = 1;
}

static void disturb_begin(struct race *r)
{
	__sync_fetch_and_add(&r->epoch, 1);
}

static void disturb_end(struct race *r)
{
	__sync_fetch_and_add(&r->epoch, 1);
}

/* Wait for fence @seq of queue 0, giving up when a racer disturbs. */
static int race_wait(struct race *r, uint64_t seq, long epoch)
{
	uint64_t deadline = mvgpu_now_ns() + WORK_MS * 1000000ull;
	struct gpu *g = &r->g;
	uint32_t err;

	while (*gpu_fence_cpu(g, 0) < seq) {
		if (r->epoch != epoch)
			return -EINTR;
		if (mvgpu_ring_error(&g->ring[0], &err, NULL) || err)
			return -EIO;
		if (mvgpu_now_ns() > deadline)
			return -ETIMEDOUT;
		usleep(100);
	}
	return 0;
}

static void *race_worker(void *arg)
{
	struct race *r = arg;
	struct gpu *g = &r->g;
	uint8_t *dst = r->buf;
	uint32_t p[32];

	while (!r->stop) {
		long epoch = r->epoch;
		uint32_t value = (uint32_t)(r->rounds * 0x01010101u + 7);
		uint64_t voff = (r->rounds % 64) * WORK_BYTES, seq;
		size_t n;
		int ret;

		r->rounds++;
		n = mvgpu_cmd_fill(p, voff, WORK_BYTES, value);
		n += mvgpu_cmd_copy(p + n, MVGPU_VA_SYSMEM + RACE_IOVA +
				    (r->rounds % 4) * WORK_BYTES, voff,
				    WORK_BYTES);
		ret = gpu_emit(g, 0, p, n);
		if (!ret)
			ret = gpu_flush(g, 0, &seq);
		if (!ret)
			ret = race_wait(r, seq, epoch);
		if (!ret && (epoch & 1 || r->epoch != epoch))
			ret = -EINTR;
		if (!ret) {
			uint64_t w = (uint64_t)value << 32 | value;
			int64_t bad;

			/* Nothing disturbed the round: it must be right. */
			bad = scan_words(g->vram + voff, WORK_BYTES, w);
			if (bad < 0 && r->epoch == epoch)
				bad = scan_words(dst + (r->rounds % 4) * WORK_BYTES,
						 WORK_BYTES, w);
			if (bad >= 0 && r->epoch == epoch) {
				race_fail(r, "round %ld: wrong result at 0x%llx",
					  r->rounds, (unsigned long long)bad);
				break;
			}
			r->clean_rounds++;
			continue;
		}
		if (!(epoch & 1) && r->epoch == epoch && ret != -EINTR) {
			uint64_t fault = 0;
			uint32_t err = 0;

			mvgpu_ring_error(&g->ring[0], &err, &fault);
			race_fail(r, "round %ld undisturbed but failed: %s, queue error %u at 0x%llx, status 0x%x, head 0x%x tail 0x%x, epoch %ld, %ld resets, %ld unmaps, removing %d %.100s",
				  r->rounds, strerror(-ret), err,
				  (unsigned long long)fault,
				  gpu_qrd(g, 0, MVGPU_Q_STATUS),
				  gpu_qrd(g, 0, MVGPU_Q_HEAD), g->ring[0].tail,
				  epoch, r->resets, r->unmaps, r->removing,
				  g->why);
			break;
		}
		/* Disturbed: start the queue again. */
		r->disturbed++;
		if (gpu_queue_recover(g, 0))
			gpu_ring_start(g, 0);
		g->ring[0].timeout_ms = 1000;
	}
	return NULL;
}

static void race_pause(unsigned int max_us)
{
	usleep(1000 + (unsigned int)random() % max_us);
}

static void *race_resetter(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		race_pause(200000);
		disturb_begin(r);
		if (random() % 2) {
			if (mvgpu_reset(&r->g.dev))
				race_fail(r, "VFIO_DEVICE_RESET failed");
		} else {
			mvgpu_reg_write(&r->g.dev, MVGPU_REG_RESET,
					MVGPU_RESET_KEY);
		}
		disturb_end(r);
		r->resets++;
	}
	return NULL;
}

static void *race_unmapper(void *arg)
{
	struct race *r = arg;
	int ret;

	while (!r->stop) {
		race_pause(100000);
		pthread_mutex_lock(&r->dma_lock);
		disturb_begin(r);
		ret = mvgpu_dma_unmap(&r->g.dev, RACE_IOVA, RACE_BYTES);
		if (!ret) {
			usleep((unsigned int)random() % 5000);
			ret = mvgpu_dma_map(&r->g.dev, r->buf, RACE_IOVA,
					    RACE_BYTES);
		}
		disturb_end(r);
		pthread_mutex_unlock(&r->dma_lock);
		if (ret) {
			race_fail(r, "DMA unmap/map: %s", strerror(-ret));
			break;
		}
		r->unmaps++;
	}
	return NULL;
}

/* SET_IRQS with no data and count 0: disable the whole index. */
static int irq_disable(struct mvgpu_dev *dev, uint32_t index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	return ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

static void *race_irqs(void *arg)
{
	struct race *r = arg;
	int efd[2];

	efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	while (!r->stop && efd[0] >= 0 && efd[1] >= 0) {
		uint32_t index = random() % 2 ? VFIO_PCI_MSI_IRQ_INDEX :
						VFIO_PCI_INTX_IRQ_INDEX;
		int ret;

		ret = mvgpu_irq_set_eventfd(&r->g.dev, index,
					    efd[r->irqs % 2]);
		/* Refused when the other index is on: not a failure. */
		if (ret && ret != -EINVAL && ret != -EBUSY) {
			race_fail(r, "SET_IRQS: %s", strerror(-ret));
			break;
		}
		usleep((unsigned int)random() % 2000);
		if (r->irqs % 3)
			mvgpu_irq_set_eventfd(&r->g.dev, index, -1);
		else
			irq_disable(&r->g.dev, index);
		r->irqs++;
	}
	if (efd[0] >= 0)
		close(efd[0]);
	if (efd[1] >= 0)
		close(efd[1]);
	return NULL;
}

static void *race_mmapper(void *arg)
{
	struct race *r = arg;
	struct mvgpu_region *bar2 = &r->g.dev.regions[VFIO_PCI_BAR2_REGION_INDEX];

	while (!r->stop) {
		volatile uint64_t *p;
		size_t len = bar2->size < (1u << 20) ? bar2->size : 1u << 20;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->g.dev.device_fd, (off_t)bar2->offset);
		if (p == MAP_FAILED) {
			race_fail(r, "BAR2 mmap: %s", strerror(errno));
			break;
		}
		for (size_t off = 0; off < len; off += 4096)
			(void)p[off / 8];
		munmap((void *)p, len);
		r->mmaps++;
		race_pause(2000);
	}
	return NULL;
}

static void *race_fds(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		struct vfio_device_info info = { .argsz = sizeof(info) };
		int fd = ioctl(r->g.dev.group_fd, VFIO_GROUP_GET_DEVICE_FD,
			       r->g.uuid);

		if (fd < 0) {
			if (!r->removing)
				race_fail(r, "VFIO_GROUP_GET_DEVICE_FD: %s",
					  strerror(errno));
			break;
		}
		if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info) ||
		    info.num_regions < VFIO_PCI_NUM_REGIONS)
			race_fail(r, "VFIO_DEVICE_GET_INFO on a second fd");
		close(fd);
		r->fds++;
		race_pause(2000);
	}
	return NULL;
}

static void *race_opener(void *arg)
{
	struct race *r = arg;
	char why[WHY_LEN];
	int ret;

	while (!r->stop) {
		ret = use_once(r->uuid2, (uint32_t)r->opens, why, sizeof(why));
		if (ret) {
			if (!r->removing)
				race_fail(r, "second vGPU, open %ld: %s",
					  r->opens, why);
			break;
		}
		r->opens++;
	}
	return NULL;
}

struct remover {
	char uuid[MVGPU_UUID_LEN + 1];
	volatile int done;
	int ret;
};

static void *remover_main(void *arg)
{
	struct remover *rm = arg;

	rm->ret = mvgpu_vgpu_remove(rm->uuid);
	rm->done = 1;
	return NULL;
}

TEST_S_TIMEOUT(stress, races, 600)
{
	void *(*const fns[])(void *) = {
		race_worker, race_resetter, race_unmapper, race_irqs,
		race_mmapper, race_fds, race_opener,
	};
	enum { NFNS = ARRAY_SIZE(fns) };
	char uuid[MVGPU_UUID_LEN + 1], uuid2[MVGPU_UUID_LEN + 1];
	struct remover rm[2] = { 0 };
	pthread_t th[NFNS], rth[2];
	bool started[NFNS];
	struct race *r;
	long racers;
	int t = type_index("sixteenth");

	if (!type_req_of(&self->pg, t).exists)
		t = smallest_type(&self->pg);
	r = calloc(1, sizeof(*r));
	ASSERT_NE(NULL, r);
	srandom((unsigned int)test_seed());
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, type_names[t], uuid));
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, type_names[t], uuid2));
	r->uuid2 = uuid2;
	pthread_mutex_init(&r->dma_lock, NULL);
	ASSERT_EQ(0, gpu_open(&r->g, uuid, 0)) TH_LOG("%s", r->g.why);
	r->g.ring[0].timeout_ms = 1000;
	r->buf = mmap(NULL, RACE_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r->buf);
	memset(r->buf, 0, RACE_BYTES);
	ASSERT_EQ(0, mvgpu_dma_map(&r->g.dev, r->buf, RACE_IOVA, RACE_BYTES));

	/* MVGPU_STRESS_RACERS: bit i runs racer i (1 resets, 2 unmaps, ...). */
	racers = env_long("MVGPU_STRESS_RACERS", -1, 0, 0xffff);
	for (int i = 0; i < NFNS; i++) {
		started[i] = !i || racers & (1l << (i - 1));
		if (started[i])
			ASSERT_EQ(0, pthread_create(&th[i], NULL, fns[i], r));
	}
	for (long s = 0; s < env_seconds() && !r->stop; s++)
		sleep(1);
	/* Remove both vGPUs while everything still runs: they wait. */
	r->removing = 1;
	memcpy(rm[0].uuid, uuid, sizeof(uuid));
	memcpy(rm[1].uuid, uuid2, sizeof(uuid2));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&rth[i], NULL, remover_main, &rm[i]));
	usleep(500000);
	EXPECT_EQ(0, rm[0].done) TH_LOG("removal did not wait for the user");
	r->stop = 1;
	for (int i = 0; i < NFNS; i++)
		if (started[i])
			ASSERT_EQ(0, pthread_join(th[i], NULL));
	gpu_close(&r->g);
	munmap(r->buf, RACE_BYTES);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(rth[i], NULL));
		EXPECT_EQ(0, rm[i].ret) TH_LOG("remove: %s", strerror(-rm[i].ret));
		vgpus_forget(&self->vl, rm[i].uuid);
	}
	TH_LOG("%ld rounds (%ld checked, %ld disturbed), %ld resets, %ld unmaps, %ld SET_IRQS, %ld mmaps, %ld fds, %ld opens of the second vGPU",
	       r->rounds, r->clean_rounds, r->disturbed, r->resets, r->unmaps,
	       r->irqs, r->mmaps, r->fds, r->opens);
	EXPECT_EQ(0, r->failed) TH_LOG("%s", r->why);
	EXPECT_LT(0, r->clean_rounds);
	if (started[1])
		EXPECT_LT(0, r->resets);
	if (started[2])
		EXPECT_LT(0, r->unmaps);
	if (started[6])
		EXPECT_LT(0, r->opens);
	pthread_mutex_destroy(&r->dma_lock);
	free(r);
	ASSERT_MODEL(self);
}

/*
 * Many processes on one open vGPU: children forked after the open share
 * its device fd and BAR2 mapping, each drives its own queue with a ring
 * and fence in VRAM and checks every result; one is killed in the middle
 * of its work. Then the parent closes and the vGPU is removed.
 */
#define CHILD_RING(q)	(0x100000ull + (q) * 0x10000ull)
#define CHILD_DATA(q)	(0x400000ull + (q) * 0x40000ull)
#define CHILD_BYTES	0x20000u

static int child_work(struct gpu *g, uint32_t q, int rounds)
{
	struct mvgpu_ring ring;
	volatile uint64_t *fence = (volatile uint64_t *)(g->vram +
							 CHILD_RING(q) + 0x8000);
	uint32_t p[32];
	int ret;

	ret = mvgpu_ring_init(&ring, &g->dev, q, g->vram + CHILD_RING(q),
			      CHILD_RING(q), 0x4000);
	*fence = 0;
	for (int i = 1; !ret && (rounds < 0 || i <= rounds); i++) {
		uint32_t value = q << 24 | (uint32_t)i;
		uint64_t w = (uint64_t)value << 32 | value;
		size_t n;

		n = mvgpu_cmd_fill(p, CHILD_DATA(q), CHILD_BYTES, value);
		n += mvgpu_cmd_fence(p + n, CHILD_RING(q) + 0x8000, i, 0);
		ret = mvgpu_ring_submit(&ring, p, n);
		if (!ret)
			ret = mvgpu_ring_wait_fence(&ring, i, SYNC_MS);
		if (!ret && (*fence != (uint64_t)i ||
			     scan_words(g->vram + CHILD_DATA(q), CHILD_BYTES,
					w) >= 0))
			ret = -EIO;
	}
	return ret;
}

TEST_S_TIMEOUT(stress, processes_share, 600)
{
	enum { CHILDREN = 6 };
	char uuid[MVGPU_UUID_LEN + 1];
	pid_t pid[CHILDREN], victim;
	struct gpu g;
	uint32_t kids;
	int status;

	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "eighth", uuid));
	ASSERT_EQ(0, gpu_open(&g, uuid, 0)) TH_LOG("%s", g.why);
	ASSERT_LE(2, g.num_queues);
	kids = g.num_queues - 1 < CHILDREN ? g.num_queues - 1 : CHILDREN;
	ASSERT_LE(CHILD_DATA(kids) , g.vram_size);

	/* Queue 1 belongs to the victim: endless work until it is killed. */
	for (uint32_t i = 0; i < kids; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i])
			_exit(child_work(&g, i + 1, i ? 200 : -1) ? 1 : 0);
	}
	victim = pid[0];
	usleep(300000);
	ASSERT_EQ(0, kill(victim, SIGKILL));
	/* The parent works on queue 0 at the same time. */
	ASSERT_EQ(0, child_work(&g, 0, 100));
	for (uint32_t i = 0; i < kids; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		if (pid[i] == victim) {
			ASSERT_TRUE(WIFSIGNALED(status));
		} else {
			ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("child on queue %u failed", i + 1);
		}
	}
	/* The device still works after the others left. */
	ASSERT_EQ(0, child_work(&g, 1, 10));
	gpu_close(&g);
	ASSERT_EQ(0, vgpus_remove(&self->vl, uuid));
}

/*
 * Processes contending for one vGPU: it has a single user at a time
 * (the others get EBUSY); each user finds VRAM cleared of its
 * predecessor's data, runs work, and hands over.
 */
static int contender(const char *uuid, int turns, uint32_t id)
{
	uint64_t deadline = mvgpu_now_ns() + 300ull * 1000000000ull;
	int got = 0;

	while (got < turns) {
		struct gpu g;
		char why[WHY_LEN];
		uint32_t p[16];
		int ret;

		if (mvgpu_now_ns() > deadline)
			return 2;
		ret = gpu_open(&g, uuid, 0);
		if (ret == -EBUSY) {
			gpu_close(&g);
			usleep(1000 + (unsigned int)random() % 10000);
			continue;
		}
		if (ret) {
			fprintf(stderr, "# contender %u: %s\n", id, g.why);
			gpu_close(&g);
			return 3;
		}
		if (scan_words(g.vram, 0x10000, 0) >= 0) {
			fprintf(stderr, "# contender %u: VRAM not cleared\n", id);
			gpu_close(&g);
			return 4;
		}
		ret = gpu_exec(&g, 0, p, mvgpu_cmd_fill(p, 0, 0x10000, id));
		if (!ret && scan_words(g.vram, 0x10000,
				       (uint64_t)id << 32 | id) >= 0)
			ret = -EIO;
		snprintf(why, sizeof(why), "%s", g.why);
		gpu_close(&g);
		if (ret) {
			fprintf(stderr, "# contender %u: %s\n", id, why);
			return 5;
		}
		got++;
	}
	return 0;
}

TEST_S_TIMEOUT(stress, processes_contend, 600)
{
	enum { PROCS = 8, TURNS = 3 };
	char uuid[MVGPU_UUID_LEN + 1];
	pid_t pid[PROCS];
	int status;

	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "sixteenth", uuid));
	for (int i = 0; i < PROCS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			srandom((unsigned int)getpid());
			_exit(contender(uuid, TURNS, 0x1000u + (uint32_t)i));
		}
	}
	for (int i = 0; i < PROCS; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("contender %d: status 0x%x", i, status);
	}
	ASSERT_EQ(0, vgpus_remove(&self->vl, uuid));
}

/*
 * Module unload while a vGPU is open and busy: the core cannot go while
 * the pGPU driver uses it; unloading the pGPU driver either is refused or
 * waits for the user (the device keeps working meanwhile); once the user
 * closes, the unload completes, and after a reload every pGPU is back and
 * empty. Needs MVGPU_MODULES_DIR (set in the test VM).
 */
static int module_params(const char *mod, char *out, size_t len)
{
	static const char *const names[] = {
		"claim", "engines", "queues", "contexts", "chunk_kb",
	};
	char path[PATH_MAX], val[256];
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 mod, names[i]);
		if (!path_exists(path))
			continue;
		if (mvgpu_sysfs_read(path, val, sizeof(val)) < 0)
			return -EIO;
		if (strpbrk(val, " '\"\\;$`"))
			return -EINVAL;
		used += snprintf(out + used, len - used, " %s=%s", names[i], val);
		if (used >= len)
			return -ENAMETOOLONG;
	}
	return 0;
}

FIXTURE(unload) {
	int unused;
};

FIXTURE_SETUP(unload)
{
	catch_crashes(_metadata);
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F_TIMEOUT(unload, while_open, 300)
{
	const char *dir = getenv("MVGPU_MODULES_DIR");
	char names[MAX_PGPUS][32], after[MAX_PGPUS][32];
	char params[1024], cmd[PATH_MAX + 1200], why[WHY_LEN];
	char uuid[MVGPU_UUID_LEN + 1];
	struct pgpu_info pg;
	struct gpu g;
	uint32_t p[16];
	pid_t pid;
	int n, status, kmsg;

	if (!dir || !path_exists("/sys/module/mvgpu_sim"))
		SKIP(return, "not in the test VM (MVGPU_MODULES_DIR unset)");
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	n = sim_pgpus(names, MAX_PGPUS);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, module_params("mvgpu_sim", params, sizeof(params)));
	ASSERT_EQ(0, pgpu_load(names[0], &pg));
	ASSERT_EQ(0, mvgpu_uuid_generate(uuid));
	ASSERT_EQ(0, mvgpu_vgpu_create(names[0], type_names[smallest_type(&pg)],
				       uuid));
	ASSERT_EQ(0, gpu_open(&g, uuid, 0)) TH_LOG("%s", g.why);
	/* Plenty of work queued: 64 x 1 MiB FILLs. */
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(0, gpu_emit(&g, 0, p, mvgpu_cmd_fill(p, 0, 1u << 20,
							      (uint32_t)i)));
	ASSERT_EQ(0, gpu_flush(&g, 0, NULL));

	/* The core is in use by the pGPU driver. */
	ASSERT_NE(0, system("rmmod mvgpu 2>/dev/null"));
	ASSERT_TRUE(path_exists("/sys/module/mvgpu"));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execlp("rmmod", "rmmod", "mvgpu_sim", (char *)NULL);
		_exit(127);
	}
	usleep(1000000);
	if (waitpid(pid, &status, WNOHANG) == pid) {
		/* Refused: the vGPU must be untouched and still work. */
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status))
			TH_LOG("rmmod mvgpu_sim succeeded with a vGPU open");
		ASSERT_TRUE(mdev_exists(uuid));
		pid = 0;
	}
	/* Whether refused or waiting, the open vGPU keeps working. */
	ASSERT_EQ(MVGPU_MAGIC, gpu_rd(&g, MVGPU_REG_MAGIC));
	gpu_close(&g);
	if (pid) {
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	} else {
		ASSERT_EQ(0, system("rmmod mvgpu_sim"));
	}
	ASSERT_FALSE(mdev_exists(uuid));
	ASSERT_EQ(0, system("rmmod mvgpu"));

	snprintf(cmd, sizeof(cmd), "insmod '%s/mvgpu.ko' && insmod '%s/mvgpu_sim.ko'%s",
		 dir, dir, params);
	ASSERT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	ASSERT_EQ(n, sim_pgpus(after, MAX_PGPUS));
	for (int i = 0; i < n; i++) {
		struct pool_model m;

		ASSERT_STREQ(names[i], after[i]);
		ASSERT_EQ(0, pgpu_load(names[i], &pg));
		model_init(&m, &pg);
		ASSERT_EQ(0, pgpu_check_model(&pg, &m, why, sizeof(why)))
			TH_LOG("%s: %s", names[i], why);
	}
	EXPECT_EQ(0, kmsg_clean(kmsg, why, sizeof(why))) TH_LOG("%s", why);
	close(kmsg);
}

TEST_HARNESS_MAIN
