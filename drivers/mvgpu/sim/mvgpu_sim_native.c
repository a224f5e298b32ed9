// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native (host) command submission of the simulated pGPU.
 */

/**
 * DOC: Native path
 *
 * Benchmarks compare a vGPU's throughput with the same command streams run
 * "natively": on the same engines, without VFIO, the core or a guest. For
 * that each pGPU keeps one context and one queue the core never sees
 * (numbers num_contexts and num_queues, one past what the pGPU offers to
 * the core), so the native path takes nothing from vGPU partitions:
 *
 * - its address space maps a kernel scratch buffer of native_kb KiB
 *   (module parameter, 0 disables the native path) as system pages at
 *   GPU VA 0, and a 64 KiB ring at MVGPU_VA_SYSMEM. Nothing else is
 *   mapped and there is no fault resolution: any other address is a page
 *   fault. The scratch buffer is system memory, where a vGPU's addresses
 *   below its VRAM size are VRAM (BAR2, also mapped write-back).
 * - /sys/kernel/debug/mvgpu_sim/<pci address>/scratch reads and writes
 *   the scratch buffer at the file offset (pread/pwrite), to set up
 *   inputs and check results.
 * - a write() to .../native of a whole number of packets (at most 64 KiB
 *   - 4 bytes) resets the native queue, copies the packets to the start of
 *   its ring, rings its doorbell and runs them on engine 0, in the
 *   writer's thread, through the same engine code the core's scheduler
 *   drives (mvgpu_sim_engine_run()), one budget of slice_us at a time so
 *   that vGPU work on that engine still gets its turns. It returns the byte
 *   count, -EIO if the queue stopped on an error, or -EINTR if a signal
 *   interrupted it (the queue is then stopped). Submissions are
 *   serialised. The time a write() takes is the native execution time of
 *   the stream.
 * - reading .../native gives the state after the last submission: head,
 *   error code, fault address, last fence value, and submission count.
 *
 * The debugfs files are in mvgpu_sim_debugfs.c; this file is the path
 * behind them.
 */

#include <linux/hrtimer.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mvgpu_sim.h"

#define MVGPU_SIM_NATIVE_RING_BYTES	SZ_64K
#define MVGPU_SIM_NATIVE_RING_VA	MVGPU_VA_SYSMEM

static void mvgpu_sim_native_free_pages(struct page **pages, u32 count)
{
	u32 i;

	if (!pages)
		return;
	for (i = 0; i < count; i++)
		if (pages[i])
			__free_page(pages[i]);
	kvfree(pages);
}

/* Allocate @count zeroed pages and map them at @gpu_va onwards. */
static struct page **mvgpu_sim_native_map_pages(struct mvgpu_sim_context *ctx,
						u64 gpu_va, u32 count)
{
	struct page **pages;
	u32 i;

	pages = kvcalloc(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < count; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i] ||
		    mvgpu_sim_as_map_page(ctx, gpu_va + (u64)i * PAGE_SIZE,
					  pages[i], true)) {
			mvgpu_sim_as_unmap(ctx, gpu_va, (u64)count * PAGE_SIZE);
			mvgpu_sim_native_free_pages(pages, count);
			return NULL;
		}
		cond_resched();
	}
	return pages;
}

/**
 * mvgpu_sim_native_init() - set up the native context and its memory
 * @sim: the pGPU, contexts and queues initialised
 * @scratch_kb: KiB of scratch memory; 0 disables the native path
 *
 * Process context. Return: 0 or -ENOMEM, with nothing left allocated.
 * mvgpu_sim_native_fini() undoes a success.
 */
int mvgpu_sim_native_init(struct mvgpu_sim_device *sim, u32 scratch_kb)
{
	struct mvgpu_sim_native *native = &sim->native;
	u64 scratch_bytes = (u64)scratch_kb * SZ_1K;
	int ret;

	mutex_init(&native->lock);
	native->ctx = &sim->contexts[sim->num_contexts];
	native->queue = &sim->queues[sim->num_queues];
	if (!scratch_kb)
		return 0;

	ret = mvgpu_sim_as_create(native->ctx);
	if (ret) {
		mvgpu_sim_native_fini(sim);
		return ret;
	}
	native->scratch_pages = DIV_ROUND_UP(scratch_bytes, PAGE_SIZE);
	native->scratch = mvgpu_sim_native_map_pages(native->ctx, 0,
						     native->scratch_pages);
	native->ring_pages = MVGPU_SIM_NATIVE_RING_BYTES / PAGE_SIZE;
	native->ring = mvgpu_sim_native_map_pages(native->ctx,
						  MVGPU_SIM_NATIVE_RING_VA,
						  native->ring_pages);
	if (!native->scratch || !native->ring) {
		mvgpu_sim_native_fini(sim);
		return -ENOMEM;
	}
	return 0;
}

/**
 * mvgpu_sim_native_fini() - release the native context and its memory
 * @sim: the pGPU; no engine runs the native queue
 *
 * Process context.
 */
void mvgpu_sim_native_fini(struct mvgpu_sim_device *sim)
{
	struct mvgpu_sim_native *native = &sim->native;

	if (native->ctx)
		mvgpu_sim_as_destroy(native->ctx);
	mvgpu_sim_native_free_pages(native->scratch, native->scratch_pages);
	mvgpu_sim_native_free_pages(native->ring, native->ring_pages);
	native->scratch = NULL;
	native->ring = NULL;
	mutex_destroy(&native->lock);
}

static bool mvgpu_sim_native_dying(struct mvgpu_sim_device *sim)
{
	bool dying;

	spin_lock(&sim->sched_lock);
	dying = sim->native.dying;
	spin_unlock(&sim->sched_lock);
	return dying;
}

/* Copy @count bytes of packets from userspace to the start of the ring. */
static int mvgpu_sim_native_fill_ring(struct mvgpu_sim_native *native,
				      const char __user *buf, size_t count)
{
	size_t done = 0;
	u32 i;

	for (i = 0; done < count; i++) {
		size_t len = min_t(size_t, count - done, PAGE_SIZE);
		void *kaddr = kmap_local_page(native->ring[i]);
		unsigned long left = copy_from_user(kaddr, buf + done, len);

		kunmap_local(kaddr);
		if (left)
			return -EFAULT;
		done += len;
	}
	return 0;
}

/* Run the packets now in the ring up to @tail; native->lock held. */
static ssize_t mvgpu_sim_native_run(struct mvgpu_sim_device *sim, u32 tail)
{
	struct mvgpu_sim_native *native = &sim->native;
	struct mvgpu_sim_queue *q = native->queue;
	bool error;
	int ret;

	lockdep_assert_held(&native->lock);
	mvgpu_sim_queue_stop(q);
	ret = mvgpu_sim_queue_start(q, native->ctx, MVGPU_SIM_NATIVE_RING_VA,
				    MVGPU_SIM_NATIVE_RING_BYTES);
	if (ret)
		return ret;
	native->submissions++;
	mvgpu_sim_queue_kick(q, tail);

	for (;;) {
		struct mvgpu_engine_run run;

		if (signal_pending(current) || mvgpu_sim_native_dying(sim)) {
			ret = signal_pending(current) ? -EINTR : -ENODEV;
			mvgpu_sim_queue_stop(q);
			return ret;
		}
		mvgpu_sim_engine_run(&sim->engines[0], native->ctx,
				     sim->slice_ns, &run);
		if (run.stop == MVGPU_ENGINE_IDLE)
			break;
		if (run.stop == MVGPU_ENGINE_WAITING) {
			ktime_t wait = ns_to_ktime(run.retry_ns);

			set_current_state(TASK_INTERRUPTIBLE);
			schedule_hrtimeout(&wait, HRTIMER_MODE_REL);
		}
		cond_resched();
	}
	spin_lock(&sim->sched_lock);
	error = q->error;
	spin_unlock(&sim->sched_lock);
	return error ? -EIO : 0;
}

/**
 * mvgpu_sim_native_submit() - run a stream of packets on the native queue
 * @sim: the pGPU, native path set up
 * @buf: the packets, in userspace
 * @count: bytes at @buf: a multiple of 4, not 0, below the ring's size
 *
 * Copies the packets to the start of the ring and runs them on engine 0
 * in the caller's thread, as "Native path" describes. Process context;
 * submissions are serialised.
 *
 * Return: @count; -EINVAL for a bad @count, -EFAULT, -EIO if the queue
 * stopped on an error, -EINTR on a signal, -ENODEV if the device is
 * going away.
 */
ssize_t mvgpu_sim_native_submit(struct mvgpu_sim_device *sim,
				const char __user *buf, size_t count)
{
	struct mvgpu_sim_native *native = &sim->native;
	ssize_t ret;

	if (!count || count % 4 || count >= MVGPU_SIM_NATIVE_RING_BYTES)
		return -EINVAL;
	if (mutex_lock_interruptible(&native->lock))
		return -EINTR;
	ret = mvgpu_sim_native_fill_ring(native, buf, count);
	if (!ret)
		ret = mvgpu_sim_native_run(sim, count);
	mutex_unlock(&native->lock);
	return ret ? ret : count;
}

/**
 * mvgpu_sim_native_status() - the native queue after the last submission
 * @sim: the pGPU, native path set up
 * @st: filled in
 *
 * Process context. Return: 0, or -EINTR if a signal interrupted the wait
 * for a submission in progress.
 */
int mvgpu_sim_native_status(struct mvgpu_sim_device *sim,
			    struct mvgpu_sim_native_status *st)
{
	struct mvgpu_sim_native *native = &sim->native;
	struct mvgpu_sim_queue *q = native->queue;
	bool error;

	if (mutex_lock_interruptible(&native->lock))
		return -EINTR;
	spin_lock(&sim->sched_lock);
	error = q->error;
	spin_unlock(&sim->sched_lock);
	st->head = READ_ONCE(q->head);
	st->error = error ? q->err_reason : 0;
	st->fault_addr = error ? q->err_addr : 0;
	st->fence = READ_ONCE(q->last_fence);
	st->submissions = native->submissions;
	mutex_unlock(&native->lock);
	return 0;
}

/**
 * mvgpu_sim_native_scratch_rw() - copy between userspace and scratch memory
 * @sim: the pGPU, native path set up
 * @buf: the user buffer
 * @count: bytes to copy
 * @ppos: byte offset in the scratch memory; advanced by what was copied
 * @write: copy from @buf into the scratch memory, else out of it
 *
 * Process context. Return: bytes copied (0 at or past the end when
 * reading), -EINVAL for a negative offset, -ENOSPC when writing at or past
 * the end, -EFAULT when nothing could be copied.
 */
ssize_t mvgpu_sim_native_scratch_rw(struct mvgpu_sim_device *sim,
				    char __user *buf, size_t count,
				    loff_t *ppos, bool write)
{
	struct mvgpu_sim_native *native = &sim->native;
	u64 size = (u64)native->scratch_pages * PAGE_SIZE;
	u64 pos = *ppos;
	size_t done = 0;

	if (*ppos < 0)
		return -EINVAL;
	if (pos >= size)
		return write && count ? -ENOSPC : 0;
	count = min_t(u64, count, size - pos);
	while (done < count) {
		struct page *page = native->scratch[(pos + done) >> PAGE_SHIFT];
		size_t off = (pos + done) & (PAGE_SIZE - 1);
		size_t len = min_t(size_t, count - done, PAGE_SIZE - off);
		void *kaddr = kmap_local_page(page);
		unsigned long left;

		if (write)
			left = copy_from_user(kaddr + off, buf + done, len);
		else
			left = copy_to_user(buf + done, kaddr + off, len);
		kunmap_local(kaddr);
		done += len - left;
		if (left)
			break;
		cond_resched();
	}
	if (!done && count)
		return -EFAULT;
	*ppos += done;
	return done;
}
