/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/string.h>. */
#ifndef _UT_LINUX_STRING_H
#define _UT_LINUX_STRING_H

#include <string.h>

#endif /* _UT_LINUX_STRING_H */
