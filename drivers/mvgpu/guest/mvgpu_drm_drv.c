// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: PCI binding, the DRM driver and its parameters.
 *
 * DOC: Overview
 *
 * mvgpu_drm drives a mvgpu vGPU (PCI 4d56:4750) from inside the guest that
 * owns it: KMS on the vGPU's scanout, GEM objects in VRAM and in guest
 * system memory, command submission to the vGPU's queues with dma_fences
 * completed by interrupt, and recovery after a queue error or a vGPU reset.
 * The files: mvgpu_drm_drv.c (this one), mvgpu_drm_gem.c (buffer objects),
 * mvgpu_drm_kms.c (mode setting), mvgpu_drm_submit.c (rings, fences,
 * interrupts, recovery), mvgpu_drm_validate.c (pure submit checks),
 * mvgpu_drm_debugfs.c (status, reset and fault injection).
 * Documentation/guest-driver.rst describes the ioctls.
 */

#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_aperture.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>

#include <uapi/mvgpu/mvgpu_drm.h>
#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_drm.h"
#include "mvgpu_drm_compat.h"

#define MVGPU_DRM_MAJOR		1
#define MVGPU_DRM_MINOR		0

static int mvgpu_get_param_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct mvgpu_device *mdev = to_mvgpu_device(drm);
	struct drm_mvgpu_get_param *args = data;

	if (args->pad)
		return -EINVAL;
	switch (args->param) {
	case MVGPU_PARAM_ABI_VERSION:
		args->value = mdev->abi_version;
		break;
	case MVGPU_PARAM_VRAM_SIZE:
		args->value = mdev->vram_size;
		break;
	case MVGPU_PARAM_NUM_QUEUES:
		args->value = mdev->num_queues;
		break;
	case MVGPU_PARAM_NUM_ENGINES:
		args->value = mdev->num_engines;
		break;
	case MVGPU_PARAM_CAPS:
		args->value = mdev->caps;
		break;
	case MVGPU_PARAM_VRAM_USED:
		args->value = mvgpu_gem_vram_used(mdev);
		break;
	case MVGPU_PARAM_RESETS:
		args->value = atomic_read(&mdev->resets);
		break;
	case MVGPU_PARAM_MAX_SUBMIT_DWORDS:
		args->value = MVGPU_DRM_MAX_SUBMIT_DWORDS;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc mvgpu_ioctls[] = {
	DRM_IOCTL_DEF_DRV(MVGPU_GET_PARAM, mvgpu_get_param_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_GEM_CREATE, mvgpu_gem_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_GEM_INFO, mvgpu_gem_info_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_SUBMIT, mvgpu_submit_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_WAIT, mvgpu_wait_ioctl, DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(mvgpu_fops);

static const struct drm_driver mvgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC |
			   DRIVER_RENDER | DRIVER_SYNCOBJ,
	.ioctls = mvgpu_ioctls,
	.num_ioctls = ARRAY_SIZE(mvgpu_ioctls),
	.fops = &mvgpu_fops,
	.debugfs_init = mvgpu_debugfs_init,
	.dumb_create = mvgpu_gem_dumb_create,
	.dumb_map_offset = drm_gem_dumb_map_offset,
	MVGPU_DRM_DRIVER_PRIME
	.name = "mvgpu",
	.desc = "mvgpu virtual GPU",
	MVGPU_DRM_DRIVER_DATE
	.major = MVGPU_DRM_MAJOR,
	.minor = MVGPU_DRM_MINOR,
};

/* Identify the device and read what it has. */
static int mvgpu_hw_identify(struct mvgpu_device *mdev)
{
	u32 magic = mvgpu_read(mdev, MVGPU_REG_MAGIC);
	u32 queues;

	if (magic != MVGPU_MAGIC) {
		drm_err(&mdev->drm, "bad magic 0x%08x\n", magic);
		return -ENODEV;
	}
	mdev->abi_version = mvgpu_read(mdev, MVGPU_REG_ABI_VERSION);
	if (mdev->abi_version >> 16 != MVGPU_ABI_MAJOR) {
		drm_err(&mdev->drm, "unsupported ABI %u.%u (driver: %u.x)\n",
			mdev->abi_version >> 16, mdev->abi_version & 0xffff,
			MVGPU_ABI_MAJOR);
		return -ENODEV;
	}
	mdev->caps = mvgpu_read(mdev, MVGPU_REG_CAPS);
	mdev->vram_size = mvgpu_read(mdev, MVGPU_REG_VRAM_SIZE_LO) |
		(u64)mvgpu_read(mdev, MVGPU_REG_VRAM_SIZE_HI) << 32;
	mdev->num_engines = mvgpu_read(mdev, MVGPU_REG_NUM_ENGINES);
	queues = mvgpu_read(mdev, MVGPU_REG_NUM_QUEUES);
	mdev->num_queues = min_t(u32, queues, MVGPU_DRM_MAX_QUEUES);
	if (!(mdev->caps & MVGPU_CAP_QUEUES) || !mdev->num_queues) {
		drm_err(&mdev->drm, "the vGPU has no command queues\n");
		return -ENODEV;
	}
	if (!mdev->vram_size ||
	    mdev->vram_size > pci_resource_len(mdev->pdev, MVGPU_BAR2_INDEX)) {
		drm_err(&mdev->drm, "VRAM size %llu does not match BAR2\n",
			mdev->vram_size);
		return -ENODEV;
	}
	mdev->vram_base = pci_resource_start(mdev->pdev, MVGPU_BAR2_INDEX);
	return 0;
}

static void mvgpu_gem_release(struct drm_device *drm, void *arg)
{
	mvgpu_gem_fini(to_mvgpu_device(drm));
}

static int mvgpu_pci_setup(struct mvgpu_device *mdev)
{
	struct pci_dev *pdev = mdev->pdev;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(47));
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(MVGPU_BAR0_INDEX), "mvgpu");
	if (ret)
		return ret;
	mdev->mmio = pcim_iomap_table(pdev)[MVGPU_BAR0_INDEX];
	return 0;
}

static int mvgpu_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mvgpu_device *mdev;
	int ret;

	ret = drm_aperture_remove_conflicting_pci_framebuffers(pdev,
							       &mvgpu_drm_driver);
	if (ret)
		return ret;
	mdev = devm_drm_dev_alloc(&pdev->dev, &mvgpu_drm_driver,
				  struct mvgpu_device, drm);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);
	mdev->pdev = pdev;
	pci_set_drvdata(pdev, mdev);

	ret = mvgpu_pci_setup(mdev);
	if (ret)
		return ret;
	ret = mvgpu_hw_identify(mdev);
	if (ret)
		return ret;
	ret = mvgpu_gem_init(mdev);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&mdev->drm, mvgpu_gem_release, NULL);
	if (ret)
		return ret;
	ret = mvgpu_kms_init(mdev);
	if (ret)
		return ret;
	ret = mvgpu_submit_init(mdev);
	if (ret)
		return ret;
	ret = mvgpu_irq_init(mdev);
	if (ret)
		goto out_submit_fini;
	ret = drm_dev_register(&mdev->drm, 0);
	if (ret)
		goto out_irq_fini;

	drm_info(&mdev->drm,
		 "mvgpu ABI %u.%u, %llu MiB VRAM, %u queues, %u engines, caps 0x%x\n",
		 mdev->abi_version >> 16, mdev->abi_version & 0xffff,
		 mdev->vram_size >> 20, mdev->num_queues, mdev->num_engines,
		 mdev->caps);
	mvgpu_drm_fbdev_setup(&mdev->drm);
	return 0;

out_irq_fini:
	mvgpu_irq_fini(mdev);
out_submit_fini:
	mvgpu_submit_fini(mdev);
	return ret;
}

static void mvgpu_pci_remove(struct pci_dev *pdev)
{
	struct mvgpu_device *mdev = pci_get_drvdata(pdev);

	drm_dev_unplug(&mdev->drm);
	drm_atomic_helper_shutdown(&mdev->drm);
	mvgpu_irq_fini(mdev);
	mvgpu_submit_fini(mdev);
}

static void mvgpu_pci_shutdown(struct pci_dev *pdev)
{
	struct mvgpu_device *mdev = pci_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&mdev->drm);
}

/* A PCI reset (e.g. through sysfs) is a vGPU reset: recover after it. */
static void mvgpu_pci_reset_done(struct pci_dev *pdev)
{
	struct mvgpu_device *mdev = pci_get_drvdata(pdev);

	mvgpu_device_recover(mdev, true);
}

static const struct pci_error_handlers mvgpu_pci_err_handlers = {
	.reset_done = mvgpu_pci_reset_done,
};

static const struct pci_device_id mvgpu_pci_ids[] = {
	{ PCI_DEVICE(MVGPU_PCI_VENDOR_ID, MVGPU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mvgpu_pci_ids);

static struct pci_driver mvgpu_pci_driver = {
	.name = "mvgpu_drm",
	.id_table = mvgpu_pci_ids,
	.probe = mvgpu_pci_probe,
	.remove = mvgpu_pci_remove,
	.shutdown = mvgpu_pci_shutdown,
	.err_handler = &mvgpu_pci_err_handlers,
};
module_pci_driver(mvgpu_pci_driver);

MODULE_DESCRIPTION("mvgpu guest DRM driver");
MODULE_LICENSE("GPL");
