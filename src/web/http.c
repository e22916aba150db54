/* libmicrohttpd behind one small interface: the body is gathered up to
 * HTTP_MAX_BODY (beyond: 413 without keeping it), then one handler runs;
 * every response gets the security headers here, so no route can forget
 * them (systemd's microhttpd-util.c keeps its responses in one place too). */
#include "web/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/util.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result_;
#else
typedef enum MHD_Result MHD_Result_;
#endif

#define HTTP_MAX_DISCARD (1024 * 1024)

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                          "base-uri 'none'; form-action 'self'";

struct http_server {
    struct MHD_Daemon *d;
    http_handler handler;
    void *ud;
    bool tls;
    unsigned long long (*upload_limit)(const struct http_request *rq,
                                       struct http_response *refusal, void *ud);
    char *upload_dir;
};

struct req_ctx {
    char *body;
    size_t len, cap, discarded;
    bool too_large;
    /* a multipart upload */
    struct MHD_PostProcessor *pp;
    unsigned long long limit, received;
    struct http_upload_file files[HTTP_MAX_FILES];
    size_t n_files;
    int fd;                    /* the part being written, -1: none */
    bool bad_upload;           /* too many parts, or a write failed */
    int write_errno;
    struct http_server *server;
};

const char *http_header(const struct http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn_, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn_, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const struct http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn_, MHD_COOKIE_KIND, name);
}

void http_add_header(struct http_response *rs, const char *name, const char *value)
{
    if (rs->n_headers >= HTTP_MAX_HEADERS)
        return;
    rs->headers[rs->n_headers][0] = xstrdup(name);
    rs->headers[rs->n_headers][1] = xstrdup(value);
    rs->n_headers++;
}

void http_set_body(struct http_response *rs, char *body, size_t len, const char *type)
{
    free(rs->body);
    rs->body = body;
    rs->len = len;
    rs->content_type = type;
}

static void response_clear(struct http_response *rs)
{
    free(rs->body);
    for (size_t i = 0; i < rs->n_headers; i++) {
        free(rs->headers[i][0]);
        free(rs->headers[i][1]);
    }
}

bool http_tls_supported(void)
{
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

static MHD_Result_ send_response(struct MHD_Connection *conn, struct http_response *rs)
{
    struct MHD_Response *r;
    if (rs->use_fd) {
        /* a file (a recording to play): sent from the fd as the client reads */
        r = MHD_create_response_from_fd_at_offset64(rs->fd_size, rs->body_fd, rs->fd_offset);
        if (!r)
            close(rs->body_fd);
    } else {
        r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : "",
                                            rs->body ? MHD_RESPMEM_MUST_FREE
                                                     : MHD_RESPMEM_PERSISTENT);
    }
    if (!r) {
        response_clear(rs);
        return MHD_NO;
    }
    rs->body = NULL; /* the response owns it now */
    MHD_add_response_header(r, "Content-Security-Policy", rs->csp ? rs->csp : csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (rs->no_store)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    if (rs->content_type)
        MHD_add_response_header(r, "Content-Type", rs->content_type);
    for (size_t i = 0; i < rs->n_headers; i++)
        MHD_add_response_header(r, rs->headers[i][0], rs->headers[i][1]);
    MHD_Result_ ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    response_clear(rs);
    return ret;
}

static void error_json(struct http_response *rs, int status, const char *msg)
{
    rs->status = status;
    rs->no_store = true;
    char *b = xasprintf("{\"error\": \"%s\"}", msg); /* msg: our own ASCII text */
    http_set_body(rs, b, strlen(b), "application/json; charset=utf-8");
}

static void peer_text(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
}

static void files_discard(struct req_ctx *ctx)
{
    if (ctx->fd >= 0)
        close(ctx->fd);
    ctx->fd = -1;
    for (size_t i = 0; i < ctx->n_files; i++)
        unlink(ctx->files[i].path); /* ENOENT: the handler took it */
    ctx->n_files = 0;
}

/* libmicrohttpd's multipart parser hands each part in pieces; a file part
 * goes to its own temporary file as it comes (other fields are ignored). */
static MHD_Result_ on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                           const char *filename, const char *content_type,
                           const char *transfer_encoding, const char *data, uint64_t off,
                           size_t size)
{
    struct req_ctx *ctx = cls;
    struct http_server *s = ctx->server;
    if (!filename || ctx->bad_upload || ctx->too_large)
        return MHD_YES;
    if (off == 0 && (ctx->fd < 0 || ctx->files[ctx->n_files - 1].size > 0 ||
                     strcmp(ctx->files[ctx->n_files - 1].field, key ? key : "") != 0 ||
                     strcmp(ctx->files[ctx->n_files - 1].filename, filename) != 0)) {
        if (ctx->fd >= 0)
            close(ctx->fd);
        ctx->fd = -1;
        if (ctx->n_files >= HTTP_MAX_FILES) {
            ctx->bad_upload = true;
            return MHD_YES;
        }
        struct http_upload_file *f = &ctx->files[ctx->n_files];
        memset(f, 0, sizeof *f);
        snprintf(f->field, sizeof f->field, "%s", key ? key : "");
        snprintf(f->filename, sizeof f->filename, "%s", filename);
        snprintf(f->path, sizeof f->path, "%s/upload-XXXXXX", s->upload_dir);
        ctx->fd = mkostemp(f->path, O_CLOEXEC);
        if (ctx->fd < 0) {
            ctx->write_errno = errno;
            ctx->bad_upload = true;
            return MHD_YES;
        }
        ctx->n_files++;
    }
    if (ctx->fd < 0 || !size)
        return MHD_YES;
    struct http_upload_file *f = &ctx->files[ctx->n_files - 1];
    for (size_t done = 0; done < size;) {
        ssize_t w = write(ctx->fd, data + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ctx->write_errno = w < 0 ? errno : EIO;
            ctx->bad_upload = true; /* a full disk: the request fails, the files go */
            return MHD_YES;
        }
        done += (size_t)w;
    }
    f->size += size;
    return MHD_YES;
}

static bool is_multipart(struct MHD_Connection *conn)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

static MHD_Result_ on_request(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct http_server *s = cls;
    struct req_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = xcalloc(1, sizeof *ctx);
        ctx->fd = -1;
        ctx->server = s;
        *con_cls = ctx;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long max = HTTP_MAX_BODY;
        struct http_request pre = {.method = method, .path = url, .body = "", .tls = s->tls,
                                   .conn_ = conn};
        if (s->upload_limit && s->upload_dir && strcmp(method, "POST") == 0 &&
            is_multipart(conn)) {
            peer_text(conn, pre.peer, sizeof pre.peer);
            struct http_response refusal = {0};
            ctx->limit = s->upload_limit(&pre, &refusal, s->ud);
            if (!ctx->limit && refusal.status) {
                ctx->too_large = true; /* what comes of the body is dropped */
                http_add_header(&refusal, "Connection", "close");
                return send_response(conn, &refusal);
            }
            response_clear(&refusal);
        }
        if (ctx->limit > 0) {
            max = ctx->limit;
            ctx->pp = MHD_create_post_processor(conn, 64 * 1024, on_part, ctx);
            if (!ctx->pp) {
                struct http_response rs = {.status = 500};
                error_json(&rs, 400, "not a multipart/form-data body");
                return send_response(conn, &rs);
            }
        }
        if (cl && strtoull(cl, NULL, 10) > max)
            ctx->too_large = true; /* answered at once: the body is not read */
        else
            return MHD_YES;
    }
    if (*upload_size && ctx->pp && !ctx->too_large) {
        ctx->received += *upload_size;
        if (ctx->received > ctx->limit) {
            /* no Content-Length (chunked) and past the limit: the parts
             * written so far go, the rest is not kept */
            ctx->too_large = true;
            files_discard(ctx);
            ctx->discarded += *upload_size;
            *upload_size = 0;
            return MHD_YES;
        }
        MHD_Result_ r = MHD_post_process(ctx->pp, upload, *upload_size);
        *upload_size = 0;
        if (r != MHD_YES)
            ctx->bad_upload = true;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!ctx->too_large && ctx->len + *upload_size > HTTP_MAX_BODY)
            ctx->too_large = true;
        if (ctx->too_large) {
            /* read to the end and answer 413 then; a client that goes on
             * sending far beyond is cut off */
            ctx->discarded += *upload_size;
            *upload_size = 0;
            return ctx->discarded > HTTP_MAX_DISCARD ? MHD_NO : MHD_YES;
        }
        if (ctx->len + *upload_size + 1 > ctx->cap) {
            ctx->cap = ctx->len + *upload_size + 1;
            ctx->body = xrealloc(ctx->body, ctx->cap);
        }
        memcpy(ctx->body + ctx->len, upload, *upload_size);
        ctx->len += *upload_size;
        ctx->body[ctx->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    struct http_response rs = {.status = 500};
    if (ctx->too_large) {
        error_json(&rs, 413, "request body too large");
        http_add_header(&rs, "Connection", "close");
        return send_response(conn, &rs);
    }
    if (ctx->pp) {
        if (ctx->fd >= 0)
            close(ctx->fd);
        ctx->fd = -1;
        if (ctx->bad_upload) {
            bool disk = ctx->write_errno != 0;
            files_discard(ctx);
            error_json(&rs, disk ? 500 : 400,
                       disk ? "the upload cannot be stored (disk full?)"
                            : "bad multipart/form-data body or too many files");
            return send_response(conn, &rs);
        }
    }
    struct http_request rq = {.method = method, .path = url,
                              .body = ctx->body ? ctx->body : "", .body_len = ctx->len,
                              .tls = s->tls, .conn_ = conn,
                              .n_files = ctx->n_files, .files = ctx->files};
    peer_text(conn, rq.peer, sizeof rq.peer);
    if (memchr(rq.body, '\0', rq.body_len)) {
        error_json(&rs, 400, "NUL byte in the request body");
        return send_response(conn, &rs);
    }
    s->handler(&rq, &rs, s->ud);
    return send_response(conn, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct req_ctx *ctx = *con_cls;
    if (ctx) {
        if (ctx->pp)
            MHD_destroy_post_processor(ctx->pp);
        files_discard(ctx);
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoding in place, as libmicrohttpd's own, except that %00 does
 * not end the text early ("/static/a.css%00.js" must not become
 * "/static/a.css"): it becomes DEL, which no path or argument accepts. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (*r == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            *w++ = c ? c : '\x7f';
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* "host:port", "[v6]:port" */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon;
    memset(ss, 0, sizeof *ss);
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host)
            return -EINVAL;
        memcpy(host, spec + 1, (size_t)(close - spec - 1));
        host[close - spec - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host)
            return -EINVAL;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port < 0 || port > 65535)
        return -EINVAL;
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *len = sizeof *a4;
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof *a6;
    } else {
        return -EINVAL;
    }
    return 0;
}

int http_server_start(const struct http_options *opt, http_handler handler, void *ud,
                      struct http_server **out, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    *out = NULL;
    if (parse_listen(opt->listen, &ss, &sl) < 0) {
        snprintf(err, errlen, "\"%s\": expected ADDRESS:PORT (127.0.0.1:8080, [::1]:8080)",
                 opt->listen);
        return -EINVAL;
    }
    struct http_server *s = xcalloc(1, sizeof *s);
    s->handler = handler;
    s->ud = ud;
    s->upload_limit = opt->upload_limit;
    s->upload_dir = opt->upload_dir ? xstrdup(opt->upload_dir) : NULL;
    s->tls = opt->tls_cert_pem && opt->tls_key_pem;
    /* A thread per connection (at most max_connections): a login waiting
     * for the KDF, or a status waiting for the daemon, holds up only its
     * own connection (with a thread pool, every connection of that thread
     * would wait behind it). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_POLL;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (s->tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)opt->tls_cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)opt->tls_key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_CONNECTION_LIMIT, opt->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, opt->max_per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                            MHD_OPTION_ARRAY, s->tls ? tls_opts : none,
                            MHD_OPTION_END);
    if (!s->d) {
        int e = errno ? errno : EADDRINUSE;
        snprintf(err, errlen, "%s: %s", opt->listen, strerror(e));
        free(s->upload_dir);
        free(s);
        return -e;
    }
    *out = s;
    return 0;
}

unsigned http_server_port(const struct http_server *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

void http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s->upload_dir);
    free(s);
}
