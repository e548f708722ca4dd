/*
 * check_deadline.c: the due dates of a case (lib/deadline.c).
 *
 * The real holiday calendar (schemas/holidays) is used, so the dates
 * below follow the State Council's 2024 notice: Qingming 4-6 April with
 * Sunday 7 April worked, Labour Day 1-5 May with Saturday 11 May worked,
 * National Day 1-7 October with Sunday 29 September and Saturday 12
 * October worked.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fq/date.h"
#include "fq/deadline.h"
#include "fq/node.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif
#define HOLIDAY_DIR FQ_TEST_SCHEMA_DIR "/holidays"

Suite *fq_deadline_suite(void);

static fq_calendar *cal;

static void
cal_setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_calendar_load(&cal, HOLIDAY_DIR, &err) != FQ_OK)
		ck_abort_msg("cannot load %s: %s:%u: %s", HOLIDAY_DIR,
			err.file, err.line, err.msg);
}

static void
cal_teardown(void)
{
	fq_calendar_free(cal);
	cal = NULL;
}

#define BASE \
	"id: QSZ-2024-000001\n" \
	"title: 排水纠纷\n" \
	"risk_color: blue\n" \
	"created_at: 2024-03-05T09:00:00+08:00\n"

/* Test: due_on of a case
 * Description: R1 (accepted, mediating: accepted_on + the mediation
 * period, moved off rest days, or extended_until), R15 (reported:
 * reported_on + triage working days), R7 (red or yellow without a plan),
 * the earliest wins, and a closed case has none. */
static const struct {
	const char *what;
	const char *yaml;	/* BASE is prepended */
	const char *config;	/* fq.yaml, or NULL */
	bool no_cal;
	const char *due;	/* NULL: no due_on */
} dues[] = {
	{ "Qingming: 5 April is a holiday, Sunday 7 April is worked",
	  "status: mediating\naccepted_on: 2024-03-05\n", NULL, false,
	  "2024-04-07" },
	{ "accepted counts like mediating",
	  "status: accepted\naccepted_on: 2024-03-05\n", NULL, false,
	  "2024-04-07" },
	{ "without a calendar only weekends rest",
	  "status: mediating\naccepted_on: 2024-03-05\n", NULL, true,
	  "2024-04-05" },
	{ "a month from 31 January ends on 29 February",
	  "status: mediating\naccepted_on: 2024-01-31\n", NULL, false,
	  "2024-02-29" },
	{ "a month from 31 January 2023 ends on 28 February",
	  "status: mediating\naccepted_on: 2023-01-31\n", NULL, false,
	  "2023-02-28" },
	{ "last day on a Saturday moves to Monday",
	  "status: mediating\naccepted_on: 2024-02-09\n", NULL, false,
	  "2024-03-11" },
	{ "reported: 3 working days",
	  "status: reported\nreported_on: 2024-03-05\n", NULL, false,
	  "2024-03-08" },
	{ "reported over a weekend",
	  "status: reported\nreported_on: 2024-03-07\n", NULL, false,
	  "2024-03-12" },
	{ "reported before National Day: 调休 Sunday counts",
	  "status: reported\nreported_on: 2024-09-27\n", NULL, false,
	  "2024-10-08" },
	{ "reported: accepted_on plays no part",
	  "status: reported\nreported_on: 2024-03-05\n"
	  "accepted_on: 2024-01-01\n", NULL, false, "2024-03-08" },
	{ "reported without reported_on",
	  "status: reported\n", NULL, false, NULL },
	{ "mediating without accepted_on",
	  "status: mediating\n", NULL, false, NULL },
	{ "closed: due_on removed",
	  "status: closed\naccepted_on: 2024-03-05\ndue_on: 2024-04-07\n",
	  NULL, false, NULL },
	{ "R14: closed 03-10, 归档 30 days later",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: failed\n", NULL,
	  false, "2024-04-09" },
	{ "R14: fq.yaml archive 15 days",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: failed\n",
	  "deadlines:\n  archive: 15 days\n", false, "2024-03-25" },
	{ "R14: closed before it was entered (imported): none",
	  "status: closed\nclosed_on: 2024-03-01\noutcome: failed\n", NULL,
	  false, NULL },
	{ "R14: closed before archive_from: none",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: failed\n",
	  "deadlines:\n  archive_from: 2024-03-11\n", false, NULL },
	{ "R14: closed on archive_from counts",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: failed\n",
	  "deadlines:\n  archive_from: 2024-03-10\n", false, "2024-04-09" },
	{ "R14: archive off",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: failed\n",
	  "deadlines:\n  archive: 'off'\n", false, NULL },
	{ "R14: not for a duplicate",
	  "status: closed\nclosed_on: 2024-03-10\noutcome: duplicate\n",
	  NULL, false, NULL },
	{ "R16 is a flag: due_on stays R1",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: yellow\n"
	  "plan: 一案一策\nevents:\n- at: 2024-03-05T09:00:00+08:00\n"
	  "  kind: intake\n", NULL, false, "2024-04-07" },
	{ "archived: due_on removed",
	  "status: archived\naccepted_on: 2024-03-05\ndue_on: 2024-04-07\n",
	  NULL, false, NULL },
	{ "no status: due_on removed",
	  "accepted_on: 2024-03-05\ndue_on: 2024-04-07\n", NULL, false, NULL },
	{ "an old due_on is replaced",
	  "status: mediating\naccepted_on: 2024-03-05\ndue_on: 2000-01-01\n",
	  NULL, false, "2024-04-07" },
	{ "extended_until wins",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "extended_until: 2024-05-20\n", NULL, false, "2024-05-20" },
	{ "extended_until on a holiday is kept as agreed",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "extended_until: 2024-05-01\n", NULL, false, "2024-05-01" },
	{ "fq.yaml: 30 days",
	  "status: mediating\naccepted_on: 2024-01-31\n",
	  "deadlines:\n  mediation: 30 days\n", false, "2024-03-01" },
	{ "fq.yaml: 30日",
	  "status: mediating\naccepted_on: 2024-01-31\n",
	  "deadlines:\n  mediation: 30日\n", false, "2024-03-01" },
	{ "fq.yaml: 2 months into Labour Day",
	  "status: mediating\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: 2 months\n", false, "2024-05-06" },
	{ "fq.yaml: another key leaves mediation alone",
	  "status: mediating\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  triage: 5 workdays\n", false, "2024-04-07" },
	{ "fq.yaml: triage 5 workdays",
	  "status: reported\nreported_on: 2024-03-05\n",
	  "deadlines:\n  triage: 5 workdays\n", false, "2024-03-12" },
	{ "fq.yaml without deadlines",
	  "status: mediating\naccepted_on: 2024-03-05\n",
	  "unit: QSZ\nname: 青山镇\n", false, "2024-04-07" },
	{ "red, not reported up: 4 hours from created_at (09:00), that day",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n",
	  NULL, false, "2024-03-05" },
	{ "red without a plan, reported up: the plan is due first",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n"
	  "events:\n- at: 2024-03-05T10:00:00+08:00\n  kind: report_up\n",
	  NULL, false, "2024-03-08" },
	{ "red without a plan, report_red off: the plan is due first",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n",
	  "deadlines:\n  report_red: 'off'\n", false, "2024-03-08" },
	{ "red: report_red 1 day is a day period (Wednesday 03-06)",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n",
	  "deadlines:\n  report_red: 1 day\n", false, "2024-03-06" },
	{ "red at 22:00: 4 hours run into the next day, a Saturday, unmoved",
	  "status: mediating\naccepted_on: 2024-03-08\nrisk_color: red\n"
	  "plan: 包案\nevents:\n- at: 2024-03-08T22:00:00+08:00\n"
	  "  kind: risk_change\n", NULL, false, "2024-03-09" },
	{ "red again after a report: reported before it turned red, due",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n"
	  "plan: 包案\nevents:\n- at: 2024-03-05T10:00:00+08:00\n"
	  "  kind: report_up\n- at: 2024-03-20T10:00:00+08:00\n"
	  "  kind: risk_change\n", NULL, false, "2024-03-20" },
	{ "red from an intake dated before it was entered: no report up",
	  "status: mediating\naccepted_on: 2024-03-01\nrisk_color: red\n"
	  "plan: 包案\nevents:\n- at: 2024-03-05T10:00:00+08:00\n"
	  "  kind: intake\n  effective_on: 2024-03-01\n", NULL, false,
	  "2024-04-01" },
	{ "... but it is once it turns red again in fq",
	  "status: mediating\naccepted_on: 2024-03-01\nrisk_color: red\n"
	  "plan: 包案\nevents:\n- at: 2024-03-05T10:00:00+08:00\n"
	  "  kind: intake\n  effective_on: 2024-03-01\n"
	  "- at: 2024-03-06T10:00:00+08:00\n  kind: risk_change\n", NULL,
	  false, "2024-03-06" },
	{ "red with a plan, reported up",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: red\n"
	  "plan: 包案领导牵头\nevents:\n- at: 2024-03-05T12:59:00+08:00\n"
	  "  kind: report_up\n", NULL, false, "2024-04-07" },
	{ "R8: simple, 1 day from acceptance",
	  "status: accepted\naccepted_on: 2024-03-05\ncomplexity: simple\n",
	  NULL, false, "2024-03-06" },
	{ "R8: ordinary, 7 days (03-12)",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "complexity: ordinary\n", NULL, false, "2024-03-12" },
	{ "R8: complex, 20 days (03-25)",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "complexity: complex\n", NULL, false, "2024-03-25" },
	{ "R8: complex, 20 days from 09-11 = 10-01 (国庆) -> 10-08",
	  "status: mediating\naccepted_on: 2024-09-11\n"
	  "complexity: complex\n", NULL, false, "2024-10-08" },
	{ "R8: simple, from Friday 2024-04-26 = Saturday -> Sunday 04-28 (调休)",
	  "status: mediating\naccepted_on: 2024-04-26\n"
	  "complexity: simple\n", NULL, false, "2024-04-28" },
	{ "R8: the county's profile: complex 30 days",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "complexity: complex\n",
	  "deadlines:\n  complexity_complex: 30 days\n", false, "2024-04-07" },
	{ "R8: complexity_ordinary off: R1 only",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "complexity: ordinary\n",
	  "deadlines:\n  complexity_ordinary: 'off'\n", false, "2024-04-07" },
	{ "R8: an extension replaces it, as it does R1",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "complexity: simple\nextended_until: 2024-04-20\n", NULL, false,
	  "2024-04-20" },
	{ "R8: not for an agreed case",
	  "status: agreed\naccepted_on: 2024-03-05\ncomplexity: simple\n",
	  NULL, false, NULL },
	{ "R8: an unknown grade has no period",
	  "status: mediating\naccepted_on: 2024-03-05\ncomplexity: odd\n",
	  NULL, false, "2024-04-07" },
	{ "yellow without a plan: 7 days from the intake",
	  "status: mediating\naccepted_on: 2024-03-05\nrisk_color: yellow\n",
	  NULL, false, "2024-03-12" },
	{ "closed red without a plan: nothing due",
	  "status: closed\naccepted_on: 2024-03-05\nrisk_color: red\n",
	  NULL, false, NULL },
	/* R6: the first visit after the agreement. */
	{ "agreed: visit 15 days after effective_on",
	  "status: agreed\naccepted_on: 2024-03-05\n"
	  "agreement: {form: oral, effective_on: 2024-03-10}\n", NULL, false,
	  "2024-03-25" },
	{ "agreed: or after performance_due when later (Labour Day)",
	  "status: agreed\naccepted_on: 2024-03-05\n"
	  "agreement: {form: oral, effective_on: 2024-03-10, "
	  "performance_due: 2024-04-16}\n", NULL, false, "2024-05-06" },
	{ "agreed and visited: nothing due",
	  "status: agreed\naccepted_on: 2024-03-05\n"
	  "agreement: {form: oral, effective_on: 2024-03-10}\n"
	  "visits: [{\"on\": 2024-03-12, method: phone}]\n", NULL, false,
	  NULL },
	{ "agreed: a visit before the agreement does not count",
	  "status: agreed\naccepted_on: 2024-03-05\n"
	  "agreement: {form: oral, effective_on: 2024-03-10}\n"
	  "visits: [{\"on\": 2024-03-08, method: phone}]\n", NULL, false,
	  "2024-03-25" },
	/* Referrals. */
	{ "referred_out: R1 pauses, the receipt is due",
	  "status: referred_out\naccepted_on: 2024-03-05\n"
	  "referrals: [{\"n\": 1, state: sent, due_receipt: 2024-03-13, "
	  "due_result: 2024-04-15}]\n", NULL, false, "2024-03-13" },
	{ "referred_out, signed for: the result is due",
	  "status: referred_out\naccepted_on: 2024-03-05\n"
	  "referrals: [{\"n\": 1, state: received, due_receipt: 2024-03-13, "
	  "due_result: 2024-04-15}]\n", NULL, false, "2024-04-15" },
	{ "a referral's extension replaces its result date",
	  "status: referred_out\naccepted_on: 2024-03-05\n"
	  "referrals: [{\"n\": 1, state: received, due_result: 2024-03-15, "
	  "extended_until: 2024-05-20}]\n", NULL, false, "2024-05-20" },
	{ "an answered referral is due no more",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "referrals: [{\"n\": 1, state: returned, due_receipt: 2024-03-06, "
	  "due_result: 2024-03-07}]\n", NULL, false, "2024-04-07" },
	{ "refused and cancelled referrals are due no more",
	  "status: mediating\naccepted_on: 2024-03-05\n"
	  "referrals: [{\"n\": 1, state: refused, due_result: 2024-03-07}, "
	  "{\"n\": 2, state: cancelled, due_receipt: 2024-03-08}]\n", NULL,
	  false, "2024-04-07" },
	{ "returned for mediation: R1 resumes with the days that were left",
	  "status: mediating\naccepted_on: 2024-03-05\nevents:\n"
	  "- {at: 2024-03-12T10:00:00+08:00, kind: state_change, "
	  "state_from: mediating, state_to: referred_out}\n"
	  "- {at: 2024-03-25T10:00:00+08:00, effective_on: 2024-03-20, "
	  "kind: state_change, state_from: referred_out, "
	  "state_to: mediating}\n", NULL, false, "2024-04-15" },
	{ "referred twice: both pauses count",
	  "status: mediating\naccepted_on: 2024-03-05\nevents:\n"
	  "- {at: 2024-03-06T10:00:00+08:00, kind: state_change, "
	  "state_from: mediating, state_to: referred_out}\n"
	  "- {at: 2024-03-08T10:00:00+08:00, kind: state_change, "
	  "state_from: referred_out, state_to: mediating}\n"
	  "- {at: 2024-03-10T10:00:00+08:00, kind: state_change, "
	  "state_from: mediating, state_to: referred_out}\n"
	  "- {at: 2024-03-13T10:00:00+08:00, kind: state_change, "
	  "state_from: referred_out, state_to: mediating}\n", NULL, false,
	  "2024-04-10" },
	{ "referred and brought back the same day: no pause",
	  "status: mediating\naccepted_on: 2024-03-05\nevents:\n"
	  "- {at: 2024-03-12T10:00:00+08:00, kind: state_change, "
	  "state_from: mediating, state_to: referred_out}\n"
	  "- {at: 2024-03-12T16:00:00+08:00, kind: state_change, "
	  "state_from: referred_out, state_to: mediating}\n", NULL, false,
	  "2024-04-07" },
	{ "an inbound referral due before R1 wins",
	  "status: mediating\naccepted_on: 2024-03-11\n"
	  "referrals: [{\"n\": 1, direction: inbound, state: received, "
	  "due_result: 2024-04-10}]\n", NULL, false, "2024-04-10" },
	{ "closed with feedback still owed to the court",
	  "status: closed\naccepted_on: 2024-03-11\n"
	  "referrals: [{\"n\": 1, direction: inbound, state: received, "
	  "due_result: 2024-04-10}]\n", NULL, false, "2024-04-10" },
	{ "archived with feedback still owed",
	  "status: archived\naccepted_on: 2024-03-11\n"
	  "referrals: [{\"n\": 1, state: received, "
	  "due_result: 2024-04-10}]\n", NULL, false, "2024-04-10" },
};

/* Test: the result deadline of a referral by kind and channel
 * Description: DOMAIN.md §3.7 and R2, R3, R9-R11, from the day of 签收,
 * with the defaults and with a county's profile. */
static const struct {
	const char *kind, *channel;
	bool simple;
	const char *start, *config, *want;	/* want NULL: none */
} referral_dues[] = {
	{ "delegate", "litigation", false, "2024-03-11", NULL, "2024-04-10" },
	{ "delegate", "litigation", false, "2024-03-11",
	  "deadlines:\n  court_delegate: 20 days\n", "2024-04-01" },
	{ "delegate", "litigation", false, "2024-09-11", NULL, "2024-10-11" },
	{ "delegate", "litigation", false, "2024-09-12", NULL, "2024-10-12" },
	{ "entrust", "litigation", false, "2024-03-11", NULL, "2024-03-26" },
	{ "entrust", "litigation", true, "2024-03-11", NULL, "2024-03-18" },
	{ "entrust", "litigation", true, "2024-09-26", NULL, "2024-10-08" },
	{ "entrust", "litigation", false, "2024-03-11",
	  "deadlines:\n  court_entrust_ordinary: 10 days\n", "2024-03-21" },
	{ "transfer", "police", false, "2024-03-18", NULL, "2024-03-25" },
	{ "transfer", "police", false, "2024-09-09", NULL, "2024-09-14" },
	{ "entrust", "police", false, "2024-04-30", NULL, "2024-05-06" },
	{ "transfer", "petition", false, "2024-03-01", NULL, "2024-04-30" },
	{ "assign", "internal", false, "2024-04-20", NULL, "2024-05-06" },
	{ "escalate", "internal", false, "2024-01-31", NULL, "2024-02-29" },
	{ "transfer", "litigation", false, "2024-03-14", NULL, "2024-04-15" },
	{ "invite", "police", false, "2024-03-14", NULL, NULL },
	{ "summon", "administrative", false, "2024-03-14", NULL, NULL },
};

START_TEST(test_deadline_referral_due)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *config = NULL;
	char out[FQ_DATE_SIZE] = "";
	int ret;

	if (referral_dues[_i].config)
		config = fq_test_parse(referral_dues[_i].config);
	ret = fq_referral_due(out, cal, config, referral_dues[_i].kind,
		referral_dues[_i].channel, referral_dues[_i].simple,
		referral_dues[_i].start, &err);
	if (referral_dues[_i].want) {
		ck_assert_msg(ret == FQ_OK, "%s/%s: %s", referral_dues[_i].kind,
			referral_dues[_i].channel, err.msg);
		ck_assert_msg(!strcmp(out, referral_dues[_i].want),
			"%s/%s from %s: %s, want %s", referral_dues[_i].kind,
			referral_dues[_i].channel, referral_dues[_i].start, out,
			referral_dues[_i].want);
	} else {
		ck_assert_int_eq(ret, FQ_ENOTFOUND);
	}
	fq_node_free(config);
}
END_TEST

START_TEST(test_deadline_update_due)
{
	struct fq_buf doc = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c, *config = NULL;
	const char *yaml = dues[_i].yaml;

	/* A case that sets risk_color itself replaces BASE's. */
	if (strstr(yaml, "risk_color:")) {
		fq_buf_adds(&doc, "id: QSZ-2024-000001\n"
			"created_at: 2024-03-05T09:00:00+08:00\n");
		fq_buf_adds(&doc, yaml);
	} else {
		fq_buf_addf(&doc, BASE "%s", yaml);
	}
	c = fq_test_parse(doc.buf);
	if (dues[_i].config)
		config = fq_test_parse(dues[_i].config);
	ck_assert_msg(fq_case_update_due(c, dues[_i].no_cal ? NULL : cal,
		config, &err) == FQ_OK, "%s: %s", dues[_i].what, err.msg);
	if (dues[_i].due) {
		ck_assert_msg(fq_map_str(c, "due_on") != NULL, "%s: no due_on",
			dues[_i].what);
		ck_assert_msg(!strcmp(fq_map_str(c, "due_on"), dues[_i].due),
			"%s: due %s, want %s", dues[_i].what,
			fq_map_str(c, "due_on"), dues[_i].due);
	} else {
		ck_assert_msg(fq_map_get(c, "due_on") == NULL,
			"%s: due_on %s, want none", dues[_i].what,
			fq_map_str(c, "due_on"));
	}
	/* Running it again changes nothing. */
	ck_assert_int_eq(fq_case_update_due(c, dues[_i].no_cal ? NULL : cal,
		config, &err), FQ_OK);
	if (dues[_i].due)
		ck_assert_str_eq(fq_map_str(c, "due_on"), dues[_i].due);
	else
		ck_assert_ptr_null(fq_map_get(c, "due_on"));
	fq_node_free(config);
	fq_node_free(c);
	fq_buf_release(&doc);
}
END_TEST

/* A replaced due_on keeps its place in the file. */
START_TEST(test_deadline_due_keeps_place)
{
	struct fq_node *c = fq_test_parse(BASE "status: mediating\n"
		"due_on: 2000-01-01\naccepted_on: 2024-03-05\n");
	long at = fq_map_index(c, "due_on");

	ck_assert_int_eq(fq_case_update_due(c, cal, NULL, NULL), FQ_OK);
	ck_assert_int_eq(fq_map_index(c, "due_on"), at);
	ck_assert_str_eq(fq_map_str(c, "due_on"), "2024-04-07");
	fq_node_free(c);
}
END_TEST

/* Test: a bad period in fq.yaml
 * Description: the error names the setting (deadlines.KEY) so the clerk
 * knows what to fix; a setting the case does not use is not read. */
static const struct {
	const char *yaml;
	const char *config;
	const char *msg;	/* NULL: no error expected */
} bad_configs[] = {
	{ "status: mediating\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: soon\n", "deadlines.mediation" },
	{ "status: mediating\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: 0 days\n", "deadlines.mediation" },
	{ "status: accepted\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: \"30\"\n", "deadlines.mediation" },
	{ "status: mediating\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: 1月\n", "deadlines.mediation" },
	{ "status: reported\nreported_on: 2024-03-05\n",
	  "deadlines:\n  triage: three workdays\n", "deadlines.triage" },
	{ "status: reported\nreported_on: 2024-03-05\n",
	  "deadlines:\n  mediation: soon\n", NULL },
	{ "status: closed\naccepted_on: 2024-03-05\n",
	  "deadlines:\n  mediation: soon\n", NULL },
};

START_TEST(test_deadline_bad_config)
{
	struct fq_buf doc = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c, *config;
	int r;

	fq_buf_addf(&doc, BASE "%s", bad_configs[_i].yaml);
	c = fq_test_parse(doc.buf);
	config = fq_test_parse(bad_configs[_i].config);
	r = fq_case_update_due(c, cal, config, &err);
	if (!bad_configs[_i].msg) {
		ck_assert_msg(r == FQ_OK, "%s", err.msg);
	} else {
		ck_assert_int_eq(r, FQ_EUSAGE);
		ck_assert_int_eq(err.code, FQ_EUSAGE);
		ck_assert_msg(strstr(err.msg, bad_configs[_i].msg) != NULL,
			"message '%s' lacks '%s'", err.msg,
			bad_configs[_i].msg);
		/* No error struct: the same code, no crash. */
		ck_assert_int_eq(fq_case_update_due(c, cal, config, NULL),
			FQ_EUSAGE);
	}
	fq_node_free(config);
	fq_node_free(c);
	fq_buf_release(&doc);
}
END_TEST

/* A date in the case that is not a date is an error, not a guess. */
START_TEST(test_deadline_bad_date)
{
	struct fq_node *c = fq_test_parse(BASE "status: mediating\n"
		"accepted_on: 2024-02-30\n");
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_lt(fq_case_update_due(c, cal, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "2024-02-30"));
	fq_node_free(c);
}
END_TEST

static const struct {
	const char *config;	/* NULL: no fq.yaml */
	const char *key, *def;
	int amount;
	enum fq_period_unit unit;
} periods[] = {
	{ NULL, "mediation", "1 month", 1, FQ_PERIOD_MONTHS },
	{ "unit: QSZ\n", "triage", "3 workdays", 3, FQ_PERIOD_WORKDAYS },
	{ "deadlines:\n  mediation: 30 days\n", "mediation", "1 month", 30,
	  FQ_PERIOD_DAYS },
	{ "deadlines:\n  mediation: 30 days\n", "triage", "3 workdays", 3,
	  FQ_PERIOD_WORKDAYS },
	{ "deadlines:\n  visit: 十五日\n", "visit", "15 days", 15,
	  FQ_PERIOD_DAYS },
	{ "deadlines:\n  plan_red: 24小时\n", "plan_red", "3 days", 24,
	  FQ_PERIOD_HOURS },
	{ "deadlines:\n  mediation: ~\n", "mediation", "1 month", 1,
	  FQ_PERIOD_MONTHS },
};

START_TEST(test_deadline_period)
{
	struct fq_node *config = periods[_i].config ?
		fq_test_parse(periods[_i].config) : NULL;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p = { 0, FQ_PERIOD_DAYS };

	ck_assert_msg(fq_deadline_period(&p, config, periods[_i].key,
		periods[_i].def, &err) == FQ_OK, "%s", err.msg);
	ck_assert_int_eq(p.amount, periods[_i].amount);
	ck_assert_int_eq(p.unit, periods[_i].unit);
	fq_node_free(config);
}
END_TEST

START_TEST(test_deadline_period_bad)
{
	struct fq_node *config = fq_test_parse("deadlines:\n  visit: 15\n");
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p = { 7, FQ_PERIOD_DAYS };

	ck_assert_int_eq(fq_deadline_period(&p, config, "visit", "15 days",
		&err), FQ_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "deadlines.visit"));
	ck_assert_ptr_nonnull(strstr(err.msg, "fq.yaml"));
	ck_assert_int_eq(p.amount, 7);		/* left alone */
	ck_assert_int_eq(fq_deadline_period(&p, config, "visit", "15 days",
		NULL), FQ_EUSAGE);
	fq_node_free(config);
}
END_TEST

static const struct {
	const char *a, *b;
	int days;
} betweens[] = {
	{ "2024-03-01", "2024-03-31", 30 },
	{ "2024-03-31", "2024-03-01", -30 },
	{ "2024-02-28", "2024-03-01", 2 },
	{ "2023-02-28", "2023-03-01", 1 },
	{ "2024-01-01", "2025-01-01", 366 },
	{ "2024-03-05", "2024-03-05", 0 },
	{ "2024-02-30", "2024-03-01", 0 },
	{ "2024-03-01", "yesterday", 0 },
	{ NULL, "2024-03-01", 0 },
	{ "2024-03-01", NULL, 0 },
};

START_TEST(test_deadline_days_between)
{
	ck_assert_int_eq(fq_days_between(betweens[_i].a, betweens[_i].b),
		betweens[_i].days);
}
END_TEST

struct seen {
	char rules[128];
	char dues[256];
	char last_at[FQ_NOW_ISO_SIZE];	/* of the last hour deadline */
	int calls, stop_at;
};

static int
collect(const struct fq_deadline *d, void *data)
{
	struct seen *s = data;
	size_t l;

	s->calls++;
	l = strlen(s->rules);
	snprintf(s->rules + l, sizeof(s->rules) - l, "%s%s", l ? " " : "",
		d->rule);
	l = strlen(s->dues);
	snprintf(s->dues + l, sizeof(s->dues) - l, "%s%s", l ? " " : "",
		d->due);
	ck_assert_ptr_nonnull(d->what);
	if (*d->at)
		snprintf(s->last_at, sizeof(s->last_at), "%s", d->at);
	return s->calls == s->stop_at ? 42 : 0;
}

/* Every active deadline is reported, the earliest is due_on, and a
 * callback's non-zero return stops the walk and is returned. */
START_TEST(test_deadline_each)
{
	struct fq_node *c = fq_test_parse(BASE
		"status: mediating\naccepted_on: 2024-03-05\n"
		"referrals:\n"
		"- \"n\": 1\n  state: sent\n  due_receipt: 2024-03-08\n"
		"  due_result: 2024-03-20\n"
		"- \"n\": 2\n  state: returned\n  due_result: 2024-03-01\n");
	struct fq_error err = FQ_ERROR_INIT;
	struct seen s;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(fq_case_deadlines(c, cal, NULL, collect, &s, &err),
		FQ_OK);
	ck_assert_str_eq(s.rules, "R1 receipt result");
	ck_assert_str_eq(s.dues, "2024-04-07 2024-03-08 2024-03-20");
	ck_assert_int_eq(fq_case_update_due(c, cal, NULL, &err), FQ_OK);
	ck_assert_str_eq(fq_map_str(c, "due_on"), "2024-03-08");

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	/* R16: a red case with a plan, last event 03-12 (effective_on
	 * counts), stale 10 days later (03-22, a Friday) */
	{
		struct fq_node *r = fq_test_parse("id: QSZ-2024-000002\n"
			"risk_color: red\nplan: 一案一策\n"
			"status: mediating\naccepted_on: 2024-03-05\n"
			"events:\n- at: 2024-03-05T09:00:00+08:00\n"
			"  kind: intake\n- at: 2024-03-05T11:00:00+08:00\n"
			"  kind: report_up\n- at: 2024-03-14T09:00:00+08:00\n"
			"  kind: session\n  effective_on: 2024-03-12\n");
		struct fq_node *offc = fq_test_parse("deadlines:\n  stale: 'off'\n");
		struct seen t;

		memset(&t, 0, sizeof(t));
		ck_assert_int_eq(fq_case_deadlines(r, cal, NULL, collect, &t,
			&err), FQ_OK);
		ck_assert_str_eq(t.rules, "R1 R16");
		ck_assert_str_eq(t.dues, "2024-04-07 2024-03-22");
		memset(&t, 0, sizeof(t));
		ck_assert_int_eq(fq_case_deadlines(r, cal, offc, collect, &t,
			&err), FQ_OK);
		ck_assert_str_eq(t.rules, "R1");
		fq_map_set(r, "risk_color", fq_node_scalar("blue"));
		memset(&t, 0, sizeof(t));
		ck_assert_int_eq(fq_case_deadlines(r, cal, NULL, collect, &t,
			&err), FQ_OK);
		ck_assert_str_eq(t.rules, "R1");
		fq_node_free(offc);
		fq_node_free(r);
	}
	ck_assert_int_eq(fq_case_deadlines(c, cal, NULL, collect, &s, &err),
		42);
	ck_assert_int_eq(s.calls, 2);
	fq_node_free(c);
}
END_TEST

/* Test: R7's report up, a moment
 * Description: a red case not reported up has a report_up deadline 4
 * hours after it turned red, with the moment in `at` (in the offset of
 * the event) and due_at on the case when it falls on due_on; a report_up
 * event clears it; fq_due_passed() compares the moment with now. */
START_TEST(test_deadline_report_up)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = fq_test_parse(BASE
		"status: mediating\naccepted_on: 2024-03-05\n"
		"events:\n- at: 2024-03-05T09:00:00+08:00\n  kind: intake\n"
		"- at: 2024-03-06T21:30:00+08:00\n  kind: risk_change\n");
	struct fq_node *ev;
	struct seen s;

	fq_map_set(c, "risk_color", fq_node_scalar("red"));
	fq_map_set(c, "plan", fq_node_scalar("一案一策"));
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(fq_case_deadlines(c, cal, NULL, collect, &s, &err),
		FQ_OK);
	ck_assert_str_eq(s.rules, "R1 R16 report_up");
	ck_assert_str_eq(s.dues, "2024-04-07 2024-03-18 2024-03-07");
	ck_assert_str_eq(s.last_at, "2024-03-07T01:30:00+08:00");
	ck_assert_int_eq(fq_case_update_due(c, cal, NULL, &err), FQ_OK);
	ck_assert_str_eq(fq_map_str(c, "due_on"), "2024-03-07");
	ck_assert_str_eq(fq_map_str(c, "due_at"), "2024-03-07T01:30:00+08:00");
	/* overdue at 01:31 that night, not at 01:30 nor the day before */
	ck_assert(!fq_due_passed("2024-03-07", "2024-03-07T01:30:00+08:00",
		"2024-03-07", "2024-03-07T01:30:00+08:00"));
	ck_assert(fq_due_passed("2024-03-07", "2024-03-07T01:30:00+08:00",
		"2024-03-07", "2024-03-07T01:31:00+08:00"));
	ck_assert(fq_due_passed("2024-03-07", "2024-03-07T01:30:00+08:00",
		"2024-03-07", "2024-03-06T17:31:00Z"));
	ck_assert(!fq_due_passed("2024-03-07", "2024-03-07T01:30:00+08:00",
		"2024-03-06", "2024-03-06T23:00:00+08:00"));
	ck_assert(fq_due_passed("2024-03-07", NULL, "2024-03-08", NULL));
	ck_assert(!fq_due_passed("2024-03-07", NULL, "2024-03-07",
		"2024-03-07T23:59:00+08:00"));
	/* 2 hours in fq.yaml */
	{
		struct fq_node *cfg = fq_test_parse("deadlines:\n"
			"  report_red: 2小时\n");

		memset(&s, 0, sizeof(s));
		ck_assert_int_eq(fq_case_deadlines(c, cal, cfg, collect, &s,
			&err), FQ_OK);
		ck_assert_str_eq(s.last_at, "2024-03-06T23:30:00+08:00");
		ck_assert_int_eq(fq_case_update_due(c, cal, cfg, &err), FQ_OK);
		ck_assert_str_eq(fq_map_str(c, "due_on"), "2024-03-06");
		fq_node_free(cfg);
	}
	/* reported at 23:00: nothing is due but R1 */
	ev = fq_node_new(FQ_NODE_MAP);
	fq_map_set(ev, "at", fq_node_scalar("2024-03-06T23:00:00+08:00"));
	fq_map_set(ev, "kind", fq_node_scalar("report_up"));
	fq_seq_push(fq_map_get(c, "events"), ev);
	ck_assert_int_eq(fq_case_update_due(c, cal, NULL, &err), FQ_OK);
	ck_assert_str_eq(fq_map_str(c, "due_on"), "2024-04-07");
	ck_assert_ptr_null(fq_map_get(c, "due_at"));
	/* a yellow case is not reported up */
	fq_map_set(c, "risk_color", fq_node_scalar("yellow"));
	ck_assert_uint_eq(fq_map_get(c, "events")->len, 3);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(fq_case_deadlines(c, cal, NULL, collect, &s, &err),
		FQ_OK);
	ck_assert_str_eq(s.rules, "R1 R16");
	fq_node_free(c);
}
END_TEST

/* Test: R16 as `fq list stale` asks it
 * Description: fq_stale_due() for open red and yellow cases only, from
 * the last event's day, with deadlines.stale; the day of the last event
 * is effective_on, else the day of at. */
START_TEST(test_deadline_stale_due)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *cfg = fq_test_parse("deadlines:\n  stale: 5 days\n");
	struct fq_node *offc = fq_test_parse("deadlines:\n  stale: 'off'\n");
	struct fq_node *c = fq_test_parse("events:\n"
		"- at: 2024-03-14T09:00:00+08:00\n  effective_on: 2024-03-12\n"
		"- at: 2024-03-13T09:00:00+08:00\n");
	char out[FQ_DATE_SIZE], buf[FQ_DATE_SIZE];

	ck_assert_str_eq(fq_case_last_event(c, buf), "2024-03-13");
	ck_assert_int_eq(fq_stale_due(out, cal, NULL, "mediating", "red",
		"2024-03-12", &err), FQ_OK);
	ck_assert_str_eq(out, "2024-03-22");
	ck_assert_int_eq(fq_stale_due(out, cal, cfg, "agreed", "yellow",
		"2024-03-12", &err), FQ_OK);
	ck_assert_str_eq(out, "2024-03-18");	/* Sunday 03-17 moved */
	ck_assert_int_eq(fq_stale_due(out, cal, NULL, "mediating", "blue",
		"2024-03-12", &err), FQ_ENOTFOUND);
	ck_assert_int_eq(fq_stale_due(out, cal, NULL, "closed", "red",
		"2024-03-12", &err), FQ_ENOTFOUND);
	ck_assert_int_eq(fq_stale_due(out, cal, NULL, "mediating", "red",
		NULL, &err), FQ_ENOTFOUND);
	ck_assert_int_eq(fq_stale_due(out, cal, offc, "mediating", "red",
		"2024-03-12", &err), FQ_ENOTFOUND);
	fq_node_free(c);
	fq_node_free(cfg);
	fq_node_free(offc);
}
END_TEST

Suite *
fq_deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("due");
	tcase_add_checked_fixture(tc, cal_setup, cal_teardown);
	LOOP(tc, test_deadline_update_due, dues);
	LOOP(tc, test_deadline_referral_due, referral_dues);
	tcase_add_test(tc, test_deadline_due_keeps_place);
	LOOP(tc, test_deadline_bad_config, bad_configs);
	tcase_add_test(tc, test_deadline_bad_date);
	tcase_add_test(tc, test_deadline_each);
	tcase_add_test(tc, test_deadline_report_up);
	tcase_add_test(tc, test_deadline_stale_due);
	suite_add_tcase(s, tc);

	tc = tcase_create("period");
	LOOP(tc, test_deadline_period, periods);
	tcase_add_test(tc, test_deadline_period_bad);
	LOOP(tc, test_deadline_days_between, betweens);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
