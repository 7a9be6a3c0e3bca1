#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Malformed IPv4 frames onto a lab host's wire (stdlib only, needs root).

  badframes.py IFACE DMAC SRC DST MARK

sends three copies of each malformed packet below from SRC to DST, every one
with IP identification MARK so that a capture elsewhere can tell whether any
of them (in any translation) got through; prints how many frames it sent.
hping3 makes the bad TCP/UDP/ICMP checksums (tests/suites/58); these are the
faults below the transport checksum that no client tool produces.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap_check import csum  # noqa: E402 (the Internet checksum, once)


def main():
    iface, dmac, src, dst, mark = sys.argv[1:6]
    mark = int(mark)
    src, dst = socket.inet_aton(src), socket.inet_aton(dst)

    def ip(proto, payload, tot=None, vihl=None, opts=b""):
        vihl = 0x45 + len(opts) // 4 if vihl is None else vihl
        tot = 20 + len(opts) + len(payload) if tot is None else tot
        h = struct.pack("!BBHHHBBH4s4s", vihl, 0, tot, mark, 0, 64, proto, 0, src, dst) + opts
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

    def udp(data, ulen=None):
        ulen = 8 + len(data) if ulen is None else ulen
        return struct.pack("!HHHH", 40000, 9, ulen, 0) + data

    data = b"x" * 77
    good = ip(17, udp(data))
    cases = [
        good[:10] + bytes([good[10] ^ 0xFF]) + good[11:],  # IP header checksum wrong
        ip(17, udp(data), tot=400),  # total length beyond the frame
        ip(17, udp(data), vihl=0x44),  # a 16-byte IP header
        ip(17, udp(data), vihl=0x65),  # version 6 behind the IPv4 ethertype
        ip(17, udp(data, ulen=300)),  # UDP length beyond the packet
        ip(6, struct.pack("!HH", 40000, 7) + b"\0" * 6),  # TCP header cut at 10 bytes
        ip(17, udp(b"")[:5]),  # UDP header cut at 5 bytes
        ip(17, udp(data), opts=b"\x07\x00\x04\x00"),  # record route of length 0
        ip(17, udp(data), opts=b"\x07\x28\x04\x00"),  # an option past the header
        # record route, full: the sender's address (translated with it) and
        # another inside host's, which must not leave
        ip(17, udp(data), opts=b"\x07\x0b\x0c" + src + socket.inet_aton("10.0.0.3") + b"\x00"),
    ]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = s.getsockname()[4]
    dmac = bytes.fromhex(dmac.replace(":", ""))
    for f in cases:
        for _ in range(3):
            s.send(dmac + smac + b"\x08\x00" + f)
    print(len(cases) * 3)


if __name__ == "__main__":
    main()
