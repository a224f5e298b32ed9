// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracepoints of the mvgpu core, instantiated once for the module; the
 * events themselves are described in mvgpu_trace.h.
 */

#define CREATE_TRACE_POINTS
#include "mvgpu_trace.h"
