/* The report formats: one table, one renderer signature. A format whose
 * library writes a named file (XLSX: libxlsxwriter) gets a temporary file
 * when the caller has a stream, so every format goes to any FILE*.
 * A new format: its render_<name>.c (words from labels.c), a line in the
 * table below, its renderer in report_internal.h, the file in meson.build. */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/util.h"

/* The first is the default. binary: not for a terminal; needs_path: the
 * renderer writes a named file rather than a stream. */
static const struct report_format_def formats[] = {
    {.info = {.name = "text", .help = N_("plain tables for the terminal (the default)")},
     .render = report_render_text},
    {.info = {.name = "csv",
              .help = N_("a table for spreadsheets (--table NAME; --table all: every table, long)")},
     .render = report_render_csv},
    {.info = {.name = "html",
              .help = N_("the document to print and sign (Decree 30/2020/ND-CP form, A4)")},
     .render = report_render_html},
    {.info = {.name = "xlsx", .binary = true,
              .help = N_("a spreadsheet: one sheet per table and a chart")},
     .needs_path = true, .render = report_render_xlsx},
    {.info = {.name = "docx", .binary = true,
              .help = N_("the administrative document for Word or LibreOffice (editable)")},
     .render = report_render_docx},
    {.info = {.name = "odt", .binary = true,
              .help = N_("the administrative document as OpenDocument text (editable)")},
     .render = report_render_odt},
    {.info = {.name = "json", .help = N_("the same tables for other programs")},
     .render = report_render_json},
};

const struct report_format_info *report_format_at(size_t i)
{
    return i < ARRAY_SIZE(formats) ? &formats[i].info : NULL;
}

static const struct report_format_def *find(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(formats); i++)
        if (strcmp(name, formats[i].info.name) == 0)
            return &formats[i];
    return NULL;
}

const struct report_format_info *report_format_find(const char *name)
{
    const struct report_format_def *d = find(name);
    return d ? &d->info : NULL;
}

static int render(const struct report_format_def *d, const struct report *r,
                  const struct report_render_options *opt, FILE *f, const char *path,
                  char *err, size_t errlen)
{
    static const struct report_render_options none;
    struct report_render_ctx cx = {.f = f, .path = path, .opt = opt ? opt : &none,
                                   .err = err, .errlen = errlen};
    if (errlen)
        err[0] = '\0';
    int rc = d->render(r, &cx);
    if (rc == 0 && f && (fflush(f) != 0 || ferror(f)))
        rc = -EIO;
    if (rc < 0 && errlen && !err[0])
        snprintf(err, errlen, _("cannot write the report: %s"), strerror(-rc));
    return rc;
}

static int unknown(const char *format, char *err, size_t errlen)
{
    snprintf(err, errlen, _("unknown report format \"%s\""), format ? format : "");
    return -EINVAL;
}

/* A finished file onto f, in pieces. */
static int copy_file(const char *path, FILE *f)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -errno;
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, f) != n) {
            rc = -EIO;
            break;
        }
    if (rc == 0 && ferror(in))
        rc = -EIO;
    fclose(in);
    return rc;
}

int report_render(const struct report *r, const char *format,
                  const struct report_render_options *opt, FILE *f, char *err, size_t errlen)
{
    const struct report_format_def *d = find(format);
    if (!d)
        return unknown(format, err, errlen);
    if (!d->needs_path)
        return render(d, r, opt, f, NULL, err, errlen);

    char tmp[] = "/tmp/loaxa-report-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, _("cannot write the report: %s"), strerror(e));
        return -e;
    }
    close(fd);
    int rc = render(d, r, opt, NULL, tmp, err, errlen);
    if (rc == 0) {
        rc = copy_file(tmp, f);
        if (rc == 0 && (fflush(f) != 0 || ferror(f)))
            rc = -EIO;
        if (rc < 0)
            snprintf(err, errlen, _("cannot write the report: %s"), strerror(-rc));
    }
    unlink(tmp);
    return rc;
}

int report_render_file(const struct report *r, const char *format,
                       const struct report_render_options *opt, const char *path, char *err,
                       size_t errlen)
{
    const struct report_format_def *d = find(format);
    if (!d)
        return unknown(format, err, errlen);
    if (d->needs_path)
        return render(d, r, opt, NULL, path, err, errlen);
    FILE *f = fopen(path, "w");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, _("cannot write %s: %s"), path, strerror(e));
        return -e;
    }
    int rc = render(d, r, opt, f, NULL, err, errlen);
    if (fclose(f) != 0 && rc == 0) {
        rc = errno ? -errno : -EIO;
        snprintf(err, errlen, _("cannot write %s: %s"), path, strerror(-rc));
    }
    return rc;
}
