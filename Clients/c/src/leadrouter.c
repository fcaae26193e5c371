/* LeadRouter C client: framing, handshake, unary calls and streams. See include/leadrouter.h. */
#include "leadrouter.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

enum { HELLO = 0x01, HELLO_OK = 0x02, REQUEST = 0x10, RESPONSE = 0x11, STREAM_MESSAGE = 0x12,
       STATUS = 0x13, CANCEL = 0x14, CREDIT = 0x15, GOAWAY = 0x1F };
enum { MAX_FRAME = 64 << 20, STREAM_WINDOW = 256 };

struct lr_conn {
    int fd;
    SSL_CTX *tls_context; /* both NULL on a plain connection */
    SSL *tls;
    uint32_t next_call;
    uint32_t stream_call;
    uint32_t outstanding;
};

typedef struct {
    uint8_t type;
    uint32_t call;
    uint8_t *payload;
    size_t length;
} frame;

static int fail(lr_status *status, uint32_t code, const char *format, ...) {
    if (status) {
        va_list args;
        va_start(args, format);
        status->code = code;
        vsnprintf(status->message, sizeof status->message, format, args);
        va_end(args);
    }
    return -1;
}

const char *lr_code_name(uint32_t code) {
    static const char *names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* OpenSSL writes with write(2), which raises SIGPIPE on a connection the server has closed (a refused
 * client certificate, say), killing the program. The signal is blocked around the call and a pending
 * one taken back, as send(MSG_NOSIGNAL) does for plain connections. */
typedef struct {
    sigset_t pipe, previous;
} pipe_guard;

static void block_sigpipe(pipe_guard *guard) {
    sigemptyset(&guard->pipe);
    sigaddset(&guard->pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &guard->pipe, &guard->previous);
}

static void restore_sigpipe(pipe_guard *guard, int failed) {
    struct timespec now = {0, 0};
    if (failed && !sigismember(&guard->previous, SIGPIPE)) sigtimedwait(&guard->pipe, NULL, &now);
    pthread_sigmask(SIG_SETMASK, &guard->previous, NULL);
}

static int tls_write(SSL *tls, const uint8_t *bytes, size_t length) {
    pipe_guard guard;
    block_sigpipe(&guard);
    int sent = SSL_write(tls, bytes, length > INT32_MAX ? INT32_MAX : (int)length);
    restore_sigpipe(&guard, sent <= 0);
    return sent;
}

static int send_all(lr_conn *conn, const uint8_t *bytes, size_t length, lr_status *status) {
    while (length > 0) {
        ssize_t sent = conn->tls ? tls_write(conn->tls, bytes, length) : send(conn->fd, bytes, length, MSG_NOSIGNAL);
        if (conn->tls && sent <= 0) return fail(status, LR_UNAVAILABLE, "connection lost (TLS write failed)");
        if (sent < 0) {
            if (errno == EINTR) continue;
            return fail(status, LR_UNAVAILABLE, "connection lost: %s", strerror(errno));
        }
        bytes += sent;
        length -= (size_t)sent;
    }
    return 0;
}

static int send_frame(lr_conn *conn, uint8_t type, uint32_t call, const uint8_t *payload, size_t length,
                      lr_status *status) {
    uint8_t header[9];
    uint32_t total = (uint32_t)(5 + length);
    header[0] = total >> 24; header[1] = total >> 16; header[2] = total >> 8; header[3] = total;
    header[4] = type;
    header[5] = call >> 24; header[6] = call >> 16; header[7] = call >> 8; header[8] = call;
    if (send_all(conn, header, sizeof header, status) < 0) return -1;
    return length ? send_all(conn, payload, length, status) : 0;
}

static int send_message(lr_conn *conn, uint8_t type, uint32_t call, const ProtobufCMessage *message,
                        lr_status *status) {
    size_t size = protobuf_c_message_get_packed_size(message);
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes) return fail(status, LR_INTERNAL, "out of memory");
    protobuf_c_message_pack(message, bytes);
    int result = send_frame(conn, type, call, bytes, size, status);
    free(bytes);
    return result;
}

/* Reads exactly `length` bytes before `deadline` (ms, 0 = none). */
static int read_exact(lr_conn *conn, uint8_t *into, size_t length, int64_t deadline, lr_status *status) {
    while (length > 0) {
        int wait = -1;
        if (deadline) {
            int64_t left = deadline - now_ms();
            if (left <= 0) return fail(status, LR_DEADLINE_EXCEEDED, "no reply before the deadline");
            wait = (int)left;
        }
        /* Bytes OpenSSL already decrypted are not on the socket for poll to see. */
        if (!conn->tls || SSL_pending(conn->tls) == 0) {
            struct pollfd poller = {.fd = conn->fd, .events = POLLIN};
            int ready = poll(&poller, 1, wait);
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) return fail(status, LR_DEADLINE_EXCEEDED, "no reply before the deadline");
        }
        ssize_t got = conn->tls ? SSL_read(conn->tls, into, length > INT32_MAX ? INT32_MAX : (int)length)
                                : recv(conn->fd, into, length, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return fail(status, LR_UNAVAILABLE, "connection closed by the server");
        into += got;
        length -= (size_t)got;
    }
    return 0;
}

static int read_frame(lr_conn *conn, frame *out, int64_t deadline, lr_status *status) {
    uint8_t header[9];
    if (read_exact(conn, header, 4, deadline, status) < 0) return -1;
    uint32_t length = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 | (uint32_t)header[2] << 8 | header[3];
    if (length < 5 || length > MAX_FRAME) return fail(status, LR_INTERNAL, "malformed frame from server (length %u)", length);
    if (read_exact(conn, header + 4, 5, deadline, status) < 0) return -1;
    out->type = header[4];
    out->call = (uint32_t)header[5] << 24 | (uint32_t)header[6] << 16 | (uint32_t)header[7] << 8 | header[8];
    out->length = length - 5;
    out->payload = malloc(out->length ? out->length : 1);
    if (!out->payload) return fail(status, LR_INTERNAL, "out of memory");
    if (read_exact(conn, out->payload, out->length, deadline, status) < 0) {
        free(out->payload);
        out->payload = NULL;
        return -1;
    }
    return 0;
}

/* Turns a STATUS or GOAWAY payload into an lr_status. */
static int status_from(const frame *received, lr_status *status) {
    Leadrouter__V1__Status *wire = leadrouter__v1__status__unpack(NULL, received->length, received->payload);
    if (!wire) return fail(status, LR_INTERNAL, "malformed status frame from server");
    fail(status, wire->code, "%s", wire->message ? wire->message : "");
    uint32_t code = wire->code;
    leadrouter__v1__status__free_unpacked(wire, NULL);
    return code == LR_OK ? 0 : -1;
}

lr_conn *lr_connect(const char *host, int port, const char *client_name, int timeout_ms, lr_status *status) {
    return lr_connect_with(host, port, client_name, NULL, timeout_ms, status);
}

/* OpenSSL's reason for the last failure, for a status message. */
static const char *tls_reason(void) {
    static __thread char reason[256];
    unsigned long error = ERR_get_error();
    if (!error) return "the connection closed during the handshake";
    ERR_error_string_n(error, reason, sizeof reason);
    return reason;
}

/* Wraps the connected socket in TLS and runs the handshake (blocking). */
static int start_tls(lr_conn *conn, const char *host, const lr_options *options, lr_status *status) {
    conn->tls_context = SSL_CTX_new(TLS_client_method());
    if (!conn->tls_context) return fail(status, LR_INTERNAL, "TLS: %s", tls_reason());
    SSL_CTX_set_min_proto_version(conn->tls_context, TLS1_2_VERSION);
    SSL_CTX_set_verify(conn->tls_context, SSL_VERIFY_PEER, NULL);
    int roots = options->tls_ca ? SSL_CTX_load_verify_locations(conn->tls_context, options->tls_ca, NULL)
                                : SSL_CTX_set_default_verify_paths(conn->tls_context);
    if (roots != 1) return fail(status, LR_INVALID_ARGUMENT, "cannot load the TLS CA %s: %s",
                                options->tls_ca ? options->tls_ca : "(system)", tls_reason());
    if (options->tls_cert) {
        if (SSL_CTX_use_certificate_chain_file(conn->tls_context, options->tls_cert) != 1 ||
            SSL_CTX_use_PrivateKey_file(conn->tls_context, options->tls_key ? options->tls_key : options->tls_cert,
                                        SSL_FILETYPE_PEM) != 1)
            return fail(status, LR_INVALID_ARGUMENT, "cannot load the client's TLS certificate %s: %s",
                        options->tls_cert, tls_reason());
    }
    conn->tls = SSL_new(conn->tls_context);
    if (!conn->tls || SSL_set_fd(conn->tls, conn->fd) != 1) return fail(status, LR_INTERNAL, "TLS: %s", tls_reason());
    /* An address is checked against the certificate's IP entries, a name against its DNS names (and
     * sent as SNI). */
    unsigned char address[16];
    int is_address = inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1;
    if (is_address) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(conn->tls), host);
    } else {
        SSL_set_tlsext_host_name(conn->tls, host);
        SSL_set1_host(conn->tls, host);
    }
    pipe_guard guard;
    block_sigpipe(&guard);
    int connected = SSL_connect(conn->tls);
    restore_sigpipe(&guard, connected != 1);
    if (connected != 1) {
        long verified = SSL_get_verify_result(conn->tls);
        if (verified != X509_V_OK)
            return fail(status, LR_UNAVAILABLE, "TLS with the server failed: %s", X509_verify_cert_error_string(verified));
        return fail(status, LR_UNAVAILABLE, "TLS with the server failed: %s", tls_reason());
    }
    return 0;
}

lr_conn *lr_connect_with(const char *host, int port, const char *client_name, const lr_options *options,
                         int timeout_ms, lr_status *status) {
    static const lr_options none = {0};
    if (!options) options = &none;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
    if (getaddrinfo(host, service, &hints, &found) != 0 || !found) {
        fail(status, LR_UNAVAILABLE, "cannot resolve %s", host);
        return NULL;
    }
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) < 0) {
        fail(status, LR_UNAVAILABLE, "cannot connect to %s:%d: %s", host, port, strerror(errno));
        if (fd >= 0) close(fd);
        freeaddrinfo(found);
        return NULL;
    }
    freeaddrinfo(found);
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    lr_conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        close(fd);
        fail(status, LR_INTERNAL, "out of memory");
        return NULL;
    }
    conn->fd = fd;
    conn->next_call = 1;
    if ((options->tls || options->tls_ca || options->tls_cert) && start_tls(conn, host, options, status) < 0) {
        lr_close(conn);
        return NULL;
    }
    Leadrouter__V1__Hello hello = LEADROUTER__V1__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = (char *)(client_name ? client_name : "c-client");
    hello.token = (char *)(options->token ? options->token : "");
    frame reply = {0};
    int64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
    if (send_message(conn, HELLO, 0, &hello.base, status) < 0 || read_frame(conn, &reply, deadline, status) < 0) {
        lr_close(conn);
        return NULL;
    }
    int ok = reply.type == HELLO_OK;
    if (reply.type == GOAWAY) status_from(&reply, status);
    else if (!ok) fail(status, LR_INTERNAL, "expected HELLO_OK, got frame type 0x%02x", reply.type);
    free(reply.payload);
    if (!ok) {
        lr_close(conn);
        return NULL;
    }
    return conn;
}

void lr_close(lr_conn *conn) {
    if (!conn) return;
    if (conn->tls) SSL_free(conn->tls);
    if (conn->tls_context) SSL_CTX_free(conn->tls_context);
    close(conn->fd);
    free(conn);
}

static int open_call(lr_conn *conn, const char *method, const ProtobufCMessage *request, int timeout_ms,
                     uint32_t *call, lr_status *status) {
    size_t size = protobuf_c_message_get_packed_size(request);
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes) return fail(status, LR_INTERNAL, "out of memory");
    protobuf_c_message_pack(request, bytes);
    Leadrouter__V1__Request envelope = LEADROUTER__V1__REQUEST__INIT;
    envelope.method = (char *)method;
    envelope.timeout_ms = timeout_ms > 0 ? (uint32_t)timeout_ms : 0;
    envelope.payload.data = bytes;
    envelope.payload.len = size;
    *call = conn->next_call++;
    int result = send_message(conn, REQUEST, *call, &envelope.base, status);
    free(bytes);
    return result;
}

int lr_call(lr_conn *conn, const char *method, const ProtobufCMessage *request,
            const ProtobufCMessageDescriptor *reply_type, int timeout_ms, ProtobufCMessage **reply,
            lr_status *status) {
    uint32_t call;
    *reply = NULL;
    if (open_call(conn, method, request, timeout_ms, &call, status) < 0) return -1;
    int64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
    for (;;) {
        frame received = {0};
        if (read_frame(conn, &received, deadline, status) < 0) {
            if (status && status->code == LR_DEADLINE_EXCEEDED) send_frame(conn, CANCEL, call, NULL, 0, NULL);
            return -1;
        }
        int result = 1;
        if (received.type == GOAWAY) {
            status_from(&received, status);
            result = -1;
        } else if (received.call == call && received.type == RESPONSE) {
            *reply = protobuf_c_message_unpack(reply_type, NULL, received.length, received.payload);
            result = *reply ? 0 : fail(status, LR_INTERNAL, "malformed %s reply from server", reply_type->name);
        } else if (received.call == call && received.type == STATUS) {
            result = status_from(&received, status) == 0 ? fail(status, LR_INTERNAL, "call ended without a reply") : -1;
        }
        free(received.payload);
        if (result <= 0) return result;
    }
}

int lr_stream_open(lr_conn *conn, const Leadrouter__V1__StreamAssignmentsRequest *request, lr_status *status) {
    Leadrouter__V1__StreamAssignmentsRequest copy = *request;
    if (copy.initial_credit == 0) copy.initial_credit = STREAM_WINDOW;
    conn->outstanding = copy.initial_credit;
    return open_call(conn, "StreamAssignments", &copy.base, 0, &conn->stream_call, status);
}

int lr_stream_next(lr_conn *conn, int timeout_ms, Leadrouter__V1__AssignmentEvent **event, lr_status *status) {
    int64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
    *event = NULL;
    for (;;) {
        frame received = {0};
        if (read_frame(conn, &received, deadline, status) < 0) return -1;
        int result = 2;
        if (received.type == GOAWAY) {
            status_from(&received, status);
            result = -1;
        } else if (received.call == conn->stream_call && received.type == STREAM_MESSAGE) {
            *event = leadrouter__v1__assignment_event__unpack(NULL, received.length, received.payload);
            result = *event ? 1 : fail(status, LR_INTERNAL, "malformed assignment event from server");
        } else if (received.call == conn->stream_call && received.type == STATUS) {
            result = status_from(&received, status) == 0 ? 0 : -1;
        }
        free(received.payload);
        if (result == 1 && conn->outstanding > 0) conn->outstanding--;
        if (result == 1 && conn->outstanding <= STREAM_WINDOW / 2) {
            Leadrouter__V1__Credit credit = LEADROUTER__V1__CREDIT__INIT;
            credit.messages = STREAM_WINDOW - conn->outstanding;
            conn->outstanding = STREAM_WINDOW;
            send_message(conn, CREDIT, conn->stream_call, &credit.base, NULL);
        }
        if (result != 2) return result;
    }
}
