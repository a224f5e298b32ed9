// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated conventional PCI configuration space (256 bytes, type 0 header)
 * of a vGPU, with one capability: 64-bit MSI with a single vector.
 *
 * Every byte has a value, a mask of bits a write may set or clear, and a
 * mask of bits a write of 1 clears. All multi-byte fields are stored
 * little-endian, as the guest sees them, independent of the host's byte
 * order.
 */

#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/types.h>

#include "mvgpu_cfg_space.h"

/* Type 0 header registers (names follow <uapi/linux/pci_regs.h>). */
#define CFG_VENDOR_ID		0x00
#define CFG_DEVICE_ID		0x02
#define CFG_COMMAND		0x04
#define  CFG_COMMAND_MEMORY	0x0002
#define  CFG_COMMAND_MASTER	0x0004
#define  CFG_COMMAND_PARITY	0x0040
#define  CFG_COMMAND_SERR	0x0100
#define  CFG_COMMAND_INTX_DIS	0x0400
#define CFG_STATUS		0x06
#define  CFG_STATUS_CAP_LIST	0x0010
/* Parity/abort/SERR error bits, all write-1-to-clear. */
#define  CFG_STATUS_W1C		0xf900
#define CFG_REVISION_ID		0x08	/* class code in the 3 bytes above */
#define CFG_CACHE_LINE_SIZE	0x0c
#define CFG_LATENCY_TIMER	0x0d
#define CFG_BASE_ADDRESS_0	0x10
#define  CFG_BAR_MEM_TYPE_64	0x04
#define  CFG_BAR_MEM_PREFETCH	0x08
#define  CFG_BAR_MEM_FLAGS	0x0f
#define CFG_SUBSYS_VENDOR_ID	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_CAPABILITY_LIST	0x34
#define CFG_INTERRUPT_LINE	0x3c
#define CFG_INTERRUPT_PIN	0x3d
#define  CFG_INTERRUPT_PIN_INTA	0x01

/* MSI capability, at MVGPU_CFG_MSI_OFFSET. */
#define CFG_CAP_ID_MSI		0x05
#define CFG_MSI_FLAGS		0x02
#define  CFG_MSI_FLAGS_ENABLE	0x0001
#define  CFG_MSI_FLAGS_64BIT	0x0080
#define CFG_MSI_ADDRESS_LO	0x04
#define CFG_MSI_ADDRESS_HI	0x08
#define CFG_MSI_DATA_64		0x0c

/* Smallest memory BAR the PCI specification allows. */
#define CFG_BAR_MIN_SIZE	16

static u16 cfg_get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 cfg_get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void cfg_put16(u8 *p, u16 val)
{
	p[0] = val;
	p[1] = val >> 8;
}

static void cfg_put32(u8 *p, u32 val)
{
	p[0] = val;
	p[1] = val >> 8;
	p[2] = val >> 16;
	p[3] = val >> 24;
}

/* Set value, write mask and write-1-to-clear mask of a 16-bit register. */
static void cfg_reg16(struct mvgpu_cfg_space *cfg, unsigned int off, u16 val,
		      u16 wmask, u16 w1cmask)
{
	cfg_put16(&cfg->data[off], val);
	cfg_put16(&cfg->wmask[off], wmask);
	cfg_put16(&cfg->w1cmask[off], w1cmask);
}

static void cfg_reg32(struct mvgpu_cfg_space *cfg, unsigned int off, u32 val,
		      u32 wmask)
{
	cfg_put32(&cfg->data[off], val);
	cfg_put32(&cfg->wmask[off], wmask);
}

/*
 * Address bits a BAR of @size bytes decodes: ~(size - 1), with @size rounded
 * up to a power of two of at least CFG_BAR_MIN_SIZE. 0 means no BAR.
 */
static u64 cfg_bar_addr_mask(u64 size)
{
	u64 mask;

	if (!size)
		return 0;
	mask = (size < CFG_BAR_MIN_SIZE ? CFG_BAR_MIN_SIZE : size) - 1;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	return ~mask;
}

/**
 * mvgpu_cfg_init() - set up the config space of a vGPU at reset
 * @cfg: config space to fill; its previous contents are ignored
 * @params: identity and BAR sizes
 *
 * BAR0 is a 32-bit non-prefetchable memory BAR of @params->bar0_size bytes,
 * BAR2 (with BAR3 as its upper half) a 64-bit prefetchable memory BAR of
 * @params->bar2_size bytes. A size of 0 leaves that BAR unimplemented (reads
 * 0, ignores writes); other sizes are meant to be powers of two of at least
 * 16 and are rounded up to one otherwise (a BAR2 size above 2^63 cannot be,
 * and leaves BAR2 unimplemented). There is no I/O BAR and no
 * expansion ROM. The capability list holds only MSI: one vector, 64-bit
 * message address.
 */
void mvgpu_cfg_init(struct mvgpu_cfg_space *cfg,
		    const struct mvgpu_cfg_params *params)
{
	const unsigned int msi_off = MVGPU_CFG_MSI_OFFSET;
	u8 *msi = &cfg->data[msi_off];
	u64 bar2_mask = cfg_bar_addr_mask(params->bar2_size);
	u32 bar0_mask = cfg_bar_addr_mask(params->bar0_size);

	memset(cfg, 0, sizeof(*cfg));

	cfg_reg16(cfg, CFG_VENDOR_ID, params->vendor, 0, 0);
	cfg_reg16(cfg, CFG_DEVICE_ID, params->device, 0, 0);
	cfg_reg16(cfg, CFG_COMMAND, 0,
		  CFG_COMMAND_MEMORY | CFG_COMMAND_MASTER | CFG_COMMAND_PARITY |
		  CFG_COMMAND_SERR | CFG_COMMAND_INTX_DIS, 0);
	cfg_reg16(cfg, CFG_STATUS, CFG_STATUS_CAP_LIST, 0, CFG_STATUS_W1C);
	cfg_reg32(cfg, CFG_REVISION_ID,
		  params->revision | (params->class_code & 0xffffff) << 8, 0);
	cfg->wmask[CFG_CACHE_LINE_SIZE] = 0xff;
	cfg->wmask[CFG_LATENCY_TIMER] = 0xff;
	/* Header type 0 (single function), BIST not supported: both 0. */

	/* BAR0: 32-bit memory, flags 0. BAR1 unused. */
	cfg_reg32(cfg, CFG_BASE_ADDRESS_0, 0, bar0_mask & ~CFG_BAR_MEM_FLAGS);
	/* BAR2/BAR3: 64-bit prefetchable memory. BAR4/5 unused. */
	if (bar2_mask) {
		cfg_reg32(cfg, CFG_BASE_ADDRESS_0 + 2 * 4,
			  CFG_BAR_MEM_TYPE_64 | CFG_BAR_MEM_PREFETCH,
			  (u32)bar2_mask & ~CFG_BAR_MEM_FLAGS);
		cfg_reg32(cfg, CFG_BASE_ADDRESS_0 + 3 * 4, 0, bar2_mask >> 32);
	}

	cfg_reg16(cfg, CFG_SUBSYS_VENDOR_ID, params->subsys_vendor, 0, 0);
	cfg_reg16(cfg, CFG_SUBSYS_ID, params->subsys_device, 0, 0);
	/* Expansion ROM BAR at 0x30: none, reads 0. */
	cfg->data[CFG_CAPABILITY_LIST] = MVGPU_CFG_MSI_OFFSET;
	cfg->wmask[CFG_INTERRUPT_LINE] = 0xff;
	cfg->data[CFG_INTERRUPT_PIN] = CFG_INTERRUPT_PIN_INTA;

	/* MSI: last capability, Multiple Message Capable/Enable fixed at 0. */
	msi[0] = CFG_CAP_ID_MSI;
	msi[1] = 0;
	cfg_reg16(cfg, msi_off + CFG_MSI_FLAGS, CFG_MSI_FLAGS_64BIT,
		  CFG_MSI_FLAGS_ENABLE, 0);
	cfg_reg32(cfg, msi_off + CFG_MSI_ADDRESS_LO, 0, 0xfffffffc);
	cfg_reg32(cfg, msi_off + CFG_MSI_ADDRESS_HI, 0, 0xffffffff);
	/* 16-bit message data; the 2 bytes above it are reserved. */
	cfg_reg16(cfg, msi_off + CFG_MSI_DATA_64, 0, 0xffff, 0);
}

static int cfg_check_range(u32 offset, u32 len)
{
	u32 end;

	if (!len || check_add_overflow(offset, len, &end) ||
	    end > MVGPU_CFG_SIZE)
		return -EINVAL;
	return 0;
}

/**
 * mvgpu_cfg_read() - read bytes of config space
 * @cfg: config space
 * @offset: first byte
 * @buf: receives @len bytes, in bus (little-endian) order
 * @len: number of bytes, at least 1; any alignment
 *
 * Return: 0, or -EINVAL if @len is 0 or the range does not lie within the
 * 256 bytes of config space.
 */
int mvgpu_cfg_read(const struct mvgpu_cfg_space *cfg, u32 offset, void *buf,
		   u32 len)
{
	int ret = cfg_check_range(offset, len);

	if (ret)
		return ret;
	memcpy(buf, &cfg->data[offset], len);
	return 0;
}

/**
 * mvgpu_cfg_write() - write bytes of config space
 * @cfg: config space
 * @offset: first byte
 * @buf: @len bytes to write, in bus (little-endian) order
 * @len: number of bytes, at least 1; any alignment
 *
 * Each byte only changes in its writable bits; then bits that are
 * write-1-to-clear and written as 1 are cleared.
 *
 * Return: 0, or -EINVAL if @len is 0 or the range does not lie within the
 * 256 bytes of config space (nothing is written then).
 */
int mvgpu_cfg_write(struct mvgpu_cfg_space *cfg, u32 offset, const void *buf,
		    u32 len)
{
	const u8 *src = buf;
	int ret = cfg_check_range(offset, len);
	u32 i;

	if (ret)
		return ret;
	for (i = 0; i < len; i++) {
		u32 off = offset + i;
		u8 val = src[i];
		u8 new;

		new = (cfg->data[off] & ~cfg->wmask[off]) |
		      (val & cfg->wmask[off]);
		new &= ~(val & cfg->w1cmask[off]);
		cfg->data[off] = new;
	}
	return 0;
}

/**
 * mvgpu_cfg_command() - current value of the command register
 * @cfg: config space
 *
 * Return: the 16-bit command register (PCI_COMMAND_* bits).
 */
u16 mvgpu_cfg_command(const struct mvgpu_cfg_space *cfg)
{
	return cfg_get16(&cfg->data[CFG_COMMAND]);
}

/**
 * mvgpu_cfg_msi_enabled() - whether the guest has enabled MSI
 * @cfg: config space
 *
 * Return: true if the MSI Enable bit of the MSI capability is set.
 */
bool mvgpu_cfg_msi_enabled(const struct mvgpu_cfg_space *cfg)
{
	u16 flags = cfg_get16(&cfg->data[MVGPU_CFG_MSI_OFFSET + CFG_MSI_FLAGS]);

	return flags & CFG_MSI_FLAGS_ENABLE;
}

/**
 * mvgpu_cfg_bar_address() - base address the guest programmed into a BAR
 * @cfg: config space
 * @bar: BAR index, 0 to %MVGPU_CFG_NUM_BARS - 1
 *
 * Whether the BAR decodes also depends on the Memory Space bit of the
 * command register; while the guest sizes a BAR this returns the size mask.
 *
 * Return: the address with the flag bits masked off; for BAR2 the 64-bit
 * address from BAR2 and BAR3. 0 for BARs that are not implemented (or are
 * the upper half of a 64-bit BAR) and for an out-of-range @bar.
 */
u64 mvgpu_cfg_bar_address(const struct mvgpu_cfg_space *cfg, unsigned int bar)
{
	const u8 *reg = &cfg->data[CFG_BASE_ADDRESS_0];
	u64 addr;

	switch (bar) {
	case 0:
		return cfg_get32(reg) & ~CFG_BAR_MEM_FLAGS;
	case 2:
		addr = cfg_get32(reg + 2 * 4) & ~CFG_BAR_MEM_FLAGS;
		return addr | (u64)cfg_get32(reg + 3 * 4) << 32;
	default:
		return 0;
	}
}
