#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Linux kernel pings dpgram: dpgram-echo --backend dpdk over net_tap in
# a private network namespace; the kernel's `ping -c 5 -W 2 198.18.0.2`
# (which first resolves the stack's MAC with ARP) gets 5 replies of 5, and
# the stack's totals show no drop and every mbuf back in its pool.
#
# usage: dpdk_ping.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_ping.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require ping timeout
dpdk_setup ping
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

out=$TMP/ping.out
rc=0
echo "+ ping -c 5 -W 2 $DPG_ADDR (in $NS)"
ns timeout 30 ping -n -c 5 -W 2 "$DPG_ADDR" >"$out" 2>&1 || rc=$?
cat "$out"
[[ $rc -eq 0 ]] || fail "ping exited $rc"
grep -q '^5 packets transmitted, 5 received, 0% packet loss' "$out" ||
	fail "want 5 replies of 5"
replies=$(grep -c "bytes from $DPG_ADDR: icmp_seq=[1-5] ttl=[0-9]* time=" "$out" || true)
[[ $replies -eq 5 ]] || fail "$replies reply lines from $DPG_ADDR, want 5"
echo "ok: 5 replies from $DPG_ADDR"

# The kernel learnt the stack's MAC through ARP.
neigh=$(ns ip neigh show "$DPG_ADDR" dev "$DPG_IFACE")
echo "kernel neighbour: $neigh"
[[ $neigh == *lladdr* ]] || fail "the kernel has no MAC address for $DPG_ADDR"

dpdk_stop_echo TERM
dpdk_expect_totals 0 0 0
dpdk_expect_no_drops
# The stack counted what it answered: 5 pings, and at least the kernel's ARP.
grep -q '^stack: arp requests [0-9]*, arp replies [1-9][0-9]*, icmp echo replies 5$' "$ECHO_OUT" ||
	fail "want 'icmp echo replies 5' and ARP replies on the stack line: $(grep '^stack: arp' "$ECHO_OUT")"
echo "PASS: dpdk_ping"
