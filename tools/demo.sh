#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make demo`: the simulated gateway carrying real traffic in the lab.
set -eu
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/host/bin/nicsim" ] || [ ! -x "$BUILD/host/bin/realmlab" ]; then
	echo "make demo: the simulated card (nicsim) and the lab (realmlab) are not built yet." >&2
	echo "make demo: they arrive with the simulated-card issue; nothing was run." >&2
	exit 1
fi
exec "$BUILD/host/bin/realmlab" demo
