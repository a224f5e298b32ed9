// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: the time-slice scheduler.
 *
 * "Saturating" vGPUs keep their queue full of FILL units in their own VRAM
 * (tools/lib/mvgpu_load.h): a loop tops every queue up each millisecond.
 * Shares are measured from the vGPUs' busy_ns deltas over an interval, as
 * fractions of the time of the whole pGPU (all its engines), and compared
 * with what the policy promises; the units each vGPU completed must agree
 * with its busy time, and every load checks its VRAM contents at the end.
 * The tolerances (25 % of a share plus 1.5 % of the pGPU, up to three
 * measurements) leave room for TCG on a loaded host, while a wrong policy
 * is off by a factor of two or more in every configuration below. A slice
 * the host stretches by stalling the VM is charged in full to whoever ran,
 * so a scheduler must not let such a charge starve a vGPU for long.
 *
 * Also: a lone vGPU under best_effort and fixed_share, the latency of a
 * light vGPU's small job among saturating ones, the hang watchdog and
 * recovery while other vGPUs keep computing correct results, invalid
 * settings, policy and slice changes under load, the accounting counters,
 * the tracepoints and the debugfs table. Runs as root in the test VM
 * (tools/vm/run) with mvgpu.ko and mvgpu_sim.ko loaded.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"
#include "mvgpu_gpu.h"
#include "mvgpu_load.h"

#define MAX_LOADS	9
#define UNIT_BYTES	(1u << 20)	/* one FILL unit: 16 chunks */
#define DEPTH		16		/* units queued per saturating vGPU */
#define WARM_MS		400
#define MEASURE_MS	1500
#define DRAIN_MS	30000
#define REL_TOL		0.25		/* of the expected share */
#define ABS_TOL		0.015		/* of the pGPU */
#define RATE_TOL	2.5		/* work per busy second, vs the mean */
#define ROUNDS		3		/* measurements before a share fails */
#define SLICE_DEFAULT	"2000"
#define WATCHDOG_DEFAULT "2000"
#define EVENT_MS	5000
#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS		"/sys/kernel/debug"

/* Everything a scheduler test sets up; torn down by env_teardown(). */
struct sched_env {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_load load[MAX_LOADS];
	char uuid[MAX_LOADS][MVGPU_UUID_LEN + 1];
	int n;
	int kmsg;
	bool picked;
};

/* One reading of every vGPU's counters. */
struct sample {
	uint64_t t;
	uint64_t busy[MAX_LOADS];
	uint64_t turns[MAX_LOADS];	/* preemptions: slices with work left */
	uint64_t done[MAX_LOADS];
	uint64_t pgpu_before;		/* sched_busy_ns before the vGPUs' */
	uint64_t pgpu_after;		/* and after */
};

static int pgpu_path(const struct sched_env *e, const char *attr, char *path,
		     size_t len)
{
	int n = snprintf(path, len, MDEV_BUS_CLASS "/%s/mvgpu/%s", e->pg.name,
			 attr);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int pgpu_set(const struct sched_env *e, const char *attr,
		    const char *val)
{
	char path[PATH_MAX];
	int ret = pgpu_path(e, attr, path, sizeof(path));

	return ret ? ret : mvgpu_sysfs_write(path, val);
}

static int pgpu_get(const struct sched_env *e, const char *attr, char *buf,
		    size_t len)
{
	char path[PATH_MAX];
	int ret = pgpu_path(e, attr, path, sizeof(path));

	return ret ? ret : mvgpu_sysfs_read(path, buf, len);
}

static uint64_t pgpu_u64(const struct sched_env *e, const char *attr)
{
	uint64_t v = UINT64_MAX;

	pgpu_attr(e->pg.name, attr, &v);
	return v;
}

static int vgpu_set(const char *uuid, const char *attr, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mvgpu/%s", uuid, attr);
	return mvgpu_sysfs_write(path, val);
}

static int vgpu_get(const char *uuid, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mvgpu/%s", uuid, attr);
	return mvgpu_sysfs_read(path, buf, len);
}

static uint64_t vgpu_u64(const char *uuid, const char *attr)
{
	char path[PATH_MAX];
	uint64_t v = UINT64_MAX;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mvgpu/%s", uuid, attr);
	mvgpu_sysfs_read_u64(path, &v);
	return v;
}

static int set_u32(int (*set)(const char *, const char *, const char *),
		   const char *who, const char *attr, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	return set(who, attr, buf);
}

/* The pGPU's scheduler settings back to their defaults. */
static int sched_defaults(const struct sched_env *e)
{
	int ret = pgpu_set(e, "sched_policy", "best_effort");

	if (!ret)
		ret = pgpu_set(e, "sched_slice_us", SLICE_DEFAULT);
	if (!ret)
		ret = pgpu_set(e, "sched_watchdog_ms", WATCHDOG_DEFAULT);
	return ret;
}

static void env_setup(struct __test_metadata *_metadata, struct sched_env *e)
{
	int ret;

	catch_crashes(_metadata);
	memset(e, 0, sizeof(*e));
	e->kmsg = kmsg_open();
	ret = pgpu_pick_empty(&e->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU: %s", strerror(-ret));
	e->picked = true;
	ret = sched_defaults(e);
	ASSERT_EQ(0, ret) TH_LOG("%s: scheduler settings: %s", e->pg.name,
				 strerror(-ret));
}

static void env_teardown(struct __test_metadata *_metadata,
			 struct sched_env *e)
{
	char why[WHY_LEN];

	for (int i = 0; i < e->n; i++)
		mvgpu_load_close(&e->load[i]);
	EXPECT_EQ(0, vgpus_remove_all(&e->vl));
	if (e->picked)
		EXPECT_EQ(0, sched_defaults(e));
	EXPECT_EQ(0, kmsg_clean(e->kmsg, why, sizeof(why))) TH_LOG("%s", why);
	if (e->kmsg >= 0)
		close(e->kmsg);
}

/* Create a vGPU of @type with @weight and @cap_pct (0: leave default). */
static int env_add(struct sched_env *e, const char *type, uint32_t weight,
		   uint32_t cap_pct)
{
	int i = e->n, ret;

	if (i >= MAX_LOADS)
		return -ENOSPC;
	ret = vgpus_create(&e->vl, e->pg.name, type, e->uuid[i]);
	if (!ret && weight)
		ret = set_u32(vgpu_set, e->uuid[i], "sched_weight", weight);
	if (!ret && cap_pct)
		ret = set_u32(vgpu_set, e->uuid[i], "sched_cap_pct", cap_pct);
	if (!ret)
		e->n++;
	return ret;
}

/* Open loads [first, e->n) with @unit bytes and @depth units queued. */
static int env_open(struct sched_env *e, int first, uint32_t unit,
		    uint32_t depth, char *why, size_t len)
{
	for (int i = first; i < e->n; i++) {
		int ret = mvgpu_load_open(&e->load[i], e->uuid[i], unit, depth,
					  0x1000193u * (uint32_t)(i + 1));

		if (ret) {
			snprintf(why, len, "load %d: %s", i, e->load[i].why);
			return ret;
		}
	}
	return 0;
}

/* Keep loads [0, @count) busy for @ms milliseconds. */
static int pump(struct sched_env *e, int count, int ms, char *why, size_t len)
{
	uint64_t end = mvgpu_now_ns() + (uint64_t)ms * 1000000;
	unsigned int round = 0;
	int ret;

	do {
		for (int i = 0; i < count; i++) {
			ret = mvgpu_load_pump(&e->load[i]);
			if (ret >= 0 && round % 32 == 0)
				ret = mvgpu_load_check(&e->load[i]);
			if (ret < 0) {
				snprintf(why, len, "load %d: %s", i,
					 e->load[i].why);
				return ret;
			}
		}
		round++;
		usleep(1000);
	} while (mvgpu_now_ns() < end);
	return 0;
}

/* Drain and verify loads [0, @count). */
static int finish(struct sched_env *e, int count, char *why, size_t len)
{
	for (int i = 0; i < count; i++) {
		int ret = mvgpu_load_drain(&e->load[i], DRAIN_MS);

		if (!ret)
			ret = mvgpu_load_verify(&e->load[i]);
		if (ret) {
			snprintf(why, len, "load %d: %s", i, e->load[i].why);
			return ret;
		}
	}
	return 0;
}

static void sample_take(struct sched_env *e, int count, struct sample *s)
{
	s->t = mvgpu_now_ns();
	s->pgpu_before = pgpu_u64(e, "sched_busy_ns");
	for (int i = 0; i < count; i++) {
		s->busy[i] = vgpu_u64(e->uuid[i], "busy_ns");
		s->turns[i] = vgpu_u64(e->uuid[i], "preemptions");
		s->done[i] = mvgpu_load_done(&e->load[i]);
	}
	s->pgpu_after = pgpu_u64(e, "sched_busy_ns");
}

static int cmp_u64_test(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Fraction of the pGPU's time vGPU @i was busy between @a and @b. */
static double share_of(const struct sched_env *e, const struct sample *a,
		       const struct sample *b, int i)
{
	return (double)(b->busy[i] - a->busy[i]) /
	       ((double)(b->t - a->t) * (double)e->pg.engines);
}

/*
 * Water-filling: @total of the pGPU shared in proportion to @weight, no
 * entity above its @limit, what a capped entity cannot take going to the
 * others.
 */
static void water_fill(int n, const double *weight, const double *limit,
		       double total, double *out)
{
	bool fixed[MAX_LOADS] = { false };
	double rest = total;

	for (;;) {
		double sum = 0;
		bool changed = false;

		for (int i = 0; i < n; i++)
			if (!fixed[i])
				sum += weight[i];
		if (sum <= 0)
			return;
		for (int i = 0; i < n; i++) {
			if (fixed[i] || weight[i] / sum * rest <= limit[i])
				continue;
			out[i] = limit[i];
			fixed[i] = true;
			rest -= limit[i];
			changed = true;
		}
		if (changed)
			continue;
		for (int i = 0; i < n; i++)
			if (!fixed[i])
				out[i] = weight[i] / sum * rest;
		return;
	}
}

/* What @policy promises @n saturating vGPUs of @e, in pGPU fractions. */
static void expected_shares(const struct sched_env *e, const char *policy,
			    const uint32_t *weight, const uint32_t *cap,
			    double *out)
{
	double one = 1.0 / (double)e->pg.engines, w[MAX_LOADS], lim[MAX_LOADS];

	for (int i = 0; i < e->n; i++) {
		double ppm = (double)vgpu_u64(e->uuid[i], "sched_share_ppm");

		w[i] = 1;
		lim[i] = one;
		if (!strcmp(policy, "fixed_share")) {
			out[i] = fmin(ppm / 1e6, one);
		} else if (!strcmp(policy, "weighted")) {
			w[i] = weight[i] ? weight[i] : 100;
			if (cap[i])
				lim[i] = fmin(one, cap[i] / 100.0);
		}
	}
	if (strcmp(policy, "fixed_share"))
		water_fill(e->n, w, lim, 1.0, out);
}

/* ----------------------------------------------------------------------
 * Shares of 2, 4 and 8 saturating vGPUs under each policy.
 */

FIXTURE(shares) {
	struct sched_env e;
};

FIXTURE_VARIANT(shares) {
	const char *policy;
	int n;
	const char *types[8];
	uint32_t weight[8];
	uint32_t cap[8];
};

/*
 * Type mixes: a fixed_share gives every one of them something different
 * from an equal split, and the eight fit a 256 MiB, 64-queue pGPU.
 */
#define MIX2 { "eighth", "sixteenth" }
#define MIX4 { "quarter", "quarter", "eighth", "sixteenth" }
#define MIX8 { "quarter", "eighth", "eighth", "eighth", "eighth", "eighth", \
	       "sixteenth", "sixteenth" }

#define SHARES(pol, count, mix, ...)					\
	FIXTURE_VARIANT_ADD(shares, pol##_##count) {			\
		.policy = #pol, .n = count, .types = mix, __VA_ARGS__	\
	}

SHARES(best_effort, 2, MIX2);
SHARES(best_effort, 4, MIX4);
SHARES(best_effort, 8, MIX8);
SHARES(equal_share, 2, MIX2);
SHARES(equal_share, 4, MIX4);
SHARES(equal_share, 8, MIX8);
SHARES(fixed_share, 2, MIX2);
SHARES(fixed_share, 4, MIX4);
SHARES(fixed_share, 8, MIX8);
/* With two engines a 1:3 split would exceed one engine: the cap decides. */
SHARES(weighted, 2, MIX2, .weight = { 100, 300 }, .cap = { 0, 20 });
SHARES(weighted, 4, MIX4, .weight = { 100, 200, 300, 400 });
SHARES(weighted, 8, MIX8,
       .weight = { 100, 100, 100, 100, 200, 200, 400, 800 },
       .cap = { 0, 0, 0, 0, 0, 0, 0, 25 });

FIXTURE_SETUP(shares)
{
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(shares)
{
	env_teardown(_metadata, &self->e);
}

/*
 * One measurement of loads [0, e->n) against @want: every share within
 * tolerance, the pGPU's busy time the sum of its vGPUs', work per busy
 * second alike for every vGPU. Logs what it saw; true if all held.
 *
 * With @by_turns (best_effort), a share is the vGPU's fraction of the
 * slices (its preemptions: a saturating vGPU ends every slice with work
 * left) times the pGPU time used: round robin promises every vGPU a full
 * slice in turn, and a slice the host stretches by stalling the VM is
 * charged in full to whoever ran, which round robin does not make up for.
 */
static bool shares_round(struct __test_metadata *_metadata,
			 struct sched_env *e, const double *want, bool by_turns,
			 int round, char *why, size_t len)
{
	double got[MAX_LOADS], rate[MAX_LOADS], sum_rate = 0, used = 0;
	uint64_t busy_sum = 0, turns = 0;
	struct sample a, b;
	bool ok = true;
	int rated = 0;

	if (pump(e, e->n, round ? WARM_MS / 4 : WARM_MS, why, len))
		return false;
	sample_take(e, e->n, &a);
	if (pump(e, e->n, MEASURE_MS, why, len))
		return false;
	sample_take(e, e->n, &b);
	for (int i = 0; i < e->n; i++) {
		used += share_of(e, &a, &b, i);
		turns += b.turns[i] - a.turns[i];
	}
	for (int i = 0; i < e->n; i++) {
		uint64_t busy = b.busy[i] - a.busy[i];
		uint64_t done = b.done[i] - a.done[i];

		got[i] = share_of(e, &a, &b, i);
		if (by_turns && e->n > 1) {
			TH_LOG("round %d: vGPU %d/%d: busy share %.3f, %llu slices",
			       round, i, e->n, got[i],
			       (unsigned long long)(b.turns[i] - a.turns[i]));
			got[i] = turns ? used * (double)(b.turns[i] - a.turns[i]) /
					 (double)turns : 0;
		}
		busy_sum += busy;
		rate[i] = done >= 10 && busy ? (double)done / (double)busy : 0;
		sum_rate += rate[i];
		rated += rate[i] > 0;
		TH_LOG("round %d: vGPU %d/%d: share %.3f, expected %.3f, %llu units",
		       round, i, e->n, got[i], want[i],
		       (unsigned long long)done);
		if (fabs(got[i] - want[i]) > REL_TOL * want[i] + ABS_TOL) {
			TH_LOG("round %d: vGPU %d out of tolerance", round, i);
			ok = false;
		}
	}
	/* Slices charged while the counters were read fall in between. */
	if (busy_sum > b.pgpu_after - a.pgpu_before ||
	    busy_sum < b.pgpu_before - a.pgpu_after) {
		TH_LOG("round %d: pGPU busy %llu..%llu ns, its vGPUs %llu ns",
		       round,
		       (unsigned long long)(b.pgpu_before - a.pgpu_after),
		       (unsigned long long)(b.pgpu_after - a.pgpu_before),
		       (unsigned long long)busy_sum);
		ok = false;
	}
	for (int i = 0; i < e->n && rated; i++) {
		double mean = sum_rate / rated;

		if (rate[i] && (rate[i] < mean / RATE_TOL ||
				rate[i] > mean * RATE_TOL)) {
			TH_LOG("round %d: vGPU %d: %.1f units per busy second, mean %.1f",
			       round, i, rate[i] * 1e9, mean * 1e9);
			ok = false;
		}
	}
	return ok;
}

/*
 * Shares of loads [0, e->n) against @want, measured up to ROUNDS times:
 * a host that stalls the VM's CPUs in the middle of one vGPU's slice
 * charges that stall to it, so one round may be off; a wrong policy is
 * off in every round. Returns 0 when a round held, else -1 (@why set if
 * a load failed).
 */
static int check_shares(struct __test_metadata *_metadata,
			struct sched_env *e, const double *want, bool by_turns,
			char *why, size_t len)
{
	for (int round = 0; round < ROUNDS; round++) {
		if (shares_round(_metadata, e, want, by_turns, round, why, len))
			return finish(e, e->n, why, len);
		if (why[0])
			return -1;
	}
	return -1;
}

TEST_S_TIMEOUT(shares, measured, 150)
{
	struct sched_env *e = &self->e;
	double want[MAX_LOADS];
	char why[WHY_LEN] = "";

	for (int i = 0; i < variant->n; i++) {
		ASSERT_EQ(0, env_add(e, variant->types[i], variant->weight[i],
				     variant->cap[i]))
			TH_LOG("vGPU %d (%s)", i, variant->types[i]);
	}
	ASSERT_EQ(0, pgpu_set(e, "sched_policy", variant->policy));
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, DEPTH, why, sizeof(why)))
		TH_LOG("%s", why);
	expected_shares(e, variant->policy, variant->weight, variant->cap,
			want);
	for (int i = 0; i < e->n; i++)
		TH_LOG("%s: vGPU %d: %s, weight %u, cap %u%%", variant->policy, i,
		       variant->types[i],
		       variant->weight[i] ? variant->weight[i] : 100,
		       variant->cap[i]);
	ASSERT_EQ(0, check_shares(_metadata, e, want,
				  !strcmp(variant->policy, "best_effort"), why,
				  sizeof(why)))
		TH_LOG("%s", why[0] ? why : "shares out of tolerance in every round");
}

/* ----------------------------------------------------------------------
 * Single-purpose tests on one pGPU.
 */

FIXTURE(sched) {
	struct sched_env e;
	struct gpu g;			/* a vGPU driven packet by packet */
	struct bystander by[2];
	int efd;			/* MSI of @g */
};

FIXTURE_SETUP(sched)
{
	self->efd = -1;
	memset(&self->g, 0, sizeof(self->g));
	memset(self->by, 0, sizeof(self->by));
	env_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(sched)
{
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(0, bystander_stop(&self->by[i]))
			TH_LOG("bystander %d: %s", i, self->by[i].why);
	}
	gpu_close(&self->g);
	if (self->efd >= 0)
		close(self->efd);
	env_teardown(_metadata, &self->e);
}

/* Alone, a vGPU gets one whole engine under best_effort. */
TEST_S(sched, lone_best_effort)
{
	struct sched_env *e = &self->e;
	char why[WHY_LEN] = "";
	double want = 1.0 / (double)e->pg.engines;

	ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, DEPTH, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, check_shares(_metadata, e, &want, false, why,
				  sizeof(why)))
		TH_LOG("%s", why[0] ? why : "share out of tolerance in every round");
}

/* Alone, a vGPU gets only its type's share under fixed_share. */
TEST_S(sched, lone_fixed_share)
{
	struct sched_env *e = &self->e;
	char why[WHY_LEN] = "";
	double want;

	ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	ASSERT_EQ(0, pgpu_set(e, "sched_policy", "fixed_share"));
	ASSERT_EQ(1000000 / 8, vgpu_u64(e->uuid[0], "sched_share_ppm"));
	want = fmin(0.125, 1.0 / (double)e->pg.engines);
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, DEPTH, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, check_shares(_metadata, e, &want, false, why,
				  sizeof(why)))
		TH_LOG("%s", why[0] ? why : "share out of tolerance in every round");
}

/*
 * A light vGPU's small job waits for at most a few slices while others
 * saturate: with S saturating vGPUs and E engines, round robin reaches it
 * after about S / E slices. The bound allows twice S + 1 slices and 30 ms
 * for TCG. A scheduler that ran each queue until empty would make it wait
 * for a whole saturating queue (64 ms of work, refilled all the time).
 */
TEST_S_TIMEOUT(sched, light_latency, 60)
{
	struct sched_env *e = &self->e;
	const int sat = 4, samples = 25, slice_us = 1000;
	uint64_t lat[25], bound_ns;
	struct mvgpu_load *light;
	char why[WHY_LEN] = "";

	for (int i = 0; i < sat; i++) {
		ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	}
	ASSERT_EQ(0, env_add(e, "sixteenth", 0, 0));
	ASSERT_EQ(0, pgpu_set(e, "sched_slice_us", "1000"));
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, 64, why, sizeof(why)))
		TH_LOG("%s", why);
	light = &e->load[sat];
	light->unit_bytes = 64 * 1024;
	light->depth = 1;
	ASSERT_EQ(0, pump(e, sat, WARM_MS, why, sizeof(why))) TH_LOG("%s", why);
	for (int s = 0; s < samples; s++) {
		uint64_t t0, target;

		ASSERT_EQ(0, pump(e, sat, 10 + s % 7, why, sizeof(why)))
			TH_LOG("%s", why);
		t0 = mvgpu_now_ns();
		ASSERT_EQ(1, mvgpu_load_pump(light)) TH_LOG("%s", light->why);
		target = light->emitted;
		while (mvgpu_load_done(light) < target) {
			for (int i = 0; i < sat; i++) {
				ASSERT_LE(0, mvgpu_load_pump(&e->load[i]));
			}
			ASSERT_GT(t0 + 20000000000ull, mvgpu_now_ns())
				TH_LOG("light job %d not done after 20 s", s);
			usleep(100);
		}
		lat[s] = mvgpu_now_ns() - t0;
	}
	qsort(lat, samples, sizeof(lat[0]), cmp_u64_test);
	bound_ns = 2ull * (sat + 1) * slice_us * 1000 /
		   (e->pg.engines ? e->pg.engines : 1) + 30000000;
	TH_LOG("light job latency with %d saturating vGPUs, %d us slices: median %.1f ms, max %.1f ms, bound %.1f ms",
	       sat, slice_us, lat[samples / 2] / 1e6, lat[samples - 1] / 1e6,
	       bound_ns / 1e6);
	EXPECT_GE(bound_ns, lat[samples / 2]);
	ASSERT_EQ(0, finish(e, sat + 1, why, sizeof(why))) TH_LOG("%s", why);
}

/* Out of line: GCC sees overlaps that are not there when it inlines. */
static __attribute__((noinline)) int by_start(struct bystander *b,
					      const char *uuid)
{
	return bystander_start(b, uuid, 5);
}

/* FILL in VRAM, COPY to guest memory, both checked: the queue works. */
static int gpu_works(struct gpu *g, uint32_t value)
{
	uint32_t p[32];
	size_t n;
	int ret;

	memset(g->sys.cpu, 0, 4096);
	n = mvgpu_cmd_fill(p, 0x1000, 4096, value);
	n += mvgpu_cmd_copy(p + n, SYS_VA, 0x1000, 4096);
	ret = gpu_exec(g, 0, p, n);
	if (ret)
		return ret;
	for (int i = 0; i < 4096; i++) {
		const uint8_t *b = g->sys.cpu;

		if (b[i] != (uint8_t)(value >> (8 * (i % 4)))) {
			gpu_why(g, "byte %d is 0x%02x after FILL 0x%08x", i,
				b[i], value);
			return -EIO;
		}
	}
	return 0;
}

/*
 * The watchdog (500 ms here: the host running this VM under TCG may stall
 * its CPUs for hundreds of milliseconds, which a shorter timeout takes for
 * hangs of whoever waits meanwhile) stops a queue whose WAIT never holds with
 * MVGPU_ERR_HANG, reported to that vGPU alone (queue registers, error
 * block, ERROR interrupt, its reset counter); long work that progresses
 * and a WAIT released in time are left alone; the queue runs again after
 * it is disabled and enabled; two bystander vGPUs compute correct results
 * throughout and are never reset.
 */
TEST_S_TIMEOUT(sched, watchdog, 150)
{
	struct sched_env *e = &self->e;
	struct gpu *g = &self->g;
	uint64_t resets, pgpu_resets, by_resets[2], t0, dt, seq, cnt;
	volatile uint64_t *flag;
	uint32_t p[64];
	int rounds[2];
	size_t n;

	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, env_add(e, "sixteenth", 0, 0));
	}
	ASSERT_EQ(0, pgpu_set(e, "sched_watchdog_ms", "500"));
	ASSERT_EQ(0, gpu_open(g, e->uuid[0], 0x10000)) TH_LOG("%s", g->why);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	ASSERT_EQ(0, gpu_msi(g, self->efd));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, by_start(&self->by[i], e->uuid[i + 1]))
			TH_LOG("%s", self->by[i].why);
		by_resets[i] = vgpu_u64(e->uuid[i + 1], "resets");
	}
	resets = vgpu_u64(e->uuid[0], "resets");
	pgpu_resets = pgpu_u64(e, "sched_resets");

	/* Long work that makes progress is no hang: 256 MiB of FILLs. */
	t0 = mvgpu_now_ns();
	for (int i = 0; i < 64; i++) {
		n = mvgpu_cmd_fill(p, (i % 4) * (4u << 20), 4u << 20, i);
		ASSERT_EQ(0, gpu_emit(g, 0, p, n)) TH_LOG("%s", g->why);
	}
	ASSERT_EQ(0, gpu_flush(g, 0, &seq));
	ASSERT_EQ(0, gpu_wait(g, 0, seq, SYNC_MS)) TH_LOG("%s", g->why);
	dt = mvgpu_now_ns() - t0;
	TH_LOG("256 MiB of FILLs in %.0f ms with a 500 ms watchdog",
	       dt / 1e6);

	/* A WAIT released before the watchdog expires is no hang either. */
	flag = (volatile uint64_t *)((uint8_t *)g->sys.cpu + 0x100);
	*flag = 0;
	n = mvgpu_cmd_wait(p, SYS_VA + 0x100, 1, MVGPU_WAIT_EQ);
	ASSERT_EQ(0, gpu_emit(g, 0, p, n));
	ASSERT_EQ(0, gpu_flush(g, 0, &seq));
	usleep(50000);
	*flag = 1;
	ASSERT_EQ(0, gpu_wait(g, 0, seq, SYNC_MS)) TH_LOG("%s", g->why);
	ASSERT_EQ(resets, vgpu_u64(e->uuid[0], "resets"));
	mvgpu_eventfd_wait(self->efd, 0, &cnt);	/* FENCE-less: drain */

	/* The canonical hang: a WAIT on a value that never comes. */
	for (int i = 0; i < 2; i++)
		rounds[i] = self->by[i].rounds;
	*(volatile uint64_t *)((uint8_t *)g->sys.cpu + 0x200) = 0;
	n = mvgpu_cmd_wait(p, SYS_VA + 0x200, 1, MVGPU_WAIT_EQ);
	t0 = mvgpu_now_ns();
	ASSERT_EQ(0, gpu_expect_error(g, 0, p, n, MVGPU_ERR_HANG, ANY_ADDR))
		TH_LOG("%s", g->why);
	dt = mvgpu_now_ns() - t0;
	TH_LOG("hang reported after %.0f ms", dt / 1e6);
	EXPECT_LE(400000000ull, dt) TH_LOG("watchdog fired early");
	EXPECT_GE(10000000000ull, dt);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt))
		TH_LOG("no ERROR interrupt");
	EXPECT_EQ(resets + 1, vgpu_u64(e->uuid[0], "resets"));
	EXPECT_EQ(pgpu_resets + 1, pgpu_u64(e, "sched_resets"));

	/* Disable and enable the queue: it runs new work correctly. */
	ASSERT_EQ(0, gpu_queue_recover(g, 0)) TH_LOG("%s", g->why);
	ASSERT_EQ(0, gpu_works(g, 0xc0ffee11)) TH_LOG("%s", g->why);
	ASSERT_EQ(0, gpu_rd(g, MVGPU_REG_ERROR_REASON));

	/* The others kept computing, correctly, and were never reset. */
	usleep(200000);
	for (int i = 0; i < 2; i++) {
		EXPECT_LT(rounds[i], self->by[i].rounds)
			TH_LOG("bystander %d made no progress", i);
		EXPECT_EQ(by_resets[i], vgpu_u64(e->uuid[i + 1], "resets"));
		EXPECT_EQ(0, vgpu_u64(e->uuid[i + 1], "faults"));
		/* Closing resets the device: counters first. */
		EXPECT_EQ(0, bystander_stop(&self->by[i]))
			TH_LOG("bystander %d: %s", i, self->by[i].why);
	}
}

/* A write that must fail, and the errno it must fail with. */
struct bad_write {
	const char *attr;
	const char *val;
	int err;
};

/*
 * Writes that must fail with the documented errno (EINVAL: not a number or
 * not a policy; ERANGE: a number out of range or beyond 32 bits) and leave
 * every setting as it was; read-only files refuse to open for writing.
 */
TEST_S(sched, invalid_settings)
{
	static const struct bad_write bad_pgpu[] = {
		{ "sched_policy", "bogus", EINVAL },
		{ "sched_policy", "\n", EINVAL },
		{ "sched_policy", "best_effort_x", EINVAL },
		{ "sched_policy", "weighted2", EINVAL },
		{ "sched_policy", "fixed", EINVAL },
		{ "sched_slice_us", "99", ERANGE },
		{ "sched_slice_us", "100001", ERANGE },
		{ "sched_slice_us", "0", ERANGE },
		{ "sched_slice_us", "-1", EINVAL },
		{ "sched_slice_us", "abc", EINVAL },
		{ "sched_slice_us", "2000x", EINVAL },
		{ "sched_slice_us", "\n", EINVAL },
		{ "sched_slice_us", "18446744073709551617", ERANGE },
		{ "sched_slice_us", "4294969296", ERANGE },
		{ "sched_watchdog_ms", "9", ERANGE },
		{ "sched_watchdog_ms", "1", ERANGE },
		{ "sched_watchdog_ms", "60001", ERANGE },
		{ "sched_watchdog_ms", "4294967295", ERANGE },
		{ "sched_watchdog_ms", "-5", EINVAL },
		{ "sched_watchdog_ms", "x", EINVAL },
	};
	static const struct bad_write bad_vgpu[] = {
		{ "sched_weight", "0", ERANGE },
		{ "sched_weight", "10001", ERANGE },
		{ "sched_weight", "-1", EINVAL },
		{ "sched_weight", "a", EINVAL },
		{ "sched_weight", "4294967396", ERANGE },
		{ "sched_cap_pct", "101", ERANGE },
		{ "sched_cap_pct", "-1", EINVAL },
		{ "sched_cap_pct", "x", EINVAL },
		{ "sched_cap_pct", "4294967296", ERANGE },
		{ "display_dmabuf", "2", ERANGE },
		{ "display_dmabuf", "on", EINVAL },
		{ "display_dmabuf", "-1", EINVAL },
	};
	static const char *const good_pgpu[][2] = {
		{ "sched_slice_us", "100" }, { "sched_slice_us", "100000" },
		{ "sched_watchdog_ms", "0" }, { "sched_watchdog_ms", "10" },
		{ "sched_watchdog_ms", "60000" },
		{ "sched_policy", "equal_share" }, { "sched_policy", "fixed_share" },
		{ "sched_policy", "best_effort" }, { "sched_policy", "weighted" },
		{ "sched_slice_us", "3000" }, { "sched_watchdog_ms", "5000" },
	};
	static const char *const good_vgpu[][2] = {
		{ "sched_weight", "1" }, { "sched_weight", "10000" },
		{ "sched_cap_pct", "100" }, { "sched_cap_pct", "0" },
		{ "display_dmabuf", "0" }, { "display_dmabuf", "1" },
		{ "sched_weight", "250" }, { "sched_cap_pct", "30" },
	};
	static const char *const ro_vgpu[] = {
		"vram_bytes", "queues", "context", "sched_share_ppm", "busy_ns",
		"jobs", "preemptions", "faults", "resets", "utilization",
	};
	static const char *const ro_pgpu[] = {
		"vram_total_bytes", "vram_free_bytes", "vram_chunk_bytes",
		"engines", "queues_total", "queues_free", "contexts_total",
		"contexts_free", "vgpus", "id", "sched_busy_ns", "sched_jobs",
		"sched_preemptions", "sched_faults", "sched_resets",
		"sched_utilization",
	};
	struct sched_env *e = &self->e;
	const char *uuid;
	char buf[64];

	ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	uuid = e->uuid[0];
	ASSERT_LT(0, vgpu_get(uuid, "sched_weight", buf, sizeof(buf)));
	EXPECT_STREQ("100", buf);
	ASSERT_LT(0, vgpu_get(uuid, "sched_cap_pct", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	ASSERT_LT(0, pgpu_get(e, "sched_policy", buf, sizeof(buf)));
	EXPECT_STREQ("best_effort", buf);

	/* Valid values, boundaries included, are taken and read back. */
	for (size_t i = 0; i < ARRAY_SIZE(good_pgpu); i++) {
		ASSERT_EQ(0, pgpu_set(e, good_pgpu[i][0], good_pgpu[i][1]))
			TH_LOG("%s=%s", good_pgpu[i][0], good_pgpu[i][1]);
		ASSERT_LT(0, pgpu_get(e, good_pgpu[i][0], buf, sizeof(buf)));
		EXPECT_STREQ(good_pgpu[i][1], buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(good_vgpu); i++) {
		ASSERT_EQ(0, vgpu_set(uuid, good_vgpu[i][0], good_vgpu[i][1]))
			TH_LOG("%s=%s", good_vgpu[i][0], good_vgpu[i][1]);
		ASSERT_LT(0, vgpu_get(uuid, good_vgpu[i][0], buf, sizeof(buf)));
		EXPECT_STREQ(good_vgpu[i][1], buf);
	}

	/*
	 * Now weighted, 3000 us, 5000 ms, weight 250, cap 30, dma-bufs on:
	 * bad writes.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(bad_pgpu); i++) {
		EXPECT_EQ(-bad_pgpu[i].err,
			  pgpu_set(e, bad_pgpu[i].attr, bad_pgpu[i].val))
			TH_LOG("%s=%s", bad_pgpu[i].attr, bad_pgpu[i].val);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_vgpu); i++) {
		EXPECT_EQ(-bad_vgpu[i].err,
			  vgpu_set(uuid, bad_vgpu[i].attr, bad_vgpu[i].val))
			TH_LOG("%s=%s", bad_vgpu[i].attr, bad_vgpu[i].val);
	}
	ASSERT_LT(0, pgpu_get(e, "sched_policy", buf, sizeof(buf)));
	EXPECT_STREQ("weighted", buf);
	ASSERT_LT(0, pgpu_get(e, "sched_slice_us", buf, sizeof(buf)));
	EXPECT_STREQ("3000", buf);
	ASSERT_LT(0, pgpu_get(e, "sched_watchdog_ms", buf, sizeof(buf)));
	EXPECT_STREQ("5000", buf);
	ASSERT_LT(0, vgpu_get(uuid, "sched_weight", buf, sizeof(buf)));
	EXPECT_STREQ("250", buf);
	ASSERT_LT(0, vgpu_get(uuid, "sched_cap_pct", buf, sizeof(buf)));
	EXPECT_STREQ("30", buf);
	ASSERT_LT(0, vgpu_get(uuid, "display_dmabuf", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, vgpu_set(uuid, "display_dmabuf", "0"));

	/* Read-only files cannot be opened for writing, even by root. */
	for (size_t i = 0; i < ARRAY_SIZE(ro_vgpu); i++) {
		ASSERT_LT(0, vgpu_get(uuid, ro_vgpu[i], buf, sizeof(buf)))
			TH_LOG("%s", ro_vgpu[i]);
		EXPECT_EQ(-EACCES, vgpu_set(uuid, ro_vgpu[i], "1"))
			TH_LOG("%s", ro_vgpu[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ro_pgpu); i++) {
		ASSERT_LT(0, pgpu_get(e, ro_pgpu[i], buf, sizeof(buf)))
			TH_LOG("%s", ro_pgpu[i]);
		EXPECT_EQ(-EACCES, pgpu_set(e, ro_pgpu[i], "1"))
			TH_LOG("%s", ro_pgpu[i]);
	}
}

/*
 * Policy, slice, weights and caps changed every 80 ms while four vGPUs
 * saturate: no queue error, no fault, every vGPU progresses, every result
 * is right, the kernel log stays clean.
 */
TEST_S_TIMEOUT(sched, switch_under_load, 90)
{
	static const char *const policies[] = {
		"equal_share", "fixed_share", "weighted", "best_effort",
		"weighted", "fixed_share", "equal_share",
	};
	static const char *const slices[] = {
		"100", "500", "2000", "10000", "100000", "250", "1000",
	};
	static const char *const types[] = {
		"quarter", "eighth", "eighth", "sixteenth",
	};
	struct sched_env *e = &self->e;
	uint64_t done0[4];
	char why[WHY_LEN] = "";

	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, env_add(e, types[i], 100 * (i + 1), 0));
	}
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, DEPTH, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, pump(e, 4, 100, why, sizeof(why))) TH_LOG("%s", why);
	for (int i = 0; i < 4; i++)
		done0[i] = mvgpu_load_done(&e->load[i]);
	for (int step = 0; step < 28; step++) {
		const char *pol = policies[step % ARRAY_SIZE(policies)];
		const char *slice = slices[step % ARRAY_SIZE(slices)];
		int v = step % 4;

		ASSERT_EQ(0, pgpu_set(e, "sched_policy", pol)) TH_LOG("%s", pol);
		ASSERT_EQ(0, pgpu_set(e, "sched_slice_us", slice))
			TH_LOG("%s", slice);
		ASSERT_EQ(0, set_u32(vgpu_set, e->uuid[v], "sched_weight",
				     1 + 997 * (uint32_t)step % 10000));
		ASSERT_EQ(0, set_u32(vgpu_set, e->uuid[v], "sched_cap_pct",
				     step % 3 ? 0 : 10 + 5 * (uint32_t)v));
		ASSERT_EQ(0, pump(e, 4, 80, why, sizeof(why)))
			TH_LOG("step %d (%s, %s us): %s", step, pol, slice, why);
	}
	ASSERT_EQ(0, pgpu_set(e, "sched_policy", "best_effort"));
	for (int i = 0; i < 4; i++) {
		EXPECT_LT(done0[i], mvgpu_load_done(&e->load[i]))
			TH_LOG("vGPU %d made no progress", i);
		EXPECT_EQ(0, set_u32(vgpu_set, e->uuid[i], "sched_cap_pct", 0));
	}
	ASSERT_EQ(0, finish(e, 4, why, sizeof(why))) TH_LOG("%s", why);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(0, vgpu_u64(e->uuid[i], "faults"));
		EXPECT_EQ(0, vgpu_u64(e->uuid[i], "resets"));
	}
}

/* Per-vGPU counters and the pGPU totals. */
struct counters {
	uint64_t busy, jobs, preempt, faults, resets;
};

static void vgpu_counters(const char *uuid, struct counters *c)
{
	c->busy = vgpu_u64(uuid, "busy_ns");
	c->jobs = vgpu_u64(uuid, "jobs");
	c->preempt = vgpu_u64(uuid, "preemptions");
	c->faults = vgpu_u64(uuid, "faults");
	c->resets = vgpu_u64(uuid, "resets");
}

static void pgpu_counters(const struct sched_env *e, struct counters *c)
{
	c->busy = pgpu_u64(e, "sched_busy_ns");
	c->jobs = pgpu_u64(e, "sched_jobs");
	c->preempt = pgpu_u64(e, "sched_preemptions");
	c->faults = pgpu_u64(e, "sched_faults");
	c->resets = pgpu_u64(e, "sched_resets");
}

/* Wait until @uuid's utilization (the pGPU's if NULL) is 0. */
static bool utilization_drops(const struct sched_env *e, const char *uuid)
{
	for (int i = 0; i < 100; i++) {
		uint64_t u = uuid ? vgpu_u64(uuid, "utilization") :
				    pgpu_u64(e, "sched_utilization");

		if (!u)
			return true;
		usleep(100000);
	}
	return false;
}

/*
 * jobs counts commands exactly; busy time is no more than the wall time;
 * saturating vGPUs that outnumber the engines are preempted; a fault and
 * a device reset are counted once; utilization shows the load and drops
 * to 0 when idle; the pGPU totals are the sums of its vGPUs' counters.
 */
TEST_S_TIMEOUT(sched, accounting, 90)
{
	struct sched_env *e = &self->e;
	struct counters v0[4], v1[4], p0, p1, sum = { 0 };
	struct gpu *g = &self->g;
	uint64_t t0, wall, util, putil;
	char why[WHY_LEN] = "";
	uint32_t p[16];
	size_t n;
	int sat = 3;

	for (int i = 0; i < sat; i++) {
		ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	}
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, 20, why, sizeof(why)))
		TH_LOG("%s", why);
	/* The fourth is @g, driven packet by packet. */
	ASSERT_EQ(0, env_add(e, "sixteenth", 0, 0));
	ASSERT_EQ(0, gpu_open(g, e->uuid[sat], 0x10000)) TH_LOG("%s", g->why);
	for (int i = 0; i < 4; i++)
		vgpu_counters(e->uuid[i], &v0[i]);
	pgpu_counters(e, &p0);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(0, v0[i].busy);
		EXPECT_EQ(0, v0[i].jobs);
	}

	/* 20 units alone: 40 commands, busy no longer than it took. */
	t0 = mvgpu_now_ns();
	ASSERT_EQ(20, mvgpu_load_pump(&e->load[0]));
	ASSERT_EQ(0, mvgpu_load_drain(&e->load[0], DRAIN_MS))
		TH_LOG("%s", e->load[0].why);
	wall = mvgpu_now_ns() - t0;
	vgpu_counters(e->uuid[0], &v1[0]);
	pgpu_counters(e, &p1);
	EXPECT_EQ(40, v1[0].jobs - v0[0].jobs);
	EXPECT_EQ(40, p1.jobs - p0.jobs);
	EXPECT_LT(0, v1[0].busy - v0[0].busy);
	EXPECT_GE(wall, v1[0].busy - v0[0].busy);
	TH_LOG("20 units: %.1f ms busy in %.1f ms",
	       (v1[0].busy - v0[0].busy) / 1e6, wall / 1e6);

	/*
	 * Saturating vGPUs, more than engines: preempted, utilized. The
	 * utilization read is that of the last complete one-second window,
	 * which lies wholly inside the load only after 2 s of it.
	 */
	ASSERT_EQ(0, pump(e, sat, 2500, why, sizeof(why))) TH_LOG("%s", why);
	putil = pgpu_u64(e, "sched_utilization");
	TH_LOG("utilization: pGPU %llu%%, vGPUs %llu%% %llu%% %llu%%",
	       (unsigned long long)putil,
	       (unsigned long long)vgpu_u64(e->uuid[0], "utilization"),
	       (unsigned long long)vgpu_u64(e->uuid[1], "utilization"),
	       (unsigned long long)vgpu_u64(e->uuid[2], "utilization"));
	EXPECT_LE(70, putil);
	EXPECT_GE(100, putil);
	for (int i = 0; i < sat; i++) {
		util = vgpu_u64(e->uuid[i], "utilization");
		EXPECT_LE(100 / sat / 2, util) TH_LOG("vGPU %d", i);
		EXPECT_GE(100 * 3 / sat / 2, util) TH_LOG("vGPU %d", i);
	}
	ASSERT_EQ(0, finish(e, sat, why, sizeof(why))) TH_LOG("%s", why);

	/* A fault on the fourth, then a device reset of it. */
	n = mvgpu_cmd_fill(p, g->vram_size, 4096, 1);
	ASSERT_EQ(0, gpu_expect_error(g, 0, p, n, MVGPU_ERR_PAGE_FAULT,
				      g->vram_size)) TH_LOG("%s", g->why);
	ASSERT_EQ(0, mvgpu_reset(&g->dev));

	for (int i = 0; i < 4; i++) {
		vgpu_counters(e->uuid[i], &v1[i]);
		sum.busy += v1[i].busy - v0[i].busy;
		sum.jobs += v1[i].jobs - v0[i].jobs;
		sum.preempt += v1[i].preempt - v0[i].preempt;
		sum.faults += v1[i].faults - v0[i].faults;
		sum.resets += v1[i].resets - v0[i].resets;
	}
	pgpu_counters(e, &p1);
	for (int i = 0; i < sat; i++) {
		EXPECT_LT(0, v1[i].preempt - v0[i].preempt)
			TH_LOG("vGPU %d never preempted", i);
		/* A FILL and a FENCE per unit, and the ring's padding. */
		EXPECT_EQ(2 * e->load[i].emitted + e->load[i].ring.nops,
			  v1[i].jobs - v0[i].jobs)
			TH_LOG("vGPU %d: %llu units", i,
			       (unsigned long long)e->load[i].emitted);
		EXPECT_EQ(0, v1[i].faults - v0[i].faults);
		EXPECT_EQ(0, v1[i].resets - v0[i].resets);
	}
	EXPECT_EQ(1, v1[sat].faults - v0[sat].faults);
	EXPECT_EQ(1, v1[sat].resets - v0[sat].resets);
	EXPECT_EQ(sum.jobs, p1.jobs - p0.jobs);
	EXPECT_EQ(sum.preempt, p1.preempt - p0.preempt);
	EXPECT_EQ(sum.faults, p1.faults - p0.faults);
	EXPECT_EQ(sum.resets, p1.resets - p0.resets);
	EXPECT_GE(sum.busy / 100 + 1000000,
		  (uint64_t)llabs((long long)(p1.busy - p0.busy - sum.busy)))
		TH_LOG("pGPU busy %llu ns, sum of vGPUs %llu ns",
		       (unsigned long long)(p1.busy - p0.busy),
		       (unsigned long long)sum.busy);

	/* Idle: utilization falls to 0. */
	for (int i = 0; i < 4; i++) {
		EXPECT_TRUE(utilization_drops(e, e->uuid[i])) TH_LOG("vGPU %d", i);
	}
	EXPECT_TRUE(utilization_drops(e, NULL));
}

/* tracefs, mounted if needed; its path in @dir. */
static int tracefs_dir(char *dir, size_t len)
{
	static const char *const dirs[] = { TRACEFS, DEBUGFS "/tracing" };

	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (path_exists(path))
			return copy_str(dir, len, dirs[i]);
	}
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	return copy_str(dir, len, TRACEFS);
}

static int trace_write(const char *dir, const char *file, const char *val)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return mvgpu_sysfs_write(path, val);
}

/* Whole file into a malloc()ed string (at most @max bytes), or NULL. */
static char *slurp(const char *path, size_t max)
{
	char *buf = malloc(max + 1);
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The unsigned value of " key=" in @line, or -1. */
static long long field(const char *line, const char *key)
{
	char pat[32];
	const char *f;

	snprintf(pat, sizeof(pat), " %s=", key);
	f = strstr(line, pat);
	if (!f)
		return -1;
	return strtoll(f + strlen(pat), NULL, 0);
}

/* The pGPU's number in the tracepoints: its sysfs "id". */
static long long pgpu_trace_id(const struct sched_env *e)
{
	uint64_t id = UINT64_MAX;

	if (pgpu_attr(e->pg.name, "id", &id) || id > INT32_MAX)
		return -1;
	return (long long)id;
}

static const char *const trace_events[][4] = {
	{ "mvgpu_sched_switch_in", "engine", "ctx", "slice_ns" },
	{ "mvgpu_sched_switch_out", "engine", "ctx", "ran_ns" },
	{ "mvgpu_job_complete", "ctx", "hwq", "fence" },
};

/*
 * The three tracepoints exist with their fields and fire for our vGPUs;
 * on each engine switch_in and switch_out alternate with the same ctx.
 */
TEST_S_TIMEOUT(sched, tracepoints, 60)
{
	struct sched_env *e = &self->e;
	long long last_ctx[64], ctx[3], id = pgpu_trace_id(e);
	int count[3][3] = { { 0 } }, pairs_bad = 0;
	char dir[PATH_MAX], path[PATH_MAX + 64], why[WHY_LEN] = "";
	char *trace, *line, *save;

	ASSERT_LE(0, id) TH_LOG("no pGPU number in sysfs");
	ASSERT_EQ(0, tracefs_dir(dir, sizeof(dir)));
	for (size_t i = 0; i < ARRAY_SIZE(trace_events); i++) {
		char *fmt;

		snprintf(path, sizeof(path), "%s/events/mvgpu/%s/format", dir,
			 trace_events[i][0]);
		fmt = slurp(path, 65536);
		ASSERT_NE(NULL, fmt) TH_LOG("%s missing", path);
		for (int k = 1; k < 4; k++) {
			EXPECT_NE(NULL, strstr(fmt, trace_events[i][k]))
				TH_LOG("%s lacks %s", trace_events[i][0],
				       trace_events[i][k]);
		}
		EXPECT_NE(NULL, strstr(fmt, "pgpu"));
		free(fmt);
	}
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	}
	for (int i = 0; i < 3; i++)
		ctx[i] = (long long)vgpu_u64(e->uuid[i], "context");
	ASSERT_EQ(0, env_open(e, 0, UNIT_BYTES, DEPTH, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, trace_write(dir, "tracing_on", "0"));
	ASSERT_EQ(0, trace_write(dir, "trace", "\n"));
	for (size_t i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), "events/mvgpu/%s/enable",
			 trace_events[i][0]);
		ASSERT_EQ(0, trace_write(dir, path, "1"));
	}
	ASSERT_EQ(0, trace_write(dir, "tracing_on", "1"));
	ASSERT_EQ(0, pump(e, 3, 300, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, finish(e, 3, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, trace_write(dir, "tracing_on", "0"));
	for (size_t i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), "events/mvgpu/%s/enable",
			 trace_events[i][0]);
		EXPECT_EQ(0, trace_write(dir, path, "0"));
	}
	ASSERT_EQ(0, trace_write(dir, "tracing_on", "1"));

	snprintf(path, sizeof(path), "%s/trace", dir);
	trace = slurp(path, 32u << 20);
	ASSERT_NE(NULL, trace);
	for (int k = 0; k < 64; k++)
		last_ctx[k] = -1;
	for (line = strtok_r(trace, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int ev = -1, who = -1;
		long long c, eng;

		if (line[0] == '#' || field(line, "pgpu") != id)
			continue;
		for (int i = 0; i < 3; i++) {
			char pat[64];

			snprintf(pat, sizeof(pat), "%s:", trace_events[i][0]);
			if (strstr(line, pat))
				ev = i;
		}
		c = field(line, "ctx");
		for (int i = 0; i < 3; i++)
			if (c == ctx[i])
				who = i;
		if (ev < 0 || who < 0)
			continue;
		count[ev][who]++;
		eng = field(line, "engine");
		if (ev == 2 || eng < 0 || eng >= 64)
			continue;
		/* in: engine idle before; out: it ran this ctx. */
		if (ev == 0 ? last_ctx[eng] != -1 : last_ctx[eng] != c) {
			if (pairs_bad++ < 3)
				TH_LOG("out of order: %.200s", line);
		}
		last_ctx[eng] = ev == 0 ? c : -1;
	}
	free(trace);
	for (int i = 0; i < 3; i++) {
		TH_LOG("ctx %lld: %d switch_in, %d switch_out, %d job_complete",
		       ctx[i], count[0][i], count[1][i], count[2][i]);
		EXPECT_LE(2, count[0][i]);
		EXPECT_LE(2, count[1][i]);
		EXPECT_GE(1, count[0][i] - count[1][i]);
		EXPECT_LE((int)e->load[i].emitted, count[2][i]);
	}
	EXPECT_EQ(0, pairs_bad);
}

/* debugfs has a scheduler table naming the policy and every vGPU. */
TEST_S(sched, debugfs)
{
	struct sched_env *e = &self->e;
	char path[PATH_MAX], *text;

	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, env_add(e, "eighth", 0, 0));
	}
	ASSERT_EQ(0, pgpu_set(e, "sched_policy", "equal_share"));
	if (!path_exists(DEBUGFS "/mvgpu"))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	snprintf(path, sizeof(path), DEBUGFS "/mvgpu/%s/sched", e->pg.name);
	text = slurp(path, 1u << 20);
	ASSERT_NE(NULL, text) TH_LOG("%s: %s", path, strerror(errno));
	TH_LOG("%s:\n%.1500s", path, text);
	EXPECT_NE(NULL, strstr(text, "equal_share"));
	for (int i = 0; i < 2; i++) {
		EXPECT_NE(NULL, strstr(text, e->uuid[i]))
			TH_LOG("%s not listed", e->uuid[i]);
	}
	free(text);
}

TEST_HARNESS_MAIN
