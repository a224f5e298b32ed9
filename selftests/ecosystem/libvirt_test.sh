#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# libvirt against mvgpu, in the VM test bed, TAP: libvirtd (with its
# nodedev and QEMU drivers) lists the pGPUs as mdev_types-capable PCI
# devices with our types, creates and destroys vGPUs from node device XML
# (transient, and persistent through mdevctl, with the scheduler's
# per-vGPU settings as <attr> elements), and validates a domain with an
# mdev hostdev. systemd-udevd runs too: libvirt learns of new devices
# from its events.
#
#   tools/vm/run -- selftests/ecosystem/libvirt_test.sh

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/ecosystem/lib.sh
source "$repo/selftests/ecosystem/lib.sh"

ktap_print_header
eco_vm_init
if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null; then
	ktap_bail_out "libvirtd or virsh missing (make deps: libvirt-daemon libvirt-clients)"
fi
mapfile -t pgpus < <(eco_pgpus)
if [[ ${#pgpus[@]} -lt 2 ]]; then
	ktap_bail_out "needs two pGPUs, found ${#pgpus[@]}"
fi
p0=${pgpus[0]}
work=$(mktemp -d /tmp/libvirt-test.XXXXXX)
virsh=(virsh -c qemu:///system)
libvirtd_pid=''

cleanup() {
	"${virsh[@]}" undefine mvgpu-test >/dev/null 2>&1
	if [[ -n $libvirtd_pid ]]; then
		kill "$libvirtd_pid" 2>/dev/null
		wait "$libvirtd_pid" 2>/dev/null
	fi
	eco_stop_udevd
	eco_undefine_all_mdevs
	eco_remove_all_vgpus
	rm -rf "$work"
}
trap cleanup EXIT

# libvirt's node device name of a PCI address: pci_0000_00_03_0.
nodedev_of() {
	local a=${1//[:.]/_}
	echo "pci_$a"
}

if ! eco_setup_state_dirs; then
	ktap_bail_out "cannot make the libvirt state directories writable"
fi
# The Debian package's postinst (libvirt-daemon-system) creates the QEMU
# driver's user; with the minimal packages the test makes it, in the VM.
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
	useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu

eco_start_udevd "$repo/packaging/udev/61-mvgpu-mdevctl.rules"
ktap_test_status $? "systemd-udevd runs in the VM"

start=$SECONDS
libvirtd --pid-file /run/libvirtd.pid >"$work/libvirtd.out" 2>&1 &
libvirtd_pid=$!
wait_for 60 test -S /run/libvirt/libvirt-sock &&
	"${virsh[@]}" version >"$work/version" 2>&1
ktap_test_status $? "libvirtd $(libvirtd --version | awk '{print $NF}') answers on qemu:///system ($((SECONDS - start)) s)" \
	"$(tail -3 /var/log/libvirt/libvirtd.log "$work/libvirtd.out" 2>/dev/null)"

# -- parents and types --
want=$(for p in "${pgpus[@]}"; do nodedev_of "$p"; done | sort)
got=$("${virsh[@]}" nodedev-list --cap mdev_types 2>&1 | sed '/^$/d' | sort)
[[ $got == "$want" ]]
ktap_test_status $? "nodedev-list --cap mdev_types lists every pGPU: ${want//$'\n'/ }" "got: ${got//$'\n'/ }"

# check_parent_xml XML_FILE PCI_ADDRESS: the mdev_types capability matches
# sysfs type by type.
check_parent_xml() {
	python3 - "$@" <<'EOF'
import os, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
base = "/sys/class/mdev_bus/%s/mdev_supported_types" % sys.argv[2]
errors = []
if root.findtext("driver/name") != "mvgpu_sim":
    errors.append("driver %r" % root.findtext("driver/name"))
types = root.findall(".//capability[@type='mdev_types']/type")
got = sorted(t.get("id") for t in types)
if got != sorted(os.listdir(base)):
    errors.append("types %s" % got)
for t in types:
    d = os.path.join(base, t.get("id"))
    for tag, attr in (("name", "name"), ("deviceAPI", "device_api"),
                      ("availableInstances", "available_instances")):
        want = open(os.path.join(d, attr)).read().strip()
        if t.findtext(tag) != want:
            errors.append("%s %s %r, sysfs %r" % (t.get("id"), tag, t.findtext(tag), want))
for e in errors:
    print("#   " + e)
sys.exit(1 if errors else 0)
EOF
}

bad=0
for p in "${pgpus[@]}"; do
	"${virsh[@]}" nodedev-dumpxml "$(nodedev_of "$p")" >"$work/parent.xml" 2>&1 &&
		check_parent_xml "$work/parent.xml" "$p" || bad=1
done
ktap_test_status $bad "nodedev-dumpxml of each pGPU: driver mvgpu_sim, every type with name, deviceAPI and availableInstances as in sysfs"

grep -q "<name>mvgpu-quarter-64M</name>" "$work/parent.xml"
ktap_test_status $? "the type names are the driver's (mvgpu-quarter-64M for a 256 MiB pGPU)"

# -- transient vGPU from node device XML --
quarter_before=$(eco_type_attr "$p0" mvgpu_sim-quarter available_instances)
uuid=$(mvgpu_new_uuid)
cat >"$work/mdev.xml" <<EOF
<device>
  <parent>$(nodedev_of "$p0")</parent>
  <capability type='mdev'>
    <type id='mvgpu_sim-quarter'/>
    <uuid>$uuid</uuid>
  </capability>
</device>
EOF
"${virsh[@]}" nodedev-create "$work/mdev.xml" >"$work/out" 2>&1 &&
	[[ -e /sys/bus/mdev/devices/$uuid ]] &&
	[[ $(basename "$(readlink "/sys/bus/mdev/devices/$uuid/mdev_type")") == mvgpu_sim-quarter ]]
ktap_test_status $? "nodedev-create with an mdev XML creates a mvgpu_sim-quarter vGPU on $p0" "$(cat "$work/out")"
name=$(sed -n "s/^Node device '\{0,1\}\([^ ']*\)'\{0,1\} created.*/\1/p" "$work/out")
echo "# libvirt names it $name"

mdev_listed() { "${virsh[@]}" nodedev-list --cap mdev | grep -qx "$name"; }
wait_for 20 mdev_listed
ktap_test_status $? "nodedev-list --cap mdev shows $name"

"${virsh[@]}" nodedev-dumpxml "$name" >"$work/mdev-out.xml" 2>&1
python3 - "$work/mdev-out.xml" "$uuid" "$(nodedev_of "$p0")" \
	"$(basename "$(readlink "/sys/bus/mdev/devices/$uuid/iommu_group")")" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cap = root.find("capability[@type='mdev']")
got = (root.findtext("parent"), cap.find("type").get("id"), cap.findtext("uuid"),
       cap.find("iommuGroup").get("number"))
want = (sys.argv[3], "mvgpu_sim-quarter", sys.argv[2], sys.argv[4])
if got != want:
    print("#   got %s, want %s" % (got, want))
    sys.exit(1)
EOF
ktap_test_status $? "nodedev-dumpxml of the vGPU: parent, type, uuid and IOMMU group as in sysfs"

"${virsh[@]}" nodedev-dumpxml "$(nodedev_of "$p0")" >"$work/parent.xml" 2>&1
check_parent_xml "$work/parent.xml" "$p0" &&
	[[ $(eco_type_attr "$p0" mvgpu_sim-quarter available_instances) -eq $((quarter_before - 1)) ]]
ktap_test_status $? "availableInstances in the pGPU's XML follow (quarter: $quarter_before -> $((quarter_before - 1)))"

# -- a domain with the vGPU --
cat >"$work/domain.xml" <<EOF
<domain type='qemu'>
  <name>mvgpu-test</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='off'>
      <source>
        <address uuid='$uuid'/>
      </source>
    </hostdev>
  </devices>
</domain>
EOF
start=$SECONDS
"${virsh[@]}" define --validate "$work/domain.xml" >"$work/out" 2>&1
ktap_test_status $? "virsh define --validate of a domain with <hostdev type='mdev' model='vfio-pci'> ($((SECONDS - start)) s)" "$(cat "$work/out")"

"${virsh[@]}" dumpxml mvgpu-test >"$work/domain-out.xml" 2>&1
python3 - "$work/domain-out.xml" "$uuid" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
hd = root.find("devices/hostdev[@type='mdev']")
ok = (hd is not None and hd.get("model") == "vfio-pci" and
      hd.find("source/address").get("uuid") == sys.argv[2] and
      hd.find("address[@type='pci']") is not None)
sys.exit(0 if ok else 1)
EOF
ktap_test_status $? "the defined domain keeps the hostdev and gives it a guest PCI address"
"${virsh[@]}" undefine mvgpu-test >/dev/null 2>&1

"${virsh[@]}" nodedev-destroy "$name" >"$work/out" 2>&1 &&
	wait_for 10 test ! -e "/sys/bus/mdev/devices/$uuid"
ktap_test_status $? "nodedev-destroy removes the vGPU" "$(cat "$work/out")"

# -- persistent vGPU: libvirt stores it with mdevctl --
# With the scheduler's per-vGPU settings as <attr> elements, which libvirt
# hands to mdevctl as the definition's attributes.
uuid2=$(mvgpu_new_uuid)
sed -e "s/$uuid/$uuid2/" -e 's/mvgpu_sim-quarter/mvgpu_sim-eighth/' \
	-e "s|</uuid>|&\n    <attr name='mvgpu/sched_weight' value='300'/>\n    <attr name='mvgpu/sched_cap_pct' value='40'/>|" \
	"$work/mdev.xml" >"$work/mdev2.xml"
"${virsh[@]}" nodedev-define "$work/mdev2.xml" >"$work/out" 2>&1 &&
	[[ -f /etc/mdevctl.d/$p0/$uuid2 ]] && [[ ! -e /sys/bus/mdev/devices/$uuid2 ]]
ktap_test_status $? "nodedev-define stores the vGPU as an mdevctl definition without creating it" "$(cat "$work/out")"
name2=$(sed -n "s/^Node device '\{0,1\}\([^ ']*\)'\{0,1\} defined.*/\1/p" "$work/out")

python3 -c '
import json, sys
attrs = json.load(open(sys.argv[1])).get("attrs")
if attrs != [{"mvgpu/sched_weight": "300"}, {"mvgpu/sched_cap_pct": "40"}]:
    print("#   attrs %r" % attrs)
    sys.exit(1)
' "/etc/mdevctl.d/$p0/$uuid2"
ktap_test_status $? "the <attr> elements become the definition's attributes, in order (mvgpu/sched_weight 300, mvgpu/sched_cap_pct 40)"

"${virsh[@]}" nodedev-autostart "$name2" >"$work/out" 2>&1 &&
	mdevctl list --defined | grep -q "^$uuid2 $p0 mvgpu_sim-eighth auto"
ktap_test_status $? "nodedev-autostart marks it start=auto for mdevctl" "$(cat "$work/out")"

"${virsh[@]}" nodedev-start "$name2" >"$work/out" 2>&1 &&
	wait_for 10 test -e "/sys/bus/mdev/devices/$uuid2"
ktap_test_status $? "nodedev-start creates it" "$(cat "$work/out")"

attrs_now="$(cat "/sys/bus/mdev/devices/$uuid2/mvgpu/sched_weight" 2>&1) $(cat "/sys/bus/mdev/devices/$uuid2/mvgpu/sched_cap_pct" 2>&1)"
[[ $attrs_now == "300 40" ]]
ktap_test_status $? "the started vGPU has the attributes: sysfs sched_weight 300, sched_cap_pct 40" "got: $attrs_now"

"${virsh[@]}" nodedev-dumpxml "$name2" >"$work/mdev2-out.xml" 2>&1
python3 - "$work/mdev2-out.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
got = [(a.get("name"), a.get("value")) for a in root.findall("capability[@type='mdev']/attr")]
if got != [("mvgpu/sched_weight", "300"), ("mvgpu/sched_cap_pct", "40")]:
    print("#   attrs %r" % got)
    sys.exit(1)
EOF
ktap_test_status $? "nodedev-dumpxml of it shows the two <attr> elements"

"${virsh[@]}" nodedev-destroy "$name2" >/dev/null 2>&1 &&
	wait_for 10 test ! -e "/sys/bus/mdev/devices/$uuid2" &&
	"${virsh[@]}" nodedev-undefine "$name2" >"$work/out" 2>&1 &&
	[[ ! -e /etc/mdevctl.d/$p0/$uuid2 ]]
ktap_test_status $? "nodedev-destroy and nodedev-undefine remove it and its definition" "$(cat "$work/out")"

# An out-of-range weight: mdevctl fails to write it and removes the vGPU.
uuid3=$(mvgpu_new_uuid)
sed -e "s/$uuid2/$uuid3/" -e "s/value='300'/value='0'/" "$work/mdev2.xml" >"$work/mdev3.xml"
eighth_before=$(eco_type_attr "$p0" mvgpu_sim-eighth available_instances)
! "${virsh[@]}" nodedev-create "$work/mdev3.xml" >"$work/out" 2>&1 &&
	[[ ! -e /sys/bus/mdev/devices/$uuid3 ]] &&
	[[ $(eco_type_attr "$p0" mvgpu_sim-eighth available_instances) -eq $eighth_before ]]
ktap_test_status $? "nodedev-create with <attr name='mvgpu/sched_weight' value='0'/> (out of range) fails and leaves no vGPU" \
	"$(head -3 "$work/out")"

[[ $(eco_type_attr "$p0" mvgpu_sim-full available_instances) -eq 1 ]]
ktap_test_status $? "the pGPU is whole again"

ktap_finished
