/*
 * store.c: the case repository (see fq/store.h).
 *
 * This file, sync.c (through store_git.h) and sign.c are the only ones that
 * use libgit2.  Everything fq writes goes through store_commit(), in this
 * order (fq sync moves the branch with fq_store_move_to(), which keeps the
 * same order of working files, then branch, then index):
 *
 *	1. blobs		the new contents go into git's object store
 *	2. working files	each written to "<name>.tmpXXXXXX" beside the
 *				target, fsynced and renamed over it
 *	3. tree			HEAD's tree plus the changed entries only
 *				(git_tree_create_updated; nothing is rescanned)
 *	4. commit		the branch HEAD names moves to it
 *	5. index		the entries of the changed paths are refreshed
 *				from the files, so `git status` is clean
 *
 * A crash between 2 and 4 leaves working files that differ from HEAD;
 * fq_store_stray() finds them.  Steps 1 to 4 never touch the index, so a
 * crash before 5 costs at most a stale stat cache.
 *
 * Paths from callers are checked before any file is touched (relative, no
 * empty, ".", ".." or ".git" components), and working files are reached
 * with openat(O_NOFOLLOW) one component at a time: a symbolic link planted
 * in the working tree is never followed, and one at the target itself is
 * replaced by the rename, not written through.
 *
 * Privacy: the repository holds personal data.  fq_store_init() and
 * store_commit() set the umask to 077 while they run (libgit2 creates
 * objects, refs and the index with the process umask), and working files
 * are fchmod'ed to 0600.  The umask is process-wide; libfq is meant for
 * single-threaded commands.  fq_store_init() also sets core.sharedRepository
 * to 0600, so that the git command line keeps .git private as well.
 *
 * The writer lock is flock(2) on .git/fq/lock: the kernel drops it when the
 * holder exits, however it exits.
 */
#define _GNU_SOURCE		/* syncfs(2) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <nettle/sha1.h>
#include <zlib.h>
#ifdef FQ_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "fq/fault.h"
#include "fq/index.h"		/* fq_hash */
#include "fq/store.h"
#include "gitindex.h"
#include "internal.h"
#include "sign_git.h"
#include "store_git.h"

#define LOCK_POLL_MS 25

struct fq_store {
	git_repository *repo;
	char *root;		/* absolute, no trailing slash */
	char *private_dir;	/* <gitdir>/fq */
	struct fq_node *config;	/* fq.yaml */
	const char *unit;	/* borrowed from config */
	char *author_name, *author_email;
	int lock_fd;		/* -1 when the lock is not held */
	char *ref;		/* read-only view of this ref, or NULL: HEAD */
	int threads;		/* fq_store_set_threads(); 0: the default */
	pthread_t reaper;	/* removing the index before last */
	bool reaping;
	char *prev_path;	/* its name: <gitdir>/fq/index.prev */
};

/*
 * libgit2 setup: once per process.  The library is never shut down: the
 * few bytes it keeps are reachable until exit.
 */
static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_init_result;

static void
git_init_once(void)
{
	fq_tls_defer(true);	/* tls.c: the certificates when needed */
	git_init_result = git_libgit2_init();
	fq_tls_defer(false);
}

/*
 * libgit2's initialization was a third of a short command's time (the
 * mbedTLS build parses all of the system's CA certificates, whether or
 * not anything goes over the network; lib/tls.c now defers that until a
 * remote needs them): fq_store_preload starts it on the second core
 * while the caller loads the schema.  The thread is joined
 * before libgit2 is used (and before a command can exit: what libcrypto
 * keeps per thread is freed as the thread ends).
 */
static pthread_mutex_t preload_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t preload_thread;
static bool preload_running;

static void *
preload_run(void *unused)
{
	(void)unused;
	pthread_once(&git_once, git_init_once);
	return NULL;
}

void
fq_store_preload(void)
{
	pthread_mutex_lock(&preload_lock);
	if (!preload_running)
		preload_running = pthread_create(&preload_thread, NULL,
			preload_run, NULL) == 0;
	pthread_mutex_unlock(&preload_lock);
}

void
fq_store_preload_wait(void)
{
	pthread_mutex_lock(&preload_lock);
	if (preload_running)
		pthread_join(preload_thread, NULL);
	preload_running = false;
	pthread_mutex_unlock(&preload_lock);
}

static int
git_setup(struct fq_error *err)
{
	fq_store_preload_wait();
	pthread_once(&git_once, git_init_once);
	if (git_init_result < 0)
		return fq_error_set(err, FQ_ERROR, "cannot initialize libgit2");
	return FQ_OK;
}

/* FQ_ERROR with context and libgit2's message. */
static int
git_fail(struct fq_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
git_fail(struct fq_error *err, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	int saved_errno = errno;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fq_l_fmt(fmt), ap);
	va_end(ap);
	/* libgit2 sets no message for some system errors (ENOSPC) */
	return fq_error_set(err, FQ_ERROR, "%s: %s", what,
		e && e->message ? e->message : saved_errno ?
		strerror(saved_errno) : FQ_L_("unknown libgit2 error"));
}

/* Copy s into out for a one-line message, control bytes as '?'. */
static const char *
printable(char *out, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
			'?' : s[i];
	out[i] = '\0';
	return out;
}

/*
 * IDs.
 */
static bool
is_unit_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

bool
fq_unit_valid(const char *unit)
{
	size_t n;

	if (!unit)
		return false;
	for (n = 0; unit[n]; n++)
		if (n >= FQ_UNIT_MAX || !is_unit_char(unit[n]))
			return false;
	return n >= 2;
}

bool
fq_id_valid(const char *id)
{
	const char *p = id;
	size_t n = 0;
	int i, year = 0;

	if (!id)
		return false;
	while (is_unit_char(*p)) {
		if (++n > FQ_UNIT_MAX)
			return false;
		p++;
	}
	if (n < 2 || *p++ != '-')
		return false;
	for (i = 0; i < 4; i++, p++) {
		if (!is_digit(*p))
			return false;
		year = year * 10 + (*p - '0');
	}
	if (*p++ != '-')
		return false;
	for (i = 0; i < 6; i++, p++)
		if (!is_digit(*p))
			return false;
	return *p == '\0' && year >= 1900 && year <= 2999;
}

int
fq_id_year(const char *id)
{
	const char *p = strchr(id, '-');
	int i, year = 0;

	if (!p)
		return -1;
	for (i = 1; i <= 4; i++) {
		if (!is_digit(p[i]))
			return -1;
		year = year * 10 + (p[i] - '0');
	}
	return year;
}

void
fq_store_case_path(struct fq_buf *out, const char *id, const char *iso_date)
{
	char year[16] = "0000", month[3] = "00";
	int y = fq_id_year(id);

	/*
	 * Only digits go into the path.  A date that is not YYYY-MM... is
	 * the caller's bug; the year then comes from the ID.
	 */
	if (iso_date && is_digit(iso_date[0]) && is_digit(iso_date[1]) &&
	    is_digit(iso_date[2]) && is_digit(iso_date[3]) &&
	    iso_date[4] == '-' && is_digit(iso_date[5]) &&
	    is_digit(iso_date[6])) {
		memcpy(year, iso_date, 4);
		memcpy(month, iso_date + 5, 2);
	} else if (y >= 0) {
		snprintf(year, sizeof(year), "%04d", y);
	}
	fq_buf_reset(out);
	fq_buf_addf(out, "cases/%s/%s/%s.yaml", year, month, id);
}

/*
 * Small file-system helpers.
 */

/* mkdir -p; directories it creates get mode (minus the umask). */
static int
mkdir_p(const char *path, mode_t mode, struct fq_error *err)
{
	char *p = fq_xstrdup(path), *s;
	struct stat st;
	int ret = FQ_OK;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				ret = fq_error_set(err, FQ_ERROR,
					"cannot create directory '%s': %s", p,
					strerror(errno));
				goto out;
			}
			*s = c;
		}
		if (!*s)
			break;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		ret = fq_error_set(err, FQ_ERROR, "not a directory: '%s'",
			path);
out:
	free(p);
	return ret;
}

static bool
exists(const char *dir, const char *name)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct stat st;
	int r;

	fq_buf_addf(&b, "%s/%s", dir, name);
	r = lstat(b.buf, &st);
	fq_buf_release(&b);
	return r == 0 || errno != ENOENT;
}

static bool
is_repo_dir(const char *dir)
{
	return exists(dir, "fq.yaml") && exists(dir, ".git");
}

/*
 * Opening and creating.
 */
static fq_store *
store_alloc(git_repository *repo, const char *root)
{
	fq_store *s = fq_xcalloc(1, sizeof(*s));
	struct fq_buf b = FQ_BUF_INIT;
	const char *gitdir = git_repository_path(repo);
	size_t n = strlen(gitdir);

	s->repo = repo;
	s->root = fq_xstrdup(root);
	while (n > 1 && gitdir[n - 1] == '/')
		n--;
	fq_buf_add(&b, gitdir, n);
	fq_buf_adds(&b, "/fq");
	s->private_dir = fq_buf_detach(&b, NULL);
	s->lock_fd = -1;
	return s;
}

void
fq_store_free(fq_store *s)
{
	if (!s)
		return;
	fq_store_unlock(s);
	git_repository_free(s->repo);
	fq_node_free(s->config);
	free(s->root);
	free(s->private_dir);
	free(s->author_name);
	free(s->author_email);
	free(s->ref);
	free(s->prev_path);
	free(s);
}

/* Check fq.yaml's shape and pick up the unit. */
static int
load_config(fq_store *s, struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT;
	const struct fq_node *unit;
	int ret;

	fq_buf_addf(&path, "%s/fq.yaml", s->root);
	ret = fq_yaml_load(&s->config, path.buf, err);
	if (ret < 0)
		goto out;
	if (s->config->kind != FQ_NODE_MAP) {
		ret = fq_error_setpos(err, FQ_EINVALID, path.buf,
			s->config->line, s->config->column,
			"fq.yaml must be a mapping of settings");
		goto out;
	}
	unit = fq_map_get(s->config, "unit");
	if (!unit || unit->kind != FQ_NODE_SCALAR ||
	    !fq_unit_valid(unit->str)) {
		const struct fq_node *at = unit ? unit : s->config;

		ret = fq_error_setpos(err, FQ_EINVALID, path.buf, at->line,
			at->column, unit ?
			"unit must be 2 to 12 of A-Z and 0-9" :
			FQ_N_("no unit code (unit: ...)"));
		goto out;
	}
	s->unit = unit->str;
out:
	fq_buf_release(&path);
	return ret;
}

int
fq_store_open(fq_store **out, const char *dir, struct fq_error *err)
{
	char *root = NULL, *cwd = NULL;
	git_repository *repo = NULL;
	fq_store *s = NULL;
	char shown[256];
	int ret;

	*out = NULL;
	if ((ret = git_setup(err)) < 0)
		return ret;

	if (dir) {
		root = realpath(dir, NULL);
		if (!root || !is_repo_dir(root)) {
			ret = fq_error_set(err, FQ_ENOTFOUND,
				"not an fq repository: %s",
				printable(shown, sizeof(shown), dir));
			goto out;
		}
	} else {
		char *p;

		cwd = getcwd(NULL, 0);
		if (!cwd) {
			ret = fq_error_set(err, FQ_ERROR,
				"cannot get the current directory: %s",
				strerror(errno));
			goto out;
		}
		root = fq_xstrdup(cwd);
		while (!is_repo_dir(root)) {
			p = strrchr(root, '/');
			if (!p || !strcmp(root, "/")) {
				ret = fq_error_set(err, FQ_ENOTFOUND,
					"not an fq repository (or any of the "
					"parent directories): %s",
					printable(shown, sizeof(shown), cwd));
				goto out;
			}
			if (p == root)
				p[1] = '\0';
			else
				*p = '\0';
		}
		p = realpath(root, NULL);
		if (!p) {
			ret = fq_error_set(err, FQ_ERROR,
				"cannot resolve '%s': %s", root,
				strerror(errno));
			goto out;
		}
		free(root);
		root = p;
	}

	if (git_repository_open_ext(&repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) < 0) {
		ret = git_fail(err, "cannot open the git repository in %s",
			root);
		goto out;
	}
	s = store_alloc(repo, root);
	repo = NULL;
	if ((ret = load_config(s, err)) < 0)
		goto out;
	*out = s;
	s = NULL;
	ret = FQ_OK;
out:
	fq_store_free(s);
	git_repository_free(repo);
	free(root);
	free(cwd);
	return ret;
}

static int store_commit(fq_store *s, const struct fq_change *changes,
	const size_t *zl, size_t n, const char *message, bool *committed,
	struct fq_error *err);

static int index_version_4(fq_store *s, struct fq_error *err);

int
fq_store_init(const char *dir, const struct fq_store_init_opts *opts,
	struct fq_error *err)
{
	git_repository_init_options io;
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct fq_node *conf = NULL;
	struct fq_buf yaml = FQ_BUF_INIT, msg = FQ_BUF_INIT;
	struct fq_change ch[2];
	fq_store *s = NULL;
	char *root = NULL;
	char shown[64];
	mode_t old_umask;
	int ret;

	if ((ret = git_setup(err)) < 0)
		return ret;
	if (!opts || !fq_unit_valid(opts->unit))
		return fq_error_set(err, FQ_EUSAGE,
			"not a unit code: '%s' (2 to 12 of A-Z and 0-9)",
			opts && opts->unit ?
			printable(shown, sizeof(shown), opts->unit) : "");
	if (!opts->name || !*opts->name)
		return fq_error_set(err, FQ_EUSAGE,
			"a repository needs a name (the office's name)");
	if (!dir || !*dir)
		return fq_error_set(err, FQ_EUSAGE, "no directory given");

	if ((ret = fq_sign_preflight(opts->author_name, opts->author_email,
	    err)) < 0)
		return ret;	/* a missing key: no half-made repository */
	old_umask = umask(077);
	if ((ret = mkdir_p(dir, 0700, err)) < 0)
		goto out;
	root = realpath(dir, NULL);
	if (!root) {
		ret = fq_error_set(err, FQ_ERROR, "cannot resolve '%s': %s",
			dir, strerror(errno));
		goto out;
	}
	if (exists(root, "fq.yaml")) {
		ret = fq_error_set(err, FQ_EEXISTS,
			"already an fq repository: %s", root);
		goto out;
	}
	if (exists(root, ".git")) {
		ret = fq_error_set(err, FQ_EEXISTS,
			"already a git repository: %s", root);
		goto out;
	}
	if (chmod(root, 0700) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot chmod '%s': %s",
			root, strerror(errno));
		goto out;
	}

	git_repository_init_options_init(&io,
		GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	io.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
	io.initial_head = "main";
	if (git_repository_init_ext(&repo, root, &io) < 0) {
		ret = git_fail(err, "cannot create a git repository in %s",
			root);
		goto out;
	}
	/*
	 * libfq writes under umask 077; this asks the git command line to
	 * keep .git private too when it rewrites the index or packs.
	 */
	/*
	 * Index version 4 stores each path against the one before it: at
	 * 100 000 cases git's index is 7 MB, not 10, and every write that
	 * splices it (lib/gitindex.c) copies and hashes a third less.  Git
	 * has read it since 1.8; index.version keeps it when git itself
	 * makes the index anew.
	 */
	if (git_repository_config(&cfg, repo) < 0 ||
	    git_config_set_string(cfg, "core.sharedRepository", "0600") < 0 ||
	    git_config_set_int32(cfg, "index.version", 4) < 0) {
		ret = git_fail(err, "cannot configure the git repository in %s",
			root);
		goto out;
	}

	conf = fq_node_new(FQ_NODE_MAP);
	fq_map_set_str(conf, "unit", opts->unit);
	fq_map_set_str(conf, "name", opts->name);
	if (opts->town && *opts->town)
		fq_map_set_str(conf, "town", opts->town);
	if (opts->level && *opts->level)
		fq_map_set_str(conf, "level", opts->level);
	if ((ret = fq_yaml_emit(&yaml, conf, err)) < 0)
		goto out;

	s = store_alloc(repo, root);
	repo = NULL;
	s->config = conf;
	conf = NULL;
	s->unit = fq_map_str(s->config, "unit");
	fq_store_set_author(s, opts->author_name, opts->author_email);
	if ((ret = fq_store_lock(s, 0, err)) < 0)
		goto out;

	ch[0].path = "fq.yaml";
	ch[0].data = yaml.buf;
	ch[0].len = yaml.len;
	ch[1].path = "cases/.keep";
	ch[1].data = "";
	ch[1].len = 0;
	fq_buf_addf(&msg, "fq-init: %s %s", opts->unit, opts->name);
	if ((ret = store_commit(s, ch, NULL, 2, msg.buf, NULL, err)) < 0)
		goto out;
	ret = index_version_4(s, err);
out:
	umask(old_umask);
	git_config_free(cfg);
	fq_store_free(s);
	git_repository_free(repo);
	fq_node_free(conf);
	fq_buf_release(&yaml);
	fq_buf_release(&msg);
	free(root);
	return ret;
}

/*
 * Accessors.
 */
const char *
fq_store_root(const fq_store *s)
{
	return s->root;
}

const struct fq_node *
fq_store_config(const fq_store *s)
{
	return s->config;
}

const char *
fq_store_unit(const fq_store *s)
{
	return s->unit;
}

const char *
fq_store_private_dir(fq_store *s)
{
	/* A failure shows up when the caller uses the directory. */
	if (mkdir(s->private_dir, 0700) == 0)
		chmod(s->private_dir, 0700);
	return s->private_dir;
}

void
fq_store_set_threads(fq_store *s, int n)
{
	s->threads = n > 0 ? n : 0;
}

int
fq_store_threads(const fq_store *s)
{
	return s->threads;
}

void
fq_store_set_author(fq_store *s, const char *name, const char *email)
{
	free(s->author_name);
	free(s->author_email);
	s->author_name = name && *name ? fq_xstrdup(name) : NULL;
	s->author_email = email && *email ? fq_xstrdup(email) : NULL;
}

/* The author: as set, else git's user.name/user.email, else fq. */
static int
make_signature(fq_store *s, git_signature **out, struct fq_error *err)
{
	git_config *cfg = NULL;
	const char *name = s->author_name, *email = s->author_email;
	int ret = FQ_OK;

	if ((!name || !email) &&
	    git_repository_config_snapshot(&cfg, s->repo) == 0) {
		if (!name && git_config_get_string(&name, cfg, "user.name") < 0)
			name = NULL;
		if (!email &&
		    git_config_get_string(&email, cfg, "user.email") < 0)
			email = NULL;
	}
	git_error_clear();
	if (!name || !*name)
		name = "fq";
	if (!email || !*email)
		email = "fq@localhost";
	if (git_signature_now(out, name, email) < 0)
		ret = git_fail(err, "bad author '%s <%s>'", name, email);
	git_config_free(cfg);
	return ret;
}

/*
 * The writer lock.
 */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * The index before last: the last commit gave it a second name (see
 * index_begin), so that freeing its blocks (on ext4 with discard, a
 * synchronous discard of 10 MB at 100,000 cases) was not part of that
 * commit.  It goes now, on a thread of its own, beside whatever this
 * writer does until it unlocks.  Only writers holding the lock touch it.
 */
static void *
reap_run(void *arg)
{
	unlink(arg);
	return NULL;
}

static void
reap_begin(fq_store *s)
{
	struct stat st;

	if (!s->prev_path) {
		struct fq_buf b = FQ_BUF_INIT;

		fq_buf_addf(&b, "%s/index.prev", s->private_dir);
		s->prev_path = fq_buf_detach(&b, NULL);
	}
	if (lstat(s->prev_path, &st) < 0)
		return;
	s->reaping = pthread_create(&s->reaper, NULL, reap_run,
		s->prev_path) == 0;
	if (!s->reaping)
		unlink(s->prev_path);
}

int
fq_store_lock(fq_store *s, int timeout_ms, struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT;
	long long start, left;
	int fd = -1, ret = FQ_OK;

	if (s->lock_fd >= 0)
		return fq_error_set(err, FQ_ERROR,
			"the repository lock is already held by this store");
	if (s->ref)
		return fq_error_set(err, FQ_ERROR,
			"%s is opened read-only (a branch of %s)", s->ref,
			s->root);
	fq_buf_addf(&path, "%s/lock", fq_store_private_dir(s));
	fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot open '%s': %s",
			path.buf, strerror(errno));
		goto out;
	}
	start = now_ms();
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			ret = fq_error_set(err, FQ_ERROR,
				"cannot lock '%s': %s", path.buf,
				strerror(errno));
			goto out;
		}
		left = (long long)timeout_ms - (now_ms() - start);
		if (left <= 0) {
			ret = fq_error_set(err, FQ_ELOCKED,
				"repository is busy: another fq command is "
				"writing (waited %g s)",
				(timeout_ms > 0 ? timeout_ms : 0) / 1000.0);
			goto out;
		}
		sleep_ms(left < LOCK_POLL_MS ? left : LOCK_POLL_MS);
	}
	s->lock_fd = fd;
	fd = -1;
	reap_begin(s);
out:
	if (fd >= 0)
		close(fd);
	fq_buf_release(&path);
	return ret;
}

void
fq_store_unlock(fq_store *s)
{
	if (!s || s->lock_fd < 0)
		return;
	if (s->reaping)
		pthread_join(s->reaper, NULL);
	s->reaping = false;
	/* Closing the only descriptor drops the flock. */
	close(s->lock_fd);
	s->lock_fd = -1;
}

/*
 * Reading HEAD.
 */

/* HEAD's commit and tree; both NULL when HEAD is unborn. */
static int
head_tree(fq_store *s, git_commit **commit, git_tree **tree,
	struct fq_error *err)
{
	git_oid oid;
	git_commit *c = NULL;
	int e;

	*tree = NULL;
	if (commit)
		*commit = NULL;
	e = git_reference_name_to_id(&oid, s->repo, s->ref ? s->ref : "HEAD");
	if (e == GIT_ENOTFOUND || e == GIT_EUNBORNBRANCH) {
		git_error_clear();
		return FQ_OK;
	}
	if (e < 0)
		return git_fail(err, "cannot resolve HEAD");
	if (git_commit_lookup(&c, s->repo, &oid) < 0)
		return git_fail(err, "cannot read HEAD");
	if (git_commit_tree(tree, c) < 0) {
		git_commit_free(c);
		return git_fail(err, "cannot read HEAD's tree");
	}
	if (commit)
		*commit = c;
	else
		git_commit_free(c);
	return FQ_OK;
}

/* The subtree at path in root, or NULL if there is none. */
static int
subtree(fq_store *s, git_tree **out, const git_tree *root, const char *path,
	struct fq_error *err)
{
	git_tree_entry *e = NULL;
	int r;

	*out = NULL;
	if (!root)
		return FQ_OK;
	r = git_tree_entry_bypath(&e, root, path);
	if (r == GIT_ENOTFOUND) {
		git_error_clear();
		return FQ_OK;
	}
	if (r < 0)
		return git_fail(err, "cannot read '%s' in HEAD", path);
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, s->repo, git_tree_entry_id(e)) < 0) {
		git_tree_entry_free(e);
		return git_fail(err, "cannot read '%s' in HEAD", path);
	}
	git_tree_entry_free(e);
	return FQ_OK;
}

/* Sequence number of "UNIT-YYYY-NNNNNN.yaml", or -1. */
static long
case_number(const char *name, const char *prefix, size_t plen)
{
	long n = 0;
	int i;

	if (strncmp(name, prefix, plen))
		return -1;
	name += plen;
	for (i = 0; i < 6; i++) {
		if (!is_digit(name[i]))
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return strcmp(name + 6, ".yaml") ? -1 : n;
}

int
fq_store_next_id(fq_store *s, int year, char out[FQ_ID_MAX],
	struct fq_error *err)
{
	git_tree *head = NULL, *ytree = NULL, *mtree = NULL;
	char prefix[FQ_UNIT_MAX + 8], ydir[16];
	size_t plen, i, j;
	long n;
	unsigned max = 0;
	int ret;

	out[0] = '\0';
	if (s->lock_fd < 0)
		return fq_error_set(err, FQ_ERROR,
			"a new case ID needs the repository lock");
	if (year < 1900 || year > 2999)
		return fq_error_set(err, FQ_EUSAGE,
			"year out of range: %d (1900 to 2999)", year);
	snprintf(prefix, sizeof(prefix), "%s-%04d-", s->unit, year);
	plen = strlen(prefix);
	snprintf(ydir, sizeof(ydir), "cases/%04d", year);

	if ((ret = head_tree(s, NULL, &head, err)) < 0)
		goto out;
	if ((ret = subtree(s, &ytree, head, ydir, err)) < 0)
		goto out;
	for (i = 0; ytree && i < git_tree_entrycount(ytree); i++) {
		const git_tree_entry *me = git_tree_entry_byindex(ytree, i);

		if (git_tree_entry_type(me) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&mtree, s->repo,
		    git_tree_entry_id(me)) < 0) {
			ret = git_fail(err, "cannot read '%s/%s' in HEAD",
				ydir, git_tree_entry_name(me));
			goto out;
		}
		for (j = 0; j < git_tree_entrycount(mtree); j++) {
			const git_tree_entry *e =
				git_tree_entry_byindex(mtree, j);

			n = case_number(git_tree_entry_name(e), prefix, plen);
			if (n > (long)max)
				max = (unsigned)n;
		}
		git_tree_free(mtree);
		mtree = NULL;
	}
	if (max >= 999999) {
		ret = fq_error_set(err, FQ_ERROR,
			"no case numbers left for %s in %d", s->unit, year);
		goto out;
	}
	snprintf(out, FQ_ID_MAX, "%s%06u", prefix, max + 1);
	ret = FQ_OK;
out:
	git_tree_free(mtree);
	git_tree_free(ytree);
	git_tree_free(head);
	return ret;
}

int
fq_store_find(fq_store *s, const char *id, struct fq_buf *relpath,
	struct fq_error *err)
{
	git_tree *head = NULL, *ytree = NULL, *mtree = NULL;
	char ydir[16], name[FQ_ID_MAX + 8], shown[64];
	size_t i;
	int ret;

	fq_buf_reset(relpath);
	if (!fq_id_valid(id))
		return fq_error_set(err, FQ_EUSAGE, "not a case ID: '%s'",
			id ? printable(shown, sizeof(shown), id) : "");
	snprintf(ydir, sizeof(ydir), "cases/%04d", fq_id_year(id) % 10000);
	snprintf(name, sizeof(name), "%.*s.yaml", FQ_ID_MAX - 1, id);

	if ((ret = head_tree(s, NULL, &head, err)) < 0)
		goto out;
	if ((ret = subtree(s, &ytree, head, ydir, err)) < 0)
		goto out;
	for (i = 0; ytree && i < git_tree_entrycount(ytree); i++) {
		const git_tree_entry *me = git_tree_entry_byindex(ytree, i);
		const git_tree_entry *e;

		if (git_tree_entry_type(me) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&mtree, s->repo,
		    git_tree_entry_id(me)) < 0) {
			ret = git_fail(err, "cannot read '%s/%s' in HEAD",
				ydir, git_tree_entry_name(me));
			goto out;
		}
		e = git_tree_entry_byname(mtree, name);
		if (e && git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			/* a copy by hand in another month: refuse to guess */
			if (relpath->len) {
				ret = fq_error_set(err, FQ_EINVALID, "case %s "
					"is in two files: %s and %s/%s/%s "
					"(run 'fq check')", id, relpath->buf,
					ydir, git_tree_entry_name(me), name);
				fq_buf_reset(relpath);
				goto out;
			}
			fq_buf_addf(relpath, "%s/%s/%s", ydir,
				git_tree_entry_name(me), name);
		}
		git_tree_free(mtree);
		mtree = NULL;
	}
	ret = relpath->len ? FQ_OK :
		fq_error_set(err, FQ_ENOTFOUND, "no such case: %s", id);
out:
	git_tree_free(mtree);
	git_tree_free(ytree);
	git_tree_free(head);
	return ret;
}

/*
 * Writing.
 */

/* Relative, no empty, ".", ".." or ".git" components. */
static bool
path_ok(const char *path)
{
	const char *p = path, *end;
	size_t n;

	if (!*path || strlen(path) >= PATH_MAX)
		return false;
	for (;;) {
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && !strncmp(p, "..", 2)) ||
		    (n == 4 && !strncasecmp(p, ".git", 4)))
			return false;
		if (!end)
			return true;
		p = end + 1;
	}
}

static int
cmp_change(const void *a, const void *b)
{
	const struct fq_change *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static int
check_changes(const struct fq_change *ch, size_t n, struct fq_error *err)
{
	const struct fq_change **v;
	char shown[256];
	size_t i;
	int ret = FQ_OK;

	for (i = 0; i < n; i++)
		if (!ch[i].path || !path_ok(ch[i].path))
			return fq_error_set(err, FQ_EUSAGE,
				"refusing to write outside the repository: "
				"'%s'", ch[i].path ? printable(shown,
				sizeof(shown), ch[i].path) : "");
	if (n < 2)
		return FQ_OK;
	v = fq_xmalloc(n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = &ch[i];
	qsort(v, n, sizeof(*v), cmp_change);
	for (i = 1; i < n; i++) {
		if (!strcmp(v[i - 1]->path, v[i]->path)) {
			ret = fq_error_set(err, FQ_EUSAGE,
				"'%s' given twice in one commit",
				printable(shown, sizeof(shown), v[i]->path));
			break;
		}
	}
	free(v);
	return ret;
}

/*
 * Open the directory that holds path (relative to the top), one
 * component at a time without following symbolic links, creating
 * missing directories when create is set.  *dfd is -1 (and FQ_OK is
 * returned) when a directory is missing and create is not set.
 */
static int
open_parent(fq_store *s, const char *path, bool create, int *dfd,
	struct fq_error *err)
{
	char *p = fq_xstrdup(path), *comp, *slash;
	int fd, nfd, ret = FQ_OK;

	*dfd = -1;
	fd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot open '%s': %s",
			s->root, strerror(errno));
		goto out;
	}
	for (comp = p; (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
		*slash = '\0';
		if (create && mkdirat(fd, comp, 0700) < 0 && errno != EEXIST) {
			ret = fq_error_set(err, FQ_ERROR,
				"cannot create directory '%s': %s", p,
				strerror(errno));
			goto out;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
		if (nfd < 0) {
			if (errno == ENOENT && !create)
				goto out;
			if (errno == ELOOP || errno == ENOTDIR)
				ret = fq_error_set(err, FQ_ERROR,
					"'%s' is not a directory%s", p,
					errno == ELOOP ?
					FQ_L_(" (a symbolic link)") : "");
			else
				ret = fq_error_set(err, FQ_ERROR,
					"cannot open '%s': %s", p,
					strerror(errno));
			goto out;
		}
		close(fd);
		fd = nfd;
		*slash = '/';
	}
	*dfd = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	free(p);
	return ret;
}

static const char *
basename_of(const char *path)
{
	const char *p = strrchr(path, '/');

	return p ? p + 1 : path;
}

/* Six characters for a temporary name: not secret, only distinct. */
static void
tmp_suffix(char out[7])
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789";
	static _Atomic uint64_t counter;	/* two threads in a bulk commit */
	struct timespec ts;
	uint64_t x;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		((uint64_t)getpid() << 40) ^
		(++counter * 0x9E3779B97F4A7C15ULL);
	for (i = 0; i < 6; i++) {
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdULL;
		x ^= x >> 29;
		out[i] = set[x % (sizeof(set) - 1)];
	}
	out[6] = '\0';
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * What a bulk commit keeps from one file to the next: one inflate
 * stream, and the directories it writes into, open.
 */
#define FQ_BULK_DIRS 64

struct bulk {
	z_stream zs;
	bool zinit;
#ifdef FQ_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *ld;	/* faster than inflate */
#endif
	size_t ndirs;
	char *dir[FQ_BULK_DIRS];
	int dfd[FQ_BULK_DIRS];
};

/* Close the directories (a removal may take one away). */
static void
bulk_forget_dirs(struct bulk *b)
{
	size_t i;

	for (i = 0; i < b->ndirs; i++) {
		free(b->dir[i]);
		close(b->dfd[i]);
	}
	b->ndirs = 0;
}

static void
bulk_release(struct bulk *b)
{
	if (b->zinit)
		inflateEnd(&b->zs);
	b->zinit = false;
#ifdef FQ_HAVE_LIBDEFLATE
	libdeflate_free_decompressor(b->ld);
	b->ld = NULL;
#endif
	bulk_forget_dirs(b);
}

/*
 * The bytes of a change: data itself, or for a compressed change (zlen)
 * the inflated bytes in scratch.  NULL if the stream is broken.  With
 * bk, its inflate stream is reset rather than set up anew.
 */
static const char *
change_bytes(const struct fq_change *ch, size_t zlen, struct fq_buf *scratch,
	struct bulk *bk)
{
	uLongf n = (uLongf)ch->len;

	if (!zlen)
		return ch->data;
	fq_buf_reset(scratch);
	fq_buf_grow(scratch, ch->len + 1);
#ifdef FQ_HAVE_LIBDEFLATE
	if (bk && (bk->ld || (bk->ld = libdeflate_alloc_decompressor()))) {
		/* the size is known: exactly ch->len bytes, or an error */
		if (libdeflate_zlib_decompress(bk->ld, ch->data, zlen,
		    scratch->buf, ch->len, NULL) != LIBDEFLATE_SUCCESS)
			return NULL;
		fq_buf_setlen(scratch, ch->len);
		return scratch->buf;
	}
#endif
	if (bk) {
		int zr;

		if (!bk->zinit) {
			memset(&bk->zs, 0, sizeof(bk->zs));
			if (inflateInit(&bk->zs) != Z_OK)
				return NULL;
			bk->zinit = true;
		} else if (inflateReset(&bk->zs) != Z_OK)
			return NULL;
		bk->zs.next_in = (Bytef *)ch->data;
		bk->zs.avail_in = (uInt)zlen;
		bk->zs.next_out = (Bytef *)scratch->buf;
		bk->zs.avail_out = (uInt)ch->len + 1;
		zr = inflate(&bk->zs, Z_FINISH);
		if (zr != Z_STREAM_END || bk->zs.total_out != ch->len)
			return NULL;
	} else if (uncompress((Bytef *)scratch->buf, &n,
	    (const Bytef *)ch->data, (uLong)zlen) != Z_OK || n != ch->len)
		return NULL;
	fq_buf_setlen(scratch, ch->len);
	return scratch->buf;
}

/* The directory of path, open: from bk's when it has it (bk keeps the
 * descriptor; *owned false), else opened (and created) now. */
static int
bulk_parent(fq_store *s, struct bulk *bk, const char *path, int *dfd,
	bool *owned, struct fq_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0, i;
	int ret;

	*owned = true;
	if (!bk)
		return open_parent(s, path, true, dfd, err);
	for (i = 0; i < bk->ndirs; i++)
		if (strlen(bk->dir[i]) == len &&
		    !memcmp(bk->dir[i], path, len)) {
			*dfd = bk->dfd[i];
			*owned = false;
			return FQ_OK;
		}
	if ((ret = open_parent(s, path, true, dfd, err)) < 0)
		return ret;
	if (bk->ndirs < FQ_BULK_DIRS) {
		bk->dir[bk->ndirs] = fq_xstrndup(path, len);
		bk->dfd[bk->ndirs++] = *dfd;
		*owned = false;
	}
	return FQ_OK;
}

/* Write path (relative) as a whole: temporary file, fsync, rename.
 * Without sync the caller makes the files durable (syncfs) afterwards.
 * In a bulk commit (bk) the umask of 077 alone makes the file 0600. */
static int
write_working_file(fq_store *s, const struct fq_change *ch, size_t zlen,
	bool sync, struct bulk *bk, struct fq_error *err)
{
	struct fq_buf tmp = FQ_BUF_INIT, raw = FQ_BUF_INIT;
	const char *base = basename_of(ch->path), *bytes;
	char suffix[7];
	bool owned = true;
	int dfd = -1, fd = -1, tries, ret;

	if ((ret = bulk_parent(s, bk, ch->path, &dfd, &owned, err)) < 0)
		return ret;
	for (tries = 0; tries < 100; tries++) {
		tmp_suffix(suffix);
		fq_buf_reset(&tmp);
		fq_buf_addf(&tmp, "%s.tmp%s", base, suffix);
		fd = openat(dfd, tmp.buf, O_WRONLY | O_CREAT | O_EXCL |
			O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot create a file "
			"beside '%s': %s", ch->path, strerror(errno));
		goto out;
	}
	if (!(bytes = change_bytes(ch, zlen, &raw, bk))) {
		ret = fq_error_set(err, FQ_ERROR, "cannot inflate '%s'",
			ch->path);
		goto fail;
	}
	if ((!bk && fchmod(fd, 0600) < 0) || write_all(fd, bytes, ch->len / 2) < 0 ||
	    fq_fault("write") < 0 || write_all(fd, bytes + ch->len / 2,
	    ch->len - ch->len / 2) < 0 || (sync && fsync(fd) < 0)) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			ch->path, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			ch->path, strerror(errno));
		goto fail;
	}
	fd = -1;
	/* rename(2) replaces a symbolic link at base, never its target. */
	if (fq_fault("before-rename") < 0 ||
	    renameat(dfd, tmp.buf, dfd, base) < 0 ||
	    fq_fault("after-rename") < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot rename over '%s': %s",
			ch->path, strerror(errno));
		goto fail;
	}
	if (sync)
		fsync(dfd);	/* make the rename durable; not fatal */
	ret = FQ_OK;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp.buf, 0);
out:
	if (dfd >= 0 && owned)
		close(dfd);
	fq_buf_release(&tmp);
	fq_buf_release(&raw);
	return ret;
}

/* Remove the working file and the directories it leaves empty. */
static int
remove_working_file(fq_store *s, const char *path, struct fq_error *err)
{
	struct fq_buf dir = FQ_BUF_INIT;
	char *slash;
	int dfd, ret;

	if ((ret = open_parent(s, path, false, &dfd, err)) < 0 || dfd < 0)
		return ret;
	if (unlinkat(dfd, basename_of(path), 0) < 0 && errno != ENOENT) {
		ret = fq_error_set(err, FQ_ERROR, "cannot remove '%s': %s",
			path, strerror(errno));
		close(dfd);
		return ret;
	}
	close(dfd);
	/* Like git: no empty directories are left behind. */
	fq_buf_addf(&dir, "%s/%s", s->root, path);
	while ((slash = strrchr(dir.buf, '/')) != NULL &&
	    (size_t)(slash - dir.buf) > strlen(s->root)) {
		fq_buf_setlen(&dir, (size_t)(slash - dir.buf));
		if (rmdir(dir.buf) < 0)
			break;
	}
	fq_buf_release(&dir);
	return FQ_OK;
}

static bool
tree_has(const git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;

	if (!tree)
		return false;
	if (git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return false;
	}
	git_tree_entry_free(e);
	return true;
}

/* An index entry for a file just written, from its stat and blob id. */
static int
index_add_known(fq_store *s, git_index *index, const char *path,
	const git_oid *id)
{
	struct fq_buf full = FQ_BUF_INIT;
	git_index_entry e;
	struct stat st;
	int r;

	fq_buf_addf(&full, "%s/%s", s->root, path);
	r = lstat(full.buf, &st);
	fq_buf_release(&full);
	if (r < 0)
		return git_index_add_bypath(index, path);
	memset(&e, 0, sizeof(e));
	e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
	e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
	e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
	e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
	e.dev = (uint32_t)st.st_dev;
	e.ino = (uint32_t)st.st_ino;
	e.mode = GIT_FILEMODE_BLOB;
	e.uid = (uint32_t)st.st_uid;
	e.gid = (uint32_t)st.st_gid;
	e.file_size = (uint32_t)st.st_size;
	e.id = *id;
	e.path = path;
	return git_index_add(index, &e);
}

/* What the index keeps of a file's stat (struct stat is 144 bytes: an
 * import of 100 000 keeps one per file until the commit is made). */
struct file_stat {
	struct fq_gitindex_stat g;
	bool taken;
};

static void
file_stat_set(struct file_stat *fs, const struct stat *st)
{
	fs->g.ctime_s = (uint32_t)st->st_ctim.tv_sec;
	fs->g.ctime_ns = (uint32_t)st->st_ctim.tv_nsec;
	fs->g.mtime_s = (uint32_t)st->st_mtim.tv_sec;
	fs->g.mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	fs->g.dev = (uint32_t)st->st_dev;
	fs->g.ino = (uint32_t)st->st_ino;
	fs->g.uid = (uint32_t)st->st_uid;
	fs->g.gid = (uint32_t)st->st_gid;
	fs->g.size = (uint32_t)st->st_size;
	fs->taken = true;
}

static bool
file_stat_taken(const struct file_stat *st, size_t i)
{
	return st && st[i].taken;
}

/* An index entry from the stat of a file just written. */
static int
index_add_stat(git_index *index, const char *path, const git_oid *id,
	const struct file_stat *fs)
{
	git_index_entry e;

	memset(&e, 0, sizeof(e));
	e.ctime.seconds = (int32_t)fs->g.ctime_s;
	e.ctime.nanoseconds = fs->g.ctime_ns;
	e.mtime.seconds = (int32_t)fs->g.mtime_s;
	e.mtime.nanoseconds = fs->g.mtime_ns;
	e.dev = fs->g.dev;
	e.ino = fs->g.ino;
	e.mode = GIT_FILEMODE_BLOB;
	e.uid = fs->g.uid;
	e.gid = fs->g.gid;
	e.file_size = fs->g.size;
	e.id = *id;
	e.path = path;
	return git_index_add(index, &e);
}

/*
 * Git's index through libgit2, where the splice declined.  st, after a
 * bulk commit, holds the stats taken when the files were written (used
 * where taken), so that no path is stat'ed again; NULL otherwise.
 */
static int
update_index(fq_store *s, const struct fq_change *ch, size_t n,
	const git_oid *blobs, const struct file_stat *st, struct fq_error *err)
{
	git_index *index = NULL;
	size_t i;
	int ret = FQ_OK;

	if (git_repository_index(&index, s->repo) < 0 ||
	    git_index_read(index, 0) < 0) {
		ret = git_fail(err, "committed, but cannot read git's index");
		goto out;
	}
	for (i = 0; i < n; i++) {
		int r = !ch[i].data ? git_index_remove_bypath(index,
			ch[i].path) : file_stat_taken(st, i) ?
			index_add_stat(index, ch[i].path, &blobs[i], &st[i]) :
			index_add_known(s, index, ch[i].path, &blobs[i]);

		if (r < 0) {
			ret = git_fail(err, "committed, but cannot update "
				"git's index for '%s'", ch[i].path);
			goto out;
		}
	}
	if (git_index_write(index) < 0)
		ret = git_fail(err, "committed, but cannot write git's index");
out:
	git_index_free(index);
	return ret;
}

/* The first index, which libgit2 wrote in version 2, made version 4. */
static int
index_version_4(fq_store *s, struct fq_error *err)
{
	git_index *index = NULL;
	int ret = FQ_OK;

	if (git_repository_index(&index, s->repo) < 0 ||
	    git_index_read(index, 1) < 0 ||
	    git_index_set_version(index, 4) < 0 ||
	    git_index_write(index) < 0)
		ret = git_fail(err, "committed, but cannot write git's index");
	git_index_free(index);
	return ret;
}

/* How long a write waits for another git command's index.lock. */
#define INDEX_LOCK_WAIT_MS 1000

/*
 * Git's index, in two steps around the commit: index_begin takes
 * index.lock (so that no `git commit` can run between the branch moving
 * and the index following it) and plans the splice of the changed
 * entries (gitindex.c); index_end writes it, or, where the splice
 * declined, releases the lock and lets libgit2 rewrite the index.
 */
static int
index_begin(fq_store *s, fq_gitindex **gi, const struct fq_change *ch,
	size_t n, const git_oid *blobs, const struct file_stat *st,
	struct fq_error *err)
{
	struct fq_gitindex_change *v;
	struct fq_buf cache = FQ_BUF_INIT, owner = FQ_BUF_INIT;
	size_t i;
	int ret;

	fq_buf_addf(&owner, "%s/index.lock.owner", fq_store_private_dir(s));
	ret = fq_gitindex_lock(gi, git_repository_path(s->repo), owner.buf,
		INDEX_LOCK_WAIT_MS, err);
	fq_buf_release(&owner);
	if (ret < 0)
		return ret;
	v = fq_xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].path = ch[i].path;
		v[i].id = ch[i].data ? blobs[i].id : NULL;
		v[i].st = file_stat_taken(st, i) ? &st[i].g : NULL;
	}
	if (s->prev_path)
		fq_gitindex_keep_old(*gi, s->prev_path);
	fq_buf_addf(&cache, "%s/gitindex", fq_store_private_dir(s));
	ret = fq_gitindex_plan(*gi, s->root, cache.buf, v, n, err);
	fq_buf_release(&cache);
	free(v);
	return ret < 0 ? ret : FQ_OK;
}

static int
index_end(fq_store *s, fq_gitindex *gi, const struct fq_change *ch,
	size_t n, const git_oid *blobs, const struct file_stat *st,
	struct fq_error *err)
{
	int ret;

	if (fq_gitindex_ready(gi)) {
		struct fq_error e = FQ_ERROR_INIT;

		ret = fq_gitindex_write(gi, &e);
		fq_gitindex_free(gi);
		if (ret < 0)
			return fq_error_set(err, ret, "committed, but %s",
				e.msg);
		return ret;
	}
	fq_gitindex_free(gi);
	return update_index(s, ch, n, blobs, st, err);
}

/*
 * The journal .git/fq/pending: the paths a commit is about to write,
 * NUL-separated, there from before the first working file is touched
 * until the commit is made (or undone).  If it outlives its writer, that
 * writer was killed, and the next commit or fq check --repair puts those
 * paths back as HEAD has them (recover_pending) instead of committing
 * half a change.
 */
static void
pending_path(fq_store *s, struct fq_buf *out)
{
	fq_buf_addf(out, "%s/pending", fq_store_private_dir(s));
}

static void
pending_begin(fq_store *s, const struct fq_change *ch, size_t n)
{
	struct fq_buf path = FQ_BUF_INIT, data = FQ_BUF_INIT;
	size_t i;
	int fd;

	pending_path(s, &path);
	for (i = 0; i < n; i++)
		fq_buf_add(&data, ch[i].path, strlen(ch[i].path) + 1);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write_all(fd, data.buf, data.len) == 0)
			fsync(fd);
		close(fd);
	}
	fq_buf_release(&data);
	fq_buf_release(&path);
}

static void
pending_end(fq_store *s)
{
	struct fq_buf path = FQ_BUF_INIT;

	pending_path(s, &path);
	unlink(path.buf);
	fq_buf_release(&path);
}

int
fq_store_pending(fq_store *s, struct fq_buf *paths, size_t *count,
	struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT, data = FQ_BUF_INIT;
	size_t i, start = 0;
	int ret = FQ_OK;

	*count = 0;
	pending_path(s, &path);
	if (access(path.buf, F_OK) < 0)
		goto out;
	if (fq_buf_read_file(&data, path.buf, 1 << 24) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot read '%s': %s",
			path.buf, strerror(errno));
		goto out;
	}
	for (i = 0; i < data.len; i++) {
		if (data.buf[i])
			continue;
		if (i > start && path_ok(data.buf + start)) {
			fq_buf_add(paths, data.buf + start, i - start + 1);
			(*count)++;
		}
		start = i + 1;
	}
out:
	fq_buf_release(&data);
	fq_buf_release(&path);
	return ret;
}

/*
 * After a failure before the commit, put the working files of ch[0..n)
 * back as HEAD has them, so that a failed command leaves the repository
 * as it was.  Best effort: what cannot be put back is a stray change
 * that fq check reports.
 */
static void
undo_working_files(fq_store *s, const struct fq_change *ch, size_t n,
	const git_tree *tree)
{
	struct fq_error ignored = FQ_ERROR_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		git_tree_entry *e = NULL;
		git_blob *b = NULL;
		struct fq_change old = { ch[i].path, NULL, 0 };

		if (tree && git_tree_entry_bypath(&e, tree, ch[i].path) == 0 &&
		    git_blob_lookup(&b, s->repo, git_tree_entry_id(e)) == 0) {
			old.data = git_blob_rawcontent(b);
			old.len = (size_t)git_blob_rawsize(b);
			write_working_file(s, &old, 0, true, NULL, &ignored);
		} else {
			remove_working_file(s, ch[i].path, &ignored);
		}
		git_error_clear();
		git_blob_free(b);
		git_tree_entry_free(e);
	}
}

/*
 * The bulk commit's pack while it is written: fixed names, since only
 * the holder of fq's lock writes one, so that the next writer (or fq
 * check --repair) can remove what a writer killed mid-pack left
 * (git's own temporary packs are tmp_pack_XXXXXX: never these).
 */
#define TMP_PACK "tmp_pack_fq"
#define TMP_IDX "tmp_idx_fq"

static void
remove_tmp_pack(fq_store *s)
{
	git_buf objects = GIT_BUF_INIT;
	struct fq_buf p = FQ_BUF_INIT;

	if (git_repository_item_path(&objects, s->repo,
	    GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
		git_error_clear();
		return;
	}
	fq_buf_addf(&p, "%spack/" TMP_PACK, objects.ptr);
	unlink(p.buf);
	fq_buf_reset(&p);
	fq_buf_addf(&p, "%spack/" TMP_IDX, objects.ptr);
	unlink(p.buf);
	fq_buf_release(&p);
	git_buf_dispose(&objects);
}

/* Put back the paths of an interrupted commit (SQLite's hot journal). */
static size_t
recover_pending(fq_store *s, const git_tree *tree)
{
	struct fq_error ignored = FQ_ERROR_INIT;
	struct fq_buf paths = FQ_BUF_INIT;
	struct fq_change *v;
	const char *p;
	size_t n = 0, i;

	if (fq_store_pending(s, &paths, &n, &ignored) < 0 || !n) {
		fq_buf_release(&paths);
		return 0;
	}
	v = fq_xcalloc(n, sizeof(*v));
	for (i = 0, p = paths.buf; i < n; i++, p += strlen(p) + 1)
		v[i].path = p;
	undo_working_files(s, v, n, tree);
	remove_tmp_pack(s);
	pending_end(s);
	free(v);
	fq_buf_release(&paths);
	return n;
}

int
fq_store_recover(fq_store *s, size_t *count, struct fq_error *err)
{
	git_tree *tree = NULL;
	int ret;

	*count = 0;
	if (s->lock_fd < 0)
		return fq_error_set(err, FQ_ERROR,
			"recovery needs the repository lock");
	if ((ret = head_tree(s, NULL, &tree, err)) < 0)
		return ret;
	*count = recover_pending(s, tree);
	git_tree_free(tree);
	return FQ_OK;
}

/*
 * Bulk commits.  A change of many files (an import) writes its blobs as
 * one pack, without deltas, with its index, instead of one loose object
 * file each, while a second thread writes the working files; those are synced
 * once at the end (syncfs, which covers the pack too) rather than one by
 * one.  The pack is complete and indexed before the tree and the commit
 * that refer to it are written.
 */
#define FQ_BULK_CHANGES 64

/*
 * The pack of a bulk commit, written here with its index (.idx version
 * 2) rather than through libgit2's indexer, which inflated and hashed
 * again every object we had just compressed and hashed: we know each
 * object's id, offset and CRC32 as we write it.  The objects go to
 * objects/pack/tmp_pack_XXXXXX; at the end the pack is renamed to
 * pack-<checksum>.pack, then its index, written the same way, to
 * pack-<checksum>.idx: a reader sees the pack once the index is there,
 * and the index only once it is complete.  The caller's syncfs makes
 * both durable before the commit that refers to them.
 */
struct pack_obj {
	git_oid id;
	uint64_t off;
	uint32_t crc;
};

struct packw {
	int fd;
	struct fq_buf dir;	/* objects/pack */
	struct fq_buf tmp;	/* the pack being written */
	struct sha1_ctx h;	/* nettle's: SHA-NI where there is one */
	unsigned char *buf;	/* write buffer */
	size_t used;
	uint64_t off;
	uint32_t count;		/* objects announced in the header */
	struct pack_obj *v;
	size_t n;
	bool dup;		/* an object came twice: see bulk_write */
	char name[GIT_OID_HEXSZ + 1];	/* the pack's checksum, hex */
};

#define PACK_BUF (1 << 20)

static int
pack_flush(struct packw *pw)
{
	if (write_all(pw->fd, (const char *)pw->buf, pw->used) < 0)
		return -1;
	pw->used = 0;
	return 0;
}

static int
pack_put(struct packw *pw, const void *data, size_t len)
{
	const unsigned char *p = data;

	sha1_update(&pw->h, len, p);
	pw->off += len;
	if (pw->used + len > PACK_BUF) {
		if (pack_flush(pw) < 0)
			return -1;
		if (len > PACK_BUF)
			return write_all(pw->fd, (const char *)p, len);
	}
	memcpy(pw->buf + pw->used, p, len);
	pw->used += len;
	return 0;
}

static int
pack_start(fq_store *s, struct packw *pw, uint32_t count,
	struct fq_error *err)
{
	git_buf objects = GIT_BUF_INIT;
	unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 };

	memset(pw, 0, sizeof(*pw));
	pw->fd = -1;
	fq_buf_init(&pw->dir);
	fq_buf_init(&pw->tmp);
	if (git_repository_item_path(&objects, s->repo,
	    GIT_REPOSITORY_ITEM_OBJECTS) < 0)
		return git_fail(err, "cannot find the object database");
	fq_buf_addf(&pw->dir, "%spack", objects.ptr);
	git_buf_dispose(&objects);
	if (mkdir(pw->dir.buf, 0700) < 0 && errno != EEXIST)
		return fq_error_set(err, FQ_ERROR, "cannot create '%s': %s",
			pw->dir.buf, strerror(errno));
	/* one name, under fq's lock: what a killed writer left is its */
	fq_buf_addf(&pw->tmp, "%s/" TMP_PACK, pw->dir.buf);
	unlink(pw->tmp.buf);
	pw->fd = open(pw->tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0444);
	if (pw->fd < 0)
		return fq_error_set(err, FQ_ERROR, "cannot create a pack in "
			"'%s': %s", pw->dir.buf, strerror(errno));
	pw->buf = fq_xmalloc(PACK_BUF);
	pw->v = fq_xcalloc(count ? count : 1, sizeof(*pw->v));
	pw->count = count;
	sha1_init(&pw->h);
	fq_put_be32(head + 8, count);
	if (pack_put(pw, head, sizeof(head)) < 0)
		return fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			pw->tmp.buf, strerror(errno));
	return FQ_OK;
}

/* One blob of len bytes, given as the zlib stream z of zlen bytes. */
static int
pack_add(struct packw *pw, const git_oid *id, size_t len, const void *z,
	size_t zlen)
{
	unsigned char hdr[16];
	size_t k = 0;
	struct pack_obj *o;

	if (pw->n >= pw->count)
		return -1;
	o = &pw->v[pw->n++];
	o->id = *id;
	o->off = pw->off;
	/* type 3 (blob) and the size, 4 bits then 7 per byte */
	hdr[k] = (unsigned char)(0x30 | (len & 0x0F));
	len >>= 4;
	while (len) {
		hdr[k++] |= 0x80;
		hdr[k] = (unsigned char)(len & 0x7F);
		len >>= 7;
	}
	o->crc = (uint32_t)crc32(crc32(0L, hdr, (uInt)k + 1), z, (uInt)zlen);
	if (pack_put(pw, hdr, k + 1) < 0 || pack_put(pw, z, zlen) < 0)
		return -1;
	return 0;
}

static void
pack_abort(struct packw *pw)
{
	if (pw->fd >= 0) {
		close(pw->fd);
		unlink(pw->tmp.buf);
	}
	pw->fd = -1;
	free(pw->buf);
	free(pw->v);
	pw->buf = NULL;
	pw->v = NULL;
	fq_buf_release(&pw->dir);
	fq_buf_release(&pw->tmp);
}

static int
cmp_pack_obj(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct pack_obj *)a)->id,
		&((const struct pack_obj *)b)->id);
}

/* The .idx of the pack (version 2) in out. */
static void
pack_index(struct packw *pw, const unsigned char trailer[20],
	struct fq_buf *out)
{
	unsigned char b[8], sum[20];
	uint32_t fan[256], nlarge = 0;
	struct sha1_ctx h;
	size_t i;

	qsort(pw->v, pw->n, sizeof(*pw->v), cmp_pack_obj);
	for (i = 1; i < pw->n; i++)
		if (git_oid_equal(&pw->v[i].id, &pw->v[i - 1].id))
			pw->dup = true;
	memset(fan, 0, sizeof(fan));
	for (i = 0; i < pw->n; i++)
		fan[pw->v[i].id.id[0]]++;
	for (i = 1; i < 256; i++)
		fan[i] += fan[i - 1];
	fq_buf_add(out, "\377tOc\0\0\0\2", 8);
	for (i = 0; i < 256; i++) {
		fq_put_be32(b, fan[i]);
		fq_buf_add(out, b, 4);
	}
	for (i = 0; i < pw->n; i++)
		fq_buf_add(out, pw->v[i].id.id, GIT_OID_RAWSZ);
	for (i = 0; i < pw->n; i++) {
		fq_put_be32(b, pw->v[i].crc);
		fq_buf_add(out, b, 4);
	}
	for (i = 0; i < pw->n; i++) {
		fq_put_be32(b, pw->v[i].off < 0x80000000u ?
			(uint32_t)pw->v[i].off : 0x80000000u | nlarge++);
		fq_buf_add(out, b, 4);
	}
	for (i = 0; i < pw->n; i++)
		if (pw->v[i].off >= 0x80000000u) {
			fq_put_be32(b, (uint32_t)(pw->v[i].off >> 32));
			fq_put_be32(b + 4, (uint32_t)pw->v[i].off);
			fq_buf_add(out, b, 8);
		}
	fq_buf_add(out, trailer, 20);
	sha1_init(&h);
	sha1_update(&h, out->len, (const uint8_t *)out->buf);
	sha1_digest(&h, sizeof(sum), sum);
	fq_buf_add(out, sum, 20);
}

/* Write the trailer and the index, and put both in place; unless an
 * object came twice (pw->dup): then the pack is dropped. */
static int
pack_finish(struct packw *pw, struct fq_error *err)
{
	struct fq_buf idx = FQ_BUF_INIT, tmpidx = FQ_BUF_INIT;
	struct fq_buf final = FQ_BUF_INIT;
	unsigned char trailer[20];
	int fd = -1, ret = FQ_OK;
	size_t i;

	if (pw->n != pw->count)
		return fq_error_set(err, FQ_ERROR, "the pack holds %zu of "
			"%u objects", pw->n, (unsigned)pw->count);
	sha1_digest(&pw->h, sizeof(trailer), trailer);
	for (i = 0; i < 20; i++)
		snprintf(pw->name + 2 * i, 3, "%02x", trailer[i]);
	if (pack_flush(pw) < 0 || write_all(pw->fd, (const char *)trailer,
	    20) < 0 || close(pw->fd) < 0) {
		pw->fd = -1;
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			pw->tmp.buf, strerror(errno));
		unlink(pw->tmp.buf);
		goto out;
	}
	pw->fd = -1;
	pack_index(pw, trailer, &idx);
	if (pw->dup) {
		unlink(pw->tmp.buf);
		goto out;
	}
	fq_buf_addf(&tmpidx, "%s/" TMP_IDX, pw->dir.buf);
	unlink(tmpidx.buf);
	fd = open(tmpidx.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0444);
	if (fd < 0 || write_all(fd, idx.buf, idx.len) < 0 || close(fd) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			tmpidx.buf, strerror(errno));
		if (fd >= 0)
			unlink(tmpidx.buf);
		unlink(pw->tmp.buf);
		goto out;
	}
	fq_buf_addf(&final, "%s/pack-%s.pack", pw->dir.buf, pw->name);
	if (rename(pw->tmp.buf, final.buf) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot rename '%s': %s",
			pw->tmp.buf, strerror(errno));
		unlink(pw->tmp.buf);
		unlink(tmpidx.buf);
		goto out;
	}
	fq_buf_reset(&final);
	fq_buf_addf(&final, "%s/pack-%s.idx", pw->dir.buf, pw->name);
	if (rename(tmpidx.buf, final.buf) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot rename '%s': %s",
			tmpidx.buf, strerror(errno));
		unlink(tmpidx.buf);
		goto out;
	}
out:
	fq_buf_release(&idx);
	fq_buf_release(&tmpidx);
	fq_buf_release(&final);
	return ret;
}

/*
 * A working file of a bulk commit.  A file that does not exist yet (a
 * new case) is created in place (O_EXCL) rather than written beside and
 * renamed: nobody's view of an old file is replaced, the journal names
 * it, so a crash before the commit has it removed, and one rename and
 * one directory entry less per file count in an import of 100 000.  A
 * file that exists is replaced as always (write_working_file).  *st is
 * the file's stat as written, for the index (not taken for a file
 * replaced).
 */
static int
bulk_write_file(fq_store *s, struct bulk *bk, const struct fq_change *ch,
	const char *bytes, struct file_stat *fs, struct fq_error *err)
{
	struct stat st;
	const char *base = basename_of(ch->path);
	struct fq_change raw = { ch->path, bytes, ch->len };
	bool owned = true;
	size_t half;
	int dfd = -1, fd, ret;

	memset(fs, 0, sizeof(*fs));
	if ((ret = bulk_parent(s, bk, ch->path, &dfd, &owned, err)) < 0)
		return ret;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0600);
	if (fd < 0) {
		if (owned)
			close(dfd);
		if (errno != EEXIST)
			return fq_error_set(err, FQ_ERROR, "cannot create "
				"'%s': %s", ch->path, strerror(errno));
		return write_working_file(s, &raw, 0, false, bk, err);
	}
	/* in halves only for the crash tests' kill at "write" */
	half = fq_fault_armed("write") ? ch->len / 2 : ch->len;
	if (write_all(fd, bytes, half) < 0 || fq_fault("write") < 0 ||
	    write_all(fd, bytes + half, ch->len - half) < 0 ||
	    fstat(fd, &st) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			ch->path, strerror(errno));
		close(fd);
		unlinkat(dfd, base, 0);
		goto out;
	}
	if (close(fd) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			ch->path, strerror(errno));
		unlinkat(dfd, base, 0);
		goto out;
	}
	file_stat_set(fs, &st);
	/* the crash points of the path with a rename, for the tests */
	if (fq_fault("before-rename") < 0 || fq_fault("after-rename") < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': %s",
			ch->path, strerror(errno));
		unlinkat(dfd, base, 0);
		goto out;
	}
	ret = FQ_OK;
out:
	if (owned)
		close(dfd);
	return ret;
}

struct oid_at {
	git_oid id;
	size_t i;
};

static int
cmp_oid_at(const void *a, const void *b)
{
	const struct oid_at *x = a, *y = b;
	int c = git_oid_cmp(&x->id, &y->id);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Which changes repeat the blob of an earlier one (skip[i]), and how
 * many distinct blobs there are (*distinct). */
static bool *
dup_changes(const struct fq_change *ch, size_t n, const git_oid *blobs,
	size_t *distinct)
{
	struct oid_at *v = fq_xcalloc(n ? n : 1, sizeof(*v));
	bool *skip = fq_xcalloc(n ? n : 1, sizeof(*skip));
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (ch[i].data) {
			v[m].id = blobs[i];
			v[m++].i = i;
		}
	qsort(v, m, sizeof(*v), cmp_oid_at);
	*distinct = m;
	for (i = 1; i < m; i++)
		if (git_oid_equal(&v[i].id, &v[i - 1].id)) {
			skip[v[i].i] = true;
			(*distinct)--;
		}
	free(v);
	return skip;
}

/* The blob id of len bytes: git's SHA-1 of "blob LEN\0" and the bytes,
 * with nettle's (SHA-NI where there is one). */
static void
blob_id(git_oid *out, const char *bytes, size_t len)
{
	struct sha1_ctx h;
	char hdr[32];
	int k = snprintf(hdr, sizeof(hdr), "blob %zu", len);

	sha1_init(&h);
	sha1_update(&h, (size_t)k + 1, (const uint8_t *)hdr);
	sha1_update(&h, len, (const uint8_t *)bytes);
	sha1_digest(&h, GIT_OID_RAWSZ, out->id);
}

/*
 * The working files of a bulk commit, in the order of the changes: run
 * by a thread of its own (the kernel's part, creating the files) while
 * the caller's thread hashes, compresses and packs the blobs, or by the
 * caller's before that when FQ_IMPORT_THREADS=1.  It alone touches the
 * working tree and bk (directories, inflate stream).  stop is set by the
 * packer when it failed; nwritten counts the changes whose file may have
 * been touched.
 */
#define FQ_BULK_RING 128
#define FQ_BULK_WAKE (FQ_BULK_RING / 4)	/* slots a waiter is woken for */

struct bulk_files {
	fq_store *s;
	const struct fq_change *ch;
	const size_t *zl;
	size_t n;
	struct file_stat *st;
	git_oid *blobs;		/* alone: the ids of the compressed changes */
	struct bulk *bk;
	atomic_bool stop, failed;
	size_t nwritten;
	int ret;
	struct fq_error err;
	/*
	 * Threaded, the compressed changes are inflated once, by the
	 * packer, which hands their bytes over in a ring of slots: it has
	 * filled the slots up to head, the files' thread is done with them
	 * up to tail (both in the order of the changes).
	 */
	bool ring;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t head, tail;
	int waiting;		/* threads in pthread_cond_wait */
	struct fq_buf slot[FQ_BULK_RING];
};

/* Wait on w's condition (w->mu held). */
static void
ring_wait(struct bulk_files *w)
{
	w->waiting++;
	pthread_cond_wait(&w->cv, &w->mu);
	w->waiting--;
}

static void
ring_wake(struct bulk_files *w)
{
	if (w->waiting)
		pthread_cond_broadcast(&w->cv);
}

/*
 * A waiter is woken once FQ_BULK_WAKE slots are there for it (filled for
 * the files' thread, free for the packer), not at each: the two threads
 * then take turns by the batch rather than a futex call each per file.
 */

/* The packer's next slot to fill; NULL once the files' thread failed. */
static struct fq_buf *
ring_put_begin(struct bulk_files *w)
{
	struct fq_buf *b = NULL;

	pthread_mutex_lock(&w->mu);
	while (w->head - w->tail == FQ_BULK_RING &&
	    !atomic_load(&w->failed))
		ring_wait(w);
	if (!atomic_load(&w->failed))
		b = &w->slot[w->head % FQ_BULK_RING];
	pthread_mutex_unlock(&w->mu);
	return b;
}

static void
ring_put_end(struct bulk_files *w)
{
	pthread_mutex_lock(&w->mu);
	w->head++;
	if (w->head - w->tail >= FQ_BULK_WAKE)
		ring_wake(w);
	pthread_mutex_unlock(&w->mu);
}

/* The packer has filled its last slot: whatever is there is for now. */
static void
ring_flush(struct bulk_files *w)
{
	pthread_mutex_lock(&w->mu);
	ring_wake(w);
	pthread_mutex_unlock(&w->mu);
}

/* The files' thread's next slot; NULL when the packer stopped. */
static struct fq_buf *
ring_get_begin(struct bulk_files *w)
{
	struct fq_buf *b = NULL;

	pthread_mutex_lock(&w->mu);
	while (w->head == w->tail && !atomic_load(&w->stop))
		ring_wait(w);
	if (w->head != w->tail)
		b = &w->slot[w->tail % FQ_BULK_RING];
	pthread_mutex_unlock(&w->mu);
	return b;
}

static void
ring_get_end(struct bulk_files *w)
{
	pthread_mutex_lock(&w->mu);
	w->tail++;
	if (FQ_BULK_RING - (w->head - w->tail) >= FQ_BULK_WAKE)
		ring_wake(w);
	pthread_mutex_unlock(&w->mu);
}

/* Set stop (the packer is done or failed) or failed (the files' thread
 * failed), waking whoever waits on the other. */
static void
ring_flag(struct bulk_files *w, atomic_bool *flag)
{
	pthread_mutex_lock(&w->mu);
	atomic_store(flag, true);
	if (w->ring)
		ring_wake(w);
	pthread_mutex_unlock(&w->mu);
}

static void *
bulk_files_run(void *arg)
{
	struct bulk_files *w = arg;
	struct fq_buf raw = FQ_BUF_INIT;
	const char *bytes;
	size_t i;

	w->ret = FQ_OK;
	for (i = 0; i < w->n && !atomic_load(&w->stop); i++) {
		const struct fq_change *c = &w->ch[i];
		bool z = w->zl && w->zl[i], slot = false;

		w->nwritten = i + 1;
		if (!c->data) {
			bulk_forget_dirs(w->bk);
			w->ret = remove_working_file(w->s, c->path, &w->err);
		} else if (z && w->ring) {
			struct fq_buf *b = ring_get_begin(w);

			if (!b) {
				/* the packer failed: its error is told */
				w->nwritten = i;
				break;
			}
			slot = true;
			w->ret = bulk_write_file(w->s, w->bk, c, b->buf,
				&w->st[i], &w->err);
		} else if (!(bytes = change_bytes(c, z ? w->zl[i] : 0, &raw,
		    w->bk))) {
			w->ret = fq_error_set(&w->err, FQ_ERROR, "cannot "
				"inflate '%s'", c->path);
		} else {
			if (z)	/* alone: the packer need not inflate it */
				blob_id(&w->blobs[i], bytes, c->len);
			w->ret = bulk_write_file(w->s, w->bk, c, bytes,
				&w->st[i], &w->err);
		}
		if (slot)
			ring_get_end(w);
		if (w->ret < 0) {
			ring_flag(w, &w->failed);
			break;
		}
	}
	fq_buf_release(&raw);
	return NULL;
}

/* Two threads, unless FQ_IMPORT_THREADS=1 (the same bytes, one after the
 * other: for the tests, and to compare); the import's reader too. */
bool
fq_import_threads(void)
{
	const char *v = getenv("FQ_IMPORT_THREADS");

	return !v || strcmp(v, "1") != 0;
}

/*
 * The pack of a bulk commit: each blob inflated (if it came compressed:
 * into the ring, for the files' thread; alone, the files' pass did it and
 * its id), hashed, and compressed unless it came so.  An object that comes twice
 * (two files with the same bytes) would be in the pack twice; then the
 * pack is written again without the copies.  Stops early when the
 * files' thread (w, if any) failed.
 */
static int
bulk_pack(fq_store *s, const struct fq_change *ch, const size_t *zl,
	size_t n, git_oid *blobs, struct bulk_files *w, struct fq_error *err)
{
	struct packw pw;
	struct bulk ib;		/* an inflate stream of this thread's own */
	struct fq_buf raw = FQ_BUF_INIT;
	unsigned char *z = NULL;
	size_t zcap = 0, i, ndata = 0;
	int ret;
	bool pass2 = false, *skip = NULL;
#ifdef FQ_HAVE_LIBDEFLATE
	struct libdeflate_compressor *ld = libdeflate_alloc_compressor(1);
#else
	fq_zip *zp = fq_zip_new();
#endif

	memset(&ib, 0, sizeof(ib));
	for (i = 0; i < n; i++)
		if (ch[i].data)
			ndata++;
again:
	if ((ret = pack_start(s, &pw, (uint32_t)ndata, err)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		const char *bytes;
		const void *zdata;
		size_t zlen;

		if (!ch[i].data || (skip && skip[i]))
			continue;
		if (w && atomic_load(&w->failed)) {
			ret = FQ_ERROR;	/* the files' error is the one told */
			goto out;
		}
		if (zl && zl[i] && (pass2 || !w)) {
			/* hashed in the first pass, or by the files' pass */
			bytes = NULL;
		} else if (zl && zl[i] && w->ring) {
			/* inflated into a slot the files' thread writes out */
			struct fq_buf *slot = ring_put_begin(w);

			if (!slot) {
				ret = FQ_ERROR;	/* the files' error is told */
				goto out;
			}
			if (!(bytes = change_bytes(&ch[i], zl[i], slot, &ib))) {
				ret = fq_error_set(err, FQ_ERROR, "cannot "
					"inflate '%s'", ch[i].path);
				goto out;
			}
			ring_put_end(w);
		} else if (!(bytes = change_bytes(&ch[i], zl ? zl[i] : 0, &raw,
		    &ib))) {
			ret = fq_error_set(err, FQ_ERROR, "cannot inflate "
				"'%s'", ch[i].path);
			goto out;
		}
		if (!pass2 && bytes)
			blob_id(&blobs[i], bytes, ch[i].len);
		if (zl && zl[i]) {
			/* already a zlib stream: as it is */
			zdata = ch[i].data;
			zlen = zl[i];
		} else {
#ifdef FQ_HAVE_LIBDEFLATE
			size_t bound = libdeflate_zlib_compress_bound(ld,
				ch[i].len);

			if (bound > zcap) {
				zcap = bound;
				z = fq_xrealloc(z, zcap);
			}
			zlen = ld ? libdeflate_zlib_compress(ld, bytes,
				ch[i].len, z, zcap) : 0;
			zdata = z;
#else
			char *zz = NULL;

			free(z);
			z = NULL;
			if (fq_zip_compress(zp, bytes, ch[i].len, &zz,
			    &zlen) == 0)
				z = (unsigned char *)zz;
			zdata = z;
#endif
			if (!zlen) {
				ret = fq_error_set(err, FQ_ERROR, "cannot "
					"compress '%s'", ch[i].path);
				goto out;
			}
		}
		if (pack_add(&pw, &blobs[i], ch[i].len, zdata, zlen) < 0) {
			ret = fq_error_set(err, FQ_ERROR, "cannot write '%s': "
				"%s", pw.tmp.buf, strerror(errno));
			goto out;
		}
	}
	if (w && w->ring && !pass2)
		ring_flush(w);
	if ((ret = pack_finish(&pw, err)) < 0)
		goto out;
	if (pw.dup && !pass2) {
		/* the pack is dropped: write it anew, each object once */
		pack_abort(&pw);
		skip = dup_changes(ch, n, blobs, &ndata);
		pass2 = true;
		goto again;
	}
out:
	pack_abort(&pw);
	bulk_release(&ib);
#ifdef FQ_HAVE_LIBDEFLATE
	libdeflate_free_compressor(ld);
#else
	fq_zip_free(zp);
#endif
	free(z);
	free(skip);
	fq_buf_release(&raw);
	return ret;
}

/* Show libgit2 the new pack (it lists the packs once), which whoever
 * reads it maps in small windows: an import of 100 000 cases need not
 * hold all of it in memory. */
static void
pack_show(fq_store *s)
{
	git_odb *odb = NULL;

	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)(4 << 20));
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)(32 << 20));
	if (git_repository_odb(&odb, s->repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
}

/*
 * A bulk commit's tree, built from the changes sorted by path (git's
 * tree order is the byte order of full paths, a directory's name taken
 * as if it ended in '/'): each directory along a changed path is written
 * once, its old entries merged with the changes under it, the others
 * kept by id, unread.  git_tree_create_updated did the same with one
 * sorted insert per change.  Declined (1) where a file would go where a
 * directory is, or the reverse: left to libgit2 (build_tree).
 */
struct sorted_path {
	const char *path;
	size_t i;
};

static int
cmp_sorted_path(const void *a, const void *b)
{
	return strcmp(((const struct sorted_path *)a)->path,
		((const struct sorted_path *)b)->path);
}

struct tree_job {
	git_repository *repo;
	git_odb *odb;
	const struct fq_change *ch;
	const git_oid *blobs;
	const struct sorted_path *v;
	struct fq_error *err;
};

/* Tree order of two entry names, a directory's as if it ended in '/'. */
static int
entry_cmp(const char *a, size_t alen, bool adir, const char *b, size_t blen,
	bool bdir)
{
	size_t m = alen < blen ? alen : blen;
	int c = memcmp(a, b, m);
	unsigned ca, cb;

	if (c)
		return c;
	ca = alen > m ? (unsigned char)a[m] : adir ? '/' : 0;
	cb = blen > m ? (unsigned char)b[m] : bdir ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

static void
tree_put(struct fq_buf *b, const char *mode, const char *name, size_t len,
	const git_oid *id)
{
	fq_buf_adds(b, mode);
	fq_buf_addch(b, ' ');
	fq_buf_add(b, name, len);
	fq_buf_addch(b, '\0');
	fq_buf_add(b, id->id, GIT_OID_RAWSZ);
}

/*
 * Whether name (nlen bytes, a directory's when dir) is a file in one
 * place and a directory in another: in old, or, for a file, among the
 * changes v[from..hi) (a directory's paths sort after the file's).
 */
static bool
clash(const struct tree_job *j, const git_tree *old, size_t plen,
	const char *name, size_t nlen, bool dir, size_t from, size_t hi)
{
	const git_tree_entry *e = NULL;
	size_t lo, top;
	char *copy;

	if (old) {
		/* a file's name is the end of its path */
		copy = dir ? fq_xstrndup(name, nlen) : NULL;
		e = git_tree_entry_byname(old, dir ? copy : name);
		free(copy);
		if (e && (git_tree_entry_type(e) == GIT_OBJECT_TREE) != dir)
			return true;
	}
	if (dir)
		return false;
	lo = from;
	top = hi;
	while (lo < top) {	/* the first path at or past "name/" */
		size_t mid = lo + (top - lo) / 2;
		const char *p = j->v[mid].path + plen;
		int c = strncmp(p, name, nlen);

		if (!c)
			c = (unsigned char)p[nlen] < '/' ? -1 : 1;
		if (c < 0)
			lo = mid + 1;
		else
			top = mid;
	}
	return lo < hi && !strncmp(j->v[lo].path + plen, name, nlen) &&
		j->v[lo].path[plen + nlen] == '/';
}

/* The directory whose changes are v[lo..hi), all under the same first
 * plen bytes, old its tree (or NULL); *out unset where it ends empty
 * (*empty), unless it is the top. */
static int
tree_dir(struct tree_job *j, const git_tree *old, size_t plen, size_t lo,
	size_t hi, bool top, git_oid *out, bool *empty)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t oi = 0, on = old ? git_tree_entrycount(old) : 0, k = lo;
	int ret = 0;

	while (oi < on || k < hi) {
		const git_tree_entry *e = oi < on ?
			git_tree_entry_byindex(old, oi) : NULL;
		const char *name = NULL, *sl;
		size_t nlen = 0, end = k;
		bool dir = false;
		int c;

		if (k < hi) {
			name = j->v[k].path + plen;
			sl = strchr(name, '/');
			nlen = sl ? (size_t)(sl - name) : strlen(name);
			dir = sl != NULL;
			for (end = k + 1; dir && end < hi &&
			    !strncmp(j->v[end].path + plen, name, nlen + 1);
			    end++)
				;
			if (clash(j, old, plen, name, nlen, dir, k + 1, hi)) {
				ret = 1;
				goto out;
			}
		}
		if (!e) {
			c = 1;
		} else if (!name) {
			c = -1;
		} else {
			const char *en = git_tree_entry_name(e);
			size_t elen = strlen(en);

			c = elen == nlen && !memcmp(en, name, nlen) ? 0 :
				entry_cmp(en, elen, git_tree_entry_type(e) ==
				GIT_OBJECT_TREE, name, nlen, dir);
		}
		if (c < 0) {
			char mode[8];

			snprintf(mode, sizeof(mode), "%o",
				(unsigned)git_tree_entry_filemode_raw(e));
			tree_put(&b, mode, git_tree_entry_name(e),
				strlen(git_tree_entry_name(e)),
				git_tree_entry_id(e));
			oi++;
			continue;
		}
		if (c == 0)
			oi++;
		else
			e = NULL;
		if (e && (git_tree_entry_type(e) == GIT_OBJECT_TREE) != dir) {
			ret = 1;	/* a file where a directory is, or back */
			goto out;
		}
		if (dir) {
			git_tree *sub = NULL;
			git_oid id;
			bool sub_empty;

			if (e && git_tree_lookup(&sub, j->repo,
			    git_tree_entry_id(e)) < 0) {
				ret = git_fail(j->err, "cannot build the new "
					"tree");
				goto out;
			}
			ret = tree_dir(j, sub, plen + nlen + 1, k, end, false,
				&id, &sub_empty);
			git_tree_free(sub);
			if (ret)
				goto out;
			if (!sub_empty)
				tree_put(&b, "40000", name, nlen, &id);
		} else if (j->ch[j->v[k].i].data) {
			tree_put(&b, "100644", name, nlen, &j->blobs[j->v[k].i]);
		}
		k = end;
	}
	*empty = b.len == 0;
	if ((!*empty || top) && git_odb_write(out, j->odb, b.buf, b.len,
	    GIT_OBJECT_TREE) < 0)
		ret = git_fail(j->err, "cannot build the new tree");
out:
	fq_buf_release(&b);
	return ret;
}

static int
build_tree_sorted(fq_store *s, const git_tree *old_tree,
	const struct fq_change *ch, size_t n, const git_oid *blobs,
	git_oid *out, struct fq_error *err)
{
	struct sorted_path *v = fq_xcalloc(n ? n : 1, sizeof(*v));
	struct tree_job j;
	bool empty;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		v[i].path = ch[i].path;
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), cmp_sorted_path);
	memset(&j, 0, sizeof(j));
	j.repo = s->repo;
	j.ch = ch;
	j.blobs = blobs;
	j.v = v;
	j.err = err;
	if (git_repository_odb(&j.odb, s->repo) < 0) {
		free(v);
		return git_fail(err, "cannot find the object database");
	}
	ret = tree_dir(&j, old_tree, 0, 0, n, true, out, &empty);
	git_odb_free(j.odb);
	free(v);
	return ret;
}

/* The new tree: old_tree with ch[0..n) applied.  Removing what HEAD
 * lacks is an error to libgit2, so such removals are left out. */
static int
build_tree(fq_store *s, git_tree *old_tree, const struct fq_change *ch,
	size_t n, const git_oid *blobs, bool bulk, git_oid *out,
	struct fq_error *err)
{
	git_tree_update *upd;
	size_t i, nupd = 0;
	int r;

	if (bulk && (r = build_tree_sorted(s, old_tree, ch, n, blobs, out,
	    err)) <= 0)
		return r;
	upd = fq_xcalloc(n ? n : 1, sizeof(*upd));
	for (i = 0; i < n; i++) {
		if (!ch[i].data && !tree_has(old_tree, ch[i].path))
			continue;
		upd[nupd].action = ch[i].data ? GIT_TREE_UPDATE_UPSERT :
			GIT_TREE_UPDATE_REMOVE;
		upd[nupd].id = blobs[i];
		upd[nupd].filemode = GIT_FILEMODE_BLOB;
		upd[nupd].path = ch[i].path;
		nupd++;
	}
	/* A bulk commit has just written and indexed its blobs: libgit2
	 * need not read each object's header back to see that it is one
	 * (strict object creation, which maps the whole pack to do it). */
	if (bulk)
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	r = git_tree_create_updated(out, s->repo, old_tree, nupd, upd);
	if (bulk)
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	free(upd);
	if (r < 0)
		return git_fail(err, "cannot build the new tree");
	return FQ_OK;
}

/*
 * Blobs and working files of a bulk commit: the files by one thread,
 * the pack by the other (see bulk_files); a change that came compressed
 * is inflated once, by the packer, which hands the bytes over (the
 * ring), one that came raw is compressed once.  The journal is up;
 * *nwritten counts the changes whose file may have been touched.
 */
static int
bulk_write(fq_store *s, git_tree *old_tree, const struct fq_change *ch,
	const size_t *zl, size_t n, git_oid *blobs, struct file_stat *st,
	struct bulk *bk, git_oid *tree_oid, size_t *nwritten,
	struct fq_error *err)
{
	struct bulk_files w;
	pthread_t tid;
	bool threaded = fq_import_threads();
	int ret;

	size_t i;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.ch = ch;
	w.zl = zl;
	w.n = n;
	w.st = st;
	w.blobs = blobs;
	w.bk = bk;
	atomic_init(&w.stop, false);
	atomic_init(&w.failed, false);
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	for (i = 0; i < FQ_BULK_RING; i++)
		fq_buf_init(&w.slot[i]);
	fq_fault("");	/* FQ_FAULT is read here, before the thread */
	w.ring = threaded;
	if (threaded && pthread_create(&tid, NULL, bulk_files_run, &w) != 0)
		threaded = w.ring = false;
	if (!threaded)
		bulk_files_run(&w);
	/* w.ret is the thread's until it is joined */
	ret = !threaded && w.ret < 0 ? w.ret : bulk_pack(s, ch, zl, n, blobs,
		threaded ? &w : NULL, err);
	/* the tree while the files are written (blobs are all known) */
	if (ret == FQ_OK) {
		pack_show(s);
		ret = build_tree(s, old_tree, ch, n, blobs, true, tree_oid,
			err);
	}
	if (threaded) {
		if (ret < 0)
			ring_flag(&w, &w.stop);
		pthread_join(tid, NULL);
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	for (i = 0; i < FQ_BULK_RING; i++)
		fq_buf_release(&w.slot[i]);
	*nwritten = w.nwritten;
	if (w.ret < 0) {
		/* the files failed: that is the error, whatever the pack did */
		*err = w.err;
		return w.ret;
	}
	return ret;
}

struct fq_zip {
#ifdef FQ_HAVE_LIBDEFLATE
	struct libdeflate_compressor *ld;
#endif
	z_stream zs;
	bool zinit;
};

/* p cut to n bytes, or p itself where realloc fails */
static char *
shrink(char *p, size_t n)
{
	char *q;

	if (!n)
		return p;
	q = realloc(p, n);
	return q ? q : p;
}

fq_zip *
fq_zip_new(void)
{
	fq_zip *zp = fq_xcalloc(1, sizeof(*zp));

#ifdef FQ_HAVE_LIBDEFLATE
	zp->ld = libdeflate_alloc_compressor(1);
#endif
	/* memLevel 4, as for the pack: a small table to reset per file */
	if (deflateInit2(&zp->zs, Z_BEST_SPEED, Z_DEFLATED, 15, 4,
	    Z_DEFAULT_STRATEGY) == Z_OK)
		zp->zinit = true;
	return zp;
}

int
fq_zip_compress(fq_zip *zp, const void *data, size_t len, char **out,
	size_t *outlen)
{
	size_t cap;
	char *z;

	*out = NULL;
	*outlen = 0;
#ifdef FQ_HAVE_LIBDEFLATE
	if (zp->ld) {
		size_t got;

		cap = libdeflate_zlib_compress_bound(zp->ld, len);
		if (!(z = malloc(cap)))
			return -1;
		if (!(got = libdeflate_zlib_compress(zp->ld, data, len, z,
		    cap))) {
			free(z);
			return -1;
		}
		*out = shrink(z, got);
		*outlen = got;
		return 0;
	}
#endif
	if (!zp->zinit || deflateReset(&zp->zs) != Z_OK)
		return -1;
	cap = deflateBound(&zp->zs, (uLong)len);
	if (!(z = malloc(cap)))
		return -1;
	zp->zs.next_in = (Bytef *)data;
	zp->zs.avail_in = (uInt)len;
	zp->zs.next_out = (Bytef *)z;
	zp->zs.avail_out = (uInt)cap;
	if (deflate(&zp->zs, Z_FINISH) != Z_STREAM_END) {
		free(z);
		return -1;
	}
	*outlen = zp->zs.total_out;
	*out = shrink(z, *outlen);
	return 0;
}

void
fq_zip_free(fq_zip *zp)
{
	if (!zp)
		return;
#ifdef FQ_HAVE_LIBDEFLATE
	libdeflate_free_compressor(zp->ld);
#endif
	if (zp->zinit)
		deflateEnd(&zp->zs);
	free(zp);
}

static int
store_commit(fq_store *s, const struct fq_change *ch, const size_t *zl,
	size_t n, const char *message, bool *committed, struct fq_error *err)
{
	git_commit *head = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_signature *sig = NULL;
	git_oid *blobs = NULL, tree_oid, commit_oid;
	const git_commit *parents[1];
	struct fq_buf msg = FQ_BUF_INIT, scratch = FQ_BUF_INIT;
	bool bulk, journal = false;
	fq_gitindex *gi = NULL;
	struct bulk bk;
	struct file_stat *st = NULL;	/* bulk: the files as written */
	size_t i, nwritten = 0;
	mode_t old_umask;
	int ret;

	if (committed)
		*committed = false;
	if (!message || !*message)
		return fq_error_set(err, FQ_EUSAGE, "empty commit message");
	if ((ret = check_changes(ch, n, err)) < 0)
		return ret;
	memset(&bk, 0, sizeof(bk));
	old_umask = umask(077);

	if ((ret = head_tree(s, &head, &old_tree, err)) < 0)
		goto out;

	/* 1. blobs: loose objects (a bulk commit writes its pack with the
	 * working files, below) */
	blobs = fq_xcalloc(n, sizeof(*blobs));
	bulk = n >= FQ_BULK_CHANGES;
	for (i = 0; !bulk && i < n; i++) {
		const char *bytes = ch[i].data ? change_bytes(&ch[i],
			zl ? zl[i] : 0, &scratch, NULL) : NULL;

		if (ch[i].data && (!bytes || git_blob_create_from_buffer(
		    &blobs[i], s->repo, bytes, ch[i].len) < 0)) {
			ret = git_fail(err, "cannot store '%s'", ch[i].path);
			goto out;
		}
	}

	/* 2. working files */
	recover_pending(s, old_tree);
	pending_begin(s, ch, n);
	journal = true;
	if (bulk) {
		st = fq_xcalloc(n, sizeof(*st));
		if ((ret = bulk_write(s, old_tree, ch, zl, n, blobs, st, &bk,
		    &tree_oid, &nwritten, err)) < 0)
			goto out;
	}
	for (i = 0; !bulk && i < n; i++) {
		nwritten = i + 1;
		if (!ch[i].data)
			bulk_forget_dirs(&bk);
		ret = ch[i].data ? write_working_file(s, &ch[i],
			zl ? zl[i] : 0, !bulk, bulk ? &bk : NULL, err) :
			remove_working_file(s, ch[i].path, err);
		if (ret < 0)
			goto out;
	}
	if (bulk) {
		int rfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (rfd < 0 || syncfs(rfd) < 0) {
			ret = fq_error_set(err, FQ_ERROR, "cannot sync the "
				"working files: %s", strerror(errno));
			if (rfd >= 0)
				close(rfd);
			goto out;
		}
		close(rfd);
	}

	/* 3. tree (a bulk commit's was built beside its files) */
	if (!bulk && (ret = build_tree(s, old_tree, ch, n, blobs, false,
	    &tree_oid, err)) < 0)
		goto out;

	/* 4. commit, unless nothing changed, holding git's index.lock */
	if ((ret = index_begin(s, &gi, ch, n, blobs, bulk ? st : NULL,
	    err)) < 0)
		goto out;
	if (!old_tree || !git_oid_equal(&tree_oid, git_tree_id(old_tree))) {
		if (git_tree_lookup(&new_tree, s->repo, &tree_oid) < 0) {
			ret = git_fail(err, "cannot read the new tree");
			goto out;
		}
		if ((ret = make_signature(s, &sig, err)) < 0)
			goto out;
		fq_buf_adds(&msg, message);
		if (msg.buf[msg.len - 1] != '\n')
			fq_buf_addch(&msg, '\n');
		parents[0] = head;
		if (fq_fault("before-commit") < 0) {
			ret = fq_error_set(err, FQ_ERROR, "cannot commit: %s",
				strerror(errno));
			goto out;
		}
		/* signed when git's configuration asks (lib/sign.c) */
		if ((ret = fq_commit_create(&commit_oid, s->repo, "HEAD", sig,
		    msg.buf, new_tree, head ? 1 : 0, parents, err)) < 0)
			goto out;
		if (committed)
			*committed = true;
	}

	nwritten = 0;	/* committed, or nothing to commit: keep the files */
	fq_fault("after-commit");
	/* The journal is done with: ended before the index is renamed,
	 * whose flush (ext4 writes a file renamed over another at once)
	 * a later block freed (with discard, synchronously) would wait on. */
	pending_end(s);
	journal = false;

	/* 5. index */
	ret = index_end(s, gi, ch, n, blobs, bulk ? st : NULL, err);
	gi = NULL;
out:
	fq_gitindex_free(gi);
	free(st);
	bulk_release(&bk);
	if (ret < 0 && nwritten)
		undo_working_files(s, ch, nwritten, old_tree);
	if (journal)
		pending_end(s);
	umask(old_umask);
	git_signature_free(sig);
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	git_commit_free(head);
	free(blobs);
	fq_buf_release(&msg);
	fq_buf_release(&scratch);
	return ret;
}

int
fq_store_commit(fq_store *s, const struct fq_change *changes, size_t n,
	const char *message, bool *committed, struct fq_error *err)
{
	if (committed)
		*committed = false;
	if (s->lock_fd < 0)
		return fq_error_set(err, FQ_ERROR,
			"a commit needs the repository lock");
	return store_commit(s, changes, NULL, n, message, committed, err);
}

int
fq_store_commit_z(fq_store *s, const struct fq_change *changes,
	const size_t *zlen, size_t n, const char *message, bool *committed,
	struct fq_error *err)
{
	if (committed)
		*committed = false;
	if (s->lock_fd < 0)
		return fq_error_set(err, FQ_ERROR,
			"a commit needs the repository lock");
	return store_commit(s, changes, zlen, n, message, committed, err);
}

/*
 * Listing and history.
 */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Git's tree order is the byte order of full paths. */
static int
walk_cases(fq_store *s, const git_tree *tree, struct fq_buf *path,
	fq_store_each_fn fn, void *data, struct fq_error *err)
{
	size_t i, len = path->len;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = 0;

	for (i = 0; i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_filemode_t mode = git_tree_entry_filemode(e);

		fq_buf_setlen(path, len);
		fq_buf_addf(path, "/%s", name);
		if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub = NULL;

			if (git_tree_lookup(&sub, s->repo,
			    git_tree_entry_id(e)) < 0)
				return git_fail(err, "cannot read '%s' in HEAD",
					path->buf);
			ret = walk_cases(s, sub, path, fn, data, err);
			git_tree_free(sub);
		} else if ((mode == GIT_FILEMODE_BLOB ||
		    mode == GIT_FILEMODE_BLOB_EXECUTABLE) &&
		    ends_with(name, ".yaml")) {
			git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
			ret = fn(path->buf, hex, data);
		}
		if (ret)
			break;
	}
	fq_buf_setlen(path, len);
	return ret;
}

int
fq_store_foreach(fq_store *s, fq_store_each_fn fn, void *data,
	struct fq_error *err)
{
	git_tree *head = NULL, *cases = NULL;
	struct fq_buf path = FQ_BUF_INIT;
	int ret;

	if ((ret = head_tree(s, NULL, &head, err)) < 0)
		goto out;
	if ((ret = subtree(s, &cases, head, "cases", err)) < 0 || !cases)
		goto out;
	fq_buf_adds(&path, "cases");
	ret = walk_cases(s, cases, &path, fn, data, err);
out:
	git_tree_free(cases);
	git_tree_free(head);
	fq_buf_release(&path);
	return ret;
}

/* The id of HEAD's cases/ tree (for the index's tree cache). */
int
fq_store_cases_tree(fq_store *s, git_oid *out, bool *found,
	struct fq_error *err)
{
	git_tree *head = NULL;
	const git_tree_entry *e;
	int ret;

	*found = false;
	if ((ret = head_tree(s, NULL, &head, err)) < 0 || !head)
		return ret;
	e = git_tree_entry_byname(head, "cases");
	if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		git_oid_cpy(out, git_tree_entry_id(e));
		*found = true;
	}
	git_tree_free(head);
	return FQ_OK;
}

int
fq_store_read_head(fq_store *s, const char *relpath, struct fq_buf *out,
	struct fq_error *err)
{
	git_tree *head = NULL;
	git_tree_entry *e = NULL;
	int ret, r;

	if ((ret = head_tree(s, NULL, &head, err)) < 0)
		goto out;
	r = head ? git_tree_entry_bypath(&e, head, relpath) : GIT_ENOTFOUND;
	if (r == GIT_ENOTFOUND || (e &&
	    git_tree_entry_type(e) != GIT_OBJECT_BLOB)) {
		git_error_clear();
		ret = fq_error_set(err, FQ_ENOTFOUND,
			"no such file in HEAD: %s", relpath);
		goto out;
	}
	if (r < 0) {
		ret = git_fail(err, "cannot read '%s' in HEAD", relpath);
		goto out;
	}
	{
		/* by id: a huge blob is refused before it is inflated */
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
		ret = fq_store_read_blob(s, hex, out, err);
	}
out:
	git_tree_entry_free(e);
	git_tree_free(head);
	return ret;
}

int
fq_store_read_blob(fq_store *s, const char *oid, struct fq_buf *out,
	struct fq_error *err)
{
	git_oid id;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	int ret = FQ_OK;

	if (!oid || git_oid_fromstrn(&id, oid, 40) < 0) {
		git_error_clear();
		return fq_error_set(err, FQ_EUSAGE, "not a blob id: '%s'",
			oid ? oid : "");
	}
	/* straight from the object database: no blob cache to fill */
	if (git_repository_odb(&odb, s->repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, &id) < 0) {
		ret = git_fail(err, "cannot read blob %.40s", oid);
		goto out;
	}
	if (size > FQ_NODE_MAX_FILE) {	/* never inflate a huge blob */
		ret = fq_error_set(err, FQ_EPARSE, "file too large (%zu "
			"bytes, at most %d)", size, FQ_NODE_MAX_FILE);
		goto out;
	}
	if (git_odb_read(&obj, odb, &id) < 0) {
		ret = git_fail(err, "cannot read blob %.40s", oid);
		goto out;
	}
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		ret = fq_error_set(err, FQ_ENOTFOUND, "not a blob: %.40s", oid);
		goto out;
	}
	fq_buf_add(out, git_odb_object_data(obj), git_odb_object_size(obj));
out:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return ret;
}

int
fq_store_stray(fq_store *s, struct fq_buf *paths, size_t *count,
	struct fq_error *err)
{
	static char spec_cases[] = "cases", spec_conf[] = "fq.yaml";
	char *specs[] = { spec_cases, spec_conf };
	git_status_options so;
	git_status_list *list = NULL;
	size_t i, n;
	int ret = FQ_OK;

	*count = 0;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/*
	 * Ignored files count too: a file hidden by someone's gitignore is
	 * still a file that differs from HEAD.
	 */
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		GIT_STATUS_OPT_INCLUDE_IGNORED |
		GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
		GIT_STATUS_OPT_EXCLUDE_SUBMODULES |
		GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
	so.pathspec.strings = specs;
	so.pathspec.count = FQ_ARRAY_SIZE(specs);
	if (git_status_list_new(&list, s->repo, &so) < 0)
		return git_fail(err, "cannot compare the working tree with "
			"HEAD");
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ?
			e->head_to_index : e->index_to_workdir;
		const char *path;

		if (e->status == GIT_STATUS_CURRENT || !d)
			continue;
		path = d->new_file.path ? d->new_file.path : d->old_file.path;
		fq_buf_add(paths, path, strlen(path) + 1);
		(*count)++;
	}
	git_status_list_free(list);
	return ret;
}

/* The blob id at path in tree, if any. */
static bool
entry_id(const git_tree *tree, const char *path, git_oid *out)
{
	git_tree_entry *e = NULL;

	if (!tree || git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return false;
	}
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return true;
}

int
fq_store_log(fq_store *s, const char *relpath, fq_store_log_fn fn,
	void *data, struct fq_error *err)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid, a, b;
	bool has_a, has_b;
	int r, ret = FQ_OK;

	if (git_revwalk_new(&walk, s->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
	    GIT_SORT_TIME) < 0) {
		ret = git_fail(err, "cannot walk the history");
		goto out;
	}
	r = git_revwalk_push_head(walk);
	if (r == GIT_ENOTFOUND || r == GIT_EUNBORNBRANCH) {
		git_error_clear();
		goto out;
	}
	if (r < 0) {
		ret = git_fail(err, "cannot walk the history");
		goto out;
	}
	while ((r = git_revwalk_next(&oid, walk)) == 0) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0 ||
		    git_commit_tree(&tree, c) < 0) {
			ret = git_fail(err, "cannot read commit %s",
				git_oid_tostr(hex, sizeof(hex), &oid));
			goto out;
		}
		if (git_commit_parentcount(c) > 0 &&
		    (git_commit_parent(&parent, c, 0) < 0 ||
		    git_commit_tree(&ptree, parent) < 0)) {
			ret = git_fail(err, "cannot read the parent of %s",
				git_oid_tostr(hex, sizeof(hex), &oid));
			goto out;
		}
		has_a = entry_id(tree, relpath, &a);
		has_b = entry_id(ptree, relpath, &b);
		if (has_a != has_b || (has_a && !git_oid_equal(&a, &b))) {
			const git_signature *au = git_commit_author(c);
			const char *summary = git_commit_summary(c);

			ret = fn(git_oid_tostr(hex, sizeof(hex), &oid),
				au->name, au->email, (long long)au->when.time,
				au->when.offset, summary ? summary : "", data);
			if (ret)
				goto out;
		}
		git_tree_free(ptree);
		git_commit_free(parent);
		git_tree_free(tree);
		git_commit_free(c);
		ptree = NULL;
		parent = NULL;
		tree = NULL;
		c = NULL;
	}
	if (r != GIT_ITEROVER)
		ret = git_fail(err, "cannot walk the history");
out:
	git_tree_free(ptree);
	git_commit_free(parent);
	git_tree_free(tree);
	git_commit_free(c);
	git_revwalk_free(walk);
	return ret;
}

/*
 * The name commits will carry: as set, else git's user.name, else "fq".
 * Cached in the store so the pointer stays valid.
 */
const char *
fq_store_author_name(fq_store *s)
{
	git_signature *sig = NULL;

	if (s->author_name)
		return s->author_name;
	if (make_signature(s, &sig, NULL) == FQ_OK) {
		s->author_name = fq_xstrdup(sig->name);
		git_signature_free(sig);
		return s->author_name;
	}
	return "fq";
}

/*
 * Read-only views of a branch, for county reports over bare repositories.
 *
 * A view's caches (the fq index) are its own, one directory per repository
 * and branch in the user's cache, $XDG_CACHE_HOME/fq/views/HASH (else
 * ~/.cache/fq/views/HASH), 0700: one <gitdir>/fq/index shared by every
 * branch of a county repository was rebuilt for each branch on every run,
 * and was written into a repository the report only reads.  Without a
 * cache directory there is no cache, only the same results more slowly.
 */
static void view_mark(const char *dir, const char *root, const char *ref);

static void
view_cache_dir(fq_store *s, const char *ref)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct fq_buf b = FQ_BUF_INIT;
	uint64_t h;

	h = fq_hash(FQ_HASH_INIT, s->root, strlen(s->root) + 1);
	h = fq_hash(h, ref, strlen(ref));
	if (xdg && *xdg == '/')
		fq_buf_addf(&b, "%s/fq/views", xdg);
	else if (home && *home == '/')
		fq_buf_addf(&b, "%s/.cache/fq/views", home);
	else
		fq_buf_adds(&b, "/nonexistent/fq");	/* no cache */
	if (mkdir_p(b.buf, 0700, NULL) == FQ_OK)
		chmod(b.buf, 0700);
	fq_buf_addf(&b, "/%016llx", (unsigned long long)h);
	free(s->private_dir);
	s->private_dir = fq_buf_detach(&b, NULL);
	view_mark(s->private_dir, s->root, ref);
}

#define VIEW_MARK "fq-view 1\n"

/* The view's marker, <dir>/view: what it is a view of, for pruning. */
static void
view_mark(const char *dir, const char *root, const char *ref)
{
	struct fq_buf p = FQ_BUF_INIT, d = FQ_BUF_INIT;
	struct stat st;
	int fd;

	fq_buf_addf(&p, "%s/view", dir);
	if (stat(p.buf, &st) == 0 || (mkdir(dir, 0700) < 0 &&
	    errno != EEXIST))
		goto out;
	fq_buf_addf(&d, VIEW_MARK "%s\n%s\n", root, ref);
	/* a marker cut short does not parse: the view is then kept */
	if ((fd = open(p.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) >= 0) {
		if (write_all(fd, d.buf, d.len) < 0)
			unlink(p.buf);
		close(fd);
	}
out:
	fq_buf_release(&p);
	fq_buf_release(&d);
}

/* Is the view in dir (its marker) of a repository or branch that no
 * longer exists?  Anything unsure is no. */
static bool
view_stale(const char *dir)
{
	struct fq_buf p = FQ_BUF_INIT, m = FQ_BUF_INIT;
	git_repository *repo = NULL;
	git_reference *r = NULL;
	char *root, *ref, *end;
	struct stat st;
	bool stale = false;
	int e;

	fq_buf_addf(&p, "%s/view", dir);
	if (fq_buf_read_file(&m, p.buf, 4096) < 0 ||
	    strncmp(m.buf, VIEW_MARK, strlen(VIEW_MARK)))
		goto out;
	root = m.buf + strlen(VIEW_MARK);
	if (*root != '/' || !(ref = strchr(root, '\n')))
		goto out;
	*ref++ = '\0';
	if (!(end = strchr(ref, '\n')) || end[1])
		goto out;
	*end = '\0';
	if (stat(root, &st) < 0) {
		stale = errno == ENOENT;
		goto out;
	}
	if (!strcmp(ref, "HEAD") || git_repository_open_ext(&repo, root,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		goto out;
	e = git_reference_lookup(&r, repo, ref);
	stale = e == GIT_ENOTFOUND;
	git_reference_free(r);
out:
	git_error_clear();
	git_repository_free(repo);
	fq_buf_release(&p);
	fq_buf_release(&m);
	return stale;
}

static bool
is_view_name(const char *name)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[16] == '\0';
}

/* Remove the view in dir: its files, then itself (nothing else). */
static bool
view_remove(const char *dir)
{
	struct fq_buf p = FQ_BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s/%s", dir, de->d_name);
		if (lstat(p.buf, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p.buf);
	}
	closedir(d);
	fq_buf_release(&p);
	return rmdir(dir) == 0;
}

int
fq_store_prune_views(size_t *removed, struct fq_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct fq_buf b = FQ_BUF_INIT, p = FQ_BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret;

	*removed = 0;
	if ((ret = git_setup(err)) < 0)
		return ret;
	if (xdg && *xdg == '/')
		fq_buf_addf(&b, "%s/fq/views", xdg);
	else if (home && *home == '/')
		fq_buf_addf(&b, "%s/.cache/fq/views", home);
	if (!b.len || !(d = opendir(b.buf))) {
		fq_buf_release(&b);
		return FQ_OK;
	}
	while ((de = readdir(d))) {
		if (!is_view_name(de->d_name))
			continue;
		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s/%s", b.buf, de->d_name);
		if (lstat(p.buf, &st) == 0 && S_ISDIR(st.st_mode) &&
		    view_stale(p.buf) && view_remove(p.buf))
			(*removed)++;
	}
	closedir(d);
	fq_buf_release(&b);
	fq_buf_release(&p);
	return FQ_OK;
}

int
fq_store_open_ref(fq_store **out, const char *path, const char *ref,
	struct fq_error *err)
{
	git_repository *repo = NULL;
	fq_store *s = NULL;
	struct fq_buf data = FQ_BUF_INIT, name = FQ_BUF_INIT;
	const struct fq_node *unit;
	char shown[256];
	char *root = NULL;
	int ret;

	*out = NULL;
	if ((ret = git_setup(err)) < 0)
		return ret;
	root = realpath(path, NULL);
	if (!root || git_repository_open_ext(&repo, root,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_error_clear();
		ret = fq_error_set(err, FQ_ENOTFOUND,
			"not a git repository: %s",
			printable(shown, sizeof(shown), path));
		goto out;
	}
	s = store_alloc(repo, root);
	repo = NULL;
	s->ref = fq_xstrdup(ref);
	view_cache_dir(s, ref);
	fq_buf_addf(&name, "%s:%s:fq.yaml", root, ref);
	ret = fq_store_read_head(s, "fq.yaml", &data, err);
	if (ret == FQ_ENOTFOUND)
		ret = fq_error_set(err, FQ_ENOTFOUND,
			"not an fq branch (no fq.yaml): %s in %s", ref, root);
	if (ret < 0)
		goto out;
	if ((ret = fq_yaml_parse(&s->config, data.buf, data.len, name.buf,
	    err)) < 0)
		goto out;
	unit = s->config->kind == FQ_NODE_MAP ?
		fq_map_get(s->config, "unit") : NULL;
	if (!unit || unit->kind != FQ_NODE_SCALAR ||
	    !fq_unit_valid(unit->str)) {
		ret = fq_error_set(err, FQ_EINVALID, "%s: no valid unit code",
			name.buf);
		goto out;
	}
	s->unit = unit->str;
	*out = s;
	s = NULL;
out:
	fq_store_free(s);
	git_repository_free(repo);
	fq_buf_release(&data);
	fq_buf_release(&name);
	free(root);
	return ret;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
fq_store_unit_branches(const char *path, struct fq_buf *names,
	size_t *count, struct fq_error *err)
{
	git_repository *repo = NULL;
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	char **v = NULL, shown[256];
	size_t n = 0, alloc = 0, i;
	int r, ret = FQ_OK;

	*count = 0;
	if ((ret = git_setup(err)) < 0)
		return ret;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) < 0) {
		git_error_clear();
		return fq_error_set(err, FQ_ENOTFOUND,
			"not a git repository: %s",
			printable(shown, sizeof(shown), path));
	}
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0) {
		ret = git_fail(err, "cannot list the branches of %s", path);
		goto out;
	}
	while ((r = git_branch_next(&ref, &type, it)) == 0) {
		const char *short_name = git_reference_shorthand(ref);

		if (fq_unit_valid(short_name)) {
			FQ_ALLOC_GROW(v, n + 1, alloc);
			v[n++] = fq_xstrdup(short_name);
		}
		git_reference_free(ref);
		ref = NULL;
	}
	if (r != GIT_ITEROVER) {
		ret = git_fail(err, "cannot list the branches of %s", path);
		goto out;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_cstr);
	for (i = 0; i < n; i++)
		fq_buf_add(names, v[i], strlen(v[i]) + 1);
	*count = n;
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	git_branch_iterator_free(it);
	git_repository_free(repo);
	return ret;
}

/*
 * For sync.c (store_git.h).
 */
git_repository *
fq_store_git(fq_store *s)
{
	return s->repo;
}

int
fq_store_signature(fq_store *s, git_signature **out, struct fq_error *err)
{
	return make_signature(s, out, err);
}

int
fq_git_fail(struct fq_error *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fq_l_fmt(fmt), ap);
	va_end(ap);
	return git_fail(err, "%s", what);	/* "%s": not translated again */
}

int
fq_store_branch(fq_store *s, char **out, struct fq_error *err)
{
	git_reference *head = NULL;

	*out = NULL;
	if (git_reference_lookup(&head, s->repo, "HEAD") < 0)
		return git_fail(err, "cannot read HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		return fq_error_set(err, FQ_ERROR, "HEAD is detached: "
			"check out a branch first");
	}
	*out = fq_xstrdup(git_reference_symbolic_target(head));
	git_reference_free(head);
	return FQ_OK;
}

int
fq_store_move_to(fq_store *s, const git_oid *target, const char *logmsg,
	struct fq_error *err)
{
	git_commit *head = NULL, *to = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_reference *ref = NULL;
	git_blob *blob = NULL;
	struct fq_change *ch = NULL;
	fq_gitindex *gi = NULL;
	git_oid *blobs = NULL;
	char *branch = NULL;
	size_t i, n = 0;
	mode_t old_umask;
	int ret;

	if (s->lock_fd < 0)
		return fq_error_set(err, FQ_ERROR,
			"moving the branch needs the repository lock");
	old_umask = umask(077);
	if ((ret = fq_store_branch(s, &branch, err)) < 0)
		goto out;
	if ((ret = head_tree(s, &head, &old_tree, err)) < 0)
		goto out;
	if (git_commit_lookup(&to, s->repo, target) < 0 ||
	    git_commit_tree(&new_tree, to) < 0) {
		ret = git_fail(err, "cannot read the commit to move to");
		goto out;
	}
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(&diff, s->repo, old_tree, new_tree,
	    &dopts) < 0) {
		ret = git_fail(err, "cannot compare HEAD with the new commit");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	ch = fq_xcalloc(n ? n : 1, sizeof(*ch));
	blobs = fq_xcalloc(n ? n : 1, sizeof(*blobs));
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED ?
			d->old_file.path : d->new_file.path;

		ch[i].path = path;
		if ((ret = check_changes(&ch[i], 1, err)) < 0)
			goto out;
		if (d->status != GIT_DELTA_DELETED &&
		    d->new_file.mode != GIT_FILEMODE_BLOB &&
		    d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
			ret = fq_error_set(err, FQ_EINVALID, "refusing '%s': "
				"not a plain file (a link or a submodule)", path);
			goto out;
		}
	}
	/* working files first: a crash leaves strays, never a lie in HEAD */
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED) {
			ch[i].data = NULL;
			ret = remove_working_file(s, ch[i].path, err);
		} else {
			if (git_blob_lookup(&blob, s->repo,
			    &d->new_file.id) < 0) {
				ret = git_fail(err, "cannot read '%s'",
					ch[i].path);
				goto out;
			}
			ch[i].data = "";	/* marks "written" for the index */
			blobs[i] = d->new_file.id;
			{
				struct fq_change w = ch[i];

				w.data = git_blob_rawcontent(blob);
				w.len = (size_t)git_blob_rawsize(blob);
				if (!w.data)
					w.data = "";
				ret = write_working_file(s, &w, 0, true, NULL, err);
			}
			git_blob_free(blob);
			blob = NULL;
		}
		if (ret < 0)
			goto out;
	}
	if ((ret = index_begin(s, &gi, ch, n, blobs, NULL, err)) < 0)
		goto out;
	if (git_reference_create(&ref, s->repo, branch, target, 1,
	    logmsg) < 0) {
		ret = git_fail(err, "cannot move %s", branch);
		goto out;
	}
	ret = index_end(s, gi, ch, n, blobs, NULL, err);
	gi = NULL;
out:
	fq_gitindex_free(gi);
	umask(old_umask);
	git_blob_free(blob);
	git_reference_free(ref);
	git_diff_free(diff);
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	git_commit_free(to);
	git_commit_free(head);
	free(blobs);
	free(ch);
	free(branch);
	return ret;
}
