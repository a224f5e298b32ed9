/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the parts of <linux/bitmap.h> (and <linux/find.h>,
 * which it includes) that mvgpu uses. Simple bit-by-bit searches, only
 * skipping whole words that are full: slow but obviously right.
 */
#ifndef _UT_LINUX_BITMAP_H
#define _UT_LINUX_BITMAP_H

#include <linux/bitops.h>
#include <linux/slab.h>
#include <linux/types.h>

static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags)
{
	return kcalloc(BITS_TO_LONGS((size_t)nbits), sizeof(unsigned long),
		       flags);
}

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

/* Index of the first clear bit at or after @offset, or @size if none. */
static inline unsigned long find_next_zero_bit(const unsigned long *addr,
					       unsigned long size,
					       unsigned long offset)
{
	while (offset < size) {
		unsigned long word = addr[BIT_WORD(offset)];

		if (offset % BITS_PER_LONG == 0 && word == ~0UL)
			offset += BITS_PER_LONG;
		else if (test_bit(offset, addr))
			offset++;
		else
			return offset;
	}
	return size;
}

static inline unsigned long find_first_zero_bit(const unsigned long *addr,
						unsigned long size)
{
	return find_next_zero_bit(addr, size, 0);
}

#endif /* _UT_LINUX_BITMAP_H */
