/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BAR0 register emulation (mvgpu_mmio.c): the dispatch of guest accesses
 * and the register table type every block of BAR0 uses.
 */
#ifndef _MVGPU_MMIO_H_
#define _MVGPU_MMIO_H_

#include <linux/stddef.h>
#include <linux/types.h>

struct mvgpu_vgpu;

/**
 * struct mvgpu_mmio_reg - emulation of one 32-bit BAR0 register
 * @offset: byte offset in BAR0
 * @read: returns the register value
 * @write: applies a guest write; NULL for read-only registers, whose
 *	writes are ignored
 *
 * Each block of BAR0 keeps a const table of these; the handlers run with
 * the locks the block's dispatch documents.
 */
struct mvgpu_mmio_reg {
	u32 offset;
	u32 (*read)(struct mvgpu_vgpu *vgpu);
	void (*write)(struct mvgpu_vgpu *vgpu, u32 val);
};

const struct mvgpu_mmio_reg *
mvgpu_mmio_reg_find(const struct mvgpu_mmio_reg *table, size_t count,
		    u32 offset);
int mvgpu_mmio_read(struct mvgpu_vgpu *vgpu, u32 offset, u32 *val);
int mvgpu_mmio_write(struct mvgpu_vgpu *vgpu, u32 offset, u32 val);
void mvgpu_regs_reset(struct mvgpu_vgpu *vgpu);

#endif /* _MVGPU_MMIO_H_ */
