/*
 * check_store.c: the case repository (lib/store.c).
 *
 * Every test gets a fresh temporary directory, a git configuration
 * search path that points into it (so the user's ~/.gitconfig plays no
 * part), and umask 022, so that the private modes fq promises are seen to
 * be forced rather than inherited.  libgit2 is used directly to check
 * what fq wrote: commits, trees, authors and `git status`.
 */
#include <check.h>
#include <zlib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "fq/buf.h"
#include "fq/store.h"
#include "fixture.h"

#define NAME "青山镇人民调解委员会"
#define CASE1 "cases/2024/03/QSZ-2024-000001.yaml"
#define CASE2 "cases/2024/03/QSZ-2024-000002.yaml"
#define CASE3 "cases/2024/11/QSZ-2024-000003.yaml"

Suite *fq_store_suite(void);

static char *tmp;		/* the test's temporary directory */
static char *repo;		/* tmp/repo, where the repository goes */
static char *cwd;		/* restored after tests that chdir */
static mode_t old_umask;

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
	cwd = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(cwd);
	old_umask = umask(022);
}

static void
teardown(void)
{
	umask(old_umask);
	if (cwd && chdir(cwd) < 0)
		perror(cwd);
	free(cwd);
	fq_test_rmtree(tmp);
	free(repo);
	free(tmp);
	cwd = repo = tmp = NULL;
}

/*
 * Helpers.
 */
static fq_store *
new_store(void)
{
	return fq_test_store_new(repo);
}

static fq_store *
new_locked_store(void)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();

	ck_assert_msg(fq_store_lock(s, 0, &err) == FQ_OK, "%s", err.msg);
	return s;
}

/* Commit one file (data) or delete it (data NULL); returns committed. */
static bool
commit1(fq_store *s, const char *path, const char *data, const char *msg)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change ch = { path, data, data ? strlen(data) : 0 };
	bool committed = false;

	ck_assert_msg(fq_store_commit(s, &ch, 1, msg, &committed, &err) ==
		FQ_OK, "commit %s: %s", path, err.msg);
	return committed;
}

static git_repository *
git_open(void)
{
	git_repository *r = NULL;

	ck_assert_int_eq(git_repository_open(&r, repo), 0);
	return r;
}

static git_commit *
git_head(git_repository *r)
{
	git_object *o = NULL;

	ck_assert_int_eq(git_revparse_single(&o, r, "HEAD"), 0);
	ck_assert_int_eq(git_object_type(o), GIT_OBJECT_COMMIT);
	return (git_commit *)o;
}

static void
head_oid(git_oid *out)
{
	git_repository *r = git_open();

	ck_assert_int_eq(git_reference_name_to_id(out, r, "HEAD"), 0);
	git_repository_free(r);
}

/* Number of commits reachable from HEAD. */
static int
count_commits(void)
{
	git_repository *r = git_open();
	git_revwalk *w = NULL;
	git_oid oid;
	int n = 0;

	ck_assert_int_eq(git_revwalk_new(&w, r), 0);
	ck_assert_int_eq(git_revwalk_push_head(w), 0);
	while (git_revwalk_next(&oid, w) == 0)
		n++;
	git_revwalk_free(w);
	git_repository_free(r);
	return n;
}

/* What `git status --untracked-files=all` would list. */
static size_t
git_dirty(void)
{
	git_status_options o;
	git_repository *r = git_open();
	git_status_list *l = NULL;
	size_t n;

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	ck_assert_int_eq(git_status_list_new(&l, r, &o), 0);
	n = git_status_list_entrycount(l);
	git_status_list_free(l);
	git_repository_free(r);
	return n;
}

static bool
head_has(const char *path)
{
	git_repository *r = git_open();
	git_commit *c = git_head(r);
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	bool found;

	ck_assert_int_eq(git_commit_tree(&t, c), 0);
	found = git_tree_entry_bypath(&e, t, path) == 0;
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(r);
	return found;
}

static mode_t
mode_of(const char *rel)
{
	char *p = fq_test_path(repo, rel);
	struct stat st;

	ck_assert_msg(lstat(p, &st) == 0, "%s: %s", p, strerror(errno));
	free(p);
	return st.st_mode & 07777;
}

static char *
read_rel(const char *rel)
{
	char *p = fq_test_path(repo, rel), *data = fq_test_read_file(p);

	free(p);
	return data;
}

static void
write_rel(const char *rel, const char *data)
{
	char *p = fq_test_path(repo, rel);

	fq_test_write_file(p, data);
	free(p);
}

static bool
exists_rel(const char *rel)
{
	char *p = fq_test_path(repo, rel);
	bool r = fq_test_exists(p);

	free(p);
	return r;
}

/* Every file and directory under path is private (no group/other bits). */
static void
assert_private(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char *sub;

	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return;
	ck_assert_msg((st.st_mode & 077) == 0, "%s has mode %o", path,
		(unsigned)(st.st_mode & 07777));
	if (!S_ISDIR(st.st_mode))
		return;
	dir = opendir(path);
	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir)) != NULL) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		sub = fq_test_path(path, d->d_name);
		assert_private(sub);
		free(sub);
	}
	closedir(dir);
}

/* No "*.tmp??????" left in dir (relative). */
static void
assert_no_tmp(const char *rel)
{
	char *p = fq_test_path(repo, rel);
	struct dirent *d;
	DIR *dir = opendir(p);

	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir)) != NULL)
		ck_assert_msg(!strstr(d->d_name, ".tmp"), "left behind: %s/%s",
			p, d->d_name);
	closedir(dir);
	free(p);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * IDs and paths.
 */
static const struct {
	const char *s;
	bool ok;
} units[] = {
	{ "QSZ", true },
	{ "Q1", true },
	{ "ABCDEFGHIJKL", true },
	{ "2024", true },
	{ "Q", false },
	{ "ABCDEFGHIJKLM", false },
	{ "qsz", false },
	{ "Q-Z", false },
	{ "QS Z", false },
	{ "QSZ\n", false },
	{ "", false },
	{ "青山", false },
	{ "../x", false },
};

START_TEST(test_store_unit_valid)
{
	ck_assert_msg(fq_unit_valid(units[_i].s) == units[_i].ok, "'%s'",
		units[_i].s);
}
END_TEST

static const struct {
	const char *s;
	bool ok;
} ids[] = {
	{ "QSZ-2024-000123", true },
	{ "QSZ-1900-000000", true },
	{ "QSZ-2999-999999", true },
	{ "AB-2024-000001", true },
	{ "ABCDEFGHIJKL-2024-000001", true },
	{ "Q1-2024-000001", true },
	{ "QSZ-2024-00001", false },
	{ "QSZ-2024-0000012", false },
	{ "qsz-2024-000001", false },
	{ "Qsz-2024-000001", false },
	{ "../../x", false },
	{ "QSZ-1899-000001", false },
	{ "QSZ-3000-000001", false },
	{ "Q-2024-000001", false },
	{ "ABCDEFGHIJKLM-2024-000001", false },
	{ "QSZ-2024-000001.yaml", false },
	{ "QSZ-2024-000001/../../x", false },
	{ "QSZ_2024_000001", false },
	{ "QSZ--2024-000001", false },
	{ "QSZ-20a4-000001", false },
	{ "QSZ-2024-00000a", false },
	{ "QSZ-2024-000001\n", false },
	{ " QSZ-2024-000001", false },
	{ "-2024-000001", false },
	{ "", false },
};

START_TEST(test_store_id_valid)
{
	ck_assert_msg(fq_id_valid(ids[_i].s) == ids[_i].ok, "'%s'",
		ids[_i].s);
}
END_TEST

START_TEST(test_store_id_null)
{
	ck_assert(!fq_id_valid(NULL));
	ck_assert(!fq_unit_valid(NULL));
}
END_TEST

START_TEST(test_store_id_year)
{
	ck_assert_int_eq(fq_id_year("QSZ-2024-000123"), 2024);
	ck_assert_int_eq(fq_id_year("AB12-1999-000001"), 1999);
}
END_TEST

START_TEST(test_store_case_path)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_store_case_path(&b, "QSZ-2024-000123", "2024-03-15");
	ck_assert_str_eq(b.buf, "cases/2024/03/QSZ-2024-000123.yaml");
	/* The buffer is set, not appended to. */
	fq_store_case_path(&b, "QSZ-2024-000124", "2024-12-01");
	ck_assert_str_eq(b.buf, "cases/2024/12/QSZ-2024-000124.yaml");
	/* Only digits from the date reach the path. */
	fq_store_case_path(&b, "QSZ-2024-000125", "../../etc");
	ck_assert_str_eq(b.buf, "cases/2024/00/QSZ-2024-000125.yaml");
	fq_buf_release(&b);
}
END_TEST

/*
 * fq_store_init.
 */
START_TEST(test_store_init_creates)
{
	struct fq_store_init_opts opts = {
		.unit = "QSZ", .name = NAME, .town = "青山镇",
		.level = "township",
	};
	struct fq_error err = FQ_ERROR_INIT;
	git_repository *r;
	git_commit *c;
	git_tree *t = NULL;
	git_reference *head = NULL;
	const git_signature *au;
	struct fq_node *conf = NULL;
	git_config *cfg = NULL;
	const char *shared;
	struct stat st;
	char *p, *dir;

	/* mkdir -p: two levels that do not exist yet */
	free(repo);
	repo = fq_test_path(tmp, "a/b");
	ck_assert_msg(fq_store_init(repo, &opts, &err) == FQ_OK, "%s",
		err.msg);

	ck_assert_uint_eq(mode_of("."), 0700);
	ck_assert_uint_eq(mode_of(".git"), 0700);
	ck_assert_uint_eq(mode_of("fq.yaml"), 0600);
	ck_assert_uint_eq(mode_of("cases"), 0700);
	ck_assert_uint_eq(mode_of("cases/.keep"), 0600);
	/* Parents made on the way are private too. */
	dir = fq_test_path(tmp, "a");
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	free(dir);
	assert_private(repo);

	p = fq_test_path(repo, "fq.yaml");
	ck_assert_int_eq(fq_yaml_load(&conf, p, &err), FQ_OK);
	free(p);
	ck_assert_str_eq(fq_map_str(conf, "unit"), "QSZ");
	ck_assert_str_eq(fq_map_str(conf, "name"), NAME);
	ck_assert_str_eq(fq_map_str(conf, "town"), "青山镇");
	ck_assert_str_eq(fq_map_str(conf, "level"), "township");
	fq_node_free(conf);
	p = read_rel("cases/.keep");
	ck_assert_str_eq(p, "");
	free(p);

	r = git_open();
	ck_assert_int_eq(git_repository_config_snapshot(&cfg, r), 0);
	ck_assert_int_eq(git_config_get_string(&shared, cfg,
		"core.sharedRepository"), 0);
	ck_assert_str_eq(shared, "0600");
	git_config_free(cfg);
	ck_assert_int_eq(git_repository_head(&head, r), 0);
	ck_assert_str_eq(git_reference_name(head), "refs/heads/main");
	git_reference_free(head);
	c = git_head(r);
	ck_assert_str_eq(git_commit_message(c), "fq-init: QSZ " NAME "\n");
	ck_assert_uint_eq(git_commit_parentcount(c), 0);
	au = git_commit_author(c);
	ck_assert_str_eq(au->name, "fq");
	ck_assert_str_eq(au->email, "fq@localhost");
	ck_assert_int_eq(git_commit_tree(&t, c), 0);
	ck_assert_uint_eq(git_tree_entrycount(t), 2);
	ck_assert_str_eq(git_tree_entry_name(git_tree_entry_byindex(t, 0)),
		"cases");
	ck_assert_str_eq(git_tree_entry_name(git_tree_entry_byindex(t, 1)),
		"fq.yaml");
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(r);
	ck_assert(head_has("cases/.keep"));
	ck_assert_uint_eq(git_dirty(), 0);
	ck_assert_int_eq(count_commits(), 1);
}
END_TEST

START_TEST(test_store_init_author)
{
	struct fq_store_init_opts opts = {
		.unit = "QSZ", .name = NAME,
		.author_name = "李四", .author_email = "li@example.org",
	};
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *conf = NULL;
	git_repository *r;
	git_commit *c;
	char *p;

	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_OK);
	r = git_open();
	c = git_head(r);
	ck_assert_str_eq(git_commit_author(c)->name, "李四");
	ck_assert_str_eq(git_commit_author(c)->email, "li@example.org");
	ck_assert_str_eq(git_commit_committer(c)->name, "李四");
	git_commit_free(c);
	git_repository_free(r);

	/* Optional keys are left out, not written empty. */
	p = fq_test_path(repo, "fq.yaml");
	ck_assert_int_eq(fq_yaml_load(&conf, p, &err), FQ_OK);
	free(p);
	ck_assert_uint_eq(conf->len, 2);
	ck_assert_ptr_null(fq_map_get(conf, "town"));
	fq_node_free(conf);
}
END_TEST

START_TEST(test_store_init_existing_dir)
{
	struct fq_store_init_opts opts = { .unit = "QSZ", .name = NAME };
	struct fq_error err = FQ_ERROR_INIT;

	/* An existing, world-readable directory is made private. */
	ck_assert_int_eq(mkdir(repo, 0755), 0);
	ck_assert_int_eq(chmod(repo, 0755), 0);
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_OK);
	ck_assert_uint_eq(mode_of("."), 0700);
}
END_TEST

START_TEST(test_store_init_twice)
{
	struct fq_store_init_opts opts = { .unit = "QSZ", .name = NAME };
	struct fq_error err = FQ_ERROR_INIT;
	git_repository *r = NULL;
	git_oid before, after;
	char *other;

	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_OK);
	head_oid(&before);
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EEXISTS);
	ck_assert_int_eq(err.code, FQ_EEXISTS);
	ck_assert_ptr_nonnull(strstr(err.msg, "already"));
	head_oid(&after);
	ck_assert(git_oid_equal(&before, &after));

	/* A plain git repository is not taken over either. */
	other = fq_test_path(tmp, "plain");
	ck_assert_int_eq(git_repository_init(&r, other, 0), 0);
	git_repository_free(r);
	ck_assert_int_eq(fq_store_init(other, &opts, &err), FQ_EEXISTS);
	free(other);

	/* Nor a directory with only fq.yaml. */
	other = fq_test_path(tmp, "conf");
	ck_assert_int_eq(mkdir(other, 0700), 0);
	free(other);
	other = fq_test_path(tmp, "conf/fq.yaml");
	fq_test_write_file(other, "unit: ABC\n");
	free(other);
	other = fq_test_path(tmp, "conf");
	ck_assert_int_eq(fq_store_init(other, &opts, &err), FQ_EEXISTS);
	free(other);
	other = fq_test_path(tmp, "conf/.git");
	ck_assert(!fq_test_exists(other));
	free(other);
}
END_TEST

START_TEST(test_store_init_bad_opts)
{
	struct fq_store_init_opts opts = { .unit = "qsz", .name = NAME };
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'qsz'"));
	opts.unit = "Q";
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EUSAGE);
	opts.unit = NULL;
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EUSAGE);
	opts.unit = "QSZ";
	opts.name = "";
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EUSAGE);
	opts.name = NULL;
	ck_assert_int_eq(fq_store_init(repo, &opts, &err), FQ_EUSAGE);
	/* Nothing was created. */
	ck_assert(!fq_test_exists(repo));
}
END_TEST

/*
 * fq_store_open.
 */
START_TEST(test_store_open_dir)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store(), *t = NULL;
	char *real = realpath(repo, NULL);
	char *rel;

	ck_assert_str_eq(fq_store_root(s), real);
	ck_assert_str_eq(fq_store_unit(s), "QSZ");
	ck_assert_str_eq(fq_map_str(fq_store_config(s), "name"), NAME);
	fq_store_free(s);

	/* A relative path works and gives an absolute root. */
	ck_assert_int_eq(chdir(tmp), 0);
	ck_assert_int_eq(fq_store_open(&t, "repo/", &err), FQ_OK);
	ck_assert_str_eq(fq_store_root(t), real);
	fq_store_free(t);
	rel = fq_test_path(repo, "cases/..");
	ck_assert_int_eq(fq_store_open(&t, rel, &err), FQ_OK);
	ck_assert_str_eq(fq_store_root(t), real);
	fq_store_free(t);
	free(rel);
	free(real);
}
END_TEST

START_TEST(test_store_open_walks_up)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store(), *t = NULL;
	char *sub = fq_test_path(repo, "cases/x/y");
	char *real = realpath(repo, NULL);

	fq_store_free(s);
	free(sub);
	sub = fq_test_path(repo, "cases/x");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	free(sub);
	sub = fq_test_path(repo, "cases/x/y");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(chdir(sub), 0);
	ck_assert_msg(fq_store_open(&t, NULL, &err) == FQ_OK, "%s", err.msg);
	ck_assert_str_eq(fq_store_root(t), real);
	ck_assert_str_eq(fq_store_unit(t), "QSZ");
	fq_store_free(t);

	/* From the top itself. */
	ck_assert_int_eq(chdir(repo), 0);
	ck_assert_int_eq(fq_store_open(&t, NULL, &err), FQ_OK);
	ck_assert_str_eq(fq_store_root(t), real);
	fq_store_free(t);
	free(sub);
	free(real);
}
END_TEST

START_TEST(test_store_open_not_found)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = NULL;
	char *p, want[PATH_MAX + 64];

	ck_assert_int_eq(fq_store_open(&s, tmp, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(s);
	snprintf(want, sizeof(want), "not an fq repository: %s", tmp);
	ck_assert_str_eq(err.msg, want);

	p = fq_test_path(tmp, "missing");
	ck_assert_int_eq(fq_store_open(&s, p, &err), FQ_ENOTFOUND);
	free(p);

	/* Walking up from a directory outside any repository. */
	ck_assert_int_eq(chdir(tmp), 0);
	ck_assert_int_eq(fq_store_open(&s, NULL, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err.msg, "not an fq repository"));

	/* A directory given explicitly is not walked up from. */
	s = new_store();
	fq_store_free(s);
	s = NULL;
	p = fq_test_path(repo, "cases");
	ck_assert_int_eq(fq_store_open(&s, p, &err), FQ_ENOTFOUND);
	free(p);

	/* fq.yaml without .git is not a repository. */
	p = fq_test_path(tmp, "half");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	p = fq_test_path(tmp, "half/fq.yaml");
	fq_test_write_file(p, "unit: QSZ\nname: x\n");
	free(p);
	p = fq_test_path(tmp, "half");
	ck_assert_int_eq(fq_store_open(&s, p, &err), FQ_ENOTFOUND);
	free(p);
}
END_TEST

START_TEST(test_store_open_bad_config)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();

	fq_store_free(s);
	s = NULL;
	write_rel("fq.yaml", "unit: QSZ\nname: [x\n");
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_EPARSE);
	ck_assert_ptr_null(s);
	ck_assert_uint_gt(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.file, "fq.yaml"));

	write_rel("fq.yaml", "name: x\n");
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_EINVALID);
	write_rel("fq.yaml", "name: x\nunit: qsz\n");
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_EINVALID);
	ck_assert_uint_eq(err.line, 2);
	write_rel("fq.yaml", "- unit\n");
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_EINVALID);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_store_private_dir)
{
	fq_store *s = new_store();
	const char *p = fq_store_private_dir(s);
	char *want = fq_test_path(fq_store_root(s), ".git/fq");
	struct stat st;

	ck_assert_str_eq(p, want);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	free(want);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_commit.
 */
START_TEST(test_store_commit_writes)
{
	static const char data[] = "id: QSZ-2024-000001\ntitle: 邻里纠纷\n";
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_buf b = FQ_BUF_INIT;
	git_repository *r;
	git_commit *c;
	git_oid before;
	char *got;

	head_oid(&before);
	fq_store_set_author(s, "张三", "zhang@example.org");
	ck_assert(commit1(s, CASE1, data, "fq-new: QSZ-2024-000001 邻里纠纷"));

	got = read_rel(CASE1);
	ck_assert_str_eq(got, data);
	free(got);
	ck_assert_uint_eq(mode_of(CASE1), 0600);
	ck_assert_uint_eq(mode_of("cases/2024"), 0700);
	ck_assert_uint_eq(mode_of("cases/2024/03"), 0700);
	assert_no_tmp("cases/2024/03");

	r = git_open();
	c = git_head(r);
	ck_assert_str_eq(git_commit_message(c),
		"fq-new: QSZ-2024-000001 邻里纠纷\n");
	ck_assert_str_eq(git_commit_summary(c),
		"fq-new: QSZ-2024-000001 邻里纠纷");
	ck_assert_str_eq(git_commit_author(c)->name, "张三");
	ck_assert_str_eq(git_commit_author(c)->email, "zhang@example.org");
	ck_assert_uint_eq(git_commit_parentcount(c), 1);
	ck_assert(git_oid_equal(git_commit_parent_id(c, 0), &before));
	git_commit_free(c);
	git_repository_free(r);

	ck_assert_int_eq(fq_store_read_head(s, CASE1, &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, data);
	fq_buf_release(&b);
	ck_assert_uint_eq(git_dirty(), 0);
	ck_assert_int_eq(count_commits(), 2);

	/* A change to an existing file. */
	ck_assert(commit1(s, CASE1, "id: QSZ-2024-000001\n", "fq-edit: 1"));
	got = read_rel(CASE1);
	ck_assert_str_eq(got, "id: QSZ-2024-000001\n");
	free(got);
	ck_assert_uint_eq(git_dirty(), 0);
	ck_assert_int_eq(count_commits(), 3);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_private)
{
	fq_store *s = new_locked_store();

	/* umask is 022: what libgit2 adds (objects, refs, index) stays
	 * private as well. */
	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	ck_assert(commit1(s, CASE3, "a: 3\n", "three"));
	ck_assert(commit1(s, CASE1, NULL, "rm one"));
	assert_private(repo);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_noop)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch = { CASE1, "a: 1\n", 5 };
	git_oid before, after;
	bool committed = true;

	ck_assert(commit1(s, CASE1, "a: 1\n", "first"));
	head_oid(&before);
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "again", &committed, &err),
		FQ_OK);
	ck_assert(!committed);
	head_oid(&after);
	ck_assert(git_oid_equal(&before, &after));
	ck_assert_uint_eq(git_dirty(), 0);

	/* committed may be NULL; an empty change list is a no-op too. */
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "again", NULL, &err),
		FQ_OK);
	ck_assert_int_eq(fq_store_commit(s, NULL, 0, "nothing", &committed,
		&err), FQ_OK);
	ck_assert(!committed);
	head_oid(&after);
	ck_assert(git_oid_equal(&before, &after));

	/* Deleting what HEAD does not have changes nothing. */
	ck_assert(!commit1(s, CASE2, NULL, "rm nothing"));
	head_oid(&after);
	ck_assert(git_oid_equal(&before, &after));
	ck_assert_int_eq(count_commits(), 2);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_delete)
{
	fq_store *s = new_locked_store();

	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	ck_assert(commit1(s, CASE3, "a: 3\n", "three"));
	ck_assert(commit1(s, CASE1, NULL, "fq-delete: QSZ-2024-000001"));
	ck_assert(!exists_rel(CASE1));
	ck_assert(!head_has(CASE1));
	ck_assert(head_has(CASE3));
	/* The emptied month directory goes, in git and on disk. */
	ck_assert(!head_has("cases/2024/03"));
	ck_assert(!exists_rel("cases/2024/03"));
	ck_assert(exists_rel("cases/2024/11"));
	ck_assert_uint_eq(git_dirty(), 0);

	ck_assert(commit1(s, CASE3, NULL, "fq-delete: QSZ-2024-000003"));
	ck_assert(!exists_rel("cases/2024"));
	ck_assert(exists_rel("cases/.keep"));
	ck_assert_uint_eq(git_dirty(), 0);
	ck_assert_int_eq(count_commits(), 5);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_many)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[] = {
		{ CASE3, "c: 3\n", 5 },
		{ "cases/2023/01/QSZ-2023-000001.yaml", "y: 2023\n", 8 },
		{ CASE1, "c: 1\n", 5 },
		{ CASE2, "c: 2\n", 5 },
		{ "fq.yaml", "unit: QSZ\nname: x\n", 19 },
	};
	struct fq_change del[] = {
		{ CASE2, NULL, 0 },
		{ "cases/2023/01/QSZ-2023-000001.yaml", NULL, 0 },
		{ CASE1, "c: 1 changed\n", 13 },
	};
	bool committed = false;
	size_t i;

	ck_assert_int_eq(fq_store_commit(s, ch, 5, "fq-import: 4 cases",
		&committed, &err), FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(count_commits(), 2);
	for (i = 0; i < 5; i++)
		ck_assert(head_has(ch[i].path));
	ck_assert_uint_eq(git_dirty(), 0);

	ck_assert_int_eq(fq_store_commit(s, del, 3, "mixed", &committed, &err),
		FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(count_commits(), 3);
	ck_assert(!head_has(CASE2));
	ck_assert(!head_has("cases/2023"));
	ck_assert(head_has(CASE1));
	ck_assert(head_has(CASE3));
	ck_assert_uint_eq(git_dirty(), 0);
	fq_store_free(s);
}
END_TEST

/* A commit of many files (the bulk path: one pack, one sync). */
START_TEST(test_store_commit_bulk)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[200];
	char paths[200][64], data[200][64];
	struct fq_buf b = FQ_BUF_INIT;
	bool committed = false;
	size_t i;

	for (i = 0; i < 200; i++) {
		snprintf(paths[i], sizeof(paths[i]),
			"cases/2024/%02zu/QSZ-2024-%06zu.yaml", i % 12 + 1, i + 1);
		snprintf(data[i], sizeof(data[i]), "id: QSZ-2024-%06zu\n",
			i + 1);
		ch[i].path = paths[i];
		ch[i].data = data[i];
		ch[i].len = strlen(data[i]);
	}
	ck_assert_int_eq(fq_store_commit(s, ch, 200, "fq-import: 200",
		&committed, &err), FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(count_commits(), 2);
	for (i = 0; i < 200; i += 37) {
		ck_assert(head_has(paths[i]));
		fq_buf_reset(&b);
		ck_assert_int_eq(fq_store_read_head(s, paths[i], &b, &err),
			FQ_OK);
		ck_assert_str_eq(b.buf, data[i]);
	}
	ck_assert_uint_eq(git_dirty(), 0);
	/* the same again: no commit; half changed: one more */
	ck_assert_int_eq(fq_store_commit(s, ch, 200, "again", &committed,
		&err), FQ_OK);
	ck_assert(!committed);
	for (i = 0; i < 200; i += 2)
		ch[i].data = "changed: yes\n", ch[i].len = 13;
	ck_assert_int_eq(fq_store_commit(s, ch, 200, "half", &committed,
		&err), FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(count_commits(), 3);
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_store_read_head(s, paths[10], &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "changed: yes\n");
	ck_assert_uint_eq(git_dirty(), 0);
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

/*
 * A bulk commit into more directories than it keeps open at once, with
 * removals that empty directories among the writes, and raw and
 * compressed changes mixed (an import keeps its first cases raw).
 */
START_TEST(test_store_commit_bulk_dirs)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[300];
	size_t zl[300], i, n = 0;
	char paths[300][64], data[300][64];
	unsigned char z[300][96];
	bool committed = false;

	/* 100 files in 100 directories of their own */
	for (i = 0; i < 100; i++) {
		snprintf(paths[n], sizeof(paths[n]),
			"cases/%04zu/01/QSZ-%04zu-000001.yaml", 1900 + i,
			1900 + i);
		snprintf(data[n], sizeof(data[n]), "old: %zu\n", i);
		ch[n].path = paths[n];
		ch[n].data = data[n];
		ch[n].len = strlen(data[n]);
		n++;
	}
	ck_assert_int_eq(fq_store_commit(s, ch, n, "first", &committed,
		&err), FQ_OK);
	ck_assert(committed);
	/* remove every other one (its directory goes), write a second file
	 * beside every third, and 100 new files in 100 new directories */
	n = 0;
	for (i = 0; i < 100; i++) {
		if (i % 2 == 0) {
			snprintf(paths[n], sizeof(paths[n]),
				"cases/%04zu/01/QSZ-%04zu-000001.yaml",
				1900 + i, 1900 + i);
			ch[n].path = paths[n];
			ch[n].data = NULL;
			ch[n].len = 0;
			zl[n] = 0;
			n++;
		}
		if (i % 3 == 0) {
			snprintf(paths[n], sizeof(paths[n]),
				"cases/%04zu/01/QSZ-%04zu-000002.yaml",
				1900 + i, 1900 + i);
			snprintf(data[n], sizeof(data[n]), "beside: %zu\n", i);
			ch[n].path = paths[n];
			ch[n].data = data[n];
			ch[n].len = strlen(data[n]);
			zl[n] = 0;
			n++;
		}
	}
	for (i = 0; i < 100; i++) {
		uLongf zlen = sizeof(z[n]);

		snprintf(paths[n], sizeof(paths[n]),
			"cases/%04zu/02/QSZ-%04zu-000003.yaml", 2000 + i,
			2000 + i);
		snprintf(data[n], sizeof(data[n]), "new: %zu\n", i);
		ch[n].path = paths[n];
		ch[n].len = strlen(data[n]);
		if (i % 2) {
			ck_assert_int_eq(compress2(z[n], &zlen,
				(const Bytef *)data[n], ch[n].len, 1), Z_OK);
			ch[n].data = (const char *)z[n];
			zl[n] = zlen;
		} else {
			ch[n].data = data[n];
			zl[n] = 0;
		}
		n++;
	}
	ck_assert_int_eq(fq_store_commit_z(s, ch, zl, n, "second",
		&committed, &err), FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(count_commits(), 3);
	for (i = 0; i < n; i++) {
		if (!ch[i].data) {
			ck_assert_msg(!exists_rel(ch[i].path), "%s is left",
				ch[i].path);
			ck_assert(!head_has(ch[i].path));
			continue;
		}
		{
			char *got = read_rel(ch[i].path);

			ck_assert_str_eq(got, data[i]);
			free(got);
		}
		ck_assert(head_has(ch[i].path));
		ck_assert_uint_eq(mode_of(ch[i].path), 0600);
	}
	/* a directory whose only file went is gone; one with a new file
	 * beside it stays */
	ck_assert(!exists_rel("cases/1902"));
	ck_assert(exists_rel("cases/1900/01/QSZ-1900-000002.yaml"));
	ck_assert(!exists_rel("cases/1900/01/QSZ-1900-000001.yaml"));
	ck_assert(exists_rel("cases/1901/01/QSZ-1901-000001.yaml"));
	ck_assert_uint_eq(git_dirty(), 0);
	fq_store_free(s);
}
END_TEST

/* Blobs by id, as fq_store_foreach gives them. */
static int
first_oid(const char *relpath, const char *oid, void *data)
{
	(void)relpath;
	snprintf(data, 41, "%s", oid);
	return 1;
}

START_TEST(test_store_read_blob)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[] = { { CASE1, "c: 1\n", 5 } };
	struct fq_buf b = FQ_BUF_INIT;
	char oid[41] = "";

	ck_assert_int_eq(fq_store_commit(s, ch, 1, "one", NULL, &err), FQ_OK);
	ck_assert_int_eq(fq_store_foreach(s, first_oid, oid, &err), 1);
	ck_assert_int_eq(fq_store_read_blob(s, oid, &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "c: 1\n");
	ck_assert_int_eq(fq_store_read_blob(s, "xyz", &b, &err), FQ_EUSAGE);
	ck_assert_int_lt(fq_store_read_blob(s,
		"0123456789012345678901234567890123456789", &b, &err), 0);
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

/* Compressed changes (fq_store_commit_z), loose and in a pack. */
START_TEST(test_store_commit_z)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[100];
	size_t zl[100], i, n;
	char paths[100][64];
	unsigned char z[100][64];
	const char *text = "id: QSZ-2024-000001\ntitle: 压缩\n";
	struct fq_buf b = FQ_BUF_INIT;
	bool committed = false;

	for (i = 0; i < 100; i++) {
		uLongf zlen = sizeof(z[i]);
		char t[64];

		snprintf(t, sizeof(t), "%s%zu\n", text, i);
		ck_assert_int_eq(compress2(z[i], &zlen, (const Bytef *)t,
			strlen(t), 1), Z_OK);
		snprintf(paths[i], sizeof(paths[i]),
			"cases/2024/03/QSZ-2024-%06zu.yaml", i + 1);
		ch[i].path = paths[i];
		ch[i].data = (const char *)z[i];
		ch[i].len = strlen(t);
		zl[i] = zlen;
	}
	/* one file: the loose path */
	ck_assert_int_eq(fq_store_commit_z(s, ch, zl, 1, "one", &committed,
		&err), FQ_OK);
	ck_assert(committed);
	ck_assert_int_eq(fq_store_read_head(s, paths[0], &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "id: QSZ-2024-000001\ntitle: 压缩\n0\n");
	/* a hundred: the pack */
	n = 100;
	ck_assert_int_eq(fq_store_commit_z(s, ch, zl, n, "many", &committed,
		&err), FQ_OK);
	ck_assert(committed);
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_store_read_head(s, paths[99], &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "id: QSZ-2024-000001\ntitle: 压缩\n99\n");
	ck_assert_uint_eq(git_dirty(), 0);
	/* a broken stream is an error, and nothing is committed */
	zl[5] = 3;
	ck_assert_int_lt(fq_store_commit_z(s, ch, zl, n, "bad", &committed,
		&err), 0);
	ck_assert(!committed);
	ck_assert_int_eq(count_commits(), 3);
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

/*
 * The tree of a bulk commit (built from the sorted paths) is the one
 * libgit2 builds for the same changes made a few at a time: files
 * changed, removed (a directory emptied) and added beside old ones, in
 * new directories, and beside a file whose name is a directory's and
 * more ("01-notes.yaml" sorts between "01" and "01/...").
 */
#define NTREE 160

static size_t
tree_changes(struct fq_change *ch, char (*paths)[64], char (*data)[64],
	int round)
{
	size_t i, n = 0;

	for (i = 0; i < 100; i++) {
		int month = 1 + (int)(i % 3);

		if (round == 1) {
			snprintf(data[n], 64, "one %zu\n", i);
		} else if (month == 3 || i % 5 == 0) {
			data[n][0] = '\0';	/* removed: all of 03 */
		} else if (i % 5 == 1) {
			snprintf(data[n], 64, "two %zu\n", i);
		} else {
			continue;
		}
		snprintf(paths[n], 64, "cases/2024/%02d/QSZ-2024-%06zu.yaml",
			month, i);
		n++;
	}
	for (i = 0; round == 2 && i < 60; i++, n++) {
		snprintf(paths[n], 64, i % 2 ? "cases/2023/12/QSZ-2023-%06zu.yaml"
			: "cases/2024/01/QSZ-2024-%06zu.yaml", 500 + i);
		snprintf(data[n], 64, "new %zu\n", i);
	}
	snprintf(paths[n], 64, "cases/2024/01-notes.yaml");
	snprintf(data[n++], 64, "notes %d\n", round);
	for (i = 0; i < n; i++) {
		ch[i].path = paths[i];
		ch[i].data = data[i][0] ? data[i] : NULL;
		ch[i].len = strlen(data[i]);
	}
	return n;
}

static void
tree_commits(const char *dir, size_t step, git_oid *tree)
{
	struct fq_error err = FQ_ERROR_INIT;
	static struct fq_change ch[NTREE];
	static char paths[NTREE][64], data[NTREE][64];
	char *saved = repo, *gone;
	git_repository *r;
	git_commit *head;
	fq_store *s;
	size_t n, i;
	int round;

	repo = fq_test_path(tmp, dir);
	s = new_locked_store();
	for (round = 1; round <= 2; round++) {
		n = tree_changes(ch, paths, data, round);
		ck_assert_uint_le(n, NTREE);
		for (i = 0; i < n; i += step)
			ck_assert_msg(fq_store_commit(s, ch + i, n - i < step ?
				n - i : step, "tree", NULL, &err) == FQ_OK,
				"%s", err.msg);
	}
	ck_assert_uint_eq(git_dirty(), 0);
	gone = fq_test_path(repo, "cases/2024/03");
	ck_assert(!fq_test_exists(gone));	/* emptied: removed */
	free(gone);
	r = git_open();
	head = git_head(r);
	git_oid_cpy(tree, git_commit_tree_id(head));
	git_commit_free(head);
	git_repository_free(r);
	fq_store_free(s);
	free(repo);
	repo = saved;
}

START_TEST(test_store_commit_bulk_tree)
{
	git_oid bulk, few;

	tree_commits("bulk", NTREE, &bulk);
	tree_commits("few", 16, &few);
	ck_assert_msg(git_oid_equal(&bulk, &few), "bulk %s, a few at a time "
		"%s", git_oid_tostr_s(&bulk), git_oid_tostr_s(&few));
}
END_TEST

/*
 * A bulk commit in repository dir: 200 new files in four directories,
 * every third given compressed, two with the same bytes (the pack is
 * then written twice); FQ_IMPORT_THREADS as threads (NULL: unset).
 * The tree id in tree, the pack's name in pack.
 */
static void
bulk_in(const char *dir, const char *threads, git_oid *tree, char *pack,
	size_t packsize)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change ch[200];
	size_t zl[200], i;
	static char paths[200][64], data[200][64];
	static unsigned char z[200][96];
	char *saved = repo, *packdir;
	git_repository *r;
	git_commit *head;
	bool committed = false;
	fq_store *s;
	DIR *d;
	struct dirent *de;

	repo = fq_test_path(tmp, dir);
	s = new_locked_store();
	for (i = 0; i < 200; i++) {
		uLongf zlen = sizeof(z[i]);

		snprintf(paths[i], sizeof(paths[i]),
			"cases/2024/%02zu/QSZ-2024-%06zu.yaml", 3 + i / 50,
			i + 1);
		snprintf(data[i], sizeof(data[i]), "n: %zu\n", i == 7 ? 6 : i);
		ch[i].path = paths[i];
		ch[i].len = strlen(data[i]);
		ch[i].data = data[i];
		zl[i] = 0;
		if (i % 3 == 0) {
			ck_assert_int_eq(compress2(z[i], &zlen,
				(const Bytef *)data[i], ch[i].len, 1), Z_OK);
			ch[i].data = (const char *)z[i];
			zl[i] = zlen;
		}
	}
	if (threads)
		setenv("FQ_IMPORT_THREADS", threads, 1);
	else
		unsetenv("FQ_IMPORT_THREADS");
	ck_assert_msg(fq_store_commit_z(s, ch, zl, 200, "bulk", &committed,
		&err) == FQ_OK, "%s", err.msg);
	unsetenv("FQ_IMPORT_THREADS");
	ck_assert(committed);
	for (i = 0; i < 200; i++) {
		char *got = read_rel(paths[i]);

		ck_assert_str_eq(got, data[i]);
		free(got);
	}
	ck_assert_uint_eq(git_dirty(), 0);
	r = git_open();
	head = git_head(r);
	git_oid_cpy(tree, git_commit_tree_id(head));
	git_commit_free(head);
	git_repository_free(r);
	packdir = fq_test_path(repo, ".git/objects/pack");
	ck_assert_ptr_nonnull(d = opendir(packdir));
	pack[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		ck_assert_msg(strncmp(de->d_name, "tmp_", 4) != 0,
			"%s is left", de->d_name);
		if (strstr(de->d_name, ".pack")) {
			ck_assert_msg(!pack[0], "two packs");
			snprintf(pack, packsize, "%s", de->d_name);
		}
	}
	closedir(d);
	ck_assert(pack[0]);
	free(packdir);
	fq_store_free(s);
	free(repo);
	repo = saved;
}

/* The bytes of a file, NULs and all. */
static void
whole_file(const char *path, struct fq_buf *out)
{
	char chunk[8192];
	ssize_t k;
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		fq_buf_add(out, chunk, (size_t)k);
	ck_assert_int_eq(k, 0);
	close(fd);
}

/* The threaded bulk commit writes the bytes the one-thread one does. */
START_TEST(test_store_commit_bulk_threads)
{
	git_oid t1, t2;
	char p1[300], p2[300];
	char *a, *b, *pa, *pb;
	struct fq_buf x = FQ_BUF_INIT, y = FQ_BUF_INIT;

	bulk_in("one", "1", &t1, p1, sizeof(p1));
	bulk_in("two", NULL, &t2, p2, sizeof(p2));
	ck_assert(git_oid_equal(&t1, &t2));
	ck_assert_str_eq(p1, p2);
	a = fq_test_path(tmp, "one/.git/objects/pack");
	b = fq_test_path(tmp, "two/.git/objects/pack");
	pa = fq_test_path(a, p1);
	pb = fq_test_path(b, p2);
	whole_file(pa, &x);
	whole_file(pb, &y);
	ck_assert_uint_eq(x.len, y.len);
	ck_assert(!memcmp(x.buf, y.buf, x.len));
	/* 199 distinct blobs: the copy is not in the pack */
	ck_assert_uint_ge(x.len, 12);
	ck_assert_uint_eq((unsigned char)x.buf[11], 199);
	ck_assert_uint_eq((unsigned char)x.buf[10], 0);
	fq_buf_release(&x);
	fq_buf_release(&y);
	free(a);
	free(b);
	free(pa);
	free(pb);
}
END_TEST

/* No tmp_pack_ or tmp_idx_ left in the repository's pack directory. */
static void
no_tmp_pack(void)
{
	char *p = fq_test_path(repo, ".git/objects/pack");
	struct dirent *d;
	DIR *dir = opendir(p);

	if (dir) {
		while ((d = readdir(dir)) != NULL)
			ck_assert_msg(strncmp(d->d_name, "tmp_", 4) != 0,
				"left behind: %s", d->d_name);
		closedir(dir);
	}
	free(p);
}

/* A working file that cannot be written (its directory is a file) fails
 * the bulk commit, threaded or not: nothing committed, the files written
 * before it gone, no temporary pack left. */
START_TEST(test_store_commit_bulk_file_fails)
{
	static const char *const modes[] = { "1", "2" };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change ch[100];
	char paths[100][64];
	size_t i, m;
	fq_store *s = new_locked_store();
	bool committed = true;

	for (i = 0; i < 100; i++) {
		snprintf(paths[i], sizeof(paths[i]),
			"cases/2024/%02d/QSZ-2024-%06zu.yaml", i < 90 ? 3 : 5,
			i + 1);
		ch[i].path = paths[i];
		ch[i].data = "x: 1\n";
		ch[i].len = 5;
	}
	commit1(s, "cases/2024/04/QSZ-2024-000999.yaml", "x: 0\n", "one");
	write_rel("cases/2024/05", "in the way\n");
	for (m = 0; m < 2; m++) {
		setenv("FQ_IMPORT_THREADS", modes[m], 1);
		ck_assert_int_lt(fq_store_commit(s, ch, 100, "bulk",
			&committed, &err), 0);
		unsetenv("FQ_IMPORT_THREADS");
		ck_assert(!committed);
		ck_assert_msg(strstr(err.msg, "cases/2024/05"), "%s", err.msg);
		ck_assert_int_eq(count_commits(), 2);
		ck_assert(!exists_rel(paths[0]));
		ck_assert(!exists_rel(paths[89]));
		no_tmp_pack();
	}
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_needs_lock)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	struct fq_change ch = { CASE1, "a: 1\n", 5 };
	bool committed = true;

	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "x", &committed, &err),
		FQ_ERROR);
	ck_assert(!committed);
	ck_assert(!exists_rel(CASE1));
	ck_assert_int_eq(count_commits(), 1);

	/* And after an unlock. */
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_OK);
	fq_store_unlock(s);
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "x", NULL, &err),
		FQ_ERROR);
	ck_assert(!exists_rel(CASE1));
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_bad_message)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch = { CASE1, "a: 1\n", 5 };

	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "", NULL, &err),
		FQ_EUSAGE);
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, NULL, NULL, &err),
		FQ_EUSAGE);
	ck_assert(!exists_rel(CASE1));
	fq_store_free(s);
}
END_TEST

static const char *const bad_paths[] = {
	"../x",
	"/etc/passwd",
	"cases/../../x",
	".git/config",
	".GIT/config",
	"cases/.git/x",
	"cases//x.yaml",
	"cases/./x.yaml",
	"cases/",
	".",
	"..",
	"",
	"cases/2024/..",
};

START_TEST(test_store_commit_bad_paths)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[2] = {
		{ CASE1, "a: 1\n", 5 },
		{ bad_paths[_i], "x\n", 2 },
	};
	git_oid before, after;
	char *p;

	head_oid(&before);
	/* The bad path second: nothing is written for the good one. */
	ck_assert_int_eq(fq_store_commit(s, ch, 2, "x", NULL, &err),
		FQ_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "outside the repository"));
	ch[1].data = NULL;
	ck_assert_int_eq(fq_store_commit(s, &ch[1], 1, "x", NULL, &err),
		FQ_EUSAGE);
	head_oid(&after);
	ck_assert(git_oid_equal(&before, &after));
	ck_assert(!exists_rel(CASE1));
	p = fq_test_path(tmp, "x");
	ck_assert(!fq_test_exists(p));
	free(p);
	p = read_rel(".git/config");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_ne(p, "x\n");
	free(p);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_duplicate)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[] = {
		{ CASE1, "a: 1\n", 5 },
		{ CASE2, "a: 2\n", 5 },
		{ CASE1, NULL, 0 },
	};

	ck_assert_int_eq(fq_store_commit(s, ch, 3, "x", NULL, &err),
		FQ_EUSAGE);
	ck_assert(!exists_rel(CASE1));
	ck_assert(!exists_rel(CASE2));
	fq_store_free(s);
}
END_TEST

/*
 * Test: a symbolic link at a case path, pointing outside the repository.
 * Description: the commit replaces the link with a regular file; the
 * file it pointed to is untouched.  A link in place of a directory on the
 * way is refused.
 */
START_TEST(test_store_commit_symlink)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	char *outside = fq_test_path(tmp, "outside.txt");
	char *outdir = fq_test_path(tmp, "outdir");
	char *dir = fq_test_path(repo, "cases/2024/03");
	char *link = fq_test_path(repo, CASE1);
	char *got, *p;
	struct stat st;
	struct fq_change ch = { "cases/2025/01/QSZ-2025-000001.yaml", "x\n",
		2 };

	fq_test_write_file(outside, "secret\n");
	p = fq_test_path(repo, "cases/2024");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(symlink(outside, link), 0);

	ck_assert(commit1(s, CASE1, "id: QSZ-2024-000001\n", "fq-new: 1"));
	got = fq_test_read_file(outside);
	ck_assert_str_eq(got, "secret\n");
	free(got);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	got = read_rel(CASE1);
	ck_assert_str_eq(got, "id: QSZ-2024-000001\n");
	free(got);

	/* cases/2025 is a link to a directory outside. */
	ck_assert_int_eq(mkdir(outdir, 0700), 0);
	p = fq_test_path(repo, "cases/2025");
	ck_assert_int_eq(symlink(outdir, p), 0);
	free(p);
	ck_assert_int_eq(fq_store_commit(s, &ch, 1, "x", NULL, &err),
		FQ_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a directory"));
	p = fq_test_path(outdir, "01");
	ck_assert(!fq_test_exists(p));
	free(p);
	ck_assert(!head_has(ch.path));

	free(outside);
	free(outdir);
	free(dir);
	free(link);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_commit_author_config)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	git_repository *r = git_open();
	git_config *cfg = NULL;
	git_commit *c;
	char *gc;

	/* Repository config wins over the fallback... */
	ck_assert_int_eq(git_repository_config(&cfg, r), 0);
	ck_assert_int_eq(git_config_set_string(cfg, "user.name", "王五"), 0);
	ck_assert_int_eq(git_config_set_string(cfg, "user.email",
		"wang@example.org"), 0);
	git_config_free(cfg);
	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	c = git_head(r);
	ck_assert_str_eq(git_commit_author(c)->name, "王五");
	ck_assert_str_eq(git_commit_author(c)->email, "wang@example.org");
	git_commit_free(c);

	/* ...and fq_store_set_author wins over config, field by field. */
	fq_store_set_author(s, "赵六", NULL);
	ck_assert(commit1(s, CASE2, "a: 2\n", "two"));
	c = git_head(r);
	ck_assert_str_eq(git_commit_author(c)->name, "赵六");
	ck_assert_str_eq(git_commit_author(c)->email, "wang@example.org");
	git_commit_free(c);
	git_repository_free(r);
	fq_store_free(s);

	/* The global config (isolated to the test's directory) counts. */
	gc = fq_test_path(tmp, "gitconfig/.gitconfig");
	fq_test_write_file(gc, "[user]\n\tname = Global\n\temail = g@x.org\n");
	free(gc);
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_OK);
	r = git_open();
	ck_assert_int_eq(git_repository_config(&cfg, r), 0);
	ck_assert_int_eq(git_config_delete_entry(cfg, "user.name"), 0);
	ck_assert_int_eq(git_config_delete_entry(cfg, "user.email"), 0);
	git_config_free(cfg);
	fq_store_free(s);
	ck_assert_int_eq(fq_store_open(&s, repo, &err), FQ_OK);
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_OK);
	ck_assert(commit1(s, CASE3, "a: 3\n", "three"));
	c = git_head(r);
	ck_assert_str_eq(git_commit_author(c)->name, "Global");
	git_commit_free(c);
	git_repository_free(r);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_next_id.
 */
START_TEST(test_store_next_id)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	char id[FQ_ID_MAX];

	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2024-000001");
	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2024-000002");
	ck_assert(commit1(s, CASE2, "a: 2\n", "two"));
	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2024-000003");

	/* Each year counts on its own. */
	ck_assert_int_eq(fq_store_next_id(s, 2025, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2025-000001");
	ck_assert(commit1(s, "cases/2025/01/QSZ-2025-000001.yaml", "a: 1\n",
		"2025"));
	ck_assert_int_eq(fq_store_next_id(s, 2025, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2025-000002");
	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2024-000003");

	/* The highest number in any month; other units and other names do
	 * not count; only HEAD counts, not the working tree. */
	ck_assert(commit1(s, "cases/2024/07/QSZ-2024-000050.yaml", "a\n",
		"50"));
	ck_assert(commit1(s, "cases/2024/08/ABC-2024-000090.yaml", "a\n", "x"));
	ck_assert(commit1(s, "cases/2024/08/QSZ-2024-000091.yml", "a\n", "x"));
	ck_assert(commit1(s, "cases/2024/08/QSZ-2024-00092.yaml", "a\n", "x"));
	write_rel("cases/2024/08/QSZ-2024-000099.yaml", "not committed\n");
	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_OK);
	ck_assert_str_eq(id, "QSZ-2024-000051");
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_next_id_errors)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	char id[FQ_ID_MAX] = "x";

	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_ERROR);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_store_next_id(s, 1899, id, &err), FQ_EUSAGE);
	ck_assert_int_eq(fq_store_next_id(s, 3000, id, &err), FQ_EUSAGE);
	ck_assert_int_eq(fq_store_next_id(s, -1, id, &err), FQ_EUSAGE);
	ck_assert(commit1(s, "cases/2024/12/QSZ-2024-999999.yaml", "a\n", "x"));
	ck_assert_int_eq(fq_store_next_id(s, 2024, id, &err), FQ_ERROR);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_find.
 */
static const char *const not_ids[] = {
	"../../x",
	"QSZ-2024-00001",
	"qsz-2024-000001",
	"QSZ-2024-000001.yaml",
	"cases/2024/03/QSZ-2024-000001",
	"",
};

START_TEST(test_store_find)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	ck_assert(commit1(s, CASE3, "a: 3\n", "three"));
	ck_assert_int_eq(fq_store_find(s, "QSZ-2024-000001", &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, CASE1);
	ck_assert_int_eq(fq_store_find(s, "QSZ-2024-000003", &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, CASE3);

	ck_assert_int_eq(fq_store_find(s, "QSZ-2024-000002", &b, &err),
		FQ_ENOTFOUND);
	ck_assert_str_eq(err.msg, "no such case: QSZ-2024-000002");
	ck_assert_int_eq(fq_store_find(s, "QSZ-2023-000001", &b, &err),
		FQ_ENOTFOUND);
	ck_assert_int_eq(fq_store_find(s, "ABC-2024-000001", &b, &err),
		FQ_ENOTFOUND);

	/* A file only in the working tree is not a case yet. */
	write_rel(CASE2, "a: 2\n");
	ck_assert_int_eq(fq_store_find(s, "QSZ-2024-000002", &b, &err),
		FQ_ENOTFOUND);
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_find_bad_id)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	struct fq_buf b = FQ_BUF_INIT;
	char want[128];

	fq_buf_adds(&b, "junk");
	ck_assert_int_eq(fq_store_find(s, not_ids[_i], &b, &err), FQ_EUSAGE);
	snprintf(want, sizeof(want), "not a case ID: '%s'", not_ids[_i]);
	ck_assert_str_eq(err.msg, want);
	ck_assert_str_eq(b.buf, "");
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

/*
 * The lock.
 */

/*
 * In a child: open the store, take the lock, write one byte to ready,
 * then hold the lock until hold_ms has passed (hold_ms > 0) or until
 * release reaches end of file (hold_ms == 0) or forever (hold_ms < 0).
 * Plain code only: no ck_assert in a child.
 */
static pid_t
lock_in_child(int hold_ms, int *release_fd)
{
	int ready[2], release[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(release), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct fq_error err = FQ_ERROR_INIT;
		fq_store *s = NULL;
		int rc = 1;

		close(ready[0]);
		close(release[1]);
		if (fq_store_open(&s, repo, &err) == FQ_OK &&
		    fq_store_lock(s, 0, &err) == FQ_OK) {
			rc = 0;
			if (write(ready[1], "x", 1) != 1)
				rc = 2;
			if (hold_ms > 0) {
				struct timespec ts = { hold_ms / 1000,
					(hold_ms % 1000) * 1000000L };

				nanosleep(&ts, NULL);
			} else if (hold_ms == 0) {
				while (read(release[0], &c, 1) > 0)
					;
			} else {
				for (;;)
					pause();
			}
		}
		fq_store_free(s);
		_exit(rc);
	}
	close(ready[1]);
	close(release[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	if (release_fd)
		*release_fd = release[1];
	else
		close(release[1]);
	return pid;
}

static void
reap(pid_t pid, bool killed)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (killed) {
		ck_assert(WIFSIGNALED(status));
		ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	} else {
		ck_assert(WIFEXITED(status));
	}
}

START_TEST(test_store_lock_busy)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	long long t0, waited;
	int release;
	pid_t pid = lock_in_child(0, &release);

	t0 = now_ms();
	ck_assert_int_eq(fq_store_lock(s, 200, &err), FQ_ELOCKED);
	waited = now_ms() - t0;
	ck_assert_int_ge(waited, 200);
	ck_assert_int_lt(waited, 10000);
	ck_assert_int_eq(err.code, FQ_ELOCKED);
	ck_assert_str_eq(err.msg, "repository is busy: another fq command "
		"is writing (waited 0.2 s)");
	/* Without waiting at all. */
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_ELOCKED);

	/* The other writer finishes: the lock is ours at once. */
	close(release);
	reap(pid, false);
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_OK);
	ck_assert(commit1(s, CASE1, "a: 1\n", "after the wait"));
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_lock_waits)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	long long t0, waited;
	pid_t pid = lock_in_child(300, NULL);

	t0 = now_ms();
	ck_assert_msg(fq_store_lock(s, 20000, &err) == FQ_OK, "%s", err.msg);
	waited = now_ms() - t0;
	ck_assert_int_ge(waited, 100);
	ck_assert_int_lt(waited, 20000);
	reap(pid, false);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_lock_killed)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_store();
	pid_t pid = lock_in_child(-1, NULL);

	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_ELOCKED);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	reap(pid, true);
	/* No stale lock: free at once, no timeout needed. */
	ck_assert_int_eq(fq_store_lock(s, 0, &err), FQ_OK);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_lock_same_process)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *a = new_store(), *b = NULL;
	struct stat st;
	char *p;

	ck_assert_int_eq(fq_store_open(&b, repo, &err), FQ_OK);
	ck_assert_int_eq(fq_store_lock(a, 0, &err), FQ_OK);
	/* Re-entrant use of one store is a programming error. */
	ck_assert_int_eq(fq_store_lock(a, 0, &err), FQ_ERROR);
	/* A second store is another writer. */
	ck_assert_int_eq(fq_store_lock(b, 50, &err), FQ_ELOCKED);
	fq_store_unlock(a);
	fq_store_unlock(a);	/* harmless */
	ck_assert_int_eq(fq_store_lock(b, 0, &err), FQ_OK);
	ck_assert_int_eq(fq_store_lock(a, 0, &err), FQ_ELOCKED);
	/* fq_store_free releases it. */
	fq_store_free(b);
	ck_assert_int_eq(fq_store_lock(a, 0, &err), FQ_OK);

	p = fq_test_path(repo, ".git/fq/lock");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	free(p);
	fq_store_free(a);
	fq_store_unlock(NULL);
	fq_store_free(NULL);
}
END_TEST

/*
 * fq_store_foreach.
 */
struct seen {
	char paths[16][64];
	char oids[16][41];
	int n, stop_at, stop_with;
};

static int
collect(const char *relpath, const char *oid, void *data)
{
	struct seen *v = data;

	ck_assert_int_lt(v->n, 16);
	snprintf(v->paths[v->n], sizeof(v->paths[0]), "%s", relpath);
	snprintf(v->oids[v->n], sizeof(v->oids[0]), "%s", oid);
	v->n++;
	return v->n == v->stop_at ? v->stop_with : 0;
}

START_TEST(test_store_foreach)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_change ch[] = {
		{ CASE3, "c: 3\n", 5 },
		{ CASE1, "c: 1\n", 5 },
		{ "cases/2023/12/QSZ-2023-000009.yaml", "c: 9\n", 5 },
		{ CASE2, "c: 2\n", 5 },
		{ "cases/2024/03/notes.txt", "n\n", 2 },
		{ "cases/README", "r\n", 2 },
	};
	struct seen v = { .stop_at = -1 };
	char hex[41];
	git_oid oid;

	ck_assert_int_eq(fq_store_commit(s, ch, 6, "x", NULL, &err), FQ_OK);
	ck_assert_int_eq(fq_store_foreach(s, collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 4);
	ck_assert_str_eq(v.paths[0], "cases/2023/12/QSZ-2023-000009.yaml");
	ck_assert_str_eq(v.paths[1], CASE1);
	ck_assert_str_eq(v.paths[2], CASE2);
	ck_assert_str_eq(v.paths[3], CASE3);
	ck_assert_int_eq(git_odb_hash(&oid, "c: 1\n", 5, GIT_OBJECT_BLOB), 0);
	ck_assert_str_eq(v.oids[1], git_oid_tostr(hex, sizeof(hex), &oid));
	ck_assert_uint_eq(strlen(v.oids[0]), 40);

	/* fn's non-zero return stops the walk and comes back as is. */
	memset(&v, 0, sizeof(v));
	v.stop_at = 2;
	v.stop_with = 7;
	ck_assert_int_eq(fq_store_foreach(s, collect, &v, &err), 7);
	ck_assert_int_eq(v.n, 2);
	fq_store_free(s);
}
END_TEST

START_TEST(test_store_foreach_empty)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct seen v = { .stop_at = -1 };

	ck_assert_int_eq(fq_store_foreach(s, collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 0);
	/* No cases/ at all. */
	ck_assert(commit1(s, "cases/.keep", NULL, "rm keep"));
	ck_assert(!head_has("cases"));
	ck_assert_int_eq(fq_store_foreach(s, collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 0);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_read_head.
 */
START_TEST(test_store_read_head)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_int_eq(fq_store_read_head(s, "fq.yaml", &b, &err), FQ_OK);
	ck_assert_ptr_nonnull(strstr(b.buf, "unit: QSZ\n"));
	fq_buf_reset(&b);

	/* HEAD, not the working tree. */
	ck_assert(commit1(s, CASE1, "a: 1\n", "one"));
	write_rel(CASE1, "a: changed\n");
	ck_assert_int_eq(fq_store_read_head(s, CASE1, &b, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "a: 1\n");
	fq_buf_reset(&b);

	ck_assert_int_eq(fq_store_read_head(s, CASE2, &b, &err), FQ_ENOTFOUND);
	ck_assert_int_eq(fq_store_read_head(s, "cases", &b, &err),
		FQ_ENOTFOUND);
	ck_assert_str_eq(b.buf, "");
	fq_buf_release(&b);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_stray.
 */
static bool
has_path(const struct fq_buf *paths, size_t n, const char *want)
{
	const char *p = paths->buf;
	size_t i;

	for (i = 0; i < n; i++, p += strlen(p) + 1)
		if (!strcmp(p, want))
			return true;
	return false;
}

START_TEST(test_store_stray)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct fq_buf paths = FQ_BUF_INIT;
	struct fq_change ch[] = {
		{ CASE1, "c: 1\n", 5 },
		{ CASE2, "c: 2\n", 5 },
	};
	size_t n = 99;
	char *p;

	ck_assert_int_eq(fq_store_commit(s, ch, 2, "two", NULL, &err), FQ_OK);
	ck_assert_int_eq(fq_store_stray(s, &paths, &n, &err), FQ_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(paths.len, 0);

	write_rel(CASE1, "c: modified\n");		/* modified */
	p = fq_test_path(repo, CASE2);
	ck_assert_int_eq(unlink(p), 0);			/* deleted */
	free(p);
	write_rel("cases/2024/03/QSZ-2024-000005.yaml", "new\n");  /* added */
	write_rel("README", "outside cases/: not reported\n");
	ck_assert_int_eq(fq_store_stray(s, &paths, &n, &err), FQ_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert(has_path(&paths, n, CASE1));
	ck_assert(has_path(&paths, n, CASE2));
	ck_assert(has_path(&paths, n, "cases/2024/03/QSZ-2024-000005.yaml"));

	/* fq.yaml too; a new directory is listed file by file. */
	write_rel("fq.yaml", "unit: QSZ\nname: changed\n");
	p = fq_test_path(repo, "cases/2030");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	write_rel("cases/2030/x.yaml", "x\n");
	fq_buf_reset(&paths);
	ck_assert_int_eq(fq_store_stray(s, &paths, &n, &err), FQ_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert(has_path(&paths, n, "fq.yaml"));
	ck_assert(has_path(&paths, n, "cases/2030/x.yaml"));

	/* Committing the working files makes it clean again. */
	{
		struct fq_change fix[] = {
			{ CASE1, "c: modified\n", 12 },
			{ CASE2, NULL, 0 },
			{ "cases/2024/03/QSZ-2024-000005.yaml", "new\n", 4 },
			{ "cases/2030/x.yaml", "x\n", 2 },
			{ "fq.yaml", "unit: QSZ\nname: changed\n", 25 },
		};

		ck_assert_int_eq(fq_store_commit(s, fix, 5, "repair", NULL,
			&err), FQ_OK);
	}
	fq_buf_reset(&paths);
	ck_assert_int_eq(fq_store_stray(s, &paths, &n, &err), FQ_OK);
	ck_assert_uint_eq(n, 0);

	/* A file under cases/ that a gitignore hides is still stray. */
	write_rel(".gitignore", "*.bak\n");
	write_rel("cases/junk.bak", "x\n");
	ck_assert_int_eq(fq_store_stray(s, &paths, &n, &err), FQ_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(paths.buf, "cases/junk.bak");
	fq_buf_release(&paths);
	fq_store_free(s);
}
END_TEST

/*
 * fq_store_log.
 */
struct logged {
	char summary[8][64];
	char name[8][32];
	char commit[8][41];
	long long when[8];
	int n, stop_at;
};

static int
log_collect(const char *commit, const char *name, const char *email,
	long long when, int offset, const char *summary, void *data)
{
	struct logged *v = data;

	ck_assert_int_lt(v->n, 8);
	ck_assert_uint_eq(strlen(commit), 40);
	ck_assert_str_eq(email, "zhang@example.org");
	snprintf(v->summary[v->n], sizeof(v->summary[0]), "%s", summary);
	snprintf(v->name[v->n], sizeof(v->name[0]), "%s", name);
	snprintf(v->commit[v->n], sizeof(v->commit[0]), "%s", commit);
	v->when[v->n] = when;
	(void)offset;
	v->n++;
	return v->n == v->stop_at ? -42 : 0;
}

START_TEST(test_store_log)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = new_locked_store();
	struct logged v = { .stop_at = -1 };
	char hex[41];
	git_oid head;
	long long now = (long long)time(NULL);

	fq_store_set_author(s, "张三", "zhang@example.org");
	ck_assert(commit1(s, CASE1, "a: 1\n", "fq-new: 1"));
	ck_assert(commit1(s, CASE2, "a: 2\n", "fq-new: 2"));
	ck_assert(commit1(s, CASE1, "a: 1 more\n", "fq-note: 1"));
	ck_assert(commit1(s, CASE2, "a: 2 more\n", "fq-note: 2"));
	ck_assert(commit1(s, CASE1, NULL, "fq-delete: 1"));
	head_oid(&head);

	ck_assert_int_eq(fq_store_log(s, CASE1, log_collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 3);
	ck_assert_str_eq(v.summary[0], "fq-delete: 1");
	ck_assert_str_eq(v.summary[1], "fq-note: 1");
	ck_assert_str_eq(v.summary[2], "fq-new: 1");
	ck_assert_str_eq(v.name[0], "张三");
	ck_assert_str_eq(v.commit[0], git_oid_tostr(hex, sizeof(hex), &head));
	ck_assert_int_le(v.when[0] - now, 120);
	ck_assert_int_ge(v.when[0] - now, -120);

	memset(&v, 0, sizeof(v));
	v.stop_at = -1;
	ck_assert_int_eq(fq_store_log(s, CASE2, log_collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 2);
	ck_assert_str_eq(v.summary[0], "fq-note: 2");
	ck_assert_str_eq(v.summary[1], "fq-new: 2");

	memset(&v, 0, sizeof(v));
	v.stop_at = 1;
	ck_assert_int_eq(fq_store_log(s, CASE1, log_collect, &v, &err), -42);
	ck_assert_int_eq(v.n, 1);

	memset(&v, 0, sizeof(v));
	v.stop_at = -1;
	ck_assert_int_eq(fq_store_log(s, CASE3, log_collect, &v, &err), 0);
	ck_assert_int_eq(v.n, 0);
	fq_store_free(s);
}
END_TEST

Suite *
fq_store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("ids");
	tcase_add_loop_test(tc, test_store_unit_valid, 0,
		sizeof(units) / sizeof(units[0]));
	tcase_add_loop_test(tc, test_store_id_valid, 0,
		sizeof(ids) / sizeof(ids[0]));
	tcase_add_test(tc, test_store_id_null);
	tcase_add_test(tc, test_store_id_year);
	tcase_add_test(tc, test_store_case_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("init");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_init_creates);
	tcase_add_test(tc, test_store_init_author);
	tcase_add_test(tc, test_store_init_existing_dir);
	tcase_add_test(tc, test_store_init_twice);
	tcase_add_test(tc, test_store_init_bad_opts);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_open_dir);
	tcase_add_test(tc, test_store_open_walks_up);
	tcase_add_test(tc, test_store_open_not_found);
	tcase_add_test(tc, test_store_open_bad_config);
	tcase_add_test(tc, test_store_private_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("commit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_commit_writes);
	tcase_add_test(tc, test_store_commit_private);
	tcase_add_test(tc, test_store_commit_noop);
	tcase_add_test(tc, test_store_commit_delete);
	tcase_add_test(tc, test_store_commit_many);
	tcase_add_test(tc, test_store_commit_bulk);
	tcase_add_test(tc, test_store_commit_bulk_dirs);
	tcase_add_test(tc, test_store_commit_bulk_tree);
	tcase_add_test(tc, test_store_read_blob);
	tcase_add_test(tc, test_store_commit_z);
	tcase_add_test(tc, test_store_commit_bulk_threads);
	tcase_add_test(tc, test_store_commit_bulk_file_fails);
	tcase_add_test(tc, test_store_commit_needs_lock);
	tcase_add_test(tc, test_store_commit_bad_message);
	tcase_add_loop_test(tc, test_store_commit_bad_paths, 0,
		sizeof(bad_paths) / sizeof(bad_paths[0]));
	tcase_add_test(tc, test_store_commit_duplicate);
	tcase_add_test(tc, test_store_commit_symlink);
	tcase_add_test(tc, test_store_commit_author_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("next_id");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_next_id);
	tcase_add_test(tc, test_store_next_id_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("find");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_find);
	tcase_add_loop_test(tc, test_store_find_bad_id, 0,
		sizeof(not_ids) / sizeof(not_ids[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("lock");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_lock_busy);
	tcase_add_test(tc, test_store_lock_waits);
	tcase_add_test(tc, test_store_lock_killed);
	tcase_add_test(tc, test_store_lock_same_process);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_foreach);
	tcase_add_test(tc, test_store_foreach_empty);
	tcase_add_test(tc, test_store_read_head);
	tcase_add_test(tc, test_store_stray);
	tcase_add_test(tc, test_store_log);
	suite_add_tcase(s, tc);

	return s;
}
