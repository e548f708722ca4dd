/*
 * check_sign.c: the one way libfq makes a commit (fq_commit_create,
 * lib/sign.c): unsigned as git_commit_create() makes it; signed with an
 * SSH key when git's configuration names one, the ref moved only from the
 * first parent; a failed signature moves nothing; fq_sign_verify() tells
 * good from unsigned and tampered.  The signing tests need ssh-keygen
 * (Debian: openssh-client) and are skipped without it.  gpg's status
 * lines are read as git reads them (fq_sign_gpg_status, from canned
 * output: no gpg needed).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "fq/sign.h"
#include "sign_git.h"
#include "store_git.h"

Suite *fq_sign_suite(void);

static char *tmp, *repo, *key;
static fq_store *st;

static void
setup(void)
{
	char *gitconf;

	tmp = fq_test_tmpdir();
	repo = fq_test_path(tmp, "repo");
	key = fq_test_path(tmp, "key");
	gitconf = fq_test_path(tmp, "gitconfig");
	ck_assert_int_eq(mkdir(gitconf, 0700), 0);
	fq_test_git_isolate(gitconf);
	free(gitconf);
	st = fq_test_store_new(repo);
}

static void
teardown(void)
{
	fq_store_free(st);
	fq_test_rmtree(tmp);
	free(repo);
	free(key);
	free(tmp);
	st = NULL;
	repo = key = tmp = NULL;
}

static void
set_config(const char *name, const char *value)
{
	git_config *cfg = NULL;

	ck_assert_int_eq(git_repository_config(&cfg, fq_store_git(st)), 0);
	ck_assert_int_eq(git_config_set_string(cfg, name, value), 0);
	git_config_free(cfg);
}

/* An ed25519 key at key, an allowed signers file, the repository set to
 * sign with it; false without ssh-keygen. */
static int
use_key(void)
{
	char cmd[1024], *allowed = fq_test_path(tmp, "allowed");

	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t ed25519 -N '' -C t "
		"-f '%s' >/dev/null 2>&1 && printf 'li@example.org ' >'%s' && "
		"cat '%s.pub' >>'%s'", key, allowed, key, allowed);
	if (system(cmd) != 0) {
		free(allowed);
		return 0;
	}
	set_config("gpg.format", "ssh");
	set_config("user.signingKey", key);
	set_config("gpg.ssh.allowedSignersFile", allowed);
	free(allowed);
	return 1;
}

/* A commit of HEAD's tree on parent (NULL: HEAD). */
static int
commit_on(git_oid *out, const char *update_ref, const git_oid *parent,
	struct fq_error *err)
{
	git_repository *r = fq_store_git(st);
	git_commit *p = NULL;
	git_tree *t = NULL;
	git_signature *sig = NULL;
	git_oid head;
	const git_commit *parents[1];
	int ret;

	ck_assert_int_eq(git_reference_name_to_id(&head, r, "HEAD"), 0);
	ck_assert_int_eq(git_commit_lookup(&p, r, parent ? parent : &head), 0);
	ck_assert_int_eq(git_commit_tree(&t, p), 0);
	ck_assert_int_eq(git_signature_new(&sig, "李调解", "li@example.org",
		1710900000, 480), 0);
	parents[0] = p;
	ret = fq_commit_create(out, r, update_ref, sig, "fq-note: test\n", t,
		1, parents, err);
	git_signature_free(sig);
	git_tree_free(t);
	git_commit_free(p);
	return ret;
}

static void
head_id(git_oid *out)
{
	ck_assert_int_eq(git_reference_name_to_id(out, fq_store_git(st),
		"HEAD"), 0);
}

START_TEST(test_unsigned_as_libgit2)
{
	struct fq_error err = FQ_ERROR_INIT;
	git_buf sig = { 0 }, data = { 0 };
	git_oid before, id, now;

	head_id(&before);
	ck_assert(!fq_sign_enabled(st));
	ck_assert_int_eq(commit_on(&id, "HEAD", NULL, &err), FQ_OK);
	head_id(&now);
	ck_assert(git_oid_equal(&id, &now));
	ck_assert_int_eq(git_commit_extract_signature(&sig, &data,
		fq_store_git(st), &id, NULL), GIT_ENOTFOUND);
	git_error_clear();
	/* from a parent that is no longer the tip: refused */
	ck_assert_int_lt(commit_on(&id, "HEAD", &before, &err), 0);
	head_id(&id);
	ck_assert(git_oid_equal(&id, &now));
}
END_TEST

START_TEST(test_signed_and_verified)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_sign_result r;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid before, id, now;

	if (!use_key())
		return;		/* no ssh-keygen: nothing to check */
	ck_assert(fq_sign_enabled(st));
	head_id(&before);
	ck_assert_int_eq(commit_on(&id, "HEAD", NULL, &err), FQ_OK);
	head_id(&now);
	ck_assert_msg(git_oid_equal(&id, &now), "HEAD did not move");
	fq_sign_result_init(&r);
	ck_assert_int_eq(fq_sign_verify(st, git_oid_tostr(hex, sizeof(hex),
		&id), &r, &err), FQ_OK);
	ck_assert_int_eq(r.status, FQ_SIGN_GOOD);
	ck_assert_str_eq(r.signer.buf, "li@example.org");
	/* the first commit (fq init, before the key) is unsigned */
	ck_assert_int_eq(fq_sign_verify(st, git_oid_tostr(hex, sizeof(hex),
		&before), &r, &err), FQ_OK);
	ck_assert_int_eq(r.status, FQ_SIGN_NONE);
	/* signed, but from a parent that is no longer the tip: no move */
	ck_assert_int_lt(commit_on(&id, "HEAD", &before, &err), 0);
	head_id(&id);
	ck_assert(git_oid_equal(&id, &now));
	/* no ref to move (a merge of fq sync): HEAD stays */
	ck_assert_int_eq(commit_on(&id, NULL, NULL, &err), FQ_OK);
	head_id(&now);
	ck_assert(!git_oid_equal(&id, &now));
	fq_sign_result_release(&r);
}
END_TEST

START_TEST(test_failed_signature_moves_nothing)
{
	struct fq_error err = FQ_ERROR_INIT;
	git_oid before, id, now;

	if (!use_key())
		return;
	head_id(&before);
	set_config("user.signingKey", "/nonexistent/key");
	ck_assert_int_lt(commit_on(&id, "HEAD", NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, "user.signingKey") != NULL, "%s",
		err.msg);
	head_id(&now);
	ck_assert(git_oid_equal(&before, &now));
	set_config("user.signingKey", key);
	set_config("gpg.ssh.program", "false");
	ck_assert_int_lt(commit_on(&id, "HEAD", NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, "false failed") != NULL, "%s", err.msg);
	head_id(&now);
	ck_assert(git_oid_equal(&before, &now));
	/* commit.gpgSign false: unsigned, whatever the key */
	set_config("commit.gpgSign", "false");
	ck_assert(!fq_sign_enabled(st));
	ck_assert_int_eq(commit_on(&id, "HEAD", NULL, &err), FQ_OK);
}
END_TEST

/* What fq makes of gpg's status output text with gpg.minTrustLevel min. */
static enum fq_sign_status
gpg_says(const char *text, int min, struct fq_sign_result *r)
{
	fq_sign_result_init(r);
	fq_sign_gpg_status(text, min, r);
	return r->status;
}

#define NEWSIG "[GNUPG:] NEWSIG\n[GNUPG:] KEY_CONSIDERED 0123 0\n" \
	"gpg: Signature made Wed Dec  2 06:00:00 2026 UTC\n"
#define VALIDSIG "[GNUPG:] VALIDSIG BE785DB4 2026-12-02 1796192930 0 4 0 " \
	"22 8 00 BE785DB4\n"

START_TEST(test_gpg_status)
{
	struct fq_sign_result r;

	/* GOODSIG: the user ID is the signer, trust at least undefined */
	ck_assert_int_eq(gpg_says(NEWSIG "[GNUPG:] GOODSIG 69B411660A2CB27C "
		"Clerk <clerk@example.org>\n" VALIDSIG
		"[GNUPG:] TRUST_ULTIMATE 0 pgp\n", 0, &r), FQ_SIGN_GOOD);
	ck_assert_str_eq(r.signer.buf, "Clerk <clerk@example.org>");
	fq_sign_result_release(&r);
	/* TRUST_NEVER is above undefined: git's default takes it */
	ck_assert_int_eq(gpg_says(NEWSIG "[GNUPG:] GOODSIG 69B4 A <a@b>\n"
		"[GNUPG:] TRUST_NEVER 0 pgp\n", 0, &r), FQ_SIGN_GOOD);
	fq_sign_result_release(&r);
	/* ... not gpg.minTrustLevel marginal (2); gpg v1: no more words */
	ck_assert_int_eq(gpg_says(NEWSIG "[GNUPG:] GOODSIG 69B4 A <a@b>\n"
		"[GNUPG:] TRUST_NEVER\n", 2, &r), FQ_SIGN_UNKNOWN);
	ck_assert_msg(strstr(r.detail.buf, "trust never, below "
		"gpg.minTrustLevel marginal") != NULL, "%s", r.detail.buf);
	ck_assert_str_eq(r.signer.buf, "");
	fq_sign_result_release(&r);
	/* no TRUST_ line: undefined */
	ck_assert_int_eq(gpg_says("[GNUPG:] GOODSIG 69B4 A <a@b>", 1, &r),
		FQ_SIGN_UNKNOWN);
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] GOODSIG 69B4 A <a@b>\n"
		"[GNUPG:] TRUST_FULLY 0 pgp\n", 3, &r), FQ_SIGN_GOOD);
	fq_sign_result_release(&r);
	/* a trust level gpg never had: cannot be checked */
	ck_assert_int_eq(gpg_says("[GNUPG:] GOODSIG 69B4 A <a@b>\n"
		"[GNUPG:] TRUST_SOMEWHAT 0 pgp\n", 0, &r), FQ_SIGN_ERROR);
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says(NEWSIG "[GNUPG:] BADSIG 69B411660A2CB27C "
		"Clerk <clerk@example.org>\n", 0, &r), FQ_SIGN_BAD);
	ck_assert_str_eq(r.detail.buf,
		"key 69B411660A2CB27C, Clerk <clerk@example.org>");
	fq_sign_result_release(&r);
	/* ERRSIG and NO_PUBKEY: an unknown signer; other errors: E */
	ck_assert_int_eq(gpg_says(NEWSIG "[GNUPG:] ERRSIG 1234567890ABCDEF "
		"22 8 00 1796192930 9 -\n[GNUPG:] NO_PUBKEY 1234567890ABCDEF\n",
		0, &r), FQ_SIGN_UNKNOWN);
	ck_assert_str_eq(r.detail.buf,
		"key 1234567890ABCDEF is not in gpg's keyring");
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] ERRSIG 1234567890ABCDEF 99 8 00 "
		"1796192930 4 -\n", 0, &r), FQ_SIGN_ERROR);
	ck_assert_str_eq(r.detail.buf,
		"gpg cannot check it: error 4, key 1234567890ABCDEF");
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] EXPSIG 69B4 A <a@b>\n"
		"[GNUPG:] TRUST_ULTIMATE 0 pgp\n", 0, &r), FQ_SIGN_EXPIRED);
	ck_assert(!fq_sign_status_ok(r.status));
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] KEYEXPIRED 1796193120\n"
		"[GNUPG:] EXPKEYSIG 2F35 Old <old@example.org>\n" VALIDSIG, 0,
		&r), FQ_SIGN_EXPIRED_KEY);
	ck_assert(fq_sign_status_ok(r.status));
	ck_assert_str_eq(r.signer.buf, "Old <old@example.org>");
	ck_assert_int_eq(fq_sign_status_mark(r.status), 'Y');
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] REVKEYSIG 69B4 A <a@b>\n", 0,
		&r), FQ_SIGN_REVOKED);
	ck_assert_int_eq(fq_sign_status_mark(r.status), 'R');
	fq_sign_result_release(&r);
	/* two signatures: refused, as git refuses them */
	ck_assert_int_eq(gpg_says("[GNUPG:] GOODSIG 69B4 A <a@b>\n"
		"[GNUPG:] GOODSIG 77CC B <b@c>\n", 0, &r), FQ_SIGN_ERROR);
	ck_assert_str_eq(r.detail.buf, "more than one signature");
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("[GNUPG:] BADSIG 69B4 A <a@b>\n"
		"[GNUPG:] GOODSIG 69B4 A <a@b>\n", 0, &r), FQ_SIGN_ERROR);
	fq_sign_result_release(&r);
	/* nothing gpg recognized; and what gpg says to people is not read */
	ck_assert_int_eq(gpg_says("[GNUPG:] NODATA 4\n", 0, &r), FQ_SIGN_ERROR);
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("gpg: Good signature from \"A\"\n"
		"GOODSIG 69B4 A\n [GNUPG:] GOODSIG 69B4 A\n", 0, &r),
		FQ_SIGN_ERROR);
	fq_sign_result_release(&r);
	ck_assert_int_eq(gpg_says("", 0, &r), FQ_SIGN_ERROR);
	fq_sign_result_release(&r);
}
END_TEST

START_TEST(test_trust_levels_and_marks)
{
	ck_assert_int_eq(fq_sign_trust_level("undefined"), 0);
	ck_assert_int_eq(fq_sign_trust_level("Never"), 1);
	ck_assert_int_eq(fq_sign_trust_level("MARGINAL"), 2);
	ck_assert_int_eq(fq_sign_trust_level("fully"), 3);
	ck_assert_int_eq(fq_sign_trust_level("ultimate"), 4);
	ck_assert_int_eq(fq_sign_trust_level("full"), -1);
	ck_assert_int_eq(fq_sign_trust_level(""), -1);
	ck_assert_int_eq(fq_sign_trust_level(NULL), -1);
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_GOOD), 'G');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_NONE), 'N');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_BAD), 'B');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_UNKNOWN), 'U');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_EXPIRED), 'X');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_EXPIRED_KEY), 'Y');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_REVOKED), 'R');
	ck_assert_int_eq(fq_sign_status_mark(FQ_SIGN_ERROR), 'E');
	ck_assert_str_eq(fq_sign_status_name(FQ_SIGN_ERROR),
		"cannot be checked");
	ck_assert(fq_sign_status_ok(FQ_SIGN_GOOD));
	ck_assert(!fq_sign_status_ok(FQ_SIGN_UNKNOWN));
	ck_assert(!fq_sign_status_ok(FQ_SIGN_REVOKED));
}
END_TEST

Suite *
fq_sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("commit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unsigned_as_libgit2);
	tcase_add_test(tc, test_signed_and_verified);
	tcase_add_test(tc, test_failed_signature_moves_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("gpg status");
	tcase_add_test(tc, test_gpg_status);
	tcase_add_test(tc, test_trust_levels_and_marks);
	suite_add_tcase(s, tc);
	return s;
}
