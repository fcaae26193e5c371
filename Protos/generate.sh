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
