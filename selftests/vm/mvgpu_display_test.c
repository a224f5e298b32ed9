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
	for (int i = 0; i < self->nmaps; i++)
		munmap(self->maps[i], self->map_len[i]);
	for (int i = 0; i < self->nfds; i++)
		close(self->fds[i]);
	if (self->open)
		mvgpu_close(&self->dev);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
}

static void *track_map(FIXTURE_DATA(disp) *self, void *p, size_t len)
{
	if (p != MAP_FAILED && self->nmaps < (int)ARRAY_SIZE(self->maps)) {
		self->maps[self->nmaps] = p;
		self->map_len[self->nmaps++] = len;
	}
	return p;
}

static int track_fd(FIXTURE_DATA(disp) *self, int fd)
{
	if (fd >= 0 && self->nfds < (int)ARRAY_SIZE(self->fds))
		self->fds[self->nfds++] = fd;
	return fd;
}

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

/* 32-bit access to the EDID region header; -errno. */
static int edid_reg(FIXTURE_DATA(disp) *self, uint64_t off, uint32_t *val,
		    bool write)
{
	ssize_t n;

	if (write)
		n = pwrite(self->dev.device_fd, val, 4,
			   (off_t)(self->edid_off + off));
	else
		n = pread(self->dev.device_fd, val, 4,
			  (off_t)(self->edid_off + off));
	if (n < 0)
		return -errno;
	return n == 4 ? 0 : -EIO;
}

/* Any access to the EDID region; -errno. */
static int edid_rw(FIXTURE_DATA(disp) *self, uint64_t off, void *buf,
		   size_t len, bool write)
{
	ssize_t n;

	if (write)
		n = pwrite(self->dev.device_fd, buf, len,
			   (off_t)(self->edid_off + off));
	else
		n = pread(self->dev.device_fd, buf, len,
			  (off_t)(self->edid_off + off));
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
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
		{ "stride above the maximum", { EN, XR, 1, 1,
						MVGPU_DISP_MAX_STRIDE + 4, 0 } },
		{ "stride 4 GiB - 4, one line", { EN, XR, 1, 1, 0xfffffffc,
						  0 } },
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

TEST_S(disp, edid_region)
{
	struct vfio_region_info info;
	uint32_t type, subtype, v;
	uint8_t blob[MVGPU_DISP_EDID_MAX], guest[MVGPU_DISP_EDID_MAX];
	uint8_t big[MVGPU_DISP_EDID_MAX + 4] = { 0 };
	uint64_t events;
	int efd;

	ASSERT_EQ(0, region_type(self->dev.device_fd, MVGPU_REGION_EDID, &info,
				 &type, &subtype));
	ASSERT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_CAPS, info.flags);
	ASSERT_EQ(MVGPU_EDID_REGION_BLOB + MVGPU_DISP_EDID_MAX, info.size);
	/* Too small an argsz: the size of the chain is reported back. */
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = MVGPU_REGION_EDID;
	ASSERT_EQ(0, ioctl(self->dev.device_fd, VFIO_DEVICE_GET_REGION_INFO,
			   &info));
	ASSERT_LT(sizeof(info), info.argsz);
	ASSERT_EQ(0, info.cap_offset);

#define HDR(f)	offsetof(struct vfio_region_gfx_edid, f)
	ASSERT_EQ(0, edid_reg(self, HDR(edid_offset), &v, false));
	ASSERT_EQ(MVGPU_EDID_REGION_BLOB, v);
	ASSERT_EQ(0, edid_reg(self, HDR(edid_max_size), &v, false));
	ASSERT_EQ(MVGPU_DISP_EDID_MAX, v);
	ASSERT_EQ(0, edid_reg(self, HDR(edid_size), &v, false));
	ASSERT_EQ(EDID_BLOCK, v);
	ASSERT_EQ(0, edid_reg(self, HDR(max_xres), &v, false));
	ASSERT_EQ(self->max_w, v);
	ASSERT_EQ(0, edid_reg(self, HDR(max_yres), &v, false));
	ASSERT_EQ(self->max_h, v);
	ASSERT_EQ(0, edid_reg(self, HDR(link_state), &v, false));
	ASSERT_EQ(VFIO_DEVICE_GFX_LINK_STATE_UP, v);

	/* The host's blob starts as the guest's EDID. */
	ASSERT_EQ(0, edid_rw(self, MVGPU_EDID_REGION_BLOB, blob, sizeof(blob),
			     false));
	guest_edid(_metadata, &self->dev, guest, sizeof(guest));
	ASSERT_EQ(0, memcmp(blob, guest, EDID_BLOCK));

	/* Bad accesses. */
	ASSERT_EQ(-EINVAL, edid_reg(self, 2, &v, false));
	ASSERT_EQ(-EINVAL, edid_rw(self, 0, &v, 2, false));
	ASSERT_EQ(-EINVAL, edid_rw(self, 0, big, 8, false));
	ASSERT_EQ(-EINVAL, edid_reg(self, sizeof(struct vfio_region_gfx_edid),
				    &v, false));
	ASSERT_EQ(-EINVAL, edid_reg(self, MVGPU_EDID_REGION_BLOB - 4, &v,
				    false));
	v = 0;
	ASSERT_EQ(-EINVAL, edid_reg(self, HDR(edid_offset), &v, true));
	ASSERT_EQ(-EINVAL, edid_reg(self, HDR(max_xres), &v, true));
	v = MVGPU_DISP_EDID_MAX + 1;
	ASSERT_EQ(-EINVAL, edid_reg(self, HDR(edid_size), &v, true));
	v = 3;
	ASSERT_EQ(-EINVAL, edid_reg(self, HDR(link_state), &v, true));
	v = 0;
	ASSERT_EQ(-EINVAL, edid_reg(self, HDR(link_state), &v, true));
	ASSERT_EQ(-EINVAL, edid_rw(self, MVGPU_EDID_REGION_BLOB, big,
				   sizeof(big), true));
	ASSERT_EQ(-EINVAL, edid_rw(self, MVGPU_EDID_REGION_BLOB +
				   MVGPU_DISP_EDID_MAX - 2, big, 4, false));
	ASSERT_EQ(-EINVAL, edid_rw(self, MVGPU_EDID_REGION_BLOB +
				   MVGPU_DISP_EDID_MAX, big, 1, false));
	ASSERT_EQ(-EINVAL, edid_rw(self, (1ull << 40) - 1, big, 1, false));
	ASSERT_EQ(0, edid_reg(self, HDR(edid_size), &v, false));
	ASSERT_EQ(EDID_BLOCK, v);

	/* The guest hears of link changes through the DISPLAY interrupt. */
	efd = track_fd(self, eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
					   efd));
	REG_WR(MVGPU_REG_INT_MASK, MVGPU_INT_DISPLAY);

	/* What QEMU does for xres/yres: link down, new EDID, link up. */
	v = VFIO_DEVICE_GFX_LINK_STATE_DOWN;
	ASSERT_EQ(0, edid_reg(self, HDR(link_state), &v, true));
	ASSERT_EQ(0, mvgpu_eventfd_wait(efd, EVENT_MS, &events));
	ASSERT_EQ(MVGPU_INT_DISPLAY, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_CONNECTOR));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_EDID_SIZE));
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_EDID));
	REG_WR(MVGPU_REG_INT_STATUS, MVGPU_INT_DISPLAY);
	ASSERT_EQ(0, mvgpu_irq_intx_unmask(&self->dev));

	/* Two blocks: a changed product code and a second, extension block. */
	blob[10] = 0x42;
	blob[127] -= 0x42 - 0x01;
	blob[126] = 1;
	blob[127] -= 1;
	for (int i = 0; i < EDID_BLOCK; i++)
		blob[EDID_BLOCK + i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(0, edid_rw(self, MVGPU_EDID_REGION_BLOB, blob,
			     2 * EDID_BLOCK, true));
	v = 2 * EDID_BLOCK;
	ASSERT_EQ(0, edid_reg(self, HDR(edid_size), &v, true));
	/* Nothing reaches the guest before the link comes up. */
	ASSERT_EQ(0, REG_RD(MVGPU_REG_DISP_EDID_SIZE));
	v = VFIO_DEVICE_GFX_LINK_STATE_UP;
	ASSERT_EQ(0, edid_reg(self, HDR(link_state), &v, true));
	ASSERT_EQ(0, mvgpu_eventfd_wait(efd, EVENT_MS, &events));
	ASSERT_EQ(MVGPU_INT_DISPLAY, REG_RD(MVGPU_REG_INT_STATUS));
	ASSERT_EQ(MVGPU_DISP_CONNECTED, REG_RD(MVGPU_REG_DISP_CONNECTOR));
	ASSERT_EQ(2 * EDID_BLOCK, guest_edid(_metadata, &self->dev, guest,
					     sizeof(guest)));
	ASSERT_EQ(0, memcmp(blob, guest, 2 * EDID_BLOCK));
	ASSERT_EQ(0, edid_sum(guest));
	for (size_t i = 2 * EDID_BLOCK; i < sizeof(guest); i++) {
		ASSERT_EQ(0, guest[i]);
	}
	/* A guest reset keeps the monitor. */
	ASSERT_EQ(0, mvgpu_reset(&self->dev));
	ASSERT_EQ(2 * EDID_BLOCK, REG_RD(MVGPU_REG_DISP_EDID_SIZE));

	/* A new user of the vGPU gets the default monitor back. */
	mvgpu_close(&self->dev);
	self->open = false;
	self->nfds = 0;
	close(efd);
	ASSERT_EQ(0, mvgpu_open(&self->dev, self->uuid));
	self->open = true;
	ASSERT_EQ(EDID_BLOCK, REG_RD(MVGPU_REG_DISP_EDID_SIZE));
	ASSERT_EQ(0, edid_reg(self, HDR(edid_size), &v, false));
	ASSERT_EQ(EDID_BLOCK, v);
#undef HDR
}

static void fill_vram(struct __test_metadata *_metadata, struct mvgpu_dev *dev,
		      uint64_t off, size_t len, uint32_t seed)
{
	uint32_t *buf = malloc(len);

	ASSERT_NE(NULL, buf);
	for (size_t i = 0; i < len / 4; i++)
		buf[i] = seed * 0x01000193u ^ (uint32_t)i;
	ASSERT_EQ(0, mvgpu_vram_write(dev, off, buf, len));
	free(buf);
}

/* Whether @p holds what fill_vram(@seed) wrote; the first bad word or -1. */
static long check_fill(const volatile uint32_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len / 4; i++)
		if (p[i] != (seed * 0x01000193u ^ (uint32_t)i))
			return (long)i;
	return -1;
}

TEST_S(disp, query_plane_region)
{
	const int fd = self->dev.device_fd;
	struct vfio_device_gfx_plane_info info;
	const struct plane p = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 100, .height = 50, .stride = 416, .offset = 0x3000,
	};

	/* Probing as QEMU does: DMABUF first (off by default), REGION next. */
	ASSERT_EQ(-EINVAL, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE |
				     VFIO_GFX_PLANE_TYPE_DMABUF, 0, &info));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE |
			       VFIO_GFX_PLANE_TYPE_REGION, 0, &info));
	ASSERT_EQ(-EINVAL, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE, 0, &info));
	ASSERT_EQ(-EINVAL, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE |
				     VFIO_GFX_PLANE_TYPE_REGION |
				     VFIO_GFX_PLANE_TYPE_DMABUF, 0, &info));
	ASSERT_EQ(-EINVAL, gfx_query(fd, 0, PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(-EINVAL, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
				     PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(-EINVAL, gfx_query(fd, 1u << 3, PLANE_TYPE_PRIMARY, &info));
	memset(&info, 0, sizeof(info));
	info.argsz = 8;
	info.flags = VFIO_GFX_PLANE_TYPE_REGION;
	ASSERT_EQ(-1, ioctl(fd, VFIO_DEVICE_QUERY_GFX_PLANE, &info));
	ASSERT_EQ(EINVAL, errno);

	/* A disabled plane: format and size 0, what QEMU expects. */
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_REGION,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(0, info.drm_format);
	ASSERT_EQ(0, info.size);

	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_REGION,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(MVGPU_DISP_FMT_XRGB8888, info.drm_format);
	ASSERT_EQ(0, info.drm_format_mod);
	ASSERT_EQ(100, info.width);
	ASSERT_EQ(50, info.height);
	ASSERT_EQ(416, info.stride);
	ASSERT_EQ(416 * 50 + 4096 - (416 * 50) % 4096, info.size);
	ASSERT_EQ(MVGPU_REGION_SCANOUT, info.region_index);
	/* QEMU leaves the plane type 0 in region queries: the primary. */
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_REGION, 0, &info));
	ASSERT_EQ(MVGPU_DISP_FMT_XRGB8888, info.drm_format);
	ASSERT_EQ(100, info.width);
	ASSERT_EQ(MVGPU_REGION_SCANOUT, info.region_index);
	/* The largest stride, as many lines as VRAM holds: the whole size. */
	{
		uint64_t lines = self->req.vram / MVGPU_DISP_MAX_STRIDE;
		struct plane w = p;

		w.stride = MVGPU_DISP_MAX_STRIDE;
		w.height = lines < self->max_h ? (uint32_t)lines : self->max_h;
		w.offset = 0;
		ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&w));
		ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_REGION,
				       PLANE_TYPE_PRIMARY, &info));
		ASSERT_EQ(MVGPU_DISP_MAX_STRIDE, info.stride);
		ASSERT_EQ((uint64_t)MVGPU_DISP_MAX_STRIDE * w.height, info.size);
	}
	/* No cursor plane. */
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_REGION,
			       PLANE_TYPE_CURSOR, &info));
	ASSERT_EQ(0, info.drm_format);
	ASSERT_EQ(0, info.size);
}

TEST_S(disp, scanout_region)
{
	const int fd = self->dev.device_fd;
	const size_t len = 64 * 1024;
	struct vfio_region_info info;
	uint32_t type, subtype;
	struct plane p = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 128, .height = 128, .stride = 512, .offset = 0x100000,
	};
	volatile uint32_t *map, *bar2;
	uint32_t *buf;

	ASSERT_EQ(0, region_type(fd, MVGPU_REGION_SCANOUT, &info, &type,
				 &subtype));
	ASSERT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP |
		  VFIO_REGION_INFO_FLAG_CAPS, info.flags);
	ASSERT_EQ(self->req.vram, info.size);

	fill_vram(_metadata, &self->dev, 0, len, 1);
	fill_vram(_metadata, &self->dev, 0x100000, len, 2);
	fill_vram(_metadata, &self->dev, 0x200000, len, 3);

	/* Read-only: no writable mapping, no writes. */
	ASSERT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, (off_t)self->scan_off));
	ASSERT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd,
				   (off_t)self->scan_off));
	ASSERT_EQ(MAP_FAILED, mmap(NULL, self->req.vram + 4096, PROT_READ,
				   MAP_SHARED, fd, (off_t)self->scan_off));
	ASSERT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
				   (off_t)(self->scan_off + self->req.vram)));
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(-1, pwrite(fd, buf, 4, (off_t)self->scan_off));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, pread(fd, buf, 8, (off_t)(self->scan_off +
						self->req.vram - 4)));
	ASSERT_EQ(EINVAL, errno);

	/* The whole region, as QEMU maps it. */
	map = track_map(self, mmap(NULL, self->req.vram, PROT_READ, MAP_SHARED,
				   fd, (off_t)self->scan_off), self->req.vram);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_NE(0, mprotect((void *)map, 4096, PROT_READ | PROT_WRITE));

	/* No plane yet: the window starts at VRAM offset 0. */
	ASSERT_EQ(-1, check_fill(map, len, 1));
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(-1, check_fill(map, len, 2));
	ASSERT_EQ(len, pread(fd, buf, len, (off_t)self->scan_off));
	ASSERT_EQ(-1, check_fill(buf, len, 2));
	/* A flip moves the window without a new mmap. */
	p.offset = 0x200000;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(-1, check_fill(map, len, 3));
	ASSERT_EQ(len, pread(fd, buf, len, (off_t)self->scan_off));
	ASSERT_EQ(-1, check_fill(buf, len, 3));
	/* A refused plane and a disabled one leave it where it is. */
	p.offset = 0x100001;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED | MVGPU_DISP_STATUS_INVALID,
		  SET_PLANE(&p));
	ASSERT_EQ(-1, check_fill(map, len, 3));
	p.control = 0;
	ASSERT_EQ(0, SET_PLANE(&p));
	ASSERT_EQ(-1, check_fill(map, len, 3));

	/* Guest writes through BAR2 show at once: the same pages. */
	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	bar2 = self->dev.bar2;
	bar2[0x200000 / 4 + 5] = 0xcafef00d;
	__sync_synchronize();
	ASSERT_EQ(0xcafef00d, map[5]);

	/* Past the end of VRAM the window reads zeroes, never SIGBUS. */
	p.control = MVGPU_DISP_CONTROL_ENABLE;
	p.offset = self->req.vram - 128 * 512;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(0, map[(self->req.vram - 4) / 4]);
	ASSERT_EQ(0, map[128 * 512 / 4]);
	/* A reset zeroes VRAM and brings the window back to 0. */
	ASSERT_EQ(0, mvgpu_reset(&self->dev));
	ASSERT_EQ(-1, scan_words(map, len, 0));
	free(buf);
}

static int dmabuf_attr(const char *uuid, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mvgpu/display_dmabuf",
		 uuid);
	if (!val) {
		uint64_t v;
		int ret = mvgpu_sysfs_read_u64(path, &v);

		return ret ? ret : (int)v;
	}
	return mvgpu_sysfs_write(path, val);
}

/* Touch @p in a child: 0 if it read @expect, the signal if it died. */
static int child_read(const volatile uint32_t *p, uint32_t expect)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		_exit(*p == expect ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WEXITSTATUS(status) ? -2 : 0;
}

TEST_S(disp, dmabuf)
{
	const int fd = self->dev.device_fd;
	struct vfio_device_gfx_plane_info info;
	struct plane p = {
		.control = MVGPU_DISP_CONTROL_ENABLE,
		.format = MVGPU_DISP_FMT_XRGB8888,
		.width = 256, .height = 64, .stride = 1024, .offset = 0x40000,
	};
	const size_t len = 1024 * 64;
	volatile uint32_t *m1, *m2;
	uint32_t id1, id2, bad;
	int buf1, buf2;

	/*
	 * Off by default; only 0 and 1 are accepted (ERANGE for other
	 * numbers, EINVAL for what is not one), and a refusal changes nothing.
	 */
	ASSERT_EQ(0, dmabuf_attr(self->uuid, NULL));
	ASSERT_EQ(-ERANGE, dmabuf_attr(self->uuid, "2"));
	ASSERT_EQ(-ERANGE, dmabuf_attr(self->uuid, "4294967296"));
	ASSERT_EQ(-EINVAL, dmabuf_attr(self->uuid, "-1"));
	ASSERT_EQ(-EINVAL, dmabuf_attr(self->uuid, "on"));
	ASSERT_EQ(-EINVAL, dmabuf_attr(self->uuid, "\n"));
	ASSERT_EQ(0, dmabuf_attr(self->uuid, NULL));
	ASSERT_EQ(0, dmabuf_attr(self->uuid, "1"));
	ASSERT_EQ(-ERANGE, dmabuf_attr(self->uuid, "2"));
	ASSERT_EQ(-EINVAL, dmabuf_attr(self->uuid, "0x"));
	ASSERT_EQ(1, dmabuf_attr(self->uuid, NULL));
	ASSERT_EQ(0, dmabuf_attr(self->uuid, "0"));
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(-EINVAL, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
				     PLANE_TYPE_PRIMARY, &info));

	ASSERT_EQ(0, dmabuf_attr(self->uuid, "1"));
	ASSERT_EQ(1, dmabuf_attr(self->uuid, NULL));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE |
			       VFIO_GFX_PLANE_TYPE_DMABUF, 0, &info));
	/* Region planes still work. */
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_PROBE |
			       VFIO_GFX_PLANE_TYPE_REGION, 0, &info));

	fill_vram(_metadata, &self->dev, 0x40000, len, 4);
	fill_vram(_metadata, &self->dev, 0x80000, len, 5);
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(MVGPU_DISP_FMT_XRGB8888, info.drm_format);
	ASSERT_EQ(256, info.width);
	ASSERT_EQ(64, info.height);
	ASSERT_EQ(1024, info.stride);
	ASSERT_EQ(len, info.size);
	ASSERT_NE(0, info.dmabuf_id);
	id1 = info.dmabuf_id;
	/* The same plane keeps its id. */
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(id1, info.dmabuf_id);

	buf1 = track_fd(self, ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &id1));
	ASSERT_LE(0, buf1) TH_LOG("GET_GFX_DMABUF: %s", strerror(errno));
	ASSERT_EQ((off_t)len, lseek(buf1, 0, SEEK_END));
	m1 = track_map(self, mmap(NULL, len, PROT_READ, MAP_SHARED, buf1, 0),
		       len);
	ASSERT_NE(MAP_FAILED, m1);
	ASSERT_EQ(-1, check_fill(m1, len, 4));
	ASSERT_EQ(MAP_FAILED, mmap(NULL, len + 4096, PROT_READ, MAP_SHARED,
				   buf1, 0));

	/* A flip: a new id; the old dma-buf still shows its own buffer. */
	p.offset = 0x80000;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       PLANE_TYPE_PRIMARY, &info));
	id2 = info.dmabuf_id;
	ASSERT_NE(id1, id2);
	ASSERT_NE(0, id2);
	buf2 = track_fd(self, ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &id2));
	ASSERT_LE(0, buf2);
	m2 = track_map(self, mmap(NULL, len, PROT_READ, MAP_SHARED, buf2, 0),
		       len);
	ASSERT_NE(MAP_FAILED, m2);
	ASSERT_EQ(-1, check_fill(m2, len, 5));
	ASSERT_EQ(-1, check_fill(m1, len, 4));
	/* Flipping back finds the first plane's id again. */
	p.offset = 0x40000;
	ASSERT_EQ(MVGPU_DISP_STATUS_ENABLED, SET_PLANE(&p));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(id1, info.dmabuf_id);

	bad = 0;
	ASSERT_EQ(-1, ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &bad));
	ASSERT_EQ(ENOENT, errno);
	bad = id2 + 100;
	ASSERT_EQ(-1, ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &bad));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(-1, ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, NULL));
	ASSERT_EQ(EFAULT, errno);

	/* A disabled plane has no dma-buf. */
	p.control = 0;
	ASSERT_EQ(0, SET_PLANE(&p));
	ASSERT_EQ(0, gfx_query(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       PLANE_TYPE_PRIMARY, &info));
	ASSERT_EQ(0, info.drm_format);
	ASSERT_EQ(0, info.size);

	/*
	 * Closing the vGPU revokes its dma-bufs: the next user's VRAM is
	 * never visible through them.
	 */
	ASSERT_EQ(0, child_read(m1, 4 * 0x01000193u));
	mvgpu_close(&self->dev);
	self->open = false;
	ASSERT_EQ(SIGBUS, child_read(m1, 4 * 0x01000193u));
	ASSERT_EQ(SIGBUS, child_read(m2, 5 * 0x01000193u));
	/* The setting is the vGPU's, not its user's. */
	ASSERT_EQ(1, dmabuf_attr(self->uuid, NULL));
	/* The vGPU may go while dma-bufs are open; teardown closes them. */
	ASSERT_EQ(0, vgpus_remove(&self->vl, self->uuid));
	ASSERT_EQ(SIGBUS, child_read(m2, 5 * 0x01000193u));
}

TEST_HARNESS_MAIN
