/*
 * internal.h: helpers shared by the files of lib/ and never seen by commands.
 */
#ifndef FQ_INTERNAL_H
#define FQ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
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

/* Big-endian 32-bit words, as git's index and pack index store them. */
static inline uint32_t
fq_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
fq_put_be32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

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

/*
 * YAML writing (node.c, emit.c).  fq_yaml_emit() writes with
 * fq_yaml_emit_direct() and falls back on libyaml's emitter,
 * fq_yaml_emit_libyaml(), for the trees the direct writer declines
 * (returning -1, out unchanged); both give the same bytes.
 */
struct fq_buf;
struct fq_node;
struct fq_error;
int fq_yaml_emit_direct(struct fq_buf *out, const struct fq_node *root);
int fq_yaml_emit_libyaml(struct fq_buf *out, const struct fq_node *root,
	struct fq_error *err);
/* Would a YAML 1.1 reader take this plain text for something else? */
int fq_yaml_looks_typed(const char *s);
/* Does this plain scalar read back as null? */
int fq_yaml_null_plain(const char *s);

/*
 * A bump allocator: trees built for one item (a case unpacked from the
 * index, a file the fast reader parsed) live in it and are dropped all
 * at once, with no malloc or free per node.  Zero-initialise it; reset
 * drops everything but keeps the newest (largest) block for the next.
 */
struct fq_arena_blk;
struct fq_arena {
	struct fq_arena_blk *blk;	/* the newest (largest) first */
};
void *fq_arena_alloc(struct fq_arena *a, size_t n);
void fq_arena_reset(struct fq_arena *a);
void fq_arena_release(struct fq_arena *a);

/*
 * tls.c: the CA certificates libgit2 loads as it initializes, deferred
 * while fq_tls_defer(true) until fq_tls_load() (before any connection);
 * fq_tls_pending() says whether some are still unread.
 */
void fq_tls_defer(bool on);
bool fq_tls_pending(void);
int fq_tls_load(void);

/* schema.c: whether fq_schema_load() took the trees from its cache. */
struct fq_schema;
bool fq_schema_cached(const struct fq_schema *s);

/* store.c: the import's reader and a bulk commit on two threads each,
 * unless FQ_IMPORT_THREADS=1. */
bool fq_import_threads(void);

/*
 * The fast reader of yread.c for the YAML fq writes: 0 and *out, a tree
 * equal to fq_yaml_parse()'s (positions and quoting too) that lives in
 * the arena until fq_yarena_reset(); 1 when it declines the text (ask
 * fq_yaml_parse(), which also gives the errors).  Never free *out.
 */
struct fq_yarena;
struct fq_yarena *fq_yarena_new(void);
void fq_yarena_reset(struct fq_yarena *a);
void fq_yarena_free(struct fq_yarena *a);
int fq_yaml_parse_fast(struct fq_node **out, const char *buf, size_t len,
	struct fq_yarena *a);
/* Both readers on buf: 0 when the fast one took it and built libyaml's
 * tree, 1 when it declined, -1 when it took it and read it otherwise (or
 * libyaml refused it); *libyaml is fq_yaml_parse()'s result. */
int fq_yaml_fast_verify(const char *buf, size_t len, int *libyaml);

#endif
