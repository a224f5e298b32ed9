// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_sched_policy.c: the scheduling policies of a pGPU's
 * engines.
 *
 * Besides direct API checks, a small discrete-event simulator drives the
 * policies as the core does: E engines, each running the entity it picked
 * for the slice it got (or until its work ends), then charging it. Time is
 * simulated, so every figure printed ("# ..." lines) is deterministic.
 * Workloads: saturating entities, on/off entities (bursts of work, then
 * sleep), and light entities (a short job every period). The simulator
 * checks invariants at every event: an entity on at most one engine, only
 * entities with work picked, slices within bounds, no engine idle while
 * work waits under a work-conserving policy, a finite retry time when
 * throttled work waits, and the counters in step with its own.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/list.h>
#include <linux/types.h>

#include "kselftest_harness.h"

#include "mvgpu_sched_policy.h"

#define US		1000ULL
#define MS		(1000 * US)
#define SEC		(1000 * MS)
#define INF_WORK	U64_MAX
#define MAX_ENGINES	4
#define ONE		MVGPU_SCHED_SHARE_ONE

/* Figures go to stdout as TAP comments; flush: the harness _exit()s. */
#define report(...) do {				\
	printf("# " __VA_ARGS__);			\
	printf("\n");					\
	fflush(stdout);					\
} while (0)

enum kind { K_NONE, K_SAT, K_ONOFF, K_LIGHT };

struct sim_ent {
	struct mvgpu_sched_entity se;
	enum kind kind;
	int id;
	u64 work;		/* engine ns of work left, INF_WORK: endless */
	int engine;		/* engine it runs on, -1 */
	u64 busy;		/* engine ns run since the window started */
	u64 wait_since;		/* when it last started waiting */
	u64 max_wait;		/* longest wait for an engine, in window */
	/* on/off: bursts of [on_min, on_max] ns, sleeps of [off_min, off_max] */
	u64 on_min, on_max, off_min, off_max;
	/* light: a job of job_ns every period_ns */
	u64 period_ns, job_ns, job_at;
	bool job_waiting;
	u64 jobs, max_job_wait;
	u64 stalled;		/* injected stall ns in its runs, in window */
};

struct engine {
	struct sim_ent *cur;
	u64 start, end;
	u64 sleep_until;	/* idle engine asleep until then (wake_lat) */
};

struct sim {
	struct mvgpu_sched s;
	struct sim_ent *ents;
	int n;
	struct engine eng[MAX_ENGINES];
	u32 engines;
	u64 now;
	u64 win_start;
	u64 engine_busy;	/* engine ns used since the window started */
	u64 retry_at;
	u64 rng;
	u64 overrun_max;	/* slices overrun by up to this (latency) */
	/*
	 * A loaded host: an idle engine that found nothing to run sleeps
	 * until the retry time or a wake, and then picks up to wake_lat ns
	 * late; one run in stall_one_in is stretched by stall_ns (a stalled
	 * engine thread, charged by wall time).
	 */
	u64 wake_lat;
	u32 stall_one_in;
	u64 stall_ns;
	/* counts the simulator keeps itself, checked against the scheduler */
	u32 with_work, waiting, on_engines;
	/* arrivals: binary heap on (time, entity) */
	u64 *arr_t;
	int *arr_id;
	int arr_n;
	/* invariant violations: count and the first one */
	int errors;
	char first_error[256];
	u64 picks, slice_sum;
};

#define sim_err(m, ...) do {						\
	if (!(m)->errors++)						\
		snprintf((m)->first_error, sizeof((m)->first_error),	\
			 __VA_ARGS__);					\
} while (0)

static u64 rnd(struct sim *m)
{
	/* xorshift64: deterministic */
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng;
}

static u64 rnd_range(struct sim *m, u64 lo, u64 hi)
{
	return hi > lo ? lo + rnd(m) % (hi - lo + 1) : lo;
}

static void arr_push(struct sim *m, u64 t, int id)
{
	int i = m->arr_n++;

	while (i > 0) {
		int p = (i - 1) / 2;

		if (m->arr_t[p] <= t)
			break;
		m->arr_t[i] = m->arr_t[p];
		m->arr_id[i] = m->arr_id[p];
		i = p;
	}
	m->arr_t[i] = t;
	m->arr_id[i] = id;
}

static int arr_pop(struct sim *m)
{
	int id = m->arr_id[0], i = 0, n = --m->arr_n;
	u64 t = m->arr_t[n];
	int last = m->arr_id[n];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && m->arr_t[c + 1] < m->arr_t[c])
			c++;
		if (t <= m->arr_t[c])
			break;
		m->arr_t[i] = m->arr_t[c];
		m->arr_id[i] = m->arr_id[c];
		i = c;
	}
	m->arr_t[i] = t;
	m->arr_id[i] = last;
	return id;
}

/*
 * A simulator with @n entities, none with work yet, under @policy. Shares
 * from @shares (ppm), or an equal split of the pGPU.
 */
static struct sim *sim_new(u32 engines, int n, enum mvgpu_sched_policy_id policy,
			   u64 slice, const u32 *shares)
{
	struct sim *m = calloc(1, sizeof(*m));
	int i;

	m->ents = calloc(n, sizeof(*m->ents));
	m->arr_t = calloc(n, sizeof(*m->arr_t));
	m->arr_id = calloc(n, sizeof(*m->arr_id));
	m->n = n;
	m->engines = engines;
	m->rng = 0x9e3779b97f4a7c15ULL;
	m->retry_at = U64_MAX;
	mvgpu_sched_init(&m->s, engines);
	if (mvgpu_sched_set_policy(&m->s, policy, 0) ||
	    mvgpu_sched_set_slice(&m->s, slice))
		sim_err(m, "setting policy %d slice %llu failed", policy,
			(unsigned long long)slice);
	for (i = 0; i < n; i++) {
		struct sim_ent *x = &m->ents[i];

		x->id = i;
		x->engine = -1;
		mvgpu_sched_add(&m->s, &x->se, shares ? shares[i] : ONE / n, 0);
	}
	return m;
}

static void sim_free(struct sim *m)
{
	free(m->arr_t);
	free(m->arr_id);
	free(m->ents);
	free(m);
}

static void sim_give_work(struct sim *m, struct sim_ent *x, u64 work)
{
	if (!x->work) {
		m->with_work++;
		if (x->engine < 0) {
			m->waiting++;
			x->wait_since = m->now;
		}
	}
	x->work = work;
	mvgpu_sched_wake(&m->s, &x->se, m->now);
	if (m->wake_lat) {
		u32 k;

		for (k = 0; k < m->engines; k++) {
			u64 t = m->now + rnd_range(m, 0, m->wake_lat);

			if (!m->eng[k].cur && m->eng[k].sleep_until > t)
				m->eng[k].sleep_until = t;
		}
	}
}

static void sim_arrive(struct sim *m, struct sim_ent *x)
{
	switch (x->kind) {
	case K_ONOFF:
		sim_give_work(m, x, rnd_range(m, x->on_min, x->on_max));
		break;
	case K_LIGHT:
		x->job_at = m->now;
		x->job_waiting = true;
		sim_give_work(m, x, x->job_ns);
		break;
	default:
		break;
	}
}

/* Workloads, starting at the current time. */
static void sim_saturate(struct sim *m, int i)
{
	m->ents[i].kind = K_SAT;
	sim_give_work(m, &m->ents[i], INF_WORK);
}

static void sim_onoff(struct sim *m, int i, u64 on_min, u64 on_max,
		      u64 off_min, u64 off_max)
{
	struct sim_ent *x = &m->ents[i];

	x->kind = K_ONOFF;
	x->on_min = on_min;
	x->on_max = on_max;
	x->off_min = off_min;
	x->off_max = off_max;
	arr_push(m, m->now + rnd_range(m, 0, off_max), i);
}

static void sim_light(struct sim *m, int i, u64 period, u64 job)
{
	struct sim_ent *x = &m->ents[i];

	x->kind = K_LIGHT;
	x->period_ns = period;
	x->job_ns = job;
	arr_push(m, m->now + period / 3, i);
}

/* Entity @i has no more work: its run ends at the end of its slice. */
static void sim_stop(struct sim *m, int i)
{
	struct sim_ent *x = &m->ents[i];

	x->kind = K_NONE;
	if (!x->work)
		return;
	if (x->engine >= 0) {
		x->work = m->eng[x->engine].end - m->eng[x->engine].start;
		return;
	}
	x->work = 0;
	m->with_work--;
	m->waiting--;
	mvgpu_sched_idle(&m->s, &x->se, m->now);
}

static void sim_window(struct sim *m)
{
	int i;

	m->win_start = m->now;
	m->engine_busy = 0;
	for (i = 0; i < m->n; i++) {
		m->ents[i].busy = 0;
		m->ents[i].max_wait = 0;
		m->ents[i].max_job_wait = 0;
		m->ents[i].jobs = 0;
		m->ents[i].stalled = 0;
	}
}

/* Engine time of entity @i in the window, including a run in progress. */
static u64 sim_busy(const struct sim *m, int i)
{
	const struct sim_ent *x = &m->ents[i];
	u64 busy = x->busy;

	if (x->engine >= 0) {
		u64 from = m->eng[x->engine].start;

		if (from < m->win_start)
			from = m->win_start;
		busy += m->now - from;
	}
	return busy;
}

/* Fraction of the pGPU's time (all engines) entity @i used. */
static double sim_share(const struct sim *m, int i)
{
	return (double)sim_busy(m, i) /
	       ((double)m->engines * (double)(m->now - m->win_start));
}

static double sim_utilization(const struct sim *m)
{
	u64 busy = 0;
	int i;

	for (i = 0; i < m->n; i++)
		busy += sim_busy(m, i);
	return (double)busy /
	       ((double)m->engines * (double)(m->now - m->win_start));
}

static void sim_complete(struct sim *m, struct engine *g)
{
	struct sim_ent *x = g->cur;
	u64 ran = m->now - g->start;
	u64 from = g->start > m->win_start ? g->start : m->win_start;

	if (m->now > from)
		x->busy += m->now - from;
	if (x->work != INF_WORK)
		x->work -= ran;
	x->engine = -1;
	g->cur = NULL;
	m->on_engines--;
	if (!x->se.running)
		sim_err(m, "t=%llu entity %d ran but is not marked running",
			(unsigned long long)m->now, x->id);
	mvgpu_sched_charge(&m->s, &x->se, ran, x->work > 0, m->now);
	if (x->se.running)
		sim_err(m, "entity %d still running after its charge", x->id);
	if (x->work) {
		m->waiting++;
		x->wait_since = m->now;
		return;
	}
	m->with_work--;
	if (x->kind == K_ONOFF) {
		arr_push(m, m->now + rnd_range(m, x->off_min, x->off_max), x->id);
	} else if (x->kind == K_LIGHT) {
		u64 next = x->job_at + x->period_ns;

		arr_push(m, next > m->now ? next : m->now + 1, x->id);
	}
}

/* May the current policy leave an engine idle while work waits? */
static bool sim_may_throttle(const struct sim *m)
{
	int i;

	if (m->s.policy == MVGPU_SCHED_FIXED_SHARE)
		return true;
	if (m->s.policy != MVGPU_SCHED_WEIGHTED)
		return false;
	for (i = 0; i < m->n; i++)
		if (m->ents[i].se.cap_pct)
			return true;
	return false;
}

static void sim_dispatch(struct sim *m)
{
	u32 k;

	m->retry_at = U64_MAX;
	for (k = 0; k < m->engines; k++) {
		struct engine *g = &m->eng[k];
		struct mvgpu_sched_entity *e;
		struct sim_ent *x;
		u64 slice = 0, retry = 0, run;

		if (g->cur)
			continue;
		if (m->wake_lat && g->sleep_until > m->now) {
			if (g->sleep_until < m->retry_at)
				m->retry_at = g->sleep_until;
			continue;
		}
		e = mvgpu_sched_pick(&m->s, m->now, &slice, &retry);
		if (!e) {
			if (retry <= m->now)
				sim_err(m, "t=%llu retry_at %llu not later",
					(unsigned long long)m->now,
					(unsigned long long)retry);
			else if (m->wake_lat)
				g->sleep_until = retry == U64_MAX ? U64_MAX :
					retry + rnd_range(m, 0, m->wake_lat);
			else
				m->retry_at = retry;
			if (m->wake_lat && g->sleep_until < m->retry_at)
				m->retry_at = g->sleep_until;
			if (m->waiting && !sim_may_throttle(m))
				sim_err(m, "t=%llu engine %u idle while %u entities wait (%s)",
					(unsigned long long)m->now, k,
					m->waiting, m->s.ops->name);
			if (m->waiting && retry == U64_MAX)
				sim_err(m, "t=%llu throttled work waits with no retry time",
					(unsigned long long)m->now);
			return;
		}
		x = container_of(e, struct sim_ent, se);
		m->picks++;
		/* the core kicks idle engines while runnable ones wait */
		if (m->wake_lat && m->s.num_runnable > m->s.num_running) {
			u32 j;

			for (j = 0; j < m->engines; j++) {
				u64 t = m->now + rnd_range(m, 0, m->wake_lat);

				if (!m->eng[j].cur && j != k &&
				    m->eng[j].sleep_until > t)
					m->eng[j].sleep_until = t;
			}
		}
		m->slice_sum += slice;
		if (x->engine >= 0)
			sim_err(m, "t=%llu entity %d picked while on engine %d",
				(unsigned long long)m->now, x->id, x->engine);
		if (!x->work)
			sim_err(m, "t=%llu entity %d picked without work",
				(unsigned long long)m->now, x->id);
		if (!e->running)
			sim_err(m, "picked entity %d not marked running", x->id);
		if (slice < 1 || slice > m->s.slice_ns)
			sim_err(m, "slice %llu out of 1..%llu",
				(unsigned long long)slice,
				(unsigned long long)m->s.slice_ns);
		if (!sim_may_throttle(m) && slice != m->s.slice_ns)
			sim_err(m, "short slice %llu without a token bucket",
				(unsigned long long)slice);
		if (x->engine >= 0 || !x->work)
			return;
		m->waiting--;
		if (m->now - x->wait_since > x->max_wait)
			x->max_wait = m->now - x->wait_since;
		if (x->job_waiting) {
			x->job_waiting = false;
			x->jobs++;
			if (m->now - x->job_at > x->max_job_wait)
				x->max_job_wait = m->now - x->job_at;
		}
		run = slice;
		if (m->overrun_max && x->work > slice)
			run += rnd_range(m, 0, m->overrun_max);
		if (m->stall_one_in && x->work > run &&
		    !(rnd(m) % m->stall_one_in)) {
			run += m->stall_ns;
			x->stalled += m->stall_ns;
		}
		if (x->work < run)
			run = x->work;
		g->cur = x;
		g->start = m->now;
		g->end = m->now + run;
		x->engine = k;
		m->on_engines++;
	}
}

static void sim_check_counts(struct sim *m)
{
	if (m->s.num_runnable != m->with_work)
		sim_err(m, "t=%llu num_runnable %u, %u entities have work",
			(unsigned long long)m->now, m->s.num_runnable,
			m->with_work);
	if (m->s.num_running != m->on_engines)
		sim_err(m, "t=%llu num_running %u, %u on engines",
			(unsigned long long)m->now, m->s.num_running,
			m->on_engines);
}

/* Run for @dur ns of simulated time. */
static void sim_run(struct sim *m, u64 dur)
{
	u64 until = m->now + dur;

	for (;;) {
		u64 t = until;
		u32 k;

		sim_dispatch(m);
		sim_check_counts(m);
		for (k = 0; k < m->engines; k++)
			if (m->eng[k].cur && m->eng[k].end < t)
				t = m->eng[k].end;
		if (m->arr_n && m->arr_t[0] < t)
			t = m->arr_t[0];
		if (m->retry_at < t)
			t = m->retry_at;
		m->now = t;
		if (t >= until)
			break;
		for (k = 0; k < m->engines; k++)
			if (m->eng[k].cur && m->eng[k].end == t)
				sim_complete(m, &m->eng[k]);
		while (m->arr_n && m->arr_t[0] <= t) {
			struct sim_ent *x = &m->ents[arr_pop(m)];

			if (x->kind != K_NONE && !x->work && x->engine < 0)
				sim_arrive(m, x);
		}
	}
}

static double jain(const double *x, int n)
{
	double sum = 0, sq = 0;
	int i;

	for (i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : 0;
}

static const enum mvgpu_sched_policy_id all_policies[] = {
	MVGPU_SCHED_BEST_EFFORT, MVGPU_SCHED_EQUAL_SHARE,
	MVGPU_SCHED_FIXED_SHARE, MVGPU_SCHED_WEIGHTED,
};

static const char *pname(enum mvgpu_sched_policy_id p)
{
	return mvgpu_sched_policy_name(p);
}

/* ---- direct API checks ---- */

TEST(policy_names)
{
	int i;

	for (i = 0; i < MVGPU_SCHED_NR_POLICIES; i++) {
		const char *n = mvgpu_sched_policy_name(i);
		char buf[32];

		ASSERT_NE(NULL, n);
		EXPECT_EQ(i, mvgpu_sched_policy_parse(n, strlen(n)));
		snprintf(buf, sizeof(buf), "%s\n", n);
		EXPECT_EQ(i, mvgpu_sched_policy_parse(buf, strlen(buf)));
		/* a prefix, or more than the name, is not the name */
		EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse(n, strlen(n) - 1));
		snprintf(buf, sizeof(buf), "%sx", n);
		EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse(buf, strlen(buf)));
		snprintf(buf, sizeof(buf), "%s\n\n", n);
		EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse(buf, strlen(buf)));
	}
	EXPECT_STREQ("best_effort", mvgpu_sched_policy_name(MVGPU_SCHED_BEST_EFFORT));
	EXPECT_STREQ("equal_share", mvgpu_sched_policy_name(MVGPU_SCHED_EQUAL_SHARE));
	EXPECT_STREQ("fixed_share", mvgpu_sched_policy_name(MVGPU_SCHED_FIXED_SHARE));
	EXPECT_STREQ("weighted", mvgpu_sched_policy_name(MVGPU_SCHED_WEIGHTED));
	EXPECT_EQ(NULL, mvgpu_sched_policy_name(MVGPU_SCHED_NR_POLICIES));
	EXPECT_EQ(NULL, mvgpu_sched_policy_name((enum mvgpu_sched_policy_id)-1));
	EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse("", 0));
	EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse("\n", 1));
	EXPECT_EQ(-EINVAL, mvgpu_sched_policy_parse("Weighted", 8));
}

TEST(init_defaults)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity e;
	u64 slice = 0, retry = 0;

	memset(&s, 0xa5, sizeof(s));
	mvgpu_sched_init(&s, 0);
	EXPECT_EQ(1U, s.num_engines);
	EXPECT_EQ(MVGPU_SCHED_BEST_EFFORT, s.policy);
	EXPECT_EQ(MVGPU_SCHED_SLICE_DEFAULT_NS, s.slice_ns);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 0, &slice, &retry));
	EXPECT_EQ(U64_MAX, retry);
	memset(&e, 0xa5, sizeof(e));
	mvgpu_sched_add(&s, &e, ONE * 2, 0);
	EXPECT_EQ(MVGPU_SCHED_WEIGHT_DEFAULT, e.weight);
	EXPECT_EQ(0U, e.cap_pct);
	EXPECT_EQ(ONE, e.share_ppm);
	EXPECT_FALSE(e.runnable);
	EXPECT_FALSE(e.running);
	EXPECT_EQ(1U, s.num_entities);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 0, &slice, &retry));
}

/* Scheduler and entities with state in every queue, to compare whole. */
struct snap {
	struct mvgpu_sched s;
	struct mvgpu_sched_entity e[4];
};

TEST(invalid_settings_change_nothing)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity e[4];
	struct snap before, after;
	u64 slice = 0, retry = 0;
	int i;

	mvgpu_sched_init(&s, 2);
	ASSERT_EQ(0, mvgpu_sched_set_policy(&s, MVGPU_SCHED_WEIGHTED, 0));
	for (i = 0; i < 4; i++) {
		mvgpu_sched_add(&s, &e[i], ONE / 4, 0);
		ASSERT_EQ(0, mvgpu_sched_set_weight(&s, &e[i], 100 * (i + 1)));
		mvgpu_sched_wake(&s, &e[i], 0);
	}
	ASSERT_EQ(0, mvgpu_sched_set_cap(&s, &e[3], 5));
	/* e[3] runs its tokens out and is throttled; one more runs */
	for (i = 0; i < 4; i++) {
		struct mvgpu_sched_entity *p = mvgpu_sched_pick(&s, 0, &slice, &retry);

		ASSERT_NE(NULL, p);
		if (p == &e[3]) {
			mvgpu_sched_charge(&s, p, 5 * MS, true, 5 * MS);
			break;
		}
		mvgpu_sched_charge(&s, p, 0, true, 0);
	}
	ASSERT_EQ(MVGPU_SCHED_Q_THROTTLED, e[3].queue);
	ASSERT_NE(NULL, mvgpu_sched_pick(&s, 5 * MS, &slice, &retry));

	memcpy(&before.s, &s, sizeof(s));
	memcpy(before.e, e, sizeof(e));
	EXPECT_EQ(-EINVAL, mvgpu_sched_set_policy(&s, MVGPU_SCHED_NR_POLICIES, 6 * MS));
	EXPECT_EQ(-EINVAL, mvgpu_sched_set_policy(&s, (enum mvgpu_sched_policy_id)-1, 6 * MS));
	EXPECT_EQ(-ERANGE, mvgpu_sched_set_slice(&s, 0));
	EXPECT_EQ(-ERANGE, mvgpu_sched_set_slice(&s, MVGPU_SCHED_SLICE_MIN_NS - 1));
	EXPECT_EQ(-ERANGE, mvgpu_sched_set_slice(&s, MVGPU_SCHED_SLICE_MAX_NS + 1));
	EXPECT_EQ(-ERANGE, mvgpu_sched_set_slice(&s, U64_MAX));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(-ERANGE, mvgpu_sched_set_weight(&s, &e[i], 0));
		EXPECT_EQ(-ERANGE, mvgpu_sched_set_weight(&s, &e[i], MVGPU_SCHED_WEIGHT_MAX + 1));
		EXPECT_EQ(-ERANGE, mvgpu_sched_set_weight(&s, &e[i], U32_MAX));
		EXPECT_EQ(-ERANGE, mvgpu_sched_set_cap(&s, &e[i], 101));
		EXPECT_EQ(-ERANGE, mvgpu_sched_set_cap(&s, &e[i], U32_MAX));
	}
	memcpy(&after.s, &s, sizeof(s));
	memcpy(after.e, e, sizeof(e));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	/* the bounds themselves are valid */
	EXPECT_EQ(0, mvgpu_sched_set_slice(&s, MVGPU_SCHED_SLICE_MIN_NS));
	EXPECT_EQ(MVGPU_SCHED_SLICE_MIN_NS, s.slice_ns);
	EXPECT_EQ(0, mvgpu_sched_set_slice(&s, MVGPU_SCHED_SLICE_MAX_NS));
	EXPECT_EQ(MVGPU_SCHED_SLICE_MAX_NS, s.slice_ns);
	EXPECT_EQ(0, mvgpu_sched_set_weight(&s, &e[0], MVGPU_SCHED_WEIGHT_MIN));
	EXPECT_EQ(0, mvgpu_sched_set_weight(&s, &e[0], MVGPU_SCHED_WEIGHT_MAX));
	EXPECT_EQ((u32)MVGPU_SCHED_WEIGHT_MAX, e[0].weight);
	EXPECT_EQ(0, mvgpu_sched_set_cap(&s, &e[0], 100));
	EXPECT_EQ(0, mvgpu_sched_set_cap(&s, &e[0], 0));
	for (i = 0; i < MVGPU_SCHED_NR_POLICIES; i++) {
		EXPECT_EQ(0, mvgpu_sched_set_policy(&s, i, 7 * MS));
		EXPECT_EQ((enum mvgpu_sched_policy_id)i, s.policy);
		EXPECT_STREQ(mvgpu_sched_policy_name(i), s.ops->name);
	}
}

TEST(wake_idle_idempotent)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity a, b, *p;
	u64 slice = 0, retry = 0;
	int pol;

	for (pol = 0; pol < MVGPU_SCHED_NR_POLICIES; pol++) {
		mvgpu_sched_init(&s, 1);
		ASSERT_EQ(0, mvgpu_sched_set_policy(&s, pol, 0));
		mvgpu_sched_add(&s, &a, ONE / 2, 0);
		mvgpu_sched_add(&s, &b, ONE / 2, 0);
		mvgpu_sched_wake(&s, &a, 0);
		mvgpu_sched_wake(&s, &a, 0);
		EXPECT_EQ(1U, s.num_runnable);
		EXPECT_EQ(1U, s.ready.count);
		p = mvgpu_sched_pick(&s, 0, &slice, &retry);
		EXPECT_EQ(&a, p);
		EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 0, &slice, &retry))
			TH_LOG("%s picked a twice", pname(pol));
		/* wake while running: marked, not queued a second time */
		mvgpu_sched_wake(&s, &a, 1);
		EXPECT_EQ(1U, s.num_runnable);
		EXPECT_EQ(0U, s.ready.count);
		/* idle twice while running; still running until charged */
		mvgpu_sched_idle(&s, &a, 1);
		mvgpu_sched_idle(&s, &a, 1);
		EXPECT_EQ(0U, s.num_runnable);
		EXPECT_TRUE(a.running);
		EXPECT_EQ(1U, s.num_running);
		/* the charge says it has work after all */
		mvgpu_sched_charge(&s, &a, 1 * MS, true, 1 * MS);
		EXPECT_FALSE(a.running);
		EXPECT_TRUE(a.runnable);
		EXPECT_EQ(1U, s.num_runnable);
		EXPECT_EQ(0U, s.num_running);
		/* idle twice while queued, wake twice */
		mvgpu_sched_idle(&s, &a, 2 * MS);
		mvgpu_sched_idle(&s, &a, 2 * MS);
		EXPECT_EQ(0U, s.num_runnable);
		EXPECT_EQ(0U, s.ready.count + s.throttled.count);
		EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 2 * MS, &slice, &retry));
		EXPECT_EQ(U64_MAX, retry);
		mvgpu_sched_wake(&s, &b, 3 * MS);
		mvgpu_sched_wake(&s, &a, 3 * MS);
		mvgpu_sched_wake(&s, &b, 3 * MS);
		EXPECT_EQ(2U, s.num_runnable);
		EXPECT_EQ(2U, s.ready.count + s.throttled.count);
		/* idle of an entity that is not runnable changes nothing */
		mvgpu_sched_charge(&s, mvgpu_sched_pick(&s, 3 * MS, &slice, &retry),
				   slice, false, 3 * MS + slice);
		EXPECT_EQ(1U, s.num_runnable);
	}
}

TEST(remove_runnable_and_running)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity *e[8], *p, *q;
	u64 slice = 0, retry = 0, t = 0;
	int pol, i, round;

	for (pol = 0; pol < MVGPU_SCHED_NR_POLICIES; pol++) {
		mvgpu_sched_init(&s, 2);
		ASSERT_EQ(0, mvgpu_sched_set_policy(&s, pol, 0));
		for (i = 0; i < 8; i++) {
			e[i] = malloc(sizeof(*e[i]));
			mvgpu_sched_add(&s, e[i], ONE / 8, 0);
			mvgpu_sched_wake(&s, e[i], 0);
		}
		p = mvgpu_sched_pick(&s, 0, &slice, &retry);
		q = mvgpu_sched_pick(&s, 0, &slice, &retry);
		ASSERT_NE(NULL, p);
		ASSERT_NE(NULL, q);
		/* remove a running one: charging it later does nothing */
		mvgpu_sched_remove(&s, p);
		mvgpu_sched_remove(&s, p);
		EXPECT_EQ(7U, s.num_entities);
		EXPECT_EQ(7U, s.num_runnable);
		EXPECT_EQ(1U, s.num_running);
		mvgpu_sched_charge(&s, p, slice, true, slice);
		mvgpu_sched_wake(&s, p, slice);
		EXPECT_EQ(7U, s.num_runnable);
		EXPECT_EQ(1U, s.num_running);
		/* remove queued ones, and free them: ASan sees any later use */
		for (i = 0; i < 8; i++) {
			if (e[i] == q || e[i] == p)
				continue;
			if (i % 2) {
				mvgpu_sched_remove(&s, e[i]);
				free(e[i]);
				e[i] = NULL;
			}
		}
		free(p);
		for (i = 0; i < 8; i++)
			if (e[i] == p)
				e[i] = NULL;
		/* keep scheduling what is left: never a removed entity */
		t = slice;
		mvgpu_sched_charge(&s, q, slice, true, t);
		for (round = 0; round < 200; round++) {
			p = mvgpu_sched_pick(&s, t, &slice, &retry);
			if (!p) {
				ASSERT_NE(U64_MAX, retry);
				t = retry;
				continue;
			}
			for (i = 0; i < 8; i++)
				if (e[i] == p)
					break;
			ASSERT_LT(i, 8);
			t += slice;
			mvgpu_sched_charge(&s, p, slice, true, t);
		}
		for (i = 0; i < 8; i++) {
			if (!e[i])
				continue;
			mvgpu_sched_remove(&s, e[i]);
			free(e[i]);
		}
		EXPECT_EQ(0U, s.num_entities);
		EXPECT_EQ(0U, s.num_runnable);
		EXPECT_EQ(0U, s.num_running);
		EXPECT_EQ(NULL, mvgpu_sched_pick(&s, t, &slice, &retry));
		EXPECT_EQ(U64_MAX, retry);
	}
}

TEST(charge_zero_and_huge)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity e[3], *p;
	u64 slice = 0, retry = 0, t = 0;
	int pol, i, seen[3];

	for (pol = 0; pol < MVGPU_SCHED_NR_POLICIES; pol++) {
		mvgpu_sched_init(&s, 1);
		ASSERT_EQ(0, mvgpu_sched_set_policy(&s, pol, 0));
		for (i = 0; i < 3; i++) {
			mvgpu_sched_add(&s, &e[i], ONE / 3, 0);
			mvgpu_sched_wake(&s, &e[i], 0);
		}
		/* runs of 0 ns: everyone still gets its turn */
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 30; i++) {
			p = mvgpu_sched_pick(&s, t, &slice, &retry);
			ASSERT_NE(NULL, p);
			seen[p - e]++;
			mvgpu_sched_charge(&s, p, 0, true, t);
		}
		EXPECT_LT(0, seen[0]);
		EXPECT_LT(0, seen[1]);
		EXPECT_LT(0, seen[2]);
		/* a run far longer than its slice, then the largest value */
		p = mvgpu_sched_pick(&s, t, &slice, &retry);
		ASSERT_NE(NULL, p);
		t += 10 * s.slice_ns;
		mvgpu_sched_charge(&s, p, 10 * s.slice_ns, true, t);
		p = mvgpu_sched_pick(&s, t, &slice, &retry);
		ASSERT_NE(NULL, p);
		mvgpu_sched_charge(&s, p, U64_MAX, true, t + 1);
		t++;
		/* the others still run; the huge one is throttled or last */
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 40; i++) {
			struct mvgpu_sched_entity *r = mvgpu_sched_pick(&s, t, &slice, &retry);

			if (!r) {
				ASSERT_NE(U64_MAX, retry) TH_LOG("%s", pname(pol));
				ASSERT_LT(t, retry);
				t = retry;
				continue;
			}
			EXPECT_LE(1ULL, slice);
			EXPECT_LE(slice, s.slice_ns);
			seen[r - e]++;
			t += slice;
			mvgpu_sched_charge(&s, r, slice, true, t);
		}
		for (i = 0; i < 3; i++)
			if (&e[i] != p)
				EXPECT_LT(0, seen[i]) TH_LOG("%s entity %d starved", pname(pol), i);
	}
}

/*
 * Token bucket arithmetic, exactly: a 10% cap on one engine refills 100 ns
 * per us; a slice may start at half a slice of tokens and lasts at most
 * the tokens held; the bucket holds two slices.
 */
TEST(token_bucket_exact)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity a, b, *p;
	u64 slice = 0, retry = 0;

	mvgpu_sched_init(&s, 1);
	ASSERT_EQ(0, mvgpu_sched_set_policy(&s, MVGPU_SCHED_WEIGHTED, 0));
	mvgpu_sched_add(&s, &a, ONE, 0);
	mvgpu_sched_add(&s, &b, ONE, 0);
	ASSERT_EQ(0, mvgpu_sched_set_cap(&s, &a, 10));
	mvgpu_sched_wake(&s, &a, 0);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 0, &slice, &retry));
	EXPECT_EQ(2 * MS, slice);
	/* 2 ms spent, 200 us refilled: throttled until 1 ms is held */
	mvgpu_sched_charge(&s, &a, 2 * MS, true, 2 * MS);
	EXPECT_EQ(200 * US, (u64)a.tokens);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 2 * MS, &slice, &retry));
	EXPECT_EQ(10 * MS, retry);
	/* an uncapped entity runs meanwhile: work-conserving */
	mvgpu_sched_wake(&s, &b, 2 * MS);
	p = mvgpu_sched_pick(&s, 2 * MS, &slice, &retry);
	EXPECT_EQ(&b, p);
	EXPECT_EQ(2 * MS, slice);
	mvgpu_sched_charge(&s, &b, 2 * MS, false, 4 * MS);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 10 * MS - 1, &slice, &retry));
	EXPECT_EQ(10 * MS, retry);
	/* with 1 ms of tokens it gets a 1 ms slice */
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 10 * MS, &slice, &retry));
	EXPECT_EQ(1 * MS, slice);
	mvgpu_sched_charge(&s, &a, 1 * MS, true, 11 * MS);
	EXPECT_EQ(100 * US, (u64)a.tokens);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 11 * MS, &slice, &retry));
	EXPECT_EQ(20 * MS, retry);
	/* a shorter slice lowers the threshold to 200 us: due at 12 ms */
	ASSERT_EQ(0, mvgpu_sched_set_slice(&s, 400 * US));
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 11 * MS, &slice, &retry));
	EXPECT_EQ(12 * MS, retry);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 12 * MS, &slice, &retry));
	EXPECT_EQ(200 * US, slice);
	mvgpu_sched_charge(&s, &a, 200 * US, false, 12 * MS + 200 * US);
	/*
	 * A long sleep fills the bucket to 40 ms of credit at 10 % (4 ms,
	 * more than two slices), no more; slices stay 400 us.
	 */
	mvgpu_sched_wake(&s, &a, 1 * SEC);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 1 * SEC, &slice, &retry));
	EXPECT_EQ(4 * MS, (u64)a.tokens);
	EXPECT_EQ(400 * US, slice);
	mvgpu_sched_charge(&s, &a, 400 * US, true, 1 * SEC + 400 * US);
	EXPECT_EQ(3640 * US, (u64)a.tokens);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 1 * SEC + 400 * US, &slice, &retry));
	EXPECT_EQ(400 * US, slice);
	/* a run past its slice (preemption latency) is charged in full */
	mvgpu_sched_charge(&s, &a, 3900 * US, true, 1 * SEC + 4300 * US);
	EXPECT_EQ(130 * (s64)US, a.tokens);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 1 * SEC + 4300 * US, &slice, &retry));
	EXPECT_EQ(1 * SEC + 4300 * US + 700 * US, retry);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 1 * SEC + 5 * MS, &slice, &retry));
	EXPECT_EQ(200 * US, slice);
	/*
	 * A 100 ms stall: 100 ms spent, 10 ms refilled, but the debt stops
	 * at one bucket (-4 ms): throttled 42 ms, not 864 ms.
	 */
	mvgpu_sched_charge(&s, &a, 100 * MS, true, 1 * SEC + 105 * MS);
	EXPECT_EQ(-4 * (s64)MS, a.tokens);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 1 * SEC + 105 * MS, &slice, &retry));
	EXPECT_EQ(1 * SEC + 147 * MS, retry);
	/* removing the cap makes it runnable at once */
	ASSERT_EQ(0, mvgpu_sched_set_cap(&s, &a, 0));
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 1 * SEC + 105 * MS, &slice, &retry));
	EXPECT_EQ(400 * US, slice);
}

/* fixed_share: a quarter of two engines is half of one, idle or not. */
TEST(fixed_share_exact)
{
	struct mvgpu_sched s;
	struct mvgpu_sched_entity a, z;
	u64 slice = 0, retry = 0;

	mvgpu_sched_init(&s, 2);
	mvgpu_sched_add(&s, &a, ONE / 4, 0);
	mvgpu_sched_add(&s, &z, 0, 0);
	ASSERT_EQ(0, mvgpu_sched_set_policy(&s, MVGPU_SCHED_FIXED_SHARE, 0));
	mvgpu_sched_wake(&s, &a, 0);
	mvgpu_sched_wake(&s, &z, 0);
	/* a share of 0 never runs, and does not ask for a retry */
	EXPECT_EQ(MVGPU_SCHED_Q_PARKED, z.queue);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 0, &slice, &retry));
	EXPECT_EQ(2 * MS, slice);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 0, &slice, &retry));
	EXPECT_EQ(U64_MAX, retry);
	mvgpu_sched_charge(&s, &a, 2 * MS, true, 2 * MS);
	/* 1 ms refilled while it ran: it may start again at once */
	EXPECT_EQ(1 * MS, (u64)a.tokens);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 2 * MS, &slice, &retry));
	EXPECT_EQ(1 * MS, slice);
	mvgpu_sched_charge(&s, &a, 1 * MS, true, 3 * MS);
	EXPECT_EQ(500 * US, (u64)a.tokens);
	/* from now on 1 ms out of every 2 ms: half an engine */
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 3 * MS, &slice, &retry));
	EXPECT_EQ(4 * MS, retry);
	ASSERT_EQ(&a, mvgpu_sched_pick(&s, 4 * MS, &slice, &retry));
	EXPECT_EQ(1 * MS, slice);
	mvgpu_sched_charge(&s, &a, 1 * MS, true, 5 * MS);
	EXPECT_EQ(500 * US, (u64)a.tokens);
	EXPECT_EQ(NULL, mvgpu_sched_pick(&s, 5 * MS, &slice, &retry));
	EXPECT_EQ(6 * MS, retry);
	/* switching policy resets the bucket to one slice; z runs too */
	ASSERT_EQ(0, mvgpu_sched_set_policy(&s, MVGPU_SCHED_BEST_EFFORT, 5 * MS));
	EXPECT_NE(NULL, mvgpu_sched_pick(&s, 5 * MS, &slice, &retry));
	EXPECT_NE(NULL, mvgpu_sched_pick(&s, 5 * MS, &slice, &retry));
	EXPECT_EQ(2U, s.num_running);
}

/*
 * Walk a pairing heap: every child's key not before its parent's, every
 * back link right, every node in @want_queue. Return the node count, or -1.
 */
static int heap_walk(const struct mvgpu_sched_entity *node,
		     const struct mvgpu_sched_entity *parent, u8 want_queue)
{
	const struct mvgpu_sched_entity *prev = parent, *c;
	int n = 0;

	for (c = node; c; prev = c, c = c->heap_next) {
		int sub;

		if (c->heap_prev != prev || c->queue != want_queue ||
		    !c->runnable || c->running)
			return -1;
		if (parent && (s64)(c->key - parent->key) < 0)
			return -1;
		sub = heap_walk(c->heap_child, c, want_queue);
		if (sub < 0)
			return -1;
		n += 1 + sub;
	}
	return n;
}

/* The scheduler's structure agrees with its entities' flags. */
static bool sched_consistent(const struct mvgpu_sched *s, char *why, size_t len)
{
	const struct mvgpu_sched_entity *e;
	u32 ents = 0, runnable = 0, running = 0, ready = 0, thr = 0;
	int n;

	if (s->ready.root && (s->ready.root->heap_prev || s->ready.root->heap_next))
		return snprintf(why, len, "ready root has links"), false;
	if (s->throttled.root &&
	    (s->throttled.root->heap_prev || s->throttled.root->heap_next))
		return snprintf(why, len, "throttled root has links"), false;
	n = heap_walk(s->ready.root, NULL, MVGPU_SCHED_Q_READY);
	if (n < 0 || (u32)n != s->ready.count)
		return snprintf(why, len, "ready heap broken (%d, count %u)", n,
				s->ready.count), false;
	n = heap_walk(s->throttled.root, NULL, MVGPU_SCHED_Q_THROTTLED);
	if (n < 0 || (u32)n != s->throttled.count)
		return snprintf(why, len, "throttled heap broken (%d, count %u)",
				n, s->throttled.count), false;
	list_for_each_entry(e, &s->entities, link) {
		ents++;
		runnable += e->runnable;
		running += e->running;
		ready += e->queue == MVGPU_SCHED_Q_READY;
		thr += e->queue == MVGPU_SCHED_Q_THROTTLED;
		if (e->runnable && !e->running && e->queue == MVGPU_SCHED_Q_NONE)
			return snprintf(why, len, "runnable entity in no queue"), false;
		if ((!e->runnable || e->running) && e->queue != MVGPU_SCHED_Q_NONE)
			return snprintf(why, len, "queued entity not waiting"), false;
		if (e->queue == MVGPU_SCHED_Q_PARKED &&
		    (s->policy != MVGPU_SCHED_FIXED_SHARE || e->share_ppm))
			return snprintf(why, len, "parked without a zero share"), false;
	}
	if (ents != s->num_entities || runnable != s->num_runnable ||
	    running != s->num_running || ready != s->ready.count ||
	    thr != s->throttled.count)
		return snprintf(why, len, "counts: %u/%u entities, %u/%u runnable, %u/%u running, %u/%u ready, %u/%u throttled",
				ents, s->num_entities, runnable, s->num_runnable,
				running, s->num_running, ready, s->ready.count,
				thr, s->throttled.count), false;
	return true;
}

/*
 * Random sequences of every call, including ones a careful caller would
 * not make (charging an entity that is not running, waking a removed one):
 * the structure stays consistent after each, and picks obey the rules.
 */
TEST(random_operations)
{
	enum { NE = 64, STEPS = 200000 };
	struct mvgpu_sched s;
	struct mvgpu_sched_entity *e[NE] = { NULL };
	struct sim rng = { .rng = 0x2545f4914f6cdd1dULL };
	u64 t = 0, slice = 0, retry = 0;
	char why[160] = "";
	int step, bad = -1;

	mvgpu_sched_init(&s, 3);
	for (step = 0; step < STEPS && bad < 0; step++) {
		int i = rnd(&rng) % NE, op = rnd(&rng) % 100;
		struct mvgpu_sched_entity *p;

		t += rnd(&rng) % (500 * US);
		if (!e[i]) {
			e[i] = malloc(sizeof(*e[i]));
			mvgpu_sched_add(&s, e[i], (u32)(rnd(&rng) % (ONE / 4)), t);
		} else if (op < 25) {
			mvgpu_sched_wake(&s, e[i], t);
		} else if (op < 32) {
			mvgpu_sched_idle(&s, e[i], t);
		} else if (op < 60) {
			p = mvgpu_sched_pick(&s, t, &slice, &retry);
			if (p && (!p->running || !p->runnable || slice < 1 ||
				  slice > s.slice_ns)) {
				snprintf(why, sizeof(why), "bad pick");
				bad = step;
			}
			if (!p && retry <= t) {
				snprintf(why, sizeof(why), "retry_at not later");
				bad = step;
			}
		} else if (op < 85) {
			/* charge some running entity, or this one anyway */
			int k, j = i;

			for (k = 0; k < NE; k++)
				if (e[(i + k) % NE] && e[(i + k) % NE]->running) {
					j = (i + k) % NE;
					break;
				}
			if (e[j])
				mvgpu_sched_charge(&s, e[j], rnd(&rng) % 5 == 0 ?
						   rnd(&rng) : rnd(&rng) % (4 * MS),
						   rnd(&rng) % 4 != 0, t);
		} else if (op < 88) {
			mvgpu_sched_remove(&s, e[i]);
			/* a late charge or wake of the removed entity is ignored */
			mvgpu_sched_charge(&s, e[i], 1, true, t);
			mvgpu_sched_wake(&s, e[i], t);
			free(e[i]);
			e[i] = NULL;
		} else if (op < 91) {
			mvgpu_sched_set_weight(&s, e[i], (u32)(rnd(&rng) % 12000));
		} else if (op < 95) {
			mvgpu_sched_set_cap(&s, e[i], (u32)(rnd(&rng) % 120));
		} else if (op < 97) {
			mvgpu_sched_set_slice(&s, rnd(&rng) % (120 * MS));
		} else {
			mvgpu_sched_set_policy(&s, rnd(&rng) % 5, t);
		}
		if (bad < 0 && !sched_consistent(&s, why, sizeof(why)))
			bad = step;
	}
	EXPECT_EQ(-1, bad) TH_LOG("step %d: %s", bad, why);
	for (step = 0; step < NE; step++) {
		if (!e[step])
			continue;
		mvgpu_sched_remove(&s, e[step]);
		free(e[step]);
	}
	EXPECT_EQ(0U, s.num_entities);
	EXPECT_EQ(0U, s.num_runnable);
	EXPECT_EQ(0U, s.num_running);
}

/* ---- simulated runs ---- */

/* Saturating entities, equal weights: fairness index and shares. */
static void fairness_case(struct __test_metadata *_metadata,
			  enum mvgpu_sched_policy_id pol, u32 engines, int n,
			  u64 overrun)
{
	struct sim *m = sim_new(engines, n, pol, 2 * MS, NULL);
	double share[8], expect, err = 0;
	int i;

	m->overrun_max = overrun;
	for (i = 0; i < n; i++)
		sim_saturate(m, i);
	sim_run(m, 100 * MS);
	sim_window(m);
	sim_run(m, 4 * SEC);
	expect = 1.0 / (n > (int)engines ? n : (int)engines);
	for (i = 0; i < n; i++) {
		share[i] = sim_share(m, i);
		if (share[i] - expect > err || expect - share[i] > err)
			err = share[i] > expect ? share[i] - expect : expect - share[i];
	}
	report("fairness %-11s E=%u N=%d overrun<=%lluus: jain %.5f, max share error %.3f%%",
	       pname(pol), engines, n, (unsigned long long)(overrun / US),
	       jain(share, n), 100 * err);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	EXPECT_GE(jain(share, n), 0.99);
	EXPECT_LE(err, 0.02);
	/* work-conserving: every engine busy (one entity per engine at most) */
	EXPECT_GE(sim_utilization(m), (n < (int)engines ? (double)n / engines : 1.0) - 0.001);
	sim_free(m);
}

TEST(fairness_equal_weights)
{
	static const enum mvgpu_sched_policy_id pols[] = {
		MVGPU_SCHED_BEST_EFFORT, MVGPU_SCHED_EQUAL_SHARE,
		MVGPU_SCHED_WEIGHTED,
	};
	static const int ns[] = { 1, 2, 3, 4, 8 };
	u32 engines;
	int p, i;

	for (p = 0; p < 3; p++)
		for (engines = 1; engines <= 2; engines++)
			for (i = 0; i < 5; i++)
				fairness_case(_metadata, pols[p], engines, ns[i], 0);
	/* preemption latency: slices overrun by up to 300 us */
	fairness_case(_metadata, MVGPU_SCHED_BEST_EFFORT, 2, 8, 300 * US);
	fairness_case(_metadata, MVGPU_SCHED_EQUAL_SHARE, 2, 8, 300 * US);
	fairness_case(_metadata, MVGPU_SCHED_EQUAL_SHARE, 1, 3, 300 * US);
}

static void weighted_case(struct __test_metadata *_metadata, u32 engines,
			  int n, const u32 *weights, u64 overrun)
{
	struct sim *m = sim_new(engines, n, MVGPU_SCHED_WEIGHTED, 2 * MS, NULL);
	double sum = 0, err = 0;
	int i;

	m->overrun_max = overrun;
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mvgpu_sched_set_weight(&m->s, &m->ents[i].se, weights[i]));
		sum += weights[i];
		sim_saturate(m, i);
	}
	sim_run(m, 100 * MS);
	sim_window(m);
	sim_run(m, 4 * SEC);
	for (i = 0; i < n; i++) {
		double want = weights[i] / sum, got = sim_share(m, i);
		double d = got > want ? got - want : want - got;

		EXPECT_LE(d, 0.02) TH_LOG("E=%u weight %u: share %.4f, want %.4f",
					  engines, weights[i], got, want);
		if (d > err)
			err = d;
	}
	report("weighted    E=%u N=%d weights %u..%u overrun<=%lluus: max share error %.3f%%",
	       engines, n, weights[0], weights[n - 1],
	       (unsigned long long)(overrun / US), 100 * err);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	EXPECT_GE(sim_utilization(m), 0.999);
	sim_free(m);
}

TEST(weighted_shares)
{
	static const u32 w4[] = { 1, 2, 3, 4 };
	static const u32 w4b[] = { 100, 200, 300, 400 };
	static const u32 w8[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u32 w2[] = { 100, 300 };

	weighted_case(_metadata, 1, 4, w4, 0);
	weighted_case(_metadata, 2, 4, w4, 0);
	weighted_case(_metadata, 1, 4, w4b, 0);
	weighted_case(_metadata, 2, 4, w4b, 300 * US);
	weighted_case(_metadata, 1, 8, w8, 0);
	weighted_case(_metadata, 2, 8, w8, 0);
	weighted_case(_metadata, 1, 2, w2, 0);
}

/*
 * Capped entities: never more than cap * window + one bucket (two
 * slices) + one overrun, and uncapped ones share the rest.
 */
TEST(weighted_caps)
{
	u32 engines;

	for (engines = 1; engines <= 2; engines++) {
		struct sim *m = sim_new(engines, 4, MVGPU_SCHED_WEIGHTED, 2 * MS, NULL);
		u64 win = 3 * SEC, bound;
		double s0, s1, s2, s3;
		int i;

		/* 0: cap 10%; 1: cap 15%, weight 4x; 2, 3 uncapped */
		ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[0].se, 10));
		ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[1].se, 15));
		ASSERT_EQ(0, mvgpu_sched_set_weight(&m->s, &m->ents[1].se, 400));
		for (i = 0; i < 4; i++)
			sim_saturate(m, i);
		sim_run(m, win);
		s0 = sim_share(m, 0);
		s1 = sim_share(m, 1);
		s2 = sim_share(m, 2);
		s3 = sim_share(m, 3);
		report("weighted caps E=%u: cap10%% %.3f%%, cap15%%(w400) %.3f%%, uncapped %.3f%% %.3f%%, utilization %.3f%%",
		       engines, 100 * s0, 100 * s1, 100 * s2, 100 * s3,
		       100 * sim_utilization(m));
		/* from the start: one slice of tokens, then the cap's rate */
		bound = win * engines * 10 / 100 + m->s.slice_ns;
		EXPECT_LE(sim_busy(m, 0), bound);
		bound = win * engines * 15 / 100 + m->s.slice_ns;
		EXPECT_LE(sim_busy(m, 1), bound);
		EXPECT_GE(s0, 0.10 - 0.02);
		EXPECT_GE(s1, 0.15 - 0.02);
		/* the uncapped ones share the rest equally, no idle time */
		EXPECT_GE(sim_utilization(m), 0.999);
		EXPECT_LE(s2 > s3 ? s2 - s3 : s3 - s2, 0.02);
		EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
		sim_free(m);
	}
}

TEST(weighted_cap_alone_and_after_sleep)
{
	u32 engines;

	for (engines = 1; engines <= 2; engines++) {
		struct sim *m = sim_new(engines, 2, MVGPU_SCHED_WEIGHTED, 2 * MS, NULL);
		u64 win = 2 * SEC, bound;
		double s;

		ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[0].se, 20));
		sim_saturate(m, 0);
		sim_window(m);
		sim_run(m, win);
		s = sim_share(m, 0);
		report("weighted cap 20%% alone E=%u: %.3f%% of the pGPU, utilization %.3f%%",
		       engines, 100 * s, 100 * sim_utilization(m));
		EXPECT_LE(sim_busy(m, 0), win * engines / 5 + m->s.slice_ns);
		EXPECT_GE(s, 0.20 - 0.02);
		/*
		 * It sleeps a long time, then saturates: at most one bucket,
		 * 40 ms at its rate (8 ms per engine at 20 %).
		 */
		sim_stop(m, 0);
		sim_run(m, 10 * SEC);
		sim_saturate(m, 0);
		sim_saturate(m, 1);
		sim_window(m);
		sim_run(m, 100 * MS);
		bound = 100 * MS * engines / 5 + 8 * MS * engines;
		EXPECT_LE(sim_busy(m, 0), bound);
		EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
		sim_free(m);
	}
}

/* A capped entity builds no credit: lifting the cap gives no burst. */
TEST(weighted_cap_lifted_no_burst)
{
	u32 engines;

	for (engines = 1; engines <= 2; engines++) {
		int n = 2 * engines + 1, i;
		struct sim *m = sim_new(engines, n, MVGPU_SCHED_WEIGHTED, 2 * MS, NULL);
		double s;

		ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[0].se, 5));
		for (i = 0; i < n; i++)
			sim_saturate(m, i);
		sim_run(m, 10 * SEC);
		ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[0].se, 0));
		sim_window(m);
		sim_run(m, 100 * MS);
		s = sim_share(m, 0);
		report("cap lifted E=%u N=%d: share in the next 100 ms %.3f%% (fair %.3f%%)",
		       engines, n, 100 * s, 100.0 / n);
		EXPECT_LE(s, 1.0 / n + 0.03);
		EXPECT_GE(s, 1.0 / n - 0.03);
		EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
		sim_free(m);
	}
}

/*
 * Weights asking for more than one engine: the heavy entity gets a whole
 * engine and the others share the rest by weight (water-filling); when its
 * weight drops it has no backlog to replay.
 */
TEST(weighted_over_one_engine)
{
	static const u32 w[] = { 100, 200, 5000 };
	struct sim *m = sim_new(2, 3, MVGPU_SCHED_WEIGHTED, 2 * MS, NULL);
	double s0, s1, s2;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, mvgpu_sched_set_weight(&m->s, &m->ents[i].se, w[i]));
		sim_saturate(m, i);
	}
	sim_run(m, 100 * MS);
	sim_window(m);
	sim_run(m, 10 * SEC);
	s0 = sim_share(m, 0);
	s1 = sim_share(m, 1);
	s2 = sim_share(m, 2);
	report("weighted over one engine E=2 weights 100:200:5000: %.3f%% %.3f%% %.3f%% (want 16.667%% 33.333%% 50%%)",
	       100 * s0, 100 * s1, 100 * s2);
	EXPECT_LE(fabs(s0 - 1.0 / 6), 0.02);
	EXPECT_LE(fabs(s1 - 1.0 / 3), 0.02);
	EXPECT_LE(fabs(s2 - 0.5), 0.02);
	ASSERT_EQ(0, mvgpu_sched_set_weight(&m->s, &m->ents[2].se, 100));
	sim_window(m);
	sim_run(m, 200 * MS);
	s0 = sim_share(m, 0);
	s1 = sim_share(m, 1);
	s2 = sim_share(m, 2);
	report("weighted after the weight drops to 100:200:100: %.3f%% %.3f%% %.3f%% (want 25%% 50%% 25%%)",
	       100 * s0, 100 * s1, 100 * s2);
	EXPECT_LE(fabs(s0 - 0.25), 0.03);
	EXPECT_LE(fabs(s1 - 0.5), 0.03);
	EXPECT_LE(fabs(s2 - 0.25), 0.03);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	sim_free(m);
}

static void fixed_case(struct __test_metadata *_metadata, u32 engines, int n,
		       const u32 *shares, int busy_n, u64 overrun)
{
	struct sim *m = sim_new(engines, n, MVGPU_SCHED_FIXED_SHARE, 2 * MS, shares);
	u64 win = 4 * SEC;
	double err = 0, want_util = 0;
	int i;

	m->overrun_max = overrun;
	for (i = 0; i < busy_n; i++)
		sim_saturate(m, i);
	sim_run(m, 100 * MS);
	sim_window(m);
	sim_run(m, win);
	for (i = 0; i < n; i++) {
		double want = (double)shares[i] / ONE, got = sim_share(m, i), d;

		if (want > 1.0 / engines)
			want = 1.0 / engines;
		if (i >= busy_n)
			want = 0;
		want_util += want;
		d = got > want ? got - want : want - got;
		if (d > err)
			err = d;
		EXPECT_LE(d, 0.02) TH_LOG("E=%u entity %d share %u ppm: got %.4f want %.4f",
					  engines, i, shares[i], got, want);
		/* at most its share, plus the bucket and one overrun */
		EXPECT_LE(sim_busy(m, i), (u64)(want * engines * win) +
			  2 * m->s.slice_ns + overrun);
	}
	report("fixed_share E=%u N=%d busy %d: max share error %.3f%%, utilization %.3f%% (expected %.3f%%)",
	       engines, n, busy_n, 100 * err, 100 * sim_utilization(m),
	       100 * want_util);
	/* idle time is not given away */
	EXPECT_LE(sim_utilization(m), want_util + 0.01);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	sim_free(m);
}

TEST(fixed_share)
{
	static const u32 quarter[] = { ONE / 4, ONE / 4, ONE / 4, ONE / 4 };
	static const u32 half[] = { ONE / 2, ONE / 2 };
	static const u32 mixed[] = { ONE / 2, ONE / 4, ONE / 8, ONE / 8 };
	static const u32 eighth[] = { ONE / 8, ONE / 8, ONE / 8, ONE / 8,
				      ONE / 8, ONE / 8, ONE / 8, ONE / 8 };
	u32 many[51], engines;
	int i;

	/* one entity owning a whole engine of two, among fifty small ones */
	many[0] = ONE / 2;
	for (i = 1; i < 51; i++)
		many[i] = ONE / 100;
	fixed_case(_metadata, 2, 51, many, 51, 0);
	fixed_case(_metadata, 2, 51, many, 51, 300 * US);
	for (engines = 1; engines <= 2; engines++) {
		/* a lone busy entity gets only its share */
		fixed_case(_metadata, engines, 4, quarter, 1, 0);
		fixed_case(_metadata, engines, 2, half, 1, 0);
		fixed_case(_metadata, engines, 4, mixed, 1, 0);
		/* two busy of four: the idle ones' time stays idle */
		fixed_case(_metadata, engines, 4, quarter, 2, 0);
		/* all busy, the pGPU fully shared */
		fixed_case(_metadata, engines, 4, quarter, 4, 0);
		fixed_case(_metadata, engines, 4, mixed, 4, 0);
		fixed_case(_metadata, engines, 8, eighth, 8, 0);
		fixed_case(_metadata, engines, 8, eighth, 8, 300 * US);
	}
}

/*
 * A loaded host (the test VM on a busy machine): idle engines pick up to
 * 20 ms after the retry time or a wake, and every slice overruns by up to
 * 1 ms. Fixed shares (and caps) must still be delivered: each entity
 * within 2 % of the pGPU and within 3 % of its share, never above the
 * share plus a bucket and one overrun. With two-slice buckets a late pick
 * found a full bucket and lost the credit beyond it.
 */
static void latency_case(struct __test_metadata *_metadata,
			 enum mvgpu_sched_policy_id policy, int n,
			 const u32 *shares, int busy_n, u32 cap_pct)
{
	struct sim *m = sim_new(2, n, policy, 2 * MS, shares);
	u64 win = 8 * SEC;
	double err = 0, rel = 0, want_util = 0, util = 0;
	int i;

	m->wake_lat = 20 * MS;
	m->overrun_max = 1 * MS;
	if (cap_pct)
		for (i = 0; i < n; i++)
			ASSERT_EQ(0, mvgpu_sched_set_cap(&m->s, &m->ents[i].se,
							 cap_pct));
	for (i = 0; i < busy_n; i++)
		sim_saturate(m, i);
	sim_run(m, 200 * MS);
	sim_window(m);
	sim_run(m, win);
	for (i = 0; i < n; i++) {
		double want = cap_pct ? cap_pct / 100.0 : (double)shares[i] / ONE;
		u64 busy = sim_busy(m, i) - m->ents[i].stalled;
		/* bucket: 40 ms at its rate (one engine at most), >= 2 slices */
		double rate = want * 2 < 1 ? want * 2 : 1;
		u64 bucket = (u64)(40 * MS * rate), got_max;
		double got = (double)busy / (2.0 * win), d;

		if (want > 0.5)
			want = 0.5;
		if (i >= busy_n)
			want = 0;
		if (bucket < 2 * m->s.slice_ns)
			bucket = 2 * m->s.slice_ns;
		want_util += want;
		util += got;
		d = got > want ? got - want : want - got;
		if (d > err)
			err = d;
		if (want > 0 && d / want > rel)
			rel = d / want;
		EXPECT_LE(d, 0.02) TH_LOG("%s entity %d: got %.4f want %.4f",
					  pname(policy), i, got, want);
		EXPECT_LE(d, want * 0.03) TH_LOG("%s entity %d: got %.4f want %.4f",
					       pname(policy), i, got, want);
		got_max = (u64)(want * 2 * win) + bucket + m->overrun_max;
		EXPECT_LE(busy, got_max);
	}
	report("loaded host %s N=%d busy %d%s: max share error %.3f%% (%.1f%% of the share), utilization %.3f%% (expected %.3f%%)",
	       pname(policy), n, busy_n, cap_pct ? " capped" : "", 100 * err,
	       100 * rel, 100 * util, 100 * want_util);
	EXPECT_LE(util, want_util + 0.01);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	sim_free(m);
}

TEST(shares_on_loaded_host)
{
	static const u32 half[] = { ONE / 2, ONE / 2 };
	static const u32 mixed[] = { ONE / 2, ONE / 4, ONE / 8, ONE / 8 };
	static const u32 eighth[] = { ONE / 8, ONE / 8, ONE / 8, ONE / 8,
				      ONE / 8, ONE / 8, ONE / 8, ONE / 8 };
	u32 sixteenth[16];
	int i;

	for (i = 0; i < 16; i++)
		sixteenth[i] = ONE / 16;
	/* alone: a half owns an engine, an eighth a quarter of one */
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 2, half, 1, 0);
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 8, eighth, 1, 0);
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 16, sixteenth, 1, 0);
	/* partly and fully subscribed */
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 8, eighth, 4, 0);
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 4, mixed, 4, 0);
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 8, eighth, 8, 0);
	latency_case(_metadata, MVGPU_SCHED_FIXED_SHARE, 16, sixteenth, 16, 0);
	/* weighted caps: alone, and all capped */
	latency_case(_metadata, MVGPU_SCHED_WEIGHTED, 2, half, 1, 20);
	latency_case(_metadata, MVGPU_SCHED_WEIGHTED, 4, mixed, 4, 10);
}

/*
 * A 200 ms stall of the engine thread in one run of a lone 1/16 (an eighth
 * of an engine): charged by wall time, it is paid back within one bucket
 * (40 ms of its credit) plus the start threshold, not for 1.6 s; it is
 * never above its share plus a bucket and the stall over the window, and
 * once it runs again it gets its share. Picks are up to 20 ms late.
 */
TEST(stall_payback_bounded)
{
	u32 sixteenth[16];
	struct sim *m;
	u64 t0, t1, resumed = 0;
	int i;

	for (i = 0; i < 16; i++)
		sixteenth[i] = ONE / 16;
	m = sim_new(2, 16, MVGPU_SCHED_FIXED_SHARE, 2 * MS, sixteenth);
	m->wake_lat = 20 * MS;
	sim_saturate(m, 0);
	sim_run(m, 500 * MS);
	/* the next run stalls 200 ms */
	m->stall_one_in = 1;
	m->stall_ns = 200 * MS;
	t0 = m->now;
	while (!m->ents[0].stalled && m->now < t0 + SEC)
		sim_run(m, 100 * US);
	m->stall_one_in = 0;
	ASSERT_NE(0, m->ents[0].stalled);
	/* wait for the end of the stalled run, then for the next one */
	while (m->ents[0].engine >= 0 && m->now < t0 + 2 * SEC)
		sim_run(m, 100 * US);
	t1 = m->now;
	while (m->now < t1 + 2 * SEC) {
		sim_run(m, 100 * US);
		if (m->ents[0].engine >= 0) {
			resumed = m->now - t1;
			break;
		}
	}
	report("stall 200 ms, 1/16 of two engines: runs again %.1f ms after it (bound %.1f ms)",
	       resumed / 1e6, (40 * MS / 8 + 2 * MS / 2) * 8 / 1e6 + 20.1);
	EXPECT_NE(0, resumed);
	/* (one bucket + half a slice) / its rate, + the pick latency */
	EXPECT_LE(resumed, (40 * MS / 8 + 1 * MS) * 8 + 20 * MS + 100 * US);
	sim_window(m);
	sim_run(m, 4 * SEC);
	report("stall 200 ms, 1/16 of two engines: share in the next 4 s %.3f%% (want 6.250%%)",
	       100 * sim_share(m, 0));
	EXPECT_LE(fabs(sim_share(m, 0) - 1.0 / 16), 0.02 / 16 * 8);
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	sim_free(m);
}

/* A light entity's wait for an engine while the others saturate. */
TEST(light_entity_latency)
{
	static const enum mvgpu_sched_policy_id pols[] = {
		MVGPU_SCHED_BEST_EFFORT, MVGPU_SCHED_EQUAL_SHARE,
	};
	static const int ns[] = { 2, 4, 8 };
	u32 engines;
	int p, i, k;

	for (p = 0; p < 2; p++)
		for (engines = 1; engines <= 2; engines++)
			for (i = 0; i < 3; i++) {
				int n = ns[i];
				struct sim *m = sim_new(engines, n, pols[p], 2 * MS, NULL);
				struct sim_ent *l = &m->ents[n - 1];
				u64 bound = (n - 1) * m->s.slice_ns + m->s.slice_ns / 10;

				for (k = 0; k < n - 1; k++)
					sim_saturate(m, k);
				sim_light(m, n - 1, 7300 * US, 50 * US);
				sim_run(m, 50 * MS);
				sim_window(m);
				sim_run(m, 3 * SEC);
				report("light job  %-11s E=%u N=%d: %llu jobs, max wait %llu us (bound %llu us)",
				       pname(pols[p]), engines, n,
				       (unsigned long long)l->jobs,
				       (unsigned long long)(l->max_job_wait / US),
				       (unsigned long long)(bound / US));
				EXPECT_LE(l->max_job_wait, bound);
				/* the next job comes a period after the last one, or at once */
				EXPECT_GE(l->jobs, 3 * SEC / (7300 * US + l->max_job_wait) - 2);
				EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
				sim_free(m);
			}
}

/* Sleeping earns no credit: a woken entity gets its share, not a burst. */
TEST(sleeper_gets_no_credit)
{
	static const enum mvgpu_sched_policy_id pols[] = {
		MVGPU_SCHED_EQUAL_SHARE, MVGPU_SCHED_WEIGHTED,
		MVGPU_SCHED_BEST_EFFORT,
	};
	u32 engines;
	int p;

	for (p = 0; p < 3; p++)
		for (engines = 1; engines <= 2; engines++) {
			struct sim *m = sim_new(engines, 2 * engines + 1, pols[p], 2 * MS, NULL);
			int i, n = 2 * engines + 1;
			double s;

			for (i = 1; i < n; i++)
				sim_saturate(m, i);
			sim_run(m, 10 * SEC);
			sim_saturate(m, 0);
			/* the wake raised its virtual runtime to the floor */
			if (pols[p] != MVGPU_SCHED_BEST_EFFORT)
				EXPECT_LE(0, (s64)(m->ents[0].se.vruntime - m->s.min_vruntime));
			sim_window(m);
			sim_run(m, 100 * MS);
			s = sim_share(m, 0);
			report("sleeper    %-11s E=%u N=%d: share in 100 ms after a 10 s sleep %.3f%% (fair %.3f%%)",
			       pname(pols[p]), engines, n, 100 * s, 100.0 / n);
			EXPECT_LE(s, 1.0 / n + 0.03);
			EXPECT_GE(s, 1.0 / n - 0.03);
			EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
			sim_free(m);
		}
}

/*
 * Mixed workloads with churn under every policy: the simulator's
 * invariants hold throughout, and saturating entities are never starved.
 */
TEST(churn_invariants)
{
	u32 engines;
	int p, i;

	for (p = 0; p < MVGPU_SCHED_NR_POLICIES; p++)
		for (engines = 1; engines <= 2; engines++) {
			struct sim *m = sim_new(engines, 16, all_policies[p], 1 * MS, NULL);
			double sat[4];

			m->overrun_max = 100 * US;
			for (i = 0; i < 16; i++)
				if (all_policies[p] == MVGPU_SCHED_WEIGHTED)
					mvgpu_sched_set_weight(&m->s, &m->ents[i].se, 50 + 25 * (i % 4));
			for (i = 0; i < 4; i++)
				sim_saturate(m, i);
			for (i = 4; i < 14; i++)
				sim_onoff(m, i, 100 * US, 8 * MS, 100 * US, 20 * MS);
			sim_light(m, 14, 5 * MS, 20 * US);
			sim_light(m, 15, 11 * MS, 200 * US);
			sim_run(m, 100 * MS);
			sim_window(m);
			sim_run(m, 3 * SEC);
			for (i = 0; i < 4; i++)
				sat[i] = sim_share(m, i);
			report("churn      %-11s E=%u: utilization %.2f%%, saturating shares %.2f%% %.2f%% %.2f%% %.2f%%, light max wait %llu us",
			       pname(all_policies[p]), engines,
			       100 * sim_utilization(m), 100 * sat[0],
			       100 * sat[1], 100 * sat[2], 100 * sat[3],
			       (unsigned long long)(m->ents[14].max_job_wait / US));
			EXPECT_EQ(0, m->errors) TH_LOG("%s: %s", pname(all_policies[p]), m->first_error);
			for (i = 0; i < 4; i++)
				EXPECT_LT(0.01, sat[i]);
			if (all_policies[p] == MVGPU_SCHED_EQUAL_SHARE ||
			    all_policies[p] == MVGPU_SCHED_BEST_EFFORT)
				EXPECT_GE(jain(sat, 4), 0.99);
			if (all_policies[p] == MVGPU_SCHED_FIXED_SHARE)
				for (i = 0; i < 4; i++)
					EXPECT_LE(sat[i], 1.0 / 16 + 0.01);
			sim_free(m);
		}
}

/*
 * Policy and slice changes while entities run and wait: invariants hold
 * across every switch and every saturating entity runs in every phase.
 */
TEST(switch_policy_and_slice_midrun)
{
	static const u64 slices[] = { 2 * MS, 100 * US, 10 * MS, 500 * US,
				      100 * MS, 1 * MS };
	struct sim *m = sim_new(2, 12, MVGPU_SCHED_BEST_EFFORT, 2 * MS, NULL);
	int phase, i;

	m->overrun_max = 50 * US;
	for (i = 0; i < 8; i++) {
		mvgpu_sched_set_weight(&m->s, &m->ents[i].se, 100 * (i + 1));
		sim_saturate(m, i);
	}
	mvgpu_sched_set_cap(&m->s, &m->ents[7].se, 30);
	for (i = 8; i < 12; i++)
		sim_onoff(m, i, 200 * US, 5 * MS, 1 * MS, 10 * MS);
	for (phase = 0; phase < 48; phase++) {
		u64 slice = slices[phase % 6], len;
		enum mvgpu_sched_policy_id pol = all_policies[(phase / 2) % 4];

		if (phase % 2) {
			ASSERT_EQ(0, mvgpu_sched_set_slice(&m->s, slice));
		} else {
			ASSERT_EQ(0, mvgpu_sched_set_policy(&m->s, pol, m->now));
		}
		/* long enough for every entity to get a few slices */
		len = 12 * 16 * m->s.slice_ns;
		sim_window(m);
		sim_run(m, len);
		for (i = 0; i < 8; i++)
			EXPECT_LT(0ULL, sim_busy(m, i))
				TH_LOG("phase %d (%s, slice %llu us): entity %d starved",
				       phase, pname(m->s.policy),
				       (unsigned long long)(m->s.slice_ns / US), i);
		if (m->errors)
			break;
	}
	EXPECT_EQ(0, m->errors) TH_LOG("%s", m->first_error);
	report("switches: 48 phases over %llu ms simulated, %llu picks, invariants held",
	       (unsigned long long)(m->now / MS), (unsigned long long)m->picks);
	sim_free(m);
}

/* Thousands of entities under each policy. */
TEST(many_entities)
{
	const int n = 4096, sat_n = 3840;
	int p, i;

	for (p = 0; p < MVGPU_SCHED_NR_POLICIES; p++) {
		enum mvgpu_sched_policy_id pol = all_policies[p];
		struct sim *m = sim_new(2, n, pol, 1 * MS, NULL);
		double *share = calloc(sat_n, sizeof(*share));
		double by_w[4] = { 0 }, want[4], err = 0, j;
		u64 win;

		for (i = 0; i < n; i++)
			if (pol == MVGPU_SCHED_WEIGHTED)
				mvgpu_sched_set_weight(&m->s, &m->ents[i].se, 100 * (1 + i % 4));
		for (i = 0; i < sat_n; i++)
			sim_saturate(m, i);
		for (i = sat_n; i < n; i++)
			sim_onoff(m, i, 100 * US, 3 * MS, 10 * MS, 2 * SEC);
		/* long enough that each saturating entity runs ~16 slices */
		win = (u64)sat_n * 16 * m->s.slice_ns / 2;
		sim_run(m, win / 4);
		sim_window(m);
		sim_run(m, win);
		for (i = 0; i < sat_n; i++) {
			share[i] = sim_share(m, i);
			by_w[i % 4] += share[i];
		}
		j = jain(share, sat_n);
		if (pol == MVGPU_SCHED_WEIGHTED) {
			double tot = by_w[0] + by_w[1] + by_w[2] + by_w[3];

			for (i = 0; i < 4; i++) {
				want[i] = (i + 1) / 10.0;
				by_w[i] /= tot;
				if (fabs(by_w[i] - want[i]) > err)
					err = fabs(by_w[i] - want[i]);
			}
			EXPECT_LE(err, 0.02);
		} else if (pol != MVGPU_SCHED_FIXED_SHARE) {
			EXPECT_GE(j, 0.99);
		}
		if (pol == MVGPU_SCHED_FIXED_SHARE)
			for (i = 0; i < sat_n; i++)
				EXPECT_LE(sim_busy(m, i), win * 2 / n + 2 * m->s.slice_ns);
		if (pol == MVGPU_SCHED_WEIGHTED)
			report("many       %-11s E=2 N=%d: %llu picks, utilization %.2f%%, weights 1:2:3:4 max class share error %.3f%%",
			       pname(pol), n, (unsigned long long)m->picks,
			       100 * sim_utilization(m), 100 * err);
		else
			report("many       %-11s E=2 N=%d: %llu picks, utilization %.2f%%, jain %.4f",
			       pname(pol), n, (unsigned long long)m->picks,
			       100 * sim_utilization(m), j);
		EXPECT_EQ(0, m->errors) TH_LOG("%s: %s", pname(pol), m->first_error);
		free(share);
		sim_free(m);
	}
}

TEST_HARNESS_MAIN
