// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scanout planes exported as dma-bufs.
 */

/**
 * DOC: Display dma-bufs
 *
 * With the vGPU's display_dmabuf attribute set, VFIO_DEVICE_QUERY_GFX_PLANE
 * answers with a dma-buf id for the current plane. An id names one plane
 * (offset, format, size, stride) for as long as the vGPU is open: querying
 * the same plane again gives the same id, so QEMU, which keeps the
 * dma-bufs it imported by id, reuses them; a new plane gets a new id (ids
 * are never reused). VFIO_DEVICE_GET_GFX_DMABUF exports a new dma-buf for
 * an id each time it is called.
 *
 * VRAM may have no struct page (the simulated pGPU's is a PCI BAR), so a
 * dma-buf does not carry pages: its CPU mappings are filled by a fault
 * handler with the VRAM page frames the backend gives for the plane
 * (&mvgpu_backend_ops.vram_pfn), and an importing device gets the same
 * frames through dma_map_resource(). The frames are fixed when the plane
 * is first offered, so a dma-buf keeps showing that buffer whatever the
 * guest flips to next, as a GPU framebuffer would.
 *
 * When the user closes the vGPU, its dma-bufs are revoked: their CPU
 * mappings are zapped and fault with SIGBUS, and importers can no longer
 * map them, so the next user's VRAM is never seen through a dma-buf of the
 * previous one. Planes are kept (up to MVGPU_DMABUF_MAX unexported ones)
 * until then.
 *
 * One global mutex, mvgpu_dmabuf_lock, guards every vGPU's plane list and
 * the links between planes and dma-bufs: a dma-buf may outlive the vGPU's
 * user, and its release must not touch a vGPU lock.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"

/* Planes without a live dma-buf kept per vGPU before the oldest goes. */
#define MVGPU_DMABUF_MAX	8

/**
 * struct mvgpu_dmabuf - one plane offered as a dma-buf
 * @link: entry in &mvgpu_display.dmabufs; empty once revoked
 * @vgpu: the vGPU, NULL once revoked
 * @id: the dmabuf_id QEMU sees
 * @plane: the plane
 * @npages: pages of the buffer
 * @pfns: VRAM page frames of the buffer, @npages of them
 * @exports: dma-bufs exported for the plane (struct mvgpu_dmabuf_export)
 *
 * All fields but the fixed @id, @plane, @npages and @pfns are guarded by
 * mvgpu_dmabuf_lock. Freed when revoked and no dma-buf is left, or when
 * trimmed without dma-buf.
 */
struct mvgpu_dmabuf {
	struct list_head link;
	struct mvgpu_vgpu *vgpu;
	u32 id;
	struct mvgpu_display_plane plane;
	unsigned long npages;
	unsigned long *pfns;
	struct list_head exports;
};

/**
 * struct mvgpu_dmabuf_export - one exported dma-buf of a plane
 * @link: entry in &mvgpu_dmabuf.exports, under mvgpu_dmabuf_lock
 * @plane: the plane it shows
 * @buf: the dma-buf; valid while on @link (its release unlinks it)
 */
struct mvgpu_dmabuf_export {
	struct list_head link;
	struct mvgpu_dmabuf *plane;
	struct dma_buf *buf;
};

/* guards every &mvgpu_display.dmabufs and what hangs from it */
static DEFINE_MUTEX(mvgpu_dmabuf_lock);

static void mvgpu_dmabuf_free(struct mvgpu_dmabuf *dmabuf)
{
	kvfree(dmabuf->pfns);
	kfree(dmabuf);
}

static vm_fault_t mvgpu_dmabuf_fault(struct vm_fault *vmf)
{
	struct mvgpu_dmabuf_export *export = vmf->vma->vm_private_data;
	struct mvgpu_dmabuf *dmabuf = export->plane;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&mvgpu_dmabuf_lock);
	if (dmabuf->vgpu && vmf->pgoff < dmabuf->npages)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     dmabuf->pfns[vmf->pgoff]);
	mutex_unlock(&mvgpu_dmabuf_lock);
	return ret;
}

static const struct vm_operations_struct mvgpu_dmabuf_vm_ops = {
	.fault = mvgpu_dmabuf_fault,
};

static int mvgpu_dmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	struct mvgpu_dmabuf_export *export = buf->priv;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mvgpu_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			   VM_DONTDUMP);
	mutex_lock(&mvgpu_dmabuf_lock);
	if (export->plane->vgpu &&
	    !mvgpu_pgpu_vram_cacheable(export->plane->vgpu->pgpu))
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	mutex_unlock(&mvgpu_dmabuf_lock);
	vma->vm_ops = &mvgpu_dmabuf_vm_ops;
	vma->vm_private_data = export;
	return 0;
}

static void mvgpu_dmabuf_unmap_sgt(struct device *dev, struct sg_table *sgt,
				   enum dma_data_direction dir,
				   unsigned int mapped)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		if (i >= mapped)
			break;
		dma_unmap_resource(dev, sg_dma_address(sg), sg_dma_len(sg),
				   dir, 0);
	}
	sg_free_table(sgt);
	kfree(sgt);
}

/* Runs of physically contiguous pages, each one scatterlist entry. */
static unsigned int mvgpu_dmabuf_runs(const struct mvgpu_dmabuf *dmabuf)
{
	unsigned long i;
	unsigned int runs = 1;

	for (i = 1; i < dmabuf->npages; i++)
		if (dmabuf->pfns[i] != dmabuf->pfns[i - 1] + 1)
			runs++;
	return runs;
}

static struct sg_table *mvgpu_dmabuf_map(struct dma_buf_attachment *attach,
					 enum dma_data_direction dir)
{
	struct mvgpu_dmabuf_export *export = attach->dmabuf->priv;
	struct mvgpu_dmabuf *dmabuf = export->plane;
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned long first = 0, i;
	unsigned int mapped = 0;
	dma_addr_t addr;
	size_t len;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, mvgpu_dmabuf_runs(dmabuf), GFP_KERNEL);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}

	mutex_lock(&mvgpu_dmabuf_lock);
	if (!dmabuf->vgpu) {
		ret = -ENODEV;
		goto out_unmap;
	}
	sg = sgt->sgl;
	for (i = 1; i <= dmabuf->npages; i++) {
		if (i < dmabuf->npages &&
		    dmabuf->pfns[i] == dmabuf->pfns[i - 1] + 1)
			continue;
		len = (i - first) << PAGE_SHIFT;
		addr = dma_map_resource(attach->dev,
					PFN_PHYS(dmabuf->pfns[first]), len,
					dir, 0);
		if (dma_mapping_error(attach->dev, addr)) {
			ret = -EIO;
			goto out_unmap;
		}
		sg_dma_address(sg) = addr;
		sg_dma_len(sg) = len;
		mapped++;
		sg = sg_next(sg);
		first = i;
	}
	mutex_unlock(&mvgpu_dmabuf_lock);
	return sgt;

out_unmap:
	mutex_unlock(&mvgpu_dmabuf_lock);
	mvgpu_dmabuf_unmap_sgt(attach->dev, sgt, dir, mapped);
	return ERR_PTR(ret);
}

static void mvgpu_dmabuf_unmap(struct dma_buf_attachment *attach,
			       struct sg_table *sgt,
			       enum dma_data_direction dir)
{
	mvgpu_dmabuf_unmap_sgt(attach->dev, sgt, dir, UINT_MAX);
}

static void mvgpu_dmabuf_release(struct dma_buf *buf)
{
	struct mvgpu_dmabuf_export *export = buf->priv;
	struct mvgpu_dmabuf *dmabuf = export->plane;
	bool orphan;

	mutex_lock(&mvgpu_dmabuf_lock);
	list_del(&export->link);
	orphan = !dmabuf->vgpu && list_empty(&dmabuf->exports);
	mutex_unlock(&mvgpu_dmabuf_lock);
	kfree(export);
	if (orphan)
		mvgpu_dmabuf_free(dmabuf);
}

static const struct dma_buf_ops mvgpu_dmabuf_ops = {
	.map_dma_buf = mvgpu_dmabuf_map,
	.unmap_dma_buf = mvgpu_dmabuf_unmap,
	.release = mvgpu_dmabuf_release,
	.mmap = mvgpu_dmabuf_mmap,
};

static int mvgpu_dmabuf_fill_pfns(struct mvgpu_vgpu *vgpu,
				  struct mvgpu_dmabuf *dmabuf)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	u64 vram_offset, contiguous;
	unsigned long i;
	int ret;

	/* Only CPU-visible VRAM has page frames to hand out. */
	if (!vgpu->bar2_mmap)
		return -EOPNOTSUPP;
	for (i = 0; i < dmabuf->npages; i++) {
		ret = mvgpu_partition_translate(&pgpu->pool, &vgpu->part,
						dmabuf->plane.offset +
						((u64)i << PAGE_SHIFT),
						&vram_offset, &contiguous);
		if (ret)
			return ret;
		dmabuf->pfns[i] = pgpu->ops->vram_pfn(pgpu->hw, vram_offset);
	}
	return 0;
}

static struct mvgpu_dmabuf *
mvgpu_dmabuf_alloc(struct mvgpu_vgpu *vgpu,
		   const struct mvgpu_display_plane *plane)
{
	struct mvgpu_dmabuf *dmabuf;
	u64 size = (u64)plane->stride * plane->height;

	dmabuf = kzalloc(sizeof(*dmabuf), GFP_KERNEL);
	if (!dmabuf)
		return NULL;
	dmabuf->plane = *plane;
	dmabuf->npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	INIT_LIST_HEAD(&dmabuf->link);
	INIT_LIST_HEAD(&dmabuf->exports);
	dmabuf->pfns = kvmalloc_array(dmabuf->npages, sizeof(*dmabuf->pfns),
				      GFP_KERNEL);
	if (!dmabuf->pfns || mvgpu_dmabuf_fill_pfns(vgpu, dmabuf)) {
		mvgpu_dmabuf_free(dmabuf);
		return NULL;
	}
	return dmabuf;
}

/* Drop the oldest planes nobody holds a dma-buf of, beyond the limit. */
static void mvgpu_dmabuf_trim_locked(struct mvgpu_display *disp)
{
	struct mvgpu_dmabuf *dmabuf, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&mvgpu_dmabuf_lock);
	list_for_each_entry_safe(dmabuf, tmp, &disp->dmabufs, link) {
		if (++n <= MVGPU_DMABUF_MAX || !list_empty(&dmabuf->exports))
			continue;
		list_del(&dmabuf->link);
		mvgpu_dmabuf_free(dmabuf);
	}
}

static struct mvgpu_dmabuf *
mvgpu_dmabuf_find_locked(struct mvgpu_display *disp,
			 const struct mvgpu_display_plane *plane, u32 id)
{
	struct mvgpu_dmabuf *dmabuf;

	lockdep_assert_held(&mvgpu_dmabuf_lock);
	list_for_each_entry(dmabuf, &disp->dmabufs, link)
		if (plane ? !memcmp(&dmabuf->plane, plane, sizeof(*plane)) :
			    dmabuf->id == id)
			return dmabuf;
	return NULL;
}

/**
 * mvgpu_dmabuf_plane_id() - the dma-buf id of an enabled plane
 * @vgpu: the vGPU
 * @plane: a plane the display accepted, enabled
 * @id: its id, the one it had if it was offered before
 *
 * Process context. Return: 0 or -ENOMEM.
 */
int mvgpu_dmabuf_plane_id(struct mvgpu_vgpu *vgpu,
			  const struct mvgpu_display_plane *plane, u32 *id)
{
	struct mvgpu_display *disp = &vgpu->display;
	struct mvgpu_dmabuf *dmabuf, *fresh;

	mutex_lock(&mvgpu_dmabuf_lock);
	dmabuf = mvgpu_dmabuf_find_locked(disp, plane, 0);
	if (dmabuf) {
		list_move(&dmabuf->link, &disp->dmabufs);
		*id = dmabuf->id;
		mutex_unlock(&mvgpu_dmabuf_lock);
		return 0;
	}
	mutex_unlock(&mvgpu_dmabuf_lock);

	fresh = mvgpu_dmabuf_alloc(vgpu, plane);
	if (!fresh)
		return -ENOMEM;

	mutex_lock(&mvgpu_dmabuf_lock);
	/* Another query may have added the plane meanwhile. */
	dmabuf = mvgpu_dmabuf_find_locked(disp, plane, 0);
	if (!dmabuf) {
		dmabuf = fresh;
		fresh = NULL;
		dmabuf->vgpu = vgpu;
		dmabuf->id = disp->next_dmabuf_id++;
		if (!disp->next_dmabuf_id)
			disp->next_dmabuf_id = 1;
	}
	list_move(&dmabuf->link, &disp->dmabufs);
	*id = dmabuf->id;
	mvgpu_dmabuf_trim_locked(disp);
	mutex_unlock(&mvgpu_dmabuf_lock);
	if (fresh)
		mvgpu_dmabuf_free(fresh);
	return 0;
}

/**
 * mvgpu_dmabuf_get_fd() - VFIO_DEVICE_GET_GFX_DMABUF
 * @vgpu: the vGPU
 * @arg: user pointer to the u32 dmabuf_id a plane query returned
 *
 * Process context. Return: a new dma-buf file descriptor (close-on-exec),
 * -ENOENT for an unknown id, or another -errno.
 */
long mvgpu_dmabuf_get_fd(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct mvgpu_dmabuf_export *export;
	struct mvgpu_dmabuf *dmabuf;
	struct dma_buf *buf;
	u32 id;
	int fd;

	if (get_user(id, (u32 __user *)arg))
		return -EFAULT;
	export = kzalloc(sizeof(*export), GFP_KERNEL);
	if (!export)
		return -ENOMEM;

	mutex_lock(&mvgpu_dmabuf_lock);
	dmabuf = mvgpu_dmabuf_find_locked(&vgpu->display, NULL, id);
	if (!dmabuf || !id) {
		mutex_unlock(&mvgpu_dmabuf_lock);
		kfree(export);
		return -ENOENT;
	}
	exp_info.ops = &mvgpu_dmabuf_ops;
	exp_info.size = dmabuf->npages << PAGE_SHIFT;
	exp_info.flags = O_RDWR;
	exp_info.priv = export;
	buf = dma_buf_export(&exp_info);
	if (IS_ERR(buf)) {
		mutex_unlock(&mvgpu_dmabuf_lock);
		kfree(export);
		return PTR_ERR(buf);
	}
	export->plane = dmabuf;
	export->buf = buf;
	list_add(&export->link, &dmabuf->exports);
	mutex_unlock(&mvgpu_dmabuf_lock);

	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(buf);	/* its release unlinks and frees */
	return fd;
}

/**
 * mvgpu_dmabuf_revoke_all() - forget every plane of a vGPU
 * @vgpu: the vGPU, whose user closed it (or which goes away)
 *
 * CPU mappings of its dma-bufs are zapped and fault with SIGBUS from now
 * on; importers can no longer map them. Process context.
 */
void mvgpu_dmabuf_revoke_all(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_dmabuf *dmabuf, *tmp;
	struct mvgpu_dmabuf_export *export;
	struct file *file;

	mutex_lock(&mvgpu_dmabuf_lock);
	list_for_each_entry_safe(dmabuf, tmp, &vgpu->display.dmabufs, link) {
		list_del_init(&dmabuf->link);
		dmabuf->vgpu = NULL;
		list_for_each_entry(export, &dmabuf->exports, link) {
			/*
			 * A dma-buf whose last file reference is gone has no
			 * mapping left (each holds one) and is being
			 * released: its release waits for our lock.
			 */
			file = export->buf->file;
			if (!mvgpu_file_get_unless_zero(file))
				continue;
			unmap_mapping_range(file->f_mapping, 0, 0, 1);
			fput(file);
		}
		if (list_empty(&dmabuf->exports))
			mvgpu_dmabuf_free(dmabuf);
	}
	mutex_unlock(&mvgpu_dmabuf_lock);
}
