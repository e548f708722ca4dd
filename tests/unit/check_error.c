/*
 * check_error.c: struct fq_error and diagnostic lists (lib/error.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/error.h"

Suite *fq_error_suite(void);

static const struct {
	enum fq_code code;
	const char *name;	/* fq_strerror(), exactly */
} codes[] = {
	{ FQ_OK, "success" },
	{ FQ_ERROR, "error" },
	{ FQ_ENOTFOUND, "not found" },
	{ FQ_EEXISTS, "already exists" },
	{ FQ_EPARSE, "parse error" },
	{ FQ_EINVALID, "invalid" },
	{ FQ_ETRANSITION, "step not allowed" },
	{ FQ_ELOCKED, "repository busy" },
	{ FQ_EUSAGE, "bad value" },
};

#define NCODES ((int)(sizeof(codes) / sizeof(codes[0])))

START_TEST(test_error_init)
{
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(err.code, FQ_OK);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_uint_eq(err.column, 0);
	ck_assert_str_eq(err.file, "");
	ck_assert_str_eq(err.msg, "");
}
END_TEST

/* Test: fq_error_set for every code
 * Description: returns the code it sets, formats the message, and clears
 * a position left by an earlier fq_error_setpos(). */
START_TEST(test_error_set_returns_code)
{
	struct fq_error err = FQ_ERROR_INIT;
	enum fq_code code = codes[_i].code;

	fq_error_setpos(&err, FQ_EPARSE, "old.yaml", 7, 9, "old");
	ck_assert_int_eq(fq_error_set(&err, code, "no case '%s' (%d)",
		"QSZ-2024-000001", 3), code);
	ck_assert_int_eq(err.code, code);
	ck_assert_str_eq(err.msg, "no case 'QSZ-2024-000001' (3)");
	ck_assert_uint_eq(err.line, 0);
	ck_assert_uint_eq(err.column, 0);
	ck_assert_str_eq(err.file, "");
}
END_TEST

START_TEST(test_error_setpos_returns_code)
{
	struct fq_error err = FQ_ERROR_INIT;
	enum fq_code code = codes[_i].code;

	ck_assert_int_eq(fq_error_setpos(&err, code, "cases/2024/03/X.yaml",
		12, 9, "unknown category '%s'", "foo"), code);
	ck_assert_int_eq(err.code, code);
	ck_assert_str_eq(err.file, "cases/2024/03/X.yaml");
	ck_assert_uint_eq(err.line, 12);
	ck_assert_uint_eq(err.column, 9);
	ck_assert_str_eq(err.msg, "unknown category 'foo'");

	/* A NULL file is an empty file name. */
	ck_assert_int_eq(fq_error_setpos(&err, code, NULL, 1, 2, "x"), code);
	ck_assert_str_eq(err.file, "");
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.column, 2);
}
END_TEST

/* The caller may pass NULL when it does not care: the code still comes
 * back. */
START_TEST(test_error_null)
{
	enum fq_code code = codes[_i].code;

	ck_assert_int_eq(fq_error_set(NULL, code, "ignored %s", "x"), code);
	ck_assert_int_eq(fq_error_setpos(NULL, code, "f", 1, 1, "ignored"),
		code);
	fq_error_clear(NULL);
}
END_TEST

START_TEST(test_error_clear)
{
	struct fq_error err = FQ_ERROR_INIT;

	fq_error_setpos(&err, FQ_EINVALID, "f.yaml", 3, 4, "bad");
	fq_error_clear(&err);
	ck_assert_int_eq(err.code, FQ_OK);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_uint_eq(err.column, 0);
	ck_assert_str_eq(err.file, "");
	ck_assert_str_eq(err.msg, "");
}
END_TEST

/* Test: long messages and file names are cut, never overflow
 * Description: the struct has fixed buffers; what does not fit is cut
 * and the result is still NUL-terminated.  Guard bytes after the struct
 * catch an overflow. */
START_TEST(test_error_truncation)
{
	struct {
		struct fq_error err;
		char guard[64];
	} x;
	char *longmsg = malloc(5001), *longfile = malloc(2001);

	ck_assert_ptr_nonnull(longmsg);
	ck_assert_ptr_nonnull(longfile);
	memset(longmsg, 'm', 5000);
	longmsg[5000] = '\0';
	memset(longfile, 'f', 2000);
	longfile[2000] = '\0';
	memset(&x, 0, sizeof(x));
	memset(x.guard, 0x77, sizeof(x.guard));

	ck_assert_int_eq(fq_error_set(&x.err, FQ_ERROR, "%s", longmsg),
		FQ_ERROR);
	ck_assert_uint_eq(strlen(x.err.msg), sizeof(x.err.msg) - 1);
	ck_assert_int_eq(strncmp(x.err.msg, longmsg, sizeof(x.err.msg) - 1),
		0);

	ck_assert_int_eq(fq_error_setpos(&x.err, FQ_EPARSE, longfile, 5, 6,
		"%s!", longmsg), FQ_EPARSE);
	ck_assert_uint_eq(strlen(x.err.msg), sizeof(x.err.msg) - 1);
	ck_assert_uint_eq(strlen(x.err.file), sizeof(x.err.file) - 1);
	ck_assert_int_eq(strncmp(x.err.file, longfile, sizeof(x.err.file) - 1),
		0);
	ck_assert_uint_eq(x.err.line, 5);
	ck_assert_uint_eq(x.err.column, 6);
	for (size_t i = 0; i < sizeof(x.guard); i++)
		ck_assert_int_eq((unsigned char)x.guard[i], 0x77);

	/* Exactly as long as fits is kept whole. */
	longmsg[sizeof(x.err.msg) - 1] = '\0';
	fq_error_set(&x.err, FQ_ERROR, "%s", longmsg);
	ck_assert_str_eq(x.err.msg, longmsg);
	free(longmsg);
	free(longfile);
}
END_TEST

/* A multi-byte message is kept byte for byte. */
START_TEST(test_error_utf8_message)
{
	struct fq_error err = FQ_ERROR_INIT;

	fq_error_set(&err, FQ_ENOTFOUND, "没有案件 %s", "QSZ-2024-000001");
	ck_assert_str_eq(err.msg, "没有案件 QSZ-2024-000001");
}
END_TEST

START_TEST(test_error_strerror)
{
	const char *s = fq_strerror(codes[_i].code);
	int j;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, codes[_i].name);
	/* Every code has its own name. */
	for (j = 0; j < NCODES; j++)
		if (j != _i)
			ck_assert_str_ne(s, fq_strerror(codes[j].code));
}
END_TEST

START_TEST(test_error_strerror_unknown)
{
	ck_assert_str_eq(fq_strerror((enum fq_code)-99), "unknown error");
	ck_assert_str_eq(fq_strerror((enum fq_code)7), "unknown error");
}
END_TEST

/*
 * Diagnostics.
 */

START_TEST(test_error_diags_add)
{
	struct fq_diags d = FQ_DIAGS_INIT;

	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(d.n, 0);
	fq_diags_add(&d, "cases/2024/03/X.yaml", 12, 9,
		"category: unknown categories '%s'", "foo");
	fq_diags_add(&d, NULL, 0, 0, "no file");
	fq_diags_add(&d, "b.yaml", 1, 1, "%d problems", 3);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_uint_ge(d.alloc, 3);

	ck_assert_str_eq(d.v[0].file, "cases/2024/03/X.yaml");
	ck_assert_uint_eq(d.v[0].line, 12);
	ck_assert_uint_eq(d.v[0].column, 9);
	ck_assert_str_eq(d.v[0].msg, "category: unknown categories 'foo'");
	ck_assert_str_eq(d.v[1].file, "");
	ck_assert_uint_eq(d.v[1].line, 0);
	ck_assert_str_eq(d.v[1].msg, "no file");
	ck_assert_str_eq(d.v[2].file, "b.yaml");
	ck_assert_str_eq(d.v[2].msg, "3 problems");

	fq_diags_release(&d);
	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.alloc, 0);

	/* Usable again after a release, and releasing twice is harmless. */
	fq_diags_add(&d, "c.yaml", 2, 3, "again");
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].msg, "again");
	fq_diags_release(&d);
	fq_diags_release(&d);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(test_error_diags_many)
{
	struct fq_diags d = FQ_DIAGS_INIT;
	char want[32];
	unsigned i;

	for (i = 0; i < 1000; i++)
		fq_diags_add(&d, "f.yaml", i + 1, i % 80 + 1, "problem %u", i);
	ck_assert_uint_eq(d.n, 1000);
	for (i = 0; i < 1000; i += 111) {
		snprintf(want, sizeof(want), "problem %u", i);
		ck_assert_str_eq(d.v[i].msg, want);
		ck_assert_uint_eq(d.v[i].line, i + 1);
		ck_assert_uint_eq(d.v[i].column, i % 80 + 1);
	}
	fq_diags_release(&d);
}
END_TEST

/* A long message is stored (possibly cut) without overflowing; its
 * beginning is kept. */
START_TEST(test_error_diags_long)
{
	struct fq_diags d = FQ_DIAGS_INIT;
	char *longmsg = malloc(10001);

	ck_assert_ptr_nonnull(longmsg);
	memset(longmsg, 'z', 10000);
	longmsg[10000] = '\0';
	fq_diags_add(&d, longmsg, 1, 1, "start %s", longmsg);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(strncmp(d.v[0].msg, "start zzzz", 10), 0);
	ck_assert_str_eq(d.v[0].file, longmsg);	/* file is copied whole */
	fq_diags_release(&d);
	free(longmsg);
}
END_TEST

START_TEST(test_error_diags_release_empty)
{
	struct fq_diags d = FQ_DIAGS_INIT;

	fq_diags_release(&d);
	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(d.n, 0);
	fq_diags_release(NULL);
}
END_TEST

Suite *
fq_error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_error_init);
	tcase_add_loop_test(tc, test_error_set_returns_code, 0, NCODES);
	tcase_add_loop_test(tc, test_error_setpos_returns_code, 0, NCODES);
	tcase_add_loop_test(tc, test_error_null, 0, NCODES);
	tcase_add_test(tc, test_error_clear);
	tcase_add_test(tc, test_error_truncation);
	tcase_add_test(tc, test_error_utf8_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("strerror");
	tcase_add_loop_test(tc, test_error_strerror, 0, NCODES);
	tcase_add_test(tc, test_error_strerror_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("diags");
	tcase_add_test(tc, test_error_diags_add);
	tcase_add_test(tc, test_error_diags_many);
	tcase_add_test(tc, test_error_diags_long);
	tcase_add_test(tc, test_error_diags_release_empty);
	suite_add_tcase(s, tc);

	return s;
}
