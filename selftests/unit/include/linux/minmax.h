/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/minmax.h>. Like the kernel's, min() and max()
 * insist on both arguments having the same type: mixing types makes the
 * pointer comparison warn, which -Werror turns into a build failure.
 */
#ifndef _UT_LINUX_MINMAX_H
#define _UT_LINUX_MINMAX_H

#define __ut_cmp(x, y, op) ({				\
	__typeof__(x) __x = (x);			\
	__typeof__(y) __y = (y);			\
	(void)(&__x == &__y);				\
	__x op __y ? __x : __y; })

#define min(x, y)	__ut_cmp(x, y, <)
#define max(x, y)	__ut_cmp(x, y, >)
#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))

#endif /* _UT_LINUX_MINMAX_H */
