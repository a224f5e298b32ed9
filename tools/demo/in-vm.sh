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

# The guest test's output, for people: what the guest printed, the
# verdicts; screendumps pass through untouched for tools/demo/run.
demo_guest_filter() {
	awk '
		/^== SCREENDUMP / { dump = 1 }
		dump { print; fflush(); if ($0 ~ /^== END SCREENDUMP/) dump = 0; next }
		/^# L2: (== |MVGPU|mvgpu-l2)/ { next }
		/^# L2: / { sub(/^# L2: /, "  guest| "); print; fflush(); next }
		/^(not )?ok / { print "  check| " $0; fflush(); next }
		/^# screen: / { sub(/^# screen: /, "  host | "); print; fflush(); next }
	'
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
	echo "(mvgpu-conformance), modetest, and shows the test pattern, which the host's"
	echo "QEMU screendump must reproduce pixel for pixel"
	MVGPU_GUEST_UUID=$b MVGPU_GUEST_SCREENDUMP_OUT=1 \
		MVGPU_GUEST_CONFORMANCE="params fill_vram copy_system_vram blit sgemm syncobj fault_recovery" \
		"$repo/selftests/guest/guest_test.sh" | demo_guest_filter || true
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
