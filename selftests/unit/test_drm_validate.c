// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_drm_validate.c: the guest driver accepts a submit
 * only when every packet is well formed and every byte it touches lies in
 * one object of the buffer list.
 */

#include <stddef.h>
#include <string.h>

#include <linux/types.h>

#include "kselftest_harness.h"

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_drm_validate.h"

#define VRAM	0x10000ULL			/* a VRAM object */
#define SYS	(MVGPU_VA_SYSMEM + 0x200000)	/* a system object */
#define SIZE	0x1000ULL

static const struct mvdrm_va_range ranges[] = {
	{ VRAM, SIZE },
	{ SYS, SIZE },
};

/* A command stream under construction, CPU order. */
struct stream {
	u32 dw[256];
	u32 len;
};

static void put(struct stream *s, const void *packet, size_t bytes)
{
	memcpy(s->dw + s->len, packet, bytes);
	s->len += bytes / 4;
}

static void fill(struct stream *s, u64 dst, u64 size)
{
	struct mvgpu_cmd_fill c = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_FILL, 0, 6),
		.dst = dst, .size = size, .value = 1,
	};
	put(s, &c, sizeof(c));
}

static void copy(struct stream *s, u64 dst, u64 src, u64 size)
{
	struct mvgpu_cmd_copy c = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_COPY, 0, 7),
		.dst = dst, .src = src, .size = size,
	};
	put(s, &c, sizeof(c));
}

static void blit(struct stream *s, u64 dst, u64 src, u32 stride, u32 width,
		 u32 height)
{
	struct mvgpu_cmd_blit c = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_BLIT, 0, 11),
		.dst = dst, .src = src, .dst_stride = stride,
		.src_stride = stride, .width = width, .height = height,
		.format = MVGPU_FMT_ARGB8888 | MVGPU_FMT_ARGB8888 << 8,
		.op = MVGPU_BLIT_COPY,
	};
	put(s, &c, sizeof(c));
}

static void sgemm(struct stream *s, u32 m, u32 n, u32 k, u64 a, u64 b, u64 c,
		  u32 ld)
{
	struct mvgpu_cmd_sgemm p = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_SGEMM, 0, 15),
		.m = m, .n = n, .k = k, .a = a, .b = b, .c = c,
		.lda = ld, .ldb = ld, .ldc = ld,
	};
	put(s, &p, sizeof(p));
}

static int validate(const struct stream *s, u32 *bad)
{
	return mvdrm_validate_commands(s->dw, s->len, ranges, 2, bad);
}

TEST(empty_stream_is_refused)
{
	u32 bad, dw = 0;

	EXPECT_EQ(-EINVAL, mvdrm_validate_commands(&dw, 0, ranges, 2, &bad));
}

TEST(fill_inside_each_object)
{
	struct stream s = { .len = 0 };
	u32 bad;

	fill(&s, VRAM, SIZE);
	fill(&s, SYS + 1, SIZE - 1);
	fill(&s, VRAM + SIZE - 1, 1);
	EXPECT_EQ(0, validate(&s, &bad));
}

TEST(fill_past_an_object_or_between_objects)
{
	struct stream s = { .len = 0 };
	u32 bad;

	fill(&s, VRAM, SIZE);
	fill(&s, VRAM + 1, SIZE);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
	EXPECT_EQ(6, bad);

	s.len = 0;
	fill(&s, VRAM - 1, 2);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
	EXPECT_EQ(0, bad);

	s.len = 0;
	fill(&s, 0, 4);		/* VRAM, but not an object of the list */
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(zero_sizes_touch_nothing)
{
	struct stream s = { .len = 0 };
	u32 bad;

	fill(&s, 0xdead0000, 0);
	copy(&s, 0x1000000, 0x2000000, 0);
	blit(&s, 0x1000000, 0x2000000, 16, 4, 0);
	EXPECT_EQ(0, validate(&s, &bad));
}

TEST(copy_needs_both_sides_inside)
{
	struct stream s = { .len = 0 };
	u32 bad;

	copy(&s, SYS, VRAM, SIZE);
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	copy(&s, SYS, VRAM + 8, SIZE);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
	s.len = 0;
	/* Spanning two objects is refused even where they would touch. */
	copy(&s, SYS, VRAM + SIZE - 8, 16);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(blit_extent_uses_stride_and_width)
{
	struct stream s = { .len = 0 };
	u32 bad;

	/* 16 rows of 64 bytes, stride 256: ends at 15 * 256 + 64 = 3904. */
	blit(&s, VRAM, SYS, 256, 16, 16);
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	/* Last row would end at 15 * 256 + 64 + 192 = 4096: still inside. */
	blit(&s, VRAM + 192, SYS, 256, 16, 16);
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	blit(&s, VRAM + 196, SYS, 256, 16, 16);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(sgemm_matrices_inside)
{
	struct stream s = { .len = 0 };
	u32 bad;

	/* 8x8 fp32 matrices, 256 bytes each. */
	sgemm(&s, 8, 8, 8, VRAM, VRAM + 256, SYS, 8);
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	sgemm(&s, 8, 8, 8, VRAM, VRAM + 256, SYS + SIZE - 128, 8);
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(fence_timestamp_wait_need_eight_bytes)
{
	struct mvgpu_cmd_fence f = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_FENCE, MVGPU_FENCE_IRQ, 5),
		.addr = SYS + SIZE - 8, .value = 7,
	};
	struct mvgpu_cmd_timestamp t = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_TIMESTAMP, 0, 3),
		.addr = VRAM,
	};
	struct mvgpu_cmd_wait w = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_WAIT, 0, 6),
		.addr = SYS, .value = 1, .cond = MVGPU_WAIT_GE,
	};
	struct stream s = { .len = 0 };
	u32 bad;

	put(&s, &f, sizeof(f));
	put(&s, &t, sizeof(t));
	put(&s, &w, sizeof(w));
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	t.addr = VRAM + SIZE;
	put(&s, &t, sizeof(t));
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(vectors_of_saxpy_and_reduce)
{
	struct mvgpu_cmd_saxpy x = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_SAXPY, 0, 7),
		.n = SIZE / 4, .x = VRAM, .y = SYS,
	};
	struct mvgpu_cmd_reduce r = {
		.header = MVGPU_CMD_HEADER(MVGPU_OP_REDUCE, 0, 7),
		.n = SIZE / 4, .op = MVGPU_REDUCE_SUM, .src = SYS,
		.dst = VRAM + SIZE - 4,
	};
	struct stream s = { .len = 0 };
	u32 bad;

	put(&s, &x, sizeof(x));
	put(&s, &r, sizeof(r));
	EXPECT_EQ(0, validate(&s, &bad));
	s.len = 0;
	x.n++;
	put(&s, &x, sizeof(x));
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
	s.len = 0;
	r.dst = VRAM + SIZE - 2;	/* misaligned and past the end */
	put(&s, &r, sizeof(r));
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(malformed_packets_and_truncation)
{
	struct stream s = { .len = 0 };
	u32 bad;

	s.dw[0] = MVGPU_CMD_HEADER(0x7f, 0, 1);
	s.len = 1;
	EXPECT_EQ(-EINVAL, validate(&s, &bad));

	s.len = 0;
	fill(&s, VRAM, 4);
	s.len--;		/* the packet runs past the stream */
	EXPECT_EQ(-EINVAL, validate(&s, &bad));

	s.len = 0;
	s.dw[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 3);
	s.len = 3;
	fill(&s, VRAM, 4);
	EXPECT_EQ(0, validate(&s, &bad));
	s.dw[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 1, 3);	/* reserved flag */
	EXPECT_EQ(-EINVAL, validate(&s, &bad));
}

TEST(ranges_that_wrap_never_match)
{
	static const struct mvdrm_va_range wrap[] = {
		{ U64_MAX - 0xfff, 0x2000 },
	};
	struct stream s = { .len = 0 };
	u32 bad;

	fill(&s, U64_MAX - 0xfff, 0x10);
	EXPECT_EQ(-EINVAL, mvdrm_validate_commands(s.dw, s.len, wrap, 1, &bad));
}

TEST_HARNESS_MAIN
