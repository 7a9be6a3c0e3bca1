# SPDX-License-Identifier: BSD-2-Clause
"""One-datagram UDP flows for the soak (tests/soak/soak.sh).

Every flow is a new socket (so a new source port, a new NAT mapping and
session, unless the kernel hands out a port this run already used), one
datagram to the echo server, and a wait for its echo. The rate is paced, not
flat out: the soak is about the card's tables and timers over time, not its
speed.

  udp_churn.py ADDR PORT SECONDS RATE
prints one line: "sent N echoed M ports P" (P: distinct source ports used,
the number of sessions the card must hold at the end of the run).

  udp_churn.py --steady ADDR PORT SECONDS
one socket, a datagram a second for SECONDS: prints "sent N echoed M
outside A:P[,A:P...]", the outside endpoints the echo server saw it come
from (one, if its mapping lived through the churn around it).

  udp_churn.py --echo ADDR PORT
the echo server: answers each datagram with the datagram, " from ", and the
address and port it came from.
"""
import socket
import sys
import time


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    seconds, rate = float(sys.argv[3]), float(sys.argv[4])
    sent = echoed = 0
    ports = set()
    start = time.monotonic()
    end = start + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = start + sent / rate
        if due > now:
            time.sleep(due - now)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        payload = b"soak %d" % sent
        try:
            s.sendto(payload, (addr, port))
            sent += 1
            ports.add(s.getsockname()[1])
            data, _ = s.recvfrom(2048)
            if data.startswith(payload + b" from "):
                echoed += 1
        except OSError:
            pass
        finally:
            s.close()
    print("sent %d echoed %d ports %d" % (sent, echoed, len(ports)))


def steady():
    addr, port, seconds = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    sent = echoed = 0
    seen = []
    start = time.monotonic()
    while time.monotonic() < start + seconds:
        payload = b"steady %d" % sent
        try:
            s.sendto(payload, (addr, port))
            sent += 1
            data, _ = s.recvfrom(2048)
            if data.startswith(payload + b" from "):
                echoed += 1
                outside = data[len(payload) + 6:].decode()
                if outside not in seen:
                    seen.append(outside)
        except OSError:
            pass
        time.sleep(max(0.0, start + sent - time.monotonic()))
    print("sent %d echoed %d outside %s" % (sent, echoed, ",".join(seen) or "-"))


def echo_server():
    addr, port = sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data + (" from %s:%d" % peer).encode(), peer)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--echo":
        echo_server()
    elif len(sys.argv) == 5 and sys.argv[1] == "--steady":
        steady()
    elif len(sys.argv) == 5:
        main()
    else:
        sys.exit("usage: udp_churn.py ADDR PORT SECONDS RATE | --steady ADDR PORT SECONDS"
                 " | --echo ADDR PORT")
