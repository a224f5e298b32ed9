#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Shared helpers of the ecosystem tests, on top of tools/lib/prologue.sh
# (KTAP output, the common lookups): for the tests in the VM test bed the
# writable directories, udevd, libvirtd and module reloads that mdevctl and
# libvirt need. Sourced, not run.

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"

# eco_verify_module_signature KO CERT_DER WORKDIR: the module's appended
# PKCS#7 signature verifies against CERT_DER (what the kernel checks once
# the certificate is enrolled as a MOK).
eco_verify_module_signature() {
	local ko=$1 cert=$2 dir=$3 plain=$3/module.ko
	case $ko in
	*.xz) xz -dc "$ko" >"$plain" ;;
	*.zst) zstd -q -dc "$ko" >"$plain" ;;
	*.gz) gzip -dc "$ko" >"$plain" ;;
	*) cp "$ko" "$plain" ;;
	esac || return 1
	python3 - "$plain" "$dir/payload" "$dir/signature" <<'EOF' || return 1
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic = b'~Module signature appended~\n'
if not data.endswith(magic):
    sys.exit(1)
end = len(data) - len(magic) - 12
sig_len = struct.unpack('>I', data[end + 8:end + 12])[0]
open(sys.argv[2], 'wb').write(data[:end - sig_len])
open(sys.argv[3], 'wb').write(data[end - sig_len:end])
EOF
	openssl x509 -inform DER -in "$cert" -out "$dir/cert.pem" 2>/dev/null &&
		openssl cms -verify -binary -inform DER -in "$dir/signature" \
			-content "$dir/payload" -certfile "$dir/cert.pem" -nointern \
			-noverify -out /dev/null 2>/dev/null
}

# ---- VM test bed ----

# Checks that this runs in the test VM, as root, and adds the /dev/fd and
# /dev/std* links a devtmpfs lacks (udev makes them on a real system; bash
# process substitution and mdevctl's JSON input from /dev/stdin need them).
eco_vm_init() {
	local i names=(stdin stdout stderr)
	if [[ $(id -u) -ne 0 || ${MVGPU_IN_VM:-0} != 1 ]]; then
		ktap_bail_out "run in the test VM: tools/vm/run -- $0"
	fi
	[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
	for i in 0 1 2; do
		[[ -e /dev/${names[$i]} ]] || ln -s "/proc/self/fd/$i" "/dev/${names[$i]}"
	done
}

# The pGPUs of mvgpu: mdev parents with the "mvgpu" attribute group.
eco_pgpus() {
	local p
	for p in /sys/class/mdev_bus/*; do
		[[ -d $p/mvgpu ]] && basename "$p"
	done
}

eco_type_attr() { # PGPU TYPE ATTR
	cat "/sys/class/mdev_bus/$1/mdev_supported_types/$2/$3"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[[ $SECONDS -lt $deadline ]] || return 1
		sleep 0.2
	done
}

# Forgets every mdev definition mdevctl keeps (cleanup after a test).
eco_undefine_all_mdevs() {
	mdevctl list --defined 2>/dev/null | awk '{print $1}' | while read -r u; do
		mdevctl undefine -u "$u" >/dev/null 2>&1
	done
}

# Removes every vGPU of our pGPUs (left over by a failed test).
eco_remove_all_vgpus() {
	local dev
	for dev in /sys/bus/mdev/devices/*; do
		[[ -e $dev/remove ]] && echo 1 >"$dev/remove"
	done 2>/dev/null
	return 0
}

# Writable state directories for mdevctl and libvirt. The test bed gives
# /run, /tmp and overlays on /etc, /var/lib and /var/log; /var/cache stays
# read-only.
eco_setup_state_dirs() {
	mountpoint -q /var/cache || mount -t tmpfs -o mode=755 tmpfs /var/cache || return 1
	mkdir -p /etc/mdevctl.d /var/log/libvirt /var/lib/libvirt /var/cache/libvirt /run/libvirt
	touch /etc/mdevctl.d/.mvgpu-test-probe && rm -f /etc/mdevctl.d/.mvgpu-test-probe
}

eco_udev_pid=''

# eco_start_udevd RULES...: systemd-udevd with only the given rule files
# (a tmpfs hides the host's /lib/udev/rules.d: its rules are meant for a
# real boot, not for a test bed that shares the host's root).
eco_start_udevd() {
	local rules_dir=/lib/udev/rules.d saved=/run/mvgpu-eco-rules f
	rm -rf "$saved"
	mkdir -p "$saved"
	for f in "$@"; do
		cp "$f" "$saved/" || return 1
	done
	mountpoint -q "$rules_dir" || mount -t tmpfs -o mode=755 tmpfs "$rules_dir" || return 1
	cp "$saved"/* "$rules_dir/" 2>/dev/null
	# udevadm refuses to act in a chroot unless told it is fine.
	export SYSTEMD_IGNORE_CHROOT=1
	/lib/systemd/systemd-udevd --resolve-names=never >/run/udevd.log 2>&1 &
	eco_udev_pid=$!
	wait_for 10 test -S /run/udev/control || return 1
	udevadm trigger --action=add >/dev/null 2>&1
	udevadm settle -t 60
}

eco_stop_udevd() {
	if [[ -n $eco_udev_pid ]]; then
		kill "$eco_udev_pid" 2>/dev/null
		wait "$eco_udev_pid" 2>/dev/null
		eco_udev_pid=''
	fi
}

# Reloads mvgpu.ko and mvgpu_sim.ko from the build tree, as an
# administrator's "modprobe -r mvgpu_sim mvgpu; modprobe mvgpu_sim" would:
# every pGPU unregisters and registers again (the udev "change" event with
# MDEV_STATE=registered).
eco_reload_modules() {
	local dir=${MVGPU_MODULES_DIR:?}
	rmmod mvgpu_sim && rmmod mvgpu &&
		insmod "$dir/mvgpu.ko" && insmod "$dir/mvgpu_sim.ko"
}
