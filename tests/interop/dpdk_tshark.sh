#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tshark judges what dpgram puts on the wire. dpgram-echo --backend dpdk
# over net_tap in a private network namespace; tshark captures on dpg0 (the
# kernel side) while the kernel resolves the stack's MAC (ARP), pings it 3
# times and exchanges 1473 UDP datagrams of every size 0..1472 with it, and
# one whose UDP checksum computes to zero (sent as 0xffff). Then,
# with IPv4 and UDP checksum validation on (ICMP's is always on):
#  - tshark's expert info has no warning and no error, for any frame;
#  - no frame has a bad checksum, and every IPv4, ICMP and UDP checksum of
#    the stack's frames is verified good (none absent);
#  - the ARP request for 198.18.0.2 and the stack's ARP reply, 3 ICMP echo
#    replies from 198.18.0.2 and 1474 UDP datagrams from 198.18.0.2:7007
#    are there, the 0xffff one with its checksum still 0xffff.
# The full dissection (-V) is kept in the log on failure.
#
# usage: dpdk_tshark.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_tshark.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
PINGS=3
N=1473   # one datagram of each size 0..1472
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/tshark_lib.sh
source "$HERE/tshark_lib.sh"

dpdk_require tshark ping "$PY" timeout
dpdk_setup tshark
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

# Validate the IPv4 and UDP checksums (ICMP's is always on).
READ_OPTS+=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)

# Start from an empty neighbour cache so that the capture sees ARP.
ns ip neigh flush dev "$DPG_IFACE"
tshark_start_capture

echo "+ ping -c $PINGS -W 2 $DPG_ADDR"
ns timeout 30 ping -n -q -c "$PINGS" -W 2 "$DPG_ADDR" || fail "ping failed (exit $?)"
echo "+ python3 dpdk_echo_client.py $DPG_ADDR $ECHO_PORT $N"
ns timeout 60 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR" "$ECHO_PORT" "$N" ||
	fail "the UDP client failed (exit $?)"
# RFC 768: a checksum that computes to zero is sent as all ones. One
# datagram whose checksum is exactly that, both ways (the reply has the
# same sum: addresses and ports swapped).
echo "+ one datagram whose UDP checksum is 0xffff"
ns timeout 10 "$PY" "$HERE/dpdk_checksum_ffff.py" "$DPG_ADDR" "$ECHO_PORT" ||
	fail "the 0xffff-checksum datagram did not come back (exit $?)"

tshark_stop_capture

dpdk_stop_echo TERM
dpdk_expect_totals $((N + 1)) $((N + 1)) 0
dpdk_expect_no_drops

# --- what tshark says about the capture ---------------------------------

tshark_dissect
tshark_expect_no_expert
tshark_expect_no_bad_checksum

MINE="ip.src == $DPG_ADDR"
# Wireshark's checksum status values: 0 bad, 1 good, 2 unverified,
# 3 not present.
expect "$MINE && ip.checksum.status != 1" == 0 "stack IPv4 headers whose checksum is not good"
expect "$MINE && icmp && icmp.checksum.status != 1" == 0 "stack ICMP messages whose checksum is not good"
expect "$MINE && udp && udp.checksum.status != 1" == 0 "stack UDP datagrams whose checksum is not good (or absent)"
expect "_ws.malformed" == 0 "malformed frames"

expect "arp.opcode == 1 && arp.dst.proto_ipv4 == $DPG_ADDR && arp.src.proto_ipv4 == $KERNEL_ADDR" '>=' 1 \
	"ARP requests from the kernel for $DPG_ADDR"
expect "arp.opcode == 2 && arp.src.proto_ipv4 == $DPG_ADDR && arp.dst.proto_ipv4 == $KERNEL_ADDR && eth.src == arp.src.hw_mac && eth.dst == arp.dst.hw_mac" '>=' 1 \
	"ARP replies from the stack (unicast, Ethernet and ARP addresses agree)"
expect "icmp.type == 8 && ip.dst == $DPG_ADDR" == "$PINGS" "ICMP echo requests from the kernel"
expect "icmp.type == 0 && $MINE && ip.dst == $KERNEL_ADDR && icmp.resp_to" == "$PINGS" \
	"ICMP echo replies from the stack, each matched to its request"
expect "udp && ip.dst == $DPG_ADDR && udp.dstport == $ECHO_PORT" == $((N + 1)) "UDP datagrams to the stack"
expect "udp && $MINE && udp.srcport == $ECHO_PORT && ip.dst == $KERNEL_ADDR" == $((N + 1)) \
	"UDP datagrams from $DPG_ADDR:$ECHO_PORT"
# At least the one made to: any other datagram computes to 0 by chance,
# one in 65535, with the kernel's random source port.
expect "udp && $MINE && udp.checksum == 0xffff && udp.checksum.status == 1" '>=' 1 \
	"stack UDP datagrams whose checksum is 0xffff (computed 0, RFC 768), good"
# Every frame from the stack carries the MAC its ARP reply announced.
mac=$(tshark -r "$CAP" -Y "arp.opcode == 2 && arp.src.proto_ipv4 == $DPG_ADDR" \
	-T fields -e arp.src.hw_mac -c 1 2>/dev/null | head -n1)
if [[ -n $mac ]]; then
	expect "$MINE && eth.src != $mac" == 0 "stack IPv4 frames from another MAC than $mac"
fi

tshark_verdict dpdk_tshark
