#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpgram-echo with Node's dgram as the client: one dual-stack server
# (--bind ::), a udp4 socket and a udp6 socket each sending 1000 datagrams
# of varied sizes over loopback and checking every reply byte for byte.
# Exits 77 (skipped) without node.
#
# usage: echo_node.sh PATH/TO/dpgram-echo
set -euo pipefail

# shellcheck disable=SC2034 # used by echo_lib.sh
ECHO=${1:?usage: echo_node.sh PATH/TO/dpgram-echo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=1000

if ! command -v node >/dev/null; then
	echo "SKIP: node is not installed (apt-get install nodejs)"
	exit 77
fi
# shellcheck source=tests/interop/echo_lib.sh
source "$HERE/echo_lib.sh"

echo "node $(node --version)"
if have_ipv6_loopback; then
	start_echo node --bind :: --port 0
	timeout 90 node "$HERE/echo_node.js" udp4 127.0.0.1 "$ECHO_PORT" "$N"
	timeout 90 node "$HERE/echo_node.js" udp6 ::1 "$ECHO_PORT" "$N"
	stop_echo TERM $((2 * N))
else
	echo "note: ::1 is not configured; udp4 only"
	start_echo node --bind 127.0.0.1 --port 0
	timeout 90 node "$HERE/echo_node.js" udp4 127.0.0.1 "$ECHO_PORT" "$N"
	stop_echo TERM "$N"
fi
echo "PASS: echo_node"
