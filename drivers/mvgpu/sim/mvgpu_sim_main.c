// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu_sim: a software physical GPU for mvgpu.
 */

/**
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
 * engines, queues, contexts and VRAM chunk size each one declares, the
 * turn of one queue among the queues of its context and the native path's
 * scratch memory. Which vGPU runs on which engine, and for how long, is
 * decided by the core's scheduler (&mvgpu_backend_ops.engine_run). Each
 * pGPU has
 * one context and one queue more than it declares, kept for the native
 * path (see mvgpu_sim_native.c).
 */

#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <mvgpu/mvgpu_backend.h>

#include "mvgpu_sim.h"

#define MVGPU_SIM_VENDOR_ID	0x1af4	/* ivshmem */
#define MVGPU_SIM_DEVICE_ID	0x1110
#define MVGPU_SIM_VRAM_BAR	2
#define MVGPU_SIM_MAX_CONTEXTS	1024
#define MVGPU_SIM_MAX_QUEUES	1024
#define MVGPU_SIM_MAX_ENGINES	64
#define MVGPU_SIM_MAX_NATIVE_KB	SZ_1M

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

static unsigned int slice_us = 2000;
module_param(slice_us, uint, 0444);
MODULE_PARM_DESC(slice_us,
		 "Longest turn of one queue while other queues of its vGPU wait, in microseconds (100-100000, default 2000)");

static unsigned int native_kb = 16384;
module_param(native_kb, uint, 0444);
MODULE_PARM_DESC(native_kb,
		 "Scratch memory of the native (host) submission path in debugfs, in KiB (0 disables it; default 16384)");

static struct dentry *mvgpu_sim_debugfs_root;

static bool mvgpu_sim_range_ok(struct mvgpu_sim_device *sim, u64 offset,
			       u64 len)
{
	u64 end;

	return !check_add_overflow(offset, len, &end) && end <= sim->vram_size;
}

static struct mvgpu_sim_device *mvgpu_sim_from_hw(struct mvgpu_hw *hw)
{
	return container_of(hw, struct mvgpu_sim_device, hw);
}

static struct mvgpu_sim_context *
mvgpu_sim_ctx_from_hw(struct mvgpu_hw_context *ctx)
{
	return container_of(ctx, struct mvgpu_sim_context, hw);
}

static struct mvgpu_sim_queue *mvgpu_sim_queue_from_hw(struct mvgpu_hw_queue *q)
{
	return container_of(q, struct mvgpu_sim_queue, hw);
}

static unsigned long mvgpu_sim_vram_pfn(struct mvgpu_hw *hw, u64 offset)
{
	return PHYS_PFN(mvgpu_sim_from_hw(hw)->vram_phys + offset);
}

static int mvgpu_sim_vram_read(struct mvgpu_hw *hw, u64 offset, void *buf,
			       size_t len)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memcpy(buf, sim->vram + offset, len);
	return 0;
}

static int mvgpu_sim_vram_write(struct mvgpu_hw *hw, u64 offset,
				const void *buf, size_t len)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memcpy(sim->vram + offset, buf, len);
	return 0;
}

static int mvgpu_sim_vram_clear(struct mvgpu_hw *hw, u64 offset, u64 len)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);

	if (!mvgpu_sim_range_ok(sim, offset, len))
		return -EINVAL;
	memset(sim->vram + offset, 0, len);
	return 0;
}

static struct mvgpu_hw_context *mvgpu_sim_context_create(struct mvgpu_hw *hw,
							 u32 id)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);
	struct mvgpu_sim_context *ctx;
	int ret;

	/* The native context is beyond what the core may name. */
	if (id >= sim->num_contexts)
		return ERR_PTR(-EINVAL);
	ctx = &sim->contexts[id];
	ret = mvgpu_sim_as_create(ctx);
	if (ret)
		return ERR_PTR(ret);
	ctx->hw.hw = hw;
	ctx->hw.id = id;
	return &ctx->hw;
}

/* Stop @q and release it from the context the core created it on. */
static void mvgpu_sim_queue_unbind(struct mvgpu_sim_queue *q)
{
	mvgpu_sim_queue_stop(q);
	spin_lock(&q->sim->sched_lock);
	q->hw.ctx = NULL;
	spin_unlock(&q->sim->sched_lock);
}

static void mvgpu_sim_context_destroy(struct mvgpu_hw_context *hctx)
{
	struct mvgpu_sim_context *ctx = mvgpu_sim_ctx_from_hw(hctx);
	struct mvgpu_sim_device *sim = ctx->sim;
	u32 i;

	/* The core destroys a context's queues first; make sure of it. */
	for (i = 0; i < sim->num_queues; i++) {
		struct mvgpu_sim_queue *q = &sim->queues[i];
		bool bound;

		spin_lock(&sim->sched_lock);
		bound = q->hw.ctx == hctx;
		spin_unlock(&sim->sched_lock);
		if (bound) {
			dev_warn(&sim->pdev->dev, "mvgpu_sim: context %u destroyed with queue %u\n",
				 ctx->id, i);
			mvgpu_sim_queue_unbind(q);
		}
	}
	mvgpu_sim_as_destroy(ctx);
}

static int mvgpu_sim_as_map_vram_op(struct mvgpu_hw_context *ctx, u64 gpu_va,
				    u64 vram_offset, u64 size)
{
	return mvgpu_sim_as_map_vram(mvgpu_sim_ctx_from_hw(ctx), gpu_va,
				     vram_offset, size);
}

static int mvgpu_sim_as_map_page_op(struct mvgpu_hw_context *ctx, u64 gpu_va,
				    struct page *page, bool writable)
{
	return mvgpu_sim_as_map_page(mvgpu_sim_ctx_from_hw(ctx), gpu_va, page,
				     writable);
}

static void mvgpu_sim_as_unmap_op(struct mvgpu_hw_context *ctx, u64 gpu_va,
				  u64 size)
{
	mvgpu_sim_as_unmap(mvgpu_sim_ctx_from_hw(ctx), gpu_va, size);
}

static struct mvgpu_hw_queue *mvgpu_sim_queue_create(struct mvgpu_hw_context *ctx,
						     u32 id)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_ctx_from_hw(ctx)->sim;
	struct mvgpu_sim_queue *q;
	int ret = 0;

	/* The native queue is beyond what the core may name. */
	if (id >= sim->num_queues)
		return ERR_PTR(-EINVAL);
	q = &sim->queues[id];
	spin_lock(&sim->sched_lock);
	if (q->hw.ctx) {
		ret = -EBUSY;
	} else {
		q->hw.ctx = ctx;
		q->hw.id = id;
	}
	spin_unlock(&sim->sched_lock);
	return ret ? ERR_PTR(ret) : &q->hw;
}

static void mvgpu_sim_queue_destroy(struct mvgpu_hw_queue *q)
{
	mvgpu_sim_queue_unbind(mvgpu_sim_queue_from_hw(q));
}

static int mvgpu_sim_queue_enable(struct mvgpu_hw_queue *hq, u64 ring_va,
				  u32 ring_size)
{
	struct mvgpu_sim_context *ctx = mvgpu_sim_ctx_from_hw(hq->ctx);
	bool live;

	down_read(&ctx->lock);
	live = ctx->live;
	up_read(&ctx->lock);
	if (!live)
		return -EINVAL;
	return mvgpu_sim_queue_start(mvgpu_sim_queue_from_hw(hq), ctx, ring_va,
				     ring_size);
}

static void mvgpu_sim_queue_disable(struct mvgpu_hw_queue *q)
{
	mvgpu_sim_queue_stop(mvgpu_sim_queue_from_hw(q));
}

static void mvgpu_sim_queue_doorbell(struct mvgpu_hw_queue *q, u32 tail)
{
	mvgpu_sim_queue_kick(mvgpu_sim_queue_from_hw(q), tail);
}

static void mvgpu_sim_queue_status(struct mvgpu_hw_queue *hq,
				   struct mvgpu_hw_queue_status *st)
{
	struct mvgpu_sim_queue *q = mvgpu_sim_queue_from_hw(hq);

	st->head = READ_ONCE(q->head);
	st->busy = READ_ONCE(q->busy);
	st->progress = READ_ONCE(q->progress);
}

static void mvgpu_sim_engine_run_op(struct mvgpu_hw *hw, u32 engine,
				    struct mvgpu_hw_context *ctx, u64 budget_ns,
				    struct mvgpu_engine_run *run)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);

	if (engine >= sim->num_engines) {
		memset(run, 0, sizeof(*run));
		run->stop = MVGPU_ENGINE_IDLE;
		return;
	}
	mvgpu_sim_engine_run(&sim->engines[engine], mvgpu_sim_ctx_from_hw(ctx),
			     budget_ns, run);
}

static void mvgpu_sim_engine_preempt_op(struct mvgpu_hw *hw, u32 engine)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);

	if (engine < sim->num_engines)
		mvgpu_sim_engine_preempt(&sim->engines[engine]);
}

/*
 * Every queue and context the core can name back to power-on state. The
 * core calls it with no engine run in progress; the native path keeps
 * its own context and queue.
 */
static int mvgpu_sim_reset(struct mvgpu_hw *hw)
{
	struct mvgpu_sim_device *sim = mvgpu_sim_from_hw(hw);
	u32 i;

	for (i = 0; i < sim->num_queues; i++)
		mvgpu_sim_queue_unbind(&sim->queues[i]);
	for (i = 0; i < sim->num_contexts; i++)
		mvgpu_sim_as_destroy(&sim->contexts[i]);
	return 0;
}

static const struct mvgpu_backend_ops mvgpu_sim_ops = {
	.vram_pfn = mvgpu_sim_vram_pfn,
	.vram_read = mvgpu_sim_vram_read,
	.vram_write = mvgpu_sim_vram_write,
	.vram_clear = mvgpu_sim_vram_clear,
	.context_create = mvgpu_sim_context_create,
	.context_destroy = mvgpu_sim_context_destroy,
	.as_map_vram = mvgpu_sim_as_map_vram_op,
	.as_map_page = mvgpu_sim_as_map_page_op,
	.as_unmap = mvgpu_sim_as_unmap_op,
	.queue_create = mvgpu_sim_queue_create,
	.queue_destroy = mvgpu_sim_queue_destroy,
	.queue_enable = mvgpu_sim_queue_enable,
	.queue_disable = mvgpu_sim_queue_disable,
	.queue_doorbell = mvgpu_sim_queue_doorbell,
	.queue_status = mvgpu_sim_queue_status,
	.engine_run = mvgpu_sim_engine_run_op,
	.engine_preempt = mvgpu_sim_engine_preempt_op,
	.reset = mvgpu_sim_reset,
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
	    !is_power_of_2(chunk_kb) || (u64)chunk_kb * SZ_1K < PAGE_SIZE ||
	    slice_us < 100 || slice_us > 100000 ||
	    native_kb > MVGPU_SIM_MAX_NATIVE_KB) {
		dev_err(dev, "mvgpu_sim: invalid module parameters (engines=%u queues=%u contexts=%u chunk_kb=%u slice_us=%u native_kb=%u)\n",
			engines, queues, contexts, chunk_kb, slice_us,
			native_kb);
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
	/*
	 * The BAR is ordinary memory of the machine that emulates the pGPU,
	 * so it is mapped write-back, as is every user mapping of it.
	 */
	sim->vram = devm_memremap(&pdev->dev, sim->vram_phys, sim->vram_size,
				  MEMREMAP_WB);
	if (IS_ERR(sim->vram))
		return PTR_ERR(sim->vram);
	return 0;
}

/* Allocate and initialise contexts, queues and engines (one extra each). */
static int mvgpu_sim_alloc_state(struct mvgpu_sim_device *sim)
{
	struct device *dev = &sim->pdev->dev;
	u32 i;

	sim->num_contexts = contexts;
	sim->num_queues = queues;
	sim->num_engines = engines;
	sim->slice_ns = (u64)slice_us * NSEC_PER_USEC;
	spin_lock_init(&sim->sched_lock);
	init_waitqueue_head(&sim->idle_wq);

	sim->contexts = devm_kcalloc(dev, contexts + 1, sizeof(*sim->contexts),
				     GFP_KERNEL);
	sim->queues = devm_kcalloc(dev, queues + 1, sizeof(*sim->queues),
				   GFP_KERNEL);
	sim->engines = devm_kcalloc(dev, engines, sizeof(*sim->engines),
				    GFP_KERNEL);
	if (!sim->contexts || !sim->queues || !sim->engines)
		return -ENOMEM;
	for (i = 0; i <= contexts; i++)
		mvgpu_sim_as_init(&sim->contexts[i], sim, i);
	for (i = 0; i <= queues; i++) {
		sim->queues[i].sim = sim;
		sim->queues[i].id = i;
		INIT_LIST_HEAD(&sim->queues[i].link);
	}
	return 0;
}

static void mvgpu_sim_destroy_contexts(struct mvgpu_sim_device *sim)
{
	u32 i;

	for (i = 0; i < sim->num_contexts; i++)
		mvgpu_sim_as_destroy(&sim->contexts[i]);
}

static int mvgpu_sim_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
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
	ret = mvgpu_sim_alloc_state(sim);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = mvgpu_sim_map_vram(sim);
	if (ret)
		return ret;

	ret = mvgpu_sim_native_init(sim, native_kb);
	if (ret)
		return ret;
	ret = mvgpu_sim_engines_start(sim);
	if (ret)
		goto out_native_fini;
	mvgpu_sim_debugfs_init(sim, mvgpu_sim_debugfs_root);

	sim->hw.dev = &pdev->dev;
	sim->hw.ops = &mvgpu_sim_ops;
	sim->hw.caps = (struct mvgpu_pgpu_caps) {
		.vram_size = sim->vram_size,
		.vram_chunk_size = (u64)chunk_kb * SZ_1K,
		/* BAR2 is mapped whole: all of VRAM is CPU-visible. */
		.vram_cpu_size = sim->vram_size,
		.flags = MVGPU_PGPU_CAP_VRAM_CACHEABLE,
		.num_engines = engines,
		.num_queues = queues,
		.num_contexts = contexts,
	};
	ret = mvgpu_hw_register(&sim->hw);
	if (ret)
		goto out_remove_debugfs;
	pci_set_drvdata(pdev, sim);
	return 0;

out_remove_debugfs:
	mvgpu_sim_debugfs_fini(sim);
	mvgpu_sim_engines_stop(sim);
out_native_fini:
	mvgpu_sim_native_fini(sim);
	return ret;
}

static void mvgpu_sim_remove(struct pci_dev *pdev)
{
	struct mvgpu_sim_device *sim = pci_get_drvdata(pdev);

	/* The core disables every vGPU queue and destroys their contexts. */
	mvgpu_hw_unregister(&sim->hw);
	mvgpu_sim_debugfs_fini(sim);
	mvgpu_sim_engines_stop(sim);
	mvgpu_sim_native_fini(sim);
	mvgpu_sim_destroy_contexts(sim);
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

static int __init mvgpu_sim_init(void)
{
	int ret;

	mvgpu_sim_debugfs_root = debugfs_create_dir("mvgpu_sim", NULL);
	ret = pci_register_driver(&mvgpu_sim_driver);
	if (ret)
		debugfs_remove_recursive(mvgpu_sim_debugfs_root);
	return ret;
}
module_init(mvgpu_sim_init);

static void __exit mvgpu_sim_exit(void)
{
	pci_unregister_driver(&mvgpu_sim_driver);
	debugfs_remove_recursive(mvgpu_sim_debugfs_root);
}
module_exit(mvgpu_sim_exit);

MODULE_DESCRIPTION("mvgpu simulated physical GPU backend");
MODULE_LICENSE("GPL");
