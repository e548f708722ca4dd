/*
 * check_buf.c: growable NUL-terminated buffers (lib/buf.c).
 *
 * The invariants of buf.h are checked after every operation: buf is never
 * NULL, buf[len] is NUL, alloc is 0 exactly while buf is the shared empty
 * string, and len < alloc otherwise.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fq/buf.h"
#include "fixture.h"

Suite *fq_buf_suite(void);

static void
assert_invariants(const struct fq_buf *b)
{
	ck_assert_ptr_nonnull(b->buf);
	ck_assert_int_eq(b->buf[b->len], '\0');
	if (b->alloc == 0) {
		ck_assert_ptr_eq(b->buf, fq_buf_empty);
		ck_assert_uint_eq(b->len, 0);
	} else {
		ck_assert_ptr_ne(b->buf, fq_buf_empty);
		ck_assert_uint_lt(b->len, b->alloc);
	}
}

/* The byte at position i of the test pattern. */
static char
pattern(size_t i)
{
	return (char)('a' + (i * 7 + i / 26) % 26);
}

static const size_t sizes[] = {
	0, 1, 2, 62, 63, 64, 65, 127, 128, 129, 1000, 4095, 4096, 4097,
	8191, 8192, 65537, 300000,
};

/*
 * Initialization and release.
 */

START_TEST(test_buf_init)
{
	struct fq_buf a = FQ_BUF_INIT, b;

	assert_invariants(&a);
	ck_assert_ptr_eq(a.buf, fq_buf_empty);
	ck_assert_str_eq(a.buf, "");
	memset(&b, 0x5a, sizeof(b));
	fq_buf_init(&b);
	assert_invariants(&b);
	ck_assert_ptr_eq(b.buf, fq_buf_empty);
	ck_assert_uint_eq(b.alloc, 0);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

/* Test: release of a buffer that never grew
 * Description: it must not free the shared empty string, and may be
 * repeated. */
START_TEST(test_buf_release_unused)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_release(&b);
	assert_invariants(&b);
	ck_assert_ptr_eq(b.buf, fq_buf_empty);
	fq_buf_release(&b);
	assert_invariants(&b);
	/* The shared empty string is still empty and usable. */
	ck_assert_int_eq(fq_buf_empty[0], '\0');
	fq_buf_adds(&b, "x");
	ck_assert_str_eq(b.buf, "x");
	ck_assert_int_eq(fq_buf_empty[0], '\0');
	fq_buf_release(&b);
	assert_invariants(&b);
	ck_assert_uint_eq(b.alloc, 0);
}
END_TEST

START_TEST(test_buf_release_used)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "something");
	ck_assert_uint_gt(b.alloc, 0);
	fq_buf_release(&b);
	assert_invariants(&b);
	ck_assert_ptr_eq(b.buf, fq_buf_empty);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.alloc, 0);
	/* And it can be used again. */
	fq_buf_addf(&b, "%d", 42);
	ck_assert_str_eq(b.buf, "42");
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_buf_grow)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t alloc;

	fq_buf_grow(&b, 100);
	assert_invariants(&b);
	ck_assert_uint_ge(b.alloc, 101);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	/* Room already there: no change. */
	alloc = b.alloc;
	fq_buf_grow(&b, 10);
	ck_assert_uint_eq(b.alloc, alloc);
	/* Growing keeps the content. */
	fq_buf_adds(&b, "keep");
	fq_buf_grow(&b, 100000);
	ck_assert_uint_ge(b.alloc, 100000 + 4 + 1);
	ck_assert_str_eq(b.buf, "keep");
	ck_assert_uint_eq(b.len, 4);
	fq_buf_release(&b);
}
END_TEST

/*
 * Adding.
 */

/* Test: fq_buf_add in pieces of every size
 * Description: sizes[_i] bytes added in one go, then the same again one
 * byte at a time and through adds/addch, crossing every growth step. */
START_TEST(test_buf_add_sizes)
{
	size_t n = sizes[_i], i;
	char *src = malloc(n + 1);
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT, c = FQ_BUF_INIT;

	ck_assert_ptr_nonnull(src);
	for (i = 0; i < n; i++)
		src[i] = pattern(i);
	src[n] = '\0';

	fq_buf_add(&a, src, n);
	assert_invariants(&a);
	ck_assert_uint_eq(a.len, n);
	ck_assert_int_eq(memcmp(a.buf, src, n), 0);

	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			fq_buf_addch(&b, src[i]);
		else
			fq_buf_add(&b, src + i, 1);
		/* not ck_assert: Check writes a record per assertion, and
		 * a million of them take minutes under valgrind */
		if (b.len != i + 1 || b.buf[b.len] != '\0')
			ck_abort_msg("after byte %zu: len %zu", i, b.len);
	}
	assert_invariants(&b);
	ck_assert_int_eq(memcmp(b.buf, src, n), 0);

	fq_buf_adds(&c, "<");
	fq_buf_adds(&c, src);
	fq_buf_adds(&c, ">");
	assert_invariants(&c);
	ck_assert_uint_eq(c.len, n + 2);
	ck_assert_int_eq(c.buf[0], '<');
	ck_assert_int_eq(memcmp(c.buf + 1, src, n), 0);
	ck_assert_int_eq(c.buf[n + 1], '>');

	fq_buf_release(&a);
	fq_buf_release(&b);
	fq_buf_release(&c);
	free(src);
}
END_TEST

/* Embedded NUL bytes are data like any other. */
START_TEST(test_buf_add_binary)
{
	struct fq_buf b = FQ_BUF_INIT;
	static const char data[] = { 'a', '\0', 'b', '\0', '\xff' };

	fq_buf_add(&b, data, sizeof(data));
	fq_buf_addch(&b, '\0');
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, sizeof(data) + 1);
	ck_assert_int_eq(memcmp(b.buf, data, sizeof(data)), 0);
	ck_assert_int_eq(b.buf[sizeof(data)], '\0');
	fq_buf_add(&b, "ignored", 0);
	ck_assert_uint_eq(b.len, sizeof(data) + 1);
	fq_buf_release(&b);
}
END_TEST

/* Test: fq_buf_addf with results of every size
 * Description: the first vsnprintf may not fit (the buffer is grown by 64
 * first), so results just below, at and above every boundary are
 * compared with snprintf's. */
START_TEST(test_buf_addf_sizes)
{
	size_t n = sizes[_i], i, want_len;
	char *src = malloc(n + 1), *want;
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_ptr_nonnull(src);
	for (i = 0; i < n; i++)
		src[i] = pattern(i);
	src[n] = '\0';

	want_len = (size_t)snprintf(NULL, 0, "[%s|%05d|%zu]", src, 42, n);
	want = malloc(want_len + 1);
	ck_assert_ptr_nonnull(want);
	snprintf(want, want_len + 1, "[%s|%05d|%zu]", src, 42, n);

	fq_buf_addf(&b, "[%s|%05d|%zu]", src, 42, n);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, want_len);
	ck_assert_str_eq(b.buf, want);

	/* Appending a second time keeps the first. */
	fq_buf_addf(&b, "%s", src);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, want_len + n);
	ck_assert_int_eq(memcmp(b.buf, want, want_len), 0);
	ck_assert_int_eq(memcmp(b.buf + want_len, src, n), 0);

	/* An empty result adds nothing. */
	fq_buf_addf(&b, "%s", "");
	ck_assert_uint_eq(b.len, want_len + n);

	fq_buf_release(&b);
	free(want);
	free(src);
}
END_TEST

/* Many small appends: each lands exactly after the previous one. */
START_TEST(test_buf_addf_many)
{
	struct fq_buf b = FQ_BUF_INIT;
	char one[16];
	int i;

	for (i = 0; i < 20000; i++) {
		fq_buf_addf(&b, "%05d,", i);
		if (b.len != (size_t)(i + 1) * 6)
			ck_abort_msg("after %d appends: len %zu", i + 1, b.len);
	}
	assert_invariants(&b);
	for (i = 0; i < 20000; i += 997) {
		snprintf(one, sizeof(one), "%05d,", i);
		ck_assert_int_eq(memcmp(b.buf + (size_t)i * 6, one, 6), 0);
	}
	fq_buf_release(&b);
}
END_TEST

/*
 * Detach, setlen, reset.
 */

START_TEST(test_buf_detach)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t len = 99;
	char *s;

	fq_buf_addf(&b, "%s-%04d", "QSZ", 2024);
	s = fq_buf_detach(&b, &len);
	ck_assert_str_eq(s, "QSZ-2024");
	ck_assert_uint_eq(len, 8);
	assert_invariants(&b);
	ck_assert_ptr_eq(b.buf, fq_buf_empty);
	ck_assert_uint_eq(b.alloc, 0);
	ck_assert_ptr_ne(s, fq_buf_empty);
	free(s);

	/* The buffer is usable after a detach. */
	fq_buf_adds(&b, "again");
	s = fq_buf_detach(&b, NULL);
	ck_assert_str_eq(s, "again");
	free(s);
	assert_invariants(&b);
}
END_TEST

/* Detaching a buffer that never grew still gives memory the caller can
 * free, never the shared empty string. */
START_TEST(test_buf_detach_empty)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t len = 99;
	char *s = fq_buf_detach(&b, &len);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s, fq_buf_empty);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	assert_invariants(&b);

	/* A grown but emptied buffer too. */
	fq_buf_adds(&b, "xyz");
	fq_buf_reset(&b);
	s = fq_buf_detach(&b, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	assert_invariants(&b);
}
END_TEST

static const struct {
	const char *start;
	size_t len;
	const char *want;
} setlens[] = {
	{ "hello world", 5, "hello" },
	{ "hello world", 0, "" },
	{ "hello world", 11, "hello world" },
	{ "中文", 3, "中" },
	{ "x", 1, "x" },
};

START_TEST(test_buf_setlen)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t alloc;

	fq_buf_adds(&b, setlens[_i].start);
	alloc = b.alloc;
	fq_buf_setlen(&b, setlens[_i].len);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, setlens[_i].len);
	ck_assert_str_eq(b.buf, setlens[_i].want);
	ck_assert_uint_eq(b.alloc, alloc);	/* memory is kept */
	/* Appending goes after the new end. */
	fq_buf_adds(&b, "!");
	ck_assert_uint_eq(b.len, setlens[_i].len + 1);
	ck_assert_int_eq(b.buf[setlens[_i].len], '!');
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_buf_reset)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t alloc;

	/* Reset of a buffer that never grew is harmless. */
	fq_buf_reset(&b);
	assert_invariants(&b);
	ck_assert_ptr_eq(b.buf, fq_buf_empty);

	fq_buf_adds(&b, "some text");
	alloc = b.alloc;
	fq_buf_reset(&b);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	ck_assert_uint_eq(b.alloc, alloc);
	fq_buf_addf(&b, "%s", "new");
	ck_assert_str_eq(b.buf, "new");
	fq_buf_release(&b);
}
END_TEST

/*
 * Reading files.
 */

static char *tmp;

static void
tmp_setup(void)
{
	tmp = fq_test_tmpdir();
}

static void
tmp_teardown(void)
{
	fq_test_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

/* Write n bytes of the pattern to tmp/name; returns the path (free it). */
static char *
write_sized(const char *name, size_t n)
{
	char *path = fq_test_path(tmp, name);
	FILE *f = fopen(path, "wb");
	size_t i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++)
		if (fputc(pattern(i), f) == EOF)
			ck_abort_msg("cannot write %s", path);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Test: read files of every size
 * Description: the content is appended after what the buffer held, and
 * the limit is inclusive: a file of exactly max bytes is read. */
START_TEST(test_buf_read_file_sizes)
{
	size_t n = sizes[_i], i;
	char *path = write_sized("f", n);
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "prefix:");
	ck_assert_int_eq(fq_buf_read_file(&b, path, n ? n : 1), 0);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, 7 + n);
	ck_assert_int_eq(memcmp(b.buf, "prefix:", 7), 0);
	for (i = 0; i < n; i++)
		if (b.buf[7 + i] != pattern(i))
			ck_abort_msg("byte %zu differs", i);

	/* Without a limit (max 0) too. */
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_buf_read_file(&b, path, 0), 0);
	ck_assert_uint_eq(b.len, n);
	fq_buf_release(&b);
	free(path);
}
END_TEST

START_TEST(test_buf_read_file_missing)
{
	char *path = fq_test_path(tmp, "no-such-file");
	struct fq_buf b = FQ_BUF_INIT, e = FQ_BUF_INIT;

	fq_buf_adds(&b, "kept");
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&b, path, 1000), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(b.buf, "kept");
	ck_assert_uint_eq(b.len, 4);

	/* An unused buffer stays unused. */
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&e, path, 1000), -1);
	ck_assert_int_eq(errno, ENOENT);
	assert_invariants(&e);
	ck_assert_uint_eq(e.len, 0);
	fq_buf_release(&e);
	fq_buf_release(&b);
	free(path);
}
END_TEST

/* Test: a file over the limit
 * Description: EFBIG, and the buffer keeps exactly its old content
 * however much was read before the limit was seen. */
static const size_t too_big[][2] = {
	/* file size, max */
	{ 101, 100 }, { 8193, 8192 }, { 20000, 10 }, { 300000, 100000 },
	{ 2, 1 },
};

START_TEST(test_buf_read_file_too_big)
{
	char *path = write_sized("big", too_big[_i][0]);
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "old");
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&b, path, too_big[_i][1]), -1);
	ck_assert_int_eq(errno, EFBIG);
	assert_invariants(&b);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq(b.buf, "old");

	/* One byte more of limit and it is read. */
	ck_assert_int_eq(fq_buf_read_file(&b, path, too_big[_i][0]), 0);
	ck_assert_uint_eq(b.len, 3 + too_big[_i][0]);
	fq_buf_release(&b);
	free(path);
}
END_TEST

/* Symbolic links are refused (O_NOFOLLOW), even to a readable file. */
START_TEST(test_buf_read_file_symlink)
{
	char *target = write_sized("target", 10);
	char *link = fq_test_path(tmp, "link");
	char *dangling = fq_test_path(tmp, "dangling");
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(symlink("nowhere", dangling), 0);
	fq_buf_adds(&b, "x");
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&b, link, 1000), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_str_eq(b.buf, "x");
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&b, dangling, 1000), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_str_eq(b.buf, "x");
	/* The target itself reads fine. */
	ck_assert_int_eq(fq_buf_read_file(&b, target, 1000), 0);
	ck_assert_uint_eq(b.len, 11);
	fq_buf_release(&b);
	free(target);
	free(link);
	free(dangling);
}
END_TEST

START_TEST(test_buf_read_file_directory)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "x");
	errno = 0;
	ck_assert_int_eq(fq_buf_read_file(&b, tmp, 1000), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_str_eq(b.buf, "x");
	ck_assert_uint_eq(b.len, 1);
	fq_buf_release(&b);
}
END_TEST

Suite *
fq_buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("core");
	tcase_add_test(tc, test_buf_init);
	tcase_add_test(tc, test_buf_release_unused);
	tcase_add_test(tc, test_buf_release_used);
	tcase_add_test(tc, test_buf_grow);
	suite_add_tcase(s, tc);

	tc = tcase_create("add");
	LOOP(tc, test_buf_add_sizes, sizes);
	tcase_add_test(tc, test_buf_add_binary);
	LOOP(tc, test_buf_addf_sizes, sizes);
	tcase_add_test(tc, test_buf_addf_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("detach");
	tcase_add_test(tc, test_buf_detach);
	tcase_add_test(tc, test_buf_detach_empty);
	LOOP(tc, test_buf_setlen, setlens);
	tcase_add_test(tc, test_buf_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("read_file");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	LOOP(tc, test_buf_read_file_sizes, sizes);
	tcase_add_test(tc, test_buf_read_file_missing);
	LOOP(tc, test_buf_read_file_too_big, too_big);
	tcase_add_test(tc, test_buf_read_file_symlink);
	tcase_add_test(tc, test_buf_read_file_directory);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
