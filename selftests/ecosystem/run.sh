#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the ecosystem tests of the VM test bed one after the other, their
# TAP on stdout: mvgpu-smi, mdevctl (with udev), libvirt. Build first on
# the host ("make modules-vm && make -C selftests/ecosystem"), then:
#
#   tools/vm/run --kernel 6.1 -- selftests/ecosystem/run.sh [TEST...]
#
# TEST names a script without its _test.sh (smi, mdevctl, libvirt).
# The host-side DKMS/install test is dkms_test.sh, run on the host.
#
# Exit status: 0 if every test script passed, 1 otherwise.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/lib/prologue.sh
source "$here/../../tools/lib/prologue.sh"
tests=(smi mdevctl libvirt)
[[ $# -gt 0 ]] && tests=("$@")

failed=()
start=$SECONDS
for t in "${tests[@]}"; do
	script=$here/${t}_test.sh
	if [[ ! -x $script ]]; then
		ktap_print_msg "ecosystem: no test $t ($script)"
		failed+=("$t")
		continue
	fi
	ktap_print_msg "ecosystem: running ${t}_test.sh"
	t_start=$SECONDS
	"$script"
	rc=$?
	ktap_print_msg "ecosystem: ${t}_test.sh exit $rc, $((SECONDS - t_start)) s"
	[[ $rc -eq 0 ]] || failed+=("$t")
done

ktap_print_msg "ecosystem: ${#tests[@]} scripts, ${#failed[@]} failed, $((SECONDS - start)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
	ktap_print_msg "ecosystem: failed: ${failed[*]}"
	exit 1
fi
exit 0
