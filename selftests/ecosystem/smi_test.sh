#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mvgpu-smi in the VM test bed, TAP: with vGPUs of mixed types on two
# pGPUs, its JSON must agree with sysfs field by field; a vGPU held open
# through VFIO (build/ecosystem/vgpu_hold, on libmvgpu) shows its owner
# process and its reset count; the table and --watch modes work.
#
#   make -C selftests/ecosystem      (on the host)
#   tools/vm/run -- selftests/ecosystem/smi_test.sh

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/ecosystem/lib.sh
source "$repo/selftests/ecosystem/lib.sh"

smi=$repo/build/tools/mvgpu-smi
hold=$repo/build/ecosystem/vgpu_hold

echo "TAP version 13"
eco_vm_init
for bin in "$smi" "$hold"; do
	if [[ ! -x $bin ]]; then
		echo "Bail out! $bin missing: run 'make -C selftests/ecosystem' on the host"
		exit 1
	fi
done
mapfile -t pgpus < <(eco_pgpus)
if [[ ${#pgpus[@]} -lt 2 ]]; then
	echo "Bail out! needs two pGPUs, found ${#pgpus[@]}"
	exit 1
fi
p0=${pgpus[0]} p1=${pgpus[1]}
work=$(mktemp -d /tmp/smi-test.XXXXXX)
hold_pid=''

cleanup() {
	[[ -n $hold_pid ]] && kill "$hold_pid" 2>/dev/null && wait "$hold_pid" 2>/dev/null
	eco_remove_all_vgpus
	rm -rf "$work"
}
trap cleanup EXIT

create() { # PGPU TYPE UUID
	echo "$3" >"/sys/class/mdev_bus/$1/mdev_supported_types/$2/create"
}

# check_json FILE [HOLDER_UUID HOLDER_PID RESETS]: every field against
# sysfs; prints the differences as TAP diagnostics.
check_json() {
	python3 - "$@" <<'EOF'
import json, os, sys

doc = json.load(open(sys.argv[1]))
holder = sys.argv[2] if len(sys.argv) > 2 else None
holder_pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
holder_resets = int(sys.argv[4]) if len(sys.argv) > 4 else None
errors = []

def sysfs(path):
    return open(path).read().strip()

def num(path):
    return int(sysfs(path))

def expect(what, got, want):
    if got != want:
        errors.append("%s: mvgpu-smi %r, expected %r" % (what, got, want))

bus = "/sys/class/mdev_bus"
ours = sorted(p for p in os.listdir(bus) if os.path.isdir(os.path.join(bus, p, "mvgpu")))
expect("version", doc.get("version"), 1)
expect("pGPU list", [p["address"] for p in doc["pgpus"]], ours)
for p in doc["pgpus"]:
    a = os.path.join(bus, p["address"], "mvgpu")
    total, free = num(a + "/vram_total_bytes"), num(a + "/vram_free_bytes")
    for key, want in (("vram_total_bytes", total), ("vram_free_bytes", free),
                      ("vram_used_bytes", total - free),
                      ("vram_chunk_bytes", num(a + "/vram_chunk_bytes")),
                      ("engines", num(a + "/engines")),
                      ("queues_total", num(a + "/queues_total")),
                      ("queues_used", num(a + "/queues_total") - num(a + "/queues_free")),
                      ("contexts_total", num(a + "/contexts_total")),
                      ("contexts_used", num(a + "/contexts_total") - num(a + "/contexts_free")),
                      ("vgpus", num(a + "/vgpus"))):
        expect("%s %s" % (p["address"], key), p.get(key), want)
    expect(p["address"] + " driver", p["driver"],
           os.path.basename(os.readlink(os.path.join(bus, p["address"], "driver"))))
    tdir = os.path.join(bus, p["address"], "mdev_supported_types")
    expect(p["address"] + " types", sorted(t["id"] for t in p["types"]), sorted(os.listdir(tdir)))
    for t in p["types"]:
        d = os.path.join(tdir, t["id"])
        expect("%s %s name" % (p["address"], t["id"]), t["name"], sysfs(d + "/name"))
        expect("%s %s description" % (p["address"], t["id"]), t["description"], sysfs(d + "/description"))
        expect("%s %s device_api" % (p["address"], t["id"]), t["device_api"], sysfs(d + "/device_api"))
        expect("%s %s available" % (p["address"], t["id"]), t["available_instances"],
               num(d + "/available_instances"))
        props = dict(kv.split("=", 1) for kv in sysfs(d + "/description").split())
        expect("%s %s vram_bytes" % (p["address"], t["id"]), t["properties"].get("vram_bytes"),
               int(props["vram_bytes"]))
        expect("%s %s share" % (p["address"], t["id"]), t["properties"].get("share"), props["share"])

devs = "/sys/bus/mdev/devices"
want_vgpus = sorted(u for u in os.listdir(devs)
                    if os.path.basename(os.path.dirname(os.path.realpath(os.path.join(devs, u)))) in ours)
expect("vGPU list", sorted(v["uuid"] for v in doc["vgpus"]), want_vgpus)
for v in doc["vgpus"]:
    d = os.path.join(devs, v["uuid"])
    u = v["uuid"][:8]
    expect(u + " pgpu", v["pgpu"], os.path.basename(os.path.dirname(os.path.realpath(d))))
    expect(u + " type", v["type"], os.path.basename(os.readlink(d + "/mdev_type")))
    expect(u + " type_name", v["type_name"], sysfs(d + "/mdev_type/name"))
    expect(u + " iommu_group", v["iommu_group"], int(os.path.basename(os.readlink(d + "/iommu_group"))))
    for key in ("vram_bytes", "queues", "context", "resets"):
        expect(u + " " + key, v[key], num(d + "/mvgpu/" + key))
    for key in ("utilization_percent", "scheduler_share", "faults"):
        expect(u + " " + key + " (not exported yet)", v[key], None)
    if v["uuid"] == holder:
        expect(u + " owners", v["owners"], [{"pid": holder_pid, "comm": "vgpu_hold"}])
        expect(u + " resets", v["resets"], holder_resets)
    else:
        expect(u + " owners", v["owners"], [])
for e in errors:
    print("#   " + e)
sys.exit(1 if errors else 0)
EOF
}

u_half=$(eco_uuid) u_quarter=$(eco_uuid) u_eighth=$(eco_uuid)
create "$p0" mvgpu_sim-half "$u_half" && create "$p1" mvgpu_sim-quarter "$u_quarter" &&
	create "$p1" mvgpu_sim-eighth "$u_eighth"
tap_status $? "create half on $p0, quarter and eighth on $p1"

"$smi" >"$work/table" 2>&1
rc=$?
sed 's/^/# | /' "$work/table"
[[ $rc -eq 0 ]] && grep -q "^$p0 " "$work/table" && grep -q "^$p1 " "$work/table" &&
	grep -q "^$u_half *$p0 *mvgpu_sim-half *128 " "$work/table" &&
	grep -q "^$u_quarter *$p1 *mvgpu_sim-quarter *64 " "$work/table" &&
	grep -q "^$u_eighth *$p1 *mvgpu_sim-eighth *32 " "$work/table"
tap_status $? "table lists both pGPUs and the three vGPUs with pGPU, type and VRAM"

grep "^$u_half" "$work/table" | grep -qE ' - +- +- +-$'
tap_status $? "table: utilisation, share, faults and owner of an idle vGPU are '-'"

grep -qE "^$p0 +mvgpu_sim +128/256 MiB +2 +32/64 +1/32 +1$" "$work/table" &&
	grep -qE "^$p0 +mvgpu_sim-full +mvgpu-full-256M +256 +64 +1/1 +0$" "$work/table" &&
	grep -qE "^$p0 +mvgpu_sim-quarter +mvgpu-quarter-64M +64 +16 +1/4 +2$" "$work/table"
tap_status $? "table: pGPU usage (VRAM, queues, contexts) and type availability of $p0"

"$smi" --json >"$work/json" 2>&1
check_json "$work/json"
tap_status $? "--json agrees with sysfs: pGPUs, types, availability, vGPUs, their attributes"

"$hold" "$u_quarter" 2 >"$work/hold.out" 2>&1 &
hold_pid=$!
wait_for 30 grep -q ready "$work/hold.out"
tap_status $? "vgpu_hold opens $u_quarter through VFIO and resets it twice" "$(cat "$work/hold.out")"

"$smi" --json >"$work/json" 2>&1
check_json "$work/json" "$u_quarter" "$hold_pid" 2
tap_status $? "--json: the held vGPU's owner is vgpu_hold ($hold_pid) and resets is 2; the others have none"

"$smi" >"$work/table" 2>&1
grep "^$u_quarter" "$work/table" | grep -q "$hold_pid (vgpu_hold)\$"
tap_status $? "table: owner column shows '$hold_pid (vgpu_hold)'" "$(grep "^$u_quarter" "$work/table")"

kill "$hold_pid" && wait "$hold_pid"
rc=$?
hold_pid=''
"$smi" --json >"$work/json" 2>&1
[[ $rc -eq 0 ]] && check_json "$work/json" "" 0 0
tap_status $? "after vgpu_hold closes the vGPU it has no owner"

timeout 30 "$smi" --watch 0.2 --count 3 >"$work/watch" 2>&1
rc=$?
frames=$(grep -c '^mvgpu-smi ' "$work/watch")
[[ $rc -eq 0 && $frames -eq 3 ]]
tap_status $? "--watch 0.2 --count 3 prints three refreshes and exits" "exit $rc, $frames frames"

timeout 30 "$smi" -j -w 0.2 -c 2 >"$work/watch" 2>&1
rc=$?
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    assert len(json.loads(line)["vgpus"]) == 3
' "$work/watch"
tap_status $? "--json --watch prints one JSON document per line and refresh" "exit $rc: $(head -c 200 "$work/watch")"

bad=0
for args in "--watch 0" "--count x --watch" "--bogus" "extra"; do
	# shellcheck disable=SC2086 # split on purpose
	"$smi" $args >/dev/null 2>&1
	[[ $? -eq 2 ]] || { bad=1; echo "#   mvgpu-smi $args: exit status not 2"; }
done
tap_status $bad "bad arguments exit with status 2"

mkdir -p "$work/empty"
"$smi" --root "$work/empty" >"$work/table" 2>&1 &&
	grep -q 'no mvgpu pGPU found' "$work/table" &&
	[[ $("$smi" --root "$work/empty" --json | tr -d ' \n') == *'"pgpus":[],"vgpus":[]}' ]]
tap_status $? "no pGPU: a clear message, and empty lists in JSON"

eco_remove_all_vgpus
"$smi" --json >"$work/json" 2>&1
check_json "$work/json" &&
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["vgpus"] == []
assert all(p["vram_used_bytes"] == 0 and p["vgpus"] == 0 for p in doc["pgpus"])
' "$work/json"
tap_status $? "after removing the vGPUs: no vGPU, nothing used"

tap_done
