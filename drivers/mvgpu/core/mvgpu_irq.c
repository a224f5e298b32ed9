// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt emulation of a vGPU: INTx, MSI and the request interrupt.
 */

/**
 * DOC: Interrupts
 *
 * A vGPU offers INTx (maskable, automasked), one MSI vector and the request
 * interrupt, each delivered by signalling an eventfd the user handed over
 * with VFIO_DEVICE_SET_IRQS. Register handlers (mvgpu_mmio.c), queue events
 * (mvgpu_queue.c) and the display's link changes (mvgpu_display.c) set bits
 * in the interrupt status register and call mvgpu_irq_update_locked(), which
 * decides from the mask, the MSI enable bit and the command register what
 * the user sees. INTx is level-triggered: signalled when the line goes up,
 * masked until the user unmasks it, and signalled again on unmask while the
 * line is still up, which is what QEMU expects of vfio-pci. There is no
 * resampling eventfd. Everything here runs under &mvgpu_vgpu.state_lock.
 */

#include <linux/eventfd.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "mvgpu_compat.h"
#include "mvgpu_core.h"
#include "mvgpu_irq.h"

static void mvgpu_intx_fire_locked(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_irq *irq = &vgpu->irq;

	if (!irq->intx_asserted || irq->intx_masked || !irq->intx_trigger)
		return;
	/* Level-triggered: masked until the user unmasks (EOI). */
	irq->intx_masked = true;
	mvgpu_eventfd_signal(irq->intx_trigger);
}

/**
 * mvgpu_irq_update_locked() - deliver interrupt state changes to the user
 * @vgpu: the vGPU, &mvgpu_vgpu.state_lock held
 * @new_events: interrupt sources that just became pending and enabled
 *
 * With MSI enabled, each batch of new events sends one message. Otherwise
 * INTx is a level: asserted while an enabled source is pending and the
 * command register allows it, signalled on assertion and after unmask.
 */
void mvgpu_irq_update_locked(struct mvgpu_vgpu *vgpu, u32 new_events)
{
	struct mvgpu_irq *irq = &vgpu->irq;
	u32 pending = vgpu->regs.int_status & vgpu->regs.int_mask;
	bool was_asserted = irq->intx_asserted;

	lockdep_assert_held(&vgpu->state_lock);

	if (mvgpu_cfg_msi_enabled(&vgpu->cfg)) {
		irq->intx_asserted = false;
		if ((new_events & pending) && irq->msi_trigger)
			mvgpu_eventfd_signal(irq->msi_trigger);
		return;
	}

	irq->intx_asserted = pending &&
		!(mvgpu_cfg_command(&vgpu->cfg) & PCI_COMMAND_INTX_DISABLE);
	if (irq->intx_asserted && !was_asserted)
		mvgpu_intx_fire_locked(vgpu);
}

static void mvgpu_eventfd_replace(struct eventfd_ctx **slot,
				  struct eventfd_ctx *ctx)
{
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx;
}

/**
 * mvgpu_irq_reset_locked() - lower the INTx line after a device reset
 * @vgpu: the vGPU, &mvgpu_vgpu.state_lock held
 *
 * The interrupt registers were cleared; the eventfds and the user's INTx
 * mask stay, as they belong to the user, not to the device.
 */
void mvgpu_irq_reset_locked(struct mvgpu_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->state_lock);
	vgpu->irq.intx_asserted = false;
}

/**
 * mvgpu_irq_release() - drop every interrupt eventfd of a vGPU
 * @vgpu: the vGPU
 *
 * Process context.
 */
void mvgpu_irq_release(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_irq *irq = &vgpu->irq;

	mutex_lock(&vgpu->state_lock);
	mvgpu_eventfd_replace(&irq->intx_trigger, NULL);
	mvgpu_eventfd_replace(&irq->msi_trigger, NULL);
	mvgpu_eventfd_replace(&irq->req_trigger, NULL);
	irq->intx_masked = false;
	irq->intx_asserted = false;
	mutex_unlock(&vgpu->state_lock);
}

static int mvgpu_set_trigger(struct eventfd_ctx **slot, u32 flags, u32 count,
			     const void *data)
{
	struct eventfd_ctx *ctx;
	s32 fd;

	if (!count) {
		if ((flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != VFIO_IRQ_SET_DATA_NONE)
			return -EINVAL;
		mvgpu_eventfd_replace(slot, NULL);
		return 0;
	}

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		memcpy(&fd, data, sizeof(fd));
		if (fd < 0) {
			mvgpu_eventfd_replace(slot, NULL);
			return 0;
		}
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
		mvgpu_eventfd_replace(slot, ctx);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(const u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		/* Loopback test of the eventfd, as vfio-pci offers. */
		if (*slot)
			mvgpu_eventfd_signal(*slot);
		return 0;
	default:
		return -EINVAL;
	}
}

static bool mvgpu_irq_flag_set(u32 flags, const void *data)
{
	if ((flags & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_BOOL)
		return *(const u8 *)data;
	return (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_NONE;
}

static int mvgpu_set_intx_locked(struct mvgpu_vgpu *vgpu, u32 flags,
				 u32 count, const void *data)
{
	struct mvgpu_irq *irq = &vgpu->irq;
	u32 data_type = flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		if (data_type == VFIO_IRQ_SET_DATA_EVENTFD || count != 1)
			return -EINVAL;
		if (mvgpu_irq_flag_set(flags, data))
			irq->intx_masked = true;
		return 0;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		/* No resampling eventfd: userspace falls back to ioctls. */
		if (data_type == VFIO_IRQ_SET_DATA_EVENTFD)
			return -ENOTTY;
		if (count != 1)
			return -EINVAL;
		if (mvgpu_irq_flag_set(flags, data)) {
			irq->intx_masked = false;
			mvgpu_intx_fire_locked(vgpu);
		}
		return 0;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		if (!count)
			irq->intx_masked = false;
		return mvgpu_set_trigger(&irq->intx_trigger, flags, count, data);
	default:
		return -EINVAL;
	}
}

static int mvgpu_set_irqs_locked(struct mvgpu_vgpu *vgpu,
				 const struct vfio_irq_set *hdr,
				 const void *data)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	int ret;

	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return mvgpu_set_intx_locked(vgpu, hdr->flags, hdr->count, data);
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		ret = mvgpu_set_trigger(&vgpu->irq.msi_trigger, hdr->flags,
					hdr->count, data);
		return ret;
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		return mvgpu_set_trigger(&vgpu->irq.req_trigger, hdr->flags,
					 hdr->count, data);
	default:
		return -EINVAL;
	}
}

static int mvgpu_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/**
 * mvgpu_irq_ioctl_set_irqs() - VFIO_DEVICE_SET_IRQS
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Sets, clears or loops back the eventfd of INTx, MSI or the request
 * interrupt, and masks or unmasks INTx. Process context.
 * Return: 0 or -errno.
 */
long mvgpu_irq_ioctl_set_irqs(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 mvgpu_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vgpu->state_lock);
	ret = mvgpu_set_irqs_locked(vgpu, &hdr, data);
	mutex_unlock(&vgpu->state_lock);
	kfree(data);
	return ret;
}

/**
 * mvgpu_irq_ioctl_get_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_info
 *
 * INTx is maskable and automasked; MSI and the request interrupt have one
 * vector each; the other vfio-pci indexes have none. Process context.
 * Return: 0 or -errno.
 */
long mvgpu_irq_ioctl_get_info(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.count = mvgpu_irq_count(info.index);
	info.flags = 0;
	if (info.count)
		info.flags = VFIO_IRQ_INFO_EVENTFD;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.count)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * mvgpu_irq_request() - ask the user to release the device
 * @vgpu: the vGPU
 * @count: how often the VFIO core asked before (0 the first time)
 *
 * Signals the request eventfd when the user set one (QEMU then unplugs the
 * device), else only logs that removal waits for the user. Process
 * context.
 */
void mvgpu_irq_request(struct mvgpu_vgpu *vgpu, unsigned int count)
{
	struct device *dev = vgpu->vdev.dev;

	mutex_lock(&vgpu->state_lock);
	if (vgpu->irq.req_trigger) {
		if (!count)
			dev_info(dev, "mvgpu: asking the user to release the vGPU\n");
		mvgpu_eventfd_signal(vgpu->irq.req_trigger);
	} else if (!count) {
		dev_info(dev, "mvgpu: vGPU is in use; waiting for its user to close it\n");
	}
	mutex_unlock(&vgpu->state_lock);
}
