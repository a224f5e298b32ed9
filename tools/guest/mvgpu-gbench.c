// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-gbench: guest-visible throughput and latency of a vGPU through
 * the mvgpu DRM driver: COPY, FILL and SGEMM with buffers in VRAM and in
 * system memory, each timed from the submit ioctl to the return of the
 * wait ioctl (median of --reps runs), and submit-to-completion latency of
 * a job with one NOP and of a 64-byte COPY (median and 99th percentile).
 * Prints a table, then one "BENCH <name> <value> <unit>" line per figure.
 * Results are checked: a job that computes wrong bytes stops the run.
 *
 *   mvgpu-gbench [--device NODE] [--reps N] [--mib N] [--packets N]
 *                [--sgemm-dim N] [--latency-iters N]
 *
 * Defaults: 5 reps, jobs of 32 COPY/FILL packets of 1 MiB, SGEMM 128^3,
 * 200 latency samples.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmvgpu_drm.h"
#include "mvgpu_ref.h"

#define SYNC_NS		(300ll * 1000000000)

struct opts {
	const char *path;
	int reps;
	uint32_t mib;		/* bytes per COPY/FILL packet, MiB */
	uint32_t packets;	/* packets per COPY/FILL job */
	uint32_t dim;		/* SGEMM m = n = k */
	int lat_iters;
};

struct bench {
	struct mvgpu_drm drm;
	struct opts o;
	struct mvgpu_bo bo[2];	/* VRAM, system */
};

static const char *const domain_names[2] = { "vram", "system" };

static void die(const char *what, int err)
{
	fprintf(stderr, "mvgpu-gbench: %s: %s\n", what, strerror(-err));
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Submit @job on queue 0, wait: nanoseconds from submit to completion. */
static uint64_t timed_run(struct bench *b, struct mvgpu_job *job)
{
	uint64_t t0 = mvgpu_drm_now_ns();
	int ret = mvgpu_job_run(&b->drm, job, SYNC_NS);

	if (ret)
		die("job", ret);
	return mvgpu_drm_now_ns() - t0;
}

static uint64_t median_run(struct bench *b, struct mvgpu_job *job)
{
	uint64_t *t = calloc(b->o.reps, sizeof(*t)), m;

	if (!t)
		die("calloc", -ENOMEM);
	for (int i = 0; i < b->o.reps; i++)
		t[i] = timed_run(b, job);
	qsort(t, b->o.reps, sizeof(*t), cmp_u64);
	m = t[b->o.reps / 2];
	free(t);
	return m;
}

/* @packets COPYs of @mib MiB back and forth between two halves. */
static double copy_mbps(struct bench *b, struct mvgpu_bo *bo)
{
	uint64_t size = (uint64_t)b->o.mib << 20, ns;
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint8_t *cpu = bo->cpu;
	struct mvgpu_job job;
	struct ref_rng rng;


	rng_seed(&rng, 7);
	rng_bytes(&rng, cpu, size);
	mvgpu_job_init(&job, 0);
	for (uint32_t i = 0; i < b->o.packets; i++) {
		uint64_t dst = i & 1 ? 0 : size, src = i & 1 ? size : 0;

		mvgpu_job_emit(&job, p, mvgpu_cmd_copy(p, bo->gpu_va + dst,
						       bo->gpu_va + src, size));
	}
	mvgpu_job_use(&job, bo);
	ns = median_run(b, &job);
	mvgpu_job_fini(&job);
	if (memcmp(cpu, cpu + size, size))
		die("COPY result", -EIO);
	return (double)size * b->o.packets / ns * 1e3;
}

static double fill_mbps(struct bench *b, struct mvgpu_bo *bo)
{
	uint64_t size = (uint64_t)b->o.mib << 20, ns;
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint8_t *cpu = bo->cpu;
	struct mvgpu_job job;

	mvgpu_job_init(&job, 0);
	for (uint32_t i = 0; i < b->o.packets; i++)
		mvgpu_job_emit(&job, p, mvgpu_cmd_fill(p, bo->gpu_va +
						       (i & 1) * size, size,
						       0x22222222 + i));
	mvgpu_job_use(&job, bo);
	ns = median_run(b, &job);
	mvgpu_job_fini(&job);
	if (cpu[0] != (uint8_t)(0x22 + b->o.packets - 2 + (b->o.packets & 1)))
		die("FILL result", -EIO);
	return (double)size * b->o.packets / ns * 1e3;
}

/* Two SGEMMs, checked against the CPU reference once. */
static double sgemm_mflops(struct bench *b, struct mvgpu_bo *bo)
{
	uint32_t d = b->o.dim, p[MVGPU_CMD_MAX_DWORDS];
	uint64_t mat = (uint64_t)d * d * 4, ns;
	float *a = bo->cpu, *bm = (float *)((char *)bo->cpu + mat);
	float *c = (float *)((char *)bo->cpu + 2 * mat), *ref;
	struct ref_rng rng;
	struct mvgpu_job job;

	rng_seed(&rng, 42);
	rng_floats(&rng, a, (size_t)d * d);
	rng_floats(&rng, bm, (size_t)d * d);
	memset(c, 0, mat);
	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, mvgpu_cmd_sgemm(p, d, d, d, 1.0f, 0.5f,
						bo->gpu_va, d,
						bo->gpu_va + mat, d,
						bo->gpu_va + 2 * mat, d));
	mvgpu_job_use(&job, bo);
	/* The check: one SGEMM on zeroed C. */
	timed_run(b, &job);
	ref = calloc((size_t)d * d, 4);
	if (!ref)
		die("calloc", -ENOMEM);
	ref_sgemm(d, d, d, 1.0f, 0.5f, a, d, bm, d, ref, d);
	for (size_t i = 0; i < (size_t)d * d; i++)
		if (!f32_same(f2u(ref[i]), f2u(c[i])))
			die("SGEMM result", -EIO);
	free(ref);
	mvgpu_job_emit(&job, p, mvgpu_cmd_sgemm(p, d, d, d, 1.0f, 0.5f,
						bo->gpu_va, d,
						bo->gpu_va + mat, d,
						bo->gpu_va + 2 * mat, d));
	ns = median_run(b, &job);
	mvgpu_job_fini(&job);
	return 2.0 * 2.0 * d * d * d / ns * 1e3;
}

/* Latency of a job of @p (one packet), submit to wait return. */
static void latency(struct bench *b, const uint32_t *p, size_t n,
		    double *median_us, double *p99_us)
{
	int iters = b->o.lat_iters;
	uint64_t *t = calloc(iters, sizeof(*t));
	struct mvgpu_job job;

	if (!t)
		die("calloc", -ENOMEM);
	mvgpu_job_init(&job, 0);
	mvgpu_job_emit(&job, p, n);
	mvgpu_job_use(&job, &b->bo[0]);
	mvgpu_job_use(&job, &b->bo[1]);
	for (int i = 0; i < iters; i++)
		t[i] = timed_run(b, &job);
	mvgpu_job_fini(&job);
	qsort(t, iters, sizeof(*t), cmp_u64);
	*median_us = t[iters / 2] / 1e3;
	*p99_us = t[(iters * 99) / 100 < iters ? (iters * 99) / 100 : iters - 1] / 1e3;
	free(t);
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: mvgpu-gbench [--device NODE] [--reps N] [--mib N] [--packets N]\n"
		   "                    [--sgemm-dim N] [--latency-iters N]\n");
	exit(status);
}

static int positive(const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 0);

	if (*end || v <= 0 || v > 1 << 20)
		usage(stderr, 2);
	return (int)v;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "reps", required_argument, NULL, 'r' },
		{ "mib", required_argument, NULL, 'm' },
		{ "packets", required_argument, NULL, 'p' },
		{ "sgemm-dim", required_argument, NULL, 's' },
		{ "latency-iters", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* System objects are limited to 4 MiB by the driver: 2 x 1 MiB. */
	struct bench b = { .o = { NULL, 5, 1, 32, 128, 200 } };
	double copy[2], fill[2], gemm[2], nop[2], cp64[2];
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	uint64_t bo_bytes;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "d:r:m:p:s:l:h", lopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			b.o.path = optarg;
			break;
		case 'r':
			b.o.reps = positive(optarg);
			break;
		case 'm':
			b.o.mib = positive(optarg);
			break;
		case 'p':
			b.o.packets = positive(optarg);
			break;
		case 's':
			b.o.dim = positive(optarg);
			break;
		case 'l':
			b.o.lat_iters = positive(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	ret = mvgpu_drm_open(&b.drm, b.o.path, DRM_NODE_RENDER);
	if (ret)
		die("no mvgpu DRM device", ret);
	bo_bytes = 2ull * b.o.mib << 20;
	if (bo_bytes < 3ull * b.o.dim * b.o.dim * 4)
		bo_bytes = 3ull * b.o.dim * b.o.dim * 4;
	for (int i = 0; i < 2; i++) {
		ret = mvgpu_bo_create(&b.drm, bo_bytes,
				      i ? MVGPU_GEM_DOMAIN_SYSTEM :
					  MVGPU_GEM_DOMAIN_VRAM, &b.bo[i]);
		if (!ret)
			ret = mvgpu_bo_map(&b.bo[i]);
		if (ret) {
			fprintf(stderr, "mvgpu-gbench: %llu-byte %s buffer object: %s\n",
				(unsigned long long)bo_bytes, domain_names[i],
				strerror(-ret));
			return 1;
		}
	}
	printf("mvgpu-gbench on %s (%s): %llu MiB VRAM, %llu queues, %llu engines\n",
	       b.drm.path, b.drm.bus, (unsigned long long)(b.drm.vram_size >> 20),
	       (unsigned long long)b.drm.num_queues,
	       (unsigned long long)b.drm.num_engines);
	printf("jobs of %u x %u MiB COPY/FILL, SGEMM %ux%ux%u; median of %d; latency over %d jobs\n\n",
	       b.o.packets, b.o.mib, b.o.dim, b.o.dim, b.o.dim, b.o.reps,
	       b.o.lat_iters);
	for (int i = 0; i < 2; i++) {
		copy[i] = copy_mbps(&b, &b.bo[i]);
		fill[i] = fill_mbps(&b, &b.bo[i]);
		gemm[i] = sgemm_mflops(&b, &b.bo[i]);
	}
	latency(&b, p, mvgpu_cmd_nop(p, 1), &nop[0], &nop[1]);
	latency(&b, p, mvgpu_cmd_copy(p, b.bo[1].gpu_va + 4096, b.bo[0].gpu_va,
				      64), &cp64[0], &cp64[1]);

	printf("%-28s %14s %14s\n", "workload", "VRAM", "system memory");
	printf("%-28s %9.1f MB/s %9.1f MB/s\n", "COPY", copy[0], copy[1]);
	printf("%-28s %9.1f MB/s %9.1f MB/s\n", "FILL", fill[0], fill[1]);
	printf("%-28s %6.1f MFLOP/s %6.1f MFLOP/s\n", "SGEMM", gemm[0], gemm[1]);
	printf("\n%-28s %10s %10s\n", "submit to completion", "median", "p99");
	printf("%-28s %7.1f us %7.1f us\n", "NOP job", nop[0], nop[1]);
	printf("%-28s %7.1f us %7.1f us\n\n", "64 B COPY job", cp64[0], cp64[1]);
	for (int i = 0; i < 2; i++) {
		printf("BENCH gbench_copy_%s %.1f MB/s\n", domain_names[i], copy[i]);
		printf("BENCH gbench_fill_%s %.1f MB/s\n", domain_names[i], fill[i]);
		printf("BENCH gbench_sgemm_%s %.1f MFLOP/s\n", domain_names[i],
		       gemm[i]);
	}
	printf("BENCH gbench_latency_nop_median %.1f us\n", nop[0]);
	printf("BENCH gbench_latency_nop_p99 %.1f us\n", nop[1]);
	printf("BENCH gbench_latency_copy64_median %.1f us\n", cp64[0]);
	printf("BENCH gbench_latency_copy64_p99 %.1f us\n", cp64[1]);
	mvgpu_bo_destroy(&b.bo[0]);
	mvgpu_bo_destroy(&b.bo[1]);
	mvgpu_drm_close(&b.drm);
	return 0;
}
