// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory for the GPU: pinning on GPU faults, dropping on DMA unmap.
 */

/**
 * DOC: Guest memory
 *
 * GPU VA MVGPU_VA_SYSMEM + iova is the guest's DMA address iova. Nothing is
 * pinned up front: when an engine touches such an address that is not yet
 * mapped, the backend calls mvgpu_hw_resolve_fault(), which pins the page
 * through VFIO (vfio_pin_pages()) for the access the engine makes, maps it
 * in the vGPU's context and remembers it. A read pins and maps the page
 * read-only (IOMMU_READ), so memory the user mapped for DMA with
 * VFIO_DMA_MAP_FLAG_READ only can be read; a write pins it with IOMMU_READ |
 * IOMMU_WRITE and maps it writable. A write to a page pinned for reading
 * faults again in the backend (&mvgpu_backend_ops.as_map_page mapped it
 * read-only), and the core asks VFIO again with write access: granted, the
 * page is mapped writable (VFIO counts the pin twice, the core drops one at
 * once); refused, the queue takes a page fault. When the user unmaps DMA
 * memory (QEMU on a memory hot-unplug or at exit), VFIO calls
 * mvgpu_dma_unmap(): every pinned page in the range is unmapped from the
 * context first (the backend waits for engine accesses to it to finish) and
 * then unpinned, so no engine ever touches a page after QEMU let it go. A
 * DMA address that is not mapped by the user, or a write to one mapped
 * read-only, is a GPU page fault.
 *
 * VFIO (type1) calls the callback from the VFIO_IOMMU_UNMAP_DMA ioctl with
 * none of its locks held; after it returns, VFIO retakes its lock and
 * checks that no page of the range is pinned any more: if one is, it calls
 * the callback again, and after ten retries it BUG()s. Only then does it
 * remove the range, and until that moment vfio_pin_pages() still succeeds
 * in it. An engine fault on the range between the callback's return and
 * VFIO's recheck (whether it began during the callback or just after it)
 * would pin a page again, and a guest that keeps its engines touching
 * memory QEMU unmaps could repeat that until the host crashes. So the
 * callback records the range it dropped (&struct mvgpu_dma_unmapping,
 * under dma_lock, before dropping anything), and mvgpu_hw_resolve_fault()
 * refuses every page of a recorded range, under the same lock and before
 * pinning: the engine stops the queue with a page fault, which is the
 * outcome of touching memory being unmapped anyway. The record lives until
 * the task that called the callback returns to user space (task_work), that
 * is until the ioctl, and with it VFIO's recheck and the removal of the
 * range, is over. Faults after that pin normally: the range is gone (VFIO
 * refuses to pin) or was mapped again, and is usable again.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#include <uapi/mvgpu/mvgpu_cmds.h>

#include "mvgpu_core.h"

/*
 * Test hook (debugfs mvgpu/dma_unmap_delay_us): the dma_unmap callback
 * sleeps this long after it dropped its pages and before it returns to
 * VFIO, which widens the gap in which an engine fault could pin a page of
 * the range again before VFIO rechecks it. At most one second.
 */
static u32 mvgpu_dma_unmap_delay_us;

static void mvgpu_dma_drop_locked(struct mvgpu_vgpu *vgpu, unsigned long pfn)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 iova = (u64)pfn << PAGE_SHIFT;

	lockdep_assert_held(&vgpu->dma_lock);
	pgpu->ops->as_unmap(vgpu->hw_ctx, MVGPU_VA_SYSMEM + iova, PAGE_SIZE);
	xa_erase(&vgpu->pinned, pfn);
	vfio_unpin_pages(&vgpu->vdev, iova, 1);
}

/**
 * mvgpu_dma_open() - allow pinning guest memory (the device was opened)
 * @vgpu: the vGPU
 */
void mvgpu_dma_open(struct mvgpu_vgpu *vgpu)
{
	mutex_lock(&vgpu->dma_lock);
	vgpu->dma_open = true;
	mutex_unlock(&vgpu->dma_lock);
}

/**
 * mvgpu_dma_release_all() - unmap and unpin every guest page
 * @vgpu: the vGPU, whose queues are stopped
 * @closing: the device is being closed: pin nothing until it is reopened
 *
 * Process context, may sleep.
 */
void mvgpu_dma_release_all(struct mvgpu_vgpu *vgpu, bool closing)
{
	unsigned long pfn;
	void *entry;

	mutex_lock(&vgpu->dma_lock);
	if (closing)
		vgpu->dma_open = false;
	xa_for_each(&vgpu->pinned, pfn, entry)
		mvgpu_dma_drop_locked(vgpu, pfn);
	mutex_unlock(&vgpu->dma_lock);
}

/**
 * struct mvgpu_dma_unmapping - a range being unmapped: no pinning in it
 * @work: runs when @task returns to user space, and drops the record
 * @link: entry in &mvgpu_vgpu.unmapping, under &mvgpu_vgpu.dma_lock
 * @vgpu: the vGPU, whose VFIO device the record holds a reference on
 * @task: the task in the VFIO_IOMMU_UNMAP_DMA ioctl
 * @first: first DMA page frame (iova >> PAGE_SHIFT) of the callbacks the
 *	ioctl made so far
 * @last: last DMA page frame of them
 */
struct mvgpu_dma_unmapping {
	struct callback_head work;
	struct list_head link;
	struct mvgpu_vgpu *vgpu;
	struct task_struct *task;
	unsigned long first;
	unsigned long last;
};

/* The unmap ioctl is over: VFIO has removed the range (or kept it). */
static void mvgpu_dma_unmapping_done(struct callback_head *work)
{
	struct mvgpu_dma_unmapping *u =
		container_of(work, struct mvgpu_dma_unmapping, work);
	struct mvgpu_vgpu *vgpu = u->vgpu;

	mutex_lock(&vgpu->dma_lock);
	list_del(&u->link);
	mutex_unlock(&vgpu->dma_lock);
	kfree(u);
	vfio_put_device(&vgpu->vdev);
	module_put(THIS_MODULE);
}

/*
 * Record [@first, @last] as being unmapped by the current task until it
 * returns to user space; dma_lock held. The callbacks of one ioctl share a
 * record, which covers the span of their ranges: all of it lies in the
 * range the ioctl unmaps. Return: false when there is no return to user
 * space to wait for (a kernel thread): the caller drops the record at once.
 */
static bool mvgpu_dma_unmapping_add(struct mvgpu_vgpu *vgpu,
				    struct mvgpu_dma_unmapping *u,
				    unsigned long first, unsigned long last)
{
	struct mvgpu_dma_unmapping *old;

	lockdep_assert_held(&vgpu->dma_lock);
	list_for_each_entry(old, &vgpu->unmapping, link) {
		if (old->task != current)
			continue;
		old->first = min(old->first, first);
		old->last = max(old->last, last);
		kfree(u);
		return true;
	}
	u->vgpu = vgpu;
	u->task = current;
	u->first = first;
	u->last = last;
	if (current->flags & PF_KTHREAD)
		return false;
	init_task_work(&u->work, mvgpu_dma_unmapping_done);
	if (task_work_add(current, &u->work, TWA_RESUME))
		return false;
	__module_get(THIS_MODULE);
	get_device(&vgpu->vdev.device);
	list_add(&u->link, &vgpu->unmapping);
	return true;
}

/**
 * mvgpu_dma_unmap() - VFIO dma_unmap callback: the user unmapped guest memory
 * @vdev: the vGPU's VFIO device
 * @iova: first DMA address unmapped
 * @length: bytes unmapped
 *
 * Process context, may sleep.
 */
void mvgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct mvgpu_vgpu *vgpu = vdev_to_vgpu(vdev);
	unsigned long first = iova >> PAGE_SHIFT, last, pfn;
	struct mvgpu_dma_unmapping *u;
	bool kept;
	void *entry;
	u32 delay_us;
	u64 end;

	if (!length)
		return;
	if (check_add_overflow(iova, length - 1, &end))
		end = U64_MAX;
	last = end >> PAGE_SHIFT;
	/* Small, and the callback cannot fail: VFIO would retry forever. */
	u = kzalloc(sizeof(*u), GFP_KERNEL | __GFP_NOFAIL);

	mutex_lock(&vgpu->dma_lock);
	kept = mvgpu_dma_unmapping_add(vgpu, u, first, last);
	xa_for_each_range(&vgpu->pinned, pfn, entry, first, last)
		mvgpu_dma_drop_locked(vgpu, pfn);
	mutex_unlock(&vgpu->dma_lock);
	if (!kept)
		kfree(u);

	delay_us = READ_ONCE(mvgpu_dma_unmap_delay_us);
	if (delay_us)
		fsleep(min_t(u32, delay_us, USEC_PER_SEC));
}

/* Whether DMA page frame @pfn is being unmapped; dma_lock held. */
static bool mvgpu_dma_unmapping(struct mvgpu_vgpu *vgpu, unsigned long pfn)
{
	struct mvgpu_dma_unmapping *u;

	lockdep_assert_held(&vgpu->dma_lock);
	list_for_each_entry(u, &vgpu->unmapping, link) {
		if (pfn >= u->first && pfn <= u->last)
			return true;
	}
	return false;
}

/* A pinned page the user allows the GPU to write (pinned with IOMMU_WRITE). */
#define MVGPU_DMA_WRITABLE	XA_MARK_0

/* Ask VFIO for write access to pinned page @pfn; dma_lock held. */
static int mvgpu_dma_pin_write_locked(struct mvgpu_vgpu *vgpu, u64 iova)
{
	unsigned long pfn = iova >> PAGE_SHIFT;
	struct page *page;

	lockdep_assert_held(&vgpu->dma_lock);
	if (vfio_pin_pages(&vgpu->vdev, iova, 1, IOMMU_READ | IOMMU_WRITE,
			   &page) != 1)
		return -EFAULT;
	/* VFIO pinned the same page again: one pin per page is enough. */
	vfio_unpin_pages(&vgpu->vdev, iova, 1);
	xa_set_mark(&vgpu->pinned, pfn, MVGPU_DMA_WRITABLE);
	return 0;
}

static int mvgpu_dma_pin_locked(struct mvgpu_vgpu *vgpu, u64 iova,
				bool write)
{
	int prot = write ? IOMMU_READ | IOMMU_WRITE : IOMMU_READ;
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	unsigned long pfn = iova >> PAGE_SHIFT;
	struct page *page;
	int ret;

	lockdep_assert_held(&vgpu->dma_lock);
	page = xa_load(&vgpu->pinned, pfn);
	if (!page) {
		ret = vfio_pin_pages(&vgpu->vdev, iova, 1, prot, &page);
		if (ret != 1)
			return -EFAULT;
		ret = xa_err(xa_store(&vgpu->pinned, pfn, page, GFP_KERNEL));
		if (ret) {
			vfio_unpin_pages(&vgpu->vdev, iova, 1);
			return ret;
		}
		if (write)
			xa_set_mark(&vgpu->pinned, pfn, MVGPU_DMA_WRITABLE);
	} else if (write &&
		   !xa_get_mark(&vgpu->pinned, pfn, MVGPU_DMA_WRITABLE)) {
		ret = mvgpu_dma_pin_write_locked(vgpu, iova);
		if (ret)
			return ret;
	}
	/* Mapping again is harmless if the backend still has it. */
	ret = pgpu->ops->as_map_page(vgpu->hw_ctx, MVGPU_VA_SYSMEM + iova, page,
				     xa_get_mark(&vgpu->pinned, pfn,
						 MVGPU_DMA_WRITABLE));
	if (ret)
		mvgpu_dma_drop_locked(vgpu, pfn);
	return ret;
}

int mvgpu_hw_resolve_fault(struct mvgpu_hw_context *ctx, u64 gpu_va,
			   bool write)
{
	struct mvgpu_vgpu *vgpu;
	u64 iova;
	int ret;

	vgpu = READ_ONCE(ctx->vgpu);
	/* VRAM is mapped whole at creation: a miss there is out of range. */
	if (!vgpu || gpu_va < MVGPU_VA_SYSMEM ||
	    gpu_va - MVGPU_VA_SYSMEM >= MVGPU_VA_SYSMEM_SIZE)
		return -EFAULT;
	iova = (gpu_va - MVGPU_VA_SYSMEM) & PAGE_MASK;

	mutex_lock(&vgpu->dma_lock);
	if (!vgpu->dma_open || mvgpu_dma_unmapping(vgpu, iova >> PAGE_SHIFT))
		ret = -EFAULT;
	else
		ret = mvgpu_dma_pin_locked(vgpu, iova, write);
	mutex_unlock(&vgpu->dma_lock);
	return ret ? -EFAULT : 0;
}
EXPORT_SYMBOL_GPL(mvgpu_hw_resolve_fault);

/**
 * mvgpu_dma_debugfs_init() - create the guest-memory test hooks
 * @root: the module's debugfs directory
 */
void mvgpu_dma_debugfs_init(struct dentry *root)
{
	debugfs_create_u32("dma_unmap_delay_us", 0600, root,
			   &mvgpu_dma_unmap_delay_us);
}
