/*
 * error.c: struct fq_error and diagnostic lists (see fq/error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>

#include "fq/error.h"
#include "internal.h"

const char *
fq_l_fmt(const char *fmt)
{
	return fmt && *fmt ? FQ_L_(fmt) : fmt;
}

static void
verr(struct fq_error *err, enum fq_code code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fq_l_fmt(fmt), ap);
}

int
fq_error_set(struct fq_error *err, enum fq_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	verr(err, code, fmt, ap);
	va_end(ap);
	err->line = err->column = 0;
	err->file[0] = '\0';
	return code;
}

int
fq_error_setpos(struct fq_error *err, enum fq_code code, const char *file,
	unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	verr(err, code, fmt, ap);
	va_end(ap);
	err->line = line;
	err->column = column;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	return code;
}

void
fq_error_clear(struct fq_error *err)
{
	if (!err)
		return;
	err->code = FQ_OK;
	err->line = err->column = 0;
	err->file[0] = '\0';
	err->msg[0] = '\0';
}

const char *
fq_strerror(enum fq_code code)
{
	switch (code) {
	case FQ_OK: return FQ_L_("success");
	case FQ_ERROR: return FQ_L_("error");
	case FQ_ENOTFOUND: return FQ_L_("not found");
	case FQ_EEXISTS: return FQ_L_("already exists");
	case FQ_EPARSE: return FQ_L_("parse error");
	case FQ_EINVALID: return FQ_L_("invalid");
	case FQ_ETRANSITION: return FQ_L_("step not allowed");
	case FQ_ELOCKED: return FQ_L_("repository busy");
	case FQ_EUSAGE: return FQ_L_("bad value");
	}
	return FQ_L_("unknown error");
}

void
fq_diags_add(struct fq_diags *d, const char *file, unsigned line,
	unsigned column, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	struct fq_diag *x;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fq_l_fmt(fmt), ap);
	va_end(ap);
	FQ_ALLOC_GROW(d->v, d->n + 1, d->alloc);
	x = &d->v[d->n++];
	x->file = fq_xstrdup(file ? file : "");
	x->line = line;
	x->column = column;
	x->msg = fq_xstrdup(msg);
}

void
fq_diags_release(struct fq_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->alloc = 0;
}

/* Allocation wrappers (internal.h). */
static void
oom(void)
{
	fputs("fq: out of memory\n", stderr);
	abort();
}

void *
fq_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
fq_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *
fq_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *
fq_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *
fq_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}
