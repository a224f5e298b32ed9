/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts of a vGPU: INTx, MSI and the request interrupt, delivered to
 * the user through eventfds (mvgpu_irq.c).
 */
#ifndef _MVGPU_IRQ_H_
#define _MVGPU_IRQ_H_

#include <linux/compiler_types.h>
#include <linux/types.h>

struct eventfd_ctx;
struct mvgpu_vgpu;

/**
 * struct mvgpu_irq - interrupt delivery of a vGPU to its user
 * @intx_trigger: eventfd signalled on INTx assertion, or NULL
 * @msi_trigger: eventfd signalled per MSI message, or NULL
 * @req_trigger: eventfd signalled when the host wants the device back
 * @intx_masked: INTx masked by the user (or automasked after firing)
 * @intx_asserted: the INTx line is currently asserted
 *
 * Guarded by &mvgpu_vgpu.state_lock, with the interrupt registers
 * (&mvgpu_vgpu.regs) and the config space (MSI enable, INTx disable)
 * that decide delivery.
 */
struct mvgpu_irq {
	struct eventfd_ctx *intx_trigger;
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *req_trigger;
	bool intx_masked;
	bool intx_asserted;
};

void mvgpu_irq_update_locked(struct mvgpu_vgpu *vgpu, u32 new_events);
void mvgpu_irq_reset_locked(struct mvgpu_vgpu *vgpu);
void mvgpu_irq_release(struct mvgpu_vgpu *vgpu);
void mvgpu_irq_request(struct mvgpu_vgpu *vgpu, unsigned int count);
long mvgpu_irq_ioctl_get_info(struct mvgpu_vgpu *vgpu, void __user *arg);
long mvgpu_irq_ioctl_set_irqs(struct mvgpu_vgpu *vgpu, void __user *arg);

#endif /* _MVGPU_IRQ_H_ */
