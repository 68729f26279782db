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

dpdk_require tshark ping "$PY" timeout
dpdk_setup tshark
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

CAP=$TMP/dpg0.pcapng
# The echo port is also Wireshark's AFS (RX) port, and random payloads set
# off UDP heuristics (RTCP): read the echo datagrams as plain data.
READ_OPTS=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE
	-d "udp.port==$ECHO_PORT,data")

# Start from an empty neighbour cache so that the capture sees ARP.
ns ip neigh flush dev "$DPG_IFACE"
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

echo "+ ping -c $PINGS -W 2 $DPG_ADDR"
ns timeout 30 ping -n -q -c "$PINGS" -W 2 "$DPG_ADDR" || fail "ping failed (exit $?)"
echo "+ python3 dpdk_echo_client.py $DPG_ADDR $ECHO_PORT $N"
ns timeout 60 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR" "$ECHO_PORT" "$N" ||
	fail "the UDP client failed (exit $?)"
# RFC 768: a checksum that computes to zero is sent as all ones. One
# datagram whose checksum is exactly that, both ways (the reply has the
# same sum: addresses and ports swapped).
echo "+ one datagram whose UDP checksum is 0xffff"
ns timeout 10 "$PY" - "$DPG_ADDR" "$ECHO_PORT" <<'PY' || fail "the 0xffff-checksum datagram did not come back (exit $?)"
import socket, struct, sys

def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def sum16(b):
    return fold(sum(struct.unpack(f"!{len(b) // 2}H", b)))

host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, port))
s.settimeout(2)
src, sport = s.getsockname()
prefix = b"dpgram UDP checksum 0xffff"  # an even length
ulen = 8 + len(prefix) + 2
pseudo = socket.inet_aton(src) + socket.inet_aton(host) + struct.pack("!BBH", 0, 17, ulen)
partial = fold(sum16(pseudo) + sum16(struct.pack("!HHHH", sport, port, ulen, 0)) + sum16(prefix))
payload = prefix + struct.pack("!H", 0xffff - partial)  # the whole sum becomes 0xffff
s.send(payload)
if s.recv(2048) != payload:
    sys.exit("FAIL: the 0xffff-checksum datagram came back altered")
print(f"ok: a datagram whose UDP checksum is 0xffff came back (from port {sport})")
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
	# Which frames.
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
	grep -i -B30 'checksum status: bad' "$TMP/dissect.txt" | grep -E '^Frame|Internet Protocol|User Datagram|Internet Control|status' >&2 || true
fi

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
expect "udp && $MINE && udp.checksum == 0xffff && udp.checksum.status == 1" == 1 \
	"stack UDP datagrams whose checksum is 0xffff (computed 0, RFC 768), good"
# Every frame from the stack carries the MAC its ARP reply announced.
mac=$(tshark -r "$CAP" -Y "arp.opcode == 2 && arp.src.proto_ipv4 == $DPG_ADDR" \
	-T fields -e arp.src.hw_mac -c 1 2>/dev/null | head -n1)
if [[ -n $mac ]]; then
	expect "$MINE && eth.src != $mac" == 0 "stack IPv4 frames from another MAC than $mac"
fi

if [[ $problems -gt 0 ]]; then
	echo "--- tshark -V of the capture (first 400 lines) ---" >&2
	head -n 400 "$TMP/dissect.txt" >&2
	fail "$problems problem(s) in the capture"
fi
echo "PASS: dpdk_tshark"
