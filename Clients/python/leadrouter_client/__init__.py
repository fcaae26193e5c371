"""LeadRouter client for Python: a synchronous client over LeadRouter's framed protobuf protocol.

    from leadrouter_client import Client, pb
    with Client("127.0.0.1", 7411) as client:
        reply = client.route(pb.Lead(id="lead-1", source="web", country="DE"))
        print(reply.assignment.rep)

The wire format is specified in docs/PROTOCOL.md.
"""

from .client import Client, RPCError, StatusCode, resuming_assignments
from . import leadrouter_pb2 as pb

__all__ = ["Client", "RPCError", "StatusCode", "pb", "resuming_assignments"]
