// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduling policies of a pGPU's engines: which vGPU runs next, and for
 * how long (model and policies in mvgpu_sched_policy.h).
 *
 * Every runnable entity that is not running waits in one of two pairing
 * heaps: @ready, ordered by a key of the current policy (round-robin
 * sequence, virtual runtime or token-bucket deadline), holds those that may
 * run now; @throttled, ordered by the time they will have enough tokens,
 * holds capped and fixed-share entities that ran out of credit. A pick
 * moves the throttled entities whose time has come to @ready and takes the
 * smallest key: O(log n) amortised per operation, no allocation.
 *
 * Token buckets (fixed_share, and weighted entities with a cap) refill at
 * the entity's rate, its fraction of the whole pGPU times the number of
 * engines, in engine-ns per ns. They hold two slices, or the credit of
 * MVGPU_SCHED_BURST_NS at the entity's rate when that is more, so a pick
 * that comes late (a busy host) finds the credit still there instead of
 * a full bucket that overflowed. Debt is bounded by the same amount, so
 * one overrun (a stalled engine thread is charged the wall time) costs
 * at most that much. An entity may start a slice once it holds half a
 * slice of tokens, and runs for at most the tokens it holds.
 *
 * Pure logic, no locking: the caller serialises calls on one scheduler.
 */

#include <linux/errno.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>

#include "mvgpu_sched_policy.h"

/* One engine's rate: tokens are engine-ns, rates engine-ns per 1e6 ns. */
#define MVGPU_SCHED_PPM			1000000U
/* Longest run one charge accounts: beyond it the caller is confused. */
#define MVGPU_SCHED_CHARGE_MAX_NS	(1000 * MVGPU_SCHED_SLICE_MAX_NS)
/*
 * Bucket depth in time at the entity's rate (at most one engine's): how
 * late a pick may be without losing credit, and the longest an overrun
 * keeps the entity throttled (unless two slices take longer).
 */
#define MVGPU_SCHED_BURST_NS		40000000ULL	/* 40 ms */

/* Wrap-safe order of keys (times, virtual runtimes, sequence numbers). */
static bool mvgpu_sched_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* Heap order: the key, then first queued first. */
static bool mvgpu_sched_heap_less(const struct mvgpu_sched_entity *a,
				  const struct mvgpu_sched_entity *b)
{
	if (a->key != b->key)
		return mvgpu_sched_before(a->key, b->key);
	return mvgpu_sched_before(a->rr_seq, b->rr_seq);
}

/* Pairing heap. Both arguments are roots (no siblings, no parent). */
static struct mvgpu_sched_entity *
mvgpu_sched_meld(struct mvgpu_sched_entity *a, struct mvgpu_sched_entity *b)
{
	struct mvgpu_sched_entity *t;

	if (!a)
		return b;
	if (!b)
		return a;
	if (mvgpu_sched_heap_less(b, a)) {
		t = a;
		a = b;
		b = t;
	}
	b->heap_prev = a;
	b->heap_next = a->heap_child;
	if (a->heap_child)
		a->heap_child->heap_prev = b;
	a->heap_child = b;
	return a;
}

/*
 * Meld a list of siblings into one heap: pairs left to right, then the
 * pairs right to left (the two-pass variant), iteratively.
 */
static struct mvgpu_sched_entity *
mvgpu_sched_merge_pairs(struct mvgpu_sched_entity *first)
{
	struct mvgpu_sched_entity *stack = NULL, *root = NULL, *a, *b, *next;

	while (first) {
		a = first;
		b = a->heap_next;
		next = b ? b->heap_next : NULL;
		a->heap_next = NULL;
		a->heap_prev = NULL;
		if (b) {
			b->heap_next = NULL;
			b->heap_prev = NULL;
		}
		a = mvgpu_sched_meld(a, b);
		a->heap_next = stack;
		stack = a;
		first = next;
	}
	while (stack) {
		next = stack->heap_next;
		stack->heap_next = NULL;
		root = mvgpu_sched_meld(root, stack);
		stack = next;
	}
	return root;
}

static void mvgpu_sched_heap_insert(struct mvgpu_sched_heap *h,
				    struct mvgpu_sched_entity *e)
{
	e->heap_child = NULL;
	e->heap_next = NULL;
	e->heap_prev = NULL;
	h->root = mvgpu_sched_meld(h->root, e);
	h->count++;
}

static void mvgpu_sched_heap_remove(struct mvgpu_sched_heap *h,
				    struct mvgpu_sched_entity *e)
{
	struct mvgpu_sched_entity *sub;

	if (e != h->root) {
		if (e->heap_prev->heap_child == e)
			e->heap_prev->heap_child = e->heap_next;
		else
			e->heap_prev->heap_next = e->heap_next;
		if (e->heap_next)
			e->heap_next->heap_prev = e->heap_prev;
		e->heap_next = NULL;
		e->heap_prev = NULL;
	}
	sub = mvgpu_sched_merge_pairs(e->heap_child);
	e->heap_child = NULL;
	if (e == h->root)
		h->root = sub;
	else
		h->root = mvgpu_sched_meld(h->root, sub);
	h->count--;
}

/* Token bucket rate of @e in engine-ns per 1e6 ns, 0 when not limited. */
static u64 mvgpu_sched_rate(const struct mvgpu_sched *s,
			    const struct mvgpu_sched_entity *e)
{
	switch (s->policy) {
	case MVGPU_SCHED_FIXED_SHARE:
		return (u64)e->share_ppm * s->num_engines;
	case MVGPU_SCHED_WEIGHTED:
		return (u64)e->cap_pct * (MVGPU_SCHED_PPM / 100) *
		       s->num_engines;
	default:
		return 0;
	}
}

static bool mvgpu_sched_uses_vruntime(const struct mvgpu_sched *s)
{
	return s->policy == MVGPU_SCHED_EQUAL_SHARE ||
	       s->policy == MVGPU_SCHED_WEIGHTED;
}

/*
 * Bucket size at @rate: two slices, or MVGPU_SCHED_BURST_NS of credit when
 * that is more. An entity never uses more than one engine, so a rate above
 * one engine's counts as one engine's: at most max(2 slices, BURST) tokens.
 */
static s64 mvgpu_sched_tokens_max(const struct mvgpu_sched *s, u64 rate)
{
	u64 burst = div_u64(MVGPU_SCHED_BURST_NS *
			    min_t(u64, rate, MVGPU_SCHED_PPM), MVGPU_SCHED_PPM);

	return max_t(s64, 2 * s->slice_ns, burst);
}

/* The credit needed to start a slice. */

static s64 mvgpu_sched_tokens_run(const struct mvgpu_sched *s)
{
	return s->slice_ns / 2;
}

static void mvgpu_sched_tokens_init(const struct mvgpu_sched *s,
				    struct mvgpu_sched_entity *e, u64 now)
{
	e->tokens = s->slice_ns;
	e->tokens_rem = 0;
	e->tokens_at = now;
}

/* Credit @e with what its bucket gained since @tokens_at, up to @now. */
static void mvgpu_sched_refill(const struct mvgpu_sched *s,
			       struct mvgpu_sched_entity *e, u64 rate, u64 now)
{
	s64 max = mvgpu_sched_tokens_max(s, rate);
	u64 elapsed, need, add;

	if (!mvgpu_sched_before(e->tokens_at, now))
		return;
	elapsed = now - e->tokens_at;
	e->tokens_at = now;
	if (e->tokens >= max)
		goto full;
	/* Bounded: tokens >= -MVGPU_SCHED_CHARGE_MAX_NS, so no overflow. */
	need = (u64)(max - e->tokens) * MVGPU_SCHED_PPM - e->tokens_rem;
	if (elapsed > div64_u64(need, rate))
		goto full;
	add = elapsed * rate + e->tokens_rem;
	e->tokens += div_u64_rem(add, MVGPU_SCHED_PPM, &e->tokens_rem);
	if (e->tokens < max)
		return;
full:
	e->tokens = max;
	e->tokens_rem = 0;
}

/* When @e's bucket, refilled at @tokens_at, holds @level tokens. */
static u64 mvgpu_sched_tokens_time(const struct mvgpu_sched_entity *e,
				   u64 rate, s64 level)
{
	u64 need;

	if (e->tokens >= level)
		return e->tokens_at;
	need = (u64)(level - e->tokens) * MVGPU_SCHED_PPM - e->tokens_rem;
	return e->tokens_at + div64_u64(need + rate - 1, rate);
}

/*
 * Put runnable, not running @e in the heap it belongs to, from its current
 * policy state (tokens as of @tokens_at: no refill).
 */
static void mvgpu_sched_place(struct mvgpu_sched *s,
			      struct mvgpu_sched_entity *e)
{
	u64 rate = mvgpu_sched_rate(s, e);

	if (rate && e->tokens < mvgpu_sched_tokens_run(s)) {
		e->key = mvgpu_sched_tokens_time(e, rate,
						 mvgpu_sched_tokens_run(s));
		e->queue = MVGPU_SCHED_Q_THROTTLED;
		mvgpu_sched_heap_insert(&s->throttled, e);
		return;
	}
	switch (s->policy) {
	case MVGPU_SCHED_BEST_EFFORT:
		e->key = e->rr_seq;
		break;
	case MVGPU_SCHED_FIXED_SHARE:
		if (!rate) {
			e->queue = MVGPU_SCHED_Q_PARKED;
			return;
		}
		/* Earliest deadline first: who would waste tokens soonest. */
		e->key = mvgpu_sched_tokens_time(e, rate,
						 mvgpu_sched_tokens_max(s, rate));
		break;
	default:
		e->key = e->vruntime;
		break;
	}
	e->queue = MVGPU_SCHED_Q_READY;
	mvgpu_sched_heap_insert(&s->ready, e);
}

static void mvgpu_sched_dequeue(struct mvgpu_sched *s,
				struct mvgpu_sched_entity *e)
{
	if (e->queue == MVGPU_SCHED_Q_READY)
		mvgpu_sched_heap_remove(&s->ready, e);
	else if (e->queue == MVGPU_SCHED_Q_THROTTLED)
		mvgpu_sched_heap_remove(&s->throttled, e);
	e->queue = MVGPU_SCHED_Q_NONE;
}

/*
 * Queue runnable, not running @e at @now: at the tail for round robin, and
 * after entities with the same key otherwise.
 */
static void mvgpu_sched_enqueue(struct mvgpu_sched *s,
				struct mvgpu_sched_entity *e, u64 now)
{
	u64 rate = mvgpu_sched_rate(s, e);

	if (rate)
		mvgpu_sched_refill(s, e, rate, now);
	e->rr_seq = s->rr_next++;
	mvgpu_sched_place(s, e);
}

/* No virtual-runtime credit from sleeping: start at the floor. */
static void mvgpu_sched_vruntime_floor(const struct mvgpu_sched *s,
				       struct mvgpu_sched_entity *e)
{
	if (mvgpu_sched_before(e->vruntime, s->min_vruntime))
		e->vruntime = s->min_vruntime;
}

/*
 * Virtual runtime @e accrues for @ran_ns of engine time: scaled by its
 * weight under the weighted policy.
 */
static u64 mvgpu_sched_vruntime_delta(const struct mvgpu_sched *s,
				      const struct mvgpu_sched_entity *e,
				      u64 ran_ns)
{
	if (s->policy != MVGPU_SCHED_WEIGHTED)
		return ran_ns;
	return div_u64(ran_ns * MVGPU_SCHED_WEIGHT_DEFAULT, e->weight);
}

/*
 * With several engines an entity whose weight asks for more than one
 * engine runs all the time yet falls behind the others' virtual runtime.
 * Keep it at most one slice (of its own virtual time) behind the floor:
 * still first in line, but with no backlog to replay if its weight drops.
 */
static void mvgpu_sched_vruntime_lag(const struct mvgpu_sched *s,
				     struct mvgpu_sched_entity *e)
{
	u64 floor = s->min_vruntime -
		    mvgpu_sched_vruntime_delta(s, e, s->slice_ns);

	if (mvgpu_sched_before(e->vruntime, floor))
		e->vruntime = floor;
}

static void mvgpu_sched_common_reset(struct mvgpu_sched *s, u64 now)
{
	struct mvgpu_sched_entity *e;

	memset(&s->ready, 0, sizeof(s->ready));
	memset(&s->throttled, 0, sizeof(s->throttled));
	s->min_vruntime = 0;
	s->rr_next = 0;
	list_for_each_entry(e, &s->entities, link) {
		e->queue = MVGPU_SCHED_Q_NONE;
		e->heap_child = NULL;
		e->heap_next = NULL;
		e->heap_prev = NULL;
		e->vruntime = 0;
		e->rr_seq = 0;
		mvgpu_sched_tokens_init(s, e, now);
	}
	list_for_each_entry(e, &s->entities, link)
		if (e->runnable && !e->running)
			s->ops->wake(s, e, now);
}

static void mvgpu_sched_common_wake(struct mvgpu_sched *s,
				    struct mvgpu_sched_entity *e, u64 now)
{
	mvgpu_sched_enqueue(s, e, now);
}

static void mvgpu_sched_vruntime_wake(struct mvgpu_sched *s,
				      struct mvgpu_sched_entity *e, u64 now)
{
	mvgpu_sched_vruntime_floor(s, e);
	mvgpu_sched_enqueue(s, e, now);
}

static void mvgpu_sched_common_idle(struct mvgpu_sched *s,
				    struct mvgpu_sched_entity *e, u64 now)
{
	u64 rate = mvgpu_sched_rate(s, e);

	mvgpu_sched_dequeue(s, e);
	if (rate)
		mvgpu_sched_refill(s, e, rate, now);
}

static struct mvgpu_sched_entity *
mvgpu_sched_common_pick(struct mvgpu_sched *s, u64 now, u64 *retry_at)
{
	struct mvgpu_sched_entity *e;
	u64 rate;

	/* Throttled entities whose bucket holds enough again may run. */
	while ((e = s->throttled.root) &&
	       !mvgpu_sched_before(now, e->key)) {
		mvgpu_sched_heap_remove(&s->throttled, e);
		e->queue = MVGPU_SCHED_Q_NONE;
		rate = mvgpu_sched_rate(s, e);
		if (rate)
			mvgpu_sched_refill(s, e, rate, now);
		if (mvgpu_sched_uses_vruntime(s))
			mvgpu_sched_vruntime_floor(s, e);
		mvgpu_sched_place(s, e);
	}
	e = s->ready.root;
	if (!e) {
		*retry_at = s->throttled.root ? s->throttled.root->key :
						U64_MAX;
		return NULL;
	}
	mvgpu_sched_heap_remove(&s->ready, e);
	e->queue = MVGPU_SCHED_Q_NONE;
	if (mvgpu_sched_uses_vruntime(s) &&
	    mvgpu_sched_before(s->min_vruntime, e->vruntime))
		s->min_vruntime = e->vruntime;
	return e;
}

static void mvgpu_sched_common_charge(struct mvgpu_sched *s,
				      struct mvgpu_sched_entity *e,
				      u64 ran_ns, u64 now)
{
	u64 rate = mvgpu_sched_rate(s, e);
	s64 debt;

	e->vruntime += mvgpu_sched_vruntime_delta(s, e, ran_ns);
	if (mvgpu_sched_uses_vruntime(s))
		mvgpu_sched_vruntime_lag(s, e);
	if (!rate)
		return;
	/*
	 * Spend first, then refill over the time up to @now: the bucket
	 * drains while the entity runs, so it never overflows meanwhile.
	 * Then debt stops at a full bucket: a run stretched by a stall of
	 * the engine thread (charged by wall time) is paid back within
	 * max(MVGPU_SCHED_BURST_NS, two slices at the rate) plus the start
	 * threshold, not for seconds; the rest of that overrun is forgiven.
	 */
	e->tokens = max(e->tokens - (s64)ran_ns,
			-(s64)MVGPU_SCHED_CHARGE_MAX_NS);
	mvgpu_sched_refill(s, e, rate, now);
	debt = mvgpu_sched_tokens_max(s, rate);
	if (e->tokens < -debt) {
		e->tokens = -debt;
		e->tokens_rem = 0;
	}
}

static const struct mvgpu_sched_policy_ops mvgpu_sched_policies[] = {
	[MVGPU_SCHED_BEST_EFFORT] = {
		.name = "best_effort",
		.reset = mvgpu_sched_common_reset,
		.wake = mvgpu_sched_common_wake,
		.idle = mvgpu_sched_common_idle,
		.pick = mvgpu_sched_common_pick,
		.charge = mvgpu_sched_common_charge,
	},
	[MVGPU_SCHED_EQUAL_SHARE] = {
		.name = "equal_share",
		.reset = mvgpu_sched_common_reset,
		.wake = mvgpu_sched_vruntime_wake,
		.idle = mvgpu_sched_common_idle,
		.pick = mvgpu_sched_common_pick,
		.charge = mvgpu_sched_common_charge,
	},
	[MVGPU_SCHED_FIXED_SHARE] = {
		.name = "fixed_share",
		.reset = mvgpu_sched_common_reset,
		.wake = mvgpu_sched_common_wake,
		.idle = mvgpu_sched_common_idle,
		.pick = mvgpu_sched_common_pick,
		.charge = mvgpu_sched_common_charge,
	},
	[MVGPU_SCHED_WEIGHTED] = {
		.name = "weighted",
		.reset = mvgpu_sched_common_reset,
		.wake = mvgpu_sched_vruntime_wake,
		.idle = mvgpu_sched_common_idle,
		.pick = mvgpu_sched_common_pick,
		.charge = mvgpu_sched_common_charge,
	},
};

static void mvgpu_sched_tick(struct mvgpu_sched *s, u64 now)
{
	if (mvgpu_sched_before(s->clock, now))
		s->clock = now;
}

/**
 * mvgpu_sched_init() - set up the scheduler of a pGPU
 * @s: scheduler; its previous contents are ignored
 * @num_engines: engines of the pGPU; 0 is taken as 1
 *
 * The policy is best_effort and the slice MVGPU_SCHED_SLICE_DEFAULT_NS,
 * with no entities.
 */
void mvgpu_sched_init(struct mvgpu_sched *s, u32 num_engines)
{
	memset(s, 0, sizeof(*s));
	INIT_LIST_HEAD(&s->entities);
	s->num_engines = max(num_engines, 1U);
	s->slice_ns = MVGPU_SCHED_SLICE_DEFAULT_NS;
	s->policy = MVGPU_SCHED_BEST_EFFORT;
	s->ops = &mvgpu_sched_policies[s->policy];
}

/**
 * mvgpu_sched_add() - add an entity, not runnable
 * @s: scheduler
 * @e: entity; its previous contents are ignored
 * @share_ppm: its fixed share in ppm of the pGPU (MVGPU_SCHED_SHARE_ONE
 *	is all of it; larger values are taken as that); 0 means it never
 *	runs under fixed_share
 * @now: current time
 *
 * The weight starts at MVGPU_SCHED_WEIGHT_DEFAULT and there is no cap; set
 * them with mvgpu_sched_set_weight() and mvgpu_sched_set_cap().
 */
void mvgpu_sched_add(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		     u32 share_ppm, u64 now)
{
	memset(e, 0, sizeof(*e));
	e->weight = MVGPU_SCHED_WEIGHT_DEFAULT;
	e->share_ppm = min(share_ppm, MVGPU_SCHED_SHARE_ONE);
	e->vruntime = s->min_vruntime;
	mvgpu_sched_tokens_init(s, e, now);
	mvgpu_sched_tick(s, now);
	list_add_tail(&e->link, &s->entities);
	s->num_entities++;
}

/**
 * mvgpu_sched_remove() - remove an entity, whatever its state
 * @s: scheduler
 * @e: entity added to @s (removing it twice is harmless)
 *
 * A runnable entity is never picked again. A running one stops counting
 * as running at once; its engine is the caller's to stop. A later
 * mvgpu_sched_charge() of @e, while it is still allocated, does nothing.
 */
void mvgpu_sched_remove(struct mvgpu_sched *s, struct mvgpu_sched_entity *e)
{
	if (list_empty(&e->link))
		return;
	mvgpu_sched_dequeue(s, e);
	if (e->runnable) {
		e->runnable = false;
		s->num_runnable--;
	}
	if (e->running) {
		e->running = false;
		s->num_running--;
	}
	list_del_init(&e->link);
	s->num_entities--;
}

/**
 * mvgpu_sched_wake() - an entity has work
 * @s: scheduler
 * @e: entity
 * @now: current time
 *
 * Idempotent. A running entity is only marked runnable; its charge queues
 * it again. A woken entity's virtual runtime is raised to the floor of the
 * runnable ones, so sleeping earns no credit.
 */
void mvgpu_sched_wake(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		      u64 now)
{
	mvgpu_sched_tick(s, now);
	if (e->runnable || list_empty(&e->link))
		return;
	e->runnable = true;
	s->num_runnable++;
	if (!e->running)
		s->ops->wake(s, e, now);
}

/**
 * mvgpu_sched_idle() - an entity has no work left
 * @s: scheduler
 * @e: entity
 * @now: current time
 *
 * Idempotent. A running entity stays running until it is charged.
 */
void mvgpu_sched_idle(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		      u64 now)
{
	mvgpu_sched_tick(s, now);
	if (!e->runnable)
		return;
	e->runnable = false;
	s->num_runnable--;
	s->ops->idle(s, e, now);
}

/**
 * mvgpu_sched_pick() - choose what an idle engine runs next
 * @s: scheduler
 * @now: current time
 * @slice_ns: set to how long the entity may run: the slice, or less when
 *	its token bucket (fixed_share, or a weighted cap) holds less
 * @retry_at: when nothing may run, set to the earliest time something may
 *	without new work (U64_MAX: only a wake can change the answer)
 *
 * The entity returned is marked running; charge it with
 * mvgpu_sched_charge() when it stops. Call once per idle engine.
 *
 * Return: a runnable entity that is not running, or NULL.
 */
struct mvgpu_sched_entity *mvgpu_sched_pick(struct mvgpu_sched *s, u64 now,
					    u64 *slice_ns, u64 *retry_at)
{
	struct mvgpu_sched_entity *e;
	u64 retry = U64_MAX, rate;

	mvgpu_sched_tick(s, now);
	e = s->ops->pick(s, now, &retry);
	if (!e) {
		*retry_at = retry;
		return NULL;
	}
	e->running = true;
	s->num_running++;
	*slice_ns = s->slice_ns;
	rate = mvgpu_sched_rate(s, e);
	if (rate) {
		mvgpu_sched_refill(s, e, rate, now);
		if (e->tokens < (s64)s->slice_ns)
			*slice_ns = max_t(s64, e->tokens, 1);
	}
	return e;
}

/**
 * mvgpu_sched_charge() - account the time an entity ran
 * @s: scheduler
 * @e: entity returned by mvgpu_sched_pick()
 * @ran_ns: engine time it used: may exceed the slice (preemption latency)
 *	or be 0; more than 1000 maximal slices counts as that
 * @still_runnable: whether it has work left; this overrides wake and idle
 *	calls made while it ran
 * @now: current time, when it stopped
 *
 * @e is no longer running; if it is still runnable it waits for its next
 * turn (at the tail under best_effort).
 */
void mvgpu_sched_charge(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
			u64 ran_ns, bool still_runnable, u64 now)
{
	bool was_active = e->running || e->runnable;

	mvgpu_sched_tick(s, now);
	if (list_empty(&e->link)) {
		e->running = false;
		return;
	}
	if (e->running) {
		e->running = false;
		s->num_running--;
	} else {
		mvgpu_sched_dequeue(s, e);
	}
	s->ops->charge(s, e, min_t(u64, ran_ns, MVGPU_SCHED_CHARGE_MAX_NS), now);
	if (!still_runnable) {
		if (e->runnable) {
			e->runnable = false;
			s->num_runnable--;
		}
		return;
	}
	if (!e->runnable) {
		e->runnable = true;
		s->num_runnable++;
	}
	if (was_active)
		mvgpu_sched_enqueue(s, e, now);
	else
		s->ops->wake(s, e, now);
}

/**
 * mvgpu_sched_set_policy() - switch policy
 * @s: scheduler
 * @policy: new policy
 * @now: current time
 *
 * Resets the policy state of every entity (virtual runtimes, round-robin
 * order, token buckets to one slice) and queues the runnable ones again;
 * running entities keep running and are queued at their charge. Setting
 * the current policy resets it too.
 *
 * Return: 0, or -EINVAL for an unknown policy (nothing changes).
 */
int mvgpu_sched_set_policy(struct mvgpu_sched *s,
			   enum mvgpu_sched_policy_id policy, u64 now)
{
	if ((unsigned int)policy >= MVGPU_SCHED_NR_POLICIES)
		return -EINVAL;
	mvgpu_sched_tick(s, now);
	s->policy = policy;
	s->ops = &mvgpu_sched_policies[policy];
	s->ops->reset(s, now);
	return 0;
}

/**
 * mvgpu_sched_set_slice() - set the slice length
 * @s: scheduler
 * @slice_ns: MVGPU_SCHED_SLICE_MIN_NS..MVGPU_SCHED_SLICE_MAX_NS
 *
 * Applies from the next pick; running entities finish the slice they
 * have. Token buckets take the new size (credit above it is dropped).
 *
 * Return: 0, or -ERANGE when out of range (nothing changes).
 */
int mvgpu_sched_set_slice(struct mvgpu_sched *s, u64 slice_ns)
{
	struct mvgpu_sched_entity *e;

	if (slice_ns < MVGPU_SCHED_SLICE_MIN_NS ||
	    slice_ns > MVGPU_SCHED_SLICE_MAX_NS)
		return -ERANGE;
	s->slice_ns = slice_ns;
	/* Throttling thresholds and deadlines depend on the slice. */
	list_for_each_entry(e, &s->entities, link) {
		s64 max = mvgpu_sched_tokens_max(s, mvgpu_sched_rate(s, e));

		if (e->tokens > max) {
			e->tokens = max;
			e->tokens_rem = 0;
		}
		if (e->tokens < -max) {
			e->tokens = -max;
			e->tokens_rem = 0;
		}
		if (e->queue == MVGPU_SCHED_Q_NONE)
			continue;
		mvgpu_sched_dequeue(s, e);
		mvgpu_sched_place(s, e);
	}
	return 0;
}

/**
 * mvgpu_sched_set_weight() - set an entity's weight (weighted policy)
 * @s: scheduler
 * @e: entity
 * @weight: MVGPU_SCHED_WEIGHT_MIN..MVGPU_SCHED_WEIGHT_MAX
 *
 * Applies to the time @e is charged from now on.
 *
 * Return: 0, or -ERANGE when out of range (nothing changes).
 */
int mvgpu_sched_set_weight(struct mvgpu_sched *s,
			   struct mvgpu_sched_entity *e, u32 weight)
{
	if (weight < MVGPU_SCHED_WEIGHT_MIN || weight > MVGPU_SCHED_WEIGHT_MAX)
		return -ERANGE;
	(void)s;	/* it applies at the next charge: nothing to requeue */
	e->weight = weight;
	return 0;
}

/**
 * mvgpu_sched_set_cap() - cap an entity's share (weighted policy)
 * @s: scheduler
 * @e: entity
 * @cap_pct: at most this percentage of the pGPU, 1..MVGPU_SCHED_CAP_MAX,
 *	or 0 for no cap
 *
 * A newly capped entity starts with one slice of tokens.
 *
 * Return: 0, or -ERANGE when out of range (nothing changes).
 */
int mvgpu_sched_set_cap(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
			u32 cap_pct)
{
	u64 old_rate = mvgpu_sched_rate(s, e);

	if (cap_pct > MVGPU_SCHED_CAP_MAX)
		return -ERANGE;
	if (old_rate)
		mvgpu_sched_refill(s, e, old_rate, s->clock);
	e->cap_pct = cap_pct;
	if (s->policy != MVGPU_SCHED_WEIGHTED)
		return 0;
	if (!old_rate && cap_pct)
		mvgpu_sched_tokens_init(s, e, s->clock);
	if (e->queue != MVGPU_SCHED_Q_NONE) {
		mvgpu_sched_dequeue(s, e);
		mvgpu_sched_place(s, e);
	}
	return 0;
}

/**
 * mvgpu_sched_policy_name() - name of a policy
 * @policy: policy
 *
 * Return: its sysfs name, or NULL for an unknown policy.
 */
const char *mvgpu_sched_policy_name(enum mvgpu_sched_policy_id policy)
{
	if ((unsigned int)policy >= MVGPU_SCHED_NR_POLICIES)
		return NULL;
	return mvgpu_sched_policies[policy].name;
}

/**
 * mvgpu_sched_policy_parse() - policy of a name
 * @name: name, not necessarily NUL-terminated
 * @len: its length; one trailing newline (as sysfs writes have) is ignored
 *
 * Return: the policy, or -EINVAL for an unknown name.
 */
int mvgpu_sched_policy_parse(const char *name, size_t len)
{
	int i;

	if (len && name[len - 1] == '\n')
		len--;
	for (i = 0; i < MVGPU_SCHED_NR_POLICIES; i++) {
		const char *n = mvgpu_sched_policies[i].name;

		if (strlen(n) == len && !memcmp(n, name, len))
			return i;
	}
	return -EINVAL;
}
