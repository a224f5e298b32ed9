// SPDX-License-Identifier: GPL-2.0-only
/*
 * vgpu_hold: open a vGPU through VFIO (libmvgpu), optionally reset it and
 * give it work, and keep it open until SIGTERM or SIGINT, so that tests can
 * look at an in-use vGPU from outside (mvgpu-smi's owner column and the
 * scheduler's counters).
 *
 *   vgpu_hold UUID [RESETS [JOBS [FAULTS]]]
 *
 * RESETS device resets, then JOBS FILL packets on queue 0 (a ring in the
 * vGPU's VRAM), waited for, then FAULTS FILL packets aimed past the end of
 * VRAM, each of which stops the queue with a page fault (the queue is
 * restarted after each). Prints "ready" on stdout once all that is done.
 * Exit status: 0 after a clean close, 1 if the device could not be opened
 * or a step did not behave as described.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmvgpu.h"
#include "mvgpu/mvgpu_cmds.h"
#include "mvgpu/mvgpu_regs.h"

#define VGPU_HOLD_RING_BYTES	4096
#define VGPU_HOLD_FILL_OFFSET	0x10000
#define VGPU_HOLD_FILL_BYTES	4096
#define VGPU_HOLD_TIMEOUT_MS	60000

static volatile sig_atomic_t vgpu_hold_stop;

static void vgpu_hold_on_signal(int sig)
{
	(void)sig;
	vgpu_hold_stop = 1;
}

static long vgpu_hold_count(const char *arg, const char *what)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 0 || n > 1000000) {
		fprintf(stderr, "vgpu_hold: bad %s count '%s'\n", what, arg);
		exit(2);
	}
	return n;
}

/*
 * @jobs FILL packets that must all complete, then @faults FILL packets
 * past the end of VRAM that must each stop the queue with a page fault.
 */
static int vgpu_hold_work(struct mvgpu_dev *dev, long jobs, long faults)
{
	uint32_t packet[MVGPU_CMD_MAX_DWORDS], lo = 0, hi = 0, error = 0;
	struct mvgpu_ring ring;
	uint64_t vram_size;
	size_t n;
	long i;
	int ret;

	ret = mvgpu_bar2_map(dev);
	if (!ret)
		ret = mvgpu_reg_read(dev, MVGPU_REG_VRAM_SIZE_LO, &lo);
	if (!ret)
		ret = mvgpu_reg_read(dev, MVGPU_REG_VRAM_SIZE_HI, &hi);
	if (!ret)
		ret = mvgpu_ring_init(&ring, dev, 0, dev->bar2, 0,
				      VGPU_HOLD_RING_BYTES);
	if (ret) {
		fprintf(stderr, "vgpu_hold: queue 0: %s\n", strerror(-ret));
		return ret;
	}
	vram_size = lo | (uint64_t)hi << 32;
	for (i = 0; i < jobs; i++) {
		n = mvgpu_cmd_fill(packet, VGPU_HOLD_FILL_OFFSET,
				   VGPU_HOLD_FILL_BYTES, (uint32_t)i);
		ret = mvgpu_ring_submit(&ring, packet, n);
		if (ret) {
			fprintf(stderr, "vgpu_hold: job %ld: %s\n", i,
				strerror(-ret));
			return ret;
		}
	}
	ret = mvgpu_ring_wait_idle(&ring, VGPU_HOLD_TIMEOUT_MS);
	if (ret) {
		fprintf(stderr, "vgpu_hold: %ld jobs: %s\n", jobs, strerror(-ret));
		return ret;
	}
	for (i = 0; i < faults; i++) {
		n = mvgpu_cmd_fill(packet, vram_size + VGPU_HOLD_FILL_OFFSET,
				   VGPU_HOLD_FILL_BYTES, 0);
		ret = mvgpu_ring_submit(&ring, packet, n);
		if (!ret)
			ret = mvgpu_ring_wait_settled(&ring, VGPU_HOLD_TIMEOUT_MS,
						      &error);
		if (!ret && error != MVGPU_ERR_PAGE_FAULT)
			ret = -EPROTO;
		if (!ret)
			ret = mvgpu_ring_reset(&ring);
		if (ret) {
			fprintf(stderr, "vgpu_hold: fault %ld: %s (queue error %u)\n",
				i, strerror(-ret), error);
			return ret;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = vgpu_hold_on_signal };
	sigset_t stop_signals, wait_mask;
	struct mvgpu_dev dev;
	long resets = 0, jobs = 0, faults = 0, i;
	int ret;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: vgpu_hold UUID [RESETS [JOBS [FAULTS]]]\n");
		return 2;
	}
	if (argc > 2)
		resets = vgpu_hold_count(argv[2], "reset");
	if (argc > 3)
		jobs = vgpu_hold_count(argv[3], "job");
	if (argc > 4)
		faults = vgpu_hold_count(argv[4], "fault");

	/* Blocked until sigsuspend(), so a signal cannot slip in unseen. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	ret = mvgpu_open(&dev, argv[1]);
	if (ret) {
		fprintf(stderr, "vgpu_hold: cannot open %s: %s\n", argv[1],
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < resets; i++) {
		ret = mvgpu_reset(&dev);
		if (ret) {
			fprintf(stderr, "vgpu_hold: reset %ld failed: %s\n", i,
				strerror(-ret));
			mvgpu_close(&dev);
			return 1;
		}
	}
	if ((jobs || faults) && vgpu_hold_work(&dev, jobs, faults)) {
		mvgpu_close(&dev);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	while (!vgpu_hold_stop)
		sigsuspend(&wait_mask);
	mvgpu_close(&dev);
	return 0;
}
