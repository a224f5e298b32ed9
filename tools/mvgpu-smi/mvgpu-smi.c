// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-smi: show the pGPUs, vGPU types and vGPUs of the mvgpu driver, and
 * change their scheduler settings.
 *
 * Reads sysfs (and /proc to find which process holds a vGPU's VFIO group)
 * and nothing else: no ioctl, no debugfs, so it is safe to run at any time
 * and needs no more privilege than reading /proc/<pid>/fd of the owner
 * (root, to see QEMU's owner). The --set-* options write the scheduler's
 * sysfs files (root) and print what the kernel then reads back.
 *
 *   mvgpu-smi                  tables of pGPUs, types, vGPUs, scheduler
 *   mvgpu-smi --json           the same as one JSON document
 *   mvgpu-smi --watch [SECS]   refresh every SECS seconds (default 2)
 *   mvgpu-smi --set-policy PGPU POLICY, --set-weight UUID N, ...
 *
 * A value the kernel does not export (an older mvgpu) is "-" in the tables
 * and null in JSON. See Documentation/mvgpu-smi.rst.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SMI_JSON_VERSION	1
#define SMI_MAX_OWNERS		8
#define SMI_MAX_PROPS		16
#define SMI_MAX_SETTINGS	64
#define SMI_UNKNOWN		(-1LL)

/* Prefix of /sys and /proc, for tests on a fake tree ("" normally). */
static const char *smi_root = "";

struct smi_prop {
	char key[32];
	char value[64];
};

struct smi_type {
	char id[64];
	char name[64];
	char description[256];
	char device_api[32];
	long long available;
	long long vram_bytes;		/* from the description, for sorting */
	struct smi_prop props[SMI_MAX_PROPS];
	int num_props;
};

struct smi_pgpu {
	char address[64];
	char driver[64];
	long long vram_total;
	long long vram_free;
	long long vram_chunk;
	long long engines;
	long long queues_total;
	long long queues_free;
	long long contexts_total;
	long long contexts_free;
	long long vgpus;
	long long id;
	char policy[32];		/* "" if not exported */
	long long slice_us;
	long long watchdog_ms;
	long long busy_ns;
	long long jobs;
	long long preemptions;
	long long faults;
	long long resets;
	long long utilization;		/* percent of the pGPU */
	struct smi_type *types;
	int num_types;
};

struct smi_owner {
	int pid;
	char comm[32];
};

struct smi_vgpu {
	char uuid[64];
	char pgpu[64];
	char type[64];
	char type_name[64];
	int iommu_group;
	long long vram_bytes;
	long long queues;
	long long context;
	long long resets;
	long long busy_ns;
	long long jobs;
	long long preemptions;
	long long faults;
	long long utilization;		/* percent of the pGPU */
	long long share_ppm;		/* its type's share of the pGPU */
	long long weight;
	long long cap_pct;		/* 0: no cap */
	struct smi_owner owners[SMI_MAX_OWNERS];
	int num_owners;
	int more_owners;
};

struct smi_snapshot {
	struct smi_pgpu *pgpus;
	int num_pgpus;
	struct smi_vgpu *vgpus;
	int num_vgpus;
	time_t taken;
};

static void *smi_grow(void *array, int count, size_t size)
{
	void *grown = realloc(array, (size_t)(count + 1) * size);

	if (!grown) {
		fprintf(stderr, "mvgpu-smi: out of memory\n");
		exit(1);
	}
	memset((char *)grown + (size_t)count * size, 0, size);
	return grown;
}

/* Copies a string, truncating it to fit. */
static void smi_copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void smi_path(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void smi_path(char *out, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(out, len, "%s%s", smi_root, rel);
}

/* Reads a sysfs file without its trailing newline; false if unreadable. */
static bool smi_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return true;
}

static long long smi_read_number(const char *path)
{
	char buf[64], *end;
	long long value;

	if (!smi_read(path, buf, sizeof(buf)) || !buf[0])
		return SMI_UNKNOWN;
	errno = 0;
	value = strtoll(buf, &end, 0);
	if (errno || *end || value < 0)
		return SMI_UNKNOWN;
	return value;
}

/* The last path component a symlink points to, or "" if it is not one. */
static void smi_link_name(const char *path, char *name, size_t len)
{
	char target[PATH_MAX];
	const char *slash;
	ssize_t n;

	name[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	smi_copy(name, len, slash ? slash + 1 : target);
}

static bool smi_is_dir(const char *path)
{
	DIR *dir = opendir(path);

	if (!dir)
		return false;
	closedir(dir);
	return true;
}

/* "vram_bytes=134217728 queues=32 share=1/2" into key/value pairs. */
static void smi_parse_description(struct smi_type *type)
{
	char copy[sizeof(type->description)], *save = NULL, *word;

	smi_copy(copy, sizeof(copy), type->description);
	type->vram_bytes = SMI_UNKNOWN;
	for (word = strtok_r(copy, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(word, '=');
		struct smi_prop *prop;

		if (!eq || eq == word || type->num_props == SMI_MAX_PROPS)
			continue;
		*eq = '\0';
		prop = &type->props[type->num_props++];
		smi_copy(prop->key, sizeof(prop->key), word);
		smi_copy(prop->value, sizeof(prop->value), eq + 1);
		if (!strcmp(prop->key, "vram_bytes"))
			type->vram_bytes = strtoll(prop->value, NULL, 10);
	}
}

static int smi_type_cmp(const void *a, const void *b)
{
	const struct smi_type *x = a, *y = b;

	if (x->vram_bytes != y->vram_bytes)
		return x->vram_bytes > y->vram_bytes ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void smi_load_types(struct smi_pgpu *pgpu)
{
	char dir_path[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *entry;
	DIR *dir;

	smi_path(dir_path, sizeof(dir_path),
		 "/sys/class/mdev_bus/%s/mdev_supported_types", pgpu->address);
	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		struct smi_type *type;

		if (entry->d_name[0] == '.')
			continue;
		pgpu->types = smi_grow(pgpu->types, pgpu->num_types,
				       sizeof(*pgpu->types));
		type = &pgpu->types[pgpu->num_types++];
		smi_copy(type->id, sizeof(type->id), entry->d_name);
		snprintf(path, sizeof(path), "%s/%s/name", dir_path, entry->d_name);
		smi_read(path, type->name, sizeof(type->name));
		snprintf(path, sizeof(path), "%s/%s/description", dir_path,
			 entry->d_name);
		smi_read(path, type->description, sizeof(type->description));
		snprintf(path, sizeof(path), "%s/%s/device_api", dir_path,
			 entry->d_name);
		smi_read(path, type->device_api, sizeof(type->device_api));
		snprintf(path, sizeof(path), "%s/%s/available_instances",
			 dir_path, entry->d_name);
		type->available = smi_read_number(path);
		smi_parse_description(type);
	}
	closedir(dir);
	qsort(pgpu->types, pgpu->num_types, sizeof(*pgpu->types), smi_type_cmp);
}

static long long smi_pgpu_attr(const struct smi_pgpu *pgpu, const char *attr)
{
	char path[PATH_MAX];

	smi_path(path, sizeof(path), "/sys/class/mdev_bus/%s/mvgpu/%s",
		 pgpu->address, attr);
	return smi_read_number(path);
}

static void smi_load_sched(struct smi_pgpu *pgpu)
{
	char path[PATH_MAX];

	smi_path(path, sizeof(path), "/sys/class/mdev_bus/%s/mvgpu/sched_policy",
		 pgpu->address);
	if (!smi_read(path, pgpu->policy, sizeof(pgpu->policy)))
		pgpu->policy[0] = '\0';
	pgpu->id = smi_pgpu_attr(pgpu, "id");
	pgpu->slice_us = smi_pgpu_attr(pgpu, "sched_slice_us");
	pgpu->watchdog_ms = smi_pgpu_attr(pgpu, "sched_watchdog_ms");
	pgpu->busy_ns = smi_pgpu_attr(pgpu, "sched_busy_ns");
	pgpu->jobs = smi_pgpu_attr(pgpu, "sched_jobs");
	pgpu->preemptions = smi_pgpu_attr(pgpu, "sched_preemptions");
	pgpu->faults = smi_pgpu_attr(pgpu, "sched_faults");
	pgpu->resets = smi_pgpu_attr(pgpu, "sched_resets");
	pgpu->utilization = smi_pgpu_attr(pgpu, "sched_utilization");
}

static int smi_pgpu_cmp(const void *a, const void *b)
{
	return strcmp(((const struct smi_pgpu *)a)->address,
		      ((const struct smi_pgpu *)b)->address);
}

/* Every mdev parent that carries the mvgpu attribute group is a pGPU. */
static void smi_load_pgpus(struct smi_snapshot *snap)
{
	char dir_path[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *entry;
	DIR *dir;

	smi_path(dir_path, sizeof(dir_path), "/sys/class/mdev_bus");
	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		struct smi_pgpu *pgpu;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/mvgpu", dir_path, entry->d_name);
		if (!smi_is_dir(path))
			continue;
		snap->pgpus = smi_grow(snap->pgpus, snap->num_pgpus,
				       sizeof(*snap->pgpus));
		pgpu = &snap->pgpus[snap->num_pgpus++];
		smi_copy(pgpu->address, sizeof(pgpu->address), entry->d_name);
		snprintf(path, sizeof(path), "%s/%s/driver", dir_path, entry->d_name);
		smi_link_name(path, pgpu->driver, sizeof(pgpu->driver));
		pgpu->vram_total = smi_pgpu_attr(pgpu, "vram_total_bytes");
		pgpu->vram_free = smi_pgpu_attr(pgpu, "vram_free_bytes");
		pgpu->vram_chunk = smi_pgpu_attr(pgpu, "vram_chunk_bytes");
		pgpu->engines = smi_pgpu_attr(pgpu, "engines");
		pgpu->queues_total = smi_pgpu_attr(pgpu, "queues_total");
		pgpu->queues_free = smi_pgpu_attr(pgpu, "queues_free");
		pgpu->contexts_total = smi_pgpu_attr(pgpu, "contexts_total");
		pgpu->contexts_free = smi_pgpu_attr(pgpu, "contexts_free");
		pgpu->vgpus = smi_pgpu_attr(pgpu, "vgpus");
		smi_load_sched(pgpu);
		smi_load_types(pgpu);
	}
	closedir(dir);
	qsort(snap->pgpus, snap->num_pgpus, sizeof(*snap->pgpus), smi_pgpu_cmp);
}

static const struct smi_pgpu *smi_find_pgpu(const struct smi_snapshot *snap,
					    const char *address)
{
	int i;

	for (i = 0; i < snap->num_pgpus; i++)
		if (!strcmp(snap->pgpus[i].address, address))
			return &snap->pgpus[i];
	return NULL;
}

static long long smi_vgpu_attr(const struct smi_vgpu *vgpu, const char *attr)
{
	char path[PATH_MAX];

	smi_path(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s",
		 vgpu->uuid, attr);
	return smi_read_number(path);
}

/* The parent is the directory holding the mdev: the device link's target. */
static void smi_vgpu_parent(const char *uuid, char *parent, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX], *slash;
	ssize_t n;

	parent[0] = '\0';
	smi_path(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(target, '/');
	smi_copy(parent, len, slash ? slash + 1 : target);
}

static void smi_vgpu_type_name(const struct smi_snapshot *snap,
			       struct smi_vgpu *vgpu)
{
	const struct smi_pgpu *pgpu = smi_find_pgpu(snap, vgpu->pgpu);
	int i;

	for (i = 0; pgpu && i < pgpu->num_types; i++) {
		if (!strcmp(pgpu->types[i].id, vgpu->type)) {
			snprintf(vgpu->type_name, sizeof(vgpu->type_name), "%s",
				 pgpu->types[i].name);
			return;
		}
	}
}

static int smi_vgpu_cmp(const void *a, const void *b)
{
	const struct smi_vgpu *x = a, *y = b;
	int ret = strcmp(x->pgpu, y->pgpu);

	return ret ? ret : strcmp(x->uuid, y->uuid);
}

/* vGPUs are the mdevs whose parent is one of our pGPUs. */
static void smi_load_vgpus(struct smi_snapshot *snap)
{
	char dir_path[PATH_MAX], path[PATH_MAX + 300], group[32];
	struct dirent *entry;
	DIR *dir;

	smi_path(dir_path, sizeof(dir_path), "/sys/bus/mdev/devices");
	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		struct smi_vgpu *vgpu;
		char parent[64];

		if (entry->d_name[0] == '.')
			continue;
		smi_vgpu_parent(entry->d_name, parent, sizeof(parent));
		if (!smi_find_pgpu(snap, parent))
			continue;
		snap->vgpus = smi_grow(snap->vgpus, snap->num_vgpus,
				       sizeof(*snap->vgpus));
		vgpu = &snap->vgpus[snap->num_vgpus++];
		smi_copy(vgpu->uuid, sizeof(vgpu->uuid), entry->d_name);
		smi_copy(vgpu->pgpu, sizeof(vgpu->pgpu), parent);
		snprintf(path, sizeof(path), "%s/%s/mdev_type", dir_path,
			 entry->d_name);
		smi_link_name(path, vgpu->type, sizeof(vgpu->type));
		smi_vgpu_type_name(snap, vgpu);
		snprintf(path, sizeof(path), "%s/%s/iommu_group", dir_path,
			 entry->d_name);
		smi_link_name(path, group, sizeof(group));
		vgpu->iommu_group = group[0] ? atoi(group) : -1;
		vgpu->vram_bytes = smi_vgpu_attr(vgpu, "vram_bytes");
		vgpu->queues = smi_vgpu_attr(vgpu, "queues");
		vgpu->context = smi_vgpu_attr(vgpu, "context");
		vgpu->resets = smi_vgpu_attr(vgpu, "resets");
		vgpu->busy_ns = smi_vgpu_attr(vgpu, "busy_ns");
		vgpu->jobs = smi_vgpu_attr(vgpu, "jobs");
		vgpu->preemptions = smi_vgpu_attr(vgpu, "preemptions");
		vgpu->faults = smi_vgpu_attr(vgpu, "faults");
		vgpu->utilization = smi_vgpu_attr(vgpu, "utilization");
		vgpu->share_ppm = smi_vgpu_attr(vgpu, "sched_share_ppm");
		vgpu->weight = smi_vgpu_attr(vgpu, "sched_weight");
		vgpu->cap_pct = smi_vgpu_attr(vgpu, "sched_cap_pct");
	}
	closedir(dir);
	qsort(snap->vgpus, snap->num_vgpus, sizeof(*snap->vgpus), smi_vgpu_cmp);
}

static struct smi_vgpu *smi_vgpu_by_group(struct smi_snapshot *snap,
					  int group)
{
	int i;

	for (i = 0; i < snap->num_vgpus; i++)
		if (snap->vgpus[i].iommu_group == group)
			return &snap->vgpus[i];
	return NULL;
}

static void smi_add_owner(struct smi_vgpu *vgpu, int pid)
{
	char path[PATH_MAX];
	struct smi_owner *owner;
	int i;

	for (i = 0; i < vgpu->num_owners; i++)
		if (vgpu->owners[i].pid == pid)
			return;
	if (vgpu->num_owners == SMI_MAX_OWNERS) {
		vgpu->more_owners++;
		return;
	}
	owner = &vgpu->owners[vgpu->num_owners++];
	owner->pid = pid;
	smi_path(path, sizeof(path), "/proc/%d/comm", pid);
	if (!smi_read(path, owner->comm, sizeof(owner->comm)))
		snprintf(owner->comm, sizeof(owner->comm), "?");
}

static void smi_scan_process(struct smi_snapshot *snap, int pid)
{
	char dir_path[PATH_MAX], path[PATH_MAX + 300], target[64];
	struct dirent *entry;
	DIR *dir;

	smi_path(dir_path, sizeof(dir_path), "/proc/%d/fd", pid);
	dir = opendir(dir_path);
	if (!dir)
		return;		/* gone, or not ours to look at */
	while ((entry = readdir(dir))) {
		struct smi_vgpu *vgpu;
		char *end;
		ssize_t n;
		long group;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, entry->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "/dev/vfio/", 10) || !isdigit((unsigned char)target[10]))
			continue;
		group = strtol(target + 10, &end, 10);
		if (*end)
			continue;
		vgpu = smi_vgpu_by_group(snap, (int)group);
		if (vgpu)
			smi_add_owner(vgpu, pid);
	}
	closedir(dir);
}

/*
 * A vGPU is in use by whoever holds its VFIO group open: QEMU, or any
 * userspace driver. The device fd itself is an anonymous inode that names
 * no device, so the group is what identifies the owner.
 */
static void smi_find_owners(struct smi_snapshot *snap)
{
	char dir_path[PATH_MAX];
	struct dirent *entry;
	DIR *dir;

	if (!snap->num_vgpus)
		return;
	smi_path(dir_path, sizeof(dir_path), "/proc");
	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char *end;
		long pid = strtol(entry->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		smi_scan_process(snap, (int)pid);
	}
	closedir(dir);
}

static void smi_snapshot_take(struct smi_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->taken = time(NULL);
	smi_load_pgpus(snap);
	smi_load_vgpus(snap);
	smi_find_owners(snap);
}

static void smi_snapshot_free(struct smi_snapshot *snap)
{
	int i;

	for (i = 0; i < snap->num_pgpus; i++)
		free(snap->pgpus[i].types);
	free(snap->pgpus);
	free(snap->vgpus);
	memset(snap, 0, sizeof(*snap));
}

/* ---- table output ---- */

static const char *smi_mib(long long bytes, char *buf, size_t len)
{
	if (bytes < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", bytes >> 20);
	return buf;
}

/* "used/total" from a total and a free count; "-" if either is unknown. */
static const char *smi_used_of(long long total, long long free_count,
			       char *buf, size_t len)
{
	if (total < 0 || free_count < 0 || free_count > total)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld/%lld", total - free_count, total);
	return buf;
}

static const char *smi_number(long long value, char *buf, size_t len)
{
	if (value < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", value);
	return buf;
}

/* "37%", or "-". */
static const char *smi_percent(long long value, char *buf, size_t len)
{
	if (value < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld%%", value);
	return buf;
}

/* Nanoseconds as seconds with three decimals ("12.345"), or "-". */
static const char *smi_seconds(long long ns, char *buf, size_t len)
{
	if (ns < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld.%03lld", ns / 1000000000,
			 ns / 1000000 % 1000);
	return buf;
}

/*
 * A fixed-point value with @decimals digits after the point, without
 * trailing zeros: 250000 ppm is "25" percent or "0.25" of the whole,
 * 62500 ppm "6.25" percent or "0.0625".
 */
static const char *smi_fixed(long long value, long long one, int decimals,
			     char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%lld.%0*lld", value / one, decimals, value % one);
	n = strlen(buf);
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* A share in ppm as a percentage ("6.25%"), or "-". */
static const char *smi_share(long long ppm, char *buf, size_t len)
{
	char number[48];

	if (ppm < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%%",
			 smi_fixed(ppm, 10000, 4, number, sizeof(number)));
	return buf;
}

/* A value whose 0 means "not set" (cap, watchdog), or "-" if unknown. */
static const char *smi_or_zero(long long value, const char *zero,
			       const char *unit, char *buf, size_t len)
{
	if (value < 0)
		snprintf(buf, len, "-");
	else if (!value)
		snprintf(buf, len, "%s", zero);
	else
		snprintf(buf, len, "%lld%s", value, unit);
	return buf;
}

static const char *smi_prop(const struct smi_type *type, const char *key)
{
	int i;

	for (i = 0; i < type->num_props; i++)
		if (!strcmp(type->props[i].key, key))
			return type->props[i].value;
	return "-";
}

static void smi_print_pgpus(const struct smi_snapshot *snap)
{
	char vram[64], queues[48], contexts[48], engines[24], vgpus[24];
	int i;

	printf("%-14s %-9s %-16s %-7s %-12s %-12s %s\n", "pGPU", "driver",
	       "VRAM used/total", "engines", "queues", "contexts", "vGPUs");
	for (i = 0; i < snap->num_pgpus; i++) {
		const struct smi_pgpu *p = &snap->pgpus[i];
		char used[24], total[24];

		if (p->vram_total < 0 || p->vram_free < 0)
			snprintf(vram, sizeof(vram), "-");
		else
			snprintf(vram, sizeof(vram), "%s/%s MiB",
				 smi_mib(p->vram_total - p->vram_free, used, sizeof(used)),
				 smi_mib(p->vram_total, total, sizeof(total)));
		printf("%-14s %-9s %-16s %-7s %-12s %-12s %s\n", p->address,
		       p->driver[0] ? p->driver : "-", vram,
		       smi_number(p->engines, engines, sizeof(engines)),
		       smi_used_of(p->queues_total, p->queues_free, queues,
				   sizeof(queues)),
		       smi_used_of(p->contexts_total, p->contexts_free,
				   contexts, sizeof(contexts)),
		       smi_number(p->vgpus, vgpus, sizeof(vgpus)));
	}
}

static void smi_print_pgpu_sched(const struct smi_snapshot *snap)
{
	char slice[24], watchdog[24], util[24], busy[32], jobs[24],
	     preempt[24], faults[24], resets[24];
	int i;

	printf("%-14s %-12s %8s %8s %5s %12s %10s %8s %6s %6s\n", "pGPU",
	       "policy", "slice us", "watchdog", "util", "busy s", "jobs",
	       "preempt", "faults", "resets");
	for (i = 0; i < snap->num_pgpus; i++) {
		const struct smi_pgpu *p = &snap->pgpus[i];

		printf("%-14s %-12s %8s %8s %5s %12s %10s %8s %6s %6s\n",
		       p->address, p->policy[0] ? p->policy : "-",
		       smi_number(p->slice_us, slice, sizeof(slice)),
		       smi_or_zero(p->watchdog_ms, "off", " ms", watchdog,
				   sizeof(watchdog)),
		       smi_percent(p->utilization, util, sizeof(util)),
		       smi_seconds(p->busy_ns, busy, sizeof(busy)),
		       smi_number(p->jobs, jobs, sizeof(jobs)),
		       smi_number(p->preemptions, preempt, sizeof(preempt)),
		       smi_number(p->faults, faults, sizeof(faults)),
		       smi_number(p->resets, resets, sizeof(resets)));
	}
}

static void smi_print_types(const struct smi_snapshot *snap)
{
	char vram[24], avail[24];
	int i, j;

	printf("%-14s %-20s %-22s %9s %6s %5s %9s\n", "pGPU", "type",
	       "name", "VRAM MiB", "queues", "share", "available");
	for (i = 0; i < snap->num_pgpus; i++) {
		const struct smi_pgpu *p = &snap->pgpus[i];

		for (j = 0; j < p->num_types; j++) {
			const struct smi_type *t = &p->types[j];

			printf("%-14s %-20s %-22s %9s %6s %5s %9s\n", p->address,
			       t->id, t->name[0] ? t->name : "-",
			       smi_mib(t->vram_bytes, vram, sizeof(vram)),
			       smi_prop(t, "queues"), smi_prop(t, "share"),
			       smi_number(t->available, avail, sizeof(avail)));
		}
	}
}

static const char *smi_owner_text(const struct smi_vgpu *v, char *buf,
				  size_t len)
{
	int extra = v->num_owners - 1 + v->more_owners;

	if (!v->num_owners) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (extra > 0)
		snprintf(buf, len, "%d (%s) +%d", v->owners[0].pid,
			 v->owners[0].comm, extra);
	else
		snprintf(buf, len, "%d (%s)", v->owners[0].pid,
			 v->owners[0].comm);
	return buf;
}

static void smi_print_vgpus(const struct smi_snapshot *snap)
{
	char vram[24], queues[24], resets[24], util[24], share[24],
	     faults[24], owner[80];
	int i;

	if (!snap->num_vgpus) {
		printf("no vGPUs\n");
		return;
	}
	printf("%-36s %-14s %-20s %8s %6s %6s %4s %5s %6s  %s\n", "vGPU",
	       "pGPU", "type", "VRAM MiB", "queues", "resets", "util",
	       "share", "faults", "owner");
	for (i = 0; i < snap->num_vgpus; i++) {
		const struct smi_vgpu *v = &snap->vgpus[i];

		printf("%-36s %-14s %-20s %8s %6s %6s %4s %5s %6s  %s\n",
		       v->uuid, v->pgpu, v->type[0] ? v->type : "-",
		       smi_mib(v->vram_bytes, vram, sizeof(vram)),
		       smi_number(v->queues, queues, sizeof(queues)),
		       smi_number(v->resets, resets, sizeof(resets)),
		       smi_percent(v->utilization, util, sizeof(util)),
		       smi_share(v->share_ppm, share, sizeof(share)),
		       smi_number(v->faults, faults, sizeof(faults)),
		       smi_owner_text(v, owner, sizeof(owner)));
	}
}

static void smi_print_vgpu_sched(const struct smi_snapshot *snap)
{
	char weight[24], cap[24], busy[32], jobs[24], preempt[24];
	int i;

	printf("%-36s %6s %5s %12s %10s %8s\n", "vGPU", "weight", "cap",
	       "busy s", "jobs", "preempt");
	for (i = 0; i < snap->num_vgpus; i++) {
		const struct smi_vgpu *v = &snap->vgpus[i];

		printf("%-36s %6s %5s %12s %10s %8s\n", v->uuid,
		       smi_number(v->weight, weight, sizeof(weight)),
		       smi_or_zero(v->cap_pct, "none", "%", cap, sizeof(cap)),
		       smi_seconds(v->busy_ns, busy, sizeof(busy)),
		       smi_number(v->jobs, jobs, sizeof(jobs)),
		       smi_number(v->preemptions, preempt, sizeof(preempt)));
	}
}

static void smi_print_table(const struct smi_snapshot *snap)
{
	char when[64];
	struct tm tm;

	localtime_r(&snap->taken, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("mvgpu-smi  %s\n\n", when);
	if (!snap->num_pgpus) {
		printf("no mvgpu pGPU found (is a backend such as mvgpu_sim loaded?)\n");
		return;
	}
	smi_print_pgpus(snap);
	printf("\n");
	smi_print_pgpu_sched(snap);
	printf("\n");
	smi_print_types(snap);
	printf("\n");
	smi_print_vgpus(snap);
	if (snap->num_vgpus) {
		printf("\n");
		smi_print_vgpu_sched(snap);
	}
}

/* ---- JSON output ---- */

struct smi_json {
	bool compact;
	int depth;
	bool need_comma;
};

static void smi_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			printf("\\n");
		else if (c == '\t')
			printf("\\t");
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void smi_json_newline(struct smi_json *js)
{
	int i;

	if (js->compact)
		return;
	putchar('\n');
	for (i = 0; i < js->depth; i++)
		printf("  ");
}

/* Starts a member ("key": ...) or an array element (key NULL). */
static void smi_json_key(struct smi_json *js, const char *key)
{
	if (js->need_comma)
		putchar(',');
	smi_json_newline(js);
	if (key) {
		smi_json_string(key);
		printf(js->compact ? ":" : ": ");
	}
	js->need_comma = true;
}

static void smi_json_open(struct smi_json *js, const char *key, char bracket)
{
	if (js->depth)
		smi_json_key(js, key);
	putchar(bracket);
	js->depth++;
	js->need_comma = false;
}

static void smi_json_close(struct smi_json *js, char bracket)
{
	bool empty = !js->need_comma;

	js->depth--;
	if (!empty)
		smi_json_newline(js);
	putchar(bracket);
	js->need_comma = true;
}

static void smi_json_str(struct smi_json *js, const char *key, const char *v)
{
	smi_json_key(js, key);
	smi_json_string(v);
}

/* A number, or null when the kernel did not tell (negative). */
static void smi_json_num(struct smi_json *js, const char *key, long long v)
{
	smi_json_key(js, key);
	if (v < 0)
		printf("null");
	else
		printf("%lld", v);
}

/* A string, or null when the kernel did not tell (empty). */
static void smi_json_str_or_null(struct smi_json *js, const char *key,
				 const char *v)
{
	if (*v) {
		smi_json_str(js, key, v);
		return;
	}
	smi_json_key(js, key);
	printf("null");
}

/* A fraction of the whole from ppm (0.0625), or null. */
static void smi_json_ppm_fraction(struct smi_json *js, const char *key,
				  long long ppm)
{
	char buf[48];

	smi_json_key(js, key);
	if (ppm < 0)
		printf("null");
	else
		printf("%s", smi_fixed(ppm, 1000000, 6, buf, sizeof(buf)));
}

static bool smi_all_digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void smi_json_type(struct smi_json *js, const struct smi_type *t)
{
	int i;

	smi_json_open(js, NULL, '{');
	smi_json_str(js, "id", t->id);
	smi_json_str(js, "name", t->name);
	smi_json_str(js, "description", t->description);
	smi_json_str(js, "device_api", t->device_api);
	smi_json_num(js, "available_instances", t->available);
	smi_json_open(js, "properties", '{');
	for (i = 0; i < t->num_props; i++) {
		const struct smi_prop *prop = &t->props[i];

		if (smi_all_digits(prop->value))
			smi_json_num(js, prop->key, strtoll(prop->value, NULL, 10));
		else
			smi_json_str(js, prop->key, prop->value);
	}
	smi_json_close(js, '}');
	smi_json_close(js, '}');
}

static long long smi_used(long long total, long long free_count)
{
	if (total < 0 || free_count < 0 || free_count > total)
		return SMI_UNKNOWN;
	return total - free_count;
}

static void smi_json_pgpu(struct smi_json *js, const struct smi_pgpu *p)
{
	int i;

	smi_json_open(js, NULL, '{');
	smi_json_str(js, "address", p->address);
	smi_json_str(js, "driver", p->driver);
	smi_json_num(js, "vram_total_bytes", p->vram_total);
	smi_json_num(js, "vram_used_bytes", smi_used(p->vram_total, p->vram_free));
	smi_json_num(js, "vram_free_bytes", p->vram_free);
	smi_json_num(js, "vram_chunk_bytes", p->vram_chunk);
	smi_json_num(js, "engines", p->engines);
	smi_json_num(js, "queues_total", p->queues_total);
	smi_json_num(js, "queues_used", smi_used(p->queues_total, p->queues_free));
	smi_json_num(js, "contexts_total", p->contexts_total);
	smi_json_num(js, "contexts_used",
		     smi_used(p->contexts_total, p->contexts_free));
	smi_json_num(js, "vgpus", p->vgpus);
	smi_json_num(js, "id", p->id);
	smi_json_str_or_null(js, "sched_policy", p->policy);
	smi_json_num(js, "sched_slice_us", p->slice_us);
	smi_json_num(js, "sched_watchdog_ms", p->watchdog_ms);
	smi_json_num(js, "sched_utilization", p->utilization);
	smi_json_num(js, "sched_busy_ns", p->busy_ns);
	smi_json_num(js, "sched_jobs", p->jobs);
	smi_json_num(js, "sched_preemptions", p->preemptions);
	smi_json_num(js, "sched_faults", p->faults);
	smi_json_num(js, "sched_resets", p->resets);
	smi_json_open(js, "types", '[');
	for (i = 0; i < p->num_types; i++)
		smi_json_type(js, &p->types[i]);
	smi_json_close(js, ']');
	smi_json_close(js, '}');
}

static void smi_json_vgpu(struct smi_json *js, const struct smi_vgpu *v)
{
	int i;

	smi_json_open(js, NULL, '{');
	smi_json_str(js, "uuid", v->uuid);
	smi_json_str(js, "pgpu", v->pgpu);
	smi_json_str(js, "type", v->type);
	smi_json_str(js, "type_name", v->type_name);
	smi_json_num(js, "iommu_group", v->iommu_group);
	smi_json_num(js, "vram_bytes", v->vram_bytes);
	smi_json_num(js, "queues", v->queues);
	smi_json_num(js, "context", v->context);
	smi_json_num(js, "resets", v->resets);
	smi_json_num(js, "utilization_percent", v->utilization);
	smi_json_ppm_fraction(js, "scheduler_share", v->share_ppm);
	smi_json_num(js, "faults", v->faults);
	smi_json_num(js, "busy_ns", v->busy_ns);
	smi_json_num(js, "jobs", v->jobs);
	smi_json_num(js, "preemptions", v->preemptions);
	smi_json_num(js, "sched_share_ppm", v->share_ppm);
	smi_json_num(js, "sched_weight", v->weight);
	smi_json_num(js, "sched_cap_pct", v->cap_pct);
	smi_json_open(js, "owners", '[');
	for (i = 0; i < v->num_owners; i++) {
		smi_json_open(js, NULL, '{');
		smi_json_num(js, "pid", v->owners[i].pid);
		smi_json_str(js, "comm", v->owners[i].comm);
		smi_json_close(js, '}');
	}
	smi_json_close(js, ']');
	smi_json_num(js, "more_owners", v->more_owners);
	smi_json_close(js, '}');
}

static void smi_print_json(const struct smi_snapshot *snap, bool compact)
{
	struct smi_json js = { .compact = compact };
	int i;

	smi_json_open(&js, NULL, '{');
	smi_json_num(&js, "version", SMI_JSON_VERSION);
	smi_json_num(&js, "timestamp", (long long)snap->taken);
	smi_json_open(&js, "pgpus", '[');
	for (i = 0; i < snap->num_pgpus; i++)
		smi_json_pgpu(&js, &snap->pgpus[i]);
	smi_json_close(&js, ']');
	smi_json_open(&js, "vgpus", '[');
	for (i = 0; i < snap->num_vgpus; i++)
		smi_json_vgpu(&js, &snap->vgpus[i]);
	smi_json_close(&js, ']');
	smi_json_close(&js, '}');
	putchar('\n');
}

/* ---- scheduler settings ---- */

/**
 * struct smi_knob - a scheduler setting that --set-* writes
 * @option: the command-line option, without "--set-"
 * @attr: file in the target's mvgpu/ directory
 * @vgpu: the target is a vGPU (UUID), else a pGPU (PCI address)
 * @what: the value's name in the usage and errors
 * @valid: the values the kernel takes, for the EINVAL and ERANGE messages
 */
struct smi_knob {
	const char *option;
	const char *attr;
	bool vgpu;
	const char *what;
	const char *valid;
};

static const struct smi_knob smi_knobs[] = {
	{ "policy", "sched_policy", false, "POLICY",
	  "best_effort, equal_share, fixed_share or weighted" },
	{ "slice-us", "sched_slice_us", false, "MICROSECONDS",
	  "100 to 100000" },
	{ "watchdog-ms", "sched_watchdog_ms", false, "MILLISECONDS",
	  "0 (off) or 10 to 60000" },
	{ "weight", "sched_weight", true, "WEIGHT", "1 to 10000" },
	{ "cap", "sched_cap_pct", true, "PERCENT", "0 (no cap) to 100" },
};

#define SMI_NUM_KNOBS	(sizeof(smi_knobs) / sizeof(smi_knobs[0]))

/* One --set-* of the command line. */
struct smi_setting {
	const struct smi_knob *knob;
	const char *target;
	const char *value;
};

/* A PCI address or UUID names one directory entry: no '/', no "." or "..". */
static bool smi_target_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* The target's mvgpu/ directory, or false (with a message) if none. */
static bool smi_setting_dir(const struct smi_setting *set, char *dir,
			    size_t len)
{
	const char *kind = set->knob->vgpu ? "vGPU" : "pGPU";

	if (smi_target_ok(set->target)) {
		if (set->knob->vgpu)
			smi_path(dir, len, "/sys/bus/mdev/devices/%s/mvgpu",
				 set->target);
		else
			smi_path(dir, len, "/sys/class/mdev_bus/%s/mvgpu",
				 set->target);
		if (smi_is_dir(dir))
			return true;
	}
	fprintf(stderr, "mvgpu-smi: no mvgpu %s '%s' (mvgpu-smi lists them)\n",
		kind, set->target);
	return false;
}

/*
 * Writes one setting and prints what the kernel reads back. The kernel
 * checks the value (no change, and EINVAL when it is not a number or
 * policy, ERANGE when it is out of range); the tool only explains the
 * refusal.
 */
static bool smi_apply_setting(const struct smi_setting *set)
{
	const struct smi_knob *knob = set->knob;
	char dir[PATH_MAX], path[PATH_MAX + 64], now[64];
	size_t len = strlen(set->value);
	ssize_t n;
	int fd, err;

	if (!smi_setting_dir(set, dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, knob->attr);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			fprintf(stderr, "mvgpu-smi: %s: this mvgpu has no %s setting (a version without the scheduler?)\n",
				set->target, knob->attr);
		else
			fprintf(stderr, "mvgpu-smi: %s: cannot open %s: %s%s\n",
				set->target, knob->attr, strerror(err),
				err == EACCES || err == EPERM ? " (run as root)" : "");
		return false;
	}
	/* An empty write would not reach the kernel's check at all. */
	if (len) {
		n = write(fd, set->value, len);
		err = n < 0 ? errno : EIO;
	} else {
		n = -1;
		err = EINVAL;
	}
	close(fd);
	if (n != (ssize_t)len) {
		bool bad_value = err == EINVAL || err == ERANGE;

		fprintf(stderr, "mvgpu-smi: %s: %s '%s' refused: %s%s%s%s\n",
			set->target, knob->attr, set->value, strerror(err),
			bad_value ? " (valid: " : "",
			bad_value ? knob->valid : "",
			bad_value ? ")" : "");
		return false;
	}
	if (!smi_read(path, now, sizeof(now)))
		snprintf(now, sizeof(now), "?");
	printf("%s %s %s\n", set->target, knob->attr, now);
	return true;
}

/* Applies the settings in order; stops at the first that fails. */
static int smi_apply_settings(const struct smi_setting *sets, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		if (!smi_apply_setting(&sets[i])) {
			if (i + 1 < count)
				fprintf(stderr, "mvgpu-smi: %d later setting%s not applied\n",
					count - i - 1, count - i - 1 > 1 ? "s" : "");
			return 1;
		}
	}
	return 0;
}

/* ---- main ---- */

static void smi_usage(FILE *out)
{
	fprintf(out,
		"usage: mvgpu-smi [--json] [--watch [SECONDS]] [--count N]\n"
		"       mvgpu-smi --set-SETTING TARGET VALUE ...\n"
		"\n"
		"Show mvgpu pGPUs, vGPU types, vGPUs and their scheduler (from\n"
		"sysfs), or change scheduler settings.\n"
		"\n"
		"  -j, --json            one JSON document (one line per refresh\n"
		"                        with --watch)\n"
		"  -w, --watch[=SECONDS] refresh every SECONDS (default 2) until\n"
		"                        interrupted\n"
		"  -c, --count N         with --watch, stop after N refreshes\n"
		"      --root DIR        read DIR/sys and DIR/proc (for tests)\n"
		"  -h, --help            this text\n"
		"\n"
		"Scheduler settings (root; applied in order, each printed as the\n"
		"kernel reads it back; exit status 1 at the first refused):\n"
		"      --set-policy PGPU POLICY       best_effort, equal_share,\n"
		"                                     fixed_share or weighted\n"
		"      --set-slice-us PGPU US         slice length, 100 to 100000\n"
		"      --set-watchdog-ms PGPU MS      0 (off) or 10 to 60000\n"
		"      --set-weight UUID WEIGHT       1 to 10000 (weighted policy)\n"
		"      --set-cap UUID PERCENT         0 (no cap) to 100 (weighted)\n"
		"\n"
		"\"-\" (null in JSON): not known, or not exported by this kernel.\n");
}

static bool smi_parse_seconds(const char *arg, double *seconds)
{
	char *end;

	errno = 0;
	*seconds = strtod(arg, &end);
	return !errno && !*end && end != arg && *seconds >= 0.1 &&
	       *seconds <= 3600;
}

static void smi_sleep(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * "--set-NAME TARGET VALUE": getopt gave TARGET, VALUE is the next word.
 * Returns 0, or prints why not and returns 2 (bad command line).
 */
static int smi_parse_setting(const char *name, int argc, char **argv,
			     struct smi_setting *set, int num_sets)
{
	size_t i;

	set->knob = NULL;
	if (num_sets == SMI_MAX_SETTINGS) {
		fprintf(stderr, "mvgpu-smi: at most %d settings at a time\n",
			SMI_MAX_SETTINGS);
		return 2;
	}
	for (i = 0; i < SMI_NUM_KNOBS; i++)
		if (!strcmp(name + strlen("set-"), smi_knobs[i].option))
			set->knob = &smi_knobs[i];
	if (!set->knob || optind >= argc) {
		fprintf(stderr, "mvgpu-smi: --%s wants %s and %s\n", name,
			set->knob && set->knob->vgpu ? "UUID" : "PGPU",
			set->knob ? set->knob->what : "a value");
		return 2;
	}
	set->target = optarg;
	set->value = argv[optind++];
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "set-policy", required_argument, NULL, 's' },
		{ "set-slice-us", required_argument, NULL, 's' },
		{ "set-watchdog-ms", required_argument, NULL, 's' },
		{ "set-weight", required_argument, NULL, 's' },
		{ "set-cap", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct smi_setting sets[SMI_MAX_SETTINGS];
	bool json = false, watch = false, clear;
	int opt, option_index, num_sets = 0;
	double interval = 2.0;
	long count = 0, frame;

	/* "+": no permutation, as two-word options take the next word. */
	while ((opt = getopt_long(argc, argv, "+jw::c:h", options, &option_index)) != -1) {
		switch (opt) {
		case 's':
			if (smi_parse_setting(options[option_index].name, argc, argv,
					      &sets[num_sets], num_sets))
				return 2;
			num_sets++;
			break;
		case 'j':
			json = true;
			break;
		case 'w':
			watch = true;
			/* Also accept "--watch 5" and "-w 5". */
			if (!optarg && optind < argc && isdigit((unsigned char)argv[optind][0]))
				optarg = argv[optind++];
			if (optarg && !smi_parse_seconds(optarg, &interval)) {
				fprintf(stderr, "mvgpu-smi: --watch wants 0.1 to 3600 seconds, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			count = strtol(optarg, NULL, 10);
			if (count <= 0) {
				fprintf(stderr, "mvgpu-smi: --count wants a positive number, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'r':
			smi_root = optarg;
			break;
		case 'h':
			smi_usage(stdout);
			return 0;
		default:
			smi_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mvgpu-smi: unexpected argument '%s'\n", argv[optind]);
		smi_usage(stderr);
		return 2;
	}
	if (num_sets) {
		if (json || watch) {
			fprintf(stderr, "mvgpu-smi: --set-* does not go with --json or --watch\n");
			return 2;
		}
		return smi_apply_settings(sets, num_sets);
	}
	if (!watch)
		count = 1;
	clear = watch && !json && isatty(STDOUT_FILENO);

	for (frame = 0; !count || frame < count; frame++) {
		struct smi_snapshot snap;

		if (frame)
			smi_sleep(interval);
		smi_snapshot_take(&snap);
		if (clear)
			printf("\033[H\033[2J");
		else if (frame && !json)
			printf("\n");
		if (json)
			smi_print_json(&snap, watch);
		else
			smi_print_table(&snap);
		fflush(stdout);
		smi_snapshot_free(&snap);
	}
	return 0;
}
