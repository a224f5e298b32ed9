// SPDX-License-Identifier: GPL-2.0-only
/*
 * Accounting of the engine scheduler: engine time and events per vGPU and
 * per pGPU, and utilization over windows.
 */

/**
 * DOC: Scheduler accounting
 *
 * Each engine run is charged to its vGPU and to the pGPU: its engine time,
 * the command packets it completed, and a preemption when it ended with
 * work left. Queue errors and resets are counted as they happen. The
 * periodic tick (mvgpu_watchdog.c) closes a utilization window once it is
 * MVGPU_SCHED_WINDOW_NS long: the utilization is the engine time used in
 * it, in percent of the pGPU's engine time (window times engines). All of
 * it is kept under &mvgpu_pgpu_sched.lock and shown in sysfs, in debugfs
 * (mvgpu_debugfs.c) and, per run, through the tracepoints.
 */

#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "mvgpu_core.h"

static void mvgpu_sched_stats_add_run(struct mvgpu_sched_stats *st,
				      u64 ran_ns,
				      const struct mvgpu_engine_run *run)
{
	st->busy_ns += ran_ns;
	st->jobs += run->commands;
	if (run->stop == MVGPU_ENGINE_SLICE ||
	    run->stop == MVGPU_ENGINE_PREEMPTED)
		st->preemptions++;
}

/**
 * mvgpu_sched_stats_charge_locked() - charge an engine run
 * @ps: the pGPU's scheduler, its lock held
 * @vs: the vGPU that ran
 * @ran_ns: engine time charged for the run
 * @run: what the backend reported of the run
 *
 * Counts the run for the hang watchdog (&mvgpu_vgpu_sched.runs) and adds
 * it to the vGPU's and the pGPU's accounting.
 */
void mvgpu_sched_stats_charge_locked(struct mvgpu_pgpu_sched *ps,
				     struct mvgpu_vgpu_sched *vs, u64 ran_ns,
				     const struct mvgpu_engine_run *run)
{
	lockdep_assert_held(&ps->lock);
	vs->runs++;
	mvgpu_sched_stats_add_run(&vs->stats, ran_ns, run);
	mvgpu_sched_stats_add_run(&ps->stats, ran_ns, run);
}

static u32 mvgpu_sched_percent(u64 busy_ns, u64 window_ns, u32 engines)
{
	u64 total = window_ns * engines;

	if (!total)
		return 0;
	return min_t(u64, div64_u64(busy_ns * 100 + total / 2, total), 100);
}

static void mvgpu_sched_window_close(struct mvgpu_sched_stats *st,
				     u64 window_ns, u32 engines)
{
	st->utilization = mvgpu_sched_percent(st->busy_ns - st->window_busy_ns,
					      window_ns, engines);
	st->window_busy_ns = st->busy_ns;
}

/**
 * mvgpu_sched_stats_window_update() - close the utilization window if it
 *	is over
 * @pgpu: the pGPU, &mvgpu_pgpu.lock held (its vGPU list stays put)
 * @now: ktime_get_ns()
 *
 * Called by the periodic tick. Process context.
 */
void mvgpu_sched_stats_window_update(struct mvgpu_pgpu *pgpu, u64 now)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	u32 engines = pgpu->caps.num_engines;
	struct mvgpu_vgpu *vgpu;
	u64 window_ns;

	lockdep_assert_held(&pgpu->lock);
	spin_lock(&ps->lock);
	window_ns = now - ps->window_start_ns;
	if (window_ns >= MVGPU_SCHED_WINDOW_NS) {
		mvgpu_sched_window_close(&ps->stats, window_ns, engines);
		list_for_each_entry(vgpu, &pgpu->vgpus, pgpu_link)
			mvgpu_sched_window_close(&vgpu->sched.stats, window_ns,
						 engines);
		ps->window_start_ns = now;
	}
	spin_unlock(&ps->lock);
}

/**
 * mvgpu_vgpu_sched_count() - account queue errors and resets of a vGPU
 * @vgpu: the vGPU
 * @faults: queues that stopped on an error
 * @resets: device resets or queues the watchdog reset
 *
 * Any context that may take a spinlock.
 */
void mvgpu_vgpu_sched_count(struct mvgpu_vgpu *vgpu, u64 faults, u64 resets)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;

	spin_lock(&ps->lock);
	vgpu->sched.stats.faults += faults;
	vgpu->sched.stats.resets += resets;
	ps->stats.faults += faults;
	ps->stats.resets += resets;
	spin_unlock(&ps->lock);
}

/**
 * mvgpu_vgpu_sched_runs() - engine runs a vGPU was given so far
 * @vgpu: the vGPU
 *
 * Any context that may take a spinlock. Return: the count.
 */
u64 mvgpu_vgpu_sched_runs(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	u64 runs;

	spin_lock(&ps->lock);
	runs = vgpu->sched.runs;
	spin_unlock(&ps->lock);
	return runs;
}

/**
 * mvgpu_pgpu_sched_stats() - a snapshot of a pGPU's accounting
 * @pgpu: the pGPU
 * @stats: the totals
 */
void mvgpu_pgpu_sched_stats(struct mvgpu_pgpu *pgpu,
			    struct mvgpu_sched_stats *stats)
{
	spin_lock(&pgpu->sched.lock);
	*stats = pgpu->sched.stats;
	spin_unlock(&pgpu->sched.lock);
}

/**
 * mvgpu_vgpu_sched_stats() - a snapshot of a vGPU's accounting
 * @vgpu: the vGPU
 * @stats: its counters
 */
void mvgpu_vgpu_sched_stats(struct mvgpu_vgpu *vgpu,
			    struct mvgpu_sched_stats *stats)
{
	spin_lock(&vgpu->pgpu->sched.lock);
	*stats = vgpu->sched.stats;
	spin_unlock(&vgpu->pgpu->sched.lock);
}
