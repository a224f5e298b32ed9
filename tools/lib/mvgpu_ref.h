/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU reference of the mvgpu command packets, written from
 * Documentation/abi.rst and the packet validation, pixel format and fp32
 * arithmetic rules of the simulated pGPU, plus a seeded random generator.
 * The fp32 references follow the documented evaluation order operation by
 * operation; build with -ffp-contract=off (no fused multiply-add) and SSE
 * math (x86-64's default) so that every operation rounds to binary32.
 */
#ifndef MVGPU_REF_H
#define MVGPU_REF_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mvgpu/mvgpu_cmds.h>

/* xorshift64*: reproducible from the seed the tests print. */
struct ref_rng {
	uint64_t s;
};

static inline void rng_seed(struct ref_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static inline uint64_t rng_next(struct ref_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static inline uint32_t rng_below(struct ref_rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static inline void rng_bytes(struct ref_rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t v = rng_next(r);

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t v = rng_next(r);

		memcpy(p, &v, len);
	}
}

static inline uint32_t f2u(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static inline float u2f(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/*
 * A random fp32 value: mostly of moderate magnitude, sometimes zero of
 * either sign, a denormal or a large value, so that rounding, cancellation
 * and denormal handling are all exercised. Never NaN or infinity.
 */
static inline float rng_float(struct ref_rng *r)
{
	uint32_t kind = rng_below(r, 64);
	uint32_t sign = (uint32_t)(rng_next(r) & 1) << 31;

	if (kind == 0)
		return u2f(sign);
	if (kind == 1)
		return u2f(sign | (rng_below(r, 0x7fffff) + 1));
	if (kind == 2)
		return u2f(sign | ((190 + rng_below(r, 20)) << 23) |
			   rng_below(r, 1u << 23));
	return u2f(sign | ((112 + rng_below(r, 30)) << 23) |
		   rng_below(r, 1u << 23));
}

static inline void rng_floats(struct ref_rng *r, float *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = rng_float(r);
}

/* Bit equality, except that any NaN matches any NaN. */
static inline bool f32_same(uint32_t a, uint32_t b)
{
	return a == b || (isnan(u2f(a)) && isnan(u2f(b)));
}

/* FILL: byte i of the range gets byte (i % 4) of @value. */
static inline void ref_fill(uint8_t *dst, uint64_t size, uint32_t value)
{
	for (uint64_t i = 0; i < size; i++)
		dst[i] = (uint8_t)(value >> (8 * (i % 4)));
}

/* BLIT pixels, through 8-bit A, R, G, B channels. */
struct ref_px {
	uint8_t a, r, g, b;
};

static inline unsigned int ref_bpp(uint32_t fmt)
{
	switch (fmt) {
	case MVGPU_FMT_ARGB8888:
	case MVGPU_FMT_XRGB8888:
		return 4;
	case MVGPU_FMT_RGB565:
		return 2;
	case MVGPU_FMT_R8:
		return 1;
	}
	return 0;
}

static inline struct ref_px ref_px_read(const uint8_t *p, uint32_t fmt)
{
	struct ref_px px;
	uint32_t v;

	switch (fmt) {
	case MVGPU_FMT_ARGB8888:
		v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
		px.a = v >> 24;
		px.r = v >> 16;
		px.g = v >> 8;
		px.b = v;
		return px;
	case MVGPU_FMT_XRGB8888:
		v = p[0] | p[1] << 8 | p[2] << 16;
		px.a = 0xff;
		px.r = v >> 16;
		px.g = v >> 8;
		px.b = v;
		return px;
	case MVGPU_FMT_RGB565: {
		uint32_t r5, g6, b5;

		v = p[0] | p[1] << 8;
		r5 = (v >> 11) & 0x1f;
		g6 = (v >> 5) & 0x3f;
		b5 = v & 0x1f;
		px.a = 0xff;
		px.r = (r5 << 3) | (r5 >> 2);
		px.g = (g6 << 2) | (g6 >> 4);
		px.b = (b5 << 3) | (b5 >> 2);
		return px;
	}
	default:
		px.a = 0xff;
		px.r = px.g = px.b = p[0];
		return px;
	}
}

static inline void ref_px_write(uint8_t *p, uint32_t fmt, struct ref_px px)
{
	uint32_t v;

	switch (fmt) {
	case MVGPU_FMT_ARGB8888:
	case MVGPU_FMT_XRGB8888:
		v = (fmt == MVGPU_FMT_ARGB8888 ? (uint32_t)px.a << 24 :
						 0xff000000u) |
		    (uint32_t)px.r << 16 | (uint32_t)px.g << 8 | px.b;
		p[0] = v;
		p[1] = v >> 8;
		p[2] = v >> 16;
		p[3] = v >> 24;
		break;
	case MVGPU_FMT_RGB565:
		v = (uint32_t)(px.r >> 3) << 11 | (uint32_t)(px.g >> 2) << 5 |
		    (px.b >> 3);
		p[0] = v;
		p[1] = v >> 8;
		break;
	default:
		p[0] = px.r;
		break;
	}
}

/* Source over, source alpha, rounded to nearest. */
static inline uint8_t ref_blend(uint32_t s, uint32_t d, uint32_t a)
{
	return (uint8_t)((s * a + d * (255 - a) + 127) / 255);
}

/*
 * BLIT of @w x @h pixels, rows top to bottom, each source row read before
 * the destination row is written.
 */
static inline void ref_blit(uint8_t *dst, uint32_t dst_stride,
			    const uint8_t *src, uint32_t src_stride,
			    uint32_t w, uint32_t h, uint32_t dst_fmt,
			    uint32_t src_fmt, uint32_t op)
{
	unsigned int db = ref_bpp(dst_fmt), sb = ref_bpp(src_fmt);

	for (uint32_t y = 0; y < h; y++) {
		uint8_t *drow = dst + (uint64_t)y * dst_stride;
		const uint8_t *srow = src + (uint64_t)y * src_stride;

		for (uint32_t x = 0; x < w; x++) {
			struct ref_px s = ref_px_read(srow + x * sb, src_fmt);

			if (op == MVGPU_BLIT_BLEND) {
				struct ref_px d = ref_px_read(drow + x * db,
							      dst_fmt);

				d.r = ref_blend(s.r, d.r, s.a);
				d.g = ref_blend(s.g, d.g, s.a);
				d.b = ref_blend(s.b, d.b, s.a);
				d.a = ref_blend(255, d.a, s.a);
				s = d;
			}
			ref_px_write(drow + x * db, dst_fmt, s);
		}
	}
}

/* SAXPY: y[i] = (a * x[i]) + y[i], product rounded, then the sum. */
static inline void ref_saxpy(uint32_t n, float a, const float *x, float *y)
{
	for (uint32_t i = 0; i < n; i++) {
		float prod = a * x[i];

		y[i] = prod + y[i];
	}
}

/*
 * SGEMM, row-major: for each C element acc = +0.0f, then
 * acc = acc + (A[i][k] * B[k][j]) for k in order, then
 * C = (alpha * acc) + (beta * C).
 */
static inline void ref_sgemm(uint32_t m, uint32_t n, uint32_t k, float alpha,
			     float beta, const float *a, uint32_t lda,
			     const float *b, uint32_t ldb, float *c,
			     uint32_t ldc)
{
	for (uint32_t i = 0; i < m; i++) {
		for (uint32_t j = 0; j < n; j++) {
			float acc = 0.0f;

			for (uint32_t l = 0; l < k; l++) {
				float prod = a[(uint64_t)i * lda + l] *
					     b[(uint64_t)l * ldb + j];

				acc = acc + prod;
			}
			float scaled = alpha * acc;
			float kept = beta * c[(uint64_t)i * ldc + j];

			c[(uint64_t)i * ldc + j] = scaled + kept;
		}
	}
}

/* REDUCE SUM: acc = +0.0f; acc = acc + x[i] in order. */
static inline float ref_reduce(uint32_t n, const float *x)
{
	float acc = 0.0f;

	for (uint32_t i = 0; i < n; i++)
		acc = acc + x[i];
	return acc;
}

#endif /* MVGPU_REF_H */
