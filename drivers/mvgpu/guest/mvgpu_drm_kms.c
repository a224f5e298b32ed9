// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu guest DRM driver: mode setting.
 */

/**
 * DOC: Display
 *
 * One simple display pipe (a CRTC, its primary plane, an encoder) drives
 * the vGPU's scanout: the plane's framebuffer is a VRAM object, and a
 * commit writes the display block's shadow registers (format, size,
 * stride, VRAM offset) and then DISP_UPDATE, which the device applies at
 * once (a tear-free flip). The atomic check refuses every plane the device
 * would refuse; should the device refuse one anyway (DISP_STATUS, read
 * after each update), the driver turns the scanout off rather than leave
 * the previous framebuffer, which the commit releases, on screen. There is
 * no hardware vblank: the atomic helpers send a commit's completion event
 * when the commit is done.
 *
 * The connector is virtual. Its modes come from the EDID the host set
 * (DISP_EDID), or, on a vGPU without an EDID, the standard modes up to
 * DISP_MAX_WIDTH x DISP_MAX_HEIGHT with 1024x768 preferred. The DISPLAY
 * interrupt (connector or EDID changed) sends a hotplug event, so
 * compositors re-probe.
 */

#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>

#include <uapi/mvgpu/mvgpu_drm.h>

#include "mvgpu_drm.h"
#include "mvgpu_drm_compat.h"

/* A CONTROL bit the ABI reserves: the device refuses a plane with it. */
#define MVDRM_DISP_CONTROL_RESERVED	BIT(31)

/* Mode limits when the vGPU has no display block to say. */
#define MVDRM_KMS_DEFAULT_MAX_WIDTH	4096
#define MVDRM_KMS_DEFAULT_MAX_HEIGHT	2160

/* Index of each display register in &mvdrm_device.disp_regs. */
enum mvdrm_disp_reg {
	MVDRM_DISP_REG_CONTROL,
	MVDRM_DISP_REG_FORMAT,
	MVDRM_DISP_REG_WIDTH,
	MVDRM_DISP_REG_HEIGHT,
	MVDRM_DISP_REG_STRIDE,
	MVDRM_DISP_REG_OFFSET_LO,
	MVDRM_DISP_REG_OFFSET_HI,
	MVDRM_DISP_NR_REGS,
};

static const u32 mvdrm_disp_reg_offsets[MVDRM_DISP_NR_REGS] = {
	MVGPU_REG_DISP_CONTROL, MVGPU_REG_DISP_FORMAT, MVGPU_REG_DISP_WIDTH,
	MVGPU_REG_DISP_HEIGHT, MVGPU_REG_DISP_STRIDE,
	MVGPU_REG_DISP_OFFSET_LO, MVGPU_REG_DISP_OFFSET_HI,
};

/* The plane formats: their DRM fourccs are the device's format codes. */
static const u32 mvdrm_kms_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_RGB565,
};

static_assert(DRM_FORMAT_XRGB8888 == MVGPU_DISP_FMT_XRGB8888);
static_assert(DRM_FORMAT_ARGB8888 == MVGPU_DISP_FMT_ARGB8888);
static_assert(DRM_FORMAT_RGB565 == MVGPU_DISP_FMT_RGB565);
static_assert(ARRAY_SIZE(((struct mvdrm_device *)NULL)->disp_regs) ==
	      MVDRM_DISP_NR_REGS);

/*
 * Write the shadow registers, latch them and read the device's verdict.
 * Return: true if the device made the plane current.
 */
static bool mvdrm_disp_write(struct mvdrm_device *mdrm,
			     const u32 regs[MVDRM_DISP_NR_REGS])
{
	unsigned int i;

	for (i = 0; i < MVDRM_DISP_NR_REGS; i++)
		mvdrm_write(mdrm, mvdrm_disp_reg_offsets[i], regs[i]);
	mvdrm_write(mdrm, MVGPU_REG_DISP_UPDATE, 1);
	return !(mvdrm_read(mdrm, MVGPU_REG_DISP_STATUS) &
		 MVGPU_DISP_STATUS_INVALID);
}

/*
 * Show the plane of @regs. A plane the device refuses leaves the previous
 * one on screen, whose framebuffer the commit is about to release: turn
 * the scanout off instead (a disabled plane is always accepted), count
 * and log the refusal. The next commit programs the plane again.
 */
static void mvdrm_disp_program(struct mvdrm_device *mdrm,
			       const u32 regs[MVDRM_DISP_NR_REGS])
{
	static const u32 off[MVDRM_DISP_NR_REGS];
	u32 shown[MVDRM_DISP_NR_REGS];

	memcpy(shown, regs, sizeof(shown));
	/*
	 * No drm_dev_enter(): after an unplug only the remove path's own
	 * shutdown commit gets here, and BAR0 is mapped until it returns.
	 */
	if (mdrm->caps & MVGPU_CAP_DISPLAY) {
		/* Fault injection: a reserved CONTROL bit, which is refused. */
		if (shown[MVDRM_DISP_REG_CONTROL] & MVGPU_DISP_CONTROL_ENABLE &&
		    atomic_xchg(&mdrm->disp_inject_refusal, 0))
			shown[MVDRM_DISP_REG_CONTROL] |= MVDRM_DISP_CONTROL_RESERVED;
		if (!mvdrm_disp_write(mdrm, shown)) {
			atomic_inc(&mdrm->disp_refused);
			drm_err_ratelimited(&mdrm->drm,
					    "the device refused the plane (%ux%u, stride %u, offset 0x%08x%08x, format %p4cc, control 0x%x): scanout off\n",
					    shown[MVDRM_DISP_REG_WIDTH],
					    shown[MVDRM_DISP_REG_HEIGHT],
					    shown[MVDRM_DISP_REG_STRIDE],
					    shown[MVDRM_DISP_REG_OFFSET_HI],
					    shown[MVDRM_DISP_REG_OFFSET_LO],
					    &shown[MVDRM_DISP_REG_FORMAT],
					    shown[MVDRM_DISP_REG_CONTROL]);
			mvdrm_disp_write(mdrm, off);
			memcpy(shown, off, sizeof(shown));
		}
	}
	spin_lock(&mdrm->disp_regs_lock);
	memcpy(mdrm->disp_regs, shown, sizeof(mdrm->disp_regs));
	spin_unlock(&mdrm->disp_regs_lock);
}

/* VRAM offset of the plane's first visible pixel. */
static u64 mvdrm_plane_offset(const struct drm_plane_state *state)
{
	const struct drm_framebuffer *fb = state->fb;

	return to_mvdrm_bo(fb->obj[0])->gpu_va + fb->offsets[0] +
	       (u64)(state->src.y1 >> 16) * fb->pitches[0] +
	       (u64)(state->src.x1 >> 16) * fb->format->cpp[0];
}

static void mvdrm_pipe_show(struct mvdrm_device *mdrm,
			    struct drm_plane_state *state)
{
	struct drm_framebuffer *fb = state->fb;
	u32 regs[MVDRM_DISP_NR_REGS] = {};
	u64 offset = mvdrm_plane_offset(state);

	regs[MVDRM_DISP_REG_CONTROL] = MVGPU_DISP_CONTROL_ENABLE;
	regs[MVDRM_DISP_REG_FORMAT] = fb->format->format;
	regs[MVDRM_DISP_REG_WIDTH] = drm_rect_width(&state->dst);
	regs[MVDRM_DISP_REG_HEIGHT] = drm_rect_height(&state->dst);
	regs[MVDRM_DISP_REG_STRIDE] = fb->pitches[0];
	regs[MVDRM_DISP_REG_OFFSET_LO] = lower_32_bits(offset);
	regs[MVDRM_DISP_REG_OFFSET_HI] = upper_32_bits(offset);
	mvdrm_disp_program(mdrm, regs);
}

static void mvdrm_pipe_enable(struct drm_simple_display_pipe *pipe,
			      struct drm_crtc_state *crtc_state,
			      struct drm_plane_state *plane_state)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(pipe->crtc.dev);

	if (plane_state->fb)
		mvdrm_pipe_show(mdrm, plane_state);
}

static void mvdrm_pipe_disable(struct drm_simple_display_pipe *pipe)
{
	static const u32 off[MVDRM_DISP_NR_REGS];

	mvdrm_disp_program(to_mvdrm_device(pipe->crtc.dev), off);
}

static void mvdrm_pipe_update(struct drm_simple_display_pipe *pipe,
			      struct drm_plane_state *old_state)
{
	struct drm_plane_state *state = pipe->plane.state;

	if (!pipe->crtc.state->active)
		return;
	/* A plane without a framebuffer must not keep showing the old one. */
	if (!state->fb || !state->visible) {
		mvdrm_pipe_disable(pipe);
		return;
	}
	mvdrm_pipe_show(to_mvdrm_device(pipe->crtc.dev), state);
}

/*
 * Refuse every plane the device would refuse (Documentation/abi.rst,
 * "Display"), so that a commit that passes the check is shown: a VRAM
 * object, a size within DISP_MAX_WIDTH x DISP_MAX_HEIGHT, a stride that
 * is a multiple of 4 and holds a line, a 4 KiB aligned first visible
 * pixel, and stride * height bytes from it inside the object (and so
 * inside VRAM).
 */
static int mvdrm_pipe_check(struct drm_simple_display_pipe *pipe,
			    struct drm_plane_state *plane_state,
			    struct drm_crtc_state *crtc_state)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(pipe->crtc.dev);
	const struct drm_mode_config *config = &mdrm->drm.mode_config;
	struct drm_framebuffer *fb = plane_state->fb;
	u32 width = drm_rect_width(&plane_state->dst);
	u32 height = drm_rect_height(&plane_state->dst);
	u64 offset, bytes, end;
	struct mvdrm_bo *bo;

	if (!fb || !plane_state->visible)
		return 0;
	bo = to_mvdrm_bo(fb->obj[0]);
	if (bo->domain != MVGPU_GEM_DOMAIN_VRAM) {
		drm_dbg_kms(&mdrm->drm, "framebuffer not in VRAM\n");
		return -EINVAL;
	}
	if (!width || width > config->max_width ||
	    !height || height > config->max_height) {
		drm_dbg_kms(&mdrm->drm, "plane %ux%u too large\n", width,
			    height);
		return -EINVAL;
	}
	if (fb->pitches[0] % 4 ||
	    fb->pitches[0] < (u64)width * fb->format->cpp[0]) {
		drm_dbg_kms(&mdrm->drm, "stride %u refused\n", fb->pitches[0]);
		return -EINVAL;
	}
	offset = mvdrm_plane_offset(plane_state);
	if (!IS_ALIGNED(offset, MVGPU_DISP_OFFSET_ALIGN) ||
	    check_mul_overflow((u64)fb->pitches[0], (u64)height, &bytes) ||
	    check_add_overflow(offset, bytes, &end) ||
	    end > bo->gpu_va + bo->base.size || end > mdrm->vram_size) {
		drm_dbg_kms(&mdrm->drm,
			    "plane at 0x%llx (%llu bytes) outside its object\n",
			    offset, bytes);
		return -EINVAL;
	}
	return 0;
}

static enum drm_mode_status
mvdrm_pipe_mode_valid(struct drm_simple_display_pipe *pipe,
		      const struct drm_display_mode *mode)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(pipe->crtc.dev);
	u64 bytes = (u64)mode->hdisplay * mode->vdisplay * 4;

	/* The scanout buffer and the fbdev console's must both fit. */
	if (bytes * 2 > mdrm->vram_size)
		return MODE_MEM;
	return MODE_OK;
}

static const struct drm_simple_display_pipe_funcs mvdrm_pipe_funcs = {
	.mode_valid = mvdrm_pipe_mode_valid,
	.check = mvdrm_pipe_check,
	.enable = mvdrm_pipe_enable,
	.disable = mvdrm_pipe_disable,
	.update = mvdrm_pipe_update,
};

/* The EDID the host set, or NULL. */
static const struct drm_edid *mvdrm_connector_read_edid(struct mvdrm_device *mdrm)
{
	const struct drm_edid *drm_edid;
	u32 size, i;
	__le32 *buf;

	if (!(mdrm->caps & MVGPU_CAP_DISPLAY))
		return NULL;
	size = mvdrm_read(mdrm, MVGPU_REG_DISP_EDID_SIZE);
	if (!size || size > MVGPU_DISP_EDID_MAX || size % 128)
		return NULL;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return NULL;
	for (i = 0; i < size / 4; i++)
		buf[i] = cpu_to_le32(mvdrm_read(mdrm, MVGPU_REG_DISP_EDID + i * 4));
	drm_edid = drm_edid_alloc(buf, size);
	kfree(buf);
	return drm_edid;
}

static int mvdrm_connector_get_modes(struct drm_connector *connector)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(connector->dev);
	const struct drm_edid *drm_edid;
	int count = 0;

	drm_edid = mvdrm_connector_read_edid(mdrm);
	count = mvdrm_edid_update(connector, drm_edid);
	drm_edid_free(drm_edid);
	if (count)
		return count;

	count = drm_add_modes_noedid(connector,
				     connector->dev->mode_config.max_width,
				     connector->dev->mode_config.max_height);
	drm_set_preferred_mode(connector, 1024, 768);
	return count;
}

static enum drm_connector_status
mvdrm_connector_detect(struct drm_connector *connector, bool force)
{
	struct mvdrm_device *mdrm = to_mvdrm_device(connector->dev);

	if (!(mdrm->caps & MVGPU_CAP_DISPLAY))
		return connector_status_connected;
	if (mvdrm_read(mdrm, MVGPU_REG_DISP_CONNECTOR) & MVGPU_DISP_CONNECTED)
		return connector_status_connected;
	return connector_status_disconnected;
}

static const struct drm_connector_helper_funcs mvdrm_connector_helper_funcs = {
	.get_modes = mvdrm_connector_get_modes,
};

static const struct drm_connector_funcs mvdrm_connector_funcs = {
	.detect = mvdrm_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_mode_config_funcs mvdrm_mode_config_funcs = {
	.fb_create = drm_gem_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/**
 * mvdrm_kms_hotplug_work() - tell userspace the connector changed
 * @work: &mvdrm_device.hotplug_work
 *
 * Runs after a DISPLAY interrupt.
 */
void mvdrm_kms_hotplug_work(struct work_struct *work)
{
	struct mvdrm_device *mdrm = container_of(work, struct mvdrm_device,
						 hotplug_work);

	drm_kms_helper_hotplug_event(&mdrm->drm);
}

/**
 * mvdrm_kms_restore() - write the current plane again after a vGPU reset
 * @mdrm: the device
 *
 * A reset returns the display block to its power-on state (plane off).
 */
void mvdrm_kms_restore(struct mvdrm_device *mdrm)
{
	u32 regs[MVDRM_DISP_NR_REGS];

	if (!(mdrm->caps & MVGPU_CAP_DISPLAY))
		return;
	spin_lock(&mdrm->disp_regs_lock);
	memcpy(regs, mdrm->disp_regs, sizeof(regs));
	spin_unlock(&mdrm->disp_regs_lock);
	mvdrm_disp_program(mdrm, regs);
}

/**
 * mvdrm_kms_init() - create the display pipe and the connector
 * @mdrm: the device
 *
 * Return: 0 or a negative errno.
 */
int mvdrm_kms_init(struct mvdrm_device *mdrm)
{
	struct drm_device *drm = &mdrm->drm;
	u32 max_width = 0, max_height = 0;
	int ret;

	spin_lock_init(&mdrm->disp_regs_lock);
	INIT_WORK(&mdrm->hotplug_work, mvdrm_kms_hotplug_work);

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	if (mdrm->caps & MVGPU_CAP_DISPLAY) {
		max_width = mvdrm_read(mdrm, MVGPU_REG_DISP_MAX_WIDTH);
		max_height = mvdrm_read(mdrm, MVGPU_REG_DISP_MAX_HEIGHT);
	}
	drm->mode_config.min_width = 1;
	drm->mode_config.min_height = 1;
	drm->mode_config.max_width = max_width ?: MVDRM_KMS_DEFAULT_MAX_WIDTH;
	drm->mode_config.max_height = max_height ?: MVDRM_KMS_DEFAULT_MAX_HEIGHT;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.funcs = &mvdrm_mode_config_funcs;

	drm_connector_helper_add(&mdrm->connector, &mvdrm_connector_helper_funcs);
	ret = drm_connector_init(drm, &mdrm->connector, &mvdrm_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	mdrm->connector.polled = DRM_CONNECTOR_POLL_HPD;

	ret = drm_simple_display_pipe_init(drm, &mdrm->pipe, &mvdrm_pipe_funcs,
					   mvdrm_kms_formats,
					   ARRAY_SIZE(mvdrm_kms_formats), NULL,
					   &mdrm->connector);
	if (ret)
		return ret;

	drm_mode_config_reset(drm);
	return 0;
}
