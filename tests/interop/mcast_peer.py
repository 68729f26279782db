#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Linux kernel's UDP sockets as the multicast and broadcast peer of the
dpgram programs (Python stdlib only). Run inside the test's namespace.

  send --to G --port P --count N --from A[,B...] [--ifname IF] [--ttl T]
       [--no-if] [--interval-ms MS]
      N datagrams "kernel #i from A" to G:P from each source address in turn
      (A1, B1, A2, B2, ...), each socket bound to its address. IP_MULTICAST_IF
      / IPV6_MULTICAST_IF name IF unless --no-if (then the route decides);
      broadcast destinations set SO_BROADCAST and bind to IF.
  recv --port P --count N --ifname IF [--group G [--source S]] [--bind A]
       [--expect-from A] [--expect-ttl T] [--timeout S]
      join G on IF (source-specific with S; no group: a broadcast receiver
      bound to A, default the wildcard, and to IF), print "ready", then
      receive N datagrams, printing "from ADDR:PORT LEN bytes ttl T: TEXT";
      every one must come from A (--expect-from), carry TTL / hop limit T,
      and read "dpgram-mcast #i" with i increasing.
  echo --to ADDR --port P --count N --ifname IF --expect-from A [--timeout S]
      send N datagrams to a broadcast ADDR (SO_BROADCAST, bound to IF) and
      wait for each one's echo, unicast from A.

Exits 0 when everything arrived as expected, 1 with a FAIL line otherwise.
Every wait is bounded by --timeout (default 10 s).
"""
import argparse
import ipaddress
import re
import select
import socket
import struct
import sys
import time

MCAST_JOIN_GROUP = 42
MCAST_JOIN_SOURCE_GROUP = 46
IP_RECVTTL = 12
IP_TTL = 2


def fail(msg):
    print(f"FAIL: mcast_peer: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def family_of(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def sockaddr_storage(addr):
    """A struct sockaddr_storage (128 bytes) holding addr, port 0."""
    if family_of(addr) == socket.AF_INET:
        raw = struct.pack('=H', socket.AF_INET) + b'\0\0' + socket.inet_pton(
            socket.AF_INET, addr)
    else:
        raw = struct.pack('=H', socket.AF_INET6) + b'\0\0' + b'\0' * 4 + \
            socket.inet_pton(socket.AF_INET6, addr) + b'\0' * 4
    return raw.ljust(128, b'\0')


def join(sock, group, source, ifname):
    """MCAST_JOIN_(SOURCE_)GROUP: struct group_(source_)req, both
    families (interface index, padding to 8, then sockaddr_storages)."""
    level = socket.IPPROTO_IP if family_of(group) == socket.AF_INET else socket.IPPROTO_IPV6
    req = struct.pack('=I4x', socket.if_nametoindex(ifname)) + sockaddr_storage(group)
    if source:
        sock.setsockopt(level, MCAST_JOIN_SOURCE_GROUP, req + sockaddr_storage(source))
    else:
        sock.setsockopt(level, MCAST_JOIN_GROUP, req)


def is_broadcast(addr):
    return family_of(addr) == socket.AF_INET and not ipaddress.ip_address(addr).is_multicast


def cmd_send(a):
    fam = family_of(a.to)
    socks = []
    for src in a.from_.split(','):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((src, 0))
        if is_broadcast(a.to):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.ifname.encode())
        elif fam == socket.AF_INET:
            if not a.no_if:
                mreqn = struct.pack('=4s4si', socket.inet_aton('0.0.0.0'),
                                    socket.inet_aton(src), socket.if_nametoindex(a.ifname))
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
        else:
            if not a.no_if:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                             socket.if_nametoindex(a.ifname))
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.ttl)
        socks.append((src, s))
    for i in range(1, a.count + 1):
        for src, s in socks:
            s.sendto(f"kernel #{i} from {src}".encode(), (a.to, a.port))
        if a.interval_ms:
            time.sleep(a.interval_ms / 1000)
    print(f"sent {a.count} datagram(s) to {a.to}:{a.port} from each of {a.from_}", flush=True)


def open_receiver(a):
    fam = family_of(a.group or a.bind or '0.0.0.0')
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    if a.group:
        s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', a.port))
        join(s, a.group, a.source, a.ifname)
    else:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.ifname.encode())
        s.bind((a.bind or '0.0.0.0', a.port))
    return s


def ttl_of(ancdata):
    for level, kind, data in ancdata:
        if (level, kind) in ((socket.IPPROTO_IP, IP_TTL),
                             (socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT)):
            return struct.unpack('=i', data[:4])[0] if len(data) >= 4 else data[0]
    return None


def cmd_recv(a):
    s = open_receiver(a)
    what = f"{a.group} source {a.source}" if a.source else (a.group or "broadcast")
    print(f"ready: {what} port {a.port} on {a.ifname}", flush=True)
    deadline = time.monotonic() + a.timeout
    last = 0
    for n in range(a.count):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            fail(f"{what}: {n} of {a.count} datagrams within {a.timeout} s")
        data, anc, _, frm = s.recvmsg(2048, socket.CMSG_SPACE(4))
        ttl = ttl_of(anc)
        text = data.decode(errors='replace')
        print(f"from {frm[0]}:{frm[1]} {len(data)} bytes ttl {ttl}: {text}", flush=True)
        if a.expect_from and frm[0] != a.expect_from:
            fail(f"datagram from {frm[0]}, want {a.expect_from}")
        if a.expect_ttl is not None and ttl != a.expect_ttl:
            fail(f"TTL / hop limit {ttl}, want {a.expect_ttl}")
        m = re.fullmatch(r"dpgram-mcast #(\d+)", text)
        if not m or int(m.group(1)) <= last:
            fail(f"payload {text!r}: want 'dpgram-mcast #i' with i above {last}")
        last = int(m.group(1))
    print(f"received {a.count} datagram(s), each from {a.expect_from or 'anyone'}"
          f" with TTL {a.expect_ttl if a.expect_ttl is not None else 'any'}", flush=True)


def cmd_echo(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.ifname.encode())
    s.bind(('0.0.0.0', 0))
    for i in range(1, a.count + 1):
        msg = f"broadcast #{i} to {a.to}".encode()
        s.sendto(msg, (a.to, a.port))
        if not select.select([s], [], [], a.timeout)[0]:
            fail(f"no echo of datagram #{i} to {a.to} within {a.timeout} s")
        data, frm = s.recvfrom(2048)
        if frm != (a.expect_from, a.port) or data != msg:
            fail(f"echo #{i}: {data!r} from {frm}, want {msg!r} from {a.expect_from}:{a.port}")
    print(f"{a.count} broadcast(s) to {a.to}:{a.port} echoed by {a.expect_from}", flush=True)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('send')
    s.add_argument('--to', required=True)
    s.add_argument('--port', type=int, required=True)
    s.add_argument('--count', type=int, required=True)
    s.add_argument('--from', dest='from_', required=True)
    s.add_argument('--ifname', default='dpg0')
    s.add_argument('--ttl', type=int, default=1)
    s.add_argument('--no-if', action='store_true')
    s.add_argument('--interval-ms', type=int, default=2)
    r = sub.add_parser('recv')
    r.add_argument('--port', type=int, required=True)
    r.add_argument('--count', type=int, required=True)
    r.add_argument('--ifname', default='dpg0')
    r.add_argument('--group')
    r.add_argument('--source')
    r.add_argument('--bind')
    r.add_argument('--expect-from')
    r.add_argument('--expect-ttl', type=int)
    r.add_argument('--timeout', type=float, default=10)
    e = sub.add_parser('echo')
    e.add_argument('--to', required=True)
    e.add_argument('--port', type=int, required=True)
    e.add_argument('--count', type=int, required=True)
    e.add_argument('--ifname', default='dpg0')
    e.add_argument('--expect-from', required=True)
    e.add_argument('--timeout', type=float, default=10)
    a = p.parse_args()
    {'send': cmd_send, 'recv': cmd_recv, 'echo': cmd_echo}[a.cmd](a)


if __name__ == '__main__':
    main()
