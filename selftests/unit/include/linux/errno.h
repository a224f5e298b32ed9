/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/errno.h>: the system's UAPI header has the
 * same numbers. This file shadows it for libc's <errno.h> too, so pass
 * straight through.
 */
#ifndef _UT_LINUX_ERRNO_H
#define _UT_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _UT_LINUX_ERRNO_H */
