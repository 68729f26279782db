#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Linux kernel's UDP sockets against dpgram-echo on the DPDK backend:
# net_tap in a private network namespace, a Python (stdlib) socket on the
# kernel side of dpg0 sends 10,000 datagrams of 0..1472 bytes (cycling), at
# most 32 in flight, and every one comes back byte-exact and in order. Then
# SIGTERM: exit 0, totals 10000/10000/0, no drop, every mbuf back.
#
# usage: dpdk_echo_kernel.sh PATH/TO/dpgram-echo
set -euo pipefail

ECHO=${1:?usage: dpdk_echo_kernel.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
N=10000
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"

dpdk_require "$PY" timeout
dpdk_setup echo-kernel
# shellcheck disable=SC2119 # no extra flags: dpgram-echo's defaults
dpdk_start_echo

echo "+ python3 dpdk_echo_client.py $DPG_ADDR $ECHO_PORT $N (in $NS)"
ns timeout 150 "$PY" "$HERE/dpdk_echo_client.py" "$DPG_ADDR" "$ECHO_PORT" "$N" ||
	fail "the kernel-socket client failed (exit $?)"

dpdk_stop_echo TERM
dpdk_expect_totals "$N" "$N" 0
dpdk_expect_no_drops
echo "PASS: dpdk_echo_kernel"
