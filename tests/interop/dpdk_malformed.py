# SPDX-License-Identifier: BSD-3-Clause
"""Malformed frames for dpgram's receive path, sent from the kernel side of
dpg0 (run inside the test's network namespace; see dpdk_malformed.sh).

usage: dpdk_malformed.py IFACE DPG_MAC KERNEL_MAC DPG_ADDR KERNEL_ADDR PORT EXPECT_FILE

Builds each frame with scapy, sends it REPEAT times through a raw
AF_PACKET socket on IFACE (not scapy's sendp: it would silently pad a frame
the kernel refuses), prints one line per case, and writes to EXPECT_FILE the
drop counters the stack must show afterwards, one "NAME COUNT" per line.

Every frame comes from the kernel side's real MAC and IPv4 address: the
stack may learn from what it receives (ARP "merge"), and must go on
answering the kernel after the burst. No frame may draw an answer from the
stack, so that the kernel never reacts (an ICMP error would move other
counters).
"""
import collections
import socket
import sys

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, fragment, raw

REPEAT = 3
BCAST = "ff:ff:ff:ff:ff:ff"
OTHER_MAC = "02:00:00:00:00:99"   # nobody on this wire
OTHER_HOST = "198.18.0.77"        # in the subnet, nobody there


def cases(dpg_mac, k_mac, dpg, kern, port):
    """(name, [frames], counter, note): what each case sends, the drop
    counter it must move (REPEAT x len(frames) times), and, for a frame the
    kernel may refuse to send, why (None: it must go out)."""
    eth = Ether(src=k_mac, dst=dpg_mac)
    ip = IP(src=kern, dst=dpg)
    udp = UDP(sport=40000, dport=port)
    data = Raw(b"dpgram malformed")
    good_udp = eth / ip / udp / data

    def cut(pkt, n):
        return raw(pkt)[:n]

    def with_ip_checksum(hdr):
        """An IPv4 header (bytes) with its checksum made right."""
        b = bytearray(hdr)
        b[10:12] = b"\0\0"
        s = sum(int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        b[10:12] = (~s & 0xffff).to_bytes(2, "big")
        return bytes(b)

    def bad(pkt, layer):
        """pkt with layer's checksum wrong (the right one, bits flipped)."""
        right = pkt.__class__(raw(pkt))[layer].chksum
        pkt = pkt.copy()
        pkt[layer].chksum = right ^ 0x5a5a
        return raw(pkt)

    e_ip = raw(Ether(src=k_mac, dst=dpg_mac, type=0x0800))
    ihl15 = with_ip_checksum(bytes([0x4f]) + raw(ip / udp / data)[1:20])
    ihl4 = bytes([0x44]) + raw(ip / udp / data)[1:]
    return [
        # --- Ethernet
        ("Ethernet truncated (10 bytes of 14)", [cut(good_udp, 10)], "eth_too_short",
         "the kernel refuses frames shorter than an Ethernet header on a tap"),
        ("frame to another MAC", [raw(Ether(src=k_mac, dst=OTHER_MAC) / ip / udp / data)],
         "eth_not_for_us", None),
        ("unknown ethertype 0x88b5", [raw(Ether(src=k_mac, dst=dpg_mac, type=0x88B5) / Raw(b"\0" * 46))],
         "eth_unknown_type", None),
        # --- ARP (RFC 826)
        ("ARP truncated (10 bytes of 28)",
         [cut(Ether(src=k_mac, dst=BCAST) / ARP(op=1, hwsrc=k_mac, psrc=kern, pdst=dpg), 14 + 10)],
         "arp_malformed", None),
        ("ARP hardware type 6 (IEEE 802)",
         [raw(Ether(src=k_mac, dst=BCAST) / ARP(hwtype=6, hwlen=6, plen=4, op=1, hwsrc=k_mac, psrc=kern, pdst=dpg))],
         "arp_malformed", None),
        ("ARP opcode 3 (RARP request)",
         [raw(Ether(src=k_mac, dst=BCAST) / ARP(op=3, hwsrc=k_mac, psrc=kern, pdst=dpg))],
         "arp_malformed", None),
        ("ARP request for another host",
         [raw(Ether(src=k_mac, dst=BCAST) / ARP(op=1, hwsrc=k_mac, psrc=kern, pdst=OTHER_HOST))],
         "arp_not_for_us", None),
        ("ARP reply to another host",
         [raw(Ether(src=k_mac, dst=dpg_mac) / ARP(op=2, hwsrc=k_mac, psrc=kern,
                                                  hwdst=OTHER_MAC, pdst=OTHER_HOST))],
         "arp_not_for_us", None),
        # --- IPv4 (RFC 1122 3.2.1, RFC 1812 5.2.2)
        ("IPv4 truncated (12 bytes of header)", [cut(good_udp, 14 + 12)], "ip4_too_short", None),
        ("IPv4 version 6 under ethertype IPv4",
         [raw(eth / IP(src=kern, dst=dpg, version=6) / udp / data)], "ip4_bad_version", None),
        ("IPv4 IHL 4 (< 5)", [e_ip + ihl4], "ip4_bad_ihl", None),
        ("IPv4 IHL 15 beyond the packet", [e_ip + ihl15 + raw(udp / data)], "ip4_bad_ihl", None),
        ("IPv4 bad header checksum",
         [bad(eth / ip / udp / data, IP)], "ip4_bad_checksum", None),
        ("IPv4 total length beyond the frame",
         [raw(eth / IP(src=kern, dst=dpg, len=1000) / udp / data)], "ip4_bad_length", None),
        ("IPv4 total length below the header",
         [raw(eth / IP(src=kern, dst=dpg, len=10) / udp / data)], "ip4_bad_length", None),
        ("IPv4 source 255.255.255.255",
         [raw(eth / IP(src="255.255.255.255", dst=dpg) / udp / data)], "ip4_bad_source", None),
        ("IPv4 source 198.18.0.255 (subnet broadcast)",
         [raw(eth / IP(src="198.18.0.255", dst=dpg) / udp / data)], "ip4_bad_source", None),
        ("IPv4 source 224.0.0.9 (multicast)",
         [raw(eth / IP(src="224.0.0.9", dst=dpg) / udp / data)], "ip4_bad_source", None),
        ("IPv4 TTL 0", [raw(eth / IP(src=kern, dst=dpg, ttl=0) / udp / data)], "ip4_ttl_zero", None),
        ("IPv4 fragments of a 3000-byte UDP datagram (3 frames)",
         [raw(eth / f) for f in fragment(IP(src=kern, dst=dpg, id=4242) / udp /
                                         Raw(b"x" * 3000), fragsize=1400)],
         "frag_bad", None),
        ("IPv4 lone last fragment (offset 185, no MF)",
         [raw(eth / IP(src=kern, dst=dpg, id=4243, frag=185) / Raw(b"y" * 64))],
         "frag_bad", None),
        ("IPv4 for another host", [raw(eth / IP(src=kern, dst=OTHER_HOST) / udp / data)],
         "ip4_not_for_us", None),
        ("IPv4 protocol 253 (experimental)",
         [raw(eth / IP(src=kern, dst=dpg, proto=253) / Raw(b"\0" * 8))], "ip4_unknown_proto", None),
        # --- ICMP (RFC 792)
        ("ICMP truncated (4 bytes)", [raw(eth / IP(src=kern, dst=dpg, proto=1) / Raw(b"\x08\0\0\0"))],
         "icmp_too_short", None),
        ("ICMP echo request, bad checksum",
         [bad(eth / ip / ICMP(type=8, id=7, seq=1) / data, ICMP)], "icmp_bad_checksum", None),
        ("ICMP timestamp request (type 13)",
         [raw(eth / ip / ICMP(type=13) / Raw(b"\0" * 12))], "icmp_unhandled", None),
        # --- UDP (RFC 768, RFC 1122 4.1)
        ("UDP truncated (4 bytes of header)",
         [raw(eth / IP(src=kern, dst=dpg, proto=17) / Raw(raw(udp)[:4]))], "udp_too_short", None),
        ("UDP length beyond the IP payload",
         [raw(eth / ip / UDP(sport=40000, dport=port, len=200) / data)], "udp_bad_length", None),
        ("UDP length below its header (4)",
         [raw(eth / ip / UDP(sport=40000, dport=port, len=4) / data)], "udp_bad_length", None),
        ("UDP bad checksum", [bad(eth / ip / udp / data, UDP)],
         "udp_bad_checksum", None),
    ]


def main():
    iface, dpg_mac, k_mac, dpg, kern = sys.argv[1:6]
    port, expect_file = int(sys.argv[6]), sys.argv[7]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    expect = collections.Counter()
    sent = 0
    for name, frames, counter, note in cases(dpg_mac, k_mac, dpg, kern, port):
        try:
            for _ in range(REPEAT):
                for f in frames:
                    s.send(f)
        except OSError as err:
            # Only a frame the kernel itself refuses may be left out.
            if note is None:
                sys.exit(f"FAIL: cannot send '{name}': {err}")
            print(f"not sent: {name}: {err.strerror} ({note}); "
                  f"{counter} stays 0")
            continue
        n = REPEAT * len(frames)
        sent += n
        expect[counter] += n
        print(f"sent {n:2d} x {name} ({len(frames[0])} bytes) -> {counter}")
    with open(expect_file, "w", encoding="ascii") as out:
        for counter, n in sorted(expect.items()):
            out.write(f"{counter} {n}\n")
    print(f"{sent} malformed frames sent on {iface}")


if __name__ == "__main__":
    main()
