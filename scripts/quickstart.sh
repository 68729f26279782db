#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Quick start on a fresh Debian 12 machine: install the build dependencies,
# build dpgram in ./build, start dpgram-echo (kernel backend) on 127.0.0.1,
# send it 5 datagrams with dpgram-client, stop it and show its totals.
#
# usage: sudo bash scripts/quickstart.sh      (works from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

say "installing the build dependencies (if missing)"
ensure_packages meson ninja-build pkg-config gcc libdpdk-dev dpdk-dev libcmocka-dev

say "building dpgram in ./build"
# shellcheck disable=SC2119 # no options: meson's defaults
configure_build
run meson compile -C build

say "starting dpgram-echo on 127.0.0.1 (kernel backend, a free port)"
log=$(mktemp)
build/apps/dpgram-echo --backend kernel --bind 127.0.0.1 --port 0 >"$log" 2>&1 &
echo_pid=$!
trap 'kill -KILL "$echo_pid" 2>/dev/null || true; rm -f "$log"' EXIT
port=
for ((i = 0; i < 100; i++)); do
	line=$(grep -m1 'listening on ' "$log" || true)
	if [[ -n $line ]]; then
		port=${line##*:}
		port=${port%% *}
		break
	fi
	kill -0 "$echo_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $port ]]; then
	cat "$log" >&2
	die "dpgram-echo did not start"
fi
echo "$line"

say "sending 5 datagrams with dpgram-client"
client_rc=0
run build/apps/dpgram-client --backend kernel --to "127.0.0.1:$port" --count 5 || client_rc=$?

say "stopping dpgram-echo (SIGINT); its totals:"
kill -INT "$echo_pid"
echo_rc=0
wait "$echo_pid" || echo_rc=$?
grep -v 'listening on ' "$log" || true
trap 'rm -f "$log"' EXIT

if [[ $client_rc -ne 0 || $echo_rc -ne 0 ]]; then
	die "quick start failed (dpgram-client exit $client_rc, dpgram-echo exit $echo_rc)"
fi
say "done: both ends ran on dpgram. Next: sudo bash scripts/test.sh, docs/getting-started.md"
