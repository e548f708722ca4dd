/*
 * buf.c: growable NUL-terminated buffers (see fq/buf.h).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/buf.h"
#include "internal.h"

char fq_buf_empty[1];

void
fq_buf_init(struct fq_buf *b)
{
	b->buf = fq_buf_empty;
	b->len = b->alloc = 0;
}

void
fq_buf_release(struct fq_buf *b)
{
	if (!b)
		return;
	if (b->alloc)
		free(b->buf);
	fq_buf_init(b);
}

void
fq_buf_grow(struct fq_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 64)
		want = 64;
	if (!b->alloc) {
		b->buf = fq_xmalloc(want);
		b->buf[0] = '\0';
	} else {
		b->buf = fq_xrealloc(b->buf, want);
	}
	b->alloc = want;
}

void
fq_buf_setlen(struct fq_buf *b, size_t len)
{
	if (!b->alloc)
		return;
	b->len = len;
	b->buf[len] = '\0';
}

void
fq_buf_add(struct fq_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	/* the room checked here: a case's text is written a word at a time */
	if (b->len + len + 1 > b->alloc)
		fq_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
fq_buf_adds(struct fq_buf *b, const char *s)
{
	fq_buf_add(b, s, strlen(s));
}

void
fq_buf_addch(struct fq_buf *b, int c)
{
	if (b->len + 2 > b->alloc)
		fq_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
fq_buf_vaddf(struct fq_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	fq_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		fq_buf_grow(b, (size_t)n);
		va_copy(cp, ap);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
		va_end(cp);
	}
	b->len += (size_t)n;
}

void
fq_buf_addf(struct fq_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fq_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
fq_buf_detach(struct fq_buf *b, size_t *len)
{
	char *s;

	if (len)
		*len = b->len;
	if (!b->alloc)
		s = fq_xstrdup("");
	else
		s = b->buf;
	fq_buf_init(b);
	return s;
}

int
fq_buf_read_file(struct fq_buf *b, const char *path, size_t max)
{
	int fd;
	size_t start = b->len;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	for (;;) {
		fq_buf_grow(b, 8192);
		n = read(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->buf[b->len] = '\0';
		if (max && b->len - start > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	return 0;
fail:
	{
		int e = errno;
		close(fd);
		fq_buf_setlen(b, start);
		errno = e;
	}
	return -1;
}

/* --- the arena (internal.h) --- */

struct fq_arena_blk {
	struct fq_arena_blk *next;
	size_t cap, used;
	max_align_t data[];
};

void *
fq_arena_alloc(struct fq_arena *a, size_t n)
{
	struct fq_arena_blk *b = a->blk;
	void *p;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!b || b->cap - b->used < n) {
		size_t cap = b ? b->cap * 2 : 64 * 1024;

		while (cap < n)
			cap *= 2;
		b = fq_xmalloc(sizeof(*b) + cap);
		b->next = a->blk;
		b->cap = cap;
		b->used = 0;
		a->blk = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void
fq_arena_reset(struct fq_arena *a)
{
	struct fq_arena_blk *b, *next;

	if (!a->blk)
		return;
	for (b = a->blk->next; b; b = next) {
		next = b->next;
		free(b);
	}
	a->blk->next = NULL;
	a->blk->used = 0;
}

void
fq_arena_release(struct fq_arena *a)
{
	fq_arena_reset(a);
	free(a->blk);
	a->blk = NULL;
}
