// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_sim_compute.c: the fp32 kernels of SAXPY, SGEMM and
 * REDUCE match a plain CPU reference bit for bit, chunking does not change
 * results, and the documented evaluation order (no FMA, sequential sums,
 * C always read) holds on cases where another order would differ.
 *
 * Built with -ffp-contract=off, like the kernel file.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "kselftest_harness.h"

#include "mvgpu_sim_compute.h"

static u32 bits(float f)
{
	u32 b;

	memcpy(&b, &f, sizeof(b));
	return b;
}

static float flt(u32 b)
{
	float f;

	memcpy(&f, &b, sizeof(f));
	return f;
}

/* Deterministic pseudo-random floats of mixed magnitude and sign. */
static u32 rng_state = 12345;

static u32 rng(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return rng_state >> 1;
}

static u32 rand_float(void)
{
	float v = (float)(rng() % 20001) / 997.0f - 10.0f;

	if (rng() % 8 == 0)
		v *= 1e6f;
	if (rng() % 8 == 0)
		v *= 1e-6f;
	return bits(v);
}

static u32 *rand_vec(u32 n)
{
	u32 *v = malloc((n ? n : 1) * sizeof(*v));
	u32 i;

	for (i = 0; i < n; i++)
		v[i] = rand_float();
	return v;
}

/* ---- SAXPY ---- */

TEST(saxpy_matches_reference)
{
	u32 n = 1000, i;
	u32 *x = rand_vec(n), *y = rand_vec(n), *ref = malloc(n * 4);
	u32 a = bits(1.7182818f);

	for (i = 0; i < n; i++) {
		float prod = flt(a) * flt(x[i]);

		ref[i] = bits(prod + flt(y[i]));
	}
	mvgpu_sim_saxpy(y, x, a, n);
	EXPECT_EQ(0, memcmp(ref, y, n * 4));
	free(x);
	free(y);
	free(ref);
}

TEST(saxpy_no_fma)
{
	/*
	 * a * x = 1 + 2^-11 + 2^-24 exactly; rounded to fp32 it is 1 + 2^-11
	 * (a tie, to even), so adding -(1 + 2^-11) gives +0. A fused
	 * multiply-add would give 2^-24.
	 */
	u32 x = bits(1.0f + ldexpf(1.0f, -12)), a = x, y = bits(-(1.0f + ldexpf(1.0f, -11)));

	mvgpu_sim_saxpy(&y, &x, a, 1);
	EXPECT_EQ(bits(0.0f), y);
}

TEST(saxpy_in_place_and_chunked)
{
	u32 n = 777, i;
	u32 *x = rand_vec(n), *y = malloc(n * 4), *z = malloc(n * 4);
	u32 a = bits(-0.375f);

	/* x == y: y = a * y + y. */
	memcpy(y, x, n * 4);
	for (i = 0; i < n; i++)
		z[i] = bits(flt(a) * flt(x[i]) + flt(x[i]));
	mvgpu_sim_saxpy(y, y, a, n);
	EXPECT_EQ(0, memcmp(z, y, n * 4));

	/* Any split into runs gives the same result. */
	memcpy(y, x, n * 4);
	memcpy(z, x, n * 4);
	mvgpu_sim_saxpy(y, x, a, n);
	for (i = 0; i < n; i += 100)
		mvgpu_sim_saxpy(z + i, x + i, a, n - i < 100 ? n - i : 100);
	EXPECT_EQ(0, memcmp(z, y, n * 4));
	mvgpu_sim_saxpy(y, x, a, 0);
	free(x);
	free(y);
	free(z);
}

/* ---- REDUCE ---- */

TEST(reduce_sequential_order)
{
	/* Sequential: (1e8 + 1) rounds to 1e8, minus 1e8 is 0; + 1 is 1. */
	u32 v[4] = { bits(1e8f), bits(1.0f), bits(-1e8f), bits(1.0f) };

	EXPECT_EQ(bits(1.0f), mvgpu_sim_reduce_sum(0, v, 4));
	/* Pairwise would give (1e8 + 1) + (-1e8 + 1) = 0. */
	EXPECT_EQ(bits(0.0f), bits(flt(mvgpu_sim_reduce_sum(0, v, 2)) +
				   flt(mvgpu_sim_reduce_sum(0, v + 2, 2))));
	/* The empty sum is +0.0f, the bit pattern 0. */
	EXPECT_EQ(0U, mvgpu_sim_reduce_sum(0, v, 0));
	/* -0 + -0 stays -0 only when started from -0: we start from +0. */
	v[0] = bits(-0.0f);
	EXPECT_EQ(bits(0.0f), mvgpu_sim_reduce_sum(0, v, 1));
}

TEST(reduce_matches_reference_and_chunks)
{
	u32 n = 5000, i, split;
	u32 *x = rand_vec(n);
	float ref = 0.0f;
	u32 whole;

	for (i = 0; i < n; i++)
		ref = ref + flt(x[i]);
	whole = mvgpu_sim_reduce_sum(0, x, n);
	EXPECT_EQ(bits(ref), whole);
	for (split = 1; split < n; split += 613) {
		u32 acc = mvgpu_sim_reduce_sum(0, x, split);

		acc = mvgpu_sim_reduce_sum(acc, x + split, n - split);
		EXPECT_EQ(whole, acc) TH_LOG("split %u", split);
	}
	free(x);
}

TEST(reduce_keeps_denormals)
{
	/* kernel_fpu_begin() loads the default MXCSR: no flush to zero. */
	u32 v[2] = { bits(ldexpf(1.0f, -140)), bits(ldexpf(1.0f, -140)) };

	EXPECT_EQ(bits(ldexpf(1.0f, -139)), mvgpu_sim_reduce_sum(0, v, 2));
	EXPECT_NE(0U, mvgpu_sim_reduce_sum(0, v, 1));
}

TEST(special_values)
{
	u32 v[3] = { bits(INFINITY), bits(1.0f), bits(-INFINITY) };
	u32 r = mvgpu_sim_reduce_sum(0, v, 3);

	EXPECT_TRUE(isnan(flt(r)));
	EXPECT_EQ(bits(INFINITY), mvgpu_sim_reduce_sum(0, v, 2));
}

/* ---- SGEMM ---- */

/* The documented order, written out naively. */
static void sgemm_ref(u32 m, u32 n, u32 k, u32 alpha, u32 beta,
		      const u32 *a, u32 lda, const u32 *b, u32 ldb, u32 *c,
		      u32 ldc)
{
	u32 i, j, t;

	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			float acc = 0.0f;

			for (t = 0; t < k; t++) {
				float prod = flt(a[i * lda + t]) *
					     flt(b[t * ldb + j]);

				acc = acc + prod;
			}
			c[i * ldc + j] = bits(flt(alpha) * acc +
					      flt(beta) * flt(c[i * ldc + j]));
		}
	}
}

/*
 * The executor's tiling: a tile of up to @tile columns of one C row, k in
 * slices of @slice, through the kernel's two entry points.
 */
static void sgemm_tiled(u32 m, u32 n, u32 k, u32 alpha, u32 beta,
			const u32 *a, u32 lda, const u32 *b, u32 ldb, u32 *c,
			u32 ldc, u32 tile, u32 slice)
{
	u32 *acc = malloc(tile * 4), *bt = malloc(tile * slice * 4);
	u32 i, j, t, d, w, depth;

	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j += w) {
			w = n - j < tile ? n - j : tile;
			memset(acc, 0, w * 4);
			for (d = 0; d < k; d += depth) {
				depth = k - d < slice ? k - d : slice;
				for (t = 0; t < depth; t++)
					memcpy(bt + t * w, b + (d + t) * ldb + j,
					       w * 4);
				mvgpu_sim_sgemm_acc(acc, a + i * lda + d, bt, w,
						    depth);
			}
			mvgpu_sim_sgemm_store(c + i * ldc + j, acc, alpha, beta,
					      w);
		}
	}
	free(acc);
	free(bt);
}

TEST(sgemm_matches_reference)
{
	static const struct {
		u32 m, n, k, lda, ldb, ldc, tile, slice;
	} cases[] = {
		{ 1, 1, 1, 1, 1, 1, 64, 256 },
		{ 7, 13, 29, 31, 13, 17, 64, 256 },
		{ 16, 100, 300, 300, 100, 100, 64, 170 },
		{ 16, 100, 300, 300, 100, 100, 1, 1 },
		{ 5, 65, 1000, 1000, 65, 65, 64, 7 },
		{ 3, 3, 0, 0, 3, 3, 64, 256 },
	};
	unsigned int ci;

	for (ci = 0; ci < ARRAY_SIZE(cases); ci++) {
		u32 m = cases[ci].m, n = cases[ci].n, k = cases[ci].k;
		u32 *a = rand_vec(m * cases[ci].lda);
		u32 *b = rand_vec(k * cases[ci].ldb);
		u32 *c = rand_vec(m * cases[ci].ldc);
		u32 *ref = malloc(m * cases[ci].ldc * 4 + 4);
		u32 alpha = bits(1.25f), beta = bits(-0.5f);

		memcpy(ref, c, m * cases[ci].ldc * 4);
		sgemm_ref(m, n, k, alpha, beta, a, cases[ci].lda, b,
			  cases[ci].ldb, ref, cases[ci].ldc);
		sgemm_tiled(m, n, k, alpha, beta, a, cases[ci].lda, b,
			    cases[ci].ldb, c, cases[ci].ldc, cases[ci].tile,
			    cases[ci].slice);
		EXPECT_EQ(0, memcmp(ref, c, m * cases[ci].ldc * 4))
			TH_LOG("case %u", ci);
		free(a);
		free(b);
		free(c);
		free(ref);
	}
}

TEST(sgemm_order_and_beta)
{
	/* Sums in k order: 1e8 + 1 - 1e8 + 1 = 1 (see reduce). */
	u32 a[4] = { bits(1e8f), bits(1.0f), bits(-1e8f), bits(1.0f) };
	u32 b[4] = { bits(1.0f), bits(1.0f), bits(1.0f), bits(1.0f) };
	u32 acc = 0, c;

	mvgpu_sim_sgemm_acc(&acc, a, b, 1, 4);
	EXPECT_EQ(bits(1.0f), acc);

	/* C = alpha * acc + beta * C, both products rounded, no FMA. */
	c = bits(-(1.0f + ldexpf(1.0f, -11)));
	acc = bits(1.0f + ldexpf(1.0f, -12));
	mvgpu_sim_sgemm_store(&c, &acc, acc, bits(1.0f), 1);
	EXPECT_EQ(bits(0.0f), c);

	/* C is always read: beta = 0 with a NaN in C gives NaN. */
	c = bits(NAN);
	acc = bits(2.0f);
	mvgpu_sim_sgemm_store(&c, &acc, bits(1.0f), bits(0.0f), 1);
	EXPECT_TRUE(isnan(flt(c)));
	/* k = 0: acc stays +0, C = beta * C. */
	c = bits(3.0f);
	acc = 0;
	mvgpu_sim_sgemm_store(&c, &acc, bits(5.0f), bits(2.0f), 1);
	EXPECT_EQ(bits(6.0f), c);
}

TEST_HARNESS_MAIN
