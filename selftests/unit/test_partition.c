// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_partition.c: VRAM/queue/context partitioning of a pGPU.
 */

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/slab.h>

#include "kselftest_harness.h"

#include "mvgpu_partition.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
/*
 * The harness runs each test in a child that ends with _exit(), which skips
 * LeakSanitizer's exit-time check: run it at the end of each test instead.
 */
#define EXPECT_NO_LEAKS()	EXPECT_EQ(0, __lsan_do_recoverable_leak_check())
#else
#define EXPECT_NO_LEAKS()	do { } while (0)
#endif

#define KIB		1024ULL
#define MIB		(1024 * KIB)

/* Allocation fault injection of the <linux/slab.h> stand-in. */
int ut_alloc_fail_countdown;

/* Check the free counters against the bitmaps. */
static bool pool_consistent(const struct mvgpu_partition_pool *pool)
{
	u32 used = 0, i;

	for (i = 0; i < pool->num_chunks; i++)
		used += test_bit(i, pool->chunk_used);
	if (used + pool->free_chunks != pool->num_chunks)
		return false;
	for (used = 0, i = 0; i < pool->num_queues; i++)
		used += test_bit(i, pool->queue_used);
	if (used + pool->free_queues != pool->num_queues)
		return false;
	for (used = 0, i = 0; i < pool->num_contexts; i++)
		used += test_bit(i, pool->context_used);
	return used + pool->free_contexts == pool->num_contexts;
}

/* A deep copy of a pool's state, to check that a call changed nothing. */
struct pool_snapshot {
	struct mvgpu_partition_pool counts;
	unsigned long *maps[3];
};

static void snapshot_take(struct pool_snapshot *s,
			  const struct mvgpu_partition_pool *pool)
{
	const unsigned long *src[3] = {
		pool->chunk_used, pool->queue_used, pool->context_used
	};
	u32 bits[3] = { pool->num_chunks, pool->num_queues,
			pool->num_contexts };
	int i;

	s->counts = *pool;
	for (i = 0; i < 3; i++) {
		size_t bytes = BITS_TO_LONGS((size_t)bits[i]) * sizeof(long);

		s->maps[i] = malloc(bytes);
		memcpy(s->maps[i], src[i], bytes);
	}
}

/* Compare a pool with a snapshot and free the snapshot. */
static bool snapshot_same(struct pool_snapshot *s,
			  const struct mvgpu_partition_pool *pool)
{
	const unsigned long *cur[3] = {
		pool->chunk_used, pool->queue_used, pool->context_used
	};
	u32 bits[3] = { pool->num_chunks, pool->num_queues,
			pool->num_contexts };
	bool same = !memcmp(&s->counts, pool, sizeof(*pool));
	int i;

	for (i = 0; i < 3; i++) {
		size_t bytes = BITS_TO_LONGS((size_t)bits[i]) * sizeof(long);

		same = same && !memcmp(s->maps[i], cur[i], bytes);
		free(s->maps[i]);
	}
	return same;
}

static bool part_is_zero(const struct mvgpu_partition *part)
{
	static const struct mvgpu_partition zero;

	return !memcmp(part, &zero, sizeof(zero));
}

/* ---- pool_init / pool_fini ---- */

TEST(init_valid)
{
	struct mvgpu_partition_pool pool;

	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, 256 * MIB, MIB, 64, 32));
	EXPECT_EQ(MIB, pool.chunk_size);
	EXPECT_EQ(256U, pool.num_chunks);
	EXPECT_EQ(256U, pool.free_chunks);
	EXPECT_EQ(64U, pool.num_queues);
	EXPECT_EQ(64U, pool.free_queues);
	EXPECT_EQ(32U, pool.num_contexts);
	EXPECT_EQ(32U, pool.free_contexts);
	EXPECT_TRUE(pool_consistent(&pool));
	mvgpu_partition_pool_fini(&pool);
	/* fini zeroes the pool and may be repeated. */
	EXPECT_EQ(NULL, pool.chunk_used);
	EXPECT_EQ(0U, pool.num_chunks);
	mvgpu_partition_pool_fini(&pool);

	/* Smallest legal pool: one page-sized chunk, one queue, one context. */
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, 4 * KIB, 4 * KIB, 1, 1));
	EXPECT_EQ(1U, pool.num_chunks);
	mvgpu_partition_pool_fini(&pool);

	/* Exactly U32_MAX chunks is still representable. */
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, (u64)U32_MAX * 4 * KIB,
					       4 * KIB, 1, 1));
	EXPECT_EQ(U32_MAX, pool.num_chunks);
	mvgpu_partition_pool_fini(&pool);

	/* Huge chunks: 2^63 bytes of VRAM in one chunk. */
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, 1ULL << 63, 1ULL << 63,
					       1, 1));
	EXPECT_EQ(1U, pool.num_chunks);
	mvgpu_partition_pool_fini(&pool);
	EXPECT_NO_LEAKS();
}

TEST(init_invalid)
{
	static const struct {
		u64 vram, chunk;
		u32 queues, contexts;
	} bad[] = {
		{ 256 * MIB, 0, 64, 32 },		/* no chunk size */
		{ 256 * MIB, 2 * KIB, 64, 32 },		/* chunk < 4 KiB */
		{ 12 * KIB, 12 * KIB, 64, 32 },		/* not a power of 2 */
		{ 256 * MIB, MIB + 4 * KIB, 64, 32 },
		{ 0, MIB, 64, 32 },			/* no VRAM */
		{ MIB + 4 * KIB, MIB, 64, 32 },		/* not a multiple */
		{ MIB / 2, MIB, 64, 32 },
		{ 256 * MIB, MIB, 0, 32 },		/* no queues */
		{ 256 * MIB, MIB, 64, 0 },		/* no contexts */
		{ U64_MAX, 4 * KIB, 1, 1 },		/* overflow-ish sizes */
		{ U64_MAX, 1ULL << 63, 1, 1 },
		{ U64_MAX & ~(4 * KIB - 1), 4 * KIB, 1, 1 },	/* 2^52 chunks */
		{ 1ULL << 44, 4 * KIB, 1, 1 },		/* 2^32 chunks */
		{ ((u64)U32_MAX + 1) * MIB, MIB, 1, 1 },
		{ 1ULL << 63, 4 * KIB, 1, 1 },
		{ 256 * MIB, 1ULL << 63, 1, 1 },	/* less than a chunk */
		{ 256 * MIB, U64_MAX, 1, 1 },
	};
	struct mvgpu_partition_pool pool;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&pool, 0xa5, sizeof(pool));
		EXPECT_EQ(-EINVAL,
			  mvgpu_partition_pool_init(&pool, bad[i].vram,
						    bad[i].chunk,
						    bad[i].queues,
						    bad[i].contexts))
			TH_LOG("case %u", i);
		/* A failed init leaves the pool safe to fini. */
		EXPECT_EQ(NULL, pool.chunk_used);
		mvgpu_partition_pool_fini(&pool);
	}
	EXPECT_NO_LEAKS();
}

TEST(init_nomem)
{
	struct mvgpu_partition_pool pool;
	int n;

	/* Fail each of the three bitmap allocations in turn. */
	for (n = 1; n <= 3; n++) {
		ut_alloc_fail_countdown = n;
		EXPECT_EQ(-ENOMEM, mvgpu_partition_pool_init(&pool, 256 * MIB,
							     MIB, 64, 32))
			TH_LOG("allocation %d failing", n);
		EXPECT_EQ(NULL, pool.chunk_used);
		EXPECT_EQ(NULL, pool.queue_used);
		EXPECT_EQ(NULL, pool.context_used);
		mvgpu_partition_pool_fini(&pool);
	}
	ut_alloc_fail_countdown = 0;
	EXPECT_NO_LEAKS();
}

TEST(zeroed_pool)
{
	struct mvgpu_partition_pool pool = { };
	struct mvgpu_partition_request req = { MIB, 1 };
	struct mvgpu_partition part = { };
	enum mvgpu_partition_resource res = MVGPU_RES_VRAM;
	u64 off, len;

	EXPECT_EQ(0U, mvgpu_partition_available(&pool, &req));
	EXPECT_EQ(-EINVAL, mvgpu_partition_reserve(&pool, &req, &part, &res));
	EXPECT_EQ(MVGPU_RES_NONE, res);
	EXPECT_TRUE(part_is_zero(&part));
	EXPECT_EQ(-EINVAL,
		  mvgpu_partition_translate(&pool, &part, 0, &off, &len));
	mvgpu_partition_release(&pool, &part);
	mvgpu_partition_pool_fini(&pool);
}

TEST(resource_names)
{
	enum mvgpu_partition_resource bogus = 42;

	EXPECT_STREQ("none", mvgpu_partition_resource_name(MVGPU_RES_NONE));
	EXPECT_STREQ("vram", mvgpu_partition_resource_name(MVGPU_RES_VRAM));
	EXPECT_STREQ("queues",
		     mvgpu_partition_resource_name(MVGPU_RES_QUEUES));
	EXPECT_STREQ("contexts",
		     mvgpu_partition_resource_name(MVGPU_RES_CONTEXTS));
	EXPECT_STREQ("none", mvgpu_partition_resource_name(bogus));
}

/* ---- a 256 MiB pGPU with 1 MiB chunks, 64 queues and 32 contexts ---- */

enum { FULL, HALF, QUARTER, EIGHTH, SIXTEENTH, NUM_TYPES };

static const struct mvgpu_partition_request types[NUM_TYPES] = {
	[FULL]		= { 256 * MIB, 64 },
	[HALF]		= { 128 * MIB, 32 },
	[QUARTER]	= { 64 * MIB, 16 },
	[EIGHTH]	= { 32 * MIB, 8 },
	[SIXTEENTH]	= { 16 * MIB, 4 },
};

FIXTURE(gpu) {
	struct mvgpu_partition_pool pool;
	struct mvgpu_partition parts[64];
};

FIXTURE_SETUP(gpu)
{
	memset(self->parts, 0, sizeof(self->parts));
	ASSERT_EQ(0, mvgpu_partition_pool_init(&self->pool, 256 * MIB, MIB,
					       64, 32));
}

FIXTURE_TEARDOWN(gpu)
{
	unsigned int i;

	for (i = 0; i < 64; i++)
		mvgpu_partition_release(&self->pool, &self->parts[i]);
	EXPECT_EQ(self->pool.num_chunks, self->pool.free_chunks);
	EXPECT_EQ(self->pool.num_queues, self->pool.free_queues);
	EXPECT_EQ(self->pool.num_contexts, self->pool.free_contexts);
	mvgpu_partition_pool_fini(&self->pool);
	EXPECT_NO_LEAKS();
}

TEST_F(gpu, available_empty)
{
	EXPECT_EQ(1U, mvgpu_partition_available(&self->pool, &types[FULL]));
	EXPECT_EQ(2U, mvgpu_partition_available(&self->pool, &types[HALF]));
	EXPECT_EQ(4U, mvgpu_partition_available(&self->pool, &types[QUARTER]));
	EXPECT_EQ(8U, mvgpu_partition_available(&self->pool, &types[EIGHTH]));
	EXPECT_EQ(16U,
		  mvgpu_partition_available(&self->pool, &types[SIXTEENTH]));
}

TEST_F(gpu, available_mixed)
{
	enum mvgpu_partition_resource res;

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[HALF],
					     &self->parts[0], &res));
	EXPECT_EQ(MVGPU_RES_NONE, res);
	EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &types[FULL]));
	EXPECT_EQ(1U, mvgpu_partition_available(&self->pool, &types[HALF]));
	EXPECT_EQ(2U, mvgpu_partition_available(&self->pool, &types[QUARTER]));
	EXPECT_EQ(4U, mvgpu_partition_available(&self->pool, &types[EIGHTH]));
	EXPECT_EQ(8U,
		  mvgpu_partition_available(&self->pool, &types[SIXTEENTH]));

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[QUARTER],
					     &self->parts[1], &res));
	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[SIXTEENTH],
					     &self->parts[2], &res));
	/* 48 MiB, 12 queues, 29 contexts left. */
	EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &types[HALF]));
	EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &types[QUARTER]));
	EXPECT_EQ(1U, mvgpu_partition_available(&self->pool, &types[EIGHTH]));
	EXPECT_EQ(3U,
		  mvgpu_partition_available(&self->pool, &types[SIXTEENTH]));

	/* Lowest free resources were taken, in order. */
	EXPECT_EQ(128U, self->parts[0].num_chunks);
	EXPECT_EQ(0U, self->parts[0].chunks[0]);
	EXPECT_EQ(127U, self->parts[0].chunks[127]);
	EXPECT_EQ(32U, self->parts[0].num_queues);
	EXPECT_EQ(31U, self->parts[0].queues[31]);
	EXPECT_EQ(0U, self->parts[0].context);
	EXPECT_EQ(128U, self->parts[1].chunks[0]);
	EXPECT_EQ(32U, self->parts[1].queues[0]);
	EXPECT_EQ(1U, self->parts[1].context);
	EXPECT_EQ(192U, self->parts[2].chunks[0]);
	EXPECT_EQ(48U, self->parts[2].queues[0]);
	EXPECT_EQ(2U, self->parts[2].context);

	mvgpu_partition_release(&self->pool, &self->parts[0]);
	EXPECT_TRUE(part_is_zero(&self->parts[0]));
	EXPECT_EQ(1U, mvgpu_partition_available(&self->pool, &types[HALF]));
	EXPECT_EQ(11U,
		  mvgpu_partition_available(&self->pool, &types[SIXTEENTH]));
	EXPECT_TRUE(pool_consistent(&self->pool));
}

TEST_F(gpu, available_invalid_request)
{
	static const struct mvgpu_partition_request bad[] = {
		{ 0, 1 },			/* no VRAM */
		{ MIB + 4 * KIB, 1 },		/* not a chunk multiple */
		{ MIB / 2, 1 },
		{ MIB, 0 },			/* no queues */
		{ U64_MAX, 1 },
	};
	enum mvgpu_partition_resource res;
	struct pool_snapshot snap;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &bad[i]));
		snapshot_take(&snap, &self->pool);
		res = MVGPU_RES_VRAM;
		EXPECT_EQ(-EINVAL, mvgpu_partition_reserve(&self->pool, &bad[i],
							   &self->parts[0],
							   &res))
			TH_LOG("case %u", i);
		EXPECT_EQ(MVGPU_RES_NONE, res);
		EXPECT_TRUE(part_is_zero(&self->parts[0]));
		EXPECT_TRUE(snapshot_same(&snap, &self->pool));
	}
}

/* Reserve @req until it fails; return how many succeeded. */
static unsigned int fill(struct mvgpu_partition_pool *pool,
			 const struct mvgpu_partition_request *req,
			 struct mvgpu_partition *parts, unsigned int max,
			 int *err, enum mvgpu_partition_resource *res)
{
	unsigned int n;

	for (n = 0; n < max; n++) {
		*err = mvgpu_partition_reserve(pool, req, &parts[n], res);
		if (*err)
			break;
	}
	return n;
}

static void check_exhaustion(struct __test_metadata *_metadata,
			     struct mvgpu_partition_pool *pool,
			     struct mvgpu_partition *parts,
			     const struct mvgpu_partition_request *req,
			     unsigned int expect_n,
			     enum mvgpu_partition_resource expect_res)
{
	enum mvgpu_partition_resource res;
	struct mvgpu_partition spare = { };
	struct pool_snapshot snap;
	int err;

	ASSERT_EQ(expect_n, mvgpu_partition_available(pool, req));
	ASSERT_EQ(expect_n, fill(pool, req, parts, 64, &err, &res));
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_EQ(expect_res, res);
	EXPECT_EQ(0U, mvgpu_partition_available(pool, req));

	/* Failing again changes nothing, and exhausted may be NULL. */
	snapshot_take(&snap, pool);
	EXPECT_EQ(-ENOSPC, mvgpu_partition_reserve(pool, req, &spare, NULL));
	EXPECT_TRUE(part_is_zero(&spare));
	EXPECT_TRUE(snapshot_same(&snap, pool));
	EXPECT_TRUE(pool_consistent(pool));
}

TEST_F(gpu, exhaust_vram)
{
	const struct mvgpu_partition_request req = { 16 * MIB, 1 };

	check_exhaustion(_metadata, &self->pool, self->parts, &req, 16,
			 MVGPU_RES_VRAM);
	EXPECT_EQ(0U, self->pool.free_chunks);
	EXPECT_EQ(48U, self->pool.free_queues);
	EXPECT_EQ(16U, self->pool.free_contexts);
}

TEST_F(gpu, exhaust_queues)
{
	/* 64 / 3 = 21 vGPUs; one queue is left over. */
	const struct mvgpu_partition_request req = { MIB, 3 };

	check_exhaustion(_metadata, &self->pool, self->parts, &req, 21,
			 MVGPU_RES_QUEUES);
	EXPECT_EQ(1U, self->pool.free_queues);
}

TEST_F(gpu, exhaust_contexts)
{
	const struct mvgpu_partition_request req = { MIB, 1 };

	check_exhaustion(_metadata, &self->pool, self->parts, &req, 32,
			 MVGPU_RES_CONTEXTS);
	EXPECT_EQ(0U, self->pool.free_contexts);
	EXPECT_EQ(224U, self->pool.free_chunks);
	EXPECT_EQ(32U, self->pool.free_queues);
}

TEST_F(gpu, exhaust_order)
{
	enum mvgpu_partition_resource res;
	struct mvgpu_partition_request req;

	/* Leave 128 MiB, 0 queues, 31 contexts. */
	req = (struct mvgpu_partition_request){ 128 * MIB, 64 };
	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &req,
					     &self->parts[0], &res));
	/* Both VRAM and queues short: VRAM is reported. */
	req = (struct mvgpu_partition_request){ 256 * MIB, 1 };
	EXPECT_EQ(-ENOSPC, mvgpu_partition_reserve(&self->pool, &req,
						   &self->parts[1], &res));
	EXPECT_EQ(MVGPU_RES_VRAM, res);
	req = (struct mvgpu_partition_request){ MIB, 1 };
	EXPECT_EQ(-ENOSPC, mvgpu_partition_reserve(&self->pool, &req,
						   &self->parts[1], &res));
	EXPECT_EQ(MVGPU_RES_QUEUES, res);

	/* Requests bigger than the whole pGPU. */
	req = (struct mvgpu_partition_request){ 1ULL << 63, 1 };
	EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &req));
	EXPECT_EQ(-ENOSPC, mvgpu_partition_reserve(&self->pool, &req,
						   &self->parts[1], &res));
	EXPECT_EQ(MVGPU_RES_VRAM, res);
	mvgpu_partition_release(&self->pool, &self->parts[0]);
	req = (struct mvgpu_partition_request){ MIB, U32_MAX };
	EXPECT_EQ(0U, mvgpu_partition_available(&self->pool, &req));
	EXPECT_EQ(-ENOSPC, mvgpu_partition_reserve(&self->pool, &req,
						   &self->parts[1], &res));
	EXPECT_EQ(MVGPU_RES_QUEUES, res);
	EXPECT_TRUE(part_is_zero(&self->parts[1]));
}

TEST_F(gpu, reserve_nomem)
{
	enum mvgpu_partition_resource res;
	struct pool_snapshot snap;
	int n;

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[EIGHTH],
					     &self->parts[0], &res));
	/* Fail the chunk array, then the queue array. */
	for (n = 1; n <= 2; n++) {
		snapshot_take(&snap, &self->pool);
		ut_alloc_fail_countdown = n;
		EXPECT_EQ(-ENOMEM,
			  mvgpu_partition_reserve(&self->pool, &types[EIGHTH],
						  &self->parts[1], &res));
		ut_alloc_fail_countdown = 0;
		EXPECT_TRUE(part_is_zero(&self->parts[1]));
		EXPECT_TRUE(snapshot_same(&snap, &self->pool));
	}
	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[EIGHTH],
					     &self->parts[1], &res));
	EXPECT_EQ(32U, self->parts[1].chunks[0]);
}

TEST_F(gpu, release_zeroed_and_twice)
{
	enum mvgpu_partition_resource res;
	struct pool_snapshot snap;

	snapshot_take(&snap, &self->pool);
	mvgpu_partition_release(&self->pool, &self->parts[0]);
	EXPECT_TRUE(snapshot_same(&snap, &self->pool));

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[QUARTER],
					     &self->parts[0], &res));
	mvgpu_partition_release(&self->pool, &self->parts[0]);
	EXPECT_TRUE(part_is_zero(&self->parts[0]));
	snapshot_take(&snap, &self->pool);
	mvgpu_partition_release(&self->pool, &self->parts[0]);
	EXPECT_TRUE(snapshot_same(&snap, &self->pool));
	EXPECT_EQ(256U, self->pool.free_chunks);
	EXPECT_EQ(64U, self->pool.free_queues);
	EXPECT_EQ(32U, self->pool.free_contexts);
}

TEST_F(gpu, release_bogus_entries)
{
	enum mvgpu_partition_resource res;
	struct mvgpu_partition bogus = { };

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[EIGHTH],
					     &self->parts[0], &res));
	/* Not held (free), out of range, and duplicate entries. */
	bogus.num_chunks = 4;
	bogus.chunks = kcalloc(4, sizeof(u32), GFP_KERNEL);
	ASSERT_NE(NULL, bogus.chunks);
	bogus.chunks[0] = 200;
	bogus.chunks[1] = 256;
	bogus.chunks[2] = U32_MAX;
	bogus.chunks[3] = 200;
	bogus.num_queues = 2;
	bogus.queues = kcalloc(2, sizeof(u32), GFP_KERNEL);
	ASSERT_NE(NULL, bogus.queues);
	bogus.queues[0] = 63;
	bogus.queues[1] = 64;
	bogus.context = 31;

	mvgpu_partition_release(&self->pool, &bogus);
	EXPECT_TRUE(part_is_zero(&bogus));
	EXPECT_EQ(224U, self->pool.free_chunks);
	EXPECT_EQ(56U, self->pool.free_queues);
	EXPECT_EQ(31U, self->pool.free_contexts);
	EXPECT_TRUE(pool_consistent(&self->pool));

	/* A duplicate of an entry that is held is returned only once. */
	bogus.num_chunks = 2;
	bogus.chunks = kcalloc(2, sizeof(u32), GFP_KERNEL);
	ASSERT_NE(NULL, bogus.chunks);
	bogus.chunks[0] = 5;
	bogus.chunks[1] = 5;
	bogus.context = 0;
	mvgpu_partition_release(&self->pool, &bogus);
	EXPECT_EQ(225U, self->pool.free_chunks);
	EXPECT_EQ(32U, self->pool.free_contexts);
	EXPECT_TRUE(pool_consistent(&self->pool));
	/* The rest of parts[0] is still returned; counts stay in range. */
	mvgpu_partition_release(&self->pool, &self->parts[0]);
	EXPECT_EQ(256U, self->pool.free_chunks);
	EXPECT_EQ(64U, self->pool.free_queues);
	EXPECT_EQ(32U, self->pool.free_contexts);
}

TEST_F(gpu, translate_basic)
{
	enum mvgpu_partition_resource res;
	struct mvgpu_partition *p = &self->parts[0];
	u64 off = 0, len = 0;

	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[EIGHTH],
					     &self->parts[1], &res));
	ASSERT_EQ(0, mvgpu_partition_reserve(&self->pool, &types[SIXTEENTH],
					     p, &res));
	/*
	 * Chunks 32..47: adjacent, but only a chunk is known to be physically
	 * contiguous, so the length stops at the chunk's end.
	 */
	ASSERT_EQ(0, mvgpu_partition_translate(&self->pool, p, 0, &off, &len));
	EXPECT_EQ(32 * MIB, off);
	EXPECT_EQ(MIB, len);
	ASSERT_EQ(0, mvgpu_partition_translate(&self->pool, p, 5 * MIB + 123,
					       &off, &len));
	EXPECT_EQ(37 * MIB + 123, off);
	EXPECT_EQ(MIB - 123, len);
	ASSERT_EQ(0, mvgpu_partition_translate(&self->pool, p, 16 * MIB - 1,
					       &off, NULL));
	EXPECT_EQ(48 * MIB - 1, off);

	/* Out of range. */
	off = 0x1234;
	len = 0x1234;
	EXPECT_EQ(-EINVAL, mvgpu_partition_translate(&self->pool, p, 16 * MIB,
						     &off, &len));
	EXPECT_EQ(-EINVAL, mvgpu_partition_translate(&self->pool, p, U64_MAX,
						     &off, &len));
	EXPECT_EQ(-EINVAL, mvgpu_partition_translate(&self->pool, p,
						     1ULL << 63, &off, &len));
	EXPECT_EQ(0x1234U, off);
	EXPECT_EQ(0x1234U, len);
	EXPECT_EQ(-EINVAL, mvgpu_partition_translate(&self->pool,
						     &self->parts[2], 0,
						     &off, &len));
}

/*
 * Check that every byte offset of every live partition (sampled at chunk
 * starts, ends and a middle) maps into a chunk owned by that partition and
 * nobody else, and that the contiguous length ends at the chunk end.
 */
static void check_translation(struct __test_metadata *_metadata,
			      const struct mvgpu_partition_pool *pool,
			      const struct mvgpu_partition *parts,
			      unsigned int nparts)
{
	int *owner = calloc(pool->num_chunks, sizeof(*owner));
	const u64 cs = pool->chunk_size;
	unsigned int p;
	u32 i, c;

	ASSERT_NE(NULL, owner);
	for (p = 0; p < nparts; p++) {
		for (i = 0; i < parts[p].num_chunks; i++) {
			c = parts[p].chunks[i];
			ASSERT_LT(c, pool->num_chunks);
			ASSERT_EQ(0, owner[c]) TH_LOG("chunk %u owned twice", c);
			ASSERT_TRUE(test_bit(c, pool->chunk_used));
			owner[c] = p + 1;
		}
	}
	for (p = 0; p < nparts; p++) {
		for (i = 0; i < parts[p].num_chunks; i++) {
			const u64 in[] = { 0, 1, cs / 2 + 7, cs - 1 };
			unsigned int k;

			for (k = 0; k < 4; k++) {
				const u64 voff = i * cs + in[k];
				u64 off, len;
				int err;

				err = mvgpu_partition_translate(pool, &parts[p],
								voff, &off,
								&len);
				ASSERT_EQ(0, err);
				c = off / cs;
				ASSERT_EQ(parts[p].chunks[i], c);
				ASSERT_EQ(in[k], off % cs);
				ASSERT_EQ((int)p + 1, owner[c]);
				ASSERT_EQ(cs - in[k], len);
			}
		}
	}
	free(owner);
}

TEST(fragmentation)
{
	struct mvgpu_partition_pool pool;
	struct mvgpu_partition parts[257];
	const struct mvgpu_partition_request one = { MIB, 1 };
	const struct mvgpu_partition_request big = { 128 * MIB, 8 };
	const struct mvgpu_partition_request too_big = { 130 * MIB, 1 };
	enum mvgpu_partition_resource res;
	unsigned int i;
	u64 off, len;

	memset(parts, 0, sizeof(parts));
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, 256 * MIB, MIB, 256,
					       256));
	for (i = 0; i < 256; i++) {
		ASSERT_EQ(0, mvgpu_partition_reserve(&pool, &one, &parts[i],
						     &res));
	}
	EXPECT_EQ(0U, pool.free_chunks);
	for (i = 0; i < 256; i += 2)
		mvgpu_partition_release(&pool, &parts[i]);
	EXPECT_EQ(128U, pool.free_chunks);
	EXPECT_EQ(1U, mvgpu_partition_available(&pool, &big));
	EXPECT_EQ(0U, mvgpu_partition_available(&pool, &too_big));

	/* parts[0] takes all the even chunks. */
	ASSERT_EQ(0, mvgpu_partition_reserve(&pool, &big, &parts[0], &res));
	ASSERT_EQ(128U, parts[0].num_chunks);
	for (i = 0; i < 128; i++)
		EXPECT_EQ(2 * i, parts[0].chunks[i]);
	/* Queues 0, 2, 4, ... 14 were freed; the lowest eight are taken. */
	for (i = 0; i < 8; i++)
		EXPECT_EQ(2 * i, parts[0].queues[i]);
	EXPECT_EQ(0U, parts[0].context);

	/* Chunk 3 of the vGPU is chunk 6 of the pGPU. */
	ASSERT_EQ(0, mvgpu_partition_translate(&pool, &parts[0], 3 * MIB + 5,
					       &off, &len));
	EXPECT_EQ(6 * MIB + 5, off);
	EXPECT_EQ(MIB - 5, len);

	check_translation(_metadata, &pool, parts, 257);
	EXPECT_TRUE(pool_consistent(&pool));

	for (i = 0; i < 257; i++)
		mvgpu_partition_release(&pool, &parts[i]);
	EXPECT_EQ(256U, pool.free_chunks);
	EXPECT_EQ(256U, pool.free_queues);
	EXPECT_EQ(256U, pool.free_contexts);
	mvgpu_partition_pool_fini(&pool);
	EXPECT_NO_LEAKS();
}

TEST(huge_chunks)
{
	struct mvgpu_partition_pool pool;
	struct mvgpu_partition part = { };
	struct mvgpu_partition_request req = { 1ULL << 62, 1 };
	enum mvgpu_partition_resource res;
	u64 off, len;

	/* 2^63 bytes of VRAM in two 2^62-byte chunks. */
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, 1ULL << 63, 1ULL << 62,
					       2, 2));
	EXPECT_EQ(2U, mvgpu_partition_available(&pool, &req));
	req.vram_size = 1ULL << 63;
	EXPECT_EQ(1U, mvgpu_partition_available(&pool, &req));
	ASSERT_EQ(0, mvgpu_partition_reserve(&pool, &req, &part, &res));
	ASSERT_EQ(0, mvgpu_partition_translate(&pool, &part, 0, &off, &len));
	EXPECT_EQ(0U, off);
	EXPECT_EQ(1ULL << 62, len);
	ASSERT_EQ(0, mvgpu_partition_translate(&pool, &part, (1ULL << 63) - 1,
					       &off, &len));
	EXPECT_EQ((1ULL << 63) - 1, off);
	EXPECT_EQ(1U, len);
	EXPECT_EQ(-EINVAL, mvgpu_partition_translate(&pool, &part, 1ULL << 63,
						     &off, &len));
	mvgpu_partition_release(&pool, &part);
	mvgpu_partition_pool_fini(&pool);
	EXPECT_NO_LEAKS();
}

/* ---- randomised reserve/release against a model ---- */

#define R_CHUNK		(4 * KIB)
#define R_CHUNKS	64
#define R_QUEUES	24
#define R_CONTEXTS	10
#define R_SLOTS		32
#define R_OPS		10000

static const struct mvgpu_partition_request r_types[] = {
	{ 1 * R_CHUNK, 1 }, { 2 * R_CHUNK, 1 }, { 3 * R_CHUNK, 2 },
	{ 4 * R_CHUNK, 4 }, { 5 * R_CHUNK, 3 }, { 8 * R_CHUNK, 2 },
	{ 16 * R_CHUNK, 8 }, { 32 * R_CHUNK, 1 },
	{ 3 * R_CHUNK / 2, 1 },		/* invalid: not a chunk multiple */
};

#define R_NUM_TYPES	ARRAY_SIZE(r_types)

/* Owner of each resource: 0 if free, else slot + 1. */
struct model {
	int chunk[R_CHUNKS];
	int queue[R_QUEUES];
	int context[R_CONTEXTS];
	u32 free_chunks, free_queues, free_contexts;
};

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rng(void)
{
	/* xorshift64: deterministic everywhere. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state >> 32;
}

static unsigned int model_available(const struct model *m,
				    const struct mvgpu_partition_request *req)
{
	u32 chunks = req->vram_size / R_CHUNK, n;

	if (!req->vram_size || req->vram_size % R_CHUNK || !req->num_queues)
		return 0;
	n = m->free_chunks / chunks;
	if (m->free_queues / req->num_queues < n)
		n = m->free_queues / req->num_queues;
	if (m->free_contexts < n)
		n = m->free_contexts;
	return n;
}

/* Take the @n lowest free entries of @own for @slot, checking @got. */
static bool model_take(int *own, unsigned int size, unsigned int n, int slot,
		       const u32 *got)
{
	unsigned int i, k = 0;

	for (i = 0; i < size && k < n; i++) {
		if (own[i])
			continue;
		if (got[k++] != i)
			return false;
		own[i] = slot + 1;
	}
	return k == n;
}

/* Whether @map has exactly the bits set whose @own entry is nonzero. */
static bool model_bitmap_matches(const int *own, unsigned int size,
				 const unsigned long *map)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (!!own[i] != test_bit(i, map))
			return false;
	return true;
}

/* Whether the chunks of every live partition are its own in the model. */
static bool model_owners_match(const struct model *m,
			       const struct mvgpu_partition *parts)
{
	unsigned int slot, i;

	for (slot = 0; slot < R_SLOTS; slot++)
		for (i = 0; i < parts[slot].num_chunks; i++)
			if (m->chunk[parts[slot].chunks[i]] != (int)slot + 1)
				return false;
	return true;
}

/* Index of the first type whose availability differs, or -1. */
static int model_available_mismatch(const struct model *m,
				    const struct mvgpu_partition_pool *pool)
{
	unsigned int t;

	for (t = 0; t < R_NUM_TYPES; t++)
		if (model_available(m, &r_types[t]) !=
		    mvgpu_partition_available(pool, &r_types[t]))
			return t;
	return -1;
}

static void model_put(int *own, unsigned int size, int slot, u32 *free)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		if (own[i] == slot + 1) {
			own[i] = 0;
			(*free)++;
		}
	}
}

TEST(randomized)
{
	struct mvgpu_partition_pool pool;
	struct mvgpu_partition parts[R_SLOTS];
	struct model m = {
		.free_chunks = R_CHUNKS,
		.free_queues = R_QUEUES,
		.free_contexts = R_CONTEXTS,
	};
	unsigned int op, i, successes = 0;
	unsigned int seen_short[4] = { };

	memset(parts, 0, sizeof(parts));
	ASSERT_EQ(0, mvgpu_partition_pool_init(&pool, R_CHUNKS * R_CHUNK,
					       R_CHUNK, R_QUEUES,
					       R_CONTEXTS));
	for (op = 0; op < R_OPS; op++) {
		int slot = rng() % R_SLOTS;
		struct mvgpu_partition *p = &parts[slot];

		if (p->chunks) {
			mvgpu_partition_release(&pool, p);
			ASSERT_TRUE(part_is_zero(p));
			model_put(m.chunk, R_CHUNKS, slot, &m.free_chunks);
			model_put(m.queue, R_QUEUES, slot, &m.free_queues);
			model_put(m.context, R_CONTEXTS, slot,
				  &m.free_contexts);
		} else {
			const struct mvgpu_partition_request *req =
				&r_types[rng() % R_NUM_TYPES];
			u32 need = req->vram_size / R_CHUNK;
			enum mvgpu_partition_resource res, want;
			int err, want_err = 0;

			want = MVGPU_RES_NONE;
			if (req->vram_size % R_CHUNK)
				want_err = -EINVAL;
			else if (need > m.free_chunks)
				want = MVGPU_RES_VRAM;
			else if (req->num_queues > m.free_queues)
				want = MVGPU_RES_QUEUES;
			else if (!m.free_contexts)
				want = MVGPU_RES_CONTEXTS;
			if (want != MVGPU_RES_NONE)
				want_err = -ENOSPC;

			err = mvgpu_partition_reserve(&pool, req, p, &res);
			ASSERT_EQ(want_err, err) TH_LOG("op %u", op);
			ASSERT_EQ(want, res) TH_LOG("op %u", op);
			seen_short[want]++;
			if (err) {
				ASSERT_TRUE(part_is_zero(p));
			} else {
				successes++;
				ASSERT_EQ(need, p->num_chunks);
				ASSERT_EQ(req->num_queues, p->num_queues);
				ASSERT_TRUE(model_take(m.chunk, R_CHUNKS, need,
						       slot, p->chunks));
				ASSERT_TRUE(model_take(m.queue, R_QUEUES,
						       p->num_queues, slot,
						       p->queues));
				ASSERT_TRUE(model_take(m.context, R_CONTEXTS,
						       1, slot, &p->context));
				m.free_chunks -= need;
				m.free_queues -= p->num_queues;
				m.free_contexts--;
			}
		}

		ASSERT_EQ(m.free_chunks, pool.free_chunks);
		ASSERT_EQ(m.free_queues, pool.free_queues);
		ASSERT_EQ(m.free_contexts, pool.free_contexts);
		ASSERT_TRUE(model_bitmap_matches(m.chunk, R_CHUNKS,
						 pool.chunk_used));
		ASSERT_TRUE(model_bitmap_matches(m.queue, R_QUEUES,
						 pool.queue_used));
		ASSERT_TRUE(model_bitmap_matches(m.context, R_CONTEXTS,
						 pool.context_used));
		ASSERT_EQ(-1, model_available_mismatch(&m, &pool))
			TH_LOG("op %u", op);
		ASSERT_TRUE(model_owners_match(&m, parts));
		if (op % 500 == 0)
			check_translation(_metadata, &pool, parts, R_SLOTS);
	}
	/* The sequence really exercised every outcome. */
	EXPECT_GT(successes, 1000U);
	EXPECT_GT(seen_short[MVGPU_RES_VRAM], 10U);
	EXPECT_GT(seen_short[MVGPU_RES_QUEUES], 10U);
	EXPECT_GT(seen_short[MVGPU_RES_CONTEXTS], 10U);

	for (i = 0; i < R_SLOTS; i++)
		mvgpu_partition_release(&pool, &parts[i]);
	EXPECT_EQ((u32)R_CHUNKS, pool.free_chunks);
	mvgpu_partition_pool_fini(&pool);
	EXPECT_NO_LEAKS();
}

TEST_HARNESS_MAIN
