// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: command submission, fences, interrupts and
 * recovery.
 *
 * DOC: Submission
 *
 * Each queue the driver uses has a ring of MVGPU_DRM_RING_SIZE bytes in
 * DMA-coherent guest memory (GPU VA MVGPU_VA_SYSMEM + DMA address) and a
 * fence slot, 8 bytes of a shared status page. A submit checks its packets
 * (see "Command validation"), waits for its in-fence, copies the packets
 * into the ring (padding the ring's end with NOP packets when they would
 * not fit before it), appends FENCE(IRQ) writing the submit's sequence
 * number to the slot, and writes the new tail to the queue's doorbell.
 * Sequence numbers count up from 1 per queue; each submit has a dma_fence
 * on its queue's timeline which holds references to the submit's objects
 * until it signals.
 *
 * The FENCE interrupt (MSI, or INTx when MSI is unavailable) wakes the
 * threaded handler, which reads and clears FENCE_PENDING and signals, in
 * order, every fence of those queues whose number the slot has reached;
 * their ring space becomes free. A periodic check while work is pending
 * does the same for all queues, so a lost interrupt delays a fence but
 * never loses it; it also resets a queue whose oldest submit and HEAD did
 * not move for hang_timeout_ms (module parameter, default 30 s, 0 off), a
 * safety net behind the host's watchdog.
 *
 * DOC: Recovery
 *
 * A queue the device stopped (ERROR interrupt: bad packet, page fault,
 * MVGPU_ERR_HANG from the host's watchdog) is recovered in process context:
 * its completed fences signal normally, every other pending fence of the
 * queue fails with -EIO, the queue is reset (CONTROL.RESET), its ring is
 * programmed again and enabled, and submits continue on it. A reset of the
 * whole vGPU (from the guest's PCI reset, or one the host did, noticed as
 * a change of RESET_COUNT by the periodic check) is recovered the same way
 * for every queue, after restoring the interrupt mask and the display
 * plane; VRAM contents are lost in a vGPU reset. Each recovery counts in
 * MVGPU_PARAM_RESETS.
 */

#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include <uapi/mvgpu/mvgpu_cmds.h>
#include <uapi/mvgpu/mvgpu_drm.h>

#include "mvgpu_drm.h"
#include "mvgpu_drm_compat.h"
#include "mvgpu_drm_validate.h"

#define MVGPU_FENCE_DWORDS	(sizeof(struct mvgpu_cmd_fence) / 4)
#define MVGPU_HANGCHECK_PERIOD	msecs_to_jiffies(1000)

static unsigned int hang_timeout_ms = 30000;
module_param(hang_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hang_timeout_ms,
		 "reset a queue whose work makes no progress for this long (ms, 0: never; default 30000)");

static const char *mvgpu_fence_get_driver_name(struct dma_fence *fence)
{
	return "mvgpu";
}

static const char *mvgpu_fence_get_timeline_name(struct dma_fence *fence)
{
	return "mvgpu-queue";
}

static const struct dma_fence_ops mvgpu_fence_ops = {
	.use_64bit_seqno = true,
	.get_driver_name = mvgpu_fence_get_driver_name,
	.get_timeline_name = mvgpu_fence_get_timeline_name,
};

static void mvgpu_fence_put_bos(struct mvgpu_fence *fence)
{
	u32 i;

	for (i = 0; i < fence->bo_count; i++)
		drm_gem_object_put(fence->bos[i]);
	kvfree(fence->bos);
	fence->bos = NULL;
	fence->bo_count = 0;
}

/*
 * Signal the queue's fences the engine completed; with @error, fail every
 * other pending fence with it too (the queue was stopped or reset). Then
 * release the finished submits' objects. Process context.
 */
static void mvgpu_queue_retire(struct mvgpu_queue *queue, int error)
{
	struct mvgpu_fence *fence, *next;
	unsigned long flags;
	LIST_HEAD(done);
	u64 completed;

	spin_lock_irqsave(&queue->fence_lock, flags);
	completed = le64_to_cpu(READ_ONCE(*queue->fence_slot));
	list_for_each_entry_safe(fence, next, &queue->pending, link) {
		if (fence->base.seqno > completed) {
			if (!error)
				break;
			dma_fence_set_error(&fence->base, error);
		}
		dma_fence_signal_locked(&fence->base);
		queue->retired_head = fence->ring_end;
		list_move_tail(&fence->link, &done);
	}
	spin_unlock_irqrestore(&queue->fence_lock, flags);

	list_for_each_entry_safe(fence, next, &done, link) {
		list_del(&fence->link);
		mvgpu_fence_put_bos(fence);
		dma_fence_put(&fence->base);
	}
	wake_up_all(&queue->space_wait);
}

/* Program the queue's ring and enable it; the queue must be reset. */
static int mvgpu_queue_hw_init(struct mvgpu_queue *queue)
{
	struct mvgpu_device *mdev = queue->mdev;
	u32 base = MVGPU_REG_QUEUE(queue->index);
	u64 ring_va = MVGPU_VA_SYSMEM + queue->ring_dma;

	lockdep_assert_held(&queue->submit_lock);
	mvgpu_write(mdev, base + MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	mvgpu_write(mdev, base + MVGPU_Q_RING_BASE_LO, lower_32_bits(ring_va));
	mvgpu_write(mdev, base + MVGPU_Q_RING_BASE_HI, upper_32_bits(ring_va));
	mvgpu_write(mdev, base + MVGPU_Q_RING_SIZE, MVGPU_DRM_RING_SIZE);
	mvgpu_write(mdev, base + MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
	queue->tail = 0;
	spin_lock_irq(&queue->fence_lock);
	queue->retired_head = 0;
	spin_unlock_irq(&queue->fence_lock);

	if (mvgpu_read(mdev, base + MVGPU_Q_STATUS) & MVGPU_Q_STATUS_ERROR) {
		drm_err(&mdev->drm, "queue %u refused its ring: error %u\n",
			queue->index, mvgpu_read(mdev, base + MVGPU_Q_ERROR));
		return -EIO;
	}
	return 0;
}

/* Interrupt sources on, stale status and error state cleared. */
static void mvgpu_irq_hw_init(struct mvgpu_device *mdev)
{
	mvgpu_write(mdev, MVGPU_REG_INT_MASK, 0);
	mvgpu_write(mdev, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	mvgpu_write(mdev, MVGPU_REG_ERROR_REASON, 0);
	mvgpu_write(mdev, MVGPU_REG_FENCE_PENDING_LO, U32_MAX);
	mvgpu_write(mdev, MVGPU_REG_FENCE_PENDING_HI, U32_MAX);
	mvgpu_write(mdev, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE |
		    MVGPU_INT_ERROR | MVGPU_INT_DISPLAY);
}

static void mvgpu_queue_recover(struct mvgpu_queue *queue)
{
	mutex_lock(&queue->submit_lock);
	mvgpu_queue_retire(queue, 0);
	mvgpu_queue_retire(queue, -EIO);
	mvgpu_queue_hw_init(queue);
	mutex_unlock(&queue->submit_lock);
}

/*
 * Recover the queues whose STATUS shows an error or that are in @hung
 * (bit q: queue q), or every queue after a vGPU reset.
 */
static void mvgpu_recover(struct mvgpu_device *mdev, bool device_reset,
			  unsigned long hung)
{
	u32 reason, count, i;
	bool recovered = false;

	mutex_lock(&mdev->recovery_lock);
	count = mvgpu_read(mdev, MVGPU_REG_RESET_COUNT);
	if (count != mdev->reset_count)
		device_reset = true;
	reason = mvgpu_read(mdev, MVGPU_REG_ERROR_REASON);
	if (reason != MVGPU_ERR_NONE) {
		dev_warn_ratelimited(mdev->drm.dev,
				     "queue %u stopped: error %u at 0x%08x%08x\n",
				     mvgpu_read(mdev, MVGPU_REG_ERROR_QUEUE),
				     reason,
				     mvgpu_read(mdev, MVGPU_REG_ERROR_ADDR_HI),
				     mvgpu_read(mdev, MVGPU_REG_ERROR_ADDR_LO));
		mvgpu_write(mdev, MVGPU_REG_ERROR_REASON, 0);
	}
	if (device_reset) {
		drm_warn(&mdev->drm, "vGPU reset (count %u): recovering\n",
			 count);
		WRITE_ONCE(mdev->reset_count, count);
		mvgpu_irq_hw_init(mdev);
		mvgpu_kms_restore(mdev);
	}

	for (i = 0; i < mdev->num_queues; i++) {
		struct mvgpu_queue *queue = &mdev->queues[i];
		u32 status = mvgpu_read(mdev, MVGPU_REG_QUEUE(i) +
					MVGPU_Q_STATUS);

		if (!device_reset && !(status & MVGPU_Q_STATUS_ERROR) &&
		    !test_bit(i, &hung))
			continue;
		mvgpu_queue_recover(queue);
		recovered = true;
	}
	if (recovered)
		atomic_inc(&mdev->resets);
	mutex_unlock(&mdev->recovery_lock);
}

/**
 * mvgpu_device_recover() - recover stopped queues, or the whole device
 * @mdev: the device
 * @device_reset: the vGPU was reset: recover every queue and restore the
 *	interrupt mask and the display plane; otherwise recover the queues
 *	whose STATUS shows an error (and everything if RESET_COUNT changed)
 *
 * Process context; takes &mvgpu_device.recovery_lock and each recovered
 * queue's submit_lock. See "Recovery".
 */
void mvgpu_device_recover(struct mvgpu_device *mdev, bool device_reset)
{
	mvgpu_recover(mdev, device_reset, 0);
}

static void mvgpu_recovery_work(struct work_struct *work)
{
	struct mvgpu_device *mdev = container_of(work, struct mvgpu_device,
						 recovery_work);

	mvgpu_device_recover(mdev, false);
}

/* Oldest pending seqno of the queue, 0 when idle. */
static u64 mvgpu_queue_oldest(struct mvgpu_queue *queue)
{
	struct mvgpu_fence *fence;
	unsigned long flags;
	u64 seqno = 0;

	spin_lock_irqsave(&queue->fence_lock, flags);
	fence = list_first_entry_or_null(&queue->pending, struct mvgpu_fence,
					 link);
	if (fence)
		seqno = fence->base.seqno;
	spin_unlock_irqrestore(&queue->fence_lock, flags);
	return seqno;
}

/*
 * Whether a busy queue made no progress (same oldest submit, same HEAD)
 * for hang_timeout_ms. Called by the periodic check only.
 */
static bool mvgpu_queue_hung(struct mvgpu_queue *queue, u64 oldest)
{
	u32 head = mvgpu_read(queue->mdev, MVGPU_REG_QUEUE(queue->index) +
			      MVGPU_Q_HEAD);
	unsigned int timeout = READ_ONCE(hang_timeout_ms);

	if (oldest != queue->watch_seqno || head != queue->watch_head) {
		queue->watch_seqno = oldest;
		queue->watch_head = head;
		queue->watch_since = jiffies;
		return false;
	}
	if (!timeout ||
	    time_before(jiffies, queue->watch_since + msecs_to_jiffies(timeout)))
		return false;
	drm_warn(&queue->mdev->drm,
		 "queue %u: no progress for %u ms, resetting it\n",
		 queue->index, timeout);
	queue->watch_seqno = 0;
	return true;
}

static void mvgpu_hangcheck_work(struct work_struct *work)
{
	struct mvgpu_device *mdev = container_of(to_delayed_work(work),
						 struct mvgpu_device,
						 hangcheck_work);
	unsigned long hung = 0;
	bool busy = false;
	u64 oldest;
	u32 i;

	for (i = 0; i < mdev->num_queues; i++) {
		struct mvgpu_queue *queue = &mdev->queues[i];

		mvgpu_queue_retire(queue, 0);
		oldest = mvgpu_queue_oldest(queue);
		if (!oldest) {
			queue->watch_seqno = 0;
			continue;
		}
		busy = true;
		if (mvgpu_queue_hung(queue, oldest))
			__set_bit(i, &hung);
	}
	if (!busy)
		return;
	if (mvgpu_read(mdev, MVGPU_REG_RESET_COUNT) != READ_ONCE(mdev->reset_count))
		mvgpu_recover(mdev, true, 0);
	else if (hung)
		mvgpu_recover(mdev, false, hung);
	schedule_delayed_work(&mdev->hangcheck_work, MVGPU_HANGCHECK_PERIOD);
}

static irqreturn_t mvgpu_irq_handler(int irq, void *arg)
{
	struct mvgpu_device *mdev = arg;
	u32 status;

	status = mvgpu_read(mdev, MVGPU_REG_INT_STATUS);
	/* All ones: the device is gone (surprise removal). */
	if (!status || status == U32_MAX)
		return IRQ_NONE;
	mvgpu_write(mdev, MVGPU_REG_INT_STATUS, status);
	atomic_or(status, &mdev->irq_pending);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t mvgpu_irq_thread(int irq, void *arg)
{
	struct mvgpu_device *mdev = arg;
	u32 status = atomic_xchg(&mdev->irq_pending, 0);
	u64 fence_pending;
	u32 i;

	if (status & MVGPU_INT_FENCE) {
		fence_pending = mvgpu_read(mdev, MVGPU_REG_FENCE_PENDING_LO) |
			(u64)mvgpu_read(mdev, MVGPU_REG_FENCE_PENDING_HI) << 32;
		if (lower_32_bits(fence_pending))
			mvgpu_write(mdev, MVGPU_REG_FENCE_PENDING_LO,
				    lower_32_bits(fence_pending));
		if (upper_32_bits(fence_pending))
			mvgpu_write(mdev, MVGPU_REG_FENCE_PENDING_HI,
				    upper_32_bits(fence_pending));
		for (i = 0; i < mdev->num_queues; i++)
			if (fence_pending & BIT_ULL(i))
				mvgpu_queue_retire(&mdev->queues[i], 0);
	}
	if (status & MVGPU_INT_ERROR)
		schedule_work(&mdev->recovery_work);
	if (status & MVGPU_INT_DISPLAY)
		schedule_work(&mdev->hotplug_work);
	return IRQ_HANDLED;
}

/* Free ring bytes: one dword stays unused so full differs from empty. */
static u32 mvgpu_ring_free(struct mvgpu_queue *queue)
{
	u32 head = READ_ONCE(queue->retired_head);

	return (head - queue->tail - 4) & (MVGPU_DRM_RING_SIZE - 1);
}

/* Bytes a submit of @dwords takes at the current tail, padding included. */
static u32 mvgpu_ring_needed(struct mvgpu_queue *queue, u32 dwords)
{
	u32 bytes = (dwords + MVGPU_FENCE_DWORDS) * 4;

	if (queue->tail + bytes > MVGPU_DRM_RING_SIZE)
		bytes += MVGPU_DRM_RING_SIZE - queue->tail;
	return bytes;
}

static bool mvgpu_ring_fits(struct mvgpu_queue *queue, u32 dwords)
{
	return mvgpu_ring_free(queue) >= mvgpu_ring_needed(queue, dwords);
}

static void mvgpu_ring_emit(struct mvgpu_queue *queue, u32 dword)
{
	queue->ring[queue->tail / 4] = cpu_to_le32(dword);
	queue->tail = (queue->tail + 4) & (MVGPU_DRM_RING_SIZE - 1);
}

/* NOP packets from the tail to the ring's end. */
static void mvgpu_ring_pad(struct mvgpu_queue *queue)
{
	while (queue->tail) {
		u32 left = (MVGPU_DRM_RING_SIZE - queue->tail) / 4;
		u32 len = min_t(u32, left, MVGPU_CMD_MAX_DWORDS);
		u32 i;

		mvgpu_ring_emit(queue, MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, len));
		for (i = 1; i < len; i++)
			mvgpu_ring_emit(queue, 0);
	}
}

/* Wait for ring space and take the submit lock. */
static int mvgpu_ring_reserve(struct mvgpu_queue *queue, u32 dwords)
{
	int ret;

	for (;;) {
		ret = mutex_lock_interruptible(&queue->submit_lock);
		if (ret)
			return ret;
		if (mvgpu_ring_fits(queue, dwords))
			return 0;
		mutex_unlock(&queue->submit_lock);
		/* Recovery needs the lock to free a hung queue's ring. */
		ret = wait_event_interruptible(queue->space_wait,
					       mvgpu_ring_fits(queue, dwords));
		if (ret)
			return ret;
	}
}

/*
 * Copy @cmds and a FENCE into the ring, publish @fence and ring the
 * doorbell. Takes the reference of the pending list and of the history.
 */
static int mvgpu_queue_push(struct mvgpu_queue *queue, const u32 *cmds,
			    u32 dwords, struct mvgpu_fence *fence)
{
	struct mvgpu_device *mdev = queue->mdev;
	struct mvgpu_fence *old;
	u64 seqno;
	u32 i;
	int ret;

	ret = mvgpu_ring_reserve(queue, dwords);
	if (ret)
		return ret;

	if (queue->tail + (dwords + MVGPU_FENCE_DWORDS) * 4 >
	    MVGPU_DRM_RING_SIZE)
		mvgpu_ring_pad(queue);
	for (i = 0; i < dwords; i++)
		mvgpu_ring_emit(queue, cmds[i]);

	seqno = queue->last_seqno + 1;
	mvgpu_ring_emit(queue, MVGPU_CMD_HEADER(MVGPU_OP_FENCE, MVGPU_FENCE_IRQ,
						MVGPU_FENCE_DWORDS));
	mvgpu_ring_emit(queue, lower_32_bits(queue->fence_slot_va));
	mvgpu_ring_emit(queue, upper_32_bits(queue->fence_slot_va));
	mvgpu_ring_emit(queue, lower_32_bits(seqno));
	mvgpu_ring_emit(queue, upper_32_bits(seqno));

	dma_fence_init(&fence->base, &mvgpu_fence_ops, &queue->fence_lock,
		       queue->fence_context, seqno);
	fence->ring_end = queue->tail;
	WRITE_ONCE(queue->last_seqno, seqno);

	spin_lock_irq(&queue->fence_lock);
	list_add_tail(&fence->link, &queue->pending);
	dma_fence_get(&fence->base);
	old = queue->history[seqno % MVGPU_DRM_FENCE_HISTORY];
	queue->history[seqno % MVGPU_DRM_FENCE_HISTORY] = fence;
	dma_fence_get(&fence->base);
	spin_unlock_irq(&queue->fence_lock);
	if (old)
		dma_fence_put(&old->base);

	/* writel orders the ring writes before the doorbell. */
	mvgpu_write(mdev, MVGPU_REG_QUEUE(queue->index) + MVGPU_Q_TAIL,
		    queue->tail);
	mutex_unlock(&queue->submit_lock);

	if (!delayed_work_pending(&mdev->hangcheck_work))
		schedule_delayed_work(&mdev->hangcheck_work,
				      MVGPU_HANGCHECK_PERIOD);
	return 0;
}

/* Look up the submit's objects and their GPU VA ranges. */
static int mvgpu_submit_lookup(struct drm_file *file,
			       const struct drm_mvgpu_submit *args,
			       struct mvgpu_fence *fence,
			       struct mvgpu_va_range **ranges_out)
{
	struct mvgpu_va_range *ranges;
	u32 i;
	int ret;

	*ranges_out = NULL;
	if (!args->bo_count)
		return 0;
	ret = drm_gem_objects_lookup(file, u64_to_user_ptr(args->bo_handles),
				     args->bo_count, &fence->bos);
	if (ret)
		return ret;
	fence->bo_count = args->bo_count;

	ranges = kvmalloc_array(args->bo_count, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < args->bo_count; i++) {
		ranges[i].start = to_mvgpu_bo(fence->bos[i])->gpu_va;
		ranges[i].size = fence->bos[i]->size;
	}
	*ranges_out = ranges;
	return 0;
}

/* Copy the packets from userspace and check them. */
static u32 *mvgpu_submit_commands(struct mvgpu_device *mdev,
				  const struct drm_mvgpu_submit *args,
				  const struct mvgpu_va_range *ranges)
{
	u32 *cmds, bad;
	int ret;

	cmds = kvmalloc_array(args->command_dwords, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(cmds, u64_to_user_ptr(args->commands),
			   args->command_dwords * sizeof(*cmds))) {
		ret = -EFAULT;
		goto out_free;
	}
	le32_to_cpu_array(cmds, args->command_dwords);
	ret = mvgpu_validate_commands(cmds, args->command_dwords, ranges,
				      args->bo_count, &bad);
	if (ret) {
		drm_dbg_driver(&mdev->drm, "submit refused at dword %u\n", bad);
		goto out_free;
	}
	return cmds;

out_free:
	kvfree(cmds);
	return ERR_PTR(ret);
}

static int mvgpu_submit_in_fence(struct drm_file *file,
				 const struct drm_mvgpu_submit *args)
{
	struct dma_fence *in_fence;
	int ret;

	if (!(args->flags & MVGPU_SUBMIT_IN_SYNCOBJ))
		return 0;
	ret = drm_syncobj_find_fence(file, args->in_syncobj, 0, 0, &in_fence);
	if (ret)
		return ret;
	/* No scheduler: the work is queued once its dependency is met. */
	ret = dma_fence_wait(in_fence, true);
	dma_fence_put(in_fence);
	return ret;
}

static int mvgpu_submit_check_args(struct mvgpu_device *mdev,
				   const struct drm_mvgpu_submit *args)
{
	if (args->flags & ~MVGPU_SUBMIT_FLAGS || args->pad || args->pad2)
		return -EINVAL;
	if (args->queue >= mdev->num_queues || !args->command_dwords ||
	    args->command_dwords > MVGPU_DRM_MAX_SUBMIT_DWORDS ||
	    args->bo_count > MVGPU_DRM_MAX_SUBMIT_BOS)
		return -EINVAL;
	return 0;
}

/**
 * mvgpu_submit_ioctl() - DRM_IOCTL_MVGPU_SUBMIT
 * @drm: the DRM device
 * @data: struct drm_mvgpu_submit
 * @file: the DRM file
 *
 * See "Submission".
 *
 * Return: 0 or a negative errno (see the uapi header).
 */
int mvgpu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct mvgpu_device *mdev = to_mvgpu_device(drm);
	struct drm_mvgpu_submit *args = data;
	struct drm_syncobj *out_syncobj = NULL;
	struct mvgpu_va_range *ranges = NULL;
	struct mvgpu_fence *fence;
	u32 *cmds;
	int ret;

	ret = mvgpu_submit_check_args(mdev, args);
	if (ret)
		return ret;
	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence)
		return -ENOMEM;
	ret = mvgpu_submit_lookup(file, args, fence, &ranges);
	if (ret)
		goto out_put_bos;
	cmds = mvgpu_submit_commands(mdev, args, ranges);
	if (IS_ERR(cmds)) {
		ret = PTR_ERR(cmds);
		goto out_free_ranges;
	}
	if (args->flags & MVGPU_SUBMIT_OUT_SYNCOBJ) {
		out_syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto out_free_cmds;
		}
	}
	ret = mvgpu_submit_in_fence(file, args);
	if (ret)
		goto out_put_syncobj;

	ret = mvgpu_queue_push(&mdev->queues[args->queue], cmds,
			       args->command_dwords, fence);
	if (ret)
		goto out_put_syncobj;
	args->seqno = fence->base.seqno;
	if (out_syncobj) {
		drm_syncobj_replace_fence(out_syncobj, &fence->base);
		drm_syncobj_put(out_syncobj);
	}
	kvfree(cmds);
	kvfree(ranges);
	/* The pending list and the history hold the fence now. */
	dma_fence_put(&fence->base);
	return 0;

out_put_syncobj:
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
out_free_cmds:
	kvfree(cmds);
out_free_ranges:
	kvfree(ranges);
out_put_bos:
	mvgpu_fence_put_bos(fence);
	kfree(fence);
	return ret;
}

/* The fence of (queue, seqno) with a reference, or NULL if long retired. */
static struct mvgpu_fence *mvgpu_fence_lookup(struct mvgpu_queue *queue,
					      u64 seqno)
{
	struct mvgpu_fence *fence, *found = NULL;

	spin_lock_irq(&queue->fence_lock);
	fence = queue->history[seqno % MVGPU_DRM_FENCE_HISTORY];
	if (fence && fence->base.seqno == seqno) {
		found = fence;
	} else {
		list_for_each_entry(fence, &queue->pending, link) {
			if (fence->base.seqno == seqno) {
				found = fence;
				break;
			}
		}
	}
	if (found)
		dma_fence_get(&found->base);
	spin_unlock_irq(&queue->fence_lock);
	return found;
}

/**
 * mvgpu_wait_ioctl() - DRM_IOCTL_MVGPU_WAIT
 * @drm: the DRM device
 * @data: struct drm_mvgpu_wait
 * @file: the DRM file
 *
 * Waits for the submit @seqno of @queue. A submit older than the last
 * MVGPU_DRM_FENCE_HISTORY of its queue that is no longer pending has
 * completed; its error is no longer known and it reads as success.
 *
 * Return: 0, -ETIME, -EIO, -EINVAL, or -ERESTARTSYS when interrupted.
 */
int mvgpu_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct mvgpu_device *mdev = to_mvgpu_device(drm);
	struct drm_mvgpu_wait *args = data;
	struct mvgpu_queue *queue;
	struct mvgpu_fence *fence;
	unsigned long timeout;
	long ret;

	if (args->flags || args->queue >= mdev->num_queues ||
	    args->timeout_ns < 0)
		return -EINVAL;
	queue = &mdev->queues[args->queue];
	if (!args->seqno || args->seqno > READ_ONCE(queue->last_seqno))
		return -EINVAL;
	fence = mvgpu_fence_lookup(queue, args->seqno);
	if (!fence)
		return 0;

	timeout = nsecs_to_jiffies64(args->timeout_ns);
	if (timeout > MAX_SCHEDULE_TIMEOUT)
		timeout = MAX_SCHEDULE_TIMEOUT;
	ret = dma_fence_wait_timeout(&fence->base, true, timeout);
	if (ret == 0)
		ret = -ETIME;
	else if (ret > 0)
		ret = fence->base.error ? -EIO : 0;
	dma_fence_put(&fence->base);
	return ret;
}

static void mvgpu_queue_fini(struct mvgpu_queue *queue)
{
	struct mvgpu_device *mdev = queue->mdev;
	u32 i;

	if (!queue->ring)
		return;
	mutex_lock(&queue->submit_lock);
	mvgpu_write(mdev, MVGPU_REG_QUEUE(queue->index) + MVGPU_Q_CONTROL,
		    MVGPU_Q_CONTROL_RESET);
	mvgpu_queue_retire(queue, 0);
	mvgpu_queue_retire(queue, -ENODEV);
	mutex_unlock(&queue->submit_lock);
	for (i = 0; i < MVGPU_DRM_FENCE_HISTORY; i++)
		if (queue->history[i])
			dma_fence_put(&queue->history[i]->base);
	dma_free_coherent(&mdev->pdev->dev, MVGPU_DRM_RING_SIZE, queue->ring,
			  queue->ring_dma);
	queue->ring = NULL;
	mutex_destroy(&queue->submit_lock);
}

static int mvgpu_queue_init(struct mvgpu_device *mdev, u32 index)
{
	struct mvgpu_queue *queue = &mdev->queues[index];
	int ret;

	queue->mdev = mdev;
	queue->index = index;
	queue->fence_context = dma_fence_context_alloc(1);
	mutex_init(&queue->submit_lock);
	spin_lock_init(&queue->fence_lock);
	INIT_LIST_HEAD(&queue->pending);
	init_waitqueue_head(&queue->space_wait);
	queue->fence_slot = (__le64 *)mdev->status + index;
	queue->fence_slot_va = MVGPU_VA_SYSMEM + mdev->status_dma +
			       index * sizeof(__le64);
	queue->ring = dma_alloc_coherent(&mdev->pdev->dev, MVGPU_DRM_RING_SIZE,
					 &queue->ring_dma, GFP_KERNEL);
	if (!queue->ring) {
		mutex_destroy(&queue->submit_lock);
		return -ENOMEM;
	}

	mutex_lock(&queue->submit_lock);
	ret = mvgpu_queue_hw_init(queue);
	mutex_unlock(&queue->submit_lock);
	if (ret)
		mvgpu_queue_fini(queue);
	return ret;
}

/**
 * mvgpu_submit_init() - allocate and enable the queues' rings
 * @mdev: the device, with @num_queues set
 *
 * Return: 0 or a negative errno.
 */
int mvgpu_submit_init(struct mvgpu_device *mdev)
{
	u32 i;
	int ret;

	mutex_init(&mdev->recovery_lock);
	INIT_WORK(&mdev->recovery_work, mvgpu_recovery_work);
	INIT_DELAYED_WORK(&mdev->hangcheck_work, mvgpu_hangcheck_work);
	mdev->reset_count = mvgpu_read(mdev, MVGPU_REG_RESET_COUNT);

	mdev->status = dma_alloc_coherent(&mdev->pdev->dev, PAGE_SIZE,
					  &mdev->status_dma, GFP_KERNEL);
	if (!mdev->status)
		return -ENOMEM;
	for (i = 0; i < mdev->num_queues; i++) {
		ret = mvgpu_queue_init(mdev, i);
		if (ret)
			goto out_fini_queues;
	}
	return 0;

out_fini_queues:
	while (i--)
		mvgpu_queue_fini(&mdev->queues[i]);
	dma_free_coherent(&mdev->pdev->dev, PAGE_SIZE, mdev->status,
			  mdev->status_dma);
	return ret;
}

/**
 * mvgpu_submit_fini() - stop the queues, fail pending work, free the rings
 * @mdev: the device; interrupts are already off
 */
void mvgpu_submit_fini(struct mvgpu_device *mdev)
{
	u32 i;

	cancel_work_sync(&mdev->recovery_work);
	cancel_delayed_work_sync(&mdev->hangcheck_work);
	for (i = 0; i < mdev->num_queues; i++)
		mvgpu_queue_fini(&mdev->queues[i]);
	dma_free_coherent(&mdev->pdev->dev, PAGE_SIZE, mdev->status,
			  mdev->status_dma);
	mutex_destroy(&mdev->recovery_lock);
}

/**
 * mvgpu_irq_init() - request the interrupt (MSI, else INTx) and enable it
 * @mdev: the device
 *
 * Return: 0 or a negative errno.
 */
int mvgpu_irq_init(struct mvgpu_device *mdev)
{
	struct pci_dev *pdev = mdev->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1,
				    PCI_IRQ_MSI | MVGPU_PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	mdev->irq = pci_irq_vector(pdev, 0);
	ret = request_threaded_irq(mdev->irq, mvgpu_irq_handler,
				   mvgpu_irq_thread, IRQF_SHARED, "mvgpu", mdev);
	if (ret) {
		pci_free_irq_vectors(pdev);
		return ret;
	}
	drm_info(&mdev->drm, "interrupt %d (%s)\n", mdev->irq,
		 pdev->msi_enabled ? "MSI" : "INTx");
	mvgpu_irq_hw_init(mdev);
	return 0;
}

/**
 * mvgpu_irq_fini() - mask the device's interrupts and free the IRQ
 * @mdev: the device
 */
void mvgpu_irq_fini(struct mvgpu_device *mdev)
{
	mvgpu_write(mdev, MVGPU_REG_INT_MASK, 0);
	free_irq(mdev->irq, mdev);
	pci_free_irq_vectors(mdev->pdev);
	cancel_work_sync(&mdev->hotplug_work);
}
