// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: the VFIO device of a vGPU. Regions and interrupts as
 * VFIO reports them, PCI config space, BAR0 registers, interrupt delivery
 * through eventfds, the BAR2 VRAM aperture (read/write and mmap), VRAM
 * zeroing, isolation between vGPUs, and reset. Runs as root in the test VM
 * (tools/vm/run) with mvgpu.ko and mvgpu_sim.ko loaded.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>
#include <mvgpu/mvgpu_vfio.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"

#define CFG_SIZE	256
#define NO_EVENT_MS	100	/* how long to wait for an event that must not come */
#define EVENT_MS	2000	/* how long to wait for an event that must come */

/* The usual fixture: one open vGPU of the variant's type. */
FIXTURE(vgpu) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_dev dev;
	struct type_req req;
	bool open;
	int efd[3];
	char uuid[MVGPU_UUID_LEN + 1];
	/* Mappings a test made itself; teardown unmaps them. */
	int nmaps;
	void *maps[8];
	size_t map_len[8];
};

FIXTURE_VARIANT(vgpu) {
	const char *type;
};

FIXTURE_VARIANT_ADD(vgpu, eighth) {
	.type = "eighth",
};

FIXTURE_VARIANT_ADD(vgpu, sixteenth) {
	.type = "sixteenth",
};

FIXTURE_SETUP(vgpu)
{
	int t = type_index(variant->type), ret;

	catch_crashes(_metadata);
	for (int i = 0; i < 3; i++)
		self->efd[i] = -1;
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	self->req = type_req_of(&self->pg, t);
	if (!self->req.exists)
		SKIP(return, "pGPU has no %s type", variant->type);
	ret = vgpus_create(&self->vl, self->pg.name, variant->type, self->uuid);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", strerror(-ret));
	ret = mvgpu_open(&self->dev, self->uuid);
	if (ret)
		vgpus_remove_all(&self->vl);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	self->open = true;
	for (int i = 0; i < 3; i++) {
		self->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (self->efd[i] < 0) {
			mvgpu_close(&self->dev);
			vgpus_remove_all(&self->vl);
		}
		ASSERT_LE(0, self->efd[i]);
	}
}

FIXTURE_TEARDOWN(vgpu)
{
	/* A mapping left behind would keep the vGPU busy: remove blocks. */
	for (int i = 0; i < self->nmaps; i++)
		munmap(self->maps[i], self->map_len[i]);
	for (int i = 0; i < 3; i++)
		if (self->efd[i] >= 0)
			close(self->efd[i]);
	if (self->open)
		mvgpu_close(&self->dev);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
}

/* mmap() of the device fd at region @index + @off, tracked for teardown. */
static void *dev_mmap(FIXTURE_DATA(vgpu) *self, uint32_t index, uint64_t off,
		      size_t len, int prot, int flags)
{
	void *p;

	p = mmap(NULL, len, prot, flags, self->dev.device_fd,
		 (off_t)(self->dev.regions[index].offset + off));
	if (p != MAP_FAILED && self->nmaps < (int)ARRAY_SIZE(self->maps)) {
		self->maps[self->nmaps] = p;
		self->map_len[self->nmaps++] = len;
	}
	return p;
}

static void dev_munmap(FIXTURE_DATA(vgpu) *self, volatile void *p)
{
	for (int i = 0; i < self->nmaps; i++) {
		if (self->maps[i] != p)
			continue;
		munmap(self->maps[i], self->map_len[i]);
		self->maps[i] = self->maps[--self->nmaps];
		self->map_len[i] = self->map_len[self->nmaps];
		return;
	}
}

/* Config space and register access that must succeed. */
static uint32_t cfg_rd(struct __test_metadata *_metadata,
		       struct mvgpu_dev *dev, uint32_t off, size_t len)
{
	uint32_t v = 0;

	ASSERT_EQ(0, mvgpu_cfg_read(dev, off, &v, len))
		TH_LOG("config read at 0x%x, %zu bytes", off, len);
	return le32toh(v);
}

static void cfg_wr(struct __test_metadata *_metadata, struct mvgpu_dev *dev,
		   uint32_t off, uint32_t val, size_t len)
{
	uint32_t v = htole32(val);

	ASSERT_EQ(0, mvgpu_cfg_write(dev, off, &v, len))
		TH_LOG("config write at 0x%x, %zu bytes", off, len);
}

#define CFG_RD(off, len)	cfg_rd(_metadata, &self->dev, off, len)
#define CFG_WR(off, val, len)	cfg_wr(_metadata, &self->dev, off, val, len)

/* -errno of a pread/pwrite on the device fd at region @index + @off. */
static int dev_rw(struct mvgpu_dev *dev, uint32_t index, uint64_t off,
		  void *buf, size_t len, bool write)
{
	uint64_t pos = dev->regions[index].offset + off;
	ssize_t n;

	if (write)
		n = pwrite(dev->device_fd, buf, len, (off_t)pos);
	else
		n = pread(dev->device_fd, buf, len, (off_t)pos);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* 0 if @fd signalled within @ms (count in *@cnt), else -ETIMEDOUT etc. */
static int ev_wait(int fd, int ms, uint64_t *cnt)
{
	uint64_t dummy;

	return mvgpu_eventfd_wait(fd, ms, cnt ? cnt : &dummy);
}

static int set_irqs(struct mvgpu_dev *dev, uint32_t flags, uint32_t index,
		    uint32_t start, uint32_t count, const void *data,
		    size_t data_len)
{
	char buf[sizeof(struct vfio_irq_set) + 16];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(*set) + data_len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	return ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

TEST_S(vgpu, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->dev.device_fd, VFIO_DEVICE_GET_INFO, &info));
	ASSERT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	/* The vfio-pci regions, then the display's EDID and scanout. */
	ASSERT_EQ(MVGPU_REGION_SCANOUT + 1, info.num_regions);
	ASSERT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);

	/* argsz too small for the fixed part. */
	info.argsz = 4;
	ASSERT_EQ(-1, ioctl(self->dev.device_fd, VFIO_DEVICE_GET_INFO, &info));
	ASSERT_EQ(EINVAL, errno);

	/* An unknown ioctl. */
	ASSERT_EQ(-1, ioctl(self->dev.device_fd, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_S(vgpu, region_info)
{
	struct vfio_region_info info;

	for (uint32_t i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		uint64_t size = 0;
		uint32_t flags = 0;

		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		ASSERT_EQ(0, ioctl(self->dev.device_fd,
				   VFIO_DEVICE_GET_REGION_INFO, &info))
			TH_LOG("region %u", i);
		switch (i) {
		case VFIO_PCI_CONFIG_REGION_INDEX:
			size = CFG_SIZE;
			flags = VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE;
			break;
		case VFIO_PCI_BAR0_REGION_INDEX:
			size = MVGPU_BAR0_SIZE;
			flags = VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE;
			break;
		case VFIO_PCI_BAR2_REGION_INDEX:
			size = self->req.vram;
			flags = VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE |
				VFIO_REGION_INFO_FLAG_MMAP;
			break;
		}
		ASSERT_EQ(size, info.size) TH_LOG("region %u", i);
		ASSERT_EQ(flags, info.flags) TH_LOG("region %u", i);
		ASSERT_EQ(0, info.offset % getpagesize());
		/* Regions do not overlap in the device file. */
		for (uint32_t j = 0; j < i; j++) {
			const struct mvgpu_region *r = &self->dev.regions[j];

			if (!r->size || !info.size)
				continue;
			ASSERT_TRUE(info.offset >= r->offset + r->size ||
				    info.offset + info.size <= r->offset);
		}
	}

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = MVGPU_REGION_SCANOUT + 1;
	ASSERT_EQ(-1, ioctl(self->dev.device_fd, VFIO_DEVICE_GET_REGION_INFO,
			    &info));
	ASSERT_EQ(EINVAL, errno);
	info.index = 0xffffffff;
	ASSERT_EQ(-1, ioctl(self->dev.device_fd, VFIO_DEVICE_GET_REGION_INFO,
			    &info));
	ASSERT_EQ(EINVAL, errno);
}

TEST_S(vgpu, irq_info)
{
	struct vfio_irq_info info;

	for (uint32_t i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		uint32_t count = 0, flags = 0;

		ASSERT_EQ(0, mvgpu_irq_info(&self->dev, i, &info))
			TH_LOG("irq index %u", i);
		switch (i) {
		case VFIO_PCI_INTX_IRQ_INDEX:
			count = 1;
			flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
				VFIO_IRQ_INFO_AUTOMASKED;
			break;
		case VFIO_PCI_MSI_IRQ_INDEX:
		case VFIO_PCI_REQ_IRQ_INDEX:
			count = 1;
			flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
			break;
		}
		ASSERT_EQ(count, info.count) TH_LOG("irq index %u", i);
		ASSERT_EQ(flags, info.flags) TH_LOG("irq index %u", i);
	}
	ASSERT_EQ(-EINVAL, mvgpu_irq_info(&self->dev, VFIO_PCI_NUM_IRQS, &info));
	ASSERT_EQ(-EINVAL, mvgpu_irq_info(&self->dev, 0xffffffff, &info));
}

/*
 * A VFIO group can be open once: a second open of the same vGPU from this
 * process fails with EBUSY at the group and leaves the first one working.
 */
TEST_S(vgpu, open_twice)
{
	struct mvgpu_dev second;
	uint32_t v = 0;
	int fd2;

	ASSERT_EQ(-EBUSY, mvgpu_open(&second, self->uuid));
	ASSERT_EQ(MVGPU_MAGIC, REG_RD(MVGPU_REG_MAGIC));

	/*
	 * Through the group that is already open, VFIO (6.1 and 6.12 alike)
	 * hands out another fd to the same device; both work on one state,
	 * and closing one does not reset the device under the other.
	 */
	fd2 = ioctl(self->dev.group_fd, VFIO_GROUP_GET_DEVICE_FD, self->uuid);
	ASSERT_LE(0, fd2) TH_LOG("second device fd: %s", strerror(errno));
	REG_WR(MVGPU_REG_SCRATCH, 0x5a5a1234);
	ASSERT_EQ((ssize_t)sizeof(v),
		  pread(fd2, &v, sizeof(v),
			(off_t)(self->dev.regions[0].offset +
				MVGPU_REG_SCRATCH)));
	ASSERT_EQ(0x5a5a1234, le32toh(v));
	close(fd2);
	ASSERT_EQ(0x5a5a1234, REG_RD(MVGPU_REG_SCRATCH));

	/* After a close, the vGPU can be opened again. */
	mvgpu_close(&self->dev);
	self->open = false;
	ASSERT_EQ(0, mvgpu_open(&self->dev, self->uuid));
	self->open = true;
	ASSERT_EQ(MVGPU_MAGIC, REG_RD(MVGPU_REG_MAGIC));
}

TEST_S(vgpu, config_identity)
{
	uint32_t cap;

	ASSERT_EQ(MVGPU_PCI_VENDOR_ID, CFG_RD(PCI_VENDOR_ID, 2));
	ASSERT_EQ(MVGPU_PCI_DEVICE_ID, CFG_RD(PCI_DEVICE_ID, 2));
	ASSERT_EQ(MVGPU_PCI_VENDOR_ID | MVGPU_PCI_DEVICE_ID << 16,
		  CFG_RD(PCI_VENDOR_ID, 4));
	ASSERT_EQ(MVGPU_PCI_REVISION, CFG_RD(PCI_REVISION_ID, 1));
	ASSERT_EQ(MVGPU_PCI_CLASS_CODE, CFG_RD(PCI_CLASS_REVISION, 4) >> 8);
	ASSERT_EQ(MVGPU_PCI_CLASS_CODE >> 8, CFG_RD(PCI_CLASS_DEVICE, 2));
	ASSERT_EQ(MVGPU_PCI_SUBSYS_VENDOR_ID,
		  CFG_RD(PCI_SUBSYSTEM_VENDOR_ID, 2));
	ASSERT_EQ(MVGPU_PCI_SUBSYS_DEVICE_ID, CFG_RD(PCI_SUBSYSTEM_ID, 2));
	ASSERT_EQ(0, CFG_RD(PCI_HEADER_TYPE, 1));
	ASSERT_EQ(0, CFG_RD(PCI_BIST, 1));
	ASSERT_EQ(0, CFG_RD(PCI_COMMAND, 2));
	ASSERT_EQ(1, CFG_RD(PCI_INTERRUPT_PIN, 1));	/* INTA# */

	/* A capability list holding exactly one MSI capability. */
	ASSERT_TRUE(CFG_RD(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	cap = CFG_RD(PCI_CAPABILITY_LIST, 1);
	ASSERT_EQ(MSI_CAP, cap);
	ASSERT_EQ(0, cap & 3);
	ASSERT_GE(cap, 0x40);
	ASSERT_EQ(PCI_CAP_ID_MSI, CFG_RD(cap + PCI_CAP_LIST_ID, 1));
	ASSERT_EQ(0, CFG_RD(cap + PCI_CAP_LIST_NEXT, 1));
	ASSERT_TRUE(CFG_RD(cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_64BIT);
	ASSERT_FALSE(CFG_RD(cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	/* One vector: Multiple Message Capable is 0. */
	ASSERT_EQ(0, CFG_RD(cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QMASK);

	/* Everything past the capability reads 0. */
	for (uint32_t off = cap + 16; off < CFG_SIZE; off += 4) {
		ASSERT_EQ(0, CFG_RD(off, 4)) TH_LOG("offset 0x%x", off);
	}
}

TEST_S(vgpu, config_bars)
{
	uint64_t mask, size;
	uint32_t lo, hi;

	/* BAR0: 32-bit non-prefetchable memory of MVGPU_BAR0_SIZE. */
	ASSERT_EQ(0, CFG_RD(PCI_BASE_ADDRESS_0, 4));
	CFG_WR(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	lo = CFG_RD(PCI_BASE_ADDRESS_0, 4);
	ASSERT_EQ(0, lo & PCI_BASE_ADDRESS_SPACE_IO);
	ASSERT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_32, lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK);
	ASSERT_EQ(0, lo & PCI_BASE_ADDRESS_MEM_PREFETCH);
	ASSERT_EQ((uint32_t)~(MVGPU_BAR0_SIZE - 1), lo);
	/* A programmed address reads back. */
	CFG_WR(PCI_BASE_ADDRESS_0, 0xfe120000, 4);
	ASSERT_EQ(0xfe120000, CFG_RD(PCI_BASE_ADDRESS_0, 4));
	/* Low bits below the size are not writable. */
	CFG_WR(PCI_BASE_ADDRESS_0, 0xfe12345f, 4);
	ASSERT_EQ(0xfe120000, CFG_RD(PCI_BASE_ADDRESS_0, 4));

	/* BAR2/3: 64-bit prefetchable memory, the size of the VRAM. */
	lo = CFG_RD(PCI_BASE_ADDRESS_2, 4);
	ASSERT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
		  lo);
	ASSERT_EQ(0, CFG_RD(PCI_BASE_ADDRESS_3, 4));
	CFG_WR(PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	CFG_WR(PCI_BASE_ADDRESS_3, 0xffffffff, 4);
	lo = CFG_RD(PCI_BASE_ADDRESS_2, 4);
	hi = CFG_RD(PCI_BASE_ADDRESS_3, 4);
	ASSERT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
		  lo & 0xf);
	mask = (uint64_t)hi << 32 | (lo & ~0xfu);
	size = ~mask + 1;
	ASSERT_EQ(self->req.vram, size);
	ASSERT_EQ(self->dev.regions[VFIO_PCI_BAR2_REGION_INDEX].size, size);
	/* A 64-bit address above 4 GiB reads back. */
	CFG_WR(PCI_BASE_ADDRESS_2, 0, 4);
	CFG_WR(PCI_BASE_ADDRESS_3, 0x00000080, 4);
	ASSERT_EQ(0x0c, CFG_RD(PCI_BASE_ADDRESS_2, 4));
	ASSERT_EQ(0x80, CFG_RD(PCI_BASE_ADDRESS_3, 4));

	/* BAR1, BAR4, BAR5 and the ROM BAR are not implemented. */
	static const uint32_t none[] = {
		PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_4, PCI_BASE_ADDRESS_5,
		PCI_ROM_ADDRESS,
	};
	for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
		CFG_WR(none[i], 0xffffffff, 4);
		ASSERT_EQ(0, CFG_RD(none[i], 4)) TH_LOG("offset 0x%x", none[i]);
	}
}

/* Writes to read-only fields change nothing. */
TEST_S(vgpu, config_readonly)
{
	static const struct { uint32_t off, len; } ro[] = {
		{ PCI_VENDOR_ID, 2 }, { PCI_DEVICE_ID, 2 },
		{ PCI_CLASS_REVISION, 4 }, { PCI_HEADER_TYPE, 1 },
		{ PCI_BIST, 1 }, { PCI_SUBSYSTEM_VENDOR_ID, 2 },
		{ PCI_SUBSYSTEM_ID, 2 }, { PCI_CAPABILITY_LIST, 1 },
		{ PCI_INTERRUPT_PIN, 1 }, { PCI_CARDBUS_CIS, 4 },
		{ MSI_CAP, 2 }, { 0x80, 4 }, { 0xfc, 4 },
	};
	uint8_t before[CFG_SIZE], after[CFG_SIZE];

	ASSERT_EQ(0, mvgpu_cfg_read(&self->dev, 0, before, CFG_SIZE));
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		CFG_WR(ro[i].off, 0xffffffff, ro[i].len);
		CFG_WR(ro[i].off, 0, ro[i].len);
		CFG_WR(ro[i].off, 0x5a5a5a5a, ro[i].len);
	}
	/* Status: the capability bit stays, error bits are W1C and clear. */
	CFG_WR(PCI_STATUS, 0xffff, 2);
	ASSERT_EQ(PCI_STATUS_CAP_LIST, CFG_RD(PCI_STATUS, 2));
	/* MSI Multiple Message Enable and the 64-bit bit are fixed. */
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, 0xfffe, 2);
	ASSERT_EQ(PCI_MSI_FLAGS_64BIT, CFG_RD(MSI_CAP + PCI_MSI_FLAGS, 2));

	ASSERT_EQ(0, mvgpu_cfg_read(&self->dev, 0, after, CFG_SIZE));
	ASSERT_EQ(0, memcmp(before, after, CFG_SIZE));

	/* The whole space, written byte by byte with 0xff, then 0. */
	for (uint32_t off = 0; off < CFG_SIZE; off++) {
		if (off >= PCI_COMMAND && off < PCI_COMMAND + 2)
			continue;
		if (off >= PCI_BASE_ADDRESS_0 && off < PCI_CARDBUS_CIS)
			continue;
		CFG_WR(off, 0xff, 1);
		CFG_WR(off, 0, 1);
	}
	ASSERT_EQ(0, mvgpu_cfg_read(&self->dev, 0, after, CFG_SIZE));
	for (uint32_t off = 0; off < CFG_SIZE; off++) {
		/* Plain read/write fields: back to 0 as written last. */
		if (off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER ||
		    off == PCI_INTERRUPT_LINE ||
		    (off >= MSI_CAP + PCI_MSI_ADDRESS_LO &&
		     off < MSI_CAP + PCI_MSI_DATA_64 + 2)) {
			ASSERT_EQ(0, after[off]) TH_LOG("offset 0x%x", off);
			continue;
		}
		ASSERT_EQ(before[off], after[off]) TH_LOG("offset 0x%x", off);
	}
}

/* Read/write fields hold what was written, within their writable bits. */
TEST_S(vgpu, config_writable)
{
	const uint16_t cmd_rw = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		PCI_COMMAND_INTX_DISABLE;

	CFG_WR(PCI_COMMAND, 0xffff, 2);
	ASSERT_EQ(cmd_rw, CFG_RD(PCI_COMMAND, 2));
	CFG_WR(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	ASSERT_EQ(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
		  CFG_RD(PCI_COMMAND, 2));
	/* A byte write to the low half leaves the high half alone. */
	CFG_WR(PCI_COMMAND + 1, PCI_COMMAND_INTX_DISABLE >> 8, 1);
	ASSERT_EQ(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		  PCI_COMMAND_INTX_DISABLE, CFG_RD(PCI_COMMAND, 2));
	CFG_WR(PCI_COMMAND, 0, 2);
	ASSERT_EQ(0, CFG_RD(PCI_COMMAND, 2));
	/* A 32-bit write of command and status together. */
	CFG_WR(PCI_COMMAND, 0xffff0000 | PCI_COMMAND_MEMORY, 4);
	ASSERT_EQ(PCI_STATUS_CAP_LIST << 16 | PCI_COMMAND_MEMORY,
		  CFG_RD(PCI_COMMAND, 4));

	CFG_WR(PCI_CACHE_LINE_SIZE, 0x10, 1);
	ASSERT_EQ(0x10, CFG_RD(PCI_CACHE_LINE_SIZE, 1));
	CFG_WR(PCI_LATENCY_TIMER, 0x40, 1);
	ASSERT_EQ(0x40, CFG_RD(PCI_LATENCY_TIMER, 1));
	CFG_WR(PCI_INTERRUPT_LINE, 0x0b, 1);
	ASSERT_EQ(0x0b, CFG_RD(PCI_INTERRUPT_LINE, 1));

	/* MSI address (dword aligned) and data. */
	CFG_WR(MSI_CAP + PCI_MSI_ADDRESS_LO, 0xfee00003, 4);
	ASSERT_EQ(0xfee00000, CFG_RD(MSI_CAP + PCI_MSI_ADDRESS_LO, 4));
	CFG_WR(MSI_CAP + PCI_MSI_ADDRESS_HI, 0x12345678, 4);
	ASSERT_EQ(0x12345678, CFG_RD(MSI_CAP + PCI_MSI_ADDRESS_HI, 4));
	CFG_WR(MSI_CAP + PCI_MSI_DATA_64, 0xffff4021, 4);
	ASSERT_EQ(0x4021, CFG_RD(MSI_CAP + PCI_MSI_DATA_64, 4));
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	ASSERT_EQ(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE,
		  CFG_RD(MSI_CAP + PCI_MSI_FLAGS, 2));
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, 0, 2);
	ASSERT_EQ(PCI_MSI_FLAGS_64BIT, CFG_RD(MSI_CAP + PCI_MSI_FLAGS, 2));

	/* Unaligned multi-byte access is allowed in config space. */
	ASSERT_EQ((uint32_t)MVGPU_PCI_DEVICE_ID >> 8 |
		  (PCI_COMMAND_MEMORY << 8),
		  CFG_RD(PCI_DEVICE_ID + 1, 2));
}

TEST_S(vgpu, config_out_of_range)
{
	uint8_t buf[CFG_SIZE + 8];
	const int cfg = VFIO_PCI_CONFIG_REGION_INDEX;

	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, CFG_SIZE, buf, 4, false));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, CFG_SIZE, buf, 4, true));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, 250, buf, 8, false));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, 250, buf, 8, true));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, 0, buf, CFG_SIZE + 1, false));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, 1ull << 20, buf, 1, false));
	/* The last byte and the whole space are fine. */
	ASSERT_EQ(0, dev_rw(&self->dev, cfg, CFG_SIZE - 1, buf, 1, false));
	ASSERT_EQ(0, dev_rw(&self->dev, cfg, 0, buf, CFG_SIZE, false));
	ASSERT_EQ(MVGPU_PCI_VENDOR_ID, buf[0] | buf[1] << 8);
	/* A refused write changed nothing, not even the part inside. */
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, PCI_COMMAND, buf,
				  CFG_SIZE, true));
	ASSERT_EQ(0, CFG_RD(PCI_COMMAND, 2));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, cfg, PCI_INTERRUPT_LINE, buf,
				  CFG_SIZE, true));
	ASSERT_EQ(0, CFG_RD(PCI_INTERRUPT_LINE, 1));
}

TEST_S(vgpu, bar0_identity)
{
	uint64_t vram;

	ASSERT_EQ(MVGPU_MAGIC, REG_RD(MVGPU_REG_MAGIC));
	ASSERT_EQ(MVGPU_ABI_VERSION, REG_RD(MVGPU_REG_ABI_VERSION));
	ASSERT_EQ(MVGPU_ABI_MAJOR, REG_RD(MVGPU_REG_ABI_VERSION) >> 16);
	vram = REG_RD(MVGPU_REG_VRAM_SIZE_LO) |
	       (uint64_t)REG_RD(MVGPU_REG_VRAM_SIZE_HI) << 32;
	ASSERT_EQ(self->dev.regions[VFIO_PCI_BAR2_REGION_INDEX].size, vram);
	ASSERT_EQ(self->req.vram, vram);
	ASSERT_EQ(self->req.queues, REG_RD(MVGPU_REG_NUM_QUEUES));
	ASSERT_EQ(self->pg.engines, REG_RD(MVGPU_REG_NUM_ENGINES));
	ASSERT_EQ(MVGPU_CAP_INTX | MVGPU_CAP_MSI | MVGPU_CAP_RESET | MVGPU_CAP_QUEUES |
		  MVGPU_CAP_DISPLAY,
		  REG_RD(MVGPU_REG_CAPS));
	ASSERT_EQ(MVGPU_STATUS_READY, REG_RD(MVGPU_REG_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_SCRATCH));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_RESET_COUNT));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_RESET));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_MASK));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_RAISE));

	/* A 64-bit access reads two registers, low address first. */
	uint64_t v64 = 0;

	ASSERT_EQ(0, dev_rw(&self->dev, VFIO_PCI_BAR0_REGION_INDEX,
			    MVGPU_REG_VRAM_SIZE_LO, &v64, 8, false));
	ASSERT_EQ(vram, le64toh(v64));
	ASSERT_EQ(0, dev_rw(&self->dev, VFIO_PCI_BAR0_REGION_INDEX,
			    MVGPU_REG_MAGIC, &v64, 8, false));
	ASSERT_EQ(MVGPU_MAGIC | (uint64_t)MVGPU_ABI_VERSION << 32,
		  le64toh(v64));
}

TEST_S(vgpu, bar0_scratch)
{
	static const uint32_t vals[] = {
		0xffffffff, 0, 0xdeadbeef, 0x80000001, 0x12345678,
	};
	uint64_t v64;

	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		REG_WR(MVGPU_REG_SCRATCH, vals[i]);
		ASSERT_EQ(vals[i], REG_RD(MVGPU_REG_SCRATCH));
	}
	/* 64-bit write over CAPS (read-only) and SCRATCH. */
	v64 = htole64(0xa5a5a5a5ull << 32 | 0x12345678);
	ASSERT_EQ(0, dev_rw(&self->dev, VFIO_PCI_BAR0_REGION_INDEX,
			    MVGPU_REG_CAPS, &v64, 8, true));
	ASSERT_EQ(0xa5a5a5a5, REG_RD(MVGPU_REG_SCRATCH));
	ASSERT_EQ(MVGPU_CAP_INTX | MVGPU_CAP_MSI | MVGPU_CAP_RESET | MVGPU_CAP_QUEUES |
		  MVGPU_CAP_DISPLAY,
		  REG_RD(MVGPU_REG_CAPS));
	/* The last close resets the vGPU for its next user. */
	mvgpu_close(&self->dev);
	self->open = false;
	ASSERT_EQ(0, mvgpu_open(&self->dev, self->uuid));
	self->open = true;
	ASSERT_EQ(0, REG_RD(MVGPU_REG_SCRATCH));
}

/* Unknown registers read 0 and ignore writes; read-only ones stay. */
TEST_S(vgpu, bar0_unknown_and_readonly)
{
	static const uint32_t ro[] = {
		MVGPU_REG_MAGIC, MVGPU_REG_ABI_VERSION, MVGPU_REG_VRAM_SIZE_LO,
		MVGPU_REG_VRAM_SIZE_HI, MVGPU_REG_NUM_QUEUES,
		MVGPU_REG_NUM_ENGINES, MVGPU_REG_CAPS, MVGPU_REG_STATUS,
		MVGPU_REG_RESET_COUNT,
	};
	static const uint32_t unknown[] = {
		0x002c, 0x0030, 0x00fc, 0x010c, 0x0238, 0x0800, 0x1030, 0x3000,
		0x8000,
		MVGPU_BAR0_SIZE - 4,
	};
	uint32_t before[ARRAY_SIZE(ro)];

	for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
		before[i] = REG_RD(ro[i]);
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		REG_WR(ro[i], 0xffffffff);
		REG_WR(ro[i], 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		ASSERT_EQ(before[i], REG_RD(ro[i])) TH_LOG("reg 0x%x", ro[i]);
	}

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		ASSERT_EQ(0, REG_RD(unknown[i])) TH_LOG("reg 0x%x", unknown[i]);
		REG_WR(unknown[i], 0xdeadbeef);
		ASSERT_EQ(0, REG_RD(unknown[i])) TH_LOG("reg 0x%x", unknown[i]);
	}
	/* A sweep of the whole BAR: only known registers read non-zero. */
	for (uint32_t off = 0x40; off < MVGPU_BAR0_SIZE; off += 4) {
		if (off >= MVGPU_REG_INT_STATUS && off <= MVGPU_REG_INT_RAISE)
			continue;
		/* The display's read-only limits, monitor and EDID. */
		if ((off >= MVGPU_REG_DISP_MAX_WIDTH &&
		     off <= MVGPU_REG_DISP_EDID_SIZE) ||
		    (off >= MVGPU_REG_DISP_EDID &&
		     off < MVGPU_REG_DISP_EDID + MVGPU_DISP_EDID_MAX))
			continue;
		ASSERT_EQ(0, REG_RD(off)) TH_LOG("reg 0x%x", off);
	}
	/* INT_MASK keeps only defined sources. */
	REG_WR(MVGPU_REG_INT_MASK, 0xffffffff);
	ASSERT_EQ(MVGPU_INT_ALL, REG_RD(MVGPU_REG_INT_MASK));
	REG_WR(MVGPU_REG_INT_MASK, 0);
	/* INT_RAISE of undefined bits sets nothing. */
	REG_WR(MVGPU_REG_INT_RAISE, ~MVGPU_INT_ALL);
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_RAISE));
}

/* BAR0 is 32-bit registers: any other access shape is refused. */
TEST_S(vgpu, bar0_bad_access)
{
	const int bar0 = VFIO_PCI_BAR0_REGION_INDEX;
	static const struct { uint64_t off; size_t len; } bad[] = {
		{ 1, 4 }, { 2, 4 }, { 3, 4 }, { 0x1e, 4 },	/* unaligned */
		{ 4, 8 }, { 0x1c, 8 },			/* 64-bit, unaligned */
		{ 0, 1 }, { 0, 2 }, { 0, 3 }, { 0, 5 }, { 0, 16 },
		{ MVGPU_REG_SCRATCH, 2 }, { MVGPU_REG_SCRATCH, 1 },
		{ MVGPU_BAR0_SIZE, 4 }, { MVGPU_BAR0_SIZE - 4, 8 },
		{ MVGPU_BAR0_SIZE + 0x1000, 4 }, { 1ull << 32, 4 },
	};
	uint8_t buf[16];

	REG_WR(MVGPU_REG_SCRATCH, 0x11223344);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(buf, 0xee, sizeof(buf));
		ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar0, bad[i].off, buf,
					  bad[i].len, false))
			TH_LOG("read at 0x%" PRIx64 ", %zu bytes", bad[i].off,
			       bad[i].len);
		ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar0, bad[i].off, buf,
					  bad[i].len, true))
			TH_LOG("write at 0x%" PRIx64 ", %zu bytes", bad[i].off,
			       bad[i].len);
	}
	/* None of the refused writes landed. */
	ASSERT_EQ(0x11223344, REG_RD(MVGPU_REG_SCRATCH));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	/* The last register and last 8 bytes are fine. */
	ASSERT_EQ(0, dev_rw(&self->dev, bar0, MVGPU_BAR0_SIZE - 4, buf, 4,
			    false));
	ASSERT_EQ(0, dev_rw(&self->dev, bar0, MVGPU_BAR0_SIZE - 8, buf, 8,
			    false));

	/* Regions that do not exist refuse access. */
	static const int absent[] = {
		VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
		VFIO_PCI_BAR4_REGION_INDEX, VFIO_PCI_BAR5_REGION_INDEX,
		VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX,
	};
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++) {
		/* Offsets from the region layout: index << shift. */
		uint64_t pos = self->dev.regions[absent[i]].offset;
		ssize_t n;

		ASSERT_EQ(0, self->dev.regions[absent[i]].size);
		n = pread(self->dev.device_fd, buf, 4, (off_t)pos);
		ASSERT_EQ(-1, n) TH_LOG("region %d", absent[i]);
		ASSERT_EQ(EINVAL, errno);
	}
	/* Far beyond the last region. */
	ASSERT_EQ(-1, pread(self->dev.device_fd, buf, 4,
			    (off_t)(self->dev.regions[VFIO_PCI_VGA_REGION_INDEX].offset * 2)));
	ASSERT_EQ(EINVAL, errno);
}

/*
 * INTx: a level, signalled on the eventfd when it asserts; automasked
 * after each signal until the user unmasks it through VFIO.
 */
TEST_S(vgpu, intx)
{
	int fd = self->efd[0];
	uint64_t cnt;

	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   fd));
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));

	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
	ASSERT_EQ(1, cnt);
	ASSERT_EQ(MVGPU_INT_SOFTWARE, REG_RD(MVGPU_REG_INT_STATUS));

	/* Still asserted: raising again is no new edge. */
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));

	/* W1C deasserts; a new assertion while automasked is held back... */
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));
	/* ...until the unmask, which signals the pending level at once. */
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
	ASSERT_EQ(1, cnt);

	/* Deassert, then unmask: nothing to signal. */
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));

	/* A disabled source does not interrupt, enabling it does. */
	REG_WR(MVGPU_REG_INT_MASK, 0);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(MVGPU_INT_SOFTWARE, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));

	/* VFIO mask: no signal while masked, signal on unmask. */
	ASSERT_EQ(0, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_MASK,
			      VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));

	/* Command register INTx Disable holds the line low. */
	CFG_WR(PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(fd, NO_EVENT_MS, NULL));
	CFG_WR(PCI_COMMAND, 0, 2);
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));

	/* Loopback: a DATA_NONE trigger signals the eventfd. */
	ASSERT_EQ(0, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0));
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));

	/* Unmasking through an eventfd (resampler) is not offered. */
	int32_t efd = fd;

	ASSERT_EQ(-ENOTTY, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_UNMASK,
				    VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &efd,
				    sizeof(efd)));
}

/* With MSI enabled in config space, interrupts go to the MSI eventfd. */
TEST_S(vgpu, msi)
{
	int intx = self->efd[0], msi = self->efd[1];
	uint16_t flags;
	uint64_t cnt;

	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   intx));
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
					   msi));
	CFG_WR(MSI_CAP + PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	CFG_WR(MSI_CAP + PCI_MSI_DATA_64, 0x4041, 2);
	flags = CFG_RD(MSI_CAP + PCI_MSI_FLAGS, 2);
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, flags | PCI_MSI_FLAGS_ENABLE, 2);
	CFG_WR(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
	       PCI_COMMAND_INTX_DISABLE, 2);
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);

	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(msi, EVENT_MS, &cnt));
	ASSERT_EQ(1, cnt);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(intx, NO_EVENT_MS, NULL));
	/* MSI is an edge per event: every raise sends a message. */
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(msi, EVENT_MS, &cnt));
	ASSERT_EQ(1, cnt);
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(msi, NO_EVENT_MS, NULL));
	/* A disabled source sends nothing. */
	REG_WR(MVGPU_REG_INT_MASK, 0);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(msi, NO_EVENT_MS, NULL));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(intx, NO_EVENT_MS, NULL));

	/* MSI off again: back to INTx. */
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, flags, 2);
	CFG_WR(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(intx, EVENT_MS, &cnt));
	ASSERT_EQ(-ETIMEDOUT, ev_wait(msi, NO_EVENT_MS, NULL));
}

/* Triggers can be dropped (fd -1 or count 0) and set again. */
TEST_S(vgpu, irq_trigger_disable)
{
	int intx = self->efd[0], msi = self->efd[1];
	uint64_t cnt;

	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);

	/* MSI: fd -1 disables. */
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
					   msi));
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(msi, EVENT_MS, &cnt));
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
					   -1));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(msi, NO_EVENT_MS, NULL));
	/* And count 0 with DATA_NONE, after setting it again. */
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
					   msi));
	ASSERT_EQ(0, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL, 0));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(msi, NO_EVENT_MS, NULL));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, 0, 2);

	/* INTx: fd -1 disables; the line state is not lost. */
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   intx));
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   -1));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(intx, NO_EVENT_MS, NULL));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   intx));
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(intx, EVENT_MS, &cnt));
	/* count 0 disables and clears the automask. */
	ASSERT_EQ(0, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL, 0));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_SOFTWARE);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(-ETIMEDOUT, ev_wait(intx, NO_EVENT_MS, NULL));

	/* Bad requests. */
	int32_t efd = intx;

	ASSERT_EQ(-EINVAL, mvgpu_irq_set_eventfd(&self->dev,
						 VFIO_PCI_MSIX_IRQ_INDEX, intx));
	ASSERT_EQ(-EINVAL, mvgpu_irq_set_eventfd(&self->dev,
						 VFIO_PCI_ERR_IRQ_INDEX, intx));
	ASSERT_EQ(-EINVAL, mvgpu_irq_set_eventfd(&self->dev,
						 VFIO_PCI_NUM_IRQS, intx));
	ASSERT_EQ(-EINVAL, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER,
				    VFIO_PCI_MSI_IRQ_INDEX, 1, 1, &efd,
				    sizeof(efd)));
	ASSERT_EQ(-EINVAL, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_MASK,
				    VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd,
				    sizeof(efd)));
	/* Not an eventfd. */
	efd = self->dev.device_fd;
	ASSERT_EQ(-EINVAL, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER,
				    VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd,
				    sizeof(efd)));
	efd = 1000000;
	ASSERT_EQ(-EBADF, set_irqs(&self->dev, VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_TRIGGER,
				   VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd,
				   sizeof(efd)));
}

/* Write through one path, read through the other, at telling offsets. */
TEST_S(vgpu, bar2_mmap_rw)
{
	uint64_t size = self->req.vram, chunk = self->pg.vram_chunk;
	const uint64_t offs[] = {
		0, 8, size / 2 - 8, size / 2, chunk - 8, chunk - 4, chunk,
		chunk + 4096 - 8, size - chunk - 8, size - 16, size - 8,
	};
	volatile uint8_t *map;
	uint8_t buf[64], want[64];

	ASSERT_EQ(size, self->dev.regions[VFIO_PCI_BAR2_REGION_INDEX].size);
	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	map = self->dev.bar2;

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		uint64_t off = offs[i];
		size_t len;

		/* Offsets past a small aperture (one chunk, say) do not apply. */
		if (off >= size)
			continue;
		len = off + 16 <= size ? 16 : size - off;

		/* mmap write, pread back. */
		for (size_t k = 0; k < len; k++)
			map[off + k] = (uint8_t)(0xa0 + i * 16 + k);
		__sync_synchronize();
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(0, mvgpu_vram_read(&self->dev, off, buf, len))
			TH_LOG("offset 0x%" PRIx64, off);
		for (size_t k = 0; k < len; k++) {
			ASSERT_EQ((uint8_t)(0xa0 + i * 16 + k), buf[k])
				TH_LOG("offset 0x%" PRIx64, off + k);
		}

		/* pwrite, mmap read back. */
		for (size_t k = 0; k < len; k++)
			want[k] = (uint8_t)(0x17 * (i + 1) + k);
		ASSERT_EQ(0, mvgpu_vram_write(&self->dev, off, want, len));
		for (size_t k = 0; k < len; k++) {
			ASSERT_EQ(want[k], map[off + k])
				TH_LOG("offset 0x%" PRIx64, off + k);
		}
	}

	/* One pread/pwrite across a chunk boundary, bigger than a page. */
	size_t big = 3 * 4096 + 100;
	uint8_t *tmp = malloc(big), *back = malloc(big);
	uint64_t start = chunk - 4096 - 50;

	ASSERT_NE(NULL, tmp);
	ASSERT_NE(NULL, back);
	if (start + big <= size) {
		for (size_t k = 0; k < big; k++)
			tmp[k] = (uint8_t)(k * 7 + 3);
		ASSERT_EQ(0, mvgpu_vram_write(&self->dev, start, tmp, big));
		for (size_t k = 0; k < big; k++) {
			ASSERT_EQ(tmp[k], map[start + k])
				TH_LOG("offset 0x%" PRIx64, start + k);
		}
		ASSERT_EQ(0, mvgpu_vram_read(&self->dev, start, back, big));
		ASSERT_EQ(0, memcmp(tmp, back, big));
	}
	free(tmp);
	free(back);

	/* Pattern over the whole aperture through the mapping. */
	fill_pattern(map, size, 0x1234);
	ASSERT_EQ(-1, check_pattern(map, size, 0x1234));
	for (uint64_t off = 0; off < size; off += chunk) {
		uint64_t w;

		ASSERT_EQ(0, mvgpu_vram_read(&self->dev, off + 8, &w, 8));
		ASSERT_EQ(pattern_word(0x1234, off + 8), w);
	}
}

TEST_S(vgpu, bar2_mmap_errors)
{
	const int bar2 = VFIO_PCI_BAR2_REGION_INDEX;
	uint64_t size = self->dev.regions[bar2].size;
	uint64_t chunk = self->pg.vram_chunk;
	uint64_t span = size >= 2 * chunk ? 2 * chunk : size;
	const int rw = PROT_READ | PROT_WRITE;
	long pg = getpagesize();
	volatile uint64_t *a, *b;
	void *p;

	/* Beyond the region: too long, or starting at or past its end. */
	p = dev_mmap(self, bar2, 0, size + pg, rw, MAP_SHARED);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = dev_mmap(self, bar2, size, pg, rw, MAP_SHARED);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = dev_mmap(self, bar2, size - pg, 2 * pg, rw, MAP_SHARED);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);

	/* Regions other than BAR2 cannot be mapped. */
	static const int other[] = {
		VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX,
		VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
		VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX,
	};
	for (size_t i = 0; i < ARRAY_SIZE(other); i++) {
		p = dev_mmap(self, other[i], 0, pg, rw, MAP_SHARED);
		ASSERT_EQ(MAP_FAILED, p) TH_LOG("region %d", other[i]);
		ASSERT_EQ(EINVAL, errno);
	}

	/* A private (copy-on-write) mapping is refused. */
	p = dev_mmap(self, bar2, 0, pg, rw, MAP_PRIVATE);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = dev_mmap(self, bar2, 0, pg, PROT_READ, MAP_PRIVATE);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);

	/* Partial mappings at an offset see the same VRAM. */
	a = dev_mmap(self, bar2, 0, size, rw, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, a);
	b = dev_mmap(self, bar2, size - span, span, rw, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, b);
	b[0] = 0x0102030405060708ull;
	b[span / 16] = 0x1112131415161718ull;
	b[span / 8 - 1] = 0x2122232425262728ull;
	__sync_synchronize();
	ASSERT_EQ(0x0102030405060708ull, a[(size - span) / 8]);
	ASSERT_EQ(0x1112131415161718ull, a[(size - span / 2) / 8]);
	ASSERT_EQ(0x2122232425262728ull, a[size / 8 - 1]);
	dev_munmap(self, b);
	/* A read-only mapping works too. */
	b = dev_mmap(self, bar2, size - pg, pg, PROT_READ, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_EQ(0x2122232425262728ull, b[pg / 8 - 1]);
	dev_munmap(self, b);
	/* It cannot grow past what was checked at mmap time. */
	p = mremap((void *)a, size, size + pg, MREMAP_MAYMOVE);
	ASSERT_EQ(MAP_FAILED, p);
	dev_munmap(self, a);
}

/* A mapping survives fork() into the child and splits cleanly. */
TEST_S(vgpu, bar2_fork_and_split)
{
	const int bar2 = VFIO_PCI_BAR2_REGION_INDEX;
	uint64_t size = self->req.vram;
	long pg = getpagesize();
	volatile uint64_t *a;
	int status;
	pid_t pid;

	a = dev_mmap(self, bar2, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, a);
	a[0] = 0x1111;
	a[size / 8 - 1] = 0x2222;
	__sync_synchronize();

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The child sees the same VRAM and writes into it. */
		if (a[0] != 0x1111 || a[size / 8 - 1] != 0x2222)
			_exit(1);
		a[1] = 0x3333;
		__sync_synchronize();
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0x3333, a[1]);

	/* Punch a hole in the middle; both halves keep working. */
	ASSERT_EQ(0, munmap((void *)((uintptr_t)a + size / 2), pg));
	a[size / 32] = 0x4444;	/* byte offset size / 4 */
	a[(size / 2 + pg) / 8] = 0x5555;
	__sync_synchronize();
	uint64_t w = 0;

	ASSERT_EQ(0, mvgpu_vram_read(&self->dev, size / 2, &w, 8));
	ASSERT_EQ(0, w);
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev, size / 2 + pg, &w, 8));
	ASSERT_EQ(0x5555, w);
	ASSERT_EQ(0x4444, a[size / 32]);
	/* Teardown unmaps the whole range, hole included. */
}

/* Reads and writes of BAR2 through the file stay inside the region. */
TEST_S(vgpu, bar2_rw_bounds)
{
	const int bar2 = VFIO_PCI_BAR2_REGION_INDEX;
	uint64_t size = self->req.vram;
	uint8_t buf[4096];

	memset(buf, 0x5c, sizeof(buf));
	ASSERT_EQ(0, dev_rw(&self->dev, bar2, size - 4096, buf, 4096, true));
	ASSERT_EQ(0, dev_rw(&self->dev, bar2, size - 1, buf, 1, false));
	ASSERT_EQ(0x5c, buf[0]);
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size, buf, 1, false));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size, buf, 1, true));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size - 4, buf, 8, false));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size - 4, buf, 8, true));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size + 4096, buf, 4,
				  false));
	/* A refused write wrote nothing, not even the part inside. */
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(-EINVAL, dev_rw(&self->dev, bar2, size - 16, buf, 32, true));
	ASSERT_EQ(0, dev_rw(&self->dev, bar2, size - 16, buf, 16, false));
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(0x5c, buf[i]);
}

/*
 * The last close hands the vGPU to its next user in power-on state: its
 * registers, interrupt setup and config space hold nothing of the previous
 * user, and INTx works without touching MSI.
 */
TEST_S(vgpu, close_restores_power_on)
{
	uint8_t fresh[CFG_SIZE], now[CFG_SIZE];
	int fd = self->efd[0];
	uint64_t cnt;

	ASSERT_EQ(0, mvgpu_cfg_read(&self->dev, 0, fresh, CFG_SIZE));

	/* A user that programs everything and leaves MSI on. */
	CFG_WR(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
	       PCI_COMMAND_INTX_DISABLE, 2);
	CFG_WR(PCI_BASE_ADDRESS_0, 0xfe000000, 4);
	CFG_WR(PCI_BASE_ADDRESS_2, 0, 4);
	CFG_WR(PCI_BASE_ADDRESS_3, 0x80, 4);
	CFG_WR(PCI_INTERRUPT_LINE, 11, 1);
	CFG_WR(MSI_CAP + PCI_MSI_ADDRESS_LO, 0xfee01000, 4);
	CFG_WR(MSI_CAP + PCI_MSI_DATA_64, 0x4055, 2);
	CFG_WR(MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	REG_WR(MVGPU_REG_SCRATCH, 0x600dcafe);
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	mvgpu_close(&self->dev);
	self->open = false;

	ASSERT_EQ(0, mvgpu_open(&self->dev, self->uuid));
	self->open = true;
	ASSERT_EQ(0, mvgpu_cfg_read(&self->dev, 0, now, CFG_SIZE));
	for (int off = 0; off < CFG_SIZE; off++) {
		ASSERT_EQ(fresh[off], now[off]) TH_LOG("config offset 0x%x", off);
	}
	ASSERT_EQ(0, REG_RD(MVGPU_REG_SCRATCH));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_MASK));

	/* The new user gets INTx without knowing about MSI. */
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   fd));
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	ASSERT_EQ(0, ev_wait(fd, EVENT_MS, &cnt));
}

/* Device reset (VFIO_DEVICE_RESET or the RESET register). */
static void check_reset(struct __test_metadata *_metadata,
			FIXTURE_DATA(vgpu) *self, int how)
{
	uint64_t size = self->req.vram, chunk = self->pg.vram_chunk;
	/* First and last chunk, or quarter of a small aperture. */
	uint64_t part = chunk < size / 4 ? chunk : size / 4;
	volatile uint8_t *map;
	uint32_t count0;
	uint64_t resets;

	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	map = self->dev.bar2;
	fill_pattern(map, part, 0x77);
	fill_pattern(map + size - part, part, 0x78);
	map[size / 2] = 0x42;
	REG_WR(MVGPU_REG_SCRATCH, 0xcafef00d);
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_SOFTWARE);
	REG_WR(MVGPU_REG_INT_RAISE, MVGPU_INT_SOFTWARE);
	count0 = REG_RD(MVGPU_REG_RESET_COUNT);
	ASSERT_EQ(0, mdev_attr(self->uuid, "mvgpu/resets", &resets));
	ASSERT_EQ(count0, resets);

	switch (how) {
	case 0:
		ASSERT_EQ(0, mvgpu_reset(&self->dev));
		break;
	case 1:
		REG_WR(MVGPU_REG_RESET, MVGPU_RESET_KEY);
		break;
	default:
		/* Wrong keys do nothing at all. */
		REG_WR(MVGPU_REG_RESET, MVGPU_RESET_KEY ^ 1);
		REG_WR(MVGPU_REG_RESET, 0);
		REG_WR(MVGPU_REG_RESET, 0xffffffff);
		ASSERT_EQ(count0, REG_RD(MVGPU_REG_RESET_COUNT));
		ASSERT_EQ(0xcafef00d, REG_RD(MVGPU_REG_SCRATCH));
		ASSERT_EQ(MVGPU_INT_SOFTWARE, REG_RD(MVGPU_REG_INT_STATUS));
		ASSERT_EQ(MVGPU_INT_SOFTWARE, REG_RD(MVGPU_REG_INT_MASK));
		ASSERT_EQ(-1, check_pattern(map, part, 0x77));
		ASSERT_EQ(-1, check_pattern(map + size - part, part, 0x78));
		ASSERT_EQ(0x42, map[size / 2]);
		return;
	}

	ASSERT_EQ(count0 + 1, REG_RD(MVGPU_REG_RESET_COUNT));
	ASSERT_EQ(0, mdev_attr(self->uuid, "mvgpu/resets", &resets));
	ASSERT_EQ(count0 + 1, resets);
	ASSERT_EQ(0, REG_RD(MVGPU_REG_SCRATCH));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_INT_MASK));
	ASSERT_EQ(MVGPU_STATUS_READY, REG_RD(MVGPU_REG_STATUS));
	ASSERT_EQ(MVGPU_MAGIC, REG_RD(MVGPU_REG_MAGIC));
	/* All of VRAM is zero, seen through the mapping made before. */
	ASSERT_EQ(-1, scan_words(map, size, 0));
	/* And the vGPU works on. */
	REG_WR(MVGPU_REG_SCRATCH, 7);
	ASSERT_EQ(7, REG_RD(MVGPU_REG_SCRATCH));
	map[0] = 1;
	__sync_synchronize();
	uint8_t b = 0;

	ASSERT_EQ(0, mvgpu_vram_read(&self->dev, 0, &b, 1));
	ASSERT_EQ(1, b);
}

TEST_S(vgpu, reset_ioctl)
{
	check_reset(_metadata, self, 0);
	/* Twice in a row counts twice. */
	check_reset(_metadata, self, 0);
}

TEST_S(vgpu, reset_register)
{
	check_reset(_metadata, self, 1);
}

TEST_S(vgpu, reset_wrong_key)
{
	check_reset(_metadata, self, 2);
}

/*
 * Tenants: vGPUs on one empty pGPU, to check that VRAM starts zeroed and
 * that no data crosses from one vGPU to another.
 */
FIXTURE(tenants) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_dev dev[3];
	bool open[3];
	char uuid[3][MVGPU_UUID_LEN + 1];
};

FIXTURE_SETUP(tenants)
{
	int ret = pgpu_pick_empty(&self->pg, 0);

	catch_crashes(_metadata);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	if (!type_req_of(&self->pg, type_index("half")).exists)
		SKIP(return, "pGPU has no half type");
}

FIXTURE_TEARDOWN(tenants)
{
	for (int i = 0; i < 3; i++)
		if (self->open[i])
			mvgpu_close(&self->dev[i]);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
}

static void tenant_up(struct __test_metadata *_metadata,
		      FIXTURE_DATA(tenants) *self, int i, const char *type)
{
	int ret;

	ret = vgpus_create(&self->vl, self->pg.name, type, self->uuid[i]);
	ASSERT_EQ(0, ret) TH_LOG("create %s: %s", type, strerror(-ret));
	ASSERT_EQ(0, mvgpu_open(&self->dev[i], self->uuid[i]));
	self->open[i] = true;
	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev[i]));
}

static void tenant_down(struct __test_metadata *_metadata,
			FIXTURE_DATA(tenants) *self, int i)
{
	mvgpu_close(&self->dev[i]);
	self->open[i] = false;
	ASSERT_EQ(0, vgpus_remove(&self->vl, self->uuid[i]));
}

#define VRAM(i) ((volatile uint8_t *)self->dev[i].bar2)
#define VSIZE(i) (self->dev[i].regions[VFIO_PCI_BAR2_REGION_INDEX].size)

/* Every byte of a fresh half-size vGPU reads zero. */
TEST_S_TIMEOUT(tenants, zero_after_create, 90)
{
	tenant_up(_metadata, self, 0, "half");
	ASSERT_EQ(self->pg.vram_total / 2, VSIZE(0));
	ASSERT_EQ(-1, scan_words(VRAM(0), VSIZE(0), 0));
}

/* Two vGPUs: what one writes, the other never sees. */
TEST_S_TIMEOUT(tenants, isolation, 90)
{
	uint64_t w;

	tenant_up(_metadata, self, 0, "half");
	tenant_up(_metadata, self, 1, "half");
	ASSERT_EQ(-1, scan_words(VRAM(1), VSIZE(1), 0));

	fill_pattern(VRAM(0), VSIZE(0), 0xaaaa);
	ASSERT_EQ(-1, scan_words(VRAM(1), VSIZE(1), 0));
	/* Through the file too. */
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev[1], VSIZE(1) - 8, &w, 8));
	ASSERT_EQ(0, w);

	fill_pattern(VRAM(1), VSIZE(1), 0xbbbb);
	ASSERT_EQ(-1, check_pattern(VRAM(0), VSIZE(0), 0xaaaa));
	ASSERT_EQ(-1, check_pattern(VRAM(1), VSIZE(1), 0xbbbb));
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev[0], 0, &w, 8));
	ASSERT_EQ(pattern_word(0xaaaa, 0), w);

	/* Resetting one leaves the other alone. */
	ASSERT_EQ(0, mvgpu_reset(&self->dev[1]));
	ASSERT_EQ(-1, scan_words(VRAM(1), VSIZE(1), 0));
	ASSERT_EQ(-1, check_pattern(VRAM(0), VSIZE(0), 0xaaaa));
}

/* VRAM a vGPU wrote is zero for the next vGPU that gets the same chunks. */
TEST_S_TIMEOUT(tenants, reuse_zeroed, 90)
{
	uint64_t half, w;

	tenant_up(_metadata, self, 0, "half");
	half = VSIZE(0);
	fill_pattern(VRAM(0), half, 0xc0c0);
	tenant_down(_metadata, self, 0);
	/* Allocation takes the lowest free chunks: the same ones again. */
	tenant_up(_metadata, self, 1, "half");
	ASSERT_EQ(-1, scan_words(VRAM(1), half, 0));
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev[1], 16, &w, 8));
	ASSERT_EQ(0, w);
}

/*
 * A partition made of chunks that are not adjacent in pGPU VRAM: the
 * mapping, pread and pwrite all follow the chunk list, across the seam,
 * and the neighbours see none of it.
 */
TEST_S_TIMEOUT(tenants, fragmented, 90)
{
	uint64_t seam = self->pg.vram_total / 16, w;
	uint8_t *buf, *back;
	size_t len = 3 * 4096;
	char hole[MVGPU_UUID_LEN + 1];

	if (!type_req_of(&self->pg, type_index("sixteenth")).exists)
		SKIP(return, "no sixteenth type");
	/* [hole][sixteenth][quarter][free...] */
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "sixteenth", hole));
	tenant_up(_metadata, self, 1, "sixteenth");
	tenant_up(_metadata, self, 2, "quarter");
	ASSERT_EQ(0, vgpus_remove(&self->vl, hole));
	/* An eighth takes the hole and the chunks after the quarter. */
	tenant_up(_metadata, self, 0, "eighth");
	ASSERT_EQ(2 * seam, VSIZE(0));

	fill_pattern(VRAM(0), VSIZE(0), 0xf00d);
	ASSERT_EQ(-1, check_pattern(VRAM(0), VSIZE(0), 0xf00d));
	ASSERT_EQ(-1, scan_words(VRAM(1), VSIZE(1), 0));
	ASSERT_EQ(-1, scan_words(VRAM(2), VSIZE(2), 0));

	/* pread across the seam sees what the mapping wrote. */
	buf = malloc(len);
	back = malloc(len);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, back);
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev[0], seam - len / 2, buf, len));
	for (size_t i = 0; i < len; i += 8) {
		memcpy(&w, buf + i, 8);
		ASSERT_EQ(pattern_word(0xf00d, seam - len / 2 + i), w)
			TH_LOG("offset 0x%" PRIx64, seam - len / 2 + i);
	}
	/* pwrite across the seam lands where the mapping reads. */
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	ASSERT_EQ(0, mvgpu_vram_write(&self->dev[0], seam - len / 2 + 1, buf,
				      len));
	for (size_t i = 0; i < len; i++) {
		ASSERT_EQ(buf[i], VRAM(0)[seam - len / 2 + 1 + i])
			TH_LOG("offset 0x%" PRIx64, seam - len / 2 + 1 + i);
	}
	ASSERT_EQ(0, mvgpu_vram_read(&self->dev[0], seam - len / 2 + 1, back,
				     len));
	ASSERT_EQ(0, memcmp(buf, back, len));
	free(buf);
	free(back);

	/* The neighbours: still zero; their writes do not reach the eighth. */
	ASSERT_EQ(-1, scan_words(VRAM(1), VSIZE(1), 0));
	ASSERT_EQ(-1, scan_words(VRAM(2), VSIZE(2), 0));
	fill_pattern(VRAM(1), VSIZE(1), 0x1111);
	fill_pattern(VRAM(2), VSIZE(2), 0x2222);
	ASSERT_EQ(-1, check_pattern(VRAM(0), seam - len / 2, 0xf00d));
	ASSERT_EQ(-1, check_pattern(VRAM(1), VSIZE(1), 0x1111));
	ASSERT_EQ(-1, check_pattern(VRAM(2), VSIZE(2), 0x2222));
}

TEST_HARNESS_MAIN
