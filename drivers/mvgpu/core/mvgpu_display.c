// SPDX-License-Identifier: GPL-2.0-only
/*
 * Display of a vGPU, the guest's side: the BAR0 display registers and the
 * virtual monitor. What the host sees of them (EDID and scanout regions,
 * plane queries) is mvgpu_display_host.c's; dma-bufs are mvgpu_dmabuf.c's.
 */

/**
 * DOC: Display registers
 *
 * The guest programs one scanout plane through shadow registers and makes
 * it current by writing 1 to MVGPU_REG_DISP_UPDATE: the whole plane is
 * checked at once (format, size within the type's limits, stride, alignment
 * and an overflow-checked end within the vGPU's VRAM) and either becomes
 * current, counting a flip, or is refused with MVGPU_DISP_STATUS_INVALID
 * and the current plane stays. So the host never sees a half-programmed
 * plane, and no plane reaches outside the vGPU's VRAM.
 *
 * The virtual monitor has an EDID and a link state. The core builds a
 * default EDID (mvgpu_edid.c); the host may replace it and switch the link
 * through the VFIO EDID region. The guest sees the host's EDID when the
 * host brings the link up, and every change of link or EDID raises
 * MVGPU_INT_DISPLAY. A guest reset clears the plane but not the monitor;
 * a new user of the device (close) gets the default monitor back.
 */

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_core.h"
#include "mvgpu_edid.h"
#include "mvgpu_irq.h"
#include "mvgpu_mmio.h"

/**
 * mvgpu_display_format_bpp() - bytes per pixel of a scanout format
 * @format: DRM fourcc (MVGPU_DISP_FMT_*)
 *
 * Return: bytes per pixel, or 0 for a format the display does not know.
 */
u32 mvgpu_display_format_bpp(u32 format)
{
	switch (format) {
	case MVGPU_DISP_FMT_XRGB8888:
	case MVGPU_DISP_FMT_ARGB8888:
		return 4;
	case MVGPU_DISP_FMT_RGB565:
		return 2;
	default:
		return 0;
	}
}

static bool mvgpu_display_plane_valid(const struct mvgpu_vgpu *vgpu,
				      const struct mvgpu_display_plane *p)
{
	u32 bpp = mvgpu_display_format_bpp(p->format);
	u64 size, end;

	if (p->control & ~MVGPU_DISP_CONTROL_ENABLE)
		return false;
	if (!(p->control & MVGPU_DISP_CONTROL_ENABLE))
		return true;
	if (!bpp)
		return false;
	if (!p->width || p->width > vgpu->type->max_width ||
	    !p->height || p->height > vgpu->type->max_height)
		return false;
	if ((u64)p->width * bpp > p->stride ||
	    p->stride > MVGPU_DISP_MAX_STRIDE ||
	    !IS_ALIGNED(p->stride, sizeof(u32)))
		return false;
	if (!IS_ALIGNED(p->offset, MVGPU_DISP_OFFSET_ALIGN))
		return false;
	if (check_mul_overflow((u64)p->stride, (u64)p->height, &size) ||
	    check_add_overflow(p->offset, size, &end) ||
	    end > vgpu->bar2_size)
		return false;
	return true;
}

/* Make every mapping of the scanout region fault again. */

static void mvgpu_display_update_locked(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_display *disp = &vgpu->display;

	if (!mvgpu_display_plane_valid(vgpu, &disp->shadow)) {
		disp->update_invalid = true;
		return;
	}
	disp->plane = disp->shadow;
	disp->update_invalid = false;
	disp->flip_count++;
	if (disp->plane.control & MVGPU_DISP_CONTROL_ENABLE)
		disp->scanout_base = disp->plane.offset;
	mvgpu_display_scanout_zap(disp);
}

static u32 mvgpu_display_status(const struct mvgpu_display *disp)
{
	u32 status = 0;

	if (disp->plane.control & MVGPU_DISP_CONTROL_ENABLE)
		status |= MVGPU_DISP_STATUS_ENABLED;
	if (disp->update_invalid)
		status |= MVGPU_DISP_STATUS_INVALID;
	return status;
}

/**
 * mvgpu_display_reg() - whether a BAR0 offset belongs to the display block
 * @offset: 4-byte aligned BAR0 offset
 *
 * Return: true for the plane/status registers and the EDID window.
 */
bool mvgpu_display_reg(u32 offset)
{
	return (offset >= MVGPU_REG_DISP_CONTROL &&
		offset <= MVGPU_REG_DISP_EDID_SIZE) ||
	       (offset >= MVGPU_REG_DISP_EDID &&
		offset < MVGPU_REG_DISP_EDID + MVGPU_DISP_EDID_MAX);
}

/*
 * Display registers, table-driven as the rest of BAR0 (struct
 * mvgpu_mmio_reg): the handlers run with &mvgpu_vgpu.state_lock and
 * &mvgpu_display.lock held.
 */

static u32 mvgpu_disp_read_control(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.shadow.control;
}

static void mvgpu_disp_write_control(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->display.shadow.control = val;
}

static u32 mvgpu_disp_read_format(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.shadow.format;
}

static void mvgpu_disp_write_format(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->display.shadow.format = val;
}

static u32 mvgpu_disp_read_width(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.shadow.width;
}

static void mvgpu_disp_write_width(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->display.shadow.width = val;
}

static u32 mvgpu_disp_read_height(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.shadow.height;
}

static void mvgpu_disp_write_height(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->display.shadow.height = val;
}

static u32 mvgpu_disp_read_stride(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.shadow.stride;
}

static void mvgpu_disp_write_stride(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->display.shadow.stride = val;
}

static u32 mvgpu_disp_read_offset_lo(struct mvgpu_vgpu *vgpu)
{
	return lower_32_bits(vgpu->display.shadow.offset);
}

static void mvgpu_disp_write_offset_lo(struct mvgpu_vgpu *vgpu, u32 val)
{
	u64 *offset = &vgpu->display.shadow.offset;

	*offset = (*offset & ~(u64)U32_MAX) | val;
}

static u32 mvgpu_disp_read_offset_hi(struct mvgpu_vgpu *vgpu)
{
	return upper_32_bits(vgpu->display.shadow.offset);
}

static void mvgpu_disp_write_offset_hi(struct mvgpu_vgpu *vgpu, u32 val)
{
	u64 *offset = &vgpu->display.shadow.offset;

	*offset = (*offset & U32_MAX) | ((u64)val << 32);
}

static u32 mvgpu_disp_read_zero(struct mvgpu_vgpu *vgpu)
{
	return 0;
}

static void mvgpu_disp_write_update(struct mvgpu_vgpu *vgpu, u32 val)
{
	if (val & 1)
		mvgpu_display_update_locked(vgpu);
}

static u32 mvgpu_disp_read_status(struct mvgpu_vgpu *vgpu)
{
	return mvgpu_display_status(&vgpu->display);
}

static u32 mvgpu_disp_read_flip_count(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.flip_count;
}

static u32 mvgpu_disp_read_max_width(struct mvgpu_vgpu *vgpu)
{
	return vgpu->type->max_width;
}

static u32 mvgpu_disp_read_max_height(struct mvgpu_vgpu *vgpu)
{
	return vgpu->type->max_height;
}

static u32 mvgpu_disp_read_connector(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.connected ? MVGPU_DISP_CONNECTED : 0;
}

static u32 mvgpu_disp_read_edid_size(struct mvgpu_vgpu *vgpu)
{
	return vgpu->display.connected ? vgpu->display.edid_size : 0;
}

static const struct mvgpu_mmio_reg mvgpu_display_regs[] = {
	{ MVGPU_REG_DISP_CONTROL, mvgpu_disp_read_control,
	  mvgpu_disp_write_control },
	{ MVGPU_REG_DISP_FORMAT, mvgpu_disp_read_format,
	  mvgpu_disp_write_format },
	{ MVGPU_REG_DISP_WIDTH, mvgpu_disp_read_width, mvgpu_disp_write_width },
	{ MVGPU_REG_DISP_HEIGHT, mvgpu_disp_read_height,
	  mvgpu_disp_write_height },
	{ MVGPU_REG_DISP_STRIDE, mvgpu_disp_read_stride,
	  mvgpu_disp_write_stride },
	{ MVGPU_REG_DISP_OFFSET_LO, mvgpu_disp_read_offset_lo,
	  mvgpu_disp_write_offset_lo },
	{ MVGPU_REG_DISP_OFFSET_HI, mvgpu_disp_read_offset_hi,
	  mvgpu_disp_write_offset_hi },
	{ MVGPU_REG_DISP_UPDATE, mvgpu_disp_read_zero,
	  mvgpu_disp_write_update },
	{ MVGPU_REG_DISP_STATUS, mvgpu_disp_read_status, NULL },
	{ MVGPU_REG_DISP_FLIP_COUNT, mvgpu_disp_read_flip_count, NULL },
	{ MVGPU_REG_DISP_MAX_WIDTH, mvgpu_disp_read_max_width, NULL },
	{ MVGPU_REG_DISP_MAX_HEIGHT, mvgpu_disp_read_max_height, NULL },
	{ MVGPU_REG_DISP_CONNECTOR, mvgpu_disp_read_connector, NULL },
	{ MVGPU_REG_DISP_EDID_SIZE, mvgpu_disp_read_edid_size, NULL },
};

static const struct mvgpu_mmio_reg *mvgpu_display_find(u32 offset)
{
	return mvgpu_mmio_reg_find(mvgpu_display_regs,
				   ARRAY_SIZE(mvgpu_display_regs), offset);
}

/* The EDID window: the guest's EDID, little-endian dwords, 0 past it. */
static u32 mvgpu_display_read_edid(struct mvgpu_display *disp, u32 offset)
{
	u32 i = offset - MVGPU_REG_DISP_EDID, val = 0, b;

	if (!disp->connected)
		return 0;
	for (b = 0; b < sizeof(u32); b++)
		if (i + b < disp->edid_size)
			val |= (u32)disp->edid[i + b] << (8 * b);
	return val;
}

/**
 * mvgpu_display_read_locked() - emulate a read of a display register
 * @vgpu: the vGPU, &mvgpu_vgpu.state_lock held
 * @offset: BAR0 offset for which mvgpu_display_reg() is true
 *
 * Return: the register value; 0 for unused offsets of the block.
 */
u32 mvgpu_display_read_locked(struct mvgpu_vgpu *vgpu, u32 offset)
{
	struct mvgpu_display *disp = &vgpu->display;
	const struct mvgpu_mmio_reg *reg;
	u32 val = 0;

	lockdep_assert_held(&vgpu->state_lock);
	mutex_lock(&disp->lock);
	if (offset >= MVGPU_REG_DISP_EDID) {
		val = mvgpu_display_read_edid(disp, offset);
	} else {
		reg = mvgpu_display_find(offset);
		if (reg)
			val = reg->read(vgpu);
	}
	mutex_unlock(&disp->lock);
	return val;
}

/**
 * mvgpu_display_write_locked() - emulate a write of a display register
 * @vgpu: the vGPU, &mvgpu_vgpu.state_lock held
 * @offset: BAR0 offset for which mvgpu_display_reg() is true
 * @val: the value written; ignored for read-only registers
 *
 * A write of 1 to MVGPU_REG_DISP_UPDATE latches the plane and, when it is
 * accepted, zaps the host's mappings of the scanout region.
 */
void mvgpu_display_write_locked(struct mvgpu_vgpu *vgpu, u32 offset, u32 val)
{
	const struct mvgpu_mmio_reg *reg = mvgpu_display_find(offset);

	lockdep_assert_held(&vgpu->state_lock);
	if (!reg || !reg->write)
		return;
	mutex_lock(&vgpu->display.lock);
	reg->write(vgpu, val);
	mutex_unlock(&vgpu->display.lock);
}

/**
 * mvgpu_display_plane_get() - the current plane, as the host shows it
 * @vgpu: the vGPU
 * @plane: the current plane
 *
 * Process context. Return: whether the plane is enabled.
 */
bool mvgpu_display_plane_get(struct mvgpu_vgpu *vgpu,
			     struct mvgpu_display_plane *plane)
{
	mutex_lock(&vgpu->display.lock);
	*plane = vgpu->display.plane;
	mutex_unlock(&vgpu->display.lock);
	return plane->control & MVGPU_DISP_CONTROL_ENABLE;
}

/**
 * mvgpu_display_reset_locked() - put the plane registers in power-on state
 * @vgpu: the vGPU; &mvgpu_vgpu.state_lock held or the vGPU not yet visible
 *
 * The monitor (EDID, link) is the host's and stays as it is.
 */
void mvgpu_display_reset_locked(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_display *disp = &vgpu->display;

	mutex_lock(&disp->lock);
	memset(&disp->shadow, 0, sizeof(disp->shadow));
	memset(&disp->plane, 0, sizeof(disp->plane));
	disp->update_invalid = false;
	disp->flip_count = 0;
	disp->scanout_base = 0;
	mvgpu_display_scanout_zap(disp);
	mutex_unlock(&disp->lock);
}

/* The monitor of a new vGPU or a new user: default EDID, link up. */
static void mvgpu_display_default_monitor(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_display *disp = &vgpu->display;
	u32 width = min_t(u32, MVGPU_EDID_DEFAULT_WIDTH, vgpu->type->max_width);
	u32 height = min_t(u32, MVGPU_EDID_DEFAULT_HEIGHT,
			   vgpu->type->max_height);

	lockdep_assert_held(&disp->lock);
	memset(disp->edid, 0, sizeof(disp->edid));
	disp->edid_size = 0;
	if (!mvgpu_edid_build(disp->edid, width, height, vgpu->type->max_width,
			      vgpu->type->max_height))
		disp->edid_size = MVGPU_EDID_BLOCK_SIZE;
	memcpy(disp->host_edid, disp->edid, sizeof(disp->host_edid));
	disp->host_edid_size = disp->edid_size;
	disp->host_link_up = true;
	disp->connected = true;
}

/**
 * mvgpu_display_host_link() - the host switched the monitor's link
 * @vgpu: the vGPU
 * @up: link up: the guest now sees the host's EDID; down: disconnected
 *
 * Raises MVGPU_INT_DISPLAY. Process context.
 */
void mvgpu_display_host_link(struct mvgpu_vgpu *vgpu, bool up)
{
	struct mvgpu_display *disp = &vgpu->display;

	mutex_lock(&vgpu->state_lock);
	mutex_lock(&disp->lock);
	disp->host_link_up = up;
	disp->connected = up;
	if (up) {
		memset(disp->edid, 0, sizeof(disp->edid));
		memcpy(disp->edid, disp->host_edid, disp->host_edid_size);
		disp->edid_size = disp->host_edid_size;
	}
	mutex_unlock(&disp->lock);
	vgpu->regs.int_status |= MVGPU_INT_DISPLAY;
	mvgpu_irq_update_locked(vgpu, MVGPU_INT_DISPLAY);
	mutex_unlock(&vgpu->state_lock);
}

/**
 * mvgpu_display_init() - display state of a new vGPU
 * @vgpu: the vGPU, not yet visible; type and VRAM size set
 *
 * Process context. Return: 0 or -errno.
 */
int mvgpu_display_init(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_display *disp = &vgpu->display;
	int ret;

	ret = mvgpu_display_scanout_init(disp);
	if (ret)
		return ret;

	mutex_init(&disp->lock);
	INIT_LIST_HEAD(&disp->dmabufs);
	disp->next_dmabuf_id = 1;
	mutex_lock(&disp->lock);
	mvgpu_display_default_monitor(vgpu);
	mutex_unlock(&disp->lock);
	return 0;
}

/**
 * mvgpu_display_close() - the user closed the device
 * @vgpu: the vGPU
 *
 * Revokes its dma-bufs and gives the next user the default monitor.
 * Process context.
 */
void mvgpu_display_close(struct mvgpu_vgpu *vgpu)
{
	mvgpu_dmabuf_revoke_all(vgpu);
	mutex_lock(&vgpu->display.lock);
	mvgpu_display_default_monitor(vgpu);
	mutex_unlock(&vgpu->display.lock);
}

/**
 * mvgpu_display_fini() - release the display state of a vGPU
 * @vgpu: the vGPU, no longer open (no mapping of its regions is left)
 *
 * Process context.
 */
void mvgpu_display_fini(struct mvgpu_vgpu *vgpu)
{
	mvgpu_dmabuf_revoke_all(vgpu);
	mvgpu_display_scanout_fini(&vgpu->display);
	mutex_destroy(&vgpu->display.lock);
}
