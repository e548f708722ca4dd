/*
 * check_schema.c: the schema files, enumerations, validation and the
 * canonical form (lib/schema.c).
 *
 * Most tests load the real schemas/ of the source tree, so a typo there
 * (an enumeration a field names but no file defines, a duplicated code)
 * fails here.  Broken schema directories are written into a temporary
 * directory.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/node.h"
#include "fq/schema.h"
#include "fixture.h"
#include "internal.h"	/* fq_schema_cached */

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif
#ifndef FQ_TEST_DATA_DIR
#error "FQ_TEST_DATA_DIR must name the source tree's tests/data directory"
#endif
#define CASES_DIR FQ_TEST_DATA_DIR "/cases"

Suite *fq_schema_suite(void);

static fq_schema *sc;
static char *tmp;

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

static struct fq_node *
load_case(const char *name)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, name);
	if (fq_yaml_load(&n, path, &err) != FQ_OK)
		ck_abort_msg("cannot load %s: %u:%u: %s", path, err.line,
			err.column, err.msg);
	return n;
}

static char *
emit_ok(const struct fq_node *n)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_msg(fq_yaml_emit(&b, n, &err) == FQ_OK, "emit: %s", err.msg);
	return fq_buf_detach(&b, NULL);
}

/*
 * Loading the real schemas.
 */

START_TEST(test_schema_load)
{
	const struct fq_record *c = fq_schema_record(sc, "case");
	const struct fq_record *party = fq_schema_record(sc, "party");
	const struct fq_field *f;

	ck_assert_str_eq(fq_schema_dir(sc), FQ_TEST_SCHEMA_DIR);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(party);
	ck_assert_str_eq(c->name, "case");
	ck_assert_ptr_null(fq_schema_record(sc, "no_such_record"));

	/* Fields keep the order of the file. */
	ck_assert_str_eq(c->fields[0].name, "id");
	ck_assert_str_eq(c->fields[1].name, "title");
	ck_assert_str_eq(c->fields[c->n - 1].name, "events");

	f = fq_record_field(c, "title");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->type, FQ_T_STRING);
	ck_assert(f->required);
	ck_assert_int_eq(f->max, 60);
	ck_assert_str_eq(f->label, "纠纷名称");
	ck_assert_uint_gt(f->line, 0);

	f = fq_record_field(c, "status");
	ck_assert_int_eq(f->type, FQ_T_ENUM);
	ck_assert_ptr_eq(f->en, fq_schema_enum(sc, "states"));

	f = fq_record_field(c, "parties");
	ck_assert_int_eq(f->type, FQ_T_LIST);
	ck_assert_int_eq(f->item_type, FQ_T_RECORD);
	ck_assert_ptr_eq(f->rec, party);
	ck_assert(!f->required);

	f = fq_record_field(c, "agreement");
	ck_assert_int_eq(f->type, FQ_T_RECORD);
	ck_assert_ptr_eq(f->rec, fq_schema_record(sc, "agreement"));

	f = fq_record_field(c, "failure_routes_advised");
	ck_assert_int_eq(f->type, FQ_T_LIST);
	ck_assert_int_eq(f->item_type, FQ_T_ENUM);
	ck_assert_ptr_eq(f->en, fq_schema_enum(sc, "failure_routes"));

	f = fq_record_field(party, "phones");
	ck_assert_int_eq(f->type, FQ_T_LIST);
	ck_assert_int_eq(f->item_type, FQ_T_STRING);
	ck_assert_str_eq(f->pii, "phone");
	f = fq_record_field(party, "id_number");
	ck_assert_str_eq(f->pii, "id_number");
	ck_assert_ptr_null(fq_record_field(party, "name")->pii);

	ck_assert_int_eq(fq_record_field(c, "created_at")->type, FQ_T_DATETIME);
	ck_assert_int_eq(fq_record_field(c, "accepted_on")->type, FQ_T_DATE);
	ck_assert_int_eq(fq_record_field(c, "summary")->type, FQ_T_TEXT);
	ck_assert_int_eq(fq_record_field(c, "people_involved")->type, FQ_T_INT);
	ck_assert_int_eq(fq_record_field(c, "amount_in_dispute")->type,
		FQ_T_MONEY);
	ck_assert_int_eq(fq_record_field(c, "id")->type, FQ_T_ID);
	ck_assert_int_eq(fq_record_field(party, "is_minor")->type, FQ_T_BOOL);

	/* Keys YAML 1.1 would read as booleans are field names. */
	ck_assert_ptr_nonnull(fq_record_field(fq_schema_record(sc, "visit"),
		"on"));
	ck_assert_ptr_nonnull(fq_record_field(fq_schema_record(sc, "referral"),
		"n"));

	/* repository.yaml is loaded too. */
	ck_assert_ptr_nonnull(fq_record_field(fq_schema_record(sc, "config"),
		"deadlines"));
	ck_assert_ptr_nonnull(fq_record_field(fq_schema_record(sc,
		"deadlines"), "mediation"));

	ck_assert_ptr_null(fq_record_field(c, "no_such_field"));
	ck_assert_ptr_null(fq_record_field(NULL, "id"));
}
END_TEST

/* Every record the schema files define. */
static const char *const records[] = {
	"case", "party", "event", "agreement", "confirmation", "visit",
	"referral", "extension", "prevention", "docs", "config", "deadlines",
};

/* Test: every field resolves
 * Description: each enum field (or list of enums) points at a loaded
 * enumeration with values, each record field at a record, and every
 * enumeration value has a code and a label. */
START_TEST(test_schema_fields_resolve)
{
	const struct fq_record *r = fq_schema_record(sc, records[_i]);
	size_t i, j;

	ck_assert_msg(r != NULL, "no record %s", records[_i]);
	ck_assert_uint_gt(r->n, 0);
	for (i = 0; i < r->n; i++) {
		const struct fq_field *f = &r->fields[i];
		enum fq_type t = f->type == FQ_T_LIST ? f->item_type : f->type;

		ck_assert_ptr_nonnull(f->name);
		ck_assert_msg(f->label != NULL, "%s.%s: no label", r->name,
			f->name);
		if (t == FQ_T_ENUM) {
			ck_assert_msg(f->en != NULL, "%s.%s: no enumeration",
				r->name, f->name);
			ck_assert_uint_gt(f->en->n, 0);
			ck_assert_ptr_eq(fq_schema_enum(sc, f->en->name), f->en);
			for (j = 0; j < f->en->n; j++) {
				ck_assert_ptr_nonnull(f->en->v[j].code);
				ck_assert(f->en->v[j].code[0] != '\0');
				ck_assert_ptr_nonnull(f->en->v[j].label);
				ck_assert_ptr_eq(fq_enum_code(f->en,
					f->en->v[j].code), &f->en->v[j]);
				/* Every value is found by its label too. */
				ck_assert_ptr_eq(fq_enum_find(f->en,
					f->en->v[j].label), &f->en->v[j]);
			}
		}
		if (t == FQ_T_RECORD)
			ck_assert_msg(f->rec != NULL, "%s.%s: no record",
				r->name, f->name);
		if (f->pii)
			ck_assert_msg(!strcmp(f->pii, "phone") ||
				!strcmp(f->pii, "id_number"), "%s.%s: pii %s",
				r->name, f->name, f->pii);
	}
}
END_TEST

/* Test: every enumeration of the case record resolves
 * Description: a case can be written with every field of the case
 * record that is an enumeration. */
START_TEST(test_schema_case_enums)
{
	const struct fq_record *c = fq_schema_record(sc, "case");
	size_t i, n = 0;

	for (i = 0; i < c->n; i++) {
		const struct fq_field *f = &c->fields[i];

		if (f->type == FQ_T_ENUM ||
		    (f->type == FQ_T_LIST && f->item_type == FQ_T_ENUM)) {
			ck_assert_msg(f->en && f->en->n > 0, "case.%s", f->name);
			n++;
		}
	}
	/* status, outcome, category, source, level, risk_color,
	 * failure_routes_advised, retention, legal_basis at least */
	ck_assert_uint_ge(n, 9);
}
END_TEST

/*
 * Enumerations.
 */

static const struct {
	const char *en;
	const char *input;
	const char *code;	/* NULL: no match */
} finds[] = {
	{ "categories", "neighbor", "neighbor" },		/* code */
	{ "categories", "NEIGHBOR", "neighbor" },		/* any case */
	{ "categories", "Neighbor", "neighbor" },
	{ "categories", "邻里纠纷", "neighbor" },		/* label */
	{ "categories", "邻里", "neighbor" },			/* alias */
	{ "categories", "鄰里糾紛", "neighbor" },		/* traditional */
	{ "categories", "lljf", "neighbor" },			/* pinyin */
	{ "categories", "LLJF", "neighbor" },
	{ "categories", "ljjf", "neighbor" },			/* alias */
	{ "categories", "宅基地", "housing_homestead" },
	{ "categories", "房屋宅基地纠纷", "housing_homestead" },
	{ "categories", "fwzjdjf", "housing_homestead" },
	{ "categories", "housing_homestead", "housing_homestead" },
	{ "categories", "婚姻", "marriage_family" },
	{ "categories", "no_such", NULL },
	{ "categories", "邻", NULL },				/* no prefixes */
	{ "categories", "lljf ", NULL },
	{ "categories", "", NULL },
	{ "states", "已受理", "accepted" },
	{ "states", "ysl", "accepted" },
	{ "states", "受理", "accepted" },
	{ "states", "closed", "closed" },
	{ "states", "销号", "closed" },
	{ "colors", "红", "red" },
	{ "colors", "hong", "red" },
	{ "colors", "RED", "red" },
	{ "sources", "dsrsq", "application" },
	{ "agencies", "派出所", "police_station" },
	{ "party_roles", "申请人", "applicant" },
	{ "outcomes", "调解成功（书面协议）", "mediated_written" },
};

START_TEST(test_schema_enum_find)
{
	const struct fq_enum *e = fq_schema_enum(sc, finds[_i].en);
	const struct fq_enum_value *v;

	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, finds[_i].en);
	v = fq_enum_find(e, finds[_i].input);
	if (!finds[_i].code) {
		ck_assert_msg(v == NULL, "'%s' found %s", finds[_i].input,
			v ? v->code : "");
		return;
	}
	ck_assert_msg(v != NULL, "'%s' not found in %s", finds[_i].input,
		finds[_i].en);
	ck_assert_str_eq(v->code, finds[_i].code);
}
END_TEST

START_TEST(test_schema_enum_code)
{
	const struct fq_enum *e = fq_schema_enum(sc, "categories");

	ck_assert_str_eq(fq_enum_code(e, "neighbor")->code, "neighbor");
	/* Only the exact code. */
	ck_assert_ptr_null(fq_enum_code(e, "NEIGHBOR"));
	ck_assert_ptr_null(fq_enum_code(e, "邻里纠纷"));
	ck_assert_ptr_null(fq_enum_code(e, "lljf"));
	ck_assert_ptr_null(fq_enum_code(e, NULL));
	ck_assert_ptr_null(fq_enum_code(NULL, "neighbor"));
	ck_assert_ptr_null(fq_enum_find(NULL, "neighbor"));
	ck_assert_ptr_null(fq_enum_find(e, NULL));
	ck_assert_ptr_null(fq_schema_enum(sc, "no_such_enum"));
}
END_TEST

START_TEST(test_schema_enum_label)
{
	const struct fq_enum *e = fq_schema_enum(sc, "categories");
	const char *unknown = "no_such_code";

	ck_assert_str_eq(e->label, "纠纷类别");
	ck_assert_str_eq(fq_enum_label(e, "neighbor"), "邻里纠纷");
	ck_assert_str_eq(fq_enum_label(e, "housing_homestead"),
		"房屋宅基地纠纷");
	/* Unknown codes come back as they are. */
	ck_assert_ptr_eq(fq_enum_label(e, unknown), unknown);
	ck_assert_str_eq(fq_enum_label(NULL, "x"), "x");
	ck_assert_str_eq(fq_schema_label(sc, "states", "closed"), "已结案");
	ck_assert_str_eq(fq_schema_label(sc, "colors", "red"), "红");
	ck_assert_str_eq(fq_schema_label(sc, "no_such_enum", "x"), "x");
	ck_assert_str_eq(fq_schema_label(sc, "states", "x"), "x");
}
END_TEST

START_TEST(test_schema_enum_extra)
{
	const struct fq_enum *e = fq_schema_enum(sc, "states");

	ck_assert_str_eq(fq_enum_extra(fq_enum_code(e, "accepted"), "open"),
		"true");
	ck_assert_str_eq(fq_enum_extra(fq_enum_code(e, "closed"), "open"),
		"false");
	ck_assert_str_eq(fq_enum_extra(fq_enum_code(e, "closed"), "pinyin"),
		"yja");
	ck_assert_ptr_null(fq_enum_extra(fq_enum_code(e, "closed"), "nope"));
	ck_assert_ptr_null(fq_enum_extra(NULL, "open"));
	/* Aliases are read as a list. */
	ck_assert_uint_ge(fq_enum_code(e, "closed")->naliases, 2);
	ck_assert_str_eq(fq_enum_code(e, "closed")->pinyin, "yja");
}
END_TEST

/*
 * Validation.
 */

static const char *const valid_cases[] = {
	"valid-basic.yaml",
	"valid-full.yaml",
};

START_TEST(test_schema_validate_valid)
{
	struct fq_node *c = load_case(valid_cases[_i]);
	struct fq_diags d = FQ_DIAGS_INIT;
	size_t n = fq_schema_validate(sc, "case", c, valid_cases[_i], &d);

	ck_assert_msg(n == 0, "%s: %zu problems, first %u:%u: %s",
		valid_cases[_i], n, d.n ? d.v[0].line : 0,
		d.n ? d.v[0].column : 0, d.n ? d.v[0].msg : "");
	ck_assert_uint_eq(d.n, 0);
	fq_diags_release(&d);
	fq_node_free(c);
}
END_TEST

/* Test: every problem of a file, in order, where it is
 * Description: tests/data/cases/invalid-types.yaml has one problem of
 * each kind; validation reports all of them (not just the first) with
 * the line and column of the offending value or key.  Missing required
 * fields point at their mapping. */
static const struct {
	unsigned line, column;
	const char *msg;
} invalid_diags[] = {
	{ 1, 5, "id: 'QSZ-24-1' is not a case ID" },
	{ 2, 8, "title: must be one line" },
	{ 4, 11, "category: unknown categories 'no_such_category'" },
	{ 5, 9, "source: unknown sources '当事人申请' (write the code "
	  "'application')" },
	{ 6, 14, "reported_on: '2023-02-29' is not a date" },
	{ 9, 18, "people_involved: '12a' is not a whole number" },
	{ 10, 20, "amount_in_dispute: '1.234' is not an amount" },
	{ 11, 12, "mediators: expected a list" },
	{ 12, 12, "agreement: expected a mapping" },
	{ 13, 1, "unknown field 'colour'" },
	{ 16, 16, "parties[1].name_masked: 'yes' is not true or false" },
	{ 17, 9, "parties[1].name: longer than 100 characters" },
	{ 21, 12, "parties[2].phones[1]: expected a line of text" },
	{ 20, 3, "parties[2]: missing required field 'name'" },
	{ 22, 13, "created_at: '2024-03-05T09:00:00' is not a time" },
	{ 1, 1, "missing required field 'risk_color'" },
};

START_TEST(test_schema_validate_invalid)
{
	struct fq_node *c = load_case("invalid-types.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;
	size_t i, n;

	fq_diags_add(&d, "earlier.yaml", 1, 1, "an earlier problem");
	n = fq_schema_validate(sc, "case", c, "invalid-types.yaml", &d);
	ck_assert_uint_eq(n, sizeof(invalid_diags) / sizeof(invalid_diags[0]));
	ck_assert_uint_eq(d.n, n + 1);		/* appended */
	ck_assert_str_eq(d.v[0].msg, "an earlier problem");
	for (i = 0; i < n; i++) {
		const struct fq_diag *x = &d.v[i + 1];

		ck_assert_str_eq(x->file, "invalid-types.yaml");
		ck_assert_msg(strstr(x->msg, invalid_diags[i].msg) != NULL,
			"problem %zu: '%s', want '%s'", i + 1, x->msg,
			invalid_diags[i].msg);
		ck_assert_msg(x->line == invalid_diags[i].line &&
			x->column == invalid_diags[i].column,
			"problem %zu (%s) at %u:%u, want %u:%u", i + 1, x->msg,
			x->line, x->column, invalid_diags[i].line,
			invalid_diags[i].column);
	}
	fq_diags_release(&d);
	fq_node_free(c);
}
END_TEST

/* Test: one wrong value of each type
 * Description: valid-basic.yaml with one key replaced by a bad value
 * gives exactly one problem, which names the field. */
static const struct {
	const char *key;
	const char *yaml;	/* the new value; NULL: delete the key */
	const char *msg;
} wrong[] = {
	{ "id", "QSZ-24-1", "id: 'QSZ-24-1' is not a case ID" },
	{ "id", "qsz-2024-000001", "is not a case ID" },
	{ "title", "\"a\\nb\"", "title: must be one line" },
	{ "title", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
	  "title: longer than 60 characters" },
	{ "title", "[a]", "title: expected a line of text" },
	{ "summary", "{a: b}", "summary: expected text" },
	{ "accepted_on", "2023-02-29", "accepted_on: '2023-02-29' is not a date" },
	{ "accepted_on", "2024-3-5", "is not a date" },
	{ "created_at", "2024-03-05T09:00:00", "created_at: '2024-03-05T09:00:00' "
	  "is not a time" },
	{ "created_at", "2024-03-05 09:00:00+08:00", "is not a time" },
	{ "people_involved", "12a", "people_involved: '12a' is not a whole "
	  "number" },
	{ "people_involved", "1.5", "is not a whole number" },
	{ "amount_in_dispute", "1.234", "amount_in_dispute: '1.234' is not an "
	  "amount" },
	{ "amount_in_dispute", "-5", "is not an amount" },
	{ "status", "open", "status: unknown states 'open'" },
	{ "status", "已受理", "(write the code 'accepted')" },
	{ "mediators", "王五", "mediators: expected a list" },
	{ "mediators", "[[王五]]", "mediators[1]: expected a line of text" },
	{ "agreement", "书面", "agreement: expected a mapping" },
	{ "agreement", "{form: written}", "agreement: missing required field "
	  "'effective_on'" },
	{ "parties", "[{role: applicant, name: x, name_masked: yes}]",
	  "parties[1].name_masked: 'yes' is not true or false" },
	{ "parties", "[{role: applicant}]", "parties[1]: missing required field "
	  "'name'" },
	{ "parties", "[x]", "parties[1]: expected a mapping" },
	{ "events", "[{kind: intake}]", "events[1]: missing required field 'at'" },
	{ "docs", "{application: 1}", "docs.application: '1' is not true or "
	  "false" },
	{ "docs", "{nope: true}", "docs: unknown field 'nope'" },
	{ "failure_routes_advised", "[litigation, court]",
	  "failure_routes_advised[2]: unknown failure_routes 'court'" },
	{ "colour", "red", "unknown field 'colour'" },
	{ "title", NULL, "missing required field 'title'" },
	{ "events", NULL, "missing required field 'events'" },
	{ "title", "''", "missing required field 'title'" },
	{ "title", "~", "missing required field 'title'" },
};

START_TEST(test_schema_validate_wrong)
{
	struct fq_node *c = load_case("valid-basic.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;
	size_t n;

	if (wrong[_i].yaml)
		fq_map_set(c, wrong[_i].key, fq_test_parse(wrong[_i].yaml));
	else
		ck_assert(fq_map_del(c, wrong[_i].key));
	n = fq_schema_validate(sc, "case", c, "x.yaml", &d);
	ck_assert_msg(n == 1 && d.n == 1, "%s: %zu problems, first '%s'",
		wrong[_i].key, n, d.n ? d.v[0].msg : "");
	ck_assert_msg(strstr(d.v[0].msg, wrong[_i].msg) != NULL,
		"'%s', want '%s'", d.v[0].msg, wrong[_i].msg);
	fq_diags_release(&d);
	fq_node_free(c);
}
END_TEST

/* A null optional value is no problem; empty text is fine for a
 * required text field. */
START_TEST(test_schema_validate_nulls)
{
	struct fq_node *c = load_case("valid-basic.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;

	fq_map_set(c, "outcome", fq_node_new(FQ_NODE_NULL));
	fq_map_set(c, "agreement", fq_node_new(FQ_NODE_NULL));
	fq_map_set(c, "summary", fq_node_text(""));
	ck_assert_uint_eq(fq_schema_validate(sc, "case", c, "x.yaml", &d), 0);
	ck_assert_uint_eq(d.n, 0);
	fq_node_free(c);
}
END_TEST

START_TEST(test_schema_validate_other_records)
{
	struct fq_node *conf = fq_test_parse(
		"unit: QSZ\nname: 青山镇人民调解委员会\nlevel: township\n"
		"deadlines:\n  mediation: 30 days\n");
	struct fq_node *notmap = fq_test_parse("- a\n");
	struct fq_diags d = FQ_DIAGS_INIT;

	ck_assert_uint_eq(fq_schema_validate(sc, "config", conf, "fq.yaml", &d),
		0);
	fq_map_set_str(conf, "level", "city");
	ck_assert_uint_eq(fq_schema_validate(sc, "config", conf, "fq.yaml", &d),
		1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "unknown levels 'city'"));
	fq_diags_release(&d);

	ck_assert_uint_eq(fq_schema_validate(sc, "case", notmap, "x.yaml", &d),
		1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "expected a mapping"));
	fq_diags_release(&d);

	ck_assert_uint_eq(fq_schema_validate(sc, "no_such_record", conf,
		"x.yaml", &d), 1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "no_such_record"));
	fq_diags_release(&d);
	fq_node_free(conf);
	fq_node_free(notmap);
}
END_TEST

/*
 * Canonical form.
 */

/* Test: canonical form
 * Description: keys in schema order at every level, unknown keys last in
 * their order, null and empty optional values dropped (required ones
 * kept), and scalars quoted by type: an int written as '52' loses its
 * quotes, a phone keeps them. */
START_TEST(test_schema_canonicalize)
{
	static const char in[] =
		"zzz: 1\n"
		"events:\n"
		"- kind: intake\n"
		"  at: 2024-03-05T09:30:00+08:00\n"
		"  note: ''\n"
		"title: \"测试\"\n"
		"id: QSZ-2024-000001\n"
		"subcategory: ''\n"
		"claims: []\n"
		"outcome: ~\n"
		"parties:\n"
		"- name: 张三\n"
		"  phones: [\"13800000001\", 13900000002]\n"
		"  role: applicant\n"
		"  age: '52'\n"
		"  extra: x\n"
		"status: accepted\n"
		"summary: ''\n"
		"people_involved: \"3\"\n"
		"aaa: 2\n"
		"\"on\": 3\n"
		"created_at: 2024-03-05T09:30:00+08:00\n"
		"updated_at: 2024-03-05T09:30:00+08:00\n"
		"risk_color: blue\n"
		"category: neighbor\n"
		"source: application\n";
	static const char want[] =
		"id: QSZ-2024-000001\n"
		"title: 测试\n"
		"status: accepted\n"
		"category: neighbor\n"
		"source: application\n"
		"summary: \"\"\n"
		"parties:\n"
		"- role: applicant\n"
		"  name: 张三\n"
		"  age: 52\n"
		"  phones:\n"
		"  - \"13800000001\"\n"
		"  - \"13900000002\"\n"
		"  extra: x\n"
		"people_involved: 3\n"
		"risk_color: blue\n"
		"created_at: 2024-03-05T09:30:00+08:00\n"
		"updated_at: 2024-03-05T09:30:00+08:00\n"
		"events:\n"
		"- at: 2024-03-05T09:30:00+08:00\n"
		"  kind: intake\n"
		"zzz: 1\n"
		"aaa: 2\n"
		"\"on\": 3\n";
	struct fq_node *c = fq_test_parse(in), *again;
	char *out, *out2;

	fq_schema_canonicalize(sc, "case", c);
	out = emit_ok(c);
	ck_assert_str_eq(out, want);

	/* Idempotent, and stable through a round trip. */
	fq_schema_canonicalize(sc, "case", c);
	out2 = emit_ok(c);
	ck_assert_str_eq(out2, want);
	free(out2);
	again = fq_test_parse(out);
	fq_schema_canonicalize(sc, "case", again);
	out2 = emit_ok(again);
	ck_assert_str_eq(out2, want);
	free(out2);
	fq_node_free(again);
	free(out);
	fq_node_free(c);
}
END_TEST

/* Test: a mapping of more keys than the canonical form's stack holds
 * (64): the schema's fields first, in its order, then the rest as they
 * came, as for a small one. */
START_TEST(test_schema_canonicalize_many_keys)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP);
	struct fq_buf want = FQ_BUF_INIT;
	char k[32];
	char *out;
	int i;

	for (i = 0; i < 70; i++) {
		snprintf(k, sizeof(k), "x%02d", 69 - i);
		fq_map_set(c, k, fq_node_scalar("1"));
		if (i == 10)
			fq_map_set(c, "title", fq_node_text("t"));
		if (i == 50)
			fq_map_set(c, "id", fq_node_scalar("QSZ-2024-000001"));
	}
	fq_schema_canonicalize(sc, "case", c);
	out = emit_ok(c);
	fq_buf_adds(&want, "id: QSZ-2024-000001\ntitle: t\n");
	for (i = 0; i < 70; i++)
		fq_buf_addf(&want, "x%02d: 1\n", 69 - i);
	ck_assert_str_eq(out, want.buf);
	free(out);
	fq_buf_release(&want);
	fq_node_free(c);
}
END_TEST

/* Test: fq_record_field_next finds what fq_record_field finds, for every
 * field of every record, whatever the cursor (before, at, after the
 * field, past the end), and leaves the cursor after it; a name no record
 * has is not found and the cursor stays. */
START_TEST(test_schema_field_next)
{
	size_t i, j, at, start;

	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		const struct fq_record *r = fq_schema_record(sc, records[i]);

		ck_assert_ptr_nonnull(r);
		for (j = 0; j < r->n; j++)
			for (start = 0; start <= r->n + 2; start++) {
				const char *name = r->fields[j].name;

				at = start;
				ck_assert_ptr_eq(fq_record_field_next(r, name,
					&at), fq_record_field(r, name));
				ck_assert_uint_eq(at, j + 1);
			}
		/* in the schema's order, then backwards, with one cursor */
		at = 0;
		for (j = 0; j < r->n; j++)
			ck_assert_ptr_eq(fq_record_field_next(r,
				r->fields[j].name, &at), &r->fields[j]);
		for (j = r->n; j-- > 0;)
			ck_assert_ptr_eq(fq_record_field_next(r,
				r->fields[j].name, &at), &r->fields[j]);
		at = 1;
		ck_assert_ptr_null(fq_record_field_next(r, "no_such_field",
			&at));
		ck_assert_ptr_null(fq_record_field_next(r, "", &at));
		ck_assert_uint_eq(at, 1);
	}
	at = 0;
	ck_assert_ptr_null(fq_record_field_next(NULL, "id", &at));
}
END_TEST

/* Test: a text value's problems in the order they are told, the first
 * one only: bad UTF-8, then a control character (the first), then a
 * second line (strings), then the length in characters. */
static const struct {
	const char *key, *val, *msg;	/* msg NULL: no problem */
} texts[] = {
	{ "title", "a\tb", NULL },
	{ "title", "a\nb", "title: must be one line" },
	{ "title", "a\nb\x01", "title: control character U+0001" },
	{ "title", "a\x7f\x02", "title: control character U+007F" },
	{ "title", "a\xc2\x85" "b", "title: control character U+0085" },
	{ "title", "a\xc2\xa0" "b\xc2\x9f", "title: control character U+009F" },
	{ "title", "\x01\xe4\xb8", "title: not valid UTF-8" },
	{ "title", "\xc0\x80", "title: not valid UTF-8" },
	/* three-byte characters: E1..EC always well formed, E0 and ED not */
	{ "title", "\xe1\x80\x80\xec\xbf\xbf\xee\x80\x80", NULL },
	{ "title", "\xe0\x80\x80", "title: not valid UTF-8" },
	{ "title", "\xe0\xa0\x80", NULL },
	{ "title", "\xed\xa0\x80", "title: not valid UTF-8" },
	{ "title", "\xed\x9f\xbf", NULL },
	{ "title", "\xe4\xb8\x41", "title: not valid UTF-8" },
	{ "title", "a\xe4", "title: not valid UTF-8" },
	{ "summary", "a\nb\n", NULL },
	{ "summary", "a\x1b[31m", "summary: control character U+001B" },
};

START_TEST(test_schema_validate_text)
{
	struct fq_node *c = load_case("valid-basic.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;
	size_t n;

	fq_map_set(c, texts[_i].key, fq_node_text(texts[_i].val));
	n = fq_schema_validate(sc, "case", c, "x.yaml", &d);
	if (!texts[_i].msg) {
		ck_assert_msg(n == 0 && d.n == 0, "%zu: %zu problems, first "
			"'%s'", (size_t)_i, n, d.n ? d.v[0].msg : "");
	} else {
		ck_assert_msg(n == 1 && d.n == 1, "%zu: %zu problems",
			(size_t)_i, n);
		ck_assert_msg(strstr(d.v[0].msg, texts[_i].msg) != NULL,
			"'%s', want '%s'", d.v[0].msg, texts[_i].msg);
	}
	fq_diags_release(&d);
	fq_node_free(c);
}
END_TEST

/* Test: the length limit counts characters, not bytes: 60 two-byte
 * letters are a title, 61 are not. */
START_TEST(test_schema_validate_length)
{
	struct fq_node *c = load_case("valid-basic.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_buf t = FQ_BUF_INIT;
	int i;

	for (i = 0; i < 60; i++)
		fq_buf_adds(&t, "\xc3\xa9");
	fq_map_set(c, "title", fq_node_text(t.buf));
	ck_assert_uint_eq(fq_schema_validate(sc, "case", c, "x.yaml", &d), 0);
	fq_buf_adds(&t, "\xc3\xa9");
	fq_map_set(c, "title", fq_node_text(t.buf));
	ck_assert_uint_eq(fq_schema_validate(sc, "case", c, "x.yaml", &d), 1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "title: longer than 60 "
		"characters"));
	fq_buf_release(&t);
	fq_diags_release(&d);
	fq_node_free(c);
}
END_TEST

/* Test: the place of a list item counts from 1 in decimal, however
 * many digits (the path is formatted by hand, not by snprintf). */
START_TEST(test_schema_validate_item_where)
{
	static const size_t at[] = { 1, 9, 10, 12, 100, 1234 };
	struct fq_node *c = load_case("valid-basic.yaml");
	struct fq_diags d = FQ_DIAGS_INIT;
	char want[64];
	size_t i, j;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct fq_node *m = fq_node_new(FQ_NODE_SEQ);

		for (j = 1; j < at[i]; j++)
			fq_seq_push(m, fq_node_text("王五"));
		fq_seq_push(m, fq_node_new(FQ_NODE_SEQ));
		fq_map_set(c, "mediators", m);
		ck_assert_uint_eq(fq_schema_validate(sc, "case", c, "x.yaml",
			&d), 1);
		snprintf(want, sizeof(want), "mediators[%zu]: expected a line "
			"of text", at[i]);
		ck_assert_str_eq(d.v[0].msg, want);
		fq_diags_release(&d);
	}
	fq_node_free(c);
}
END_TEST

/* The canonical files in tests/data are fixed points. */
START_TEST(test_schema_canonicalize_fixed_point)
{
	struct fq_node *c = load_case(valid_cases[_i]);
	char *want, *out, path[512];

	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, valid_cases[_i]);
	want = fq_test_read_file(path);
	ck_assert_ptr_nonnull(want);
	fq_schema_canonicalize(sc, "case", c);
	out = emit_ok(c);
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
	fq_node_free(c);
}
END_TEST

/* Built trees: text fields become text whatever the constructor, typed
 * fields plain, so the writer quotes the same way every time. */
START_TEST(test_schema_canonicalize_quoting)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP);
	char *out;

	fq_map_set(c, "households_involved", fq_node_text("2"));
	fq_map_set(c, "title", fq_node_scalar("true"));
	fq_map_set(c, "id", fq_node_scalar("QSZ-2024-000001"));
	fq_map_set(c, "accepted_on", fq_node_text("2024-03-05"));
	fq_map_set(c, "amount_in_dispute", fq_node_text("800.50"));
	fq_map_set(c, "docket_no", fq_node_scalar("2024"));
	fq_schema_canonicalize(sc, "case", c);
	out = emit_ok(c);
	ck_assert_str_eq(out,
		"id: QSZ-2024-000001\n"
		"title: \"true\"\n"
		"accepted_on: 2024-03-05\n"
		"households_involved: 2\n"
		"amount_in_dispute: 800.50\n"
		"docket_no: \"2024\"\n");
	free(out);
	fq_node_free(c);
}
END_TEST

/*
 * Value checks.
 */

static const struct {
	const char *s;
	bool ok;
} dates[] = {
	{ "2024-03-05", true }, { "2024-02-29", true }, { "2000-02-29", true },
	{ "1900-01-01", true }, { "2024-12-31", true }, { "2024-01-31", true },
	{ "2023-02-29", false }, { "1900-02-29", false }, { "2024-13-01", false },
	{ "2024-00-01", false }, { "2024-01-00", false }, { "2024-04-31", false },
	{ "2024-1-5", false }, { "2024-01-5", false }, { "24-01-05", false },
	{ "2024-01-05x", false }, { " 2024-01-05", false }, { "", false },
	{ "2024/01/05", false }, { "2024-01-05T00:00", false },
	{ "abcd-ef-gh", false }, { "２０２４-01-05", false },
};

START_TEST(test_schema_valid_date)
{
	ck_assert_msg(fq_valid_date(dates[_i].s) == dates[_i].ok, "'%s'",
		dates[_i].s);
}
END_TEST

static const struct {
	const char *s;
	bool ok;
} datetimes[] = {
	{ "2024-03-05T09:00:00+08:00", true },
	{ "2024-03-05T09:00:00Z", true },
	{ "2024-03-05T23:59:59-05:00", true },
	{ "2024-03-05T09:00:00.123+08:00", true },
	{ "2024-02-29T00:00:00+00:00", true },
	{ "2024-03-05T09:00:00", false },		/* no offset */
	{ "2024-03-05T09:00+08:00", false },
	{ "2024-03-05 09:00:00+08:00", false },
	{ "2024-03-05T24:00:00+08:00", false },
	{ "2024-03-05T09:60:00+08:00", false },
	{ "2024-03-05T09:00:00+0800", false },
	{ "2024-03-05T09:00:00+08", false },
	{ "2024-03-05T09:00:00.+08:00", false },
	{ "2024-03-05T09:00:00+08:00x", false },
	{ "2023-02-29T09:00:00+08:00", false },
	{ "2024-03-05", false },
	{ "", false },
};

START_TEST(test_schema_valid_datetime)
{
	ck_assert_msg(fq_valid_datetime(datetimes[_i].s) == datetimes[_i].ok,
		"'%s'", datetimes[_i].s);
}
END_TEST

static const struct {
	const char *s;
	bool ok;
} ints[] = {
	{ "0", true }, { "12", true }, { "-3", true }, { "123456789", true },
	{ "", false }, { "-", false }, { "12a", false }, { "1.0", false },
	{ "+1", false }, { " 1", false }, { "1 ", false }, { "1e3", false },
	{ "１２", false }, { "0x10", false },
};

START_TEST(test_schema_valid_int)
{
	ck_assert_msg(fq_valid_int(ints[_i].s) == ints[_i].ok, "'%s'",
		ints[_i].s);
}
END_TEST

static const struct {
	const char *s;
	bool ok;
} moneys[] = {
	{ "0", true }, { "8000", true }, { "8000.5", true }, { "8000.50", true },
	{ "0.01", true },
	{ "1.234", false }, { "", false }, { ".5", false }, { "5.", false },
	{ "-1", false }, { "1,000", false }, { "1e3", false }, { "１２", false },
	{ "12.3.4", false }, { "12a", false }, { " 12", false }, { "¥12", false },
};

START_TEST(test_schema_valid_money)
{
	ck_assert_msg(fq_valid_money(moneys[_i].s) == moneys[_i].ok, "'%s'",
		moneys[_i].s);
}
END_TEST

static const struct {
	const char *s;
	bool valid;
	size_t chars;
} utf8s[] = {
	{ "", true, 0 },
	{ "abc", true, 3 },
	{ "中文", true, 2 },
	{ "é", true, 1 },
	{ "😀", true, 1 },
	{ "吉𠮷", true, 2 },
	/* Every byte that is not part of a valid character counts one. */
	{ "a\xff" "b", false, 3 },
	{ "a\x80" "b", false, 3 },		/* stray continuation byte */
	{ "\xc3", false, 1 },			/* cut short */
	{ "\xe4\xb8", false, 2 },
	{ "\xe4\xb8x", false, 3 },
	{ "x\xe4\xb8\xad\xb8", false, 3 },	/* 中 and a stray byte */
	{ "\xed\xa0\x80", false, 3 },		/* surrogate */
	{ "\xf4\x90\x80\x80", false, 4 },	/* above U+10FFFF */
	{ "\xc0\xaf", false, 2 },		/* overlong '/' */
	{ "\xe0\x80\xaf", false, 3 },		/* overlong '/' */
	{ "\xf0\x80\x80\xaf", false, 4 },	/* overlong '/' */
	{ "\xf8\x88\x80\x80\x80", false, 5 },	/* 5-byte form */
};

START_TEST(test_schema_valid_utf8)
{
	ck_assert_msg(fq_utf8_valid(utf8s[_i].s) == utf8s[_i].valid,
		"table entry %d", _i);
	ck_assert_msg(fq_utf8_chars(utf8s[_i].s) == utf8s[_i].chars,
		"table entry %d: %zu characters, want %zu", _i,
		fq_utf8_chars(utf8s[_i].s), utf8s[_i].chars);
}
END_TEST

/*
 * Broken schema directories.
 */

#define MIN_CASE \
	"records:\n" \
	"  case:\n" \
	"    id: {type: id, required: true}\n" \
	"    status: {type: enum, enum: states}\n"
#define MIN_STATES \
	"enum: states\n" \
	"values:\n" \
	"  - code: open\n" \
	"    label: 开\n"

/* Write a schema directory: case.yaml (NULL: none), enums/ (unless
 * no_enums) with states.yaml and one more enumeration file. */
static void
write_schema(const char *case_yaml, const char *repo_yaml,
	const char *states_yaml, const char *extra_name,
	const char *extra_yaml, bool no_enums)
{
	char *p;

	if (case_yaml) {
		p = fq_test_path(tmp, "case.yaml");
		fq_test_write_file(p, case_yaml);
		free(p);
	}
	if (repo_yaml) {
		p = fq_test_path(tmp, "repository.yaml");
		fq_test_write_file(p, repo_yaml);
		free(p);
	}
	if (no_enums)
		return;
	p = fq_test_path(tmp, "enums");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	if (states_yaml) {
		p = fq_test_path(tmp, "enums/states.yaml");
		fq_test_write_file(p, states_yaml);
		free(p);
	}
	if (extra_name) {
		char rel[128];

		snprintf(rel, sizeof(rel), "enums/%s", extra_name);
		p = fq_test_path(tmp, rel);
		fq_test_write_file(p, extra_yaml);
		free(p);
	}
}

START_TEST(test_schema_minimal)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_schema *s = NULL;
	const struct fq_record *c;

	write_schema(MIN_CASE, NULL, MIN_STATES, "README.md", "not an enum",
		false);
	ck_assert_msg(fq_schema_load(&s, tmp, &err) == FQ_OK, "%s:%u: %s",
		err.file, err.line, err.msg);
	c = fq_schema_record(s, "case");
	ck_assert_uint_eq(c->n, 2);
	ck_assert_str_eq(fq_enum_label(fq_record_field(c, "status")->en,
		"open"), "开");
	ck_assert_ptr_null(fq_schema_record(s, "config"));
	fq_schema_free(s);
}
END_TEST

/* Test: broken schema directories
 * Description: each is refused with the documented code; errors in a
 * file name it and give the line of the broken definition. */
static const struct {
	const char *what;
	const char *case_yaml;		/* NULL: no case.yaml */
	const char *repo_yaml;
	const char *states_yaml;
	const char *extra_name, *extra_yaml;
	bool no_enums;
	int code;
	const char *file;		/* suffix of err.file, or NULL */
	unsigned line;			/* 0: not checked */
	const char *msg;
} broken[] = {
	{ "no case.yaml", NULL, NULL, MIN_STATES, NULL, NULL, false,
	  FQ_ENOTFOUND, "/case.yaml", 0, "" },
	{ "unknown field type", MIN_CASE "    foo: {type: widget}\n", NULL,
	  MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "widget" },
	{ "unknown list item type", MIN_CASE
	  "    foo: {type: list, items: widget}\n", NULL, MIN_STATES, NULL,
	  NULL, false, FQ_EINVALID, "/case.yaml", 5, "widget" },
	{ "field without type", MIN_CASE "    foo: {label: x}\n", NULL,
	  MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "foo" },
	{ "field that is not a mapping", MIN_CASE "    foo: string\n", NULL,
	  MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "foo" },
	{ "list without items", MIN_CASE "    foo: {type: list}\n", NULL,
	  MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "items" },
	{ "enum field without enum", MIN_CASE "    foo: {type: enum}\n", NULL,
	  MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "foo" },
	{ "unknown enumeration", MIN_CASE "    foo: {type: enum, enum: nope}\n",
	  NULL, MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 5, "nope" },
	{ "no records", "schema: case\n", NULL, MIN_STATES, NULL, NULL, false,
	  FQ_EINVALID, "/case.yaml", 1, "records" },
	{ "record not a mapping", "records:\n  case: x\n", NULL, MIN_STATES,
	  NULL, NULL, false, FQ_EINVALID, "/case.yaml", 2, "case" },
	{ "no case record", "records:\n  other:\n    a: {type: string}\n",
	  NULL, MIN_STATES, NULL, NULL, false, FQ_EINVALID, NULL, 0, "case" },
	{ "case.yaml syntax", "records:\n  case: [\n", NULL, MIN_STATES, NULL,
	  NULL, false, FQ_EPARSE, "/case.yaml", 3, "" },
	{ "case.yaml duplicate field", MIN_CASE "    id: {type: string}\n",
	  NULL, MIN_STATES, NULL, NULL, false,
	  FQ_EPARSE, "/case.yaml", 5, "duplicate" },
	{ "enum without values", MIN_CASE, NULL, "enum: states\nlabel: 状态\n",
	  NULL, NULL, false, FQ_EINVALID, "/states.yaml", 1, "values" },
	{ "enum values not a list", MIN_CASE, NULL,
	  "enum: states\nvalues: open\n", NULL, NULL, false,
	  FQ_EINVALID, "/states.yaml", 1, "values" },
	{ "enum without a name", MIN_CASE, NULL,
	  "values:\n  - {code: a, label: A}\n", NULL, NULL, false,
	  FQ_EINVALID, "/states.yaml", 1, "enum" },
	{ "value without label", MIN_CASE, NULL,
	  "enum: states\nvalues:\n  - code: open\n  - code: shut\n"
	  "    pinyin: x\n", NULL, NULL, false,
	  FQ_EINVALID, "/states.yaml", 3, "label" },
	{ "value without code", MIN_CASE, NULL,
	  MIN_STATES "  - label: 关\n", NULL, NULL, false,
	  FQ_EINVALID, "/states.yaml", 5, "code" },
	{ "duplicate code", MIN_CASE, NULL,
	  MIN_STATES "  - code: open\n    label: 又开\n", NULL, NULL, false,
	  FQ_EINVALID, "/states.yaml", 5, "open" },
	{ "enumeration defined twice", MIN_CASE, NULL, MIN_STATES,
	  "states2.yaml", MIN_STATES, false,
	  FQ_EINVALID, "/states2.yaml", 1, "twice" },
	{ "enum file syntax", MIN_CASE, NULL, MIN_STATES, "x.yaml",
	  "enum: x\nvalues: [\n", false, FQ_EPARSE, "/x.yaml", 3, "" },
	{ "no enums directory", MIN_CASE, NULL, NULL, NULL, NULL, true,
	  FQ_ENOTFOUND, "/enums", 0, "" },
	{ "repository.yaml unknown type", MIN_CASE,
	  "records:\n  config:\n    unit: {type: widget}\n", MIN_STATES, NULL,
	  NULL, false, FQ_EINVALID, "/repository.yaml", 3, "widget" },
};

START_TEST(test_schema_broken)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_schema *s = (fq_schema *)&err;	/* must be reset */
	int r;

	write_schema(broken[_i].case_yaml, broken[_i].repo_yaml,
		broken[_i].states_yaml, broken[_i].extra_name,
		broken[_i].extra_yaml, broken[_i].no_enums);
	r = fq_schema_load(&s, tmp, &err);
	ck_assert_msg(r == broken[_i].code, "%s: returned %d (%s), want %d",
		broken[_i].what, r, err.msg, broken[_i].code);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(err.code, broken[_i].code);
	ck_assert(err.msg[0] != '\0');
	ck_assert_msg(strstr(err.msg, broken[_i].msg) != NULL,
		"%s: message '%s' lacks '%s'", broken[_i].what, err.msg,
		broken[_i].msg);
	if (broken[_i].file) {
		size_t fl = strlen(err.file), sl = strlen(broken[_i].file);

		ck_assert_msg(fl >= sl && !strcmp(err.file + fl - sl,
			broken[_i].file), "%s: file '%s', want *%s",
			broken[_i].what, err.file, broken[_i].file);
	}
	if (broken[_i].line)
		ck_assert_msg(err.line == broken[_i].line,
			"%s: line %u, want %u (%s)", broken[_i].what, err.line,
			broken[_i].line, err.msg);
}
END_TEST

/*
 * The compiled schema's cache ($XDG_CACHE_HOME/fq/schema): a second load
 * takes the trees from it and gives the very same schema (labels, lines,
 * enumeration entries node for node); an edit of the files of the same
 * length with the old time stamps, a new file, a damaged or truncated
 * cache, FQ_SCHEMA_CACHE=0: each is the files' schema, never the cache's.
 */
static void
same_enum(const struct fq_enum *a, const struct fq_enum *b)
{
	size_t i, j;

	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->label, b->label);
	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct fq_enum_value *x = &a->v[i], *y = &b->v[i];

		ck_assert_str_eq(x->code, y->code);
		ck_assert_str_eq(x->label, y->label);
		ck_assert_int_eq(!x->pinyin, !y->pinyin);
		if (x->pinyin)
			ck_assert_str_eq(x->pinyin, y->pinyin);
		ck_assert_uint_eq(x->naliases, y->naliases);
		for (j = 0; j < x->naliases; j++)
			ck_assert_str_eq(x->aliases[j], y->aliases[j]);
		ck_assert(fq_node_equal(x->def, y->def));
		ck_assert_uint_eq(x->def->line, y->def->line);
		ck_assert_uint_eq(x->def->column, y->def->column);
	}
}

static void
same_record(const struct fq_record *a, const struct fq_record *b, int depth)
{
	size_t i;

	ck_assert_int_lt(depth, 16);
	ck_assert_str_eq(a->name, b->name);
	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct fq_field *x = &a->fields[i], *y = &b->fields[i];

		ck_assert_str_eq(x->name, y->name);
		ck_assert_int_eq(!x->label, !y->label);
		if (x->label)
			ck_assert_str_eq(x->label, y->label);
		ck_assert_int_eq(x->type, y->type);
		ck_assert_int_eq(x->item_type, y->item_type);
		ck_assert_int_eq(x->required, y->required);
		ck_assert_int_eq(x->max, y->max);
		ck_assert_uint_eq(x->line, y->line);
		ck_assert_int_eq(!x->en, !y->en);
		if (x->en)
			same_enum(x->en, y->en);
		ck_assert_int_eq(!x->rec, !y->rec);
		if (x->rec && x->rec != a)
			same_record(x->rec, y->rec, depth + 1);
	}
}

static fq_schema *
load_dir(const char *dir, bool want_cached)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_schema *s = NULL;

	ck_assert_msg(fq_schema_load(&s, dir, &err) == FQ_OK, "%s", err.msg);
	ck_assert_msg(fq_schema_cached(s) == want_cached, "cached: %d, want %d",
		fq_schema_cached(s), want_cached);
	return s;
}

/* The one cache file under cache/fq/schema. */
static char *
cache_file(const char *cache)
{
	char cmd[1024], *out, *nl;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -d %s/fq/schema/*", cache);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	out = calloc(1, 1024);
	ck_assert_ptr_nonnull(fgets(out, 1024, f));
	pclose(f);
	if ((nl = strchr(out, '\n')))
		*nl = '\0';
	return out;
}

START_TEST(test_schema_cache)
{
	char *dir = fq_test_path(tmp, "schemas");
	char *cache = fq_test_path(tmp, "cache");
	char *states, *extra, *cf, *text, *p, want[256];
	const char *label;
	struct stat st;
	struct timespec times[2];
	fq_schema *a, *b;
	char cmd[1024];

	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("FQ_SCHEMA_CACHE");
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s'", FQ_TEST_SCHEMA_DIR, dir);
	ck_assert_int_eq(system(cmd), 0);

	a = load_dir(dir, false);		/* parsed, cache written */
	b = load_dir(dir, true);		/* from the cache */
	same_record(fq_schema_record(a, "case"), fq_schema_record(b, "case"), 0);
	ck_assert_str_eq(fq_schema_label(b, "states", "accepted"),
		fq_schema_label(a, "states", "accepted"));
	fq_schema_free(b);

	/* the same length, the old times: the bytes are what counts */
	states = fq_test_path(dir, "enums/states.yaml");
	ck_assert_int_eq(stat(states, &st), 0);
	text = fq_test_read_file(states);
	label = fq_schema_label(a, "states", "accepted");
	ck_assert_uint_ge(strlen(label), 3);
	snprintf(want, sizeof(want), "XYZ%s", label + 3);
	ck_assert_ptr_nonnull(p = strstr(text, label));
	memcpy(p, "XYZ", 3);		/* its first character's 3 bytes */
	fq_test_write_file(states, text);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, states, times, 0), 0);
	b = load_dir(dir, false);
	ck_assert_str_eq(fq_schema_label(b, "states", "accepted"), want);
	fq_schema_free(b);
	b = load_dir(dir, true);		/* the new one cached */
	ck_assert_str_eq(fq_schema_label(b, "states", "accepted"), want);
	fq_schema_free(b);

	/* a new enumeration file */
	extra = fq_test_path(dir, "enums/zzz_extra.yaml");
	fq_test_write_file(extra, "enum: zzz_extra\nvalues:\n"
		"  - {code: a, label: 甲}\n");
	b = load_dir(dir, false);
	ck_assert_ptr_nonnull(fq_schema_enum(b, "zzz_extra"));
	fq_schema_free(b);
	b = load_dir(dir, true);
	ck_assert_ptr_nonnull(fq_schema_enum(b, "zzz_extra"));
	fq_schema_free(b);
	/* a null value ("key:" or "~") is cached too, not parsed each time */
	fq_test_write_file(extra, "enum: zzz_extra\nvalues:\n"
		"  - {code: a, label: 甲, open: ~}\n  - code: b\n"
		"    label: 乙\n    open:\n");
	b = load_dir(dir, false);
	fq_schema_free(b);
	b = load_dir(dir, true);
	ck_assert_ptr_nonnull(fq_schema_enum(b, "zzz_extra"));
	fq_schema_free(b);
	/* ... and gone again */
	unlink(extra);
	b = load_dir(dir, false);
	ck_assert_ptr_null(fq_schema_enum(b, "zzz_extra"));
	fq_schema_free(b);

	/* a damaged cache: a byte flipped in the middle, then cut short */
	cf = cache_file(cache);
	free(text);
	{
		FILE *f = fopen(cf, "r+b");
		long size;
		int c;

		ck_assert_ptr_nonnull(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fseek(f, size / 2, SEEK_SET);
		c = fgetc(f);
		fseek(f, size / 2, SEEK_SET);
		fputc(c ^ 0x20, f);
		fclose(f);
		b = load_dir(dir, false);
		fq_schema_free(b);
		ck_assert_int_eq(truncate(cf, size / 3), 0);
		b = load_dir(dir, false);
		fq_schema_free(b);
		fq_test_write_file(cf, "");
		b = load_dir(dir, false);
		{
			fq_schema *d = load_dir(dir, true);

			same_record(fq_schema_record(b, "case"),
				fq_schema_record(d, "case"), 0);
			fq_schema_free(d);
		}
		fq_schema_free(b);
	}

	/* a broken schema is never cached; its error comes from the file */
	{
		struct fq_error err = FQ_ERROR_INIT;
		char *casef = fq_test_path(dir, "case.yaml");
		char *good = fq_test_read_file(casef);

		fq_test_write_file(casef, "records: [\n");
		b = NULL;
		ck_assert_int_eq(fq_schema_load(&b, dir, &err), FQ_EPARSE);
		ck_assert_ptr_null(b);
		ck_assert_int_eq(fq_schema_load(&b, dir, &err), FQ_EPARSE);
		fq_test_write_file(casef, good);
		b = load_dir(dir, true);	/* the good one is cached still */
		fq_schema_free(b);
		free(good);
		free(casef);
	}

	/* FQ_SCHEMA_CACHE=0: never */
	setenv("FQ_SCHEMA_CACHE", "0", 1);
	b = load_dir(dir, false);
	fq_schema_free(b);
	unsetenv("FQ_SCHEMA_CACHE");

	fq_schema_free(a);
	unsetenv("XDG_CACHE_HOME");
	free(cf);
	free(extra);
	free(states);
	free(cache);
	free(dir);
}
END_TEST

START_TEST(test_schema_missing_dir)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_schema *s = NULL;
	char *p = fq_test_path(tmp, "no-such-dir");

	ck_assert_int_eq(fq_schema_load(&s, p, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(fq_schema_load(&s, p, NULL), FQ_ENOTFOUND);
	free(p);
}
END_TEST

Suite *
fq_schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_test(tc, test_schema_load);
	LOOP(tc, test_schema_fields_resolve, records);
	tcase_add_test(tc, test_schema_case_enums);
	suite_add_tcase(s, tc);

	tc = tcase_create("enum");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_schema_enum_find, finds);
	tcase_add_test(tc, test_schema_enum_code);
	tcase_add_test(tc, test_schema_enum_label);
	tcase_add_test(tc, test_schema_enum_extra);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_schema_validate_valid, valid_cases);
	tcase_add_test(tc, test_schema_validate_invalid);
	LOOP(tc, test_schema_validate_wrong, wrong);
	tcase_add_test(tc, test_schema_validate_nulls);
	tcase_add_test(tc, test_schema_validate_other_records);
	LOOP(tc, test_schema_validate_text, texts);
	tcase_add_test(tc, test_schema_validate_length);
	tcase_add_test(tc, test_schema_validate_item_where);
	tcase_add_test(tc, test_schema_field_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("canonicalize");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_test(tc, test_schema_canonicalize);
	LOOP(tc, test_schema_canonicalize_fixed_point, valid_cases);
	tcase_add_test(tc, test_schema_canonicalize_quoting);
	tcase_add_test(tc, test_schema_canonicalize_many_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	LOOP(tc, test_schema_valid_date, dates);
	LOOP(tc, test_schema_valid_datetime, datetimes);
	LOOP(tc, test_schema_valid_int, ints);
	LOOP(tc, test_schema_valid_money, moneys);
	LOOP(tc, test_schema_valid_utf8, utf8s);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_schema_minimal);
	LOOP(tc, test_schema_broken, broken);
	tcase_add_test(tc, test_schema_missing_dir);
	tcase_add_test(tc, test_schema_cache);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
