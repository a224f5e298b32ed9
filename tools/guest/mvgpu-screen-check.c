// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-screen-check: compare a QEMU screendump (binary PPM, P6, maxval
 * 255) with the display test pattern of mvgpu_pattern.h, pixel for pixel.
 * Runs on the host side (the L1 guest of the nested tests), no libdrm.
 *
 *   mvgpu-screen-check FILE.ppm [WIDTHxHEIGHT]
 *
 * Prints the picture size and how many pixels differ (with the first few).
 * Exit status: 0 the picture is the pattern (of WIDTHxHEIGHT if given),
 * 1 it is not, 2 the file is missing, truncated or not a P6 PPM (a
 * screendump still being written looks like that).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mvgpu_pattern.h"

/* Next header number, skipping white space and comments. */
static int ppm_number(FILE *f, unsigned int *v)
{
	int c;

	do {
		c = fgetc(f);
		if (c == '#')
			while (c != '\n' && c != EOF)
				c = fgetc(f);
	} while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	if (c < '0' || c > '9')
		return -1;
	*v = 0;
	while (c >= '0' && c <= '9') {
		if (*v > 100000)
			return -1;
		*v = *v * 10 + (unsigned int)(c - '0');
		c = fgetc(f);
	}
	/* Exactly one white-space character ends the header's last number. */
	return c == EOF ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned int w, h, maxval, want_w = 0, want_h = 0;
	unsigned long long bad = 0;
	uint8_t *row;
	FILE *f;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && sscanf(argv[2], "%ux%u", &want_w, &want_h) != 2)) {
		fprintf(stderr, "usage: mvgpu-screen-check FILE.ppm [WIDTHxHEIGHT]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "mvgpu-screen-check: %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	if (fgetc(f) != 'P' || fgetc(f) != '6' || ppm_number(f, &w) ||
	    ppm_number(f, &h) || ppm_number(f, &maxval) || maxval != 255 ||
	    w < 2 || h < 2) {
		fprintf(stderr, "mvgpu-screen-check: %s: not a P6 PPM with maxval 255\n",
			argv[1]);
		fclose(f);
		return 2;
	}
	row = malloc((size_t)w * 3);
	if (!row) {
		fclose(f);
		return 2;
	}
	for (unsigned int y = 0; y < h; y++) {
		if (fread(row, 3, w, f) != w) {
			fprintf(stderr, "mvgpu-screen-check: %s: truncated at line %u of %u\n",
				argv[1], y, h);
			free(row);
			fclose(f);
			return 2;
		}
		for (unsigned int x = 0; x < w; x++) {
			uint32_t want = mvgpu_pattern_pixel(x, y, w, h);
			uint32_t got = (uint32_t)row[3 * x] << 16 |
				       (uint32_t)row[3 * x + 1] << 8 |
				       row[3 * x + 2];

			if (got == want)
				continue;
			if (bad++ < 5)
				printf("pixel (%u,%u) is 0x%06x, the pattern has 0x%06x\n",
				       x, y, got, want);
		}
	}
	free(row);
	fclose(f);
	printf("screen %ux%u: %llu of %llu pixels differ from the pattern\n",
	       w, h, bad, (unsigned long long)w * h);
	if (want_w && (w != want_w || h != want_h)) {
		printf("screen is %ux%u, the mode set was %ux%u\n", w, h,
		       want_w, want_h);
		return 1;
	}
	return bad ? 1 : 0;
}
