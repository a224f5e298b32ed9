/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * What a VMM sees of a mvgpu vGPU through VFIO beyond the vfio-pci
 * regions: the device-specific regions of its display. Documentation/abi.rst
 * ("Display on the host") is the prose version of this file.
 */
#ifndef _UAPI_MVGPU_VFIO_H_
#define _UAPI_MVGPU_VFIO_H_

/*
 * VFIO region indices after the vfio-pci ones (VFIO_PCI_NUM_REGIONS = 9).
 * Each carries a VFIO_REGION_INFO_CAP_TYPE capability; look regions up by
 * type rather than by index.
 */
#define MVGPU_REGION_EDID		9	/* VFIO_REGION_TYPE_GFX, EDID */
#define MVGPU_REGION_SCANOUT		10	/* vendor type, SCANOUT */

/*
 * The EDID region: struct vfio_region_gfx_edid at 0, the blob at
 * MVGPU_EDID_REGION_BLOB (its edid_offset field).
 */
#define MVGPU_EDID_REGION_BLOB		0x1000

/*
 * The scanout region: type VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x4d56,
 * subtype MVGPU_REGION_SUBTYPE_SCANOUT; read-only, mmappable, as large as
 * the VRAM. It shows the VRAM starting at the offset of the current
 * scanout plane, and follows every flip.
 */
#define MVGPU_REGION_SUBTYPE_SCANOUT	1

#endif /* _UAPI_MVGPU_VFIO_H_ */
