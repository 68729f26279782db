# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Sourced by the dpdk_*.sh interop tests: dpgram-echo on the DPDK backend
# over net_tap, inside a network namespace the test creates and deletes, with
# the Linux kernel of that namespace as the peer on the other side of dpg0.
#
#   ns 198.18.0.1/24 (kernel) --dpg0-- net_tap0 198.18.0.2/24 (dpgram)
#      fd00:dc::1/64 (ipv6 tests)          fd00:dc::2/64, fe80::EUI-64
#
# Nothing touches the host's own network: the tap interface is created by
# the DPDK process inside the namespace and dies with it.
#
# Usage, in a test:
#   ECHO=path/to/dpgram-echo
#   source "$HERE/dpdk_lib.sh"
#   dpdk_require tshark            # exit 77 without root or /dev/net/tun
#   dpdk_setup ping                # TMP, NS, cleanup trap
#   dpdk_start_echo [ECHO ARGS]    # ECHO_PID, ECHO_OUT, ECHO_ERR; dpg0 configured
#   ns ping -c 1 "$DPG_ADDR"       # a command inside the namespace
#   dpdk_stop_echo TERM            # exit 0, totals, no mbuf left out of the pool
#   dpdk_drop ip4_bad_checksum     # a drop counter from the totals (0 if absent)
#
# The malformed-frame tests also: dpdk_require_scapy PYTHON [PROGRAM...], then
# dpdk_burst PYTHON SCRIPT.py FAILURE ARGS... (scapy sends, the stack survives)
# and dpdk_expect_drops EXPECTED (every drop under its counter).
#
# Globals: ECHO (the binary, set by the caller), TMP, NS, ECHO_PID,
# ECHO_OUT/ECHO_ERR (its stdout/stderr), ECHO_PORT, DPG_ADDR, KERNEL_ADDR,
# DPG_IFACE. DPG_NET_TAP_INI overrides the drivers-cfg file (default: the
# source tree's drivers-cfg/net_tap.ini).
#
# IPv6 is opt-in (`dpdk_setup NAME ipv6`): the kernel side of dpg0 then also
# gets fd00:dc::1/64 (and its link-local address), and the stack answers at
# DPG_ADDR6 (fd00:dc::2) and at its own link-local address (dpdk_stack_mac6,
# dpdk_ll6). The kernel's own multicast chatter on dpg0 (MLD reports) is
# counted from its per-interface SNMP counters, so that the stack's drop
# counters can still be checked exactly (dpdk_expect_no_drops,
# dpdk_expect_drops). The kernel side of dpg0 keeps the MAC net_tap gives
# it, the port's own, as a user's would: dpgram's port layer gives the tap
# interface a random link-local address (addr_gen_mode 3), so the two
# link-local addresses differ, and the stack answers an NS from a unicast
# source whatever its MAC.

# shellcheck disable=SC2034 # globals for the tests that source this file
DPG_ADDR=198.18.0.2      # the stack's address (drivers-cfg/net_tap.ini)
KERNEL_ADDR=198.18.0.1   # the kernel side of dpg0: the stack's gateway
KERNEL_PREFIX=24
DPG_ADDR6=fd00:dc::2     # the stack's IPv6 address (drivers-cfg/net_tap.ini)
KERNEL_ADDR6=fd00:dc::1  # the kernel side of dpg0 (IPv6 tests only)
KERNEL_PREFIX6=64
DPG_IFACE=dpg0
ECHO_PORT=7007
START_TIMEOUT=30         # s: EAL init, tap creation, link wait
STOP_TIMEOUT=15          # s: SIGTERM to exit

_DPDK_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DPG_NET_TAP_INI=${DPG_NET_TAP_INI:-$_DPDK_LIB_DIR/../../drivers-cfg/net_tap.ini}

TMP=
NS=
ECHO_PID=
DPG_IPV6=0               # 1: dpdk_setup NAME ipv6
NOISE6=0                 # the kernel's own MLD/RS frames on dpg0 (dpdk_stop_echo)
_file_prefix=
_pids=()

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# dpdk_require [PROGRAM...]: skip (77) without root or /dev/net/tun, the two
# things a machine may legitimately lack; fail when a tool the test needs is
# missing (scripts/test.sh installs them all).
dpdk_require() {
	local p
	[[ $(id -u) -eq 0 ]] ||
		skip "needs root (network namespaces and a net_tap interface); run as root or with sudo"
	[[ -c /dev/net/tun ]] ||
		skip "no /dev/net/tun: the net_tap driver cannot create dpg0 (modprobe tun, or give the container the device)"
	for p in ip "$@"; do
		command -v "$p" >/dev/null ||
			fail "'$p' is not installed (scripts/test.sh installs the test tools)"
	done
	[[ -x $ECHO ]] || fail "no dpgram-echo at '$ECHO'"
	[[ -r $DPG_NET_TAP_INI ]] || fail "cannot read the net_tap config '$DPG_NET_TAP_INI'"
}

# dpdk_require_scapy PYTHON [PROGRAM...]: dpdk_require PYTHON PROGRAM..., and
# fail unless PYTHON can import scapy, which the malformed-frame tests build
# their frames with.
dpdk_require_scapy() {
	dpdk_require "$@"
	"$1" -c 'import scapy.all' 2>/dev/null ||
		fail "python3 cannot import scapy (apt-get install python3-scapy)"
}

# ns CMD...: run CMD inside the test's namespace. For a background process
# whose pid matters, write `ip netns exec "$NS" CMD &` instead (see
# dpdk_start_echo).
ns() {
	ip netns exec "$NS" "$@"
}

# track PID: kill it at teardown if it is still running.
track() {
	_pids+=("$1")
}

_dpdk_cleanup() {
	local p
	for p in "${_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [[ -n $NS ]]; then
		# Anything left in the namespace was started by this test.
		for p in $(ip netns pids "$NS" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$NS" 2>/dev/null || true
	fi
	# EAL's runtime directory (sockets, config) for our --file-prefix.
	[[ -n $_file_prefix ]] && rm -rf "/var/run/dpdk/$_file_prefix"
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}

# dpdk_setup NAME [ipv6]: scratch directory, a fresh namespace dpg-NAME-PID
# with loopback up and IPv6 off, and the teardown trap.
#
# IPv6 is off so that the kernel sends nothing on its own on dpg0 (router
# solicitations, MLD reports, DAD): the stack's drop counters then count
# exactly what a test sent, and IPv6 stays out of tests that are about IPv4.
#
# With `ipv6`, IPv6 stays off on dpg0 until dpdk_start_echo has seen the
# stack listening (the interface is born with it off), and the defaults dpg0
# inherits keep the kernel as quiet as IPv6 allows: no DAD (the addresses
# are ours and nodad), no router solicitations, no router advertisements
# accepted, and MLD's unsolicited reports (which cannot be turned off: RFC
# 3810 §6.1) sent 50 ms apart instead of up to 1 s, so that they are over
# within a fraction of a second of the addresses appearing.
dpdk_setup() {
	local name=$1
	if [[ ${2:-} == ipv6 ]]; then
		DPG_IPV6=1
	fi
	TMP=$(mktemp -d "/tmp/dpgram-$name.XXXXXX")
	_file_prefix="dpg-$name-$$"
	trap _dpdk_cleanup EXIT
	trap 'exit 130' INT TERM
	NS="dpg-$name-$$"
	ip netns add "$NS" || fail "ip netns add $NS failed"
	ns ip link set lo up
	ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		fail "cannot turn IPv6 off in $NS"
	if ((DPG_IPV6)); then
		# lo keeps IPv6 off: nothing here needs ::1.
		ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.router_solicitations=0 \
			net.ipv6.conf.default.accept_ra=0 \
			net.ipv6.conf.default.mldv2_unsolicited_report_interval=50 ||
			fail "cannot set the IPv6 defaults of $NS"
		echo "namespace: $NS (IPv6 on $DPG_IFACE)"
	else
		echo "namespace: $NS"
	fi
}

# _dpdk_config: a copy of the net_tap config whose [eal] args get a
# --file-prefix of this test's own, so that tests, programs and other EAL
# processes on the machine never share EAL runtime files.
_dpdk_config() {
	local cfg=$TMP/net_tap.ini
	awk -v extra="--file-prefix=$_file_prefix" '
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t\[\]]/, "", sec) }
		sec == "eal" && /^[ \t]*args[ \t]*=/ && !done {
			# keep an inline "; comment" after the arguments
			c = index($0, ";")
			if (c > 0) $0 = substr($0, 1, c - 1) " " extra " " substr($0, c)
			else $0 = $0 " " extra
			done = 1
		}
		{ print }
		END { if (!done) exit 3 }' "$DPG_NET_TAP_INI" >"$cfg" ||
		fail "$DPG_NET_TAP_INI: no 'args =' line in its [eal] section"
	echo "$cfg"
}

# _dpdk_wait_iface: the tap interface appears in the namespace.
_dpdk_wait_iface() {
	local i
	for ((i = 0; i < 50; i++)); do
		ns ip link show "$DPG_IFACE" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "dpgram-echo is listening but there is no $DPG_IFACE in $NS: $(ns ip -br link)"
}

# dpdk_start_echo [ARGS...]: start dpgram-echo --backend dpdk inside the
# namespace (port 7007 unless ARGS say otherwise), wait for its
# "listening on" line, then give the kernel side of dpg0 its address.
dpdk_start_echo() {
	local cfg line i
	cfg=$(_dpdk_config)
	ECHO_OUT=$TMP/echo.out
	ECHO_ERR=$TMP/echo.err
	echo "+ $ECHO --backend dpdk --config $cfg --port $ECHO_PORT $*"
	# Not through ns(): a function in the background is a subshell, and
	# $! must be dpgram-echo itself (ip netns exec execs it) for signals.
	ip netns exec "$NS" "$ECHO" --backend dpdk --config "$cfg" --port "$ECHO_PORT" "$@" \
		>"$ECHO_OUT" 2>"$ECHO_ERR" &
	ECHO_PID=$!
	track "$ECHO_PID"
	for ((i = 0; i < START_TIMEOUT * 10; i++)); do
		line=$(grep -m1 'listening on ' "$ECHO_OUT" || true)
		[[ -n $line ]] && break
		if ! kill -0 "$ECHO_PID" 2>/dev/null; then
			wait "$ECHO_PID" || true
			fail "dpgram-echo --backend dpdk exited before listening:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
		fi
		sleep 0.1
	done
	[[ -n $line ]] ||
		fail "dpgram-echo --backend dpdk did not print 'listening on' within ${START_TIMEOUT} s:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
	echo "started: $line"
	_dpdk_wait_iface
	ns ip addr add "$KERNEL_ADDR/$KERNEL_PREFIX" dev "$DPG_IFACE"
	ns ip link set "$DPG_IFACE" up
	if ((DPG_IPV6)); then
		_dpdk_start_ipv6
	fi
	echo "kernel side: $(ns ip -br addr show dev "$DPG_IFACE")"
}

# _dpdk_start_ipv6: IPv6 on the kernel side of dpg0, now that the stack
# reads every frame: link-local address, fd00:dc::1/64 without DAD. Waits
# until both addresses are there and the kernel's MLD reports for their
# solicited-node groups are over.
_dpdk_start_ipv6() {
	local i conf="net.ipv6.conf.$DPG_IFACE"
	ns sysctl -qw "$conf.accept_dad=0" "$conf.router_solicitations=0" "$conf.accept_ra=0" \
		"$conf.mldv2_unsolicited_report_interval=50" "$conf.disable_ipv6=0" ||
		fail "cannot turn IPv6 on on $DPG_IFACE"
	ns ip -6 addr add "$KERNEL_ADDR6/$KERNEL_PREFIX6" dev "$DPG_IFACE" nodad ||
		fail "cannot give $DPG_IFACE $KERNEL_ADDR6/$KERNEL_PREFIX6"
	for ((i = 0; i < 50; i++)); do
		ns ip -6 addr show dev "$DPG_IFACE" scope link | grep -q 'inet6 fe80::' && break
		sleep 0.1
	done
	ns ip -6 addr show dev "$DPG_IFACE" scope link | grep -q 'inet6 fe80::' ||
		fail "the kernel gave $DPG_IFACE no link-local address: $(ns ip -6 addr show dev "$DPG_IFACE")"
	# Two reports per group (robustness 2), 50 ms apart at most.
	sleep 0.5
}

# dpdk_kernel_noise6: how many frames the kernel's IPv6 sent on dpg0 on its
# own, which no test asked for and the stack may drop: MLD reports (v2 and
# v1) and dones, and router solicitations (off, counted anyway). From the
# kernel's per-interface counters (/proc/net/dev_snmp6), which only count
# the kernel's own IPv6 output: frames sent through packet sockets (scapy)
# are not in them.
dpdk_kernel_noise6() {
	# shellcheck disable=SC2016 # awk's own $1, $2
	ns awk '$1 ~ /^Icmp6Out(MLDv2Reports|GroupMembResponses|GroupMembReductions|RouterSolicits)$/ { n += $2 }
		END { print n + 0 }' "/proc/net/dev_snmp6/$DPG_IFACE" ||
		fail "cannot read the kernel's IPv6 counters of $DPG_IFACE"
}

# dpdk_stack_mac6: the stack's MAC, as the kernel learnt it through Neighbour
# Discovery (one ping to DPG_ADDR6 first; nothing is ever made permanent).
dpdk_stack_mac6() {
	local mac
	ns timeout 10 ping -6 -n -q -c 1 -W 2 "$DPG_ADDR6" >/dev/null ||
		fail "no ping reply from $DPG_ADDR6 (to learn the stack's MAC)"
	mac=$(ns ip -6 neigh show "$DPG_ADDR6" dev "$DPG_IFACE" |
		sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')
	[[ -n $mac ]] || fail "the kernel has no MAC address for $DPG_ADDR6: $(ns ip -6 neigh show dev "$DPG_IFACE")"
	echo "$mac"
}

# dpdk_ll6 MAC: the link-local address the stack forms from MAC (modified
# EUI-64, RFC 4291 §2.5.1 and appendix A), in RFC 5952's canonical text.
dpdk_ll6() {
	local a b c d e f g1
	IFS=: read -r a b c d e f <<<"$1"
	g1=$(((0x$a ^ 0x02) << 8 | 0x$b))
	if ((g1 == 0)); then
		printf 'fe80::%x:%x:%x\n' $((0x$c << 8 | 0xff)) $((0xfe << 8 | 0x$d)) $((0x$e << 8 | 0x$f))
	else
		printf 'fe80::%x:%x:%x:%x\n' "$g1" $((0x$c << 8 | 0xff)) $((0xfe << 8 | 0x$d)) \
			$((0x$e << 8 | 0x$f))
	fi
}

# dpdk_echo_alive: fail if dpgram-echo has died.
dpdk_echo_alive() {
	kill -0 "$ECHO_PID" 2>/dev/null ||
		fail "dpgram-echo died:
$(cat "$ECHO_OUT" "$ECHO_ERR")"
}

# dpdk_burst PYTHON SCRIPT FAILURE [ARG...]: run the scapy SCRIPT with ARGs
# inside the namespace (fail with FAILURE if it fails; scapy's own WARNING
# lines are left out of the log), then check that dpgram-echo survived the
# frames it sent.
dpdk_burst() {
	local py=$1 script=$2 failure=$3
	shift 3
	echo "+ python3 ${script##*/} (in $NS)"
	ns timeout 60 "$py" "$script" "$@" 2> >(grep -v '^WARNING: ' >&2) || fail "$failure"
	sleep 0.5
	dpdk_echo_alive
	echo "ok: dpgram-echo survived the burst"
}

# dpdk_signal_wait PID NAME SIG: send SIG to a dpgram program and wait
# up to STOP_TIMEOUT for it to end (failing the test if it does not);
# its exit status in DPDK_RC (not printed: wait needs this shell).
dpdk_signal_wait() {
	local pid=$1 name=$2 sig=$3 i
	kill "-$sig" "$pid"
	for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null &&
		fail "$name still running ${STOP_TIMEOUT} s after SIG$sig"
	DPDK_RC=0
	wait "$pid" || DPDK_RC=$?
}

# dpdk_exit_checks NAME OUT ERR RC HOW: what every dpgram program owes at
# exit: status 0, its totals and stack counters, and (printed after its
# stack closed, dpg_mbuf_leaks()) every mbuf back in its pool.
dpdk_exit_checks() {
	local name=$1 out=$2 err=$3 rc=$4 how=$5
	[[ $rc -eq 0 ]] || fail "$name exited $rc after $how (want 0)"
	grep -q '^totals: ' "$out" || fail "no totals line after $how"
	grep -q '^stack: ' "$out" || fail "no stack counters line after $how"
	grep -q "^$name: mbuf leaks 0\$" "$out" ||
		fail "mbufs leaked (or no 'mbuf leaks' line): $(grep 'mbuf leaks' "$out" "$err")"
	echo "ok: $name: exit 0 after $how, totals printed, every mbuf back in its pool"
}

# dpdk_stop_echo [SIGNAL]: signal dpgram-echo (TERM by default); it must
# exit 0 within STOP_TIMEOUT after printing its totals, and every mbuf must
# be back in its pool (DESIGN.md §4). Prints what it printed after the
# listening line.
dpdk_stop_echo() {
	local sig=${1:-TERM} rc
	dpdk_echo_alive
	if ((DPG_IPV6)); then
		# dpg0 and its counters vanish with the stack.
		NOISE6=$(dpdk_kernel_noise6)
		echo "the kernel's own IPv6 multicast on $DPG_IFACE (MLD reports): $NOISE6 frames"
	fi
	dpdk_signal_wait "$ECHO_PID" dpgram-echo "$sig"
	rc=$DPDK_RC
	echo "dpgram-echo after SIG$sig (exit $rc):"
	grep -v 'listening on ' "$ECHO_OUT" | sed 's/^/  /' || true
	if [[ -s $ECHO_ERR ]]; then
		echo "dpgram-echo stderr:"
		sed 's/^/  /' "$ECHO_ERR"
	fi
	dpdk_exit_checks dpgram-echo "$ECHO_OUT" "$ECHO_ERR" "$rc" "SIG$sig"
	echo "ok: SIG$sig -> exit 0, every mbuf back in its pool"
}

# dpdk_totals: the totals line.
dpdk_totals() {
	grep -m1 '^totals: ' "$ECHO_OUT"
}

# dpdk_drop NAME: the value of drop counter NAME after dpdk_stop_echo
# (dpgram-echo prints the non-zero ones as "stack drop NAME: N (...)").
dpdk_drop() {
	local v
	v=$(sed -n "s/^stack drop $1: \([0-9][0-9]*\) .*/\1/p" "$ECHO_OUT" | head -n1)
	echo "${v:-0}"
}

# dpdk_stat WORDS: the number after WORDS ("nd adverts") on dpgram-echo's
# "stack:" lines, or nothing when it prints no such counter.
dpdk_stat() {
	sed -n "/^stack: /s/.*\b$1 \([0-9][0-9]*\).*/\1/p" "$ECHO_OUT" | head -n1
}

# dpdk_expect_no_dad_conflict: no own IPv6 address found duplicate (when
# dpgram-echo prints the counter).
dpdk_expect_no_dad_conflict() {
	local n
	n=$(dpdk_stat 'dad conflicts')
	[[ -z $n || $n -eq 0 ]] || fail "dad conflicts $n: the stack found an own address duplicate"
	[[ -n $n ]] && echo "ok: dad conflicts 0"
	return 0
}

# dpdk_drops: "NAME N" for every non-zero drop counter.
dpdk_drops() {
	sed -n 's/^stack drop \([a-z0-9_]*\): \([0-9][0-9]*\) .*/\1 \2/p' "$ECHO_OUT"
}

# dpdk_expect_totals R E D: dpgram-echo's own totals line.
dpdk_expect_totals() {
	local want="totals: received $1, echoed $2, dropped $3" got
	got=$(dpdk_totals)
	[[ $got == "$want" ]] || fail "'$got', want '$want'"
	echo "ok: $got"
}

# dpdk_expect_no_drops: no drop counter moved at all (in IPv6 tests: none
# but the kernel's own multicast, see dpdk_expect_drops).
dpdk_expect_no_drops() {
	local d
	if ((DPG_IPV6)); then
		dpdk_expect_drops /dev/null
		return
	fi
	d=$(dpdk_drops)
	[[ -z $d ]] || fail "unexpected drops: $(echo "$d" | tr '\n' ' ')"
	echo "ok: no drops"
}

# The counters under which a stack may drop the kernel's MLD reports and
# router solicitations (multicast it has not joined, or ICMPv6 types a host
# does not handle).
NOISE6_COUNTERS="eth_not_for_us ip6_not_for_us icmp_unhandled"

# dpdk_expect_drops FILE: after dpdk_stop_echo, the drop counters are
# exactly FILE's ("NAME COUNT" per line), plus in IPv6 tests the kernel's
# own NOISE6 frames: each of them dropped once under one of
# NOISE6_COUNTERS, so that those counters may exceed FILE's counts by
# NOISE6 in all, and no other counter may.
dpdk_expect_drops() {
	local file=$1 name want got mark problems=0 excess=0
	printf '%-20s %8s %8s\n' counter expected got
	while read -r name want; do
		[[ -n $name ]] || continue
		got=$(dpdk_drop "$name")
		mark=
		if [[ " $NOISE6_COUNTERS " == *" $name "* ]] && ((DPG_IPV6 && got > want)); then
			excess=$((excess + got - want))
			mark="  (+$((got - want)) the kernel's multicast)"
		elif [[ $got -ne $want ]]; then
			mark="  <-- MISMATCH"
			problems=$((problems + 1))
		fi
		printf '%-20s %8s %8s%s\n' "$name" "$want" "$got" "$mark"
	done <"$file"
	while read -r name got; do
		grep -q "^$name " "$file" && continue
		if [[ " $NOISE6_COUNTERS " == *" $name "* ]] && ((DPG_IPV6)); then
			excess=$((excess + got))
			printf '%-20s %8s %8s  (the kernel'"'"'s multicast)\n' "$name" 0 "$got"
		else
			printf '%-20s %8s %8s  <-- UNEXPECTED\n' "$name" 0 "$got"
			problems=$((problems + 1))
		fi
	done < <(dpdk_drops)
	if ((excess != NOISE6)); then
		echo "the kernel sent $NOISE6 MLD report(s) or solicitation(s) of its own on $DPG_IFACE;" \
			"$excess drop(s) beyond the expected ones under $NOISE6_COUNTERS"
		problems=$((problems + 1))
	fi
	[[ $problems -eq 0 ]] || fail "$problems drop counter(s) differ from what should have moved"
	if ((NOISE6 > 0)); then
		echo "ok: every drop counted under its reason; the kernel's $NOISE6 own multicast frame(s) dropped once each"
	else
		echo "ok: every drop counted under its reason, nothing else dropped"
	fi
}
