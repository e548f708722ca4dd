/*
 * check_gitindex.c: git's index spliced by lib/gitindex.c.
 *
 * Commits through fq_store_commit() that add, change and remove entries
 * at the start, the middle and the end of the index, one or several at a
 * time, in index versions 2 and 4; after each, the git command line must
 * agree: nothing staged, status clean, the cache tree right, ls-files
 * equal to HEAD.  And the cases the splice must leave to libgit2 (a file
 * where a directory goes, a conflict), tell before the commit (a busy
 * index.lock), or take over (its own lock, left by a killed writer).
 */
#define _GNU_SOURCE		/* statx */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fq/buf.h"
#include "fq/store.h"
#include "fixture.h"
#include "gitindex.h"

#define CASE1 "cases/2024/03/QSZ-2024-000001.yaml"

Suite *fq_gitindex_suite(void);

static char *tmp, *repo;

static void
setup(void)
{
	char *gitconf;

	tmp = fq_test_tmpdir();
	repo = fq_test_path(tmp, "repo");
	gitconf = fq_test_path(tmp, "gitconfig");
	ck_assert_int_eq(mkdir(gitconf, 0700), 0);
	fq_test_git_isolate(gitconf);
	free(gitconf);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
}

static void
teardown(void)
{
	fq_test_rmtree(tmp);
	free(repo);
	free(tmp);
	repo = tmp = NULL;
}

/* The output of a git command in the repository, trailing newline cut. */
static char *
git(const char *args)
{
	struct fq_buf cmd = FQ_BUF_INIT, out = FQ_BUF_INIT;
	char buf[4096];
	size_t n;
	FILE *p;

	fq_buf_addf(&cmd, "git -C '%s' -c user.name=t -c user.email=t@x %s "
		"2>&1", repo, args);
	p = popen(cmd.buf, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fq_buf_add(&out, buf, n);
	ck_assert_int_eq(pclose(p), 0);
	while (out.len && out.buf[out.len - 1] == '\n')
		fq_buf_setlen(&out, out.len - 1);
	fq_buf_release(&cmd);
	return fq_buf_detach(&out, NULL);
}

static void
git_is(const char *args, const char *want)
{
	char *got = git(args);

	ck_assert_msg(!strcmp(got, want), "git %s: got '%s', want '%s'", args,
		got, want);
	free(got);
}

/* The index agrees with HEAD, and the splice did it (its cache). */
static void
check_index(const char *when, bool spliced)
{
	char *tree = git("write-tree"), *head = git("rev-parse 'HEAD^{tree}'");
	char *ls = git("ls-files -s | awk '{ print $1, $2, $4 }'");
	char *lt = git("ls-tree -r HEAD | awk '{ print $1, $3, $4 }'");
	char *cache = fq_test_path(repo, ".git/fq/gitindex");

	git_is("status --porcelain --untracked-files=no", "");
	git_is("diff --cached --name-only", "");
	ck_assert_msg(!strcmp(tree, head), "%s: write-tree %s, HEAD %s", when,
		tree, head);
	ck_assert_msg(!strcmp(ls, lt), "%s: ls-files\n%s\nls-tree\n%s", when,
		ls, lt);
	free(git("fsck --no-progress"));
	ck_assert_msg(fq_test_exists(cache) == spliced, "%s: %s", when,
		spliced ? "not spliced" : "spliced");
	unlink(cache);
	free(tree);
	free(head);
	free(ls);
	free(lt);
	free(cache);
}

static void
commit(fq_store *s, const struct fq_change *ch, size_t n)
{
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_msg(fq_store_commit(s, ch, n, "test", NULL, &err) == FQ_OK,
		"%s", err.msg);
}

static fq_store *
store_with_index(int version)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = fq_test_store_new(repo);
	char args[64];

	ck_assert_msg(fq_store_lock(s, 0, &err) == FQ_OK, "%s", err.msg);
	snprintf(args, sizeof(args), "update-index --index-version %d",
		version);
	free(git(args));
	return s;
}

/* Add, change, remove at the start, middle and end; one and several. */
START_TEST(test_gitindex_splices)
{
	static const int versions[] = { 2, 4 };
	fq_store *s = store_with_index(versions[_i]);
	struct fq_change a = { "a.txt", "first\n", 6 };
	struct fq_change z = { "zz.txt", "last\n", 5 };
	struct fq_change m = { "cases/2024/03/QSZ-2024-000001.yaml",
		"id: QSZ-2024-000001\n", 20 };
	struct fq_change many[4] = {
		{ "cases/2024/03/QSZ-2024-000002.yaml", "two\n", 4 },
		{ "cases/2024/01/QSZ-2024-000003.yaml", "three\n", 6 },
		{ "cases/2024/03/QSZ-2024-000001.yaml", NULL, 0 },
		{ "cases/2023/12/QSZ-2023-000009.yaml", "nine\n", 5 },
	};
	struct fq_change gone[2] = {
		{ "zz.txt", NULL, 0 }, { "a.txt", NULL, 0 },
	};
	struct fq_change none = { "cases/2024/05/none.yaml", NULL, 0 };

	commit(s, &m, 1);
	check_index("a new entry in the middle", true);
	commit(s, &a, 1);
	check_index("a new first entry", true);
	commit(s, &z, 1);
	check_index("a new last entry", true);
	m.data = "id: QSZ-2024-000001\nstatus: accepted\n";
	m.len = strlen(m.data);
	commit(s, &m, 1);
	check_index("a changed entry", true);
	free(git("status"));	/* git writes the index: no cache then */
	a.data = "first, changed\n";
	a.len = strlen(a.data);
	commit(s, &a, 1);
	check_index("the first entry changed, after git", true);
	commit(s, many, 4);
	check_index("three added and one removed", true);
	git_is("ls-files cases/2024/03", "cases/2024/03/QSZ-2024-000002.yaml");
	commit(s, gone, 2);
	check_index("the first and the last removed", true);
	git_is("ls-files a.txt zz.txt", "");
	commit(s, &none, 1);
	check_index("removing what is not there", true);
	{
		char *path = fq_test_path(repo, ".git/index");
		char *index = fq_test_read_file(path);

		ck_assert_ptr_nonnull(index);
		ck_assert_int_eq(index[7], versions[_i]);
		free(index);
		free(path);
	}
	fq_store_free(s);
}
END_TEST

/* A file where the new entry's directory goes: libgit2's to sort out. */
START_TEST(test_gitindex_file_directory)
{
	fq_store *s = store_with_index(2);
	struct fq_change ch = { CASE1, "x\n", 2 };
	struct fq_error err = FQ_ERROR_INIT;
	char *blob = git("hash-object -w --stdin </dev/null"), args[256];
	struct fq_gitindex_change gc = { CASE1,
		(const unsigned char *)"01234567890123456789", NULL };
	char *gitdir = fq_test_path(repo, ".git");
	fq_gitindex *gi = NULL;

	snprintf(args, sizeof(args), "update-index --add --cacheinfo "
		"100644,%s,cases/2024", blob);
	free(git(args));
	{
		char *d = fq_test_path(repo, "cases/2024");
		char *m = fq_test_path(repo, "cases/2024/03");
		char *f = fq_test_path(repo, CASE1);

		ck_assert_int_eq(mkdir(d, 0700), 0);
		ck_assert_int_eq(mkdir(m, 0700), 0);
		fq_test_write_file(f, "x\n");
		free(d);
		free(m);
		free(f);
	}
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, NULL, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_gitindex_plan(gi, repo, NULL, &gc, 1, &err), 0);
	fq_gitindex_free(gi);
	commit(s, &ch, 1);	/* through libgit2 */
	git_is("ls-files cases", "cases/.keep\n" CASE1);
	free(blob);
	free(gitdir);
	fq_store_free(s);
}
END_TEST

/* A conflict at the path: left to libgit2. */
START_TEST(test_gitindex_conflict)
{
	fq_store *s = store_with_index(2);
	struct fq_change ch = { "x.txt", "x\n", 2 };
	struct fq_gitindex_change gc = { "x.txt",
		(const unsigned char *)"01234567890123456789", NULL };
	struct fq_error err = FQ_ERROR_INIT;
	char *gitdir = fq_test_path(repo, ".git");
	char *blob, args[512];
	fq_gitindex *gi = NULL;

	commit(s, &ch, 1);
	blob = git("rev-parse HEAD:x.txt");
	{
		char *info = fq_test_path(tmp, "info"), data[256];

		snprintf(data, sizeof(data), "0 %s\tx.txt\n100644 %s 1\tx.txt\n"
			"100644 %s 2\tx.txt\n", blob, blob, blob);
		fq_test_write_file(info, data);
		snprintf(args, sizeof(args), "update-index --index-info <'%s'",
			info);
		free(git(args));
		free(info);
	}
	git_is("ls-files --stage x.txt | awk '{ print $3 }'", "1\n2");
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, NULL, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_gitindex_plan(gi, repo, NULL, &gc, 1, &err), 0);
	fq_gitindex_free(gi);
	free(blob);
	free(gitdir);
	fq_store_free(s);
}
END_TEST

/* n bulk changes (FQ_BULK_CHANGES and more): path i is
 * cases/<year>/<month>/QSZ-<year>-<i>.yaml, its text v<gen> i. */
#define NBULK 150

static void
bulk_change(struct fq_change *c, char (*path)[64], char (*text)[32],
	size_t i, int year, int month, int gen)
{
	snprintf(*path, sizeof(*path), "cases/%d/%02d/QSZ-%d-%06zu.yaml",
		year, month, year, i);
	snprintf(*text, sizeof(*text), "v%d %zu\n", gen, i);
	c->path = *path;
	c->data = gen ? *text : NULL;
	c->len = gen ? strlen(*text) : 0;
}

/* A bulk commit's index, merged in one pass: into an index that has
 * entries already (before, between and after the new ones), with files
 * changed, removed and added in directories that exist and that do not. */
START_TEST(test_gitindex_bulk)
{
	static const int versions[] = { 2, 4 };
	fq_store *s = store_with_index(versions[_i]);
	static struct fq_change ch[NBULK];
	static char path[NBULK][64], text[NBULK][32];
	struct fq_change a = { "a.txt", "first\n", 6 };
	struct fq_change z = { "zz.txt", "last\n", 5 };
	char *count, *before;
	size_t i, n = 0;

	commit(s, &a, 1);
	commit(s, &z, 1);
	for (i = 0; i < 100; i++, n++)
		bulk_change(&ch[n], &path[n], &text[n], i, 2024,
			1 + (int)(i % 3), 1);
	commit(s, ch, n);
	check_index("100 new files in three new directories", true);
	n = 0;
	for (i = 0; i < 100; i += 2, n++)	/* 50 changed, 25 removed */
		bulk_change(&ch[n], &path[n], &text[n], i, 2024,
			1 + (int)(i % 3), i % 4 ? 2 : 0);
	for (i = 100; i < 200; i++, n++)	/* 100 added, half new dirs */
		bulk_change(&ch[n], &path[n], &text[n], i, i % 2 ? 2025 : 2024,
			1 + (int)(i % 3), 1);
	before = git("ls-files | wc -l");
	commit(s, ch, n);
	check_index("changed, removed and added among old entries", true);
	count = git("ls-files | wc -l");
	ck_assert_int_eq(atoi(count), atoi(before) - 25 + 100);
	free(count);
	free(before);
	git_is("ls-files cases/2024/01/QSZ-2024-000000.yaml", "");
	git_is("cat-file -p :cases/2024/02/QSZ-2024-000010.yaml", "v2 10");
	git_is("ls-files a.txt zz.txt", "a.txt\nzz.txt");
	fq_store_free(s);
}
END_TEST

/* In a bulk plan, an old file where a change's directory goes, or an old
 * directory where a change's file goes: libgit2's (plan says 0). */
START_TEST(test_gitindex_bulk_file_directory)
{
	static const char *old[] = { "cases/2024/05", "cases/2024/07/x/y" };
	static const char *clash[] = { "cases/2024/05/QSZ-2024-000001.yaml",
		"cases/2024/07/x" };
	fq_store *s = store_with_index(2);
	static struct fq_gitindex_change gc[NBULK];
	static char path[NBULK][64];
	struct fq_error err = FQ_ERROR_INIT;
	char *blob = git("hash-object -w --stdin </dev/null"), args[256];
	char *gitdir = fq_test_path(repo, ".git");
	fq_gitindex *gi = NULL;
	size_t i;

	snprintf(args, sizeof(args), "update-index --add --cacheinfo "
		"100644,%s,%s", blob, old[_i]);
	free(git(args));
	for (i = 0; i < NBULK; i++) {
		static const struct fq_gitindex_stat st = { 1, 0, 1, 0, 1, 1, 0,
			0, 2 };

		snprintf(path[i], sizeof(path[i]), "cases/2024/06/%03zu.yaml",
			i);
		gc[i].path = i == NBULK / 2 ? clash[_i] : path[i];
		gc[i].id = (const unsigned char *)"01234567890123456789";
		gc[i].st = &st;
	}
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, NULL, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_gitindex_plan(gi, repo, NULL, gc, NBULK, &err), 0);
	fq_gitindex_free(gi);
	/* without the clash, the same plan is ready */
	gc[NBULK / 2].path = path[NBULK / 2];
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, NULL, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_gitindex_plan(gi, repo, NULL, gc, NBULK, &err), 1);
	fq_gitindex_free(gi);
	free(blob);
	free(gitdir);
	fq_store_free(s);
}
END_TEST

/* Another's index.lock is waited for, then refused; fq's own stale one
 * (its owner file names it) is taken over. */
START_TEST(test_gitindex_lock)
{
	fq_store *s = store_with_index(2);
	struct fq_error err = FQ_ERROR_INIT;
	char *gitdir = fq_test_path(repo, ".git");
	char *lock = fq_test_path(repo, ".git/index.lock");
	char *owner = fq_test_path(tmp, "owner");
	fq_gitindex *gi = NULL, *gi2 = NULL;
	struct fq_change ch = { "x.txt", "x\n", 2 };

	fq_test_write_file(lock, "");
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, owner, 50, &err),
		FQ_ELOCKED);
	ck_assert_ptr_null(gi);
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "test", NULL, &err),
		FQ_ELOCKED);
	git_is("ls-files x.txt", "");
	unlink(lock);

	/* a lock of our own, its holder gone (never freed here) */
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, owner, 0, &err), FQ_OK);
	ck_assert(fq_test_exists(owner));
	ck_assert_int_eq(fq_gitindex_lock(&gi2, gitdir, owner, 0, &err),
		FQ_OK);
	fq_gitindex_free(gi2);
	ck_assert(!fq_test_exists(lock));
	ck_assert(!fq_test_exists(owner));
	fq_gitindex_free(gi);

	/* ... still its own once the body was written into it (the thread
	 * writes it while the commit is made): on a file system with birth
	 * times, which this one is when statx says so */
	ck_assert_int_eq(fq_gitindex_lock(&gi, gitdir, owner, 0, &err), FQ_OK);
	{
		struct statx sx;

		if (statx(AT_FDCWD, lock, 0, STATX_BTIME, &sx) == 0 &&
		    (sx.stx_mask & STATX_BTIME)) {
			struct timespec ts = { 0, 20 * 1000000L };

			nanosleep(&ts, NULL);	/* a later change time */
			fq_test_write_file(lock, "DIRC body written");
			ck_assert_int_eq(fq_gitindex_lock(&gi2, gitdir, owner,
				0, &err), FQ_OK);
			fq_gitindex_free(gi2);
			ck_assert(!fq_test_exists(lock));
		}
	}
	fq_gitindex_free(gi);

	/* an owner file in the older form (the change time) is known too */
	{
		struct stat st;
		char id[128];

		fq_test_write_file(lock, "");
		ck_assert_int_eq(stat(lock, &st), 0);
		snprintf(id, sizeof(id), "%llu %llu %lld.%09ld\n",
			(unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino,
			(long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		fq_test_write_file(owner, id);
		ck_assert_int_eq(fq_gitindex_lock(&gi2, gitdir, owner, 0,
			&err), FQ_OK);
		fq_gitindex_free(gi2);
		ck_assert(!fq_test_exists(lock));

		/* and a lock made again after it (git's) is not taken */
		fq_test_write_file(owner, id);
		fq_test_write_file(lock, "");
		unlink(lock);
		{
			struct timespec ts = { 0, 20 * 1000000L };

			nanosleep(&ts, NULL);	/* a later change time */
		}
		fq_test_write_file(lock, "");
		ck_assert_int_eq(fq_gitindex_lock(&gi2, gitdir, owner, 0,
			&err), FQ_ELOCKED);
		fq_error_clear(&err);
		unlink(lock);
		unlink(owner);
	}
	free(gitdir);
	free(lock);
	free(owner);
	fq_store_free(s);
}
END_TEST

/*
 * The entry checkpoints (.git/fq/gitindex.steps): random change sets
 * planned with them and with every entry read give the same index, byte
 * for byte, and the same answer; changes at the start, the end, next to
 * checkpoints (small steps: many of them), removals, files where
 * directories are and the reverse, racily clean entries smudged, and the
 * checkpoint file missing, torn, corrupt or another index's.  Index
 * versions 2, 3 and 4.
 */
#define EQ_FILES	400
#define EQ_ROUNDS	150
#define EQ_MAX		(EQ_FILES + 4 * EQ_ROUNDS)

struct eq {
	char *paths[EQ_MAX];	/* in the index */
	size_t n;
	char *gitdir, *cache, *steps, *other;
	char *recent, *fresh;	/* a file as new as the index, maybe */
	size_t seg;
	struct fq_test_rnd r;
};

static void
eq_write(const char *rel, const char *data)
{
	char *f = fq_test_path(repo, rel), *d = strdup(f), *sl;

	for (sl = strchr(d + strlen(repo) + 1, '/'); sl; sl = strchr(sl + 1,
	    '/')) {
		*sl = '\0';
		(void)mkdir(d, 0700);
		*sl = '/';
	}
	fq_test_write_file(f, data);
	free(f);
	free(d);
}

/* An mtime long past: the entry is not racily clean. */
static void
old_mtime(const char *rel)
{
	char *f = fq_test_path(repo, rel);
	struct timespec t[2] = { { 1500000000, 0 }, { 1500000000, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, f, t, 0), 0);
	free(f);
}

/* Plan ch with the checkpoints or without: its answer, its file. */
static int
eq_plan(struct eq *q, const struct fq_gitindex_change *ch, size_t n,
	bool full, struct fq_buf *out, size_t *skipped, bool write)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_gitindex *gi = NULL;
	int ret;

	ck_assert_int_eq(fq_gitindex_lock(&gi, q->gitdir, NULL, 0, &err),
		FQ_OK);
	fq_gitindex_tune(gi, full, q->seg);
	ret = fq_gitindex_plan(gi, repo, q->cache, ch, n, &err);
	ck_assert_msg(ret >= 0, "%s", err.msg);
	*skipped = fq_gitindex_planned(gi, out);
	if (write && ret == 1)
		ck_assert_msg(fq_gitindex_write(gi, &err) == FQ_OK, "%s",
			err.msg);
	fq_gitindex_free(gi);
	return ret;
}

/* Spoil the checkpoints (or the cache) one way or another, or not. */
static void
eq_spoil(struct eq *q)
{
	struct fq_buf b = FQ_BUF_INIT;
	unsigned how = fq_test_rnd(&q->r, 24);
	const char *f = how == 2 ? q->cache : q->steps;
	int fd;

	if (how > 5 || fq_buf_read_file(&b, f, 1 << 24) < 0 || !b.len)
		goto out;
	switch (how) {
	case 0:
		unlink(q->steps);
		break;
	case 1:
	case 2:		/* a byte changed */
		b.buf[fq_test_rnd(&q->r, (unsigned)b.len)] ^= 0x20;
		break;
	case 3:		/* torn */
		fq_buf_setlen(&b, fq_test_rnd(&q->r, (unsigned)b.len));
		break;
	case 4:		/* another index's */
		fq_buf_reset(&b);
		if (fq_buf_read_file(&b, q->other, 1 << 24) < 0)
			goto out;
		break;
	case 5:
		unlink(q->cache);
		break;
	}
	if (how >= 1 && how <= 4) {
		fd = open(f, O_WRONLY | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, b.buf, b.len), (ssize_t)b.len);
		close(fd);
	}
out:
	fq_buf_release(&b);
}

/* Where to cut old: at one of its '/' (or its end, when whole). */
static size_t
eq_cut(struct eq *q, const char *old, bool whole)
{
	size_t at[8], n = 0, i;

	for (i = 0; old[i] && n < 8; i++)
		if (old[i] == '/')
			at[n++] = i;
	if (whole || !n)
		at[n++] = strlen(old);
	return at[fq_test_rnd(&q->r, (unsigned)n)];
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One round: up to four changes, planned both ways, then written. */
static size_t
eq_round(struct eq *q, int round, const char *racy)
{
	static const struct fq_gitindex_stat fake = { 1, 0, 1, 0, 1, 1, 0, 0,
		2 };
	struct fq_gitindex_change ch[4];
	char *own[4] = { NULL }, data[64];
	unsigned char id[4][20];
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	size_t n = 1 + fq_test_rnd(&q->r, 4), i, k, sa, sb;
	int ra, rb;

	memset(ch, 0, sizeof(ch));
	for (i = 0; i < n; i++) {
		unsigned what = fq_test_rnd(&q->r, 14);
		const char *old = q->paths[fq_test_rnd(&q->r, (unsigned)q->n)];
		struct fq_buf path = FQ_BUF_INIT;

		for (k = 0; k < 20; k++)
			id[i][k] = (unsigned char)fq_test_rnd(&q->r, 256);
		ch[i].id = id[i];
		if (what < 3) {		/* changed */
			fq_buf_addf(&path, "%s", old);
		} else if (what < 5) {	/* removed */
			fq_buf_addf(&path, "%s", old);
			ch[i].id = NULL;
		} else if (what == 5) {	/* a file where a directory is */
			fq_buf_add(&path, old, eq_cut(q, old, false));
			ch[i].st = &fake;
		} else if (what == 6) {	/* a directory where a file is */
			fq_buf_addf(&path, "%s/x", old);
			ch[i].st = &fake;
		} else if (what == 7) {	/* first, last */
			fq_buf_addf(&path, "%s%d", fq_test_rnd(&q->r, 2) ?
				"!first" : "zz/last", round);
		} else {		/* beside an old one */
			char c = "-0~-0~./"[fq_test_rnd(&q->r, 8)];

			fq_buf_addf(&path, "%.*s%c%d", (int)eq_cut(q, old,
				true), old, c, round);
			if (c == '/')
				ch[i].st = &fake;	/* (a clash too) */
		}
		own[i] = fq_buf_detach(&path, NULL);
		ch[i].path = own[i];
		for (k = 0; k < i; k++)
			if (!strcmp(own[k], own[i]))
				break;
		if (k < i) {		/* twice in one set: once */
			free(own[i]);
			own[i] = NULL;
			n = i;
			break;
		}
		if (ch[i].id && !ch[i].st) {
			snprintf(data, sizeof(data), "round %d %zu%.*s\n",
				round, i, (int)fq_test_rnd(&q->r, 8),
				"........");
			eq_write(own[i], data);
			if (fq_test_rnd(&q->r, 4)) {
				old_mtime(own[i]);
			} else {
				free(q->fresh);
				q->fresh = strdup(own[i]);
			}
		}
	}
	if (racy && fq_test_rnd(&q->r, 2)) {
		/* the same size and mtime, another text: git would trust
		 * the entry once the index is newer (its size goes to 0) */
		char *f = fq_test_path(repo, racy);
		struct stat st;
		struct timespec t[2];
		char *text = fq_test_read_file(f);

		if (text && stat(f, &st) == 0) {
			text[0] = text[0] == 'R' ? 'r' : 'R';
			fq_test_write_file(f, text);
			t[0] = st.st_atim;
			t[1] = st.st_mtim;
			ck_assert_int_eq(utimensat(AT_FDCWD, f, t, 0), 0);
		}
		free(text);
		free(f);
	}
	eq_spoil(q);
	ra = eq_plan(q, ch, n, false, &a, &sa, false);
	rb = eq_plan(q, ch, n, true, &b, &sb, false);
	ck_assert_msg(ra == rb, "round %d: plan %d with checkpoints, %d "
		"without", round, ra, rb);
	ck_assert_int_eq(sb, 0);
	ck_assert_msg(a.len == b.len && !memcmp(a.buf, b.buf, a.len),
		"round %d (%zu changes, first %s): the index with checkpoints "
		"differs from the one without (%zu, %zu bytes)", round, n,
		n ? ch[0].path : "-", a.len, b.len);
	if (ra == 1) {
		/* the other index's checkpoints, for eq_spoil */
		struct fq_buf c = FQ_BUF_INIT;

		if (fq_buf_read_file(&c, q->steps, 1 << 24) == 0)
			fq_test_write_file(q->other, "");
		if (c.len) {
			int fd = open(q->other, O_WRONLY | O_TRUNC);

			ck_assert_int_eq(write(fd, c.buf, c.len), (ssize_t)c.len);
			close(fd);
		}
		fq_buf_release(&c);
		ck_assert_int_eq(eq_plan(q, ch, n, fq_test_rnd(&q->r, 8) == 0,
			&b, &sb, true), 1);
		ck_assert(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
		for (i = 0; i < n; i++) {
			for (k = 0; k < q->n && strcmp(q->paths[k],
			    ch[i].path); k++)
				;
			if (k < q->n && !ch[i].id) {
				free(q->paths[k]);
				q->paths[k] = q->paths[--q->n];
			} else if (k == q->n && ch[i].id) {
				ck_assert_int_lt(q->n, EQ_MAX);
				q->paths[q->n++] = strdup(ch[i].path);
			}
		}
		qsort(q->paths, q->n, sizeof(*q->paths), cmp_str);
		free(q->recent);	/* its entry now in the index */
		q->recent = q->fresh;
		q->fresh = NULL;
	}
	for (i = 0; i < 4; i++)
		free(own[i]);
	fq_buf_release(&a);
	fq_buf_release(&b);
	return sa;
}

/*
 * A file m added where m/ is a directory of two, the entries m-0 to m-7
 * between the two: for some step length, a step starts among those and
 * holds all of m/, and only the key "m/" tells it is touched (the
 * checkpoints made anew each time: by a full walk).
 */
static void
eq_dir_steps(struct eq *q)
{
	static const struct fq_gitindex_stat fake = { 1, 0, 1, 0, 1, 1, 0, 0,
		2 };
	static const unsigned char id[20] = { 1 };
	struct fq_gitindex_change none = { "none/such", NULL, NULL };
	struct fq_gitindex_change d1 = { "m", id, &fake };
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	size_t sa, sb;

	for (q->seg = 100; q->seg <= 500; q->seg += 20) {
		ck_assert_int_eq(eq_plan(q, &none, 1, true, &a, &sa, true), 1);
		ck_assert_int_eq(eq_plan(q, &d1, 1, true, &b, &sb, false), 0);
		ck_assert_msg(eq_plan(q, &d1, 1, false, &a, &sa, false) == 0,
			"steps of %zu bytes: m added", q->seg);
	}
	fq_buf_release(&a);
	fq_buf_release(&b);
}

START_TEST(test_gitindex_steps_equal)
{
	static const int versions[] = { 2, 3, 4 };
	fq_store *s = store_with_index(2);
	struct eq q;
	char name[64], args[64], *count;
	size_t i, skipped = 0, rounds_skipped = 0;
	int round;

	memset(&q, 0, sizeof(q));
	q.r.state = 0x9e3779b97f4a7c15UL + (unsigned long)_i;
	for (i = 0; i < EQ_FILES; i++) {
		snprintf(name, sizeof(name), "d%zu/e%zu/f%03zu.txt", i % 5,
			i % 3, i);
		eq_write(name, name);
		old_mtime(name);
	}
	for (i = 0; i < 16; i++) {	/* for eq_dir_steps */
		static const char *const f[] = { "m-0", "m-1", "m-2", "m-3",
			"m-4", "m-5", "m-6", "m-7", "m/x", "m/y", "n0", "n1",
			"n2", "n3", "n4", "n5" };

		eq_write(f[i], f[i]);
		old_mtime(f[i]);
	}
	eq_write("top", "top\n");
	free(git("add -A"));
	free(git("commit -q -m files"));
	if (versions[_i] == 3)	/* (git writes 3 only for such entries) */
		free(git("update-index --skip-worktree top"));
	snprintf(args, sizeof(args), "update-index --index-version %d",
		versions[_i]);
	free(git(args));
	{
		char *ls = git("ls-files"), *p, *nl;

		for (p = ls; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			ck_assert_int_lt(q.n, EQ_MAX);
			q.paths[q.n++] = strndup(p, (size_t)(nl - p));
			if (!*nl)
				break;
		}
		free(ls);
	}
	q.gitdir = fq_test_path(repo, ".git");
	q.cache = fq_test_path(repo, ".git/fq/gitindex");
	q.steps = fq_test_path(repo, ".git/fq/gitindex.steps");
	q.other = fq_test_path(tmp, "other.steps");
	eq_dir_steps(&q);
	for (round = 0; round < EQ_ROUNDS; round++) {
		static const size_t segs[] = { 100, 200, 900, 1600 };
		size_t k;

		q.seg = segs[fq_test_rnd(&q.r, 4)];
		k = eq_round(&q, round, q.recent ? q.recent :
			q.paths[fq_test_rnd(&q.r, (unsigned)q.n)]);
		skipped += k;
		rounds_skipped += k > 0;
	}
	/* the checkpoints were used (most rounds), and git reads the index */
	ck_assert_msg(rounds_skipped > EQ_ROUNDS / 5, "checkpoints used in "
		"%zu rounds of %d", rounds_skipped, EQ_ROUNDS);
	ck_assert_uint_gt(skipped, rounds_skipped);
	count = git("ls-files | wc -l");
	ck_assert_int_eq(atoi(count), (int)q.n);
	free(count);
	{
		char *path = fq_test_path(repo, ".git/index");
		struct fq_buf idx = FQ_BUF_INIT;

		ck_assert_int_eq(fq_buf_read_file(&idx, path, 1 << 26), 0);
		ck_assert_int_eq(idx.buf[7], versions[_i]);
		fq_buf_release(&idx);
		free(path);
	}
	for (i = 0; i < q.n; i++)
		free(q.paths[i]);
	free(q.gitdir);
	free(q.cache);
	free(q.steps);
	free(q.other);
	free(q.recent);
	free(q.fresh);
	fq_store_free(s);
}
END_TEST

Suite *
fq_gitindex_suite(void)
{
	Suite *s = suite_create("gitindex");
	TCase *tc = tcase_create("splice");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_gitindex_splices, 0, 2);
	tcase_add_test(tc, test_gitindex_file_directory);
	tcase_add_test(tc, test_gitindex_conflict);
	tcase_add_test(tc, test_gitindex_lock);
	tcase_add_loop_test(tc, test_gitindex_bulk, 0, 2);
	tcase_add_loop_test(tc, test_gitindex_bulk_file_directory, 0, 2);
	tcase_add_loop_test(tc, test_gitindex_steps_equal, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
