/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The display test pattern: what a guest draws into its scanout and what a
 * screendump of the host's QEMU must show, pixel for pixel. Shared by the
 * nested display tests (the drawing side in the guest, the checking side on
 * the host).
 *
 * The picture: eight vertical colour bars (white, yellow, cyan, green,
 * magenta, red, blue, black) over the top three quarters, a grey ramp from
 * black at the left to white at the right below, and a one-pixel white
 * frame around the whole picture, so a wrong size, stride, offset or
 * channel order all change some pixel.
 */
#ifndef MVGPU_PATTERN_H
#define MVGPU_PATTERN_H

#include <stdint.h>

/**
 * mvgpu_pattern_pixel() - colour of one pixel of the test pattern
 * @x: column, below @w
 * @y: line, below @h
 * @w: picture width in pixels (at least 2)
 * @h: picture height in lines (at least 2)
 *
 * Return: the colour as 0x00RRGGBB (XRGB8888).
 */
static inline uint32_t mvgpu_pattern_pixel(uint32_t x, uint32_t y,
					   uint32_t w, uint32_t h)
{
	static const uint32_t bars[8] = {
		0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
		0xff00ff, 0xff0000, 0x0000ff, 0x000000,
	};
	uint32_t grey;

	if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
		return 0xffffff;
	if (y < h - h / 4)
		return bars[(uint64_t)x * 8 / w];
	grey = (uint32_t)((uint64_t)x * 255 / (w - 1));
	return grey << 16 | grey << 8 | grey;
}

#endif /* MVGPU_PATTERN_H */
