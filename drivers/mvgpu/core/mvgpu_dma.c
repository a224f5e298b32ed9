// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory for the GPU: pinning on GPU faults, dropping on DMA unmap.
 *
 * DOC: Guest memory
 *
 * GPU VA MVGPU_VA_SYSMEM + iova is the guest's DMA address iova. Nothing is
 * pinned up front: when an engine touches such an address that is not yet
 * mapped, the backend calls mvgpu_pgpu_resolve_fault(), which pins the page
 * through VFIO (vfio_pin_pages(), read and write), maps it in the vGPU's
 * context and remembers it. When the user unmaps DMA memory (QEMU on a
 * memory hot-unplug or at exit), VFIO calls mvgpu_dma_unmap(): every pinned
 * page in the range is unmapped from the context first (the backend waits
 * for engine accesses to it to finish) and then unpinned, so no engine ever
 * touches a page after QEMU let it go. A DMA address that is not mapped
 * read-write by the user is a GPU page fault.
 *
 * VFIO (type1) calls the callback with none of its locks held, and after
 * it returns retakes its lock and checks that no page of the range is
 * pinned any more; if one is, it calls the callback again, and after ten
 * retries it BUG()s. An engine that faulted on the range while the
 * callback ran, waiting for dma_lock, would pin the page again right
 * after the callback returns, racing VFIO for its lock: a guest copying
 * from memory QEMU unmaps could then crash the host. So every callback is
 * logged (unmap_seq, unmap_log), and mvgpu_pgpu_resolve_fault() refuses a
 * page that a callback which ran since the fault began has dropped: the
 * engine stops the queue with a page fault instead, which is the outcome
 * of touching memory being unmapped anyway. Later faults pin normally, so
 * a DMA address mapped again is usable again.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
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
	pgpu->ops->as_unmap(pgpu->backend_priv, vgpu->part.context,
			    MVGPU_VA_SYSMEM + iova, PAGE_SIZE);
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
	void *entry;
	u32 delay_us;
	u64 end;

	if (!length)
		return;
	if (check_add_overflow(iova, length - 1, &end))
		end = U64_MAX;
	last = end >> PAGE_SHIFT;

	mutex_lock(&vgpu->dma_lock);
	/* Odd while the callback runs; see mvgpu_dma_unmapped_since(). */
	WRITE_ONCE(vgpu->unmap_seq, vgpu->unmap_seq + 1);
	vgpu->unmap_log[(vgpu->unmap_seq / 2 + 1) % MVGPU_UNMAP_LOG] =
		(struct mvgpu_unmap_range){ .first = first, .last = last };
	xa_for_each_range(&vgpu->pinned, pfn, entry, first, last)
		mvgpu_dma_drop_locked(vgpu, pfn);
	WRITE_ONCE(vgpu->unmap_seq, vgpu->unmap_seq + 1);
	mutex_unlock(&vgpu->dma_lock);

	delay_us = READ_ONCE(mvgpu_dma_unmap_delay_us);
	if (delay_us)
		fsleep(min_t(u32, delay_us, USEC_PER_SEC));
}

/*
 * Whether a dma_unmap callback that ended after @seen (an unmap_seq read
 * before taking dma_lock) dropped DMA page frame @pfn. Callback n ends
 * unmap_seq 2 * n; callbacks seen / 2 + 1 to unmap_seq / 2 ended since.
 * More of them than the log holds: assume so.
 */
static bool mvgpu_dma_unmapped_since(struct mvgpu_vgpu *vgpu, u64 seen,
				     unsigned long pfn)
{
	u64 n, last = vgpu->unmap_seq / 2;

	lockdep_assert_held(&vgpu->dma_lock);
	if (last - seen / 2 > MVGPU_UNMAP_LOG)
		return true;
	for (n = seen / 2 + 1; n <= last; n++) {
		const struct mvgpu_unmap_range *r =
			&vgpu->unmap_log[n % MVGPU_UNMAP_LOG];

		if (pfn >= r->first && pfn <= r->last)
			return true;
	}
	return false;
}

static int mvgpu_dma_pin_locked(struct mvgpu_vgpu *vgpu, u64 iova)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	unsigned long pfn = iova >> PAGE_SHIFT;
	struct page *page;
	int ret;

	lockdep_assert_held(&vgpu->dma_lock);
	page = xa_load(&vgpu->pinned, pfn);
	if (!page) {
		ret = vfio_pin_pages(&vgpu->vdev, iova, 1,
				     IOMMU_READ | IOMMU_WRITE, &page);
		if (ret != 1)
			return -EFAULT;
		ret = xa_err(xa_store(&vgpu->pinned, pfn, page, GFP_KERNEL));
		if (ret) {
			vfio_unpin_pages(&vgpu->vdev, iova, 1);
			return ret;
		}
	}
	/* Mapping again is harmless if the backend still has it. */
	ret = pgpu->ops->as_map_page(pgpu->backend_priv, vgpu->part.context,
				     MVGPU_VA_SYSMEM + iova, page);
	if (ret)
		mvgpu_dma_drop_locked(vgpu, pfn);
	return ret;
}

/**
 * mvgpu_pgpu_resolve_fault() - ask the core to map a missing GPU address
 * @pgpu: the pGPU
 * @ctx_id: context whose address space missed
 * @gpu_va: the address
 * @write: the access writes
 *
 * Called by an engine thread, without any address-space lock of the
 * backend held (the core calls &mvgpu_backend_ops.as_map_page). May sleep.
 * Return: 0 when @gpu_va is now mapped (retry the access), or -EFAULT when
 * it is outside the vGPU's memory: the backend then stops the queue with
 * MVGPU_ERR_PAGE_FAULT.
 */
int mvgpu_pgpu_resolve_fault(struct mvgpu_pgpu *pgpu, u32 ctx_id, u64 gpu_va,
			     bool write)
{
	struct mvgpu_vgpu *vgpu;
	u64 iova, seen;
	int ret;

	if (ctx_id >= pgpu->caps.num_contexts)
		return -EFAULT;
	vgpu = READ_ONCE(pgpu->ctx_owner[ctx_id]);
	/* VRAM is mapped whole at creation: a miss there is out of range. */
	if (!vgpu || gpu_va < MVGPU_VA_SYSMEM ||
	    gpu_va - MVGPU_VA_SYSMEM >= MVGPU_VA_SYSMEM_SIZE)
		return -EFAULT;
	iova = (gpu_va - MVGPU_VA_SYSMEM) & PAGE_MASK;

	/* Pairs with the WRITE_ONCE()s of mvgpu_dma_unmap(), under dma_lock. */
	seen = READ_ONCE(vgpu->unmap_seq);
	mutex_lock(&vgpu->dma_lock);
	if (!vgpu->dma_open ||
	    mvgpu_dma_unmapped_since(vgpu, seen, iova >> PAGE_SHIFT))
		ret = -EFAULT;
	else
		ret = mvgpu_dma_pin_locked(vgpu, iova);
	mutex_unlock(&vgpu->dma_lock);
	return ret ? -EFAULT : 0;
}
EXPORT_SYMBOL_GPL(mvgpu_pgpu_resolve_fault);

/**
 * mvgpu_dma_debugfs_init() - create the guest-memory test hooks
 * @root: the module's debugfs directory
 */
void mvgpu_dma_debugfs_init(struct dentry *root)
{
	debugfs_create_u32("dma_unmap_delay_us", 0600, root,
			   &mvgpu_dma_unmap_delay_us);
}
