// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of mvgpu_cfg_space.c: the emulated PCI config space of a vGPU.
 *
 * Register offsets and bits come from the system's <linux/pci_regs.h>, not
 * from the code under test. Multi-byte values are assembled from bytes, so
 * the tests hold on any host byte order.
 */

#include <linux/types.h>
/* The UAPI header from the system, not a stand-in. */
#include <linux/pci_regs.h>

#include "kselftest_harness.h"

#include "mvgpu_cfg_space.h"
#include "mvgpu/mvgpu_regs.h"

#define MSI		MVGPU_CFG_MSI_OFFSET
#define GIB		(1024ULL * 1024 * 1024)

static u32 rd(const struct mvgpu_cfg_space *cfg, u32 off, u32 len)
{
	u8 b[4] = { };
	u32 v = 0;
	int i;

	if (mvgpu_cfg_read(cfg, off, b, len))
		return 0xdeadbeef;
	for (i = len - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static int wr(struct mvgpu_cfg_space *cfg, u32 off, u32 len, u32 val)
{
	u8 b[4];
	u32 i;

	for (i = 0; i < len; i++)
		b[i] = val >> (8 * i);
	return mvgpu_cfg_write(cfg, off, b, len);
}

#define rd8(c, o)	rd(c, o, 1)
#define rd16(c, o)	rd(c, o, 2)
#define rd32(c, o)	rd(c, o, 4)
#define wr8(c, o, v)	wr(c, o, 1, v)
#define wr16(c, o, v)	wr(c, o, 2, v)
#define wr32(c, o, v)	wr(c, o, 4, v)

FIXTURE(cfg) {
	struct mvgpu_cfg_params params;
	struct mvgpu_cfg_space cfg;
};

FIXTURE_VARIANT(cfg) {
	u64 bar2_size;
};

/* VRAM apertures below, at and above 4 GiB. */
FIXTURE_VARIANT_ADD(cfg, bar2_256m) { .bar2_size = 256ULL << 20 };
FIXTURE_VARIANT_ADD(cfg, bar2_4g) { .bar2_size = 4 * GIB };
FIXTURE_VARIANT_ADD(cfg, bar2_64g) { .bar2_size = 64 * GIB };

FIXTURE_SETUP(cfg)
{
	self->params = (struct mvgpu_cfg_params){
		.vendor = MVGPU_PCI_VENDOR_ID,
		.device = MVGPU_PCI_DEVICE_ID,
		.subsys_vendor = MVGPU_PCI_SUBSYS_VENDOR_ID,
		.subsys_device = MVGPU_PCI_SUBSYS_DEVICE_ID,
		.revision = MVGPU_PCI_REVISION,
		.class_code = MVGPU_PCI_CLASS_CODE,
		.bar0_size = MVGPU_BAR0_SIZE,
		.bar2_size = variant->bar2_size,
	};
	/* Garbage first: init must not depend on previous contents. */
	memset(&self->cfg, 0xa5, sizeof(self->cfg));
	mvgpu_cfg_init(&self->cfg, &self->params);
}

FIXTURE_TEARDOWN(cfg)
{
}

TEST_F(cfg, identity)
{
	struct mvgpu_cfg_space *c = &self->cfg;

	EXPECT_EQ(0x4d56U, rd16(c, PCI_VENDOR_ID));
	EXPECT_EQ(0x4750U, rd16(c, PCI_DEVICE_ID));
	EXPECT_EQ(0x56U, rd8(c, PCI_VENDOR_ID));	/* little-endian */
	EXPECT_EQ(0x4d56U | 0x4750U << 16, rd32(c, PCI_VENDOR_ID));
	EXPECT_EQ(0U, rd16(c, PCI_COMMAND));
	EXPECT_EQ((u32)PCI_STATUS_CAP_LIST, rd16(c, PCI_STATUS));
	EXPECT_EQ(0x01U, rd8(c, PCI_REVISION_ID));
	EXPECT_EQ(0x00U, rd8(c, PCI_CLASS_PROG));
	EXPECT_EQ(0x0380U, rd16(c, PCI_CLASS_DEVICE));
	EXPECT_EQ(0x03800001U, rd32(c, PCI_CLASS_REVISION));
	EXPECT_EQ(0U, rd8(c, PCI_CACHE_LINE_SIZE));
	EXPECT_EQ(0U, rd8(c, PCI_LATENCY_TIMER));
	EXPECT_EQ((u32)PCI_HEADER_TYPE_NORMAL, rd8(c, PCI_HEADER_TYPE));
	EXPECT_EQ(0U, rd8(c, PCI_BIST));
	EXPECT_EQ(0U, rd32(c, PCI_CARDBUS_CIS));
	EXPECT_EQ(0x4d56U, rd16(c, PCI_SUBSYSTEM_VENDOR_ID));
	EXPECT_EQ(0x0001U, rd16(c, PCI_SUBSYSTEM_ID));
	EXPECT_EQ(0U, rd32(c, PCI_ROM_ADDRESS));
	EXPECT_EQ(0x40U, rd8(c, PCI_CAPABILITY_LIST));
	EXPECT_EQ(0U, rd8(c, PCI_INTERRUPT_LINE));
	EXPECT_EQ(1U, rd8(c, PCI_INTERRUPT_PIN));
	EXPECT_EQ(0U, rd16(c, PCI_MIN_GNT));	/* and max_lat */

	/* BAR flags before sizing. */
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_1));
	EXPECT_EQ((u32)(PCI_BASE_ADDRESS_MEM_TYPE_64 |
			PCI_BASE_ADDRESS_MEM_PREFETCH),
		  rd32(c, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_3));
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_4));
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_5));

	/* MSI: last capability, 64-bit, one vector, disabled. */
	EXPECT_EQ((u32)PCI_CAP_ID_MSI, rd8(c, MSI + PCI_CAP_LIST_ID));
	EXPECT_EQ(0U, rd8(c, MSI + PCI_CAP_LIST_NEXT));
	EXPECT_EQ((u32)PCI_MSI_FLAGS_64BIT, rd16(c, MSI + PCI_MSI_FLAGS));
	EXPECT_EQ(0U, rd16(c, MSI + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_QMASK);
	EXPECT_EQ(0U, rd32(c, MSI + PCI_MSI_ADDRESS_LO));
	EXPECT_EQ(0U, rd32(c, MSI + PCI_MSI_ADDRESS_HI));
	EXPECT_EQ(0U, rd32(c, MSI + PCI_MSI_DATA_64));
	EXPECT_FALSE(mvgpu_cfg_msi_enabled(c));
	EXPECT_EQ(0U, mvgpu_cfg_command(c));
}

/* Offset of the first nonzero byte of @buf in [@from, @to), or -1. */
static int first_nonzero(const u8 *buf, unsigned int from, unsigned int to)
{
	for (; from < to; from++)
		if (buf[from])
			return from;
	return -1;
}

TEST_F(cfg, whole_space_read)
{
	u8 buf[MVGPU_CFG_SIZE + 1];

	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(0, mvgpu_cfg_read(&self->cfg, 0, buf, MVGPU_CFG_SIZE));
	EXPECT_EQ(0x5a, buf[MVGPU_CFG_SIZE]);	/* no overrun */
	EXPECT_EQ(0, memcmp(buf, self->cfg.data, MVGPU_CFG_SIZE));
	EXPECT_EQ(0x56, buf[0]);
	EXPECT_EQ(0x4d, buf[1]);
	EXPECT_EQ(0x40, buf[PCI_CAPABILITY_LIST]);
	/* Past the MSI capability everything reads 0. */
	EXPECT_EQ(-1, first_nonzero(buf, MSI + 14, MVGPU_CFG_SIZE));
	/* Nothing between the header and the capability either. */
	EXPECT_EQ(-1, first_nonzero(buf, PCI_STD_HEADER_SIZEOF, MSI));
}

TEST_F(cfg, bar0_sizing)
{
	struct mvgpu_cfg_space *c = &self->cfg;

	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_0, 0xffffffff));
	/* 64 KiB, 32-bit, non-prefetchable memory: flag bits read 0. */
	EXPECT_EQ(~(u32)(MVGPU_BAR0_SIZE - 1), rd32(c, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0xffff0000U, rd32(c, PCI_BASE_ADDRESS_0));
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_0, 0xfebc1234));
	EXPECT_EQ(0xfebc0000U, rd32(c, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0xfebc0000U, mvgpu_cfg_bar_address(c, 0));
	/* Byte-wise programming, as some guests do. */
	ASSERT_EQ(0, wr8(c, PCI_BASE_ADDRESS_0 + 3, 0x81));
	ASSERT_EQ(0, wr8(c, PCI_BASE_ADDRESS_0 + 1, 0xff));
	EXPECT_EQ(0x81bc0000U, mvgpu_cfg_bar_address(c, 0));
	ASSERT_EQ(0, wr8(c, PCI_BASE_ADDRESS_0, 0xff));
	EXPECT_EQ(0x81bc0000U, rd32(c, PCI_BASE_ADDRESS_0));
}

TEST_F(cfg, bar2_sizing)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	const u64 size = variant->bar2_size;
	const u64 mask = ~(size - 1);
	const u32 flags = PCI_BASE_ADDRESS_MEM_TYPE_64 |
			  PCI_BASE_ADDRESS_MEM_PREFETCH;
	u64 sized;

	/* What Linux's __pci_read_base() does for a 64-bit BAR. */
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_2, 0xffffffff));
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_3, 0xffffffff));
	EXPECT_EQ(((u32)mask & ~0xfU) | flags, rd32(c, PCI_BASE_ADDRESS_2));
	EXPECT_EQ((u32)(mask >> 32), rd32(c, PCI_BASE_ADDRESS_3));
	sized = (u64)rd32(c, PCI_BASE_ADDRESS_3) << 32 |
		(rd32(c, PCI_BASE_ADDRESS_2) & PCI_BASE_ADDRESS_MEM_MASK);
	EXPECT_EQ(size, ~sized + 1);
	EXPECT_EQ(mask, mvgpu_cfg_bar_address(c, 2));

	/* Program an address above 4 GiB, aligned to the size. */
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_2, 0));
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_3, 0x80));
	EXPECT_EQ(0x8000000000ULL, mvgpu_cfg_bar_address(c, 2));
	EXPECT_EQ(flags, rd32(c, PCI_BASE_ADDRESS_2));

	/* Misaligned address bits are dropped. */
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_2, 0x12345678));
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_3, 0x87654321));
	EXPECT_EQ(((0x8765432112345678ULL & mask) | flags) & 0xffffffffU,
		  rd32(c, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0x8765432112345670ULL & mask, mvgpu_cfg_bar_address(c, 2));

	/* BAR3 is the upper half, not a BAR of its own. */
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, 3));
}

TEST_F(cfg, unused_bars_and_rom)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	static const u32 regs[] = {
		PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_4, PCI_BASE_ADDRESS_5,
		PCI_ROM_ADDRESS, PCI_CARDBUS_CIS,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		ASSERT_EQ(0, wr32(c, regs[i], 0xffffffff));
		EXPECT_EQ(0U, rd32(c, regs[i])) TH_LOG("reg %#x", regs[i]);
		ASSERT_EQ(0, wr32(c, regs[i], 0xfffffffe));
		EXPECT_EQ(0U, rd32(c, regs[i])) TH_LOG("reg %#x", regs[i]);
	}
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, 1));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, 4));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, 5));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, MVGPU_CFG_NUM_BARS));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(c, ~0U));
}

TEST_F(cfg, read_only_fields)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	static const struct {
		u32 off, len;
	} ro[] = {
		{ PCI_VENDOR_ID, 2 }, { PCI_DEVICE_ID, 2 },
		{ PCI_CLASS_REVISION, 4 }, { PCI_HEADER_TYPE, 1 },
		{ PCI_BIST, 1 }, { PCI_SUBSYSTEM_VENDOR_ID, 2 },
		{ PCI_SUBSYSTEM_ID, 2 }, { PCI_CAPABILITY_LIST, 1 },
		{ PCI_INTERRUPT_PIN, 1 }, { PCI_MIN_GNT, 1 },
		{ PCI_MAX_LAT, 1 }, { MSI + PCI_CAP_LIST_ID, 2 },
		{ MSI + PCI_MSI_DATA_64 + 2, 2 }, { 0x35, 7 }, { 0x50, 176 },
	};
	u8 before[MVGPU_CFG_SIZE], ones[MVGPU_CFG_SIZE];
	unsigned int i;

	memcpy(before, c->data, sizeof(before));
	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		ASSERT_EQ(0, mvgpu_cfg_write(c, ro[i].off, ones, ro[i].len));
		EXPECT_EQ(0, memcmp(before, c->data, sizeof(before)))
			TH_LOG("write at %#x changed something", ro[i].off);
	}
	/* Status: only W1C bits, none of them set; CAP_LIST stays. */
	ASSERT_EQ(0, wr16(c, PCI_STATUS, 0xffff));
	EXPECT_EQ((u32)PCI_STATUS_CAP_LIST, rd16(c, PCI_STATUS));
	ASSERT_EQ(0, wr16(c, PCI_STATUS, 0));
	EXPECT_EQ((u32)PCI_STATUS_CAP_LIST, rd16(c, PCI_STATUS));
	EXPECT_EQ(0, memcmp(before, c->data, sizeof(before)));
}

TEST_F(cfg, all_ones_everywhere)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	u8 ones[MVGPU_CFG_SIZE];

	memset(ones, 0xff, sizeof(ones));
	ASSERT_EQ(0, mvgpu_cfg_write(c, 0, ones, sizeof(ones)));
	EXPECT_EQ(0x4d56U, rd16(c, PCI_VENDOR_ID));
	EXPECT_EQ(0x03800001U, rd32(c, PCI_CLASS_REVISION));
	EXPECT_EQ((u32)PCI_STATUS_CAP_LIST, rd16(c, PCI_STATUS));
	EXPECT_EQ(0x0546U, rd16(c, PCI_COMMAND));
	EXPECT_EQ(0U, rd8(c, PCI_HEADER_TYPE));
	EXPECT_EQ(0x40U, rd8(c, PCI_CAPABILITY_LIST));
	EXPECT_EQ(1U, rd8(c, PCI_INTERRUPT_PIN));
	EXPECT_EQ(0xffU, rd8(c, PCI_INTERRUPT_LINE));
	EXPECT_EQ(0xffU, rd8(c, PCI_CACHE_LINE_SIZE));
	EXPECT_EQ(0xffU, rd8(c, PCI_LATENCY_TIMER));
	EXPECT_EQ(0xffff0000U, rd32(c, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0U, rd32(c, PCI_ROM_ADDRESS));
	EXPECT_EQ((u32)(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE),
		  rd16(c, MSI + PCI_MSI_FLAGS));
	EXPECT_EQ(0xfffffffcU, rd32(c, MSI + PCI_MSI_ADDRESS_LO));
	EXPECT_EQ(0x0000ffffU, rd32(c, MSI + PCI_MSI_DATA_64));
	EXPECT_EQ(0U, rd32(c, 0x80));
	EXPECT_EQ(0U, rd32(c, 0xfc));
}

TEST_F(cfg, command_register)
{
	struct mvgpu_cfg_space *c = &self->cfg;

	ASSERT_EQ(0, wr16(c, PCI_COMMAND, 0xffff));
	EXPECT_EQ((u32)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
			PCI_COMMAND_INTX_DISABLE), rd16(c, PCI_COMMAND));
	EXPECT_EQ(0x0546, mvgpu_cfg_command(c));
	EXPECT_EQ(0, mvgpu_cfg_command(c) & PCI_COMMAND_IO);

	ASSERT_EQ(0, wr16(c, PCI_COMMAND, PCI_COMMAND_IO |
			  PCI_COMMAND_MEMORY));
	EXPECT_EQ(PCI_COMMAND_MEMORY, mvgpu_cfg_command(c));
	/* The upper byte alone. */
	ASSERT_EQ(0, wr8(c, PCI_COMMAND + 1, 0x04));
	EXPECT_EQ(PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE,
		  mvgpu_cfg_command(c));
	ASSERT_EQ(0, wr16(c, PCI_COMMAND, 0));
	EXPECT_EQ(0, mvgpu_cfg_command(c));
}

TEST_F(cfg, status_w1c)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	u8 *status = &c->data[PCI_STATUS];

	/* Pretend the device recorded errors (as the core may one day). */
	status[1] |= 0xf9;	/* all W1C bits, 0xf900 */
	status[1] |= 0x06;	/* DEVSEL timing: read-only */
	EXPECT_EQ(0xff10U, rd16(c, PCI_STATUS));

	/* Writing 0 clears nothing. */
	ASSERT_EQ(0, wr16(c, PCI_STATUS, 0));
	EXPECT_EQ(0xff10U, rd16(c, PCI_STATUS));
	/* Clear one bit: Received Master Abort. */
	ASSERT_EQ(0, wr16(c, PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT));
	EXPECT_EQ(0xdf10U, rd16(c, PCI_STATUS));
	/* A write of all ones clears the rest; read-only bits stay. */
	ASSERT_EQ(0, wr16(c, PCI_STATUS, 0xffff));
	EXPECT_EQ(0x0610U, rd16(c, PCI_STATUS));
	/* A command write in the same dword does not clear status. */
	status[1] |= 0x80;
	ASSERT_EQ(0, wr32(c, PCI_COMMAND, PCI_COMMAND_MEMORY));
	EXPECT_EQ(0x8610U, rd16(c, PCI_STATUS));
	EXPECT_EQ(PCI_COMMAND_MEMORY, mvgpu_cfg_command(c));
}

TEST_F(cfg, msi)
{
	struct mvgpu_cfg_space *c = &self->cfg;

	ASSERT_EQ(0, wr32(c, MSI + PCI_MSI_ADDRESS_LO, 0xfee01003));
	ASSERT_EQ(0, wr32(c, MSI + PCI_MSI_ADDRESS_HI, 0x12345678));
	ASSERT_EQ(0, wr16(c, MSI + PCI_MSI_DATA_64, 0x4041));
	EXPECT_EQ(0xfee01000U, rd32(c, MSI + PCI_MSI_ADDRESS_LO));
	EXPECT_EQ(0x12345678U, rd32(c, MSI + PCI_MSI_ADDRESS_HI));
	EXPECT_EQ(0x4041U, rd16(c, MSI + PCI_MSI_DATA_64));
	/* Only 16 data bits. */
	ASSERT_EQ(0, wr32(c, MSI + PCI_MSI_DATA_64, 0xabcd1234));
	EXPECT_EQ(0x1234U, rd32(c, MSI + PCI_MSI_DATA_64));

	/* Enable, trying to enable 32 vectors and to clear 64BIT too. */
	ASSERT_EQ(0, wr16(c, MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE |
			  (5 << 4)));
	EXPECT_TRUE(mvgpu_cfg_msi_enabled(c));
	EXPECT_EQ((u32)(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE),
		  rd16(c, MSI + PCI_MSI_FLAGS));
	EXPECT_EQ(0U, rd16(c, MSI + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_QSIZE);
	/* Capability ID and next pointer survive a dword write. */
	ASSERT_EQ(0, wr32(c, MSI, 0xffffffff));
	EXPECT_EQ((u32)(PCI_CAP_ID_MSI | (PCI_MSI_FLAGS_64BIT |
					  PCI_MSI_FLAGS_ENABLE) << 16),
		  rd32(c, MSI));
	ASSERT_EQ(0, wr8(c, MSI + PCI_MSI_FLAGS, 0));
	EXPECT_FALSE(mvgpu_cfg_msi_enabled(c));
	EXPECT_EQ(0x1234U, rd16(c, MSI + PCI_MSI_DATA_64));
}

TEST_F(cfg, bounds)
{
	struct mvgpu_cfg_space *c = &self->cfg;
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 before[MVGPU_CFG_SIZE];

	memcpy(before, c->data, sizeof(before));
	/* Last byte, last word, last dword: fine. */
	EXPECT_EQ(0, mvgpu_cfg_read(c, 255, buf, 1));
	EXPECT_EQ(0, mvgpu_cfg_read(c, 254, buf, 2));
	EXPECT_EQ(0, mvgpu_cfg_read(c, 252, buf, 4));
	EXPECT_EQ(0, mvgpu_cfg_write(c, 255, buf, 1));
	EXPECT_EQ(0, mvgpu_cfg_write(c, 252, buf, 4));

	/* Past the end, overflowing, and empty (len 0 is -EINVAL). */
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 255, buf, 2));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 256, buf, 1));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 0, buf, 257));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 0xffffffff, buf, 2));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 2, buf, 0xffffffff));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 0x80000000, buf, 0x80000000));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 0, buf, 0));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_read(c, 256, buf, 0));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, 255, buf, 2));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, 256, buf, 1));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, 0xffffffff, buf, 2));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, 2, buf, 0xffffffff));
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, 0, buf, 0));
	/* A rejected write changes nothing, not even a partial prefix. */
	EXPECT_EQ(-EINVAL, mvgpu_cfg_write(c, PCI_INTERRUPT_LINE, buf, 250));
	EXPECT_EQ(0, memcmp(before, c->data, sizeof(before)));
}

TEST_F(cfg, unaligned_access)
{
	struct mvgpu_cfg_space *c = &self->cfg;

	/* Word across vendor and device ID. */
	EXPECT_EQ(0x504dU, rd16(c, PCI_VENDOR_ID + 1));
	/* Dword across device ID and command. */
	EXPECT_EQ(0x00004750U, rd32(c, PCI_DEVICE_ID));
	EXPECT_EQ(0x10000047U, rd32(c, PCI_DEVICE_ID + 1) & 0xff0000ff);
	/* Three-byte read of the class code. */
	EXPECT_EQ(0x038000U, rd(c, PCI_CLASS_PROG, 3));

	/* Word write straddling interrupt line (RW) and pin (RO). */
	ASSERT_EQ(0, wr16(c, PCI_INTERRUPT_LINE, 0x770b));
	EXPECT_EQ(0x010bU, rd16(c, PCI_INTERRUPT_LINE));
	/* Dword write at +1 of BAR0: bytes 0x11..0x14 (BAR1's first). */
	ASSERT_EQ(0, wr32(c, PCI_BASE_ADDRESS_0 + 1, 0xaabbccdd));
	EXPECT_EQ(0xbbcc0000U, rd32(c, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0U, rd32(c, PCI_BASE_ADDRESS_1));
	/* Word write at an odd offset inside the MSI address. */
	ASSERT_EQ(0, wr16(c, MSI + PCI_MSI_ADDRESS_LO + 1, 0xeeff));
	EXPECT_EQ(0x00eeff00U, rd32(c, MSI + PCI_MSI_ADDRESS_LO));
	/* Cache line size and latency timer in one word. */
	ASSERT_EQ(0, wr16(c, PCI_CACHE_LINE_SIZE, 0x4010));
	EXPECT_EQ(0x10U, rd8(c, PCI_CACHE_LINE_SIZE));
	EXPECT_EQ(0x40U, rd8(c, PCI_LATENCY_TIMER));
	/* A dword write over cache line..BIST leaves header type alone. */
	ASSERT_EQ(0, wr32(c, PCI_CACHE_LINE_SIZE, 0xffffffff));
	EXPECT_EQ(0x0000ffffU, rd32(c, PCI_CACHE_LINE_SIZE));
}

TEST(bar_params)
{
	struct mvgpu_cfg_params p = {
		.vendor = 1, .device = 2, .class_code = 0x12345678,
	};
	struct mvgpu_cfg_space cfg;
	u8 buf[4];

	/* Size 0: BARs not implemented at all, not even flags. */
	mvgpu_cfg_init(&cfg, &p);
	EXPECT_EQ(0x345678U << 8, rd32(&cfg, PCI_CLASS_REVISION));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_0, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_2, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_3, 0xffffffff));
	EXPECT_EQ(0U, rd32(&cfg, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0U, rd32(&cfg, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0U, rd32(&cfg, PCI_BASE_ADDRESS_3));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(&cfg, 0));
	EXPECT_EQ(0U, mvgpu_cfg_bar_address(&cfg, 2));

	/* Largest sizes: 2 GiB BAR0, 2^63-byte BAR2. */
	p.bar0_size = 1U << 31;
	p.bar2_size = 1ULL << 63;
	mvgpu_cfg_init(&cfg, &p);
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_0, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_2, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_3, 0xffffffff));
	EXPECT_EQ(0x80000000U, rd32(&cfg, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0x0000000cU, rd32(&cfg, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0x80000000U, rd32(&cfg, PCI_BASE_ADDRESS_3));
	EXPECT_EQ(1ULL << 63, mvgpu_cfg_bar_address(&cfg, 2));

	/* Smallest and odd sizes round up to a power of two >= 16. */
	p.bar0_size = 1;
	p.bar2_size = 3ULL << 32;
	mvgpu_cfg_init(&cfg, &p);
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_0, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_2, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_3, 0xffffffff));
	EXPECT_EQ(0xfffffff0U, rd32(&cfg, PCI_BASE_ADDRESS_0));
	EXPECT_EQ(0x0000000cU, rd32(&cfg, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0xfffffffcU, rd32(&cfg, PCI_BASE_ADDRESS_3));

	/* The 4 GiB - 16 byte boundary of a 32-bit BAR. */
	p.bar0_size = 16;
	p.bar2_size = 16;
	mvgpu_cfg_init(&cfg, &p);
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_0, 0xffffffff));
	ASSERT_EQ(0, mvgpu_cfg_read(&cfg, PCI_BASE_ADDRESS_0, buf, 4));
	EXPECT_EQ(0xf0, buf[0]);
	EXPECT_EQ(0xff, buf[3]);
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_2, 0xffffffff));
	ASSERT_EQ(0, wr32(&cfg, PCI_BASE_ADDRESS_3, 0xffffffff));
	EXPECT_EQ(0xfffffffcU, rd32(&cfg, PCI_BASE_ADDRESS_2));
	EXPECT_EQ(0xffffffffU, rd32(&cfg, PCI_BASE_ADDRESS_3));
	EXPECT_EQ(0xfffffffffffffff0ULL, mvgpu_cfg_bar_address(&cfg, 2));
}

TEST_HARNESS_MAIN
