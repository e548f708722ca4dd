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

#endif
