/*
 * store.h: the case repository — a directory with fq.yaml, cases/ and an
 * ordinary git repository — and the only way anything is written to it.
 *
 *	fq.yaml                      repository settings (unit code, names)
 *	cases/YYYY/MM/<ID>.yaml      one file per case, by month of intake
 *	.git/                        git; .git/fq/ holds derived data only
 *
 * Writing.  Every change is one commit made through libgit2.  A writer
 * first takes the repository lock (fq_store_lock), so writers are
 * serialized; a second writer waits up to the timeout and then gets
 * FQ_ELOCKED (exit 75).  The lock is an flock(2) on .git/fq/lock, so a
 * writer killed with SIGKILL never leaves it stuck.  fq_store_commit()
 * then, for each changed file: writes the blob into git's object store,
 * writes the working file to a temporary name in the same directory,
 * fsyncs and renames it over the old one (no reader sees half a file);
 * builds the new tree from HEAD's tree plus the changed entries only (it
 * never rescans the working tree); makes the commit, moves the branch,
 * and updates git's index entries so `git status` stays clean.  After a
 * crash between the rename and the commit the working tree differs from
 * HEAD; `fq check` reports it.  A command that fails before its commit
 * puts the working files back as they were.  The paths a commit is about
 * to write are kept in .git/fq/pending until it is made: the next writer,
 * or `fq check --repair`, puts the files of an interrupted command back
 * as HEAD has them (half a change is never committed), while a hand edit
 * (no journal) is what --repair commits.
 *
 * IDs.  UNIT-YYYY-NNNNNN.  fq_store_next_id() must be called with the
 * lock held; it scans HEAD's cases/YYYY/ subtrees for the highest number.
 * Every ID that comes from outside goes through fq_id_valid() before a
 * path is built from it.
 *
 * Privacy.  fq_store_init() creates everything 0700/0600 whatever the
 * umask, and fq_store_commit() writes files 0600.
 */
#ifndef FQ_STORE_H
#define FQ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"

typedef struct fq_store fq_store;

#define FQ_ID_MAX 32		/* bytes, including the NUL */
#define FQ_UNIT_MAX 12

/* True if unit matches [A-Z0-9]{2,12}. */
bool fq_unit_valid(const char *unit);
/* True if id matches UNIT-YYYY-NNNNNN (year 1900..2999). */
bool fq_id_valid(const char *id);
/* Year of a valid id. */
int fq_id_year(const char *id);

struct fq_store_init_opts {
	const char *unit;	/* required, [A-Z0-9]{2,12} */
	const char *name;	/* required: the office's name */
	const char *town;	/* optional: 乡镇 */
	const char *level;	/* optional: village, township, county */
	const char *author_name, *author_email;	/* for the first commit */
};

/*
 * Create a new case repository in dir (created if missing; it must not
 * already hold fq.yaml or a git repository), with fq.yaml, cases/, and a
 * first commit "fq-init: UNIT NAME".
 * @retval FQ_EEXISTS	dir already holds a repository
 * @retval FQ_EUSAGE	bad unit code or missing name
 */
int fq_store_init(const char *dir, const struct fq_store_init_opts *opts,
	struct fq_error *err);

/*
 * Start libgit2's set-up on another thread, so that it runs while the
 * caller does other work (loading the schema); fq_store_open waits for
 * it and joins the thread, and so does fq_store_preload_wait (for a
 * caller that will not open a store after all, before it exits).
 */
void fq_store_preload(void);
void fq_store_preload_wait(void);

/*
 * Open the repository at dir; with dir NULL, walk up from the current
 * directory to the first directory holding fq.yaml and .git.
 * @retval FQ_ENOTFOUND	not a case repository
 */
int fq_store_open(fq_store **out, const char *dir, struct fq_error *err);
void fq_store_free(fq_store *s);

/* Absolute path of the top directory (borrowed). */
const char *fq_store_root(const fq_store *s);
/* fq.yaml as read when the store was opened (borrowed). */
const struct fq_node *fq_store_config(const fq_store *s);
/* Unit code from fq.yaml (borrowed). */
const char *fq_store_unit(const fq_store *s);
/* Path of .git/fq/, created on demand 0700 (borrowed). */
const char *fq_store_private_dir(fq_store *s);

/* How many threads a reader of this store may start for its own work (the
 * parse of a cold index build): 0, the default, lets it choose; 1 when
 * the caller already reads other repositories in parallel. */
void fq_store_set_threads(fq_store *s, int n);
int fq_store_threads(const fq_store *s);

/* Who commits: name and email.  Defaults to git's user.name/user.email,
 * then "fq" <fq@localhost>.  Strings are copied. */
void fq_store_set_author(fq_store *s, const char *name, const char *email);

/* The author's name that commits will carry (borrowed). */
const char *fq_store_author_name(fq_store *s);

/*
 * Take the writer lock, waiting up to timeout_ms.  Re-entrant calls from
 * the same store are an error.
 * @retval FQ_ELOCKED	another writer held it for the whole time
 */
int fq_store_lock(fq_store *s, int timeout_ms, struct fq_error *err);
void fq_store_unlock(fq_store *s);

/* Next free ID for year (lock must be held). */
int fq_store_next_id(fq_store *s, int year, char out[FQ_ID_MAX],
	struct fq_error *err);

/*
 * Find the file of a case in HEAD: relpath gets "cases/YYYY/MM/ID.yaml".
 * @retval FQ_EUSAGE	id is not a valid ID
 * @retval FQ_ENOTFOUND	no such case
 */
int fq_store_find(fq_store *s, const char *id, struct fq_buf *relpath,
	struct fq_error *err);

/* Path of a new case: cases/YYYY/MM/ID.yaml from an ISO date. */
void fq_store_case_path(struct fq_buf *out, const char *id, const char *iso_date);

/* One file to write (data != NULL) or delete (data == NULL). */
struct fq_change {
	const char *path;	/* relative to the top, e.g. cases/2024/03/X.yaml */
	const char *data;
	size_t len;
};

/*
 * Write the files and commit them as one commit with message (lock must
 * be held).  A change list that leaves HEAD's tree unchanged makes no
 * commit and returns FQ_OK with *committed false (committed may be NULL).
 */
int fq_store_commit(fq_store *s, const struct fq_change *changes, size_t n,
	const char *message, bool *committed, struct fq_error *err);

/*
 * A compressor of zlib streams for fq_store_commit_z, faster than
 * compress2(3) on many small files (libdeflate when libfq is built with
 * it, else one zlib stream reset between files).  fq_zip_compress puts
 * the stream of data in a malloc'd *out of *outlen bytes; 0, or -1
 * (nothing allocated).
 */
typedef struct fq_zip fq_zip;

fq_zip *fq_zip_new(void);
int fq_zip_compress(fq_zip *zp, const void *data, size_t len, char **out,
	size_t *outlen);
void fq_zip_free(fq_zip *zp);

/*
 * The same, for a caller that holds many files until one commit (an
 * import): with zlen[i] > 0, changes[i].data is the file as a zlib stream
 * (compress2(3)) of zlen[i] bytes and changes[i].len its inflated size.
 * The stream goes into the pack as it is.  zlen may be NULL.
 */
int fq_store_commit_z(fq_store *s, const struct fq_change *changes,
	const size_t *zlen, size_t n, const char *message, bool *committed,
	struct fq_error *err);

/*
 * Call fn for every case file in HEAD (paths under cases/ ending .yaml),
 * in path order, with its relative path and blob id (40 hex digits).
 * fn returns 0 to go on, anything else to stop (returned as is).
 */
typedef int (*fq_store_each_fn)(const char *relpath, const char *oid,
	void *data);
int fq_store_foreach(fq_store *s, fq_store_each_fn fn, void *data,
	struct fq_error *err);

/* Read a file of HEAD's tree (relpath) into out. */
int fq_store_read_head(fq_store *s, const char *relpath, struct fq_buf *out,
	struct fq_error *err);

/* Append the blob with this id (40 hex digits, as fq_store_foreach gives
 * it) to out: no lookup of HEAD's tree, for callers that read many. */
int fq_store_read_blob(fq_store *s, const char *oid, struct fq_buf *out,
	struct fq_error *err);

/*
 * Stray changes: paths (relative) whose working file differs from HEAD,
 * or exists only on one side, under cases/ and fq.yaml.  Appended to
 * paths as NUL-separated strings; *count gets their number.
 */
int fq_store_stray(fq_store *s, struct fq_buf *paths, size_t *count,
	struct fq_error *err);

/*
 * Paths of a commit that was interrupted (its writer was killed between
 * touching the first working file and committing), NUL-separated, as
 * .git/fq/pending lists them; *count is 0 when no commit was interrupted.
 */
int fq_store_pending(fq_store *s, struct fq_buf *paths, size_t *count,
	struct fq_error *err);
/*
 * Put the paths of an interrupted commit back as HEAD has them and forget
 * it (lock must be held); *count gets their number.  The next commit does
 * this by itself first, as SQLite rolls back a hot journal.
 */
int fq_store_recover(fq_store *s, size_t *count, struct fq_error *err);

/*
 * History of one file: for each commit that changed relpath, newest
 * first, call fn with the commit id (hex), author name, email, time
 * (seconds since the epoch), its UTC offset in minutes, and the summary.
 */
typedef int (*fq_store_log_fn)(const char *commit, const char *name,
	const char *email, long long when, int offset, const char *summary,
	void *data);
int fq_store_log(fq_store *s, const char *relpath, fq_store_log_fn fn,
	void *data, struct fq_error *err);

/*
 * A read-only view of one branch of a git repository (bare or not), for
 * county reports: ref is e.g. "refs/heads/QSZ"; the settings come from
 * that tree's fq.yaml and fq_store_foreach(), fq_store_find() and the
 * readers work on that tree; locking and committing refuse.  Nothing is
 * written into the repository: fq_store_private_dir() is the view's own
 * directory in the user's cache ($XDG_CACHE_HOME/fq/views/, else
 * ~/.cache/fq/views/), one per repository and branch.
 * @retval FQ_ENOTFOUND	no such repository, or no fq.yaml in that tree
 */
int fq_store_open_ref(fq_store **out, const char *path, const char *ref,
	struct fq_error *err);

/*
 * The local branches of the git repository at path whose names are unit
 * codes (a county repository holds one per township), sorted, appended to
 * names NUL-separated; *count gets their number.
 */
/* Remove the views ($XDG_CACHE_HOME/fq/views/HASH, each marked by fq
 * with what it is a view of) whose repository or branch no longer
 * exists; nothing else.  *removed: how many. */
int fq_store_prune_views(size_t *removed, struct fq_error *err);

int fq_store_unit_branches(const char *path, struct fq_buf *names,
	size_t *count, struct fq_error *err);

#endif
