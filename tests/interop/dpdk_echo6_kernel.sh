#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Linux kernel's UDP sockets against a dual-stack dpgram-echo on the DPDK
# backend: dpgram-echo --backend dpdk --bind :: over net_tap in a private
# network namespace. At the same time, two Python (stdlib) sockets on the
# kernel side of dpg0 talk to the one echo socket:
#  - AF_INET6 to [fd00:dc::2]:7007: 10,000 datagrams of 0..1452 bytes
#    (cycling; 1452 is the largest IPv6 payload in a 1500-byte MTU without
#    fragments), at most 32 in flight;
#  - AF_INET to 198.18.0.2:7007: 2,000 datagrams of 0..1472 bytes (dual stack:
#    they reach the AF_INET6 socket from ::ffff:198.18.0.1, and the replies
#    go out as IPv4).
# Every datagram comes back byte-exact and in order on its own socket. Then
# SIGTERM: exit 0, totals 12000/12000/0, no drop (but the kernel's own MLD
# reports), every mbuf back.
#
# usage: dpdk_echo6_kernel.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_echo6_kernel.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
N6=10000
N4=2000
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require "$PY" timeout
dpdk_setup echo6-kernel ipv6
dpdk_start_echo --bind ::

echo "+ python3 dpdk_echo_client.py $DPG_ADDR $ECHO_PORT $N4 (in $NS, in the background)"
ns timeout 150 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR" "$ECHO_PORT" "$N4" \
	>"$TMP/client4.out" 2>&1 &
client4=$!
track "$client4"
echo "+ python3 dpdk_echo_client.py $DPG_ADDR6 $ECHO_PORT $N6 (in $NS)"
rc6=0
ns timeout 150 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR6" "$ECHO_PORT" "$N6" || rc6=$?
rc4=0
wait "$client4" || rc4=$?
echo "IPv4 client, at the same time:"
sed 's/^/  /' "$TMP/client4.out"
[[ $rc6 -eq 0 ]] || fail "the AF_INET6 kernel-socket client failed (exit $rc6)"
[[ $rc4 -eq 0 ]] || fail "the AF_INET kernel-socket client of the same dual-stack socket failed (exit $rc4)"

dpdk_stop_echo TERM
dpdk_expect_totals $((N6 + N4)) $((N6 + N4)) 0
dpdk_expect_no_drops
dpdk_expect_no_dad_conflict
echo "PASS: dpdk_echo6_kernel"
