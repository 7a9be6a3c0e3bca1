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
            if data == payload:
                echoed += 1
        except OSError:
            pass
        finally:
            s.close()
    print("sent %d echoed %d ports %d" % (sent, echoed, len(ports)))


def echo_server():
    addr, port = sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--echo":
        echo_server()
    elif len(sys.argv) == 5:
        main()
    else:
        sys.exit("usage: udp_churn.py ADDR PORT SECONDS RATE | --echo ADDR PORT")
