/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command arithmetic of the simulated pGPU: WAIT conditions, FILL patterns,
 * BLIT pixel conversion and blending.
 *
 * Pure logic on values already read from memory: no kernel framework
 * headers, so the userspace unit tests and fuzzers build it unchanged.
 */
#ifndef _MVGPU_SIM_CMD_H_
#define _MVGPU_SIM_CMD_H_

#include <linux/types.h>

bool mvgpu_sim_cmd_wait_met(u32 cond, u64 mem, u64 value);
void mvgpu_sim_blit_span(u8 *dst, const u8 *src, u32 pixels, u32 dst_format,
			 u32 src_format, u32 op);
void mvgpu_sim_fill_pattern(u8 *buf, u32 len, u32 value, u64 offset);

#endif /* _MVGPU_SIM_CMD_H_ */
