/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine scheduler of the mvgpu core: per-pGPU engine threads that run
 * vGPUs in time slices under a policy (mvgpu_sched_policy.h), with their
 * accounting (mvgpu_sched_stats.h), settings and hang watchdog
 * (mvgpu_watchdog.h).
 */
#ifndef _MVGPU_SCHED_H_
#define _MVGPU_SCHED_H_

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "mvgpu_sched_policy.h"
#include "mvgpu_sched_stats.h"

struct device;
struct mvgpu_pgpu;
struct mvgpu_vgpu;
struct task_struct;

#define MVGPU_SCHED_WATCHDOG_DEFAULT_MS	2000
#define MVGPU_SCHED_WATCHDOG_MIN_MS	10
#define MVGPU_SCHED_WATCHDOG_MAX_MS	60000

/**
 * struct mvgpu_sched_engine - the core's thread for one engine of a pGPU
 * @pgpu: the pGPU
 * @id: engine number
 * @thread: the kthread calling &mvgpu_backend_ops.engine_run
 * @vgpu: vGPU running on the engine, or NULL; guarded by
 *	&mvgpu_pgpu_sched.lock
 */
struct mvgpu_sched_engine {
	struct mvgpu_pgpu *pgpu;
	u32 id;
	struct task_struct *thread;
	struct mvgpu_vgpu *vgpu;
};

/**
 * struct mvgpu_pgpu_sched - scheduler state of one pGPU
 * @id: pGPU number in tracepoints and thread names
 * @lock: guards @policy (and so every entity's policy state), @kick_seq,
 *	@watchdog_ms, @stats, @window_start_ns, the engines' @vgpu and every
 *	vGPU's &struct mvgpu_vgpu_sched. Innermost lock, never held across a
 *	backend call.
 * @policy: the policy state and its entities (one per vGPU)
 * @engines: one per engine of the pGPU
 * @kick_seq: bumped whenever an idle engine may find work; an engine
 *	sleeps only while it is unchanged
 * @running: engines running a vGPU
 * @work_wq: idle engine threads wait here
 * @idle_wq: woken whenever a vGPU leaves an engine
 * @watchdog_ms: hang timeout, 0 when off
 * @tick: periodic work: utilization windows and the hang watchdog
 *	(mvgpu_watchdog.c); takes &mvgpu_pgpu.lock, never this lock around it
 * @window_start_ns: start of the current utilization window
 * @stats: totals of the pGPU
 */
struct mvgpu_pgpu_sched {
	u32 id;
	spinlock_t lock;	/* scheduler state; see above */
	struct mvgpu_sched policy;
	struct mvgpu_sched_engine *engines;
	u64 kick_seq;
	u32 running;
	wait_queue_head_t work_wq;
	wait_queue_head_t idle_wq;
	u32 watchdog_ms;
	struct delayed_work tick;
	u64 window_start_ns;
	struct mvgpu_sched_stats stats;
};

/**
 * struct mvgpu_vgpu_sched - scheduler state of one vGPU
 * @entity: the vGPU as the policy sees it
 * @added: @entity is on the policy's list
 * @engine: engine the vGPU runs on, or -1
 * @work_seq: doorbells seen; a run that saw it change ends runnable
 * @seq_at_pick: @work_seq when the current run started
 * @wait_until: when only WAIT packets held the vGPU back: the time to poll
 *	them again (the vGPU is idle for the policy until then), else 0
 * @runs: engine runs the vGPU was given (the hang watchdog only blames a
 *	queue whose vGPU had the engine)
 * @stats: the vGPU's accounting
 *
 * Guarded by &mvgpu_pgpu_sched.lock.
 */
struct mvgpu_vgpu_sched {
	struct mvgpu_sched_entity entity;
	bool added;
	int engine;
	u64 work_seq;
	u64 seq_at_pick;
	u64 wait_until;
	u64 runs;
	struct mvgpu_sched_stats stats;
};

/* mvgpu_sched.c: engine threads */
int mvgpu_pgpu_sched_init(struct mvgpu_pgpu *pgpu);
void mvgpu_pgpu_sched_fini(struct mvgpu_pgpu *pgpu);
void mvgpu_pgpu_sched_kick_all(struct mvgpu_pgpu *pgpu, bool preempt);
void mvgpu_vgpu_sched_add(struct mvgpu_vgpu *vgpu);
void mvgpu_vgpu_sched_remove(struct mvgpu_vgpu *vgpu);
void mvgpu_vgpu_sched_kick(struct mvgpu_vgpu *vgpu);

/* mvgpu_sched_settings.c: what sysfs may change */
int mvgpu_pgpu_sched_set_policy(struct mvgpu_pgpu *pgpu, const char *name);
int mvgpu_pgpu_sched_set_slice_us(struct mvgpu_pgpu *pgpu, u32 slice_us);
int mvgpu_pgpu_sched_set_watchdog_ms(struct mvgpu_pgpu *pgpu, u32 ms);
int mvgpu_vgpu_sched_set_weight(struct mvgpu_vgpu *vgpu, u32 weight);
int mvgpu_vgpu_sched_set_cap(struct mvgpu_vgpu *vgpu, u32 cap_pct);

#endif /* _MVGPU_SCHED_H_ */
