/*
 * sign.c: signed commits (see fq/sign.h and sign_git.h).
 *
 * With store.c and sync.c, the third file that uses libgit2.  A signed
 * commit is made as git makes one: the commit object is formatted
 * (git_commit_create_buffer), that text is signed by ssh-keygen -Y sign
 * -n git or gpg -bsau KEY, and the object is written with the armored
 * signature in its "gpgsig" header (git_commit_create_with_signature).
 * libgit2 then leaves the ref alone, so move_ref() moves it as
 * git_commit_create() would have: only from the first parent, with the
 * same reflog entry.
 *
 * ssh-keygen and gpg read and write through memfd_create(2) files, never
 * pipes (no deadlock whatever they print) and never temporary files: the
 * signature to check is handed to them as /dev/fd/3.  Of gpg's output
 * only its [GNUPG:] status lines are read, as git reads them
 * (gpg-interface.c); what it says to people is only ever quoted.
 */
#define _GNU_SOURCE		/* memfd_create(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fq/sign.h"
#include "internal.h"
#include "sign_git.h"
#include "store_git.h"

#define SSH_ARMOR "-----BEGIN SSH SIGNATURE-----"
#define PGP_ARMOR "-----BEGIN PGP SIGNATURE-----"
#define PGP_MESSAGE "-----BEGIN PGP MESSAGE-----"
#define X509_ARMOR "-----BEGIN SIGNED MESSAGE-----"
#define GNUPG "[GNUPG:] "
#define SIG_FD 3		/* where ssh-keygen finds the signature */

enum sign_format { FMT_OPENPGP, FMT_SSH, FMT_X509 };

/* git's configuration of signing, as read at one moment. */
struct sign_conf {
	bool sign;		/* the next commit is signed */
	bool forced;		/* commit.gpgSign true */
	enum sign_format format;
	char *key;		/* user.signingKey: SSH, a path (~ expanded) ... */
	bool literal;		/* ... or "key::..." / "ssh-..."; OpenPGP, an ID */
	char *keycmd;		/* gpg.ssh.defaultKeyCommand */
	char *program;		/* gpg.ssh.program */
	char *gpg;		/* gpg.openpgp.program, gpg.program */
	char *allowed;		/* gpg.ssh.allowedSignersFile */
	char *revoked;		/* gpg.ssh.revocationFile */
	char *mintrust;		/* gpg.minTrustLevel, as written */
	bool need_allowed;	/* fq check: an SSH signature without
				 * allowed signers is an error */
};

static char *
conf_string(git_config *cfg, const char *name, bool path)
{
	git_buf b = { 0 };
	char *s = NULL;
	int r;

	r = path ? git_config_get_path(&b, cfg, name) :
		git_config_get_string_buf(&b, cfg, name);
	if (r == 0 && b.ptr && *b.ptr)
		s = fq_xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_error_clear();
	return s;
}

static void
sign_conf_release(struct sign_conf *c)
{
	free(c->key);
	free(c->keycmd);
	free(c->program);
	free(c->gpg);
	free(c->allowed);
	free(c->revoked);
	free(c->mintrust);
	memset(c, 0, sizeof(*c));
}

/* From repo's configuration, or with repo NULL the user's (fq init). */
static int
sign_conf_load(git_repository *repo, struct sign_conf *c,
	struct fq_error *err)
{
	git_config *cfg = NULL, *live = NULL;
	char *fmt, *key;
	int gpgsign = -1, v, r;

	memset(c, 0, sizeof(*c));
	if (repo)
		r = git_repository_config_snapshot(&cfg, repo);
	else if ((r = git_config_open_default(&live)) == 0)
		r = git_config_snapshot(&cfg, live);
	git_config_free(live);
	if (r < 0)
		return fq_git_fail(err, "cannot read git's configuration");
	if (git_config_get_bool(&v, cfg, "commit.gpgsign") == 0)
		gpgsign = v;
	git_error_clear();
	fmt = conf_string(cfg, "gpg.format", false);
	c->format = !fmt || !strcmp(fmt, "openpgp") ? FMT_OPENPGP :
		!strcmp(fmt, "ssh") ? FMT_SSH : FMT_X509;
	free(fmt);
	key = conf_string(cfg, "user.signingkey", false);
	if (key && (c->format != FMT_SSH || !strncmp(key, "key::", 5) ||
	    !strncmp(key, "ssh-", 4))) {
		c->literal = true;
		c->key = key;
	} else {
		free(key);
		c->key = conf_string(cfg, "user.signingkey", true);
	}
	c->keycmd = conf_string(cfg, "gpg.ssh.defaultkeycommand", false);
	c->program = conf_string(cfg, "gpg.ssh.program", true);
	if (!c->program)
		c->program = fq_xstrdup("ssh-keygen");
	/* git takes whichever it reads last; fq, the more specific */
	c->gpg = conf_string(cfg, "gpg.openpgp.program", true);
	if (!c->gpg)
		c->gpg = conf_string(cfg, "gpg.program", true);
	if (!c->gpg)
		c->gpg = fq_xstrdup("gpg");
	c->allowed = conf_string(cfg, "gpg.ssh.allowedsignersfile", true);
	c->revoked = conf_string(cfg, "gpg.ssh.revocationfile", true);
	c->mintrust = conf_string(cfg, "gpg.mintrustlevel", false);
	c->forced = gpgsign == 1;
	c->sign = gpgsign == 1 || (gpgsign == -1 &&
		((c->format == FMT_SSH && (c->key || c->keycmd)) ||
		(c->format == FMT_OPENPGP && c->key)));
	git_config_free(cfg);
	return FQ_OK;
}

/*
 * Running ssh-keygen.
 */
static int
memfd_with(const char *name, const char *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
read_back(int fd, struct fq_buf *out)
{
	char chunk[4096];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			fq_buf_add(out, chunk, (size_t)n);
}

/* In the child: fd onto target, whatever numbers the two have. */
static int
move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

/*
 * Run argv with in on its standard input and extra (if any) at SIG_FD;
 * out and errs get what it printed.  *status gets its exit status (128 +
 * the signal that killed it).  -1 with errno when it could not be run.
 */
static int
run(char *const argv[], const char *in, size_t inlen, const char *extra,
	size_t extralen, struct fq_buf *out, struct fq_buf *errs, int *status)
{
	int fds[4] = { -1, -1, -1, -1 }, i, ws, ret = -1, saved;
	pid_t pid;

	if ((fds[0] = memfd_with("fq-in", in, inlen)) < 0 ||
	    (fds[1] = memfd_with("fq-out", "", 0)) < 0 ||
	    (fds[2] = memfd_with("fq-err", "", 0)) < 0 ||
	    (extra && (fds[3] = memfd_with("fq-sig", extra, extralen)) < 0))
		goto out;
	/* above 9, so that moving one down never lands on another */
	for (i = 0; i < 4; i++) {
		int hi;

		if (fds[i] < 0)
			continue;
		if ((hi = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
			goto out;
		close(fds[i]);
		fds[i] = hi;
	}
	fflush(NULL);
	if ((pid = fork()) < 0)
		goto out;
	if (pid == 0) {
		for (i = 0; i < 4; i++)
			if (fds[i] >= 0 && move_fd(fds[i], i) < 0)
				_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			goto out;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) :
		WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
	if (out)
		read_back(fds[1], out);
	if (errs)
		read_back(fds[2], errs);
	ret = 0;
out:
	saved = errno;
	for (i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	errno = saved;
	return ret;
}

/* The last line ssh-keygen printed that says something ("No private key
 * found for ..."), not its banners. */
static const char *
last_line(struct fq_buf *b)
{
	const char *found = "no message";
	char *p = b->buf, *nl;

	for (; *p; p = nl + 1) {
		if ((nl = strchr(p, '\n')))
			*nl = '\0';
		if (*p && *p != '@' && strncmp(p, "Signing ", 8))
			found = p;
		if (!nl)
			break;
	}
	return found;
}

/* The line of gpg's status output that starts "[GNUPG:] WORD", at what
 * follows WORD; NULL if none. */
static const char *
status_line(const char *buf, const char *word)
{
	const char *p = buf;
	size_t n = strlen(word);

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, GNUPG, strlen(GNUPG)) &&
		    !strncmp(p + strlen(GNUPG), word, n))
			return p + strlen(GNUPG) + n;
	return NULL;
}

/* The last line of buf meant for people (not a status line), into out. */
static void
last_said(const char *buf, struct fq_buf *out)
{
	const char *p, *end, *found = NULL, *found_end = NULL;

	for (p = buf; p && *p; p = *end ? end + 1 : NULL) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (end > p && strncmp(p, GNUPG, strlen(GNUPG))) {
			found = p;
			found_end = end;
		}
	}
	fq_buf_reset(out);
	if (found)
		fq_buf_add(out, found, (size_t)(found_end - found));
	else
		fq_buf_adds(out, "no message");
}

/*
 * Signing.
 */
static int
ssh_sign(const struct sign_conf *c, const char *key, bool literal,
	const char *payload, size_t len, struct fq_buf *sig,
	struct fq_error *err)
{
	struct fq_buf errs = FQ_BUF_INIT, lit = FQ_BUF_INIT;
	char fdpath[32];
	char *argv[10];
	int n = 0, status = 0, ret = FQ_OK;

	if (!literal && access(key, R_OK) < 0)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"user.signingKey '%s': %s (nothing was committed)",
			key, strerror(errno));
	argv[n++] = c->program;
	argv[n++] = "-Y";
	argv[n++] = "sign";
	argv[n++] = "-n";
	argv[n++] = "git";
	argv[n++] = "-f";
	if (literal) {
		/* a public key; its private half is in ssh-agent */
		fq_buf_adds(&lit, key + (strncmp(key, "key::", 5) ? 0 : 5));
		fq_buf_addch(&lit, '\n');
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", SIG_FD);
		argv[n++] = fdpath;
		argv[n++] = "-U";
	} else {
		argv[n++] = (char *)key;
	}
	argv[n] = NULL;
	if (run(argv, payload, len, literal ? lit.buf : NULL, lit.len,
	    sig, &errs, &status) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"cannot run %s: %s (nothing was committed)",
			c->program, strerror(errno));
	} else if (status || strncmp(sig->buf, SSH_ARMOR,
	    strlen(SSH_ARMOR))) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"%s failed: %s (nothing was committed)", c->program,
			last_line(&errs));
	}
	fq_buf_release(&errs);
	fq_buf_release(&lit);
	return ret;
}

/*
 * gpg.ssh.defaultKeyCommand, split at blanks as git splits it (no
 * shell): its first line, if it is a key ("key::..." or "ssh-..."), into
 * key.
 */
static int
ssh_default_key(const struct sign_conf *c, struct fq_buf *key,
	struct fq_error *err)
{
	struct fq_buf cmd = FQ_BUF_INIT, out = FQ_BUF_INIT, errs = FQ_BUF_INIT;
	char *argv[32], *p;
	size_t n = 0;
	int status = 0, ret = FQ_OK;

	fq_buf_adds(&cmd, c->keycmd);
	for (p = strtok(cmd.buf, " \t\n"); p && n + 1 < sizeof(argv) /
	    sizeof(*argv); p = strtok(NULL, " \t\n"))
		argv[n++] = p;
	argv[n] = NULL;
	if (!n) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"gpg.ssh.defaultKeyCommand is empty (nothing was "
			"committed)");
	} else if (run(argv, "", 0, NULL, 0, &out, &errs, &status) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"cannot run gpg.ssh.defaultKeyCommand '%s': %s "
			"(nothing was committed)", c->keycmd, strerror(errno));
	} else if (status) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"gpg.ssh.defaultKeyCommand '%s' failed: %s (nothing "
			"was committed)", c->keycmd, last_line(&errs));
	} else {
		if (out.len)
			out.buf[strcspn(out.buf, "\r\n")] = '\0';
		if (strncmp(out.buf, "key::", 5) && strncmp(out.buf, "ssh-", 4))
			ret = fq_error_set(err, FQ_ERROR, "cannot sign the "
				"commit: gpg.ssh.defaultKeyCommand '%s' gave "
				"no key (nothing was committed)", c->keycmd);
		else
			fq_buf_adds(key, out.buf);
	}
	fq_buf_release(&cmd);
	fq_buf_release(&out);
	fq_buf_release(&errs);
	return ret;
}

/* Why gpg did not sign, from its INV_SGNR status (see gpg's DETAILS). */
static void
gpg_why(const char *errs, const char *key, struct fq_buf *why)
{
	static const char *const reasons[] = { "not usable", "not found",
		"ambiguous", "not a signing key", "revoked", "expired",
		"no CRL known", "CRL too old", "policy mismatch",
		"no secret key", "not trusted", "missing certificate",
		"missing issuer certificate", "disabled", "not a key" };
	const char *p = status_line(errs, "INV_SGNR ");
	long code;

	if (!p) {
		last_said(errs, why);
		return;
	}
	code = strtol(p, NULL, 10);
	fq_buf_reset(why);
	if (code == 1 || code == 9)
		fq_buf_addf(why, "no secret key for '%s' in gpg's keyring",
			key);
	else
		fq_buf_addf(why, "key '%s': %s", key, code >= 0 && code <
			(long)(sizeof(reasons) / sizeof(*reasons)) ?
			reasons[code] : "not usable");
}

static int
gpg_sign(const struct sign_conf *c, const char *key, const char *payload,
	size_t len, struct fq_buf *sig, struct fq_error *err)
{
	struct fq_buf errs = FQ_BUF_INIT, why = FQ_BUF_INIT;
	char *argv[] = { c->gpg, "--status-fd=2", "-bsau", (char *)key, NULL };
	size_t i, j;
	int status = 0, ret = FQ_OK;

	if (run(argv, payload, len, NULL, 0, sig, &errs, &status) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"cannot run %s: %s (nothing was committed)", c->gpg,
			strerror(errno));
	} else if (status || !status_line(errs.buf, "SIG_CREATED ") ||
	    strncmp(sig->buf, PGP_ARMOR, strlen(PGP_ARMOR))) {
		gpg_why(errs.buf, key, &why);
		ret = fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"%s failed: %s (nothing was committed)", c->gpg,
			why.buf);
	} else {
		/* as git: no CR in the header, whatever gpg wrote */
		for (i = j = 0; i < sig->len; i++)
			if (sig->buf[i] != '\r' || sig->buf[i + 1] != '\n')
				sig->buf[j++] = sig->buf[i];
		sig->len = j;
		sig->buf[j] = '\0';
	}
	fq_buf_release(&errs);
	fq_buf_release(&why);
	return ret;
}

/* Whether gpg has a secret key for key (fq init, before anything). */
static int
gpg_has_key(const struct sign_conf *c, const char *key, struct fq_error *err)
{
	char *argv[] = { c->gpg, "--batch", "--list-secret-keys", "--",
		(char *)key, NULL };
	int status = 0;

	if (run(argv, "", 0, NULL, 0, NULL, NULL, &status) < 0)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"cannot run %s: %s (nothing was committed)", c->gpg,
			strerror(errno));
	if (status == 127)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"cannot run %s (nothing was committed)", c->gpg);
	if (status)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"%s failed: no secret key for '%s' in gpg's keyring "
			"(nothing was committed)", c->gpg, key);
	return FQ_OK;
}

/* The armored signature of payload, by who (OpenPGP without a key). */
static int
sign_buffer(const struct sign_conf *c, const git_signature *who,
	const char *payload, size_t len, struct fq_buf *sig,
	struct fq_error *err)
{
	struct fq_buf key = FQ_BUF_INIT;
	int ret;

	if (c->format == FMT_X509)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"fq signs with OpenPGP or SSH keys, not X.509; set "
			"gpg.format to openpgp or ssh (nothing was committed)");
	if (c->format == FMT_OPENPGP) {
		if (!c->key)	/* as git: the committer is the key */
			fq_buf_addf(&key, "%s <%s>", who->name, who->email);
		ret = gpg_sign(c, c->key ? c->key : key.buf, payload, len,
			sig, err);
		fq_buf_release(&key);
		return ret;
	}
	if (c->key)
		return ssh_sign(c, c->key, c->literal, payload, len, sig, err);
	if (!c->keycmd)
		return fq_error_set(err, FQ_ERROR, "cannot sign the commit: "
			"commit.gpgSign is set, but neither user.signingKey "
			"nor gpg.ssh.defaultKeyCommand is (nothing was "
			"committed)");
	if ((ret = ssh_default_key(c, &key, err)) == FQ_OK)
		ret = ssh_sign(c, key.buf, true, payload, len, sig, err);
	fq_buf_release(&key);
	return ret;
}

/*
 * "Name <email>" of the first commit's committer, as store.c's
 * make_signature() will make it: the author given, else git's user.name
 * and user.email, else fq's own.
 */
static void
first_committer(struct fq_buf *out, const char *name, const char *email)
{
	git_config *live = NULL, *cfg = NULL;
	char *n = NULL, *e = NULL;

	if ((!name || !*name || !email || !*email) &&
	    git_config_open_default(&live) == 0 &&
	    git_config_snapshot(&cfg, live) == 0) {
		n = conf_string(cfg, "user.name", false);
		e = conf_string(cfg, "user.email", false);
	}
	git_error_clear();
	if (!name || !*name)
		name = n ? n : "fq";
	if (!email || !*email)
		email = e ? e : "fq@localhost";
	fq_buf_addf(out, "%s <%s>", name, email);
	free(n);
	free(e);
	git_config_free(cfg);
	git_config_free(live);
}

int
fq_sign_preflight(const char *name, const char *email, struct fq_error *err)
{
	struct sign_conf c;
	struct fq_buf key = FQ_BUF_INIT;
	int ret;

	if ((ret = sign_conf_load(NULL, &c, err)) < 0)
		return ret;
	if (!c.sign)
		;
	else if (c.format == FMT_X509)
		ret = sign_buffer(&c, NULL, NULL, 0, NULL, err);
	else if (c.format == FMT_OPENPGP && c.key)
		ret = gpg_has_key(&c, c.key, err);
	else if (c.format == FMT_OPENPGP) {
		first_committer(&key, name, email);	/* as git: the key */
		ret = gpg_has_key(&c, key.buf, err);
	} else if (!c.key && c.keycmd)
		ret = ssh_default_key(&c, &key, err);
	else if (!c.key)
		ret = sign_buffer(&c, NULL, NULL, 0, NULL, err);
	else if (!c.literal && access(c.key, R_OK) < 0)
		ret = ssh_sign(&c, c.key, false, NULL, 0, NULL, err);
	fq_buf_release(&key);
	sign_conf_release(&c);
	return ret;
}

bool
fq_sign_enabled(fq_store *s)
{
	struct sign_conf c;
	bool on;

	if (sign_conf_load(fq_store_git(s), &c, NULL) < 0)
		return false;
	on = c.sign;
	sign_conf_release(&c);
	return on;
}

/* Move update_ref to id as git_commit_create() would. */
static int
move_ref(git_repository *repo, const char *update_ref, const git_oid *id,
	size_t nparents, const git_commit *parents[], struct fq_error *err)
{
	git_reference *head = NULL, *ref = NULL;
	git_commit *c = NULL;
	struct fq_buf log = FQ_BUF_INIT;
	const char *name = update_ref;
	int r, ret = FQ_OK;

	if (!strcmp(update_ref, "HEAD")) {
		if (git_reference_lookup(&head, repo, "HEAD") < 0) {
			ret = fq_git_fail(err, "cannot read HEAD");
			goto out;
		}
		if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
			name = git_reference_symbolic_target(head);
	}
	/* the reflog says what libgit2's own commits say */
	if (git_commit_lookup(&c, repo, id) < 0) {
		ret = fq_git_fail(err, "cannot read the new commit");
		goto out;
	}
	fq_buf_addf(&log, "commit%s: %s", nparents == 0 ? " (initial)" :
		nparents > 1 ? " (merge)" : "", git_commit_summary(c) ?
		git_commit_summary(c) : "");
	if (nparents)
		r = git_reference_create_matching(&ref, repo, name, id, 1,
			git_commit_id(parents[0]), log.buf);
	else
		r = git_reference_create(&ref, repo, name, id, 0, log.buf);
	if (r < 0)
		ret = fq_git_fail(err, "cannot move %s", name);
out:
	git_commit_free(c);
	git_reference_free(ref);
	git_reference_free(head);
	fq_buf_release(&log);
	return ret;
}

int
fq_commit_create(git_oid *out, git_repository *repo, const char *update_ref,
	const git_signature *sig, const char *message, const git_tree *tree,
	size_t nparents, const git_commit *parents[], struct fq_error *err)
{
	struct sign_conf c;
	struct fq_buf armor = FQ_BUF_INIT;
	git_buf content = { 0 };
	int ret;

	if ((ret = sign_conf_load(repo, &c, err)) < 0)
		return ret;
	if (!c.sign) {
		sign_conf_release(&c);
		if (git_commit_create(out, repo, update_ref, sig, sig, NULL,
		    message, tree, nparents, parents) < 0)
			return fq_git_fail(err, "cannot commit");
		return FQ_OK;
	}
	if (git_commit_create_buffer(&content, repo, sig, sig, NULL, message,
	    tree, nparents, parents) < 0) {
		ret = fq_git_fail(err, "cannot commit");
		goto out;
	}
	if ((ret = sign_buffer(&c, sig, content.ptr, content.size, &armor,
	    err)) < 0)
		goto out;
	if (git_commit_create_with_signature(out, repo, content.ptr,
	    armor.buf, "gpgsig") < 0) {
		ret = fq_git_fail(err, "cannot write the signed commit");
		goto out;
	}
	if (update_ref)
		ret = move_ref(repo, update_ref, out, nparents, parents, err);
out:
	git_buf_dispose(&content);
	fq_buf_release(&armor);
	sign_conf_release(&c);
	return ret;
}

/*
 * Verifying.
 */
void
fq_sign_result_init(struct fq_sign_result *r)
{
	r->status = FQ_SIGN_NONE;
	fq_buf_init(&r->signer);
	fq_buf_init(&r->detail);
}

void
fq_sign_result_release(struct fq_sign_result *r)
{
	if (!r)
		return;
	fq_buf_release(&r->signer);
	fq_buf_release(&r->detail);
}

const char *
fq_sign_status_name(enum fq_sign_status st)
{
	switch (st) {
	case FQ_SIGN_GOOD: return "good";
	case FQ_SIGN_NONE: return "unsigned";
	case FQ_SIGN_BAD: return "bad signature";
	case FQ_SIGN_UNKNOWN: return "unknown signer";
	case FQ_SIGN_EXPIRED: return "expired signature";
	case FQ_SIGN_EXPIRED_KEY: return "good, by an expired key";
	case FQ_SIGN_REVOKED: return "revoked key";
	case FQ_SIGN_ERROR: return "cannot be checked";
	}
	return "?";
}

char
fq_sign_status_mark(enum fq_sign_status st)
{
	static const char marks[] = "GNBUXYRE";

	return (unsigned)st < sizeof(marks) - 1 ? marks[st] : '?';
}

bool
fq_sign_status_ok(enum fq_sign_status st)
{
	return st == FQ_SIGN_GOOD || st == FQ_SIGN_EXPIRED_KEY;
}

static void
set_result(struct fq_sign_result *r, enum fq_sign_status st,
	const char *detail)
{
	r->status = st;
	fq_buf_reset(&r->detail);
	if (detail)
		fq_buf_adds(&r->detail, detail);
}

/* -Overify-time=: the key must have been allowed when the commit was made */
static void
verify_time(char *buf, size_t n, git_time_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, n,
	    "-Overify-time=%Y%m%d%H%M%SZ", &tm))
		snprintf(buf, n, "-Overify-time=now");
}

/* The principals whose key made sig, one a line, into who. */
static int
ssh_principals(const struct sign_conf *c, const char *sig, size_t siglen,
	const char *vtime, struct fq_buf *who)
{
	char fdpath[32];
	char *argv[] = { c->program, "-Y", "find-principals", "-f", c->allowed,
		"-s", fdpath, (char *)vtime, NULL };
	int status = 0;

	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", SIG_FD);
	if (run(argv, "", 0, sig, siglen, who, NULL, &status) < 0)
		return -1;
	return status == 0 && who->len ? 0 : 1;
}

static int
ssh_verify(const struct sign_conf *c, const char *data, size_t len,
	const char *sig, size_t siglen, git_time_t when,
	struct fq_sign_result *r, struct fq_error *err)
{
	struct fq_buf who = FQ_BUF_INIT, errs = FQ_BUF_INIT;
	char fdpath[32], vtime[64];
	char *argv[16], *p, *nl;
	int n, found, status = 0, ret = FQ_OK;

	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", SIG_FD);
	verify_time(vtime, sizeof(vtime), when);
	if (!c->allowed && c->need_allowed)
		return fq_error_set(err, FQ_ERROR, "cannot verify SSH "
			"signatures: gpg.ssh.allowedSignersFile is not set "
			"(see fq-check(1))");
	if (!c->allowed) {
		set_result(r, FQ_SIGN_UNKNOWN, "no gpg.ssh.allowedSignersFile "
			"to check it against");
		return FQ_OK;
	}
	if ((found = ssh_principals(c, sig, siglen, vtime, &who)) < 0)
		goto cannot;
	for (p = who.buf; found == 0 && *p; p = nl ? nl + 1 : p + strlen(p)) {
		if ((nl = strchr(p, '\n')))
			*nl = '\0';
		if (!*p)
			continue;
		n = 0;
		argv[n++] = c->program;
		argv[n++] = "-Y";
		argv[n++] = "verify";
		argv[n++] = "-n";
		argv[n++] = "git";
		argv[n++] = "-f";
		argv[n++] = c->allowed;
		argv[n++] = "-I";
		argv[n++] = p;
		argv[n++] = "-s";
		argv[n++] = fdpath;
		argv[n++] = vtime;
		if (c->revoked) {
			argv[n++] = "-r";
			argv[n++] = c->revoked;
		}
		argv[n] = NULL;
		fq_buf_reset(&errs);
		if (run(argv, data, len, sig, siglen, NULL, &errs,
		    &status) < 0)
			goto cannot;
		if (status == 0) {
			r->status = FQ_SIGN_GOOD;
			fq_buf_reset(&r->signer);
			fq_buf_adds(&r->signer, p);
			goto out;
		}
		set_result(r, FQ_SIGN_BAD, last_line(&errs));
		goto out;
	}
	/* no allowed signer has this key: is it a signature at all? */
	{
		char *cargv[] = { c->program, "-Y", "check-novalidate", "-n",
			"git", "-s", fdpath, NULL };

		fq_buf_reset(&errs);
		if (run(cargv, data, len, sig, siglen, NULL, &errs,
		    &status) < 0)
			goto cannot;
		if (status == 0)
			set_result(r, FQ_SIGN_UNKNOWN, "a key that is not in "
				"the allowed signers file");
		else
			set_result(r, FQ_SIGN_BAD, last_line(&errs));
	}
	goto out;
cannot:
	ret = fq_error_set(err, FQ_ERROR, "cannot run %s: %s", c->program,
		strerror(errno));
out:
	fq_buf_release(&who);
	fq_buf_release(&errs);
	return ret;
}

/*
 * OpenPGP.  gpg's status lines, as git's parse_gpg_output() reads them:
 * one of GOODSIG, BADSIG, ERRSIG, EXPSIG, EXPKEYSIG, REVKEYSIG (a second
 * one means more than one signature: refused), the key ID after it and,
 * but for ERRSIG, the user ID; TRUST_<LEVEL> for the key's validity.
 */
static const char *const trust_levels[] = { "undefined", "never",
	"marginal", "fully", "ultimate" };
#define NTRUST ((int)(sizeof(trust_levels) / sizeof(*trust_levels)))

int
fq_sign_trust_level(const char *name)
{
	int i;

	for (i = 0; name && i < NTRUST; i++)
		if (!strcasecmp(name, trust_levels[i]))
			return i;
	return -1;
}

/* Word n (0: the first) of the status line at p, into out. */
static void
status_field(const char *p, int n, struct fq_buf *out)
{
	size_t len;

	fq_buf_reset(out);
	while (n-- > 0 && *p && *p != '\n') {
		p += strcspn(p, " \n");
		if (*p == ' ')
			p++;
	}
	len = strcspn(p, " \n");
	fq_buf_add(out, p, len);
}

void
fq_sign_gpg_status(const char *status, int min_trust,
	struct fq_sign_result *r)
{
	static const struct {
		const char *word;
		char mark;
	} sigs[] = {
		{ "GOODSIG ", 'G' }, { "BADSIG ", 'B' }, { "ERRSIG ", 'E' },
		{ "EXPSIG ", 'X' }, { "EXPKEYSIG ", 'Y' },
		{ "REVKEYSIG ", 'R' },
	};
	struct fq_buf key = FQ_BUF_INIT, uid = FQ_BUF_INIT, rc = FQ_BUF_INIT,
		word = FQ_BUF_INIT;
	const char *p, *q, *end;
	char mark = 0;
	int trust = 0, nsigs = 0, bad_trust = 0;
	bool nopub = false;
	size_t i;

	for (p = status; p && *p; p = *end ? end + 1 : NULL) {
		end = p + strcspn(p, "\n");
		if (strncmp(p, GNUPG, strlen(GNUPG)))
			continue;
		q = p + strlen(GNUPG);
		for (i = 0; i < sizeof(sigs) / sizeof(*sigs); i++) {
			size_t n = strlen(sigs[i].word);

			if (strncmp(q, sigs[i].word, n))
				continue;
			nsigs++;
			mark = sigs[i].mark;
			status_field(q + n, 0, &key);
			fq_buf_reset(&uid);
			if (mark == 'E') {
				status_field(q + n, 5, &rc);
			} else if (q + n + key.len < end) {
				const char *u = q + n + key.len + 1;

				fq_buf_add(&uid, u, (size_t)(end - u));
			}
			break;
		}
		if (!strncmp(q, "NO_PUBKEY ", 10)) {
			nopub = true;
		} else if (!strncmp(q, "TRUST_", 6)) {
			status_field(q + 6, 0, &word);
			if ((trust = fq_sign_trust_level(word.buf)) < 0)
				bad_trust = 1;
		}
	}
	fq_buf_reset(&r->signer);
	if (nsigs > 1) {
		set_result(r, FQ_SIGN_ERROR, "more than one signature");
	} else if (bad_trust) {
		set_result(r, FQ_SIGN_ERROR, NULL);
		fq_buf_addf(&r->detail, "gpg gave an unknown trust level "
			"'%s'", word.buf);
	} else if (!mark) {
		set_result(r, FQ_SIGN_ERROR, "gpg found no signature in it");
	} else if (mark == 'E') {
		set_result(r, nopub || !strcmp(rc.buf, "9") ?
			FQ_SIGN_UNKNOWN : FQ_SIGN_ERROR, NULL);
		if (r->status == FQ_SIGN_UNKNOWN)
			fq_buf_addf(&r->detail, "key %s is not in gpg's "
				"keyring", key.buf);
		else
			fq_buf_addf(&r->detail, "gpg cannot check it: error "
				"%s, key %s", rc.len ? rc.buf : "?", key.buf);
	} else if ((mark == 'G' || mark == 'Y') && trust < min_trust) {
		set_result(r, FQ_SIGN_UNKNOWN, NULL);
		fq_buf_addf(&r->detail, "key %s, %s: trust %s, below "
			"gpg.minTrustLevel %s", key.buf, uid.buf,
			trust_levels[trust], trust_levels[min_trust]);
	} else if (mark == 'G' || mark == 'Y') {
		set_result(r, mark == 'G' ? FQ_SIGN_GOOD : FQ_SIGN_EXPIRED_KEY,
			NULL);
		fq_buf_add(&r->signer, uid.len ? uid.buf : key.buf,
			uid.len ? uid.len : key.len);
		if (mark == 'Y')
			fq_buf_addf(&r->detail, "key %s, %s", key.buf,
				uid.buf);
	} else {
		set_result(r, mark == 'B' ? FQ_SIGN_BAD : mark == 'X' ?
			FQ_SIGN_EXPIRED : FQ_SIGN_REVOKED, NULL);
		fq_buf_addf(&r->detail, "key %s, %s", key.buf, uid.buf);
	}
	fq_buf_release(&key);
	fq_buf_release(&uid);
	fq_buf_release(&rc);
	fq_buf_release(&word);
}

/* gpg.minTrustLevel, or the error that it is no level. */
static int
min_trust(const struct sign_conf *c, struct fq_error *err)
{
	int t;

	if (!c->mintrust)
		return 0;	/* undefined: git's default but for merges */
	if ((t = fq_sign_trust_level(c->mintrust)) < 0)
		return fq_error_set(err, FQ_ERROR, "gpg.minTrustLevel: not a "
			"trust level: '%s' (undefined, never, marginal, "
			"fully, ultimate)", c->mintrust);
	return t;
}

static int
gpg_verify(const struct sign_conf *c, const char *data, size_t len,
	const char *sig, size_t siglen, struct fq_sign_result *r,
	struct fq_error *err)
{
	struct fq_buf out = FQ_BUF_INIT, errs = FQ_BUF_INIT;
	char fdpath[32];
	char *argv[] = { c->gpg, "--keyid-format=long", "--status-fd=1",
		"--verify", fdpath, "-", NULL };
	int status = 0, trust, ret = FQ_OK;

	if ((trust = min_trust(c, err)) < 0)
		return trust;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", SIG_FD);
	if (run(argv, data, len, sig, siglen, &out, &errs, &status) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot run %s: %s", c->gpg,
			strerror(errno));
	} else if (!out.len && status) {
		last_said(errs.buf, &out);
		ret = fq_error_set(err, FQ_ERROR, "%s failed: %s", c->gpg,
			out.buf);
	} else {
		fq_sign_gpg_status(out.buf, trust, r);
		/* as git: a good signature needs gpg's exit 0 as well */
		if (status && (r->status == FQ_SIGN_GOOD ||
		    r->status == FQ_SIGN_EXPIRED_KEY)) {
			fq_buf_reset(&r->signer);
			set_result(r, FQ_SIGN_ERROR, NULL);
			fq_buf_addf(&r->detail, "%s said the signature is good "
				"but exited %d", c->gpg, status);
		}
	}
	fq_buf_release(&out);
	fq_buf_release(&errs);
	return ret;
}

static int
verify_one(git_repository *repo, const struct sign_conf *c,
	const git_oid *id, git_time_t when, struct fq_sign_result *r,
	struct fq_error *err)
{
	git_buf sig = { 0 }, data = { 0 };
	int ret = FQ_OK;

	fq_buf_reset(&r->signer);
	fq_buf_reset(&r->detail);
	if (git_commit_extract_signature(&sig, &data, repo, (git_oid *)id,
	    NULL) < 0) {
		git_error_clear();
		set_result(r, FQ_SIGN_NONE, NULL);
		goto out;
	}
	if (!strncmp(sig.ptr, SSH_ARMOR, strlen(SSH_ARMOR)))
		ret = ssh_verify(c, data.ptr, data.size, sig.ptr, sig.size,
			when, r, err);
	else if (!strncmp(sig.ptr, PGP_ARMOR, strlen(PGP_ARMOR)) ||
	    !strncmp(sig.ptr, PGP_MESSAGE, strlen(PGP_MESSAGE)))
		ret = gpg_verify(c, data.ptr, data.size, sig.ptr, sig.size,
			r, err);
	else
		set_result(r, FQ_SIGN_UNKNOWN, !strncmp(sig.ptr, X509_ARMOR,
			strlen(X509_ARMOR)) ? "an X.509 signature (fq checks "
			"OpenPGP and SSH signatures)" :
			"a signature fq does not know");
out:
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
	return ret;
}

int
fq_sign_verify(fq_store *s, const char *commit, struct fq_sign_result *r,
	struct fq_error *err)
{
	git_repository *repo = fq_store_git(s);
	git_commit *c = NULL;
	struct sign_conf conf;
	git_oid id;
	int ret;

	if (git_oid_fromstr(&id, commit) < 0 ||
	    git_commit_lookup(&c, repo, &id) < 0)
		return fq_git_fail(err, "cannot read commit %s", commit);
	if ((ret = sign_conf_load(repo, &conf, err)) == FQ_OK)
		ret = verify_one(repo, &conf, &id,
			git_commit_committer(c)->when.time, r, err);
	sign_conf_release(&conf);
	git_commit_free(c);
	return ret;
}

/* The walk: HEAD, less what since reaches. */
static int
walk_new(git_repository *repo, const char *since, git_revwalk **out,
	struct fq_error *err)
{
	git_object *o = NULL;
	git_revwalk *w = NULL;
	int r;

	*out = NULL;
	if (git_revwalk_new(&w, repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0)
		return fq_git_fail(err, "cannot walk the history");
	r = git_revwalk_push_head(w);
	if (r == GIT_ENOTFOUND || r == GIT_EUNBORNBRANCH) {
		git_error_clear();
		*out = w;
		return FQ_OK;
	}
	if (r < 0) {
		git_revwalk_free(w);
		return fq_git_fail(err, "cannot walk the history");
	}
	if (since) {
		if (git_revparse_single(&o, repo, since) < 0) {
			git_error_clear();
			git_revwalk_free(w);
			return fq_error_set(err, FQ_EUSAGE, "--since: not a "
				"revision: '%s'", since);
		}
		r = git_revwalk_hide(w, git_object_id(o));
		git_object_free(o);
		if (r < 0) {
			git_revwalk_free(w);
			return fq_error_set(err, FQ_EUSAGE, "--since: not a "
				"commit: '%s'", since);
		}
	}
	*out = w;
	return FQ_OK;
}

int
fq_sign_verify_all(fq_store *s, const char *since, fq_sign_each_fn fn,
	void *data, size_t *count, struct fq_error *err)
{
	git_repository *repo = fq_store_git(s);
	git_revwalk *w = NULL;
	git_commit *c = NULL;
	struct sign_conf conf;
	struct fq_sign_result res;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	int r, ret;

	*count = 0;
	fq_sign_result_init(&res);
	if ((ret = sign_conf_load(repo, &conf, err)) < 0)
		goto out;
	conf.need_allowed = true;
	if ((ret = min_trust(&conf, err)) < 0)
		goto out;
	ret = FQ_OK;
	if (conf.allowed && access(conf.allowed, R_OK) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot verify signatures: "
			"gpg.ssh.allowedSignersFile '%s': %s", conf.allowed,
			strerror(errno));
		goto out;
	}
	if ((ret = walk_new(repo, since, &w, err)) < 0)
		goto out;
	while ((r = git_revwalk_next(&id, w)) == 0) {
		const git_signature *au;
		struct fq_sign_commit sc;

		if (git_commit_lookup(&c, repo, &id) < 0) {
			ret = fq_git_fail(err, "cannot read commit %s",
				git_oid_tostr(hex, sizeof(hex), &id));
			goto out;
		}
		if ((ret = verify_one(repo, &conf, &id,
		    git_commit_committer(c)->when.time, &res, err)) < 0)
			goto out;
		au = git_commit_author(c);
		sc.id = git_oid_tostr(hex, sizeof(hex), &id);
		sc.author = au->name;
		sc.email = au->email;
		sc.when = (long long)au->when.time;
		sc.offset = au->when.offset;
		sc.summary = git_commit_summary(c) ? git_commit_summary(c) : "";
		sc.result = &res;
		(*count)++;
		if ((ret = fn(&sc, data)))
			goto out;
		git_commit_free(c);
		c = NULL;
	}
	if (r != GIT_ITEROVER)
		ret = fq_git_fail(err, "cannot walk the history");
out:
	git_commit_free(c);
	git_revwalk_free(w);
	sign_conf_release(&conf);
	fq_sign_result_release(&res);
	return ret;
}
