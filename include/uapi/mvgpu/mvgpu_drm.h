/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mvgpu guest DRM driver interface: the ioctls of /dev/dri/card* and
 * /dev/dri/renderD* of the mvgpu guest driver (driver name "mvgpu").
 * Documentation/guest-driver.rst is the prose version of this file.
 *
 * Buffers are GEM objects in one of two domains: VRAM (the vGPU's video
 * memory, CPU mapped through BAR2) and SYSTEM (guest memory the vGPU
 * reaches at MVGPU_VA_SYSMEM + its DMA address). Each object has one GPU
 * virtual address, contiguous for its whole size, which command packets
 * use. Work is submitted to one of the vGPU's queues as a list of command
 * packets (include/uapi/mvgpu/mvgpu_cmds.h); the driver copies them into
 * the queue's ring after checking that every address they use lies inside
 * an object of the submit's buffer list, and follows them with a FENCE.
 * Each queue has its own fence timeline of 64-bit sequence numbers.
 */
#ifndef _UAPI_MVGPU_DRM_H_
#define _UAPI_MVGPU_DRM_H_

#ifdef __KERNEL__
#include <drm/drm.h>
#include <linux/build_bug.h>
#else
/* libdrm's copy: build with `pkg-config --cflags libdrm`. */
#include "drm.h"
#include <assert.h>
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* DRM_MVGPU_GET_PARAM parameters. */
#define MVGPU_PARAM_ABI_VERSION		0	/* MVGPU_REG_ABI_VERSION */
#define MVGPU_PARAM_VRAM_SIZE		1	/* bytes */
#define MVGPU_PARAM_NUM_QUEUES		2	/* queues this driver uses */
#define MVGPU_PARAM_NUM_ENGINES		3
#define MVGPU_PARAM_CAPS		4	/* MVGPU_REG_CAPS */
#define MVGPU_PARAM_VRAM_USED		5	/* bytes allocated in VRAM */
#define MVGPU_PARAM_RESETS		6	/* recoveries since load */
#define MVGPU_PARAM_MAX_SUBMIT_DWORDS	7	/* command_dwords limit */

/**
 * struct drm_mvgpu_get_param - DRM_IOCTL_MVGPU_GET_PARAM
 * @param: MVGPU_PARAM_*
 * @pad: must be zero
 * @value: out, the value
 */
struct drm_mvgpu_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

#define MVGPU_GEM_DOMAIN_VRAM		1
#define MVGPU_GEM_DOMAIN_SYSTEM		2

/**
 * struct drm_mvgpu_gem_create - DRM_IOCTL_MVGPU_GEM_CREATE
 * @size: bytes, rounded up to a page; not zero
 * @domain: MVGPU_GEM_DOMAIN_*
 * @flags: must be zero
 * @handle: out, GEM handle
 * @pad: must be zero
 * @gpu_va: out, GPU virtual address of the first byte
 *
 * The object's memory is zeroed.
 */
struct drm_mvgpu_gem_create {
	__u64 size;
	__u32 domain;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 gpu_va;
};

/**
 * struct drm_mvgpu_gem_info - DRM_IOCTL_MVGPU_GEM_INFO
 * @handle: GEM handle (also of a dumb buffer or an imported object)
 * @domain: out, MVGPU_GEM_DOMAIN_*
 * @size: out, bytes
 * @gpu_va: out, GPU virtual address
 * @mmap_offset: out, offset to pass to mmap() on the DRM fd
 */
struct drm_mvgpu_gem_info {
	__u32 handle;
	__u32 domain;
	__u64 size;
	__u64 gpu_va;
	__u64 mmap_offset;
};

/* drm_mvgpu_submit.flags */
#define MVGPU_SUBMIT_IN_SYNCOBJ		(1u << 0)	/* wait for in_syncobj */
#define MVGPU_SUBMIT_OUT_SYNCOBJ	(1u << 1)	/* signal out_syncobj */
#define MVGPU_SUBMIT_FLAGS		(MVGPU_SUBMIT_IN_SYNCOBJ | \
					 MVGPU_SUBMIT_OUT_SYNCOBJ)

/**
 * struct drm_mvgpu_submit - DRM_IOCTL_MVGPU_SUBMIT
 * @commands: user pointer to @command_dwords little-endian dwords of
 *	whole command packets (no FENCE needed: the driver adds one)
 * @command_dwords: at most MVGPU_PARAM_MAX_SUBMIT_DWORDS, not zero
 * @queue: queue index, below MVGPU_PARAM_NUM_QUEUES
 * @bo_handles: user pointer to @bo_count __u32 GEM handles: the objects
 *	the commands use; they stay alive until the work completes
 * @bo_count: entries in @bo_handles (at most 256)
 * @flags: MVGPU_SUBMIT_*
 * @in_syncobj: with MVGPU_SUBMIT_IN_SYNCOBJ, a syncobj whose fence must
 *	signal before the work starts
 * @out_syncobj: with MVGPU_SUBMIT_OUT_SYNCOBJ, a syncobj that gets the
 *	submit's fence
 * @pad: must be zero
 * @pad2: must be zero
 * @seqno: out, the submit's fence sequence number on @queue
 *
 * Errors: -EINVAL for a malformed packet or an address outside the
 * buffer list, -ENOENT for an unknown handle, -EIO while the device
 * recovers, -EINTR/-ERESTARTSYS when interrupted waiting for ring space.
 */
struct drm_mvgpu_submit {
	__u64 commands;
	__u32 command_dwords;
	__u32 queue;
	__u64 bo_handles;
	__u32 bo_count;
	__u32 flags;
	__u32 in_syncobj;
	__u32 out_syncobj;
	__u32 pad;
	__u32 pad2;
	__u64 seqno;
};

/**
 * struct drm_mvgpu_wait - DRM_IOCTL_MVGPU_WAIT
 * @seqno: fence sequence number from DRM_IOCTL_MVGPU_SUBMIT
 * @queue: the queue it was submitted to
 * @flags: must be zero
 * @timeout_ns: relative timeout; 0 polls
 *
 * Return: 0 when the work completed, -ETIME on timeout, -EIO when it
 * failed (a GPU fault, a bad command, a hang, or a vGPU reset dropped it),
 * -EINVAL for a seqno never issued.
 */
struct drm_mvgpu_wait {
	__u64 seqno;
	__u32 queue;
	__u32 flags;
	__s64 timeout_ns;
};

static_assert(sizeof(struct drm_mvgpu_get_param) == 16, "get_param ABI");
static_assert(sizeof(struct drm_mvgpu_gem_create) == 32, "gem_create ABI");
static_assert(sizeof(struct drm_mvgpu_gem_info) == 32, "gem_info ABI");
static_assert(sizeof(struct drm_mvgpu_submit) == 56, "submit ABI");
static_assert(sizeof(struct drm_mvgpu_wait) == 24, "wait ABI");

#define DRM_MVGPU_GET_PARAM		0x00
#define DRM_MVGPU_GEM_CREATE		0x01
#define DRM_MVGPU_GEM_INFO		0x02
#define DRM_MVGPU_SUBMIT		0x03
#define DRM_MVGPU_WAIT			0x04

#define DRM_IOCTL_MVGPU_GET_PARAM	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_MVGPU_GET_PARAM, struct drm_mvgpu_get_param)
#define DRM_IOCTL_MVGPU_GEM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_MVGPU_GEM_CREATE, struct drm_mvgpu_gem_create)
#define DRM_IOCTL_MVGPU_GEM_INFO	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_MVGPU_GEM_INFO, struct drm_mvgpu_gem_info)
#define DRM_IOCTL_MVGPU_SUBMIT		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_MVGPU_SUBMIT, struct drm_mvgpu_submit)
#define DRM_IOCTL_MVGPU_WAIT		DRM_IOW(DRM_COMMAND_BASE + \
		DRM_MVGPU_WAIT, struct drm_mvgpu_wait)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_MVGPU_DRM_H_ */
