// SPDX-License-Identifier: GPL-2.0-only
/*
 * Display of a vGPU: scanout registers and the virtual monitor.
 *
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

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/overflow.h>
#include <linux/pseudo_fs.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"
#include "mvgpu_irq.h"
#include "mvgpu_edid.h"

static_assert(MVGPU_REGION_EDID == VFIO_PCI_NUM_REGIONS);

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
static void mvgpu_display_zap_scanout(struct mvgpu_display *disp)
{
	unmap_mapping_range(disp->scanout_inode->i_mapping, 0, 0, 1);
}

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
	mvgpu_display_zap_scanout(disp);
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
 * Display registers, table-driven as the rest of BAR0: the handlers run
 * with &mvgpu_vgpu.state_lock and &mvgpu_display.lock held.
 */
struct mvgpu_display_reg {
	u32 offset;
	u32 (*read)(struct mvgpu_vgpu *vgpu);
	void (*write)(struct mvgpu_vgpu *vgpu, u32 val);
};

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

static const struct mvgpu_display_reg mvgpu_display_regs[] = {
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

static const struct mvgpu_display_reg *mvgpu_display_find(u32 offset)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mvgpu_display_regs); i++)
		if (mvgpu_display_regs[i].offset == offset)
			return &mvgpu_display_regs[i];
	return NULL;
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
	const struct mvgpu_display_reg *reg;
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
	const struct mvgpu_display_reg *reg = mvgpu_display_find(offset);

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
	mvgpu_display_zap_scanout(disp);
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
static void mvgpu_display_host_link(struct mvgpu_vgpu *vgpu, bool up)
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

/*
 * The EDID region: struct vfio_region_gfx_edid at 0 (32-bit fields, read
 * and written one at a time, as QEMU does), the EDID blob at
 * MVGPU_EDID_REGION_BLOB.
 */
static int mvgpu_edid_regs_read(struct mvgpu_vgpu *vgpu, u64 offset, u32 *val)
{
	struct mvgpu_display *disp = &vgpu->display;

	switch (offset) {
	case offsetof(struct vfio_region_gfx_edid, edid_offset):
		*val = MVGPU_EDID_REGION_BLOB;
		return 0;
	case offsetof(struct vfio_region_gfx_edid, edid_max_size):
		*val = MVGPU_DISP_EDID_MAX;
		return 0;
	case offsetof(struct vfio_region_gfx_edid, edid_size):
		mutex_lock(&disp->lock);
		*val = disp->host_edid_size;
		mutex_unlock(&disp->lock);
		return 0;
	case offsetof(struct vfio_region_gfx_edid, max_xres):
		*val = vgpu->type->max_width;
		return 0;
	case offsetof(struct vfio_region_gfx_edid, max_yres):
		*val = vgpu->type->max_height;
		return 0;
	case offsetof(struct vfio_region_gfx_edid, link_state):
		mutex_lock(&disp->lock);
		*val = disp->host_link_up ? VFIO_DEVICE_GFX_LINK_STATE_UP :
					    VFIO_DEVICE_GFX_LINK_STATE_DOWN;
		mutex_unlock(&disp->lock);
		return 0;
	default:
		return -EINVAL;
	}
}

static int mvgpu_edid_regs_write(struct mvgpu_vgpu *vgpu, u64 offset, u32 val)
{
	struct mvgpu_display *disp = &vgpu->display;

	switch (offset) {
	case offsetof(struct vfio_region_gfx_edid, edid_size):
		if (val > MVGPU_DISP_EDID_MAX)
			return -EINVAL;
		mutex_lock(&disp->lock);
		disp->host_edid_size = val;
		mutex_unlock(&disp->lock);
		return 0;
	case offsetof(struct vfio_region_gfx_edid, link_state):
		if (val != VFIO_DEVICE_GFX_LINK_STATE_UP &&
		    val != VFIO_DEVICE_GFX_LINK_STATE_DOWN)
			return -EINVAL;
		mvgpu_display_host_link(vgpu,
					val == VFIO_DEVICE_GFX_LINK_STATE_UP);
		return 0;
	default:
		/* The other fields are read-only. */
		return -EINVAL;
	}
}

static ssize_t mvgpu_edid_blob_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
				  size_t count, u64 offset, bool write)
{
	struct mvgpu_display *disp = &vgpu->display;
	u8 *bounce;
	ssize_t ret = count;

	offset -= MVGPU_EDID_REGION_BLOB;
	if (!count || count > MVGPU_DISP_EDID_MAX ||
	    offset + count > MVGPU_DISP_EDID_MAX)
		return -EINVAL;
	bounce = kmalloc(count, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	if (write && copy_from_user(bounce, ubuf, count)) {
		ret = -EFAULT;
		goto out_free;
	}
	mutex_lock(&disp->lock);
	if (write)
		memcpy(disp->host_edid + offset, bounce, count);
	else
		memcpy(bounce, disp->host_edid + offset, count);
	mutex_unlock(&disp->lock);
	if (!write && copy_to_user(ubuf, bounce, count))
		ret = -EFAULT;
out_free:
	kfree(bounce);
	return ret;
}

/**
 * mvgpu_display_edid_rw() - host access to the VFIO EDID region
 * @vgpu: the vGPU
 * @ubuf: user buffer
 * @count: bytes
 * @offset: byte offset in the region (already below 2^40)
 * @write: the host writes
 *
 * The header fields take aligned 32-bit accesses; the blob any access that
 * stays inside it. Process context. Return: @count or -errno.
 */
ssize_t mvgpu_display_edid_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			      size_t count, u64 offset, bool write)
{
	u32 val;
	int ret;

	if (offset >= MVGPU_EDID_REGION_BLOB)
		return mvgpu_edid_blob_rw(vgpu, ubuf, count, offset, write);
	if (count != sizeof(u32) || !IS_ALIGNED(offset, sizeof(u32)) ||
	    offset >= sizeof(struct vfio_region_gfx_edid))
		return -EINVAL;
	if (write) {
		if (copy_from_user(&val, ubuf, sizeof(val)))
			return -EFAULT;
		ret = mvgpu_edid_regs_write(vgpu, offset, val);
	} else {
		ret = mvgpu_edid_regs_read(vgpu, offset, &val);
		if (!ret && copy_to_user(ubuf, &val, sizeof(val)))
			ret = -EFAULT;
	}
	return ret ? ret : count;
}

/**
 * mvgpu_display_scanout_read() - read the scanout region through the file
 * @vgpu: the vGPU
 * @ubuf: user buffer
 * @count: bytes
 * @offset: byte offset in the region (already below 2^40)
 *
 * The region shows the VRAM at the current plane's offset (see
 * &mvgpu_display.scanout_base); bytes past the end of VRAM read as 0.
 * Process context. Return: @count or -errno.
 */
ssize_t mvgpu_display_scanout_read(struct mvgpu_vgpu *vgpu, char __user *ubuf,
				   size_t count, u64 offset)
{
	size_t done = 0, step, valid;
	u64 end, base, vram;
	void *bounce;
	int ret = 0;

	if (!count || check_add_overflow(offset, (u64)count, &end) ||
	    end > vgpu->bar2_size)
		return -EINVAL;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	mutex_lock(&vgpu->display.lock);
	base = vgpu->display.scanout_base;
	mutex_unlock(&vgpu->display.lock);
	while (done < count) {
		step = min_t(size_t, count - done, PAGE_SIZE);
		memset(bounce, 0, step);
		/* base and offset are both below the VRAM size: no overflow */
		vram = base + offset + done;
		valid = vram < vgpu->bar2_size ?
			min_t(u64, step, vgpu->bar2_size - vram) : 0;
		if (valid)
			ret = mvgpu_vgpu_vram_rw(vgpu, vram, bounce, valid,
						 false);
		if (ret)
			break;
		if (copy_to_user(ubuf + done, bounce, step)) {
			ret = -EFAULT;
			break;
		}
		done += step;
	}
	kfree(bounce);
	return ret ? ret : count;
}

/*
 * Mappings of the scanout region: each mmap gets a file of our pseudo
 * filesystem, whose mapping is the vGPU's scanout inode, so that a flip
 * zaps every mapping with unmap_mapping_range() and the next access faults
 * in the new buffer. The file holds the VFIO device file, so the vGPU
 * outlives its mappings as it would with a plain VFIO mmap.
 */
#define MVGPU_FS_MAGIC	0x4d564750	/* "MVGP" */

static struct vfsmount *mvgpu_display_mnt;
static int mvgpu_display_mnt_count;

static int mvgpu_display_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MVGPU_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type mvgpu_display_fs_type = {
	.name = "mvgpu_scanout",
	.owner = THIS_MODULE,
	.init_fs_context = mvgpu_display_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int mvgpu_scanout_file_release(struct inode *inode, struct file *file)
{
	fput(file->private_data);
	return 0;
}

static const struct file_operations mvgpu_scanout_fops = {
	.owner = THIS_MODULE,
	.release = mvgpu_scanout_file_release,
};

static vm_fault_t mvgpu_scanout_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mvgpu_vgpu *vgpu = vma->vm_private_data;
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 page = vmf->pgoff & (MVGPU_REGION_MASK >> PAGE_SHIFT);
	u64 vram, vram_offset, contiguous;
	unsigned long pfn = page_to_pfn(ZERO_PAGE(0));
	vm_fault_t ret;

	mutex_lock(&vgpu->display.lock);
	vram = vgpu->display.scanout_base + (page << PAGE_SHIFT);
	/* Past the end of VRAM the window shows zeroes, never SIGBUS. */
	if (vram < vgpu->bar2_size &&
	    !mvgpu_partition_translate(&pgpu->pool, &vgpu->part, vram,
				       &vram_offset, &contiguous))
		pfn = pgpu->ops->vram_pfn(pgpu->backend_priv, vram_offset);
	ret = vmf_insert_pfn(vma, vmf->address, pfn);
	mutex_unlock(&vgpu->display.lock);
	return ret;
}

static const struct vm_operations_struct mvgpu_scanout_vm_ops = {
	.fault = mvgpu_scanout_fault,
};

/**
 * mvgpu_display_scanout_mmap() - map the scanout region
 * @vgpu: the vGPU
 * @vma: the mapping, shared and read-only, of [@offset, @offset + size)
 *	of the region
 * @offset: byte offset in the region
 *
 * Process context. Return: 0 or -errno.
 */
int mvgpu_display_scanout_mmap(struct mvgpu_vgpu *vgpu,
			       struct vm_area_struct *vma, u64 offset)
{
	u64 end, size = vma->vm_end - vma->vm_start;
	struct inode *inode = vgpu->display.scanout_inode;
	struct file *file;

	if (!(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_WRITE))
		return -EINVAL;
	if (check_add_overflow(offset, size, &end) || end > vgpu->bar2_size)
		return -EINVAL;

	ihold(inode);
	file = alloc_file_pseudo(inode, mvgpu_display_mnt, "scanout",
				 O_RDONLY, &mvgpu_scanout_fops);
	if (IS_ERR(file)) {
		iput(inode);
		return PTR_ERR(file);
	}
	file->private_data = get_file(vma->vm_file);
	vma_set_file(vma, file);
	fput(file);

	mvgpu_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			   VM_DONTDUMP);
	mvgpu_vm_flags_clear(vma, VM_MAYWRITE);
	if (!vgpu->pgpu->caps.vram_cacheable)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	vma->vm_ops = &mvgpu_scanout_vm_ops;
	vma->vm_private_data = vgpu;
	return 0;
}

/* drm_plane_type values QEMU asks for (enum drm_plane_type). */
#define MVGPU_DRM_PLANE_TYPE_PRIMARY	1
#define MVGPU_DRM_PLANE_TYPE_CURSOR	2

/*
 * The only plane is the primary one. QEMU names the plane type for dma-buf
 * queries but leaves it 0 for region queries, so there every type but the
 * cursor means the primary plane.
 */
static bool mvgpu_display_is_primary(const struct vfio_device_gfx_plane_info *info)
{
	if (info->flags == VFIO_GFX_PLANE_TYPE_REGION)
		return info->drm_plane_type != MVGPU_DRM_PLANE_TYPE_CURSOR;
	return info->drm_plane_type == MVGPU_DRM_PLANE_TYPE_PRIMARY;
}

static int mvgpu_display_query(struct mvgpu_vgpu *vgpu,
			       struct vfio_device_gfx_plane_info *info)
{
	struct mvgpu_display_plane plane;
	u32 dmabuf_id = 0;
	bool dmabuf;
	int ret;

	mutex_lock(&vgpu->display.lock);
	dmabuf = vgpu->display.dmabuf_enabled;
	mutex_unlock(&vgpu->display.lock);

	if (info->flags & VFIO_GFX_PLANE_TYPE_PROBE) {
		if (info->flags == (VFIO_GFX_PLANE_TYPE_PROBE |
				    VFIO_GFX_PLANE_TYPE_REGION))
			return 0;
		if (dmabuf && info->flags == (VFIO_GFX_PLANE_TYPE_PROBE |
					      VFIO_GFX_PLANE_TYPE_DMABUF))
			return 0;
		return -EINVAL;
	}
	if (info->flags != VFIO_GFX_PLANE_TYPE_REGION &&
	    (!dmabuf || info->flags != VFIO_GFX_PLANE_TYPE_DMABUF))
		return -EINVAL;

	info->drm_format = 0;
	info->drm_format_mod = 0;
	info->width = 0;
	info->height = 0;
	info->stride = 0;
	info->size = 0;
	info->x_pos = 0;
	info->y_pos = 0;
	info->x_hot = 0;
	info->y_hot = 0;
	info->region_index = 0;
	/* Other planes (a cursor) are reported absent. */
	if (!mvgpu_display_is_primary(info) ||
	    !mvgpu_display_plane_get(vgpu, &plane))
		return 0;

	if (info->flags == VFIO_GFX_PLANE_TYPE_DMABUF) {
		ret = mvgpu_dmabuf_plane_id(vgpu, &plane, &dmabuf_id);
		if (ret)
			return ret;
		info->dmabuf_id = dmabuf_id;
	} else {
		info->region_index = MVGPU_REGION_SCANOUT;
	}
	info->drm_format = plane.format;
	info->width = plane.width;
	info->height = plane.height;
	info->stride = plane.stride;
	/* The plane was validated: stride * height fits in VRAM. */
	info->size = PAGE_ALIGN((u64)plane.stride * plane.height);
	return 0;
}

/**
 * mvgpu_display_query_plane() - VFIO_DEVICE_QUERY_GFX_PLANE
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_device_gfx_plane_info
 *
 * Probing: REGION always succeeds; DMABUF only when the vGPU's
 * display_dmabuf attribute is 1 (QEMU prefers DMABUF when it is offered,
 * and then wants an OpenGL display). A disabled plane, and a cursor plane,
 * are reported with drm_format and size 0. Process context.
 * Return: 0 or -errno.
 */
long mvgpu_display_query_plane(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_gfx_plane_info,
				   region_index);
	struct vfio_device_gfx_plane_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = mvgpu_display_query(vgpu, &info);
	if (ret)
		return ret;
	if (info.flags & VFIO_GFX_PLANE_TYPE_PROBE)
		return 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * mvgpu_display_region_info() - size, flags and type of a display region
 * @vgpu: the vGPU
 * @info: index in, size and flags out
 * @caps: capability chain to add the region type to
 *
 * Return: 0, -EINVAL for an index that is not a display region, or
 * -ENOMEM.
 */
int mvgpu_display_region_info(struct mvgpu_vgpu *vgpu,
			      struct vfio_region_info *info,
			      struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type cap = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
	};

	switch (info->index) {
	case MVGPU_REGION_EDID:
		info->size = MVGPU_EDID_REGION_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		cap.type = VFIO_REGION_TYPE_GFX;
		cap.subtype = VFIO_REGION_SUBTYPE_GFX_EDID;
		break;
	case MVGPU_REGION_SCANOUT:
		info->size = vgpu->bar2_size;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_MMAP;
		cap.type = VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
			   MVGPU_PCI_VENDOR_ID;
		cap.subtype = MVGPU_REGION_SUBTYPE_SCANOUT;
		break;
	default:
		return -EINVAL;
	}
	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
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
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&mvgpu_display_fs_type, &mvgpu_display_mnt,
			    &mvgpu_display_mnt_count);
	if (ret)
		return ret;
	inode = alloc_anon_inode(mvgpu_display_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&mvgpu_display_mnt, &mvgpu_display_mnt_count);
		return PTR_ERR(inode);
	}

	mutex_init(&disp->lock);
	INIT_LIST_HEAD(&disp->dmabufs);
	disp->next_dmabuf_id = 1;
	disp->scanout_inode = inode;
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
	iput(vgpu->display.scanout_inode);
	simple_release_fs(&mvgpu_display_mnt, &mvgpu_display_mnt_count);
	mutex_destroy(&vgpu->display.lock);
}
