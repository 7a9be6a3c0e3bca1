#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# realmgated as an installed service runs it: `realmgated -d` on a simulated
# card (nicsim on pcap ports) returns once the daemon serves, leaves a
# detached process with its pid file, answers realmctl, logs to syslog (a
# collector stands in for /dev/log in a private mount namespace), reloads on
# SIGHUP and stops on SIGTERM; a start failure is the command's exit status.
# NAT event logging with the card's firmware: a flow through a second card
# and an operator mapping become log lines and IPFIX records that a
# collector here decodes.
# Then `make install`: the systemd unit's programs and configuration file
# exist where the unit looks for them, the example configuration is valid,
# an operator's file is never overwritten, and every man page a man page
# refers to is installed.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require_root "realmgated daemon mode"
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/$BUILD/host/bin
for t in "$BIN/realmgated" "$BIN/realmctl" "$BIN/nicsim"; do
	[ -x "$t" ] || { tap_fail "built: $t"; tap_done; exit 1; }
done
T=$NETNS_TMP
NAME="rgt$$-d"

netns_new gw && GW=$NETNS_LAST
netns_new lan && LAN=$NETNS_LAST
netns_veth "$GW" in0 "$LAN" eth0 # the inside address the daemon listens on
ip -n "$GW" addr add 192.168.1.1/24 dev in0

"$BIN/nicsim" --name "$NAME" --inside "pcap:," --outside "pcap:," --pidfile "$T/nicsim.pid" \
	2>"$T/nicsim.log" &
NICSIM=$!
NETNS_PIDS+=("$NICSIM")
for _ in $(seq 50); do [ -s "$T/nicsim.pid" ] && break; sleep 0.1; done

cat >"$T/gw.conf" <<CONF
card = "sim:$NAME";
state_db = "$T/state.db";
control_socket = "$T/ctl.sock";
inside = { address = "192.168.1.1"; prefix = 24; };
outside = { address = "203.0.113.1"; prefix = 24; };
pools = ( { id = 1; addresses = [ "203.0.113.1" ]; } );
CONF

# the syslog collector: one line per datagram, as /dev/log would get them
python3 - "$T/log.sock" "$T/syslog.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    out.write(s.recv(4096).decode(errors="replace").rstrip("\n") + "\n")
    out.flush()
PY
NETNS_PIDS+=("$!")
for _ in $(seq 50); do [ -S "$T/log.sock" ] && break; sleep 0.1; done

# detached ARGS...: run ARGS in the gateway namespace and in a private mount
# namespace whose /dev has the devices the daemon needs and /dev/log = the
# collector; the working directory is $T
detached() {
	ip netns exec "$GW" unshare -m --propagation private bash -c '
		set -e
		T=$1
		shift
		mkdir -p "$T/olddev"
		mount --rbind /dev "$T/olddev"
		mount -t tmpfs -o mode=0755 rgdev /dev
		for n in null zero full random urandom; do
			touch "/dev/$n"
			mount --bind "$T/olddev/$n" "/dev/$n"
		done
		mkdir /dev/shm
		mount --rbind "$T/olddev/shm" /dev/shm
		ln -s "$T/log.sock" /dev/log
		cd "$T"
		exec "$@"' detached "$T" "$@"
}
in_syslog() { # wait up to 5 s for a line matching the pattern
	for _ in $(seq 50); do grep -qE "$1" "$T/syslog.txt" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# ---- daemon mode -------------------------------------------------------------------
# relative paths on purpose: the daemon works in / and must still find them
detached timeout 20 "$BIN/realmgated" -d -c gw.conf --pidfile rgd.pid >"$T/start.out" 2>&1
rc=$?
[ $rc -eq 0 ] && tap_ok "realmgated -d returns 0 once it serves" || tap_fail "realmgated -d returns 0 once it serves" "rc $rc: $(cat "$T/start.out")"
pid=$(cat "$T/rgd.pid" 2>/dev/null)
[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = realmgated ] &&
	tap_ok "... with its pid file written by then" || tap_fail "... with its pid file written by then" "pid '$pid'"
[[ $pid =~ ^[0-9]+$ ]] && NETNS_PIDS+=("$pid") || pid=none
sid=$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')
[ "$sid" = "$pid" ] && [ "$(readlink "/proc/$pid/fd/0")" = /dev/null ] &&
	[ "$(readlink "/proc/$pid/fd/2")" = /dev/null ] && [ "$(readlink "/proc/$pid/cwd")" = / ] &&
	tap_ok "... detached: own session, no terminal, working directory /" ||
	tap_fail "... detached: own session, no terminal, working directory /" "sid $sid, $(ls -l "/proc/$pid/fd/" 2>&1 | head -4)"
out=$("$BIN/realmctl" -S "$T/ctl.sock" status 2>&1)
rc=$?
[ $rc -eq 0 ] && [[ $out == "card        sim:$NAME (ok)"* ]] && tap_ok "realmctl status through its socket" ||
	tap_fail "realmctl status through its socket" "rc $rc: $out"
in_syslog "realmgated\[$pid\]: serving on card sim:$NAME" && tap_ok "it logs to syslog" ||
	tap_fail "it logs to syslog" "$(tail -3 "$T/syslog.txt" 2>&1)"
[ ! -s "$T/start.out" ] && tap_ok "... and nothing to the terminal once started" || tap_fail "... and nothing to the terminal once started" "$(cat "$T/start.out")"
kill -HUP "$pid" 2>/dev/null
in_syslog "realmgated\[$pid\]: configuration reloaded" && tap_ok "SIGHUP reloads the file given by a relative path" ||
	tap_fail "SIGHUP reloads the file given by a relative path" "$(tail -3 "$T/syslog.txt")"
kill -TERM "$pid" 2>/dev/null
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ "$pid" != none ] && ! kill -0 "$pid" 2>/dev/null && [ ! -e "$T/rgd.pid" ] && [ ! -e "$T/ctl.sock" ] &&
	tap_ok "SIGTERM stops it, removing the pid file and the socket" ||
	tap_fail "SIGTERM stops it, removing the pid file and the socket" "$(ls "$T")"
in_syslog "realmgated\[$pid\]: signal 15: stopping" && tap_ok "... and it logs the stop" || tap_fail "... and it logs the stop"

detached timeout 20 "$BIN/realmgated" -d -c gw.conf --card "sim:$NAME-none" --pidfile rgd2.pid \
	>"$T/fail.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "realmgated: error: card sim:$NAME-none: " "$T/fail.out" &&
	tap_ok "a daemon that cannot start: exit 1 and the reason on stderr" ||
	tap_fail "a daemon that cannot start: exit 1 and the reason on stderr" "rc $rc: $(cat "$T/fail.out")"
sleep 0.2
[ ! -e "$T/rgd2.pid" ] && ! pgrep -f "sim:$NAME-none" >/dev/null && tap_ok "... leaving no process and no pid file" ||
	tap_fail "... leaving no process and no pid file"
in_syslog "realmgated\[[0-9]+\]: card sim:$NAME-none: " && tap_ok "... and the reason in syslog" || tap_fail "... and the reason in syslog"
lines=$(wc -l <"$T/syslog.txt")
out=$(ip netns exec "$GW" "$BIN/realmgated" -f -c "$T/gw.conf" --card "sim:$NAME-none" 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == "realmgated: error: card sim:$NAME-none: "* ]] && [ "$(wc -l <"$T/syslog.txt")" = "$lines" ] &&
	tap_ok "in the foreground it logs to stderr, not syslog" || tap_fail "in the foreground it logs to stderr, not syslog" "rc $rc: $out"

# ---- NAT event logging: lines and IPFIX from the card's events ----------------------------
# a second card whose inside port sends a UDP flow 10.0.0.2:4000 -> 203.0.113.2:53
# (one frame every 300 ms: the first after the daemon configured the card
# makes the session)
python3 - "$T/udp.pcap" <<'PY'
import struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
udp = struct.pack("!HHHH", 4000, 53, 8 + 4, 0) + b"rgt!"
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([10, 0, 0, 2]), bytes([203, 0, 113, 2]))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
frame = bytes.fromhex("025247000010" "02000a000002" "0800") + ip + udp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(60):
        f.write(struct.pack("<IIII", i, 0, len(frame), len(frame)) + frame)
PY
"$BIN/nicsim" --name "$NAME-n" --inside "pcap:$T/udp.pcap,,gap=300,start=300" --outside "pcap:," \
	--pidfile "$T/nicsim-n.pid" 2>"$T/nicsim-n.log" &
NETNS_PIDS+=("$!")
for _ in $(seq 50); do [ -s "$T/nicsim-n.pid" ] && break; sleep 0.1; done
ip -n "$GW" addr add 10.0.0.1/24 dev in0
# the collector: one line per data record, "natEvent=N ie=value ...",
# decoded with the templates it was sent (RFC 7011)
ip netns exec "$GW" python3 - "$T/ipfix.txt" <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 4739))
out = open(sys.argv[1], "a")
tmpl = {}
while True:
    d = s.recv(65536)
    ver, length, _, _, dom = struct.unpack("!HHIII", d[:16])
    if ver != 10 or length != len(d):
        out.write("bad message\n"); out.flush(); continue
    off = 16
    while off + 4 <= len(d):
        sid, slen = struct.unpack("!HH", d[off:off + 4])
        body, off = d[off + 4:off + slen], off + slen
        if sid == 2:
            p = 0
            while p + 4 <= len(body):
                tid, n = struct.unpack("!HH", body[p:p + 4])
                tmpl[tid] = [struct.unpack("!HH", body[p + 4 + 4 * i:p + 8 + 4 * i]) for i in range(n)]
                p += 4 + 4 * n
        elif sid in tmpl:
            rl = sum(l for _, l in tmpl[sid])
            for r in range(len(body) // rl):
                rec, p = {}, r * rl
                for ie, l in tmpl[sid]:
                    v = int.from_bytes(body[p:p + l], "big")
                    rec[ie] = socket.inet_ntoa(struct.pack("!I", v)) if ie in (8, 12, 225) else v
                    p += l
                out.write("natEvent=%d " % rec.pop(230) + " ".join("%d=%s" % kv for kv in sorted(rec.items()) if kv[0] != 323) + "\n")
        else:
            out.write("data set %d before its template\n" % sid)
    out.flush()
PY
NETNS_PIDS+=("$!")
netns_wait_port "$GW" 4739 udp 5
natconf() { # natconf NAT_LOG-SETTINGS
	cat >"$T/nat.conf" <<CONF
card = "sim:$NAME-n";
state_db = "$T/nat.db";
control_socket = "$T/nat.sock";
inside = { address = "10.0.0.1"; prefix = 24; };
outside = { address = "203.0.113.1"; prefix = 24; };
pools = ( { id = 1; mode = "port-block"; block_size = 256; addresses = [ "203.0.113.1" ]; } );
nat_log = { ipfix_collector = "127.0.0.1"; $1 };
CONF
}
natconf ""
netns_bg "$GW" "$BIN/realmgated" -f -c "$T/nat.conf" 2>"$T/nat.log"
RGD=$NETNS_LAST_PID
line=
for _ in $(seq 150); do
	line=$(grep -o "NAT session-create proto=udp inside=10\.0\.0\.2:4000 .*" "$T/nat.log" | head -1)
	[ -n "$line" ] && break
	sleep 0.1
done
[[ $line =~ ^NAT\ session-create\ proto=udp\ inside=10\.0\.0\.2:4000\ outside=203\.0\.113\.1:([0-9]+)$ ]] &&
	tap_ok "a session the card makes is logged (no destination by default)" ||
	tap_fail "a session the card makes is logged (no destination by default)" "$(tail -5 "$T/nat.log")"
P=${BASH_REMATCH[1]:-none}
blk=$(grep -o "NAT port-block-alloc inside=10\.0\.0\.2 outside=203\.0\.113\.1 ports=[0-9]*-[0-9]*" "$T/nat.log")
lo=${blk##*=} lo=${lo%-*} hi=${blk##*-}
[ -n "$blk" ] && [ "$P" != none ] && [ "$P" -ge "$lo" ] && [ "$P" -le "$hi" ] && [ $((hi - lo + 1)) = 256 ] &&
	tap_ok "... and its subscriber's port block ($lo-$hi)" || tap_fail "... and its subscriber's port block" "$blk"
"$BIN/realmctl" -S "$T/nat.sock" events --wait 3 >"$T/events.txt" 2>&1 &
EVP=$!
sleep 0.5 # subscribed
"$BIN/realmctl" -S "$T/nat.sock" mappings add udp 10.0.0.3:6000 --lifetime 600 >/dev/null
"$BIN/realmctl" -S "$T/nat.sock" mappings del udp 10.0.0.3:6000 >/dev/null
for _ in $(seq 30); do grep -q "NAT mapping-delete proto=udp inside=10.0.0.3:6000" "$T/nat.log" && break; sleep 0.1; done
wait $EVP
grep -qE "^card mapping-create seq [0-9]+ proto=udp inside=10\.0\.0\.3:6000 outside=203\.0\.113\.1:[0-9]+ owner=cli$" "$T/events.txt" &&
	grep -qE "^card mapping-delete seq [0-9]+ proto=udp inside=10\.0\.0\.3:6000 outside=203\.0\.113\.1:[0-9]+ owner=cli reason=deleted$" "$T/events.txt" &&
	tap_ok "realmctl events through the daemon: the card's events with what they say" ||
	tap_fail "realmctl events through the daemon: the card's events with what they say" "$(grep card "$T/events.txt" | tail -4)"
grep -qE "NAT mapping-create proto=udp inside=10\.0\.0\.3:6000 outside=203\.0\.113\.1:[0-9]+ owner=cli$" "$T/nat.log" &&
	grep -qE "NAT mapping-delete proto=udp inside=10\.0\.0\.3:6000 outside=203\.0\.113\.1:[0-9]+ owner=cli reason=deleted$" "$T/nat.log" &&
	tap_ok "an operator mapping's create and delete are logged" || tap_fail "an operator mapping's create and delete are logged" "$(grep NAT "$T/nat.log" | tail -4)"
for _ in $(seq 30); do grep -q "^natEvent=9 " "$T/ipfix.txt" 2>/dev/null && break; sleep 0.1; done
grep -qx "natEvent=4 4=17 7=4000 8=10.0.0.2 225=203.0.113.1 227=$P" "$T/ipfix.txt" &&
	tap_ok "IPFIX: the session as an RFC 8158 NAT44 session create, without destination" ||
	tap_fail "IPFIX: the session as an RFC 8158 NAT44 session create, without destination" "$(head -5 "$T/ipfix.txt")"
grep -qx "natEvent=16 8=10.0.0.2 225=203.0.113.1 361=$lo 362=$hi" "$T/ipfix.txt" &&
	tap_ok "IPFIX: the port block allocation" || tap_fail "IPFIX: the port block allocation" "$(cat "$T/ipfix.txt")"
grep -qE "^natEvent=8 4=17 7=6000 8=10\.0\.0\.3 225=203\.0\.113\.1 227=[0-9]+$" "$T/ipfix.txt" &&
	grep -qE "^natEvent=9 4=17 7=6000 8=10\.0\.0\.3 225=203\.0\.113\.1 227=[0-9]+$" "$T/ipfix.txt" &&
	tap_ok "IPFIX: the mapping's BIB create and delete" || tap_fail "IPFIX: the mapping's BIB create and delete" "$(cat "$T/ipfix.txt")"
! grep -qv "^natEvent=" "$T/ipfix.txt" && tap_ok "IPFIX: every message decodes" || tap_fail "IPFIX: every message decodes" "$(grep -v "^natEvent=" "$T/ipfix.txt")"
natconf "syslog = false;"
kill -HUP "$RGD"
for _ in $(seq 30); do [ "$(grep -c "configuration reloaded" "$T/nat.log")" -ge 1 ] && break; sleep 0.1; done
"$BIN/realmctl" -S "$T/nat.sock" mappings add udp 10.0.0.3:6001 --lifetime 600 >/dev/null
for _ in $(seq 30); do grep -q "^natEvent=8 .*7=6001 " "$T/ipfix.txt" && break; sleep 0.1; done
grep -q "^natEvent=8 .*7=6001 " "$T/ipfix.txt" && ! grep -q "NAT mapping-create proto=udp inside=10.0.0.3:6001" "$T/nat.log" &&
	tap_ok "nat_log.syslog = false stops the lines, IPFIX goes on" || tap_fail "nat_log.syslog = false stops the lines, IPFIX goes on" "$(tail -3 "$T/nat.log")"
kill -TERM "$RGD"

# ---- make install ---------------------------------------------------------------------
R=$T/root
# `-o all`: install what the build made, never rebuild here
if make -s -C "$ROOT" -o all BUILD="$BUILD" PREFIX=/usr DESTDIR="$R" install >"$T/install.out" 2>&1; then
	tap_ok "make install"
else
	tap_fail "make install" "$(tail -3 "$T/install.out")"
fi
unit=$R/usr/lib/systemd/system/realmgated.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" 2>/dev/null)
prog=${exec_start%% *}
conf=$(echo "$exec_start" | sed -n 's/.* -c \([^ ]*\).*/\1/p')
[ "$prog" = /usr/bin/realmgated ] && [ -x "$R$prog" ] && [ -n "$conf" ] && [ -r "$R$conf" ] &&
	tap_ok "the unit's ExecStart program and configuration file are installed ($prog, $conf)" ||
	tap_fail "the unit's ExecStart program and configuration file are installed" "ExecStart=$exec_start"
cmp -s "$R$conf" "$ROOT/etc/realmgated.conf" && "$BIN/realmgated" --check-config -c "$R$conf" >/dev/null &&
	tap_ok "... it is the example, and valid" || tap_fail "... it is the example, and valid" "$("$BIN/realmgated" --check-config -c "$R$conf" 2>&1)"
echo "# the operator's" >>"$R$conf"
make -s -C "$ROOT" -o all BUILD="$BUILD" PREFIX=/usr DESTDIR="$R" install >/dev/null 2>&1
tail -1 "$R$conf" | grep -q "the operator's" && tap_ok "a second install keeps the operator's file" ||
	tap_fail "a second install keeps the operator's file"
[ -r "$R/usr/share/man/man1/realmlab.1" ] && [ -x "$R/usr/bin/realmlab" ] &&
	tap_ok "realmlab and realmlab(1) are installed" || tap_fail "realmlab and realmlab(1) are installed"
missing=""
for page in "$R"/usr/share/man/man*/*; do
	for ref in $(sed -n '/^\.SH SEE ALSO/,/^\.SH/p' "$page" | sed -n 's/^\.BR \([a-z.-]*\) (\([0-9]\)).*/\1.\2/p'); do
		[ "$ref" = natpmpc.1 ] && continue # Debian's
		[ -e "$R/usr/share/man/man${ref##*.}/$ref" ] || missing="$missing $(basename "$page")->$ref"
	done
done
[ -z "$missing" ] && tap_ok "every page SEE ALSO names is installed" || tap_fail "every page SEE ALSO names is installed" "$missing"
if command -v groff >/dev/null; then
	warned=""
	for page in "$R"/usr/share/man/man*/*; do
		w=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$w" ] || warned="$warned $(basename "$page"): $w"
	done
	[ -z "$warned" ] && tap_ok "every man page renders without warnings" ||
		tap_fail "every man page renders without warnings" "$warned"
else
	tap_skip "every man page renders without warnings" "groff not installed"
fi
tap_done
