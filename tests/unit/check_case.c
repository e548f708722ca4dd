/*
 * check_case.c: one case file — parse, render, events, load and save
 * through a real repository (lib/case.c).
 *
 * The store tests make a fresh repository in a temporary directory with
 * libgit2's configuration search path pointed into it (fixture.h), so
 * the user's ~/.gitconfig plays no part.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/case.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/store.h"
#include "fixture.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif
#ifndef FQ_TEST_DATA_DIR
#error "FQ_TEST_DATA_DIR must name the source tree's tests/data directory"
#endif
#define CASES_DIR FQ_TEST_DATA_DIR "/cases"
#define ID1 "QSZ-2024-000001"
#define PATH1 "cases/2024/03/" ID1 ".yaml"
#define NOW "2024-03-07T10:00:00+08:00"

Suite *fq_case_suite(void);

static fq_schema *sc;
static char *tmp, *repo;

static void
schema_setup(void)
{
	sc = fq_test_schema();
}

static void
schema_teardown(void)
{
	fq_schema_free(sc);
	sc = NULL;
}

static void
store_setup(void)
{
	char *gitconf;

	schema_setup();
	tmp = fq_test_tmpdir();
	repo = fq_test_path(tmp, "repo");
	gitconf = fq_test_path(tmp, "gitconfig");
	ck_assert_int_eq(mkdir(gitconf, 0700), 0);
	fq_test_git_isolate(gitconf);
	free(gitconf);
}

static void
store_teardown(void)
{
	fq_test_rmtree(tmp);
	free(repo);
	free(tmp);
	repo = tmp = NULL;
	schema_teardown();
}

/* The text of a file in tests/data/cases (free it). */
static char *
data_file(const char *name)
{
	char path[512], *s;

	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, name);
	s = fq_test_read_file(path);
	ck_assert_msg(s != NULL, "cannot read %s", path);
	return s;
}

/* A valid case tree: tests/data/cases/valid-basic.yaml. */
static struct fq_node *
basic_case(void)
{
	char *text = data_file("valid-basic.yaml");
	struct fq_node *c = fq_test_parse(text);

	free(text);
	return c;
}

/*
 * Parsing.
 */

static const char *const valid_files[] = {
	"valid-basic.yaml", "valid-full.yaml",
};

START_TEST(test_case_parse_valid)
{
	char *text = data_file(valid_files[_i]);
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *c = NULL;

	ck_assert_msg(fq_case_parse(&c, sc, text, strlen(text),
		valid_files[_i], &d, &err) == FQ_OK, "%s:%u:%u: %s",
		err.file, err.line, err.column, err.msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(fq_map_str(c, "id"), valid_files[_i][6] == 'b' ?
		"QSZ-2024-000001" : "QSZ-2024-000002");
	fq_node_free(c);

	/* diags may be NULL. */
	ck_assert_int_eq(fq_case_parse(&c, sc, text, strlen(text),
		valid_files[_i], NULL, &err), FQ_OK);
	fq_node_free(c);
	free(text);
}
END_TEST

/* Test: an invalid case file
 * Description: FQ_EINVALID with every problem in diags (appended after
 * what was there), the first new one in err, and the tree still handed
 * back for the caller to show and free. */
START_TEST(test_case_parse_invalid)
{
	char *text = data_file("invalid-types.yaml");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *c = NULL;

	fq_diags_add(&d, "other.yaml", 9, 9, "an earlier problem");
	ck_assert_int_eq(fq_case_parse(&c, sc, text, strlen(text),
		"cases/2024/03/X.yaml", &d, &err), FQ_EINVALID);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(fq_map_str(c, "id"), "QSZ-24-1");
	ck_assert_uint_eq(d.n, 1 + 16);
	ck_assert_int_eq(err.code, FQ_EINVALID);
	ck_assert_str_eq(err.file, "cases/2024/03/X.yaml");
	ck_assert_uint_eq(err.line, d.v[1].line);
	ck_assert_uint_eq(err.column, d.v[1].column);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.column, 5);
	ck_assert_str_eq(err.msg, d.v[1].msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a case ID"));
	/* The last problem is the missing risk colour. */
	ck_assert_ptr_nonnull(strstr(d.v[16].msg, "risk_color"));
	fq_node_free(c);
	fq_diags_release(&d);

	/* Without diags: the same answer, nothing leaks. */
	ck_assert_int_eq(fq_case_parse(&c, sc, text, strlen(text), "X.yaml",
		NULL, &err), FQ_EINVALID);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(err.line, 1);
	fq_node_free(c);
	free(text);
}
END_TEST

static const struct {
	const char *text;
	unsigned line, column;
} syntax[] = {
	{ "id: [\n", 2, 1 },
	{ "id: QSZ-2024-000001\nid: QSZ-2024-000002\n", 2, 1 },
	{ "id: &a QSZ-2024-000001\n", 1, 5 },
	{ "a: 1\n---\nb: 2\n", 2, 1 },
	{ "title: \xff\n", 1, 8 },
};

START_TEST(test_case_parse_syntax)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *c = (struct fq_node *)&err;

	ck_assert_int_eq(fq_case_parse(&c, sc, syntax[_i].text,
		strlen(syntax[_i].text), "bad.yaml", &d, &err), FQ_EPARSE);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(err.line, syntax[_i].line);
	ck_assert_uint_eq(err.column, syntax[_i].column);
	ck_assert_str_eq(err.file, "bad.yaml");
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].file, "bad.yaml");
	ck_assert_uint_eq(d.v[0].line, err.line);
	ck_assert_uint_eq(d.v[0].column, err.column);
	ck_assert_str_eq(d.v[0].msg, err.msg);
	fq_diags_release(&d);

	ck_assert_int_eq(fq_case_parse(&c, sc, syntax[_i].text,
		strlen(syntax[_i].text), "bad.yaml", NULL, &err), FQ_EPARSE);
	ck_assert_ptr_null(c);
}
END_TEST

/* A document that is not a mapping at all is invalid, not a crash. */
START_TEST(test_case_parse_not_a_map)
{
	static const char *const docs[] = { "", "just text\n", "- a\n- b\n" };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c;
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		c = NULL;
		ck_assert_int_eq(fq_case_parse(&c, sc, docs[i], strlen(docs[i]),
			"x.yaml", NULL, &err), FQ_EINVALID);
		ck_assert_ptr_nonnull(strstr(err.msg, "expected a mapping"));
		fq_node_free(c);
	}
}
END_TEST

/*
 * Rendering.
 */

START_TEST(test_case_render)
{
	char *text = data_file(valid_files[_i]);
	struct fq_node *c = fq_test_parse(text);
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf out = FQ_BUF_INIT;

	fq_buf_adds(&out, "prefix\n");
	ck_assert_msg(fq_case_render(&out, sc, c, &err) == FQ_OK, "%s",
		err.msg);
	ck_assert_str_eq(out.buf + 7, text);		/* already canonical */
	ck_assert_int_eq(strncmp(out.buf, "prefix\n", 7), 0);
	fq_buf_release(&out);
	fq_node_free(c);
	free(text);
}
END_TEST

/* Keys in any order, typed values quoted or not, empty optional values:
 * rendering gives the canonical file. */
START_TEST(test_case_render_canonical)
{
	char *text = data_file("valid-basic.yaml");
	struct fq_node *c = fq_test_parse(text), *r = fq_node_new(FQ_NODE_MAP);
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf out = FQ_BUF_INIT;
	size_t i;

	/* The same case with its keys reversed and some noise. */
	for (i = c->len; i-- > 0;)
		fq_map_set(r, c->keys[i]->str, fq_node_dup(c->vals[i]));
	fq_map_set(r, "people_involved", fq_node_text("2"));
	fq_map_set_str(r, "plan", "");
	fq_map_set(r, "outcome", fq_node_new(FQ_NODE_NULL));
	fq_map_set(r, "visits", fq_node_new(FQ_NODE_SEQ));
	ck_assert_int_eq(fq_case_render(&out, sc, r, &err), FQ_OK);
	ck_assert_str_eq(out.buf, text);
	/* The tree itself is left canonical. */
	ck_assert_str_eq(r->keys[0]->str, "id");
	ck_assert_int_eq(fq_map_index(r, "plan"), -1);
	fq_buf_release(&out);
	fq_node_free(c);
	fq_node_free(r);
	free(text);
}
END_TEST

static const struct {
	const char *key;
	const char *yaml;	/* NULL: delete */
	const char *msg;
} bad_trees[] = {
	{ "title", NULL, "title" },
	{ "accepted_on", "2024-02-30", "accepted_on" },
	{ "status", "nope", "status" },
	{ "parties", "[{role: applicant}]", "name" },
	{ "id", "QSZ-2024-1", "id" },
};

START_TEST(test_case_render_invalid)
{
	struct fq_node *c = basic_case();
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf out = FQ_BUF_INIT;

	if (bad_trees[_i].yaml)
		fq_map_set(c, bad_trees[_i].key, fq_test_parse(bad_trees[_i].yaml));
	else
		fq_map_del(c, bad_trees[_i].key);
	fq_buf_adds(&out, "kept");
	ck_assert_int_eq(fq_case_render(&out, sc, c, &err), FQ_EINVALID);
	ck_assert_str_eq(out.buf, "kept");		/* nothing appended */
	ck_assert_uint_eq(out.len, 4);
	ck_assert_int_eq(err.code, FQ_EINVALID);
	ck_assert_msg(strstr(err.msg, bad_trees[_i].msg) != NULL, "'%s'",
		err.msg);
	fq_buf_release(&out);
	fq_node_free(c);
}
END_TEST

/*
 * Events, state, messages.
 */

START_TEST(test_case_add_event)
{
	struct fq_node *c = basic_case(), *events, *ev;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf out = FQ_BUF_INIT;
	const char *tail;

	events = fq_map_get(c, "events");
	ck_assert_uint_eq(events->len, 2);
	ev = fq_case_add_event(c, "2024-03-08T10:00:00+08:00", "contact",
		"王五", "电话联系李四");
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_eq(fq_map_get(c, "events"), events);
	ck_assert_uint_eq(events->len, 3);
	ck_assert_ptr_eq(events->vals[2], ev);
	ck_assert_uint_eq(ev->len, 4);
	ck_assert_str_eq(ev->keys[0]->str, "at");
	ck_assert_str_eq(ev->keys[1]->str, "kind");
	ck_assert_str_eq(ev->keys[2]->str, "actor");
	ck_assert_str_eq(ev->keys[3]->str, "note");
	ck_assert_str_eq(fq_map_str(ev, "at"), "2024-03-08T10:00:00+08:00");
	ck_assert_str_eq(fq_map_str(ev, "kind"), "contact");
	ck_assert_str_eq(fq_map_str(ev, "actor"), "王五");
	ck_assert_str_eq(fq_map_str(ev, "note"), "电话联系李四");
	/* Earlier events are untouched. */
	ck_assert_str_eq(fq_map_str(events->vals[0], "kind"), "intake");
	ck_assert_str_eq(fq_map_str(events->vals[1], "kind"), "session");

	/* The caller adds keys; the case still renders, event last. */
	fq_map_set_str(ev, "state_from", "mediating");
	fq_map_set_str(ev, "state_to", "mediating");
	ck_assert_int_eq(fq_case_render(&out, sc, c, &err), FQ_OK);
	tail = strstr(out.buf, "- at: 2024-03-08T10:00:00+08:00\n");
	ck_assert_ptr_nonnull(tail);
	ck_assert_str_eq(tail,
		"- at: 2024-03-08T10:00:00+08:00\n"
		"  kind: contact\n"
		"  actor: 王五\n"
		"  state_from: mediating\n"
		"  state_to: mediating\n"
		"  note: 电话联系李四\n");
	fq_buf_release(&out);
	fq_node_free(c);
}
END_TEST

START_TEST(test_case_add_event_optional)
{
	struct fq_node *c = basic_case(), *ev;

	ev = fq_case_add_event(c, "2024-03-08T10:00:00+08:00", "notice", NULL,
		NULL);
	ck_assert_uint_eq(ev->len, 2);
	ck_assert_ptr_null(fq_map_get(ev, "actor"));
	ck_assert_ptr_null(fq_map_get(ev, "note"));
	ev = fq_case_add_event(c, "2024-03-09T10:00:00+08:00", "notice", "", "");
	ck_assert_uint_eq(ev->len, 2);
	ck_assert_uint_eq(fq_map_get(c, "events")->len, 4);
	fq_node_free(c);
}
END_TEST

/* A case without an event list (or with a broken one) gets a new list. */
START_TEST(test_case_add_event_new_list)
{
	struct fq_node *c = basic_case(), *ev, *events;

	fq_map_del(c, "events");
	ev = fq_case_add_event(c, "2024-03-08T10:00:00+08:00", "intake", "王五",
		NULL);
	events = fq_map_get(c, "events");
	ck_assert_ptr_nonnull(events);
	ck_assert_int_eq(events->kind, FQ_NODE_SEQ);
	ck_assert_uint_eq(events->len, 1);
	ck_assert_ptr_eq(events->vals[0], ev);

	fq_map_set_str(c, "events", "not a list");
	ev = fq_case_add_event(c, "2024-03-09T10:00:00+08:00", "contact", NULL,
		NULL);
	events = fq_map_get(c, "events");
	ck_assert_int_eq(events->kind, FQ_NODE_SEQ);
	ck_assert_uint_eq(events->len, 1);
	ck_assert_ptr_eq(events->vals[0], ev);
	fq_node_free(c);
}
END_TEST

static const struct {
	const char *status;	/* NULL: no status key */
	bool open;
} opens[] = {
	{ "reported", true },
	{ "accepted", true },
	{ "mediating", true },
	{ "agreed", true },
	{ "referred_out", true },
	{ "closed", false },
	{ "archived", false },
	{ "已受理", false },		/* labels are not codes */
	{ "nope", false },
	{ "", false },
	{ NULL, false },
};

START_TEST(test_case_is_open)
{
	struct fq_node *c = basic_case();

	if (opens[_i].status)
		fq_map_set_str(c, "status", opens[_i].status);
	else
		fq_map_del(c, "status");
	ck_assert_int_eq(fq_case_is_open(sc, c), opens[_i].open);
	fq_node_free(c);
}
END_TEST

static const struct {
	const char *prog;
	const char *id, *title;	/* NULL: key absent */
	const char *want;
} messages[] = {
	{ "fq-new", ID1, "张三与李四排水纠纷", "fq-new: " ID1 " 张三与李四排水纠纷" },
	{ "fq-note", ID1, "", "fq-note: " ID1 },
	{ "fq-note", ID1, NULL, "fq-note: " ID1 },
	{ "fq-edit", NULL, "标题", "fq-edit: ? 标题" },
};

START_TEST(test_case_message)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP);
	struct fq_buf b = FQ_BUF_INIT;

	if (messages[_i].id)
		fq_map_set_str(c, "id", messages[_i].id);
	if (messages[_i].title)
		fq_map_set_str(c, "title", messages[_i].title);
	fq_case_message(&b, messages[_i].prog, c);
	ck_assert_str_eq(b.buf, messages[_i].want);
	fq_buf_release(&b);
	fq_node_free(c);
}
END_TEST

/*
 * Load and save through a repository.
 */

static fq_store *
locked_store(void)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_store *st = fq_test_store_new(repo);

	ck_assert_msg(fq_store_lock(st, 0, &err) == FQ_OK, "%s", err.msg);
	return st;
}

static void
commit_text(fq_store *st, const char *path, const char *text)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change ch = { path, text, strlen(text) };

	ck_assert_msg(fq_store_commit(st, &ch, 1, "test: raw file", NULL, &err)
		== FQ_OK, "%s", err.msg);
}

static int
newest_summary(const char *commit, const char *name, const char *email,
	long long when, int offset, const char *summary, void *data)
{
	char **out = data;

	(void)commit; (void)name; (void)email; (void)when; (void)offset;
	if (!*out)
		*out = strdup(summary);
	return 0;
}

/* Test: save, then load
 * Description: the file in the working tree is the rendered case, the
 * commit says "PROG: ID TITLE", updated_at is the time given, and
 * loading by ID gives the same tree and the path. */
START_TEST(test_case_save_load)
{
	fq_store *st = locked_store();
	struct fq_node *c = basic_case(), *l = NULL;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf rel = FQ_BUF_INIT, want = FQ_BUF_INIT;
	char *path, *disk, *summary = NULL;
	struct stat stt;

	ck_assert_msg(fq_case_save(st, sc, c, PATH1, "fq-new", NOW, &err) ==
		FQ_OK, "%s", err.msg);
	ck_assert_str_eq(fq_map_str(c, "updated_at"), NOW);

	path = fq_test_path(repo, PATH1);
	disk = fq_test_read_file(path);
	ck_assert_ptr_nonnull(disk);
	ck_assert_int_eq(fq_case_render(&want, sc, c, &err), FQ_OK);
	ck_assert_str_eq(disk, want.buf);
	ck_assert_ptr_nonnull(strstr(disk, "updated_at: " NOW "\n"));
	ck_assert_int_eq(stat(path, &stt), 0);
	ck_assert_int_eq(stt.st_mode & 077, 0);		/* private */

	ck_assert_int_eq(fq_store_log(st, PATH1, newest_summary, &summary,
		&err), FQ_OK);
	ck_assert_ptr_nonnull(summary);
	ck_assert_str_eq(summary, "fq-new: " ID1 " 张三与李四排水纠纷");

	ck_assert_msg(fq_case_load(&l, st, sc, ID1, &rel, &err) == FQ_OK, "%s",
		err.msg);
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(rel.buf, PATH1);
	ck_assert(fq_node_equal(l, c));
	fq_node_free(l);

	/* relpath may be NULL. */
	ck_assert_int_eq(fq_case_load(&l, st, sc, ID1, NULL, &err), FQ_OK);
	fq_node_free(l);

	fq_store_free(st);
	fq_node_free(c);
	fq_buf_release(&rel);
	fq_buf_release(&want);
	free(path);
	free(disk);
	free(summary);
}
END_TEST

/* A second save with a change makes a second commit; now NULL keeps
 * updated_at as it is. */
START_TEST(test_case_save_update)
{
	fq_store *st = locked_store();
	struct fq_node *c = basic_case(), *l = NULL;
	struct fq_error err = FQ_ERROR_INIT;
	char *summary = NULL;

	ck_assert_int_eq(fq_case_save(st, sc, c, PATH1, "fq-new", NOW, &err),
		FQ_OK);
	fq_case_add_event(c, "2024-03-08T09:00:00+08:00", "contact", "王五",
		"电话回访");
	fq_map_set_str(c, "title", "排水纠纷（已更名）");
	ck_assert_int_eq(fq_case_save(st, sc, c, PATH1, "fq-note", NULL, &err),
		FQ_OK);
	ck_assert_str_eq(fq_map_str(c, "updated_at"), NOW);
	ck_assert_int_eq(fq_store_log(st, PATH1, newest_summary, &summary,
		&err), FQ_OK);
	ck_assert_str_eq(summary, "fq-note: " ID1 " 排水纠纷（已更名）");
	ck_assert_int_eq(fq_case_load(&l, st, sc, ID1, NULL, &err), FQ_OK);
	ck_assert_uint_eq(fq_map_get(l, "events")->len, 3);
	ck_assert(fq_node_equal(l, c));
	fq_node_free(l);
	fq_node_free(c);
	fq_store_free(st);
	free(summary);
}
END_TEST

START_TEST(test_case_save_invalid)
{
	fq_store *st = locked_store();
	struct fq_node *c = basic_case();
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf rel = FQ_BUF_INIT;
	char *path = fq_test_path(repo, PATH1);

	fq_map_del(c, "title");
	ck_assert_int_eq(fq_case_save(st, sc, c, PATH1, "fq-new", NOW, &err),
		FQ_EINVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "title"));
	ck_assert(!fq_test_exists(path));
	ck_assert_int_eq(fq_store_find(st, ID1, &rel, &err), FQ_ENOTFOUND);
	fq_buf_release(&rel);
	fq_node_free(c);
	fq_store_free(st);
	free(path);
}
END_TEST

START_TEST(test_case_save_needs_lock)
{
	fq_store *st = fq_test_store_new(repo);
	struct fq_node *c = basic_case();
	struct fq_error err = FQ_ERROR_INIT;
	char *path = fq_test_path(repo, PATH1);

	ck_assert_int_ne(fq_case_save(st, sc, c, PATH1, "fq-new", NOW, &err),
		FQ_OK);
	ck_assert(err.msg[0] != '\0');
	ck_assert(!fq_test_exists(path));
	fq_node_free(c);
	fq_store_free(st);
	free(path);
}
END_TEST

static const struct {
	const char *id;
	int code;
} load_missing[] = {
	{ "nope", FQ_EUSAGE },
	{ "", FQ_EUSAGE },
	{ "QSZ-2024-1", FQ_EUSAGE },
	{ "../../etc/passwd", FQ_EUSAGE },
	{ "QSZ-2024-000099", FQ_ENOTFOUND },
	{ "QSZ-2023-000001", FQ_ENOTFOUND },
	{ "ABC-2024-000001", FQ_ENOTFOUND },
};

START_TEST(test_case_load_missing)
{
	fq_store *st = locked_store();
	struct fq_node *c = basic_case(), *l = (struct fq_node *)&st;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf rel = FQ_BUF_INIT;

	ck_assert_int_eq(fq_case_save(st, sc, c, PATH1, "fq-new", NOW, &err),
		FQ_OK);
	ck_assert_int_eq(fq_case_load(&l, st, sc, load_missing[_i].id, &rel,
		&err), load_missing[_i].code);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(rel.len, 0);
	ck_assert(err.msg[0] != '\0');
	fq_buf_release(&rel);
	fq_node_free(c);
	fq_store_free(st);
}
END_TEST

/* Test: a file whose id is not its name
 * Description: cases/2024/03/QSZ-2024-000002.yaml holding case
 * QSZ-2024-000001 is refused with the position of the id. */
START_TEST(test_case_load_id_mismatch)
{
	fq_store *st = locked_store();
	char *text = data_file("valid-basic.yaml");
	struct fq_node *l = (struct fq_node *)&st;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf rel = FQ_BUF_INIT;

	commit_text(st, "cases/2024/03/QSZ-2024-000002.yaml", text);
	ck_assert_int_eq(fq_case_load(&l, st, sc, "QSZ-2024-000002", &rel,
		&err), FQ_EINVALID);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(rel.len, 0);
	ck_assert_str_eq(err.file, "cases/2024/03/QSZ-2024-000002.yaml");
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.column, 5);
	ck_assert_ptr_nonnull(strstr(err.msg, ID1));
	ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));
	fq_buf_release(&rel);
	free(text);
	fq_store_free(st);
}
END_TEST

/* Broken files in the repository: the error says which and where. */
START_TEST(test_case_load_broken)
{
	fq_store *st = locked_store();
	char *text = data_file("valid-basic.yaml");
	struct fq_node *l = NULL;
	struct fq_error err = FQ_ERROR_INIT;
	char *p;

	commit_text(st, "cases/2024/03/QSZ-2024-000003.yaml",
		"id: QSZ-2024-000003\ntitle: [\n");
	ck_assert_int_eq(fq_case_load(&l, st, sc, "QSZ-2024-000003", NULL,
		&err), FQ_EPARSE);
	ck_assert_ptr_null(l);
	ck_assert_str_eq(err.file, "cases/2024/03/QSZ-2024-000003.yaml");
	ck_assert_uint_eq(err.line, 3);

	/* Valid YAML, not a valid case: missing title. */
	commit_text(st, "cases/2024/03/QSZ-2024-000004.yaml",
		"id: QSZ-2024-000004\nstatus: accepted\n");
	ck_assert_int_eq(fq_case_load(&l, st, sc, "QSZ-2024-000004", NULL,
		&err), FQ_EINVALID);
	ck_assert_ptr_null(l);
	ck_assert_str_eq(err.file, "cases/2024/03/QSZ-2024-000004.yaml");
	ck_assert_ptr_nonnull(strstr(err.msg, "missing required field"));

	/* In HEAD but deleted from the working tree. */
	commit_text(st, PATH1, text);
	p = fq_test_path(repo, PATH1);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(fq_case_load(&l, st, sc, ID1, NULL, &err),
		FQ_ENOTFOUND);
	ck_assert_ptr_null(l);

	/* Replaced by a symbolic link: refused, never followed. */
	ck_assert_int_eq(symlink(CASES_DIR "/valid-basic.yaml", p), 0);
	ck_assert_int_lt(fq_case_load(&l, st, sc, ID1, NULL, &err), 0);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	free(p);
	free(text);
	fq_store_free(st);
}
END_TEST

Suite *
fq_case_suite(void)
{
	Suite *s = suite_create("case");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_case_parse_valid, valid_files);
	tcase_add_test(tc, test_case_parse_invalid);
	LOOP(tc, test_case_parse_syntax, syntax);
	tcase_add_test(tc, test_case_parse_not_a_map);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_case_render, valid_files);
	tcase_add_test(tc, test_case_render_canonical);
	LOOP(tc, test_case_render_invalid, bad_trees);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_test(tc, test_case_add_event);
	tcase_add_test(tc, test_case_add_event_optional);
	tcase_add_test(tc, test_case_add_event_new_list);
	LOOP(tc, test_case_is_open, opens);
	LOOP(tc, test_case_message, messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, test_case_save_load);
	tcase_add_test(tc, test_case_save_update);
	tcase_add_test(tc, test_case_save_invalid);
	tcase_add_test(tc, test_case_save_needs_lock);
	LOOP(tc, test_case_load_missing, load_missing);
	tcase_add_test(tc, test_case_load_id_mismatch);
	tcase_add_test(tc, test_case_load_broken);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
