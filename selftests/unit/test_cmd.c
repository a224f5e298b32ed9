// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the packet decoder (drivers/mvgpu/abi/mvgpu_packet.c):
 * decoding and validation; and of the simulated pGPU's command arithmetic
 * (mvgpu_sim_cmd.c): WAIT conditions, FILL patterns and BLIT pixels.
 *
 * Packets are built from the uapi structs, so the decoder's field offsets
 * are checked against the ABI header too.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "kselftest_harness.h"

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_sim_cmd.h"

#define TOP	U64_MAX		/* last byte of the address space */

/* A packet as dwords, CPU order (the host is little-endian). */
struct pkt {
	u32 dw[MVGPU_CMD_MAX_DWORDS + 1];
	u32 len;
};

static u32 hdr(u32 op, u32 flags, u32 dwords)
{
	return MVGPU_CMD_HEADER(op, flags, dwords);
}

/* The dwords of a uapi packet struct. */
static struct pkt pkt_from(const void *packet, size_t bytes)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	memcpy(p.dw, packet, bytes);
	p.len = bytes / 4;
	return p;
}

static struct pkt pkt_fence(u32 flags, u64 addr, u64 value)
{
	struct mvgpu_cmd_fence c = {
		.header = hdr(MVGPU_OP_FENCE, flags, 5),
		.addr = addr, .value = value,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_fill(u64 dst, u64 size, u32 value)
{
	struct mvgpu_cmd_fill c = {
		.header = hdr(MVGPU_OP_FILL, 0, 6),
		.dst = dst, .size = size, .value = value,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_copy(u64 dst, u64 src, u64 size)
{
	struct mvgpu_cmd_copy c = {
		.header = hdr(MVGPU_OP_COPY, 0, 7),
		.dst = dst, .src = src, .size = size,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_blit(u64 dst, u64 src, u32 dst_stride, u32 src_stride,
			   u32 width, u32 height, u32 dst_fmt, u32 src_fmt,
		       u32 op)
{
	struct mvgpu_cmd_blit c = {
		.header = hdr(MVGPU_OP_BLIT, 0, 11),
		.dst = dst, .src = src,
		.dst_stride = dst_stride, .src_stride = src_stride,
		.width = width, .height = height,
		.format = dst_fmt | src_fmt << 8, .op = op,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_timestamp(u64 addr)
{
	struct mvgpu_cmd_timestamp c = {
		.header = hdr(MVGPU_OP_TIMESTAMP, 0, 3), .addr = addr,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_wait(u64 addr, u64 value, u32 cond)
{
	struct mvgpu_cmd_wait c = {
		.header = hdr(MVGPU_OP_WAIT, 0, 6),
		.addr = addr, .value = value, .cond = cond,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_saxpy(u32 n, u32 a, u64 x, u64 y)
{
	struct mvgpu_cmd_saxpy c = {
		.header = hdr(MVGPU_OP_SAXPY, 0, 7),
		.n = n, .a = a, .x = x, .y = y,
	};
	return pkt_from(&c, sizeof(c));
}

static struct pkt pkt_sgemm(u32 m, u32 n, u32 k, u64 a, u64 b, u64 c,
			    u32 lda, u32 ldb, u32 ldc)
{
	struct mvgpu_cmd_sgemm s = {
		.header = hdr(MVGPU_OP_SGEMM, 0, 15),
		.m = m, .n = n, .k = k, .alpha = 0x3f800000, .beta = 0x40000000,
		.a = a, .b = b, .c = c, .lda = lda, .ldb = ldb, .ldc = ldc,
	};
	return pkt_from(&s, sizeof(s));
}

static struct pkt pkt_reduce(u32 n, u32 op, u64 src, u64 dst)
{
	struct mvgpu_cmd_reduce c = {
		.header = hdr(MVGPU_OP_REDUCE, 0, 7),
		.n = n, .op = op, .src = src, .dst = dst,
	};
	return pkt_from(&c, sizeof(c));
}

/*
 * Decode from a heap buffer of exactly the packet's size, so that ASan
 * catches any read past it.
 */
static u32 decode_n(const struct pkt *p, u32 avail, struct mvgpu_packet *cmd)
{
	u32 *buf = malloc((avail ? avail : 1) * 4);
	u32 ret;

	memcpy(buf, p->dw, avail * 4);
	ret = mvgpu_packet_decode(buf, avail, cmd);
	free(buf);
	return ret;
}

static u32 decode(const struct pkt *p, struct mvgpu_packet *cmd)
{
	return decode_n(p, p->len, cmd);
}

static u32 check(struct pkt p)
{
	struct mvgpu_packet cmd;

	return decode(&p, &cmd);
}

static const struct {
	u32 op, size;
} opcodes[] = {
	{ MVGPU_OP_FENCE, 5 }, { MVGPU_OP_FILL, 6 }, { MVGPU_OP_COPY, 7 },
	{ MVGPU_OP_BLIT, 11 }, { MVGPU_OP_TIMESTAMP, 3 }, { MVGPU_OP_WAIT, 6 },
	{ MVGPU_OP_SAXPY, 7 }, { MVGPU_OP_SGEMM, 15 }, { MVGPU_OP_REDUCE, 7 },
};

/* A valid packet of each opcode: zero arguments, but a BLIT format. */
static struct pkt zero_packet(u32 op, u32 size)
{
	struct pkt p = { .len = size };

	p.dw[0] = hdr(op, 0, size);
	if (op == MVGPU_OP_BLIT)
		p.dw[offsetof(struct mvgpu_cmd_blit, format) / 4] =
			MVGPU_FMT_ARGB8888 | MVGPU_FMT_ARGB8888 << 8;
	return p;
}

/* ---- header: opcode and length ---- */

TEST(length_exact)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opcodes); i++) {
		struct pkt p = zero_packet(opcodes[i].op, opcodes[i].size);
		struct mvgpu_packet cmd;
		u32 len;

		EXPECT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd)) TH_LOG("op %u", opcodes[i].op);
		EXPECT_EQ(opcodes[i].op, cmd.opcode);
		EXPECT_EQ(opcodes[i].size, cmd.dwords);
		EXPECT_EQ(MVGPU_ERR_NONE,
			  mvgpu_packet_length(p.dw[0], 100, 100, &len));
		EXPECT_EQ(opcodes[i].size, len);

		/* One dword short or long, or extreme lengths. */
		p.dw[0] = hdr(opcodes[i].op, 0, opcodes[i].size - 1);
		p.len = opcodes[i].size - 1;
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode(&p, &cmd));
		p.dw[0] = hdr(opcodes[i].op, 0, opcodes[i].size + 1);
		p.len = opcodes[i].size + 1;
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode(&p, &cmd));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
			  mvgpu_packet_length(hdr(opcodes[i].op, 0, 0),
					      100, 100, &len));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
			  mvgpu_packet_length(hdr(opcodes[i].op, 0, 0xffff),
					      0x10000, 0x10000, &len));
	}
}

TEST(length_nop)
{
	struct mvgpu_packet cmd;
	struct pkt p = {};
	u32 n, len;

	for (n = 1; n <= MVGPU_CMD_MAX_DWORDS; n++) {
		p.dw[0] = hdr(MVGPU_OP_NOP, 0, n);
		p.dw[n - 1] |= n > 1 ? 0xdeadbeef : 0;	/* payload ignored */
		p.len = n;
		EXPECT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd)) TH_LOG("nop %u", n);
		EXPECT_EQ(n, cmd.dwords);
		EXPECT_EQ(MVGPU_OP_NOP, cmd.opcode);
	}
	p.dw[0] = hdr(MVGPU_OP_NOP, 0, 0);
	p.len = 1;
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode(&p, &cmd));
	p.dw[0] = hdr(MVGPU_OP_NOP, 0, MVGPU_CMD_MAX_DWORDS + 1);
	p.len = MVGPU_CMD_MAX_DWORDS + 1;
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode(&p, &cmd));
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
		  mvgpu_packet_length(hdr(MVGPU_OP_NOP, 0, 0xffff), 0x10000,
				      0x10000, &len));
	/* Nothing to decode at all. */
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode_n(&p, 0, &cmd));
}

TEST(unknown_opcodes)
{
	struct mvgpu_packet cmd;
	unsigned int op, i;
	struct pkt p = {};
	u32 len;

	for (op = 0; op < 256; op++) {
		bool known = op == MVGPU_OP_NOP;

		for (i = 0; i < ARRAY_SIZE(opcodes); i++)
			known |= opcodes[i].op == op;
		if (known)
			continue;
		/* Whatever the length, an unknown opcode is BAD_OPCODE. */
		p.dw[0] = hdr(op, 0, 1);
		p.len = 1;
		EXPECT_EQ(MVGPU_ERR_BAD_OPCODE, decode(&p, &cmd)) TH_LOG("op %u", op);
		p.dw[0] = hdr(op, 0xff, 0);
		EXPECT_EQ(MVGPU_ERR_BAD_OPCODE, decode(&p, &cmd));
		EXPECT_EQ(MVGPU_ERR_BAD_OPCODE,
			  mvgpu_packet_length(hdr(op, 0, 0xffff), 0, 0, &len));
	}
}

TEST(truncated_by_tail_and_ring_end)
{
	unsigned int i;
	u32 len;

	for (i = 0; i < ARRAY_SIZE(opcodes); i++) {
		u32 h = hdr(opcodes[i].op, 0, opcodes[i].size);
		u32 s = opcodes[i].size;
		struct pkt p = zero_packet(opcodes[i].op, s);
		struct mvgpu_packet cmd;

		EXPECT_EQ(MVGPU_ERR_NONE, mvgpu_packet_length(h, s, s, &len));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
			  mvgpu_packet_length(h, s - 1, 100, &len));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
			  mvgpu_packet_length(h, 100, s - 1, &len));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
			  mvgpu_packet_length(h, 0, 0, &len));
		/* decode() of fewer dwords than the header announces. */
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode_n(&p, s - 1, &cmd));
		EXPECT_EQ(MVGPU_ERR_BAD_LENGTH, decode_n(&p, 1, &cmd));
	}
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
		  mvgpu_packet_length(hdr(MVGPU_OP_NOP, 0, 8), 7, 100, &len));
	EXPECT_EQ(MVGPU_ERR_BAD_LENGTH,
		  mvgpu_packet_length(hdr(MVGPU_OP_NOP, 0, 8), 100, 7, &len));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  mvgpu_packet_length(hdr(MVGPU_OP_NOP, 0, 8), 8, 8, &len));
	EXPECT_EQ(8U, len);
}

TEST(flags_reserved)
{
	struct mvgpu_packet cmd;
	unsigned int i, f;

	for (i = 0; i < ARRAY_SIZE(opcodes); i++) {
		for (f = 1; f < 256; f <<= 1) {
			struct pkt p = zero_packet(opcodes[i].op,
						   opcodes[i].size);
			u32 want = MVGPU_ERR_BAD_ARG;

			p.dw[0] = hdr(opcodes[i].op, f, opcodes[i].size);
			if (opcodes[i].op == MVGPU_OP_FENCE &&
			    f == MVGPU_FENCE_IRQ)
				want = MVGPU_ERR_NONE;
			EXPECT_EQ(want, decode(&p, &cmd))
				TH_LOG("op %u flag %u", opcodes[i].op, f);
		}
	}
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check((struct pkt){
		.dw = { hdr(MVGPU_OP_NOP, 1, 1) }, .len = 1 }));
}

/* ---- FENCE, TIMESTAMP, WAIT ---- */

TEST(fence_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_fence(MVGPU_FENCE_IRQ, 0x1000, 0x1122334455667788);
	unsigned int i;

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0x1000ULL, cmd.fence.addr);
	EXPECT_EQ(0x1122334455667788ULL, cmd.fence.value);
	EXPECT_TRUE(cmd.fence.irq);
	p = pkt_fence(0, (1ULL << 47) + 8, 1);
	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_FALSE(cmd.fence.irq);
	EXPECT_EQ((1ULL << 47) + 8, cmd.fence.addr);

	for (i = 1; i < 8; i++)
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fence(0, 0x1000 + i, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_fence(0, TOP - 15, 0)));
	/* The last 8 bytes would end exactly at 2^64. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fence(0, TOP - 7, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fence(2, 0x1000, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fence(0x80, 0x1000, 0)));
}

TEST(timestamp_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_timestamp(0xabcdef000ULL);
	unsigned int i;

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0xabcdef000ULL, cmd.timestamp.addr);
	for (i = 1; i < 8; i++)
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_timestamp(8 + i)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_timestamp(TOP - 15)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_timestamp(TOP - 7)));
}

TEST(wait_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_wait(0x2000, 0xfedcba9876543210, MVGPU_WAIT_GE);
	unsigned int i;

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0x2000ULL, cmd.wait.addr);
	EXPECT_EQ(0xfedcba9876543210ULL, cmd.wait.value);
	EXPECT_EQ((u32)MVGPU_WAIT_GE, cmd.wait.cond);
	for (i = MVGPU_WAIT_EQ; i <= MVGPU_WAIT_LT; i++)
		EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_wait(0, 0, i)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_wait(0, 0, MVGPU_WAIT_LT + 1)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_wait(0, 0, U32_MAX)));
	for (i = 1; i < 8; i++)
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_wait(i, 0, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_wait(TOP - 15, 0, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_wait(TOP - 7, 0, 0)));
}

TEST(wait_conditions)
{
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_EQ, 5, 5));
	EXPECT_FALSE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_EQ, 5, 6));
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_NE, 5, 6));
	EXPECT_FALSE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_NE, 6, 6));
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_GE, 6, 6));
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_GE, 7, 6));
	EXPECT_FALSE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_GE, 5, 6));
	/* Unsigned: 2^63 is greater than 1. */
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_GE, 1ULL << 63, 1));
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_LT, 1, 1ULL << 63));
	EXPECT_FALSE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_LT, 6, 6));
	EXPECT_TRUE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_LT, 0, U64_MAX));
	EXPECT_FALSE(mvgpu_sim_cmd_wait_met(MVGPU_WAIT_LT, U64_MAX, 0));
}

/* ---- FILL, COPY ---- */

TEST(fill_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_fill(0x1003, 0x777, 0xa1b2c3d4);

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0x1003ULL, cmd.fill.dst);
	EXPECT_EQ(0x777ULL, cmd.fill.size);
	EXPECT_EQ(0xa1b2c3d4U, cmd.fill.value);
	/* Any alignment, any size, zero included. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_fill(1, 0, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_fill(TOP, 0, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_fill(TOP - 1, 1, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_fill(0, TOP, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fill(TOP, 1, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fill(1, TOP, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_fill(TOP, TOP, 0)));
}

TEST(fill_pattern)
{
	u8 buf[11];
	unsigned int off, i;

	for (off = 0; off < 8; off++) {
		memset(buf, 0x55, sizeof(buf));
		mvgpu_sim_fill_pattern(buf, 10, 0x44332211, off);
		for (i = 0; i < 10; i++)
			EXPECT_EQ(0x11 * (1 + (off + i) % 4), buf[i]);
		EXPECT_EQ(0x55, buf[10]);
	}
	/* Offsets beyond 2^32 keep the phase. */
	mvgpu_sim_fill_pattern(buf, 4, 0x44332211, (1ULL << 40) + 3);
	EXPECT_EQ(0x44, buf[0]);
	EXPECT_EQ(0x11, buf[1]);
}

TEST(copy_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_copy(0x5000, 0x1000, 0x4000);

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0x5000ULL, cmd.copy.dst);
	EXPECT_EQ(0x1000ULL, cmd.copy.src);
	EXPECT_EQ(0x4000ULL, cmd.copy.size);
	/* Adjacent ranges are fine, one shared byte is not. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(0x5000, 0x1000, 0x4000)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0x4fff, 0x1000, 0x4000)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(0x1000, 0x5000, 0x4000)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0x1000, 0x4fff, 0x4000)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0x1000, 0x1000, 1)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0x1001, 0x1000, 0x10)));
	/* Contained ranges overlap. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0x1000, 0x0, 0x10000)));
	/* Zero bytes never overlap, whatever the addresses. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(0x1000, 0x1000, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(TOP, TOP, 0)));
	/* Ends: a range may end at the last byte, not wrap past it. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(TOP - 0x10, 0, 0x10)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(TOP - 0xf, 0, 0x10)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_copy(0, TOP - 0x10, 0x10)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0, TOP - 0xf, 0x10)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_copy(0, 1, TOP)));
}

/* ---- BLIT ---- */

static const u32 fmts[] = {
	MVGPU_FMT_ARGB8888, MVGPU_FMT_XRGB8888, MVGPU_FMT_RGB565, MVGPU_FMT_R8,
};

TEST(blit_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_blit(0x10000, 0x20000, 4096, 2048, 640, 480,
			    MVGPU_FMT_XRGB8888, MVGPU_FMT_RGB565,
			    MVGPU_BLIT_COPY);

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(0x10000ULL, cmd.blit.dst);
	EXPECT_EQ(0x20000ULL, cmd.blit.src);
	EXPECT_EQ(4096U, cmd.blit.dst_stride);
	EXPECT_EQ(2048U, cmd.blit.src_stride);
	EXPECT_EQ(640U, cmd.blit.width);
	EXPECT_EQ(480U, cmd.blit.height);
	EXPECT_EQ((u32)MVGPU_FMT_XRGB8888, cmd.blit.dst_format);
	EXPECT_EQ((u32)MVGPU_FMT_RGB565, cmd.blit.src_format);
	EXPECT_EQ((u32)MVGPU_BLIT_COPY, cmd.blit.op);
}

TEST(blit_formats_and_ops)
{
	unsigned int d, s, f;

	for (d = 0; d < 4; d++) {
		for (s = 0; s < 4; s++) {
			u32 want = fmts[s] == MVGPU_FMT_ARGB8888 ?
				   MVGPU_ERR_NONE : MVGPU_ERR_BAD_ARG;

			EXPECT_EQ(MVGPU_ERR_NONE,
				  check(pkt_blit(0, 0x100000, 256, 256, 64, 64,
						 fmts[d], fmts[s],
					     MVGPU_BLIT_COPY)));
			/* BLEND needs a source alpha. */
			EXPECT_EQ(want,
				  check(pkt_blit(0, 0x100000, 256, 256, 64, 64,
						 fmts[d], fmts[s],
					     MVGPU_BLIT_BLEND)));
		}
	}
	for (f = 0; f < 256; f++) {
		u32 want = f >= 1 && f <= 4 ? MVGPU_ERR_NONE :
					      MVGPU_ERR_BAD_ARG;

		EXPECT_EQ(want, check(pkt_blit(0, 0x100000, 256, 256, 1, 1, f,
					       MVGPU_FMT_ARGB8888, 0)));
		EXPECT_EQ(want, check(pkt_blit(0, 0x100000, 256, 256, 1, 1,
					       MVGPU_FMT_ARGB8888, f, 0)));
	}
	/* Reserved bits of the format word. */
	for (f = 16; f < 32; f++) {
		struct pkt p = pkt_blit(0, 0x100000, 256, 256, 1, 1, 1, 1, 0);

		p.dw[MVGPU_CMD_DWORDS(p.dw[0]) - 2] |= 1U << f;
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(p));
	}
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_blit(0, 0x100000, 256, 256, 1, 1, 1,
						    1, 2)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_blit(0, 0x100000, 256, 256, 1, 1, 1,
						    1, U32_MAX)));
}

TEST(blit_strides)
{
	unsigned int d;

	for (d = 0; d < 4; d++) {
		u32 bpp = mvgpu_packet_fmt_bpp(fmts[d]);

		/* Destination side. */
		EXPECT_EQ(MVGPU_ERR_NONE,
			  check(pkt_blit(0, 1ULL << 40, 100 * bpp, 400, 100, 3,
					 fmts[d], MVGPU_FMT_ARGB8888, 0)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_blit(0, 1ULL << 40, 100 * bpp - 1, 400, 100, 3,
					 fmts[d], MVGPU_FMT_ARGB8888, 0)));
		/* Source side. */
		EXPECT_EQ(MVGPU_ERR_NONE,
			  check(pkt_blit(0, 1ULL << 40, 400, 100 * bpp, 100, 3,
					 MVGPU_FMT_ARGB8888, fmts[d], 0)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_blit(0, 1ULL << 40, 400, 100 * bpp - 1, 100, 3,
					 MVGPU_FMT_ARGB8888, fmts[d], 0)));
		/* Checked even for a single row or no rows at all. */
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_blit(0, 1ULL << 40, 400, 100 * bpp - 1, 100, 1,
					 MVGPU_FMT_ARGB8888, fmts[d], 0)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_blit(0, 1ULL << 40, 400, 100 * bpp - 1, 100, 0,
					 MVGPU_FMT_ARGB8888, fmts[d], 0)));
	}
	/* The widest row: 2^32 - 1 pixels of 4 bytes need a bigger stride. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_blit(0, 1ULL << 40, U32_MAX, U32_MAX, U32_MAX, 1,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(0, 1ULL << 40, U32_MAX, U32_MAX, U32_MAX, 1,
				 MVGPU_FMT_R8, MVGPU_FMT_R8, 0)));
	/* Zero-sized rectangles are valid no-ops; stride 0 then is fine. */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(0, 0, 0, 0, 0, 100, MVGPU_FMT_ARGB8888,
				 MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(TOP, TOP, 4, 4, 1, 0, MVGPU_FMT_ARGB8888,
				 MVGPU_FMT_ARGB8888, 1)));
}

TEST(blit_extent)
{
	/* 3 rows of 100 ARGB pixels, stride 1000: 2 * 1000 + 400 bytes. */
	u64 bytes = 2 * 1000 + 400;

	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(TOP - bytes, 0, 1000, 400, 100, 3,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_blit(TOP - bytes + 1, 0, 1000, 400, 100, 3,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(0, TOP - bytes, 400, 1000, 100, 3,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_blit(0, TOP - bytes + 1, 400, 1000, 100, 3,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	/* The largest rectangle spans 2^64 - 2^33 - 2 bytes... */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(0, 0, U32_MAX, U32_MAX, U32_MAX / 4, U32_MAX,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit((1ULL << 33) + 1, 0, U32_MAX, U32_MAX,
				 U32_MAX / 4, U32_MAX, MVGPU_FMT_ARGB8888,
			     MVGPU_FMT_ARGB8888, 0)));
	/* ... so it wraps from any higher address. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_blit((1ULL << 33) + 2, 0, U32_MAX, U32_MAX,
				 U32_MAX / 4, U32_MAX, MVGPU_FMT_ARGB8888,
			     MVGPU_FMT_ARGB8888, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_blit(0, 1ULL << 63, U32_MAX, U32_MAX, U32_MAX / 4,
				 U32_MAX, MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
			     0)));
	/* Overlapping rectangles are allowed (defined row order). */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_blit(0x1000, 0x1004, 4096, 4096, 100, 100,
				 MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0)));
}

TEST(fmt_bpp)
{
	EXPECT_EQ(4U, mvgpu_packet_fmt_bpp(MVGPU_FMT_ARGB8888));
	EXPECT_EQ(4U, mvgpu_packet_fmt_bpp(MVGPU_FMT_XRGB8888));
	EXPECT_EQ(2U, mvgpu_packet_fmt_bpp(MVGPU_FMT_RGB565));
	EXPECT_EQ(1U, mvgpu_packet_fmt_bpp(MVGPU_FMT_R8));
	EXPECT_EQ(0U, mvgpu_packet_fmt_bpp(0));
	EXPECT_EQ(0U, mvgpu_packet_fmt_bpp(5));
}

/* One pixel through mvgpu_sim_blit_span(), as a little-endian number. */
static u32 px(u32 dst_fmt, u32 src_fmt, u32 op, u32 src, u32 dst)
{
	u8 s[4] = { src, src >> 8, src >> 16, src >> 24 };
	u8 d[5] = { dst, dst >> 8, dst >> 16, dst >> 24, 0x5a };
	u32 bpp = mvgpu_packet_fmt_bpp(dst_fmt), v = 0, i;

	mvgpu_sim_blit_span(d, s, 1, dst_fmt, src_fmt, op);
	for (i = 0; i < bpp; i++)
		v |= (u32)d[i] << (8 * i);
	/* Bytes past the pixel are untouched. */
	for (i = bpp; i < 4; i++)
		if (d[i] != (u8)(dst >> (8 * i)))
			return 0xbad0bad0;
	return d[4] == 0x5a ? v : 0xbad0bad0;
}

TEST(blit_convert_565)
{
	u32 v;

	for (v = 0; v < 0x10000; v++) {
		u32 r5 = v >> 11, g6 = (v >> 5) & 63, b5 = v & 31;
		u32 r = r5 << 3 | r5 >> 2, g = g6 << 2 | g6 >> 4;
		u32 b = b5 << 3 | b5 >> 2;
		u32 argb = 0xff000000 | r << 16 | g << 8 | b;

		ASSERT_EQ(argb, px(MVGPU_FMT_ARGB8888, MVGPU_FMT_RGB565, 0, v,
				   0x12345678)) TH_LOG("565 0x%04x", v);
		ASSERT_EQ(argb, px(MVGPU_FMT_XRGB8888, MVGPU_FMT_RGB565, 0, v,
				   0));
		ASSERT_EQ(r, px(MVGPU_FMT_R8, MVGPU_FMT_RGB565, 0, v, 0));
		/* Expansion then truncation gives the value back. */
		ASSERT_EQ(v, px(MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888, 0, argb,
				0));
		ASSERT_EQ(v, px(MVGPU_FMT_RGB565, MVGPU_FMT_RGB565, 0, v, 0));
	}
	/* 888 -> 565 truncates. */
	EXPECT_EQ(0xffffU, px(MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888, 0,
			      0x00ffffff, 0));
	EXPECT_EQ(0x0000U, px(MVGPU_FMT_RGB565, MVGPU_FMT_XRGB8888, 0,
			      0xff070307, 0));
	EXPECT_EQ(0x0821U, px(MVGPU_FMT_RGB565, MVGPU_FMT_XRGB8888, 0,
			      0x00080408, 0));
	EXPECT_EQ((0x80U >> 3) << 11 | (0x40U >> 2) << 5 | 0x20U >> 3,
		  px(MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888, 0, 0x11804020, 0));
}

TEST(blit_convert_8888_r8)
{
	u32 v;

	for (v = 0; v < 256; v++) {
		u32 grey = v << 16 | v << 8 | v;

		ASSERT_EQ(0xff000000 | grey,
			  px(MVGPU_FMT_ARGB8888, MVGPU_FMT_R8, 0, v, 0));
		ASSERT_EQ(0xff000000 | grey,
			  px(MVGPU_FMT_XRGB8888, MVGPU_FMT_R8, 0, v, 0));
		ASSERT_EQ(v, px(MVGPU_FMT_R8, MVGPU_FMT_R8, 0, v, 0));
		/* R8 takes the red channel. */
		ASSERT_EQ(v, px(MVGPU_FMT_R8, MVGPU_FMT_ARGB8888, 0,
				0x12003456 | v << 16, 0));
		ASSERT_EQ(v, px(MVGPU_FMT_R8, MVGPU_FMT_XRGB8888, 0,
				0x12003456 | v << 16, 0));
		ASSERT_EQ(((v >> 3) * 0x0801) | (v >> 2) << 5,
			  px(MVGPU_FMT_RGB565, MVGPU_FMT_R8, 0, v, 0));
	}
	/* ARGB keeps alpha; XRGB reads X as 255 and writes 255. */
	EXPECT_EQ(0x12345678U, px(MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 0,
				  0x12345678, 0));
	EXPECT_EQ(0xff345678U, px(MVGPU_FMT_XRGB8888, MVGPU_FMT_ARGB8888, 0,
				  0x12345678, 0));
	EXPECT_EQ(0xff345678U, px(MVGPU_FMT_ARGB8888, MVGPU_FMT_XRGB8888, 0,
				  0x12345678, 0));
	EXPECT_EQ(0xff345678U, px(MVGPU_FMT_XRGB8888, MVGPU_FMT_XRGB8888, 0,
				  0x12345678, 0));
}

static u32 blend_ref(u32 s, u32 d, u32 a)
{
	return (s * a + d * (255 - a) + 127) / 255;
}

TEST(blit_blend)
{
	u32 a, s, d;

	/* Every alpha, a grid of source and destination values. */
	for (a = 0; a < 256; a++) {
		for (s = 0; s < 256; s += 15) {
			for (d = 0; d < 256; d += 17) {
				u32 src = a << 24 | s << 16 | (255 - s) << 8 | s / 2;
				u32 dst = (255 - d) << 24 | d << 16 | d << 8 | (255 - d);
				u32 want = blend_ref(255, 255 - d, a) << 24 |
					   blend_ref(s, d, a) << 16 |
					   blend_ref(255 - s, d, a) << 8 |
					   blend_ref(s / 2, 255 - d, a);

				ASSERT_EQ(want, px(MVGPU_FMT_ARGB8888,
						   MVGPU_FMT_ARGB8888,
						   MVGPU_BLIT_BLEND, src, dst))
					TH_LOG("a %u s %u d %u", a, s, d);
				/* XRGB: X reads 255 and is written 255. */
				ASSERT_EQ(0xff000000 | (want & 0xffffff),
					  px(MVGPU_FMT_XRGB8888,
					     MVGPU_FMT_ARGB8888,
					     MVGPU_BLIT_BLEND, src, dst));
				/* R8 blends the red channel, value as r. */
				ASSERT_EQ(blend_ref(s, d, a),
					  px(MVGPU_FMT_R8, MVGPU_FMT_ARGB8888,
					     MVGPU_BLIT_BLEND, src, d));
			}
		}
	}
	/* Opaque source replaces, transparent source keeps. */
	EXPECT_EQ(0xff123456U, px(MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
				  MVGPU_BLIT_BLEND, 0xff123456, 0x80abcdef));
	EXPECT_EQ(0x80abcdefU, px(MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
				  MVGPU_BLIT_BLEND, 0x00123456, 0x80abcdef));
	/* 565: destination expanded, blended, truncated. */
	EXPECT_EQ(0xffffU, px(MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888,
			      MVGPU_BLIT_BLEND, 0x00000000, 0xffff));
	EXPECT_EQ(((blend_ref(0xff, 0, 0x80) >> 3) << 11) |
		  ((blend_ref(0, 0xff, 0x80) >> 2) << 5) |
		  (blend_ref(0, 0, 0x80) >> 3),
		  px(MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888, MVGPU_BLIT_BLEND,
		     0x80ff0000, 0x07e0));
}

TEST(blit_span_many)
{
	/* A run of pixels converts each one and writes exactly the run. */
	u8 src[8 * 4], dst[8 * 2 + 1];
	unsigned int i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = i * 37;
	memset(dst, 0xee, sizeof(dst));
	mvgpu_sim_blit_span(dst, src, 8, MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888,
			    MVGPU_BLIT_COPY);
	for (i = 0; i < 8; i++) {
		u32 v = dst[2 * i] | dst[2 * i + 1] << 8;
		u32 want = (src[4 * i + 2] >> 3) << 11 |
			   (src[4 * i + 1] >> 2) << 5 | src[4 * i] >> 3;

		EXPECT_EQ(want, v);
	}
	EXPECT_EQ(0xee, dst[16]);
}

/* ---- SAXPY, SGEMM, REDUCE ---- */

TEST(saxpy_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_saxpy(1000, 0x40490fdb, 0x10000, 0x20000);
	unsigned int i;

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(1000U, cmd.saxpy.n);
	EXPECT_EQ(0x40490fdbU, cmd.saxpy.a);
	EXPECT_EQ(0x10000ULL, cmd.saxpy.x);
	EXPECT_EQ(0x20000ULL, cmd.saxpy.y);
	for (i = 1; i < 4; i++) {
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(1, 0, 0x1000 + i, 0)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(1, 0, 0, 0x2000 + i)));
		/* Alignment is checked even for n = 0. */
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(0, 0, 0x1000 + i, 0)));
	}
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(0, 0, 0, 0)));
	/* x == y is allowed, any other overlap is not. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(100, 0, 0x1000, 0x1000)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(100, 0, 0x1000, 0x1004)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(100, 0, 0x1004, 0x1000)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(100, 0, 0x1000, 0x1190)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(100, 0, 0x1000, 0x118c)));
	/* Ends. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(4, 0, TOP - 19, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(4, 0, TOP - 15, 0)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(4, 0, 0, TOP - 19)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(4, 0, 0, TOP - 15)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_saxpy(U32_MAX, 0, 0, 1ULL << 36)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_saxpy(U32_MAX, 0, 0, TOP - 7)));
}

TEST(sgemm_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_sgemm(3, 5, 7, 0x1000, 0x2000, 0x3000, 8, 9, 10);

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(3U, cmd.sgemm.m);
	EXPECT_EQ(5U, cmd.sgemm.n);
	EXPECT_EQ(7U, cmd.sgemm.k);
	EXPECT_EQ(0x3f800000U, cmd.sgemm.alpha);
	EXPECT_EQ(0x40000000U, cmd.sgemm.beta);
	EXPECT_EQ(0x1000ULL, cmd.sgemm.a);
	EXPECT_EQ(0x2000ULL, cmd.sgemm.b);
	EXPECT_EQ(0x3000ULL, cmd.sgemm.c);
	EXPECT_EQ(8U, cmd.sgemm.lda);
	EXPECT_EQ(9U, cmd.sgemm.ldb);
	EXPECT_EQ(10U, cmd.sgemm.ldc);
}

TEST(sgemm_rules)
{
	unsigned int i;

	/* Leading dimensions. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_sgemm(4, 5, 6, 0, 1 << 20, 2 << 20,
						  6, 5, 5)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_sgemm(4, 5, 6, 0, 1 << 20, 2 << 20,
						     5, 5, 5)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_sgemm(4, 5, 6, 0, 1 << 20, 2 << 20,
						     6, 4, 5)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_sgemm(4, 5, 6, 0, 1 << 20, 2 << 20,
						     6, 5, 4)));
	/* ... checked even when a dimension is 0. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_sgemm(0, 5, 6, 0, 1 << 20, 2 << 20,
						     6, 5, 4)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_sgemm(0, 0, 0, 0, 0, 0, 0, 0, 0)));
	/* Alignment of every matrix, even empty ones. */
	for (i = 1; i < 4; i++) {
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_sgemm(2, 2, 2, i, 1 << 20, 2 << 20, 2, 2, 2)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_sgemm(2, 2, 2, 0, (1 << 20) + i, 2 << 20, 2, 2,
					  2)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG,
			  check(pkt_sgemm(0, 0, 0, 0, 0, i, 0, 0, 0)));
	}
	/* C may not overlap A or B; A and B may overlap each other. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(4, 4, 4, 0x1000, 0x2000, 0x1000 + 60, 4, 4, 4)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(4, 4, 4, 0x1000, 0x2000, 0x1000 + 64, 4, 4, 4)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(4, 4, 4, 0x1000, 0x2000, 0x2000 - 60, 4, 4, 4)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(4, 4, 4, 0x1000, 0x2000, 0x2000 - 64, 4, 4, 4)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(4, 4, 4, 0x1000, 0x1000, 0x3000, 4, 4, 4)));
	/* Bounding ranges count, even when rows interleave. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(2, 2, 2, 0x1000, 0x5000, 0x1008, 4, 2, 4)));
	/* k = 0: A and B are empty, so they overlap nothing. */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(4, 4, 0, 0x1000, 0x1000, 0x1000, 0, 4, 4)));
	/* m = 0: C is empty. */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(0, 4, 4, 0x1000, 0x2000, 0x1000, 4, 4, 4)));
}

TEST(sgemm_extent)
{
	/* A: 3 rows, lda 10, k 4: (2 * 10 + 4) * 4 = 96 bytes. */
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(3, 1, 4, TOP - 99, 0, 0x1000, 10, 1, 1)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(3, 1, 4, TOP - 95, 0, 0x1000, 10, 1, 1)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(1, 3, 1, 0, TOP - 7, 0x1000, 1, 3, 3)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(2, 2, 1, 0, 0x100, TOP - 11, 1, 2, 2)));
	/* Products that wrap 64 bits. */
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(U32_MAX, 1, U32_MAX, 0, 0, 1ULL << 62, U32_MAX,
				  1, 1)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG,
		  check(pkt_sgemm(1, U32_MAX, U32_MAX, 1ULL << 62, 0, 0, U32_MAX,
				  U32_MAX, U32_MAX)));
	EXPECT_EQ(MVGPU_ERR_NONE,
		  check(pkt_sgemm(U32_MAX, 1, 1, 0, 1ULL << 62, 1ULL << 63, 1, 1,
				  1)));
}

TEST(reduce_decode)
{
	struct mvgpu_packet cmd;
	struct pkt p = pkt_reduce(77, MVGPU_REDUCE_SUM, 0x4000, 0x8000);
	unsigned int i;

	ASSERT_EQ(MVGPU_ERR_NONE, decode(&p, &cmd));
	EXPECT_EQ(77U, cmd.reduce.n);
	EXPECT_EQ((u32)MVGPU_REDUCE_SUM, cmd.reduce.op);
	EXPECT_EQ(0x4000ULL, cmd.reduce.src);
	EXPECT_EQ(0x8000ULL, cmd.reduce.dst);
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(1, 1, 0, 0x100)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(1, U32_MAX, 0, 0x100)));
	for (i = 1; i < 4; i++) {
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(1, 0, i, 0x100)));
		EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(1, 0, 0, 0x100 + i)));
	}
	/* n = 0 is valid (it writes the empty sum); dst must still fit. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_reduce(0, 0, 0, TOP - 7)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(0, 0, 0, TOP - 3)));
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_reduce(4, 0, TOP - 19, 0)));
	EXPECT_EQ(MVGPU_ERR_BAD_ARG, check(pkt_reduce(4, 0, TOP - 15, 0)));
	/* dst inside src is fine: it is written once, at the end. */
	EXPECT_EQ(MVGPU_ERR_NONE, check(pkt_reduce(100, 0, 0x1000, 0x1010)));
}

TEST(decode_reads_only_the_packet)
{
	unsigned int i;

	/*
	 * The packet sits at the end of a heap block of exactly its size
	 * (decode_n): ASan would flag a read beyond. Trailing garbage in a
	 * larger buffer must not change the result either.
	 */
	for (i = 0; i < ARRAY_SIZE(opcodes); i++) {
		struct pkt p = zero_packet(opcodes[i].op, opcodes[i].size);
		struct mvgpu_packet a, b;
		unsigned int j;

		ASSERT_EQ(MVGPU_ERR_NONE, decode_n(&p, opcodes[i].size, &a));
		for (j = opcodes[i].size; j <= MVGPU_CMD_MAX_DWORDS; j++)
			p.dw[j] = 0xffffffff;
		ASSERT_EQ(MVGPU_ERR_NONE,
			  decode_n(&p, MVGPU_CMD_MAX_DWORDS + 1, &b));
		EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	}
}

TEST_HARNESS_MAIN
