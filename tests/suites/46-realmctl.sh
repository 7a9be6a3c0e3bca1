#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# realmctl against a simulated card (nicsim on pcap ports, no root needed):
# every command, its --json form, clear errors without a card, bad input
# refused by realmctl (usage, config file lines) or by the card (status),
# events, and a card reset.
set -u
. "$(dirname "$0")/../lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/${BUILD:-build}/host/bin
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rgctl.XXXXXX")
NAME="t$$-ctl"
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
ctl() { "$BIN/realmctl" -d "sim:$NAME" "$@"; }
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
expect() { # name expected-exit-code command... (output in $OUT)
	local name=$1 want=$2
	shift 2
	OUT=$("$@" 2>&1)
	local rc=$?
	if [ $rc -eq "$want" ]; then tap_ok "$name"; else tap_fail "$name" "exit $rc: $(echo "$OUT" | head -3 | tr '\n' ' ')"; fi
}

# ---- without a card ----------------------------------------------------------
expect "info without a card fails" 1 "$BIN/realmctl" -d "sim:$NAME" info
echo "$OUT" | grep -q "is nicsim running" && tap_ok "... and says why" || tap_fail "... and says why" "$OUT"
expect "devices works without any card" 0 "$BIN/realmctl" devices
echo "$OUT" | grep -q "^PCI: " && tap_ok "... and reports the PCI scan" || tap_fail "... and reports the PCI scan" "$OUT"
n=$("$BIN/realmctl" --json devices | json '"pci" in j and isinstance(j["devices"], list)')
[ "$n" = True ] && tap_ok "devices --json" || tap_fail "devices --json"
expect "unknown command is a usage error" 2 "$BIN/realmctl" frobnicate
expect "bad endpoint is a usage error" 2 ctl mapping add tcp 10.0.0.2 203.0.113.1:80
# numbers are numbers: no trailing letters, no sign, within range
for args in "events --count 1x" "events --wait -1" "--timeout 10ms info" "sessions --limit 5k" \
	"mapping add tcp 10.0.0.2:80 --lifetime 4294967296"; do
	# shellcheck disable=SC2086
	expect "realmctl $args is a usage error" 2 ctl $args
done
for args in "-T 1s announce" "-R -1 announce" "-l 60x map udp 5000"; do
	# shellcheck disable=SC2086
	expect "pcp-client $args is a usage error" 2 "$BIN/pcp-client" -s 127.0.0.1 $args
done
for args in "-l -5 127.0.0.1 80 true" "-P 0 127.0.0.1 80 true" "127.0.0.1 80x true"; do
	# shellcheck disable=SC2086
	expect "dpm-run $args is a usage error" 2 "$BIN/dpm-run" -s 127.0.0.1 $args
done
# a card file refused before the card: usage status, FILE:LINE and the reason
refused_file() { # name file-text message
	printf '%b' "$2" >"$TMP/refused.conf"
	expect "$1 is refused before the card" 2 ctl config apply "$TMP/refused.conf"
	echo "$OUT" | grep -qF "refused.conf:$3" &&
		tap_ok "... with FILE:LINE and the reason" || tap_fail "... with FILE:LINE and the reason" "$OUT"
}
refused_file "a config file mistake" 'inside 10.0.0.1/24\npool 0 203.0.113.1 mapping sideways\n' \
	"2: pool: mapping is eim, adm or apdm, not 'sideways'"
refused_file "a VLAN id above 4094" 'inside 10.0.0.1/24\noutside-vlan 4095\n' \
	"2: outside-vlan: VLAN id is 0..4094 (0 = untagged), not '4095'"

# ---- with a card ---------------------------------------------------------------
python3 "$ROOT/tests/lib/pcap_check.py" write "$TMP/in.pcap" \
	echo:02:00:0a:00:00:02,02:52:47:00:00:10,10.0.0.2,203.0.113.2,99 \
	echo:02:00:0a:00:00:03,02:52:47:00:00:10,10.0.0.3,203.0.113.3,77
# start_card NAME INPUT LOG: nicsim on pcap ports as card sim:NAME, its
# inside input replayed 2.5 s after start; PID set, returns once it runs
start_card() {
	NAME=$1
	rm -f "$TMP/pid"
	"$BIN/nicsim" --name "$NAME" --inside "pcap:$2,,start=2500" --outside "pcap:," \
		--pidfile "$TMP/pid" 2>"$3" &
	PID=$!
	for _ in $(seq 1 50); do [ -s "$TMP/pid" ] && break; sleep 0.1; done
}
start_card "$NAME" "$TMP/in.pcap" "$TMP/nicsim.log"
printf 'inside 10.0.0.1/24\noutside 203.0.113.1/24\npool 0 203.0.113.1\nmapping udp 10.0.0.3:5000 203.0.113.1:5000\n' >"$TMP/card.conf"
expect "config apply" 0 ctl config apply "$TMP/card.conf"
n=$(ctl --json config show | json 'j["inside"] + "/" + str(j["inside_plen"]) + " " + j["outside"]')
[ "$n" = "10.0.0.1/24 203.0.113.1" ] && tap_ok "config show --json" || tap_fail "config show --json" "$n"
n=$(ctl --json info | json 'j["fastpath"] + " " + str(j["contract_version"])')
cv=$(sed -n 's/^#define RG_CONTRACT_VERSION \([0-9]*\)u.*/\1/p' "$RG_ROOT/include/realmgate/regmap.h")
[ "$n" = "soft $cv" ] && tap_ok "info --json" || tap_fail "info --json" "$n (contract $cv)"
expect "info" 0 ctl info
printf 'timeout udp 600\ntimeout icmp 90\nhairpin off\n' >"$TMP/timers.conf"
expect "config apply of timeouts and behaviour" 0 ctl config apply "$TMP/timers.conf"
n=$(ctl --json config show | json 'str(j["udp_timeout_s"]) + " " + str(j["icmp_timeout_s"]) + " " + str(j["hairpin"]) + " " + j["inside"]')
[ "$n" = "600 90 False 10.0.0.1" ] && tap_ok "... are on the card, the rest kept" || tap_fail "... are on the card, the rest kept" "$n"
refused_file "a UDP timeout below 120 s" 'timeout udp 10\n' \
	"1: timeout: udp is 120..604800 seconds (RFC 4787 REQ-5), not '10'"
# what only the card knows: its pool holds 203.0.113.1
printf 'inside 203.0.113.1/24\n' >"$TMP/clash.conf"
expect "the card refuses a pool address as its inside address" 1 ctl config apply "$TMP/clash.conf"
echo "$OUT" | grep -q "config set: already exists" &&
	tap_ok "... with the card's status" || tap_fail "... with the card's status" "$OUT"
n=$(ctl --json config show | json 'j["inside"]')
[ "$n" = "10.0.0.1" ] && tap_ok "... and keeps its configuration" || tap_fail "... and keeps its configuration" "$n"

expect "mapping add" 0 ctl mapping add tcp 10.0.0.2:8080 203.0.113.1:8080
expect "mapping add --exact of a taken outside port fails" 1 ctl mapping add tcp 10.0.0.3:8080 203.0.113.1:8080 --lifetime 60 --exact
echo "$OUT" | grep -q "requested address or port not available" && tap_ok "... saying so" || tap_fail "... saying so" "$OUT"
n=$(ctl --json mapping add tcp 10.0.0.3:8080 203.0.113.1:8080 --lifetime 60 | json 'j["outside_port"]')
[ -n "$n" ] && [ "$n" != 8080 ] && tap_ok "mapping add of a taken outside port gets another ($n)" || tap_fail "mapping add of a taken outside port gets another" "$n"
n=$(ctl --json mapping list | json 'sorted((m["proto"], m["inside"], m["inside_port"], m["outside_port"]) for m in j["mappings"] if m["owner"] == "static")')
[ "$n" = "[('tcp', '10.0.0.2', 8080, 8080), ('udp', '10.0.0.3', 5000, 5000)]" ] && tap_ok "mapping list --json (config file and CLI mappings)" || tap_fail "mapping list --json" "$n"
n=$(ctl --json mapping get tcp 10.0.0.2:8080 | json 'j["outside_port"]')
[ "$n" = 8080 ] && tap_ok "mapping get --json" || tap_fail "mapping get --json" "$n"
expect "mapping get by outside endpoint" 0 ctl mapping get tcp --outside 203.0.113.1:8080
expect "mapping del" 0 ctl mapping del tcp 10.0.0.2:8080
expect "mapping get after del fails" 1 ctl mapping get tcp 10.0.0.2:8080
echo "$OUT" | grep -q "no such entry" && tap_ok "... saying no such entry" || tap_fail "... saying no such entry" "$OUT"

expect "rule add" 0 ctl rule add 10 forward proto tcp dst 203.0.113.1/32 dport 8080-8089 to 10.0.0.3:80
expect "rule add of an unknown kind is a usage error" 2 ctl rule add 11 sideways
expect "rule add with a port that is not a number is a usage error" 2 ctl rule add 11 forward proto tcp dport 80x to 10.0.0.3
echo "$OUT" | grep -qF "rule add: dport is PORT or LO-HI within 1-65535, not '80x'" &&
	tap_ok "... saying which word" || tap_fail "... saying which word" "$OUT"
n=$(ctl --json rule list | json '[(r["id"], r["kind"], r["dport_lo"], r["dport_hi"], r["to"], r["to_port"]) for r in j["rules"]]')
[ "$n" = "[(10, 'forward', 8080, 8089, '10.0.0.3', 80)]" ] && tap_ok "rule list --json" || tap_fail "rule list --json" "$n"
expect "rule list" 0 ctl rule list
expect "rule del" 0 ctl rule del 10
expect "rule del of a missing rule fails" 1 ctl rule del 10

# the ping in the input file creates a session while we listen for events
expect "events: a session created by traffic" 0 ctl --json events --count 1 --wait 8
n=$(echo "$OUT" | head -1 | json 'j["event"] + " " + j["inside"]')
case $n in
session-create* | mapping-create*) tap_ok "... is reported ($n)" ;;
*) tap_fail "... is reported" "$OUT" ;;
esac
n=$(ctl --json sessions | json 'j["count"] >= 1 and j["sessions"][0]["inside"] == "10.0.0.2"')
[ "$n" = True ] && tap_ok "sessions --json" || tap_fail "sessions --json" "$n"
expect "sessions" 0 ctl sessions
n=$(ctl --json sessions --inside 10.0.0.3 | json '[(x["inside"], x["remote"]) for x in j["sessions"]]')
[ "$n" = "[('10.0.0.3', '203.0.113.3')]" ] && tap_ok "sessions --inside ADDR: that host's only" || tap_fail "sessions --inside ADDR" "$n"
out=$(ctl --json sessions --inside 10.0.0.2 | json '"%s:%d" % (j["sessions"][0]["outside"], j["sessions"][0]["outside_port"])')
n=$(ctl --json sessions --outside "$out" | json '[x["inside"] for x in j["sessions"]]')
[ "$n" = "['10.0.0.2']" ] && tap_ok "sessions --outside ADDR:PORT finds who had $out" || tap_fail "sessions --outside ADDR:PORT" "$out: $n"
n=$(ctl --json sessions --remote 203.0.113.2 --proto icmp | json 'j["count"]')
m=$(ctl --json sessions --proto udp | json 'j["count"]')
[ "$n" = 1 ] && [ "$m" = 0 ] && tap_ok "sessions --remote and --proto" || tap_fail "sessions --remote and --proto" "$n $m"
n=$(ctl --json sessions --limit 1 | json 'j["count"]')
m=$(ctl --json sessions --proto icmp --limit 1 | json 'j["count"]')
[ "$n" = 1 ] && [ "$m" = 1 ] && tap_ok "sessions --limit, alone and counting matches of a filter" || tap_fail "sessions --limit" "$n $m"
expect "sessions with a bad filter is a usage error" 2 ctl sessions --outside 203.0.113.1:99999
# ports held = the host's mappings (dynamic ones and those added above),
# and for 10.0.0.2 the port of its deleted 8080 mapping, held down 120 s
ctl --json mapping list >"$TMP/maps.json"
n=$(ctl --json subscribers | json 'sorted((x["inside"], x["outside"], x["sessions"],
	x["ports"] == (x["inside"] == "10.0.0.2") + sum(1 for m in json.load(open("'"$TMP"'/maps.json"))["mappings"] if m["inside"] == x["inside"]))
	for x in j["subscribers"])')
[ "$n" = "[('10.0.0.2', '203.0.113.1', 1, True), ('10.0.0.3', '203.0.113.1', 1, True)]" ] &&
	tap_ok "subscribers --json: both hosts, paired address, sessions and ports held" || tap_fail "subscribers --json" "$n"
n=$(ctl --json subscribers --inside 10.0.0.3 | json '[x["inside"] for x in j["subscribers"]], j["max_sessions_per_subscriber"]')
[ "$n" = "['10.0.0.3'] 0" ] && tap_ok "subscribers --inside ADDR (and the quotas)" || tap_fail "subscribers --inside" "$n"
expect "subscribers" 0 ctl subscribers --outside 203.0.113.1:4000
echo "$OUT" | grep -q "^quotas per subscriber: unlimited sessions, unlimited ports" && echo "$OUT" | grep -q "^2 subscriber(s)" &&
	tap_ok "... a table with the quotas (--outside: no blocks, so both)" || tap_fail "... a table with the quotas" "$OUT"
expect "subscribers with a bad option is a usage error" 2 ctl subscribers --inside 10.0.0.300
expect "sessions clear without a filter is a usage error" 2 ctl sessions clear
expect "sessions clear with filters and --all is a usage error" 2 ctl sessions clear --all --proto icmp
expect "sessions clear --limit is a usage error" 2 ctl sessions clear --limit 1 --proto icmp
n=$(ctl --json sessions clear --inside 10.0.0.3 --proto udp | json '(j["cleared"], j["ended"])')
m=$(ctl --json sessions | json 'j["count"]')
[ "$n" = "(0, 0)" ] && [ "$m" = 2 ] && tap_ok "sessions clear of nothing clears nothing" || tap_fail "sessions clear of nothing" "$n $m"
expect "sessions clear --inside ADDR" 0 ctl sessions clear --inside 10.0.0.3
[ "$OUT" = "1 session(s) cleared" ] && tap_ok "... says how many" || tap_fail "... says how many" "$OUT"
n=$(ctl --json sessions | json '[x["inside"] for x in j["sessions"]]')
[ "$n" = "['10.0.0.2']" ] && tap_ok "... and only that host's session is gone" || tap_fail "... and only that host's session is gone" "$n"
n=$(ctl --json counters | json 'j["counters"]["sessions-deleted"]')
[ "$n" = 1 ] && tap_ok "... counted as deleted by the operator" || tap_fail "... counted as deleted" "$n"
n=$(ctl --json info | json '"session-filter" in j["feature_names"] and "napt" in j["feature_names"]')
[ "$n" = True ] && tap_ok "info names the card's features (the card filters session listings)" || tap_fail "info feature_names" "$n"
ctl info | grep -q "^features .* session-filter" && tap_ok "info: features line" || tap_fail "info: features line" "$(ctl info)"
n=$(ctl --json counters | json 'j["counters"]["commands-ok"] > 5 and j["counters"]["commands-failed"] >= 2 and j["counters"]["sessions-created"] >= 1')
[ "$n" = True ] && tap_ok "counters --json (commands ok and failed, sessions created)" || tap_fail "counters --json" "$n"
expect "counters" 0 ctl counters
n=$(ctl counters --all commands | awk '{ printf "%s ", $1 }')
[ "$n" = "commands-ok commands-failed " ] && tap_ok "counters NAME: only the counters whose name contains it" || tap_fail "counters NAME" "$n"
# over a second nothing but the first reading's own command(s) reach the card
n=$(ctl --json counters --rate 1 commands | json 'j["interval_s"] == 1 and sorted(j["deltas"]) == ["commands-failed", "commands-ok"] and j["deltas"]["commands-ok"] >= 1 and j["deltas"]["commands-failed"] == 0 and sorted(j["counters"]) == sorted(j["deltas"])')
[ "$n" = True ] && tap_ok "counters --rate 1 --json: interval, values and changes" || tap_fail "counters --rate 1 --json" "$n"
expect "counters --rate 1 prints per-second changes" 0 ctl counters --rate 1 commands-ok
echo "$OUT" | grep -Eq "^commands-ok +[0-9]+ +[0-9.]+/s$" && tap_ok "... one line: value and change per second" || tap_fail "... one line: value and change per second" "$OUT"
expect "counters --rate 0 is refused" 2 ctl counters --rate 0
expect "sessions --sort bogus is refused" 2 ctl sessions --sort bogus
expect "sessions clear --sort is refused" 2 ctl sessions clear --sort bytes --all
n=$(ctl --json sessions --sort idle | json '[s["idle_ms"] for s in j["sessions"]] == sorted(s["idle_ms"] for s in j["sessions"]) and j["count"] >= 1')
[ "$n" = True ] && tap_ok "sessions --sort idle: the most recently active first" || tap_fail "sessions --sort idle" "$n"
expect "counters --bogus is refused" 2 ctl counters --bogus
printf 'inside-vlan 100\noutside-vlan 200\n' >"$TMP/vlan.conf"
expect "config apply of port VLANs" 0 ctl config apply "$TMP/vlan.conf"
n=$(ctl --json config show | json 'str(j["inside_vlan"]) + " " + str(j["outside_vlan"]) + " " + j["inside"]')
[ "$n" = "100 200 10.0.0.1" ] && tap_ok "... are on the card, the rest kept" || tap_fail "... are on the card, the rest kept" "$n"
n=$(ctl config show | grep -- '-vlan' | tr '\n' ' ')
[ "$n" = "inside-vlan 100 outside-vlan 200 " ] && tap_ok "config show lists the VLANs" || tap_fail "config show lists the VLANs" "$n"
printf 'inside-vlan 0\noutside-vlan 0\n' >"$TMP/novlan.conf"
expect "config apply of untagged ports" 0 ctl config apply "$TMP/novlan.conf"
n=$(ctl --json config show | json 'str(j["inside_vlan"]) + " " + str(j["outside_vlan"])')
[ "$n" = "0 0" ] && tap_ok "... is on the card" || tap_fail "... is on the card" "$n"
ctl config show | grep -q -- '-vlan' && tap_fail "config show omits untagged ports" || tap_ok "config show omits untagged ports"
# every field of the card's configuration: set from a file, shown, and the
# shown text applied again gives the same configuration
printf 'unreachable-on-quota on\ninbound-refresh on\nmss-clamp 1360\nquota sessions 500\nquota ports 200\ntimeout syn-hold 30\ntimeout fragment 4\ntimeout port-holddown 300\nmtu outside 1400\n' >"$TMP/all.conf"
expect "config apply of behaviours, MSS clamp, quotas and timers" 0 ctl config apply "$TMP/all.conf"
n=$(ctl --json config show | json '" ".join(str(j[k]) for k in ("unreachable_on_quota", "inbound_refresh", "syn_unreachable", "log_destinations", "mss_clamp", "max_sessions_per_subscriber", "max_ports_per_subscriber", "syn_hold_s", "fragment_timeout_s", "port_holddown_s", "outside_mtu", "inside_mtu", "hairpin"))')
[ "$n" = "True True False False 1360 500 200 30 4 300 1400 1500 False" ] && tap_ok "... are on the card (config show --json), the rest kept" || tap_fail "... are on the card (config show --json), the rest kept" "$n"
ctl config show >"$TMP/shown.conf"
grep -qx "quota ports 200" "$TMP/shown.conf" && grep -qx "mss-clamp 1360" "$TMP/shown.conf" && grep -qx "syn-unreachable off" "$TMP/shown.conf" &&
	tap_ok "config show prints them as the file's statements" || tap_fail "config show prints them as the file's statements" "$(cat "$TMP/shown.conf")"
ctl --json config show >"$TMP/before.json"
printf 'unreachable-on-quota off\nmss-clamp off\nquota ports 0\ntimeout udp 7200\n' >"$TMP/other.conf"
expect "config apply of other values" 0 ctl config apply "$TMP/other.conf"
expect "config apply of what config show printed" 0 ctl config apply "$TMP/shown.conf"
ctl --json config show >"$TMP/after.json"
cmp -s "$TMP/before.json" "$TMP/after.json" && tap_ok "... sets the same configuration again" ||
	tap_fail "... sets the same configuration again" "$(diff "$TMP/before.json" "$TMP/after.json")"
printf 'pool 0 203.0.113.7-203.0.113.8\npool 0 203.0.113.10\npool 3 198.51.100.1 mapping apdm filtering adf\nrule 20 forward proto udp dst 203.0.113.1/32 dport 6000-6009 to 10.0.0.2\nrule 21 exclude dst 192.0.2.0/24\n' >"$TMP/pools.conf"
expect "config apply of more pool addresses and two rules" 0 ctl config apply "$TMP/pools.conf"
n=$(ctl --json rule list | json '[(r["id"], r["kind"], r["proto"], r["dst"], r["dport_lo"], r["dport_hi"], r["to"]) for r in j["rules"]]')
[ "$n" = "[(20, 'forward', 'udp', '203.0.113.1/32', 6000, 6009, '10.0.0.2'), (21, 'exclude', 'any', '192.0.2.0/24', 0, 0, '0.0.0.0')]" ] &&
	tap_ok "... the file's rules are on the card" || tap_fail "... the file's rules are on the card" "$n"
grep '^rule 20 ' "$TMP/pools.conf" >"$TMP/again.conf"
expect "config apply of a rule id the card has fails" 1 ctl config apply "$TMP/again.conf"
echo "$OUT" | grep -q "rule 20: already exists" && tap_ok "... naming the rule" || tap_fail "... naming the rule" "$OUT"
n=$(ctl --json pools | json '[(p["id"], p["mapping"], p["filtering"]["udp"], p["addresses"]) for p in j]')
[ "$n" = "[(0, 'endpoint-independent', 'endpoint-independent', ['203.0.113.1-203.0.113.1', '203.0.113.7-203.0.113.8', '203.0.113.10-203.0.113.10']), (3, 'address-and-port-dependent', 'address-dependent', ['198.51.100.1-198.51.100.1'])]" ] &&
	tap_ok "pools --json: consecutive addresses as one range, each pool its own" || tap_fail "pools --json: consecutive addresses as one range, each pool its own" "$n"
n=$(ctl --json addresses --pool 0 | json 'j["count"]')
[ "$n" = 4 ] && tap_ok "addresses --pool 0: its four addresses" || tap_fail "addresses --pool 0: its four addresses" "$n"
expect "reset --card" 0 ctl reset --card
n=$(ctl --json mapping list | json 'j["count"]')
[ "$n" = 0 ] && tap_ok "a card reset clears the mappings" || tap_fail "a card reset clears the mappings" "$n"
grep -q "card reset by the host" "$TMP/nicsim.log" && tap_ok "nicsim logs the card reset" || tap_fail "nicsim logs the card reset"
expect "reset (configuration)" 0 ctl reset
kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
PID=

# ---- quota events, straight from the card ------------------------------------------
# two echo requests of one inside host on a card that allows it one session:
# the second is refused, and realmctl tells who ran out of what
python3 "$ROOT/tests/lib/pcap_check.py" write "$TMP/quota.pcap" \
	echo:02:00:0a:00:00:02,02:52:47:00:00:10,10.0.0.2,203.0.113.2,99 \
	echo:02:00:0a:00:00:02,02:52:47:00:00:10,10.0.0.2,203.0.113.2,98
start_card "t$$-quota" "$TMP/quota.pcap" "$TMP/nicsim-quota.log"
printf 'inside 10.0.0.1/24\noutside 203.0.113.1/24\npool 0 203.0.113.1 ports 1024-2047 mode port-block block 64\nquota sessions 1\n' >"$TMP/quota.conf"
expect "config apply of a port-block pool and a one-session quota" 0 ctl config apply "$TMP/quota.conf"
expect "events: a port block, then the host's second session refused" 0 ctl --json events --count 4 --wait 8
n=$(echo "$OUT" | python3 -c '
import json, sys
for line in sys.stdin:
    j = json.loads(line)
    if j["event"] == "quota-exceeded":
        print(j["inside"], j["what"], j["proto"], j["limit"])')
[ "$n" = "10.0.0.2 sessions-per-subscriber icmp 1" ] && tap_ok "... the quota event names the host, what ran out, protocol and limit ($n)" ||
	tap_fail "... the quota event names the host, what ran out, protocol and limit" "$OUT"
n=$(echo "$OUT" | python3 -c '
import json, sys
for line in sys.stdin:
    j = json.loads(line)
    if j["event"] == "port-block-alloc":
        print(j["inside"], j["outside"], j["port_hi"] - j["port_lo"] + 1, 1024 <= j["port_lo"] <= 2047)')
[ "$n" = "10.0.0.2 203.0.113.1 64 True" ] && tap_ok "... the block event names the host, its address and 64 ports of the pool's ($n)" ||
	tap_fail "... the block event names the host, its address and 64 ports of the pool's" "$OUT"
n=$(ctl --json subscribers | json '[(x["inside"], x["outside"], x["sessions"], x["block_size"], [(b["last"] - b["first"] + 1) for b in x["blocks"]]) for x in j["subscribers"]] + [j["max_sessions_per_subscriber"]]')
[ "$n" = "[('10.0.0.2', '203.0.113.1', 1, 64, [64]), 1]" ] && tap_ok "subscribers --json: the host's one session, its block and the quota" ||
	tap_fail "subscribers --json: the host's one session, its block and the quota" "$n"
n=$(ctl --json addresses | json '[(x["address"], x["pool"], x["subscribers"], x["udp"], x["tcp"], x["icmp"], x["ports_total"], x["use_permille"]) for x in j["addresses"]]')
[ "$n" = "[('203.0.113.1', 0, 1, 64, 64, 64, 1024, 62)]" ] && tap_ok "addresses --json: the pool address, its subscriber and the block's ports in every space" ||
	tap_fail "addresses --json: the pool address, its subscriber and the block's ports in every space" "$n"
n=$(ctl addresses | sed -n 2p | tr -s ' ')
[ "$n" = "203.0.113.1 0 1 64 64 64 1024 6.2%" ] && tap_ok "addresses in text" || tap_fail "addresses in text" "$n"
expect "addresses --pool of a pool without addresses lists none" 0 ctl addresses --pool 9
[ "$(echo "$OUT" | tail -1)" = "0 address(es)" ] && tap_ok "... and says so" || tap_fail "... and says so" "$OUT"
expect "addresses with a bad pool id is a usage error" 2 ctl addresses --pool 256
n=$(ctl --json pools | json '[(p["id"], p["mode"], p["ports"], p["block_size"], p["filtering"]["tcp"], p["addresses"]) for p in j]')
[ "$n" = "[(0, 'port-block', '1024-2047', 64, 'endpoint-independent', ['203.0.113.1-203.0.113.1'])]" ] &&
	tap_ok "pools --json without the daemon: the card's pool" || tap_fail "pools --json without the daemon: the card's pool" "$n"
n=$(ctl pools | tr '\n' '|')
[ "$n" = "pool 0 pool0: port-block, mapping endpoint-independent, filtering udp endpoint-independent tcp endpoint-independent icmp endpoint-independent|  ports 1024-2047, block 64, subscribers 0.0.0.0/0|  addresses 203.0.113.1-203.0.113.1|" ] &&
	tap_ok "pools in text, as the daemon prints them" || tap_fail "pools in text, as the daemon prints them" "$n"
n=$(ctl subscribers | sed -n 1p)
[ "$n" = "quotas per subscriber: 1 sessions, unlimited ports" ] && tap_ok "subscribers says the quotas" || tap_fail "subscribers says the quotas" "$n"
n=$(ctl counters | awk '$1 == "drop-quota-sessions" { print $2 }')
[ "$n" = 1 ] && tap_ok "drop-quota-sessions counts it" || tap_fail "drop-quota-sessions counts it" "${n:-missing}"
tap_done
