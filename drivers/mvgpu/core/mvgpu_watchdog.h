/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hang watchdog and periodic tick of a pGPU's scheduler
 * (mvgpu_watchdog.c).
 */
#ifndef _MVGPU_WATCHDOG_H_
#define _MVGPU_WATCHDOG_H_

struct mvgpu_pgpu;

void mvgpu_watchdog_start(struct mvgpu_pgpu *pgpu);
void mvgpu_watchdog_stop(struct mvgpu_pgpu *pgpu);
void mvgpu_watchdog_rearm(struct mvgpu_pgpu *pgpu);

#endif /* _MVGPU_WATCHDOG_H_ */
