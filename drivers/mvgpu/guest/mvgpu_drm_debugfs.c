// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: debugfs.
 */

/**
 * DOC: debugfs
 *
 * In the DRM minor's debugfs directory (``/sys/kernel/debug/dri/<minor>/``):
 *
 * - ``mvgpu_status`` (read): per queue the last sequence number issued, the
 *   last completed, the pending submits and the ring positions; the
 *   recoveries and the device's reset count; the display block's status,
 *   flip count, connector and plane registers.
 * - ``mvgpu_reset`` (write anything): reset the vGPU through its RESET
 *   register and recover, as after a reset the host did.
 * - ``mvgpu_queue_error`` (write a queue index): ring that queue's doorbell
 *   with a misaligned tail, so the device stops it with BAD_DOORBELL and
 *   raises the ERROR interrupt: fault injection for the recovery path.
 * - ``mvgpu_display_refuse`` (write anything): the next update that shows
 *   a plane is written with a reserved CONTROL bit set, so the device
 *   refuses it:
 *   fault injection for the handling of a refused plane (see "Display").
 */

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>

#include "mvgpu_drm.h"

static int mvdrm_debugfs_status_show(struct seq_file *m, void *unused)
{
	struct mvdrm_device *mdrm = m->private;
	u32 i;

	seq_printf(m, "resets %d reset_count %u\n", atomic_read(&mdrm->resets),
		   mvdrm_read(mdrm, MVGPU_REG_RESET_COUNT));
	if (mdrm->caps & MVGPU_CAP_DISPLAY)
		seq_printf(m, "display status 0x%x flips %u connector 0x%x plane %ux%u stride %u offset 0x%08x%08x format 0x%08x control 0x%x refused %d\n",
			   mvdrm_read(mdrm, MVGPU_REG_DISP_STATUS),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_FLIP_COUNT),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_CONNECTOR),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_WIDTH),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_HEIGHT),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_STRIDE),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_OFFSET_HI),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_OFFSET_LO),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_FORMAT),
			   mvdrm_read(mdrm, MVGPU_REG_DISP_CONTROL),
			   atomic_read(&mdrm->disp_refused));
	seq_puts(m, "queue issued completed pending tail retired_head\n");
	for (i = 0; i < mdrm->num_queues; i++) {
		struct mvdrm_queue *queue = &mdrm->queues[i];
		struct mvdrm_fence *fence;
		unsigned int pending = 0;
		u32 head;

		spin_lock_irq(&queue->fence_lock);
		list_for_each_entry(fence, &queue->pending, link)
			pending++;
		head = queue->retired_head;
		spin_unlock_irq(&queue->fence_lock);
		seq_printf(m, "%5u %6llu %9llu %7u %6u %12u\n", i,
			   READ_ONCE(queue->last_seqno),
			   le64_to_cpu(READ_ONCE(*queue->fence_slot)), pending,
			   READ_ONCE(queue->tail), head);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvdrm_debugfs_status);

static ssize_t mvdrm_debugfs_reset_write(struct file *file,
					 const char __user *buf, size_t len,
					 loff_t *pos)
{
	struct mvdrm_device *mdrm = file->private_data;

	mvdrm_write(mdrm, MVGPU_REG_RESET, MVGPU_RESET_KEY);
	mvdrm_device_recover(mdrm, true);
	return len;
}

static const struct file_operations mvdrm_debugfs_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mvdrm_debugfs_reset_write,
	.llseek = noop_llseek,
};

static ssize_t mvdrm_debugfs_queue_error_write(struct file *file,
					       const char __user *buf,
					       size_t len, loff_t *pos)
{
	struct mvdrm_device *mdrm = file->private_data;
	struct mvdrm_queue *queue;
	unsigned int index;
	int ret;

	ret = kstrtouint_from_user(buf, len, 0, &index);
	if (ret)
		return ret;
	if (index >= mdrm->num_queues)
		return -EINVAL;
	queue = &mdrm->queues[index];
	mutex_lock(&queue->submit_lock);
	/* A tail that is not dword aligned stops the queue (BAD_DOORBELL). */
	mvdrm_write(mdrm, MVGPU_REG_QUEUE(index) + MVGPU_Q_TAIL,
		    queue->tail + 2);
	mutex_unlock(&queue->submit_lock);
	return len;
}

static const struct file_operations mvdrm_debugfs_queue_error_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mvdrm_debugfs_queue_error_write,
	.llseek = noop_llseek,
};

static ssize_t mvdrm_debugfs_display_refuse_write(struct file *file,
						  const char __user *buf,
						  size_t len, loff_t *pos)
{
	struct mvdrm_device *mdrm = file->private_data;

	atomic_set(&mdrm->disp_inject_refusal, 1);
	return len;
}

static const struct file_operations mvdrm_debugfs_display_refuse_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mvdrm_debugfs_display_refuse_write,
	.llseek = noop_llseek,
};

/**
 * mvdrm_debugfs_init() - &drm_driver.debugfs_init: the driver's files
 * @minor: the DRM minor whose directory gets them
 */
void mvdrm_debugfs_init(struct drm_minor *minor)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(minor->dev);

	debugfs_create_file("mvgpu_status", 0444, minor->debugfs_root, mdrm,
			    &mvdrm_debugfs_status_fops);
	debugfs_create_file("mvgpu_reset", 0200, minor->debugfs_root, mdrm,
			    &mvdrm_debugfs_reset_fops);
	debugfs_create_file("mvgpu_queue_error", 0200, minor->debugfs_root,
			    mdrm, &mvdrm_debugfs_queue_error_fops);
	debugfs_create_file("mvgpu_display_refuse", 0200, minor->debugfs_root,
			    mdrm, &mvdrm_debugfs_display_refuse_fops);
}
