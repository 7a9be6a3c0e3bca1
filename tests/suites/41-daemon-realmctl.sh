#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# realmctl's daemon commands with the real realmctl binary against the
# daemon's event loop, store and control socket (rgd-testd: realmgated on
# the card test double, as in 40-daemon-protocols.sh): pools, mappings
# add/del with filters and lifetimes, reload, config check and events, with
# the outputs and exit statuses of docs/man/realmctl.8. Then what a reload
# must refuse (host_tap) or do (control_group, a new outside address: new
# PCP epoch and ANNOUNCE), the control socket's group check with a
# supplementary member, and the epoch going on across kill -9.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require_root "realmctl through the daemon"
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TESTD=$ROOT/$BUILD/host/tools/rgd-testd
BIN=$ROOT/$BUILD/host/bin
for t in "$TESTD" "$BIN/realmgated" "$BIN/realmctl" "$BIN/pcp-client"; do
	[ -x "$t" ] || { tap_fail "built: $t"; tap_done; exit 1; }
done

netns_new gw && GW=$NETNS_LAST
netns_new lan && LAN=$NETNS_LAST
netns_veth "$GW" in0 "$LAN" eth0
ip -n "$GW" addr add 192.168.1.1/24 dev in0
ip -n "$LAN" addr add 192.168.1.10/24 dev eth0

D=$NETNS_TMP
# the socket's directory must be reachable by the unprivileged test users
SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/rgctl.XXXXXX")
chmod 0755 "$SOCKDIR"
SOCK=$SOCKDIR/ctl.sock
G="rgt$$g" GP="rgt$$p" U_MEMBER="rgt$$m" U_OTHER="rgt$$o"
USERS_MADE=0
cleanup() {
	netns_cleanup
	rm -rf "$SOCKDIR"
	if [ "$USERS_MADE" = 1 ]; then
		userdel "$U_MEMBER" 2>/dev/null
		userdel "$U_OTHER" 2>/dev/null
		groupdel "$G" 2>/dev/null
		groupdel "$GP" 2>/dev/null
	fi
}
trap cleanup EXIT

# conf [EXTRA-TOP-LEVEL] [OUTSIDE-ADDRESS] [POOL-2-NAME]
conf() {
	cat >"$D/gw.conf" <<CONF
state_db = "$D/state.db";
control_socket = "$SOCK";
${1:-}
inside = { address = "192.168.1.1"; prefix = 24; };
outside = { address = "${2:-203.0.113.1}"; prefix = 24; };
pools = (
  { id = 1; name = "main"; addresses = [ "203.0.113.1" ]; ports = "1024-65535"; },
  { id = 2; name = "${3:-blocks}"; mode = "port-block"; block_size = 256; ports = "2000-9999";
    filtering = "address-dependent"; addresses = [ "203.0.113.16/30", "203.0.113.40-203.0.113.41" ];
    subscribers = "192.168.1.128/25"; }
);
pcp = { announce_to = "192.168.1.10"; min_lifetime = 2; max_lifetime = 86400; };
dpm = { enabled = false; };
CONF
}

ctl() { "$BIN/realmctl" -S "$SOCK" "$@"; }
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
expect() { # name expected-exit-code command... (stdout in $OUT, stderr in $ERR)
	local name=$1 want=$2
	shift 2
	OUT=$("$@" 2>"$D/stderr")
	local rc=$?
	ERR=$(cat "$D/stderr")
	if [ $rc -eq "$want" ]; then tap_ok "$name"; else
		tap_fail "$name" "exit $rc: $(echo "$OUT $ERR" | head -3 | tr '\n' ' ')"
	fi
}
epoch() { ctl --json status | json 'j["epoch"]'; }
wait_epoch() { # wait until the daemon's epoch is at least $1
	for _ in $(seq 100); do [ "$(epoch)" -ge "$1" ] 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

PID=
start_daemon() {
	netns_bg "$GW" "$TESTD" "$D/gw.conf"
	PID=$NETNS_LAST_PID
	for _ in $(seq 50); do
		[ -S "$SOCK" ] && ctl status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

conf
expect "no daemon: a daemon command exits 3" 3 "$BIN/realmctl" -S "$SOCKDIR/none.sock" status
[[ $ERR == *"needs realmgated"* ]] && tap_ok "... saying it needs realmgated" || tap_fail "... saying it needs realmgated" "$ERR"
# pools without the daemon are the card's: with no card either, it says so
expect "no daemon, no card: pools fails" 1 "$BIN/realmctl" -S "$SOCKDIR/none.sock" -d sim:t$$-none pools
[[ $ERR == *"sim:t$$-none"* ]] && tap_ok "... naming the card it looked for" || tap_fail "... naming the card it looked for" "$ERR"
start_daemon && tap_ok "daemon starts" || tap_fail "daemon starts"

# ---- pools ------------------------------------------------------------------------
expect "pools" 0 ctl pools
want="pool 1 main: dynamic, mapping endpoint-independent, filtering udp endpoint-independent tcp address-and-port-dependent icmp endpoint-independent
  ports 1024-65535, block 0, subscribers 0.0.0.0/0
  addresses 203.0.113.1-203.0.113.1
pool 2 blocks: port-block, mapping endpoint-independent, filtering udp address-dependent tcp address-dependent icmp address-dependent
  ports 2000-9999, block 256, subscribers 192.168.1.128/25
  addresses 203.0.113.16-203.0.113.19
  addresses 203.0.113.40-203.0.113.41"
[ "$OUT" = "$want" ] && tap_ok "... lists both pools with behaviour, ports and ranges" ||
	tap_fail "... lists both pools with behaviour, ports and ranges" "$OUT"
expect "pools --json" 0 ctl --json pools
n=$(echo "$OUT" | json '[(p["id"], p["name"], p["mode"], p["filtering"]["tcp"], p["ports"], p["block_size"], p["subscribers"], p["addresses"]) for p in j]')
[ "$n" = "[(1, 'main', 'dynamic', 'address-and-port-dependent', '1024-65535', 0, '0.0.0.0/0', ['203.0.113.1-203.0.113.1']), (2, 'blocks', 'port-block', 'address-dependent', '2000-9999', 256, '192.168.1.128/25', ['203.0.113.16-203.0.113.19', '203.0.113.40-203.0.113.41'])]" ] &&
	tap_ok "... with the same content" || tap_fail "... with the same content" "$n"

# ---- mappings add / del -------------------------------------------------------------
expect "mappings add with --lifetime and two --filter" 0 \
	ctl mappings add udp 192.168.1.10:6000 --lifetime 600 --filter 198.51.100.0/24:53 --filter 198.51.100.7
[[ $OUT =~ ^cli\ +udp\ +192\.168\.1\.10:6000\ +-\>\ +203\.0\.113\.1:[0-9]+\ +(59[0-9]|600)s\ filter\ 198\.51\.100\.0/24:53\ filter\ 198\.51\.100\.7/32:0$ ]] &&
	tap_ok "... answers the lease with its lifetime and filters" || tap_fail "... answers the lease with its lifetime and filters" "$OUT"
n=$(ctl --json mappings | json '[(m["owner"], m["inside"], 590 <= m["lifetime_left"] <= 600, m["filters"]) for m in j]')
[ "$n" = "[('cli', '192.168.1.10:6000', True, ['198.51.100.0/24:53', '198.51.100.7/32:0'])]" ] &&
	tap_ok "mappings --json shows it" || tap_fail "mappings --json shows it" "$n"
expect "mappings add --lifetime static --out PORT" 0 ctl --json mappings add tcp 192.168.1.10:22 --out 2222 --lifetime static
n=$(echo "$OUT" | json 'j["outside"] + " " + str(j["lifetime_left"])')
[ "$n" = "203.0.113.1:2222 -1" ] && tap_ok "... gets that port, without expiry" || tap_fail "... gets that port, without expiry" "$n"
expect "mappings add --out of a taken port is refused" 1 ctl mappings add tcp 192.168.1.11:22 --out 2222
[[ $ERR == *"refused: cannot-provide"* ]] && tap_ok "... saying cannot-provide" || tap_fail "... saying cannot-provide" "$ERR"
expect "mappings add with a bad filter is a usage error" 2 ctl mappings add udp 192.168.1.10:6001 --filter 198.51.100.1/33
expect "mappings add --lifetime 0 is a usage error" 2 ctl mappings add udp 192.168.1.10:6001 --lifetime 0
# shellcheck disable=SC2046 # nine separate --filter words
expect "mappings add of nine filters is a usage error" 2 ctl mappings add udp 192.168.1.10:6001 \
	$(for i in 1 2 3 4 5 6 7 8 9; do echo --filter 198.51.100.$i; done)
ctl --json mappings | json 'len(j)' | grep -qx 2 && tap_ok "refused adds leave no lease" ||
	tap_fail "refused adds leave no lease" "$(ctl mappings)"
# filters: the two leases are udp 192.168.1.10:6000 and tcp 192.168.1.10:22 (out 2222)
n=$(ctl --json mappings list --proto tcp | json '[m["inside"] for m in j]')
[ "$n" = "['192.168.1.10:22']" ] && tap_ok "mappings list --proto tcp" || tap_fail "mappings list --proto tcp" "$n"
n=$(ctl --json mappings --inside 192.168.1.10 --owner cli | json 'len(j)')
[ "$n" = 2 ] && tap_ok "mappings --inside ADDR --owner cli: both" || tap_fail "mappings --inside ADDR --owner cli: both" "$n"
n=$(ctl mappings --outside 203.0.113.1:2222)
[[ $n == *"192.168.1.10:22 "* && $(wc -l <<<"$n") = 1 ]] && tap_ok "mappings --outside ADDR:PORT: the one lease" ||
	tap_fail "mappings --outside ADDR:PORT: the one lease" "$n"
expect "mappings --owner pcp: none" 0 ctl mappings --owner pcp
[ "$OUT" = "no mappings" ] && tap_ok "... says no mappings" || tap_fail "... says no mappings" "$OUT"
expect "mappings with a bad filter is a usage error" 2 ctl mappings --proto sctp
[[ $ERR$OUT == *"--proto: bad value 'sctp'"* ]] && tap_ok "... naming it" || tap_fail "... naming it" "$ERR$OUT"
expect "mappings del" 0 ctl mappings del udp 192.168.1.10:6000
[ "$OUT" = deleted ] && tap_ok "... says deleted" || tap_fail "... says deleted" "$OUT"
expect "mappings del again: not found, exit 4" 4 ctl mappings del udp 192.168.1.10:6000
[[ $ERR == *"no such mapping"* ]] && tap_ok "... saying no such mapping" || tap_fail "... saying no such mapping" "$ERR"
expect "mappings del without an endpoint is a usage error" 2 ctl mappings del udp

# ---- events -----------------------------------------------------------------------------
# follow until one event; add mappings until the follower (subscribed at
# some moment we cannot see from here) reports one of them
ctl events --count 1 --wait 20 >"$D/ev.out" 2>&1 &
EV=$!
port=7000
while kill -0 $EV 2>/dev/null && [ $port -lt 7100 ]; do
	ctl mappings add udp 192.168.1.10:$port --lifetime 60 >/dev/null
	port=$((port + 1))
	sleep 0.1
done
wait $EV
rc=$?
[ $rc -eq 0 ] && grep -qE "^lease-create cli udp 192\.168\.1\.10:70[0-9]{2} -> 203\.0\.113\.1:[0-9]+ lifetime 60$" "$D/ev.out" &&
	[ "$(wc -l <"$D/ev.out")" = 1 ] &&
	tap_ok "events --count 1 shows a new lease and exits 0" || tap_fail "events --count 1 shows a new lease and exits 0" "rc $rc: $(cat "$D/ev.out")"
# the leases to delete are made before the follower starts (it sees none of
# them made), so there is one left to delete however late it subscribes
for p in $(seq 7200 7259); do
	ctl mappings add udp 192.168.1.10:$p --lifetime 60 >/dev/null
done
ctl --json events --count 1 --wait 20 >"$D/ev.json" 2>&1 &
EV=$!
p=7200
while kill -0 $EV 2>/dev/null && [ $p -lt 7260 ]; do
	ctl mappings del udp 192.168.1.10:$p >/dev/null 2>&1
	p=$((p + 1))
	sleep 0.1
done
wait $EV
n=$(json 'j["event"] + " " + j["owner"] + " " + j["inside"].split(":")[0]' <"$D/ev.json")
[ "$n" = "lease-delete cli 192.168.1.10" ] && tap_ok "events --json shows a lease deletion" || tap_fail "events --json shows a lease deletion" "$(cat "$D/ev.json")"
# lines that arrive in one read are all shown at once (a stand-in daemon
# writes the header and two events in one send, then stays silent)
python3 - "$SOCKDIR/fake.sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4); s.settimeout(10)
keep = []
while True:  # realmctl asks for the status first: a daemon is there
    c, _ = s.accept()
    req = c.recv(100)
    if req.startswith(b"events"):
        c.sendall(b"RG 0\nlease-create a\nlease-create b\n")
        keep.append(c)
        time.sleep(10)
        break
    c.sendall(b"RG 0\n{\"card\":\"fake\"}\n")
    c.close()
PY
FAKE=$!
for _ in $(seq 50); do [ -S "$SOCKDIR/fake.sock" ] && break; sleep 0.1; done
start=$(date +%s%N)
OUT=$("$BIN/realmctl" -S "$SOCKDIR/fake.sock" events --count 2 --wait 8 2>&1)
ms=$((($(date +%s%N) - start) / 1000000))
kill $FAKE 2>/dev/null
wait $FAKE 2>/dev/null
[ "$OUT" = "$(printf 'lease-create a\nlease-create b')" ] && [ $ms -lt 3000 ] &&
	tap_ok "events --count 2 shows two events read at once, at once" ||
	tap_fail "events --count 2 shows two events read at once, at once" "$ms ms: $OUT"
start=$(date +%s%N)
expect "events --wait 1 without events exits 0" 0 ctl events --wait 1
ms=$((($(date +%s%N) - start) / 1000000))
[ -z "$OUT" ] && [ $ms -ge 900 ] && [ $ms -lt 4000 ] && tap_ok "... after about a second, silent" ||
	tap_fail "... after about a second, silent" "$ms ms: $OUT"

# ---- clients that say nothing ----------------------------------------------------------
# sixteen silent connections take every control place: realmctl is told the
# daemon is busy (after asking again for a second), the protocols go on, and
# the daemon drops the silent ones after 5 s
python3 - "$SOCK" 7 <<'PY' &
import socket, sys, time
held = []
for _ in range(16):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sys.argv[1])
    held.append(c)
time.sleep(float(sys.argv[2]))
PY
HOLD=$!
sleep 0.5
expect "with every control place taken, realmctl fails" 1 ctl status
[[ $ERR == *"busy"* ]] && tap_ok "... saying the daemon is busy" || tap_fail "... saying the daemon is busy" "$OUT $ERR"
out=$(ip netns exec "$LAN" "$BIN/pcp-client" -T 300 -R 3 -s 192.168.1.1 announce)
[[ $out == "ANNOUNCE SUCCESS"* ]] && tap_ok "... while PCP is served" || tap_fail "... while PCP is served" "$out"
sleep 5
expect "silent clients are dropped after 5 s" 0 ctl status
kill $HOLD 2>/dev/null
wait $HOLD 2>/dev/null

# ---- config check and reload ------------------------------------------------------------
expect "config check (the daemon's file)" 0 ctl config check
[ "$OUT" = "$D/gw.conf: ok (2 pools, 0 rules)" ] && tap_ok "... says ok with the counts" || tap_fail "... says ok with the counts" "$OUT"
printf 'inside = { address = "192.168.1.1"; };\n\npools = 3;\n' >"$D/bad.conf"
expect "config check FILE with a mistake exits 1" 1 ctl config check "$D/bad.conf"
[[ $ERR == "$D/bad.conf:"[0-9]*": "* ]] && tap_ok "... naming FILE:LINE" || tap_fail "... naming FILE:LINE" "$ERR"
cp "$D/gw.conf" "$D/good.conf"
echo 'nat = { timeouts = { udp = 30; }; };' >>"$D/gw.conf"
line=$(wc -l <"$D/gw.conf")
expect "config check of the daemon's broken file exits 1" 1 ctl config check
[[ $ERR == "$D/gw.conf:$line: 'udp' = 30 is out of range"* ]] && tap_ok "... with file:line and the reason" ||
	tap_fail "... with file:line and the reason" "$ERR"
expect "reload of a broken file is refused (exit 1)" 1 ctl reload
[[ $ERR == "reload refused: $D/gw.conf:$line: "* ]] && tap_ok "... saying why" || tap_fail "... saying why" "$ERR"
ctl pools | grep -q "^pool 2 blocks:" && tap_ok "... and the old configuration stays" || tap_fail "... and the old configuration stays"
leases=$(ctl mappings | sort)
conf "" "" "renamed"
expect "reload" 0 ctl reload
[ "$OUT" = reloaded ] && ctl pools | grep -q "^pool 2 renamed:" && [ "$(ctl --json status | json 'j["reloads"]')" = 1 ] &&
	tap_ok "... applies the new file" || tap_fail "... applies the new file" "$OUT"
strip() { sed 's/ [0-9]*s\b//'; }
[ "$(ctl mappings | sort | strip)" = "$(echo "$leases" | strip)" ] && tap_ok "... keeping the leases" ||
	tap_fail "... keeping the leases" "$(ctl mappings)"

# ---- reload: what needs a restart -------------------------------------------------------
conf 'host_tap = "rgtap0";' "" "renamed"
expect "reload with a new host_tap is refused" 1 ctl reload
[[ $ERR == *"host_tap"*"need a restart"* ]] && tap_ok "... as needing a restart" || tap_fail "... as needing a restart" "$ERR"
ip -n "$GW" link show rgtap0 >/dev/null 2>&1 && tap_fail "... and no TAP appears" || tap_ok "... and no TAP appears"
conf "" "" "renamed"

# ---- control_group ------------------------------------------------------------------------
conf 'control_group = "rg-no-such-group";'
line=$(grep -n control_group "$D/gw.conf" | cut -d: -f1)
expect "a control_group that does not exist is a configuration error" 1 "$BIN/realmgated" --check-config -c "$D/gw.conf"
[ "$ERR" = "$D/gw.conf:$line: control_group 'rg-no-such-group': no such group" ] &&
	tap_ok "... with file:line" || tap_fail "... with file:line" "$ERR"
expect "... and a reload to it is refused" 1 ctl reload
[ "$(stat -c %a "$SOCK")" = 600 ] && tap_ok "... leaving the socket root-only" || tap_fail "... leaving the socket root-only" "$(stat -c %a "$SOCK")"
if command -v groupadd >/dev/null && command -v useradd >/dev/null && command -v setpriv >/dev/null &&
	groupadd "$G" && groupadd "$GP" && USERS_MADE=1 &&
	useradd -M -N -g "$GP" -G "$G" -s /usr/sbin/nologin "$U_MEMBER" &&
	useradd -M -N -g "$GP" -s /usr/sbin/nologin "$U_OTHER"; then
	as() { local u=$1; shift; setpriv --reuid="$u" --regid="$GP" --init-groups "$@"; }
	conf "control_group = \"$G\";"
	expect "reload applies a new control_group" 0 ctl reload
	[ "$(stat -c '%a %G' "$SOCK")" = "660 $G" ] && tap_ok "... to the socket (0660, group $G)" ||
		tap_fail "... to the socket (0660, group $G)" "$(stat -c '%a %G' "$SOCK")"
	expect "a supplementary member of control_group is let in" 0 as "$U_MEMBER" "$BIN/realmctl" -S "$SOCK" status
	[[ $OUT == "card        test-double"* ]] && tap_ok "... and gets the status" || tap_fail "... and gets the status" "$OUT $ERR"
	expect "a user outside control_group is kept out (exit 1)" 1 as "$U_OTHER" "$BIN/realmctl" -S "$SOCK" status
	[[ $ERR == "realmctl: $SOCK: permission denied (root or realmgated's control_group only)" ]] &&
		tap_ok "... saying so" || tap_fail "... saying so" "$ERR"
else
	tap_skip "control_group with a supplementary member" "cannot create test users (groupadd/useradd/setpriv)"
fi
conf
ctl reload >/dev/null
[ "$(stat -c %a "$SOCK")" = 600 ] && tap_ok "reload without control_group makes the socket root-only again" ||
	tap_fail "reload without control_group makes the socket root-only again" "$(stat -c %a "$SOCK")"

# ---- epoch and ANNOUNCE -------------------------------------------------------------------
listen_announce() { # collect unsolicited messages at 192.168.1.10:5350 into $1 for $2 s
	ip netns exec "$LAN" python3 - "$1" "$2" <<'PY' &
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.1.10", 5350))
open(sys.argv[1] + ".ready", "w").close()
end = time.time() + float(sys.argv[2])
out = open(sys.argv[1], "w")
while time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        break
    if len(d) >= 12 and d[0] == 2 and d[1] == 128:    # PCP ANNOUNCE response
        out.write("pcp %d\n" % struct.unpack("!I", d[8:12]))
    elif len(d) == 12 and d[0] == 0 and d[1] == 128:  # NAT-PMP public address
        out.write("natpmp %d %s\n" % (struct.unpack("!I", d[4:8])[0], socket.inet_ntoa(d[8:12])))
    out.flush()
PY
	LISTENER=$!
	for _ in $(seq 50); do [ -e "$1.ready" ] && break; sleep 0.1; done
}
wait_epoch 3 && tap_ok "the epoch counts seconds" || tap_fail "the epoch counts seconds" "$(epoch)"
before=$(epoch)
listen_announce "$D/ann.out" 3
conf "" "203.0.113.5"
expect "reload with a new outside address" 0 ctl reload
after=$(epoch)
wait $LISTENER
[ "$after" -lt "$before" ] && [ "$after" -le 1 ] && tap_ok "... starts a new PCP epoch ($before -> $after)" ||
	tap_fail "... starts a new PCP epoch" "$before -> $after"
grep -qE "^pcp [01]$" "$D/ann.out" && tap_ok "... and sends an unsolicited ANNOUNCE with it" ||
	tap_fail "... and sends an unsolicited ANNOUNCE with it" "$(cat "$D/ann.out")"
grep -qE "^natpmp [01] 203\.0\.113\.1$" "$D/ann.out" && tap_ok "... and the NAT-PMP address announcement" ||
	tap_fail "... and the NAT-PMP address announcement" "$(cat "$D/ann.out")"
out=$(ip netns exec "$LAN" "$BIN/pcp-client" -T 300 -R 3 -s 192.168.1.1 announce)
e=${out##* }
# without the reset the epoch would be past before + the 3 s of listening
[[ $out == "ANNOUNCE SUCCESS epoch "* ]] && [ "$e" -lt $((before + 3)) ] && tap_ok "... which PCP answers carry too" || tap_fail "... which PCP answers carry too" "$out"

out=$(ip netns exec "$LAN" "$BIN/pcp-client" -T 300 -R 3 -s 192.168.1.1 map udp 4000)
[[ $out == "MAP SUCCESS"* ]] && tap_ok "a PCP lease before kill -9" || tap_fail "a PCP lease before kill -9" "$out"
wait_epoch 3
before=$(epoch)
kill -9 "$PID"
wait "$PID" 2>/dev/null
start_daemon && tap_ok "daemon restarts after kill -9" || tap_fail "daemon restarts after kill -9"
after=$(epoch)
[ "$after" -ge "$before" ] && tap_ok "the epoch goes on when every lease came back ($before -> $after)" ||
	tap_fail "the epoch goes on when every lease came back" "$before -> $after"
tap_done
