#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the mvgpu VM selftests: every test binary built by
# "make -C selftests/vm", one after the other, with their TAP output on
# stdout. Meant for the test VM, as root with mvgpu.ko and mvgpu_sim.ko
# loaded:
#
#   tools/vm/run --kernel 6.1 -- selftests/vm/run.sh
#
# Arguments, if any, are test binary names to run instead of all of them.
# MVGPU_SELFTESTS_DIR overrides where the binaries are (default
# build/selftests in the repository).
#
# Exit status: 0 if every binary passed, 1 otherwise.

set -uo pipefail

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"
bindir=${MVGPU_SELFTESTS_DIR:-$MVGPU_REPO/build/selftests}
tests=(mvgpu_lifecycle_test mvgpu_vfio_test mvgpu_cmd_test mvgpu_fault_test
	mvgpu_display_test mvgpu_sched_test)
[[ $# -gt 0 ]] && tests=("$@")

if [[ $(id -u) -ne 0 ]]; then
	ktap_print_msg "selftests/vm: needs root (run it in the VM: tools/vm/run -- $0)"
	exit 1
fi
# In the test VM the modules must be there: a missing pGPU is a failure,
# not a reason to skip.
if [[ ${MVGPU_IN_VM:-0} == 1 ]] && ! compgen -G "/sys/class/mdev_bus/*" >/dev/null; then
	ktap_print_msg "selftests/vm: no mdev parent device: are mvgpu.ko and mvgpu_sim.ko loaded?"
	exit 1
fi

# vGPUs on mvgpu_sim pGPUs, one UUID a line.
sim_vgpus() {
	local parent drv dev
	for parent in /sys/class/mdev_bus/*; do
		drv=$(readlink "$parent/driver" 2>/dev/null) || continue
		[[ ${drv##*/} == mvgpu_sim ]] || continue
		for dev in "$parent"/mdev_supported_types/*/devices/*; do
			[[ -e $dev ]] && echo "${dev##*/}"
		done
	done
}

# Tests remove what they create; whatever is left is a leak. Report it
# and clean up, so one test binary does not poison the next.
check_leaks() {
	local uuid leaked=0
	while read -r uuid; do
		[[ -n $uuid ]] || continue
		ktap_print_msg "selftests/vm: $1 left vGPU $uuid behind"
		timeout 60 sh -c "echo 1 > /sys/bus/mdev/devices/$uuid/remove" ||
			ktap_print_msg "selftests/vm: cannot remove $uuid"
		leaked=1
	done <<<"$(sim_vgpus)"
	return "$leaked"
}

# kmemleak (debug kernels): forget what was there before the tests, then
# after them report every object nothing references any more.
kmemleak=/sys/kernel/debug/kmemleak
[[ -w $kmemleak ]] || kmemleak=''
kmemleak_check() {
	local report line
	[[ -n $kmemleak ]] || return 0
	# Objects younger than 5 s are never reported; two scans settle it.
	sleep 6
	echo scan >"$kmemleak" && echo scan >"$kmemleak" || return 0
	report=$(<"$kmemleak")
	[[ -n $report ]] || return 0
	ktap_print_msg "selftests/vm: kmemleak: objects leaked while the tests ran:"
	while IFS= read -r line; do
		ktap_print_msg "$line"
	done <<<"$report"
	return 1
}

failed=()
start=$SECONDS
[[ -n $kmemleak ]] && echo clear >"$kmemleak"
check_leaks "an earlier run" || failed+=("(leftover vGPUs)")
for t in "${tests[@]}"; do
	bin=$bindir/$t
	if [[ ! -x $bin ]]; then
		ktap_print_msg "selftests/vm: $bin missing: run 'make -C selftests/vm' on the host"
		failed+=("$t")
		continue
	fi
	ktap_print_msg "selftests/vm: running $t"
	"$bin"
	rc=$?
	[[ $rc -eq 0 ]] || ktap_print_msg "selftests/vm: $t failed (exit status $rc)"
	check_leaks "$t" || rc=1
	[[ $rc -eq 0 ]] || failed+=("$t")
done

kmemleak_check || failed+=("(kmemleak)")
ktap_print_msg "selftests/vm: ${#tests[@]} binaries, ${#failed[@]} failed, $((SECONDS - start)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
	ktap_print_msg "selftests/vm: failed: ${failed[*]}"
	exit 1
fi
exit 0
