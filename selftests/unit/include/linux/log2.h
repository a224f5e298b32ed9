/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/log2.h>. */
#ifndef _UT_LINUX_LOG2_H
#define _UT_LINUX_LOG2_H

#include <linux/types.h>

/* Like the kernel's, undefined for 0; works for any unsigned type. */
#define ilog2(n)	(63 - __builtin_clzll((unsigned long long)(n)))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#endif /* _UT_LINUX_LOG2_H */
