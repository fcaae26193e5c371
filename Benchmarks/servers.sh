# Sourced by compare.sh and ab.sh: starting and stopping the one server under test. Expects WORK (a
# scratch folder) and SERVER_PID to be set by the caller.

# settle: lets the previous run's disk writes reach the disk (a durable run leaves tens of megabytes
# of dirty pages), so no run pays for another's write-back.
settle() {
    sync
    sleep 0.5
}

# start NAME COMMAND...: runs a server in the background, waits for its "listening on HOST:PORT"
# line, and sets SERVER_PID and ADDRESS, after `settle`.
start() {
    local name=$1
    shift
    settle
    # Empty the log before the server starts: the shell truncates it only in the forked child, so the
    # loop below could otherwise read the previous run's address and connect to a closed port.
    : >"$WORK/$name.log"
    "$@" >"$WORK/$name.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        ADDRESS=$(grep -o 'listening on [0-9.]*:[0-9]*' "$WORK/$name.log" | head -1 | cut -d' ' -f3 || true)
        [[ -n "$ADDRESS" ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "$name did not start:" >&2
    cat "$WORK/$name.log" >&2
    exit 1
}

stop() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
