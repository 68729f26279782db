#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Node's dgram against dpgram-echo on the DPDK backend: net_tap in a private
# network namespace, a udp4 socket of Node (Node 20) on the kernel side of
# dpg0 sends 10,000 datagrams of 0..1472 bytes (cycling), at most 32 in
# flight, and every one comes back byte-exact and in order. Then SIGTERM:
# exit 0, totals 10000/10000/0, no drop, every mbuf back.
#
# usage: dpdk_echo_node.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_echo_node.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=10000
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require node timeout
dpdk_setup echo-node
echo "node $(node --version)"
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

echo "+ node dpdk_echo_node.js $DPG_ADDR $ECHO_PORT $N (in $NS)"
ns timeout 150 node "$HERE/dpdk_echo_node.js" "$DPG_ADDR" "$ECHO_PORT" "$N" ||
	fail "the Node dgram client failed (exit $?)"

dpdk_stop_echo TERM
dpdk_expect_totals "$N" "$N" 0
dpdk_expect_no_drops
echo "PASS: dpdk_echo_node"
