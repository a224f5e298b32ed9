/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libmvgpu: drive an mvgpu vGPU from host userspace through VFIO, without a
 * guest. Used by the tests and benchmarks; also a worked example of the
 * VFIO group/container API for an mdev.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; nothing is printed.
 */
#ifndef LIBMVGPU_H
#define LIBMVGPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#include "mvgpu_packet.h"

#define MVGPU_UUID_LEN 36

/**
 * struct mvgpu_region - one VFIO region of an open vGPU
 * @offset: file offset of the region in the device fd
 * @size: bytes
 * @flags: VFIO_REGION_INFO_FLAG_*
 */
struct mvgpu_region {
	uint64_t offset;
	uint64_t size;
	uint32_t flags;
};

/**
 * struct mvgpu_dev - an open vGPU
 * @container_fd: /dev/vfio/vfio
 * @group_fd: /dev/vfio/<group>
 * @device_fd: the VFIO device
 * @group_id: IOMMU group number
 * @info: VFIO_DEVICE_GET_INFO result
 * @regions: region layout, indexed by VFIO_PCI_*_REGION_INDEX
 * @bar2: mapping of the VRAM aperture, or NULL
 * @uuid: the mdev UUID
 */
struct mvgpu_dev {
	int container_fd;
	int group_fd;
	int device_fd;
	int group_id;
	struct vfio_device_info info;
	struct mvgpu_region regions[VFIO_PCI_NUM_REGIONS];
	void *bar2;
	char uuid[MVGPU_UUID_LEN + 1];
};

/* Host-side administration through sysfs. */
int mvgpu_uuid_generate(char uuid[MVGPU_UUID_LEN + 1]);
int mvgpu_list_pgpus(char names[][32], int max);
int mvgpu_type_path(const char *pgpu, const char *type, const char *attr,
		    char *path, size_t len);
int mvgpu_type_read_u64(const char *pgpu, const char *type, const char *attr,
			uint64_t *val);
int mvgpu_vgpu_create(const char *pgpu, const char *type, const char *uuid);
int mvgpu_vgpu_remove(const char *uuid);
int mvgpu_sysfs_read(const char *path, char *buf, size_t len);
int mvgpu_sysfs_write(const char *path, const char *val);
int mvgpu_sysfs_read_u64(const char *path, uint64_t *val);

/* VFIO access. */
int mvgpu_open(struct mvgpu_dev *dev, const char *uuid);
void mvgpu_close(struct mvgpu_dev *dev);
int mvgpu_cfg_read(struct mvgpu_dev *dev, uint32_t off, void *buf, size_t len);
int mvgpu_cfg_write(struct mvgpu_dev *dev, uint32_t off, const void *buf,
		    size_t len);
int mvgpu_reg_read(struct mvgpu_dev *dev, uint32_t off, uint32_t *val);
int mvgpu_reg_write(struct mvgpu_dev *dev, uint32_t off, uint32_t val);
int mvgpu_vram_read(struct mvgpu_dev *dev, uint64_t off, void *buf,
		    size_t len);
int mvgpu_vram_write(struct mvgpu_dev *dev, uint64_t off, const void *buf,
		     size_t len);
int mvgpu_bar2_map(struct mvgpu_dev *dev);
int mvgpu_bar2_unmap(struct mvgpu_dev *dev);
int mvgpu_reset(struct mvgpu_dev *dev);
int mvgpu_irq_info(struct mvgpu_dev *dev, uint32_t index,
		   struct vfio_irq_info *info);
int mvgpu_irq_set_eventfd(struct mvgpu_dev *dev, uint32_t index, int fd);
int mvgpu_irq_intx_unmask(struct mvgpu_dev *dev);
int mvgpu_eventfd_wait(int fd, int timeout_ms, uint64_t *count);
int mvgpu_dma_map(struct mvgpu_dev *dev, void *vaddr, uint64_t iova,
		  uint64_t size);
int mvgpu_dma_map_prot(struct mvgpu_dev *dev, void *vaddr, uint64_t iova,
		       uint64_t size, bool writable);
int mvgpu_dma_unmap(struct mvgpu_dev *dev, uint64_t iova, uint64_t size);

/* Guest-memory buffers for the GPU: anonymous memory mapped for DMA. */

/**
 * struct mvgpu_dma_buf - host memory the vGPU reaches at a DMA address
 * @cpu: CPU mapping
 * @iova: DMA address (the GPU sees it at MVGPU_VA_SYSMEM + @iova)
 * @size: bytes, a multiple of the page size
 */
struct mvgpu_dma_buf {
	void *cpu;
	uint64_t iova;
	size_t size;
};

int mvgpu_dma_alloc(struct mvgpu_dev *dev, size_t size, uint64_t iova,
		    struct mvgpu_dma_buf *buf);
int mvgpu_dma_free(struct mvgpu_dev *dev, struct mvgpu_dma_buf *buf);
uint64_t mvgpu_dma_gpu_va(const struct mvgpu_dma_buf *buf, size_t offset);

/* Command queues. */

/**
 * struct mvgpu_ring - a queue of an open vGPU and its ring
 * @dev: the vGPU
 * @queue: queue index
 * @cpu: CPU mapping of the ring
 * @gpu_va: GPU VA of the ring
 * @size: ring bytes
 * @tail: next free byte offset (the value the next doorbell writes)
 * @timeout_ms: how long mvgpu_ring_emit() waits for ring space (default
 *	MVGPU_RING_TIMEOUT_MS; set it after mvgpu_ring_init())
 * @nops: NOP packets mvgpu_ring_emit() padded the ring end with (the
 *	engines execute them as commands too)
 */
struct mvgpu_ring {
	struct mvgpu_dev *dev;
	uint32_t queue;
	uint32_t *cpu;
	uint64_t gpu_va;
	uint32_t size;
	uint32_t tail;
	int timeout_ms;
	uint64_t nops;
};

#define MVGPU_RING_TIMEOUT_MS	60000

int mvgpu_queue_reg_read(struct mvgpu_dev *dev, uint32_t queue, uint32_t reg,
			 uint32_t *val);
int mvgpu_queue_reg_write(struct mvgpu_dev *dev, uint32_t queue, uint32_t reg,
			  uint32_t val);
int mvgpu_ring_init(struct mvgpu_ring *ring, struct mvgpu_dev *dev,
		    uint32_t queue, void *cpu, uint64_t gpu_va, uint32_t size);
int mvgpu_ring_emit(struct mvgpu_ring *ring, const void *packet,
		    size_t dwords);
int mvgpu_ring_kick(struct mvgpu_ring *ring);
int mvgpu_ring_submit(struct mvgpu_ring *ring, const void *packet,
		      size_t dwords);
int mvgpu_ring_wait_idle(struct mvgpu_ring *ring, int timeout_ms);
int mvgpu_ring_wait_fence(struct mvgpu_ring *ring, uint64_t value,
			  int timeout_ms);
int mvgpu_ring_wait_settled(struct mvgpu_ring *ring, int timeout_ms,
			    uint32_t *error);
int mvgpu_ring_reset(struct mvgpu_ring *ring);
int mvgpu_ring_head(struct mvgpu_ring *ring, uint32_t *head);
int mvgpu_ring_status(struct mvgpu_ring *ring, uint32_t *status);
int mvgpu_ring_error(struct mvgpu_ring *ring, uint32_t *error,
		     uint64_t *fault_addr);
uint64_t mvgpu_ring_fence(struct mvgpu_ring *ring);

/* CLOCK_MONOTONIC in nanoseconds, the clock the timeouts above use. */
uint64_t mvgpu_now_ns(void);

/* Packet builders: mvgpu_cmd_*() of mvgpu_packet.h. */

#endif /* LIBMVGPU_H */
