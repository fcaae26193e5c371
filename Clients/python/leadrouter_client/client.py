"""Connection, framing and calls. See docs/PROTOCOL.md for the byte-level protocol."""

import enum
import socket
import ssl
import struct
import time

from . import leadrouter_pb2 as pb

PROTOCOL_VERSION = 1
HELLO, HELLO_OK, REQUEST, RESPONSE, STREAM_MESSAGE, STATUS, CANCEL, CREDIT, GOAWAY = (
    0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x1F)
MAX_FRAME = 64 << 20


class StatusCode(enum.IntEnum):
    """gRPC's canonical status codes."""
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class RPCError(Exception):
    """A failed call: the server's status code and message."""

    def __init__(self, code, message):
        super().__init__(f"{StatusCode(code).name}: {message}")
        self.code = StatusCode(code)
        self.message = message


class Client:
    """One connection. Calls are made one at a time; use one client per thread."""

    def __init__(self, host="127.0.0.1", port=7411, name="python-client", timeout=10.0, token="",
                 tls=False, tls_ca=None, tls_cert=None, tls_key=None):
        """token: for a server that requires one (its roles decide which calls are allowed).
        tls: connect with TLS trusting the system's CAs; tls_ca: a PEM file of the CA to trust instead;
        tls_cert and tls_key: this client's certificate, for a server that asks for one (mutual TLS)."""
        self.host, self.port, self.name, self.timeout = host, port, name, timeout
        self._next_call = 1
        try:
            self._sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as error:
            raise RPCError(StatusCode.UNAVAILABLE, f"cannot connect to {host}:{port}: {error}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls or tls_ca or tls_cert:
            try:
                context = ssl.create_default_context(cafile=tls_ca)
                context.minimum_version = ssl.TLSVersion.TLSv1_2
                if tls_cert:
                    context.load_cert_chain(tls_cert, tls_key)
                self._sock = context.wrap_socket(self._sock, server_hostname=host)
            except (ssl.SSLError, ssl.CertificateError, OSError) as error:
                self._sock.close()
                raise RPCError(StatusCode.UNAVAILABLE, f"TLS with the server failed: {error}") from None
        self._buffer = b""
        self._send(HELLO, 0, pb.Hello(protocol_version=PROTOCOL_VERSION, client_name=name, token=token).SerializeToString())
        kind, _, payload = self._read_frame(time.monotonic() + timeout)
        if kind == GOAWAY:
            status = pb.Status.FromString(payload)
            raise RPCError(status.code, status.message)
        if kind != HELLO_OK:
            raise RPCError(StatusCode.INTERNAL, f"expected HELLO_OK, got frame type {kind:#x}")
        self.server = pb.HelloReply.FromString(payload)

    def close(self):
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    # framing

    def _send(self, kind, call_id, payload):
        header = struct.pack(">IBI", 5 + len(payload), kind, call_id)
        try:
            self._sock.sendall(header + payload)
        except OSError as error:
            raise RPCError(StatusCode.UNAVAILABLE, f"connection lost: {error}") from None

    def _read_exactly(self, count, deadline):
        while len(self._buffer) < count:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise RPCError(StatusCode.DEADLINE_EXCEEDED, "no reply before the deadline")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                raise RPCError(StatusCode.DEADLINE_EXCEEDED, "no reply before the deadline") from None
            except OSError as error:
                raise RPCError(StatusCode.UNAVAILABLE, f"connection lost: {error}") from None
            if not chunk:
                raise RPCError(StatusCode.UNAVAILABLE, "connection closed by the server")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _read_frame(self, deadline):
        (length,) = struct.unpack(">I", self._read_exactly(4, deadline))
        if length < 5 or length > MAX_FRAME:
            raise RPCError(StatusCode.INTERNAL, f"malformed frame from server (length {length})")
        body = self._read_exactly(length, deadline)
        kind, call_id = struct.unpack(">BI", body[:5])
        return kind, call_id, body[5:]

    def _decode(self, cls, payload):
        try:
            return cls.FromString(payload)
        except Exception as error:  # protobuf raises DecodeError
            raise RPCError(StatusCode.INTERNAL, f"malformed {cls.__name__} from server: {error}") from None

    def _open(self, method, request, timeout):
        call_id = self._next_call
        self._next_call += 1
        envelope = pb.Request(method=method, payload=request.SerializeToString(),
                              timeout_ms=int(timeout * 1000) if timeout else 0)
        self._send(REQUEST, call_id, envelope.SerializeToString())
        return call_id

    def call(self, method, request, reply_cls, timeout=None):
        """Makes one unary call; raises RPCError with the server's status on failure."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout if timeout else None
        call_id = self._open(method, request, timeout)
        while True:
            try:
                kind, frame_call, payload = self._read_frame(deadline)
            except RPCError as error:
                if error.code == StatusCode.DEADLINE_EXCEEDED:
                    self._send(CANCEL, call_id, b"")
                raise
            if kind == GOAWAY:
                status = self._decode(pb.Status, payload)
                raise RPCError(status.code, status.message)
            if frame_call != call_id:
                continue
            if kind == RESPONSE:
                return self._decode(reply_cls, payload)
            if kind == STATUS:
                status = self._decode(pb.Status, payload)
                raise RPCError(status.code, status.message)

    # calls

    def route(self, lead, explain=False):
        return self.call("Route", pb.RouteRequest(lead=lead, explain=explain), pb.RouteReply)

    def reassign(self, lead_id, reason=""):
        return self.call("Reassign", pb.ReassignRequest(lead_id=lead_id, reason=reason), pb.RouteReply)

    def set_availability(self, rep, status, active_calls=None, capacity=None):
        request = pb.SetAvailabilityRequest(rep=rep, status=status)
        if active_calls is not None:
            request.active_calls = active_calls
        if capacity is not None:
            request.capacity = capacity
        return self.call("SetAvailability", request, pb.SetAvailabilityReply)

    def accept(self, lead_id, rep=""):
        return self.call("Accept", pb.AcceptRequest(lead_id=lead_id, rep=rep), pb.AssignmentReply).assignment

    def complete(self, lead_id, outcome, rep=""):
        request = pb.CompleteRequest(lead_id=lead_id, outcome=outcome, rep=rep)
        return self.call("Complete", request, pb.AssignmentReply).assignment

    def upsert_reps(self, reps):
        return self.call("UpsertReps", pb.UpsertRepsRequest(reps=reps), pb.ChangeReply)

    def get_assignment(self, lead_id):
        return self.call("GetAssignment", pb.GetAssignmentRequest(lead_id=lead_id), pb.AssignmentReply).assignment

    def lead_history(self, lead_id):
        """Every kept event of one lead, oldest first; `.complete` is False when the first may be gone."""
        return self.call("GetLeadHistory", pb.LeadHistoryRequest(lead_id=lead_id), pb.LeadHistoryReply)

    def backup(self, folder, timeout=3600.0):
        """A consistent copy of the server's database into `folder` on its host (docs/OPERATIONS.md)."""
        return self.call("Backup", pb.BackupRequest(folder=folder), pb.BackupReply, timeout=timeout)

    def health(self):
        return self.call("Health", pb.HealthRequest(), pb.HealthReply)

    def replay_policy(self, policy_yaml, since_ms=0, from_seq=0, max_events=0, timeout=600.0):
        """Replays recorded traffic against a candidate policy (docs/POLICY.md); assigns nothing."""
        request = pb.ReplayRequest(policy_yaml=policy_yaml, since_ms=since_ms, from_seq=from_seq,
                                   max_events=max_events)
        return self.call("ReplayPolicy", request, pb.ReplayReply, timeout=timeout)

    def assignments(self, rep="", team="", from_seq=0, window=256):
        """Yields AssignmentEvents on this connection with credit-based flow control."""
        call_id = self._open("StreamAssignments",
                             pb.StreamAssignmentsRequest(rep=rep, team=team, from_seq=from_seq, initial_credit=window), 0)
        outstanding = window
        while True:
            kind, frame_call, payload = self._read_frame(None)
            if kind == GOAWAY:
                status = self._decode(pb.Status, payload)
                raise RPCError(status.code, status.message)
            if frame_call != call_id:
                continue
            if kind == STREAM_MESSAGE:
                yield self._decode(pb.AssignmentEvent, payload)
                outstanding -= 1
                if outstanding <= window // 2:
                    self._send(CREDIT, call_id, pb.Credit(messages=window - outstanding).SerializeToString())
                    outstanding = window
            elif kind == STATUS:
                status = self._decode(pb.Status, payload)
                if status.code == StatusCode.OK:
                    return
                raise RPCError(status.code, status.message)


def resuming_assignments(host, port, rep="", team="", from_seq=0, retry_delay=0.2, attempts=100, name="python-dialer"):
    """Yields every AssignmentEvent after from_seq, reconnecting (and resuming from the last sequence
    number delivered) whenever the connection or the server goes away."""
    last = from_seq
    failures = 0
    while True:
        try:
            with Client(host, port, name=name) as client:
                failures = 0
                for event in client.assignments(rep=rep, team=team, from_seq=last):
                    last = event.seq
                    yield event
                return
        except RPCError as error:
            if error.code != StatusCode.UNAVAILABLE:
                raise
            failures += 1
            if failures >= attempts:
                raise
            time.sleep(retry_delay)
