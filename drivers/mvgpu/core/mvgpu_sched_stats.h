/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Accounting of the engine scheduler (mvgpu_sched_stats.c): engine time and
 * events per vGPU and per pGPU, utilization over windows.
 */
#ifndef _MVGPU_SCHED_STATS_H_
#define _MVGPU_SCHED_STATS_H_

#include <linux/types.h>

struct mvgpu_engine_run;
struct mvgpu_pgpu;
struct mvgpu_pgpu_sched;
struct mvgpu_vgpu;
struct mvgpu_vgpu_sched;

/* Utilization is measured over windows of this length. */
#define MVGPU_SCHED_WINDOW_NS		(1000ULL * 1000 * 1000)

/**
 * struct mvgpu_sched_stats - engine time and events of a vGPU or a pGPU
 * @busy_ns: engine time used
 * @jobs: command packets completed
 * @preemptions: slices that ended with work left
 * @faults: queues stopped on an error (bad command, page fault, ...)
 * @resets: device resets and queues reset by the watchdog
 * @window_busy_ns: @busy_ns at the start of the current window
 * @utilization: percent of the pGPU's engine time used over the last
 *	complete window
 */
struct mvgpu_sched_stats {
	u64 busy_ns;
	u64 jobs;
	u64 preemptions;
	u64 faults;
	u64 resets;
	u64 window_busy_ns;
	u32 utilization;
};

void mvgpu_sched_stats_charge_locked(struct mvgpu_pgpu_sched *ps,
				     struct mvgpu_vgpu_sched *vs, u64 ran_ns,
				     const struct mvgpu_engine_run *run);
void mvgpu_sched_stats_window_update(struct mvgpu_pgpu *pgpu, u64 now);
void mvgpu_vgpu_sched_count(struct mvgpu_vgpu *vgpu, u64 faults, u64 resets);
u64 mvgpu_vgpu_sched_runs(struct mvgpu_vgpu *vgpu);
void mvgpu_pgpu_sched_stats(struct mvgpu_pgpu *pgpu,
			    struct mvgpu_sched_stats *stats);
void mvgpu_vgpu_sched_stats(struct mvgpu_vgpu *vgpu,
			    struct mvgpu_sched_stats *stats);

#endif /* _MVGPU_SCHED_STATS_H_ */
