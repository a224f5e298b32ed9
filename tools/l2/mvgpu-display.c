// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-display: put the display test pattern on a vGPU's screen from a
 * guest without a driver, through the PCI BARs in sysfs. Reads the
 * monitor's EDID from the display block, draws the pattern of
 * tools/lib/mvgpu_pattern.h in XRGB8888 (at the EDID's preferred size, or
 * the size given) into VRAM (with a padded stride whose padding is poisoned, so a host that
 * ignores the stride shows it), checks that a bad plane is refused and the
 * good one accepted, prints "display_ready=1", and holds the picture for
 * a while so that the host can take a screendump.
 *
 * usage: mvgpu-display [HOLD_SECONDS [WIDTH HEIGHT]]   (default 30 s)
 *
 * Every store to BAR2 of a nested guest under TCG is slow (the BAR is an
 * I/O region to QEMU): pixels go two at a time, and the tests draw small
 * pictures.
 *
 * Prints "key=value" lines; exits 0 when everything checked out, 1 when
 * something is wrong, 2 when no vGPU is present. Built static for the
 * minimal L2 initramfs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mvgpu/mvgpu_regs.h>

#include "mvgpu_pattern.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
/* Where the picture goes in VRAM: away from 0, page aligned. */
#define FB_OFFSET	0x200000u
#define STRIDE_PAD	64u
#define POISON		0x00ff00ffu

static volatile uint32_t *bar0;

static uint32_t rd(uint32_t off)
{
	return bar0[off / 4];
}

static void wr(uint32_t off, uint32_t val)
{
	bar0[off / 4] = val;
}

static unsigned long read_hex(const char *dir, const char *attr)
{
	char path[1024], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoul(buf, NULL, 16);
}

static void *map_bar(const char *dir, int bar, size_t size)
{
	char path[1024];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", dir, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* The preferred mode of the EDID in the display block; 0 if none. */
static int edid_mode(uint32_t *w, uint32_t *h)
{
	uint8_t edid[128];
	uint8_t sum = 0;
	uint32_t size = rd(MVGPU_REG_DISP_EDID_SIZE);

	printf("edid_size=%u\n", size);
	if (size < sizeof(edid))
		return -1;
	for (uint32_t i = 0; i < sizeof(edid); i += 4) {
		uint32_t v = rd(MVGPU_REG_DISP_EDID + i);

		for (int b = 0; b < 4; b++)
			edid[i + b] = v >> (8 * b);
	}
	for (uint32_t i = 0; i < sizeof(edid); i++)
		sum += edid[i];
	printf("edid_checksum=%s\n", sum ? "bad" : "ok");
	printf("edid_header=%s\n", edid[0] == 0 && edid[1] == 0xff &&
	       edid[7] == 0 ? "ok" : "bad");
	/* First detailed timing descriptor. */
	*w = edid[56] | (edid[58] >> 4) << 8;
	*h = edid[59] | (edid[61] >> 4) << 8;
	printf("edid_mode=%ux%u\n", *w, *h);
	return sum ? -1 : 0;
}

static void set_plane(uint32_t control, uint32_t w, uint32_t h,
		      uint32_t stride, uint64_t offset)
{
	wr(MVGPU_REG_DISP_CONTROL, control);
	wr(MVGPU_REG_DISP_FORMAT, MVGPU_DISP_FMT_XRGB8888);
	wr(MVGPU_REG_DISP_WIDTH, w);
	wr(MVGPU_REG_DISP_HEIGHT, h);
	wr(MVGPU_REG_DISP_STRIDE, stride);
	wr(MVGPU_REG_DISP_OFFSET_LO, (uint32_t)offset);
	wr(MVGPU_REG_DISP_OFFSET_HI, (uint32_t)(offset >> 32));
	wr(MVGPU_REG_DISP_UPDATE, 1);
}

static int show(const char *dir, int hold, uint32_t want_w, uint32_t want_h)
{
	uint64_t vram = 0;
	uint32_t w = 0, h = 0, stride, status, flips;
	volatile uint32_t *fb;
	size_t fb_len;
	int bad = 0;

	bar0 = map_bar(dir, 0, MVGPU_BAR0_SIZE);
	if (!bar0) {
		printf("bar0_map=failed\n");
		return 1;
	}
	vram = rd(MVGPU_REG_VRAM_SIZE_LO) |
	       (uint64_t)rd(MVGPU_REG_VRAM_SIZE_HI) << 32;
	printf("caps_display=%s\n",
	       rd(MVGPU_REG_CAPS) & MVGPU_CAP_DISPLAY ? "yes" : "no");
	printf("max=%ux%u\n", rd(MVGPU_REG_DISP_MAX_WIDTH),
	       rd(MVGPU_REG_DISP_MAX_HEIGHT));
	printf("connected=%s\n", rd(MVGPU_REG_DISP_CONNECTOR) &
	       MVGPU_DISP_CONNECTED ? "yes" : "no");
	if (edid_mode(&w, &h) || w < 2 || h < 2 ||
	    w > rd(MVGPU_REG_DISP_MAX_WIDTH) ||
	    h > rd(MVGPU_REG_DISP_MAX_HEIGHT))
		return 1;
	if (want_w && want_h) {
		w = want_w;
		h = want_h;
	}

	stride = w * 4 + STRIDE_PAD;
	fb_len = (size_t)stride * h;
	if (FB_OFFSET + fb_len > vram) {
		printf("fb_fits=no\n");
		return 1;
	}
	fb = map_bar(dir, 2, FB_OFFSET + fb_len);
	if (!fb) {
		printf("bar2_map=failed\n");
		return 1;
	}
	fb += FB_OFFSET / 4;
	for (uint32_t y = 0; y < h; y++) {
		volatile uint64_t *line = (volatile uint64_t *)
					  (fb + (size_t)y * stride / 4);

		for (uint32_t x = 0; x < stride / 4; x += 2) {
			uint32_t p0 = x < w ? mvgpu_pattern_pixel(x, y, w, h) :
					      POISON;
			uint32_t p1 = x + 1 < w ?
				      mvgpu_pattern_pixel(x + 1, y, w, h) :
				      POISON;

			line[x / 2] = (uint64_t)p1 << 32 | p0;
		}
	}
	__sync_synchronize();

	/* A plane running past VRAM is refused and changes nothing. */
	flips = rd(MVGPU_REG_DISP_FLIP_COUNT);
	set_plane(MVGPU_DISP_CONTROL_ENABLE, w, h, stride,
		  vram - MVGPU_DISP_OFFSET_ALIGN);
	status = rd(MVGPU_REG_DISP_STATUS);
	printf("bad_plane=%s\n", (status & MVGPU_DISP_STATUS_INVALID) &&
	       rd(MVGPU_REG_DISP_FLIP_COUNT) == flips ? "refused" : "accepted");
	bad |= !(status & MVGPU_DISP_STATUS_INVALID);

	set_plane(MVGPU_DISP_CONTROL_ENABLE, w, h, stride, FB_OFFSET);
	status = rd(MVGPU_REG_DISP_STATUS);
	printf("plane=%ux%u stride=%u status=0x%x flips=%u\n", w, h, stride,
	       status, rd(MVGPU_REG_DISP_FLIP_COUNT));
	bad |= status != MVGPU_DISP_STATUS_ENABLED;
	bad |= rd(MVGPU_REG_DISP_FLIP_COUNT) != flips + 1;
	printf("display_ready=%d\n", !bad);
	fflush(stdout);
	sleep(hold);
	printf("verdict=%s\n", bad ? "FAIL" : "PASS");
	return bad;
}

int main(int argc, char **argv)
{
	int hold = argc > 1 ? atoi(argv[1]) : 30;
	uint32_t want_w = argc > 3 ? strtoul(argv[2], NULL, 0) : 0;
	uint32_t want_h = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	struct dirent *de;
	DIR *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	d = opendir(PCI_DEVICES);
	if (!d) {
		perror(PCI_DEVICES);
		return 1;
	}
	while ((de = readdir(d))) {
		char dir[512];
		int ret;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", de->d_name);
		if (read_hex(dir, "vendor") != MVGPU_PCI_VENDOR_ID ||
		    read_hex(dir, "device") != MVGPU_PCI_DEVICE_ID)
			continue;
		printf("device=%s\n", de->d_name);
		ret = show(dir, hold, want_w, want_h);
		closedir(d);
		return ret;
	}
	closedir(d);
	printf("vgpus_found=0\n");
	return 2;
}
