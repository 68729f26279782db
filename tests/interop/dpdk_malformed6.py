# SPDX-License-Identifier: BSD-3-Clause
"""Malformed IPv6 frames for dpgram's receive path, sent from the kernel side
of dpg0 (run inside the test's network namespace; see dpdk_malformed6.sh).

usage: dpdk_malformed6.py IFACE DPG_MAC KERNEL_MAC DPG_ADDR6 KERNEL_ADDR6 PORT
                          EXPECT_FILE ACCEPTED_FILE

Builds each frame with scapy and sends it REPEAT times through a raw
AF_PACKET socket on IFACE (not scapy's sendp: it would silently pad a frame
the kernel refuses). Two kinds of case:
 - drops: the stack must drop the frame under one named counter; EXPECT_FILE
   gets the counters the stack must show afterwards ("NAME COUNT" lines);
 - accepted: frames a conforming host must deliver (options it may skip, a
   routing header with no segments left, Ethernet padding); they carry UDP
   datagrams to the echo port from [KERNEL_ADDR6]:SPORT, where a kernel
   socket of this script waits for every echo, byte-exact. ACCEPTED_FILE
   gets how many there were (the echo server's totals count them).

Every frame comes from the kernel side's real MAC and IPv6 address, so that
what the stack sends back (echoes, ICMPv6 errors) reaches the kernel, which
answers none of it. The ICMPv6 errors are judged by the kernel's own
counters of what it received on IFACE (/proc/net/dev_snmp6): the frames
that deserve no error (sent first) must draw none; those that deserve a
Parameter Problem (RFC 8200 §4: an option whose type says so, a routing
header with segments left, an unknown or misplaced next header) must draw
at least one and at most one each (the stack may rate-limit them, §2.4 f);
a datagram for a closed port may draw a Port Unreachable (RFC 4443 §3.1:
SHOULD), at most one each; and the kernel must find every error
well-formed (no checksum or format error).
"""
import collections
import socket
import sys
import time

from scapy.all import (UDP, Ether, HBHOptUnknown, ICMPv6DestUnreach,
                       ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6ND_RS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr,
                       ICMPv6Unknown, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Pad1, PadN, Raw, fragment6, raw)

REPEAT = 3
PP = "Icmp6InParmProblems"   # what the stack's answer moves in the kernel
UNREACH = "Icmp6InDestUnreachs"
KERNEL_ICMP6 = (PP, UNREACH, "Icmp6InTimeExcds", "Icmp6InPktTooBigs",
                "Icmp6InErrors", "Icmp6InCsumErrors")
AT_LEAST = {PP: 1, UNREACH: 0}   # of the answers a kind of case deserves
SETTLE = 0.5                 # s for the stack's answers to reach the kernel
SPORT = 40000
OTHER_HOST = "fd00:dc::77"   # in the prefix, nobody there
ALL_NODES = "ff02::1"
ALL_NODES_MAC = "33:33:00:00:00:01"
ECHO_TIMEOUT = 5.0           # s for every accepted datagram to come back


def cut(pkt, n):
    return raw(pkt)[:n]


def bad(pkt, layer, field):
    """pkt with layer's checksum wrong (the right one, bits flipped)."""
    right = getattr(pkt.__class__(raw(pkt))[layer], field)
    pkt = pkt.copy()
    setattr(pkt[layer], field, right ^ 0x5a5a)
    return raw(pkt)


def drops(dpg_mac, k_mac, dpg, kern, port):
    """(name, [frames], counter[, answer]): what each case sends, the drop
    counter it must move (REPEAT x len(frames) times), and the kernel
    counter the stack's ICMPv6 error moves (none if absent)."""
    eth = Ether(src=k_mac, dst=dpg_mac)
    ip = IPv6(src=kern, dst=dpg)
    nd_ip = IPv6(src=kern, dst=dpg, hlim=255)   # RFC 4861 §7.1: hop limit 255
    # scapy gives an IPv6 header above an ND message hop limit 255 unless
    # it is set
    ip64 = IPv6(src=kern, dst=dpg, hlim=64)
    udp = UDP(sport=SPORT, dport=port)
    data = Raw(b"dpgram malformed IPv6")
    good_udp = eth / ip / udp / data
    sll = ICMPv6NDOptSrcLLAddr(lladdr=k_mac)
    tll = ICMPv6NDOptDstLLAddr(lladdr=k_mac)
    opt_len0 = Raw(b"\x01\x00" + b"\0" * 6)   # an ND option of length 0
    quoted = IPv6(src=dpg, dst=kern) / UDP(sport=port, dport=SPORT) / data
    big = IPv6(src=kern, dst=dpg) / IPv6ExtHdrFragment(id=4242) / udp / Raw(b"x" * 3000)
    return [
        # --- IPv6 header (RFC 8200 §3)
        ("IPv6 truncated (20 bytes of 40)", [cut(good_udp, 14 + 20)], "ip6_too_short"),
        ("IPv6 version 4 under ethertype IPv6",
         [raw(eth / IPv6(src=kern, dst=dpg, version=4) / udp / data)], "ip6_bad_version"),
        ("IPv6 payload length beyond the frame",
         [raw(eth / IPv6(src=kern, dst=dpg, plen=1000) / udp / data)], "ip6_bad_length"),
        ("IPv6 source ff02::1 (multicast)",
         [raw(eth / IPv6(src=ALL_NODES, dst=dpg) / udp / data)], "ip6_bad_source"),
        ("IPv6 destination fd00:dc::77 (another host)",
         [raw(eth / IPv6(src=kern, dst=OTHER_HOST) / udp / data)], "ip6_not_for_us"),
        ("IPv6 destination ::1 from the wire (RFC 4291 §2.5.3)",
         [raw(eth / IPv6(src=kern, dst="::1") / udp / data)], "ip6_not_for_us"),
        # --- extension headers (RFC 8200 §4)
        ("hop-by-hop option type 0x80 (discard, Parameter Problem)",
         [raw(eth / ip / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x80, optdata=b"\0" * 4)])
              / udp / data)], "ip6_bad_option", PP),
        ("hop-by-hop option type 0x40 (discard silently)",
         [raw(eth / ip / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x40, optdata=b"\0" * 4)])
              / udp / data)], "ip6_bad_option"),
        ("destination option type 0xc0 (discard, Parameter Problem to unicast)",
         [raw(eth / ip / IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0xc0, optdata=b"\0" * 4)])
              / udp / data)], "ip6_bad_option", PP),
        ("hop-by-hop header longer than the packet (88 bytes in 8)",
         [raw(eth / IPv6(src=kern, dst=dpg, nh=0) / Raw(bytes([17, 10, 1, 4, 0, 0, 0, 0])))],
         "ip6_too_short"),
        ("routing header type 0, segments left 1 (RFC 5095)",
         [raw(eth / ip / IPv6ExtHdrRouting(type=0, segleft=1, addresses=[kern]) / udp / data)],
         "ip6_routing_header", PP),
        ("routing header type 253, segments left 2",
         [raw(eth / ip / IPv6ExtHdrRouting(type=253, segleft=2, addresses=[kern, OTHER_HOST])
              / udp / data)], "ip6_routing_header", PP),
        ("fragments of a 3000-byte UDP datagram (3 frames)",
         [raw(eth / f) for f in fragment6(big, 1400)], "frag_bad"),
        ("next header 253 (experimental)",
         [raw(eth / IPv6(src=kern, dst=dpg, nh=253) / Raw(b"\0" * 8))], "ip6_unknown_header", PP),
        ("hop-by-hop header after a destination options header (RFC 8200 §4.1)",
         [raw(eth / ip / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() / udp / data)],
         "ip6_unknown_header", PP),
        # --- UDP (RFC 768, RFC 8200 §8.1)
        ("UDP truncated (4 bytes of header)",
         [raw(eth / IPv6(src=kern, dst=dpg, nh=17) / Raw(raw(udp)[:4]))], "udp_too_short"),
        ("UDP length beyond the IPv6 payload",
         [raw(eth / ip / UDP(sport=SPORT, dport=port, len=200) / data)], "udp_bad_length"),
        ("UDP length below its header (4)",
         [raw(eth / ip / UDP(sport=SPORT, dport=port, len=4) / data)], "udp_bad_length"),
        ("UDP checksum zero (illegal over IPv6)",
         [raw(eth / ip / UDP(sport=SPORT, dport=port, chksum=0) / data)], "udp6_zero_checksum"),
        ("UDP bad checksum", [bad(good_udp, UDP, "chksum")], "udp_bad_checksum"),
        ("UDP to port 7008 (no socket: Port Unreachable)",
         [raw(eth / ip / UDP(sport=SPORT, dport=port + 1) / data)], "udp_no_socket", UNREACH),
        # --- ICMPv6 (RFC 4443)
        ("ICMPv6 truncated (3 bytes)",
         [raw(eth / IPv6(src=kern, dst=dpg, nh=58) / Raw(b"\x80\0\0"))], "icmp_too_short"),
        ("ICMPv6 echo request, bad checksum",
         [bad(eth / ip / ICMPv6EchoRequest(id=7, seq=1) / data, ICMPv6EchoRequest, "cksum")],
         "icmp_bad_checksum"),
        ("ICMPv6 type 200 (unknown informational, RFC 4443 §2.4 b)",
         [raw(eth / ip / ICMPv6Unknown(type=200, msgbody=b"\0" * 8))], "icmp_unhandled"),
        ("ICMPv6 router solicitation (a host discards it, RFC 4861 §6.1.1)",
         [raw(eth / nd_ip / ICMPv6ND_RS() / sll)], "icmp_unhandled"),
        ("ICMPv6 port unreachable for the unconnected echo socket",
         [raw(eth / ip / ICMPv6DestUnreach(code=4) / quoted)], "icmp_unconnected"),
        # --- Neighbour Discovery (RFC 4861 §7.1)
        ("NS with hop limit 64",
         [raw(eth / ip64 / ICMPv6ND_NS(tgt=dpg) / sll)], "nd_malformed"),
        ("NS with ICMP code 1",
         [raw(eth / nd_ip / ICMPv6ND_NS(code=1, tgt=dpg) / sll)], "nd_malformed"),
        ("NS for a multicast target (ff02::1)",
         [raw(eth / nd_ip / ICMPv6ND_NS(tgt=ALL_NODES) / sll)], "nd_malformed"),
        ("NS with an option of length 0",
         [raw(eth / nd_ip / ICMPv6ND_NS(tgt=dpg) / opt_len0)], "nd_malformed"),
        ("NS of 8 bytes (less than 24)",
         [raw(eth / nd_ip / ICMPv6Unknown(type=135, msgbody=b"\0" * 4))], "nd_malformed"),
        ("NS for another host's address (fd00:dc::77)",
         [raw(eth / nd_ip / ICMPv6ND_NS(tgt=OTHER_HOST) / sll)], "nd_not_for_us"),
        ("NA with hop limit 64",
         [raw(eth / ip64 / ICMPv6ND_NA(tgt=kern, R=0, S=1, O=1) / tll)], "nd_malformed"),
        ("NA to all-nodes with the Solicited flag",
         [raw(Ether(src=k_mac, dst=ALL_NODES_MAC) / IPv6(src=kern, dst=ALL_NODES, hlim=255)
              / ICMPv6ND_NA(tgt=kern, R=0, S=1, O=1) / tll)], "nd_malformed"),
        ("NA with an option of length 0",
         [raw(eth / nd_ip / ICMPv6ND_NA(tgt=kern, R=0, S=1, O=1) / opt_len0)], "nd_malformed"),
    ]


def accepted(dpg_mac, k_mac, dpg, kern, port):
    """(name, frame, payload): frames a host must deliver; the payload must
    come back to [kern]:SPORT."""
    eth = Ether(src=k_mac, dst=dpg_mac)
    ip = IPv6(src=kern, dst=dpg)
    udp = UDP(sport=SPORT, dport=port)
    out = []

    def case(name, build):
        payload = f"dpgram accepted: {name}".encode()
        out.append((name, raw(build(Raw(payload))), payload))

    case("hop-by-hop with PadN and a skippable unknown option (0x1e)",
         lambda d: eth / ip / IPv6ExtHdrHopByHop(
             options=[HBHOptUnknown(otype=0x1e, optdata=b"ab"), PadN(optdata=b"\0\0")]) / udp / d)
    case("destination options with Pad1 and PadN",
         lambda d: eth / ip / IPv6ExtHdrDestOpt(options=[Pad1(), PadN(optdata=b"\0\0\0")]) / udp / d)
    case("routing header type 0 with segments left 0 (ignored, RFC 5095 §3)",
         lambda d: eth / ip / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[OTHER_HOST]) / udp / d)
    # Ethernet padding is no part of the IPv6 payload: the payload length
    # is the packet's without it.
    payload = b"dpgram accepted: 10 bytes of Ethernet padding"
    plen = len(raw(udp / Raw(payload)))
    out.append(("10 bytes of Ethernet padding after the IPv6 payload",
                raw(eth / IPv6(src=kern, dst=dpg, plen=plen) / udp / Raw(payload)) + b"\0" * 10,
                payload))
    return out


def kernel_icmp6(iface):
    """The kernel's counters of the ICMPv6 it received on iface."""
    with open(f"/proc/net/dev_snmp6/{iface}", encoding="ascii") as f:
        n = dict(line.split() for line in f if line.strip())
    return {k: int(n[k]) for k in KERNEL_ICMP6}


def check_answers(iface, before, want, what):
    """The stack's ICMPv6 errors since before: between AT_LEAST[k] and
    want[k] of each kind k wanted, none of any other kind, all
    well-formed."""
    time.sleep(SETTLE)
    now = kernel_icmp6(iface)
    got = {k: now[k] - before[k] for k in KERNEL_ICMP6}
    bad = [f"{k} {got[k]} (want {f'{AT_LEAST[k]}..{want[k]}' if want.get(k) else 0})"
           for k in KERNEL_ICMP6
           if not (AT_LEAST[k] <= got[k] <= want[k] if want.get(k) else got[k] == 0)]
    if bad:
        sys.exit(f"FAIL: ICMPv6 the kernel received from the stack after {what}: "
                 + ", ".join(bad))
    print(f"ok: ICMPv6 errors from the stack after {what}: "
          + (", ".join(f"{k} {got[k]} ({AT_LEAST[k]} to {want[k]})" for k in want)
             or "none"))
    return now


def main():
    iface, dpg_mac, k_mac, dpg, kern = sys.argv[1:6]
    port, expect_file, accepted_file = int(sys.argv[6]), sys.argv[7], sys.argv[8]
    rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    rx.bind((kern, SPORT))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))

    expect = collections.Counter()
    sent = 0
    cases = drops(dpg_mac, k_mac, dpg, kern, port)
    counters = kernel_icmp6(iface)
    # The silent ones first, then those the stack answers.
    for answered in (False, True):
        answers = collections.Counter()
        for name, frames, counter, *answer in cases:
            if bool(answer) != answered:
                continue
            try:
                for _ in range(REPEAT):
                    for f in frames:
                        s.send(f)
            except OSError as err:
                sys.exit(f"FAIL: cannot send '{name}': {err}")
            n = REPEAT * len(frames)
            sent += n
            expect[counter] += n
            answers.update({a: n for a in answer})
            note = f" + {answer[0][len('Icmp6In'):]}" if answer else ""
            print(f"sent {n:2d} x {name} ({len(frames[0])} bytes) -> {counter}{note}")
        counters = check_answers(iface, counters, answers,
                                 "the frames that deserve an error" if answered
                                 else "the frames that deserve none")
    print(f"{sent} malformed frames sent on {iface}")

    want = collections.Counter()
    for name, frame, payload in accepted(dpg_mac, k_mac, dpg, kern, port):
        for _ in range(REPEAT):
            s.send(frame)
        want[payload] += REPEAT
        print(f"sent {REPEAT:2d} x {name} ({len(frame)} bytes) -> echoed")
    total = sum(want.values())
    got = 0
    deadline = time.monotonic() + ECHO_TIMEOUT
    while got < total:
        left = deadline - time.monotonic()
        if left <= 0:
            missing = [p.decode() for p, n in want.items() if n > 0]
            sys.exit(f"FAIL: {got} of {total} accepted datagrams came back in "
                     f"{ECHO_TIMEOUT:.0f} s; missing: {missing}")
        rx.settimeout(left)
        try:
            reply, src = rx.recvfrom(2048)
        except socket.timeout:
            continue
        if want[reply] <= 0:
            sys.exit(f"FAIL: unexpected datagram from {src}: {reply!r}")
        if src[0] != dpg or src[1] != port:
            sys.exit(f"FAIL: echo of {reply!r} came from {src[:2]}, want ({dpg}, {port})")
        want[reply] -= 1
        got += 1
    print(f"ok: {total} accepted datagrams came back byte-exact from [{dpg}]:{port}")

    with open(expect_file, "w", encoding="ascii") as out:
        for counter, n in sorted(expect.items()):
            out.write(f"{counter} {n}\n")
    with open(accepted_file, "w", encoding="ascii") as out:
        out.write(f"{total}\n")


if __name__ == "__main__":
    main()
