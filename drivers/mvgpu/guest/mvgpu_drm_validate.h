/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Submit validation of the mvgpu guest driver: every address a command
 * packet uses must lie inside one object of the submit's buffer list.
 *
 * Pure logic: no DRM or PCI headers, so the userspace unit tests build it
 * unchanged.
 */
#ifndef _MVGPU_DRM_VALIDATE_H_
#define _MVGPU_DRM_VALIDATE_H_

#include <linux/types.h>

/**
 * struct mvdrm_va_range - GPU virtual address range of one buffer object
 * @start: first byte
 * @size: bytes; a range never wraps past 2^64
 */
struct mvdrm_va_range {
	u64 start;
	u64 size;
};

int mvdrm_validate_commands(const u32 *dw, u32 count,
			    const struct mvdrm_va_range *ranges, u32 nranges,
			    u32 *bad_dword);

#endif /* _MVGPU_DRM_VALIDATE_H_ */
