// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_edid.c: the EDID 1.4 base block of a vGPU's virtual
 * monitor. The block is decoded here from the EDID 1.4 layout (VESA
 * E-EDID), independently of the encoder: header, version, checksum, the
 * detailed timing of the preferred mode, the modes offered against the
 * maximum, and the refusals.
 */

#include <linux/types.h>

#include "kselftest_harness.h"

#include "mvgpu_edid.h"

#define DTD	54	/* first 18-byte descriptor */

struct dtd {
	u32 clock_khz, hactive, hblank, hfront, hsync;
	u32 vactive, vblank, vfront, vsync;
	u32 width_mm, height_mm;
	u8 flags;
};

static void decode_dtd(const u8 *d, struct dtd *t)
{
	t->clock_khz = (d[0] | d[1] << 8) * 10;
	t->hactive = d[2] | (d[4] >> 4) << 8;
	t->hblank = d[3] | (d[4] & 0xf) << 8;
	t->vactive = d[5] | (d[7] >> 4) << 8;
	t->vblank = d[6] | (d[7] & 0xf) << 8;
	t->hfront = d[8] | (d[11] >> 6) << 8;
	t->hsync = d[9] | ((d[11] >> 4) & 3) << 8;
	t->vfront = (d[10] >> 4) | ((d[11] >> 2) & 3) << 4;
	t->vsync = (d[10] & 0xf) | (d[11] & 3) << 4;
	t->width_mm = d[12] | (d[14] >> 4) << 8;
	t->height_mm = d[13] | (d[14] & 0xf) << 8;
	t->flags = d[17];
}

static int sum(const u8 *b)
{
	u8 s = 0;

	for (int i = 0; i < MVGPU_EDID_BLOCK_SIZE; i++)
		s += b[i];
	return s;
}

/* The descriptor with display descriptor tag @tag, or NULL. */
static const u8 *find_descriptor(const u8 *e, u8 tag)
{
	for (int i = 0; i < 4; i++) {
		const u8 *d = e + DTD + 18 * i;

		if (!d[0] && !d[1] && !d[2] && d[3] == tag)
			return d;
	}
	return NULL;
}

/* Whether a standard timing slot lists @w x @h. */
static bool has_standard(const u8 *e, u32 w, u32 h)
{
	static const u32 num[4] = { 10, 3, 4, 9 }, den[4] = { 16, 4, 5, 16 };

	for (int i = 0; i < 8; i++) {
		const u8 *s = e + 38 + 2 * i;
		u32 sw, a;

		if (s[0] == 1 && s[1] == 1)
			continue;
		sw = (s[0] + 31) * 8;
		a = s[1] >> 6;
		if (sw == w && sw * num[a] / den[a] == h &&
		    (s[1] & 0x3f) + 60 == 60)
			return true;
	}
	return false;
}

struct mode_case {
	u32 w, h, max_w, max_h;
};

FIXTURE(edid) {
	u8 e[MVGPU_EDID_BLOCK_SIZE];
};

FIXTURE_VARIANT(edid) {
	u32 w, h, max_w, max_h;
};

FIXTURE_VARIANT_ADD(edid, default_1024x768) {
	.w = 1024, .h = 768, .max_w = 1920, .max_h = 1080,
};

FIXTURE_VARIANT_ADD(edid, fhd) {
	.w = 1920, .h = 1080, .max_w = 1920, .max_h = 1080,
};

FIXTURE_VARIANT_ADD(edid, uhd) {
	.w = 3840, .h = 2160, .max_w = 3840, .max_h = 2160,
};

FIXTURE_VARIANT_ADD(edid, odd_640x400) {
	.w = 641, .h = 401, .max_w = 2560, .max_h = 1600,
};

FIXTURE_VARIANT_ADD(edid, tiny) {
	.w = 16, .h = 16, .max_w = 16, .max_h = 16,
};

FIXTURE_SETUP(edid)
{
	memset(self->e, 0xaa, sizeof(self->e));
	ASSERT_EQ(0, mvgpu_edid_build(self->e, variant->w, variant->h,
				      variant->max_w, variant->max_h));
}

FIXTURE_TEARDOWN(edid)
{
}

TEST_F(edid, header_version_checksum)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0 };
	const u8 *e = self->e;

	ASSERT_EQ(0, memcmp(e, header, sizeof(header)));
	ASSERT_EQ(0, sum(e));
	ASSERT_EQ(e[127], mvgpu_edid_checksum(e));
	ASSERT_EQ(1, e[18]);
	ASSERT_EQ(4, e[19]);
	ASSERT_EQ(0, e[126]);			/* no extension */
	ASSERT_TRUE(e[20] & 0x80);		/* digital input */
	/* Manufacturer "MVG": bit 15 clear, three letters A..Z. */
	ASSERT_EQ(0, e[8] & 0x80);
	ASSERT_EQ('M', '@' + ((e[8] >> 2) & 0x1f));
	ASSERT_EQ('V', '@' + (((e[8] & 3) << 3) | (e[9] >> 5)));
	ASSERT_EQ('G', '@' + (e[9] & 0x1f));
	/* The preferred timing is the native mode (feature bit 1). */
	ASSERT_TRUE(e[24] & 0x02);
	/* Continuous frequency needs a range limits descriptor. */
	if (e[24] & 0x01)
		ASSERT_NE(NULL, find_descriptor(e, 0xfd));
	ASSERT_NE(NULL, find_descriptor(e, 0xfc));	/* product name */
}

TEST_F(edid, preferred_mode)
{
	struct dtd t;
	struct mvgpu_edid_timing ref;
	u64 refresh_mhz;

	/* The first descriptor is a detailed timing: clock not 0. */
	ASSERT_NE(0, self->e[DTD] | self->e[DTD + 1]);
	decode_dtd(self->e + DTD, &t);
	ASSERT_EQ(variant->w, t.hactive);
	ASSERT_EQ(variant->h, t.vactive);
	ASSERT_LT(t.hfront + t.hsync, t.hblank + 1);
	ASSERT_LT(t.vfront + t.vsync, t.vblank + 1);
	ASSERT_NE(0, t.hsync);
	ASSERT_NE(0, t.vsync);
	/* Digital separate sync. */
	ASSERT_EQ(0x18, t.flags & 0x18);
	/* About 60 Hz: within 59.5..60.5. */
	refresh_mhz = (u64)t.clock_khz * 1000000 /
		      ((u64)(t.hactive + t.hblank) * (t.vactive + t.vblank));
	ASSERT_LE(59500, refresh_mhz);
	ASSERT_GE(60500, refresh_mhz);
	/* CVT reduced blanking: 160 pixels, >= 460 us of vertical blank. */
	ASSERT_EQ(160, t.hblank);
	ASSERT_LE(460000ull * t.clock_khz / 1000000,
		  (u64)t.vblank * (t.hactive + t.hblank) + t.hactive + t.hblank);
	/* The encoder's own view agrees with the bytes. */
	ASSERT_EQ(0, mvgpu_edid_timing(variant->w, variant->h, &ref));
	ASSERT_EQ(ref.clock_khz, t.clock_khz);
	ASSERT_EQ(ref.vblank, t.vblank);
	/* Image size is 96 DPI-ish and matches the basic block in cm. */
	ASSERT_EQ((t.width_mm + 5) / 10 ? (t.width_mm + 5) / 10 : 1,
		  self->e[21]);
}

TEST_F(edid, modes_within_max)
{
	const u8 *e = self->e;
	const u8 *range = find_descriptor(e, 0xfd);
	struct mvgpu_edid_timing max;

	/* Established 640x480, 800x600, 1024x768 only when they fit. */
	ASSERT_EQ(variant->max_w >= 640 && variant->max_h >= 480,
		  !!(e[35] & 0x20));
	ASSERT_EQ(variant->max_w >= 800 && variant->max_h >= 600,
		  !!(e[35] & 0x01));
	ASSERT_EQ(variant->max_w >= 1024 && variant->max_h >= 768,
		  !!(e[36] & 0x08));
	ASSERT_EQ(0, e[37]);
	ASSERT_EQ(variant->max_w >= 1920 && variant->max_h >= 1080,
		  has_standard(e, 1920, 1080));
	ASSERT_EQ(variant->max_w >= 1280 && variant->max_h >= 720,
		  has_standard(e, 1280, 720));
	/* Every standard timing fits. */
	for (int i = 0; i < 8; i++) {
		const u8 *s = e + 38 + 2 * i;

		if (s[0] == 1 && s[1] == 1)
			continue;
		ASSERT_GE(variant->max_w, (u32)(s[0] + 31) * 8);
	}
	/* Range limits admit the largest mode. */
	ASSERT_NE(NULL, range);
	ASSERT_EQ(0, mvgpu_edid_timing(variant->max_w, variant->max_h, &max));
	ASSERT_LE(max.clock_khz, (u32)range[9] * 10000);
	ASSERT_LE(max.clock_khz / (max.hactive + max.hblank), range[8]);
	ASSERT_LE(range[7], range[8]);
	ASSERT_LE(range[5], 60);
	ASSERT_GE(range[6], 60);
}

TEST(edid_refusals)
{
	u8 e[MVGPU_EDID_BLOCK_SIZE];
	struct mvgpu_edid_timing t;

	memset(e, 0x55, sizeof(e));
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 0, 768, 1920, 1080));
	for (int i = 0; i < MVGPU_EDID_BLOCK_SIZE; i++)
		ASSERT_EQ(0, e[i]);
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 1024, 0, 1920, 1080));
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 1921, 768, 1920, 1080));
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 1024, 1081, 1920, 1080));
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 4096, 2160, 8192, 8192));
	ASSERT_EQ(-EINVAL, mvgpu_edid_build(e, 0xffffffff, 0xffffffff,
					    0xffffffff, 0xffffffff));
	/* 4095 x 4095 at 60 Hz needs more than 655.35 MHz. */
	ASSERT_EQ(-EINVAL, mvgpu_edid_timing(4095, 4095, &t));
	ASSERT_EQ(0, mvgpu_edid_timing(4095, 2160, &t));
	/* A 1x1 monitor is odd but valid. */
	ASSERT_EQ(0, mvgpu_edid_build(e, 1, 1, 1, 1));
	ASSERT_EQ(0, sum(e));
	/* A maximum beyond what a detailed timing can carry still works. */
	ASSERT_EQ(0, mvgpu_edid_build(e, 1024, 768, 8192, 8192));
	ASSERT_EQ(0, sum(e));
}

/* Every size up to a small maximum gives a valid block. */
TEST(edid_sweep)
{
	u8 e[MVGPU_EDID_BLOCK_SIZE];
	struct dtd t;

	for (u32 w = 1; w <= 4000; w += 37) {
		for (u32 h = 1; h <= 2200; h += 53) {
			ASSERT_EQ(0, mvgpu_edid_build(e, w, h, 4000, 2200));
			ASSERT_EQ(0, sum(e));
			decode_dtd(e + DTD, &t);
			ASSERT_EQ(w, t.hactive);
			ASSERT_EQ(h, t.vactive);
		}
	}
}

TEST_HARNESS_MAIN
