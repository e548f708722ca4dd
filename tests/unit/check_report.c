/*
 * check_report.c: the counting of the monthly report (lib/report.c) and
 * its tables (lib/report_out.c), on cases written out here.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/date.h"
#include "fq/node.h"
#include "fq/report.h"
#include "fq/schema.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif

Suite *fq_report_suite(void);

static fq_schema *sc;
static fq_calendar *cal;

static void
setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err))
		ck_abort_msg("schema: %s", err.msg);
	if (fq_calendar_load(&cal, FQ_TEST_SCHEMA_DIR "/holidays", &err))
		ck_abort_msg("calendar: %s", err.msg);
}

static void
teardown(void)
{
	fq_schema_free(sc);
	fq_calendar_free(cal);
	sc = NULL;
	cal = NULL;
}

static struct fq_node *
parse(const char *yaml)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	if (fq_yaml_parse(&n, yaml, strlen(yaml), "t.yaml", &err))
		ck_abort_msg("parse: %u:%u: %s", err.line, err.column, err.msg);
	return n;
}

static fq_report *
report(const char *month)
{
	fq_report *r = NULL;
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_report_new(&r, sc, month, &err), FQ_OK);
	return r;
}

static void
add(fq_report *r, const char *yaml)
{
	struct fq_node *c = parse(yaml);
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_report_add(r, c, fq_map_str(c, "village"), NULL,
		cal, &err), FQ_OK);
	fq_node_free(c);
}

#define HEAD(id) \
	"id: " id "\n" \
	"title: 测试\n" \
	"category: neighbor\n" \
	"source: application\n" \
	"summary: 王某甲与李某乙因排水沟争执，王某甲电话13800000001\n" \
	"parties:\n" \
	"- role: applicant\n  kind: person\n  name: 王某甲\n" \
	"- role: respondent\n  kind: person\n  name: 李某乙\n" \
	"created_at: 2024-03-01T09:00:00+08:00\n" \
	"updated_at: 2024-03-01T09:00:00+08:00\n"

#define EV(date, from, to, outcome) \
	"- at: " date "T09:00:00+08:00\n  kind: state_change\n" \
	"  state_from: " from "\n  state_to: " to "\n" outcome

START_TEST(test_report_rates)
{
	struct fq_figs f;
	struct fq_buf b = FQ_BUF_INIT;
	long num, den;

	memset(&f, 0, sizeof(f));
	fq_rate_text(&b, &f, FQ_RATE_SUCCESS);
	ck_assert_str_eq(b.buf, "—");
	f.n[FQ_FIG_MEDIATED_OK] = 2;
	f.n[FQ_FIG_MEDIATED_FAIL] = 1;
	fq_buf_reset(&b);
	fq_rate_text(&b, &f, FQ_RATE_SUCCESS);
	ck_assert_str_eq(b.buf, "66.7%");
	/* 842 / 869 = 96.89...% (the 黄石 figure) */
	f.n[FQ_FIG_MEDIATED_OK] = 842;
	f.n[FQ_FIG_CARRIED_IN] = 0;
	f.n[FQ_FIG_NEW] = 869;
	fq_buf_reset(&b);
	fq_rate_text(&b, &f, FQ_RATE_SUCCESS_INTAKE);
	ck_assert_str_eq(b.buf, "96.9%");
	fq_rate_terms(&f, FQ_RATE_SUCCESS_INTAKE, &num, &den);
	ck_assert_int_eq(num, 842);
	ck_assert_int_eq(den, 869);
	/* half up: 1/8 = 12.5%, 1/16 = 6.25% -> 6.3% */
	f.n[FQ_FIG_RESOLVED] = 1;
	f.n[FQ_FIG_NEW] = 16;
	fq_buf_reset(&b);
	fq_rate_text(&b, &f, FQ_RATE_RESOLUTION);
	ck_assert_str_eq(b.buf, "6.3%");
	f.n[FQ_FIG_NEW] = 1;
	fq_buf_reset(&b);
	fq_rate_text(&b, &f, FQ_RATE_RESOLUTION);
	ck_assert_str_eq(b.buf, "100.0%");
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_report_closed_and_reopened_same_month)
{
	fq_report *r = report("2024-03");
	const struct fq_figs *f;
	struct fq_error err = FQ_ERROR_INIT;

	/* accepted in February, closed 03-05, re-opened 03-12, agreed and
	 * closed again 03-25: closed twice, re-opened once, not new */
	add(r, HEAD("QSZ-2024-000001")
		"status: closed\noutcome: mediated_oral\nrisk_color: blue\n"
		"accepted_on: 2024-02-10\nclosed_on: 2024-03-25\n"
		"events:\n"
		"- at: 2024-02-10T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-02-12", "accepted", "mediating", "")
		EV("2024-03-05", "mediating", "closed", "  outcome: failed\n")
		EV("2024-03-12", "closed", "mediating", "")
		EV("2024-03-25", "mediating", "closed",
			"  outcome: mediated_oral\n"));
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	f = fq_report_total(r);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_int_eq(f->n[FQ_FIG_NEW], 0);
	ck_assert_int_eq(f->n[FQ_FIG_CLOSED], 2);
	ck_assert_int_eq(f->n[FQ_FIG_REOPENED], 1);
	ck_assert_int_eq(f->n[FQ_FIG_MEDIATED_OK], 1);
	ck_assert_int_eq(f->n[FQ_FIG_MEDIATED_FAIL], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_OUT], 0);
	ck_assert_int_eq(f->n[FQ_FIG_OPEN_END], 0);
	/* February: new, open at its end */
	fq_report_free(r);
	r = report("2024-02");
	add(r, HEAD("QSZ-2024-000001")
		"status: closed\noutcome: mediated_oral\nrisk_color: blue\n"
		"accepted_on: 2024-02-10\nclosed_on: 2024-03-25\n"
		"events:\n"
		"- at: 2024-02-10T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-05", "accepted", "closed", "  outcome: failed\n"));
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	f = fq_report_total(r);
	ck_assert_int_eq(f->n[FQ_FIG_NEW], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_OUT], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CLOSED], 0);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_log_completed_from_dates)
{
	fq_report *r = report("2024-03");
	const struct fq_figs *f;
	struct fq_error err = FQ_ERROR_INIT;

	/* an imported case: no state events at all */
	add(r, HEAD("QSZ-2024-000002")
		"status: closed\noutcome: settled_self\nrisk_color: blue\n"
		"accepted_on: 2024-03-02\nclosed_on: 2024-03-09\n"
		"events:\n- at: 2024-03-10T09:00:00+08:00\n  kind: note\n");
	/* gen.py's shape: an intake event, then only the status */
	add(r, HEAD("QSZ-2024-000003")
		"status: closed\noutcome: withdrawn\nrisk_color: blue\n"
		"accepted_on: 2024-01-02\nclosed_on: 2024-03-20\n"
		"events:\n- at: 2024-01-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n");
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	f = fq_report_total(r);
	ck_assert_int_eq(f->n[FQ_FIG_NEW], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CLOSED], 2);
	ck_assert_int_eq(f->n[FQ_FIG_RESOLVED], 1);
	ck_assert_int_eq(f->n[FQ_FIG_ENDED], 1);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_OUT], 0);
	ck_assert_int_eq(f->n[FQ_FIG_SCREENED], 0);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_duplicate_left_out)
{
	fq_report *r = report("2024-03");
	struct fq_error err = FQ_ERROR_INIT;
	size_t i;

	add(r, HEAD("QSZ-2024-000004")
		"status: closed\noutcome: duplicate\nrisk_color: red\n"
		"merged_into: QSZ-2024-000001\n"
		"accepted_on: 2024-03-02\nclosed_on: 2024-03-03\n"
		"events:\n- at: 2024-03-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-03", "accepted", "closed", "  outcome: duplicate\n"));
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	for (i = 0; i < FQ_NFIG; i++)
		ck_assert_int_eq(fq_report_total(r)->n[i], 0);
	ck_assert_uint_eq(fq_report_nunits(r), 0);
	ck_assert(fq_report_is_zero(r));
	ck_assert_uint_eq(fq_report_table(r, 2)->nrows, 0);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_out_of_order_is_an_error)
{
	fq_report *r = report("2024-03");
	struct fq_error err = FQ_ERROR_INIT;

	add(r, HEAD("QSZ-2024-000005")
		"status: mediating\nrisk_color: blue\naccepted_on: 2024-03-05\n"
		"events:\n- at: 2024-03-05T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-04-10", "accepted", "closed", "  outcome: withdrawn\n")
		"- at: 2024-04-12T09:00:00+08:00\n  effective_on: 2024-03-20\n"
		"  kind: state_change\n  state_from: closed\n"
		"  state_to: mediating\n");
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "QSZ-2024-000005"));
	ck_assert_uint_eq(fq_report_mismatches(r)->n, 1);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_skip)
{
	fq_report *r = report("2024-03");
	const char *old = "id: X\nstatus: closed\naccepted_on: 2022-01-05\n"
		"closed_on: 2022-02-01\n";
	const char *open = "id: X\nstatus: mediating\naccepted_on: 2019-01-05\n";
	const char *visited = "id: X\nstatus: closed\nclosed_on: 2022-02-01\n"
		"visits:\n- \"on\": 2024-03-02\n";

	const char *later = "id: X\nstatus: mediating\naccepted_on: 2024-04-01\n";
	const char *broken = "id: X\nstatus: [oops\n";

	/* the horizon is the day before the trend window: 2023-03-31 */
	ck_assert(fq_report_can_skip(r, old, strlen(old)));
	/* every date after the month: nothing had happened by its end */
	ck_assert(fq_report_can_skip(r, later, strlen(later)));
	/* not a state: parse it, so that it is reported */
	ck_assert(!fq_report_can_skip(r, broken, strlen(broken)));
	ck_assert(!fq_report_can_skip(r, open, strlen(open)));
	ck_assert(!fq_report_can_skip(r, visited, strlen(visited)));
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_agreements_and_key_cases)
{
	fq_report *r = report("2024-03");
	struct fq_error err = FQ_ERROR_INIT;
	const struct fq_report_table *t;
	const struct fq_figs *f;
	size_t i;

	add(r, HEAD("QSZ-2024-000006")
		"village: 前王村\nstatus: agreed\nrisk_color: yellow\n"
		"lead_official: 张副镇长\nplan: 王某甲先拆除\n"
		"accepted_on: 2024-03-02\n"
		"agreement:\n  form: written\n  effective_on: 2024-03-10\n"
		"  amount: 1005.07\n"
		"events:\n- at: 2024-03-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-03", "accepted", "mediating", "")
		EV("2024-03-10", "mediating", "agreed", ""));
	add(r, HEAD("QSZ-2024-000007")
		"village: 前王村\nstatus: closed\noutcome: mediated_written\n"
		"risk_color: blue\naccepted_on: 2024-03-02\n"
		"closed_on: 2024-03-04\n"
		"agreement:\n  form: written\n  effective_on: 2024-03-04\n"
		"  amount: 3000\n  performed_on: 2024-03-04\n"
		"events:\n- at: 2024-03-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-04", "accepted", "closed",
			"  outcome: mediated_written\n"));
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	f = fq_report_total(r);
	ck_assert_int_eq(f->n[FQ_FIG_AGREEMENTS], 2);
	ck_assert_int_eq(f->amount_fen, 400507);
	ck_assert_int_eq(f->n[FQ_FIG_PERFORMED], 1);
	ck_assert_uint_eq(f->ids[FQ_FIG_AGREEMENTS].n, 2);
	ck_assert_uint_eq(fq_report_nunits(r), 1);
	ck_assert_str_eq(fq_report_unit(r, 0)->key, "前王村");
	/* table 3: the yellow case only, names masked, no phone */
	t = fq_report_table(r, 2);
	ck_assert_uint_eq(t->nrows, 1);
	ck_assert_str_eq(t->cells[0].text, "QSZ-2024-000006");
	ck_assert_str_eq(t->cells[2].text,
		"王某某与李某某因排水沟争执，王某某电话138****0001");
	ck_assert_str_eq(t->cells[7].text, "王某某先拆除");
	ck_assert_str_eq(t->cells[10].text, "否");
	/* table 1: 合计 first, then 前王村; amounts are numbers */
	t = fq_report_table(r, 0);
	ck_assert_uint_eq(t->nrows, 2);
	ck_assert_str_eq(t->cells[0].text, "合计");
	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], "协议金额(元)")) {
			ck_assert_str_eq(t->cells[i].text, "4005.07");
			ck_assert(t->cells[i].number);
		}
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_county_rows)
{
	fq_report *r = report("2024-03");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c;

	fq_report_set_county(r, true);
	fq_report_add_unit(r, "青山镇");
	fq_report_add_unit(r, "东山镇");
	c = parse(HEAD("QSZ-2024-000008")
		"village: 前王村\nstatus: accepted\nrisk_color: blue\n"
		"accepted_on: 2024-03-02\n"
		"events:\n- at: 2024-03-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n");
	ck_assert_int_eq(fq_report_add(r, c, "青山镇", NULL, cal, &err), FQ_OK);
	fq_node_free(c);
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	/* both townships, sorted, the empty one kept */
	ck_assert_uint_eq(fq_report_nunits(r), 2);
	ck_assert_str_eq(fq_report_unit(r, 0)->key, "东山镇");
	ck_assert_int_eq(fq_report_unit(r, 0)->f.n[FQ_FIG_NEW], 0);
	ck_assert_str_eq(fq_report_unit(r, 1)->key, "青山镇");
	ck_assert_int_eq(fq_report_unit(r, 1)->f.n[FQ_FIG_NEW], 1);
	ck_assert_str_eq(fq_report_table(r, 0)->head[0], "乡镇");
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_zero)
{
	fq_report *r = report("2024-07");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	ck_assert(fq_report_is_zero(r));
	ck_assert_int_eq(fq_report_render(r, FQ_REPORT_TEXT, false, &b, &err),
		FQ_OK);
	ck_assert_ptr_nonnull(strstr(b.buf, "本月无新发矛盾纠纷（零报告）"));
	ck_assert_ptr_nonnull(strstr(b.buf, "2024年7月矛盾纠纷排查化解情况报告"));
	fq_buf_release(&b);
	fq_report_free(r);
	ck_assert_int_eq(fq_report_new(&r, sc, "2024-13", &err), FQ_EUSAGE);
	ck_assert_ptr_null(r);
}
END_TEST

Suite *
fq_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *t = tcase_create("report");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_report_rates);
	tcase_add_test(t, test_report_closed_and_reopened_same_month);
	tcase_add_test(t, test_report_log_completed_from_dates);
	tcase_add_test(t, test_report_duplicate_left_out);
	tcase_add_test(t, test_report_out_of_order_is_an_error);
	tcase_add_test(t, test_report_skip);
	tcase_add_test(t, test_report_agreements_and_key_cases);
	tcase_add_test(t, test_report_county_rows);
	tcase_add_test(t, test_report_zero);
	suite_add_tcase(s, t);
	return s;
}
