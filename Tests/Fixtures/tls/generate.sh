#!/usr/bin/env bash
# Regenerates the test certificates (valid for a hundred years): a CA that signs the server's
# certificate (localhost, 127.0.0.1) and a client's, and another CA that signs a stranger's and a
# second server certificate (for certificate rotation). The CAs'
# keys are thrown away. Run from this folder; the tests only read the files.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[server]
subjectAltName = DNS:localhost, IP:127.0.0.1
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
CNF
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
ca() {
    openssl req -x509 "${ec[@]}" -keyout "$work/$1.key" -out "$1.pem" -days 36500 -subj "/CN=$2" \
        -config "$work/openssl.cnf" -extensions ca
}
certificate() { # NAME CA EXTENSIONS COMMON_NAME
    openssl req "${ec[@]}" -keyout "$1.key" -out "$work/$1.csr" -subj "/CN=$4" -config "$work/openssl.cnf"
    openssl x509 -req -in "$work/$1.csr" -CA "$2.pem" -CAkey "$work/$2.key" -CAcreateserial \
        -CAserial "$work/$2.srl" -out "$1.pem" -days 36500 -extfile "$work/openssl.cnf" -extensions "$3"
}
ca ca "LeadRouter test CA"
ca other-ca "Some other CA"
certificate server ca server localhost
certificate client ca client dialer-7
certificate stranger other-ca client stranger
certificate server-other other-ca server localhost
