#!/usr/bin/env bash
# Runs every test LeadRouter has: the Swift suites, the C client, and the cross-language interop suite.
# Installs what the tests need from Debian or PyPI when it is missing, so this one command passes on a
# fresh machine. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

need_debian=()
[ -f /usr/include/sqlite3.h ] || need_debian+=(libsqlite3-dev)
[ -f /usr/include/protobuf-c/protobuf-c.h ] || need_debian+=(libprotobuf-c-dev)
[ -f /usr/include/openssl/ssl.h ] || need_debian+=(libssl-dev)
command -v valgrind >/dev/null || need_debian+=(valgrind)
command -v make >/dev/null || need_debian+=(make)
command -v cc >/dev/null || need_debian+=(gcc)
if [ ${#need_debian[@]} -gt 0 ]; then
    echo "installing from Debian: ${need_debian[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debian[@]}" >/dev/null
fi
if ! python3 -c "import google.protobuf" 2>/dev/null; then
    echo "installing from PyPI: protobuf"
    python3 -m pip install -q protobuf
fi

swift build --build-tests
swift test --skip-build

make -s -C Clients/c
python3 -m pip install -q --disable-pip-version-check ./Clients/python
timeout 600 python3 Clients/interop/interop_test.py
