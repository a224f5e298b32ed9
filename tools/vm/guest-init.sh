#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest side of tools/vm/run, started by the initramfs /init chrooted into
# the host root (read-only, scratch tmpfs on /tmp, /var/tmp, /run, /root).
# Stdout/stderr are the command channel (ttyS1). Loads the modules, runs
# the command under timeout, dumps the kernel log on ttyS2 and reports the
# exit status with a marker line that tools/vm/run reads.
#
# Arg: the run directory holding "config" (written by tools/vm/run).

# shellcheck disable=SC2154 # vm_* come from the run's config file
set -uo pipefail

run_dir=${1:?run directory}
# shellcheck source=/dev/null
source "$run_dir/config" || {
	echo "mvgpu-vm: cannot read $run_dir/config"
	exit 1
}

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=${vm_term:-dumb}
export MVGPU_KVER=$vm_kver MVGPU_SERIES=$vm_series MVGPU_REPO=$vm_repo
export MVGPU_KERNEL_ROOT=$vm_kernel_root MVGPU_IN_VM=1
export MVGPU_MODULES_DIR=$vm_repo/build/modules/$vm_kver

finish() {
	local rc=$1
	# An interactive session hangs up ttyS1 when it ends: open it anew.
	exec </dev/null >/dev/ttyS1 2>&1
	# The whole ring buffer, for the host's log check.
	stty -F /dev/ttyS2 -onlcr 2>/dev/null
	dmesg --color=never >/dev/ttyS2 2>&1
	# Interactive: keep the marker off the terminal, in the log dump.
	if [[ $vm_interactive == 1 ]]; then
		printf 'MVGPU-VM-EXIT-%s %d\n' "$vm_token" "$rc" >/dev/ttyS2
	else
		printf 'MVGPU-VM-EXIT-%s %d\n' "$vm_token" "$rc"
	fi
	# GNU stty applies settings with TCSADRAIN: returns once all is sent.
	stty -F /dev/ttyS1 -onlcr 2>/dev/null
	stty -F /dev/ttyS2 -onlcr 2>/dev/null
	exit 0
}

setup_failed() {
	echo "mvgpu-vm: $*"
	finish 125
}

# From here on, warnings reach the console log as they happen.
dmesg -n 7 2>/dev/null

# ttyS3 carries progress lines to the host (build/vm/run.*/progress.log):
# tools/vm/run-l2 copies a nested guest's console there as it comes, so
# that the host's progress watchdog sees the nested guest work, and shows
# its console when it stops.
if stty -F /dev/ttyS3 raw -echo 2>/dev/null; then
	export MVGPU_PROGRESS_TTY=/dev/ttyS3
fi

# configfs is a module in Debian's kernels; mount it for whoever wants it.
if ! mountpoint -q /sys/kernel/config; then
	modprobe -q -d "$vm_kernel_root" configfs 2>/dev/null
	mount -t configfs configfs /sys/kernel/config 2>/dev/null
fi

if [[ $vm_interactive == 1 ]]; then
	stty sane rows "${vm_rows:-24}" cols "${vm_cols:-80}" 2>/dev/null
fi

if [[ ${#vm_modprobe[@]} -gt 0 ]]; then
	modprobe -d "$vm_kernel_root" -a "${vm_modprobe[@]}" ||
		setup_failed "modprobe -d $vm_kernel_root ${vm_modprobe[*]} failed"
fi

if [[ $vm_load_mvgpu == 1 ]]; then
	# shellcheck disable=SC2086 # module parameters are split on purpose
	insmod "$MVGPU_MODULES_DIR/mvgpu.ko" $vm_mvgpu_args ||
		setup_failed "insmod $MVGPU_MODULES_DIR/mvgpu.ko failed"
	# shellcheck disable=SC2086
	insmod "$MVGPU_MODULES_DIR/mvgpu_sim.ko" $vm_sim_args ||
		setup_failed "insmod $MVGPU_MODULES_DIR/mvgpu_sim.ko failed"
fi

cd "$vm_repo" || setup_failed "cannot cd to $vm_repo"

if [[ $vm_interactive == 1 ]]; then
	# A session of its own with ttyS1 as controlling terminal: job
	# control and ^C work in an interactive shell.
	timeout --foreground --kill-after=10 "$vm_timeout" \
		setsid --ctty --wait "${vm_cmd[@]}"
	rc=$?
else
	timeout --kill-after=10 "$vm_timeout" "${vm_cmd[@]}"
	rc=$?
	[[ $rc -eq 124 ]] && echo "mvgpu-vm: command timed out after $vm_timeout s"
fi
finish "$rc"
