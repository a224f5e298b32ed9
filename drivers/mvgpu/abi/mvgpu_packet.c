// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoder of the mvgpu command packet format (uapi/mvgpu/mvgpu_cmds.h).
 *
 * The device and the guest driver must agree on which packets are valid,
 * so both use this one unit: the simulated pGPU decodes a packet with it
 * before executing it, and the guest driver refuses at submit time
 * exactly the packets the device would refuse at run time. Each module
 * links its own copy of the object. Pure logic on values already read
 * from memory: the userspace unit tests and fuzzers build it unchanged.
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

#include <linux/overflow.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

#include <mvgpu/mvgpu_packet.h>

/* Dword index of a field of a uapi packet struct. */
#define MVGPU_PACKET_DW(type, field)	(offsetof(struct type, field) / 4)

/* A 32-bit field of a packet. */
#define MVGPU_PACKET_U32(dw, type, field)	((dw)[MVGPU_PACKET_DW(type, field)])

/* A 64-bit field of a packet: two dwords, low one first. */
#define MVGPU_PACKET_U64(dw, type, field)	\
	mvgpu_packet_dw64(dw, MVGPU_PACKET_DW(type, field))

static u64 mvgpu_packet_dw64(const u32 *dw, size_t index)
{
	return dw[index] | (u64)dw[index + 1] << 32;
}

static u32 mvgpu_packet_size(u32 opcode)
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
 * mvgpu_packet_length() - check a packet header against the ring
 * @header: the first dword of the packet, CPU order
 * @avail_tail: dwords between the packet and the tail
 * @avail_end: dwords between the packet and the ring's end
 * @dwords: the packet's length, set when the header is valid
 *
 * Return: MVGPU_ERR_NONE, MVGPU_ERR_BAD_OPCODE or MVGPU_ERR_BAD_LENGTH.
 */
u32 mvgpu_packet_length(u32 header, u32 avail_tail, u32 avail_end,
			u32 *dwords)
{
	u32 opcode = MVGPU_CMD_OPCODE(header);
	u32 len = MVGPU_CMD_DWORDS(header);
	u32 size = mvgpu_packet_size(opcode);

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
static bool mvgpu_packet_range(u64 addr, u64 size, u64 *end)
{
	return !check_add_overflow(addr, size, end);
}

/* Bytes spanned by @rows rows of @row_bytes, @pitch bytes apart. */
static bool mvgpu_packet_extent(u64 rows, u64 pitch, u64 row_bytes, u64 *bytes)
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
static bool mvgpu_packet_overlap(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < a_end && b < b_end && a < b_end && b < a_end;
}

static bool mvgpu_packet_aligned(u64 addr, u64 align)
{
	return !(addr & (align - 1));
}

static u32 mvgpu_packet_decode_fence(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 end;

	cmd->fence.addr = MVGPU_PACKET_U64(dw, mvgpu_cmd_fence, addr);
	cmd->fence.value = MVGPU_PACKET_U64(dw, mvgpu_cmd_fence, value);
	cmd->fence.irq = cmd->flags & MVGPU_FENCE_IRQ;
	if (cmd->flags & ~MVGPU_FENCE_IRQ ||
	    !mvgpu_packet_aligned(cmd->fence.addr, 8) ||
	    !mvgpu_packet_range(cmd->fence.addr, 8, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_packet_decode_fill(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 end;

	cmd->fill.dst = MVGPU_PACKET_U64(dw, mvgpu_cmd_fill, dst);
	cmd->fill.size = MVGPU_PACKET_U64(dw, mvgpu_cmd_fill, size);
	cmd->fill.value = MVGPU_PACKET_U32(dw, mvgpu_cmd_fill, value);
	if (!mvgpu_packet_range(cmd->fill.dst, cmd->fill.size, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_packet_decode_copy(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 dst_end, src_end;

	cmd->copy.dst = MVGPU_PACKET_U64(dw, mvgpu_cmd_copy, dst);
	cmd->copy.src = MVGPU_PACKET_U64(dw, mvgpu_cmd_copy, src);
	cmd->copy.size = MVGPU_PACKET_U64(dw, mvgpu_cmd_copy, size);
	if (!mvgpu_packet_range(cmd->copy.dst, cmd->copy.size, &dst_end) ||
	    !mvgpu_packet_range(cmd->copy.src, cmd->copy.size, &src_end) ||
	    mvgpu_packet_overlap(cmd->copy.dst, dst_end, cmd->copy.src, src_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* One side of a blit: format known, stride wide enough, range in 2^64. */
static bool mvgpu_packet_blit_side_ok(u64 addr, u32 stride, u32 width,
				      u32 height, u32 format)
{
	u32 bpp = mvgpu_packet_fmt_bpp(format);
	u64 row_bytes = (u64)width * bpp;
	u64 bytes, end;

	return bpp && stride >= row_bytes &&
	       mvgpu_packet_extent(height, stride, row_bytes, &bytes) &&
	       mvgpu_packet_range(addr, bytes, &end);
}

static u32 mvgpu_packet_decode_blit(const u32 *dw, struct mvgpu_packet *cmd)
{
	u32 format = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, format);

	cmd->blit.dst = MVGPU_PACKET_U64(dw, mvgpu_cmd_blit, dst);
	cmd->blit.src = MVGPU_PACKET_U64(dw, mvgpu_cmd_blit, src);
	cmd->blit.dst_stride = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, dst_stride);
	cmd->blit.src_stride = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, src_stride);
	cmd->blit.width = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, width);
	cmd->blit.height = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, height);
	cmd->blit.dst_format = format & 0xff;
	cmd->blit.src_format = (format >> 8) & 0xff;
	cmd->blit.op = MVGPU_PACKET_U32(dw, mvgpu_cmd_blit, op);

	if (format >> 16)
		return MVGPU_ERR_BAD_ARG;
	if (cmd->blit.op != MVGPU_BLIT_COPY && cmd->blit.op != MVGPU_BLIT_BLEND)
		return MVGPU_ERR_BAD_ARG;
	if (cmd->blit.op == MVGPU_BLIT_BLEND &&
	    cmd->blit.src_format != MVGPU_FMT_ARGB8888)
		return MVGPU_ERR_BAD_ARG;
	if (!mvgpu_packet_blit_side_ok(cmd->blit.dst, cmd->blit.dst_stride,
				       cmd->blit.width, cmd->blit.height,
				       cmd->blit.dst_format) ||
	    !mvgpu_packet_blit_side_ok(cmd->blit.src, cmd->blit.src_stride,
				       cmd->blit.width, cmd->blit.height,
				       cmd->blit.src_format))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_packet_decode_timestamp(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 end;

	cmd->timestamp.addr = MVGPU_PACKET_U64(dw, mvgpu_cmd_timestamp, addr);
	if (!mvgpu_packet_aligned(cmd->timestamp.addr, 8) ||
	    !mvgpu_packet_range(cmd->timestamp.addr, 8, &end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_packet_decode_wait(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 end;

	cmd->wait.addr = MVGPU_PACKET_U64(dw, mvgpu_cmd_wait, addr);
	cmd->wait.value = MVGPU_PACKET_U64(dw, mvgpu_cmd_wait, value);
	cmd->wait.cond = MVGPU_PACKET_U32(dw, mvgpu_cmd_wait, cond);
	if (!mvgpu_packet_aligned(cmd->wait.addr, 8) ||
	    !mvgpu_packet_range(cmd->wait.addr, 8, &end) ||
	    cmd->wait.cond > MVGPU_WAIT_LT)
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* An fp32 vector of @n elements: aligned and within 2^64. */
static bool mvgpu_packet_vector_ok(u64 addr, u32 n, u64 *end)
{
	return mvgpu_packet_aligned(addr, 4) &&
	       mvgpu_packet_range(addr, (u64)n * 4, end);
}

static u32 mvgpu_packet_decode_saxpy(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 x_end, y_end;

	cmd->saxpy.n = MVGPU_PACKET_U32(dw, mvgpu_cmd_saxpy, n);
	cmd->saxpy.a = MVGPU_PACKET_U32(dw, mvgpu_cmd_saxpy, a);
	cmd->saxpy.x = MVGPU_PACKET_U64(dw, mvgpu_cmd_saxpy, x);
	cmd->saxpy.y = MVGPU_PACKET_U64(dw, mvgpu_cmd_saxpy, y);
	if (!mvgpu_packet_vector_ok(cmd->saxpy.x, cmd->saxpy.n, &x_end) ||
	    !mvgpu_packet_vector_ok(cmd->saxpy.y, cmd->saxpy.n, &y_end))
		return MVGPU_ERR_BAD_ARG;
	if (cmd->saxpy.x != cmd->saxpy.y &&
	    mvgpu_packet_overlap(cmd->saxpy.x, x_end, cmd->saxpy.y, y_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/* A row-major fp32 matrix: aligned, ld >= cols, within 2^64. */
static bool mvgpu_packet_matrix_ok(u64 addr, u32 rows, u32 cols, u32 ld,
				   u64 *end)
{
	u64 bytes;

	return mvgpu_packet_aligned(addr, 4) && ld >= cols &&
	       mvgpu_packet_extent(rows, (u64)ld * 4, (u64)cols * 4, &bytes) &&
	       mvgpu_packet_range(addr, bytes, end);
}

static u32 mvgpu_packet_decode_sgemm(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 a_end, b_end, c_end;

	cmd->sgemm.m = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, m);
	cmd->sgemm.n = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, n);
	cmd->sgemm.k = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, k);
	cmd->sgemm.alpha = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, alpha);
	cmd->sgemm.beta = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, beta);
	cmd->sgemm.a = MVGPU_PACKET_U64(dw, mvgpu_cmd_sgemm, a);
	cmd->sgemm.b = MVGPU_PACKET_U64(dw, mvgpu_cmd_sgemm, b);
	cmd->sgemm.c = MVGPU_PACKET_U64(dw, mvgpu_cmd_sgemm, c);
	cmd->sgemm.lda = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, lda);
	cmd->sgemm.ldb = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, ldb);
	cmd->sgemm.ldc = MVGPU_PACKET_U32(dw, mvgpu_cmd_sgemm, ldc);

	if (!mvgpu_packet_matrix_ok(cmd->sgemm.a, cmd->sgemm.m, cmd->sgemm.k,
				    cmd->sgemm.lda, &a_end) ||
	    !mvgpu_packet_matrix_ok(cmd->sgemm.b, cmd->sgemm.k, cmd->sgemm.n,
				    cmd->sgemm.ldb, &b_end) ||
	    !mvgpu_packet_matrix_ok(cmd->sgemm.c, cmd->sgemm.m, cmd->sgemm.n,
				    cmd->sgemm.ldc, &c_end))
		return MVGPU_ERR_BAD_ARG;
	/* Empty A or B (k = 0) is never read; an empty C is never written. */
	if (mvgpu_packet_overlap(cmd->sgemm.c, c_end, cmd->sgemm.a, a_end) ||
	    mvgpu_packet_overlap(cmd->sgemm.c, c_end, cmd->sgemm.b, b_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

static u32 mvgpu_packet_decode_reduce(const u32 *dw, struct mvgpu_packet *cmd)
{
	u64 src_end, dst_end;

	cmd->reduce.n = MVGPU_PACKET_U32(dw, mvgpu_cmd_reduce, n);
	cmd->reduce.op = MVGPU_PACKET_U32(dw, mvgpu_cmd_reduce, op);
	cmd->reduce.src = MVGPU_PACKET_U64(dw, mvgpu_cmd_reduce, src);
	cmd->reduce.dst = MVGPU_PACKET_U64(dw, mvgpu_cmd_reduce, dst);
	if (cmd->reduce.op != MVGPU_REDUCE_SUM ||
	    !mvgpu_packet_vector_ok(cmd->reduce.src, cmd->reduce.n, &src_end) ||
	    !mvgpu_packet_vector_ok(cmd->reduce.dst, 1, &dst_end))
		return MVGPU_ERR_BAD_ARG;
	return MVGPU_ERR_NONE;
}

/**
 * mvgpu_packet_decode() - decode and validate one command packet
 * @dw: the packet's dwords in CPU order, header first
 * @avail: dwords readable at @dw; the packet must fit in them
 * @cmd: the decoded packet, valid when MVGPU_ERR_NONE is returned
 *
 * Reads no more than @avail dwords, and only as many as the header
 * announces. See "Packet validation" for the rules.
 *
 * Return: MVGPU_ERR_NONE or the MVGPU_ERR_* of the first rule broken.
 */
u32 mvgpu_packet_decode(const u32 *dw, u32 avail, struct mvgpu_packet *cmd)
{
	u32 len, ret;

	memset(cmd, 0, sizeof(*cmd));
	if (!avail)
		return MVGPU_ERR_BAD_LENGTH;
	ret = mvgpu_packet_length(dw[0], avail, avail, &len);
	if (ret)
		return ret;
	cmd->opcode = MVGPU_CMD_OPCODE(dw[0]);
	cmd->flags = MVGPU_CMD_FLAGS(dw[0]);
	cmd->dwords = len;

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return cmd->flags ? MVGPU_ERR_BAD_ARG : MVGPU_ERR_NONE;
	case MVGPU_OP_FENCE:
		return mvgpu_packet_decode_fence(dw, cmd);
	default:
		break;
	}
	/* Only FENCE defines flags. */
	if (cmd->flags)
		return MVGPU_ERR_BAD_ARG;

	switch (cmd->opcode) {
	case MVGPU_OP_FILL:
		return mvgpu_packet_decode_fill(dw, cmd);
	case MVGPU_OP_COPY:
		return mvgpu_packet_decode_copy(dw, cmd);
	case MVGPU_OP_BLIT:
		return mvgpu_packet_decode_blit(dw, cmd);
	case MVGPU_OP_TIMESTAMP:
		return mvgpu_packet_decode_timestamp(dw, cmd);
	case MVGPU_OP_WAIT:
		return mvgpu_packet_decode_wait(dw, cmd);
	case MVGPU_OP_SAXPY:
		return mvgpu_packet_decode_saxpy(dw, cmd);
	case MVGPU_OP_SGEMM:
		return mvgpu_packet_decode_sgemm(dw, cmd);
	default:
		return mvgpu_packet_decode_reduce(dw, cmd);
	}
}

/**
 * mvgpu_packet_fmt_bpp() - bytes per pixel of a BLIT format
 * @format: MVGPU_FMT_*
 *
 * Return: 1, 2 or 4, or 0 for an unknown format.
 */
u32 mvgpu_packet_fmt_bpp(u32 format)
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
