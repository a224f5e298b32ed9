/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mvgpu guest-visible device ABI: PCI identity, BAR layout and BAR0
 * registers of a mvgpu virtual GPU. All registers are 32 bits wide,
 * little-endian, naturally aligned. Documentation/abi.rst is the prose
 * version of this file; keep both in step.
 */
#ifndef _UAPI_MVGPU_REGS_H_
#define _UAPI_MVGPU_REGS_H_

/* PCI identity of a vGPU (experimental IDs, ASCII "MV" / "GP"). */
#define MVGPU_PCI_VENDOR_ID		0x4d56
#define MVGPU_PCI_DEVICE_ID		0x4750
#define MVGPU_PCI_SUBSYS_VENDOR_ID	0x4d56
#define MVGPU_PCI_SUBSYS_DEVICE_ID	0x0001
#define MVGPU_PCI_REVISION		0x01
/* Display controller, "other" sub-class: no legacy VGA decoding. */
#define MVGPU_PCI_CLASS_CODE		0x038000

/* BAR0: 32-bit non-prefetchable MMIO registers. */
#define MVGPU_BAR0_INDEX		0
#define MVGPU_BAR0_SIZE			0x10000
/* BAR2 (+BAR3): 64-bit prefetchable VRAM aperture, sized to the vGPU VRAM. */
#define MVGPU_BAR2_INDEX		2

/* ABI version register layout: major in bits 31:16, minor in bits 15:0. */
#define MVGPU_ABI_MAJOR			1
#define MVGPU_ABI_MINOR			2
#define MVGPU_ABI_VERSION		((MVGPU_ABI_MAJOR << 16) | MVGPU_ABI_MINOR)

/* Identification block (read-only unless noted). */
#define MVGPU_REG_MAGIC			0x0000	/* reads MVGPU_MAGIC */
#define MVGPU_MAGIC			0x5550474d	/* "MGPU" in memory order */
#define MVGPU_REG_ABI_VERSION		0x0004
#define MVGPU_REG_VRAM_SIZE_LO		0x0008	/* bytes, low 32 bits */
#define MVGPU_REG_VRAM_SIZE_HI		0x000c	/* bytes, high 32 bits */
#define MVGPU_REG_NUM_QUEUES		0x0010
#define MVGPU_REG_NUM_ENGINES		0x0014
#define MVGPU_REG_CAPS			0x0018
#define   MVGPU_CAP_INTX		(1u << 0)
#define   MVGPU_CAP_MSI			(1u << 1)
#define   MVGPU_CAP_RESET		(1u << 2)
#define   MVGPU_CAP_QUEUES		(1u << 3)	/* queue blocks, command packets */
#define   MVGPU_CAP_DISPLAY		(1u << 4)	/* display block, EDID (ABI 1.2) */
#define MVGPU_REG_SCRATCH		0x001c	/* read/write, reset to 0 */

/* Control block. */
#define MVGPU_REG_RESET			0x0020	/* write MVGPU_RESET_KEY to reset */
#define   MVGPU_RESET_KEY		0x54455352	/* "RSET" in memory order */
#define MVGPU_REG_STATUS		0x0024
#define   MVGPU_STATUS_READY		(1u << 0)
#define MVGPU_REG_RESET_COUNT		0x0028	/* resets since creation */

/* Interrupt block. */
#define MVGPU_REG_INT_STATUS		0x0100	/* write 1 to clear */
#define MVGPU_REG_INT_MASK		0x0104	/* 1 = source enabled */
#define MVGPU_REG_INT_RAISE		0x0108	/* write 1s: set status bits */
#define   MVGPU_INT_SOFTWARE		(1u << 0)
#define   MVGPU_INT_FENCE		(1u << 1)	/* an IRQ fence completed */
#define   MVGPU_INT_ERROR		(1u << 2)	/* a queue stopped on error */
#define   MVGPU_INT_DISPLAY		(1u << 3)	/* connector or EDID changed */
#define   MVGPU_INT_ALL			(MVGPU_INT_SOFTWARE | MVGPU_INT_FENCE | \
					 MVGPU_INT_ERROR | MVGPU_INT_DISPLAY)

/* Error block: the first error since it was last cleared. */
#define MVGPU_REG_ERROR_REASON		0x0110	/* MVGPU_ERR_*; write clears */
#define MVGPU_REG_ERROR_QUEUE		0x0114	/* vGPU queue index */
#define MVGPU_REG_ERROR_ADDR_LO		0x0118	/* faulting GPU VA, or 0 */
#define MVGPU_REG_ERROR_ADDR_HI		0x011c
/* Queues whose IRQ fence completed: bit q for queue q, write 1 to clear. */
#define MVGPU_REG_FENCE_PENDING_LO	0x0120	/* queues 0-31 */
#define MVGPU_REG_FENCE_PENDING_HI	0x0124	/* queues 32-63 */

/*
 * Display block (MVGPU_CAP_DISPLAY): one scanout plane read from the vGPU's
 * VRAM. The guest writes the MVGPU_DISP_* plane registers (a shadow copy),
 * then writes 1 to MVGPU_REG_DISP_UPDATE: the core checks the whole plane
 * and makes it current at once (a tear-free flip), or leaves the current
 * plane alone and sets MVGPU_DISP_STATUS_INVALID. A plane is valid when it
 * is disabled, or when its format is known, width and height are within
 * 1..MAX, stride >= width * bytes per pixel, at most MVGPU_DISP_MAX_STRIDE
 * and a multiple of 4, offset is a multiple of MVGPU_DISP_OFFSET_ALIGN (the
 * host shows the buffer through page mappings) and [offset, offset +
 * stride * height) lies in VRAM. CONTROL bits other than ENABLE are reserved: a
 * plane with one set is refused.
 */
#define MVGPU_REG_DISP_CONTROL		0x0200	/* shadow */
#define   MVGPU_DISP_CONTROL_ENABLE	(1u << 0)
#define MVGPU_REG_DISP_FORMAT		0x0204	/* shadow, DRM fourcc */
#define   MVGPU_DISP_FMT_XRGB8888	0x34325258	/* "XR24" */
#define   MVGPU_DISP_FMT_ARGB8888	0x34325241	/* "AR24" */
#define   MVGPU_DISP_FMT_RGB565		0x36314752	/* "RG16" */
#define MVGPU_REG_DISP_WIDTH		0x0208	/* shadow, pixels */
#define MVGPU_REG_DISP_HEIGHT		0x020c	/* shadow, lines */
#define MVGPU_REG_DISP_STRIDE		0x0210	/* shadow, bytes per line */
#define   MVGPU_DISP_MAX_STRIDE		0x10000	/* 64 KiB */
#define MVGPU_REG_DISP_OFFSET_LO	0x0214	/* shadow, VRAM byte offset */
#define MVGPU_REG_DISP_OFFSET_HI	0x0218
#define   MVGPU_DISP_OFFSET_ALIGN	0x1000	/* 4 KiB */
#define MVGPU_REG_DISP_UPDATE		0x021c	/* write 1: latch the shadow */
#define MVGPU_REG_DISP_STATUS		0x0220	/* read-only */
#define   MVGPU_DISP_STATUS_ENABLED	(1u << 0)	/* current plane is on */
#define   MVGPU_DISP_STATUS_INVALID	(1u << 1)	/* last UPDATE refused */
#define MVGPU_REG_DISP_FLIP_COUNT	0x0224	/* accepted UPDATEs */
#define MVGPU_REG_DISP_MAX_WIDTH	0x0228	/* read-only */
#define MVGPU_REG_DISP_MAX_HEIGHT	0x022c	/* read-only */
#define MVGPU_REG_DISP_CONNECTOR	0x0230	/* read-only */
#define   MVGPU_DISP_CONNECTED		(1u << 0)
#define MVGPU_REG_DISP_EDID_SIZE	0x0234	/* read-only, bytes of EDID */
/* The EDID blob the host set (VFIO EDID region), read-only, 32-bit reads. */
#define MVGPU_REG_DISP_EDID		0x0400
#define MVGPU_DISP_EDID_MAX		0x0400	/* 1 KiB: base + 7 extensions */

/* Queue blocks: queue q at MVGPU_REG_QUEUE(q) + register. */
#define MVGPU_MAX_QUEUES		64
#define MVGPU_REG_QUEUE_BASE		0x1000
#define MVGPU_REG_QUEUE_STRIDE		0x40
#define MVGPU_REG_QUEUE(q)		(MVGPU_REG_QUEUE_BASE + \
					 (q) * MVGPU_REG_QUEUE_STRIDE)
#define MVGPU_Q_RING_BASE_LO		0x00	/* 4 KiB aligned GPU VA */
#define MVGPU_Q_RING_BASE_HI		0x04
#define MVGPU_Q_RING_SIZE		0x08	/* power of 2, 4 KiB - 1 MiB */
#define MVGPU_Q_HEAD			0x0c	/* read-only byte offset */
#define MVGPU_Q_TAIL			0x10	/* doorbell: byte offset */
#define MVGPU_Q_CONTROL			0x14
#define   MVGPU_Q_CONTROL_ENABLE	(1u << 0)
#define   MVGPU_Q_CONTROL_RESET		(1u << 1)	/* self-clearing */
#define MVGPU_Q_STATUS			0x18	/* read-only */
#define   MVGPU_Q_STATUS_ENABLED	(1u << 0)
#define   MVGPU_Q_STATUS_BUSY		(1u << 1)
#define   MVGPU_Q_STATUS_ERROR		(1u << 2)
#define MVGPU_Q_ERROR			0x1c	/* MVGPU_ERR_* of this queue */
#define MVGPU_Q_FENCE_LO		0x20	/* last value of a FENCE */
#define MVGPU_Q_FENCE_HI		0x24
#define MVGPU_Q_FAULT_ADDR_LO		0x28
#define MVGPU_Q_FAULT_ADDR_HI		0x2c
#define MVGPU_RING_SIZE_MIN		0x1000
#define MVGPU_RING_SIZE_MAX		0x100000

#endif /* _UAPI_MVGPU_REGS_H_ */
