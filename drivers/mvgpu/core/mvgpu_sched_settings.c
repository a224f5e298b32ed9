// SPDX-License-Identifier: GPL-2.0-only
/*
 * Settings of the engine scheduler: policy, slice length and hang timeout
 * of a pGPU, weight and cap of a vGPU.
 */

/**
 * DOC: Scheduler settings
 *
 * The policy and its settings can change at any time, vGPUs running: the
 * change is made under the scheduler lock and every engine is asked to
 * preempt, so the new setting is in force within one preemption interval.
 * A value out of range changes nothing and is refused with -ERANGE, an
 * unknown policy name with -EINVAL. The
 * sysfs attributes of pGPUs and vGPUs are the only callers.
 */

#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "mvgpu_core.h"
#include "mvgpu_watchdog.h"

/**
 * mvgpu_pgpu_sched_set_policy() - switch the scheduling policy of a pGPU
 * @pgpu: the pGPU
 * @name: a policy name, as in sysfs (a trailing newline is ignored)
 *
 * Safe with vGPUs running: running slices are preempted and every vGPU
 * continues under the new policy. Return: 0, or -EINVAL for an unknown
 * name (nothing changes).
 */
int mvgpu_pgpu_sched_set_policy(struct mvgpu_pgpu *pgpu, const char *name)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	int id, ret = -EINVAL;

	for (id = 0; id < MVGPU_SCHED_NR_POLICIES; id++) {
		if (sysfs_streq(name, mvgpu_sched_policy_name(id))) {
			spin_lock(&ps->lock);
			ret = mvgpu_sched_set_policy(&ps->policy, id,
						     ktime_get_ns());
			spin_unlock(&ps->lock);
			break;
		}
	}
	if (!ret)
		mvgpu_pgpu_sched_kick_all(pgpu, true);
	return ret;
}

/**
 * mvgpu_pgpu_sched_set_slice_us() - change the slice length of a pGPU
 * @pgpu: the pGPU
 * @slice_us: microseconds, 100..100000
 *
 * Return: 0, or -ERANGE out of range (nothing changes).
 */
int mvgpu_pgpu_sched_set_slice_us(struct mvgpu_pgpu *pgpu, u32 slice_us)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	int ret;

	spin_lock(&ps->lock);
	ret = mvgpu_sched_set_slice(&ps->policy, (u64)slice_us * NSEC_PER_USEC);
	spin_unlock(&ps->lock);
	if (!ret)
		mvgpu_pgpu_sched_kick_all(pgpu, true);
	return ret;
}

/**
 * mvgpu_pgpu_sched_set_watchdog_ms() - change the hang timeout of a pGPU
 * @pgpu: the pGPU
 * @ms: 0 (off) or MVGPU_SCHED_WATCHDOG_MIN_MS..MVGPU_SCHED_WATCHDOG_MAX_MS
 *
 * Return: 0, or -ERANGE out of range (nothing changes).
 */
int mvgpu_pgpu_sched_set_watchdog_ms(struct mvgpu_pgpu *pgpu, u32 ms)
{
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;

	if (ms && (ms < MVGPU_SCHED_WATCHDOG_MIN_MS ||
		   ms > MVGPU_SCHED_WATCHDOG_MAX_MS))
		return -ERANGE;
	spin_lock(&ps->lock);
	ps->watchdog_ms = ms;
	spin_unlock(&ps->lock);
	mvgpu_watchdog_rearm(pgpu);
	return 0;
}

/**
 * mvgpu_vgpu_sched_set_weight() - set the weighted-policy weight of a vGPU
 * @vgpu: the vGPU
 * @weight: MVGPU_SCHED_WEIGHT_MIN..MVGPU_SCHED_WEIGHT_MAX
 *
 * Return: 0, or -ERANGE out of range (nothing changes).
 */
int mvgpu_vgpu_sched_set_weight(struct mvgpu_vgpu *vgpu, u32 weight)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	int ret;

	spin_lock(&ps->lock);
	ret = mvgpu_sched_set_weight(&ps->policy, &vgpu->sched.entity, weight);
	spin_unlock(&ps->lock);
	return ret;
}

/**
 * mvgpu_vgpu_sched_set_cap() - cap a vGPU's share under the weighted policy
 * @vgpu: the vGPU
 * @cap_pct: percent of the pGPU, 1..100, or 0 for no cap
 *
 * Return: 0, or -ERANGE out of range (nothing changes).
 */
int mvgpu_vgpu_sched_set_cap(struct mvgpu_vgpu *vgpu, u32 cap_pct)
{
	struct mvgpu_pgpu_sched *ps = &vgpu->pgpu->sched;
	int ret;

	spin_lock(&ps->lock);
	ret = mvgpu_sched_set_cap(&ps->policy, &vgpu->sched.entity, cap_pct);
	spin_unlock(&ps->lock);
	return ret;
}
