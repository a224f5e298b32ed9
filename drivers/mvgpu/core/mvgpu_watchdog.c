// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hang watchdog of the engine scheduler, and the periodic tick it runs
 * from.
 */

/**
 * DOC: Hang watchdog
 *
 * Each pGPU has a periodic work item, the tick. It closes the utilization
 * windows of the scheduler's accounting (mvgpu_sched_stats.c) and samples
 * the progress of every running queue of every vGPU
 * (&mvgpu_hw_queue_status.progress). A queue that has work but has not
 * moved forward for sched_watchdog_ms, although its vGPU was given the
 * engine at least MVGPU_WATCHDOG_MIN_RUNS times meanwhile, is stopped with
 * MVGPU_ERR_HANG (mvgpu_queue_stop_hung_locked()), which its guest sees as
 * a queue error; other queues and vGPUs are not touched. A vGPU the policy
 * holds back (fixed_share, caps) or that waits for its turn is never
 * blamed for it. The tick runs every quarter of the timeout, and at least
 * every MVGPU_WATCHDOG_TICK_MAX_MS.
 */

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"
#include "mvgpu_watchdog.h"

/* Period of the tick when the watchdog does not need it more often. */
#define MVGPU_WATCHDOG_TICK_MAX_MS	100

/*
 * A hung queue must have made no progress through at least this many
 * engine runs of its vGPU: time the policy held the vGPU back, or the host
 * did not run the engine thread, does not count against it.
 */
#define MVGPU_WATCHDOG_MIN_RUNS		2

/* Whether queue @q, with work, stalled for @timeout_ns; queue_lock held. */
static bool mvgpu_watchdog_queue_stalled(struct mvgpu_vgpu *vgpu, u32 q,
					 u64 now, u64 timeout_ns)
{
	struct mvgpu_queue *queue = &vgpu->queues[q];
	u64 progress, runs;
	bool busy;

	lockdep_assert_held(&vgpu->queue_lock);
	if (!mvgpu_queue_running_locked(vgpu, q)) {
		queue->wd_since = 0;
		return false;
	}
	runs = mvgpu_vgpu_sched_runs(vgpu);
	busy = mvgpu_queue_progress_locked(vgpu, q, &progress);
	if (!queue->wd_since || progress != queue->wd_progress || !busy) {
		queue->wd_progress = progress;
		queue->wd_since = now;
		queue->wd_runs = runs;
		return false;
	}
	return timeout_ns && now - queue->wd_since >= timeout_ns &&
	       runs - queue->wd_runs >= MVGPU_WATCHDOG_MIN_RUNS;
}

/*
 * Stop the queues of @vgpu that made no progress for @timeout_ns (0 only
 * samples progress); return how many. The caller holds &mvgpu_pgpu.lock,
 * so the vGPU stays alive.
 */
static u32 mvgpu_watchdog_check_vgpu(struct mvgpu_vgpu *vgpu, u64 now,
				     u64 timeout_ns)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u32 q, hangs = 0;

	mutex_lock(&vgpu->queue_lock);
	for (q = 0; q < vgpu->part.num_queues; q++) {
		if (!mvgpu_watchdog_queue_stalled(vgpu, q, now, timeout_ns))
			continue;
		/* A guest can hang its queues at will: do not let it flood. */
		dev_info_ratelimited(pgpu->dev, "mvgpu: vGPU %s queue %u made no progress for %llu ms: stopped (hang)\n",
				     dev_name(vgpu->vdev.dev), q,
				     div_u64(now - vgpu->queues[q].wd_since,
					     NSEC_PER_MSEC));
		vgpu->queues[q].wd_since = 0;
		mvgpu_queue_stop_hung_locked(vgpu, q);
		hangs++;
	}
	mutex_unlock(&vgpu->queue_lock);
	return hangs;
}

static unsigned long mvgpu_watchdog_delay(struct mvgpu_pgpu_sched *ps)
{
	u32 ms = MVGPU_WATCHDOG_TICK_MAX_MS, wd;

	spin_lock(&ps->lock);
	wd = ps->watchdog_ms;
	spin_unlock(&ps->lock);
	if (wd)
		ms = clamp(wd / 4, 1U, ms);
	return max(msecs_to_jiffies(ms), 1UL);
}

static void mvgpu_watchdog_tick(struct work_struct *work)
{
	struct mvgpu_pgpu_sched *ps =
		container_of(to_delayed_work(work), struct mvgpu_pgpu_sched,
			     tick);
	struct mvgpu_pgpu *pgpu = container_of(ps, struct mvgpu_pgpu, sched);
	u64 now = ktime_get_ns(), timeout_ns;
	struct mvgpu_vgpu *vgpu;

	spin_lock(&ps->lock);
	timeout_ns = (u64)ps->watchdog_ms * NSEC_PER_MSEC;
	spin_unlock(&ps->lock);

	/*
	 * Engine threads and backend events never take pgpu->lock, so the
	 * watchdog may wait for an engine (queue_disable) while holding it.
	 */
	mutex_lock(&pgpu->lock);
	mvgpu_sched_stats_window_update(pgpu, now);
	list_for_each_entry(vgpu, &pgpu->vgpus, pgpu_link) {
		u32 hangs = mvgpu_watchdog_check_vgpu(vgpu, now, timeout_ns);

		if (hangs)
			mvgpu_vgpu_sched_count(vgpu, 0, hangs);
	}
	mutex_unlock(&pgpu->lock);

	queue_delayed_work(mvgpu_unbound_wq, &ps->tick,
			   mvgpu_watchdog_delay(ps));
}

/**
 * mvgpu_watchdog_start() - start the periodic tick of a pGPU
 * @pgpu: the pGPU, its scheduler set up (&mvgpu_pgpu_sched.watchdog_ms)
 *
 * Process context.
 */
void mvgpu_watchdog_start(struct mvgpu_pgpu *pgpu)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;

	INIT_DELAYED_WORK(&ps->tick, mvgpu_watchdog_tick);
	queue_delayed_work(mvgpu_unbound_wq, &ps->tick,
			   mvgpu_watchdog_delay(ps));
}

/**
 * mvgpu_watchdog_stop() - stop the periodic tick of a pGPU
 * @pgpu: the pGPU
 *
 * Waits for a running tick. Process context, may sleep.
 */
void mvgpu_watchdog_stop(struct mvgpu_pgpu *pgpu)
{
	cancel_delayed_work_sync(&pgpu->sched.tick);
}

/**
 * mvgpu_watchdog_rearm() - run the tick at the rate of a new timeout
 * @pgpu: the pGPU, whose &mvgpu_pgpu_sched.watchdog_ms just changed
 *
 * Process context.
 */
void mvgpu_watchdog_rearm(struct mvgpu_pgpu *pgpu)
{
	mod_delayed_work(mvgpu_unbound_wq, &pgpu->sched.tick,
			 mvgpu_watchdog_delay(&pgpu->sched));
}
