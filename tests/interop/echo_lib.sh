# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Sourced by the interop echo tests: start dpgram-echo, wait for its
# "listening on" line, stop it and check its totals. Bash only.
#
# Globals: ECHO (the binary), TMP (scratch directory, removed at exit),
# ECHO_PID / ECHO_PORT / ECHO_OUT (the server last started).

TMP=$(mktemp -d)
_pids=()

_cleanup() {
	local p
	for p in "${_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap _cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# start_echo NAME ARGS...: run dpgram-echo ARGS in the background and wait
# up to 10 s for its "listening on ADDR:PORT" line.
start_echo() {
	local name=$1 line i
	shift
	ECHO_OUT=$TMP/$name.out
	"$ECHO" "$@" >"$ECHO_OUT" 2>"$TMP/$name.err" &
	ECHO_PID=$!
	_pids+=("$ECHO_PID")
	for ((i = 0; i < 100; i++)); do
		line=$(grep -m1 'listening on ' "$ECHO_OUT" || true)
		if [[ -n $line ]]; then
			ECHO_PORT=${line##*:}
			ECHO_PORT=${ECHO_PORT%% *}
			echo "started: $line"
			return 0
		fi
		kill -0 "$ECHO_PID" 2>/dev/null ||
			fail "dpgram-echo $* exited before listening: $(cat "$TMP/$name.err")"
		sleep 0.1
	done
	fail "dpgram-echo $* did not print 'listening on' within 10 s"
}

# stop_echo SIGNAL EXPECTED_RECEIVED: signal the server, require exit 0
# within 10 s and a totals line saying every datagram was echoed.
stop_echo() {
	local sig=$1 want=$2 rc=0 i totals
	kill "-$sig" "$ECHO_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$ECHO_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$ECHO_PID" 2>/dev/null &&
		fail "dpgram-echo still running 10 s after SIG$sig"
	wait "$ECHO_PID" || rc=$?
	[[ $rc -eq 0 ]] || fail "dpgram-echo exited $rc after SIG$sig (want 0)"
	totals=$(grep '^totals:' "$ECHO_OUT" || true)
	[[ -n $totals ]] || fail "no totals line after SIG$sig: $(cat "$ECHO_OUT")"
	[[ $totals == "totals: received $want, echoed $want, dropped 0" ]] ||
		fail "after SIG$sig: '$totals', want received/echoed $want, dropped 0"
	echo "ok: SIG$sig -> exit 0, $totals"
}

# have_ipv6_loopback: ::1 is configured (IPv6 can be disabled by sysctl).
have_ipv6_loopback() {
	grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null
}
