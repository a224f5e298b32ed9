// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-sched-bench: how the time-slice scheduler shares a pGPU. Runs as
 * root where mvgpu.ko and mvgpu_sim.ko are loaded (the test VM:
 * tools/bench/run) on idle mvgpu_sim pGPUs. Every vGPU runs a saturating
 * load (tools/lib/mvgpu_load.h: its queue kept full of 1 MiB FILLs in its
 * VRAM, topped up every millisecond). Parts, chosen with --parts:
 *
 * fair      N equal vGPUs (eighth type) under each policy: Jain's fairness
 *           index of their busy time (busy_ns deltas) and of the work they
 *           completed.
 * share     configured against measured shares (busy_ns delta over the
 *           pGPU's engine time): weighted with distinct weights, weighted
 *           with a cap, fixed_share with four type sizes; the share error is
 *           the largest |measured - configured|, in % of the pGPU.
 * switch    work done by two vGPUs sharing the pGPU against the same load
 *           on one vGPU alone, alternately, per slice length: the
 *           throughput lost to switching. Meant for engines=1 (two vGPUs
 *           on one engine).
 * scale     aggregate work of 1, 2, 4, 8, 16 vGPUs on one pGPU against one
 *           of them alone, measured alternately (1 against itself shows
 *           the noise of the host); 32 vGPUs are 16 on each
 *           of two pGPUs, against one vGPU alone on each of them at the
 *           same time.
 * timeline  the mvgpu_sched_switch_in/out tracepoints of four weighted
 *           vGPUs (weights 100 to 400) over a short run, printed as
 *           "TRACE " lines for mvgpu-timeline (tools/bench/run turns them
 *           into an SVG); --trace-* choose other vGPUs and policies.
 *
 * Output: tables, then one line per figure "BENCH <name> <value> <unit>".
 * A benchmark never fails on a figure; it stops with an error only if a
 * load reports a queue error or wrong VRAM contents.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmvgpu.h"
#include "mvgpu_load.h"

#define MAX_VGPUS	32
#define MAX_PGPUS	2
#define UNIT_BYTES	(1u << 20)
#define DEPTH		16
#define WARM_MS		300
#define DRAIN_MS	60000
#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS		"/sys/kernel/debug"

static const char *const policies[] = {
	"best_effort", "equal_share", "fixed_share", "weighted",
};

struct opts {
	char parts[128];
	int seconds_ms;		/* measurement interval */
	int reps;		/* switch: repetitions per slice */
	int fair_vgpus;
	int trace_ms;
	int trace_vgpus;	/* timeline: vGPUs, weights 100, 200, ... */
	const char *trace_policy;
	const char *trace_type;
};

/* One vGPU of the benchmark and its load. */
struct vgpu {
	char uuid[MVGPU_UUID_LEN + 1];
	int pgpu;
	bool created;
	struct mvgpu_load load;
};

struct bench {
	struct opts o;
	char pgpu[MAX_PGPUS][32];
	int num_pgpus;
	uint64_t engines;
	struct vgpu v[MAX_VGPUS];
	int n;
	char watchdog[MAX_PGPUS][16];	/* sched_watchdog_ms to restore */
};

static struct bench *cleanup_bench;

static void release(struct bench *b)
{
	for (int i = b->n - 1; i >= 0; i--) {
		mvgpu_load_close(&b->v[i].load);
		if (b->v[i].created)
			mvgpu_vgpu_remove(b->v[i].uuid);
		b->v[i].created = false;
	}
	b->n = 0;
}

static void pgpu_write(const struct bench *b, int p, const char *attr,
		       const char *val);

static void cleanup(void)
{
	struct bench *b = cleanup_bench;

	if (!b)
		return;
	cleanup_bench = NULL;
	release(b);
	for (int p = 0; p < b->num_pgpus; p++) {
		pgpu_write(b, p, "sched_policy", "best_effort");
		pgpu_write(b, p, "sched_slice_us", "2000");
		if (b->watchdog[p][0])
			pgpu_write(b, p, "sched_watchdog_ms", b->watchdog[p]);
	}
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "mvgpu-sched-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	cleanup();
	exit(1);
}

static int pgpu_try_write(const struct bench *b, int p, const char *attr,
			  const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s/mvgpu/%s",
		 b->pgpu[p], attr);
	return mvgpu_sysfs_write(path, val);
}

static void pgpu_write(const struct bench *b, int p, const char *attr,
		       const char *val)
{
	int ret = pgpu_try_write(b, p, attr, val);

	if (ret && cleanup_bench)
		die("%s: %s=%s: %s", b->pgpu[p], attr, val, strerror(-ret));
}

static void pgpus_write(const struct bench *b, const char *attr,
			const char *val)
{
	for (int p = 0; p < b->num_pgpus; p++)
		pgpu_write(b, p, attr, val);
}

static uint64_t pgpu_read(const struct bench *b, int p, const char *attr)
{
	char path[PATH_MAX];
	uint64_t v;
	int ret;

	snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s/mvgpu/%s",
		 b->pgpu[p], attr);
	ret = mvgpu_sysfs_read_u64(path, &v);
	if (ret)
		die("%s: %s", path, strerror(-ret));
	return v;
}

static void vgpu_write(const struct vgpu *v, const char *attr, uint64_t val)
{
	char path[PATH_MAX], buf[32];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s",
		 v->uuid, attr);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)val);
	ret = mvgpu_sysfs_write(path, buf);
	if (ret)
		die("%s=%s: %s", path, buf, strerror(-ret));
}

static uint64_t vgpu_read(const struct vgpu *v, const char *attr)
{
	char path[PATH_MAX];
	uint64_t val;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s",
		 v->uuid, attr);
	ret = mvgpu_sysfs_read_u64(path, &val);
	if (ret)
		die("%s: %s", path, strerror(-ret));
	return val;
}

/* Idle mvgpu_sim pGPUs (no vGPUs), at most MAX_PGPUS. */
static void find_pgpus(struct bench *b)
{
	char names[16][32], path[PATH_MAX], drv[PATH_MAX];
	uint64_t vgpus;
	int n = mvgpu_list_pgpus(names, 16);

	for (int i = 0; i < n && i < 16 && b->num_pgpus < MAX_PGPUS; i++) {
		ssize_t len;

		snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s/driver",
			 names[i]);
		len = readlink(path, drv, sizeof(drv) - 1);
		if (len < 0)
			continue;
		drv[len] = '\0';
		if (!strstr(drv, "mvgpu_sim"))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/class/mdev_bus/%s/mvgpu/vgpus", names[i]);
		if (mvgpu_sysfs_read_u64(path, &vgpus) || vgpus)
			continue;
		memcpy(b->pgpu[b->num_pgpus++], names[i], 32);
	}
	if (!b->num_pgpus)
		die("no idle mvgpu_sim pGPU");
	b->engines = pgpu_read(b, 0, "engines");
}

/* Create a vGPU of @type on pGPU @p and open its load. */
static struct vgpu *add(struct bench *b, int p, const char *type)
{
	struct vgpu *v;
	int ret;

	if (b->n >= MAX_VGPUS)
		die("too many vGPUs");
	v = &b->v[b->n];
	memset(v, 0, sizeof(*v));
	v->pgpu = p;
	ret = mvgpu_uuid_generate(v->uuid);
	if (!ret)
		ret = mvgpu_vgpu_create(b->pgpu[p], type, v->uuid);
	if (ret)
		die("create a %s vGPU on %s: %s", type, b->pgpu[p],
		    strerror(-ret));
	v->created = true;
	b->n++;
	ret = mvgpu_load_open(&v->load, v->uuid, UNIT_BYTES, DEPTH,
			      0x9e3779b9u * (uint32_t)b->n);
	if (ret)
		die("%s", v->load.why);
	return v;
}

/* Keep vGPUs [0, n) busy for @ms. */
static void pump(struct bench *b, int n, int ms)
{
	uint64_t end = mvgpu_now_ns() + (uint64_t)ms * 1000000;
	unsigned int round = 0;

	do {
		for (int i = 0; i < n; i++) {
			int ret = mvgpu_load_pump(&b->v[i].load);

			if (ret >= 0 && round % 64 == 0)
				ret = mvgpu_load_check(&b->v[i].load);
			if (ret < 0)
				die("vGPU %d: %s", i, b->v[i].load.why);
		}
		round++;
		usleep(1000);
	} while (mvgpu_now_ns() < end);
}

/* Drain and verify vGPUs [0, n). */
static void finish(struct bench *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (mvgpu_load_drain(&b->v[i].load, DRAIN_MS) ||
		    mvgpu_load_verify(&b->v[i].load))
			die("vGPU %d: %s", i, b->v[i].load.why);
	}
}

/* Counters of vGPUs [0, n) over one measured interval. */
struct interval {
	double secs;
	double busy[MAX_VGPUS];		/* seconds */
	double units[MAX_VGPUS];
};

static void measure(struct bench *b, int n, int ms, struct interval *r)
{
	uint64_t t0, t1, busy0[MAX_VGPUS], done0[MAX_VGPUS];

	pump(b, n, WARM_MS);
	t0 = mvgpu_now_ns();
	for (int i = 0; i < n; i++) {
		busy0[i] = vgpu_read(&b->v[i], "busy_ns");
		done0[i] = mvgpu_load_done(&b->v[i].load);
	}
	pump(b, n, ms);
	for (int i = 0; i < n; i++) {
		r->busy[i] = (vgpu_read(&b->v[i], "busy_ns") - busy0[i]) / 1e9;
		r->units[i] = (double)(mvgpu_load_done(&b->v[i].load) -
				       done0[i]);
	}
	t1 = mvgpu_now_ns();
	r->secs = (t1 - t0) / 1e9;
}

static double jain(const double *x, int n)
{
	double s = 0, s2 = 0;

	for (int i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	return s2 > 0 ? s * s / (n * s2) : 0;
}

static double sum(const double *x, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}

/* BENCH lines are kept and printed after the tables. */
static char bench_lines[8192];

static void bench_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void bench_line(const char *fmt, ...)
{
	size_t len = strlen(bench_lines);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bench_lines + len, sizeof(bench_lines) - len, fmt, ap);
	va_end(ap);
}

static void part_fair(struct bench *b)
{
	int n = b->o.fair_vgpus;

	printf("\nFairness: %d equal (eighth) vGPUs saturating, %llu engines, %.1f s per policy\n",
	       n, (unsigned long long)b->engines, b->o.seconds_ms / 1e3);
	printf("%-12s %12s %12s %12s %12s\n", "policy", "Jain busy",
	       "Jain work", "pGPU used", "min/max");
	for (int i = 0; i < n; i++)
		add(b, 0, "eighth");
	for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
		struct interval r;
		double lo = INFINITY, hi = 0, jb, jw, used;

		pgpu_write(b, 0, "sched_policy", policies[p]);
		measure(b, n, b->o.seconds_ms, &r);
		for (int i = 0; i < n; i++) {
			lo = fmin(lo, r.busy[i]);
			hi = fmax(hi, r.busy[i]);
		}
		jb = jain(r.busy, n);
		jw = jain(r.units, n);
		used = sum(r.busy, n) / (r.secs * b->engines);
		printf("%-12s %12.4f %12.4f %11.1f%% %12.3f\n", policies[p], jb,
		       jw, 100 * used, hi > 0 ? lo / hi : 0);
		bench_line("BENCH fairness_%s %.4f index\n", policies[p], jb);
		bench_line("BENCH fairness_work_%s %.4f index\n", policies[p],
			   jw);
	}
	finish(b, n);
	release(b);
	pgpu_write(b, 0, "sched_policy", "best_effort");
}

/* Expected shares: water-filling of weights under per-vGPU limits. */
static void water_fill(int n, const double *w, const double *lim,
		       double *out)
{
	bool fixed[MAX_VGPUS] = { false };
	double rest = 1.0;

	for (;;) {
		double s = 0;
		bool changed = false;

		for (int i = 0; i < n; i++)
			if (!fixed[i])
				s += w[i];
		if (s <= 0)
			return;
		for (int i = 0; i < n; i++) {
			if (fixed[i] || w[i] / s * rest <= lim[i])
				continue;
			out[i] = lim[i];
			fixed[i] = true;
			rest -= lim[i];
			changed = true;
		}
		if (!changed)
			break;
	}
	for (int i = 0; i < n; i++) {
		double s = 0;

		for (int k = 0; k < n; k++)
			if (!fixed[k])
				s += w[k];
		if (!fixed[i])
			out[i] = w[i] / s * rest;
	}
}

struct share_cfg {
	const char *name;
	const char *policy;
	const char *types[4];
	uint32_t weight[4];
	uint32_t cap[4];
};

static const struct share_cfg share_cfgs[] = {
	{ "weighted", "weighted", { "eighth", "eighth", "eighth", "eighth" },
	  { 100, 200, 300, 400 }, { 0 } },
	{ "weighted_cap", "weighted",
	  { "eighth", "eighth", "eighth", "eighth" },
	  { 100, 100, 100, 100 }, { 10, 0, 0, 0 } },
	{ "fixed_share", "fixed_share",
	  { "half", "quarter", "eighth", "sixteenth" }, { 0 }, { 0 } },
};

static void part_share(struct bench *b)
{
	double one = 1.0 / (double)b->engines;

	printf("\nShares (%% of the pGPU, %llu engines, %.1f s each)\n",
	       (unsigned long long)b->engines, b->o.seconds_ms / 1e3);
	printf("%-13s %-10s %6s %4s %10s %10s %10s\n", "config", "type",
	       "weight", "cap", "configured", "measured", "work");
	for (size_t c = 0; c < sizeof(share_cfgs) / sizeof(share_cfgs[0]);
	     c++) {
		const struct share_cfg *cfg = &share_cfgs[c];
		double want[4], w[4], lim[4], err = 0, work_total;
		struct interval r;

		for (int i = 0; i < 4; i++) {
			struct vgpu *v = add(b, 0, cfg->types[i]);

			w[i] = cfg->weight[i] ? cfg->weight[i] : 100;
			lim[i] = cfg->cap[i] ? fmin(one, cfg->cap[i] / 100.0) :
					       one;
			if (cfg->weight[i])
				vgpu_write(v, "sched_weight", cfg->weight[i]);
			if (cfg->cap[i])
				vgpu_write(v, "sched_cap_pct", cfg->cap[i]);
			if (!strcmp(cfg->policy, "fixed_share"))
				want[i] = fmin(one, vgpu_read(v, "sched_share_ppm") /
						    1e6);
		}
		if (strcmp(cfg->policy, "fixed_share"))
			water_fill(4, w, lim, want);
		pgpu_write(b, 0, "sched_policy", cfg->policy);
		measure(b, 4, b->o.seconds_ms, &r);
		/* Work split like the busy time, scaled to what was used. */
		work_total = sum(r.units, 4);
		for (int i = 0; i < 4; i++) {
			double got = r.busy[i] / (r.secs * b->engines);
			double work = work_total > 0 ? r.units[i] / work_total *
				      sum(r.busy, 4) / (r.secs * b->engines) : 0;

			err = fmax(err, fabs(got - want[i]));
			printf("%-13s %-10s %6.0f %3u%% %9.2f%% %9.2f%% %9.2f%%\n",
			       i ? "" : cfg->name, cfg->types[i], w[i],
			       cfg->cap[i], 100 * want[i], 100 * got,
			       100 * work);
		}
		printf("%-13s share error %.2f %% of the pGPU\n", "", 100 * err);
		bench_line("BENCH share_error_%s %.2f %%\n", cfg->name,
			   100 * err);
		finish(b, 4);
		release(b);
	}
	pgpu_write(b, 0, "sched_policy", "best_effort");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void part_switch(struct bench *b)
{
	static const int slices[] = { 100, 500, 2000, 10000 };

	printf("\nSwitch loss: 2 vGPUs sharing the pGPU (%llu engine%s) against 1 alone, %d x %.1f s each, median\n",
	       (unsigned long long)b->engines, b->engines == 1 ? "" : "s",
	       b->o.reps, b->o.seconds_ms / 1e3);
	if (b->engines != 1)
		printf("(with %llu engines two vGPUs do not share one: load mvgpu_sim with engines=1)\n",
		       (unsigned long long)b->engines);
	printf("%10s %14s %14s %10s %14s\n", "slice", "alone MiB/s",
	       "shared MiB/s", "loss", "switches/s");
	add(b, 0, "eighth");
	add(b, 0, "eighth");
	for (size_t s = 0; s < sizeof(slices) / sizeof(slices[0]); s++) {
		double alone[16], shared[16], sw[16], a, sh, loss;
		char val[16];
		int reps = b->o.reps > 16 ? 16 : b->o.reps;

		snprintf(val, sizeof(val), "%d", slices[s]);
		pgpu_write(b, 0, "sched_slice_us", val);
		for (int r = 0; r < reps; r++) {
			struct interval one, two;
			uint64_t p0, p1;

			finish(b, 2);
			measure(b, 1, b->o.seconds_ms, &one);
			finish(b, 1);
			p0 = pgpu_read(b, 0, "sched_preemptions");
			measure(b, 2, b->o.seconds_ms, &two);
			p1 = pgpu_read(b, 0, "sched_preemptions");
			alone[r] = one.units[0] * UNIT_BYTES / one.secs /
				   (1 << 20);
			shared[r] = sum(two.units, 2) * UNIT_BYTES / two.secs /
				    (1 << 20);
			sw[r] = (p1 - p0) / two.secs;
		}
		a = median(alone, reps);
		sh = median(shared, reps);
		loss = a > 0 ? 100 * (1 - sh / a) : 0;
		printf("%8d us %14.1f %14.1f %9.2f%% %14.0f\n", slices[s], a, sh,
		       loss, median(sw, reps));
		bench_line("BENCH switch_loss_%dus %.2f %%\n", slices[s], loss);
	}
	finish(b, 2);
	release(b);
	pgpus_write(b, "sched_slice_us", "2000");
}

static void part_scale(struct bench *b)
{
	static const int counts[] = { 1, 2, 4, 8, 16, 32 };
	int reps = b->o.reps > 16 ? 16 : b->o.reps;

	printf("\nScaling: aggregate work of N saturating vGPUs against 1 vGPU alone per pGPU (%llu engine%s per pGPU), %d x %.1f s each, alternating, median ratio\n",
	       (unsigned long long)b->engines, b->engines == 1 ? "" : "s",
	       reps, b->o.seconds_ms / 1e3);
	printf("%6s %8s %16s %16s %10s\n", "vGPUs", "pGPUs", "alone MiB/s",
	       "all MiB/s", "ratio");
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		int n = counts[c], np = n > 16 ? 2 : 1;
		double alone[16], all[16], ratio[16], a, r;

		if (np > b->num_pgpus) {
			printf("%6d %8d   (needs %d idle pGPUs)\n", n, np, np);
			continue;
		}
		/* The first np vGPUs, one per pGPU, also run alone. */
		for (int i = 0; i < n; i++)
			add(b, i % np, "sixteenth");
		for (int k = 0; k < reps; k++) {
			struct interval one, every;

			measure(b, np, b->o.seconds_ms, &one);
			finish(b, np);
			measure(b, n, b->o.seconds_ms, &every);
			finish(b, n);
			alone[k] = sum(one.units, np) * UNIT_BYTES / one.secs /
				   (1 << 20);
			all[k] = sum(every.units, n) * UNIT_BYTES / every.secs /
				 (1 << 20);
			ratio[k] = alone[k] > 0 ? all[k] / alone[k] : 0;
		}
		a = median(alone, reps);
		r = median(ratio, reps);
		printf("%6d %8d %16.1f %16.1f %10.3f\n", n, np, a,
		       median(all, reps), r);
		bench_line("BENCH scale_%d_vgpus %.3f ratio\n", n, r);
		release(b);
	}
}

/* tracefs directory, mounted if needed. */
static void tracefs_dir(char *dir, size_t len)
{
	struct stat st;

	if (!stat(TRACEFS "/events", &st)) {
		snprintf(dir, len, "%s", TRACEFS);
		return;
	}
	if (!stat(DEBUGFS "/tracing/events", &st)) {
		snprintf(dir, len, "%s", DEBUGFS "/tracing");
		return;
	}
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		die("cannot mount tracefs: %s", strerror(errno));
	snprintf(dir, len, "%s", TRACEFS);
}

static void trace_write(const char *dir, const char *file, const char *val)
{
	char path[2 * PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = mvgpu_sysfs_write(path, val);
	if (ret)
		die("%s: %s", path, strerror(-ret));
}

/* The pGPU's number in the tracepoints: first line of its debugfs table. */
static long pgpu_trace_id(const struct bench *b)
{
	char path[PATH_MAX], line[256];
	struct stat st;
	long id = -1;
	FILE *f;

	if (stat(DEBUGFS "/mvgpu", &st))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	snprintf(path, sizeof(path), DEBUGFS "/mvgpu/%s/sched", b->pgpu[0]);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fgets(line, sizeof(line), f) && !strncmp(line, "pgpu ", 5))
		id = strtol(line + 5, NULL, 10);
	fclose(f);
	if (id < 0)
		die("%s: no pGPU number", path);
	return id;
}

static void part_timeline(struct bench *b)
{
	int n = b->o.trace_vgpus;
	char dir[PATH_MAX], path[PATH_MAX + 16], line[1024], pat[32];
	long id = pgpu_trace_id(b);
	FILE *f;
	int lines = 0;

	tracefs_dir(dir, sizeof(dir));
	snprintf(pat, sizeof(pat), " pgpu=%ld ", id);
	for (int i = 0; i < n; i++) {
		struct vgpu *v = add(b, 0, b->o.trace_type);

		vgpu_write(v, "sched_weight", 100 * (i + 1));
		printf("TRACE vgpu pgpu=%ld ctx=%llu label=vGPU%d-weight-%d\n",
		       id, (unsigned long long)vgpu_read(v, "context"),
		       i, 100 * (i + 1));
	}
	pgpu_write(b, 0, "sched_policy", b->o.trace_policy);
	pump(b, n, WARM_MS);
	trace_write(dir, "tracing_on", "0");
	trace_write(dir, "trace", "\n");
	trace_write(dir, "events/mvgpu/mvgpu_sched_switch_in/enable", "1");
	trace_write(dir, "events/mvgpu/mvgpu_sched_switch_out/enable", "1");
	trace_write(dir, "tracing_on", "1");
	pump(b, n, b->o.trace_ms);
	trace_write(dir, "tracing_on", "0");
	trace_write(dir, "events/mvgpu/mvgpu_sched_switch_in/enable", "0");
	trace_write(dir, "events/mvgpu/mvgpu_sched_switch_out/enable", "0");
	trace_write(dir, "tracing_on", "1");
	finish(b, n);
	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strstr(line, "mvgpu_sched_switch_") ||
		    !strstr(line, pat))
			continue;
		printf("TRACE %s", line);
		lines++;
	}
	fclose(f);
	release(b);
	pgpu_write(b, 0, "sched_policy", "best_effort");
	printf("\nTimeline: %d switch events of %d %s vGPUs (weights 100, 200, ...), %s, over %d ms\n",
	       lines, n, b->o.trace_type, b->o.trace_policy, b->o.trace_ms);
	bench_line("BENCH timeline_events %d count\n", lines);
}

static bool want(const struct bench *b, const char *part)
{
	char list[sizeof(b->o.parts)], *tok, *save;

	snprintf(list, sizeof(list), "%s", b->o.parts);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, part))
			return true;
	return false;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mvgpu-sched-bench [--parts fair,share,switch,scale,timeline]\n"
		"                         [--seconds S] [--reps N] [--fair-vgpus N] [--trace-ms MS]\n"
		"                         [--trace-vgpus N] [--trace-policy P] [--trace-type T]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "parts", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "fair-vgpus", required_argument, NULL, 'f' },
		{ "trace-ms", required_argument, NULL, 't' },
		{ "trace-vgpus", required_argument, NULL, 'v' },
		{ "trace-policy", required_argument, NULL, 'P' },
		{ "trace-type", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench bench = {
		.o = { .parts = "fair,share,switch,scale,timeline",
		       .seconds_ms = 1500, .reps = 5, .fair_vgpus = 8,
		       .trace_ms = 100, .trace_vgpus = 4,
		       .trace_policy = "weighted", .trace_type = "eighth" },
	};
	struct bench *b = &bench;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			snprintf(b->o.parts, sizeof(b->o.parts), "%s", optarg);
			break;
		case 's': b->o.seconds_ms = (int)(atof(optarg) * 1000); break;
		case 'r': b->o.reps = atoi(optarg); break;
		case 'f': b->o.fair_vgpus = atoi(optarg); break;
		case 't': b->o.trace_ms = atoi(optarg); break;
		case 'v': b->o.trace_vgpus = atoi(optarg); break;
		case 'P': b->o.trace_policy = optarg; break;
		case 'T': b->o.trace_type = optarg; break;
		default: usage();
		}
	}
	if (b->o.seconds_ms < 100 || b->o.reps < 1 || b->o.fair_vgpus < 2 ||
	    b->o.fair_vgpus > 8 || b->o.trace_ms < 10 ||
	    b->o.trace_vgpus < 1 || b->o.trace_vgpus > 8)
		usage();
	find_pgpus(b);
	cleanup_bench = b;
	/*
	 * No hang watchdog while measuring: under TCG the host stalls the
	 * VM for long enough that a vGPU waiting behind many others is taken
	 * for hung, and the benchmark is about sharing, not about hangs.
	 */
	for (int p = 0; p < b->num_pgpus; p++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path),
			 "/sys/class/mdev_bus/%s/mvgpu/sched_watchdog_ms",
			 b->pgpu[p]);
		if (mvgpu_sysfs_read(path, b->watchdog[p],
				    sizeof(b->watchdog[p])) < 0)
			die("%s: cannot read", path);
		pgpu_write(b, p, "sched_watchdog_ms", "0");
	}
	printf("mvgpu-sched-bench: pGPU%s %s%s%s, %llu engine%s each, parts %s\n",
	       b->num_pgpus > 1 ? "s" : "", b->pgpu[0],
	       b->num_pgpus > 1 ? " " : "", b->num_pgpus > 1 ? b->pgpu[1] : "",
	       (unsigned long long)b->engines, b->engines == 1 ? "" : "s",
	       b->o.parts);
	if (want(b, "fair"))
		part_fair(b);
	if (want(b, "share"))
		part_share(b);
	if (want(b, "switch"))
		part_switch(b);
	if (want(b, "scale"))
		part_scale(b);
	if (want(b, "timeline"))
		part_timeline(b);
	fputs(bench_lines, stdout);
	cleanup();
	return 0;
}
