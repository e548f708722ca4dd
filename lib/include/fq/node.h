/*
 * node.h: a YAML document as a plain tree, with positions.
 *
 * Case files, fq.yaml and the schema files are small YAML documents.  libfq
 * reads each into a tree of struct fq_node: a scalar (always kept as the
 * UTF-8 text written in the file), a mapping (ordered keys) or a sequence.
 * Every node remembers the 1-based line and column where it starts, so a
 * validator can say "cases/2024/03/X.yaml:12:9: unknown category 'foo'".
 *
 * The reader is strict on purpose: one document, no anchors, aliases or
 * tags (a case file has no use for them and they allow "billion laughs"),
 * nesting at most FQ_NODE_MAX_DEPTH deep, and keys that are plain scalars
 * and unique within their mapping.
 *
 * The writer emits block style, one key per line, UTF-8 unescaped, and
 * quotes a scalar only when it must (or when it is text that a YAML reader
 * would otherwise take for a number, a boolean or null), so that the same
 * tree always gives the same bytes and git diffs show only what changed.
 *
 * Ownership: a tree is owned by its root; fq_node_free() frees the whole
 * tree.  Functions that add a node take ownership of it.  Lookups return
 * borrowed pointers.
 */
#ifndef FQ_NODE_H
#define FQ_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/error.h"

#define FQ_NODE_MAX_DEPTH 32
#define FQ_NODE_MAX_FILE (1024 * 1024)	/* bytes: larger files are refused */

enum fq_node_kind {
	FQ_NODE_NULL,		/* ~, null, or an empty value */
	FQ_NODE_SCALAR,
	FQ_NODE_MAP,
	FQ_NODE_SEQ
};

struct fq_node {
	enum fq_node_kind kind;
	unsigned line, column;	/* 1-based start position; 0 if built */
	bool quoted;		/* scalar was quoted in the source, or is text */
	char *str;		/* SCALAR: the value, NUL-terminated */
	size_t len;		/* MAP/SEQ: number of entries */
	size_t alloc;
	struct fq_node **keys;	/* MAP: key scalars, keys[i] names vals[i] */
	struct fq_node **vals;	/* MAP: values; SEQ: items */
};

/*
 * Parse a YAML document held in buf.  name is used in error messages only.
 * @retval FQ_EPARSE	syntax error, alias, anchor, tag, duplicate key,
 *			too deep, or more than one document; err has the
 *			position.
 */
int fq_yaml_parse(struct fq_node **out, const char *buf, size_t len,
	const char *name, struct fq_error *err);

/* Read and parse a file (refusing files over FQ_NODE_MAX_FILE). */
int fq_yaml_load(struct fq_node **out, const char *path, struct fq_error *err);

/* Append the canonical YAML text of a tree to out. */
int fq_yaml_emit(struct fq_buf *out, const struct fq_node *root,
	struct fq_error *err);

/* Constructors.  fq_node_scalar copies s. */
struct fq_node *fq_node_new(enum fq_node_kind kind);
struct fq_node *fq_node_scalar(const char *s);
struct fq_node *fq_node_text(const char *s);	/* scalar, marked as text */
struct fq_node *fq_node_dup(const struct fq_node *n);
void fq_node_free(struct fq_node *n);

/* MAP access.  Lookups return NULL when absent. */
struct fq_node *fq_map_get(const struct fq_node *map, const char *key);
/* Scalar value of key, or NULL if absent, null, or not a scalar. */
const char *fq_map_str(const struct fq_node *map, const char *key);
/* Set key to val (replacing and freeing an old value, keeping its place;
 * appending otherwise).  Takes ownership of val. */
void fq_map_set(struct fq_node *map, const char *key, struct fq_node *val);
/* Set key to a scalar copy of s; s == NULL removes the key. */
void fq_map_set_str(struct fq_node *map, const char *key, const char *s);
/* Remove key; returns true if it was there. */
bool fq_map_del(struct fq_node *map, const char *key);
/* Index of key, or -1. */
long fq_map_index(const struct fq_node *map, const char *key);

/* SEQ/MAP: append an item (SEQ) — takes ownership. */
void fq_seq_push(struct fq_node *seq, struct fq_node *item);

/* True if n is a scalar (or NULL node) with an empty or null value. */
bool fq_node_is_empty(const struct fq_node *n);

/* Deep equality of two trees (positions and quoting ignored). */
bool fq_node_equal(const struct fq_node *a, const struct fq_node *b);

#endif
