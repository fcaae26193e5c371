#!/usr/bin/env bash
# Instructions per route, counted by valgrind's callgrind on EngineProbe's workload (the RouteDecision
# setup): unlike time on a shared VM, the count is the same from run to run (hashing is made
# deterministic and the workload's leads are seeded), so a change of a few per cent shows.
#
#   bash Benchmarks/instructions.sh [routes] [strategy]     # e.g. 30000, or 30000 round_robin
#
# Prints instructions per route for the whole call and its main parts; the full profile is left in
# $OUT.out for callgrind_annotate. Needs valgrind (installed when missing).
set -euo pipefail
cd "$(dirname "$0")"
ROUTES=${1:-30000}
STRATEGY=${2:-}
OUT=${OUT:-/tmp/leadrouter-instructions}

if ! command -v valgrind >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
fi
if ! swift build -c release --product EngineProbe >"$OUT.build.log" 2>&1; then
    cat "$OUT.build.log"
    exit 1
fi
# Valgrind 3.19 cannot read the DWARF 5 debug information Swift emits: count on a copy without it
# (symbols stay).
cp "$(swift build -c release --show-bin-path)/EngineProbe" "$OUT.bin"
strip -g "$OUT.bin"
SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$OUT.out" \
    --toggle-collect='$s14LeadRouterCore13RoutingEngineC5route_8detailedAA11RouteResultVAA0A0V_SbSgtKF' \
    "$OUT.bin" "$ROUTES" $STRATEGY >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$OUT.out" 2>/dev/null >"$OUT.txt"

per_route() {
    local count
    count=$(grep -m1 "$2" "$OUT.txt" | awk '{gsub(",", "", $1); print $1}')
    printf '%-34s %7d instructions per route\n' "$1" $((${count:-0} / ROUTES))
}
echo "${STRATEGY:-mixed}, $ROUTES routes:"
per_route "route (whole call)" 'RoutingEngineC5route_8detailed'
per_route "  matching the rule" 'CompiledPolicyC5match'
per_route "  deciding (pools, strategies)" 'RouteDeciderV7attempt'
per_route "  applying the offer" 'EngineStateV10applyOffer0'
per_route "  publishing to the history ring" 'EventHistoryC7publish'
