/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated PCI configuration space of a vGPU.
 *
 * Pure logic: no VFIO/mdev/PCI-core calls, so it builds in userspace tests.
 * The caller serialises access to one &struct mvgpu_cfg_space.
 */
#ifndef _MVGPU_CFG_SPACE_H_
#define _MVGPU_CFG_SPACE_H_

#include <linux/types.h>

/* Conventional PCI configuration space: 256 bytes. */
#define MVGPU_CFG_SIZE		256
/* Offset of the MSI capability, the only entry of the capability list. */
#define MVGPU_CFG_MSI_OFFSET	0x40
#define MVGPU_CFG_NUM_BARS	6

/**
 * struct mvgpu_cfg_params - identity and BAR sizes of a vGPU function
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_device: subsystem device ID
 * @revision: revision ID
 * @class_code: 24-bit class code (base, sub, prog-if)
 * @bar0_size: bytes of the 32-bit non-prefetchable MMIO BAR0 (power of 2)
 * @bar2_size: bytes of the 64-bit prefetchable BAR2 (power of 2)
 */
struct mvgpu_cfg_params {
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_device;
	u8 revision;
	u32 class_code;
	u32 bar0_size;
	u64 bar2_size;
};

/**
 * struct mvgpu_cfg_space - state of an emulated config space
 * @data: current register contents, little-endian as on the bus
 * @wmask: bits a write may change
 * @w1cmask: bits a write of 1 clears
 */
struct mvgpu_cfg_space {
	u8 data[MVGPU_CFG_SIZE];
	u8 wmask[MVGPU_CFG_SIZE];
	u8 w1cmask[MVGPU_CFG_SIZE];
};

void mvgpu_cfg_init(struct mvgpu_cfg_space *cfg,
		    const struct mvgpu_cfg_params *params);
int mvgpu_cfg_read(const struct mvgpu_cfg_space *cfg, u32 offset, void *buf,
		   u32 len);
int mvgpu_cfg_write(struct mvgpu_cfg_space *cfg, u32 offset, const void *buf,
		    u32 len);
u16 mvgpu_cfg_command(const struct mvgpu_cfg_space *cfg);
bool mvgpu_cfg_msi_enabled(const struct mvgpu_cfg_space *cfg);
u64 mvgpu_cfg_bar_address(const struct mvgpu_cfg_space *cfg, unsigned int bar);

#endif /* _MVGPU_CFG_SPACE_H_ */
