// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO face of a vGPU: device ops, ioctl dispatch, region read/write
 * and mmap. Interrupts are mvgpu_irq.c's, the display regions
 * mvgpu_display_host.c's.
 */

/**
 * DOC: VFIO regions
 *
 * A vGPU is a vfio-pci device with an emulated IOMMU. Region offsets in the
 * device file are the region index shifted left by MVGPU_REGION_SHIFT.
 * The config region (256 bytes) and BAR0 (registers) are trapped; BAR2
 * (VRAM) may be read and written through the file and mmapped: the mapping
 * points straight at the pGPU VRAM pages of the vGPU's partition, one
 * physically contiguous chunk at a time, so CPU access to VRAM costs no
 * trap. After the vfio-pci regions come the display's EDID and scanout
 * regions (mvgpu_display.c). Every offset and length from userspace is
 * checked for overflow and bounds; a bad one is -EINVAL.
 */

#include <linux/file.h>
#include <linux/mdev.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"
#include "mvgpu_irq.h"
#include "mvgpu_mmio.h"

/* Largest BAR2 read or write through the file handled per bounce. */
#define MVGPU_BOUNCE_SIZE	PAGE_SIZE

static u64 mvgpu_region_offset(unsigned int index)
{
	return (u64)index << MVGPU_REGION_SHIFT;
}

static u64 mvgpu_region_size(struct mvgpu_vgpu *vgpu, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return MVGPU_CFG_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX:
		return MVGPU_BAR0_SIZE;
	case VFIO_PCI_BAR2_REGION_INDEX:
		return vgpu->bar2_size;
	case MVGPU_REGION_EDID:
		return MVGPU_EDID_REGION_SIZE;
	case MVGPU_REGION_SCANOUT:
		return vgpu->bar2_size;
	default:
		return 0;
	}
}

static long mvgpu_ioctl_get_info(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = MVGPU_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * Offset, size, flags and capabilities of region info->index. The VFIO
 * core calls it as .get_region_info_caps from 6.19; before, our ioctl
 * handler wraps it the same way.
 */
static int mvgpu_vfio_region_info_caps(struct vfio_device *vdev,
				       struct vfio_region_info *info,
				       struct vfio_info_cap *caps)
{
	struct mvgpu_vgpu *vgpu = vdev_to_vgpu(vdev);
	int ret;

	if (info->index >= MVGPU_NUM_REGIONS)
		return -EINVAL;
	info->offset = mvgpu_region_offset(info->index);
	info->size = mvgpu_region_size(vgpu, info->index);
	info->flags = 0;
	info->cap_offset = 0;
	if (info->index >= VFIO_PCI_NUM_REGIONS) {
		ret = mvgpu_display_region_info(vgpu, info, caps);
		if (ret)
			return ret;
	} else if (info->size) {
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
	}
	/* BAR2 outside CPU-visible VRAM is read and written, not mapped. */
	if (info->index == VFIO_PCI_BAR2_REGION_INDEX && vgpu->bar2_mmap)
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return 0;
}

#if !MVGPU_HAVE_VFIO_REGION_INFO_CAPS_OP
static long mvgpu_ioctl_get_region_info(struct mvgpu_vgpu *vgpu,
					void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = mvgpu_vfio_region_info_caps(&vgpu->vdev, &info, &caps);
	if (ret)
		goto out_free;

	/* The capability chain follows the structure if it fits. */
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + sizeof(info), caps.buf,
					 caps.size)) {
				ret = -EFAULT;
				goto out_free;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
out_free:
	kfree(caps.buf);
	return ret;
}
#endif

static long mvgpu_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct mvgpu_vgpu *vgpu = vdev_to_vgpu(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mvgpu_ioctl_get_info(vgpu, uarg);
#if !MVGPU_HAVE_VFIO_REGION_INFO_CAPS_OP
	case VFIO_DEVICE_GET_REGION_INFO:
		return mvgpu_ioctl_get_region_info(vgpu, uarg);
#endif
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mvgpu_irq_ioctl_get_info(vgpu, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mvgpu_irq_ioctl_set_irqs(vgpu, uarg);
	case VFIO_DEVICE_RESET:
		return mvgpu_vgpu_reset(vgpu);
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return mvgpu_display_query_plane(vgpu, uarg);
	case VFIO_DEVICE_GET_GFX_DMABUF:
		return mvgpu_dmabuf_get_fd(vgpu, uarg);
	default:
		return -ENOTTY;
	}
}

static ssize_t mvgpu_cfg_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			    size_t count, u64 offset, bool write)
{
	u8 buf[MVGPU_CFG_SIZE];
	int ret;

	if (count > sizeof(buf) || offset >= MVGPU_CFG_SIZE)
		return -EINVAL;
	if (write && copy_from_user(buf, ubuf, count))
		return -EFAULT;

	mutex_lock(&vgpu->state_lock);
	if (write) {
		ret = mvgpu_cfg_write(&vgpu->cfg, offset, buf, count);
		/* Command or MSI control may have changed delivery. */
		if (!ret)
			mvgpu_irq_update_locked(vgpu, 0);
	} else {
		ret = mvgpu_cfg_read(&vgpu->cfg, offset, buf, count);
	}
	mutex_unlock(&vgpu->state_lock);
	if (ret)
		return ret;

	if (!write && copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

static ssize_t mvgpu_bar0_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			     size_t count, u64 offset, bool write)
{
	u32 val[2];
	size_t i;
	int ret;

	/* Registers are 32-bit; a 64-bit access is two of them. */
	if ((count != 4 && count != 8) || !IS_ALIGNED(offset, count) ||
	    offset + count > MVGPU_BAR0_SIZE)
		return -EINVAL;
	if (write && copy_from_user(val, ubuf, count))
		return -EFAULT;

	for (i = 0; i < count / 4; i++) {
		if (write)
			ret = mvgpu_mmio_write(vgpu, offset + 4 * i,
					       le32_to_cpu((__force __le32)val[i]));
		else
			ret = mvgpu_mmio_read(vgpu, offset + 4 * i, &val[i]);
		if (ret)
			return ret;
		if (!write)
			val[i] = (__force u32)cpu_to_le32(val[i]);
	}

	if (!write && copy_to_user(ubuf, val, count))
		return -EFAULT;
	return count;
}

static ssize_t mvgpu_bar2_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			     size_t count, u64 offset, bool write)
{
	size_t done = 0, step;
	void *bounce;
	u64 end;
	int ret = 0;

	if (!count || check_add_overflow(offset, (u64)count, &end) ||
	    end > vgpu->bar2_size)
		return -EINVAL;

	bounce = kmalloc(MVGPU_BOUNCE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		step = min_t(size_t, count - done, MVGPU_BOUNCE_SIZE);
		if (write && copy_from_user(bounce, ubuf + done, step)) {
			ret = -EFAULT;
			break;
		}
		ret = mvgpu_vgpu_vram_rw(vgpu, offset + done, bounce, step,
					 write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, bounce, step)) {
			ret = -EFAULT;
			break;
		}
		done += step;
	}
	kfree(bounce);
	return ret ? ret : count;
}

static ssize_t mvgpu_vfio_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			     size_t count, loff_t *ppos, bool write)
{
	u64 pos = *ppos;
	unsigned int index = pos >> MVGPU_REGION_SHIFT;
	u64 offset = pos & MVGPU_REGION_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = mvgpu_cfg_rw(vgpu, ubuf, count, offset, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = mvgpu_bar0_rw(vgpu, ubuf, count, offset, write);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		ret = mvgpu_bar2_rw(vgpu, ubuf, count, offset, write);
		break;
	case MVGPU_REGION_EDID:
		ret = mvgpu_display_edid_rw(vgpu, ubuf, count, offset, write);
		break;
	case MVGPU_REGION_SCANOUT:
		ret = write ? -EINVAL :
			mvgpu_display_scanout_read(vgpu, ubuf, count, offset);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t mvgpu_vfio_read(struct vfio_device *vdev, char __user *buf,
			       size_t count, loff_t *ppos)
{
	return mvgpu_vfio_rw(vdev_to_vgpu(vdev), buf, count, ppos, false);
}

static ssize_t mvgpu_vfio_write(struct vfio_device *vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	return mvgpu_vfio_rw(vdev_to_vgpu(vdev), (char __user *)buf, count,
			     ppos, true);
}

static int mvgpu_vfio_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct mvgpu_vgpu *vgpu = vdev_to_vgpu(vdev);
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	unsigned long index = vma->vm_pgoff >> (MVGPU_REGION_SHIFT - PAGE_SHIFT);
	u64 offset, end, size = vma->vm_end - vma->vm_start;
	u64 vram_offset, contiguous, done = 0, step;
	int ret;

	offset = (u64)(vma->vm_pgoff & (MVGPU_REGION_MASK >> PAGE_SHIFT))
		 << PAGE_SHIFT;
	if (index == MVGPU_REGION_SCANOUT)
		return mvgpu_display_scanout_mmap(vgpu, vma, offset);
	if (index != VFIO_PCI_BAR2_REGION_INDEX || !vgpu->bar2_mmap)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (check_add_overflow(offset, size, &end) || end > vgpu->bar2_size)
		return -EINVAL;

	mvgpu_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			   VM_DONTDUMP);
	if (!mvgpu_pgpu_vram_cacheable(pgpu))
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);

	/* Map chunk by chunk: the partition need not be contiguous. */
	while (done < size) {
		ret = mvgpu_partition_translate(&pgpu->pool, &vgpu->part,
						offset + done, &vram_offset,
						&contiguous);
		if (ret)
			return ret;
		step = min(size - done, contiguous);
		ret = io_remap_pfn_range(vma, vma->vm_start + done,
					 pgpu->ops->vram_pfn(pgpu->hw,
							     vram_offset),
					 step, vma->vm_page_prot);
		if (ret)
			return ret;
		done += step;
	}
	return 0;
}

static int mvgpu_vfio_init(struct vfio_device *vdev)
{
	struct mdev_device *mdev = to_mdev_device(vdev->dev);

	return mvgpu_vgpu_init(vdev_to_vgpu(vdev),
			       mdev_type_to_type(mdev->type));
}

static void mvgpu_vfio_release(struct vfio_device *vdev)
{
	mvgpu_vgpu_fini(vdev_to_vgpu(vdev));
	mvgpu_vfio_free_device(vdev);
}

static int mvgpu_vfio_open_device(struct vfio_device *vdev)
{
	mvgpu_dma_open(vdev_to_vgpu(vdev));
	return 0;
}

static void mvgpu_vfio_close_device(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = vdev_to_vgpu(vdev);

	/* The next user starts from power-on state with zeroed VRAM. */
	mvgpu_queues_stop(vgpu);
	mvgpu_dma_release_all(vgpu, true);
	mvgpu_irq_release(vgpu);
	mvgpu_display_close(vgpu);
	if (mvgpu_vgpu_reset(vgpu))
		dev_err(vgpu->pgpu->dev, "mvgpu: reset on close failed\n");
	/* A reset leaves config space to its user; a new user gets it fresh. */
	mutex_lock(&vgpu->state_lock);
	mvgpu_vgpu_init_cfg(vgpu);
	mutex_unlock(&vgpu->state_lock);
}

static void mvgpu_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	mvgpu_irq_request(vdev_to_vgpu(vdev), count);
}

const struct vfio_device_ops mvgpu_vfio_ops = {
	.name = "mvgpu",
	.init = mvgpu_vfio_init,
	.release = mvgpu_vfio_release,
	.open_device = mvgpu_vfio_open_device,
	.close_device = mvgpu_vfio_close_device,
	.read = mvgpu_vfio_read,
	.write = mvgpu_vfio_write,
	.ioctl = mvgpu_vfio_ioctl,
#if MVGPU_HAVE_VFIO_REGION_INFO_CAPS_OP
	.get_region_info_caps = mvgpu_vfio_region_info_caps,
#endif
	.mmap = mvgpu_vfio_mmap,
	.request = mvgpu_vfio_request,
	.dma_unmap = mvgpu_dma_unmap,
#if MVGPU_HAVE_VFIO_IOMMUFD_OPS
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
#endif
#if MVGPU_HAVE_VFIO_DETACH_IOAS
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#endif
};
