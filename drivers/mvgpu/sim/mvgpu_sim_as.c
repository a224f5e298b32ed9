// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPU address spaces of the simulated pGPU.
 */

/**
 * DOC: Address spaces
 *
 * Each hardware context is one GPU address space: an xarray from GPU page
 * number to what backs the page, either a VRAM page (stored as an
 * xa_mk_value() of its page number in VRAM) or a system page (its &struct
 * page, pinned by whoever mapped it; marked MVGPU_SIM_AS_READONLY when
 * engines may only read it). One entry per page keeps lookups
 * O(1) in the engines' hot path; VRAM partitions are at most the size of
 * VRAM, so the table costs about 0.25% of the memory it maps.
 *
 * Engines reach memory only through mvgpu_sim_as_read() and friends, which
 * walk the range page by page. For each page they take the context's lock
 * for reading, look the page up and copy, then drop the lock: a writer
 * (as_map_*, as_unmap, context destroy) therefore waits for any access in
 * flight, and once mvgpu_sim_as_unmap() returns no engine touches the
 * unmapped pages again. A missing page is handed to the core through
 * mvgpu_hw_resolve_fault() with no lock held (the core maps the page by
 * calling back into mvgpu_sim_as_map_page()), and so is a write to a page
 * mapped read-only (the core maps it writable, or refuses when the user
 * mapped the guest memory read-only); the access is retried once,
 * and a second miss, or a refusal, is a page fault at the first missing
 * byte.
 *
 * VRAM is the memory behind BAR2, mapped write-back (memremap()) because
 * it is plain memory of the machine emulating the pGPU, and reached with
 * memcpy(); 64-bit values (fences, timestamps, WAIT operands) are single
 * aligned 64-bit accesses, so a WAIT on another queue never sees half a
 * value.
 */

#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <mvgpu/mvgpu_backend.h>

#include "mvgpu_sim.h"

/* Mark of a system page mapped read-only: a write to it is a miss. */
#define MVGPU_SIM_AS_READONLY	XA_MARK_0

/**
 * enum mvgpu_sim_as_op - what an access does with a page
 * @MVGPU_SIM_AS_READ: copy bytes out
 * @MVGPU_SIM_AS_WRITE: copy bytes in
 * @MVGPU_SIM_AS_READ_U64: read one aligned little-endian 64-bit value
 * @MVGPU_SIM_AS_WRITE_U64: write one aligned little-endian 64-bit value
 */
enum mvgpu_sim_as_op {
	MVGPU_SIM_AS_READ,
	MVGPU_SIM_AS_WRITE,
	MVGPU_SIM_AS_READ_U64,
	MVGPU_SIM_AS_WRITE_U64,
};

/**
 * mvgpu_sim_as_init() - set up a context slot, not yet created
 * @ctx: the slot
 * @sim: its pGPU
 * @id: its context number
 */
void mvgpu_sim_as_init(struct mvgpu_sim_context *ctx,
		       struct mvgpu_sim_device *sim, u32 id)
{
	ctx->sim = sim;
	ctx->id = id;
	init_rwsem(&ctx->lock);
	ctx->live = false;
	xa_init(&ctx->pages);
	INIT_LIST_HEAD(&ctx->runnable);
}

/**
 * mvgpu_sim_as_create() - bring a context to life with an empty space
 * @ctx: the context
 *
 * Process context. Return: 0, or -EBUSY if it is live already.
 */
int mvgpu_sim_as_create(struct mvgpu_sim_context *ctx)
{
	int ret = 0;

	down_write(&ctx->lock);
	if (ctx->live)
		ret = -EBUSY;
	else
		ctx->live = true;
	up_write(&ctx->lock);
	return ret;
}

/**
 * mvgpu_sim_as_destroy() - drop every mapping and retire a context
 * @ctx: the context; no queue may be enabled on it
 *
 * Waits for engine accesses in flight. Process context. Harmless on a
 * context that is not live.
 */
void mvgpu_sim_as_destroy(struct mvgpu_sim_context *ctx)
{
	down_write(&ctx->lock);
	ctx->live = false;
	xa_destroy(&ctx->pages);
	up_write(&ctx->lock);
}

/* Erase the entries of GPU pages [first, last]. ctx->lock held for writing. */
static void mvgpu_sim_as_erase_locked(struct mvgpu_sim_context *ctx,
				      unsigned long first, unsigned long last)
{
	unsigned long index;
	void *entry;

	lockdep_assert_held_write(&ctx->lock);
	xa_for_each_range(&ctx->pages, index, entry, first, last) {
		xa_erase(&ctx->pages, index);
		cond_resched();
	}
}

/**
 * mvgpu_sim_as_map_vram() - map a VRAM range into a context
 * @ctx: a live context
 * @gpu_va: page-aligned GPU VA
 * @vram_offset: page-aligned VRAM offset
 * @size: bytes, a non-zero multiple of PAGE_SIZE within VRAM
 *
 * Replaces earlier mappings of the range. On failure the range is left
 * unmapped. Process context, may sleep.
 *
 * Return: 0, -EINVAL for a bad range or context, or -ENOMEM.
 */
int mvgpu_sim_as_map_vram(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  u64 vram_offset, u64 size)
{
	u64 va_end, vram_end, off;
	int ret = 0;

	if (!size || !IS_ALIGNED(gpu_va | vram_offset | size, PAGE_SIZE) ||
	    check_add_overflow(gpu_va, size, &va_end) ||
	    check_add_overflow(vram_offset, size, &vram_end) ||
	    vram_end > ctx->sim->vram_size)
		return -EINVAL;

	down_write(&ctx->lock);
	if (!ctx->live) {
		ret = -EINVAL;
		goto out_unlock;
	}
	for (off = 0; off < size; off += PAGE_SIZE) {
		void *entry = xa_mk_value((vram_offset + off) >> PAGE_SHIFT);

		ret = xa_err(xa_store(&ctx->pages, (gpu_va + off) >> PAGE_SHIFT,
				      entry, GFP_KERNEL));
		if (ret)
			break;
		cond_resched();
	}
	if (ret && off)
		mvgpu_sim_as_erase_locked(ctx, gpu_va >> PAGE_SHIFT,
					  (gpu_va + off - 1) >> PAGE_SHIFT);
out_unlock:
	up_write(&ctx->lock);
	return ret;
}

/**
 * mvgpu_sim_as_map_page() - map one system page into a context
 * @ctx: a live context
 * @gpu_va: page-aligned GPU VA
 * @page: the page; the caller keeps it alive until it unmaps it
 * @writable: engines may write the page; without it a write misses
 *	(mvgpu_hw_resolve_fault() with write set)
 *
 * Replaces an earlier mapping of @gpu_va. Any context that may sleep,
 * including an engine thread resolving a fault (it holds no lock then).
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int mvgpu_sim_as_map_page(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  struct page *page, bool writable)
{
	unsigned long index = gpu_va >> PAGE_SHIFT;
	int ret = -EINVAL;

	if (!page || !IS_ALIGNED(gpu_va, PAGE_SIZE))
		return -EINVAL;
	down_write(&ctx->lock);
	if (ctx->live)
		ret = xa_err(xa_store(&ctx->pages, index, page, GFP_KERNEL));
	if (!ret && writable)
		xa_clear_mark(&ctx->pages, index, MVGPU_SIM_AS_READONLY);
	else if (!ret)
		xa_set_mark(&ctx->pages, index, MVGPU_SIM_AS_READONLY);
	up_write(&ctx->lock);
	return ret;
}

/**
 * mvgpu_sim_as_unmap() - remove the mappings of a GPU VA range
 * @ctx: the context
 * @gpu_va: start of the range
 * @size: bytes; every page the range touches is unmapped
 *
 * Returns once no engine accesses the range any more. Process context,
 * may sleep.
 */
void mvgpu_sim_as_unmap(struct mvgpu_sim_context *ctx, u64 gpu_va, u64 size)
{
	u64 last;

	if (!size)
		return;
	if (check_add_overflow(gpu_va, size - 1, &last))
		last = U64_MAX;
	down_write(&ctx->lock);
	mvgpu_sim_as_erase_locked(ctx, gpu_va >> PAGE_SHIFT,
				  last >> PAGE_SHIFT);
	up_write(&ctx->lock);
}

static void mvgpu_sim_as_mem(void *mem, void *buf, size_t len,
			     enum mvgpu_sim_as_op op)
{
	__le64 *val = mem;

	switch (op) {
	case MVGPU_SIM_AS_READ:
		memcpy(buf, mem, len);
		break;
	case MVGPU_SIM_AS_WRITE:
		memcpy(mem, buf, len);
		break;
	case MVGPU_SIM_AS_READ_U64:
		*(u64 *)buf = le64_to_cpu(READ_ONCE(*val));
		break;
	case MVGPU_SIM_AS_WRITE_U64:
		WRITE_ONCE(*val, cpu_to_le64(*(u64 *)buf));
		break;
	}
}

/*
 * Access @len bytes at @gpu_va, all inside one GPU page.
 * Return: 0, -ENOENT when the page is not mapped, or -EACCES when it is
 * mapped read-only and @op writes.
 */
static int mvgpu_sim_as_access_page(struct mvgpu_sim_context *ctx,
				    u64 gpu_va, void *buf, size_t len,
				    enum mvgpu_sim_as_op op)
{
	size_t off = gpu_va & (PAGE_SIZE - 1);
	void *entry, *kaddr;
	int ret = 0;

	down_read(&ctx->lock);
	entry = xa_load(&ctx->pages, gpu_va >> PAGE_SHIFT);
	if (!entry) {
		ret = -ENOENT;
	} else if ((op == MVGPU_SIM_AS_WRITE || op == MVGPU_SIM_AS_WRITE_U64) &&
		   xa_get_mark(&ctx->pages, gpu_va >> PAGE_SHIFT,
			       MVGPU_SIM_AS_READONLY)) {
		ret = -EACCES;
	} else if (xa_is_value(entry)) {
		u64 vram = ((u64)xa_to_value(entry) << PAGE_SHIFT) + off;

		mvgpu_sim_as_mem(ctx->sim->vram + vram, buf, len, op);
	} else {
		kaddr = kmap_local_page(entry);
		mvgpu_sim_as_mem(kaddr + off, buf, len, op);
		kunmap_local(kaddr);
	}
	up_read(&ctx->lock);
	return ret;
}

/* Ask the core to map @gpu_va; the native context has no one to ask. */
static int mvgpu_sim_as_resolve(struct mvgpu_sim_context *ctx, u64 gpu_va,
				bool write)
{
	if (ctx->id >= ctx->sim->num_contexts)
		return -EFAULT;
	return mvgpu_hw_resolve_fault(&ctx->hw, gpu_va, write);
}

/* The caller has checked that [gpu_va, gpu_va + len) does not wrap. */
static int mvgpu_sim_as_walk(struct mvgpu_sim_context *ctx, u64 gpu_va,
			     void *buf, size_t len, enum mvgpu_sim_as_op op,
			     u64 *fault_va)
{
	bool write = op == MVGPU_SIM_AS_WRITE || op == MVGPU_SIM_AS_WRITE_U64;

	while (len) {
		size_t seg = min_t(u64, len,
				   PAGE_SIZE - (gpu_va & (PAGE_SIZE - 1)));
		int ret = mvgpu_sim_as_access_page(ctx, gpu_va, buf, seg, op);

		if (ret) {
			ret = mvgpu_sim_as_resolve(ctx, gpu_va, write);
			if (!ret)
				ret = mvgpu_sim_as_access_page(ctx, gpu_va, buf,
							       seg, op);
			if (ret) {
				*fault_va = gpu_va;
				return -EFAULT;
			}
		}
		gpu_va += seg;
		buf += seg;
		len -= seg;
	}
	return 0;
}

/**
 * mvgpu_sim_as_read() - copy bytes from a GPU VA range
 * @ctx: the context
 * @gpu_va: start; the range must not wrap around 2^64
 * @buf: destination
 * @len: bytes
 * @fault_va: on -EFAULT, the first address that could not be read
 *
 * Engine thread; may sleep (fault resolution).
 * Return: 0 or -EFAULT.
 */
int mvgpu_sim_as_read(struct mvgpu_sim_context *ctx, u64 gpu_va, void *buf,
		      size_t len, u64 *fault_va)
{
	return mvgpu_sim_as_walk(ctx, gpu_va, buf, len, MVGPU_SIM_AS_READ,
				 fault_va);
}

/**
 * mvgpu_sim_as_write() - copy bytes to a GPU VA range
 * @ctx: the context
 * @gpu_va: start; the range must not wrap around 2^64
 * @buf: source
 * @len: bytes
 * @fault_va: on -EFAULT, the first address that could not be written
 *
 * Engine thread; may sleep. Bytes before a fault are written.
 * Return: 0 or -EFAULT.
 */
int mvgpu_sim_as_write(struct mvgpu_sim_context *ctx, u64 gpu_va,
		       const void *buf, size_t len, u64 *fault_va)
{
	return mvgpu_sim_as_walk(ctx, gpu_va, (void *)buf, len,
				 MVGPU_SIM_AS_WRITE, fault_va);
}

/**
 * mvgpu_sim_as_read_u64() - read an aligned little-endian 64-bit value
 * @ctx: the context
 * @gpu_va: 8-byte aligned address
 * @val: the value, in CPU order
 * @fault_va: on -EFAULT, @gpu_va
 *
 * One 64-bit load. Engine thread; may sleep.
 * Return: 0 or -EFAULT.
 */
int mvgpu_sim_as_read_u64(struct mvgpu_sim_context *ctx, u64 gpu_va,
			  u64 *val, u64 *fault_va)
{
	/* Packet validation guarantees it; a split value cannot be atomic. */
	if (WARN_ON_ONCE(!IS_ALIGNED(gpu_va, sizeof(*val)))) {
		*fault_va = gpu_va;
		return -EFAULT;
	}
	return mvgpu_sim_as_walk(ctx, gpu_va, val, sizeof(*val),
				 MVGPU_SIM_AS_READ_U64, fault_va);
}

/**
 * mvgpu_sim_as_write_u64() - write an aligned little-endian 64-bit value
 * @ctx: the context
 * @gpu_va: 8-byte aligned address
 * @val: the value, in CPU order
 * @fault_va: on -EFAULT, @gpu_va
 *
 * One 64-bit store. Engine thread; may sleep.
 * Return: 0 or -EFAULT.
 */
int mvgpu_sim_as_write_u64(struct mvgpu_sim_context *ctx, u64 gpu_va,
			   u64 val, u64 *fault_va)
{
	if (WARN_ON_ONCE(!IS_ALIGNED(gpu_va, sizeof(val)))) {
		*fault_va = gpu_va;
		return -EFAULT;
	}
	return mvgpu_sim_as_walk(ctx, gpu_va, &val, sizeof(val),
				 MVGPU_SIM_AS_WRITE_U64, fault_va);
}
