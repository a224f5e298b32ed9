/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libmvgpu_drm: guest userspace access to an mvgpu vGPU through its DRM
 * driver (driver name "mvgpu", ioctls of include/uapi/mvgpu/mvgpu_drm.h),
 * on libdrm. It finds and opens the device, reads its parameters, creates
 * and maps buffer objects in VRAM and system memory, builds and submits
 * jobs (command packets of include/uapi/mvgpu/mvgpu_cmds.h, built with
 * mvgpu_packet.h, plus the list of buffers they use), waits for them, and
 * wraps syncobjs and PRIME export/import.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; nothing is printed. Documentation/guest-userspace.rst describes
 * the API and the tools built on it.
 */
#ifndef LIBMVGPU_DRM_H
#define LIBMVGPU_DRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>
#include <mvgpu/mvgpu_drm.h>

#include "mvgpu_packet.h"

#define MVGPU_DRM_DRIVER_NAME	"mvgpu"

/**
 * struct mvgpu_drm - an open mvgpu DRM device
 * @fd: the DRM file descriptor
 * @path: its device node, e.g. /dev/dri/renderD128
 * @bus: PCI address of the vGPU, e.g. 0000:00:04.0, or "" if unknown
 * @driver_version: "major.minor.patchlevel" of the DRM driver
 * @driver_desc: the driver's description
 * @driver_date: the driver's date string
 * @abi_version: MVGPU_PARAM_ABI_VERSION (major << 16 | minor)
 * @vram_size: MVGPU_PARAM_VRAM_SIZE, bytes
 * @num_queues: MVGPU_PARAM_NUM_QUEUES
 * @num_engines: MVGPU_PARAM_NUM_ENGINES
 * @caps: MVGPU_PARAM_CAPS (MVGPU_CAP_*)
 * @max_submit_dwords: MVGPU_PARAM_MAX_SUBMIT_DWORDS
 */
struct mvgpu_drm {
	int fd;
	char path[64];
	char bus[32];
	char driver_version[32];
	char driver_desc[64];
	char driver_date[16];
	uint64_t abi_version;
	uint64_t vram_size;
	uint64_t num_queues;
	uint64_t num_engines;
	uint64_t caps;
	uint64_t max_submit_dwords;
};

/*
 * Open the mvgpu device. @path names a node (/dev/dri/card0, ...); NULL
 * takes $MVGPU_DRM_DEVICE if set, else the first device whose driver is
 * "mvgpu" among those drmGetDevices2() lists (then drmOpenWithType()),
 * on a node of @node_type (DRM_NODE_RENDER or DRM_NODE_PRIMARY).
 * -ENODEV if there is none; -ENXIO if @path is another driver's node.
 */
int mvgpu_drm_open(struct mvgpu_drm *drm, const char *path, int node_type);
void mvgpu_drm_close(struct mvgpu_drm *drm);
int mvgpu_drm_get_param(struct mvgpu_drm *drm, uint32_t param,
			uint64_t *value);

/**
 * struct mvgpu_bo - a GEM buffer object of an mvgpu device
 * @drm: the device it belongs to
 * @handle: GEM handle
 * @domain: MVGPU_GEM_DOMAIN_VRAM or MVGPU_GEM_DOMAIN_SYSTEM
 * @size: bytes
 * @gpu_va: GPU virtual address of its first byte
 * @mmap_offset: offset of its CPU mapping in the DRM file
 * @cpu: CPU mapping after mvgpu_bo_map(), else NULL
 */
struct mvgpu_bo {
	struct mvgpu_drm *drm;
	uint32_t handle;
	uint32_t domain;
	uint64_t size;
	uint64_t gpu_va;
	uint64_t mmap_offset;
	void *cpu;
};

int mvgpu_bo_create(struct mvgpu_drm *drm, uint64_t size, uint32_t domain,
		    struct mvgpu_bo *bo);
/* Fill @bo from an existing handle (a dumb buffer, an import). */
int mvgpu_bo_from_handle(struct mvgpu_drm *drm, uint32_t handle,
			 struct mvgpu_bo *bo);
int mvgpu_bo_map(struct mvgpu_bo *bo);
/* Unmap and close the handle; a zeroed @bo is left alone. */
void mvgpu_bo_destroy(struct mvgpu_bo *bo);
/* A dumb buffer (KMS scanout) of @width x @height at @bpp bits. */
int mvgpu_bo_create_dumb(struct mvgpu_drm *drm, uint32_t width,
			 uint32_t height, uint32_t bpp, struct mvgpu_bo *bo,
			 uint32_t *pitch);
/* PRIME: a dma-buf fd for @bo, and a buffer object from one. */
int mvgpu_bo_export(struct mvgpu_bo *bo, int *dmabuf_fd);
int mvgpu_bo_import(struct mvgpu_drm *drm, int dmabuf_fd,
		    struct mvgpu_bo *bo);

#define MVGPU_JOB_MAX_BOS	256

/**
 * struct mvgpu_job - command packets and the buffers they use
 * @queue: queue index to submit to
 * @cmds: packets, little-endian dwords
 * @dwords: dwords in @cmds
 * @cap: dwords allocated for @cmds
 * @handles: GEM handles of the buffer list, each once
 * @bo_count: entries in @handles
 * @in_syncobj: syncobj to wait for before the work starts, or 0
 * @out_syncobj: syncobj that gets the job's fence, or 0
 * @seqno: fence sequence number after a submit
 * @error: first error while building (-ENOMEM, -E2BIG), reported by
 *	mvgpu_job_submit()
 */
struct mvgpu_job {
	uint32_t queue;
	uint32_t *cmds;
	size_t dwords;
	size_t cap;
	uint32_t handles[MVGPU_JOB_MAX_BOS];
	uint32_t bo_count;
	uint32_t in_syncobj;
	uint32_t out_syncobj;
	uint64_t seqno;
	int error;
};

void mvgpu_job_init(struct mvgpu_job *job, uint32_t queue);
void mvgpu_job_fini(struct mvgpu_job *job);
/* Empty the job for reuse (keeps the queue and the allocation). */
void mvgpu_job_reset(struct mvgpu_job *job);
int mvgpu_job_emit(struct mvgpu_job *job, const uint32_t *packet,
		   size_t dwords);
int mvgpu_job_use(struct mvgpu_job *job, const struct mvgpu_bo *bo);
int mvgpu_job_submit(struct mvgpu_drm *drm, struct mvgpu_job *job);
/* Submit and wait up to @timeout_ns for completion. */
int mvgpu_job_run(struct mvgpu_drm *drm, struct mvgpu_job *job,
		  int64_t timeout_ns);

/* DRM_IOCTL_MVGPU_SUBMIT as is (for tests of its argument checks). */
int mvgpu_submit_raw(struct mvgpu_drm *drm, struct drm_mvgpu_submit *args);
/* 0 done, -ETIME not yet, -EIO failed, -EINVAL never issued. */
int mvgpu_wait(struct mvgpu_drm *drm, uint32_t queue, uint64_t seqno,
	       int64_t timeout_ns);

int mvgpu_syncobj_create(struct mvgpu_drm *drm, uint32_t *handle);
void mvgpu_syncobj_destroy(struct mvgpu_drm *drm, uint32_t handle);
/* Wait for a syncobj's fence (submitted or not yet) up to @timeout_ns. */
int mvgpu_syncobj_wait(struct mvgpu_drm *drm, uint32_t handle,
		       int64_t timeout_ns);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mvgpu_drm_now_ns(void);
/* Name of an MVGPU_CAP_* bit, or NULL. */
const char *mvgpu_drm_cap_name(unsigned int bit);

#endif /* LIBMVGPU_DRM_H */
