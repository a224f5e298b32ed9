/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debugfs of the mvgpu core (mvgpu_debugfs.c): the module's directory, one
 * directory per pGPU and one per vGPU inside it.
 */
#ifndef _MVGPU_DEBUGFS_H_
#define _MVGPU_DEBUGFS_H_

struct mvgpu_pgpu;
struct mvgpu_vgpu;

void mvgpu_debugfs_init(void);
void mvgpu_debugfs_exit(void);
void mvgpu_debugfs_pgpu_init(struct mvgpu_pgpu *pgpu);
void mvgpu_debugfs_pgpu_fini(struct mvgpu_pgpu *pgpu);
void mvgpu_debugfs_vgpu_init(struct mvgpu_vgpu *vgpu);
void mvgpu_debugfs_vgpu_fini(struct mvgpu_vgpu *vgpu);

#endif /* _MVGPU_DEBUGFS_H_ */
