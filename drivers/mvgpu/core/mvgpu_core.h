/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal structures of the mvgpu mediation core: pGPUs, vGPU types and
 * vGPU instances. Not seen by backends (they use mvgpu_backend.h).
 */
#ifndef _MVGPU_CORE_H_
#define _MVGPU_CORE_H_

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include <mvgpu/mvgpu_backend.h>

#include "mvgpu_cfg_space.h"
#include "mvgpu_display.h"
#include "mvgpu_irq.h"
#include "mvgpu_partition.h"
#include "mvgpu_sched.h"

/*
 * VFIO region offsets in the device file: the region index shifted left by
 * MVGPU_REGION_SHIFT, plus the offset in the region.
 */
#define MVGPU_REGION_SHIFT	40
#define MVGPU_REGION_MASK	(BIT_ULL(MVGPU_REGION_SHIFT) - 1)

/* full, 1/2, 1/4, 1/8, 1/16 of a pGPU */
#define MVGPU_MAX_TYPES		5

struct dentry;
struct mvgpu_pgpu;

/**
 * struct mvgpu_type - a vGPU profile: one fixed slice of a pGPU
 * @mdev_type: the mdev core's view (sysfs directory <driver>-<sysfs_name>)
 * @pgpu: the pGPU this type partitions
 * @divisor: the type holds 1/@divisor of the pGPU's VRAM and queues
 * @req: resources one vGPU of this type holds
 * @max_width: largest scanout width in pixels
 * @max_height: largest scanout height in pixels
 * @pretty_name: value of the type's "name" attribute (no spaces)
 */
struct mvgpu_type {
	struct mdev_type mdev_type;
	struct mvgpu_pgpu *pgpu;
	u32 divisor;
	struct mvgpu_partition_request req;
	u32 max_width;
	u32 max_height;
	char pretty_name[32];
};

/**
 * struct mvgpu_pgpu - a physical GPU offered by a backend
 * @link: entry in the module's list of pGPUs, which sysfs attributes
 *	search by device; guarded by that list's lock (mvgpu_pgpu.c)
 * @dev: the pGPU device; mdev parent
 * @hw: the backend's handle of the pGPU, passed to @ops
 * @ops: backend operations (&mvgpu_hw.ops)
 * @caps: backend-declared properties (a copy of &mvgpu_hw.caps)
 * @parent: mdev parent registration
 * @types: vGPU types of this pGPU
 * @mdev_types: pointers into @types, as mdev_register_parent() wants them
 * @num_types: entries used in @types
 * @lock: guards @pool and @vgpus; taken in process context only
 * @pool: free VRAM chunks, queues and contexts
 * @vgpus: live vGPUs (struct mvgpu_vgpu.pgpu_link)
 * @num_vgpus: entries on @vgpus
 * @sched: the engine scheduler, with its own lock (mvgpu_sched.h)
 * @debugfs: the pGPU's debugfs directory (mvgpu_debugfs.c); set at
 *	registration, fixed
 */
struct mvgpu_pgpu {
	struct list_head link;
	struct device *dev;
	struct mvgpu_hw *hw;
	const struct mvgpu_backend_ops *ops;
	struct mvgpu_pgpu_caps caps;
	struct mdev_parent parent;
	struct mvgpu_type types[MVGPU_MAX_TYPES];
	struct mdev_type *mdev_types[MVGPU_MAX_TYPES];
	unsigned int num_types;
	/* guards @pool, @vgpus, @num_vgpus and writes of the owner tables */
	struct mutex lock;
	struct mvgpu_partition_pool pool;
	struct list_head vgpus;
	unsigned int num_vgpus;
	struct mvgpu_pgpu_sched sched;
	struct dentry *debugfs;
};

/**
 * struct mvgpu_error_log - the first error since the guest cleared it
 * @reason: MVGPU_ERR_*, 0 when empty
 * @queue: vGPU queue index
 * @addr: faulting GPU VA, or 0
 */
struct mvgpu_error_log {
	u32 reason;
	u32 queue;
	u64 addr;
};

/**
 * struct mvgpu_regs - BAR0 register state of a vGPU
 * @scratch: MVGPU_REG_SCRATCH
 * @int_status: pending interrupt sources (MVGPU_REG_INT_STATUS)
 * @int_mask: enabled interrupt sources (MVGPU_REG_INT_MASK)
 * @reset_count: resets since creation (MVGPU_REG_RESET_COUNT)
 * @fence_pending: queues whose IRQ fence completed (MVGPU_REG_FENCE_PENDING)
 * @error: the error block (MVGPU_REG_ERROR_*)
 */
struct mvgpu_regs {
	u32 scratch;
	u32 int_status;
	u32 int_mask;
	u32 reset_count;
	u64 fence_pending;
	struct mvgpu_error_log error;
};

/**
 * struct mvgpu_queue - register state of one vGPU queue
 * @ring_base: MVGPU_Q_RING_BASE, latched when the queue is enabled
 * @ring_size: MVGPU_Q_RING_SIZE, latched when the queue is enabled
 * @tail: last valid doorbell value
 * @enabled: the backend queue runs (MVGPU_Q_CONTROL_ENABLE accepted)
 * @error: MVGPU_ERR_* that stopped the queue, or 0
 * @fault_addr: GPU VA of the fault that stopped the queue, or 0
 * @fence: value of the last FENCE packet executed
 * @wd_progress: the backend's progress counter when the watchdog last saw
 *	the queue move (or idle)
 * @wd_since: ktime_get_ns() of that sample
 * @wd_runs: engine runs the vGPU had by that sample
 *
 * @ring_base, @ring_size, @tail, @enabled and the @wd_ fields are guarded
 * by &mvgpu_vgpu.queue_lock; @error, @fault_addr and @fence, which
 * engine events write, by &mvgpu_vgpu.state_lock.
 */
struct mvgpu_queue {
	u64 ring_base;
	u32 ring_size;
	u32 tail;
	bool enabled;
	u32 error;
	u64 fault_addr;
	u64 fence;
	u64 wd_progress;
	u64 wd_since;
	u64 wd_runs;
};

/**
 * struct mvgpu_vgpu - one vGPU instance (an mdev and its VFIO device)
 * @vdev: VFIO device; its refcount owns this structure
 * @pgpu: the pGPU the vGPU lives on
 * @type: the vGPU's profile
 * @pgpu_link: entry in &mvgpu_pgpu.vgpus, under &mvgpu_pgpu.lock
 * @part: VRAM chunks, queues and context held; fixed after creation
 * @hw_ctx: the backend's context of @part.context; fixed after creation
 * @hw_queues: the backend's queues of @part.queues; fixed after creation
 * @bar2_size: size of the VRAM aperture BAR (the partition size)
 * @bar2_mmap: the whole partition lies in CPU-mappable VRAM
 *	(&mvgpu_pgpu_caps.vram_cpu_size), so BAR2, the scanout region and
 *	dma-bufs may be mapped; fixed after creation
 * @state_lock: guards @cfg, @regs, @irq and the event-written fields of
 *	@queues; taken by backend engine events, so never held while waiting
 *	for an engine (e.g. in &mvgpu_backend_ops.queue_disable)
 * @cfg: emulated PCI configuration space
 * @regs: BAR0 registers
 * @irq: interrupt eventfds and INTx state (mvgpu_irq.h)
 * @queue_lock: serialises queue configuration and the backend queue calls;
 *	taken before @state_lock, never by engine events
 * @queues: per-queue registers, @part.num_queues of them
 * @dma_lock: guards @pinned, @dma_open and @unmapping
 * @pinned: guest pages pinned for the GPU, by DMA page frame
 *	(iova >> PAGE_SHIFT), each mapped in the vGPU's context
 * @dma_open: the VFIO device is open, so guest memory may be pinned
 * @unmapping: DMA ranges whose VFIO_IOMMU_UNMAP_DMA is still in progress,
 *	where nothing may be pinned (struct mvgpu_dma_unmapping, mvgpu_dma.c)
 * @sched: scheduling state and accounting, guarded by
 *	&mvgpu_pgpu_sched.lock of @pgpu
 * @display: scanout plane, virtual monitor and their host view; its own
 *	lock (&mvgpu_display.lock) nests inside @state_lock
 * @debugfs: the vGPU's debugfs directory (mvgpu_debugfs.c); set at
 *	creation, fixed
 */
struct mvgpu_vgpu {
	struct vfio_device vdev;
	struct mvgpu_pgpu *pgpu;
	const struct mvgpu_type *type;
	struct list_head pgpu_link;
	struct mvgpu_partition part;
	struct mvgpu_hw_context *hw_ctx;
	struct mvgpu_hw_queue *hw_queues[MVGPU_MAX_QUEUES];
	u64 bar2_size;
	bool bar2_mmap;
	/* guards @cfg, @regs, @irq, event-written @queues fields; after @queue_lock */
	struct mutex state_lock;
	struct mvgpu_cfg_space cfg;
	struct mvgpu_regs regs;
	struct mvgpu_irq irq;
	/* serialises queue configuration and backend queue calls */
	struct mutex queue_lock;
	struct mvgpu_queue queues[MVGPU_MAX_QUEUES];
	/* guards @pinned, @dma_open and @unmapping */
	struct mutex dma_lock;
	struct xarray pinned;
	bool dma_open;
	struct list_head unmapping;
	/* under &mvgpu_pgpu_sched.lock of @pgpu */
	struct mvgpu_vgpu_sched sched;
	/* under its own &mvgpu_display.lock, inside @state_lock */
	struct mvgpu_display display;
	struct dentry *debugfs;
};

static inline struct mvgpu_vgpu *vdev_to_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct mvgpu_vgpu, vdev);
}

static inline bool mvgpu_pgpu_vram_cacheable(const struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.flags & MVGPU_PGPU_CAP_VRAM_CACHEABLE;
}

static inline struct mvgpu_type *mdev_type_to_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mvgpu_type, mdev_type);
}

/* mvgpu_pgpu.c */
extern struct mdev_driver mvgpu_mdev_driver;
struct mvgpu_pgpu *mvgpu_pgpu_find(struct device *dev);

/* mvgpu_sysfs.c */
void mvgpu_sysfs_init(void);
extern const struct attribute_group mvgpu_pgpu_group;
extern const struct attribute_group *mvgpu_vgpu_groups[];

/* mvgpu_vgpu.c */
int mvgpu_vgpu_init(struct mvgpu_vgpu *vgpu, struct mvgpu_type *type);
void mvgpu_vgpu_init_cfg(struct mvgpu_vgpu *vgpu);
void mvgpu_vgpu_fini(struct mvgpu_vgpu *vgpu);
int mvgpu_vgpu_vram_clear(struct mvgpu_vgpu *vgpu);
int mvgpu_vgpu_vram_rw(struct mvgpu_vgpu *vgpu, u64 offset, void *buf,
		       size_t len, bool write);
int mvgpu_vgpu_reset(struct mvgpu_vgpu *vgpu);

/* mvgpu_queue.c */
bool mvgpu_queue_reg(u32 offset);
int mvgpu_queue_read(struct mvgpu_vgpu *vgpu, u32 offset, u32 *val);
void mvgpu_queue_write(struct mvgpu_vgpu *vgpu, u32 offset, u32 val);
void mvgpu_queues_stop(struct mvgpu_vgpu *vgpu);
bool mvgpu_queue_running_locked(struct mvgpu_vgpu *vgpu, u32 q);
bool mvgpu_queue_progress_locked(struct mvgpu_vgpu *vgpu, u32 q, u64 *progress);
void mvgpu_queue_stop_hung_locked(struct mvgpu_vgpu *vgpu, u32 q);

/* mvgpu_dma.c */
void mvgpu_dma_open(struct mvgpu_vgpu *vgpu);
void mvgpu_dma_release_all(struct mvgpu_vgpu *vgpu, bool closing);
void mvgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length);
void mvgpu_dma_debugfs_init(struct dentry *root);

/* mvgpu_vfio.c */
extern const struct vfio_device_ops mvgpu_vfio_ops;

#endif /* _MVGPU_CORE_H_ */
