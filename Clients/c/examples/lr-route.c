/* lr-route: route (or --reassign) one lead and print the assignment and its explanation.
 *   lr-route [--server HOST:PORT] [--reassign] LEAD_ID [source=web] [country=DE] [postal_code=80331] [industry=x] [score=50] */
#include "common.h"
#include "leadrouter.h"

int main(int argc, char **argv) {
    char host[256] = "127.0.0.1";
    int port = 7411;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--server") == 0) {
        parse_server(argv[2], host, sizeof host, &port);
        first = 3;
    }
    int reassign = 0;
    if (first < argc && strcmp(argv[first], "--reassign") == 0) {
        reassign = 1;
        first++;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: lr-route [--server HOST:PORT] [--reassign] LEAD_ID [field=value ...]\n");
        return 2;
    }
    Leadrouter__V1__Lead lead = LEADROUTER__V1__LEAD__INIT;
    lead.id = argv[first];
    for (int index = first + 1; index < argc; index++) {
        char *equals = strchr(argv[index], '=');
        if (!equals) continue;
        *equals = 0;
        char *key = argv[index], *value = equals + 1;
        if (!strcmp(key, "source")) lead.source = value;
        else if (!strcmp(key, "country")) lead.country = value;
        else if (!strcmp(key, "postal_code")) lead.postal_code = value;
        else if (!strcmp(key, "industry")) lead.industry = value;
        else if (!strcmp(key, "language")) lead.language = value;
        else if (!strcmp(key, "account_id")) lead.account_id = value;
        else if (!strcmp(key, "score")) lead.score = atof(value);
        else fprintf(stderr, "ignoring unknown field %s\n", key);
    }
    lr_status status = {0};
    lr_options options = env_options();
    lr_conn *conn = lr_connect_with(host, port, "lr-route", &options, 5000, &status);
    if (!conn) {
        fprintf(stderr, "error: %s: %s\n", lr_code_name(status.code), status.message);
        return 1;
    }
    Leadrouter__V1__RouteRequest request = LEADROUTER__V1__ROUTE_REQUEST__INIT;
    request.lead = &lead;
    request.explain = 1;
    Leadrouter__V1__ReassignRequest again = LEADROUTER__V1__REASSIGN_REQUEST__INIT;
    again.lead_id = lead.id;
    again.reason = "reassigned by lr-route";
    ProtobufCMessage *message = NULL;
    const ProtobufCMessage *sent = reassign ? &again.base : &request.base;
    if (lr_call(conn, reassign ? "Reassign" : "Route", sent, &leadrouter__v1__route_reply__descriptor, 5000, &message,
                &status) < 0) {
        fprintf(stderr, "error: %s: %s\n", lr_code_name(status.code), status.message);
        lr_close(conn);
        return 1;
    }
    Leadrouter__V1__RouteReply *reply = (Leadrouter__V1__RouteReply *)message;
    Leadrouter__V1__Assignment *assignment = reply->assignment;
    printf("lead %s: %s rep=%s rule=%s seq=%llu%s\n", lead.id, assignment->state,
           assignment->rep[0] ? assignment->rep : "-", assignment->rule, (unsigned long long)assignment->seq,
           reply->created ? "" : " (already routed)");
    Leadrouter__V1__Explanation *explanation = assignment->explanation;
    if (explanation) {
        printf("explanation: policy %s, outcome %s\n", explanation->policy_version, explanation->outcome);
        for (size_t s = 0; s < explanation->n_stages; s++) {
            Leadrouter__V1__Stage *stage = explanation->stages[s];
            printf("  stage %zu: pool %s, %s, chose %s\n", s + 1, stage->pool, stage->strategy,
                   stage->chosen[0] ? stage->chosen : "nobody");
            for (size_t c = 0; c < stage->n_candidates; c++) {
                printf("    %s: %s\n", stage->candidates[c]->rep,
                       stage->candidates[c]->rejection[0] ? stage->candidates[c]->rejection : "chosen");
            }
        }
    }
    protobuf_c_message_free_unpacked(message, NULL);
    lr_close(conn);
    return 0;
}
