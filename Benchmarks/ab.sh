#!/usr/bin/env bash
# Alternating A/B runs of two leadrouter binaries, for deciding whether a change helps: this VM's
# speed drifts by 10-30 % over minutes, so single runs (and runs of A, then all of B) mislead. Each
# round runs every shape with both binaries, in A-B order on odd rounds and B-A on even ones, so a
# drift within a round favours neither; the summary gives each side's median per shape.
#
#   bash Benchmarks/ab.sh OLD_BINARY NEW_BINARY                 # in memory, 3 rounds
#   MODE=durable ROUNDS=4 SHAPES="8x16 64x16" bash Benchmarks/ab.sh OLD NEW
#
# Copy a binary aside before rebuilding (cp .build/release/leadrouter /tmp/leadrouter-old).
# Environment: MODE (memory | durable), ROUNDS (3), SHAPES ("8x1 8x16 64x16"), WARMUP (1),
# DURATION (4), CONFIG (extra YAML lines; detailed explanations are off, as in compare.sh).
set -euo pipefail
cd "$(dirname "$0")"
[[ $# -eq 2 ]] || { sed -n '2,13p' "$0"; exit 2; }
A=$(realpath "$1")
B=$(realpath "$2")
MODE=${MODE:-memory}
ROUNDS=${ROUNDS:-3}
SHAPES=${SHAPES:-"8x1 8x16 64x16"}
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-4}
WORK=$(mktemp -d /tmp/leadbench-ab.XXXXXX)
SERVER_PID=

cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
source servers.sh

swift build -c release --product leadbench >/dev/null
LEADBENCH=$(swift build -c release --show-bin-path)/leadbench
printf 'detailed_explanations: false\n%s\n' "${CONFIG:-}" >"$WORK/config.yaml"

# run LABEL BINARY C D: one fresh server, one measured run; appends "LABEL C D req/s cpu" to results.
run() {
    local label=$1 binary=$2 c=$3 d=$4 store=(--memory)
    [[ $MODE == durable ]] && store=(--data "$WORK/data")
    rm -rf "$WORK/data"
    start server "$binary" serve --listen 127.0.0.1:0 "${store[@]}" --config "$WORK/config.yaml" \
        --log-level warning
    local line
    line=$("$LEADBENCH" run --server "$ADDRESS" -c "$c" -d "$d" --warmup "$WARMUP" --duration "$DURATION" \
        --server-pid "$SERVER_PID" | tail -1)
    stop
    echo "$label $line"
    local rate cpu
    rate=$(grep -o '[0-9]* req/s' <<<"$line" | cut -d' ' -f1)
    cpu=$(grep -o 'server CPU [0-9.]*' <<<"$line" | cut -d' ' -f3)
    echo "$label $c $d $rate $cpu" >>"$WORK/results"
}

echo "== A: $A"
echo "== B: $B"
echo "== $MODE, $ROUNDS rounds of: $SHAPES"
for round in $(seq 1 "$ROUNDS"); do
    for shape in $SHAPES; do
        c=${shape%x*}
        d=${shape#*x}
        if ((round % 2)); then
            run A "$A" "$c" "$d"
            run B "$B" "$c" "$d"
        else
            run B "$B" "$c" "$d"
            run A "$A" "$c" "$d"
        fi
    done
done

echo "== medians over $ROUNDS rounds (routes/s, server CPU µs per route)"
python3 - "$WORK/results" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, c, d, rate, cpu = line.split()
    runs.setdefault((int(c), int(d)), {}).setdefault(label, []).append((int(rate), float(cpu)))
for (c, d), sides in sorted(runs.items()):
    a, b = sides.get("A", []), sides.get("B", [])
    ra, rb = statistics.median(r for r, _ in a), statistics.median(r for r, _ in b)
    ca, cb = statistics.median(x for _, x in a), statistics.median(x for _, x in b)
    print(f"{c} x {d}: A {ra:,.0f} at {ca:.2f} µs, B {rb:,.0f} at {cb:.2f} µs "
          f"({(rb / ra - 1) * 100:+.1f} % routes/s; B's runs {', '.join(f'{r:,}' for r, _ in b)}, "
          f"A's {', '.join(f'{r:,}' for r, _ in a)})")
EOF
