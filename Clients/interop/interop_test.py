#!/usr/bin/env python3
"""Interoperability suite: the Swift client (leadctl), the C examples and the Python client against one
real durable server. They must see the same assignments, sequence numbers and error codes, and a
Python stream must resume across a server restart with no gap and no duplicate.

Run by scripts/test.sh after `swift build` and `make -C Clients/c`."""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "debug")
C_BIN = os.path.join(ROOT, "Clients", "c", "build")
try:
    import leadrouter_client  # noqa: F401  (installed by scripts/test.sh with pip install ./Clients/python)
except ImportError:
    sys.path.insert(0, os.path.join(ROOT, "Clients", "python"))

from leadrouter_client import Client, RPCError, StatusCode, pb, resuming_assignments  # noqa: E402

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, data, port, config=None):
        self.process = subprocess.Popen(
            [os.path.join(BIN, "leadrouter"), "serve", "--listen", f"127.0.0.1:{port}", "--data", data,
             "--log-level", "warning"] + (["--config", config] if config else []),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening on"), line

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def leadctl(port, *args):
    run = subprocess.run([os.path.join(BIN, "leadctl"), *args, "--server", f"127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=30)
    return run.returncode, run.stdout, run.stderr


def c_tool(name, port, *args, timeout=30, token=None, environment=None, wrapper=()):
    environment = dict(os.environ, **(environment or {}), **({"LEADROUTER_TOKEN": token} if token else {}))
    run = subprocess.run([*wrapper, os.path.join(C_BIN, name), "--server", f"127.0.0.1:{port}", *args],
                         capture_output=True, text=True, timeout=timeout, env=environment)
    return run.returncode, run.stdout, run.stderr


def main():
    data = tempfile.mkdtemp(prefix="leadrouter-interop-")
    port = free_port()
    server = Server(data, port)
    try:
        code, out, _ = leadctl(port, "reps", "import", os.path.join(ROOT, "examples", "reps.json"))
        check(code == 0, "leadctl loads reps")
        with Client("127.0.0.1", port) as py:
            for rep in ["ana", "bo", "cy"]:
                py.set_availability(rep, pb.REP_STATUS_AVAILABLE)

            # Each client routes a lead; every client reads every lead back the same.
            code, out, _ = leadctl(port, "route", "--id", "swift-1", "--source", "web", "--json")
            swift_reply = json.loads(out)
            check(code == 0 and swift_reply["assignment"]["rep"] != "", "Swift client routes")
            code, out, _ = c_tool("lr-route", port, "c-1", "source=web", "country=DE")
            check(code == 0 and out.startswith("lead c-1: offered rep="), "C client routes")
            py_reply = py.route(pb.Lead(id="py-1", source="web"))
            check(py_reply.created and py_reply.assignment.rep != "", "Python client routes")
            for lead in ["swift-1", "c-1", "py-1"]:
                seen_py = py.get_assignment(lead)
                code, out, _ = leadctl(port, "get", lead, "--json")
                seen_swift = json.loads(out)
                check(seen_py.rep == seen_swift["rep"] and str(seen_py.seq) == str(seen_swift["seq"]),
                      f"Python and Swift see the same assignment and seq for {lead}")
            code, out, _ = c_tool("lr-route", port, "py-1")
            check(f"rep={py.get_assignment('py-1').rep} " in out and "(already routed)" in out,
                  "C sees Python's lead as already routed, same rep")

            # Reassign from each client.
            before = py.get_assignment("swift-1").rep
            code, out, _ = c_tool("lr-route", port, "--reassign", "swift-1")
            check(code == 0 and py.get_assignment("swift-1").rep != before, "C reassigns")
            before = py.get_assignment("c-1").rep
            py.reassign("c-1", reason="interop")
            check(py.get_assignment("c-1").rep != before, "Python reassigns")
            code, _, _ = leadctl(port, "reassign", "py-1")
            check(code == 0, "Swift reassigns")

            # A lead's history, the same through Python and Swift: C's reassignment is in it.
            history = py.lead_history("swift-1")
            offers = [event for event in history.events if event.kind == "offered"]
            check(history.complete and len(offers) == 2 and offers[0].rep != offers[1].rep
                  and offers[1].rep == py.get_assignment("swift-1").rep, "Python reads the history C wrote")
            code, out, _ = leadctl(port, "history", "swift-1", "--json")
            check(code == 0 and [int(event["seq"]) for event in json.loads(out)["events"]]
                  == [event.seq for event in history.events], "Swift reads the same history")

            # Availability and acceptance from each client, seen by the others.
            code, out, _ = leadctl(port, "availability", "di", "available", "--json")
            check(code == 0 and py.call("ListReps", pb.ListRepsRequest(), pb.ListRepsReply).reps[3].status
                  == pb.REP_STATUS_AVAILABLE, "Swift sets availability; Python sees it")
            accept_swift = py.route(pb.Lead(id="accept-swift", source="web")).assignment
            code, _, _ = leadctl(port, "accept", "accept-swift", "--rep", accept_swift.rep)
            check(code == 0 and py.get_assignment("accept-swift").state == "accepted", "Swift accepts; Python sees it")
            accept_py = py.route(pb.Lead(id="accept-py", source="web")).assignment
            accepted = py.accept("accept-py", rep=accept_py.rep)
            code, out, _ = leadctl(port, "get", "accept-py", "--json")
            check(accepted.state == "accepted" and json.loads(out)["state"] == "accepted", "Python accepts; Swift sees it")

            # The same bad requests give the same codes everywhere.
            try:
                py.route(pb.Lead(id=""))
                check(False, "Python: empty lead id refused")
            except RPCError as error:
                check(error.code == StatusCode.INVALID_ARGUMENT, "Python: empty lead id is INVALID_ARGUMENT")
            code, _, err = c_tool("lr-route", port, "")
            check(code != 0 and "INVALID_ARGUMENT" in err, "C: empty lead id is INVALID_ARGUMENT")
            code, _, err = leadctl(port, "route", "--id", "")
            check(code != 0 and "INVALID_ARGUMENT" in err, "Swift: empty lead id is INVALID_ARGUMENT")
            try:
                py.set_availability("ghost", pb.REP_STATUS_AVAILABLE)
                check(False, "Python: unknown rep refused")
            except RPCError as error:
                check(error.code == StatusCode.NOT_FOUND, "Python: unknown rep is NOT_FOUND")
            code, _, err = leadctl(port, "availability", "ghost", "available")
            check(code != 0 and "NOT_FOUND" in err, "Swift: unknown rep is NOT_FOUND")
            code, _, err = c_tool("lr-dialer", port, "ghost", "--count", "1")
            check(code != 0 and "NOT_FOUND" in err, "C: unknown rep is NOT_FOUND")

            # Streams: the same events, the same sequence numbers, for one rep.
            start = py.health().last_seq
            for index in range(12):  # round-robin over four available reps: bo gets three
                py.route(pb.Lead(id=f"stream-{index}", source="web"))
            expected = [e.seq for e in _take(py_stream(port, "bo", start), lambda e: e.kind == "offered", 2)]
            code, out, _ = leadctl(port, "watch", "--rep", "bo", "--from-seq", str(start), "--count", "2", "--json")
            swift_seqs = [int(json.loads(line)["seq"]) for line in out.splitlines() if '"offered"' in line]
            check(swift_seqs == expected, f"Swift stream matches Python stream for bo: {swift_seqs} {expected}")
            code, out, _ = c_tool("lr-dialer", port, "bo", "--from-seq", str(start), "--count", "2")
            offered = [line.split() for line in out.splitlines() if " offered " in line]
            c_seqs = [int(fields[0]) for fields in offered]
            check(code == 0 and c_seqs == expected, f"C stream matches, and accepts: {c_seqs} {expected}")
            check(len(offered) == 2 and all(py.get_assignment(fields[2]).state == "accepted" for fields in offered),
                  "the C dialer's accepts are visible to Python")

            # Replay: Python and Swift ask the same question and get the same answer; nothing moves.
            candidate = os.path.join(data, "only-ana.yaml")
            with open(candidate, "w") as file:
                file.write("version: only-ana\ndefault:\n  pool: { reps: [ana] }\n")
            before = py.health().last_seq
            replay = py.replay_policy(open(candidate).read())
            code, out, _ = leadctl(port, "policy", "replay", candidate, "--json")
            swift_replay = json.loads(out)
            check(code == 0 and replay.recorded.leads >= 17
                  and swift_replay["recorded"]["leads"] == replay.recorded.leads
                  and swift_replay.get("changed_leads", 0) == replay.changed_leads > 0
                  and py.health().last_seq == before,
                  f"Python and Swift replays agree ({replay.recorded.leads} leads, {replay.changed_leads} moved)")

            # Backups from Python and Swift: each copy is a file of the size the server reports.
            copies = tempfile.mkdtemp(prefix="leadrouter-copies-")
            copy = py.backup(os.path.join(copies, "python"))
            check(before <= copy.last_seq <= py.health().last_seq and os.path.getsize(copy.file) == copy.bytes > 0,
                  "Python backs up")
            code, out, _ = leadctl(port, "backup", os.path.join(copies, "swift"), "--json")
            check(code == 0 and os.path.getsize(json.loads(out)["file"]) == int(json.loads(out)["bytes"]),
                  "Swift backs up")
            shutil.rmtree(copies)

        # A Python stream resumes across a server restart with no gap and no duplicate.
        with Client("127.0.0.1", port) as py:
            start = py.health().last_seq
        received = []
        done = threading.Event()

        def follow():
            for event in resuming_assignments("127.0.0.1", port, from_seq=start, retry_delay=0.1):
                received.append(event.seq)
                if len(received) >= 20:
                    break
            done.set()

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        with Client("127.0.0.1", port) as py:
            for index in range(10):
                py.set_availability("cy", pb.REP_STATUS_AVAILABLE if index % 2 else pb.REP_STATUS_AWAY)
        time.sleep(0.3)
        server.stop()
        server = Server(data, port)
        with Client("127.0.0.1", port) as py:
            for index in range(10):
                py.set_availability("cy", pb.REP_STATUS_AVAILABLE if index % 2 else pb.REP_STATUS_AWAY)
        done.wait(timeout=20)
        check(received == list(range(start + 1, start + 21)),
              f"Python stream resumed across a restart without gap or duplicate ({len(received)} events)")
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    check_c_client_under_valgrind()
    check_tokens()
    check_mutual_tls()
    if failures:
        print(f"{len(failures)} interop checks failed", flush=True)
        sys.exit(1)
    print("interop: all checks passed", flush=True)


def fake_server(reply_frames):
    """A one-connection server that answers HELLO properly, then sends `reply_frames` verbatim."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            hello = pb.HelloReply(protocol_version=1, server_version="fake").SerializeToString()
            connection.sendall(struct.pack(">IBI", 5 + len(hello), 0x02, 0) + hello)
            connection.recv(65536)
            connection.sendall(reply_frames)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def check_c_client_under_valgrind():
    """The C client under valgrind: clean against the real server, and no crash on malformed replies."""
    valgrind = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "-q"]
    data = tempfile.mkdtemp(prefix="leadrouter-valgrind-")
    port = free_port()
    server = Server(data, port)
    try:
        run = subprocess.run(valgrind + [os.path.join(C_BIN, "lr-route"), "--server", f"127.0.0.1:{port}", "v-1",
                                         "source=web"], capture_output=True, text=True, timeout=60)
        check(run.returncode == 0 and "lead v-1: queued" in run.stdout, "C client is valgrind-clean against the server")
        leadctl(port, "reps", "import", os.path.join(ROOT, "examples", "reps.json"))
        dialer = subprocess.Popen(valgrind + [os.path.join(C_BIN, "lr-dialer"), "--server", f"127.0.0.1:{port}", "ana",
                                              "--count", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Route once the dialer (slow under valgrind) has made ana available; had it not yet subscribed,
        # it still streams from the sequence number it noted before announcing itself.
        with Client("127.0.0.1", port) as py:
            for _ in range(300):
                reps = py.call("ListReps", pb.ListRepsRequest(), pb.ListRepsReply).reps
                if any(r.rep.id == "ana" and r.status == pb.REP_STATUS_AVAILABLE for r in reps):
                    break
                time.sleep(0.1)
            py.route(pb.Lead(id="v-2", source="web"))
        out, err = dialer.communicate(timeout=60)
        check(dialer.returncode == 0 and " offered v-" in out and " ana" in out,
              f"C dialer is valgrind-clean: streams, accepts, exits ({dialer.returncode}) {err[-300:]}")
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    garbage = b"\xff\x00\x13"
    cases = {
        "garbage response payload": struct.pack(">IBI", 5 + len(garbage), 0x11, 1) + garbage,
        "malformed status": struct.pack(">IBI", 5 + len(garbage), 0x13, 1) + garbage,
        "oversized length": struct.pack(">I", 0x7FFFFFFF) + b"\x11",
        "short length": struct.pack(">I", 2) + b"\x11\x00",
        "truncated then closed": struct.pack(">IBI", 50, 0x11, 1) + b"\x0a\x02",
        "wrong call id then close": struct.pack(">IBI", 5, 0x11, 77),
    }
    for name, frames in cases.items():
        port = fake_server(frames)
        run = subprocess.run(valgrind + [os.path.join(C_BIN, "lr-route"), "--server", f"127.0.0.1:{port}", "x"],
                             capture_output=True, text=True, timeout=60)
        check(run.returncode == 1 and "error: " in run.stderr, f"C client reports an error, no crash, valgrind-clean: {name}")


def check_tokens():
    """A server that takes tokens: each client presents one, is refused without, and is held to its roles
    with the same status codes in all three languages."""
    route_token, admin_token = "interop-route-0123456789", "interop-admin-0123456789"
    data = tempfile.mkdtemp(prefix="leadrouter-tokens-")
    config = os.path.join(data, "config.yaml")
    with open(config, "w") as file:
        file.write(f"tokens:\n  - {{name: svc, token: {route_token}, roles: [route]}}\n"
                   f"  - {{name: ops, token: {admin_token}, roles: [admin]}}\n")
    port = free_port()
    server = Server(os.path.join(data, "data"), port, config)
    try:
        code, _, err = leadctl(port, "reps", "import", os.path.join(ROOT, "examples", "reps.json"))
        check(code != 0 and "UNAUTHENTICATED" in err, "leadctl without a token is refused with UNAUTHENTICATED")
        code, out, _ = leadctl(port, "reps", "import", os.path.join(ROOT, "examples", "reps.json"), "--token", admin_token)
        check(code == 0, "leadctl with the admin token loads reps")
        code, _, err = c_tool("lr-route", port, "t-1", "source=web")
        check(code == 1 and "UNAUTHENTICATED" in err, f"C client without a token is refused: {err.strip()}")
        code, out, err = c_tool("lr-route", port, "t-1", "source=web", token=route_token)
        check(code == 0 and "lead t-1" in out, f"C client routes with the route token: {err.strip()}")
        try:
            Client("127.0.0.1", port)
            check(False, "Python client without a token is refused")
        except RPCError as error:
            check(error.code == StatusCode.UNAUTHENTICATED, "Python client without a token is refused with UNAUTHENTICATED")
        with Client("127.0.0.1", port, token=route_token) as py:
            check(py.route(pb.Lead(id="t-2", source="web")).assignment.lead.id == "t-2", "Python client routes with its token")
            try:
                py.call("UpsertReps", pb.UpsertRepsRequest(), pb.ChangeReply)
                check(False, "the route token may not change the roster")
            except RPCError as error:
                check(error.code == StatusCode.PERMISSION_DENIED and "needs admin" in error.message,
                      f"Python client is refused admin calls with PERMISSION_DENIED: {error.message}")
        with open(os.path.join(data, "data", "audit.log")) as file:
            audit = [json.loads(line) for line in file]
        check([(entry["token"], entry["method"], entry["outcome"]) for entry in audit] == [
            ("-", "HELLO", "UNAUTHENTICATED"), ("ops", "UpsertReps", "OK"), ("-", "HELLO", "UNAUTHENTICATED"),
            ("-", "HELLO", "UNAUTHENTICATED"), ("svc", "UpsertReps", "PERMISSION_DENIED")],
            f"the audit log names who did what: {audit}")
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def check_mutual_tls():
    """A server with mutual TLS: leadctl, the C client (under valgrind) and the Python client connect with
    the test CA and client certificate, and are refused without a client certificate."""
    tls = os.path.join(ROOT, "Tests", "Fixtures", "tls")
    ca, cert, key = (os.path.join(tls, name) for name in ("ca.pem", "client.pem", "client.key"))
    data = tempfile.mkdtemp(prefix="leadrouter-tls-")
    config = os.path.join(data, "config.yaml")
    with open(config, "w") as file:
        file.write(f"tls:\n  certificate: {tls}/server.pem\n  key: {tls}/server.key\n  client_ca: {ca}\n")
    port = free_port()
    server = Server(os.path.join(data, "data"), port, config)
    try:
        code, _, err = leadctl(port, "reps", "import", os.path.join(ROOT, "examples", "reps.json"),
                               "--tls-ca", ca, "--tls-cert", cert, "--tls-key", key)
        check(code == 0, f"leadctl connects with mutual TLS {err.strip()}")
        valgrind = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "-q"]
        files = {"LEADROUTER_TLS_CA": ca, "LEADROUTER_TLS_CERT": cert, "LEADROUTER_TLS_KEY": key}
        code, out, err = c_tool("lr-route", port, "m-1", "source=web", environment=files, wrapper=valgrind, timeout=120)
        check(code == 0 and "lead m-1" in out, f"C client routes over mutual TLS, valgrind-clean ({code}) {err.strip()[-300:]}")
        code, out, err = c_tool("lr-route", port, "m-2", environment={"LEADROUTER_TLS_CA": ca})
        check(code == 1 and "error: UNAVAILABLE" in err, f"C client without a certificate is refused: ({code}) {out.strip()} {err.strip()}")
        code, _, err = c_tool("lr-route", port, "m-3", environment={"LEADROUTER_TLS_CA": os.path.join(tls, "other-ca.pem"),
                                                                  "LEADROUTER_TLS_CERT": cert, "LEADROUTER_TLS_KEY": key})
        check(code == 1 and "TLS with the server failed" in err, f"C client refuses a server its CA did not sign: {err.strip()}")
        with Client("127.0.0.1", port, tls_ca=ca, tls_cert=cert, tls_key=key) as py:
            check(py.route(pb.Lead(id="m-4", source="web")).assignment.lead.id == "m-4", "Python client routes over mutual TLS")
        try:
            Client("127.0.0.1", port, tls_ca=ca).call("Health", pb.HealthRequest(), pb.HealthReply)
            check(False, "Python client without a certificate is refused")
        except RPCError as error:
            check(error.code == StatusCode.UNAVAILABLE, f"Python client without a certificate is refused: {error.message}")
        code, out, _ = leadctl(port, "get", "m-1", "--tls-ca", ca, "--tls-cert", cert, "--tls-key", key)
        check(code == 0 and "m-1" in out, "the lead the C client routed over TLS is there for leadctl")
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def py_stream(port, rep, start):
    client = Client("127.0.0.1", port, name="interop-stream")
    return client.assignments(rep=rep, from_seq=start)


def _take(events, keep, count):
    taken = []
    for event in events:
        if keep(event):
            taken.append(event)
            if len(taken) == count:
                return taken
    return taken


if __name__ == "__main__":
    main()
