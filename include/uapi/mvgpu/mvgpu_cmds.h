/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mvgpu command packets: what a guest writes into a queue's ring.
 *
 * A packet is a header dword followed by payload dwords, all little-endian.
 * Header: bits 7:0 opcode, bits 15:8 flags, bits 31:16 total length in
 * dwords including the header. Every opcode but NOP has exactly the length
 * its struct gives; a packet may not run past the ring's end (pad with a NOP
 * instead) nor past the tail. Addresses are GPU virtual addresses of the
 * vGPU: [0, VRAM size) is its VRAM; MVGPU_VA_SYSMEM + iova is guest memory
 * at that DMA address. Documentation/abi.rst describes every command and
 * its exact arithmetic.
 */
#ifndef _UAPI_MVGPU_CMDS_H_
#define _UAPI_MVGPU_CMDS_H_

#include <linux/types.h>

#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif
#define MVGPU_ABI_STATIC_ASSERT(e, m) static_assert(e, m)

/* GPU virtual address of guest DMA address 0. */
#define MVGPU_VA_SYSMEM			(1ULL << 47)
#define MVGPU_VA_SYSMEM_SIZE		(1ULL << 47)

#define MVGPU_CMD_MAX_DWORDS		64

#define MVGPU_CMD_HEADER(op, flags, dwords)				\
	((__u32)(op) | ((__u32)(flags) << 8) | ((__u32)(dwords) << 16))
#define MVGPU_CMD_OPCODE(hdr)		((hdr) & 0xff)
#define MVGPU_CMD_FLAGS(hdr)		(((hdr) >> 8) & 0xff)
#define MVGPU_CMD_DWORDS(hdr)		((hdr) >> 16)

/* Opcodes: 0x00-0x0f data movement and sync, 0x10-0x1f compute kernels. */
#define MVGPU_OP_NOP			0x00
#define MVGPU_OP_FENCE			0x01
#define MVGPU_OP_FILL			0x02
#define MVGPU_OP_COPY			0x03
#define MVGPU_OP_BLIT			0x04
#define MVGPU_OP_TIMESTAMP		0x05
#define MVGPU_OP_WAIT			0x06
#define MVGPU_OP_SAXPY			0x10
#define MVGPU_OP_SGEMM			0x11
#define MVGPU_OP_REDUCE			0x12

/* FENCE flags. */
#define MVGPU_FENCE_IRQ			(1u << 0)

/* Pixel formats of BLIT. */
#define MVGPU_FMT_ARGB8888		1
#define MVGPU_FMT_XRGB8888		2
#define MVGPU_FMT_RGB565		3
#define MVGPU_FMT_R8			4

/* BLIT operations. */
#define MVGPU_BLIT_COPY			0
#define MVGPU_BLIT_BLEND		1	/* source-over, source alpha */

/* WAIT conditions on a 64-bit memory value. */
#define MVGPU_WAIT_EQ			0
#define MVGPU_WAIT_NE			1
#define MVGPU_WAIT_GE			2	/* unsigned */
#define MVGPU_WAIT_LT			3	/* unsigned */

/* REDUCE operations. */
#define MVGPU_REDUCE_SUM		0

/* Error codes, in MVGPU_REG_ERROR_REASON and per-queue error registers. */
#define MVGPU_ERR_NONE			0
#define MVGPU_ERR_BAD_OPCODE		1
#define MVGPU_ERR_BAD_LENGTH		2
#define MVGPU_ERR_BAD_ARG		3
#define MVGPU_ERR_PAGE_FAULT		4
#define MVGPU_ERR_RING_CONFIG		5
#define MVGPU_ERR_BAD_DOORBELL		6
#define MVGPU_ERR_HANG			7

/**
 * struct mvgpu_cmd_fence - write a 64-bit value, optionally interrupt
 * @header: MVGPU_OP_FENCE, flags MVGPU_FENCE_*, 5 dwords
 * @addr: 8-byte aligned destination
 * @value: value written to @addr and to the queue's FENCE registers
 */
struct mvgpu_cmd_fence {
	__le32 header;
	__le64 addr;
	__le64 value;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_fill - fill memory with a repeated 32-bit pattern
 * @header: MVGPU_OP_FILL, 6 dwords
 * @dst: destination, any alignment
 * @size: bytes; byte i of the range gets byte (i % 4) of @value
 * @value: little-endian pattern
 */
struct mvgpu_cmd_fill {
	__le32 header;
	__le64 dst;
	__le64 size;
	__le32 value;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_copy - copy bytes; the ranges must not overlap
 * @header: MVGPU_OP_COPY, 7 dwords
 * @dst: destination
 * @src: source
 * @size: bytes
 */
struct mvgpu_cmd_copy {
	__le32 header;
	__le64 dst;
	__le64 src;
	__le64 size;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_blit - 2D rectangle copy with conversion or blending
 * @header: MVGPU_OP_BLIT, 11 dwords
 * @dst: first pixel of the destination rectangle
 * @src: first pixel of the source rectangle
 * @dst_stride: bytes between destination rows, >= width * pixel size
 * @src_stride: bytes between source rows, >= width * pixel size
 * @width: pixels per row
 * @height: rows
 * @format: bits 7:0 destination MVGPU_FMT_*, bits 15:8 source MVGPU_FMT_*
 * @op: MVGPU_BLIT_*
 */
struct mvgpu_cmd_blit {
	__le32 header;
	__le64 dst;
	__le64 src;
	__le32 dst_stride;
	__le32 src_stride;
	__le32 width;
	__le32 height;
	__le32 format;
	__le32 op;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_timestamp - write the engine clock in nanoseconds
 * @header: MVGPU_OP_TIMESTAMP, 3 dwords
 * @addr: 8-byte aligned destination of a 64-bit value
 */
struct mvgpu_cmd_timestamp {
	__le32 header;
	__le64 addr;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_wait - stall the queue until a memory value matches
 * @header: MVGPU_OP_WAIT, 6 dwords
 * @addr: 8-byte aligned 64-bit value to poll
 * @value: operand of the comparison
 * @cond: MVGPU_WAIT_*; the queue resumes when (*addr cond value)
 */
struct mvgpu_cmd_wait {
	__le32 header;
	__le64 addr;
	__le64 value;
	__le32 cond;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_saxpy - y[i] = a * x[i] + y[i], fp32, i < n
 * @header: MVGPU_OP_SAXPY, 7 dwords
 * @n: elements
 * @a: fp32 scalar, as its bit pattern
 * @x: 4-byte aligned fp32 vector
 * @y: 4-byte aligned fp32 vector, updated in place
 */
struct mvgpu_cmd_saxpy {
	__le32 header;
	__le32 n;
	__le32 a;
	__le64 x;
	__le64 y;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_sgemm - C = alpha * A * B + beta * C, fp32, row-major
 * @header: MVGPU_OP_SGEMM, 15 dwords
 * @m: rows of A and C
 * @n: columns of B and C
 * @k: columns of A, rows of B
 * @alpha: fp32 bit pattern
 * @beta: fp32 bit pattern
 * @a: 4-byte aligned m x k matrix
 * @b: 4-byte aligned k x n matrix
 * @c: 4-byte aligned m x n matrix
 * @lda: elements between rows of A, >= k
 * @ldb: elements between rows of B, >= n
 * @ldc: elements between rows of C, >= n
 */
struct mvgpu_cmd_sgemm {
	__le32 header;
	__le32 m;
	__le32 n;
	__le32 k;
	__le32 alpha;
	__le32 beta;
	__le64 a;
	__le64 b;
	__le64 c;
	__le32 lda;
	__le32 ldb;
	__le32 ldc;
} __attribute__((packed));

/**
 * struct mvgpu_cmd_reduce - reduce an fp32 vector to one fp32 value
 * @header: MVGPU_OP_REDUCE, 7 dwords
 * @n: elements
 * @op: MVGPU_REDUCE_*
 * @src: 4-byte aligned fp32 vector
 * @dst: 4-byte aligned fp32 result
 */
struct mvgpu_cmd_reduce {
	__le32 header;
	__le32 n;
	__le32 op;
	__le64 src;
	__le64 dst;
} __attribute__((packed));

MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_fence) == 5 * 4, "fence");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_fill) == 6 * 4, "fill");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_copy) == 7 * 4, "copy");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_blit) == 11 * 4, "blit");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_timestamp) == 3 * 4, "ts");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_wait) == 6 * 4, "wait");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_saxpy) == 7 * 4, "saxpy");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_sgemm) == 15 * 4, "sgemm");
MVGPU_ABI_STATIC_ASSERT(sizeof(struct mvgpu_cmd_reduce) == 7 * 4, "reduce");

#endif /* _UAPI_MVGPU_CMDS_H_ */
