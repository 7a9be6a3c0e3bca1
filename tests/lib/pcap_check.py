#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks on pcap files for the end-to-end suites (no third-party modules).

  pcap_check.py no-inside FILE      no 10.0.0.0/8 address anywhere in an
                                    IPv4 header, an ICMP error's quoted
                                    header, or an ARP packet; prints how many
                                    frames were checked; exit 1 on a leak or
                                    when the file holds no IPv4 frame at all
  pcap_check.py summary FILE        one line per frame (for debugging)
  pcap_check.py write FILE SPEC...  write frames (used by the pcap-port test):
                                    SPEC is arp-request:SMAC,SIP,TIP or
                                    echo:SMAC,DMAC,SIP,DIP,ID
"""
import struct
import sys


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield data[off:off + caplen]
        off += caplen


def inside(addr):
    return addr[0] == 10


def ipv4_of(frame):
    if len(frame) < 14:
        return None
    et = struct.unpack("!H", frame[12:14])[0]
    l3 = 14
    if et == 0x8100 and len(frame) >= 18:
        et = struct.unpack("!H", frame[16:18])[0]
        l3 = 18
    return et, l3


def option_addresses(opts):
    """The addresses IPv4 options carry: record route and source routes
    (every slot), timestamps with addresses (flags 1 and 3)."""
    i = 0
    while i < len(opts):
        t = opts[i]
        if t == 0:
            break
        if t == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        ln = opts[i + 1]
        first, step = 0, 4
        if t in (7, 131, 137):
            first = 3
        elif t == 68 and ln >= 4 and (opts[i + 3] & 15) in (1, 3):
            first, step = 4, 8
        a = first
        while first and a + 4 <= ln and i + a + 4 <= len(opts):
            yield opts[i + a:i + a + 4]
            a += step
        i += ln


def leaks(frame):
    """Reasons this frame shows an inside address (empty list: clean)."""
    r = ipv4_of(frame)
    if not r:
        return []
    et, l3 = r
    found = []
    if et == 0x0806 and len(frame) >= l3 + 28:
        if inside(frame[l3 + 14:l3 + 18]) or inside(frame[l3 + 24:l3 + 28]):
            found.append("ARP with an inside address")
        return found
    if et != 0x0800 or len(frame) < l3 + 20:
        return found
    ip = frame[l3:]
    if inside(ip[12:16]) or inside(ip[16:20]):
        found.append("IPv4 header %d.%d.%d.%d -> %d.%d.%d.%d" % (tuple(ip[12:16]) + tuple(ip[16:20])))
    ihl = (ip[0] & 15) * 4
    for a in option_addresses(ip[20:ihl]):
        if inside(a):
            found.append("IPv4 option carrying %d.%d.%d.%d" % tuple(a))
    if ip[9] == 1 and len(ip) >= ihl + 8 + 20 and ip[ihl] in (3, 4, 5, 11, 12):
        q = ip[ihl + 8:]
        if inside(q[12:16]) or inside(q[16:20]):
            found.append("ICMP error quoting %d.%d.%d.%d -> %d.%d.%d.%d" % (tuple(q[12:16]) + tuple(q[16:20])))
    return found


def no_inside(path):
    n = ipv4 = 0
    bad = []
    for fr in frames(path):
        n += 1
        r = ipv4_of(fr)
        if r and r[0] == 0x0800:
            ipv4 += 1
        for why in leaks(fr):
            bad.append("frame %d: %s" % (n, why))
    print("%d frames (%d IPv4) checked, %d with an inside address" % (n, ipv4, len(bad)))
    for b in bad[:10]:
        print("  " + b)
    return 0 if ipv4 and not bad else 1


def summary(path):
    for i, fr in enumerate(frames(path), 1):
        r = ipv4_of(fr)
        desc = "len %d" % len(fr)
        if r and r[0] == 0x0800:
            ip = fr[r[1]:]
            desc += " ip %d.%d.%d.%d -> %d.%d.%d.%d proto %d" % (tuple(ip[12:16]) + tuple(ip[16:20]) + (ip[9],))
            if ip[9] == 1:
                desc += " icmp type %d" % ip[(ip[0] & 15) * 4]
        elif r and r[0] == 0x0806:
            a = fr[r[1]:]
            desc += " arp op %d %d.%d.%d.%d -> %d.%d.%d.%d" % ((a[7],) + tuple(a[14:18]) + tuple(a[24:28]))
        print("%d %s" % (i, desc))
    return 0


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


def build(spec):
    kind, args = spec.split(":", 1)
    a = args.split(",")
    if kind == "arp-request":
        smac, sip, tip = mac(a[0]), ip(a[1]), ip(a[2])
        arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + smac + sip + b"\0" * 6 + tip
        return b"\xff" * 6 + smac + b"\x08\x06" + arp + b"\0" * 18
    if kind == "echo":
        smac, dmac, sip, dip, ident = mac(a[0]), mac(a[1]), ip(a[2]), ip(a[3]), int(a[4])
        icmp = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"realmgate" * 4
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        hdr = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0) + sip + dip
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return dmac + smac + b"\x08\x00" + hdr + icmp
    raise SystemExit("unknown frame spec " + spec)


def write(path, specs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, s in enumerate(specs):
            fr = build(s)
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "no-inside":
        sys.exit(no_inside(sys.argv[2]))
    if len(sys.argv) >= 3 and sys.argv[1] == "summary":
        sys.exit(summary(sys.argv[2]))
    if len(sys.argv) >= 4 and sys.argv[1] == "write":
        sys.exit(write(sys.argv[2], sys.argv[3:]))
    sys.exit(__doc__)
