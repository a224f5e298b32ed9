// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: hostile input. Every test drives a "victim" vGPU
 * into an error (addresses outside its memory, guest memory that is not
 * mapped or is unmapped while in use, malformed packets, bad doorbells and
 * ring configurations, read-only registers, resets, removal and close
 * during work) and checks the documented MVGPU_ERR_* in the queue's
 * registers, the error block and the ERROR interrupt, while a second
 * "bystander" vGPU on the same pGPU runs a self-checking workload that
 * must complete correctly, and the host kernel log stays clean. Runs as
 * root in the test VM (tools/vm/run) with mvgpu.ko and mvgpu_sim.ko
 * loaded.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"
#include "mvgpu_gpu.h"

#define SYS_BYTES	(1u << 20)
#define EVENT_MS	5000
#define NO_EVENT_MS	100
#define LONG_IOVA	0x20000000ull	/* buffers unmapped by the tests */
#define LONG_BYTES	(4u << 20)

FIXTURE(fault) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct gpu g;			/* the victim */
	struct bystander by;
	struct ref_rng rng;
	int kmsg;
	int efd;			/* the victim's MSI */
	const char *type;
	char uuid[MVGPU_UUID_LEN + 1];
	char by_uuid[MVGPU_UUID_LEN + 1];
};

FIXTURE_SETUP(fault)
{
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
	ret = vgpus_create(&self->vl, self->pg.name, self->type, self->uuid);
	if (!ret)
		ret = vgpus_create(&self->vl, self->pg.name, self->type,
				   self->by_uuid);
	if (ret)
		vgpus_remove_all(&self->vl);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", strerror(-ret));
	ret = gpu_open(&self->g, self->uuid, SYS_BYTES);
	if (!ret) {
		self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ret = self->efd < 0 ? -errno : gpu_msi(&self->g, self->efd);
	}
	if (!ret)
		ret = bystander_start(&self->by, self->by_uuid, 3);
	if (ret) {
		gpu_close(&self->g);
		vgpus_remove_all(&self->vl);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s%s", self->g.why, self->by.why);
	rng_seed(&self->rng, test_seed());
}

FIXTURE_TEARDOWN(fault)
{
	char why[WHY_LEN];

	EXPECT_EQ(0, bystander_stop(&self->by))
		TH_LOG("bystander: %s", self->by.why);
	gpu_close(&self->g);
	if (self->efd >= 0)
		close(self->efd);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	EXPECT_EQ(0, kmsg_clean(self->kmsg, why, sizeof(why))) TH_LOG("%s", why);
	if (self->kmsg >= 0)
		close(self->kmsg);
}

#define G	(&self->g)

/*
 * Packets that must stop queue 0 with @err at @addr; then the ERROR
 * interrupt must have been sent, and a queue reset brings it back.
 */
static void expect_err(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, const uint32_t *p,
		       size_t n, uint32_t err, uint64_t addr,
		       const char *what)
{
	uint64_t cnt;

	ASSERT_EQ(0, gpu_expect_error(G, 0, p, n, err, addr))
		TH_LOG("%s: %s", what, G->why);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt))
		TH_LOG("%s: no ERROR interrupt", what);
	ASSERT_EQ(0, gpu_queue_recover(G, 0)) TH_LOG("%s: %s", what, G->why);
}

/* Submit packets that stop queue @q; leave the error where it is. */
static uint32_t cause_error(struct gpu *g, uint32_t q, const uint32_t *p,
			    size_t n)
{
	uint32_t err = 0;

	if (gpu_emit(g, q, p, n) || mvgpu_ring_kick(&g->ring[q]) ||
	    mvgpu_ring_wait_settled(&g->ring[q], SYNC_MS, &err))
		return 0;
	return err;
}

/* Work that must still run correctly on the victim after its errors. */
static void victim_works(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, uint32_t q)
{
	uint32_t p[32], v = (uint32_t)rng_next(&self->rng);
	size_t n;

	memset(G->sys.cpu, 0, 4096);
	n = mvgpu_cmd_fill(p, 0x1000, 4096, v);
	n += mvgpu_cmd_copy(p + n, SYS_VA, 0x1000, 4096);
	ASSERT_EQ(0, gpu_exec(G, q, p, n)) TH_LOG("%s", G->why);
	for (int i = 0; i < 4096; i++) {
		ASSERT_EQ((uint8_t)(v >> (8 * (i % 4))),
			  ((uint8_t *)G->sys.cpu)[i]);
	}
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_ERROR_REASON));
}

/* Addresses beyond VRAM, between VRAM and guest memory, above it. */
TEST_S_TIMEOUT(fault, out_of_range, 120)
{
	const uint64_t vs = G->vram_size;
	const uint64_t gap = 1ull << 40;
	const uint64_t top = MVGPU_VA_SYSMEM + MVGPU_VA_SYSMEM_SIZE;
	const struct {
		uint64_t va, fault;
	} fences[] = {
		{ vs, vs }, { vs + 0x1000, vs + 0x1000 }, { 2 * vs, 2 * vs },
		{ gap, gap }, { MVGPU_VA_SYSMEM - 8, MVGPU_VA_SYSMEM - 8 },
		{ top, top }, { top + 0x10000, top + 0x10000 },
		{ ~0ull - 15, ~0ull - 15 },
	};
	uint32_t p[16];
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(fences); i++) {
		n = mvgpu_cmd_fence(p, fences[i].va, 1, 0);
		expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT,
			   fences[i].fault, "FENCE");
	}
	/* Ranges that start inside and run out: fault at the first byte out. */
	n = mvgpu_cmd_fill(p, vs - 4, 8, 0);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "FILL");
	n = mvgpu_cmd_copy(p, vs - 0x800, 0, 0x1000);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "COPY dst");
	n = mvgpu_cmd_copy(p, 0, vs - 0x10000, 0x20000);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "COPY src");
	n = mvgpu_cmd_copy(p, 0, gap, 16);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, gap, "COPY gap");
	n = mvgpu_cmd_copy(p, top - 0x1000, 0, 16);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, top - 0x1000,
		   "COPY to unmapped top of the window");
	n = mvgpu_cmd_timestamp(p, top);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, top,
		   "TIMESTAMP");
	n = mvgpu_cmd_wait(p, gap + 8, 0, MVGPU_WAIT_EQ);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, gap + 8, "WAIT");
	n = mvgpu_cmd_saxpy(p, 100, 1.0f, vs, 0);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "SAXPY x");
	n = mvgpu_cmd_saxpy(p, 0x1000, 1.0f, 0, vs - 0x2000);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "SAXPY y");
	n = mvgpu_cmd_sgemm(p, 4, 4, 4, 1.0f, 0.0f, 0, 4, gap, 4, 0x1000, 4);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, gap, "SGEMM B");
	n = mvgpu_cmd_reduce(p, 10, MVGPU_REDUCE_SUM, 0, vs);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "REDUCE dst");
	n = mvgpu_cmd_blit(p, 0, 64, vs - 64, 64, 16, 2, MVGPU_FMT_ARGB8888,
			   MVGPU_FMT_ARGB8888, MVGPU_BLIT_COPY);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, vs, "BLIT src");
	/* What the faulting commands could not reach is all they missed. */
	victim_works(_metadata, self, 0);
}

/*
 * GPU addresses are per vGPU: the same VA is each vGPU's own VRAM, and no
 * VA reaches another vGPU's VRAM.
 */
TEST_S(fault, per_vgpu_addresses)
{
	struct gpu *b = &self->by.g;
	uint64_t va = 0x8000;
	uint32_t p[16];
	struct gpu *other;

	/* The bystander's thread owns its queue 0: use a third vGPU. */
	char uuid[MVGPU_UUID_LEN + 1];

	(void)b;
	other = calloc(1, sizeof(*other));
	ASSERT_NE(NULL, other);
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, self->type, uuid));
	ASSERT_EQ(0, gpu_open(other, uuid, 0x10000)) TH_LOG("%s", other->why);
	fill_pattern(other->vram, other->vram_size, 0x0123456789abcdefull);

	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_fence(p, va, 0x1111, 0)))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, gpu_exec(other, 0, p, mvgpu_cmd_fence(p, va, 0x2222, 0)))
		TH_LOG("%s", other->why);
	ASSERT_EQ(0x1111, *(volatile uint64_t *)(G->vram + va));
	ASSERT_EQ(0x2222, *(volatile uint64_t *)(other->vram + va));

	/* Every VA past the victim's VRAM faults, in steps of its size. */
	for (uint64_t a = G->vram_size; a < 16 * G->vram_size;
	     a += G->vram_size) {
		size_t n = mvgpu_cmd_fill(p, a, 64, 0xdeadbeef);

		expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, a,
			   "FILL past VRAM");
	}
	/* The other vGPU's VRAM is untouched but for its own fence. */
	*(volatile uint64_t *)(other->vram + va) = pattern_word(0x0123456789abcdefull, va);
	ASSERT_EQ(-1, check_pattern(other->vram, other->vram_size,
				    0x0123456789abcdefull));
	gpu_close(other);
	free(other);
}

/* Guest memory never mapped for DMA, and memory past a mapping's end. */
TEST_S(fault, unmapped_guest_memory)
{
	const uint64_t unmapped = MVGPU_VA_SYSMEM + UNMAPPED_IOVA;
	uint32_t p[16];
	size_t n;

	n = mvgpu_cmd_fence(p, unmapped, 1, 0);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, unmapped,
		   "FENCE");
	n = mvgpu_cmd_copy(p, 0, unmapped + 0x123, 100);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT,
		   unmapped + 0x123, "COPY src");
	n = mvgpu_cmd_copy(p, SYS_VA + SYS_BYTES - 8, 0, 16);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT,
		   SYS_VA + SYS_BYTES, "COPY past the mapping");
	n = mvgpu_cmd_fill(p, MVGPU_VA_SYSMEM, 4, 0);
	expect_err(_metadata, self, p, n, MVGPU_ERR_PAGE_FAULT, MVGPU_VA_SYSMEM,
		   "FILL at DMA address 0");

	/* A ring in unmapped guest memory: fetching the first packet faults. */
	uint32_t q = G->num_queues > 1 ? 1 : 0;
	uint64_t cnt;

	gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	gpu_qwr(G, q, MVGPU_Q_RING_BASE_LO, (uint32_t)unmapped);
	gpu_qwr(G, q, MVGPU_Q_RING_BASE_HI, (uint32_t)(unmapped >> 32));
	gpu_qwr(G, q, MVGPU_Q_RING_SIZE, 0x1000);
	gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
	ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_ERROR));
	G->ring[q].dev = &G->dev;
	G->ring[q].queue = q;
	G->ring[q].size = 0x1000;
	G->ring[q].tail = 0;
	ASSERT_EQ(0, gpu_expect_error_tail(G, q, NULL, 0, 0x40,
					   MVGPU_ERR_PAGE_FAULT, unmapped))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	ASSERT_EQ(0, gpu_queue_recover(G, q)) TH_LOG("%s", G->why);
	victim_works(_metadata, self, q);
}

/* Unknown opcodes, wrong lengths, packets past the tail or the ring end. */
/*
 * Guest memory the VMM mapped for DMA read-only (VFIO_DMA_MAP_FLAG_READ
 * only, as QEMU maps ROM): engines read it; a write to it faults, on a
 * page read before as on one never touched, and leaves it unchanged.
 * In memory mapped read-write, a page first read and then written is
 * written (the write asks for write access again).
 */
#define RO_IOVA		0x40000000ull
#define RO_BYTES	0x5000u

TEST_S(fault, readonly_guest_memory)
{
	const uint64_t va = MVGPU_VA_SYSMEM + RO_IOVA;
	struct mvgpu_dma_buf rw;
	uint32_t p[16];
	void *ro;

	ro = mmap(NULL, RO_BYTES, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	fill_pattern(ro, RO_BYTES, 0x9999);
	ASSERT_EQ(0, mvgpu_dma_map_prot(&G->dev, ro, RO_IOVA, RO_BYTES, false));
	memset(G->vram + 0xc00000, 0, 0x4000);
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_copy(p, 0xc00000, va, 0x4000)))
		TH_LOG("COPY from read-only memory: %s", G->why);
	ASSERT_EQ(0, memcmp(G->vram + 0xc00000, ro, 0x4000));

	expect_err(_metadata, self, p, mvgpu_cmd_copy(p, va + 0x1010, 0, 64),
		   MVGPU_ERR_PAGE_FAULT, va + 0x1010,
		   "COPY into a read-only page read before");
	expect_err(_metadata, self, p, mvgpu_cmd_fence(p, va + 0x4008, 7, 0),
		   MVGPU_ERR_PAGE_FAULT, va + 0x4008,
		   "FENCE into a read-only page never touched");
	expect_err(_metadata, self, p, mvgpu_cmd_fill(p, va, 0x2000, 0),
		   MVGPU_ERR_PAGE_FAULT, va, "FILL of read-only memory");
	ASSERT_EQ(-1, check_pattern(ro, RO_BYTES, 0x9999));
	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, RO_IOVA, RO_BYTES));
	munmap(ro, RO_BYTES);

	ASSERT_EQ(0, mvgpu_dma_alloc(&G->dev, 0x2000, RO_IOVA, &rw));
	fill_pattern(rw.cpu, 0x2000, 0xaaaa);
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_copy(p, 0xc00000, va, 0x2000)))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_fill(p, va, 0x2000,
						     0x5a5a5a5a)))
		TH_LOG("FILL of memory read before: %s", G->why);
	for (int i = 0; i < 0x2000; i++) {
		ASSERT_EQ(0x5a, ((uint8_t *)rw.cpu)[i]) TH_LOG("byte %d", i);
	}
	ASSERT_EQ(0, mvgpu_dma_free(&G->dev, &rw));
	victim_works(_metadata, self, 0);
}

TEST_S(fault, bad_packets)
{
	static const uint32_t opcodes[] = { 0x07, 0x0f, 0x13, 0x20, 0x80, 0xff };
	uint32_t p[MVGPU_CMD_MAX_DWORDS + 8];
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(opcodes); i++) {
		memset(p, 0, sizeof(p));
		p[0] = MVGPU_CMD_HEADER(opcodes[i], 0, 4);
		expect_err(_metadata, self, p, 4, MVGPU_ERR_BAD_OPCODE, ANY_ADDR,
			   "unknown opcode");
	}
	/* Lengths: 0, over 64, and not the opcode's. */
	memset(p, 0, sizeof(p));
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 0);
	expect_err(_metadata, self, p, 1, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "NOP of 0 dwords");
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 65);
	expect_err(_metadata, self, p, 64, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "NOP of 65 dwords");
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 0xffff);
	expect_err(_metadata, self, p, 64, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "NOP of 65535 dwords");
	n = mvgpu_cmd_fence(p, SYS_VA, 1, 0);
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_FENCE, 0, 4);
	expect_err(_metadata, self, p, 4, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "short FENCE");
	n = mvgpu_cmd_fence(p, SYS_VA, 1, 0);
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_FENCE, 0, 6);
	expect_err(_metadata, self, p, 6, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "long FENCE");
	n = mvgpu_cmd_sgemm(p, 1, 1, 1, 1, 1, 0, 1, 4, 1, 8, 1);
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_SGEMM, 0, 64);
	expect_err(_metadata, self, p, 64, MVGPU_ERR_BAD_LENGTH, ANY_ADDR,
		   "SGEMM of 64 dwords");
	(void)n;

	/* Truncated: the doorbell covers only part of a COPY. */
	struct mvgpu_ring *r = &G->ring[0];
	uint32_t start = r->tail;

	n = mvgpu_cmd_copy(p, 0, 0x1000, 16);
	ASSERT_EQ(0, gpu_emit(G, 0, p, n));
	ASSERT_EQ(0, gpu_expect_error_tail(G, 0, NULL, 0, start + 12,
					   MVGPU_ERR_BAD_LENGTH, ANY_ADDR))
		TH_LOG("%s", G->why);
	ASSERT_EQ(start, gpu_qrd(G, 0, MVGPU_Q_HEAD));
	ASSERT_EQ(0, gpu_queue_recover(G, 0));

	/*
	 * Past the ring's end: NOPs up to 8 bytes before the end, then a
	 * FENCE whose last 3 dwords wrap to the start, doorbell after them.
	 */
	while (r->size - r->tail > 8 + 4 * MVGPU_CMD_MAX_DWORDS) {
		ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_nop(p, MVGPU_CMD_MAX_DWORDS)));
	}
	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_nop(p, (r->size - r->tail - 8) / 4)));
	ASSERT_EQ(r->size - 8, r->tail);
	/* Let the engine get past the start of the ring before reusing it. */
	ASSERT_EQ(0, mvgpu_ring_kick(r));
	ASSERT_EQ(0, mvgpu_ring_wait_idle(r, SYNC_MS));
	n = mvgpu_cmd_fence(p, SYS_VA, 1, 0);
	memcpy((uint8_t *)r->cpu + r->size - 8, p, 8);
	memcpy(r->cpu, p + 2, 12);
	ASSERT_EQ(0, gpu_expect_error_tail(G, 0, NULL, 0, 12,
					   MVGPU_ERR_BAD_LENGTH, ANY_ADDR))
		TH_LOG("%s", G->why);
	ASSERT_EQ(r->size - 8, gpu_qrd(G, 0, MVGPU_Q_HEAD));
	ASSERT_EQ(0, gpu_queue_recover(G, 0));
	victim_works(_metadata, self, 0);
}

/* Well-formed packets with bad arguments. */
TEST_S(fault, bad_arguments)
{
	struct {
		uint32_t p[16];
		size_t n;
		const char *what;
	} c[24];
	int k = 0;

#define BAD(expr, desc) do { c[k].n = (expr); c[k].what = desc; k++; } while (0)
	BAD(mvgpu_cmd_fence(c[k].p, SYS_VA + 4, 1, 0), "FENCE unaligned");
	BAD(mvgpu_cmd_fence(c[k].p, SYS_VA, 1, 0), "FENCE flag 1");
	c[k - 1].p[0] |= 2u << 8;
	BAD(mvgpu_cmd_nop(c[k].p, 2), "NOP with a flag");
	c[k - 1].p[0] |= 1u << 8;
	BAD(mvgpu_cmd_fill(c[k].p, 0, 4, 0), "FILL with a flag");
	c[k - 1].p[0] |= 1u << 8;
	BAD(mvgpu_cmd_fill(c[k].p, ~0ull - 3, 8, 0), "FILL wraps 2^64");
	BAD(mvgpu_cmd_fence(c[k].p, ~0ull - 7, 1, 0), "FENCE ends at 2^64");
	BAD(mvgpu_cmd_copy(c[k].p, 0x1001, 0x1000, 16), "COPY overlap");
	BAD(mvgpu_cmd_copy(c[k].p, 0x1000, 0x1000, 1), "COPY onto itself");
	BAD(mvgpu_cmd_blit(c[k].p, 0, 64, 0x1000, 64, 16, 1, 5,
			   MVGPU_FMT_ARGB8888, MVGPU_BLIT_COPY),
	    "BLIT unknown format");
	BAD(mvgpu_cmd_blit(c[k].p, 0, 64, 0x1000, 64, 16, 1,
			   MVGPU_FMT_ARGB8888, MVGPU_FMT_RGB565,
			   MVGPU_BLIT_BLEND), "BLIT BLEND from RGB565");
	BAD(mvgpu_cmd_blit(c[k].p, 0, 63, 0x1000, 64, 16, 2,
			   MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
			   MVGPU_BLIT_COPY), "BLIT stride too small");
	BAD(mvgpu_cmd_blit(c[k].p, 0, 64, 0x1000, 64, 16, 1,
			   MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888, 2),
	    "BLIT unknown op");
	BAD(mvgpu_cmd_blit(c[k].p, 0, 64, 0x1000, 64, 16, 1,
			   MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
			   MVGPU_BLIT_COPY), "BLIT format bits 31:16");
	c[k - 1].p[9] |= 1u << 16;
	BAD(mvgpu_cmd_timestamp(c[k].p, 0x1004), "TIMESTAMP unaligned");
	BAD(mvgpu_cmd_wait(c[k].p, 0x1000, 0, 4), "WAIT unknown condition");
	BAD(mvgpu_cmd_wait(c[k].p, 0x1002, 0, MVGPU_WAIT_EQ), "WAIT unaligned");
	BAD(mvgpu_cmd_saxpy(c[k].p, 4, 1, 0x1002, 0x2000), "SAXPY unaligned");
	BAD(mvgpu_cmd_saxpy(c[k].p, 4, 1, 0x1000, 0x1004), "SAXPY overlap");
	BAD(mvgpu_cmd_sgemm(c[k].p, 4, 4, 4, 1, 1, 0, 3, 0x1000, 4, 0x2000, 4),
	    "SGEMM lda < k");
	BAD(mvgpu_cmd_sgemm(c[k].p, 4, 4, 4, 1, 1, 0, 4, 0x1000, 4, 0x20, 4),
	    "SGEMM C overlaps A");
	BAD(mvgpu_cmd_reduce(c[k].p, 4, 1, 0, 0x1000), "REDUCE unknown op");
	BAD(mvgpu_cmd_reduce(c[k].p, 4, MVGPU_REDUCE_SUM, 0, 0x1001),
	    "REDUCE unaligned");
#undef BAD
	for (int i = 0; i < k; i++)
		expect_err(_metadata, self, c[i].p, c[i].n, MVGPU_ERR_BAD_ARG,
			   ANY_ADDR, c[i].what);
	victim_works(_metadata, self, 0);
}

/* A doorbell outside the ring or not dword aligned. */
TEST_S(fault, bad_doorbell)
{
	static const uint32_t tails[] = { RING_BYTES, RING_BYTES + 4, 2, 0x103,
					  0xfffffffc, 0xffffffff };
	uint64_t cnt;

	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		ASSERT_EQ(0, gpu_expect_error_tail(G, 0, NULL, 0, tails[i],
						   MVGPU_ERR_BAD_DOORBELL,
						   tails[i]))
			TH_LOG("tail 0x%x: %s", tails[i], G->why);
		ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
		/* Stopped: doorbells do nothing until it is reset. */
		gpu_qwr(G, 0, MVGPU_Q_TAIL, 0);
		ASSERT_EQ(MVGPU_ERR_BAD_DOORBELL, gpu_qrd(G, 0, MVGPU_Q_ERROR));
		if (i & 1) {
			ASSERT_EQ(0, gpu_queue_recover(G, 0)) TH_LOG("%s", G->why);
		} else {
			/* Disabling clears the error too. */
			gpu_qwr(G, 0, MVGPU_Q_CONTROL, 0);
			ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_ERROR));
			ASSERT_EQ(0, gpu_ring_start(G, 0));
		}
	}
	victim_works(_metadata, self, 0);
}

static uint64_t q64(struct gpu *g, uint32_t q, uint32_t lo)
{
	return gpu_qrd(g, q, lo) | (uint64_t)gpu_qrd(g, q, lo + 4) << 32;
}

/* Read MSIs from @efd until @want arrived or none came for a while. */
static uint64_t msis(int efd, uint64_t want)
{
	uint64_t got = 0, cnt;

	while (got < want && !mvgpu_eventfd_wait(efd, EVENT_MS, &cnt))
		got += cnt;
	if (!mvgpu_eventfd_wait(efd, NO_EVENT_MS, &cnt))
		got += cnt;
	return got;
}

/*
 * The queue rules Documentation/abi.rst decides, one assertion each: a
 * bad doorbell (TAIL equal to the ring size) stops the queue enabled,
 * with FAULT_ADDR the TAIL written, HEAD 0 and TAIL the last valid value,
 * and ENABLE does not restart it; disable + enable restarts it at offset
 * 0 with ERROR and FAULT_ADDR cleared and FENCE kept; a FENCE whose write
 * faults leaves FENCE and FENCE_PENDING alone; STATUS busy is work left
 * and never shows on a stopped queue; a masked source latches in
 * INT_STATUS and sends its MSI when unmasked; each IRQ fence sends an MSI
 * while FENCE is pending.
 */
TEST_S(fault, abi_queue_rules)
{
	const uint64_t unmapped = MVGPU_VA_SYSMEM + UNMAPPED_IOVA;
	uint64_t fence, seq, base = q64(G, 0, MVGPU_Q_RING_BASE_LO);
	uint32_t p[32], tail, size = gpu_qrd(G, 0, MVGPU_Q_RING_SIZE);
	size_t n;

	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_nop(p, 1)));
	fence = q64(G, 0, MVGPU_Q_FENCE_LO);
	ASSERT_NE(0, fence);
	tail = G->ring[0].tail;
	ASSERT_EQ(tail, gpu_qrd(G, 0, MVGPU_Q_TAIL));

	/* TAIL = RING_SIZE is outside the ring. */
	ASSERT_EQ(0, gpu_expect_error_tail(G, 0, NULL, 0, size,
					   MVGPU_ERR_BAD_DOORBELL, size))
		TH_LOG("%s", G->why);
	ASSERT_EQ(1, msis(self->efd, 1));
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED | MVGPU_Q_STATUS_ERROR,
		  gpu_qrd(G, 0, MVGPU_Q_STATUS));
	ASSERT_EQ(MVGPU_Q_CONTROL_ENABLE, gpu_qrd(G, 0, MVGPU_Q_CONTROL));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_HEAD));
	ASSERT_EQ(tail, gpu_qrd(G, 0, MVGPU_Q_TAIL));
	ASSERT_EQ(fence, q64(G, 0, MVGPU_Q_FENCE_LO));
	gpu_qwr(G, 0, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
	ASSERT_EQ(MVGPU_ERR_BAD_DOORBELL, gpu_qrd(G, 0, MVGPU_Q_ERROR));

	/* Disable + enable: a fresh queue at offset 0, same ring, FENCE kept. */
	gpu_qwr(G, 0, MVGPU_Q_CONTROL, 0);
	gpu_qwr(G, 0, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED, gpu_qrd(G, 0, MVGPU_Q_STATUS));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_ERROR));
	ASSERT_EQ(0, q64(G, 0, MVGPU_Q_FAULT_ADDR_LO));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_HEAD));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_TAIL));
	ASSERT_EQ(base, q64(G, 0, MVGPU_Q_RING_BASE_LO));
	ASSERT_EQ(size, gpu_qrd(G, 0, MVGPU_Q_RING_SIZE));
	ASSERT_EQ(fence, q64(G, 0, MVGPU_Q_FENCE_LO));
	G->ring[0].tail = 0;
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_nop(p, 1))) TH_LOG("%s", G->why);
	fence = q64(G, 0, MVGPU_Q_FENCE_LO);

	/* A FENCE whose write faults: FENCE and FENCE_PENDING unchanged. */
	gpu_wr(G, MVGPU_REG_FENCE_PENDING_LO, ~0u);
	ASSERT_EQ(0, gpu_expect_error(G, 0, p, mvgpu_cmd_fence(p, unmapped,
							      fence + 7, 1),
				      MVGPU_ERR_PAGE_FAULT, unmapped))
		TH_LOG("%s", G->why);
	ASSERT_EQ(1, msis(self->efd, 1));
	ASSERT_EQ(fence, q64(G, 0, MVGPU_Q_FENCE_LO));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED | MVGPU_Q_STATUS_ERROR,
		  gpu_qrd(G, 0, MVGPU_Q_STATUS));
	ASSERT_EQ(0, gpu_queue_recover(G, 0)) TH_LOG("%s", G->why);

	/* Busy: work left, here a WAIT that does not hold; then idle. */
	memset(G->vram + 0xc00000, 0, 8);
	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_wait(p, 0xc00000, 1,
						     MVGPU_WAIT_EQ)));
	ASSERT_EQ(0, gpu_flush(G, 0, &seq));
	usleep(20000);
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED | MVGPU_Q_STATUS_BUSY,
		  gpu_qrd(G, 0, MVGPU_Q_STATUS));
	*(volatile uint64_t *)(G->vram + 0xc00000) = 1;
	ASSERT_EQ(0, gpu_wait(G, 0, seq, SYNC_MS)) TH_LOG("%s", G->why);
	ASSERT_EQ(0, mvgpu_ring_wait_idle(&G->ring[0], SYNC_MS));
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED, gpu_qrd(G, 0, MVGPU_Q_STATUS));

	/* A masked source latches; unmasking it sends the MSI. */
	gpu_wr(G, MVGPU_REG_INT_MASK, MVGPU_INT_ALL & ~MVGPU_INT_ERROR);
	gpu_qwr(G, 0, MVGPU_Q_TAIL, 2);
	ASSERT_EQ(MVGPU_ERR_BAD_DOORBELL, gpu_qrd(G, 0, MVGPU_Q_ERROR));
	ASSERT_EQ(0, msis(self->efd, 0));
	ASSERT_EQ(MVGPU_INT_ERROR, gpu_rd(G, MVGPU_REG_INT_STATUS));
	gpu_wr(G, MVGPU_REG_INT_MASK, MVGPU_INT_ALL);
	ASSERT_EQ(1, msis(self->efd, 1));
	gpu_wr(G, MVGPU_REG_ERROR_REASON, 0);
	gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	ASSERT_EQ(0, gpu_queue_recover(G, 0)) TH_LOG("%s", G->why);

	/* Three IRQ fences, FENCE never cleared: three MSIs. */
	n = 0;
	for (int i = 1; i <= 3; i++)
		n += mvgpu_cmd_fence(p + n, 0xc00100, i, 1);
	ASSERT_EQ(0, gpu_exec(G, 0, p, n)) TH_LOG("%s", G->why);
	ASSERT_EQ(3, msis(self->efd, 3));
	ASSERT_EQ(MVGPU_INT_FENCE, gpu_rd(G, MVGPU_REG_INT_STATUS));
	ASSERT_EQ(1, gpu_rd(G, MVGPU_REG_FENCE_PENDING_LO));
	gpu_wr(G, MVGPU_REG_FENCE_PENDING_LO, 1);
	gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	victim_works(_metadata, self, 0);
}

/*
 * Strided ranges: only each row's bytes are accessed, so the gap between
 * rows needs no memory, and FAULT_ADDR is the first byte of the first row
 * span that cannot be reached; a BLIT with 0 rows touches nothing.
 */
#define HOLE_IOVA	0x50000000ull

TEST_S(fault, abi_strided_ranges)
{
	const uint64_t va = MVGPU_VA_SYSMEM + HOLE_IOVA;
	uint32_t p[16];
	uint8_t *mem;

	mem = mmap(NULL, 0x3000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 0, 0x3000);
	/* Rows at +0 and +0x2000; +0x1000 and +0x4000 are not mapped. */
	ASSERT_EQ(0, mvgpu_dma_map(&G->dev, mem, HOLE_IOVA, 0x1000));
	ASSERT_EQ(0, mvgpu_dma_map(&G->dev, mem + 0x2000, HOLE_IOVA + 0x2000,
				   0x1000));
	fill_pattern(G->vram + 0xc00000, 0x1000, 0xbbbb);
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_blit(p, va, 0x2000,
						     0xc00000, 256, 64, 2,
						     MVGPU_FMT_ARGB8888,
						     MVGPU_FMT_ARGB8888,
						     MVGPU_BLIT_COPY)))
		TH_LOG("BLIT over a hole between rows: %s", G->why);
	ASSERT_EQ(0, memcmp(mem, G->vram + 0xc00000, 256));
	ASSERT_EQ(0, memcmp(mem + 0x2000, G->vram + 0xc00100, 256));
	expect_err(_metadata, self, p,
		   mvgpu_cmd_blit(p, va + 0x40, 0x2000, 0xc00000, 256, 32, 3,
				  MVGPU_FMT_ARGB8888, MVGPU_FMT_ARGB8888,
				  MVGPU_BLIT_COPY),
		   MVGPU_ERR_PAGE_FAULT, va + 0x4040, "BLIT row 2 unmapped");
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_blit(p, va + 0x1000, 0x2000,
						     0xc00000, 256, 64, 0,
						     MVGPU_FMT_ARGB8888,
						     MVGPU_FMT_ARGB8888,
						     MVGPU_BLIT_COPY)))
		TH_LOG("BLIT of 0 rows: %s", G->why);
	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, HOLE_IOVA, 0x1000));
	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, HOLE_IOVA + 0x2000, 0x1000));
	munmap(mem, 0x3000);
	victim_works(_metadata, self, 0);
}

/* Enabling a queue on a bad ring fails with RING_CONFIG. */
TEST_S(fault, bad_ring_config)
{
	const uint64_t vs = G->vram_size;
	const uint64_t sys = MVGPU_VA_SYSMEM + RING_IOVA;
	const uint64_t top = MVGPU_VA_SYSMEM + MVGPU_VA_SYSMEM_SIZE;
	const struct {
		uint64_t base;
		uint32_t size;
		const char *what;
	} c[] = {
		{ sys + 0x800, 0x1000, "unaligned base" },
		{ 0x10, 0x1000, "unaligned VRAM base" },
		{ sys, 0x3000, "size not a power of 2" },
		{ sys, 0x800, "size too small" },
		{ sys, 0, "size 0" },
		{ 0, 0x200000, "size too large" },
		{ vs - 0x1000, 0x2000, "crosses the end of VRAM" },
		{ vs, 0x1000, "just past VRAM" },
		{ 1ull << 40, 0x1000, "between VRAM and guest memory" },
		{ MVGPU_VA_SYSMEM - 0x1000, 0x2000, "crosses into guest memory" },
		{ top - 0x1000, 0x2000, "crosses the top of guest memory" },
		{ top, 0x1000, "above guest memory" },
		{ ~0ull - 0xfff, 0x1000, "last page of 2^64" },
	};
	uint32_t q = G->num_queues > 1 ? 1 : 0;
	uint64_t cnt;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
		gpu_qwr(G, q, MVGPU_Q_RING_BASE_LO, (uint32_t)c[i].base);
		gpu_qwr(G, q, MVGPU_Q_RING_BASE_HI, (uint32_t)(c[i].base >> 32));
		gpu_qwr(G, q, MVGPU_Q_RING_SIZE, c[i].size);
		gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
		ASSERT_EQ(MVGPU_ERR_RING_CONFIG, gpu_qrd(G, q, MVGPU_Q_ERROR))
			TH_LOG("%s", c[i].what);
		ASSERT_EQ(MVGPU_Q_STATUS_ERROR, gpu_qrd(G, q, MVGPU_Q_STATUS))
			TH_LOG("%s", c[i].what);
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_CONTROL)) TH_LOG("%s", c[i].what);
		ASSERT_EQ(MVGPU_ERR_RING_CONFIG, gpu_rd(G, MVGPU_REG_ERROR_REASON));
		ASSERT_EQ(q, gpu_rd(G, MVGPU_REG_ERROR_QUEUE));
		/* FAULT_ADDR and the error block hold the ring base. */
		ASSERT_EQ(c[i].base, q64(G, q, MVGPU_Q_FAULT_ADDR_LO));
		ASSERT_EQ(c[i].base, gpu_rd(G, MVGPU_REG_ERROR_ADDR_LO) |
			  (uint64_t)gpu_rd(G, MVGPU_REG_ERROR_ADDR_HI) << 32);
		ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
		/* A doorbell on it does nothing. */
		gpu_qwr(G, q, MVGPU_Q_TAIL, 0x20);
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_HEAD));
		ASSERT_EQ(MVGPU_ERR_RING_CONFIG, gpu_qrd(G, q, MVGPU_Q_ERROR));
		gpu_wr(G, MVGPU_REG_ERROR_REASON, 0);
		gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	}
	/* The edges that are valid: the last 4 KiB of VRAM and of the window,
	 * 1 MiB rings. */
	const struct {
		uint64_t base;
		uint32_t size;
	} ok[] = {
		{ vs - 0x1000, 0x1000 }, { 0, MVGPU_RING_SIZE_MAX },
		{ top - 0x1000, 0x1000 }, { sys, 0x1000 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
		gpu_qwr(G, q, MVGPU_Q_RING_BASE_LO, (uint32_t)ok[i].base);
		gpu_qwr(G, q, MVGPU_Q_RING_BASE_HI, (uint32_t)(ok[i].base >> 32));
		gpu_qwr(G, q, MVGPU_Q_RING_SIZE, ok[i].size);
		gpu_qwr(G, q, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_ENABLE);
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_ERROR)) TH_LOG("valid ring %zu", i);
		ASSERT_EQ(MVGPU_Q_STATUS_ENABLED, gpu_qrd(G, q, MVGPU_Q_STATUS));
	}
	ASSERT_EQ(0, gpu_queue_recover(G, q)) TH_LOG("%s", G->why);
	victim_works(_metadata, self, q);
}

/* HEAD, STATUS, ERROR, FENCE, FAULT_ADDR ignore writes; so does the ring
 * while the queue is enabled. */
TEST_S(fault, readonly_registers)
{
	static const uint32_t ro[] = {
		MVGPU_Q_HEAD, MVGPU_Q_STATUS, MVGPU_Q_ERROR, MVGPU_Q_FENCE_LO,
		MVGPU_Q_FENCE_HI, MVGPU_Q_FAULT_ADDR_LO, MVGPU_Q_FAULT_ADDR_HI,
		MVGPU_Q_RING_BASE_LO, MVGPU_Q_RING_BASE_HI, MVGPU_Q_RING_SIZE,
	};
	static const uint32_t vals[] = { 0, 0xffffffff, 0x1000 };
	uint32_t p[16], before[ARRAY_SIZE(ro)], q1 = 1;
	size_t n;

	ASSERT_LE(2, G->num_queues);
	/* Queue 0: some work done, FENCE and HEAD non-zero. */
	n = mvgpu_cmd_fence(p, SYS_VA, 0x123456789ull, 0);
	ASSERT_EQ(0, gpu_emit(G, 0, p, n));
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_nop(p, 3)));
	/* Queue 1: stopped on a fault, ERROR and FAULT_ADDR non-zero. */
	ASSERT_EQ(0, gpu_ring_start(G, q1));
	ASSERT_EQ(0, gpu_exec(G, q1, p, mvgpu_cmd_nop(p, 1)));
	ASSERT_EQ(0, gpu_expect_error(G, q1, p,
				      mvgpu_cmd_fence(p, G->vram_size + 0x88, 1, 0),
				      MVGPU_ERR_PAGE_FAULT, G->vram_size + 0x88))
		TH_LOG("%s", G->why);

	for (uint32_t q = 0; q < 2; q++) {
		for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
			before[i] = gpu_qrd(G, q, ro[i]);
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++)
			for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
				gpu_qwr(G, q, ro[i], vals[v]);
		for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
			ASSERT_EQ(before[i], gpu_qrd(G, q, ro[i]))
				TH_LOG("queue %u register 0x%x changed", q, ro[i]);
		}
	}
	ASSERT_NE(0, before[3]);
	/* Device registers: STATUS, error block but its reason, RESET_COUNT. */
	static const uint32_t dev_ro[] = {
		MVGPU_REG_MAGIC, MVGPU_REG_ABI_VERSION, MVGPU_REG_VRAM_SIZE_LO,
		MVGPU_REG_NUM_QUEUES, MVGPU_REG_CAPS, MVGPU_REG_STATUS,
		MVGPU_REG_RESET_COUNT, MVGPU_REG_ERROR_QUEUE,
		MVGPU_REG_ERROR_ADDR_LO,
	};
	uint32_t dev_before[ARRAY_SIZE(dev_ro)];

	ASSERT_EQ(MVGPU_ERR_PAGE_FAULT,
		  cause_error(G, 0, p, mvgpu_cmd_fence(p, G->vram_size + 0x100,
						       1, 0)));
	for (size_t i = 0; i < ARRAY_SIZE(dev_ro); i++)
		dev_before[i] = gpu_rd(G, dev_ro[i]);
	for (size_t i = 0; i < ARRAY_SIZE(dev_ro); i++)
		gpu_wr(G, dev_ro[i], 0x5a5a5a5a);
	for (size_t i = 0; i < ARRAY_SIZE(dev_ro); i++) {
		ASSERT_EQ(dev_before[i], gpu_rd(G, dev_ro[i]))
			TH_LOG("register 0x%x changed", dev_ro[i]);
	}
	ASSERT_EQ(G->vram_size + 0x100, gpu_rd(G, MVGPU_REG_ERROR_ADDR_LO));
	/* Any write to ERROR_REASON clears the block. */
	gpu_wr(G, MVGPU_REG_ERROR_REASON, 0x5a5a5a5a);
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_ERROR_REASON));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_ERROR_ADDR_LO));
}

/* Errors are cleared by CONTROL.RESET and by a device reset. */
TEST_S(fault, error_recovery)
{
	uint32_t p[16], q1 = G->num_queues > 1 ? 1 : 0;
	uint64_t cnt;

	/* Queue reset: every queue register back to 0, then work runs. */
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_fence(p, SYS_VA, 77, 0)));
	ASSERT_EQ(0, gpu_expect_error(G, 0, p, mvgpu_cmd_fence(p, 1ull << 40, 1, 0),
				      MVGPU_ERR_PAGE_FAULT, 1ull << 40));
	gpu_qwr(G, 0, MVGPU_Q_CONTROL, MVGPU_Q_CONTROL_RESET);
	for (uint32_t reg = 0; reg < MVGPU_REG_QUEUE_STRIDE; reg += 4) {
		ASSERT_EQ(0, gpu_qrd(G, 0, reg)) TH_LOG("register 0x%x", reg);
	}
	ASSERT_EQ(0, gpu_ring_start(G, 0));
	victim_works(_metadata, self, 0);

	/* Device reset (VFIO): errors of every queue, error block, status. */
	ASSERT_EQ(0, gpu_ring_start(G, q1));
	ASSERT_EQ(MVGPU_ERR_PAGE_FAULT,
		  cause_error(G, 0, p, mvgpu_cmd_fence(p, 1ull << 41, 1, 0)));
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 0);
	ASSERT_EQ(MVGPU_ERR_BAD_LENGTH, cause_error(G, q1, p, 1));
	ASSERT_EQ(MVGPU_ERR_PAGE_FAULT, gpu_rd(G, MVGPU_REG_ERROR_REASON));
	ASSERT_EQ(MVGPU_INT_ERROR, gpu_rd(G, MVGPU_REG_INT_STATUS));
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	uint32_t resets = gpu_rd(G, MVGPU_REG_RESET_COUNT);

	ASSERT_EQ(0, mvgpu_reset(&G->dev));
	ASSERT_EQ(resets + 1, gpu_rd(G, MVGPU_REG_RESET_COUNT));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_ERROR_REASON));
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_INT_STATUS));
	for (uint32_t q = 0; q < G->num_queues; q++) {
		for (uint32_t reg = 0; reg < MVGPU_REG_QUEUE_STRIDE; reg += 4) {
			ASSERT_EQ(0, gpu_qrd(G, q, reg))
				TH_LOG("queue %u register 0x%x", q, reg);
		}
	}
	ASSERT_EQ(0, gpu_msi(G, self->efd));
	ASSERT_EQ(0, gpu_ring_start(G, 0));
	ASSERT_EQ(0, gpu_ring_start(G, q1));
	victim_works(_metadata, self, q1);

	/* Device reset through the BAR0 RESET register. */
	p[0] = MVGPU_CMD_HEADER(MVGPU_OP_NOP, 0, 0);
	ASSERT_EQ(MVGPU_ERR_BAD_LENGTH, cause_error(G, 0, p, 1));
	ASSERT_EQ(MVGPU_ERR_BAD_LENGTH, gpu_rd(G, MVGPU_REG_ERROR_REASON));
	gpu_wr(G, MVGPU_REG_RESET, MVGPU_RESET_KEY);
	ASSERT_EQ(0, gpu_rd(G, MVGPU_REG_ERROR_REASON));
	ASSERT_EQ(resets + 2, gpu_rd(G, MVGPU_REG_RESET_COUNT));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_ERROR));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_STATUS));
	ASSERT_EQ(0, gpu_msi(G, self->efd));
	ASSERT_EQ(0, gpu_ring_start(G, 0));
	victim_works(_metadata, self, 0);
}

/*
 * Long work on queue 0: @count COPYs of 4 MiB within VRAM, then a WAIT
 * that never ends (so the queue stays busy however fast the copies), then
 * a fence.
 */
static void start_long_work(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self, int count,
			    uint64_t *seq)
{
	uint32_t p[16];

	for (int i = 0; i < count; i++) {
		uint64_t src = (i & 1) ? 0x800000 : 0x400000;
		uint64_t dst = (i & 1) ? 0x400000 : 0x800000;

		ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_copy(p, dst, src, 4u << 20)));
	}
	memset(G->vram + 0xc00000, 0, 8);
	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_wait(p, 0xc00000, 1,
						     MVGPU_WAIT_EQ)));
	ASSERT_EQ(0, gpu_flush(G, 0, seq));
}

/* Wait until queue 0 has started executing (HEAD moved). */
static void wait_started(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, uint32_t head0)
{
	uint64_t deadline = mvgpu_now_ns() + 5000000000ull;

	while (gpu_qrd(G, 0, MVGPU_Q_HEAD) == head0) {
		ASSERT_LT(mvgpu_now_ns(), deadline) TH_LOG("queue 0 did not start");
		usleep(200);
	}
}

/*
 * VFIO_IOMMU_UNMAP_DMA of guest memory a WAIT keeps reading: the unmap
 * returns, the queue faults (it can no longer read the value), and setting
 * the value in the old host memory afterwards releases nothing.
 */
TEST_S(fault, unmap_while_waiting)
{
	struct mvgpu_dma_buf w;
	uint64_t va = MVGPU_VA_SYSMEM + LONG_IOVA, seq, cnt;
	volatile uint64_t *val;
	uint32_t p[16];

	ASSERT_EQ(0, mvgpu_dma_alloc(&G->dev, 0x2000, LONG_IOVA, &w));
	val = (volatile uint64_t *)((uint8_t *)w.cpu + 0x1008);
	*val = 0;
	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_wait(p, va + 0x1008, 1,
						     MVGPU_WAIT_EQ)));
	ASSERT_EQ(0, gpu_emit(G, 0, p, mvgpu_cmd_fence(p, va, 0xaa, 0)));
	ASSERT_EQ(0, gpu_flush(G, 0, &seq));
	usleep(50000);
	ASSERT_EQ(MVGPU_Q_STATUS_ENABLED | MVGPU_Q_STATUS_BUSY,
		  gpu_qrd(G, 0, MVGPU_Q_STATUS));

	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, LONG_IOVA, 0x2000));
	ASSERT_EQ(0, gpu_expect_error_tail(G, 0, NULL, 0, G->ring[0].tail,
					   MVGPU_ERR_PAGE_FAULT, va + 0x1008))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	memset(w.cpu, 0x5c, 0x2000);
	*val = 1;
	usleep(50000);
	ASSERT_GT(seq, mvgpu_ring_fence(&G->ring[0]));
	for (int i = 0; i < 0x1000; i++) {
		ASSERT_EQ(0x5c, ((uint8_t *)w.cpu)[i]) TH_LOG("byte %d written", i);
	}
	munmap(w.cpu, w.size);
	ASSERT_EQ(0, gpu_queue_recover(G, 0));
	victim_works(_metadata, self, 0);
}

/*
 * VFIO_IOMMU_UNMAP_DMA of guest memory a long COPY is writing (or
 * reading): the unmap returns, the queue either completed or faulted with
 * PAGE_FAULT inside the buffer, the pages given back are never written by
 * the GPU afterwards (the old host memory is refilled and must stay so),
 * and new work on the same DMA addresses faults.
 */
static void check_unmap_copy(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self, bool gpu_writes)
{
	uint64_t va = MVGPU_VA_SYSMEM + LONG_IOVA, seq, cnt, fault = 0;
	struct mvgpu_dma_buf d;
	uint32_t p[16], err = 0, head0;
	int64_t bad;

	ASSERT_EQ(0, mvgpu_dma_alloc(&G->dev, LONG_BYTES, LONG_IOVA, &d));
	fill_pattern(G->vram, 4u << 20, 0x1111);
	fill_pattern(d.cpu, LONG_BYTES, 0x2222);
	head0 = G->ring[0].tail;
	for (int i = 0; i < 6; i++) {
		size_t n = gpu_writes ?
			mvgpu_cmd_copy(p, va, 0, LONG_BYTES) :
			mvgpu_cmd_copy(p, 0x800000, va, LONG_BYTES);

		ASSERT_EQ(0, gpu_emit(G, 0, p, n));
	}
	ASSERT_EQ(0, gpu_flush(G, 0, &seq));
	/* Unmap once the copies are under way. */
	while (gpu_qrd(G, 0, MVGPU_Q_HEAD) == head0 &&
	       (!gpu_writes || check_pattern(d.cpu, 8, 0x2222) == -1) &&
	       !gpu_qrd(G, 0, MVGPU_Q_ERROR))
		usleep(100);
	usleep(rng_below(&self->rng, 3000));
	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, LONG_IOVA, LONG_BYTES));
	fill_pattern(d.cpu, LONG_BYTES, 0x3333);

	ASSERT_EQ(0, mvgpu_ring_wait_settled(&G->ring[0], SYNC_MS, &err));
	if (err) {
		mvgpu_ring_error(&G->ring[0], &err, &fault);
		ASSERT_EQ(MVGPU_ERR_PAGE_FAULT, err);
		ASSERT_LE(va, fault);
		ASSERT_GT(va + LONG_BYTES, fault);
		ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
		ksft_print_msg("unmap: queue faulted at +0x%llx\n",
			       (unsigned long long)(fault - va));
	} else {
		ASSERT_EQ(seq, mvgpu_ring_fence(&G->ring[0]));
		ksft_print_msg("unmap: the copies completed first\n");
	}
	gpu_wr(G, MVGPU_REG_ERROR_REASON, 0);
	gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	ASSERT_EQ(0, gpu_queue_recover(G, 0));

	/* The same DMA addresses now fault, reading or writing. */
	ASSERT_EQ(0, gpu_expect_error(G, 0, p,
				      mvgpu_cmd_copy(p, va + 0x1000, 0, 0x1000),
				      MVGPU_ERR_PAGE_FAULT, va + 0x1000))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	ASSERT_EQ(0, gpu_queue_recover(G, 0));
	ASSERT_EQ(0, gpu_expect_error(G, 0, p,
				      mvgpu_cmd_copy(p, 0, va + 0x3000, 0x1000),
				      MVGPU_ERR_PAGE_FAULT, va + 0x3000))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, mvgpu_eventfd_wait(self->efd, EVENT_MS, &cnt));
	ASSERT_EQ(0, gpu_queue_recover(G, 0));
	victim_works(_metadata, self, 0);
	usleep(20000);
	bad = check_pattern(d.cpu, LONG_BYTES, 0x3333);
	munmap(d.cpu, d.size);
	ASSERT_EQ(-1, bad) TH_LOG("host memory written after unmap at +0x%llx",
				  (unsigned long long)bad);
}

/* Rounds of the unmap tests: MVGPU_UNMAP_ROUNDS, default 3. */
static int unmap_rounds(void)
{
	const char *env = getenv("MVGPU_UNMAP_ROUNDS");

	return env && atoi(env) > 0 ? atoi(env) : 3;
}

TEST_S_TIMEOUT(fault, unmap_during_copy_to, 600)
{
	for (int i = 0; i < unmap_rounds(); i++)
		check_unmap_copy(_metadata, self, true);
}

TEST_S_TIMEOUT(fault, unmap_during_copy_from, 600)
{
	for (int i = 0; i < unmap_rounds(); i++)
		check_unmap_copy(_metadata, self, false);
}

/*
 * VFIO_IOMMU_UNMAP_DMA racing engine faults. Up to four queues alternate
 * long VRAM copies with one-page copies from (even queues) or into (odd
 * queues) the range, so their faults on it start at scattered times,
 * also after the host's dma_unmap callback dropped the pages, while it
 * lingers there (debugfs mvgpu/dma_unmap_delay_us) before returning to
 * VFIO: a fault that pinned a page again then would make VFIO call the
 * callback again, and after ten rounds BUG(). Every round: the unmap
 * returns, each queue completed or faulted inside the range, the old host
 * memory is never written again, and the same DMA addresses mapped again
 * work at once. MVGPU_UNMAP_RACE_SECONDS sets how long (default 5).
 */
#define RACE_IOVA	0x30000000ull
#define RACE_BYTES	(1u << 20)
#define RACE_QUEUES	4
#define RACE_PAIRS	100
#define UNMAP_DELAY	"/sys/kernel/debug/mvgpu/dma_unmap_delay_us"

static int unmap_delay(uint32_t us)
{
	char val[16];

	snprintf(val, sizeof(val), "%u", us);
	return mvgpu_sysfs_write(UNMAP_DELAY, val);
}

/* Queue @q stopped or completed: a fault must lie in the raced range. */
static void race_settle(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, uint32_t q, uint64_t seq,
			int *faults)
{
	uint64_t va = MVGPU_VA_SYSMEM + RACE_IOVA, fault = 0;
	uint32_t err = 0;

	ASSERT_EQ(0, mvgpu_ring_wait_settled(&G->ring[q], SYNC_MS, &err));
	if (err) {
		mvgpu_ring_error(&G->ring[q], &err, &fault);
		ASSERT_EQ(MVGPU_ERR_PAGE_FAULT, err) TH_LOG("queue %u", q);
		ASSERT_LE(va, fault) TH_LOG("queue %u", q);
		ASSERT_GT(va + RACE_BYTES, fault) TH_LOG("queue %u", q);
		(*faults)++;
	} else {
		ASSERT_EQ(seq, mvgpu_ring_fence(&G->ring[q])) TH_LOG("queue %u", q);
	}
	ASSERT_EQ(0, gpu_queue_recover(G, q)) TH_LOG("%s", G->why);
}

static void race_round(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, uint32_t nq, int *faults)
{
	uint64_t va = MVGPU_VA_SYSMEM + RACE_IOVA, seq[RACE_QUEUES];
	struct mvgpu_dma_buf d, d2;
	uint32_t p[16], q;
	int64_t bad;

	ASSERT_EQ(0, mvgpu_dma_alloc(&G->dev, RACE_BYTES, RACE_IOVA, &d));
	fill_pattern(d.cpu, RACE_BYTES, 0x6666);
	for (q = 0; q < nq; q++) {
		for (int i = 0; i < RACE_PAIRS; i++) {
			uint64_t page = va + (uint64_t)((i * nq + q) % 256) * 4096;
			uint32_t len = 0x10000 + rng_below(&self->rng, 0x30000);
			size_t n;

			n = mvgpu_cmd_copy(p, 0x100000 + q * 0x40000, 0, len);
			n += q & 1 ? mvgpu_cmd_copy(p + n, page, 0x40000, 4096) :
				     mvgpu_cmd_copy(p + n, 0x400000 + q * 4096,
						    page, 4096);
			ASSERT_EQ(0, gpu_emit(G, q, p, n));
		}
		ASSERT_EQ(0, gpu_flush(G, q, &seq[q]));
	}
	usleep(1000 + rng_below(&self->rng, 20000));
	ASSERT_EQ(0, unmap_delay(rng_below(&self->rng, 20000)));
	ASSERT_EQ(0, mvgpu_dma_unmap(&G->dev, RACE_IOVA, RACE_BYTES));
	fill_pattern(d.cpu, RACE_BYTES, 0x7777);
	ASSERT_EQ(0, unmap_delay(0));
	for (q = 0; q < nq; q++)
		race_settle(_metadata, self, q, seq[q], faults);
	gpu_wr(G, MVGPU_REG_ERROR_REASON, 0);
	gpu_wr(G, MVGPU_REG_INT_STATUS, MVGPU_INT_ALL);
	usleep(2000);
	bad = check_pattern(d.cpu, RACE_BYTES, 0x7777);
	munmap(d.cpu, d.size);
	ASSERT_EQ(-1, bad) TH_LOG("host memory written after unmap at +0x%llx",
				  (unsigned long long)bad);

	/* Mapped again, the same DMA addresses work at once. */
	ASSERT_EQ(0, mvgpu_dma_alloc(&G->dev, 0x2000, RACE_IOVA, &d2));
	fill_pattern(d2.cpu, 0x2000, 0x8888);
	ASSERT_EQ(0, gpu_exec(G, 0, p, mvgpu_cmd_copy(p, 0xc00000, va, 0x2000)))
		TH_LOG("%s", G->why);
	ASSERT_EQ(0, memcmp(G->vram + 0xc00000, d2.cpu, 0x2000));
	ASSERT_EQ(0, mvgpu_dma_free(&G->dev, &d2));
}

TEST_S_TIMEOUT(fault, unmap_race, 3600)
{
	const char *env = getenv("MVGPU_UNMAP_RACE_SECONDS");
	uint64_t secs = env && atoi(env) > 0 ? (uint64_t)atoi(env) : 5;
	uint64_t end = mvgpu_now_ns() + secs * 1000000000ull;
	uint32_t nq = G->num_queues < RACE_QUEUES ? G->num_queues : RACE_QUEUES;
	int rounds = 0, faults = 0;

	ASSERT_LE(2, nq);
	if (!path_exists(UNMAP_DELAY))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	ASSERT_TRUE(path_exists(UNMAP_DELAY)) TH_LOG("no %s", UNMAP_DELAY);
	for (uint32_t q = 1; q < nq; q++)
		ASSERT_EQ(0, gpu_ring_start(G, q));
	fill_pattern(G->vram, 0x80000, 0x5555);
	while (mvgpu_now_ns() < end) {
		race_round(_metadata, self, nq, &faults);
		rounds++;
	}
	ksft_print_msg("unmap race: %d rounds, %d queue faults\n", rounds,
		       faults);
	victim_works(_metadata, self, 0);
}

/*
 * A guest that hangs its queue again and again (a WAIT that never holds)
 * gets at most the kernel's default burst of ten "made no progress" log
 * lines per five seconds: it cannot flood the host's log.
 */
#define HANGS		25

static int count_hang_lines(int fd)
{
	char rec[8192];
	int lines = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = '\0';
		if (strstr(rec, "made no progress"))
			lines++;
	}
	return lines;
}

TEST_S_TIMEOUT(fault, hang_log_ratelimited, 300)
{
	char path[PATH_MAX], old[32];
	uint64_t t0, secs;
	int fd, lines, ret = 0;
	uint32_t p[16];

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/mvgpu/sched_watchdog_ms",
		 self->pg.name);
	ASSERT_LT(0, mvgpu_sysfs_read(path, old, sizeof(old)));
	ASSERT_EQ(0, mvgpu_sysfs_write(path, "100"));
	fd = kmsg_open();
	t0 = mvgpu_now_ns();
	for (int i = 0; i < HANGS && !ret; i++) {
		memset(G->vram + 0xc00000, 0, 8);
		ret = gpu_expect_error(G, 0, p, mvgpu_cmd_wait(p, 0xc00000, 1,
							      MVGPU_WAIT_EQ),
				       MVGPU_ERR_HANG, 0);
		if (!ret)
			ret = gpu_queue_recover(G, 0);
	}
	secs = (mvgpu_now_ns() - t0) / 1000000000ull;
	EXPECT_EQ(0, mvgpu_sysfs_write(path, old));
	ASSERT_EQ(0, ret) TH_LOG("%s", G->why);
	ASSERT_LE(0, fd);
	lines = count_hang_lines(fd);
	close(fd);
	ksft_print_msg("%d hangs in %llu s: %d log lines\n", HANGS,
		       (unsigned long long)secs, lines);
	ASSERT_LE(1, lines);
	ASSERT_GE(10 * (secs / 5 + 1), (uint64_t)lines);
}

/* VFIO_DEVICE_RESET while a long COPY runs and another queue waits. */
TEST_S_TIMEOUT(fault, reset_during_work, 60)
{
	uint32_t p[16], q1 = G->num_queues > 1 ? 1 : 0, head0 = G->ring[0].tail;
	uint64_t seq;

	ASSERT_LE(2, G->num_queues);
	ASSERT_EQ(0, gpu_ring_start(G, q1));
	ASSERT_EQ(0, gpu_emit(G, q1, p, mvgpu_cmd_wait(p, 0x100, 1, MVGPU_WAIT_EQ)));
	ASSERT_EQ(0, gpu_flush(G, q1, &seq));
	fill_pattern(G->vram + 0x400000, 4u << 20, 0x4444);
	start_long_work(_metadata, self, 32, &seq);
	wait_started(_metadata, self, head0);

	ASSERT_EQ(0, mvgpu_reset(&G->dev));
	for (uint32_t q = 0; q < G->num_queues; q++) {
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_STATUS)) TH_LOG("queue %u", q);
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_HEAD)) TH_LOG("queue %u", q);
	}
	/* VRAM is zero, and stays so: nothing runs any more. */
	ASSERT_EQ(-1, scan_words(G->vram, G->vram_size, 0));
	usleep(20000);
	ASSERT_EQ(-1, scan_words(G->vram, G->vram_size, 0));
	ASSERT_EQ(0, gpu_msi(G, self->efd));
	ASSERT_EQ(0, gpu_ring_start(G, 0));
	victim_works(_metadata, self, 0);
}

/* Remove a vGPU whose device is open and busy: remove waits for close. */
struct remover {
	char uuid[MVGPU_UUID_LEN + 1];
	volatile int done;
	int ret;
};

static void *remover_main(void *arg)
{
	struct remover *rm = arg;

	rm->ret = mvgpu_vgpu_remove(rm->uuid);
	rm->done = 1;
	return NULL;
}

TEST_S_TIMEOUT(fault, remove_during_work, 60)
{
	struct remover rm = { 0 };
	uint32_t head0 = G->ring[0].tail;
	pthread_t th;
	uint64_t seq;

	start_long_work(_metadata, self, 64, &seq);
	wait_started(_metadata, self, head0);
	memcpy(rm.uuid, self->uuid, sizeof(rm.uuid));
	ASSERT_EQ(0, pthread_create(&th, NULL, remover_main, &rm));
	usleep(300000);
	ASSERT_EQ(0, rm.done) TH_LOG("remove did not wait for the close");
	/* The device still works meanwhile. */
	ASSERT_EQ(MVGPU_MAGIC, gpu_rd(G, MVGPU_REG_MAGIC));
	ASSERT_EQ(0, gpu_qrd(G, 0, MVGPU_Q_ERROR));
	ASSERT_TRUE(gpu_qrd(G, 0, MVGPU_Q_STATUS) & MVGPU_Q_STATUS_BUSY);
	gpu_close(G);
	pthread_join(th, NULL);
	ASSERT_EQ(0, rm.ret);
	ASSERT_FALSE(mdev_exists(self->uuid));
	vgpus_forget(&self->vl, self->uuid);
}

/* Close the device fd during work; reopened, it is idle and zeroed. */
TEST_S_TIMEOUT(fault, close_during_work, 60)
{
	uint32_t head0 = G->ring[0].tail;
	uint64_t seq;

	fill_pattern(G->vram + 0x400000, 4u << 20, 0x5555);
	start_long_work(_metadata, self, 64, &seq);
	wait_started(_metadata, self, head0);
	gpu_close(G);
	close(self->efd);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);

	ASSERT_EQ(0, gpu_open(G, self->uuid, SYS_BYTES)) TH_LOG("%s", G->why);
	ASSERT_EQ(0, gpu_msi(G, self->efd));
	ASSERT_EQ(-1, scan_words(G->vram, G->vram_size, 0));
	for (uint32_t q = 1; q < G->num_queues; q++) {
		ASSERT_EQ(0, gpu_qrd(G, q, MVGPU_Q_STATUS));
	}
	victim_works(_metadata, self, 0);
}

TEST_HARNESS_MAIN
