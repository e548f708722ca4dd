/*
 * error.h: how libfq reports failure.
 *
 * Every function that can fail returns an int: 0 (FQ_OK) on success, or a
 * negative enum fq_code.  The caller passes a struct fq_error it owns; the
 * function fills it with the code, a one-line message (lowercase, no final
 * period) and, for parse and schema errors, the 1-based line and column of
 * the offending node.  The error pointer may be NULL when the caller does
 * not care.  Error paths never allocate: the message lives in a fixed
 * buffer inside the struct.
 *
 * fq_error_set() returns the code it sets, so library code reads
 *
 *	return fq_error_set(err, FQ_ENOTFOUND, "no case '%s'", id);
 *
 * Only the few failures a caller branches on have their own code; anything
 * unexpected (I/O, libgit2, out of memory) is FQ_ERROR with a message.
 */
#ifndef FQ_ERROR_H
#define FQ_ERROR_H

#include <stddef.h>

enum fq_code {
	FQ_OK = 0,
	FQ_ERROR = -1,		/* unexpected: I/O, libgit2, OOM; see message */
	FQ_ENOTFOUND = -2,	/* case, repository or file does not exist */
	FQ_EEXISTS = -3,	/* would overwrite something that exists */
	FQ_EPARSE = -4,		/* YAML or CSV syntax; line/column set */
	FQ_EINVALID = -5,	/* well-formed but violates the schema */
	FQ_ETRANSITION = -6,	/* the lifecycle forbids this step */
	FQ_ELOCKED = -7,	/* repository lock not had in time */
	FQ_EUSAGE = -8		/* a bad value from the caller (bad ID, bad date) */
};

struct fq_error {
	enum fq_code code;
	unsigned line, column;	/* 1-based; 0 when not applicable */
	char file[256];		/* file the position refers to, or "" */
	char msg[512];		/* one line, no trailing period */
};

#define FQ_ERROR_INIT { FQ_OK, 0, 0, "", "" }

/* Set code and message; returns code.  err may be NULL. */
int fq_error_set(struct fq_error *err, enum fq_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, with a position in a file (file may be NULL). */
int fq_error_setpos(struct fq_error *err, enum fq_code code, const char *file,
	unsigned line, unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Reset to FQ_OK with an empty message. */
void fq_error_clear(struct fq_error *err);

/* A short English name for a code ("not found", "parse error", ...). */
const char *fq_strerror(enum fq_code code);

/*
 * A list of diagnostics, for checks that report every problem rather than
 * the first (schema validation, fq check).  Each entry is one line in the
 * form "file:line:column: message".
 */
struct fq_diag {
	char *file;
	unsigned line, column;
	char *msg;
};

struct fq_diags {
	struct fq_diag *v;
	size_t n, alloc;
};

#define FQ_DIAGS_INIT { NULL, 0, 0 }

void fq_diags_add(struct fq_diags *d, const char *file, unsigned line,
	unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void fq_diags_release(struct fq_diags *d);

#endif
