// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: PCI binding, the DRM driver and its parameters.
 */

/**
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

#include <linux/aperture.h>
#include <linux/module.h>
#include <linux/pci.h>

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

#define MVDRM_MAJOR		1
#define MVDRM_MINOR		0

static int mvdrm_get_param_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(drm);
	struct drm_mvgpu_get_param *args = data;

	if (args->pad)
		return -EINVAL;
	switch (args->param) {
	case MVGPU_PARAM_ABI_VERSION:
		args->value = mdrm->abi_version;
		break;
	case MVGPU_PARAM_VRAM_SIZE:
		args->value = mdrm->vram_size;
		break;
	case MVGPU_PARAM_NUM_QUEUES:
		args->value = mdrm->num_queues;
		break;
	case MVGPU_PARAM_NUM_ENGINES:
		args->value = mdrm->num_engines;
		break;
	case MVGPU_PARAM_CAPS:
		args->value = mdrm->caps;
		break;
	case MVGPU_PARAM_VRAM_USED:
		args->value = mvdrm_gem_vram_used(mdrm);
		break;
	case MVGPU_PARAM_RESETS:
		args->value = atomic_read(&mdrm->resets);
		break;
	case MVGPU_PARAM_MAX_SUBMIT_DWORDS:
		args->value = MVDRM_MAX_SUBMIT_DWORDS;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc mvdrm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(MVGPU_GET_PARAM, mvdrm_get_param_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_GEM_CREATE, mvdrm_gem_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_GEM_INFO, mvdrm_gem_info_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_SUBMIT, mvdrm_submit_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_WAIT, mvdrm_wait_ioctl, DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(mvdrm_fops);

static const struct drm_driver mvdrm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC |
			   DRIVER_RENDER | DRIVER_SYNCOBJ,
	.ioctls = mvdrm_ioctls,
	.num_ioctls = ARRAY_SIZE(mvdrm_ioctls),
	.fops = &mvdrm_fops,
	.debugfs_init = mvdrm_debugfs_init,
	.dumb_create = mvdrm_gem_dumb_create,
	.dumb_map_offset = drm_gem_dumb_map_offset,
	MVDRM_DRIVER_PRIME
	.name = "mvgpu",
	.desc = "mvgpu virtual GPU",
	MVDRM_DRIVER_DATE
	MVDRM_DRIVER_FBDEV
	.major = MVDRM_MAJOR,
	.minor = MVDRM_MINOR,
};

/* Identify the device and read what it has. */
static int mvdrm_hw_identify(struct mvdrm_device *mdrm)
{
	u32 magic = mvdrm_read(mdrm, MVGPU_REG_MAGIC);
	u32 queues;

	if (magic != MVGPU_MAGIC) {
		drm_err(&mdrm->drm, "bad magic 0x%08x\n", magic);
		return -ENODEV;
	}
	mdrm->abi_version = mvdrm_read(mdrm, MVGPU_REG_ABI_VERSION);
	if (mdrm->abi_version >> 16 != MVGPU_ABI_MAJOR) {
		drm_err(&mdrm->drm, "unsupported ABI %u.%u (driver: %u.x)\n",
			mdrm->abi_version >> 16, mdrm->abi_version & 0xffff,
			MVGPU_ABI_MAJOR);
		return -ENODEV;
	}
	mdrm->caps = mvdrm_read(mdrm, MVGPU_REG_CAPS);
	mdrm->vram_size = mvdrm_read(mdrm, MVGPU_REG_VRAM_SIZE_LO) |
		(u64)mvdrm_read(mdrm, MVGPU_REG_VRAM_SIZE_HI) << 32;
	mdrm->num_engines = mvdrm_read(mdrm, MVGPU_REG_NUM_ENGINES);
	queues = mvdrm_read(mdrm, MVGPU_REG_NUM_QUEUES);
	mdrm->num_queues = min_t(u32, queues, MVDRM_MAX_QUEUES);
	if (!(mdrm->caps & MVGPU_CAP_QUEUES) || !mdrm->num_queues) {
		drm_err(&mdrm->drm, "the vGPU has no command queues\n");
		return -ENODEV;
	}
	if (!mdrm->vram_size ||
	    mdrm->vram_size > pci_resource_len(mdrm->pdev, MVGPU_BAR2_INDEX)) {
		drm_err(&mdrm->drm, "VRAM size %llu does not match BAR2\n",
			mdrm->vram_size);
		return -ENODEV;
	}
	mdrm->vram_base = pci_resource_start(mdrm->pdev, MVGPU_BAR2_INDEX);
	return 0;
}

static void mvdrm_gem_release(struct drm_device *drm, void *arg)
{
	mvdrm_gem_fini(to_mvdrm_device(drm));
}

static int mvdrm_pci_setup(struct mvdrm_device *mdrm)
{
	struct pci_dev *pdev = mdrm->pdev;
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
	mdrm->mmio = pcim_iomap_table(pdev)[MVGPU_BAR0_INDEX];
	return 0;
}

static int mvdrm_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mvdrm_device *mdrm;
	int ret;

	ret = aperture_remove_conflicting_pci_devices(pdev, mvdrm_driver.name);
	if (ret)
		return ret;
	mdrm = devm_drm_dev_alloc(&pdev->dev, &mvdrm_driver,
				  struct mvdrm_device, drm);
	if (IS_ERR(mdrm))
		return PTR_ERR(mdrm);
	mdrm->pdev = pdev;
	pci_set_drvdata(pdev, mdrm);

	ret = mvdrm_pci_setup(mdrm);
	if (ret)
		return ret;
	ret = mvdrm_hw_identify(mdrm);
	if (ret)
		return ret;
	ret = mvdrm_gem_init(mdrm);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&mdrm->drm, mvdrm_gem_release, NULL);
	if (ret)
		return ret;
	ret = mvdrm_kms_init(mdrm);
	if (ret)
		return ret;
	ret = mvdrm_submit_init(mdrm);
	if (ret)
		return ret;
	ret = mvdrm_irq_init(mdrm);
	if (ret)
		goto out_submit_fini;
	ret = drm_dev_register(&mdrm->drm, 0);
	if (ret)
		goto out_irq_fini;

	drm_info(&mdrm->drm,
		 "mvgpu ABI %u.%u, %llu MiB VRAM, %u queues, %u engines, caps 0x%x\n",
		 mdrm->abi_version >> 16, mdrm->abi_version & 0xffff,
		 mdrm->vram_size >> 20, mdrm->num_queues, mdrm->num_engines,
		 mdrm->caps);
	mvdrm_fbdev_setup(&mdrm->drm);
	return 0;

out_irq_fini:
	mvdrm_irq_fini(mdrm);
out_submit_fini:
	mvdrm_submit_fini(mdrm);
	return ret;
}

static void mvdrm_pci_remove(struct pci_dev *pdev)
{
	struct mvdrm_device *mdrm = pci_get_drvdata(pdev);

	drm_dev_unplug(&mdrm->drm);
	drm_atomic_helper_shutdown(&mdrm->drm);
	mvdrm_irq_fini(mdrm);
	mvdrm_submit_fini(mdrm);
}

static void mvdrm_pci_shutdown(struct pci_dev *pdev)
{
	struct mvdrm_device *mdrm = pci_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&mdrm->drm);
}

/* A PCI reset (e.g. through sysfs) is a vGPU reset: recover after it. */
static void mvdrm_pci_reset_done(struct pci_dev *pdev)
{
	struct mvdrm_device *mdrm = pci_get_drvdata(pdev);

	mvdrm_device_recover(mdrm, true);
}

static const struct pci_error_handlers mvdrm_pci_err_handlers = {
	.reset_done = mvdrm_pci_reset_done,
};

static const struct pci_device_id mvdrm_pci_ids[] = {
	{ PCI_DEVICE(MVGPU_PCI_VENDOR_ID, MVGPU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mvdrm_pci_ids);

static struct pci_driver mvdrm_pci_driver = {
	.name = "mvgpu_drm",
	.id_table = mvdrm_pci_ids,
	.probe = mvdrm_pci_probe,
	.remove = mvdrm_pci_remove,
	.shutdown = mvdrm_pci_shutdown,
	.err_handler = &mvdrm_pci_err_handlers,
};
module_pci_driver(mvdrm_pci_driver);

MODULE_DESCRIPTION("mvgpu guest DRM driver");
MODULE_LICENSE("GPL");
