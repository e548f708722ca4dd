/*
 * lifecycle.h: how a case moves (DOMAIN.md §3.6), as data.
 *
 *	reported     -> accepted (accept) | closed:rejected (reject)
 *	                | referred_out (refer)
 *	accepted     -> mediating (mediate, or the first session note)
 *	                | closed:rejected|refused|withdrawn | referred_out
 *	mediating    -> agreed (agree) | closed:mediated_* (agree --close)
 *	                | closed:failed|refused|withdrawn | referred_out
 *	agreed       -> closed:mediated_* (close) | mediating (reopen)
 *	referred_out -> closed:referred_* (return) | mediating (return
 *	                --result returned_for_mediation)
 *	closed       -> archived (archive) | mediating (reopen, audited)
 *	any          -> closed:duplicate (merge)
 *
 * The state says where a case is; the outcome, set only on closing, says
 * how it ended.  Each step is one row of fq_steps[]: the verb, the states
 * it may start from, the state it leads to (NULL: the state does not
 * change, as for risk, extend, visit, confirm) and the outcome it sets.
 * Several rows may share a verb when the result depends on an option
 * (agree, agree --close).  Commands ask fq_step_allowed() before they
 * touch anything, so a refused step writes nothing.
 */
#ifndef FQ_LIFECYCLE_H
#define FQ_LIFECYCLE_H

#include <stdbool.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"

#define FQ_MAX_FROM 7

struct fq_step {
	const char *id;		/* T1..T21 */
	const char *verb;
	const char *from[FQ_MAX_FROM + 1];	/* NULL-terminated; "*" = any */
	const char *to;		/* NULL: state unchanged */
	const char *outcome;	/* set on closing, else NULL */
};

extern const struct fq_step fq_steps[];
extern const size_t fq_nsteps;

/* The states, in lifecycle order. */
extern const char *const fq_states[];

/* May verb be done from state?  Returns FQ_OK or FQ_ETRANSITION with a
 * message naming the state and the verbs that are allowed from it. */
int fq_step_allowed(const char *verb, const char *state, struct fq_error *err);

/* Verbs allowed from state, comma-separated, appended to out. */
void fq_step_verbs_from(struct fq_buf *out, const char *state);

/*
 * Move c to state `to` with outcome (may be NULL), recording a
 * state_change event at `now`, by actor, effective on date `on`
 * (YYYY-MM-DD), with note.  Closing sets closed_on = on; leaving closed
 * removes outcome and closed_on (they stay in the event log).  Returns
 * the event so the caller can add to it.
 */
struct fq_node *fq_case_move(struct fq_node *c, const char *to,
	const char *outcome, const char *now, const char *on,
	const char *actor, const char *note);

/*
 * The state and outcome c had at the end of day `date` (YYYY-MM-DD),
 * replayed from its events: the last event with state_to whose effective
 * date (effective_on, else the date of `at`) is on or before date.
 * *state is NULL when the case did not exist yet.  Pointers borrow from c.
 */
void fq_case_state_at(const struct fq_node *c, const char *date,
	const char **state, const char **outcome);

#endif
