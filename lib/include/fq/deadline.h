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
 *	R7  plan	red or yellow, open, no plan: the day the colour was
 *			set + deadlines.plan_red (3 days) / plan_yellow (7)
 *	R16 stale	red or yellow, open: the day of the last event +
 *			deadlines.stale (10 days); a flag, not in due_on
 *	R14 archive	closed: closed_on + deadlines.archive (30 days);
 *			not when closed_on is before the day the case was
 *			entered (created_at: an imported historical case)
 *			or before deadlines.archive_from
 *	referrals	each referral in state sent: due_receipt; in sent or
 *			received: extended_until, else due_result
 *
 * deadlines.archive or deadlines.stale set to `off` turns R14 or R16 off.
 * due_on is the earliest of them but R16.  An archived case has only
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
	const char *rule;	/* "R1", "R6", "R7", "R14", "R15", "R16",
				 * "receipt", "result" */
	const char *what;	/* short Chinese description */
	char due[FQ_DATE_SIZE];
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

/* Days from a to b (b - a), both YYYY-MM-DD; 0 if either is bad. */
int fq_days_between(const char *a, const char *b);

#endif
