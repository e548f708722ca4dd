/*
 * deadline.h: the due dates of a case, from its dates, the repository's
 * deadline profile (fq.yaml `deadlines:`) and the holiday calendar.
 *
 * Active rules (DOMAIN.md §3.8.2; the defaults are [PROPOSAL] values a
 * county changes in fq.yaml):
 *
 *	R15 triage	reported: reported_on + deadlines.triage (3 workdays)
 *	R1  mediation	accepted, mediating: accepted_on +
 *			deadlines.mediation (1 month), or extended_until;
 *			the days spent referred_out do not count (T10
 *			pauses it, T12 resumes it with the days left)
 *	R6  visit	agreed, no visit since the agreement: the later of
 *			effective_on and performance_due + deadlines.visit
 *			(15 days)
 *	R8  complexity	accepted, mediating, marked simple / ordinary /
 *			complex (complexity): the start of R1 +
 *			deadlines.complexity_simple (1 day) /
 *			complexity_ordinary (7 days) / complexity_complex
 *			(20 days); none when extended_until is set
 *	R7  plan	red or yellow, open, no plan: the day the colour was
 *			set + deadlines.plan_red (3 days) / plan_yellow (7)
 *	report_up	red, open, no report_up event since it turned red
 *			(the `at` of its last risk_change, else of its
 *			intake): that moment + deadlines.report_red
 *			(4 hours), a moment (at) and its day (due); not
 *			for a case red from an intake dated before it was
 *			entered (historical, as for R14)
 *	R16 stale	red or yellow, open: the day of the last event +
 *			deadlines.stale (10 days); a flag, not in due_on
 *	R14 archive	closed: closed_on + deadlines.archive (30 days);
 *			not when closed_on is before the day the case was
 *			entered (created_at: an imported historical case)
 *			or before deadlines.archive_from
 *	referrals	each referral in state sent: due_receipt; in sent or
 *			received: extended_until, else due_result
 *
 * deadlines.archive, stale, report_red or complexity_KIND set to `off`
 * turns that rule off.  due_on is the earliest of them but R16; due_at
 * the moment of an hour deadline (report_up) that falls on due_on, the
 * earliest if several.  An archived case has only
 * the deadlines of referrals still waiting (feedback still owed).
 */
#ifndef FQ_DEADLINE_H
#define FQ_DEADLINE_H

#include <stdbool.h>
#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"

/* The period configured for key in config's deadlines (or def). */
int fq_deadline_period(struct fq_period *out, const struct fq_node *config,
	const char *key, const char *def, struct fq_error *err);

/* start + the period configured for key (or def), as YYYY-MM-DD. */
int fq_deadline_from(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *key, const char *def,
	const char *start, struct fq_error *err);

struct fq_deadline {
	const char *rule;	/* "R1", "R6", "R7", "R8", "R14", "R15",
				 * "R16", "report_up", "receipt", "result" */
	const char *what;	/* short Chinese description */
	char due[FQ_DATE_SIZE];
	char at[FQ_NOW_ISO_SIZE];	/* an hour deadline's moment, or "" */
	int referral;		/* referral number, or 0 */
};

/* Call fn for every active deadline of c.  fn returns non-zero to stop. */
typedef int (*fq_deadline_fn)(const struct fq_deadline *d, void *data);
int fq_case_deadlines(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err);

/* Recompute c's due_on (set or removed).  cal may be NULL. */
int fq_case_update_due(struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, struct fq_error *err);

/*
 * The result (反馈) deadline of a referral of this kind and channel that
 * started on `start` (签收 date), from the deadline profile:
 *
 *	delegate                 court_delegate          30 days
 *	entrust, litigation      court_entrust_ordinary  15 days
 *	                         (simple: court_entrust_simple, 7 days)
 *	entrust/transfer, police police_transfer         5 days
 *	transfer, petition       petition_transfer       60 days
 *	assign                   assign                  15 days
 *	escalate, other transfer mediation               1 month
 *	invite, summon           none: FQ_ENOTFOUND
 */
int fq_referral_due(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *kind, const char *channel,
	bool simple, const char *start, struct fq_error *err);

/* The day of c's last event (effective_on, else the day of at) into buf,
 * or NULL if it has none: the progress R16 looks at. */
const char *fq_case_last_event(const struct fq_node *c,
	char buf[FQ_DATE_SIZE]);

/*
 * R16: the day after which a case of this status and colour whose last
 * event was on `last` is stale (last + deadlines.stale, 10 days).
 * @retval FQ_ENOTFOUND	no such flag: not open, not red or yellow, no
 *			event, or deadlines.stale: off
 */
int fq_stale_due(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *status, const char *color,
	const char *last, struct fq_error *err);

/* Has a case's due_on / due_at (may be NULL) passed at today / now (an
 * ISO timestamp, may be NULL)?  due_on before today; or due_on today
 * and now after due_at. */
bool fq_due_passed(const char *due_on, const char *due_at, const char *today,
	const char *now);

/* Days from a to b (b - a), both YYYY-MM-DD; 0 if either is bad. */
int fq_days_between(const char *a, const char *b);

#endif
