/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mvgpu_load: a vGPU kept busy with self-checking work, for the scheduler
 * tests and benchmarks. Built on libmvgpu (include libmvgpu.h first).
 *
 * A load opens a vGPU through VFIO, puts the ring of its queue 0 and a
 * fence slot in guest memory, and submits "units": one FILL of
 * @unit_bytes in the vGPU's VRAM followed by a FENCE whose value is the
 * unit's number. mvgpu_load_pump() keeps @depth units queued (call it
 * every millisecond or so); the fence in memory tells how many units are
 * done without a system call. After mvgpu_load_drain(),
 * mvgpu_load_verify() checks that every VRAM slot holds the pattern of the
 * last unit that wrote it, so a load doubles as a correctness witness.
 *
 * Functions return 0 or a negative errno and describe a failure in @why.
 */
#ifndef MVGPU_LOAD_H
#define MVGPU_LOAD_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mvgpu/mvgpu_cmds.h>
#include <mvgpu/mvgpu_regs.h>

#define MVGPU_LOAD_RING_BYTES	0x4000u		/* queue 0's ring */
#define MVGPU_LOAD_MEM_BYTES	(MVGPU_LOAD_RING_BYTES + 0x1000u)
#define MVGPU_LOAD_IOVA		0x100000ull	/* ring, then the fence */
#define MVGPU_LOAD_MAX_SLOTS	16u
#define MVGPU_LOAD_WHY		256

/**
 * struct mvgpu_load - a vGPU running a stream of FILL units
 * @dev: the open vGPU
 * @open: @dev is open
 * @mem: guest memory: the ring, then the fence slot
 * @ring: queue 0
 * @vram_size: bytes of VRAM of the vGPU
 * @unit_bytes: bytes one unit fills
 * @slots: VRAM slots the units cycle through
 * @depth: units kept queued by mvgpu_load_pump()
 * @emitted: units submitted (the last fence value emitted)
 * @tag: per-load seed of the fill patterns
 * @why: description of the last failure
 */
struct mvgpu_load {
	struct mvgpu_dev dev;
	bool open;
	struct mvgpu_dma_buf mem;
	struct mvgpu_ring ring;
	uint64_t vram_size;
	uint32_t unit_bytes;
	uint32_t slots;
	uint32_t depth;
	uint64_t emitted;
	uint32_t tag;
	char why[MVGPU_LOAD_WHY];
};

static inline void mvgpu_load_why(struct mvgpu_load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void mvgpu_load_why(struct mvgpu_load *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
}

/* The 32-bit pattern unit @unit fills its slot with. */
static inline uint32_t mvgpu_load_value(const struct mvgpu_load *l,
					uint64_t unit)
{
	return l->tag ^ (uint32_t)(unit * 2654435761u) ^ 0x5a5a0000u;
}

static inline volatile uint64_t *mvgpu_load_fence_cpu(struct mvgpu_load *l)
{
	return (volatile uint64_t *)((uint8_t *)l->mem.cpu +
				     MVGPU_LOAD_RING_BYTES);
}

/* Units completed so far (the fence in guest memory). */
static inline uint64_t mvgpu_load_done(struct mvgpu_load *l)
{
	return *mvgpu_load_fence_cpu(l);
}

/*
 * Open vGPU @uuid as a load of @depth queued units of @unit_bytes each
 * (a power of two no larger than the VRAM); @tag seeds its patterns.
 */
static inline int mvgpu_load_open(struct mvgpu_load *l, const char *uuid,
				  uint32_t unit_bytes, uint32_t depth,
				  uint32_t tag)
{
	uint32_t lo = 0, hi = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	l->unit_bytes = unit_bytes;
	l->depth = depth;
	l->tag = tag;
	ret = mvgpu_open(&l->dev, uuid);
	if (ret) {
		mvgpu_load_why(l, "open %s: %s", uuid, strerror(-ret));
		return ret;
	}
	l->open = true;
	ret = mvgpu_bar2_map(&l->dev);
	if (!ret)
		ret = mvgpu_reg_read(&l->dev, MVGPU_REG_VRAM_SIZE_LO, &lo);
	if (!ret)
		ret = mvgpu_reg_read(&l->dev, MVGPU_REG_VRAM_SIZE_HI, &hi);
	if (!ret)
		ret = mvgpu_dma_alloc(&l->dev, MVGPU_LOAD_MEM_BYTES,
				      MVGPU_LOAD_IOVA, &l->mem);
	if (!ret)
		ret = mvgpu_ring_init(&l->ring, &l->dev, 0, l->mem.cpu,
				      mvgpu_dma_gpu_va(&l->mem, 0),
				      MVGPU_LOAD_RING_BYTES);
	if (ret) {
		mvgpu_load_why(l, "%s: setup: %s", uuid, strerror(-ret));
		return ret;
	}
	l->vram_size = lo | (uint64_t)hi << 32;
	if (!unit_bytes || unit_bytes > l->vram_size || !depth ||
	    depth * 44u > MVGPU_LOAD_RING_BYTES / 2) {
		mvgpu_load_why(l, "%s: bad unit %u or depth %u", uuid,
			       unit_bytes, depth);
		return -EINVAL;
	}
	l->slots = (uint32_t)(l->vram_size / unit_bytes);
	if (l->slots > MVGPU_LOAD_MAX_SLOTS)
		l->slots = MVGPU_LOAD_MAX_SLOTS;
	return 0;
}

static inline void mvgpu_load_close(struct mvgpu_load *l)
{
	if (!l->open)
		return;
	/* Closing stops the queue before its guest memory goes away. */
	mvgpu_close(&l->dev);
	if (l->mem.cpu)
		munmap(l->mem.cpu, l->mem.size);
	l->mem.cpu = NULL;
	l->open = false;
}

/* Queue (without a doorbell) unit number @emitted + 1. */
static inline int mvgpu_load_emit_unit(struct mvgpu_load *l)
{
	uint64_t unit = l->emitted + 1;
	uint64_t dst = ((unit - 1) % l->slots) * l->unit_bytes;
	uint32_t p[16];
	size_t n;
	int ret;

	n = mvgpu_cmd_fill(p, dst, l->unit_bytes, mvgpu_load_value(l, unit));
	n += mvgpu_cmd_fence(p + n,
			     mvgpu_dma_gpu_va(&l->mem, MVGPU_LOAD_RING_BYTES),
			     unit, 0);
	ret = mvgpu_ring_emit(&l->ring, p, n);
	if (ret) {
		mvgpu_load_why(l, "emit unit %llu: %s",
			       (unsigned long long)unit, strerror(-ret));
		return ret;
	}
	l->emitted = unit;
	return 0;
}

/*
 * Top the queue up to @depth outstanding units and ring the doorbell if
 * anything was added. Returns the number of units added, or -errno.
 */
static inline int mvgpu_load_pump(struct mvgpu_load *l)
{
	uint64_t done = mvgpu_load_done(l);
	int added = 0, ret;

	if (done > l->emitted) {
		mvgpu_load_why(l, "fence %llu beyond the %llu units emitted",
			       (unsigned long long)done,
			       (unsigned long long)l->emitted);
		return -EIO;
	}
	while (l->emitted - done < l->depth) {
		ret = mvgpu_load_emit_unit(l);
		if (ret)
			return ret;
		added++;
	}
	if (added) {
		ret = mvgpu_ring_kick(&l->ring);
		if (ret) {
			mvgpu_load_why(l, "doorbell: %s", strerror(-ret));
			return ret;
		}
	}
	return added;
}

/* The queue's error register: 0, or -EIO with the error in @why. */
static inline int mvgpu_load_check(struct mvgpu_load *l)
{
	uint64_t addr = 0;
	uint32_t err = 0;
	int ret = mvgpu_ring_error(&l->ring, &err, &addr);

	if (ret) {
		mvgpu_load_why(l, "error register: %s", strerror(-ret));
		return ret;
	}
	if (err) {
		mvgpu_load_why(l, "queue error %u at 0x%llx after %llu of %llu units",
			       err, (unsigned long long)addr,
			       (unsigned long long)mvgpu_load_done(l),
			       (unsigned long long)l->emitted);
		return -EIO;
	}
	return 0;
}

/* Wait until every emitted unit is done (at most @ms milliseconds). */
static inline int mvgpu_load_drain(struct mvgpu_load *l, int ms)
{
	uint64_t deadline = mvgpu_now_ns() + (uint64_t)ms * 1000000;
	unsigned int round = 0;
	int ret;

	while (mvgpu_load_done(l) < l->emitted) {
		if (round++ % 64 == 0) {
			ret = mvgpu_load_check(l);
			if (ret)
				return ret;
			if (mvgpu_now_ns() > deadline) {
				mvgpu_load_why(l, "drain: %llu of %llu units done after %d ms",
					       (unsigned long long)mvgpu_load_done(l),
					       (unsigned long long)l->emitted,
					       ms);
				return -ETIMEDOUT;
			}
		}
		usleep(500);
	}
	return mvgpu_load_check(l);
}

/*
 * After a drain: every slot a unit wrote holds the pattern of the last
 * unit that wrote it, read through BAR2.
 */
static inline int mvgpu_load_verify(struct mvgpu_load *l)
{
	const volatile uint32_t *vram = l->dev.bar2;
	uint32_t words = l->unit_bytes / 4;

	for (uint32_t s = 0; s < l->slots && s < l->emitted; s++) {
		/* The last unit u <= emitted with (u - 1) % slots == s. */
		uint64_t unit = l->emitted - ((l->emitted - 1 - s) % l->slots);
		uint32_t want = mvgpu_load_value(l, unit);
		const volatile uint32_t *w = vram +
					     (uint64_t)s * l->unit_bytes / 4;

		for (uint32_t i = 0; i < words; i++) {
			if (w[i] != want) {
				mvgpu_load_why(l, "slot %u word %u is 0x%08x, unit %llu wrote 0x%08x",
					       s, i, w[i],
					       (unsigned long long)unit, want);
				return -EIO;
			}
		}
	}
	return 0;
}

#endif /* MVGPU_LOAD_H */
