// SPDX-License-Identifier: GPL-2.0-only
/*
 * EDID 1.4 base blocks for the vGPU's virtual monitor.
 */

/**
 * DOC: Virtual monitor EDID
 *
 * Until the host writes an EDID through the VFIO EDID region, a vGPU shows
 * its guest a monitor described by an EDID the core builds here: a
 * digital, sRGB, 8 bits per colour monitor whose preferred (native) mode is
 * the detailed timing of the first descriptor, with CVT reduced-blanking
 * timings at 60 Hz, plus the established and standard modes that fit in the
 * vGPU type's largest scanout, a range limits descriptor and the name
 * "mvgpu". The block has no extension and a valid checksum.
 *
 * This file includes no kernel framework header: the unit tests build it.
 */

#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "mvgpu_edid.h"

#define EDID_REFRESH_HZ		60
/* CVT reduced blanking (v1): fixed horizontal blanking, >= 460 us vblank. */
#define CVT_RB_HBLANK		160
#define CVT_RB_HSYNC		32
#define CVT_RB_HFRONT		48
#define CVT_RB_VFRONT		3
#define CVT_RB_VBACK_MIN	6
#define CVT_RB_VBLANK_MIN_US	460
/* Pixel clock unit of a detailed timing: 10 kHz. */
#define EDID_CLOCK_STEP_KHZ	10
/* A detailed timing carries the clock in 10 kHz units, 16 bits. */
#define EDID_MAX_CLOCK_KHZ	655350

#define EDID_DESC_SIZE		18
#define EDID_DESC_BASE		54

/* Vertical sync width by aspect ratio, as CVT defines it. */
static u32 cvt_vsync(u32 w, u32 h)
{
	if (w * 3 == h * 4)
		return 4;
	if (w * 9 == h * 16)
		return 5;
	if (w * 10 == h * 16)
		return 6;
	if (w * 4 == h * 5 || w * 9 == h * 15)
		return 7;
	return 10;
}

/**
 * mvgpu_edid_timing() - CVT reduced-blanking timing of a mode at 60 Hz
 * @width: visible pixels per line, 1..MVGPU_EDID_MAX_PIXELS
 * @height: visible lines, 1..MVGPU_EDID_MAX_PIXELS
 * @t: the timing
 *
 * Return: 0, or -EINVAL when the mode cannot be described by a detailed
 * timing (size out of range, or a pixel clock above 655.35 MHz).
 */
int mvgpu_edid_timing(u32 width, u32 height, struct mvgpu_edid_timing *t)
{
	u64 period_ns, vblank, clock;

	if (!width || !height || width > MVGPU_EDID_MAX_PIXELS ||
	    height > MVGPU_EDID_MAX_PIXELS)
		return -EINVAL;

	memset(t, 0, sizeof(*t));
	t->hactive = width;
	t->hblank = CVT_RB_HBLANK;
	t->hsync = CVT_RB_HSYNC;
	t->hfront = CVT_RB_HFRONT;
	t->vactive = height;
	t->vfront = CVT_RB_VFRONT;
	t->vsync = cvt_vsync(width, height);

	/* Line period when the active lines get what vblank leaves them. */
	period_ns = (1000000000ull / EDID_REFRESH_HZ -
		     CVT_RB_VBLANK_MIN_US * 1000ull) / height;
	if (!period_ns)
		return -EINVAL;
	vblank = (CVT_RB_VBLANK_MIN_US * 1000ull + period_ns - 1) / period_ns;
	if (vblank < t->vfront + t->vsync + CVT_RB_VBACK_MIN)
		vblank = t->vfront + t->vsync + CVT_RB_VBACK_MIN;
	if (vblank > 4095)
		return -EINVAL;
	t->vblank = vblank;

	/* Nearest 10 kHz, so that small modes stay at 60 Hz too. */
	clock = ((u64)(width + t->hblank) * (height + t->vblank) *
		 EDID_REFRESH_HZ + EDID_CLOCK_STEP_KHZ * 1000 / 2) / 1000;
	clock -= clock % EDID_CLOCK_STEP_KHZ;
	if (!clock || clock > EDID_MAX_CLOCK_KHZ)
		return -EINVAL;
	t->clock_khz = clock;
	return 0;
}

/**
 * mvgpu_edid_checksum() - the checksum byte an EDID block must end with
 * @block: 128 bytes; the last one is ignored
 *
 * Return: the value that makes the bytes of @block sum to 0 modulo 256.
 */
u8 mvgpu_edid_checksum(const u8 *block)
{
	u8 sum = 0;
	int i;

	for (i = 0; i < MVGPU_EDID_BLOCK_SIZE - 1; i++)
		sum += block[i];
	return (u8)(0x100 - sum);
}

static void edid_detailed_timing(u8 *d, const struct mvgpu_edid_timing *t,
				 u32 width_mm, u32 height_mm)
{
	u32 clock = t->clock_khz / 10;

	d[0] = clock & 0xff;
	d[1] = clock >> 8;
	d[2] = t->hactive & 0xff;
	d[3] = t->hblank & 0xff;
	d[4] = ((t->hactive >> 8) << 4) | (t->hblank >> 8);
	d[5] = t->vactive & 0xff;
	d[6] = t->vblank & 0xff;
	d[7] = ((t->vactive >> 8) << 4) | (t->vblank >> 8);
	d[8] = t->hfront & 0xff;
	d[9] = t->hsync & 0xff;
	d[10] = ((t->vfront & 0xf) << 4) | (t->vsync & 0xf);
	d[11] = ((t->hfront >> 8) << 6) | ((t->hsync >> 8) << 4) |
		((t->vfront >> 4) << 2) | (t->vsync >> 4);
	d[12] = width_mm & 0xff;
	d[13] = height_mm & 0xff;
	d[14] = ((width_mm >> 8) << 4) | (height_mm >> 8);
	/* Digital separate sync; CVT-RB: hsync positive, vsync negative. */
	d[17] = 0x18 | 0x02;
}

/*
 * Range limits wide enough for every mode up to the largest (with DMT
 * timings, whose blanking is larger than CVT-RB's: a quarter of margin).
 */
static void edid_range_limits(u8 *d, const struct mvgpu_edid_timing *max)
{
	u32 hfreq_khz = max->clock_khz / (max->hactive + max->hblank);
	u32 clock_10mhz = (max->clock_khz / 4 * 5 + 9999) / 10000;

	hfreq_khz = hfreq_khz / 4 * 5 + 1;
	d[3] = 0xfd;
	d[5] = 50;			/* vertical Hz */
	d[6] = 75;
	d[7] = 30;			/* horizontal kHz */
	d[8] = hfreq_khz < 31 ? 31 : (hfreq_khz > 255 ? 255 : hfreq_khz);
	d[9] = clock_10mhz > 255 ? 255 : clock_10mhz;
	d[10] = 0x01;			/* range limits only */
	d[11] = 0x0a;
	memset(d + 12, 0x20, 6);
}

static void edid_name(u8 *d, const char *name)
{
	size_t i, n = strlen(name);

	d[3] = 0xfc;
	for (i = 0; i < 13; i++) {
		if (i < n)
			d[5 + i] = name[i];
		else
			d[5 + i] = i == n ? 0x0a : 0x20;
	}
}

/* Established timings I and II at 60 Hz: byte, bit, width, height. */
static const struct {
	u8 byte;
	u8 bit;
	u16 width;
	u16 height;
} edid_established[] = {
	{ 35, 5, 640, 480 },
	{ 35, 0, 800, 600 },
	{ 36, 3, 1024, 768 },
	{ 0 }
};

/* Standard timings offered when they fit: width, height, aspect code. */
static const struct {
	u16 width;
	u16 height;
	u8 aspect;	/* 0 16:10, 1 4:3, 2 5:4, 3 16:9 */
} edid_standard[] = {
	{ 1280, 720, 3 }, { 1280, 800, 0 }, { 1280, 1024, 2 },
	{ 1440, 900, 0 }, { 1600, 1200, 1 }, { 1680, 1050, 0 },
	{ 1920, 1080, 3 }, { 1920, 1200, 0 },
	{ 0 }
};

static void edid_modes(u8 *edid, u32 max_width, u32 max_height)
{
	unsigned int i, n = 0;

	for (i = 0; edid_established[i].width; i++)
		if (edid_established[i].width <= max_width &&
		    edid_established[i].height <= max_height)
			edid[edid_established[i].byte] |=
				1u << edid_established[i].bit;

	/* Unused standard timing slots hold 0x01 0x01. */
	memset(edid + 38, 0x01, 16);
	for (i = 0; edid_standard[i].width; i++) {
		if (edid_standard[i].width > max_width ||
		    edid_standard[i].height > max_height)
			continue;
		edid[38 + 2 * n] = edid_standard[i].width / 8 - 31;
		edid[39 + 2 * n] = (edid_standard[i].aspect << 6) |
				   (EDID_REFRESH_HZ - 60);
		n++;
	}
}

/* sRGB primaries and D65 white point, in 1/1024 units. */
static void edid_chromaticity(u8 *edid)
{
	static const u16 xy[8] = {
		655, 338,	/* red   0.640, 0.330 */
		307, 614,	/* green 0.300, 0.600 */
		154, 61,	/* blue  0.150, 0.060 */
		320, 337,	/* white 0.3127, 0.3290 */
	};

	edid[25] = ((xy[0] & 3) << 6) | ((xy[1] & 3) << 4) |
		   ((xy[2] & 3) << 2) | (xy[3] & 3);
	edid[26] = ((xy[4] & 3) << 6) | ((xy[5] & 3) << 4) |
		   ((xy[6] & 3) << 2) | (xy[7] & 3);
	edid[27] = xy[0] >> 2;
	edid[28] = xy[1] >> 2;
	edid[29] = xy[2] >> 2;
	edid[30] = xy[3] >> 2;
	edid[31] = xy[4] >> 2;
	edid[32] = xy[5] >> 2;
	edid[33] = xy[6] >> 2;
	edid[34] = xy[7] >> 2;
}

/**
 * mvgpu_edid_build() - an EDID 1.4 base block for a preferred mode
 * @edid: MVGPU_EDID_BLOCK_SIZE bytes to fill
 * @width: preferred mode width in pixels
 * @height: preferred mode height in lines
 * @max_width: largest width the modes may have (the vGPU's scanout limit)
 * @max_height: largest height the modes may have
 *
 * Return: 0, or -EINVAL when the preferred mode is larger than the maximum
 * or cannot be described (see mvgpu_edid_timing()); @edid is then zeroed.
 */
int mvgpu_edid_build(u8 *edid, u32 width, u32 height, u32 max_width,
		     u32 max_height)
{
	static const u8 header[8] = { 0x00, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0x00 };
	/* "MVG": three 5-bit letters, 'A' = 1, big-endian. */
	const u16 vendor = (('M' - '@') << 10) | (('V' - '@') << 5) |
			   ('G' - '@');
	struct mvgpu_edid_timing t, max;
	u32 width_mm, height_mm;
	int ret;

	memset(edid, 0, MVGPU_EDID_BLOCK_SIZE);
	if (width > max_width || height > max_height)
		return -EINVAL;
	ret = mvgpu_edid_timing(width, height, &t);
	if (ret)
		return ret;
	if (mvgpu_edid_timing(max_width, max_height, &max))
		max = t;

	memcpy(edid, header, sizeof(header));
	edid[8] = vendor >> 8;
	edid[9] = vendor & 0xff;
	edid[10] = 0x01;		/* product code 0x0001, little-endian */
	edid[16] = 1;			/* week 1 of 2024 */
	edid[17] = 2024 - 1990;
	edid[18] = 1;			/* EDID 1.4 */
	edid[19] = 4;
	edid[20] = 0xa0;		/* digital, 8 bits per colour */
	/* A 96 DPI monitor: 0.2646 mm per pixel. */
	width_mm = (u32)((u64)width * 2646 / 10000);
	height_mm = (u32)((u64)height * 2646 / 10000);
	edid[21] = (width_mm + 5) / 10 ? (width_mm + 5) / 10 : 1;
	edid[22] = (height_mm + 5) / 10 ? (height_mm + 5) / 10 : 1;
	edid[23] = 120;			/* gamma 2.2 */
	/* RGB 4:4:4, sRGB default, preferred mode is native, continuous. */
	edid[24] = 0x04 | 0x02 | 0x01;
	edid_chromaticity(edid);
	edid_modes(edid, max_width, max_height);

	edid_detailed_timing(edid + EDID_DESC_BASE, &t, width_mm, height_mm);
	edid_range_limits(edid + EDID_DESC_BASE + EDID_DESC_SIZE, &max);
	edid_name(edid + EDID_DESC_BASE + 2 * EDID_DESC_SIZE, "mvgpu");
	/* Dummy descriptor. */
	edid[EDID_DESC_BASE + 3 * EDID_DESC_SIZE + 3] = 0x10;

	edid[126] = 0;			/* no extension blocks */
	edid[127] = mvgpu_edid_checksum(edid);
	return 0;
}
