// SPDX-License-Identifier: GPL-2.0-only
/*
 * pGPU registration, vGPU types and the mdev driver.
 */

/**
 * DOC: vGPU types
 *
 * Every pGPU gets the same family of types, each a fixed fraction of the
 * pGPU: "full", "half", "quarter", "eighth" and "sixteenth" of its VRAM and
 * queues, and one hardware context each. A type is offered only when its
 * fraction still holds at least one VRAM chunk and one queue. Types of
 * different sizes share one resource pool, so "available_instances" of each
 * type is computed from what is free right now and stays exact whatever mix
 * of types exists.
 */

#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "mvgpu_core.h"
#include "mvgpu_debugfs.h"

static const struct {
	const char *sysfs_name;
	u32 divisor;
} mvgpu_type_table[MVGPU_MAX_TYPES] = {
	{ "full", 1 },
	{ "half", 2 },
	{ "quarter", 4 },
	{ "eighth", 8 },
	{ "sixteenth", 16 },
};

/* Serialises lookups of a pGPU by device against (un)registration. */
static DEFINE_MUTEX(mvgpu_pgpus_lock);
static LIST_HEAD(mvgpu_pgpus);

/**
 * mvgpu_pgpu_find() - the pGPU registered for a device
 * @dev: the device a backend registered
 *
 * For the sysfs files in @dev's mvgpu/ directory: they exist only while the
 * pGPU is registered, so the pGPU outlives every call of theirs.
 *
 * Return: the pGPU, or NULL if @dev is not (or no longer) one.
 */
struct mvgpu_pgpu *mvgpu_pgpu_find(struct device *dev)
{
	struct mvgpu_pgpu *pgpu, *found = NULL;

	mutex_lock(&mvgpu_pgpus_lock);
	list_for_each_entry(pgpu, &mvgpu_pgpus, link) {
		if (pgpu->dev == dev) {
			found = pgpu;
			break;
		}
	}
	mutex_unlock(&mvgpu_pgpus_lock);
	return found;
}

static void mvgpu_type_max_resolution(struct mvgpu_type *type)
{
	u64 vram = type->req.vram_size;

	if (vram >= SZ_64M) {
		type->max_width = 3840;
		type->max_height = 2160;
	} else if (vram >= SZ_32M) {
		type->max_width = 2560;
		type->max_height = 1600;
	} else {
		type->max_width = 1920;
		type->max_height = 1080;
	}
}

static void mvgpu_pgpu_init_types(struct mvgpu_pgpu *pgpu)
{
	const struct mvgpu_pgpu_caps *caps = &pgpu->caps;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mvgpu_type_table); i++) {
		struct mvgpu_type *type = &pgpu->types[pgpu->num_types];
		u32 divisor = mvgpu_type_table[i].divisor;
		u64 vram = caps->vram_size / divisor;

		if (vram < caps->vram_chunk_size || caps->num_queues < divisor)
			break;
		type->pgpu = pgpu;
		type->divisor = divisor;
		type->req.vram_size = vram;
		/* A vGPU has register blocks for MVGPU_MAX_QUEUES queues. */
		type->req.num_queues = min_t(u32, caps->num_queues / divisor,
					     MVGPU_MAX_QUEUES);
		mvgpu_type_max_resolution(type);
		snprintf(type->pretty_name, sizeof(type->pretty_name),
			 "mvgpu-%s-%lluM", mvgpu_type_table[i].sysfs_name,
			 vram >> 20);
		type->mdev_type.sysfs_name = mvgpu_type_table[i].sysfs_name;
		type->mdev_type.pretty_name = type->pretty_name;
		pgpu->mdev_types[pgpu->num_types] = &type->mdev_type;
		pgpu->num_types++;
	}
}

static int mvgpu_ops_validate(struct device *dev,
			      const struct mvgpu_backend_ops *ops,
			      const struct mvgpu_pgpu_caps *caps)
{
	if (!ops->vram_read || !ops->vram_write || !ops->vram_clear ||
	    !ops->context_create || !ops->context_destroy ||
	    !ops->as_map_vram || !ops->as_map_page || !ops->as_unmap ||
	    !ops->queue_create || !ops->queue_destroy ||
	    !ops->queue_enable || !ops->queue_disable ||
	    !ops->queue_doorbell || !ops->queue_status ||
	    !ops->engine_run || !ops->engine_preempt ||
	    (caps->vram_cpu_size && !ops->vram_pfn)) {
		dev_err(dev, "mvgpu: backend lacks a required operation\n");
		return -EINVAL;
	}
	return 0;
}

static int mvgpu_caps_validate(struct device *dev,
			       const struct mvgpu_pgpu_caps *caps)
{
	if (!is_power_of_2(caps->vram_chunk_size) ||
	    caps->vram_chunk_size < PAGE_SIZE ||
	    !is_power_of_2(caps->vram_size) ||
	    caps->vram_size < caps->vram_chunk_size) {
		dev_err(dev, "mvgpu: VRAM %llu bytes in %llu-byte chunks is not a power-of-two layout\n",
			caps->vram_size, caps->vram_chunk_size);
		return -EINVAL;
	}
	if (caps->vram_cpu_size > caps->vram_size ||
	    !IS_ALIGNED(caps->vram_cpu_size, caps->vram_chunk_size)) {
		dev_err(dev, "mvgpu: %llu bytes of CPU-visible VRAM is not a whole number of chunks of VRAM\n",
			caps->vram_cpu_size);
		return -EINVAL;
	}
	if (!caps->num_queues || !caps->num_contexts || !caps->num_engines) {
		dev_err(dev, "mvgpu: pGPU needs at least one engine, queue and context\n");
		return -EINVAL;
	}
	return 0;
}

static int mvgpu_hw_reset(struct mvgpu_hw *hw)
{
	int ret;

	if (!hw->ops->reset)
		return 0;
	ret = hw->ops->reset(hw);
	if (ret)
		dev_err(hw->dev, "mvgpu: pGPU reset failed: %d\n", ret);
	return ret;
}

int mvgpu_hw_register(struct mvgpu_hw *hw)
{
	const struct mvgpu_pgpu_caps *caps = &hw->caps;
	struct device *dev = hw->dev;
	struct mvgpu_pgpu *pgpu;
	int ret;

	ret = mvgpu_caps_validate(dev, caps);
	if (!ret)
		ret = mvgpu_ops_validate(dev, hw->ops, caps);
	if (!ret)
		ret = mvgpu_hw_reset(hw);
	if (ret)
		return ret;

	pgpu = kzalloc(sizeof(*pgpu), GFP_KERNEL);
	if (!pgpu)
		return -ENOMEM;
	pgpu->dev = dev;
	pgpu->hw = hw;
	pgpu->ops = hw->ops;
	pgpu->caps = *caps;
	mutex_init(&pgpu->lock);
	INIT_LIST_HEAD(&pgpu->vgpus);

	ret = mvgpu_partition_pool_init(&pgpu->pool, caps->vram_size,
					caps->vram_chunk_size,
					caps->num_queues, caps->num_contexts);
	if (ret)
		goto out_free;
	mvgpu_pgpu_init_types(pgpu);
	ret = mvgpu_pgpu_sched_init(pgpu);
	if (ret)
		goto out_pool_fini;
	mvgpu_debugfs_pgpu_init(pgpu);

	mutex_lock(&mvgpu_pgpus_lock);
	list_add_tail(&pgpu->link, &mvgpu_pgpus);
	mutex_unlock(&mvgpu_pgpus_lock);

	ret = sysfs_create_group(&dev->kobj, &mvgpu_pgpu_group);
	if (ret)
		goto out_unlist;

	hw->pgpu = pgpu;
	ret = mdev_register_parent(&pgpu->parent, dev, &mvgpu_mdev_driver,
				   pgpu->mdev_types, pgpu->num_types);
	if (ret)
		goto out_remove_group;

	dev_info(dev, "mvgpu: pGPU with %llu MiB VRAM (%llu MiB CPU-visible), %u engines, %u queues, %u contexts, %u vGPU types\n",
		 caps->vram_size >> 20, caps->vram_cpu_size >> 20,
		 caps->num_engines, caps->num_queues, caps->num_contexts,
		 pgpu->num_types);
	return 0;

out_remove_group:
	hw->pgpu = NULL;
	sysfs_remove_group(&dev->kobj, &mvgpu_pgpu_group);
out_unlist:
	mutex_lock(&mvgpu_pgpus_lock);
	list_del(&pgpu->link);
	mutex_unlock(&mvgpu_pgpus_lock);
	mvgpu_debugfs_pgpu_fini(pgpu);
	mvgpu_pgpu_sched_fini(pgpu);
out_pool_fini:
	mvgpu_partition_pool_fini(&pgpu->pool);
out_free:
	kfree(pgpu);
	return ret;
}
EXPORT_SYMBOL_GPL(mvgpu_hw_register);

void mvgpu_hw_unregister(struct mvgpu_hw *hw)
{
	struct mvgpu_pgpu *pgpu = hw->pgpu;

	/* Removes every mdev of the parent, each waiting for its users. */
	mdev_unregister_parent(&pgpu->parent);
	sysfs_remove_group(&pgpu->dev->kobj, &mvgpu_pgpu_group);

	mutex_lock(&mvgpu_pgpus_lock);
	list_del(&pgpu->link);
	mutex_unlock(&mvgpu_pgpus_lock);

	WARN_ON(!list_empty(&pgpu->vgpus));
	mvgpu_debugfs_pgpu_fini(pgpu);
	mvgpu_pgpu_sched_fini(pgpu);
	mvgpu_hw_reset(hw);
	mvgpu_partition_pool_fini(&pgpu->pool);
	mutex_destroy(&pgpu->lock);
	hw->pgpu = NULL;
	kfree(pgpu);
}
EXPORT_SYMBOL_GPL(mvgpu_hw_unregister);

static unsigned int mvgpu_mdev_get_available(struct mdev_type *mtype)
{
	struct mvgpu_type *type = mdev_type_to_type(mtype);
	struct mvgpu_pgpu *pgpu = type->pgpu;
	unsigned int available;

	mutex_lock(&pgpu->lock);
	available = mvgpu_partition_available(&pgpu->pool, &type->req);
	mutex_unlock(&pgpu->lock);
	return available;
}

static ssize_t mvgpu_mdev_show_description(struct mdev_type *mtype, char *buf)
{
	struct mvgpu_type *type = mdev_type_to_type(mtype);

	return sysfs_emit(buf,
			  "vram_bytes=%llu queues=%u share=1/%u engines=%u max_resolution=%ux%u\n",
			  type->req.vram_size, type->req.num_queues,
			  type->divisor, type->pgpu->caps.num_engines,
			  type->max_width, type->max_height);
}

static int mvgpu_mdev_probe(struct mdev_device *mdev)
{
	struct mvgpu_vgpu *vgpu;
	int ret;

	vgpu = vfio_alloc_device(mvgpu_vgpu, vdev, &mdev->dev, &mvgpu_vfio_ops);
	if (IS_ERR(vgpu))
		return PTR_ERR(vgpu);

	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret)
		goto out_put_device;

	dev_set_drvdata(&mdev->dev, vgpu);
	return 0;

out_put_device:
	vfio_put_device(&vgpu->vdev);
	return ret;
}

static void mvgpu_mdev_remove(struct mdev_device *mdev)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	/* Blocks until the last user has closed the device. */
	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
}

struct mdev_driver mvgpu_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = "mvgpu",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mvgpu_vgpu_groups,
	},
	.probe = mvgpu_mdev_probe,
	.remove = mvgpu_mdev_remove,
	.get_available = mvgpu_mdev_get_available,
	.show_description = mvgpu_mdev_show_description,
};
