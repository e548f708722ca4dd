/*
 * store_git.h: the store's libgit2 side, for the library files that need
 * git itself (sync.c).  Never included by commands.
 */
#ifndef FQ_STORE_GIT_H
#define FQ_STORE_GIT_H

#include <git2.h>

#include "fq/store.h"

/* The repository (borrowed). */
git_repository *fq_store_git(fq_store *s);

/* The clerk's signature, as commits carry it (caller frees). */
int fq_store_signature(fq_store *s, git_signature **out,
	struct fq_error *err);

/* FQ_ERROR with context and libgit2's last message. */
int fq_git_fail(struct fq_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Move the current branch to commit target (lock must be held), taking
 * the working tree and git's index along: every file that differs between
 * HEAD's tree and target's is written atomically (or removed), then the
 * branch moves, then the index entries of those paths are refreshed.  A
 * crash in between leaves stray files that fq check reports.
 */
int fq_store_move_to(fq_store *s, const git_oid *target, const char *logmsg,
	struct fq_error *err);

/* The id of HEAD's cases/ tree; *found is false when there is none. */
int fq_store_cases_tree(fq_store *s, git_oid *out, bool *found,
	struct fq_error *err);

/* Full name of the branch HEAD names ("refs/heads/main"), copied. */
int fq_store_branch(fq_store *s, char **out, struct fq_error *err);

#endif
