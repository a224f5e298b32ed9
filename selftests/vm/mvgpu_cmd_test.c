// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: every command packet against a CPU reference, on
 * fresh random data (the seed is printed; MVGPU_SEED=<seed> repeats a
 * run), with buffers in VRAM and in guest memory; fences and interrupts;
 * WAIT between the host and queues; ring wrap-around; all queues of a vGPU
 * and several vGPUs at once. Runs as root in the test VM (tools/vm/run)
 * with mvgpu.ko and mvgpu_sim.ko loaded.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/eventfd.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"
#include "mvgpu_gpu.h"

#define SYS_BYTES	(10u << 20)	/* guest memory of the fixture */
#define NO_EVENT_MS	100
#define EVENT_MS	5000

FIXTURE(cmd) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct gpu g;
	struct ref_rng rng;
	uint64_t seed;
	int kmsg;
	int efd;
	const char *type;
};

FIXTURE_SETUP(cmd)
{
	char uuid[MVGPU_UUID_LEN + 1];
	int ret, t;

	catch_crashes(_metadata);
	self->kmsg = kmsg_open();
	self->efd = -1;
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	t = type_index("sixteenth");
	if (!type_req_of(&self->pg, t).exists)
		t = smallest_type(&self->pg);
	self->type = type_names[t];
	ret = vgpus_create(&self->vl, self->pg.name, self->type, uuid);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", strerror(-ret));
	ret = gpu_open(&self->g, uuid, SYS_BYTES);
	if (ret) {
		gpu_close(&self->g);
		vgpus_remove_all(&self->vl);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", self->g.why);
	self->seed = test_seed();
	rng_seed(&self->rng, self->seed);
	ksft_print_msg("seed 0x%llx (MVGPU_SEED=0x%llx repeats it)\n",
		       (unsigned long long)self->seed,
		       (unsigned long long)self->seed);
}

FIXTURE_TEARDOWN(cmd)
{
	char why[WHY_LEN];

	if (self->efd >= 0)
		close(self->efd);
	gpu_close(&self->g);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	EXPECT_EQ(0, kmsg_clean(self->kmsg, why, sizeof(why))) TH_LOG("%s", why);
	if (self->kmsg >= 0)
		close(self->kmsg);
}

#define G		(&self->g)
#define RUN(p, n)	ASSERT_EQ(0, gpu_exec(G, 0, p, n)) TH_LOG("%s", G->why)

/* Offset of the first byte where @a and @b differ, or -1. */
static int64_t mem_diff(const void *a, const void *b, uint64_t len)
{
	const uint8_t *x = a, *y = b;

	for (uint64_t i = 0; i < len; i++)
		if (x[i] != y[i])
			return (int64_t)i;
	return -1;
}

/*
 * A random offset of @len bytes in @m (after @lo, before @hi), with the
 * given alignment, not aligned any further than that when @odd.
 */
static uint64_t pick_off(struct ref_rng *r, uint64_t lo, uint64_t hi,
			 uint64_t len, uint64_t align, bool odd)
{
	uint64_t span = hi - lo - len - 2 * align, off;

	off = lo + align + (rng_next(r) % (span / align)) * align;
	if (odd && align < 4096 && !(off & (2 * align - 1)))
		off += align;
	return off;
}

/* Run one FILL of @size bytes at @off of @m and check it with guards. */
static void check_fill(struct __test_metadata *_metadata,
		       FIXTURE_DATA(cmd) *self, struct mem m, uint64_t off,
		       uint64_t size)
{
	uint64_t lo = off >= 64 ? off - 64 : 0;
	uint64_t hi = off + size + 64 <= m.size ? off + size + 64 : m.size;
	uint32_t value = (uint32_t)rng_next(&self->rng), p[16];
	uint8_t *ref = malloc(hi - lo);
	int64_t bad;

	ASSERT_NE(NULL, ref);
	rng_bytes(&self->rng, m.cpu + lo, hi - lo);
	memcpy(ref, m.cpu + lo, hi - lo);
	ref_fill(ref + (off - lo), size, value);
	RUN(p, mvgpu_cmd_fill(p, m.va + off, size, value));
	bad = mem_diff(ref, m.cpu + lo, hi - lo);
	free(ref);
	ASSERT_EQ(-1, bad) TH_LOG("FILL %s+0x%llx size %llu: byte %lld wrong",
				  m.name, (unsigned long long)off,
				  (unsigned long long)size,
				  (long long)bad - (long long)(off - lo));
}

/* FILL: sizes 0 to several chunks, odd offsets, page crossing, VRAM end. */
TEST_S_TIMEOUT(cmd, fill, 120)
{
	static const uint64_t sizes[] = {
		0, 1, 2, 3, 4, 5, 7, 13, 4095, 4096, 4097, 65535, 65536,
		65537, 200003,
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (int i = 0; i < 2; i++) {
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			uint64_t off = pick_off(&self->rng, 0, ms[i].size,
						sizes[s], 1, true);

			check_fill(_metadata, self, ms[i], off, sizes[s]);
		}
		/* Straddling a page boundary. */
		check_fill(_metadata, self, ms[i], 3 * 4096 - 5, 11);
		check_fill(_metadata, self, ms[i], 5 * 4096 - 3001, 6003);
		/* The last bytes of the memory. */
		check_fill(_metadata, self, ms[i], ms[i].size - 1, 1);
		check_fill(_metadata, self, ms[i], ms[i].size - 4099, 4099);
		check_fill(_metadata, self, ms[i], ms[i].size - 70001, 70001);
	}
}

/* Run one COPY and check the destination (and its guards). */
static void check_copy(struct __test_metadata *_metadata,
		       FIXTURE_DATA(cmd) *self, struct mem dm, uint64_t doff,
		       struct mem sm, uint64_t soff, uint64_t size)
{
	uint64_t lo = doff >= 64 ? doff - 64 : 0;
	uint64_t hi = doff + size + 64 <= dm.size ? doff + size + 64 : dm.size;
	uint8_t *ref = malloc(hi - lo + 1);
	uint32_t p[16];
	int64_t bad;

	ASSERT_NE(NULL, ref);
	rng_bytes(&self->rng, dm.cpu + lo, hi - lo);
	rng_bytes(&self->rng, sm.cpu + soff, size);
	memcpy(ref, dm.cpu + lo, hi - lo);
	memcpy(ref + (doff - lo), sm.cpu + soff, size);
	RUN(p, mvgpu_cmd_copy(p, dm.va + doff, sm.va + soff, size));
	bad = mem_diff(ref, dm.cpu + lo, hi - lo);
	free(ref);
	ASSERT_EQ(-1, bad) TH_LOG("COPY %s+0x%llx <- %s+0x%llx size %llu: byte %lld wrong",
				  dm.name, (unsigned long long)doff, sm.name,
				  (unsigned long long)soff,
				  (unsigned long long)size,
				  (long long)bad - (long long)(doff - lo));
}

/* COPY: VRAM and guest memory as source and destination, all four ways. */
TEST_S_TIMEOUT(cmd, copy, 180)
{
	static const uint64_t sizes[] = {
		0, 1, 3, 4, 63, 4095, 4097, 65536, 65539, 300001,
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (int d = 0; d < 2; d++) {
		for (int s = 0; s < 2; s++) {
			struct mem dm = ms[d], sm = ms[s];
			/* Within one memory: source low half, dest high. */
			uint64_t dlo = d == s ? dm.size / 2 : 0;
			uint64_t shi = d == s ? sm.size / 2 : sm.size;

			for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
				uint64_t n = sizes[i];
				uint64_t doff = pick_off(&self->rng, dlo,
							 dm.size, n, 1, true);
				uint64_t soff = pick_off(&self->rng, 0, shi,
							 n, 1, true);

				check_copy(_metadata, self, dm, doff, sm,
					   soff, n);
			}
			/* Page crossing on both sides, odd alignment. */
			check_copy(_metadata, self, dm, dlo + 8192 - 7, sm,
				   4096 - 1001, 9000);
		}
		/* The last bytes of VRAM as destination and as source. */
		check_copy(_metadata, self, ms[0], ms[0].size - 5, ms[d], 4096,
			   5);
		check_copy(_metadata, self, ms[0], ms[0].size - 70001, ms[d],
			   8192 + 3, 70001);
		check_copy(_metadata, self, ms[d], 12345, ms[0],
			   ms[0].size - 65541, 65541);
	}
}

static const uint32_t formats[] = {
	MVGPU_FMT_ARGB8888, MVGPU_FMT_XRGB8888, MVGPU_FMT_RGB565, MVGPU_FMT_R8,
};

/* Run one BLIT (@src in @sm, @dst in @dm) and compare with ref_blit(). */
static void check_blit(struct __test_metadata *_metadata,
		       FIXTURE_DATA(cmd) *self, struct mem dm, uint64_t doff,
		       struct mem sm, uint64_t soff, uint32_t w, uint32_t h,
		       uint32_t dfmt, uint32_t sfmt, uint32_t op, uint32_t pad)
{
	uint32_t dstride = w * ref_bpp(dfmt) + rng_below(&self->rng, pad + 1);
	uint32_t sstride = w * ref_bpp(sfmt) + rng_below(&self->rng, pad + 1);
	uint64_t dbytes = (uint64_t)dstride * h;
	uint64_t sbytes = (uint64_t)sstride * h;
	uint8_t *ref;
	uint32_t p[16];
	int64_t bad;

	/* Guard bytes after the rectangle, up to the end of the memory. */
	dbytes += dm.size - doff - dbytes < 64 ? dm.size - doff - dbytes : 64;
	ref = malloc(dbytes);
	ASSERT_NE(NULL, ref);
	rng_bytes(&self->rng, dm.cpu + doff, dbytes);
	rng_bytes(&self->rng, sm.cpu + soff, sbytes);
	memcpy(ref, dm.cpu + doff, dbytes);
	ref_blit(ref, dstride, sm.cpu + soff, sstride, w, h, dfmt, sfmt, op);
	RUN(p, mvgpu_cmd_blit(p, dm.va + doff, dstride, sm.va + soff, sstride,
			      w, h, dfmt, sfmt, op));
	bad = mem_diff(ref, dm.cpu + doff, dbytes);
	free(ref);
	ASSERT_EQ(-1, bad) TH_LOG("BLIT %s %ux%u fmt %u<-%u strides %u/%u: byte %lld (row %lld) wrong",
				  op == MVGPU_BLIT_BLEND ? "BLEND" : "COPY",
				  w, h, dfmt, sfmt, dstride, sstride,
				  (long long)bad, (long long)bad / dstride);
}

/* BLIT COPY between every pair of formats, BLEND onto every format. */
TEST_S_TIMEOUT(cmd, blit, 180)
{
	static const uint32_t dims[][2] = {
		{ 1, 1 }, { 7, 5 }, { 33, 3 }, { 1, 9 }, { 130, 2 },
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };
	int k = 0;

	for (size_t d = 0; d < ARRAY_SIZE(formats); d++) {
		for (size_t s = 0; s < ARRAY_SIZE(formats); s++) {
			for (int op = 0; op < 2; op++) {
				if (op == MVGPU_BLIT_BLEND &&
				    formats[s] != MVGPU_FMT_ARGB8888)
					continue;
				for (size_t i = 0; i < ARRAY_SIZE(dims); i++, k++) {
					struct mem dm = ms[k & 1];
					struct mem sm = ms[(k >> 1) & 1];
					uint64_t doff = 0x200000 + rng_below(&self->rng, 4096);
					uint64_t soff = 0x400000 + rng_below(&self->rng, 4096);

					check_blit(_metadata, self, dm, doff,
						   sm, soff, dims[i][0],
						   dims[i][1], formats[d],
						   formats[s], op, 13);
				}
			}
		}
	}
	/* Several chunks, page crossing rows; and a zero-sized blit. */
	check_blit(_metadata, self, ms[0], 0x300001, ms[1], 0x100003, 301, 70,
		   MVGPU_FMT_RGB565, MVGPU_FMT_ARGB8888, MVGPU_BLIT_COPY, 13);
	check_blit(_metadata, self, ms[1], 0x500002, ms[0], 0x100000, 257, 90,
		   MVGPU_FMT_XRGB8888, MVGPU_FMT_ARGB8888, MVGPU_BLIT_BLEND, 13);
	check_blit(_metadata, self, ms[0], 0x600000, ms[1], 0x100000, 0, 5,
		   MVGPU_FMT_R8, MVGPU_FMT_R8, MVGPU_BLIT_COPY, 13);
	check_blit(_metadata, self, ms[0], 0x600000, ms[1], 0x100000, 5, 0,
		   MVGPU_FMT_R8, MVGPU_FMT_R8, MVGPU_BLIT_COPY, 13);
	/* The last pixels of VRAM. */
	check_blit(_metadata, self, ms[0], ms[0].size - 4 * 16 * 8, ms[1],
		   0, 16, 8, MVGPU_FMT_ARGB8888, MVGPU_FMT_R8, MVGPU_BLIT_COPY,
		   0);
}

/* TIMESTAMP: the engine clock is CLOCK_MONOTONIC, in nanoseconds. */
TEST_S(cmd, timestamp)
{
	struct mem v = gpu_vram(G), s = gpu_sys(G);
	uint64_t ts[4], t0, t1;
	uint32_t p[64];
	size_t n = 0;

	t0 = mvgpu_now_ns();
	n += mvgpu_cmd_timestamp(p + n, s.va + 0x1000);
	n += mvgpu_cmd_fill(p + n, v.va, 1 << 20, 0x12345678);
	n += mvgpu_cmd_timestamp(p + n, v.va + 0x200008);
	n += mvgpu_cmd_timestamp(p + n, s.va + 0x1ff8);
	n += mvgpu_cmd_copy(p + n, s.va + 0x100000, v.va, 1 << 20);
	n += mvgpu_cmd_timestamp(p + n, v.va + v.size - 8);
	RUN(p, n);
	t1 = mvgpu_now_ns();
	memcpy(&ts[0], s.cpu + 0x1000, 8);
	memcpy(&ts[1], v.cpu + 0x200008, 8);
	memcpy(&ts[2], s.cpu + 0x1ff8, 8);
	memcpy(&ts[3], v.cpu + v.size - 8, 8);
	ASSERT_LE(t0, ts[0]);
	for (int i = 1; i < 4; i++) {
		ASSERT_LE(ts[i - 1], ts[i]) TH_LOG("timestamp %d went back", i);
	}
	ASSERT_LE(ts[3], t1);
	/* The fill in between took time. */
	ASSERT_LT(ts[0], ts[1]);
	ksft_print_msg("1 MiB fill %llu ns, 1 MiB copy %llu ns\n",
		       (unsigned long long)(ts[1] - ts[0]),
		       (unsigned long long)(ts[3] - ts[2]));
}

/* Whether queue @q has not passed fence @seq and is still busy. */
static bool still_waiting(struct gpu *g, uint32_t q, uint64_t seq)
{
	return mvgpu_ring_fence(&g->ring[q]) < seq &&
	       (gpu_qrd(g, q, MVGPU_Q_STATUS) & MVGPU_Q_STATUS_BUSY) &&
	       !gpu_qrd(g, q, MVGPU_Q_ERROR);
}

/* WAIT: blocks until the host writes a matching value. */
TEST_S_TIMEOUT(cmd, wait_host, 60)
{
	static const struct {
		uint32_t cond;
		uint64_t operand, before, after;
	} cases[] = {
		{ MVGPU_WAIT_EQ, 0x123456789abcdef0ull, 0, 0x123456789abcdef0ull },
		{ MVGPU_WAIT_EQ, 0, 1ull << 63, 0 },
		{ MVGPU_WAIT_NE, 42, 42, 43 },
		{ MVGPU_WAIT_NE, 1ull << 32, 1ull << 32, 0 },
		{ MVGPU_WAIT_GE, 1ull << 40, (1ull << 40) - 1, 1ull << 40 },
		/* Unsigned: 2^63 is greater than 2^63 - 1. */
		{ MVGPU_WAIT_GE, 1ull << 63, (1ull << 63) - 1, ~0ull },
		{ MVGPU_WAIT_LT, 100, 100, 99 },
		{ MVGPU_WAIT_LT, 100, ~0ull, 0 },
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mem m = ms[i & 1];
		uint64_t off = 0x1000 + 8 * rng_below(&self->rng, 1000), seq;
		volatile uint64_t *val = (volatile uint64_t *)(m.cpu + off);
		uint32_t p[16], head;

		*val = cases[i].before;
		__sync_synchronize();
		head = G->ring[0].tail;
		ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_wait(p, m.va + off,
							     cases[i].operand,
							     cases[i].cond)));
		ASSERT_EQ(0, gpu_flush(G, 0, &seq));
		usleep(50000);
		ASSERT_TRUE(still_waiting(G, 0, seq))
			TH_LOG("case %zu: WAIT did not block", i);
		ASSERT_EQ(head, gpu_qrd(G, 0, MVGPU_Q_HEAD));
		*val = cases[i].after;
		__sync_synchronize();
		ASSERT_EQ(0, gpu_wait(G, 0, seq, EVENT_MS))
			TH_LOG("case %zu: %s", i, G->why);
	}
	/* A condition that holds already does not block. */
	*(volatile uint64_t *)(G->sys.cpu + 0x2000) = 7;
	uint32_t p[16];

	RUN(p, mvgpu_cmd_wait(p, SYS_VA + 0x2000, 7, MVGPU_WAIT_EQ));
	RUN(p, mvgpu_cmd_wait(p, SYS_VA + 0x2000, 7, MVGPU_WAIT_GE));
	RUN(p, mvgpu_cmd_wait(p, SYS_VA + 0x2000, 8, MVGPU_WAIT_LT));
	RUN(p, mvgpu_cmd_wait(p, SYS_VA + 0x2000, 0, MVGPU_WAIT_NE));
}

/* WAIT released by another queue's FENCE; the waiter blocks only itself. */
TEST_S_TIMEOUT(cmd, wait_queue, 60)
{
	volatile uint64_t *gate = (volatile uint64_t *)(G->sys.cpu + 0x3000);
	uint64_t flag_off = 0x10000, seq0, seq1, seq2;
	uint32_t p[64];
	size_t n;

	if (G->num_queues < 3)
		SKIP(return, "needs 3 queues");
	ASSERT_EQ(0, gpu_ring_start(G, 1)) TH_LOG("%s", G->why);
	ASSERT_EQ(0, gpu_ring_start(G, 2)) TH_LOG("%s", G->why);
	*gate = 0;
	memset(G->vram + flag_off, 0, 8);

	/* Queue 1 waits for a VRAM value that queue 0 writes. */
	n = mvgpu_cmd_wait(p, flag_off, 0xabcd, MVGPU_WAIT_EQ);
	n += mvgpu_cmd_fill(p + n, 0x20000, 4096, 0x01010101);
	ASSERT_EQ(0, gpu_emit(G, 1, p, n));
	ASSERT_EQ(0, gpu_flush(G, 1, &seq1));
	/* Queue 0 waits for the host first, then writes the value. */
	n = mvgpu_cmd_wait(p, SYS_VA + 0x3000, 1, MVGPU_WAIT_GE);
	n += mvgpu_cmd_fence(p + n, flag_off, 0xabcd, 0);
	ASSERT_EQ(0, gpu_emit(G, 0, p, n));
	ASSERT_EQ(0, gpu_flush(G, 0, &seq0));
	/* Meanwhile queue 2 is not held up by the waiting queues. */
	n = mvgpu_cmd_fill(p, 0x30000, 65536, 0x02020202);
	ASSERT_EQ(0, gpu_emit(G, 2, p, n));
	ASSERT_EQ(0, gpu_flush(G, 2, &seq2));
	ASSERT_EQ(0, gpu_wait(G, 2, seq2, EVENT_MS)) TH_LOG("%s", G->why);

	usleep(50000);
	ASSERT_TRUE(still_waiting(G, 0, seq0));
	ASSERT_TRUE(still_waiting(G, 1, seq1));
	ASSERT_EQ(0, G->vram[0x20000]);
	*gate = 5;
	__sync_synchronize();
	ASSERT_EQ(0, gpu_wait(G, 0, seq0, EVENT_MS)) TH_LOG("%s", G->why);
	ASSERT_EQ(0, gpu_wait(G, 1, seq1, EVENT_MS)) TH_LOG("%s", G->why);
	ASSERT_EQ(1, G->vram[0x20000 + 4095]);
	ASSERT_EQ(2, G->vram[0x30000 + 65535]);
}

/* SAXPY on @n elements; x and y in the given memories (or x == y). */
static void check_saxpy(struct __test_metadata *_metadata,
			FIXTURE_DATA(cmd) *self, uint32_t n, struct mem xm,
			uint64_t xoff, struct mem ym, uint64_t yoff)
{
	float a = rng_float(&self->rng);
	float *x = (float *)(xm.cpu + xoff), *y = (float *)(ym.cpu + yoff);
	bool alias = xm.cpu + xoff == ym.cpu + yoff;
	float *ref = malloc((size_t)n * 4 + 8), *xref = malloc((size_t)n * 4 + 8);
	uint32_t p[16];

	ASSERT_NE(NULL, ref);
	ASSERT_NE(NULL, xref);
	rng_floats(&self->rng, x, n);
	memcpy(xref, x, (size_t)n * 4);
	if (alias) {
		/* y = a * y + y */
		memcpy(ref, x, (size_t)n * 4);
	} else {
		rng_floats(&self->rng, y, n + 1);
		memcpy(ref, y, (size_t)n * 4 + 4);
	}
	ref_saxpy(n, a, xref, ref);
	RUN(p, mvgpu_cmd_saxpy(p, n, a, xm.va + xoff, ym.va + yoff));
	/* Including the element after the vector, which must not change. */
	for (uint32_t i = 0; i < n + !alias; i++) {
		ASSERT_TRUE(f32_same(f2u(ref[i]), f2u(y[i])))
			TH_LOG("SAXPY n %u (%s/%s): y[%u] 0x%08x, expected 0x%08x",
			       n, xm.name, ym.name, i, f2u(y[i]), f2u(ref[i]));
	}
	free(ref);
	free(xref);
}

/* SAXPY: bit-exact, 0 to 1M elements (many chunks), x == y. */
TEST_S_TIMEOUT(cmd, saxpy, 180)
{
	static const uint32_t sizes[] = {
		0, 1, 2, 3, 17, 16383, 16384, 16385, 100003,
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct mem xm = ms[i & 1], ym = ms[(i >> 1) & 1];
		uint64_t xoff = 4 * (1 + rng_below(&self->rng, 1000));
		uint64_t yoff = 0x600000 + 4 * rng_below(&self->rng, 1000);

		check_saxpy(_metadata, self, sizes[i], xm, xoff, ym, yoff);
	}
	/* x == y: y = a * y + y. */
	check_saxpy(_metadata, self, 5000, ms[0], 0x1004, ms[0], 0x1004);
	check_saxpy(_metadata, self, 5000, ms[1], 0x2008, ms[1], 0x2008);
	/* 1M elements: x in guest memory, y in VRAM, then both in VRAM
	 * with y ending at the last byte of VRAM. */
	check_saxpy(_metadata, self, 1 << 20, ms[1], 0x10000, ms[0], 0x100000);
	check_saxpy(_metadata, self, 1 << 20, ms[0], 0,
		    ms[0], ms[0].size - (4u << 20) - 4);
}

/* SGEMM of the given shape with padding in every leading dimension. */
static void check_sgemm(struct __test_metadata *_metadata,
			FIXTURE_DATA(cmd) *self, uint32_t m, uint32_t n,
			uint32_t k, uint32_t pad, struct mem am, struct mem bm,
			struct mem cm, bool c_at_end)
{
	uint32_t lda = k + (pad ? rng_below(&self->rng, pad + 1) : 0);
	uint32_t ldb = n + (pad ? rng_below(&self->rng, pad + 1) : 0);
	uint32_t ldc = n + (pad ? rng_below(&self->rng, pad + 1) : 0);
	uint64_t asz = (uint64_t)m * lda * 4, bsz = (uint64_t)k * ldb * 4;
	uint64_t csz = (uint64_t)m * ldc * 4 + 4;
	uint64_t aoff = 0x100000 + 4 * rng_below(&self->rng, 100);
	uint64_t boff = 0x380000 + 4 * rng_below(&self->rng, 100);
	uint64_t coff = c_at_end ? cm.size - csz + 4 :
		0x600000 + 4 * rng_below(&self->rng, 100);
	float alpha = rng_float(&self->rng), beta = rng_float(&self->rng);
	float *a = (float *)(am.cpu + aoff), *b = (float *)(bm.cpu + boff);
	float *c = (float *)(cm.cpu + coff), *ref = malloc(csz);
	uint32_t p[16];

	ASSERT_NE(NULL, ref);
	if (k == 0 && m == 3)
		beta = 0.0f;	/* C = alpha * 0 + 0 * C */
	rng_floats(&self->rng, a, asz / 4);
	rng_floats(&self->rng, b, bsz / 4);
	rng_floats(&self->rng, c, (csz - (c_at_end ? 4 : 0)) / 4);
	memcpy(ref, c, csz - (c_at_end ? 4 : 0));
	ref_sgemm(m, n, k, alpha, beta, a, lda, b, ldb, ref, ldc);
	RUN(p, mvgpu_cmd_sgemm(p, m, n, k, alpha, beta, am.va + aoff, lda,
			       bm.va + boff, ldb, cm.va + coff, ldc));
	for (uint64_t i = 0; i < (csz - (c_at_end ? 4 : 0)) / 4; i++) {
		ASSERT_TRUE(f32_same(f2u(ref[i]), f2u(c[i])))
			TH_LOG("SGEMM %ux%ux%u ld %u/%u/%u: C[%llu][%llu] 0x%08x, expected 0x%08x",
			       m, n, k, lda, ldb, ldc,
			       (unsigned long long)(i / ldc),
			       (unsigned long long)(i % ldc), f2u(c[i]),
			       f2u(ref[i]));
	}
	free(ref);
}

/* SGEMM: bit-exact for every shape, including ones of many chunks. */
TEST_S_TIMEOUT(cmd, sgemm, 180)
{
	static const uint32_t shapes[][4] = {
		/* m, n, k, padding of lda/ldb/ldc */
		{ 0, 5, 5, 0 }, { 5, 0, 5, 0 }, { 1, 1, 1, 0 },
		{ 3, 5, 7, 3 }, { 3, 4, 0, 0 }, { 4, 3, 0, 2 },
		{ 17, 33, 9, 5 }, { 64, 64, 64, 0 }, { 70, 130, 20, 7 },
		{ 1, 200, 300, 1 }, { 65, 1, 65, 0 },
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
		check_sgemm(_metadata, self, shapes[i][0], shapes[i][1],
			    shapes[i][2], shapes[i][3], ms[i & 1],
			    ms[(i >> 1) & 1], ms[(i >> 2) & 1], false);
	/* C ending at the last byte of VRAM. */
	check_sgemm(_metadata, self, 64, 64, 64, 0, ms[1], ms[1], ms[0], true);
}

/* REDUCE: bit-exact sums; n = 0 writes +0.0f. */
TEST_S_TIMEOUT(cmd, reduce, 120)
{
	static const uint32_t sizes[] = {
		0, 1, 2, 7, 16383, 16384, 16385, 250001,
	};
	struct mem ms[2] = { gpu_vram(G), gpu_sys(G) };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct mem sm = ms[i & 1], dm = ms[(i >> 1) & 1];
		uint64_t soff = 0x100000 + 4 * rng_below(&self->rng, 1000);
		uint64_t doff = 4 * (1 + rng_below(&self->rng, 1000));
		float *src = (float *)(sm.cpu + soff), got, ref;
		uint32_t p[16];

		rng_floats(&self->rng, src, sizes[i]);
		memset(dm.cpu + doff, 0xff, 4);
		ref = ref_reduce(sizes[i], src);
		RUN(p, mvgpu_cmd_reduce(p, sizes[i], MVGPU_REDUCE_SUM,
					sm.va + soff, dm.va + doff));
		memcpy(&got, dm.cpu + doff, 4);
		ASSERT_TRUE(f32_same(f2u(ref), f2u(got)))
			TH_LOG("REDUCE n %u: 0x%08x, expected 0x%08x",
			       sizes[i], f2u(got), f2u(ref));
	}
	/* The last element of VRAM, result in the last dword. */
	float *src = (float *)(G->vram + G->vram_size - 4 - 4 * 1000), got, ref;
	uint32_t p[16];

	rng_floats(&self->rng, src, 1000);
	ref = ref_reduce(1000, src);
	RUN(p, mvgpu_cmd_reduce(p, 1000, MVGPU_REDUCE_SUM,
				G->vram_size - 4 - 4 * 1000, G->vram_size - 4));
	memcpy(&got, G->vram + G->vram_size - 4, 4);
	ASSERT_EQ(f2u(ref), f2u(got));
}

/* Enable MSI (or leave INTx) with @efd as the trigger; unmask FENCE. */
static void irq_setup(struct __test_metadata *_metadata,
		      FIXTURE_DATA(cmd) *self, bool msi)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	if (msi) {
		ASSERT_EQ(0, vgpu_msi_enable(&G->dev, self->efd));
		cmd |= PCI_COMMAND_INTX_DISABLE;
	} else {
		ASSERT_EQ(0, mvgpu_irq_set_eventfd(&G->dev,
						   VFIO_PCI_INTX_IRQ_INDEX,
						   self->efd));
	}
	ASSERT_EQ(0, mvgpu_cfg_write(&G->dev, PCI_COMMAND, &cmd, 2));
	gpu_wr(G, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE | MVGPU_INT_ERROR);
}

static void check_fence_irq(struct __test_metadata *_metadata,
			    FIXTURE_DATA(cmd) *self, bool msi)
{
	uint32_t p[16], q1 = G->num_queues > 1 ? 1 : 0;
	uint64_t cnt, seq;

	irq_setup(_metadata, self, msi);
	if (q1)
		ASSERT_EQ(0, gpu_ring_start(G, q1));

	/* A fence without the IRQ flag: value, no interrupt. */
	RUN(p, mvgpu_cmd_fence(p, SYS_VA + 0x100, 0x1122334455667788ull, 0));
	ASSERT_EQ(0x1122334455667788ull, *(uint64_t *)(G->sys.cpu + 0x100));
	ASSERT_EQ(-ETIMEDOUT, mvgpu_eventfd_wait(self->efd, NO_EVENT_MS, &cnt));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_INT_STATUS));

	/* With the flag, in VRAM: value, FENCE registers, pending bit, IRQ. */
	ASSERT_EQ(0, gpu_emit(G, q1, p, mvgpu_cmd_fence(p, 0x7f8,
						      0xfedcba9876543210ull,
						      1)));
	ASSERT_EQ(0, mvgpu_ring_kick(&G->ring[q1]));
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	ASSERT_EQ(1, cnt);
	ASSERT_EQ(0xfedcba9876543210ull, *(volatile uint64_t *)(G->vram + 0x7f8));
	ASSERT_EQ(0xfedcba9876543210ull, mvgpu_ring_fence(&G->ring[q1]));
	ASSERT_EQ(1u << q1, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_FENCE_PENDING_HI));
	ASSERT_EQ(MVGPU_INT_FENCE, gpu_rd(G, MVGPU_REG_INT_STATUS));
	gpu_wr(G, MVGPU_REG_FENCE_PENDING_LO, 1u << q1);
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_FENCE);
	if (!msi)
		ASSERT_EQ(0, mvgpu_irq_intx_unmask(&G->dev));

	/* Two queues: both pending bits. */
	if (q1) {
		ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_fence(p, SYS_VA + 0x108,
							      5, 1)));
		ASSERT_EQ(0, gpu_emit(G, q1, p, mvgpu_cmd_fence(p, SYS_VA + 0x110,
							       6, 1)));
		ASSERT_EQ(0, mvgpu_ring_kick(&G->ring[0]));
		ASSERT_EQ(0, mvgpu_ring_kick(&G->ring[q1]));
		/* Both done: FENCE_PENDING is set with the FENCE registers. */
		uint64_t deadline = mvgpu_now_ns() + EVENT_MS * 1000000ull;

		while (gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO) != (1u | 1u << q1)) {
			ASSERT_LT(mvgpu_now_ns(), deadline)
				TH_LOG("FENCE_PENDING_LO 0x%x",
				       gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
			usleep(100);
		}
		ASSERT_EQ(5, mvgpu_ring_fence(&G->ring[0]));
		ASSERT_EQ(6, mvgpu_ring_fence(&G->ring[q1]));
		ASSERT_EQ(5, *(volatile uint64_t *)(G->sys.cpu + 0x108));
		ASSERT_EQ(6, *(volatile uint64_t *)(G->sys.cpu + 0x110));
		ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
		if (msi && cnt < 2) {
			uint64_t more = 0;

			mvgpu_eventfd_wait(self->efd, EVENT_MS, &more);
			cnt += more;
		}
		/* MSI: one message per fence; INTx: one level. */
		ASSERT_EQ(msi ? 2 : 1, cnt);
		ASSERT_EQ(1u | 1u << q1, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
		gpu_wr(G, MVGPU_REG_FENCE_PENDING_LO, ~0u);
		gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
		if (!msi)
			ASSERT_EQ(0, mvgpu_irq_intx_unmask(&G->dev));
	}

	/* Masked: pending and status bits set, no interrupt until unmasked. */
	gpu_wr(G, MVGPU_REG_INT_MASK, 0);
	ASSERT_EQ(0, gpu_flush(G, 0, &seq));
	RUN(p, mvgpu_cmd_fence(p, SYS_VA + 0x118, 9, 1));
	ASSERT_EQ(-ETIMEDOUT, mvgpu_eventfd_wait(self->efd, NO_EVENT_MS, &cnt));
	ASSERT_EQ(1, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	ASSERT_EQ(MVGPU_INT_FENCE, gpu_rd(G, MVGPU_REG_INT_STATUS));
	gpu_wr(G, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
}

TEST_S(cmd, fence_irq_intx)
{
	check_fence_irq(_metadata, self, false);
}

TEST_S(cmd, fence_irq_msi)
{
	check_fence_irq(_metadata, self, true);
}

/*
 * Fences complete in order: a stream of IRQ fences to one address, with
 * work in between; the host never sees the value go back, and with MSI
 * gets one message per fence.
 */
TEST_S_TIMEOUT(cmd, fence_order, 60)
{
	volatile uint64_t *mem = (volatile uint64_t *)(G->sys.cpu + 0x200);
	const uint64_t count = 200;
	uint64_t last = 0, msgs = 0, cnt, reg;
	uint32_t p[32];

	irq_setup(_metadata, self, true);
	*mem = 0;
	for (uint64_t i = 1; i <= count; i++) {
		size_t n = mvgpu_cmd_fill(p, 0x100000 + i * 0x1000, 0x1000,
					  (uint32_t)i);

		n += mvgpu_cmd_fence(p + n, SYS_VA + 0x200, i, 1);
		ASSERT_EQ(0, gpu_emit(G, 0, p, n));
		if (i % 16 == 0)
			ASSERT_EQ(0, mvgpu_ring_kick(&G->ring[0]));
	}
	ASSERT_EQ(0, mvgpu_ring_kick(&G->ring[0]));
	for (;;) {
		uint64_t v = *mem;

		reg = mvgpu_ring_fence(&G->ring[0]);
		ASSERT_LE(last, v) TH_LOG("fence went from %llu to %llu",
					  (unsigned long long)last,
					  (unsigned long long)v);
		/* The register is written after memory. */
		ASSERT_LE(reg, *mem);
		last = v;
		if (!mvgpu_eventfd_wait(self->efd, 1, &cnt))
			msgs += cnt;
		if (v == count)
			break;
		ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_ERROR));
	}
	ASSERT_EQ(0, mvgpu_ring_wait_idle(&G->ring[0], EVENT_MS));
	while (!mvgpu_eventfd_wait(self->efd, NO_EVENT_MS, &cnt))
		msgs += cnt;
	ASSERT_EQ(count, msgs);
	ASSERT_EQ(count, mvgpu_ring_fence(&G->ring[0]));
	for (uint64_t i = 1; i <= count; i++) {
		ASSERT_EQ((uint8_t)i, G->vram[0x100000 + i * 0x1000 + 0xffc]);
	}
}

/*
 * Ring wrap-around: thousands of packets through a 4 KiB ring in guest
 * memory and one at the very end of VRAM, padded with NOPs of every
 * length; every result is checked and HEAD meets TAIL at the end.
 */
static void check_wrap(struct __test_metadata *_metadata,
		       FIXTURE_DATA(cmd) *self, uint32_t q, void *cpu,
		       uint64_t va)
{
	struct mvgpu_ring *r = &G->ring[q];
	uint64_t base = 0x200000 + q * 0x100000, wraps = 0, seq = 0;
	const uint32_t count = 1500;
	uint32_t p[MVGPU_CMD_MAX_DWORDS], last_tail = 0;

	ASSERT_EQ(0, mvgpu_ring_init(r, &G->dev, q, cpu, va, 4096));
	G->ring_on[q] = true;
	memset(G->vram + base, 0, count * 4);
	for (uint32_t i = 0; i < count; i++) {
		size_t n;

		n = mvgpu_cmd_nop(p, 1 + rng_below(&self->rng,
						   MVGPU_CMD_MAX_DWORDS));
		ASSERT_EQ(0, mvgpu_ring_emit(r, p, n));
		n = mvgpu_cmd_fill(p, base + i * 4, 4, i * 0x01000193u);
		ASSERT_EQ(0, mvgpu_ring_emit(r, p, n));
		if (i % 10 == 9) {
			n = mvgpu_cmd_fence(p, gpu_fence_va(q), ++seq, 0);
			ASSERT_EQ(0, mvgpu_ring_emit(r, p, n));
		}
		if (r->tail < last_tail)
			wraps++;
		last_tail = r->tail;
		if (i % 7 == 0)
			ASSERT_EQ(0, mvgpu_ring_kick(r));
	}
	ASSERT_EQ(0, mvgpu_ring_kick(r));
	ASSERT_EQ(0, mvgpu_ring_wait_idle(r, SYNC_MS));
	ASSERT_EQ(r->tail, gpu_qrd(G, q, MVGPU_Q_HEAD));
	ASSERT_EQ(r->tail, gpu_qrd(G, q, MVGPU_Q_TAIL));
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED, gpu_qrd(G, q, MVGPU_Q_STATUS));
	ASSERT_EQ(seq, mvgpu_ring_fence(r));
	ASSERT_LE(20, wraps);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t v;

		memcpy(&v, G->vram + base + i * 4, 4);
		ASSERT_EQ(i * 0x01000193u, v) TH_LOG("packet %u", i);
	}
}

TEST_S_TIMEOUT(cmd, ring_wrap, 120)
{
	uint32_t q2 = G->num_queues > 2 ? 2 : 0;

	check_wrap(_metadata, self, G->num_queues > 1 ? 1 : 0,
		   (uint8_t *)G->rings.cpu + RING_BYTES,
		   MVGPU_VA_SYSMEM + RING_IOVA + RING_BYTES);
	/* In VRAM: the last 4 KiB, written through the BAR2 mapping. */
	check_wrap(_metadata, self, q2, G->vram + G->vram_size - 4096,
		   G->vram_size - 4096);
}

/* Per-queue work of the "all queues" and "several vGPUs" tests. */
struct qwork {
	struct mem src, dst;	/* private regions */
	uint64_t soff, doff;
	uint32_t elems;
	float a;
};

/* Emit a round: COPY src -> dst, SAXPY on dst in place over src. */
static int qwork_emit(struct gpu *g, uint32_t q, struct qwork *w,
		      struct ref_rng *rng)
{
	uint32_t p[32];
	size_t n;

	w->a = rng_float(rng);
	rng_floats(rng, (float *)(w->src.cpu + w->soff), w->elems);
	n = mvgpu_cmd_copy(p, w->dst.va + w->doff, w->src.va + w->soff,
			   w->elems * 4);
	n += mvgpu_cmd_saxpy(p + n, w->elems, w->a, w->src.va + w->soff,
			     w->dst.va + w->doff);
	return gpu_emit(g, q, p, n);
}

/* Check a round: dst = a * src + src. */
static int qwork_check(struct qwork *w, char *why, size_t len)
{
	const float *s = (const float *)(w->src.cpu + w->soff);
	const float *d = (const float *)(w->dst.cpu + w->doff);

	for (uint32_t i = 0; i < w->elems; i++) {
		float ref = s[i];

		ref_saxpy(1, w->a, &s[i], &ref);
		if (!f32_same(f2u(ref), f2u(d[i]))) {
			snprintf(why, len, "element %u: 0x%08x, expected 0x%08x",
				 i, f2u(d[i]), f2u(ref));
			return -EIO;
		}
	}
	return 0;
}

/*
 * Every queue of vGPU @g busy at once with interleaved work: rounds of
 * COPY + SAXPY + FENCE emitted round robin, all kicked, then checked.
 */
static void check_all_queues(struct __test_metadata *_metadata,
			     struct gpu *g, struct ref_rng *rng)
{
	uint32_t nq = g->num_queues < RINGS_MAX ? g->num_queues : RINGS_MAX;
	struct qwork w[RINGS_MAX];
	uint64_t seq[RINGS_MAX];
	char why[WHY_LEN];

	ASSERT_LE(2, nq);
	for (uint32_t q = 1; q < nq; q++) {
		ASSERT_EQ(0, gpu_ring_start(g, q)) TH_LOG("%s", g->why);
	}
	for (int round = 0; round < 4; round++) {
		for (uint32_t q = 0; q < nq; q++) {
			w[q] = (struct qwork){
				.src = (q & 1) ? gpu_sys(g) : gpu_vram(g),
				.dst = (q & 2) ? gpu_sys(g) : gpu_vram(g),
				.soff = 0x100000 + q * 0x30000,
				.doff = 0x400000 + q * 0x30000,
				.elems = 20000 + q * 1000 + round,
			};
			ASSERT_EQ(0, qwork_emit(g, q, &w[q], rng));
			ASSERT_EQ(0, gpu_flush(g, q, &seq[q]));
		}
		for (uint32_t q = 0; q < nq; q++) {
			ASSERT_EQ(0, gpu_wait(g, q, seq[q], SYNC_MS))
				TH_LOG("%s", g->why);
			ASSERT_EQ(0, qwork_check(&w[q], why, sizeof(why)))
				TH_LOG("round %d queue %u: %s", round, q, why);
		}
	}
	/* Everything idle and without error. */
	for (uint32_t q = 0; q < nq; q++) {
		ASSERT_EQ(MVGPU_Q_STATUS_ENABLED, gpu_qrd(g, q, MVGPU_Q_STATUS));
		ASSERT_EQ(g->ring[q].tail, gpu_qrd(g, q, MVGPU_Q_HEAD));
	}
	ASSERT_EQ(0, gpu_rd(g, MVGPU_REG_ERROR_REASON));
	ksft_print_msg("%u queues busy at once\n", nq);
}

TEST_S_TIMEOUT(cmd, all_queues, 120)
{
	check_all_queues(_metadata, G, &self->rng);
}

/* The same with a vGPU of 16 queues, if the pGPU has such a type. */
TEST_S_TIMEOUT(cmd, all_queues_16, 120)
{
	char uuid[MVGPU_UUID_LEN + 1];
	const char *type = NULL;
	struct gpu *g;
	int ret;

	for (int t = 0; t < NUM_TYPES && !type; t++) {
		struct type_req r = type_req_of(&self->pg, t);

		if (r.exists && r.queues >= 16 && r.vram <= 64u << 20)
			type = type_names[t];
	}
	if (!type)
		SKIP(return, "no type with 16 queues and at most 64 MiB");
	g = calloc(1, sizeof(*g));
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, type, uuid));
	ret = gpu_open(g, uuid, 8u << 20);
	if (!ret)
		check_all_queues(_metadata, g, &self->rng);
	EXPECT_EQ(0, ret) TH_LOG("%s", g->why);
	gpu_close(g);
	free(g);
}

/*
 * Long compute commands on every queue at once, so that engines preempt
 * them at chunk boundaries (slices end while others wait) and resume them,
 * possibly on the other engine: the results must still be bit-exact.
 */
TEST_S_TIMEOUT(cmd, preemption, 120)
{
	const uint32_t d = 128, n = 1 << 20, rn = 1 << 20;
	struct mem v = gpu_vram(G), sm = gpu_sys(G);
	float *a = (float *)(v.cpu + 0x100000), *b = (float *)(v.cpu + 0x200000);
	float *c = (float *)(v.cpu + 0x300000);
	float *x = (float *)sm.cpu, *y = (float *)(sm.cpu + (4u << 20));
	float *r = (float *)(v.cpu + 0x400000), rsum, got, alpha, beta, sa;
	float *cref = malloc(d * d * 4), *yref = malloc((size_t)n * 4);
	uint8_t *fref = malloc(0x40000);
	uint64_t seq[4];
	uint32_t p[32], fv = (uint32_t)rng_next(&self->rng);

	ASSERT_LE(4, G->num_queues);
	ASSERT_NE(NULL, cref);
	ASSERT_NE(NULL, yref);
	ASSERT_NE(NULL, fref);
	for (uint32_t q = 1; q < 4; q++) {
		ASSERT_EQ(0, gpu_ring_start(G, q)) TH_LOG("%s", G->why);
	}
	alpha = rng_float(&self->rng);
	beta = rng_float(&self->rng);
	sa = rng_float(&self->rng);
	rng_floats(&self->rng, a, d * d);
	rng_floats(&self->rng, b, d * d);
	rng_floats(&self->rng, c, d * d);
	rng_floats(&self->rng, x, n);
	rng_floats(&self->rng, y, n);
	rng_floats(&self->rng, r, rn);
	memcpy(cref, c, d * d * 4);
	memcpy(yref, y, (size_t)n * 4);
	ref_sgemm(d, d, d, alpha, beta, a, d, b, d, cref, d);
	ref_saxpy(n, sa, x, yref);
	rsum = ref_reduce(rn, r);
	ref_fill(fref, 0x40000, fv);

	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_sgemm(p, d, d, d, alpha, beta,
						     0x100000, d, 0x200000, d,
						     0x300000, d)));
	ASSERT_EQ(0, gpu_emit(G, 1, p, mvgpu_cmd_saxpy(p, n, sa, sm.va,
						     sm.va + (4u << 20))));
	ASSERT_EQ(0, gpu_emit(G, 2, p, mvgpu_cmd_reduce(p, rn, MVGPU_REDUCE_SUM,
						      0x400000, 0x10)));
	/* Queue 3: many short commands between the long ones. */
	for (int i = 0; i < 64; i++) {
		size_t k = mvgpu_cmd_fill(p, 0x900000 + i * 0x1000, 0x1000, fv);

		k += mvgpu_cmd_copy(p + k, sm.va + (8u << 20) + i * 0x1000,
				    0x900000 + i * 0x1000, 0x1000);
		ASSERT_EQ(0, gpu_emit(G, 3, p, k));
	}
	for (uint32_t q = 0; q < 4; q++) {
		ASSERT_EQ(0, gpu_flush(G, q, &seq[q]));
	}
	for (uint32_t q = 0; q < 4; q++) {
		ASSERT_EQ(0, gpu_wait(G, q, seq[q], SYNC_MS)) TH_LOG("%s", G->why);
	}

	for (uint32_t i = 0; i < d * d; i++) {
		ASSERT_TRUE(f32_same(f2u(cref[i]), f2u(c[i])))
			TH_LOG("SGEMM C[%u]", i);
	}
	for (uint32_t i = 0; i < n; i++) {
		ASSERT_TRUE(f32_same(f2u(yref[i]), f2u(y[i])))
			TH_LOG("SAXPY y[%u]", i);
	}
	memcpy(&got, v.cpu + 0x10, 4);
	ASSERT_EQ(f2u(rsum), f2u(got));
	ASSERT_EQ(-1, mem_diff(fref, sm.cpu + (8u << 20), 0x40000));
	ASSERT_EQ(-1, mem_diff(fref, v.cpu + 0x900000, 0x40000));
	free(cref);
	free(yref);
	free(fref);
}

/* One of several vGPUs working at once, in its own thread. */
struct worker {
	char uuid[MVGPU_UUID_LEN + 1];
	pthread_t thread;
	uint64_t seed;
	int rounds;
	int ret;
	char why[WHY_LEN];
};

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct ref_rng rng;
	struct gpu *g = calloc(1, sizeof(*g));
	struct qwork w[2];
	uint64_t seq[2];

	if (!g) {
		wk->ret = -ENOMEM;
		return NULL;
	}
	rng_seed(&rng, wk->seed);
	wk->ret = gpu_open(g, wk->uuid, 4 << 20);
	if (!wk->ret && g->num_queues > 1)
		wk->ret = gpu_ring_start(g, 1);
	for (int r = 0; r < wk->rounds && !wk->ret; r++) {
		for (uint32_t q = 0; q < 2 && !wk->ret; q++) {
			w[q] = (struct qwork){
				.src = q ? gpu_sys(g) : gpu_vram(g),
				.dst = q ? gpu_vram(g) : gpu_sys(g),
				.soff = 0x100000 + q * 0x80000,
				.doff = 0x200000 + q * 0x80000,
				.elems = 30000 + r,
			};
			wk->ret = qwork_emit(g, q, &w[q], &rng);
			if (!wk->ret)
				wk->ret = gpu_flush(g, q, &seq[q]);
		}
		for (uint32_t q = 0; q < 2 && !wk->ret; q++) {
			wk->ret = gpu_wait(g, q, seq[q], SYNC_MS);
			if (!wk->ret)
				wk->ret = qwork_check(&w[q], g->why,
						      sizeof(g->why));
		}
	}
	if (wk->ret)
		snprintf(wk->why, sizeof(wk->why), "%s", g->why);
	gpu_close(g);
	free(g);
	return NULL;
}

/* Several vGPUs at once, each in a thread, on one or two pGPUs. */
TEST_S_TIMEOUT(cmd, several_vgpus, 180)
{
	struct worker wk[4];
	struct pgpu_info other;
	int n = 0;

	/* The fixture's vGPU is not used here: three more on its pGPU... */
	for (int i = 0; i < 3; i++, n++) {
		ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, self->type,
					  wk[n].uuid));
	}
	/* ...and one on a second pGPU if there is an empty one. */
	if (!pgpu_pick_empty(&other, 0)) {
		ASSERT_EQ(0, vgpus_create(&self->vl, other.name, self->type,
					  wk[n].uuid));
		n++;
	}
	for (int i = 0; i < n; i++) {
		wk[i].seed = self->seed + i;
		wk[i].rounds = 6;
		wk[i].ret = 0;
		ASSERT_EQ(0, pthread_create(&wk[i].thread, NULL, worker_main,
					    &wk[i]));
	}
	for (int i = 0; i < n; i++)
		pthread_join(wk[i].thread, NULL);
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(0, wk[i].ret) TH_LOG("vGPU %d: %s", i, wk[i].why);
	}
	ksft_print_msg("%d vGPUs ran concurrently\n", n);
}

/* A ring in VRAM works like one in guest memory. */
TEST_S(cmd, ring_in_vram)
{
	uint32_t q = G->num_queues > 1 ? 1 : 0, p[16];
	struct mvgpu_ring *r = &G->ring[q];

	ASSERT_EQ(0, mvgpu_ring_init(r, &G->dev, q, G->vram + 0x10000,
				     0x10000, 0x2000));
	G->seq[q] = 0;
	ASSERT_EQ(0, gpu_exec(G, q, p, mvgpu_cmd_fill(p, SYS_VA, 100, 0x55aa55aa)))
		TH_LOG("%s", G->why);
	/* Byte i is byte i % 4 of the little-endian pattern. */
	ASSERT_EQ(0xaa, ((uint8_t *)G->sys.cpu)[98]);
	ASSERT_EQ(0x55, ((uint8_t *)G->sys.cpu)[99]);
	ASSERT_EQ(0, ((uint8_t *)G->sys.cpu)[100]);
}

TEST_HARNESS_MAIN
