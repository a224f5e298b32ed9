// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu VM selftests: vGPU types, creation and removal, resource limits,
 * and removal of a vGPU that is still in use. Runs as root in the test VM
 * (tools/vm/run) with mvgpu.ko and mvgpu_sim.ko loaded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mvgpu_test.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Names of the entries of @dir (no dot files), sorted, joined by spaces. */
static int dir_list(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	size_t used = 0;
	int n;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && used < len)
			used += snprintf(out + used, len - used, "%s%s",
					 used ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return used < len ? 0 : -ENAMETOOLONG;
}

/*
 * Every mvgpu_sim pGPU offers the expected types with well-formed
 * attributes, and an empty pGPU reports its whole pool free.
 */
TEST(types_and_attributes)
{
	char names[MAX_PGPUS][32];
	int n = sim_pgpus(names, MAX_PGPUS);

	if (n == 0)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_GT(n, 0);

	for (int p = 0; p < n; p++) {
		char path[PATH_MAX], buf[512];
		struct pgpu_info pg;
		struct pool_model m;
		uint64_t v;

		ASSERT_EQ(0, pgpu_load(names[p], &pg)) TH_LOG("pGPU %s", names[p]);

		/* The pool: power-of-two VRAM in power-of-two chunks. */
		ASSERT_NE(0, pg.vram_total);
		ASSERT_EQ(0, pg.vram_total & (pg.vram_total - 1));
		ASSERT_GE(pg.vram_chunk, 4096);
		ASSERT_EQ(0, pg.vram_chunk & (pg.vram_chunk - 1));
		ASSERT_EQ(0, pg.vram_total % pg.vram_chunk);
		ASSERT_GT(pg.queues_total, 0);
		ASSERT_GT(pg.contexts_total, 0);
		ASSERT_GT(pg.engines, 0);
		ASSERT_EQ(0, pgpu_attr(pg.name, "vgpus", &v));
		ASSERT_EQ(0, v) TH_LOG("pGPU %s is not empty", pg.name);
		ASSERT_EQ(0, pgpu_attr(pg.name, "vram_free_bytes", &v));
		ASSERT_EQ(pg.vram_total, v);
		ASSERT_EQ(0, pgpu_attr(pg.name, "queues_free", &v));
		ASSERT_EQ(pg.queues_total, v);
		ASSERT_EQ(0, pgpu_attr(pg.name, "contexts_free", &v));
		ASSERT_EQ(pg.contexts_total, v);

		/* Exactly the types that fit, and nothing else. */
		{
			static const char *const order[NUM_TYPES] = {
				"eighth", "full", "half", "quarter", "sixteenth",
			};
			char expect[512] = "";

			for (int i = 0; i < NUM_TYPES; i++) {
				int t = type_index(order[i]);

				if (!type_req_of(&pg, t).exists)
					continue;
				snprintf(expect + strlen(expect),
					 sizeof(expect) - strlen(expect),
					 "%s" SIM_DRIVER "-%s",
					 expect[0] ? " " : "", order[i]);
			}
			snprintf(path, sizeof(path),
				 MDEV_BUS_CLASS "/%s/mdev_supported_types",
				 pg.name);
			ASSERT_EQ(0, dir_list(path, buf, sizeof(buf)));
			ASSERT_STREQ(expect, buf);
		}
		/* With the default sim parameters every type is offered. */
		if (pg.vram_total / 16 >= pg.vram_chunk && pg.queues_total >= 16)
			ASSERT_STREQ(SIM_DRIVER "-eighth " SIM_DRIVER "-full "
				     SIM_DRIVER "-half " SIM_DRIVER "-quarter "
				     SIM_DRIVER "-sixteenth", buf);

		model_init(&m, &pg);
		for (int t = 0; t < NUM_TYPES; t++) {
			struct type_req r = type_req_of(&pg, t);
			unsigned long long vram, queues, engines, w, h;
			unsigned int share;
			int consumed = 0;

			if (!r.exists)
				continue;

			ASSERT_EQ(0, mvgpu_type_path(pg.name, type_names[t],
						     "name", path, sizeof(path)));
			ASSERT_LT(0, mvgpu_sysfs_read(path, buf, sizeof(buf)));
			ASSERT_EQ(NULL, strpbrk(buf, " \t\n"));

			ASSERT_EQ(0, mvgpu_type_path(pg.name, type_names[t],
						     "device_api", path,
						     sizeof(path)));
			ASSERT_LT(0, mvgpu_sysfs_read(path, buf, sizeof(buf)));
			ASSERT_STREQ("vfio-pci", buf);

			ASSERT_EQ(0, mvgpu_type_path(pg.name, type_names[t],
						     "description", path,
						     sizeof(path)));
			ASSERT_LT(0, mvgpu_sysfs_read(path, buf, sizeof(buf)));
			ASSERT_EQ(6, sscanf(buf,
					    "vram_bytes=%llu queues=%llu share=1/%u engines=%llu max_resolution=%llux%llu%n",
					    &vram, &queues, &share, &engines,
					    &w, &h, &consumed))
				TH_LOG("description '%s'", buf);
			ASSERT_EQ(strlen(buf), (size_t)consumed)
				TH_LOG("trailing text in '%s'", buf);
			ASSERT_EQ(r.vram, vram) TH_LOG("%s: %s", pg.name, buf);
			ASSERT_EQ(r.queues, queues);
			ASSERT_EQ(type_divisors[t], share);
			ASSERT_EQ(pg.engines, engines);
			ASSERT_GE(w, 640);
			ASSERT_GE(h, 480);

			ASSERT_EQ(0, mvgpu_type_read_u64(pg.name, type_names[t],
							 "available_instances",
							 &v));
			ASSERT_EQ(model_available(&m, &pg, t), v);

			ASSERT_EQ(0, mvgpu_type_path(pg.name, type_names[t],
						     "devices", path,
						     sizeof(path)));
			ASSERT_EQ(0, dir_list(path, buf, sizeof(buf)));
			ASSERT_STREQ("", buf);
		}
		/* The usual sizes for the default sim parameters. */
		if (pg.contexts_total >= 16 && pg.queues_total % 16 == 0 &&
		    pg.vram_total / 16 >= pg.vram_chunk) {
			for (int t = 0; t < NUM_TYPES; t++) {
				ASSERT_EQ(0, mvgpu_type_read_u64(pg.name,
								 type_names[t],
								 "available_instances",
								 &v));
				ASSERT_EQ(type_divisors[t], v);
			}
		}
	}
}

FIXTURE(lifecycle) {
	struct pgpu_info pg;
	struct pool_model m;
	struct vgpu_list vl;
	int kmsg;
};

FIXTURE_SETUP(lifecycle)
{
	int ret;

	catch_crashes(_metadata);
	self->kmsg = -1;
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret) TH_LOG("no empty mvgpu_sim pGPU");
	model_init(&self->m, &self->pg);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(lifecycle)
{
	struct pool_model empty;
	char why[256];

	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	if (self->kmsg >= 0)
		close(self->kmsg);
	if (!self->pg.name[0])
		return;
	/* Nothing leaks, whatever the test did. */
	model_init(&empty, &self->pg);
	EXPECT_EQ(0, pgpu_check_model(&self->pg, &empty, why, sizeof(why)))
		TH_LOG("after teardown: %s", why);
}

#define ASSERT_MODEL(self) do {						\
		char __why[256];					\
		ASSERT_EQ(0, pgpu_check_model(&(self)->pg, &(self)->m,	\
					      __why, sizeof(__why)))	\
			TH_LOG("%s", __why);				\
	} while (0)

/* Create a vGPU of type index @t and update the model. */
#define CREATE(self, t, uuid) do {					\
		int __r = vgpus_create(&(self)->vl, (self)->pg.name,	\
				       type_names[t], uuid);		\
		ASSERT_EQ(0, __r) TH_LOG("create %s: %s",		\
					 type_names[t], strerror(-__r)); \
		model_take(&(self)->m, &(self)->pg, t);			\
	} while (0)

TEST_S(lifecycle, create_remove)
{
	int t = smallest_type(&self->pg);
	char uuid[MVGPU_UUID_LEN + 1], path[PATH_MAX], buf[PATH_MAX];
	uint64_t v;
	ssize_t n;

	ASSERT_MODEL(self);
	CREATE(self, t, uuid);
	ASSERT_TRUE(mdev_exists(uuid));
	ASSERT_MODEL(self);

	/* The mdev points at its type; the type lists the mdev. */
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mdev_type", uuid);
	n = readlink(path, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	ASSERT_EQ(0, strncmp(SIM_DRIVER "-", strrchr(buf, '/') + 1,
			     strlen(SIM_DRIVER) + 1));
	ASSERT_STREQ(type_names[t], strrchr(buf, '/') + 2 + strlen(SIM_DRIVER));
	ASSERT_EQ(0, mvgpu_type_path(self->pg.name, type_names[t], "devices",
				     path, sizeof(path)));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", uuid);
	ASSERT_TRUE(path_exists(path));
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	ASSERT_TRUE(path_exists(path));

	/* The vGPU's own attributes. */
	ASSERT_EQ(0, mdev_attr(uuid, "mvgpu/vram_bytes", &v));
	ASSERT_EQ(type_req_of(&self->pg, t).vram, v);
	ASSERT_EQ(0, mdev_attr(uuid, "mvgpu/queues", &v));
	ASSERT_EQ(type_req_of(&self->pg, t).queues, v);
	ASSERT_EQ(0, mdev_attr(uuid, "mvgpu/context", &v));
	ASSERT_LT(v, self->pg.contexts_total);
	ASSERT_EQ(0, mdev_attr(uuid, "mvgpu/resets", &v));
	ASSERT_EQ(0, v);

	ASSERT_EQ(0, vgpus_remove(&self->vl, uuid));
	model_give(&self->m, &self->pg, t);
	ASSERT_FALSE(mdev_exists(uuid));
	ASSERT_FALSE(path_exists(path));
	ASSERT_MODEL(self);

	/* Removing it again: the device is gone. */
	ASSERT_EQ(-ENOENT, mvgpu_vgpu_remove(uuid));
}

/*
 * available_instances of every type stays exact while types of different
 * sizes are mixed on one pGPU, and the pool counts follow.
 */
TEST_S(lifecycle, available_mixed)
{
	static const char *const seq[] = {
		"half", "quarter", "sixteenth", "eighth", "sixteenth",
	};
	char uuids[ARRAY_SIZE(seq)][MVGPU_UUID_LEN + 1];
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
		int t = type_index(seq[i]);

		if (!model_available(&self->m, &self->pg, t))
			SKIP(return, "pGPU too small for the sequence");
		CREATE(self, t, uuids[i]);
		ASSERT_MODEL(self);

		/* The numbers of the brief, for default sim parameters. */
		if (i == 0 && self->pg.contexts_total >= 16 &&
		    self->pg.queues_total % 16 == 0) {
			static const uint64_t after_half[NUM_TYPES] = {
				0, 1, 2, 4, 8,
			};

			for (int k = 0; k < NUM_TYPES; k++) {
				ASSERT_EQ(0, mvgpu_type_read_u64(self->pg.name,
								 type_names[k],
								 "available_instances",
								 &v));
				ASSERT_EQ(after_half[k], v) TH_LOG("%s", type_names[k]);
			}
		}
		if (i == 1 && self->pg.contexts_total >= 16 &&
		    self->pg.queues_total % 16 == 0) {
			static const uint64_t after_quarter[NUM_TYPES] = {
				0, 0, 1, 2, 4,
			};

			for (int k = 0; k < NUM_TYPES; k++) {
				ASSERT_EQ(0, mvgpu_type_read_u64(self->pg.name,
								 type_names[k],
								 "available_instances",
								 &v));
				ASSERT_EQ(after_quarter[k], v) TH_LOG("%s", type_names[k]);
			}
		}
	}

	/* Remove out of creation order; the counts follow each step. */
	static const int order[] = { 2, 0, 4, 1, 3 };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		int k = order[i];

		ASSERT_EQ(0, vgpus_remove(&self->vl, uuids[k]));
		model_give(&self->m, &self->pg, type_index(seq[k]));
		ASSERT_FALSE(mdev_exists(uuids[k]));
		ASSERT_MODEL(self);
	}
}

/*
 * A creation the pGPU cannot satisfy fails with ENOSPC from the write to
 * "create", says why in the kernel log and changes nothing.
 */
TEST_S(lifecycle, enospc)
{
	int full = type_index("full"), half = type_index("half");
	char uuid[MVGPU_UUID_LEN + 1];

	CREATE(self, full, NULL);
	ASSERT_MODEL(self);

	for (int t = 0; t < NUM_TYPES; t++) {
		const char *why;

		if (!type_req_of(&self->pg, t).exists)
			continue;
		why = model_shortage(&self->m, &self->pg, t);
		ASSERT_NE(NULL, why);
		ASSERT_EQ(0, mvgpu_uuid_generate(uuid));
		kmsg_contains(self->kmsg, "");
		ASSERT_EQ(-ENOSPC, mvgpu_vgpu_create(self->pg.name,
						     type_names[t], uuid))
			TH_LOG("type %s", type_names[t]);
		ASSERT_FALSE(mdev_exists(uuid));
		ASSERT_TRUE(kmsg_contains(self->kmsg, why))
			TH_LOG("no '%s' in the kernel log", why);
		ASSERT_MODEL(self);
	}

	vgpus_remove_all(&self->vl);
	model_init(&self->m, &self->pg);
	ASSERT_MODEL(self);

	/* Two halves fill the pGPU; a third does not fit. */
	if (!type_req_of(&self->pg, half).exists)
		return;
	CREATE(self, half, NULL);
	CREATE(self, half, NULL);
	ASSERT_MODEL(self);
	ASSERT_EQ(0, mvgpu_uuid_generate(uuid));
	kmsg_contains(self->kmsg, "");
	ASSERT_EQ(-ENOSPC, mvgpu_vgpu_create(self->pg.name, "half", uuid));
	ASSERT_TRUE(kmsg_contains(self->kmsg,
				  model_shortage(&self->m, &self->pg, half)));
	ASSERT_FALSE(mdev_exists(uuid));
	ASSERT_MODEL(self);
}

/* As many sixteenths as fit, then one more fails. */
TEST_S(lifecycle, sixteenths_fill)
{
	int t = type_index("sixteenth");
	char uuid[MVGPU_UUID_LEN + 1];
	uint64_t n, v;
	const char *why;

	if (!type_req_of(&self->pg, t).exists)
		SKIP(return, "no sixteenth type");
	n = model_available(&self->m, &self->pg, t);
	ASSERT_LE(n, MAX_TRACKED);
	if (self->pg.contexts_total >= 16)
		ASSERT_EQ(16, n);
	for (uint64_t i = 0; i < n; i++) {
		CREATE(self, t, NULL);
		ASSERT_EQ(0, mvgpu_type_read_u64(self->pg.name, "sixteenth",
						 "available_instances", &v));
		ASSERT_EQ(n - i - 1, v);
	}
	ASSERT_MODEL(self);

	why = model_shortage(&self->m, &self->pg, t);
	ASSERT_NE(NULL, why);
	ASSERT_EQ(0, mvgpu_uuid_generate(uuid));
	kmsg_contains(self->kmsg, "");
	ASSERT_EQ(-ENOSPC, mvgpu_vgpu_create(self->pg.name, "sixteenth", uuid));
	ASSERT_TRUE(kmsg_contains(self->kmsg, why))
		TH_LOG("no '%s' in the kernel log", why);
	ASSERT_FALSE(mdev_exists(uuid));
	ASSERT_MODEL(self);

	/* Freeing one makes room for exactly one. */
	ASSERT_EQ(0, vgpus_remove(&self->vl, self->vl.uuid[0]));
	model_give(&self->m, &self->pg, t);
	ASSERT_MODEL(self);
	CREATE(self, t, NULL);
	ASSERT_MODEL(self);
}

TEST_S(lifecycle, duplicate_uuid)
{
	int t = smallest_type(&self->pg);
	char uuid[MVGPU_UUID_LEN + 1];
	char names[MAX_PGPUS][32];
	int n;

	CREATE(self, t, uuid);
	ASSERT_MODEL(self);

	ASSERT_EQ(-EEXIST, mvgpu_vgpu_create(self->pg.name, type_names[t],
					     uuid));
	ASSERT_EQ(-EEXIST, mvgpu_vgpu_create(self->pg.name, "full", uuid));
	/* UUIDs are global, not per parent. */
	n = sim_pgpus(names, MAX_PGPUS);
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], self->pg.name))
			continue;
		ASSERT_EQ(-EEXIST, mvgpu_vgpu_create(names[i], "full", uuid));
	}
	ASSERT_MODEL(self);
	ASSERT_TRUE(mdev_exists(uuid));
}

TEST_S(lifecycle, bad_uuid)
{
	char path[PATH_MAX];

	ASSERT_EQ(0, mvgpu_type_path(self->pg.name,
				     type_names[smallest_type(&self->pg)], "create",
				     path, sizeof(path)));
	ASSERT_EQ(-EINVAL, mvgpu_sysfs_write(path, "not-a-uuid"));
	ASSERT_EQ(-EINVAL, mvgpu_sysfs_write(path,
					     "01234567-89ab-cdef-0123-456789abcdeX"));
	ASSERT_EQ(-EINVAL, mvgpu_sysfs_write(path, "\n"));
	ASSERT_MODEL(self);
}

/* Many create/remove cycles of mixed types leave the pool as it was. */
TEST_S_TIMEOUT(lifecycle, cycles, 120)
{
	/* Mixed sizes, but small: every create and remove zeroes VRAM. */
	static const char *const types[] = {
		"sixteenth", "eighth", "quarter", "sixteenth", "eighth",
	};
	char uuid[MVGPU_UUID_LEN + 1], keep[MVGPU_UUID_LEN + 1];
	int ks = smallest_type(&self->pg);

	/* One long-lived vGPU, so the cycles do not start from empty. */
	CREATE(self, ks, keep);
	for (int i = 0; i < 50; i++) {
		int t = type_index(types[i % ARRAY_SIZE(types)]);

		if (!model_available(&self->m, &self->pg, t))
			continue;
		CREATE(self, t, uuid);
		ASSERT_EQ(0, vgpus_remove(&self->vl, uuid));
		model_give(&self->m, &self->pg, t);
		if (i % 10 == 9)
			ASSERT_MODEL(self);
	}
	ASSERT_MODEL(self);
	ASSERT_EQ(0, vgpus_remove(&self->vl, keep));
	model_give(&self->m, &self->pg, ks);
	ASSERT_MODEL(self);
}

struct creator {
	const char *pgpu;
	pthread_barrier_t *go;
	char uuid[MVGPU_UUID_LEN + 1];
	int ret;
};

static void *creator_thread(void *arg)
{
	struct creator *c = arg;

	c->ret = mvgpu_uuid_generate(c->uuid);
	pthread_barrier_wait(c->go);
	if (!c->ret)
		c->ret = mvgpu_vgpu_create(c->pgpu, "sixteenth", c->uuid);
	return NULL;
}

/*
 * Creations racing for the last resources: exactly as many succeed as
 * fit, the rest fail with ENOSPC, and the counts stay exact.
 */
TEST_S(lifecycle, concurrent_create)
{
	enum { N = 24 };
	int t = type_index("sixteenth");
	struct creator c[N];
	pthread_barrier_t go;
	pthread_t th[N];
	uint64_t fit;
	int ok = 0;

	if (!type_req_of(&self->pg, t).exists)
		SKIP(return, "no sixteenth type");
	/* Leave room for fewer vGPUs than there are threads. */
	CREATE(self, type_index("quarter"), NULL);
	fit = model_available(&self->m, &self->pg, t);
	ASSERT_LT(fit, N);

	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, N));
	for (int i = 0; i < N; i++) {
		c[i] = (struct creator){ .pgpu = self->pg.name, .go = &go };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, creator_thread, &c[i]));
	}
	for (int i = 0; i < N; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	pthread_barrier_destroy(&go);

	for (int i = 0; i < N; i++) {
		if (!c[i].ret) {
			ASSERT_LT(self->vl.n, MAX_TRACKED);
			memcpy(self->vl.uuid[self->vl.n++], c[i].uuid,
			       sizeof(c[i].uuid));
			model_take(&self->m, &self->pg, t);
			ok++;
			ASSERT_TRUE(mdev_exists(c[i].uuid));
		} else {
			ASSERT_EQ(-ENOSPC, c[i].ret)
				TH_LOG("thread %d: %s", i, strerror(-c[i].ret));
			ASSERT_FALSE(mdev_exists(c[i].uuid));
		}
	}
	ASSERT_EQ(fit, ok);
	ASSERT_MODEL(self);
}

/*
 * Removal of a vGPU that is open blocks until its user lets go, then
 * succeeds; the VRAM comes back to the pool.
 */
FIXTURE(remove_busy) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_dev dev;
	bool open;
	int req_fd;
	char uuid[MVGPU_UUID_LEN + 1];
};

FIXTURE_SETUP(remove_busy)
{
	int ret;

	catch_crashes(_metadata);
	self->req_fd = -1;
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "quarter",
				  self->uuid));
	ret = mvgpu_open(&self->dev, self->uuid);
	if (ret)
		vgpus_remove_all(&self->vl);
	ASSERT_EQ(0, ret) TH_LOG("open: %s", strerror(-ret));
	self->open = true;
}

FIXTURE_TEARDOWN(remove_busy)
{
	struct pool_model empty;
	char why[256];

	if (self->open)
		mvgpu_close(&self->dev);
	if (self->req_fd >= 0)
		close(self->req_fd);
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	if (!self->pg.name[0])
		return;
	model_init(&empty, &self->pg);
	EXPECT_EQ(0, pgpu_check_model(&self->pg, &empty, why, sizeof(why)))
		TH_LOG("after teardown: %s", why);
}

struct closer {
	struct mvgpu_dev *dev;
	bool *open;
	int wait_fd;		/* wait for this eventfd first, or -1 */
	int delay_ms;
	bool unmap_only;	/* the fds are closed: drop the mapping */
	bool got_req;
	double closed_at;
};

static void *closer_thread(void *arg)
{
	struct closer *c = arg;
	uint64_t cnt;

	if (c->wait_fd >= 0)
		c->got_req = mvgpu_eventfd_wait(c->wait_fd, 20000, &cnt) == 0;
	usleep(c->delay_ms * 1000);
	c->closed_at = now_s();
	if (c->unmap_only) {
		mvgpu_bar2_unmap(c->dev);
	} else {
		mvgpu_close(c->dev);
		*c->open = false;
	}
	return NULL;
}

static void remove_busy_run(struct __test_metadata *_metadata,
			    FIXTURE_DATA(remove_busy) *self,
			    struct closer *c)
{
	uint64_t v;
	pthread_t th;
	double t0, t1;
	int ret;

	c->dev = &self->dev;
	c->open = &self->open;
	t0 = now_s();
	ASSERT_EQ(0, pthread_create(&th, NULL, closer_thread, c));
	ret = mvgpu_vgpu_remove(self->uuid);
	t1 = now_s();
	ASSERT_EQ(0, pthread_join(th, NULL));
	/* It must have waited for the close. */
	ASSERT_EQ(0, ret) TH_LOG("remove: %s", strerror(-ret));
	ASSERT_GE(t1, c->closed_at);
	ASSERT_GE(t1 - t0, c->delay_ms / 1000.0 * 0.9);
	ASSERT_FALSE(mdev_exists(self->uuid));
	vgpus_forget(&self->vl, self->uuid);
	ASSERT_EQ(0, pgpu_attr(self->pg.name, "vgpus", &v));
	ASSERT_EQ(0, v);
	ASSERT_EQ(0, pgpu_attr(self->pg.name, "vram_free_bytes", &v));
	ASSERT_EQ(self->pg.vram_total, v);
}

TEST_S(remove_busy, while_open)
{
	struct closer c = { .wait_fd = -1, .delay_ms = 1000 };

	remove_busy_run(_metadata, self, &c);
}

/* With a request eventfd, removal asks the user to let go. */
TEST_S(remove_busy, request_irq)
{
	struct closer c = { .delay_ms = 200 };
	struct vfio_irq_info info;

	ASSERT_EQ(0, mvgpu_irq_info(&self->dev, VFIO_PCI_REQ_IRQ_INDEX, &info));
	ASSERT_EQ(1, info.count);
	self->req_fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->req_fd);
	ASSERT_EQ(0, mvgpu_irq_set_eventfd(&self->dev, VFIO_PCI_REQ_IRQ_INDEX,
					   self->req_fd));
	c.wait_fd = self->req_fd;
	remove_busy_run(_metadata, self, &c);
	ASSERT_TRUE(c.got_req);
}

/*
 * A BAR2 mapping keeps the device open after its fds are closed: removal
 * waits for the munmap, so the VRAM is never handed on while mapped.
 */
TEST_S(remove_busy, while_mapped)
{
	struct closer c = { .wait_fd = -1, .delay_ms = 1000,
			    .unmap_only = true };
	volatile uint64_t *vram;

	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	vram = self->dev.bar2;
	vram[0] = 0x1122334455667788ull;
	/* Close the fds but keep the mapping. */
	close(self->dev.device_fd);
	close(self->dev.group_fd);
	close(self->dev.container_fd);
	self->dev.device_fd = self->dev.group_fd = self->dev.container_fd = -1;
	ASSERT_EQ(0x1122334455667788ull, vram[0]);
	remove_busy_run(_metadata, self, &c);
	self->open = false;
}

/*
 * Unbinding a pGPU from its driver removes its vGPUs, waiting for the
 * user of an open one; bound again, it offers its whole pool.
 */
FIXTURE(unbind) {
	struct pgpu_info pg;
	struct vgpu_list vl;
	struct mvgpu_dev dev;
	bool open;
};

#define SIM_PCI_DRIVER "/sys/bus/pci/drivers/" SIM_DRIVER

static bool pgpu_bound(const char *pgpu)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SIM_PCI_DRIVER "/%s", pgpu);
	return path_exists(path);
}

FIXTURE_SETUP(unbind)
{
	int ret, skip = 0;
	struct pgpu_info pg;

	catch_crashes(_metadata);
	/* The last empty pGPU: the others stay undisturbed. */
	ret = pgpu_pick_empty(&self->pg, 0);
	if (ret == -ENODEV)
		SKIP(return, "no mvgpu_sim pGPU");
	ASSERT_EQ(0, ret);
	while (!pgpu_pick_empty(&pg, ++skip))
		self->pg = pg;
}

FIXTURE_TEARDOWN(unbind)
{
	struct pool_model empty;
	char why[256];

	if (self->open)
		mvgpu_close(&self->dev);
	if (self->pg.name[0] && !pgpu_bound(self->pg.name))
		EXPECT_EQ(0, mvgpu_sysfs_write(SIM_PCI_DRIVER "/bind",
					       self->pg.name));
	EXPECT_EQ(0, vgpus_remove_all(&self->vl));
	if (!self->pg.name[0])
		return;
	model_init(&empty, &self->pg);
	EXPECT_EQ(0, pgpu_check_model(&self->pg, &empty, why, sizeof(why)))
		TH_LOG("after teardown: %s", why);
}

TEST_S_TIMEOUT(unbind, with_vgpus, 60)
{
	struct closer c = { .wait_fd = -1, .delay_ms = 1000 };
	char uuid[3][MVGPU_UUID_LEN + 1], path[PATH_MAX];
	struct pool_model m;
	pthread_t th;
	double t0, t1;

	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "half", uuid[0]));
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name,
				  type_names[smallest_type(&self->pg)], uuid[1]));
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "quarter",
				  uuid[2]));
	ASSERT_EQ(0, mvgpu_open(&self->dev, uuid[1]));
	self->open = true;
	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	((volatile uint32_t *)self->dev.bar2)[0] = 0xfeedf00d;

	c.dev = &self->dev;
	c.open = &self->open;
	t0 = now_s();
	ASSERT_EQ(0, pthread_create(&th, NULL, closer_thread, &c));
	ASSERT_EQ(0, mvgpu_sysfs_write(SIM_PCI_DRIVER "/unbind",
				       self->pg.name));
	t1 = now_s();
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_GE(t1, c.closed_at);
	ASSERT_GE(t1 - t0, 0.9);

	ASSERT_FALSE(pgpu_bound(self->pg.name));
	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", self->pg.name);
	ASSERT_FALSE(path_exists(path));
	for (int i = 0; i < 3; i++) {
		ASSERT_FALSE(mdev_exists(uuid[i]));
		vgpus_forget(&self->vl, uuid[i]);
	}

	ASSERT_EQ(0, mvgpu_sysfs_write(SIM_PCI_DRIVER "/bind", self->pg.name));
	ASSERT_TRUE(path_exists(path));
	model_init(&m, &self->pg);
	{
		char why[256];

		ASSERT_EQ(0, pgpu_check_model(&self->pg, &m, why, sizeof(why)))
			TH_LOG("%s", why);
	}
	/* And it works: a full vGPU, zeroed. */
	ASSERT_EQ(0, vgpus_create(&self->vl, self->pg.name, "full", uuid[0]));
	ASSERT_EQ(0, mvgpu_open(&self->dev, uuid[0]));
	self->open = true;
	ASSERT_EQ(0, mvgpu_bar2_map(&self->dev));
	ASSERT_EQ(-1, scan_words(self->dev.bar2,
				 self->dev.regions[VFIO_PCI_BAR2_REGION_INDEX].size,
				 0));
}

/*
 * Unloading the modules with vGPUs present removes them; loading them
 * again (with the same parameters) brings every pGPU back, empty. Needs
 * MVGPU_MODULES_DIR (set in the test VM).
 */
static int module_params(const char *mod, char *out, size_t len)
{
	static const char *const names[] = {
		"claim", "engines", "queues", "contexts", "chunk_kb",
	};
	char path[PATH_MAX], val[256];
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 mod, names[i]);
		if (!path_exists(path))
			continue;
		if (mvgpu_sysfs_read(path, val, sizeof(val)) < 0)
			return -EIO;
		if (strpbrk(val, " '\"\\;$`"))
			return -EINVAL;
		used += snprintf(out + used, len - used, " %s=%s", names[i], val);
		if (used >= len)
			return -ENAMETOOLONG;
	}
	return 0;
}

TEST(module_reload)
{
	const char *dir = getenv("MVGPU_MODULES_DIR");
	char names[MAX_PGPUS][32], after[MAX_PGPUS][32];
	char params[1024], cmd[PATH_MAX + 1200];
	char uuid[MVGPU_UUID_LEN + 1];
	struct pgpu_info pg;
	int n;

	if (!dir || !path_exists("/sys/module/mvgpu_sim"))
		SKIP(return, "not in the test VM (MVGPU_MODULES_DIR unset)");
	n = sim_pgpus(names, MAX_PGPUS);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, module_params("mvgpu_sim", params, sizeof(params)));

	/* A vGPU on each pGPU, left for the unload to remove. */
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, pgpu_load(names[i], &pg));
		ASSERT_EQ(0, mvgpu_uuid_generate(uuid));
		ASSERT_EQ(0, mvgpu_vgpu_create(names[i],
					       type_names[smallest_type(&pg)],
					       uuid));
	}
	ASSERT_EQ(0, system("rmmod mvgpu_sim"));
	ASSERT_EQ(0, sim_pgpus(after, MAX_PGPUS));
	ASSERT_FALSE(mdev_exists(uuid));
	ASSERT_EQ(0, system("rmmod mvgpu"));

	snprintf(cmd, sizeof(cmd), "insmod '%s/mvgpu.ko' && insmod '%s/mvgpu_sim.ko'%s",
		 dir, dir, params);
	ASSERT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	ASSERT_EQ(n, sim_pgpus(after, MAX_PGPUS));
	for (int i = 0; i < n; i++) {
		struct pool_model m;
		char why[256];

		ASSERT_STREQ(names[i], after[i]);
		ASSERT_EQ(0, pgpu_load(names[i], &pg));
		model_init(&m, &pg);
		ASSERT_EQ(0, pgpu_check_model(&pg, &m, why, sizeof(why)))
			TH_LOG("%s: %s", names[i], why);
	}
}

TEST_HARNESS_MAIN
