#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# PCP MAP requests per second (create + renew + delete) served by the whole
# gateway (the lab: simulated card + realmgated, requests through the card's
# host port), against miniupnpd (Debian's miniupnpd + miniupnpd-nftables) on
# the lab's --kernel-nat mode measured in the same run. The load is
# bench/pcp_load.py from rg-lan: PCP_BENCH_N mappings (default 200:
# miniupnpd-nftables slows down with every mapping it holds), 32 in flight,
# PCP_BENCH_ROUNDS rounds (default 5) against each server; each figure is
# the median round.
#   BENCH pcp_map_rps <requests/s> rps
#   BENCH pcp_ratio_miniupnpd <ratio> x
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/host/bin
N=${PCP_BENCH_N:-200}
ROUNDS=${PCP_BENCH_ROUNDS:-5}
W=32
[ "$(id -u)" -eq 0 ] || { echo "# pcp_map: needs root (the lab); skipped"; exit 0; }
for t in realmlab realmgated nicsim; do
	[ -x "$BIN/$t" ] || { echo "# pcp_map: $t not built; skipped"; exit 0; }
done
command -v miniupnpd >/dev/null || { echo "# pcp_map: miniupnpd not installed (make deps); skipped"; exit 0; }
export REALMLAB_PREFIX="bp$$-"
TMP=$(mktemp -d)
MPID=
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null
	"$BIN/realmlab" down >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

run_load() { # -> "requests seconds errors" of the median round
	local r
	for r in $(seq "$ROUNDS"); do
		"$BIN/realmlab" exec lan -- python3 bench/pcp_load.py 10.0.0.1 "$N" "$W" || return 1
	done | sort -k2 -g | awk -v m=$(((ROUNDS + 1) / 2)) 'NR == m'
}

# ---- realmgated on the simulated card ----------------------------------------------
"$BIN/realmlab" up >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log" >&2; exit 1; }
# PCP allows max_mappings_per_host (256) by default: the load host needs N
cfg=/run/realmlab/${REALMLAB_PREFIX%-}/realmgated.conf
sed -i 's/^pcp = {/pcp = { max_mappings_per_host = 0;/' "$cfg"
"$BIN/realmlab" daemon stop >/dev/null && "$BIN/realmlab" daemon start >/dev/null || exit 1
read -r req secs err <<<"$(run_load)"
"$BIN/realmlab" down >/dev/null 2>&1
[ -n "${secs:-}" ] || { echo "# pcp_map: realmgated load failed" >&2; exit 1; }
ours=$(python3 -c "print('%.0f' % ($req / $secs))")
echo "# realmgated: $req requests in $secs s (median of $ROUNDS rounds), $err errors"

# ---- miniupnpd on Linux NAT (the anchor) ----------------------------------------------
"$BIN/realmlab" up --kernel-nat >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log" >&2; exit 1; }
GW=${REALMLAB_PREFIX}gw
ip netns exec "$GW" nft -f - <<'NFT'
table inet filter {
	chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
	chain miniupnpd { }
	chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
	chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
	chain prerouting_miniupnpd { }
	chain postrouting_miniupnpd { }
}
NFT
cat >"$TMP/miniupnpd.conf" <<CONF
ext_ifname=out0
listening_ip=in0
enable_natpmp=yes
enable_upnp=no
secure_mode=yes
min_lifetime=120
max_lifetime=86400
upnp_table_name=filter
upnp_nat_table_name=filter
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b
allow 1024-65535 10.0.0.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
# miniupnpd refuses to run on reserved outside addresses (out0 has
# 203.0.113.1), and refuses them with -o too: -o declares an address it
# accepts. It only writes it into its answers; no traffic goes there.
# (not -d: its debug logging would be what is measured)
ip netns exec "$GW" miniupnpd -f "$TMP/miniupnpd.conf" -o 11.22.33.44 -P "$TMP/m.pid" \
	>"$TMP/miniupnpd.log" 2>&1
for _ in $(seq 50); do
	[ -s "$TMP/m.pid" ] && break
	sleep 0.1
done
MPID=$(cat "$TMP/m.pid" 2>/dev/null)
for _ in $(seq 50); do
	ip netns exec "$GW" ss -lnu | grep -q ":5351 " && break
	sleep 0.1
done
read -r mreq msecs merr <<<"$(run_load)"
kill "$MPID" 2>/dev/null
MPID=
[ -n "${msecs:-}" ] || { echo "# pcp_map: miniupnpd load failed" >&2; tail -5 "$TMP/miniupnpd.log" >&2; exit 1; }
theirs=$(python3 -c "print('%.0f' % ($mreq / $msecs))")
echo "# miniupnpd: $mreq requests in $msecs s (median of $ROUNDS rounds), $merr errors"
echo "BENCH pcp_map_rps $ours rps"
python3 -c "print('BENCH pcp_ratio_miniupnpd %.2f x' % ($ours / $theirs))"
