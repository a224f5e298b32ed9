// SPDX-License-Identifier: GPL-2.0-only
/*
 * vGPU instances: creation, destruction, reset and VRAM access.
 */

/**
 * DOC: vGPU lifetime
 *
 * A vGPU is born in the VFIO device init callback, called from the mdev
 * probe: it reserves its partition (VRAM chunks, queues, a context) from the
 * pGPU pool, creates its backend context and zeroes its VRAM. It dies in the
 * VFIO release callback, when the last reference to the VFIO device goes:
 * VRAM is zeroed again, the context destroyed and the partition returned.
 * So no data crosses tenants, and a creation that cannot be satisfied
 * leaves the pool as it found it.
 */

#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_core.h"
#include "mvgpu_debugfs.h"
#include "mvgpu_irq.h"
#include "mvgpu_mmio.h"

static void mvgpu_vgpu_report_shortage(struct mvgpu_vgpu *vgpu,
				       enum mvgpu_partition_resource res)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	const struct mvgpu_type *type = vgpu->type;
	struct mdev_device *mdev = to_mdev_device(vgpu->vdev.dev);
	const struct mvgpu_partition_pool *pool = &pgpu->pool;

	switch (res) {
	case MVGPU_RES_VRAM:
		dev_info(pgpu->dev, "mvgpu: cannot create vGPU %pUl of type %s: out of VRAM (needs %llu MiB, %llu MiB free)\n",
			 &mdev->uuid, type->mdev_type.sysfs_name,
			 type->req.vram_size >> 20,
			 ((u64)pool->free_chunks * pool->chunk_size) >> 20);
		break;
	case MVGPU_RES_QUEUES:
		dev_info(pgpu->dev, "mvgpu: cannot create vGPU %pUl of type %s: out of queues (needs %u, %u free)\n",
			 &mdev->uuid, type->mdev_type.sysfs_name,
			 type->req.num_queues, pool->free_queues);
		break;
	default:
		dev_info(pgpu->dev, "mvgpu: cannot create vGPU %pUl of type %s: out of contexts (all %u in use)\n",
			 &mdev->uuid, type->mdev_type.sysfs_name,
			 pool->num_contexts);
		break;
	}
}

static int mvgpu_vgpu_reserve(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	enum mvgpu_partition_resource short_of;
	int ret;

	mutex_lock(&pgpu->lock);
	ret = mvgpu_partition_reserve(&pgpu->pool, &vgpu->type->req,
				      &vgpu->part, &short_of);
	if (!ret) {
		list_add_tail(&vgpu->pgpu_link, &pgpu->vgpus);
		pgpu->num_vgpus++;
	} else if (ret == -ENOSPC) {
		mvgpu_vgpu_report_shortage(vgpu, short_of);
	}
	mutex_unlock(&pgpu->lock);
	return ret;
}

static void mvgpu_vgpu_unreserve(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;

	mutex_lock(&pgpu->lock);
	list_del_init(&vgpu->pgpu_link);
	pgpu->num_vgpus--;
	mvgpu_partition_release(&pgpu->pool, &vgpu->part);
	mutex_unlock(&pgpu->lock);
}

/**
 * mvgpu_vgpu_init_cfg() - put config space in its power-on state
 * @vgpu: the vGPU; &mvgpu_vgpu.state_lock held or the vGPU not yet visible
 */
void mvgpu_vgpu_init_cfg(struct mvgpu_vgpu *vgpu)
{
	const struct mvgpu_cfg_params params = {
		.vendor = MVGPU_PCI_VENDOR_ID,
		.device = MVGPU_PCI_DEVICE_ID,
		.subsys_vendor = MVGPU_PCI_SUBSYS_VENDOR_ID,
		.subsys_device = MVGPU_PCI_SUBSYS_DEVICE_ID,
		.revision = MVGPU_PCI_REVISION,
		.class_code = MVGPU_PCI_CLASS_CODE,
		.bar0_size = MVGPU_BAR0_SIZE,
		.bar2_size = vgpu->bar2_size,
	};

	mvgpu_cfg_init(&vgpu->cfg, &params);
}

/* The vGPU's VRAM appears at GPU VA 0 of its context, chunk by chunk. */
static int mvgpu_vgpu_map_vram(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 chunk_size = pgpu->pool.chunk_size;
	u32 i;
	int ret;

	for (i = 0; i < vgpu->part.num_chunks; i++) {
		ret = pgpu->ops->as_map_vram(vgpu->hw_ctx, (u64)i * chunk_size,
					     (u64)vgpu->part.chunks[i] * chunk_size,
					     chunk_size);
		if (ret) {
			pgpu->ops->as_unmap(vgpu->hw_ctx, 0, vgpu->bar2_size);
			return ret;
		}
	}
	return 0;
}

/* Whether every VRAM chunk of the vGPU is in CPU-mappable VRAM. */
static bool mvgpu_vgpu_vram_mappable(struct mvgpu_vgpu *vgpu)
{
	u64 chunk_size = vgpu->pgpu->pool.chunk_size;
	u32 i;

	for (i = 0; i < vgpu->part.num_chunks; i++)
		if (((u64)vgpu->part.chunks[i] + 1) * chunk_size >
		    vgpu->pgpu->caps.vram_cpu_size)
			return false;
	return true;
}

static void mvgpu_vgpu_destroy_queues(struct mvgpu_vgpu *vgpu)
{
	const struct mvgpu_backend_ops *ops = vgpu->pgpu->ops;
	u32 q;

	for (q = 0; q < vgpu->part.num_queues; q++) {
		if (vgpu->hw_queues[q])
			ops->queue_destroy(vgpu->hw_queues[q]);
		vgpu->hw_queues[q] = NULL;
	}
}

/* The backend context and queues of the partition, tagged as ours. */
static int mvgpu_vgpu_create_hw(struct mvgpu_vgpu *vgpu)
{
	const struct mvgpu_backend_ops *ops = vgpu->pgpu->ops;
	struct mvgpu_hw_context *ctx;
	struct mvgpu_hw_queue *hwq;
	u32 q;

	ctx = ops->context_create(vgpu->pgpu->hw, vgpu->part.context);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	ctx->vgpu = vgpu;
	vgpu->hw_ctx = ctx;
	for (q = 0; q < vgpu->part.num_queues; q++) {
		hwq = ops->queue_create(ctx, vgpu->part.queues[q]);
		if (IS_ERR(hwq)) {
			mvgpu_vgpu_destroy_queues(vgpu);
			ops->context_destroy(ctx);
			vgpu->hw_ctx = NULL;
			return PTR_ERR(hwq);
		}
		hwq->vgpu = vgpu;
		hwq->index = q;
		vgpu->hw_queues[q] = hwq;
	}
	return 0;
}

static void mvgpu_vgpu_destroy_hw(struct mvgpu_vgpu *vgpu)
{
	mvgpu_vgpu_destroy_queues(vgpu);
	vgpu->pgpu->ops->context_destroy(vgpu->hw_ctx);
	vgpu->hw_ctx = NULL;
}

/**
 * mvgpu_vgpu_init() - bring a new vGPU to power-on state
 * @vgpu: zeroed vGPU, embedded in its VFIO device
 * @type: the vGPU's profile
 *
 * Reserves the partition, creates the backend context and zeroes VRAM.
 * Process context. Return: 0, -ENOSPC when the pGPU is full (the reason is
 * logged), or another -errno.
 */
int mvgpu_vgpu_init(struct mvgpu_vgpu *vgpu, struct mvgpu_type *type)
{
	struct mvgpu_pgpu *pgpu = type->pgpu;
	int ret;

	vgpu->pgpu = pgpu;
	vgpu->type = type;
	vgpu->bar2_size = type->req.vram_size;
	INIT_LIST_HEAD(&vgpu->pgpu_link);
	mutex_init(&vgpu->state_lock);
	mutex_init(&vgpu->queue_lock);
	mutex_init(&vgpu->dma_lock);
	xa_init(&vgpu->pinned);
	INIT_LIST_HEAD(&vgpu->unmapping);

	ret = mvgpu_vgpu_reserve(vgpu);
	if (ret)
		goto out_destroy_lock;

	vgpu->bar2_mmap = mvgpu_vgpu_vram_mappable(vgpu);
	ret = mvgpu_vgpu_create_hw(vgpu);
	if (ret)
		goto out_unreserve;

	ret = mvgpu_vgpu_map_vram(vgpu);
	if (ret)
		goto out_destroy_context;

	ret = mvgpu_vgpu_vram_clear(vgpu);
	if (ret)
		goto out_unmap_vram;

	ret = mvgpu_display_init(vgpu);
	if (ret)
		goto out_unmap_vram;

	mvgpu_vgpu_init_cfg(vgpu);
	mvgpu_regs_reset(vgpu);
	mvgpu_vgpu_sched_add(vgpu);
	mvgpu_debugfs_vgpu_init(vgpu);
	return 0;

out_unmap_vram:
	pgpu->ops->as_unmap(vgpu->hw_ctx, 0, vgpu->bar2_size);
out_destroy_context:
	mvgpu_vgpu_destroy_hw(vgpu);
out_unreserve:
	mvgpu_vgpu_unreserve(vgpu);
out_destroy_lock:
	xa_destroy(&vgpu->pinned);
	mutex_destroy(&vgpu->dma_lock);
	mutex_destroy(&vgpu->queue_lock);
	mutex_destroy(&vgpu->state_lock);
	return ret;
}

/**
 * mvgpu_vgpu_fini() - tear down a vGPU whose VFIO device is being released
 * @vgpu: vGPU set up by mvgpu_vgpu_init()
 *
 * Zeroes VRAM, destroys the context and returns the partition to the pool.
 * Process context.
 */
void mvgpu_vgpu_fini(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;

	mvgpu_debugfs_vgpu_fini(vgpu);
	mvgpu_queues_stop(vgpu);
	mvgpu_vgpu_sched_remove(vgpu);
	mvgpu_dma_release_all(vgpu, true);
	mvgpu_irq_release(vgpu);
	mvgpu_display_fini(vgpu);
	pgpu->ops->as_unmap(vgpu->hw_ctx, 0, vgpu->bar2_size);
	if (mvgpu_vgpu_vram_clear(vgpu))
		dev_err(pgpu->dev, "mvgpu: failed to zero VRAM of a destroyed vGPU\n");
	mvgpu_vgpu_destroy_hw(vgpu);
	mvgpu_vgpu_unreserve(vgpu);
	xa_destroy(&vgpu->pinned);
	mutex_destroy(&vgpu->dma_lock);
	mutex_destroy(&vgpu->queue_lock);
	mutex_destroy(&vgpu->state_lock);
}

/**
 * mvgpu_vgpu_vram_clear() - zero the whole VRAM partition of a vGPU
 * @vgpu: the vGPU
 *
 * Process context, may sleep. Return: 0 or the backend's -errno.
 */
int mvgpu_vgpu_vram_clear(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 chunk_size = pgpu->pool.chunk_size;
	u32 i;
	int ret;

	for (i = 0; i < vgpu->part.num_chunks; i++) {
		ret = pgpu->ops->vram_clear(pgpu->hw,
					    (u64)vgpu->part.chunks[i] * chunk_size,
					    chunk_size);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

/**
 * mvgpu_vgpu_vram_rw() - copy between a kernel buffer and vGPU VRAM
 * @vgpu: the vGPU
 * @offset: byte offset in the vGPU's VRAM
 * @buf: kernel buffer
 * @len: bytes to copy
 * @write: true to copy @buf into VRAM
 *
 * The range may cross chunk boundaries. Process context, may sleep.
 * Return: 0, -EINVAL for a range outside the partition, or a backend -errno.
 */
int mvgpu_vgpu_vram_rw(struct mvgpu_vgpu *vgpu, u64 offset, void *buf,
		       size_t len, bool write)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 end, vram_offset, contiguous;
	size_t step;
	int ret;

	if (check_add_overflow(offset, (u64)len, &end) || end > vgpu->bar2_size)
		return -EINVAL;

	while (len) {
		ret = mvgpu_partition_translate(&pgpu->pool, &vgpu->part,
						offset, &vram_offset,
						&contiguous);
		if (ret)
			return ret;
		step = min_t(u64, len, contiguous);
		if (write)
			ret = pgpu->ops->vram_write(pgpu->hw,
						    vram_offset, buf, step);
		else
			ret = pgpu->ops->vram_read(pgpu->hw,
						   vram_offset, buf, step);
		if (ret)
			return ret;
		offset += step;
		buf += step;
		len -= step;
	}
	return 0;
}

/**
 * mvgpu_vgpu_reset() - bring a vGPU back to power-on state
 * @vgpu: the vGPU
 *
 * Queues stop and forget their rings, guest pages pinned for the GPU are
 * released, registers and interrupt state return to their defaults (the
 * reset counter counts up), pending interrupts are dropped and VRAM is
 * zeroed.
 * Configuration space is left alone, as after a function-level reset the
 * user restores it. Process context. Return: 0 or -errno.
 */
int mvgpu_vgpu_reset(struct mvgpu_vgpu *vgpu)
{
	mvgpu_queues_stop(vgpu);
	mvgpu_dma_release_all(vgpu, false);

	mutex_lock(&vgpu->state_lock);
	mvgpu_regs_reset(vgpu);
	vgpu->regs.reset_count++;
	mvgpu_irq_reset_locked(vgpu);
	mutex_unlock(&vgpu->state_lock);
	mvgpu_vgpu_sched_count(vgpu, 0, 1);

	return mvgpu_vgpu_vram_clear(vgpu);
}
