/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/slab.h> on top of calloc()/free().
 *
 * Tests can make allocations fail: while ut_alloc_fail_countdown is positive,
 * every allocation decrements it and the one that brings it to 0 fails. Each
 * test program that links code using this header defines the variable.
 */
#ifndef _UT_LINUX_SLAB_H
#define _UT_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/types.h>

#define GFP_KERNEL	0U

extern int ut_alloc_fail_countdown;

/* Whether the next allocation must fail (see above). */
static inline bool ut_alloc_should_fail(void)
{
	return ut_alloc_fail_countdown > 0 && --ut_alloc_fail_countdown == 0;
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	if (ut_alloc_should_fail())
		return NULL;
	return calloc(n, size);	/* calloc() checks n * size for overflow. */
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kcalloc(1, size, gfp);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif /* _UT_LINUX_SLAB_H */
