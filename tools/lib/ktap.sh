# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# KTAP output for every shell test and tier runner of mvgpu, modelled on
# kselftest's ktap_helpers.sh. Sourced, never executed; POSIX sh, so that
# bash scripts and busybox sh in a nested guest can both use it.
#
# One format for all:
#
#   TAP version 13                  ktap_print_header, first
#   # text                          ktap_print_msg, ktap_print_lines
#   ok 1 description                ktap_test_pass
#   not ok 2 description            ktap_test_fail
#   ok 3 description # SKIP reason  ktap_test_skip
#   1..3                            ktap_finished, always last
#   # Totals: pass:1 fail:1 skip:1
#
# The plan comes last because most tests learn how many results they have
# while they run (one per conformance test, per file, per kernel). A test
# that knows its count says so with ktap_expect: if it stops early,
# ktap_finished reports the missing results as a failure.
#
# The C tests print the same format through the kselftest harness.

KTAP_TESTNO=0
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KTAP_EXPECTED=

ktap_print_header() {
	echo "TAP version 13"
}

# ktap_expect N: this test reports N results; fewer is a failure.
ktap_expect() {
	KTAP_EXPECTED=$1
}

# ktap_print_msg TEXT...: one diagnostic line.
ktap_print_msg() {
	echo "# $*"
}

# Diagnostic lines from stdin, indented under the result before them.
ktap_print_lines() {
	sed 's/^/#   /'
}

# ktap_print_file FILE [LINES]: the last LINES (default 20) of FILE as
# diagnostics, if it exists.
ktap_print_file() {
	[ -f "$1" ] && tail -n "${2:-20}" "$1" | ktap_print_lines
	return 0
}

__ktap_result() { # RESULT DESCRIPTION [DIRECTIVE]
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	if [ -n "${3:-}" ]; then
		echo "$1 $KTAP_TESTNO $2 # $3"
	else
		echo "$1 $KTAP_TESTNO $2"
	fi
}

ktap_test_pass() { # DESCRIPTION
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	__ktap_result ok "$1"
}

ktap_test_fail() { # DESCRIPTION
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	__ktap_result "not ok" "$1"
}

ktap_test_skip() { # DESCRIPTION REASON
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	__ktap_result ok "$1" "SKIP ${2:-}"
}

# ktap_test_status STATUS DESCRIPTION [DETAIL]: passes when STATUS is 0;
# otherwise fails, with DETAIL as a diagnostic line.
ktap_test_status() {
	if [ "$1" -eq 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2"
		[ -n "${3:-}" ] && ktap_print_msg "  $3"
	fi
	return 0
}

# ktap_test_result DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ktap_test_result() {
	__ktap_desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$__ktap_desc"
	else
		ktap_test_fail "$__ktap_desc"
	fi
}

# ktap_bail_out REASON: the test cannot go on (missing tool, not in the
# VM). Counts as a failure; exits with status 1.
ktap_bail_out() {
	echo "Bail out! $*"
	exit 1
}

# The plan and the totals. Returns 0 if no test failed and every expected
# result was reported, 1 otherwise: the last command of a test, or
# "ktap_finished; exit" before its end.
ktap_finished() {
	if [ -n "$KTAP_EXPECTED" ] && [ "$KTAP_TESTNO" -ne "$KTAP_EXPECTED" ]; then
		ktap_print_msg "expected $KTAP_EXPECTED results, reported $KTAP_TESTNO"
		KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	fi
	echo "1..$KTAP_TESTNO"
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
	[ "$KTAP_CNT_FAIL" -eq 0 ]
}
