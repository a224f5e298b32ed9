/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Display of a vGPU: the guest's scanout registers and its virtual monitor
 * (EDID, link) in mvgpu_display.c, what the host sees of them (VFIO EDID
 * region, graphics plane queries, the scanout region) in
 * mvgpu_display_host.c, and dma-bufs in mvgpu_dmabuf.c.
 */
#ifndef _MVGPU_DISPLAY_H_
#define _MVGPU_DISPLAY_H_

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <uapi/mvgpu/mvgpu_regs.h>
#include <uapi/mvgpu/mvgpu_vfio.h>

struct inode;
struct mvgpu_vgpu;

/**
 * struct mvgpu_display_plane - one scanout plane as the guest programs it
 * @control: MVGPU_REG_DISP_CONTROL
 * @format: MVGPU_REG_DISP_FORMAT, a DRM fourcc
 * @width: MVGPU_REG_DISP_WIDTH, pixels
 * @height: MVGPU_REG_DISP_HEIGHT, lines
 * @stride: MVGPU_REG_DISP_STRIDE, bytes per line
 * @offset: MVGPU_REG_DISP_OFFSET_LO/HI, byte offset in the vGPU's VRAM
 */
struct mvgpu_display_plane {
	u32 control;
	u32 format;
	u32 width;
	u32 height;
	u32 stride;
	u64 offset;
};

/**
 * struct mvgpu_display - display state of a vGPU
 * @lock: guards every other field but @scanout_inode; taken after
 *	&mvgpu_vgpu.state_lock (register handlers hold that one), never held
 *	while touching user memory; the scanout fault handler takes it under
 *	the faulting task's mmap lock
 * @shadow: plane registers as last written by the guest
 * @plane: the current plane, latched from @shadow by an accepted UPDATE
 * @update_invalid: the last UPDATE was refused (MVGPU_DISP_STATUS_INVALID)
 * @flip_count: accepted UPDATEs since the last reset
 * @scanout_base: VRAM offset the scanout region shows: that of the last
 *	enabled plane (0 at first), so a disabled plane leaves the host's view
 *	where it was
 * @connected: the guest sees its monitor connected (host link state up)
 * @edid: the EDID the guest sees, latched when the host link comes up
 * @edid_size: bytes of @edid in use
 * @host_link_up: link state the host set through the EDID region
 * @host_edid: EDID blob the host is writing through the EDID region
 * @host_edid_size: edid_size the host set
 * @dmabuf_enabled: VFIO_DEVICE_QUERY_GFX_PLANE offers dma-bufs
 *	(sysfs display_dmabuf); else regions
 * @scanout_inode: inode whose mapping holds every mapping of the scanout
 *	region, so a flip can zap them all; set at init, fixed
 * @dmabufs: planes offered as dma-bufs (struct mvgpu_dmabuf), most
 *	recently used first; guarded by mvgpu_dmabuf.c's global lock, not
 *	@lock
 * @next_dmabuf_id: id of the next plane offered as a dma-buf, never 0;
 *	guarded as @dmabufs
 */
struct mvgpu_display {
	/* guards the fields below */
	struct mutex lock;
	struct mvgpu_display_plane shadow;
	struct mvgpu_display_plane plane;
	bool update_invalid;
	u32 flip_count;
	u64 scanout_base;
	bool connected;
	u8 edid[MVGPU_DISP_EDID_MAX];
	u32 edid_size;
	bool host_link_up;
	u8 host_edid[MVGPU_DISP_EDID_MAX];
	u32 host_edid_size;
	bool dmabuf_enabled;
	struct inode *scanout_inode;
	struct list_head dmabufs;
	u32 next_dmabuf_id;
};

#define MVGPU_NUM_REGIONS		(MVGPU_REGION_SCANOUT + 1)
#define MVGPU_EDID_REGION_SIZE		(MVGPU_EDID_REGION_BLOB + \
					 MVGPU_DISP_EDID_MAX)

struct vm_area_struct;

/* mvgpu_display.c: guest registers and the virtual monitor */
int mvgpu_display_init(struct mvgpu_vgpu *vgpu);
void mvgpu_display_fini(struct mvgpu_vgpu *vgpu);
void mvgpu_display_reset_locked(struct mvgpu_vgpu *vgpu);
void mvgpu_display_close(struct mvgpu_vgpu *vgpu);
bool mvgpu_display_reg(u32 offset);
u32 mvgpu_display_read_locked(struct mvgpu_vgpu *vgpu, u32 offset);
void mvgpu_display_write_locked(struct mvgpu_vgpu *vgpu, u32 offset, u32 val);
bool mvgpu_display_plane_get(struct mvgpu_vgpu *vgpu,
			     struct mvgpu_display_plane *plane);
u32 mvgpu_display_format_bpp(u32 format);
void mvgpu_display_host_link(struct mvgpu_vgpu *vgpu, bool up);

/* mvgpu_display_host.c: the host's view (regions, plane queries) */
int mvgpu_display_scanout_init(struct mvgpu_display *disp);
void mvgpu_display_scanout_fini(struct mvgpu_display *disp);
void mvgpu_display_scanout_zap(struct mvgpu_display *disp);
ssize_t mvgpu_display_edid_rw(struct mvgpu_vgpu *vgpu, char __user *ubuf,
			      size_t count, u64 offset, bool write);
ssize_t mvgpu_display_scanout_read(struct mvgpu_vgpu *vgpu, char __user *ubuf,
				   size_t count, u64 offset);
int mvgpu_display_scanout_mmap(struct mvgpu_vgpu *vgpu,
			       struct vm_area_struct *vma, u64 offset);
long mvgpu_display_query_plane(struct mvgpu_vgpu *vgpu, void __user *arg);
int mvgpu_display_region_info(struct mvgpu_vgpu *vgpu,
			      struct vfio_region_info *info,
			      struct vfio_info_cap *caps);

/* mvgpu_dmabuf.c */
int mvgpu_dmabuf_plane_id(struct mvgpu_vgpu *vgpu,
			  const struct mvgpu_display_plane *plane, u32 *id);
long mvgpu_dmabuf_get_fd(struct mvgpu_vgpu *vgpu, void __user *arg);
void mvgpu_dmabuf_revoke_all(struct mvgpu_vgpu *vgpu);

#endif /* _MVGPU_DISPLAY_H_ */
