# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Sourced by dpdk_tshark.sh and dpdk_tshark6.sh, after dpdk_lib.sh: tshark
# captures on the kernel side of dpg0 while a test runs, then judges the
# capture. Every check prints its ok or PROBLEM line; the problems fail the
# test at the end (tshark_verdict), so that all of them are shown.
#
# Usage, in a test (after dpdk_setup and dpdk_start_echo):
#   source "$HERE/tshark_lib.sh"
#   READ_OPTS+=(-o udp.check_checksum:TRUE)  # the test's own tshark -r options
#   tshark_start_capture              # CAP, TSHARK_PID: tshark -i dpg0 in NS
#   ns ping ...                       # the traffic to judge
#   tshark_stop_capture               # SIGINT; CAP is not empty
#   tshark_dissect                    # TMP/dissect.txt: the -V dissection
#   tshark_expect_no_expert           # no expert warning or error
#   tshark_expect_no_bad_checksum     # no bad checksum in the dissection
#   expect FILTER OP N WHAT           # the number of frames matching FILTER
#   problem MESSAGE                   # a check of the test's own failed
#   tshark_verdict NAME [FILTER WHAT] # fail with the dissection, or PASS: NAME
#
# Globals: CAP (the capture file), TSHARK_PID, READ_OPTS (the options of
# every tshark -r), PROBLEMS (how many checks failed so far).

CAP=
TSHARK_PID=
PROBLEMS=0
# The echo port is also Wireshark's AFS (RX) port, and random payloads set
# off UDP heuristics (RTCP): read the echo datagrams as plain data.
READ_OPTS=(-d "udp.port==$ECHO_PORT,data")

# tshark_start_capture: tshark captures every frame on dpg0 (inside NS) into
# CAP; returns once it says it is capturing.
tshark_start_capture() {
	local i
	CAP=$TMP/dpg0.pcapng
	echo "+ tshark -i $DPG_IFACE -w $CAP (in $NS)"
	# -a duration: the capture stops on its own if the test never gets to.
	ip netns exec "$NS" tshark -i "$DPG_IFACE" -w "$CAP" -q -a duration:120 \
		>"$TMP/tshark.out" 2>"$TMP/tshark.err" &
	TSHARK_PID=$!
	track "$TSHARK_PID"
	for ((i = 0; i < 100; i++)); do
		grep -q 'Capturing on' "$TMP/tshark.err" && break
		kill -0 "$TSHARK_PID" 2>/dev/null || fail "tshark exited: $(cat "$TMP/tshark.err")"
		sleep 0.1
	done
	grep -q 'Capturing on' "$TMP/tshark.err" || fail "tshark did not start capturing within 10 s"
	sleep 0.5
}

# tshark_stop_capture: stop the capture (SIGINT, as at a terminal) once the
# last frames are in; it must stop within 10 s and have captured something.
tshark_stop_capture() {
	local i
	sleep 1 # let the last frames reach the capture file
	kill -INT "$TSHARK_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TSHARK_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TSHARK_PID" 2>/dev/null && fail "tshark still running 10 s after SIGINT"
	wait "$TSHARK_PID" || true
	[[ -s $CAP ]] || fail "empty capture: $(cat "$TMP/tshark.err")"
}

# tshark_dissect: the full dissection (-V) of CAP into TMP/dissect.txt, kept
# for the log on failure; prints how many frames were captured.
tshark_dissect() {
	local frames
	tshark -r "$CAP" -V "${READ_OPTS[@]}" >"$TMP/dissect.txt" 2>"$TMP/dissect.err" ||
		fail "tshark -r failed: $(cat "$TMP/dissect.err")"
	frames=$(tshark -r "$CAP" "${READ_OPTS[@]}" 2>/dev/null | wc -l)
	echo "captured $frames frames"
}

# problem MESSAGE: report, fail at the end (so that every check is shown).
problem() {
	echo "PROBLEM: $*" >&2
	PROBLEMS=$((PROBLEMS + 1))
}

# expect FILTER OP N WHAT: the number of frames matching FILTER. A filter
# tshark rejects is a failure, never a count of 0.
expect() {
	local filter=$1 op=$2 want=$3 what=$4 n
	tshark -r "$CAP" "${READ_OPTS[@]}" -Y "$filter" >"$TMP/match.txt" 2>"$TMP/match.err" ||
		fail "tshark rejected the filter '$filter': $(grep -v 'Running as user' "$TMP/match.err")"
	n=$(wc -l <"$TMP/match.txt")
	if (("n $op want")); then
		echo "ok: $what: $n"
	else
		problem "$what: $n frames match '$filter', want $op $want"
		head -n 5 "$TMP/match.txt" >&2
	fi
}

# tshark_expect_no_expert: tshark's expert info has no item of severity
# warning or error, for any frame (else: the items, and which frames).
tshark_expect_no_expert() {
	tshark -r "$CAP" -q -z expert,warn "${READ_OPTS[@]}" >"$TMP/expert.txt" 2>/dev/null
	if grep -Eq '^(Errors|Warns) \(' "$TMP/expert.txt"; then
		problem "tshark expert info has warnings or errors:"
		grep -v '^$' "$TMP/expert.txt" >&2
		tshark -r "$CAP" "${READ_OPTS[@]}" \
			-Y '_ws.expert.severity >= "Warning"' 2>/dev/null | head -n 20 >&2
	else
		echo "ok: tshark expert info: no warning, no error"
	fi
}

# tshark_expect_no_bad_checksum: no checksum of any frame is bad in the -V
# dissection (else: the headers around each bad one).
tshark_expect_no_bad_checksum() {
	local bad
	bad=$(grep -ci 'checksum status: bad' "$TMP/dissect.txt" || true)
	if [[ $bad -eq 0 ]]; then
		echo "ok: no bad checksum in the -V dissection"
	else
		problem "$bad bad checksums in the -V dissection:"
		grep -i -B30 'checksum status: bad' "$TMP/dissect.txt" |
			grep -E '^Frame|Internet Protocol|User Datagram|Internet Control|status' >&2 || true
	fi
}

# tshark_verdict NAME [FILTER WHAT]: after every check, fail if any found a
# problem, showing the frames matching FILTER (the WHAT frames) and the start
# of the -V dissection; else print PASS: NAME.
tshark_verdict() {
	local name=$1 filter=${2:-} what=${3:-}
	if [[ $PROBLEMS -gt 0 ]]; then
		if [[ -n $filter ]]; then
			echo "--- tshark of the $what frames ---" >&2
			tshark -r "$CAP" "${READ_OPTS[@]}" -Y "$filter" 2>/dev/null | head -n 60 >&2
		fi
		echo "--- tshark -V of the capture (first 400 lines) ---" >&2
		head -n 400 "$TMP/dissect.txt" >&2
		fail "$PROBLEMS problem(s) in the capture"
	fi
	echo "PASS: $name"
}
