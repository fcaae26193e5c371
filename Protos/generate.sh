#!/usr/bin/env bash
# Regenerates the committed Swift (and C) code from Protos/. Needs `protoc` (Debian: protobuf-compiler)
# and protoc-gen-swift from apple/swift-protobuf 1.39.0, built once:
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0 &&
#   swift build -c release --product protoc-gen-swift
# then: PROTOC_GEN_SWIFT=/path/to/.build/release/protoc-gen-swift Protos/generate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
[ -x "$plugin" ] || { echo "set PROTOC_GEN_SWIFT to a built protoc-gen-swift" >&2; exit 1; }
out=Sources/LeadRouterWire/Generated
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --swift_out=Visibility=Public:"$out" -I Protos Protos/leadrouter/v1/*.proto
echo "generated into $out"

# C (protoc-c from protobuf-c-compiler). protoc-c 1.4 predates proto3 `optional`; the keyword changes
# only presence tracking, not the wire format, so the C code is generated from a copy without it.
if command -v protoc-c >/dev/null; then
    tmp=$(mktemp -d)
    sed 's/^\(\s*\)optional /\1/' Protos/leadrouter/v1/leadrouter.proto > "$tmp/leadrouter.proto"
    protoc-c -I "$tmp" --c_out=Clients/c/generated "$tmp/leadrouter.proto"
    rm -rf "$tmp"
    echo "generated into Clients/c/generated"
fi

# Python (protobuf from PyPI at run time).
protoc -I Protos/leadrouter/v1 --python_out=Clients/python/leadrouter_client Protos/leadrouter/v1/leadrouter.proto
sed -i 's/^import leadrouter_pb2 as leadrouter__pb2/from . import leadrouter_pb2 as leadrouter__pb2/' Clients/python/leadrouter_client/leadrouter_pb2.py
echo "generated into Clients/python/leadrouter_client"
