#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side packaging test, TAP: "make dkms-install" builds, signs and
# installs the modules for the Debian 6.1 and 6.12 headers (neither kernel
# is running), the kernel post-install hook rebuilds them for a kernel
# that lost them, "make dkms-uninstall" leaves nothing behind; "make
# install DESTDIR=" puts every file in place and signs with a MOK key.
#
# Needs root, dkms and both header packages (make deps). Changes the host
# like an administrator would (/usr/src, /var/lib/dkms, /lib/modules) and
# undoes it at the end; the DKMS MOK key /var/lib/dkms/mok.key, created on
# first use, stays.
#
# Kernel series built in the trixie environment (7) are tested there: the
# same DKMS registration, build and removal, inside that chroot.
#
#   selftests/ecosystem/dkms_test.sh [SERIES...]    (default: 6.1 6.12 7)

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=selftests/ecosystem/lib.sh
source "$repo/selftests/ecosystem/lib.sh"

# shellcheck source=tools/vm/lib.sh
source "$repo/tools/vm/lib.sh"

series=()
trixie_series=()
[[ $# -gt 0 ]] || set -- 6.1 6.12 7
for s in "$@"; do
	if mvgpu_series_in_trixie "$s"; then
		trixie_series+=("$s")
	else
		series+=("$s")
	fi
done
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
mok_key=/var/lib/dkms/mok.key
mok_cert=/var/lib/dkms/mok.pub

ktap_print_header

if [[ $(id -u) -ne 0 ]] || ! command -v dkms >/dev/null; then
	ktap_bail_out "needs root and dkms (make deps)"
fi

kvers=()
for s in "${series[@]+"${series[@]}"}"; do
	kver=$("$repo/tools/vm/kernel" kver "$s" 2>/dev/null) ||
		kver=$("$repo/tools/vm/kernel" resolve "$s")
	kvers+=("$kver")
done
echo "# dkms $(dkms --version 2>&1 | head -1), mvgpu $version, kernels ${kvers[*]}, running $(uname -r)"

work=$(mktemp -d /tmp/mvgpu-dkms-test.XXXXXX)
# depmod leaves index files in /lib/modules/<kver>; remove those that were
# not there before (a headers-only kernel has none).
pristine=()
for kver in "${kvers[@]}"; do
	[[ -e /lib/modules/$kver/modules.dep ]] || pristine+=("$kver")
done
cleanup() {
	make -C "$repo" --no-print-directory dkms-uninstall >/dev/null 2>&1
	for kver in "${pristine[@]}"; do
		rm -f /lib/modules/"$kver"/modules.*
		rmdir /lib/modules/"$kver"/updates/dkms /lib/modules/"$kver"/updates 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

# Finds the installed module file, compressed or not.
dkms_module() { # KVER NAME
	local f
	for f in /lib/modules/"$1"/updates/dkms/"$2".ko{,.xz,.zst,.gz}; do
		[[ -e $f ]] && { echo "$f"; return 0; }
	done
	return 1
}

# The same in the trixie environment, for kernels whose headers need its
# compiler: register, build, install, remove.
trixie=$repo/tools/vm/trixie
for s in "${trixie_series[@]+"${trixie_series[@]}"}"; do
	if ! kver=$("$repo/tools/vm/kernel" kver "$s") ||
		! "$repo/tools/vm/kernel" kdir "$s" >/dev/null; then
		ktap_test_fail "headers of series $s in the trixie environment"
		continue
	fi
	log=$work/dkms-install-$kver.log
	start=$SECONDS
	if "$trixie" run make -C "$repo" --no-print-directory dkms-install \
		DKMS_KERNELS="$kver" >"$log" 2>&1; then
		ktap_test_pass "make dkms-install for $kver in the trixie environment ($((SECONDS - start)) s)"
	else
		ktap_test_fail "make dkms-install for $kver in the trixie environment"
		ktap_print_file "$log" 40
	fi

	status=$("$trixie" run dkms status -m mvgpu -v "$version" -k "$kver" 2>/dev/null)
	[[ $status == *": installed"* ]]
	ktap_test_status $? "dkms status: installed for $kver (trixie)" "status: '$status'"

	# shellcheck disable=SC2016 # expanded by the inner shell
	vermagic=$("$trixie" run sh -c 'for n in mvgpu mvgpu_sim; do
		modinfo -F vermagic /lib/modules/$1/updates/dkms/$n.ko* || echo "$n missing"
		done' sh "$kver" 2>&1)
	bad=0
	while read -r line; do
		[[ $line == "$kver "* ]] || bad=1
	done <<<"$vermagic"
	ktap_test_status $bad "mvgpu.ko and mvgpu_sim.ko built by DKMS with vermagic $kver" "$vermagic"

	"$trixie" run make -C "$repo" --no-print-directory dkms-uninstall >>"$log" 2>&1
	left=$("$trixie" run sh -c 'dkms status -m mvgpu; ls -d /usr/src/mvgpu-* /lib/modules/*/updates/dkms/mvgpu* 2>/dev/null')
	[[ -z $left ]]
	ktap_test_status $? "make dkms-uninstall in the trixie environment leaves nothing" "left: $left"
done

# Only trixie series asked for: nothing runs on the host.
if [[ ${#kvers[@]} -eq 0 ]]; then
	ktap_finished
	exit
fi

# A clean slate, in case an earlier run was interrupted.
make -C "$repo" --no-print-directory dkms-uninstall >/dev/null 2>&1

start=$SECONDS
log=$work/dkms-install.log
if make -C "$repo" --no-print-directory dkms-install DKMS_KERNELS="${kvers[*]}" >"$log" 2>&1; then
	ktap_test_pass "make dkms-install for ${kvers[*]} ($((SECONDS - start)) s)"
else
	ktap_test_fail "make dkms-install for ${kvers[*]}"
	ktap_print_file "$log" 40
fi

for kver in "${kvers[@]}"; do
	status=$(dkms status -m mvgpu -v "$version" -k "$kver" 2>/dev/null)
	[[ $status == *": installed"* ]]
	ktap_test_status $? "dkms status: installed for $kver" "status: '$status'"

	bad=0 detail=''
	for name in mvgpu mvgpu_sim; do
		f=$(dkms_module "$kver" "$name") || { bad=1; detail+=" $name missing"; continue; }
		vermagic=$(modinfo -F vermagic "$f")
		[[ $vermagic == "$kver "* ]] || { bad=1; detail+=" $name vermagic '$vermagic'"; }
	done
	ktap_test_status $bad "mvgpu.ko and mvgpu_sim.ko in /lib/modules/$kver/updates/dkms with vermagic $kver" "$detail"

	bad=0 detail=''
	for name in mvgpu mvgpu_sim; do
		f=$(dkms_module "$kver" "$name") || { bad=1; continue; }
		signer=$(modinfo -F signer "$f")
		[[ -n $signer ]] || { bad=1; detail+=" $name unsigned"; continue; }
		eco_verify_module_signature "$f" "$mok_cert" "$work" ||
			{ bad=1; detail+=" $name: signature does not verify with $mok_cert"; }
	done
	ktap_test_status $bad "modules for $kver signed by the DKMS MOK key ($mok_cert)" "$detail"

	depends=$(modinfo -F depends "$(dkms_module "$kver" mvgpu_sim)" 2>/dev/null)
	[[ $depends == mvgpu ]]
	ktap_test_status $? "modinfo: mvgpu_sim depends on mvgpu ($kver)" "depends='$depends'"

	grep -q '^updates/dkms/mvgpu_sim.ko.*: updates/dkms/mvgpu.ko' "/lib/modules/$kver/modules.dep" 2>/dev/null
	ktap_test_status $? "modules.dep of $kver lists mvgpu_sim with its dependency on mvgpu"
done

# What the kernel package's post-install hook runs for a new kernel, once
# the last kernel has lost its build ("unbuild", not "remove": with a
# single kernel, removing it would drop the registration as well).
last=${kvers[-1]}
dkms unbuild -m mvgpu -v "$version" -k "$last" >/dev/null 2>&1
log=$work/autoinstall.log
/etc/kernel/postinst.d/dkms "$last" >"$log" 2>&1
status=$(dkms status -m mvgpu -v "$version" -k "$last" 2>/dev/null)
if [[ $status == *": installed"* ]] && dkms_module "$last" mvgpu >/dev/null; then
	ktap_test_pass "kernel post-install hook (/etc/kernel/postinst.d/dkms $last) rebuilds and installs mvgpu"
else
	ktap_test_fail "kernel post-install hook rebuilds mvgpu for $last"
	ktap_print_file "$log" 30
fi

log=$work/dkms-uninstall.log
make -C "$repo" --no-print-directory dkms-uninstall >"$log" 2>&1
left=$(dkms status -m mvgpu 2>/dev/null; ls -d /usr/src/mvgpu-* 2>/dev/null;
       for kver in "${kvers[@]}"; do dkms_module "$kver" mvgpu; done)
[[ -z $left ]]
ktap_test_status $? "make dkms-uninstall removes the registration, sources and modules" "left: $left"

# "make install" into a staging root, from a copy of the tree so that the
# shared build directory is left alone.
copy=$work/src
mkdir -p "$copy"
(cd "$repo" && cp -r Makefile Kbuild LICENSE dkms.conf drivers include packaging "$copy/" &&
	mkdir -p "$copy/tools" && cp -r tools/mvgpu-smi "$copy/tools/")
kver=${kvers[0]}
dest=$work/root
log=$work/make-install.log
make -C "$copy" --no-print-directory install KDIR="/lib/modules/$kver/build" \
	DESTDIR="$dest" PREFIX=/usr MOK_KEY="$mok_key" MOK_CERT="$mok_cert" >"$log" 2>&1
rc=$?
missing=''
for f in "lib/modules/$kver/extra/mvgpu.ko" "lib/modules/$kver/extra/mvgpu_sim.ko" \
	etc/modprobe.d/mvgpu.conf etc/modules-load.d/mvgpu.conf \
	etc/udev/rules.d/61-mvgpu-mdevctl.rules usr/bin/mvgpu-smi \
	usr/share/man/man1/mvgpu-smi.1; do
	[[ -e $dest/$f ]] || missing+=" $f"
done
if [[ $rc -eq 0 && -z $missing ]]; then
	ktap_test_pass "make install DESTDIR= installs modules, modprobe.d, modules-load.d, udev rule and mvgpu-smi"
else
	ktap_test_fail "make install DESTDIR= (exit $rc, missing:$missing)"
	ktap_print_file "$log" 30
fi

ok=0
for name in mvgpu mvgpu_sim; do
	eco_verify_module_signature "$dest/lib/modules/$kver/extra/$name.ko" "$mok_cert" "$work" || ok=1
done
ktap_test_status $ok "make install MOK_KEY= MOK_CERT= signs both modules with that key"

grep -qx 'mvgpu_sim' "$dest/etc/modules-load.d/mvgpu.conf" 2>/dev/null &&
	! grep -q '^options' "$dest/etc/modprobe.d/mvgpu.conf" 2>/dev/null
ktap_test_status $? "modules-load.d loads mvgpu_sim; the modprobe.d example sets no option"

make -C "$copy" --no-print-directory uninstall KDIR="/lib/modules/$kver/build" \
	DESTDIR="$dest" PREFIX=/usr >>"$log" 2>&1
left=$(find "$dest" -type f)
[[ -z $left ]]
ktap_test_status $? "make uninstall DESTDIR= removes every installed file" "left: $left"

# The Debian packages, when the tools to build them are there (they are
# not part of make deps: "make deb" is optional).
if ! command -v dh_dkms >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
	ktap_test_skip "make deb" "debhelper and dh-dkms not installed"
	ktap_test_skip "lintian on the packages" "debhelper and dh-dkms not installed"
	ktap_test_skip "dpkg -i mvgpu-dkms builds and installs for every kernel with headers" "no packages"
	ktap_test_skip "dpkg --purge mvgpu-dkms leaves nothing" "no packages"
	ktap_finished
	exit
fi
deb_dir=$copy/build/deb
log=$work/make-deb.log
make -C "$copy" --no-print-directory deb >"$log" 2>&1
rc=$?
debs=("$deb_dir"/mvgpu-dkms_"$version"_all.deb "$deb_dir"/mvgpu-tools_"$version"_*[0-9a-z].deb)
[[ $rc -eq 0 && -f ${debs[0]} && -f ${debs[1]} ]]
ktap_test_status $? "make deb builds mvgpu-dkms and mvgpu-tools" "exit $rc; $(tail -5 "$log")"

if command -v lintian >/dev/null; then
	lintian --pedantic "$deb_dir"/mvgpu_"$version"_*.changes >"$work/lintian.log" 2>&1
	rc=$?
	grep -E '^[EW]: ' "$work/lintian.log" | sed 's/^/#   /'
	[[ $rc -eq 0 ]] && ! grep -qE '^[EW]: ' "$work/lintian.log"
	ktap_test_status $? "lintian --pedantic: no error, no warning"
else
	ktap_test_skip "lintian on the packages" "lintian not installed"
fi

log=$work/dpkg.log
dpkg -i "${debs[@]}" >"$log" 2>&1
rc=$?
bad=$rc
for kver in "${kvers[@]}"; do
	[[ $(dkms status -m mvgpu -v "$version" -k "$kver" 2>/dev/null) == *": installed"* ]] || bad=1
done
[[ -f /usr/lib/udev/rules.d/61-mvgpu-mdevctl.rules && -x /usr/bin/mvgpu-smi ]] || bad=1
ktap_test_status $bad "dpkg -i: mvgpu-dkms builds and installs for ${kvers[*]}; rule and mvgpu-smi in place" "$(tail -5 "$log")"

dpkg --purge mvgpu-dkms mvgpu-tools >>"$log" 2>&1
left=$(dkms status -m mvgpu 2>/dev/null; ls -d /usr/src/mvgpu-* /usr/bin/mvgpu-smi \
       /usr/lib/udev/rules.d/61-mvgpu-mdevctl.rules /etc/modprobe.d/mvgpu.conf 2>/dev/null)
[[ -z $left ]]
ktap_test_status $? "dpkg --purge removes the packages, the DKMS modules and their files" "left: $left"

ktap_finished
