/*
 * sign.h: signed commits, in git's own format, so that `git log
 * --show-signature` and `git verify-commit` agree with fq.
 *
 * Signing.  Every commit fq makes goes through one function (lib/sign.h,
 * fq_commit_create), which signs it when git's configuration asks for it:
 *
 *	gpg.format = ssh		SSH signatures (ssh-keygen -Y sign)
 *	user.signingKey = PATH		the private key, or its public half
 *					with the private one in ssh-agent, or
 *					"key::ssh-ed25519 AAAA..." (agent)
 *	commit.gpgSign = true|false	sign even without a key set / never
 *	gpg.ssh.program			default ssh-keygen
 *
 * With gpg.format ssh and user.signingKey set, commits are signed unless
 * commit.gpgSign is false.  commit.gpgSign true with another format (or
 * no key) is an error, as is a key that cannot be read or a signing
 * program that fails: the command then fails and nothing is committed.
 *
 * Verifying.  A signature is checked as git checks it: the signer's key
 * must be in gpg.ssh.allowedSignersFile (ssh-keygen -Y find-principals,
 * then -Y verify, at the commit's time), and not in gpg.ssh.revocationFile.
 */
#ifndef FQ_SIGN_H
#define FQ_SIGN_H

#include <stdbool.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/store.h"

enum fq_sign_status {
	FQ_SIGN_GOOD,		/* signed by an allowed signer */
	FQ_SIGN_NONE,		/* not signed */
	FQ_SIGN_BAD,		/* the signature does not match the commit */
	FQ_SIGN_UNKNOWN		/* a valid signature by a key not allowed, or
				 * one fq cannot check (OpenPGP) */
};

/* What one commit's check found. */
struct fq_sign_result {
	enum fq_sign_status status;
	struct fq_buf signer;	/* the principal, for FQ_SIGN_GOOD */
	struct fq_buf detail;	/* why, for FQ_SIGN_BAD and FQ_SIGN_UNKNOWN */
};

void fq_sign_result_init(struct fq_sign_result *r);
void fq_sign_result_release(struct fq_sign_result *r);

/* "good", "unsigned", "bad signature", "unknown signer". */
const char *fq_sign_status_name(enum fq_sign_status st);

/* Whether the next commit will be signed, from git's configuration. */
bool fq_sign_enabled(fq_store *s);

/* One commit of a walk, for fq_sign_verify_all's callback. */
struct fq_sign_commit {
	const char *id;			/* 40 hex digits */
	const char *author, *email;
	long long when;			/* author time, seconds since 1970 */
	int offset;			/* minutes east of UTC */
	const char *summary;
	const struct fq_sign_result *result;
};

typedef int (*fq_sign_each_fn)(const struct fq_sign_commit *c, void *data);

/*
 * Check the signature of every commit reachable from HEAD, newest first;
 * with since (a revision: an ID, a branch, HEAD~10), only those not
 * reachable from it.  fn is called for every commit (good ones too);
 * it returns 0 to go on.  *count gets the number checked.
 * @retval FQ_EUSAGE	since is not a revision
 * @retval FQ_ERROR	no gpg.ssh.allowedSignersFile configured, or one
 *			that cannot be read
 */
int fq_sign_verify_all(fq_store *s, const char *since, fq_sign_each_fn fn,
	void *data, size_t *count, struct fq_error *err);

/*
 * The same for one commit (40 hex digits), for fq log; r must have been
 * initialized.  Without an allowed signers file a signed commit is
 * FQ_SIGN_UNKNOWN.
 */
int fq_sign_verify(fq_store *s, const char *commit, struct fq_sign_result *r,
	struct fq_error *err);

#endif
