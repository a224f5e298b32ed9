// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: GEM buffer objects.
 *
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
 *   VA range; without CMA that limits an object to MVGPU_DRM_MAX_SYSTEM_BO.
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

static void mvgpu_bo_free(struct drm_gem_object *obj)
{
	struct mvgpu_device *mdev = to_mvgpu_device(obj->dev);
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);

	if (bo->domain == MVGPU_GEM_DOMAIN_VRAM) {
		mutex_lock(&mdev->vram_lock);
		drm_mm_remove_node(&bo->vram_node);
		mdev->vram_used -= bo->vram_node.size;
		mutex_unlock(&mdev->vram_lock);
	} else {
		dma_free_coherent(&mdev->pdev->dev, obj->size, bo->vaddr,
				  bo->dma_addr);
	}
	drm_gem_object_release(obj);
	kfree(bo);
}

static int mvgpu_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct mvgpu_device *mdev = to_mvgpu_device(obj->dev);
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long pfn;

	/* drm_gem_mmap() leaves the fake offset of the object in vm_pgoff. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (vma->vm_pgoff || size > obj->size)
		return -EINVAL;

	if (bo->domain == MVGPU_GEM_DOMAIN_SYSTEM)
		return dma_mmap_coherent(&mdev->pdev->dev, vma, bo->vaddr,
					 bo->dma_addr, obj->size);

	pfn = (mdev->vram_base + bo->vram_node.start) >> PAGE_SHIFT;
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	return io_remap_pfn_range(vma, vma->vm_start, pfn, size,
				  vma->vm_page_prot);
}

static int mvgpu_bo_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct mvgpu_device *mdev = to_mvgpu_device(obj->dev);
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);

	if (bo->domain == MVGPU_GEM_DOMAIN_SYSTEM)
		iosys_map_set_vaddr(map, bo->vaddr);
	else
		iosys_map_set_vaddr_iomem(map, mdev->vram + bo->vram_node.start);
	return 0;
}

static void mvgpu_bo_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	/* Both mappings live as long as the object or the device. */
}

static struct sg_table *mvgpu_bo_get_sg_table(struct drm_gem_object *obj)
{
	struct mvgpu_device *mdev = to_mvgpu_device(obj->dev);
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);
	struct sg_table *sgt;
	int ret;

	/* VRAM is I/O memory behind BAR2: no pages to hand to importers. */
	if (bo->domain != MVGPU_GEM_DOMAIN_SYSTEM)
		return ERR_PTR(-EOPNOTSUPP);

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = dma_get_sgtable(&mdev->pdev->dev, sgt, bo->vaddr, bo->dma_addr,
			      obj->size);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	return sgt;
}

static const struct vm_operations_struct mvgpu_bo_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs mvgpu_bo_funcs = {
	.free = mvgpu_bo_free,
	.mmap = mvgpu_bo_mmap,
	.vmap = mvgpu_bo_vmap,
	.vunmap = mvgpu_bo_vunmap,
	.get_sg_table = mvgpu_bo_get_sg_table,
	.vm_ops = &mvgpu_bo_vm_ops,
};

static int mvgpu_bo_alloc_vram(struct mvgpu_device *mdev, struct mvgpu_bo *bo,
			       u64 size)
{
	int ret;

	mutex_lock(&mdev->vram_lock);
	ret = drm_mm_insert_node_generic(&mdev->vram_mm, &bo->vram_node, size,
					 PAGE_SIZE, 0, DRM_MM_INSERT_BEST);
	if (!ret)
		mdev->vram_used += size;
	mutex_unlock(&mdev->vram_lock);
	if (ret)
		return ret == -ENOSPC ? -ENOMEM : ret;

	/* The previous owner's data must not leak to the new one. */
	memset_io(mdev->vram + bo->vram_node.start, 0, size);
	bo->gpu_va = bo->vram_node.start;
	return 0;
}

static int mvgpu_bo_alloc_system(struct mvgpu_device *mdev,
				 struct mvgpu_bo *bo, u64 size)
{
	if (size > MVGPU_DRM_MAX_SYSTEM_BO)
		return -E2BIG;
	/* dma_alloc_coherent() returns zeroed memory. */
	bo->vaddr = dma_alloc_coherent(&mdev->pdev->dev, size, &bo->dma_addr,
				       GFP_KERNEL | __GFP_NOWARN);
	if (!bo->vaddr)
		return -ENOMEM;
	bo->gpu_va = MVGPU_VA_SYSMEM + bo->dma_addr;
	return 0;
}

/**
 * mvgpu_bo_create() - create a zeroed buffer object
 * @mdev: the device
 * @size: bytes, not zero; rounded up to a page
 * @domain: MVGPU_GEM_DOMAIN_VRAM or MVGPU_GEM_DOMAIN_SYSTEM
 *
 * Return: the object with one reference, or an ERR_PTR: -EINVAL for a bad
 * size or domain, -E2BIG for a SYSTEM object above MVGPU_DRM_MAX_SYSTEM_BO,
 * -ENOMEM when the domain has no room.
 */
struct mvgpu_bo *mvgpu_bo_create(struct mvgpu_device *mdev, u64 size,
				 u32 domain)
{
	struct mvgpu_bo *bo;
	int ret;

	if (!size || size > mdev->vram_size + MVGPU_DRM_MAX_SYSTEM_BO)
		return ERR_PTR(-EINVAL);
	size = PAGE_ALIGN(size);
	if (domain != MVGPU_GEM_DOMAIN_VRAM && domain != MVGPU_GEM_DOMAIN_SYSTEM)
		return ERR_PTR(-EINVAL);

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->domain = domain;
	bo->base.funcs = &mvgpu_bo_funcs;
	drm_gem_private_object_init(&mdev->drm, &bo->base, size);

	if (domain == MVGPU_GEM_DOMAIN_VRAM)
		ret = mvgpu_bo_alloc_vram(mdev, bo, size);
	else
		ret = mvgpu_bo_alloc_system(mdev, bo, size);
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

static int mvgpu_bo_create_handle(struct mvgpu_device *mdev,
				  struct drm_file *file, u64 size, u32 domain,
				  u32 *handle, struct mvgpu_bo **bo_out)
{
	struct mvgpu_bo *bo;
	int ret;

	bo = mvgpu_bo_create(mdev, size, domain);
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
 * mvgpu_gem_dumb_create() - &drm_driver.dumb_create: a VRAM object
 * @file: the DRM file
 * @drm: the DRM device
 * @args: width, height and bpp in; pitch, size and handle out
 *
 * Return: 0 or a negative errno.
 */
int mvgpu_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			  struct drm_mode_create_dumb *args)
{
	struct mvgpu_device *mdev = to_mvgpu_device(drm);
	struct mvgpu_bo *bo;
	u64 pitch, size;

	if (!args->width || !args->height || !args->bpp || args->bpp > 32)
		return -EINVAL;
	pitch = ALIGN((u64)args->width * DIV_ROUND_UP(args->bpp, 8), 64);
	size = pitch * args->height;
	if (pitch > U32_MAX || size > mdev->vram_size)
		return -EINVAL;

	args->pitch = pitch;
	args->size = PAGE_ALIGN(size);
	return mvgpu_bo_create_handle(mdev, file, args->size,
				      MVGPU_GEM_DOMAIN_VRAM, &args->handle, &bo);
}

/**
 * mvgpu_gem_create_ioctl() - DRM_IOCTL_MVGPU_GEM_CREATE
 * @drm: the DRM device
 * @data: struct drm_mvgpu_gem_create
 * @file: the DRM file
 *
 * Return: 0 or a negative errno.
 */
int mvgpu_gem_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct mvgpu_device *mdev = to_mvgpu_device(drm);
	struct drm_mvgpu_gem_create *args = data;
	struct mvgpu_bo *bo;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = mvgpu_bo_create_handle(mdev, file, args->size, args->domain,
				     &args->handle, &bo);
	if (ret)
		return ret;
	args->size = bo->base.size;
	args->gpu_va = bo->gpu_va;
	return 0;
}

/**
 * mvgpu_gem_info_ioctl() - DRM_IOCTL_MVGPU_GEM_INFO
 * @drm: the DRM device
 * @data: struct drm_mvgpu_gem_info
 * @file: the DRM file
 *
 * Return: 0, -ENOENT for an unknown handle, or a negative errno.
 */
int mvgpu_gem_info_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_mvgpu_gem_info *args = data;
	struct drm_gem_object *obj;
	struct mvgpu_bo *bo;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_mvgpu_bo(obj);
	args->domain = bo->domain;
	args->size = obj->size;
	args->gpu_va = bo->gpu_va;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/**
 * mvgpu_gem_vram_used() - bytes of VRAM allocated to objects
 * @mdev: the device
 *
 * Return: the byte count.
 */
u64 mvgpu_gem_vram_used(struct mvgpu_device *mdev)
{
	u64 used;

	mutex_lock(&mdev->vram_lock);
	used = mdev->vram_used;
	mutex_unlock(&mdev->vram_lock);
	return used;
}

/**
 * mvgpu_gem_init() - set up the VRAM allocator and the BAR2 mapping
 * @mdev: the device, with @vram_base and @vram_size known
 *
 * Return: 0 or a negative errno.
 */
int mvgpu_gem_init(struct mvgpu_device *mdev)
{
	mdev->vram = ioremap_wc(mdev->vram_base, mdev->vram_size);
	if (!mdev->vram)
		return -ENOMEM;
	mutex_init(&mdev->vram_lock);
	drm_mm_init(&mdev->vram_mm, 0, mdev->vram_size);
	return 0;
}

/**
 * mvgpu_gem_fini() - undo mvgpu_gem_init() once every object is gone
 * @mdev: the device
 */
void mvgpu_gem_fini(struct mvgpu_device *mdev)
{
	drm_mm_takedown(&mdev->vram_mm);
	mutex_destroy(&mdev->vram_lock);
	iounmap(mdev->vram);
}
