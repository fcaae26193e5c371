#!/usr/bin/env bash
# Side-by-side benchmark: LeadRouter (in-memory and durable), the ceiling reference, the gRPC peer and
# redis-server, each at C = 1, 8, 64 connections and pipeline depth 1 and 16, on this machine, in one go.
# Writes the JSON lines to results.jsonl and the tables to RESULTS.md. See docs/PERFORMANCE.md.
#
#   bash Benchmarks/compare.sh              # everything, three rounds (about 11 minutes after the build)
#   ROUNDS=1 WARMUP=1 DURATION=2 bash Benchmarks/compare.sh   # quicker, noisier
#   ALLOCATOR=tcmalloc bash Benchmarks/compare.sh    # LeadRouter on tcmalloc: RESULTS-tcmalloc.md
#
# ALLOCATOR (system | tcmalloc | jemalloc) is the malloc both LeadRouter servers run with, through
# LD_PRELOAD as docs/OPERATIONS.md recommends, installed from Debian when missing; the other servers
# keep glibc's (redis-server brings its own jemalloc). Other than system, the results go to
# RESULTS-$ALLOCATOR.md and results-$ALLOCATOR.jsonl, so RESULTS.md stays the plain build's.
#
# ROUNDS (3): every cell runs once per round, the servers of a shape in turn, in the opposite order
# on even rounds; the tables give each figure's median. This VM's speed drifts 10-30 % over
# minutes, and with one run per cell a slow spell decided which side of a target a ratio fell.
set -euo pipefail
cd "$(dirname "$0")"

WARMUP=${WARMUP:-1}
DURATION=${DURATION:-4}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-"1 8 64"}
DEPTHS=${DEPTHS:-"1 16"}
WORK=$(mktemp -d /tmp/leadbench.XXXXXX)
ALLOCATOR=${ALLOCATOR:-system}
case $ALLOCATOR in
system) PRELOAD= ;;
tcmalloc) PRELOAD=/usr/lib/$(uname -m)-linux-gnu/libtcmalloc_minimal.so.4 PACKAGE=libtcmalloc-minimal4 ;;
jemalloc) PRELOAD=/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2 PACKAGE=libjemalloc2 ;;
*)
    echo "ALLOCATOR must be system, tcmalloc or jemalloc, not '$ALLOCATOR'" >&2
    exit 2
    ;;
esac
SUFFIX=$([[ $ALLOCATOR == system ]] || echo "-$ALLOCATOR")
RESULTS=results$SUFFIX.jsonl
TABLE=RESULTS$SUFFIX.md
SERVER_PID=

cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    echo "== installing redis-server and redis-tools"
    (apt-get update -qq && apt-get install -y -qq redis-server redis-tools) >/dev/null
fi

if [[ -n "$PRELOAD" && ! -f "$PRELOAD" ]]; then
    echo "== installing $PACKAGE"
    (apt-get update -qq && apt-get install -y -qq "$PACKAGE") >/dev/null
fi

echo "== building (release)"
swift build -c release --package-path .. --product leadrouter
for product in leadbench CeilingServer GRPCPeer; do swift build -c release --product "$product"; done
LEADROUTER=$(swift build -c release --package-path .. --show-bin-path)/leadrouter
BIN=$(swift build -c release --show-bin-path)
# The LeadRouter server command, with the chosen malloc preloaded.
SERVER=("$LEADROUTER")
[[ -z "$PRELOAD" ]] || SERVER=(env "LD_PRELOAD=$PRELOAD" "$LEADROUTER")
"$BIN/leadbench" check

# start / stop: one server at a time (SERVER_PID, ADDRESS); see servers.sh.
source servers.sh

# bench LABEL TARGET C D [extra leadbench options]
bench() {
    local label=$1 target=$2 c=$3 d=$4
    shift 4
    "$BIN/leadbench" run --target "$target" --server "$ADDRESS" -c "$c" -d "$d" --warmup "$WARMUP" \
        --duration "$DURATION" --server-pid "$SERVER_PID" --label "$label" --output "$RESULTS" "$@"
}

# LeadRouter gets a fresh server (and data folder) per shape, so every run starts from the same state.
leadrouter() {
    local label=$1 c=$2 d=$3
    shift 3
    local data="$WORK/data-$label-$c-$d"
    local config="$WORK/leadrouter.yaml"
    printf 'detailed_explanations: false\n' >"$config"
    if [[ $label == leadrouter ]]; then
        start "$label" "${SERVER[@]}" serve --listen 127.0.0.1:0 --memory --config "$config" --log-level warning
    else
        start "$label" "${SERVER[@]}" serve --listen 127.0.0.1:0 --data "$data" --config "$config" --log-level warning
    fi
    bench "$label" leadrouter "$c" "$d" "$@"
    stop
    rm -rf "$data"
}

# Let the build's disk writes settle, then throwaway runs so the first measured one is not the first
# thing this machine does after compiling: twice in a dozen runs the first cells (1 x 1, in memory
# and durable) met a slow spell of the VM lasting some seconds, so LeadRouter itself runs that shape
# for a few seconds first.
sleep 3
start settle "$BIN/CeilingServer" 127.0.0.1:0
"$BIN/leadbench" run --target ceiling --server "$ADDRESS" -c 8 -d 16 --warmup 0.5 --duration 1 >/dev/null
stop
start settle "${SERVER[@]}" serve --listen 127.0.0.1:0 --memory --log-level warning
"$BIN/leadbench" run --target leadrouter --server "$ADDRESS" -c 1 -d 1 --warmup 0.5 --duration 3 >/dev/null
stop

# Redis answers INCR through redis-benchmark, about as many requests as the others see in a window.
REDIS_PORT=${REDIS_PORT:-6399}
redis() {
    local c=$1 d=$2
    settle
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
    "$BIN/leadbench" redis --port "$REDIS_PORT" -c "$c" -d "$d" --requests $((d == 1 ? 300000 : 3000000)) \
        --server-pid "$SERVER_PID" --output "$RESULTS"
    stop
}

# cell SERVER C D: one measured run of SERVER at that shape, from a fresh server.
cell() {
    local server=$1 c=$2 d=$3
    case $server in
    leadrouter | leadrouter-durable) leadrouter "$server" "$c" "$d" ;;
    ceiling | grpc)
        start "$server" "$BIN/$([[ $server == ceiling ]] && echo CeilingServer || echo GRPCPeer)" 127.0.0.1:0
        bench "$server" "$server" "$c" "$d"
        stop
        ;;
    redis) redis "$c" "$d" ;;
    esac
}

rm -f "$RESULTS"
SERVERS=(leadrouter leadrouter-durable ceiling grpc redis)
for round in $(seq 1 "$ROUNDS"); do
    order=()
    for server in "${SERVERS[@]}"; do
        if ((round % 2 == 0)); then order=("$server" "${order[@]}"); else order+=("$server"); fi
    done
    echo "== round $round of $ROUNDS: warm-up ${WARMUP}s, ${DURATION}s measured each (${order[*]})"
    for c in $CONNECTIONS; do
        for d in $DEPTHS; do
            for server in "${order[@]}"; do cell "$server" "$c" "$d"; done
        done
    done
    echo "== round $round: workloads mix and 100 subscribers"
    for d in $DEPTHS; do
        leadrouter leadrouter 8 "$d" --workload mix
        leadrouter leadrouter 8 "$d" --workload subscribers
    done
done

{
    echo "# Benchmark results"
    echo
    echo "Produced by \`bash Benchmarks/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores, shared by client and server)"
    echo "- $(swift --version 2>/dev/null | head -1)"
    echo "- $(redis-server --version | cut -d' ' -f1-3)"
    echo "- $(python3 -c 'import json; pins = {p["identity"]: p["state"].get("version") for p in json.load(open("Package.resolved"))["pins"]}; print(", ".join(f"{k} {pins.get(k)}" for k in ["swift-nio", "grpc-swift-2", "grpc-swift-nio-transport", "grpc-swift-protobuf", "swift-protobuf", "hdrhistogram-swift"]))' 2>/dev/null || echo 'package versions: see Package.resolved')"
    echo "- LeadRouter $(git -C .. rev-parse --short HEAD 2>/dev/null || echo '?'), detailed explanations off; durable = \`durability: sync\` on SQLite"
    echo "- LeadRouter's malloc: $([[ -z "$PRELOAD" ]] && echo "glibc's" || echo "$ALLOCATOR (LD_PRELOAD=$PRELOAD)")"
    echo "- $ROUNDS round(s); warm-up ${WARMUP} s, ${DURATION} s measured per run; Redis: redis-benchmark INCR with -n requests"
    echo
    "$BIN/leadbench" table "$RESULTS"
} >"$TABLE"
cat "$TABLE"
