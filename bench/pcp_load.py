#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""PCP MAP load for bench/pcp_map.sh: N mappings created, renewed and
deleted (3N requests) against a PCP server, with up to WINDOW requests in
flight; lost requests are retransmitted. Prints "<requests> <seconds>
<errors>" (errors: answers with a result code other than SUCCESS)."""
import os
import socket
import struct
import sys
import time


def request(client, proto, port, lifetime, nonce):
    hdr = struct.pack("!BBHI", 2, 1, 0, lifetime) + b"\0" * 10 + b"\xff\xff" + client
    body = nonce + struct.pack("!B3xHH", proto, port, port) + b"\0" * 16
    return hdr + body


def main():
    server, n, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 20000
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((server, 5351))
    client = socket.inet_aton(s.getsockname()[0])
    s.setblocking(False)
    nonce = os.urandom(12)
    errors = 0
    sent_total = 0
    t0 = time.monotonic()
    for lifetime in (3600, 7200, 0):  # create, renew, delete
        todo = list(range(first, first + n))
        inflight = {}
        while todo or inflight:
            now = time.monotonic()
            while todo and len(inflight) < window:
                p = todo.pop()
                s.send(request(client, 17, p, lifetime, nonce))
                sent_total += 1
                inflight[p] = now
            for p, t in list(inflight.items()):
                if now - t > 1.0:  # lost: send again
                    s.send(request(client, 17, p, lifetime, nonce))
                    inflight[p] = now
            try:
                d = s.recv(2048)
            except BlockingIOError:
                time.sleep(0.0002)
                continue
            if len(d) < 60 or d[1] != 0x81:
                continue
            port = struct.unpack("!H", d[40:42])[0]
            if port in inflight:
                del inflight[port]
                if d[3] != 0:
                    errors += 1
    dt = time.monotonic() - t0
    print(3 * n, "%.4f" % dt, errors)


if __name__ == "__main__":
    main()
