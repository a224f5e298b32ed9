/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builders of mvgpu command packets (include/uapi/mvgpu/mvgpu_cmds.h),
 * shared by the host VFIO library (libmvgpu), its tests and benchmarks and
 * the guest libdrm library (tools/guest). Each fills @p with one packet in
 * little-endian dwords (x86-64 only: the dwords are stored natively) and
 * returns its length in dwords; @p must hold MVGPU_CMD_MAX_DWORDS.
 */
#ifndef MVGPU_PACKET_H
#define MVGPU_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mvgpu/mvgpu_cmds.h>

static inline void mvgpu_put64(uint32_t *p, uint64_t v)
{
	p[0] = (uint32_t)v;
	p[1] = (uint32_t)(v >> 32);
}

static inline uint32_t mvgpu_fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static inline size_t mvgpu_cmd_nop(uint32_t *p, uint32_t dwords)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, dwords);
	for (uint32_t i = 1; i < dwords; i++)
		p[i] = 0;
	return dwords;
}

static inline size_t mvgpu_cmd_fence(uint32_t *p, uint64_t addr, uint64_t value,
				     int irq)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_FENCE, irq ? MVGPU_FENCE_IRQ : 0, 5);
	mvgpu_put64(p + 1, addr);
	mvgpu_put64(p + 3, value);
	return 5;
}

static inline size_t mvgpu_cmd_fill(uint32_t *p, uint64_t dst, uint64_t size,
				    uint32_t value)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_FILL, 0, 6);
	mvgpu_put64(p + 1, dst);
	mvgpu_put64(p + 3, size);
	p[5] = value;
	return 6;
}

static inline size_t mvgpu_cmd_copy(uint32_t *p, uint64_t dst, uint64_t src,
				    uint64_t size)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_COPY, 0, 7);
	mvgpu_put64(p + 1, dst);
	mvgpu_put64(p + 3, src);
	mvgpu_put64(p + 5, size);
	return 7;
}

static inline size_t mvgpu_cmd_blit(uint32_t *p, uint64_t dst,
				    uint32_t dst_stride, uint64_t src,
				    uint32_t src_stride, uint32_t width,
				    uint32_t height, uint32_t dst_format,
				    uint32_t src_format, uint32_t op)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_BLIT, 0, 11);
	mvgpu_put64(p + 1, dst);
	mvgpu_put64(p + 3, src);
	p[5] = dst_stride;
	p[6] = src_stride;
	p[7] = width;
	p[8] = height;
	p[9] = (dst_format & 0xff) | (src_format & 0xff) << 8;
	p[10] = op;
	return 11;
}

static inline size_t mvgpu_cmd_timestamp(uint32_t *p, uint64_t addr)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_TIMESTAMP, 0, 3);
	mvgpu_put64(p + 1, addr);
	return 3;
}

static inline size_t mvgpu_cmd_wait(uint32_t *p, uint64_t addr, uint64_t value,
				    uint32_t cond)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_WAIT, 0, 6);
	mvgpu_put64(p + 1, addr);
	mvgpu_put64(p + 3, value);
	p[5] = cond;
	return 6;
}

static inline size_t mvgpu_cmd_saxpy(uint32_t *p, uint32_t n, float a,
				     uint64_t x, uint64_t y)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_SAXPY, 0, 7);
	p[1] = n;
	p[2] = mvgpu_fbits(a);
	mvgpu_put64(p + 3, x);
	mvgpu_put64(p + 5, y);
	return 7;
}

static inline size_t mvgpu_cmd_sgemm(uint32_t *p, uint32_t m, uint32_t n,
				     uint32_t k, float alpha, float beta,
				     uint64_t a, uint32_t lda, uint64_t b,
				     uint32_t ldb, uint64_t c, uint32_t ldc)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_SGEMM, 0, 15);
	p[1] = m;
	p[2] = n;
	p[3] = k;
	p[4] = mvgpu_fbits(alpha);
	p[5] = mvgpu_fbits(beta);
	mvgpu_put64(p + 6, a);
	mvgpu_put64(p + 8, b);
	mvgpu_put64(p + 10, c);
	p[12] = lda;
	p[13] = ldb;
	p[14] = ldc;
	return 15;
}

static inline size_t mvgpu_cmd_reduce(uint32_t *p, uint32_t n, uint32_t op,
				      uint64_t src, uint64_t dst)
{
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_REDUCE, 0, 7);
	p[1] = n;
	p[2] = op;
	mvgpu_put64(p + 3, src);
	mvgpu_put64(p + 5, dst);
	return 7;
}

#endif /* MVGPU_PACKET_H */
