#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpgram-client against dpgram-echo: both ends on dpgram, as in the quick
# start. Checks the reply and summary lines, exit 0 when all replies come
# back, exit 1 when nothing listens, exit 2 on bad flags.
#
# usage: client_echo.sh PATH/TO/dpgram-echo PATH/TO/dpgram-client
set -euo pipefail

# shellcheck disable=SC2034 # used by echo_lib.sh
ECHO=${1:?usage: client_echo.sh DPGRAM_ECHO DPGRAM_CLIENT}
CLIENT=${2:?usage: client_echo.sh DPGRAM_ECHO DPGRAM_CLIENT}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/interop/echo_lib.sh
source "$HERE/echo_lib.sh"

# expect_usage WHAT ARGS...: dpgram-client exits 2 naming WHAT.
expect_usage() {
	local what=$1 rc=0
	shift
	timeout 10 "$CLIENT" "$@" >/dev/null 2>"$TMP/usage.err" || rc=$?
	[[ $rc -eq 2 ]] || fail "dpgram-client $* exited $rc, want 2"
	grep -qF -- "$what" "$TMP/usage.err" ||
		fail "dpgram-client $*: stderr does not name '$what': $(cat "$TMP/usage.err")"
	echo "ok: dpgram-client $* -> exit 2: $(head -n1 "$TMP/usage.err")"
}

# run_client WANT_RC ARGS...: output in $TMP/client.out.
run_client() {
	local want=$1 rc=0
	shift
	timeout 60 "$CLIENT" "$@" >"$TMP/client.out" 2>"$TMP/client.err" || rc=$?
	[[ $rc -eq $want ]] ||
		fail "dpgram-client $* exited $rc, want $want: $(cat "$TMP/client.out" "$TMP/client.err")"
}

expect_usage --to --count 3
expect_usage --to --to 127.0.0.1
expect_usage --to --to ::1:7007
expect_usage --to --to 127.0.0.1:0
expect_usage --count --to 127.0.0.1:7007 --count 0
expect_usage --size --to 127.0.0.1:7007 --size 65508
expect_usage --backend --to 127.0.0.1:7007 --backend nope

start_echo both --bind :: --port 0
run_client 0 --to "127.0.0.1:$ECHO_PORT" --count 5 --interval-ms 10
cat "$TMP/client.out"
grep -q "^reply from 127.0.0.1:$ECHO_PORT 9 bytes: dpgram #5$" "$TMP/client.out" ||
	fail "no reply line for datagram #5"
grep -Eq '^sent 5, received 5, lost 0, rtt min/avg/max [0-9]+/[0-9]+/[0-9]+ us$' \
	"$TMP/client.out" || fail "summary line"
echo "ok: 5 datagrams over IPv4"

if have_ipv6_loopback; then
	run_client 0 --to "[::1]:$ECHO_PORT" --count 200 --interval-ms 0 --size 1400
	tail -n1 "$TMP/client.out"
	grep -q '^sent 200, received 200, lost 0' "$TMP/client.out" || fail "IPv6 summary"
	run_client 0 --to "[::1]:$ECHO_PORT" --count 3 --size 65527 --interval-ms 0
	grep -q '^sent 3, received 3, lost 0' "$TMP/client.out" || fail "65527-byte summary"
	run_client 0 --to "127.0.0.1:$ECHO_PORT" --count 3 --size 0 --interval-ms 0
	grep -q "^reply from 127.0.0.1:$ECHO_PORT 0 bytes: $" "$TMP/client.out" ||
		fail "0-byte reply line"
	echo "ok: IPv6, 65527 bytes, 0 bytes"
	stop_echo INT $((5 + 200 + 3 + 3))
else
	stop_echo INT 5
fi

# Nobody listens on the port the server had: every datagram is lost.
run_client 1 --to "127.0.0.1:$ECHO_PORT" --count 2 --interval-ms 10 --timeout-ms 300
grep -q '^sent 2, received 0, lost 2, rtt min/avg/max -/-/- us$' "$TMP/client.out" ||
	fail "no-server summary: $(cat "$TMP/client.out")"
echo "ok: no server -> exit 1 ($(head -n1 "$TMP/client.err"))"
echo "PASS: client_echo"
