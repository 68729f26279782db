#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Node's dgram (Node 20) as the multicast peer of dpgram-mcast on the DPDK
# backend, over net_tap in a private network namespace, IPv4 (default) or
# IPv6 (last argument 6):
#  A. dpgram-mcast send --group G -> a Node socket that addMembership(G,
#     the kernel's interface): 20 datagrams from dpgram's address, in order;
#  B. dpgram-mcast send --group G' (SSM range) -> a Node socket that
#     addSourceSpecificMembership(dpgram's address, G', ...): 20 likewise;
#  C. Node sends 20 datagrams to G'' (setMulticastInterface) -> dpgram-mcast
#     recv --group G'' --count 20 prints all 20, from the kernel's address.
# Every run ends with exit 0, its totals and counters, and every mbuf back.
#
# usage: dpdk_mcast_node.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]
set -euo pipefail

# shellcheck disable=SC2034 # dpdk_require checks it
ECHO=${1:?usage: dpdk_mcast_node.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]}
MCAST=${2:?usage: dpdk_mcast_node.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]}
FAMILY=${3:-4}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=20
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/mcast_lib.sh
source "$HERE/mcast_lib.sh"

if [[ $FAMILY == 6 ]]; then
	G_A=ff15::dc:4 G_B=ff35::dc:4 G_C=ff15::dc:5
	K=$KERNEL_ADDR6 D=$DPG_ADDR6
	K_IFACE=::%$DPG_IFACE  # Node's interface argument
	SETUP=(mcast6-node ipv6)
else
	G_A=239.1.2.4 G_B=232.1.2.4 G_C=239.1.2.5
	K=$KERNEL_ADDR D=$DPG_ADDR
	K_IFACE=$KERNEL_ADDR
	SETUP=(mcast-node)
fi

# node ARGS...: mcast_node.js inside the namespace, bounded in time.
node_peer() {
	echo "+ node mcast_node.js $*"
	ns timeout 30 node "$HERE/mcast_node.js" "$@"
}

dpdk_require "$PY" node timeout
[[ -x $MCAST ]] || fail "no dpgram-mcast at '$MCAST'"
dpdk_setup "${SETUP[@]}"
echo "node $(node --version)"

echo "=== A. dpgram-mcast send --group $G_A -> Node addMembership"
mcast_start send-a "$MCAST" send --group "$G_A" --port 5003 --count 3000 --rate 200
mcast_kernel_side
node_peer recv "$G_A" 5003 "$N" "$K_IFACE" "$D" ||
	fail "Node did not receive $N datagrams of $G_A from $D (exit $?)"
mcast_stop TERM

echo "=== B. dpgram-mcast send --group $G_B -> Node addSourceSpecificMembership($D)"
mcast_start send-b "$MCAST" send --group "$G_B" --port 5003 --count 3000 --rate 200
mcast_kernel_side
node_peer recv "$G_B" 5003 "$N" "$K_IFACE" "$D" "$D" ||
	fail "Node did not receive $N datagrams of ($D, $G_B) (exit $?)"
mcast_stop TERM

echo "=== C. Node send -> dpgram-mcast recv --group $G_C"
mcast_start recv-c "$MCAST" recv --group "$G_C" --port 5004 --count "$N"
mcast_kernel_side
node_peer send "$G_C" 5004 "$N" "$K_IFACE" "$K" || fail "Node could not send (exit $?)"
mcast_wait_exit 15
mcast_expect_from "$N" "$K"

echo "PASS: dpdk_mcast_node (IPv$FAMILY)"
