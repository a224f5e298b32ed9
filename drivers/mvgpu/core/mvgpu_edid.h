/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EDID 1.4 base blocks for the vGPU's virtual monitor. Pure logic: no
 * kernel framework headers, so the unit tests build it in userspace.
 */
#ifndef _MVGPU_EDID_H_
#define _MVGPU_EDID_H_

#include <linux/types.h>

/* Bytes of an EDID base block. */
#define MVGPU_EDID_BLOCK_SIZE		128
/* Resolution of the monitor until the host sets one. */
#define MVGPU_EDID_DEFAULT_WIDTH	1024
#define MVGPU_EDID_DEFAULT_HEIGHT	768
/* Largest size a detailed timing descriptor can carry (12-bit fields). */
#define MVGPU_EDID_MAX_PIXELS		4095

/**
 * struct mvgpu_edid_timing - one video mode as a detailed timing encodes it
 * @clock_khz: pixel clock in kHz (a multiple of 10)
 * @hactive: visible pixels per line
 * @hfront: horizontal front porch, pixels
 * @hsync: horizontal sync width, pixels
 * @hblank: horizontal blanking, pixels (front porch + sync + back porch)
 * @vactive: visible lines
 * @vfront: vertical front porch, lines
 * @vsync: vertical sync width, lines
 * @vblank: vertical blanking, lines
 */
struct mvgpu_edid_timing {
	u32 clock_khz;
	u32 hactive;
	u32 hfront;
	u32 hsync;
	u32 hblank;
	u32 vactive;
	u32 vfront;
	u32 vsync;
	u32 vblank;
};

int mvgpu_edid_timing(u32 width, u32 height, struct mvgpu_edid_timing *t);
int mvgpu_edid_build(u8 *edid, u32 width, u32 height, u32 max_width,
		     u32 max_height);
u8 mvgpu_edid_checksum(const u8 *block);

#endif /* _MVGPU_EDID_H_ */
