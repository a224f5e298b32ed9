// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-kms-pattern: show the display test pattern of mvgpu_pattern.h on
 * the mvgpu vGPU's screen through KMS, so that a screendump of the host's
 * QEMU can be compared with it pixel for pixel.
 *
 * Picks a connected connector and its preferred mode (or --mode WxH),
 * creates a dumb buffer, draws the pattern into it (with the CPU through
 * a dumb mapping, or with --gpu: written into a system-memory buffer
 * object and BLITted into the dumb buffer by the vGPU), reads it back,
 * and shows it with drmModeSetCrtc() (or an atomic commit with --atomic).
 * Then prints one line
 *
 *   PATTERN-READY <width>x<height> <mode name> connector <id> crtc <id>
 *
 * and holds the picture until SIGINT/SIGTERM or --hold SECONDS (default
 * 30; 0 waits for a signal only).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <drm_fourcc.h>
#include <xf86drmMode.h>

#include "libmvgpu_drm.h"
#include "mvgpu_pattern.h"

#define SYNC_NS		(120ll * 1000000000)

struct kms {
	struct mvgpu_drm drm;
	uint32_t connector_id;
	uint32_t crtc_id;
	drmModeModeInfo mode;
	const char *connector_name;
	uint32_t fb_id;
	struct mvgpu_bo dumb;
	uint32_t pitch;
	uint32_t *pixels;	/* dumb mapping */
};

static void die(const char *what, int err)
{
	fprintf(stderr, "mvgpu-kms-pattern: %s: %s\n", what, strerror(err));
	exit(1);
}

/* A CRTC the connector can drive: its current one, else any possible. */
static uint32_t pick_crtc(int fd, drmModeResPtr res, drmModeConnectorPtr c)
{
	for (int i = 0; i < c->count_encoders; i++) {
		drmModeEncoderPtr e = drmModeGetEncoder(fd, c->encoders[i]);
		uint32_t crtc = 0;

		if (!e)
			continue;
		if (e->encoder_id == c->encoder_id && e->crtc_id)
			crtc = e->crtc_id;
		for (int j = 0; !crtc && j < res->count_crtcs; j++)
			if (e->possible_crtcs & (1u << j))
				crtc = res->crtcs[j];
		drmModeFreeEncoder(e);
		if (crtc)
			return crtc;
	}
	return 0;
}

static void pick_output(struct kms *k, uint32_t want_w, uint32_t want_h)
{
	drmModeResPtr res = drmModeGetResources(k->drm.fd);

	if (!res)
		die("drmModeGetResources", errno);
	for (int i = 0; i < res->count_connectors && !k->crtc_id; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(k->drm.fd,
							    res->connectors[i]);
		int m = -1;

		if (!c)
			continue;
		if (c->connection == DRM_MODE_CONNECTED && c->count_modes) {
			for (int j = 0; j < c->count_modes && m < 0; j++) {
				if (want_w ? c->modes[j].hdisplay == want_w &&
					     c->modes[j].vdisplay == want_h :
					     c->modes[j].type & DRM_MODE_TYPE_PREFERRED)
					m = j;
			}
			if (m < 0 && !want_w)
				m = 0;
		}
		if (m >= 0) {
			k->crtc_id = pick_crtc(k->drm.fd, res, c);
			k->connector_id = c->connector_id;
			k->mode = c->modes[m];
			k->connector_name =
				drmModeGetConnectorTypeName(c->connector_type);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	if (!k->crtc_id)
		die(want_w ? "no connected connector with that mode" :
			     "no connected connector with a mode and a CRTC",
		    ENODEV);
}

static void draw_cpu(struct kms *k)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;

	for (uint32_t y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)((char *)k->pixels +
					     (size_t)y * k->pitch);

		for (uint32_t x = 0; x < w; x++)
			row[x] = mvgpu_pattern_pixel(x, y, w, h);
	}
}

/*
 * The pattern into a system-memory BO, BLITted into the dumb buffer; in
 * bands of rows if the driver refuses a system object that large.
 */
static void draw_gpu(struct kms *k)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay, rows = h;
	uint32_t p[MVGPU_CMD_MAX_DWORDS];
	struct mvgpu_bo src;
	struct mvgpu_job job;
	int ret;

	for (;;) {
		ret = mvgpu_bo_create(&k->drm, (uint64_t)w * rows * 4,
				      MVGPU_GEM_DOMAIN_SYSTEM, &src);
		if ((ret != -E2BIG && ret != -ENOMEM) || rows == 1)
			break;
		rows = (rows + 1) / 2;
	}
	if (!ret)
		ret = mvgpu_bo_map(&src);
	if (ret)
		die("system-memory buffer object", -ret);
	for (uint32_t y0 = 0; y0 < h; y0 += rows) {
		uint32_t n = h - y0 < rows ? h - y0 : rows;

		for (uint32_t y = 0; y < n; y++)
			for (uint32_t x = 0; x < w; x++)
				((uint32_t *)src.cpu)[(size_t)y * w + x] =
					mvgpu_pattern_pixel(x, y0 + y, w, h);
		mvgpu_job_init(&job, 0);
		mvgpu_job_emit(&job, p, mvgpu_cmd_blit(p, k->dumb.gpu_va +
						       (uint64_t)y0 * k->pitch,
						       k->pitch, src.gpu_va,
						       w * 4, w, n,
						       MVGPU_FMT_XRGB8888,
						       MVGPU_FMT_XRGB8888,
						       MVGPU_BLIT_COPY));
		mvgpu_job_use(&job, &src);
		mvgpu_job_use(&job, &k->dumb);
		ret = mvgpu_job_run(&k->drm, &job, SYNC_NS);
		mvgpu_job_fini(&job);
		if (ret)
			die("BLIT into the scanout buffer", -ret);
	}
	mvgpu_bo_destroy(&src);
}

/* What is in the buffer now is the pattern (XRGB: X may be anything). */
static void verify(struct kms *k)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;

	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)((char *)k->pixels +
							 (size_t)y * k->pitch);

		for (uint32_t x = 0; x < w; x++) {
			uint32_t want = mvgpu_pattern_pixel(x, y, w, h);

			if ((row[x] & 0xffffff) != want) {
				fprintf(stderr, "mvgpu-kms-pattern: pixel (%u,%u) is 0x%06x, want 0x%06x\n",
					x, y, row[x] & 0xffffff, want);
				exit(1);
			}
		}
	}
}

static void create_fb(struct kms *k)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	struct drm_mode_map_dumb map = { 0 };
	int ret;

	ret = mvgpu_bo_create_dumb(&k->drm, w, h, 32, &k->dumb, &k->pitch);
	if (ret)
		die("dumb buffer", -ret);
	handles[0] = k->dumb.handle;
	pitches[0] = k->pitch;
	map.handle = k->dumb.handle;
	if (drmIoctl(k->drm.fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die("DRM_IOCTL_MODE_MAP_DUMB", errno);
	k->pixels = mmap(NULL, (size_t)k->pitch * h, PROT_READ | PROT_WRITE,
			 MAP_SHARED, k->drm.fd, (off_t)map.offset);
	if (k->pixels == MAP_FAILED)
		die("mmap of the dumb buffer", errno);
	if (drmModeAddFB2(k->drm.fd, w, h, DRM_FORMAT_XRGB8888, handles,
			  pitches, offsets, &k->fb_id, 0))
		die("drmModeAddFB2", errno);
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type,
			const char *name)
{
	drmModeObjectPropertiesPtr props =
		drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	if (!id)
		die(name, ENOENT);
	return id;
}

/* The primary plane that can be on @crtc_index. */
static uint32_t primary_plane(struct kms *k, int crtc_index)
{
	drmModePlaneResPtr planes = drmModeGetPlaneResources(k->drm.fd);
	uint32_t found = 0;

	for (uint32_t i = 0; planes && i < planes->count_planes && !found; i++) {
		drmModePlanePtr pl = drmModeGetPlane(k->drm.fd, planes->planes[i]);
		drmModeObjectPropertiesPtr props;

		if (!pl)
			continue;
		props = drmModeObjectGetProperties(k->drm.fd, pl->plane_id,
						   DRM_MODE_OBJECT_PLANE);
		for (uint32_t j = 0; props && j < props->count_props; j++) {
			drmModePropertyPtr p =
				drmModeGetProperty(k->drm.fd, props->props[j]);

			if (p && !strcmp(p->name, "type") &&
			    props->prop_values[j] == DRM_PLANE_TYPE_PRIMARY &&
			    (pl->possible_crtcs & (1u << crtc_index)))
				found = pl->plane_id;
			drmModeFreeProperty(p);
		}
		drmModeFreeObjectProperties(props);
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(planes);
	if (!found)
		die("no primary plane for the CRTC", ENOENT);
	return found;
}

static void show_atomic(struct kms *k)
{
	int fd = k->drm.fd, crtc_index = -1;
	drmModeResPtr res;
	drmModeAtomicReqPtr req;
	uint32_t plane, blob;
	uint64_t w = k->mode.hdisplay, h = k->mode.vdisplay;

	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1))
		die("atomic client capability", errno);
	res = drmModeGetResources(fd);
	for (int i = 0; res && i < res->count_crtcs; i++)
		if (res->crtcs[i] == k->crtc_id)
			crtc_index = i;
	drmModeFreeResources(res);
	plane = primary_plane(k, crtc_index);
	if (drmModeCreatePropertyBlob(fd, &k->mode, sizeof(k->mode), &blob))
		die("mode blob", errno);
	req = drmModeAtomicAlloc();
#define ADD(obj, type, name, val)					\
	drmModeAtomicAddProperty(req, obj, prop_id(fd, obj, type, name), val)
	ADD(k->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", k->crtc_id);
	ADD(k->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	ADD(k->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "FB_ID", k->fb_id);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID", k->crtc_id);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "SRC_W", w << 16);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "SRC_H", h << 16);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "CRTC_W", w);
	ADD(plane, DRM_MODE_OBJECT_PLANE, "CRTC_H", h);
#undef ADD
	if (drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
		die("atomic commit", errno);
	drmModeAtomicFree(req);
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: mvgpu-kms-pattern [--device /dev/dri/cardN] [--mode WxH] [--hold SECONDS]\n"
		   "                         [--atomic] [--gpu]\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "hold", required_argument, NULL, 't' },
		{ "atomic", no_argument, NULL, 'a' },
		{ "gpu", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	unsigned int want_w = 0, want_h = 0;
	int opt, atomic = 0, gpu = 0, ret;
	long hold = 30;
	struct timespec ts = { 0 };
	struct kms k;
	sigset_t sigs;

	while ((opt = getopt_long(argc, argv, "d:m:t:agh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'm':
			if (sscanf(optarg, "%ux%u", &want_w, &want_h) != 2 ||
			    !want_w || !want_h)
				usage(stderr, 2);
			break;
		case 't':
			hold = strtol(optarg, NULL, 0);
			if (hold < 0)
				usage(stderr, 2);
			break;
		case 'a':
			atomic = 1;
			break;
		case 'g':
			gpu = 1;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Block the signals before anything shows, so none is lost. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	memset(&k, 0, sizeof(k));
	ret = mvgpu_drm_open(&k.drm, path, DRM_NODE_PRIMARY);
	if (ret) {
		fprintf(stderr, "mvgpu-kms-pattern: no mvgpu DRM device: %s\n",
			strerror(-ret));
		return 1;
	}
	pick_output(&k, want_w, want_h);
	create_fb(&k);
	if (gpu)
		draw_gpu(&k);
	else
		draw_cpu(&k);
	verify(&k);
	if (atomic)
		show_atomic(&k);
	else if (drmModeSetCrtc(k.drm.fd, k.crtc_id, k.fb_id, 0, 0,
				&k.connector_id, 1, &k.mode))
		die("drmModeSetCrtc", errno);

	printf("mvgpu-kms-pattern: %ux%u \"%s\" %u Hz on connector %u (%s), crtc %u, fb %u, pitch %u, drawn by the %s, shown by %s\n",
	       k.mode.hdisplay, k.mode.vdisplay, k.mode.name, k.mode.vrefresh,
	       k.connector_id, k.connector_name ? k.connector_name : "?",
	       k.crtc_id, k.fb_id, k.pitch, gpu ? "GPU (BLIT)" : "CPU",
	       atomic ? "an atomic commit" : "drmModeSetCrtc");
	printf("PATTERN-READY %ux%u %s connector %u crtc %u\n",
	       k.mode.hdisplay, k.mode.vdisplay, k.mode.name, k.connector_id,
	       k.crtc_id);
	ts.tv_sec = hold;
	if (hold)
		ret = sigtimedwait(&sigs, NULL, &ts);
	else
		ret = sigwaitinfo(&sigs, NULL);
	printf("mvgpu-kms-pattern: done (%s)\n",
	       ret > 0 ? strsignal(ret) : "hold time over");
	drmModeRmFB(k.drm.fd, k.fb_id);
	munmap(k.pixels, (size_t)k.pitch * k.mode.vdisplay);
	mvgpu_bo_destroy(&k.dumb);
	mvgpu_drm_close(&k.drm);
	return 0;
}
