/*
 * check_query.c: the filters of fq list and fq export (lib/query.c).
 *
 * Parsing is checked for every key, with codes, labels, aliases and
 * pinyin; matching on case trees built from small YAML snippets.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fq/node.h"
#include "fq/query.h"
#include "fq/schema.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif

Suite *fq_query_suite(void);

static fq_schema *sc;

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

/*
 * Parsing.
 */

static const struct {
	const char *arg;
	enum fq_filter_kind kind;
	const char *values;	/* values joined with '|' */
	const char *from, *to;	/* FQ_F_ACCEPTED */
} good[] = {
	{ "status:accepted", FQ_F_STATUS, "accepted", "", "" },
	{ "status:已受理", FQ_F_STATUS, "accepted", "", "" },
	{ "status:ysl", FQ_F_STATUS, "accepted", "", "" },
	{ "status:ACCEPTED", FQ_F_STATUS, "accepted", "", "" },
	{ "status:已受理,tjz,closed", FQ_F_STATUS, "accepted|mediating|closed",
	  "", "" },
	{ "status:accepted,", FQ_F_STATUS, "accepted", "", "" },
	{ "outcome:failed", FQ_F_OUTCOME, "failed", "", "" },
	{ "outcome:调解不成（终止调解）", FQ_F_OUTCOME, "failed", "", "" },
	{ "outcome:tjcgsmxy,dsrzxhj", FQ_F_OUTCOME,
	  "mediated_written|settled_self", "", "" },
	{ "category:neighbor", FQ_F_CATEGORY, "neighbor", "", "" },
	{ "category:邻里纠纷", FQ_F_CATEGORY, "neighbor", "", "" },
	{ "category:宅基地", FQ_F_CATEGORY, "housing_homestead", "", "" },
	{ "category:lljf,ljjf", FQ_F_CATEGORY, "neighbor|neighbor", "", "" },
	{ "category:婚姻,HOUSING_HOMESTEAD", FQ_F_CATEGORY,
	  "marriage_family|housing_homestead", "", "" },
	{ "risk:red", FQ_F_RISK, "red", "", "" },
	{ "risk:红,黄", FQ_F_RISK, "red|yellow", "", "" },
	{ "source:application", FQ_F_SOURCE, "application", "", "" },
	{ "source:dsrsq", FQ_F_SOURCE, "application", "", "" },
	{ "source:网格上报", FQ_F_SOURCE, "grid_report", "", "" },
	{ "agency:派出所", FQ_F_AGENCY, "police_station", "", "" },
	{ "agency:court,sfs", FQ_F_AGENCY, "court|justice_office", "", "" },
	{ "mediator:王五", FQ_F_MEDIATOR, "王五", "", "" },
	{ "mediator:王五,赵六", FQ_F_MEDIATOR, "王五,赵六", "", "" },
	{ "month:2024-03", FQ_F_MONTH, "2024-03", "", "" },
	{ "month:2024-12", FQ_F_MONTH, "2024-12", "", "" },
	{ "accepted:2024-03-01..2024-03-31", FQ_F_ACCEPTED, "",
	  "2024-03-01", "2024-03-31" },
	{ "accepted:2024-03-01..", FQ_F_ACCEPTED, "", "2024-03-01", "" },
	{ "accepted:..2024-03-31", FQ_F_ACCEPTED, "", "", "2024-03-31" },
	{ "accepted:2024-02-29..2024-02-29", FQ_F_ACCEPTED, "",
	  "2024-02-29", "2024-02-29" },
	{ "overdue", FQ_F_OVERDUE, "", "", "" },
	{ "text:排水", FQ_F_TEXT, "排水", "", "" },
	{ "text:a:b", FQ_F_TEXT, "a:b", "", "" },
	{ "text:13800000001", FQ_F_TEXT, "13800000001", "", "" },
};

START_TEST(test_query_parse)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_filter f;
	struct fq_buf got = FQ_BUF_INIT;
	size_t i;

	memset(&f, 0x5a, sizeof(f));
	ck_assert_msg(fq_filter_parse(&f, sc, good[_i].arg, &err) == FQ_OK,
		"%s: %s", good[_i].arg, err.msg);
	ck_assert_int_eq(f.kind, good[_i].kind);
	for (i = 0; i < f.nvalues; i++)
		fq_buf_addf(&got, "%s%s", i ? "|" : "", f.values[i]);
	ck_assert_str_eq(got.buf, good[_i].values);
	if (f.kind == FQ_F_ACCEPTED) {
		ck_assert_str_eq(f.from, good[_i].from);
		ck_assert_str_eq(f.to, good[_i].to);
	}
	ck_assert_int_eq(fq_filter_needs_text(&f, 1), f.kind == FQ_F_TEXT);
	fq_filter_release(&f);
	ck_assert_uint_eq(f.nvalues, 0);
	ck_assert_ptr_null(f.values);
	fq_buf_release(&got);
}
END_TEST

/* Test: bad filters
 * Description: unknown keys, unknown codes, bad months and ranges are
 * FQ_EUSAGE with a message quoting the argument; nothing is left to
 * free. */
static const struct {
	const char *arg;
	const char *msg;
} bad[] = {
	{ "foo:bar", "unknown key 'foo'" },
	{ "Status:accepted", "unknown key" },
	{ "overdue:yes", "unknown key" },
	{ "nokey", "expected KEY:VALUE" },
	{ "", "expected KEY:VALUE" },
	{ ":accepted", "unknown key" },
	{ "status:", "no value" },
	{ "status:nope", "unknown" },
	{ "status:accepted,nope", "'nope'" },
	{ "status:accepted,,closed", "unknown" },
	{ "status:,", "unknown" },
	{ "category:邻", "unknown" },
	{ "category:marriage_family,lljf,xyz", "'xyz'" },
	{ "risk:green", "'green'" },
	{ "outcome:accepted", "'accepted'" },
	{ "source:court", "'court'" },
	{ "agency:nope", "'nope'" },
	{ "month:2024-13", "bad value" },
	{ "month:2024-00", "bad value" },
	{ "month:2024-3", "bad value" },
	{ "month:202403", "bad value" },
	{ "month:2024-03-01", "bad value" },
	{ "month:march", "bad value" },
	{ "accepted:..", "bad value" },
	{ "accepted:2024-02-30..", "bad value" },
	{ "accepted:..2024-13-01", "bad value" },
	{ "accepted:2024-3-1..", "bad value" },
	{ "accepted:2024-03-01..x", "bad value" },
	{ "accepted:2024-03-01...2024-03-31", "bad value" },
	{ "accepted:2024-03-01..2024-03-31..", "bad value" },
	{ "accepted:yesterday", "bad value" },
	{ "accepted:2024-03-01-2024-03-31", "bad value" },
};

START_TEST(test_query_parse_bad)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_filter f;

	ck_assert_int_eq(fq_filter_parse(&f, sc, bad[_i].arg, &err), FQ_EUSAGE);
	ck_assert_int_eq(err.code, FQ_EUSAGE);
	ck_assert_msg(strstr(err.msg, bad[_i].msg) != NULL,
		"'%s': message '%s' lacks '%s'", bad[_i].arg, err.msg,
		bad[_i].msg);
	if (*bad[_i].arg)
		ck_assert_msg(strstr(err.msg, bad[_i].arg) != NULL,
			"'%s' not quoted in '%s'", bad[_i].arg, err.msg);
	ck_assert_uint_eq(f.nvalues, 0);
	ck_assert_ptr_null(f.values);
	fq_filter_release(&f);		/* harmless after a failure */
	/* And with no error struct. */
	ck_assert_int_eq(fq_filter_parse(&f, sc, bad[_i].arg, NULL), FQ_EUSAGE);
	fq_filter_release(&f);
}
END_TEST

/*
 * Matching.
 */

#define BASE \
	"id: QSZ-2024-000001\n" \
	"title: 排水纠纷\n" \
	"category: neighbor\n" \
	"source: application\n" \
	"risk_color: blue\n"

static const struct {
	const char *what;
	const char *filters;	/* arguments separated by ' ' ("" = none) */
	const char *yaml;	/* BASE is prepended */
	const char *raw;	/* the file text for text: */
	const char *today;
	bool match;
} matches[] = {
	{ "status", "status:accepted", "status: accepted\n", NULL,
	  "2024-04-01", true },
	{ "status other", "status:accepted", "status: mediating\n", NULL,
	  "2024-04-01", false },
	{ "status any of", "status:accepted,调解中", "status: mediating\n",
	  NULL, "2024-04-01", true },
	{ "status missing", "status:accepted", "", NULL, "2024-04-01", false },
	{ "outcome", "outcome:failed", "status: closed\noutcome: failed\n",
	  NULL, "2024-04-01", true },
	{ "outcome other", "outcome:failed",
	  "status: closed\noutcome: withdrawn\n", NULL, "2024-04-01", false },
	{ "no outcome", "outcome:failed", "status: mediating\n", NULL,
	  "2024-04-01", false },
	{ "category label", "category:邻里纠纷", "status: accepted\n", NULL,
	  "2024-04-01", true },
	{ "category alias", "category:宅基地", "status: accepted\n", NULL,
	  "2024-04-01", false },
	{ "category pinyin", "category:ljjf", "status: accepted\n", NULL,
	  "2024-04-01", true },
	{ "risk", "risk:蓝", "status: accepted\n", NULL, "2024-04-01", true },
	{ "risk other", "risk:red,yellow", "status: accepted\n", NULL,
	  "2024-04-01", false },
	{ "source", "source:当事人申请", "status: accepted\n", NULL,
	  "2024-04-01", true },
	{ "source other", "source:hotline", "status: accepted\n", NULL,
	  "2024-04-01", false },
	{ "agency to", "agency:派出所",
	  "referrals:\n- n: 1\n  to_agency: court\n- n: 2\n"
	  "  to_agency: police_station\n", NULL, "2024-04-01", true },
	{ "agency from", "agency:pcs",
	  "referrals:\n- n: 1\n  from_agency: police_station\n", NULL,
	  "2024-04-01", true },
	{ "agency other", "agency:pcs",
	  "referrals:\n- n: 1\n  to_agency: court\n", NULL, "2024-04-01",
	  false },
	{ "agency no referrals", "agency:pcs", "", NULL, "2024-04-01", false },
	{ "mediator", "mediator:王五", "mediators: [张三, 王五]\n", NULL,
	  "2024-04-01", true },
	{ "mediator whole name", "mediator:王五", "mediators: [王五五]\n",
	  NULL, "2024-04-01", false },
	{ "mediator none", "mediator:王五", "", NULL, "2024-04-01", false },
	{ "month accepted", "month:2024-03", "accepted_on: 2024-03-31\n",
	  NULL, "2024-04-01", true },
	{ "month accepted first", "month:2024-03", "accepted_on: 2024-03-01\n",
	  NULL, "2024-04-01", true },
	{ "month accepted later", "month:2024-03", "accepted_on: 2024-04-01\n",
	  NULL, "2024-04-01", false },
	{ "month other year", "month:2024-03", "accepted_on: 2023-03-15\n",
	  NULL, "2024-04-01", false },
	{ "month reported", "month:2024-03", "reported_on: 2024-03-10\n",
	  NULL, "2024-04-01", true },
	{ "month accepted wins", "month:2024-03",
	  "reported_on: 2024-03-28\naccepted_on: 2024-04-01\n", NULL,
	  "2024-04-01", false },
	{ "month no dates", "month:2024-03", "", NULL, "2024-04-01", false },
	{ "accepted first day", "accepted:2024-03-01..2024-03-31",
	  "accepted_on: 2024-03-01\n", NULL, "2024-04-01", true },
	{ "accepted last day", "accepted:2024-03-01..2024-03-31",
	  "accepted_on: 2024-03-31\n", NULL, "2024-04-01", true },
	{ "accepted after", "accepted:2024-03-01..2024-03-31",
	  "accepted_on: 2024-04-01\n", NULL, "2024-04-01", false },
	{ "accepted before", "accepted:2024-03-01..2024-03-31",
	  "accepted_on: 2024-02-29\n", NULL, "2024-04-01", false },
	{ "accepted open end", "accepted:2024-03-01..",
	  "accepted_on: 2030-01-01\n", NULL, "2024-04-01", true },
	{ "accepted open end before", "accepted:2024-03-01..",
	  "accepted_on: 2024-02-29\n", NULL, "2024-04-01", false },
	{ "accepted open start", "accepted:..2024-03-31",
	  "accepted_on: 1999-01-01\n", NULL, "2024-04-01", true },
	{ "accepted open start after", "accepted:..2024-03-31",
	  "accepted_on: 2024-04-01\n", NULL, "2024-04-01", false },
	{ "accepted only reported", "accepted:2024-03-01..",
	  "reported_on: 2024-03-05\n", NULL, "2024-04-01", false },
	{ "overdue", "overdue", "status: mediating\ndue_on: 2024-03-31\n",
	  NULL, "2024-04-01", true },
	{ "overdue due today", "overdue",
	  "status: mediating\ndue_on: 2024-04-01\n", NULL, "2024-04-01",
	  false },
	{ "overdue due later", "overdue",
	  "status: mediating\ndue_on: 2024-04-02\n", NULL, "2024-04-01",
	  false },
	{ "overdue reported", "overdue",
	  "status: reported\ndue_on: 2024-03-08\n", NULL, "2024-04-01", true },
	{ "overdue agreed", "overdue", "status: agreed\ndue_on: 2024-03-08\n",
	  NULL, "2024-04-01", true },
	{ "overdue referred", "overdue",
	  "status: referred_out\ndue_on: 2024-03-08\n", NULL, "2024-04-01",
	  true },
	{ "overdue closed", "overdue", "status: closed\ndue_on: 2024-03-08\n",
	  NULL, "2024-04-01", false },
	{ "overdue archived", "overdue",
	  "status: archived\ndue_on: 2024-03-08\n", NULL, "2024-04-01", false },
	{ "overdue no due", "overdue", "status: mediating\n", NULL,
	  "2024-04-01", false },
	{ "overdue unknown state", "overdue",
	  "status: nope\ndue_on: 2024-03-08\n", NULL, "2024-04-01", false },
	{ "text", "text:排水", "status: accepted\n", "title: 排水纠纷\n",
	  "2024-04-01", true },
	{ "text ascii any case", "text:ABC", "status: accepted\n",
	  "note: xxabcxx\n", "2024-04-01", true },
	{ "text lower finds upper", "text:wang", "status: accepted\n",
	  "actor: WANG Wu\n", "2024-04-01", true },
	{ "text absent", "text:宅基地", "status: accepted\n",
	  "title: 排水纠纷\n", "2024-04-01", false },
	{ "text without raw", "text:排水", "status: accepted\n", NULL,
	  "2024-04-01", false },
	{ "and: both", "status:mediating risk:blue category:neighbor",
	  "status: mediating\n", NULL, "2024-04-01", true },
	{ "and: one fails", "status:mediating risk:red", "status: mediating\n",
	  NULL, "2024-04-01", false },
	{ "and: overdue and month", "overdue month:2024-03",
	  "status: accepted\naccepted_on: 2024-03-01\ndue_on: 2024-03-31\n",
	  NULL, "2024-04-01", true },
	{ "no filters", "", "status: closed\n", NULL, "2024-04-01", true },
};

START_TEST(test_query_match)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_filter f[8];
	struct fq_buf doc = FQ_BUF_INIT;
	struct fq_node *c;
	char *args = strdup(matches[_i].filters), *arg, *save = NULL;
	size_t n = 0, i;
	bool needs = false;

	ck_assert_ptr_nonnull(args);
	for (arg = strtok_r(args, " ", &save); arg;
	     arg = strtok_r(NULL, " ", &save)) {
		ck_assert_uint_lt(n, 8);
		ck_assert_msg(fq_filter_parse(&f[n], sc, arg, &err) == FQ_OK,
			"%s: %s", arg, err.msg);
		needs |= f[n].kind == FQ_F_TEXT;
		n++;
	}
	ck_assert_int_eq(fq_filter_needs_text(f, n), needs);
	fq_buf_addf(&doc, BASE "%s", matches[_i].yaml);
	c = fq_test_parse(doc.buf);
	ck_assert_msg(fq_filter_match(f, n, sc, c, matches[_i].raw,
		matches[_i].today) == matches[_i].match, "%s: want %s",
		matches[_i].what, matches[_i].match ? "a match" : "no match");
	for (i = 0; i < n; i++)
		fq_filter_release(&f[i]);
	fq_node_free(c);
	fq_buf_release(&doc);
	free(args);
}
END_TEST

START_TEST(test_query_needs_text)
{
	struct fq_filter f[3];

	ck_assert(!fq_filter_needs_text(NULL, 0));
	ck_assert_int_eq(fq_filter_parse(&f[0], sc, "status:closed", NULL), 0);
	ck_assert_int_eq(fq_filter_parse(&f[1], sc, "overdue", NULL), 0);
	ck_assert_int_eq(fq_filter_parse(&f[2], sc, "text:x", NULL), 0);
	ck_assert(!fq_filter_needs_text(f, 2));
	ck_assert(fq_filter_needs_text(f, 3));
	ck_assert(fq_filter_needs_text(f + 2, 1));
	fq_filter_release(&f[0]);
	fq_filter_release(&f[1]);
	fq_filter_release(&f[2]);
}
END_TEST

Suite *
fq_query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_query_parse, good);
	LOOP(tc, test_query_parse_bad, bad);
	tcase_add_test(tc, test_query_needs_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_query_match, matches);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
