#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpgram's IGMPv3 and MLDv2 host against the Linux bridge as the querier.
# In a private network namespace, br0 is a bridge with multicast snooping
# and its own IGMPv3/MLDv2 querier (general queries every 2 s, Max Resp Time
# 1 s), addresses 198.18.0.1/24 and fd00:dc::1/64; dpg0 (net_tap's kernel
# side) is its port. mcast_steps (tests/interop/mcast_steps.c) runs on the
# DPDK backend and changes memberships on command, IPv4 and IPv6 side by
# side: join G1; join (S1, G2); add source S2 and drop S1 (a filter
# change); leave G1; drop S2 (leave G2). tshark captures dpg0. Checked:
#  - every IGMP frame of the stack is an IGMPv3 report (type 0x22) to
#    224.0.0.22 with TTL 1 and the Router Alert option, good checksum; every
#    MLD report of the stack is MLDv2 (143) to ff02::16 from its link-local
#    address with hop limit 1 and a hop-by-hop Router Alert (MLD); tshark
#    has no expert warning or error and no malformed frame;
#  - the records of each change (mcast_querier_check.py): TO_EX{} on join,
#    ALLOW{S1} (or TO_IN{S1}) on the source-specific join, ALLOW{S2} and
#    BLOCK{S1} on the filter change, TO_IN{} on leave, BLOCK{S2} on the
#    last source's leave; every general query while a group is joined
#    answered within its Max Resp Time by current-state records (IS_EX{G1},
#    IS_IN{G2: S1}, later {S2}; over IPv6 also IS_EX of the solicited-node
#    group ff02::1:ff00:2); none for the groups left afterwards;
#  - the bridge learnt the memberships (bridge mdb: dpg0 in G1 and G2,
#    gone again after the leaves) and so forwards the kernel's datagrams
#    to G1 into dpg0 while joined (5 arrive, IPv4 and IPv6), none after;
#  - mcast_steps exits 0 with its counters (igmp/mld reports and queries
#    moved) and every mbuf back in its pool.
# Skips (77) without root, /dev/net/tun or the kernel's bridge.
#
# usage: dpdk_mcast_querier.sh PATH/TO/dpgram-echo PATH/TO/mcast_steps
set -euo pipefail

# shellcheck disable=SC2034 # dpdk_require checks it
ECHO=${1:?usage: dpdk_mcast_querier.sh PATH/TO/dpgram-echo PATH/TO/mcast_steps}
STEPS=${2:?usage: dpdk_mcast_querier.sh PATH/TO/dpgram-echo PATH/TO/mcast_steps}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
G1=239.1.2.3 G2=232.1.2.3 S1=198.18.0.9 S2=198.18.0.10
H1=ff15::dc:1 H2=ff35::dc:1 T1=fd00:dc::9 T2=fd00:dc::a
PORT=5000
BR_MAC=02:dc:00:00:00:01    # br0
PORT_MAC=02:dc:00:00:00:fe  # dpg0's kernel side, a bridge port
SLACK_MS=100   # poll and capture timestamps, beyond the Max Resp Time
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/mcast_lib.sh
source "$HERE/mcast_lib.sh"
# shellcheck source=tests/interop/tshark_lib.sh
source "$HERE/tshark_lib.sh"

dpdk_require "$PY" tshark bridge timeout
[[ -x $STEPS ]] || fail "no mcast_steps at '$STEPS'"
dpdk_setup querier ipv6
STEPS_LOG=$TMP/steps.txt

# --- the bridge and its querier -------------------------------------------
# A kernel without bridge support (a container that cannot load modules)
# is a machine that lacks something, like /dev/net/tun: skip.
ns ip link add br0 type bridge 2>/dev/null ||
	skip "the kernel cannot create a bridge (modprobe bridge): no querier to test against"
ns ip link del br0
# iproute2 takes the bridge's times in centiseconds (ip -d link shows them).
echo "+ ip link add br0 type bridge (snooping, IGMPv3/MLDv2 querier, queries every 2 s, Max Resp 1 s)"
ns ip link add br0 type bridge mcast_snooping 1 mcast_querier 1 mcast_query_use_ifaddr 1 \
	mcast_igmp_version 3 mcast_mld_version 2 \
	mcast_query_interval 200 mcast_query_response_interval 100 \
	mcast_startup_query_interval 100 mcast_startup_query_count 2 \
	mcast_last_member_interval 100 mcast_last_member_count 2 ||
	fail "cannot create the querier bridge"
# A MAC of its own: a bridge takes its first port's otherwise, and dpg0's
# kernel side has the stack's MAC (net_tap gives both sides the port's).
ns ip link set br0 address "$BR_MAC"
ns sysctl -qw net.ipv6.conf.br0.disable_ipv6=0 net.ipv6.conf.br0.accept_dad=0
ns ip addr add "$KERNEL_ADDR/$KERNEL_PREFIX" dev br0
ns ip -6 addr add "$KERNEL_ADDR6/$KERNEL_PREFIX6" dev br0 nodad
ns ip link set br0 up
echo "bridge: $(ns ip -d link show br0 | grep -o 'mcast_[a-z_]* [0-9]*' | tr '\n' ' ')"

# --- mcast_steps on the DPDK backend, its commands through a FIFO ---------
mkfifo "$TMP/steps.in"
exec 3<>"$TMP/steps.in"
# shellcheck disable=SC2034 # read by mcast_start
PROG_STDIN=$TMP/steps.in
# State-change reports 300 ms apart at most: each step is over sooner.
# shellcheck disable=SC2034 # read by mcast_start
MCAST_INI_EXTRA=$'[mcast]\nreport_ms = 300'
mcast_start steps "$STEPS" --port "$PORT"
# dpg0's kernel side leaves the stack's MAC to the stack: with it, the
# bridge would take the stack's frames for its own.
echo "+ ip link set dpg0 address $PORT_MAC master br0"
ns ip link set "$DPG_IFACE" address "$PORT_MAC"
ns ip link set "$DPG_IFACE" master br0
ns ip link set "$DPG_IFACE" up
tshark_start_capture

# say CMD: one command; waits (5 s at most) for its "ok" line.
say() {
	local n i
	n=$(grep -c '^\(ok\|error\) ' "$PROG_OUT" || true)
	echo "> $1"
	echo "$1" >&3
	for ((i = 0; i < 100; i++)); do
		(($(grep -c '^\(ok\|error\) ' "$PROG_OUT" || true) > n)) && break
		sleep 0.05
	done
	grep -q "^ok $1\$" "$PROG_OUT" ||
		fail "mcast_steps: '$1' failed: $(grep '^\(ok\|error\) ' "$PROG_OUT" | tail -n1)"
}

# counters: IR IQ MR MQ (igmp reports / queries, mld reports / queries)
# from a fresh "stats" line.
counters() {
	local n i line
	n=$(grep -c '^stats ' "$PROG_OUT" || true)
	echo stats >&3
	for ((i = 0; i < 100; i++)); do
		(($(grep -c '^stats ' "$PROG_OUT" || true) > n)) && break
		sleep 0.02
	done
	line=$(grep '^stats ' "$PROG_OUT" | tail -n1)
	read -r _ _ IR _ IQ _ MR _ MQ _ <<<"$line"
}

# wait_for WHAT COND: poll the counters until the arithmetic COND holds
# (10 s at most).
wait_for() {
	local what=$1 cond=$2 i
	for ((i = 0; i < 200; i++)); do
		counters
		(("$cond")) && return 0
		sleep 0.05
	done
	fail "$what: not within 10 s ($cond; igmp reports $IR queries $IQ, mld reports $MR queries $MQ)"
}

# mark LABEL: the time a step starts or ends, for mcast_querier_check.py.
mark() {
	echo "$1 $(date +%s.%N)" >>"$STEPS_LOG"
}

# step LABEL CMD...: mark, run the commands, wait for each family's
# state-change reports (robustness 2: two each), mark LABEL_done.
step() {
	local label=$1 ir mr c
	shift
	counters
	ir=$IR mr=$MR
	mark "$label"
	for c in "$@"; do
		say "$c"
	done
	wait_for "the state-change reports of '$*'" "IR >= ir + 2 && MR >= mr + 2"
	mark "${label}_done"
}

# query LABEL: mark, then wait for the next queries of the bridge (IGMP
# and MLD, sent together) and after them for a report of each family: the
# answers, so that the next step comes after them (a late one is still
# judged by the state it carries, see mcast_querier_check.py).
query() {
	local iq mq ir mr
	counters
	# shellcheck disable=SC2034 # read by wait_for's condition
	iq=$IQ mq=$MQ
	mark "$1"
	wait_for "a query of each family" "IQ > iq && MQ > mq"
	# shellcheck disable=SC2034 # read by wait_for's condition
	ir=$IR mr=$MR
	wait_for "the stack's answers to the queries" "IR > ir && MR > mr"
}

# quiet_query: wait for the next general query of each family, then for
# its Max Resp Time (1 s) and the slack: an answer that must not come has
# no event to wait for.
quiet_query() {
	local iq mq
	counters
	# shellcheck disable=SC2034 # read by wait_for's condition
	iq=$IQ mq=$MQ
	wait_for "a query of each family" "IQ > iq && MQ > mq"
	sleep 1.1 # Max Resp Time 1 s + SLACK_MS
}

# mdb_has GROUP: the bridge's multicast database has dpg0 in GROUP.
mdb_has() {
	ns bridge mdb show dev br0 | grep -q "port $DPG_IFACE grp $1\b"
}

# kernel_sends GROUP FROM: 5 datagrams from the bridge's own address.
kernel_sends() {
	peer send --to "$1" --port "$PORT" --count 5 --from "$2" --ifname br0 >/dev/null
}

from_count() {
	grep -c "^from \[\?$1\]\?:" "$PROG_OUT" || true
}

step join "join $G1" "join $H1"
query q1
step ssm1 "ssm $S1 $G2" "ssm $T1 $H2"
query q2
if ! { mdb_has "$G1" && mdb_has "$G2" && mdb_has "$H1" && mdb_has "$H2"; }; then
	fail "the bridge did not learn dpg0's memberships: $(ns bridge -d mdb show dev br0)"
fi
echo "ok: the bridge learnt dpg0 in $G1, $G2, $H1, $H2:"
ns bridge -d mdb show dev br0 | grep "port $DPG_IFACE" | sed 's/^/  /'
echo "+ the kernel sends 5 datagrams to $G1 and 5 to $H1 through br0"
kernel_sends "$G1" "$KERNEL_ADDR"
kernel_sends "$H1" "$KERNEL_ADDR6"
for ((i = 0; i < 100; i++)); do
	(($(from_count "$KERNEL_ADDR") >= 5 && $(from_count "$KERNEL_ADDR6") >= 5)) && break
	sleep 0.05
done
[[ $(from_count "$KERNEL_ADDR") -eq 5 && $(from_count "$KERNEL_ADDR6") -eq 5 ]] ||
	fail "through the snooping bridge: $(from_count "$KERNEL_ADDR") of 5 to $G1, $(from_count "$KERNEL_ADDR6") of 5 to $H1 arrived"
echo "ok: the snooping bridge forwarded the 5 + 5 datagrams to the stack's groups"
step ssm2 "ssm $S2 $G2" "ssm $T2 $H2"
step unssm1 "unssm $S1 $G2" "unssm $T1 $H2"
query q3
step leave "leave $G1" "leave $H1"
step unssm2 "unssm $S2 $G2" "unssm $T2 $H2"
# The bridge ages dpg0 out after its last-member queries (2 x 1 s).
for ((i = 0; i < 100; i++)); do
	mdb_has "$G1" || mdb_has "$G2" || mdb_has "$H1" || mdb_has "$H2" || break
	sleep 0.1
done
if mdb_has "$G1" || mdb_has "$G2" || mdb_has "$H1" || mdb_has "$H2"; then
	fail "dpg0 still in the bridge's groups 10 s after the leaves: $(ns bridge -d mdb show dev br0)"
fi
echo "ok: the bridge removed dpg0 from every group after the leaves"
kernel_sends "$G1" "$KERNEL_ADDR"
kernel_sends "$H1" "$KERNEL_ADDR6"
quiet_query
mark end
[[ $(from_count "$KERNEL_ADDR") -eq 5 && $(from_count "$KERNEL_ADDR6") -eq 5 ]] ||
	fail "datagrams to groups left still arrived: $(from_count "$KERNEL_ADDR") and $(from_count "$KERNEL_ADDR6") from the kernel (want 5 and 5)"
echo "ok: nothing arrives for the groups left"
tshark_stop_capture
echo quit >&3
mcast_wait_exit 15
for c in 'igmp reports' 'igmp queries' 'mld reports' 'mld queries'; do
	[[ $(mcast_stat "$c") -gt 0 ]] || fail "counter '$c' is $(mcast_stat "$c")"
done
echo "ok: the stack counted its reports and the queries it acted on"

# --- what tshark says ------------------------------------------------------
tshark_dissect
tshark_expect_no_expert
tshark_expect_no_bad_checksum
expect "_ws.malformed" == 0 "malformed frames"
MAC=$(tshark -r "$CAP" -Y "ip.src == $DPG_ADDR" -T fields -e eth.src 2>/dev/null | head -n1)
[[ -n $MAC ]] || fail "no frame from $DPG_ADDR in the capture"
echo "the stack's MAC: $MAC"
MINE="eth.src == $MAC"
expect "$MINE && igmp" '>=' 8 "IGMP frames from the stack"
expect "$MINE && igmp && !(igmp.version == 3 && igmp.type == 0x22 && ip.src == $DPG_ADDR && ip.dst == 224.0.0.22 && ip.ttl == 1 && ip.opt.type == 148 && igmp.checksum.status == 1)" \
	== 0 "stack IGMP frames that are not IGMPv3 reports from $DPG_ADDR to 224.0.0.22, TTL 1, Router Alert, good checksum"
expect "$MINE && icmpv6.type == 143" '>=' 8 "MLDv2 reports from the stack"
expect "$MINE && icmpv6.type in {130,131,132,143} && !(icmpv6.type == 143 && ipv6.dst == ff02::16 && ipv6.src == fe80::/10 && ipv6.hlim == 1 && ipv6.opt.router_alert == 0 && icmpv6.checksum.status == 1)" \
	== 0 "stack MLD frames that are not MLDv2 reports to ff02::16 from a link-local address, hop limit 1, Router Alert (MLD), good checksum"
expect "$MINE && icmpv6.type == 143 && ipv6.hopopts.nxt != 58" == 0 "MLD reports whose hop-by-hop header is not followed by ICMPv6"
echo "+ mcast_querier_check.py (records and timing)"
if ! "$PY" "$HERE/mcast_querier_check.py" "$CAP" "$STEPS_LOG" "$MAC" "$SLACK_MS" \
	G1="$G1" G2="$G2" S1="$S1" S2="$S2" H1="$H1" H2="$H2" T1="$T1" T2="$T2" \
	SN6=ff02::1:ff00:2; then
	problem "the stack's reports do not follow its membership changes and the queries (above)"
fi
tshark_verdict dpdk_mcast_querier "igmp || icmpv6.type in {130,143}" "IGMP and MLD"
