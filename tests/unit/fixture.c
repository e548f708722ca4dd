/*
 * fixture.c: helpers shared by the unit test suites (see fixture.h).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "fixture.h"
#include "fq/buf.h"

char *
fq_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	size_t n;
	char *p;

	if (!base || !*base)
		base = "/tmp";
	n = strlen(base) + sizeof("/fq-test-XXXXXX");
	p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/fq-test-XXXXXX", base);
	if (!mkdtemp(p))
		ck_abort_msg("mkdtemp %s: %s", p, strerror(errno));
	return p;
}

void
fq_test_rmtree(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char *sub;

	if (!path || lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700);	/* a test may have made it unreadable */
	dir = opendir(path);
	if (dir) {
		while ((d = readdir(dir)) != NULL) {
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			sub = fq_test_path(path, d->d_name);
			fq_test_rmtree(sub);
			free(sub);
		}
		closedir(dir);
	}
	rmdir(path);
}

char *
fq_test_path(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

void
fq_test_write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	if (!f)
		ck_abort_msg("cannot write %s: %s", path, strerror(errno));
	fputs(data, f);
	if (fclose(f) != 0)
		ck_abort_msg("cannot write %s: %s", path, strerror(errno));
}

char *
fq_test_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, alloc = 256, n;
	char *p;

	if (!f)
		return NULL;
	p = malloc(alloc);
	ck_assert_ptr_nonnull(p);
	while ((n = fread(p + len, 1, alloc - len - 1, f)) > 0) {
		len += n;
		if (alloc - len < 2) {
			alloc *= 2;
			p = realloc(p, alloc);
			ck_assert_ptr_nonnull(p);
		}
	}
	fclose(f);
	p[len] = '\0';
	return p;
}

int
fq_test_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

void
fq_test_git_isolate(const char *dir)
{
	static int initialized;
	static const int levels[] = {
		GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
		GIT_CONFIG_LEVEL_GLOBAL
	};
	size_t i;

	/* Never shut down: libfq keeps its own reference as well. */
	if (!initialized) {
		ck_assert_int_ge(git_libgit2_init(), 1);
		initialized = 1;
	}
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		ck_assert_int_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
			levels[i], dir), 0);
}

fq_store *
fq_test_store_new(const char *dir)
{
	struct fq_store_init_opts opts = {
		.unit = "QSZ",
		.name = "青山镇人民调解委员会",
		.town = "青山镇",
		.level = "township",
	};
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *s = NULL;

	if (fq_store_init(dir, &opts, &err) < 0)
		ck_abort_msg("fq_store_init %s: %s", dir, err.msg);
	if (fq_store_open(&s, dir, &err) < 0)
		ck_abort_msg("fq_store_open %s: %s", dir, err.msg);
	return s;
}

fq_schema *
fq_test_schema(void)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_schema *sc = NULL;

	if (fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err) != FQ_OK)
		ck_abort_msg("cannot load %s: %s:%u: %s", FQ_TEST_SCHEMA_DIR,
			err.file, err.line, err.msg);
	return sc;
}

struct fq_node *
fq_test_parse(const char *yaml)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	if (fq_yaml_parse(&n, yaml, strlen(yaml), "test.yaml", &err) != FQ_OK)
		ck_abort_msg("cannot parse %s: %u:%u: %s", yaml, err.line,
			err.column, err.msg);
	ck_assert_ptr_nonnull(n);
	return n;
}

unsigned
fq_test_rnd(struct fq_test_rnd *r, unsigned n)
{
	r->state ^= r->state << 13;
	r->state ^= r->state >> 7;
	r->state ^= r->state << 17;
	return (unsigned)(r->state % n);
}

char *
fq_test_rnd_text(struct fq_test_rnd *r)
{
	struct fq_buf b = FQ_BUF_INIT;
	unsigned k = fq_test_rnd(r, 4), i;

	for (i = 0; i < k; i++) {
		const char *p = r->pieces[fq_test_rnd(r, (unsigned)r->npieces)];

		if (!r->utf8_only || fq_utf8_valid(p))
			fq_buf_adds(&b, p);
	}
	if (!b.alloc) {
		char *e = strdup("");

		ck_assert_ptr_nonnull(e);
		return e;
	}
	return fq_buf_detach(&b, NULL);
}

static struct fq_node *
rnd_node(struct fq_test_rnd *r, int depth)
{
	unsigned k = fq_test_rnd(r, 10);
	struct fq_node *n;
	char *t;

	if (depth < r->maxdepth && k < 2)
		return fq_test_rnd_coll(r, depth, true);
	if (depth < r->maxdepth && k < 4)
		return fq_test_rnd_coll(r, depth, false);
	if (k == 4)
		return fq_node_new(FQ_NODE_NULL);
	t = fq_test_rnd_text(r);
	n = fq_test_rnd(r, 2) ? fq_node_text(t) : fq_node_scalar(t);
	free(t);
	return n;
}

struct fq_node *
fq_test_rnd_coll(struct fq_test_rnd *r, int depth, bool map)
{
	struct fq_node *n = fq_node_new(map ? FQ_NODE_MAP : FQ_NODE_SEQ);
	unsigned k = fq_test_rnd(r, 5), i;
	char key[32];

	for (i = 0; i < k; i++) {
		if (!map) {
			fq_seq_push(n, rnd_node(r, depth + 1));
			continue;
		}
		if (fq_test_rnd(r, 3)) {
			snprintf(key, sizeof(key), "key%u", i);
			fq_map_set(n, key, rnd_node(r, depth + 1));
		} else {
			char *t = fq_test_rnd_text(r);

			if (fq_map_index(n, t) < 0)
				fq_map_set(n, t, rnd_node(r, depth + 1));
			free(t);
		}
	}
	return n;
}

size_t
fq_test_each_yaml(const char *dir, size_t (*fn)(const char *, void *),
	void *data)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t sum = 0;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = fq_test_path(dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			sum += fq_test_each_yaml(p, fn, data);
		else if (len > 5 && !strcmp(de->d_name + len - 5, ".yaml"))
			sum += fn(p, data);
		free(p);
	}
	closedir(d);
	return sum;
}
