// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for mvgpu_drm_validate.c: a submit's command dwords and
 * buffer list, as a guest process hands them to the guest driver.
 *
 * Input: one byte giving the number of buffer ranges (0-7), that many
 * (start, size) pairs of 64-bit little-endian values, then the command
 * dwords. Checked: the validator reads nothing past the dwords (a heap
 * copy of exactly that size, under ASan); it accepts a stream only if the
 * packets, decoded one after the other, tile it exactly; and for each
 * accepted FILL, COPY, FENCE, TIMESTAMP and WAIT every byte the packet
 * touches lies inside one range, computed here independently.
 */

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/types.h>

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_drm_validate.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static u64 get64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* [addr, addr + size) inside one range, 0 bytes always. */
static bool inside(u64 addr, u64 size, const struct mvdrm_va_range *r, u32 n)
{
	u32 i;

	if (!size)
		return true;
	for (i = 0; i < n; i++) {
		u64 end, rend;

		if (__builtin_add_overflow(addr, size, &end) ||
		    __builtin_add_overflow(r[i].start, r[i].size, &rend))
			continue;
		if (addr >= r[i].start && end <= rend)
			return true;
	}
	return false;
}

static void check_accepted(const u32 *dw, u32 count,
			   const struct mvdrm_va_range *r, u32 n)
{
	struct mvgpu_packet cmd;
	u32 pos = 0;

	while (pos < count) {
		CHECK(mvgpu_packet_decode(dw + pos, count - pos, &cmd) ==
		      MVGPU_ERR_NONE);
		switch (cmd.opcode) {
		case MVGPU_OP_FILL:
			CHECK(inside(cmd.fill.dst, cmd.fill.size, r, n));
			break;
		case MVGPU_OP_COPY:
			CHECK(inside(cmd.copy.dst, cmd.copy.size, r, n));
			CHECK(inside(cmd.copy.src, cmd.copy.size, r, n));
			break;
		case MVGPU_OP_FENCE:
			CHECK(inside(cmd.fence.addr, 8, r, n));
			break;
		case MVGPU_OP_TIMESTAMP:
			CHECK(inside(cmd.timestamp.addr, 8, r, n));
			break;
		case MVGPU_OP_WAIT:
			CHECK(inside(cmd.wait.addr, 8, r, n));
			break;
		default:
			break;
		}
		pos += cmd.dwords;
	}
	CHECK(pos == count);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct mvdrm_va_range ranges[7];
	u32 nranges, count, bad, i;
	u32 *dw;
	int ret;

	if (size < 1)
		return 0;
	nranges = data[0] % 8;
	data++;
	size--;
	if (size < nranges * 16)
		return 0;
	for (i = 0; i < nranges; i++) {
		ranges[i].start = get64(data + i * 16);
		ranges[i].size = get64(data + i * 16 + 8);
	}
	data += nranges * 16;
	size -= nranges * 16;

	count = size / 4;
	dw = malloc(count ? count * 4 : 1);
	if (!dw)
		return 0;
	memcpy(dw, data, count * 4);
	ret = mvdrm_validate_commands(dw, count, ranges, nranges, &bad);
	CHECK(ret == 0 || ret == -EINVAL);
	if (!ret)
		check_accepted(dw, count, ranges, nranges);
	else
		CHECK(!count || bad < count);
	free(dw);
	return 0;
}
