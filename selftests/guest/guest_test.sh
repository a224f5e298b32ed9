#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest tier, run inside the L1 VM of the test bed (tools/vm/run): create
# a vGPU, boot ONE nested L2 guest with it (-device vfio-pci,sysfsdev=...,
# display=on) and L1's QEMU QMP socket; in L2 load mvgpu_drm.ko,
# run mvgpu-info, mvgpu-conformance, modetest (-c, -p, and a -s mode set)
# and mvgpu-kms-pattern twice (drawn by the CPU and shown by
# drmModeSetCrtc; drawn by the vGPU and shown by an atomic commit); while
# each pattern is held, take a screendump through L1's QEMU QMP socket and
# compare it with the pattern pixel for pixel (build/l2/display_check);
# then check the fbdev emulation, run mvgpu-drm-smoke (the driver's ioctls
# without libdrm, recovery after a hang, a queue error and a vGPU reset)
# and unload the driver. KTAP output.
#
# Environment: MVGPU_GUEST_TYPE (vGPU type, default quarter);
# MVGPU_GUEST_UUID (use this existing vGPU instead of creating one);
# MVGPU_GUEST_CONFORMANCE (the mvgpu-conformance tests to run, default
# all); MVGPU_GUEST_DISPLAY=off (attach without display=on: for hosts
# without display support; every screendump check then fails).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/lib/prologue.sh
source "$here/../../tools/lib/prologue.sh"
repo=$MVGPU_REPO
guest=$repo/build/guest
kver=$MVGPU_KVER
ko=$(mvgpu_module_path mvgpu_drm)
type=${MVGPU_GUEST_TYPE:-quarter}

finish() {
	[ -n "${uuid:-}" ] && [ -z "${MVGPU_GUEST_UUID:-}" ] &&
		[ -e "/sys/bus/mdev/devices/$uuid" ] &&
		echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
	[ -n "${drains:-}" ] && kill "${drains[@]}" 2>/dev/null
	[ -n "${work:-}" ] && rm -rf "$work"
	ktap_finished
	exit
}

# The exit status the L2 script reported for step $1, or "none".
l2_result() {
	local rc
	rc=$(sed -n "s/^== RESULT $1 \([0-9]*\)\$/\1/p" "$out" | tail -1)
	echo "${rc:-none}"
}

# The L2 output between "== STEP $1" and its RESULT line.
l2_section() {
	sed -n "/^== STEP $1\$/,/^== RESULT $1 /p" "$out"
}

l2_step() { # l2_step NAME DESCRIPTION: one TAP line for an L2 step
	local rc
	rc=$(l2_result "$1")
	if [ "$rc" = 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2 (L2 exit status $rc)"
	fi
}

ktap_print_header
check=$repo/build/l2/display_check
smoke=$repo/build/l2/mvgpu-drm-smoke
tools=(mvgpu-info mvgpu-conformance mvgpu-gbench mvgpu-kms-pattern)
for t in "${tools[@]}"; do
	if [ ! -x "$guest/$t" ]; then
		ktap_print_msg "$guest/$t missing: run 'make guest-tools' on the host"
		ktap_test_fail "guest tools built"
		finish
	fi
done
for t in "$check" "$smoke"; do
	if [ ! -x "$t" ]; then
		ktap_print_msg "$t missing: run 'make -C selftests/guest' on the host"
		ktap_test_fail "screendump checker and mvgpu-drm-smoke built"
		finish
	fi
done
if [ -f "$ko" ]; then
	ktap_test_pass "mvgpu_drm.ko built for $kver"
else
	ktap_test_fail "mvgpu_drm.ko built for $kver ($ko missing: make modules-vm)"
fi
modetest=$(command -v modetest || true)
if [ -z "$modetest" ]; then
	ktap_test_fail "modetest installed (Debian package libdrm-tests)"
	finish
fi

work=$(mktemp -d /tmp/guest-test.XXXXXX)
out=$work/l2.txt
if [ -n "${MVGPU_GUEST_UUID:-}" ]; then
	uuid=$MVGPU_GUEST_UUID
	pgpu=$(basename "$(readlink -f "/sys/bus/mdev/devices/$uuid/..")")
	vram=$(cat "/sys/bus/mdev/devices/$uuid/mvgpu/vram_bytes")
	ktap_test_pass "use vGPU $uuid on $pgpu"
else
	pgpu=$(mvgpu_first_pgpu)
	if uuid=$(mvgpu_vgpu_create "$pgpu" "$type"); then
		ktap_test_pass "create $type vGPU $uuid on $pgpu"
	else
		ktap_test_fail "create $type vGPU on $pgpu"
		finish
	fi
	vram=$(mvgpu_type_field "$(mvgpu_type_dir "$pgpu" "$type")" vram_bytes)
fi
# A hang must be caught well within the conformance test's patience,
# and a WAIT released by the nested guest's CPU must not be taken for one.
wd=/sys/class/mdev_bus/$pgpu/mvgpu/sched_watchdog_ms
[ -w "$wd" ] && echo 10000 > "$wd"

# L2's files: the tools, modetest and their libraries; the module, and
# the DRM helpers it needs loaded from the test kernel.
modarg=()
[ -f "$ko" ] && modarg=(--module "$ko")
if ! list=$("$repo/tools/guest/l2-files" "${modarg[@]}" \
	"$guest/mvgpu-info" "$guest/mvgpu-conformance" "$guest/mvgpu-gbench" \
	"$guest/mvgpu-kms-pattern" "$smoke" "$modetest"); then
	ktap_test_fail "list the files of the L2 guest"
	finish
fi
mapfile -t files <<<"$list"
# L1's QEMU QMP socket, and a line to L2's ttyS3 on a pipe.
sock=$work/qmp.sock
mkfifo "$work/ctl.in" "$work/ctl.out"
cat "$work/ctl.out" > /dev/null 2>&1 &
drains=($!)

: > "$out"
start=$(date +%s)
"$repo/tools/vm/run-l2" --timeout 1800 --mem 1024 "${files[@]}" \
	--qemu-arg -device \
	--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,display=${MVGPU_GUEST_DISPLAY:-on}" \
	--qmp "$sock" \
	--qemu-arg -chardev --qemu-arg "pipe,id=l2ctl,path=$work/ctl" \
	--qemu-arg -serial --qemu-arg chardev:l2ctl \
	-- "conformance_tests='${MVGPU_GUEST_CONFORMANCE:-}'
$(cat "$here/l2-guest.sh")" > "$out" 2>&1 &
l2=$!
# L2's output as it comes, so that a timeout still shows how far it got.
tail -n +1 -f --pid="$l2" "$out" | sed -u 's/^/# L2: /' &
drains+=($!)

# to_pipe FIFO LINE: write a line QEMU reads (never blocks if it is gone).
to_pipe() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	timeout 10 sh -c 'echo "$2" > "$1"' sh "$1" "$2"
}

# screendump NAME WxH: take one, compare it with the pattern of that size.
screendump() {
	local ppm=$work/screen-$1.ppm rc=1
	if "$check" screendump "$sock" "$ppm" > "$work/check.txt" 2>&1; then
		ktap_test_pass "screendump of L1's QEMU ($1, $("$check" size "$ppm"))"
		"$check" compare "$ppm" "${2%x*}" "${2#*x}" > "$work/check.txt" 2>&1
		rc=$?
	else
		ktap_test_fail "screendump of L1's QEMU ($1)"
	fi
	sed 's/^/# screen: /' "$work/check.txt"
	if [ "$rc" -eq 0 ]; then
		ktap_test_pass "screendump is the pattern, pixel for pixel, at $2 ($1)"
	else
		ktap_test_fail "screendump is the pattern at $2 ($1)"
	fi
}

# While L2 runs: for each pattern it holds, a screendump, then release it.
k=0
for variant in cpu gpu_atomic; do
	k=$((k + 1))
	size=
	while kill -0 "$l2" 2>/dev/null; do
		[ "$(l2_result "pattern_$variant")" != none ] && break
		if [ "$(grep -c '^PATTERN-READY ' "$out")" -ge "$k" ]; then
			size=$(grep '^PATTERN-READY ' "$out" | sed -n "${k}p" | awk '{ print $2 }')
			break
		fi
		sleep 1
	done
	if [ -n "$size" ]; then
		screendump "$variant" "$size"
		to_pipe "$work/ctl.in" go
	else
		ktap_test_fail "L2 showed the pattern ($variant)"
	fi
done
wait "$l2"
rc=$?
sleep 2	# tail -f notices the end of L2 within a second
ktap_print_msg "L2 guest ran for $(( $(date +%s) - start )) s, exit $rc"
if [ $rc -eq 0 ]; then
	ktap_test_pass "L2 guest booted with the vGPU, ran every step, kernel log clean"
else
	ktap_test_fail "L2 guest run failed with exit $rc"
fi

l2_step insmod "mvgpu_drm.ko loads in L2 and creates /dev/dri/card0"
l2_step info "mvgpu-info finds the device"
l2_section info > "$work/info.txt"
for kv in "abi_version=$(mvgpu_abi_version)" "vram_bytes=$vram" \
	  "engines=$(cat "/sys/class/mdev_bus/$pgpu/mvgpu/engines" 2>/dev/null)"; do
	if grep -qx "$kv" "$work/info.txt"; then
		ktap_test_pass "mvgpu-info: $kv"
	else
		ktap_test_fail "mvgpu-info: wanted $kv, saw: $(grep "^${kv%%=*}=" "$work/info.txt")"
	fi
done

# Each test of mvgpu-conformance is a test of this tier.
l2_section conformance > "$work/conformance.txt"
while read -r line; do
	case $line in
	"ok "*) ktap_test_pass "conformance: ${line#ok [0-9]* }" ;;
	"not ok "*) ktap_test_fail "conformance: ${line#not ok [0-9]* }" ;;
	esac
done < "$work/conformance.txt"
l2_step conformance "mvgpu-conformance passed as a whole"

l2_step modetest_c "modetest -M mvgpu -c lists the connectors"
if l2_section modetest_c | grep -qE '^[0-9]+[[:space:]]+[0-9]+[[:space:]]+connected[[:space:]]'; then
	ktap_test_pass "modetest: a connected connector"
else
	ktap_test_fail "modetest: a connected connector"
fi
if l2_section modetest_c | grep -qE '^  #0 [0-9]+x[0-9]+'; then
	ktap_test_pass "modetest: the connector has modes"
else
	ktap_test_fail "modetest: the connector has modes"
fi
l2_step modetest_p "modetest -M mvgpu -p lists CRTCs and planes"
l2_step modetest_s "modetest -M mvgpu -s sets a mode"
l2_step pattern_cpu "mvgpu-kms-pattern: CPU drawing, drmModeSetCrtc"
l2_step pattern_gpu_atomic "mvgpu-kms-pattern: vGPU BLIT drawing, atomic commit"
l2_step fbdev "fbdev emulation: a /dev/fb device"

# Each check of mvgpu-drm-smoke is a test of this tier.
while read -r line; do
	case $line in
	"ok "*) ktap_test_pass "smoke: ${line#ok [0-9]* }" ;;
	"not ok "*) ktap_test_fail "smoke: ${line#not ok [0-9]* }" ;;
	esac
done < <(l2_section smoke)
l2_step smoke "mvgpu-drm-smoke passed as a whole (ioctls without libdrm, recovery after a hang, a queue error, a vGPU reset)"
l2_step rmmod "mvgpu_drm.ko unloads"

if [ -n "${MVGPU_GUEST_UUID:-}" ]; then
	finish
fi
ktap_test_result "vGPU removed after the L2 guest exited" mvgpu_vgpu_remove "$uuid"
finish
