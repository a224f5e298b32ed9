/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mvgpu guest DRM driver: device, buffer object and queue structures
 * shared by the driver's files.
 */
#ifndef _MVGPU_DRM_H_
#define _MVGPU_DRM_H_

#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_mm.h>
#include <drm/drm_simple_kms_helper.h>

#include <uapi/mvgpu/mvgpu_regs.h>

/* Queues the driver uses, at most: each has its own ring and timeline. */
#define MVDRM_MAX_QUEUES	8
/* Ring bytes per queue (power of 2, MVGPU_RING_SIZE_MIN..MAX). */
#define MVDRM_RING_SIZE		(128 * 1024)
/* Largest submit: a quarter of the ring, so two always fit. */
#define MVDRM_MAX_SUBMIT_DWORDS	(MVDRM_RING_SIZE / 4 / 4)
#define MVDRM_MAX_SUBMIT_BOS	256
/* Submits whose fence WAIT can still find by sequence number. */
#define MVDRM_FENCE_HISTORY	256
/* Largest SYSTEM object: DMA-contiguous without CMA (order-10 pages). */
#define MVDRM_MAX_SYSTEM_BO	(4 * 1024 * 1024)

struct mvdrm_device;

/**
 * struct mvdrm_bo - a GEM buffer object of the mvgpu driver
 * @base: the GEM object
 * @domain: MVGPU_GEM_DOMAIN_VRAM or MVGPU_GEM_DOMAIN_SYSTEM
 * @gpu_va: GPU virtual address of the first byte, fixed for the object's life
 * @vram_node: VRAM domain: the object's range of VRAM (offset = GPU VA),
 *	allocated under &mvdrm_device.vram_lock
 * @vaddr: SYSTEM domain: kernel address of the DMA-coherent memory
 * @dma_addr: SYSTEM domain: its DMA address
 *
 * Objects never move: the GPU VA userspace puts into command packets stays
 * valid until the object is freed, which a pending submit prevents by
 * holding a reference.
 */
struct mvdrm_bo {
	struct drm_gem_object base;
	u32 domain;
	u64 gpu_va;
	struct drm_mm_node vram_node;
	void *vaddr;
	dma_addr_t dma_addr;
};

/**
 * struct mvdrm_fence - the fence of one submit
 * @base: the dma_fence; its seqno is the submit's sequence number
 * @link: in &mvdrm_queue.pending, under &mvdrm_queue.fence_lock
 * @ring_end: ring byte offset just past the submit's FENCE packet: the
 *	ring is free up to here once the fence signals
 * @bo_count: entries in @bos
 * @bos: the submit's buffer objects, referenced until the fence signals
 */
struct mvdrm_fence {
	struct dma_fence base;
	struct list_head link;
	u32 ring_end;
	u32 bo_count;
	struct drm_gem_object **bos;
};

/**
 * struct mvdrm_queue - one hardware queue of the vGPU and its ring
 * @mdrm: the device
 * @index: queue index
 * @fence_context: dma_fence context of the queue's timeline
 * @submit_lock: serialises writers of the ring: @tail, @last_seqno, the
 *	ring contents and the TAIL doorbell; recovery holds it to reset the
 *	queue
 * @fence_lock: the lock of every fence of the queue; guards @pending,
 *	@retired_head and @history
 * @ring: ring memory (DMA-coherent, guest system memory)
 * @ring_dma: its DMA address
 * @tail: byte offset where the next packet goes (under @submit_lock)
 * @retired_head: ring offset up to which the engine is known to be done
 *	(under @fence_lock)
 * @last_seqno: last sequence number issued (under @submit_lock; read
 *	with READ_ONCE elsewhere)
 * @pending: fences not yet signalled, oldest first
 * @history: the fences of the last MVDRM_FENCE_HISTORY submits,
 *	indexed by seqno modulo that count, each holding a reference
 * @space_wait: woken when fences retire and free ring space
 * @fence_slot: where the queue's FENCE packets write their value (part
 *	of &mvdrm_device.status page)
 * @fence_slot_va: GPU VA of @fence_slot
 * @watch_seqno: oldest pending seqno at the last periodic check, 0 if
 *	idle (only the periodic check, a single work item, uses @watch_*)
 * @watch_head: the queue's HEAD register at that check
 * @watch_since: jiffies since which neither changed
 * @stopped: mvdrm_queue_stop() saw the engine stop the queue and the ring
 *	was not enabled again since (under @submit_lock): only then may
 *	pending work fail and its objects be released
 */
struct mvdrm_queue {
	struct mvdrm_device *mdrm;
	u32 index;
	u64 fence_context;
	struct mutex submit_lock;	/* ring writers, see above */
	spinlock_t fence_lock;		/* fences, @pending, @history */
	__le32 *ring;
	dma_addr_t ring_dma;
	u32 tail;
	u32 retired_head;
	u64 last_seqno;
	struct list_head pending;
	struct mvdrm_fence *history[MVDRM_FENCE_HISTORY];
	wait_queue_head_t space_wait;
	__le64 *fence_slot;
	u64 fence_slot_va;
	u64 watch_seqno;
	u32 watch_head;
	unsigned long watch_since;
	bool stopped;
};

/**
 * struct mvdrm_device - a mvgpu vGPU bound to this driver
 * @drm: the DRM device
 * @pdev: the PCI function
 * @mmio: BAR0 registers
 * @vram: BAR2, the whole VRAM, write-combined
 * @vram_base: bus address of BAR2
 * @vram_size: VRAM bytes (MVGPU_REG_VRAM_SIZE)
 * @abi_version: MVGPU_REG_ABI_VERSION
 * @caps: MVGPU_REG_CAPS
 * @num_engines: MVGPU_REG_NUM_ENGINES
 * @num_queues: queues this driver uses (<= MVDRM_MAX_QUEUES)
 * @vram_lock: guards @vram_mm and @vram_used
 * @vram_mm: allocator of VRAM ranges
 * @vram_used: bytes of VRAM allocated
 * @status: DMA-coherent page of per-queue fence slots
 * @status_dma: its DMA address
 * @queues: the queues
 * @irq: Linux IRQ number of the vGPU's interrupt (MSI or INTx)
 * @irq_pending: INT_STATUS bits the hard IRQ handler collected for the
 *	threaded handler (atomic)
 * @resets: recoveries since the driver bound (atomic)
 * @reset_count: MVGPU_REG_RESET_COUNT when the device was last
 *	initialised; a change means the host reset the vGPU (under
 *	@recovery_lock)
 * @recovery_lock: serialises recoveries and device (re)initialisation
 * @recovery_work: recovers queues stopped on error (ERROR interrupt)
 * @hangcheck_work: periodic while work is pending: notices a vGPU reset,
 *	retires fences whose interrupt went missing and resets a queue that
 *	made no progress for the hang_timeout_ms module parameter
 * @hotplug_work: re-probes the connector after a DISPLAY interrupt
 * @pipe: the display pipe: one CRTC, its primary plane and an encoder
 * @connector: the virtual connector
 * @disp_regs_lock: guards @disp_regs (the plane last programmed)
 * @disp_regs: values of MVGPU_REG_DISP_CONTROL..OFFSET_HI last shown
 *	(a plane the device refused reads as disabled), re-written after a
 *	vGPU reset
 * @disp_refused: planes the device refused since the driver bound (atomic)
 * @disp_inject_refusal: debugfs fault injection: the next update that
 *	shows a plane is written so that the device refuses it (atomic)
 */
struct mvdrm_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *mmio;
	void __iomem *vram;
	resource_size_t vram_base;
	u64 vram_size;
	u32 abi_version;
	u32 caps;
	u32 num_engines;
	u32 num_queues;

	struct mutex vram_lock;		/* @vram_mm, @vram_used */
	struct drm_mm vram_mm;
	u64 vram_used;

	__le64 *status;
	dma_addr_t status_dma;
	struct mvdrm_queue queues[MVDRM_MAX_QUEUES];

	int irq;
	atomic_t irq_pending;
	atomic_t resets;
	u32 reset_count;
	struct mutex recovery_lock;	/* one recovery at a time */
	struct work_struct recovery_work;
	struct delayed_work hangcheck_work;
	struct work_struct hotplug_work;

	struct drm_simple_display_pipe pipe;
	struct drm_connector connector;
	spinlock_t disp_regs_lock;	/* @disp_regs */
	u32 disp_regs[7];
	atomic_t disp_refused;
	atomic_t disp_inject_refusal;
};

static inline struct mvdrm_device *to_mvdrm_device(struct drm_device *drm)
{
	return container_of(drm, struct mvdrm_device, drm);
}

static inline struct mvdrm_bo *to_mvdrm_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct mvdrm_bo, base);
}

static inline u32 mvdrm_read(struct mvdrm_device *mdrm, u32 reg)
{
	return ioread32(mdrm->mmio + reg);
}

static inline void mvdrm_write(struct mvdrm_device *mdrm, u32 reg, u32 val)
{
	iowrite32(val, mdrm->mmio + reg);
}

/* mvgpu_drm_debugfs.c */
struct drm_minor;
void mvdrm_debugfs_init(struct drm_minor *minor);

/* mvgpu_drm_gem.c */
struct drm_file;
struct drm_mode_create_dumb;
int mvdrm_gem_init(struct mvdrm_device *mdrm);
void mvdrm_gem_fini(struct mvdrm_device *mdrm);
struct mvdrm_bo *mvdrm_bo_create(struct mvdrm_device *mdrm, u64 size,
				 u32 domain);
int mvdrm_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			  struct drm_mode_create_dumb *args);
int mvdrm_gem_create_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int mvdrm_gem_info_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
u64 mvdrm_gem_vram_used(struct mvdrm_device *mdrm);

/* mvgpu_drm_kms.c */
int mvdrm_kms_init(struct mvdrm_device *mdrm);
void mvdrm_kms_restore(struct mvdrm_device *mdrm);
void mvdrm_kms_hotplug_work(struct work_struct *work);

/* mvgpu_drm_submit.c */
int mvdrm_submit_init(struct mvdrm_device *mdrm);
void mvdrm_submit_fini(struct mvdrm_device *mdrm);
int mvdrm_irq_init(struct mvdrm_device *mdrm);
void mvdrm_irq_fini(struct mvdrm_device *mdrm);
void mvdrm_device_recover(struct mvdrm_device *mdrm, bool device_reset);
int mvdrm_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int mvdrm_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

#endif /* _MVGPU_DRM_H_ */
