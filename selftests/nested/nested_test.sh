#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Nested-guest test, run inside the L1 VM of the test bed: create a vGPU,
# start an L2 guest with -device vfio-pci,sysfsdev=..., and check what the
# L2 guest sees of it (IDs, BAR sizes, registers, VRAM). TAP output.
set -u

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"
repo=$MVGPU_REPO
probe=$repo/build/l2/mvgpu-probe
type=quarter

expect() { # expect key value description
	if grep -qx "$1=$2" "$out"; then
		ktap_test_pass "$3 ($1=$2)"
	else
		ktap_test_fail "$3: wanted $1=$2, L2 saw: $(grep "^$1=" "$out" | head -1)"
	fi
}

ktap_print_header
ktap_expect 14

[ -x "$probe" ] || ktap_bail_out "$probe missing: run 'make -C selftests/nested' on the host"
pgpu=$(mvgpu_first_pgpu)
tdir=$(mvgpu_type_dir "$pgpu" "$type")
vram=$(mvgpu_type_field "$tdir" vram_bytes)
queues=$(mvgpu_type_field "$tdir" queues)
out=$(mktemp /tmp/nested.XXXXXX)

if uuid=$(mvgpu_vgpu_create "$pgpu" "$type"); then
	ktap_test_pass "create $type vGPU $uuid on $pgpu"
else
	ktap_test_fail "create $type vGPU on $pgpu"
fi

start=$(date +%s)
"$repo/tools/vm/run-l2" --timeout 600 --file "$probe:/bin/mvgpu-probe" \
	--qemu-arg -device \
	--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
	-- 'mvgpu-probe' > "$out" 2>&1
rc=$?
ktap_print_msg "L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
sed 's/^/# L2: /' "$out"
ktap_test_status "$rc" "L2 guest booted with the vGPU and mvgpu-probe passed" \
	"L2 guest run failed with exit $rc"

expect ids 4d56:4750 "L2 sees mvgpu PCI IDs"
expect class 038000 "L2 sees display class"
expect bar0_size 65536 "BAR0 size"
expect bar2_size "$vram" "BAR2 size equals type VRAM"
expect bar2_64bit yes "BAR2 is 64-bit"
expect bar2_prefetch yes "BAR2 is prefetchable"
expect magic 0x5550474d "magic register through BAR0"
abi=$(mvgpu_abi_version)
expect abi_version "$(printf '0x%04x%04x' "${abi%.*}" "${abi#*.}")" "ABI version register"
expect vram_size "$vram" "VRAM size registers"
expect num_queues "$queues" "queue count register"
expect vram_rw ok "VRAM write/read through BAR2 in L2"

ktap_test_result "vGPU removed after the L2 guest exited" mvgpu_vgpu_remove "$uuid"
rm -f "$out"
ktap_finished
