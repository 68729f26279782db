#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Linux kernel pings dpgram over IPv6: dpgram-echo --backend dpdk --bind
# :: over net_tap in a private network namespace whose kernel side of dpg0
# has fd00:dc::1/64. The kernel's `ping -6 -c 5 -W 2` gets 5 replies of 5
# from the stack's configured address fd00:dc::2, then 5 of 5 from its
# link-local address (fe80:: + the modified EUI-64 of its MAC, the MAC the
# kernel learnt). Both neighbours were learnt by Neighbour Discovery (no
# permanent entry: REACHABLE, STALE or DELAY, with the same MAC); the
# stack's totals show no drop but the kernel's own MLD reports, its ND and
# ping counters moved, and every mbuf is back in its pool.
#
# usage: dpdk_ping6.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_ping6.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PINGS=5
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require ping timeout
dpdk_setup ping6 ipv6
dpdk_start_echo --bind ::

# ping6 DST: PINGS replies of PINGS from DST (as ping prints it: with the
# %dpg0 scope for a link-local address).
ping6() {
	local dst=$1 out=$TMP/ping.out rc=0 replies
	echo "+ ping -6 -c $PINGS -W 2 $dst (in $NS)"
	ns timeout 30 ping -6 -n -c "$PINGS" -W 2 "$dst" >"$out" 2>&1 || rc=$?
	cat "$out"
	[[ $rc -eq 0 ]] || fail "ping -6 $dst exited $rc"
	grep -q "^$PINGS packets transmitted, $PINGS received, 0% packet loss" "$out" ||
		fail "want $PINGS replies of $PINGS from $dst"
	replies=$(grep -cF "bytes from $dst: icmp_seq=" "$out" || true)
	[[ $replies -eq $PINGS ]] || fail "$replies reply lines from $dst, want $PINGS"
	echo "ok: $PINGS replies from $dst"
}

# neighbour ADDR: the kernel's entry for ADDR on dpg0, learnt (not
# permanent) and with a MAC. Prints the MAC.
neighbour() {
	local n mac
	n=$(ns ip -6 neigh show "$1" dev "$DPG_IFACE")
	echo "kernel neighbour: $n" >&2
	mac=$(sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p' <<<"$n")
	[[ -n $mac ]] || fail "the kernel has no MAC address for $1"
	[[ $n =~ (REACHABLE|STALE|DELAY)[[:space:]]*$ ]] ||
		fail "the kernel's entry for $1 is not one Neighbour Discovery confirmed (want REACHABLE, STALE or DELAY): $n"
	echo "$mac"
}

ping6 "$DPG_ADDR6"
mac=$(neighbour "$DPG_ADDR6")
ll=$(dpdk_ll6 "$mac")
echo "stack MAC $mac -> link-local address $ll"

ping6 "$ll%$DPG_IFACE"
mac_ll=$(neighbour "$ll")
[[ $mac_ll == "$mac" ]] ||
	fail "the kernel learnt $mac_ll for $ll but $mac for $DPG_ADDR6: one port, one MAC"
echo "ok: both neighbours learnt through ND, one MAC ($mac)"

dpdk_stop_echo TERM
dpdk_expect_totals 0 0 0
dpdk_expect_no_drops
# The stack counted what it answered: 2 x 5 pings (IPv4 and IPv6 share the
# counter), and at least one Neighbour Advertisement per address the kernel
# resolved.
grep -q "^stack: arp requests [0-9]*, arp replies [0-9]*, icmp echo replies $((2 * PINGS))\b" "$ECHO_OUT" ||
	fail "want 'icmp echo replies $((2 * PINGS))' on the stack line: $(grep '^stack: arp' "$ECHO_OUT")"
echo "ok: icmp echo replies $((2 * PINGS))"
adverts=$(dpdk_stat 'nd adverts')
if [[ -n $adverts ]]; then
	[[ $adverts -ge 2 ]] || fail "nd adverts $adverts, want at least 2 (one for $DPG_ADDR6, one for $ll)"
	echo "ok: nd adverts $adverts"
else
	echo "note: dpgram-echo prints no 'nd adverts' counter; not checked"
fi
dpdk_expect_no_dad_conflict
echo "PASS: dpdk_ping6"
