// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for mvgpu_cfg_space.c.
 *
 * Input: two bytes choosing the BAR0 and BAR2 sizes, then a sequence of
 * operations, each
 *
 *   u8 op        bit 0: 0 = read, 1 = write; bit 1: offset/len are 32-bit
 *   offset, len  u8 each, or little-endian u32 each if op bit 1 is set
 *   data         for writes: up to len bytes (missing bytes read as 0)
 *
 * After every operation the config space is checked against a shadow copy
 * kept by the rules of the PCI spec, and against invariants: read-only bits
 * never change, write-1-to-clear bits are never set, masks never change, the
 * BAR flag bits are fixed, and reads return the shadow contents.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include <linux/errno.h>

#include "mvgpu_cfg_space.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static u32 le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void check_invariants(const struct mvgpu_cfg_space *cfg,
			     const struct mvgpu_cfg_space *init,
			     const u8 *shadow, bool bar2)
{
	unsigned int i;

	CHECK(!memcmp(cfg->wmask, init->wmask, MVGPU_CFG_SIZE));
	CHECK(!memcmp(cfg->w1cmask, init->w1cmask, MVGPU_CFG_SIZE));
	CHECK(!memcmp(cfg->data, shadow, MVGPU_CFG_SIZE));
	for (i = 0; i < MVGPU_CFG_SIZE; i++) {
		u8 fixed = ~(init->wmask[i] | init->w1cmask[i]);

		/* Masks do not overlap: W1C bits are not plain-writable. */
		CHECK(!(init->wmask[i] & init->w1cmask[i]));
		CHECK((cfg->data[i] & fixed) == (init->data[i] & fixed));
		CHECK(!(cfg->data[i] & init->w1cmask[i] & ~init->data[i]));
	}
	/* BAR0: 32-bit non-prefetchable memory; BAR2: 64-bit prefetchable. */
	CHECK((cfg->data[0x10] & 0xf) == 0);
	CHECK((cfg->data[0x18] & 0xf) == (bar2 ? 0xc : 0));
	CHECK(mvgpu_cfg_bar_address(cfg, 0) == (le32(&shadow[0x10]) & ~0xfU));
	CHECK(mvgpu_cfg_bar_address(cfg, 2) ==
	      ((le32(&shadow[0x18]) & ~0xfULL) |
	       (u64)le32(&shadow[0x1c]) << 32));
	CHECK(mvgpu_cfg_bar_address(cfg, 1) == 0);
	CHECK(mvgpu_cfg_bar_address(cfg, 4) == 0);
	CHECK(mvgpu_cfg_command(cfg) == (shadow[4] | shadow[5] << 8));
	CHECK(!(mvgpu_cfg_command(cfg) & ~0x0546));
	CHECK(mvgpu_cfg_msi_enabled(cfg) == (shadow[0x42] & 1));
	CHECK((shadow[0x42] & 0x70) == 0);	/* MME stays 1 vector */
}

/* Take @n bytes (n <= 4) from the input as a little-endian number. */
static u32 take(const u8 **data, size_t *size, unsigned int n)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < n && *size; i++, (*data)++, (*size)--)
		v |= (u32)**data << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct mvgpu_cfg_params params = {
		.vendor = 0x4d56, .device = 0x4750,
		.subsys_vendor = 0x4d56, .subsys_device = 0x0001,
		.revision = 1, .class_code = 0x038000,
	};
	static struct mvgpu_cfg_space cfg, init;
	static u8 shadow[MVGPU_CFG_SIZE];
	u8 buf[MVGPU_CFG_SIZE];
	u8 b0 = take(&data, &size, 1), b2 = take(&data, &size, 1);
	bool bar2;

	/* Sizes: 0 (no BAR) or a power of two, sometimes odd ones. */
	params.bar0_size = (b0 & 0x80) ? 0 : 1U << (b0 & 31);
	params.bar2_size = (b2 & 0x80) ? 0 : 1ULL << (b2 & 63);
	if (b2 & 0x40)
		params.bar2_size += b0;

	mvgpu_cfg_init(&cfg, &params);
	init = cfg;
	memcpy(shadow, cfg.data, sizeof(shadow));
	CHECK(le32(&cfg.data[0]) == 0x47504d56);
	CHECK(cfg.data[0x34] == MVGPU_CFG_MSI_OFFSET);
	/* Sizes above 2^63 cannot be rounded up: no BAR2 then. */
	bar2 = params.bar2_size && params.bar2_size <= 1ULL << 63;
	check_invariants(&cfg, &init, shadow, bar2);

	while (size) {
		u8 op = take(&data, &size, 1);
		unsigned int width = (op & 2) ? 4 : 1;
		u32 off = take(&data, &size, width);
		u32 len = take(&data, &size, width);
		bool valid = len && (u64)off + len <= MVGPU_CFG_SIZE;
		int ret;
		u32 i;

		if (op & 1) {
			memset(buf, 0, sizeof(buf));
			for (i = 0; i < len && i < sizeof(buf) && size; i++)
				buf[i] = take(&data, &size, 1);
			ret = mvgpu_cfg_write(&cfg, off, buf, len);
			CHECK(ret == (valid ? 0 : -EINVAL));
			for (i = 0; valid && i < len; i++) {
				u8 *d = &shadow[off + i];
				u8 wm = init.wmask[off + i];

				*d = (*d & ~wm) | (buf[i] & wm);
				*d &= ~(buf[i] & init.w1cmask[off + i]);
			}
		} else {
			memset(buf, 0xa5, sizeof(buf));
			ret = mvgpu_cfg_read(&cfg, off, buf, len);
			CHECK(ret == (valid ? 0 : -EINVAL));
			if (valid)
				CHECK(!memcmp(buf, &shadow[off], len));
			else
				CHECK(buf[0] == 0xa5);
		}
		check_invariants(&cfg, &init, shadow, bar2);
	}
	return 0;
}
