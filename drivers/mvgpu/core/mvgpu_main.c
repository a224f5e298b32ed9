// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu: mediated-device vGPU core.
 */

/**
 * DOC: Overview
 *
 * mvgpu.ko splits physical GPUs offered by backends (see
 * include/mvgpu/mvgpu_backend.h) into vGPUs and gives each one to a user
 * (normally QEMU) as a VFIO device of an mdev. The module itself only
 * registers the mdev driver; pGPUs come and go as backends register them.
 */

#include <linux/mdev.h>
#include <linux/module.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"
#include "mvgpu_debugfs.h"

static int __init mvgpu_init(void)
{
	int ret;

	mvgpu_sysfs_init();
	mvgpu_debugfs_init();
	ret = mdev_register_driver(&mvgpu_mdev_driver);
	if (ret)
		mvgpu_debugfs_exit();
	return ret;
}

static void __exit mvgpu_exit(void)
{
	mdev_unregister_driver(&mvgpu_mdev_driver);
	mvgpu_debugfs_exit();
}

module_init(mvgpu_init);
module_exit(mvgpu_exit);

MODULE_DESCRIPTION("mvgpu mediated-device vGPU core");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: vfio_iommu_type1");
MVGPU_MODULE_IMPORT_NS_DMA_BUF();
