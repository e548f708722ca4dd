/*
 * index.h: what the many-case readers need of every case in HEAD, cached
 * by blob id.
 *
 * Commands that read many cases (list, due, report) need some fields of
 * each, not the whole file.  fq_index_each() walks HEAD's tree, which
 * gives every case file's blob id without touching the working tree,
 * and for each blob looks up its record in .git/fq/index; only blobs it
 * has not seen are read and parsed.  A record holds, all derived from the
 * blob's bytes alone:
 *
 *	digest		what the report's pre-filter looks at (report.h)
 *	summary		the keys of a case that list and its filters use:
 *			id, title, status, outcome, category, source,
 *			risk_color, village, reported_on, accepted_on,
 *			due_on, due_at, closed_on, mediators, referrals
 *			(to_agency, from_agency), and last_event_on (the
 *			day of the last event, for `fq list stale`)
 *	case		the case as the report and the deadlines read it:
 *			the whole tree, except that a party keeps only
 *			role, kind and name and an event loses its actor
 *
 * The index also keeps, by tree id, the listing of every directory
 * under cases/ in HEAD, so a reader whose HEAD has not changed reads no
 * git tree (after a change, only the trees on the changed paths).  What a
 * reader adds goes to .git/fq/index.log, appended (one chunk per run);
 * the file is written anew only when the log or its unused records grow
 * past a quarter of it (so the first read after `fq new` stays fast).
 *
 * Nothing in a record depends on fq.yaml, the holiday calendar or the
 * day: values derived from those (deadlines) are computed by the reader,
 * or cached in a fq_nodecache whose key is a hash of their inputs.
 *
 * The file is binary, versioned (magic, format number, record size and
 * byte order in the header), and checked: the header and the table of
 * records carry a checksum, each record's data another.  A missing,
 * truncated, foreign or damaged file, or a record whose data does not
 * match its checksum, is never trusted: the blob is parsed again and the
 * file rewritten (temporary file + rename); a log chunk that does not
 * check, or that extends another file, is ignored.  Failing to write the cache
 * is not an error: it is only a cache, and deleting it changes no result.
 */
#ifndef FQ_INDEX_H
#define FQ_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include "fq/error.h"
#include "fq/node.h"
#include "fq/report.h"
#include "fq/store.h"

/* 4: due_at, last_event_on; 5: tree records, the log, NUL-ended strings */
#define FQ_INDEX_VERSION 5

/* One case of HEAD, as fq_index_each() passes it. */
struct fq_index_item {
	const char *relpath, *oid;
	bool readable;		/* the blob could be read */
	bool map;		/* ... and parsed, to a mapping */
	struct fq_report_digest digest;	/* valid when readable */
	void *priv_;
};

typedef int (*fq_index_item_fn)(struct fq_index_item *it, void *data);

/*
 * Call fn for every case in HEAD, in path order.  fn returns non-zero to
 * stop (returned by fq_index_each).
 */
int fq_index_each(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_error *err);

/* What a scan did (for tests and benchmarks). */
struct fq_index_stats {
	size_t cases;		/* cases in HEAD */
	size_t parsed;		/* blobs not in the index, parsed */
	size_t reparsed;	/* records whose data was damaged */
	size_t trees;		/* trees of HEAD read from git (not cached) */
	bool loaded;		/* an index file was there and sound */
	bool written;		/* the index was written anew */
	bool appended;		/* a chunk was appended to its log */
};
int fq_index_run(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_index_stats *stats, struct fq_error *err);

/*
 * The same, with the cases cut into nparts (1 to FQ_INDEX_MAX_PARTS)
 * runs of consecutive cases in path order, about as long: run j calls
 * fn(it, data[j]).  When every case was in the index (a warm read),
 * nthreads threads (1 to FQ_INDEX_MAX_THREADS, this one among them)
 * take the runs in turn, so fn must touch only its data[j] (and read
 * shared things); otherwise the runs go one after the other in this
 * thread.  More runs than threads even out runs that cost more than
 * others.  fn's non-zero return stops its run (and in one thread, the
 * later runs); the first non-zero by run is returned.
 */
#define FQ_INDEX_MAX_PARTS 32
#define FQ_INDEX_MAX_THREADS 8
int fq_index_each_parts(fq_store *st, size_t nparts, size_t nthreads,
	fq_index_item_fn fn, void **data, struct fq_error *err);
int fq_index_run_parts(fq_store *st, size_t nparts, size_t nthreads,
	fq_index_item_fn fn, void **data, struct fq_index_stats *stats,
	struct fq_error *err);

/* The summary / the case of an item (borrowed until fn returns); NULL
 * when the file did not parse to a mapping. */
const struct fq_node *fq_index_item_summary(struct fq_index_item *it);
const struct fq_node *fq_index_item_case(struct fq_index_item *it);

/* Called for every case in HEAD in path order; summary is borrowed for
 * the call, NULL for a file that does not parse.  Return non-zero to
 * stop (returned by fq_index_scan). */
typedef int (*fq_index_fn)(const char *relpath, const char *oid,
	const struct fq_node *summary, void *data);
int fq_index_scan(fq_store *st, fq_index_fn fn, void *data,
	struct fq_error *err);

/* The summary / the cached case of a whole case (caller frees). */
struct fq_node *fq_index_summary(const struct fq_node *c);
/* fq_node_pack() of fq_index_summary(c), the same bytes, straight from c. */
void fq_index_pack_summary(struct fq_buf *out, const struct fq_node *c);
struct fq_node *fq_index_projection(const struct fq_node *c);

/* A tree as compact bytes, and back (NULL if the bytes are not one). */
void fq_node_pack(struct fq_buf *out, const struct fq_node *n);
struct fq_node *fq_node_unpack(const char *p, size_t len);

/* FNV-1a, 64 bits: start with h = FQ_HASH_INIT. */
#define FQ_HASH_INIT 0xcbf29ce484222325ULL
uint64_t fq_hash(uint64_t h, const void *p, size_t len);

/*
 * A cache of one tree per blob id under .git/fq/NAME, valid for one key
 * (a hash of whatever the trees were derived from besides the blob): a
 * file with another key, or damaged, is ignored.  Every get that hits and
 * every put goes into the new file, which close writes (atomically) when
 * it differs from the old one.
 */
typedef struct fq_nodecache fq_nodecache;
fq_nodecache *fq_nodecache_open(fq_store *st, const char *name,
	uint64_t key);
/* The tree cached for oid (caller frees), or NULL. */
struct fq_node *fq_nodecache_get(fq_nodecache *nc, const char *oid);
/* The same, borrowed until the next peek or close (no allocation of its
 * own per node), or NULL. */
const struct fq_node *fq_nodecache_peek(fq_nodecache *nc, const char *oid);
/* Thread-safe (as the readers' peeks). */
void fq_nodecache_put(fq_nodecache *nc, const char *oid,
	const struct fq_node *n);
/*
 * A reader for one of several threads that peek at the same cache at
 * once (fq_index_each_parts): each thread its own reader, freed before
 * the cache is closed; fq_nodecache_peek itself is for one thread only.
 */
typedef struct fq_nodecache_reader fq_nodecache_reader;
fq_nodecache_reader *fq_nodecache_reader_new(fq_nodecache *nc);
/* As fq_nodecache_peek: borrowed until the reader's next peek or free. */
const struct fq_node *fq_nodecache_reader_peek(fq_nodecache_reader *rd,
	const char *oid);
void fq_nodecache_reader_free(fq_nodecache_reader *rd);
void fq_nodecache_close(fq_nodecache *nc);

#endif
