#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Quick start on a fresh Debian 12 machine: install the build dependencies,
# build dpgram in ./build, and run dpgram's main job: its own UDP/IP stack on
# the DPDK backend. dpgram-echo --backend dpdk attaches to a net_tap port
# (drivers-cfg/net_tap.ini: no NIC, no hugepages), which creates the kernel
# interface dpg0; the stack owns 198.18.0.2 and fd00:dc::2 on it, and one
# dual-stack socket on [::]:7007 serves both. All of it happens inside a
# network namespace this script creates (and deletes at the end), where the
# kernel takes 198.18.0.1 and fd00:dc::1 on dpg0 and plays the peer: it pings
# the stack over IPv4 and IPv6 (ARP and Neighbour Discovery first) and sends it
# datagrams from ordinary kernel UDP sockets (dpgram-client --backend kernel).
# Then the server stops and prints the stack's counters.
#
# usage: sudo bash scripts/quickstart.sh      (works from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

NS=dpgram-quickstart   # the network namespace of the demo
IFACE=dpg0             # created by net_tap (drivers-cfg/net_tap.ini)
STACK_ADDR=198.18.0.2  # the stack's addresses on it
STACK_ADDR6=fd00:dc::2
KERNEL_ADDR=198.18.0.1 # the kernel side (the stack's gateway)
KERNEL_ADDR6=fd00:dc::1
PORT=7007

say "installing the build dependencies (if missing)"
ensure_packages meson ninja-build pkg-config gcc libdpdk-dev dpdk-dev libcmocka-dev \
	iproute2 iputils-ping

say "building dpgram in ./build"
# shellcheck disable=SC2119 # no options: meson's defaults
configure_build
run meson compile -C build

# The DPDK backend over net_tap needs root (a tap interface, a namespace).
[[ $(id -u) -eq 0 ]] ||
	die "the demo runs dpgram on a net_tap interface in a network namespace: run it as root (sudo bash scripts/quickstart.sh)"
[[ -c /dev/net/tun ]] ||
	die "no /dev/net/tun: net_tap cannot create $IFACE here (modprobe tun; in a container, pass the device through)"

log=$(mktemp)
err=$(mktemp)
echo_pid=
cleanup() {
	[[ -n $echo_pid ]] && kill -KILL "$echo_pid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -f "$log" "$err"
	return 0
}
trap cleanup EXIT

say "creating the network namespace $NS (the kernel's side of $IFACE lives there)"
if ip netns list | grep -qw "^$NS"; then
	echo "(removing $NS left over from an earlier run)"
	ip netns del "$NS"
fi
run ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
# IPv6 on dpg0 without DAD (the kernel's address is usable at once) and
# without router solicitations (nobody routes here). The kernel's MLD reports
# cannot be turned off: the stack counts them as eth_not_for_us drops.
ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.accept_ra=0

say "starting dpgram-echo on the DPDK backend (net_tap: $IFACE, $STACK_ADDR and $STACK_ADDR6)"
echo "+ ip netns exec $NS build/apps/dpgram-echo --backend dpdk --bind :: --port $PORT"
ip netns exec "$NS" build/apps/dpgram-echo --backend dpdk --bind :: --port "$PORT" >"$log" 2>"$err" &
echo_pid=$!
line=
for ((i = 0; i < 300; i++)); do
	line=$(grep -m1 'listening on ' "$log" || true)
	[[ -n $line ]] && break
	kill -0 "$echo_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $line ]]; then
	cat "$log" "$err" >&2
	die "dpgram-echo --backend dpdk did not start (its output is above)"
fi
echo "$line"
# The port layer's own lines (the port, its MAC, offloads); EAL's chatter
# stays out of the way.
grep '^dpgram' "$err" || true

say "giving the kernel side of $IFACE the addresses $KERNEL_ADDR and $KERNEL_ADDR6"
run ip netns exec "$NS" ip addr add "$KERNEL_ADDR/24" dev "$IFACE"
run ip netns exec "$NS" ip -6 addr add "$KERNEL_ADDR6/64" dev "$IFACE" nodad
run ip netns exec "$NS" ip link set "$IFACE" up

say "the kernel pings the stack (ARP, then ICMP echo; Neighbour Discovery, then ICMPv6 echo)"
ping_rc=0
run ip netns exec "$NS" ping -c 3 -W 2 "$STACK_ADDR" || ping_rc=$?
run ip netns exec "$NS" ping -6 -c 3 -W 2 "$STACK_ADDR6" || ping_rc=$?

say "sending datagrams from kernel UDP sockets (dpgram-client on the kernel backend)"
client_rc=0
run ip netns exec "$NS" build/apps/dpgram-client --backend kernel \
	--to "$STACK_ADDR:$PORT" --count 5 || client_rc=$?
run ip netns exec "$NS" build/apps/dpgram-client --backend kernel \
	--to "[$STACK_ADDR6]:$PORT" --count 5 || client_rc=$?

say "stopping dpgram-echo (SIGINT); its totals and the stack's counters:"
kill -INT "$echo_pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$echo_pid" 2>/dev/null || break
	sleep 0.1
done
echo_rc=0
if kill -0 "$echo_pid" 2>/dev/null; then
	echo "dpgram-echo still running 10 s after SIGINT: killing it" >&2
	kill -KILL "$echo_pid"
	echo_rc=137
fi
wait "$echo_pid" 2>/dev/null || echo_rc=$?
echo_pid=
grep -v 'listening on ' "$log" || true
if [[ $echo_rc -ne 0 ]]; then
	cat "$err" >&2
fi

if [[ $ping_rc -ne 0 || $client_rc -ne 0 || $echo_rc -ne 0 ]]; then
	die "quick start failed (ping exit $ping_rc, dpgram-client exit $client_rc, dpgram-echo exit $echo_rc)"
fi
say "done: the kernel talked to dpgram's own stack over $IFACE. Next: sudo bash scripts/test.sh, docs/getting-started.md"
