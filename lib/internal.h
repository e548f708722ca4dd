/*
 * internal.h: helpers shared by the files of lib/ and never seen by commands.
 */
#ifndef FQ_INTERNAL_H
#define FQ_INTERNAL_H

#include <stdlib.h>
#include <string.h>

/*
 * Messages of libfq are translated in the domain "fq" whatever the host
 * program's own domain is; fq_error_set(), fq_error_setpos() and
 * fq_diags_add() translate their format themselves (po/README).  FQ_N_
 * marks a literal translated later with FQ_L_.
 */
#include <libintl.h>
#define FQ_L_(s) dgettext("fq", s)
#define FQ_N_(s) (s)
/* A format translated, "" left alone (gettext("") is the header). */
const char *fq_l_fmt(const char *fmt)
	__attribute__((format_arg(1)));

#define FQ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that cannot fail: out of memory aborts (see buf.h). */
void *fq_xmalloc(size_t n);
void *fq_xcalloc(size_t n, size_t size);
void *fq_xrealloc(void *p, size_t n);
char *fq_xstrdup(const char *s);
char *fq_xstrndup(const char *s, size_t n);

/* Grow an array so that it holds at least n items. */
#define FQ_ALLOC_GROW(p, n, alloc) do { \
	if ((n) > (alloc)) { \
		size_t fq_na_ = (alloc) ? (alloc) * 2 : 8; \
		while (fq_na_ < (n)) \
			fq_na_ *= 2; \
		(p) = fq_xrealloc((p), fq_na_ * sizeof(*(p))); \
		(alloc) = fq_na_; \
	} \
} while (0)

#endif
