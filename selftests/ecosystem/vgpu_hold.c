// SPDX-License-Identifier: GPL-2.0-only
/*
 * vgpu_hold: open a vGPU through VFIO (libmvgpu), optionally reset it, and
 * keep it open until SIGTERM or SIGINT, so that tests can look at an
 * in-use vGPU from outside (mvgpu-smi's owner column, resets counter).
 *
 *   vgpu_hold UUID [RESETS]
 *
 * Prints "ready" on stdout once the device is open and reset RESETS times.
 * Exit status: 0 after a clean close, 1 if the device could not be opened.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmvgpu.h"

static volatile sig_atomic_t vgpu_hold_stop;

static void vgpu_hold_on_signal(int sig)
{
	(void)sig;
	vgpu_hold_stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = vgpu_hold_on_signal };
	sigset_t stop_signals, wait_mask;
	struct mvgpu_dev dev;
	long resets = 0, i;
	int ret;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vgpu_hold UUID [RESETS]\n");
		return 2;
	}
	if (argc == 3)
		resets = strtol(argv[2], NULL, 10);

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
	printf("ready\n");
	fflush(stdout);

	while (!vgpu_hold_stop)
		sigsuspend(&wait_mask);
	mvgpu_close(&dev);
	return 0;
}
