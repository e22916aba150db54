/* loaxa-web's HTTP edge (libmicrohttpd, only here): listening, TLS, limits
 * (body size, connections, per-address connections, timeouts), and the
 * headers every response carries. A request is handed whole (body read,
 * bounded) to one handler, which fills a response. */
#ifndef LOAXA_WEB_HTTP_H
#define LOAXA_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_BODY (64 * 1024)

/* A file part of a multipart/form-data upload, streamed to a temporary
 * file (never held in memory); the handler may rename it away, else it is
 * removed when the request ends. */
#define HTTP_MAX_FILES 16
struct http_upload_file {
    char field[64];            /* the form field ("file") */
    char filename[256];        /* as the client sent it: never a path to use */
    char path[4096];           /* the temporary file */
    unsigned long long size;
};

struct http_request {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* without the query */
    const char *body;          /* NUL-terminated; "" when none */
    size_t body_len;
    char peer[64];             /* the client's address, as text */
    bool tls;
    void *conn_;               /* for the lookups below */
    /* multipart uploads (http_options.upload_limit): the file parts */
    size_t n_files;
    const struct http_upload_file *files;
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
    /* a file's content instead of body: body_fd >= 0 with use_fd (taken:
     * closed by the server), fd_size bytes from fd_offset */
    bool use_fd;
    int body_fd;
    unsigned long long fd_size, fd_offset;
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
    /* Uploads: for a POST with Content-Type multipart/form-data, the most
     * bytes the request's body may have (0: this path takes no upload; the
     * body is then bounded by HTTP_MAX_BODY as any other; rq has no body nor
 * files yet, its headers and cookies are there: a client that may not
 * upload is never given the room: 0 with refusal->status set answers
 * that at once, the body unread); its file parts
     * go to temporary files in upload_dir (a private folder). Larger: 413,
     * the body is not kept (a Content-Length over the limit: not read). */
    unsigned long long (*upload_limit)(const struct http_request *rq,
                                       struct http_response *refusal, void *ud);
    const char *upload_dir;
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
