// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-bench: vGPU throughput as a ratio of native, and submission
 * latency. Runs as root where mvgpu.ko and mvgpu_sim.ko are loaded (the
 * test VM: tools/bench/run) on an idle mvgpu_sim pGPU:
 *
 * - throughput: the same packet stream (a copy-bound one: 4 MiB COPYs in
 *   memory at GPU VA 0; a compute-bound one: SGEMMs), ending in a FENCE,
 *   is run (a) natively, written to mvgpu_sim's debugfs "native" file,
 *   which runs it on the pGPU's engines in a host context and returns
 *   when it is done, and (b) on a queue of a vGPU through VFIO, its ring
 *   in guest memory, timed from the doorbell to the fence in memory.
 *   Runs alternate between (a) and (b); the median of each is reported.
 * - latency: submission to completion of small jobs (a FENCE alone, a
 *   64-byte COPY and a FENCE), median and 99th percentile, on both paths.
 *
 * Output: a table, then one line per figure "BENCH <name> <value> <unit>".
 *
 * GPU VAs below 16 MiB are VRAM on the vGPU (BAR memory the engines reach
 * through an ioremap_wc() mapping) but the native context's scratch
 * memory, host RAM, on the native path. To tell the cost of the mediation
 * from that of the memory, each stream also runs on the vGPU relocated to
 * guest memory (host RAM too, pinned through VFIO): "vGPU sysmem".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mvgpu/mvgpu_cmds.h>
#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu.h"

#define DEBUGFS		"/sys/kernel/debug"
#define NATIVE_MAX	(64 * 1024 - 4)	/* bytes of packets per write() */
#define RING_BYTES	(64 * 1024)
#define RING_IOVA	0x100000ull
#define FENCE_IOVA	0x200000ull	/* guest page with latency fences */
#define FENCE_VA	(15ull << 20)	/* stream fence, in the first 16 MiB */
#define COPY_BYTES	(4u << 20)
#define DATA_BYTES	(16u << 20)	/* VRAM, scratch, guest copy */
#define SYS_IOVA	0x1000000ull	/* guest memory copy of the data */
#define TIMEOUT_MS	120000

struct opts {
	int reps;		/* throughput runs per path */
	int copies;		/* COPY packets per copy stream */
	int sgemm_dim;		/* SGEMM m = n = k */
	int sgemms;		/* SGEMM packets per compute stream */
	int lat_iters;		/* latency samples per job */
	const char *type;	/* vGPU type */
};

struct bench {
	struct opts o;
	char pgpu[32];
	char uuid[MVGPU_UUID_LEN + 1];
	bool created;
	struct mvgpu_dev dev;
	bool open;
	struct mvgpu_dma_buf ring_mem, fence_mem, sys_mem;
	struct mvgpu_ring ring;
	int native_fd;
	int scratch_fd;
	uint64_t fence_seq;
};

static struct bench *cleanup_bench;

static void cleanup(void)
{
	struct bench *b = cleanup_bench;

	if (!b)
		return;
	if (b->open)
		mvgpu_close(&b->dev);
	if (b->created)
		mvgpu_vgpu_remove(b->uuid);
	cleanup_bench = NULL;
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "mvgpu-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	cleanup();
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct percentile (nearest rank) of @n samples, sorted in place. */
static uint64_t percentile(uint64_t *v, int n, int pct)
{
	int rank;

	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (pct * n + 99) / 100;
	return v[rank > 0 ? rank - 1 : 0];
}

/* Packet stream builder: a buffer of dwords. */
struct stream {
	uint32_t dw[NATIVE_MAX / 4];
	size_t n;
};

static void put(struct stream *s, const uint32_t *p, size_t n)
{
	if ((s->n + n) * 4 > NATIVE_MAX)
		die("packet stream too long");
	memcpy(s->dw + s->n, p, n * 4);
	s->n += n;
}

/* Find an idle mvgpu_sim pGPU and its debugfs directory. */
static void find_pgpu(struct bench *b, char *dir, size_t len)
{
	char names[16][32], path[512];
	struct stat st;
	uint64_t vgpus;
	int n;

	if (stat(DEBUGFS "/mvgpu_sim", &st) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		die("cannot mount debugfs: %s", strerror(errno));
	n = mvgpu_list_pgpus(names, 16);
	for (int i = 0; i < n && i < 16; i++) {
		snprintf(path, sizeof(path),
			 "/sys/class/mdev_bus/%.31s/mvgpu/vgpus", names[i]);
		if (mvgpu_sysfs_read_u64(path, &vgpus) || vgpus)
			continue;
		snprintf(dir, len, DEBUGFS "/mvgpu_sim/%.31s", names[i]);
		snprintf(path, sizeof(path), "%s/native", dir);
		if (access(path, W_OK))
			continue;
		memcpy(b->pgpu, names[i], sizeof(b->pgpu));
		return;
	}
	die("no idle mvgpu_sim pGPU with a native path (debugfs %s/mvgpu_sim)",
	    DEBUGFS);
}

static void setup(struct bench *b)
{
	char dir[256], path[320];
	int ret;

	find_pgpu(b, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/native", dir);
	b->native_fd = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/scratch", dir);
	b->scratch_fd = open(path, O_RDWR | O_CLOEXEC);
	if (b->native_fd < 0 || b->scratch_fd < 0)
		die("%s: %s", path, strerror(errno));

	ret = mvgpu_uuid_generate(b->uuid);
	if (!ret)
		ret = mvgpu_vgpu_create(b->pgpu, b->o.type, b->uuid);
	if (ret)
		die("create a %s vGPU on %s: %s", b->o.type, b->pgpu,
		    strerror(-ret));
	b->created = true;
	ret = mvgpu_open(&b->dev, b->uuid);
	if (ret)
		die("open: %s", strerror(-ret));
	b->open = true;
	ret = mvgpu_bar2_map(&b->dev);
	if (!ret)
		ret = mvgpu_dma_alloc(&b->dev, RING_BYTES, RING_IOVA,
				      &b->ring_mem);
	if (!ret)
		ret = mvgpu_dma_alloc(&b->dev, 4096, FENCE_IOVA, &b->fence_mem);
	if (!ret)
		ret = mvgpu_dma_alloc(&b->dev, DATA_BYTES, SYS_IOVA, &b->sys_mem);
	if (!ret)
		ret = mvgpu_ring_init(&b->ring, &b->dev, 0, b->ring_mem.cpu,
				      mvgpu_dma_gpu_va(&b->ring_mem, 0),
				      RING_BYTES);
	if (ret)
		die("vGPU setup: %s", strerror(-ret));
	b->ring.timeout_ms = TIMEOUT_MS;
	if (b->dev.regions[VFIO_PCI_BAR2_REGION_INDEX].size < 16u << 20)
		die("the %s type has less than 16 MiB of VRAM", b->o.type);
}

/* Same data at offset @va everywhere: VRAM, guest memory, scratch. */
static void put_data(struct bench *b, uint64_t va, const void *buf,
		     size_t len)
{
	memcpy((uint8_t *)b->dev.bar2 + va, buf, len);
	memcpy((uint8_t *)b->sys_mem.cpu + va, buf, len);
	if (pwrite(b->scratch_fd, buf, len, (off_t)va) != (ssize_t)len)
		die("scratch write: %s", strerror(errno));
}

static void get_native(struct bench *b, uint64_t va, void *buf, size_t len)
{
	if (pread(b->scratch_fd, buf, len, (off_t)va) != (ssize_t)len)
		die("scratch read: %s", strerror(errno));
}

/* Run a stream natively; returns ns. */
static uint64_t run_native(struct bench *b, const struct stream *s)
{
	uint64_t t0 = mvgpu_now_ns(), t1;
	ssize_t n = write(b->native_fd, s->dw, s->n * 4);

	t1 = mvgpu_now_ns();
	if (n != (ssize_t)(s->n * 4))
		die("native submission: %s", n < 0 ? strerror(errno) :
		    "short write");
	return t1 - t0;
}

/*
 * Run a stream on the vGPU queue: write it to the ring, ring the doorbell,
 * wait for the stream's last FENCE (value @value at FENCE_VA in VRAM).
 * @spin polls without sleeping (for latency). Returns ns.
 */
static uint64_t run_vgpu(struct bench *b, const struct stream *s,
			 volatile uint64_t *fence, uint64_t value, bool spin)
{
	uint64_t t0, t1;
	uint32_t err;
	int ret;

	/* Copy the packets in first: only the doorbell is timed. */
	for (size_t i = 0; i < s->n;) {
		size_t len = MVGPU_CMD_DWORDS(s->dw[i]);

		ret = mvgpu_ring_emit(&b->ring, s->dw + i, len);
		if (ret)
			die("emit: %s", strerror(-ret));
		i += len;
	}
	t0 = mvgpu_now_ns();
	ret = mvgpu_ring_kick(&b->ring);
	if (ret)
		die("doorbell: %s", strerror(-ret));
	for (unsigned int round = 0; *fence != value; round++) {
		if (spin) {
			if (round % 100000 == 0 && round &&
			    mvgpu_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
				die("vGPU stream timed out");
			continue;
		}
		usleep(50);
		if (round % 1000 == 999) {
			if (!mvgpu_ring_error(&b->ring, &err, NULL) && err)
				die("vGPU queue error %u", err);
			if (mvgpu_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
				die("vGPU stream timed out");
		}
	}
	t1 = mvgpu_now_ns();
	return t1 - t0;
}

/* A stream ending in a FENCE of @value at @base + FENCE_VA. */
static void end_stream(struct stream *s, uint64_t base, uint64_t value)
{
	uint32_t p[8];

	put(s, p, mvgpu_cmd_fence(p, base + FENCE_VA, value, 0));
}

struct result {
	uint64_t native_ns;
	uint64_t vgpu_ns;	/* the same stream, data in VRAM */
	uint64_t sys_ns;	/* relocated to guest memory */
};

/*
 * Runs of the stream built by @build: natively, on the vGPU, and on the
 * vGPU relocated to guest memory, in an order that rotates per run.
 */
static struct result measure(struct bench *b, int reps,
			     void (*build)(struct bench *, struct stream *,
					   uint64_t))
{
	const uint64_t sys_base = mvgpu_dma_gpu_va(&b->sys_mem, 0);
	volatile uint64_t *vram_fence =
		(volatile uint64_t *)((uint8_t *)b->dev.bar2 + FENCE_VA);
	volatile uint64_t *sys_fence =
		(volatile uint64_t *)((uint8_t *)b->sys_mem.cpu + FENCE_VA);
	static struct stream s, sys;
	uint64_t *t[3];
	struct result r;

	for (int k = 0; k < 3; k++) {
		t[k] = calloc(reps, 8);
		if (!t[k])
			die("out of memory");
	}
	for (int i = 0; i < reps; i++) {
		uint64_t value = ++b->fence_seq;

		s.n = 0;
		build(b, &s, 0);
		end_stream(&s, 0, value);
		sys.n = 0;
		build(b, &sys, sys_base);
		end_stream(&sys, sys_base, value);
		for (int k = 0; k < 3; k++) {
			switch ((i + k) % 3) {
			case 0:
				t[0][i] = run_native(b, &s);
				break;
			case 1:
				t[1][i] = run_vgpu(b, &s, vram_fence, value,
						   false);
				break;
			default:
				t[2][i] = run_vgpu(b, &sys, sys_fence, value,
						   false);
				break;
			}
		}
	}
	r.native_ns = percentile(t[0], reps, 50);
	r.vgpu_ns = percentile(t[1], reps, 50);
	r.sys_ns = percentile(t[2], reps, 50);
	for (int k = 0; k < 3; k++)
		free(t[k]);
	return r;
}

static void build_copy(struct bench *b, struct stream *s, uint64_t base)
{
	uint32_t p[16];

	/* 4 MiB ping-pong between [0, 4 MiB) and [8 MiB, 12 MiB). */
	for (int i = 0; i < b->o.copies; i++) {
		uint64_t src = (i & 1) ? 8u << 20 : 0;
		uint64_t dst = (i & 1) ? 0 : 8u << 20;

		put(s, p, mvgpu_cmd_copy(p, base + dst, base + src,
					 COPY_BYTES));
	}
}

static void build_sgemm(struct bench *b, struct stream *s, uint64_t base)
{
	uint32_t p[16], d = b->o.sgemm_dim;

	for (int i = 0; i < b->o.sgemms; i++)
		put(s, p, mvgpu_cmd_sgemm(p, d, d, d, 1.0f, 0.5f, base, d,
					  base + (4u << 20), d,
					  base + (8u << 20), d));
}

static float frand(unsigned int *seed)
{
	return (float)rand_r(seed) / (float)RAND_MAX - 0.5f;
}

/* Inputs of both streams, identical on both paths. */
static void load_inputs(struct bench *b)
{
	size_t words = COPY_BYTES / 4;
	float *buf = malloc(COPY_BYTES);
	unsigned int seed = 1;

	if (!buf)
		die("out of memory");
	for (int part = 0; part < 3; part++) {
		for (size_t i = 0; i < words; i++)
			buf[i] = frand(&seed);
		put_data(b, (uint64_t)part * COPY_BYTES, buf, COPY_BYTES);
	}
	free(buf);
}

/* Every path must have computed the same bytes. */
static void check_same(struct bench *b, uint64_t va, size_t len,
		       const char *what)
{
	uint8_t *nat = malloc(len);

	if (!nat)
		die("out of memory");
	get_native(b, va, nat, len);
	if (memcmp(nat, (uint8_t *)b->dev.bar2 + va, len))
		die("%s: native and vGPU (VRAM) results differ", what);
	if (memcmp(nat, (uint8_t *)b->sys_mem.cpu + va, len))
		die("%s: native and vGPU (guest memory) results differ", what);
	free(nat);
}

/* Latency of one small job, both paths: median and p99 in ns. */
static void latency(struct bench *b, const char *name, bool copy,
		    uint64_t out[4])
{
	volatile uint64_t *fence =
		(volatile uint64_t *)((uint8_t *)b->fence_mem.cpu);
	int n = b->o.lat_iters;
	uint64_t *nat = calloc(n, 8), *vg = calloc(n, 8);
	struct stream *s = calloc(1, sizeof(*s));
	uint32_t p[16];

	if (!nat || !vg || !s)
		die("out of memory");
	for (int i = 0; i < n + 10; i++) {
		uint64_t value = ++b->fence_seq, tn, tv;

		s->n = 0;
		if (copy)
			put(s, p, mvgpu_cmd_copy(p, 0x1000, 0x2000, 64));
		/* The fence the vGPU path polls: guest memory on the vGPU;
		 * the native path returns when the stream is done. */
		put(s, p, mvgpu_cmd_fence(p, copy ? 0x3000 : 0x3008, value, 0));
		tn = run_native(b, s);
		s->n = 0;
		if (copy)
			put(s, p, mvgpu_cmd_copy(p, 0x1000, 0x2000, 64));
		put(s, p, mvgpu_cmd_fence(p, mvgpu_dma_gpu_va(&b->fence_mem, 0),
					  value, 0));
		tv = run_vgpu(b, s, fence, value, true);
		/* The first runs warm up (page pinning, caches). */
		if (i >= 10) {
			nat[i - 10] = tn;
			vg[i - 10] = tv;
		}
	}
	out[0] = percentile(nat, n, 50);
	out[1] = percentile(nat, n, 99);
	out[2] = percentile(vg, n, 50);
	out[3] = percentile(vg, n, 99);
	(void)name;
	free(nat);
	free(vg);
	free(s);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mvgpu-bench [--reps N] [--copies N] [--sgemm-dim N] [--sgemms N]\n"
		"                   [--latency-iters N] [--type TYPE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "copies", required_argument, NULL, 'c' },
		{ "sgemm-dim", required_argument, NULL, 'd' },
		{ "sgemms", required_argument, NULL, 's' },
		{ "latency-iters", required_argument, NULL, 'l' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench bench = {
		.o = { .reps = 9, .copies = 32, .sgemm_dim = 192, .sgemms = 2,
		       .lat_iters = 500, .type = "sixteenth" },
	};
	struct bench *b = &bench;
	struct result copy, gemm;
	uint64_t lat_fence[4], lat_copy[4];
	double copy_bytes, gemm_flops, cr, gr, csr, gsr;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'r': b->o.reps = atoi(optarg); break;
		case 'c': b->o.copies = atoi(optarg); break;
		case 'd': b->o.sgemm_dim = atoi(optarg); break;
		case 's': b->o.sgemms = atoi(optarg); break;
		case 'l': b->o.lat_iters = atoi(optarg); break;
		case 't': b->o.type = optarg; break;
		default: usage();
		}
	}
	if (b->o.reps < 1 || b->o.copies < 1 || b->o.sgemm_dim < 1 ||
	    b->o.sgemm_dim > 1024 || b->o.sgemms < 1 || b->o.lat_iters < 1)
		usage();
	cleanup_bench = b;
	setup(b);
	load_inputs(b);

	/* One run of each first: pages pinned, caches warm, both agree. */
	copy = measure(b, 1, build_copy);
	check_same(b, 0, 12u << 20, "COPY stream");
	gemm = measure(b, 1, build_sgemm);
	check_same(b, 8u << 20, (size_t)b->o.sgemm_dim * b->o.sgemm_dim * 4,
		   "SGEMM stream");

	copy = measure(b, b->o.reps, build_copy);
	gemm = measure(b, b->o.reps, build_sgemm);
	latency(b, "fence", false, lat_fence);
	latency(b, "copy64", true, lat_copy);

	copy_bytes = (double)b->o.copies * COPY_BYTES;
	gemm_flops = 2.0 * b->o.sgemms * b->o.sgemm_dim *
		     (double)b->o.sgemm_dim * b->o.sgemm_dim;
	cr = (double)copy.native_ns / (double)copy.vgpu_ns;
	gr = (double)gemm.native_ns / (double)gemm.vgpu_ns;
	csr = (double)copy.native_ns / (double)copy.sys_ns;
	gsr = (double)gemm.native_ns / (double)gemm.sys_ns;

	printf("mvgpu-bench: pGPU %s, one %s vGPU, %d runs per path (median)\n",
	       b->pgpu, b->o.type, b->o.reps);
	printf("%-24s %12s %12s %12s %9s %9s\n", "workload", "native",
	       "vGPU", "vGPU sysmem", "vGPU/nat", "sys/nat");
	printf("%-24s %7.1f MB/s %7.1f MB/s %7.1f MB/s %9.3f %9.3f\n",
	       "COPY 4 MiB", copy_bytes / copy.native_ns * 1e3,
	       copy_bytes / copy.vgpu_ns * 1e3, copy_bytes / copy.sys_ns * 1e3,
	       cr, csr);
	printf("%-24s %4.1f MFLOP/s %4.1f MFLOP/s %4.1f MFLOP/s %9.3f %9.3f\n",
	       "SGEMM fp32", gemm_flops / gemm.native_ns * 1e3,
	       gemm_flops / gemm.vgpu_ns * 1e3, gemm_flops / gemm.sys_ns * 1e3,
	       gr, gsr);
	printf("\n%-34s %9s    %9s\n", "latency", "native", "vGPU");
	printf("%-34s %9.1f us    %9.1f us\n", "FENCE latency, median",
	       lat_fence[0] / 1e3, lat_fence[2] / 1e3);
	printf("%-34s %9.1f us    %9.1f us\n", "FENCE latency, p99",
	       lat_fence[1] / 1e3, lat_fence[3] / 1e3);
	printf("%-34s %9.1f us    %9.1f us\n", "64 B COPY + FENCE latency, median",
	       lat_copy[0] / 1e3, lat_copy[2] / 1e3);
	printf("%-34s %9.1f us    %9.1f us\n", "64 B COPY + FENCE latency, p99",
	       lat_copy[1] / 1e3, lat_copy[3] / 1e3);

	printf("BENCH copy_native %.1f MB/s\n", copy_bytes / copy.native_ns * 1e3);
	printf("BENCH copy_vgpu %.1f MB/s\n", copy_bytes / copy.vgpu_ns * 1e3);
	printf("BENCH copy_vgpu_native_ratio %.3f ratio\n", cr);
	printf("BENCH copy_vgpu_sysmem %.1f MB/s\n", copy_bytes / copy.sys_ns * 1e3);
	printf("BENCH copy_vgpu_sysmem_native_ratio %.3f ratio\n", csr);
	printf("BENCH sgemm_native %.1f MFLOP/s\n", gemm_flops / gemm.native_ns * 1e3);
	printf("BENCH sgemm_vgpu %.1f MFLOP/s\n", gemm_flops / gemm.vgpu_ns * 1e3);
	printf("BENCH sgemm_vgpu_native_ratio %.3f ratio\n", gr);
	printf("BENCH sgemm_vgpu_sysmem %.1f MFLOP/s\n", gemm_flops / gemm.sys_ns * 1e3);
	printf("BENCH sgemm_vgpu_sysmem_native_ratio %.3f ratio\n", gsr);
	printf("BENCH fence_latency_native_median %.1f us\n", lat_fence[0] / 1e3);
	printf("BENCH fence_latency_native_p99 %.1f us\n", lat_fence[1] / 1e3);
	printf("BENCH fence_latency_vgpu_median %.1f us\n", lat_fence[2] / 1e3);
	printf("BENCH fence_latency_vgpu_p99 %.1f us\n", lat_fence[3] / 1e3);
	printf("BENCH copy64_latency_native_median %.1f us\n", lat_copy[0] / 1e3);
	printf("BENCH copy64_latency_native_p99 %.1f us\n", lat_copy[1] / 1e3);
	printf("BENCH copy64_latency_vgpu_median %.1f us\n", lat_copy[2] / 1e3);
	printf("BENCH copy64_latency_vgpu_p99 %.1f us\n", lat_copy[3] / 1e3);
	cleanup();
	return 0;
}
