/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the non-atomic bit operations of <linux/bitops.h>. */
#ifndef _UT_LINUX_BITOPS_H
#define _UT_LINUX_BITOPS_H

#include <limits.h>
#include <linux/types.h>

#define BITS_PER_LONG		((int)(sizeof(long) * CHAR_BIT))
#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

#endif /* _UT_LINUX_BITOPS_H */
