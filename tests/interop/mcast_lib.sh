# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Sourced by the multicast and broadcast interop tests, after dpdk_lib.sh
# (dpdk_require, dpdk_setup, ns, track, fail): any dpgram program on the
# DPDK backend over net_tap inside the test's namespace, one at a time (each
# creates dpg0 and takes it away when it exits), and the kernel's
# multicast peer (mcast_peer.py).
#
# Usage, in a test:
#   MCAST=path/to/dpgram-mcast
#   source "$HERE/dpdk_lib.sh"; source "$HERE/mcast_lib.sh"
#   dpdk_require ...; dpdk_setup NAME [ipv6]
#   mcast_start LABEL PROGRAM ARGS...  # PROG_PID, PROG_OUT, PROG_ERR; waits for "listening on"
#   mcast_kernel_side                  # dpg0: 198.18.0.1/24 (and fd00:dc::1/64 with ipv6), up
#   peer recv --group G ...            # mcast_peer.py in the namespace
#   mcast_wait_exit [SECS]             # a program that ends by itself: exit 0, no mbuf leaked
#   mcast_stop [SIGNAL]                # or: signal it; exit 0, totals, no mbuf leaked
#   mcast_from_lines                   # its "from ADDR:PORT LEN bytes" lines
#   mcast_expect_from N ADDR           # exactly N of them, all from ADDR
#   mcast_drop NAME                    # a drop counter from its totals (0 if absent)
#   mcast_stat WORDS                   # a counter of its "stack:" lines ("igmp reports")
#
# PROG_NAME is the prefix of the program's own messages ("dpgram-mcast"),
# which its "NAME: mbuf leaks 0" line carries.

PEER=${PEER:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/mcast_peer.py}
PY=${PY:-/usr/bin/python3}
PROG_PID=
PROG_OUT=
PROG_ERR=
PROG_NAME=
PROG_LABEL=

# peer ARGS...: mcast_peer.py inside the namespace, bounded in time.
peer() {
	ns timeout 60 "$PY" "$PEER" "$@"
}

# mcast_start LABEL PROGRAM ARGS...: start PROGRAM --backend dpdk --config
# (this test's copy of net_tap.ini, plus the lines of MCAST_INI_EXTRA if
# set) ARGS... inside the namespace, stdin from PROG_STDIN (default
# /dev/null), and wait for its "listening on" line and for dpg0 to appear.
# LABEL names its output files (TMP/LABEL.out, .err).
mcast_start() {
	local label=$1 prog=$2 cfg line i
	shift 2
	cfg=$(_dpdk_config)
	if [[ -n ${MCAST_INI_EXTRA:-} ]]; then
		printf '%s\n' "$MCAST_INI_EXTRA" >>"$cfg"
	fi
	PROG_LABEL=$label
	PROG_NAME=${prog##*/}
	PROG_OUT=$TMP/$label.out
	PROG_ERR=$TMP/$label.err
	echo "+ $PROG_NAME --backend dpdk $* (in $NS)"
	ip netns exec "$NS" "$prog" --backend dpdk --config "$cfg" "$@" \
		<"${PROG_STDIN:-/dev/null}" >"$PROG_OUT" 2>"$PROG_ERR" &
	PROG_PID=$!
	track "$PROG_PID"
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		line=$(grep -m1 'listening on ' "$PROG_OUT" || true)
		[[ -n $line ]] && break
		if ! kill -0 "$PROG_PID" 2>/dev/null; then
			wait "$PROG_PID" || true
			fail "$PROG_NAME ($label) exited before listening:
$(cat "$PROG_OUT" "$PROG_ERR")"
		fi
		sleep 0.1
	done
	[[ -n $line ]] || fail "$PROG_NAME ($label) did not print 'listening on' within ${START_TIMEOUT} s:
$(cat "$PROG_OUT" "$PROG_ERR")"
	echo "started: $line"
	_dpdk_wait_iface
}

# mcast_kernel_side: the kernel side of dpg0 as dpdk_start_echo leaves it:
# 198.18.0.1/24, up, and with `dpdk_setup NAME ipv6` fd00:dc::1/64.
mcast_kernel_side() {
	ns ip addr add "$KERNEL_ADDR/$KERNEL_PREFIX" dev "$DPG_IFACE"
	ns ip link set "$DPG_IFACE" up
	if ((DPG_IPV6)); then
		_dpdk_start_ipv6
	fi
	echo "kernel side: $(ns ip -br addr show dev "$DPG_IFACE")"
}

# _mcast_finish HOW RC: the checks after the program exited (RC).
_mcast_finish() {
	local how=$1 rc=$2
	echo "$PROG_NAME ($PROG_LABEL) after $how (exit $rc):"
	grep -v -e 'listening on ' -e '^from ' -e '^stats ' "$PROG_OUT" | sed 's/^/  /' || true
	echo "  ($(mcast_from_lines | wc -l) 'from' lines)"
	if [[ -s $PROG_ERR ]]; then
		echo "$PROG_NAME stderr:"
		grep -v -e '^EAL: ' -e '^TELEMETRY: ' -e 'qdisc' -e '^eth_dev_tap_create' "$PROG_ERR" |
			sed 's/^/  /' || true
	fi
	dpdk_exit_checks "$PROG_NAME" "$PROG_OUT" "$PROG_ERR" "$rc" "$how ($PROG_LABEL)"
	grep -q '^stack: igmp reports ' "$PROG_OUT" || fail "no IGMP/MLD counters line after $how"
}

# mcast_stop [SIGNAL]: signal the program (TERM by default); it must exit 0
# within STOP_TIMEOUT, print its totals and leak no mbuf.
mcast_stop() {
	local sig=${1:-TERM} rc
	kill -0 "$PROG_PID" 2>/dev/null ||
		fail "$PROG_NAME ($PROG_LABEL) died: $(cat "$PROG_OUT" "$PROG_ERR")"
	dpdk_signal_wait "$PROG_PID" "$PROG_NAME ($PROG_LABEL)" "$sig"
	rc=$DPDK_RC
	_mcast_finish "SIG$sig" "$rc"
}

# mcast_wait_exit [SECS]: the program ends by itself (recv --count, send
# --count) within SECS (default 15); then as mcast_stop.
mcast_wait_exit() {
	local secs=${1:-15} rc=0 i
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$PROG_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PROG_PID" 2>/dev/null; then
		kill -TERM "$PROG_PID"
		wait "$PROG_PID" || true
		fail "$PROG_NAME ($PROG_LABEL) still running after $secs s: $(grep -c '^from ' "$PROG_OUT") 'from' lines:
$(cat "$PROG_OUT")"
	fi
	wait "$PROG_PID" || rc=$?
	_mcast_finish "it ended" "$rc"
}

# mcast_from_lines: the program's "from ADDR:PORT LEN bytes" lines.
mcast_from_lines() {
	grep '^from ' "$PROG_OUT" || true
}

# mcast_expect_from N ADDR: exactly N "from" lines, every one from ADDR.
mcast_expect_from() {
	local want=$1 addr=$2 n other
	n=$(mcast_from_lines | wc -l)
	other=$(mcast_from_lines | grep -v -F -e "from $addr:" -e "from [$addr]:" | head -n 3 || true)
	[[ $n -eq $want ]] || fail "$n datagrams printed, want $want"
	[[ -z $other ]] || fail "datagrams from another source than $addr: $other"
	echo "ok: $want datagrams, every one from $addr"
}

# mcast_drop NAME: a drop counter from the program's totals (0 if absent).
mcast_drop() {
	local v
	v=$(sed -n "s/^stack drop $1: \([0-9][0-9]*\) .*/\1/p" "$PROG_OUT" | head -n1)
	echo "${v:-0}"
}

# mcast_stat WORDS: the number after WORDS ("igmp reports") on the
# program's "stack:" lines.
mcast_stat() {
	sed -n "/^stack: /s/.*\b$1 \([0-9][0-9]*\).*/\1/p" "$PROG_OUT" | head -n1
}
