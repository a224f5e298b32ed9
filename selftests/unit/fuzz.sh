#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run each libFuzzer target of selftests/unit for a fixed time, one KTAP
# result per target ("make -C selftests/unit fuzz" calls this). Every
# target runs even if one fails.
#
#   selftests/unit/fuzz.sh OUTDIR SECONDS TARGET...
#
# A target's corpus is kept in OUTDIR/TARGET.corpus, its log in
# OUTDIR/TARGET.log, a crashing input in OUTDIR/TARGET-crash-*.
set -u

# shellcheck source=tools/lib/prologue.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/prologue.sh"

[ $# -ge 3 ] || { echo "usage: $0 OUTDIR SECONDS TARGET..." >&2; exit 2; }
dir=$1
seconds=$2
shift 2

ktap_print_header
for t in "$@"; do
	mkdir -p "$dir/$t.corpus"
	if "$dir/$t" -max_total_time="$seconds" -artifact_prefix="$dir/$t-" \
		"$dir/$t.corpus" >"$dir/$t.log" 2>&1; then
		ktap_test_pass "$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$dir/$t.log")"
	else
		ktap_print_file "$dir/$t.log" 40
		ktap_test_fail "$t: crash or invariant violation, see $dir/$t.log"
	fi
done
ktap_finished
