/* loaxa-web's HTTP edge (libmicrohttpd, only here): listening, TLS, limits
 * (body size, connections, per-address connections, timeouts), and the
 * headers every response carries. A request is handed whole (body read,
 * bounded) to one handler, which fills a response. */
#ifndef LOAXA_WEB_HTTP_H
#define LOAXA_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_BODY (64 * 1024)

struct http_request {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* without the query */
    const char *body;          /* NUL-terminated; "" when none */
    size_t body_len;
    char peer[64];             /* the client's address, as text */
    bool tls;
    void *conn_;               /* for the lookups below */
};

/* A header, a query argument, a cookie of the request; NULL when absent. */
const char *http_header(const struct http_request *rq, const char *name);
const char *http_query(const struct http_request *rq, const char *name);
const char *http_cookie(const struct http_request *rq, const char *name);

#define HTTP_MAX_HEADERS 8
struct http_response {
    int status;
    char *body;                /* malloc'd, owned by the response */
    size_t len;
    const char *content_type;
    bool no_store;             /* Cache-Control: no-store (the API) */
    const char *csp;           /* a static policy in place of the pages' one, or NULL */
    size_t n_headers;
    char *headers[HTTP_MAX_HEADERS][2];
};

/* Adds a header (copied); past HTTP_MAX_HEADERS it is dropped. */
void http_add_header(struct http_response *rs, const char *name, const char *value);
/* Sets the body (taking body, malloc'd), its length and type. */
void http_set_body(struct http_response *rs, char *body, size_t len, const char *type);

typedef void (*http_handler)(const struct http_request *rq, struct http_response *rs,
                             void *ud);

struct http_options {
    const char *listen;        /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80"; port 0: any */
    const char *tls_cert_pem;  /* both set: HTTPS */
    const char *tls_key_pem;
    unsigned max_connections;
    unsigned max_per_ip;
    unsigned timeout_s;        /* an idle connection is closed after this */
};

struct http_server;

/* Starts serving on its own threads. Returns 0 or a negative code with err. */
int http_server_start(const struct http_options *opt, http_handler handler, void *ud,
                      struct http_server **out, char *err, size_t errlen);
/* The port it listens on (the one chosen when the setting said 0). */
unsigned http_server_port(const struct http_server *s);
void http_server_stop(struct http_server *s);

/* Whether this libmicrohttpd can do TLS. */
bool http_tls_supported(void);

#endif
