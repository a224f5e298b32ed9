// SPDX-License-Identifier: GPL-2.0-only
/*
 * vGPU command queues: queue registers, doorbells and backend events.
 */

/**
 * DOC: Queues
 *
 * Queue q of a vGPU is hardware queue part.queues[q] of its pGPU. The guest
 * programs a ring (GPU VA and size) and enables the queue; the core checks
 * the ring lies inside the vGPU's VRAM or guest-memory window and hands it
 * to the backend. A doorbell (tail write) is checked (inside the ring,
 * dword aligned) and forwarded. Anything wrong stops only that queue with
 * an error code in its registers and in the error block, and raises
 * MVGPU_INT_ERROR; disabling or resetting the queue clears the error.
 * Engine events (fence completed, queue error) come back through
 * mvgpu_hw_fence_signalled() and mvgpu_hw_queue_error().
 *
 * A doorbell also makes the vGPU runnable for the engine scheduler
 * (mvgpu_sched.c). The hang watchdog (mvgpu_watchdog.c) samples the
 * queues' progress and stops a hung one as if it had failed with
 * MVGPU_ERR_HANG.
 */

#include <linux/bits.h>
#include <linux/log2.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>

#include <uapi/mvgpu/mvgpu_cmds.h>
#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_core.h"
#include "mvgpu_irq.h"
#include "mvgpu_trace.h"

static struct mvgpu_hw_queue *mvgpu_queue_hwq(struct mvgpu_vgpu *vgpu, u32 q)
{
	return vgpu->hw_queues[q];
}

static struct mvgpu_hw_queue_status mvgpu_queue_hw_status(struct mvgpu_vgpu *vgpu,
							  u32 q)
{
	struct mvgpu_hw_queue_status st = {};

	vgpu->pgpu->ops->queue_status(mvgpu_queue_hwq(vgpu, q), &st);
	return st;
}

/**
 * mvgpu_queue_reg() - whether a BAR0 offset is in the queue blocks
 * @offset: BAR0 byte offset
 *
 * Return: true for offsets of MVGPU_MAX_QUEUES queue blocks.
 */
bool mvgpu_queue_reg(u32 offset)
{
	return offset >= MVGPU_REG_QUEUE_BASE &&
	       offset < MVGPU_REG_QUEUE(MVGPU_MAX_QUEUES);
}

static void mvgpu_queue_raise_error_locked(struct mvgpu_vgpu *vgpu, u32 q,
					   u32 reason, u64 addr)
{
	struct mvgpu_queue *queue = &vgpu->queues[q];
	struct mvgpu_error_log *log = &vgpu->regs.error;

	lockdep_assert_held(&vgpu->state_lock);
	queue->error = reason;
	queue->fault_addr = addr;
	if (!log->reason) {
		log->reason = reason;
		log->queue = q;
		log->addr = addr;
	}
	vgpu->regs.int_status |= MVGPU_INT_ERROR;
	mvgpu_irq_update_locked(vgpu, MVGPU_INT_ERROR);
}

static void mvgpu_queue_raise_error(struct mvgpu_vgpu *vgpu, u32 q,
				    u32 reason, u64 addr)
{
	mutex_lock(&vgpu->state_lock);
	mvgpu_queue_raise_error_locked(vgpu, q, reason, addr);
	mutex_unlock(&vgpu->state_lock);
}

static bool mvgpu_ring_valid(struct mvgpu_vgpu *vgpu, u64 base, u32 size)
{
	u64 end;

	if (!is_power_of_2(size) || size < MVGPU_RING_SIZE_MIN ||
	    size > MVGPU_RING_SIZE_MAX || !IS_ALIGNED(base, MVGPU_RING_SIZE_MIN))
		return false;
	if (check_add_overflow(base, (u64)size, &end))
		return false;
	if (end <= vgpu->bar2_size)
		return true;
	return base >= MVGPU_VA_SYSMEM &&
	       end <= MVGPU_VA_SYSMEM + MVGPU_VA_SYSMEM_SIZE;
}

/* queue_lock held. Stops the backend queue and forgets its progress. */
static void mvgpu_queue_disable_locked(struct mvgpu_vgpu *vgpu, u32 q)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	struct mvgpu_queue *queue = &vgpu->queues[q];

	lockdep_assert_held(&vgpu->queue_lock);
	if (queue->enabled)
		pgpu->ops->queue_disable(mvgpu_queue_hwq(vgpu, q));
	queue->enabled = false;
	queue->tail = 0;
	mutex_lock(&vgpu->state_lock);
	queue->error = 0;
	queue->fault_addr = 0;
	mutex_unlock(&vgpu->state_lock);
}

static void mvgpu_queue_enable_locked(struct mvgpu_vgpu *vgpu, u32 q)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	struct mvgpu_queue *queue = &vgpu->queues[q];
	int ret;

	lockdep_assert_held(&vgpu->queue_lock);
	if (queue->enabled)
		return;
	if (!mvgpu_ring_valid(vgpu, queue->ring_base, queue->ring_size)) {
		mvgpu_queue_raise_error(vgpu, q, MVGPU_ERR_RING_CONFIG,
					queue->ring_base);
		return;
	}
	ret = pgpu->ops->queue_enable(mvgpu_queue_hwq(vgpu, q),
				      queue->ring_base,
				      queue->ring_size);
	if (ret) {
		dev_warn(pgpu->dev, "mvgpu: backend refused queue %u: %d\n",
			 q, ret);
		mvgpu_queue_raise_error(vgpu, q, MVGPU_ERR_RING_CONFIG,
					queue->ring_base);
		return;
	}
	queue->tail = 0;
	queue->enabled = true;
	queue->wd_since = 0;
	/* A fresh start: the error a disabled queue kept is forgotten. */
	mutex_lock(&vgpu->state_lock);
	queue->error = 0;
	queue->fault_addr = 0;
	mutex_unlock(&vgpu->state_lock);
}

static void mvgpu_queue_doorbell_locked(struct mvgpu_vgpu *vgpu, u32 q,
					u32 tail)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;
	struct mvgpu_queue *queue = &vgpu->queues[q];
	bool stopped;

	lockdep_assert_held(&vgpu->queue_lock);
	mutex_lock(&vgpu->state_lock);
	stopped = queue->error;
	mutex_unlock(&vgpu->state_lock);
	/* A doorbell on a stopped queue does nothing, as on hardware. */
	if (!queue->enabled || stopped)
		return;
	/*
	 * TAIL equal to the ring size is outside the ring too. The queue
	 * stops at once, its pending work dropped (HEAD reads 0), and stays
	 * enabled with the error, like a queue stopped by any other error.
	 */
	if (tail >= queue->ring_size || !IS_ALIGNED(tail, sizeof(u32))) {
		pgpu->ops->queue_disable(mvgpu_queue_hwq(vgpu, q));
		mvgpu_queue_raise_error(vgpu, q, MVGPU_ERR_BAD_DOORBELL, tail);
		return;
	}
	queue->tail = tail;
	pgpu->ops->queue_doorbell(mvgpu_queue_hwq(vgpu, q), tail);
	mvgpu_vgpu_sched_kick(vgpu);
}

static void mvgpu_queue_control_locked(struct mvgpu_vgpu *vgpu, u32 q,
				       u32 val)
{
	if (val & MVGPU_Q_CONTROL_RESET) {
		mvgpu_queue_disable_locked(vgpu, q);
		vgpu->queues[q].ring_base = 0;
		vgpu->queues[q].ring_size = 0;
		mutex_lock(&vgpu->state_lock);
		vgpu->queues[q].fence = 0;
		mutex_unlock(&vgpu->state_lock);
		return;
	}
	if (val & MVGPU_Q_CONTROL_ENABLE)
		mvgpu_queue_enable_locked(vgpu, q);
	else
		mvgpu_queue_disable_locked(vgpu, q);
}

static bool mvgpu_queue_decode(struct mvgpu_vgpu *vgpu, u32 offset, u32 *q,
			       u32 *reg)
{
	*q = (offset - MVGPU_REG_QUEUE_BASE) / MVGPU_REG_QUEUE_STRIDE;
	*reg = (offset - MVGPU_REG_QUEUE_BASE) % MVGPU_REG_QUEUE_STRIDE;
	/* Blocks of queues the vGPU does not have read 0, ignore writes. */
	return *q < vgpu->part.num_queues;
}

/**
 * mvgpu_queue_write() - emulate a write to a queue register
 * @vgpu: the vGPU; no lock held
 * @offset: BAR0 offset inside the queue blocks
 * @val: value written
 *
 * Process context, may sleep (disabling a queue waits for its engine).
 */
void mvgpu_queue_write(struct mvgpu_vgpu *vgpu, u32 offset, u32 val)
{
	struct mvgpu_queue *queue;
	u32 q, reg;

	if (!mvgpu_queue_decode(vgpu, offset, &q, &reg))
		return;
	queue = &vgpu->queues[q];

	mutex_lock(&vgpu->queue_lock);
	switch (reg) {
	case MVGPU_Q_RING_BASE_LO:
		if (!queue->enabled)
			queue->ring_base = (queue->ring_base & GENMASK_ULL(63, 32)) | val;
		break;
	case MVGPU_Q_RING_BASE_HI:
		if (!queue->enabled)
			queue->ring_base = lower_32_bits(queue->ring_base) |
					   (u64)val << 32;
		break;
	case MVGPU_Q_RING_SIZE:
		if (!queue->enabled)
			queue->ring_size = val;
		break;
	case MVGPU_Q_TAIL:
		mvgpu_queue_doorbell_locked(vgpu, q, val);
		break;
	case MVGPU_Q_CONTROL:
		mvgpu_queue_control_locked(vgpu, q, val);
		break;
	default:
		break;
	}
	mutex_unlock(&vgpu->queue_lock);
}

static u32 mvgpu_queue_status(struct mvgpu_vgpu *vgpu, u32 q, bool error)
{
	u32 status = 0;

	if (vgpu->queues[q].enabled) {
		status |= MVGPU_Q_STATUS_ENABLED;
		/* A queue stopped on an error executes nothing: never busy. */
		if (!error && mvgpu_queue_hw_status(vgpu, q).busy)
			status |= MVGPU_Q_STATUS_BUSY;
	}
	if (error)
		status |= MVGPU_Q_STATUS_ERROR;
	return status;
}

/**
 * mvgpu_queue_read() - emulate a read of a queue register
 * @vgpu: the vGPU; no lock held
 * @offset: BAR0 offset inside the queue blocks
 * @val: the value read
 *
 * Process context. Return: 0.
 */
int mvgpu_queue_read(struct mvgpu_vgpu *vgpu, u32 offset, u32 *val)
{
	struct mvgpu_queue *queue;
	u32 q, reg, error;
	u64 fence, fault;

	*val = 0;
	if (!mvgpu_queue_decode(vgpu, offset, &q, &reg))
		return 0;
	queue = &vgpu->queues[q];

	mutex_lock(&vgpu->queue_lock);
	mutex_lock(&vgpu->state_lock);
	error = queue->error;
	fence = queue->fence;
	fault = queue->fault_addr;
	mutex_unlock(&vgpu->state_lock);

	switch (reg) {
	case MVGPU_Q_RING_BASE_LO:
		*val = lower_32_bits(queue->ring_base);
		break;
	case MVGPU_Q_RING_BASE_HI:
		*val = upper_32_bits(queue->ring_base);
		break;
	case MVGPU_Q_RING_SIZE:
		*val = queue->ring_size;
		break;
	case MVGPU_Q_HEAD:
		if (queue->enabled)
			*val = mvgpu_queue_hw_status(vgpu, q).head;
		break;
	case MVGPU_Q_TAIL:
		*val = queue->tail;
		break;
	case MVGPU_Q_CONTROL:
		*val = queue->enabled ? MVGPU_Q_CONTROL_ENABLE : 0;
		break;
	case MVGPU_Q_STATUS:
		*val = mvgpu_queue_status(vgpu, q, error);
		break;
	case MVGPU_Q_ERROR:
		*val = error;
		break;
	case MVGPU_Q_FENCE_LO:
		*val = lower_32_bits(fence);
		break;
	case MVGPU_Q_FENCE_HI:
		*val = upper_32_bits(fence);
		break;
	case MVGPU_Q_FAULT_ADDR_LO:
		*val = lower_32_bits(fault);
		break;
	case MVGPU_Q_FAULT_ADDR_HI:
		*val = upper_32_bits(fault);
		break;
	default:
		break;
	}
	mutex_unlock(&vgpu->queue_lock);
	return 0;
}

/**
 * mvgpu_queues_stop() - disable every queue of a vGPU and clear its state
 * @vgpu: the vGPU; no lock held
 *
 * On return no engine runs work of the vGPU. Process context, may sleep.
 */
void mvgpu_queues_stop(struct mvgpu_vgpu *vgpu)
{
	u32 q;

	mutex_lock(&vgpu->queue_lock);
	for (q = 0; q < vgpu->part.num_queues; q++) {
		mvgpu_queue_disable_locked(vgpu, q);
		vgpu->queues[q].ring_base = 0;
		vgpu->queues[q].ring_size = 0;
	}
	mutex_lock(&vgpu->state_lock);
	for (q = 0; q < vgpu->part.num_queues; q++)
		vgpu->queues[q].fence = 0;
	mutex_unlock(&vgpu->state_lock);
	mutex_unlock(&vgpu->queue_lock);
}

/**
 * mvgpu_queue_running_locked() - whether a queue may have work to run
 * @vgpu: the vGPU, &mvgpu_vgpu.queue_lock held
 * @q: queue index
 *
 * Return: the queue is enabled and not stopped on an error.
 */
bool mvgpu_queue_running_locked(struct mvgpu_vgpu *vgpu, u32 q)
{
	struct mvgpu_queue *queue = &vgpu->queues[q];
	bool stopped;

	lockdep_assert_held(&vgpu->queue_lock);
	mutex_lock(&vgpu->state_lock);
	stopped = queue->error;
	mutex_unlock(&vgpu->state_lock);
	return queue->enabled && !stopped;
}

/**
 * mvgpu_queue_progress_locked() - how far the backend got with a queue
 * @vgpu: the vGPU, &mvgpu_vgpu.queue_lock held
 * @q: index of a running queue (mvgpu_queue_running_locked())
 * @progress: the backend's progress counter of the queue
 *
 * Return: whether the queue has work left (the backend says it is busy).
 */
bool mvgpu_queue_progress_locked(struct mvgpu_vgpu *vgpu, u32 q, u64 *progress)
{
	struct mvgpu_hw_queue_status st;

	lockdep_assert_held(&vgpu->queue_lock);
	st = mvgpu_queue_hw_status(vgpu, q);
	*progress = st.progress;
	return st.busy;
}

/**
 * mvgpu_queue_stop_hung_locked() - stop a queue that made no progress
 * @vgpu: the vGPU, &mvgpu_vgpu.queue_lock held
 * @q: queue index
 *
 * The backend drops the queue's work (HEAD reads 0) and the guest sees
 * MVGPU_ERR_HANG like any other queue error (queue error, error block,
 * interrupt): it disables and re-enables the queue to use it again.
 * Process context, may sleep.
 */
void mvgpu_queue_stop_hung_locked(struct mvgpu_vgpu *vgpu, u32 q)
{
	struct mvgpu_pgpu *pgpu = vgpu->pgpu;

	lockdep_assert_held(&vgpu->queue_lock);
	pgpu->ops->queue_disable(mvgpu_queue_hwq(vgpu, q));
	mvgpu_queue_raise_error(vgpu, q, MVGPU_ERR_HANG, 0);
}

void mvgpu_hw_fence_signalled(struct mvgpu_hw_queue *q, u64 value, bool irq)
{
	struct mvgpu_vgpu *vgpu = READ_ONCE(q->vgpu);
	u32 index = q->index;

	if (WARN_ON_ONCE(!vgpu))
		return;
	trace_mvgpu_job_complete(vgpu->pgpu->sched.id, vgpu->part.context,
				 q->id, value);
	mutex_lock(&vgpu->state_lock);
	vgpu->queues[index].fence = value;
	if (irq) {
		vgpu->regs.fence_pending |= BIT_ULL(index);
		vgpu->regs.int_status |= MVGPU_INT_FENCE;
		mvgpu_irq_update_locked(vgpu, MVGPU_INT_FENCE);
	}
	mutex_unlock(&vgpu->state_lock);
}
EXPORT_SYMBOL_GPL(mvgpu_hw_fence_signalled);

void mvgpu_hw_queue_error(struct mvgpu_hw_queue *q, u32 reason, u64 addr)
{
	struct mvgpu_vgpu *vgpu = READ_ONCE(q->vgpu);

	if (WARN_ON_ONCE(!vgpu))
		return;
	dev_dbg(vgpu->vdev.dev, "mvgpu: queue %u stopped: error %u at 0x%llx\n",
		q->index, reason, addr);
	mvgpu_queue_raise_error(vgpu, q->index, reason, addr);
	mvgpu_vgpu_sched_count(vgpu, 1, 0);
}
EXPORT_SYMBOL_GPL(mvgpu_hw_queue_error);
