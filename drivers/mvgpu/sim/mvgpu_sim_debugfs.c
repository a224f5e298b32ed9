// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs of the simulated pGPU.
 */

/**
 * DOC: debugfs
 *
 * Each pGPU has a directory /sys/kernel/debug/mvgpu_sim/<pci address>/:
 *
 * - "engines": per-engine chunks, slices, busy time and the longest chunk,
 *   i.e. the preemption latency; writing anything resets them.
 * - "queues": every enabled queue, the native one included.
 * - "native" and "scratch", unless the native path is disabled
 *   (native_kb=0): the native (host) submission path described in
 *   "Native path" (mvgpu_sim_native.c). A write() to "native" runs a
 *   stream of packets, a read() gives the state after the last one;
 *   "scratch" reads and writes the scratch memory at the file offset.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "mvgpu_sim.h"

static ssize_t mvgpu_sim_native_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	return mvgpu_sim_native_submit(file->private_data, buf, count);
}

static ssize_t mvgpu_sim_native_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct mvgpu_sim_native_status st;
	char text[192];
	int len, ret;

	ret = mvgpu_sim_native_status(file->private_data, &st);
	if (ret)
		return ret;
	len = scnprintf(text, sizeof(text),
			"head %u\nerror %u\nfault_addr 0x%llx\nfence 0x%llx\nsubmissions %llu\n",
			st.head, st.error, st.fault_addr, st.fence,
			st.submissions);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static const struct file_operations mvgpu_sim_native_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mvgpu_sim_native_read,
	.write = mvgpu_sim_native_write,
	.llseek = default_llseek,
};

static ssize_t mvgpu_sim_scratch_read(struct file *file, char __user *buf,
				      size_t count, loff_t *ppos)
{
	return mvgpu_sim_native_scratch_rw(file->private_data, buf, count,
					   ppos, false);
}

static ssize_t mvgpu_sim_scratch_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	return mvgpu_sim_native_scratch_rw(file->private_data,
					   (char __user *)buf, count, ppos,
					   true);
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
