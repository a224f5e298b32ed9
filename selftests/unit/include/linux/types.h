/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/types.h>: the kernel's fixed-width integer
 * names on top of <stdint.h>. It shadows the system's UAPI <linux/types.h>,
 * which system headers may include, so that one is pulled in as well.
 */
#ifndef _UT_LINUX_TYPES_H
#define _UT_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef unsigned int gfp_t;

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#endif /* _UT_LINUX_TYPES_H */
