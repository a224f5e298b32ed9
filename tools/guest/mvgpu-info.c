// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-info: what a guest sees of its vGPU through the mvgpu DRM driver:
 * device node, PCI address, driver, ABI version, VRAM, queues, engines,
 * capabilities, and the KMS outputs.
 *
 *   mvgpu-info [--device /dev/dri/cardN] [--keys]
 *
 * --keys prints one "key=value" line per item (for scripts: the value is
 * the first word of the table's, e.g. vram_bytes=134217728) instead of
 * the table. Exit status 0, or 1 with a message if there is no mvgpu
 * device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drmMode.h>
#include <mvgpu/mvgpu_regs.h>

#include "libmvgpu_drm.h"

static int keys;

static void item(const char *key, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void item(const char *key, const char *label, const char *fmt, ...)
{
	char value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (keys)
		printf("%s=%.*s\n", key, (int)strcspn(value, " "), value);
	else
		printf("%-22s %s\n", label, value);
}

static const char *connection_name(drmModeConnection c)
{
	switch (c) {
	case DRM_MODE_CONNECTED:
		return "connected";
	case DRM_MODE_DISCONNECTED:
		return "disconnected";
	default:
		return "unknown";
	}
}

/* Connectors, their modes and the CRTCs; only on a primary node. */
static void kms_info(struct mvgpu_drm *drm)
{
	drmModeResPtr res = drmModeGetResources(drm->fd);

	if (!res) {
		item("kms", "KMS", "none (%s)", strerror(errno));
		return;
	}
	item("crtcs", "CRTCs", "%d", res->count_crtcs);
	item("connectors", "connectors", "%d", res->count_connectors);
	item("kms_max", "max framebuffer", "%ux%u", res->max_width,
	     res->max_height);
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(drm->fd,
							    res->connectors[i]);
		char key[32], label[32];

		if (!c)
			continue;
		snprintf(key, sizeof(key), "connector%d", i);
		snprintf(label, sizeof(label), "connector %u", c->connector_id);
		item(key, label, "%s-%u %s, %d modes%s%s",
		     drmModeGetConnectorTypeName(c->connector_type) ?: "?",
		     c->connector_type_id, connection_name(c->connection),
		     c->count_modes, c->count_modes ? ", first " : "",
		     c->count_modes ? c->modes[0].name : "");
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: mvgpu-info [--device /dev/dri/NODE] [--keys]\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "keys", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct mvgpu_drm drm;
	uint64_t used = 0, resets = 0;
	char caps[128] = "";
	int c, ret;

	while ((c = getopt_long(argc, argv, "d:kh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'k':
			keys = 1;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	ret = mvgpu_drm_open(&drm, path, DRM_NODE_PRIMARY);
	if (ret == -ENODEV && !path)
		ret = mvgpu_drm_open(&drm, NULL, DRM_NODE_RENDER);
	if (ret) {
		fprintf(stderr, "mvgpu-info: no mvgpu DRM device: %s\n",
			strerror(-ret));
		return 1;
	}
	mvgpu_drm_get_param(&drm, MVGPU_PARAM_VRAM_USED, &used);
	mvgpu_drm_get_param(&drm, MVGPU_PARAM_RESETS, &resets);
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name = mvgpu_drm_cap_name(bit);
		size_t len = strlen(caps);

		if (!(drm.caps & (1ull << bit)))
			continue;
		if (name)
			snprintf(caps + len, sizeof(caps) - len, " %s", name);
		else
			snprintf(caps + len, sizeof(caps) - len, " bit%u", bit);
	}

	item("device", "device", "%s", drm.path);
	item("bus", "PCI address", "%s", drm.bus[0] ? drm.bus : "?");
	item("driver", "driver", "%s %s (%s, %s)", MVGPU_DRM_DRIVER_NAME,
	     drm.driver_version, drm.driver_desc, drm.driver_date);
	item("abi_version", "ABI version", "%llu.%llu",
	     (unsigned long long)(drm.abi_version >> 16),
	     (unsigned long long)(drm.abi_version & 0xffff));
	item("abi_header", "ABI of this tool", "%u.%u", MVGPU_ABI_MAJOR,
	     MVGPU_ABI_MINOR);
	item("vram_bytes", "VRAM", "%llu bytes (%llu MiB)",
	     (unsigned long long)drm.vram_size,
	     (unsigned long long)(drm.vram_size >> 20));
	item("vram_used_bytes", "VRAM allocated", "%llu bytes",
	     (unsigned long long)used);
	item("queues", "queues", "%llu", (unsigned long long)drm.num_queues);
	item("engines", "engines", "%llu", (unsigned long long)drm.num_engines);
	item("caps", "capabilities", "0x%llx%s", (unsigned long long)drm.caps,
	     caps);
	item("max_submit_dwords", "max submit", "%llu dwords",
	     (unsigned long long)drm.max_submit_dwords);
	item("resets", "recoveries", "%llu", (unsigned long long)resets);
	kms_info(&drm);
	mvgpu_drm_close(&drm);
	return 0;
}
