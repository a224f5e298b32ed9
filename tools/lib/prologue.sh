# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The prologue of every bash test and tier runner of mvgpu: the repository
# path, KTAP output (tools/lib/ktap.sh) and the lookups the tests share.
# Sourced, never executed:
#
#   # shellcheck source=tools/lib/prologue.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"
#
# Sets MVGPU_REPO (the repository, also in the test VM, where it is
# mounted read-only at the same path) and MVGPU_KVER (the running test
# kernel in the VM, else the host's).

MVGPU_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MVGPU_KVER=${MVGPU_KVER:-$(uname -r)}

# shellcheck source=tools/lib/ktap.sh
. "$MVGPU_REPO/tools/lib/ktap.sh"

# The build products of the kernel modules for the running test kernel.
mvgpu_module_path() { # MODULE-NAME
	echo "$MVGPU_REPO/build/modules/$MVGPU_KVER/$1.ko"
}

# The first pGPU (mdev parent) in name order.
mvgpu_first_pgpu() {
	find /sys/class/mdev_bus/ -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
		sort | head -n 1
}

# The sysfs directory of vGPU type TYPE (quarter, eighth, ...) on PGPU.
mvgpu_type_dir() { # PGPU TYPE
	echo "/sys/class/mdev_bus/$1/mdev_supported_types/mvgpu_sim-$2"
}

# A KEY=NUMBER field of a type's description (vram_bytes, queues, ...).
mvgpu_type_field() { # TYPE-DIR KEY
	sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$1/description"
}

mvgpu_new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# mvgpu_vgpu_create PGPU TYPE: creates a vGPU, prints its UUID.
mvgpu_vgpu_create() {
	local uuid
	uuid=$(mvgpu_new_uuid)
	echo "$uuid" >"$(mvgpu_type_dir "$1" "$2")/create" || return 1
	echo "$uuid"
}

# mvgpu_vgpu_remove UUID: removes the vGPU; fails if it is still there.
mvgpu_vgpu_remove() {
	echo 1 >"/sys/bus/mdev/devices/$1/remove" &&
		[ ! -e "/sys/bus/mdev/devices/$1" ]
}

# The guest-visible ABI version from the uapi header, as MAJOR.MINOR.
mvgpu_abi_version() {
	local h=$MVGPU_REPO/include/uapi/mvgpu/mvgpu_regs.h
	printf '%s.%s\n' \
		"$(sed -n 's/^#define MVGPU_ABI_MAJOR[[:space:]]*\([0-9]*\)$/\1/p' "$h")" \
		"$(sed -n 's/^#define MVGPU_ABI_MINOR[[:space:]]*\([0-9]*\)$/\1/p' "$h")"
}
