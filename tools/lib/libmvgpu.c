// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmvgpu: host userspace access to mvgpu vGPUs through sysfs and VFIO.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <mvgpu/mvgpu_cmds.h>
#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu.h"

#define MDEV_BUS_CLASS "/sys/class/mdev_bus"
#define MDEV_DEVICES "/sys/bus/mdev/devices"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int mvgpu_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = neg_errno();
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

int mvgpu_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	n = write(fd, val, len);
	if (n < 0) {
		n = neg_errno();
		close(fd);
		return (int)n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int mvgpu_sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = mvgpu_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int mvgpu_uuid_generate(char uuid[MVGPU_UUID_LEN + 1])
{
	int ret = mvgpu_sysfs_read("/proc/sys/kernel/random/uuid", uuid,
				   MVGPU_UUID_LEN + 1);

	if (ret < 0)
		return ret;
	return ret == MVGPU_UUID_LEN ? 0 : -EIO;
}

int mvgpu_list_pgpus(char names[][32], int max)
{
	struct dirent *de;
	int count = 0;
	DIR *dir;

	dir = opendir(MDEV_BUS_CLASS);
	if (!dir)
		return errno == ENOENT ? 0 : neg_errno();
	while ((de = readdir(dir))) {
		char path[PATH_MAX];
		char drv[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/driver",
			 de->d_name);
		n = readlink(path, drv, sizeof(drv) - 1);
		if (n < 0)
			continue;
		drv[n] = '\0';
		if (strcmp(basename(drv), "mvgpu_sim") &&
		    strncmp(basename(drv), "mvgpu", 5))
			continue;
		if (strlen(de->d_name) >= 32)
			continue;
		if (count < max)
			memcpy(names[count], de->d_name,
			       strlen(de->d_name) + 1);
		count++;
	}
	closedir(dir);
	/* Stable order: sort by name. */
	for (int i = 0; i < count && i < max; i++)
		for (int j = i + 1; j < count && j < max; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char tmp[32];

				memcpy(tmp, names[i], 32);
				memcpy(names[i], names[j], 32);
				memcpy(names[j], tmp, 32);
			}
	return count;
}

static int mvgpu_parent_driver(const char *pgpu, char *drv, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/driver", pgpu);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return neg_errno();
	target[n] = '\0';
	snprintf(drv, len, "%s", basename(target));
	return 0;
}

int mvgpu_type_path(const char *pgpu, const char *type, const char *attr,
		    char *path, size_t len)
{
	char drv[64];
	int ret;

	ret = mvgpu_parent_driver(pgpu, drv, sizeof(drv));
	if (ret)
		return ret;
	if ((size_t)snprintf(path, len,
			     MDEV_BUS_CLASS "/%s/mdev_supported_types/%s-%s/%s",
			     pgpu, drv, type, attr) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int mvgpu_type_read_u64(const char *pgpu, const char *type, const char *attr,
			uint64_t *val)
{
	char path[PATH_MAX];
	int ret;

	ret = mvgpu_type_path(pgpu, type, attr, path, sizeof(path));
	if (ret)
		return ret;
	return mvgpu_sysfs_read_u64(path, val);
}

int mvgpu_vgpu_create(const char *pgpu, const char *type, const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	ret = mvgpu_type_path(pgpu, type, "create", path, sizeof(path));
	if (ret)
		return ret;
	return mvgpu_sysfs_write(path, uuid);
}

int mvgpu_vgpu_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	return mvgpu_sysfs_write(path, "1");
}

static int mvgpu_group_of(const char *uuid)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return neg_errno();
	target[n] = '\0';
	return atoi(basename(target));
}

static int mvgpu_load_regions(struct mvgpu_dev *dev)
{
	for (uint32_t i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region_info info = {
			.argsz = sizeof(info),
			.index = i,
		};

		if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &info))
			return neg_errno();
		dev->regions[i].offset = info.offset;
		dev->regions[i].size = info.size;
		dev->regions[i].flags = info.flags;
	}
	return 0;
}

static int mvgpu_attach_container(struct mvgpu_dev *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int iommu;

	if (ioctl(dev->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EPROTO;
	if (ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status))
		return neg_errno();
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER, &dev->container_fd))
		return neg_errno();
	iommu = ioctl(dev->container_fd, VFIO_CHECK_EXTENSION,
		      VFIO_TYPE1v2_IOMMU) > 0 ? VFIO_TYPE1v2_IOMMU :
		      VFIO_TYPE1_IOMMU;
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, iommu))
		return neg_errno();
	return 0;
}

int mvgpu_open(struct mvgpu_dev *dev, const char *uuid)
{
	char path[64];
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->container_fd = dev->group_fd = dev->device_fd = -1;
	if (strlen(uuid) != MVGPU_UUID_LEN)
		return -EINVAL;
	memcpy(dev->uuid, uuid, MVGPU_UUID_LEN + 1);

	dev->group_id = mvgpu_group_of(uuid);
	if (dev->group_id < 0)
		return dev->group_id;
	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group_id);
	dev->group_fd = open(path, O_RDWR | O_CLOEXEC);
	dev->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (dev->group_fd < 0 || dev->container_fd < 0) {
		ret = neg_errno();
		goto out_close;
	}
	ret = mvgpu_attach_container(dev);
	if (ret)
		goto out_close;
	dev->device_fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (dev->device_fd < 0) {
		ret = neg_errno();
		goto out_close;
	}
	dev->info.argsz = sizeof(dev->info);
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &dev->info)) {
		ret = neg_errno();
		goto out_close;
	}
	ret = mvgpu_load_regions(dev);
	if (ret)
		goto out_close;
	return 0;

out_close:
	mvgpu_close(dev);
	return ret;
}

void mvgpu_close(struct mvgpu_dev *dev)
{
	mvgpu_bar2_unmap(dev);
	if (dev->device_fd >= 0)
		close(dev->device_fd);
	if (dev->group_fd >= 0)
		close(dev->group_fd);
	if (dev->container_fd >= 0)
		close(dev->container_fd);
	dev->device_fd = dev->group_fd = dev->container_fd = -1;
}

static int mvgpu_region_rw(struct mvgpu_dev *dev, uint32_t index,
			   uint64_t off, void *buf, size_t len, int write)
{
	ssize_t n;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	if (write)
		n = pwrite(dev->device_fd, buf, len,
			   dev->regions[index].offset + off);
	else
		n = pread(dev->device_fd, buf, len,
			  dev->regions[index].offset + off);
	if (n < 0)
		return neg_errno();
	return (size_t)n == len ? 0 : -EIO;
}

int mvgpu_cfg_read(struct mvgpu_dev *dev, uint32_t off, void *buf, size_t len)
{
	return mvgpu_region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, off, buf,
			       len, 0);
}

int mvgpu_cfg_write(struct mvgpu_dev *dev, uint32_t off, const void *buf,
		    size_t len)
{
	return mvgpu_region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, off,
			       (void *)buf, len, 1);
}

int mvgpu_reg_read(struct mvgpu_dev *dev, uint32_t off, uint32_t *val)
{
	return mvgpu_region_rw(dev, VFIO_PCI_BAR0_REGION_INDEX, off, val,
			       sizeof(*val), 0);
}

int mvgpu_reg_write(struct mvgpu_dev *dev, uint32_t off, uint32_t val)
{
	return mvgpu_region_rw(dev, VFIO_PCI_BAR0_REGION_INDEX, off, &val,
			       sizeof(val), 1);
}

int mvgpu_vram_read(struct mvgpu_dev *dev, uint64_t off, void *buf, size_t len)
{
	return mvgpu_region_rw(dev, VFIO_PCI_BAR2_REGION_INDEX, off, buf, len,
			       0);
}

int mvgpu_vram_write(struct mvgpu_dev *dev, uint64_t off, const void *buf,
		     size_t len)
{
	return mvgpu_region_rw(dev, VFIO_PCI_BAR2_REGION_INDEX, off,
			       (void *)buf, len, 1);
}

int mvgpu_bar2_map(struct mvgpu_dev *dev)
{
	const struct mvgpu_region *r = &dev->regions[VFIO_PCI_BAR2_REGION_INDEX];
	void *p;

	if (dev->bar2)
		return 0;
	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP) || !r->size)
		return -ENOTSUP;
	p = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev->device_fd, (off_t)r->offset);
	if (p == MAP_FAILED)
		return neg_errno();
	dev->bar2 = p;
	return 0;
}

int mvgpu_bar2_unmap(struct mvgpu_dev *dev)
{
	const struct mvgpu_region *r = &dev->regions[VFIO_PCI_BAR2_REGION_INDEX];

	if (!dev->bar2)
		return 0;
	if (munmap(dev->bar2, r->size))
		return neg_errno();
	dev->bar2 = NULL;
	return 0;
}

int mvgpu_reset(struct mvgpu_dev *dev)
{
	return ioctl(dev->device_fd, VFIO_DEVICE_RESET) ? neg_errno() : 0;
}

int mvgpu_irq_info(struct mvgpu_dev *dev, uint32_t index,
		   struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info) ?
		neg_errno() : 0;
}

int mvgpu_irq_set_eventfd(struct mvgpu_dev *dev, uint32_t index, int fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t efd = fd;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(efd));
	return ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set) ?
		neg_errno() : 0;
}

int mvgpu_irq_intx_unmask(struct mvgpu_dev *dev)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	return ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, &set) ?
		neg_errno() : 0;
}

int mvgpu_eventfd_wait(int fd, int timeout_ms, uint64_t *count)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return neg_errno();
	if (!ret)
		return -ETIMEDOUT;
	if (read(fd, count, sizeof(*count)) != sizeof(*count))
		return neg_errno();
	return 0;
}

int mvgpu_dma_map_prot(struct mvgpu_dev *dev, void *vaddr, uint64_t iova,
		       uint64_t size, bool writable)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ |
			 (writable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(dev->container_fd, VFIO_IOMMU_MAP_DMA, &map) ?
		neg_errno() : 0;
}

int mvgpu_dma_map(struct mvgpu_dev *dev, void *vaddr, uint64_t iova,
		  uint64_t size)
{
	return mvgpu_dma_map_prot(dev, vaddr, iova, size, true);
}

int mvgpu_dma_unmap(struct mvgpu_dev *dev, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	return ioctl(dev->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap) ?
		neg_errno() : 0;
}

/* DMA buffers. */

int mvgpu_dma_alloc(struct mvgpu_dev *dev, size_t size, uint64_t iova,
		    struct mvgpu_dma_buf *buf)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int ret;

	if (!size || size % page || iova % page)
		return -EINVAL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	memset(p, 0, size);
	ret = mvgpu_dma_map(dev, p, iova, size);
	if (ret) {
		munmap(p, size);
		return ret;
	}
	buf->cpu = p;
	buf->iova = iova;
	buf->size = size;
	return 0;
}

int mvgpu_dma_free(struct mvgpu_dev *dev, struct mvgpu_dma_buf *buf)
{
	int ret;

	if (!buf->cpu)
		return 0;
	ret = mvgpu_dma_unmap(dev, buf->iova, buf->size);
	munmap(buf->cpu, buf->size);
	buf->cpu = NULL;
	return ret;
}

uint64_t mvgpu_dma_gpu_va(const struct mvgpu_dma_buf *buf, size_t offset)
{
	return MVGPU_VA_SYSMEM + buf->iova + offset;
}

/* Queues. */

int mvgpu_queue_reg_read(struct mvgpu_dev *dev, uint32_t queue, uint32_t reg,
			 uint32_t *val)
{
	return mvgpu_reg_read(dev, MVGPU_REG_QUEUE(queue) + reg, val);
}

int mvgpu_queue_reg_write(struct mvgpu_dev *dev, uint32_t queue, uint32_t reg,
			  uint32_t val)
{
	return mvgpu_reg_write(dev, MVGPU_REG_QUEUE(queue) + reg, val);
}

int mvgpu_ring_init(struct mvgpu_ring *ring, struct mvgpu_dev *dev,
		    uint32_t queue, void *cpu, uint64_t gpu_va, uint32_t size)
{
	int ret;

	ring->dev = dev;
	ring->queue = queue;
	ring->cpu = cpu;
	ring->gpu_va = gpu_va;
	ring->size = size;
	ring->tail = 0;
	ring->nops = 0;
	ring->timeout_ms = MVGPU_RING_TIMEOUT_MS;
	ret = mvgpu_queue_reg_write(dev, queue, MVGPU_Q_CONTROL,
				    MVGPU_Q_CONTROL_RESET);
	if (!ret)
		ret = mvgpu_queue_reg_write(dev, queue, MVGPU_Q_RING_BASE_LO,
					    (uint32_t)gpu_va);
	if (!ret)
		ret = mvgpu_queue_reg_write(dev, queue, MVGPU_Q_RING_BASE_HI,
					    (uint32_t)(gpu_va >> 32));
	if (!ret)
		ret = mvgpu_queue_reg_write(dev, queue, MVGPU_Q_RING_SIZE, size);
	if (!ret)
		ret = mvgpu_queue_reg_write(dev, queue, MVGPU_Q_CONTROL,
					    MVGPU_Q_CONTROL_ENABLE);
	return ret;
}

uint64_t mvgpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sleep between two polls: short at first, then up to 1 ms. */
static void mvgpu_poll_pause(unsigned int *round)
{
	usleep(*round < 100 ? 20 : *round < 1000 ? 100 : 1000);
	(*round)++;
}

int mvgpu_ring_head(struct mvgpu_ring *ring, uint32_t *head)
{
	return mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_HEAD, head);
}

int mvgpu_ring_status(struct mvgpu_ring *ring, uint32_t *status)
{
	return mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_STATUS,
				    status);
}

/* Free bytes, keeping one dword empty so that full and empty differ. */
static int mvgpu_ring_space(struct mvgpu_ring *ring, uint32_t *space)
{
	uint32_t head;
	int ret = mvgpu_ring_head(ring, &head);

	if (ret)
		return ret;
	*space = (head - ring->tail - 4) & (ring->size - 1);
	return 0;
}

static int mvgpu_ring_wait_space(struct mvgpu_ring *ring, uint32_t bytes)
{
	uint64_t deadline = mvgpu_now_ns() +
			    (uint64_t)ring->timeout_ms * 1000000;
	unsigned int round = 0;
	uint32_t space, error;
	int ret;

	for (;;) {
		ret = mvgpu_ring_space(ring, &space);
		if (ret)
			return ret;
		if (space >= bytes)
			return 0;
		ret = mvgpu_ring_error(ring, &error, NULL);
		if (ret)
			return ret;
		if (error)
			return -EIO;
		if (mvgpu_now_ns() > deadline)
			return -ETIMEDOUT;
		/* The engine may not have seen what is already there. */
		ret = mvgpu_ring_kick(ring);
		if (ret)
			return ret;
		mvgpu_poll_pause(&round);
	}
}

int mvgpu_ring_emit(struct mvgpu_ring *ring, const void *packet,
		    size_t dwords)
{
	uint32_t bytes = (uint32_t)dwords * 4, to_end;
	int ret;

	if (!dwords || dwords > MVGPU_CMD_MAX_DWORDS || bytes > ring->size / 2)
		return -EINVAL;
	to_end = ring->size - ring->tail;
	if (bytes > to_end) {
		/* Packets may not wrap: pad to the end with NOPs. */
		ret = mvgpu_ring_wait_space(ring, to_end);
		if (ret)
			return ret;
		while (ring->tail) {
			uint32_t n = (ring->size - ring->tail) / 4;

			if (n > MVGPU_CMD_MAX_DWORDS)
				n = MVGPU_CMD_MAX_DWORDS;
			mvgpu_cmd_nop(ring->cpu + ring->tail / 4, n);
			ring->tail = (ring->tail + n * 4) & (ring->size - 1);
			ring->nops++;
		}
	}
	ret = mvgpu_ring_wait_space(ring, bytes);
	if (ret)
		return ret;
	memcpy((char *)ring->cpu + ring->tail, packet, bytes);
	ring->tail = (ring->tail + bytes) & (ring->size - 1);
	return 0;
}

int mvgpu_ring_kick(struct mvgpu_ring *ring)
{
	__sync_synchronize();
	return mvgpu_queue_reg_write(ring->dev, ring->queue, MVGPU_Q_TAIL,
				     ring->tail);
}

int mvgpu_ring_submit(struct mvgpu_ring *ring, const void *packet,
		      size_t dwords)
{
	int ret = mvgpu_ring_emit(ring, packet, dwords);

	return ret ? ret : mvgpu_ring_kick(ring);
}

int mvgpu_ring_error(struct mvgpu_ring *ring, uint32_t *error,
		     uint64_t *fault_addr)
{
	uint32_t lo = 0, hi = 0;
	int ret;

	ret = mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_ERROR,
				   error);
	if (!ret && fault_addr) {
		ret = mvgpu_queue_reg_read(ring->dev, ring->queue,
					   MVGPU_Q_FAULT_ADDR_LO, &lo);
		if (!ret)
			ret = mvgpu_queue_reg_read(ring->dev, ring->queue,
						   MVGPU_Q_FAULT_ADDR_HI, &hi);
		*fault_addr = lo | (uint64_t)hi << 32;
	}
	return ret;
}

/*
 * Wait until the queue stopped on an error (*error set, returns 0), or its
 * head reached the tail (*error 0, returns 0), or -ETIMEDOUT.
 */
int mvgpu_ring_wait_settled(struct mvgpu_ring *ring, int timeout_ms,
			    uint32_t *error)
{
	uint64_t deadline = mvgpu_now_ns() + (uint64_t)timeout_ms * 1000000;
	unsigned int round = 0;
	uint32_t head;
	int ret;

	for (;;) {
		ret = mvgpu_ring_error(ring, error, NULL);
		if (ret || *error)
			return ret;
		ret = mvgpu_ring_head(ring, &head);
		if (ret)
			return ret;
		if (head == ring->tail)
			return 0;
		if (mvgpu_now_ns() > deadline)
			return -ETIMEDOUT;
		mvgpu_poll_pause(&round);
	}
}

int mvgpu_ring_wait_idle(struct mvgpu_ring *ring, int timeout_ms)
{
	uint32_t error = 0;
	int ret = mvgpu_ring_wait_settled(ring, timeout_ms, &error);

	return ret ? ret : error ? -EIO : 0;
}

/* Wait until the queue's FENCE register holds at least @value. */
int mvgpu_ring_wait_fence(struct mvgpu_ring *ring, uint64_t value,
			  int timeout_ms)
{
	uint64_t deadline = mvgpu_now_ns() + (uint64_t)timeout_ms * 1000000;
	unsigned int round = 0;
	uint32_t error;
	int ret;

	for (;;) {
		if (mvgpu_ring_fence(ring) >= value)
			return 0;
		ret = mvgpu_ring_error(ring, &error, NULL);
		if (ret)
			return ret;
		if (error)
			return -EIO;
		if (mvgpu_now_ns() > deadline)
			return -ETIMEDOUT;
		mvgpu_poll_pause(&round);
	}
}

int mvgpu_ring_reset(struct mvgpu_ring *ring)
{
	int timeout_ms = ring->timeout_ms, ret;

	ret = mvgpu_ring_init(ring, ring->dev, ring->queue, ring->cpu,
			      ring->gpu_va, ring->size);
	ring->timeout_ms = timeout_ms;
	return ret;
}

uint64_t mvgpu_ring_fence(struct mvgpu_ring *ring)
{
	uint32_t lo = 0, hi = 0, hi2 = 0;

	/* The two halves are separate reads: retry if HI moved in between. */
	do {
		mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_FENCE_HI,
				     &hi);
		mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_FENCE_LO,
				     &lo);
		mvgpu_queue_reg_read(ring->dev, ring->queue, MVGPU_Q_FENCE_HI,
				     &hi2);
	} while (hi != hi2);
	return lo | (uint64_t)hi << 32;
}
