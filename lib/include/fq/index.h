/*
 * index.h: a summary of every case in HEAD, cached by blob id.
 *
 * Commands that read many cases (list, due, report, export of selected
 * fields) need a few fields of each, not the whole file.  fq_index_scan()
 * walks HEAD's tree, which gives every case file's blob id without
 * touching the working tree, and for each blob looks up its summary in
 * .git/fq/index; only blobs it has not seen are read and parsed.  The
 * cache is rewritten atomically (temporary file + rename) when it
 * changed.  It is derived data: it is versioned, a damaged or foreign
 * file is ignored and rebuilt, and deleting it changes no result, because
 * a summary is a pure function of the blob's bytes.
 *
 * A summary is an fq_node mapping with the keys of the case that
 * queries use: id, title, status, outcome, category, source, risk_color,
 * village, reported_on, accepted_on, due_on, closed_on, mediators (a
 * list) and referrals (a list of mappings with to_agency, from_agency).
 * Filters (query.h) work on a summary exactly as on a whole case.
 */
#ifndef FQ_INDEX_H
#define FQ_INDEX_H

#include "fq/error.h"
#include "fq/node.h"
#include "fq/store.h"

/* Called for every case in HEAD in path order; summary is borrowed for
 * the call.  Return non-zero to stop (returned by fq_index_scan). */
typedef int (*fq_index_fn)(const char *relpath, const char *oid,
	const struct fq_node *summary, void *data);

/*
 * Scan every case.  A file that does not parse is passed with summary
 * NULL (the caller counts it and tells the clerk to run fq check).
 * Failing to write the cache is not an error: it is only a cache.
 */
int fq_index_scan(fq_store *st, fq_index_fn fn, void *data,
	struct fq_error *err);

/* The summary of a whole case (caller frees). */
struct fq_node *fq_index_summary(const struct fq_node *c);

#endif
