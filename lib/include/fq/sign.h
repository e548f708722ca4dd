/*
 * sign.h: signed commits, in git's own format, so that `git log
 * --show-signature` and `git verify-commit` agree with fq.
 *
 * Signing.  Every commit fq makes goes through one function (lib/sign.h,
 * fq_commit_create), which signs it when git's configuration asks for it:
 *
 *	gpg.format = openpgp|ssh	OpenPGP (gpg -bsau KEY, git's default)
 *					or SSH (ssh-keygen -Y sign)
 *	user.signingKey = KEY		OpenPGP: a key ID, fingerprint or
 *					user ID gpg knows.  SSH: a path to the
 *					private key, or its public half with
 *					the private one in ssh-agent, or
 *					"key::ssh-ed25519 AAAA..." (agent)
 *	gpg.ssh.defaultKeyCommand	SSH without user.signingKey: a command
 *					whose first line is such a key
 *	commit.gpgSign = true|false	sign even without a key set / never
 *	gpg.openpgp.program, gpg.program	default gpg
 *	gpg.ssh.program			default ssh-keygen
 *
 * With a key set (for SSH, a key or gpg.ssh.defaultKeyCommand), commits
 * are signed unless commit.gpgSign is false; commit.gpgSign true without
 * a key signs as git does (OpenPGP: the committer's "Name <email>" is the
 * key; SSH: an error).  gpg.format x509 cannot sign: an error when
 * asked to.  A key that cannot be read or a signing program that fails
 * fails the command: nothing is committed.
 *
 * Verifying.  A signature is checked as git checks it.  SSH: the
 * signer's key must be in gpg.ssh.allowedSignersFile (ssh-keygen -Y
 * find-principals, then -Y verify, at the commit's time), and not in
 * gpg.ssh.revocationFile.  OpenPGP: gpg --verify, read through its
 * [GNUPG:] status lines only; the key must be in gpg's keyring, trusted
 * at least gpg.minTrustLevel (default undefined, as git's verify-commit),
 * neither revoked nor the signature expired.  A good signature by a key
 * that has expired since is good, as current git has it (git 2.39
 * still refuses it).
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
	FQ_SIGN_UNKNOWN,	/* a valid signature by a key not allowed (not
				 * in gpg's keyring, or trusted less than
				 * gpg.minTrustLevel), or an X.509 one */
	FQ_SIGN_EXPIRED,	/* OpenPGP: the signature itself has expired */
	FQ_SIGN_EXPIRED_KEY,	/* OpenPGP: good, by a key expired since */
	FQ_SIGN_REVOKED,	/* OpenPGP: by a key that has been revoked */
	FQ_SIGN_ERROR		/* OpenPGP: gpg cannot check it */
};

/* What one commit's check found. */
struct fq_sign_result {
	enum fq_sign_status status;
	struct fq_buf signer;	/* the principal or the OpenPGP user ID,
				 * for FQ_SIGN_GOOD and FQ_SIGN_EXPIRED_KEY */
	struct fq_buf detail;	/* why, for the others */
};

void fq_sign_result_init(struct fq_sign_result *r);
void fq_sign_result_release(struct fq_sign_result *r);

/* "good", "unsigned", "bad signature", "unknown signer", ... */
const char *fq_sign_status_name(enum fq_sign_status st);

/* git's %G? letter: G, N, B, U, X, Y, R, E. */
char fq_sign_status_mark(enum fq_sign_status st);

/* Whether fq check --verify takes it: FQ_SIGN_GOOD, FQ_SIGN_EXPIRED_KEY. */
bool fq_sign_status_ok(enum fq_sign_status st);

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
 * @retval FQ_ERROR	an SSH signature and no gpg.ssh.allowedSignersFile
 *			configured, or one that cannot be read; a
 *			gpg.minTrustLevel that is no level; a checking
 *			program that cannot be run
 */
int fq_sign_verify_all(fq_store *s, const char *since, fq_sign_each_fn fn,
	void *data, size_t *count, struct fq_error *err);

/*
 * The same for one commit (40 hex digits), for fq log; r must have been
 * initialized.  Without an allowed signers file an SSH-signed commit is
 * FQ_SIGN_UNKNOWN.
 */
int fq_sign_verify(fq_store *s, const char *commit, struct fq_sign_result *r,
	struct fq_error *err);

#endif
