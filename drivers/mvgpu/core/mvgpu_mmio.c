// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR0 register emulation.
 */

/**
 * DOC: BAR0 registers
 *
 * Registers are 32 bits wide. Each known register is an entry of
 * mvgpu_mmio_regs[]: its offset, a read handler and, for writable ones, a
 * write handler. Unknown offsets inside BAR0 read as zero and ignore
 * writes, as Documentation/abi.rst promises; writes to read-only registers
 * are ignored. Handlers run with &mvgpu_vgpu.state_lock held, except the
 * reset register, which resets the vGPU after dropping it. The display
 * block (mvgpu_display.c) has its own table of the same struct
 * mvgpu_mmio_reg, looked up with the same mvgpu_mmio_reg_find().
 */

#include <linux/kernel.h>
#include <linux/lockdep.h>

#include <uapi/mvgpu/mvgpu_regs.h>

#include "mvgpu_core.h"
#include "mvgpu_irq.h"
#include "mvgpu_mmio.h"

static u32 mvgpu_read_magic(struct mvgpu_vgpu *vgpu)
{
	return MVGPU_MAGIC;
}

static u32 mvgpu_read_abi_version(struct mvgpu_vgpu *vgpu)
{
	return MVGPU_ABI_VERSION;
}

static u32 mvgpu_read_vram_lo(struct mvgpu_vgpu *vgpu)
{
	return lower_32_bits(vgpu->bar2_size);
}

static u32 mvgpu_read_vram_hi(struct mvgpu_vgpu *vgpu)
{
	return upper_32_bits(vgpu->bar2_size);
}

static u32 mvgpu_read_num_queues(struct mvgpu_vgpu *vgpu)
{
	return vgpu->part.num_queues;
}

static u32 mvgpu_read_num_engines(struct mvgpu_vgpu *vgpu)
{
	return vgpu->pgpu->caps.num_engines;
}

static u32 mvgpu_read_caps(struct mvgpu_vgpu *vgpu)
{
	return MVGPU_CAP_INTX | MVGPU_CAP_MSI | MVGPU_CAP_RESET |
	       MVGPU_CAP_QUEUES | MVGPU_CAP_DISPLAY;
}

static u32 mvgpu_read_scratch(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.scratch;
}

static void mvgpu_write_scratch(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->regs.scratch = val;
}

static u32 mvgpu_read_zero(struct mvgpu_vgpu *vgpu)
{
	return 0;
}

static u32 mvgpu_read_status(struct mvgpu_vgpu *vgpu)
{
	return MVGPU_STATUS_READY;
}

static u32 mvgpu_read_reset_count(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.reset_count;
}

static u32 mvgpu_read_int_status(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.int_status;
}

static void mvgpu_write_int_status(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->regs.int_status &= ~val;
	mvgpu_irq_update_locked(vgpu, 0);
}

static u32 mvgpu_read_int_mask(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.int_mask;
}

static void mvgpu_write_int_mask(struct mvgpu_vgpu *vgpu, u32 val)
{
	u32 enabled = val & ~vgpu->regs.int_mask;

	vgpu->regs.int_mask = val & MVGPU_INT_ALL;
	/* Sources enabled while pending interrupt now. */
	mvgpu_irq_update_locked(vgpu, enabled & vgpu->regs.int_status);
}

static void mvgpu_write_int_raise(struct mvgpu_vgpu *vgpu, u32 val)
{
	val &= MVGPU_INT_ALL;
	vgpu->regs.int_status |= val;
	mvgpu_irq_update_locked(vgpu, val);
}

static u32 mvgpu_read_error_reason(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.error.reason;
}

static void mvgpu_write_error_reason(struct mvgpu_vgpu *vgpu, u32 val)
{
	memset(&vgpu->regs.error, 0, sizeof(vgpu->regs.error));
}

static u32 mvgpu_read_error_queue(struct mvgpu_vgpu *vgpu)
{
	return vgpu->regs.error.queue;
}

static u32 mvgpu_read_error_addr_lo(struct mvgpu_vgpu *vgpu)
{
	return lower_32_bits(vgpu->regs.error.addr);
}

static u32 mvgpu_read_error_addr_hi(struct mvgpu_vgpu *vgpu)
{
	return upper_32_bits(vgpu->regs.error.addr);
}

static u32 mvgpu_read_fence_pending_lo(struct mvgpu_vgpu *vgpu)
{
	return lower_32_bits(vgpu->regs.fence_pending);
}

static void mvgpu_write_fence_pending_lo(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->regs.fence_pending &= ~(u64)val;
}

static u32 mvgpu_read_fence_pending_hi(struct mvgpu_vgpu *vgpu)
{
	return upper_32_bits(vgpu->regs.fence_pending);
}

static void mvgpu_write_fence_pending_hi(struct mvgpu_vgpu *vgpu, u32 val)
{
	vgpu->regs.fence_pending &= ~((u64)val << 32);
}

static const struct mvgpu_mmio_reg mvgpu_mmio_regs[] = {
	{ MVGPU_REG_MAGIC, mvgpu_read_magic, NULL },
	{ MVGPU_REG_ABI_VERSION, mvgpu_read_abi_version, NULL },
	{ MVGPU_REG_VRAM_SIZE_LO, mvgpu_read_vram_lo, NULL },
	{ MVGPU_REG_VRAM_SIZE_HI, mvgpu_read_vram_hi, NULL },
	{ MVGPU_REG_NUM_QUEUES, mvgpu_read_num_queues, NULL },
	{ MVGPU_REG_NUM_ENGINES, mvgpu_read_num_engines, NULL },
	{ MVGPU_REG_CAPS, mvgpu_read_caps, NULL },
	{ MVGPU_REG_SCRATCH, mvgpu_read_scratch, mvgpu_write_scratch },
	{ MVGPU_REG_RESET, mvgpu_read_zero, NULL },
	{ MVGPU_REG_STATUS, mvgpu_read_status, NULL },
	{ MVGPU_REG_RESET_COUNT, mvgpu_read_reset_count, NULL },
	{ MVGPU_REG_INT_STATUS, mvgpu_read_int_status, mvgpu_write_int_status },
	{ MVGPU_REG_INT_MASK, mvgpu_read_int_mask, mvgpu_write_int_mask },
	{ MVGPU_REG_INT_RAISE, mvgpu_read_zero, mvgpu_write_int_raise },
	{ MVGPU_REG_ERROR_REASON, mvgpu_read_error_reason,
	  mvgpu_write_error_reason },
	{ MVGPU_REG_ERROR_QUEUE, mvgpu_read_error_queue, NULL },
	{ MVGPU_REG_ERROR_ADDR_LO, mvgpu_read_error_addr_lo, NULL },
	{ MVGPU_REG_ERROR_ADDR_HI, mvgpu_read_error_addr_hi, NULL },
	{ MVGPU_REG_FENCE_PENDING_LO, mvgpu_read_fence_pending_lo,
	  mvgpu_write_fence_pending_lo },
	{ MVGPU_REG_FENCE_PENDING_HI, mvgpu_read_fence_pending_hi,
	  mvgpu_write_fence_pending_hi },
};

/**
 * mvgpu_mmio_reg_find() - look a register up in a register table
 * @table: the table of a BAR0 block
 * @count: entries in @table
 * @offset: BAR0 byte offset
 *
 * Return: the entry for @offset, or NULL when @table has none.
 */
const struct mvgpu_mmio_reg *
mvgpu_mmio_reg_find(const struct mvgpu_mmio_reg *table, size_t count,
		    u32 offset)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].offset == offset)
			return &table[i];
	return NULL;
}

static const struct mvgpu_mmio_reg *mvgpu_mmio_find(u32 offset)
{
	return mvgpu_mmio_reg_find(mvgpu_mmio_regs,
				   ARRAY_SIZE(mvgpu_mmio_regs), offset);
}

static int mvgpu_mmio_check(u32 offset)
{
	if (offset >= MVGPU_BAR0_SIZE || !IS_ALIGNED(offset, sizeof(u32)))
		return -EINVAL;
	return 0;
}

/**
 * mvgpu_mmio_read() - emulate a 32-bit read of BAR0
 * @vgpu: the vGPU
 * @offset: byte offset in BAR0, 4-byte aligned
 * @val: the value read
 *
 * Process context. Return: 0 or -EINVAL for a bad offset.
 */
int mvgpu_mmio_read(struct mvgpu_vgpu *vgpu, u32 offset, u32 *val)
{
	const struct mvgpu_mmio_reg *reg;
	int ret = mvgpu_mmio_check(offset);

	if (ret)
		return ret;
	if (mvgpu_queue_reg(offset))
		return mvgpu_queue_read(vgpu, offset, val);
	reg = mvgpu_mmio_find(offset);
	mutex_lock(&vgpu->state_lock);
	if (reg)
		*val = reg->read(vgpu);
	else if (mvgpu_display_reg(offset))
		*val = mvgpu_display_read_locked(vgpu, offset);
	else
		*val = 0;
	mutex_unlock(&vgpu->state_lock);
	return 0;
}

/**
 * mvgpu_mmio_write() - emulate a 32-bit write of BAR0
 * @vgpu: the vGPU
 * @offset: byte offset in BAR0, 4-byte aligned
 * @val: the value written
 *
 * Process context, may sleep (a reset zeroes VRAM). Return: 0 or -EINVAL for
 * a bad offset; the outcome of a reset the write asked for.
 */
int mvgpu_mmio_write(struct mvgpu_vgpu *vgpu, u32 offset, u32 val)
{
	const struct mvgpu_mmio_reg *reg;
	int ret = mvgpu_mmio_check(offset);

	if (ret)
		return ret;
	if (mvgpu_queue_reg(offset)) {
		mvgpu_queue_write(vgpu, offset, val);
		return 0;
	}
	if (offset == MVGPU_REG_RESET) {
		if (val == MVGPU_RESET_KEY)
			return mvgpu_vgpu_reset(vgpu);
		return 0;
	}
	reg = mvgpu_mmio_find(offset);
	if (!reg && mvgpu_display_reg(offset)) {
		mutex_lock(&vgpu->state_lock);
		mvgpu_display_write_locked(vgpu, offset, val);
		mutex_unlock(&vgpu->state_lock);
		return 0;
	}
	if (!reg || !reg->write)
		return 0;
	mutex_lock(&vgpu->state_lock);
	reg->write(vgpu, val);
	mutex_unlock(&vgpu->state_lock);
	return 0;
}

/**
 * mvgpu_regs_reset() - put BAR0 registers in their power-on state
 * @vgpu: the vGPU; &mvgpu_vgpu.state_lock held or the vGPU not yet visible
 *
 * The reset counter survives: it counts resets. The display plane is
 * cleared; the monitor (EDID, link) is the host's and stays.
 */
void mvgpu_regs_reset(struct mvgpu_vgpu *vgpu)
{
	u32 reset_count = vgpu->regs.reset_count;

	memset(&vgpu->regs, 0, sizeof(vgpu->regs));
	vgpu->regs.reset_count = reset_count;
	mvgpu_display_reset_locked(vgpu);
}
