/*
 * gitindex.h: git's index (.git/index) brought in step with a commit of
 * a few paths, without libgit2 reading every entry into memory and
 * writing every entry back (at 100,000 cases, 10 MB both ways: almost
 * all of what a one-case commit cost).  store.c's only.
 *
 * The new index is the old one with the changed entries spliced in, in
 * the same version (2, 3 or 4), written to index.lock and renamed over
 * the index, as git does it.  The lock is taken before the commit moves
 * the branch and held until the index is renamed into place, so that a
 * user's own `git commit` can never run between the two and commit the
 * old entries back.  Whatever this code does not know (no index yet, an
 * unknown version or required extension, a conflict or a sparse entry at
 * one of the paths, a bad checksum) it leaves to libgit2.
 */
#ifndef FQ_GITINDEX_H
#define FQ_GITINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fq/error.h"

/* What an entry keeps of a file's stat(2), as git truncates it. */
struct fq_gitindex_stat {
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns;
	uint32_t dev, ino, uid, gid, size;
};

struct fq_gitindex_change {
	const char *path;		/* as in the index: relative, '/' */
	const unsigned char *id;	/* blob id (20 bytes); NULL: remove */
	/* the file's stat as it was written, or NULL: lstat'ed here */
	const struct fq_gitindex_stat *st;
};

typedef struct fq_gitindex fq_gitindex;

/*
 * Take <gitdir>/index.lock, waiting up to wait_ms for another git
 * command to release it; FQ_ELOCKED when it does not.  The file owner
 * names the lock while it is held, so that one left by a writer killed
 * holding it is known for what it is and taken over (the caller holds
 * fq's own lock: that writer is gone); any other index.lock is waited for.
 */
int fq_gitindex_lock(fq_gitindex **out, const char *gitdir, const char *owner,
	int wait_ms, struct fq_error *err);

/*
 * Read the index and plan the update of ch[0..n): 1 when it is ready for
 * fq_gitindex_write, 0 when libgit2 must do it (the lock is still held:
 * fq_gitindex_free releases it), an error when libgit2 would fail as well
 * (a bad checksum, a split or sparse index): better said before the
 * commit than after it.  The files of the changes with an id must be in
 * the working tree (workdir) already: their stat data (ch[i].st, or
 * lstat'ed) goes into the entries, so that git sees them clean.  Any
 * number of changes: an import's 100,000 are merged with the old entries
 * in one pass, as a few are.  cache names a file where the
 * SHA-1 states of the index as written are kept (the next update then
 * hashes only what follows its first change, and trusts a file it wrote
 * itself without hashing it again), and, in <cache>.steps, its entry
 * checkpoints (the next update of up to 64 changes reads only the steps
 * of about 64 KiB that they can touch, and copies the others).
 */
int fq_gitindex_plan(fq_gitindex *gi, const char *workdir, const char *cache,
	const struct fq_gitindex_change *ch, size_t n, struct fq_error *err);

/* The last plan's answer. */
bool fq_gitindex_ready(const fq_gitindex *gi);

/*
 * Before the rename, give the old index a second name, path, if nothing
 * has it yet: freeing its blocks is then not part of this update (on
 * ext4 with discard, milliseconds for 10 MB) but of whoever removes path
 * (store.c: a thread of the next writer).
 */
void fq_gitindex_keep_old(fq_gitindex *gi, const char *path);

/* Write the planned index to index.lock and rename it over the index. */
int fq_gitindex_write(fq_gitindex *gi, struct fq_error *err);

/*
 * Tests only.  Before the plan: read every entry, as without checkpoints
 * (full_walk), and write the new file's checkpoints every seg_bytes of
 * entries (0: 64 KiB).  After it: the planned file (trailer included) in
 * out, and how many steps of the old file were copied without being read.
 */
void fq_gitindex_tune(fq_gitindex *gi, bool full_walk, size_t seg_bytes);
struct fq_buf;
size_t fq_gitindex_planned(fq_gitindex *gi, struct fq_buf *out);

/* Release (the lock, if nothing was written).  NULL is fine. */
void fq_gitindex_free(fq_gitindex *gi);

#endif
