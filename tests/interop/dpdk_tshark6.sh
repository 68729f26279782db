#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tshark judges what dpgram puts on the wire over IPv6. dpgram-echo
# --backend dpdk --bind :: over net_tap in a private network namespace;
# tshark captures on dpg0 (the kernel side) while the kernel
#  - resolves fd00:dc::2 with Neighbour Discovery and pings it 3 times,
#  - resolves the stack's link-local address and pings it 3 times,
#  - exchanges 1453 UDP datagrams of every size 0..1452 with [fd00:dc::2]:7007,
#  - sends, from a second address fd00:dc::3 that the stack has never seen
#    (so that the stack must resolve it with a Neighbour Solicitation of its
#    own), one datagram whose UDP checksum computes to zero (sent as 0xffff,
#    RFC 8200 §8.1 and RFC 768).
# Then, with UDP checksum validation on (ICMPv6's is always on):
#  - tshark's expert info has no warning and no error, for any frame;
#  - no frame has a bad checksum, and every ICMPv6 and UDP checksum of the
#    stack's frames is verified good (none absent: a zero UDP checksum is
#    illegal over IPv6);
#  - the kernel's solicitations for both addresses and the stack's solicited
#    advertisements (hop limit 255, Solicited and Override set, Router
#    clear, the target's link-layer address option with the stack's MAC),
#    the stack's multicast solicitation for fd00:dc::3 (to its
#    solicited-node group and MAC, hop limit 255, with the stack's MAC as
#    source link-layer address), 3 + 3 echo replies each matched to its
#    request, 1454 UDP datagrams from [fd00:dc::2]:7007, the 0xffff one with
#    its checksum still 0xffff, and no ICMPv6 error from the stack.
# The full dissection (-V) is kept in the log on failure.
#
# usage: dpdk_tshark6.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_tshark6.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
PINGS=3
N=1453   # one datagram of each size 0..1452
KERNEL_ADDR6_2=fd00:dc::3
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/tshark_lib.sh
source "$HERE/tshark_lib.sh"

dpdk_require tshark ping "$PY" timeout
dpdk_setup tshark6 ipv6
dpdk_start_echo --bind ::

# Validate the UDP checksums (ICMPv6's is always on).
READ_OPTS+=(-o udp.check_checksum:TRUE)

kernel_mac=$(ns cat "/sys/class/net/$DPG_IFACE/address")
# Start from an empty neighbour cache so that the capture sees ND.
ns ip -6 neigh flush dev "$DPG_IFACE"
tshark_start_capture

echo "+ ping -6 -c $PINGS -W 2 $DPG_ADDR6"
ns timeout 30 ping -6 -n -q -c "$PINGS" -W 2 "$DPG_ADDR6" || fail "ping -6 $DPG_ADDR6 failed (exit $?)"
mac=$(ns ip -6 neigh show "$DPG_ADDR6" dev "$DPG_IFACE" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')
[[ -n $mac ]] || fail "the kernel has no MAC address for $DPG_ADDR6"
ll=$(dpdk_ll6 "$mac")
echo "stack MAC $mac, link-local $ll; kernel MAC $kernel_mac"
echo "+ ping -6 -c $PINGS -W 2 $ll%$DPG_IFACE"
ns timeout 30 ping -6 -n -q -c "$PINGS" -W 2 "$ll%$DPG_IFACE" || fail "ping -6 $ll%$DPG_IFACE failed (exit $?)"
echo "+ python3 dpdk_echo_client.py $DPG_ADDR6 $ECHO_PORT $N"
ns timeout 60 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR6" "$ECHO_PORT" "$N" ||
	fail "the UDP client failed (exit $?)"

# A second kernel address: the kernel already knows the stack's MAC, so the
# datagram goes out at once, and the stack has to solicit for the sender.
ns ip -6 addr add "$KERNEL_ADDR6_2/$KERNEL_PREFIX6" dev "$DPG_IFACE" nodad ||
	fail "cannot add $KERNEL_ADDR6_2 to $DPG_IFACE"
sleep 0.3 # the kernel's MLD reports for the new solicited-node group
echo "+ one datagram from $KERNEL_ADDR6_2 whose UDP checksum is 0xffff"
ns timeout 10 "$PY" "$HERE/dpdk_checksum_ffff.py" "$DPG_ADDR6" "$ECHO_PORT" "$KERNEL_ADDR6_2" ||
	fail "the 0xffff-checksum datagram did not come back (exit $?)"

tshark_stop_capture

dpdk_stop_echo TERM
dpdk_expect_totals $((N + 1)) $((N + 1)) 0
dpdk_expect_no_drops
dpdk_expect_no_dad_conflict

# --- what tshark says about the capture ---------------------------------

tshark_dissect
tshark_expect_no_expert
tshark_expect_no_bad_checksum

# The stack's frames: from its port's MAC and from one of its addresses (or
# ::, DAD probes). net_tap gives the kernel side the same MAC, so the MAC
# alone does not tell them apart; the kernel's frames are the others.
MINE="eth.src == $mac && (ipv6.src == $DPG_ADDR6 || ipv6.src == $ll || ipv6.src == ::)"
KERNEL="eth.src == $kernel_mac && !(ipv6.src == $DPG_ADDR6 || ipv6.src == $ll || ipv6.src == ::)"
SNODE=ff02::1:ff00:0/104 # solicited-node groups (RFC 4291 §2.7.1)
expect "ipv6.src == $DPG_ADDR6 && !(eth.src == $mac)" == 0 "frames from $DPG_ADDR6 with another MAC than $mac"
expect "ipv6.src == $ll && !(eth.src == $mac)" == 0 "frames from $ll with another MAC than $mac"
# Wireshark's checksum status values: 0 bad, 1 good, 2 unverified,
# 3 not present.
expect "$MINE && icmpv6 && icmpv6.checksum.status != 1" == 0 "stack ICMPv6 messages whose checksum is not good"
expect "$MINE && udp && udp.checksum.status != 1" == 0 "stack UDP datagrams whose checksum is not good (or absent)"
expect "_ws.malformed" == 0 "malformed frames"
expect "$MINE && icmpv6.type < 128" == 0 "ICMPv6 errors from the stack"

# Neighbour Discovery, both ways (RFC 4861 §4.3, §4.4, §7.2.4).
expect "$MINE && (icmpv6.type == 135 || icmpv6.type == 136) && ipv6.hlim != 255" == 0 \
	"stack NS/NA whose hop limit is not 255"
for target in "$DPG_ADDR6" "$ll"; do
	expect "icmpv6.type == 135 && icmpv6.nd.ns.target_address == $target && $KERNEL" '>=' 1 \
		"kernel solicitations for $target"
	expect "icmpv6.type == 136 && $MINE && icmpv6.nd.na.target_address == $target && icmpv6.nd.na.flag.s == 1 && icmpv6.nd.na.flag.o == 1 && icmpv6.nd.na.flag.r == 0 && icmpv6.opt.target_linkaddr == $mac && eth.dst == $kernel_mac" '>=' 1 \
		"stack advertisements for $target (solicited, override, target link-layer address $mac)"
done
expect "$MINE && icmpv6.type == 136 && icmpv6.nd.na.target_address != $DPG_ADDR6 && icmpv6.nd.na.target_address != $ll" == 0 \
	"stack advertisements for another target than its own addresses"
expect "$MINE && icmpv6.type == 135 && icmpv6.nd.ns.target_address == $KERNEL_ADDR6_2 && ipv6.dst == ff02::1:ff00:3 && eth.dst == 33:33:ff:00:00:03 && icmpv6.opt.src_linkaddr == $mac" '>=' 1 \
	"stack solicitations for $KERNEL_ADDR6_2 (to its solicited-node group, with the source link-layer address)"
expect "$MINE && icmpv6.type == 135 && ipv6.dst == $SNODE && !(ipv6.src == ::) && !icmpv6.opt.src_linkaddr" == 0 \
	"stack multicast solicitations without a source link-layer address"
expect "icmpv6.type == 136 && $KERNEL && icmpv6.nd.na.target_address == $KERNEL_ADDR6_2" '>=' 1 \
	"kernel advertisements for $KERNEL_ADDR6_2 (it answered the stack)"

# ICMPv6 echo (RFC 4443 §4.2): each reply to its request, from the address
# the request went to.
expect "icmpv6.type == 128 && ipv6.dst == $DPG_ADDR6" == "$PINGS" "echo requests to $DPG_ADDR6"
expect "icmpv6.type == 129 && $MINE && ipv6.src == $DPG_ADDR6 && ipv6.dst == $KERNEL_ADDR6 && icmpv6.resp_to" == "$PINGS" \
	"echo replies from $DPG_ADDR6, each matched to its request"
expect "icmpv6.type == 128 && ipv6.dst == $ll" == "$PINGS" "echo requests to $ll"
expect "icmpv6.type == 129 && $MINE && ipv6.src == $ll && ipv6.dst == fe80::/64 && icmpv6.resp_to" == "$PINGS" \
	"echo replies from $ll to the kernel's link-local address, each matched to its request"

# UDP (RFC 768, RFC 8200 §8.1).
expect "udp && ipv6.dst == $DPG_ADDR6 && udp.dstport == $ECHO_PORT" == $((N + 1)) "UDP datagrams to the stack"
expect "udp && $MINE && ipv6.src == $DPG_ADDR6 && udp.srcport == $ECHO_PORT" == $((N + 1)) \
	"UDP datagrams from [$DPG_ADDR6]:$ECHO_PORT"
expect "udp && $MINE && ipv6.dst == $KERNEL_ADDR6_2" == 1 "UDP datagrams from the stack to $KERNEL_ADDR6_2"
# (Only the reply to $KERNEL_ADDR6_2 is sure to compute to 0: any other
# datagram does so by chance, one in 65535.)
expect "udp && $MINE && ipv6.dst == $KERNEL_ADDR6_2 && udp.checksum == 0xffff && udp.checksum.status == 1" == 1 \
	"stack UDP datagrams whose checksum is 0xffff (computed 0), good"

tshark_verdict dpdk_tshark6 icmpv6 "ND and ICMPv6"
