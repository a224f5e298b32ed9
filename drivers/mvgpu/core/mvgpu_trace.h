/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the mvgpu core (tracefs events/mvgpu/): which vGPU runs
 * on which engine of which pGPU, and when its work completes. A pGPU is
 * named by its number (sysfs mvgpu/id of the pGPU), a vGPU by its context
 * number (sysfs mvgpu/context of the vGPU).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mvgpu

#if !defined(_MVGPU_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _MVGPU_TRACE_H_

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(mvgpu_sched_switch_in,
	    TP_PROTO(u32 pgpu, u32 engine, u32 ctx, u64 slice_ns),
	    TP_ARGS(pgpu, engine, ctx, slice_ns),
	    TP_STRUCT__entry(__field(u32, pgpu)
			     __field(u32, engine)
			     __field(u32, ctx)
			     __field(u64, slice_ns)),
	    TP_fast_assign(__entry->pgpu = pgpu;
			   __entry->engine = engine;
			   __entry->ctx = ctx;
			   __entry->slice_ns = slice_ns;),
	    TP_printk("pgpu=%u engine=%u ctx=%u slice_ns=%llu",
		      __entry->pgpu, __entry->engine, __entry->ctx,
		      __entry->slice_ns)
);

TRACE_EVENT(mvgpu_sched_switch_out,
	    TP_PROTO(u32 pgpu, u32 engine, u32 ctx, u64 ran_ns, u32 reason,
		     u32 commands),
	    TP_ARGS(pgpu, engine, ctx, ran_ns, reason, commands),
	    TP_STRUCT__entry(__field(u32, pgpu)
			     __field(u32, engine)
			     __field(u32, ctx)
			     __field(u64, ran_ns)
			     __field(u32, reason)
			     __field(u32, commands)),
	    TP_fast_assign(__entry->pgpu = pgpu;
			   __entry->engine = engine;
			   __entry->ctx = ctx;
			   __entry->ran_ns = ran_ns;
			   __entry->reason = reason;
			   __entry->commands = commands;),
	    TP_printk("pgpu=%u engine=%u ctx=%u ran_ns=%llu reason=%s commands=%u",
		      __entry->pgpu, __entry->engine, __entry->ctx,
		      __entry->ran_ns,
		      __print_symbolic(__entry->reason,
				       { 0, "idle" }, { 1, "slice" },
				       { 2, "preempted" }, { 3, "waiting" }),
		      __entry->commands)
);

TRACE_EVENT(mvgpu_job_complete,
	    TP_PROTO(u32 pgpu, u32 ctx, u32 hwq, u64 fence),
	    TP_ARGS(pgpu, ctx, hwq, fence),
	    TP_STRUCT__entry(__field(u32, pgpu)
			     __field(u32, ctx)
			     __field(u32, hwq)
			     __field(u64, fence)),
	    TP_fast_assign(__entry->pgpu = pgpu;
			   __entry->ctx = ctx;
			   __entry->hwq = hwq;
			   __entry->fence = fence;),
	    TP_printk("pgpu=%u ctx=%u hwq=%u fence=%llu",
		      __entry->pgpu, __entry->ctx, __entry->hwq,
		      __entry->fence)
);

#endif /* _MVGPU_TRACE_H_ */

/* This part must be outside the multi-read protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mvgpu_trace
#include <trace/define_trace.h>
