/*
 * lifecycle.c: the transition table and state replay (see
 * fq/lifecycle.h).
 *
 * Per-state invariants, checked by the commands that enter the state:
 *
 *	reported	reported_on, summary, source in {screening,
 *			grid_report, hotline}
 *	accepted	accepted_on, category, summary, >= 1 party
 *	mediating	>= 1 mediator
 *	agreed		agreement with form, effective_on (and number if
 *			written)
 *	referred_out	an outbound referral in state sent or received
 *	closed		outcome, closed_on; failed needs
 *			failure_routes_advised; duplicate needs merged_into
 *	archived	docs checklist complete, archived_on, retention
 */
#include <stdio.h>

#include "fq/lifecycle.h"
#include "internal.h"

const char *const fq_states[] = {
	"reported", "accepted", "mediating", "agreed", "referred_out",
	"closed", "archived", NULL
};

#define OPEN "reported", "accepted", "mediating", "agreed", "referred_out"

const struct fq_step fq_steps[] = {
	{ "T3", "accept", { "reported" }, "accepted", NULL },
	{ "T4", "reject", { "reported", "accepted" }, "closed", "rejected" },
	{ "T5", "refuse", { "accepted", "mediating" }, "closed", "refused" },
	{ "T6", "mediate", { "accepted" }, "mediating", NULL },
	{ "T7", "withdraw", { "accepted", "mediating" }, "closed",
		"withdrawn" },
	{ "T7a", "withdraw-settled", { "accepted", "mediating" }, "closed",
		"settled_self" },
	{ "T8", "agree", { "mediating" }, "agreed", NULL },
	{ "T8a", "agree-close", { "mediating" }, "closed", "mediated_*" },
	{ "T9", "fail", { "mediating" }, "closed", "failed" },
	{ "T10", "refer", { "reported", "accepted", "mediating" },
		"referred_out", NULL },
	{ "T10b", "refer-invite", { OPEN }, NULL, NULL },
	{ "T11", "return-close", { "referred_out" }, "closed", "referred_*" },
	{ "T12", "return-mediate", { "referred_out" }, "mediating", NULL },
	{ "T13", "close", { "agreed" }, "closed", "mediated_*" },
	{ "T14", "reopen", { "agreed", "closed" }, "mediating", NULL },
	{ "T16", "archive", { "closed" }, "archived", NULL },
	{ "T17", "risk", { OPEN }, NULL, NULL },
	{ "T18", "extend", { "accepted", "mediating", "agreed" }, NULL, NULL },
	{ "T18b", "extend-referral", { OPEN }, NULL, NULL },
	{ "T19", "visit", { "agreed", "closed", "archived" }, NULL, NULL },
	{ "T20", "confirm", { "agreed", "closed" }, NULL, NULL },
	{ "T21", "merge", { "*" }, "closed", "duplicate" },
	{ "R", "receive", { OPEN }, NULL, NULL },
	{ "R", "return", { OPEN, "closed" }, NULL, NULL },
};
const size_t fq_nsteps = FQ_ARRAY_SIZE(fq_steps);

static bool
from_ok(const struct fq_step *s, const char *state)
{
	size_t i;

	for (i = 0; s->from[i]; i++)
		if (!strcmp(s->from[i], "*") || !strcmp(s->from[i], state))
			return true;
	return false;
}

/* The verb a row is known by on the command line ("agree-close" is
 * `fq agree --close`). */
static const char *
cli_verb(const char *verb, char *buf, size_t n)
{
	const char *dash = strchr(verb, '-');

	if (!dash)
		return verb;
	snprintf(buf, n, "%.*s", (int)(dash - verb), verb);
	return buf;
}

/* How a row that is one form of its verb is named when the verb's plain
 * row is not allowed: "cannot refer a case that is agreed" must not be
 * followed by a bare "refer" in the allowed list. */
static const char *
cli_form(const char *verb)
{
	if (!strcmp(verb, "refer-invite"))
		return "refer --kind invite|summon";
	if (!strcmp(verb, "agree-close"))
		return "agree --close";
	if (!strcmp(verb, "extend-referral"))
		return "extend --referral N";
	return NULL;
}

void
fq_step_verbs_from(struct fq_buf *out, const char *state)
{
	size_t i, j;
	char a[32], b[32];

	for (i = 0; i < fq_nsteps; i++) {
		const char *v = cli_verb(fq_steps[i].verb, a, sizeof(a));
		bool dup = false, plain = false;

		if (!from_ok(&fq_steps[i], state))
			continue;
		for (j = 0; j < fq_nsteps; j++) {
			if (!from_ok(&fq_steps[j], state) ||
			    strcmp(cli_verb(fq_steps[j].verb, b, sizeof(b)), v))
				continue;
			if (j < i)
				dup = true;
			if (!strcmp(fq_steps[j].verb, v))
				plain = true;
		}
		if (dup)
			continue;
		if (out->len)
			fq_buf_adds(out, ", ");
		fq_buf_adds(out, plain || !cli_form(fq_steps[i].verb) ? v :
			cli_form(fq_steps[i].verb));
	}
}

int
fq_step_allowed(const char *verb, const char *state, struct fq_error *err)
{
	struct fq_buf ok = FQ_BUF_INIT;
	size_t i;
	bool known = false;
	int ret;

	for (i = 0; i < fq_nsteps; i++) {
		if (strcmp(fq_steps[i].verb, verb))
			continue;
		known = true;
		if (from_ok(&fq_steps[i], state))
			return FQ_OK;
	}
	if (!known)
		return fq_error_set(err, FQ_ERROR, "unknown step '%s'", verb);
	fq_step_verbs_from(&ok, state);
	ret = fq_error_set(err, FQ_ETRANSITION, "cannot %s a case that is "
		"%s; allowed from %s: %s", verb, state, state,
		ok.len ? ok.buf : FQ_L_("nothing"));
	fq_buf_release(&ok);
	return ret;
}

struct fq_node *
fq_case_move(struct fq_node *c, const char *to, const char *outcome,
	const char *now, const char *on, const char *actor, const char *note)
{
	const char *from = fq_map_str(c, "status");
	char *from_copy = from ? fq_xstrdup(from) : NULL;
	struct fq_node *events = fq_map_get(c, "events");
	struct fq_node *ev = fq_node_new(FQ_NODE_MAP);

	if (!events || events->kind != FQ_NODE_SEQ) {
		events = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "events", events);
	}
	fq_map_set(ev, "at", fq_node_scalar(now));
	fq_map_set_str(ev, "kind", "state_change");
	if (actor && *actor)
		fq_map_set_str(ev, "actor", actor);
	if (on && strncmp(on, now, 10))
		fq_map_set(ev, "effective_on", fq_node_scalar(on));
	fq_map_set_str(ev, "state_from", from_copy);
	fq_map_set_str(ev, "state_to", to);
	if (outcome)
		fq_map_set_str(ev, "outcome", outcome);
	if (note && *note)
		fq_map_set_str(ev, "note", note);
	fq_seq_push(events, ev);

	fq_map_set_str(c, "status", to);
	if (!strcmp(to, "closed")) {
		fq_map_set_str(c, "outcome", outcome);
		fq_map_set(c, "closed_on", fq_node_scalar(on ? on : now));
		fq_map_del(c, "due_on");
	} else if (from_copy && !strcmp(from_copy, "closed") &&
	    strcmp(to, "archived")) {
		fq_map_del(c, "outcome");
		fq_map_del(c, "closed_on");
	}
	free(from_copy);
	return ev;
}

void
fq_case_state_at(const struct fq_node *c, const char *date,
	const char **state, const char **outcome)
{
	const struct fq_node *events = fq_map_get(c, "events");
	size_t i;

	*state = NULL;
	*outcome = NULL;
	if (!events || events->kind != FQ_NODE_SEQ)
		return;
	for (i = 0; i < events->len; i++) {
		const struct fq_node *e = events->vals[i];
		const char *to = fq_map_str(e, "state_to");
		const char *on = fq_map_str(e, "effective_on");
		const char *at = fq_map_str(e, "at");
		const char *was = *outcome;

		if (!to)
			continue;
		if (!on)
			on = at;
		if (!on || strncmp(on, date, 10) > 0)
			continue;
		*state = to;
		*outcome = !strcmp(to, "closed") || !strcmp(to, "archived") ?
			fq_map_str(e, "outcome") : NULL;
		/* Archiving keeps the outcome the case was closed with (not
		 * the case's current one: a merge may have changed it). */
		if (!strcmp(to, "archived") && !*outcome)
			*outcome = was ? was : fq_map_str(c, "outcome");
	}
}
