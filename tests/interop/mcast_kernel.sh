#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpgram-mcast on the kernel backend, between two private network
# namespaces joined by a veth pair (A: 198.18.0.1, .3 and fd00:dc::1 on va;
# B: 198.18.0.2 and fd00:dc::2 on vb). Checks:
#  - bad flags: each of a list of wrong command lines exits 2 naming the
#    flag (group not multicast, source not unicast, families that differ,
#    out-of-range numbers, flags of the other command, ...);
#  - any-source IPv4: recv --group 239.1.2.3 --iface 198.18.0.2 --count 5 in
#    B gets the 5 datagrams of send --iface 198.18.0.1 in A;
#  - source-specific IPv4: recv --source 198.18.0.1 gets nothing of a send
#    from 198.18.0.3 (--iface), then the 5 from 198.18.0.1;
#  - IPv6 with --iface ::%IFNAME: a kernel socket (mcast_peer.py) in B
#    receives 5 datagrams with hop limit 3 (send --ttl 3), and recv --group
#    ff15::dc:1 --iface ::%vb gets 5;
#  - broadcast: recv in B gets send --broadcast 198.18.0.255 and send
#    --broadcast 255.255.255.255 --iface 198.18.0.1 from A (2 each);
#  - loopback: in B, send --loop 0 reaches no local member, send --loop 1
#    does (recv counts exactly 3, all from the --loop 1 sender's port);
#  - recv without --count: --stats lines, SIGTERM -> totals, exit 0.
#
# usage: mcast_kernel.sh PATH/TO/dpgram-mcast
set -euo pipefail

MCAST=${1:?usage: mcast_kernel.sh PATH/TO/dpgram-mcast}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
A='' B='' TMP=''
PIDS=()

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	[[ -n $A ]] && ip netns del "$A" 2>/dev/null
	[[ -n $B ]] && ip netns del "$B" 2>/dev/null
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}

[[ -x $MCAST ]] || fail "no dpgram-mcast at '$MCAST'"

# --- bad flags: exit 2, the message names the flag -------------------------
bad() {
	local want=$1 out rc=0
	shift
	out=$("$MCAST" "$@" 2>&1 >/dev/null) || rc=$?
	[[ $rc -eq 2 ]] || fail "dpgram-mcast $*: exit $rc, want 2 ($out)"
	[[ $out == *"$want"* ]] || fail "dpgram-mcast $*: message '$out' does not mention '$want'"
	echo "ok: exit 2: dpgram-mcast $*: ${out%%$'\n'*}"
}
bad 'command' --port 5
bad 'unknown command' listen --group 239.1.2.3 --port 5
bad '--group' recv --port 5
bad '--group' recv --group 198.18.0.5 --port 5
bad '--group' recv --group ::1 --port 5
bad '--port' recv --group 239.1.2.3
bad '--port' recv --group 239.1.2.3 --port 65536
bad '--source' recv --group 239.1.2.3 --port 5 --source 239.1.2.4
bad '--source' recv --group 239.1.2.3 --port 5 --source 255.255.255.255
bad '--source' recv --group 239.1.2.3 --port 5 --source fd00:dc::1
bad '--iface' recv --group ff15::1 --port 5 --iface 198.18.0.2
bad '--iface' recv --group ff15::1 --port 5 --iface '::%'
bad '--count' recv --group 239.1.2.3 --port 5 --count 0
bad '--ttl' recv --group 239.1.2.3 --port 5 --ttl 2
bad '--source' send --group 239.1.2.3 --port 5 --source 198.18.0.1
bad '--ttl' send --group 239.1.2.3 --port 5 --ttl 256
bad '--loop' send --group 239.1.2.3 --port 5 --loop yes
bad '--rate' send --group 239.1.2.3 --port 5 --rate 1000001
bad '--count' send --group 239.1.2.3 --port 5 --count 1000000001
bad '--broadcast' send --broadcast 239.1.2.3 --port 5
bad '--broadcast' send --broadcast fd00:dc::ff --port 5
bad '--broadcast' send --group 239.1.2.3 --broadcast 255.255.255.255 --port 5
bad '--ttl' send --broadcast 255.255.255.255 --port 5 --ttl 0
bad '--loop' send --broadcast 255.255.255.255 --port 5 --loop 1
bad '--backend' --backend foo recv --group 239.1.2.3 --port 5
bad 'given twice' send --group 239.1.2.3 --group 239.1.2.4 --port 5
bad 'unexpected argument' recv --group 239.1.2.3 --port 5 extra

# --- the two namespaces -----------------------------------------------------
[[ $(id -u) -eq 0 ]] ||
	{ echo "SKIP: the rest needs root (network namespaces); the flag checks above passed"; exit 77; }
command -v "$PY" >/dev/null || fail "no $PY"
TMP=$(mktemp -d /tmp/dpgram-mcast-kernel.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM
A=dpg-mcast-a-$$ B=dpg-mcast-b-$$
ip netns add "$A"
ip netns add "$B"
# No DAD (and no router solicitations) on the veth ends, made afterwards.
for n in "$A" "$B"; do
	ip netns exec "$n" ip link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0
done
if ! ip link add va netns "$A" type veth peer name vb netns "$B" 2>"$TMP/veth.err"; then
	echo "SKIP: the kernel cannot create a veth pair (modprobe veth): $(cat "$TMP/veth.err")"
	exit 77
fi
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$A" ip addr add 198.18.0.3/24 dev va
ip netns exec "$A" ip -6 addr add fd00:dc::1/64 dev va nodad
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
ip netns exec "$B" ip -6 addr add fd00:dc::2/64 dev vb nodad
ip netns exec "$A" ip link set va up
ip netns exec "$B" ip link set vb up
# Both ends up with their link-local addresses (no longer tentative).
for ((i = 0; i < 100; i++)); do
	[[ -z $(ip netns exec "$A" ip -6 addr show dev va tentative) &&
		-z $(ip netns exec "$B" ip -6 addr show dev vb tentative) ]] &&
		ip netns exec "$A" ip -6 addr show dev va scope link | grep -q fe80 &&
		ip netns exec "$B" ip -6 addr show dev vb scope link | grep -q fe80 && break
	sleep 0.05
done
echo "namespaces $A (va: 198.18.0.1, .3, fd00:dc::1) and $B (vb: 198.18.0.2, fd00:dc::2)"

# start NS LABEL ARGS...: dpgram-mcast ARGS in NS, in the background;
# waits for its "listening on" (or mcast_peer's "ready") line. PID, OUT.
start() {
	local n=$1 label=$2 i
	shift 2
	OUT=$TMP/$label.out
	echo "+ [$n] $*"
	ip netns exec "$n" timeout 60 "$@" >"$OUT" 2>&1 &
	PID=$!
	PIDS+=("$PID")
	for ((i = 0; i < 100; i++)); do
		grep -q -e 'listening on ' -e '^ready' "$OUT" && return 0
		kill -0 "$PID" 2>/dev/null || fail "$label exited before it was ready: $(cat "$OUT")"
		sleep 0.05
	done
	fail "$label not ready within 5 s: $(cat "$OUT")"
}

# finish [SECS]: the background program ends by itself (exit 0).
finish() {
	local rc=0
	wait "$PID" || rc=$?
	[[ $rc -eq 0 ]] || fail "exit $rc: $(cat "$OUT")"
	grep -q '^totals: ' "$OUT" || grep -q '^received ' "$OUT" || fail "no totals: $(cat "$OUT")"
}

# send NS ARGS...: dpgram-mcast send in NS (exit 0); prints its ready line.
send() {
	local n=$1
	shift
	echo "+ [$n] dpgram-mcast send $*"
	ip netns exec "$n" timeout 30 "$MCAST" send "$@" >"$TMP/send.out" 2>&1 ||
		fail "send $* failed: $(cat "$TMP/send.out")"
	grep -q '^totals: sent [0-9]*, failed 0$' "$TMP/send.out" || fail "send: $(cat "$TMP/send.out")"
	SENT_FROM=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$TMP/send.out")
}

# expect_from N ADDR: OUT has N "from" lines, all from ADDR (ADDR:PORT).
expect_from() {
	local n
	n=$(grep -c '^from ' "$OUT" || true)
	[[ $n -eq $1 ]] || fail "$n datagrams, want $1: $(cat "$OUT")"
	if grep '^from ' "$OUT" | grep -v -q -F "from $2"; then
		fail "datagrams from another sender than $2: $(grep '^from ' "$OUT")"
	fi
	echo "ok: $1 datagrams, all from $2"
}

echo "=== any-source IPv4"
start "$B" recv4 "$MCAST" recv --group 239.1.2.3 --iface 198.18.0.2 --port 5000 --count 5
send "$A" --group 239.1.2.3 --port 5000 --iface 198.18.0.1 --count 5 --rate 100
finish
expect_from 5 198.18.0.1:

echo "=== source-specific IPv4"
start "$B" ssm4 "$MCAST" recv --group 232.1.2.3 --source 198.18.0.1 --iface 198.18.0.2 --port 5000 --count 5
send "$A" --group 232.1.2.3 --port 5000 --iface 198.18.0.3 --count 5 --rate 100
send "$A" --group 232.1.2.3 --port 5000 --iface 198.18.0.1 --count 5 --rate 100
finish
expect_from 5 198.18.0.1:

echo "=== IPv6 with --iface ::%IFNAME, hop limit 3 to a kernel socket"
start "$B" peer6 "$PY" "$HERE/mcast_peer.py" recv --group ff15::dc:1 --port 5001 --count 5 \
	--ifname vb --expect-from fd00:dc::1 --expect-ttl 3
send "$A" --group ff15::dc:1 --port 5001 --iface ::%va --ttl 3 --count 5 --rate 100
finish
sed 's/^/  /' "$OUT"
start "$B" recv6 "$MCAST" recv --group ff15::dc:1 --iface ::%vb --port 5001 --count 5
send "$A" --group ff15::dc:1 --port 5001 --iface ::%va --count 5 --rate 100
finish
expect_from 5 '[fd00:dc::1]:'

echo "=== broadcast"
start "$B" bcast "$MCAST" recv --group 239.1.2.3 --iface 198.18.0.2 --port 5002 --count 4
send "$A" --broadcast 198.18.0.255 --port 5002 --count 2 --rate 100
send "$A" --broadcast 255.255.255.255 --iface 198.18.0.1 --port 5002 --count 2 --rate 100
finish
expect_from 4 198.18.0.1:

echo "=== loopback"
start "$B" loop "$MCAST" recv --group 239.1.2.5 --iface 198.18.0.2 --port 5003 --count 3
send "$B" --group 239.1.2.5 --port 5003 --iface 198.18.0.2 --loop 0 --count 3 --rate 100
send "$B" --group 239.1.2.5 --port 5003 --iface 198.18.0.2 --loop 1 --count 3 --rate 100
finish
expect_from 3 "198.18.0.2:${SENT_FROM##*:}"

echo "=== SIGTERM and --stats"
start "$B" stop "$MCAST" recv --group 239.1.2.3 --iface 198.18.0.2 --port 5000 --stats 1
send "$A" --group 239.1.2.3 --port 5000 --iface 198.18.0.1 --count 30 --rate 20
kill -TERM "$PID"
finish
expect_from 30 198.18.0.1:
grep -q '^stats: t=' "$OUT" || fail "no stats line with --stats 1: $(cat "$OUT")"
grep -q '^totals: received 30 datagrams, ' "$OUT" || fail "totals: $(grep '^totals' "$OUT")"
grep -q '^stack: igmp reports 0, igmp queries 0, mld reports 0, mld queries 0$' "$OUT" ||
	fail "no IGMP/MLD counters line: $(cat "$OUT")"
echo "ok: SIGTERM -> exit 0 with totals and counters; stats lines"

echo "PASS: mcast_kernel"
