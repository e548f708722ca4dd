/*
 * sign_git.h: the one way libfq makes a commit (store.c, sync.c).  Never
 * included by commands; see fq/sign.h for what signing means.
 */
#ifndef FQ_SIGN_GIT_H
#define FQ_SIGN_GIT_H

#include <git2.h>

#include "fq/error.h"
#include "fq/sign.h"

/*
 * git_commit_create(), signed when git's configuration asks for it (see
 * fq/sign.h), author and committer both sig.  With update_ref ("HEAD",
 * or a full ref name) the ref moves to the new commit as libgit2 would
 * move it: only from parents[0] (or created, for a first commit), with a
 * reflog entry "commit: SUBJECT" ("commit (initial)", "commit (merge)").
 * On any failure, signing included, no ref has moved.
 */
int fq_commit_create(git_oid *out, git_repository *repo,
	const char *update_ref, const git_signature *sig, const char *message,
	const git_tree *tree, size_t nparents, const git_commit *parents[],
	struct fq_error *err);

/*
 * Before fq init creates anything: fail as the first commit would fail
 * for want of a key (or of SSH as gpg.format) in the user's configuration.
 * name and email: the author fq init was given (NULL: git's user.name and
 * user.email), whose key OpenPGP signs with when user.signingKey is unset.
 */
int fq_sign_preflight(const char *name, const char *email,
	struct fq_error *err);

/*
 * What gpg --status-fd said of one signature (its [GNUPG:] lines), into
 * r, as git reads it; min_trust is gpg.minTrustLevel (0 undefined, 1
 * never, 2 marginal, 3 fully, 4 ultimate).  For the tests.
 */
void fq_sign_gpg_status(const char *status, int min_trust,
	struct fq_sign_result *r);

/* A trust level's number, as above, from its name in any case; -1. */
int fq_sign_trust_level(const char *name);

#endif
