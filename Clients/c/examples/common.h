/* Shared by the example programs: parse --server HOST:PORT; the token, if any, from LEADROUTER_TOKEN. */
#ifndef LR_EXAMPLES_COMMON_H
#define LR_EXAMPLES_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void parse_server(const char *value, char *host, size_t size, int *port) {
    const char *colon = strrchr(value, ':');
    if (!colon) {
        fprintf(stderr, "--server wants HOST:PORT, got %s\n", value);
        exit(2);
    }
    snprintf(host, size, "%.*s", (int)(colon - value), value);
    *port = atoi(colon + 1);
}

static const char *env_token(void) { return getenv("LEADROUTER_TOKEN"); }
#endif
