/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Partitioning of one pGPU's VRAM, queues and contexts between vGPUs.
 *
 * Pure logic: no locking, no VFIO/mdev/PCI. The caller serialises calls on
 * one pool. Built into mvgpu.ko and into the userspace unit tests.
 */
#ifndef _MVGPU_PARTITION_H_
#define _MVGPU_PARTITION_H_

#include <linux/types.h>

/**
 * struct mvgpu_partition_pool - free resources of one pGPU
 * @chunk_size: bytes per VRAM chunk (power of two)
 * @num_chunks: VRAM chunks in the pGPU
 * @free_chunks: chunks not held by any vGPU
 * @num_queues: hardware queues in the pGPU
 * @free_queues: queues not held by any vGPU
 * @num_contexts: hardware contexts in the pGPU
 * @free_contexts: contexts not held by any vGPU
 * @chunk_used: bitmap of @num_chunks bits, set = held
 * @queue_used: bitmap of @num_queues bits, set = held
 * @context_used: bitmap of @num_contexts bits, set = held
 */
struct mvgpu_partition_pool {
	u64 chunk_size;
	u32 num_chunks;
	u32 free_chunks;
	u32 num_queues;
	u32 free_queues;
	u32 num_contexts;
	u32 free_contexts;
	unsigned long *chunk_used;
	unsigned long *queue_used;
	unsigned long *context_used;
};

/**
 * struct mvgpu_partition_request - what one vGPU of a type needs
 * @vram_size: bytes of VRAM; a multiple of the pool's chunk size
 * @num_queues: hardware queues
 */
struct mvgpu_partition_request {
	u64 vram_size;
	u32 num_queues;
};

/**
 * struct mvgpu_partition - resources held by one vGPU
 * @num_chunks: length of @chunks
 * @chunks: pool chunk index of each consecutive chunk of the vGPU's VRAM
 * @num_queues: length of @queues
 * @queues: pool queue index of each vGPU queue
 * @context: pool context index of the vGPU
 */
struct mvgpu_partition {
	u32 num_chunks;
	u32 *chunks;
	u32 num_queues;
	u32 *queues;
	u32 context;
};

/**
 * enum mvgpu_partition_resource - which resource made a reservation fail
 * @MVGPU_RES_NONE: nothing ran out
 * @MVGPU_RES_VRAM: not enough free VRAM chunks
 * @MVGPU_RES_QUEUES: not enough free queues
 * @MVGPU_RES_CONTEXTS: no free context
 */
enum mvgpu_partition_resource {
	MVGPU_RES_NONE,
	MVGPU_RES_VRAM,
	MVGPU_RES_QUEUES,
	MVGPU_RES_CONTEXTS,
};

int mvgpu_partition_pool_init(struct mvgpu_partition_pool *pool,
			      u64 vram_size, u64 chunk_size, u32 num_queues,
			      u32 num_contexts);
void mvgpu_partition_pool_fini(struct mvgpu_partition_pool *pool);
unsigned int
mvgpu_partition_available(const struct mvgpu_partition_pool *pool,
			  const struct mvgpu_partition_request *req);
int mvgpu_partition_reserve(struct mvgpu_partition_pool *pool,
			    const struct mvgpu_partition_request *req,
			    struct mvgpu_partition *part,
			    enum mvgpu_partition_resource *exhausted);
void mvgpu_partition_release(struct mvgpu_partition_pool *pool,
			     struct mvgpu_partition *part);
int mvgpu_partition_translate(const struct mvgpu_partition_pool *pool,
			      const struct mvgpu_partition *part, u64 offset,
			      u64 *vram_offset, u64 *contiguous);
const char *mvgpu_partition_resource_name(enum mvgpu_partition_resource res);

#endif /* _MVGPU_PARTITION_H_ */
