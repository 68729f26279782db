#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpgram-echo against Linux kernel UDP sockets over loopback:
#  - bad flags exit 2 and name the flag;
#  - on 127.0.0.1 and on :: (dual stack), 1000 datagrams of varied sizes,
#    0 and the largest included, come back byte-exact;
#  - SIGTERM and SIGINT exit 0 after printing totals; --count N exits alone.
#
# usage: echo_kernel.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: echo_kernel.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
CLIENT=("$PY" "$HERE/echo_client.py")
N=1000
# shellcheck source=tests/interop/echo_lib.sh
source "$HERE/echo_lib.sh"

# expect_usage WHAT ARGS...: exit 2 and a stderr message naming WHAT.
expect_usage() {
	local what=$1 rc=0
	shift
	timeout 10 "$ECHO" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err" || rc=$?
	[[ $rc -eq 2 ]] || fail "dpgram-echo $* exited $rc, want 2"
	grep -qF -- "$what" "$TMP/usage.err" ||
		fail "dpgram-echo $*: stderr does not name '$what': $(cat "$TMP/usage.err")"
	echo "ok: dpgram-echo $* -> exit 2: $(head -n1 "$TMP/usage.err")"
}

check_flags() {
	expect_usage --frobnicate --frobnicate
	expect_usage --port --port 70000
	expect_usage --port --port abc
	expect_usage --port --port -1
	expect_usage --port --port
	expect_usage --bind --bind nonsense
	expect_usage --bind --bind ''
	expect_usage --backend --backend foo
	expect_usage --stats --stats 0
	expect_usage --stats --stats -3
	expect_usage --count --count 0
	expect_usage --config --config /nonexistent/dpgram.ini
	expect_usage unexpected extra-argument
	timeout 10 "$ECHO" --help | grep -q -- '--bind' ||
		fail "--help does not describe --bind"
	echo "ok: --help"
}

check_v4() {
	start_echo v4 --bind 127.0.0.1 --port 0
	grep -q "listening on 127.0.0.1:$ECHO_PORT" "$ECHO_OUT" ||
		fail "listening line: $(cat "$ECHO_OUT")"
	timeout 90 "${CLIENT[@]}" 127.0.0.1 "$ECHO_PORT" "$N"
	stop_echo TERM "$N"
}

check_dual_stack() {
	if ! have_ipv6_loopback; then
		echo "skip: ::1 is not configured, no IPv6 checks"
		return 0
	fi
	start_echo v6 --bind :: --port 0 --stats 1
	grep -q "listening on \[::\]:$ECHO_PORT" "$ECHO_OUT" ||
		fail "listening line: $(cat "$ECHO_OUT")"
	timeout 90 "${CLIENT[@]}" ::1 "$ECHO_PORT" "$N"
	# --bind :: also serves IPv4 (v4-mapped senders).
	timeout 90 "${CLIENT[@]}" 127.0.0.1 "$ECHO_PORT" 200
	stop_echo INT $((N + 200))
}

check_count() {
	local rc=0 i
	start_echo count --bind 127.0.0.1 --port 0 --count 3
	timeout 30 "${CLIENT[@]}" 127.0.0.1 "$ECHO_PORT" 3
	for ((i = 0; i < 100; i++)); do
		kill -0 "$ECHO_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$ECHO_PID" 2>/dev/null && fail "--count 3: still running"
	wait "$ECHO_PID" || rc=$?
	[[ $rc -eq 0 ]] || fail "--count 3: exit $rc, want 0"
	grep -q '^totals: received 3, echoed 3, dropped 0$' "$ECHO_OUT" ||
		fail "--count 3 totals: $(cat "$ECHO_OUT")"
	echo "ok: --count 3 -> exit 0 after 3 echoes"
}

check_flags
check_v4
check_dual_stack
check_count
echo "PASS: echo_kernel"
