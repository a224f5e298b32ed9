// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command arithmetic of the simulated pGPU: WAIT conditions, FILL patterns
 * and BLIT pixel conversion and blending. Pure logic on values already
 * read from memory, so the userspace unit tests and fuzzers build it
 * unchanged. Packets are decoded and validated before they get here, by
 * the ABI's decoder (mvgpu_packet_decode()).
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

#include <linux/types.h>

#include <mvgpu/mvgpu_packet.h>

#include "mvgpu_sim_cmd.h"

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
	u32 dbpp = mvgpu_packet_fmt_bpp(dst_format);
	u32 sbpp = mvgpu_packet_fmt_bpp(src_format);
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
