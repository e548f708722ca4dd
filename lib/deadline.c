/*
 * deadline.c: due dates of a case (see fq/deadline.h).
 */
#include <stdio.h>

#include "fq/deadline.h"
#include "internal.h"

int
fq_deadline_period(struct fq_period *out, const struct fq_node *config,
	const char *key, const char *def, struct fq_error *err)
{
	const char *v = fq_map_str(fq_map_get(config, "deadlines"), key);
	int ret;

	if (!v)
		return fq_period_parse(out, def, err);
	if ((ret = fq_period_parse(out, v, err))) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err ? err->msg :
			FQ_L_("bad period"));
		return fq_error_set(err, ret, "fq.yaml: deadlines.%s: %s", key,
			why);
	}
	return FQ_OK;
}

int
fq_deadline_from(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *key, const char *def,
	const char *start, struct fq_error *err)
{
	struct fq_period p;
	fq_day d;
	int ret;

	if ((ret = fq_deadline_period(&p, config, key, def, err)))
		return ret;
	if ((ret = fq_date_parse(&d, start, err)))
		return ret;
	fq_date_format(out, fq_period_due(cal, d, &p));
	return FQ_OK;
}

int
fq_days_between(const char *a, const char *b)
{
	fq_day x, y;

	if (!a || !b || fq_date_parse(&x, a, NULL) ||
	    fq_date_parse(&y, b, NULL))
		return 0;
	return (int)(y - x);
}

static int
emit(fq_deadline_fn fn, void *data, const char *rule, const char *what,
	const char *due, int referral)
{
	struct fq_deadline d;

	d.rule = rule;
	d.what = what;
	snprintf(d.due, sizeof(d.due), "%s", due);
	d.referral = referral;
	return fn(&d, data);
}

/* Date the current colour was set: the last risk_change event, else the
 * intake. */
static const char *
color_since(const struct fq_node *c, char buf[FQ_DATE_SIZE])
{
	const struct fq_node *ev = fq_map_get(c, "events");
	const char *at = NULL;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *k = fq_map_str(ev->vals[i], "kind");

		if (k && (!strcmp(k, "risk_change") || (!at &&
		    !strcmp(k, "intake"))))
			at = fq_map_str(ev->vals[i], "effective_on") ?
				fq_map_str(ev->vals[i], "effective_on") :
				fq_map_str(ev->vals[i], "at");
	}
	if (!at)
		at = fq_map_str(c, "created_at");
	if (!at || strlen(at) < 10)
		return NULL;
	snprintf(buf, FQ_DATE_SIZE, "%.10s", at);
	return buf;
}

/* deadlines.KEY: off (or none, 0) turns the rule off. */
static bool
off(const struct fq_node *config, const char *key)
{
	const char *v = fq_map_str(fq_map_get(config, "deadlines"), key);

	return v && (!strcmp(v, "off") || !strcmp(v, "none") ||
		!strcmp(v, "0"));
}

/* The day of c's last event (effective_on, else at). */
static const char *
last_event(const struct fq_node *c, char buf[FQ_DATE_SIZE])
{
	const struct fq_node *ev = fq_map_get(c, "events");
	size_t i;

	*buf = '\0';
	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *on = fq_map_str(ev->vals[i], "effective_on");

		if (!on)
			on = fq_map_str(ev->vals[i], "at");
		if (on && strlen(on) >= 10 && strncmp(on, buf, 10) > 0)
			snprintf(buf, FQ_DATE_SIZE, "%.10s", on);
	}
	return *buf ? buf : NULL;
}

/*
 * R14: a closed case is due for 归档 deadlines.archive (30 days) after
 * closed_on.  Not for a case closed before the day it was entered in fq
 * (created_at: a historical case from an imported ledger), nor for one
 * closed before deadlines.archive_from, nor a duplicate (merged), nor
 * with deadlines.archive: off.
 */
static int
archive_due(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err)
{
	const char *on = fq_map_str(c, "closed_on");
	const char *made = fq_map_str(c, "created_at");
	const char *from = fq_map_str(fq_map_get(config, "deadlines"),
		"archive_from");
	char due[FQ_DATE_SIZE];
	int ret;

	if (!on || strlen(on) < 10 || off(config, "archive"))
		return FQ_OK;
	if (fq_map_str(c, "outcome") &&
	    !strcmp(fq_map_str(c, "outcome"), "duplicate"))
		return FQ_OK;	/* its file is the surviving case's */
	if (made && strlen(made) >= 10 && strncmp(on, made, 10) < 0)
		return FQ_OK;
	if (from && strncmp(on, from, 10) < 0)
		return FQ_OK;
	if ((ret = fq_deadline_from(due, cal, config, "archive", "30 days",
	    on, err)))
		return ret;
	return emit(fn, data, "R14", "结案待归档", due, 0);
}

/* Days c spent referred_out, from its state changes: T10 pauses R1 and
 * T12 resumes it with the days that were left (DOMAIN.md §3.6). */
static int
paused_days(const struct fq_node *c)
{
	const struct fq_node *ev = fq_map_get(c, "events");
	char since[FQ_DATE_SIZE] = "", on[FQ_DATE_SIZE];
	int total = 0;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const struct fq_node *e = ev->vals[i];
		const char *to = fq_map_str(e, "state_to");
		const char *from = fq_map_str(e, "state_from");
		const char *d = fq_map_str(e, "effective_on");

		if (!to)
			continue;
		if (!d)
			d = fq_map_str(e, "at");
		if (!d)
			continue;
		snprintf(on, sizeof(on), "%.10s", d);
		if (*since && from && !strcmp(from, "referred_out") &&
		    strcmp(to, "referred_out")) {
			int n = fq_days_between(since, on);

			if (n > 0)
				total += n;
			*since = '\0';
		}
		if (!strcmp(to, "referred_out") && !*since)
			memcpy(since, on, sizeof(since));
	}
	return total;
}

int
fq_case_deadlines(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err)
{
	const char *status = fq_map_str(c, "status");
	const char *s, *color;
	const struct fq_node *refs;
	char due[FQ_DATE_SIZE], since[FQ_DATE_SIZE];
	int ret;
	size_t i;

	if (!status)
		return FQ_OK;
	if (!strcmp(status, "closed")) {
		if ((ret = archive_due(c, cal, config, fn, data, err)))
			return ret;
		goto referrals;	/* feedback may still be owed */
	}
	if (!strcmp(status, "archived"))
		goto referrals;
	if (!strcmp(status, "reported") &&
	    (s = fq_map_str(c, "reported_on"))) {
		if ((ret = fq_deadline_from(due, cal, config, "triage",
		    "3 workdays", s, err)))
			return ret;
		if ((ret = emit(fn, data, "R15", "排查登记待处理", due, 0)))
			return ret;
	}
	if ((!strcmp(status, "accepted") || !strcmp(status, "mediating")) &&
	    (s = fq_map_str(c, "accepted_on"))) {
		int paused = paused_days(c);
		char start[FQ_DATE_SIZE];
		fq_day d;

		snprintf(start, sizeof(start), "%s", s);
		if (paused && fq_date_parse(&d, s, NULL) == 0)
			fq_date_format(start, fq_date_add_days(d, paused));
		if (fq_map_str(c, "extended_until"))
			snprintf(due, sizeof(due), "%s",
				fq_map_str(c, "extended_until"));
		else if ((ret = fq_deadline_from(due, cal, config, "mediation",
		    "1 month", start, err)))
			return ret;
		if ((ret = emit(fn, data, "R1", "调解期限", due, 0)))
			return ret;
	}
	if (!strcmp(status, "agreed")) {
		const struct fq_node *a = fq_map_get(c, "agreement");
		const char *eff = fq_map_str(a, "effective_on");
		const char *pd = fq_map_str(a, "performance_due");
		const struct fq_node *v = fq_map_get(c, "visits");
		bool visited = false;

		if (pd && eff && strcmp(pd, eff) > 0)
			eff = pd;
		for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++) {
			const char *on = fq_map_str(v->vals[i], "on");

			if (on && eff && strcmp(on, fq_map_str(a,
			    "effective_on")) >= 0)
				visited = true;
		}
		if (eff && !visited) {
			if ((ret = fq_deadline_from(due, cal, config, "visit",
			    "15 days", eff, err)))
				return ret;
			if ((ret = emit(fn, data, "R6", "协议回访", due, 0)))
				return ret;
		}
	}
	color = fq_map_str(c, "risk_color");
	if (color && (!strcmp(color, "red") || !strcmp(color, "yellow")) &&
	    !fq_map_str(c, "plan") && color_since(c, since)) {
		bool red = !strcmp(color, "red");

		if ((ret = fq_deadline_from(due, cal, config,
		    red ? "plan_red" : "plan_yellow",
		    red ? "3 days" : "7 days", since, err)))
			return ret;
		if ((ret = emit(fn, data, "R7", red ? "红色案件一案一策" :
		    "黄色案件一案一策", due, 0)))
			return ret;
	}
	if (color && (!strcmp(color, "red") || !strcmp(color, "yellow")) &&
	    !off(config, "stale") && last_event(c, since)) {
		if ((ret = fq_deadline_from(due, cal, config, "stale",
		    "10 days", since, err)))
			return ret;
		if ((ret = emit(fn, data, "R16", "红黄案件无进展", due, 0)))
			return ret;
	}
referrals:
	refs = fq_map_get(c, "referrals");
	for (i = 0; refs && refs->kind == FQ_NODE_SEQ && i < refs->len; i++) {
		const struct fq_node *r = refs->vals[i];
		const char *st = fq_map_str(r, "state");
		const char *n = fq_map_str(r, "n");
		int num = n ? atoi(n) : 0;

		if (!st)
			continue;
		if (!strcmp(st, "sent") && (s = fq_map_str(r, "due_receipt")) &&
		    (ret = emit(fn, data, "receipt", "移交待签收", s, num)))
			return ret;
		if ((!strcmp(st, "sent") || !strcmp(st, "received")) &&
		    ((s = fq_map_str(r, "extended_until")) ||
		     (s = fq_map_str(r, "due_result"))) &&
		    (ret = emit(fn, data, "result", "移交待反馈", s, num)))
			return ret;
	}
	return FQ_OK;
}

static int
keep_min(const struct fq_deadline *d, void *data)
{
	char *min = data;

	/* R16 is the stale flag, not a time limit */
	if (!strcmp(d->rule, "R16"))
		return 0;
	if (!*min || strcmp(d->due, min) < 0)
		memcpy(min, d->due, FQ_DATE_SIZE);
	return 0;
}

int
fq_case_update_due(struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, struct fq_error *err)
{
	char min[FQ_DATE_SIZE] = "";
	int ret;

	if ((ret = fq_case_deadlines(c, cal, config, keep_min, min, err)))
		return ret;
	if (*min)
		fq_map_set(c, "due_on", fq_node_scalar(min));
	else
		fq_map_del(c, "due_on");
	return FQ_OK;
}

int
fq_referral_due(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *kind, const char *channel,
	bool simple, const char *start, struct fq_error *err)
{
	const char *key, *def;

	if (!strcmp(kind, "invite") || !strcmp(kind, "summon"))
		return fq_error_set(err, FQ_ENOTFOUND, "no result deadline for "
			"%s", kind);
	if (!strcmp(kind, "delegate")) {
		key = "court_delegate";
		def = "30 days";
	} else if (!strcmp(kind, "entrust") && !strcmp(channel, "litigation")) {
		key = simple ? "court_entrust_simple" : "court_entrust_ordinary";
		def = simple ? "7 days" : "15 days";
	} else if ((!strcmp(kind, "entrust") || !strcmp(kind, "transfer")) &&
	    !strcmp(channel, "police")) {
		key = "police_transfer";
		def = "5 days";
	} else if (!strcmp(kind, "transfer") && !strcmp(channel, "petition")) {
		key = "petition_transfer";
		def = "60 days";
	} else if (!strcmp(kind, "assign")) {
		key = "assign";
		def = "15 days";
	} else {
		key = "mediation";
		def = "1 month";
	}
	return fq_deadline_from(out, cal, config, key, def, start, err);
}
