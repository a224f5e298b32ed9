// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of a vGPU's display: the VFIO EDID region, the scanout
 * region, graphics plane queries and the display region infos.
 */

/**
 * DOC: Display regions
 *
 * After the vfio-pci regions come two of the display. The EDID region
 * (VFIO_REGION_SUBTYPE_GFX_EDID) lets the host replace the virtual
 * monitor's EDID and switch its link (mvgpu_display.c latches them for the
 * guest). The scanout region is a read-only window onto the current plane:
 * its mappings are filled by a fault handler and zapped at every accepted
 * flip, so a VMM that mapped it once always sees the current buffer.
 * VFIO_DEVICE_QUERY_GFX_PLANE describes the current plane as that region
 * or, when the vGPU offers them, as a dma-buf (mvgpu_dmabuf.c). Everything
 * here trusts the current plane, which the guest-facing side validated.
 */

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/overflow.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <uapi/mvgpu/mvgpu_regs.h>
#include <uapi/mvgpu/mvgpu_vfio.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"

static_assert(MVGPU_REGION_EDID == VFIO_PCI_NUM_REGIONS);

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
		pfn = pgpu->ops->vram_pfn(pgpu->hw, vram_offset);
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

	if (!(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_WRITE) ||
	    !vgpu->bar2_mmap)
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
	if (!mvgpu_pgpu_vram_cacheable(vgpu->pgpu))
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
	u64 size;
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
	/*
	 * The plane was validated: stride * height fits in VRAM, and the
	 * bounds on stride and height keep it far below 4 GiB, which the
	 * 32-bit size field holds.
	 */
	size = PAGE_ALIGN((u64)plane.stride * plane.height);
	if (size > U32_MAX)
		return -EOVERFLOW;
	info->size = size;
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
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		if (vgpu->bar2_mmap)
			info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
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
 * mvgpu_display_scanout_zap() - make every mapping of the scanout region
 *	fault again
 * @disp: the vGPU's display, &mvgpu_display.lock held
 *
 * Called when the plane the region shows changes.
 */
void mvgpu_display_scanout_zap(struct mvgpu_display *disp)
{
	lockdep_assert_held(&disp->lock);
	unmap_mapping_range(disp->scanout_inode->i_mapping, 0, 0, 1);
}

/**
 * mvgpu_display_scanout_init() - set up the scanout region of a new vGPU
 * @disp: the vGPU's display, not yet visible
 *
 * Gives the vGPU the inode that all mappings of its scanout region share.
 * Process context. Return: 0 or -errno.
 */
int mvgpu_display_scanout_init(struct mvgpu_display *disp)
{
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
	disp->scanout_inode = inode;
	return 0;
}

/**
 * mvgpu_display_scanout_fini() - release the scanout region of a vGPU
 * @disp: the vGPU's display; no mapping of the region is left
 *
 * Process context.
 */
void mvgpu_display_scanout_fini(struct mvgpu_display *disp)
{
	iput(disp->scanout_inode);
	disp->scanout_inode = NULL;
	simple_release_fs(&mvgpu_display_mnt, &mvgpu_display_mnt_count);
}
