/* Shared by the province module's files only. */
#ifndef LOAXA_PROVINCE_INTERNAL_H
#define LOAXA_PROVINCE_INTERNAL_H

#include <libpq-fe.h>

#include "province/province.h"

struct province {
    PGconn *conn;
};

/* 0 when r succeeded; else the message in err, r cleared, -EIO. */
int province_exec_ok(struct province *p, PGresult *r, const char *what, char *err,
                     size_t errlen);
bool province_code_ok(const char *s);

/* A row's chain position and hash as the station's log has them. */
static inline int64_t province_row_pos(const struct aslog_row *r)
{
    return r->seq;
}
static inline const char *province_row_hash(const struct aslog_row *r)
{
    return r->hash ? r->hash : "";
}

#endif
