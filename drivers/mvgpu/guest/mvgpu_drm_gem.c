// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: GEM buffer objects.
 */

/**
 * DOC: Buffer objects
 *
 * An object lives in one of two domains and never moves:
 *
 * - VRAM: a range of the vGPU's VRAM from a drm_mm allocator; its GPU VA is
 *   its VRAM offset. The CPU reaches it through BAR2: mmap() maps the BAR
 *   pages write-combined, vmap (fbdev, the kernel) uses the driver's
 *   write-combined mapping of the whole BAR. Dumb buffers (scanout, the
 *   fbdev console) are VRAM objects.
 * - SYSTEM: DMA-coherent guest memory from dma_alloc_coherent(), contiguous
 *   in DMA address space because the vGPU sees guest memory at
 *   MVGPU_VA_SYSMEM + DMA address and each object has one contiguous GPU
 *   VA range; without CMA that limits an object to MVDRM_MAX_SYSTEM_BO.
 *
 * Every object is zeroed when created. Objects can be exported as dma-bufs
 * (PRIME); importers can attach SYSTEM objects, and every object can be
 * mapped through its dma-buf. Importing foreign dma-bufs is not supported.
 */

#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_mode.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>

#include <uapi/mvgpu/mvgpu_cmds.h>
#include <uapi/mvgpu/mvgpu_drm.h>

#include "mvgpu_drm.h"

static void mvdrm_bo_free(struct drm_gem_object *obj)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(obj->dev);
	struct mvdrm_bo *bo = to_mvdrm_bo(obj);

	if (bo->domain == MVGPU_GEM_DOMAIN_VRAM) {
		mutex_lock(&mdrm->vram_lock);
		drm_mm_remove_node(&bo->vram_node);
		mdrm->vram_used -= bo->vram_node.size;
		mutex_unlock(&mdrm->vram_lock);
	} else {
		dma_free_coherent(&mdrm->pdev->dev, obj->size, bo->vaddr,
				  bo->dma_addr);
	}
	drm_gem_object_release(obj);
	kfree(bo);
}

static int mvdrm_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(obj->dev);
	struct mvdrm_bo *bo = to_mvdrm_bo(obj);
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long pfn;
	int idx, ret;

	/* drm_gem_mmap() leaves the fake offset of the object in vm_pgoff. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (vma->vm_pgoff || size > obj->size)
		return -EINVAL;

	if (bo->domain == MVGPU_GEM_DOMAIN_SYSTEM)
		return dma_mmap_coherent(&mdrm->pdev->dev, vma, bo->vaddr,
					 bo->dma_addr, obj->size);

	/* After an unplug, BAR2's addresses may belong to another device. */
	if (!drm_dev_enter(obj->dev, &idx))
		return -ENODEV;
	pfn = (mdrm->vram_base + bo->vram_node.start) >> PAGE_SHIFT;
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	ret = io_remap_pfn_range(vma, vma->vm_start, pfn, size,
				 vma->vm_page_prot);
	drm_dev_exit(idx);
	return ret;
}

static int mvdrm_bo_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(obj->dev);
	struct mvdrm_bo *bo = to_mvdrm_bo(obj);

	if (bo->domain == MVGPU_GEM_DOMAIN_SYSTEM)
		iosys_map_set_vaddr(map, bo->vaddr);
	else
		iosys_map_set_vaddr_iomem(map, mdrm->vram + bo->vram_node.start);
	return 0;
}

static void mvdrm_bo_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	/* Both mappings live as long as the object or the device. */
}

static struct sg_table *mvdrm_bo_get_sg_table(struct drm_gem_object *obj)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(obj->dev);
	struct mvdrm_bo *bo = to_mvdrm_bo(obj);
	struct sg_table *sgt;
	int ret;

	/* VRAM is I/O memory behind BAR2: no pages to hand to importers. */
	if (bo->domain != MVGPU_GEM_DOMAIN_SYSTEM)
		return ERR_PTR(-EOPNOTSUPP);

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = dma_get_sgtable(&mdrm->pdev->dev, sgt, bo->vaddr, bo->dma_addr,
			      obj->size);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	return sgt;
}

static const struct vm_operations_struct mvdrm_bo_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs mvdrm_bo_funcs = {
	.free = mvdrm_bo_free,
	.mmap = mvdrm_bo_mmap,
	.vmap = mvdrm_bo_vmap,
	.vunmap = mvdrm_bo_vunmap,
	.get_sg_table = mvdrm_bo_get_sg_table,
	.vm_ops = &mvdrm_bo_vm_ops,
};

static int mvdrm_bo_alloc_vram(struct mvdrm_device *mdrm, struct mvdrm_bo *bo,
			       u64 size)
{
	int idx, ret;

	/* Zeroing writes through BAR2, which an unplug takes away. */
	if (!drm_dev_enter(&mdrm->drm, &idx))
		return -ENODEV;
	mutex_lock(&mdrm->vram_lock);
	ret = drm_mm_insert_node_generic(&mdrm->vram_mm, &bo->vram_node, size,
					 PAGE_SIZE, 0, DRM_MM_INSERT_BEST);
	if (!ret)
		mdrm->vram_used += size;
	mutex_unlock(&mdrm->vram_lock);
	if (ret) {
		drm_dev_exit(idx);
		return ret == -ENOSPC ? -ENOMEM : ret;
	}

	/* The previous owner's data must not leak to the new one. */
	memset_io(mdrm->vram + bo->vram_node.start, 0, size);
	drm_dev_exit(idx);
	bo->gpu_va = bo->vram_node.start;
	return 0;
}

static int mvdrm_bo_alloc_system(struct mvdrm_device *mdrm,
				 struct mvdrm_bo *bo, u64 size)
{
	if (size > MVDRM_MAX_SYSTEM_BO)
		return -E2BIG;
	/* dma_alloc_coherent() returns zeroed memory. */
	bo->vaddr = dma_alloc_coherent(&mdrm->pdev->dev, size, &bo->dma_addr,
				       GFP_KERNEL | __GFP_NOWARN);
	if (!bo->vaddr)
		return -ENOMEM;
	bo->gpu_va = MVGPU_VA_SYSMEM + bo->dma_addr;
	return 0;
}

/**
 * mvdrm_bo_create() - create a zeroed buffer object
 * @mdrm: the device
 * @size: bytes, not zero; rounded up to a page
 * @domain: MVGPU_GEM_DOMAIN_VRAM or MVGPU_GEM_DOMAIN_SYSTEM
 *
 * Return: the object with one reference, or an ERR_PTR: -EINVAL for a bad
 * size or domain, -E2BIG for a SYSTEM object above MVDRM_MAX_SYSTEM_BO,
 * -ENOMEM when the domain has no room.
 */
struct mvdrm_bo *mvdrm_bo_create(struct mvdrm_device *mdrm, u64 size,
				 u32 domain)
{
	struct mvdrm_bo *bo;
	int ret;

	if (!size || size > mdrm->vram_size + MVDRM_MAX_SYSTEM_BO)
		return ERR_PTR(-EINVAL);
	size = PAGE_ALIGN(size);
	if (domain != MVGPU_GEM_DOMAIN_VRAM && domain != MVGPU_GEM_DOMAIN_SYSTEM)
		return ERR_PTR(-EINVAL);

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->domain = domain;
	bo->base.funcs = &mvdrm_bo_funcs;
	drm_gem_private_object_init(&mdrm->drm, &bo->base, size);

	if (domain == MVGPU_GEM_DOMAIN_VRAM)
		ret = mvdrm_bo_alloc_vram(mdrm, bo, size);
	else
		ret = mvdrm_bo_alloc_system(mdrm, bo, size);
	if (ret)
		goto out_release;

	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		/* The object is complete: the last put frees its memory. */
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return bo;

out_release:
	drm_gem_object_release(&bo->base);
	kfree(bo);
	return ERR_PTR(ret);
}

static int mvdrm_bo_create_handle(struct mvdrm_device *mdrm,
				  struct drm_file *file, u64 size, u32 domain,
				  u32 *handle, struct mvdrm_bo **bo_out)
{
	struct mvdrm_bo *bo;
	int ret;

	bo = mvdrm_bo_create(mdrm, size, domain);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base, handle);
	/* The handle holds the object now, or creating it failed. */
	drm_gem_object_put(&bo->base);
	if (!ret)
		*bo_out = bo;
	return ret;
}

/**
 * mvdrm_gem_dumb_create() - &drm_driver.dumb_create: a VRAM object
 * @file: the DRM file
 * @drm: the DRM device
 * @args: width, height and bpp in; pitch, size and handle out
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			  struct drm_mode_create_dumb *args)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(drm);
	struct mvdrm_bo *bo;
	u64 pitch, size;

	if (!args->width || !args->height || !args->bpp || args->bpp > 32)
		return -EINVAL;
	pitch = ALIGN((u64)args->width * DIV_ROUND_UP(args->bpp, 8), 64);
	size = pitch * args->height;
	if (pitch > U32_MAX || size > mdrm->vram_size)
		return -EINVAL;

	args->pitch = pitch;
	args->size = PAGE_ALIGN(size);
	return mvdrm_bo_create_handle(mdrm, file, args->size,
				      MVGPU_GEM_DOMAIN_VRAM, &args->handle, &bo);
}

/**
 * mvdrm_gem_create_ioctl() - DRM_IOCTL_MVGPU_GEM_CREATE
 * @drm: the DRM device
 * @data: struct drm_mvgpu_gem_create
 * @file: the DRM file
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_gem_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(drm);
	struct drm_mvgpu_gem_create *args = data;
	struct mvdrm_bo *bo;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = mvdrm_bo_create_handle(mdrm, file, args->size, args->domain,
				     &args->handle, &bo);
	if (ret)
		return ret;
	args->size = bo->base.size;
	args->gpu_va = bo->gpu_va;
	return 0;
}

/**
 * mvdrm_gem_info_ioctl() - DRM_IOCTL_MVGPU_GEM_INFO
 * @drm: the DRM device
 * @data: struct drm_mvgpu_gem_info
 * @file: the DRM file
 *
 * Return: 0, -ENOENT for an unknown handle, or a negative errno.
 */
int mvdrm_gem_info_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_mvgpu_gem_info *args = data;
	struct drm_gem_object *obj;
	struct mvdrm_bo *bo;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_mvdrm_bo(obj);
	args->domain = bo->domain;
	args->size = obj->size;
	args->gpu_va = bo->gpu_va;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/**
 * mvdrm_gem_vram_used() - bytes of VRAM allocated to objects
 * @mdrm: the device
 *
 * Return: the byte count.
 */
u64 mvdrm_gem_vram_used(struct mvdrm_device *mdrm)
{
	u64 used;

	mutex_lock(&mdrm->vram_lock);
	used = mdrm->vram_used;
	mutex_unlock(&mdrm->vram_lock);
	return used;
}

/**
 * mvdrm_gem_init() - set up the VRAM allocator and the BAR2 mapping
 * @mdrm: the device, with @vram_base and @vram_size known
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_gem_init(struct mvdrm_device *mdrm)
{
	mdrm->vram = ioremap_wc(mdrm->vram_base, mdrm->vram_size);
	if (!mdrm->vram)
		return -ENOMEM;
	mutex_init(&mdrm->vram_lock);
	drm_mm_init(&mdrm->vram_mm, 0, mdrm->vram_size);
	return 0;
}

/**
 * mvdrm_gem_fini() - undo mvdrm_gem_init() once every object is gone
 * @mdrm: the device
 */
void mvdrm_gem_fini(struct mvdrm_device *mdrm)
{
	drm_mm_takedown(&mdrm->vram_mm);
	mutex_destroy(&mdrm->vram_lock);
	iounmap(mdrm->vram);
}
