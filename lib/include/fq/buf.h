/*
 * buf.h: a growable, always NUL-terminated byte buffer.
 *
 * Invariants: buf is never NULL once initialized (it points at a shared
 * empty string until the first add), buf[len] == '\0', and alloc is the
 * size of the allocation (0 while buf is the shared empty string).
 *
 * Life cycle:
 *
 *	struct fq_buf b = FQ_BUF_INIT;
 *	fq_buf_addf(&b, "%s-%04d", unit, year);
 *	puts(b.buf);
 *	fq_buf_release(&b);
 *
 * Allocation failure aborts the program: a buffer that cannot grow has no
 * sensible partial result, and every caller would have to do the same.
 */
#ifndef FQ_BUF_H
#define FQ_BUF_H

#include <stdarg.h>
#include <stddef.h>

extern char fq_buf_empty[];

struct fq_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define FQ_BUF_INIT { fq_buf_empty, 0, 0 }

void fq_buf_init(struct fq_buf *b);
/* Free the memory and reinitialize; accepts an initialized empty buffer. */
void fq_buf_release(struct fq_buf *b);
/* Make room for at least extra more bytes. */
void fq_buf_grow(struct fq_buf *b, size_t extra);
/* Truncate to len bytes. */
void fq_buf_setlen(struct fq_buf *b, size_t len);
#define fq_buf_reset(b) fq_buf_setlen((b), 0)

void fq_buf_add(struct fq_buf *b, const void *data, size_t len);
void fq_buf_adds(struct fq_buf *b, const char *s);
void fq_buf_addch(struct fq_buf *b, int c);
void fq_buf_addf(struct fq_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fq_buf_vaddf(struct fq_buf *b, const char *fmt, va_list ap);

/* Hand the string to the caller (free() it) and reinitialize b. */
char *fq_buf_detach(struct fq_buf *b, size_t *len);

/* Read a whole file; fails with errno set, b unchanged on failure. */
int fq_buf_read_file(struct fq_buf *b, const char *path, size_t max);

#endif
