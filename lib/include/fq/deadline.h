/*
 * deadline.h: the due dates of a case, from its dates, the repository's
 * deadline profile (fq.yaml `deadlines:`) and the holiday calendar.
 *
 * Rules in force (DOMAIN.md §3.8.2):
 *	R1  accepted, mediating: mediation time limit from accepted_on
 *	    (deadlines.mediation, default "1 month"), or extended_until
 *	R15 reported: triage from reported_on (deadlines.triage,
 *	    default "3 workdays")
 * due_on is the earliest active one; a closed case has none.
 */
#ifndef FQ_DEADLINE_H
#define FQ_DEADLINE_H

#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"

/* The period configured for key in config's deadlines (or def). */
int fq_deadline_period(struct fq_period *out, const struct fq_node *config,
	const char *key, const char *def, struct fq_error *err);

/* Recompute c's due_on (set or removed).  cal may be NULL. */
int fq_case_update_due(struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, struct fq_error *err);

#endif
