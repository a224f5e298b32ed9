// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmvgpu_drm: guest userspace access to an mvgpu vGPU through its DRM
 * driver, on libdrm. See libmvgpu_drm.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu_drm.h"

#define MAX_DRM_DEVICES	16

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

uint64_t mvgpu_drm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *mvgpu_drm_cap_name(unsigned int bit)
{
	static const char *const names[] = {
		"intx", "msi", "reset", "queues", "display",
	};

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

/* 0 if @fd is a node of the mvgpu driver; fills the driver fields. */
static int check_driver(struct mvgpu_drm *drm, int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ret = 0;

	if (!v)
		return neg_errno();
	if (!v->name || strcmp(v->name, MVGPU_DRM_DRIVER_NAME)) {
		ret = -ENXIO;
	} else {
		snprintf(drm->driver_version, sizeof(drm->driver_version),
			 "%d.%d.%d", v->version_major, v->version_minor,
			 v->version_patchlevel);
		snprintf(drm->driver_desc, sizeof(drm->driver_desc), "%s",
			 v->desc ? v->desc : "");
		snprintf(drm->driver_date, sizeof(drm->driver_date), "%s",
			 v->date ? v->date : "");
	}
	drmFreeVersion(v);
	return ret;
}

static int open_node(struct mvgpu_drm *drm, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return neg_errno();
	ret = check_driver(drm, fd);
	if (ret) {
		close(fd);
		return ret;
	}
	drm->fd = fd;
	snprintf(drm->path, sizeof(drm->path), "%s", path);
	return 0;
}

/* The first node of @node_type whose driver is mvgpu. */
static int find_node(struct mvgpu_drm *drm, int node_type)
{
	drmDevicePtr devs[MAX_DRM_DEVICES];
	int n = drmGetDevices2(0, devs, MAX_DRM_DEVICES);
	int ret = -ENODEV;

	for (int i = 0; i < n && ret; i++) {
		if (devs[i]->available_nodes & (1 << node_type))
			ret = open_node(drm, devs[i]->nodes[node_type]);
		if (ret && ret != -ENXIO && ret != -ENOENT)
			break;
		if (ret)
			ret = -ENODEV;
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	if (ret == -ENODEV) {
		/* Nodes that drmGetDevices2() did not parse (no bus info). */
		int fd = drmOpenWithType(MVGPU_DRM_DRIVER_NAME, NULL,
					 node_type);

		if (fd >= 0) {
			ret = check_driver(drm, fd);
			if (ret) {
				close(fd);
				return ret;
			}
			char *name = drmGetDeviceNameFromFd2(fd);

			drm->fd = fd;
			snprintf(drm->path, sizeof(drm->path), "%s",
				 name ? name : "");
			free(name);
		}
	}
	return ret;
}

static void read_bus(struct mvgpu_drm *drm)
{
	drmDevicePtr dev;

	if (drmGetDevice2(drm->fd, 0, &dev))
		return;
	if (dev->bustype == DRM_BUS_PCI)
		snprintf(drm->bus, sizeof(drm->bus), "%04x:%02x:%02x.%u",
			 dev->businfo.pci->domain, dev->businfo.pci->bus,
			 dev->businfo.pci->dev, dev->businfo.pci->func);
	drmFreeDevice(&dev);
}

int mvgpu_drm_open(struct mvgpu_drm *drm, const char *path, int node_type)
{
	static const struct {
		uint32_t param;
		size_t off;
	} params[] = {
		{ MVGPU_PARAM_ABI_VERSION, offsetof(struct mvgpu_drm, abi_version) },
		{ MVGPU_PARAM_VRAM_SIZE, offsetof(struct mvgpu_drm, vram_size) },
		{ MVGPU_PARAM_NUM_QUEUES, offsetof(struct mvgpu_drm, num_queues) },
		{ MVGPU_PARAM_NUM_ENGINES, offsetof(struct mvgpu_drm, num_engines) },
		{ MVGPU_PARAM_CAPS, offsetof(struct mvgpu_drm, caps) },
		{ MVGPU_PARAM_MAX_SUBMIT_DWORDS,
		  offsetof(struct mvgpu_drm, max_submit_dwords) },
	};
	const char *env = getenv("MVGPU_DRM_DEVICE");
	int ret;

	memset(drm, 0, sizeof(*drm));
	drm->fd = -1;
	if (!path && env && *env)
		path = env;
	if (node_type != DRM_NODE_PRIMARY && node_type != DRM_NODE_RENDER)
		return -EINVAL;
	ret = path ? open_node(drm, path) : find_node(drm, node_type);
	if (ret)
		return ret;
	read_bus(drm);
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		ret = mvgpu_drm_get_param(drm, params[i].param,
					  (uint64_t *)((char *)drm +
						       params[i].off));
		if (ret) {
			mvgpu_drm_close(drm);
			return ret;
		}
	}
	return 0;
}

void mvgpu_drm_close(struct mvgpu_drm *drm)
{
	if (drm->fd >= 0)
		close(drm->fd);
	drm->fd = -1;
}

int mvgpu_drm_get_param(struct mvgpu_drm *drm, uint32_t param,
			uint64_t *value)
{
	struct drm_mvgpu_get_param gp = { .param = param };

	if (drmIoctl(drm->fd, DRM_IOCTL_MVGPU_GET_PARAM, &gp))
		return neg_errno();
	*value = gp.value;
	return 0;
}

int mvgpu_bo_from_handle(struct mvgpu_drm *drm, uint32_t handle,
			 struct mvgpu_bo *bo)
{
	struct drm_mvgpu_gem_info info = { .handle = handle };

	memset(bo, 0, sizeof(*bo));
	if (drmIoctl(drm->fd, DRM_IOCTL_MVGPU_GEM_INFO, &info))
		return neg_errno();
	bo->drm = drm;
	bo->handle = handle;
	bo->domain = info.domain;
	bo->size = info.size;
	bo->gpu_va = info.gpu_va;
	bo->mmap_offset = info.mmap_offset;
	return 0;
}

static void gem_close(struct mvgpu_drm *drm, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	drmIoctl(drm->fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

int mvgpu_bo_create(struct mvgpu_drm *drm, uint64_t size, uint32_t domain,
		    struct mvgpu_bo *bo)
{
	struct drm_mvgpu_gem_create gc = { .size = size, .domain = domain };
	int ret;

	memset(bo, 0, sizeof(*bo));
	if (drmIoctl(drm->fd, DRM_IOCTL_MVGPU_GEM_CREATE, &gc))
		return neg_errno();
	ret = mvgpu_bo_from_handle(drm, gc.handle, bo);
	if (ret) {
		gem_close(drm, gc.handle);
		return ret;
	}
	if (bo->gpu_va != gc.gpu_va || bo->size < size ||
	    bo->domain != domain) {
		/* GEM_INFO disagrees with GEM_CREATE: a driver bug. */
		gem_close(drm, gc.handle);
		memset(bo, 0, sizeof(*bo));
		return -EPROTO;
	}
	return 0;
}

int mvgpu_bo_create_dumb(struct mvgpu_drm *drm, uint32_t width,
			 uint32_t height, uint32_t bpp, struct mvgpu_bo *bo,
			 uint32_t *pitch)
{
	struct drm_mode_create_dumb cd = {
		.width = width, .height = height, .bpp = bpp,
	};
	int ret;

	memset(bo, 0, sizeof(*bo));
	if (drmIoctl(drm->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return neg_errno();
	ret = mvgpu_bo_from_handle(drm, cd.handle, bo);
	if (ret) {
		gem_close(drm, cd.handle);
		return ret;
	}
	*pitch = cd.pitch;
	return 0;
}

int mvgpu_bo_map(struct mvgpu_bo *bo)
{
	void *p;

	if (bo->cpu)
		return 0;
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bo->drm->fd, (off_t)bo->mmap_offset);
	if (p == MAP_FAILED)
		return neg_errno();
	bo->cpu = p;
	return 0;
}

void mvgpu_bo_destroy(struct mvgpu_bo *bo)
{
	if (!bo->drm)
		return;
	if (bo->cpu)
		munmap(bo->cpu, bo->size);
	gem_close(bo->drm, bo->handle);
	memset(bo, 0, sizeof(*bo));
}

int mvgpu_bo_export(struct mvgpu_bo *bo, int *dmabuf_fd)
{
	int ret = drmPrimeHandleToFD(bo->drm->fd, bo->handle,
				     DRM_CLOEXEC | DRM_RDWR, dmabuf_fd);

	return ret ? neg_errno() : 0;
}

int mvgpu_bo_import(struct mvgpu_drm *drm, int dmabuf_fd,
		    struct mvgpu_bo *bo)
{
	uint32_t handle;
	int ret;

	memset(bo, 0, sizeof(*bo));
	if (drmPrimeFDToHandle(drm->fd, dmabuf_fd, &handle))
		return neg_errno();
	ret = mvgpu_bo_from_handle(drm, handle, bo);
	if (ret)
		gem_close(drm, handle);
	return ret;
}

void mvgpu_job_init(struct mvgpu_job *job, uint32_t queue)
{
	memset(job, 0, sizeof(*job));
	job->queue = queue;
}

void mvgpu_job_fini(struct mvgpu_job *job)
{
	free(job->cmds);
	memset(job, 0, sizeof(*job));
}

void mvgpu_job_reset(struct mvgpu_job *job)
{
	job->dwords = 0;
	job->bo_count = 0;
	job->in_syncobj = 0;
	job->out_syncobj = 0;
	job->seqno = 0;
	job->error = 0;
}

int mvgpu_job_emit(struct mvgpu_job *job, const uint32_t *packet,
		   size_t dwords)
{
	if (job->error)
		return job->error;
	if (job->dwords + dwords > job->cap) {
		size_t cap = job->cap ? job->cap * 2 : 256;
		uint32_t *cmds;

		while (cap < job->dwords + dwords)
			cap *= 2;
		cmds = realloc(job->cmds, cap * sizeof(*cmds));
		if (!cmds) {
			job->error = -ENOMEM;
			return job->error;
		}
		job->cmds = cmds;
		job->cap = cap;
	}
	memcpy(job->cmds + job->dwords, packet, dwords * sizeof(*packet));
	job->dwords += dwords;
	return 0;
}

int mvgpu_job_use(struct mvgpu_job *job, const struct mvgpu_bo *bo)
{
	if (job->error)
		return job->error;
	for (uint32_t i = 0; i < job->bo_count; i++)
		if (job->handles[i] == bo->handle)
			return 0;
	if (job->bo_count == MVGPU_JOB_MAX_BOS) {
		job->error = -E2BIG;
		return job->error;
	}
	job->handles[job->bo_count++] = bo->handle;
	return 0;
}

int mvgpu_submit_raw(struct mvgpu_drm *drm, struct drm_mvgpu_submit *args)
{
	return drmIoctl(drm->fd, DRM_IOCTL_MVGPU_SUBMIT, args) ?
	       neg_errno() : 0;
}

int mvgpu_job_submit(struct mvgpu_drm *drm, struct mvgpu_job *job)
{
	struct drm_mvgpu_submit args = {
		.commands = (uintptr_t)job->cmds,
		.command_dwords = (uint32_t)job->dwords,
		.queue = job->queue,
		.bo_handles = (uintptr_t)job->handles,
		.bo_count = job->bo_count,
		.in_syncobj = job->in_syncobj,
		.out_syncobj = job->out_syncobj,
	};
	int ret;

	if (job->error)
		return job->error;
	if (job->dwords > UINT32_MAX)
		return -E2BIG;
	if (job->in_syncobj)
		args.flags |= MVGPU_SUBMIT_IN_SYNCOBJ;
	if (job->out_syncobj)
		args.flags |= MVGPU_SUBMIT_OUT_SYNCOBJ;
	ret = mvgpu_submit_raw(drm, &args);
	if (!ret)
		job->seqno = args.seqno;
	return ret;
}

int mvgpu_wait(struct mvgpu_drm *drm, uint32_t queue, uint64_t seqno,
	       int64_t timeout_ns)
{
	struct drm_mvgpu_wait w = {
		.seqno = seqno, .queue = queue, .timeout_ns = timeout_ns,
	};

	return drmIoctl(drm->fd, DRM_IOCTL_MVGPU_WAIT, &w) ? neg_errno() : 0;
}

int mvgpu_job_run(struct mvgpu_drm *drm, struct mvgpu_job *job,
		  int64_t timeout_ns)
{
	int ret = mvgpu_job_submit(drm, job);

	return ret ? ret : mvgpu_wait(drm, job->queue, job->seqno, timeout_ns);
}

int mvgpu_syncobj_create(struct mvgpu_drm *drm, uint32_t *handle)
{
	return drmSyncobjCreate(drm->fd, 0, handle) ? neg_errno() : 0;
}

void mvgpu_syncobj_destroy(struct mvgpu_drm *drm, uint32_t handle)
{
	drmSyncobjDestroy(drm->fd, handle);
}

int mvgpu_syncobj_wait(struct mvgpu_drm *drm, uint32_t handle,
		       int64_t timeout_ns)
{
	int64_t deadline = (int64_t)mvgpu_drm_now_ns() + timeout_ns;

	/* drmSyncobjWait() returns -errno itself. */
	return drmSyncobjWait(drm->fd, &handle, 1, deadline,
			      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
}
