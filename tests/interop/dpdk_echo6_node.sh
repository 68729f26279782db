#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Node's dgram over IPv6 against dpgram-echo on the DPDK backend:
# dpgram-echo --backend dpdk --bind :: over net_tap in a private network
# namespace; a udp6 socket of Node (Node 20) on the kernel side of dpg0
# sends 10,000 datagrams of 0..1452 bytes (cycling) to [fd00:dc::2]:7007,
# at most 32 in flight, and every one comes back byte-exact and in order.
# Then SIGTERM: exit 0, totals 10000/10000/0, no drop (but the kernel's own
# MLD reports), every mbuf back.
#
# usage: dpdk_echo6_node.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_echo6_node.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=10000
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require node timeout
dpdk_setup echo6-node ipv6
echo "node $(node --version)"
dpdk_start_echo --bind ::

echo "+ node dpdk_echo_node.js $DPG_ADDR6 $ECHO_PORT $N (in $NS)"
ns timeout 150 node "$HERE/dpdk_echo_node.js" "$DPG_ADDR6" "$ECHO_PORT" "$N" ||
	fail "the Node dgram udp6 client failed (exit $?)"

dpdk_stop_echo TERM
dpdk_expect_totals "$N" "$N" 0
dpdk_expect_no_drops
dpdk_expect_no_dad_conflict
echo "PASS: dpdk_echo6_node"
