/*
 * check_yread.c: the fast reader (lib/yread.c) against libyaml's
 * (fq_yaml_parse), node by node: kinds, text, quoting, line and column.
 *
 * Whatever the fast reader accepts must read as libyaml reads it, and
 * what libyaml refuses it must decline.  The inputs: every YAML file of
 * tests/data, schemas/ and examples/ (and FQ_YREAD_CORPUS=DIR, e.g. a
 * repository made by bench/gen.py), hostile documents, hostile pieces of
 * text put raw in every place of a document, random trees written by
 * fq's emitter and by libyaml's with other styles and indentations, and
 * random edits of those.  The suite also checks that the reader takes
 * what fq writes, so that it cannot pass by declining everything.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "fq/node.h"
#include "internal.h"
#include "fixture.h"

Suite *fq_yread_suite(void);

static size_t taken, declined;

/* The verdict on buf; a disagreement fails with the text. */
static int
check_buf(const char *buf, size_t len)
{
	int lib, r = fq_yaml_fast_verify(buf, len, &lib);

	if (r < 0)
		ck_abort_msg("the fast reader reads otherwise (libyaml %d):"
			"\n---\n%.*s\n---", lib, (int)len, buf);
	if (r == 0)
		taken++;
	else
		declined++;
	return r;
}

static int
check_str(const char *s)
{
	return check_buf(s, strlen(s));
}

static const char *const pieces[] = {
	"", " ", "  ", "a", "yes", "No", "null", "~", "NULL", "Null", "true",
	"on", "1", "0x1F", "1.5", "-1", "+1", ".5", "1:20", "2024-03-01",
	"2024-03-01T10:00:00+08:00", ".inf", "#", " #", "a #b", "a#b", ": ",
	":", "a:b", "a: b", "-", "- ", "-a", "?", "? x", "---", "...", "'",
	"''", "\"", "\"\"", "\\", "\\n", "\\x41", "\\u00e9", "\\U0001F600",
	"\\L", "\\N", "\\_", "\\0", "\\x00", "\\uD800", "\\q", "\\ ", "[",
	"]", "{", "}", "{}", "[]", "[a]", "{a: b}", ",", "&a", "*a", "!t",
	"!!str", "|", "|-", "|2", "|+", ">", "%", "@", "`", "\t", "\n",
	"\n\n", "\r", "\r\n", "\x7f", "\x01", "\x1b", "中文", "周明",
	"\xF0\x9F\x98\x80", "\xC2\xA0", "\xC2\x85", "\xE2\x80\xA8",
	"\xEF\xBB\xBF", "\xEF\xBF\xBE", "\xED\xA0\x80", "\xC2\x9F", "\xFF",
	"\xC0\x80", "\xE4\xB8", "\xEC\xBF", "\xE3\x80\x80", "\xEC\xBF\xBF", "\xE2\xBF\xBF", "：",
	"a b", "a  b", "x ", " x", "13865479012", "=",
	"<<", "'a''b'", "\"a\\\"b\"", "'a' b", "\"a\" b", "k:", "- x",
	"\n  x", "\n- y", "\n    z: 1", "\n k: v", "\n\n  t",
};
#define NPIECES FQ_ARRAY_SIZE(pieces)

/* Whole documents that a reader may get wrong. */
static const char *const docs[] = {
	"", "\n", "a: 1", "a: 1\n", "a: 1\nb: 2\n", "a:\n", "a:\nb: 1\n",
	"a:\n  b: 1\n", "a:\n- 1\n- 2\n", "a:\n  - 1\n  - 2\n",
	"a:\n- 1\n  - 2\n", "a:\n  b: 1\n c: 2\n", "a:\n  b: 1\n   c: 2\n",
	"- a\n- b\n", "- - a\n  - b\n- c\n", "- a: 1\n  b: 2\n- c: 3\n",
	"- a: 1\n b: 2\n", "- a: 1\n   b: 2\n", "-  a: 1\n   b: 2\n",
	"-   x\n-  y\n", "a:   x\n", "a: x\n  y\n", "a: x\n\n  y\n",
	"a: 1\na: 2\n", "a: 1\nb:\n  a: 2\n", "null: 1\n", "~: 1\n",
	"'': 1\n", "\"\": 1\n", "'a': 1\n", "\"a\\tb\": 1\n", "'a':1\n",
	"a : 1\n", "a:  # c\n", "# c\na: 1\n", "a: 1 # c\n", "a: 1\n# c\n",
	"---\na: 1\n", "a: 1\n...\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n",
	"a: &x 1\nb: *x\n", "a: !!str 1\n", "!m\na: 1\n", "a: {b: 1}\n",
	"a: [1, 2]\n", "a: {}\n", "a: []\n", "- {}\n- []\n", "a: { }\n",
	"a: |\n  x\n", "a: |\n  x\n  y\n", "a: |-\n  x\n", "a: |2\n   x\n",
	"a: |2-\n   x\n", "a: |\n  x\n\n  y\n", "a: |\n  x\n\n\nb: 1\n",
	"a: |\n  x\n    y\n", "a: |\n    x\n  y\n", "a: |\n x\n",
	"a: |\nx\n", "a: |\n\n  x\n", "a: |2\n\n  x\n", "a: |\n  x",
	"a: |+\n  x\n\n", "a: >\n  x\n  y\n", "a: | # c\n  x\n",
	"- |\n  x\n- y\n", "- |2\n   x\n", "b:\n- |\n  x\n  y\nc: 1\n",
	"- a: |\n    x\n  b: 1\n", "- a: |2\n     x\n", "a: \"x\n  y\"\n",
	"a: 'x\n  y'\n", "a: \"x\\\n  y\"\n", "a: \"\\x4\"\n", "a: 'it''s'\n",
	"a: \"\\u4e2d\"\n", "a: \"\\ud83d\"\n", "a: \"\\U00110000\"\n",
	"a:\tb\n", "a: b\t\n", "a: b \n", "a: 1\r\nb: 2\r\n", "\xEF\xBB\xBF"
	"a: 1\n", "a: \xEF\xBB\xBF\n", "a: \xC2\x85\n", "a: \x01\n",
	"a: \xFF\n", "  a: 1\n  b: 2\n", "a:\n    - 1\n    - 2\n",
	"a:\n  -\n  - 2\n", "- \n", "-\n  a: 1\n", "? a\n: b\n", "a: - b\n",
	"a: b: c\n", "a: -1\n", "a: -\n", "a: ?x\n", "a: :x\n", "a: x:y\n",
	"a: x: \n", "a: x #\n", "a: #x\n", "[a, b]\n", "{a: 1}\n", "x\n",
	"'x'\n", "a: 1\n- b\n", "- a\nb: 1\n", "a:\n  b:\n    c:\n      d: 1\n",
	"a:\n  b: |\n    x\n  c: 2\n", "a: 中文\nb: 名字: x\n", "中文: 值\n",
	"- 名字: 值\n  二: |\n    行\n", "a: 1\n\n\nb: 2\n", "\n\na: 1\n",
	"a: \"x\" \n", "a: \"\\\"\"\n", "a: \"\\/\"\n", "a: '\\'\n",
};

START_TEST(hostile_documents)
{
	size_t i;

	taken = declined = 0;
	for (i = 0; i < FQ_ARRAY_SIZE(docs); i++)
		check_str(docs[i]);
	/* the plain ones are taken */
	ck_assert_int_eq(check_str("a: 1\nb:\n- x\n- y: 2\n  z: |\n    t\n"), 0);
	ck_assert_int_eq(check_str("a:\nb: 1\n"), 0);
	ck_assert_int_gt(taken, 40);
}
END_TEST

/* Each piece, raw, in every place of a document, and each pair. */
static const char *const places[] = {
	"k: %s\n", "k: %s\nz: 1\n", "- %s\n- z\n", "%s: v\n", "z: 1\n%s: v\n",
	"k:\n  %s\n", "k:\n- %s\n", "k: '%s'\n", "k: \"%s\"\n", "'%s': v\n",
	"\"%s\": v\n", "k: |\n  %s\n", "k: |-\n  %s\nz: 1\n", "- - %s\n",
	"- a: %s\n  b: 2\n", "k: a%s\n", "k: %sa\n", "%s\n", "k:%s\n",
	"- k: |2\n    %s\n",
};

START_TEST(pieces_everywhere)
{
	char text[256], buf[512];
	size_t i, j, p;

	taken = declined = 0;
	for (p = 0; p < FQ_ARRAY_SIZE(places); p++)
		for (i = 0; i < NPIECES; i++) {
			snprintf(buf, sizeof(buf), places[p], pieces[i]);
			check_str(buf);
			for (j = 0; j < NPIECES; j++) {
				snprintf(text, sizeof(text), "%s%s",
					pieces[i], pieces[j]);
				snprintf(buf, sizeof(buf), places[p], text);
				check_str(buf);
			}
		}
	ck_assert_uint_gt(taken, 10000);
}
END_TEST

static struct fq_test_rnd rt = {
	.state = 88172645463325252UL,
	.pieces = pieces,
	.npieces = NPIECES,
	.maxdepth = 5,
	.utf8_only = true,
};

/* Random edits of a text: what a hand edit or a damaged file looks like. */
static void
mutate(const struct fq_buf *in)
{
	static const char ins[] = " -:#'\"\n|{}[]&*!\t?2";
	struct fq_buf b = FQ_BUF_INIT;
	int k;

	for (k = 0; k < 4; k++) {
		size_t at;

		fq_buf_reset(&b);
		fq_buf_add(&b, in->buf, in->len);
		at = b.len ? fq_test_rnd(&rt, (unsigned)b.len) : 0;
		switch (fq_test_rnd(&rt, 3)) {
		case 0:	/* delete a byte */
			if (b.len) {
				memmove(b.buf + at, b.buf + at + 1,
					b.len - at - 1);
				fq_buf_setlen(&b, b.len - 1);
			}
			break;
		case 1: {	/* insert one */
			char c = ins[fq_test_rnd(&rt, sizeof(ins) - 1)];

			fq_buf_addch(&b, ' ');
			memmove(b.buf + at + 1, b.buf + at, b.len - at - 1);
			b.buf[at] = c;
			break;
		}
		default:	/* replace one */
			if (b.len)
				b.buf[at] = ins[fq_test_rnd(&rt,
					sizeof(ins) - 1)];
			break;
		}
		check_buf(b.buf, b.len);
	}
	fq_buf_release(&b);
}

START_TEST(random_trees_fq_style)
{
	struct fq_error err = FQ_ERROR_INIT;
	size_t emitted = 0, took;
	int i;

	taken = declined = 0;
	for (i = 0; i < 6000; i++) {
		struct fq_node *n = fq_test_rnd_coll(&rt, 0,
			fq_test_rnd(&rt, 4) != 0);
		struct fq_buf b = FQ_BUF_INIT;

		ck_assert_int_eq(fq_yaml_emit(&b, n, &err), FQ_OK);
		if (check_buf(b.buf, b.len) == 0)
			emitted++;
		mutate(&b);
		fq_buf_release(&b);
		fq_node_free(n);
	}
	/* most of fq's own text is taken (the rest: tabs, CR, control
	 * characters, four-byte characters written as escapes, ...) */
	took = emitted;
	ck_assert_uint_gt(took, 3000);
}
END_TEST

/* A tree through libyaml's emitter with random styles. */
static int
emit_any(yaml_emitter_t *e, const struct fq_node *n, int depth)
{
	static const yaml_scalar_style_t st[] = {
		YAML_ANY_SCALAR_STYLE, YAML_PLAIN_SCALAR_STYLE,
		YAML_SINGLE_QUOTED_SCALAR_STYLE,
		YAML_DOUBLE_QUOTED_SCALAR_STYLE, YAML_LITERAL_SCALAR_STYLE,
		YAML_FOLDED_SCALAR_STYLE,
	};
	yaml_event_t ev;
	size_t i;

	switch (n->kind) {
	case FQ_NODE_NULL:
	case FQ_NODE_SCALAR: {
		const char *s = n->kind == FQ_NODE_NULL ? "null" : n->str;

		/* it refuses text that is not UTF-8 and leaves ev as it
		 * was: never emit that */
		if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)s, (int)strlen(s), 1, 1,
		    st[fq_test_rnd(&rt, FQ_ARRAY_SIZE(st))]))
			return 0;
		return yaml_emitter_emit(e, &ev);
	}
	case FQ_NODE_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    fq_test_rnd(&rt, 5) ? YAML_BLOCK_SEQUENCE_STYLE :
		    YAML_FLOW_SEQUENCE_STYLE) || !yaml_emitter_emit(e, &ev))
			return 0;
		for (i = 0; i < n->len; i++)
			if (!emit_any(e, n->vals[i], depth + 1))
				return 0;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	case FQ_NODE_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    fq_test_rnd(&rt, 5) ? YAML_BLOCK_MAPPING_STYLE :
		    YAML_FLOW_MAPPING_STYLE) || !yaml_emitter_emit(e, &ev))
			return 0;
		for (i = 0; i < n->len; i++)
			if (!emit_any(e, n->keys[i], depth + 1) ||
			    !emit_any(e, n->vals[i], depth + 1))
				return 0;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	}
	return 0;
}

static int
to_buf(void *data, unsigned char *p, size_t n)
{
	fq_buf_add(data, p, n);
	return 1;
}

START_TEST(random_trees_libyaml_styles)
{
	int i;

	taken = declined = 0;
	for (i = 0; i < 6000; i++) {
		struct fq_node *n = fq_test_rnd_coll(&rt, 0,
			fq_test_rnd(&rt, 4) != 0);
		struct fq_buf b = FQ_BUF_INIT;
		yaml_emitter_t e;
		yaml_event_t ev;
		int ok;

		ck_assert(yaml_emitter_initialize(&e));
		yaml_emitter_set_output(&e, to_buf, &b);
		yaml_emitter_set_unicode(&e, (int)fq_test_rnd(&rt, 2));
		yaml_emitter_set_width(&e, fq_test_rnd(&rt, 2) ? -1 : 20);
		yaml_emitter_set_indent(&e, 2 + (int)fq_test_rnd(&rt, 3));
		yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
		ok = yaml_emitter_emit(&e, &ev);
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL,
			(int)fq_test_rnd(&rt, 2));
		ok = ok && yaml_emitter_emit(&e, &ev);
		ok = ok && emit_any(&e, n, 0);
		yaml_document_end_event_initialize(&ev, (int)fq_test_rnd(&rt, 2));
		ok = ok && yaml_emitter_emit(&e, &ev);
		yaml_stream_end_event_initialize(&ev);
		ok = ok && yaml_emitter_emit(&e, &ev) && yaml_emitter_flush(&e);
		yaml_emitter_delete(&e);
		if (ok) {
			check_buf(b.buf ? b.buf : "", b.len);
			mutate(&b);
		}
		fq_buf_release(&b);
		fq_node_free(n);
	}
	ck_assert_uint_gt(taken, 1000);
}
END_TEST

static size_t
check_file(const char *path)
{
	struct fq_buf b = FQ_BUF_INIT;
	int r;

	ck_assert_int_eq(fq_buf_read_file(&b, path, 1 << 24), 0);
	r = check_buf(b.buf ? b.buf : "", b.len);
	fq_buf_release(&b);
	return r == 0;
}

/* A YAML file of a directory, counted in *files: 1 if the fast reader
 * took it. */
static size_t
check_dir_file(const char *path, void *files)
{
	(*(size_t *)files)++;
	return check_file(path);
}

/* Every YAML file below dir: how many the fast reader took. */
static size_t
check_dir(const char *dir, size_t *files)
{
	return fq_test_each_yaml(dir, check_dir_file, files);
}

START_TEST(fixtures)
{
	size_t files = 0, took;
	char *cases = fq_test_path(FQ_TEST_DATA_DIR, "cases");
	char *ex = fq_test_path(FQ_TEST_SCHEMA_DIR, "../examples");
	char *full = fq_test_path(cases, "valid-full.yaml");
	char *basic = fq_test_path(cases, "valid-basic.yaml");

	taken = declined = 0;
	check_dir(FQ_TEST_DATA_DIR, &files);
	check_dir(FQ_TEST_SCHEMA_DIR, &files);
	check_dir(ex, &files);
	/* the valid case files of the tests, in fq's own style, are taken */
	took = check_file(full) + check_file(basic);
	free(cases);
	free(ex);
	free(full);
	free(basic);
	ck_assert_uint_eq(took, 2);
	ck_assert_uint_gt(files, 5);
	if (getenv("FQ_YREAD_CORPUS")) {
		files = 0;
		took = check_dir(getenv("FQ_YREAD_CORPUS"), &files);
		fprintf(stderr, "yread: %zu of %zu files taken\n", took, files);
		ck_assert_uint_gt(took, 0);
	}
}
END_TEST

START_TEST(positions_and_arena)
{
	struct fq_yarena *a = fq_yarena_new();
	struct fq_node *n;
	const char *s = "id: X\nparties:\n- name: 周明\n  role: applicant\n"
		"note: |\n  一\n  二\nempty:\nz: {}\n";
	int round;

	for (round = 0; round < 3; round++) {
		ck_assert_int_eq(fq_yaml_parse_fast(&n, s, strlen(s), a), 0);
		ck_assert_int_eq(n->kind, FQ_NODE_MAP);
		ck_assert_uint_eq(n->len, 5);
		ck_assert_str_eq(fq_map_str(n, "note"), "一\n二\n");
		ck_assert(fq_map_get(n, "note")->quoted);
		ck_assert_int_eq(fq_map_get(n, "empty")->kind, FQ_NODE_NULL);
		ck_assert_uint_eq(fq_map_get(n, "empty")->line, 8);
		ck_assert_uint_eq(fq_map_get(n, "empty")->column, 7);
		n = fq_map_get(n, "parties")->vals[0];
		ck_assert_uint_eq(n->line, 3);
		ck_assert_uint_eq(n->column, 3);
		ck_assert_uint_eq(n->vals[1]->line, 4);
		ck_assert_uint_eq(n->vals[1]->column, 9);
		fq_yarena_reset(a);
	}
	/* what it declines leaves no tree */
	n = (struct fq_node *)1;
	ck_assert_int_eq(fq_yaml_parse_fast(&n, "a: &x 1\n", 8, a), 1);
	ck_assert_ptr_null(n);
	fq_yarena_free(a);
	check_str(s);
}
END_TEST

Suite *
fq_yread_suite(void)
{
	Suite *s = suite_create("yread");
	TCase *tc = tcase_create("yread");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, hostile_documents);
	tcase_add_test(tc, pieces_everywhere);
	tcase_add_test(tc, random_trees_fq_style);
	tcase_add_test(tc, random_trees_libyaml_styles);
	tcase_add_test(tc, fixtures);
	tcase_add_test(tc, positions_and_arena);
	suite_add_tcase(s, tc);
	return s;
}
