// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command packet decoding and pixel arithmetic of the simulated pGPU.
 */

/**
 * DOC: Packet validation
 *
 * A packet is checked completely before any of it executes; the first rule
 * it breaks, in this order, is the error that stops the queue:
 *
 * 1. MVGPU_ERR_BAD_OPCODE: the opcode is not one of MVGPU_OP_*.
 * 2. MVGPU_ERR_BAD_LENGTH: the length is 0, above MVGPU_CMD_MAX_DWORDS,
 *    not exactly the size of the opcode's struct (NOP: any length from 1),
 *    or the packet runs past the ring's end or past the tail.
 * 3. MVGPU_ERR_BAD_ARG, for any of:
 *
 *    - header flags other than MVGPU_FENCE_IRQ on FENCE; any flag on the
 *      other opcodes, NOP included (flags are reserved and must be 0);
 *    - FENCE, TIMESTAMP, WAIT: the address is not 8-byte aligned;
 *      SAXPY, SGEMM, REDUCE: a vector or matrix address is not 4-byte
 *      aligned (alignment is checked even when the size is 0);
 *    - the end of any range, address + size (for BLIT
 *      address + (height - 1) * stride + width * pixel size, for SGEMM
 *      address + ((rows - 1) * ld + columns) * 4), does not fit in 64
 *      bits: a range may end at 2^64 - 1, never at or past 2^64;
 *    - COPY: the source and destination ranges overlap;
 *    - BLIT: an unknown format, bits 31:16 of the format word set, an
 *      unknown operation, BLEND from a source that is not ARGB8888, or a
 *      stride smaller than width * pixel size (checked even when the
 *      height is 0 or 1);
 *    - WAIT: an unknown condition; REDUCE: an unknown operation;
 *    - SAXPY: x and y overlap without being the same vector;
 *    - SGEMM: lda < k, ldb < n or ldc < n; C overlaps A or B (their
 *      bounding byte ranges, whatever the strides).
 *
 * Sizes of 0 are valid and do nothing: FILL/COPY of 0 bytes, BLIT with a
 * width or height of 0, SAXPY with n = 0, SGEMM with m = 0 or n = 0 (with
 * k = 0 and m, n > 0, C = alpha * 0 + beta * C). REDUCE with n = 0 is the
 * exception: it writes the empty sum, +0.0f, to dst.
 */

/**
 * DOC: Pixel formats
 *
 * BLIT converts every pixel through 8-bit A, R, G, B channels. Pixels are
 * little-endian in memory. Reading: ARGB8888 0xAARRGGBB; XRGB8888
 * 0x??RRGGBB reads alpha 255; RGB565 expands each channel by replicating
 * its high bits (r8 = r5 << 3 | r5 >> 2, g8 = g6 << 2 | g6 >> 4, b like
 * r) and reads alpha 255; R8 value v reads as a = 255, r = g = b = v.
 * Writing: ARGB8888 stores all four; XRGB8888 stores 0xFF in the X byte;
 * RGB565 truncates (r5 = r8 >> 3, g6 = g8 >> 2, b5 = b8 >> 3); R8 stores
 * the red channel. So every format converts to every other, and a COPY
 * within one format is exact except XRGB8888, whose X byte becomes 0xFF.
 *
 * BLEND (source over, source alpha; the source is ARGB8888) reads the
 * destination pixel the same way, then with a = source alpha, for each of
 * r, g, b: c = (s * a + d * (255 - a) + 127) / 255, and the new alpha is
 * (a * 255 + da * (255 - a) + 127) / 255, which only ARGB8888 stores.
 *
 * Rows are processed top to bottom, left to right; each source span is
 * read before the destination span it produces is written. Overlapping
 * rectangles are allowed and give the result of that order.
 */

#include <linux/overflow.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

#include "mvgpu_sim_cmd.h"

/* Dword index of a field of a uapi packet struct. */
#define MVGPU_SIM_DW(type, field)	(offsetof(struct type, field) / 4)

/* A 32-bit field of a packet. */
#define MVGPU_SIM_U32(dw, type, field)	((dw)[MVGPU_SIM_DW(type, field)])

/* A 64-bit field of a packet: two dwords, low one first. */
#define MVGPU_SIM_U64(dw, type, field)	\
	mvgpu_sim_dw64(dw, MVGPU_SIM_DW(type, field))

static u64 mvgpu_sim_dw64(const u32 *dw, size_t index)
{
	return dw[index] | (u64)dw[index + 1] << 32;
}

static u32 mvgpu_sim_cmd_size(u32 opcode)
{
	switch (opcode) {
	case MVGPU_OP_NOP:
		return 1;
	case MVGPU_OP_FENCE:
		return sizeof(struct mvgpu_cmd_fence) / 4;
	case MVGPU_OP_FILL:
		return sizeof(struct mvgpu_cmd_fill) / 4;
	case MVGPU_OP_COPY:
		return sizeof(struct mvgpu_cmd_copy) / 4;
	case MVGPU_OP_BLIT:
		return sizeof(struct mvgpu_cmd_blit) / 4;
	case MVGPU_OP_TIMESTAMP:
		return sizeof(struct mvgpu_cmd_timestamp) / 4;
	case MVGPU_OP_WAIT:
		return sizeof(struct mvgpu_cmd_wait) / 4;
	case MVGPU_OP_SAXPY:
		return sizeof(struct mvgpu_cmd_saxpy) / 4;
	case MVGPU_OP_SGEMM:
		return sizeof(struct mvgpu_cmd_sgemm) / 4;
	case MVGPU_OP_REDUCE:
		return sizeof(struct mvgpu_cmd_reduce) / 4;
	default:
		return 0;
	}
}

/**
 * mvgpu_sim_cmd_length() - check a packet header against the ring
 * @header: the first dword of the packet, CPU order
 * @avail_tail: dwords between the packet and the tail
 * @avail_end: dwords between the packet and the ring's end
 * @dwords: the packet's length, set when the header is valid
 *
 * Return: MVGPU_ERR_NONE, MVGPU_ERR_BAD_OPCODE or MVGPU_ERR_BAD_LENGTH.
 */
u32 mvgpu_sim_cmd_length(u32 header, u32 avail_tail, u32 avail_end,
			 u32 *dwords)
{
	u32 opcode = MVGPU_CMD_OPCODE(header);
	u32 len = MVGPU_CMD_DWORDS(header);
	u32 size = mvgpu_sim_cmd_size(opcode);

	if (!size)
		return MVGPU_ERR_BAD_OPCODE;
	if (!len || len > MVGPU_CMD_MAX_DWORDS)
		return MVGPU_ERR_BAD_LENGTH;
	if (opcode == MVGPU_OP_NOP ? len < size : len != size)
		return MVGPU_ERR_BAD_LENGTH;
	if (len > avail_tail || len > avail_end)
		return MVGPU_ERR_BAD_LENGTH;
	*dwords = len;
	return MVGPU_ERR_NONE;
}

/* [addr, addr + size) must not wrap; gives its end. */
static bool mvgpu_sim_range(u64 addr, u64 size, u64 *end)
{
	return !check_add_overflow(addr, size, end);
}

/* Bytes spanned by @rows rows of @row_bytes, @pitch bytes apart. */
static bool mvgpu_sim_extent(u64 rows, u64 pitch, u64 row_bytes, u64 *bytes)
{
	u64 skip;

	if (!rows || !row_bytes) {
		*bytes = 0;
		return true;
	}
	return !check_mul_overflow(rows - 1, pitch, &skip) &&
	       !check_add_overflow(skip, row_bytes, bytes);
}

/* Whether two ranges share a byte; empty ranges share none. */
static bool mvgpu_sim_overlap(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < a_end && b < b_end && a < b_end && b < a_end;
}

static bool mvgpu_sim_aligned(u64 addr, u64 align)
{
	return !(addr & (align - 1));
}

static u32 mvgpu_sim_decode_fence(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 end;

	cmd->fence.addr = MVGPU_SIM_U64(dw, mvgpu_cmd_fence, addr);
	cmd->fence.value = MVGPU_SIM_U64(dw, mvgpu_cmd_fence, value);
	cmd->fence.irq = cmd->flags & MVGPU_FENCE_IRQ;
	if (cmd->flags & ~MVGPU_FENCE_IRQ ||
	    !mvgpu_sim_aligned(cmd->fence.addr, 8) ||
	    !mvgpu_sim_range(cmd->fence.addr, 8, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_sim_decode_fill(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 end;

	cmd->fill.dst = MVGPU_SIM_U64(dw, mvgpu_cmd_fill, dst);
	cmd->fill.size = MVGPU_SIM_U64(dw, mvgpu_cmd_fill, size);
	cmd->fill.value = MVGPU_SIM_U32(dw, mvgpu_cmd_fill, value);
	if (!mvgpu_sim_range(cmd->fill.dst, cmd->fill.size, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_sim_decode_copy(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 dst_end, src_end;

	cmd->copy.dst = MVGPU_SIM_U64(dw, mvgpu_cmd_copy, dst);
	cmd->copy.src = MVGPU_SIM_U64(dw, mvgpu_cmd_copy, src);
	cmd->copy.size = MVGPU_SIM_U64(dw, mvgpu_cmd_copy, size);
	if (!mvgpu_sim_range(cmd->copy.dst, cmd->copy.size, &dst_end) ||
	    !mvgpu_sim_range(cmd->copy.src, cmd->copy.size, &src_end) ||
	    mvgpu_sim_overlap(cmd->copy.dst, dst_end, cmd->copy.src, src_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* One side of a blit: format known, stride wide enough, range in 2^64. */
static bool mvgpu_sim_blit_side_ok(u64 addr, u32 stride, u32 width,
				   u32 height, u32 format)
{
	u32 bpp = mvgpu_sim_fmt_bpp(format);
	u64 row_bytes = (u64)width * bpp;
	u64 bytes, end;

	return bpp && stride >= row_bytes &&
	       mvgpu_sim_extent(height, stride, row_bytes, &bytes) &&
	       mvgpu_sim_range(addr, bytes, &end);
}

static u32 mvgpu_sim_decode_blit(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u32 format = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, format);

	cmd->blit.dst = MVGPU_SIM_U64(dw, mvgpu_cmd_blit, dst);
	cmd->blit.src = MVGPU_SIM_U64(dw, mvgpu_cmd_blit, src);
	cmd->blit.dst_stride = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, dst_stride);
	cmd->blit.src_stride = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, src_stride);
	cmd->blit.width = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, width);
	cmd->blit.height = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, height);
	cmd->blit.dst_format = format & 0xff;
	cmd->blit.src_format = (format >> 8) & 0xff;
	cmd->blit.op = MVGPU_SIM_U32(dw, mvgpu_cmd_blit, op);

	if (format >> 16)
		return MVGPU_ERR_BAD_ARG;
	if (cmd->blit.op != MVGPU_BLIT_COPY && cmd->blit.op != MVGPU_BLIT_BLEND)
		return MVGPU_ERR_BAD_ARG;
	if (cmd->blit.op == MVGPU_BLIT_BLEND &&
	    cmd->blit.src_format != MVGPU_FMT_ARGB8888)
		return MVGPU_ERR_BAD_ARG;
	if (!mvgpu_sim_blit_side_ok(cmd->blit.dst, cmd->blit.dst_stride,
				    cmd->blit.width, cmd->blit.height,
				    cmd->blit.dst_format) ||
	    !mvgpu_sim_blit_side_ok(cmd->blit.src, cmd->blit.src_stride,
				    cmd->blit.width, cmd->blit.height,
				    cmd->blit.src_format))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_sim_decode_timestamp(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 end;

	cmd->timestamp.addr = MVGPU_SIM_U64(dw, mvgpu_cmd_timestamp, addr);
	if (!mvgpu_sim_aligned(cmd->timestamp.addr, 8) ||
	    !mvgpu_sim_range(cmd->timestamp.addr, 8, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_sim_decode_wait(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 end;

	cmd->wait.addr = MVGPU_SIM_U64(dw, mvgpu_cmd_wait, addr);
	cmd->wait.value = MVGPU_SIM_U64(dw, mvgpu_cmd_wait, value);
	cmd->wait.cond = MVGPU_SIM_U32(dw, mvgpu_cmd_wait, cond);
	if (!mvgpu_sim_aligned(cmd->wait.addr, 8) ||
	    !mvgpu_sim_range(cmd->wait.addr, 8, &end) ||
	    cmd->wait.cond > MVGPU_WAIT_LT)
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* An fp32 vector of @n elements: aligned and within 2^64. */
static bool mvgpu_sim_vector_ok(u64 addr, u32 n, u64 *end)
{
	return mvgpu_sim_aligned(addr, 4) &&
	       mvgpu_sim_range(addr, (u64)n * 4, end);
}

static u32 mvgpu_sim_decode_saxpy(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 x_end, y_end;

	cmd->saxpy.n = MVGPU_SIM_U32(dw, mvgpu_cmd_saxpy, n);
	cmd->saxpy.a = MVGPU_SIM_U32(dw, mvgpu_cmd_saxpy, a);
	cmd->saxpy.x = MVGPU_SIM_U64(dw, mvgpu_cmd_saxpy, x);
	cmd->saxpy.y = MVGPU_SIM_U64(dw, mvgpu_cmd_saxpy, y);
	if (!mvgpu_sim_vector_ok(cmd->saxpy.x, cmd->saxpy.n, &x_end) ||
	    !mvgpu_sim_vector_ok(cmd->saxpy.y, cmd->saxpy.n, &y_end))
		return MVGPU_ERR_BAD_ARG;
	if (cmd->saxpy.x != cmd->saxpy.y &&
	    mvgpu_sim_overlap(cmd->saxpy.x, x_end, cmd->saxpy.y, y_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* A row-major fp32 matrix: aligned, ld >= cols, within 2^64. */
static bool mvgpu_sim_matrix_ok(u64 addr, u32 rows, u32 cols, u32 ld,
				u64 *end)
{
	u64 bytes;

	return mvgpu_sim_aligned(addr, 4) && ld >= cols &&
	       mvgpu_sim_extent(rows, (u64)ld * 4, (u64)cols * 4, &bytes) &&
	       mvgpu_sim_range(addr, bytes, end);
}

static u32 mvgpu_sim_decode_sgemm(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 a_end, b_end, c_end;

	cmd->sgemm.m = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, m);
	cmd->sgemm.n = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, n);
	cmd->sgemm.k = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, k);
	cmd->sgemm.alpha = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, alpha);
	cmd->sgemm.beta = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, beta);
	cmd->sgemm.a = MVGPU_SIM_U64(dw, mvgpu_cmd_sgemm, a);
	cmd->sgemm.b = MVGPU_SIM_U64(dw, mvgpu_cmd_sgemm, b);
	cmd->sgemm.c = MVGPU_SIM_U64(dw, mvgpu_cmd_sgemm, c);
	cmd->sgemm.lda = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, lda);
	cmd->sgemm.ldb = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, ldb);
	cmd->sgemm.ldc = MVGPU_SIM_U32(dw, mvgpu_cmd_sgemm, ldc);

	if (!mvgpu_sim_matrix_ok(cmd->sgemm.a, cmd->sgemm.m, cmd->sgemm.k,
				 cmd->sgemm.lda, &a_end) ||
	    !mvgpu_sim_matrix_ok(cmd->sgemm.b, cmd->sgemm.k, cmd->sgemm.n,
				 cmd->sgemm.ldb, &b_end) ||
	    !mvgpu_sim_matrix_ok(cmd->sgemm.c, cmd->sgemm.m, cmd->sgemm.n,
				 cmd->sgemm.ldc, &c_end))
		return MVGPU_ERR_BAD_ARG;
	/* Empty A or B (k = 0) is never read; an empty C is never written. */
	if (mvgpu_sim_overlap(cmd->sgemm.c, c_end, cmd->sgemm.a, a_end) ||
	    mvgpu_sim_overlap(cmd->sgemm.c, c_end, cmd->sgemm.b, b_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_sim_decode_reduce(const u32 *dw, struct mvgpu_sim_cmd *cmd)
{
	u64 src_end, dst_end;

	cmd->reduce.n = MVGPU_SIM_U32(dw, mvgpu_cmd_reduce, n);
	cmd->reduce.op = MVGPU_SIM_U32(dw, mvgpu_cmd_reduce, op);
	cmd->reduce.src = MVGPU_SIM_U64(dw, mvgpu_cmd_reduce, src);
	cmd->reduce.dst = MVGPU_SIM_U64(dw, mvgpu_cmd_reduce, dst);
	if (cmd->reduce.op != MVGPU_REDUCE_SUM ||
	    !mvgpu_sim_vector_ok(cmd->reduce.src, cmd->reduce.n, &src_end) ||
	    !mvgpu_sim_vector_ok(cmd->reduce.dst, 1, &dst_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/**
 * mvgpu_sim_cmd_decode() - decode and validate one command packet
 * @dw: the packet's dwords in CPU order, header first
 * @avail: dwords readable at @dw; the packet must fit in them
 * @cmd: the decoded packet, valid when MVGPU_ERR_NONE is returned
 *
 * Reads no more than @avail dwords, and only as many as the header
 * announces. See "Packet validation" for the rules.
 *
 * Return: MVGPU_ERR_NONE or the MVGPU_ERR_* of the first rule broken.
 */
u32 mvgpu_sim_cmd_decode(const u32 *dw, u32 avail, struct mvgpu_sim_cmd *cmd)
{
	u32 len, ret;

	memset(cmd, 0, sizeof(*cmd));
	if (!avail)
		return MVGPU_ERR_BAD_LENGTH;
	ret = mvgpu_sim_cmd_length(dw[0], avail, avail, &len);
	if (ret)
		return ret;
	cmd->opcode = MVGPU_CMD_OPCODE(dw[0]);
	cmd->flags = MVGPU_CMD_FLAGS(dw[0]);
	cmd->dwords = len;

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return cmd->flags ? MVGPU_ERR_BAD_ARG : MVGPU_ERR_NONE;
	case MVGPU_OP_FENCE:
		return mvgpu_sim_decode_fence(dw, cmd);
	default:
		break;
	}
	/* Only FENCE defines flags. */
	if (cmd->flags)
		return MVGPU_ERR_BAD_ARG;

	switch (cmd->opcode) {
	case MVGPU_OP_FILL:
		return mvgpu_sim_decode_fill(dw, cmd);
	case MVGPU_OP_COPY:
		return mvgpu_sim_decode_copy(dw, cmd);
	case MVGPU_OP_BLIT:
		return mvgpu_sim_decode_blit(dw, cmd);
	case MVGPU_OP_TIMESTAMP:
		return mvgpu_sim_decode_timestamp(dw, cmd);
	case MVGPU_OP_WAIT:
		return mvgpu_sim_decode_wait(dw, cmd);
	case MVGPU_OP_SAXPY:
		return mvgpu_sim_decode_saxpy(dw, cmd);
	case MVGPU_OP_SGEMM:
		return mvgpu_sim_decode_sgemm(dw, cmd);
	default:
		return mvgpu_sim_decode_reduce(dw, cmd);
	}
}

/**
 * mvgpu_sim_cmd_wait_met() - whether a WAIT condition holds
 * @cond: MVGPU_WAIT_*
 * @mem: the 64-bit value read from memory
 * @value: the packet's operand
 *
 * Return: true when (@mem @cond @value) holds, comparisons unsigned.
 */
bool mvgpu_sim_cmd_wait_met(u32 cond, u64 mem, u64 value)
{
	switch (cond) {
	case MVGPU_WAIT_EQ:
		return mem == value;
	case MVGPU_WAIT_NE:
		return mem != value;
	case MVGPU_WAIT_GE:
		return mem >= value;
	default:
		return mem < value;
	}
}

/**
 * mvgpu_sim_fmt_bpp() - bytes per pixel of a BLIT format
 * @format: MVGPU_FMT_*
 *
 * Return: 1, 2 or 4, or 0 for an unknown format.
 */
u32 mvgpu_sim_fmt_bpp(u32 format)
{
	switch (format) {
	case MVGPU_FMT_ARGB8888:
	case MVGPU_FMT_XRGB8888:
		return 4;
	case MVGPU_FMT_RGB565:
		return 2;
	case MVGPU_FMT_R8:
		return 1;
	default:
		return 0;
	}
}

/**
 * struct mvgpu_sim_argb - a pixel in 8-bit channels
 * @a: alpha
 * @r: red
 * @g: green
 * @b: blue
 */
struct mvgpu_sim_argb {
	u8 a;
	u8 r;
	u8 g;
	u8 b;
};

static struct mvgpu_sim_argb mvgpu_sim_pixel_read(const u8 *p, u32 format)
{
	struct mvgpu_sim_argb px = { .a = 255 };
	u32 v, r5, g6, b5;

	switch (format) {
	case MVGPU_FMT_ARGB8888:
	case MVGPU_FMT_XRGB8888:
		if (format == MVGPU_FMT_ARGB8888)
			px.a = p[3];
		px.r = p[2];
		px.g = p[1];
		px.b = p[0];
		break;
	case MVGPU_FMT_RGB565:
		v = p[0] | p[1] << 8;
		r5 = v >> 11;
		g6 = (v >> 5) & 0x3f;
		b5 = v & 0x1f;
		px.r = r5 << 3 | r5 >> 2;
		px.g = g6 << 2 | g6 >> 4;
		px.b = b5 << 3 | b5 >> 2;
		break;
	default:
		px.r = p[0];
		px.g = p[0];
		px.b = p[0];
		break;
	}
	return px;
}

static void mvgpu_sim_pixel_write(u8 *p, u32 format, struct mvgpu_sim_argb px)
{
	u32 v;

	switch (format) {
	case MVGPU_FMT_ARGB8888:
	case MVGPU_FMT_XRGB8888:
		p[0] = px.b;
		p[1] = px.g;
		p[2] = px.r;
		p[3] = format == MVGPU_FMT_ARGB8888 ? px.a : 0xff;
		break;
	case MVGPU_FMT_RGB565:
		v = (px.r >> 3) << 11 | (px.g >> 2) << 5 | px.b >> 3;
		p[0] = v & 0xff;
		p[1] = v >> 8;
		break;
	default:
		p[0] = px.r;
		break;
	}
}

static u8 mvgpu_sim_blend_channel(u32 s, u32 d, u32 a)
{
	return (s * a + d * (255 - a) + 127) / 255;
}

/**
 * mvgpu_sim_blit_span() - convert or blend a run of pixels
 * @dst: destination pixels; for MVGPU_BLIT_BLEND they hold the current
 *	destination on entry
 * @src: source pixels
 * @pixels: pixels in the run
 * @dst_format: MVGPU_FMT_* of @dst
 * @src_format: MVGPU_FMT_* of @src
 * @op: MVGPU_BLIT_*, BLEND only from ARGB8888
 *
 * See "Pixel formats" for the arithmetic.
 */
void mvgpu_sim_blit_span(u8 *dst, const u8 *src, u32 pixels, u32 dst_format,
			 u32 src_format, u32 op)
{
	u32 dbpp = mvgpu_sim_fmt_bpp(dst_format);
	u32 sbpp = mvgpu_sim_fmt_bpp(src_format);
	struct mvgpu_sim_argb s, d;
	u32 i;

	for (i = 0; i < pixels; i++, dst += dbpp, src += sbpp) {
		s = mvgpu_sim_pixel_read(src, src_format);
		if (op == MVGPU_BLIT_BLEND) {
			d = mvgpu_sim_pixel_read(dst, dst_format);
			d.r = mvgpu_sim_blend_channel(s.r, d.r, s.a);
			d.g = mvgpu_sim_blend_channel(s.g, d.g, s.a);
			d.b = mvgpu_sim_blend_channel(s.b, d.b, s.a);
			d.a = mvgpu_sim_blend_channel(255, d.a, s.a);
			s = d;
		}
		mvgpu_sim_pixel_write(dst, dst_format, s);
	}
}

/**
 * mvgpu_sim_fill_pattern() - lay a FILL pattern into a buffer
 * @buf: the buffer
 * @len: bytes to fill
 * @value: the packet's little-endian 32-bit pattern
 * @offset: byte offset of @buf inside the FILL range
 *
 * Byte i of @buf gets byte ((@offset + i) % 4) of @value.
 */
void mvgpu_sim_fill_pattern(u8 *buf, u32 len, u32 value, u64 offset)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = value >> (8 * ((offset + i) & 3));
}
