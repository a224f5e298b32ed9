// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-probe: find mvgpu vGPUs on a guest's PCI bus and check them from
 * the guest's point of view: IDs, BAR sizes, identification registers read
 * through BAR0, and a VRAM write/read through BAR2. Needs no driver: it maps
 * the BARs through sysfs. Built static so it runs in a minimal initramfs.
 *
 * Prints one "key=value" line per fact and exits 0 when every vGPU found is
 * consistent, 1 when something is wrong, 2 when no vGPU is present.
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

#define PCI_DEVICES "/sys/bus/pci/devices"

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

/* BAR sizes from the "resource" file: one "start end flags" line per BAR. */
static int read_bar_sizes(const char *dir, uint64_t sizes[6], uint64_t flags[6])
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/resource", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (int i = 0; i < 6; i++) {
		unsigned long long start, end, fl;

		if (fscanf(f, "%llx %llx %llx", &start, &end, &fl) != 3) {
			fclose(f);
			return -EIO;
		}
		sizes[i] = end > start ? end - start + 1 : 0;
		flags[i] = fl;
	}
	fclose(f);
	return 0;
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

static uint32_t reg(volatile uint32_t *bar0, uint32_t off)
{
	return bar0[off / 4];
}

static int check_vram(const char *dir, uint64_t size)
{
	size_t len = size < (4u << 20) ? size : (4u << 20);
	volatile uint32_t *vram = map_bar(dir, 2, len);
	int bad = 0;

	if (!vram) {
		printf("vram_map=failed\n");
		return 1;
	}
	for (size_t i = 0; i < len / 4; i += 1021)
		if (vram[i])
			bad++;
	printf("vram_zero=%s\n", bad ? "no" : "yes");
	for (size_t i = 0; i < len / 4; i += 1021)
		vram[i] = 0xa5a50000u ^ (uint32_t)i;
	for (size_t i = 0; i < len / 4; i += 1021)
		if (vram[i] != (0xa5a50000u ^ (uint32_t)i))
			bad++;
	printf("vram_rw=%s\n", bad ? "fail" : "ok");
	munmap((void *)vram, len);
	return bad ? 1 : 0;
}

static int probe_one(const char *dir, const char *name)
{
	uint64_t sizes[6], flags[6], vram_size;
	volatile uint32_t *bar0;
	int ret = 0;

	printf("device=%s\n", name);
	printf("ids=%04lx:%04lx\n", read_hex(dir, "vendor"),
	       read_hex(dir, "device"));
	printf("class=%06lx\n", read_hex(dir, "class"));
	if (read_bar_sizes(dir, sizes, flags)) {
		printf("resource=unreadable\n");
		return 1;
	}
	printf("bar0_size=%" PRIu64 "\n", sizes[0]);
	printf("bar2_size=%" PRIu64 "\n", sizes[2]);
	printf("bar2_64bit=%s\n", (flags[2] & 0x00100000) ? "yes" : "no");
	printf("bar2_prefetch=%s\n", (flags[2] & 0x00002000) ? "yes" : "no");

	bar0 = map_bar(dir, 0, MVGPU_BAR0_SIZE);
	if (!bar0) {
		printf("bar0_map=failed\n");
		return 1;
	}
	vram_size = reg(bar0, MVGPU_REG_VRAM_SIZE_LO) |
		    (uint64_t)reg(bar0, MVGPU_REG_VRAM_SIZE_HI) << 32;
	printf("magic=0x%08x\n", reg(bar0, MVGPU_REG_MAGIC));
	printf("abi_version=0x%08x\n", reg(bar0, MVGPU_REG_ABI_VERSION));
	printf("vram_size=%" PRIu64 "\n", vram_size);
	printf("num_queues=%u\n", reg(bar0, MVGPU_REG_NUM_QUEUES));
	printf("num_engines=%u\n", reg(bar0, MVGPU_REG_NUM_ENGINES));
	bar0[MVGPU_REG_SCRATCH / 4] = 0x12345678;
	printf("scratch=0x%08x\n", reg(bar0, MVGPU_REG_SCRATCH));

	if (reg(bar0, MVGPU_REG_MAGIC) != MVGPU_MAGIC ||
	    reg(bar0, MVGPU_REG_ABI_VERSION) != MVGPU_ABI_VERSION ||
	    vram_size != sizes[2] || sizes[0] != MVGPU_BAR0_SIZE ||
	    reg(bar0, MVGPU_REG_SCRATCH) != 0x12345678)
		ret = 1;
	munmap((void *)bar0, MVGPU_BAR0_SIZE);
	if (sizes[2])
		ret |= check_vram(dir, sizes[2]);
	printf("verdict=%s\n", ret ? "FAIL" : "PASS");
	return ret;
}

int main(void)
{
	struct dirent *de;
	int found = 0, ret = 0;
	DIR *d;

	d = opendir(PCI_DEVICES);
	if (!d) {
		perror(PCI_DEVICES);
		return 1;
	}
	while ((de = readdir(d))) {
		char dir[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", de->d_name);
		if (read_hex(dir, "vendor") != MVGPU_PCI_VENDOR_ID ||
		    read_hex(dir, "device") != MVGPU_PCI_DEVICE_ID)
			continue;
		found++;
		ret |= probe_one(dir, de->d_name);
	}
	closedir(d);
	printf("vgpus_found=%d\n", found);
	if (!found)
		return 2;
	return ret;
}
