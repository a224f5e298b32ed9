// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine scheduler: time slices of a pGPU's engines for its vGPUs.
 */

/**
 * DOC: Engine scheduler
 *
 * Each pGPU gets one kernel thread per engine ("mvgpu<pgpu>/<engine>").
 * A thread asks the pGPU's policy (mvgpu_sched_policy.c: best_effort,
 * equal_share, fixed_share or weighted) for a vGPU and a slice length,
 * hands both to the backend with &mvgpu_backend_ops.engine_run, which runs
 * only that vGPU's context on that engine until the slice is used up, the
 * vGPU runs out of work, or &mvgpu_backend_ops.engine_preempt stops it,
 * and then charges the engine time the run took (measured here, so a
 * backend's overrun is charged too, up to MVGPU_SCHED_OVERRUN_MAX_NS past
 * the slice) to the vGPU. A vGPU never runs on two engines at once, so its
 * share is at most one engine's worth.
 *
 * A vGPU becomes runnable when the guest rings a doorbell
 * (mvgpu_vgpu_sched_kick()) and stops being runnable when a run ends with
 * the backend reporting it idle and no doorbell came during the run. When
 * only WAIT packets hold its queues back the backend says when to poll
 * again; the vGPU is idle for the policy until that time, and the engine
 * threads wake it then.
 *
 * The rest of the scheduler is split by concern: accounting and
 * utilization windows in mvgpu_sched_stats.c, the settings sysfs changes
 * (policy, slice, watchdog, weight, cap) in mvgpu_sched_settings.c, the
 * periodic tick and the hang watchdog in mvgpu_watchdog.c, the debugfs
 * table in mvgpu_debugfs.c and the tracepoints in mvgpu_trace.h.
 */

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mdev.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mvgpu_core.h"
#include "mvgpu_trace.h"
#include "mvgpu_watchdog.h"

/*
 * A run is charged its wall time, but never more than its slice plus this:
 * the backend stops within one preemption interval of the budget (one
 * chunk of a command), so anything beyond is time the host did not run the
 * engine thread (a stalled virtual CPU), which is nobody's engine time and
 * must not throttle the vGPU that happened to hold it.
 */
#define MVGPU_SCHED_OVERRUN_MAX_NS	(5ULL * NSEC_PER_MSEC)

static atomic_t mvgpu_sched_pgpu_ids = ATOMIC_INIT(0);

static struct mvgpu_vgpu *mvgpu_entity_to_vgpu(struct mvgpu_sched_entity *e)
{
	return container_of(e, struct mvgpu_vgpu, sched.entity);
}

/* Wake vGPUs whose WAIT poll time has come; return the next such time. */
static u64 mvgpu_sched_wake_waiters_locked(struct mvgpu_pgpu_sched *ps,
					   u64 now)
{
	struct mvgpu_sched_entity *e;
	u64 next = U64_MAX;

	lockdep_assert_held(&ps->lock);
	list_for_each_entry(e, &ps->policy.entities, link) {
		struct mvgpu_vgpu_sched *vs = &mvgpu_entity_to_vgpu(e)->sched;

		if (!vs->wait_until)
			continue;
		if (vs->wait_until <= now) {
			vs->wait_until = 0;
			mvgpu_sched_wake(&ps->policy, e, now);
		} else {
			next = min(next, vs->wait_until);
		}
	}
	return next;
}

/*
 * Choose the next vGPU for @eng. Return: the vGPU and its slice, or NULL
 * with the time to look again (U64_MAX: when kicked) and the kick
 * sequence the decision was based on.
 *
 * An engine that ends a slice picks again at once, so it wakes no other
 * engine then; only when runnable vGPUs outnumber the busy engines after
 * a pick is an idle engine woken (a wake-up per slice costs more than the
 * slice gap it could fill, on a virtual CPU).
 */
static struct mvgpu_vgpu *mvgpu_sched_engine_pick(struct mvgpu_pgpu_sched *ps,
						  struct mvgpu_sched_engine *eng,
						  u64 *slice_ns, u64 *wake_at,
						  u64 *seq)
{
	struct mvgpu_sched_entity *e;
	struct mvgpu_vgpu *vgpu = NULL;
	u64 now, retry_at = U64_MAX;
	bool wake_other = false;

	spin_lock(&ps->lock);
	now = ktime_get_ns();
	*seq = ps->kick_seq;
	*wake_at = mvgpu_sched_wake_waiters_locked(ps, now);
	e = mvgpu_sched_pick(&ps->policy, now, slice_ns, &retry_at);
	if (e) {
		vgpu = mvgpu_entity_to_vgpu(e);
		vgpu->sched.engine = eng->id;
		vgpu->sched.seq_at_pick = vgpu->sched.work_seq;
		eng->vgpu = vgpu;
		ps->running++;
		if (ps->policy.num_runnable > ps->running) {
			ps->kick_seq++;
			wake_other = true;
		}
	}
	*wake_at = min(*wake_at, retry_at);
	spin_unlock(&ps->lock);
	if (wake_other)
		wake_up(&ps->work_wq);
	return vgpu;
}

static bool mvgpu_sched_engine_kicked(struct mvgpu_pgpu_sched *ps, u64 seq)
{
	bool kicked;

	spin_lock(&ps->lock);
	kicked = ps->kick_seq != seq;
	spin_unlock(&ps->lock);
	return kicked || kthread_should_stop();
}

/* Sleep until a kick, @wake_at (ktime_get_ns()) or kthread_stop(). */
static void mvgpu_sched_engine_sleep(struct mvgpu_pgpu_sched *ps, u64 wake_at,
				     u64 seq)
{
	u64 now = ktime_get_ns();

	/* Kthreads get no signals: the waits end on a kick or a timeout. */
	if (wake_at == U64_MAX)
		wait_event_interruptible(ps->work_wq,
					 mvgpu_sched_engine_kicked(ps, seq));
	else if (wake_at > now)
		wait_event_interruptible_hrtimeout(ps->work_wq,
						   mvgpu_sched_engine_kicked(ps, seq),
						   ns_to_ktime(wake_at - now));
}

/* Run @vgpu on @eng for @slice_ns, then charge it. */
static void mvgpu_sched_engine_run(struct mvgpu_pgpu_sched *ps,
				   struct mvgpu_sched_engine *eng,
				   struct mvgpu_vgpu *vgpu, u64 slice_ns)
{
	struct mvgpu_pgpu *pgpu = eng->pgpu;
	struct mvgpu_vgpu_sched *vs = &vgpu->sched;
	u32 ctx = vgpu->part.context;
	struct mvgpu_engine_run run = {};
	u64 start, end, ran;
	bool still, wake;

	trace_mvgpu_sched_switch_in(ps->id, eng->id, ctx, slice_ns);
	start = ktime_get_ns();
	pgpu->ops->engine_run(pgpu->hw, eng->id, vgpu->hw_ctx, slice_ns, &run);
	end = ktime_get_ns();
	ran = min(end - start, slice_ns + MVGPU_SCHED_OVERRUN_MAX_NS);

	spin_lock(&ps->lock);
	mvgpu_sched_stats_charge_locked(ps, vs, ran, &run);
	still = run.stop == MVGPU_ENGINE_SLICE ||
		run.stop == MVGPU_ENGINE_PREEMPTED ||
		vs->work_seq != vs->seq_at_pick;
	if (!still && run.stop == MVGPU_ENGINE_WAITING)
		vs->wait_until = end + max_t(u64, run.retry_ns, 1);
	mvgpu_sched_charge(&ps->policy, &vs->entity, ran, still, end);
	vs->engine = -1;
	eng->vgpu = NULL;
	ps->running--;
	/*
	 * This engine picks again at once; idle ones only need to re-time
	 * their sleep when the vGPU now waits for a poll or for tokens (a
	 * policy state the policy header exposes for this).
	 */
	wake = vs->wait_until ||
	       vs->entity.queue == MVGPU_SCHED_Q_THROTTLED;
	if (wake)
		ps->kick_seq++;
	spin_unlock(&ps->lock);

	trace_mvgpu_sched_switch_out(ps->id, eng->id, ctx, ran, run.stop,
				     run.commands);
	if (wake)
		wake_up(&ps->work_wq);
	/* A remover may wait for the vGPU to leave the engine. */
	wake_up_all(&ps->idle_wq);
}

static int mvgpu_sched_engine_thread(void *data)
{
	struct mvgpu_sched_engine *eng = data;
	struct mvgpu_pgpu_sched *ps = &eng->pgpu->sched;

	while (!kthread_should_stop()) {
		struct mvgpu_vgpu *vgpu;
		u64 slice_ns, wake_at, seq;

		vgpu = mvgpu_sched_engine_pick(ps, eng, &slice_ns, &wake_at,
					       &seq);
		if (vgpu)
			mvgpu_sched_engine_run(ps, eng, vgpu, slice_ns);
		else
			mvgpu_sched_engine_sleep(ps, wake_at, seq);
		cond_resched();
	}
	return 0;
}

/**
 * mvgpu_pgpu_sched_kick_all() - make every engine of a pGPU pick again
 * @pgpu: the pGPU
 * @preempt: also ask the backend to end the running slices now
 *
 * Called after a change of the scheduling settings. Any context that may
 * take a spinlock and call &mvgpu_backend_ops.engine_preempt.
 */
void mvgpu_pgpu_sched_kick_all(struct mvgpu_pgpu *pgpu, bool preempt)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	u32 i;

	spin_lock(&ps->lock);
	ps->kick_seq++;
	spin_unlock(&ps->lock);
	wake_up_all(&ps->work_wq);
	if (!preempt)
		return;
	for (i = 0; i < pgpu->caps.num_engines; i++)
		pgpu->ops->engine_preempt(pgpu->hw, i);
}

/**
 * mvgpu_vgpu_sched_add() - give a new vGPU to its pGPU's scheduler
 * @vgpu: the vGPU, its partition reserved
 *
 * Its weight is the default, no cap, and its fixed share 1/divisor of its
 * type. Process context.
 */
void mvgpu_vgpu_sched_add(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	struct mvgpu_vgpu_sched *vs = &vgpu->sched;

	/*
	 * The vGPU is on the pGPU's list already, where the watchdog tick
	 * closes utilization windows of every vGPU under the lock.
	 */
	spin_lock(&ps->lock);
	memset(vs, 0, sizeof(*vs));
	vs->engine = -1;
	vs->entity.weight = MVGPU_SCHED_WEIGHT_DEFAULT;
	mvgpu_sched_add(&ps->policy, &vs->entity,
			MVGPU_SCHED_SHARE_ONE / vgpu->type->divisor,
			ktime_get_ns());
	vs->added = true;
	spin_unlock(&ps->lock);
}

static bool mvgpu_vgpu_sched_off_engine(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	bool off;

	spin_lock(&ps->lock);
	off = vgpu->sched.engine < 0;
	if (off && vgpu->sched.added) {
		mvgpu_sched_remove(&ps->policy, &vgpu->sched.entity);
		vgpu->sched.added = false;
	}
	spin_unlock(&ps->lock);
	return off;
}

/**
 * mvgpu_vgpu_sched_remove() - take a vGPU away from the scheduler
 * @vgpu: the vGPU, its queues stopped
 *
 * Waits until no engine runs the vGPU (its queues being stopped, that is
 * at most one backend call). Process context, may sleep.
 */
void mvgpu_vgpu_sched_remove(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	struct mvgpu_sched_stats st;

	wait_event(ps->idle_wq, mvgpu_vgpu_sched_off_engine(vgpu));
	/* A snapshot under the lock: the tick may close a window meanwhile. */
	mvgpu_vgpu_sched_stats(vgpu, &st);
	dev_dbg(pgpu->dev, "mvgpu: vGPU context %u leaves the scheduler: busy %llu ns, %llu jobs, %llu preemptions, %llu faults, %llu resets\n",
		vgpu->part.context, st.busy_ns, st.jobs, st.preemptions,
		st.faults, st.resets);
}

/**
 * mvgpu_vgpu_sched_kick() - a vGPU has new work
 * @vgpu: the vGPU whose doorbell rang (already forwarded to the backend)
 *
 * Makes it runnable and wakes an idle engine. Process context; does not
 * sleep.
 */
void mvgpu_vgpu_sched_kick(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	struct mvgpu_vgpu_sched *vs = &vgpu->sched;

	spin_lock(&ps->lock);
	vs->work_seq++;
	vs->wait_until = 0;
	if (vs->added)
		mvgpu_sched_wake(&ps->policy, &vs->entity, ktime_get_ns());
	ps->kick_seq++;
	spin_unlock(&ps->lock);
	wake_up(&ps->work_wq);
}

static void mvgpu_pgpu_sched_stop_engines(struct mvgpu_pgpu *pgpu)
{
	u32 i;

	for (i = 0; i < pgpu->caps.num_engines; i++) {
		if (pgpu->sched.engines[i].thread)
			kthread_stop(pgpu->sched.engines[i].thread);
		pgpu->sched.engines[i].thread = NULL;
	}
}

/**
 * mvgpu_pgpu_sched_init() - start the scheduler of a new pGPU
 * @pgpu: the pGPU, its caps set
 *
 * Policy best_effort, default slice, watchdog on. Process context.
 * Return: 0 or -errno, with nothing left running.
 */
int mvgpu_pgpu_sched_init(struct mvgpu_pgpu *pgpu)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	u32 i;

	ps->id = atomic_inc_return(&mvgpu_sched_pgpu_ids) - 1;
	spin_lock_init(&ps->lock);
	mvgpu_sched_init(&ps->policy, pgpu->caps.num_engines);
	init_waitqueue_head(&ps->work_wq);
	init_waitqueue_head(&ps->idle_wq);
	ps->watchdog_ms = MVGPU_SCHED_WATCHDOG_DEFAULT_MS;
	ps->window_start_ns = ktime_get_ns();
	ps->engines = kcalloc(pgpu->caps.num_engines, sizeof(*ps->engines),
			      GFP_KERNEL);
	if (!ps->engines)
		return -ENOMEM;

	for (i = 0; i < pgpu->caps.num_engines; i++) {
		struct mvgpu_sched_engine *eng = &ps->engines[i];
		struct task_struct *thread;

		eng->pgpu = pgpu;
		eng->id = i;
		thread = kthread_run(mvgpu_sched_engine_thread, eng,
				     "mvgpu%u/%u", ps->id, i);
		if (IS_ERR(thread)) {
			mvgpu_pgpu_sched_stop_engines(pgpu);
			kfree(ps->engines);
			return PTR_ERR(thread);
		}
		eng->thread = thread;
	}
	mvgpu_watchdog_start(pgpu);
	return 0;
}

/**
 * mvgpu_pgpu_sched_fini() - stop the scheduler of a pGPU
 * @pgpu: the pGPU, its vGPUs all gone
 *
 * Process context, may sleep.
 */
void mvgpu_pgpu_sched_fini(struct mvgpu_pgpu *pgpu)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;

	mvgpu_watchdog_stop(pgpu);
	mvgpu_pgpu_sched_stop_engines(pgpu);
	kfree(ps->engines);
	ps->engines = NULL;
}
