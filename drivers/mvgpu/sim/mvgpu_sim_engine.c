// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engines and hardware queues of the simulated pGPU.
 *
 * DOC: Engines
 *
 * Each pGPU runs one kernel thread per engine. A queue with work sits on
 * the pGPU's runnable list; an idle engine takes the first queue on it
 * that is ready and runs it alone (a queue is never on two engines, and a
 * queue belongs to one context, so one job never mixes vGPUs) until its
 * ring is empty, a WAIT does not hold, it fails, it is disabled, or its
 * time slice (module parameter slice_us) is over; a queue that still has
 * work then goes to the back of the list. Doorbells put queues on the list
 * and wake the engines.
 *
 * The ring is read through the context's address space like any other
 * memory. The engine decodes one packet at a time into the queue's job,
 * executes it in chunks of bounded work (MVGPU_SIM_CHUNK_*), and advances
 * the head past it when it completes. Between chunks it checks the slice
 * and whether the queue was disabled, so a long command is preempted at a
 * chunk boundary and resumed, on any engine, from the progress kept in the
 * job. The longest chunk each engine ran is in debugfs ("engines").
 *
 * A WAIT that does not hold leaves the queue busy on the list with a poll
 * time MVGPU_SIM_WAIT_POLL_NS away; engines sleep on an hrtimer until the
 * earliest such time when they have nothing else to do, so a waiting queue
 * costs one memory read per poll and never spins a CPU.
 *
 * A packet that fails validation or faults stops the queue: it keeps its
 * head at that packet, reports mvgpu_pgpu_queue_error() (with the faulting
 * GPU VA for MVGPU_ERR_PAGE_FAULT, 0 otherwise) and ignores doorbells
 * until it is disabled. Events are only reported by the engine that runs
 * the queue, and queue_disable waits for that engine to let go of it.
 */

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <mvgpu/mvgpu_backend.h>

#include "mvgpu_sim.h"

/**
 * enum mvgpu_sim_run_result - why an engine let go of a queue
 * @MVGPU_SIM_RUN_EMPTY: the ring is empty
 * @MVGPU_SIM_RUN_SLICE: the time slice is over, work remains
 * @MVGPU_SIM_RUN_WAIT: a WAIT does not hold yet
 * @MVGPU_SIM_RUN_ERROR: the queue stopped on an error (already reported)
 * @MVGPU_SIM_RUN_STOPPED: the queue was disabled
 */
enum mvgpu_sim_run_result {
	MVGPU_SIM_RUN_EMPTY,
	MVGPU_SIM_RUN_SLICE,
	MVGPU_SIM_RUN_WAIT,
	MVGPU_SIM_RUN_ERROR,
	MVGPU_SIM_RUN_STOPPED,
};

/**
 * mvgpu_sim_queue_is_native() - whether a queue is the host (native) queue
 * @q: the queue
 *
 * Return: true for the queue the core never sees.
 */
bool mvgpu_sim_queue_is_native(struct mvgpu_sim_queue *q)
{
	return q->id >= q->sim->num_queues;
}

/**
 * mvgpu_sim_queue_fence() - report a completed FENCE of a queue
 * @q: the queue, run by the calling engine
 * @value: the fence value, already in memory
 * @irq: the packet asked for an interrupt
 *
 * Engine thread; may sleep.
 */
void mvgpu_sim_queue_fence(struct mvgpu_sim_queue *q, u64 value, bool irq)
{
	struct mvgpu_pgpu *pgpu = mvgpu_sim_pgpu(q->sim);

	WRITE_ONCE(q->last_fence, value);
	if (!mvgpu_sim_queue_is_native(q) && pgpu)
		mvgpu_pgpu_fence_signalled(pgpu, q->id, value, irq);
}

static void mvgpu_sim_queue_report_error(struct mvgpu_sim_queue *q)
{
	struct mvgpu_pgpu *pgpu = mvgpu_sim_pgpu(q->sim);

	dev_dbg(&q->sim->pdev->dev, "mvgpu_sim: queue %u stopped: error %u at 0x%llx, head 0x%x\n",
		q->id, q->err_reason, q->err_addr, q->head);
	if (!mvgpu_sim_queue_is_native(q) && pgpu)
		mvgpu_pgpu_queue_error(pgpu, q->id, q->err_reason, q->err_addr);
}

/* Stop @q on an error found while fetching or executing a packet. */
static enum mvgpu_sim_run_result mvgpu_sim_queue_fail(struct mvgpu_sim_queue *q,
						      u32 reason, u64 addr)
{
	q->err_reason = reason;
	q->err_addr = addr;
	mvgpu_sim_queue_report_error(q);
	return MVGPU_SIM_RUN_ERROR;
}

/*
 * Read and decode the packet at the head into q->job. Return: EMPTY,
 * ERROR (reported), or SLICE to mean "a job is ready".
 */
static enum mvgpu_sim_run_result
mvgpu_sim_queue_fetch(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	u32 head = q->head, tail = READ_ONCE(q->tail);
	u32 avail_tail = ((tail - head) & (q->ring_size - 1)) / 4;
	u32 avail_end = (q->ring_size - head) / 4;
	u32 dw[MVGPU_CMD_MAX_DWORDS];
	__le32 *raw = eng->src;
	u64 va = q->ring_va + head, fault;
	u32 len, reason, i;

	if (!avail_tail)
		return MVGPU_SIM_RUN_EMPTY;
	if (mvgpu_sim_as_read(q->ctx, va, raw, 4, &fault))
		return mvgpu_sim_queue_fail(q, MVGPU_ERR_PAGE_FAULT, fault);
	reason = mvgpu_sim_cmd_length(le32_to_cpu(raw[0]), avail_tail,
				      avail_end, &len);
	if (reason)
		return mvgpu_sim_queue_fail(q, reason, 0);
	if (len > 1 &&
	    mvgpu_sim_as_read(q->ctx, va + 4, raw + 1, (len - 1) * 4, &fault))
		return mvgpu_sim_queue_fail(q, MVGPU_ERR_PAGE_FAULT, fault);
	for (i = 0; i < len; i++)
		dw[i] = le32_to_cpu(raw[i]);

	memset(&q->job, 0, sizeof(q->job));
	reason = mvgpu_sim_cmd_decode(dw, len, &q->job.cmd);
	if (reason)
		return mvgpu_sim_queue_fail(q, reason, 0);
	q->job.active = true;
	return MVGPU_SIM_RUN_SLICE;
}

static void mvgpu_sim_engine_account(struct mvgpu_sim_engine *eng, u32 op,
				     u64 ns)
{
	spin_lock(&eng->stats_lock);
	eng->chunks++;
	eng->busy_ns += ns;
	if (ns > eng->max_chunk_ns) {
		eng->max_chunk_ns = ns;
		eng->max_chunk_op = op;
	}
	spin_unlock(&eng->stats_lock);
}

/* The packet at the head completed: move past it. */
static void mvgpu_sim_queue_advance(struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_device *sim = q->sim;

	spin_lock(&sim->sched_lock);
	WRITE_ONCE(q->head,
		   (q->head + q->job.cmd.dwords * 4) & (q->ring_size - 1));
	q->job.active = false;
	spin_unlock(&sim->sched_lock);
}

/* Run @q, owned by @eng, for at most one slice. */
static enum mvgpu_sim_run_result
mvgpu_sim_queue_run(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	u64 deadline = ktime_get_ns() + q->sim->slice_ns;
	enum mvgpu_sim_run_result ret;

	for (;;) {
		enum mvgpu_sim_step_result step;
		u64 start, end;

		if (!READ_ONCE(q->enabled))
			return MVGPU_SIM_RUN_STOPPED;
		if (!q->job.active) {
			ret = mvgpu_sim_queue_fetch(eng, q);
			if (ret != MVGPU_SIM_RUN_SLICE)
				return ret;
		}

		start = ktime_get_ns();
		step = mvgpu_sim_exec_step(eng, q);
		end = ktime_get_ns();
		mvgpu_sim_engine_account(eng, q->job.cmd.opcode, end - start);

		switch (step) {
		case MVGPU_SIM_STEP_DONE:
			mvgpu_sim_queue_advance(q);
			break;
		case MVGPU_SIM_STEP_MORE:
			break;
		case MVGPU_SIM_STEP_WAIT:
			return MVGPU_SIM_RUN_WAIT;
		case MVGPU_SIM_STEP_ERROR:
			mvgpu_sim_queue_report_error(q);
			return MVGPU_SIM_RUN_ERROR;
		}
		if (end >= deadline)
			return MVGPU_SIM_RUN_SLICE;
		cond_resched();
	}
}

/* Put @q at the back of the runnable list, to run after @poll_at. */
static void mvgpu_sim_queue_enqueue_locked(struct mvgpu_sim_queue *q,
					   u64 poll_at)
{
	lockdep_assert_held(&q->sim->sched_lock);
	q->poll_at = poll_at;
	if (!q->queued) {
		list_add_tail(&q->link, &q->sim->runnable);
		q->queued = true;
	}
}

/* The engine lets go of @q after a run that ended with @why. */
static void mvgpu_sim_queue_put(struct mvgpu_sim_queue *q,
				enum mvgpu_sim_run_result why)
{
	struct mvgpu_sim_device *sim = q->sim;

	spin_lock(&sim->sched_lock);
	q->running = false;
	if (why == MVGPU_SIM_RUN_ERROR)
		q->error = true;
	if (!q->enabled || q->error) {
		WRITE_ONCE(q->busy, false);
	} else if (why == MVGPU_SIM_RUN_WAIT) {
		mvgpu_sim_queue_enqueue_locked(q, ktime_get_ns() +
					       MVGPU_SIM_WAIT_POLL_NS);
	} else if (q->job.active || q->head != q->tail) {
		mvgpu_sim_queue_enqueue_locked(q, 0);
	} else {
		WRITE_ONCE(q->busy, false);
	}
	spin_unlock(&sim->sched_lock);
	wake_up_all(&sim->idle_wq);
}

/*
 * Take the first ready queue off the runnable list, or return NULL and the
 * earliest poll time of the waiting ones in @wake_at (U64_MAX if none).
 */
static struct mvgpu_sim_queue *
mvgpu_sim_engine_pick(struct mvgpu_sim_device *sim, bool take, u64 *wake_at)
{
	u64 now = ktime_get_ns();
	struct mvgpu_sim_queue *q, *found = NULL;

	*wake_at = U64_MAX;
	spin_lock(&sim->sched_lock);
	list_for_each_entry(q, &sim->runnable, link) {
		if (q->poll_at <= now) {
			found = q;
			break;
		}
		*wake_at = min(*wake_at, q->poll_at);
	}
	if (found && take) {
		list_del_init(&found->link);
		found->queued = false;
		found->running = true;
	}
	spin_unlock(&sim->sched_lock);
	return found;
}

static bool mvgpu_sim_engine_has_work(struct mvgpu_sim_device *sim)
{
	u64 wake_at;

	return kthread_should_stop() ||
	       mvgpu_sim_engine_pick(sim, false, &wake_at);
}

/* Sleep until a doorbell, the next WAIT poll at @wake_at, or kthread_stop. */
static void mvgpu_sim_engine_idle(struct mvgpu_sim_device *sim, u64 wake_at)
{
	u64 now = ktime_get_ns();

	/* Kthreads get no signals: the waits end on work or timeout only. */
	if (wake_at == U64_MAX)
		wait_event_interruptible(sim->engine_wq,
					 mvgpu_sim_engine_has_work(sim));
	else if (wake_at > now)
		wait_event_interruptible_hrtimeout(sim->engine_wq,
						   mvgpu_sim_engine_has_work(sim),
						   ns_to_ktime(wake_at - now));
}

static int mvgpu_sim_engine_thread(void *data)
{
	struct mvgpu_sim_engine *eng = data;
	struct mvgpu_sim_device *sim = eng->sim;

	while (!kthread_should_stop()) {
		enum mvgpu_sim_run_result why;
		struct mvgpu_sim_queue *q;
		u64 wake_at;

		q = mvgpu_sim_engine_pick(sim, true, &wake_at);
		if (!q) {
			mvgpu_sim_engine_idle(sim, wake_at);
			continue;
		}
		why = mvgpu_sim_queue_run(eng, q);
		mvgpu_sim_queue_put(q, why);
		spin_lock(&eng->stats_lock);
		eng->slices++;
		spin_unlock(&eng->stats_lock);
		cond_resched();
	}
	return 0;
}

/**
 * mvgpu_sim_queue_start() - enable a queue on a ring
 * @q: the queue, disabled
 * @ctx: the live context the ring runs in
 * @ring_va: GPU VA of the ring, 4-byte aligned
 * @ring_size: bytes, a power of two of at least 4
 *
 * Head and tail start at 0. Process context.
 * Return: 0, -EINVAL for a bad ring, or -EBUSY if @q is enabled.
 */
int mvgpu_sim_queue_start(struct mvgpu_sim_queue *q,
			  struct mvgpu_sim_context *ctx, u64 ring_va,
			  u32 ring_size)
{
	struct mvgpu_sim_device *sim = q->sim;
	u64 end;
	int ret = 0;

	if (!is_power_of_2(ring_size) || ring_size < 4 ||
	    !IS_ALIGNED(ring_va, 4) ||
	    check_add_overflow(ring_va, (u64)ring_size, &end))
		return -EINVAL;

	spin_lock(&sim->sched_lock);
	if (q->enabled || q->running) {
		ret = -EBUSY;
	} else {
		q->ctx = ctx;
		q->ring_va = ring_va;
		q->ring_size = ring_size;
		WRITE_ONCE(q->head, 0);
		q->tail = 0;
		q->error = false;
		WRITE_ONCE(q->busy, false);
		q->job.active = false;
		WRITE_ONCE(q->enabled, true);
	}
	spin_unlock(&sim->sched_lock);
	return ret;
}

static bool mvgpu_sim_queue_released(struct mvgpu_sim_queue *q)
{
	bool running;

	spin_lock(&q->sim->sched_lock);
	running = q->running;
	spin_unlock(&q->sim->sched_lock);
	return !running;
}

/**
 * mvgpu_sim_queue_stop() - disable a queue and wait for its engine
 * @q: the queue
 *
 * Drops the work not executed yet, waits until no engine runs @q (so no
 * event of @q is reported after this returns) and resets head, tail,
 * error and progress. Harmless on a disabled queue. Process context, may
 * sleep for up to one chunk of work; never call it from an engine.
 */
void mvgpu_sim_queue_stop(struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_device *sim = q->sim;

	spin_lock(&sim->sched_lock);
	/* The engine running @q checks this between chunks. */
	WRITE_ONCE(q->enabled, false);
	if (q->queued) {
		list_del_init(&q->link);
		q->queued = false;
	}
	spin_unlock(&sim->sched_lock);

	wait_event(sim->idle_wq, mvgpu_sim_queue_released(q));

	spin_lock(&sim->sched_lock);
	WRITE_ONCE(q->head, 0);
	q->tail = 0;
	q->error = false;
	WRITE_ONCE(q->busy, false);
	q->job.active = false;
	q->ctx = NULL;
	spin_unlock(&sim->sched_lock);
	wake_up_all(&sim->idle_wq);
}

/**
 * mvgpu_sim_queue_kick() - the ring of a queue holds packets up to @tail
 * @q: the queue
 * @tail: byte offset in the ring, dword aligned
 *
 * Ignored on a disabled or stopped queue. Any context that may take a
 * spinlock; does not sleep.
 */
void mvgpu_sim_queue_kick(struct mvgpu_sim_queue *q, u32 tail)
{
	struct mvgpu_sim_device *sim = q->sim;
	bool wake = false;

	spin_lock(&sim->sched_lock);
	if (q->enabled && !q->error) {
		/* The core checked @tail; keep the engine safe regardless. */
		WRITE_ONCE(q->tail, tail & (q->ring_size - 1) & ~3U);
		if (q->head != q->tail) {
			WRITE_ONCE(q->busy, true);
			if (!q->running && !q->queued) {
				mvgpu_sim_queue_enqueue_locked(q, 0);
				wake = true;
			}
		}
	}
	spin_unlock(&sim->sched_lock);
	if (wake)
		wake_up(&sim->engine_wq);
}

/**
 * mvgpu_sim_engines_start() - start the engine threads of a pGPU
 * @sim: the pGPU, its queues and contexts set up
 *
 * Process context. Return: 0 or -errno, with nothing left running.
 */
int mvgpu_sim_engines_start(struct mvgpu_sim_device *sim)
{
	struct pci_dev *pdev = sim->pdev;
	u32 i;
	int ret;

	for (i = 0; i < sim->num_engines; i++) {
		struct mvgpu_sim_engine *eng = &sim->engines[i];

		eng->sim = sim;
		eng->id = i;
		spin_lock_init(&eng->stats_lock);
		eng->src = kvmalloc(MVGPU_SIM_CHUNK_BYTES, GFP_KERNEL);
		eng->dst = kvmalloc(MVGPU_SIM_CHUNK_BYTES, GFP_KERNEL);
		if (!eng->src || !eng->dst) {
			ret = -ENOMEM;
			goto out_stop;
		}
		eng->thread = kthread_run(mvgpu_sim_engine_thread, eng,
					  "mvgpu%02x:%02x.%u/%u",
					  pdev->bus->number,
					  PCI_SLOT(pdev->devfn),
					  PCI_FUNC(pdev->devfn), i);
		if (IS_ERR(eng->thread)) {
			ret = PTR_ERR(eng->thread);
			eng->thread = NULL;
			goto out_stop;
		}
	}
	return 0;

out_stop:
	mvgpu_sim_engines_stop(sim);
	return ret;
}

/**
 * mvgpu_sim_engines_stop() - stop every queue and engine of a pGPU
 * @sim: the pGPU
 *
 * Queues still enabled (only the native one, once the core is gone) are
 * disabled first. Process context, may sleep.
 */
void mvgpu_sim_engines_stop(struct mvgpu_sim_device *sim)
{
	u32 i;

	for (i = 0; i <= sim->num_queues; i++)
		mvgpu_sim_queue_stop(&sim->queues[i]);
	for (i = 0; i < sim->num_engines; i++) {
		struct mvgpu_sim_engine *eng = &sim->engines[i];

		if (eng->thread)
			kthread_stop(eng->thread);
		eng->thread = NULL;
		kvfree(eng->src);
		kvfree(eng->dst);
		eng->src = NULL;
		eng->dst = NULL;
	}
}
