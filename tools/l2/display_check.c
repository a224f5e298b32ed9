// SPDX-License-Identifier: GPL-2.0-only
/*
 * display_check: screendumps of a QEMU through its QMP socket, checked
 * against the test pattern; run in L1 by the nested display and guest
 * tests and by the demo.
 *
 *   display_check screendump SOCKET FILE   ask the QEMU behind the QMP
 *                                          socket SOCKET for a screendump
 *                                          of its first console into FILE
 *   display_check size FILE                print the PPM's "WxH"
 *   display_check compare FILE W H         compare the PPM, pixel for
 *                                          pixel, with the test pattern of
 *                                          tools/lib/mvgpu_pattern.h
 *
 * Exit status 0 on success (a match), 1 on a mismatch or an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mvgpu_pattern.h"

#define QMP_TIMEOUT_MS	60000

/* Read one line (up to '\n') from @fd; 0, or -1 on error/timeout/EOF. */
static int read_line(int fd, char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n + 1 < len) {
		char c;
		ssize_t r;

		if (poll(&pfd, 1, QMP_TIMEOUT_MS) != 1)
			return -1;
		r = read(fd, &c, 1);
		if (r != 1)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

/* Send a QMP command and wait for its answer, skipping events. */
static int qmp(int fd, const char *cmd)
{
	char line[8192];

	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    write(fd, "\n", 1) != 1)
		return -1;
	for (;;) {
		if (read_line(fd, line, sizeof(line)))
			return -1;
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\"")) {
			fprintf(stderr, "display_check: QMP: %s\n", line);
			return -1;
		}
	}
}

static int screendump(const char *sock, const char *file)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[8192], cmd[4096];
	int fd, ret = 1;

	if (strlen(sock) >= sizeof(addr.sun_path) || strchr(file, '"'))
		return 1;
	strcpy(addr.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror(sock);
		goto out;
	}
	/* Greeting, then capabilities negotiation. */
	if (read_line(fd, line, sizeof(line)) || !strstr(line, "QMP") ||
	    qmp(fd, "{\"execute\": \"qmp_capabilities\"}"))
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"%s\"}}",
		 file);
	if (qmp(fd, cmd))
		goto out;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* PPM header token: skips whitespace and comments. */
static int ppm_token(FILE *f, unsigned int *val)
{
	int c;

	for (;;) {
		c = fgetc(f);
		if (c == '#') {
			while (c != '\n' && c != EOF)
				c = fgetc(f);
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			break;
		}
	}
	if (c == EOF || c < '0' || c > '9')
		return -1;
	ungetc(c, f);
	return fscanf(f, "%u", val) == 1 ? 0 : -1;
}

/* Open a binary PPM (P6, maxval 255) and read its size. */
static FILE *ppm_open(const char *file, unsigned int *w, unsigned int *h)
{
	unsigned int maxval;
	char magic[3] = "";
	FILE *f = fopen(file, "rb");

	if (!f) {
		perror(file);
		return NULL;
	}
	if (fread(magic, 1, 2, f) != 2 || strcmp(magic, "P6") ||
	    ppm_token(f, w) || ppm_token(f, h) || ppm_token(f, &maxval) ||
	    maxval != 255 || fgetc(f) == EOF || !*w || !*h) {
		fprintf(stderr, "display_check: %s is not a P6 PPM\n", file);
		fclose(f);
		return NULL;
	}
	return f;
}

static int compare(const char *file, unsigned int want_w, unsigned int want_h)
{
	unsigned long bad = 0;
	unsigned int w, h;
	FILE *f = ppm_open(file, &w, &h);

	if (!f)
		return 1;
	if (w != want_w || h != want_h) {
		printf("# screendump is %ux%u, expected %ux%u\n", w, h, want_w,
		       want_h);
		fclose(f);
		return 1;
	}
	for (unsigned int y = 0; y < h; y++) {
		for (unsigned int x = 0; x < w; x++) {
			uint8_t rgb[3];
			uint32_t got, want = mvgpu_pattern_pixel(x, y, w, h);

			if (fread(rgb, 1, 3, f) != 3) {
				printf("# %s: truncated at %u,%u\n", file, x, y);
				fclose(f);
				return 1;
			}
			got = (uint32_t)rgb[0] << 16 | rgb[1] << 8 | rgb[2];
			if (got != want && bad++ < 8)
				printf("# mismatch at %u,%u: 0x%06x, expected 0x%06x\n",
				       x, y, got, want);
			if (y == h / 2 && x % (w / 16 ? w / 16 : 1) == 0)
				printf("# line %u, pixel %u: 0x%06x, expected 0x%06x\n",
				       y, x, got, want);
		}
	}
	fclose(f);
	printf("# %lu of %lu pixels differ\n", bad, (unsigned long)w * h);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned int w, h;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "screendump"))
		return screendump(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "size")) {
		f = ppm_open(argv[2], &w, &h);
		if (!f)
			return 1;
		fclose(f);
		printf("%ux%u\n", w, h);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "compare"))
		return compare(argv[2], strtoul(argv[3], NULL, 0),
			       strtoul(argv[4], NULL, 0));
	fprintf(stderr, "usage: display_check screendump SOCKET FILE | size FILE | compare FILE W H\n");
	return 1;
}
