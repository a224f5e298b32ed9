// SPDX-License-Identifier: GPL-2.0-only
/*
 * fp32 compute kernels of the simulated pGPU.
 */

/**
 * DOC: fp32 arithmetic
 *
 * The compute commands have one exact evaluation order, so that a CPU
 * reference written the same way matches bit for bit. Every operation is
 * an IEEE-754 binary32 multiply or add rounded to nearest-even, with
 * denormals kept (the MXCSR default that kernel_fpu_begin() loads); no
 * fused multiply-add (this file is built with -ffp-contract=off), no
 * reassociation, no wider intermediates (SSE, not x87).
 *
 * - SAXPY: for i in 0..n-1: y[i] = (a * x[i]) + y[i]; the product is
 *   rounded, then the sum.
 * - SGEMM: for each C element, acc = +0.0f; for k in 0..K-1:
 *   acc = acc + (A[i][k] * B[k][j]); then C = (alpha * acc) + (beta * C),
 *   each product rounded, then the sum. C is always read, even when beta
 *   is 0 (so a NaN in C stays NaN), and with K = 0 acc stays +0.0f.
 * - REDUCE SUM: acc = +0.0f; for i in 0..n-1: acc = acc + x[i].
 *
 * Long commands are split into chunks by the executor; the running sums
 * are carried from chunk to chunk as bit patterns, which keeps the order.
 * Infinities and NaNs follow IEEE-754; which quiet NaN comes out of an
 * operation on two NaNs is not specified.
 *
 * The fp32 data is read and written in the host's byte order, which is
 * the little-endian order of the ABI on x86.
 *
 * This file holds nothing but arithmetic on kernel buffers: it is the one
 * compilation unit of mvgpu_sim built with SSE (see Kbuild), and must not
 * include kernel headers that use the FPU API.
 */

#include <linux/types.h>

#include "mvgpu_sim_compute.h"

/**
 * union mvgpu_sim_f32 - an fp32 value and its bit pattern
 * @bits: IEEE-754 binary32 encoding
 * @value: the number
 */
union mvgpu_sim_f32 {
	u32 bits;
	float value;
};

static float mvgpu_sim_f32(u32 bits)
{
	union mvgpu_sim_f32 v = { .bits = bits };

	return v.value;
}

static u32 mvgpu_sim_bits(float value)
{
	union mvgpu_sim_f32 v = { .value = value };

	return v.bits;
}

/**
 * mvgpu_sim_saxpy() - y[i] = a * x[i] + y[i] over a run of elements
 * @y: fp32 vector, updated in place
 * @x: fp32 vector; may be @y itself
 * @a: the scalar's bit pattern
 * @n: elements
 *
 * Call between kernel_fpu_begin() and kernel_fpu_end().
 */
void mvgpu_sim_saxpy(u32 *y, const u32 *x, u32 a, u32 n)
{
	float fa = mvgpu_sim_f32(a);
	u32 i;

	for (i = 0; i < n; i++) {
		float prod = fa * mvgpu_sim_f32(x[i]);

		y[i] = mvgpu_sim_bits(prod + mvgpu_sim_f32(y[i]));
	}
}

/**
 * mvgpu_sim_reduce_sum() - add a run of elements to a running sum
 * @acc: the running sum's bit pattern (+0.0f, 0, to start)
 * @x: fp32 vector
 * @n: elements
 *
 * Call between kernel_fpu_begin() and kernel_fpu_end().
 *
 * Return: the new running sum's bit pattern.
 */
u32 mvgpu_sim_reduce_sum(u32 acc, const u32 *x, u32 n)
{
	float sum = mvgpu_sim_f32(acc);
	u32 i;

	for (i = 0; i < n; i++)
		sum = sum + mvgpu_sim_f32(x[i]);
	return mvgpu_sim_bits(sum);
}

/**
 * mvgpu_sim_sgemm_acc() - accumulate a slice of k into a row of C sums
 * @acc: @width running sums, one per C column, as bit patterns
 * @a: @depth consecutive elements of a row of A
 * @b: @depth rows of @width elements of B, packed
 * @width: C columns in the tile
 * @depth: values of k in the slice
 *
 * acc[j] = acc[j] + a[k] * b[k][j] for k in order; looping over k outside
 * j keeps each sum's order and reads B row by row. Call between
 * kernel_fpu_begin() and kernel_fpu_end().
 */
void mvgpu_sim_sgemm_acc(u32 *acc, const u32 *a, const u32 *b, u32 width,
			 u32 depth)
{
	u32 j, k;

	for (k = 0; k < depth; k++) {
		float ak = mvgpu_sim_f32(a[k]);
		const u32 *brow = b + (size_t)k * width;

		for (j = 0; j < width; j++) {
			float prod = ak * mvgpu_sim_f32(brow[j]);

			acc[j] = mvgpu_sim_bits(mvgpu_sim_f32(acc[j]) + prod);
		}
	}
}

/**
 * mvgpu_sim_sgemm_store() - C = alpha * acc + beta * C over a row tile
 * @c: @width elements of a row of C, updated in place
 * @acc: the finished sums
 * @alpha: bit pattern
 * @beta: bit pattern
 * @width: elements
 *
 * Call between kernel_fpu_begin() and kernel_fpu_end().
 */
void mvgpu_sim_sgemm_store(u32 *c, const u32 *acc, u32 alpha, u32 beta,
			   u32 width)
{
	float fa = mvgpu_sim_f32(alpha), fb = mvgpu_sim_f32(beta);
	u32 j;

	for (j = 0; j < width; j++) {
		float scaled = fa * mvgpu_sim_f32(acc[j]);
		float kept = fb * mvgpu_sim_f32(c[j]);

		c[j] = mvgpu_sim_bits(scaled + kept);
	}
}
