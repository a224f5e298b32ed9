/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the VM selftests that run commands on vGPUs: an open vGPU
 * with its VRAM mapped, guest memory for rings and data, one ring per
 * queue, synchronous submission with a fence, error checks, kernel log
 * checks and a "bystander" vGPU running a self-checking workload in a
 * thread. Include after mvgpu_test.h. Functions return 0 or a negative
 * errno and describe a failure in the gpu's @why; they never assert.
 */
#ifndef MVGPU_GPU_H
#define MVGPU_GPU_H

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include <mvgpu/mvgpu_cmds.h>

#include "mvgpu_ref.h"

/* Guest memory layout (DMA addresses) of every test vGPU. */
#define RING_IOVA		0x00100000ull	/* rings, then fence slots */
#define RING_BYTES		0x4000u		/* per queue */
#define RINGS_MAX		16		/* queues with a ring */
#define FENCE_OFF		(RINGS_MAX * RING_BYTES)
#define RINGS_BUF_BYTES		(FENCE_OFF + 0x1000)
#define SYS_IOVA		0x10000000ull	/* data buffer */
#define SYS_VA			(MVGPU_VA_SYSMEM + SYS_IOVA)
#define UNMAPPED_IOVA		0x80000000ull	/* never mapped */

#define SYNC_MS			60000	/* a synchronous submission */
#define WHY_LEN			256

struct gpu {
	struct mvgpu_dev dev;
	bool open;
	char uuid[MVGPU_UUID_LEN + 1];
	uint64_t vram_size;
	uint32_t num_queues;
	uint8_t *vram;			/* BAR2 mapping */
	struct mvgpu_dma_buf rings;	/* rings and fence slots */
	struct mvgpu_dma_buf sys;	/* data in guest memory */
	struct mvgpu_ring ring[RINGS_MAX];
	bool ring_on[RINGS_MAX];
	uint64_t seq[RINGS_MAX];	/* last fence value emitted */
	char why[WHY_LEN];
};

/* A buffer the GPU reaches: its CPU view and its GPU VA. */
struct mem {
	uint8_t *cpu;
	uint64_t va;
	uint64_t size;
	const char *name;
};

static inline void gpu_why(struct gpu *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void gpu_why(struct gpu *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
}

static inline struct mem gpu_vram(struct gpu *g)
{
	return (struct mem){ g->vram, 0, g->vram_size, "vram" };
}

static inline struct mem gpu_sys(struct gpu *g)
{
	return (struct mem){ g->sys.cpu, SYS_VA, g->sys.size, "sysmem" };
}

static inline uint64_t gpu_fence_va(uint32_t q)
{
	return MVGPU_VA_SYSMEM + RING_IOVA + FENCE_OFF + q * 8;
}

static inline volatile uint64_t *gpu_fence_cpu(struct gpu *g, uint32_t q)
{
	return (volatile uint64_t *)((uint8_t *)g->rings.cpu + FENCE_OFF +
				     q * 8);
}

static inline int gpu_reg(struct gpu *g, uint32_t off, uint32_t *val)
{
	return mvgpu_reg_read(&g->dev, off, val);
}

static inline uint32_t gpu_rd(struct gpu *g, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	mvgpu_reg_read(&g->dev, off, &v);
	return v;
}

static inline void gpu_wr(struct gpu *g, uint32_t off, uint32_t val)
{
	mvgpu_reg_write(&g->dev, off, val);
}

static inline uint32_t gpu_qrd(struct gpu *g, uint32_t q, uint32_t reg)
{
	uint32_t v = 0xdeadbeef;

	mvgpu_queue_reg_read(&g->dev, q, reg, &v);
	return v;
}

static inline void gpu_qwr(struct gpu *g, uint32_t q, uint32_t reg,
			   uint32_t val)
{
	mvgpu_queue_reg_write(&g->dev, q, reg, val);
}

/* (Re)start queue @q on its ring in guest memory. */
static inline int gpu_ring_start(struct gpu *g, uint32_t q)
{
	int ret;

	if (q >= RINGS_MAX || q >= g->num_queues)
		return -EINVAL;
	ret = mvgpu_ring_init(&g->ring[q], &g->dev, q,
			      (uint8_t *)g->rings.cpu + q * RING_BYTES,
			      MVGPU_VA_SYSMEM + RING_IOVA + q * RING_BYTES,
			      RING_BYTES);
	if (ret) {
		gpu_why(g, "queue %u: ring init: %s", q, strerror(-ret));
		return ret;
	}
	g->ring_on[q] = true;
	g->seq[q] = 0;
	*gpu_fence_cpu(g, q) = 0;
	return 0;
}

/* Open vGPU @uuid: map VRAM, allocate guest memory, start queue 0. */
static inline int gpu_open(struct gpu *g, const char *uuid, size_t sys_bytes)
{
	uint32_t lo, hi;
	int ret;

	memset(g, 0, sizeof(*g));
	copy_str(g->uuid, sizeof(g->uuid), uuid);
	ret = mvgpu_open(&g->dev, uuid);
	if (ret) {
		gpu_why(g, "open %s: %s", uuid, strerror(-ret));
		return ret;
	}
	g->open = true;
	ret = mvgpu_bar2_map(&g->dev);
	if (!ret)
		ret = gpu_reg(g, MVGPU_REG_VRAM_SIZE_LO, &lo);
	if (!ret)
		ret = gpu_reg(g, MVGPU_REG_VRAM_SIZE_HI, &hi);
	if (!ret)
		ret = gpu_reg(g, MVGPU_REG_NUM_QUEUES, &g->num_queues);
	if (ret) {
		gpu_why(g, "BAR2 map or registers: %s", strerror(-ret));
		return ret;
	}
	g->vram = g->dev.bar2;
	g->vram_size = lo | (uint64_t)hi << 32;
	ret = mvgpu_dma_alloc(&g->dev, RINGS_BUF_BYTES, RING_IOVA, &g->rings);
	if (!ret && sys_bytes)
		ret = mvgpu_dma_alloc(&g->dev, sys_bytes, SYS_IOVA, &g->sys);
	if (ret) {
		gpu_why(g, "guest memory: %s", strerror(-ret));
		return ret;
	}
	return gpu_ring_start(g, 0);
}

static inline void gpu_close(struct gpu *g)
{
	if (!g->open)
		return;
	/* Closing stops the queues before guest memory goes away. */
	mvgpu_close(&g->dev);
	if (g->rings.cpu)
		munmap(g->rings.cpu, g->rings.size);
	if (g->sys.cpu)
		munmap(g->sys.cpu, g->sys.size);
	g->rings.cpu = NULL;
	g->sys.cpu = NULL;
	g->open = false;
}

/* Emit packets on queue @q without ringing the doorbell. */
static inline int gpu_emit(struct gpu *g, uint32_t q, const uint32_t *p,
			   size_t dwords)
{
	int ret = mvgpu_ring_emit(&g->ring[q], p, dwords);

	if (ret)
		gpu_why(g, "queue %u: emit: %s", q, strerror(-ret));
	return ret;
}

/* Emit a fence with the next sequence number and ring the doorbell. */
static inline int gpu_flush(struct gpu *g, uint32_t q, uint64_t *seq)
{
	uint32_t p[8];
	size_t n = mvgpu_cmd_fence(p, gpu_fence_va(q), ++g->seq[q], 0);
	int ret = gpu_emit(g, q, p, n);

	if (!ret)
		ret = mvgpu_ring_kick(&g->ring[q]);
	if (seq)
		*seq = g->seq[q];
	return ret;
}

/*
 * Wait for fence @seq of queue @q: in memory (polled without a system
 * call), then in the queue's FENCE register, which is written after.
 */
static inline int gpu_wait(struct gpu *g, uint32_t q, uint64_t seq, int ms)
{
	uint64_t deadline = mvgpu_now_ns() + (uint64_t)ms * 1000000;
	uint64_t fault = 0;
	uint32_t err = 0;
	unsigned int round = 0;
	int ret = 0;

	while (*gpu_fence_cpu(g, q) < seq) {
		if (round++ % 16 == 0) {
			ret = mvgpu_ring_error(&g->ring[q], &err, NULL);
			if (!ret && err)
				ret = -EIO;
			if (!ret && mvgpu_now_ns() > deadline)
				ret = -ETIMEDOUT;
			if (ret)
				break;
		}
		usleep(round < 200 ? 20 : 200);
	}
	if (!ret)
		ret = mvgpu_ring_wait_fence(&g->ring[q], seq, ms);
	if (ret) {
		mvgpu_ring_error(&g->ring[q], &err, &fault);
		gpu_why(g, "queue %u: fence %llu (memory %llu): %s (error %u at 0x%llx, head 0x%x tail 0x%x)",
			q, (unsigned long long)seq,
			(unsigned long long)*gpu_fence_cpu(g, q),
			strerror(-ret), err, (unsigned long long)fault,
			gpu_qrd(g, q, MVGPU_Q_HEAD), g->ring[q].tail);
	}
	return ret;
}

/* Emit packets, a fence, and wait for it. */
static inline int gpu_exec(struct gpu *g, uint32_t q, const uint32_t *p,
			   size_t dwords)
{
	uint64_t seq;
	int ret = gpu_emit(g, q, p, dwords);

	if (!ret)
		ret = gpu_flush(g, q, &seq);
	if (!ret)
		ret = gpu_wait(g, q, seq, SYNC_MS);
	return ret;
}

/*
 * Submit packets that must stop queue @q with @err (and @fault, unless
 * it is ANY_ADDR), ringing the doorbell with @tail (RING_TAIL: the ring's
 * tail after the packets): returns 0 if the queue stopped so, in its
 * registers, the error block, the ERROR interrupt status, with STATUS
 * showing the error. Clears the error block and the interrupt status
 * afterwards, not the queue.
 */
#define ANY_ADDR	(~0ull)
#define RING_TAIL	(-1ll)
static inline int gpu_expect_error_tail(struct gpu *g, uint32_t q,
					const uint32_t *p, size_t dwords,
					int64_t tail, uint32_t err,
					uint64_t fault)
{
	struct mvgpu_ring *r = &g->ring[q];
	uint64_t addr = 0, eaddr;
	uint32_t qerr = 0, st;
	int ret;

	if (dwords) {
		ret = gpu_emit(g, q, p, dwords);
		if (ret)
			return ret;
	}
	/* What the queue is told is its tail, for wait_settled too. */
	if (tail != RING_TAIL)
		r->tail = (uint32_t)tail;
	__sync_synchronize();
	ret = mvgpu_queue_reg_write(&g->dev, q, MVGPU_Q_TAIL, r->tail);
	if (ret)
		return ret;
	ret = mvgpu_ring_wait_settled(r, SYNC_MS, &qerr);
	if (ret) {
		gpu_why(g, "queue %u: expected error %u: %s", q, err,
			strerror(-ret));
		return ret;
	}
	mvgpu_ring_error(r, &qerr, &addr);
	if (qerr != err || (fault != ANY_ADDR && addr != fault)) {
		gpu_why(g, "queue %u: error %u at 0x%llx, expected %u at 0x%llx",
			q, qerr, (unsigned long long)addr, err,
			(unsigned long long)fault);
		return -EINVAL;
	}
	st = gpu_qrd(g, q, MVGPU_Q_STATUS);
	if (!(st & MVGPU_Q_STATUS_ERROR) || (st & MVGPU_Q_STATUS_BUSY)) {
		gpu_why(g, "queue %u: STATUS 0x%x after error %u", q, st, err);
		return -EINVAL;
	}
	eaddr = gpu_rd(g, MVGPU_REG_ERROR_ADDR_LO) |
		(uint64_t)gpu_rd(g, MVGPU_REG_ERROR_ADDR_HI) << 32;
	if (gpu_rd(g, MVGPU_REG_ERROR_REASON) != err ||
	    gpu_rd(g, MVGPU_REG_ERROR_QUEUE) != q || eaddr != addr) {
		gpu_why(g, "error block: reason %u queue %u addr 0x%llx, expected %u %u 0x%llx",
			gpu_rd(g, MVGPU_REG_ERROR_REASON),
			gpu_rd(g, MVGPU_REG_ERROR_QUEUE),
			(unsigned long long)eaddr, err, q,
			(unsigned long long)addr);
		return -EINVAL;
	}
	if (!(gpu_rd(g, MVGPU_REG_INT_STATUS) & MVGPU_INT_ERROR)) {
		gpu_why(g, "INT_STATUS 0x%x lacks ERROR",
			gpu_rd(g, MVGPU_REG_INT_STATUS));
		return -EINVAL;
	}
	gpu_wr(g, MVGPU_REG_ERROR_REASON, 0);
	gpu_wr(g, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	return 0;
}

static inline int gpu_expect_error(struct gpu *g, uint32_t q,
				   const uint32_t *p, size_t dwords,
				   uint32_t err, uint64_t fault)
{
	return gpu_expect_error_tail(g, q, p, dwords, RING_TAIL, err, fault);
}

/* Reset queue @q (CONTROL.RESET) and start it again on its ring. */
static inline int gpu_queue_recover(struct gpu *g, uint32_t q)
{
	gpu_qwr(g, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	if (gpu_qrd(g, q, MVGPU_Q_ERROR) || gpu_qrd(g, q, MVGPU_Q_STATUS)) {
		gpu_why(g, "queue %u: error %u status 0x%x after reset", q,
			gpu_qrd(g, q, MVGPU_Q_ERROR),
			gpu_qrd(g, q, MVGPU_Q_STATUS));
		return -EIO;
	}
	return gpu_ring_start(g, q);
}

/* Kernel log lines that must never appear while the tests run. */
static const char *const kmsg_bad[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "UBSAN",
	"KASAN", "refcount_t", "INFO: task", "lockdep", "RCU stall",
	"mvgpu: backend refused", "mvgpu_sim: context",
};

/* 0 if no kernel log record since the last call is bad; else -EIO. */
static inline int kmsg_clean(int fd, char *why, size_t len)
{
	char rec[8192];
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(kmsg_bad) / sizeof(kmsg_bad[0]);
		     i++) {
			if (!ret && strstr(rec, kmsg_bad[i])) {
				char *nl = strchr(rec, '\n');

				if (nl)
					*nl = '\0';
				snprintf(why, len, "kernel log: %.200s", rec);
				ret = -EIO;
			}
		}
	}
	return ret;
}

/* MSI of @g to @efd (vgpu_msi_enable()), every interrupt source unmasked. */
static inline int gpu_msi(struct gpu *g, int efd)
{
	int ret = vgpu_msi_enable(&g->dev, efd);

	if (!ret)
		ret = mvgpu_reg_write(&g->dev, MVGPU_REG_INT_MASK, MVGPU_INT_ALL);
	return ret;
}

/* The seed of a test's random data: MVGPU_SEED, or the clock. */
static inline uint64_t test_seed(void)
{
	const char *env = getenv("MVGPU_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
	       (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
}

/*
 * A bystander: another vGPU running a self-checking workload in a thread
 * (FILL in VRAM, COPY VRAM to guest memory, SAXPY in guest memory, each
 * checked against the CPU reference) until told to stop.
 */
struct bystander {
	struct gpu g;
	pthread_t thread;
	bool running;
	volatile bool stop;
	int min_rounds;
	int rounds;
	int failed;
	uint64_t seed;
	char why[WHY_LEN];
};

#define BY_BYTES	0x8000u
#define BY_ELEMS	2048u

static inline int bystander_round(struct bystander *b, struct ref_rng *rng)
{
	struct gpu *g = &b->g;
	uint32_t p[64], value = (uint32_t)rng_next(rng);
	uint64_t voff = rng_below(rng, (uint32_t)(g->vram_size - BY_BYTES));
	uint8_t *ref = malloc(BY_BYTES);
	float *x = (float *)(g->sys.cpu + BY_BYTES);
	float *y = x + BY_ELEMS, yref[BY_ELEMS];
	float a = rng_float(rng);
	size_t n;
	int ret;

	if (!ref)
		return -ENOMEM;
	rng_floats(rng, x, BY_ELEMS);
	rng_floats(rng, y, BY_ELEMS);
	memcpy(yref, y, sizeof(yref));
	memset(g->sys.cpu, 0, BY_BYTES);
	n = mvgpu_cmd_fill(p, voff, BY_BYTES, value);
	n += mvgpu_cmd_copy(p + n, SYS_VA, voff, BY_BYTES);
	n += mvgpu_cmd_saxpy(p + n, BY_ELEMS, a, SYS_VA + BY_BYTES,
			     SYS_VA + BY_BYTES + BY_ELEMS * 4);
	ret = gpu_exec(g, 0, p, n);
	if (ret) {
		snprintf(b->why, sizeof(b->why), "round %d: %.200s", b->rounds,
			 g->why);
		free(ref);
		return ret;
	}
	ref_fill(ref, BY_BYTES, value);
	ref_saxpy(BY_ELEMS, a, x, yref);
	if (memcmp(ref, g->sys.cpu, BY_BYTES) ||
	    memcmp(ref, g->vram + voff, BY_BYTES) ||
	    memcmp(yref, y, sizeof(yref))) {
		snprintf(b->why, sizeof(b->why),
			 "round %d: wrong result (seed 0x%llx)", b->rounds,
			 (unsigned long long)b->seed);
		ret = -EIO;
	}
	free(ref);
	return ret;
}

static inline void *bystander_main(void *arg)
{
	struct bystander *b = arg;
	struct ref_rng rng;

	rng_seed(&rng, b->seed);
	while (!b->stop || b->rounds < b->min_rounds) {
		if (bystander_round(b, &rng)) {
			b->failed = 1;
			break;
		}
		b->rounds++;
	}
	return NULL;
}

/* Open vGPU @uuid and start its workload; runs at least @min_rounds. */
static inline int bystander_start(struct bystander *b, const char *uuid,
				  int min_rounds)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->min_rounds = min_rounds;
	b->seed = test_seed() ^ 0x5bd1e995;
	ret = gpu_open(&b->g, uuid, 0x10000);
	if (ret) {
		snprintf(b->why, sizeof(b->why), "%s", b->g.why);
		gpu_close(&b->g);
		return ret;
	}
	ret = pthread_create(&b->thread, NULL, bystander_main, b);
	if (ret) {
		gpu_close(&b->g);
		return -ret;
	}
	b->running = true;
	return 0;
}

/* Stop the workload and close the vGPU: 0 if every round was right. */
static inline int bystander_stop(struct bystander *b)
{
	if (b->running) {
		b->stop = true;
		pthread_join(b->thread, NULL);
		b->running = false;
	}
	gpu_close(&b->g);
	if (b->failed)
		return -EIO;
	if (b->rounds < b->min_rounds) {
		snprintf(b->why, sizeof(b->why), "only %d rounds", b->rounds);
		return -EIO;
	}
	return 0;
}

#endif /* MVGPU_GPU_H */
