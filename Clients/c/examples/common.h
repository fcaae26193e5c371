/* Shared by the example programs: parse --server HOST:PORT. */
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
#endif
