// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native (host) command submission and debugfs of the simulated pGPU.
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
 * The same directory has "engines" (per-engine chunks, slices, busy time
 * and the longest chunk, i.e. the preemption latency; writing anything
 * resets them) and "queues" (every enabled queue).
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
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

static ssize_t mvgpu_sim_native_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	struct mvgpu_sim_device *sim = file->private_data;
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

static ssize_t mvgpu_sim_native_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct mvgpu_sim_device *sim = file->private_data;
	struct mvgpu_sim_native *native = &sim->native;
	struct mvgpu_sim_queue *q = native->queue;
	char text[192];
	bool error;
	int len;

	if (mutex_lock_interruptible(&native->lock))
		return -EINTR;
	spin_lock(&sim->sched_lock);
	error = q->error;
	spin_unlock(&sim->sched_lock);
	len = scnprintf(text, sizeof(text),
			"head %u\nerror %u\nfault_addr 0x%llx\nfence 0x%llx\nsubmissions %llu\n",
			READ_ONCE(q->head), error ? q->err_reason : 0,
			error ? q->err_addr : 0, READ_ONCE(q->last_fence),
			native->submissions);
	mutex_unlock(&native->lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static const struct file_operations mvgpu_sim_native_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mvgpu_sim_native_read,
	.write = mvgpu_sim_native_write,
	.llseek = default_llseek,
};

/* Copy between userspace and the scratch pages at byte @pos. */
static ssize_t mvgpu_sim_scratch_rw(struct mvgpu_sim_device *sim,
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

static ssize_t mvgpu_sim_scratch_read(struct file *file, char __user *buf,
				      size_t count, loff_t *ppos)
{
	return mvgpu_sim_scratch_rw(file->private_data, buf, count, ppos,
				    false);
}

static ssize_t mvgpu_sim_scratch_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	return mvgpu_sim_scratch_rw(file->private_data, (char __user *)buf,
				    count, ppos, true);
}

static loff_t mvgpu_sim_scratch_llseek(struct file *file, loff_t offset,
				       int whence)
{
	struct mvgpu_sim_device *sim = file->private_data;

	return fixed_size_llseek(file, offset, whence,
				 (loff_t)sim->native.scratch_pages * PAGE_SIZE);
}

static const struct file_operations mvgpu_sim_scratch_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mvgpu_sim_scratch_read,
	.write = mvgpu_sim_scratch_write,
	.llseek = mvgpu_sim_scratch_llseek,
};

static int mvgpu_sim_engines_show(struct seq_file *m, void *unused)
{
	struct mvgpu_sim_device *sim = m->private;
	u32 i;

	seq_printf(m, "chunk_bytes %u chunk_elems %u chunk_budget %u slice_ns %llu\n",
		   MVGPU_SIM_CHUNK_BYTES, MVGPU_SIM_CHUNK_ELEMS,
		   MVGPU_SIM_CHUNK_MACS, sim->slice_ns);
	for (i = 0; i < sim->num_engines; i++) {
		struct mvgpu_sim_engine *eng = &sim->engines[i];

		spin_lock(&eng->stats_lock);
		seq_printf(m, "engine %u chunks %llu slices %llu busy_ns %llu max_chunk_ns %llu max_chunk_op 0x%02x preemptions %llu\n",
			   i, eng->chunks, eng->slices, eng->busy_ns,
			   eng->max_chunk_ns, eng->max_chunk_op,
			   eng->preemptions);
		spin_unlock(&eng->stats_lock);
	}
	return 0;
}

static int mvgpu_sim_engines_open(struct inode *inode, struct file *file)
{
	return single_open(file, mvgpu_sim_engines_show, inode->i_private);
}

static ssize_t mvgpu_sim_engines_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	struct mvgpu_sim_device *sim =
		((struct seq_file *)file->private_data)->private;
	u32 i;

	for (i = 0; i < sim->num_engines; i++) {
		struct mvgpu_sim_engine *eng = &sim->engines[i];

		spin_lock(&eng->stats_lock);
		eng->chunks = 0;
		eng->slices = 0;
		eng->preemptions = 0;
		eng->busy_ns = 0;
		eng->max_chunk_ns = 0;
		eng->max_chunk_op = 0;
		spin_unlock(&eng->stats_lock);
	}
	return count;
}

static const struct file_operations mvgpu_sim_engines_fops = {
	.owner = THIS_MODULE,
	.open = mvgpu_sim_engines_open,
	.read = seq_read,
	.write = mvgpu_sim_engines_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int mvgpu_sim_queues_show(struct seq_file *m, void *unused)
{
	struct mvgpu_sim_device *sim = m->private;
	u32 i;

	for (i = 0; i <= sim->num_queues; i++) {
		struct mvgpu_sim_queue *q = &sim->queues[i];

		spin_lock(&sim->sched_lock);
		if (q->enabled)
			seq_printf(m, "queue %u%s ctx %u ring 0x%llx+0x%x head 0x%x tail 0x%x%s%s%s%s\n",
				   i, mvgpu_sim_queue_is_native(q) ? " (native)" : "",
				   q->ctx->id, q->ring_va, q->ring_size, q->head,
				   q->tail, q->busy ? " busy" : "",
				   q->running ? " running" : "",
				   q->queued ? " queued" : "",
				   q->error ? " error" : "");
		spin_unlock(&sim->sched_lock);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_sim_queues);

/**
 * mvgpu_sim_debugfs_init() - create the pGPU's debugfs directory
 * @sim: the pGPU, native path set up
 * @root: the module's directory, or an error pointer (then nothing is
 *	created, as debugfs failures are not fatal)
 */
void mvgpu_sim_debugfs_init(struct mvgpu_sim_device *sim,
			    struct dentry *root)
{
	sim->debugfs = debugfs_create_dir(pci_name(sim->pdev), root);
	debugfs_create_file("engines", 0600, sim->debugfs, sim,
			    &mvgpu_sim_engines_fops);
	debugfs_create_file("queues", 0400, sim->debugfs, sim,
			    &mvgpu_sim_queues_fops);
	if (!sim->native.scratch)
		return;
	debugfs_create_file("native", 0600, sim->debugfs, sim,
			    &mvgpu_sim_native_fops);
	debugfs_create_file("scratch", 0600, sim->debugfs, sim,
			    &mvgpu_sim_scratch_fops);
}

/**
 * mvgpu_sim_debugfs_fini() - stop native submissions, remove debugfs
 * @sim: the pGPU; its engines still run
 *
 * A native submission in progress is abandoned (it returns -ENODEV);
 * returns once no debugfs file operation runs. Process context.
 */
void mvgpu_sim_debugfs_fini(struct mvgpu_sim_device *sim)
{
	spin_lock(&sim->sched_lock);
	sim->native.dying = true;
	spin_unlock(&sim->sched_lock);
	wake_up_all(&sim->idle_wq);
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
	mvgpu_sim_queue_stop(sim->native.queue);
}
