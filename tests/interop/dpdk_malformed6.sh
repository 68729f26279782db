#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Malformed IPv6 frames against dpgram's receive path. dpgram-echo --backend
# dpdk --bind :: over net_tap in a private network namespace; after a first
# ping -6 (which also teaches the kernel the stack's MAC through Neighbour
# Discovery), scapy sends from the kernel side of dpg0 a burst of frames
# the stack must drop, each for a named reason (dpdk_malformed6.py lists
# them: truncated and inconsistent IPv6 headers, multicast source, options
# that say discard, routing headers with segments left, fragments, unknown
# and misplaced next headers, other destinations, zero and bad UDP
# checksums, bad UDP lengths, a closed port, truncated, badly summed and
# unknown ICMPv6, an ICMPv6 error for the unconnected echo socket, and
# Neighbour Solicitations and Advertisements failing RFC 4861 §7.1 or
# asking for another host), then frames a host must accept (skippable
# options, padding options, a routing header with no segments left,
# Ethernet padding), whose datagrams must be echoed. Then:
#  - dpgram-echo still answers ping -6 (its global and link-local
#    addresses) and UDP over IPv6 (200 datagrams, byte-exact);
#  - after SIGTERM it exits 0 with every mbuf back in its pool, and its drop
#    counters are exactly what the burst should have moved: every expected
#    counter with its count, and no other counter moved (but for the
#    kernel's own MLD reports, see dpdk_lib.sh).
#
# usage: dpdk_malformed6.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_malformed6.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
N=200
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require_scapy "$PY" ping timeout
dpdk_setup malformed6 ipv6
dpdk_start_echo --bind ::

echo "+ ping -6 -c 1 -W 2 $DPG_ADDR6 (resolves the stack's MAC)"
dpg_mac=$(dpdk_stack_mac6)
kernel_mac=$(ns cat "/sys/class/net/$DPG_IFACE/address")
ll=$(dpdk_ll6 "$dpg_mac")
echo "stack MAC $dpg_mac (link-local $ll), kernel MAC $kernel_mac"

EXPECT=$TMP/expect.txt
ACCEPTED=$TMP/accepted.txt
dpdk_burst "$PY" "$HERE/dpdk_malformed6.py" \
	"sending the malformed frames failed (or an accepted one was not echoed)" \
	"$DPG_IFACE" "$dpg_mac" "$kernel_mac" "$DPG_ADDR6" "$KERNEL_ADDR6" "$ECHO_PORT" "$EXPECT" "$ACCEPTED"
accepted=$(cat "$ACCEPTED")

for dst in "$DPG_ADDR6" "$ll%$DPG_IFACE"; do
	echo "+ ping -6 -c 3 -W 2 $dst"
	ns timeout 30 ping -6 -n -q -c 3 -W 2 "$dst" || fail "no ping replies from $dst after the burst (exit $?)"
done
echo "+ python3 dpdk_echo_client.py $DPG_ADDR6 $ECHO_PORT $N"
ns timeout 60 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR6" "$ECHO_PORT" "$N" ||
	fail "no UDP echo over IPv6 after the burst (exit $?)"

dpdk_stop_echo TERM
dpdk_expect_totals $((N + accepted)) $((N + accepted)) 0
dpdk_expect_drops "$EXPECT"
dpdk_expect_no_dad_conflict
echo "PASS: dpdk_malformed6"
