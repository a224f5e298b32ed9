#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo, as run inside the test VM (see tools/demo/run).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bus=/sys/class/mdev_bus

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

types_table() {
	printf '%-14s %-22s %-20s %5s  %s\n' PGPU TYPE NAME AVAIL DESCRIPTION
	for p in "$bus"/*; do
		for t in "$p"/mdev_supported_types/*; do
			printf '%-14s %-22s %-20s %5s  %s\n' "$(basename "$p")" \
				"$(basename "$t")" "$(cat "$t/name")" \
				"$(cat "$t/available_instances")" \
				"$(cat "$t/description")"
		done
	done
}

status_table() {
	printf '%-14s %10s %10s %7s %7s %6s\n' PGPU VRAM_MIB FREE_MIB QUEUES Q_FREE VGPUS
	for p in "$bus"/*; do
		m=$p/mvgpu
		printf '%-14s %10d %10d %7d %7d %6d\n' "$(basename "$p")" \
			$(( $(cat "$m/vram_total_bytes") >> 20 )) \
			$(( $(cat "$m/vram_free_bytes") >> 20 )) \
			"$(cat "$m/queues_total")" "$(cat "$m/queues_free")" \
			"$(cat "$m/vgpus")"
	done
	echo
	printf '%-36s %-14s %-22s %8s %6s %6s\n' VGPU PGPU TYPE VRAM_MIB QUEUES RESETS
	for d in /sys/bus/mdev/devices/*; do
		[ -e "$d" ] || continue
		printf '%-36s %-14s %-22s %8d %6d %6d\n' "$(basename "$d")" \
			"$(basename "$(readlink -f "$d/..")")" \
			"$(basename "$(readlink -f "$d/mdev_type")")" \
			$(( $(cat "$d/mvgpu/vram_bytes") >> 20 )) \
			"$(cat "$d/mvgpu/queues")" "$(cat "$d/mvgpu/resets")"
	done
}

# The guest part: L2 loads the DRM driver, runs mvgpu-info, a few jobs
# checked against the CPU (mvgpu-conformance) and shows the test pattern
# drawn by the vGPU; meanwhile a screendump of what L1's QEMU shows is
# compared with the pattern and passed on (gzipped, base64) to
# tools/demo/run, which saves it.
demo_guest() { # UUID
	local uuid=$1 work out size l2 tail_pid rc
	local check=$repo/build/l2/display_check ko=$repo/build/modules/$MVGPU_KVER/mvgpu_drm.ko
	local -a files
	work=$(mktemp -d /tmp/demo.XXXXXX)
	out=$work/l2.txt
	mapfile -t files < <("$repo/tools/guest/l2-files" --module "$ko" \
		"$repo/build/guest/mvgpu-info" "$repo/build/guest/mvgpu-conformance" \
		"$repo/build/guest/mvgpu-kms-pattern")
	: >"$out"
	"$repo/tools/vm/run-l2" --timeout 1800 --mem 1024 "${files[@]}" \
		--qemu-arg -device \
		--qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,display=on" \
		--qmp "$work/qmp.sock" -- "insmod /root/mvgpu_drm.ko && sleep 2 &&
mvgpu-info && mvgpu-conformance params fill_vram copy_system_vram blit sgemm syncobj fault_recovery
mvgpu-kms-pattern --gpu --atomic --hold 120" >"$out" 2>&1 &
	l2=$!
	tail -n +1 -f --pid="$l2" "$out" | sed -u 's/^/  guest| /' &
	tail_pid=$!
	while kill -0 "$l2" 2>/dev/null && ! grep -q '^PATTERN-READY ' "$out"; do
		sleep 1
	done
	size=$(awk '/^PATTERN-READY / { print $2; exit }' "$out")
	if [ -n "$size" ] && "$check" screendump "$work/qmp.sock" "$work/screen.ppm" >/dev/null; then
		if "$check" compare "$work/screen.ppm" "${size%x*}" "${size#*x}" >/dev/null; then
			echo "  host | the screendump of the host's QEMU is the pattern, pixel for pixel, at $size"
		else
			echo "  host | the screendump of the host's QEMU differs from the pattern"
		fi
	fi
	rc=0
	wait "$l2" || rc=$?
	wait "$tail_pid"
	echo "  guest exited with status $rc"
	if [ -s "$work/screen.ppm" ]; then
		echo "== SCREENDUMP gpu_atomic"
		gzip -c "$work/screen.ppm" | base64 -w 76
		echo "== END SCREENDUMP"
	fi
	rm -rf "$work"
}

create() { # create PGPU TYPE -> prints UUID
	local u
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" > "$bus/$1/mdev_supported_types/mvgpu_sim-$2/create"
	echo "$u"
}

say "mvgpu demo on $(uname -r): modules"
lsmod | grep -E '^(mvgpu|mvgpu_sim|mdev|vfio)' || true

say "pGPUs and vGPU types (empty)"
types_table

mapfile -t pgpus < <(ls "$bus")
say "creating vGPUs of several sizes"
a=$(create "${pgpus[0]}" half); echo "half      on ${pgpus[0]}: $a"
b=$(create "${pgpus[0]}" quarter); echo "quarter   on ${pgpus[0]}: $b"
c=$(create "${pgpus[0]}" sixteenth); echo "sixteenth on ${pgpus[0]}: $c"
if [ "${#pgpus[@]}" -gt 1 ]; then
	d=$(create "${pgpus[1]}" full); echo "full      on ${pgpus[1]}: $d"
fi
u=$(cat /proc/sys/kernel/random/uuid)
if echo "$u" > "$bus/${pgpus[0]}/mdev_supported_types/mvgpu_sim-half/create" 2>/dev/null; then
	echo "unexpected: a second half fitted"
else
	echo "a further half on ${pgpus[0]} is refused, as it must be: $(dmesg | grep 'cannot create' | tail -1 | sed 's/^\[[^]]*\] //')"
fi

say "types after creation (available_instances follow the mix)"
types_table

say "attaching quarter vGPU $b to a nested guest (QEMU -device vfio-pci,sysfsdev=...,display=on)"
echo "this boots a guest inside the test VM under TCG; it takes one to a few minutes"
if [ -f "$repo/build/modules/$MVGPU_KVER/mvgpu_drm.ko" ]; then
	echo "the guest loads mvgpu_drm.ko, runs mvgpu-info, a few jobs checked against the CPU"
	echo "(mvgpu-conformance), and shows the test pattern drawn by the vGPU, which the"
	echo "host's QEMU screendump must reproduce pixel for pixel"
	demo_guest "$b"
else
	echo "(no mvgpu_drm.ko for $MVGPU_KVER: the guest only probes the device)"
	tools/vm/run-l2 --timeout 900 --file "$repo/build/l2/mvgpu-probe:/bin/mvgpu-probe" \
		--qemu-arg -device --qemu-arg "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$b" \
		-- "echo \"guest kernel: \$(uname -r)\"; mvgpu-probe" | sed 's/^/  guest| /'
fi

say "status"
status_table

say "removing the vGPUs"
for d in /sys/bus/mdev/devices/*; do echo 1 > "$d/remove"; done
status_table
