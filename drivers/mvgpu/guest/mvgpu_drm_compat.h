/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims over DRM API drift between the kernels the mvgpu guest driver
 * supports (Debian's 6.1, 6.12 and 7.x). Every version test of the guest
 * driver lives here and nowhere else.
 */
#ifndef _MVGPU_DRM_COMPAT_H_
#define _MVGPU_DRM_COMPAT_H_

#include <linux/dma-fence.h>
#include <linux/version.h>

#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_fb_helper.h>
#include <drm/drm_prime.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#include <drm/drm_fbdev_ttm.h>
#endif

/*
 * In-kernel DRM clients (the fbdev emulation among them) are set up with
 * drm_client_setup() since 6.13, which some 6.12.y kernels (Debian's among
 * them) have backported; DRM_FBDEV_TTM_DRIVER_OPS came with it, so its
 * presence is the feature test. The header moved to drm/clients/ in 6.15.
 */
#ifdef DRM_FBDEV_TTM_DRIVER_OPS
#define MVDRM_HAVE_CLIENT_SETUP 1
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#include <drm/clients/drm_client_setup.h>
#else
#include <drm/drm_client_setup.h>
#endif
#else
#define MVDRM_HAVE_CLIENT_SETUP 0
#endif

/*
 * Generic fbdev emulation (shadow buffer, vmap of the scanout object) was
 * drm_fbdev_generic_setup() in drm_kms_helper until 6.10, became
 * drm_fbdev_ttm_setup() in drm_ttm_helper in 6.11, and is a DRM client
 * set up by drm_client_setup() with the driver's fbdev_probe callback
 * (MVDRM_DRIVER_FBDEV) where that exists. It works with any GEM object
 * that implements vmap.
 */
#if MVDRM_HAVE_CLIENT_SETUP
#define MVDRM_DRIVER_FBDEV	DRM_FBDEV_TTM_DRIVER_OPS,
#else
#define MVDRM_DRIVER_FBDEV
#endif

static inline void mvdrm_fbdev_setup(struct drm_device *drm)
{
#if MVDRM_HAVE_CLIENT_SETUP
	drm_client_setup_with_color_mode(drm, 32);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	drm_fbdev_ttm_setup(drm, 32);
#else
	drm_fbdev_generic_setup(drm, 32);
#endif
}

/*
 * A fence context with 64-bit sequence numbers said so in its ops
 * (use_64bit_seqno) until 6.16; since 6.17 each fence is initialised with
 * dma_fence_init64() instead.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define MVDRM_FENCE_OPS_SEQNO64
static inline void mvdrm_fence_init64(struct dma_fence *fence,
				      const struct dma_fence_ops *ops,
				      spinlock_t *lock, u64 context, u64 seqno)
{
	dma_fence_init64(fence, ops, lock, context, seqno);
}
#else
#define MVDRM_FENCE_OPS_SEQNO64	.use_64bit_seqno = true,
static inline void mvdrm_fence_init64(struct dma_fence *fence,
				      const struct dma_fence_ops *ops,
				      spinlock_t *lock, u64 context, u64 seqno)
{
	dma_fence_init(fence, ops, lock, context, seqno);
}
#endif

/*
 * Until 6.6 a driver had to name the PRIME callbacks it wanted (the
 * defaults arrived in 6.6) and .gem_prime_mmap (removed in 6.6).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define MVDRM_DRIVER_PRIME \
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle, \
	.gem_prime_mmap = drm_gem_prime_mmap,
#else
#define MVDRM_DRIVER_PRIME
#endif

/* drm_driver.date is unused since 6.11 and removed in 6.14. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define MVDRM_DRIVER_DATE	.date = "20261202",
#else
#define MVDRM_DRIVER_DATE
#endif

/*
 * Since 6.3 drm_edid_connector_update() only updates the connector's EDID
 * property and info; drm_edid_connector_add_modes() adds the modes.
 * Return: the number of modes added.
 */
static inline int mvdrm_edid_update(struct drm_connector *connector,
				    const struct drm_edid *drm_edid)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	drm_edid_connector_update(connector, drm_edid);
	return drm_edid_connector_add_modes(connector);
#else
	return drm_edid_connector_update(connector, drm_edid);
#endif
}

/* PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX in 6.8. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define MVDRM_PCI_IRQ_INTX	PCI_IRQ_INTX
#else
#define MVDRM_PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

#endif /* _MVGPU_DRM_COMPAT_H_ */
