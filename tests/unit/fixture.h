/*
 * fixture.h: helpers shared by the unit test suites.
 *
 * Temporary directories are made with mkdtemp(3) under $TMPDIR (or /tmp)
 * and removed with fq_test_rmtree().  Helpers that cannot do their job
 * fail the current test with ck_abort_msg(): a fixture that half works
 * only hides the real failure.
 */
#ifndef FQ_TEST_FIXTURE_H
#define FQ_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/store.h"

/* A new empty directory, mode 0700.  Free the string with free(). */
char *fq_test_tmpdir(void);

/* rm -rf path (does not follow symbolic links); quiet if it is gone. */
void fq_test_rmtree(const char *path);

/* "dir/rel" in new memory (free it). */
char *fq_test_path(const char *dir, const char *rel);

/* Write (create or truncate) a file with data, or read a whole file:
 * the result is NUL-terminated (free it), NULL if it cannot be read. */
void fq_test_write_file(const char *path, const char *data);
char *fq_test_read_file(const char *path);

/* True if path exists (lstat: a dangling link exists). */
int fq_test_exists(const char *path);

/*
 * Keep libgit2 away from the user's configuration: the global, XDG and
 * system config search paths point at dir (which should be empty or hold
 * the configuration the test wants).  Call it before opening a store.
 */
void fq_test_git_isolate(const char *dir);

/*
 * A new case repository in dir (unit QSZ, a Chinese office name), opened.
 * Free it with fq_store_free().
 */
fq_store *fq_test_store_new(const char *dir);

/* The schema of the source tree (FQ_TEST_SCHEMA_DIR), loaded; free it
 * with fq_schema_free(). */
fq_schema *fq_test_schema(void);

/* Parse text that must be good YAML (named test.yaml in errors). */
struct fq_node *fq_test_parse(const char *yaml);

/* Call fn(path, data) for every *.yaml file below dir (recursively,
 * dot files left out); the sum of what fn returned. */
size_t fq_test_each_yaml(const char *dir,
	size_t (*fn)(const char *path, void *data), void *data);

/*
 * Random trees for the YAML writers' and readers' tests, from a small
 * deterministic generator (xorshift) so that failures repeat.  Texts are
 * up to three of the pieces run together; collections hold up to four
 * items and go maxdepth deep; a scalar is quoted or plain at random.
 * utf8_only leaves out the pieces that are not well-formed UTF-8 on
 * their own (bytes that never are, surrogates, cut-short characters), so
 * every text is UTF-8.
 */
struct fq_test_rnd {
	unsigned long state;	/* set it to a non-zero seed */
	const char *const *pieces;
	size_t npieces;
	int maxdepth;
	bool utf8_only;
};

unsigned fq_test_rnd(struct fq_test_rnd *r, unsigned n);	/* [0, n) */
char *fq_test_rnd_text(struct fq_test_rnd *r);		/* free it */
struct fq_node *fq_test_rnd_coll(struct fq_test_rnd *r, int depth,
	bool map);

#endif
