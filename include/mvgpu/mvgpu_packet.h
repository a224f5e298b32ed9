/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoder of the mvgpu command packet format (uapi/mvgpu/mvgpu_cmds.h),
 * shared by the device side (mvgpu_sim) and the guest driver; each module
 * links its own copy of drivers/mvgpu/abi/mvgpu_packet.c.
 *
 * Pure logic on values already read from memory: no kernel framework
 * headers, so the userspace unit tests and fuzzers build it unchanged.
 */
#ifndef _MVGPU_PACKET_H_
#define _MVGPU_PACKET_H_

#include <linux/types.h>

#include <uapi/mvgpu/mvgpu_cmds.h>

/**
 * struct mvgpu_packet - a decoded, validated command packet
 * @opcode: MVGPU_OP_*
 * @flags: header flags (only FENCE has any)
 * @dwords: packet length in dwords, header included
 * @fence: MVGPU_OP_FENCE arguments
 * @fence.addr: 8-byte aligned destination
 * @fence.value: value written
 * @fence.irq: MVGPU_FENCE_IRQ was set
 * @fill: MVGPU_OP_FILL arguments
 * @fill.dst: destination
 * @fill.size: bytes
 * @fill.value: little-endian 32-bit pattern
 * @copy: MVGPU_OP_COPY arguments
 * @copy.dst: destination
 * @copy.src: source, not overlapping the destination
 * @copy.size: bytes
 * @blit: MVGPU_OP_BLIT arguments
 * @blit.dst: first destination pixel
 * @blit.src: first source pixel
 * @blit.dst_stride: bytes between destination rows
 * @blit.src_stride: bytes between source rows
 * @blit.width: pixels per row
 * @blit.height: rows
 * @blit.dst_format: MVGPU_FMT_* of the destination
 * @blit.src_format: MVGPU_FMT_* of the source
 * @blit.op: MVGPU_BLIT_*
 * @timestamp: MVGPU_OP_TIMESTAMP arguments
 * @timestamp.addr: 8-byte aligned destination
 * @wait: MVGPU_OP_WAIT arguments
 * @wait.addr: 8-byte aligned 64-bit value polled
 * @wait.value: operand of the comparison
 * @wait.cond: MVGPU_WAIT_*
 * @saxpy: MVGPU_OP_SAXPY arguments
 * @saxpy.n: elements
 * @saxpy.a: fp32 bit pattern of the scalar
 * @saxpy.x: 4-byte aligned source vector
 * @saxpy.y: 4-byte aligned vector updated in place, equal to or disjoint
 *	from @saxpy.x
 * @sgemm: MVGPU_OP_SGEMM arguments
 * @sgemm.m: rows of A and C
 * @sgemm.n: columns of B and C
 * @sgemm.k: columns of A, rows of B
 * @sgemm.alpha: fp32 bit pattern
 * @sgemm.beta: fp32 bit pattern
 * @sgemm.a: 4-byte aligned A
 * @sgemm.b: 4-byte aligned B
 * @sgemm.c: 4-byte aligned C, disjoint from A and B
 * @sgemm.lda: elements between rows of A
 * @sgemm.ldb: elements between rows of B
 * @sgemm.ldc: elements between rows of C
 * @reduce: MVGPU_OP_REDUCE arguments
 * @reduce.n: elements
 * @reduce.op: MVGPU_REDUCE_*
 * @reduce.src: 4-byte aligned source vector
 * @reduce.dst: 4-byte aligned fp32 result
 */
struct mvgpu_packet {
	u32 opcode;
	u32 flags;
	u32 dwords;
	union {
		struct {
			u64 addr;
			u64 value;
			bool irq;
		} fence;
		struct {
			u64 dst;
			u64 size;
			u32 value;
		} fill;
		struct {
			u64 dst;
			u64 src;
			u64 size;
		} copy;
		struct {
			u64 dst;
			u64 src;
			u32 dst_stride;
			u32 src_stride;
			u32 width;
			u32 height;
			u32 dst_format;
			u32 src_format;
			u32 op;
		} blit;
		struct {
			u64 addr;
		} timestamp;
		struct {
			u64 addr;
			u64 value;
			u32 cond;
		} wait;
		struct {
			u32 n;
			u32 a;
			u64 x;
			u64 y;
		} saxpy;
		struct {
			u32 m;
			u32 n;
			u32 k;
			u32 alpha;
			u32 beta;
			u64 a;
			u64 b;
			u64 c;
			u32 lda;
			u32 ldb;
			u32 ldc;
		} sgemm;
		struct {
			u32 n;
			u32 op;
			u64 src;
			u64 dst;
		} reduce;
	};
};

u32 mvgpu_packet_length(u32 header, u32 avail_tail, u32 avail_end,
			u32 *dwords);
u32 mvgpu_packet_decode(const u32 *dw, u32 avail, struct mvgpu_packet *cmd);
u32 mvgpu_packet_fmt_bpp(u32 format);

#endif /* _MVGPU_PACKET_H_ */
