// SPDX-License-Identifier: GPL-2.0-only
/*
 * Submit validation of the mvgpu guest driver.
 */

/**
 * DOC: Command validation
 *
 * The driver copies a submit's packets into a queue's ring only when each
 * of them is well formed by the rules of the device (the packet decoder
 * the simulated pGPU runs, mvgpu_packet_decode(), is the reference: a
 * packet it refuses would stop the queue) and every byte every packet
 * reads or writes lies inside a single object of the submit's buffer list.
 * A range of 0 bytes touches nothing and is always accepted. The extents
 * are the decoder's: BLIT covers (height - 1) * stride + width * pixel
 * size bytes from its first pixel, SGEMM ((rows - 1) * ld + columns) * 4
 * bytes of each matrix, FENCE, TIMESTAMP and WAIT 8 bytes, SAXPY and
 * REDUCE n * 4 bytes of each vector and 4 bytes of the REDUCE result. So a
 * guest process cannot make its queue fault on memory it does not own, nor
 * reach other processes' objects, through this driver.
 */

#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/types.h>

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_drm_validate.h"

/* [addr, addr + size) inside one of @ranges (size 0: always). */
static bool mvdrm_validate_range(u64 addr, u64 size,
				 const struct mvdrm_va_range *ranges,
				 u32 nranges)
{
	u64 end, range_end;
	u32 i;

	if (!size)
		return true;
	if (check_add_overflow(addr, size, &end))
		return false;
	for (i = 0; i < nranges; i++) {
		if (check_add_overflow(ranges[i].start, ranges[i].size,
				       &range_end))
			continue;
		if (addr >= ranges[i].start && end <= range_end)
			return true;
	}
	return false;
}

/* Bytes of a 2D extent, as the decoder computes it; false on overflow. */
static bool mvdrm_validate_extent(u64 rows, u64 pitch, u64 row_bytes,
				  u64 *bytes)
{
	u64 span;

	if (!rows || !row_bytes) {
		*bytes = 0;
		return true;
	}
	if (check_mul_overflow(rows - 1, pitch, &span) ||
	    check_add_overflow(span, row_bytes, bytes))
		return false;
	return true;
}

static bool mvdrm_validate_blit(const struct mvgpu_packet *cmd,
				const struct mvdrm_va_range *ranges,
				u32 nranges)
{
	u64 dst_bytes, src_bytes;
	u64 dst_row = (u64)cmd->blit.width *
		      mvgpu_packet_fmt_bpp(cmd->blit.dst_format);
	u64 src_row = (u64)cmd->blit.width *
		      mvgpu_packet_fmt_bpp(cmd->blit.src_format);

	if (!mvdrm_validate_extent(cmd->blit.height, cmd->blit.dst_stride,
				   dst_row, &dst_bytes) ||
	    !mvdrm_validate_extent(cmd->blit.height, cmd->blit.src_stride,
				   src_row, &src_bytes))
		return false;
	return mvdrm_validate_range(cmd->blit.dst, dst_bytes, ranges,
				    nranges) &&
	       mvdrm_validate_range(cmd->blit.src, src_bytes, ranges, nranges);
}

static bool mvdrm_validate_matrix(u64 addr, u32 rows, u32 cols, u32 ld,
				  const struct mvdrm_va_range *ranges,
				  u32 nranges)
{
	u64 bytes;

	if (!mvdrm_validate_extent(rows, (u64)ld * 4, (u64)cols * 4, &bytes))
		return false;
	return mvdrm_validate_range(addr, bytes, ranges, nranges);
}

static bool mvdrm_validate_sgemm(const struct mvgpu_packet *cmd,
				 const struct mvdrm_va_range *ranges,
				 u32 nranges)
{
	return mvdrm_validate_matrix(cmd->sgemm.a, cmd->sgemm.m, cmd->sgemm.k,
				     cmd->sgemm.lda, ranges, nranges) &&
	       mvdrm_validate_matrix(cmd->sgemm.b, cmd->sgemm.k, cmd->sgemm.n,
				     cmd->sgemm.ldb, ranges, nranges) &&
	       mvdrm_validate_matrix(cmd->sgemm.c, cmd->sgemm.m, cmd->sgemm.n,
				     cmd->sgemm.ldc, ranges, nranges);
}

/* The memory one decoded packet touches lies inside the buffer list. */
static bool mvdrm_validate_packet(const struct mvgpu_packet *cmd,
				  const struct mvdrm_va_range *ranges,
				  u32 nranges)
{
	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return true;
	case MVGPU_OP_FENCE:
		return mvdrm_validate_range(cmd->fence.addr, 8, ranges, nranges);
	case MVGPU_OP_FILL:
		return mvdrm_validate_range(cmd->fill.dst, cmd->fill.size,
					    ranges, nranges);
	case MVGPU_OP_COPY:
		return mvdrm_validate_range(cmd->copy.dst, cmd->copy.size,
					    ranges, nranges) &&
		       mvdrm_validate_range(cmd->copy.src, cmd->copy.size,
					    ranges, nranges);
	case MVGPU_OP_BLIT:
		return mvdrm_validate_blit(cmd, ranges, nranges);
	case MVGPU_OP_TIMESTAMP:
		return mvdrm_validate_range(cmd->timestamp.addr, 8, ranges,
					    nranges);
	case MVGPU_OP_WAIT:
		return mvdrm_validate_range(cmd->wait.addr, 8, ranges, nranges);
	case MVGPU_OP_SAXPY:
		return mvdrm_validate_range(cmd->saxpy.x, (u64)cmd->saxpy.n * 4,
					    ranges, nranges) &&
		       mvdrm_validate_range(cmd->saxpy.y, (u64)cmd->saxpy.n * 4,
					    ranges, nranges);
	case MVGPU_OP_SGEMM:
		return mvdrm_validate_sgemm(cmd, ranges, nranges);
	case MVGPU_OP_REDUCE:
		return mvdrm_validate_range(cmd->reduce.src,
					    (u64)cmd->reduce.n * 4, ranges,
					    nranges) &&
		       mvdrm_validate_range(cmd->reduce.dst, 4, ranges, nranges);
	default:
		return false;
	}
}

/**
 * mvdrm_validate_commands() - check a submit's command packets
 * @dw: the packets' dwords in CPU order
 * @count: dwords at @dw; the last packet must end exactly at @count
 * @ranges: GPU virtual address ranges of the submit's buffer objects
 * @nranges: entries in @ranges
 * @bad_dword: set to the dword index of the first refused packet
 *
 * See "Command validation".
 *
 * Return: 0 when every packet is well formed and stays inside @ranges,
 * -EINVAL otherwise (also for @count 0).
 */
int mvdrm_validate_commands(const u32 *dw, u32 count,
			    const struct mvdrm_va_range *ranges, u32 nranges,
			    u32 *bad_dword)
{
	struct mvgpu_packet cmd;
	u32 pos = 0;

	*bad_dword = 0;
	if (!count)
		return -EINVAL;
	while (pos < count) {
		*bad_dword = pos;
		if (mvgpu_packet_decode(dw + pos, count - pos, &cmd) !=
		    MVGPU_ERR_NONE)
			return -EINVAL;
		if (!mvdrm_validate_packet(&cmd, ranges, nranges))
			return -EINVAL;
		pos += cmd.dwords;
	}
	return 0;
}
