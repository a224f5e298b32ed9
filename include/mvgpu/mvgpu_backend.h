/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the mvgpu mediation core (mvgpu.ko) and a physical GPU
 * backend (mvgpu_sim.ko, or a hardware driver).
 */

/**
 * DOC: Backend interface
 *
 * A backend owns one or more physical GPUs (pGPUs). For each, it embeds a
 * &struct mvgpu_hw in its own device structure (and reaches its structure
 * from the handle with container_of()), fills in the pGPU's &struct device
 * (which becomes the mdev parent), a const &struct mvgpu_backend_ops and
 * the &struct mvgpu_pgpu_caps, and calls mvgpu_hw_register(). The core
 * then registers an mdev parent on that device and creates vGPUs on demand;
 * it reaches the pGPU only through the ops table. mvgpu_hw_unregister()
 * removes every vGPU of the pGPU (waiting for their users to close them)
 * before it returns.
 *
 * Every object crosses the seam as a typed handle that the backend
 * allocates and embeds in its own structure, as drm_sched's
 * &drm_gpu_scheduler is embedded in a driver's ring: the pGPU
 * (&struct mvgpu_hw), a hardware context (&struct mvgpu_hw_context,
 * returned by &mvgpu_backend_ops.context_create) and a hardware queue
 * (&struct mvgpu_hw_queue, returned by &mvgpu_backend_ops.queue_create).
 * Fields marked private in them belong to the core; the backend neither
 * reads nor writes them.
 *
 * Each op's kernel-doc says its calling context. Ops not marked
 * "optional" are mandatory: mvgpu_hw_register() refuses an ops table that
 * lacks one. The core checks every optional op for NULL before calling it,
 * and falls back as the op's text says.
 *
 * The core never assumes how VRAM is addressed by the CPU beyond what the
 * ops give: byte copies (&mvgpu_backend_ops.vram_read and friends) for all
 * of VRAM, and a physical frame number for the first
 * &mvgpu_pgpu_caps.vram_cpu_size bytes (&mvgpu_backend_ops.vram_pfn), to
 * map BAR2 of a vGPU straight onto VRAM pages.
 */

/**
 * DOC: Execution
 *
 * Every vGPU owns one hardware context, which is a GPU address space, and
 * some hardware queues bound to that context. The core maps the vGPU's
 * VRAM chunks into its context at GPU VA 0 and, on demand, pinned guest
 * pages at MVGPU_VA_SYSMEM + their DMA address. It enables a queue with
 * its ring and rings its doorbell; the backend's engines then execute the
 * ring in that context. The backend reports back through three calls:
 * mvgpu_hw_resolve_fault() when an address is not mapped (the core pins
 * guest memory and maps it, or refuses), mvgpu_hw_fence_signalled() when a
 * FENCE packet completes, and mvgpu_hw_queue_error() when a queue stops on
 * an error. The backend never interprets guest registers, and the core
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

/**
 * DOC: pGPU lifecycle
 *
 * What a real GPU needs beyond running work, and where it stands:
 *
 * - Reset (FLR): &mvgpu_backend_ops.reset, optional. The core calls it
 *   when a pGPU is registered, before any vGPU exists, and when it is
 *   unregistered, after the last vGPU is gone, so every pGPU enters and
 *   leaves the core with idle engines, no enabled queue and no context. A
 *   reset with vGPUs alive (re-creating their contexts, mappings and
 *   queues afterwards) is a non-goal: a hung queue is stopped alone
 *   (&mvgpu_backend_ops.queue_disable, from the core's watchdog) and a
 *   vGPU reset only disables its own queues.
 * - Engine error recovery: &mvgpu_backend_ops.engine_run must return
 *   within its budget plus one preemption interval, also after an error;
 *   an error stops only the queue that caused it
 *   (mvgpu_hw_queue_error()), and the guest recovers it by disabling and
 *   enabling the queue. A per-engine reset op for an engine that does not
 *   come back from engine_run is a non-goal: the core's engine thread is
 *   blocked in the backend then, and the backend must recover it itself.
 * - Suspend and resume of the host with vGPUs alive is a non-goal: a
 *   backend's power management must refuse to suspend while its pGPU is
 *   registered (no op exists for it).
 * - Live migration of a vGPU's backend state: &mvgpu_backend_ops.ctx_save
 *   and &mvgpu_backend_ops.ctx_restore, optional. The core has no
 *   migration yet and calls neither; they fix the shape of the state a
 *   backend owes (per context: queue positions, a command in flight),
 *   and no backend implements them yet.
 */
#ifndef _MVGPU_BACKEND_H_
#define _MVGPU_BACKEND_H_

#include <linux/bits.h>
#include <linux/types.h>

struct device;
struct mvgpu_backend_ops;
struct mvgpu_pgpu;
struct mvgpu_vgpu;
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

/*
 * VRAM is coherent memory the CPU may map write-back (the core then maps
 * vGPU apertures write-back); without it VRAM is a device BAR, which the
 * core maps write-combined.
 */
#define MVGPU_PGPU_CAP_VRAM_CACHEABLE	BIT(0)

/**
 * struct mvgpu_pgpu_caps - fixed properties of a physical GPU
 * @vram_size: bytes of VRAM the core may partition; a power of two and a
 *	multiple of @vram_chunk_size
 * @vram_chunk_size: allocation granule for vGPU partitions, a power of two
 *	and at least PAGE_SIZE; every chunk is physically contiguous
 * @vram_cpu_size: bytes of VRAM, from offset 0, that the CPU can map
 *	(&mvgpu_backend_ops.vram_pfn): all of @vram_size on a large-BAR GPU,
 *	the BAR's size on one whose VRAM is bigger than its BAR, 0 for VRAM
 *	the CPU reaches only through copies. A multiple of @vram_chunk_size,
 *	at most @vram_size. A vGPU whose partition lies wholly below it gets
 *	a mappable BAR2 (and its scanout and dma-bufs); any other vGPU's BAR2
 *	is read and written through the VFIO file only (the region does not
 *	offer mmap, so QEMU traps the accesses), and the vGPU offers no
 *	scanout mmap and no dma-buf planes. The core places partitions
 *	without regard to it.
 * @flags: MVGPU_PGPU_CAP_* bits
 * @num_engines: command engines of the pGPU
 * @num_queues: hardware command queues the core may hand out to vGPUs
 * @num_contexts: hardware contexts (address spaces); each vGPU takes one
 */
struct mvgpu_pgpu_caps {
	u64 vram_size;
	u64 vram_chunk_size;
	u64 vram_cpu_size;
	u32 flags;
	u32 num_engines;
	u32 num_queues;
	u32 num_contexts;
};

/**
 * struct mvgpu_hw - a physical GPU as its backend offers it to the core
 * @dev: the pGPU's device: the mdev parent, and the device the core logs
 *	with. Its driver's name prefixes the vGPU type names.
 * @ops: backend operations; must outlive the registration
 * @caps: the pGPU's properties; read by the core, fixed while registered
 *
 * The backend embeds this in its own per-pGPU structure, fills in @dev,
 * @ops and @caps, and passes it to mvgpu_hw_register(). Every op gets it
 * back (or a context or queue created on it).
 */
struct mvgpu_hw {
	struct device *dev;
	const struct mvgpu_backend_ops *ops;
	struct mvgpu_pgpu_caps caps;
	/* private: owned by the core while registered */
	struct mvgpu_pgpu *pgpu;
};

/**
 * struct mvgpu_hw_context - a hardware context (GPU address space)
 * @hw: the pGPU
 * @id: the number the core created it with (below caps.num_contexts)
 *
 * Allocated by &mvgpu_backend_ops.context_create, usually embedded in the
 * backend's own context structure; the backend sets @hw and @id before it
 * returns it. Valid until &mvgpu_backend_ops.context_destroy.
 */
struct mvgpu_hw_context {
	struct mvgpu_hw *hw;
	u32 id;
	/* private: the vGPU the context belongs to, set by the core */
	struct mvgpu_vgpu *vgpu;
};

/**
 * struct mvgpu_hw_queue - a hardware command queue bound to a context
 * @ctx: the context its ring executes in
 * @id: the number the core created it with (below caps.num_queues)
 *
 * Allocated by &mvgpu_backend_ops.queue_create, usually embedded in the
 * backend's own queue structure; the backend sets @ctx and @id before it
 * returns it. Valid until &mvgpu_backend_ops.queue_destroy.
 */
struct mvgpu_hw_queue {
	struct mvgpu_hw_context *ctx;
	u32 id;
	/* private: the vGPU and its queue index, set by the core */
	struct mvgpu_vgpu *vgpu;
	u32 index;
};

/**
 * struct mvgpu_hw_queue_status - a snapshot of one hardware queue
 * @head: byte offset in the ring of the next command the queue executes
 * @busy: the queue has work it has not finished (the ring is not empty,
 *	or a command is in flight)
 * @progress: a counter that grows whenever the queue moves forward (a
 *	command or a chunk of one completes); the core's hang watchdog
 *	compares samples of it
 */
struct mvgpu_hw_queue_status {
	u32 head;
	bool busy;
	u64 progress;
};

/**
 * struct mvgpu_backend_ops - what the core asks of a pGPU backend
 *
 * VRAM. Offsets and lengths are checked by the core: they lie inside
 * caps.vram_size.
 *
 * @vram_pfn: optional, mandatory when caps.vram_cpu_size is not 0: the
 *	page frame number backing VRAM byte @offset (page aligned, below
 *	caps.vram_cpu_size). Called from mmap and page faults in process
 *	context; must not sleep for long. The frame must stay valid until
 *	the pGPU is unregistered.
 * @vram_read: copy @len bytes at VRAM @offset into @buf. Process context,
 *	may sleep. Returns 0 or -errno.
 * @vram_write: copy @len bytes from @buf to VRAM @offset. As @vram_read.
 * @vram_clear: zero @len bytes of VRAM at @offset. Process context, may
 *	sleep. Returns 0 or -errno.
 *
 * Contexts and their address spaces.
 *
 * @context_create: create an empty context numbered @id (the core chooses
 *	numbers below caps.num_contexts, each live at most once; a backend
 *	may use it as its slot). Process context, may sleep. Returns the
 *	context, or an ERR_PTR() (never NULL).
 * @context_destroy: release @ctx; its queues are destroyed and its address
 *	space is empty. No work of it runs after this returns. Process
 *	context, may sleep.
 * @as_map_vram: map @size bytes of VRAM at @vram_offset at GPU VA @gpu_va
 *	of @ctx (all page aligned, within one VRAM chunk). Process context,
 *	may sleep. Returns 0 or -errno.
 * @as_map_page: map one system page at page-aligned GPU VA @gpu_va of
 *	@ctx, replacing an earlier mapping of @gpu_va. The core holds a pin
 *	on @page until it unmaps it. Without @writable the mapping is
 *	read-only: an engine write to it must be handled as a miss
 *	(mvgpu_hw_resolve_fault() with write set, which maps the page again
 *	writable or refuses). Any context that may sleep, including the
 *	backend's own engine thread inside mvgpu_hw_resolve_fault().
 *	Returns 0 or -errno.
 * @as_unmap: remove the mappings of [@gpu_va, @gpu_va + @size) from @ctx
 *	and wait until no engine still accesses them. Process context, may
 *	sleep; never called from an engine thread.
 *
 * Queues. The core never calls two queue ops on one queue at once.
 *
 * @queue_create: create hardware queue number @id (the core chooses
 *	numbers below caps.num_queues, each live at most once), bound to
 *	@ctx for its whole life, disabled. Process context, may sleep.
 *	Returns the queue, or an ERR_PTR() (never NULL).
 * @queue_destroy: release @q, which is disabled. Process context.
 * @queue_enable: start @q with a ring of @ring_size bytes at GPU VA
 *	@ring_va of its context (both validated by the core: a power of two
 *	of at least 4 KiB, aligned, inside the vGPU's memory); head and tail
 *	start at 0. Process context. Returns 0 or -errno.
 * @queue_disable: stop @q, drop work not yet executed and wait until no
 *	engine runs it; no event for @q is reported after this returns, and
 *	its status reads idle at head 0. Process context, may sleep. Harmless
 *	on a disabled queue.
 * @queue_doorbell: commands up to byte offset @tail (validated by the core)
 *	are ready in the ring of the enabled @q. Process context; must not
 *	sleep long.
 * @queue_status: fill @st for the enabled @q. Any context; must not sleep.
 *
 * Engines, numbered below caps.num_engines.
 *
 * @engine_run: run work of @ctx on engine @engine of @hw for at most about
 *	@budget_ns, then fill @run and return. Called only by the core's
 *	thread of that engine, never concurrently for one engine or one
 *	context, without core locks held; may sleep, and reports events
 *	(fences, errors, faults) from inside. May overrun @budget_ns by at
 *	most one preemption interval.
 * @engine_preempt: ask the run in progress on @engine, if any, to stop at
 *	its next preemption point with %MVGPU_ENGINE_PREEMPTED. Any context
 *	that may take a spinlock; does not wait. A request that finds no run
 *	in progress is dropped.
 *
 * Lifecycle (see "pGPU lifecycle" above).
 *
 * @reset: optional: reset the pGPU (a function-level reset on hardware):
 *	stop every engine, disable and forget every queue and context the
 *	core may have created. The core calls it with no vGPU alive, from
 *	mvgpu_hw_register() before the pGPU is offered and from
 *	mvgpu_hw_unregister() after the last vGPU left. Process context, may
 *	sleep. Returns 0 or -errno; registration fails if it fails. Without
 *	it the backend must hand over a pGPU in that state.
 * @ctx_save: optional, not called yet (migration is a non-goal so far):
 *	with every queue of @ctx stopped at a packet boundary, write the
 *	context's backend state to @buf (at most @len bytes). Process
 *	context. Returns the bytes written or -errno.
 * @ctx_restore: optional, not called yet: load state that @ctx_save wrote
 *	(@len bytes at @buf, untrusted) into the fresh @ctx. Process
 *	context. Returns 0 or -errno.
 */
struct mvgpu_backend_ops {
	unsigned long (*vram_pfn)(struct mvgpu_hw *hw, u64 offset);
	int (*vram_read)(struct mvgpu_hw *hw, u64 offset, void *buf,
			 size_t len);
	int (*vram_write)(struct mvgpu_hw *hw, u64 offset, const void *buf,
			  size_t len);
	int (*vram_clear)(struct mvgpu_hw *hw, u64 offset, u64 len);

	struct mvgpu_hw_context *(*context_create)(struct mvgpu_hw *hw, u32 id);
	void (*context_destroy)(struct mvgpu_hw_context *ctx);
	int (*as_map_vram)(struct mvgpu_hw_context *ctx, u64 gpu_va,
			   u64 vram_offset, u64 size);
	int (*as_map_page)(struct mvgpu_hw_context *ctx, u64 gpu_va,
			   struct page *page, bool writable);
	void (*as_unmap)(struct mvgpu_hw_context *ctx, u64 gpu_va, u64 size);

	struct mvgpu_hw_queue *(*queue_create)(struct mvgpu_hw_context *ctx,
					       u32 id);
	void (*queue_destroy)(struct mvgpu_hw_queue *q);
	int (*queue_enable)(struct mvgpu_hw_queue *q, u64 ring_va,
			    u32 ring_size);
	void (*queue_disable)(struct mvgpu_hw_queue *q);
	void (*queue_doorbell)(struct mvgpu_hw_queue *q, u32 tail);
	void (*queue_status)(struct mvgpu_hw_queue *q,
			     struct mvgpu_hw_queue_status *st);

	void (*engine_run)(struct mvgpu_hw *hw, u32 engine,
			   struct mvgpu_hw_context *ctx, u64 budget_ns,
			   struct mvgpu_engine_run *run);
	void (*engine_preempt)(struct mvgpu_hw *hw, u32 engine);

	int (*reset)(struct mvgpu_hw *hw);
	ssize_t (*ctx_save)(struct mvgpu_hw_context *ctx, void *buf,
			    size_t len);
	int (*ctx_restore)(struct mvgpu_hw_context *ctx, const void *buf,
			   size_t len);
};

/**
 * mvgpu_hw_register() - offer a physical GPU to the mediation core
 * @hw: the pGPU, with @hw->dev, @hw->ops and @hw->caps filled in; it must
 *	stay in place until mvgpu_hw_unregister() returns
 *
 * Checks @hw->caps and that @hw->ops has every mandatory op, resets the
 * pGPU (&mvgpu_backend_ops.reset, if any), and registers the mdev parent.
 * Ops may be called before this returns. Process context.
 * Return: 0 or -errno.
 */
int mvgpu_hw_register(struct mvgpu_hw *hw);

/**
 * mvgpu_hw_unregister() - withdraw a physical GPU
 * @hw: a pGPU mvgpu_hw_register() accepted
 *
 * Removes every vGPU of @hw, waiting until userspace has closed them, then
 * resets the pGPU (&mvgpu_backend_ops.reset, if any). No op is called
 * after this returns. Process context.
 */
void mvgpu_hw_unregister(struct mvgpu_hw *hw);

/**
 * mvgpu_hw_resolve_fault() - ask the core to map a missing GPU address
 * @ctx: context whose address space missed
 * @gpu_va: the address
 * @write: the access writes (also when @gpu_va is mapped read-only)
 *
 * Called by an engine thread running @ctx, without any address-space lock
 * of the backend held (the core calls &mvgpu_backend_ops.as_map_page). May
 * sleep. The core maps guest memory for the access asked: read-only for a
 * read, writable for a write when the user mapped the memory writable.
 * Return: 0 when @gpu_va is now mapped for the access (retry it), or
 * -EFAULT when it is outside the vGPU's memory or does not allow the
 * access: the backend then stops the queue with MVGPU_ERR_PAGE_FAULT.
 */
int mvgpu_hw_resolve_fault(struct mvgpu_hw_context *ctx, u64 gpu_va,
			   bool write);

/**
 * mvgpu_hw_fence_signalled() - a FENCE packet of a queue completed
 * @q: the queue
 * @value: the fence value (already written to memory)
 * @irq: the packet asked for an interrupt
 *
 * Called by the engine thread running @q; may sleep.
 */
void mvgpu_hw_fence_signalled(struct mvgpu_hw_queue *q, u64 value, bool irq);

/**
 * mvgpu_hw_queue_error() - a queue stopped on an error
 * @q: the queue, now stopped until it is disabled and enabled again
 * @reason: MVGPU_ERR_* from the uapi
 * @addr: faulting GPU VA, or 0
 *
 * Called by the engine thread running @q; may sleep.
 */
void mvgpu_hw_queue_error(struct mvgpu_hw_queue *q, u32 reason, u64 addr);

#endif /* _MVGPU_BACKEND_H_ */
