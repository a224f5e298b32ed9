// SPDX-License-Identifier: GPL-2.0-only
/*
 * Smoke test of the mvgpu guest DRM driver, run in the nested L2 guest of
 * the guest tier (selftests/guest/l2-guest.sh): the driver's ioctls used
 * directly (no libdrm), one "ok"/"not ok" line per check. Static, so it
 * needs no library in the L2 initramfs.
 *
 * Checks: the DRM device is mvgpu; parameters; VRAM and SYSTEM objects are
 * zeroed and mappable; FILL into each through a submit, WAIT, read back;
 * COPY between the domains; an out-syncobj signals; PRIME export and mmap
 * of the dma-buf; a packet outside the buffer list is refused (-EINVAL);
 * a pending submit (a WAIT that never holds) fails with -EIO when it hangs
 * (host watchdog or the driver's hang timeout), when its queue is stopped
 * by an error (injected through debugfs) or when the vGPU is reset
 * (debugfs); the driver recovers and the next submit works. debugfs must
 * be mounted.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drm.h"
#include <mvgpu/mvgpu_cmds.h>
#include <mvgpu/mvgpu_drm.h>
#include <mvgpu/mvgpu_regs.h>

#define BO_SIZE		(64 * 1024)

static int failed;
static int num;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	num++;
	printf("%s %d ", ok ? "ok" : "not ok", num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed++;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

static uint64_t param(int fd, uint32_t p)
{
	struct drm_mvgpu_get_param gp = { .param = p };

	if (xioctl(fd, DRM_IOCTL_MVGPU_GET_PARAM, &gp))
		return UINT64_MAX;
	return gp.value;
}

struct bo {
	uint32_t handle;
	uint64_t gpu_va;
	uint64_t size;
	volatile uint32_t *map;
};

static int bo_new(int fd, uint32_t domain, struct bo *bo)
{
	struct drm_mvgpu_gem_create c = { .size = BO_SIZE, .domain = domain };
	struct drm_mvgpu_gem_info info = { 0 };
	void *p;
	int ret;

	ret = xioctl(fd, DRM_IOCTL_MVGPU_GEM_CREATE, &c);
	if (ret)
		return ret;
	info.handle = c.handle;
	ret = xioctl(fd, DRM_IOCTL_MVGPU_GEM_INFO, &info);
	if (ret)
		return ret;
	if (info.gpu_va != c.gpu_va || info.domain != domain ||
	    info.size != c.size)
		return -EPROTO;
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	bo->handle = c.handle;
	bo->gpu_va = c.gpu_va;
	bo->size = info.size;
	bo->map = p;
	return 0;
}

static int all_equal(const volatile uint32_t *p, size_t words, uint32_t v)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void put64(uint32_t *dw, uint64_t v)
{
	dw[0] = (uint32_t)v;
	dw[1] = (uint32_t)(v >> 32);
}

static int fill_cmd(uint32_t *dw, uint64_t dst, uint64_t size, uint32_t value)
{
	dw[0] = MVGPU_CMD_HEADER(MVGPU_OP_FILL, 0, 6);
	put64(dw + 1, dst);
	put64(dw + 3, size);
	dw[5] = value;
	return 6;
}

static int submit(int fd, uint32_t *cmds, uint32_t dwords,
		  const uint32_t *handles, uint32_t count, uint32_t flags,
		  uint32_t out_syncobj, uint64_t *seqno)
{
	struct drm_mvgpu_submit s = {
		.commands = (uintptr_t)cmds,
		.command_dwords = dwords,
		.queue = 0,
		.bo_handles = (uintptr_t)handles,
		.bo_count = count,
		.flags = flags,
		.out_syncobj = out_syncobj,
	};
	int ret;

	ret = xioctl(fd, DRM_IOCTL_MVGPU_SUBMIT, &s);
	if (!ret && seqno)
		*seqno = s.seqno;
	return ret;
}

static int wait_seqno(int fd, uint64_t seqno, int64_t timeout_ns)
{
	struct drm_mvgpu_wait w = {
		.seqno = seqno,
		.queue = 0,
		.timeout_ns = timeout_ns,
	};

	return xioctl(fd, DRM_IOCTL_MVGPU_WAIT, &w);
}

static int open_device(const char *path)
{
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "mvgpu")) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_fill_and_copy(int fd, struct bo *vram, struct bo *sys)
{
	uint32_t handles[2] = { vram->handle, sys->handle };
	uint32_t cmds[32];
	uint64_t seqno;
	int n = 0, ret;

	n += fill_cmd(cmds + n, vram->gpu_va, vram->size, 0xa5a5f00d);
	n += fill_cmd(cmds + n, sys->gpu_va, sys->size, 0x12345678);
	ret = submit(fd, cmds, n, handles, 2, 0, 0, &seqno);
	check(!ret, "submit FILL to VRAM and SYSTEM objects (ret %d, seqno %llu)",
	      ret, (unsigned long long)seqno);
	ret = wait_seqno(fd, seqno, 20000000000LL);
	check(!ret, "wait for the FILL (ret %d)", ret);
	check(all_equal(vram->map, vram->size / 4, 0xa5a5f00d),
	      "VRAM object reads the FILL value through BAR2 (first 0x%08x)",
	      vram->map[0]);
	check(all_equal(sys->map, sys->size / 4, 0x12345678),
	      "SYSTEM object reads the FILL value (first 0x%08x)", sys->map[0]);

	/* COPY the first half of VRAM over the second half of SYSTEM. */
	cmds[0] = MVGPU_CMD_HEADER(MVGPU_OP_COPY, 0, 7);
	put64(cmds + 1, sys->gpu_va + sys->size / 2);
	put64(cmds + 3, vram->gpu_va);
	put64(cmds + 5, sys->size / 2);
	ret = submit(fd, cmds, 7, handles, 2, 0, 0, &seqno);
	if (!ret)
		ret = wait_seqno(fd, seqno, 20000000000LL);
	check(!ret && all_equal(sys->map, sys->size / 8, 0x12345678) &&
	      all_equal(sys->map + sys->size / 8, sys->size / 8, 0xa5a5f00d),
	      "COPY from VRAM to system memory (ret %d)", ret);
}

static void test_refused(int fd, struct bo *vram, struct bo *sys)
{
	uint32_t handles[1] = { sys->handle };
	uint32_t cmds[8];
	int ret;

	/* The VRAM object is not in the buffer list. */
	fill_cmd(cmds, vram->gpu_va, 4, 0);
	ret = submit(fd, cmds, 6, handles, 1, 0, 0, NULL);
	check(ret == -EINVAL, "FILL outside the buffer list is refused (ret %d)",
	      ret);
	fill_cmd(cmds, sys->gpu_va + sys->size - 4, 8, 0);
	ret = submit(fd, cmds, 6, handles, 1, 0, 0, NULL);
	check(ret == -EINVAL, "FILL past the end of an object is refused (ret %d)",
	      ret);
	cmds[0] = MVGPU_CMD_HEADER(0x7f, 0, 1);
	ret = submit(fd, cmds, 1, handles, 1, 0, 0, NULL);
	check(ret == -EINVAL, "unknown opcode is refused (ret %d)", ret);
	handles[0] = 0xdead;
	fill_cmd(cmds, sys->gpu_va, 4, 0);
	ret = submit(fd, cmds, 6, handles, 1, 0, 0, NULL);
	check(ret == -ENOENT, "unknown handle is refused (ret %d)", ret);
}

static void test_syncobj_prime(int fd, struct bo *sys)
{
	struct drm_syncobj_create create = { 0 };
	struct drm_syncobj_wait sw = { 0 };
	struct drm_prime_handle prime = { .handle = sys->handle,
					  .flags = DRM_CLOEXEC | DRM_RDWR };
	uint32_t handles[1] = { sys->handle };
	uint32_t cmds[8];
	volatile uint32_t *p;
	int ret;

	ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &create);
	fill_cmd(cmds, sys->gpu_va, sys->size, 0x5a5a5a5a);
	if (!ret)
		ret = submit(fd, cmds, 6, handles, 1, MVGPU_SUBMIT_OUT_SYNCOBJ,
			     create.handle, NULL);
	if (!ret) {
		sw.handles = (uintptr_t)&create.handle;
		sw.count_handles = 1;
		sw.timeout_nsec = INT64_MAX;
		ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &sw);
	}
	check(!ret && sys->map[0] == 0x5a5a5a5a,
	      "out-syncobj signals when the work is done (ret %d)", ret);

	ret = xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime);
	p = MAP_FAILED;
	if (!ret)
		p = mmap(NULL, sys->size, PROT_READ, MAP_SHARED, prime.fd, 0);
	check(!ret && p != MAP_FAILED && p[sys->size / 4 - 1] == 0x5a5a5a5a,
	      "PRIME export and mmap of the dma-buf (ret %d)", ret);
}

/* Write @text to the first file matching @pattern; 0 or -errno. */
static int write_file(const char *pattern, const char *text)
{
	glob_t g;
	int fd, ret = -ENOENT;

	if (glob(pattern, 0, NULL, &g))
		return -ENOENT;
	fd = open(g.gl_pathv[0], O_WRONLY);
	globfree(&g);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text))
		ret = 0;
	else
		ret = -errno;
	close(fd);
	return ret;
}

/* Submit a WAIT on sys[0..1] == 1, which never holds. */
static int submit_hang(int fd, struct bo *sys, uint64_t *seqno)
{
	uint32_t handles[1] = { sys->handle };
	uint32_t cmds[6];

	sys->map[0] = 0;
	sys->map[1] = 0;
	cmds[0] = MVGPU_CMD_HEADER(MVGPU_OP_WAIT, 0, 6);
	put64(cmds + 1, sys->gpu_va);
	put64(cmds + 3, 1);
	cmds[5] = MVGPU_WAIT_EQ;
	return submit(fd, cmds, 6, handles, 1, 0, 0, seqno);
}

#define HANG_PARAM	"/sys/module/mvgpu_drm/parameters/hang_timeout_ms"
#define DEBUGFS_DRI	"/sys/kernel/debug/dri/*/"

/*
 * A submit that cannot finish (a WAIT that never holds) is ended by @how:
 * "hang" (the host's watchdog or the driver's hang timeout, set to 3 s),
 * "queue error" (debugfs makes the device stop the queue: the ERROR
 * interrupt path) or "vGPU reset" (debugfs resets the vGPU). The submitter
 * gets -EIO, the recovery is counted and the queue takes new work.
 */
static void test_recovery(int fd, struct bo *sys, const char *how)
{
	uint32_t handles[1] = { sys->handle };
	uint64_t resets = param(fd, MVGPU_PARAM_RESETS);
	uint32_t cmds[8];
	uint64_t seqno;
	int ret;

	ret = submit_hang(fd, sys, &seqno);
	check(!ret, "%s: submit a WAIT that never holds (ret %d)", how, ret);
	if (!strcmp(how, "hang")) {
		ret = 0;
	} else {
		ret = wait_seqno(fd, seqno, 0);
		check(ret == -ETIME, "%s: the WAIT is pending (ret %d)", how,
		      ret);
		if (!strcmp(how, "queue error"))
			ret = write_file(DEBUGFS_DRI "mvgpu_queue_error", "0");
		else
			ret = write_file(DEBUGFS_DRI "mvgpu_reset", "1");
		check(!ret, "%s: injected through debugfs (ret %d)", how, ret);
	}
	ret = wait_seqno(fd, seqno, 120000000000LL);
	check(ret == -EIO, "%s: the pending submit fails with -EIO (ret %d)",
	      how, ret);
	check(param(fd, MVGPU_PARAM_RESETS) > resets,
	      "%s: the recovery is counted (resets %llu -> %llu)", how,
	      (unsigned long long)resets,
	      (unsigned long long)param(fd, MVGPU_PARAM_RESETS));

	resets = param(fd, MVGPU_PARAM_RESETS);
	fill_cmd(cmds, sys->gpu_va, sys->size, 0x0badcafe);
	ret = submit(fd, cmds, 6, handles, 1, 0, 0, &seqno);
	if (!ret)
		ret = wait_seqno(fd, seqno, 20000000000LL);
	if (ret == -EIO && param(fd, MVGPU_PARAM_RESETS) > resets) {
		/*
		 * The host stopped the queue once more (its watchdog can
		 * count the old hang against the new work on a loaded
		 * host); the driver recovered again: one more try.
		 */
		printf("# %s: the next submit failed in another recovery, retrying\n",
		       how);
		ret = submit(fd, cmds, 6, handles, 1, 0, 0, &seqno);
		if (!ret)
			ret = wait_seqno(fd, seqno, 20000000000LL);
	}
	check(!ret && all_equal(sys->map, sys->size / 4, 0x0badcafe),
	      "%s: the next submit on the recovered queue works (ret %d)", how,
	      ret);
}

int main(int argc, char **argv)
{
	struct bo vram = { 0 }, sys = { 0 };
	int fd, ret;

	fd = open_device(argc > 1 ? argv[1] : "/dev/dri/renderD128");
	check(fd >= 0, "open the mvgpu render node");
	if (fd < 0)
		return 1;
	printf("# abi 0x%llx vram %llu queues %llu engines %llu caps 0x%llx\n",
	       (unsigned long long)param(fd, MVGPU_PARAM_ABI_VERSION),
	       (unsigned long long)param(fd, MVGPU_PARAM_VRAM_SIZE),
	       (unsigned long long)param(fd, MVGPU_PARAM_NUM_QUEUES),
	       (unsigned long long)param(fd, MVGPU_PARAM_NUM_ENGINES),
	       (unsigned long long)param(fd, MVGPU_PARAM_CAPS));
	check(param(fd, MVGPU_PARAM_ABI_VERSION) >> 16 == MVGPU_ABI_MAJOR,
	      "ABI major of the device");
	check(param(fd, MVGPU_PARAM_NUM_QUEUES) >= 1, "at least one queue");

	ret = bo_new(fd, MVGPU_GEM_DOMAIN_VRAM, &vram);
	check(!ret && vram.gpu_va < param(fd, MVGPU_PARAM_VRAM_SIZE),
	      "VRAM object created, mapped (ret %d, gpu_va 0x%llx)", ret,
	      (unsigned long long)vram.gpu_va);
	if (ret)
		return 1;
	ret = bo_new(fd, MVGPU_GEM_DOMAIN_SYSTEM, &sys);
	check(!ret && sys.gpu_va >= MVGPU_VA_SYSMEM,
	      "SYSTEM object created, mapped (ret %d, gpu_va 0x%llx)", ret,
	      (unsigned long long)sys.gpu_va);
	if (ret)
		return 1;
	check(all_equal(vram.map, vram.size / 4, 0) &&
	      all_equal(sys.map, sys.size / 4, 0), "new objects read zero");
	check(param(fd, MVGPU_PARAM_VRAM_USED) >= vram.size,
	      "VRAM_USED counts the object");

	test_fill_and_copy(fd, &vram, &sys);
	test_refused(fd, &vram, &sys);
	test_syncobj_prime(fd, &sys);
	if (argc <= 2 || strcmp(argv[2], "--no-recovery")) {
		ret = write_file(HANG_PARAM, "3000");
		check(!ret, "hang timeout set to 3 s (ret %d)", ret);
		test_recovery(fd, &sys, "hang");
		write_file(HANG_PARAM, "30000");
		test_recovery(fd, &sys, "queue error");
		test_recovery(fd, &sys, "vGPU reset");
	}

	printf("# %d checks, %d failed\n", num, failed);
	return failed ? 1 : 0;
}
