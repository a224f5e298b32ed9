#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest-side benchmark, as run inside the test VM (see
# tools/bench/run-guest): create a vGPU, boot a nested L2 guest with it,
# load mvgpu_drm.ko there and run mvgpu-gbench once. Its table and BENCH
# lines go to stdout.
#
#   tools/bench/guest-in-vm.sh [--type TYPE] [-- MVGPU-GBENCH-ARGS...]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
type=quarter
args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--type) type=$2; shift 2 ;;
	--) shift; args=("$@"); break ;;
	*) echo "guest-in-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
ko=$repo/build/modules/${MVGPU_KVER:?not in the test VM}/mvgpu_drm.ko
[[ -f $ko ]] || { echo "guest-in-vm.sh: $ko missing" >&2; exit 1; }

pgpu=$(basename "$(find /sys/class/mdev_bus/ -mindepth 1 -maxdepth 1 | sort | head -1)")
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "$uuid" > "/sys/class/mdev_bus/$pgpu/mdev_supported_types/mvgpu_sim-$type/create"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { echo 1 > "/sys/bus/mdev/devices/$uuid/remove"; }
trap cleanup EXIT
echo "vGPU $uuid ($type) on $pgpu; L1 kernel $(uname -r); L2 boots under TCG inside it"

mapfile -t files < <("$repo/tools/guest/l2-files" --module "$ko" \
	"$repo/build/guest/mvgpu-gbench")
# The snippet gets the arguments quoted for sh.
"$repo/tools/vm/run-l2" --timeout 1800 --idle-timeout 0 --mem 1024 "${files[@]}" \
	--qemu-arg -device \
	--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
	-- "insmod /root/mvgpu_drm.ko && mvgpu-gbench ${args[*]@Q}"
