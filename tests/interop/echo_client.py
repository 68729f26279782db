# SPDX-License-Identifier: BSD-3-Clause
"""A Linux-kernel UDP client for the dpgram-echo interop tests (stdlib only).

usage: echo_client.py HOST PORT COUNT

Sends COUNT datagrams of varied sizes (always including 0 bytes and the
largest payload of the family: 65507 for IPv4, 65527 for IPv6) one at a time
and requires each reply to be byte-for-byte what was sent. Stop-and-wait
keeps loopback lossless, so a single missing reply is a real failure.
"""
import random
import socket
import sys
import time

REPLY_TIMEOUT = 2.0   # seconds per datagram
TOTAL_TIMEOUT = 60.0  # seconds for the whole run


def sizes(count, largest):
    fixed = [0, 1, 2, 8, 100, 508, 1232, 1452, 1472, 1473, 8972, 9000,
             16384, 32768, largest - 1, largest]
    rng = random.Random(7)
    out = fixed[:count]
    while len(out) < count:
        r = rng.random()
        if r < 0.6:
            out.append(rng.randint(0, 1472))
        elif r < 0.9:
            out.append(rng.randint(1473, 9000))
        else:
            out.append(rng.randint(9001, largest))
    return out


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    largest = 65527 if family == socket.AF_INET6 else 65507
    rng = random.Random(11)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.connect((host, port))
    s.settimeout(REPLY_TIMEOUT)
    deadline = time.monotonic() + TOTAL_TIMEOUT
    total = 0
    plan = sizes(count, largest)
    for i, size in enumerate(plan):
        if time.monotonic() > deadline:
            sys.exit(f"FAIL: {host}:{port}: only {i} of {count} done "
                     f"in {TOTAL_TIMEOUT:.0f} s")
        payload = rng.randbytes(size)
        s.send(payload)
        try:
            reply = s.recv(70000)
        except socket.timeout:
            sys.exit(f"FAIL: {host}:{port}: no reply to datagram {i} "
                     f"({size} bytes) within {REPLY_TIMEOUT} s")
        except ConnectionRefusedError:
            sys.exit(f"FAIL: {host}:{port}: connection refused at "
                     f"datagram {i}: nothing listening")
        if reply != payload:
            sys.exit(f"FAIL: {host}:{port}: datagram {i}: sent {size} "
                     f"bytes, got {len(reply)} bytes that differ")
        total += size
    print(f"ok: {host}:{port}: {count} datagrams of {min(plan)} to "
          f"{max(plan)} bytes ({total} in all) came back byte-exact")


if __name__ == "__main__":
    main()
