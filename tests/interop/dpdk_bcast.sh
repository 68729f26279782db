#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# IPv4 broadcast between dpgram on the DPDK backend and the Linux kernel,
# over net_tap in a private network namespace:
#  A. kernel -> dpgram: dpgram-echo bound to the wildcard 0.0.0.0:7007; a
#     kernel socket (SO_BROADCAST, bound to dpg0) sends 10 datagrams to the
#     directed broadcast 198.18.0.255 and 10 to 255.255.255.255, and each
#     comes back as a unicast echo from 198.18.0.2:7007. Then 2 pings to
#     198.18.0.255 (ping -b): the stack does not answer ICMP sent to a
#     broadcast address (as Linux), and counts them as ip4_bcast_not_udp.
#     Totals: received 20, echoed 20, dropped 0.
#  B. dpgram -> kernel: dpgram-mcast send --broadcast 198.18.0.255, then
#     --broadcast 255.255.255.255 --ttl 9; a kernel socket bound to
#     0.0.0.0 on dpg0 receives 20 of each, from 198.18.0.2, with TTL 64
#     (dpgram's default) and 9, numbered in order.
# Every run ends with exit 0, its totals and counters, and every mbuf back.
#
# usage: dpdk_bcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast
set -euo pipefail

# shellcheck disable=SC2034 # dpdk_require checks it
ECHO=${1:?usage: dpdk_bcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast}
MCAST=${2:?usage: dpdk_bcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=10
BCAST=198.18.0.255
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/mcast_lib.sh
source "$HERE/mcast_lib.sh"

dpdk_require "$PY" timeout ping
[[ -x $MCAST ]] || fail "no dpgram-mcast at '$MCAST'"
dpdk_setup bcast

echo "=== A. kernel -> dpgram-echo on 0.0.0.0:$ECHO_PORT, by broadcast"
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo
for to in "$BCAST" 255.255.255.255; do
	echo "+ mcast_peer.py echo --to $to --port $ECHO_PORT --count $N"
	peer echo --to "$to" --port "$ECHO_PORT" --count "$N" --expect-from "$DPG_ADDR" --timeout 5 ||
		fail "broadcasts to $to were not all echoed by $DPG_ADDR (exit $?)"
done
echo "+ ping -b -c 2 $BCAST (no answer expected from $DPG_ADDR)"
ns sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=1
ns timeout 10 ping -b -n -c 2 -i 0.2 -W 1 "$BCAST" >"$TMP/ping.out" 2>&1 || true
if grep -q "from $DPG_ADDR" "$TMP/ping.out"; then
	fail "the stack answered a ping to $BCAST: $(cat "$TMP/ping.out")"
fi
echo "ok: no echo reply from $DPG_ADDR to a broadcast ping"
dpdk_stop_echo TERM
dpdk_expect_totals $((2 * N)) $((2 * N)) 0
[[ $(dpdk_drop ip4_bcast_not_udp) -ge 2 ]] ||
	fail "ip4_bcast_not_udp $(dpdk_drop ip4_bcast_not_udp), want >= 2 (the broadcast pings)"
echo "ok: ip4_bcast_not_udp $(dpdk_drop ip4_bcast_not_udp) (the broadcast pings)"

echo "=== B. dpgram-mcast send --broadcast -> kernel socket on 0.0.0.0, dpg0"
for to in "$BCAST" 255.255.255.255; do
	ttl=64
	args=()
	if [[ $to == 255.255.255.255 ]]; then
		ttl=9
		args=(--ttl "$ttl")
	fi
	mcast_start "send-$to" "$MCAST" send --broadcast "$to" --port 5002 "${args[@]}" \
		--count 3000 --rate 200
	mcast_kernel_side
	peer recv --port 5002 --count $((2 * N)) --expect-from "$DPG_ADDR" --expect-ttl "$ttl" ||
		fail "the kernel did not receive $((2 * N)) broadcasts to $to from $DPG_ADDR with TTL $ttl (exit $?)"
	mcast_stop TERM
	grep -q '^totals: sent [1-9][0-9]*, failed 0$' "$PROG_OUT" ||
		fail "send failures: $(grep '^totals' "$PROG_OUT")"
done

echo "PASS: dpdk_bcast"
