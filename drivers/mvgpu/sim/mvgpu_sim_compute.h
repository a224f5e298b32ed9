/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fp32 compute kernels of the simulated pGPU.
 *
 * Every value crosses this interface as its IEEE-754 bit pattern in a u32,
 * so callers are built without floating point. The kernels themselves are
 * the only code of mvgpu_sim compiled with SSE; the kernel calls them
 * between kernel_fpu_begin() and kernel_fpu_end(), on buffers already in
 * kernel memory.
 */
#ifndef _MVGPU_SIM_COMPUTE_H_
#define _MVGPU_SIM_COMPUTE_H_

#include <linux/types.h>

void mvgpu_sim_saxpy(u32 *y, const u32 *x, u32 a, u32 n);
u32 mvgpu_sim_reduce_sum(u32 acc, const u32 *x, u32 n);
void mvgpu_sim_sgemm_acc(u32 *acc, const u32 *a, const u32 *b, u32 width,
			 u32 depth);
void mvgpu_sim_sgemm_store(u32 *c, const u32 *acc, u32 alpha, u32 beta,
			   u32 width);

#endif /* _MVGPU_SIM_COMPUTE_H_ */
