/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mvgpu_sim internals: the simulated pGPU, its contexts (GPU address
 * spaces), hardware queues and engines.
 */
#ifndef _MVGPU_SIM_H_
#define _MVGPU_SIM_H_

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <asm/barrier.h>

#include <mvgpu/mvgpu_backend.h>
#include <mvgpu/mvgpu_packet.h>

struct dentry;
struct page;
struct pci_dev;
struct mvgpu_sim_device;

/*
 * Work per chunk, the longest stretch an engine runs without checking for
 * preemption: bytes moved by FILL and COPY, elements of SAXPY and REDUCE,
 * pixels of BLIT, multiply-adds of SGEMM.
 */
#define MVGPU_SIM_CHUNK_BYTES		SZ_64K
#define MVGPU_SIM_CHUNK_ELEMS		(MVGPU_SIM_CHUNK_BYTES / 4)
#define MVGPU_SIM_CHUNK_PIXELS		(MVGPU_SIM_CHUNK_BYTES / 4)
#define MVGPU_SIM_CHUNK_MACS		16384
/* C columns an SGEMM tile accumulates at once; its sums live in the queue. */
#define MVGPU_SIM_SGEMM_TILE		64
/* How often an unsatisfied WAIT is polled. */
#define MVGPU_SIM_WAIT_POLL_NS		(200 * NSEC_PER_USEC)

/**
 * struct mvgpu_sim_context - a hardware context: one GPU address space
 * @hw: the core's handle of the context (unused by the native context)
 * @sim: the pGPU
 * @id: context number
 * @lock: guards @live and @pages. Engines hold it for reading while they
 *	touch a mapped page, so a writer (map, unmap, destroy) waits for
 *	those accesses to end. Never held across a call into the core.
 * @live: created and not yet destroyed
 * @pages: GPU page number -> a system &struct page, or an xa_mk_value()
 *	of the VRAM page number
 * @runnable: queues of the context with work, in round-robin order;
 *	guarded by &mvgpu_sim_device.sched_lock
 */
struct mvgpu_sim_context {
	struct mvgpu_hw_context hw;
	struct mvgpu_sim_device *sim;
	u32 id;
	struct rw_semaphore lock;
	bool live;
	struct xarray pages;
	struct list_head runnable;
};

/**
 * enum mvgpu_sim_step_result - outcome of one chunk of a command
 * @MVGPU_SIM_STEP_DONE: the command completed
 * @MVGPU_SIM_STEP_MORE: a chunk completed, more remain
 * @MVGPU_SIM_STEP_WAIT: a WAIT condition does not hold yet
 * @MVGPU_SIM_STEP_ERROR: the command failed; the queue holds the reason
 */
enum mvgpu_sim_step_result {
	MVGPU_SIM_STEP_DONE,
	MVGPU_SIM_STEP_MORE,
	MVGPU_SIM_STEP_WAIT,
	MVGPU_SIM_STEP_ERROR,
};

/**
 * struct mvgpu_sim_job - the command a queue is executing, for resuming it
 * @cmd: the decoded packet
 * @active: @cmd has started and not finished
 * @pos: bytes (FILL, COPY) or elements (SAXPY, REDUCE) done
 * @row: BLIT row, SGEMM row of C
 * @col: BLIT pixel in @row, SGEMM first column of the tile
 * @depth: SGEMM: values of k already summed into @acc
 * @sum: REDUCE running sum (fp32 bit pattern)
 * @acc: SGEMM running sums of the tile (fp32 bit patterns)
 */
struct mvgpu_sim_job {
	struct mvgpu_packet cmd;
	bool active;
	u64 pos;
	u32 row;
	u32 col;
	u32 depth;
	u32 sum;
	u32 acc[MVGPU_SIM_SGEMM_TILE];
};

/**
 * struct mvgpu_sim_queue - a hardware command queue
 * @hw: the core's handle of the queue; &mvgpu_hw_queue.ctx is the context
 *	the core created it on, NULL while the core has not (the native
 *	queue has none)
 * @sim: the pGPU
 * @id: hardware queue number; the last one is the native queue
 * @link: entry in &mvgpu_sim_context.runnable of @ctx
 * @ctx: context the ring executes in, while enabled
 * @ring_va: GPU VA of the ring
 * @ring_size: ring bytes, a power of two
 * @head: byte offset of the next packet; written by the engine running the
 *	queue (or by enable/disable) under sched_lock, read locklessly
 * @tail: byte offset the last doorbell gave
 * @enabled: between queue_enable and queue_disable
 * @error: stopped on an error until disabled
 * @busy: has work it has not finished (ring not empty, or a command in
 *	flight); read locklessly by queue_status
 * @queued: on the runnable list of @ctx
 * @running: an engine is executing it; no one else touches @job
 * @poll_at: ktime_get_ns() before which a waiting queue is not picked
 * @err_reason: MVGPU_ERR_* of the error being reported
 * @err_addr: faulting GPU VA of the error being reported
 * @last_fence: value of the last FENCE (native queue status)
 * @progress: chunks completed since the pGPU was probed; written by the
 *	engine running the queue, read locklessly (hang detection)
 * @job: the command in progress; owned by the engine running the queue
 *
 * All fields but @job, @progress, @err_reason and @err_addr are guarded by
 * &mvgpu_sim_device.sched_lock.
 */
struct mvgpu_sim_queue {
	struct mvgpu_hw_queue hw;
	struct mvgpu_sim_device *sim;
	u32 id;
	struct list_head link;
	struct mvgpu_sim_context *ctx;
	u64 ring_va;
	u32 ring_size;
	u32 head;
	u32 tail;
	bool enabled;
	bool error;
	bool busy;
	bool queued;
	bool running;
	u64 poll_at;
	u32 err_reason;
	u64 err_addr;
	u64 last_fence;
	u64 progress;
	struct mvgpu_sim_job job;
};

/**
 * struct mvgpu_sim_engine - one command engine
 * @sim: the pGPU
 * @id: engine number
 * @run_lock: held for the whole of a run; one run per engine at a time
 * @active: a run is in progress; guarded by &mvgpu_sim_device.sched_lock
 * @preempt: the run in progress must stop at its next chunk; set under
 *	&mvgpu_sim_device.sched_lock, read locklessly by the run
 * @src: bounce buffer of MVGPU_SIM_CHUNK_BYTES for data read; owned by the
 *	holder of @run_lock
 * @dst: bounce buffer of MVGPU_SIM_CHUNK_BYTES for data written; as @src
 * @stats_lock: guards the statistics below
 * @chunks: chunks executed
 * @slices: runs (context time slices)
 * @preemptions: runs that ended with work left (budget or preemption)
 * @busy_ns: time spent executing
 * @max_chunk_ns: longest chunk, the engine's preemption latency
 * @max_chunk_op: opcode of that chunk
 */
struct mvgpu_sim_engine {
	struct mvgpu_sim_device *sim;
	u32 id;
	struct mutex run_lock;	/* one run at a time */
	bool active;
	bool preempt;
	void *src;
	void *dst;
	spinlock_t stats_lock;	/* guards the statistics */
	u64 chunks;
	u64 slices;
	u64 preemptions;
	u64 busy_ns;
	u64 max_chunk_ns;
	u32 max_chunk_op;
};

/**
 * struct mvgpu_sim_native - host submission path for benchmarks
 * @lock: serialises submissions and guards @submissions
 * @ctx: the reserved host context
 * @queue: the reserved host queue
 * @scratch: pages mapped at GPU VA 0 of @ctx
 * @scratch_pages: entries in @scratch
 * @ring: pages of the ring, mapped at MVGPU_VA_SYSMEM in @ctx
 * @ring_pages: entries in @ring
 * @submissions: write()s executed
 * @dying: the device is going away; guarded by sched_lock
 */
struct mvgpu_sim_native {
	struct mutex lock;	/* serialises submissions */
	struct mvgpu_sim_context *ctx;
	struct mvgpu_sim_queue *queue;
	struct page **scratch;
	u32 scratch_pages;
	struct page **ring;
	u32 ring_pages;
	u64 submissions;
	bool dying;
};

/**
 * struct mvgpu_sim_native_status - the native queue after a submission
 * @head: byte offset of the next packet in the ring
 * @error: MVGPU_ERR_* that stopped the queue, 0 if none
 * @fault_addr: faulting GPU VA of that error, 0 if none
 * @fence: value of the last FENCE executed
 * @submissions: submissions executed since the device was set up
 */
struct mvgpu_sim_native_status {
	u32 head;
	u32 error;
	u64 fault_addr;
	u64 fence;
	u64 submissions;
};

/**
 * struct mvgpu_sim_device - one simulated pGPU
 * @hw: the pGPU as the core sees it
 * @pdev: the PCI function
 * @vram: kernel mapping of VRAM (write-back: it is plain memory)
 * @vram_phys: bus address of VRAM (BAR2)
 * @vram_size: bytes of VRAM offered to the core
 * @num_contexts: contexts offered to the core; @contexts has one more,
 *	the native context
 * @contexts: every context
 * @num_queues: queues offered to the core; @queues has one more, the
 *	native queue
 * @queues: every queue
 * @num_engines: entries in @engines
 * @engines: the engines
 * @slice_ns: longest turn of one queue while other queues of its context
 *	wait, within one run
 * @sched_lock: guards the runnable lists of the contexts, the queue state
 *	(see &struct mvgpu_sim_queue), the engines' @active and @preempt, and
 *	&mvgpu_sim_native.dying
 * @idle_wq: woken whenever an engine lets go of a queue
 * @native: the host submission path
 * @debugfs: the pGPU's debugfs directory
 */
struct mvgpu_sim_device {
	struct mvgpu_hw hw;
	struct pci_dev *pdev;
	void *vram;
	resource_size_t vram_phys;
	u64 vram_size;
	u32 num_contexts;
	struct mvgpu_sim_context *contexts;
	u32 num_queues;
	struct mvgpu_sim_queue *queues;
	u32 num_engines;
	struct mvgpu_sim_engine *engines;
	u64 slice_ns;
	spinlock_t sched_lock;	/* guards queue state and runnable lists */
	wait_queue_head_t idle_wq;
	struct mvgpu_sim_native native;
	struct dentry *debugfs;
};

/* mvgpu_sim_as.c */
void mvgpu_sim_as_init(struct mvgpu_sim_context *ctx,
		       struct mvgpu_sim_device *sim, u32 id);
int mvgpu_sim_as_create(struct mvgpu_sim_context *ctx);
void mvgpu_sim_as_destroy(struct mvgpu_sim_context *ctx);
int mvgpu_sim_as_map_vram(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  u64 vram_offset, u64 size);
int mvgpu_sim_as_map_page(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  struct page *page, bool writable);
void mvgpu_sim_as_unmap(struct mvgpu_sim_context *ctx, u64 gpu_va, u64 size);
int mvgpu_sim_as_read(struct mvgpu_sim_context *ctx, u64 gpu_va, void *buf,
		      size_t len, u64 *fault_va);
int mvgpu_sim_as_write(struct mvgpu_sim_context *ctx, u64 gpu_va,
		       const void *buf, size_t len, u64 *fault_va);
int mvgpu_sim_as_read_u64(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  u64 *val, u64 *fault_va);
int mvgpu_sim_as_write_u64(struct mvgpu_sim_context *ctx, u64 gpu_va,
			   u64 val, u64 *fault_va);

/* mvgpu_sim_engine.c */
int mvgpu_sim_engines_start(struct mvgpu_sim_device *sim);
void mvgpu_sim_engines_stop(struct mvgpu_sim_device *sim);
int mvgpu_sim_queue_start(struct mvgpu_sim_queue *q,
			  struct mvgpu_sim_context *ctx, u64 ring_va,
			  u32 ring_size);
void mvgpu_sim_queue_stop(struct mvgpu_sim_queue *q);
void mvgpu_sim_queue_kick(struct mvgpu_sim_queue *q, u32 tail);
void mvgpu_sim_engine_run(struct mvgpu_sim_engine *eng,
			  struct mvgpu_sim_context *ctx, u64 budget_ns,
			  struct mvgpu_engine_run *run);
void mvgpu_sim_engine_preempt(struct mvgpu_sim_engine *eng);
bool mvgpu_sim_queue_is_native(struct mvgpu_sim_queue *q);
void mvgpu_sim_queue_fence(struct mvgpu_sim_queue *q, u64 value, bool irq);

/* mvgpu_sim_exec.c */
enum mvgpu_sim_step_result mvgpu_sim_exec_step(struct mvgpu_sim_engine *eng,
					       struct mvgpu_sim_queue *q);

/* mvgpu_sim_native.c */
int mvgpu_sim_native_init(struct mvgpu_sim_device *sim, u32 scratch_kb);
void mvgpu_sim_native_fini(struct mvgpu_sim_device *sim);
ssize_t mvgpu_sim_native_submit(struct mvgpu_sim_device *sim,
				const char __user *buf, size_t count);
int mvgpu_sim_native_status(struct mvgpu_sim_device *sim,
			    struct mvgpu_sim_native_status *st);
ssize_t mvgpu_sim_native_scratch_rw(struct mvgpu_sim_device *sim,
				    char __user *buf, size_t count,
				    loff_t *ppos, bool write);

/* mvgpu_sim_debugfs.c */
void mvgpu_sim_debugfs_init(struct mvgpu_sim_device *sim,
			    struct dentry *root);
void mvgpu_sim_debugfs_fini(struct mvgpu_sim_device *sim);

#endif /* _MVGPU_SIM_H_ */
