#!/usr/bin/env python3
"""A minimal dialer: reports a rep available, follows their assignments, and accepts each offer.

    python3 dialer.py --server 127.0.0.1:7411 --rep ana [--from-seq N] [--count N]
"""
import argparse

from leadrouter_client import Client, RPCError, pb, resuming_assignments


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="127.0.0.1:7411")
    parser.add_argument("--rep", required=True)
    parser.add_argument("--from-seq", type=int, default=0)
    parser.add_argument("--count", type=int, default=0, help="stop after this many offers")
    args = parser.parse_args()
    host, port = args.server.rsplit(":", 1)
    with Client(host, int(port), name="python-dialer") as control:
        control.set_availability(args.rep, pb.REP_STATUS_AVAILABLE)
        offers = 0
        for event in resuming_assignments(host, int(port), rep=args.rep, from_seq=args.from_seq):
            print(f"{event.seq} {event.kind} {event.lead_id} {event.rep}", flush=True)
            if event.kind != "offered":
                continue
            try:
                control.accept(event.lead_id, rep=args.rep)
            except RPCError as error:
                print(f"could not accept {event.lead_id}: {error}", flush=True)
            offers += 1
            if args.count and offers >= args.count:
                return


if __name__ == "__main__":
    main()
