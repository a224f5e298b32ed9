#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# The L2 side of the guest tier (selftests/guest/guest_test.sh passes this
# file to tools/vm/run-l2 as its snippet): busybox sh in the nested guest,
# with the vGPU, mvgpu_drm.ko in /root, the guest tools, mvgpu-drm-smoke
# and modetest in /usr/bin. Each step is framed by "== STEP <name>" and
# "== RESULT <name> <exit status>" lines for the L1 side to judge. The
# pattern steps hold the picture until the L1 side has taken its
# screendump and writes a line to /dev/ttyS3.

step() { echo "== STEP $1"; }
result() { echo "== RESULT $1 $2"; }

# The driver's view of the device, display block included (diagnostics).
disp_regs() {
	for f in /sys/kernel/debug/dri/*/mvgpu_status; do
		[ -r "$f" ] && sed 's/^/status: /' "$f"
		break
	done
}

echo "L2 kernel $(uname -r)"
step insmod
insmod /root/mvgpu_drm.ko
rc=$?
i=0
while [ $rc -eq 0 ] && [ ! -e /dev/dri/card0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ls -l /dev/dri 2>&1
[ $rc -eq 0 ] && [ ! -e /dev/dri/card0 ] && rc=1
result insmod $rc

step info
mvgpu-info
mvgpu-info --keys
result info $?

step conformance
# $conformance_tests (set before this file by guest_test.sh): names of
# tests, or empty for all.
# shellcheck disable=SC2154,SC2086 # a list of names
mvgpu-conformance $conformance_tests
result conformance $?

step modetest_c
modetest -M mvgpu -c >/tmp/modetest-c.txt 2>&1
rc=$?
cat /tmp/modetest-c.txt
result modetest_c $rc

step modetest_p
modetest -M mvgpu -p
result modetest_p $?

# The first connected connector and its first mode.
conn=$(awk '$3 == "connected" { print $1; exit }' /tmp/modetest-c.txt)
mode=$(awk '/^  #0 / { print $2; exit }' /tmp/modetest-c.txt)
step modetest_s
echo "modetest -M mvgpu -s ${conn:-?}:${mode:-?}"
if [ -n "$conn" ] && [ -n "$mode" ]; then
	# Sets the mode, draws modetest's own pattern, returns at EOF.
	modetest -M mvgpu -s "$conn:$mode" </dev/null
	result modetest_s $?
else
	echo "no connected connector with a mode"
	result modetest_s 1
fi

stty -F /dev/ttyS3 raw -echo 2>/dev/null
for variant in cpu gpu_atomic; do
	args=
	[ "$variant" = gpu_atomic ] && args="--gpu --atomic"
	step "pattern_$variant"
	# shellcheck disable=SC2086 # $args is a list of options
	mvgpu-kms-pattern $args --hold 900 >/tmp/pattern.txt 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null && ! grep -q PATTERN-READY /tmp/pattern.txt; do
		sleep 0.2
	done
	cat /tmp/pattern.txt
	if grep -q PATTERN-READY /tmp/pattern.txt; then
		disp_regs
		# Held until L1 has its screendump (it says so on ttyS3), for
		# two minutes at most.
		# shellcheck disable=SC3045 # busybox sh has read -t
		read -r -t 120 line </dev/ttyS3
		echo "L1 says: ${line:-nothing}"
		kill -TERM $pid
	fi
	wait $pid
	result "pattern_$variant" $?
done
# The conformance test ends with a hot-unplug and a rescan: the nodes may
# have new numbers.
step fbdev
# The driver's fbdev emulation, and the console on it.
ls -l /dev/fb* 2>&1
dmesg | grep -E 'fb[0-9]' | tail -5
ls /dev/fb[0-9]* >/dev/null 2>&1
result fbdev $?

step smoke
# The driver's ioctls without libdrm, refused packets, and recovery from a
# hang, a queue error and a vGPU reset (last: it resets the vGPU).
render=/dev/dri/renderD128
for node in /dev/dri/renderD*; do
	render=$node
	break
done
mvgpu-drm-smoke "$render"
result smoke $?

step rmmod
rmmod mvgpu_drm
result rmmod $?
dmesg | grep -i mvgpu | tail -20
exit 0
