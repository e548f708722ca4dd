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
#include "report_impl.h"	/* fq_report_due_as_of */

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

/* 年度累计: carried into the year, resolved in February; new in January,
 * failed in March; new in March, open.  March's YTD 化解率 is 1 / (1 + 2). */
START_TEST(test_report_ytd)
{
	fq_report *r = report("2024-03");
	const struct fq_figs *y, *f;
	const struct fq_report_table *t1;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_report_options o = FQ_REPORT_OPTIONS_INIT;
	struct fq_buf b = FQ_BUF_INIT;

	add(r, HEAD("QSZ-2023-000001")
		"status: closed\noutcome: mediated_written\nrisk_color: blue\n"
		"accepted_on: 2023-11-10\nclosed_on: 2024-02-15\n"
		"events:\n"
		"- at: 2023-11-10T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-02-15", "accepted", "closed",
			"  outcome: mediated_written\n"));
	add(r, HEAD("QSZ-2024-000001")
		"status: closed\noutcome: failed\nrisk_color: blue\n"
		"accepted_on: 2024-01-05\nclosed_on: 2024-03-10\n"
		"events:\n"
		"- at: 2024-01-05T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-10", "accepted", "closed", "  outcome: failed\n"));
	add(r, HEAD("QSZ-2024-000002")
		"status: accepted\nrisk_color: blue\naccepted_on: 2024-03-20\n"
		"events:\n"
		"- at: 2024-03-20T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n");
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	ck_assert_str_eq(fq_report_ytd_from(r), "2024-01-01");
	y = fq_report_ytd(r);
	ck_assert_int_eq(y->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_int_eq(y->n[FQ_FIG_NEW], 2);
	ck_assert_int_eq(y->n[FQ_FIG_CLOSED], 2);
	ck_assert_int_eq(y->n[FQ_FIG_RESOLVED], 1);
	ck_assert_int_eq(y->n[FQ_FIG_MEDIATED_OK], 1);
	ck_assert_int_eq(y->n[FQ_FIG_MEDIATED_FAIL], 1);
	ck_assert_int_eq(y->n[FQ_FIG_CARRIED_OUT], 1);
	fq_rate_text(&b, y, FQ_RATE_RESOLUTION);
	ck_assert_str_eq(b.buf, "33.3%");
	f = fq_report_total(r);
	ck_assert_int_eq(f->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_int_eq(f->n[FQ_FIG_NEW], 1);
	ck_assert_int_eq(f->n[FQ_FIG_RESOLVED], 0);
	/* the columns of table 1: 24, then 7 of the year */
	t1 = fq_report_table(r, 0);
	ck_assert_int_eq(t1->kind, 1);
	ck_assert_uint_eq(t1->ncols, 31);
	ck_assert_str_eq(t1->head[24], "年度累计:年初结转");
	ck_assert_str_eq(t1->head[30], "年度累计:化解率");
	ck_assert_str_eq(t1->cells[25].text, "2");
	ck_assert(t1->cells[25].number);
	ck_assert_str_eq(t1->cells[30].text, "33.3%");
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_report_render(r, FQ_REPORT_JSON, false, &b, &err),
		FQ_OK);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"ytd\": {\"period\": {\"from\": "
		"\"2024-01-01\", \"to\": \"2024-03-31\"}"));
	fq_buf_release(&b);
	fq_report_free(r);

	/* ytd: false */
	r = report("2024-03");
	o.ytd = false;
	ck_assert_int_eq(fq_report_set_options(r, &o, &err), FQ_OK);
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	ck_assert_uint_eq(fq_report_table(r, 0)->ncols, 24);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_zz)
{
	fq_report *r = report("2024-03");
	const struct fq_report_table *t5;
	struct fq_error err = FQ_ERROR_INIT;
	size_t i, gangs = 0, labor = 0, family = 0, other = 0, n;

	/* zz_category given, level village: new, mediating in March */
	add(r, HEAD("QSZ-2024-000011")
		"zz_category: gangs\nlevel: village\nstatus: mediating\n"
		"risk_color: blue\naccepted_on: 2024-03-02\n"
		"events:\n"
		"- at: 2024-03-02T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-03", "accepted", "mediating", ""));
	/* labor by default, no level, no village: 乡镇街道; settled by the
	 * parties with no mediation act logged: handled, because resolved */
	add(r, "id: QSZ-2024-000012\ntitle: t\ncategory: labor\n"
		"source: application\nsummary: s\nstatus: closed\n"
		"outcome: settled_self\nrisk_color: blue\n"
		"accepted_on: 2024-03-05\nclosed_on: 2024-03-06\n"
		"events:\n"
		"- at: 2024-03-05T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-03-06", "accepted", "closed",
			"  outcome: settled_self\n"));
	/* neighbor (family), a village, carried in, a session in March:
	 * handled, not screened */
	add(r, HEAD("QSZ-2024-000013")
		"village: 前王村\nstatus: mediating\nrisk_color: blue\n"
		"accepted_on: 2024-02-05\n"
		"events:\n"
		"- at: 2024-02-05T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-02-06", "accepted", "mediating", "")
		"- at: 2024-03-15T09:00:00+08:00\n  kind: session\n");
	/* level township beats the village; traffic is other; a note is no
	 * mediation act; red: 重大矛盾纠纷 too */
	add(r, "id: QSZ-2024-000014\ntitle: t\ncategory: traffic\n"
		"source: application\nsummary: s\nstatus: accepted\n"
		"village: 后张村\nlevel: township\nrisk_color: red\n"
		"accepted_on: 2024-03-25\n"
		"events:\n"
		"- at: 2024-03-25T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		"- at: 2024-03-26T09:00:00+08:00\n  kind: note\n");
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	n = fq_report_nzz(r);
	ck_assert_uint_eq(n, 20);
	t5 = fq_report_table(r, 4);
	ck_assert_int_eq(t5->kind, 5);
	ck_assert_str_eq(t5->name, "综治排查情况表");
	ck_assert_uint_eq(t5->ncols, 6);
	ck_assert_uint_eq(t5->nrows, 5 + 3 * 20 + 4);
	/* 总况 */
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_SCREENED, FQ_ZZ_TOWNSHIP), 2);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_SCREENED, FQ_ZZ_VILLAGE), 1);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_HANDLED, FQ_ZZ_TOWNSHIP), 1);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_HANDLED, FQ_ZZ_VILLAGE), 2);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_SUCCESS, FQ_ZZ_TOWNSHIP), 1);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_SUCCESS, FQ_ZZ_VILLAGE), 0);
	/* the year: the carried-in case was new in February */
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_SCREENED, FQ_ZZ_YTD), 4);
	ck_assert_int_eq(fq_report_zz(r, n, FQ_ZZ_HANDLED, FQ_ZZ_YTD), 3);
	/* rows: 排查数 2 | 1, 3; 调处率 1/2 | 2/1, 3/3; 成功率 1/1 | 0/2, 1/3 */
	ck_assert_str_eq(t5->cells[0 * 6 + 0].text, "总况");
	ck_assert_str_eq(t5->cells[0 * 6 + 1].text, "排查数");
	ck_assert_str_eq(t5->cells[0 * 6 + 4].text, "3");
	ck_assert_str_eq(t5->cells[2 * 6 + 1].text, "调处率");
	ck_assert_str_eq(t5->cells[2 * 6 + 2].text, "50.0%");
	ck_assert_str_eq(t5->cells[2 * 6 + 3].text, "200.0%");
	ck_assert_str_eq(t5->cells[2 * 6 + 4].text, "100.0%");
	ck_assert_str_eq(t5->cells[4 * 6 + 1].text, "成功率");
	ck_assert_str_eq(t5->cells[4 * 6 + 3].text, "0.0%");
	ck_assert_str_eq(t5->cells[4 * 6 + 4].text, "33.3%");
	for (i = 0; i < n; i++) {
		const char *label = t5->cells[(5 + 3 * i) * 6].text;

		if (!strcmp(label, "涉黑涉恶引发的"))
			gangs = i;
		else if (!strcmp(label, "劳资纠纷"))
			labor = i;
		else if (!strcmp(label, "婚姻家庭邻里纠纷"))
			family = i;
		else if (!strcmp(label, "其他矛盾纠纷"))
			other = i;
	}
	ck_assert_int_eq(fq_report_zz(r, gangs, FQ_ZZ_SCREENED,
		FQ_ZZ_VILLAGE), 1);
	ck_assert_int_eq(fq_report_zz(r, gangs, FQ_ZZ_HANDLED,
		FQ_ZZ_VILLAGE), 1);
	ck_assert_int_eq(fq_report_zz(r, labor, FQ_ZZ_SUCCESS,
		FQ_ZZ_TOWNSHIP), 1);
	ck_assert_int_eq(fq_report_zz(r, labor, FQ_ZZ_HANDLED,
		FQ_ZZ_TOWNSHIP), 1);
	ck_assert_int_eq(fq_report_zz(r, family, FQ_ZZ_SCREENED,
		FQ_ZZ_VILLAGE), 0);
	ck_assert_int_eq(fq_report_zz(r, family, FQ_ZZ_HANDLED,
		FQ_ZZ_VILLAGE), 1);
	ck_assert_int_eq(fq_report_zz(r, other, FQ_ZZ_SCREENED,
		FQ_ZZ_TOWNSHIP), 1);
	ck_assert_int_eq(fq_report_zz(r, other, FQ_ZZ_HANDLED,
		FQ_ZZ_TOWNSHIP), 0);
	/* the row of a category: 排查数 in 村居, 小计, 年度累计 */
	ck_assert_str_eq(t5->cells[(5 + 3 * gangs) * 6 + 3].text, "1");
	ck_assert_str_eq(t5->cells[(5 + 3 * gangs) * 6 + 5].text, "1");
	ck_assert(t5->cells[(5 + 3 * gangs) * 6 + 3].number);
	/* 重大矛盾纠纷 last: 排查数 1 | 0, 调处数 0, 成功率 — */
	ck_assert_int_eq(fq_report_zz(r, n + 1, FQ_ZZ_SCREENED,
		FQ_ZZ_TOWNSHIP), 1);
	ck_assert_str_eq(t5->cells[65 * 6].text, "重大矛盾纠纷");
	ck_assert_str_eq(t5->cells[65 * 6 + 1].text, "排查数");
	ck_assert_str_eq(t5->cells[65 * 6 + 4].text, "1");
	ck_assert_str_eq(t5->cells[66 * 6 + 4].text, "0");
	ck_assert_str_eq(t5->cells[68 * 6 + 1].text, "成功率");
	ck_assert_str_eq(t5->cells[68 * 6 + 4].text, "—");
	/* out of range */
	ck_assert_int_eq(fq_report_zz(r, n + 2, 0, 0), 0);
	fq_report_free(r);
}
END_TEST

START_TEST(test_report_options)
{
	struct fq_report_options o;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n;
	fq_report *r;
	const struct fq_report_table *t;
	struct fq_buf b = FQ_BUF_INIT;
	static const char *const bad[] = {
		"success_rate: both\n", "ytd: yes\n", "tables: 1,6\n",
		"tables: x\n", "tables: ','\n", "period_anchor_day: 29\n",
		"period_anchor_day: -1\n", "period_anchor_day: 2x\n",
		"tables: [1, 2]\n", "success_rate: {a: b}\n"
	};
	size_t i;

	ck_assert_int_eq(fq_report_options_parse(&o, NULL, &err), FQ_OK);
	ck_assert_int_eq(o.success_rate, FQ_RATE_SUCCESS);
	ck_assert(o.ytd);
	ck_assert_uint_eq(o.tables, 0);
	ck_assert_int_eq(o.anchor_day, 0);
	n = parse("success_rate: accepted\nytd: false\ntables: 1,2, 4\n"
		"period_anchor_day: 20\n");
	ck_assert_int_eq(fq_report_options_parse(&o, n, &err), FQ_OK);
	fq_node_free(n);
	ck_assert_int_eq(o.success_rate, FQ_RATE_SUCCESS_INTAKE);
	ck_assert(!o.ytd);
	ck_assert_uint_eq(o.tables, 0xB);
	ck_assert_int_eq(o.anchor_day, 20);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = parse(bad[i]);
		ck_assert_msg(fq_report_options_parse(&o, n, &err) ==
			FQ_EINVALID, "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "report."));
		fq_node_free(n);
	}

	/* anchor day 20, tables 1, 2 and 4, 受理口径 */
	n = parse("success_rate: accepted\ntables: 1,2,4\n"
		"period_anchor_day: 20\n");
	ck_assert_int_eq(fq_report_options_parse(&o, n, &err), FQ_OK);
	fq_node_free(n);
	r = report("2024-01");
	ck_assert_int_eq(fq_report_set_options(r, &o, &err), FQ_OK);
	ck_assert_str_eq(fq_report_from(r), "2023-12-21");
	ck_assert_str_eq(fq_report_to(r), "2024-01-20");
	ck_assert_str_eq(fq_report_ytd_from(r), "2023-12-21");
	/* carried in, mediated on 2024-01-20: in this period; one accepted
	 * on the 21st is next period's */
	add(r, HEAD("QSZ-2024-000021")
		"status: closed\noutcome: mediated_oral\nrisk_color: blue\n"
		"accepted_on: 2023-12-10\nclosed_on: 2024-01-20\n"
		"events:\n"
		"- at: 2023-12-10T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n"
		EV("2024-01-20", "accepted", "closed",
			"  outcome: mediated_oral\n"));
	add(r, HEAD("QSZ-2024-000022")
		"status: accepted\nrisk_color: blue\naccepted_on: 2024-01-21\n"
		"events:\n"
		"- at: 2024-01-21T09:00:00+08:00\n  kind: intake\n"
		"  state_to: accepted\n");
	ck_assert_int_eq(fq_report_set_options(r, &o, &err), FQ_EUSAGE);
	ck_assert_int_eq(fq_report_finish(r, &err), FQ_OK);
	ck_assert_int_eq(fq_report_total(r)->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_int_eq(fq_report_total(r)->n[FQ_FIG_NEW], 0);
	ck_assert_int_eq(fq_report_total(r)->n[FQ_FIG_MEDIATED_OK], 1);
	ck_assert_int_eq(fq_report_ytd(r)->n[FQ_FIG_CARRIED_IN], 1);
	ck_assert_uint_eq(fq_report_ntables(r), 3);
	ck_assert_int_eq(fq_report_table(r, 2)->kind, 4);
	t = fq_report_table(r, 0);
	ck_assert_str_eq(t->head[16], "调解成功率(受理口径)");
	ck_assert_str_eq(t->cells[16].text, "100.0%");
	ck_assert_str_eq(fq_report_table(r, 1)->head[7],
		"调解成功率(受理口径)");
	ck_assert_int_eq(fq_report_render(r, FQ_REPORT_TEXT, false, &b, &err),
		FQ_OK);
	ck_assert_ptr_nonnull(strstr(b.buf, "统计期间：2023-12-21至2024-01-20"));
	ck_assert_ptr_nonnull(strstr(b.buf, "三、对接情况"));
	ck_assert_ptr_nonnull(strstr(b.buf, "四、情况说明"));
	ck_assert_ptr_null(strstr(b.buf, "重点矛盾纠纷台账"));
	fq_buf_release(&b);
	fq_report_free(r);

	o.anchor_day = 29;
	r = report("2024-03");
	ck_assert_int_eq(fq_report_set_options(r, &o, &err), FQ_EUSAGE);
	fq_report_free(r);
}
END_TEST

/* Test: the due date as of a day, for R7's report up and R8
 * Description: a red case reported up only after the period counts as
 * due on the day it turned red at the period's end, and not once the
 * report is in; a plan-less imported red case (intake dated before it
 * was entered) owes no report; R8 follows the case's complexity. */
START_TEST(test_report_due_as_of_r7_r8)
{
	struct fq_node *c = parse("id: QSZ-2024-000001\nrisk_color: red\n"
		"plan: 包案\naccepted_on: 2024-03-05\n"
		"created_at: 2024-03-05T09:00:00+08:00\n"
		"events:\n- at: 2024-03-05T09:00:00+08:00\n  kind: intake\n"
		"- at: 2024-04-02T10:00:00+08:00\n  kind: report_up\n");
	struct fq_node *h = parse("id: QSZ-2024-000002\nrisk_color: red\n"
		"accepted_on: 2024-03-01\n"
		"created_at: 2024-05-05T09:00:00+08:00\n"
		"events:\n- at: 2024-05-05T09:00:00+08:00\n  kind: intake\n"
		"  effective_on: 2024-03-01\n");
	struct fq_node *x = parse("id: QSZ-2024-000003\nrisk_color: blue\n"
		"accepted_on: 2024-03-05\ncomplexity: ordinary\n"
		"created_at: 2024-03-05T09:00:00+08:00\n"
		"events:\n- at: 2024-03-05T09:00:00+08:00\n  kind: intake\n");
	char due[FQ_DATE_SIZE];

	fq_report_due_as_of(due, c, "mediating", "2024-03-31", NULL, cal);
	ck_assert_str_eq(due, "2024-03-05");
	fq_report_due_as_of(due, c, "mediating", "2024-04-30", NULL, cal);
	ck_assert_str_eq(due, "2024-04-07");
	/* as of March: R7's plan (3 days from 03-01: 03-04), no report */
	fq_report_due_as_of(due, h, "mediating", "2024-03-31", NULL, cal);
	ck_assert_str_eq(due, "2024-03-04");
	fq_report_due_as_of(due, x, "mediating", "2024-03-31", NULL, cal);
	ck_assert_str_eq(due, "2024-03-12");
	fq_node_free(c);
	fq_node_free(h);
	fq_node_free(x);
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
	tcase_add_test(t, test_report_ytd);
	tcase_add_test(t, test_report_zz);
	tcase_add_test(t, test_report_options);
	tcase_add_test(t, test_report_due_as_of_r7_r8);
	suite_add_tcase(s, t);
	return s;
}
