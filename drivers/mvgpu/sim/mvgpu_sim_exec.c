// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command execution of the simulated pGPU.
 */

/**
 * DOC: Execution
 *
 * mvgpu_sim_exec_step() runs one chunk of the command at a queue's head and
 * keeps its progress in the queue's job, so that the next call (perhaps
 * after the queue was preempted, perhaps on another engine) carries on.
 * A chunk is bounded by work, never by time:
 *
 * - FILL, COPY: MVGPU_SIM_CHUNK_BYTES (64 KiB) written; COPY goes through
 *   the engine's bounce buffer (read 64 KiB, then write it), which also
 *   makes VRAM-to-VRAM and guest-to-VRAM copies one code path.
 * - BLIT: MVGPU_SIM_CHUNK_BUDGET units, a pixel costing 1 and each
 *   row span's memory access MVGPU_SIM_ACCESS_COST, so narrow rectangles
 *   take as long per chunk as wide ones. At most MVGPU_SIM_CHUNK_PIXELS
 *   pixels.
 * - SAXPY, REDUCE: MVGPU_SIM_CHUNK_ELEMS (16384) elements.
 * - SGEMM: tiles of one C row and up to MVGPU_SIM_SGEMM_TILE columns; a
 *   chunk spends MVGPU_SIM_CHUNK_BUDGET units, a multiply-add costing 1
 *   and each memory access MVGPU_SIM_ACCESS_COST: at most 16384
 *   multiply-adds.
 * - NOP, FENCE, TIMESTAMP, WAIT: one step.
 *
 * Measured under QEMU TCG (no KVM, so tens of times slower than native)
 * with Debian's 6.1 and 6.12 kernels and memory already mapped: a chunk
 * takes 0.1 to 1.4 ms on average depending on the command (BLIT BLEND is
 * the dearest), and the longest chunk seen on an otherwise idle host was
 * 2.3 ms; on a loaded host the wall-clock maxima grow with the time the
 * guest is not scheduled. A chunk that first touches guest memory also
 * includes the core pinning those pages in mvgpu_hw_resolve_fault().
 * The per-engine maxima are in debugfs.
 *
 * The fp32 kernels run between kernel_fpu_begin() and kernel_fpu_end() on
 * data already copied into the engine's buffers, so nothing in an FPU
 * section sleeps or faults, and a section lasts at most one chunk's
 * arithmetic. Values cross to the kernels as bit patterns in host order:
 * the simulator assumes a little-endian host, as x86 is.
 *
 * An access the core cannot map stops the command with
 * MVGPU_ERR_PAGE_FAULT at the first byte that could not be reached; what
 * earlier chunks wrote stays written.
 */

#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include <asm/fpu/api.h>

#include "mvgpu_sim.h"
#include "mvgpu_sim_cmd.h"
#include "mvgpu_sim_compute.h"

/* Work units per chunk of BLIT and SGEMM, and the cost of one access. */
#define MVGPU_SIM_CHUNK_BUDGET		MVGPU_SIM_CHUNK_MACS
#define MVGPU_SIM_ACCESS_COST		128

static enum mvgpu_sim_step_result
mvgpu_sim_exec_fault(struct mvgpu_sim_queue *q, u64 addr)
{
	q->err_reason = MVGPU_ERR_PAGE_FAULT;
	q->err_addr = addr;
	return MVGPU_SIM_STEP_ERROR;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_fence(struct mvgpu_sim_queue *q)
{
	const struct mvgpu_packet *cmd = &q->job.cmd;
	u64 fault;

	if (mvgpu_sim_as_write_u64(q->ctx, cmd->fence.addr, cmd->fence.value,
				   &fault))
		return mvgpu_sim_exec_fault(q, fault);
	mvgpu_sim_queue_fence(q, cmd->fence.value, cmd->fence.irq);
	return MVGPU_SIM_STEP_DONE;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_timestamp(struct mvgpu_sim_queue *q)
{
	u64 fault;

	if (mvgpu_sim_as_write_u64(q->ctx, q->job.cmd.timestamp.addr,
				   ktime_get_ns(), &fault))
		return mvgpu_sim_exec_fault(q, fault);
	return MVGPU_SIM_STEP_DONE;
}

static enum mvgpu_sim_step_result mvgpu_sim_exec_wait(struct mvgpu_sim_queue *q)
{
	const struct mvgpu_packet *cmd = &q->job.cmd;
	u64 fault, mem;

	if (mvgpu_sim_as_read_u64(q->ctx, cmd->wait.addr, &mem, &fault))
		return mvgpu_sim_exec_fault(q, fault);
	if (!mvgpu_sim_cmd_wait_met(cmd->wait.cond, mem, cmd->wait.value))
		return MVGPU_SIM_STEP_WAIT;
	return MVGPU_SIM_STEP_DONE;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_fill(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	u64 size = job->cmd.fill.size;
	u32 len = min_t(u64, size - job->pos, MVGPU_SIM_CHUNK_BYTES);
	u64 fault;

	if (!len)
		return MVGPU_SIM_STEP_DONE;
	mvgpu_sim_fill_pattern(eng->dst, len, job->cmd.fill.value, job->pos);
	if (mvgpu_sim_as_write(q->ctx, job->cmd.fill.dst + job->pos, eng->dst,
			       len, &fault))
		return mvgpu_sim_exec_fault(q, fault);
	job->pos += len;
	return job->pos == size ? MVGPU_SIM_STEP_DONE : MVGPU_SIM_STEP_MORE;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_copy(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	u64 size = job->cmd.copy.size;
	u32 len = min_t(u64, size - job->pos, MVGPU_SIM_CHUNK_BYTES);
	u64 fault;

	if (!len)
		return MVGPU_SIM_STEP_DONE;
	if (mvgpu_sim_as_read(q->ctx, job->cmd.copy.src + job->pos, eng->src,
			      len, &fault) ||
	    mvgpu_sim_as_write(q->ctx, job->cmd.copy.dst + job->pos, eng->src,
			       len, &fault))
		return mvgpu_sim_exec_fault(q, fault);
	job->pos += len;
	return job->pos == size ? MVGPU_SIM_STEP_DONE : MVGPU_SIM_STEP_MORE;
}

/* Convert or blend @pixels pixels of row job->row from column job->col. */
static int mvgpu_sim_blit_run(struct mvgpu_sim_engine *eng,
			      struct mvgpu_sim_queue *q, u32 pixels,
			      u64 *fault)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u32 sbpp = mvgpu_packet_fmt_bpp(cmd->blit.src_format);
	u32 dbpp = mvgpu_packet_fmt_bpp(cmd->blit.dst_format);
	u64 src = cmd->blit.src + (u64)job->row * cmd->blit.src_stride +
		  (u64)job->col * sbpp;
	u64 dst = cmd->blit.dst + (u64)job->row * cmd->blit.dst_stride +
		  (u64)job->col * dbpp;
	bool raw = cmd->blit.op == MVGPU_BLIT_COPY &&
		   cmd->blit.src_format == cmd->blit.dst_format &&
		   cmd->blit.src_format != MVGPU_FMT_XRGB8888;

	if (mvgpu_sim_as_read(q->ctx, src, eng->src, pixels * sbpp, fault))
		return -EFAULT;
	/* A plain copy within one format moves bytes unchanged. */
	if (raw)
		return mvgpu_sim_as_write(q->ctx, dst, eng->src, pixels * dbpp,
					  fault);
	if (cmd->blit.op == MVGPU_BLIT_BLEND &&
	    mvgpu_sim_as_read(q->ctx, dst, eng->dst, pixels * dbpp, fault))
		return -EFAULT;
	mvgpu_sim_blit_span(eng->dst, eng->src, pixels, cmd->blit.dst_format,
			    cmd->blit.src_format, cmd->blit.op);
	return mvgpu_sim_as_write(q->ctx, dst, eng->dst, pixels * dbpp, fault);
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_blit(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	u32 width = job->cmd.blit.width, height = job->cmd.blit.height;
	u32 budget = MVGPU_SIM_CHUNK_BUDGET, pixels = MVGPU_SIM_CHUNK_PIXELS;
	u64 fault;

	if (!width)
		return MVGPU_SIM_STEP_DONE;
	while (job->row < height && budget > MVGPU_SIM_ACCESS_COST && pixels) {
		u32 span = min3(width - job->col, pixels,
				budget - MVGPU_SIM_ACCESS_COST);

		if (mvgpu_sim_blit_run(eng, q, span, &fault))
			return mvgpu_sim_exec_fault(q, fault);
		budget -= span + MVGPU_SIM_ACCESS_COST;
		pixels -= span;
		job->col += span;
		if (job->col == width) {
			job->col = 0;
			job->row++;
		}
	}
	return job->row == height ? MVGPU_SIM_STEP_DONE : MVGPU_SIM_STEP_MORE;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_saxpy(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u32 len = min_t(u64, cmd->saxpy.n - job->pos, MVGPU_SIM_CHUNK_ELEMS);
	u64 x = cmd->saxpy.x + job->pos * 4, y = cmd->saxpy.y + job->pos * 4;
	u32 *xbuf = eng->src, *ybuf = eng->dst;
	u64 fault;

	if (!len)
		return MVGPU_SIM_STEP_DONE;
	if (mvgpu_sim_as_read(q->ctx, x, xbuf, len * 4, &fault))
		return mvgpu_sim_exec_fault(q, fault);
	/* x == y (the only overlap allowed): y[i] = a * y[i] + y[i]. */
	if (x == y)
		ybuf = xbuf;
	else if (mvgpu_sim_as_read(q->ctx, y, ybuf, len * 4, &fault))
		return mvgpu_sim_exec_fault(q, fault);

	kernel_fpu_begin();
	mvgpu_sim_saxpy(ybuf, xbuf, cmd->saxpy.a, len);
	kernel_fpu_end();

	if (mvgpu_sim_as_write(q->ctx, y, ybuf, len * 4, &fault))
		return mvgpu_sim_exec_fault(q, fault);
	job->pos += len;
	return job->pos == cmd->saxpy.n ? MVGPU_SIM_STEP_DONE :
					  MVGPU_SIM_STEP_MORE;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_reduce(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u32 len = min_t(u64, cmd->reduce.n - job->pos, MVGPU_SIM_CHUNK_ELEMS);
	__le32 result;
	u64 fault;

	if (len) {
		if (mvgpu_sim_as_read(q->ctx, cmd->reduce.src + job->pos * 4,
				      eng->src, len * 4, &fault))
			return mvgpu_sim_exec_fault(q, fault);
		kernel_fpu_begin();
		job->sum = mvgpu_sim_reduce_sum(job->sum, eng->src, len);
		kernel_fpu_end();
		job->pos += len;
		if (job->pos < cmd->reduce.n)
			return MVGPU_SIM_STEP_MORE;
	}
	/* The sum starts as +0.0f (all bits 0), also the result for n = 0. */
	result = cpu_to_le32(job->sum);
	if (mvgpu_sim_as_write(q->ctx, cmd->reduce.dst, &result, sizeof(result),
			       &fault))
		return mvgpu_sim_exec_fault(q, fault);
	return MVGPU_SIM_STEP_DONE;
}

/* Sum the next slice of k into the tile's running sums; returns its cost. */
static int mvgpu_sim_sgemm_accumulate(struct mvgpu_sim_engine *eng,
				      struct mvgpu_sim_queue *q, u32 width,
				      u32 budget, u32 *cost, u64 *fault)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u32 depth = min(cmd->sgemm.k - job->depth,
			max(budget / (width + MVGPU_SIM_ACCESS_COST), 1U));
	u64 a = cmd->sgemm.a +
		((u64)job->row * cmd->sgemm.lda + job->depth) * 4;
	u32 *brows = eng->dst;
	u32 t;

	if (mvgpu_sim_as_read(q->ctx, a, eng->src, depth * 4, fault))
		return -EFAULT;
	for (t = 0; t < depth; t++) {
		u64 b = cmd->sgemm.b +
			((u64)(job->depth + t) * cmd->sgemm.ldb + job->col) * 4;

		if (mvgpu_sim_as_read(q->ctx, b, brows + t * width, width * 4,
				      fault))
			return -EFAULT;
	}

	kernel_fpu_begin();
	mvgpu_sim_sgemm_acc(job->acc, eng->src, brows, width, depth);
	kernel_fpu_end();

	job->depth += depth;
	*cost = depth * (width + MVGPU_SIM_ACCESS_COST);
	return 0;
}

/* The tile's sums are complete: C = alpha * acc + beta * C; next tile. */
static int mvgpu_sim_sgemm_finish(struct mvgpu_sim_engine *eng,
				  struct mvgpu_sim_queue *q, u32 width,
				  u32 *cost, u64 *fault)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u64 c = cmd->sgemm.c + ((u64)job->row * cmd->sgemm.ldc + job->col) * 4;
	u32 *cbuf = eng->src;

	if (mvgpu_sim_as_read(q->ctx, c, cbuf, width * 4, fault))
		return -EFAULT;
	kernel_fpu_begin();
	mvgpu_sim_sgemm_store(cbuf, job->acc, cmd->sgemm.alpha,
			      cmd->sgemm.beta, width);
	kernel_fpu_end();
	if (mvgpu_sim_as_write(q->ctx, c, cbuf, width * 4, fault))
		return -EFAULT;

	memset(job->acc, 0, sizeof(job->acc));
	job->depth = 0;
	job->col += width;
	if (job->col == cmd->sgemm.n) {
		job->col = 0;
		job->row++;
	}
	*cost = width + 2 * MVGPU_SIM_ACCESS_COST;
	return 0;
}

static enum mvgpu_sim_step_result
mvgpu_sim_exec_sgemm(struct mvgpu_sim_engine *eng, struct mvgpu_sim_queue *q)
{
	struct mvgpu_sim_job *job = &q->job;
	const struct mvgpu_packet *cmd = &job->cmd;
	u32 budget = MVGPU_SIM_CHUNK_BUDGET;
	u64 fault;

	if (!cmd->sgemm.n)
		return MVGPU_SIM_STEP_DONE;
	while (job->row < cmd->sgemm.m && budget) {
		u32 width = min_t(u32, cmd->sgemm.n - job->col,
				  MVGPU_SIM_SGEMM_TILE);
		u32 cost;
		int ret;

		if (job->depth < cmd->sgemm.k)
			ret = mvgpu_sim_sgemm_accumulate(eng, q, width, budget,
							 &cost, &fault);
		else
			ret = mvgpu_sim_sgemm_finish(eng, q, width, &cost,
						     &fault);
		if (ret)
			return mvgpu_sim_exec_fault(q, fault);
		budget -= min(cost, budget);
	}
	return job->row == cmd->sgemm.m ? MVGPU_SIM_STEP_DONE :
					  MVGPU_SIM_STEP_MORE;
}

/**
 * mvgpu_sim_exec_step() - run one chunk of the command at a queue's head
 * @eng: the engine, which owns @q for now
 * @q: the queue; q->job holds a decoded command
 *
 * Engine thread; may sleep (fault resolution). On MVGPU_SIM_STEP_ERROR,
 * q->err_reason and q->err_addr say why.
 *
 * Return: how the chunk ended.
 */
enum mvgpu_sim_step_result mvgpu_sim_exec_step(struct mvgpu_sim_engine *eng,
					       struct mvgpu_sim_queue *q)
{
	switch (q->job.cmd.opcode) {
	case MVGPU_OP_NOP:
		return MVGPU_SIM_STEP_DONE;
	case MVGPU_OP_FENCE:
		return mvgpu_sim_exec_fence(q);
	case MVGPU_OP_FILL:
		return mvgpu_sim_exec_fill(eng, q);
	case MVGPU_OP_COPY:
		return mvgpu_sim_exec_copy(eng, q);
	case MVGPU_OP_BLIT:
		return mvgpu_sim_exec_blit(eng, q);
	case MVGPU_OP_TIMESTAMP:
		return mvgpu_sim_exec_timestamp(q);
	case MVGPU_OP_WAIT:
		return mvgpu_sim_exec_wait(q);
	case MVGPU_OP_SAXPY:
		return mvgpu_sim_exec_saxpy(eng, q);
	case MVGPU_OP_SGEMM:
		return mvgpu_sim_exec_sgemm(eng, q);
	case MVGPU_OP_REDUCE:
		return mvgpu_sim_exec_reduce(eng, q);
	default:
		/* Decoding admits no other opcode. */
		q->err_reason = MVGPU_ERR_BAD_OPCODE;
		q->err_addr = 0;
		return MVGPU_SIM_STEP_ERROR;
	}
}
