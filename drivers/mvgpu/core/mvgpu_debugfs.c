// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs of the mvgpu core, all in one place.
 */

/**
 * DOC: debugfs
 *
 * The module's directory is ``mvgpu/`` in debugfs. Each pGPU has a
 * directory there named after its device, holding ``sched``: the
 * scheduler's settings and totals, what each engine runs, and one line of
 * accounting per vGPU. Each vGPU has a directory named after its mdev UUID
 * inside its pGPU's, holding ``state``: its registers, interrupt delivery,
 * queues and display plane. The files are read-only snapshots taken under
 * the locks that guard what they show; nothing here changes state, but
 * for one test hook: ``dma_unmap_delay_us`` (mvgpu_dma.c) makes the VFIO
 * dma_unmap callback linger before it returns.
 * debugfs is optional: a directory that cannot be created leaves its files
 * out and nothing else fails.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/seq_file.h>

#include "mvgpu_core.h"
#include "mvgpu_debugfs.h"

/* /sys/kernel/debug/mvgpu */
static struct dentry *mvgpu_debugfs_root;

static void mvgpu_debugfs_sched_vgpu(struct seq_file *m,
				     struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_vgpu_sched *vs = &vgpu->sched;
	const struct mvgpu_sched_entity *e = &vs->entity;
	const struct mvgpu_sched_stats *st = &vs->stats;

	seq_printf(m, "%-36s %4u %6u %4u %8u %c%c %3d %14llu %10llu %8llu %6llu %6llu %4u\n",
		   dev_name(vgpu->vdev.dev), vgpu->part.context, e->weight,
		   e->cap_pct, e->share_ppm, e->runnable ? 'R' : '-',
		   vs->wait_until ? 'W' : '-', vs->engine, st->busy_ns,
		   st->jobs, st->preemptions, st->faults, st->resets,
		   st->utilization);
}

static int mvgpu_debugfs_sched_show(struct seq_file *m, void *unused)
{
	struct mvgpu_pgpu *pgpu = m->private;
	struct mvgpu_pgpu_sched *ps = &pgpu->sched;
	struct mvgpu_vgpu *vgpu;
	u32 i;

	mutex_lock(&pgpu->lock);
	spin_lock(&ps->lock);
	seq_printf(m, "pgpu %u policy %s slice_ns %llu watchdog_ms %u engines %u runnable %u\n",
		   ps->id, mvgpu_sched_policy_name(ps->policy.policy),
		   ps->policy.slice_ns, ps->watchdog_ms,
		   pgpu->caps.num_engines, ps->policy.num_runnable);
	seq_printf(m, "total busy_ns %llu jobs %llu preemptions %llu faults %llu resets %llu utilization %u\n",
		   ps->stats.busy_ns, ps->stats.jobs, ps->stats.preemptions,
		   ps->stats.faults, ps->stats.resets, ps->stats.utilization);
	for (i = 0; i < pgpu->caps.num_engines; i++) {
		struct mvgpu_vgpu *cur = ps->engines[i].vgpu;

		if (cur)
			seq_printf(m, "engine %u ctx %u\n", i,
				   cur->part.context);
		else
			seq_printf(m, "engine %u idle\n", i);
	}
	seq_printf(m, "%-36s %4s %6s %4s %8s %2s %3s %14s %10s %8s %6s %6s %4s\n",
		   "vgpu", "ctx", "weight", "cap", "share", "st", "eng",
		   "busy_ns", "jobs", "preempt", "faults", "resets", "util");
	list_for_each_entry(vgpu, &pgpu->vgpus, pgpu_link)
		if (vgpu->sched.added)
			mvgpu_debugfs_sched_vgpu(m, vgpu);
	spin_unlock(&ps->lock);
	mutex_unlock(&pgpu->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_debugfs_sched);

/* queue_lock and state_lock held. */
static void mvgpu_debugfs_state_queues(struct seq_file *m,
				       struct mvgpu_vgpu *vgpu)
{
	u32 q;

	for (q = 0; q < vgpu->part.num_queues; q++) {
		const struct mvgpu_queue *queue = &vgpu->queues[q];

		seq_printf(m, "queue %u hwq %u enabled %d ring_base 0x%llx ring_size %u tail %u error %u fault_addr 0x%llx fence %llu\n",
			   q, vgpu->part.queues[q], queue->enabled,
			   queue->ring_base, queue->ring_size, queue->tail,
			   queue->error, queue->fault_addr, queue->fence);
	}
}

static int mvgpu_debugfs_state_show(struct seq_file *m, void *unused)
{
	struct mvgpu_vgpu *vgpu = m->private;
	const struct mvgpu_regs *regs = &vgpu->regs;
	const struct mvgpu_irq *irq = &vgpu->irq;
	struct mvgpu_display_plane plane;
	bool enabled;

	mutex_lock(&vgpu->queue_lock);
	mutex_lock(&vgpu->state_lock);
	seq_printf(m, "context %u vram_bytes %llu queues %u\n",
		   vgpu->part.context, vgpu->bar2_size, vgpu->part.num_queues);
	seq_printf(m, "int_status 0x%x int_mask 0x%x fence_pending 0x%llx reset_count %u\n",
		   regs->int_status, regs->int_mask, regs->fence_pending,
		   regs->reset_count);
	seq_printf(m, "error reason %u queue %u addr 0x%llx\n",
		   regs->error.reason, regs->error.queue, regs->error.addr);
	seq_printf(m, "irq msi %s intx_asserted %d intx_masked %d eventfds intx %d msi %d req %d\n",
		   mvgpu_cfg_msi_enabled(&vgpu->cfg) ? "on" : "off",
		   irq->intx_asserted, irq->intx_masked, !!irq->intx_trigger,
		   !!irq->msi_trigger, !!irq->req_trigger);
	mvgpu_debugfs_state_queues(m, vgpu);
	mutex_unlock(&vgpu->state_lock);
	mutex_unlock(&vgpu->queue_lock);

	enabled = mvgpu_display_plane_get(vgpu, &plane);
	seq_printf(m, "plane %s format 0x%08x %ux%u stride %u offset 0x%llx\n",
		   enabled ? "on" : "off", plane.format, plane.width,
		   plane.height, plane.stride, plane.offset);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_debugfs_state);

/**
 * mvgpu_debugfs_init() - create the module's debugfs directory
 *
 * Called at module init, before any pGPU registers.
 */
void mvgpu_debugfs_init(void)
{
	mvgpu_debugfs_root = debugfs_create_dir("mvgpu", NULL);
	mvgpu_dma_debugfs_init(mvgpu_debugfs_root);
}

/**
 * mvgpu_debugfs_exit() - remove the module's debugfs directory
 *
 * Called at module exit, after every pGPU is gone.
 */
void mvgpu_debugfs_exit(void)
{
	debugfs_remove_recursive(mvgpu_debugfs_root);
	mvgpu_debugfs_root = NULL;
}

/**
 * mvgpu_debugfs_pgpu_init() - create the debugfs directory of a pGPU
 * @pgpu: the pGPU, its scheduler started
 *
 * Process context.
 */
void mvgpu_debugfs_pgpu_init(struct mvgpu_pgpu *pgpu)
{
	pgpu->debugfs = debugfs_create_dir(dev_name(pgpu->dev),
					   mvgpu_debugfs_root);
	debugfs_create_file("sched", 0444, pgpu->debugfs, pgpu,
			    &mvgpu_debugfs_sched_fops);
}

/**
 * mvgpu_debugfs_pgpu_fini() - remove the debugfs directory of a pGPU
 * @pgpu: the pGPU, its vGPUs gone
 *
 * Waits for readers of its files. Process context.
 */
void mvgpu_debugfs_pgpu_fini(struct mvgpu_pgpu *pgpu)
{
	debugfs_remove_recursive(pgpu->debugfs);
	pgpu->debugfs = NULL;
}

/**
 * mvgpu_debugfs_vgpu_init() - create the debugfs directory of a vGPU
 * @vgpu: the vGPU, fully set up
 *
 * Process context.
 */
void mvgpu_debugfs_vgpu_init(struct mvgpu_vgpu *vgpu)
{
	vgpu->debugfs = debugfs_create_dir(dev_name(vgpu->vdev.dev),
					   vgpu->pgpu->debugfs);
	debugfs_create_file("state", 0444, vgpu->debugfs, vgpu,
			    &mvgpu_debugfs_state_fops);
}

/**
 * mvgpu_debugfs_vgpu_fini() - remove the debugfs directory of a vGPU
 * @vgpu: the vGPU, before its teardown
 *
 * Waits for readers of its files. Process context.
 */
void mvgpu_debugfs_vgpu_fini(struct mvgpu_vgpu *vgpu)
{
	debugfs_remove_recursive(vgpu->debugfs);
	vgpu->debugfs = NULL;
}
