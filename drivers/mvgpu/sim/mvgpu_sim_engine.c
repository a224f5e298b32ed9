// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engines and hardware queues of the simulated pGPU.
 */

/**
 * DOC: Engines
 *
 * The simulated pGPU executes work only when the core's scheduler asks it
 * to: &mvgpu_backend_ops.engine_run (mvgpu_sim_engine_run()) runs the
 * queues of one context on one engine, in the calling thread, for a time
 * budget. Each engine has its own bounce buffers and a mutex, so one
 * engine runs one context at a time; each context keeps the queues that
 * have work on a runnable list, and a queue belongs to one context, so one
 * run never mixes vGPUs. Within a run the context's queues take turns of
 * at most slice_us (module parameter) each, in round-robin order, until
 * the budget is used up, no queue of the context has work left, every
 * queue with work waits on a WAIT packet, or mvgpu_sim_engine_preempt()
 * asks the engine to stop. Doorbells only put queues on their context's
 * list; which context runs, where and when is the core's decision.
 *
 * The ring is read through the context's address space like any other
 * memory. The engine decodes one packet at a time into the queue's job,
 * executes it in chunks of bounded work (MVGPU_SIM_CHUNK_*), and advances
 * the head past it when it completes. Between chunks it checks the budget,
 * preemption requests and whether the queue was disabled, so a long
 * command is preempted at a chunk boundary and resumed, on any engine,
 * from the progress kept in the job: that is the context save and restore
 * of this pGPU, and the longest chunk is the preemption latency (per
 * engine in debugfs "engines"). Every chunk completed bumps the queue's
 * progress counter, which the core's hang watchdog samples.
 *
 * A WAIT that does not hold leaves the queue on the list with a poll time
 * MVGPU_SIM_WAIT_POLL_NS away, and the run moves on to the context's other
 * queues; when only waiting queues remain the run ends with
 * MVGPU_ENGINE_WAITING and the time of the next poll, so a waiting queue
 * costs one memory read per poll and never spins a CPU.
 *
 * A packet that fails validation or faults stops the queue: it keeps its
 * head at that packet, reports mvgpu_hw_queue_error() (with the faulting
 * GPU VA for MVGPU_ERR_PAGE_FAULT, 0 otherwise) and ignores doorbells
 * until it is disabled. Events are only reported by the engine that runs
 * the queue, and queue_disable waits for that engine to let go of it.
 */

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
 * @MVGPU_SIM_RUN_SLICE: the queue's turn or the run's budget is over, or
 *	the run was preempted; work remains
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
	WRITE_ONCE(q->last_fence, value);
	if (!mvgpu_sim_queue_is_native(q))
		mvgpu_hw_fence_signalled(&q->hw, value, irq);
}

static void mvgpu_sim_queue_report_error(struct mvgpu_sim_queue *q)
{
	dev_dbg(&q->sim->pdev->dev, "mvgpu_sim: queue %u stopped: error %u at 0x%llx, head 0x%x\n",
		q->id, q->err_reason, q->err_addr, q->head);
	if (!mvgpu_sim_queue_is_native(q))
		mvgpu_hw_queue_error(&q->hw, q->err_reason, q->err_addr);
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
	reason = mvgpu_packet_length(le32_to_cpu(raw[0]), avail_tail,
				     avail_end, &len);
	if (reason)
		return mvgpu_sim_queue_fail(q, reason, 0);
	if (len > 1 &&
	    mvgpu_sim_as_read(q->ctx, va + 4, raw + 1, (len - 1) * 4, &fault))
		return mvgpu_sim_queue_fail(q, MVGPU_ERR_PAGE_FAULT, fault);
	for (i = 0; i < len; i++)
		dw[i] = le32_to_cpu(raw[i]);

	memset(&q->job, 0, sizeof(q->job));
	reason = mvgpu_packet_decode(dw, len, &q->job.cmd);
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

/*
 * Run @q, owned by @eng, until @deadline (ktime_get_ns()) or a preemption
 * request; count the commands completed in *@commands.
 */
static enum mvgpu_sim_run_result
mvgpu_sim_queue_run(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q,
		    u64 deadline, u32 *commands)
{
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
			(*commands)++;
			WRITE_ONCE(q->progress, q->progress + 1);
			break;
		case MVGPU_SIM_STEP_MORE:
			WRITE_ONCE(q->progress, q->progress + 1);
			break;
		case MVGPU_SIM_STEP_WAIT:
			return MVGPU_SIM_RUN_WAIT;
		case MVGPU_SIM_STEP_ERROR:
			mvgpu_sim_queue_report_error(q);
			return MVGPU_SIM_RUN_ERROR;
		}
		if (end >= deadline || READ_ONCE(eng->preempt))
			return MVGPU_SIM_RUN_SLICE;
		cond_resched();
	}
}

/* Put @q at the back of its context's runnable list, to run after @poll_at. */
static void mvgpu_sim_queue_enqueue_locked(struct mvgpu_sim_queue *q,
					   u64 poll_at)
{
	lockdep_assert_held(&q->sim->sched_lock);
	q->poll_at = poll_at;
	if (!q->queued) {
		list_add_tail(&q->link, &q->ctx->runnable);
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
 * Take the first ready queue off the runnable list of @ctx (when @take),
 * or return NULL and the earliest poll time of the waiting ones in
 * @wake_at (U64_MAX if the list is empty).
 */
static struct mvgpu_sim_queue *
mvgpu_sim_context_pick(struct mvgpu_sim_context *ctx, bool take, u64 now,
		       u64 *wake_at)
{
	struct mvgpu_sim_device *sim = ctx->sim;
	struct mvgpu_sim_queue *q, *found = NULL;

	*wake_at = U64_MAX;
	spin_lock(&sim->sched_lock);
	list_for_each_entry(q, &ctx->runnable, link) {
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

/* How a run that must end now leaves @ctx. */
static void mvgpu_sim_run_outcome(struct mvgpu_sim_context *ctx,
				  bool preempted, struct mvgpu_engine_run *run)
{
	u64 now = ktime_get_ns(), wake_at;

	if (mvgpu_sim_context_pick(ctx, false, now, &wake_at)) {
		run->stop = preempted ? MVGPU_ENGINE_PREEMPTED :
					MVGPU_ENGINE_SLICE;
	} else if (wake_at != U64_MAX) {
		run->stop = MVGPU_ENGINE_WAITING;
		run->retry_ns = wake_at > now ? wake_at - now : 0;
	} else {
		run->stop = MVGPU_ENGINE_IDLE;
	}
}

/**
 * mvgpu_sim_engine_run() - run the queues of one context on one engine
 * @eng: the engine
 * @ctx: the context
 * @budget_ns: how long to run at most (overrun: one chunk)
 * @run: the outcome
 *
 * The context's queues that have work take turns of at most the pGPU's
 * slice_ns, in round-robin order, until @budget_ns is used up, none has
 * work that may run now, or mvgpu_sim_engine_preempt() is called. Process
 * context, may sleep; serialised per engine.
 */
void mvgpu_sim_engine_run(struct mvgpu_sim_engine *eng,
			  struct mvgpu_sim_context *ctx, u64 budget_ns,
			  struct mvgpu_engine_run *run)
{
	struct mvgpu_sim_device *sim = eng->sim;
	u64 start, deadline;
	bool preempted;

	memset(run, 0, sizeof(*run));
	mutex_lock(&eng->run_lock);
	start = ktime_get_ns();
	if (check_add_overflow(start, budget_ns, &deadline))
		deadline = U64_MAX;
	spin_lock(&sim->sched_lock);
	eng->active = true;
	eng->preempt = false;
	spin_unlock(&sim->sched_lock);

	for (;;) {
		enum mvgpu_sim_run_result why;
		struct mvgpu_sim_queue *q;
		u64 now = ktime_get_ns(), wake_at;

		preempted = READ_ONCE(eng->preempt);
		if (preempted || now >= deadline)
			break;
		q = mvgpu_sim_context_pick(ctx, true, now, &wake_at);
		if (!q)
			break;
		why = mvgpu_sim_queue_run(eng, q, min(deadline,
						      now + sim->slice_ns),
					  &run->commands);
		mvgpu_sim_queue_put(q, why);
		cond_resched();
	}
	mvgpu_sim_run_outcome(ctx, preempted, run);

	spin_lock(&sim->sched_lock);
	eng->active = false;
	eng->preempt = false;
	spin_unlock(&sim->sched_lock);
	spin_lock(&eng->stats_lock);
	eng->slices++;
	if (run->stop == MVGPU_ENGINE_SLICE ||
	    run->stop == MVGPU_ENGINE_PREEMPTED)
		eng->preemptions++;
	spin_unlock(&eng->stats_lock);
	mutex_unlock(&eng->run_lock);
}

/**
 * mvgpu_sim_engine_preempt() - stop the run on an engine at its next chunk
 * @eng: the engine
 *
 * Dropped when no run is in progress. Does not sleep.
 */
void mvgpu_sim_engine_preempt(struct mvgpu_sim_engine *eng)
{
	spin_lock(&eng->sim->sched_lock);
	if (eng->active)
		WRITE_ONCE(eng->preempt, true);
	spin_unlock(&eng->sim->sched_lock);
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
 * Puts the queue on its context's runnable list; the work runs when the
 * context next gets an engine. Ignored on a disabled or stopped queue. Any
 * context that may take a spinlock; does not sleep.
 */
void mvgpu_sim_queue_kick(struct mvgpu_sim_queue *q, u32 tail)
{
	struct mvgpu_sim_device *sim = q->sim;

	spin_lock(&sim->sched_lock);
	if (q->enabled && !q->error) {
		/* The core checked @tail; keep the engine safe regardless. */
		WRITE_ONCE(q->tail, tail & (q->ring_size - 1) & ~3U);
		if (q->head != q->tail) {
			WRITE_ONCE(q->busy, true);
			if (!q->running && !q->queued)
				mvgpu_sim_queue_enqueue_locked(q, 0);
		}
	}
	spin_unlock(&sim->sched_lock);
}

/**
 * mvgpu_sim_engines_start() - set up the engines of a pGPU
 * @sim: the pGPU, its queues and contexts set up
 *
 * Process context. Return: 0 or -errno, with nothing left allocated.
 */
int mvgpu_sim_engines_start(struct mvgpu_sim_device *sim)
{
	u32 i;

	for (i = 0; i < sim->num_engines; i++) {
		struct mvgpu_sim_engine *eng = &sim->engines[i];

		eng->sim = sim;
		eng->id = i;
		spin_lock_init(&eng->stats_lock);
		mutex_init(&eng->run_lock);
		eng->src = kvmalloc(MVGPU_SIM_CHUNK_BYTES, GFP_KERNEL);
		eng->dst = kvmalloc(MVGPU_SIM_CHUNK_BYTES, GFP_KERNEL);
		if (!eng->src || !eng->dst) {
			mvgpu_sim_engines_stop(sim);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * mvgpu_sim_engines_stop() - stop every queue and release the engines
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

		kvfree(eng->src);
		kvfree(eng->dst);
		eng->src = NULL;
		eng->dst = NULL;
	}
}
