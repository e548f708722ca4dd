/*
 * check_emit.c: the hand-written YAML writer (lib/emit.c) against
 * libyaml's emitter (fq_yaml_emit_libyaml), byte for byte.
 *
 * Every YAML file under tests/data and schemas/, every single "piece" of
 * hostile text and every pair of them (quoting rules, special scalars,
 * '#', ': ', indicators, CJK and four-byte characters, control
 * characters, leading and trailing spaces, line breaks) as a value, a
 * sequence item and a key, quoted and plain, and random nested trees.
 * Where the direct writer declines (it returns -1 and leaves the buffer
 * as it was), fq_yaml_emit uses libyaml: the suite checks that it
 * declines only what it says it does, so that it cannot pass by
 * declining everything.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fq/node.h"
#include "internal.h"
#include "fixture.h"

Suite *fq_emit_suite(void);

static const char *const pieces[] = {
	"", " ", "  ", "a", "yes", "No", "null", "~", "NULL", "true", "on",
	"y", "n", "Off", "1", "0x1F", "1.5", "-1", "+1", ".5", "1:20",
	"2024-03-01", "2024-03-01 10:00", ".inf", "-.inf", ".nan", "1e3",
	"#", " #", "a #b", "a#b", ": ", ":", "a:b", "a: b", "-", "- ", "-a",
	"?", "? x", "---", "...", "'", "''", "\"", "\\", "[", "]", "{", "}",
	",", "&", "*", "!", "|", ">", "%", "@", "`", "\t", "\n", "\n\n",
	"\r", "\x7f", "\x01", "\x1b", "\x08", "中文", "周明", "高刚杰邻里纠纷",
	"\xF0\xA0\x80\x80", "\xF0\x9F\x98\x80", "\xC2\xA0", "\xC2\x85",
	"\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF", "\xEF\xBF\xBE",
	"\xEF\xBF\xBD", "\xED\x9F\xBF", "\xEE\x80\x80", "\xC2\x9F", "\xFF",
	"\xC0\x80", "\xE3\x80\x80", "：", "，", "a b", "a  b", "x ", " x",
	"13865479012", "QSZ-2024-000001", "0.5万", "同上", "〃", "=", "<<",
};

#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static size_t compared, declined;

/* Emit n both ways: when the direct writer takes it, the bytes must be
 * libyaml's; when it declines, out must be as it was.  Returns whether
 * it declined. */
static bool
same(const struct fq_node *n)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	bool decl;

	fq_buf_adds(&a, "prefix");
	decl = fq_yaml_emit_direct(&a, n) < 0;
	if (decl) {
		ck_assert_str_eq(a.buf, "prefix");
		declined++;
	} else {
		fq_buf_adds(&b, "prefix");
		ck_assert_int_eq(fq_yaml_emit_libyaml(&b, n, &err), FQ_OK);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
			ck_abort_msg("direct:\n%s\nlibyaml:\n%s", a.buf, b.buf);
		compared++;
	}
	fq_buf_release(&a);
	fq_buf_release(&b);
	return decl;
}

/* Valid UTF-8 with LF as the only line break, and not ending in two line
 * breaks: what the direct writer promises to take. */
static bool
takes(const char *s)
{
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;

	if (strchr(s, '\r') || strstr(s, "\xC2\x85") ||
	    strstr(s, "\xE2\x80\xA8") || strstr(s, "\xE2\x80\xA9") ||
	    strstr(s, "\xFF") || strstr(s, "\xC0\x80"))
		return false;
	if (n >= 1 && p[n - 1] == '\n' && (n == 1 || p[n - 2] == '\n'))
		return false;
	return true;
}

static struct fq_node *
scalar(const char *s, bool quoted)
{
	return quoted ? fq_node_text(s) : fq_node_scalar(s);
}

/* The text in three places: a value, a sequence item, a key. */
static void
check_text(const char *s, bool quoted)
{
	struct fq_node *m = fq_node_new(FQ_NODE_MAP), *seq;
	struct fq_node *k = fq_node_new(FQ_NODE_MAP);
	bool d1, d2, d3;

	fq_map_set(m, "k", scalar(s, quoted));
	seq = fq_node_new(FQ_NODE_SEQ);
	fq_seq_push(seq, scalar(s, quoted));
	fq_seq_push(seq, fq_node_scalar("after"));
	fq_map_set(m, "list", seq);
	fq_map_set(m, "z", fq_node_scalar("end"));
	d1 = same(m);
	/* a key: as the parser builds one */
	fq_map_set(k, "x", fq_node_scalar("1"));
	k->keys[0]->quoted = quoted;
	free(k->keys[0]->str);
	k->keys[0]->str = fq_xstrdup(s);
	d2 = same(k);
	/* an item of a top-level sequence */
	fq_node_free(m);
	m = fq_node_new(FQ_NODE_SEQ);
	fq_seq_push(m, scalar(s, quoted));
	d3 = same(m);
	if (takes(s)) {
		ck_assert_msg(!d1 && !d3, "declined the value '%s'", s);
		if (!strchr(s, '\n'))
			ck_assert_msg(!d2, "declined the key '%s'", s);
	}
	fq_node_free(m);
	fq_node_free(k);
}

START_TEST(each_piece_and_pair)
{
	char buf[256];
	size_t i, j;

	for (i = 0; i < NPIECES; i++) {
		check_text(pieces[i], false);
		check_text(pieces[i], true);
		for (j = 0; j < NPIECES; j++) {
			snprintf(buf, sizeof(buf), "%s%s", pieces[i],
				pieces[j]);
			check_text(buf, (i + j) % 2);
		}
	}
	ck_assert_uint_gt(compared, 4 * declined);
}
END_TEST

START_TEST(multi_line)
{
	static const char *const texts[] = {
		"a\nb", "a\nb\n", "\na", " a\nb", "a \nb", "a\n b", "a\n\nb",
		"a\n\n\nb\n", "周明\n高刚杰", "a\tb\nc", "x: y\n# z", "- a\n- b",
		"a\n ", "a\n\n", "\n", "\n\n", "'\n\"", "\xF0\x9F\x98\x80\nx",
		"line one\nline two\nline three",
	};
	size_t i;

	for (i = 0; i < FQ_ARRAY_SIZE(texts); i++) {
		check_text(texts[i], true);
		check_text(texts[i], false);
	}
}
END_TEST

static struct fq_test_rnd rt = {
	.state = 88172645463325252UL,
	.pieces = pieces,
	.npieces = NPIECES,
	.maxdepth = 4,
	.utf8_only = false,
};

START_TEST(random_trees)
{
	int i;

	compared = declined = 0;
	for (i = 0; i < 6000; i++) {
		struct fq_node *n = fq_test_rnd_coll(&rt, 0,
			fq_test_rnd(&rt, 4) != 0);

		same(n);
		fq_node_free(n);
	}
	ck_assert_uint_gt(compared, 3000);
}
END_TEST

/* A YAML file: the direct writer takes it and writes libyaml's bytes
 * (1 if it was YAML, 0 if not). */
static size_t
check_file(const char *path, void *data)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;
	size_t ok = 0;

	(void)data;
	if (fq_yaml_load(&n, path, &err) == FQ_OK) {
		ck_assert_msg(!same(n), "declined %s", path);
		ok = 1;
	}
	fq_node_free(n);
	return ok;
}

static size_t
check_dir(const char *dir)
{
	return fq_test_each_yaml(dir, check_file, NULL);
}

START_TEST(fixtures)
{
	ck_assert_uint_gt(check_dir(FQ_TEST_DATA_DIR), 1);
	ck_assert_uint_gt(check_dir(FQ_TEST_SCHEMA_DIR), 5);
	/* more: FQ_EMIT_CORPUS=DIR (a repository made by bench/gen.py, or
	 * one fq import wrote) */
	if (getenv("FQ_EMIT_CORPUS"))
		ck_assert_uint_gt(check_dir(getenv("FQ_EMIT_CORPUS")), 0);
}
END_TEST

START_TEST(declines_scalar_root)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = fq_node_scalar("x");

	ck_assert_int_eq(fq_yaml_emit_direct(&b, n), -1);
	ck_assert_uint_eq(b.len, 0);
	/* and fq_yaml_emit still writes it, through libyaml */
	ck_assert_int_eq(fq_yaml_emit(&b, n, &err), FQ_OK);
	ck_assert_str_eq(b.buf, "x\n");
	fq_node_free(n);
	fq_buf_release(&b);
}
END_TEST

START_TEST(empty_collections)
{
	struct fq_node *m = fq_node_new(FQ_NODE_MAP), *s;

	ck_assert(!same(m));
	fq_map_set(m, "a", fq_node_new(FQ_NODE_MAP));
	fq_map_set(m, "b", fq_node_new(FQ_NODE_SEQ));
	s = fq_node_new(FQ_NODE_SEQ);
	fq_seq_push(s, fq_node_new(FQ_NODE_MAP));
	fq_seq_push(s, fq_node_new(FQ_NODE_SEQ));
	fq_map_set(m, "c", s);
	ck_assert(!same(m));
	fq_node_free(m);
	m = fq_node_new(FQ_NODE_SEQ);
	ck_assert(!same(m));
	fq_node_free(m);
}
END_TEST

/* Test: fq_yaml_looks_typed, which picks the words by length and first
 * letter before comparing: every YAML 1.1 word in any case is typed,
 * near misses (a letter more or less, another first letter) are not. */
START_TEST(looks_typed)
{
	static const char *const typed[] = {
		"null", "Null", "NULL", "nUlL", "~", "true", "True", "TRUE",
		"false", "FALSE", "fAlSe", "yes", "Yes", "YES", "no", "No",
		"NO", "nO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y",
		"n", "N", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "+.inf",
		"+.INF", ".nan", ".NaN", ".NAN", "", "12", "-1", "+1", ".5",
		"0x1F", "1:20", "2024-03-05", "1_000", NULL
	};
	static const char *const plain[] = {
		"nul", "nulls", "tru", "truee", "fals", "falsey", "ye", "yess",
		"o", "of", "offf", "in", "inf", "-inf", ".in", ".infs", "nan",
		"~~", "yn", "ny", "name", "notes", "title", "type", "owner",
		"final", "Nobody", "x", "-", "+", ".", "-.", "张三", "1号",
		"1 2", NULL
	};
	size_t i;

	for (i = 0; typed[i]; i++)
		ck_assert_msg(fq_yaml_looks_typed(typed[i]), "'%s'", typed[i]);
	for (i = 0; plain[i]; i++)
		ck_assert_msg(!fq_yaml_looks_typed(plain[i]), "'%s'", plain[i]);
}
END_TEST

Suite *
fq_emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("emit");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, each_piece_and_pair);
	tcase_add_test(tc, multi_line);
	tcase_add_test(tc, random_trees);
	tcase_add_test(tc, fixtures);
	tcase_add_test(tc, declines_scalar_root);
	tcase_add_test(tc, empty_collections);
	tcase_add_test(tc, looks_typed);
	suite_add_tcase(s, tc);
	return s;
}
