#!/usr/bin/env bash
# Runs every test LeadRouter has. Installs what the tests need from Debian or PyPI when it is missing,
# so this one command passes on a fresh machine. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

need_debian=()
[ -f /usr/include/sqlite3.h ] || need_debian+=(libsqlite3-dev)
if [ ${#need_debian[@]} -gt 0 ]; then
    echo "installing ${need_debian[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debian[@]}" >/dev/null
fi

swift build --build-tests
swift test --skip-build
