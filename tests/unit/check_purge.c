/*
 * check_purge.c: retention periods and anonymisation (lib/purge.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/case.h"
#include "fq/node.h"
#include "fq/purge.h"
#include "fq/schema.h"
#include "fixture.h"

Suite *fq_purge_suite(void);

static fq_schema *sc;

static void
setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err) != FQ_OK)
		ck_abort_msg("cannot load schemas: %s", err.msg);
}

static void
teardown(void)
{
	fq_schema_free(sc);
	sc = NULL;
}

static struct fq_node *
yaml(const char *s)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	if (fq_yaml_parse(&n, s, strlen(s), "t.yaml", &err) != FQ_OK)
		ck_abort_msg("bad test YAML: %s", err.msg);
	return n;
}

START_TEST(test_retention_defaults)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *conf = yaml("unit: QSZ\n");
	struct fq_period p;

	ck_assert_int_eq(fq_retention_period(&p, conf, "short", &err), 0);
	ck_assert_int_eq(p.unit, FQ_PERIOD_MONTHS);
	ck_assert_int_eq(p.amount, 120);
	ck_assert_int_eq(fq_retention_period(&p, conf, "long", &err), 0);
	ck_assert_int_eq(p.amount, 360);
	ck_assert_int_eq(fq_retention_period(&p, conf, "permanent", &err),
		FQ_ENOTFOUND);
	ck_assert_int_eq(fq_retention_period(&p, conf, "forever", &err),
		FQ_EUSAGE);
	fq_node_free(conf);
}
END_TEST

START_TEST(test_retention_config)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *conf = yaml("retention:\n  short: 5个月\n"
		"  long: 3 workdays\n");
	struct fq_period p;

	ck_assert_int_eq(fq_retention_period(&p, conf, "short", &err), 0);
	ck_assert_int_eq(p.amount, 5);
	ck_assert_int_eq(fq_retention_period(&p, conf, "long", &err),
		FQ_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "retention.long"));
	fq_node_free(conf);
	conf = yaml("retention:\n  short: 10 years\n");
	ck_assert_int_eq(fq_retention_period(&p, conf, "short", &err),
		FQ_EUSAGE);
	fq_node_free(conf);
}
END_TEST

static const struct {
	const char *yaml, *end;
	int rc;
} end_cases[] = {
	{ "status: archived\narchived_on: 2014-03-20\nretention: short\n",
		"2024-03-20", 0 },
	{ "status: archived\narchived_on: 2014-03-20\n", "2044-03-20", 0 },
	{ "status: archived\narchived_on: 2016-02-29\nretention: short\n",
		"2026-02-28", 0 },	/* 民法典 202: no 29th, the last day */
	{ "status: archived\narchived_on: 2014-03-20\nretention: permanent\n",
		"", FQ_ENOTFOUND },
	{ "status: closed\narchived_on: 2014-03-20\n", "", FQ_ENOTFOUND },
	{ "status: archived\n", "", FQ_ENOTFOUND },
	{ "status: archived\narchived_on: 2014-03-20\npurged_on: 2024-03-21\n",
		"", FQ_ENOTFOUND },
	{ "status: archived\narchived_on: 2014-13-20\n", "", FQ_EUSAGE },
};

START_TEST(test_retention_end)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = yaml(end_cases[_i].yaml), *conf = yaml("a: 1\n");
	char end[FQ_DATE_SIZE] = "";

	ck_assert_int_eq(fq_retention_end(end, c, conf, &err),
		end_cases[_i].rc);
	if (!end_cases[_i].rc)
		ck_assert_str_eq(end, end_cases[_i].end);
	fq_node_free(c);
	fq_node_free(conf);
}
END_TEST

START_TEST(test_anonymise)
{
	struct fq_error err = FQ_ERROR_INIT;
	char *path = fq_test_path(FQ_TEST_DATA_DIR, "cases/valid-full.yaml");
	char *text = fq_test_read_file(path);
	struct fq_node *c = NULL, *p;
	struct fq_buf out = FQ_BUF_INIT;
	char *orig_name;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(fq_case_parse(&c, sc, text, strlen(text), path, NULL,
		&err), 0);
	p = fq_map_get(c, "parties")->vals[1];
	orig_name = strdup(fq_map_str(p, "name"));
	ck_assert_uint_gt(fq_case_anonymise(c, sc), 0);
	ck_assert_int_eq(fq_case_render(&out, sc, c, &err), 0);
	/* gone */
	ck_assert_ptr_null(strstr(out.buf, "id_number"));
	ck_assert_ptr_null(strstr(out.buf, "phones"));
	ck_assert_ptr_null(strstr(out.buf, "birth_date"));
	ck_assert_ptr_null(strstr(out.buf, "ethnicity"));
	ck_assert_ptr_null(strstr(out.buf, "address"));
	ck_assert_ptr_null(strstr(out.buf, "13700000003"));
	ck_assert_ptr_null(strstr(out.buf, "41162719630501002X"));
	/* kept */
	ck_assert_ptr_nonnull(strstr(out.buf, "category: housing_homestead"));
	ck_assert_ptr_nonnull(strstr(out.buf, "accepted_on: 2024-01-31"));
	ck_assert_ptr_nonnull(strstr(out.buf, "gender: F"));
	ck_assert_ptr_nonnull(strstr(out.buf, "age: 61"));
	ck_assert_ptr_nonnull(strstr(out.buf, "outcome: mediated_written"));
	/* a person is surname + 某某; an organisation keeps its name */
	p = fq_map_get(c, "parties")->vals[0];
	ck_assert_str_eq(fq_map_str(p, "name_masked"), "true");
	ck_assert_str_eq(fq_map_str(p, "name"), "王某");	/* masked already */
	p = fq_map_get(c, "parties")->vals[1];
	ck_assert_str_eq(fq_map_str(p, "name"), orig_name);
	ck_assert_ptr_null(fq_map_get(p, "representative"));
	ck_assert_ptr_nonnull(strstr(out.buf, "households: 12"));
	/* twice is the same as once */
	{
		struct fq_buf again = FQ_BUF_INIT;

		fq_case_anonymise(c, sc);
		ck_assert_int_eq(fq_case_render(&again, sc, c, &err), 0);
		ck_assert_str_eq(again.buf, out.buf);
		fq_buf_release(&again);
	}
	free(orig_name);
	fq_buf_release(&out);
	fq_node_free(c);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_anonymise_names_in_text)
{
	struct fq_node *c = yaml(
		"title: 王某甲与李四宅基地纠纷\n"
		"summary: 王某甲称李四占地，李四电话13900000002\n"
		"parties:\n"
		"- {role: applicant, kind: person, name: 王某甲, address: 前王村3组}\n"
		"- {role: respondent, kind: person, name: 李四}\n"
		"- {role: party, kind: organization, name: 某置业有限公司, "
		"representative: 法定代表人：王五}\n"
		"- {role: party, name: 甲}\n"
		"events:\n- {kind: note, note: 给李四打电话}\n");
	const struct fq_node *ps;

	fq_case_anonymise(c, sc);
	ck_assert_str_eq(fq_map_str(c, "title"), "王某某与李某宅基地纠纷");
	ck_assert_str_eq(fq_map_str(c, "summary"),
		"王某某称李某占地，李某电话139****0002");
	ps = fq_map_get(c, "parties");
	ck_assert_str_eq(fq_map_str(ps->vals[0], "name"), "王某某");
	ck_assert_ptr_null(fq_map_get(ps->vals[0], "address"));
	ck_assert_str_eq(fq_map_str(ps->vals[2], "name"), "某置业有限公司");
	ck_assert_ptr_null(fq_map_get(ps->vals[2], "name_masked"));
	ck_assert_ptr_null(fq_map_get(ps->vals[2], "representative"));
	/* a one-character name is masked in its own field */
	ck_assert_str_eq(fq_map_str(ps->vals[3], "name"), "甲某某");
	ck_assert_str_eq(fq_map_str(fq_map_get(c, "events")->vals[0], "note"),
		"给李某打电话");
	fq_node_free(c);
}
END_TEST

Suite *
fq_purge_suite(void)
{
	Suite *s = suite_create("purge");
	TCase *tc = tcase_create("purge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retention_defaults);
	tcase_add_test(tc, test_retention_config);
	tcase_add_loop_test(tc, test_retention_end, 0,
		(int)(sizeof(end_cases) / sizeof(end_cases[0])));
	tcase_add_test(tc, test_anonymise);
	tcase_add_test(tc, test_anonymise_names_in_text);
	suite_add_tcase(s, tc);
	return s;
}
