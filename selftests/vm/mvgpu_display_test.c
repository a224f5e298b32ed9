// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: the display of a vGPU. The guest-visible display
 * block in BAR0 (plane validation, flips, status, limits, the monitor's
 * EDID), the VFIO EDID region through which the host sets the monitor,
 * VFIO_DEVICE_QUERY_GFX_PLANE with region planes (the scanout region that
 * follows flips, by mmap and by read) and with dma-buf planes (opt-in per
 * vGPU through sysfs). Runs as root in the test VM with the modules loaded.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <mvgpu/mvgpu_vfio.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"

#define EVENT_MS		2000
#define PLANE_TYPE_PRIMARY	1	/* enum drm_plane_type */
#define PLANE_TYPE_CURSOR	2
#define EDID_BLOCK		128

FIXTURE(disp) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_dev dev;
	struct type_req req;
	bool open;
	char uuid[MVGPU_UUID_LEN + 1];
	uint64_t edid_off;	/* file offset of the EDID region */
	uint64_t scan_off;	/* file offset of the scanout region */
	uint32_t max_w, max_h;
	int nmaps;
	void *maps[8];
	size_t map_len[8];
	int fds[8];
	int nfds;
};

FIXTURE_VARIANT(disp) {
	const char *type;
};

FIXTURE_VARIANT_ADD(disp, eighth) {
	.type = "eighth",
};

FIXTURE_VARIANT_ADD(disp, full) {
	.type = "full",
};

/* Largest scanout of a type, as the core derives it from its VRAM. */
static void expected_max(uint64_t vram, uint32_t *w, uint32_t *h)
{
	if (vram >= 64ull << 20) {
		*w = 3840;
		*h = 2160;
	} else if (vram >= 32ull << 20) {
		*w = 2560;
		*h = 1600;
	} else {
		*w = 1920;
		*h = 1080;
	}
}

/* Region info with its type capability; -errno. */
static int region_type(int fd, uint32_t index, struct vfio_region_info *out,
		       uint32_t *type, uint32_t *subtype)
{
	union {
		struct vfio_region_info info;
		char buf[512];
	} u;
	struct vfio_info_cap_header *hdr;
	uint32_t off;

	memset(&u, 0, sizeof(u));
	u.info.argsz = sizeof(u);
	u.info.index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &u))
		return -errno;
	*out = u.info;
	*type = *subtype = 0;
	if (!(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	for (off = u.info.cap_offset; off; off = hdr->next) {
		if (off + sizeof(struct vfio_region_info_cap_type) > sizeof(u))
			return -EOVERFLOW;
		hdr = (struct vfio_info_cap_header *)(u.buf + off);
		if (hdr->id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type *t = (void *)hdr;

			*type = t->type;
			*subtype = t->subtype;
		}
	}
	return 0;
}

FIXTURE_SETUP(disp)
{
	struct vfio_region_info info;
	uint32_t type, subtype;
	int t = type_index(variant->type), ret;

	catch_crashes(_metadata);
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	self->req = type_req_of(&self->pg, t);
	if (!self->req.exists)
		SKIP(return, "pGPU has no %s type", variant->type);
	expected_max(self->req.vram, &self->max_w, &self->max_h);
	ret = vgpus_create(&self->vl, self->pg.name, variant->type, self->uuid);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", strerror(-ret));
	ret = mvgpu_open(&self->dev, self->uuid);
	if (ret)
		vgpus_remove_all(&self->vl);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	self->open = true;

	ASSERT_EQ(0, region_type(self->dev.device_fd, MVGPU_REGION_EDID, &info,
				 &type, &subtype));
	ASSERT_EQ(VFIO_REGION_TYPE_GFX, type);
	ASSERT_EQ(VFIO_REGION_SUBTYPE_GFX_EDID, subtype);
	self->edid_off = info.offset;
	ASSERT_EQ(0, region_type(self->dev.device_fd, MVGPU_REGION_SCANOUT,
				 &info, &type, &subtype));
	ASSERT_EQ(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | MVGPU_PCI_VENDOR_ID, type);
	ASSERT_EQ(MVGPU_REGION_SUBTYPE_SCANOUT, subtype);
	self->scan_off = info.offset;
}

FIXTURE_TEARDOWN(disp)
{
	char path[PATH_MAX];

	for (int i = 0; i < self->nmaps; i++)
		munmap(self->maps[i], self->map_len[i]);
	for (int i = 0; i < self->nfds; i++)
		close(self->fds[i]);
	if (self->open)
		mvgpu_close(&self->dev);
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mvgpu/display_dmabuf",
		 self->uuid);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
}

static uint32_t reg_rd(struct __test_metadata *_metadata,
		       struct mvgpu_dev *dev, uint32_t off)
{
	uint32_t v = 0;

	ASSERT_EQ(0, mvgpu_reg_read(dev, off, &v)) TH_LOG("read 0x%x", off);
	return v;
}

static void reg_wr(struct __test_metadata *_metadata, struct mvgpu_dev *dev,
		   uint32_t off, uint32_t val)
{
	ASSERT_EQ(0, mvgpu_reg_write(dev, off, val)) TH_LOG("write 0x%x", off);
}

#define REG_RD(off)		reg_rd(_metadata, &self->dev, off)
#define REG_WR(off, val)	reg_wr(_metadata, &self->dev, off, val)

struct plane {
	uint32_t control, format, width, height, stride;
	uint64_t offset;
};

/* Program the shadow registers and latch them; returns STATUS. */
static uint32_t set_plane(struct __test_metadata *_metadata,
			  struct mvgpu_dev *dev, const struct plane *p)
{
	reg_wr(_metadata, dev, MVGPU_REG_DISP_CONTROL, p->control);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_FORMAT, p->format);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_WIDTH, p->width);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_HEIGHT, p->height);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_STRIDE, p->stride);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_OFFSET_LO, (uint32_t)p->offset);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_OFFSET_HI, p->offset >> 32);
	reg_wr(_metadata, dev, MVGPU_REG_DISP_UPDATE, 1);
	return reg_rd(_metadata, dev, MVGPU_REG_DISP_STATUS);
}

#define SET_PLANE(p)	set_plane(_metadata, &self->dev, p)

static int gfx_query(int fd, uint32_t flags, uint32_t plane_type,
		     struct vfio_device_gfx_plane_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->flags = flags;
	info->drm_plane_type = plane_type;
	return ioctl(fd, VFIO_DEVICE_QUERY_GFX_PLANE, info) ? -errno : 0;
}

/* The EDID the guest sees, through BAR0. */
static uint32_t guest_edid(struct __test_metadata *_metadata,
			   struct mvgpu_dev *dev, uint8_t *buf, size_t len)
{
	uint32_t size = reg_rd(_metadata, dev, MVGPU_REG_DISP_EDID_SIZE);

	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = reg_rd(_metadata, dev, MVGPU_REG_DISP_EDID + i);

		memcpy(buf + i, &v, 4);	/* little-endian host */
	}
	return size;
}

static int edid_sum(const uint8_t *b)
{
	uint8_t sum = 0;

	for (int i = 0; i < EDID_BLOCK; i++)
		sum += b[i];
	return sum;
}

TEST_S(disp, identity)
{
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0 };
	uint8_t edid[MVGPU_DISP_EDID_MAX];
	const uint8_t *dtd = edid + 54;

	ASSERT_TRUE(REG_RD(MVGPU_REG_CAPS) & MVGPU_CAP_DISPLAY);
	ASSERT_EQ(0x00010002, REG_RD(MVGPU_REG_ABI_VERSION));
	ASSERT_EQ(self->max_w, REG_RD(MVGPU_REG_DISP_MAX_WIDTH));
	ASSERT_EQ(self->max_h, REG_RD(MVGPU_REG_DISP_MAX_HEIGHT));
	ASSERT_EQ(MVGPU_DISP_CONNECTED, REG_RD(MVGPU_REG_DISP_CONNECTOR));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_CONTROL));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_UPDATE));

	/* The default monitor: one valid EDID block, 1024x768 preferred. */
	ASSERT_EQ(EDID_BLOCK, guest_edid(_metadata, &self->dev, edid,
					 sizeof(edid)));
	ASSERT_EQ(0, memcmp(edid, header, sizeof(header)));
	ASSERT_EQ(0, edid_sum(edid));
	ASSERT_EQ(1, edid[18]);
	ASSERT_EQ(4, edid[19]);
	ASSERT_EQ(1024, dtd[2] | (dtd[4] >> 4) << 8);
	ASSERT_EQ(768, dtd[5] | (dtd[7] >> 4) << 8);
	for (size_t i = EDID_BLOCK; i < sizeof(edid); i++) {
		ASSERT_EQ(0, edid[i]) TH_LOG("EDID byte %zu past the end", i);
	}

	/* Read-only registers ignore writes. */
	REG_WR(MVGPU_REG_DISP_MAX_WIDTH, 1);
	REG_WR(MVGPU_REG_DISP_STATUS, 3);
	REG_WR(MVGPU_REG_DISP_FLIP_COUNT, 7);
	REG_WR(MVGPU_REG_DISP_CONNECTOR, 0);
	REG_WR(MVGPU_REG_DISP_EDID_SIZE, 0);
	REG_WR(MVGPU_REG_DISP_EDID, 0x12345678);
	ASSERT_EQ(self->max_w, REG_RD(MVGPU_REG_DISP_MAX_WIDTH));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
	ASSERT_EQ(MVGPU_DISP_CONNECTED, REG_RD(MVGPU_REG_DISP_CONNECTOR));
	ASSERT_EQ(EDID_BLOCK, REG_RD(MVGPU_REG_DISP_EDID_SIZE));
	ASSERT_EQ(0xffffff00, REG_RD(MVGPU_REG_DISP_EDID));
}

TEST_S(disp, plane_flip)
{
	struct plane p = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 640, .height = 480, .stride = 640 * 4,
		.offset = 0x10000,
	};

	/* Shadow registers read back and do nothing until UPDATE. */
	REG_WR(MVGPU_REG_DISP_CONTROL, MVGPU_DISP_CONTROL_ENABLE);
	REG_WR(MVGPU_REG_DISP_FORMAT, MVGPU_DISP_FMT_RGB565);
	REG_WR(MVGPU_REG_DISP_OFFSET_HI, 0xabcd);
	ASSERT_EQ(MVGPU_DISP_CONTROL_ENABLE, REG_RD(MVGPU_REG_DISP_CONTROL));
	ASSERT_EQ(MVGPU_DISP_FMT_RGB565, REG_RD(MVGPU_REG_DISP_FORMAT));
	ASSERT_EQ(0xabcd, REG_RD(MVGPU_REG_DISP_OFFSET_HI));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));

	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(1, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
	ASSERT_EQ(640 * 4, REG_RD(MVGPU_REG_DISP_STRIDE));
	ASSERT_EQ(0x10000, REG_RD(MVGPU_REG_DISP_OFFSET_LO));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_OFFSET_HI));

	/* Every format, the largest size, a plane ending at VRAM's end. */
	p.format = MVGPU_DISP_FMT_ARGB8888;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	p.format = MVGPU_DISP_FMT_RGB565;
	p.stride = 640 * 2;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	p.format = MVGPU_DISP_FMT_XRGB8888;
	p.width = self->max_w;
	p.height = self->max_h;
	p.stride = self->max_w * 4;
	p.offset = 0;
	if ((uint64_t)p.stride * p.height <= self->req.vram)
		ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	p.width = 256;
	p.height = 16;
	p.stride = 4096;
	p.offset = self->req.vram - 16 * 4096;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	/* A stride with padding, an odd width. */
	p.width = 17;
	p.stride = 17 * 4 + 12;
	p.offset = 0;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	/* Disabling is a flip too; the other fields do not matter. */
	p.control = 0;
	p.format = 0xdeadbeef;
	p.width = 0;
	ASSERT_EQ(0, SET_PLANE(&p));
	ASSERT_EQ((uint64_t)self->max_w * 4 * self->max_h <= self->req.vram ?
		  7 : 6, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
	/* Writes of UPDATE without bit 0 latch nothing. */
	REG_WR(MVGPU_REG_DISP_CONTROL, MVGPU_DISP_CONTROL_ENABLE);
	REG_WR(MVGPU_REG_DISP_UPDATE, 2);
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
}

TEST_S(disp, plane_invalid)
{
	const uint64_t vram = self->req.vram;
	const struct plane good = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 64, .height = 32, .stride = 256, .offset = 0x2000,
	};
#define EN	MVGPU_DISP_CONTROL_ENABLE
#define XR	MVGPU_DISP_FMT_XRGB8888
	const struct {
		const char *why;
		struct plane p;
	} bad[] = {
		{ "unknown format", { EN, 0x32315659, 64, 32, 256, 0x2000 } },
		{ "format 0", { EN, 0, 64, 32, 256, 0x2000 } },
		{ "width 0", { EN, XR, 0, 32, 256, 0x2000 } },
		{ "height 0", { EN, XR, 64, 0, 256, 0x2000 } },
		{ "width above max", { EN, XR, self->max_w + 1, 1,
				       (self->max_w + 1) * 4, 0 } },
		{ "height above max", { EN, XR, 1, self->max_h + 1, 4, 0 } },
		{ "stride below width", { EN, XR, 64, 32, 252, 0x2000 } },
		{ "stride not 4-aligned", { EN, XR, 64, 32, 258, 0x2000 } },
		{ "stride 0", { EN, XR, 64, 32, 0, 0x2000 } },
		{ "offset not 4K-aligned", { EN, XR, 64, 32, 256, 0x2004 } },
		{ "offset at VRAM end", { EN, XR, 64, 32, 256, vram } },
		{ "end one line past VRAM", { EN, XR, 64, 17, 256,
					      vram - 0x1000 } },
		{ "offset high bits", { EN, XR, 64, 32, 256, 1ull << 32 } },
		{ "offset wraps", { EN, XR, 64, 32, 256, ~0xfffull } },
		{ "offset + size wraps", { EN, XR, 64, 32, 256,
					   0ull - 0x1000 } },
		{ "stride * height huge", { EN, XR, 64, self->max_h,
					    0xfffffffc, 0x1000 } },
		{ "reserved control bit", { 0x3, XR, 64, 32, 256, 0x2000 } },
		{ "reserved bit, disabled", { 0x2, XR, 64, 32, 256, 0x2000 } },
		{ "control bit 31", { 0x80000001, XR, 64, 32, 256, 0x2000 } },
	};
#undef EN
#undef XR

	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&good));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED | MVGPU_DISP_STATUS_INVALID,
			  SET_PLANE(&bad[i].p)) TH_LOG("%s", bad[i].why);
		/* The current plane is untouched. */
		ASSERT_EQ(1, REG_RD(MVGPU_REG_DISP_FLIP_COUNT))
			TH_LOG("%s", bad[i].why);
	}
	/* The next valid plane clears INVALID. */
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&good));
	ASSERT_EQ(2, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
}

TEST_S(disp, reset_clears_plane)
{
	const struct plane p = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 64, .height = 32, .stride = 256, .offset = 0x4000,
	};
	struct vfio_device_gfx_plane_info info;

	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	REG_WR(MVGPU_REG_DISP_STRIDE, 4);
	REG_WR(MVGPU_REG_DISP_UPDATE, 1);
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED | MVGPU_DISP_STATUS_INVALID,
		  REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, mvgpu_reset(&self->dev));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_FLIP_COUNT));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STRIDE));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_OFFSET_LO));
	ASSERT_EQ(0, gfx_query(self->dev.device_fd, VFIO_GFX_PLANE_TYPE_REGION,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(0, info.drm_format);
	ASSERT_EQ(0, info.size);
	/* The monitor is the host's: a guest reset keeps it. */
	ASSERT_EQ(MVGPU_DISP_CONNECTED, REG_RD(MVGPU_REG_DISP_CONNECTOR));
	ASSERT_EQ(EDID_BLOCK, REG_RD(MVGPU_REG_DISP_EDID_SIZE));
	/* So does the guest's reset register. */
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	REG_WR(MVGPU_REG_RESET, MVGPU_RESET_KEY);
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_CONTROL));
}

TEST_HARNESS_MAIN
