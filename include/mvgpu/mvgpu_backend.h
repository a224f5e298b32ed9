/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the mvgpu mediation core (mvgpu.ko) and a physical GPU
 * backend (mvgpu_sim.ko, or a hardware driver).
 */

/**
 * DOC: Backend interface
 *
 * A backend owns one or more physical GPUs (pGPUs). For each, it fills a
 * &struct mvgpu_pgpu_caps, and calls mvgpu_pgpu_register() with its
 * &struct device (the PCI function of the pGPU) and a const
 * &struct mvgpu_backend_ops. The core then registers an mdev parent on that
 * device and creates vGPUs on demand; it reaches the pGPU only through the
 * ops table. mvgpu_pgpu_unregister() removes every vGPU of the pGPU (waiting
 * for their users to close them) before it returns.
 *
 * The core never assumes how VRAM is addressed by the CPU beyond what the
 * ops give: a physical frame number for a VRAM offset (to map BAR2 of a
 * vGPU straight onto VRAM pages) and byte copies.
 */

/**
 * DOC: Execution
 *
 * Every vGPU owns one hardware context, which is a GPU address space, and
 * some hardware queues (hwq, numbered per pGPU). The core maps the vGPU's
 * VRAM chunks into its context at GPU VA 0 and, on demand, pinned guest
 * pages at MVGPU_VA_SYSMEM + their DMA address. It enables a queue with its
 * ring and rings its doorbell; the backend's engines then execute the ring
 * in that context. The backend reports back through three calls:
 * mvgpu_pgpu_resolve_fault() when an address is not mapped (the core pins
 * guest memory and maps it, or refuses), mvgpu_pgpu_fence_signalled() when
 * a FENCE packet completes, and mvgpu_pgpu_queue_error() when a queue stops
 * on an error. The backend never interprets guest registers, and the core
 * never parses command packets.
 */

/**
 * DOC: Engine scheduling
 *
 * The core decides which vGPU runs on which engine and for how long. It
 * runs one kernel thread per engine that calls
 * &mvgpu_backend_ops.engine_run with a context and a time budget: the
 * backend executes the work of that context's enabled queues, and nothing
 * else, on that engine until the budget is used up, the context has no
 * runnable work, or &mvgpu_backend_ops.engine_preempt asks it to stop.
 * Work cut short is saved with the context (its queue positions and the
 * progress of a command in flight) and resumes at the next run, on any
 * engine. A backend must bound the time between preemption points: that
 * bound is the scheduler's worst-case slice overrun. The backend keeps no
 * scheduling policy of its own; doorbells only make queues ready.
 */
#ifndef _MVGPU_BACKEND_H_
#define _MVGPU_BACKEND_H_

#include <linux/types.h>

struct device;
struct mvgpu_pgpu;
struct page;

/**
 * enum mvgpu_engine_stop - why &mvgpu_backend_ops.engine_run returned
 * @MVGPU_ENGINE_IDLE: the context has no work left on any queue
 * @MVGPU_ENGINE_SLICE: the budget is used up; work remains
 * @MVGPU_ENGINE_PREEMPTED: &mvgpu_backend_ops.engine_preempt stopped the
 *	run early; work remains
 * @MVGPU_ENGINE_WAITING: every queue of the context with work waits for a
 *	memory condition (a WAIT packet); try again after
 *	&mvgpu_engine_run.retry_ns
 */
enum mvgpu_engine_stop {
	MVGPU_ENGINE_IDLE,
	MVGPU_ENGINE_SLICE,
	MVGPU_ENGINE_PREEMPTED,
	MVGPU_ENGINE_WAITING,
};

/**
 * struct mvgpu_engine_run - outcome of one &mvgpu_backend_ops.engine_run
 * @stop: why the run ended
 * @commands: command packets the run completed
 * @retry_ns: with %MVGPU_ENGINE_WAITING, how long until a waiting queue
 *	should be polled again
 */
struct mvgpu_engine_run {
	enum mvgpu_engine_stop stop;
	u32 commands;
	u64 retry_ns;
};

/**
 * struct mvgpu_pgpu_caps - fixed properties of a physical GPU
 * @vram_size: bytes of VRAM the core may partition; a power of two and a
 *	multiple of @vram_chunk_size
 * @vram_chunk_size: allocation granule for vGPU partitions, a power of two
 *	and at least PAGE_SIZE; every chunk is physically contiguous
 * @num_engines: command engines of the pGPU
 * @num_queues: hardware command queues the core may hand out to vGPUs
 * @num_contexts: hardware contexts (address spaces); each vGPU takes one
 * @vram_cacheable: VRAM is coherent memory the CPU may map write-back (the
 *	core then maps vGPU apertures write-back); false for a device BAR,
 *	which the core maps write-combined
 */
struct mvgpu_pgpu_caps {
	u64 vram_size;
	u64 vram_chunk_size;
	u32 num_engines;
	u32 num_queues;
	u32 num_contexts;
	bool vram_cacheable;
};

/**
 * struct mvgpu_backend_ops - what the core asks of a pGPU backend
 * @vram_pfn: return the page frame number backing VRAM byte @offset
 *	(page aligned, < caps.vram_size). Called from mmap in process context;
 *	must not sleep for long. The frame must stay valid until the pGPU is
 *	unregistered.
 * @vram_read: copy @len bytes at VRAM @offset into @buf. Process context,
 *	may sleep. The range is checked by the core. Returns 0 or -errno.
 * @vram_write: copy @len bytes from @buf to VRAM @offset. As @vram_read.
 * @vram_clear: zero @len bytes of VRAM at @offset. Process context, may
 *	sleep. Returns 0 or -errno.
 * @context_create: allocate hardware context number @ctx_id (the core
 *	chooses ids below caps.num_contexts, each at most once). Process
 *	context, may sleep. Returns 0 or -errno.
 * @context_destroy: release context @ctx_id; no work of it may run after
 *	this returns, and its address space is empty. Process context, may
 *	sleep.
 * @as_map_vram: map @size bytes of VRAM at @vram_offset at GPU VA @gpu_va
 *	of context @ctx_id (all page aligned, within one VRAM chunk). Process
 *	context, may sleep. Returns 0 or -errno.
 * @as_map_page: map one system page at page-aligned GPU VA @gpu_va of
 *	context @ctx_id, replacing an earlier mapping of @gpu_va. The core
 *	holds a pin on @page until it unmaps it. Without @writable the
 *	mapping is read-only: an engine write to it must be handled as a miss
 *	(mvgpu_pgpu_resolve_fault() with write set, which maps the page again
 *	writable or refuses). Any context that may sleep, including the
 *	backend's own engine thread inside mvgpu_pgpu_resolve_fault().
 *	Returns 0 or -errno.
 * @as_unmap: remove the mappings of [@gpu_va, @gpu_va + @size) from context
 *	@ctx_id and wait until no engine still accesses them. Process context,
 *	may sleep; never called from an engine thread.
 * @queue_enable: start hardware queue @hwq for context @ctx_id with a ring
 *	of @ring_size bytes at GPU VA @ring_va (both validated by the core);
 *	head and tail start at 0. Process context. Returns 0 or -errno.
 * @queue_disable: stop @hwq, drop work not yet executed and wait until no
 *	engine runs it; no event for @hwq is reported after this returns.
 *	Process context, may sleep. Harmless on a disabled queue.
 * @queue_doorbell: commands up to byte offset @tail (validated by the core)
 *	are ready in the ring of @hwq. Process context; must not sleep long.
 * @queue_head: byte offset of the next command @hwq will execute. Any
 *	context.
 * @queue_busy: whether @hwq has work it has not finished. Any context.
 * @queue_progress: a counter of @hwq that grows whenever the queue moves
 *	forward (a command or a chunk of one completes); the core's hang
 *	watchdog compares samples of it. Any context; must not sleep.
 * @engine_run: run work of context @ctx_id on engine @engine (below
 *	caps.num_engines) for at most about @budget_ns, then fill @run and
 *	return. Called only by the core's thread of that engine, never
 *	concurrently for one engine or one context, without core locks held;
 *	may sleep, and reports events (fences, errors, faults) from inside.
 *	May overrun @budget_ns by at most one preemption interval.
 * @engine_preempt: ask the run in progress on @engine, if any, to stop at
 *	its next preemption point with %MVGPU_ENGINE_PREEMPTED. Any context
 *	that may take a spinlock; does not wait. A request that finds no run
 *	in progress is dropped.
 */
struct mvgpu_backend_ops {
	unsigned long (*vram_pfn)(void *backend_priv, u64 offset);
	int (*vram_read)(void *backend_priv, u64 offset, void *buf, size_t len);
	int (*vram_write)(void *backend_priv, u64 offset, const void *buf,
			  size_t len);
	int (*vram_clear)(void *backend_priv, u64 offset, u64 len);
	int (*context_create)(void *backend_priv, u32 ctx_id);
	void (*context_destroy)(void *backend_priv, u32 ctx_id);
	int (*as_map_vram)(void *backend_priv, u32 ctx_id, u64 gpu_va,
			   u64 vram_offset, u64 size);
	int (*as_map_page)(void *backend_priv, u32 ctx_id, u64 gpu_va,
			   struct page *page, bool writable);
	void (*as_unmap)(void *backend_priv, u32 ctx_id, u64 gpu_va, u64 size);
	int (*queue_enable)(void *backend_priv, u32 hwq, u32 ctx_id,
			    u64 ring_va, u32 ring_size);
	void (*queue_disable)(void *backend_priv, u32 hwq);
	void (*queue_doorbell)(void *backend_priv, u32 hwq, u32 tail);
	u32 (*queue_head)(void *backend_priv, u32 hwq);
	bool (*queue_busy)(void *backend_priv, u32 hwq);
	u64 (*queue_progress)(void *backend_priv, u32 hwq);
	void (*engine_run)(void *backend_priv, u32 engine, u32 ctx_id,
			   u64 budget_ns, struct mvgpu_engine_run *run);
	void (*engine_preempt)(void *backend_priv, u32 engine);
};

/**
 * mvgpu_pgpu_register() - offer a physical GPU to the mediation core
 * @dev: the pGPU's device (becomes the mdev parent)
 * @ops: backend operations, must outlive the registration
 * @caps: pGPU properties, copied
 * @backend_priv: passed back to every op
 *
 * Process context. Return: the core's handle, or an ERR_PTR().
 */
struct mvgpu_pgpu *mvgpu_pgpu_register(struct device *dev,
				       const struct mvgpu_backend_ops *ops,
				       const struct mvgpu_pgpu_caps *caps,
				       void *backend_priv);

/**
 * mvgpu_pgpu_unregister() - withdraw a physical GPU
 * @pgpu: handle from mvgpu_pgpu_register()
 *
 * Removes every vGPU of @pgpu; waits until userspace has closed them.
 * Process context.
 */
void mvgpu_pgpu_unregister(struct mvgpu_pgpu *pgpu);

/**
 * mvgpu_pgpu_resolve_fault() - ask the core to map a missing GPU address
 * @pgpu: the pGPU
 * @ctx_id: context whose address space missed
 * @gpu_va: the address
 * @write: the access writes (also when @gpu_va is mapped read-only)
 *
 * Called by an engine thread, without any address-space lock of the
 * backend held (the core calls &mvgpu_backend_ops.as_map_page). May sleep.
 * The core maps guest memory for the access asked: read-only for a read,
 * writable for a write when the user mapped the memory writable.
 * Return: 0 when @gpu_va is now mapped for the access (retry it), or
 * -EFAULT when it is outside the vGPU's memory or does not allow the
 * access: the backend then stops the queue with MVGPU_ERR_PAGE_FAULT.
 */
int mvgpu_pgpu_resolve_fault(struct mvgpu_pgpu *pgpu, u32 ctx_id, u64 gpu_va,
			     bool write);

/**
 * mvgpu_pgpu_fence_signalled() - a FENCE packet of a queue completed
 * @pgpu: the pGPU
 * @hwq: the queue
 * @value: the fence value (already written to memory)
 * @irq: the packet asked for an interrupt
 *
 * Called by an engine thread; may sleep.
 */
void mvgpu_pgpu_fence_signalled(struct mvgpu_pgpu *pgpu, u32 hwq, u64 value,
				bool irq);

/**
 * mvgpu_pgpu_queue_error() - a queue stopped on an error
 * @pgpu: the pGPU
 * @hwq: the queue, now stopped until it is disabled and enabled again
 * @reason: MVGPU_ERR_* from the uapi
 * @addr: faulting GPU VA, or 0
 *
 * Called by an engine thread; may sleep.
 */
void mvgpu_pgpu_queue_error(struct mvgpu_pgpu *pgpu, u32 hwq, u32 reason,
			    u64 addr);

#endif /* _MVGPU_BACKEND_H_ */
