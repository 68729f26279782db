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

dpdk_require tshark ping "$PY" timeout
dpdk_setup tshark6 ipv6
dpdk_start_echo --bind ::

CAP=$TMP/dpg0.pcapng
# The echo port is also Wireshark's AFS (RX) port, and random payloads set
# off UDP heuristics (RTCP): read the echo datagrams as plain data.
READ_OPTS=(-o udp.check_checksum:TRUE -d "udp.port==$ECHO_PORT,data")

kernel_mac=$(ns cat "/sys/class/net/$DPG_IFACE/address")
# Start from an empty neighbour cache so that the capture sees ND.
ns ip -6 neigh flush dev "$DPG_IFACE"
echo "+ tshark -i $DPG_IFACE -w $CAP (in $NS)"
# -a duration: the capture stops on its own if this script never gets to.
ip netns exec "$NS" tshark -i "$DPG_IFACE" -w "$CAP" -q -a duration:120 \
	>"$TMP/tshark.out" 2>"$TMP/tshark.err" &
tshark_pid=$!
track "$tshark_pid"
for ((i = 0; i < 100; i++)); do
	grep -q 'Capturing on' "$TMP/tshark.err" && break
	kill -0 "$tshark_pid" 2>/dev/null || fail "tshark exited: $(cat "$TMP/tshark.err")"
	sleep 0.1
done
grep -q 'Capturing on' "$TMP/tshark.err" || fail "tshark did not start capturing within 10 s"
sleep 0.5

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
ns timeout 10 "$PY" - "$KERNEL_ADDR6_2" "$DPG_ADDR6" "$ECHO_PORT" <<'PY' || fail "the 0xffff-checksum datagram did not come back (exit $?)"
import socket, struct, sys

def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def sum16(b):
    return fold(sum(struct.unpack(f"!{len(b) // 2}H", b)))

src, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((src, 0))
s.connect((host, port))
s.settimeout(3)  # the stack resolves the sender first
sport = s.getsockname()[1]
prefix = b"dpgram UDP/IPv6 checksum 0xffff!"  # an even length
ulen = 8 + len(prefix) + 2
pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, host) +
          struct.pack("!IxxxB", ulen, 17))
partial = fold(sum16(pseudo) + sum16(struct.pack("!HHHH", sport, port, ulen, 0)) + sum16(prefix))
payload = prefix + struct.pack("!H", 0xffff - partial)  # the whole sum becomes 0xffff
s.send(payload)
if s.recv(2048) != payload:
    sys.exit("FAIL: the 0xffff-checksum datagram came back altered")
print(f"ok: a datagram whose UDP checksum is 0xffff came back to [{src}]:{sport}")
PY

sleep 1 # let the last frames reach the capture file
kill -INT "$tshark_pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$tshark_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$tshark_pid" 2>/dev/null && fail "tshark still running 10 s after SIGINT"
wait "$tshark_pid" || true
[[ -s $CAP ]] || fail "empty capture: $(cat "$TMP/tshark.err")"

dpdk_stop_echo TERM
dpdk_expect_totals $((N + 1)) $((N + 1)) 0
dpdk_expect_no_drops
dpdk_expect_no_dad_conflict

# --- what tshark says about the capture ---------------------------------

tshark -r "$CAP" -V "${READ_OPTS[@]}" >"$TMP/dissect.txt" 2>"$TMP/dissect.err" ||
	fail "tshark -r failed: $(cat "$TMP/dissect.err")"
frames=$(tshark -r "$CAP" "${READ_OPTS[@]}" 2>/dev/null | wc -l)
echo "captured $frames frames"
problems=0

# problem MESSAGE: report, fail at the end (so that every check is shown).
problem() {
	echo "PROBLEM: $*" >&2
	problems=$((problems + 1))
}

# expect FILTER OP N WHAT: the number of frames matching FILTER. A filter
# tshark rejects is a failure, never a count of 0.
expect() {
	local filter=$1 op=$2 want=$3 what=$4 n
	tshark -r "$CAP" "${READ_OPTS[@]}" -Y "$filter" >"$TMP/match.txt" 2>"$TMP/match.err" ||
		fail "tshark rejected the filter '$filter': $(grep -v 'Running as user' "$TMP/match.err")"
	n=$(wc -l <"$TMP/match.txt")
	if (("n $op want")); then
		echo "ok: $what: $n"
	else
		problem "$what: $n frames match '$filter', want $op $want"
		head -n 5 "$TMP/match.txt" >&2
	fi
}

# Expert info: every item of severity warning or error, for all frames.
tshark -r "$CAP" -q -z expert,warn "${READ_OPTS[@]}" >"$TMP/expert.txt" 2>/dev/null
if grep -Eq '^(Errors|Warns) \(' "$TMP/expert.txt"; then
	problem "tshark expert info has warnings or errors:"
	grep -v '^$' "$TMP/expert.txt" >&2
	tshark -r "$CAP" "${READ_OPTS[@]}" \
		-Y '_ws.expert.severity >= "Warning"' 2>/dev/null | head -n 20 >&2
else
	echo "ok: tshark expert info: no warning, no error"
fi

bad=$(grep -ci 'checksum status: bad' "$TMP/dissect.txt" || true)
if [[ $bad -eq 0 ]]; then
	echo "ok: no bad checksum in the -V dissection"
else
	problem "$bad bad checksums in the -V dissection:"
	grep -i -B30 'checksum status: bad' "$TMP/dissect.txt" |
		grep -E '^Frame|Internet Protocol|User Datagram|Internet Control|status' >&2 || true
fi

# The stack's frames: every one it sends comes from its port's MAC.
MINE="eth.src == $mac"
SNODE=ff02::1:ff00:0/104 # solicited-node groups (RFC 4291 §2.7.1)
expect "ipv6.src == $DPG_ADDR6 && !($MINE)" == 0 "frames from $DPG_ADDR6 with another MAC than $mac"
expect "ipv6.src == $ll && !($MINE)" == 0 "frames from $ll with another MAC than $mac"
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
	expect "icmpv6.type == 135 && icmpv6.nd.ns.target_address == $target && eth.src == $kernel_mac" '>=' 1 \
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
expect "icmpv6.type == 136 && eth.src == $kernel_mac && icmpv6.nd.na.target_address == $KERNEL_ADDR6_2" '>=' 1 \
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
expect "udp && $MINE && udp.checksum == 0xffff && udp.checksum.status == 1" == 1 \
	"stack UDP datagrams whose checksum is 0xffff (computed 0), good"

if [[ $problems -gt 0 ]]; then
	echo "--- tshark of the ND and ICMPv6 frames ---" >&2
	tshark -r "$CAP" "${READ_OPTS[@]}" -Y icmpv6 2>/dev/null | head -n 60 >&2
	echo "--- tshark -V of the capture (first 400 lines) ---" >&2
	head -n 400 "$TMP/dissect.txt" >&2
	fail "$problems problem(s) in the capture"
fi
echo "PASS: dpdk_tshark6"
