/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims over kernel API drift between the kernels mvgpu supports (Debian's
 * 6.1, 6.12 and 7.x). Every version test lives here and nowhere else.
 */
#ifndef _MVGPU_COMPAT_H_
#define _MVGPU_COMPAT_H_

#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

/* Symbol namespaces are named by a string literal since 6.13. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MVGPU_MODULE_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS("DMA_BUF")
#else
#define MVGPU_MODULE_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS(DMA_BUF)
#endif

/*
 * The unbound system workqueue is system_dfl_wq since 6.18; 7.x warns
 * when work is queued on the old name, system_unbound_wq.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define mvgpu_unbound_wq	system_dfl_wq
#else
#define mvgpu_unbound_wq	system_unbound_wq
#endif

/* eventfd_signal() lost its count argument in 6.8. */
static inline void mvgpu_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* vm_flags became write-protected behind vm_flags_set() in 6.3. */
static inline void mvgpu_vm_flags_set(struct vm_area_struct *vma,
				      unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* As mvgpu_vm_flags_set(), for clearing. */
static inline void mvgpu_vm_flags_clear(struct vm_area_struct *vma,
					unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/*
 * Take a reference on a file unless its last one is already gone (its
 * release is then pending). f_count is an atomic_long_t up to 6.12 and a
 * file_ref_t from 6.13, which has get_file_active() (6.7+) for this.
 */
static inline bool mvgpu_file_get_unless_zero(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	return get_file_active(&file);
#else
	return atomic_long_inc_not_zero(&file->f_count);
#endif
}

/*
 * Until 6.2 a VFIO driver's release callback had to free the device itself.
 */
static inline void mvgpu_vfio_free_device(struct vfio_device *vdev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	vfio_free_device(vdev);
#endif
}

/*
 * struct vfio_device_ops gained iommufd callbacks in 6.2 (detach_ioas in
 * 6.6); emulated-IOMMU (mdev) drivers point them at the
 * vfio_iommufd_emulated_* helpers.
 */
#define MVGPU_HAVE_VFIO_IOMMUFD_OPS (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))
#define MVGPU_HAVE_VFIO_DETACH_IOAS (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0))

/*
 * From 6.19 the VFIO core answers VFIO_DEVICE_GET_REGION_INFO itself and
 * asks the driver through .get_region_info_caps; the ioctl never reaches
 * the driver (without the op it fails with EINVAL).
 */
#define MVGPU_HAVE_VFIO_REGION_INFO_CAPS_OP \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0))

#endif /* _MVGPU_COMPAT_H_ */
