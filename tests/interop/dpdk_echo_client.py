# SPDX-License-Identifier: BSD-3-Clause
"""A Linux-kernel UDP client for the DPDK-backend echo tests (stdlib only).

usage: dpdk_echo_client.py HOST PORT COUNT [WINDOW]

HOST is an IPv4 or an IPv6 address (AF_INET or AF_INET6 socket). Sends
COUNT datagrams whose sizes cycle through 0..1472 for IPv4, 0..1452 for
IPv6 (the largest payloads that fit a 1500-byte MTU unfragmented: 20 or 40
bytes of IP header, 8 of UDP), with at most WINDOW (default 32) awaiting a
reply -- just one until the first reply, so that a single datagram waits in
the kernel while ARP or Neighbour Discovery resolves the stack's MAC --
and requires every reply to be byte-for-byte what was sent, in order:
net_tap and the echo server are both FIFO and nothing is lost on a wire
that is a kernel queue, so the first difference is a real failure (lost,
reordered or altered). Bounded in time: 2 s per reply, 120 s overall.
"""
import collections
import random
import socket
import sys
import time

MAX_PAYLOAD = {socket.AF_INET: 1472, socket.AF_INET6: 1452}
REPLY_TIMEOUT = 2.0
TOTAL_TIMEOUT = 120.0


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def describe_mismatch(reply, inflight):
    """Which sent datagram the reply matches, if any (to name a loss)."""
    for k, (seq, payload) in enumerate(inflight):
        if reply == payload:
            return (f"it is datagram {seq}'s reply: {k} datagram(s) "
                    f"before it were lost or reordered")
    return "it matches no datagram in flight (altered)"


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    window = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    rng = random.Random(2544)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    max_payload = MAX_PAYLOAD[family]
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.connect((host, port))
    inflight = collections.deque()  # (seq, payload)
    sent = got = total = 0
    start = time.monotonic()
    deadline = start + TOTAL_TIMEOUT
    while got < count:
        # One datagram until the first reply: the kernel holds packets
        # for an unresolved neighbour in a small queue and drops the
        # oldest when it overflows, which would look like a loss here.
        limit = window if got > 0 else 1
        while sent < count and len(inflight) < limit:
            payload = rng.randbytes(sent % (max_payload + 1))
            s.send(payload)
            inflight.append((sent, payload))
            sent += 1
        left = deadline - time.monotonic()
        if left <= 0:
            fail(f"{host}:{port}: only {got} of {count} replies in "
                 f"{TOTAL_TIMEOUT:.0f} s")
        s.settimeout(min(REPLY_TIMEOUT, left))
        seq, payload = inflight[0]
        try:
            reply = s.recv(65536)
        except socket.timeout:
            fail(f"{host}:{port}: no reply within {REPLY_TIMEOUT} s to "
                 f"datagram {seq} ({len(payload)} bytes); {got} of {count} "
                 f"came back, {len(inflight)} in flight")
        except ConnectionRefusedError:
            fail(f"{host}:{port}: ICMP port unreachable at datagram {seq}: "
                 f"nothing listening")
        if reply != payload:
            fail(f"{host}:{port}: reply {got}: want datagram {seq} "
                 f"({len(payload)} bytes), got {len(reply)} bytes; "
                 f"{describe_mismatch(reply, inflight)}")
        inflight.popleft()
        got += 1
        total += len(payload)
    secs = time.monotonic() - start
    print(f"ok: {host}:{port}: {count} datagrams of 0 to "
          f"{min(count - 1, max_payload)} bytes ({total} in all, window "
          f"{window}) came back byte-exact and in order in {secs:.2f} s")


if __name__ == "__main__":
    main()
