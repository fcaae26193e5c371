/* Shared by the example programs: parse --server HOST:PORT; the token and TLS files from the
 * environment (LEADROUTER_TOKEN, LEADROUTER_TLS_CA, LEADROUTER_TLS_CERT, LEADROUTER_TLS_KEY). */
#ifndef LR_EXAMPLES_COMMON_H
#define LR_EXAMPLES_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadrouter.h"

static void parse_server(const char *value, char *host, size_t size, int *port) {
    const char *colon = strrchr(value, ':');
    if (!colon) {
        fprintf(stderr, "--server wants HOST:PORT, got %s\n", value);
        exit(2);
    }
    snprintf(host, size, "%.*s", (int)(colon - value), value);
    *port = atoi(colon + 1);
}

/* The token and TLS files from the environment, as leadctl reads them. */
static lr_options env_options(void) {
    lr_options options = {.token = getenv("LEADROUTER_TOKEN"), .tls_ca = getenv("LEADROUTER_TLS_CA"),
                          .tls_cert = getenv("LEADROUTER_TLS_CERT"), .tls_key = getenv("LEADROUTER_TLS_KEY")};
    options.tls = getenv("LEADROUTER_TLS") != NULL;
    return options;
}
#endif
