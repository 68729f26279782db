# SPDX-License-Identifier: BSD-3-Clause
"""One UDP datagram whose checksum is 0xffff, for the tshark tests (stdlib only).

usage: dpdk_checksum_ffff.py HOST PORT [SRC]

RFC 768 (and RFC 8200 §8.1 for IPv6): a checksum that computes to zero is
sent as all ones. Sends HOST:PORT one datagram whose payload makes its
checksum exactly that, from SRC when given (an address of this host), and
requires the echo to come back byte for byte; the reply has the same sum
(addresses and ports swapped). HOST is an IPv4 or an IPv6 address. With
SRC, the stack may have to resolve the sender first: 3 s for the reply,
else 2 s.
"""
import socket
import struct
import sys

# Even lengths: the checksum's last 16-bit word is the datagram's own.
PREFIX = {socket.AF_INET: b"dpgram UDP checksum 0xffff",
          socket.AF_INET6: b"dpgram UDP/IPv6 checksum 0xffff!"}


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def sum16(b):
    return fold(sum(struct.unpack(f"!{len(b) // 2}H", b)))


def pseudo_header(family, src, dst, ulen):
    """The IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header for UDP."""
    addrs = socket.inet_pton(family, src) + socket.inet_pton(family, dst)
    if family == socket.AF_INET:
        return addrs + struct.pack("!BBH", 0, 17, ulen)
    return addrs + struct.pack("!IxxxB", ulen, 17)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n\n")[1])
    host, port = sys.argv[1], int(sys.argv[2])
    bind = sys.argv[3] if len(sys.argv) == 4 else None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    if bind:
        s.bind((bind, 0))
    s.connect((host, port))
    s.settimeout(3 if bind else 2)
    src, sport = s.getsockname()[:2]
    prefix = PREFIX[family]
    ulen = 8 + len(prefix) + 2
    partial = fold(sum16(pseudo_header(family, src, host, ulen)) +
                   sum16(struct.pack("!HHHH", sport, port, ulen, 0)) + sum16(prefix))
    payload = prefix + struct.pack("!H", 0xffff - partial)  # the whole sum becomes 0xffff
    s.send(payload)
    if s.recv(2048) != payload:
        sys.exit("FAIL: the 0xffff-checksum datagram came back altered")
    if bind:
        print(f"ok: a datagram whose UDP checksum is 0xffff came back to [{src}]:{sport}")
    else:
        print(f"ok: a datagram whose UDP checksum is 0xffff came back (from port {sport})")


if __name__ == "__main__":
    main()
