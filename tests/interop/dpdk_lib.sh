# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Sourced by the dpdk_*.sh interop tests: dpgram-echo on the DPDK backend
# over net_tap, inside a network namespace the test creates and deletes, with
# the Linux kernel of that namespace as the peer on the other side of dpg0.
#
#   ns 198.18.0.1/24 (kernel) --dpg0-- net_tap0 198.18.0.2/24 (dpgram)
#
# Nothing touches the host's own network: the tap interface is created by
# the DPDK process inside the namespace and dies with it.
#
# Usage, in a test:
#   ECHO=path/to/dpgram-echo
#   source "$HERE/dpdk_lib.sh"
#   dpdk_require tshark            # exit 77 without root or /dev/net/tun
#   dpdk_setup ping                # TMP, NS, cleanup trap
#   dpdk_start_echo [ECHO ARGS]    # ECHO_PID, ECHO_OUT, ECHO_ERR; dpg0 configured
#   ns ping -c 1 "$DPG_ADDR"       # a command inside the namespace
#   dpdk_stop_echo TERM            # exit 0, totals, no mbuf left out of the pool
#   dpdk_drop ip4_bad_checksum     # a drop counter from the totals (0 if absent)
#
# Globals: ECHO (the binary, set by the caller), TMP, NS, ECHO_PID,
# ECHO_OUT/ECHO_ERR (its stdout/stderr), ECHO_PORT, DPG_ADDR, KERNEL_ADDR,
# DPG_IFACE. DPG_NET_TAP_INI overrides the drivers-cfg file (default: the
# source tree's drivers-cfg/net_tap.ini).

# shellcheck disable=SC2034 # globals for the tests that source this file
DPG_ADDR=198.18.0.2      # the stack's address (drivers-cfg/net_tap.ini)
KERNEL_ADDR=198.18.0.1   # the kernel side of dpg0: the stack's gateway
KERNEL_PREFIX=24
DPG_IFACE=dpg0
ECHO_PORT=7007
START_TIMEOUT=30         # s: EAL init, tap creation, link wait
STOP_TIMEOUT=15          # s: SIGTERM to exit

_DPDK_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DPG_NET_TAP_INI=${DPG_NET_TAP_INI:-$_DPDK_LIB_DIR/../../drivers-cfg/net_tap.ini}

TMP=
NS=
ECHO_PID=
_file_prefix=
_pids=()

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# dpdk_require [PROGRAM...]: skip (77) without root or /dev/net/tun, the two
# things a machine may legitimately lack; fail when a tool the test needs is
# missing (scripts/test.sh installs them all).
dpdk_require() {
	local p
	[[ $(id -u) -eq 0 ]] ||
		skip "needs root (network namespaces and a net_tap interface); run as root or with sudo"
	[[ -c /dev/net/tun ]] ||
		skip "no /dev/net/tun: the net_tap driver cannot create dpg0 (modprobe tun, or give the container the device)"
	for p in ip "$@"; do
		command -v "$p" >/dev/null ||
			fail "'$p' is not installed (scripts/test.sh installs the test tools)"
	done
	[[ -x $ECHO ]] || fail "no dpgram-echo at '$ECHO'"
	[[ -r $DPG_NET_TAP_INI ]] || fail "cannot read the net_tap config '$DPG_NET_TAP_INI'"
}

# ns CMD...: run CMD inside the test's namespace. For a background process
# whose pid matters, write `ip netns exec "$NS" CMD &` instead (see
# dpdk_start_echo).
ns() {
	ip netns exec "$NS" "$@"
}

# track PID: kill it at teardown if it is still running.
track() {
	_pids+=("$1")
}

_dpdk_cleanup() {
	local p
	for p in "${_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [[ -n $NS ]]; then
		# Anything left in the namespace was started by this test.
		for p in $(ip netns pids "$NS" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$NS" 2>/dev/null || true
	fi
	# EAL's runtime directory (sockets, config) for our --file-prefix.
	[[ -n $_file_prefix ]] && rm -rf "/var/run/dpdk/$_file_prefix"
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}

# dpdk_setup NAME: scratch directory, a fresh namespace dpg-NAME-PID with
# loopback up and IPv6 off, and the teardown trap.
#
# IPv6 is off so that the kernel sends nothing on its own on dpg0 (router
# solicitations, MLD reports, DAD): the stack's drop counters then count
# exactly what a test sent, and the IPv6 data path (not built yet on the
# DPDK backend) stays out of tests that are about IPv4.
dpdk_setup() {
	local name=$1
	TMP=$(mktemp -d "/tmp/dpgram-$name.XXXXXX")
	_file_prefix="dpg-$name-$$"
	trap _dpdk_cleanup EXIT
	trap 'exit 130' INT TERM
	NS="dpg-$name-$$"
	ip netns add "$NS" || fail "ip netns add $NS failed"
	ns ip link set lo up
	ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		fail "cannot turn IPv6 off in $NS"
	echo "namespace: $NS"
}

# _dpdk_config: a copy of the net_tap config whose [eal] args get a
# --file-prefix of this test's own, so that tests, programs and other EAL
# processes on the machine never share EAL runtime files.
_dpdk_config() {
	local cfg=$TMP/net_tap.ini
	awk -v extra="--file-prefix=$_file_prefix" '
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t\[\]]/, "", sec) }
		sec == "eal" && /^[ \t]*args[ \t]*=/ && !done {
			# keep an inline "; comment" after the arguments
			c = index($0, ";")
			if (c > 0) $0 = substr($0, 1, c - 1) " " extra " " substr($0, c)
			else $0 = $0 " " extra
			done = 1
		}
		{ print }
		END { if (!done) exit 3 }' "$DPG_NET_TAP_INI" >"$cfg" ||
		fail "$DPG_NET_TAP_INI: no 'args =' line in its [eal] section"
	echo "$cfg"
}

# _dpdk_wait_iface: the tap interface appears in the namespace.
_dpdk_wait_iface() {
	local i
	for ((i = 0; i < 50; i++)); do
		ns ip link show "$DPG_IFACE" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "dpgram-echo is listening but there is no $DPG_IFACE in $NS: $(ns ip -br link)"
}

# dpdk_start_echo [ARGS...]: start dpgram-echo --backend dpdk inside the
# namespace (port 7007 unless ARGS say otherwise), wait for its
# "listening on" line, then give the kernel side of dpg0 its address.
dpdk_start_echo() {
	local cfg line i
	cfg=$(_dpdk_config)
	ECHO_OUT=$TMP/echo.out
	ECHO_ERR=$TMP/echo.err
	echo "+ $ECHO --backend dpdk --config $cfg --port $ECHO_PORT $*"
	# Not through ns(): a function in the background is a subshell, and
	# $! must be dpgram-echo itself (ip netns exec execs it) for signals.
	ip netns exec "$NS" "$ECHO" --backend dpdk --config "$cfg" --port "$ECHO_PORT" "$@" \
		>"$ECHO_OUT" 2>"$ECHO_ERR" &
	ECHO_PID=$!
	track "$ECHO_PID"
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		line=$(grep -m1 'listening on ' "$ECHO_OUT" || true)
		[[ -n $line ]] && break
		if ! kill -0 "$ECHO_PID" 2>/dev/null; then
			wait "$ECHO_PID" || true
			fail "dpgram-echo --backend dpdk exited before listening:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
		fi
		sleep 0.1
	done
	[[ -n $line ]] ||
		fail "dpgram-echo --backend dpdk did not print 'listening on' within ${START_TIMEOUT} s:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
	echo "started: $line"
	_dpdk_wait_iface
	ns ip addr add "$KERNEL_ADDR/$KERNEL_PREFIX" dev "$DPG_IFACE"
	ns ip link set "$DPG_IFACE" up
	echo "kernel side: $(ns ip -br addr show dev "$DPG_IFACE")"
}

# dpdk_echo_alive: fail if dpgram-echo has died.
dpdk_echo_alive() {
	kill -0 "$ECHO_PID" 2>/dev/null ||
		fail "dpgram-echo died:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
}

# dpdk_stop_echo [SIGNAL]: signal dpgram-echo (TERM by default); it must
# exit 0 within STOP_TIMEOUT after printing its totals, and every mbuf must
# be back in its pool (DESIGN.md §4). Prints what it printed after the
# listening line.
dpdk_stop_echo() {
	local sig=${1:-TERM} rc=0 i
	dpdk_echo_alive
	kill "-$sig" "$ECHO_PID"
	for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
		kill -0 "$ECHO_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$ECHO_PID" 2>/dev/null &&
		fail "dpgram-echo still running ${STOP_TIMEOUT} s after SIG$sig"
	wait "$ECHO_PID" || rc=$?
	echo "dpgram-echo after SIG$sig (exit $rc):"
	grep -v 'listening on ' "$ECHO_OUT" | sed 's/^/  /' || true
	if [[ -s $ECHO_ERR ]]; then
		echo "dpgram-echo stderr:"
		sed 's/^/  /' "$ECHO_ERR"
	fi
	[[ $rc -eq 0 ]] || fail "dpgram-echo exited $rc after SIG$sig (want 0)"
	grep -q '^totals: ' "$ECHO_OUT" || fail "no totals line after SIG$sig"
	grep -q '^stack: ' "$ECHO_OUT" || fail "no stack counters line after SIG$sig"
	# The program prints dpg_mbuf_leaks() after closing its stack.
	grep -q '^dpgram-echo: mbuf leaks 0$' "$ECHO_OUT" ||
		fail "mbufs leaked (or no 'mbuf leaks' line): $(grep 'mbuf leaks' "$ECHO_OUT" "$ECHO_ERR")"
	echo "ok: SIG$sig -> exit 0, every mbuf back in its pool"
}

# dpdk_totals: the totals line.
dpdk_totals() {
	grep -m1 '^totals: ' "$ECHO_OUT"
}

# dpdk_drop NAME: the value of drop counter NAME after dpdk_stop_echo
# (dpgram-echo prints the non-zero ones as "stack drop NAME: N (...)").
dpdk_drop() {
	local v
	v=$(sed -n "s/^stack drop $1: \([0-9][0-9]*\) .*/\1/p" "$ECHO_OUT" | head -n1)
	echo "${v:-0}"
}

# dpdk_drops: "NAME N" for every non-zero drop counter.
dpdk_drops() {
	sed -n 's/^stack drop \([a-z0-9_]*\): \([0-9][0-9]*\) .*/\1 \2/p' "$ECHO_OUT"
}

# dpdk_expect_totals R E D: dpgram-echo's own totals line.
dpdk_expect_totals() {
	local want="totals: received $1, echoed $2, dropped $3" got
	got=$(dpdk_totals)
	[[ $got == "$want" ]] || fail "'$got', want '$want'"
	echo "ok: $got"
}

# dpdk_expect_no_drops: no drop counter moved at all.
dpdk_expect_no_drops() {
	local d
	d=$(dpdk_drops)
	[[ -z $d ]] || fail "unexpected drops: $(echo "$d" | tr '\n' ' ')"
	echo "ok: no drops"
}
