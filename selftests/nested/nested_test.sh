#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Nested-guest test, run inside the L1 VM of the test bed: create a vGPU,
# start an L2 guest with -device vfio-pci,sysfsdev=..., and check what the
# L2 guest sees of it (IDs, BAR sizes, registers, VRAM). TAP output.
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
probe=$repo/build/l2/mvgpu-probe
type=quarter
num=0
failed=0

tap() { # tap OK|FAIL description
	num=$((num + 1))
	if [ "$1" = OK ]; then
		echo "ok $num $2"
	else
		echo "not ok $num $2"
		failed=$((failed + 1))
	fi
}

expect() { # expect key value description
	if grep -qx "$1=$2" "$out"; then
		tap OK "$3 ($1=$2)"
	else
		tap FAIL "$3: wanted $1=$2, L2 saw: $(grep "^$1=" "$out" | head -1)"
	fi
}

echo "TAP version 13"
echo "1..14"

if [ ! -x "$probe" ]; then
	echo "# $probe missing: run 'make -C selftests/nested' on the host" >&2
	exit 1
fi
pgpu=$(basename "$(find /sys/class/mdev_bus/ -mindepth 1 -maxdepth 1 | sort | head -1)")
tdir=/sys/class/mdev_bus/$pgpu/mdev_supported_types/mvgpu_sim-$type
uuid=$(cat /proc/sys/kernel/random/uuid)
vram=$(sed -n 's/.*vram_bytes=\([0-9]*\).*/\1/p' "$tdir/description")
queues=$(sed -n 's/.*queues=\([0-9]*\).*/\1/p' "$tdir/description")
out=$(mktemp /tmp/nested.XXXXXX)

if echo "$uuid" > "$tdir/create"; then
	tap OK "create $type vGPU $uuid on $pgpu"
else
	tap FAIL "create $type vGPU on $pgpu"
fi

start=$(date +%s)
"$repo/tools/vm/run-l2" --timeout 600 --file "$probe:/bin/mvgpu-probe" \
	--qemu-arg -device \
	--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
	-- 'mvgpu-probe' > "$out" 2>&1
rc=$?
echo "# L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
sed 's/^/# L2: /' "$out"
if [ $rc -eq 0 ]; then
	tap OK "L2 guest booted with the vGPU and mvgpu-probe passed"
else
	tap FAIL "L2 guest run failed with exit $rc"
fi

expect ids 4d56:4750 "L2 sees mvgpu PCI IDs"
expect class 038000 "L2 sees display class"
expect bar0_size 65536 "BAR0 size"
expect bar2_size "$vram" "BAR2 size equals type VRAM"
expect bar2_64bit yes "BAR2 is 64-bit"
expect bar2_prefetch yes "BAR2 is prefetchable"
expect magic 0x5550474d "magic register through BAR0"
abi_major=$(sed -n 's/^#define MVGPU_ABI_MAJOR[[:space:]]*\([0-9]*\)$/\1/p' "$repo/include/uapi/mvgpu/mvgpu_regs.h")
abi_minor=$(sed -n 's/^#define MVGPU_ABI_MINOR[[:space:]]*\([0-9]*\)$/\1/p' "$repo/include/uapi/mvgpu/mvgpu_regs.h")
expect abi_version "$(printf '0x%04x%04x' "$abi_major" "$abi_minor")" "ABI version register"
expect vram_size "$vram" "VRAM size registers"
expect num_queues "$queues" "queue count register"
expect vram_rw ok "VRAM write/read through BAR2 in L2"

if echo 1 > "/sys/bus/mdev/devices/$uuid/remove" &&
   [ ! -e "/sys/bus/mdev/devices/$uuid" ]; then
	tap OK "vGPU removed after the L2 guest exited"
else
	tap FAIL "remove vGPU after the L2 guest exited"
fi
rm -f "$out"
[ $failed -eq 0 ]
