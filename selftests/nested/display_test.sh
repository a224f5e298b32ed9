#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Nested display test, run inside the L1 VM of the test bed: an L2 guest
# without a driver (tools/l2/mvgpu-display) reads the EDID, draws the test
# pattern into VRAM at the EDID's preferred size and programs the display
# block; the L1 QEMU runs the vGPU with display=on (region planes) and
# ramfb=on (vfio-pci-nohotplug) and no display (-display none), and a
# screendump through its QMP socket must show the pattern pixel for pixel.
# One L2 boot checks it all. Before it, a QEMU that is not booted checks
# the dma-buf opt-in: with display_dmabuf=1 QEMU insists on OpenGL.
#
# QEMU (up to at least 9.x) reads the EDID region only for dma-buf
# displays, so xres=/yres= cannot be used with region planes: QEMU refuses
# them ("need edid support"), which is checked too. TAP output.
set -u

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"
repo=$MVGPU_REPO
bindir=$repo/build/l2
type=quarter
# The default monitor of a vGPU is 1024x768; the guest draws a smaller
# plane, because every store to BAR2 of a nested guest is slow under TCG.
width=320
height=240
hold=40

expect() { # expect key=value description
	if grep -qx "$1" "$out"; then
		ktap_test_pass "$2 ($1)"
	else
		ktap_test_fail "$2: wanted $1, L2 saw: $(grep "^${1%%=*}=" "$out" | head -1)"
	fi
}

# wait_for SECONDS COMMAND...: poll COMMAND every second until it succeeds.
wait_for() {
	local limit=$1 t=0
	shift
	until "$@"; do
		t=$((t + 1))
		[ $t -lt "$limit" ] || return 1
		sleep 1
	done
}

ktap_print_header
ktap_expect 15

for tool in mvgpu-display display_check; do
	[ -x "$bindir/$tool" ] ||
		ktap_bail_out "$bindir/$tool missing: run 'make -C selftests/nested' on the host"
done
check=$bindir/display_check
pgpu=$(mvgpu_first_pgpu)
work=$(mktemp -d /tmp/nested-display.XXXXXX)
out=$work/l2.out
sock=$work/qmp.sock

if uuid=$(mvgpu_vgpu_create "$pgpu" "$type"); then
	ktap_test_pass "create $type vGPU $uuid on $pgpu"
else
	ktap_test_fail "create $type vGPU on $pgpu"
fi

dev=/sys/bus/mdev/devices/$uuid
# qemu_fails DEVICE-OPTIONS PATTERN: QEMU refuses to start, saying PATTERN.
# A QEMU that does start waits (-S) until the timeout kills it.
qemu_fails() {
	local log=$work/qemu.log
	timeout 150 qemu-system-x86_64 -accel tcg -m 128 -nodefaults \
		-no-user-config -display none -net none -S -device "$1" \
		> "$log" 2>&1
	sed 's/^/# qemu: /' "$log"
	grep -q "$2" "$log"
}

echo 1 > "$dev/mvgpu/display_dmabuf"
if qemu_fails "vfio-pci,sysfsdev=$dev,display=on" "opengl not available"; then
	ktap_test_pass "display_dmabuf=1: QEMU probes dma-bufs and wants OpenGL"
else
	ktap_test_fail "display_dmabuf=1: QEMU did not insist on OpenGL"
fi
echo 0 > "$dev/mvgpu/display_dmabuf"
if qemu_fails "vfio-pci,sysfsdev=$dev,display=on,xres=1280,yres=800" \
	"need edid support"; then
	ktap_test_pass "QEMU refuses xres/yres with region planes (EDID only for dma-buf displays)"
else
	ktap_test_fail "QEMU accepted xres/yres with region planes"
fi

start=$(date +%s)
"$repo/tools/vm/run-l2" --timeout 600 --qmp "$sock" \
	--file "$bindir/mvgpu-display:/bin/mvgpu-display" \
	--qemu-arg -device \
	--qemu-arg "vfio-pci-nohotplug,sysfsdev=$dev,display=on,ramfb=on" \
	-- "mvgpu-display $hold $width $height" > "$out" 2>&1 &
l2=$!

# Before the guest draws: QEMU shows ramfb (nothing yet) and still dumps.
if wait_for 60 test -S "$sock" &&
   "$check" screendump "$sock" "$work/before.ppm"; then
	ktap_test_pass "screendump before the guest drew ($("$check" size "$work/before.ppm"), $(( $(date +%s) - start )) s after start)"
else
	ktap_test_fail "screendump before the guest drew"
fi

if wait_for 400 grep -q '^display_ready=1$' "$out"; then
	ready=$(( $(date +%s) - start ))
	ktap_test_pass "L2 drew the pattern and programmed the plane ($ready s after start)"
	if "$check" screendump "$sock" "$work/after.ppm"; then
		ktap_test_pass "screendump of the guest's plane ($("$check" size "$work/after.ppm"))"
	else
		ktap_test_fail "screendump of the guest's plane"
	fi
	sleep 2
	if ! "$check" screendump "$sock" "$work/again.ppm" ||
	   ! cmp -s "$work/after.ppm" "$work/again.ppm"; then
		ktap_print_msg "a second screendump 2 s later differs"
	fi
	if "$check" compare "$work/after.ppm" "$width" "$height"; then
		ktap_test_pass "screendump shows the test pattern pixel for pixel at ${width}x$height"
	else
		ktap_test_fail "screendump differs from the test pattern"
	fi
else
	ktap_test_fail "L2 never reported display_ready=1"
	ktap_test_fail "screendump of the guest's plane (skipped)"
	ktap_test_fail "screendump compare (skipped)"
fi

wait "$l2"
rc=$?
ktap_print_msg "L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
sed 's/^/# L2: /' "$out"
if [ $rc -eq 0 ]; then
	ktap_test_pass "L2 guest passed mvgpu-display"
else
	ktap_test_fail "L2 guest run failed with exit $rc"
fi

expect caps_display=yes "display capability"
expect connected=yes "monitor connected"
expect edid_checksum=ok "EDID checksum"
expect edid_header=ok "EDID header"
expect "edid_mode=1024x768" "EDID preferred mode is the default monitor's"
expect bad_plane=refused "plane past the end of VRAM refused"

ktap_test_result "vGPU removed after the L2 guest exited" mvgpu_vgpu_remove "$uuid"
rm -rf "$work"
ktap_finished
