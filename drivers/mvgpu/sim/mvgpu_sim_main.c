// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu_sim: a software physical GPU for mvgpu.
 *
 * DOC: Simulated pGPU
 *
 * A simulated pGPU is a PCI function whose BAR2 is plain memory: in the test
 * bed, a QEMU "ivshmem-plain" device (1af4:1110) backed by a memory backend.
 * That BAR is the pGPU's VRAM; the core maps vGPU apertures straight onto
 * its pages, exactly as it would map a hardware GPU's VRAM aperture. The
 * backend knows nothing of VFIO or mdev: it registers each pGPU with the
 * core through &struct mvgpu_backend_ops.
 *
 * Module parameters choose which devices become pGPUs ("claim"), and the
 * engines, queues, contexts and VRAM chunk size each one declares.
 */

#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <mvgpu/mvgpu_backend.h>

#define MVGPU_SIM_VENDOR_ID	0x1af4	/* ivshmem */
#define MVGPU_SIM_DEVICE_ID	0x1110
#define MVGPU_SIM_VRAM_BAR	2
#define MVGPU_SIM_MAX_CONTEXTS	1024
#define MVGPU_SIM_MAX_QUEUES	1024
#define MVGPU_SIM_MAX_ENGINES	64

static char *claim = "all";
module_param(claim, charp, 0444);
MODULE_PARM_DESC(claim,
		 "Devices to drive as pGPUs: \"all\" (default), \"none\", or a comma-separated list of PCI addresses such as 0000:00:04.0");

static unsigned int engines = 2;
module_param(engines, uint, 0444);
MODULE_PARM_DESC(engines, "Command engines per pGPU (1-64, default 2)");

static unsigned int queues = 64;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Hardware queues per pGPU (1-1024, default 64)");

static unsigned int contexts = 32;
module_param(contexts, uint, 0444);
MODULE_PARM_DESC(contexts,
		 "Hardware contexts per pGPU, one per vGPU (1-1024, default 32)");

static unsigned int chunk_kb = 1024;
module_param(chunk_kb, uint, 0444);
MODULE_PARM_DESC(chunk_kb,
		 "VRAM allocation chunk in KiB, a power of two >= page size (default 1024)");

/**
 * struct mvgpu_sim_device - one simulated pGPU
 * @pdev: the PCI function
 * @vram: kernel mapping of VRAM (write-combined)
 * @vram_phys: bus address of VRAM (BAR2)
 * @vram_size: bytes of VRAM offered to the core
 * @pgpu: the core's handle
 * @ctx_lock: guards @ctx_used
 * @ctx_used: bitmap of live hardware contexts
 * @num_contexts: bits in @ctx_used
 */
struct mvgpu_sim_device {
	struct pci_dev *pdev;
	void __iomem *vram;
	resource_size_t vram_phys;
	u64 vram_size;
	struct mvgpu_pgpu *pgpu;
	/* guards @ctx_used */
	struct mutex ctx_lock;
	unsigned long *ctx_used;
	u32 num_contexts;
};

static bool mvgpu_sim_range_ok(struct mvgpu_sim_device *sim, u64 offset,
			       u64 len)
{
	u64 end;

	return !check_add_overflow(offset, len, &end) && end <= sim->vram_size;
}

static unsigned long mvgpu_sim_vram_pfn(void *priv, u64 offset)
{
	struct mvgpu_sim_device *sim = priv;

	return PHYS_PFN(sim->vram_phys + offset);
}

static int mvgpu_sim_vram_read(void *priv, u64 offset, void *buf, size_t len)
{
	struct mvgpu_sim_device *sim = priv;

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memcpy_fromio(buf, sim->vram + offset, len);
	return 0;
}

static int mvgpu_sim_vram_write(void *priv, u64 offset, const void *buf,
				size_t len)
{
	struct mvgpu_sim_device *sim = priv;

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memcpy_toio(sim->vram + offset, buf, len);
	return 0;
}

static int mvgpu_sim_vram_clear(void *priv, u64 offset, u64 len)
{
	struct mvgpu_sim_device *sim = priv;

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memset_io(sim->vram + offset, 0, len);
	return 0;
}

static int mvgpu_sim_context_create(void *priv, u32 ctx_id)
{
	struct mvgpu_sim_device *sim = priv;
	int ret = 0;

	if (ctx_id >= sim->num_contexts)
		return -EINVAL;
	mutex_lock(&sim->ctx_lock);
	if (test_bit(ctx_id, sim->ctx_used))
		ret = -EBUSY;
	else
		__set_bit(ctx_id, sim->ctx_used);
	mutex_unlock(&sim->ctx_lock);
	return ret;
}

static void mvgpu_sim_context_destroy(void *priv, u32 ctx_id)
{
	struct mvgpu_sim_device *sim = priv;

	if (ctx_id >= sim->num_contexts)
		return;
	mutex_lock(&sim->ctx_lock);
	__clear_bit(ctx_id, sim->ctx_used);
	mutex_unlock(&sim->ctx_lock);
}

static const struct mvgpu_backend_ops mvgpu_sim_ops = {
	.vram_pfn = mvgpu_sim_vram_pfn,
	.vram_read = mvgpu_sim_vram_read,
	.vram_write = mvgpu_sim_vram_write,
	.vram_clear = mvgpu_sim_vram_clear,
	.context_create = mvgpu_sim_context_create,
	.context_destroy = mvgpu_sim_context_destroy,
};

static bool mvgpu_sim_claimed(struct pci_dev *pdev)
{
	const char *name = pci_name(pdev);
	size_t len = strlen(name);
	const char *p = claim;

	if (!strcmp(claim, "all"))
		return true;
	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static int mvgpu_sim_check_params(struct device *dev)
{
	if (!engines || engines > MVGPU_SIM_MAX_ENGINES ||
	    !queues || queues > MVGPU_SIM_MAX_QUEUES ||
	    !contexts || contexts > MVGPU_SIM_MAX_CONTEXTS ||
	    !is_power_of_2(chunk_kb) || (u64)chunk_kb * SZ_1K < PAGE_SIZE) {
		dev_err(dev, "mvgpu_sim: invalid module parameters (engines=%u queues=%u contexts=%u chunk_kb=%u)\n",
			engines, queues, contexts, chunk_kb);
		return -EINVAL;
	}
	return 0;
}

static int mvgpu_sim_map_vram(struct mvgpu_sim_device *sim)
{
	struct pci_dev *pdev = sim->pdev;
	resource_size_t len = pci_resource_len(pdev, MVGPU_SIM_VRAM_BAR);
	u64 chunk = (u64)chunk_kb * SZ_1K;

	if (!(pci_resource_flags(pdev, MVGPU_SIM_VRAM_BAR) & IORESOURCE_MEM) ||
	    len < chunk) {
		dev_err(&pdev->dev, "mvgpu_sim: BAR%d is not a memory BAR of at least %llu bytes\n",
			MVGPU_SIM_VRAM_BAR, chunk);
		return -ENODEV;
	}
	/* The core partitions power-of-two VRAM; the rest stays unused. */
	sim->vram_size = rounddown_pow_of_two(len);
	sim->vram_phys = pci_resource_start(pdev, MVGPU_SIM_VRAM_BAR);

	if (!devm_request_mem_region(&pdev->dev, sim->vram_phys, sim->vram_size,
				     "mvgpu_sim VRAM"))
		return -EBUSY;
	sim->vram = devm_ioremap_wc(&pdev->dev, sim->vram_phys,
				    sim->vram_size);
	if (!sim->vram)
		return -ENOMEM;
	return 0;
}

static int mvgpu_sim_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mvgpu_pgpu_caps caps = {};
	struct mvgpu_sim_device *sim;
	int ret;

	if (!mvgpu_sim_claimed(pdev))
		return -ENODEV;
	ret = mvgpu_sim_check_params(&pdev->dev);
	if (ret)
		return ret;

	sim = devm_kzalloc(&pdev->dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->pdev = pdev;
	sim->num_contexts = contexts;
	mutex_init(&sim->ctx_lock);
	sim->ctx_used = devm_bitmap_zalloc(&pdev->dev, contexts, GFP_KERNEL);
	if (!sim->ctx_used)
		return -ENOMEM;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = mvgpu_sim_map_vram(sim);
	if (ret)
		return ret;

	caps.vram_size = sim->vram_size;
	caps.vram_chunk_size = (u64)chunk_kb * SZ_1K;
	caps.num_engines = engines;
	caps.num_queues = queues;
	caps.num_contexts = contexts;
	sim->pgpu = mvgpu_pgpu_register(&pdev->dev, &mvgpu_sim_ops, &caps, sim);
	if (IS_ERR(sim->pgpu))
		return PTR_ERR(sim->pgpu);

	pci_set_drvdata(pdev, sim);
	return 0;
}

static void mvgpu_sim_remove(struct pci_dev *pdev)
{
	struct mvgpu_sim_device *sim = pci_get_drvdata(pdev);

	mvgpu_pgpu_unregister(sim->pgpu);
	mutex_destroy(&sim->ctx_lock);
}

static const struct pci_device_id mvgpu_sim_ids[] = {
	{ PCI_DEVICE(MVGPU_SIM_VENDOR_ID, MVGPU_SIM_DEVICE_ID) },
	{ }
};

static struct pci_driver mvgpu_sim_driver = {
	.name = "mvgpu_sim",
	.id_table = mvgpu_sim_ids,
	.probe = mvgpu_sim_probe,
	.remove = mvgpu_sim_remove,
};
module_pci_driver(mvgpu_sim_driver);

MODULE_DESCRIPTION("mvgpu simulated physical GPU backend");
MODULE_LICENSE("GPL");
