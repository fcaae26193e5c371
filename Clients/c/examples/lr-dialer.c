/* lr-dialer: report a rep available, follow their assignments, and accept every offer. Reconnects and
 * resumes from the last sequence number when the connection or the server goes away.
 *   lr-dialer [--server HOST:PORT] REP [--from-seq N] [--count OFFERS] */
#include <unistd.h>

#include "common.h"
#include "leadrouter.h"

static int set_available(lr_conn *control, const char *rep, lr_status *status) {
    Leadrouter__V1__SetAvailabilityRequest request = LEADROUTER__V1__SET_AVAILABILITY_REQUEST__INIT;
    request.rep = (char *)rep;
    request.status = LEADROUTER__V1__REP_STATUS__REP_STATUS_AVAILABLE;
    ProtobufCMessage *reply = NULL;
    if (lr_call(control, "SetAvailability", &request.base, &leadrouter__v1__set_availability_reply__descriptor, 5000,
                &reply, status) < 0)
        return -1;
    protobuf_c_message_free_unpacked(reply, NULL);
    return 0;
}

static void accept_offer(lr_conn *control, const char *lead, const char *rep) {
    Leadrouter__V1__AcceptRequest request = LEADROUTER__V1__ACCEPT_REQUEST__INIT;
    request.lead_id = (char *)lead;
    request.rep = (char *)rep;
    ProtobufCMessage *reply = NULL;
    lr_status status = {0};
    if (lr_call(control, "Accept", &request.base, &leadrouter__v1__assignment_reply__descriptor, 5000, &reply, &status) < 0) {
        printf("could not accept %s: %s: %s\n", lead, lr_code_name(status.code), status.message);
    } else {
        protobuf_c_message_free_unpacked(reply, NULL);
    }
}

int main(int argc, char **argv) {
    char host[256] = "127.0.0.1";
    int port = 7411;
    const char *rep = NULL;
    unsigned long long last = 0;
    long count = 0;
    for (int index = 1; index < argc; index++) {
        if (!strcmp(argv[index], "--server") && index + 1 < argc) parse_server(argv[++index], host, sizeof host, &port);
        else if (!strcmp(argv[index], "--from-seq") && index + 1 < argc) last = strtoull(argv[++index], NULL, 10);
        else if (!strcmp(argv[index], "--count") && index + 1 < argc) count = atol(argv[++index]);
        else rep = argv[index];
    }
    if (!rep) {
        fprintf(stderr, "usage: lr-dialer [--server HOST:PORT] REP [--from-seq N] [--count OFFERS]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    lr_status status = {0};
    long offers = 0;
    int failures = 0;
    int announced = 0;
    lr_options options = env_options();
    while (failures < 100) {
        lr_conn *control = lr_connect_with(host, port, "lr-dialer", &options, 5000, &status);
        lr_conn *stream = control ? lr_connect_with(host, port, "lr-dialer-stream", &options, 5000, &status) : NULL;
        if (!stream) {
            lr_close(control);
            if (status.code != LR_UNAVAILABLE) break;
            failures++;
            usleep(200000);
            continue;
        }
        failures = 0;
        if (!announced) {
            /* Note where the event history stands before announcing availability, and stream from
             * there: an offer dispatched by the announcement itself is not missed. */
            if (last == 0) {
                Leadrouter__V1__HealthRequest ask = LEADROUTER__V1__HEALTH_REQUEST__INIT;
                ProtobufCMessage *health = NULL;
                if (lr_call(control, "Health", &ask.base, &leadrouter__v1__health_reply__descriptor, 5000, &health,
                            &status) < 0)
                    break;
                last = ((Leadrouter__V1__HealthReply *)health)->last_seq;
                protobuf_c_message_free_unpacked(health, NULL);
            }
            if (set_available(control, rep, &status) < 0) break;
            announced = 1;
        }
        Leadrouter__V1__StreamAssignmentsRequest request = LEADROUTER__V1__STREAM_ASSIGNMENTS_REQUEST__INIT;
        request.rep = (char *)rep;
        request.from_seq = last;
        int result = lr_stream_open(stream, &request, &status);
        Leadrouter__V1__AssignmentEvent *event = NULL;
        while (result == 0 && (result = lr_stream_next(stream, 0, &event, &status)) == 1) {
            last = event->seq;
            printf("%llu %s %s %s\n", (unsigned long long)event->seq, event->kind, event->lead_id, event->rep);
            int offered = strcmp(event->kind, "offered") == 0;
            if (offered) accept_offer(control, event->lead_id, rep);
            leadrouter__v1__assignment_event__free_unpacked(event, NULL);
            if (offered && count > 0 && ++offers >= count) {
                lr_close(stream);
                lr_close(control);
                return 0;
            }
            result = 0;
        }
        lr_close(stream);
        lr_close(control);
        if (result == 0) return 0;
        if (status.code != LR_UNAVAILABLE) break;
        usleep(200000);
    }
    fprintf(stderr, "error: %s: %s\n", lr_code_name(status.code), status.message);
    return 1;
}
