/* loaxa-web: the station console. An unprivileged process apart from
 * loaxad: it serves the pages and the JSON API (doc/api.md), reads the
 * plan and the as-run log read-only, and asks the daemon for its status
 * over the control socket. Settings: [web] in loaxa.conf (or --set web.*). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/args.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/paths.h"
#include "core/util.h"
#include "web/accounts.h"
#include "web/api.h"
#include "web/http.h"

static void usage(FILE *f)
{
    fprintf(f, "%s\n\n", _("Usage: loaxa-web [--config FILE] [--set web.listen=ADDRESS:PORT] ..."));
    args_print_common_help(f);
}

/* The pages: the setting, else the source tree's web/ when this binary is
 * the build tree's, else the installed copy. */
static char *static_dir(const struct loaxa_config *cfg)
{
    if (cfg->web_static_dir && *cfg->web_static_dir)
        return realpath(cfg->web_static_dir, NULL);
    char exe[PATH_MAX], *real_build = realpath(LOAXA_WEB_BUILD_ROOT, NULL);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    bool in_build = false;
    if (n > 0 && real_build) {
        exe[n] = '\0';
        in_build = paths_within(real_build, exe);
    }
    free(real_build);
    return realpath(in_build ? LOAXA_WEB_SOURCE_DIR : LOAXA_WEB_DATA_DIR, NULL);
}

int main(int argc, char **argv)
{
    i18n_init();
    struct loaxa_config cfg;
    char err[1024];
    int ret = 1;
    char *root = NULL, *cert = NULL, *key = NULL;
    struct acct_db *db = NULL;
    struct api *api = NULL;
    struct http_server *srv = NULL;
    config_init(&cfg);
    if (args_common(&argc, argv, &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "loaxa-web: %s\n", err);
        ret = 2;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            ret = 0;
            goto out;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("loaxa-web %s\n", LOAXA_VERSION);
            ret = 0;
            goto out;
        }
        fprintf(stderr, _("loaxa-web: unknown option \"%s\"\n"), argv[i]);
        usage(stderr);
        ret = 2;
        goto out;
    }
    if (util_set_timezone(cfg.timezone) < 0) {
        fprintf(stderr, _("loaxa-web: unknown time zone \"%s\" (setting station.timezone)\n"),
                cfg.timezone);
        goto out;
    }
    if (!(root = static_dir(&cfg))) {
        fprintf(stderr, _("loaxa-web: the pages' folder cannot be opened: %s (setting "
                          "web.static_dir)\n"), strerror(errno));
        goto out;
    }
    bool want_tls = *cfg.web_tls_cert || *cfg.web_tls_key;
    if (want_tls) {
        size_t len;
        if (!*cfg.web_tls_cert || !*cfg.web_tls_key) {
            fprintf(stderr, "%s\n", _("loaxa-web: HTTPS needs both web.tls_cert and "
                                      "web.tls_key"));
            goto out;
        }
        if (!http_tls_supported()) {
            fprintf(stderr, "%s\n", _("loaxa-web: this libmicrohttpd has no TLS support"));
            goto out;
        }
        int rc = util_read_file(cfg.web_tls_cert, 1 << 20, &cert, &len);
        if (rc == 0)
            rc = util_read_file(cfg.web_tls_key, 1 << 20, &key, &len);
        if (rc < 0) {
            fprintf(stderr, _("loaxa-web: cannot read the TLS certificate or key: %s\n"),
                    strerror(-rc));
            goto out;
        }
    }
    if (acct_db_open(cfg.web_db, true, &db, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa-web: cannot open the accounts database: %s\n"), err);
        goto out;
    }
    /* The request threads must not take the signals: block them first. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    api = api_new(&cfg, db, lclock_system(), root);
    if (api_start(api, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa-web: cannot set up web.versions_dir: %s\n"), err);
        goto out;
    }
    struct http_options ho = {
        .listen = cfg.web_listen, .tls_cert_pem = cert, .tls_key_pem = key,
        .max_connections = (unsigned)cfg.web_max_connections,
        .max_per_ip = (unsigned)cfg.web_max_per_ip, .timeout_s = 30,
        .upload_limit = api_upload_limit, .upload_dir = api_upload_dir(api),
    };
    if (http_server_start(&ho, api_handle, api, &srv, err, sizeof err) < 0) {
        fprintf(stderr, _("loaxa-web: cannot listen: %s\n"), err);
        goto out;
    }
    fprintf(stderr, _("loaxa-web: listening on %s (port %u), pages from %s\n"), cfg.web_listen,
            http_server_port(srv), root);
    fflush(stderr);
    int sig = 0;
    while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP)
        ; /* nothing to reload: the plan and the log are read per request */
    ret = 0;
out:
    http_server_stop(srv);
    api_free(api);
    acct_db_close(db);
    free(root);
    free(cert);
    free(key);
    config_free(&cfg);
    return ret;
}
