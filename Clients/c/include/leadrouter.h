/* LeadRouter C client on libprotobuf-c. Protocol: docs/PROTOCOL.md.
 *
 * One lr_conn is one TCP connection. Calls on it are made one at a time (unary), or the connection
 * carries one assignment stream. Every failure fills an lr_status with a canonical gRPC status code
 * and a message; nothing the server sends can crash the client. */
#ifndef LEADROUTER_H
#define LEADROUTER_H

#include <stdint.h>
#include "leadrouter.pb-c.h"

enum {
    LR_OK = 0, LR_CANCELLED = 1, LR_UNKNOWN = 2, LR_INVALID_ARGUMENT = 3, LR_DEADLINE_EXCEEDED = 4,
    LR_NOT_FOUND = 5, LR_PERMISSION_DENIED = 7, LR_RESOURCE_EXHAUSTED = 8, LR_FAILED_PRECONDITION = 9,
    LR_OUT_OF_RANGE = 11, LR_UNIMPLEMENTED = 12, LR_INTERNAL = 13, LR_UNAVAILABLE = 14, LR_UNAUTHENTICATED = 16
};

typedef struct {
    uint32_t code;
    char message[512];
} lr_status;

typedef struct lr_conn lr_conn;

/* Connects and performs the HELLO handshake. Returns NULL (with status) on failure. */
lr_conn *lr_connect(const char *host, int port, const char *client_name, int timeout_ms, lr_status *status);
/* What a connection may present; every field may be NULL (or 0). */
typedef struct {
    /* For a server with tokens: a missing or unknown one fails with LR_UNAUTHENTICATED, a call outside
     * the token's roles with LR_PERMISSION_DENIED. */
    const char *token;
    /* TLS (OpenSSL): on when `tls` is set or any file is given. tls_ca: PEM of the CA to trust for the
     * server's certificate (NULL: the system's); tls_cert, tls_key: this client's certificate and key
     * for mutual TLS. The server's name (or IP address) is checked against its certificate. */
    int tls;
    const char *tls_ca;
    const char *tls_cert;
    const char *tls_key;
} lr_options;

/* lr_connect with a token and TLS; options may be NULL. */
lr_conn *lr_connect_with(const char *host, int port, const char *client_name, const lr_options *options,
                         int timeout_ms, lr_status *status);
void lr_close(lr_conn *conn);

/* One unary call. On success returns 0 and *reply holds the unpacked reply (free it with
 * protobuf_c_message_free_unpacked). On failure returns -1 with status set. timeout_ms 0 = none. */
int lr_call(lr_conn *conn, const char *method, const ProtobufCMessage *request,
            const ProtobufCMessageDescriptor *reply_type, int timeout_ms, ProtobufCMessage **reply,
            lr_status *status);

/* Opens the connection's assignment stream (credit-based; the library grants credit as you read). */
int lr_stream_open(lr_conn *conn, const Leadrouter__V1__StreamAssignmentsRequest *request, lr_status *status);

/* Next event: returns 1 with *event set (free with leadrouter__v1__assignment_event__free_unpacked),
 * 0 when the stream ended normally, -1 on error (status set; LR_UNAVAILABLE means reconnect). */
int lr_stream_next(lr_conn *conn, int timeout_ms, Leadrouter__V1__AssignmentEvent **event, lr_status *status);

/* Name of a status code, e.g. "NOT_FOUND". */
const char *lr_code_name(uint32_t code);

#endif
