#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Multicast between dpgram on the DPDK backend and the Linux kernel, over
# net_tap in a private network namespace, IPv4 (default) or IPv6 (last
# argument 6). One dpgram-mcast at a time, each with dpg0 freshly made:
#  A. kernel -> dpgram, any-source: dpgram-mcast recv --group G joins; the
#     kernel sends 5 datagrams to another group (which must not arrive), 10
#     with IP(V6)_MULTICAST_IF naming dpg0 and 10 that the route sends
#     there; recv --count 20 must print exactly the 20 to G, and the 5 be
#     dropped (by the MAC filter or as not joined).
#  B. kernel -> dpgram, source-specific: recv --group G --source K1; the
#     kernel sends 20 datagrams from K1 and 20 from a second address K2 of
#     dpg0, interleaved (K2 first); exactly K1's 20 arrive, and K2's are
#     dropped under a multicast drop counter.
#  C. dpgram -> kernel, any-source: dpgram-mcast send --ttl 3 --iface
#     (dpgram's address, or ::%dpg0); a kernel socket joined on dpg0
#     receives 20 datagrams from dpgram's address, TTL / hop limit 3
#     (IP_RECVTTL / IPV6_RECVHOPLIMIT), numbered in order.
#  D. dpgram -> kernel, source-specific: the kernel joins (dpgram's
#     address, G'); 20 datagrams arrive with the default TTL / hop limit 1.
# Every run ends with exit 0, its totals and counters, and every mbuf back.
#
# usage: dpdk_mcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]
set -euo pipefail

# shellcheck disable=SC2034 # dpdk_require checks it
ECHO=${1:?usage: dpdk_mcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]}
MCAST=${2:?usage: dpdk_mcast.sh PATH/TO/dpgram-echo PATH/TO/dpgram-mcast [4|6]}
FAMILY=${3:-4}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=20
# shellcheck source=tests/interop/dpdk_lib.sh
source "$HERE/dpdk_lib.sh"
# shellcheck source=tests/interop/mcast_lib.sh
source "$HERE/mcast_lib.sh"

if [[ $FAMILY == 6 ]]; then
	G_ASM=ff15::dc:1      # site-local, transient
	G_OTHER=ff15::dc:99   # never joined
	G_SSM=ff35::dc:1      # in the SSM range ff3x::/96
	K1=$KERNEL_ADDR6 K2=fd00:dc::3 D=$DPG_ADDR6
	K2_ADD=(ip -6 addr add "$K2/$KERNEL_PREFIX6" dev "$DPG_IFACE" nodad)
	D_IFACE=::%$DPG_IFACE # dpgram's interface argument
	ROUTE=()              # dpg0 is the namespace's only IPv6 interface
	SETUP=(mcast6 ipv6)
else
	G_ASM=239.1.2.3 G_OTHER=239.1.2.99 G_SSM=232.1.2.3
	K1=$KERNEL_ADDR K2=198.18.0.3 D=$DPG_ADDR
	K2_ADD=(ip addr add "$K2/$KERNEL_PREFIX" dev "$DPG_IFACE")
	D_IFACE=$DPG_ADDR
	ROUTE=(ip route add 224.0.0.0/4 dev "$DPG_IFACE")
	SETUP=(mcast)
fi

dpdk_require "$PY" timeout
[[ -x $MCAST ]] || fail "no dpgram-mcast at '$MCAST'"
dpdk_setup "${SETUP[@]}"

echo "=== A. kernel -> dpgram-mcast recv --group $G_ASM (any-source)"
mcast_start recv-asm "$MCAST" recv --group "$G_ASM" --iface "$D_IFACE" --port 5000 --count "$N"
mcast_kernel_side
peer send --to "$G_OTHER" --port 5000 --count 5 --from "$K1"
peer send --to "$G_ASM" --port 5000 --count $((N / 2)) --from "$K1"
if ((${#ROUTE[@]})); then
	echo "+ ${ROUTE[*]}"
	ns "${ROUTE[@]}"
fi
peer send --no-if --to "$G_ASM" --port 5000 --count $((N / 2)) --from "$K1"
mcast_wait_exit 15
mcast_expect_from "$N" "$K1"
other=$(($(mcast_drop eth_not_for_us) + $(mcast_drop mcast_not_member)))
((other >= 5)) || fail "5 datagrams to $G_OTHER (not joined), $other counted under eth_not_for_us/mcast_not_member"
echo "ok: the 5 datagrams to $G_OTHER dropped (eth_not_for_us + mcast_not_member: $other)"

echo "=== B. kernel -> dpgram-mcast recv --group $G_SSM --source $K1 (source-specific)"
mcast_start recv-ssm "$MCAST" recv --group "$G_SSM" --source "$K1" --port 5000 --count "$N"
mcast_kernel_side
echo "+ ${K2_ADD[*]}"
ns "${K2_ADD[@]}"
peer send --to "$G_SSM" --port 5000 --count "$N" --from "$K2,$K1"
mcast_wait_exit 15
mcast_expect_from "$N" "$K1"
excluded=$(($(mcast_drop mcast_not_member) + $(mcast_drop udp_mcast_no_socket)))
((excluded >= N)) ||
	fail "$N datagrams from $K2 (not a listed source), $excluded counted under mcast_not_member/udp_mcast_no_socket"
echo "ok: the $N datagrams from $K2 dropped (mcast_not_member + udp_mcast_no_socket: $excluded)"

echo "=== C. dpgram-mcast send --group $G_ASM --ttl 3 --iface $D_IFACE -> kernel member on $DPG_IFACE"
mcast_start send-asm "$MCAST" send --group "$G_ASM" --port 5001 --ttl 3 --iface "$D_IFACE" \
	--count 3000 --rate 200
mcast_kernel_side
peer recv --group "$G_ASM" --port 5001 --count "$N" --expect-from "$D" --expect-ttl 3 ||
	fail "the kernel member did not get $N datagrams from $D with TTL 3 (exit $?)"
mcast_stop TERM
grep -q '^totals: sent [1-9][0-9]*, failed 0$' "$PROG_OUT" || fail "send failures: $(grep '^totals' "$PROG_OUT")"

echo "=== D. dpgram-mcast send --group $G_SSM -> kernel member of ($D, $G_SSM)"
mcast_start send-ssm "$MCAST" send --group "$G_SSM" --port 5001 --count 3000 --rate 200
mcast_kernel_side
peer recv --group "$G_SSM" --source "$D" --port 5001 --count "$N" --expect-from "$D" --expect-ttl 1 ||
	fail "the kernel's source-specific member did not get $N datagrams from $D with TTL 1 (exit $?)"
mcast_stop TERM
grep -q '^totals: sent [1-9][0-9]*, failed 0$' "$PROG_OUT" || fail "send failures: $(grep '^totals' "$PROG_OUT")"

echo "PASS: dpdk_mcast (IPv$FAMILY)"
