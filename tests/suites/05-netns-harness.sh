#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Self-test of the end-to-end harness (tests/lib/netns.sh): two namespaces
# joined by veth can ping, a background server is reachable, and cleanup
# leaves no namespace behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require_root "netns harness"

if netns_new a && netns_new b; then tap_ok "create two namespaces"; else tap_fail "create two namespaces"; fi
a=$(netns_name a) b=$(netns_name b)
netns_veth "$a" va "$b" vb && tap_ok "veth between them" || tap_fail "veth between them"
ip -n "$a" addr add 192.0.2.1/24 dev va
ip -n "$b" addr add 192.0.2.2/24 dev vb
tap_check "ping across the veth" netns_exec "$a" ping -c 1 -W 2 192.0.2.2 >/dev/null

echo hello >"$NETNS_TMP/index.html"
netns_bg "$b" python3 -m http.server --bind 192.0.2.2 --directory "$NETNS_TMP" 8080
if netns_wait_port "$b" 8080 tcp 10 && [ "$(netns_exec "$a" curl -s http://192.0.2.2:8080/index.html)" = hello ]; then
	tap_ok "background server reachable"
else
	tap_fail "background server reachable"
fi

# cleanup in a child shell must remove its namespaces even when it fails
child=$(bash -c '. tests/lib/tap.sh; . tests/lib/netns.sh; netns_new child; echo "$NETNS_LAST"; exit 3' 2>/dev/null)
if [ -n "$child" ] && ! ip netns list | grep -q "^$child\b"; then
	tap_ok "namespaces removed on a failing exit"
else
	tap_fail "namespaces removed on a failing exit" "$child still present"
fi
tap_done
