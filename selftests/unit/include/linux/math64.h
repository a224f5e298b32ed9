/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the 64-bit divisions of <linux/math64.h>: on a
 * 64-bit host they are the C operators.
 */
#ifndef _UT_LINUX_MATH64_H
#define _UT_LINUX_MATH64_H

#include <linux/types.h>

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#endif /* _UT_LINUX_MATH64_H */
