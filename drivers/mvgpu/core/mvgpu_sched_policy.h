/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduling policies of a pGPU's engines: which vGPU runs next, and for
 * how long.
 *
 * Pure logic: no locking, no clock, no VFIO/mdev/PCI. Time is a caller-
 * supplied monotonic nanosecond count (@now), so the same code runs in
 * mvgpu.ko and, under a simulated clock, in the userspace unit tests. The
 * caller serialises every call on one &struct mvgpu_sched.
 *
 * Model: a pGPU has @num_engines identical engines. An entity (one vGPU)
 * is runnable while it has work; a runnable entity not running on an
 * engine may be picked by any idle engine, and runs until its slice ends
 * or it runs out of work; the caller then charges the time it ran. An
 * entity runs on at most one engine at a time. Shares are fractions of
 * the time of the whole pGPU (all engines), but one entity can never use
 * more than one engine.
 *
 * Policies (one const &struct mvgpu_sched_policy_ops each):
 *  - best_effort: round robin over runnable entities, a full slice each,
 *    work-conserving.
 *  - equal_share: each runnable entity gets an equal fraction of engine
 *    time (virtual runtime, all weights equal), work-conserving.
 *  - fixed_share: each entity gets at most and at least (when it has work)
 *    the share its type fixes (@share_ppm); time it leaves idle is not
 *    given to others, so engines may idle while entities are runnable.
 *  - weighted: engine time proportional to @weight among runnable
 *    entities, work-conserving, except that an entity with @cap_pct set
 *    never gets more than that percentage of the pGPU.
 */
#ifndef _MVGPU_SCHED_POLICY_H_
#define _MVGPU_SCHED_POLICY_H_

#include <linux/list.h>
#include <linux/types.h>

#define MVGPU_SCHED_SLICE_MIN_NS	100000ULL	/* 100 us */
#define MVGPU_SCHED_SLICE_MAX_NS	100000000ULL	/* 100 ms */
#define MVGPU_SCHED_SLICE_DEFAULT_NS	2000000ULL	/* 2 ms */
#define MVGPU_SCHED_WEIGHT_MIN		1
#define MVGPU_SCHED_WEIGHT_MAX		10000
#define MVGPU_SCHED_WEIGHT_DEFAULT	100
#define MVGPU_SCHED_SHARE_ONE		1000000U	/* ppm: the whole pGPU */
#define MVGPU_SCHED_CAP_MAX		100		/* percent */

/**
 * enum mvgpu_sched_queue - where a runnable, not running entity waits
 * @MVGPU_SCHED_Q_NONE: nowhere: not runnable, or running
 * @MVGPU_SCHED_Q_READY: in &mvgpu_sched.ready, may run now
 * @MVGPU_SCHED_Q_THROTTLED: in &mvgpu_sched.throttled, out of tokens until
 *	&mvgpu_sched_entity.key
 * @MVGPU_SCHED_Q_PARKED: may never run under the current policy (a
 *	fixed_share entity whose share is 0)
 */
enum mvgpu_sched_queue {
	MVGPU_SCHED_Q_NONE,
	MVGPU_SCHED_Q_READY,
	MVGPU_SCHED_Q_THROTTLED,
	MVGPU_SCHED_Q_PARKED,
};

/**
 * enum mvgpu_sched_policy_id - scheduling policies
 * @MVGPU_SCHED_BEST_EFFORT: "best_effort", the default
 * @MVGPU_SCHED_EQUAL_SHARE: "equal_share"
 * @MVGPU_SCHED_FIXED_SHARE: "fixed_share"
 * @MVGPU_SCHED_WEIGHTED: "weighted"
 * @MVGPU_SCHED_NR_POLICIES: number of policies
 */
enum mvgpu_sched_policy_id {
	MVGPU_SCHED_BEST_EFFORT,
	MVGPU_SCHED_EQUAL_SHARE,
	MVGPU_SCHED_FIXED_SHARE,
	MVGPU_SCHED_WEIGHTED,
	MVGPU_SCHED_NR_POLICIES,
};

/**
 * struct mvgpu_sched_entity - one vGPU as the scheduler sees it
 * @link: entry in &mvgpu_sched.entities
 * @weight: weighted policy weight, MVGPU_SCHED_WEIGHT_MIN..MAX
 * @cap_pct: weighted policy cap in percent of the pGPU, 0 for none
 * @share_ppm: fixed_share share in ppm of the pGPU (from the vGPU type)
 * @runnable: has work (between mvgpu_sched_wake() and mvgpu_sched_idle()
 *	or a charge that ends it)
 * @running: picked and not charged yet
 * @vruntime: virtual runtime: engine time scaled by
 *	MVGPU_SCHED_WEIGHT_DEFAULT / @weight (weighted) or not scaled (other
 *	policies); only equal_share and weighted order by it
 * @tokens: runtime credit in ns for caps and fixed shares; may go
 *	negative (by at most a full bucket), the entity is then throttled
 *	until it refills
 * @tokens_at: time @tokens was last refilled
 * @rr_seq: queueing order: round-robin order (best_effort), and the
 *	tie-break between equal keys (first queued first)
 * @tokens_rem: fraction of a token ns not credited yet, in 1/1000000 ns
 * @queue: where the entity waits (enum mvgpu_sched_queue)
 * @key: its order in that heap (smallest first): @rr_seq, @vruntime, the
 *	time its token bucket is full (fixed_share), or, when throttled, the
 *	time it has enough tokens to run again
 * @heap_child: first child in the pairing heap
 * @heap_next: next sibling in the pairing heap
 * @heap_prev: previous sibling, or the parent of a first child
 *
 * The caller sets @weight, @cap_pct and @share_ppm (through the setters
 * once the entity is added); the rest is policy state.
 */
struct mvgpu_sched_entity {
	struct list_head link;
	u32 weight;
	u32 cap_pct;
	u32 share_ppm;
	bool runnable;
	bool running;
	u64 vruntime;
	s64 tokens;
	u64 tokens_at;
	u64 rr_seq;
	u32 tokens_rem;
	u8 queue;
	u64 key;
	struct mvgpu_sched_entity *heap_child;
	struct mvgpu_sched_entity *heap_next;
	struct mvgpu_sched_entity *heap_prev;
};

/**
 * struct mvgpu_sched_heap - pairing heap of entities, smallest key first
 * @root: the entity with the smallest key, NULL when empty
 * @count: entities in the heap
 */
struct mvgpu_sched_heap {
	struct mvgpu_sched_entity *root;
	u32 count;
};

struct mvgpu_sched;

/**
 * struct mvgpu_sched_policy_ops - one scheduling policy
 * @name: sysfs name
 * @reset: (re)initialise policy state of every entity when the policy
 *	becomes current; @now is the time of the switch
 * @wake: entity @e became runnable
 * @idle: entity @e is no longer runnable
 * @pick: choose a runnable entity that is not running and may run at
 *	@now, or return NULL and set *@retry_at to the earliest time one
 *	may (U64_MAX when only new work can change the answer)
 * @charge: @e ran for @ran_ns, ending at @now
 */
struct mvgpu_sched_policy_ops {
	const char *name;
	void (*reset)(struct mvgpu_sched *s, u64 now);
	void (*wake)(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		     u64 now);
	void (*idle)(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		     u64 now);
	struct mvgpu_sched_entity *(*pick)(struct mvgpu_sched *s, u64 now, u64 *retry_at);
	void (*charge)(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		       u64 ran_ns, u64 now);
};

/**
 * struct mvgpu_sched - the scheduler state of one pGPU
 * @ops: current policy
 * @policy: current policy id
 * @slice_ns: slice length
 * @num_engines: engines of the pGPU
 * @entities: every added entity (&mvgpu_sched_entity.link)
 * @num_entities: entries on @entities
 * @num_runnable: entities with @runnable set
 * @min_vruntime: floor of the virtual runtime of runnable entities
 * @rr_next: next round-robin sequence number
 * @ready: runnable entities that may run now, not running
 * @throttled: runnable entities waiting for tokens, not running
 * @num_running: entities with &mvgpu_sched_entity.running set
 * @clock: latest @now any call passed (settings without a time use it)
 */
struct mvgpu_sched {
	const struct mvgpu_sched_policy_ops *ops;
	enum mvgpu_sched_policy_id policy;
	u64 slice_ns;
	u32 num_engines;
	struct list_head entities;
	u32 num_entities;
	u32 num_runnable;
	u64 min_vruntime;
	u64 rr_next;
	struct mvgpu_sched_heap ready;
	struct mvgpu_sched_heap throttled;
	u32 num_running;
	u64 clock;
};

/* Lifecycle. Policy best_effort, slice MVGPU_SCHED_SLICE_DEFAULT_NS. */
void mvgpu_sched_init(struct mvgpu_sched *s, u32 num_engines);
void mvgpu_sched_add(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		     u32 share_ppm, u64 now);
void mvgpu_sched_remove(struct mvgpu_sched *s, struct mvgpu_sched_entity *e);

/* Events. wake/idle are idempotent. */
void mvgpu_sched_wake(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		      u64 now);
void mvgpu_sched_idle(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
		      u64 now);
struct mvgpu_sched_entity *mvgpu_sched_pick(struct mvgpu_sched *s, u64 now,
					    u64 *slice_ns, u64 *retry_at);
void mvgpu_sched_charge(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
			u64 ran_ns, bool still_runnable, u64 now);

/*
 * Settings: 0, or -EINVAL (unknown policy) or -ERANGE (value out of range)
 * leaving everything unchanged.
 */
int mvgpu_sched_set_policy(struct mvgpu_sched *s,
			   enum mvgpu_sched_policy_id policy, u64 now);
int mvgpu_sched_set_slice(struct mvgpu_sched *s, u64 slice_ns);
int mvgpu_sched_set_weight(struct mvgpu_sched *s,
			   struct mvgpu_sched_entity *e, u32 weight);
int mvgpu_sched_set_cap(struct mvgpu_sched *s, struct mvgpu_sched_entity *e,
			u32 cap_pct);
const char *mvgpu_sched_policy_name(enum mvgpu_sched_policy_id policy);
int mvgpu_sched_policy_parse(const char *name, size_t len);

#endif /* _MVGPU_SCHED_POLICY_H_ */
