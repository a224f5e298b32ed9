#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest driver test, run inside the L1 VM of the test bed: create a vGPU,
# boot an L2 guest with it, load mvgpu_drm.ko there and check that it
# binds, creates its DRM nodes and the fbdev console, and passes
# mvgpu-drm-smoke (objects, submits, fences, syncobj, PRIME, refused
# packets, recovery from a queue error and from a vGPU reset). TAP output.
set -u

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"
repo=$MVGPU_REPO
smoke=$repo/build/l2/mvgpu-drm-smoke
module=$(mvgpu_module_path mvgpu_drm)
type=${MVGPU_GUEST_TYPE:-quarter}

expect_line() { # expect_line REGEX description
	if grep -qE "$1" "$out"; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2 (no line matching '$1' in the L2 output)"
	fi
}

ktap_print_header
for f in "$smoke" "$module"; do
	[ -e "$f" ] || ktap_bail_out "$f missing: run 'make -C selftests/nested' and 'make modules-vm' on the host"
done
pgpu=$(mvgpu_first_pgpu)
out=$(mktemp /tmp/guestdrv.XXXXXX)

if uuid=$(mvgpu_vgpu_create "$pgpu" "$type"); then
	ktap_test_pass "create $type vGPU $uuid on $pgpu"
else
	ktap_test_fail "create $type vGPU on $pgpu"
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
ktap_print_msg "L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
sed 's/^/# L2: /' "$out"
ktap_test_status "$rc" "L2 guest ran the driver test and its kernel log is clean" \
	"L2 guest run failed with exit $rc"

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
	ktap_test_pass "mvgpu-drm-smoke: $smoke_ok checks passed"
else
	ktap_test_fail "mvgpu-drm-smoke: $smoke_ok passed, $smoke_bad failed"
fi
expect_line '^step: rmmod' "mvgpu_drm.ko unloads"

ktap_test_result "vGPU removed after the L2 guest exited" mvgpu_vgpu_remove "$uuid"
rm -f "$out"
ktap_finished
