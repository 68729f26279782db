#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Malformed frames against dpgram's receive path. dpgram-echo --backend dpdk
# over net_tap in a private network namespace; after a first ping (which
# also teaches the kernel the stack's MAC), scapy sends from the kernel side
# of dpg0 a burst of frames the stack must drop, each for a named reason
# (dpdk_malformed.py lists them: truncated Ethernet/ARP/IPv4/UDP/ICMP, bad
# checksums, bad IHL and lengths, unknown ethertype, other MACs and hosts,
# TTL 0, broadcast and multicast sources, fragments). Then:
#  - dpgram-echo still answers ping and UDP (200 datagrams, byte-exact);
#  - after SIGTERM it exits 0 with every mbuf back in its pool, and its drop
#    counters are exactly what the burst should have moved: every expected
#    counter with its count, and no other counter moved.
#
# usage: dpdk_malformed.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_malformed.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
N=200
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require_scapy "$PY" ping timeout
dpdk_setup malformed
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

echo "+ ping -c 1 -W 2 $DPG_ADDR (resolves the stack's MAC)"
ns timeout 10 ping -n -q -c 1 -W 2 "$DPG_ADDR" || fail "the first ping failed (exit $?)"
dpg_mac=$(ns ip neigh show "$DPG_ADDR" dev "$DPG_IFACE" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')
kernel_mac=$(ns cat "/sys/class/net/$DPG_IFACE/address")
[[ -n $dpg_mac ]] || fail "the kernel has no MAC address for $DPG_ADDR"
echo "stack MAC $dpg_mac, kernel MAC $kernel_mac"

EXPECT=$TMP/expect.txt
dpdk_burst "$PY" "$HERE/dpdk_malformed.py" "sending the malformed frames failed" \
	"$DPG_IFACE" "$dpg_mac" "$kernel_mac" "$DPG_ADDR" "$KERNEL_ADDR" "$ECHO_PORT" "$EXPECT"

echo "+ ping -c 3 -W 2 $DPG_ADDR"
ns timeout 30 ping -n -q -c 3 -W 2 "$DPG_ADDR" || fail "no ping replies after the burst (exit $?)"
echo "+ python3 dpdk_echo_client.py $DPG_ADDR $ECHO_PORT $N"
ns timeout 60 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR" "$ECHO_PORT" "$N" ||
	fail "no UDP echo after the burst (exit $?)"

dpdk_stop_echo TERM
dpdk_expect_totals "$N" "$N" 0
# Every expected counter with its count, then no counter that was not
# expected.
dpdk_expect_drops "$EXPECT"
echo "PASS: dpdk_malformed"
