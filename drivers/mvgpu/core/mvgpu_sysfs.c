// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs files of pGPUs and vGPUs.
 */

/**
 * DOC: sysfs files
 *
 * Every pGPU has a directory mvgpu/ in its device (also reached as
 * /sys/class/mdev_bus/<pgpu>/mvgpu/), every vGPU one in its mdev device
 * (/sys/bus/mdev/devices/<uuid>/mvgpu/). Each file holds one value: a
 * decimal number followed by a newline, or for sched_policy a policy name.
 * Documentation/ABI/testing/sysfs-class-mdev_bus-mvgpu and
 * sysfs-bus-mdev-mvgpu describe them one by one.
 *
 * Both directories are tables of &struct mvgpu_pgpu_attr and
 * &struct mvgpu_vgpu_attr: a file reads a number through a getter (or
 * picks a counter out of a snapshot of the scheduler's accounting), and a
 * writable file parses a u32 and hands it to a setter. A write returns the
 * errno of what refused it, unchanged: -EINVAL when the text is not a
 * number (or not a policy name), -ERANGE when the number does not fit in
 * 32 bits or lies outside the setting's range. A refused write changes
 * nothing.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "mvgpu_core.h"

/**
 * struct mvgpu_pgpu_attr - a file of a pGPU's mvgpu/ directory
 * @dev_attr: the device attribute (generic show and store below, except
 *	for the policy name)
 * @get: reads the value; called under &mvgpu_pgpu.lock
 * @stat: picks the value out of a snapshot of the pGPU's accounting, for
 *	counters (then @get is NULL)
 * @set: applies a written value, or NULL when the file is read-only;
 *	returns 0 or the -errno the write fails with
 */
struct mvgpu_pgpu_attr {
	struct device_attribute dev_attr;
	u64 (*get)(struct mvgpu_pgpu *pgpu);
	u64 (*stat)(const struct mvgpu_sched_stats *stats);
	int (*set)(struct mvgpu_pgpu *pgpu, u32 value);
};

/**
 * struct mvgpu_vgpu_attr - a file of a vGPU's mvgpu/ directory
 * @dev_attr: the device attribute (generic show and store below)
 * @get: reads the value, taking the locks it needs
 * @stat: picks the value out of a snapshot of the vGPU's accounting, for
 *	counters (then @get is NULL)
 * @set: applies a written value, or NULL when the file is read-only;
 *	returns 0 or the -errno the write fails with
 */
struct mvgpu_vgpu_attr {
	struct device_attribute dev_attr;
	u64 (*get)(struct mvgpu_vgpu *vgpu);
	u64 (*stat)(const struct mvgpu_sched_stats *stats);
	int (*set)(struct mvgpu_vgpu *vgpu, u32 value);
};

/* Table entries; @_obj is pgpu or vgpu. */
#define MVGPU_ATTR_RO(_obj, _name, _get)				\
	{ .dev_attr = __ATTR(_name, 0444, mvgpu_##_obj##_attr_show, NULL), \
	  .get = (_get) }
#define MVGPU_ATTR_RW(_obj, _name, _get, _set)				\
	{ .dev_attr = __ATTR(_name, 0644, mvgpu_##_obj##_attr_show,	\
			     mvgpu_##_obj##_attr_store),		\
	  .get = (_get), .set = (_set) }
#define MVGPU_ATTR_STAT(_obj, _name, _stat)				\
	{ .dev_attr = __ATTR(_name, 0444, mvgpu_##_obj##_attr_show, NULL), \
	  .stat = (_stat) }

/* ---- counters, shared by pGPUs and vGPUs ---- */

static u64 mvgpu_stat_busy_ns(const struct mvgpu_sched_stats *stats)
{
	return stats->busy_ns;
}

static u64 mvgpu_stat_jobs(const struct mvgpu_sched_stats *stats)
{
	return stats->jobs;
}

static u64 mvgpu_stat_preemptions(const struct mvgpu_sched_stats *stats)
{
	return stats->preemptions;
}

static u64 mvgpu_stat_faults(const struct mvgpu_sched_stats *stats)
{
	return stats->faults;
}

static u64 mvgpu_stat_resets(const struct mvgpu_sched_stats *stats)
{
	return stats->resets;
}

static u64 mvgpu_stat_utilization(const struct mvgpu_sched_stats *stats)
{
	return stats->utilization;
}

/* ---- pGPU ---- */

static ssize_t mvgpu_pgpu_attr_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	const struct mvgpu_pgpu_attr *pa =
		container_of(attr, struct mvgpu_pgpu_attr, dev_attr);
	struct mvgpu_pgpu *pgpu = mvgpu_pgpu_find(dev);
	struct mvgpu_sched_stats stats;
	u64 value;

	if (!pgpu)
		return -ENODEV;
	if (pa->stat) {
		mvgpu_pgpu_sched_stats(pgpu, &stats);
		value = pa->stat(&stats);
	} else {
		mutex_lock(&pgpu->lock);
		value = pa->get(pgpu);
		mutex_unlock(&pgpu->lock);
	}
	return sysfs_emit(buf, "%llu\n", value);
}

static ssize_t mvgpu_pgpu_attr_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	const struct mvgpu_pgpu_attr *pa =
		container_of(attr, struct mvgpu_pgpu_attr, dev_attr);
	struct mvgpu_pgpu *pgpu = mvgpu_pgpu_find(dev);
	u32 value;
	int ret;

	if (!pgpu)
		return -ENODEV;
	ret = kstrtou32(buf, 0, &value);
	if (!ret)
		ret = pa->set(pgpu, value);
	return ret ? ret : count;
}

static ssize_t mvgpu_pgpu_policy_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct mvgpu_pgpu *pgpu = mvgpu_pgpu_find(dev);
	enum mvgpu_sched_policy_id policy;

	if (!pgpu)
		return -ENODEV;
	spin_lock(&pgpu->sched.lock);
	policy = pgpu->sched.policy.policy;
	spin_unlock(&pgpu->sched.lock);
	return sysfs_emit(buf, "%s\n", mvgpu_sched_policy_name(policy));
}

static ssize_t mvgpu_pgpu_policy_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct mvgpu_pgpu *pgpu = mvgpu_pgpu_find(dev);
	int ret;

	if (!pgpu)
		return -ENODEV;
	ret = mvgpu_pgpu_sched_set_policy(pgpu, buf);
	return ret ? ret : count;
}

static u64 mvgpu_pgpu_vram_total(struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.vram_size;
}

static u64 mvgpu_pgpu_vram_free(struct mvgpu_pgpu *pgpu)
{
	return (u64)pgpu->pool.free_chunks * pgpu->pool.chunk_size;
}

static u64 mvgpu_pgpu_vram_chunk(struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.vram_chunk_size;
}

static u64 mvgpu_pgpu_engines(struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.num_engines;
}

static u64 mvgpu_pgpu_queues_total(struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.num_queues;
}

static u64 mvgpu_pgpu_queues_free(struct mvgpu_pgpu *pgpu)
{
	return pgpu->pool.free_queues;
}

static u64 mvgpu_pgpu_contexts_total(struct mvgpu_pgpu *pgpu)
{
	return pgpu->caps.num_contexts;
}

static u64 mvgpu_pgpu_contexts_free(struct mvgpu_pgpu *pgpu)
{
	return pgpu->pool.free_contexts;
}

static u64 mvgpu_pgpu_vgpus(struct mvgpu_pgpu *pgpu)
{
	return pgpu->num_vgpus;
}

static u64 mvgpu_pgpu_id(struct mvgpu_pgpu *pgpu)
{
	return pgpu->sched.id;
}

static u64 mvgpu_pgpu_slice_us(struct mvgpu_pgpu *pgpu)
{
	u64 slice_ns;

	spin_lock(&pgpu->sched.lock);
	slice_ns = pgpu->sched.policy.slice_ns;
	spin_unlock(&pgpu->sched.lock);
	return div_u64(slice_ns, NSEC_PER_USEC);
}

static u64 mvgpu_pgpu_watchdog_ms(struct mvgpu_pgpu *pgpu)
{
	u32 ms;

	spin_lock(&pgpu->sched.lock);
	ms = pgpu->sched.watchdog_ms;
	spin_unlock(&pgpu->sched.lock);
	return ms;
}

static struct mvgpu_pgpu_attr mvgpu_pgpu_attr_table[] = {
	MVGPU_ATTR_RO(pgpu, vram_total_bytes, mvgpu_pgpu_vram_total),
	MVGPU_ATTR_RO(pgpu, vram_free_bytes, mvgpu_pgpu_vram_free),
	MVGPU_ATTR_RO(pgpu, vram_chunk_bytes, mvgpu_pgpu_vram_chunk),
	MVGPU_ATTR_RO(pgpu, engines, mvgpu_pgpu_engines),
	MVGPU_ATTR_RO(pgpu, queues_total, mvgpu_pgpu_queues_total),
	MVGPU_ATTR_RO(pgpu, queues_free, mvgpu_pgpu_queues_free),
	MVGPU_ATTR_RO(pgpu, contexts_total, mvgpu_pgpu_contexts_total),
	MVGPU_ATTR_RO(pgpu, contexts_free, mvgpu_pgpu_contexts_free),
	MVGPU_ATTR_RO(pgpu, vgpus, mvgpu_pgpu_vgpus),
	MVGPU_ATTR_RO(pgpu, id, mvgpu_pgpu_id),
	{ .dev_attr = __ATTR(sched_policy, 0644, mvgpu_pgpu_policy_show,
			     mvgpu_pgpu_policy_store) },
	MVGPU_ATTR_RW(pgpu, sched_slice_us, mvgpu_pgpu_slice_us,
		      mvgpu_pgpu_sched_set_slice_us),
	MVGPU_ATTR_RW(pgpu, sched_watchdog_ms, mvgpu_pgpu_watchdog_ms,
		      mvgpu_pgpu_sched_set_watchdog_ms),
	MVGPU_ATTR_STAT(pgpu, sched_busy_ns, mvgpu_stat_busy_ns),
	MVGPU_ATTR_STAT(pgpu, sched_jobs, mvgpu_stat_jobs),
	MVGPU_ATTR_STAT(pgpu, sched_preemptions, mvgpu_stat_preemptions),
	MVGPU_ATTR_STAT(pgpu, sched_faults, mvgpu_stat_faults),
	MVGPU_ATTR_STAT(pgpu, sched_resets, mvgpu_stat_resets),
	MVGPU_ATTR_STAT(pgpu, sched_utilization, mvgpu_stat_utilization),
};

/* Filled from the table by mvgpu_sysfs_init(). */
static struct attribute *mvgpu_pgpu_attrs[ARRAY_SIZE(mvgpu_pgpu_attr_table) + 1];

const struct attribute_group mvgpu_pgpu_group = {
	.name = "mvgpu",
	.attrs = mvgpu_pgpu_attrs,
};

/* ---- vGPU ---- */

static ssize_t mvgpu_vgpu_attr_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	const struct mvgpu_vgpu_attr *va =
		container_of(attr, struct mvgpu_vgpu_attr, dev_attr);
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);
	struct mvgpu_sched_stats stats;
	u64 value;

	if (va->stat) {
		mvgpu_vgpu_sched_stats(vgpu, &stats);
		value = va->stat(&stats);
	} else {
		value = va->get(vgpu);
	}
	return sysfs_emit(buf, "%llu\n", value);
}

static ssize_t mvgpu_vgpu_attr_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	const struct mvgpu_vgpu_attr *va =
		container_of(attr, struct mvgpu_vgpu_attr, dev_attr);
	u32 value;
	int ret;

	ret = kstrtou32(buf, 0, &value);
	if (!ret)
		ret = va->set(dev_get_drvdata(dev), value);
	return ret ? ret : count;
}

static u64 mvgpu_vgpu_vram_bytes(struct mvgpu_vgpu *vgpu)
{
	return vgpu->bar2_size;
}

static u64 mvgpu_vgpu_queues(struct mvgpu_vgpu *vgpu)
{
	return vgpu->part.num_queues;
}

static u64 mvgpu_vgpu_context(struct mvgpu_vgpu *vgpu)
{
	return vgpu->part.context;
}

static u64 mvgpu_vgpu_share_ppm(struct mvgpu_vgpu *vgpu)
{
	return MVGPU_SCHED_SHARE_ONE / vgpu->type->divisor;
}

static u64 mvgpu_vgpu_weight(struct mvgpu_vgpu *vgpu)
{
	u32 weight;

	spin_lock(&vgpu->pgpu->sched.lock);
	weight = vgpu->sched.entity.weight;
	spin_unlock(&vgpu->pgpu->sched.lock);
	return weight;
}

static u64 mvgpu_vgpu_cap_pct(struct mvgpu_vgpu *vgpu)
{
	u32 cap;

	spin_lock(&vgpu->pgpu->sched.lock);
	cap = vgpu->sched.entity.cap_pct;
	spin_unlock(&vgpu->pgpu->sched.lock);
	return cap;
}

static u64 mvgpu_vgpu_display_dmabuf(struct mvgpu_vgpu *vgpu)
{
	bool enabled;

	mutex_lock(&vgpu->display.lock);
	enabled = vgpu->display.dmabuf_enabled;
	mutex_unlock(&vgpu->display.lock);
	return enabled;
}

/* 0 or 1: whether QUERY_GFX_PLANE offers dma-buf planes. */
static int mvgpu_vgpu_set_display_dmabuf(struct mvgpu_vgpu *vgpu, u32 value)
{
	if (value > 1)
		return -ERANGE;
	mutex_lock(&vgpu->display.lock);
	vgpu->display.dmabuf_enabled = value;
	mutex_unlock(&vgpu->display.lock);
	return 0;
}

static struct mvgpu_vgpu_attr mvgpu_vgpu_attr_table[] = {
	MVGPU_ATTR_RO(vgpu, vram_bytes, mvgpu_vgpu_vram_bytes),
	MVGPU_ATTR_RO(vgpu, queues, mvgpu_vgpu_queues),
	MVGPU_ATTR_RO(vgpu, context, mvgpu_vgpu_context),
	/* Device resets and queues the watchdog reset. */
	MVGPU_ATTR_STAT(vgpu, resets, mvgpu_stat_resets),
	MVGPU_ATTR_STAT(vgpu, busy_ns, mvgpu_stat_busy_ns),
	MVGPU_ATTR_STAT(vgpu, jobs, mvgpu_stat_jobs),
	MVGPU_ATTR_STAT(vgpu, preemptions, mvgpu_stat_preemptions),
	MVGPU_ATTR_STAT(vgpu, faults, mvgpu_stat_faults),
	MVGPU_ATTR_STAT(vgpu, utilization, mvgpu_stat_utilization),
	MVGPU_ATTR_RO(vgpu, sched_share_ppm, mvgpu_vgpu_share_ppm),
	MVGPU_ATTR_RW(vgpu, sched_weight, mvgpu_vgpu_weight,
		      mvgpu_vgpu_sched_set_weight),
	MVGPU_ATTR_RW(vgpu, sched_cap_pct, mvgpu_vgpu_cap_pct,
		      mvgpu_vgpu_sched_set_cap),
	MVGPU_ATTR_RW(vgpu, display_dmabuf, mvgpu_vgpu_display_dmabuf,
		      mvgpu_vgpu_set_display_dmabuf),
};

/* Filled from the table by mvgpu_sysfs_init(). */
static struct attribute *mvgpu_vgpu_attrs[ARRAY_SIZE(mvgpu_vgpu_attr_table) + 1];

static const struct attribute_group mvgpu_vgpu_group = {
	.name = "mvgpu",
	.attrs = mvgpu_vgpu_attrs,
};

const struct attribute_group *mvgpu_vgpu_groups[] = {
	&mvgpu_vgpu_group,
	NULL,
};

/**
 * mvgpu_sysfs_init() - build the attribute lists from the tables
 *
 * Called once at module load, before the mdev driver (whose devices get
 * mvgpu_vgpu_groups) and any pGPU (mvgpu_pgpu_group) are registered.
 */
void __init mvgpu_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mvgpu_pgpu_attr_table); i++)
		mvgpu_pgpu_attrs[i] = &mvgpu_pgpu_attr_table[i].dev_attr.attr;
	for (i = 0; i < ARRAY_SIZE(mvgpu_vgpu_attr_table); i++)
		mvgpu_vgpu_attrs[i] = &mvgpu_vgpu_attr_table[i].dev_attr.attr;
}
