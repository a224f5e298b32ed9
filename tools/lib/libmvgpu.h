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

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

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
int mvgpu_dma_unmap(struct mvgpu_dev *dev, uint64_t iova, uint64_t size);

#endif /* LIBMVGPU_H */
