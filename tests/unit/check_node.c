/*
 * check_node.c: YAML documents as trees (lib/node.c).
 *
 * Reading: kinds, values, quoting and 1-based positions of nodes and
 * keys; every refused input gives FQ_EPARSE with a message and the
 * position of the offending character.  Writing: the canonical text is a
 * fixed point (emit(parse(emit(x))) == emit(x)) and text that a YAML
 * reader would take for a number, a boolean or null is quoted.  Error
 * paths that leave a half-built tree are here so that valgrind sees them
 * free it.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fq/node.h"
#include "fixture.h"

Suite *fq_node_suite(void);

/* Emit a tree, which must work; the text in new memory (free it). */
static char *
emit_ok(const struct fq_node *n)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_msg(fq_yaml_emit(&b, n, &err) == FQ_OK, "emit: %s", err.msg);
	return fq_buf_detach(&b, NULL);
}

#define ck_assert_pos(n, l, c) do { \
	ck_assert_uint_eq((n)->line, (l)); \
	ck_assert_uint_eq((n)->column, (c)); \
} while (0)

/*
 * Reading.
 */

static const struct {
	const char *yaml;
	enum fq_node_kind kind;
	const char *str;	/* SCALAR */
	bool quoted;
	unsigned line, column;
} roots[] = {
	{ "hello", FQ_NODE_SCALAR, "hello", false, 1, 1 },
	{ "hello world\n", FQ_NODE_SCALAR, "hello world", false, 1, 1 },
	{ "'single'", FQ_NODE_SCALAR, "single", true, 1, 1 },
	{ "\"double\"", FQ_NODE_SCALAR, "double", true, 1, 1 },
	{ "\"esc\\t\\u4E2D\"", FQ_NODE_SCALAR, "esc\t中", true, 1, 1 },
	{ "'it''s'", FQ_NODE_SCALAR, "it's", true, 1, 1 },
	{ "中文", FQ_NODE_SCALAR, "中文", false, 1, 1 },
	{ "12", FQ_NODE_SCALAR, "12", false, 1, 1 },
	{ "true", FQ_NODE_SCALAR, "true", false, 1, 1 },
	{ "\n\n  value", FQ_NODE_SCALAR, "value", false, 3, 3 },
	{ "# comment\n--- doc", FQ_NODE_SCALAR, "doc", false, 2, 5 },
	{ "|\n  a\n  b\n", FQ_NODE_SCALAR, "a\nb\n", true, 1, 1 },
	{ "|-\n  a\n  b\n", FQ_NODE_SCALAR, "a\nb", true, 1, 1 },
	{ ">\n  folded\n  line\n", FQ_NODE_SCALAR, "folded line\n", true, 1, 1 },
	{ "''", FQ_NODE_SCALAR, "", true, 1, 1 },
	{ "'~'", FQ_NODE_SCALAR, "~", true, 1, 1 },
	{ "\"null\"", FQ_NODE_SCALAR, "null", true, 1, 1 },
	{ "~", FQ_NODE_NULL, NULL, false, 1, 1 },
	{ "null", FQ_NODE_NULL, NULL, false, 1, 1 },
	{ "Null", FQ_NODE_NULL, NULL, false, 1, 1 },
	{ "NULL", FQ_NODE_NULL, NULL, false, 1, 1 },
	{ "", FQ_NODE_NULL, NULL, false, 0, 0 },
	{ "# only a comment\n", FQ_NODE_NULL, NULL, false, 0, 0 },
	{ "{}", FQ_NODE_MAP, NULL, false, 1, 1 },
	{ "[]", FQ_NODE_SEQ, NULL, false, 1, 1 },
	{ "  - a\n  - b\n", FQ_NODE_SEQ, NULL, false, 1, 3 },
};

START_TEST(test_node_parse_root)
{
	struct fq_node *n = fq_test_parse(roots[_i].yaml);

	ck_assert_int_eq(n->kind, roots[_i].kind);
	if (roots[_i].kind == FQ_NODE_SCALAR) {
		ck_assert_str_eq(n->str, roots[_i].str);
		ck_assert_int_eq(n->quoted, roots[_i].quoted);
	}
	if (roots[_i].line)
		ck_assert_pos(n, roots[_i].line, roots[_i].column);
	fq_node_free(n);
}
END_TEST

/* Test: positions of nodes and keys
 * Description: every node of a small case-like document, in block and
 * flow style, has the 1-based line and column of its first character. */
START_TEST(test_node_parse_positions)
{
	static const char doc[] =
		"id: QSZ-2024-000001\n"			/* 1 */
		"title: 邻里纠纷\n"			/* 2 */
		"parties:\n"				/* 3 */
		"  - name: 张三\n"			/* 4 */
		"    phones: [138, \"139\"]\n"		/* 5 */
		"  - name: 李四\n"			/* 6 */
		"empty:\n"				/* 7 */
		"nul: ~\n"				/* 8 */
		"flow: {a: 中文, b: x}\n";		/* 9 */
	struct fq_node *n = fq_test_parse(doc), *p, *item, *ph, *fl;

	ck_assert_int_eq(n->kind, FQ_NODE_MAP);
	ck_assert_pos(n, 1, 1);
	ck_assert_uint_eq(n->len, 6);

	ck_assert_str_eq(n->keys[0]->str, "id");
	ck_assert_pos(n->keys[0], 1, 1);
	ck_assert_int_eq(n->keys[0]->kind, FQ_NODE_SCALAR);
	ck_assert_str_eq(n->vals[0]->str, "QSZ-2024-000001");
	ck_assert_pos(n->vals[0], 1, 5);
	ck_assert(!n->vals[0]->quoted);

	ck_assert_str_eq(n->keys[1]->str, "title");
	ck_assert_pos(n->keys[1], 2, 1);
	ck_assert_str_eq(n->vals[1]->str, "邻里纠纷");
	ck_assert_pos(n->vals[1], 2, 8);

	ck_assert_str_eq(n->keys[2]->str, "parties");
	ck_assert_pos(n->keys[2], 3, 1);
	p = n->vals[2];
	ck_assert_int_eq(p->kind, FQ_NODE_SEQ);
	ck_assert_pos(p, 4, 3);
	ck_assert_uint_eq(p->len, 2);
	ck_assert_ptr_null(p->keys);

	item = p->vals[0];
	ck_assert_int_eq(item->kind, FQ_NODE_MAP);
	ck_assert_pos(item, 4, 5);
	ck_assert_uint_eq(item->len, 2);
	ck_assert_pos(item->keys[0], 4, 5);
	ck_assert_str_eq(item->vals[0]->str, "张三");
	ck_assert_pos(item->vals[0], 4, 11);
	ck_assert_str_eq(item->keys[1]->str, "phones");
	ck_assert_pos(item->keys[1], 5, 5);
	ph = item->vals[1];
	ck_assert_int_eq(ph->kind, FQ_NODE_SEQ);
	ck_assert_pos(ph, 5, 13);
	ck_assert_uint_eq(ph->len, 2);
	ck_assert_str_eq(ph->vals[0]->str, "138");
	ck_assert(!ph->vals[0]->quoted);
	ck_assert_pos(ph->vals[0], 5, 14);
	ck_assert_str_eq(ph->vals[1]->str, "139");
	ck_assert(ph->vals[1]->quoted);
	ck_assert_pos(ph->vals[1], 5, 19);

	ck_assert_pos(p->vals[1], 6, 5);
	ck_assert_str_eq(fq_map_str(p->vals[1], "name"), "李四");

	ck_assert_str_eq(n->keys[3]->str, "empty");
	ck_assert_pos(n->keys[3], 7, 1);
	ck_assert_int_eq(n->vals[3]->kind, FQ_NODE_NULL);
	ck_assert_uint_eq(n->vals[3]->line, 7);

	ck_assert_str_eq(n->keys[4]->str, "nul");
	ck_assert_pos(n->keys[4], 8, 1);
	ck_assert_int_eq(n->vals[4]->kind, FQ_NODE_NULL);
	ck_assert_pos(n->vals[4], 8, 6);

	/* Columns count characters, not bytes. */
	fl = n->vals[5];
	ck_assert_int_eq(fl->kind, FQ_NODE_MAP);
	ck_assert_pos(fl, 9, 7);
	ck_assert_pos(fl->keys[0], 9, 8);
	ck_assert_pos(fl->vals[0], 9, 11);
	ck_assert_pos(fl->keys[1], 9, 15);
	ck_assert_pos(fl->vals[1], 9, 18);
	fq_node_free(n);
}
END_TEST

/* Test: the forms of null, and what is not null
 * Description: ~, null (three spellings) and an empty value are
 * FQ_NODE_NULL; quoted forms of the same are text. */
static const struct {
	const char *yaml;
	enum fq_node_kind kind;
	const char *str;
	bool quoted;
} values[] = {
	{ "k: ~\n", FQ_NODE_NULL, NULL, false },
	{ "k: null\n", FQ_NODE_NULL, NULL, false },
	{ "k: Null\n", FQ_NODE_NULL, NULL, false },
	{ "k: NULL\n", FQ_NODE_NULL, NULL, false },
	{ "k:\n", FQ_NODE_NULL, NULL, false },
	{ "k:    # comment\n", FQ_NODE_NULL, NULL, false },
	{ "k:\nj: 1\n", FQ_NODE_NULL, NULL, false },
	{ "k: ''\n", FQ_NODE_SCALAR, "", true },
	{ "k: \"\"\n", FQ_NODE_SCALAR, "", true },
	{ "k: '~'\n", FQ_NODE_SCALAR, "~", true },
	{ "k: \"null\"\n", FQ_NODE_SCALAR, "null", true },
	{ "k: nulls\n", FQ_NODE_SCALAR, "nulls", false },
	{ "k: nUll\n", FQ_NODE_SCALAR, "nUll", false },
	{ "k: ~x\n", FQ_NODE_SCALAR, "~x", false },
	{ "k: true\n", FQ_NODE_SCALAR, "true", false },
	{ "k: \"true\"\n", FQ_NODE_SCALAR, "true", true },
	{ "k: 13800000001\n", FQ_NODE_SCALAR, "13800000001", false },
	{ "k: '13800000001'\n", FQ_NODE_SCALAR, "13800000001", true },
	{ "k: |\n  x\n", FQ_NODE_SCALAR, "x\n", true },
	{ "k: [~, null, '', a]\n", FQ_NODE_SEQ, NULL, false },
};

START_TEST(test_node_parse_values)
{
	struct fq_node *n = fq_test_parse(values[_i].yaml), *v;

	ck_assert_int_eq(n->kind, FQ_NODE_MAP);
	v = fq_map_get(n, "k");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->kind, values[_i].kind);
	ck_assert_uint_eq(v->line, 1);
	if (v->kind == FQ_NODE_SCALAR) {
		ck_assert_str_eq(v->str, values[_i].str);
		ck_assert_int_eq(v->quoted, values[_i].quoted);
		ck_assert_str_eq(fq_map_str(n, "k"), values[_i].str);
	} else {
		ck_assert_ptr_null(fq_map_str(n, "k"));
	}
	if (v->kind == FQ_NODE_SEQ) {
		ck_assert_uint_eq(v->len, 4);
		ck_assert_int_eq(v->vals[0]->kind, FQ_NODE_NULL);
		ck_assert_int_eq(v->vals[1]->kind, FQ_NODE_NULL);
		ck_assert_int_eq(v->vals[2]->kind, FQ_NODE_SCALAR);
		ck_assert_str_eq(v->vals[2]->str, "");
		ck_assert_int_eq(v->vals[3]->kind, FQ_NODE_SCALAR);
	}
	fq_node_free(n);
}
END_TEST

/* Test: refused inputs
 * Description: each is FQ_EPARSE with a message naming the problem,
 * err->file the name passed in, and the position of the offending node
 * or character.  Several fail with a partly built tree (a pending key, a
 * nested map) that must be freed. */
static const struct {
	const char *what;
	const char *yaml;
	unsigned line, column;
	const char *msg;	/* substring of err.msg */
} refused[] = {
	{ "alias", "a: *x\n", 1, 4, "alias" },
	{ "alias deep", "a:\n  - b: 1\n    c: *x\n", 3, 8, "alias" },
	{ "alias as key", "a: 1\n*x : 2\n", 2, 1, "alias" },
	{ "anchor", "a: &x 1\n", 1, 4, "anchor" },
	{ "anchor and alias", "a: &x 1\nb: *x\n", 1, 4, "anchor" },
	{ "anchor on map", "a: &x\n  b: 1\n", 1, 4, "anchor" },
	{ "anchor on seq", "- &s [1]\n", 1, 3, "anchor" },
	{ "tag", "a: !!str x\n", 1, 4, "tag" },
	{ "tag after a key", "a: 1\nb: !!str x\n", 2, 4, "tag" },
	{ "local tag", "a: !local x\n", 1, 4, "tag" },
	{ "tag on seq", "a: !!seq [1]\n", 1, 4, "tag" },
	{ "tag on root", "!!map {a: 1}\n", 1, 1, "tag" },
	{ "tag deep", "a:\n  b:\n    - c: !!int 1\n", 3, 10, "tag" },
	{ "duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a'" },
	{ "duplicate nested", "m:\n  x: 1\n  x: 2\n", 3, 3,
	  "duplicate key 'x'" },
	{ "duplicate quoted", "a: 1\n\"a\": 2\n", 2, 1, "duplicate key 'a'" },
	{ "duplicate in seq item", "- a: 1\n  a: {b: 2}\n", 2, 3,
	  "duplicate key 'a'" },
	{ "sequence as key", "? [a, b]\n: c\n", 1, 3, "key" },
	{ "flow sequence as key", "{[a]: b}\n", 1, 2, "key" },
	{ "mapping as key", "? {a: 1}\n: x\n", 1, 3, "key" },
	{ "two documents", "a: 1\n---\nb: 2\n", 2, 1,
	  "more than one document" },
	{ "two explicit documents", "--- 1\n--- 2\n", 2, 1,
	  "more than one document" },
	{ "empty second document", "a: 1\n---\n", 2, 1,
	  "more than one document" },
	{ "document end then more", "a: 1\n...\nb: 2\n", 3, 1, "document" },
	{ "unclosed flow", "a: [1, 2\n", 2, 1, "expected" },
	{ "mapping in a value", "a: b: c\n", 1, 5, "mapping values" },
	{ "tab indent", "\t- a\n", 1, 1, "token" },
	{ "unclosed quote", "a: 'x\n", 2, 1, "quoted" },
	{ "bad leading byte", "a: \xff\n", 1, 4, "UTF-8" },
	{ "bad byte in comment", "# \xff\na: 1\n", 1, 3, "UTF-8" },
	{ "bad byte after CJK", "a: 中文\xfe\n", 1, 6, "UTF-8" },
	{ "overlong", "a: 1\nb: \xc0\xaf\n", 2, 4, "UTF-8" },
	{ "surrogate", "a:\n  - \xed\xa0\x80\n", 2, 5, "" },
};

START_TEST(test_node_parse_refused)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = (struct fq_node *)&err;	/* must be reset */

	ck_assert_int_eq(fq_yaml_parse(&n, refused[_i].yaml,
		strlen(refused[_i].yaml), "bad.yaml", &err), FQ_EPARSE);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(err.code, FQ_EPARSE);
	ck_assert_str_eq(err.file, "bad.yaml");
	ck_assert_msg(err.msg[0] != '\0', "%s: no message", refused[_i].what);
	ck_assert_msg(strstr(err.msg, refused[_i].msg) != NULL,
		"%s: message '%s' lacks '%s'", refused[_i].what, err.msg,
		refused[_i].msg);
	ck_assert_msg(err.line == refused[_i].line &&
		err.column == refused[_i].column,
		"%s: at %u:%u, want %u:%u (%s)", refused[_i].what, err.line,
		err.column, refused[_i].line, refused[_i].column, err.msg);

	/* NULL err: still refused, nothing leaks. */
	ck_assert_int_eq(fq_yaml_parse(&n, refused[_i].yaml,
		strlen(refused[_i].yaml), "bad.yaml", NULL), FQ_EPARSE);
	ck_assert_ptr_null(n);
}
END_TEST

/* A NUL byte anywhere is refused, with its position. */
static const struct {
	const char *yaml;	/* '@' is replaced by NUL */
	unsigned line, column;
} nuls[] = {
	{ "@", 1, 1 },
	{ "a: 1\n@b: 2\n", 2, 1 },
	{ "a: 1\nb: x@y\n", 2, 5 },
	{ "a: '@'\n", 1, 5 },
	{ "# @\n", 1, 3 },
	{ "a: 中文@\n", 1, 6 },
	{ "a: 1\n\n\n@", 4, 1 },
};

START_TEST(test_node_parse_nul_byte)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;
	size_t len = strlen(nuls[_i].yaml);
	char *buf = malloc(len + 1);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, nuls[_i].yaml, len + 1);
	*strchr(buf, '@') = '\0';
	ck_assert_int_eq(fq_yaml_parse(&n, buf, len, "nul.yaml", &err),
		FQ_EPARSE);
	ck_assert_ptr_null(n);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
	ck_assert_str_eq(err.file, "nul.yaml");
	ck_assert_uint_eq(err.line, nuls[_i].line);
	ck_assert_uint_eq(err.column, nuls[_i].column);
	free(buf);
}
END_TEST

/* Test: the size limit
 * Description: a document of exactly FQ_NODE_MAX_FILE bytes is read; one
 * byte more is refused before anything is parsed. */
START_TEST(test_node_parse_too_big)
{
	size_t max = FQ_NODE_MAX_FILE;
	char *buf = malloc(max + 2);
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "a: ", 3);
	memset(buf + 3, 'x', max - 4);
	buf[max - 1] = '\n';
	buf[max] = '\n';
	buf[max + 1] = '\0';

	ck_assert_int_eq(fq_yaml_parse(&n, buf, max, "big.yaml", &err), FQ_OK);
	ck_assert_uint_eq(strlen(fq_map_str(n, "a")), max - 4);
	fq_node_free(n);

	n = NULL;
	ck_assert_int_eq(fq_yaml_parse(&n, buf, max + 1, "big.yaml", &err),
		FQ_EPARSE);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err.file, "big.yaml");
	ck_assert_ptr_nonnull(strstr(err.msg, "larger"));
	free(buf);
}
END_TEST

/* Build `depth` nested containers, flow or block style. */
static char *
nested(int depth, bool block)
{
	struct fq_buf b = FQ_BUF_INIT;
	int i, j;

	if (!block) {
		for (i = 0; i < depth; i++)
			fq_buf_addch(&b, '[');
		fq_buf_adds(&b, "x");
		for (i = 0; i < depth; i++)
			fq_buf_addch(&b, ']');
	} else {
		for (i = 0; i < depth; i++) {
			for (j = 0; j < i; j++)
				fq_buf_adds(&b, "  ");
			fq_buf_addf(&b, "k%d:", i);
			fq_buf_adds(&b, i + 1 < depth ? "\n" : " leaf\n");
		}
	}
	return fq_buf_detach(&b, NULL);
}

static const struct {
	int depth;
	bool block;
	bool ok;
} depths[] = {
	{ 1, false, true },
	{ FQ_NODE_MAX_DEPTH - 1, false, true },
	{ FQ_NODE_MAX_DEPTH, false, true },
	{ FQ_NODE_MAX_DEPTH + 1, false, false },
	{ 1000, false, false },
	{ FQ_NODE_MAX_DEPTH, true, true },
	{ FQ_NODE_MAX_DEPTH + 1, true, false },
	{ FQ_NODE_MAX_DEPTH + 5, true, false },
};

START_TEST(test_node_parse_depth)
{
	char *doc = nested(depths[_i].depth, depths[_i].block);
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL, *p;
	int r = fq_yaml_parse(&n, doc, strlen(doc), "deep.yaml", &err), d;

	if (depths[_i].ok) {
		ck_assert_msg(r == FQ_OK, "depth %d: %s", depths[_i].depth,
			err.msg);
		for (p = n, d = 0; p->kind != FQ_NODE_SCALAR; d++)
			p = p->vals[0];
		ck_assert_int_eq(d, depths[_i].depth);
		ck_assert_str_eq(p->str, depths[_i].block ? "leaf" : "x");
		fq_node_free(n);
	} else {
		ck_assert_int_eq(r, FQ_EPARSE);
		ck_assert_ptr_null(n);
		ck_assert_ptr_nonnull(strstr(err.msg, "deep"));
		/* The position is that of the first container too many. */
		if (depths[_i].block) {
			ck_assert_uint_eq(err.line, FQ_NODE_MAX_DEPTH + 1);
		} else {
			ck_assert_uint_eq(err.line, 1);
			ck_assert_uint_eq(err.column, FQ_NODE_MAX_DEPTH + 1);
		}
	}
	free(doc);
}
END_TEST

/*
 * fq_yaml_load.
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

START_TEST(test_node_load)
{
	char *path = fq_test_path(tmp, "ok.yaml");
	char *bad = fq_test_path(tmp, "bad.yaml");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	fq_test_write_file(path, "unit: QSZ\nname: 青山镇\n");
	ck_assert_int_eq(fq_yaml_load(&n, path, &err), FQ_OK);
	ck_assert_str_eq(fq_map_str(n, "name"), "青山镇");
	fq_node_free(n);

	/* Errors name the file. */
	fq_test_write_file(bad, "a: 1\na: 2\n");
	ck_assert_int_eq(fq_yaml_load(&n, bad, &err), FQ_EPARSE);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err.file, bad);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 1);
	free(path);
	free(bad);
}
END_TEST

START_TEST(test_node_load_missing)
{
	char *path = fq_test_path(tmp, "missing.yaml");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = (struct fq_node *)&err;

	ck_assert_int_eq(fq_yaml_load(&n, path, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err.file, path);
	ck_assert(err.msg[0] != '\0');
	free(path);
}
END_TEST

START_TEST(test_node_load_too_big)
{
	char *path = fq_test_path(tmp, "big.yaml");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;
	FILE *f = fopen(path, "w");
	size_t i;

	ck_assert_ptr_nonnull(f);
	fputs("a: |\n", f);
	for (i = 0; i < FQ_NODE_MAX_FILE / 64 + 1; i++)
		fputs("  0123456789012345678901234567890123456789012345678901234567890\n",
			f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(fq_yaml_load(&n, path, &err), FQ_EPARSE);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err.file, path);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger"));
	free(path);
}
END_TEST

START_TEST(test_node_load_symlink)
{
	char *path = fq_test_path(tmp, "real.yaml");
	char *link = fq_test_path(tmp, "link.yaml");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	fq_test_write_file(path, "a: 1\n");
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_lt(fq_yaml_load(&n, link, &err), 0);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err.file, link);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	free(path);
	free(link);
}
END_TEST

/*
 * Writing.
 */

/* Test: round trips
 * Description: parse, emit, parse, emit: the two texts are identical
 * and the two trees equal.  Documents marked canonical are already in
 * the writer's form and come out byte for byte as they went in. */
static const struct {
	const char *what;
	const char *yaml;
	bool canonical;
} docs[] = {
	{ "simple", "id: QSZ-2024-000001\ntitle: 张三与李四排水纠纷\n", true },
	{ "literal blocks",
	  "summary: |-\n  第一行\n  第二行\nnote: |\n  末尾有换行\n"
	  "plain: x\n", true },
	{ "typed text",
	  "phone: \"13800000001\"\nflag: \"true\"\nans: \"no\"\n"
	  "num: \"1.5\"\nempty: \"\"\nnull_text: \"null\"\ntilde: \"~\"\n"
	  "landline: \"0394-5550001\"\ndate: \"2024-03-05\"\n", true },
	{ "typed keys", "\"on\": 1\n\"n\": 2\n\"y\": x\n\"no\": z\n"
	  "\"null\": a\n\"1\": b\n", true },
	{ "nested",
	  "parties:\n- name: 张三\n  phones:\n  - \"13800000001\"\n"
	  "- name: 李四\n  phones: []\nempty_map: {}\n", true },
	{ "nulls", "a: null\nb: null\nc: null\n", true },
	{ "null forms", "a:\nb: ~\nc: Null\nd: [~, null]\n", false },
	{ "special characters",
	  "colon: 'a: b'\nhash: 'x #y'\nlead: ' space'\ndash: '- x'\n"
	  "quote: it's\nbackslash: a\\b\n", true },
	{ "escapes", "u: \"\\u4E2D\"\nbell: \"\\a\"\n", false },
	{ "root sequence", "- 1\n- two\n- - nested\n  - seq\n", true },
	{ "root scalar", "just text\n", false },
	{ "whitespace in text", "ts: \"a  \\nb\"\ntab: \"x\\ty\"\n", true },
	{ "untyped scalars", "n: 12\nm: 8000.50\nb: true\nd: 2024-03-05\n",
	  true },
	/* Characters outside the BMP (emoji, CJK extension B such as 𠮷)
	 * round-trip, but libyaml's emitter writes them as \U escapes in
	 * double quotes, so these are not marked canonical. */
	{ "emoji", "e: 😀 你好，世界！\nf: |-\n  第一行 👍\n  第二行\n", false },
	{ "CJK extension B", "name: 吉𠮷\n", false },
	{ "long line",
	  "long: 这是一段很长的文字 this is a long line of text that must "
	  "not be folded by the writer because folding would change diffs "
	  "0123456789 0123456789 0123456789 0123456789 0123456789\n", true },
	{ "block style input", "a:\n    - b: 1\n      c:\n        - d\n",
	  false },
	{ "flow style input", "{a: [1, 2, {b: c}], d: {}}", false },
	{ "quoted plain text", "a: 'hello'\nb: \"world\"\n", false },
	{ "multi-line in a list", "- |-\n  a\n  b\n- c\n", true },
};

START_TEST(test_node_emit_roundtrip)
{
	struct fq_node *t1 = fq_test_parse(docs[_i].yaml), *t2;
	char *e1, *e2;

	e1 = emit_ok(t1);
	t2 = fq_test_parse(e1);
	e2 = emit_ok(t2);
	ck_assert_msg(!strcmp(e1, e2), "%s: not a fixed point:\n%s---\n%s",
		docs[_i].what, e1, e2);
	ck_assert_msg(fq_node_equal(t1, t2), "%s: trees differ", docs[_i].what);
	if (docs[_i].canonical)
		ck_assert_msg(!strcmp(e1, docs[_i].yaml),
			"%s: not canonical:\n%s---\n%s", docs[_i].what,
			docs[_i].yaml, e1);
	fq_node_free(t1);
	fq_node_free(t2);
	free(e1);
	free(e2);
}
END_TEST

/* Test: text that looks typed
 * Description: a scalar marked as text whose plain form a YAML reader
 * would take for a number, boolean, null or date is double-quoted, reads
 * back as the same string, and other text is left plain. */
static const struct {
	const char *text;
	const char *want;	/* emitted "v: ..." line */
} texts[] = {
	{ "13800000001", "v: \"13800000001\"\n" },
	{ "true", "v: \"true\"\n" },
	{ "True", "v: \"True\"\n" },
	{ "no", "v: \"no\"\n" },
	{ "yes", "v: \"yes\"\n" },
	{ "OFF", "v: \"OFF\"\n" },
	{ "on", "v: \"on\"\n" },
	{ "n", "v: \"n\"\n" },
	{ "Y", "v: \"Y\"\n" },
	{ "1.5", "v: \"1.5\"\n" },
	{ "", "v: \"\"\n" },
	{ "null", "v: \"null\"\n" },
	{ "~", "v: \"~\"\n" },
	{ "-12", "v: \"-12\"\n" },
	{ "+1", "v: \"+1\"\n" },
	{ ".5", "v: \".5\"\n" },
	{ "0x1F", "v: \"0x1F\"\n" },
	{ "1e3", "v: \"1e3\"\n" },
	{ "12:30", "v: \"12:30\"\n" },
	{ ".inf", "v: \".inf\"\n" },
	{ "0394-5550001", "v: \"0394-5550001\"\n" },
	{ "2024-03-05", "v: \"2024-03-05\"\n" },
	{ "张三", "v: 张三\n" },
	{ "hello world", "v: hello world\n" },
	{ "1号楼", "v: 1号楼\n" },
	{ "yesterday", "v: yesterday\n" },
	{ "nobody", "v: nobody\n" },
	{ "QSZ-2024-000001", "v: QSZ-2024-000001\n" },
	{ "a: b", "v: 'a: b'\n" },
	{ "第一行\n第二行", "v: |-\n  第一行\n  第二行\n" },
	{ "a\nb\n", "v: |\n  a\n  b\n" },
};

START_TEST(test_node_emit_text)
{
	struct fq_node *m = fq_node_new(FQ_NODE_MAP), *back, *v;
	char *out;

	fq_map_set(m, "v", fq_node_text(texts[_i].text));
	out = emit_ok(m);
	ck_assert_str_eq(out, texts[_i].want);
	back = fq_test_parse(out);
	v = fq_map_get(back, "v");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->kind, FQ_NODE_SCALAR);
	ck_assert_str_eq(v->str, texts[_i].text);
	fq_node_free(back);
	fq_node_free(m);
	free(out);
}
END_TEST

/* Test: scalars not marked as text
 * Description: they are written plain when that reads back as the same
 * scalar (numbers, booleans, dates are the type's business), but a
 * scalar must never come back as null: an empty or null-looking value is
 * quoted. */
static const struct {
	const char *value;
	const char *want;
} plains[] = {
	{ "true", "v: true\n" },
	{ "12", "v: 12\n" },
	{ "8000.50", "v: 8000.50\n" },
	{ "2024-03-05", "v: 2024-03-05\n" },
	{ "张三", "v: 张三\n" },
	{ "", "v: \"\"\n" },
	{ "~", "v: \"~\"\n" },
	{ "null", "v: \"null\"\n" },
	{ "NULL", "v: \"NULL\"\n" },
};

START_TEST(test_node_emit_plain)
{
	struct fq_node *m = fq_node_new(FQ_NODE_MAP), *back, *v;
	char *out, *again;

	fq_map_set(m, "v", fq_node_scalar(plains[_i].value));
	out = emit_ok(m);
	ck_assert_str_eq(out, plains[_i].want);
	back = fq_test_parse(out);
	v = fq_map_get(back, "v");
	ck_assert_int_eq(v->kind, FQ_NODE_SCALAR);
	ck_assert_str_eq(v->str, plains[_i].value);
	again = emit_ok(back);
	ck_assert_str_eq(again, out);
	fq_node_free(back);
	fq_node_free(m);
	free(out);
	free(again);
}
END_TEST

/* Keys that read as booleans or null are quoted too, whether they were
 * built with fq_map_set or read quoted. */
static const char *const typed_keys[] = {
	"on", "off", "n", "y", "no", "yes", "null", "~", "true", "1", "2024",
};

START_TEST(test_node_emit_keys)
{
	struct fq_node *m = fq_node_new(FQ_NODE_MAP), *back;
	char *out, *again, want[64];

	fq_map_set(m, typed_keys[_i], fq_node_text("x"));
	out = emit_ok(m);
	snprintf(want, sizeof(want), "\"%s\": x\n", typed_keys[_i]);
	ck_assert_str_eq(out, want);
	back = fq_test_parse(out);
	ck_assert_uint_eq(back->len, 1);
	ck_assert_int_eq(back->keys[0]->kind, FQ_NODE_SCALAR);
	ck_assert_str_eq(back->keys[0]->str, typed_keys[_i]);
	ck_assert_str_eq(fq_map_str(back, typed_keys[_i]), "x");
	again = emit_ok(back);
	ck_assert_str_eq(again, out);
	fq_node_free(back);
	fq_node_free(m);
	free(out);
	free(again);
}
END_TEST

/* A built tree: every kind, nested; emitted twice gives the same bytes,
 * emitting appends, and the text is what the format promises. */
START_TEST(test_node_emit_built)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP), *parties, *p, *phones;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	struct fq_node *back;

	fq_map_set_str(c, "id", "QSZ-2024-000001");
	fq_map_set_str(c, "title", "张三与李四排水纠纷");
	fq_map_set(c, "people_involved", fq_node_scalar("2"));
	fq_map_set(c, "outcome", fq_node_new(FQ_NODE_NULL));
	parties = fq_node_new(FQ_NODE_SEQ);
	p = fq_node_new(FQ_NODE_MAP);
	fq_map_set_str(p, "name", "张三");
	phones = fq_node_new(FQ_NODE_SEQ);
	fq_seq_push(phones, fq_node_text("13800000001"));
	fq_seq_push(phones, fq_node_text("0394-5550001"));
	fq_map_set(p, "phones", phones);
	fq_seq_push(parties, p);
	fq_map_set(c, "parties", parties);
	fq_map_set_str(c, "summary", "第一行\n第二行");

	fq_buf_adds(&a, "# prefix\n");
	ck_assert_int_eq(fq_yaml_emit(&a, c, &err), FQ_OK);
	ck_assert_int_eq(fq_yaml_emit(&b, c, &err), FQ_OK);
	ck_assert_str_eq(a.buf,
		"# prefix\n"
		"id: QSZ-2024-000001\n"
		"title: 张三与李四排水纠纷\n"
		"people_involved: 2\n"
		"outcome: null\n"
		"parties:\n"
		"- name: 张三\n"
		"  phones:\n"
		"  - \"13800000001\"\n"
		"  - \"0394-5550001\"\n"
		"summary: |-\n"
		"  第一行\n"
		"  第二行\n");
	ck_assert_str_eq(a.buf + strlen("# prefix\n"), b.buf);

	/* Twice more: the same bytes. */
	fq_buf_reset(&a);
	ck_assert_int_eq(fq_yaml_emit(&a, c, &err), FQ_OK);
	ck_assert_str_eq(a.buf, b.buf);

	back = fq_test_parse(b.buf);
	ck_assert(fq_node_equal(back, c));
	fq_node_free(back);
	fq_node_free(c);
	fq_buf_release(&a);
	fq_buf_release(&b);
}
END_TEST

/* Test: text that is not UTF-8 is an error, not a double free
 * Description: libyaml refuses such a scalar event and leaves the event
 * as it was; emitting it anyway freed the key before it a second time
 * (or hung).  A value, a key and an item cut short, a lone byte and an
 * overlong form, after something else and first: each is an error that
 * names UTF-8, and what the buffer held is left as it was. */
START_TEST(test_node_emit_not_utf8)
{
	static const char *const bad[] = {
		"\xE4\xB8", "\xEC\xBF", "a\xE4\xB8", "\xE4\xB8 x", "\xFF",
		"\xC0\x80", "\xED\xA0\x80", "中\xE6\x96",
	};
	size_t i, w;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (w = 0; w < 4; w++) {
			struct fq_node *c = fq_node_new(FQ_NODE_MAP), *l;
			struct fq_error err = FQ_ERROR_INIT;
			struct fq_buf b = FQ_BUF_INIT;

			fq_map_set_str(c, "id", "QSZ-2024-000001");
			l = fq_node_new(FQ_NODE_SEQ);
			fq_seq_push(l, fq_node_text("ok"));
			if (w == 0)
				fq_map_set(c, "title", fq_node_text(bad[i]));
			else if (w == 1)
				fq_map_set(c, bad[i], fq_node_text("x"));
			else if (w == 2)
				fq_seq_push(l, fq_node_scalar(bad[i]));
			else
				fq_map_set(c, "note", fq_node_text(bad[i]));
			fq_map_set(c, "list", l);
			if (w == 3)	/* multi-line: a literal block */
				fq_map_set_str(c, "more", "a\nb");
			fq_buf_adds(&b, "# prefix\n");
			ck_assert_msg(fq_yaml_emit(&b, c, &err) == FQ_ERROR,
			    "took %zu in place %zu: %s", i, w, b.buf);
			ck_assert_msg(strstr(err.msg, "UTF-8"), "%s", err.msg);
			ck_assert_str_eq(b.buf, "# prefix\n");
			fq_node_free(c);
			fq_buf_release(&b);
		}
}
END_TEST

/*
 * Tree operations.
 */

static struct fq_node *
abc(void)
{
	return fq_test_parse("a: 1\nb: 2\nc: 3\n");
}

/* Test: fq_map_set replaces in place
 * Description: a replaced key keeps its index, the old value is freed
 * (valgrind), a new key is appended. */
START_TEST(test_node_map_set)
{
	struct fq_node *m = abc();

	fq_map_set(m, "b", fq_test_parse("[x, y]"));
	ck_assert_uint_eq(m->len, 3);
	ck_assert_str_eq(m->keys[0]->str, "a");
	ck_assert_str_eq(m->keys[1]->str, "b");
	ck_assert_str_eq(m->keys[2]->str, "c");
	ck_assert_int_eq(m->vals[1]->kind, FQ_NODE_SEQ);
	ck_assert_int_eq(fq_map_index(m, "b"), 1);
	/* The key node keeps its position from the file. */
	ck_assert_pos(m->keys[1], 2, 1);

	fq_map_set(m, "a", fq_node_scalar("one"));
	ck_assert_int_eq(fq_map_index(m, "a"), 0);
	ck_assert_str_eq(fq_map_str(m, "a"), "one");

	fq_map_set(m, "d", fq_node_scalar("4"));
	ck_assert_uint_eq(m->len, 4);
	ck_assert_int_eq(fq_map_index(m, "d"), 3);
	ck_assert_str_eq(fq_map_str(m, "d"), "4");

	/* Many keys: growth keeps the order. */
	for (int i = 0; i < 100; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%03d", i);
		fq_map_set(m, k, fq_node_scalar(k));
	}
	ck_assert_uint_eq(m->len, 104);
	ck_assert_int_eq(fq_map_index(m, "k000"), 4);
	ck_assert_int_eq(fq_map_index(m, "k099"), 103);
	ck_assert_str_eq(fq_map_str(m, "k050"), "k050");
	fq_node_free(m);
}
END_TEST

START_TEST(test_node_map_set_str)
{
	struct fq_node *m = abc();
	char *out;

	fq_map_set_str(m, "b", "true");
	ck_assert_int_eq(fq_map_index(m, "b"), 1);
	ck_assert(m->vals[1]->quoted);		/* text */
	fq_map_set_str(m, "a", NULL);		/* removes */
	ck_assert_int_eq(fq_map_index(m, "a"), -1);
	ck_assert_uint_eq(m->len, 2);
	fq_map_set_str(m, "absent", NULL);	/* no-op */
	ck_assert_uint_eq(m->len, 2);
	out = emit_ok(m);
	ck_assert_str_eq(out, "b: \"true\"\nc: 3\n");
	free(out);
	fq_node_free(m);
}
END_TEST

static const struct {
	const char *key;
	bool found;
	const char *left;	/* keys left, in order */
} dels[] = {
	{ "a", true, "bc" },
	{ "b", true, "ac" },
	{ "c", true, "ab" },
	{ "d", false, "abc" },
	{ "", false, "abc" },
};

START_TEST(test_node_map_del)
{
	struct fq_node *m = abc();
	size_t i;

	ck_assert_int_eq(fq_map_del(m, dels[_i].key), dels[_i].found);
	ck_assert_uint_eq(m->len, strlen(dels[_i].left));
	for (i = 0; i < m->len; i++) {
		char k[2] = { dels[_i].left[i], '\0' };

		ck_assert_str_eq(m->keys[i]->str, k);
		ck_assert_int_eq(fq_map_index(m, k), (long)i);
	}
	ck_assert_ptr_null(fq_map_get(m, dels[_i].key));
	/* Deleting again finds nothing. */
	ck_assert(!fq_map_del(m, dels[_i].key));
	fq_node_free(m);
}
END_TEST

START_TEST(test_node_map_del_all)
{
	struct fq_node *m = abc();

	ck_assert(fq_map_del(m, "b"));
	ck_assert(fq_map_del(m, "a"));
	ck_assert(fq_map_del(m, "c"));
	ck_assert_uint_eq(m->len, 0);
	ck_assert(fq_node_is_empty(m));
	fq_map_set(m, "z", fq_node_scalar("26"));
	ck_assert_str_eq(fq_map_str(m, "z"), "26");
	fq_node_free(m);
}
END_TEST

START_TEST(test_node_map_lookup)
{
	struct fq_node *m = fq_test_parse("s: x\nn: ~\nm: {a: 1}\nq: [1]\n");
	struct fq_node *seq = fq_test_parse("[a, b]"), *sc = fq_node_scalar("x");

	ck_assert_str_eq(fq_map_str(m, "s"), "x");
	ck_assert_ptr_null(fq_map_str(m, "n"));		/* null */
	ck_assert_ptr_nonnull(fq_map_get(m, "n"));
	ck_assert_ptr_null(fq_map_str(m, "m"));		/* not a scalar */
	ck_assert_ptr_null(fq_map_str(m, "q"));
	ck_assert_ptr_null(fq_map_str(m, "absent"));
	ck_assert_ptr_null(fq_map_get(m, "absent"));
	ck_assert_int_eq(fq_map_index(m, "q"), 3);
	ck_assert_int_eq(fq_map_index(m, "absent"), -1);
	ck_assert_str_eq(fq_map_str(fq_map_get(m, "m"), "a"), "1");
	/* Lookups in what is not a map find nothing. */
	ck_assert_ptr_null(fq_map_get(seq, "a"));
	ck_assert_ptr_null(fq_map_get(sc, "x"));
	ck_assert_ptr_null(fq_map_get(NULL, "x"));
	ck_assert_ptr_null(fq_map_str(NULL, "x"));
	ck_assert_int_eq(fq_map_index(NULL, "x"), -1);
	fq_node_free(m);
	fq_node_free(seq);
	fq_node_free(sc);
}
END_TEST

/* Test: keys that share their first bytes, a one-byte key and the empty
 * key are told apart (the lookup compares two bytes before the rest). */
START_TEST(test_node_map_lookup_prefixes)
{
	static const char *const keys[] = {
		"a", "ab", "abc", "abd", "", "b", "ba", "accepted_on", "actor",
		"acc"
	};
	struct fq_node *m = fq_node_new(FQ_NODE_MAP);
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		fq_map_set_str(m, keys[i], keys[i]);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ck_assert_int_eq(fq_map_index(m, keys[i]), (long)i);
		ck_assert_str_eq(fq_map_str(m, keys[i]), keys[i]);
	}
	ck_assert_int_eq(fq_map_index(m, "abe"), -1);
	ck_assert_int_eq(fq_map_index(m, "ac"), -1);
	ck_assert_int_eq(fq_map_index(m, "c"), -1);
	fq_node_free(m);
}
END_TEST

START_TEST(test_node_seq_push)
{
	struct fq_node *s = fq_node_new(FQ_NODE_SEQ);
	char item[16];
	int i;

	ck_assert_uint_eq(s->len, 0);
	for (i = 0; i < 1000; i++) {
		snprintf(item, sizeof(item), "%d", i);
		fq_seq_push(s, fq_node_scalar(item));
	}
	ck_assert_uint_eq(s->len, 1000);
	ck_assert_str_eq(s->vals[0]->str, "0");
	ck_assert_str_eq(s->vals[999]->str, "999");
	ck_assert_ptr_null(s->keys);
	fq_node_free(s);
}
END_TEST

static const struct {
	const char *yaml;	/* value of k; NULL: no key */
	bool empty;
} empties[] = {
	{ NULL, true },
	{ "~", true },
	{ "", true },
	{ "''", true },
	{ "x", false },
	{ "' '", false },
	{ "0", false },
	{ "[]", true },
	{ "{}", true },
	{ "[a]", false },
	{ "{a: 1}", false },
};

START_TEST(test_node_is_empty)
{
	struct fq_node *m;
	char doc[64];

	if (!empties[_i].yaml) {
		ck_assert(fq_node_is_empty(NULL));
		return;
	}
	snprintf(doc, sizeof(doc), "k: %s\n", empties[_i].yaml);
	m = fq_test_parse(doc);
	ck_assert_int_eq(fq_node_is_empty(fq_map_get(m, "k")),
		empties[_i].empty);
	fq_node_free(m);
}
END_TEST

START_TEST(test_node_dup)
{
	struct fq_node *a = fq_test_parse("a: 1\nb:\n  - x\n  - {y: 'z'}\nc: ~\n");
	struct fq_node *d = fq_node_dup(a);
	char *ea, *ed;

	ck_assert_ptr_ne(a, d);
	ck_assert(fq_node_equal(a, d));
	/* Positions and quoting come along. */
	ck_assert_pos(d, 1, 1);
	ck_assert_pos(d->keys[1], 2, 1);
	ck_assert_pos(d->vals[1], 3, 3);
	ck_assert_pos(d->vals[1]->vals[1]->vals[0], 4, 9);
	ck_assert(d->vals[1]->vals[1]->vals[0]->quoted);
	ck_assert_int_eq(d->vals[2]->kind, FQ_NODE_NULL);
	ea = emit_ok(a);
	ed = emit_ok(d);
	ck_assert_str_eq(ea, ed);
	/* Deep: changing the copy leaves the original alone. */
	fq_map_set_str(d->vals[1]->vals[1], "y", "changed");
	ck_assert_str_eq(fq_map_str(a->vals[1]->vals[1], "y"), "z");
	ck_assert(!fq_node_equal(a, d));
	ck_assert_ptr_null(fq_node_dup(NULL));
	fq_node_free(a);
	fq_node_free(d);
	free(ea);
	free(ed);
}
END_TEST

/* Test: fq_node_equal
 * Description: deep and ordered; positions and quoting ignored. */
static const struct {
	const char *a, *b;
	bool equal;
} equals[] = {
	{ "a: 1", "a: 1", true },
	{ "a: 1", "\n\n  a: '1'", true },
	{ "{a: 1, b: [x]}", "a: 1\nb:\n- x\n", true },
	{ "a: 1", "a: 2", false },
	{ "a: 1", "b: 1", false },
	{ "a: 1\nb: 2", "b: 2\na: 1", false },	/* order counts */
	{ "a: 1", "a: 1\nb: 2", false },
	{ "[1, 2]", "[1, 2, 3]", false },
	{ "[1, 2]", "[2, 1]", false },
	{ "a: ~", "a: ''", false },		/* null is not empty text */
	{ "a: ~", "a: null", true },
	{ "a: []", "a: {}", false },
	{ "a: [x]", "a: x", false },
	{ "x", "x", true },
	{ "~", "", true },
};

START_TEST(test_node_equal)
{
	struct fq_node *a = fq_test_parse(equals[_i].a), *b = fq_test_parse(equals[_i].b);

	ck_assert_int_eq(fq_node_equal(a, b), equals[_i].equal);
	ck_assert_int_eq(fq_node_equal(b, a), equals[_i].equal);
	ck_assert(fq_node_equal(a, a));
	ck_assert(!fq_node_equal(a, NULL));
	ck_assert(!fq_node_equal(NULL, b));
	fq_node_free(a);
	fq_node_free(b);
}
END_TEST

/* Test: a copy emits as the original
 * Description: keys are copied with their quoting, so a plain key that
 * looks typed (on, n) stays as it was written. */
START_TEST(test_node_dup_emit)
{
	struct fq_node *a = fq_test_parse("on: 1\n\"n\": 2\nx: {y: 3}\n");
	struct fq_node *d = fq_node_dup(a);
	char *ea = emit_ok(a), *ed = emit_ok(d);

	ck_assert_str_eq(ea, "on: 1\n\"n\": 2\nx:\n  y: 3\n");
	ck_assert_str_eq(ed, ea);
	ck_assert_pos(d->keys[2], 3, 1);
	ck_assert_pos(d->vals[2]->keys[0], 3, 5);
	fq_node_free(a);
	fq_node_free(d);
	free(ea);
	free(ed);
}
END_TEST

START_TEST(test_node_equal_null)
{
	ck_assert(fq_node_equal(NULL, NULL));
}
END_TEST

START_TEST(test_node_constructors)
{
	struct fq_node *s = fq_node_scalar("x"), *t = fq_node_text("y");
	struct fq_node *z = fq_node_scalar(NULL), *n = fq_node_new(FQ_NODE_NULL);
	char src[] = "copy";
	struct fq_node *c = fq_node_scalar(src);

	ck_assert_int_eq(s->kind, FQ_NODE_SCALAR);
	ck_assert(!s->quoted);
	ck_assert_uint_eq(s->line, 0);
	ck_assert_int_eq(t->kind, FQ_NODE_SCALAR);
	ck_assert(t->quoted);
	ck_assert_str_eq(t->str, "y");
	ck_assert_int_eq(z->kind, FQ_NODE_SCALAR);
	ck_assert_str_eq(z->str, "");
	ck_assert_int_eq(n->kind, FQ_NODE_NULL);
	ck_assert_uint_eq(n->len, 0);
	src[0] = 'X';			/* the scalar has its own copy */
	ck_assert_str_eq(c->str, "copy");
	fq_node_free(s);
	fq_node_free(t);
	fq_node_free(z);
	fq_node_free(n);
	fq_node_free(c);
	fq_node_free(NULL);
}
END_TEST

Suite *
fq_node_suite(void)
{
	Suite *s = suite_create("node");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("parse");
	LOOP(tc, test_node_parse_root, roots);
	tcase_add_test(tc, test_node_parse_positions);
	LOOP(tc, test_node_parse_values, values);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	LOOP(tc, test_node_parse_refused, refused);
	LOOP(tc, test_node_parse_nul_byte, nuls);
	tcase_add_test(tc, test_node_parse_too_big);
	LOOP(tc, test_node_parse_depth, depths);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_node_load);
	tcase_add_test(tc, test_node_load_missing);
	tcase_add_test(tc, test_node_load_too_big);
	tcase_add_test(tc, test_node_load_symlink);
	suite_add_tcase(s, tc);

	tc = tcase_create("emit");
	LOOP(tc, test_node_emit_roundtrip, docs);
	LOOP(tc, test_node_emit_text, texts);
	LOOP(tc, test_node_emit_plain, plains);
	LOOP(tc, test_node_emit_keys, typed_keys);
	tcase_add_test(tc, test_node_emit_built);
	tcase_add_test(tc, test_node_emit_not_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_add_test(tc, test_node_constructors);
	tcase_add_test(tc, test_node_map_set);
	tcase_add_test(tc, test_node_map_set_str);
	LOOP(tc, test_node_map_del, dels);
	tcase_add_test(tc, test_node_map_del_all);
	tcase_add_test(tc, test_node_map_lookup);
	tcase_add_test(tc, test_node_map_lookup_prefixes);
	tcase_add_test(tc, test_node_seq_push);
	LOOP(tc, test_node_is_empty, empties);
	tcase_add_test(tc, test_node_dup);
	tcase_add_test(tc, test_node_dup_emit);
	LOOP(tc, test_node_equal, equals);
	tcase_add_test(tc, test_node_equal_null);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
