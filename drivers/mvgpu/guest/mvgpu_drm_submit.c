// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: command submission, fences, interrupts and
 * recovery.
 */

/**
 * DOC: Submission
 *
 * Each queue the driver uses has a ring of MVDRM_RING_SIZE bytes in
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
 */

/**
 * DOC: Recovery
 *
 * A queue the device stopped (ERROR interrupt: bad packet, page fault,
 * MVGPU_ERR_HANG from the host's watchdog) or the periodic check found hung
 * is recovered in process context: the queue is reset (CONTROL.RESET) and
 * the driver waits until STATUS shows it neither enabled nor busy, so the
 * engine no longer touches its memory; then its completed fences signal
 * normally, every other pending fence of the queue fails with -EIO and
 * releases its objects, its ring is programmed again and enabled, and
 * submits continue on it. A queue that does not stop keeps its work until
 * the next check. A reset of the
 * whole vGPU (from the guest's PCI reset, or one the host did, noticed as
 * a change of RESET_COUNT by the periodic check) is recovered the same way
 * for every queue, after restoring the interrupt mask and the display
 * plane; VRAM contents are lost in a vGPU reset. Each recovery counts in
 * MVGPU_PARAM_RESETS.
 */

#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include <uapi/mvgpu/mvgpu_cmds.h>
#include <uapi/mvgpu/mvgpu_drm.h>

#include "mvgpu_drm.h"
#include "mvgpu_drm_compat.h"
#include "mvgpu_drm_validate.h"

#define MVDRM_FENCE_DWORDS	(sizeof(struct mvgpu_cmd_fence) / 4)
#define MVDRM_HANGCHECK_PERIOD	msecs_to_jiffies(1000)
/* How long a queue reset may take to stop the engine. */
#define MVDRM_QUEUE_STOP_US	(2 * USEC_PER_SEC)

static unsigned int hang_timeout_ms = 30000;
module_param(hang_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hang_timeout_ms,
		 "reset a queue whose work makes no progress for this long (ms, 0: never; default 30000)");

static const char *mvdrm_fence_get_driver_name(struct dma_fence *fence)
{
	return "mvgpu";
}

static const char *mvdrm_fence_get_timeline_name(struct dma_fence *fence)
{
	return "mvgpu-queue";
}

static const struct dma_fence_ops mvdrm_fence_ops = {
	MVDRM_FENCE_OPS_SEQNO64
	.get_driver_name = mvdrm_fence_get_driver_name,
	.get_timeline_name = mvdrm_fence_get_timeline_name,
};

/*
 * Drop the submit's object references. @bos may be filled only in part
 * (a failed lookup): its other entries are NULL.
 */
static void mvdrm_fence_put_bos(struct mvdrm_fence *fence)
{
	u32 i;

	for (i = 0; i < fence->bo_count; i++)
		if (fence->bos[i])
			drm_gem_object_put(fence->bos[i]);
	kvfree(fence->bos);
	fence->bos = NULL;
	fence->bo_count = 0;
}

/*
 * Signal the queue's fences the engine completed; with @error, fail every
 * other pending fence with it too. Then release the finished submits'
 * objects. Failing work the engine may still run would hand its memory
 * back while the engine writes it: with @error the queue must have been
 * stopped by mvdrm_queue_stop() (under @submit_lock). Process context.
 */
static void mvdrm_queue_retire(struct mvdrm_queue *queue, int error)
{
	struct mvdrm_fence *fence, *next;
	unsigned long flags;
	LIST_HEAD(done);
	u64 completed;

	if (error) {
		lockdep_assert_held(&queue->submit_lock);
		drm_WARN_ON_ONCE(&queue->mdrm->drm, !queue->stopped);
	}
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
		mvdrm_fence_put_bos(fence);
		dma_fence_put(&fence->base);
	}
	wake_up_all(&queue->space_wait);
}

/* Neither enabled nor busy, or all ones: the device is gone. */
static bool mvdrm_queue_idle(u32 status)
{
	return status == U32_MAX ||
	       !(status & (MVGPU_Q_STATUS_ENABLED | MVGPU_Q_STATUS_BUSY));
}

/*
 * Reset the queue on the device and wait until its engine no longer runs
 * it: only then may its pending work be failed and its memory freed.
 * Return: 0, or -ETIMEDOUT when the device still shows the queue enabled
 * or busy after MVDRM_QUEUE_STOP_US.
 */
static int mvdrm_queue_stop(struct mvdrm_queue *queue)
{
	struct mvdrm_device *mdrm = queue->mdrm;
	u32 base = MVGPU_REG_QUEUE(queue->index);
	u32 status;
	int ret;

	lockdep_assert_held(&queue->submit_lock);
	mvdrm_write(mdrm, base + MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	ret = read_poll_timeout(mvdrm_read, status, mvdrm_queue_idle(status),
				USEC_PER_MSEC, MVDRM_QUEUE_STOP_US, false, mdrm,
				base + MVGPU_Q_STATUS);
	if (ret) {
		drm_err(&mdrm->drm, "queue %u does not stop: status 0x%x\n",
			queue->index, status);
		return ret;
	}
	queue->stopped = true;
	return 0;
}

/* Program the queue's ring and enable it. */
static int mvdrm_queue_hw_init(struct mvdrm_queue *queue)
{
	struct mvdrm_device *mdrm = queue->mdrm;
	u32 base = MVGPU_REG_QUEUE(queue->index);
	u64 ring_va = MVGPU_VA_SYSMEM + queue->ring_dma;

	lockdep_assert_held(&queue->submit_lock);
	mvdrm_write(mdrm, base + MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	queue->stopped = false;
	mvdrm_write(mdrm, base + MVGPU_Q_RING_BASE_LO, lower_32_bits(ring_va));
	mvdrm_write(mdrm, base + MVGPU_Q_RING_BASE_HI, upper_32_bits(ring_va));
	mvdrm_write(mdrm, base + MVGPU_Q_RING_SIZE, MVDRM_RING_SIZE);
	mvdrm_write(mdrm, base + MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
	queue->tail = 0;
	spin_lock_irq(&queue->fence_lock);
	queue->retired_head = 0;
	spin_unlock_irq(&queue->fence_lock);

	if (mvdrm_read(mdrm, base + MVGPU_Q_STATUS) & MVGPU_Q_STATUS_ERROR) {
		drm_err(&mdrm->drm, "queue %u refused its ring: error %u\n",
			queue->index, mvdrm_read(mdrm, base + MVGPU_Q_ERROR));
		return -EIO;
	}
	return 0;
}

/* Interrupt sources on, stale status and error state cleared. */
static void mvdrm_irq_hw_init(struct mvdrm_device *mdrm)
{
	mvdrm_write(mdrm, MVGPU_REG_INT_MASK, 0);
	mvdrm_write(mdrm, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	mvdrm_write(mdrm, MVGPU_REG_ERROR_REASON, 0);
	mvdrm_write(mdrm, MVGPU_REG_FENCE_PENDING_LO, U32_MAX);
	mvdrm_write(mdrm, MVGPU_REG_FENCE_PENDING_HI, U32_MAX);
	mvdrm_write(mdrm, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE |
		    MVGPU_INT_ERROR | MVGPU_INT_DISPLAY);
}

/*
 * Stop the queue's engine, then retire: what completed signals, the rest
 * fails with -EIO and its objects are released; then the ring starts
 * again, empty. A queue that does not stop keeps its work and objects,
 * and the next periodic check tries again. Return: whether it recovered.
 */
static bool mvdrm_queue_recover(struct mvdrm_queue *queue)
{
	bool recovered = false;

	mutex_lock(&queue->submit_lock);
	if (!mvdrm_queue_stop(queue)) {
		mvdrm_queue_retire(queue, 0);
		mvdrm_queue_retire(queue, -EIO);
		mvdrm_queue_hw_init(queue);
		recovered = true;
	}
	mutex_unlock(&queue->submit_lock);
	return recovered;
}

/*
 * Recover the queues whose STATUS shows an error or that are in @hung
 * (bit q: queue q), or every queue after a vGPU reset.
 */
static void mvdrm_recover(struct mvdrm_device *mdrm, bool device_reset,
			  unsigned long hung)
{
	u32 reason, count, i;
	bool recovered = false;

	mutex_lock(&mdrm->recovery_lock);
	count = mvdrm_read(mdrm, MVGPU_REG_RESET_COUNT);
	if (count != mdrm->reset_count)
		device_reset = true;
	reason = mvdrm_read(mdrm, MVGPU_REG_ERROR_REASON);
	if (reason != MVGPU_ERR_NONE) {
		dev_warn_ratelimited(mdrm->drm.dev,
				     "queue %u stopped: error %u at 0x%08x%08x\n",
				     mvdrm_read(mdrm, MVGPU_REG_ERROR_QUEUE),
				     reason,
				     mvdrm_read(mdrm, MVGPU_REG_ERROR_ADDR_HI),
				     mvdrm_read(mdrm, MVGPU_REG_ERROR_ADDR_LO));
		mvdrm_write(mdrm, MVGPU_REG_ERROR_REASON, 0);
	}
	if (device_reset) {
		drm_warn(&mdrm->drm, "vGPU reset (count %u): recovering\n",
			 count);
		WRITE_ONCE(mdrm->reset_count, count);
		mvdrm_irq_hw_init(mdrm);
		mvdrm_kms_restore(mdrm);
	}

	for (i = 0; i < mdrm->num_queues; i++) {
		struct mvdrm_queue *queue = &mdrm->queues[i];
		u32 status = mvdrm_read(mdrm, MVGPU_REG_QUEUE(i) +
					MVGPU_Q_STATUS);

		if (!device_reset && !(status & MVGPU_Q_STATUS_ERROR) &&
		    !test_bit(i, &hung))
			continue;
		if (mvdrm_queue_recover(queue))
			recovered = true;
	}
	if (recovered)
		atomic_inc(&mdrm->resets);
	mutex_unlock(&mdrm->recovery_lock);
}

/**
 * mvdrm_device_recover() - recover stopped queues, or the whole device
 * @mdrm: the device
 * @device_reset: the vGPU was reset: recover every queue and restore the
 *	interrupt mask and the display plane; otherwise recover the queues
 *	whose STATUS shows an error (and everything if RESET_COUNT changed)
 *
 * Process context; takes &mvdrm_device.recovery_lock and each recovered
 * queue's submit_lock. See "Recovery".
 */
void mvdrm_device_recover(struct mvdrm_device *mdrm, bool device_reset)
{
	mvdrm_recover(mdrm, device_reset, 0);
}

static void mvdrm_recovery_work(struct work_struct *work)
{
	struct mvdrm_device *mdrm = container_of(work, struct mvdrm_device,
						 recovery_work);

	mvdrm_device_recover(mdrm, false);
}

/* Oldest pending seqno of the queue, 0 when idle. */
static u64 mvdrm_queue_oldest(struct mvdrm_queue *queue)
{
	struct mvdrm_fence *fence;
	unsigned long flags;
	u64 seqno = 0;

	spin_lock_irqsave(&queue->fence_lock, flags);
	fence = list_first_entry_or_null(&queue->pending, struct mvdrm_fence,
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
static bool mvdrm_queue_hung(struct mvdrm_queue *queue, u64 oldest)
{
	u32 head = mvdrm_read(queue->mdrm, MVGPU_REG_QUEUE(queue->index) +
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
	drm_warn(&queue->mdrm->drm,
		 "queue %u: no progress for %u ms, resetting it\n",
		 queue->index, timeout);
	queue->watch_seqno = 0;
	return true;
}

static void mvdrm_hangcheck_work(struct work_struct *work)
{
	struct mvdrm_device *mdrm = container_of(to_delayed_work(work),
						 struct mvdrm_device,
						 hangcheck_work);
	unsigned long hung = 0;
	bool busy = false;
	u64 oldest;
	u32 i;

	for (i = 0; i < mdrm->num_queues; i++) {
		struct mvdrm_queue *queue = &mdrm->queues[i];

		mvdrm_queue_retire(queue, 0);
		oldest = mvdrm_queue_oldest(queue);
		if (!oldest) {
			queue->watch_seqno = 0;
			continue;
		}
		busy = true;
		if (mvdrm_queue_hung(queue, oldest))
			__set_bit(i, &hung);
	}
	if (!busy)
		return;
	if (mvdrm_read(mdrm, MVGPU_REG_RESET_COUNT) != READ_ONCE(mdrm->reset_count))
		mvdrm_recover(mdrm, true, 0);
	else if (hung)
		mvdrm_recover(mdrm, false, hung);
	schedule_delayed_work(&mdrm->hangcheck_work, MVDRM_HANGCHECK_PERIOD);
}

static irqreturn_t mvdrm_irq_handler(int irq, void *arg)
{
	struct mvdrm_device *mdrm = arg;
	u32 status;

	status = mvdrm_read(mdrm, MVGPU_REG_INT_STATUS);
	/* All ones: the device is gone (surprise removal). */
	if (!status || status == U32_MAX)
		return IRQ_NONE;
	mvdrm_write(mdrm, MVGPU_REG_INT_STATUS, status);
	atomic_or(status, &mdrm->irq_pending);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t mvdrm_irq_thread(int irq, void *arg)
{
	struct mvdrm_device *mdrm = arg;
	u32 status = atomic_xchg(&mdrm->irq_pending, 0);
	u64 fence_pending;
	u32 i;

	if (status & MVGPU_INT_FENCE) {
		fence_pending = mvdrm_read(mdrm, MVGPU_REG_FENCE_PENDING_LO) |
			(u64)mvdrm_read(mdrm, MVGPU_REG_FENCE_PENDING_HI) << 32;
		if (lower_32_bits(fence_pending))
			mvdrm_write(mdrm, MVGPU_REG_FENCE_PENDING_LO,
				    lower_32_bits(fence_pending));
		if (upper_32_bits(fence_pending))
			mvdrm_write(mdrm, MVGPU_REG_FENCE_PENDING_HI,
				    upper_32_bits(fence_pending));
		for (i = 0; i < mdrm->num_queues; i++)
			if (fence_pending & BIT_ULL(i))
				mvdrm_queue_retire(&mdrm->queues[i], 0);
	}
	if (status & MVGPU_INT_ERROR)
		schedule_work(&mdrm->recovery_work);
	if (status & MVGPU_INT_DISPLAY)
		schedule_work(&mdrm->hotplug_work);
	return IRQ_HANDLED;
}

/* Free ring bytes: one dword stays unused so full differs from empty. */
static u32 mvdrm_ring_free(struct mvdrm_queue *queue)
{
	u32 head = READ_ONCE(queue->retired_head);

	return (head - queue->tail - 4) & (MVDRM_RING_SIZE - 1);
}

/* Bytes a submit of @dwords takes at the current tail, padding included. */
static u32 mvdrm_ring_needed(struct mvdrm_queue *queue, u32 dwords)
{
	u32 bytes = (dwords + MVDRM_FENCE_DWORDS) * 4;

	if (queue->tail + bytes > MVDRM_RING_SIZE)
		bytes += MVDRM_RING_SIZE - queue->tail;
	return bytes;
}

static bool mvdrm_ring_fits(struct mvdrm_queue *queue, u32 dwords)
{
	return mvdrm_ring_free(queue) >= mvdrm_ring_needed(queue, dwords);
}

static void mvdrm_ring_emit(struct mvdrm_queue *queue, u32 dword)
{
	queue->ring[queue->tail / 4] = cpu_to_le32(dword);
	queue->tail = (queue->tail + 4) & (MVDRM_RING_SIZE - 1);
}

/* NOP packets from the tail to the ring's end. */
static void mvdrm_ring_pad(struct mvdrm_queue *queue)
{
	while (queue->tail) {
		u32 left = (MVDRM_RING_SIZE - queue->tail) / 4;
		u32 len = min_t(u32, left, MVGPU_CMD_MAX_DWORDS);
		u32 i;

		mvdrm_ring_emit(queue, MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, len));
		for (i = 1; i < len; i++)
			mvdrm_ring_emit(queue, 0);
	}
}

/*
 * Wait for ring space, enter the device (see drm_dev_enter(): the ring and
 * the registers exist until it is unplugged) and take the submit lock.
 * Return: 0 with *@idx to pass to drm_dev_exit(), -ENODEV after an
 * unplug, or -ERESTARTSYS.
 */
static int mvdrm_ring_reserve(struct mvdrm_queue *queue, u32 dwords, int *idx)
{
	struct drm_device *drm = &queue->mdrm->drm;
	int ret;

	for (;;) {
		if (!drm_dev_enter(drm, idx))
			return -ENODEV;
		ret = mutex_lock_interruptible(&queue->submit_lock);
		if (ret)
			goto out_exit;
		if (mvdrm_ring_fits(queue, dwords))
			return 0;
		mutex_unlock(&queue->submit_lock);
		drm_dev_exit(*idx);
		/*
		 * Recovery needs the lock to free a hung queue's ring, and an
		 * unplug waits for every section entered: sleep outside both.
		 * The unplug's teardown retires every fence, which wakes us.
		 */
		ret = wait_event_interruptible(queue->space_wait,
					       mvdrm_ring_fits(queue, dwords) ||
					       drm_dev_is_unplugged(drm));
		if (ret)
			return ret;
	}

out_exit:
	drm_dev_exit(*idx);
	return ret;
}

/*
 * Copy @cmds and a FENCE into the ring, publish @fence and ring the
 * doorbell. Takes the reference of the pending list and of the history.
 */
static int mvdrm_queue_push(struct mvdrm_queue *queue, const u32 *cmds,
			    u32 dwords, struct mvdrm_fence *fence)
{
	struct mvdrm_device *mdrm = queue->mdrm;
	struct mvdrm_fence *old;
	u64 seqno;
	u32 i;
	int idx, ret;

	ret = mvdrm_ring_reserve(queue, dwords, &idx);
	if (ret)
		return ret;

	if (queue->tail + (dwords + MVDRM_FENCE_DWORDS) * 4 >
	    MVDRM_RING_SIZE)
		mvdrm_ring_pad(queue);
	for (i = 0; i < dwords; i++)
		mvdrm_ring_emit(queue, cmds[i]);

	seqno = queue->last_seqno + 1;
	mvdrm_ring_emit(queue, MVGPU_CMD_HEADER(MVGPU_OP_FENCE, MVGPU_FENCE_IRQ,
						MVDRM_FENCE_DWORDS));
	mvdrm_ring_emit(queue, lower_32_bits(queue->fence_slot_va));
	mvdrm_ring_emit(queue, upper_32_bits(queue->fence_slot_va));
	mvdrm_ring_emit(queue, lower_32_bits(seqno));
	mvdrm_ring_emit(queue, upper_32_bits(seqno));

	mvdrm_fence_init64(&fence->base, &mvdrm_fence_ops, &queue->fence_lock,
			   queue->fence_context, seqno);
	fence->ring_end = queue->tail;
	WRITE_ONCE(queue->last_seqno, seqno);

	spin_lock_irq(&queue->fence_lock);
	list_add_tail(&fence->link, &queue->pending);
	dma_fence_get(&fence->base);
	old = queue->history[seqno % MVDRM_FENCE_HISTORY];
	queue->history[seqno % MVDRM_FENCE_HISTORY] = fence;
	dma_fence_get(&fence->base);
	spin_unlock_irq(&queue->fence_lock);
	if (old)
		dma_fence_put(&old->base);

	/* writel orders the ring writes before the doorbell. */
	mvdrm_write(mdrm, MVGPU_REG_QUEUE(queue->index) + MVGPU_Q_TAIL,
		    queue->tail);
	mutex_unlock(&queue->submit_lock);

	if (!delayed_work_pending(&mdrm->hangcheck_work))
		schedule_delayed_work(&mdrm->hangcheck_work,
				      MVDRM_HANGCHECK_PERIOD);
	drm_dev_exit(idx);
	return 0;
}

/* Look up the submit's objects and their GPU VA ranges. */
static int mvdrm_submit_lookup(struct drm_file *file,
			       const struct drm_mvgpu_submit *args,
			       struct mvdrm_fence *fence,
			       struct mvdrm_va_range **ranges_out)
{
	struct mvdrm_va_range *ranges;
	u32 i;
	int ret;

	*ranges_out = NULL;
	if (!args->bo_count)
		return 0;
	/*
	 * On an unknown handle drm_gem_objects_lookup() fails but leaves
	 * references on the objects found before it in the (zeroed) array:
	 * count them all, so that the caller's error path drops them.
	 */
	ret = drm_gem_objects_lookup(file, u64_to_user_ptr(args->bo_handles),
				     args->bo_count, &fence->bos);
	if (fence->bos)
		fence->bo_count = args->bo_count;
	if (ret)
		return ret;

	ranges = kvmalloc_array(args->bo_count, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < args->bo_count; i++) {
		ranges[i].start = to_mvdrm_bo(fence->bos[i])->gpu_va;
		ranges[i].size = fence->bos[i]->size;
	}
	*ranges_out = ranges;
	return 0;
}

/* Copy the packets from userspace and check them. */
static u32 *mvdrm_submit_commands(struct mvdrm_device *mdrm,
				  const struct drm_mvgpu_submit *args,
				  const struct mvdrm_va_range *ranges)
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
	ret = mvdrm_validate_commands(cmds, args->command_dwords, ranges,
				      args->bo_count, &bad);
	if (ret) {
		drm_dbg_driver(&mdrm->drm, "submit refused at dword %u\n", bad);
		goto out_free;
	}
	return cmds;

out_free:
	kvfree(cmds);
	return ERR_PTR(ret);
}

static int mvdrm_submit_in_fence(struct drm_file *file,
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

static int mvdrm_submit_check_args(struct mvdrm_device *mdrm,
				   const struct drm_mvgpu_submit *args)
{
	if (args->flags & ~MVGPU_SUBMIT_FLAGS || args->pad || args->pad2)
		return -EINVAL;
	if (args->queue >= mdrm->num_queues || !args->command_dwords ||
	    args->command_dwords > MVDRM_MAX_SUBMIT_DWORDS ||
	    args->bo_count > MVDRM_MAX_SUBMIT_BOS)
		return -EINVAL;
	return 0;
}

/**
 * mvdrm_submit_ioctl() - DRM_IOCTL_MVGPU_SUBMIT
 * @drm: the DRM device
 * @data: struct drm_mvgpu_submit
 * @file: the DRM file
 *
 * See "Submission".
 *
 * Return: 0 or a negative errno (see the uapi header).
 */
int mvdrm_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(drm);
	struct drm_mvgpu_submit *args = data;
	struct drm_syncobj *out_syncobj = NULL;
	struct mvdrm_va_range *ranges = NULL;
	struct mvdrm_fence *fence;
	u32 *cmds;
	int ret;

	ret = mvdrm_submit_check_args(mdrm, args);
	if (ret)
		return ret;
	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence)
		return -ENOMEM;
	ret = mvdrm_submit_lookup(file, args, fence, &ranges);
	if (ret)
		goto out_put_bos;
	cmds = mvdrm_submit_commands(mdrm, args, ranges);
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
	ret = mvdrm_submit_in_fence(file, args);
	if (ret)
		goto out_put_syncobj;

	ret = mvdrm_queue_push(&mdrm->queues[args->queue], cmds,
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
	mvdrm_fence_put_bos(fence);
	kfree(fence);
	return ret;
}

/* The fence of (queue, seqno) with a reference, or NULL if long retired. */
static struct mvdrm_fence *mvdrm_fence_lookup(struct mvdrm_queue *queue,
					      u64 seqno)
{
	struct mvdrm_fence *fence, *found = NULL;

	spin_lock_irq(&queue->fence_lock);
	fence = queue->history[seqno % MVDRM_FENCE_HISTORY];
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
 * mvdrm_wait_ioctl() - DRM_IOCTL_MVGPU_WAIT
 * @drm: the DRM device
 * @data: struct drm_mvgpu_wait
 * @file: the DRM file
 *
 * Waits for the submit @seqno of @queue. A submit older than the last
 * MVDRM_FENCE_HISTORY of its queue that is no longer pending has
 * completed; its error is no longer known and it reads as success.
 *
 * The fence is looked up inside drm_dev_enter(): the unplug's teardown
 * frees the history. A wait already under way ends when that teardown
 * fails the fence with -ENODEV (reported as -EIO).
 *
 * Return: 0, -ETIME, -EIO, -EINVAL, -ENODEV after an unplug, or
 * -ERESTARTSYS when interrupted.
 */
int mvdrm_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(drm);
	struct drm_mvgpu_wait *args = data;
	struct mvdrm_queue *queue;
	struct mvdrm_fence *fence;
	unsigned long timeout;
	long ret;
	int idx;

	if (args->flags || args->queue >= mdrm->num_queues ||
	    args->timeout_ns < 0)
		return -EINVAL;
	queue = &mdrm->queues[args->queue];
	if (!args->seqno || args->seqno > READ_ONCE(queue->last_seqno))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	fence = mvdrm_fence_lookup(queue, args->seqno);
	drm_dev_exit(idx);
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

static void mvdrm_queue_fini(struct mvdrm_queue *queue)
{
	struct mvdrm_device *mdrm = queue->mdrm;
	u32 i;

	if (!queue->ring)
		return;
	mutex_lock(&queue->submit_lock);
	/*
	 * The driver goes away whatever the device says: with a queue that
	 * does not stop, the error is logged and the memory freed anyway.
	 */
	if (mvdrm_queue_stop(queue))
		queue->stopped = true;
	mvdrm_queue_retire(queue, 0);
	mvdrm_queue_retire(queue, -ENODEV);
	mutex_unlock(&queue->submit_lock);
	for (i = 0; i < MVDRM_FENCE_HISTORY; i++) {
		if (queue->history[i])
			dma_fence_put(&queue->history[i]->base);
		queue->history[i] = NULL;
	}
	dma_free_coherent(&mdrm->pdev->dev, MVDRM_RING_SIZE, queue->ring,
			  queue->ring_dma);
	queue->ring = NULL;
	mutex_destroy(&queue->submit_lock);
}

static int mvdrm_queue_init(struct mvdrm_device *mdrm, u32 index)
{
	struct mvdrm_queue *queue = &mdrm->queues[index];
	int ret;

	queue->mdrm = mdrm;
	queue->index = index;
	queue->fence_context = dma_fence_context_alloc(1);
	mutex_init(&queue->submit_lock);
	spin_lock_init(&queue->fence_lock);
	INIT_LIST_HEAD(&queue->pending);
	init_waitqueue_head(&queue->space_wait);
	queue->fence_slot = (__le64 *)mdrm->status + index;
	queue->fence_slot_va = MVGPU_VA_SYSMEM + mdrm->status_dma +
			       index * sizeof(__le64);
	queue->ring = dma_alloc_coherent(&mdrm->pdev->dev, MVDRM_RING_SIZE,
					 &queue->ring_dma, GFP_KERNEL);
	if (!queue->ring) {
		mutex_destroy(&queue->submit_lock);
		return -ENOMEM;
	}

	mutex_lock(&queue->submit_lock);
	ret = mvdrm_queue_hw_init(queue);
	mutex_unlock(&queue->submit_lock);
	if (ret)
		mvdrm_queue_fini(queue);
	return ret;
}

/**
 * mvdrm_submit_init() - allocate and enable the queues' rings
 * @mdrm: the device, with @num_queues set
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_submit_init(struct mvdrm_device *mdrm)
{
	u32 i;
	int ret;

	mutex_init(&mdrm->recovery_lock);
	INIT_WORK(&mdrm->recovery_work, mvdrm_recovery_work);
	INIT_DELAYED_WORK(&mdrm->hangcheck_work, mvdrm_hangcheck_work);
	mdrm->reset_count = mvdrm_read(mdrm, MVGPU_REG_RESET_COUNT);

	mdrm->status = dma_alloc_coherent(&mdrm->pdev->dev, PAGE_SIZE,
					  &mdrm->status_dma, GFP_KERNEL);
	if (!mdrm->status)
		return -ENOMEM;
	for (i = 0; i < mdrm->num_queues; i++) {
		ret = mvdrm_queue_init(mdrm, i);
		if (ret)
			goto out_fini_queues;
	}
	return 0;

out_fini_queues:
	while (i--)
		mvdrm_queue_fini(&mdrm->queues[i]);
	dma_free_coherent(&mdrm->pdev->dev, PAGE_SIZE, mdrm->status,
			  mdrm->status_dma);
	return ret;
}

/**
 * mvdrm_submit_fini() - stop the queues, fail pending work, free the rings
 * @mdrm: the device; interrupts are already off
 */
void mvdrm_submit_fini(struct mvdrm_device *mdrm)
{
	u32 i;

	cancel_work_sync(&mdrm->recovery_work);
	cancel_delayed_work_sync(&mdrm->hangcheck_work);
	for (i = 0; i < mdrm->num_queues; i++)
		mvdrm_queue_fini(&mdrm->queues[i]);
	dma_free_coherent(&mdrm->pdev->dev, PAGE_SIZE, mdrm->status,
			  mdrm->status_dma);
	mutex_destroy(&mdrm->recovery_lock);
}

/**
 * mvdrm_irq_init() - request the interrupt (MSI, else INTx) and enable it
 * @mdrm: the device
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_irq_init(struct mvdrm_device *mdrm)
{
	struct pci_dev *pdev = mdrm->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1,
				    PCI_IRQ_MSI | MVDRM_PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	mdrm->irq = pci_irq_vector(pdev, 0);
	ret = request_threaded_irq(mdrm->irq, mvdrm_irq_handler,
				   mvdrm_irq_thread, IRQF_SHARED, "mvgpu", mdrm);
	if (ret) {
		pci_free_irq_vectors(pdev);
		return ret;
	}
	drm_info(&mdrm->drm, "interrupt %d (%s)\n", mdrm->irq,
		 pdev->msi_enabled ? "MSI" : "INTx");
	mvdrm_irq_hw_init(mdrm);
	return 0;
}

/**
 * mvdrm_irq_fini() - mask the device's interrupts and free the IRQ
 * @mdrm: the device
 */
void mvdrm_irq_fini(struct mvdrm_device *mdrm)
{
	mvdrm_write(mdrm, MVGPU_REG_INT_MASK, 0);
	free_irq(mdrm->irq, mdrm);
	pci_free_irq_vectors(mdrm->pdev);
	cancel_work_sync(&mdrm->hotplug_work);
}
