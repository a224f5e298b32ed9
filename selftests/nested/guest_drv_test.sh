#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest driver test, run inside the L1 VM of the test bed: create a vGPU,
# boot an L2 guest with it, load mvgpu_drm.ko there and check that it
# binds, creates its DRM nodes and the fbdev console, and passes
# mvgpu-drm-smoke (objects, submits, fences, syncobj, PRIME, refused
# packets, recovery from a queue error and from a vGPU reset). TAP output.
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
smoke=$repo/build/l2/mvgpu-drm-smoke
kver=$(uname -r)
module=$repo/build/modules/$kver/mvgpu_drm.ko
type=${MVGPU_GUEST_TYPE:-quarter}
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

expect_line() { # expect_line REGEX description
	if grep -qE "$1" "$out"; then
		tap OK "$2"
	else
		tap FAIL "$2 (no line matching '$1' in the L2 output)"
	fi
}

echo "TAP version 13"
for f in "$smoke" "$module"; do
	if [ ! -e "$f" ]; then
		echo "# $f missing: run 'make -C selftests/nested' and 'make modules-vm' on the host" >&2
		exit 1
	fi
done
pgpu=$(basename "$(find /sys/class/mdev_bus/ -mindepth 1 -maxdepth 1 | sort | head -1)")
tdir=/sys/class/mdev_bus/$pgpu/mdev_supported_types/mvgpu_sim-$type
uuid=$(cat /proc/sys/kernel/random/uuid)
out=$(mktemp /tmp/guestdrv.XXXXXX)

if echo "$uuid" > "$tdir/create"; then
	tap OK "create $type vGPU $uuid on $pgpu"
else
	tap FAIL "create $type vGPU on $pgpu"
fi

# The L2 snippet prints one marker per step; the smoke test prints TAP-like
# lines of its own, renumbered below.
# shellcheck disable=SC2016
snippet='
grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs none /sys/kernel/debug
insmod /root/mvgpu_drm.ko && echo "step: insmod"
sleep 2
for n in card0 renderD128; do [ -e /dev/dri/$n ] && echo "step: /dev/dri/$n"; done
[ -e /sys/class/drm/card0/device/driver ] &&
	echo "step: driver $(basename "$(readlink /sys/class/drm/card0/device/driver)")"
[ -e /dev/fb0 ] && echo "step: /dev/fb0"
dmesg | grep -E "mvgpu|fb0" | sed "s/^/dmesg: /"
cat /sys/kernel/debug/dri/*/mvgpu_status | sort -u | sed "s/^/status: /"
/bin/mvgpu-drm-smoke /dev/dri/renderD128 | sed "s/^/smoke: /"
echo "smoke-status: $(dmesg | grep -c -E "Oops|BUG|WARNING")"
rmmod mvgpu_drm && echo "step: rmmod"
'

start=$(date +%s)
"$repo/tools/vm/run-l2" --timeout 600 --mem 768 \
	--modprobe drm_kms_helper --modprobe drm_ttm_helper \
	--file "$smoke:/bin/mvgpu-drm-smoke" --file "$module:/root/mvgpu_drm.ko" \
	--allow-log 'vGPU reset|queue [0-9]+ stopped|queue [0-9]+: no progress' \
	--qemu-arg -device \
	--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
	-- "$snippet" > "$out" 2>&1
rc=$?
echo "# L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
sed 's/^/# L2: /' "$out"
if [ $rc -eq 0 ]; then
	tap OK "L2 guest ran the driver test and its kernel log is clean"
else
	tap FAIL "L2 guest run failed with exit $rc"
fi

expect_line '^step: insmod' "mvgpu_drm.ko loads in L2"
expect_line '^step: driver mvgpu_drm' "mvgpu_drm binds the vGPU"
expect_line '^step: /dev/dri/card0' "/dev/dri/card0 exists"
expect_line '^step: /dev/dri/renderD128' "/dev/dri/renderD128 exists"
expect_line '^dmesg: .*fb0' "fbdev emulation registers fb0"
expect_line '^step: /dev/fb0' "/dev/fb0 exists"
if grep -q '^status: display' "$out"; then
	expect_line '^status: display status 0x1 flips [1-9]' \
		"the console's plane is on (DISP_STATUS enabled, flips counted)"
fi

smoke_ok=$(grep -c '^smoke: ok ' "$out")
smoke_bad=$(grep -c '^smoke: not ok ' "$out")
if [ "$smoke_ok" -gt 0 ] && [ "$smoke_bad" -eq 0 ]; then
	tap OK "mvgpu-drm-smoke: $smoke_ok checks passed"
else
	tap FAIL "mvgpu-drm-smoke: $smoke_ok passed, $smoke_bad failed"
fi
expect_line '^step: rmmod' "mvgpu_drm.ko unloads"

if echo 1 > "/sys/bus/mdev/devices/$uuid/remove"; then
	tap OK "vGPU removed after the L2 guest exited"
else
	tap FAIL "remove vGPU after the L2 guest exited"
fi
rm -f "$out"
echo "1..$num"
[ $failed -eq 0 ]
