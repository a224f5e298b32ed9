/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the mvgpu mediation core (mvgpu.ko) and a physical GPU
 * backend (mvgpu_sim.ko, or a hardware driver).
 *
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
#ifndef _MVGPU_BACKEND_H_
#define _MVGPU_BACKEND_H_

#include <linux/types.h>

struct device;
struct mvgpu_pgpu;

/**
 * struct mvgpu_pgpu_caps - fixed properties of a physical GPU
 * @vram_size: bytes of VRAM the core may partition; a power of two and a
 *	multiple of @vram_chunk_size
 * @vram_chunk_size: allocation granule for vGPU partitions, a power of two
 *	and at least PAGE_SIZE; every chunk is physically contiguous
 * @num_engines: command engines of the pGPU
 * @num_queues: hardware command queues the core may hand out to vGPUs
 * @num_contexts: hardware contexts (address spaces); each vGPU takes one
 */
struct mvgpu_pgpu_caps {
	u64 vram_size;
	u64 vram_chunk_size;
	u32 num_engines;
	u32 num_queues;
	u32 num_contexts;
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
 *	this returns. Process context, may sleep.
 */
struct mvgpu_backend_ops {
	unsigned long (*vram_pfn)(void *backend_priv, u64 offset);
	int (*vram_read)(void *backend_priv, u64 offset, void *buf, size_t len);
	int (*vram_write)(void *backend_priv, u64 offset, const void *buf,
			  size_t len);
	int (*vram_clear)(void *backend_priv, u64 offset, u64 len);
	int (*context_create)(void *backend_priv, u32 ctx_id);
	void (*context_destroy)(void *backend_priv, u32 ctx_id);
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

#endif /* _MVGPU_BACKEND_H_ */
