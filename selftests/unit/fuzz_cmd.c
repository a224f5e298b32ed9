// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the packet decoder (mvgpu_packet.c) and the
 * simulated pGPU's BLIT arithmetic (mvgpu_sim_cmd.c): command packets from
 * a guest ring.
 *
 * Input: one byte of ring layout, then dwords (little-endian) that form a
 * ring. The target walks it like an engine: at each position it checks the
 * header against the dwords left before the tail and before the ring's end
 * (mvgpu_packet_length()), then decodes from a heap buffer holding exactly
 * the dwords available (so ASan catches any read past them), moving past a
 * packet when it is accepted and by one dword otherwise.
 *
 * Layout byte: bits 6:0 place the tail (0: at the ring's end), bit 7 asks
 * for headers to be repaired before decoding (opcode taken modulo the known
 * ones, exact length, flags reduced to bits 0 and 7), so that the argument
 * checks of every opcode are reached quickly rather than after the fuzzer
 * has guessed opcode and length together.
 *
 * Checked: the two entry points agree; decoding reads nothing past the
 * packet (trailing dwords do not change the result); every accepted packet
 * satisfies the rules of "Packet validation" (known opcode, exact length,
 * flags, alignment, no range past 2^64, no forbidden overlap, strides,
 * formats); and BLIT pixel conversion of an accepted packet stays inside
 * its buffers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_sim_cmd.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* [addr, addr + size) fits below 2^64; gives its end. */
static bool fits(u64 addr, u64 size, u64 *end)
{
	return !__builtin_add_overflow(addr, size, end);
}

static bool disjoint(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a == a_end || b == b_end || a_end <= b || b_end <= a;
}

/* Rows of @row_bytes, @pitch apart, from @addr: end without wrapping. */
static bool extent(u64 addr, u64 rows, u64 pitch, u64 row_bytes, u64 *end)
{
	unsigned __int128 bytes = 0;

	if (rows && row_bytes)
		bytes = (unsigned __int128)(rows - 1) * pitch + row_bytes;
	if (bytes + addr > U64_MAX)
		return false;
	*end = addr + (u64)bytes;
	return true;
}

static u32 op_size(u32 op)
{
	switch (op) {
	case MVGPU_OP_NOP: return 1;
	case MVGPU_OP_FENCE: return 5;
	case MVGPU_OP_FILL: return 6;
	case MVGPU_OP_COPY: return 7;
	case MVGPU_OP_BLIT: return 11;
	case MVGPU_OP_TIMESTAMP: return 3;
	case MVGPU_OP_WAIT: return 6;
	case MVGPU_OP_SAXPY: return 7;
	case MVGPU_OP_SGEMM: return 15;
	case MVGPU_OP_REDUCE: return 7;
	default: return 0;
	}
}

static const u32 known_ops[] = {
	MVGPU_OP_NOP, MVGPU_OP_FENCE, MVGPU_OP_FILL, MVGPU_OP_COPY,
	MVGPU_OP_BLIT, MVGPU_OP_TIMESTAMP, MVGPU_OP_WAIT, MVGPU_OP_SAXPY,
	MVGPU_OP_SGEMM, MVGPU_OP_REDUCE,
};

/* A header with a known opcode and its exact length (NOP: 1-64). */
static u32 repair_header(u32 h)
{
	u32 op = known_ops[(h & 0xff) % ARRAY_SIZE(known_ops)];
	u32 len = op == MVGPU_OP_NOP ? (h >> 16) % MVGPU_CMD_MAX_DWORDS + 1 :
				       op_size(op);

	return MVGPU_CMD_HEADER(op, (h >> 8) & 0x81, len);
}

static void check_blit_pixels(const struct mvgpu_packet *cmd,
			      const u8 *data, size_t size)
{
	u32 n = cmd->blit.width < 9 ? cmd->blit.width : 9;
	u32 sbpp = mvgpu_packet_fmt_bpp(cmd->blit.src_format);
	u32 dbpp = mvgpu_packet_fmt_bpp(cmd->blit.dst_format);
	u8 *src = malloc(n * sbpp + 1), *dst = malloc(n * dbpp + 1);
	u32 i;

	for (i = 0; i < n * sbpp; i++)
		src[i] = size ? data[i % size] : i;
	for (i = 0; i < n * dbpp; i++)
		dst[i] = size ? data[(i * 7) % size] : i;
	/* Exactly sized buffers: ASan checks the span stays inside. */
	mvgpu_sim_blit_span(dst, src, n, cmd->blit.dst_format,
			    cmd->blit.src_format, cmd->blit.op);
	if (cmd->blit.op == MVGPU_BLIT_COPY && n &&
	    cmd->blit.dst_format == MVGPU_FMT_ARGB8888 &&
	    cmd->blit.src_format == MVGPU_FMT_ARGB8888)
		CHECK(!memcmp(dst, src, n * 4));
	free(src);
	free(dst);
}

static void check_accepted(const struct mvgpu_packet *cmd, u32 avail,
			   const u8 *data, size_t size)
{
	u64 e1, e2, e3;

	CHECK(op_size(cmd->opcode));
	CHECK(cmd->dwords <= avail && cmd->dwords <= MVGPU_CMD_MAX_DWORDS);
	if (cmd->opcode == MVGPU_OP_NOP)
		CHECK(cmd->dwords >= 1);
	else
		CHECK(cmd->dwords == op_size(cmd->opcode));
	CHECK(cmd->opcode == MVGPU_OP_FENCE ? !(cmd->flags & ~MVGPU_FENCE_IRQ) :
					      !cmd->flags);

	switch (cmd->opcode) {
	case MVGPU_OP_FENCE:
		CHECK(!(cmd->fence.addr & 7) && fits(cmd->fence.addr, 8, &e1));
		CHECK(cmd->fence.irq == !!(cmd->flags & MVGPU_FENCE_IRQ));
		break;
	case MVGPU_OP_TIMESTAMP:
		CHECK(!(cmd->timestamp.addr & 7) &&
		      fits(cmd->timestamp.addr, 8, &e1));
		break;
	case MVGPU_OP_WAIT:
		CHECK(!(cmd->wait.addr & 7) && fits(cmd->wait.addr, 8, &e1));
		CHECK(cmd->wait.cond <= MVGPU_WAIT_LT);
		break;
	case MVGPU_OP_FILL:
		CHECK(fits(cmd->fill.dst, cmd->fill.size, &e1));
		break;
	case MVGPU_OP_COPY:
		CHECK(fits(cmd->copy.dst, cmd->copy.size, &e1));
		CHECK(fits(cmd->copy.src, cmd->copy.size, &e2));
		CHECK(disjoint(cmd->copy.dst, e1, cmd->copy.src, e2));
		break;
	case MVGPU_OP_BLIT: {
		u32 sbpp = mvgpu_packet_fmt_bpp(cmd->blit.src_format);
		u32 dbpp = mvgpu_packet_fmt_bpp(cmd->blit.dst_format);

		CHECK(sbpp && dbpp);
		CHECK(cmd->blit.op == MVGPU_BLIT_COPY ||
		      (cmd->blit.op == MVGPU_BLIT_BLEND &&
		       cmd->blit.src_format == MVGPU_FMT_ARGB8888));
		CHECK(cmd->blit.src_stride >= (u64)cmd->blit.width * sbpp);
		CHECK(cmd->blit.dst_stride >= (u64)cmd->blit.width * dbpp);
		CHECK(extent(cmd->blit.src, cmd->blit.height,
			     cmd->blit.src_stride,
			     (u64)cmd->blit.width * sbpp, &e1));
		CHECK(extent(cmd->blit.dst, cmd->blit.height,
			     cmd->blit.dst_stride,
			     (u64)cmd->blit.width * dbpp, &e1));
		check_blit_pixels(cmd, data, size);
		break;
	}
	case MVGPU_OP_SAXPY:
		CHECK(!(cmd->saxpy.x & 3) && !(cmd->saxpy.y & 3));
		CHECK(fits(cmd->saxpy.x, (u64)cmd->saxpy.n * 4, &e1));
		CHECK(fits(cmd->saxpy.y, (u64)cmd->saxpy.n * 4, &e2));
		CHECK(cmd->saxpy.x == cmd->saxpy.y ||
		      disjoint(cmd->saxpy.x, e1, cmd->saxpy.y, e2));
		break;
	case MVGPU_OP_SGEMM:
		CHECK(!((cmd->sgemm.a | cmd->sgemm.b | cmd->sgemm.c) & 3));
		CHECK(cmd->sgemm.lda >= cmd->sgemm.k &&
		      cmd->sgemm.ldb >= cmd->sgemm.n &&
		      cmd->sgemm.ldc >= cmd->sgemm.n);
		CHECK(extent(cmd->sgemm.a, cmd->sgemm.m, (u64)cmd->sgemm.lda * 4,
			     (u64)cmd->sgemm.k * 4, &e1));
		CHECK(extent(cmd->sgemm.b, cmd->sgemm.k, (u64)cmd->sgemm.ldb * 4,
			     (u64)cmd->sgemm.n * 4, &e2));
		CHECK(extent(cmd->sgemm.c, cmd->sgemm.m, (u64)cmd->sgemm.ldc * 4,
			     (u64)cmd->sgemm.n * 4, &e3));
		CHECK(disjoint(cmd->sgemm.c, e3, cmd->sgemm.a, e1));
		CHECK(disjoint(cmd->sgemm.c, e3, cmd->sgemm.b, e2));
		break;
	case MVGPU_OP_REDUCE:
		CHECK(cmd->reduce.op == MVGPU_REDUCE_SUM);
		CHECK(!(cmd->reduce.src & 3) && !(cmd->reduce.dst & 3));
		CHECK(fits(cmd->reduce.src, (u64)cmd->reduce.n * 4, &e1));
		CHECK(fits(cmd->reduce.dst, 4, &e2));
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u32 nd, ring, tail, pos, i;
	u8 layout;
	u32 *dw;

	if (!size)
		return 0;
	layout = data[0];
	data++;
	size--;
	nd = size / 4;
	if (!nd)
		return 0;
	dw = malloc(nd * 4);
	for (i = 0; i < nd; i++)
		dw[i] = data[4 * i] | data[4 * i + 1] << 8 |
			data[4 * i + 2] << 16 | (u32)data[4 * i + 3] << 24;
	/* The ring holds all dwords; the tail is somewhere inside it. */
	ring = nd;
	tail = (layout & 0x7f) * nd / 128;
	if (!tail)
		tail = nd;

	for (pos = 0; pos < tail;) {
		u32 avail_tail = tail - pos, avail_end = ring - pos;
		u32 avail = avail_tail < avail_end ? avail_tail : avail_end;
		struct mvgpu_packet cmd, again;
		u32 len = 0, hret, ret, *buf;

		if (layout & 0x80)
			dw[pos] = repair_header(dw[pos]);
		hret = mvgpu_packet_length(dw[pos], avail_tail, avail_end,
					   &len);
		if (hret == MVGPU_ERR_NONE) {
			/* Exactly the packet, on the heap. */
			buf = malloc(len * 4);
			memcpy(buf, dw + pos, len * 4);
			ret = mvgpu_packet_decode(buf, len, &cmd);
			free(buf);
			CHECK(ret == MVGPU_ERR_NONE || ret == MVGPU_ERR_BAD_ARG);
			/* All available dwords: same answer. */
			buf = malloc(avail * 4);
			memcpy(buf, dw + pos, avail * 4);
			CHECK(mvgpu_packet_decode(buf, avail, &again) == ret);
			free(buf);
			if (ret == MVGPU_ERR_NONE) {
				CHECK(again.dwords == len);
				CHECK(!memcmp(&cmd, &again, sizeof(cmd)));
				check_accepted(&cmd, avail, data, size);
				pos += len;
				continue;
			}
		} else {
			CHECK(hret == MVGPU_ERR_BAD_OPCODE ||
			      hret == MVGPU_ERR_BAD_LENGTH);
			buf = malloc(avail * 4);
			memcpy(buf, dw + pos, avail * 4);
			ret = mvgpu_packet_decode(buf, avail, &cmd);
			free(buf);
			CHECK(ret == hret);
		}
		pos++;
	}
	free(dw);
	return 0;
}
