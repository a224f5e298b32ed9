#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mvgpu-smi in the VM test bed, TAP: with vGPUs of mixed types on two
# pGPUs, its JSON must agree with sysfs field by field, scheduler settings
# and counters included; a vGPU held open through VFIO
# (build/ecosystem/vgpu_hold, on libmvgpu) that ran jobs and faulted shows
# its owner process and its counters; the table and --watch modes work;
# --set-* changes the scheduler settings and reports refused values
# (EINVAL, ERANGE) without changing anything.
#
#   make -C selftests/ecosystem      (on the host)
#   tools/vm/run -- selftests/ecosystem/smi_test.sh

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/ecosystem/lib.sh
source "$repo/selftests/ecosystem/lib.sh"

smi=$repo/build/tools/mvgpu-smi
hold=$repo/build/ecosystem/vgpu_hold

ktap_print_header
eco_vm_init
for bin in "$smi" "$hold"; do
	if [[ ! -x $bin ]]; then
		ktap_bail_out "$bin missing: run 'make -C selftests/ecosystem' on the host"
	fi
done
mapfile -t pgpus < <(eco_pgpus)
if [[ ${#pgpus[@]} -lt 2 ]]; then
	ktap_bail_out "needs two pGPUs, found ${#pgpus[@]}"
fi
p0=${pgpus[0]} p1=${pgpus[1]}
work=$(mktemp -d /tmp/smi-test.XXXXXX)
hold_pid=''

# The scheduler settings of the pGPUs, put back at the end: the modules
# stay loaded for the next test script.
declare -A saved_settings
for p in "${pgpus[@]}"; do
	for f in sched_policy sched_slice_us sched_watchdog_ms; do
		saved_settings[$p/$f]=$(cat "/sys/class/mdev_bus/$p/mvgpu/$f")
	done
done

cleanup() {
	local key
	[[ -n $hold_pid ]] && kill "$hold_pid" 2>/dev/null && wait "$hold_pid" 2>/dev/null
	eco_remove_all_vgpus
	for key in "${!saved_settings[@]}"; do
		echo "${saved_settings[$key]}" >"/sys/class/mdev_bus/${key%/*}/mvgpu/${key##*/}"
	done
	rm -rf "$work"
}
trap cleanup EXIT

create() { # PGPU TYPE UUID
	echo "$3" >"/sys/class/mdev_bus/$1/mdev_supported_types/$2/create"
}

# Utilization is a percentage over the last one-second window: it moves
# on its own while a window closes after work. The JSON checks compare it
# with sysfs once every vGPU and pGPU has been idle long enough to read 0.
utilization_settled() {
	local f
	for f in /sys/class/mdev_bus/*/mvgpu/sched_utilization \
		/sys/bus/mdev/devices/*/mvgpu/utilization; do
		[[ ! -e $f || $(cat "$f") -eq 0 ]] || return 1
	done
}

# check_json FILE [HOLDER_UUID HOLDER_PID RESETS [JOBS FAULTS]]: every
# field against sysfs (the holder, owned by HOLDER_PID unless 0, was reset
# RESETS times unless "-", ran at least JOBS jobs and made FAULTS faults);
# prints the differences as TAP diagnostics.
check_json() {
	python3 - "$@" <<'EOF'
import json, os, sys

doc = json.load(open(sys.argv[1]))
holder = sys.argv[2] if len(sys.argv) > 2 else None
holder_pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
holder_resets = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] != "-" else None
holder_jobs = int(sys.argv[5]) if len(sys.argv) > 5 else 0
holder_faults = int(sys.argv[6]) if len(sys.argv) > 6 else 0
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
                      ("vgpus", num(a + "/vgpus")),
                      ("id", num(a + "/id")),
                      ("sched_policy", sysfs(a + "/sched_policy")),
                      ("sched_slice_us", num(a + "/sched_slice_us")),
                      ("sched_watchdog_ms", num(a + "/sched_watchdog_ms")),
                      ("sched_utilization", num(a + "/sched_utilization")),
                      ("sched_busy_ns", num(a + "/sched_busy_ns")),
                      ("sched_jobs", num(a + "/sched_jobs")),
                      ("sched_preemptions", num(a + "/sched_preemptions")),
                      ("sched_faults", num(a + "/sched_faults")),
                      ("sched_resets", num(a + "/sched_resets"))):
        expect("%s %s" % (p["address"], key), p.get(key), want)
    expect(p["address"] + " fields that are null", [k for k, v in p.items() if v is None], [])
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
    for key in ("vram_bytes", "queues", "context", "resets", "busy_ns", "jobs",
                "preemptions", "faults", "sched_share_ppm", "sched_weight",
                "sched_cap_pct"):
        expect(u + " " + key, v.get(key), num(d + "/mvgpu/" + key))
    expect(u + " utilization_percent", v.get("utilization_percent"), num(d + "/mvgpu/utilization"))
    expect(u + " fields that are null", [k for k, val in v.items() if val is None], [])
    # The type's share: 1/N of the pGPU, N from its description.
    props = dict(kv.split("=", 1) for kv in sysfs(d + "/mdev_type/description").split())
    divisor = int(props["share"].split("/")[1])
    expect(u + " sched_share_ppm (share=%s)" % props["share"], v.get("sched_share_ppm"), 1000000 // divisor)
    share = v.get("scheduler_share")
    if not isinstance(share, float) and not isinstance(share, int) or abs(share - 1.0 / divisor) > 1e-9:
        errors.append("%s scheduler_share: mvgpu-smi %r, expected %r" % (u, share, 1.0 / divisor))
    if v["uuid"] == holder:
        expect(u + " owners", v["owners"],
               [{"pid": holder_pid, "comm": "vgpu_hold"}] if holder_pid else [])
        if holder_resets is not None:
            expect(u + " resets", v["resets"], holder_resets)
        expect(u + " faults", v["faults"], holder_faults)
        if v["jobs"] < holder_jobs or (holder_jobs and v["busy_ns"] <= 0):
            errors.append("%s jobs %r busy_ns %r: expected at least %d jobs and some busy time"
                          % (u, v["jobs"], v["busy_ns"], holder_jobs))
    else:
        expect(u + " owners", v["owners"], [])
        expect(u + " jobs (never opened)", v["jobs"], 0)
for e in errors:
    print("#   " + e)
sys.exit(1 if errors else 0)
EOF
}

u_half=$(mvgpu_new_uuid) u_quarter=$(mvgpu_new_uuid) u_eighth=$(mvgpu_new_uuid)
create "$p0" mvgpu_sim-half "$u_half" && create "$p1" mvgpu_sim-quarter "$u_quarter" &&
	create "$p1" mvgpu_sim-eighth "$u_eighth"
ktap_test_status $? "create half on $p0, quarter and eighth on $p1"

"$smi" >"$work/table" 2>&1
rc=$?
sed 's/^/# | /' "$work/table"
[[ $rc -eq 0 ]] && grep -q "^$p0 " "$work/table" && grep -q "^$p1 " "$work/table" &&
	grep -q "^$u_half *$p0 *mvgpu_sim-half *128 " "$work/table" &&
	grep -q "^$u_quarter *$p1 *mvgpu_sim-quarter *64 " "$work/table" &&
	grep -q "^$u_eighth *$p1 *mvgpu_sim-eighth *32 " "$work/table"
ktap_test_status $? "table lists both pGPUs and the three vGPUs with pGPU, type and VRAM"

grep "^$u_half" "$work/table" | grep -qE ' 0 +0% +50% +0  -$' &&
	grep "^$u_eighth" "$work/table" | grep -qE ' 0 +0% +12.5% +0  -$'
ktap_test_status $? "table: resets, utilization, type share, faults and owner of idle vGPUs (0, 0%, 50% or 12.5%, 0, -)" \
	"$(grep -E "^($u_half|$u_eighth)" "$work/table")"

# read_files DIR NAME...: the files' first lines, space-separated, into
# $files (read builtins: a process per file is slow under TCG).
read_files() {
	local dir=$1 name line
	shift
	files=''
	for name in "$@"; do
		read -r line <"$dir/$name" || line='?'
		files+="${files:+ }$line"
	done
}

# pgpu_sched_row PGPU: the scheduler table row sysfs says it should be.
pgpu_sched_row() {
	local policy slice wd util busy rest
	read_files "/sys/class/mdev_bus/$1/mvgpu" sched_policy sched_slice_us \
		sched_watchdog_ms sched_utilization sched_busy_ns sched_jobs \
		sched_preemptions sched_faults sched_resets
	read -r policy slice wd util busy rest <<<"$files"
	[[ $wd -eq 0 ]] && wd=off || wd="$wd ms"
	printf '%s %s %s %s %s%% %d.%03d %s\n' "$1" "$policy" "$slice" "$wd" "$util" \
		$((busy / 1000000000)) $((busy / 1000000 % 1000)) "$rest"
}

# table_row FILE HEADER KEY: in the table whose header line starts with
# HEADER, the row whose first column is KEY, blanks squeezed.
table_row() {
	awk -v hdr="$2" -v key="$3" '
		index($0, hdr) == 1 { in_table = 1; next }
		/^$/ { in_table = 0 }
		in_table && $1 == key { $1 = $1; print }' "$1"
}

bad=0
for p in "$p0" "$p1"; do
	want=$(pgpu_sched_row "$p")
	got=$(table_row "$work/table" "pGPU           policy" "$p")
	[[ $got == "$want" ]] || { bad=1; echo "#   $p: table '$got', sysfs '$want'"; }
done
ktap_test_status $bad "table: policy, slice, watchdog and scheduler totals of each pGPU as in sysfs"

[[ $(table_row "$work/table" "vGPU                                 weight" "$u_half") == "$u_half 100 none 0.000 0 0" ]]
ktap_test_status $? "table: weight, cap, busy time, jobs and preemptions of an idle vGPU (100, none, 0.000, 0, 0)" \
	"$(table_row "$work/table" "vGPU                                 weight" "$u_half")"

grep -qE "^$p0 +mvgpu_sim +128/256 MiB +2 +32/64 +1/32 +1$" "$work/table" &&
	grep -qE "^$p0 +mvgpu_sim-full +mvgpu-full-256M +256 +64 +1/1 +0$" "$work/table" &&
	grep -qE "^$p0 +mvgpu_sim-quarter +mvgpu-quarter-64M +64 +16 +1/4 +2$" "$work/table"
ktap_test_status $? "table: pGPU usage (VRAM, queues, contexts) and type availability of $p0"

"$smi" --json >"$work/json" 2>&1
check_json "$work/json"
ktap_test_status $? "--json agrees with sysfs: pGPUs, types, availability, scheduler settings and totals, vGPUs, their attributes and counters; no null"

# 200 FILL jobs, then one that faults (a FILL past the end of VRAM).
hold_jobs=200
"$hold" "$u_quarter" 2 "$hold_jobs" 1 >"$work/hold.out" 2>&1 &
hold_pid=$!
wait_for 120 grep -q ready "$work/hold.out"
ktap_test_status $? "vgpu_hold opens $u_quarter through VFIO, resets it twice, runs $hold_jobs jobs and one fault" "$(cat "$work/hold.out")"

wait_for 20 utilization_settled
"$smi" --json >"$work/json" 2>&1
check_json "$work/json" "$u_quarter" "$hold_pid" 2 "$hold_jobs" 1
ktap_test_status $? "--json: the held vGPU's owner is vgpu_hold ($hold_pid), resets 2, faults 1, at least $hold_jobs jobs, as sysfs says; the others have none"

"$smi" >"$work/table" 2>&1
grep "^$u_quarter" "$work/table" | grep -qE " 2 +[0-9]+% +25% +1  $hold_pid \(vgpu_hold\)\$"
ktap_test_status $? "table: resets 2, share 25%, faults 1, owner '$hold_pid (vgpu_hold)'" "$(grep "^$u_quarter" "$work/table")"

read -r _ weight cap busy jobs _ < <(table_row "$work/table" "vGPU                                 weight" "$u_quarter")
[[ $weight == 100 && $cap == none && $busy != 0.000 &&
   $jobs -eq $(cat "/sys/bus/mdev/devices/$u_quarter/mvgpu/jobs") && $jobs -ge $hold_jobs ]] &&
	[[ $(table_row "$work/table" "pGPU           policy" "$p1") == "$(pgpu_sched_row "$p1")" ]]
ktap_test_status $? "table: the held vGPU's jobs (at least $hold_jobs) and busy time, and $p1's totals, as in sysfs" \
	"weight $weight cap $cap busy $busy jobs $jobs"

kill "$hold_pid" && wait "$hold_pid"
rc=$?
hold_pid=''
"$smi" --json >"$work/json" 2>&1
# Closing resets the device once more.
[[ $rc -eq 0 ]] && check_json "$work/json" "$u_quarter" 0 - "$hold_jobs" 1 &&
	[[ $(cat "/sys/bus/mdev/devices/$u_quarter/mvgpu/resets") -ge 2 ]]
ktap_test_status $? "after vgpu_hold closes the vGPU it has no owner and keeps its counters"

# -- scheduler settings --
a0=/sys/class/mdev_bus/$p0/mvgpu
q=/sys/bus/mdev/devices/$u_quarter/mvgpu
"$smi" --set-policy "$p0" weighted --set-slice-us "$p0" 500 --set-watchdog-ms "$p0" 0 \
	--set-weight "$u_quarter" 300 --set-cap "$u_quarter" 50 >"$work/set.out" 2>&1
rc=$?
printf '%s\n' "$p0 sched_policy weighted" "$p0 sched_slice_us 500" "$p0 sched_watchdog_ms 0" \
	"$u_quarter sched_weight 300" "$u_quarter sched_cap_pct 50" >"$work/set.want"
[[ $rc -eq 0 ]] && cmp -s "$work/set.out" "$work/set.want" &&
	[[ $(cat "$a0/sched_policy") == weighted && $(cat "$a0/sched_slice_us") -eq 500 &&
	   $(cat "$a0/sched_watchdog_ms") -eq 0 && $(cat "$q/sched_weight") -eq 300 &&
	   $(cat "$q/sched_cap_pct") -eq 50 ]]
ktap_test_status $? "--set-policy/--set-slice-us/--set-watchdog-ms/--set-weight/--set-cap write sysfs and print what it reads back" \
	"exit $rc: $(tr '\n' ';' <"$work/set.out")"

"$smi" >"$work/table" 2>&1
[[ $(table_row "$work/table" "pGPU           policy" "$p0") == "$p0 weighted 500 off "* ]] &&
	[[ $(table_row "$work/table" "vGPU                                 weight" "$u_quarter") == "$u_quarter 300 50% "* ]] &&
	wait_for 20 utilization_settled && "$smi" --json >"$work/json" 2>&1 &&
	check_json "$work/json" "$u_quarter" 0 - "$hold_jobs" 1
rc=$?
sed 's/^/# | /' "$work/table"
ktap_test_status $rc "the table (weighted, 500 us, watchdog off; weight 300, cap 50%) and the JSON show the new settings" \
	"$(table_row "$work/table" "pGPU           policy" "$p0")"

# refused ERROR ARGS...: exit status 1, the kernel's error message ERROR
# and the valid range on stderr, and no setting changed.
settings_now() {
	local pgpu vgpu
	read_files "$a0" sched_policy sched_slice_us sched_watchdog_ms
	pgpu=$files
	read_files "$q" sched_weight sched_cap_pct
	vgpu=$files
	files="$pgpu $vgpu"
}
refused() {
	local before after out rc error=$1
	shift
	settings_now
	before=$files
	out=$("$smi" "$@" 2>&1)
	rc=$?
	settings_now
	after=$files
	if [[ $rc -ne 1 || $out != *"$error (valid: "* || $before != "$after" ]]; then
		echo "#   mvgpu-smi $*: exit $rc, '$out', settings $before -> $after"
		return 1
	fi
}
bad=0
einval="Invalid argument" erange="Numerical result out of range"
refused "$einval" --set-policy "$p0" round_robin || bad=1
refused "$erange" --set-slice-us "$p0" 99 || bad=1
refused "$erange" --set-slice-us "$p0" 100001 || bad=1
refused "$einval" --set-slice-us "$p0" -5 || bad=1
refused "$erange" --set-watchdog-ms "$p0" 9 || bad=1
refused "$erange" --set-watchdog-ms "$p0" 60001 || bad=1
refused "$erange" --set-weight "$u_quarter" 0 || bad=1
refused "$erange" --set-weight "$u_quarter" 10001 || bad=1
refused "$erange" --set-weight "$u_quarter" 4294967296 || bad=1
refused "$erange" --set-cap "$u_quarter" 101 || bad=1
refused "$einval" --set-cap "$u_quarter" 5x || bad=1
ktap_test_status $bad "unknown policies and non-numbers (EINVAL), out-of-range values (ERANGE): reported with the valid range, exit 1, nothing changed"

out=$("$smi" --set-weight "$u_quarter" 200 --set-slice-us "$p0" 50 --set-weight "$u_quarter" 400 2>&1)
rc=$?
[[ $rc -eq 1 && $(cat "$q/sched_weight") -eq 200 && $(cat "$a0/sched_slice_us") -eq 500 &&
   $out == *"1 later setting not applied"* ]]
ktap_test_status $? "settings apply in order and stop at the first refused one" "exit $rc: ${out//$'\n'/; }"

out=$("$smi" --set-weight "$p0" 100 2>&1)
rc=$?
out2=$("$smi" --set-policy "$u_quarter" weighted 2>&1)
rc2=$?
[[ $rc -eq 1 && $out == *"no mvgpu vGPU '$p0'"* && $rc2 -eq 1 && $out2 == *"no mvgpu pGPU '$u_quarter'"* ]]
ktap_test_status $? "a pGPU setting on a vGPU, or the reverse, is refused: no such target" "$out; $out2"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$smi" --set-weight "$u_quarter" 100 2>&1)
rc=$?
[[ $rc -eq 1 && $out == *"Permission denied (run as root)"* && $(cat "$q/sched_weight") -eq 200 ]]
ktap_test_status $? "as another user than root: permission denied, said so" "exit $rc: $out"

"$smi" --set-policy "$p0" "${saved_settings[$p0/sched_policy]}" \
	--set-slice-us "$p0" "${saved_settings[$p0/sched_slice_us]}" \
	--set-watchdog-ms "$p0" "${saved_settings[$p0/sched_watchdog_ms]}" \
	--set-weight "$u_quarter" 100 --set-cap "$u_quarter" 0 >/dev/null
ktap_test_status $? "--set-* puts the defaults back"

timeout 30 "$smi" --watch 0.2 --count 3 >"$work/watch" 2>&1
rc=$?
frames=$(grep -c '^mvgpu-smi ' "$work/watch")
[[ $rc -eq 0 && $frames -eq 3 ]]
ktap_test_status $? "--watch 0.2 --count 3 prints three refreshes and exits" "exit $rc, $frames frames"

timeout 30 "$smi" -j -w 0.2 -c 2 >"$work/watch" 2>&1
rc=$?
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    assert len(json.loads(line)["vgpus"]) == 3
' "$work/watch"
ktap_test_status $? "--json --watch prints one JSON document per line and refresh" "exit $rc: $(head -c 200 "$work/watch")"

bad=0
for args in "--watch 0" "--count x --watch" "--bogus" "extra" "--set-weight" \
	"--set-weight $u_half" "--set-policy $p0 weighted --json" "--set-cap $u_half 5 --watch"; do
	# shellcheck disable=SC2086 # split on purpose
	"$smi" $args >/dev/null 2>&1
	[[ $? -eq 2 ]] || { bad=1; echo "#   mvgpu-smi $args: exit status not 2"; }
done
ktap_test_status $bad "bad arguments exit with status 2"

mkdir -p "$work/empty"
"$smi" --root "$work/empty" >"$work/table" 2>&1 &&
	grep -q 'no mvgpu pGPU found' "$work/table" &&
	[[ $("$smi" --root "$work/empty" --json | tr -d ' \n') == *'"pgpus":[],"vgpus":[]}' ]]
ktap_test_status $? "no pGPU: a clear message, and empty lists in JSON"

eco_remove_all_vgpus
"$smi" --json >"$work/json" 2>&1
check_json "$work/json" &&
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["vgpus"] == []
assert all(p["vram_used_bytes"] == 0 and p["vgpus"] == 0 for p in doc["pgpus"])
' "$work/json"
ktap_test_status $? "after removing the vGPUs: no vGPU, nothing used"

ktap_finished
