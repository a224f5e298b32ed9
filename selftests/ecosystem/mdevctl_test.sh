#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mdevctl against mvgpu, in the VM test bed, TAP: types and their counts
# as sysfs has them, start/stop/define/undefine/list --dumpjson, attributes
# (--addattr and --jsonfile with the scheduler's per-vGPU settings), and
# vGPUs saved with --auto coming back when the modules are reloaded. The last part runs systemd-udevd in the VM with the rule
# "make install" ships (packaging/udev/61-mvgpu-mdevctl.rules) next to
# Debian's 60-mdevctl.rules, so the path under test is the real one:
# kernel uevent, udev rule, mdevctl start-parent-mdevs.
#
#   tools/vm/run -- selftests/ecosystem/mdevctl_test.sh

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/ecosystem/lib.sh
source "$repo/selftests/ecosystem/lib.sh"

ktap_print_header
eco_vm_init
echo "# $(mdevctl --version 2>&1 | head -1)"
if ! eco_setup_state_dirs; then
	ktap_bail_out "cannot make /etc/mdevctl.d and /var/cache writable"
fi
mapfile -t pgpus < <(eco_pgpus)
if [[ ${#pgpus[@]} -lt 2 ]]; then
	ktap_bail_out "needs two pGPUs (tools/vm/run --pgpus 2), found ${#pgpus[@]}"
fi
p0=${pgpus[0]} p1=${pgpus[1]}
work=$(mktemp -d /tmp/mdevctl-test.XXXXXX)

cleanup() {
	eco_stop_udevd
	eco_undefine_all_mdevs
	eco_remove_all_vgpus
	rm -rf "$work"
}
trap cleanup EXIT

# Compares "mdevctl types --dumpjson" (stdin) with sysfs for every pGPU.
types_match_sysfs() {
	python3 -c '
import json, os, sys
data = json.load(sys.stdin)
seen = {}
for entry in data:
    for parent, types in entry.items():
        seen[parent] = {k: v for t in types for k, v in t.items()}
errors = []
for parent in sys.argv[1:]:
    base = "/sys/class/mdev_bus/%s/mdev_supported_types" % parent
    want = sorted(os.listdir(base))
    got = seen.get(parent)
    if got is None:
        errors.append("%s not listed" % parent)
        continue
    if sorted(got) != want:
        errors.append("%s types %s, sysfs %s" % (parent, sorted(got), want))
        continue
    for t in want:
        for attr in ("available_instances", "name", "description", "device_api"):
            sysfs = open(os.path.join(base, t, attr)).read().strip()
            value = str(got[t].get(attr))
            if value != sysfs:
                errors.append("%s %s %s: mdevctl %r, sysfs %r" % (parent, t, attr, value, sysfs))
for e in errors:
    print("#   " + e)
sys.exit(1 if errors else 0)
' "$@"
}

# list_has JSON_FILE UUID PARENT TYPE START: one entry with those values.
list_has() {
	python3 -c '
import json, sys
data = json.load(open(sys.argv[1]))
uuid, parent, mtype, start = sys.argv[2:6]
for entry in data:
    for p, devs in entry.items():
        for dev in devs:
            if uuid in dev:
                d = dev[uuid]
                ok = p == parent and d.get("mdev_type") == mtype and d.get("start") == start
                if not ok:
                    print("#   %s: parent %s type %s start %s" % (uuid, p, d.get("mdev_type"), d.get("start")))
                sys.exit(0 if ok else 1)
print("#   %s not listed" % uuid)
sys.exit(1)
' "$@"
}

vgpu_exists() { [[ -e /sys/bus/mdev/devices/$1 ]]; }
vgpu_gone() { [[ ! -e /sys/bus/mdev/devices/$1 ]]; }

# -- types --
mdevctl types --dumpjson >"$work/types.json" 2>&1
types_match_sysfs "${pgpus[@]}" <"$work/types.json"
ktap_test_status $? "mdevctl types: every pGPU (${pgpus[*]}) with every type, name, description, device_api and available_instances as in sysfs"

for t in full half quarter eighth sixteenth; do
	grep -q "\"mvgpu_sim-$t\"" "$work/types.json" || missing_type=$t
done
[[ -z ${missing_type:-} ]]
ktap_test_status $? "mdevctl types lists mvgpu_sim-{full,half,quarter,eighth,sixteenth}" "missing: ${missing_type:-}"

# -- transient start/stop --
u_half=$(mvgpu_new_uuid)
half_before=$(eco_type_attr "$p0" mvgpu_sim-half available_instances)
mdevctl start -p "$p0" -t mvgpu_sim-half -u "$u_half" >"$work/out" 2>&1 && vgpu_exists "$u_half"
ktap_test_status $? "mdevctl start -p $p0 -t mvgpu_sim-half creates the vGPU" "$(head -3 "$work/out")"

mdevctl list --dumpjson >"$work/list.json" 2>&1
list_has "$work/list.json" "$u_half" "$p0" mvgpu_sim-half manual
ktap_test_status $? "mdevctl list --dumpjson shows it (parent, type, start=manual)"

mdevctl list | grep -q "^$u_half $p0 mvgpu_sim-half"
ktap_test_status $? "mdevctl list shows it"

mdevctl types --dumpjson >"$work/types.json" 2>&1
half_after=$(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    for t in e.get(sys.argv[2], []):
        if "mvgpu_sim-half" in t:
            print(t["mvgpu_sim-half"]["available_instances"])
' "$work/types.json" "$p0")
types_match_sysfs "${pgpus[@]}" <"$work/types.json" && [[ $half_after -eq $((half_before - 1)) ]]
ktap_test_status $? "mdevctl types after the start: counts follow sysfs (half on $p0: $half_before -> $half_after)"

mdevctl stop -u "$u_half" >"$work/out" 2>&1 && vgpu_gone "$u_half" &&
	[[ $(mdevctl list --dumpjson | tr -d ' \n') == "[]" ]]
ktap_test_status $? "mdevctl stop removes it; mdevctl list --dumpjson is empty" "$(head -3 "$work/out")"

# -- persistent definitions --
u_auto0=$(mvgpu_new_uuid) u_auto1=$(mvgpu_new_uuid) u_manual=$(mvgpu_new_uuid)
mdevctl define -p "$p0" -t mvgpu_sim-quarter -u "$u_auto0" --auto &&
	mdevctl define -p "$p1" -t mvgpu_sim-eighth -u "$u_auto1" --auto &&
	mdevctl define -p "$p0" -t mvgpu_sim-sixteenth -u "$u_manual" &&
	[[ -f /etc/mdevctl.d/$p0/$u_auto0 && -f /etc/mdevctl.d/$p1/$u_auto1 &&
	   -f /etc/mdevctl.d/$p0/$u_manual ]] &&
	vgpu_gone "$u_auto0" && vgpu_gone "$u_auto1" && vgpu_gone "$u_manual"
ktap_test_status $? "mdevctl define (two --auto, one manual) writes /etc/mdevctl.d/<parent>/<uuid> and creates nothing"

mdevctl list --defined --dumpjson >"$work/defined.json" 2>&1
list_has "$work/defined.json" "$u_auto0" "$p0" mvgpu_sim-quarter auto &&
	list_has "$work/defined.json" "$u_auto1" "$p1" mvgpu_sim-eighth auto &&
	list_has "$work/defined.json" "$u_manual" "$p0" mvgpu_sim-sixteenth manual
ktap_test_status $? "mdevctl list --defined --dumpjson shows the three definitions"

mdevctl start -u "$u_manual" >"$work/out" 2>&1 && vgpu_exists "$u_manual" &&
	[[ $(basename "$(readlink "/sys/bus/mdev/devices/$u_manual/mdev_type")") == mvgpu_sim-sixteenth ]] &&
	mdevctl stop -u "$u_manual" && vgpu_gone "$u_manual"
ktap_test_status $? "mdevctl start -u of a defined vGPU creates it with its type; stop removes it" "$(head -3 "$work/out")"

# -- attributes --
# mdevctl writes each attribute of a definition, in order, to
# /sys/bus/mdev/devices/<uuid>/<attr> once it has created the device; if
# a write fails it removes the device again. The scheduler's weight and
# cap and the display's dma-buf switch are per-vGPU writable attributes.
u_attr=$(mvgpu_new_uuid)
mdevctl define -p "$p1" -t mvgpu_sim-sixteenth -u "$u_attr" &&
	mdevctl modify -u "$u_attr" --addattr=mvgpu/sched_weight --value=300 &&
	mdevctl modify -u "$u_attr" --addattr=mvgpu/sched_cap_pct --value=40 &&
	mdevctl modify -u "$u_attr" --addattr=mvgpu/display_dmabuf --value=1 &&
	mdevctl list --defined --dumpjson >"$work/defined.json" 2>&1 &&
	python3 -c '
import json, sys
for entry in json.load(open(sys.argv[1])):
    for devs in entry.values():
        for dev in devs:
            if sys.argv[2] in dev:
                sys.exit(0 if dev[sys.argv[2]].get("attrs") == [
                    {"mvgpu/sched_weight": "300"}, {"mvgpu/sched_cap_pct": "40"},
                    {"mvgpu/display_dmabuf": "1"}] else 1)
sys.exit(1)
' "$work/defined.json" "$u_attr"
ktap_test_status $? "mdevctl modify --addattr=mvgpu/sched_weight --value=300 (and sched_cap_pct 40, display_dmabuf 1) stores them in the definition" \
	"$(tr -d ' \n' <"$work/defined.json" | head -c 400)"

attr_of() { cat "/sys/bus/mdev/devices/$1/mvgpu/$2" 2>/dev/null; }
mdevctl start -u "$u_attr" >"$work/out" 2>&1 && vgpu_exists "$u_attr" &&
	[[ $(attr_of "$u_attr" sched_weight) == 300 && $(attr_of "$u_attr" sched_cap_pct) == 40 &&
	   $(attr_of "$u_attr" display_dmabuf) == 1 ]]
ktap_test_status $? "mdevctl start writes them: sysfs sched_weight reads 300, sched_cap_pct 40, display_dmabuf 1" \
	"$(head -3 "$work/out"); weight $(attr_of "$u_attr" sched_weight) cap $(attr_of "$u_attr" sched_cap_pct) dmabuf $(attr_of "$u_attr" display_dmabuf)"
mdevctl stop -u "$u_attr" >/dev/null 2>&1

sixteenth_before=$(eco_type_attr "$p1" mvgpu_sim-sixteenth available_instances)
mdevctl modify -u "$u_attr" --addattr=mvgpu/sched_weight --value=0 >/dev/null 2>&1
! mdevctl start -u "$u_attr" >"$work/out" 2>&1 && vgpu_gone "$u_attr" &&
	[[ $(eco_type_attr "$p1" mvgpu_sim-sixteenth available_instances) -eq $sixteenth_before ]]
ktap_test_status $? "an out-of-range weight (0) in the definition: mdevctl start fails and leaves no vGPU behind" "$(head -2 "$work/out")"
mdevctl undefine -u "$u_attr" >/dev/null 2>&1

# The same attributes in the JSON a transient start takes.
u_json=$(mvgpu_new_uuid)
echo '{"mdev_type": "mvgpu_sim-sixteenth", "start": "manual", "attrs": [{"mvgpu/sched_weight": "250"}]}' >"$work/attr.json"
mdevctl start -p "$p1" -u "$u_json" --jsonfile "$work/attr.json" >"$work/out" 2>&1 &&
	[[ $(attr_of "$u_json" sched_weight) == 250 && $(attr_of "$u_json" sched_cap_pct) == 0 ]] &&
	mdevctl stop -u "$u_json" && vgpu_gone "$u_json"
ktap_test_status $? "mdevctl start --jsonfile with attrs: weight 250, cap left at 0" "$(head -2 "$work/out")"

echo '{"mdev_type": "mvgpu_sim-sixteenth", "start": "manual", "attrs": [{"mvgpu/sched_cap_pct": "101"}]}' >"$work/attr.json"
! mdevctl start -p "$p1" -u "$u_json" --jsonfile "$work/attr.json" >"$work/out" 2>&1 && vgpu_gone "$u_json" &&
	[[ $(eco_type_attr "$p1" mvgpu_sim-sixteenth available_instances) -eq $sixteenth_before ]]
ktap_test_status $? "mdevctl start --jsonfile with a cap of 101%: fails, no vGPU left" "$(head -2 "$work/out")"

sixteenth_before=$(eco_type_attr "$p0" mvgpu_sim-sixteenth available_instances)
mdevctl modify -u "$u_manual" --addattr=mvgpu/resets --value=1 >/dev/null 2>&1
! mdevctl start -u "$u_manual" >"$work/out" 2>&1 && vgpu_gone "$u_manual" &&
	[[ $(eco_type_attr "$p0" mvgpu_sim-sixteenth available_instances) -eq $sixteenth_before ]]
ktap_test_status $? "--addattr on a read-only attribute: mdevctl start fails and leaves no vGPU behind" "$(head -2 "$work/out")"
mdevctl modify -u "$u_manual" --delattr --index=0 >/dev/null 2>&1

# -- --auto at parent registration, through udev --
if [[ -e /usr/sbin/mdevctl ]]; then
	echo "# /usr/sbin/mdevctl exists: mdevctl's own rule starts the devices, ours stays out of the way"
else
	echo "# Debian's 60-mdevctl.rules calls /usr/sbin/mdevctl, absent here: only 61-mvgpu-mdevctl.rules can start them"
fi
eco_start_udevd /lib/udev/rules.d/60-mdevctl.rules "$repo/packaging/udev/61-mvgpu-mdevctl.rules"
ktap_test_status $? "systemd-udevd runs in the VM with 60-mdevctl.rules and 61-mvgpu-mdevctl.rules" "$(tail -3 /run/udevd.log 2>/dev/null)"

start=$SECONDS
eco_reload_modules
ktap_test_status $? "reload mvgpu.ko and mvgpu_sim.ko (both pGPUs unregister and register again)"

udevadm settle -t 60
wait_for 30 vgpu_exists "$u_auto0" && wait_for 30 vgpu_exists "$u_auto1"
ktap_test_status $? "the two --auto vGPUs come back after the reload ($((SECONDS - start)) s)" "$(tail -5 /run/udevd.log 2>/dev/null)"

[[ $(basename "$(readlink "/sys/bus/mdev/devices/$u_auto0/mdev_type")") == mvgpu_sim-quarter &&
   $(basename "$(readlink "/sys/bus/mdev/devices/$u_auto1/mdev_type")") == mvgpu_sim-eighth &&
   $(basename "$(dirname "$(readlink -f "/sys/bus/mdev/devices/$u_auto1")")") == "$p1" ]]
ktap_test_status $? "they come back on their parents with their types"

vgpu_gone "$u_manual"
ktap_test_status $? "the manual definition is not started"

mdevctl list --dumpjson >"$work/list.json" 2>&1
list_has "$work/list.json" "$u_auto0" "$p0" mvgpu_sim-quarter auto &&
	list_has "$work/list.json" "$u_auto1" "$p1" mvgpu_sim-eighth auto
ktap_test_status $? "mdevctl list --dumpjson shows them active with start=auto"

# -- undefine --
mdevctl undefine -u "$u_auto0" && mdevctl undefine -u "$u_auto1" &&
	mdevctl undefine -u "$u_manual" &&
	[[ ! -e /etc/mdevctl.d/$p0/$u_auto0 && ! -e /etc/mdevctl.d/$p1/$u_auto1 ]] &&
	[[ $(mdevctl list --defined --dumpjson | tr -d ' \n') == "[]" ]] &&
	vgpu_exists "$u_auto0"
ktap_test_status $? "mdevctl undefine drops the definitions and leaves running vGPUs running"

mdevctl stop -u "$u_auto0" && mdevctl stop -u "$u_auto1" &&
	vgpu_gone "$u_auto0" && vgpu_gone "$u_auto1" &&
	mdevctl types --dumpjson | types_match_sysfs "${pgpus[@]}" &&
	[[ $(eco_type_attr "$p0" mvgpu_sim-full available_instances) -eq 1 &&
	   $(eco_type_attr "$p1" mvgpu_sim-full available_instances) -eq 1 ]]
ktap_test_status $? "after stopping them both pGPUs are whole again (full: 1 available each)"

ktap_finished
