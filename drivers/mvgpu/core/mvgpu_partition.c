// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partitioning of one pGPU's VRAM, queues and contexts between vGPUs.
 *
 * VRAM is handed out in fixed-size chunks; a vGPU's VRAM is the ordered list
 * of its chunks, which need not be physically adjacent. Every allocation takes
 * the lowest-numbered free resources, so the result only depends on the
 * sequence of calls.
 *
 * Pure logic, no locking: the caller serialises calls on one pool.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/types.h>

#include "mvgpu_partition.h"

/* Smallest chunk: one page on every architecture we care about. */
#define MVGPU_PARTITION_MIN_CHUNK	4096ULL

static bool mvgpu_partition_pool_ready(const struct mvgpu_partition_pool *pool)
{
	return pool->chunk_size && pool->chunk_used && pool->queue_used &&
	       pool->context_used;
}

/*
 * Number of chunks @req needs, or 0 if @req is not a valid request for
 * @pool. The result may exceed U32_MAX for huge requests.
 */
static u64 mvgpu_partition_req_chunks(const struct mvgpu_partition_pool *pool,
				      const struct mvgpu_partition_request *req)
{
	if (!req->vram_size || !req->num_queues)
		return 0;
	if (req->vram_size & (pool->chunk_size - 1))
		return 0;
	return req->vram_size >> ilog2(pool->chunk_size);
}

/**
 * mvgpu_partition_pool_init() - set up the resource pool of a pGPU
 * @pool: pool to initialise; its previous contents are ignored
 * @vram_size: bytes of VRAM to partition, a nonzero multiple of @chunk_size
 * @chunk_size: VRAM allocation granule, a power of two of at least 4096
 * @num_queues: hardware queues to hand out, at least 1
 * @num_contexts: hardware contexts to hand out, at least 1
 *
 * The number of chunks must fit in a u32. Everything starts free.
 *
 * Return: 0, -EINVAL for invalid parameters or -ENOMEM. On error @pool is
 * left zeroed, so mvgpu_partition_pool_fini() on it is harmless.
 */
int mvgpu_partition_pool_init(struct mvgpu_partition_pool *pool,
			      u64 vram_size, u64 chunk_size, u32 num_queues,
			      u32 num_contexts)
{
	u64 num_chunks;

	*pool = (struct mvgpu_partition_pool){ };

	if (chunk_size < MVGPU_PARTITION_MIN_CHUNK ||
	    (chunk_size & (chunk_size - 1)))
		return -EINVAL;
	if (!vram_size || (vram_size & (chunk_size - 1)))
		return -EINVAL;
	num_chunks = vram_size >> ilog2(chunk_size);
	if (num_chunks >> 32)
		return -EINVAL;
	if (!num_queues || !num_contexts)
		return -EINVAL;

	pool->chunk_used = bitmap_zalloc(num_chunks, GFP_KERNEL);
	pool->queue_used = bitmap_zalloc(num_queues, GFP_KERNEL);
	pool->context_used = bitmap_zalloc(num_contexts, GFP_KERNEL);
	if (!pool->chunk_used || !pool->queue_used || !pool->context_used) {
		mvgpu_partition_pool_fini(pool);
		return -ENOMEM;
	}

	pool->chunk_size = chunk_size;
	pool->num_chunks = num_chunks;
	pool->free_chunks = num_chunks;
	pool->num_queues = num_queues;
	pool->free_queues = num_queues;
	pool->num_contexts = num_contexts;
	pool->free_contexts = num_contexts;
	return 0;
}

/**
 * mvgpu_partition_pool_fini() - free the bitmaps of a pool
 * @pool: pool set up by mvgpu_partition_pool_init(), or zeroed
 *
 * Partitions still reserved from @pool become meaningless; the caller
 * releases them first. @pool is zeroed, so calling this again is harmless.
 */
void mvgpu_partition_pool_fini(struct mvgpu_partition_pool *pool)
{
	bitmap_free(pool->chunk_used);
	bitmap_free(pool->queue_used);
	bitmap_free(pool->context_used);
	*pool = (struct mvgpu_partition_pool){ };
}

/**
 * mvgpu_partition_available() - how many more vGPUs of a type fit now
 * @pool: the pGPU's pool
 * @req: resources of one vGPU of the type
 *
 * Return: the number of further successful mvgpu_partition_reserve() calls
 * with @req the pool could satisfy at once, limited by free VRAM chunks,
 * free queues and free contexts. 0 for an invalid @req (no VRAM, VRAM not a
 * multiple of the chunk size, no queues) or an uninitialised pool.
 */
unsigned int
mvgpu_partition_available(const struct mvgpu_partition_pool *pool,
			  const struct mvgpu_partition_request *req)
{
	u64 chunks;
	u32 n;

	if (!mvgpu_partition_pool_ready(pool))
		return 0;
	chunks = mvgpu_partition_req_chunks(pool, req);
	if (!chunks || chunks > pool->free_chunks)
		return 0;

	n = pool->free_chunks / (u32)chunks;
	n = min(n, pool->free_queues / req->num_queues);
	n = min(n, pool->free_contexts);
	return n;
}

/**
 * mvgpu_partition_reserve() - take the resources of one vGPU from a pool
 * @pool: the pGPU's pool
 * @req: resources the vGPU needs
 * @part: filled with what was reserved; overwritten, so it must not hold
 *	resources already
 * @exhausted: set to the resource that ran out, or %MVGPU_RES_NONE; may be
 *	NULL
 *
 * Takes the lowest-numbered free VRAM chunks (not necessarily adjacent), the
 * lowest-numbered free queues and the lowest-numbered free context. On any
 * error neither @pool nor @part is changed.
 *
 * Return: 0; -EINVAL for an invalid request or uninitialised pool; -ENOSPC
 * if a resource is short (@exhausted tells which: VRAM is checked first, then
 * queues, then contexts); -ENOMEM.
 */
int mvgpu_partition_reserve(struct mvgpu_partition_pool *pool,
			    const struct mvgpu_partition_request *req,
			    struct mvgpu_partition *part,
			    enum mvgpu_partition_resource *exhausted)
{
	enum mvgpu_partition_resource short_res = MVGPU_RES_NONE;
	unsigned long bit;
	u32 *chunks, *queues;
	u64 num_chunks;
	u32 i;

	if (exhausted)
		*exhausted = MVGPU_RES_NONE;
	if (!mvgpu_partition_pool_ready(pool))
		return -EINVAL;
	num_chunks = mvgpu_partition_req_chunks(pool, req);
	if (!num_chunks)
		return -EINVAL;

	if (num_chunks > pool->free_chunks)
		short_res = MVGPU_RES_VRAM;
	else if (req->num_queues > pool->free_queues)
		short_res = MVGPU_RES_QUEUES;
	else if (!pool->free_contexts)
		short_res = MVGPU_RES_CONTEXTS;
	if (short_res != MVGPU_RES_NONE) {
		if (exhausted)
			*exhausted = short_res;
		return -ENOSPC;
	}

	chunks = kcalloc(num_chunks, sizeof(*chunks), GFP_KERNEL);
	queues = kcalloc(req->num_queues, sizeof(*queues), GFP_KERNEL);
	if (!chunks || !queues) {
		kfree(chunks);
		kfree(queues);
		return -ENOMEM;
	}

	/* The free counts above guarantee every search below succeeds. */
	bit = 0;
	for (i = 0; i < num_chunks; i++) {
		bit = find_next_zero_bit(pool->chunk_used, pool->num_chunks,
					 bit);
		__set_bit(bit, pool->chunk_used);
		chunks[i] = bit;
	}
	bit = 0;
	for (i = 0; i < req->num_queues; i++) {
		bit = find_next_zero_bit(pool->queue_used, pool->num_queues,
					 bit);
		__set_bit(bit, pool->queue_used);
		queues[i] = bit;
	}
	bit = find_first_zero_bit(pool->context_used, pool->num_contexts);
	__set_bit(bit, pool->context_used);

	pool->free_chunks -= num_chunks;
	pool->free_queues -= req->num_queues;
	pool->free_contexts--;

	part->num_chunks = num_chunks;
	part->chunks = chunks;
	part->num_queues = req->num_queues;
	part->queues = queues;
	part->context = bit;
	return 0;
}

/* Clear @nr if it is a set bit below @size; return whether it was. */
static bool mvgpu_partition_put(unsigned long *map, u32 size, u32 nr)
{
	if (nr >= size || !test_bit(nr, map))
		return false;
	__clear_bit(nr, map);
	return true;
}

/**
 * mvgpu_partition_release() - give the resources of a vGPU back
 * @pool: the pool @part was reserved from
 * @part: partition filled by mvgpu_partition_reserve(), or zeroed
 *
 * Frees the arrays of @part and zeroes it; a zeroed @part is left alone, so
 * releasing twice is harmless. Entries of @part that are out of range or not
 * marked used in @pool (a caller bug) are skipped without touching the
 * counters.
 */
void mvgpu_partition_release(struct mvgpu_partition_pool *pool,
			     struct mvgpu_partition *part)
{
	u32 i;

	/* Every reserved partition holds at least one chunk. */
	if (!part->chunks) {
		kfree(part->queues);
		*part = (struct mvgpu_partition){ };
		return;
	}

	if (mvgpu_partition_pool_ready(pool)) {
		for (i = 0; i < part->num_chunks; i++)
			if (mvgpu_partition_put(pool->chunk_used,
						pool->num_chunks,
						part->chunks[i]))
				pool->free_chunks++;
		for (i = 0; part->queues && i < part->num_queues; i++)
			if (mvgpu_partition_put(pool->queue_used,
						pool->num_queues,
						part->queues[i]))
				pool->free_queues++;
		if (mvgpu_partition_put(pool->context_used, pool->num_contexts,
					part->context))
			pool->free_contexts++;
	}

	kfree(part->chunks);
	kfree(part->queues);
	*part = (struct mvgpu_partition){ };
}

/**
 * mvgpu_partition_translate() - map a vGPU VRAM offset to pGPU VRAM
 * @pool: the pool @part was reserved from
 * @part: the vGPU's partition
 * @offset: byte offset in the vGPU's VRAM, below its size
 * @vram_offset: set to the matching byte offset in the pGPU's VRAM
 * @contiguous: set to the number of bytes from @vram_offset to the end of
 *	its chunk; may be NULL
 *
 * Only a chunk is guaranteed to be physically contiguous (see &struct
 * mvgpu_pgpu_caps), so @contiguous never reaches into the next chunk, even
 * if that happens to follow in VRAM: callers may hand the whole run to
 * &mvgpu_backend_ops.vram_pfn based I/O mapping.
 *
 * Return: 0, or -EINVAL if @offset is outside the vGPU's VRAM or @part does
 * not belong to an initialised pool.
 */
int mvgpu_partition_translate(const struct mvgpu_partition_pool *pool,
			      const struct mvgpu_partition *part, u64 offset,
			      u64 *vram_offset, u64 *contiguous)
{
	unsigned int shift;
	u64 idx, in_chunk;
	u32 chunk;

	if (!pool->chunk_size || !part->chunks)
		return -EINVAL;
	shift = ilog2(pool->chunk_size);
	idx = offset >> shift;
	if (idx >= part->num_chunks)
		return -EINVAL;
	chunk = part->chunks[idx];
	if (chunk >= pool->num_chunks)
		return -EINVAL;

	in_chunk = offset & (pool->chunk_size - 1);
	*vram_offset = ((u64)chunk << shift) + in_chunk;
	if (contiguous)
		*contiguous = pool->chunk_size - in_chunk;
	return 0;
}

/**
 * mvgpu_partition_resource_name() - printable name of a resource
 * @res: the resource
 *
 * Return: "vram", "queues", "contexts" or "none" (also for unknown values).
 */
const char *mvgpu_partition_resource_name(enum mvgpu_partition_resource res)
{
	switch (res) {
	case MVGPU_RES_VRAM:
		return "vram";
	case MVGPU_RES_QUEUES:
		return "queues";
	case MVGPU_RES_CONTEXTS:
		return "contexts";
	default:
		return "none";
	}
}
