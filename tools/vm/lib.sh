# SPDX-License-Identifier: GPL-2.0-only
#
# Shared helpers of the VM test bed (tools/vm/*). Sourced, never executed.
# Works on the host and inside an L1 guest (where the repository is
# read-only), so nothing here may write below the repository unless the
# caller asked for it.

# shellcheck shell=bash

MVGPU_VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MVGPU_REPO_ROOT=$(cd "$MVGPU_VM_LIB_DIR/../.." && pwd)
MVGPU_PROG=${MVGPU_PROG:-$(basename "$0")}

# Kernel series the test bed knows. The kernel version (kver) of each is
# resolved from apt, see mvgpu_kernel_resolve(): 6.1 is bookworm's kernel,
# 6.12 bookworm-backports', and 7 the newest 7.x of trixie-backports.
MVGPU_KERNEL_SERIES=(6.1 6.12 7)

# Series whose headers need a newer toolchain than bookworm's (gcc-14):
# they are resolved, fetched and built inside the trixie environment of
# tools/vm/trixie.
MVGPU_TRIXIE_SERIES=(7)

# True if SERIES is built in the trixie environment.
mvgpu_series_in_trixie() {
	local s
	for s in "${MVGPU_TRIXIE_SERIES[@]}"; do
		[[ $1 == "$s" ]] && return 0
	done
	return 1
}

# Modules needed in the initramfs to mount the host root over virtio-9p,
# in load order. Dependencies are added from modules.dep; built-in ones
# are skipped; "?" marks those that some kernels fold into another
# (6.12 has fscache inside netfs).
# shellcheck disable=SC2034 # used by tools/vm/run
MVGPU_9P_MODULES=(virtio_ring virtio ?virtio_pci_legacy_dev
	?virtio_pci_modern_dev virtio_pci 9pnet 9pnet_virtio ?netfs ?fscache 9p)

mvgpu_die() {
	printf '%s: error: %s\n' "$MVGPU_PROG" "$*" >&2
	exit 1
}

mvgpu_note() {
	printf '%s: %s\n' "$MVGPU_PROG" "$*" >&2
}

mvgpu_is_root() {
	[[ $(id -u) -eq 0 ]]
}

mvgpu_check_series() {
	local s
	for s in "${MVGPU_KERNEL_SERIES[@]}" "$MVGPU_DEBUG_SERIES"; do
		[[ $1 == "$s" ]] && return 0
	done
	mvgpu_die "unknown kernel series '$1' (known: ${MVGPU_KERNEL_SERIES[*]} $MVGPU_DEBUG_SERIES)"
}

# Print "VERSION KVER" for every linux-image-amd64 apt knows, where KVER is
# the kernel version of the linux-image-KVER package it depends on.
# Cached per process; mvgpu_kernel_forget() drops it after an apt-get update.
# The candidates of the trixie series come from the trixie environment.
MVGPU_KERNEL_CANDIDATES=
MVGPU_KERNEL_CANDIDATES_TRIXIE=
mvgpu_kernel_candidates() { # [SERIES]
	if [[ -n ${1:-} ]] && mvgpu_series_in_trixie "$1"; then
		if [[ -z $MVGPU_KERNEL_CANDIDATES_TRIXIE ]]; then
			MVGPU_KERNEL_CANDIDATES_TRIXIE=$("$MVGPU_VM_LIB_DIR/trixie" run \
				sh -c 'apt-cache show linux-image-amd64 2>/dev/null' |
				mvgpu_kernel_candidates_parse)
		fi
		[[ -n $MVGPU_KERNEL_CANDIDATES_TRIXIE ]] &&
			printf '%s\n' "$MVGPU_KERNEL_CANDIDATES_TRIXIE"
		return 0
	fi
	if [[ -z $MVGPU_KERNEL_CANDIDATES ]]; then
		MVGPU_KERNEL_CANDIDATES=$(mvgpu_kernel_candidates_apt)
	fi
	[[ -n $MVGPU_KERNEL_CANDIDATES ]] && printf '%s\n' "$MVGPU_KERNEL_CANDIDATES"
	return 0
}

mvgpu_kernel_forget() {
	MVGPU_KERNEL_CANDIDATES=
	MVGPU_KERNEL_CANDIDATES_TRIXIE=
}

mvgpu_kernel_candidates_apt() {
	LC_ALL=C apt-cache show linux-image-amd64 2>/dev/null | mvgpu_kernel_candidates_parse
}

# Reads apt-cache show output of linux-image-amd64 on stdin.
mvgpu_kernel_candidates_parse() {
	awk '
		/^Version: / { ver = $2 }
		/^Depends: / {
			if (match($0, /linux-image-[^ ,(]+/))
				print ver, substr($0, RSTART + 12, RLENGTH - 12)
		}
		/^$/ { ver = "" }'
}

# Resolve the kver of SERIES: the newest linux-image-amd64 whose kernel
# belongs to the series. For 6.1 that is the bookworm(-security) candidate,
# for 6.12 the bookworm-backports one. Prints nothing if apt knows none.
mvgpu_kernel_resolve() {
	local series=$1 ver kver best_ver='' best_kver=''

	while read -r ver kver; do
		[[ $kver == "$series".* ]] || continue
		if [[ -z $best_ver ]] || dpkg --compare-versions "$ver" gt "$best_ver"; then
			best_ver=$ver
			best_kver=$kver
		fi
	done <<<"$(mvgpu_kernel_candidates "$series")"
	[[ -n $best_kver ]] && printf '%s\n' "$best_kver"
	return 0
}

# The debug kernel (tools/vm/debug-kernel) is built from source, not
# fetched: its series has its own directory.
MVGPU_DEBUG_SERIES=6.1-debug

mvgpu_debug_kernel_dir() {
	printf '%s\n' "$MVGPU_REPO_ROOT/build/debug-kernel"
}

mvgpu_kernel_cache_dir() {
	printf '%s\n' "$MVGPU_REPO_ROOT/build/kernels"
}

# The directory holding <kver>/root/ of the kernels of SERIES.
mvgpu_kernel_series_dir() {
	if [[ $1 == "$MVGPU_DEBUG_SERIES" ]]; then
		mvgpu_debug_kernel_dir
	else
		mvgpu_kernel_cache_dir
	fi
}

# The unpacked (or installed) root of kernel KVER: boot/, lib/modules/.
mvgpu_kernel_root() {
	if [[ $1 == *-mvgpu-debug ]]; then
		printf '%s\n' "$(mvgpu_debug_kernel_dir)/$1/root"
	else
		printf '%s\n' "$(mvgpu_kernel_cache_dir)/$1/root"
	fi
}

# The kver cached for SERIES by "tools/vm/kernel fetch", or nothing.
mvgpu_kernel_cached_kver() {
	local dir kver
	dir=$(mvgpu_kernel_series_dir "$1")
	[[ -r $dir/$1.kver ]] || return 0
	kver=$(<"$dir/$1.kver")
	[[ -f $dir/$kver/.complete ]] && printf '%s\n' "$kver"
	return 0
}

# Print, in load order, the module files (relative to MODDIR) needed to
# load NAME... including their dependencies, from MODDIR/modules.dep.
# Built-in modules are skipped; a module that is neither built in nor
# present is reported on stderr and makes the function fail, unless its
# name is given as ?NAME (wanted if the kernel has it as a module).
# Args: MODDIR [?]NAME...
mvgpu_module_closure() {
	local moddir=$1 name path base line i optional rc=0
	local -a deps
	local -A by_name=() dep_of=() builtin=() seen=()
	shift

	while IFS= read -r line; do
		path=${line%%:*}
		base=${path##*/}
		base=${base%%.ko*}
		by_name[${base//-/_}]=$path
		dep_of[$path]=${line#*:}
	done <"$moddir/modules.dep"
	if [[ -r $moddir/modules.builtin ]]; then
		while IFS= read -r path; do
			base=${path##*/}
			base=${base%.ko}
			builtin[${base//-/_}]=1
		done <"$moddir/modules.builtin"
	fi

	for name in "$@"; do
		optional=${name%%[!?]*}
		name=${name#\?}
		name=${name//-/_}
		path=${by_name[$name]:-}
		if [[ -z $path ]]; then
			[[ -n ${builtin[$name]:-} || -n $optional ]] && continue
			mvgpu_note "module $name: neither built in nor found in $moddir"
			rc=1
			continue
		fi
		# modules.dep lists the full closure; load it back to front.
		read -r -a deps <<<"${dep_of[$path]}"
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
			[[ -n ${seen[${deps[i]}]:-} ]] && continue
			seen[${deps[i]}]=1
			printf '%s\n' "${deps[i]}"
		done
		[[ -n ${seen[$path]:-} ]] && continue
		seen[$path]=1
		printf '%s\n' "$path"
	done
	return "$rc"
}

# Check that busybox is the static build (the initramfs has no libc).
mvgpu_static_busybox() {
	local bb
	bb=$(command -v busybox || true)
	[[ -n $bb ]] || mvgpu_die "busybox not found: install busybox-static (make deps)"
	bb=$(readlink -f "$bb")
	if LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'INTERP'; then
		mvgpu_die "$bb is dynamically linked: install busybox-static (make deps)"
	fi
	printf '%s\n' "$bb"
}

# Pack directory DIR into the newc cpio archive OUT (owned by root).
mvgpu_pack_cpio() {
	local dir=$1 out=$2
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out"
}

# The progress watchdog of a VM: every few seconds, the total size of the
# VM's log files; when it has not grown for IDLE seconds, the guest has
# stopped making progress (a hung boot, a hung test): kill QEMU and leave
# the idle time in LOGDIR/stalled for the verdict.
# Args: LOGDIR IDLE
mvgpu_vm_watchdog() {
	local dir=$1 idle=$2 size last=-1 since=$SECONDS pid
	while sleep 5; do
		size=$(stat -c %s "$dir"/*.log 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
		if [[ $size != "$last" ]]; then
			last=$size
			since=$SECONDS
			continue
		fi
		[[ $((SECONDS - since)) -ge $idle ]] || continue
		pid=$(cat "$dir/qemu.pid" 2>/dev/null) || continue
		echo "$((SECONDS - since))" >"$dir/stalled"
		kill -TERM "$pid" 2>/dev/null
		sleep 10
		kill -KILL "$pid" 2>/dev/null
		return 0
	done
}

# Start QEMU and judge the run. The caller has prepared everything; this
# function owns the console plumbing, the timeouts and the verdict.
#
# Globals read (set by the caller):
#   vm_kernel vm_initrd vm_append vm_mem vm_smp vm_timeout vm_slack
#   vm_logdir vm_token vm_interactive vm_label
#   vm_idle                 seconds without new output on any serial port
#                           before the VM is killed (0: no limit)
#   vm_progress             1: a fourth serial port, ttyS3, for progress
#                           lines -> $vm_logdir/progress.log
#   vm_qemu_args (array)    extra QEMU arguments
#   vm_log_allow (array)    regexes of kernel log lines to ignore
#
# Serial ports: ttyS0 kernel console -> $vm_logdir/console.log,
# ttyS1 command I/O -> our stdout (and $vm_logdir/output.log),
# ttyS2 kernel log dump at the end -> $vm_logdir/dmesg.log,
# ttyS3 (vm_progress=1) progress lines, e.g. a nested guest's console.
#
# Returns the exit status of the command in the guest, 124 on timeout or
# when the guest made no progress for vm_idle seconds, 125 if the guest
# did not report a status, 126 if the command passed but the kernel log
# shows a problem.
# shellcheck disable=SC2154 # vm_* are set by the caller
mvgpu_vm_launch() {
	local qemu rc qemu_rc marker log allow watchdog='' relay=''
	local -a cmd check_args=()

	qemu=$(command -v qemu-system-x86_64 || true)
	[[ -n $qemu ]] || mvgpu_die "qemu-system-x86_64 not found: install qemu-system-x86 (make deps)"

	cmd=(timeout --kill-after=10 "$((vm_timeout + vm_slack))"
		"$qemu" -accel tcg -cpu max -m "$vm_mem" -smp "$vm_smp"
		-nodefaults -no-user-config -display none -no-reboot -net none
		-kernel "$vm_kernel" -initrd "$vm_initrd" -append "$vm_append"
		-chardev "file,id=mvgpu_con,path=$vm_logdir/console.log"
		-serial chardev:mvgpu_con
		-chardev "stdio,id=mvgpu_io,signal=off,logfile=$vm_logdir/output.log"
		-serial chardev:mvgpu_io
		-chardev "file,id=mvgpu_klog,path=$vm_logdir/dmesg.log"
		-serial chardev:mvgpu_klog
		-pidfile "$vm_logdir/qemu.pid")
	if [[ ${vm_progress:-0} == 1 ]]; then
		cmd+=(-chardev "file,id=mvgpu_progress,path=$vm_logdir/progress.log"
			-serial chardev:mvgpu_progress)
	fi
	cmd+=("${vm_qemu_args[@]}")
	rm -f "$vm_logdir/stalled" "$vm_logdir/qemu.pid"
	: >"$vm_logdir/console.log"
	if [[ ${vm_idle:-0} -gt 0 && $vm_interactive != 1 ]]; then
		mvgpu_vm_watchdog "$vm_logdir" "$vm_idle" &
		watchdog=$!
	fi
	# In an L1 guest, a nested guest's console goes to L1's progress
	# channel as it comes (MVGPU_PROGRESS_TTY, see tools/vm/guest-init.sh):
	# the host sees that the nested guest is alive, and has its console
	# when it is not.
	if [[ -n ${MVGPU_PROGRESS_TTY:-} ]]; then
		tail -n +1 -F "$vm_logdir/console.log" 2>/dev/null > >(sed -u -e 's/\r$//' \
			-e "s|^|$vm_label console: |" >"$MVGPU_PROGRESS_TTY") &
		relay=$!
	fi

	marker="MVGPU-VM-EXIT-$vm_token"
	set +e
	if [[ $vm_interactive == 1 ]]; then
		# QEMU must stay in the terminal's foreground process group
		# to set it to raw mode.
		cmd[0]="timeout --foreground"
		# shellcheck disable=SC2086 # split "timeout --foreground"
		${cmd[0]} "${cmd[@]:1}"
		qemu_rc=$?
	else
		"${cmd[@]}" </dev/null | sed -u -e 's/\r//g' -e "/^$marker /d"
		qemu_rc=${PIPESTATUS[0]}
	fi
	if [[ -n $watchdog ]]; then
		kill "$watchdog" 2>/dev/null
		wait "$watchdog" 2>/dev/null
	fi
	if [[ -n $relay ]]; then
		sleep 1
		kill "$relay" 2>/dev/null
	fi
	set -e

	rc=$(cat "$vm_logdir/output.log" "$vm_logdir/dmesg.log" 2>/dev/null | tr -d '\r' |
		sed -n "s/^$marker \([0-9][0-9]*\)\$/\1/p" | tail -n1)
	if [[ -n $rc && $rc -ne 0 ]]; then
		mvgpu_note "$vm_label: command exited with status $rc"
	fi
	if [[ -z $rc ]]; then
		if [[ -f $vm_logdir/stalled ]]; then
			mvgpu_note "$vm_label: no output for $(cat "$vm_logdir/stalled") s on any serial port (--idle-timeout $vm_idle): the guest stopped making progress, VM killed"
			rc=124
		elif [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
			mvgpu_note "$vm_label: timed out after $((vm_timeout + vm_slack)) s, VM killed"
			rc=124
		else
			mvgpu_note "$vm_label: the guest reported no exit status (QEMU exit $qemu_rc)"
			rc=125
		fi
	fi

	# The dump is the whole ring buffer; the console adds what came after
	# it, or everything that made it out before a hang.
	log=$vm_logdir/kernel.log
	{
		tr -d '\r' <"$vm_logdir/dmesg.log" 2>/dev/null || true
		echo "----- console -----"
		tr -d '\r' <"$vm_logdir/console.log" 2>/dev/null || true
	} >"$log"
	for allow in "${vm_log_allow[@]}"; do
		check_args+=(--allow "$allow")
	done
	if ! "$MVGPU_VM_LIB_DIR/check-kernel-log" "${check_args[@]}" --label "$vm_label" "$log"; then
		mvgpu_note "$vm_label: the guest kernel log shows a problem (see above)"
		[[ $rc -eq 0 ]] && rc=126
	fi
	if [[ $rc -ne 0 ]]; then
		mvgpu_print_kernel_log "$vm_logdir" "$vm_label" "$rc" >&2
	fi
	return "$rc"
}

# Print the tail of a guest's kernel log: the dump if the guest made one,
# else the console. Boot messages before /init are left out when the
# guest got that far (they are in the full log).
# Args: LOGDIR LABEL STATUS
mvgpu_print_kernel_log() {
	local dir=$1 label=$2 rc=$3 src
	src=$dir/dmesg.log
	[[ -s $src ]] || src=$dir/console.log
	echo "----- $label: guest kernel log (last 200 lines from /init on) -----"
	tr -d '\r' <"$src" 2>/dev/null | grep -v '^MVGPU-VM-EXIT-' |
		awk '{ line[NR] = $0 } /Run \/init as init process/ { start = NR }
			END { for (i = start ? start : 1; i <= NR; i++) print line[i] }' |
		tail -n 200
	echo "----- $label: end of guest kernel log (exit status $rc) -----"
	if [[ -s $dir/progress.log ]]; then
		echo "----- $label: nested guests' consoles and progress (last 100 lines) -----"
		tr -d '\r' <"$dir/progress.log" | tail -n 100
		echo "----- $label: end of nested guests' consoles -----"
	fi
}

# A random token that keeps our marker lines apart from anything the
# command (or a nested guest) prints.
mvgpu_token() {
	od -An -N6 -tx1 /dev/urandom | tr -d ' \n'
}
