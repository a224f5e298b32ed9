// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-conformance: every command packet through the mvgpu DRM driver
 * (libdrm, libmvgpu_drm) against the CPU reference of mvgpu_ref.h, on
 * fresh random data (the seed is printed; MVGPU_SEED=<seed> repeats a
 * run), with buffers in VRAM and in system memory; then the driver's
 * interfaces: buffer objects, many submits in flight, every queue,
 * syncobjs, PRIME export/import, argument checks, and a bad command buffer
 * that the submitter sees fail (-EINVAL at submit or -EIO at wait) with
 * the next submit working; then, as root, regressions of the driver's
 * hardening: refused submits keep no object alive, the driver's hang check
 * stops the engine before freeing memory, KMS refusals, and (last: it
 * removes the PCI function and rescans) hot-unplug during a submit. TAP
 * output; exit status 0 if every test passed.
 *
 *   mvgpu-conformance [--device /dev/dri/NODE] [--list] [TEST...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drmMode.h>
#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu_drm.h"
#include "mvgpu_ref.h"

/*
 * The VRAM and system-memory buffers every job may use. System objects are
 * physically contiguous for the driver, which limits them to 4 MiB.
 */
#define ARENA_BYTES	(4u << 20)
#define SYNC_NS		(60ll * 1000000000)	/* a synchronous job */
#define HANG_NS		(120ll * 1000000000)	/* a hang must end by then */
#define WHY_LEN		320

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A buffer the GPU reaches: its CPU view and its GPU VA. */
struct mem {
	uint8_t *cpu;
	uint64_t va;
	uint64_t size;
	const char *name;
};

struct conf {
	struct mvgpu_drm drm;
	struct mvgpu_bo vram, sys;	/* the arenas every job may use */
	struct ref_rng rng;
	uint64_t seed;
	char why[WHY_LEN];
};

static struct mem arena(struct mvgpu_bo *bo)
{
	return (struct mem){ bo->cpu, bo->gpu_va, bo->size,
			     bo->domain == MVGPU_GEM_DOMAIN_VRAM ? "vram" :
								   "system" };
}

static int fail(struct conf *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct conf *c, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return ret ? ret : -EIO;
}

/* Index of the first differing byte, or -1. */
static int64_t mem_diff(const void *a, const void *b, uint64_t len)
{
	const uint8_t *x = a, *y = b;

	if (!memcmp(a, b, len))
		return -1;
	for (uint64_t i = 0; i < len; i++)
		if (x[i] != y[i])
			return (int64_t)i;
	return -1;
}

/* Run packets @p on queue @q with both arenas in the buffer list. */
static int run_on(struct conf *c, uint32_t q, const uint32_t *p, size_t n)
{
	struct mvgpu_job job;
	int ret;

	mvgpu_job_init(&job, q);
	mvgpu_job_emit(&job, p, n);
	mvgpu_job_use(&job, &c->vram);
	mvgpu_job_use(&job, &c->sys);
	ret = mvgpu_job_run(&c->drm, &job, SYNC_NS);
	if (ret)
		fail(c, ret, "queue %u: job of %zu dwords (seqno %llu): %s", q,
		     n, (unsigned long long)job.seqno, strerror(-ret));
	mvgpu_job_fini(&job);
	return ret;
}

static int run(struct conf *c, const uint32_t *p, size_t n)
{
	return run_on(c, 0, p, n);
}

static int new_bo(struct conf *c, uint64_t size, uint32_t domain,
		  struct mvgpu_bo *bo)
{
	int ret = mvgpu_bo_create(&c->drm, size, domain, bo);

	if (!ret)
		ret = mvgpu_bo_map(bo);
	if (ret) {
		mvgpu_bo_destroy(bo);
		return fail(c, ret, "%llu-byte %s BO: %s",
			    (unsigned long long)size,
			    domain == MVGPU_GEM_DOMAIN_VRAM ? "VRAM" : "system",
			    strerror(-ret));
	}
	return 0;
}

/* ---- the tests ---- */

static int t_params(struct conf *c)
{
	struct mvgpu_drm *d = &c->drm;

	if (d->abi_version >> 16 != MVGPU_ABI_MAJOR ||
	    (d->abi_version & 0xffff) < 2)
		return fail(c, 0, "ABI version 0x%llx, want %u.>=2",
			    (unsigned long long)d->abi_version,
			    MVGPU_ABI_MAJOR);
	if (!d->vram_size || d->vram_size & 0xfff)
		return fail(c, 0, "VRAM size %llu",
			    (unsigned long long)d->vram_size);
	if (!d->num_queues || !d->num_engines)
		return fail(c, 0, "%llu queues, %llu engines",
			    (unsigned long long)d->num_queues,
			    (unsigned long long)d->num_engines);
	if (!(d->caps & MVGPU_CAP_QUEUES))
		return fail(c, 0, "CAPS 0x%llx lacks QUEUES",
			    (unsigned long long)d->caps);
	if (d->max_submit_dwords < MVGPU_CMD_MAX_DWORDS)
		return fail(c, 0, "max submit %llu dwords",
			    (unsigned long long)d->max_submit_dwords);
	{
		uint64_t v;
		int ret = mvgpu_drm_get_param(d, 0xffff, &v);

		if (ret != -EINVAL)
			return fail(c, 0, "unknown param: %d, want -EINVAL",
				    ret);
	}
	return 0;
}

/* GEM objects: zeroed, described consistently, in the right window. */
static int t_gem(struct conf *c)
{
	static const uint32_t domains[] = {
		MVGPU_GEM_DOMAIN_VRAM, MVGPU_GEM_DOMAIN_SYSTEM,
	};
	uint64_t used0, used1, used2;
	struct mvgpu_bo bo;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(domains); i++) {
		mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used0);
		ret = new_bo(c, 12345, domains[i], &bo);
		if (ret)
			return ret;
		mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used1);
		if (bo.size != 16384) {
			mvgpu_bo_destroy(&bo);
			return fail(c, 0, "12345-byte BO has size %llu",
				    (unsigned long long)bo.size);
		}
		for (uint64_t off = 0; off < bo.size; off++) {
			if (((uint8_t *)bo.cpu)[off]) {
				mvgpu_bo_destroy(&bo);
				return fail(c, 0, "new BO not zero at %llu",
					    (unsigned long long)off);
			}
		}
		if (domains[i] == MVGPU_GEM_DOMAIN_VRAM ?
		    bo.gpu_va + bo.size > c->drm.vram_size :
		    bo.gpu_va < MVGPU_VA_SYSMEM) {
			mvgpu_bo_destroy(&bo);
			return fail(c, 0, "domain %u BO at GPU VA 0x%llx",
				    domains[i],
				    (unsigned long long)bo.gpu_va);
		}
		mvgpu_bo_destroy(&bo);
		mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used2);
		if (domains[i] == MVGPU_GEM_DOMAIN_VRAM &&
		    (used1 < used0 + 16384 || used2 != used0))
			return fail(c, 0, "VRAM_USED %llu -> %llu -> %llu",
				    (unsigned long long)used0,
				    (unsigned long long)used1,
				    (unsigned long long)used2);
	}
	/* Bad arguments. */
	{
		static const struct drm_mvgpu_gem_create bad[] = {
			{ .size = 0, .domain = MVGPU_GEM_DOMAIN_VRAM },
			{ .size = 4096, .domain = 0 },
			{ .size = 4096, .domain = 3 },
			{ .size = 4096, .domain = MVGPU_GEM_DOMAIN_VRAM,
			  .flags = 1 },
			{ .size = 4096, .domain = MVGPU_GEM_DOMAIN_SYSTEM,
			  .pad = 1 },
		};

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			struct drm_mvgpu_gem_create gc = bad[i];

			if (!drmIoctl(c->drm.fd, DRM_IOCTL_MVGPU_GEM_CREATE,
				      &gc) || errno != EINVAL)
				return fail(c, 0, "GEM_CREATE case %zu: not EINVAL",
					    i);
		}
	}
	/* More VRAM than there is. */
	ret = mvgpu_bo_create(&c->drm, c->drm.vram_size + 4096,
			      MVGPU_GEM_DOMAIN_VRAM, &bo);
	if (!ret) {
		mvgpu_bo_destroy(&bo);
		return fail(c, 0, "a BO larger than VRAM was created");
	}
	{
		struct drm_mvgpu_gem_info info = { .handle = 0x7fffffff };

		if (!drmIoctl(c->drm.fd, DRM_IOCTL_MVGPU_GEM_INFO, &info) ||
		    errno != ENOENT)
			return fail(c, 0, "GEM_INFO of no handle: not ENOENT");
	}
	return 0;
}

static int check_fill(struct conf *c, struct mem m)
{
	static const uint64_t sizes[] = { 1, 3, 4, 5, 4095, 4097, 65536 + 7,
					  (1u << 20) + 3 };
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint8_t *ref = malloc(m.size);
	uint64_t off = 0;
	struct mvgpu_job job;
	int64_t bad;
	int ret;

	if (!ref)
		return -ENOMEM;
	rng_bytes(&c->rng, m.cpu, m.size);
	memcpy(ref, m.cpu, m.size);
	mvgpu_job_init(&job, 0);
	/* Disjoint ranges at odd offsets, one FILL each, all in one job. */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t val = (uint32_t)rng_next(&c->rng);

		off += 1 + rng_below(&c->rng, 4096);
		mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, m.va + off, sizes[i],
						       val));
		ref_fill(ref + off, sizes[i], val);
		off += sizes[i];
	}
	/* Size 0 changes nothing. */
	mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, m.va, 0, 0xdeadbeef));
	mvgpu_job_use(&job, &c->vram);
	mvgpu_job_use(&job, &c->sys);
	ret = mvgpu_job_run(&c->drm, &job, SYNC_NS);
	mvgpu_job_fini(&job);
	if (ret) {
		free(ref);
		return fail(c, ret, "FILL job in %s: %s", m.name,
			    strerror(-ret));
	}
	bad = mem_diff(ref, m.cpu, m.size);
	free(ref);
	if (bad >= 0)
		return fail(c, 0, "FILL in %s: byte 0x%llx wrong", m.name,
			    (unsigned long long)bad);
	return 0;
}

static int t_fill_vram(struct conf *c)
{
	return check_fill(c, arena(&c->vram));
}

static int t_fill_system(struct conf *c)
{
	return check_fill(c, arena(&c->sys));
}

/* COPY from @s to @d at odd offsets, sizes 0 to 1 MiB. */
static int check_copy(struct conf *c, struct mem d, struct mem s)
{
	static const uint64_t sizes[] = { 0, 1, 7, 4096, 4099, 100000,
					  (1u << 20) + 5 };
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t half = d.size / 2;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* Source in the lower half, destination in the upper. */
		uint64_t soff = rng_below(&c->rng, 8192);
		uint64_t doff = half + rng_below(&c->rng, 8192);
		uint64_t guard = 16;
		uint8_t *ref = malloc(sizes[i] + guard);
		int64_t bad;
		int ret;

		if (!ref)
			return -ENOMEM;
		rng_bytes(&c->rng, s.cpu + soff, sizes[i]);
		rng_bytes(&c->rng, d.cpu + doff, sizes[i] + guard);
		memcpy(ref, s.cpu + soff, sizes[i]);
		memcpy(ref + sizes[i], d.cpu + doff + sizes[i], guard);
		ret = run(c, p, mvgpu_cmd_copy(p, d.va + doff, s.va + soff,
					       sizes[i]));
		if (ret) {
			free(ref);
			return ret;
		}
		bad = mem_diff(ref, d.cpu + doff, sizes[i] + guard);
		free(ref);
		if (bad >= 0)
			return fail(c, 0, "COPY %s->%s %llu bytes: byte %lld wrong",
				    s.name, d.name,
				    (unsigned long long)sizes[i],
				    (long long)bad);
	}
	return 0;
}

static int t_copy_vram_vram(struct conf *c)
{
	return check_copy(c, arena(&c->vram), arena(&c->vram));
}

static int t_copy_vram_system(struct conf *c)
{
	return check_copy(c, arena(&c->sys), arena(&c->vram));
}

static int t_copy_system_vram(struct conf *c)
{
	return check_copy(c, arena(&c->vram), arena(&c->sys));
}

static int t_copy_system_system(struct conf *c)
{
	return check_copy(c, arena(&c->sys), arena(&c->sys));
}

/*
 * BLIT COPY between every pair of formats and BLEND of ARGB onto every
 * format, padded strides, memories alternating, all in one job.
 */
static int t_blit(struct conf *c)
{
	static const uint32_t formats[] = {
		MVGPU_FMT_ARGB8888, MVGPU_FMT_XRGB8888, MVGPU_FMT_RGB565,
		MVGPU_FMT_R8,
	};
	static const uint32_t dims[][2] = { { 1, 1 }, { 7, 5 }, { 33, 3 },
					    { 130, 2 } };
	struct mem ms[2] = { arena(&c->vram), arena(&c->sys) };
	uint8_t *ref[2];
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	struct mvgpu_job job;
	uint64_t slot = 0x2000;	/* bytes per destination rectangle */
	unsigned int k = 0;
	int ret = 0;

	ref[0] = malloc(ms[0].size);
	ref[1] = malloc(ms[1].size);
	if (!ref[0] || !ref[1]) {
		free(ref[0]);
		free(ref[1]);
		return -ENOMEM;
	}
	for (int m = 0; m < 2; m++) {
		rng_bytes(&c->rng, ms[m].cpu, ms[m].size);
		memcpy(ref[m], ms[m].cpu, ms[m].size);
	}
	mvgpu_job_init(&job, 0);
	for (size_t d = 0; d < ARRAY_SIZE(formats); d++) {
		for (size_t s = 0; s < ARRAY_SIZE(formats); s++) {
			for (uint32_t op = 0; op < 2; op++) {
				if (op == MVGPU_BLIT_BLEND &&
				    formats[s] != MVGPU_FMT_ARGB8888)
					continue;
				for (size_t i = 0; i < ARRAY_SIZE(dims); i++, k++) {
					int dm = k & 1, sm = (k >> 1) & 1;
					uint32_t w = dims[i][0], h = dims[i][1];
					uint32_t ds = w * ref_bpp(formats[d]) +
						      rng_below(&c->rng, 14);
					uint32_t ss = w * ref_bpp(formats[s]) +
						      rng_below(&c->rng, 14);
					/* Destinations low, sources high. */
					uint64_t doff = k * slot + rng_below(&c->rng, 64);
					uint64_t soff = ms[sm].size / 2 + k * slot +
							rng_below(&c->rng, 64);

					ref_blit(ref[dm] + doff, ds,
						 ms[sm].cpu + soff, ss, w, h,
						 formats[d], formats[s], op);
					mvgpu_job_emit(&job, p, mvgpu_cmd_blit(p,
						ms[dm].va + doff, ds,
						ms[sm].va + soff, ss, w, h,
						formats[d], formats[s], op));
				}
			}
		}
	}
	mvgpu_job_use(&job, &c->vram);
	mvgpu_job_use(&job, &c->sys);
	ret = mvgpu_job_run(&c->drm, &job, SYNC_NS);
	mvgpu_job_fini(&job);
	if (ret) {
		fail(c, ret, "BLIT job: %s", strerror(-ret));
	} else {
		for (int m = 0; m < 2 && !ret; m++) {
			int64_t bad = mem_diff(ref[m], ms[m].cpu, ms[m].size);

			if (bad >= 0)
				ret = fail(c, 0, "BLIT into %s: byte 0x%llx (rectangle %llu) wrong",
					   ms[m].name, (unsigned long long)bad,
					   (unsigned long long)(bad / slot));
		}
	}
	free(ref[0]);
	free(ref[1]);
	return ret;
}

/* TIMESTAMP: monotonic within a job and across jobs, work takes time. */
static int t_timestamp(struct conf *c)
{
	struct mem v = arena(&c->vram), s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t ts[5];
	size_t n = 0;
	int ret;

	n += mvgpu_cmd_timestamp(p + n, s.va + 0x1000);
	n += mvgpu_cmd_fill(p + n, v.va + 0x100000, 1 << 20, 0x12345678);
	n += mvgpu_cmd_timestamp(p + n, v.va + 0x8);
	n += mvgpu_cmd_copy(p + n, s.va + 0x100000, v.va + 0x100000, 1 << 20);
	n += mvgpu_cmd_timestamp(p + n, s.va + 0x1ff8);
	ret = run(c, p, n);
	if (!ret)
		ret = run(c, p, mvgpu_cmd_timestamp(p, v.va + 0x10));
	if (ret)
		return ret;
	memcpy(&ts[0], s.cpu + 0x1000, 8);
	memcpy(&ts[1], v.cpu + 0x8, 8);
	memcpy(&ts[2], s.cpu + 0x1ff8, 8);
	memcpy(&ts[3], v.cpu + 0x10, 8);
	if (!ts[0] || ts[0] >= ts[1] || ts[1] > ts[2] || ts[2] > ts[3])
		return fail(c, 0, "timestamps %llu %llu %llu %llu",
			    (unsigned long long)ts[0],
			    (unsigned long long)ts[1],
			    (unsigned long long)ts[2],
			    (unsigned long long)ts[3]);
	printf("# 1 MiB FILL took %llu ns of engine time\n",
	       (unsigned long long)(ts[1] - ts[0]));
	return 0;
}

/* FENCE packets of the submitter's own: values land in order. */
static int t_fence(struct conf *c)
{
	struct mem s = arena(&c->sys), v = arena(&c->vram);
	uint32_t p[MVGPU_CMD_MAX_DWORDS * 2];
	uint64_t want = rng_next(&c->rng), got0, got1;
	size_t n;
	int ret;

	memset(s.cpu + 0x3000, 0, 8);
	memset(v.cpu + 0x3000, 0, 8);
	n = mvgpu_cmd_fence(p, s.va + 0x3000, want, 0);
	n += mvgpu_cmd_fence(p + n, v.va + 0x3000, ~want, 1);
	ret = run(c, p, n);
	if (ret)
		return ret;
	memcpy(&got0, s.cpu + 0x3000, 8);
	memcpy(&got1, v.cpu + 0x3000, 8);
	if (got0 != want || got1 != ~want)
		return fail(c, 0, "FENCE values 0x%llx 0x%llx, want 0x%llx 0x%llx",
			    (unsigned long long)got0,
			    (unsigned long long)got1,
			    (unsigned long long)want,
			    (unsigned long long)~want);
	return 0;
}

/*
 * WAIT released by the CPU: the job does not complete (wait with timeout
 * 0 says -ETIME) until the CPU writes a value that matches.
 */
static int t_wait_cpu(struct conf *c)
{
	static const struct {
		uint32_t cond;
		uint64_t operand, before, after;
	} cases[] = {
		{ MVGPU_WAIT_EQ, 0x123456789abcdef0ull, 0, 0x123456789abcdef0ull },
		{ MVGPU_WAIT_NE, 42, 42, 43 },
		{ MVGPU_WAIT_GE, 1ull << 63, (1ull << 63) - 1, ~0ull },
		{ MVGPU_WAIT_LT, 100, ~0ull, 0 },
	};
	struct mem ms[2] = { arena(&c->vram), arena(&c->sys) };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mem m = ms[i & 1];
		uint64_t off = 0x4000 + 8 * i;
		volatile uint64_t *val = (volatile uint64_t *)(m.cpu + off);
		uint32_t p[MVGPU_CMD_MAX_DWORDS];
		struct mvgpu_job job;
		int ret, pending;

		*val = cases[i].before;
		__sync_synchronize();
		mvgpu_job_init(&job, 0);
		mvgpu_job_emit(&job, p, mvgpu_cmd_wait(p, m.va + off,
						       cases[i].operand,
						       cases[i].cond));
		mvgpu_job_use(&job, &c->vram);
		mvgpu_job_use(&job, &c->sys);
		ret = mvgpu_job_submit(&c->drm, &job);
		if (ret) {
			mvgpu_job_fini(&job);
			return fail(c, ret, "case %zu: submit: %s", i,
				    strerror(-ret));
		}
		pending = mvgpu_wait(&c->drm, 0, job.seqno, 0);
		*val = cases[i].after;
		__sync_synchronize();
		ret = mvgpu_wait(&c->drm, 0, job.seqno, SYNC_NS);
		mvgpu_job_fini(&job);
		if (pending != -ETIME)
			return fail(c, 0, "case %zu: WAIT did not block (poll: %d)",
				    i, pending);
		if (ret)
			return fail(c, ret, "case %zu: after the release: %s",
				    i, strerror(-ret));
	}
	return 0;
}

/* WAIT on queue 1 released by a FENCE packet on queue 0. */
static int t_wait_queue(struct conf *c)
{
	struct mem v = arena(&c->vram);
	uint32_t p[MVGPU_CMD_MAX_DWORDS * 2];
	struct mvgpu_job waiter;
	size_t n;
	int ret;

	if (c->drm.num_queues < 2)
		return 1;	/* skip */
	memset(v.cpu + 0x5000, 0, 8);
	memset(v.cpu + 0x6000, 0, 4096);
	mvgpu_job_init(&waiter, 1);
	n = mvgpu_cmd_wait(p, v.va + 0x5000, 0xabcd, MVGPU_WAIT_EQ);
	n += mvgpu_cmd_fill(p + n, v.va + 0x6000, 4096, 0x01010101);
	mvgpu_job_emit(&waiter, p, n);
	mvgpu_job_use(&waiter, &c->vram);
	ret = mvgpu_job_submit(&c->drm, &waiter);
	if (!ret && mvgpu_wait(&c->drm, 1, waiter.seqno, 0) != -ETIME)
		ret = fail(c, 0, "queue 1 did not wait");
	else if (!ret)
		ret = run_on(c, 0, p, mvgpu_cmd_fence(p, v.va + 0x5000,
						      0xabcd, 0));
	if (!ret) {
		ret = mvgpu_wait(&c->drm, 1, waiter.seqno, SYNC_NS);
		if (ret)
			fail(c, ret, "queue 1 after the release: %s",
			     strerror(-ret));
	}
	mvgpu_job_fini(&waiter);
	if (!ret && (v.cpu[0x6000] != 1 || v.cpu[0x6fff] != 1))
		ret = fail(c, 0, "queue 1's FILL did not run");
	return ret;
}

static int check_saxpy(struct conf *c, uint32_t n, struct mem xm,
		       struct mem ym)
{
	float a = rng_float(&c->rng);
	uint64_t xoff = 4 * (1 + rng_below(&c->rng, 1000));
	uint64_t yoff = ym.size / 2 + 4 * rng_below(&c->rng, 1000);
	float *x = (float *)(xm.cpu + xoff), *y = (float *)(ym.cpu + yoff);
	float *ref = malloc((size_t)n * 4 + 4);
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	int ret;

	if (!ref)
		return -ENOMEM;
	rng_floats(&c->rng, x, n);
	rng_floats(&c->rng, y, n + 1);
	memcpy(ref, y, (size_t)n * 4 + 4);
	ref_saxpy(n, a, x, ref);
	ret = run(c, p, mvgpu_cmd_saxpy(p, n, a, xm.va + xoff, ym.va + yoff));
	/* Including the element after the vector, which must not change. */
	for (uint32_t i = 0; !ret && i <= n; i++)
		if (!f32_same(f2u(ref[i]), f2u(y[i])))
			ret = fail(c, 0, "SAXPY n %u (%s/%s): y[%u] 0x%08x, expected 0x%08x",
				   n, xm.name, ym.name, i, f2u(y[i]),
				   f2u(ref[i]));
	free(ref);
	return ret;
}

static int t_saxpy(struct conf *c)
{
	static const uint32_t sizes[] = { 0, 1, 3, 17, 16385, 100003 };
	struct mem ms[2] = { arena(&c->vram), arena(&c->sys) };
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes) && !ret; i++)
		ret = check_saxpy(c, sizes[i], ms[i & 1], ms[(i >> 1) & 1]);
	return ret;
}

static int check_sgemm(struct conf *c, uint32_t m, uint32_t n, uint32_t k,
		       uint32_t pad, struct mem am, struct mem bm,
		       struct mem cm)
{
	uint32_t lda = k + rng_below(&c->rng, pad + 1);
	uint32_t ldb = n + rng_below(&c->rng, pad + 1);
	uint32_t ldc = n + rng_below(&c->rng, pad + 1);
	uint64_t asz = (uint64_t)m * lda * 4, bsz = (uint64_t)k * ldb * 4;
	uint64_t csz = (uint64_t)m * ldc * 4 + 4;
	uint64_t aoff = 4 * rng_below(&c->rng, 100);
	uint64_t boff = am.size / 4 + 4 * rng_below(&c->rng, 100);
	uint64_t coff = am.size / 2 + 4 * rng_below(&c->rng, 100);
	float alpha = rng_float(&c->rng), beta = rng_float(&c->rng);
	float *a = (float *)(am.cpu + aoff), *b = (float *)(bm.cpu + boff);
	float *cc = (float *)(cm.cpu + coff), *ref = malloc(csz);
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	int ret;

	if (!ref)
		return -ENOMEM;
	rng_floats(&c->rng, a, asz / 4);
	rng_floats(&c->rng, b, bsz / 4);
	rng_floats(&c->rng, cc, csz / 4);
	memcpy(ref, cc, csz);
	ref_sgemm(m, n, k, alpha, beta, a, lda, b, ldb, ref, ldc);
	ret = run(c, p, mvgpu_cmd_sgemm(p, m, n, k, alpha, beta, am.va + aoff,
					lda, bm.va + boff, ldb, cm.va + coff,
					ldc));
	for (uint64_t i = 0; !ret && i < csz / 4; i++)
		if (!f32_same(f2u(ref[i]), f2u(cc[i])))
			ret = fail(c, 0, "SGEMM %ux%ux%u ld %u/%u/%u (%s,%s,%s): C[%llu] 0x%08x, expected 0x%08x",
				   m, n, k, lda, ldb, ldc, am.name, bm.name,
				   cm.name, (unsigned long long)i,
				   f2u(cc[i]), f2u(ref[i]));
	free(ref);
	return ret;
}

static int t_sgemm(struct conf *c)
{
	static const uint32_t shapes[][4] = {
		{ 0, 5, 5, 0 }, { 1, 1, 1, 0 }, { 3, 5, 7, 3 },
		{ 3, 4, 0, 0 }, { 17, 33, 9, 5 }, { 64, 64, 64, 0 },
		{ 70, 130, 20, 7 },
	};
	struct mem ms[2] = { arena(&c->vram), arena(&c->sys) };
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(shapes) && !ret; i++)
		ret = check_sgemm(c, shapes[i][0], shapes[i][1], shapes[i][2],
				  shapes[i][3], ms[i & 1], ms[(i >> 1) & 1],
				  ms[(i >> 2) & 1]);
	return ret;
}

static int t_reduce(struct conf *c)
{
	static const uint32_t sizes[] = { 0, 1, 2, 1000, 65537, 300001 };
	struct mem ms[2] = { arena(&c->vram), arena(&c->sys) };
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes) && !ret; i++) {
		struct mem sm = ms[i & 1], dm = ms[(i >> 1) & 1];
		uint64_t soff = 4 * rng_below(&c->rng, 1000);
		uint64_t doff = dm.size - 4096 + 4 * rng_below(&c->rng, 1000);
		float *x = (float *)(sm.cpu + soff), want;
		uint32_t got;

		rng_floats(&c->rng, x, sizes[i]);
		memset(dm.cpu + doff, 0xa5, 4);
		want = ref_reduce(sizes[i], x);
		ret = run(c, p, mvgpu_cmd_reduce(p, sizes[i], MVGPU_REDUCE_SUM,
						 sm.va + soff, dm.va + doff));
		memcpy(&got, dm.cpu + doff, 4);
		if (!ret && !f32_same(got, f2u(want)))
			ret = fail(c, 0, "REDUCE n %u (%s->%s): 0x%08x, expected 0x%08x",
				   sizes[i], sm.name, dm.name, got,
				   f2u(want));
	}
	return ret;
}

/*
 * Many jobs in flight on one queue without waiting: each FENCEs its index
 * into its own slot; sequence numbers grow; waiting for the last one
 * means all are done.
 */
static int t_many_in_flight(struct conf *c)
{
	enum { JOBS = 64 };
	struct mem s = arena(&c->sys);
	uint64_t seq[JOBS], base = 0x20000;
	int ret = 0;

	memset(s.cpu + base, 0, JOBS * 8);
	for (int i = 0; i < JOBS && !ret; i++) {
		uint32_t p[MVGPU_CMD_MAX_DWORDS];
		struct mvgpu_job job;

		mvgpu_job_init(&job, 0);
		mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, s.va + base + 0x1000 +
						       i * 256, 256, i));
		mvgpu_job_emit(&job, p, mvgpu_cmd_fence(p, s.va + base + i * 8,
							i + 1, 0));
		mvgpu_job_use(&job, &c->sys);
		ret = mvgpu_job_submit(&c->drm, &job);
		seq[i] = job.seqno;
		mvgpu_job_fini(&job);
		if (ret)
			return fail(c, ret, "submit %d: %s", i, strerror(-ret));
		if (i && seq[i] <= seq[i - 1])
			return fail(c, 0, "seqno %llu after %llu",
				    (unsigned long long)seq[i],
				    (unsigned long long)seq[i - 1]);
	}
	ret = mvgpu_wait(&c->drm, 0, seq[JOBS - 1], SYNC_NS);
	if (ret)
		return fail(c, ret, "wait for the last: %s", strerror(-ret));
	for (int i = 0; i < JOBS; i++) {
		uint64_t v;

		memcpy(&v, s.cpu + base + i * 8, 8);
		if (v != (uint64_t)i + 1)
			return fail(c, 0, "job %d: slot %llu", i,
				    (unsigned long long)v);
		if (mvgpu_wait(&c->drm, 0, seq[i], 0))
			return fail(c, 0, "job %d done but its wait fails", i);
	}
	return 0;
}

/* Every queue (up to 16) at once, each filling its own range. */
static int t_all_queues(struct conf *c)
{
	uint32_t nq = c->drm.num_queues < 16 ? (uint32_t)c->drm.num_queues : 16;
	struct mem v = arena(&c->vram);
	uint64_t seq[16], chunk = 0x10000;
	int ret = 0;

	for (uint32_t q = 0; q < nq && !ret; q++) {
		uint32_t p[MVGPU_CMD_MAX_DWORDS];
		struct mvgpu_job job;

		mvgpu_job_init(&job, q);
		mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, v.va + q * chunk,
						       chunk, 0x01010101 * (q + 1)));
		mvgpu_job_use(&job, &c->vram);
		ret = mvgpu_job_submit(&c->drm, &job);
		seq[q] = job.seqno;
		mvgpu_job_fini(&job);
		if (ret)
			return fail(c, ret, "queue %u: %s", q, strerror(-ret));
	}
	for (uint32_t q = 0; q < nq; q++) {
		ret = mvgpu_wait(&c->drm, q, seq[q], SYNC_NS);
		if (ret)
			return fail(c, ret, "queue %u: wait: %s", q,
				    strerror(-ret));
		if (v.cpu[q * chunk] != q + 1 || v.cpu[(q + 1) * chunk - 1] != q + 1)
			return fail(c, 0, "queue %u: FILL missing", q);
	}
	printf("# %u queues\n", nq);
	return 0;
}

/*
 * Syncobjs: job A (queue 0) signals a syncobj; job B (another queue)
 * waits for it before it copies what A wrote; drmSyncobjWait() sees A.
 */
static int t_syncobj(struct conf *c)
{
	struct mem v = arena(&c->vram), s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS], sync = 0, qb;
	struct mvgpu_job a, b;
	uint64_t size = 1u << 20;
	int ret;

	qb = c->drm.num_queues > 1 ? 1 : 0;
	ret = mvgpu_syncobj_create(&c->drm, &sync);
	if (ret)
		return fail(c, ret, "syncobj create: %s", strerror(-ret));
	memset(s.cpu + 0x100000, 0, size);
	mvgpu_job_init(&a, 0);
	mvgpu_job_init(&b, qb);
	mvgpu_job_emit(&a, p, mvgpu_cmd_fill(p, v.va + 0x200000, size,
					     0x5a5a5a5a));
	mvgpu_job_use(&a, &c->vram);
	a.out_syncobj = sync;
	mvgpu_job_emit(&b, p, mvgpu_cmd_copy(p, s.va + 0x100000,
					     v.va + 0x200000, size));
	mvgpu_job_use(&b, &c->vram);
	mvgpu_job_use(&b, &c->sys);
	b.in_syncobj = sync;
	ret = mvgpu_job_submit(&c->drm, &a);
	if (ret) {
		fail(c, ret, "submit A: %s", strerror(-ret));
		goto out;
	}
	ret = mvgpu_job_submit(&c->drm, &b);
	if (ret) {
		fail(c, ret, "submit B: %s", strerror(-ret));
		goto out;
	}
	ret = mvgpu_syncobj_wait(&c->drm, sync, SYNC_NS);
	if (ret) {
		fail(c, ret, "syncobj wait: %s", strerror(-ret));
		goto out;
	}
	if (mvgpu_wait(&c->drm, 0, a.seqno, 0)) {
		ret = fail(c, 0, "syncobj signalled before job A's fence");
		goto out;
	}
	ret = mvgpu_wait(&c->drm, qb, b.seqno, SYNC_NS);
	if (ret) {
		fail(c, ret, "wait B: %s", strerror(-ret));
		goto out;
	}
	for (uint64_t i = 0; i < size; i += 4093)
		if (s.cpu[0x100000 + i] != 0x5a) {
			ret = fail(c, 0, "B ran before A: byte %llu is 0x%02x",
				   (unsigned long long)i, s.cpu[0x100000 + i]);
			break;
		}
out:
	mvgpu_job_fini(&a);
	mvgpu_job_fini(&b);
	mvgpu_syncobj_destroy(&c->drm, sync);
	return ret;
}

/*
 * PRIME: export a BO as a dma-buf, import it on a second open of the
 * device (the same object: same size, domain, GPU VA), have the GPU write
 * it through the second file and see the result through the first.
 */
static int t_prime(struct conf *c)
{
	struct mvgpu_bo bo, imp, self_imp;
	struct mvgpu_drm d2;
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	struct mvgpu_job job;
	int fd = -1, ret;

	ret = new_bo(c, 65536, MVGPU_GEM_DOMAIN_VRAM, &bo);
	if (ret)
		return ret;
	ret = mvgpu_drm_open(&d2, c->drm.path, DRM_NODE_RENDER);
	if (ret) {
		mvgpu_bo_destroy(&bo);
		return fail(c, ret, "second open of %s: %s", c->drm.path,
			    strerror(-ret));
	}
	ret = mvgpu_bo_export(&bo, &fd);
	if (ret) {
		fail(c, ret, "export: %s", strerror(-ret));
		goto out;
	}
	ret = mvgpu_bo_import(&c->drm, fd, &self_imp);
	if (ret || self_imp.handle != bo.handle) {
		ret = fail(c, ret, "import on the same file: %s, handle %u for %u",
			   strerror(-ret), self_imp.handle, bo.handle);
		goto out;
	}
	ret = mvgpu_bo_import(&d2, fd, &imp);
	if (ret) {
		fail(c, ret, "import: %s", strerror(-ret));
		goto out;
	}
	if (imp.size != bo.size || imp.domain != bo.domain ||
	    imp.gpu_va != bo.gpu_va) {
		ret = fail(c, 0, "imported %llu bytes domain %u at 0x%llx, exported %llu domain %u at 0x%llx",
			   (unsigned long long)imp.size, imp.domain,
			   (unsigned long long)imp.gpu_va,
			   (unsigned long long)bo.size, bo.domain,
			   (unsigned long long)bo.gpu_va);
		mvgpu_bo_destroy(&imp);
		goto out;
	}
	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, imp.gpu_va, imp.size,
					       0xc3c3c3c3));
	mvgpu_job_use(&job, &imp);
	ret = mvgpu_job_run(&d2, &job, SYNC_NS);
	mvgpu_job_fini(&job);
	mvgpu_bo_destroy(&imp);
	if (ret) {
		fail(c, ret, "FILL through the importer: %s", strerror(-ret));
		goto out;
	}
	for (uint64_t i = 0; i < bo.size; i += 511)
		if (((uint8_t *)bo.cpu)[i] != 0xc3) {
			ret = fail(c, 0, "exporter sees 0x%02x at %llu",
				   ((uint8_t *)bo.cpu)[i],
				   (unsigned long long)i);
			break;
		}
out:
	if (fd >= 0)
		close(fd);
	mvgpu_drm_close(&d2);
	mvgpu_bo_destroy(&bo);
	return ret;
}

/* A correct job still runs: the device carries on after an error. */
static int still_works(struct conf *c, const char *after)
{
	struct mem s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS], v = (uint32_t)rng_next(&c->rng);
	uint32_t got;
	int ret;

	ret = run(c, p, mvgpu_cmd_fill(p, s.va + 0x7000, 4, v));
	if (ret)
		return fail(c, ret, "after %s, a good job fails: %s", after,
			    strerror(-ret));
	memcpy(&got, s.cpu + 0x7000, 4);
	if (got != v)
		return fail(c, 0, "after %s, a good FILL wrote 0x%x not 0x%x",
			    after, got, v);
	return 0;
}

/* SUBMIT refuses malformed arguments and packets with -EINVAL/-ENOENT. */
static int t_submit_checks(struct conf *c)
{
	struct mem v = arena(&c->vram), s = arena(&c->sys);
	uint32_t good[MVGPU_CMD_MAX_DWORDS], bad[MVGPU_CMD_MAX_DWORDS];
	uint32_t handles[3] = { c->vram.handle, c->sys.handle, 0 };
	struct mvgpu_bo outside;
	size_t gn = mvgpu_cmd_fill(good, v.va, 64, 1);
	struct {
		const char *what;
		int want;
		struct drm_mvgpu_submit a;
		const uint32_t *cmds;
		size_t dwords;
	} cases[16];
	int nc = 0, ret;

	ret = new_bo(c, 4096, MVGPU_GEM_DOMAIN_VRAM, &outside);
	if (ret)
		return ret;
	/* CASE() adds a case with a correct buffer list, returns its args. */
#define CASE(w, e, cm, dw)						\
	(cases[nc] = (typeof(cases[0])){ w, e, {			\
		.commands = (uintptr_t)(cm), .command_dwords = (dw),	\
		.bo_handles = (uintptr_t)handles, .bo_count = 2 },	\
		cm, dw }, &cases[nc++].a)
	CASE("zero dwords", -EINVAL, good, 0);
	CASE("queue past the last", -EINVAL, good, gn)->queue =
		(uint32_t)c->drm.num_queues;
	CASE("unknown flag", -EINVAL, good, gn)->flags = 1u << 7;
	CASE("pad not zero", -EINVAL, good, gn)->pad = 1;
	CASE("too many dwords", -EINVAL, good,
	     (uint32_t)c->drm.max_submit_dwords + 1);
	CASE("unknown handle", -ENOENT, good, gn)->bo_count = 3;
	CASE("more than 256 buffers", -EINVAL, good, gn)->bo_count = 257;
	mvgpu_cmd_fill(bad, v.va, 64, 1);
	bad[0] = MVGPU_CMD_HEADER(0x7f, 0, 6);
	CASE("unknown opcode", -EINVAL, bad, 6);
	mvgpu_cmd_fill(bad + 8, v.va, 64, 1);
	bad[8] = MVGPU_CMD_HEADER(MVGPU_OP_FILL, 0, 5);
	CASE("wrong length", -EINVAL, bad + 8, 6);
	CASE("packet past the end", -EINVAL, good, gn - 1);
	mvgpu_cmd_fill(bad + 16, outside.gpu_va, 64, 1);
	CASE("address of a BO not in the list", -EINVAL, bad + 16, 6);
	mvgpu_cmd_copy(bad + 32, s.va + s.size - 8, v.va, 16);
	CASE("range past the end of a BO", -EINVAL, bad + 32, 7);
	mvgpu_cmd_fill(bad + 48, c->drm.vram_size + 4096, 4, 1);
	CASE("address outside VRAM", -EINVAL, bad + 48, 6);
#undef CASE
	handles[2] = 0x7ffffff0;
	for (int i = 0; i < nc && !ret; i++) {
		int got;

		if (cases[i].dwords > c->drm.max_submit_dwords) {
			/* Needs that many dwords of memory behind it. */
			size_t n = cases[i].dwords;
			uint32_t *big = calloc(n, 4);

			if (!big) {
				ret = -ENOMEM;
				break;
			}
			for (size_t j = 0; j + 1 <= n; j++)
				big[j] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 1);
			cases[i].a.commands = (uintptr_t)big;
			got = mvgpu_submit_raw(&c->drm, &cases[i].a);
			free(big);
		} else {
			got = mvgpu_submit_raw(&c->drm, &cases[i].a);
		}
		if (got != cases[i].want)
			ret = fail(c, 0, "%s: %d (%s), want %d", cases[i].what,
				   got, strerror(-got), cases[i].want);
		else
			ret = still_works(c, cases[i].what);
	}
	mvgpu_bo_destroy(&outside);
	return ret;
}

/* WAIT ioctl argument checks. */
static int t_wait_checks(struct conf *c)
{
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	struct mvgpu_job job;
	uint64_t seqno;
	int ret;

	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, mvgpu_cmd_nop(p, 1));
	mvgpu_job_use(&job, &c->sys);
	ret = mvgpu_job_run(&c->drm, &job, SYNC_NS);
	seqno = job.seqno;
	mvgpu_job_fini(&job);
	if (ret)
		return fail(c, ret, "NOP job: %s", strerror(-ret));
	ret = mvgpu_wait(&c->drm, 0, 0, 0);
	if (ret != -EINVAL)
		return fail(c, 0, "wait for seqno 0: %d", ret);
	ret = mvgpu_wait(&c->drm, 0, seqno + 1000, 0);
	if (ret != -EINVAL)
		return fail(c, 0, "wait for a seqno never issued: %d", ret);
	ret = mvgpu_wait(&c->drm, (uint32_t)c->drm.num_queues, 1, 0);
	if (ret != -EINVAL)
		return fail(c, 0, "wait on a queue past the last: %d", ret);
	ret = mvgpu_wait(&c->drm, 0, seqno, 0);
	if (ret)
		return fail(c, ret, "poll of a completed job: %s",
			    strerror(-ret));
	return 0;
}

/*
 * A bad command buffer that passes the driver's checks: an argument the
 * engine refuses (BLIT with an unknown pixel format), then a hang (a WAIT
 * that never holds, stopped by the watchdog or the driver's timeout). The
 * submitter sees -EINVAL at submit or -EIO at wait; the device recovers
 * and the next job works.
 */
static int bad_job(struct conf *c, const char *what, const uint32_t *p,
		   size_t n, int64_t timeout_ns)
{
	struct mvgpu_job job;
	uint64_t t0 = mvgpu_drm_now_ns();
	int ret;

	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, n);
	mvgpu_job_use(&job, &c->vram);
	mvgpu_job_use(&job, &c->sys);
	ret = mvgpu_job_submit(&c->drm, &job);
	if (!ret) {
		ret = mvgpu_wait(&c->drm, 0, job.seqno, timeout_ns);
		if (ret == -EIO) {
			printf("# %s: -EIO at wait after %.1f s\n", what,
			       (mvgpu_drm_now_ns() - t0) / 1e9);
			ret = 0;
		} else {
			ret = fail(c, 0, "%s: wait returned %d (%s), want -EIO",
				   what, ret, strerror(-ret));
		}
	} else if (ret == -EINVAL) {
		printf("# %s: -EINVAL at submit\n", what);
		ret = 0;
	} else {
		ret = fail(c, 0, "%s: submit returned %d (%s)", what, ret,
			   strerror(-ret));
	}
	mvgpu_job_fini(&job);
	return ret;
}

static int t_fault_recovery(struct conf *c)
{
	struct mem s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t resets0 = 0, resets1 = 0;
	int ret;

	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_RESETS, &resets0);
	ret = bad_job(c, "BLIT with pixel format 0x7f", p,
		      mvgpu_cmd_blit(p, s.va, 64, s.va + 4096, 64, 4, 4, 0x7f,
				     MVGPU_FMT_R8, MVGPU_BLIT_COPY), SYNC_NS);
	if (!ret)
		ret = still_works(c, "a bad BLIT");
	if (ret)
		return ret;
	memset(s.cpu + 0x8000, 0, 8);
	ret = bad_job(c, "WAIT that never holds", p,
		      mvgpu_cmd_wait(p, s.va + 0x8000, 1, MVGPU_WAIT_EQ),
		      HANG_NS);
	/* If nothing stopped it, release it so that the queue goes on. */
	*(volatile uint64_t *)(s.cpu + 0x8000) = 1;
	if (!ret)
		ret = still_works(c, "a hang");
	if (ret)
		return ret;
	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_RESETS, &resets1);
	printf("# recoveries: %llu before, %llu after\n",
	       (unsigned long long)resets0, (unsigned long long)resets1);
	return 0;
}

/*
 * A submit whose buffer list ends with an unknown handle fails with
 * -ENOENT and keeps no reference on the objects listed before it: once
 * its handle is closed, an object's VRAM is free again.
 */
static int t_submit_leak(struct conf *c)
{
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t used0 = 0, used1 = 0, used2 = 0;
	struct drm_mvgpu_submit a = { 0 };
	uint32_t handles[3];
	struct mvgpu_bo bo;
	int ret;

	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used0);
	ret = new_bo(c, 256 * 1024, MVGPU_GEM_DOMAIN_VRAM, &bo);
	if (ret)
		return ret;
	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used1);
	handles[0] = bo.handle;
	handles[1] = c->sys.handle;
	handles[2] = 0x7ffffff0;
	a.commands = (uintptr_t)p;
	a.command_dwords = (uint32_t)mvgpu_cmd_nop(p, 1);
	a.bo_handles = (uintptr_t)handles;
	a.bo_count = 3;
	for (int i = 0; i < 64; i++) {
		ret = mvgpu_submit_raw(&c->drm, &a);
		if (ret != -ENOENT) {
			mvgpu_bo_destroy(&bo);
			return fail(c, 0, "submit %d with a bad last handle: %d, want -ENOENT",
				    i, ret);
		}
	}
	mvgpu_bo_destroy(&bo);
	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_VRAM_USED, &used2);
	if (used1 < used0 + 256 * 1024 || used2 != used0)
		return fail(c, 0, "VRAM_USED %llu -> %llu -> %llu after 64 refused submits: the object was not freed",
			    (unsigned long long)used0,
			    (unsigned long long)used1,
			    (unsigned long long)used2);
	return still_works(c, "refused submits");
}

#define HANG_PARAM	"/sys/module/mvgpu_drm/parameters/hang_timeout_ms"

/* Read or write a one-line sysfs/debugfs file; 0 or -errno. */
static int file_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

static int file_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/*
 * The driver's own hang check (hang_timeout_ms, set to 2 s, below the
 * host watchdog of the test bed) resets a queue stuck in a WAIT whose
 * job goes on with a FILL of an object the submitter already closed.
 * The submitter gets -EIO; the engine must be stopped before that object
 * is freed: VRAM allocated again and the WAIT released afterwards must
 * keep what the CPU wrote.
 */
static int t_hang_timeout(struct conf *c)
{
	struct mem s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t resets0 = 0, resets1 = 0;
	struct mvgpu_bo victim, reuse;
	struct mvgpu_job job;
	char old[32];
	size_t n;
	int ret;

	if (file_read(HANG_PARAM, old, sizeof(old)) ||
	    file_write(HANG_PARAM, "2000")) {
		printf("# cannot set %s (not root?)\n", HANG_PARAM);
		return 1;
	}
	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_RESETS, &resets0);
	ret = new_bo(c, 64 * 1024, MVGPU_GEM_DOMAIN_VRAM, &victim);
	if (ret)
		goto out_param;
	memset(s.cpu + 0x9000, 0, 8);
	n = mvgpu_cmd_wait(p, s.va + 0x9000, 1, MVGPU_WAIT_EQ);
	n += mvgpu_cmd_fill(p + n, victim.gpu_va, victim.size, 0xdeadbeef);
	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, n);
	mvgpu_job_use(&job, &c->sys);
	mvgpu_job_use(&job, &victim);
	ret = mvgpu_job_submit(&c->drm, &job);
	/* The job holds the object now. */
	mvgpu_bo_destroy(&victim);
	if (ret) {
		mvgpu_job_fini(&job);
		ret = fail(c, ret, "submit: %s", strerror(-ret));
		goto out_param;
	}
	ret = mvgpu_wait(&c->drm, 0, job.seqno, HANG_NS);
	mvgpu_job_fini(&job);
	if (ret != -EIO) {
		*(volatile uint64_t *)(s.cpu + 0x9000) = 1;
		ret = fail(c, 0, "stuck job: wait returned %d, want -EIO", ret);
		goto out_param;
	}
	ret = new_bo(c, 64 * 1024, MVGPU_GEM_DOMAIN_VRAM, &reuse);
	if (ret) {
		*(volatile uint64_t *)(s.cpu + 0x9000) = 1;
		goto out_param;
	}
	memset(reuse.cpu, 0x5a, reuse.size);
	*(volatile uint64_t *)(s.cpu + 0x9000) = 1;
	usleep(500 * 1000);
	for (uint64_t off = 0; off < reuse.size; off++) {
		if (((volatile uint8_t *)reuse.cpu)[off] != 0x5a) {
			ret = fail(c, 0, "VRAM freed by the failed job was written after -EIO (byte %llu of a new object at 0x%llx)",
				   (unsigned long long)off,
				   (unsigned long long)reuse.gpu_va);
			break;
		}
	}
	mvgpu_bo_destroy(&reuse);
	mvgpu_drm_get_param(&c->drm, MVGPU_PARAM_RESETS, &resets1);
	if (!ret && resets1 <= resets0)
		ret = fail(c, 0, "no recovery counted (%llu -> %llu)",
			   (unsigned long long)resets0,
			   (unsigned long long)resets1);
	if (!ret)
		ret = still_works(c, "a hang the driver's check ended");
out_param:
	file_write(HANG_PARAM, old);
	return ret;
}

/* The driver's debugfs file @name (of the first DRM minor that has it). */
static int debugfs_path(const char *name, char *path, size_t len)
{
	char pattern[96];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "/sys/kernel/debug/dri/*/%s", name);
	if (glob(pattern, 0, NULL, &g))
		return -ENOENT;
	snprintf(path, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return 0;
}

static int debugfs_write(const char *name, const char *text)
{
	char path[128];
	int ret = debugfs_path(name, path, sizeof(path));

	return ret ? ret : file_write(path, text);
}

/* The "refused N" and the status of the display line of mvgpu_status. */
static int disp_status(uint32_t *status, int *refused)
{
	char buf[4096], path[128], *line;
	int ret;

	ret = debugfs_path("mvgpu_status", path, sizeof(path));
	if (!ret)
		ret = file_read(path, buf, sizeof(buf));
	if (ret)
		return ret;
	line = strstr(buf, "display status ");
	if (!line || sscanf(line, "display status %x", status) != 1)
		return -EPROTO;
	line = strstr(line, " refused ");
	if (!line || sscanf(line, " refused %d", refused) != 1)
		return -EPROTO;
	return 0;
}

/* A connected connector, its smallest mode and a CRTC for it. */
static int kms_output(int fd, uint32_t *conn, uint32_t *crtc,
		      drmModeModeInfo *mode)
{
	drmModeResPtr res = drmModeGetResources(fd);

	*crtc = 0;
	if (!res)
		return -errno;
	for (int i = 0; i < res->count_connectors && !*crtc; i++) {
		drmModeConnectorPtr cn = drmModeGetConnector(fd,
							     res->connectors[i]);
		int m = -1;

		if (!cn)
			continue;
		for (int j = 0; cn->connection == DRM_MODE_CONNECTED &&
				j < cn->count_modes; j++)
			if (m < 0 || cn->modes[j].hdisplay * cn->modes[j].vdisplay <
				     cn->modes[m].hdisplay * cn->modes[m].vdisplay)
				m = j;
		if (m >= 0 && cn->count_encoders) {
			drmModeEncoderPtr e = drmModeGetEncoder(fd,
								cn->encoders[0]);

			for (int j = 0; e && j < res->count_crtcs; j++) {
				if (e->possible_crtcs & (1u << j)) {
					*crtc = res->crtcs[j];
					break;
				}
			}
			drmModeFreeEncoder(e);
			*conn = cn->connector_id;
			*mode = cn->modes[m];
		}
		drmModeFreeConnector(cn);
	}
	drmModeFreeResources(res);
	return *crtc ? 0 : -ENODEV;
}

/*
 * KMS refuses up front a framebuffer the device would refuse (one in
 * system memory), and a plane the device refuses anyway (a refusal
 * injected through debugfs) is not left half shown: the driver reads the
 * refusal back, turns the scanout off and counts it; the next commit
 * shows the plane.
 */
static int t_kms_refusal(struct conf *c)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint32_t conn, crtc, fb_sys = 0, fb_vram = 0, pitch, status;
	struct mvgpu_bo sys = { 0 }, dumb = { 0 };
	struct mvgpu_drm k;
	drmModeModeInfo mode;
	int ret, refused0, refused1;

	ret = mvgpu_drm_open(&k, NULL, DRM_NODE_PRIMARY);
	if (ret)
		return fail(c, ret, "open the primary node: %s", strerror(-ret));
	if (!(k.caps & MVGPU_CAP_DISPLAY) || drmSetMaster(k.fd)) {
		printf("# no display block, or not DRM master\n");
		mvgpu_drm_close(&k);
		return 1;
	}
	ret = kms_output(k.fd, &conn, &crtc, &mode);
	if (ret) {
		ret = fail(c, ret, "no connected connector with a CRTC");
		goto out;
	}
	pitch = mode.hdisplay * 4;
	ret = mvgpu_bo_create(&k, (uint64_t)pitch * mode.vdisplay,
			      MVGPU_GEM_DOMAIN_SYSTEM, &sys);
	if (ret) {
		ret = fail(c, ret, "%ux%u system object: %s", mode.hdisplay,
			   mode.vdisplay, strerror(-ret));
		goto out;
	}
	handles[0] = sys.handle;
	pitches[0] = pitch;
	if (drmModeAddFB2(k.fd, mode.hdisplay, mode.vdisplay,
			  DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &fb_sys, 0)) {
		ret = fail(c, -errno, "ADDFB2 of a system object: %s",
			   strerror(errno));
		goto out;
	}
	ret = drmModeSetCrtc(k.fd, crtc, fb_sys, 0, 0, &conn, 1, &mode);
	if (ret != -EINVAL) {
		ret = fail(c, 0, "SETCRTC with a framebuffer in system memory: %d, want -EINVAL",
			   ret);
		goto out;
	}

	ret = mvgpu_bo_create_dumb(&k, mode.hdisplay, mode.vdisplay, 32, &dumb,
				   &pitch);
	if (ret) {
		ret = fail(c, ret, "dumb buffer: %s", strerror(-ret));
		goto out;
	}
	handles[0] = dumb.handle;
	pitches[0] = pitch;
	if (drmModeAddFB2(k.fd, mode.hdisplay, mode.vdisplay,
			  DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &fb_vram, 0)) {
		ret = fail(c, -errno, "ADDFB2 of a dumb buffer: %s",
			   strerror(errno));
		goto out;
	}
	/*
	 * Shown once (a mode set programs the plane in its enable and its
	 * update steps), then the injected refusal hits a plain update.
	 */
	ret = drmModeSetCrtc(k.fd, crtc, fb_vram, 0, 0, &conn, 1, &mode);
	if (ret) {
		ret = fail(c, ret, "SETCRTC with a dumb buffer: %s",
			   strerror(-ret));
		goto out;
	}
	ret = disp_status(&status, &refused0);
	if (ret == -ENOENT) {
		printf("# no debugfs: the injected refusal is not tested\n");
		ret = 0;
		goto out;
	}
	if (ret) {
		ret = fail(c, ret, "mvgpu_status: %s", strerror(-ret));
		goto out;
	}
	ret = debugfs_write("mvgpu_display_refuse", "1");
	if (!ret)
		ret = drmModeSetCrtc(k.fd, crtc, fb_vram, 0, 0, &conn, 1,
				     &mode);
	if (!ret)
		ret = disp_status(&status, &refused1);
	if (ret) {
		ret = fail(c, ret, "injected refusal: %s", strerror(-ret));
		goto out;
	}
	if (refused1 != refused0 + 1 || status & MVGPU_DISP_STATUS_ENABLED) {
		ret = fail(c, 0, "after a refused plane: %d refusals (was %d), DISP_STATUS 0x%x, want the scanout off",
			   refused1, refused0, status);
		goto out;
	}
	ret = drmModeSetCrtc(k.fd, crtc, fb_vram, 0, 0, &conn, 1, &mode);
	if (!ret)
		ret = disp_status(&status, &refused1);
	if (ret || refused1 != refused0 + 1 ||
	    status != MVGPU_DISP_STATUS_ENABLED)
		ret = fail(c, ret, "the next commit: %d, %d refusals, DISP_STATUS 0x%x, want the plane shown",
			   ret, refused1, status);
out:
	if (fb_vram)
		drmModeRmFB(k.fd, fb_vram);
	if (fb_sys)
		drmModeRmFB(k.fd, fb_sys);
	mvgpu_bo_destroy(&dumb);
	mvgpu_bo_destroy(&sys);
	mvgpu_drm_close(&k);
	return ret;
}

struct blocked_submit {
	struct mvgpu_drm *drm;
	struct mvgpu_job *job;
	volatile int done;
	int ret;
};

static void *blocked_submit_fn(void *arg)
{
	struct blocked_submit *b = arg;

	b->ret = mvgpu_job_submit(b->drm, b->job);
	b->done = 1;
	return NULL;
}

/* Wait up to @seconds for the render node of PCI function @bus. */
static int wait_for_node(const char *bus, int seconds)
{
	char pattern[128];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "/sys/bus/pci/devices/%s/drm/renderD*",
		 bus);
	for (int i = 0; i < seconds * 10; i++) {
		if (!glob(pattern, 0, NULL, &g)) {
			globfree(&g);
			/* udev, or devtmpfs, makes the node. */
			usleep(500 * 1000);
			return 0;
		}
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * Hot-unplug with a submit under way: a SUBMIT blocked on its in-fence
 * (the out-fence of a job stuck in a WAIT) when the device is removed
 * fails with -ENODEV instead of writing the freed ring; WAIT and new
 * objects fail with -ENODEV too. Then the function is found again by a
 * PCI rescan and the driver binds it: this test runs last.
 */
static int t_unplug(struct conf *c)
{
	struct mem s = arena(&c->sys);
	uint32_t p[MVGPU_CMD_MAX_DWORDS], syncobj = 0;
	struct mvgpu_job hung, blocked;
	struct blocked_submit b = { 0 };
	struct mvgpu_bo bo;
	char path[128], bus[32];
	pthread_t thread;
	int ret, wret;

	snprintf(bus, sizeof(bus), "%s", c->drm.bus);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bus);
	if (!bus[0] || access(path, W_OK)) {
		printf("# cannot remove the PCI function (no bus address, or not root)\n");
		return 1;
	}
	ret = mvgpu_syncobj_create(&c->drm, &syncobj);
	if (ret)
		return fail(c, ret, "syncobj: %s", strerror(-ret));
	memset(s.cpu + 0xa000, 0, 8);
	mvgpu_job_init(&hung, 0);
	mvgpu_job_emit(&hung, p, mvgpu_cmd_wait(p, s.va + 0xa000, 1,
						MVGPU_WAIT_EQ));
	mvgpu_job_use(&hung, &c->sys);
	hung.out_syncobj = syncobj;
	ret = mvgpu_job_submit(&c->drm, &hung);
	mvgpu_job_fini(&hung);
	if (ret)
		return fail(c, ret, "stuck job: %s", strerror(-ret));
	mvgpu_job_init(&blocked, 0);
	mvgpu_job_emit(&blocked, p, mvgpu_cmd_fill(p, s.va + 0xb000, 4, 1));
	mvgpu_job_use(&blocked, &c->sys);
	blocked.in_syncobj = syncobj;
	b.drm = &c->drm;
	b.job = &blocked;
	if (pthread_create(&thread, NULL, blocked_submit_fn, &b)) {
		*(volatile uint64_t *)(s.cpu + 0xa000) = 1;
		mvgpu_job_fini(&blocked);
		return fail(c, 0, "pthread_create failed");
	}
	usleep(500 * 1000);
	if (b.done) {
		*(volatile uint64_t *)(s.cpu + 0xa000) = 1;
		pthread_join(thread, NULL);
		mvgpu_job_fini(&blocked);
		return fail(c, 0, "a submit with an unsignalled in-fence returned %d at once",
			    b.ret);
	}
	printf("# removing %s with a submit waiting on its in-fence\n", bus);
	wret = file_write(path, "1");
	pthread_join(thread, NULL);
	mvgpu_job_fini(&blocked);
	if (wret)
		return fail(c, wret, "remove %s: %s", bus, strerror(-wret));
	if (b.ret != -ENODEV)
		ret = fail(c, 0, "the submit under way during the unplug returned %d, want -ENODEV",
			   b.ret);
	else if ((wret = mvgpu_wait(&c->drm, 0, 1, 0)) != -ENODEV)
		ret = fail(c, 0, "WAIT after the unplug: %d, want -ENODEV",
			   wret);
	else if ((wret = mvgpu_bo_create(&c->drm, 4096, MVGPU_GEM_DOMAIN_VRAM,
					 &bo)) != -ENODEV)
		ret = fail(c, 0, "GEM_CREATE after the unplug: %d, want -ENODEV",
			   wret);

	/* Let go of the old device, find the function again, reopen. */
	mvgpu_bo_destroy(&c->vram);
	mvgpu_bo_destroy(&c->sys);
	mvgpu_drm_close(&c->drm);
	wret = file_write("/sys/bus/pci/rescan", "1");
	if (!wret)
		wret = wait_for_node(bus, 60);
	if (!wret)
		wret = mvgpu_drm_open(&c->drm, NULL, DRM_NODE_RENDER);
	if (!wret)
		wret = new_bo(c, ARENA_BYTES, MVGPU_GEM_DOMAIN_VRAM, &c->vram);
	if (!wret)
		wret = new_bo(c, ARENA_BYTES, MVGPU_GEM_DOMAIN_SYSTEM, &c->sys);
	if (wret)
		return ret ? ret : fail(c, wret, "after a PCI rescan: %s",
					strerror(-wret));
	if (!ret)
		ret = still_works(c, "an unplug and a rescan");
	return ret;
}

struct test {
	const char *name;
	int (*fn)(struct conf *c);
	const char *desc;
};

static const struct test tests[] = {
	{ "params", t_params, "GET_PARAM: ABI, VRAM, queues, engines, caps" },
	{ "gem", t_gem, "GEM objects in VRAM and system memory, bad arguments" },
	{ "fill_vram", t_fill_vram, "FILL in VRAM vs CPU reference" },
	{ "fill_system", t_fill_system, "FILL in system memory vs CPU reference" },
	{ "copy_vram_vram", t_copy_vram_vram, "COPY VRAM to VRAM" },
	{ "copy_vram_system", t_copy_vram_system, "COPY VRAM to system memory" },
	{ "copy_system_vram", t_copy_system_vram, "COPY system memory to VRAM" },
	{ "copy_system_system", t_copy_system_system,
	  "COPY system memory to system memory" },
	{ "blit", t_blit, "BLIT every format pair, COPY and BLEND" },
	{ "timestamp", t_timestamp, "TIMESTAMP monotonic" },
	{ "fence", t_fence, "FENCE packets write their values" },
	{ "wait_cpu", t_wait_cpu, "WAIT EQ/NE/GE/LT released by the CPU" },
	{ "wait_queue", t_wait_queue, "WAIT released by another queue's FENCE" },
	{ "saxpy", t_saxpy, "SAXPY bit-exact" },
	{ "sgemm", t_sgemm, "SGEMM bit-exact" },
	{ "reduce", t_reduce, "REDUCE bit-exact" },
	{ "many_in_flight", t_many_in_flight, "64 jobs in flight on one queue" },
	{ "all_queues", t_all_queues, "every queue at once" },
	{ "syncobj", t_syncobj, "syncobj out of one job, into another" },
	{ "prime", t_prime, "PRIME export and import" },
	{ "submit_checks", t_submit_checks, "SUBMIT refuses bad arguments and packets" },
	{ "wait_checks", t_wait_checks, "WAIT argument checks" },
	{ "fault_recovery", t_fault_recovery,
	  "bad command buffers fail to the submitter, the next job works" },
	{ "submit_leak", t_submit_leak,
	  "refused submits keep no object alive" },
	{ "hang_timeout", t_hang_timeout,
	  "the driver's hang check stops the engine before freeing memory" },
	{ "kms_refusal", t_kms_refusal,
	  "KMS refuses what the device refuses, handles a refusal" },
	/* Last: it removes the device and finds it again. */
	{ "unplug", t_unplug,
	  "hot-unplug during a submit: -ENODEV, then a rescan binds again" },
};

static bool selected(const char *name, int argc, char **argv)
{
	if (optind >= argc)
		return true;
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static uint64_t seed_from_env(void)
{
	const char *env = getenv("MVGPU_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
	       (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct conf c;
	int opt, num = 0, failed = 0, planned = 0, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt_long(argc, argv, "d:lh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'l':
			for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
				printf("%-20s %s\n", tests[i].name,
				       tests[i].desc);
			return 0;
		case 'h':
			printf("usage: mvgpu-conformance [--device /dev/dri/NODE] [--list] [TEST...]\n");
			return 0;
		default:
			return 2;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		planned += selected(tests[i].name, argc, argv);
	printf("TAP version 13\n1..%d\n", planned);

	memset(&c, 0, sizeof(c));
	ret = mvgpu_drm_open(&c.drm, path, DRM_NODE_RENDER);
	if (ret) {
		printf("Bail out! no mvgpu DRM device: %s\n", strerror(-ret));
		return 1;
	}
	c.seed = seed_from_env();
	rng_seed(&c.rng, c.seed);
	printf("# %s (%s), ABI %llu.%llu, %llu MiB VRAM, %llu queues, %llu engines\n",
	       c.drm.path, c.drm.bus, (unsigned long long)(c.drm.abi_version >> 16),
	       (unsigned long long)(c.drm.abi_version & 0xffff),
	       (unsigned long long)(c.drm.vram_size >> 20),
	       (unsigned long long)c.drm.num_queues,
	       (unsigned long long)c.drm.num_engines);
	printf("# seed 0x%llx (MVGPU_SEED=0x%llx repeats it)\n",
	       (unsigned long long)c.seed, (unsigned long long)c.seed);
	if (new_bo(&c, ARENA_BYTES, MVGPU_GEM_DOMAIN_VRAM, &c.vram) ||
	    new_bo(&c, ARENA_BYTES, MVGPU_GEM_DOMAIN_SYSTEM, &c.sys)) {
		printf("Bail out! %s\n", c.why);
		return 1;
	}

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		uint64_t t0;

		if (!selected(tests[i].name, argc, argv))
			continue;
		num++;
		c.why[0] = '\0';
		t0 = mvgpu_drm_now_ns();
		ret = tests[i].fn(&c);
		if (ret == 1) {
			printf("ok %d %s # SKIP %s\n", num, tests[i].name,
			       tests[i].desc);
			continue;
		}
		if (ret)
			failed++;
		printf("%sok %d %s - %s (%.1f s)\n", ret ? "not " : "", num,
		       tests[i].name, tests[i].desc,
		       (mvgpu_drm_now_ns() - t0) / 1e9);
		if (ret)
			printf("# %s: %s\n", tests[i].name,
			       c.why[0] ? c.why : strerror(-ret));
	}
	mvgpu_bo_destroy(&c.vram);
	mvgpu_bo_destroy(&c.sys);
	mvgpu_drm_close(&c.drm);
	printf("# %d passed, %d failed\n", num - failed, failed);
	return failed ? 1 : 0;
}
